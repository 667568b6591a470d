// Package learn holds the coach's learned models: linear models over hashed features, the
// trainers that fit them (logistic regression and a latent perceptron for decisions labelled
// only by a count), and the binary format they are embedded in. It knows nothing of text:
// the coach turns messages into features, learn turns features into weights and scores.
//
// Everything here is deterministic: the same examples in the same order give the same bytes.
package learn

import (
	"math"
	"slices"
)

// Bits is the width of the hashed feature space.
const Bits = 22

const mask = 1<<Bits - 1

// Feature is one piece of evidence about a message: a hashed name, a value, and the bytes of
// the text it was read from (Start < 0 for a feature of the whole message, such as its length).
type Feature struct {
	ID         uint32
	Val        float32
	Start, End int32
}

// Key builds a feature id from a namespace and a string, FNV-1a folded into Bits bits.
// Namespaces keep "refund" the word apart from "refund" the theme phrase.
type Key uint32

// NS starts a key in a namespace.
func NS(ns string) Key {
	h := uint32(2166136261)
	for i := 0; i < len(ns); i++ {
		h ^= uint32(ns[i])
		h *= 16777619
	}
	h ^= 0xff // a separator no string byte of a namespace takes
	h *= 16777619
	return Key(h)
}

// Add mixes a string into the key.
func (k Key) Add(s string) Key {
	h := uint32(k)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	h ^= 0x1f
	h *= 16777619
	return Key(h)
}

// Int mixes a small number into the key.
func (k Key) Int(n int) Key {
	h := uint32(k)
	v := uint32(n)
	for range 4 {
		h ^= v & 0xff
		h *= 16777619
		v >>= 8
	}
	return Key(h)
}

// ID folds the key into the feature space.
func (k Key) ID() uint32 { h := uint32(k); return (h ^ h>>Bits) & mask }

// Linear is a binary linear model: its score is the bias plus the weighted features, read as
// log-odds; Cut is the score above which the answer is yes.
type Linear struct {
	Name string
	Bias float32
	Cut  float32
	W    map[uint32]float32
}

// Score returns the model's log-odds for a message with these features.
func (m *Linear) Score(fs []Feature) float64 {
	z := float64(m.Bias)
	for _, f := range fs {
		if w, ok := m.W[f.ID]; ok {
			z += float64(w) * float64(f.Val)
		}
	}
	return z
}

// Yes reports whether a score is past the model's cut.
func (m *Linear) Yes(score float64) bool { return score > float64(m.Cut) }

// Contribution is how much one stretch of text added to a score.
type Contribution struct {
	Start, End int32
	Value      float64
}

// Explain returns what each feature tied to the text contributed to the score, merged by span,
// largest first. Features of the whole message explain nothing that could be quoted and are
// left out.
func (m *Linear) Explain(fs []Feature) []Contribution {
	var out []Contribution
	for _, f := range fs {
		if f.Start < 0 {
			continue
		}
		w, ok := m.W[f.ID]
		if !ok || w == 0 {
			continue
		}
		v := float64(w) * float64(f.Val)
		i := slices.IndexFunc(out, func(c Contribution) bool { return c.Start == f.Start && c.End == f.End })
		if i >= 0 {
			out[i].Value += v
			continue
		}
		out = append(out, Contribution{f.Start, f.End, v})
	}
	slices.SortStableFunc(out, func(a, b Contribution) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return int(a.Start - b.Start)
	})
	return out
}

// Sigmoid maps log-odds to a probability.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
