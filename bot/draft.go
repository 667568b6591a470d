package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// The ids of the draft's entry points and modal.
const (
	shortcutDraft   = "draft_reply" // the message shortcut's callback_id (manifest.yaml)
	draftCallback   = "draft_modal"
	actionDraftText = "draft_text"
	actionDraftOpen = "draft_open"
	actionDraftTone = "draft_tone_" // + tone: one button per tone
	blockDraftText  = "draft_text_" // + tone: a new block id per tone makes Slack show the new text
	// maxSource bounds the customer's words a draft carries along (in the modal's metadata or a
	// button's value) to redraft in another tone.
	maxSource = 1500
	maxValue  = 1990 // a button's value holds at most 2,000 characters
)

// draftStore finds the threads an agent owns with an upset customer.
type draftStore interface {
	UpsetThreads(ctx context.Context, agent, channel string, limit int) ([]store.Snapshot, error)
}

// draftSource is the message a draft answers and where it was written.
type draftSource struct {
	Channel  string `json:"c,omitempty"`
	Thread   string `json:"th,omitempty"`
	TS       string `json:"ts,omitempty"`
	Customer string `json:"u,omitempty"`
	Text     string `json:"x"`
	Tone     string `json:"t,omitempty"`
	URL      string `json:"url,omitempty"` // a response URL, to tell the agent if posting fails
}

// postable reports whether the draft can be posted in the thread it answers.
func (s draftSource) postable() bool { return s.Channel != "" && s.Thread != "" }

// encode writes a source as a button value (at most 2,000 characters) or a modal's private
// metadata (3,000), shortening the customer's words as escaping requires.
func (s draftSource) encode() string {
	n := maxSource
	for {
		s.Text = coach.CutWords(s.Text, n)
		b, _ := json.Marshal(s)
		if len(b) <= maxValue || n == 0 {
			return string(b)
		}
		n = n * maxValue / len(b)
	}
}

func decodeSource(v string) (draftSource, bool) {
	var s draftSource
	if err := json.Unmarshal([]byte(v), &s); err != nil || strings.TrimSpace(s.Text) == "" {
		return draftSource{}, false
	}
	if (s.Channel != "" && !refChannel.MatchString(s.Channel)) || (s.Thread != "" && !refTS.MatchString(s.Thread)) ||
		(s.TS != "" && !refTS.MatchString(s.TS)) {
		return draftSource{}, false
	}
	if _, err := coach.ParseTone(s.Tone); err != nil {
		return draftSource{}, false
	}
	return s, true
}

// composed is a draft with what the agent is shown about it.
type composed struct {
	draft    coach.Draft
	req      coach.DraftRequest
	customer string // the customer's name, "" when unknown
}

// compose writes the draft for a source on behalf of an agent, from what Redis holds of the
// thread and the two people's profiles.
func (b *Bot) compose(ctx context.Context, src draftSource, agent string) composed {
	tone, _ := coach.ParseTone(src.Tone)
	req := coach.DraftRequest{Text: src.Text, Now: b.now(), Tone: tone}
	var c composed
	if u := b.profileOf(ctx, agent); u != nil {
		req.Agent, req.Zone = u.Name, b.zone(u.TZ)
	}
	if src.Customer != "" && src.Customer != agent {
		if u := b.profileOf(ctx, src.Customer); u != nil {
			c.customer = u.Name
			req.Customer, req.CustomerZone = u.Name, b.zone(u.TZ)
		}
	}
	if src.postable() {
		if snap, err := b.threads.Load(ctx, src.Channel, src.Thread); err == nil && snap.Version > 0 {
			t := snap.Thread
			req.Thread = &t
		}
	}
	c.req, c.draft = req, b.coach.Draft(req)
	return c
}

// onDraftShortcut answers the message shortcut: a modal with the draft, opened at once (the
// trigger lasts 3 s), then, when a language model is configured, its draft in place of the
// composed one if it passes the rules.
func (b *Bot) onDraftShortcut(ctx context.Context, cb slack.InteractionCallback) error {
	thread := cb.Message.ThreadTimestamp
	if thread == "" {
		thread = cb.Message.Timestamp
	}
	src := draftSource{Channel: cb.Channel.ID, Thread: thread, TS: cb.Message.Timestamp, Customer: cb.Message.User,
		Text: cb.Message.Text, Tone: string(coach.ToneWarm), URL: cb.ResponseURL}
	if strings.TrimSpace(src.Text) == "" {
		return b.reply(ctx, cb.ResponseURL, false, blockDraft, "That message has no text I can answer. Try the shortcut on the customer's message itself.")
	}
	return b.openDraft(ctx, cb.TriggerID, cb.User.ID, src)
}

