package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// App Home: an agent's own week, their open promises with the usual buttons, and their
// settings (the digest, a snooze of all coaching, a mute per rule). It is drawn again
// whenever it is opened or a setting changes.

const (
	blockHome      = "home"
	actionDigest   = "home_digest"
	actionSnoozeMe = "home_snooze"
	actionMute     = "home_mute_" // + rule id
	actionQuiet    = "home_quiet"
)

// settingStore is what an agent's own settings need from Redis.
type settingStore interface {
	SettingsOf(ctx context.Context, user string) (store.Settings, error)
	SetMute(ctx context.Context, user, rule string, muted bool) error
	SetSnooze(ctx context.Context, user string, until time.Time) error
	SetQuiet(ctx context.Context, user, quiet string) error
}

// publishHome draws a user's App Home.
func (b *Bot) publishHome(ctx context.Context, user string) error {
	now := b.now()
	st, err := b.settings.SettingsOf(ctx, user)
	if err != nil {
		return err
	}
	b.flushTallies(ctx)
	r, err := b.figures.WeekReport(ctx, b.week(now))
	if err != nil {
		return err
	}
	tz := ""
	if u := b.profileOf(ctx, user); u != nil {
		tz = u.TZ
	}
	zone := b.zone(tz)
	week := "*Your coaching this week*\n" + figureLines(r.Agents[user])
	if now.Before(st.Snooze) {
		week += "\n:zzz: Coaching is snoozed until *" + coach.When(st.Snooze, now, zone, false) + "*."
	}
	blocks := []slack.Block{section(blockHome, week), slack.NewDividerBlock()}
	promises, _, err := b.promiseList(ctx, user, 5)
	if err != nil {
		return err
	}
	blocks = append(blocks, promises...)

	// Settings.
	blocks = append(blocks, slack.NewDividerBlock(), section("home_settings", "*Settings* (they apply to you only)"))
	digest := "Weekly digest: *off*"
	digestBtn := slack.NewButtonBlockElement(actionDigest, "on", slack.NewTextBlockObject(slack.PlainTextType, "Subscribe", false, false)).WithStyle(slack.StylePrimary)
	if st.Digest {
		digest = "Weekly digest: *on*, every " + b.cfg.DigestDay.String() + " at " + clockOf(b.cfg.DigestTime) + " your time"
		digestBtn = slack.NewButtonBlockElement(actionDigest, "off", slack.NewTextBlockObject(slack.PlainTextType, "Unsubscribe", false, false))
	}
	blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, digest, false, false), nil,
		slack.NewAccessory(digestBtn), slack.SectionBlockOptionBlockID("home_digest")))
	snooze := []slack.BlockElement{
		slack.NewButtonBlockElement(actionSnoozeMe+"_1h", "1h", slack.NewTextBlockObject(slack.PlainTextType, "Snooze coaching 1 hour", false, false)),
		slack.NewButtonBlockElement(actionSnoozeMe+"_day", "day", slack.NewTextBlockObject(slack.PlainTextType, "Snooze until tomorrow", false, false)),
	}
	if now.Before(st.Snooze) {
		snooze = append(snooze, slack.NewButtonBlockElement(actionSnoozeMe+"_off", "off", slack.NewTextBlockObject(slack.PlainTextType, "Resume coaching", false, false)).WithStyle(slack.StylePrimary))
	}
	blocks = append(blocks, slack.NewActionBlock("home_snooze", snooze...))
	var opts []*slack.OptionBlockObject
	var current *slack.OptionBlockObject
	for _, q := range quietChoices {
		o := slack.NewOptionBlockObject(q, slack.NewTextBlockObject(slack.PlainTextType, quietLabel(q), false, false), nil)
		if q == "" {
			o.Value = "off"
		}
		if q == st.Quiet || q == "" && st.Quiet == "" {
			current = o
		}
		opts = append(opts, o)
	}
	quiet := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, slack.NewTextBlockObject(slack.PlainTextType, "Quiet hours", false, false), actionQuiet, opts...)
	quiet.InitialOption = current
	blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType,
		"Quiet hours, your time: no nudges then (promise reminders still come).", false, false), nil, slack.NewAccessory(quiet), slack.SectionBlockOptionBlockID("home_quiet")))
	var mutes []slack.BlockElement
	muted := make([]string, 0, len(st.Muted))
	ids := make([]string, 0, 10)
	for _, r := range b.coach.Rules() {
		ids = append(ids, r.ID())
	}
	if r := b.coach.Playbook().Rule("preemptive-ack"); r != nil && !r.Disabled {
		ids = append(ids, "preemptive-ack")
	}
	for _, id := range ids {
		label, value := "Mute "+id, "mute"
		if slices.Contains(st.Muted, id) {
			label, value = "Unmute "+id, "unmute"
			muted = append(muted, "`"+id+"`")
		}
		mutes = append(mutes, slack.NewButtonBlockElement(actionMute+id, value, slack.NewTextBlockObject(slack.PlainTextType, label, false, false)))
	}
	mutedLine := "Nudges: every rule is on."
	if len(muted) > 0 {
		mutedLine = "Nudges muted for you: " + strings.Join(muted, ", ") + "."
	}
	blocks = append(blocks, section("home_mutes", mutedLine), slack.NewActionBlock("home_mute", mutes...))
	_, err = b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: slack.HomeTabViewRequest{
		Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks},
	}})
	if err != nil {
		return fmt.Errorf("publish App Home: %w", err)
	}
	return nil
}

