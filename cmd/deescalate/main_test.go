package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/config"
	"github.com/deescalate/deescalate/store"
	"github.com/deescalate/deescalate/store/redistest"
)

// clearConfig makes sure the machine's environment does not reach the configuration.
func clearConfig(t *testing.T) {
	t.Helper()
	for _, name := range config.Names() {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

// runCLI runs the program in-process and returns its output and exit status.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, args, strings.NewReader(""), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

// expectation is a scenario's expect file (docs/scenarios.md), checked as the evaluation's
// scenario checker does.
type expectation struct {
	Expect []struct {
		Kind, User, Method, Channel string
		Window                      [2]string
		Count                       *int
	}
	Never []struct {
		Kind, User, Method, Channel string
	}
	OnlyExpected bool `json:"only_expected"`
}

type line struct {
	At, Method, Channel, User, ThreadTS, Text string
	Kinds                                     []string
}

func matches(l line, kind, user, method, channel string) bool {
	return (kind == "" || slices.Contains(l.Kinds, kind)) && (user == "" || l.User == user) &&
		(method == "" || l.Method == method) && (channel == "" || l.Channel == channel)
}

var offsetRE = regexp.MustCompile(`(\d+(?:\.\d+)?)([dhms])`)

func offset(start time.Time, s string) time.Time {
	if !strings.HasPrefix(s, "+") {
		t, _ := time.Parse(time.RFC3339, s)
		return t
	}
	unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second}
	var d time.Duration
	for _, m := range offsetRE.FindAllStringSubmatch(s, -1) {
		n, _ := strconv.ParseFloat(m[1], 64)
		d += time.Duration(n * float64(unit[m[2]]))
	}
	return start.Add(d)
}

// checkScenario runs `simulate` on a scenario and holds its output against the expect file.
func checkScenario(t *testing.T, path string) {
	t.Helper()
	stdout, stderr, code := runCLI(t, "simulate", path)
	if code != 0 {
		t.Fatalf("simulate %s: exit %d: %s", path, code, stderr)
	}
	var sc struct{ Start time.Time }
	raw, _ := os.ReadFile(path)
	json.Unmarshal(raw, &sc)
	var want expectation
	raw, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".expect.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	var lines []line
	for _, s := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if s == "" {
			continue
		}
		var l line
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("simulate printed a line that is not JSON: %q", s)
		}
		if l.Kinds == nil {
			t.Errorf("line without kinds: %q", s)
		}
		lines = append(lines, l)
	}
	used := map[int]bool{}
	for _, e := range want.Expect {
		lo, hi := offset(sc.Start, e.Window[0]), offset(sc.Start, e.Window[1])
		n := 1
		if e.Count != nil {
			n = *e.Count
		}
		var at []string
		inside := 0
		for i, l := range lines {
			if !matches(l, e.Kind, e.User, e.Method, e.Channel) {
				continue
			}
			used[i] = true
			at = append(at, l.At)
			ts, _ := time.Parse(time.RFC3339, l.At)
			if !ts.Before(lo) && !ts.After(hi) {
				inside++
			}
		}
		if inside != n {
			t.Errorf("expected %d x %s for %q in [%s, %s], got %d (at: %v)", n, e.Kind, e.User, e.Window[0], e.Window[1], inside, at)
		}
	}
	for _, nv := range want.Never {
		for _, l := range lines {
			if matches(l, nv.Kind, nv.User, nv.Method, nv.Channel) {
				t.Errorf("forbidden call %+v matched %+v", l, nv)
			}
		}
	}
	if want.OnlyExpected {
		for i, l := range lines {
			if !used[i] {
				t.Errorf("unexpected call %+v", l)
			}
		}
	}
}

func TestScenarios(t *testing.T) {
	clearConfig(t)
	url, _ := redistest.URL(t)
	t.Setenv("REDIS_URL", url)
	paths, _ := filepath.Glob("testdata/scenarios/*.json")
	n := 0
	for _, p := range paths {
		if strings.HasSuffix(p, ".expect.json") {
			continue
		}
		n++
		t.Run(filepath.Base(p), func(t *testing.T) { checkScenario(t, p) })
	}
	if n == 0 {
		t.Fatal("no scenarios in testdata/scenarios")
	}
}

func TestSimulateOnTheEmbeddedRedis(t *testing.T) {
	clearConfig(t)
	checkScenario(t, "testdata/scenarios/first-contact.json")
}

