package coach

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 10, 13, 58, 0, 0, time.UTC)

const (
	angry = "This is the THIRD time I'm writing about this. Honestly thinking about cancelling."
	calm  = "Is there a way to export the usage report as CSV?"
)

// step is one event applied to a thread, and the rules it should nudge, to whom.
type step struct {
	ev     Event
	nudges []string // "rule>agent"
}

func TestObserve(t *testing.T) {
	customer := func(ts, text string, at time.Duration) Event {
		return Event{Kind: Posted, TS: ts, User: "UCHRIS", Role: RoleCustomer, Text: text, At: t0.Add(at)}
	}
	agent := func(ts string, at time.Duration) Event {
		return Event{Kind: Posted, TS: ts, User: "UANA", Role: RoleAgent, Text: "I'm sorry about this. I'm checking it right now.", At: t0.Add(at)}
	}
	claim := func(user string, role Role, at time.Duration) Event {
		return Event{Kind: Claimed, TS: "100.1", User: user, Role: role, At: t0.Add(at)}
	}
	tests := []struct {
		name  string
		steps []step
		owner string
	}{
		{"upset message, nobody owns the thread: held until a claim", []step{
			{customer("100.1", angry, 0), nil},
			{claim("UANA", RoleAgent, 20*time.Second), []string{"pause>UANA"}},
		}, "UANA"},
		{"upset message in an owned thread: the owner, at once", []step{
			{customer("100.1", calm, 0), nil},
			{agent("100.2", time.Minute), nil},
			{customer("100.3", angry, 2*time.Minute), []string{"pause>UANA"}},
		}, "UANA"},
		{"calm message: nothing", []step{
			{customer("100.1", calm, 0), nil},
			{claim("UANA", RoleAgent, time.Second), nil},
		}, "UANA"},
		{"the agent replied before claiming: the held nudge is moot", []step{
			{customer("100.1", angry, 0), nil},
			{agent("100.2", time.Minute), nil},
			{claim("UANA", RoleAgent, 2*time.Minute), nil},
		}, "UANA"},
		{"a customer's reaction does not claim", []step{
			{customer("100.1", angry, 0), nil},
			{claim("UCHRIS", RoleCustomer, time.Second), nil},
		}, ""},
		{"deleted before the claim: nothing", []step{
			{customer("100.1", angry, 0), nil},
			{Event{Kind: Deleted, TS: "100.1", At: t0.Add(time.Second)}, nil},
			{claim("UANA", RoleAgent, 2*time.Second), nil},
		}, "UANA"},
		{"edited to calm before the claim: nothing", []step{
			{customer("100.1", angry, 0), nil},
			{Event{Kind: Edited, TS: "100.1", User: "UCHRIS", Text: calm, At: t0.Add(time.Second)}, nil},
			{claim("UANA", RoleAgent, 2*time.Second), nil},
		}, "UANA"},
		{"edited to upset in an owned thread: the owner", []step{
			{agent("100.0", 0), nil},
			{customer("100.1", calm, time.Minute), nil},
			{Event{Kind: Edited, TS: "100.1", User: "UCHRIS", Text: angry, At: t0.Add(2 * time.Minute)}, []string{"pause>UANA"}},
		}, "UANA"},
		{"an edit that keeps it upset: no second nudge", []step{
			{agent("100.0", 0), nil},
			{customer("100.1", angry, time.Minute), []string{"pause>UANA"}},
			{Event{Kind: Edited, TS: "100.1", User: "UCHRIS", Text: angry + " Furious.", At: t0.Add(2 * time.Minute)}, nil},
		}, "UANA"},
		{"an edit that overtook its message counts as the message", []step{
			{agent("100.0", 0), nil},
			{Event{Kind: Edited, TS: "100.5", User: "UCHRIS", Role: RoleCustomer, Text: angry, At: t0.Add(time.Minute)}, []string{"pause>UANA"}},
		}, "UANA"},
		{"a claim a day later: the held nudge is stale", []step{
			{customer("100.1", angry, 0), nil},
			{claim("UANA", RoleAgent, 25*time.Hour), nil},
		}, "UANA"},
		{"a later claim by another agent takes the thread", []step{
			{agent("100.0", 0), nil},
			{claim("ULEE", RoleAgent, time.Minute), nil},
			{customer("100.3", angry, 2*time.Minute), []string{"pause>ULEE"}},
		}, "ULEE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := Thread{Channel: "CACME", TS: "100.1"}
			for i, s := range tt.steps {
				var ns []Nudge
				th, ns = testCoach.Observe(th, s.ev)
				var got []string
				for _, n := range ns {
					got = append(got, n.Rule+">"+n.To)
				}
				if strings.Join(got, ",") != strings.Join(s.nudges, ",") {
					t.Fatalf("step %d: nudges = %v, want %v", i, got, s.nudges)
				}
			}
			if th.Owner != tt.owner {
				t.Errorf("owner = %q, want %q", th.Owner, tt.owner)
			}
		})
	}
}

