package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestTrainingReproducesTheEmbeddedModel retrains the tone model from the GoEmotions training
// split beside the repository and checks it is byte for byte the one the binary embeds: the
// model is built by this code, from that data, and nothing else.
func TestTrainingReproducesTheEmbeddedModel(t *testing.T) {
	data := "../../../../shared/data/goemotions"
	if _, err := os.Stat(filepath.Join(data, "train.tsv")); err != nil {
		t.Fatalf("the GoEmotions training split is needed at %s to check the model: %v", data, err)
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
		t.Fatalf("retrained model (%d bytes) differs from coach/tone.model (%d bytes): run go generate ./coach and commit the result", len(got), len(want))
	}
}
