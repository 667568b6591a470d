// Package fakeslack is an in-process Slack for tests, `deescalate simulate` and `deescalate
// demo`: the Web API over HTTP and Socket Mode over a websocket, both on 127.0.0.1, close
// enough to the real thing that the unmodified slack-go client talks to it. It keeps a small
// workspace (users, channels, user groups, messages), delivers envelopes and redelivers the
// ones nobody acknowledged, and records every Web API call it receives.
package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// User is a member of the fake workspace (or of a customer's workspace, in Slack Connect).
type User struct {
	ID           string
	Name         string
	TZ           string // IANA zone, as users.info returns it
	TeamID       string // empty means the workspace's own team
	IsBot        bool
	BotID        string // for bot users; their messages carry it
	IsRestricted bool   // a guest
}

// Channel is a channel of the fake workspace. The bot is a member of every channel.
type Channel struct {
	ID      string
	Name    string
	Shared  bool // Slack Connect: shared with another organisation
	Private bool
	Members []string
}

// Options configure a Server. Zero values take the defaults in brackets.
type Options struct {
	BotToken  string // ["xoxb-fake-bot"]
	AppToken  string // ["xapp-fake-app"]
	TeamID    string // ["T0OWN"]
	BotUserID string // ["UBOT"]
	BotID     string // ["BBOT"]
	AppID     string // ["A0DEESC"]
	// Now is the clock calls are stamped with [time.Now]; a simulation passes its virtual clock.
	Now func() time.Time
	// PingInterval is how often each socket gets a websocket PING [2s].
	PingInterval time.Duration
	// AckTimeout is how long an events_api envelope may stay unacknowledged before it is
	// delivered again, as a retry [3s]; a negative value turns redelivery off.
	AckTimeout time.Duration
	// MaxRetries is how many times an envelope is redelivered [3].
	MaxRetries int
}

// Call is one Web API request (or a post to a response URL) the server received.
type Call struct {
	Seq      int
	At       time.Time         // on the server's clock (virtual in a simulation)
	Wall     time.Time         // on the real clock, for latency measurements
	Method   string            // e.g. chat.postEphemeral, or response_url
	Args     map[string]string // form fields, or the top-level fields of a JSON body
	Channel  string
	User     string // who sees it: the ephemeral's target, the other side of a DM, the view's user
	ThreadTS string
	Text     string
	Blocks   []map[string]any // the message's or view's blocks
	BlockIDs []string
	TS       string // the ts the server gave a posted message; for views.open and views.push, the view's id
	Err      string // the error the server answered with, if it refused the call
}

// Server is a fake Slack. Create it with New and stop it with Close.
type Server struct {
	opts Options
	http *httptest.Server

	mu         sync.Mutex
	users      map[string]User
	channels   map[string]*Channel
	groups     map[string][]string
	messages   map[string]*message // channel + "/" + ts
	calls      []Call
	callWait   chan struct{} // closed and replaced on every new call
	conns      []*conn
	nextConn   int
	tickets    map[string]bool
	opens      int
	seq        int
	queue      []*envelope // waiting for a connection
	envelopes  map[string]*envelope
	deliveries map[string]*delivery
	triggers   map[string]trigger
	hooks      map[string]hook
	views      map[string]string // view id -> user
	viewHash   map[string]string // view id -> its current hash
	delays     map[string]time.Duration
	inflight   map[string]int // requests being answered, per method
	failures   map[string][]failure
	closed     bool
	stopPings  chan struct{}
}

type message struct {
	Channel, User, Text, TS, ThreadTS string
}

type trigger struct {
	user, channel string
	at            time.Time
	used          bool
}

type hook struct {
	user, channel, threadTS string
}

type failure struct {
	status     int
	retryAfter int
	slackError string
}

// New starts a server on 127.0.0.1.
func New(o Options) *Server {
	if o.BotToken == "" {
		o.BotToken = "xoxb-fake-bot"
	}
	if o.AppToken == "" {
		o.AppToken = "xapp-fake-app"
	}
	if o.TeamID == "" {
		o.TeamID = "T0OWN"
	}
	if o.BotUserID == "" {
		o.BotUserID = "UBOT"
	}
	if o.BotID == "" {
		o.BotID = "BBOT"
	}
	if o.AppID == "" {
		o.AppID = "A0DEESC"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 2 * time.Second
	}
	if o.AckTimeout == 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 3
	}
	s := &Server{
		opts:       o,
		users:      map[string]User{},
		channels:   map[string]*Channel{},
		groups:     map[string][]string{},
		messages:   map[string]*message{},
		callWait:   make(chan struct{}),
		tickets:    map[string]bool{},
		envelopes:  map[string]*envelope{},
		deliveries: map[string]*delivery{},
		triggers:   map[string]trigger{},
		hooks:      map[string]hook{},
		views:      map[string]string{},
		viewHash:   map[string]string{},
		delays:     map[string]time.Duration{},
		inflight:   map[string]int{},
		failures:   map[string][]failure{},
		stopPings:  make(chan struct{}),
	}
	s.users[o.BotUserID] = User{ID: o.BotUserID, Name: "deescalate", IsBot: true, BotID: o.BotID, TZ: "UTC"}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/hooks/", s.serveHook)
	s.http = httptest.NewServer(mux)
	return s
}

// APIURL is the Web API base for slack.OptionAPIURL (it ends with a slash).
func (s *Server) APIURL() string { return s.http.URL + "/api/" }

