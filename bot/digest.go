package bot

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// The weekly digest: a DM at each subscriber's own DIGEST_DAY and DIGEST_TIME about the
// week before (ISO weeks in the team's zone). Each subscriber has one timer in the shared
// schedule, so the digest goes out once across replicas and, after an outage, late rather
// than never (up to a day late; after that it waits for the next week).

const (
	blockDigest = "digest"
	timerDigest = "digest"
	// digestGrace is how late a digest may still go out after its time.
	digestGrace = 24 * time.Hour
	topThemes   = 5
	maxKudos    = 5
	maxSection  = 2900 // a section's text holds at most 3,000 characters
)

// digestStore is what the digest's subscriptions and schedule need from Redis.
type digestStore interface {
	Subscribe(ctx context.Context, user string, on bool) error
	Subscribed(ctx context.Context, user string) (bool, error)
	ScheduleDigest(ctx context.Context, user, name string, at time.Time) error
}

// nextDigest is the first digest moment strictly after t, in zone.
func (b *Bot) nextDigest(t time.Time, zone *time.Location) time.Time {
	local := t.In(zone)
	day := b.cfg.DigestDay
	h, m := int(b.cfg.DigestTime/time.Hour), int(b.cfg.DigestTime%time.Hour/time.Minute)
	at := time.Date(local.Year(), local.Month(), local.Day(), h, m, 0, 0, zone)
	at = at.AddDate(0, 0, (int(day)-int(at.Weekday())+7)%7)
	if !at.After(t) {
		at = time.Date(at.Year(), at.Month(), at.Day()+7, h, m, 0, 0, zone)
	}
	return at
}

// scheduleDigest puts a subscriber's next digest after t on the schedule.
func (b *Bot) scheduleDigest(ctx context.Context, user string, after time.Time) error {
	tz := ""
	if u := b.profileOf(ctx, user); u != nil {
		tz = u.TZ
	}
	at := b.nextDigest(after, b.zone(tz))
	return b.digests.ScheduleDigest(ctx, user, coach.Timer{Kind: timerDigest, At: at}.Name(), at)
}

// subscribeLeads puts the leads on the digest (unless they said no) and makes sure every
// subscriber's next digest is on the schedule. It runs when a replica starts.
func (b *Bot) subscribeLeads(ctx context.Context) {
	if !b.cfg.DigestLeadsAuto || !b.leads.configured() {
		return
	}
	for _, lead := range b.leads.all(ctx) {
		st, err := b.settings.SettingsOf(ctx, lead)
		if err != nil {
			b.log.Warn("could not read a lead's settings", zap.Error(err))
			return
		}
		if st.OptOut {
			continue
		}
		if !st.Digest {
			if err := b.digests.Subscribe(ctx, lead, true); err != nil {
				b.log.Warn("could not subscribe a lead to the digest", zap.Error(err))
				return
			}
		}
		if err := b.scheduleDigest(ctx, lead, b.now()); err != nil {
			b.log.Warn("could not schedule a lead's digest", zap.Error(err))
		}
	}
}

// fireDigest sends one subscriber's digest for the week before its time.
func (b *Bot) fireDigest(ctx context.Context, log *zap.Logger, d store.Due, tm coach.Timer, now time.Time) {
	user := d.User
	sub, err := b.digests.Subscribed(ctx, user)
	if err != nil {
		b.retry(ctx, log, d, true, err)
		return
	}
	if !sub {
		log.Debug("digest for someone who unsubscribed dropped")
		b.finish(ctx, log, d)
		return
	}
	if now.Sub(tm.At) <= digestGrace {
		first, err := b.timers.Sending(ctx, d)
		if err != nil {
			b.retry(ctx, log, d, true, err)
			return
		}
		if first {
			week := b.week(tm.At).Prev()
			blocks, text, err := b.digest(ctx, user, week, false)
			if err == nil {
				err = b.postDM(ctx, user, blocks, text)
			}
			if err != nil {
				b.retry(ctx, log, d, true, err)
				return
			}
			log.Info("digest sent", zap.String("user", user), zap.String("week", string(week)))
			b.metrics.add("deescalate_notices_total", "kind", "digest")
		}
	} else {
		log.Info("digest skipped: more than a day late", zap.String("user", user))
	}
	if err := b.scheduleDigest(ctx, user, tm.At.Add(time.Minute)); err != nil {
		b.retry(ctx, log, d, false, err)
		return
	}
	b.finish(ctx, log, d)
}

