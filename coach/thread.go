package coach

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxSeen bounds how many messages a thread remembers; older ones fall off the front.
const maxSeen = 40

// pendingFor is how long a nudge waits for someone to own its thread before it is stale.
const pendingFor = 24 * time.Hour

// Thread is what the bot remembers about one conversation: who owns it, who the customer is
// and a short record of its messages. It holds no message text beyond the few words a held
// nudge quotes as its cue (at most maxCue bytes, dropped with the nudge after pendingFor).
type Thread struct {
	Channel  string    `json:"channel"`
	TS       string    `json:"ts"`
	Owner    string    `json:"owner,omitempty"`
	Customer string    `json:"customer,omitempty"`
	Replies  int       `json:"replies,omitempty"`
	Messages []Seen    `json:"messages,omitempty"`
	Pending  []Nudge   `json:"pending,omitempty"`
	Promise  *Promise  `json:"promise,omitempty"` // the latest dated promise made in the thread
	Wait     *Wait     `json:"wait,omitempty"`    // a customer message nobody has answered
	Updated  time.Time `json:"updated"`
}

// Seen is the record of one message of a thread.
type Seen struct {
	TS        string    `json:"ts"`
	User      string    `json:"user"`
	Role      Role      `json:"role"`
	At        time.Time `json:"at"`
	Upset     bool      `json:"upset,omitempty"`
	Intensity float64   `json:"intensity,omitempty"`
	Asks      bool      `json:"asks,omitempty"`   // the message asks an outcome question
	Issues    int       `json:"issues,omitempty"` // distinct problems it raises
	Themes    []string  `json:"themes,omitempty"` // a customer's complaint themes, for the week's figures
	Praise    bool      `json:"praise,omitempty"`
}

// Active reports whether the thread has replies. Slack shows an ephemeral message in a thread
// only once the thread exists, so a nudge about a lone message goes to the channel instead.
func (t Thread) Active() bool { return t.Replies > 0 }

// Nudge is one piece of coaching for one agent.
type Nudge struct {
	Rule  string    `json:"rule"`
	To    string    `json:"to,omitempty"`
	About string    `json:"about"` // ts of the message it is about
	Cue   string    `json:"cue,omitempty"`
	Items []string  `json:"items,omitempty"` // chunk: the problems, one per line
	When  string    `json:"when,omitempty"`  // concrete-time: a time to suggest, in the agent's zone
	At    time.Time `json:"at"`

	// Filled by Render from the playbook; not stored.
	Title    string `json:"-"`
	Why      string `json:"-"`
	Say      string `json:"-"`
	Priority int    `json:"-"`
}

// EventKind is what happened in a thread.
type EventKind uint8

const (
	Posted  EventKind = iota + 1 // a new message
	Edited                       // a message's text changed
	Deleted                      // a message was removed
	Claimed                      // an agent claimed the thread (the claim reaction)
)

// Event is one thing that happened in a thread, as Observe takes it.
type Event struct {
	Kind EventKind
	TS   string // the message posted, edited, deleted or reacted to
	User string
	Role Role
	Text string // Posted and Edited only
	At   time.Time
	Zone *time.Location
}

// Observe applies one event to a thread and returns the new state and the nudges it calls for,
// each addressed to an agent and rendered from the playbook. It is pure: the same thread and
// event always give the same result, so a caller that loses a race can simply run it again.
func (c *Coach) Observe(t Thread, ev Event) (Thread, []Nudge) {
	t.Messages = slices.Clone(t.Messages)
	// A held nudge nobody claimed in time is stale: drop it, and the words it quotes with it.
	t.Pending = slices.DeleteFunc(slices.Clone(t.Pending), func(n Nudge) bool { return ev.At.Sub(n.At) > pendingFor })
	if ev.At.After(t.Updated) {
		t.Updated = ev.At
	}
	var out []Nudge
	switch ev.Kind {
	case Posted:
		out = c.posted(&t, ev)
	case Edited:
		out = c.edited(&t, ev)
	case Deleted:
		t.Messages = slices.DeleteFunc(t.Messages, func(s Seen) bool { return s.TS == ev.TS })
		t.Pending = slices.DeleteFunc(t.Pending, func(n Nudge) bool { return n.About == ev.TS })
		cancelPromise(&t, ev.TS, ev.At)
		if t.Wait != nil && t.Wait.TS == ev.TS {
			t.Wait = nil
		}
	case Claimed:
		if ev.Role != RoleAgent {
			break
		}
		t.Owner = ev.User
		out = t.Pending
		t.Pending = nil
	}
	return t, c.address(t, out)
}

