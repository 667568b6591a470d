package coach

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var testCoach = New(DefaultPlaybook())

func analyze(text string) Analysis {
	return testCoach.Analyze(Message{Text: text, Role: RoleCustomer, Now: benchNow})
}

func TestAnalyzeUpset(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		upset bool
		cue   string // the first cue quoted, when upset ("" to skip the check)
	}{
		// Anger, frustration, threats, repetition.
		{"repeat complaint", "This is the THIRD time I'm writing about this.", true, "THIRD time"},
		{"anger word", "I am furious about this invoice.", true, "furious"},
		{"threat to leave", "Still no answer. Honestly thinking about cancelling my plan.", true, "thinking about cancelling"},
		{"persistence", "The export is still broken after your so-called fix.", true, "still broken"},
		{"demand", "I want my money back and I want it today.", true, ""},
		{"rhetorical question", "why has nobody updated the status page???", true, ""},
		{"accusation", "you charged me twice for the same month", true, "you charged"},
		{"angry emoji", "the export is down again :rage:", true, ":rage:"},
		{"unicode emoji", "on hold for an hour again 🙄", true, ""},
		// Sarcasm.
		{"sarcasm", "great, just great. the update deleted all our saved filters.", true, "great, just great"},
		{"thanks for nothing", "Thanks a lot for nothing. The ticket got closed and it's still broken.", true, ""},
		{"scare quotes", "so the \"quick fix\" took the whole dashboard down. brilliant.", true, ""},
		// Politeness around frustration is still frustration.
		{"polite but upset", "I appreciate your help, but this is the 4th time I'm writing about this and nobody has gotten back to me.", true, ""},
		{"not trying to be difficult", "not trying to be difficult but I've asked three times now and still no reply", true, ""},
		// ALL CAPS: joy is not anger.
		{"caps anger", "NOTHING WORKS. I HAVE TRIED EVERYTHING.", true, ""},
		{"caps joy", "THANK YOU SO MUCH!!! you're a lifesaver", false, ""},
		{"acronyms are not shouting", "Can you send the PDF and the CSV by EOD?", false, ""},
		{"placeholder is not shouting", "[NAME] asked about the invoice", false, ""},
		// Negation.
		{"no problem", "No problem at all, take your time!", false, ""},
		{"not bad at all", "honestly not bad at all, the new charts are clearer", false, ""},
		{"not angry", "I'm not angry, just confused: why did my bill change?", false, ""},
		// Calm problem reports are not upset.
		{"calm bug report", "Our SSO login started failing at 9:40 with `SAML response invalid`. Can you take a look?", false, ""},
		{"calm outage", "Modem lights are all green but no internet. Already power cycled twice.", false, ""},
		{"urgent but calm", "URGENT please: we need the signed DPA back before our 4pm review.", false, ""},
		{"questions", "Quick question: is there a way to export the monthly usage report as CSV?", false, ""},
		{"thanks", "Perfect, that worked. Thanks Ana, super quick as always!", false, ""},
		{"praise hyperbole", "the new app made it stupidly easy, no regrets 😂", false, ""},
		// Code and quotes are not the author's tone.
		{"code block", "It fails like this:\n```\nFATAL: WORST ERROR EVER!!! unacceptable\n```\nany idea?", false, ""},
		{"code span", "the log says `UNACCEPTABLE INPUT!!` when I save", false, ""},
		{"quoted text", "&gt; this is unacceptable and ridiculous!!\nWe hear you, and we're fixing it now.", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(tt.text)
			if a.Upset != tt.upset {
				t.Fatalf("Analyze(%q).Upset = %v, want %v (cues %q, intensity %.2f)", tt.text, a.Upset, tt.upset, a.Cues, a.Intensity)
			}
			if tt.upset && len(a.Cues) == 0 {
				t.Errorf("Analyze(%q) is upset with no cue to quote", tt.text)
			}
			if tt.cue != "" && (len(a.Cues) == 0 || !strings.EqualFold(a.Cues[0], tt.cue)) {
				t.Errorf("Analyze(%q).Cues = %q, want %q first", tt.text, a.Cues, tt.cue)
			}
			if tt.upset != (a.Intensity >= 0.5) && !tt.upset {
				t.Errorf("Analyze(%q).Intensity = %.2f for a calm message", tt.text, a.Intensity)
			}
		})
	}
}

