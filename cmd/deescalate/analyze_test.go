package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deescalate/deescalate/coach"
)

func TestAnalyzeFilter(t *testing.T) {
	clearConfig(t)
	in := strings.Join([]string{
		`{"id": "c1", "text": "This is the THIRD time I'm writing!! 1) the invoices are wrong again 2) half the team can't log in"}`,
		`not json at all`,
		`{"id": "a1", "role": "agent", "text": "I'll get back to you by 3pm tomorrow.", "now": "2026-11-23T10:00:00-05:00", "tz": "America/New_York"}`,
		`{"text": "no id"}`,
		`{"id": "no-text"}`,
		`{"id": "bad-tz", "text": "x", "tz": "Mars/Olympus"}`,
		`{"id": "bad-now", "text": "x", "now": "yesterday"}`,
		`{"id": "bad-role", "text": "x", "role": "bot"}`,
		``,
		`{"id": "a2", "role": "agent", "text": "We've escalated it to the team.", "reply_to": "This is ridiculous, when will it be back??"}`,
		`{"id": "a3", "role": "agent", "text": "I'll keep you posted."}`,
	}, "\n")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"analyze"}, strings.NewReader(in), &out, os.Stderr); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line is not JSON: %q", l)
		}
		lines = append(lines, m)
	}
	if len(lines) != 10 {
		t.Fatalf("%d output lines for 10 non-empty input lines", len(lines))
	}
	wantIDs := []string{"c1", "", "a1", "", "no-text", "bad-tz", "bad-now", "bad-role", "a2", "a3"}
	for i, want := range wantIDs {
		if lines[i]["id"] != want {
			t.Errorf("line %d id = %v, want %q (same order as the input)", i, lines[i]["id"], want)
		}
	}
	for i, field := range map[int]string{1: "not a JSON object", 3: `"id" is required`, 4: `"text" is required`, 5: "unknown zone", 6: "RFC 3339", 7: `"role"`} {
		if e, _ := lines[i]["error"].(string); !strings.Contains(e, field) {
			t.Errorf("line %d error = %q, want it to mention %q", i, e, field)
		}
	}
	c1 := lines[0]
	if c1["upset"] != true || len(c1["issues"].([]any)) != 2 || !contains(c1["nudges"], "pause") || !contains(c1["nudges"], "chunk") {
		t.Errorf("c1 = %v", c1)
	}
	p, _ := lines[2]["promise"].(map[string]any)
	if p == nil || p["due"] != "2026-11-24T15:00:00-05:00" {
		t.Errorf("a1 promise = %v, want due 2026-11-24T15:00:00-05:00 in the author's zone", lines[2]["promise"])
	}
	if !contains(lines[8]["nudges"], "outcome-not-process") || !contains(lines[8]["nudges"], "feelings-first") {
		t.Errorf("a2 nudges = %v", lines[8]["nudges"])
	}
	p, _ = lines[9]["promise"].(map[string]any)
	if p == nil || p["due"] != nil || !contains(lines[9]["nudges"], "concrete-time") {
		t.Errorf("a3 = %v, want a vague promise and concrete-time", lines[9])
	}
	for _, l := range lines {
		if _, isErr := l["error"]; isErr {
			continue
		}
		for _, f := range []string{"upset", "intensity", "issues", "outcome_question", "promise", "themes", "praise", "nudges"} {
			if _, ok := l[f]; !ok {
				t.Errorf("line %v lacks the contract field %q", l["id"], f)
			}
		}
	}
}

func contains(list any, s string) bool {
	l, _ := list.([]any)
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

func TestAnalyzeUsesThePlaybookFile(t *testing.T) {
	clearConfig(t)
	path := filepath.Join(t.TempDir(), "team.json")
	os.WriteFile(path, []byte(`{"rules": {"no-blame": {"disabled": true}}}`), 0o644)
	t.Setenv("PLAYBOOK_FILE", path)
	var out bytes.Buffer
	in := `{"id": "a", "role": "agent", "text": "As I already said, clear your cookies."}`
	if err := run(t.Context(), []string{"analyze"}, strings.NewReader(in), &out, os.Stderr); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "no-blame") {
		t.Errorf("a disabled rule still fires: %s", out.String())
	}
	os.WriteFile(path, []byte(`{"rules": {"no-blame": {"phrases": {"blame": {"remove": ["as i once said"]}}}}}`), 0o644)
	_, stderr, code := runCLI(t, "analyze")
	if code != 2 || !strings.Contains(stderr, path) || !strings.Contains(stderr, `rules["no-blame"].phrases["blame"].remove`) {
		t.Errorf("a broken playbook: exit %d, %s; want 2 naming the file, the rule and the field", code, stderr)
	}
}

// BenchmarkAnalyzeFilter runs the analyze filter over 4,745 lines (the size of the GoEmotions
// judging file) built from the project's own corpora.
func BenchmarkAnalyzeFilter(b *testing.B) {
	var lines []string
	for _, f := range []string{"../../coach/testdata/tone/tweets.jsonl", "../../coach/testdata/tone/tweets2.jsonl", "../../coach/testdata/tone/support.jsonl"} {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.TrimSpace(string(data)), "\n")...)
	}
	var in strings.Builder
	for i := 0; i < 4745; i++ {
		in.WriteString(lines[i%len(lines)])
		in.WriteByte('\n')
	}
	input := in.String()
	c := coachForBench(b)
	b.ResetTimer()
	for b.Loop() {
		if err := runAnalyze(strings.NewReader(input), io.Discard, c, time.Now); err != nil {
			b.Fatal(err)
		}
	}
}

func coachForBench(b *testing.B) *coach.Coach { return coach.New(coach.DefaultPlaybook()) }
