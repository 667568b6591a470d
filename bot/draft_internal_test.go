package bot

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deescalate/deescalate/coach"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDraftModalGolden keeps the draft modal's Block Kit in testdata: run with -update after
// a deliberate change and read the diff.
func TestDraftModalGolden(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	london, _ := time.LoadLocation("Europe/London")
	co := coach.New(coach.DefaultPlaybook())
	src := draftSource{Channel: "CSUPPORT", Thread: "1773151080.000100", TS: "1773151080.000300", Customer: "UCHRIS",
		Text: "It's been down for two hours and nobody tells us anything. When will it be back up?!", Tone: "warm"}
	req := coach.DraftRequest{Text: src.Text, Customer: "chris", Agent: "ana", Zone: ny, CustomerZone: london,
		Now: time.Date(2026, 3, 10, 13, 58, 0, 0, time.UTC), Tone: coach.ToneWarm}
	c := composed{draft: co.Draft(req), req: req, customer: "chris"}
	for name, model := range map[string]string{"draft_modal": "", "draft_modal_llm": "llama3.1:8b"} {
		view := draftModal(src, c, model)
		got, err := json.MarshalIndent(view, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", name+".golden.json")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./bot -run DraftModalGolden -update creates it)", err)
		}
		if string(want) != string(got)+"\n" {
			t.Errorf("%s changed (go test ./bot -run DraftModalGolden -update after a deliberate change):\n%s", path, got)
		}
	}
}

// FuzzDecodeSource feeds arbitrary button values and modal metadata to the reader: what it
// accepts names a known tone and, when it names a place, a channel and timestamps.
func FuzzDecodeSource(f *testing.F) {
	for _, s := range []string{`{"x":"hi","t":"warm"}`, `{"c":"CSUPPORT","th":"1.1","ts":"1.2","x":"late","t":"formal"}`,
		`{"c":"../x","x":"a"}`, `{"x":"` + strings.Repeat("<>&\"", 600) + `","t":"warm"}`, `{"x":"","t":"warm"}`, `{"x":"a","t":"snarky"}`, `[]`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, ok := decodeSource(v)
		if !ok {
			return
		}
		if _, err := coach.ParseTone(s.Tone); err != nil {
			t.Fatalf("accepted tone %q", s.Tone)
		}
		if s.Channel != "" && !refChannel.MatchString(s.Channel) || s.Thread != "" && !refTS.MatchString(s.Thread) {
			t.Fatalf("accepted %+v", s)
		}
		if enc := s.encode(); len(enc) > 2000 {
			t.Fatalf("encoded source is %d characters, over a button's 2,000", len(enc))
		}
		if back, ok := decodeSource(s.encode()); !ok || back.Channel != s.Channel || back.Thread != s.Thread {
			t.Fatalf("%+v does not travel: %+v", s, back)
		}
	})
}

func TestParsePermalink(t *testing.T) {
	cases := []struct{ in, channel, ts, thread string }{
		{"https://acme.slack.com/archives/CSUPPORT/p1773153600000600", "CSUPPORT", "1773153600.000600", "1773153600.000600"},
		{"<https://acme.slack.com/archives/CSUPPORT/p1773153600000600?thread_ts=1773151080.000100&cid=CSUPPORT>", "CSUPPORT", "1773153600.000600", "1773151080.000100"},
		{"https://acme.enterprise.slack.com/archives/G0PRIV8/p1773153600000600?thread_ts=bogus", "G0PRIV8", "1773153600.000600", "1773153600.000600"},
	}
	for _, c := range cases {
		ch, ts, th, ok := parsePermalink(c.in)
		if !ok || ch != c.channel || ts != c.ts || th != c.thread {
			t.Errorf("parsePermalink(%q) = %q %q %q %v", c.in, ch, ts, th, ok)
		}
	}
	for _, bad := range []string{"", "hello", "https://acme.slack.com/archives/CSUPPORT", "https://evil.example/archives/x/p1", "see https://acme.slack.com/archives/CSUPPORT/p1773153600000600 please"} {
		if _, _, _, ok := parsePermalink(bad); ok {
			t.Errorf("parsePermalink(%q) accepted", bad)
		}
	}
}
