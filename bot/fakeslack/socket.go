package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one Socket Mode websocket.
type conn struct {
	ws     *websocket.Conn
	mu     sync.Mutex // gorilla writes are not safe for concurrent use
	done   chan struct{}
	once   sync.Once
	server *Server
}

func (c *conn) write(msgType int, data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(msgType, data)
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
		s := c.server
		s.mu.Lock()
		s.conns = slices.DeleteFunc(s.conns, func(x *conn) bool { return x == c })
		s.mu.Unlock()
	})
}

// envelope is one delivery attempt of a delivery.
type envelope struct {
	ID      string
	Type    string
	Payload json.RawMessage
	Attempt int
	d       *delivery
}

// delivery is one piece of work sent to the app, with all of its attempts. It is acknowledged
// when any attempt is.
type delivery struct {
	id         string // the first envelope's id
	typ        string
	payload    json.RawMessage
	acked      chan struct{}
	ackPayload json.RawMessage
	attempts   int
	timer      *time.Timer
}

// serveSocket upgrades /link/?ticket=… to a websocket, sends hello and keeps it alive with
// pings. A ticket works once, as Slack's do.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !valid {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws, done: make(chan struct{}), server: s}
	hello, _ := json.Marshal(map[string]any{"type": "hello", "num_connections": 1,
		"debug_info":      map[string]any{"host": "fake", "build_number": 1, "approximate_connection_time": 3600},
		"connection_info": map[string]any{"app_id": s.opts.AppID}})
	if err := c.write(websocket.TextMessage, hello); err != nil {
		c.close()
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.close()
		return
	}
	s.conns = append(s.conns, c)
	queued := s.queue
	s.queue = nil
	s.mu.Unlock()
	go s.readAcks(c)
	go s.ping(c)
	for _, e := range queued {
		s.deliver(e)
	}
}

func (s *Server) ping(c *conn) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-s.stopPings:
			return
		case <-t.C:
			c.mu.Lock()
			err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))
			c.mu.Unlock()
			if err != nil {
				c.close()
				return
			}
		}
	}
}

// readAcks reads the app's frames: acknowledgements, each {"envelope_id": …, "payload": …}.
func (s *Server) readAcks(c *conn) {
	defer c.close()
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		s.mu.Lock()
		if e := s.envelopes[ack.EnvelopeID]; e != nil {
			select {
			case <-e.d.acked:
			default:
				e.d.ackPayload = ack.Payload
				close(e.d.acked)
				if e.d.timer != nil {
					e.d.timer.Stop()
				}
			}
		}
		s.mu.Unlock()
	}
}

// Connections returns how many sockets are open; Opens how many apps.connections.open calls
// succeeded (a reconnect makes one more).
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *Server) Opens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens
}

// WaitConnections waits until at least n sockets are open.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for s.Connections() < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waited for %d sockets, have %d: %w", n, s.Connections(), ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// Disconnect sends every socket a disconnect frame (reason e.g. "refresh_requested"), as Slack
// does before it recycles a connection. Like Slack, it sends nothing more on those sockets
// (acknowledgements still arrive on them until the app closes them).
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	conns := slices.Clone(s.conns)
	s.conns = nil
	s.mu.Unlock()
	frame, _ := json.Marshal(map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "fake"}})
	for _, c := range conns {
		_ = c.write(websocket.TextMessage, frame)
	}
}

// DropConnections closes every socket without a word, as a network failure would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := slices.Clone(s.conns)
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// SendRaw writes a frame as is to one socket (for garbage-frame tests).
func (s *Server) SendRaw(frame []byte) error {
	s.mu.Lock()
	if len(s.conns) == 0 {
		s.mu.Unlock()
		return fmt.Errorf("no socket")
	}
	c := s.conns[0]
	s.mu.Unlock()
	return c.write(websocket.TextMessage, frame)
}

