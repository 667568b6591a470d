package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/bot/sim"
)

// t0 is 09:58 in New York (ana's and lee's zone): "by 11am" is due at t0+62m.
var t0 = time.Date(2026, 3, 10, 13, 58, 0, 0, time.UTC)

// scheduled is the usual configuration with a shared test clock; the test runs the
// scheduler itself (harness.tick) as it moves the clock.
func scheduled(clk *sim.Clock) bot.Config {
	cfg := agentsConfig()
	cfg.Now = clk.Now
	cfg.SchedulePoll = -1
	return cfg
}

// promise starts thread i: the customer asks, ana promises an update by 11am about case i.
func promise(h *harness, i int) {
	h.t.Helper()
	thread := fmt.Sprintf("1773151080.%06d", 2*i+1)
	h.post(chris, support, thread, "", fmt.Sprintf("Could you look at case %d for us?", i))
	h.post(ana, support, fmt.Sprintf("1773151080.%06d", 2*i+2), thread, fmt.Sprintf("Sure, I'll update you on case %d by 11am.", i))
}

// dms returns the DMs of a kind (block id) sent so far, by the case number they quote.
func dms(h *harness, kind string) map[string]int {
	out := map[string]int{}
	for _, c := range h.fake.Calls() {
		if c.Method != "chat.postMessage" || c.Err != "" || !slices.Contains(c.BlockIDs, kind) {
			continue
		}
		text := strings.Join(c.Texts(), " ")
		i := strings.Index(text, "case ")
		if i < 0 {
			out["?"]++
			continue
		}
		out[strings.Fields(text[i+5:])[0]]++
	}
	return out
}

// dueDMs moves the clock to at, runs the schedulers there and returns the DMs of a kind
// sent so far.
func dueDMs(h *harness, clk *sim.Clock, at time.Time, kind string) map[string]int {
	h.t.Helper()
	clk.Set(at)
	h.tick()
	return dms(h, kind)
}

func exactlyOnce(t *testing.T, got map[string]int, n int, what string) {
	t.Helper()
	if len(got) != n {
		t.Errorf("%d distinct %s, want %d", len(got), what, n)
	}
	for k, c := range got {
		if c != 1 {
			t.Errorf("%s for case %s sent %d times", what, k, c)
		}
	}
}

func TestTwoHundredRemindersExactlyOnceAcrossThreeReplicas(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 3)
	const n = 200
	for i := range n {
		promise(h, i)
	}
	if got := dms(h, "reminder"); len(got) != 0 {
		t.Fatalf("reminders before their time: %v", got)
	}
	// Slack fails some of the posts: those go back on the schedule and go out 30 s later.
	h.fake.FailNext("chat.postMessage", 7, 500, 0, "")
	if got := dueDMs(h, clk, t0.Add(47*time.Minute), "reminder"); len(got) != n-7 {
		t.Fatalf("%d reminders at their time with 7 posts failing, want %d", len(got), n-7)
	}
	exactlyOnce(t, dueDMs(h, clk, t0.Add(47*time.Minute+31*time.Second), "reminder"), n, "reminders")
	exactlyOnce(t, dueDMs(h, clk, t0.Add(62*time.Minute), "overdue"), n, "overdue notices")
	failed := 0
	for _, c := range h.fake.Calls() {
		if c.Method == "chat.postMessage" && c.Err != "" {
			failed++
		}
	}
	if failed != 7 {
		t.Errorf("%d failed posts, want the 7 injected", failed)
	}
}

