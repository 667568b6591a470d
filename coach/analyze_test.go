package coach

import (
	"bufio"
	"encoding/json"
	"os"
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

// TestJudgementByKind holds the kinds of message the coach used to misread to a right verdict
// for the right reason: the cue it quotes is the evidence a person would point at.
func TestJudgementByKind(t *testing.T) {
	tests := []struct {
		kind  string
		text  string
		upset bool
		cue   []string // one of these words is in some cue (upset messages)
	}{
		{"negation that intensifies", "Never been this unhappy with a purchase.", true, []string{"unhappy"}},
		{"negation that intensifies", "Honestly I have never been so let down by a company", true, []string{"let down"}},
		{"negation that calms", "honestly not bad at all, the new charts are clearer", false, nil},
		{"negation that calms", "I'm not angry, just confused about the new invoice layout.", false, nil},
		{"threat to leave", "If this isn't resolved by Monday we will be moving to your competitor", true, []string{"competitor", "moving"}},
		{"threat to leave", "Third outage this month. We're seriously looking at other providers now.", true, []string{"other providers", "outage", "Third"}},
		{"sarcasm", "Wow. Three hours on hold and then the call drops. Stellar customer service, really.", true, []string{"Stellar", "Three hours", "call drops"}},
		{"sarcasm", "oh great, the update deleted all our saved filters. love that for us.", true, []string{"great", "love that", "deleted"}},
		{"frustration without feeling words", "ready to chuck this laptop out the window", true, []string{"window", "chuck"}},
		{"repetition", "This is the third time I'm writing about the same invoice.", true, []string{"third time"}},
		{"calm problem report", "Our SSO login started failing at 9:40 with `SAML response invalid`. Can you take a look?", false, nil},
		{"urgent but calm", "URGENT please: we need the signed DPA back before our 4pm review.", false, nil},
		{"thanks in capitals", "THANK YOU SO MUCH!!! you're a lifesaver", false, nil},
		{"quoted text is not the author's", "&gt; this is unacceptable and ridiculous!!\nThanks, we'll look into it.", false, nil},
		{"code is not the author's", "It fails like this:\n```\nFATAL: WORST ERROR EVER!!! unacceptable\n```\nany idea?", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			a := analyze(tt.text)
			if a.Upset != tt.upset {
				t.Fatalf("Analyze(%q).Upset = %v, want %v (cues %q)", tt.text, a.Upset, tt.upset, a.Cues)
			}
			if !tt.upset {
				return
			}
			found := slices.ContainsFunc(a.Cues, func(c string) bool {
				return slices.ContainsFunc(tt.cue, func(w string) bool { return strings.Contains(strings.ToLower(c), strings.ToLower(w)) })
			})
			if !found {
				t.Errorf("Analyze(%q).Cues = %q, want a cue with one of %q", tt.text, a.Cues, tt.cue)
			}
		})
	}
}

func TestEnumeratedProblems(t *testing.T) {
	for _, text := range []string{
		"First, the CSV export drops rows. Second, the SSO login loops. Third, we were charged for 45 seats.",
		"three things:\n1. the CSV export drops rows\n2. the SSO login loops\n3. we were charged for 45 seats",
		"Hello. We are a logistics firm with 60 drivers. We need (a) a fix for the route export, (b) two more admin seats and (c) an invoice in euros.",
	} {
		if got := analyze(text).Issues; len(got) != 3 {
			t.Errorf("Analyze(%q).Issues = %q, want the three problems", text, got)
		}
	}
}

// TestNotAProblem: what a writer says of themselves or of their own message, or a feeling with
// no problem in it, raises no problem of its own.
func TestNotAProblem(t *testing.T) {
	for _, text := range []string{
		"Sorry, long one. The shared calendar shows every meeting twice since the update.",
		"Hi, I'm a nurse at the Eastside clinic. The shared calendar shows every meeting twice since the update.",
		"Never in my life have I been this disappointed. The shared calendar shows every meeting twice since the update.",
	} {
		if got := analyze(text).Issues; len(got) != 1 || !strings.Contains(got[0], "calendar") {
			t.Errorf("Analyze(%q).Issues = %q, want only the calendar", text, got)
		}
	}
}

