package coach

import (
	"strconv"
	"strings"
	"time"
)

// The promise ledger: what an agent promised in a thread and when it falls due, and the wait
// of a customer nobody has answered yet. Both live in the thread's state; the times they need
// (a reminder, an overdue notice, a wait running out) are derived by Timers, and the bot keeps
// its schedule in step with them. Everything here is pure: time comes in as a value.

// Promise is an agent's dated promise to come back to the customer, as the ledger keeps it
// (the words FindPromise reads in a message are a Commitment).
type Promise struct {
	Version  int          `json:"v"` // grows with every new or moved promise in the thread
	Agent    string       `json:"agent"`
	Customer string       `json:"customer,omitempty"`
	TS       string       `json:"ts"`   // the message that holds it
	Text     string       `json:"text"` // the promise as the agent wrote it
	Due      time.Time    `json:"due"`
	Zone     string       `json:"zone,omitempty"` // the agent's zone, for showing times
	Made     time.Time    `json:"made"`
	State    PromiseState `json:"state"`
	Settled  time.Time    `json:"settled,omitempty"` // when it was kept, missed or cancelled
	// RemindAt is when the reminder goes out (due minus the lead, or later after a snooze);
	// WarnAt is when the overdue notice goes out (the due time, or later after a snooze).
	// Reminded and Warned say which notices went out already.
	RemindAt  time.Time `json:"remind_at"`
	WarnAt    time.Time `json:"warn_at"`
	Reminded  bool      `json:"reminded,omitempty"`
	Warned    bool      `json:"warned,omitempty"`    // the overdue notice
	Escalated bool      `json:"escalated,omitempty"` // the lead's heads-up
}

// PromiseState is where a promise stands.
type PromiseState string

const (
	PromiseOpen      PromiseState = "open"
	PromiseKept      PromiseState = "kept"      // an agent posted in the thread before it was due
	PromiseLate      PromiseState = "late"      // an agent posted, after it was due
	PromiseMissed    PromiseState = "missed"    // nobody posted within a day of it being due
	PromiseCancelled PromiseState = "cancelled" // the message was edited or deleted, or a new promise replaced it
)

// Open reports whether the promise still waits to be kept.
func (p *Promise) Open() bool { return p != nil && (p.State == PromiseOpen) }

// Wait is a customer message that has had no agent reply yet.
type Wait struct {
	TS     string    `json:"ts"`
	Since  time.Time `json:"since"`
	Due    time.Time `json:"due"`
	Nudged bool      `json:"nudged,omitempty"`
}

// Ledger sets the ledger's timings.
type Ledger struct {
	ReminderLead time.Duration // a reminder goes out this long before a promise is due
	WaitAck      time.Duration // an unanswered customer message earns a preemptive-ack nudge after this
	LeadAfter    time.Duration // the lead hears of an overdue promise this long after it was due (0: never)
	MissedAfter  time.Duration // an overdue promise nobody kept counts as missed after this
}

// DefaultLedger is the documented defaults.
var DefaultLedger = Ledger{ReminderLead: 15 * time.Minute, WaitAck: 10 * time.Minute, MissedAfter: 24 * time.Hour}

// Timer kinds.
const (
	TimerRemind  = "remind"
	TimerOverdue = "overdue"
	TimerLead    = "lead"
	TimerMissed  = "missed"
	TimerWait    = "wait"
)

// Timer is a moment a thread wants to be woken at.
type Timer struct {
	Kind    string
	Version int // the promise's version, or 0 for a wait
	At      time.Time
}

// Name is the timer's unique name within its thread: kind, version and time in Unix ms,
// "remind.3.1773157500000". A snoozed reminder is a new timer with a new name, so a
// notice's idempotency key (the name) never stops a later notice.
func (t Timer) Name() string {
	return t.Kind + "." + strconv.Itoa(t.Version) + "." + strconv.FormatInt(t.At.UnixMilli(), 10)
}

