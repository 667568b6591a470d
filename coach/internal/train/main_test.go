package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/deescalate/deescalate/coach"
)

// TestTrainingIsDeterministicAndLearns trains on a small split written for this test (the
// GoEmotions format: text, label ids, comment id): two runs write the same bytes, the file
// decodes, and the model scores the upset comments it saw above the calm ones.
func TestTrainingIsDeterministicAndLearns(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.model"), filepath.Join(dir, "b.model")
	for _, out := range []string{a, b} {
		if err := run("testdata", out, defaultEpochs, defaultRate, defaultL2); err != nil {
			t.Fatal(err)
		}
	}
	ma, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ma, mb) {
		t.Fatal("two trainings on the same data wrote different models")
	}
	m, err := coach.DecodeModel(ma)
	if err != nil {
		t.Fatalf("the trained model does not decode: %v", err)
	}
	train, err := read("testdata/train.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var upset, calm []float64
	for _, e := range train {
		if e.y == 1 {
			upset = append(upset, m.Prob(e.feats))
		} else {
			calm = append(calm, m.Prob(e.feats))
		}
	}
	if len(upset) < 10 || len(calm) < 10 {
		t.Fatalf("testdata/train.tsv: %d upset and %d calm comments, want 10 of each", len(upset), len(calm))
	}
	if lo, hi := minOf(upset), maxOf(calm); lo <= hi {
		t.Errorf("the least upset-looking upset comment scores %.3f, the most upset-looking calm one %.3f: the model did not learn its training data", lo, hi)
	}
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
