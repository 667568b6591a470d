package text

import (
	"strings"
	"unicode/utf8"
)

// maxEmojiName bounds the search for an emoji code's closing colon so the scan stays linear.
const maxEmojiName = 48

// clean turns Slack mrkdwn into the prose its author wrote in their own voice, in one pass:
//
//   - ```code blocks``` are dropped: a stack trace is not the customer's tone; `code spans`
//     stay with their backticks (they name things) and the tokenizer reads each as one token;
//   - quoted lines (> and everything after >>>) are dropped: an agent quoting the customer is
//     not shouting, and a customer quoting an old promise is not making one;
//   - <@U123|ana>, <#C1|name>, <!here> and <url|label> become @ana, #name, @here and label (a
//     bare link becomes its address, which the tokenizer reads as a name);
//   - &amp; &lt; &gt; are decoded, *bold*, _italic_ and ~strike~ markers removed, curly
//     apostrophes straightened;
//   - emoji, as :codes: or characters, stay where they are: the tokenizer reads them.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	inFence := false
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		if inFence {
			end := strings.Index(line, "```")
			if end < 0 {
				continue
			}
			inFence = false
			line = line[end+3:]
		} else {
			lead := strings.TrimLeft(line, " \t")
			if strings.HasPrefix(lead, "&gt;&gt;&gt;") || strings.HasPrefix(lead, ">>>") {
				break // ">>>" quotes everything that follows it
			}
			if strings.HasPrefix(lead, "&gt;") || strings.HasPrefix(lead, ">") {
				continue
			}
		}
		inFence = cleanLine(&b, line)
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}

// cleanLine writes the prose of one line and reports whether a code fence opened on it and is
// still open at its end.
func cleanLine(b *strings.Builder, line string) (fenceOpen bool) {
	for i := 0; i < len(line); {
		c := line[i]
		switch c {
		case '`':
			if strings.HasPrefix(line[i:], "```") {
				end := strings.Index(line[i+3:], "```")
				if end < 0 {
					return true
				}
				i += 3 + end + 3
				b.WriteByte(' ')
				continue
			}
			if end := strings.IndexByte(line[i+1:], '`'); end >= 0 {
				b.WriteString(line[i : i+1+end+1])
				i += 1 + end + 1
				continue
			}
		case '<':
			if end := strings.IndexByte(line[i+1:], '>'); end >= 0 && end > 0 && isReference(line[i+1:i+1+end]) {
				writeReference(b, line[i+1:i+1+end])
				i += 1 + end + 1
				continue
			}
		case '&':
			switch {
			case strings.HasPrefix(line[i:], "&amp;"):
				b.WriteByte('&')
				i += 5
				continue
			case strings.HasPrefix(line[i:], "&lt;"):
				b.WriteByte('<')
				i += 4
				continue
			case strings.HasPrefix(line[i:], "&gt;"):
				b.WriteByte('>')
				i += 4
				continue
			}
		case '*', '_', '~':
			if isMarker(line, i) {
				i++
				continue
			}
		case 0xE2:
			// Curly apostrophes (U+2018, U+2019) become straight ones so "can’t" reads as "can't".
			if strings.HasPrefix(line[i:], "\u2019") || strings.HasPrefix(line[i:], "\u2018") {
				b.WriteByte('\'')
				i += 3
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return false
}

// isReference reports whether the inside of <…> is one of Slack's references rather than
// prose that happens to hold a "<" ("<3", "a < b > c").
func isReference(ref string) bool {
	switch ref[0] {
	case '@', '#', '!':
		return true
	}
	target, _, _ := strings.Cut(ref, "|")
	return strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "tel:")
}

// writeReference renders the inside of a Slack <…> reference.
func writeReference(b *strings.Builder, ref string) {
	target, label, hasLabel := strings.Cut(ref, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		if hasLabel && label != "" {
			b.WriteString("@" + strings.TrimPrefix(label, "@"))
		} else {
			b.WriteString("@user")
		}
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			b.WriteString("#" + label)
		} else {
			b.WriteString("#channel")
		}
	case strings.HasPrefix(target, "!"):
		if hasLabel && label != "" {
			b.WriteString(label)
		} else {
			word, _, _ := strings.Cut(target[1:], "^")
			b.WriteString("@" + word)
		}
	case hasLabel && label != "":
		// A link: its label is prose.
		b.WriteString(label)
	default:
		b.WriteString(strings.TrimPrefix(strings.TrimPrefix(target, "mailto:"), "tel:"))
	}
}

// isMarker reports whether the formatting character at i opens or closes a span: it touches a
// word on one side and a space, punctuation or the line's edge on the other.
func isMarker(line string, i int) bool {
	before := i == 0 || !isWordByte(line[i-1])
	after := i == len(line)-1 || !isWordByte(line[i+1])
	return before != after
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
