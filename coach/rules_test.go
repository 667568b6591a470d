package coach

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	upset   = &Reply{Upset: true}
	asks    = &Reply{OutcomeQuestion: true}
	neutral = &Reply{}
)

// fired returns the rules that fire on an agent's message answering reply.
func fired(text string, reply *Reply) []string {
	_, fs := testCoach.Review(Message{Text: text, Role: RoleAgent, Now: benchNow, Zone: time.UTC}, reply)
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestAgentRules(t *testing.T) {
	tests := []struct {
		rule  string
		text  string
		reply *Reply
		want  bool
	}{
		// feelings-first: an upset customer gets their feeling named before the facts.
		{"feelings-first", "Please send me your modem's MAC address.", upset, true},
		{"feelings-first", "Refund of $64.50 issued to the card ending 4417.", upset, true},
		{"feelings-first", "I'm sorry, that's a rough week. Refund of $64.50 issued.", upset, false},
		{"feelings-first", "You're right to be annoyed. I've fixed it.", upset, false},
		{"feelings-first", "Please send me your modem's MAC address.", neutral, false},
		{"feelings-first", "Please send me your modem's MAC address.", nil, false},
		// outcome-not-process: "when?" answered with an outcome.
		{"outcome-not-process", "We've opened an incident and our network team is investigating.", asks, true},
		{"outcome-not-process", "I've escalated it to engineering.", asks, true},
		{"outcome-not-process", "We expect it back within 30 minutes; the team is investigating.", asks, false},
		{"outcome-not-process", "It usually takes 5 to 10 business days.", asks, false},
		{"outcome-not-process", "We've opened an incident and our network team is investigating.", neutral, false},
		// possible-first: lead with what can be done.
		{"possible-first", "Unfortunately we can't expedite refunds.", nil, true},
		{"possible-first", "Our policy doesn't allow refunds after 14 days.", nil, true},
		{"possible-first", "I'm afraid we don't support SCIM on the Pro plan.", nil, true},
		{"possible-first", "Good news: we can pause your account. Unfortunately we can't keep the discount.", nil, false},
		{"possible-first", "Let's get this sorted: I've moved you to the Growth plan.", nil, false},
		// no-blame.
		{"no-blame", "As I already said, you need to clear your cookies.", nil, true},
		{"no-blame", "You should have downgraded before your billing date.", nil, true},
		{"no-blame", "Please calm down. The charge is correct.", nil, true},
		{"no-blame", "That's not our fault, the carrier chose the locker.", nil, true},
		{"no-blame", "Could you clear your cookies and try again?", nil, false},
		// overpromise.
		{"overpromise", "I promise this will never happen again.", nil, true},
		{"overpromise", "Your router will arrive tomorrow, guaranteed.", nil, true},
		{"overpromise", "Both are 100% fixed!", nil, true},
		{"overpromise", "I can't guarantee a date, but I'll update you by 3pm.", nil, false},
		{"overpromise", "We've added monitoring so we catch this early next time.", nil, false},
		// concrete-time: a promise with a time.
		{"concrete-time", "I'll get back to you.", nil, true},
		{"concrete-time", "We'll keep you posted.", nil, true},
		{"concrete-time", "I'll get back to you by 3pm today.", nil, false},
		{"concrete-time", "The fix ships next Tuesday.", nil, false},
		// check-resolution: a fix for an upset customer comes with a check question.
		{"check-resolution", "I'm sorry. I've reset your 2FA, so you can log in now.", upset, true},
		{"check-resolution", "I'm sorry. I've reset your 2FA. Can you log in now?", upset, false},
		{"check-resolution", "I'm sorry. I've reset your 2FA, let me know if it works.", upset, false},
		{"check-resolution", "I'm sorry. The fix will be deployed tonight.", upset, false},
		{"check-resolution", "I've reset your 2FA, so you can log in now.", neutral, false},
	}
	for _, tt := range tests {
		got := slices.Contains(fired(tt.text, tt.reply), tt.rule)
		if got != tt.want {
			t.Errorf("Review(%q, reply %+v) fires %s = %v, want %v (fired: %v)", tt.text, tt.reply, tt.rule, got, tt.want, fired(tt.text, tt.reply))
		}
	}
}

func TestQuotedCustomerTextInAnAgentReply(t *testing.T) {
	// The agent quotes the customer; the quote is not the agent blaming or promising.
	text := "&gt; as I already said, you should have fixed this, I guarantee I'll cancel\nThanks for bearing with us, I'm sorry. Here's what I've changed:"
	if got := fired(text, upset); len(got) != 0 {
		t.Errorf("rules fired on a quoted customer: %v", got)
	}
}

func TestCustomerRules(t *testing.T) {
	_, fs := testCoach.Review(Message{Text: "This is the THIRD time I'm writing!! 1) our invoices are wrong again 2) half the team can't log in", Role: RoleCustomer}, nil)
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule)
	}
	if !slices.Equal(ids, []string{"pause", "chunk"}) {
		t.Fatalf("customer rules = %v, want pause then chunk", ids)
	}
	if fs[0].Cue == "" || len(fs[1].Items) != 2 {
		t.Errorf("pause cue %q, chunk items %q", fs[0].Cue, fs[1].Items)
	}
	// Agent-side rules never look at a customer's message, and the other way round.
	_, fs = testCoach.Review(Message{Text: "As I already said, I'll get back to you.", Role: RoleCustomer}, upset)
	for _, f := range fs {
		if f.Rule != "pause" && f.Rule != "chunk" {
			t.Errorf("agent rule %s fired on a customer's message", f.Rule)
		}
	}
}

