package main

import (
	"regexp"
	"strings"
)

// Slack's message markup, read for a person: mentions and channels by name, links by their
// label, dates by their fallback text, emphasis markers dropped, &amp; &lt; &gt; decoded.
// The demo, the playground's transcript and replay's quotes all show text through it.

var (
	slackRef = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)
	emphasis = regexp.MustCompile(`(^|[\s(“"])[*_~]([^*_~\n]+)[*_~]`)
	entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
)

// namer gives the names of users and channels by id ("" when it does not know one).
type namer struct {
	user    func(id string) string
	channel func(id string) string
}

// plain renders mrkdwn as the text a person reads.
func (n namer) plain(s string) string {
	s = slackRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackRef.FindStringSubmatch(m)
		return n.ref(sub[1], sub[2])
	})
	s = emphasis.ReplaceAllString(s, "$1$2")
	return entities.Replace(s)
}

// ref renders one <…> reference: its target and its label (after the |).
func (n namer) ref(target, label string) string {
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		if n.user != nil {
			if name := n.user(id); name != "" {
				return "@" + name
			}
		}
		if label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return "@" + id
	case strings.HasPrefix(target, "#"):
		id := target[1:]
		if n.channel != nil {
			if name := n.channel(id); name != "" {
				return "#" + name
			}
		}
		if label != "" {
			return "#" + strings.TrimPrefix(label, "#")
		}
		return "#" + id
	case strings.HasPrefix(target, "!"):
		// <!here>, <!channel>, <!subteam^S123|@team>, <!date^1700000000^{date}|fallback>
		if label != "" {
			return label
		}
		word, _, _ := strings.Cut(target[1:], "^")
		return "@" + word
	case label != "":
		return label
	}
	return strings.TrimPrefix(target, "mailto:")
}