// ParseTimerName reverses Name.
func ParseTimerName(s string) (kind string, version int, at time.Time, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" {
		return "", 0, time.Time{}, false
	}
	v, err1 := strconv.Atoi(parts[1])
	ms, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return "", 0, time.Time{}, false
	}
	return parts[0], v, time.UnixMilli(ms), true
}

// Timers lists the moments a thread needs: a reminder, an overdue notice, a lead's heads-up
// and the day a missed promise is written off, for an open promise; the end of the wait for
// an unanswered customer.
func (c *Coach) Timers(t Thread) []Timer {
	var out []Timer
	if p := t.Promise; p.Open() {
		warnAt := p.warnAt()
		if !p.Reminded && p.RemindAt.Before(warnAt) && c.pb.Rule("follow-up") != nil {
			out = append(out, Timer{TimerRemind, p.Version, p.RemindAt})
		}
		if !p.Warned && c.pb.Rule("follow-up") != nil {
			out = append(out, Timer{TimerOverdue, p.Version, warnAt})
		}
		if !p.Escalated && c.ledger.LeadAfter > 0 {
			out = append(out, Timer{TimerLead, p.Version, p.Due.Add(c.ledger.LeadAfter)})
		}
		out = append(out, Timer{TimerMissed, p.Version, p.Due.Add(c.ledger.MissedAfter)})
	}
	if w := t.Wait; w != nil && !w.Nudged && c.pb.Rule("preemptive-ack") != nil {
		out = append(out, Timer{TimerWait, 0, w.Due})
	}
	return out
}

// WithLedger returns a coach that keeps the ledger with these timings.
func (c *Coach) WithLedger(l Ledger) *Coach {
	d := *c
	if l.MissedAfter <= 0 {
		l.MissedAfter = DefaultLedger.MissedAfter
	}
	d.ledger = l
	return &d
}

// Ledger returns the ledger's timings.
func (c *Coach) Ledger() Ledger { return c.ledger }

// Notice kinds.
const (
	NoticeReminder = "reminder"       // the promise is due soon
	NoticeOverdue  = "overdue"        // the promise is due now and still open
	NoticeLead     = "lead"           // a lead's heads-up: a promise is overdue past the grace period
	NoticeWait     = "preemptive-ack" // a customer has waited WaitAck with no reply
)

// Notice is something the bot must tell someone when a timer fires.
type Notice struct {
	Kind    string
	To      string // the agent; empty for the leads, or for a wait in a thread nobody owns (the on-duty agents)
	Promise *Promise
	Wait    *Wait
	Nudge   Nudge // a wait's preemptive-ack nudge, rendered
}

// warnAt is when the overdue notice is due: at the due time unless a snooze moved it.
func (p *Promise) warnAt() time.Time {
	if p.WarnAt.After(p.Due) {
		return p.WarnAt
	}
	return p.Due
}

// Fire applies a timer that came due and returns the new state and what to tell whom. A
// timer the state no longer wants (the promise was kept, replaced, moved or snoozed) does
// nothing: the thread comes back unchanged and ok is false.
func (c *Coach) Fire(t Thread, tm Timer, now time.Time) (next Thread, notices []Notice, ok bool) {
	if !wants(c.Timers(t), tm) {
		return t, nil, false
	}
	kind := tm.Kind
	if t.Promise != nil {
		p := *t.Promise
		t.Promise = &p
	}
	switch kind {
	case TimerRemind:
		t.Promise.Reminded = true
		return t, []Notice{{Kind: NoticeReminder, To: t.Promise.Agent, Promise: t.Promise}}, true
	case TimerOverdue:
		t.Promise.Warned, t.Promise.Reminded = true, true
		return t, []Notice{{Kind: NoticeOverdue, To: t.Promise.Agent, Promise: t.Promise}}, true
	case TimerLead:
		t.Promise.Escalated = true
		return t, []Notice{{Kind: NoticeLead, Promise: t.Promise}}, true
	case TimerMissed:
		t.Promise.State, t.Promise.Settled = PromiseMissed, now
		return t, nil, true
	case TimerWait:
		w := *t.Wait
		w.Nudged = true
		t.Wait = &w
		n := Nudge{Rule: "preemptive-ack", About: w.TS, At: now}
		r := c.Render(t, n)
		n.Title, n.Why, n.Say = r.Title, strings.ReplaceAll(r.Why, "{wait}", Minutes(now.Sub(w.Since))), r.Say
		return t, []Notice{{Kind: NoticeWait, To: t.Owner, Wait: t.Wait, Nudge: n}}, true
	}
	return t, nil, false
}

