// Package bot speaks Slack: the Socket Mode loop (ack first, then handle), routing of events,
// slash commands and interactions, who is who, Block Kit rendering, the schedule of
// reminders and digests, and the HTTP probes. The coaching itself comes from coach and the
// state from store. One message, file by file: socket.go acknowledges the envelope,
// route.go hands it to message.go, which reads it and resolves its author (people.go);
// update.go locks, loads, observes, admits (nudge.go) and commits the thread; nudge.go
// delivers the nudges; figures.go keeps what it adds to the week. Timers run in schedule.go
// and come back through update.go, their DMs drawn by promises.go and digest.go; buttons
// land in promise_actions.go, feedback.go, home.go and draft.go.
package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/bot/llm"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// Config is the bot's part of the configuration.
type Config struct {
	// WatchChannels narrows the channels the bot coaches in (ids or names); empty means every
	// channel the bot is a member of.
	WatchChannels []string
	// AgentUsergroup and AgentUsers name the agents. When both are empty, every full member of
	// the workspace is an agent and everyone else (Slack Connect users, guests) a customer.
	AgentUsergroup string
	AgentUsers     []string
	// ClaimReaction is the reaction (without colons) an agent adds to claim a thread.
	ClaimReaction string
	// NudgeCooldown is the least time between two nudges of one rule to one agent in one thread.
	NudgeCooldown time.Duration
	// EventTimeout bounds the handling of one event.
	EventTimeout time.Duration
	// ShutdownTimeout bounds how long a stopping bot waits for work in flight.
	ShutdownTimeout time.Duration
	// RosterTTL is how long the agent group's membership is trusted before it is fetched again.
	RosterTTL time.Duration
	// MaxInFlight bounds the events handled at once. Past it, new events are left
	// unacknowledged so Slack delivers them again a little later, instead of piling up.
	MaxInFlight int
	// PingInterval is how long the socket may go without a ping from Slack before it is
	// considered dead (slack-go's default, 30 s, when zero).
	PingInterval time.Duration
	// OnDutyUsergroup and OnDutyUsers name who hears of a customer waiting in a thread nobody
	// owns. When both are empty, it is the agents among the channel's members.
	OnDutyUsergroup string
	OnDutyUsers     []string
	// LeadUsergroup and LeadUsers name the leads, who hear of promises overdue past the
	// coach's lead grace period (when one is set).
	LeadUsergroup string
	LeadUsers     []string
	// SchedulePoll is how often a replica looks for due reminders and waits (1 s); a negative
	// value turns the loop off, for a simulation that calls RunDue itself.
	SchedulePoll time.Duration
	// LLM, when set, writes reply drafts; a draft it writes is used only when it passes the
	// playbook's rules, and it sees only redacted text.
	LLM *llm.Client
	// NudgeBudget is the most nudges an agent gets in an hour (0: no limit); the last
	// budgetReserve of them are kept for pause.
	NudgeBudget int
	// TeamZone is the zone whose ISO weeks the figures are kept in (UTC when nil).
	TeamZone *time.Location
	// DigestDay and DigestTime are when each subscriber gets the weekly digest, in their own
	// Slack time zone: a day of the week (Sunday is the zero value: cmd/deescalate passes
	// DIGEST_DAY, Monday by default) and a time of day (9h when zero).
	DigestDay  time.Weekday
	DigestTime time.Duration
	// DigestLeadsAuto subscribes the leads to the digest (unless they unsubscribed).
	DigestLeadsAuto bool
	// Now is the clock (time.Now when nil); a simulation passes its virtual clock.
	Now func() time.Time
}

