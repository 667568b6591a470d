//go:build eval

package bot_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEvalThemeCountsOnTheDevSet holds the week's theme counts to the coach's themes on the
// labelled dev set's customers, from the evaluation data make eval names in
// DEESCALATE_EVAL_DATA (without it this fails, never skips).
func TestEvalThemeCountsOnTheDevSet(t *testing.T) {
	dir := os.Getenv("DEESCALATE_EVAL_DATA")
	if dir == "" {
		t.Fatal("DEESCALATE_EVAL_DATA is not set: run make eval, which points it at the evaluation data beside the repository")
	}
	checkThemeCounts(t, customerTexts(t, filepath.Join(dir, "eval", "dev", "contract.jsonl")))
}