// wants reports whether a thread's timers still include tm (same kind, version and time).
func wants(ts []Timer, tm Timer) bool {
	for _, t := range ts {
		if t.Kind == tm.Kind && t.Version == tm.Version && t.At.UnixMilli() == tm.At.UnixMilli() {
			return true
		}
	}
	return false
}

// DiffTimers compares a thread's timers before and after a change: what to add to the
// schedule and what to take off it.
func DiffTimers(before, after []Timer) (add, remove []Timer) {
	for _, t := range after {
		if !wants(before, t) {
			add = append(add, t)
		}
	}
	for _, t := range before {
		if !wants(after, t) {
			remove = append(remove, t)
		}
	}
	return add, remove
}

// Keep marks a promise kept by the agent's word ("Posted the update").
func (c *Coach) Keep(t Thread, version int, now time.Time) (Thread, bool) {
	if !t.Promise.Open() || t.Promise.Version != version {
		return t, false
	}
	p := *t.Promise
	p.State, p.Settled = PromiseKept, now
	if now.After(p.Due) {
		p.State = PromiseLate
	}
	t.Promise = &p
	return t, true
}

// Snooze asks to be reminded again d from now. Before the due time it is another reminder;
// when that falls at or after the due time, the overdue notice waits for it instead (the
// agent asked for quiet until then), and after an overdue notice it is another one.
func (c *Coach) Snooze(t Thread, version int, d time.Duration, now time.Time) (Thread, bool) {
	if !t.Promise.Open() || t.Promise.Version != version || d <= 0 {
		return t, false
	}
	p := *t.Promise
	at := now.Add(d)
	if at.Before(p.Due) {
		p.RemindAt, p.Reminded = at, false
	} else {
		p.Reminded = true
		p.WarnAt, p.Warned = at, false
	}
	t.Promise = &p
	return t, true
}

// Move gives a promise a new due time ("Need more time"): a new version, with its own
// reminder.
func (c *Coach) Move(t Thread, version int, due time.Time, now time.Time) (Thread, bool) {
	if !t.Promise.Open() || t.Promise.Version != version || !due.After(now) {
		return t, false
	}
	p := *t.Promise
	p.Version++
	p.Due = due
	p.RemindAt, p.WarnAt = c.remindAt(due, now), time.Time{}
	p.Reminded, p.Warned, p.Escalated = false, false, false
	t.Promise = &p
	return t, true
}

// remindAt is when to remind: the lead before it is due; a promise due sooner than that gets
// no reminder, only the overdue notice (a reminder right after promising would be noise).
func (c *Coach) remindAt(due, now time.Time) time.Time {
	at := due.Add(-c.ledger.ReminderLead)
	if at.Before(now) {
		return due
	}
	return at
}

// promise records a dated promise an agent just made in a thread, replacing any earlier one.
func (c *Coach) promise(t *Thread, ev Event, p Commitment) {
	version := 1
	if t.Promise != nil {
		version = t.Promise.Version + 1
	}
	zone := ""
	if ev.Zone != nil {
		zone = ev.Zone.String()
	}
	t.Promise = &Promise{
		Version: version, Agent: ev.User, Customer: t.Customer, TS: ev.TS, Text: p.Text, Due: p.Due,
		Zone: zone, Made: ev.At, State: PromiseOpen, RemindAt: c.remindAt(p.Due, ev.At),
	}
}

