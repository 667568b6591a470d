package bot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// Nudges: which may go out (the agent's mutes, snooze and quiet hours, a rule they found
// unhelpful held to one a day, an hourly budget with the last places kept for the nudges
// that matter most) and their delivery as one ephemeral message per agent.

const (
	// unhelpfulLimit "not helpful" votes on a rule in a week hold it to one nudge a day.
	unhelpfulLimit = 3
	// budgetReserve is the part of the hourly budget only the most important rules may use.
	budgetReserve = 2
)

// nudgeStore is what admitting and delivering nudges needs from Redis.
type nudgeStore interface {
	SettingsOf(ctx context.Context, user string) (store.Settings, error)
	UnhelpfulVotes(ctx context.Context, w coach.Week, agent string) (map[string]int, error)
	Admit(ctx context.Context, now time.Time, asks []store.Ask) ([]store.Verdict, error)
	ReleaseCooldowns(ctx context.Context, channel, thread string, nudges []coach.Nudge) error
}

// screen decides, before the commit, what each nudge must pass: a nudge for an agent who
// muted its rule, snoozed coaching or is in their quiet hours is dropped here; the rest ask
// the commit for their cooldown, the hold on a rule the agent found unhelpful several times
// this week (one a day), and a place in the agent's hourly budget (the last budgetReserve
// places kept for the priority rules). silenced counts the nudges dropped.
func (b *Bot) screen(ctx context.Context, nudges []coach.Nudge, now time.Time) (asks []store.Ask, silenced int) {
	for _, n := range nudges {
		cs := b.agentSettings(ctx, n.To, now)
		if cs.silenced(n.Rule, now) || cs.quiet(now) {
			silenced++
			continue
		}
		asks = append(asks, store.Ask{Nudge: n, Hold: cs.unhelpful[n.Rule] >= unhelpfulLimit, Budget: b.budget(n.Rule)})
	}
	return asks, silenced
}

// budget is the hourly budget a rule's nudge may use (0: no limit).
func (b *Bot) budget(rule string) int {
	switch {
	case b.cfg.NudgeBudget <= 0:
		return 0
	case slices.Contains(priorityRules, rule):
		return b.cfg.NudgeBudget
	}
	return max(1, b.cfg.NudgeBudget-budgetReserve)
}

// admitted keeps the nudges the commit admitted and counts those it held.
func (b *Bot) admitted(log *zap.Logger, asks []store.Ask, verdicts []store.Verdict) []coach.Nudge {
	var out []coach.Nudge
	for i, v := range verdicts {
		n := asks[i].Nudge
		switch v {
		case store.Admitted:
			out = append(out, n)
		case store.Throttled:
			b.metrics.held("unhelpful")
		case store.OverBudget:
			b.metrics.held("budget")
			log.Info("nudge held: hourly budget spent", zap.String("agent", n.To), zap.String("rule", n.Rule))
		}
	}
	return out
}

// admitNow decides a nudge that has no cooldown (a waiting customer's, sent by a timer): the
// same screen, then its hold and budget in one round trip. When Redis cannot say, it nudges.
func (b *Bot) admitNow(ctx context.Context, log *zap.Logger, n coach.Nudge, now time.Time) bool {
	asks, silenced := b.screen(ctx, []coach.Nudge{n}, now)
	if silenced > 0 {
		b.metrics.held("silenced")
		return false
	}
	verdicts, err := b.admission.Admit(ctx, now, asks)
	if err != nil {
		log.Warn("could not check the agent's budget; nudging", zap.Error(err))
		return true
	}
	return len(b.admitted(log, asks, verdicts)) == 1
}

// quiet reports whether now falls in the agent's quiet hours, in their zone.
func (cs cachedSettings) quiet(now time.Time) bool {
	from, to, ok := parseQuiet(cs.Quiet)
	if !ok {
		return false
	}
	l := now.In(cs.zone)
	m := time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute
	if from <= to {
		return m >= from && m < to
	}
	return m >= from || m < to
}