// BotToken and AppToken are the tokens the server accepts.
func (s *Server) BotToken() string { return s.opts.BotToken }
func (s *Server) AppToken() string { return s.opts.AppToken }

// TeamID is the workspace's own team; BotUserID is the bot's user.
func (s *Server) TeamID() string    { return s.opts.TeamID }
func (s *Server) BotUserID() string { return s.opts.BotUserID }

// Close stops the server and drops every socket.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stopPings)
	conns := slices.Clone(s.conns)
	for _, d := range s.deliveries {
		if d.timer != nil {
			d.timer.Stop()
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.http.CloseClientConnections()
	s.http.Close()
}

// AddUser adds or replaces a user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.TZ == "" {
		u.TZ = "UTC"
	}
	s.users[u.ID] = u
}

// AddChannel adds or replaces a channel.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.Members = slices.Clone(c.Members)
	s.channels[c.ID] = &c
}

// SetGroup sets a user group's members.
func (s *Server) SetGroup(id string, members []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = slices.Clone(members)
}

// User returns a user of the workspace.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	return u, ok
}

// Channel returns a channel of the workspace.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	return *c, true
}

// SetDelay makes every call of a method wait d before it answers (a slow Slack).
func (s *Server) SetDelay(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[method] = d
}

// InFlight returns how many calls of a method have arrived and are not answered yet.
func (s *Server) InFlight(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight[method]
}

// FailNext makes the next n calls of a method fail: with an HTTP status (429 carries a
// Retry-After of retryAfter seconds when it is positive), or, with status 200, with
// {"ok":false,"error":slackError}.
func (s *Server) FailNext(method string, n, status, retryAfter int, slackError string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[method] = append(s.failures[method], failure{status, retryAfter, slackError})
	}
}

// Calls returns every call received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// WaitCalls waits until at least n calls match pred and returns them.
func (s *Server) WaitCalls(ctx context.Context, n int, pred func(Call) bool) ([]Call, error) {
	for {
		s.mu.Lock()
		var got []Call
		for _, c := range s.calls {
			if pred(c) {
				got = append(got, c)
			}
		}
		wait := s.callWait
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, fmt.Errorf("waited for %d matching calls, got %d: %w", n, len(got), ctx.Err())
		case <-wait:
		}
	}
}

// Method matches calls of one of the given methods.
func Method(methods ...string) func(Call) bool {
	return func(c Call) bool { return slices.Contains(methods, c.Method) }
}

func (s *Server) record(c Call) Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	c.Seq = s.seq
	c.At, c.Wall = s.opts.Now(), time.Now()
	for _, b := range c.Blocks {
		if id, _ := b["block_id"].(string); id != "" {
			c.BlockIDs = append(c.BlockIDs, id)
		}
	}
	s.calls = append(s.calls, c)
	close(s.callWait)
	s.callWait = make(chan struct{})
	return c
}

// newTS returns a fresh message timestamp at the server's clock.
func (s *Server) newTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTSLocked()
}

func (s *Server) newTSLocked() string {
	s.seq++
	now := s.opts.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), s.seq%1000000)
}

func (s *Server) newID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%s%08d", prefix, s.seq)
}

// writeJSON answers a Web API call.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func slackError(w http.ResponseWriter, code string) {
	writeJSON(w, map[string]any{"ok": false, "error": code})
}

// blocksOf decodes a blocks argument (a JSON array, as a string or as a value).
func blocksOf(v any) []map[string]any {
	var raw []byte
	switch b := v.(type) {
	case string:
		raw = []byte(b)
	case nil:
		return nil
	default:
		raw, _ = json.Marshal(b)
	}
	var out []map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// Texts returns the text of every block of a call, one string per block, for assertions
// and for the demo's output.
func (c Call) Texts() []string {
	var out []string
	for _, b := range c.Blocks {
		out = append(out, blockText(b)...)
	}
	return out
}

func blockText(b map[string]any) []string {
	var out []string
	if t, ok := b["text"].(map[string]any); ok {
		if s, _ := t["text"].(string); s != "" {
			out = append(out, s)
		}
	}
	if els, ok := b["elements"].([]any); ok {
		for _, e := range els {
			if m, ok := e.(map[string]any); ok {
				if s, _ := m["text"].(string); s != "" {
					out = append(out, s)
				}
				if t, ok := m["text"].(map[string]any); ok {
					if s, _ := t["text"].(string); s != "" && m["type"] != "button" {
						out = append(out, s)
					}
				}
			}
		}
	}
	if fields, ok := b["fields"].([]any); ok {
		for _, f := range fields {
			if m, ok := f.(map[string]any); ok {
				if s, _ := m["text"].(string); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// ActionIDs lists the action ids of a call's interactive elements.
func (c Call) ActionIDs() []string {
	var out []string
	for _, b := range c.Blocks {
		for _, e := range elements(b) {
			if id, _ := e["action_id"].(string); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

func elements(b map[string]any) []map[string]any {
	var out []map[string]any
	if acc, ok := b["accessory"].(map[string]any); ok {
		out = append(out, acc)
	}
	if el, ok := b["element"].(map[string]any); ok {
		out = append(out, el)
	}
	if els, ok := b["elements"].([]any); ok {
		for _, e := range els {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func (s *Server) dmUser(channel string) string {
	if strings.HasPrefix(channel, "D") {
		return channel[1:]
	}
	return ""
}

// upgrader accepts slack-go's Origin: https://api.slack.com.
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
