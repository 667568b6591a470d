package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// commands are every subcommand; each answers -h and --help with its own usage.
var commands = []string{"run", "demo", "playground", "analyze", "draft", "check", "replay", "simulate", "version"}

func TestEveryCommandAnswersHelp(t *testing.T) {
	clearConfig(t)
	// Help needs no valid configuration: a broken one must not stand in the way.
	t.Setenv("PLAYBOOK_FILE", filepath.Join(t.TempDir(), "missing.json"))
	t.Setenv("SLACK_BOT_TOKEN", "not-a-token")
	for _, cmd := range commands {
		for _, h := range []string{"-h", "--help", "-help"} {
			stdout, stderr, code := runCLI(t, cmd, h)
			if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "Usage: deescalate "+cmd) {
				t.Errorf("deescalate %s %s: exit %d, stderr %q, stdout %q; want 0 and its usage on stdout", cmd, h, code, stderr, stdout)
			}
		}
		viaHelp, _, code := runCLI(t, "help", cmd)
		if own, _, _ := runCLI(t, cmd, "--help"); code != 0 || viaHelp != own {
			t.Errorf("deescalate help %s: exit %d, %q; want %q", cmd, code, viaHelp, own)
		}
	}
}

// TestHelpListsFlags: a command's help shows its own flags, not another's.
func TestHelpListsFlags(t *testing.T) {
	for cmd, flags := range map[string][]string{
		"draft":      {"-tone", "-customer-tz", "-now"},
		"check":      {"-format", "-playbook", "-upset"},
		"replay":     {"-agents", "-customers", "-team-tz"},
		"playground": {"-port"},
	} {
		stdout, _, _ := runCLI(t, cmd, "--help")
		for _, f := range flags {
			if !strings.Contains(stdout, "  "+f+" ") && !strings.Contains(stdout, "  "+f+"\n") {
				t.Errorf("deescalate %s --help lacks %s:\n%s", cmd, f, stdout)
			}
		}
		if cmd != "check" && strings.Contains(stdout, "-playbook") {
			t.Errorf("deescalate %s --help shows check's flags:\n%s", cmd, stdout)
		}
	}
}

func TestUnknownFlagPrintsUsageAndExits2(t *testing.T) {
	clearConfig(t)
	for _, cmd := range commands {
		stdout, stderr, code := runCLI(t, cmd, "--frobnicate")
		if code != 2 || stdout != "" || !strings.Contains(stderr, "flag provided but not defined: -frobnicate") ||
			!strings.Contains(stderr, "Usage: deescalate "+cmd) {
			t.Errorf("deescalate %s --frobnicate: exit %d, stdout %q, stderr %q; want 2 with its usage on stderr", cmd, code, stdout, stderr)
		}
	}
	// A bad value is a usage error of its command too.
	if _, stderr, code := runCLI(t, "draft", "--tone", "snarky"); code != 2 || !strings.Contains(stderr, "Usage: deescalate draft") {
		t.Errorf("draft --tone snarky: exit %d, %q", code, stderr)
	}
}