func (c *Config) defaults() {
	if c.TeamZone == nil {
		c.TeamZone = time.UTC
	}
	if c.DigestTime <= 0 {
		c.DigestTime = 9 * time.Hour
	}
	if c.ClaimReaction == "" {
		c.ClaimReaction = "eyes"
	}
	if c.NudgeCooldown <= 0 {
		c.NudgeCooldown = 30 * time.Minute
	}
	if c.EventTimeout <= 0 {
		c.EventTimeout = 10 * time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.RosterTTL <= 0 {
		c.RosterTTL = 5 * time.Minute
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 512
	}
	if c.SchedulePoll == 0 {
		c.SchedulePoll = time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// slackAPI is the part of the Web API the bot calls (the Socket Mode client needs the
// concrete *slack.Client; everything else goes through this).
type slackAPI interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	GetUserGroupMembersContext(ctx context.Context, group string, options ...slack.GetUserGroupMembersOption) ([]string, error)
	GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (*slack.Channel, error)
	GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error)
	PostEphemeralContext(ctx context.Context, channel, user string, options ...slack.MsgOption) (string, error)
	PostMessageContext(ctx context.Context, channel string, options ...slack.MsgOption) (string, string, error)
	GetUsersInConversationContext(ctx context.Context, params *slack.GetUsersInConversationParameters) ([]string, string, error)
	GetPermalinkContext(ctx context.Context, params *slack.PermalinkParameters) (string, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	UpdateViewContext(ctx context.Context, view slack.ModalViewRequest, externalID, hash, viewID string) (*slack.ViewResponse, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
}

var _ slackAPI = (*slack.Client)(nil)

// Store is the bot's Redis as New takes it (a *store.Store): the sum of the small
// interfaces each part of the bot declares beside the code that uses it.
type Store interface {
	eventStore
	threadStore
	nudgeStore
	scheduleStore
	figureStore
	settingStore
	digestStore
	userStore
	promiseStore
	draftStore
	Ping(ctx context.Context) error
}

var _ Store = (*store.Store)(nil)

// Bot is one replica of the app. Several may run against one Redis.
type Bot struct {
	cfg    Config
	client *slack.Client // for Socket Mode
	api    slackAPI
	coach  *coach.Coach
	log    *zap.Logger

	// Redis, seen by each part of the bot through its own small interface.
	redis     Store
	events    eventStore
	threads   threadStore
	admission nudgeStore
	timers    scheduleStore
	figures   figureStore
	settings  settingStore
	digests   digestStore
	users     userStore
	promises  promiseStore
	drafts    draftStore

	self         identity
	roster       *roster
	onDuty       *roster
	leads        *roster
	members      sync.Map // channel id -> channelMembers
	channels     sync.Map // channel id -> channelInfo
	zones        sync.Map // zone name -> *time.Location
	inflight     tracker
	slots        chan struct{} // one per event in flight, up to MaxInFlight
	locks        stripes       // one thread's changes at a time
	metrics      *metrics
	limits       limiter
	tallyMu      sync.Mutex
	tallies      []coach.Tally // figures waiting for the next flush
	prefCache    sync.Map      // user id -> cachedSettings
	redisDown    atomic.Bool   // an outage was logged and has not ended
	connected    atomic.Bool
	outage       atomic.Bool // a socket outage was logged and has not ended
	shedding     atomic.Bool // events are being left for Slack to redeliver
	schedFailing atomic.Bool // the scheduler cannot claim timers, and said so
}

type identity struct {
	UserID, BotID, TeamID, EnterpriseID string
}

// New returns a bot. The Slack client must carry the app-level token (slack.OptionAppLevelToken).
func New(cfg Config, api *slack.Client, st Store, c *coach.Coach, log *zap.Logger) *Bot {
	cfg.defaults()
	b := &Bot{cfg: cfg, client: api, api: api, coach: c, log: log, slots: make(chan struct{}, cfg.MaxInFlight), metrics: newMetrics(),
		redis: st, events: st, threads: st, admission: st, timers: st, figures: st, settings: st, digests: st, users: st,
		promises: st, drafts: st}
	b.metrics.gauges["deescalate_events_in_flight"] = func() float64 { return float64(len(b.slots)) }
	b.metrics.gauges["deescalate_socket_connected"] = func() float64 {
		if b.connected.Load() {
			return 1
		}
		return 0
	}
	b.roster = newRoster(cfg.AgentUsergroup, cfg.AgentUsers, cfg.RosterTTL, cfg.Now, api, log)
	b.onDuty = newRoster(cfg.OnDutyUsergroup, cfg.OnDutyUsers, cfg.RosterTTL, cfg.Now, api, log)
	b.leads = newRoster(cfg.LeadUsergroup, cfg.LeadUsers, cfg.RosterTTL, cfg.Now, api, log)
	b.locks.init()
	return b
}

// Run connects to Slack and handles events until ctx is cancelled. It then stops reading,
// waits up to ShutdownTimeout for the work in flight and returns nil. It returns an error
// when Slack refuses the tokens.
func (b *Bot) Run(ctx context.Context) error {
	auth, err := b.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("check the bot token with auth.test: %w", err)
	}
	b.self = identity{UserID: auth.UserID, BotID: auth.BotID, TeamID: auth.TeamID, EnterpriseID: auth.EnterpriseID}
	b.log.Info("authenticated", zap.String("team", auth.TeamID), zap.String("bot_user", auth.UserID))

	var opts []socketmode.Option
	if b.cfg.PingInterval > 0 {
		opts = append(opts, socketmode.OptionPingInterval(b.cfg.PingInterval))
	}
	sm := socketmode.New(b.client, opts...)

	// Work gets its own context: SIGTERM stops the reading, not the handlers already running.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	socketDone := make(chan error, 1)
	go func() { socketDone <- sm.RunContext(ctx) }()
	if b.cfg.SchedulePoll > 0 {
		go b.scheduleLoop(ctx, work)
	}
	b.inflight.add()
	go func() {
		defer b.inflight.done()
		b.subscribeLeads(work)
	}()

	for {
		select {
		case <-ctx.Done():
			b.connected.Store(false)
			return b.drain(stopWork)
		case err := <-socketDone:
			b.connected.Store(false)
			if ctx.Err() != nil {
				return b.drain(stopWork)
			}
			_ = b.drain(stopWork)
			return fmt.Errorf("socket mode stopped: %w", err)
		case evt := <-sm.Events:
			b.onSocketEvent(ctx, work, sm, evt)
		}
	}
}

// drain waits for work in flight, up to ShutdownTimeout, then cancels what is left.
func (b *Bot) drain(stopWork context.CancelFunc) error {
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.ShutdownTimeout)
	defer cancel()
	n := b.inflight.count()
	if n > 0 {
		b.log.Info("stopping: waiting for work in flight", zap.Int("events", n))
	}
	if err := b.inflight.wait(ctx); err != nil {
		b.log.Warn("stopping: work still in flight after the shutdown timeout; cancelling it",
			zap.Int("events", b.inflight.count()), zap.Duration("timeout", b.cfg.ShutdownTimeout))
		stopWork()
		// Give the cancelled handlers a moment to unwind before the caller closes Redis.
		grace, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = b.inflight.wait(grace)
		return nil
	}
	b.flushTallies(ctx)
	b.log.Info("stopped cleanly")
	return nil
}

// Idle waits until no event is being handled. Simulations call it after each delivery.
func (b *Bot) Idle(ctx context.Context) error { return b.inflight.wait(ctx) }

// Connected reports whether the Socket Mode connection is up.
func (b *Bot) Connected() bool { return b.connected.Load() }

// Ready reports why the bot cannot serve, or nil: the socket must be connected and Redis
// must answer.
func (b *Bot) Ready(ctx context.Context) error {
	if !b.connected.Load() {
		return errors.New("socket mode is not connected")
	}
	if err := b.redis.Ping(ctx); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

func (b *Bot) now() time.Time { return b.cfg.Now() }

// zone returns a user's time zone; an unknown or empty name is UTC.
func (b *Bot) zone(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if loc, ok := b.zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	b.zones.Store(name, loc)
	return loc
}

// tracker counts work in flight and lets callers wait for none.
type tracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

func (t *tracker) add() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		t.idle = make(chan struct{})
	}
	t.n++
}

func (t *tracker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 {
		close(t.idle)
	}
}

func (t *tracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

func (t *tracker) wait(ctx context.Context) error {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return nil
	}
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
