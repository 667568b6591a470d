package coach

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// TestToneCorpora holds the tone judgement to its measured level on the project's own labelled
// corpora (testdata/tone: synthetic messages written for this project, see its README). A
// change that loses more than a couple of points on any of them fails here, not in production.
func TestToneCorpora(t *testing.T) {
	for _, tt := range []struct {
		file      string
		minF1     float64
		minPrecis float64
	}{
		{"testdata/tone/support.jsonl", 0.90, 0.92},
		{"testdata/tone/tweets.jsonl", 0.78, 0.88},
		{"testdata/tone/tweets2.jsonl", 0.77, 0.78},
	} {
		f, err := os.Open(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		var tp, fp, fn float64
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var r struct {
				Text  string
				Label struct{ Upset bool }
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", tt.file, err)
			}
			got := analyze(r.Text).Upset
			switch {
			case got && r.Label.Upset:
				tp++
			case got:
				fp++
			case r.Label.Upset:
				fn++
			}
		}
		f.Close()
		f1, p := 2*tp/(2*tp+fp+fn), tp/(tp+fp)
		t.Logf("%s: upset F1 %.3f, precision %.3f", tt.file, f1, p)
		if f1 < tt.minF1 || p < tt.minPrecis {
			t.Errorf("%s: upset F1 %.3f (want ≥ %.2f), precision %.3f (want ≥ %.2f)", tt.file, f1, tt.minF1, p, tt.minPrecis)
		}
	}
}
