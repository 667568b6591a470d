package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/zap"
)

// Routing: each acknowledged envelope goes to its handler, by type: Events API events,
// interactions (buttons, shortcuts, modal submissions) and the slash command.

func (b *Bot) handle(ctx context.Context, evt socketmode.Event) {
	var err error
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		err = b.handleEventsAPI(ctx, evt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return
		}
		err = b.handleSlash(ctx, cmd)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			return
		}
		err = b.handleInteraction(ctx, cb)
	}
	switch {
	case err == nil:
		b.redisOK()
	case b.redisTrouble(err):
		b.log.Debug("event dropped: redis is unreachable", zap.String("envelope_id", evt.Request.EnvelopeID))
	default:
		b.log.Error("event failed", zap.String("type", string(evt.Type)), zap.String("envelope_id", evt.Request.EnvelopeID), zap.Error(err))
	}
}

func (b *Bot) handleEventsAPI(ctx context.Context, evt socketmode.Event) error {
	ev, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok {
		return nil
	}
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	eventID := ""
	if cb != nil {
		eventID = cb.EventID
	}
	switch inner := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return b.onMessage(ctx, eventID, inner)
	case *slackevents.ReactionAddedEvent:
		return b.onReaction(ctx, eventID, inner)
	case *slackevents.AppHomeOpenedEvent:
		if inner.Tab != "home" || inner.User == "" {
			return nil
		}
		return b.publishHome(ctx, inner.User)
	case *slackevents.SubteamMembersChangedEvent:
		for _, r := range []*roster{b.roster, b.onDuty, b.leads} {
			if r.group != "" && inner.SubteamID == r.group {
				r.forget()
				b.log.Info("user group changed; its members will be fetched again", zap.String("usergroup", inner.SubteamID))
			}
		}
	case *slackevents.AppUninstalledEvent, *slackevents.TokensRevokedEvent:
		b.log.Error("the app was uninstalled or its tokens revoked: reinstall it and update SLACK_BOT_TOKEN", zap.String("event", ev.InnerEvent.Type))
	}
	return nil
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

// handleSlash answers /deescalate. The envelope was acknowledged already; the answer goes to
// the command's response_url, privately.
func (b *Bot) handleSlash(ctx context.Context, cmd slack.SlashCommand) error {
	text := strings.TrimSpace(cmd.Text)
	sub, _, _ := strings.Cut(text, " ")
	switch strings.ToLower(sub) {
	case "followups", "follow-ups", "followup", "promises":
		return b.followups(ctx, cmd)
	case "digest":
		return b.slashDigest(ctx, cmd, text[len(sub):])
	case "help", "-h", "--help", "?":
		return b.respond(ctx, cmd.ResponseURL, helpBlocks(cmd.Command), "How to use "+cmd.Command)
	case "draft", "reply":
		text = strings.TrimSpace(text[len(sub):])
	}
	if _, _, _, link := parsePermalink(text); !link && text != "" && !strings.ContainsAny(text, " \n") {
		// One word that is not a command is most likely a typo of one: show how to use it.
		return b.respond(ctx, cmd.ResponseURL, helpBlocks(cmd.Command), "How to use "+cmd.Command)
	}
	return b.slashDraft(ctx, cmd, text)
}