// bar draws n out of top as ten characters.
func bar(n, top int) string {
	if top <= 0 {
		return ""
	}
	full := (n*10 + top/2) / top
	full = max(1, min(10, full))
	return strings.Repeat("█", full) + strings.Repeat("░", 10-full)
}

// digest writes a subscriber's digest of a week: the team's complaints and kudos for a
// lead, the complaints and their own figures for an agent. sofar marks a preview of the
// week in progress.
func (b *Bot) digest(ctx context.Context, user string, week coach.Week, sofar bool) ([]slack.Block, string, error) {
	b.flushTallies(ctx)
	r, err := b.figures.WeekReport(ctx, week)
	if err != nil {
		return nil, "", err
	}
	prev, err := b.figures.WeekReport(ctx, week.Prev())
	if err != nil {
		return nil, "", err
	}
	lead := b.leads.configured() && b.leads.has(ctx, user)
	mine := r.Agents[user]
	start := week.Start(b.cfg.TeamZone)
	span := start.Format("2 January") + " – " + start.AddDate(0, 0, 6).Format("2 January")
	title := "*Your weekly digest* · " + span
	if sofar {
		title = "*Your digest so far* · " + span + " (preview: the week isn't over)"
	}
	if r.Messages == 0 && mine.NudgeCount() == 0 && mine.Promises() == 0 {
		line := title + "\nA quiet week: no customer messages in the channels I watch."
		return textBlocks(blockDigest, line), "Your weekly digest: a quiet week", nil
	}
	channels := map[string]bool{}
	for _, t := range r.Themes {
		for ch := range t.Channels {
			channels[ch] = true
		}
	}
	head := fmt.Sprintf("%s\n%d customer message%s, %d of them upset.", title, r.Messages, plural(r.Messages), r.Upset)
	if prev.Messages > 0 {
		head += fmt.Sprintf(" The week before: %d, %d upset.", prev.Messages, prev.Upset)
	}
	blocks := textBlocks(blockDigest, head)

	// What customers complained about.
	if len(r.Themes) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), section("digest_themes", "*What customers raised most*"))
		before := map[string]int{}
		for _, t := range prev.Themes {
			before[t.Theme] = t.Count
		}
		top := r.Themes[0].Count
		var rising []string
		for i, t := range r.Themes {
			if i < topThemes {
				var chs []string
				for ch, n := range t.Channels {
					chs = append(chs, fmt.Sprintf("<#%s> %d", ch, n))
				}
				sort.Strings(chs)
				text := fmt.Sprintf("*%s* · %d (%s) · %d thread%s\n`%s`  %s", coach.ThemeName(t.Theme), t.Count, coach.Trend(t.Count, before[t.Theme]),
					t.Threads, plural(t.Threads), bar(t.Count, top), strings.Join(chs, " · "))
				for _, e := range t.Examples {
					if !slices.Contains(b.membersOf(ctx, e.Channel), user) {
						continue // quotes only from channels the reader is in
					}
					text += "\n> “" + e.Text + "”"
					if link := b.permalink(ctx, e.Channel, e.TS); link != "" {
						text += " <" + link + "|view>"
					}
				}
				blocks = append(blocks, section(fmt.Sprintf("digest_theme:%d", i+1), text))
			}
			if t.Count-before[t.Theme] >= 3 && t.Count >= 2*before[t.Theme] {
				rising = append(rising, fmt.Sprintf("%s (%d, was %d)", coach.ThemeName(t.Theme), t.Count, before[t.Theme]))
			}
		}
		if len(rising) > 0 {
			blocks = append(blocks, section("digest_rising", ":chart_with_upwards_trend: *Rising:* "+strings.Join(rising, ", ")))
		}
	}

	// Kudos: all of them for a lead, an agent's own for an agent.
	var kudos []string
	for _, k := range r.Kudos {
		if !lead && k.Agent != user || !slices.Contains(b.membersOf(ctx, k.Channel), user) {
			continue
		}
		if len(kudos) == maxKudos {
			break
		}
		to := ""
		if k.Agent != "" {
			to = " for <@" + k.Agent + ">"
		}
		kudos = append(kudos, "• “"+k.Text+"”"+to)
	}
	if len(kudos) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), section("digest_kudos", ":tada: *What customers praised*\n"+strings.Join(kudos, "\n")))
	}

	// Figures: the team's for a lead, their own for an agent; never another agent's.
	f, whose := mine, "*Your coaching week*"
	if lead {
		f, whose = r.Team, "*The team's coaching week*"
	}
	blocks = append(blocks, slack.NewDividerBlock(), section("digest_figures", whose+"\n"+figureLines(f)))
	blocks = append(blocks, slack.NewContextBlock("digest_footer", slack.NewTextBlockObject(slack.MarkdownType,
		"Only you see this. `/deescalate digest unsubscribe` stops it; App Home has your figures any time.", false, false)))
	if sofar {
		return blocks, "Your digest so far: " + span, nil
	}
	return blocks, "Your weekly digest: " + span, nil
}

