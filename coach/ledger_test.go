package coach

import (
	"strings"
	"testing"
	"time"
)

// ledgerWorld plays a thread in New York (UTC-4 in March 2026, after the DST change).
type ledgerWorld struct {
	t  *testing.T
	c  *Coach
	th Thread
	ny *time.Location
}

func newLedgerWorld(t *testing.T) *ledgerWorld {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return &ledgerWorld{t: t, c: New(DefaultPlaybook()), th: Thread{Channel: "CACME", TS: "100.1"}, ny: ny}
}

func (w *ledgerWorld) post(role Role, user, ts, text string, at time.Duration) []Nudge {
	w.t.Helper()
	var ns []Nudge
	w.th, ns = w.c.Observe(w.th, Event{Kind: Posted, TS: ts, User: user, Role: role, Text: text, At: t0.Add(at), Zone: w.ny})
	return ns
}

func (w *ledgerWorld) edit(ts, text string, at time.Duration) {
	w.th, _ = w.c.Observe(w.th, Event{Kind: Edited, TS: ts, Text: text, At: t0.Add(at), Zone: w.ny})
}

// timers lists the thread's timers as "kind.version@offset".
func (w *ledgerWorld) timers() []string {
	var out []string
	for _, tm := range w.c.Timers(w.th) {
		out = append(out, tm.Kind+"@"+tm.At.Sub(t0).String())
	}
	return out
}

func (w *ledgerWorld) want(timers ...string) {
	w.t.Helper()
	if got := strings.Join(w.timers(), " "); got != strings.Join(timers, " ") {
		w.t.Errorf("timers = %q, want %q", got, strings.Join(timers, " "))
	}
}

// fire fires the thread's timer of a kind, if it has one, and returns the notices.
func (w *ledgerWorld) fire(kind string) []Notice {
	w.t.Helper()
	for _, tm := range w.c.Timers(w.th) {
		if tm.Kind == kind {
			next, ns, ok := w.c.Fire(w.th, tm, tm.At)
			if !ok {
				w.t.Fatalf("Fire refused a timer the thread lists: %+v", tm)
			}
			w.th = next
			return ns
		}
	}
	w.t.Fatalf("no %s timer in %v", kind, w.timers())
	return nil
}

const promise11 = "Hi Chris, our billing team is looking into the invoices. I'll get back to you by 11am with an update."

func TestLedgerReminderThenOverdue(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleCustomer, "UCHRIS", "100.1", angry, 0)
	w.want("wait@10m0s")
	w.post(RoleAgent, "UANA", "100.2", promise11, 2*time.Minute)
	// 11am in New York is 15:00 UTC: +62m. The reminder is 15 minutes before.
	w.want("remind@47m0s", "overdue@1h2m0s", "missed@25h2m0s")
	p := w.th.Promise
	if p.Agent != "UANA" || p.Customer != "UCHRIS" || p.TS != "100.2" || p.Version != 1 || p.Zone != "America/New_York" || !strings.Contains(p.Text, "11am") {
		t.Errorf("promise = %+v", p)
	}
	ns := w.fire(TimerRemind)
	if len(ns) != 1 || ns[0].Kind != NoticeReminder || ns[0].To != "UANA" {
		t.Fatalf("reminder notices = %+v", ns)
	}
	w.want("overdue@1h2m0s", "missed@25h2m0s")
	ns = w.fire(TimerOverdue)
	if len(ns) != 1 || ns[0].Kind != NoticeOverdue || ns[0].To != "UANA" {
		t.Fatalf("overdue notices = %+v", ns)
	}
	w.want("missed@25h2m0s")
	if ns := w.fire(TimerMissed); len(ns) != 0 || w.th.Promise.State != PromiseMissed {
		t.Errorf("missed: %+v, state %s", ns, w.th.Promise.State)
	}
	w.want()
}

func TestLedgerKeptBySettling(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleCustomer, "UCHRIS", "100.1", angry, 0)
	w.post(RoleAgent, "UANA", "100.2", promise11, 2*time.Minute)
	w.post(RoleAgent, "ULEE", "100.3", "Update: the invoices are fixed and resent.", 30*time.Minute)
	if w.th.Promise.State != PromiseKept {
		t.Errorf("state = %s, want kept", w.th.Promise.State)
	}
	w.want()
	// A stale timer fired after the promise was kept does nothing.
	stale := Timer{TimerRemind, 1, t0.Add(47 * time.Minute)}
	if next, ns, ok := w.c.Fire(w.th, stale, stale.At); ok || len(ns) != 0 || next.Promise.State != PromiseKept {
		t.Errorf("stale timer fired: ok=%v notices=%v", ok, ns)
	}
}

func TestLedgerLateUpdate(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleAgent, "UANA", "100.2", promise11, 2*time.Minute)
	w.post(RoleAgent, "UANA", "100.3", "Here's the update.", 70*time.Minute)
	if w.th.Promise.State != PromiseLate {
		t.Errorf("state = %s, want late", w.th.Promise.State)
	}
}

