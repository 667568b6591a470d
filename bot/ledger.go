package bot

import (
	"context"
	"encoding/json"
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

// The promise ledger's side in Slack: the reminder and overdue DMs and their buttons, the
// lead's heads-up, the preemptive-ack nudge, the "need more time" modal and
// `/deescalate followups`.

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
			blocks, text := b.promiseBlocks(ctx, kind, t, n.Pledge, now)
			if err := b.postDM(ctx, n.To, blocks, text); err != nil {
				errs = append(errs, err)
				continue
			}
			sent++
			log.Info("promise notice sent", zap.String("kind", kind), zap.String("agent", n.To))
			b.metrics.add("deescalate_notices_total", "kind", kind)
		case coach.NoticeLead:
			blocks, text := b.leadBlocks(ctx, t, n.Pledge, now)
			leads := slices.DeleteFunc(b.leads.all(ctx), func(id string) bool { return id == n.Pledge.Agent })
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
func whom(p *coach.Pledge) string {
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
func (b *Bot) threadLine(ctx context.Context, channel string, p *coach.Pledge) string {
	if link := b.permalink(ctx, channel, p.TS); link != "" {
		return "<" + link + "|Open the thread> in <#" + channel + ">"
	}
	return "In <#" + channel + ">"
}

// promiseBlocks renders a reminder or an overdue notice for the agent who promised.
func (b *Bot) promiseBlocks(ctx context.Context, kind string, t coach.Thread, p *coach.Pledge, now time.Time) ([]slack.Block, string) {
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
func (b *Bot) leadBlocks(ctx context.Context, t coach.Thread, p *coach.Pledge, now time.Time) ([]slack.Block, string) {
	fallback := coach.When(p.Due, now, b.zone(p.Zone), true)
	due := fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", p.Due.Unix(), fallback)
	body := fmt.Sprintf(":warning: *A promise is %s overdue:* <@%s> promised %s an update by *%s*, and nobody has posted in the thread since. A word with them may help.\n%s",
		coach.Minutes(now.Sub(p.Due)), p.Agent, whom(p), due, b.threadLine(ctx, t.Channel, p))
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockOverdue)),
	}, "A promise to a customer is overdue"
}

// channelMembers is a channel's member list, cached for a few minutes.
type channelMembers struct {
	ids     []string
	fetched time.Time
}

// onDutyIn lists who hears of a customer waiting in a channel's unowned thread: the
// configured on-duty agents, or the agents among the channel's members; in both cases only
// members of the channel (an ephemeral reaches no one else).
func (b *Bot) onDutyIn(ctx context.Context, channel string) []string {
	members := b.membersOf(ctx, channel)
	var out []string
	if b.onDuty.configured() {
		for _, id := range b.onDuty.all(ctx) {
			if slices.Contains(members, id) {
				out = append(out, id)
			}
		}
	} else {
		for _, id := range members {
			if id == b.self.UserID {
				continue
			}
			cached, _ := b.users.CachedUser(ctx, id)
			who, fresh := b.whois(ctx, id, cached, "")
			if fresh != nil {
				_ = b.users.SaveUser(ctx, fresh)
			}
			if who.role == roleAgent {
				out = append(out, id)
			}
		}
	}
	if len(out) > maxRecipients {
		out = out[:maxRecipients]
	}
	return out
}

func (b *Bot) membersOf(ctx context.Context, channel string) []string {
	if v, ok := b.members.Load(channel); ok {
		if m := v.(channelMembers); time.Since(m.fetched) < 5*time.Minute {
			return m.ids
		}
	}
	var ids []string
	cursor := ""
	for range 50 {
		page, next, err := b.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Cursor: cursor, Limit: 200})
		if err != nil {
			b.log.Warn("conversations.members failed", zap.String("channel", channel), zap.Error(err))
			if v, ok := b.members.Load(channel); ok {
				return v.(channelMembers).ids
			}
			return nil
		}
		ids = append(ids, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	b.members.Store(channel, channelMembers{ids: ids, fetched: time.Now()})
	return ids
}

// profileOf returns a user's profile from the cache, or from Slack (and caches it).
func (b *Bot) profileOf(ctx context.Context, id string) *store.User {
	if u, err := b.users.CachedUser(ctx, id); err == nil {
		return u
	}
	info, err := b.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return nil
	}
	u := profile(info)
	_ = b.users.SaveUser(ctx, u)
	return u
}

var errNotYours = errors.New("the promise is another agent's")

