package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenize splits cleaned prose into tokens. Every byte that is not white space belongs to a
// token, so the text between two tokens is only ever white space.
func tokenize(s string, dst []Token) []Token {
	lineStart := true
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n' {
			if c == '\n' {
				lineStart = true
			}
			i++
			continue
		}
		joined := i > 0 && !isSpace(s[i-1])
		t, n := scan(s, i, dst)
		t.Start, t.End = i, i+n
		t.Text = s[i : i+n]
		if t.Norm == "" {
			t.Norm = t.Text
		}
		t.Joined = joined && len(dst) > 0
		t.LineStart = lineStart
		lineStart = false
		dst = append(dst, t)
		i += n
	}
	return dst
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n'
}

// scan reads the token that starts at i and returns it (without offsets) and its length.
func scan(s string, i int, prev []Token) (Token, int) {
	c := s[i]
	switch {
	case c == '`':
		if end := strings.IndexByte(s[i+1:], '`'); end >= 0 {
			return Token{Kind: Code, Norm: "<code>"}, end + 2
		}
		return Token{Kind: Symbol}, 1
	case c == ':':
		if n := emojiCode(s[i:]); n > 0 {
			return Token{Kind: Emoji, Norm: s[i+1 : i+n-1]}, n
		}
		return Token{Kind: Punct}, 1
	case c == '@' || c == '#':
		if n := handle(s[i+1:]); n > 0 && (c == '@' || !isDigitByte(s[i+1])) {
			return Token{Kind: Name, Norm: string(c) + "name"}, n + 1
		}
		return Token{Kind: Symbol}, 1
	case hasURLPrefix(s[i:]):
		n := urlLen(s[i:])
		return Token{Kind: Name, Norm: "<url>"}, n
	case isDigitByte(c):
		return number(s, i)
	case c < utf8.RuneSelf && isLetterByte(c), c >= utf8.RuneSelf && letterAt(s, i):
		if n := emailLen(s[i:]); n > 0 {
			return Token{Kind: Name, Norm: "<email>"}, n
		}
		return word(s, i, prev)
	case c == '!' || c == '?':
		n := 1
		for i+n < len(s) && (s[i+n] == '!' || s[i+n] == '?') {
			n++
		}
		return Token{Kind: Punct}, n
	case c == '.':
		if strings.HasPrefix(s[i:], "...") {
			n := 3
			for i+n < len(s) && s[i+n] == '.' {
				n++
			}
			return Token{Kind: Punct, Norm: "..."}, n
		}
		return Token{Kind: Punct}, 1
	case c == ',' || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '"' || c == '\'' || c == '-':
		return Token{Kind: Punct}, 1
	case c < utf8.RuneSelf:
		return Token{Kind: Symbol}, 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '\u2026':
		return Token{Kind: Punct, Norm: "..."}, n
	case '\u2013', '\u2014', '\u2012', '\u2212':
		return Token{Kind: Punct, Norm: "-"}, n
	case '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB':
		return Token{Kind: Punct, Norm: "\""}, n
	case '\u00BF', '\u00A1': // ¿ ¡ open a question or an exclamation; they end nothing
		return Token{Kind: Symbol}, n
	}
	if name, m := emojiChar(s[i:]); m > 0 {
		return Token{Kind: Emoji, Norm: name}, m
	}
	if unicode.IsDigit(r) {
		return Token{Kind: Number}, n
	}
	return Token{Kind: Symbol}, n
}

// word reads a word: letters, with digits, inner apostrophes ("can't") and inner hyphens
// ("so-called", "log-in") after its first letter. "e.g.", "i.e." and "a.m."/"p.m." are words.
func word(s string, i int, prev []Token) (Token, int) {
	for _, abbr := range [...]string{"e.g.", "i.e.", "a.m.", "p.m."} {
		if len(s)-i >= len(abbr) && strings.EqualFold(s[i:i+len(abbr)], abbr) && (i+len(abbr) == len(s) || !isLetterByte(s[i+len(abbr)])) {
			norm := abbr
			if abbr[1] == '.' && abbr[2] == 'm' {
				norm = abbr[:1] + "m"
			}
			return Token{Kind: Word, Norm: norm}, len(abbr)
		}
	}
	j := i
	letters, upper := 0, 0
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if (r == '\'' || r == '-') && j > i && j+1 < len(s) {
			if next, _ := utf8.DecodeRuneInString(s[j+1:]); unicode.IsLetter(next) || r == '-' && unicode.IsDigit(next) {
				j += n
				continue
			}
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			break
		}
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
		j += n
	}
	// "a.m." written after a number without the first dot handled above; "10am" is a number
	// then a joined word, read by number().
	text := s[i:j]
	norm, stretched := normalize(text)
	_ = prev
	return Token{Kind: Word, Norm: norm, Caps: letters >= 2 && upper == letters, Stretched: stretched}, j - i
}