func TestFeelingsAreNoTheme(t *testing.T) {
	a := analyze("Honestly I have never been so let down by a company")
	if slices.Contains(a.Themes, "outage") {
		t.Errorf("Analyze(let down).Themes = %q: a feeling is not an outage", a.Themes)
	}
	if th := analyze("Kudos to Ana, she sorted our webhook retries in ten minutes!").Themes; len(th) != 0 {
		t.Errorf("praise has themes %q; themes describe complaints", th)
	}
}

func TestAgentRulesByKind(t *testing.T) {
	tests := []struct {
		kind, text, replyTo, rule string
		want                      bool
	}{
		{"blame by describing the customer's mistake", "That happened because you did not configure the webhook correctly",
			"Our webhooks stopped firing yesterday, what is going on?", "no-blame", true},
		{"a plain instruction is no blame", "Could you check the webhook secret in Settings and try again?",
			"Our webhooks stopped firing yesterday, what is going on?", "no-blame", false},
		{"process-only answer", "Our process requires that the engineering team reviews every refund request before it is approved.",
			"When will I get my refund?", "outcome-not-process", true},
		{"an estimate is an outcome", "Refunds reach your card within 3 to 5 business days; yours was issued today.",
			"When will I get my refund?", "outcome-not-process", false},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			got := testCoach.Nudges(Message{Text: tt.text, Role: RoleAgent, Now: benchNow, Zone: time.UTC}, tt.replyTo)
			if slices.Contains(got, tt.rule) != tt.want {
				t.Errorf("Nudges(%q) = %q, want %s %v", tt.text, got, tt.rule, tt.want)
			}
		})
	}
}

func TestPromiseWithAWeekday(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // a Tuesday
	a := testCoach.Analyze(Message{Text: "I'll reach out again once the patch is live, should be Thursday", Role: RoleAgent, Now: now})
	if a.Promise == nil || a.Promise.Due.Weekday() != time.Thursday {
		t.Errorf("promise = %+v, want one due on Thursday", a.Promise)
	}
}

// judgeLine is a labelled line of testdata/judge.jsonl: messages written for the tests and
// never trained on, in the analysis contract's format.
type judgeLine struct {
	ContractInput
	Label struct {
		Upset           *bool    `json:"upset"`
		Issues          *int     `json:"issues"`
		OutcomeQuestion *bool    `json:"outcome_question"`
		Praise          *bool    `json:"praise"`
		Themes          []string `json:"themes"`
		Nudges          []string `json:"nudges"`
	} `json:"label"`
}

func readJudge(t *testing.T) []judgeLine {
	t.Helper()
	f, err := os.Open("testdata/judge.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []judgeLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l judgeLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("testdata/judge.jsonl: %v", err)
		}
		out = append(out, l)
	}
	return out
}

// f1 counts a binary decision.
type f1 struct{ tp, fp, fn float64 }

func (s *f1) add(want, got bool) {
	switch {
	case want && got:
		s.tp++
	case got:
		s.fp++
	case want:
		s.fn++
	}
}
func (s f1) precision() float64 { return s.tp / max(1, s.tp+s.fp) }
func (s f1) recall() float64    { return s.tp / max(1, s.tp+s.fn) }
func (s f1) f() float64         { return 2 * s.tp / max(1, 2*s.tp+s.fp+s.fn) }

// TestJudgeSet holds the judgement to its level on messages no model was trained on (the
// project's own, testdata/judge.jsonl). A change that loses more than a few points fails here.
func TestJudgeSet(t *testing.T) {
	var upset, chunk, outcome, praise, themes, nudges f1
	for _, l := range readJudge(t) {
		out, err := testCoach.Judge(l.ContractInput, benchNow)
		if err != nil {
			t.Fatalf("%s: %v", *l.ID, err)
		}
		if l.Label.Upset != nil {
			upset.add(*l.Label.Upset, out.Upset)
			chunk.add(*l.Label.Issues >= 2, len(out.Issues) >= 2)
			outcome.add(*l.Label.OutcomeQuestion, out.OutcomeQuestion)
			praise.add(*l.Label.Praise, out.Praise)
			for _, th := range themeIDs {
				if w, g := slices.Contains(l.Label.Themes, th), slices.Contains(out.Themes, th); w || g {
					themes.add(w, g)
				}
			}
		}
		for _, r := range knownRules {
			if w, g := slices.Contains(l.Label.Nudges, r), slices.Contains(out.Nudges, r); w || g {
				nudges.add(w, g)
			}
		}
	}
	for _, m := range []struct {
		name      string
		got, want float64
	}{
		{"upset F1", upset.f(), 0.78}, {"upset precision", upset.precision(), 0.88},
		{"chunk F1", chunk.f(), 0.60}, {"outcome question F1", outcome.f(), 0.85}, {"praise F1", praise.f(), 0.80},
		{"themes micro-F1", themes.f(), 0.58}, {"nudges precision", nudges.precision(), 0.78}, {"nudges recall", nudges.recall(), 0.70},
	} {
		t.Logf("%s %.3f (floor %.2f)", m.name, m.got, m.want)
		if m.got < m.want {
			t.Errorf("%s = %.3f, below its floor %.2f", m.name, m.got, m.want)
		}
	}
}

