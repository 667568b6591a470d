package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/deescalate/deescalate/coach"
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
		cs, err := castOf(ex, "", "")
		if err != nil {
			t.Fatal(err)
		}
		r := newReplayer(fuzzCoach, ex, cs, time.UTC)
		r.run(nil)
		r.finish()
		printReplay(io.Discard, &r.report, cs)
	})
}

var fuzzCoach = coach.New(coach.DefaultPlaybook())

// writeUsers replaces an export's users.json.
func writeUsers(t *testing.T, dir string, users []map[string]any) {
	t.Helper()
	data, _ := json.Marshal(users)
	if err := os.WriteFile(filepath.Join(dir, "users.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplayExplainsWhoIsWho: an export whose authors all have full accounts in the
// workspace has no customer; the replay says so and how to name them, and with --customers
// it coaches. Guests and authors missing from users.json are customers, and the report says
// why each person is what they are.
func TestReplayExplainsWhoIsWho(t *testing.T) {
	clearConfig(t)
	dir := t.TempDir()
	copyDir(t, "testdata/export", dir)
	member := func(id, name string) map[string]any {
		return map[string]any{"id": id, "team_id": "TCOMMUNITY", "name": name, "profile": map[string]any{"display_name": name}}
	}
	writeUsers(t, dir, []map[string]any{member("UANA", "ana"), member("UMAX", "max"), member("ULEE", "lee"),
		member("UCHRIS", "chris"), member("UDANA", "dana"), {"id": "USTATUS", "team_id": "TCOMMUNITY", "name": "statusbot", "is_bot": true}})

	out, stderr, code := runWithStdin(t, "", "replay", dir)
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"agents, 4: full members of the workspace's own team (TCOMMUNITY)",
		"No customers: all 4 people who wrote were taken for agents",
		"--customers NAME,NAME", "--agents NAME,NAME",
		"Nudges it would have sent: 0\n  None: with no customers there was nothing to coach",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("all-members replay lacks %q:\n%s", want, out)
		}
	}

	jsonOut, stderr, code := runWithStdin(t, "", "replay", "--format", "json", "--customers", "chris, @dana", dir)
	var rep replayReport
	if code != 0 || json.Unmarshal([]byte(jsonOut), &rep) != nil {
		t.Fatalf("replay --customers: exit %d: %s\n%s", code, stderr, jsonOut)
	}
	rules := map[string]bool{}
	for _, n := range rep.Nudges {
		rules[n.Rule] = true
	}
	if !rules["pause"] || !rules["feelings-first"] {
		t.Errorf("with --customers, nudges %v; want pause and feelings-first among them", rules)
	}
	why := map[string]string{}
	for _, p := range rep.People {
		why[p.Name] = p.Role + ": " + p.Why
	}
	if why["chris"] != "customer: named by --customers" || why["ana"] != "agent: full members of the workspace's own team" {
		t.Errorf("people %v", why)
	}
	if len(rep.Weeks) == 0 || len(rep.Weeks[0].Digests) < 2 || rep.Weeks[0].Digests[0].Reader != "a team lead" {
		t.Fatalf("weeks %+v: want digests for a lead and the agents", rep.Weeks)
	}

	// A guest of the workspace and an author users.json does not hold are customers, and
	// the report says why.
	writeUsers(t, dir, []map[string]any{member("UANA", "ana"), member("UMAX", "max"), member("ULEE", "lee"),
		{"id": "UCHRIS", "team_id": "TCOMMUNITY", "name": "chris", "is_restricted": true}})
	out, _, code = runWithStdin(t, "", "replay", dir)
	for _, want := range []string{"customers, 1: guests of the workspace\n    chris (3 messages)",
		"customers, 1: not in users.json (most often a Slack Connect member of another organisation)\n    UDANA (2 messages)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d; output lacks %q:\n%s", code, want, out)
		}
	}

	// A name that matches nobody, or one named both ways, is a usage error naming it.
	if _, stderr, code := runWithStdin(t, "", "replay", "--customers", "chris,zed", dir); code != 2 || !strings.Contains(stderr, "zed") {
		t.Errorf("--customers zed: exit %d, %q", code, stderr)
	}
	if _, stderr, code := runWithStdin(t, "", "replay", "--customers", "chris", "--agents", "chris", dir); code != 2 || !strings.Contains(stderr, "both name chris") {
		t.Errorf("chris named both ways: exit %d, %q", code, stderr)
	}
}

// TestReplayQuotesReadAsText: every quote shows Slack's markup as a person reads it.
func TestReplayQuotesReadAsText(t *testing.T) {
	clearConfig(t)
	out, _, code := runWithStdin(t, "", "replay", "testdata/export")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, raw := range []string{"&gt;", "&amp;", "&lt;", "<@", "<http", "|our ticket>"} {
		if strings.Contains(out, raw) {
			t.Errorf("replay shows Slack's markup %q:\n%s", raw, out)
		}
	}
	if !strings.Contains(out, "“@max our dashboard has been down for an hour & nobody has answered (see our ticket).") {
		t.Errorf("the quote of dana's message is not decoded:\n%s", out)
	}
}