// parseQuiet reads quiet hours, "18:00-08:00".
func parseQuiet(s string) (from, to time.Duration, ok bool) {
	a, z, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	pf, err1 := time.Parse("15:04", strings.TrimSpace(a))
	pt, err2 := time.Parse("15:04", strings.TrimSpace(z))
	if err1 != nil || err2 != nil || pf.Equal(pt) {
		return 0, 0, false
	}
	d := func(t time.Time) time.Duration {
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	return d(pf), d(pt), true
}

// cachedSettings are an agent's settings, this week's "not helpful" votes and, when they
// keep quiet hours, their zone, as read.
type cachedSettings struct {
	store.Settings
	unhelpful map[string]int
	zone      *time.Location
	week      coach.Week
	read      time.Time
}

// silenced reports whether a rule is muted, or all coaching snoozed, at now.
func (cs cachedSettings) silenced(rule string, now time.Time) bool {
	return now.Before(cs.Snooze) || slices.Contains(cs.Muted, rule)
}

// settingsTTL is how long a replica trusts the settings it read: a change made through
// another replica reaches this one within it; a change made here, at once.
const settingsTTL = 30 * time.Second

// agentSettings returns an agent's settings, from the cache when fresh.
func (b *Bot) agentSettings(ctx context.Context, user string, now time.Time) cachedSettings {
	week := b.week(now)
	if v, ok := b.prefCache.Load(user); ok {
		cs := v.(cachedSettings)
		if cs.week == week && now.Sub(cs.read) < settingsTTL {
			return cs
		}
	}
	cs := cachedSettings{week: week, read: now, zone: time.UTC}
	var err error
	if cs.Settings, err = b.admission.SettingsOf(ctx, user); err != nil {
		b.log.Warn("could not read an agent's settings; nudging", zap.Error(err))
		return cs
	}
	if cs.unhelpful, err = b.admission.UnhelpfulVotes(ctx, week, user); err != nil {
		b.log.Warn("could not read an agent's feedback; nudging", zap.Error(err))
		return cs
	}
	if cs.Quiet != "" {
		if u := b.profileOf(ctx, user); u != nil {
			cs.zone = b.zone(u.TZ)
		}
	}
	b.prefCache.Store(user, cs)
	return cs
}

// forgetSettings drops an agent's cached settings after they changed them here.
func (b *Bot) forgetSettings(user string) { b.prefCache.Delete(user) }

// priorityRules may use the whole budget; the rest leave budgetReserve for them. (Promise
// reminders are DMs, not nudges: they never count.)
var priorityRules = []string{"pause"}

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

// maxTips is how many nudges one message carries; more would be a lecture.
const maxTips = 2

func nudgeBlockID(rule string) string { return "nudge:" + rule }

// renderNudges renders one agent's nudges as one message: for each, a section (block id
// nudge:<rule>) with the title and why, then a context line with a sentence to use. It
// returns the blocks and the notification text.
func renderNudges(ns []coach.Nudge, channel, thread string) ([]slack.Block, string) {
	var blocks []slack.Block
	var fallback []string
	for _, n := range ns {
		body := "*" + escape(n.Title) + ".* " + escape(n.Why)
		if len(n.Items) > 0 {
			var items []string
			for _, it := range n.Items {
				items = append(items, "• "+escape(it))
			}
			body += "\n" + strings.Join(items, "\n")
		}
		blocks = append(blocks,
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil,
				slack.SectionBlockOptionBlockID(nudgeBlockID(n.Rule))),
			slack.NewContextBlock("say:"+n.Rule,
				slack.NewTextBlockObject(slack.MarkdownType, "Try: _"+escape(n.Say)+"_", false, false)),
			feedbackButtons(n.Rule, channel, thread),
		)
		fallback = append(fallback, n.Title+": "+n.Why)
	}
	return blocks, strings.Join(fallback, " · ")
}
