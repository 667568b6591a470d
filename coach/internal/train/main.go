// Command train fits the coach's tone model: a logistic regression over the hashed features
// of coach.Features, from the GoEmotions training split (Demszky et al., 2020; Apache-2.0).
// A comment is "upset" when it carries anger, annoyance, disappointment or disgust, "calm" when
// all its labels are neutral or positive; the others (sadness, fear, confusion, disapproval…)
// are left out, as in the judging set. Training is deterministic: the same data and flags
// give the same bytes. The dev split picks nothing but is reported, to see the fit.
//
//	go run ./internal/train -data ../../shared/data/goemotions -out tone.model
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/deescalate/deescalate/coach"
)

// GoEmotions label ids (emotions.txt, 0-based).
var (
	upsetLabels = []int{2, 3, 9, 10, 11} // anger, annoyance, disappointment, disapproval, disgust
	disapproval = 10
	calmLabels  = []int{0, 1, 4, 5, 7, 8, 13, 15, 17, 18, 20, 21, 22, 23, 26, 27}
)

var disapprovalWeight = 1.0

type example struct {
	feats []uint32
	y     float64
	pure  bool // labelled the way the judging set is: no row that is only disapproval
}

// The settings the embedded model was trained with (go generate uses these defaults).
const (
	defaultEpochs = 6
	defaultRate   = 0.05
	defaultL2     = 1e-5
)

func main() {
	data := flag.String("data", "../../shared/data/goemotions", "folder with train.tsv and dev.tsv")
	out := flag.String("out", "tone.model", "model file to write")
	epochs := flag.Int("epochs", defaultEpochs, "passes over the training data")
	rate := flag.Float64("rate", defaultRate, "AdaGrad learning rate")
	l2 := flag.Float64("l2", defaultL2, "L2 penalty per example")
	dw := flag.Float64("disapproval-weight", 1, "weight of comments whose only upset label is disapproval")
	flag.Parse()
	disapprovalWeight = *dw
	if err := run(*data, *out, *epochs, *rate, *l2); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(data, out string, epochs int, rate, l2 float64) error {
	train, err := read(filepath.Join(data, "train.tsv"))
	if err != nil {
		return err
	}
	dev, err := read(filepath.Join(data, "dev.tsv"))
	if err != nil {
		return err
	}
	pos := 0
	for _, e := range train {
		if e.y == 1 {
			pos++
		}
	}
	fmt.Fprintf(os.Stderr, "train: %d examples (%d upset), dev: %d\n", len(train), pos, len(dev))

	w := make([]float64, 1<<coach.ModelBits)
	g := make([]float64, len(w))
	var bias, gb float64
	// Upset comments are the minority; weigh them up so the model does not learn "always calm".
	posWeight := float64(len(train)-pos) / float64(pos)
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(train))
	for i := range order {
		order[i] = i
	}
	// The model written is the average of the weights after each pass (Polyak averaging):
	// steadier than the last pass alone.
	avg := make([]float64, len(w))
	var avgBias float64
	for epoch := range epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := train[i]
			z := bias
			for _, f := range e.feats {
				z += w[f]
			}
			p := 1 / (1 + math.Exp(-z))
			grad := p - e.y
			if e.y == 1 {
				grad *= posWeight
				if !e.pure {
					grad *= disapprovalWeight
				}
			}
			gb += grad * grad
			bias -= rate * grad / math.Sqrt(gb+1e-8)
			for _, f := range e.feats {
				gf := grad + l2*w[f]
				g[f] += gf * gf
				w[f] -= rate * gf / math.Sqrt(g[f]+1e-8)
			}
		}
		for i, v := range w {
			avg[i] += v
		}
		avgBias += bias
		fmt.Fprintf(os.Stderr, "epoch %d: dev %s\n", epoch+1, evaluate(dev, w, bias))
	}
	for i := range avg {
		avg[i] /= float64(epochs)
	}
	avgBias /= float64(epochs)
	w, bias = avg, avgBias
	fmt.Fprintf(os.Stderr, "averaged: dev %s\n", evaluate(dev, w, bias))
	weights := make([]float32, len(w))
	for i, v := range w {
		if math.Abs(v) >= 1e-4 {
			weights[i] = float32(v)
		}
	}
	return os.WriteFile(out, coach.EncodeModel(float32(bias), weights), 0o644)
}

// read loads a GoEmotions split, keeping the upset and calm comments.
func read(path string) ([]example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) < 2 {
			return nil, fmt.Errorf("%s:%d: want text<TAB>labels", path, n)
		}
		var labels []int
		for _, l := range strings.Split(parts[1], ",") {
			id, err := strconv.Atoi(l)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: label %q: %w", path, n, l, err)
			}
			labels = append(labels, id)
		}
		upset, calm, core := false, true, false
		for _, l := range labels {
			upset = upset || slices.Contains(upsetLabels, l)
			calm = calm && slices.Contains(calmLabels, l)
			core = core || slices.Contains(upsetLabels, l) && l != disapproval
		}
		switch {
		case upset:
			out = append(out, example{coach.Features(parts[0]), 1, core})
		case calm:
			out = append(out, example{coach.Features(parts[0]), 0, true})
		}
	}
	return out, sc.Err()
}

// evaluate reports F1 at 0.5 and the best F1 over thresholds, on held-out examples.
func evaluate(set []example, w []float64, bias float64) string {
	type scored struct{ p, y float64 }
	var s []scored
	for _, e := range set {
		if !e.pure {
			continue
		}
		z := bias
		for _, f := range e.feats {
			z += w[f]
		}
		s = append(s, scored{1 / (1 + math.Exp(-z)), e.y})
	}
	f1 := func(t float64) float64 {
		var tp, fp, fn float64
		for _, x := range s {
			switch {
			case x.p >= t && x.y == 1:
				tp++
			case x.p >= t:
				fp++
			case x.y == 1:
				fn++
			}
		}
		if tp == 0 {
			return 0
		}
		return 2 * tp / (2*tp + fp + fn)
	}
	best, bestT := 0.0, 0.0
	for t := 0.05; t < 0.96; t += 0.05 {
		if v := f1(t); v > best {
			best, bestT = v, t
		}
	}
	return fmt.Sprintf("F1@0.5 %.3f, best F1 %.3f @ %.2f", f1(0.5), best, bestT)
}
