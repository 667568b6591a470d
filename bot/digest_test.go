package bot_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/coach"
)

// updating reports -update, which the package's internal tests define.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// monday9 is lee's (and ana's) Monday 9am after t0: 16 March 2026, 13:00 UTC in New York.
var monday9 = time.Date(2026, 3, 16, 13, 0, 0, 0, time.UTC)

func digestConfig(clk *sim.Clock) bot.Config {
	cfg := scheduled(clk)
	cfg.LeadUsers = []string{lee}
	cfg.DigestLeadsAuto = true
	cfg.DigestDay = time.Monday
	return cfg
}

// digestsTo counts the digests a user got.
func digestsTo(h *harness, user string) int {
	n := 0
	for _, c := range h.fake.Calls() {
		if c.Method == "chat.postMessage" && c.Err == "" && c.User == user && slices.Contains(c.BlockIDs, "digest") {
			n++
		}
	}
	return n
}

// TestDigestOnceAcrossReplicas: three replicas, one lead auto-subscribed, one agent who
// subscribed: each gets one digest, at their Monday 9am.
func TestDigestOnceAcrossReplicas(t *testing.T) {
	clk := newClock(t0)
	h := start(t, digestConfig(clk), 3)
	slash(t, h, ana, support, "digest subscribe")
	h.post(chris, support, "1773151080.000100", "", "The invoice charged us twice, please fix the billing.")
	clk.Set(monday9.Add(-time.Minute))
	h.tick()
	if n := digestsTo(h, lee) + digestsTo(h, ana); n != 0 {
		t.Fatalf("%d digests before 9am", n)
	}
	clk.Set(monday9)
	h.tick()
	clk.Set(monday9.Add(time.Hour))
	h.tick()
	if digestsTo(h, lee) != 1 || digestsTo(h, ana) != 1 || digestsTo(h, bob) != 0 {
		t.Fatalf("digests: lee %d, ana %d, bob %d; want 1, 1, 0", digestsTo(h, lee), digestsTo(h, ana), digestsTo(h, bob))
	}
	// The next week's is on the schedule: a week later, one more each.
	clk.Set(monday9.AddDate(0, 0, 7))
	h.tick()
	if digestsTo(h, lee) != 2 || digestsTo(h, ana) != 2 {
		t.Errorf("after two Mondays: lee %d, ana %d; want 2 each", digestsTo(h, lee), digestsTo(h, ana))
	}
	// Unsubscribed: nothing more.
	slash(t, h, ana, support, "digest unsubscribe")
	clk.Set(monday9.AddDate(0, 0, 14))
	h.tick()
	if digestsTo(h, ana) != 2 || digestsTo(h, lee) != 3 {
		t.Errorf("after unsubscribing: ana %d (want 2), lee %d (want 3)", digestsTo(h, ana), digestsTo(h, lee))
	}
}

// TestDigestCatchesUpAfterAnOutage: the bot is down across Monday 9am and back at 11am: the
// digest still arrives, once. Down for more than a day, that week's is skipped, not sent late.
func TestDigestCatchesUpAfterAnOutage(t *testing.T) {
	clk := newClock(t0)
	h := start(t, digestConfig(clk), 0)
	stop := h.replica(digestConfig(clk))
	h.tick()
	clk.Set(monday9.Add(-time.Hour))
	h.tick()
	stop()
	clk.Set(monday9.Add(2 * time.Hour))
	stop = h.replica(digestConfig(clk))
	h.tick()
	if n := digestsTo(h, lee); n != 1 {
		t.Fatalf("after an outage across 9am: %d digests, want 1", n)
	}
	// Next week the bot is down from Sunday to Wednesday: that digest is skipped, not sent
	// two days late, and the one after comes as usual.
	clk.Set(monday9.AddDate(0, 0, 6))
	h.tick()
	stop()
	clk.Set(monday9.AddDate(0, 0, 9))
	h.replica(digestConfig(clk))
	h.tick()
	if n := digestsTo(h, lee); n != 1 {
		t.Errorf("a digest more than a day late went out (%d digests)", n)
	}
	clk.Set(monday9.AddDate(0, 0, 14))
	h.tick()
	if n := digestsTo(h, lee); n != 2 {
		t.Errorf("the week after a skipped one: %d digests, want 2", n)
	}
}

// TestThemeCountsMatchTheCoach: the week's theme counts are the coach's themes of the same
// customer messages (the support requests the coach's tests are written with).
func TestThemeCountsMatchTheCoach(t *testing.T) {
	checkThemeCounts(t, customerTexts(t, "../coach/testdata/customers.jsonl"))
}

// customerTexts reads the customers' messages of a JSON-lines file of the analysis
// contract's shape, at most 30 of them (a line without a role is a customer's).
func customerTexts(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() && len(texts) < 30 {
		var row struct{ Role, Text string }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if row.Role == "" || row.Role == "customer" {
			texts = append(texts, row.Text)
		}
	}
	if len(texts) < 30 {
		t.Fatalf("%s: %d customer messages, want 30", path, len(texts))
	}
	return texts
}