// number reads digits with separators between them ("14,200", "10:30", "2.5", "9/12",
// "2026-11-24"), then an ordinal ending ("4th") or a word glued to it: units and times
// ("3pm", "24h", "45mins") are split off as their own joined word, so a time reads as a
// number and "pm"; anything else ("2FA", "4G") is one word.
func number(s string, i int) (Token, int) {
	j := i
	for j < len(s) {
		c := s[j]
		if isDigitByte(c) {
			j++
			continue
		}
		if (c == '.' || c == ',' || c == ':' || c == '/' || c == '-') && j+1 < len(s) && isDigitByte(s[j+1]) && j > i {
			j++
			continue
		}
		break
	}
	k := j
	for k < len(s) && isLetterByte(s[k]) {
		k++
	}
	if k == j {
		return Token{Kind: Number}, j - i
	}
	suffix := strings.ToLower(s[j:k])
	switch suffix {
	case "st", "nd", "rd", "th":
		return Token{Kind: Number, Norm: strings.ToLower(s[i:k])}, k - i
	}
	if unitSuffix[suffix] {
		return Token{Kind: Number}, j - i
	}
	norm, _ := normalize(s[i:k])
	return Token{Kind: Word, Norm: norm}, k - i
}

// unitSuffix: words glued to a number that are read on their own: times and units.
var unitSuffix = map[string]bool{
	"am": true, "pm": true, "a": true, "p": true, "h": true, "hr": true, "hrs": true, "hour": true, "hours": true,
	"m": true, "min": true, "mins": true, "minute": true, "minutes": true, "s": true, "sec": true, "secs": true,
	"d": true, "day": true, "days": true, "w": true, "wk": true, "wks": true, "k": true, "x": true, "gb": true,
	"mb": true, "kb": true, "tb": true, "ms": true, "kwh": true, "km": true, "kg": true, "mph": true, "utc": true,
	"gmt": true, "est": true, "pst": true, "cet": true, "ist": true, "bst": true, "edt": true, "pdt": true,
}

// normalize lower-cases a word, restores the apostrophe of a contraction typed without it,
// spells out chat shorthand, and shortens a held letter to two ("sooo" → "soo").
func normalize(w string) (string, bool) {
	lower := w
	for k := 0; k < len(w); k++ {
		if c := w[k]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			lower = strings.ToLower(w)
			break
		}
	}
	stretched := false
	if n := len(lower); n >= 3 {
		var b []byte
		run := 1
		for k := 1; k < n; k++ {
			if lower[k] == lower[k-1] && lower[k] < utf8.RuneSelf && isLetterByte(lower[k]) {
				run++
			} else {
				run = 1
			}
			if run == 3 {
				if b == nil {
					b = append([]byte(nil), lower[:k]...)
				}
				stretched = true
			}
			if run >= 3 {
				continue
			}
			if b != nil {
				b = append(b, lower[k])
			}
		}
		if b != nil {
			lower = string(b)
		}
	}
	if full, ok := shorthand[lower]; ok {
		return full, stretched
	}
	return lower, stretched
}

// shorthand restores what people skip when typing fast. Words that are also real words
// ("wont", "ill", "its", "id", "were") are left alone.
var shorthand = map[string]string{
	"hasnt": "hasn't", "havent": "haven't", "hadnt": "hadn't", "doesnt": "doesn't", "dont": "don't",
	"didnt": "didn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
	"cant": "can't", "couldnt": "couldn't", "shouldnt": "shouldn't", "wouldnt": "wouldn't", "im": "i'm",
	"ive": "i've", "youre": "you're", "youve": "you've", "theyre": "they're", "thats": "that's",
	"whats": "what's", "wheres": "where's", "hows": "how's", "ur": "your", "u": "you", "pls": "please",
	"plz": "please", "thx": "thanks", "ty": "thanks", "tks": "thanks", "cuz": "because", "cos": "because",
	"bc": "because", "gonna": "gonna", "wanna": "wanna", "ain't": "isn't", "aint": "isn't", "y'all": "you",
	"yall": "you", "ya": "you", "ppl": "people", "msg": "message", "asap": "asap", "tho": "though",
	"thru": "through", "nvm": "nevermind", "idk": "i don't know",
}

func isDigitByte(c byte) bool  { return c >= '0' && c <= '9' }
func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func letterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r != utf8.RuneError && unicode.IsLetter(r)
}

// handle returns the length of a mention's or channel's name at the start of s, or 0.
func handle(s string) int {
	n := 0
	for n < len(s) {
		c := s[n]
		if isLetterByte(c) || isDigitByte(c) || c == '_' || c == '-' || c >= utf8.RuneSelf && letterAt(s, n) {
			if c >= utf8.RuneSelf {
				_, size := utf8.DecodeRuneInString(s[n:])
				n += size
				continue
			}
			n++
			continue
		}
		if c == '.' && n > 0 && n+1 < len(s) && (isLetterByte(s[n+1]) || isDigitByte(s[n+1])) {
			n++
			continue
		}
		break
	}
	return n
}

