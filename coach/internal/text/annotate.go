package text

// maxQuote bounds how many tokens a pair of quotation marks may hold: further apart, the two
// marks are more likely stray apostrophes than a quotation.
const maxQuote = 40

// markQuotes marks the tokens between a pair of quotation marks on one line. A double mark
// pairs with the next double mark; a single mark opens a quotation when it stands before a
// word with space before it ("so-called 'upgrade'") and closes one when it stands after a
// word ("…'upgrade' again").
func markQuotes(s string, toks []Token) {
	open := -1
	var mark string
	for i := range toks {
		t := &toks[i]
		if t.LineStart || open >= 0 && i-open > maxQuote {
			open = -1
		}
		if t.Kind != Punct || t.Norm != "\"" && t.Norm != "'" {
			continue
		}
		if open >= 0 && t.Norm == mark && (mark == "\"" || closingSingle(toks, i)) {
			for k := open + 1; k < i; k++ {
				toks[k].Quoted = true
			}
			open = -1
			continue
		}
		if open < 0 && (t.Norm == "\"" || openingSingle(toks, i)) {
			open, mark = i, t.Norm
		}
	}
}

func openingSingle(toks []Token, i int) bool {
	return !toks[i].Joined && i+1 < len(toks) && toks[i+1].Joined && toks[i+1].Kind != Punct
}

func closingSingle(toks []Token, i int) bool {
	if !toks[i].Joined || i == 0 {
		return false
	}
	p := &toks[i-1]
	return p.Kind != Punct || p.Norm[0] == '?' || p.Norm[0] == '!' || p.Norm == "." || p.Norm == "..."
}

// abbreviations end with a dot that does not end the sentence when a lower-case word or a
// number follows.
var abbreviations = map[string]bool{
	"etc": true, "vs": true, "mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "approx": true,
	"incl": true, "dept": true, "ref": true, "acct": true, "no": true, "nr": true, "ext": true, "jr": true, "sr": true,
}

// sentences groups tokens into sentences and list items and tells which sentence each token
// is in. A sentence ends after . ! ? ; or "...", at a line break, and before a list marker
// ("2) …" inside a line, "- …" or "3. …" at the start of one).
func sentences(toks []Token, dst []Sentence) []Sentence {
	dst = dst[:0]
	start := 0
	closeAt := -1
	flush := func(end int) {
		if end <= start {
			return
		}
		s := Sentence{First: start, End: end}
		if closeAt >= start && closeAt < end {
			s.Close = toks[closeAt].Norm
			s.Question = containsByte(s.Close, '?')
			s.Exclaim = containsByte(s.Close, '!')
		}
		s.ListItem = listMarker(toks, start) > 0 || bracketItem(toks, start) > 0
		for k := start; k < end; k++ {
			toks[k].Sent = len(dst)
		}
		dst = append(dst, s)
		start = end
	}
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if i > start && (t.LineStart || inlineMarker(toks, i) || inlineBracket(toks, i) || listMarker(toks, i) == 2 && toks[i-1].Norm == ":") {
			flush(i)
		}
		if t.Kind != Punct {
			continue
		}
		switch t.Norm[0] {
		case '!', '?', ';':
		case '.':
			if t.Norm == "." && i > 0 && abbreviations[toks[i-1].Norm] && toks[i-1].Kind == Word && i+1 < len(toks) && !toks[i+1].LineStart &&
				(toks[i+1].Kind == Number || toks[i+1].Kind == Word && !capitalised(toks[i+1].Text)) {
				continue
			}
			if t.Norm == "." && i > 0 && listMarker(toks, i-1) == 2 {
				continue // the dot of "3." that opens a list item
			}
		default:
			continue
		}
		// A run of closing marks ("?!", "..", "!!") and closing quotes or brackets stays with
		// its sentence.
		end := i + 1
		for end < len(toks) && toks[end].Kind == Punct && !toks[end].LineStart && (toks[end].Norm == ")" || toks[end].Norm == "\"" || toks[end].Norm == "'" && toks[end].Joined) {
			end++
		}
		closeAt = i
		flush(end)
		i = end - 1
	}
	flush(len(toks))
	return dst
}

