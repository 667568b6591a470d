package coach

import (
	"slices"

	"github.com/deescalate/deescalate/coach/internal/learn"
	"github.com/deescalate/deescalate/coach/internal/text"
)

// A verdict explains itself by quoting its evidence: the spans of the message whose features
// added most to the model's score. cues turns a model's contributions into short phrases of
// the message: each token gets the share of the contributions over it, the strongest token
// seeds a phrase, the phrase grows over neighbouring tokens of its clause that add evidence
// too (and takes in the negation that gives a negated word its sense), and stops at a few
// words. A cue is always a stretch of the message's prose, as written.

// maxCueWords bounds a cue's length.
const maxCueWords = 6

// cues quotes up to n phrases of evidence, strongest first; it returns nothing when no span
// added to the score.
func cues(d *text.Doc, contribs []learn.Contribution, n int) []string {
	if len(d.Tokens) == 0 {
		return nil
	}
	score := make([]float64, len(d.Tokens))
	for _, c := range contribs {
		i, j := tokenRange(d, int(c.Start), int(c.End))
		if i >= j {
			continue
		}
		share := c.Value / float64(j-i)
		for k := i; k < j; k++ {
			score[k] += share
		}
	}
	order := make([]int, 0, len(d.Tokens))
	for i, s := range score {
		if s > 0 && d.Tokens[i].Kind != text.Symbol {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case score[a] > score[b]:
			return -1
		case score[a] < score[b]:
			return 1
		}
		return a - b
	})
	used := make([]bool, len(d.Tokens))
	var out []string
	for _, seed := range order {
		if len(out) == n {
			break
		}
		if used[seed] {
			continue
		}
		i, j := grow(d, score, used, seed)
		for k := i; k < j; k++ {
			used[k] = true
		}
		if q := quote(d, i, j); q != "" && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}

// tokenRange returns the tokens that lie inside bytes [start, end).
func tokenRange(d *text.Doc, start, end int) (int, int) {
	i, _ := slices.BinarySearchFunc(d.Tokens, start, func(t text.Token, s int) int { return t.Start - s })
	j := i
	for j < len(d.Tokens) && d.Tokens[j].End <= end {
		j++
	}
	return i, j
}

// grow widens a cue from its seed token over neighbours in the same clause that add evidence
// (or are small words between two that do), up to maxCueWords words.
func grow(d *text.Doc, score []float64, used []bool, seed int) (int, int) {
	clause := d.Tokens[seed].Clause
	in := func(k int) bool {
		return k >= 0 && k < len(d.Tokens) && d.Tokens[k].Clause == clause && !used[k]
	}
	i, j := seed, seed+1
	words := 1
	for words < maxCueWords {
		switch {
		case in(i-1) && score[i-1] > 0:
			i--
		case in(j) && score[j] > 0:
			j++
		case in(i-2) && score[i-2] > 0 && d.Tokens[i-1].IsWord() && score[i-1] == 0:
			i -= 2
		case in(j+1) && score[j+1] > 0 && d.Tokens[j].IsWord() && score[j] == 0:
			j += 2
		default:
			words = maxCueWords
			continue
		}
		words++
	}
	// A negated word means nothing without its negation: "not happy", "never arrived".
	if d.Tokens[i].Neg {
		for k := i - 1; k >= 0 && k >= i-negationReach && d.Tokens[k].Clause == clause; k-- {
			if d.Tokens[k].Negator {
				i = k
				break
			}
		}
	}
	return i, j
}

// negationReach is how far back a negated word's negation may stand (text's scope is 4 words).
const negationReach = 5

// quote returns tokens [i, j) as written, without punctuation at the edges except the !! or ??
// that may be the evidence itself, and never with a quotation mark or bracket it does not
// close.
func quote(d *text.Doc, i, j int) string {
	i, j = d.Trim(i, j)
	for i < j && isPair(&d.Tokens[i]) {
		i++
	}
	for j > i && isPair(&d.Tokens[j-1]) {
		j--
	}
	// An unpaired mark inside: keep the side with the evidence's start.
	for k := i; k < j; k++ {
		if isPair(&d.Tokens[k]) && !paired(d, i, j, k) {
			if k == i {
				i++
			} else {
				j = k
			}
			return quote(d, i, j)
		}
	}
	if i >= j {
		return ""
	}
	return d.Span(i, j)
}

func isPair(t *text.Token) bool {
	if t.Kind != text.Punct {
		return false
	}
	switch t.Norm {
	case "(", ")", "\"", "'":
		return true
	}
	return false
}

// paired reports whether the mark at k has a partner inside [i, j).
func paired(d *text.Doc, i, j, k int) bool {
	want := d.Tokens[k].Norm
	switch want {
	case "(":
		want = ")"
	case ")":
		want = "("
	}
	n := 0
	for m := i; m < j; m++ {
		if m != k && d.Tokens[m].Kind == text.Punct && d.Tokens[m].Norm == want {
			n++
		}
	}
	return n > 0
}
