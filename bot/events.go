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
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

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

// slackbot is Slack's own user: it posts tombstones and system notes, never a customer or agent.
const slackbot = "USLACKBOT"

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

func (b *Bot) handle(ctx context.Context, evt socketmode.Event) {
	var err error
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		err = b.handleEventsAPI(ctx, evt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return
		}
		err = b.handleSlash(ctx, cmd)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			return
		}
		err = b.handleInteraction(ctx, cb)
	}
	switch {
	case err == nil:
		b.redisOK()
	case b.redisTrouble(err):
		b.log.Debug("event dropped: redis is unreachable", zap.String("envelope_id", evt.Request.EnvelopeID))
	default:
		b.log.Error("event failed", zap.String("type", string(evt.Type)), zap.String("envelope_id", evt.Request.EnvelopeID), zap.Error(err))
	}
}

func (b *Bot) handleEventsAPI(ctx context.Context, evt socketmode.Event) error {
	ev, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok {
		return nil
	}
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	eventID := ""
	if cb != nil {
		eventID = cb.EventID
	}
	switch inner := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return b.onMessage(ctx, eventID, inner)
	case *slackevents.ReactionAddedEvent:
		return b.onReaction(ctx, eventID, inner)
	case *slackevents.AppHomeOpenedEvent:
		if inner.Tab != "home" || inner.User == "" {
			return nil
		}
		return b.publishHome(ctx, inner.User)
	case *slackevents.SubteamMembersChangedEvent:
		for _, r := range []*roster{b.roster, b.onDuty, b.leads} {
			if r.group != "" && inner.SubteamID == r.group {
				r.forget()
				b.log.Info("user group changed; its members will be fetched again", zap.String("usergroup", inner.SubteamID))
			}
		}
	case *slackevents.AppUninstalledEvent, *slackevents.TokensRevokedEvent:
		b.log.Error("the app was uninstalled or its tokens revoked: reinstall it and update SLACK_BOT_TOKEN", zap.String("event", ev.InnerEvent.Type))
	}
	return nil
}

// eventStore is what reading an event needs from Redis: the de-duplicating first load of its
// thread, giving the event up after a failure, and the thread a message belongs to.
type eventStore interface {
	Begin(ctx context.Context, eventID, channel, thread, user string) (store.Snapshot, error)
	Release(ctx context.Context, eventID, channel, thread string) error
	ThreadOf(ctx context.Context, channel, ts string) (thread string, known bool, err error)
}

// message is a message event reduced to what coaching needs.
type message struct {
	kind                     coach.EventKind
	channel, user, ts, text  string
	thread, team, botID, sub string
}

// readMessage turns a message event into a message, or reports that it is not one to coach:
// the bot's own, other bots', joins, topics and the like.
func readMessage(m *slackevents.MessageEvent) (message, bool) {
	msg := message{channel: m.Channel, sub: m.SubType}
	switch m.SubType {
	case "", "thread_broadcast", "file_share", "me_message":
		msg.kind, msg.user, msg.ts, msg.text, msg.thread, msg.botID = coach.Posted, m.User, m.TimeStamp, m.Text, m.ThreadTimeStamp, m.BotID
		msg.team = m.UserTeam
		if msg.team == "" && m.Message != nil {
			msg.team = m.Message.Team
		}
	case "message_changed":
		if m.Message == nil {
			return msg, false
		}
		nm := m.Message
		if nm.SubType == "tombstone" {
			// A deleted parent that has replies stays as a tombstone: it is a deletion.
			msg.kind, msg.user, msg.ts, msg.thread = coach.Deleted, nm.User, nm.Timestamp, nm.ThreadTimestamp
			if m.PreviousMessage != nil {
				msg.user, msg.botID, msg.team = m.PreviousMessage.User, m.PreviousMessage.BotID, m.PreviousMessage.Team
			}
			break
		}
		if m.PreviousMessage != nil && m.PreviousMessage.Text == nm.Text {
			return msg, false // an unfurl or another change that is not the text
		}
		msg.kind, msg.user, msg.ts, msg.text, msg.thread, msg.botID, msg.team = coach.Edited, nm.User, nm.Timestamp, nm.Text, nm.ThreadTimestamp, nm.BotID, nm.Team
	case "message_deleted":
		if m.PreviousMessage == nil {
			return msg, false
		}
		pm := m.PreviousMessage
		msg.kind, msg.user, msg.ts, msg.thread, msg.botID, msg.team = coach.Deleted, pm.User, m.DeletedTimeStamp, pm.ThreadTimestamp, pm.BotID, pm.Team
		if msg.ts == "" {
			msg.ts = pm.Timestamp
		}
	default:
		return msg, false
	}
	if msg.thread == "" {
		msg.thread = msg.ts
	}
	return msg, msg.channel != "" && msg.ts != "" && msg.user != slackbot
}

