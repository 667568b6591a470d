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

// Feedback and budgets: what keeps agents listening. Every nudge carries Helpful, Not
// helpful, Mute this tip and Snooze 1 h. Before a nudge goes out it must pass the agent's
// mutes, snooze and quiet hours, a rule they found unhelpful several times this week is held
// to once a day, and each agent gets at most NUDGE_BUDGET nudges an hour, the last ones kept
// for the nudges that matter most.

const (
	actionFeedback = "fb_" // + helpful|unhelpful|mute|snooze + ":" + rule
	blockFeedback  = "feedback"
	// unhelpfulLimit "not helpful" votes on a rule in a week hold it to one nudge a day.
	unhelpfulLimit = 3
	// budgetReserve is the part of the hourly budget only the most important rules may use.
	budgetReserve = 2
)

// priorityRules may use the whole budget; the rest leave budgetReserve for them. (Promise
// reminders are DMs, not nudges: they never count.)
var priorityRules = []string{"pause"}

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
// places kept for the priority rules).
func (b *Bot) screen(ctx context.Context, nudges []coach.Nudge, now time.Time) []store.Ask {
	var asks []store.Ask
	for _, n := range nudges {
		cs := b.agentSettings(ctx, n.To, now)
		if cs.silenced(n.Rule, now) || cs.quiet(now) {
			b.metrics.held("silenced")
			continue
		}
		asks = append(asks, store.Ask{Nudge: n, Hold: cs.unhelpful[n.Rule] >= unhelpfulLimit, Budget: b.budget(n.Rule)})
	}
	return asks
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
	asks := b.screen(ctx, []coach.Nudge{n}, now)
	if len(asks) == 0 {
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

// quietChoices are the quiet hours App Home offers.
var quietChoices = []string{"", "17:00-09:00", "18:00-08:00", "19:00-08:00", "20:00-07:00", "22:00-07:00"}

func quietLabel(q string) string {
	if q == "" {
		return "No quiet hours"
	}
	return "Quiet " + strings.ReplaceAll(q, "-", "–")
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