func hasURLPrefix(s string) bool {
	if len(s) < 4 {
		return false
	}
	switch s[0] | 0x20 {
	case 'h':
		l := strings.ToLower(s[:min(len(s), 8)])
		return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
	case 'w':
		return strings.EqualFold(s[:4], "www.") && len(s) > 4 && !isSpace(s[4])
	}
	return false
}

// urlLen returns the length of a web address: to the next white space, without the
// punctuation that ends the sentence around it.
func urlLen(s string) int {
	n := 0
	for n < len(s) && !isSpace(s[n]) {
		n++
	}
	for n > 0 && strings.IndexByte(".,;:!?)'\"", s[n-1]) >= 0 {
		n--
	}
	return max(n, 1)
}

// emailLen returns the length of an e-mail address at the start of s, or 0.
func emailLen(s string) int {
	at := -1
	n := 0
	for n < len(s) && n < 254 {
		c := s[n]
		switch {
		case isLetterByte(c) || isDigitByte(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-':
		case c == '@' && at < 0 && n > 0:
			at = n
		default:
			goto done
		}
		n++
	}
done:
	if at < 0 {
		return 0
	}
	for n > at && (s[n-1] == '.' || s[n-1] == '-') {
		n--
	}
	dot := strings.LastIndexByte(s[at:n], '.')
	if dot <= 1 || at+dot >= n-1 {
		return 0
	}
	return n
}

// emojiCode returns the length of an emoji code (":name:") at the start of s, or 0. Names hold
// lowercase letters, digits, underscores, dashes, plus signs and apostrophes; a name made only
// of digits is a clock time ("10:30:45"), except the real ":100:", ":+1:" and ":-1:".
func emojiCode(s string) int {
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

// emojiChar returns the name and byte length of an emoji character at the start of s, with
// the variation selectors, skin tones and joined characters that follow it, or 0.
func emojiChar(s string) (string, int) {
	r, n := utf8.DecodeRuneInString(s)
	name, known := emojiNames[r]
	if !known && !pictograph(r) {
		return "", 0
	}
	if !known {
		name = "emoji"
	}
	for n < len(s) {
		next, size := utf8.DecodeRuneInString(s[n:])
		switch {
		case next == 0xFE0F || next == 0xFE0E || next >= 0x1F3FB && next <= 0x1F3FF:
			n += size
			continue
		case next == 0x200D: // a zero-width joiner glues the next pictograph on
			n += size
			if n < len(s) {
				if r2, s2 := utf8.DecodeRuneInString(s[n:]); pictograph(r2) || emojiNames[r2] != "" {
					n += s2
				}
			}
			continue
		}
		break
	}
	return name, n
}

func pictograph(r rune) bool {
	return r >= 0x1F300 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r >= 0x1F000 && r <= 0x1F2FF
}

// emojiNames names the emoji characters that carry mood as Slack writes their codes.
var emojiNames = map[rune]string{
	'🙄': "roll_eyes", '🙃': "upside_down_face", '😩': "weary", '😫': "tired_face", '😤': "triumph",
	'😡': "rage", '😠': "angry", '🤬': "face_with_symbols_on_mouth", '👎': "-1", '😒': "unamused",
	'😞': "disappointed", '😑': "expressionless", '😐': "neutral_face", '💀': "skull", '🤡': "clown_face",
	'😭': "sob", '😢': "cry", '🖕': "middle_finger", '👏': "clap", '😂': "joy", '🤣': "rolling_on_the_floor_laughing",
	'😍': "heart_eyes", '❤': "heart", '🔥': "fire", '🎉': "tada", '👍': "+1", '🙌': "raised_hands",
	'😊': "blush", '😁': "grin", '😄': "smile", '😃': "smiley", '😅': "sweat_smile", '🤯': "exploding_head",
	'🙏': "pray", '✨': "sparkles", '💯': "100", '😎': "sunglasses", '🥰': "smiling_face_with_3_hearts",
	'🥳': "partying_face", '😆': "laughing", '🤩': "star_struck", '👌': "ok_hand", '💪': "muscle",
	'😉': "wink", '🤗': "hugging_face", '😌': "relieved", '🙂': "slightly_smiling_face",
	'✅': "white_check_mark", '😣': "persevere", '😖': "confounded", '😱': "scream", '🤦': "facepalm",
	'😔': "pensive", '😟': "worried", '😕': "confused", '🤔': "thinking_face", '😬': "grimacing",
	'😀': "grinning", '☺': "relaxed", '💔': "broken_heart", '😓': "sweat", '😥': "disappointed_relieved",
	'🤷': "shrug", '👋': "wave", '🚀': "rocket", '⚠': "warning", '❌': "x", '😪': "sleepy", '🥲': "smiling_face_with_tear",
}