// openDraft opens the draft modal, then improves it with the language model when there is one.
func (b *Bot) openDraft(ctx context.Context, triggerID, agent string, src draftSource) error {
	c := b.compose(ctx, src, agent)
	view, err := b.api.OpenViewContext(ctx, triggerID, draftModal(src, c, ""))
	if err != nil {
		return fmt.Errorf("open the draft: %w", err)
	}
	b.metrics.add("deescalate_drafts_total", "entry", "modal", "source", "composed")
	b.log.Info("draft opened", zap.String("channel", src.Channel), zap.String("thread_ts", src.Thread),
		zap.String("tone", string(c.draft.Tone)), zap.Bool("postable", src.postable()))
	if b.cfg.LLM == nil {
		return nil
	}
	text, err := b.llmDraft(ctx, c)
	if err != nil {
		b.log.Info("kept the composed draft", zap.String("reason", err.Error()), zap.String("model", b.cfg.LLM.Model()))
		return nil
	}
	c.draft.Text = text
	b.metrics.add("deescalate_drafts_total", "entry", "modal", "source", "llm")
	_, err = b.api.UpdateViewContext(ctx, draftModal(src, c, b.cfg.LLM.Model()), "", view.Hash, view.ID)
	if err != nil {
		// The agent switched tone or closed the modal meanwhile: their choice stands.
		b.log.Info("the language model's draft came too late", zap.Error(err))
	}
	return nil
}

// llmDraft asks the language model for the draft and vets it.
func (b *Bot) llmDraft(ctx context.Context, c composed) (string, error) {
	system, user := coach.DraftPrompt(c.req, c.draft)
	text, err := b.cfg.LLM.Complete(ctx, system, user)
	if err != nil {
		return "", err
	}
	name := coach.FirstName(c.customer)
	if name == "" {
		name = "there"
	}
	text = strings.ReplaceAll(text, coach.CustomerToken, name)
	if err := b.coach.CheckDraft(c.req, c.draft, text); err != nil {
		return "", fmt.Errorf("the model's draft was refused: %w", err)
	}
	return text, nil
}

// draftModal shows a draft in an editable field with a tone switch; Post in thread sends it.
func draftModal(src draftSource, c composed, model string) slack.ModalViewRequest {
	src.Tone = string(c.draft.Tone)
	who := "the customer"
	if c.customer != "" {
		who = "*" + c.customer + "*"
	}
	intro := "Your draft reply to " + who
	if src.postable() {
		intro += " in <#" + src.Channel + ">"
	}
	intro += ". Only you can see it"
	if src.postable() {
		intro += " until you press *Post in thread*: it is posted under your name."
	} else {
		intro += ": copy it into your reply."
	}
	notes := slotNotes(c.draft.Slots)
	if !c.draft.FollowUp.IsZero() {
		notes = append(notes, ":alarm_clock: It promises an update by "+coach.When(c.draft.FollowUp, c.req.Now, c.req.Zone, false)+
			" in your time; once posted, I'll remind you before then.")
	}
	if model != "" {
		notes = append(notes, ":sparkles: Written with "+model+" and checked against the playbook.")
	}
	tones := make([]slack.BlockElement, 0, len(coach.Tones))
	for _, t := range coach.Tones {
		s := src
		s.Tone = string(t)
		label := strings.ToUpper(string(t[:1])) + string(t[1:])
		btn := slack.NewButtonBlockElement(actionDraftTone+string(t), s.encode(), slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
		if t == c.draft.Tone {
			btn = btn.WithStyle(slack.StylePrimary)
		}
		tones = append(tones, btn)
	}
	input := slack.NewPlainTextInputBlockElement(nil, actionDraftText)
	input.Multiline = true
	input.MaxLength = coach.MaxDraft
	input.InitialValue = c.draft.Text
	field := slack.NewInputBlock(blockDraftText+string(c.draft.Tone), slack.NewTextBlockObject(slack.PlainTextType, "Reply", false, false), nil, input)
	view := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      draftCallback,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, "Draft a calm reply", false, false),
		Close:           slack.NewTextBlockObject(slack.PlainTextType, "Close", false, false),
		PrivateMetadata: src.encode(),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, intro, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockDraft)),
			slack.NewActionBlock("draft_tones", tones...),
			field,
			slack.NewContextBlock("draft_notes", slack.NewTextBlockObject(slack.MarkdownType, strings.Join(notes, "\n"), false, false)),
		}},
	}
	if src.postable() {
		view.Submit = slack.NewTextBlockObject(slack.PlainTextType, "Post in thread", false, false)
	}
	return view
}