func TestLedgerSupersededAndEdited(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleCustomer, "UCHRIS", "100.1", angry, 0)
	w.post(RoleAgent, "UANA", "100.2", promise11, 2*time.Minute)
	w.post(RoleAgent, "UANA", "100.3", "Small change: I'll update you by 2pm instead.", 5*time.Minute)
	if p := w.th.Promise; p.Version != 2 || p.TS != "100.3" {
		t.Fatalf("promise = %+v, want version 2 from 100.3", p)
	}
	// 2pm New York = 18:00 UTC = +4h2m.
	w.want("remind@3h47m0s", "overdue@4h2m0s", "missed@28h2m0s")

	// Editing the promise to another time moves it; editing it away cancels it.
	w.edit("100.3", "Small change: I'll update you by 3pm instead.", 6*time.Minute)
	w.want("remind@4h47m0s", "overdue@5h2m0s", "missed@29h2m0s")
	w.edit("100.3", "Small change: the team is on it.", 7*time.Minute)
	if w.th.Promise.State != PromiseCancelled {
		t.Errorf("state = %s, want cancelled", w.th.Promise.State)
	}
	w.want()
}

func TestLedgerDeleteCancels(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleAgent, "UANA", "100.2", promise11, 2*time.Minute)
	w.th, _ = w.c.Observe(w.th, Event{Kind: Deleted, TS: "100.2", At: t0.Add(3 * time.Minute)})
	if w.th.Promise.State != PromiseCancelled {
		t.Errorf("state = %s, want cancelled", w.th.Promise.State)
	}
	w.want()
}

func TestLedgerSnoozeAndMove(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleAgent, "UANA", "100.2", "I'll update you by 3pm.", 2*time.Minute) // 19:00 UTC = +5h2m
	w.want("remind@4h47m0s", "overdue@5h2m0s", "missed@29h2m0s")
	w.fire(TimerRemind)

	// Snoozed 10 minutes at the reminder: another reminder before it is due.
	var ok bool
	if w.th, ok = w.c.Snooze(w.th, 1, 10*time.Minute, t0.Add(4*time.Hour+47*time.Minute)); !ok {
		t.Fatal("snooze refused")
	}
	w.want("remind@4h57m0s", "overdue@5h2m0s", "missed@29h2m0s")
	// Snoozed 30 minutes: past the due time, so the overdue notice waits for it.
	if w.th, ok = w.c.Snooze(w.th, 1, 30*time.Minute, t0.Add(4*time.Hour+57*time.Minute)); !ok {
		t.Fatal("snooze refused")
	}
	w.want("overdue@5h27m0s", "missed@29h2m0s")
	// A snooze for an old version is refused.
	if _, ok := w.c.Snooze(w.th, 7, 30*time.Minute, t0.Add(5*time.Hour)); ok {
		t.Error("snooze of another version accepted")
	}

	// Need more time: a new version with its own reminder; the old timers are all stale.
	before := w.c.Timers(w.th)
	due := t0.Add(8 * time.Hour)
	if w.th, ok = w.c.Move(w.th, 1, due, t0.Add(5*time.Hour)); !ok {
		t.Fatal("move refused")
	}
	if w.th.Promise.Version != 2 || !w.th.Promise.Due.Equal(due) {
		t.Errorf("moved promise = %+v", w.th.Promise)
	}
	w.want("remind@7h45m0s", "overdue@8h0m0s", "missed@32h0m0s")
	add, remove := DiffTimers(before, w.c.Timers(w.th))
	if len(add) != 3 || len(remove) != 2 {
		t.Errorf("diff: add %v, remove %v", add, remove)
	}
	for _, tm := range before {
		if _, _, ok := w.c.Fire(w.th, tm, tm.At); ok {
			t.Errorf("timer of the old version fired: %+v", tm)
		}
	}
	if _, ok := w.c.Move(w.th, 2, t0.Add(4*time.Hour), t0.Add(5*time.Hour)); ok {
		t.Error("move into the past accepted")
	}
	if _, ok := w.c.Keep(w.th, 1, t0.Add(5*time.Hour)); ok {
		t.Error("keep of an old version accepted")
	}
	if w.th, ok = w.c.Keep(w.th, 2, t0.Add(6*time.Hour)); !ok || w.th.Promise.State != PromiseKept {
		t.Errorf("keep: ok=%v state=%s", ok, w.th.Promise.State)
	}
	w.want()
}

func TestLedgerShortPromiseHasNoReminder(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleAgent, "UANA", "100.2", "I'll get back to you in 10 minutes.", 0)
	w.want("overdue@10m0s", "missed@24h10m0s")
}