// Send delivers a Socket Mode envelope of a type (events_api, slash_commands, interactive)
// and returns the delivery's id (its first envelope id). An events_api envelope that is not
// acknowledged within AckTimeout is delivered again with a new envelope id and
// retry_attempt+1, up to MaxRetries times, as Slack does.
func (s *Server) Send(typ string, payload json.RawMessage) string {
	s.mu.Lock()
	s.seq++
	d := &delivery{id: fmt.Sprintf("env-%d", s.seq), typ: typ, payload: payload, acked: make(chan struct{})}
	s.deliveries[d.id] = d
	e := &envelope{ID: d.id, Type: typ, Payload: payload, d: d}
	s.envelopes[e.ID] = e
	s.mu.Unlock()
	s.deliver(e)
	return d.id
}

func (s *Server) deliver(e *envelope) {
	frame, _ := json.Marshal(map[string]any{
		"envelope_id": e.ID, "type": e.Type, "payload": e.Payload,
		"accepts_response_payload": e.Type != "events_api",
		"retry_attempt":            e.Attempt, "retry_reason": retryReason(e.Attempt),
	})
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	if len(s.conns) == 0 {
		s.queue = append(s.queue, e)
		s.mu.Unlock()
		return
	}
	c := s.conns[s.nextConn%len(s.conns)]
	s.nextConn++
	d := e.d
	if e.Type == "events_api" && s.opts.AckTimeout > 0 && d.attempts < s.opts.MaxRetries {
		if d.timer != nil {
			d.timer.Stop()
		}
		d.timer = time.AfterFunc(s.opts.AckTimeout, func() { s.retry(d) })
	}
	s.mu.Unlock()
	if err := c.write(websocket.TextMessage, frame); err != nil {
		c.close()
		s.mu.Lock()
		s.queue = append(s.queue, e)
		s.mu.Unlock()
	}
}

func retryReason(attempt int) string {
	if attempt == 0 {
		return ""
	}
	return "timeout"
}

func (s *Server) retry(d *delivery) {
	select {
	case <-d.acked:
		return
	default:
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	d.attempts++
	s.seq++
	e := &envelope{ID: fmt.Sprintf("env-%d", s.seq), Type: d.typ, Payload: d.payload, Attempt: d.attempts, d: d}
	s.envelopes[e.ID] = e
	s.mu.Unlock()
	s.deliver(e)
}

// Resend delivers a delivery's payload again, with a new envelope id and retry_attempt 1,
// as Slack does when it retries; the event_id stays the same. It returns the new delivery.
func (s *Server) Resend(id string) string {
	s.mu.Lock()
	old := s.deliveries[id]
	if old == nil {
		s.mu.Unlock()
		return ""
	}
	s.seq++
	d := &delivery{id: fmt.Sprintf("env-%d", s.seq), typ: old.typ, payload: old.payload, acked: make(chan struct{}), attempts: 1}
	s.deliveries[d.id] = d
	e := &envelope{ID: d.id, Type: d.typ, Payload: d.payload, Attempt: 1, d: d}
	s.envelopes[e.ID] = e
	s.mu.Unlock()
	s.deliver(e)
	return d.id
}

// WaitAck waits until a delivery is acknowledged and returns the ack's payload.
func (s *Server) WaitAck(ctx context.Context, id string) (json.RawMessage, error) {
	s.mu.Lock()
	d := s.deliveries[id]
	s.mu.Unlock()
	if d == nil {
		return nil, fmt.Errorf("no delivery %s", id)
	}
	select {
	case <-d.acked:
		s.mu.Lock()
		defer s.mu.Unlock()
		return d.ackPayload, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("envelope %s not acknowledged: %w", id, ctx.Err())
	}
}

// Acked reports whether a delivery was acknowledged.
func (s *Server) Acked(id string) bool {
	s.mu.Lock()
	d := s.deliveries[id]
	s.mu.Unlock()
	if d == nil {
		return false
	}
	select {
	case <-d.acked:
		return true
	default:
		return false
	}
}

// Attempts returns how many times a delivery was sent (1 when it was never retried).
func (s *Server) Attempts(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.deliveries[id]; d != nil {
		return d.attempts + 1
	}
	return 0
}
