package coach

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a cleaned text.
type token struct {
	id         int32  // the word's id in the playbook's vocabulary, -1 when no phrase uses it
	word       string // lowercased; digits kept
	start, end int    // byte span in the text
	sentence   int    // index of the sentence (or list item) it belongs to
	negated    bool   // inside the scope of a negation ("not", "never", "don't" …)
	caps       bool   // written in capitals, three letters or more
}

// tokenize splits plain text into words. Sentences end at . ! ? ; and line breaks; a
// negation scope ends at punctuation or after negationWindow words. Apostrophes inside words
// are kept ("can't"); curly ones were straightened by Clean.
func tokenize(s string, dst []token) []token {
	sentence := 0
	negLeft := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '`' {
			// A code span is one neutral word: it names a thing, it has no tone.
			if end := strings.IndexByte(s[i+1:], '`'); end >= 0 {
				dst = append(dst, token{word: "code", start: i, end: i + end + 2, sentence: sentence})
				i += end + 2
				continue
			}
		}
		if !isWordRune(r) {
			switch r {
			case '.', '!', '?', ';', '\n':
				// "3.5" and "v2.14" are not sentence ends.
				if r == '.' && i > 0 && i+1 < len(s) && isDigitByte(s[i-1]) && isDigitByte(s[i+1]) {
					break
				}
				if len(dst) > 0 && dst[len(dst)-1].sentence == sentence {
					sentence++
				}
				negLeft = 0
			case ',', ':', '(', ')', '"':
				negLeft = 0
			}
			i += size
			continue
		}
		if skip := skipName(s, i); skip > i {
			i = skip
			continue
		}
		start := i
		letters, upper := 0, 0
		ascii := true
		lower := true
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '\'' && i+1 < len(s) {
				if next, _ := utf8.DecodeRuneInString(s[i+1:]); unicode.IsLetter(next) {
					i += size
					continue
				}
			}
			if !isWordRune(r) {
				break
			}
			if r >= utf8.RuneSelf {
				ascii = false
			}
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
					lower = false
				}
			}
			i += size
		}
		word := s[start:i]
		if !lower || !ascii {
			word = strings.ToLower(word)
		}
		if full, ok := contractions[word]; ok {
			word = full
		}
		t := token{word: word, start: start, end: i, sentence: sentence, negated: negLeft > 0, caps: letters >= 3 && upper == letters}
		if negLeft > 0 {
			negLeft--
		}
		if negators[word] {
			negLeft = negationWindow
		}
		dst = append(dst, t)
	}
	return dst
}

// skipName returns where a word starting at i ends when it is not prose: a typed @mention or
// a bare web address. They are names, not tone. It returns i when the word is prose.
func skipName(s string, i int) int {
	if i > 0 && s[i-1] == '@' {
		j := i
		for j < len(s) && (isWordByte(s[j]) || s[j] == '_' || s[j] == '.' && j+1 < len(s) && isWordByte(s[j+1])) {
			j++
		}
		return j
	}
	if strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://") || strings.HasPrefix(s[i:], "www.") {
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' {
			j++
		}
		return j
	}
	return i
}

// contractions restores the apostrophe people skip when typing fast ("hasnt", "cant"), so the
// phrase lists need only one spelling. Words that are also real words ("wont", "ill", "were")
// are left alone.
var contractions = map[string]string{
	"hasnt": "hasn't", "havent": "haven't", "hadnt": "hadn't", "doesnt": "doesn't", "dont": "don't",
	"didnt": "didn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
	"cant": "can't", "couldnt": "couldn't", "shouldnt": "shouldn't", "wouldnt": "wouldn't", "im": "i'm",
	"ive": "i've", "youre": "you're", "youve": "you've", "theyre": "they're", "thats": "that's",
	"whats": "what's", "wheres": "where's", "hows": "how's", "its": "it's", "lets": "let's", "id": "i'd",
	"ur": "your", "u": "you", "pls": "please", "plz": "please", "thx": "thanks", "ty": "thanks",
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// vocab numbers every word that appears in a playbook's phrases. Each token of a message is
// looked up once (words no phrase uses get -1); every phrase list then indexes by number, so
// thirty lists cost one map lookup per word, not thirty.
type vocab struct {
	ids map[string]int32
}

func newVocab() *vocab { return &vocab{ids: map[string]int32{}} }

func (v *vocab) intern(w string) int32 {
	if id, ok := v.ids[w]; ok {
		return id
	}
	id := int32(len(v.ids))
	v.ids[w] = id
	return id
}

// number gives each token its word id. The vocabulary is read-only once the playbook is
// prepared, so this is safe from any goroutine.
func (v *vocab) number(toks []token) {
	for i := range toks {
		id, ok := v.ids[toks[i].word]
		if !ok {
			id = -1
		}
		toks[i].id = id
	}
}

const anyWord = -2 // "*" in a phrase

// phrase is a sequence of words to look for; "*" matches any one word.
type phrase struct {
	words  []int32
	text   string // as written in the playbook
	weight float64
	kind   string
}

// phraseSet finds phrases in a token list in one pass: phrases are indexed by their first
// word, so the work is proportional to the text's length times the few phrases sharing a word.
type phraseSet struct {
	v       *vocab
	byFirst [][]*phrase // by the id of the first word
}

func newPhraseSet(v *vocab) *phraseSet { return &phraseSet{v: v} }

// add registers a phrase written as plain words ("still not", "third time", "cancel * account").
func (ps *phraseSet) add(text, kind string, weight float64) {
	var words []string
	for _, t := range tokenize(text, nil) {
		words = append(words, t.word)
	}
	if strings.Contains(text, "*") {
		// tokenize drops "*": rebuild the words from the text.
		words = words[:0]
		for _, w := range strings.Fields(strings.ToLower(text)) {
			words = append(words, strings.Trim(w, ".,!?"))
		}
	}
	if len(words) == 0 || words[0] == "*" {
		return
	}
	p := &phrase{text: text, weight: weight, kind: kind}
	for _, w := range words {
		if w == "*" {
			p.words = append(p.words, anyWord)
			continue
		}
		p.words = append(p.words, ps.v.intern(w))
	}
	first := p.words[0]
	for int(first) >= len(ps.byFirst) {
		ps.byFirst = append(ps.byFirst, nil)
	}
	ps.byFirst[first] = append(ps.byFirst[first], p)
}

// match is one phrase found in a text.
type match struct {
	p          *phrase
	first, end int // token index range [first, end)
}

// find calls fn for every phrase occurrence, in text order. Phrases do not cross sentences.
// The tokens must have been numbered with the set's vocabulary.
func (ps *phraseSet) find(toks []token, fn func(m match)) {
	for i := range toks {
		id := toks[i].id
		if id < 0 || int(id) >= len(ps.byFirst) {
			continue
		}
		for _, p := range ps.byFirst[id] {
			if i+len(p.words) > len(toks) {
				continue
			}
			ok := true
			for k := 1; k < len(p.words); k++ {
				t := toks[i+k]
				if t.sentence != toks[i].sentence || (p.words[k] != anyWord && p.words[k] != t.id) {
					ok = false
					break
				}
			}
			if ok {
				fn(match{p: p, first: i, end: i + len(p.words)})
			}
		}
	}
}

// span returns the text a match covers, as written.
func (m match) span(s string, toks []token) string { return s[toks[m.first].start:toks[m.end-1].end] }
