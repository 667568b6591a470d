package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/config"
)

func goldenFile(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (-update creates it)", err)
	}
	if string(want) != got {
		t.Errorf("%s changed (-update after a deliberate change):\n%s", path, got)
	}
}

func TestCheckReplies(t *testing.T) {
	clearConfig(t)
	dir := "testdata/check/replies"
	out, stderr, code := runWithStdin(t, "", "check", dir)
	if code != 1 || stderr != "" {
		t.Fatalf("check %s: exit %d, stderr %q; want 1 (findings)", dir, code, stderr)
	}
	goldenFile(t, "testdata/check/replies.golden.txt", out)
	if strings.Contains(out, ".draft-ignored") || strings.Contains(out, "logo.png") {
		t.Errorf("hidden or non-text files were checked:\n%s", out)
	}

	out, _, code = runWithStdin(t, "", "check", "--format", "json", "--upset", dir)
	var report struct {
		Files    int            `json:"files"`
		Findings []checkFinding `json:"findings"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &report) != nil || report.Files != 4 {
		t.Fatalf("json: exit %d, %s", code, out)
	}
	rules := map[string]bool{}
	for _, f := range report.Findings {
		rules[f.Rule] = true
		if f.File == "" || f.Line < 1 || f.Cue == "" || f.Try == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	for _, want := range []string{"no-blame", "concrete-time", "overpromise", "possible-first"} {
		if !rules[want] {
			t.Errorf("json findings lack %s: %s", want, out)
		}
	}

	// Clean input: exit 0.
	if out, _, code := runWithStdin(t, "Thanks for waiting! I've refunded the duplicate charge. Could you check it shows on your side?", "check", "-"); code != 0 || !strings.Contains(out, "0 findings") {
		t.Errorf("clean reply: exit %d, %q", code, out)
	}
	// Bad input: exit 2, naming it.
	for _, args := range [][]string{{"check", "no/such/folder"}, {"check", "--format", "xml", dir}, {"check"}, {"check", "testdata/check/replies/logo.png"}} {
		if _, stderr, code := runWithStdin(t, "", args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, %q; want 2", args, code, stderr)
		}
	}
}

func TestCheckPlaybook(t *testing.T) {
	clearConfig(t)
	out, _, code := runWithStdin(t, "", "check", "--playbook", "testdata/check/team.json")
	if code != 0 {
		t.Fatalf("valid playbook: exit %d", code)
	}
	goldenFile(t, "testdata/check/team.golden.txt", out)

	_, stderr, code := runWithStdin(t, "", "check", "--playbook", "testdata/check/broken.json")
	for _, want := range []string{"broken.json", `rules["no-blame"].phrases["refusal"]`, `rule "pause": field "why" is empty`, `rule "no-jargon": field "kind"`} {
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("broken playbook: exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
	// The team's playbook applies to the check: their own rule fires, the rule they turned off does not.
	out, _, _ = runWithStdin(t, "", "check", "--playbook", "testdata/check/team.json", "testdata/check/replies")
	if !strings.Contains(out, "no-jargon") || strings.Contains(out, "overpromise") {
		t.Errorf("check with the team's playbook:\n%s", out)
	}
}

// BenchmarkCheck lints a folder of a thousand saved replies, as a pre-commit hook would.
func BenchmarkCheck(b *testing.B) {
	dir := b.TempDir()
	texts := []string{
		"Hi! Thanks for reaching out. I've reset your password: could you try again and let me know if it works?",
		"Unfortunately we can't offer refunds after 30 days. As I said before, that's our policy.",
		"We'll get back to you soon. I promise this will never happen again.",
	}
	for i := range 1000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("macro-%04d.txt", i)), []byte(texts[i%3]), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	c := coach.New(coach.DefaultPlaybook())
	load := func() (config.Config, *coach.Coach, error) { return config.Config{}, c, nil }
	b.ResetTimer()
	for b.Loop() {
		var out bytes.Buffer
		if err := runCheck([]string{dir}, strings.NewReader(""), &out, load); err != errFound {
			b.Fatal(err)
		}
	}
}