func (c *Coach) posted(t *Thread, ev Event) []Nudge {
	if ev.TS != t.TS {
		t.Replies++
	}
	seen := Seen{TS: ev.TS, User: ev.User, Role: ev.Role, At: ev.At}
	var out []Nudge
	switch ev.Role {
	case RoleAgent:
		// Whoever answers owns the thread; a nudge meant for "before the reply" is moot now, a
		// waiting customer is answered, and an open promise is kept by this very post.
		t.Owner = ev.User
		t.Pending = nil
		t.Wait = nil
		settleByPost(t, ev.At)
		var a Analysis
		a, out = c.agentNudges(t, ev)
		if p := a.Promise; p != nil && !p.Due.IsZero() {
			c.promise(t, ev, *p)
		}
	case RoleCustomer:
		if t.Customer == "" {
			t.Customer = ev.User
		}
		a, findings := c.Review(Message{Text: ev.Text, Role: ev.Role, Now: ev.At, Zone: ev.Zone}, nil)
		seen.Upset, seen.Intensity, seen.Asks, seen.Issues = a.Upset, a.Intensity, a.OutcomeQuestion, len(a.Issues)
		seen.Themes, seen.Praise = a.Themes, a.Praise
		out = c.customerNudges(t, ev, findings, nil)
		if needsReply(a, strings.Contains(ev.Text, "?")) && (t.Wait == nil || t.Wait.Nudged) {
			t.Wait = &Wait{TS: ev.TS, Since: ev.At, Due: ev.At.Add(c.ledger.WaitAck)}
		}
	}
	t.Messages = append(t.Messages, seen)
	if len(t.Messages) > maxSeen {
		t.Messages = slices.Delete(t.Messages, 0, len(t.Messages)-maxSeen)
	}
	return out
}

func (c *Coach) edited(t *Thread, ev Event) []Nudge {
	i := slices.IndexFunc(t.Messages, func(s Seen) bool { return s.TS == ev.TS })
	if i < 0 {
		// Slack does not promise order: an edit can overtake its message. Treat it as the post.
		return c.posted(t, Event{Kind: Posted, TS: ev.TS, User: ev.User, Role: ev.Role, Text: ev.Text, At: ev.At, Zone: ev.Zone})
	}
	s := &t.Messages[i]
	if s.Role == RoleAgent {
		// Checked again: what the edit fixed stays quiet; what is still there is held back by
		// its cooldown; what is new is said. A promise the edit removed is off; one it added
		// or moved is the thread's promise now.
		edit := Event{Kind: Edited, TS: ev.TS, User: s.User, Role: RoleAgent, Text: ev.Text, At: ev.At, Zone: ev.Zone}
		a, out := c.agentNudges(t, edit)
		p := a.Promise
		switch {
		case p == nil || p.Due.IsZero():
			cancelPromise(t, ev.TS, ev.At)
		case t.Promise.Open() && t.Promise.TS == ev.TS && t.Promise.Due.Equal(p.Due):
			// Same promise, reworded: nothing to move.
		case t.Promise == nil || !t.Promise.Open() || t.Promise.TS == ev.TS || t.Promise.Made.Before(s.At):
			c.promise(t, edit, *p)
		}
		return out
	}
	a, findings := c.Review(Message{Text: ev.Text, Role: s.Role, Now: ev.At, Zone: ev.Zone}, nil)
	before := *s
	s.Upset, s.Intensity, s.Asks, s.Issues = a.Upset, a.Intensity, a.OutcomeQuestion, len(a.Issues)
	return c.customerNudges(t, ev, findings, &before)
}