// changePromise applies op to a thread's promise on behalf of user and saves it with its
// schedule. It returns the thread after, and whether op changed anything.
func (b *Bot) changePromise(ctx context.Context, r ref, user string, op func(coach.Thread) (coach.Thread, bool)) (coach.Thread, bool, error) {
	log := b.log.With(zap.String("channel", r.channel), zap.String("thread_ts", r.thread), zap.String("user", user))
	_, after, changed, err := b.update(ctx, log, change{channel: r.channel, thread: r.thread, at: b.now(),
		step: func(t coach.Thread) (coach.Thread, []coach.Nudge, bool, error) {
			if p := t.Promise; p != nil && p.Agent != user {
				return t, nil, false, errNotYours
			}
			next, ok := op(t)
			return next, nil, ok, nil
		}})
	return after, changed, err
}

// settledLine says why a button no longer applies.
func settledLine(t coach.Thread, r ref, now time.Time, zone *time.Location) string {
	p := t.Promise
	switch {
	case p == nil:
		return "I can't find that promise any more."
	case p.Version != r.version && p.Open():
		return "This promise has changed since: it is now due *" + coach.When(p.Due, now, zone, false) + "*."
	case p.State == coach.PledgeKept, p.State == coach.PledgeLate:
		return ":white_check_mark: This promise is already kept."
	case p.State == coach.PledgeCancelled:
		return "This promise was withdrawn: its message was edited or deleted, or a newer promise replaced it."
	case p.State == coach.PledgeMissed:
		return "This promise was written off a day after it was due."
	}
	return "That did not change the promise."
}

// handleInteraction answers button presses and modal submissions.
func (b *Bot) handleInteraction(ctx context.Context, cb slack.InteractionCallback) error {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			if a == nil {
				continue
			}
			switch {
			case a.ActionID == actionKept, a.ActionID == actionSnooze, a.ActionID == actionMoreTime:
				return b.onPromiseButton(ctx, cb, a)
			case a.ActionID == actionDraftOpen:
				return b.onDraftOpen(ctx, cb, a)
			case strings.HasPrefix(a.ActionID, actionDraftTone):
				return b.onDraftTone(ctx, cb, a)
			case strings.HasPrefix(a.ActionID, actionFeedback):
				return b.onFeedback(ctx, cb, a)
			case a.ActionID == actionDigest, a.ActionID == actionQuiet, strings.HasPrefix(a.ActionID, actionSnoozeMe), strings.HasPrefix(a.ActionID, actionMute):
				return b.onHomeButton(ctx, cb, a)
			}
		}
	case slack.InteractionTypeMessageAction, slack.InteractionTypeShortcut:
		if cb.CallbackID == shortcutDraft {
			return b.onDraftShortcut(ctx, cb)
		}
		b.log.Warn("unknown shortcut ignored", zap.String("callback_id", cb.CallbackID))
	case slack.InteractionTypeViewSubmission:
		switch cb.View.CallbackID {
		case moveCallback:
			return b.onMoveSubmitted(ctx, cb)
		case draftCallback:
			return b.onDraftSubmitted(ctx, cb)
		}
	}
	return nil
}

func (b *Bot) onPromiseButton(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) error {
	r, ok := parseRef(a.Value)
	if !ok {
		b.log.Warn("button with an unreadable value ignored", zap.String("action_id", a.ActionID))
		return nil
	}
	user, now := cb.User.ID, b.now()
	if a.ActionID == actionMoreTime {
		return b.openMoveModal(ctx, cb, r)
	}
	op := func(t coach.Thread) (coach.Thread, bool) { return b.coach.Keep(t, r.version, now) }
	if a.ActionID == actionSnooze {
		op = func(t coach.Thread) (coach.Thread, bool) { return b.coach.Snooze(t, r.version, snoozeFor, now) }
	}
	t, changed, err := b.changePromise(ctx, r, user, op)
	if errors.Is(err, errNotYours) {
		return b.reply(ctx, cb.ResponseURL, false, r.kind, "This is <@"+t.Promise.Agent+">'s promise; only they can change it.")
	}
	if err != nil {
		_ = b.reply(ctx, cb.ResponseURL, false, r.kind, ":warning: I couldn't save that just now. Please try again in a moment.")
		return err
	}
	zone := b.zone(b.zoneOf(ctx, t, user))
	var line string
	switch {
	case !changed:
		line = settledLine(t, r, now, zone)
	case a.ActionID == actionKept:
		line = fmt.Sprintf(":white_check_mark: *Marked as kept:* your update to %s. Thank you for following through.", whom(t.Promise))
	default:
		at := t.Promise.RemindAt
		if t.Promise.Reminded {
			at = t.Promise.WarnAt
		}
		line = ":zzz: *Snoozed.* I'll remind you again at *" + coach.When(at, now, zone, false) + "*."
	}
	b.log.Info("promise button", zap.String("action", a.ActionID), zap.String("channel", r.channel), zap.String("thread_ts", r.thread), zap.Bool("changed", changed))
	if cb.View.Type == slack.VTHomeTab || cb.Container.Type == "view" && cb.ResponseURL == "" {
		return b.publishHome(ctx, user)
	}
	return b.reply(ctx, cb.ResponseURL, true, r.kind, line)
}

