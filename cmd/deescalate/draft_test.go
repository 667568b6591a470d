package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runWithStdin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestDraftCommand(t *testing.T) {
	clearConfig(t)
	msg := "This is the third time I'm asking. When will my refund arrive?"
	args := []string{"draft", "--tone", "formal", "--name", "Ana Silva", "--customer", "Chris", "--tz", "America/New_York",
		"--customer-tz", "Europe/London", "--now", "2026-03-10T15:00:00Z"}
	out, stderr, code := runWithStdin(t, msg, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// 11am in New York: the follow-up, 1pm there, is written as 5pm in London for the customer.
	for _, want := range []string{"Chris,", "[your estimate]", "by 5pm GMT today", "Ana\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("draft lacks %q:\n%s", want, out)
		}
	}
	again, _, _ := runWithStdin(t, msg, args...)
	if again != out {
		t.Errorf("the same message drafts differently:\n%s\n--\n%s", out, again)
	}
	for _, bad := range [][]string{{"draft", "--tone", "snarky"}, {"draft", "--tz", "Mars/Olympus"}, {"draft", "--now", "tuesday"}, {"draft", "extra"}} {
		if _, stderr, code := runWithStdin(t, msg, bad...); code != 2 || !strings.Contains(stderr, "draft") {
			t.Errorf("%v: exit %d, %q; want 2 naming the problem", bad, code, stderr)
		}
	}
	if _, stderr, code := runWithStdin(t, "  ", "draft"); code != 2 || !strings.Contains(stderr, "stdin") {
		t.Errorf("empty stdin: exit %d, %q", code, stderr)
	}
}
