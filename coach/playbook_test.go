package coach

import (
	"strings"
	"testing"
)

func TestDefaultPlaybookLoads(t *testing.T) {
	pb := DefaultPlaybook()
	if pb.Rule("pause") == nil {
		t.Fatal("default playbook has no pause rule")
	}
	for _, r := range pb.Rules {
		for _, s := range r.Say {
			if len(s) > 200 {
				t.Errorf("rule %s: suggestion of %d characters is too long for a nudge", r.ID, len(s))
			}
		}
	}
}

func TestLoadPlaybookErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []string // every fragment must appear in the error
	}{
		{"unknown field", `{"rules": [], "upset": {"threshold": 0.5}, "colour": 1}`, []string{"team.json", `unknown field "colour"`}},
		{"unknown rule field", `{"rules": [{"id": "pause", "why": "w", "say": ["s"], "tone": 1}], "upset": {"threshold": 0.5}}`, []string{"team.json", `"tone"`}},
		{"duplicate rule", `{"rules": [{"id": "pause", "why": "w", "say": ["s"]}, {"id": "pause", "why": "w", "say": ["s"]}], "upset": {"threshold": 0.5}}`,
			[]string{"team.json", `rule "pause"`, `field "id": defined twice`}},
		{"unknown rule", `{"rules": [{"id": "shout-back", "why": "w", "say": ["s"]}], "upset": {"threshold": 0.5}}`,
			[]string{`rule "shout-back"`, "unknown rule"}},
		{"empty why and say", `{"rules": [{"id": "pause", "why": "", "say": []}], "upset": {"threshold": 0.5}}`,
			[]string{`rule "pause": field "why" is empty`, `rule "pause": field "say" needs at least one sentence`}},
		{"threshold out of range", `{"rules": [], "upset": {"threshold": 3}}`, []string{`upset: field "threshold"`}},
		{"phrase not lowercase", `{"rules": [], "upset": {"threshold": 0.5, "phrases": {"Furious": 0.5}}}`, []string{`"Furious" must be non-empty lowercase`}},
		{"wrong type", `{"rules": [{"id": "pause", "priority": "high"}], "upset": {"threshold": 0.5}}`, []string{"team.json", `"rules.priority"`}},
		{"not json", `{"rules": [`, []string{"team.json", "invalid JSON"}},
		{"trailing data", `{"rules": [], "upset": {"threshold": 0.5}} {}`, []string{"unexpected data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadPlaybook("team.json", strings.NewReader(tt.json))
			if err == nil {
				t.Fatalf("LoadPlaybook(%s) = nil error, want one", tt.json)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("LoadPlaybook error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestDisabledRuleIsSilent(t *testing.T) {
	pb, err := LoadPlaybook("team.json", strings.NewReader(`{"rules": [{"id": "pause", "why": "w {cue}", "say": ["s"], "disabled": true}],
		"upset": {"threshold": 0.5, "phrases": {"furious": 0.9}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := New(pb)
	th := Thread{Channel: "C1", TS: "1.0", Owner: "UA"}
	_, nudges := c.Observe(th, Event{Kind: Posted, TS: "1.1", User: "UC", Role: RoleCustomer, Text: "I am furious"})
	if len(nudges) != 0 {
		t.Errorf("disabled pause rule still nudged: %+v", nudges)
	}
}