// zoneOf is the zone to show a promise's times in: the one it was made in, or the user's.
func (b *Bot) zoneOf(ctx context.Context, t coach.Thread, user string) string {
	if t.Promise != nil && t.Promise.Zone != "" {
		return t.Promise.Zone
	}
	if u := b.profileOf(ctx, user); u != nil {
		return u.TZ
	}
	return ""
}

// reply answers an interaction through its response URL: replacing the message the button
// was in, or as a new private message. The answer keeps the message's kind.
func (b *Bot) reply(ctx context.Context, responseURL string, replace bool, kind, text string) error {
	return b.answer(ctx, responseURL, replace, textBlocks(kind, text), plainText(text))
}

// plainText turns mrkdwn into notification text: no emoji codes, no bold.
func plainText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(emojiCode.ReplaceAllString(s, ""), "*", ""))
}

var emojiCode = regexp.MustCompile(`:[a-z0-9_+-]+:`)

// moveMeta is what the "need more time" modal carries to its submission.
type moveMeta struct {
	Ref string `json:"ref"`
	URL string `json:"url,omitempty"` // the response URL of the message the button was in
}

func (b *Bot) openMoveModal(ctx context.Context, cb slack.InteractionCallback, r ref) error {
	snap, err := b.threads.Load(ctx, r.channel, r.thread)
	if err != nil {
		return err
	}
	now := b.now()
	p := snap.Thread.Promise
	if p == nil || !p.Open() || p.Version != r.version || p.Agent != cb.User.ID {
		line := settledLine(snap.Thread, r, now, b.zone(b.zoneOf(ctx, snap.Thread, cb.User.ID)))
		if p != nil && p.Agent != cb.User.ID {
			line = "This is <@" + p.Agent + ">'s promise; only they can change it."
		}
		return b.reply(ctx, cb.ResponseURL, false, r.kind, line)
	}
	meta, _ := json.Marshal(moveMeta{Ref: r.String(), URL: cb.ResponseURL})
	// Suggest an hour past the later of now and the due time, on the half hour.
	from := now
	if p.Due.After(now) {
		from = p.Due
	}
	initial := from.Add(time.Hour).Truncate(30 * time.Minute).Add(30 * time.Minute)
	picker := slack.NewDateTimePickerBlockElement(moveInput)
	picker.InitialDateTime = initial.Unix()
	intro := fmt.Sprintf("You promised %s an update by *%s*:\n%s\nPick a time you can keep. Nothing goes to the customer: next, I'll suggest a message announcing the new time.",
		whom(p), coach.When(p.Due, now, b.zone(p.Zone), false), quote(p.Text))
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: moveCallback, PrivateMetadata: string(meta),
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Need more time", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Move it", false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			// The modal goes on from the message its button was in, and keeps its kind.
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, intro, false, false), nil, nil, slack.SectionBlockOptionBlockID(r.kind)),
			slack.NewInputBlock(moveInput, slack.NewTextBlockObject(slack.PlainTextType, "New time", false, false), nil, picker),
		}},
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, view); err != nil {
		return fmt.Errorf("open the more-time modal: %w", err)
	}
	return nil
}