func TestIntensityRanks(t *testing.T) {
	ranked := []string{
		"Thanks, that worked perfectly!",
		"The export is a bit slow today.",
		"I'm a bit frustrated with the delay.",
		"This is UNACCEPTABLE. Third time!! I'm furious and cancelling.",
	}
	prev := -1.0
	for _, text := range ranked {
		v := analyze(text).Intensity
		if v < 0 || v > 1 {
			t.Fatalf("Analyze(%q).Intensity = %v, out of [0,1]", text, v)
		}
		if v <= prev {
			t.Errorf("Analyze(%q).Intensity = %.3f, want more than the calmer message before (%.3f)", text, v, prev)
		}
		prev = v
	}
}

func TestAnalyzeContract(t *testing.T) {
	a := testCoach.Analyze(Message{Text: "hey so two things: 1. the CSV export cuts off at 10k rows 2. our Salesforce sync has been stuck on 'pending' since yesterday. when will both be fixed?", Role: RoleCustomer})
	if len(a.Issues) != 2 {
		t.Errorf("issues = %q, want 2", a.Issues)
	}
	if !a.OutcomeQuestion {
		t.Error("outcome_question = false for \"when will both be fixed?\"")
	}
	if !slices.Contains(a.Themes, "integration") {
		t.Errorf("themes = %q, want integration", a.Themes)
	}
	agent := testCoach.Analyze(Message{Text: "I'll update you by 3pm.", Role: RoleAgent, Now: time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)})
	if agent.Promise == nil || agent.Promise.Due.Hour() != 15 {
		t.Errorf("promise = %+v, want one due at 15:00", agent.Promise)
	}
	if len(agent.Issues) != 0 || len(agent.Themes) != 0 {
		t.Errorf("an agent's message has issues %q and themes %q; those are read on customers' messages", agent.Issues, agent.Themes)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "THIRD time!!", ":rage:", "```x", "fed up fed up", "\xff", strings.Repeat("A", 300),
		"\"quick fix\" lol", "you charged", "1) a 2) b", "🙄🙄", "'", "\"", "[NAME]", "`a` `"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, role := range []Role{RoleCustomer, RoleAgent} {
			a, findings := testCoach.Review(Message{Text: s, Role: role, Now: benchNow}, &Reply{Upset: true, OutcomeQuestion: true})
			if a.Intensity < 0 || a.Intensity > 1 {
				t.Fatalf("Analyze(%q).Intensity = %v, out of [0,1]", s, a.Intensity)
			}
			if a.Upset && len(a.Cues) == 0 && !a.byModel {
				t.Fatalf("Analyze(%q) is upset without a cue", s)
			}
			for _, c := range append(slices.Clone(a.Cues), a.Issues...) {
				if !utf8.ValidString(c) {
					t.Fatalf("Analyze(%q) returned invalid UTF-8 %q", s, c)
				}
			}
			for _, f := range findings {
				if f.Rule == "" {
					t.Fatalf("Review(%q) returned a finding without a rule", s)
				}
			}
		}
	})
}

// BenchmarkAnalyzeAdversarial measures the worst shapes we know at Slack's maximum length.
func BenchmarkAnalyzeAdversarial(b *testing.B) {
	for _, unit := range []string{"a ", "!!", "\"quick\" ", ":rage: ", "1) x ", "still not ", "`", "you charged ", "'x' ", "\xff"} {
		text := strings.Repeat(unit, 40000/len(unit))
		b.Run(strings.TrimSpace(unit), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				testCoach.Review(Message{Text: text, Role: RoleAgent, Now: benchNow}, &Reply{Upset: true})
				testCoach.Analyze(Message{Text: text, Role: RoleCustomer, Now: benchNow})
			}
		})
	}
}
