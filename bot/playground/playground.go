// Package playground is `deescalate playground`: the real bot, the in-process fake Slack and
// Redis behind one web page, on a virtual clock. A person picks who they are (a customer or
// one of two agents), writes in a shared support channel and its threads, claims threads,
// drafts replies, presses the bot's buttons and moves the clock, and sees what each person
// would see, drawn in the browser from the Block Kit the bot sent. The page and its script are
// embedded: no build step.
package playground

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/store"
)

//go:embed web
var web embed.FS

// The playground's workspace: one Slack Connect channel with a customer from another
// organisation and two agents, the second of them the team lead (who gets the digest).
const (
	Channel  = "CACME"
	Customer = "UCHRIS"
	Agent    = "UANA"
	Lead     = "ULEE"
)

// Person is someone the page can be.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	TZ   string `json:"tz"`
}

var people = []Person{
	{ID: Customer, Name: "chris", Role: "customer at Acme (Slack Connect)", TZ: "Europe/London"},
	{ID: Agent, Name: "ana", Role: "support agent", TZ: "America/New_York"},
	{ID: Lead, Name: "lee", Role: "support agent, team lead", TZ: "America/New_York"},
}

// Playground is one running playground. Create it with New and stop it with Close.
type Playground struct {
	fake  *fakeslack.Server
	store *store.Store
	bot   *bot.Bot
	clock *sim.Clock
	log   *zap.Logger
	stop  context.CancelFunc
	done  chan error

	mu    sync.Mutex // one action at a time; guards the model
	model *model
}

