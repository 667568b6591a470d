package coach

import (
	"regexp"
	"strings"
)

var (
	redactEmail = regexp.MustCompile(`(?i)(?:mailto:)?[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}`)
	// Card numbers: 13 to 19 digits, in groups separated by spaces or dashes.
	redactCard = regexp.MustCompile(`\b(?:\d[ -]?){12,18}\d\b`)
	// Phone numbers: an optional +country code, then at least 7 digits with the usual separators.
	redactPhone = regexp.MustCompile(`(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){2,4}\b`)
	isoDate     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	redactURL   = regexp.MustCompile(`(?i)\bhttps?://[^\s<>|"]+`)
	// A path segment or value that looks like a secret: long and mixing letters and digits.
	secretish = regexp.MustCompile(`[A-Za-z0-9_\-]{20,}`)
	// Slack's own markup around links and mentions: <url|label>, <mailto:…|…>, <@U…>.
	slackLink = regexp.MustCompile(`<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>`)
)

// Redact removes what an outside service must not see from a customer message: e-mail
// addresses, phone and card numbers, and the query strings, fragments and token-like parts
// of links (the host and plain path words stay, so "the link to /billing is broken" still
// reads). It is for the optional LLM: nothing else leaves the bot with message text.
func Redact(s string) string {
	s = slackLink.ReplaceAllString(s, "$1")
	s = redactURL.ReplaceAllStringFunc(s, redactLink)
	s = redactEmail.ReplaceAllString(s, "[email]")
	s = redactCard.ReplaceAllStringFunc(s, func(m string) string {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
		if len(digits) >= 13 && luhn(digits) {
			return "[card number]"
		}
		return m
	})
	s = redactPhone.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		switch {
		case isoDate.MatchString(m):
			return m
		case digits >= 7 && digits <= 15 && strings.ContainsAny(m, " .-()+"):
			return "[phone]"
		case digits == 10 || digits == 11:
			return "[phone]" // a bare number of a phone's length; longer runs are order or tracking ids
		}
		return m
	})
	return s
}

// redactLink keeps a link's scheme, host and ordinary path words; it drops the query, the
// fragment, credentials and any segment that looks like a token.
func redactLink(u string) string {
	trail := ""
	for strings.HasSuffix(u, ".") || strings.HasSuffix(u, ",") || strings.HasSuffix(u, ")") {
		trail = u[len(u)-1:] + trail
		u = u[:len(u)-1]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	scheme, rest, _ := strings.Cut(u, "://")
	if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
		rest = rest[at+1:]
	}
	parts := strings.Split(rest, "/")
	for i := 1; i < len(parts); i++ {
		if secretish.MatchString(parts[i]) && strings.ContainsAny(parts[i], "0123456789") {
			parts[i] = "[redacted]"
		}
	}
	return scheme + "://" + strings.Join(parts, "/") + trail
}

// luhn reports whether a digit string passes the Luhn check cards carry.
func luhn(d string) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}
