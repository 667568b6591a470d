package main

import (
	"testing/fstest"
	"time"

	"archive/zip"
	"encoding/json"
	"github.com/deescalate/deescalate/coach"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zipDir writes a folder into a zip file, as Slack's export download is.
func zipDir(t *testing.T, dir, out string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// copyDir copies a folder, for a damaged or partial export.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReplayExport(t *testing.T) {
	clearConfig(t)
	out, stderr, code := runWithStdin(t, "", "replay", "testdata/export")
	if code != 0 || stderr != "" {
		t.Fatalf("replay: exit %d, stderr %q", code, stderr)
	}
	goldenFile(t, "testdata/export.golden.txt", out)

	jsonOut, _, code := runWithStdin(t, "", "replay", "--format", "json", "testdata/export")
	var rep replayReport
	if code != 0 || json.Unmarshal([]byte(jsonOut), &rep) != nil {
		t.Fatalf("replay --format json: exit %d\n%s", code, jsonOut)
	}
	outcomes := map[string]string{}
	for _, p := range rep.Promises {
		outcomes[p.Text] = p.Outcome
	}
	// ana's 11am promise was kept at 11:15 (late); the SSO date was never confirmed (missed).
	if outcomes["I'll update you on both by 11am today"] != "late" || outcomes["I'll confirm the SSO date by 3pm tomorrow"] != "missed" {
		t.Errorf("promise outcomes %v", outcomes)
	}
	rules := map[string]int{}
	for _, n := range rep.Nudges {
		rules[n.Rule]++
		if n.Message == "" {
			t.Errorf("nudge %+v does not show the message that triggered it", n)
		}
		if n.Agent == "statusbot" || n.Agent == "chris" || n.Agent == "dana" {
			t.Errorf("nudge to %s, who is not an agent", n.Agent)
		}
	}
	for _, want := range []string{"pause", "chunk", "feelings-first", "concrete-time", "outcome-not-process", "possible-first", "preemptive-ack"} {
		if rules[want] == 0 {
			t.Errorf("no %s nudge in the replay: %v", want, rules)
		}
	}
	if len(rep.Weeks) != 2 || rep.Weeks[0].Week != "2026-W11" || rep.Weeks[0].Kudos != 1 || len(rep.Waits) != 1 {
		t.Errorf("weeks %+v, waits %+v", rep.Weeks, rep.Waits)
	}

	// The same export as a zip (with its own top folder, as some tools make it) reads the same.
	dir := t.TempDir()
	nested := filepath.Join(dir, "nested")
	copyDir(t, "testdata/export", filepath.Join(nested, "acme-workspace"))
	zipped := filepath.Join(dir, "export.zip")
	zipDir(t, nested, zipped)
	zout, _, code := runWithStdin(t, "", "replay", "--format", "json", zipped)
	var zrep replayReport
	if code != 0 || json.Unmarshal([]byte(zout), &zrep) != nil || len(zrep.Nudges) != len(rep.Nudges) || len(zrep.Promises) != len(rep.Promises) {
		t.Errorf("the zip replays differently: exit %d", code)
	}
}

func TestReplayDamagedAndPartialExports(t *testing.T) {
	clearConfig(t)
	// A day file that is not JSON: exit 2 naming it.
	damaged := t.TempDir()
	copyDir(t, "testdata/export", damaged)
	os.WriteFile(filepath.Join(damaged, "globex-support", "2026-03-11.json"), []byte(`[{"type": "message", "ts": `), 0o644)
	_, stderr, code := runWithStdin(t, "", "replay", damaged)
	if code != 2 || !strings.Contains(stderr, "globex-support/2026-03-11.json") || !strings.Contains(stderr, "not a Slack export file") {
		t.Errorf("damaged export: exit %d, %q", code, stderr)
	}
	// users.json of the wrong shape.
	os.WriteFile(filepath.Join(damaged, "users.json"), []byte(`{"members": []}`), 0o644)
	if _, stderr, code := runWithStdin(t, "", "replay", damaged); code != 2 || !strings.Contains(stderr, "users.json") {
		t.Errorf("bad users.json: exit %d, %q", code, stderr)
	}
	// No users.json at all: exit 2 naming it.
	os.Remove(filepath.Join(damaged, "users.json"))
	if _, stderr, code := runWithStdin(t, "", "replay", damaged); code != 2 || !strings.Contains(stderr, "users.json is missing") {
		t.Errorf("missing users.json: exit %d, %q", code, stderr)
	}
	// A partial export (no channels.json, one channel folder): it replays what is there.
	partial := t.TempDir()
	copyDir(t, "testdata/export", partial)
	os.Remove(filepath.Join(partial, "channels.json"))
	os.RemoveAll(filepath.Join(partial, "globex-support"))
	out, _, code := runWithStdin(t, "", "replay", partial)
	if code != 0 || !strings.Contains(out, "channels.json: missing") || !strings.Contains(out, "#acme-support") || strings.Contains(out, "globex") {
		t.Errorf("partial export: exit %d\n%s", code, out)
	}
	// Not an export at all.
	if _, stderr, code := runWithStdin(t, "", "replay", "testdata/check/team.json"); code != 2 || stderr == "" {
		t.Errorf("a JSON file as the export: exit %d, %q", code, stderr)
	}
}

// FuzzReadExport feeds arbitrary day files (and users files) to the export reader and the
// replay: never a panic, and a file it refuses is named.
func FuzzReadExport(f *testing.F) {
	f.Add(`[{"id":"UA","team_id":"T1"},{"id":"UC","team_id":"T2"}]`, `[{"type":"message","user":"UC","text":"This is the third time! When will it work?","ts":"1773151080.000100"},{"type":"message","user":"UA","text":"I'll update you by 3pm.","ts":"1773151090.000100","thread_ts":"1773151080.000100"}]`)
	f.Add(`[]`, `[{"ts":"x"}]`)
	f.Add(`{}`, `[`)
	f.Fuzz(func(t *testing.T, users, day string) {
		fsys := fstest.MapFS{
			"users.json":              {Data: []byte(users)},
			"channels.json":           {Data: []byte(`[{"id":"C1","name":"support"}]`)},
			"support/2026-03-10.json": {Data: []byte(day)},
		}
		ex, err := readExport(fsys, "fuzz")
		if err != nil {
			if !strings.Contains(err.Error(), ".json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		r := &replayer{c: fuzzCoach, ex: ex, agents: pickAgents(ex, ""), team: time.UTC, threads: map[string]coach.Thread{},
			texts: map[string]string{}, weeks: map[coach.Week]*replayWeek{}, promises: map[string]int{}}
		r.run(nil)
	})
}

var fuzzCoach = coach.New(coach.DefaultPlaybook())