// onDraftTone switches a draft's tone: in the modal it redraws the modal; in a /deescalate
// answer it replaces that answer.
func (b *Bot) onDraftTone(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) error {
	src, ok := decodeSource(a.Value)
	if !ok {
		b.log.Warn("draft button with an unreadable value ignored", zap.String("action_id", a.ActionID))
		return nil
	}
	c := b.compose(ctx, src, cb.User.ID)
	if cb.View.ID != "" {
		_, err := b.api.UpdateViewContext(ctx, draftModal(src, c, ""), "", cb.View.Hash, cb.View.ID)
		if err != nil {
			return fmt.Errorf("switch the draft's tone: %w", err)
		}
		return nil
	}
	return b.answerDraft(ctx, cb.ResponseURL, true, src, c)
}

// onDraftOpen opens the modal from a /deescalate answer.
func (b *Bot) onDraftOpen(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) error {
	src, ok := decodeSource(a.Value)
	if !ok {
		b.log.Warn("draft button with an unreadable value ignored", zap.String("action_id", a.ActionID))
		return nil
	}
	src.URL = cb.ResponseURL
	return b.openDraft(ctx, cb.TriggerID, cb.User.ID, src)
}

// slotNotes tells the agent what to fill in before a draft can go: each kind of slot once.
func slotNotes(slots []string) []string {
	var notes []string
	seen := map[string]bool{}
	for _, s := range slots {
		if seen[s] {
			continue
		}
		seen[s] = true
		switch s {
		case coach.EstimateSlot:
			notes = append(notes, ":pencil2: Replace "+s+" with your best estimate, even a range.")
		case coach.AnswerSlot:
			notes = append(notes, ":pencil2: Write your answer where it says "+s+".")
		default:
			notes = append(notes, ":pencil2: Fill in "+s+".")
		}
	}
	return notes
}

// draftProblem checks a submitted draft before the modal closes; "" when it can be posted.
func draftProblem(cb slack.InteractionCallback) (field, text, problem string) {
	for bid, vals := range cb.View.State.Values {
		if v, ok := vals[actionDraftText]; ok {
			field, text = bid, strings.TrimSpace(v.Value)
		}
	}
	switch {
	case text == "":
		return field, "", "Write a reply first."
	case len(coach.Slots(text)) > 0:
		slot := coach.Slots(text)[0]
		if slot == coach.EstimateSlot {
			return field, text, "Replace " + slot + " with your estimate (a range is fine), or take that sentence out."
		}
		return field, text, "Replace " + slot + " with what only you know, or take that sentence out."
	case len(text) > coach.MaxDraft:
		return field, text, fmt.Sprintf("Keep it under %d characters.", coach.MaxDraft)
	}
	return field, text, ""
}