func TestInvalidScenarioExitsWith2(t *testing.T) {
	clearConfig(t)
	path := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(path, []byte(`{"start": "2026-03-10T13:58:00Z", "users": [{"id": "U1"}],
		"events": [{"at": "+1m", "type": "message", "user": "U1", "ts": "1.000001", "text": "hi"}]}`), 0o644)
	_, stderr, code := runCLI(t, "simulate", path)
	if code != 2 || !strings.Contains(stderr, "events[0] (message at +1m)") || !strings.Contains(stderr, `field "channel" is required`) {
		t.Errorf("exit %d, stderr %q; want 2 naming the event and the field", code, stderr)
	}
	// A bad setting in the scenario's env is an invalid scenario too.
	os.WriteFile(path, []byte(`{"start": "2026-03-10T13:58:00Z", "env": {"NUDGE_COOLDOWN": "soon"}, "events": []}`), 0o644)
	_, stderr, code = runCLI(t, "simulate", path)
	if code != 2 || !strings.Contains(stderr, "NUDGE_COOLDOWN") {
		t.Errorf("exit %d, stderr %q; want 2 naming NUDGE_COOLDOWN", code, stderr)
	}
	if _, _, code := runCLI(t, "simulate", filepath.Join(t.TempDir(), "missing.json")); code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
}

// TestDemo plays the product tour and checks that every step appears, in order, for the
// right person. It holds the structure, not the coach's wording (which moves when the models
// are retrained): which nudge, to whom, after which message.
func TestDemo(t *testing.T) {
	clearConfig(t)
	stdout, stderr, code := runCLI(t, "demo")
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	steps := []struct{ what, line string }{
		{"the customer's upset message", "chris (customer):\n       This is the THIRD time"},
		{"the claim", "ana (agent) reacts :eyes: to take the thread"},
		{"pause and chunk to the agent who claimed", "┃ only ana sees · nudge:pause, nudge:chunk"},
		{"the agent's first reply", "ana (agent):\n       Our billing team is looking into"},
		{"feelings-first on it", "┃ only ana sees · nudge:feelings-first"},
		{"the edit", "the reply is edited to:"},
		{"the edit clears the tip", "┃ (checked again: nothing to say now; the tip is cleared)"},
		{"the customer upset again", "chris (customer):\n       Still waiting"},
		{"pause again", "┃ only ana sees · nudge:pause"},
		{"the shortcut", "opens \"Draft a calm reply\""},
		{"the modal with the draft", "┃ ana's screen · a window, \"Draft a calm reply\", with [Post in thread]"},
		{"the draft's text in its field", "┃   │ Hi Chris"},
		{"the post", "ana (agent) presses Post in thread"},
		{"the reply in the thread", "┃ posted in #acme-support as ana, seen by everyone · draft"},
		{"the promise's reminder", "┃ DM to ana · reminder"},
		{"the promise kept", "Update as promised"},
		{"a customer nobody answers", "mia (customer):"},
		{"the pre-emptive acknowledgement to ana", "┃ only ana sees · nudge:preemptive-ack"},
		{"and to lee, also on duty", "┃ only lee sees · nudge:preemptive-ack"},
		{"Monday", "── Monday 16 March ──"},
		{"the digest to the lead", "┃ DM to lee · digest"},
		{"the digest's figures", "Promises kept on time: 1 of 1"},
		{"App Home", "┃ ana's App Home · home"},
		{"App Home lists the open promise", "> I'll update you by 2pm"},
	}
	rest := stdout
	for _, s := range steps {
		i := strings.Index(rest, s.line)
		if i < 0 {
			t.Fatalf("the demo lacks %s (%q) after the steps before it:\n%s", s.what, s.line, stdout)
		}
		rest = rest[i+len(s.line):]
	}
	// The pause nudge quotes the customer's own words as its cue.
	cue := regexp.MustCompile(`upset \(“([^”]+)”\)`).FindStringSubmatch(stdout)
	if cue == nil || !strings.Contains(stdout, "This is the THIRD time I'm writing about this") || !strings.Contains("This is the THIRD time I'm writing about this.", cue[1]) {
		t.Errorf("the pause nudge's cue %q is not the customer's words", cue)
	}
	// Between the edit and the next message, no feelings-first again.
	edit := stdout[strings.Index(stdout, "the reply is edited to:"):]
	if next := strings.Index(edit, "statusbot (bot)"); next < 0 || strings.Contains(edit[:next], "nudge:feelings-first") {
		t.Errorf("the edit was nudged again:\n%s", edit)
	}
	// Customers never see anything of Deescalate's.
	for _, never := range []string{"only chris sees", "only mia sees", "DM to chris", "DM to mia", "chris's screen", "statusbot sees"} {
		if strings.Contains(stdout, never) {
			t.Errorf("the demo shows %q", never)
		}
	}
	// The terminal shows names and labels, not Slack's markup.
	for _, raw := range []string{"<@", "<#", "<http", ":alarm_clock:", "&gt;", "&amp;"} {
		if strings.Contains(stdout, raw) {
			t.Errorf("demo output shows raw mrkdwn %q:\n%s", raw, stdout)
		}
	}
}

