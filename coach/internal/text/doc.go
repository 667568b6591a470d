// Package text reads a Slack message once, into the one annotated form every judgement of the
// coach shares: prose without markup, tokens with their byte offsets, normal forms and kinds,
// sentences and clauses, negation scope, quoted and code spans, emoji and shouting. The model
// features, the rules, the issue splitter and the promise finder all read a Doc; none of them
// splits text on its own.
package text

import "strings"

// Kind says what a token is.
type Kind uint8

const (
	Word   Kind = iota // letters, maybe with digits or inner apostrophes: "refund", "can't", "v2"
	Number             // digits with inner separators: "3", "14,200", "10:30", "2.5", "4th"
	Punct              // one punctuation mark, or a run of ! and ? ("!!", "?!"), or "..."
	Symbol             // a sign that is not punctuation: $ € £ % & + = / #
	Emoji              // an emoji, as a :code: or a character; Norm is its name
	Code               // a `code span`: it names a thing and has no tone
	Name               // an @mention, #channel, web address or e-mail address
)

// Token is one unit of a message's prose.
type Token struct {
	Text       string // as written (a slice of Doc.Plain)
	Norm       string // lower case, apostrophes straight, "dont" → "don't", "sooo" → "soo"
	Start, End int    // bytes of Doc.Plain
	Kind       Kind
	Sent       int  // index of the sentence in Doc.Sents
	Clause     int  // index of the clause in Doc.Clauses
	Neg        bool // a word inside the scope of a negation ("not *happy*", "never *again*")
	Negator    bool // the word opens a negation ("not", "never", "don't" …)
	Caps       bool // written in capitals, two letters or more ("AGAIN", "SSO")
	Quoted     bool // inside quotation marks ('upgrade', "we're looking into it")
	Stretched  bool // a letter held ("sooo", "pleeease")
	Joined     bool // no space before it: "3pm" is "3" then a joined "pm"
	LineStart  bool // the first token of its line
}

// IsWord reports whether the token is prose: a word or a number.
func (t *Token) IsWord() bool { return t.Kind == Word || t.Kind == Number }

// Sentence is a run of tokens between sentence ends, or one item of a list.
type Sentence struct {
	First, End int    // token range [First, End)
	Question   bool   // it ends with a question mark
	Exclaim    bool   // it ends with an exclamation mark
	ListItem   bool   // it starts a bulleted or numbered item ("- …", "1. …", "2) …")
	Close      string // the punctuation that ends it: ".", "?", "!!", "..." or "" (a line break or the end)
}

// Clause is a part of a sentence: the sentence is cut at commas, colons, dashes, brackets and
// before joining words ("and", "but", "also" …). Clauses are candidates; deciding which of them
// start a new subject is the reader's business.
type Clause struct {
	First, End int  // token range [First, End), punctuation included
	Sent       int  // its sentence
	Opener     int  // index of the joining word that opens it, or -1
	Comma      bool // a comma (or colon, dash, bracket) comes right before it
}

// Doc is a message read once.
type Doc struct {
	Raw     string // as Slack delivered it
	Plain   string // the author's own prose: no code blocks, quoted lines or markup
	Tokens  []Token
	Sents   []Sentence
	Clauses []Clause
}

// Parse reads a Slack message. It is linear in the message's length, never fails, and treats
// invalid UTF-8 as replacement characters.
func Parse(raw string) *Doc {
	d := &Doc{Raw: raw, Plain: clean(raw)}
	d.Tokens = tokenize(d.Plain, make([]Token, 0, len(d.Plain)/4+1))
	markQuotes(d.Plain, d.Tokens)
	d.Sents = sentences(d.Tokens, d.Sents)
	d.Clauses = clauses(d.Tokens, d.Sents, d.Clauses)
	markNegation(d.Tokens)
	return d
}

// Span returns the text of tokens [i, j) as written, from the start of i to the end of j-1.
func (d *Doc) Span(i, j int) string {
	if i < 0 || j > len(d.Tokens) || i >= j {
		return ""
	}
	return d.Plain[d.Tokens[i].Start:d.Tokens[j-1].End]
}

// Gap returns the text between token i-1 and token i ("" for the first token).
func (d *Doc) Gap(i int) string {
	if i <= 0 || i >= len(d.Tokens) {
		return ""
	}
	return d.Plain[d.Tokens[i-1].End:d.Tokens[i].Start]
}

// Norm returns token i's normal form, or "" outside the message: look-aheads need no bounds checks.
func (d *Doc) Norm(i int) string {
	if i < 0 || i >= len(d.Tokens) {
		return ""
	}
	return d.Tokens[i].Norm
}

// Words returns the number of word and number tokens.
func (d *Doc) Words() int {
	n := 0
	for i := range d.Tokens {
		if d.Tokens[i].IsWord() {
			n++
		}
	}
	return n
}