// Every cue is the message's own words: a stretch of its prose, never empty, never invented.
func TestCuesAreQuotes(t *testing.T) {
	n := 0
	for _, l := range readJudge(t) {
		if l.Role == "agent" {
			continue
		}
		a := analyze(*l.Text)
		if a.Upset && len(a.Cues) == 0 {
			t.Errorf("Analyze(%q) is upset with no cue", *l.Text)
		}
		plain := Plain(*l.Text)
		for _, c := range a.Cues {
			n++
			if strings.TrimSpace(c) == "" || !strings.Contains(plain, c) {
				t.Errorf("Analyze(%q) cue %q is not a stretch of the message", *l.Text, c)
			}
		}
	}
	if n == 0 {
		t.Fatal("no cue was quoted at all")
	}
}

func TestIntensityRanks(t *testing.T) {
	ranked := []string{
		"Thanks, that worked perfectly!",
		"The export is a bit slow today.",
		"I'm quite frustrated with the delay.",
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

func TestAnalyzeIsDeterministic(t *testing.T) {
	for _, l := range readJudge(t) {
		a, b := analyze(*l.Text), analyze(*l.Text)
		if a.Upset != b.Upset || !slices.Equal(a.Cues, b.Cues) || !slices.Equal(a.Issues, b.Issues) || !slices.Equal(a.Themes, b.Themes) || a.Intensity != b.Intensity {
			t.Fatalf("Analyze(%q) twice: %+v, then %+v", *l.Text, a, b)
		}
	}
}

func TestAgentMessagesHaveNoCustomerReadings(t *testing.T) {
	agent := testCoach.Analyze(Message{Text: "I'll update you by 3pm. The export is still broken on our side, sorry!", Role: RoleAgent, Now: time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)})
	if agent.Promise == nil || agent.Promise.Due.Hour() != 15 {
		t.Errorf("promise = %+v, want one due at 15:00", agent.Promise)
	}
	if agent.Upset || len(agent.Issues) != 0 || len(agent.Themes) != 0 {
		t.Errorf("an agent's message reads upset %v, issues %q, themes %q; those are read on customers' messages", agent.Upset, agent.Issues, agent.Themes)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "THIRD time!!", ":rage:", "```x", "fed up fed up", "\xff", strings.Repeat("A", 300),
		"\"quick fix\" lol", "you charged", "1) a 2) b", "🙄🙄", "'", "\"", "[NAME]", "`a` `", "First, a. Second, b.", "never so ÿ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain := Plain(s)
		for _, role := range []Role{RoleCustomer, RoleAgent} {
			a, findings := testCoach.Review(Message{Text: s, Role: role, Now: benchNow}, &Reply{Upset: true, OutcomeQuestion: true})
			if a.Intensity < 0 || a.Intensity > 1 {
				t.Fatalf("Analyze(%q).Intensity = %v, out of [0,1]", s, a.Intensity)
			}
			if a.Upset && len(a.Cues) == 0 {
				t.Fatalf("Analyze(%q) is upset without a cue", s)
			}
			for _, c := range a.Cues {
				if c == "" || !strings.Contains(plain, c) {
					t.Fatalf("Analyze(%q) cue %q is not a stretch of %q", s, c, plain)
				}
			}
			for _, c := range append(slices.Clone(a.Cues), a.Issues...) {
				if !utf8.ValidString(c) {
					t.Fatalf("Analyze(%q) returned invalid UTF-8 %q", s, c)
				}
			}
			for _, f := range findings {
				if f.Rule == "" || !utf8.ValidString(f.Cue) {
					t.Fatalf("Review(%q) returned a finding %+v", s, f)
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
