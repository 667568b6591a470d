package learn

import (
	"math/rand/v2"
	"slices"
)

// Group is a message cut into units (clauses) and labelled only with how many of its units
// start something (a distinct problem): which ones do is not labelled, and the trainer must
// find out.
type Group struct {
	Units [][]Feature
	Count int
}

// CountOptions tune TrainCount.
type CountOptions struct {
	Epochs int
	Rate   float64
	Margin float64 // scores must clear ±Margin
	Seed   uint64
	// Prior gives features a starting weight: what is known before any example (a list item
	// is usually a problem of its own). Examples move the weights from there.
	Prior map[uint32]float64
}

// DefaultCountOptions suit a few hundred labelled messages.
var DefaultCountOptions = CountOptions{Epochs: 30, Rate: 0.1, Margin: 1, Seed: 1}

// TrainCount fits a linear scorer of units such that, in each group, exactly Count units score
// above zero. It is a latent perceptron with a margin: in each group the Count best-scoring
// units are taken to be the ones that start something (the latent choice), those below the
// margin are pushed up and the others above minus the margin pushed down. The weights written
// are the average over every step, which is steadier than the last ones.
func TrainCount(name string, groups []Group, o CountOptions) *Linear {
	if o.Epochs == 0 {
		o = DefaultCountOptions
	}
	var all []Example
	for _, g := range groups {
		for _, u := range g.Units {
			all = append(all, Example{F: u})
		}
	}
	ix := newIndex(all)
	type cgroup struct {
		units [][]int32
		vals  [][]float64
		count int
	}
	data := make([]cgroup, len(groups))
	for gi, g := range groups {
		cg := cgroup{count: g.Count}
		for _, u := range g.Units {
			slots := make([]int32, len(u))
			vals := make([]float64, len(u))
			for k, f := range u {
				slots[k] = ix.slot[f.ID]
				vals[k] = float64(f.Val)
			}
			cg.units = append(cg.units, slots)
			cg.vals = append(cg.vals, vals)
		}
		data[gi] = cg
	}
	n := len(ix.ids)
	w := make([]float64, n+1)
	sum := make([]float64, n+1) // for the average
	bias := n
	for id, v := range o.Prior {
		if slot, ok := ix.slot[id]; ok {
			w[slot] = v
		}
	}
	steps := 0.0
	score := func(slots []int32, vals []float64) float64 {
		s := w[bias]
		for k, slot := range slots {
			s += w[slot] * vals[k]
		}
		return s
	}
	add := func(slots []int32, vals []float64, step float64) {
		w[bias] += step
		sum[bias] += step * steps
		for k, slot := range slots {
			w[slot] += step * vals[k]
			sum[slot] += step * vals[k] * steps
		}
	}
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x2545f4914f6cdd1d))
	type scoredUnit struct {
		i int
		s float64
	}
	var su []scoredUnit
	for range o.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, gi := range order {
			g := &data[gi]
			steps++
			su = su[:0]
			for ui := range g.units {
				su = append(su, scoredUnit{ui, score(g.units[ui], g.vals[ui])})
			}
			// The latent choice: the best-scoring units start something; ties go to the
			// earlier unit, as a reader would take the first statement first.
			slices.SortStableFunc(su, func(a, b scoredUnit) int {
				switch {
				case a.s > b.s:
					return -1
				case a.s < b.s:
					return 1
				}
				return a.i - b.i
			})
			for rank, u := range su {
				switch {
				case rank < g.count && u.s < o.Margin:
					add(g.units[u.i], g.vals[u.i], o.Rate)
				case rank >= g.count && u.s > -o.Margin:
					add(g.units[u.i], g.vals[u.i], -o.Rate)
				}
			}
		}
	}
	// Averaged weights: w_avg = w - sum/steps (Daumé's trick for the averaged perceptron).
	m := &Linear{Name: name, W: map[uint32]float32{}}
	avg := func(slot int) float64 { return w[slot] - sum[slot]/steps }
	m.Bias = float32(avg(bias))
	for slot, id := range ix.ids {
		if v := avg(slot); v != 0 && float32(v) != 0 {
			m.W[id] = float32(v)
		}
	}
	return m
}