func TestLedgerWaits(t *testing.T) {
	w := newLedgerWorld(t)
	w.post(RoleCustomer, "UMIA", "100.1", "Quick question: is there a way to export the monthly usage report as CSV?", 0)
	w.want("wait@10m0s")
	w.post(RoleAgent, "UANA", "100.2", "Hi Mia! Yes: open Reports, pick the month, then Export > CSV.", 4*time.Minute)
	w.want()
	// Thanks need no answer: no wait.
	w.post(RoleCustomer, "UMIA", "100.3", "Perfect, that worked. Thanks Ana, super quick as always!", 6*time.Minute)
	w.want()
	// A new question does; the nudge goes to the owner, once, with the wait in it.
	w.post(RoleCustomer, "UMIA", "100.4", "One more thing: can I schedule it monthly?", 8*time.Minute)
	w.want("wait@18m0s")
	ns := w.fire(TimerWait)
	if len(ns) != 1 || ns[0].Kind != NoticeWait || ns[0].To != "UANA" || ns[0].Nudge.Rule != "preemptive-ack" {
		t.Fatalf("wait notices = %+v", ns)
	}
	if n := ns[0].Nudge; n.Say == "" || !strings.Contains(n.Why, "10 minutes") || strings.Contains(n.Why, "{") {
		t.Errorf("nudge = %+v", n)
	}
	w.want()
	// A follow-up from the customer while the wait was already nudged starts a new one.
	w.post(RoleCustomer, "UMIA", "100.5", "Hello? Anyone?", 30*time.Minute)
	w.want("wait@40m0s")
}

func TestTimerNames(t *testing.T) {
	tm := Timer{TimerRemind, 3, time.UnixMilli(1773157500000)}
	kind, v, at, ok := ParseTimerName(tm.Name())
	if !ok || kind != TimerRemind || v != 3 || !at.Equal(tm.At) {
		t.Errorf("ParseTimerName(%q) = %s %d %v %v", tm.Name(), kind, v, at, ok)
	}
	for _, bad := range []string{"", "remind", "remind.3", "remind.x.1", ".3.1", "remind.3.1.2"} {
		if _, _, _, ok := ParseTimerName(bad); ok {
			t.Errorf("ParseTimerName(%q) accepted", bad)
		}
	}
	for d, want := range map[time.Duration]string{0: "1 minute", 10 * time.Minute: "10 minutes", time.Hour: "1 hour", 125 * time.Minute: "2 hours 5 minutes"} {
		if got := Minutes(d); got != want {
			t.Errorf("Minutes(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestWhenAndMoveSay(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	london, _ := time.LoadLocation("Europe/London")
	now := t0 // 09:58 in New York, 13:58 in London
	cases := []struct {
		at   time.Time
		zone *time.Location
		with bool
		want string
	}{
		{t0.Add(62 * time.Minute), ny, false, "11am today"},
		{t0.Add(92 * time.Minute), ny, true, "11:30am EDT today"},
		{t0.Add(62 * time.Minute), london, true, "3pm GMT today"},
		{t0.Add(14*time.Hour + 2*time.Minute), ny, false, "12am tomorrow"},
		{t0.Add(50 * time.Hour), london, false, "3:58pm Thursday 12 March"},
	}
	for _, c := range cases {
		if got := When(c.at, now, c.zone, c.with); got != c.want {
			t.Errorf("When(%s in %s) = %q, want %q", c.at, c.zone, got, c.want)
		}
	}
	say := MoveSay(Promise{TS: "100.2"}, t0.Add(3*time.Hour+2*time.Minute), now, london, ny)
	if !strings.Contains(say, "by 5pm GMT today") || strings.Contains(say, "{time}") {
		t.Errorf("MoveSay = %q", say)
	}
	// Posted by the agent (in New York), the line is read back as the moment it names.
	if p, ok := FindPromise(say, now, ny); !ok || !p.Due.Equal(t0.Add(3*time.Hour+2*time.Minute).Truncate(time.Hour)) {
		t.Errorf("MoveSay %q is read back as %+v, %v", say, p, ok)
	}
	if say := MoveSay(Promise{TS: "100.2"}, t0.Add(3*time.Hour+2*time.Minute), now, nil, ny); !strings.Contains(say, "by 1pm today.") && !strings.Contains(say, "by 1pm today ") {
		t.Errorf("MoveSay in the agent's zone = %q", say)
	}
}

// FuzzParseTimerName feeds arbitrary member names of the schedule to the reader: what it
// accepts must name a timer whose name reads back the same.
func FuzzParseTimerName(f *testing.F) {
	for _, s := range []string{"remind.3.1773157500000", "wait.0.1", "overdue.1.-5", "..", "a.b.c", "remind.1", "x.1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, v, at, ok := ParseTimerName(s)
		if !ok {
			return
		}
		name := Timer{Kind: kind, Version: v, At: at}.Name()
		k2, v2, at2, ok := ParseTimerName(name)
		if !ok || k2 != kind || v2 != v || !at2.Equal(at) {
			t.Fatalf("%q → %q → (%q %d %v %v)", s, name, k2, v2, at2, ok)
		}
	})
}