// Trim narrows a token range so it starts with prose (a word, number, code or name, or an
// opening quotation mark or bracket) and ends with prose, a closing mark, or the ? or ! that
// ends a question or an exclamation. It returns the narrowed range (i == j when nothing is left).
func (d *Doc) Trim(i, j int) (int, int) {
	for i < j && !d.Tokens[i].prose() && !isPairMark(&d.Tokens[i]) {
		i++
	}
	for j > i && !d.Tokens[j-1].prose() && !isPairMark(&d.Tokens[j-1]) && !isEndMark(&d.Tokens[j-1]) {
		j--
	}
	return i, j
}

func (t *Token) prose() bool { return t.IsWord() || t.Kind == Code || t.Kind == Name }

// Marker returns how many tokens a list marker at i takes ("-", "2)", "3.", "(b)"), or 0.
func (d *Doc) Marker(i int) int {
	if n := bracketItem(d.Tokens, i); n > 0 {
		return 3
	}
	return listMarker(d.Tokens, i)
}

// Phrase returns the text of tokens [i, j) as a readable phrase: without a bracketed list
// marker ("(b)") that opens it, trimmed of punctuation at its edges, with every quotation mark and bracket that has no partner inside the range left out,
// so a phrase never opens a quote it does not close.
func (d *Doc) Phrase(i, j int) string {
	if n := bracketItem(d.Tokens, i); n > 0 && i+3 < j {
		i += 3 // "(b) a single invoice" says "a single invoice"
	}
	i, j = d.Trim(i, j)
	keep := make([]bool, max(0, j-i))
	for k := i; k < j; k++ {
		keep[k-i] = true
	}
	// Pair the marks inside the range, innermost first, as a reader would.
	var open []int
	for k := i; k < j; k++ {
		t := &d.Tokens[k]
		if !isPairMark(t) {
			continue
		}
		switch {
		case len(open) > 0 && closes(d.Tokens[open[len(open)-1]].Norm, t.Norm):
			open = open[:len(open)-1]
		case t.Norm == ")":
			keep[k-i] = false
		default:
			open = append(open, k)
		}
	}
	for _, k := range open {
		keep[k-i] = false
	}
	var b strings.Builder
	space := false // a dropped mark stood between two words
	for k := i; k < j; k++ {
		gap := ""
		if k > i {
			gap = d.Plain[d.Tokens[k-1].End:d.Tokens[k].Start]
		}
		if !keep[k-i] {
			space = space || gap != ""
			continue
		}
		if b.Len() > 0 {
			switch {
			case gap != "":
				b.WriteByte(' ') // gaps are white space; a line break reads as a space
			case space:
				b.WriteByte(' ')
			}
		}
		space = false
		b.WriteString(d.Tokens[k].Text)
	}
	s := strings.TrimSpace(b.String())
	// Dropping a mark can leave the phrase starting or ending with a space or a lone sign.
	return strings.Trim(s, " ,;:-")
}

// isPairMark: quotation marks and brackets, which must come in pairs.
func isPairMark(t *Token) bool {
	if t.Kind != Punct {
		return false
	}
	switch t.Norm {
	case "(", ")", "\"", "'":
		return true
	}
	return false
}

// isEndMark: the ? and ! (and runs of them) that end a question or an exclamation.
func isEndMark(t *Token) bool {
	return t.Kind == Punct && (t.Norm[0] == '?' || t.Norm[0] == '!')
}

func closes(open, close string) bool {
	switch open {
	case "(":
		return close == ")"
	case "\"", "'":
		return close == open
	}
	return false
}

// Stem returns a word's stem, a prefix of its normal form, so that "charged", "charges" and
// "charging" share one ("charg"): plural and verb endings come off, a doubled last consonant
// is undoubled ("dropping" → "drop"), a final e dropped. It is deliberately light: it never
// maps two unrelated common words together more than a real stemmer would.
func Stem(w string) string {
	n := len(w)
	if n <= 3 || !asciiLower(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "'s"):
		w = w[:n-2]
	case strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case strings.HasSuffix(w, "ies") && n > 4:
		w = w[:n-3] // "replies" → "repl", as "reply" below
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:n-1]
	}
	n = len(w)
	trimmed := false
	switch {
	case strings.HasSuffix(w, "ied") && n > 4:
		w = w[:n-3]
	case strings.HasSuffix(w, "ing") && n > 5 && hasVowel(w[:n-3]):
		w, trimmed = w[:n-3], true
	case strings.HasSuffix(w, "ed") && n > 4 && hasVowel(w[:n-2]):
		w, trimmed = w[:n-2], true
	case strings.HasSuffix(w, "ly") && n > 5:
		w = w[:n-2]
	}
	n = len(w)
	if trimmed && n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		w = w[:n-1]
	}
	n = len(w)
	if n > 3 && (w[n-1] == 'e' || w[n-1] == 'y' || w[n-1] == 'i') {
		w = w[:n-1] // "charge" → "charg", "reply" → "repl", "happi(ly)" → "happ"
	}
	return w
}

func asciiLower(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c == '\'' || c == '-') {
			return false
		}
	}
	return true
}

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }
