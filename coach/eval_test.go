//go:build eval

package coach

import (
	"os"
	"path/filepath"
	"testing"
)

// evalData is the folder of the evaluation data (its eval/ and data/), which `make eval`
// names in DEESCALATE_EVAL_DATA. These checks need it: without it they fail, never skip.
func evalData(t testing.TB, parts ...string) string {
	t.Helper()
	dir := os.Getenv("DEESCALATE_EVAL_DATA")
	if dir == "" {
		t.Fatal("DEESCALATE_EVAL_DATA is not set: run make eval, which points it at the evaluation data beside the repository")
	}
	path := filepath.Join(append([]string{dir}, parts...)...)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the evaluation data is incomplete (DEESCALATE_EVAL_DATA=%s): %v", dir, err)
	}
	return path
}

// devCustomers are the customers' messages of the labelled dev sets.
func devCustomers(t testing.TB) []string {
	paths, err := filepath.Glob(filepath.Join(evalData(t, "eval", "dev"), "*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no dev set in %s (%v)", evalData(t, "eval", "dev"), err)
	}
	return customerMessages(t, paths...)
}

// TestEvalDraftsPassTheRulesOnTheDevSet drafts a reply to every customer message of the dev
// sets, as TestDraftsPassTheRules does for the project's own messages.
func TestEvalDraftsPassTheRulesOnTheDevSet(t *testing.T) { checkDrafts(t, devCustomers(t)) }

func TestEvalDraftVarietyOnTheDevSet(t *testing.T) { checkDraftVariety(t, devCustomers(t)) }

// TestEvalDraftsOnTheExternalSets holds the drafts' contract on text nobody wrote for this
// project: the customers' tweets, Reddit comments, reviews and requests of the external sets
// (14,000 messages, nine drafts each). Much of it is not support at all; a draft must still say
// nothing it should not.
func TestEvalDraftsOnTheExternalSets(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(evalData(t, "eval", "external"), "*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no external set in %s (%v)", evalData(t, "eval", "external"), err)
	}
	checkDrafts(t, customerMessages(t, paths...))
}
