package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// Promises and their DMs: what a fired timer tells whom (the reminder and overdue DMs with
// their buttons, the lead's heads-up, the preemptive-ack nudge to whoever is on duty) and how
// it looks. What the buttons do is in promise_actions.go.

// Block ids and action ids.
const (
	blockReminder  = "reminder"
	blockOverdue   = "overdue"
	blockFollowups = "followups"
	blockDraft     = "draft"

	actionKept     = "promise_kept"
	actionSnooze   = "promise_snooze"
	actionMoreTime = "promise_more_time"
	moveCallback   = "promise_move"
	moveInput      = "new_due"
)

// promiseStore lists an agent's open promises.
type promiseStore interface {
	OpenPromises(ctx context.Context, agent string, limit int) ([]store.ThreadRef, error)
}

// ref names a promise from a button: the message kind it sits in (so an answer keeps that
// kind), the thread and the promise's version. It travels as "kind|channel|thread|version".
type ref struct {
	kind, channel, thread string
	version               int
}

func (r ref) String() string {
	return r.kind + "|" + r.channel + "|" + r.thread + "|" + strconv.Itoa(r.version)
}

var (
	refChannel = regexp.MustCompile(`^[CGD][A-Z0-9]{2,20}$`)
	refTS      = regexp.MustCompile(`^\d{1,12}\.\d{1,6}$`)
)

// parseRef reads a button's value; anything that is not one of ours is refused.
func parseRef(s string) (ref, bool) {
	parts := strings.Split(s, "|")
	if len(parts) != 4 || !slices.Contains([]string{blockReminder, blockOverdue, blockFollowups}, parts[0]) ||
		!refChannel.MatchString(parts[1]) || !refTS.MatchString(parts[2]) {
		return ref{}, false
	}
	v, err := strconv.Atoi(parts[3])
	if err != nil || v < 1 {
		return ref{}, false
	}
	return ref{kind: parts[0], channel: parts[1], thread: parts[2], version: v}, true
}

// deliver sends the notices of a fired timer. It fails only when nobody got a notice and
// something went wrong, so a retry never sends twice to someone who already has it.
func (b *Bot) deliver(ctx context.Context, log *zap.Logger, t coach.Thread, notices []coach.Notice, now time.Time) error {
	var errs []error
	sent := 0
	for _, n := range notices {
		switch n.Kind {
		case coach.NoticeReminder, coach.NoticeOverdue:
			kind := blockReminder
			if n.Kind == coach.NoticeOverdue {
				kind = blockOverdue
			}
			blocks, text := b.promiseBlocks(ctx, kind, t, n.Promise, now)
			if err := b.postDM(ctx, n.To, blocks, text); err != nil {
				errs = append(errs, err)
				continue
			}
			sent++
			log.Info("promise notice sent", zap.String("kind", kind), zap.String("agent", n.To))
			b.metrics.add("deescalate_notices_total", "kind", kind)
		case coach.NoticeLead:
			blocks, text := b.leadBlocks(ctx, t, n.Promise, now)
			leads := slices.DeleteFunc(b.leads.all(ctx), func(id string) bool { return id == n.Promise.Agent })
			if len(leads) == 0 {
				log.Warn("a promise is overdue past the grace period but no lead is configured (LEAD_USERGROUP, LEAD_USERS)")
			}
			for _, lead := range leads {
				if err := b.postDM(ctx, lead, blocks, text); err != nil {
					errs = append(errs, err)
					continue
				}
				sent++
				log.Info("lead told of an overdue promise", zap.String("lead", lead))
				b.metrics.add("deescalate_notices_total", "kind", "lead")
			}
		case coach.NoticeWait:
			to := []string{n.To}
			if n.To == "" {
				to = b.onDutyIn(ctx, t.Channel)
			}
			if len(to) == 0 {
				log.Warn("a customer is waiting, but no agent of the channel can be told (ONDUTY_USERGROUP, ONDUTY_USERS)")
			}
			for _, agent := range to {
				nudge := n.Nudge
				nudge.To = agent
				if !b.admitNow(ctx, log, nudge, now) {
					continue // muted, snoozed, quiet, held or over budget for this agent
				}
				blocks, fallback := renderNudges([]coach.Nudge{nudge}, t.Channel, t.TS)
				opts := []slack.MsgOption{slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(fallback, false)}
				if t.Active() {
					opts = append(opts, slack.MsgOptionTS(t.TS))
				}
				err := b.slackCall(ctx, "chat.postEphemeral", func() error {
					_, err := b.api.PostEphemeralContext(ctx, t.Channel, agent, opts...)
					return err
				})
				if err != nil {
					errs = append(errs, err)
					continue
				}
				sent++
				log.Info("nudge sent", zap.String("agent", agent), zap.Strings("rules", []string{nudge.Rule}))
				b.metrics.nudge(nudge.Rule)
				b.recordTally(ctx, coach.Tally{Week: b.week(now), Channel: t.Channel, Thread: t.TS, Nudges: map[string][]string{agent: {nudge.Rule}}})
			}
		}
	}
	if sent == 0 && len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, err := range errs {
		log.Warn("a notice was not delivered to one of its recipients", zap.Error(err))
	}
	return nil
}

