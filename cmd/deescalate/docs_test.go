package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/deescalate/deescalate/config"
)

// TestREADMEDocumentsEverySetting keeps the configuration table true: every variable the
// program reads has a row, and every row is a variable it reads.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|").FindAllStringSubmatch(string(readme), -1) {
		rows[m[1]] = true
	}
	for _, name := range config.Names() {
		if !rows[name] {
			t.Errorf("README's configuration table has no row for %s", name)
		}
		delete(rows, name)
	}
	for name := range rows {
		t.Errorf("README documents %s, which the program does not read", name)
	}
}

// TestManifest checks the app manifest against what the bot uses.
func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := string(raw)
	for _, want := range []string{
		"socket_mode_enabled: true", "token_rotation_enabled: false", "is_enabled: true", "home_tab_enabled: true",
		"command: /deescalate", "callback_id: draft_reply", "type: message",
		"- channels:history", "- groups:history", "- channels:read", "- groups:read", "- chat:write", "- commands",
		"- im:write", "- reactions:read", "- users:read", "- usergroups:read",
		"- message.channels", "- message.groups", "- reaction_added", "- app_home_opened", "- subteam_members_changed",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest.yaml lacks %q", want)
		}
	}
	if strings.Contains(m, "url:") {
		t.Error("manifest.yaml sets a URL; Socket Mode apps need none")
	}
	limits := map[string]int{"name": 35, "description": 140, "display_name": 80}
	for key, max := range limits {
		re := regexp.MustCompile(`(?m)^\s+` + key + `: (.+)$`)
		for _, v := range re.FindAllStringSubmatch(m, -1) {
			if len(v[1]) > max {
				t.Errorf("manifest %s %q is longer than Slack's %d", key, v[1], max)
			}
		}
	}
	long := regexp.MustCompile(`(?s)long_description: >-\n(.*?)\nfeatures:`).FindStringSubmatch(m)
	if long == nil || len(strings.Join(strings.Fields(long[1]), " ")) < 175 || len(long[1]) > 4000 {
		t.Error("manifest long_description must be 175 to 4000 characters")
	}
}

// TestScenarioDocsExampleRuns plays the example of docs/scenarios.md and holds it to the
// example expect file there, so the format's documentation stays true.
func TestScenarioDocsExampleRuns(t *testing.T) {
	clearConfig(t)
	doc, err := os.ReadFile("../../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	var scenario, expect string
	for _, m := range regexp.MustCompile("(?s)```json\n(.*?)\n```").FindAllStringSubmatch(string(doc), -1) {
		switch {
		case strings.HasPrefix(m[1], "{\n  \"start\""):
			scenario = m[1]
		case strings.HasPrefix(m[1], "{\n  \"expect\""):
			expect = m[1]
		}
	}
	if scenario == "" || expect == "" {
		t.Fatal("docs/scenarios.md lacks its example scenario or its expect file")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "example.json")
	if err := os.WriteFile(path, []byte(scenario), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.expect.json"), []byte(expect), 0o644); err != nil {
		t.Fatal(err)
	}
	checkScenario(t, path)
}

// TestAnalysisContractDocumentsEveryField: every field analyze reads or writes has a row in
// docs/analysis-contract.md, and every row is a field it has.
func TestAnalysisContractDocumentsEveryField(t *testing.T) {
	doc, err := os.ReadFile("../../docs/analysis-contract.md")
	if err != nil {
		t.Fatal(err)
	}
	input, output, _ := strings.Cut(string(doc), "## Output")
	for _, tt := range []struct {
		section string
		typ     reflect.Type
	}{{input, reflect.TypeFor[analyzeInput]()}, {output, reflect.TypeFor[analyzeOutput]()}} {
		rows := map[string]bool{}
		for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|").FindAllStringSubmatch(tt.section, -1) {
			rows[m[1]] = true
		}
		for i := range tt.typ.NumField() {
			name, _, _ := strings.Cut(tt.typ.Field(i).Tag.Get("json"), ",")
			if name == "error" {
				continue // documented with the lines that cannot be read
			}
			if !rows[name] {
				t.Errorf("docs/analysis-contract.md: no row for the %s field %q", tt.typ.Name(), name)
			}
			delete(rows, name)
		}
		for name := range rows {
			t.Errorf("docs/analysis-contract.md documents %q, which %s does not have", name, tt.typ.Name())
		}
	}
}
