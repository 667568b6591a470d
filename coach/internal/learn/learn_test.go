package learn

import (
	"bytes"
	"math"
	"testing"
)

func feat(names ...string) []Feature {
	var out []Feature
	for i, n := range names {
		out = append(out, Feature{ID: NS("t").Add(n).ID(), Val: 1, Start: int32(i), End: int32(i + 1)})
	}
	return out
}

// A word that always marks the positive class must end up with a positive weight, one that
// marks the negative class a negative one, and the model must separate the two.
func TestTrainLogistic(t *testing.T) {
	var set []Example
	for i := range 200 {
		noise := []string{"a", "b", "c", "d"}[i%4]
		set = append(set, Example{F: feat("angry", noise), Y: true})
		set = append(set, Example{F: feat("calm", noise), Y: false})
	}
	m := TrainLogistic("t", set, DefaultOptions)
	if w := m.W[NS("t").Add("angry").ID()]; w <= 0 {
		t.Errorf("weight of angry = %v, want > 0", w)
	}
	if w := m.W[NS("t").Add("calm").ID()]; w >= 0 {
		t.Errorf("weight of calm = %v, want < 0", w)
	}
	if s := m.Score(feat("angry", "x")); !m.Yes(s) {
		t.Errorf("Score(angry) = %v, want above the cut %v", s, m.Cut)
	}
	if s := m.Score(feat("calm", "x")); m.Yes(s) {
		t.Errorf("Score(calm) = %v, want below the cut %v", s, m.Cut)
	}
	// Deterministic: the same data gives the same bytes.
	if !bytes.Equal(Encode(m), Encode(TrainLogistic("t", set, DefaultOptions))) {
		t.Error("training twice gave different models")
	}
}

func TestEncodeDecode(t *testing.T) {
	a := &Linear{Name: "a", Bias: -0.5, Cut: 0.25, W: map[uint32]float32{3: 1.5, 1: -2, 99: 0.125}}
	b := &Linear{Name: "b", Bias: 1, W: map[uint32]float32{}}
	got, err := Decode(Encode(a, b))
	if err != nil {
		t.Fatal(err)
	}
	if got["a"].Bias != a.Bias || got["a"].Cut != a.Cut || len(got["a"].W) != 3 || got["a"].W[1] != -2 || len(got["b"].W) != 0 {
		t.Errorf("round trip = %+v, %+v", got["a"], got["b"])
	}
	for _, bad := range [][]byte{nil, []byte("XXXX\x00\x00\x00\x00"), Encode(a)[:20], append(Encode(a), 0)} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%q) = nil error", bad)
		}
	}
}

// Groups labelled only with counts: units holding "problem" start something, the others do
// not; the trainer must find that without being told which unit is which.
func TestTrainCount(t *testing.T) {
	var groups []Group
	for i := range 60 {
		filler := []string{"hello", "thanks", "so", "ok"}[i%4]
		switch i % 3 {
		case 0:
			groups = append(groups, Group{Units: [][]Feature{feat(filler), feat("problem", "x")}, Count: 1})
		case 1:
			groups = append(groups, Group{Units: [][]Feature{feat("problem", "y"), feat(filler), feat("problem", "z")}, Count: 2})
		default:
			groups = append(groups, Group{Units: [][]Feature{feat(filler)}, Count: 0})
		}
	}
	m := TrainCount("c", groups, DefaultCountOptions)
	if s := m.Score(feat("problem", "w")); s <= 0 {
		t.Errorf("a problem unit scores %v, want > 0", s)
	}
	if s := m.Score(feat("hello")); s >= 0 {
		t.Errorf("a greeting unit scores %v, want < 0", s)
	}
}

func TestChooseCut(t *testing.T) {
	s := []Scored{{Score: 3, Y: true}, {Score: 2, Y: true}, {Score: 1, Y: false}, {Score: 0, Y: true}, {Score: -1, Y: false}}
	cut := ChooseCut(s, 1, 0.9)
	// Precision at least 0.9 allows only the top two.
	if !(cut < 2 && cut > 1) {
		t.Errorf("ChooseCut = %v, want between 1 and 2", cut)
	}
	if c := ChooseCut([]Scored{{Score: 1}}, 1, 0); !(c > 1) {
		t.Errorf("with no positive example the cut %v should sit above every score", c)
	}
	if math.IsNaN(ChooseCut(nil, 1, 0)) {
		t.Error("ChooseCut(nil) is NaN")
	}
}

func TestExplain(t *testing.T) {
	m := &Linear{W: map[uint32]float32{NS("t").Add("bad").ID(): 2, NS("t").Add("good").ID(): -1}}
	fs := feat("bad", "good", "bad")
	fs = append(fs, Feature{ID: NS("t").Add("bad").ID(), Val: 1, Start: -1, End: -1})
	got := m.Explain(fs)
	if len(got) != 3 || got[0].Value != 2 || got[len(got)-1].Value != -1 {
		t.Errorf("Explain = %+v, want the two spans of bad first and good last, and no whole-message feature", got)
	}
}
