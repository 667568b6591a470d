package bot

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/zap"
)

// The Socket Mode loop's side: every envelope is acknowledged first, before any Redis or Web
// API work, then handled on its own goroutine under the in-flight tracker and a timeout.

// socketModeEvent is one event from the Socket Mode client.
type socketModeEvent = socketmode.Event

// acker is the part of the Socket Mode client the loop needs.
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

var _ acker = (*socketmode.Client)(nil)

var envelopeID = regexp.MustCompile(`"envelope_id"\s*:\s*"([A-Za-z0-9._-]{1,128})"`)

// receivedKey marks in a handler's context when its envelope arrived, for the latency metric.
type receivedKey struct{}

// onSocketEvent runs on the loop goroutine: it must never block on Redis or the Web API.
func (b *Bot) onSocketEvent(ctx, work context.Context, sm acker, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.connected.Store(false)
		b.log.Debug("socket mode connecting")
	case socketmode.EventTypeConnectionError:
		b.connected.Store(false)
		if b.outage.CompareAndSwap(false, true) {
			b.log.Warn("socket mode connection failed; retrying with backoff", zap.Error(connectionError(evt)))
		}
	case socketmode.EventTypeConnected:
		b.connected.Store(true)
		if b.outage.CompareAndSwap(true, false) {
			b.log.Info("socket mode connected again")
		} else {
			b.log.Info("socket mode connected")
		}
	case socketmode.EventTypeHello:
		b.log.Debug("socket mode hello")
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
		if evt.Request == nil || evt.Request.EnvelopeID == "" {
			b.log.Warn("envelope without an id; ignored", zap.String("type", string(evt.Type)))
			return
		}
		b.accept(ctx, work, sm, evt)
	case socketmode.EventTypeErrorBadMessage:
		b.inflight.add()
		go func() {
			defer b.inflight.done()
			b.ackUnparsable(ctx, sm, evt)
		}()
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("socket mode error", zap.String("type", string(evt.Type)))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("slack refused the app-level token (SLACK_APP_TOKEN)")
	}
}

func connectionError(evt socketmode.Event) error {
	if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && ce.ErrorObj != nil {
		return ce.ErrorObj
	}
	return errors.New("connection error")
}

// accept takes an envelope into work: it acknowledges it first, then handles it, on its own
// goroutine under the in-flight tracker and a timeout. A panic in a handler is logged, never
// fatal. When MaxInFlight events are already in flight, an Events API envelope is left
// unacknowledged: Slack delivers it again a little later. Slash commands and interactions
// are always taken: Slack does not retry them and a person is waiting.
func (b *Bot) accept(ctx, work context.Context, sm acker, evt socketmode.Event) {
	slot := false
	select {
	case b.slots <- struct{}{}:
		slot = true
		if b.shedding.CompareAndSwap(true, false) {
			b.log.Info("accepting events again")
		}
	default:
		if evt.Type == socketmode.EventTypeEventsAPI {
			b.metrics.add("deescalate_shed_total")
			if b.shedding.CompareAndSwap(false, true) {
				b.log.Warn("overloaded: leaving events for Slack to redeliver", zap.Int("in_flight", b.cfg.MaxInFlight))
			}
			return
		}
	}
	received := time.Now()
	b.inflight.add()
	go func() {
		defer b.inflight.done()
		if slot {
			defer func() { <-b.slots }()
		}
		ackCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer func() {
			if r := recover(); r != nil {
				b.log.Error("handler panicked; event dropped", zap.String("type", string(evt.Type)),
					zap.String("envelope_id", evt.Request.EnvelopeID), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			}
		}()
		if err := sm.AckCtx(ackCtx, evt.Request.EnvelopeID, b.ackPayload(evt)); err != nil {
			b.log.Warn("ack failed", zap.String("envelope_id", evt.Request.EnvelopeID), zap.Error(err))
		}
		cancel()
		b.metrics.add("deescalate_envelopes_total", "type", string(evt.Type))
		hctx, cancel := context.WithTimeout(context.WithValue(work, receivedKey{}, received), b.cfg.EventTimeout)
		defer cancel()
		b.handle(hctx, evt)
	}()
}

// ackUnparsable acknowledges an envelope slack-go could not parse (an unknown or malformed
// inner event), so Slack does not retry it three times; the frame itself is not logged.
func (b *Bot) ackUnparsable(ctx context.Context, sm acker, evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var frame struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if err := json.Unmarshal(bad.Message, &frame); err != nil {
		// Too deep or too broken to decode: find the envelope's id in the raw frame (inside
		// strings every quote is escaped, so this can only match the key itself).
		if m := envelopeID.FindSubmatch(bad.Message); m != nil {
			frame.EnvelopeID = string(m[1])
		}
	}
	b.log.Warn("unparsable envelope acknowledged and dropped", zap.String("envelope_id", frame.EnvelopeID),
		zap.String("type", frame.Type), zap.NamedError("cause", errors.New(firstLine(bad.Cause))))
	if frame.EnvelopeID == "" {
		return
	}
	ackCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := sm.AckCtx(ackCtx, frame.EnvelopeID, nil); err != nil {
		b.log.Warn("ack failed", zap.String("envelope_id", frame.EnvelopeID), zap.Error(err))
	}
}

// firstLine keeps an error's description short and free of payload excerpts.
func firstLine(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if i := strings.IndexAny(s, "\n{"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// ackPayload is the answer an envelope's acknowledgement carries: for a "need more time"
// submission with a bad time, the error to show in the modal (which then stays open).
func (b *Bot) ackPayload(evt socketModeEvent) any {
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok || cb.Type != slack.InteractionTypeViewSubmission {
		return nil
	}
	if cb.View.CallbackID == draftCallback {
		return draftAck(cb)
	}
	if cb.View.CallbackID != moveCallback {
		return nil
	}
	if _, problem := b.moveProblem(cb); problem != "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{moveInput: problem})
	}
	return nil
}
