//go:build eval

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEvalTrainingReproducesTheEmbeddedModel retrains the tone model from the GoEmotions
// training split of the evaluation data (DEESCALATE_EVAL_DATA, set by make eval) and checks
// it is byte for byte the one the binary embeds: the model is built by this code, from that
// data, and nothing else.
func TestEvalTrainingReproducesTheEmbeddedModel(t *testing.T) {
	root := os.Getenv("DEESCALATE_EVAL_DATA")
	if root == "" {
		t.Fatal("DEESCALATE_EVAL_DATA is not set: run make eval, which points it at the evaluation data beside the repository")
	}
	data := filepath.Join(root, "data", "goemotions")
	if _, err := os.Stat(filepath.Join(data, "train.tsv")); err != nil {
		t.Fatalf("the GoEmotions training split is needed in %s to check the model: %v", data, err)
	}
	out := filepath.Join(t.TempDir(), "tone.model")
	if err := run(data, out, defaultEpochs, defaultRate, defaultL2); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../tone.model")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("retrained model (%d bytes) differs from coach/tone.model (%d bytes): run make model and commit the result", len(got), len(want))
	}
}