func TestRemindersSurviveARestart(t *testing.T) {
	clk := newClock(t0)
	cfg := scheduled(clk)
	h := start(t, cfg, 0)
	stop := h.replica(cfg)
	const n = 20
	for i := range n {
		promise(h, i)
	}
	stop()
	// A replica that claimed five reminders died before sending them.
	ctx := context.Background()
	claimed, err := h.store.Claim(ctx, t0.Add(47*time.Minute), 5, 30*time.Second)
	if err != nil || len(claimed) != 5 {
		t.Fatalf("claim = %v, %v", claimed, err)
	}
	// A new replica on the same Redis sends every other reminder at once, and those five
	// when the dead replica's lease runs out.
	h.replica(cfg)
	if got := dueDMs(h, clk, t0.Add(47*time.Minute), "reminder"); len(got) != n-5 {
		t.Fatalf("%d reminders while five are leased to a dead replica, want %d", len(got), n-5)
	}
	exactlyOnce(t, dueDMs(h, clk, t0.Add(47*time.Minute+31*time.Second), "reminder"), n, "reminders")
}

func TestKeptPromiseSendsNothing(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	promise(h, 1)
	clk.Set(t0.Add(20 * time.Minute))
	h.post(lee, support, "1773151080.000009", "1773151080.000003", "Update on case 1: it's fixed.")
	for _, at := range []time.Duration{47 * time.Minute, 62 * time.Minute, 25 * time.Hour} {
		clk.Set(t0.Add(at))
		h.tick()
	}
	if r, o := dms(h, "reminder"), dms(h, "overdue"); len(r)+len(o) != 0 {
		t.Errorf("kept promise: reminders %v, overdue %v", r, o)
	}
	if p, _ := h.store.Pending(context.Background()); p != 0 {
		t.Errorf("%d timers left on the schedule after the promise was kept", p)
	}
}

// pressButton presses a button the bot showed a user and waits until it is handled.
func pressButton(t *testing.T, h *harness, user, actionID, value string) json.RawMessage {
	t.Helper()
	d, err := h.fake.Press(user, actionID, value)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := h.fake.WaitAck(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.settle(d)
	return ack
}

func TestNeedMoreTimeRejectsAPastTimeAndMovesThePromise(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	promise(h, 1)
	if got := dueDMs(h, clk, t0.Add(47*time.Minute), "reminder"); len(got) != 1 {
		t.Fatalf("reminders = %v, want one", got)
	}
	pressButton(t, h, ana, "promise_more_time", "")
	views := 0
	for _, c := range h.fake.Calls() {
		if c.Method == "views.open" && c.Err == "" && c.User == ana {
			views++
		}
	}
	if views != 1 {
		t.Fatalf("%d modals opened, want 1", views)
	}
	// A time in the past: the modal stays open with an error on the field.
	ack := pressButton(t, h, ana, "new_due", t0.Add(10*time.Minute).Format(time.RFC3339))
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack, &resp); err != nil || resp.Action != "errors" || resp.Errors["new_due"] == "" {
		t.Fatalf("ack for a past time = %s, want errors on new_due", ack)
	}
	if got := dms(h, "draft"); len(got) != 0 {
		t.Fatalf("a rejected time moved the promise: %v", got)
	}
	// 1pm in New York: the promise moves, ana gets a message to announce it.
	ack = pressButton(t, h, ana, "new_due", "2026-03-10T17:00:00Z")
	if len(ack) != 0 && string(ack) != "null" {
		t.Errorf("ack for a good time = %s, want none (the modal closes)", ack)
	}
	var draft fakeslack.Call
	for _, c := range h.fake.Calls() {
		if c.Method == "chat.postMessage" && slices.Contains(c.BlockIDs, "draft") {
			draft = c
		}
	}
	text := strings.Join(draft.Texts(), " ")
	// chris is in London: the suggested message names his time, 5pm GMT.
	if draft.User != ana || !strings.Contains(text, "1pm today") || !strings.Contains(text, "5pm GMT today") {
		t.Errorf("draft DM to %s: %q", draft.User, text)
	}
	if got := dueDMs(h, clk, t0.Add(62*time.Minute), "overdue"); len(got) != 0 {
		t.Errorf("the old due time still fired: %v", got)
	}
	// The moved promise has its own reminder, at 12:45pm.
	if got := dueDMs(h, clk, t0.Add(2*time.Hour+47*time.Minute), "reminder"); got["1"] != 2 {
		t.Errorf("reminders = %v, want the first and the moved one", got)
	}
}