func (b *Bot) onMessage(ctx context.Context, eventID string, m *slackevents.MessageEvent) (err error) {
	if m.ChannelType == slackevents.ChannelTypeIM || m.ChannelType == slackevents.ChannelTypeMPIM {
		return nil
	}
	msg, ok := readMessage(m)
	if !ok || msg.botID != "" || msg.user == "" || msg.user == b.self.UserID {
		return nil
	}
	if !b.watched(ctx, msg.channel) {
		return nil
	}
	log := b.log.With(zap.String("event_id", eventID), zap.String("channel", msg.channel),
		zap.String("thread_ts", msg.thread), zap.String("ts", msg.ts), zap.String("user", msg.user))
	snap, err := b.events.Begin(ctx, eventID, msg.channel, msg.thread, msg.user)
	if err != nil {
		return err
	}
	if snap.Duplicate {
		log.Debug("duplicate event ignored")
		return nil
	}
	defer b.releaseOnError(log, &err, eventID, msg.channel, msg.thread)
	if snap.Damaged {
		log.Warn("stored thread state was unreadable; starting it afresh")
	}
	who, fresh := b.whois(ctx, msg.user, snap.User, msg.team)
	if who.role == roleBot {
		return nil
	}
	ev := coach.Event{Kind: msg.kind, TS: msg.ts, User: msg.user, Role: who.coachRole(), Text: msg.text, At: b.now(), Zone: b.zone(who.tz)}
	var remember []string
	if msg.kind != coach.Deleted && msg.ts != msg.thread {
		// Replies (also those first seen as an edit) are indexed, so a reaction on one finds its thread.
		remember = []string{msg.ts}
	}
	return b.apply(ctx, log, eventID, snap, ev, remember, fresh)
}

// releaseOnError gives up an event's claim when its handling failed, so a redelivery is
// handled rather than taken for a duplicate.
func (b *Bot) releaseOnError(log *zap.Logger, err *error, eventID, channel, thread string) {
	if *err == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if rerr := b.events.Release(ctx, eventID, channel, thread); rerr != nil && !b.redisDown.Load() {
		log.Warn("could not release the event after a failure", zap.Error(rerr))
	}
}

// apply observes an event in its thread (as loaded by Begin or Load), saves the result and
// delivers the nudges it calls for.
func (b *Bot) apply(ctx context.Context, log *zap.Logger, eventID string, snap store.Snapshot, ev coach.Event, remember []string, fresh *store.User) error {
	channel, thread := snap.Thread.Channel, snap.Thread.TS
	_, _, _, err := b.update(ctx, log, change{
		channel: channel, thread: thread, eventID: eventID, snap: &snap, remember: remember, user: fresh, ev: &ev, at: ev.At,
		step: func(t coach.Thread) (coach.Thread, []coach.Nudge, bool, error) {
			next, nudges := b.coach.Observe(t, ev)
			return next, nudges, true, nil
		},
	})
	return err
}

