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
	sub, _, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	switch strings.ToLower(sub) {
	case "followups", "follow-ups", "followup", "promises":
		return b.followups(ctx, cmd)
	}
	return b.respond(ctx, cmd.ResponseURL, helpBlocks(cmd.Command), "How to use "+cmd.Command)
}

// respond posts an ephemeral answer to a response URL.
func (b *Bot) respond(ctx context.Context, responseURL string, blocks []slack.Block, text string) error {
	if responseURL == "" {
		return nil
	}
	_, _, err := b.api.PostMessageContext(ctx, "",
		slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
	if err != nil {
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
		"• React with :eyes: on a customer's message to take the thread; you get the nudges for it.\n"+
		"• When you promise a customer an update by a time, I remind you before it is due; `%s followups` lists your open promises.\n"+
		"• `%s help` shows this message.", "Deescalate", command, command)
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil,
			slack.SectionBlockOptionBlockID(blockHelp)),
	}
}
