package bot_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
	"github.com/deescalate/deescalate/store/redistest"
)

// harnessLogLevel is the lowest level the harness keeps; the load benchmark raises it so the
// logs kept in memory do not weigh on what it measures.
var harnessLogLevel = zap.DebugLevel

// The test workspace: a Slack Connect channel with a customer, two agents, a guest, an
// internal colleague who is not an agent, and another app's bot.
const (
	support = "CSUPPORT" // #support-acme, shared with the customer
	other   = "COTHER"   // #random
	ana     = "UANA"
	lee     = "ULEE"
	chris   = "UCHRIS" // customer, another organisation
	gus     = "UGUEST" // a guest of our workspace
	bob     = "UBOB"   // internal, not in the agent group
	statbot = "USTATUS"
)

const (
	angryText = "This is the THIRD time I'm writing about this. Honestly thinking about cancelling."
	calmText  = "Is there a way to export the usage report as CSV?"
)

type harness struct {
	t     testing.TB
	fake  *fakeslack.Server
	store *store.Store
	bots  []*bot.Bot
	logs  *observer.ObservedLogs
	log   *zap.Logger
	stop  context.CancelFunc
	wg    sync.WaitGroup
	errs  chan error
	// expected lists error-level log messages a test provokes on purpose.
	expected map[string]bool
	// confirmed counts the drafts an agent pressed "Post in thread" for: the only posts into
	// a channel the bot may make.
	confirmed int
	// url and prefix locate the test's keys in Redis.
	url, prefix string
}

// expectError lets a test provoke an error log without failing.
func (h *harness) expectError(msg string) { h.expected[msg] = true }

// start runs replicas of the bot against one fake Slack and one real Redis.
func start(t testing.TB, cfg bot.Config, replicas int) *harness {
	t.Helper()
	url, prefix := redistest.URL(t)
	return startOn(t, cfg, replicas, url, prefix)
}

// startOn is start against a given Redis.
func startOn(t testing.TB, cfg bot.Config, replicas int, url, prefix string) *harness {
	t.Helper()
	h := &harness{t: t, errs: make(chan error, replicas), expected: map[string]bool{}}
	h.fake = fakeslack.New(fakeslack.Options{AckTimeout: -1, PingInterval: 200 * time.Millisecond})
	t.Cleanup(h.fake.Close)
	for _, u := range []fakeslack.User{
		{ID: ana, Name: "ana", TZ: "America/New_York"},
		{ID: lee, Name: "lee", TZ: "America/New_York"},
		{ID: chris, Name: "chris", TZ: "Europe/London", TeamID: "TCUSTOMER"},
		{ID: gus, Name: "gus", TZ: "Europe/Berlin", IsRestricted: true},
		{ID: bob, Name: "bob", TZ: "America/Chicago"},
		{ID: statbot, Name: "statusbot", IsBot: true, BotID: "BSTATUS"},
	} {
		h.fake.AddUser(u)
	}
	members := []string{ana, lee, chris, gus, bob, statbot}
	h.fake.AddChannel(fakeslack.Channel{ID: support, Name: "support-acme", Shared: true, Members: members})
	h.fake.AddChannel(fakeslack.Channel{ID: other, Name: "random", Members: members})
	h.fake.SetGroup("SAGENTS", []string{ana, lee})

	h.url, h.prefix = url, prefix
	st, err := store.New(context.Background(), store.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	h.store = st
	core, logs := observer.New(harnessLogLevel)
	h.logs, h.log = logs, zap.New(core)
	ctx, stop := context.WithCancel(context.Background())
	h.stop = stop
	for i := range replicas {
		api := slack.New(h.fake.BotToken(), slack.OptionAPIURL(h.fake.APIURL()), slack.OptionAppLevelToken(h.fake.AppToken()))
		b := bot.New(cfg, api, st, coach.New(coach.DefaultPlaybook()), zap.New(core).With(zap.Int("replica", i)))
		h.bots = append(h.bots, b)
		h.wg.Go(func() {
			if err := b.Run(ctx); err != nil {
				h.errs <- err
			}
		})
	}
	t.Cleanup(func() {
		h.shutdown()
		st.Close()
		h.assertPrivate()
	})
	wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.fake.WaitConnections(wctx, replicas); err != nil {
		t.Fatal(err)
	}
	for _, b := range h.bots {
		for !b.Connected() {
			if wctx.Err() != nil {
				t.Fatal("bot never reported connected")
			}
			time.Sleep(time.Millisecond)
		}
	}
	return h
}

// replica starts one more bot on the harness's fake Slack and Redis and returns a function
// that stops it (as SIGTERM does) and waits until it has.
func (h *harness) replica(cfg bot.Config) func() {
	h.t.Helper()
	api := slack.New(h.fake.BotToken(), slack.OptionAPIURL(h.fake.APIURL()), slack.OptionAppLevelToken(h.fake.AppToken()))
	b := bot.New(cfg, api, h.store, coach.New(coach.DefaultPlaybook()), h.log.With(zap.String("replica", "late")))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !b.Connected() {
		if wctx.Err() != nil {
			h.t.Fatal("late replica never connected")
		}
		time.Sleep(time.Millisecond)
	}
	h.bots = append(h.bots, b)
	var once sync.Once
	stopped := func() {
		once.Do(func() {
			stop()
			if err := <-done; err != nil {
				h.t.Errorf("late replica stopped with an error: %v", err)
			}
			h.bots = slices.DeleteFunc(h.bots, func(x *bot.Bot) bool { return x == b })
		})
	}
	h.t.Cleanup(stopped)
	return stopped
}

// newClock is the clock the bots of a test share (Config.Now): the simulator's.
func newClock(t time.Time) *sim.Clock { return sim.NewClock(t) }

// tick is the scheduler's step on every replica at the clock's time: the replicas compete for
// the due timers (as their loops do in production) until none is left, and the bots are idle
// before and after. When it returns, every timer due by now has been handled, so a test may
// assert that something was not sent.
func (h *harness) tick() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h.idle(ctx)
	for ctx.Err() == nil {
		claimed := make([]int, len(h.bots))
		errs := make([]error, len(h.bots))
		var wg sync.WaitGroup
		for i, b := range h.bots {
			wg.Go(func() { claimed[i], errs[i] = b.RunDue(ctx) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			h.t.Fatalf("scheduler step: %v", err)
		}
		if slices.Max(append(claimed, 0)) == 0 {
			break
		}
	}
	h.idle(ctx)
}

// idle waits until no bot is handling anything.
func (h *harness) idle(ctx context.Context) {
	h.t.Helper()
	for _, b := range h.bots {
		if err := b.Idle(ctx); err != nil {
			h.t.Fatal(err)
		}
	}
}

// agentsConfig is the usual configuration: agents are the SAGENTS group.
func agentsConfig() bot.Config {
	return bot.Config{AgentUsergroup: "SAGENTS", PingInterval: 5 * time.Second}
}

func (h *harness) shutdown() {
	h.stop()
	h.wg.Wait()
	select {
	case err := <-h.errs:
		h.t.Errorf("bot stopped with an error: %v", err)
	default:
	}
}

// settle waits until a delivery is acknowledged and every bot is idle.
func (h *harness) settle(d fakeslack.Delivery) {
	h.t.Helper()
	h.settleID(d.ID)
}

func (h *harness) settleID(id string) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		h.t.Fatal(err)
	}
	for _, b := range h.bots {
		if err := b.Idle(ctx); err != nil {
			h.t.Fatal(err)
		}
	}
}