// clockOf writes a time of day, "9am", "9:30am".
func clockOf(d time.Duration) string {
	h, m := int(d/time.Hour)%24, int(d%time.Hour/time.Minute)
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	if h%12 == 0 {
		h += 12
	}
	if h > 12 {
		h -= 12
	}
	if m == 0 {
		return fmt.Sprintf("%d%s", h, suffix)
	}
	return fmt.Sprintf("%d:%02d%s", h, m, suffix)
}

// onHomeButton changes a setting from App Home and draws it again.
func (b *Bot) onHomeButton(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) error {
	user, now := cb.User.ID, b.now()
	var err error
	switch {
	case a.ActionID == actionDigest:
		err = b.digests.Subscribe(ctx, user, a.Value == "on")
		if err == nil && a.Value == "on" {
			err = b.scheduleDigest(ctx, user, now)
		}
	case strings.HasPrefix(a.ActionID, actionSnoozeMe):
		until := time.Time{}
		switch a.Value {
		case "1h":
			until = now.Add(time.Hour)
		case "day":
			tz := ""
			if u := b.profileOf(ctx, user); u != nil {
				tz = u.TZ
			}
			l := now.In(b.zone(tz))
			until = time.Date(l.Year(), l.Month(), l.Day()+1, 8, 0, 0, 0, l.Location())
		}
		err = b.settings.SetSnooze(ctx, user, until)
	case a.ActionID == actionQuiet:
		v := a.Value
		if a.SelectedOption.Value != "" {
			v = a.SelectedOption.Value
		}
		if v == "off" {
			v = ""
		}
		if _, _, ok := parseQuiet(v); v != "" && !ok {
			b.log.Warn("unreadable quiet hours ignored")
			return nil
		}
		err = b.settings.SetQuiet(ctx, user, v)
	case strings.HasPrefix(a.ActionID, actionMute):
		rule := strings.TrimPrefix(a.ActionID, actionMute)
		if b.coach.Playbook().Rule(rule) == nil {
			b.log.Warn("mute of an unknown rule ignored", zap.String("rule", rule))
			return nil
		}
		err = b.settings.SetMute(ctx, user, rule, a.Value == "mute")
	}
	if err != nil {
		return err
	}
	b.forgetSettings(user)
	b.log.Info("setting changed", zap.String("user", user), zap.String("action", a.ActionID), zap.String("value", a.Value))
	return b.publishHome(ctx, user)
}

// quietChoices are the quiet hours App Home offers.
var quietChoices = []string{"", "17:00-09:00", "18:00-08:00", "19:00-08:00", "20:00-07:00", "22:00-07:00"}

func quietLabel(q string) string {
	if q == "" {
		return "No quiet hours"
	}
	return "Quiet " + strings.ReplaceAll(q, "-", "–")
}
