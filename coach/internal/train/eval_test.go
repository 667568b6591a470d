//go:build eval

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEvalTrainingReproducesTheEmbeddedModels retrains every model from the training data
// (DEESCALATE_EVAL_DATA, set by make eval) and checks each file is byte for byte the one the
// binary embeds: the models are built by this code, from that data, and nothing else.
func TestEvalTrainingReproducesTheEmbeddedModels(t *testing.T) {
	root := os.Getenv("DEESCALATE_EVAL_DATA")
	if root == "" {
		t.Fatal("DEESCALATE_EVAL_DATA is not set: run make eval, which points it at the evaluation data beside the repository")
	}
	if _, err := os.Stat(filepath.Join(root, "data", "goemotions", "train.tsv")); err != nil {
		t.Fatalf("the training data is needed in %s to check the models: %v", root, err)
	}
	out := t.TempDir()
	if err := run(root, "../../testdata/tone", out, 0, "", ""); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../models/*.model")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded models in coach/models: %v", err)
	}
	for _, want := range files {
		w, err := os.ReadFile(want)
		if err != nil {
			t.Fatal(err)
		}
		g, err := os.ReadFile(filepath.Join(out, filepath.Base(want)))
		if err != nil {
			t.Fatalf("training wrote no %s: %v", filepath.Base(want), err)
		}
		if !bytes.Equal(g, w) {
			t.Errorf("retrained %s (%d bytes) differs from coach/models (%d bytes): run make model and commit the result", filepath.Base(want), len(g), len(w))
		}
	}
}