// onDraftSubmitted posts the agent's reply in the thread, under their name and picture, and
// records it as their message: its follow-up time enters the ledger like any agent reply.
// The bot ignores its own message when Slack echoes it, so it is counted once.
func (b *Bot) onDraftSubmitted(ctx context.Context, cb slack.InteractionCallback) error {
	src, ok := decodeSource(cb.View.PrivateMetadata)
	if !ok || !src.postable() {
		b.log.Warn("draft submission with unreadable metadata ignored")
		return nil
	}
	_, text, problem := draftProblem(cb)
	if problem != "" {
		return nil // the ack already showed the problem on the field
	}
	agent := cb.User.ID
	// The field is plain text: what the agent typed goes out as typed, so "&", "<" and ">" are
	// escaped rather than read as Slack markup ("<SAML>" would vanish as a link).
	out := escape(text)
	opts := []slack.MsgOption{
		slack.MsgOptionText(out, false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, out, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockDraft))),
		slack.MsgOptionTS(src.Thread),
	}
	u := b.profileOf(ctx, agent)
	if u != nil && u.Name != "" {
		opts = append(opts, slack.MsgOptionUsername(u.Name))
		if u.Image != "" {
			opts = append(opts, slack.MsgOptionIconURL(u.Image))
		}
	}
	_, ts, err := b.api.PostMessageContext(ctx, src.Channel, opts...)
	if err != nil {
		msg := ":warning: I couldn't post your reply in the thread, so nothing was sent. Copy it from here and post it yourself:\n>>> " + out
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && (se.Err == "not_in_channel" || se.Err == "channel_not_found") {
			msg = ":warning: I'm not a member of that channel, so I couldn't post your reply. Invite me with `/invite @Deescalate`, or post it yourself:\n>>> " + out
		}
		_ = b.reply(ctx, src.URL, false, blockDraft, msg)
		return fmt.Errorf("post the draft: %w", err)
	}
	b.log.Info("draft posted", zap.String("channel", src.Channel), zap.String("thread_ts", src.Thread), zap.String("ts", ts))
	tz := ""
	if u != nil {
		tz = u.TZ
	}
	snap, err := b.threads.Load(ctx, src.Channel, src.Thread)
	if err != nil {
		return err
	}
	ev := coach.Event{Kind: coach.Posted, TS: ts, User: agent, Role: coach.RoleAgent, Text: text, At: b.now(), Zone: b.zone(tz)}
	log := b.log.With(zap.String("channel", src.Channel), zap.String("thread_ts", src.Thread), zap.String("user", agent))
	return b.apply(ctx, log, "", snap, ev, []string{ts}, nil)
}

// answerDraft shows a draft as a private answer to /deescalate (or replaces that answer),
// with buttons to edit and post it, or to switch tone.
func (b *Bot) answerDraft(ctx context.Context, responseURL string, replace bool, src draftSource, c composed) error {
	src.Tone = string(c.draft.Tone)
	intro := "Here's a calm reply"
	if c.customer != "" {
		intro += " to *" + c.customer + "*"
	}
	intro += " (only you can see this):"
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, intro+"\n"+quote(c.draft.Text), false, false), nil, nil, slack.SectionBlockOptionBlockID(blockDraft)),
	}
	var els []slack.BlockElement
	if src.postable() {
		els = append(els, slack.NewButtonBlockElement(actionDraftOpen, src.encode(), slack.NewTextBlockObject(slack.PlainTextType, "Edit and post", false, false)).WithStyle(slack.StylePrimary))
	}
	for _, t := range coach.Tones {
		if t == c.draft.Tone {
			continue
		}
		s := src
		s.Tone = string(t)
		label := strings.ToUpper(string(t[:1])) + string(t[1:]) + " instead"
		els = append(els, slack.NewButtonBlockElement(actionDraftTone+string(t), s.encode(), slack.NewTextBlockObject(slack.PlainTextType, label, false, false)))
	}
	blocks = append(blocks, slack.NewActionBlock("draft_actions", els...))
	if notes := slotNotes(c.draft.Slots); len(notes) > 0 {
		blocks = append(blocks, slack.NewContextBlock("draft_notes", slack.NewTextBlockObject(slack.MarkdownType,
			strings.Join(notes, "\n"), false, false)))
	}
	return b.answer(ctx, responseURL, replace, blocks, "Your draft reply")
}

// permalinkRe reads a Slack message link: …/archives/C123/p1700000000000200?thread_ts=…
var permalinkRe = regexp.MustCompile(`^<?https://[a-zA-Z0-9.-]+/archives/([CGD][A-Z0-9]{2,20})/p(\d{10})(\d{6})(\?[^\s|>]*)?(?:\|[^>]*)?>?$`)

// parsePermalink returns the channel, message and thread of a message link.
func parsePermalink(s string) (channel, ts, thread string, ok bool) {
	m := permalinkRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", "", "", false
	}
	channel, ts, thread = m[1], m[2]+"."+m[3], m[2]+"."+m[3]
	if m[4] != "" {
		if q, err := url.ParseQuery(m[4][1:]); err == nil && refTS.MatchString(q.Get("thread_ts")) {
			thread = q.Get("thread_ts")
		}
	}
	return channel, ts, thread, true
}

var errNoMessage = errors.New("message not found")