func TestObserveIsPureAndRenders(t *testing.T) {
	th := Thread{Channel: "CACME", TS: "100.1", Owner: "UANA"}
	ev := Event{Kind: Posted, TS: "100.2", User: "UCHRIS", Role: RoleCustomer, Text: angry, At: t0}
	a, na := testCoach.Observe(th, ev)
	b, nb := testCoach.Observe(th, ev)
	if len(th.Messages) != 0 {
		t.Fatal("Observe changed its input thread")
	}
	if len(na) != 1 || len(nb) != 1 || na[0].Say != nb[0].Say || len(a.Messages) != len(b.Messages) {
		t.Fatalf("Observe is not deterministic: %+v vs %+v", na, nb)
	}
	n := na[0]
	if n.Title == "" || n.Say == "" || !strings.Contains(n.Why, "\u201c"+n.Cue+"\u201d") || n.Cue == "" || strings.Contains(n.Why, "{cue}") {
		t.Errorf("rendered nudge = %+v, want title, suggestion and the quoted cue", n)
	}
	if a.Replies != 1 || a.Customer != "UCHRIS" || !a.Active() {
		t.Errorf("thread after a reply = %+v, want 1 reply, customer UCHRIS", a)
	}
}

func TestObserveAgentRules(t *testing.T) {
	th := Thread{Channel: "CACME", TS: "100.1"}
	th, _ = testCoach.Observe(th, Event{Kind: Posted, TS: "100.1", User: "UCHRIS", Role: RoleCustomer, Text: angry, At: t0})
	// The agent answers with facts and no feeling, and a promise with no time.
	reply := Event{Kind: Posted, TS: "100.2", User: "ULEE", Role: RoleAgent, At: t0.Add(time.Minute),
		Text: "Our billing team is looking into the invoices. I'll get back to you.", Zone: time.UTC}
	th, ns := testCoach.Observe(th, reply)
	var got []string
	for _, n := range ns {
		got = append(got, n.Rule+">"+n.To)
	}
	if strings.Join(got, ",") != "feelings-first>ULEE,concrete-time>ULEE" {
		t.Fatalf("nudges on the reply = %v", got)
	}
	ct := ns[1]
	if ct.When == "" || !strings.Contains(ct.Say, ct.When) || strings.Contains(ct.Say, "{time}") {
		t.Errorf("concrete-time suggests %q in %q", ct.When, ct.Say)
	}
	if th.Owner != "ULEE" {
		t.Errorf("owner = %q, want the agent who answered", th.Owner)
	}
	// The agent edits: the feeling is named and a time given. Nothing left to say.
	fixed := reply
	fixed.Kind, fixed.Text, fixed.At = Edited, "I'm so sorry, that's a mess. Billing is on the invoices and I'll update you by 3pm today.", t0.Add(2*time.Minute)
	if _, ns := testCoach.Observe(th, fixed); len(ns) != 0 {
		t.Errorf("an edit that fixed the reply still nudges: %+v", ns)
	}
	// An edit that adds a new problem gets its own nudge.
	worse := fixed
	worse.Text = "I'm so sorry. As I already said, billing is on it and I'll update you by 3pm today."
	if _, ns := testCoach.Observe(th, worse); len(ns) != 1 || ns[0].Rule != "no-blame" {
		t.Errorf("an edit that added blame: %+v", ns)
	}
}