// listMarker returns how many tokens a list marker at i takes ("-", "*", "•", "1.", "2)",
// "a)"), or 0. A dash, star or bullet counts at the start of a line; a number or letter with
// a closing bracket anywhere; a number with a dot at the start of a line.
func listMarker(toks []Token, i int) int {
	if i >= len(toks) {
		return 0
	}
	t := &toks[i]
	if t.LineStart && (t.Kind == Punct && t.Norm == "-" || t.Kind == Symbol && (t.Text == "*" || t.Text == "•" || t.Text == "·")) {
		return 1
	}
	small := t.Kind == Number && len(t.Text) <= 2 || t.Kind == Word && len(t.Text) == 1 && t.Norm >= "a" && t.Norm <= "h"
	if !small || i+1 >= len(toks) || !toks[i+1].Joined || i+2 >= len(toks) || toks[i+2].Joined {
		return 0
	}
	next := toks[i+1].Norm
	if next == ")" && (t.Kind == Number || t.LineStart || i > 0 && toks[i-1].Kind == Punct) {
		return 2
	}
	if next == "." && t.Kind == Number && (t.LineStart || inlineMarker(toks, i) || i > 0 && toks[i-1].Norm == ":") {
		return 2
	}
	return 0
}

// maxListItem bounds how far back an inline list marker looks for the one before it, so the
// scan stays linear.
const maxListItem = 40

// inlineMarker reports a list marker inside a line that is not the first of its kind: "1) a
// 2) b" splits before "2)", but "(see 2)" does not.
func inlineMarker(toks []Token, i int) bool {
	if toks[i].Kind != Number || len(toks[i].Text) > 2 || i+2 >= len(toks) || !toks[i+1].Joined || toks[i+2].Joined {
		return false
	}
	mark := toks[i+1].Norm
	if mark != ")" && mark != "." || i > 0 && toks[i-1].Norm == "(" {
		return false
	}
	// The number before it on the line, with the same mark: "1) a 2) b", "1. a 2. b".
	want := toks[i].Text
	n := 0
	for _, c := range want {
		n = n*10 + int(c-'0')
	}
	for k := i - 1; k >= 0 && k >= i-maxListItem; k-- {
		t := &toks[k]
		if t.Kind == Number && k+1 < len(toks) && toks[k+1].Norm == mark && toks[k+1].Joined && itoa(n-1) == t.Text {
			return true
		}
		if t.LineStart || t.Kind == Punct && (t.Norm == "!" || t.Norm == "?" || t.Norm == "." && !(k > 0 && toks[k-1].Kind == Number && toks[k].Joined)) {
			break // a sentence ended: a list does not go on across it
		}
	}
	return false
}

// bracketItem returns the place of a bracketed list marker at i, "(a)" → 1, "(2)" → 2, or 0:
// an opening bracket, a letter a–h or a number of one or two digits, a closing bracket, each
// joined to the one before, and a space after.
func bracketItem(toks []Token, i int) int {
	if i+3 >= len(toks) || toks[i].Kind != Punct || toks[i].Norm != "(" || !toks[i+1].Joined || !toks[i+2].Joined ||
		toks[i+2].Norm != ")" || toks[i+3].Joined {
		return 0
	}
	t := &toks[i+1]
	switch {
	case t.Kind == Word && len(t.Norm) == 1 && t.Norm >= "a" && t.Norm <= "h":
		return int(t.Norm[0]-'a') + 1
	case t.Kind == Number && len(t.Text) <= 2:
		n := 0
		for _, c := range t.Text {
			n = n*10 + int(c-'0')
		}
		return n
	}
	return 0
}

