package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// What an agent does with a promise: the buttons of its reminders (kept, snooze, need more
// time), the "need more time" modal and `/deescalate followups`.

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
	case p.State == coach.PromiseKept, p.State == coach.PromiseLate:
		return ":white_check_mark: This promise is already kept."
	case p.State == coach.PromiseCancelled:
		return "This promise was withdrawn: its message was edited or deleted, or a newer promise replaced it."
	case p.State == coach.PromiseMissed:
		return "This promise was written off a day after it was due."
	}
	return "That did not change the promise."
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
