package bot

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/deescalate/deescalate/coach"
)

// maxTips is how many nudges one message carries; more would be a lecture.
const maxTips = 2

// Block ids that name what a message is (docs/scenarios.md); the simulator and metrics read them.
const (
	blockHelp = "help"
)

func nudgeBlockID(rule string) string { return "nudge:" + rule }

// renderNudges renders one agent's nudges as one message: for each, a section (block id
// nudge:<rule>) with the title and why, then a context line with a sentence to use. It
// returns the blocks and the notification text.
func renderNudges(ns []coach.Nudge, channel, thread string) ([]slack.Block, string) {
	var blocks []slack.Block
	var fallback []string
	for _, n := range ns {
		body := "*" + escape(n.Title) + ".* " + escape(n.Why)
		if len(n.Items) > 0 {
			var items []string
			for _, it := range n.Items {
				items = append(items, "• "+escape(it))
			}
			body += "\n" + strings.Join(items, "\n")
		}
		blocks = append(blocks,
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil,
				slack.SectionBlockOptionBlockID(nudgeBlockID(n.Rule))),
			slack.NewContextBlock("say:"+n.Rule,
				slack.NewTextBlockObject(slack.MarkdownType, "Try: _"+escape(n.Say)+"_", false, false)),
			feedbackButtons(n.Rule, channel, thread),
		)
		fallback = append(fallback, n.Title+": "+n.Why)
	}
	return blocks, strings.Join(fallback, " · ")
}

// escape makes text safe inside mrkdwn: Slack needs &, < and > escaped.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