func TestFollowupsListsOpenPromisesWithButtons(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	promise(h, 1)
	promise(h, 2)
	d := h.fake.Slash(ana, support, "/deescalate", "followups")
	h.settle(d)
	var list fakeslack.Call
	for _, c := range h.fake.Calls() {
		if c.Method == "response_url" && slices.Contains(c.BlockIDs, "followups") {
			list = c
		}
	}
	text := strings.Join(list.Texts(), " ")
	if list.User != ana || !strings.Contains(text, "case 1") || !strings.Contains(text, "case 2") || !strings.Contains(text, "11am today") {
		t.Fatalf("followups for %s: %q", list.User, text)
	}
	if ids := list.ActionIDs(); len(ids) != 6 {
		t.Errorf("followups buttons = %v, want kept/snooze/more time for each", ids)
	}
	// Kept from the list: the list's answer says so, and the reminder never comes.
	pressButton(t, h, ana, "promise_kept", "")
	got := dueDMs(h, clk, t0.Add(47*time.Minute), "reminder")
	if len(got) != 1 {
		t.Errorf("reminders after one of two promises was kept: %v", got)
	}
	// lee has none.
	h.settle(h.fake.Slash(lee, support, "/deescalate", "followups"))
	calls := h.fake.Calls()
	last := calls[len(calls)-1]
	if last.User != lee || !strings.Contains(strings.Join(last.Texts(), " "), "no open promises") {
		t.Errorf("lee's followups: %+v", last.Texts())
	}
}

func TestForgedButtonValuesAreIgnored(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	promise(h, 1)
	if got := dueDMs(h, clk, t0.Add(47*time.Minute), "reminder"); len(got) != 1 {
		t.Fatalf("reminders = %v, want one", got)
	}
	for _, v := range []string{"garbage", "reminder|C1:{x}|1.1|1", "reminder|CSUPPORT|1773151080.000003|0", "reminder|CSUPPORT|1773151080.000003|99"} {
		pressButton(t, h, ana, "promise_kept", v)
	}
	snap, err := h.store.Load(context.Background(), support, "1773151080.000003")
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Thread.Promise.Open() {
		t.Errorf("a forged button changed the promise: %+v", snap.Thread.Promise)
	}
}

func TestWaitingCustomerNudgesOwnerOrOnDutyAgents(t *testing.T) {
	clk := newClock(t0)
	cfg := scheduled(clk)
	h := start(t, cfg, 1)
	// Unowned: the agents of the channel (ana, lee), once.
	h.post(chris, support, "1773151080.000100", "", "Could you check our SSO settings?")
	clk.Set(t0.Add(9 * time.Minute))
	h.tick()
	h.wantNudges()
	clk.Set(t0.Add(10 * time.Minute))
	h.tick()
	h.wantNudges("preemptive-ack>"+ana, "preemptive-ack>"+lee)
	// Owned: only the owner.
	h.post(ana, support, "1773151080.000200", "1773151080.000100", "Looking now.")
	h.post(chris, support, "1773151080.000300", "1773151080.000100", "Any news?")
	clk.Set(t0.Add(21 * time.Minute))
	h.tick()
	h.wantNudges("preemptive-ack>"+ana, "preemptive-ack>"+lee, "preemptive-ack>"+ana)
	if c := h.nudges()[2]; c.ThreadTS != "1773151080.000100" {
		t.Errorf("nudge in thread %q, want the customer's thread", c.ThreadTS)
	}
}

func TestOnDutyUsersNarrowWhoHearsOfAWait(t *testing.T) {
	clk := newClock(t0)
	cfg := scheduled(clk)
	cfg.OnDutyUsers = []string{lee, "UNOTINCHANNEL"}
	h := start(t, cfg, 1)
	h.post(chris, support, "1773151080.000100", "", "Could you check our SSO settings?")
	clk.Set(t0.Add(10 * time.Minute))
	h.tick()
	h.wantNudges("preemptive-ack>" + lee)
}
