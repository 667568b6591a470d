package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// Group ids the simulator gives the scenario's agents and leads.
const (
	AgentGroup = "SAGENTS"
	LeadGroup  = "SLEADS"
)

// Setup is what a run needs from the configuration.
type Setup struct {
	Bot   bot.Config
	Coach *coach.Coach
	Store store.Options
}

// Options configure a run.
type Options struct {
	// Configure turns the scenario's env block (with the simulator's defaults added) into a
	// setup; cmd/deescalate passes the same code that reads the real environment.
	Configure func(env map[string]string) (Setup, error)
	// Replicas is how many bots run against the one Redis and the one fake Slack (default 1).
	Replicas int
	Log      *zap.Logger
	// OnEvent is called as each scenario event happens; OnCall for each call a person sees.
	OnEvent func(Event)
	OnCall  func(Output)
}

// Output is one call a person would see, as simulate prints it.
type Output struct {
	At       string   `json:"at"`
	Method   string   `json:"method"`
	Channel  string   `json:"channel,omitempty"`
	User     string   `json:"user,omitempty"`
	ThreadTS string   `json:"thread_ts,omitempty"`
	Kinds    []string `json:"kinds"`
	Text     string   `json:"text"`

	Call fakeslack.Call `json:"-"`
}

// visible are the methods whose result a person sees.
var visible = []string{"chat.postEphemeral", "chat.postMessage", "chat.update", "views.open", "views.update",
	"views.push", "views.publish", "response_url"}

// kindNames are the block ids that name what a message is (docs/scenarios.md).
var kindNames = []string{"reminder", "overdue", "draft", "followups", "digest", "home", "help"}

// Kinds picks, from a call's block ids, those that name what the message is.
func Kinds(blockIDs []string) []string {
	out := []string{}
	for _, id := range blockIDs {
		if rule, ok := strings.CutPrefix(id, "nudge:"); ok && slices.Contains(coach.RuleIDs(), rule) || slices.Contains(kindNames, id) {
			out = append(out, id)
		}
	}
	return out
}

// Clock is a virtual clock: it moves only when it is set. The simulator and the bot's tests
// give it to the bots (Config.Now) and to the fake Slack.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env returns the scenario's env with the simulator's defaults: the agents are the scenario's
// agents, through a user group.
func (sc *Scenario) env() map[string]string {
	env := map[string]string{}
	for k, v := range sc.Env {
		env[k] = v
	}
	if env["AGENT_USERGROUP"] == "" && env["AGENT_USERS"] == "" {
		env["AGENT_USERGROUP"] = AgentGroup
	}
	if env["LEAD_USERGROUP"] == "" && env["LEAD_USERS"] == "" {
		env["LEAD_USERGROUP"] = LeadGroup
	}
	return env
}

