package learn

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Example is one labelled message for a binary model.
type Example struct {
	F      []Feature
	Y      bool
	Weight float64 // how much the example counts; 0 means 1
}

// Options tune logistic regression by FTRL-Proximal (McMahan et al., 2013): per-feature
// learning rates, an L1 penalty that keeps the model sparse, an L2 penalty that keeps it
// smooth.
type Options struct {
	Epochs int     // passes over the data
	Alpha  float64 // learning rate
	Beta   float64 // learning rate smoothing
	L1, L2 float64
	// Balance weighs the classes so each counts as much as the other in total.
	Balance bool
	Seed    uint64 // the shuffle's seed
	// Prior gives features a starting weight, what is known before any example: the penalties
	// pull a weight towards its prior rather than towards 0, so examples move it from there.
	Prior map[uint32]float64
}

// DefaultOptions suit a few thousand to a few hundred thousand short messages.
var DefaultOptions = Options{Epochs: 8, Alpha: 0.1, Beta: 1, L1: 0.5, L2: 1, Balance: true, Seed: 1}

// index maps the feature ids that occur in a training set to dense slots, so the trainer's
// state is as large as the vocabulary it saw, not as the hashed space.
type index struct {
	slot map[uint32]int32
	ids  []uint32
}

func newIndex(sets ...[]Example) *index {
	ix := &index{slot: map[uint32]int32{}}
	for _, set := range sets {
		for _, e := range set {
			for _, f := range e.F {
				if _, ok := ix.slot[f.ID]; !ok {
					ix.slot[f.ID] = int32(len(ix.ids))
					ix.ids = append(ix.ids, f.ID)
				}
			}
		}
	}
	return ix
}

// dense is an example with features as slots.
type dense struct {
	slots []int32
	vals  []float64
	y     float64
	w     float64
}

func (ix *index) compile(set []Example) []dense {
	out := make([]dense, len(set))
	for i, e := range set {
		d := dense{slots: make([]int32, len(e.F)), vals: make([]float64, len(e.F)), w: e.Weight}
		if d.w == 0 {
			d.w = 1
		}
		if e.Y {
			d.y = 1
		}
		for k, f := range e.F {
			d.slots[k] = ix.slot[f.ID]
			d.vals[k] = float64(f.Val)
		}
		out[i] = d
	}
	return out
}

// TrainLogistic fits a binary logistic regression. The cut is left at 0 (even odds); pick
// another with ChooseCut on held-out scores.
func TrainLogistic(name string, set []Example, o Options) *Linear {
	ix := newIndex(set)
	data := ix.compile(set)
	return trainFTRL(name, ix, data, o)
}

func trainFTRL(name string, ix *index, data []dense, o Options) *Linear {
	if o.Epochs == 0 {
		o = DefaultOptions
	}
	n := len(ix.ids)
	z := make([]float64, n+1) // the last slot is the bias
	g2 := make([]float64, n+1)
	w := make([]float64, n+1)
	bias := n
	var pos, neg float64
	for _, d := range data {
		if d.y == 1 {
			pos += d.w
		} else {
			neg += d.w
		}
	}
	posW, negW := 1.0, 1.0
	if o.Balance && pos > 0 && neg > 0 {
		posW = (pos + neg) / (2 * pos)
		negW = (pos + neg) / (2 * neg)
	}
	prior := make([]float64, n+1)
	for id, v := range o.Prior {
		if slot, ok := ix.slot[id]; ok {
			prior[slot] = v
		}
	}
	weight := func(slot int, l1 float64) float64 {
		zi := z[slot]
		if math.Abs(zi) <= l1 {
			return prior[slot]
		}
		return prior[slot] - (zi-math.Copysign(l1, zi))/((o.Beta+math.Sqrt(g2[slot]))/o.Alpha+o.L2)
	}
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	for range o.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			d := &data[i]
			// Lazy weights: compute the ones this example touches.
			s := weight(bias, 0)
			w[bias] = s
			for k, slot := range d.slots {
				wi := weight(int(slot), o.L1)
				w[slot] = wi
				s += wi * d.vals[k]
			}
			p := Sigmoid(s)
			cw := d.w * negW
			if d.y == 1 {
				cw = d.w * posW
			}
			g := (p - d.y) * cw
			update := func(slot int, gi float64) {
				sigma := (math.Sqrt(g2[slot]+gi*gi) - math.Sqrt(g2[slot])) / o.Alpha
				z[slot] += gi - sigma*(w[slot]-prior[slot])
				g2[slot] += gi * gi
			}
			update(bias, g)
			for k, slot := range d.slots {
				update(int(slot), g*d.vals[k])
			}
		}
	}
	m := &Linear{Name: name, W: map[uint32]float32{}}
	m.Bias = float32(weight(bias, 0))
	for slot, id := range ix.ids {
		if wi := weight(slot, o.L1); wi != 0 && float32(wi) != 0 {
			m.W[id] += float32(wi) // ids are distinct; += keeps a collision-free map exact
		}
	}
	return m
}

// Scored is a score with its label and weight, for choosing a cut.
type Scored struct {
	Score  float64
	Y      bool
	Weight float64
}

// ChooseCut returns the cut that maximises F-beta on held-out scores (beta < 1 favours
// precision), among cuts that keep precision at or above minPrecision when any does. With no
// positive example it returns +Inf-like caution: a cut above every score.
func ChooseCut(s []Scored, beta, minPrecision float64) float64 {
	if len(s) == 0 {
		return 0
	}
	s = slices.Clone(s)
	slices.SortStableFunc(s, func(a, b Scored) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	var totalPos float64
	for _, x := range s {
		if x.Y {
			totalPos += wt(x)
		}
	}
	if totalPos == 0 {
		return s[0].Score + 1
	}
	b2 := beta * beta
	best, bestCut := -1.0, s[0].Score+1
	bestAny, bestAnyCut := -1.0, s[0].Score+1
	var tp, fp float64
	for i, x := range s {
		if x.Y {
			tp += wt(x)
		} else {
			fp += wt(x)
		}
		// A cut can only fall between distinct scores.
		if i+1 < len(s) && s[i+1].Score == x.Score {
			continue
		}
		prec := tp / (tp + fp)
		rec := tp / totalPos
		f := 0.0
		if prec+rec > 0 {
			f = (1 + b2) * prec * rec / (b2*prec + rec)
		}
		cut := x.Score - 1e-9
		if i+1 < len(s) {
			cut = (x.Score + s[i+1].Score) / 2
		}
		if f > bestAny {
			bestAny, bestAnyCut = f, cut
		}
		if prec >= minPrecision && f > best {
			best, bestCut = f, cut
		}
	}
	if best < 0 {
		return bestAnyCut
	}
	return bestCut
}

func wt(x Scored) float64 {
	if x.Weight == 0 {
		return 1
	}
	return x.Weight
}