// New starts the bot against a fake Slack and Redis (setup.Store: REDIS_URL, or an embedded
// one) on a virtual clock starting at start. setup.Bot's agents and leads are set to the
// playground's people.
func New(ctx context.Context, setup sim.Setup, start time.Time, log *zap.Logger) (*Playground, error) {
	if log == nil {
		log = zap.NewNop()
	}
	clock := sim.NewClock(start)
	fake := fakeslack.New(fakeslack.Options{Now: clock.Now, AckTimeout: -1, PingInterval: time.Second})
	for _, p := range people {
		u := fakeslack.User{ID: p.ID, Name: p.Name, TZ: p.TZ}
		if p.ID == Customer {
			u.TeamID = "TACME"
		}
		fake.AddUser(u)
	}
	fake.AddChannel(fakeslack.Channel{ID: Channel, Name: "acme-support", Shared: true, Members: []string{Customer, Agent, Lead}})
	fake.SetGroup(sim.AgentGroup, []string{Agent, Lead})
	fake.SetGroup(sim.LeadGroup, []string{Lead})

	st, err := store.New(ctx, setup.Store)
	if err != nil {
		fake.Close()
		return nil, err
	}
	cfg := setup.Bot
	cfg.AgentUsergroup, cfg.AgentUsers = sim.AgentGroup, nil
	cfg.LeadUsergroup, cfg.LeadUsers = sim.LeadGroup, nil
	cfg.Now, cfg.SchedulePoll, cfg.PingInterval = clock.Now, -1, time.Minute
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
	b := bot.New(cfg, api, st, setup.Coach, log)
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	p := &Playground{fake: fake, store: st, bot: b, clock: clock, log: log, stop: stop, done: make(chan error, 1), model: newModel()}
	go func() { p.done <- b.Run(runCtx) }()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := fake.WaitConnections(wctx, 1); err != nil {
		p.Close()
		return nil, fmt.Errorf("the bot did not connect to the fake Slack: %w", err)
	}
	if err := b.Idle(wctx); err != nil { // the leads' digest subscriptions, at start
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close stops the bot, removes the playground's keys from Redis and stops the fake Slack.
func (p *Playground) Close() {
	p.stop()
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = p.store.Purge(ctx)
	p.store.Close()
	p.fake.Close()
}

// Handler serves the page, its assets and its API.
func (p *Playground) Handler() http.Handler {
	mux := http.NewServeMux()
	assets, _ := fs.Sub(web, "web")
	mux.Handle("GET /", http.FileServerFS(assets))
	mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) {
		as := r.URL.Query().Get("as")
		if !known(as) {
			http.Error(w, "as: pick one of the people", http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.sync()
		writeJSON(w, p.state(as, ""))
	})
	mux.HandleFunc("POST /api/act", func(w http.ResponseWriter, r *http.Request) {
		// Only the page's own script: a form on another site cannot send JSON without a
		// preflight, which this server does not answer.
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			http.Error(w, "send JSON", http.StatusUnsupportedMediaType)
			return
		}
		var a action
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil || !known(a.As) {
			http.Error(w, "a JSON action from one of the people", http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		problem := ""
		if err := p.act(r.Context(), a); err != nil {
			var pe problemError
			if !errors.As(err, &pe) {
				p.log.Warn("playground action failed", zap.String("do", a.Do), zap.Error(err))
			}
			problem = err.Error()
		}
		p.sync()
		writeJSON(w, p.state(a.As, problem))
	})
	return mux
}

func known(id string) bool {
	for _, p := range people {
		if p.ID == id {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// action is what a person did on the page.
type action struct {
	As       string `json:"as"`
	Do       string `json:"do"` // post, edit, react, shortcut, press, submit, close, home, slash, clock
	ThreadTS string `json:"thread_ts,omitempty"`
	TS       string `json:"ts,omitempty"`
	Text     string `json:"text,omitempty"`
	Call     int    `json:"call,omitempty"`
	ActionID string `json:"action_id,omitempty"`
	Value    string `json:"value,omitempty"`
	Advance  string `json:"advance,omitempty"` // 15m, 1h or monday
}

// problemError is a mistake of the person's (an empty message, a time in the past), told
// on the page rather than logged.
type problemError string

func (e problemError) Error() string { return string(e) }

// act plays an action and waits until the bot has finished what it caused.
func (p *Playground) act(ctx context.Context, a action) error {
	var d fakeslack.Delivery
	var err error
	switch a.Do {
	case "post":
		text := strings.TrimSpace(a.Text)
		if text == "" {
			return problemError("write a message first")
		}
		if strings.HasPrefix(text, "/deescalate") {
			d = p.fake.Slash(a.As, Channel, "/deescalate", strings.TrimSpace(strings.TrimPrefix(text, "/deescalate")))
			break
		}
		var ts string
		text = slackEscape(text)
		d, ts = p.fake.Post(a.As, Channel, "", a.ThreadTS, text)
		p.model.posted(a.As, ts, a.ThreadTS, text, p.clock.Now())
	case "edit":
		if !p.model.owns(a.As, a.TS) {
			return problemError("you can only edit your own messages")
		}
		if strings.TrimSpace(a.Text) == "" {
			return problemError("write a message first")
		}
		text := slackEscape(a.Text)
		if d, err = p.fake.Edit(Channel, a.TS, text); err == nil {
			p.model.edited(a.TS, text)
		}
	case "react":
		d = p.fake.React(a.As, Channel, a.TS, "eyes")
		p.model.reacted(a.As, a.TS)
	case "shortcut":
		p.model.origin[a.As] = 0
		d, err = p.fake.Shortcut(a.As, Channel, a.TS, "draft_reply")
	case "press", "submit":
		p.model.origin[a.As] = a.Call
		value := a.Value
		if looksLocal(value) {
			value = p.localTime(a.As, value)
		}
		d, err = p.fake.PressIn(a.As, a.Call, a.ActionID, value)
	case "close":
		delete(p.model.modals, a.As)
		return nil
	case "home":
		d = p.fake.OpenHome(a.As)
	case "clock":
		return p.advance(ctx, a.Advance)
	default:
		return fmt.Errorf("unknown action %q", a.Do)
	}
	if err != nil {
		return err
	}
	ack, err := p.settle(ctx, d.ID)
	if err != nil {
		return err
	}
	if a.Do == "submit" {
		p.model.submitted(a.As, ack)
	}
	return nil
}

// slackEscape escapes what a person typed as Slack's clients do before sending it: &, < and >.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// looksLocal reports a datetime-local value from the page ("2026-03-10T15:30").
func looksLocal(v string) bool {
	_, err := time.Parse("2006-01-02T15:04", v)
	return err == nil
}

// zoneOf is a person's time zone.
func zoneOf(id string) *time.Location {
	for _, person := range people {
		if person.ID == id {
			if loc, err := time.LoadLocation(person.TZ); err == nil {
				return loc
			}
		}
	}
	return time.UTC
}

// localTime reads a datetime-local value in the person's own zone, as Slack's picker does.
func (p *Playground) localTime(as, v string) string {
	t, err := time.ParseInLocation("2006-01-02T15:04", v, zoneOf(as))
	if err != nil {
		return v
	}
	return t.Format(time.RFC3339)
}

// settle waits for a delivery's acknowledgement, then for the bot to finish what it started.
func (p *Playground) settle(ctx context.Context, id string) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ack, err := p.fake.WaitAck(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := p.bot.Idle(ctx); err != nil {
		return nil, errors.New("the bot did not finish within 30 s")
	}
	return ack, nil
}

// advance moves the clock forward, firing every reminder, wait and digest due on the way at
// its own time.
func (p *Playground) advance(ctx context.Context, by string) error {
	now := p.clock.Now()
	var until time.Time
	switch by {
	case "15m":
		until = now.Add(15 * time.Minute)
	case "1h":
		until = now.Add(time.Hour)
	case "monday":
		zone, _ := time.LoadLocation(people[2].TZ)
		l := now.In(zone)
		days := (int(time.Monday) - int(l.Weekday()) + 7) % 7
		until = time.Date(l.Year(), l.Month(), l.Day()+days, 9, 0, 0, 0, zone)
		if !until.After(now) {
			until = until.AddDate(0, 0, 7)
		}
	default:
		return fmt.Errorf("advance: want 15m, 1h or monday, got %q", by)
	}
	if err := sim.RunSchedule(ctx, p.store, p.clock, []*bot.Bot{p.bot}, until, nil); err != nil {
		return err
	}
	p.clock.Set(until)
	return nil
}

// sync reads the calls the fake Slack received since the last time into the model.
func (p *Playground) sync() {
	p.model.read(p.fake.Calls())
}