// Run plays a scenario. It returns an *InvalidError when the scenario's env is not a valid
// configuration, and any other error when the run itself failed.
func Run(ctx context.Context, sc *Scenario, o Options) error {
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	setup, err := o.Configure(sc.env())
	if err != nil {
		return invalid("field \"env\": %v", err)
	}
	clock := NewClock(sc.Start)
	fake := fakeslack.New(fakeslack.Options{Now: clock.Now, AckTimeout: -1, PingInterval: time.Second})
	defer fake.Close()
	w := &world{sc: sc, fake: fake, clock: clock, o: o}
	w.populate()

	st, err := store.New(ctx, setup.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	w.store = st
	defer func() {
		// The run's keys are its own (a private prefix); leave a shared Redis clean.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = st.Purge(pctx)
	}()

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	errs := make(chan error, o.Replicas)
	for i := range o.Replicas {
		api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
		cfg := setup.Bot
		cfg.Now = clock.Now
		cfg.PingInterval = time.Minute
		cfg.SchedulePoll = -1 // the simulator runs the schedule as its clock passes each due time
		b := bot.New(cfg, api, st, setup.Coach, o.Log.With(zap.Int("replica", i)))
		w.bots = append(w.bots, b)
		wg.Go(func() {
			if err := b.Run(runCtx); err != nil {
				errs <- err
			}
		})
	}
	defer wg.Wait()
	defer stop()

	connectCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = fake.WaitConnections(connectCtx, o.Replicas)
	cancel()
	if err != nil {
		return fmt.Errorf("bots did not connect to the fake Slack: %w", err)
	}
	for i := range sc.Events {
		select {
		case err := <-errs:
			return err
		default:
		}
		if err := w.play(ctx, sc.Events[i]); err != nil {
			return fmt.Errorf("events[%d] (%s at %s): %w", i, sc.Events[i].Type, sc.Events[i].At, err)
		}
	}
	return nil
}

// world is one run's state.
type world struct {
	sc    *Scenario
	fake  *fakeslack.Server
	clock *Clock
	bots  []*bot.Bot
	store *store.Store
	o     Options
	seen  int // calls already reported
}

// maxFirings bounds the timer rounds between two events, against a schedule that never empties.
const maxFirings = 100000

// dueStore is what running the schedule needs from the store.
type dueStore interface {
	NextDue(ctx context.Context) (time.Time, bool, error)
}

// RunSchedule moves the clock through every timer due up to until, each at its own time, and
// has every bot run the schedule there (they compete for each timer, as replicas do in
// production); after each round it calls fired (which may be nil). It leaves the clock at the
// last timer it ran, never past until.
func RunSchedule(ctx context.Context, st dueStore, clock *Clock, bots []*bot.Bot, until time.Time, fired func()) error {
	for range maxFirings {
		next, ok, err := st.NextDue(ctx)
		if err != nil {
			return err
		}
		if !ok || next.After(until) {
			return nil
		}
		if next.After(clock.Now()) {
			clock.Set(next)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(bots))
		for i, b := range bots {
			wg.Go(func() { _, errs[i] = b.RunDue(ctx) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if fired != nil {
			fired()
		}
	}
	return errors.New("the schedule kept firing: more than 100000 rounds between two events")
}

// runSchedule runs the timers due up to until, reporting the calls they caused.
func (w *world) runSchedule(ctx context.Context, until time.Time) error {
	return RunSchedule(ctx, w.store, w.clock, w.bots, until, w.report)
}

func (w *world) populate() {
	var agents, leads []string
	for _, u := range w.sc.Users {
		fu := fakeslack.User{ID: u.ID, Name: u.Name, TZ: u.TZ, IsBot: u.Bot}
		if fu.Name == "" {
			fu.Name = strings.ToLower(u.ID)
		}
		if u.External {
			fu.TeamID = "TCUSTOMER"
		}
		if u.Bot {
			fu.BotID = "B" + u.ID
		}
		w.fake.AddUser(fu)
		if u.Agent {
			agents = append(agents, u.ID)
		}
		if u.Lead {
			leads = append(leads, u.ID)
		}
	}
	w.fake.SetGroup(AgentGroup, agents)
	w.fake.SetGroup(LeadGroup, leads)
	for _, c := range w.sc.Channels {
		name := c.Name
		if name == "" {
			name = strings.ToLower(c.ID)
		}
		w.fake.AddChannel(fakeslack.Channel{ID: c.ID, Name: name, Shared: c.Shared, Private: c.Private, Members: c.Members})
	}
}

// play moves the clock to an event, delivers it, waits until every bot is idle and reports
// the calls it caused.
func (w *world) play(ctx context.Context, ev Event) error {
	if err := w.runSchedule(ctx, ev.Time); err != nil {
		return err
	}
	w.clock.Set(ev.Time)
	if w.o.OnEvent != nil {
		w.o.OnEvent(ev)
	}
	var d fakeslack.Delivery
	var err error
	switch ev.Type {
	case "message":
		d, _ = w.fake.Post(ev.User, ev.Channel, ev.TS, ev.ThreadTS, ev.Text)
	case "edit":
		d, err = w.fake.Edit(ev.Channel, ev.TS, ev.Text)
	case "delete":
		d, err = w.fake.Delete(ev.Channel, ev.TS)
	case "reaction":
		d = w.fake.React(ev.User, ev.Channel, ev.TS, strings.Trim(ev.Name, ":"))
	case "slash":
		d = w.fake.Slash(ev.User, ev.Channel, ev.Command, ev.Text)
	case "shortcut":
		d, err = w.fake.Shortcut(ev.User, ev.Channel, ev.TS, "draft_reply")
	case "action":
		d, err = w.fake.Press(ev.User, ev.ActionID, ev.Value)
	case "home":
		d = w.fake.OpenHome(ev.User)
	case "wait":
	}
	if err != nil {
		return err
	}
	if d.ID != "" {
		ids := []string{d.ID}
		if ev.Redeliver {
			ids = append(ids, w.fake.Resend(d.ID))
		}
		for _, id := range ids {
			if err := w.settle(ctx, id); err != nil {
				return err
			}
		}
	}
	w.report()
	return nil
}

// settle waits for a delivery's ack, then for every bot to finish what it started.
func (w *world) settle(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := w.fake.WaitAck(ctx, id); err != nil {
		return err
	}
	for _, b := range w.bots {
		if err := b.Idle(ctx); err != nil {
			return errors.New("a bot did not finish handling the event within 30 s")
		}
	}
	return nil
}

// report hands every new visible call to OnCall.
func (w *world) report() {
	calls := w.fake.Calls()
	for _, c := range calls[w.seen:] {
		if !slices.Contains(visible, c.Method) || c.Err != "" || w.o.OnCall == nil {
			continue
		}
		w.o.OnCall(Output{
			At: c.At.UTC().Format(time.RFC3339), Method: c.Method, Channel: c.Channel, User: c.User,
			ThreadTS: c.ThreadTS, Kinds: Kinds(c.BlockIDs), Text: c.Text, Call: c,
		})
	}
	w.seen = len(calls)
}
