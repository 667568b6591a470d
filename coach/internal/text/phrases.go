package text

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Any is the wildcard a phrase may use for any one word ("cancel * account").
const Any = "*"

// Phrases finds listed phrases in a Doc. A phrase is a sequence of words read by the same
// tokenizer as messages, so "cant", "can't" and "can’t" are one phrase; "*" stands for any one
// word. Phrases never cross punctuation. Lookup is by the first word, so finding every phrase
// of a long list costs one map lookup per token.
type Phrases struct {
	byFirst map[string][]*phrase
	n       int
}

type phrase struct {
	words []string
	label string
	text  string
}

// Match is one phrase found: tokens [First, End) of the Doc, and the label it was added with.
type Match struct {
	First, End int
	Label      string
	Phrase     string // as listed
}

// CheckPhrase accepts phrases of plain lowercase words (and "*" for any one word): the matcher
// compares words, so punctuation in a phrase could never match.
func CheckPhrase(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("is empty")
	}
	if p != strings.ToLower(p) {
		return errors.New("must be lowercase")
	}
	for _, r := range p {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '\'' || r == '*' || r == '-') {
			return fmt.Errorf("holds %q: write words only", r)
		}
	}
	if strings.HasPrefix(strings.TrimSpace(p), Any) {
		return errors.New("may not start with *")
	}
	return nil
}

// Add lists a phrase under a label. It returns CheckPhrase's error for a phrase that could
// never match.
func (ps *Phrases) Add(text, label string) error {
	if err := CheckPhrase(text); err != nil {
		return err
	}
	var words []string
	for _, f := range strings.Fields(text) {
		if f == Any {
			words = append(words, Any)
			continue
		}
		for _, t := range tokenize(f, nil) {
			if t.IsWord() {
				words = append(words, t.Norm)
			}
		}
	}
	if len(words) == 0 {
		return errors.New("holds no word")
	}
	if ps.byFirst == nil {
		ps.byFirst = map[string][]*phrase{}
	}
	p := &phrase{words: words, label: label, text: text}
	list := ps.byFirst[words[0]]
	// Longer phrases first: "not happy at all" before "not happy".
	at := len(list)
	for k, q := range list {
		if len(q.words) < len(words) {
			at = k
			break
		}
	}
	ps.byFirst[words[0]] = slices.Insert(list, at, p)
	ps.n++
	return nil
}

// Len returns how many phrases are listed.
func (ps *Phrases) Len() int {
	if ps == nil {
		return 0
	}
	return ps.n
}

// Find calls fn for every occurrence of a listed phrase in tokens [from, to) of d, in text
// order (longer phrases first where several start at one token).
func (ps *Phrases) Find(d *Doc, from, to int, fn func(Match)) {
	if ps == nil || ps.byFirst == nil {
		return
	}
	to = min(to, len(d.Tokens))
	for i := max(0, from); i < to; i++ {
		t := &d.Tokens[i]
		if !t.IsWord() {
			continue
		}
		cands := ps.byFirst[t.Norm]
		for _, p := range cands {
			end, ok := matchAt(d, i, to, p.words)
			if ok {
				fn(Match{First: i, End: end, Label: p.label, Phrase: p.text})
			}
		}
	}
}

// Has reports whether any listed phrase occurs in tokens [from, to).
func (ps *Phrases) Has(d *Doc, from, to int) bool {
	found := false
	ps.Find(d, from, to, func(Match) { found = true })
	return found
}

// matchAt matches words against consecutive word tokens from i; it returns the end token.
func matchAt(d *Doc, i, to int, words []string) (int, bool) {
	k := i
	for _, w := range words {
		if k >= to {
			return 0, false
		}
		t := &d.Tokens[k]
		if !t.IsWord() {
			return 0, false
		}
		if w != Any && w != t.Norm {
			return 0, false
		}
		k++
	}
	return k, true
}
