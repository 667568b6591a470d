package coach

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The week's figures: what each change to a thread adds to its ISO week in the team's zone.
// The bot records them for the digest and App Home; replay adds them up for its report. Both
// take them from Tally, so the two count alike.

// Week names an ISO week, "2026-W11".
type Week string

// WeekOf is the ISO week t falls in, in zone (UTC when nil).
func WeekOf(t time.Time, zone *time.Location) Week {
	if zone == nil {
		zone = time.UTC
	}
	y, w := t.In(zone).ISOWeek()
	return Week(fmt.Sprintf("%04d-W%02d", y, w))
}

// Start is the Monday 00:00 that begins the week, in zone (UTC when nil).
func (w Week) Start(zone *time.Location) time.Time {
	if zone == nil {
		zone = time.UTC
	}
	y, _ := strconv.Atoi(string(w[:4]))
	n, _ := strconv.Atoi(string(w[6:]))
	// 4 January is always in week 1.
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, zone)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(n-1))
}

// Prev is the week before.
func (w Week) Prev() Week { return WeekOf(w.Start(time.UTC).AddDate(0, 0, -7), time.UTC) }

// Outcome is how a settled promise counts in the week's figures.
type Outcome string

const (
	OnTime Outcome = "on_time" // an agent posted in the thread (or said so) before it was due
	Late   Outcome = "late"    // ... after it was due
	Missed Outcome = "missed"  // nobody posted within a day of it being due
)

// Outcome is how the promise counts: "" while it is open, and when it was withdrawn.
func (p *Promise) Outcome() Outcome {
	if p == nil {
		return ""
	}
	switch p.State {
	case PromiseKept:
		return OnTime
	case PromiseLate:
		return Late
	case PromiseMissed:
		return Missed
	}
	return ""
}

// Quote is a customer's words (redacted and shortened) and where they were written.
type Quote struct {
	Text    string `json:"x"`
	Channel string `json:"c"`
	TS      string `json:"ts"`
}

// Kudos is praise from a customer, and the agent it was for ("" when nobody in particular).
type Kudos struct {
	Agent string `json:"a,omitempty"`
	Quote
}

// Tally is what one change adds to its week's figures.
type Tally struct {
	Week    Week
	Channel string
	Thread  string
	// A customer message: counted, with its themes and an example of each.
	CustomerMessage bool
	Upset           bool
	Themes          []string
	Example         *Quote // of the themes, when it has any
	Kudos           *Kudos
	// Per agent.
	Nudges     map[string][]string // agent -> rules nudged
	Promise    string              // the agent whose promise settled
	Outcome    Outcome
	FirstReply string        // the agent who first answered an upset customer
	Waited     time.Duration // how long that customer waited
	Feedback   string        // the agent who rated a nudge
	Helpful    *bool
	FeedRule   string
}

// Empty reports a tally that adds nothing.
func (t Tally) Empty() bool {
	return !t.CustomerMessage && len(t.Nudges) == 0 && t.Outcome == "" && t.FirstReply == "" && t.Helpful == nil
}

// maxExample bounds the customer's words kept as an example of a theme.
const maxExample = 140

var mention = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// TallyOf works out what moving a thread from before to after adds to the week's figures: a
// customer message's themes, praise and upset (read from the record Observe made, never
// judged again); an agent's first answer to an upset customer; a promise kept on time, late
// or missed. ev is the event that did it, nil for a timer or a button; at is when it
// happened. Kudos go to the agent the customer mentions (isAgent tells who is one; nil
// means nobody) or else to the thread's owner.
func TallyOf(before, after Thread, ev *Event, at time.Time, zone *time.Location, isAgent func(user string) bool) Tally {
	t := Tally{Week: WeekOf(at, zone), Channel: after.Channel, Thread: after.TS}
	if p, q := before.Promise, after.Promise; p.Open() && q != nil && q.Version == p.Version && q.Outcome() != "" {
		t.Promise, t.Outcome = p.Agent, q.Outcome()
	}
	if ev == nil || ev.Kind != Posted {
		return t
	}
	switch ev.Role {
	case RoleCustomer:
		i := slices.IndexFunc(after.Messages, func(s Seen) bool { return s.TS == ev.TS })
		if i < 0 {
			return t
		}
		a := after.Messages[i]
		t.CustomerMessage, t.Upset, t.Themes = true, a.Upset, a.Themes
		ex := &Quote{Text: CutWords(strings.Join(strings.Fields(Redact(Plain(ev.Text))), " "), maxExample), Channel: after.Channel, TS: ev.TS}
		if len(a.Themes) > 0 {
			t.Example = ex
		}
		if a.Praise && !a.Upset {
			t.Kudos = &Kudos{Agent: praised(ev.Text, after, isAgent), Quote: *ex}
		}
	case RoleAgent:
		// The first agent message after the thread's first upset customer message answers it.
		var upsetAt time.Time
		for _, s := range before.Messages {
			if s.Role == RoleCustomer && s.Upset && upsetAt.IsZero() {
				upsetAt = s.At
				continue
			}
			if !upsetAt.IsZero() && s.Role == RoleAgent {
				return t // answered already
			}
		}
		if !upsetAt.IsZero() && !ev.At.Before(upsetAt) {
			t.FirstReply, t.Waited = ev.User, ev.At.Sub(upsetAt)
		}
	}
	return t
}

// praised is the agent a customer's thanks are for: one they mention, else the thread's owner.
func praised(text string, t Thread, isAgent func(string) bool) string {
	if isAgent != nil {
		for _, m := range mention.FindAllStringSubmatch(text, -1) {
			if isAgent(m[1]) {
				return m[1]
			}
		}
	}
	return t.Owner
}

// Trend writes a count's change from the week before, as the digest shows it: "▲4", "▼2",
// "new", "=".
func Trend(now, before int) string {
	switch {
	case before == 0 && now > 0:
		return "new"
	case now > before:
		return fmt.Sprintf("▲%d", now-before)
	case now < before:
		return fmt.Sprintf("▼%d", before-now)
	}
	return "="
}