// figureLines writes coaching figures as a few lines.
func figureLines(f store.Figures) string {
	var lines []string
	if n := f.NudgeCount(); n > 0 {
		rules := make([]string, 0, len(f.Nudges))
		for r := range f.Nudges {
			rules = append(rules, r)
		}
		sort.Slice(rules, func(i, j int) bool {
			if f.Nudges[rules[i]] != f.Nudges[rules[j]] {
				return f.Nudges[rules[i]] > f.Nudges[rules[j]]
			}
			return rules[i] < rules[j]
		})
		parts := make([]string, len(rules))
		for i, r := range rules {
			parts[i] = fmt.Sprintf("%s %d", r, f.Nudges[r])
		}
		lines = append(lines, fmt.Sprintf("• %d nudge%s: %s", n, plural(n), strings.Join(parts, ", ")))
	} else {
		lines = append(lines, "• No nudges.")
	}
	if p := f.Promises(); p > 0 {
		lines = append(lines, fmt.Sprintf("• Promises kept on time: %d of %d (%d%%) · %d late · %d missed", f.OnTime, p, 100*f.OnTime/p, f.Late, f.Missed))
	}
	if f.FirstReplies > 0 {
		lines = append(lines, fmt.Sprintf("• First reply to an upset customer: %s on average (%d thread%s)", coach.Minutes(f.FirstReply), f.FirstReplies, plural(f.FirstReplies)))
	}
	if f.Helpful+f.Unhelpful > 0 {
		lines = append(lines, fmt.Sprintf("• Nudges rated helpful: %d of %d", f.Helpful, f.Helpful+f.Unhelpful))
	}
	if f.Kudos > 0 {
		lines = append(lines, fmt.Sprintf("• Kudos from customers: %d", f.Kudos))
	}
	return strings.Join(lines, "\n")
}

// slashDigest answers /deescalate digest subscribe|unsubscribe|preview.
func (b *Bot) slashDigest(ctx context.Context, cmd slack.SlashCommand, arg string) error {
	user := cmd.UserID
	switch strings.ToLower(strings.TrimSpace(arg)) {
	case "subscribe", "on", "start":
		if err := b.digests.Subscribe(ctx, user, true); err != nil {
			return err
		}
		if err := b.scheduleDigest(ctx, user, b.now()); err != nil {
			return err
		}
		tz := ""
		if u := b.profileOf(ctx, user); u != nil {
			tz = u.TZ
		}
		next := b.nextDigest(b.now(), b.zone(tz))
		return b.respond(ctx, cmd.ResponseURL, textBlocks(blockDigest, fmt.Sprintf(
			":white_check_mark: *Subscribed.* Your first digest arrives %s, your time, as a DM. `%s digest preview` shows this week so far.",
			coach.When(next, b.now(), b.zone(tz), false), cmd.Command)), "Subscribed to the weekly digest")
	case "unsubscribe", "off", "stop":
		if err := b.digests.Subscribe(ctx, user, false); err != nil {
			return err
		}
		return b.respond(ctx, cmd.ResponseURL, textBlocks(blockDigest, fmt.Sprintf("*Unsubscribed.* No more weekly digests. `%s digest subscribe` brings them back.", cmd.Command)), "Unsubscribed")
	case "preview", "":
		blocks, text, err := b.digest(ctx, user, b.week(b.now()), true)
		if err != nil {
			return err
		}
		return b.respond(ctx, cmd.ResponseURL, blocks, text)
	}
	return b.respond(ctx, cmd.ResponseURL, helpBlocks(cmd.Command), "How to use "+cmd.Command)
}