// postDM posts a message in the app's DM with a user (Slack opens it when given a user id).
func (b *Bot) postDM(ctx context.Context, user string, blocks []slack.Block, text string) error {
	return b.slackCall(ctx, "chat.postMessage", func() error {
		_, _, err := b.api.PostMessageContext(ctx, user, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
		return err
	})
}

// permalink links a message, or returns "" when Slack will not say.
func (b *Bot) permalink(ctx context.Context, channel, ts string) string {
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if err != nil {
		b.log.Debug("chat.getPermalink failed; the message goes without a link", zap.String("channel", channel), zap.Error(err))
		return ""
	}
	return link
}

// whom names the customer of a promise for mrkdwn.
func whom(p *coach.Promise) string {
	if p.Customer == "" {
		return "the customer"
	}
	return "<@" + p.Customer + ">"
}

// quote renders a promise's words as a mrkdwn quote.
func quote(text string) string {
	return "> " + strings.ReplaceAll(escape(text), "\n", "\n> ")
}

// threadLine links the thread the promise was made in.
func (b *Bot) threadLine(ctx context.Context, channel string, p *coach.Promise) string {
	if link := b.permalink(ctx, channel, p.TS); link != "" {
		return "<" + link + "|Open the thread> in <#" + channel + ">"
	}
	return "In <#" + channel + ">"
}

// promiseBlocks renders a reminder or an overdue notice for the agent who promised.
func (b *Bot) promiseBlocks(ctx context.Context, kind string, t coach.Thread, p *coach.Promise, now time.Time) ([]slack.Block, string) {
	zone := b.zone(p.Zone)
	due := coach.When(p.Due, now, zone, false)
	var head, text string
	switch {
	case kind == blockReminder:
		head = fmt.Sprintf(":alarm_clock: *Due in %s:* you promised %s an update by *%s*.", coach.Minutes(p.Due.Sub(now)), whom(p), due)
		text = "Reminder: your update is due by " + due
	case now.Sub(p.Due) < time.Minute:
		head = fmt.Sprintf(":hourglass_flowing_sand: *Your update is due now:* you promised %s an update by *%s*. If it isn't ready, a short honest note with a new time beats silence.", whom(p), due)
		text = "Your update is due now (" + due + ")"
	default:
		head = fmt.Sprintf(":hourglass_flowing_sand: *Your update is %s late:* you promised %s an update by *%s*. A short honest note with a new time beats silence.", coach.Minutes(now.Sub(p.Due)), whom(p), due)
		text = "Your update is overdue (" + due + ")"
	}
	body := head + "\n" + quote(p.Text) + "\n" + b.threadLine(ctx, t.Channel, p)
	r := ref{kind: kind, channel: t.Channel, thread: t.TS, version: p.Version}
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil, slack.SectionBlockOptionBlockID(kind)),
		promiseButtons("promise", r, now.Before(p.Due) || kind == blockReminder),
	}, text
}

// promiseButtons are the answers to a reminder: kept, snooze, more time.
func promiseButtons(blockID string, r ref, snooze bool) slack.Block {
	els := []slack.BlockElement{
		slack.NewButtonBlockElement(actionKept, r.String(), slack.NewTextBlockObject(slack.PlainTextType, "Posted the update", false, false)).WithStyle(slack.StylePrimary),
	}
	if snooze {
		els = append(els, slack.NewButtonBlockElement(actionSnooze, r.String(), slack.NewTextBlockObject(slack.PlainTextType, "Snooze 30 min", false, false)))
	}
	els = append(els, slack.NewButtonBlockElement(actionMoreTime, r.String(), slack.NewTextBlockObject(slack.PlainTextType, "Need more time", false, false)))
	return slack.NewActionBlock(blockID, els...)
}

// leadBlocks renders a lead's heads-up about an overdue promise. The due time is a Slack
// date token, so each lead reads it in their own zone.
func (b *Bot) leadBlocks(ctx context.Context, t coach.Thread, p *coach.Promise, now time.Time) ([]slack.Block, string) {
	fallback := coach.When(p.Due, now, b.zone(p.Zone), true)
	due := fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", p.Due.Unix(), fallback)
	body := fmt.Sprintf(":warning: *A promise is %s overdue:* <@%s> promised %s an update by *%s*, and nobody has posted in the thread since. A word with them may help.\n%s",
		coach.Minutes(now.Sub(p.Due)), p.Agent, whom(p), due, b.threadLine(ctx, t.Channel, p))
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockOverdue)),
	}, "A promise to a customer is overdue"
}