// post has a user post and waits until the bots have handled it.
func (h *harness) post(user, channel, ts, thread, text string) {
	h.t.Helper()
	d, _ := h.fake.Post(user, channel, ts, thread, text)
	h.settle(d)
}

// nudges returns the ephemeral messages delivered so far.
func (h *harness) nudges() []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range h.fake.Calls() {
		if c.Method == "chat.postEphemeral" && c.Err == "" {
			out = append(out, c)
		}
	}
	return out
}

// wantNudges checks the ephemerals sent so far: one "rule>agent" per message.
func (h *harness) wantNudges(want ...string) []fakeslack.Call {
	h.t.Helper()
	got := h.nudges()
	var desc []string
	for _, c := range got {
		for _, id := range c.BlockIDs {
			if len(id) > 6 && id[:6] == "nudge:" {
				desc = append(desc, id[6:]+">"+c.User)
			}
		}
	}
	if !slices.Equal(desc, want) {
		h.t.Fatalf("nudges = %v, want %v", desc, want)
	}
	return got
}

var emailInLog = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}`)

// assertPrivate checks what every test must hold: nothing reached a customer or a guest, and
// nothing was posted into a channel.
func (h *harness) assertPrivate() {
	posted := 0
	for _, c := range h.fake.Calls() {
		if c.User == chris || c.User == gus {
			h.t.Errorf("%s was sent to the customer %s", c.Method, c.User)
		}
		if c.Method == "chat.postEphemeral" && c.Err == "" && c.User != ana && c.User != lee && c.User != bob {
			h.t.Errorf("an ephemeral went to %s, who is not an agent", c.User)
		}
		if c.Method == "chat.postMessage" && (c.Channel == support || c.Channel == other) {
			if !slices.Contains(c.BlockIDs, "draft") || c.ThreadTS == "" || c.Args["username"] == "" {
				h.t.Errorf("chat.postMessage into channel %s that is not an agent's posted draft", c.Channel)
			}
			posted++
		}
	}
	if posted > h.confirmed {
		h.t.Errorf("%d posts into channels, but agents confirmed only %d drafts", posted, h.confirmed)
	}
	for _, e := range h.logs.All() {
		if e.Level >= zap.ErrorLevel && !h.expected[e.Message] {
			h.t.Errorf("error logged: %s %v", e.Message, e.ContextMap())
		}
		line := e.Message
		for k, v := range e.ContextMap() {
			line += " " + k + "=" + fmt.Sprint(v)
		}
		for _, fragment := range []string{"writing about this", "usage report", "xoxb-", "xapp-"} {
			if strings.Contains(line, fragment) {
				h.t.Errorf("a log line carries message text or a token: %q", line)
			}
		}
		if emailInLog.MatchString(line) {
			h.t.Errorf("a log line carries an e-mail address: %q", line)
		}
	}
}
