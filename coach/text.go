package coach

import (
	"strings"
	"unicode/utf8"
)

// Text is a Slack message reduced to what its author wrote in their own voice: no code, no
// quoted text, no link targets or markup. Coaching judges Plain; Emoji keeps the emoji codes
// (without colons), which carry tone of their own.
type Text struct {
	Plain string
	Emoji []string
}

// maxEmojiName bounds the search for a closing colon so the scan stays linear.
const maxEmojiName = 48

// Clean turns Slack mrkdwn into plain prose. It runs in one pass over the input and never
// allocates more than the input's size for the output.
//
//   - ```code blocks``` are dropped: a stack trace is not the customer's tone; `code spans` are
//     kept with their backticks (they name things: "`/v2/users` ignores the limit") and the
//     tokenizer reads each as one neutral word;
//   - quoted lines (> and >>>) are dropped: an agent quoting the customer is not shouting;
//   - <@U123>, <#C1|name>, <!here> and <url|label> become @user, #name, @here and label;
//   - &amp; &lt; &gt; are decoded; *bold*, _italic_ and ~strike~ markers are removed;
//   - :emoji: codes move to Emoji.
func Clean(s string) Text {
	var t Text
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
				// ">>>" quotes everything that follows it.
				break
			}
			if strings.HasPrefix(lead, "&gt;") || strings.HasPrefix(lead, ">") {
				continue
			}
		}
		inFence = cleanLine(&b, &t, line)
		b.WriteByte('\n')
	}
	t.Plain = strings.TrimSpace(b.String())
	return t
}

// cleanLine writes the prose of one line and reports whether a code fence opened on it and
// is still open at its end.
func cleanLine(b *strings.Builder, t *Text, line string) (fenceOpen bool) {
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
			if end := strings.IndexByte(line[i+1:], '>'); end >= 0 {
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
		case ':':
			if n := emojiLen(line[i:]); n > 0 {
				t.Emoji = append(t.Emoji, line[i+1:i+n-1])
				i += n
				b.WriteByte(' ')
				continue
			}
		case '*', '_', '~':
			if isMarker(line, i) {
				i++
				continue
			}
		case 0xF0, 0xE2:
			if name, n := unicodeEmoji(line[i:]); n > 0 {
				t.Emoji = append(t.Emoji, name)
				i += n
				b.WriteByte(' ')
				continue
			}
			if c != 0xE2 {
				break
			}
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

// emojiNames names the emoji that carry mood, as Slack writes them (":roll_eyes:"). Slack
// usually sends codes, but pasted emoji arrive as characters.
var emojiNames = map[string]string{
	"🙄": "roll_eyes", "🙃": "upside_down_face", "😩": "weary", "😫": "tired_face", "😤": "triumph",
	"😡": "rage", "😠": "angry", "🤬": "face_with_symbols_on_mouth", "👎": "-1", "😒": "unamused",
	"😞": "disappointed", "😑": "expressionless", "😐": "neutral_face", "💀": "skull", "🤡": "clown_face",
	"😭": "sob", "😢": "cry", "🖕": "middle_finger", "👏": "clap", "😂": "joy", "🤣": "rolling_on_the_floor_laughing",
	"😍": "heart_eyes", "❤": "heart", "🔥": "fire", "🎉": "tada", "👍": "+1", "🙌": "raised_hands",
	"😊": "blush", "😁": "grin", "😄": "smile", "😃": "smiley", "😅": "sweat_smile", "🤯": "exploding_head",
	"🙏": "pray", "✨": "sparkles", "💯": "100", "😎": "sunglasses", "🥰": "smiling_face_with_3_hearts",
	"🥳": "partying_face", "😆": "laughing", "🤩": "star_struck", "👌": "ok_hand", "💪": "muscle",
	"🍕": "pizza", "😉": "wink", "🤗": "hugging_face", "😌": "relieved", "🙂": "slightly_smiling_face",
	"✅": "white_check_mark", "😣": "persevere", "😖": "confounded", "😱": "scream",
}

// unicodeEmoji returns the name and byte length of an emoji character at the start of s
// (with any variation selector or skin tone after it), or 0.
func unicodeEmoji(s string) (string, int) {
	r, n := utf8.DecodeRuneInString(s)
	name, ok := emojiNames[string(r)]
	if !ok {
		return "", 0
	}
	for n < len(s) {
		next, size := utf8.DecodeRuneInString(s[n:])
		if next != 0xFE0F && !(next >= 0x1F3FB && next <= 0x1F3FF) {
			break
		}
		n += size
	}
	return name, n
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
	default:
		// A link: its label is prose, its address is not.
		if hasLabel {
			b.WriteString(label)
		} else {
			b.WriteString("link")
		}
	}
}

// emojiLen returns the length of an emoji code (":name:") at the start of s, or 0.
// Names hold lowercase letters, digits, underscores, dashes, plus signs and apostrophes; a name made only of digits is
// a clock time ("10:30:45"), not an emoji, except the real ":100:".
func emojiLen(s string) int {
	letters := false
	limit := min(len(s), maxEmojiName+2)
	for j := 1; j < limit; j++ {
		c := s[j]
		switch {
		case c == ':':
			if j == 1 {
				return 0
			}
			if !letters && s[1:j] != "100" && s[1:j] != "+1" && s[1:j] != "-1" {
				return 0
			}
			return j + 1
		case c >= 'a' && c <= 'z':
			letters = true
		case c >= '0' && c <= '9', c == '_', c == '-', c == '+', c == '\'':
		default:
			return 0
		}
	}
	return 0
}

// isMarker reports whether the formatting character at i opens or closes a span: it touches
// a word on one side and a space, punctuation or the line's edge on the other.
func isMarker(line string, i int) bool {
	before := i == 0 || !isWordByte(line[i-1])
	after := i == len(line)-1 || !isWordByte(line[i+1])
	return before != after
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// cutWords returns the longest prefix of s of at most n bytes that ends before a space, or,
// when those bytes hold no space after the first, the longest that ends on a character
// boundary. A quote cut inside a multi-byte character would be invalid UTF-8 in a nudge.
func cutWords(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if cut := strings.LastIndexByte(s[:n], ' '); cut > 0 {
		return s[:cut]
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