func (b *Bot) onReaction(ctx context.Context, eventID string, r *slackevents.ReactionAddedEvent) (err error) {
	name, _, _ := strings.Cut(r.Reaction, "::") // "eyes::skin-tone-2"
	if name != b.cfg.ClaimReaction || r.Item.Type != "message" || r.User == "" || r.User == b.self.UserID || r.User == slackbot {
		return nil
	}
	channel, ts := r.Item.Channel, r.Item.Timestamp
	if !b.watched(ctx, channel) {
		return nil
	}
	thread, known, err := b.events.ThreadOf(ctx, channel, ts)
	if err != nil {
		return err
	}
	if !known {
		thread = b.parentOf(ctx, channel, ts)
	}
	log := b.log.With(zap.String("event_id", eventID), zap.String("channel", channel),
		zap.String("thread_ts", thread), zap.String("user", r.User))
	snap, err := b.events.Begin(ctx, eventID, channel, thread, r.User)
	if err != nil {
		return err
	}
	if snap.Duplicate {
		return nil
	}
	defer b.releaseOnError(log, &err, eventID, channel, thread)
	who, fresh := b.whois(ctx, r.User, snap.User, "")
	if who.role != roleAgent {
		return nil
	}
	log.Info("thread claimed")
	ev := coach.Event{Kind: coach.Claimed, TS: ts, User: r.User, Role: coach.RoleAgent, At: b.now(), Zone: b.zone(who.tz)}
	return b.apply(ctx, log, eventID, snap, ev, nil, fresh)
}

// parentOf asks Slack which thread a message we never indexed belongs to (a reaction that
// overtook its reply, or a reply from before the bot joined). conversations.replies accepts a
// reply's ts and lists the thread parent first. On failure the message is taken as its own thread.
func (b *Bot) parentOf(ctx context.Context, channel, ts string) string {
	msgs, _, _, err := b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: ts, Limit: 1})
	if err != nil || len(msgs) == 0 {
		if err != nil {
			b.log.Warn("conversations.replies failed; taking the message as its own thread", zap.String("channel", channel), zap.String("ts", ts), zap.Error(err))
		}
		return ts
	}
	// The first message is the parent; Slack gives it thread_ts = ts once it has replies.
	if parent := msgs[0].ThreadTimestamp; parent != "" {
		return parent
	}
	if msgs[0].Timestamp != "" {
		return msgs[0].Timestamp
	}
	return ts
}

// sendNudges posts each agent's nudges as one ephemeral message, most important first, at
// most two tips. In a thread with replies it goes in the thread; about a lone message it goes
// to the channel, because Slack hides ephemerals in a thread that does not exist yet. A nudge
// Slack refused (after waiting out its rate limits) is logged and its cooldown released, so
// the next occasion can nudge again.
func (b *Bot) sendNudges(ctx context.Context, log *zap.Logger, t coach.Thread, nudges []coach.Nudge) {
	byAgent := map[string][]coach.Nudge{}
	var order []string
	for _, n := range nudges {
		if _, ok := byAgent[n.To]; !ok {
			order = append(order, n.To)
		}
		byAgent[n.To] = append(byAgent[n.To], n)
	}
	for _, agent := range order {
		ns := byAgent[agent]
		shown := ns
		if len(shown) > maxTips {
			shown = shown[:maxTips]
		}
		blocks, fallback := renderNudges(shown, t.Channel, t.TS)
		opts := []slack.MsgOption{slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(fallback, false)}
		if t.Active() {
			opts = append(opts, slack.MsgOptionTS(t.TS))
		}
		rules := make([]string, len(shown))
		for i, n := range shown {
			rules[i] = n.Rule
		}
		err := b.slackCall(ctx, "chat.postEphemeral", func() error {
			_, err := b.api.PostEphemeralContext(ctx, t.Channel, agent, opts...)
			return err
		})
		if err != nil {
			log.Error("nudge not delivered", zap.String("agent", agent), zap.Strings("rules", rules), zap.Error(err))
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			if rerr := b.admission.ReleaseCooldowns(rctx, t.Channel, t.TS, ns); rerr != nil {
				log.Warn("could not release the cooldowns of an undelivered nudge", zap.Error(rerr))
			}
			cancel()
			continue
		}
		log.Info("nudge sent", zap.String("agent", agent), zap.Strings("rules", rules))
		for _, r := range rules {
			b.metrics.nudge(r)
		}
		if at, ok := ctx.Value(receivedKey{}).(time.Time); ok {
			b.metrics.observe(time.Since(at))
		}
		b.recordTally(ctx, coach.Tally{Week: b.week(b.now()), Channel: t.Channel, Thread: t.TS, Nudges: map[string][]string{agent: rules}})
	}
}