// inlineBracket reports a bracketed list marker inside a sentence that belongs to a run of
// them, "discuss (a) pricing, (b) invoicing and (c) a contract": each one starts an item, the
// first too when the next follows on the same line. "(see 2)" or a lone "(a)" does not.
func inlineBracket(toks []Token, i int) bool {
	n := bracketItem(toks, i)
	if n == 0 {
		return false
	}
	for k := i - 1; k >= 0 && k >= i-maxListItem; k-- {
		if bracketItem(toks, k) == n-1 && n > 1 {
			return true
		}
		if toks[k].LineStart {
			break
		}
	}
	for k := i + 4; k < len(toks) && k <= i+maxListItem && !toks[k].LineStart; k++ {
		if bracketItem(toks, k) == n+1 && n == 1 {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	if n < 0 {
		return ""
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func capitalised(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// joiners open a clause of their own: a second problem often starts with one ("…, and the
// tracking link 404s", "also the invoice…"). Whether it does is the reader's call.
var joiners = map[string]bool{
	"and": true, "but": true, "also": true, "plus": true, "or": true, "then": true, "while": true,
	"whereas": true, "although": true, "though": true, "however": true, "separately": true,
	"additionally": true, "meanwhile": true, "otherwise": true, "because": true, "and/or": true,
	"besides": true, "furthermore": true, "moreover": true, "secondly": true, "thirdly": true,
	"lastly": true, "finally": true, "next": true,
}

// clauses cuts every sentence at commas, colons, dashes and brackets, and before a joining
// word, and tells which clause each token is in.
func clauses(toks []Token, sents []Sentence, dst []Clause) []Clause {
	dst = dst[:0]
	for si, s := range sents {
		start := s.First
		opener := -1
		comma := false
		cut := func(end int, nextOpener int, nextComma bool) {
			if end > start {
				for k := start; k < end; k++ {
					toks[k].Clause = len(dst)
				}
				dst = append(dst, Clause{First: start, End: end, Sent: si, Opener: opener, Comma: comma})
				start = end
			}
			opener, comma = nextOpener, nextComma
		}
		for i := s.First; i < s.End; i++ {
			t := &toks[i]
			if t.Kind == Emoji && i+1 < s.End && toks[i+1].IsWord() {
				cut(i+1, -1, true) // "broken again :angry: is this…": an emoji closes a thought
				continue
			}
			if i == s.First && listMarker(toks, i) == 1 || i == s.First+1 && listMarker(toks, s.First) == 2 {
				continue // the bracket or dot of "1)" or "2." that opens a list item
			}
			if i < s.First+3 && bracketItem(toks, s.First) > 0 {
				continue // "(b)" that opens a list item
			}
			if t.Kind == Punct {
				switch t.Norm {
				case ",", ":", "-", "(", ")", "...":
					if t.Norm == "-" && t.Joined && i+1 < s.End && toks[i+1].Joined {
						continue // "4471-229"-like joins are not dashes
					}
					if t.Norm == "," && leadWord(toks, start, i) {
						// "First, the export…", "Also, the invoice…": the word opens the
						// clause after the comma; it is not a clause of its own.
						opener = start
						continue
					}
					cut(i+1, -1, true)
				}
				continue
			}
			if t.Kind == Word && joiners[t.Norm] && adverbial(toks, i) {
				continue // "could we also…", "it is also…": an adverb, not a new clause
			}
			if t.Kind == Word && joiners[t.Norm] {
				if contentIn(toks, start, i) {
					cut(i, i, toks[i-1].Kind == Punct)
				} else {
					// "- also …", ", and …": the clause already began; of several joiners ("and
					// separately…") the last says most.
					opener = i
				}
			}
		}
		cut(s.End, -1, false)
	}
	return dst
}

// leads are words that, alone before a comma, open what follows: "First, …", "Also, …".
var leads = map[string]bool{
	"first": true, "firstly": true, "second": true, "secondly": true, "third": true, "thirdly": true,
	"fourth": true, "fifth": true, "lastly": true, "finally": true, "also": true, "plus": true,
	"separately": true, "additionally": true, "next": true, "then": true, "besides": true,
	"furthermore": true, "moreover": true, "however": true, "meanwhile": true, "oh": true, "btw": true,
}

// leadWord reports a clause [i, j) that is one leading word: "First", "Also".
func leadWord(toks []Token, i, j int) bool {
	k := i
	for k < j && toks[k].Kind == Punct {
		k++
	}
	return k == j-1 && toks[k].Kind == Word && leads[toks[k].Norm]
}

// adverbial reports a joining word used as an adverb inside a clause: "also" or "then" right
// after a subject or an auxiliary ("we also need", "could you also", "is then sent").
func adverbial(toks []Token, i int) bool {
	if toks[i].Norm != "also" && toks[i].Norm != "then" || i == 0 || toks[i-1].Kind != Word {
		return false
	}
	switch toks[i-1].Norm {
	case "i", "we", "you", "they", "he", "she", "it", "can", "could", "would", "will", "should", "is", "are", "was",
		"were", "do", "does", "did", "have", "has", "had", "may", "might", "must", "i'm", "we're", "you're", "it's", "i've", "we've":
		return true
	}
	return false
}

// contentIn reports a clause [i, j) that holds a word other than joining words: ", and
// separately the invoice…" is one clause, opened by two joiners.
func contentIn(toks []Token, i, j int) bool {
	for k := i; k < j; k++ {
		if t := &toks[k]; t.IsWord() && !joiners[t.Norm] || t.Kind == Code || t.Kind == Name {
			return true
		}
	}
	return false
}

// negators open a negation.
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "nobody": true, "nothing": true, "neither": true,
	"nor": true, "cannot": true, "can't": true, "don't": true, "doesn't": true, "didn't": true, "isn't": true,
	"aren't": true, "wasn't": true, "weren't": true, "won't": true, "wouldn't": true, "shouldn't": true,
	"couldn't": true, "haven't": true, "hasn't": true, "hadn't": true, "without": true, "hardly": true,
	"mustn't": true, "needn't": true, "nowhere": true, "noone": true, "nope": true,
}

// negationWords is how many words after a negator its scope reaches at most.
const negationWords = 4

// scopeEnds end a negation's scope before its word limit.
var scopeEnds = map[string]bool{
	"but": true, "and": true, "or": true, "so": true, "because": true, "while": true, "although": true,
	"though": true, "however": true, "yet": true, "since": true, "until": true, "unless": true, "if": true,
}

// markNegation marks the words in the scope of each negation: the next few words of its
// clause, up to punctuation or a joining word. Some negators do not negate what follows: "not
// only", "no doubt", "no wonder", "no matter", "nothing but", and a "never" that measures an
// experience ("never been so let down", "never in 10 years have I been this disappointed").
func markNegation(toks []Token) {
	left := 0
	for i := range toks {
		t := &toks[i]
		if t.Kind == Punct || t.Kind == Emoji {
			left = 0
			continue
		}
		if !t.IsWord() {
			continue
		}
		if left > 0 && scopeEnds[t.Norm] {
			left = 0
		}
		if left > 0 {
			t.Neg = true
			left--
		}
		if negators[t.Norm] {
			t.Negator = true
			if notNegating(toks, i) {
				continue
			}
			left = negationWords
		}
	}
}

func notNegating(toks []Token, i int) bool {
	next, after := "", ""
	if k := nextWord(toks, i); k >= 0 {
		next = toks[k].Norm
		if k2 := nextWord(toks, k); k2 >= 0 {
			after = toks[k2].Norm
		}
	}
	switch toks[i].Norm + " " + next {
	case "not only", "no doubt", "no wonder", "no matter", "nothing but", "not just":
		return true
	}
	if toks[i].Norm == "never" || toks[i].Norm == "not" && next == "once" {
		// "never been so/this/more …", "never in my life have I …", "never had such …"
		switch next {
		case "in", "before", "ever":
			return true
		}
		switch after {
		case "so", "this", "that", "such", "more", "as", "worse", "less", "quite":
			return true
		}
	}
	return false
}

// nextWord returns the index of the next word after i in the same clause, or -1.
func nextWord(toks []Token, i int) int {
	for k := i + 1; k < len(toks) && k < i+4; k++ {
		if toks[k].Kind == Punct {
			return -1
		}
		if toks[k].IsWord() {
			return k
		}
	}
	return -1
}