func TestUsage(t *testing.T) {
	clearConfig(t)
	if out, _, code := runCLI(t, "help"); code != 0 || !strings.Contains(out, "simulate FILE.json") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{"frobnicate"}, {"simulate"}, {"demo", "x"}, {"run", "x"}} {
		if _, stderr, code := runCLI(t, args...); code != 2 || !strings.Contains(stderr, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q; want 2 with usage", args, code, stderr)
		}
	}
}

func TestRunWithoutTokensExplainsWhatToSet(t *testing.T) {
	clearConfig(t)
	_, stderr, code := runCLI(t)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"SLACK_BOT_TOKEN is not set", "SLACK_APP_TOKEN is not set", "README.md"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, stderr)
		}
	}
}

// TestSIGTERMDrainsAndExitsZero runs the real binary against the fake Slack and a real Redis,
// sends SIGTERM while a nudge is being posted, and expects the nudge to land and exit 0.
func TestSIGTERMDrainsAndExitsZero(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "deescalate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fake := fakeslack.New(fakeslack.Options{AckTimeout: -1})
	defer fake.Close()
	fake.AddUser(fakeslack.User{ID: "UANA", Name: "ana", TZ: "America/New_York"})
	fake.AddUser(fakeslack.User{ID: "UCHRIS", Name: "chris", TeamID: "TCUSTOMER"})
	fake.AddChannel(fakeslack.Channel{ID: "CSUP", Name: "support", Shared: true, Members: []string{"UANA", "UCHRIS"}})
	url, prefix := redistest.URL(t)

	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN="+fake.BotToken(), "SLACK_APP_TOKEN="+fake.AppToken(),
		"SLACK_API_URL="+fake.APIURL(), "REDIS_URL="+url, "REDIS_PREFIX="+prefix, "HTTP_ADDR=127.0.0.1:0",
		"LOG_LEVEL=info", "SHUTDOWN_TIMEOUT=10s", "WATCH_CHANNELS=", "AGENT_USERGROUP=", "AGENT_USERS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	st, err := store.New(ctx, store.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// ana opens the thread, so she owns it; wait until the bot has recorded that.
	d, _ := fake.Post("UANA", "CSUP", "1773151080.000100", "", "Hi Chris, following up on your ticket.")
	fake.WaitAck(ctx, d.ID)
	for {
		snap, err := st.Load(ctx, "CSUP", "1773151080.000100")
		if err == nil && snap.Thread.Owner == "UANA" {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the bot never recorded the thread\n%s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	fake.SetDelay("chat.postEphemeral", time.Second)
	fake.Post("UCHRIS", "CSUP", "1773151200.000200", "1773151080.000100", "This is the THIRD time. Unacceptable!!")
	for fake.InFlight("chat.postEphemeral") == 0 {
		if ctx.Err() != nil {
			t.Fatalf("the nudge never started\n%s", stderr.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-ctx.Done():
		t.Fatalf("no exit after SIGTERM\n%s", stderr.String())
	}
	posted := 0
	for _, c := range fake.Calls() {
		if c.Method == "chat.postEphemeral" && c.Err == "" {
			posted++
		}
	}
	if posted != 1 {
		t.Errorf("%d nudges posted, want the one in flight\n%s", posted, stderr.String())
	}
	logs := stderr.String()
	for _, want := range []string{"stopping: waiting for work in flight", "stopped cleanly"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	for _, leak := range []string{"THIRD time", fake.BotToken(), fake.AppToken()} {
		if strings.Contains(logs, leak) {
			t.Errorf("logs carry %q", leak)
		}
	}
}