func TestFindingsMostImportantFirst(t *testing.T) {
	got := fired("Unfortunately we can't expedite refunds. As I said before, I'll follow up once the team replies.", upset)
	want := []string{"no-blame", "feelings-first", "possible-first", "concrete-time"}
	if !slices.Equal(got, want) {
		t.Errorf("fired %v, want %v", got, want)
	}
}

func TestNudgesForTheContract(t *testing.T) {
	m := Message{Text: "We've opened an incident and the team is investigating.", Role: RoleAgent, Now: benchNow}
	got := testCoach.Nudges(m, "This is ridiculous, the third outage this week. When will it be back??")
	if !slices.Contains(got, "outcome-not-process") || !slices.Contains(got, "feelings-first") {
		t.Errorf("Nudges = %v, want outcome-not-process and feelings-first", got)
	}
	if got := testCoach.Nudges(m, ""); len(got) != 0 {
		t.Errorf("Nudges without reply_to = %v, want none of the rules that need it", got)
	}
}

func TestSuggestTime(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 3, 10, 10, 20, 0, 0, ny), "12pm today"},
		{time.Date(2026, 3, 10, 14, 0, 0, 0, ny), "4pm today"},
		{time.Date(2026, 3, 10, 16, 30, 0, 0, ny), "11am tomorrow"},
		{time.Date(2026, 3, 13, 16, 30, 0, 0, ny), "11am Monday"}, // a Friday afternoon
		{time.Date(2026, 3, 14, 12, 0, 0, 0, ny), "11am Monday"},  // a Saturday
		{time.Date(2026, 3, 10, 6, 0, 0, 0, ny), "11am today"},    // before the day starts: 8am is too early
		{time.Date(2026, 3, 10, 7, 30, 0, 0, ny), "9am today"},
	}
	for _, tt := range tests {
		if got := SuggestTime(tt.now.UTC(), ny); got != tt.want {
			t.Errorf("SuggestTime(%v) = %q, want %q", tt.now, got, tt.want)
		}
	}
}

func TestNudgeWording(t *testing.T) {
	for _, r := range testCoach.Playbook().Rules {
		if r.Title == "" || strings.Contains(r.Title, ".") {
			t.Errorf("rule %s: title %q should be a short phrase", r.ID, r.Title)
		}
		for _, s := range r.Say {
			if len(s) > 160 {
				t.Errorf("rule %s: suggestion %q is long for a nudge", r.ID, s)
			}
		}
	}
}