func TestSlackTextReadsMarkup(t *testing.T) {
	n := namer{user: func(id string) string { return map[string]string{"UANA": "ana"}[id] },
		channel: func(id string) string { return map[string]string{"C1": "support"}[id] }}
	for _, c := range []struct{ in, want string }{
		{"<@UANA> and <@UZED> and <@UZED|zed>", "@ana and @UZED and @zed"},
		{"in <#C1> or <#C2|general> or <#C3>", "in #support or #general or #C3"},
		{"<https://x.test/a|the page> or <https://x.test/b> or <mailto:a@b.test|mail>", "the page or https://x.test/b or mail"},
		{"<!here> <!subteam^S1|@oncall> <!date^1700000000^{date}|Nov 14>", "@here @oncall Nov 14"},
		{"a &gt; b &amp;&amp; c &lt; d", "a > b && c < d"},
		{"this is *really* _bad_", "this is really bad"},
		{"&lt;@UANA&gt; is text", "<@UANA> is text"},
	} {
		if got := n.plain(c.in); got != c.want {
			t.Errorf("plain(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// BenchmarkReplay replays an export of 6,000 messages: 2,000 threads over a month, each a
// customer's message, an agent's reply and the customer's answer, with Slack's markup.
func BenchmarkReplay(b *testing.B) {
	fsys := fstest.MapFS{
		"users.json":    {Data: []byte(`[{"id":"UA","team_id":"T1","name":"ana"},{"id":"UB","team_id":"T1","name":"bo"},{"id":"UC","team_id":"T2","name":"chris"},{"id":"UD","team_id":"T2","name":"dana"}]`)},
		"channels.json": {Data: []byte(`[{"id":"C1","name":"support","members":["UA","UB","UC","UD"]}]`)},
	}
	texts := []string{
		"This is the THIRD time our invoice is wrong &amp; <@UA> promised a fix. Honestly thinking about cancelling.",
		"Sorry about this. I'm on it and I'll update you by 3pm.",
		"Thanks, <https://status.example.test/1|that helps>. Still can't log in though.",
		"Quick question: can we export the usage report as CSV?",
		"Sure: open Reports, pick the month, then Export. Does that work for you?",
		"Perfect, thank you so much!",
	}
	days := map[string][]map[string]string{}
	for i := range 2000 {
		t0 := int64(1773151080) + int64(i)*1200
		thread := fmt.Sprintf("%d.%06d", t0, i)
		people := []string{"UC", "UA", "UC"}
		if i%2 == 1 {
			people = []string{"UD", "UB", "UD"}
		}
		for j, user := range people {
			m := map[string]string{"type": "message", "user": user, "text": texts[(i%2)*3+j], "ts": fmt.Sprintf("%d.%06d", t0+int64(j)*300, i)}
			if j > 0 {
				m["thread_ts"] = thread
			}
			day := time.Unix(t0, 0).UTC().Format("2006-01-02")
			days[day] = append(days[day], m)
		}
	}
	for day, msgs := range days {
		data, _ := json.Marshal(msgs)
		fsys["support/"+day+".json"] = &fstest.MapFile{Data: data}
	}
	for b.Loop() {
		ex, err := readExport(fsys, "bench")
		if err != nil {
			b.Fatal(err)
		}
		cs, err := castOf(ex, "", "")
		if err != nil {
			b.Fatal(err)
		}
		r := newReplayer(fuzzCoach, ex, cs, time.UTC)
		r.run(nil)
		r.finish()
		if len(ex.messages) != 6000 || len(r.report.Nudges) == 0 {
			b.Fatalf("replayed %d messages, %d nudges", len(ex.messages), len(r.report.Nudges))
		}
		printReplay(io.Discard, &r.report, cs)
	}
}

// FuzzSlackText reads arbitrary text as Slack markup: never a panic, valid UTF-8 stays valid,
// and reading never lengthens the text (names here are as long as ids).
func FuzzSlackText(f *testing.F) {
	f.Add("<@UANA|ana> see <https://x.test|the page> &gt; <#C1> <!here> *bold*")
	f.Add("<<@U1>>|<>")
	f.Fuzz(func(t *testing.T, s string) {
		n := namer{user: func(id string) string { return id }, channel: func(id string) string { return id }}
		got := n.plain(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("plain(%q) = %q is not UTF-8", s, got)
		}
		if len(got) > len(s) {
			t.Errorf("plain(%q) = %q is longer than the text", s, got)
		}
	})
}
