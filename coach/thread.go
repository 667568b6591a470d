package coach

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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
	Items []string  `json:"items,omitempty"`
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
		// Whoever answers owns the thread; a nudge meant for "before the reply" is moot now.
		t.Owner = ev.User
		t.Pending = nil
	case RoleCustomer:
		if t.Customer == "" {
			t.Customer = ev.User
		}
		a := c.Analyze(Message{Text: ev.Text, Role: ev.Role, Now: ev.At, Zone: ev.Zone})
		seen.Upset, seen.Intensity = a.Upset, a.Intensity
		out = c.customerNudges(t, ev, a)
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
	if s.Role != RoleCustomer {
		return nil
	}
	a := c.Analyze(Message{Text: ev.Text, Role: s.Role, Now: ev.At, Zone: ev.Zone})
	was := s.Upset
	s.Upset, s.Intensity = a.Upset, a.Intensity
	if !a.Upset {
		t.Pending = slices.DeleteFunc(t.Pending, func(n Nudge) bool { return n.About == ev.TS })
		return nil
	}
	if was {
		return nil
	}
	return c.customerNudges(t, ev, a)
}

// customerNudges returns the nudges a customer message calls for: to the owner now, or held
// until an agent claims the thread.
func (c *Coach) customerNudges(t *Thread, ev Event, a Analysis) []Nudge {
	if !a.Upset || c.pb.Rule("pause") == nil {
		return nil
	}
	n := Nudge{Rule: "pause", About: ev.TS, At: ev.At}
	if len(a.Cues) > 0 {
		n.Cue = shortCue(a.Cues[0])
	}
	if t.Owner == "" {
		t.Pending = slices.DeleteFunc(t.Pending, func(p Nudge) bool { return p.Rule == n.Rule })
		t.Pending = append(t.Pending, n)
		return nil
	}
	return []Nudge{n}
}

// maxCue bounds the words of a customer's message a nudge keeps to quote.
const maxCue = 48

// shortCue trims a cue to maxCue bytes on a word boundary.
func shortCue(s string) string {
	if len(s) <= maxCue {
		return s
	}
	cut := strings.LastIndexByte(s[:maxCue], ' ')
	if cut <= 0 {
		cut = maxCue
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + "…"
}

// address sends every nudge to the thread's owner and renders it, most important first.
func (c *Coach) address(t Thread, ns []Nudge) []Nudge {
	out := ns[:0]
	for _, n := range ns {
		if t.Owner == "" || c.pb.Rule(n.Rule) == nil {
			continue
		}
		n.To = t.Owner
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
	n.Why = strings.ReplaceAll(r.Why, "{cue}", cue)
	n.Why = strings.ReplaceAll(n.Why, " ()", "")
	h := fnv.New32a()
	h.Write([]byte(t.Channel + "/" + t.TS + "/" + n.About + "/" + n.Rule))
	n.Say = r.Say[int(h.Sum32()%uint32(len(r.Say)))]
	return n
}
