package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// Reading messages: a message or a claim reaction becomes a coach.Event about its thread
// (bots, system messages and unfurls dropped; the author's role resolved), de-duplicated
// across replicas, and goes to update.

// slackbot is Slack's own user: it posts tombstones and system notes, never a customer or agent.
const slackbot = "USLACKBOT"

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