func checkThemeCounts(t *testing.T, texts []string) {
	clk := newClock(t0)
	h := start(t, digestConfig(clk), 1)
	want := map[string]int{}
	co := coach.New(coach.DefaultPlaybook())
	for i, text := range texts {
		h.post(chris, support, fmt.Sprintf("1773151080.%06d", i+1), "", text)
		for _, th := range co.Analyze(coach.Message{Text: text, Role: coach.RoleCustomer, Now: t0}).Themes {
			want[th]++
		}
	}
	if len(want) < 5 {
		t.Fatalf("the messages raise %d themes, want at least 5 for the counts to mean something: %v", len(want), want)
	}
	for _, b := range h.bots {
		b.Flush(context.Background())
	}
	r, err := h.store.WeekReport(context.Background(), coach.WeekOf(t0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, th := range r.Themes {
		got[th.Theme] = th.Count
		if th.Threads != th.Count {
			t.Errorf("%s: %d threads for %d messages, each in its own thread", th.Theme, th.Threads, th.Count)
		}
	}
	if r.Messages != len(texts) || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("week: %d messages, themes %v; want %d and %v", r.Messages, got, len(texts), want)
	}
}

// TestAppHome: the Home tab shows an agent's own week, open promises and settings; muting a
// rule or snoozing stops those nudges for that agent only.
func TestAppHome(t *testing.T) {
	clk := newClock(t0)
	h := start(t, digestConfig(clk), 1)
	promise(h, 1)
	open := func(user string) fakeslack.Call {
		t.Helper()
		h.settle(h.fake.OpenHome(user))
		c, ok := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "views.publish" && c.User == user })
		if !ok || !slices.Contains(c.BlockIDs, "home") {
			t.Fatalf("no App Home for %s", user)
		}
		return c
	}
	home := open(ana)
	text := strings.Join(home.Texts(), "\n")
	if !strings.Contains(text, "Your coaching this week") || !strings.Contains(text, "case 1") || !slices.Contains(home.ActionIDs(), "promise_kept") {
		t.Errorf("ana's home:\n%s\n%v", text, home.ActionIDs())
	}
	goldenView(t, "home", home)

	pressButton(t, h, ana, "home_mute_pause", "")
	if c, _ := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "views.publish" && c.User == ana }); !strings.Contains(strings.Join(c.Texts(), " "), "muted for you: `pause`") {
		t.Errorf("after muting pause: %q", c.Texts())
	}
	// An upset customer in ana's thread: no pause nudge for ana; lee's thread still nudges lee.
	before := len(h.nudges())
	h.post(chris, support, "1773151080.000005", "1773151080.000003", angryText)
	for _, c := range h.nudges()[before:] {
		if c.User == ana && strings.Contains(strings.Join(c.BlockIDs, ","), "nudge:pause") {
			t.Error("ana muted pause but was nudged")
		}
	}
	h.post(chris, support, "1773151090.000001", "", "Quick one about our seats")
	h.post(lee, support, "1773151090.000002", "1773151090.000001", "Sure, happy to help.")
	before = len(h.nudges())
	h.post(chris, support, "1773151090.000003", "1773151090.000001", angryText)
	if got := h.nudges()[before:]; len(got) != 1 || got[0].User != lee {
		t.Errorf("lee's nudges after ana muted pause: %v", got)
	}

	// Snooze: nothing at all for an hour; resume.
	open(lee)
	pressButton(t, h, lee, "home_snooze_1h", "")
	before = len(h.nudges())
	h.post(chris, support, "1773151090.000004", "1773151090.000001", "This is ridiculous, STILL broken!!")
	if got := h.nudges()[before:]; len(got) != 0 {
		t.Errorf("lee snoozed but got %d nudges", len(got))
	}
	pressButton(t, h, lee, "home_snooze_off", "")

	// The digest switch.
	pressButton(t, h, ana, "home_digest", "")
	if on, err := h.store.Subscribed(context.Background(), ana); err != nil || !on {
		t.Errorf("subscribe from App Home: %v %v", on, err)
	}
	if c := open(ana); !strings.Contains(strings.Join(c.Texts(), " "), "Weekly digest: *on*") {
		t.Errorf("home after subscribing: %q", c.Texts())
	}
}

// goldenView keeps a view's Block Kit in testdata (-update rewrites it).
func goldenView(t *testing.T, name string, c fakeslack.Call) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(c.Args["view"]), &v); err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(v, "", "  ")
	path := filepath.Join("testdata", name+".golden.json")
	if updating() {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (-update creates it)", err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("%s changed (-update after a deliberate change):\n%s", path, got)
	}
}