// TestSimulateHelpOpensNoFile: --help is a flag, even where a file of that name exists.
func TestSimulateHelpOpensNoFile(t *testing.T) {
	clearConfig(t)
	t.Chdir(t.TempDir())
	if err := os.WriteFile("--help", []byte(`{"start": "not a time"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "simulate", "--help")
	if code != 0 || !strings.Contains(stdout, "docs/scenarios.md") || stderr != "" {
		t.Errorf("simulate --help: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// After "--" it is a file name like any other.
	if _, stderr, code := runCLI(t, "simulate", "--", "--help"); code != 2 || !strings.Contains(stderr, "--help") {
		t.Errorf("simulate -- --help: exit %d, stderr %q; want 2 for the invalid scenario in the file", code, stderr)
	}
}

func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, stderr, code := runCLI(t, args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "deescalate ") || !strings.Contains(stdout, "\ncommit ") {
			t.Errorf("deescalate %s: exit %d, stdout %q, stderr %q", args[0], code, stdout, stderr)
		}
	}
	if _, _, code := runCLI(t, "version", "extra"); code != 2 {
		t.Errorf("version extra: exit %d, want 2", code)
	}
}

func TestVersionReadsTheBuildInfo(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/deescalate/deescalate", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-03-10T15:04:05Z"}, {Key: "vcs.modified", Value: "true"}}}
	tests := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"stamped", stamped, true, "deescalate v1.4.0\ncommit 0123456789abcdef0123456789abcdef01234567 (with local changes)\ncommit date 2026-03-10T15:04:05Z\nbuilt with go1.26.8"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, "deescalate (devel)\ncommit unknown\ncommit date unknown\nbuilt with go1.26.8"},
		{"no build info", nil, false, "deescalate (devel)\ncommit unknown\ncommit date unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := version(tt.info, tt.ok); got != tt.want {
				t.Errorf("version() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestConfigProblemsAllAtOnce: a missing or broken PLAYBOOK_FILE is told in the same list as
// every other problem of the configuration, for the bot and the offline commands alike.
func TestConfigProblemsAllAtOnce(t *testing.T) {
	broken, err := filepath.Abs("testdata/check/four-mistakes.json")
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "team-playbook.json")
	tests := []struct {
		name     string
		playbook string
		want     []string
	}{
		{"missing file", missing, []string{"PLAYBOOK_FILE: open " + missing + ": no such file or directory"}},
		{"four mistakes", broken, []string{
			"PLAYBOOK_FILE " + broken + `: rules["no-blame"]: unknown field "colour"`,
			"PLAYBOOK_FILE " + broken + `: rules["no-blame"].phrases["blame"].remove: "as i once said" is not in the list`,
			"PLAYBOOK_FILE " + broken + `: rules["pause"].priority: want a whole number, got "high"`,
			"PLAYBOOK_FILE " + broken + `: rules["shout-back"]: unknown rule`,
		}},
	}
	for _, tt := range tests {
		for _, args := range [][]string{nil, {"analyze"}, {"draft"}} {
			cmd := "run"
			if len(args) > 0 {
				cmd = args[0]
			}
			t.Run(tt.name+"/"+cmd, func(t *testing.T) {
				clearConfig(t)
				t.Setenv("PLAYBOOK_FILE", tt.playbook)
				t.Setenv("SLACK_BOT_TOKEN", "xoxp-a-user-token")
				t.Setenv("SLACK_APP_TOKEN", "xapp-1-A111-2222-abcdef")
				t.Setenv("NUDGE_COOLDOWN", "soon")
				_, stderr, code := runWithStdin(t, "Where is my refund?", args...)
				if code != 2 || strings.Count(stderr, "invalid configuration") != 1 {
					t.Fatalf("exit %d, stderr:\n%s\nwant 2 and one list of problems", code, stderr)
				}
				want := append([]string{"SLACK_BOT_TOKEN must be a bot token starting with xoxb-", `NUDGE_COOLDOWN: "soon" is not a duration`}, tt.want...)
				for _, w := range want {
					if !strings.Contains(stderr, "\n  - "+w) {
						t.Errorf("the list of problems lacks %q:\n%s", w, stderr)
					}
				}
				if n := strings.Count(stderr, "\n  - "); n != len(want) {
					t.Errorf("%d problems listed, want %d:\n%s", n, len(want), stderr)
				}
			})
		}
	}
}

// TestScenarioConfigProblemsAllAtOnce: a scenario's own settings are checked with the playbook
// file they name, in one list.
func TestScenarioConfigProblemsAllAtOnce(t *testing.T) {
	clearConfig(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "scenario.json")
	missing := filepath.Join(dir, "team.json")
	os.WriteFile(path, []byte(`{"start": "2026-03-10T13:58:00Z", "env": {"NUDGE_COOLDOWN": "soon", "PLAYBOOK_FILE": "`+missing+`"}, "events": []}`), 0o644)
	_, stderr, code := runCLI(t, "simulate", path)
	if code != 2 || !strings.Contains(stderr, "\n  - NUDGE_COOLDOWN") || !strings.Contains(stderr, "\n  - PLAYBOOK_FILE: open "+missing) {
		t.Errorf("exit %d, stderr:\n%s\nwant 2 listing NUDGE_COOLDOWN and PLAYBOOK_FILE", code, stderr)
	}
}