// moveProblem checks a "need more time" submission before it is acknowledged: a problem
// goes back to the modal as an error on the time field.
func (b *Bot) moveProblem(cb slack.InteractionCallback) (time.Time, string) {
	if cb.View.State == nil {
		return time.Time{}, "Pick a new time."
	}
	secs := cb.View.State.Values[moveInput][moveInput].SelectedDateTime
	if secs == 0 {
		return time.Time{}, "Pick a new time."
	}
	due, now := time.Unix(secs, 0), b.now()
	switch {
	case !due.After(now.Add(time.Minute)):
		return due, "Pick a time later than now."
	case due.After(now.Add(60 * 24 * time.Hour)):
		return due, "Pick a time within the next 60 days."
	}
	return due, ""
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

func (b *Bot) onMoveSubmitted(ctx context.Context, cb slack.InteractionCallback) error {
	due, problem := b.moveProblem(cb)
	if problem != "" {
		return nil // answered in the acknowledgement
	}
	var meta moveMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil {
		b.log.Warn("more-time modal with unreadable metadata ignored")
		return nil
	}
	r, ok := parseRef(meta.Ref)
	if !ok {
		b.log.Warn("more-time modal with an unreadable promise ignored")
		return nil
	}
	user, now := cb.User.ID, b.now()
	t, changed, err := b.changePromise(ctx, r, user, func(t coach.Thread) (coach.Thread, bool) { return b.coach.Move(t, r.version, due, now) })
	if errors.Is(err, errNotYours) {
		return nil
	}
	if err != nil {
		_ = b.postDM(ctx, user, []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType,
			":warning: I couldn't move your promise just now. Please try *Need more time* again in a moment.", false, false), nil, nil,
			slack.SectionBlockOptionBlockID(blockDraft))}, "Your promise could not be moved")
		return err
	}
	zone := b.zone(b.zoneOf(ctx, t, user))
	if !changed {
		return b.reply(ctx, meta.URL, true, r.kind, settledLine(t, r, now, zone))
	}
	p := t.Promise
	var customerZone *time.Location
	if p.Customer != "" {
		if u := b.profileOf(ctx, p.Customer); u != nil && u.TZ != "" {
			customerZone = b.zone(u.TZ)
		}
	}
	when := coach.When(p.Due, now, zone, false)
	say := coach.MoveSay(*p, p.Due, now, customerZone, zone)
	remind := "I'll remind you before then."
	if !p.RemindAt.Before(p.Due) {
		remind = "I'll check in with you then."
	}
	body := fmt.Sprintf(":calendar: *Moved:* your update to %s is now due *%s*. %s\nTell them now, before the old time passes: a new time announced early keeps their trust. You could say:", whom(p), when, remind)
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockDraft)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, quote(say), false, false), nil, nil, slack.SectionBlockOptionBlockID("say:move")),
		slack.NewContextBlock("where", slack.NewTextBlockObject(slack.MarkdownType, b.threadLine(ctx, r.channel, p), false, false)),
	}
	if err := b.postDM(ctx, user, blocks, "Promise moved to "+when+": a message to announce it"); err != nil {
		return fmt.Errorf("send the move draft: %w", err)
	}
	b.log.Info("promise moved", zap.String("channel", r.channel), zap.String("thread_ts", r.thread), zap.String("agent", user))
	if err := b.reply(ctx, meta.URL, true, r.kind, ":calendar: Moved to *"+when+"*."); err != nil {
		b.log.Debug("could not update the message the button was in", zap.Error(err))
	}
	return nil
}

// followups answers `/deescalate followups`: the invoker's open promises, soonest first.
func (b *Bot) followups(ctx context.Context, cmd slack.SlashCommand) error {
	blocks, n, err := b.promiseList(ctx, cmd.UserID, 10)
	if err != nil {
		_ = b.respond(ctx, cmd.ResponseURL, textBlocks(blockFollowups, ":warning: I couldn't read your promises just now. Please try again in a moment."), "Open promises")
		return err
	}
	return b.respond(ctx, cmd.ResponseURL, blocks, fmt.Sprintf("Your open promises: %d", n))
}

// promiseList shows an agent's open promises, soonest first, each with its buttons, under a
// heading (block id followups); n counts them all.
func (b *Bot) promiseList(ctx context.Context, user string, shown int) (blocks []slack.Block, n int, err error) {
	refs, err := b.promises.OpenPromises(ctx, user, 3*shown)
	if err != nil {
		return nil, 0, err
	}
	now := b.now()
	for _, tr := range refs {
		snap, err := b.threads.Load(ctx, tr.Channel, tr.Thread)
		if err != nil {
			return nil, 0, err
		}
		p := snap.Thread.Promise
		if !p.Open() || p.Agent != user {
			// Settled or handed over, and its listing was not taken off: tidy it now.
			b.unschedule(ctx, tr.Channel, tr.Thread, &store.Schedule{Unlist: []string{user}})
			continue
		}
		if n++; n > shown {
			continue
		}
		due := coach.When(p.Due, now, b.zone(p.Zone), false)
		state := "due *" + due + "*"
		if now.After(p.Due) {
			state = "*overdue* since " + due
		}
		line := fmt.Sprintf("%s · %s\n%s\n%s", strings.ToUpper(state[:1])+state[1:], whom(p), quote(p.Text), b.threadLine(ctx, tr.Channel, p))
		r := ref{kind: blockFollowups, channel: tr.Channel, thread: tr.Thread, version: p.Version}
		blocks = append(blocks,
			slack.NewDividerBlock(),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, line, false, false), nil, nil, slack.SectionBlockOptionBlockID("followup:"+strconv.Itoa(n))),
			promiseButtons("promise:"+strconv.Itoa(n), r, now.Before(p.Due)))
	}
	head := "*Your open promises*, soonest first. I mark one kept when you post in its thread before it is due."
	switch {
	case n == 0:
		head = "*You have no open promises.* When you tell a customer something like \"I'll update you by 3pm\", I keep track of it and remind you " +
			coach.Minutes(b.coach.Ledger().ReminderLead) + " before."
	case n > shown:
		head += fmt.Sprintf(" Showing the first %d of %d.", shown, n)
	}
	return append(textBlocks(blockFollowups, head), blocks...), n, nil
}

func textBlocks(blockID, text string) []slack.Block {
	return []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockID))}
}