// customerNudges turns the findings on a customer's message into nudges for the thread's
// owner, or holds them until an agent claims the thread. An edit (before is its old record)
// nudges only about what it newly brings, and drops held nudges it made moot.
func (c *Coach) customerNudges(t *Thread, ev Event, findings []Finding, before *Seen) []Nudge {
	var out []Nudge
	for _, f := range findings {
		if before != nil && (f.Rule == "pause" && before.Upset || f.Rule == "chunk" && before.Issues >= 2) {
			continue
		}
		n := Nudge{Rule: f.Rule, About: ev.TS, At: ev.At, Items: f.Items}
		if f.Cue != "" {
			n.Cue = shortCue(f.Cue)
		}
		out = append(out, n)
	}
	if before != nil {
		fired := func(rule string) bool {
			return slices.ContainsFunc(findings, func(f Finding) bool { return f.Rule == rule })
		}
		t.Pending = slices.DeleteFunc(t.Pending, func(n Nudge) bool { return n.About == ev.TS && !fired(n.Rule) })
	}
	if t.Owner == "" {
		for _, n := range out {
			t.Pending = slices.DeleteFunc(t.Pending, func(p Nudge) bool { return p.Rule == n.Rule })
			t.Pending = append(t.Pending, n)
		}
		return nil
	}
	return out
}

// agentNudges reviews an agent's message against the customer message it answers and returns
// the findings as nudges for that agent, while they can still edit. Only the first agent
// message after a customer's is their answer: a follow-up in the same turn (an update, a
// second thought) is not held to "name the feeling first" again.
func (c *Coach) agentNudges(t *Thread, ev Event) (Analysis, []Nudge) {
	var reply *Reply
	end := len(t.Messages)
	if i := slices.IndexFunc(t.Messages, func(s Seen) bool { return s.TS == ev.TS }); i >= 0 {
		end = i // an edit: what came before the edited message
	}
	for i := end - 1; i >= 0; i-- {
		s := t.Messages[i]
		if s.Role == RoleAgent {
			break
		}
		if s.Role == RoleCustomer {
			reply = &Reply{Upset: s.Upset, OutcomeQuestion: s.Asks}
			break
		}
	}
	a, findings := c.Review(Message{Text: ev.Text, Role: RoleAgent, Now: ev.At, Zone: ev.Zone}, reply)
	if t.Customer == "" {
		// Agents among themselves (an internal note, a thread no customer has written in):
		// the agent-side rules judge answers to customers, so nothing to say. A dated promise
		// still enters the ledger.
		return a, nil
	}
	var out []Nudge
	for _, f := range findings {
		n := Nudge{Rule: f.Rule, To: ev.User, About: ev.TS, At: ev.At, Cue: shortCue(f.Cue)}
		if f.Rule == "concrete-time" {
			n.When = SuggestTime(ev.At, ev.Zone)
		}
		out = append(out, n)
	}
	return a, out
}

// maxCue bounds the words of a customer's message a nudge keeps to quote.
const maxCue = 48

// shortCue trims a cue to maxCue bytes on a word boundary.
func shortCue(s string) string {
	if len(s) <= maxCue {
		return s
	}
	return CutWords(s, maxCue) + "…"
}

// address sends every nudge to the thread's owner and renders it, most important first.
func (c *Coach) address(t Thread, ns []Nudge) []Nudge {
	out := ns[:0]
	for _, n := range ns {
		if n.To == "" {
			n.To = t.Owner // customer-side nudges go to whoever owns the thread
		}
		if n.To == "" || c.pb.Rule(n.Rule) == nil {
			continue
		}
		out = append(out, c.Render(t, n))
	}
	slices.SortStableFunc(out, func(a, b Nudge) int { return b.Priority - a.Priority })
	return out
}

// Render fills a nudge's wording from the playbook. The suggested sentence is chosen by the
// thread, so a thread reads the same on every retry while different threads read differently.
func (c *Coach) Render(t Thread, n Nudge) Nudge {
	r := c.pb.Rule(n.Rule)
	if r == nil {
		return n
	}
	n.Title, n.Priority = r.Title, r.Priority
	cue := ""
	if n.Cue != "" {
		cue = "\u201c" + n.Cue + "\u201d"
	}
	n.Why = strings.NewReplacer("{cue}", cue, "{n}", strconv.Itoa(len(n.Items)), "{time}", n.When).Replace(r.Why)
	n.Why = strings.ReplaceAll(n.Why, " ()", "")
	h := fnv.New32a()
	h.Write([]byte(t.Channel + "/" + t.TS + "/" + n.About + "/" + n.Rule))
	n.Say = r.Say[int(h.Sum32()%uint32(len(r.Say)))]
	when := n.When
	if when == "" {
		when = "the end of the day"
	}
	n.Say = strings.ReplaceAll(n.Say, "{time}", when)
	return n
}
