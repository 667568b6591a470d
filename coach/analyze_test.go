package coach

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var testCoach = New(DefaultPlaybook())

func TestAnalyzeUpset(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		upset bool
		cue   string // the strongest cue, when upset
	}{
		{"repeat complaint", "This is the THIRD time I'm writing about this.", true, "THIRD time"},
		{"anger word", "I am furious about this invoice.", true, "furious"},
		{"threat to leave with frustration", "Still no answer. Honestly thinking about cancelling my plan.", true, "cancelling"},
		{"shouting and exclamations", "WHY IS THIS BROKEN AGAIN!!", true, "WHY"},
		{"angry emoji", "the export is down again :rage:", true, ":rage:"},
		{"calm question", "Quick question: is there a way to export the monthly usage report as CSV?", false, ""},
		{"thanks", "Perfect, that worked. Thanks Ana, super quick as always!", false, ""},
		{"acronyms are not shouting", "Can you send the PDF and the CSV by EOD?", false, ""},
		{"code is not tone", "It returns ```FATAL: WORST ERROR EVER!!! unacceptable``` when I click save.", false, ""},
		{"quoted text is not tone", "&gt; this is unacceptable and ridiculous!!\nWe hear you, fixing it now.", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testCoach.Analyze(Message{Text: tt.text, Role: RoleCustomer, Now: time.Now()})
			if a.Upset != tt.upset {
				t.Fatalf("Analyze(%q).Upset = %v, want %v (cues %q, intensity %.2f)", tt.text, a.Upset, tt.upset, a.Cues, a.Intensity)
			}
			if tt.upset && (len(a.Cues) == 0 || a.Cues[0] != tt.cue) {
				t.Errorf("Analyze(%q).Cues = %q, want %q first", tt.text, a.Cues, tt.cue)
			}
			if !tt.upset && a.Intensity >= testCoach.pb.Upset.Threshold {
				t.Errorf("Analyze(%q).Intensity = %.2f for a calm message", tt.text, a.Intensity)
			}
		})
	}
}

func TestAnalyzeIntensityRanks(t *testing.T) {
	mild := testCoach.Analyze(Message{Text: "I'm a bit frustrated with the delay."})
	strong := testCoach.Analyze(Message{Text: "This is UNACCEPTABLE. Third time!! I'm furious and cancelling."})
	if !(strong.Intensity > mild.Intensity) {
		t.Errorf("intensity: strong %.2f should exceed mild %.2f", strong.Intensity, mild.Intensity)
	}
	if strong.Intensity > 1 || mild.Intensity < 0 {
		t.Errorf("intensity out of [0,1]: %.2f, %.2f", strong.Intensity, mild.Intensity)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "THIRD time!!", ":rage:", "```x", "fed up fed up", "\xff", strings.Repeat("A", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := testCoach.Analyze(Message{Text: s, Role: RoleCustomer})
		if a.Intensity < 0 || a.Intensity > 1 {
			t.Fatalf("Analyze(%q).Intensity = %v, out of [0,1]", s, a.Intensity)
		}
		if a.Upset && len(a.Cues) == 0 {
			t.Fatalf("Analyze(%q) is upset without a cue", s)
		}
		for _, c := range a.Cues {
			if !utf8.ValidString(c) {
				t.Fatalf("Analyze(%q) cue %q is not valid UTF-8", s, c)
			}
		}
	})
}

func BenchmarkAnalyze(b *testing.B) {
	msg := "This is the THIRD time I'm writing about this. Our invoices are wrong again and half the team still can't log in since yesterday. Honestly thinking about cancelling."
	b.ReportAllocs()
	for b.Loop() {
		testCoach.Analyze(Message{Text: msg, Role: RoleCustomer})
	}
}
