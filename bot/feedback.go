package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
)

// Feedback: what keeps agents listening. Every nudge carries Helpful, Not helpful, Mute this
// tip and Snooze 1 h; what the votes and settings then hold back is decided in nudge.go.

const (
	actionFeedback = "fb_" // + helpful|unhelpful|mute|snooze + ":" + rule
	blockFeedback  = "feedback"
)

func feedbackButtons(rule, channel, thread string) slack.Block {
	value := rule + "|" + channel + "|" + thread
	btn := func(kind, label string) slack.BlockElement {
		return slack.NewButtonBlockElement(actionFeedback+kind+":"+rule, value, slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
	}
	return slack.NewActionBlock("fb:"+rule, btn("helpful", "Helpful"), btn("unhelpful", "Not helpful"),
		btn("mute", "Mute this tip"), btn("snooze", "Snooze 1 h"))
}

// onFeedback records a vote on a nudge, or mutes or snoozes, and replaces the nudge with a
// one-line acknowledgement.
func (b *Bot) onFeedback(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) error {
	kind, rule, ok := strings.Cut(strings.TrimPrefix(a.ActionID, actionFeedback), ":")
	r := b.coach.Playbook().Rule(rule)
	if !ok || r == nil {
		b.log.Warn("feedback on an unknown rule ignored", zap.String("action_id", a.ActionID))
		return nil
	}
	user, now := cb.User.ID, b.now()
	parts := strings.SplitN(a.Value, "|", 3)
	channel, thread := "", ""
	if len(parts) == 3 && refChannel.MatchString(parts[1]) && refTS.MatchString(parts[2]) {
		channel, thread = parts[1], parts[2]
	}
	var line string
	switch kind {
	case "helpful", "unhelpful":
		helpful := kind == "helpful"
		b.recordTally(ctx, coach.Tally{Week: b.week(now), Channel: channel, Thread: thread, Feedback: user, Helpful: &helpful, FeedRule: rule})
		line = ":+1: Thanks, glad it helped."
		if !helpful {
			line = "Thanks, noted. I'll be more careful with *" + r.Title + "*."
			b.flushTallies(ctx) // the vote counts at once
			if votes, err := b.figures.UnhelpfulVotes(ctx, b.week(now), user); err == nil && votes[rule] >= unhelpfulLimit {
				line = "Thanks, noted. You've said *" + r.Title + "* didn't help several times this week, so it will nudge you at most once a day. Mute it in App Home to stop it."
			}
		}
	case "mute":
		if err := b.settings.SetMute(ctx, user, rule, true); err != nil {
			return err
		}
		line = ":mute: *" + r.Title + "* is muted for you. You can turn it back on in the app's Home tab."
	case "snooze":
		if err := b.settings.SetSnooze(ctx, user, now.Add(time.Hour)); err != nil {
			return err
		}
		line = ":zzz: Coaching is snoozed for an hour. Reminders of your promises still come."
	default:
		return nil
	}
	b.forgetSettings(user)
	b.log.Info("nudge feedback", zap.String("rule", rule), zap.String("feedback", kind), zap.String("agent", user))
	b.metrics.feedback(rule, kind)
	return b.reply(ctx, cb.ResponseURL, true, blockFeedback, line)
}
