package playground_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/playground"
	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
	"github.com/deescalate/deescalate/store/redistest"
)

// start runs a playground against a real Redis and serves it on 127.0.0.1.
func start(t *testing.T) *httptest.Server {
	t.Helper()
	url, prefix := redistest.URL(t)
	setup := sim.Setup{Bot: bot.Config{DigestLeadsAuto: true, DigestDay: time.Monday}, Store: store.Options{URL: url, Prefix: prefix}, Coach: coach.New(coach.DefaultPlaybook())}
	pg, err := playground.New(context.Background(), setup, time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Close)
	srv := httptest.NewServer(pg.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// chromium finds the browser the test drives; without one the test fails and says how to get it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Fatal("the playground's browser test needs Chromium, and none is installed: apt-get install chromium " +
		"(make test installs it on Debian and Ubuntu; elsewhere install Chromium or Chrome yourself)")
	return ""
}

// TestPlaygroundInTheBrowser drives the page in headless Chromium: the customer writes in the
// shared channel, an agent answers (and so owns the thread), the customer writes again, upset.
// The pause nudge appears on the owning agent's page, drawn from the bot's Block Kit, and not
// on the other agent's nor the customer's.
func TestPlaygroundInTheBrowser(t *testing.T) {
	exe := chromium(t)
	srv := start(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("headless", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// be switches the page to a person and waits until it shows what they see.
	be := func(id string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Click(chromedp.CSS(`#people [data-person="`+id+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`body[data-me="`+id+`"] #people [data-person="`+id+`"].me`)),
		)
	}
	// say posts a message with a form (the channel's, or the first thread's) and waits until
	// the page shows it.
	say := func(form, text string) chromedp.Action[chromedp.Void] {
		shown := chromedp.Poll[bool](`[...document.querySelectorAll("#messages .msg .text")].some(e => e.textContent.includes(`+jsString(text)+`))`,
			chromedp.WithPollingTimeout(20*time.Second))
		return chromedp.Steps(
			chromedp.SetValue(chromedp.CSS(form+` textarea`), text),
			chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error { _, err := shown(ctx, tg); return err }),
		)
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	const thread = `#messages .msg .thread .composer`
	do(chromedp.Navigate(srv.URL), chromedp.WaitVisible(chromedp.CSS(`#people [data-person="UCHRIS"]`)),
		be("UCHRIS"), say("#compose", "Hi, a question about our March invoice, please."),
		be("UANA"), say(thread, "Hi Chris, happy to help. What's wrong with it?"),
		be("UCHRIS"), say(thread, "This is the THIRD time it's wrong. Honestly ridiculous, we're thinking about cancelling."),
		be("UANA"), chromedp.WaitVisible(chromedp.CSS(`.ephemeral [data-block-id="nudge:pause"]`)))
	const pause = `.ephemeral [data-block-id="nudge:pause"]`
	if n := count(pause); n != 1 {
		t.Errorf("ana, who owns the thread, sees %d pause nudges, want 1", n)
	}
	cue, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(pause)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cue, "THIRD time") && !strings.Contains(cue, "ridiculous") && !strings.Contains(cue, "cancelling") {
		t.Errorf("the pause nudge does not quote the customer: %q", cue)
	}
	if n := count(`.ephemeral [data-block-id="fb:pause"] button`); n != 4 {
		t.Errorf("the pause nudge shows %d feedback buttons, want 4", n)
	}
	do(be("ULEE"))
	if n := count(pause); n != 0 {
		t.Errorf("lee, who does not own the thread, sees %d pause nudges", n)
	}
	do(be("UCHRIS"))
	if n := count(`.ephemeral`); n != 0 {
		t.Errorf("chris, the customer, sees %d of Deescalate's private messages", n)
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// page is one person's view through the playground's API, as the page's script uses it.
type page struct {
	Me       string
	Clock    string
	Problem  string
	Messages []struct {
		TS        string
		ThreadTS  string `json:"thread_ts"`
		User      string
		Name      string
		Text      string
		ViaApp    bool `json:"via_app"`
		Reactions []string
	}
	Ephemeral []shown
	DMs       []shown `json:"dms"`
	Modal     *struct {
		shown
		Title, Submit string
		Errors        map[string]string
	}
	Home *shown
}

type shown struct {
	Seq      int
	ThreadTS string `json:"thread_ts"`
	Blocks   []map[string]any
}

func (s shown) ids() []string {
	var out []string
	for _, b := range s.Blocks {
		id, _ := b["block_id"].(string)
		out = append(out, id)
	}
	return out
}

func (s shown) has(blockID string) bool { return slices.Contains(s.ids(), blockID) }

func act(t *testing.T, srv *httptest.Server, a map[string]any) page {
	t.Helper()
	body, _ := json.Marshal(a)
	resp, err := http.Post(srv.URL+"/api/act", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("act %v: %s", a, resp.Status)
	}
	var p page
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func look(t *testing.T, srv *httptest.Server, as string) page {
	t.Helper()
	resp, err := http.Get(srv.URL + "/api/state?as=" + as)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p page
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlaygroundShowsEachPersonTheirOwn plays the rest of the product through the page's API:
// a claim, the draft window (a slot refused on its field, then the post), a feedback button
// that replaces its nudge, the clock moved to the promise's reminder, App Home and its
// buttons, and the lead's Monday digest; each person sees only their own.
func TestPlaygroundShowsEachPersonTheirOwn(t *testing.T) {
	srv := start(t)
	const upset = "This is the THIRD time our invoice is wrong & nobody answers. Honestly thinking about cancelling."
	p := act(t, srv, map[string]any{"as": "UCHRIS", "do": "post", "text": upset})
	if len(p.Messages) != 1 || p.Messages[0].Text != "This is the THIRD time our invoice is wrong &amp; nobody answers. Honestly thinking about cancelling." {
		t.Fatalf("the channel shows %+v; want the message as Slack keeps it (& escaped)", p.Messages)
	}
	ts := p.Messages[0].TS
	if p := look(t, srv, "UANA"); len(p.Ephemeral) != 0 {
		t.Errorf("before any claim ana sees %d nudges; nobody owns the thread", len(p.Ephemeral))
	}
	p = act(t, srv, map[string]any{"as": "UANA", "do": "react", "ts": ts})
	if len(p.Ephemeral) != 1 || !p.Ephemeral[0].has("nudge:pause") || !slices.Contains(p.Messages[0].Reactions, "UANA") {
		t.Fatalf("after ana's claim: ephemeral %+v, reactions %v", p.Ephemeral, p.Messages[0].Reactions)
	}
	nudge := p.Ephemeral[0].Seq

	// The draft window: a slot left in is refused on the field and the window stays; a
	// finished reply is posted in the thread under ana's name and the window closes.
	p = act(t, srv, map[string]any{"as": "UANA", "do": "shortcut", "ts": ts})
	if p.Modal == nil || p.Modal.Title != "Draft a calm reply" || p.Modal.Submit != "Post in thread" || !p.Modal.has("draft") {
		t.Fatalf("the shortcut opened %+v", p.Modal)
	}
	if p := look(t, srv, "ULEE"); p.Modal != nil {
		t.Error("lee sees ana's draft window")
	}
	window := p.Modal.Seq
	p = act(t, srv, map[string]any{"as": "UANA", "do": "submit", "call": window, "action_id": "draft_text", "value": "Sorry, it'll take [your estimate]."})
	if p.Modal == nil || len(p.Modal.Errors) != 1 {
		t.Fatalf("a draft with a slot: window %+v; want it open with the problem on its field", p.Modal)
	}
	reply := "I'm so sorry, Chris, that's maddening. I'm fixing the invoice now and I'll update you by 11:30am."
	p = act(t, srv, map[string]any{"as": "UANA", "do": "submit", "call": window, "action_id": "draft_text", "value": reply})
	last := p.Messages[len(p.Messages)-1]
	if p.Modal != nil || !last.ViaApp || last.Name != "ana" || last.ThreadTS != ts || !strings.Contains(last.Text, "fixing the invoice now") {
		t.Fatalf("after Post in thread: window %+v, last message %+v", p.Modal, last)
	}

	// Feedback replaces the nudge it was pressed in.
	p = act(t, srv, map[string]any{"as": "UANA", "do": "press", "call": nudge, "action_id": "fb_helpful:pause"})
	if len(p.Ephemeral) != 1 || p.Ephemeral[0].has("nudge:pause") {
		t.Errorf("after Helpful the nudge is %+v; want it replaced by the thanks", p.Ephemeral)
	}

	// The clock: the reminder comes 15 minutes before 11:30 (ana's zone), to ana only.
	act(t, srv, map[string]any{"as": "UANA", "do": "clock", "advance": "1h"})
	p = act(t, srv, map[string]any{"as": "UANA", "do": "clock", "advance": "15m"})
	if len(p.DMs) != 1 || !p.DMs[0].has("reminder") {
		t.Fatalf("at %s ana's DMs are %+v; want the reminder", p.Clock, p.DMs)
	}
	for _, other := range []string{"ULEE", "UCHRIS"} {
		if p := look(t, srv, other); len(p.DMs) != 0 {
			t.Errorf("%s got ana's reminder", other)
		}
	}

	// App Home, and a button in it.
	p = act(t, srv, map[string]any{"as": "UANA", "do": "home"})
	if p.Home == nil || !p.Home.has("home") || !p.Home.has("home_digest") {
		t.Fatalf("ana's App Home: %+v", p.Home)
	}
	p = act(t, srv, map[string]any{"as": "UANA", "do": "press", "call": p.Home.Seq, "action_id": "home_digest"})
	if p.Problem != "" || !strings.Contains(fmt.Sprint(p.Home.Blocks), "Weekly digest: *on*") {
		t.Errorf("after Subscribe: problem %q, home %v", p.Problem, p.Home.Blocks)
	}

	// Next Monday 09:00: the digest, to the lead and to ana, who subscribed.
	act(t, srv, map[string]any{"as": "ULEE", "do": "clock", "advance": "monday"})
	for _, who := range []string{"ULEE", "UANA"} {
		p := look(t, srv, who)
		if !slices.ContainsFunc(p.DMs, func(s shown) bool { return s.has("digest") }) {
			t.Errorf("%s has no digest on Monday: %+v", who, p.DMs)
		}
	}
	if p := look(t, srv, "UCHRIS"); len(p.DMs)+len(p.Ephemeral) != 0 || p.Modal != nil || p.Home != nil {
		t.Errorf("chris, the customer, sees Deescalate's private messages: %+v", p)
	}

	// Mistakes are told on the page: an empty message, someone else's message to edit.
	if p := act(t, srv, map[string]any{"as": "UCHRIS", "do": "post", "text": "  "}); p.Problem == "" {
		t.Error("an empty message was posted")
	}
	if p := act(t, srv, map[string]any{"as": "UCHRIS", "do": "edit", "ts": last.TS, "text": "hacked"}); p.Problem == "" {
		t.Error("chris edited ana's reply")
	}
}

func TestPlaygroundServesThePage(t *testing.T) {
	srv := start(t)
	for path, want := range map[string]string{"/": "Deescalate playground", "/app.js": "function blocks(", "/app.css": "#modal"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %s, body lacks %q", path, resp.Status, want)
		}
	}
	resp, err := http.Post(srv.URL+"/api/act", "application/json", strings.NewReader(`{"as":"UNOBODY","do":"post","text":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an action by nobody: %s, want 400", resp.Status)
	}
	// A form posted from another site is not JSON, and is refused.
	resp, err = http.Post(srv.URL+"/api/act", "text/plain", strings.NewReader(`{"as":"UCHRIS","do":"post","text":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a text/plain action: %s, want 415", resp.Status)
	}
	if p := look(t, srv, "UCHRIS"); len(p.Messages) != 0 {
		t.Errorf("refused actions posted %d messages", len(p.Messages))
	}
}