// TestObserveOnlyTheAnswerIsHeldToTheReply: the rules about answering a customer judge the
// agent's first message after it; a later update in the same turn is not told to name the
// feeling again, but the next customer message starts a new turn.
func TestObserveOnlyTheAnswerIsHeldToTheReply(t *testing.T) {
	th := Thread{Channel: "CACME", TS: "100.1"}
	post := func(ts string, role Role, user, text string, at time.Duration) []string {
		t.Helper()
		var ns []Nudge
		th, ns = testCoach.Observe(th, Event{Kind: Posted, TS: ts, User: user, Role: role, Text: text, At: t0.Add(at), Zone: time.UTC})
		var got []string
		for _, n := range ns {
			got = append(got, n.Rule)
		}
		return got
	}
	facts := "The fix is deployed and the report is regenerated."
	post("100.1", RoleCustomer, "UCHRIS", angry, 0)
	if got := post("100.2", RoleAgent, "UANA", "I'm so sorry, that's maddening. Checking now.", time.Minute); len(got) != 0 {
		t.Fatalf("a reply naming the feeling nudges %v", got)
	}
	if got := post("100.3", RoleAgent, "UANA", facts, 30*time.Minute); slices.Contains(got, "feelings-first") {
		t.Errorf("an update after the answer is told to name the feeling again: %v", got)
	}
	post("100.4", RoleCustomer, "UCHRIS", "Still broken?! This is ridiculous.", 40*time.Minute)
	if got := post("100.5", RoleAgent, "UANA", facts, 41*time.Minute); !slices.Contains(got, "feelings-first") {
		t.Errorf("the answer to a new upset message is not held to feelings-first: %v", got)
	}
}

func TestObserveChunkIsHeldAndListed(t *testing.T) {
	th := Thread{Channel: "CACME", TS: "100.1"}
	th, ns := testCoach.Observe(th, Event{Kind: Posted, TS: "100.1", User: "UCHRIS", Role: RoleCustomer, At: t0,
		Text: "two things: 1) the invoice shows the wrong VAT number 2) our SSO login fails for everyone"})
	if len(ns) != 0 || len(th.Pending) != 1 || th.Pending[0].Rule != "chunk" {
		t.Fatalf("unowned thread: nudges %v, pending %+v", ns, th.Pending)
	}
	_, ns = testCoach.Observe(th, Event{Kind: Claimed, TS: "100.1", User: "UANA", Role: RoleAgent, At: t0.Add(time.Minute)})
	if len(ns) != 1 || ns[0].Rule != "chunk" || len(ns[0].Items) != 2 || !strings.Contains(ns[0].Why, "2 separate problems") {
		t.Fatalf("chunk at claim time = %+v", ns)
	}
}

func TestObserveBoundsMemory(t *testing.T) {
	th := Thread{Channel: "C", TS: "1.0"}
	for i := range 3 * maxSeen {
		th, _ = testCoach.Observe(th, Event{Kind: Posted, TS: "1." + string(rune('a'+i%26)), User: "U", Role: RoleCustomer, Text: calm, At: t0})
	}
	if len(th.Messages) != maxSeen {
		t.Errorf("thread keeps %d messages, want at most %d", len(th.Messages), maxSeen)
	}
}

// Agent-side rules judge answers to customers: agents talking among themselves earn no tips.
func TestObserveAgentsAmongThemselves(t *testing.T) {
	th := Thread{Channel: "CINT", TS: "200.1"}
	th, _ = testCoach.Observe(th, Event{Kind: Posted, TS: "200.1", User: "ULEE", Role: RoleAgent, At: t0,
		Text: "Sorry I can't make it to the data jam on Saturday", Zone: time.UTC})
	th, ns := testCoach.Observe(th, Event{Kind: Posted, TS: "200.2", User: "UANA", Role: RoleAgent, At: t0.Add(time.Minute),
		Text: "haha! yeah if we find that to be a risk factor i will let you know", Zone: time.UTC})
	if len(ns) != 0 {
		t.Errorf("agents among themselves got nudges: %+v", ns)
	}
	// The same reply to a customer is held to the rules.
	th2 := Thread{Channel: "CACME", TS: "300.1"}
	th2, _ = testCoach.Observe(th2, Event{Kind: Posted, TS: "300.1", User: "UCHRIS", Role: RoleCustomer, At: t0, Text: "Is the outage going to be fixed today?"})
	_, ns = testCoach.Observe(th2, Event{Kind: Posted, TS: "300.2", User: "UANA", Role: RoleAgent, At: t0.Add(time.Minute),
		Text: "I'll let you know.", Zone: time.UTC})
	if len(ns) == 0 {
		t.Error("a vague reply to a customer earned no nudge")
	}
	_ = th
}