// settleByPost: an agent posted in the thread, so an open promise is kept (or kept late).
func settleByPost(t *Thread, at time.Time) {
	if !t.Promise.Open() {
		return
	}
	p := *t.Promise
	p.State, p.Settled = PromiseKept, at
	if at.After(p.Due) {
		p.State = PromiseLate
	}
	t.Promise = &p
}

// cancelPromise drops an open promise whose message no longer holds it.
func cancelPromise(t *Thread, ts string, at time.Time) {
	if !t.Promise.Open() || t.Promise.TS != ts {
		return
	}
	p := *t.Promise
	p.State, p.Settled = PromiseCancelled, at
	t.Promise = &p
}

// needsReply reports a customer message that asks for an answer: a problem, a question, or
// an upset customer. Thanks and praise with no question do not.
func needsReply(a Analysis, hasQuestion bool) bool {
	if a.Praise && !a.Upset && !a.OutcomeQuestion && !hasQuestion {
		return false
	}
	return len(a.Issues) > 0 || a.OutcomeQuestion || a.Upset || hasQuestion
}

// Minutes writes a span of time for people: "10 minutes", "1 hour", "2 hours 5 minutes".
func Minutes(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 1 {
		m = 1
	}
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	h, m := m/60, m%60
	switch {
	case h == 0:
		return plural(m, "minute")
	case m == 0:
		return plural(h, "hour")
	}
	return plural(h, "hour") + " " + plural(m, "minute")
}

// When writes a moment for the person in zone, relative to now: "3:30pm today",
// "11am tomorrow", "11am Wednesday 18 March" ("11am GMT tomorrow" with the zone). Zone
// abbreviations are added with zone set
// apart from the reader's own (withZone), as a message to a customer in another country needs.
func When(t, now time.Time, zone *time.Location, withZone bool) string {
	if zone == nil {
		zone = time.UTC
	}
	lt, ln := t.In(zone), now.In(zone)
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, zone) }
	s := clockMinutes(lt)
	if withZone {
		// The zone goes with the clock, "3pm GMT tomorrow", the order FindPromise reads back.
		abbr, _ := lt.Zone()
		s += " " + abbr
	}
	switch days := int(day(lt).Sub(day(ln)).Round(24*time.Hour) / (24 * time.Hour)); days {
	case 0:
		s += " today"
	case 1:
		s += " tomorrow"
	default:
		s += " " + lt.Format("Monday 2 January")
	}
	return s
}

// clockMinutes is clock with the minutes when they are not zero: "3pm", "3:30pm".
func clockMinutes(t time.Time) string {
	c := clock(t)
	if t.Minute() == 0 {
		return c
	}
	return c[:len(c)-2] + ":" + t.Format("04") + c[len(c)-2:]
}

// moveSays are honest ways to tell a customer an update will come later than promised:
// say so before the time passes, say when instead, and do not bury it in process.
var moveSays = []string{
	"A quick, honest update: this is taking longer than I expected. I don't want to leave you waiting, so I'll come back to you by {time} with where things stand.",
	"I promised you an update and I want to keep you in the loop: we need a little more time on this. You'll hear from me by {time}.",
	"Thanks for bearing with us. It's taking longer than I hoped, so rather than go quiet, I'm telling you now: I'll update you by {time}.",
}

// MoveSay suggests a message that tells the customer a promise moves to due, written in the
// customer's zone (with the zone named when it is not the agent's).
func MoveSay(p Promise, due, now time.Time, customerZone, agentZone *time.Location) string {
	if customerZone == nil {
		customerZone = agentZone
	}
	other := agentZone == nil || customerZone.String() != agentZone.String()
	h := 0
	for _, r := range p.TS {
		h = h*31 + int(r)
	}
	if h < 0 {
		h = -h
	}
	return strings.ReplaceAll(moveSays[h%len(moveSays)], "{time}", When(due, now, customerZone, other))
}
