package coach

import (
	"slices"
	"strings"
	"testing"
)

func TestDefaultPlaybookLoads(t *testing.T) {
	pb := DefaultPlaybook()
	for _, id := range []string{"pause", "chunk", "feelings-first", "outcome-not-process", "possible-first",
		"no-blame", "overpromise", "concrete-time", "check-resolution", "follow-up", "preemptive-ack"} {
		if pb.Rule(id) == nil {
			t.Errorf("default playbook has no rule %q", id)
		}
	}
	for _, th := range themeIDs {
		if len(pb.Themes[th]) == 0 {
			t.Errorf("default playbook has no phrases for theme %q", th)
		}
	}
}

// minimal is the smallest valid playbook, for tests that change one thing.
const minimal = `{"rules": [{"id": "pause", "title": "T", "why": "w {cue}", "say": ["s"]}],
 "upset": {"threshold": 1, "cues": [{"kind": "anger", "phrases": ["furious"]}]},
 "signals": {}, "themes": {}}`

func TestLoadPlaybookErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []string // every fragment must appear in the error
	}{
		{"unknown field", strings.Replace(minimal, `"signals": {}`, `"signals": {}, "colour": 1`, 1), []string{"team.json", `unknown field "colour"`}},
		{"unknown rule field", strings.Replace(minimal, `"say": ["s"]`, `"say": ["s"], "tone": 1`, 1), []string{"team.json", `"tone"`}},
		{"duplicate rule", strings.Replace(minimal, `"rules": [`, `"rules": [{"id": "pause", "why": "w", "say": ["s"]}, `, 1),
			[]string{"team.json", `rule "pause"`, `field "id": defined twice`}},
		{"unknown rule", strings.Replace(minimal, `"id": "pause"`, `"id": "shout-back"`, 1), []string{`rule "shout-back"`, "unknown rule"}},
		{"empty why and say", strings.Replace(minimal, `"why": "w {cue}", "say": ["s"]`, `"why": "", "say": []`, 1),
			[]string{`rule "pause": field "why" is empty`, `rule "pause": field "say" needs at least one sentence`}},
		{"unknown phrase list", strings.Replace(minimal, `"say": ["s"]`, `"say": ["s"], "phrases": {"blame": ["x"]}`, 1),
			[]string{`rule "pause": field "phrases": unknown list "blame"`}},
		{"threshold out of range", strings.Replace(minimal, `"threshold": 1`, `"threshold": 30`, 1), []string{`upset: field "threshold"`}},
		{"phrase not lowercase", strings.Replace(minimal, `"furious"`, `"Furious"`, 1), []string{`upset: cues[0] (anger): field "phrases": "Furious" must be lowercase`}},
		{"punctuation in a phrase", strings.Replace(minimal, `"furious"`, `"what?!"`, 1), []string{`"what?!" holds`}},
		{"bad theme id", strings.Replace(minimal, `"themes": {}`, `"themes": {"Billing Stuff": ["x"]}`, 1), []string{`themes: "Billing Stuff" is not a theme id`}},
		{"wrong type", strings.Replace(minimal, `"title": "T"`, `"title": "T", "priority": "high"`, 1), []string{"team.json", `"rules.priority"`}},
		{"not json", `{"rules": [`, []string{"team.json", "invalid JSON"}},
		{"trailing data", minimal + ` {}`, []string{"unexpected data"}},
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
	if _, err := LoadPlaybook("team.json", strings.NewReader(minimal)); err != nil {
		t.Fatalf("the minimal playbook does not load: %v", err)
	}
}

