package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

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

// respond posts an ephemeral answer to a response URL.
func (b *Bot) respond(ctx context.Context, responseURL string, blocks []slack.Block, text string) error {
	return b.answer(ctx, responseURL, false, blocks, text)
}

// answer posts to a response URL: a new private message, or in place of the message the
// button was in (replace).
func (b *Bot) answer(ctx context.Context, responseURL string, replace bool, blocks []slack.Block, text string) error {
	if responseURL == "" {
		return nil
	}
	opts := []slack.MsgOption{slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false)}
	if replace {
		opts = append(opts, slack.MsgOptionReplaceOriginal(responseURL))
	} else {
		opts = append(opts, slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeEphemeral))
	}
	if _, _, err := b.api.PostMessageContext(ctx, "", opts...); err != nil {
		return fmt.Errorf("answer via response_url: %w", err)
	}
	return nil
}

func helpBlocks(command string) []slack.Block {
	if command == "" {
		command = "/deescalate"
	}
	body := fmt.Sprintf("*%s* helps you answer upset customers calmly. Everything it shows is visible only to you.\n"+
		"• I watch the support channels I'm in and nudge you privately when a customer is upset.\n"+
		"• `%[2]s` drafts a calm reply to the newest upset customer in a thread you own here; `%[2]s <message link>` or `%[2]s <their words>` drafts one to that message. In a thread, use *Draft a calm reply* from the message's ⋮ menu.\n"+
		"• React with :eyes: on a customer's message to take the thread; you get the nudges for it.\n"+
		"• When you promise a customer an update by a time, I remind you before it is due; `%[2]s followups` lists your open promises.\n"+
		"• `%[2]s digest subscribe` gets you a weekly DM of what customers complained about and praised, with your own coaching figures; `%[2]s digest preview` shows this week so far, `%[2]s digest unsubscribe` stops it.\n"+
		"• The app's *Home* tab shows your week, your open promises and your settings (mute a rule, snooze coaching).\n"+
		"• `%[2]s help` shows this message.", "Deescalate", command)
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil,
			slack.SectionBlockOptionBlockID(blockHelp)),
	}
}