// fetchMessage reads one message of a thread from Slack. Its text is used for the draft and
// not kept.
func (b *Bot) fetchMessage(ctx context.Context, channel, thread, ts string) (slack.Message, error) {
	msgs, _, _, err := b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: thread, Oldest: ts, Latest: ts, Inclusive: true, Limit: 1,
	})
	if err != nil {
		return slack.Message{}, err
	}
	for _, m := range msgs {
		if m.Timestamp == ts {
			return m, nil
		}
	}
	return slack.Message{}, errNoMessage
}

// slashDraft answers /deescalate with text, a link, or nothing.
func (b *Bot) slashDraft(ctx context.Context, cmd slack.SlashCommand, arg string) error {
	src := draftSource{Tone: string(coach.ToneWarm)}
	switch channel, ts, thread, isLink := parsePermalink(arg); {
	case isLink:
		if !slices.Contains(b.membersOf(ctx, channel), cmd.UserID) {
			return b.respond(ctx, cmd.ResponseURL, draftNote("I can only draft replies to messages in channels you're a member of, and I need to be a member too."), "Not available")
		}
		m, err := b.fetchMessage(ctx, channel, thread, ts)
		if err != nil {
			b.log.Info("could not read a linked message", zap.String("channel", channel), zap.Error(err))
			return b.respond(ctx, cmd.ResponseURL, draftNote(fetchProblem(err)), "Could not read that message")
		}
		src = draftSource{Channel: channel, Thread: thread, TS: ts, Customer: m.User, Text: m.Text, Tone: src.Tone}
	case arg != "":
		src.Text = arg
	default:
		snaps, err := b.drafts.UpsetThreads(ctx, cmd.UserID, cmd.ChannelID, 1)
		if err != nil {
			return err
		}
		if len(snaps) == 0 {
			return b.respond(ctx, cmd.ResponseURL, draftNote("None of the threads you own in this channel has an upset customer right now, so there's nothing to draft.\n"+
				"To draft a reply to any message, use *Draft a calm reply* from the message's ⋮ menu, or `"+cmd.Command+" <message link>`, or `"+cmd.Command+" <their words>`."), "Nothing to draft")
		}
		t := snaps[0].Thread
		var seen coach.Seen
		for _, s := range t.Messages {
			if s.Role == coach.RoleCustomer && s.Upset {
				seen = s
			}
		}
		m, err := b.fetchMessage(ctx, t.Channel, t.TS, seen.TS)
		if err != nil {
			b.log.Info("could not read the upset message", zap.String("channel", t.Channel), zap.String("thread_ts", t.TS), zap.Error(err))
			return b.respond(ctx, cmd.ResponseURL, draftNote(fetchProblem(err)), "Could not read that message")
		}
		src = draftSource{Channel: t.Channel, Thread: t.TS, TS: seen.TS, Customer: seen.User, Text: m.Text, Tone: src.Tone}
	}
	if strings.TrimSpace(src.Text) == "" {
		return b.respond(ctx, cmd.ResponseURL, draftNote("That message has no text I can answer."), "Nothing to draft")
	}
	c := b.compose(ctx, src, cmd.UserID)
	b.metrics.add("deescalate_drafts_total", "entry", "slash", "source", "composed")
	b.log.Info("draft answered", zap.String("channel", src.Channel), zap.String("thread_ts", src.Thread), zap.Bool("postable", src.postable()))
	return b.answerDraft(ctx, cmd.ResponseURL, false, src, c)
}

// fetchProblem explains to the agent why a message could not be read.
func fetchProblem(err error) string {
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		return "Slack limits how often I can read messages, and the limit is reached right now. Use *Draft a calm reply* from the message's ⋮ menu instead: it needs no lookup."
	case errors.Is(err, errNoMessage), errors.As(err, &se) && (se.Err == "thread_not_found" || se.Err == "message_not_found"):
		return "I couldn't find that message. It may have been deleted."
	case errors.As(err, &se) && (se.Err == "not_in_channel" || se.Err == "channel_not_found"):
		return "I'm not a member of that channel, so I can't read the message. Invite me with `/invite @Deescalate`."
	}
	return "I couldn't read that message just now. Please try again in a moment."
}

func draftNote(text string) []slack.Block { return textBlocks(blockDraft, text) }

// draftAck is the acknowledgement of a draft modal's submission: the problem shown on the
// field, or nothing (the modal closes).
func draftAck(cb slack.InteractionCallback) any {
	field, _, problem := draftProblem(cb)
	if problem == "" || field == "" {
		return nil
	}
	return slack.NewErrorsViewSubmissionResponse(map[string]string{field: problem})
}
