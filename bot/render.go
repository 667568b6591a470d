package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/deescalate/deescalate/coach"
)

// Block ids that name what a message is (docs/scenarios.md); the simulator and metrics read them.
const (
	blockHelp = "help"
)

// escape makes text safe inside mrkdwn: Slack needs &, < and > escaped.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
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

func textBlocks(blockID, text string) []slack.Block {
	return []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockID))}
}

// section is a mrkdwn section, cut to Slack's limit.
func section(blockID, text string) slack.Block {
	if len(text) > maxSection {
		text = coach.CutWords(text, maxSection) + " …"
	}
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil, slack.SectionBlockOptionBlockID(blockID))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
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