func TestOverride(t *testing.T) {
	pb, err := Overridden("team.json", strings.NewReader(`{
		"rules": {
			"no-blame": {"disabled": true},
			"pause": {"title": "Breathe first", "say": ["We hear you, and we're on it."]},
			"possible-first": {"phrases": {"refusal": {"add": ["out of scope"], "remove": ["i'm afraid"]}}}
		},
		"upset": {"cues": {"anger": {"add": ["steaming"]}, "politics": {"add": ["unelected"]}}},
		"themes": {"onboarding": {"add": ["kickoff call"]}, "pricing": {"remove": ["coupon"]}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	c := New(pb)
	if pb.Rule("no-blame") != nil {
		t.Error("no-blame is still on")
	}
	if got := fired("As I already said, clear your cookies.", nil); !slices.Contains(got, "no-blame") {
		t.Fatal("the default coach lost no-blame: overrides must not change the built-in playbook")
	}
	_, fs := c.Review(Message{Text: "As I already said, clear your cookies.", Role: RoleAgent, Now: benchNow}, nil)
	if len(fs) != 0 {
		t.Errorf("a disabled rule fired: %+v", fs)
	}
	_, fs = c.Review(Message{Text: "That's out of scope for this plan.", Role: RoleAgent, Now: benchNow}, nil)
	if len(fs) != 1 || fs[0].Rule != "possible-first" {
		t.Errorf("an added refusal phrase did not fire: %+v", fs)
	}
	_, fs = c.Review(Message{Text: "I'm afraid that option is gone.", Role: RoleAgent, Now: benchNow}, nil)
	if slices.ContainsFunc(fs, func(f Finding) bool { return f.Rule == "possible-first" }) {
		t.Error("a removed refusal phrase still fired")
	}
	// The phrase is a feature of the upset model with the learned weight of its kind: the same
	// message reads calm to the built-in coach and upset to the team's, quoting the new phrase.
	msg := "I'm steaming. The invoice is wrong again."
	if a := testCoach.Analyze(Message{Text: msg}); a.Upset {
		t.Fatalf("the built-in coach already reads %q as upset; pick a calmer message", msg)
	}
	if a := c.Analyze(Message{Text: msg}); !a.Upset || !slices.ContainsFunc(a.Cues, func(q string) bool { return strings.Contains(q, "steaming") }) {
		t.Errorf("an added anger phrase did not count: %+v", a)
	}
	if a := c.Analyze(Message{Text: "we need a kickoff call next week"}); !slices.Contains(a.Themes, "onboarding") {
		t.Errorf("a team's own theme was not found: %q", a.Themes)
	}
	th, n := Thread{Channel: "C", TS: "1.0", Owner: "UANA"}, Nudge{Rule: "pause", About: "1.1"}
	if r := c.Render(th, n); r.Title != "Breathe first" || r.Say != "We hear you, and we're on it." {
		t.Errorf("reworded pause = %q / %q", r.Title, r.Say)
	}
}

func TestOverrideErrorsNameFileRuleAndField(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{"unknown rule", `{"rules": {"shout-back": {"disabled": true}}}`, []string{"team.json", `rules["shout-back"]`, "unknown rule"}},
		{"unknown field", `{"rules": {"pause": {"colour": "red"}}}`, []string{"team.json", `unknown field "colour"`}},
		{"unknown list", `{"rules": {"pause": {"phrases": {"blame": {"add": ["x"]}}}}}`, []string{`rules["pause"].phrases["blame"]`, "no phrase list"}},
		{"removing what is not there", `{"rules": {"no-blame": {"phrases": {"blame": {"remove": ["as i once said"]}}}}}`,
			[]string{`rules["no-blame"].phrases["blame"].remove`, `"as i once said" is not in the list`}},
		{"bad phrase", `{"upset": {"cues": {"anger": {"add": ["GRR!"]}}}}`, []string{`upset.cues["anger"].add`, `"GRR!"`}},
		{"an old weight", `{"upset": {"cues": {"anger": {"weight": 0.5, "add": ["x"]}}}}`, []string{`upset.cues["anger"]`, `"weight"`}},
		{"empty why", `{"rules": {"pause": {"why": ""}}}`, []string{`rule "pause": field "why" is empty`}},
		{"threshold out of range", `{"upset": {"threshold": 99}}`, []string{`upset: field "threshold"`}},
		{"extra rule without kind", `{"extra": {"no-jargon": {"why": "x", "say": ["y"], "phrases": ["circle back"]}}}`, []string{`extra["no-jargon"]`, `"kind" is required`}},
		{"extra rule of an unknown kind", `{"extra": {"no-jargon": {"kind": "regex", "why": "x", "say": ["y"], "phrases": ["a"]}}}`, []string{`rule "no-jargon": field "kind"`, "unknown kind"}},
		{"extra rule taking a built-in id", `{"extra": {"pause": {"kind": "agent-phrase", "why": "x", "say": ["y"], "phrases": ["a"]}}}`, []string{`rule "pause"`, "built-in rule's id"}},
		{"extra rule without phrases", `{"extra": {"no-jargon": {"kind": "agent-phrase", "why": "x", "say": ["y"]}}}`, []string{`rule "no-jargon": field "phrases.match"`}},
		{"all at once", `{"rules": {"nope": {}, "pause": {"why": ""}}, "upset": {"threshold": 99}}`,
			[]string{`rules["nope"]`, `rule "pause": field "why" is empty`, `upset: field "threshold"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Overridden("team.json", strings.NewReader(tt.json))
			if err == nil {
				t.Fatalf("Overridden(%s) = nil error", tt.json)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestOverrideListsEveryMistake: a file with four different mistakes gets one error naming all
// four, each with the file, the rule and the field: decoding reads on past a wrong type and
// an unknown field instead of stopping at the first.
func TestOverrideListsEveryMistake(t *testing.T) {
	_, err := Overridden("team.json", strings.NewReader(`{
		"rules": {
			"pause": {"priority": "high"},
			"shout-back": {"disabled": true},
			"no-blame": {"colour": "red", "phrases": {"blame": {"remove": ["as i once said"]}}}
		}
	}`))
	if err == nil {
		t.Fatal("Overridden accepted a file with four mistakes")
	}
	want := []string{
		`team.json: rules["no-blame"]: unknown field "colour"`,
		`team.json: rules["pause"].priority: want a whole number, got "high"`,
		`team.json: rules["no-blame"].phrases["blame"].remove: "as i once said" is not in the list`,
		`team.json: rules["shout-back"]: unknown rule (known: `,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Errorf("Overridden error has %d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for _, w := range want {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, w) }) {
			t.Errorf("Overridden error lacks a line %q:\n%v", w, err)
		}
	}
}

// TestExtraRules: a team's own phrase rules nudge like the built-in ones.
func TestExtraRules(t *testing.T) {
	pb, err := Overridden("team.json", strings.NewReader(`{"extra": {
		"no-jargon": {"kind": "agent-phrase", "title": "Skip the jargon", "priority": 40,
			"why": "{cue} may not mean much to the customer.", "say": ["In plain words: …"], "phrases": ["circle back", "per my last email"]},
		"legal-threat": {"kind": "customer-phrase", "title": "Loop in your lead", "priority": 99,
			"why": "They mention {cue}.", "say": ["I'm bringing in my lead so this gets the attention it needs."], "phrases": ["my lawyer", "legal action"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := New(pb)
	_, fs := c.Review(Message{Text: "Let me circle back with the team on this.", Role: RoleAgent}, nil)
	if len(fs) != 1 || fs[0].Rule != "no-jargon" || fs[0].Cue != "circle back" {
		t.Errorf("agent reply findings = %+v", fs)
	}
	_, fs = c.Review(Message{Text: "If this is not fixed today my lawyer will hear about it.", Role: RoleCustomer}, nil)
	found := false
	for _, f := range fs {
		found = found || f.Rule == "legal-threat" && f.Cue == "my lawyer"
	}
	if !found {
		t.Errorf("customer message findings = %+v", fs)
	}
	if _, fs := c.Review(Message{Text: "Let me circle back with the team on this.", Role: RoleCustomer}, nil); len(fs) != 0 {
		t.Errorf("an agent-phrase rule fired on a customer: %+v", fs)
	}
}

// FuzzOverridden feeds arbitrary override files to the loader: it never panics, and a file
// it accepts gives a playbook whose coach can judge a message.
func FuzzOverridden(f *testing.F) {
	for _, s := range []string{`{}`, `{"rules": {"pause": {"disabled": true}}}`, `{"extra": {"x-y": {"kind": "agent-phrase", "why": "w", "say": ["s"], "phrases": ["a b"]}}}`,
		`{"upset": {"threshold": 0.5, "cues": {"anger": {"add": ["grr"]}}}}`, `{"themes": {"billing": {"add": ["po"]}}}`, `[`, `{"rules": 3}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pb, err := Overridden("fuzz.json", strings.NewReader(s))
		if err != nil {
			for line := range strings.Lines(err.Error()) {
				if !strings.HasPrefix(line, "fuzz.json: ") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		New(pb).Analyze(Message{Text: "This is the third time, I'm furious. We'll get back to you.", Role: RoleCustomer})
		PlaybookChanges(DefaultPlaybook(), pb)
	})
}
