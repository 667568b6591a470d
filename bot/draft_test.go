package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/bot/llm"
)

const (
	draftThread = "1773151080.000100"
	draftReply  = "1773151080.000200"
	draftAngry  = "1773151080.000300"
)

// upsetThread: chris writes, ana answers (and owns the thread), chris comes back upset.
func upsetThread(h *harness, angry string) {
	h.t.Helper()
	h.post(chris, support, draftThread, "", "Our invoices for March look off.")
	h.post(ana, support, draftReply, draftThread, "I'm sorry about that, checking the invoices now.")
	h.post(chris, support, draftAngry, draftThread, angry)
}

// lastCall returns the newest successful call matching pred.
func lastCall(h *harness, pred func(fakeslack.Call) bool) (fakeslack.Call, bool) {
	calls := h.fake.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Err == "" && pred(calls[i]) {
			return calls[i], true
		}
	}
	return fakeslack.Call{}, false
}

// draftField returns the text of a draft modal's reply field and its block id.
func draftField(c fakeslack.Call) (blockID, text string) {
	for _, b := range c.Blocks {
		if b["type"] != "input" {
			continue
		}
		el, _ := b["element"].(map[string]any)
		if el["action_id"] == "draft_text" {
			blockID, _ = b["block_id"].(string)
			text, _ = el["initial_value"].(string)
		}
	}
	return blockID, text
}

func shortcut(t *testing.T, h *harness, user, ts string) {
	t.Helper()
	d, err := h.fake.Shortcut(user, support, ts, "draft_reply")
	if err != nil {
		t.Fatal(err)
	}
	h.settle(d)
}

func isModal(c fakeslack.Call) bool {
	return (c.Method == "views.open" || c.Method == "views.update") && slices.Contains(c.BlockIDs, "draft")
}

// TestDraftShortcutModalToneAndPost: the shortcut on a message inside a thread opens a modal
// with an editable draft; switching tone redraws it; Post in thread posts it in that thread
// under the agent's name, once, and its follow-up time enters the promise ledger.
func TestDraftShortcutModalToneAndPost(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	upsetThread(h, angryText)
	before := len(h.fake.Calls())

	shortcut(t, h, ana, draftAngry)
	open, ok := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "views.open" })
	if !ok || !isModal(open) || open.User != ana {
		t.Fatalf("no draft modal for ana: %+v", open)
	}
	bid, text := draftField(open)
	if bid != "draft_text_warm" || !strings.HasPrefix(text, "Hi Chris") && !strings.HasPrefix(text, "Hey Chris") {
		t.Fatalf("modal field %q holds %q", bid, text)
	}
	for _, c := range h.fake.Calls()[before:] {
		if c.Method == "chat.postMessage" || c.Method == "chat.postEphemeral" {
			t.Fatalf("the shortcut posted %s before the agent pressed anything", c.Method)
		}
	}

	pressButton(t, h, ana, "draft_tone_concise", "")
	upd, ok := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "views.update" })
	if !ok || !isModal(upd) {
		t.Fatalf("switching tone did not redraw the modal")
	}
	bid, concise := draftField(upd)
	if bid != "draft_text_concise" || concise == text || len(concise) >= len(text) {
		t.Fatalf("concise draft in %q:\n%s\n(warm was:\n%s)", bid, concise, text)
	}

	h.confirmed++
	if ack := pressButton(t, h, ana, "draft_text", ""); len(ack) != 0 && string(ack) != "null" {
		t.Fatalf("ack of a good draft = %s, want the modal to close", ack)
	}
	var posts []fakeslack.Call
	for _, c := range h.fake.Calls() {
		if c.Method == "chat.postMessage" && c.Channel == support && c.Err == "" {
			posts = append(posts, c)
		}
	}
	if len(posts) != 1 {
		t.Fatalf("%d posts in the channel, want 1", len(posts))
	}
	p := posts[0]
	if p.ThreadTS != draftThread || p.Text != concise || p.Args["username"] != "ana" || !strings.Contains(p.Args["icon_url"], "UANA") {
		t.Errorf("posted %+v", p)
	}
	snap, err := h.store.Load(context.Background(), support, draftThread)
	if err != nil {
		t.Fatal(err)
	}
	pl := snap.Thread.Promise
	if pl == nil || !pl.Open() || pl.Agent != ana || pl.TS != p.TS || !pl.Due.After(t0) {
		t.Fatalf("the posted draft's follow-up is not in the ledger: %+v", pl)
	}
	refs, err := h.store.OpenPromises(context.Background(), ana, 10)
	if err != nil || len(refs) != 1 || refs[0].Thread != draftThread {
		t.Errorf("ana's open promises = %+v, %v", refs, err)
	}
}

// TestDraftWithEstimateSlotIsNotPosted: a draft still holding the estimate slot stays in the
// modal with the problem shown on the field.
func TestDraftWithEstimateSlotIsNotPosted(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	upsetThread(h, "It's been down for two hours and nobody tells us anything. When will it be back up?!")
	shortcut(t, h, ana, draftAngry)
	open, _ := lastCall(h, isModal)
	bid, text := draftField(open)
	if !strings.Contains(text, "[your estimate]") {
		t.Fatalf("no estimate slot for a 'when?' question:\n%s", text)
	}
	ack := pressButton(t, h, ana, "draft_text", "")
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack, &resp); err != nil || resp.Action != "errors" || !strings.Contains(resp.Errors[bid], "estimate") {
		t.Fatalf("ack = %s, want an error on %s", ack, bid)
	}
	if _, posted := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "chat.postMessage" && c.Channel == support }); posted {
		t.Fatal("a draft with the estimate slot was posted")
	}
	// Filled in, it goes.
	h.confirmed++
	filled := strings.ReplaceAll(text, "[your estimate]", "within the hour")
	if ack := pressButton(t, h, ana, "draft_text", filled); len(ack) != 0 && string(ack) != "null" {
		t.Fatalf("ack of a filled-in draft = %s", ack)
	}
	if p, ok := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "chat.postMessage" && c.Channel == support }); !ok || p.Text != filled {
		t.Errorf("posted %q, want the agent's text", p.Text)
	}
}

// slash runs /deescalate and returns the answer posted to its response URL.
func slash(t *testing.T, h *harness, user, channel, text string) fakeslack.Call {
	t.Helper()
	before := len(h.fake.Calls())
	h.settle(h.fake.Slash(user, channel, "/deescalate", text))
	for _, c := range h.fake.Calls()[before:] {
		if c.Method == "response_url" {
			return c
		}
	}
	t.Fatalf("/deescalate %s: no answer", text)
	return fakeslack.Call{}
}

func TestSlashDraft(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	for _, text := range []string{"help", "frobnicate"} {
		if a := slash(t, h, ana, support, text); !slices.Contains(a.BlockIDs, "help") {
			t.Errorf("/deescalate %s answered %v", text, a.BlockIDs)
		}
	}
	// Nothing upset in ana's threads yet: she is told so, plainly.
	a := slash(t, h, ana, support, "")
	if !slices.Contains(a.BlockIDs, "draft") || !strings.Contains(strings.Join(a.Texts(), " "), "nothing to draft") {
		t.Errorf("/deescalate with no upset thread: %v %q", a.BlockIDs, a.Texts())
	}

	upsetThread(h, angryText)
	// lee owns nothing; ana owns the upset thread.
	if a := slash(t, h, lee, support, ""); strings.Contains(strings.Join(a.Texts(), " "), "Hi Chris") {
		t.Errorf("lee got a draft for ana's thread: %q", a.Texts())
	}
	a = slash(t, h, ana, support, "")
	if !strings.Contains(strings.Join(a.Texts(), " "), "chris") || !slices.Contains(a.ActionIDs(), "draft_open") {
		t.Fatalf("/deescalate in ana's upset thread: %q %v", a.Texts(), a.ActionIDs())
	}
	pressButton(t, h, ana, "draft_open", "")
	if open, ok := lastCall(h, isModal); !ok || open.Method != "views.open" {
		t.Error("Edit and post did not open the modal")
	}
	pressButton(t, h, ana, "draft_tone_formal", "")
	if c, ok := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "views.update" }); !ok || !strings.HasPrefix(func() string { _, x := draftField(c); return x }(), "Hello Chris") && !strings.HasPrefix(func() string { _, x := draftField(c); return x }(), "Dear Chris") {
		t.Errorf("formal tone in the modal: %+v", c.Blocks)
	}

	// Text: a draft to those words, nothing to post it into.
	a = slash(t, h, ana, support, "my invoice is wrong again and i still can't log in")
	text := strings.Join(a.Texts(), " ")
	if !strings.Contains(text, "your invoice is wrong") || slices.Contains(a.ActionIDs(), "draft_open") || !slices.Contains(a.ActionIDs(), "draft_tone_concise") {
		t.Errorf("/deescalate <text>: %q %v", text, a.ActionIDs())
	}
	// Another tone replaces the answer.
	before := len(h.fake.Calls())
	pressButton(t, h, ana, "draft_tone_concise", "")
	replaced := false
	for _, c := range h.fake.Calls()[before:] {
		replaced = replaced || c.Method == "response_url" && c.Args["replace_original"] == "true"
	}
	if !replaced {
		t.Error("switching tone did not replace the answer")
	}

	// A link: a draft to that message.
	link := h.fake.Permalink(support, draftAngry)
	a = slash(t, h, lee, support, link)
	if text := strings.Join(a.Texts(), " "); !strings.Contains(text, "chris") || !slices.Contains(a.ActionIDs(), "draft_open") {
		t.Errorf("/deescalate <link>: %q %v", text, a.ActionIDs())
	}
	// A link into a channel the asker is not in reveals nothing.
	h.fake.AddChannel(fakeslack.Channel{ID: "CPRIVATE", Name: "vip", Members: []string{ana}})
	h.fake.AddMessage(chris, "CPRIVATE", "1773151090.000100", "", "Secret plans are late again, unacceptable")
	a = slash(t, h, lee, support, h.fake.Permalink("CPRIVATE", "1773151090.000100"))
	if text := strings.Join(a.Texts(), " "); strings.Contains(text, "plans") || !strings.Contains(text, "member") {
		t.Errorf("a link to a channel lee is not in: %q", text)
	}
}

// fakeLLM is an OpenAI-compatible endpoint whose answer a test decides.
type fakeLLM struct {
	mu      sync.Mutex
	bodies  []string
	answer  func(w http.ResponseWriter)
	release chan struct{}
}

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	f.mu.Unlock()
	if f.release != nil {
		select {
		case <-f.release:
		case <-r.Context().Done():
			return
		}
	}
	f.answer(w)
}

func completion(text string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		b, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": text}}}})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
}

// TestDraftWithLLM: the modal opens with the composed draft at once; a model's draft that
// passes the rules replaces it, one that fails them, errors or comes too late does not. The
// model sees no e-mail address and no name, and the logs hold no message text.
func TestDraftWithLLM(t *testing.T) {
	good := "Hi {customer}, I'm really sorry you've had to chase this, that's frustrating.\n\nLet's get the invoice to you together. I'll update you by 3pm today.\n\nIs there anything else I should look at?"
	claims := "Hi {customer}, I'm really sorry you've had to chase this, that's frustrating.\n\nI'm checking the invoices now. I'll update you by 3pm today.\n\nIs there anything else I should look at?"
	cases := []struct {
		name    string
		answer  func(w http.ResponseWriter)
		slow    bool
		replace bool
		reason  string
	}{
		{"good", completion(good), false, true, ""},
		{"breaks a rule", completion("Unfortunately we can't do that. As I already said, check your settings."), false, false, "earns nudges"},
		{"claims what the agent has not done", completion(claims), false, false, "asserts"},
		{"server error", func(w http.ResponseWriter) { http.Error(w, `{"error":{"message":"boom","type":"server_error"}}`, 500) }, false, false, "HTTP 500"},
		{"too slow", completion(good), true, false, "no answer within"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeLLM{answer: c.answer}
			if c.slow {
				f.release = make(chan struct{})
			}
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			if c.slow {
				t.Cleanup(func() { close(f.release) })
			}
			clk := newClock(t0)
			cfg := scheduled(clk)
			cfg.LLM = llm.New(llm.Config{URL: srv.URL + "/v1", Model: "tiny", APIKey: "sk-test", Timeout: time.Second})
			h := start(t, cfg, 1)
			upsetThread(h, "Third time asking: chris.doe@acme.example never got the invoice. This is ridiculous.")
			d, err := h.fake.Shortcut(ana, support, draftAngry, "draft_reply")
			if err != nil {
				t.Fatal(err)
			}
			// The ack and the modal do not wait for the model.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := h.fake.WaitAck(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := h.fake.WaitCalls(ctx, 1, func(c fakeslack.Call) bool { return c.Method == "views.open" }); err != nil {
				t.Fatal("no modal while the model was thinking")
			}
			h.settle(d)
			upd, updated := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "views.update" })
			if updated != c.replace {
				t.Fatalf("modal updated = %v, want %v", updated, c.replace)
			}
			if c.replace {
				_, text := draftField(upd)
				if !strings.HasPrefix(text, "Hi Chris,") || !strings.Contains(strings.Join(upd.Texts(), " "), "tiny") {
					t.Errorf("model's draft in the modal: %q", text)
				}
			} else {
				kept := false
				for _, e := range h.logs.FilterMessage("kept the composed draft").All() {
					kept = kept || strings.Contains(e.ContextMap()["reason"].(string), c.reason)
				}
				if !kept {
					t.Errorf("no log of why the model's draft was not used (want %q)", c.reason)
				}
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.bodies) != 1 || strings.Contains(f.bodies[0], "acme.example") || strings.Contains(f.bodies[0], "chris") ||
				!strings.Contains(f.bodies[0], "[email]") || !strings.Contains(f.bodies[0], `"model":"tiny"`) {
				t.Errorf("the model was sent %q", f.bodies)
			}
			for _, e := range h.logs.All() {
				if strings.Contains(e.Message+" "+fmtFields(e.ContextMap()), "invoice") {
					t.Errorf("a log line carries message text: %s %v", e.Message, e.ContextMap())
				}
			}
		})
	}
}

func fmtFields(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

var _ = bot.Config{}

// TestDraftWithAnAnswerSlotIsNotPosted: a question the customer asked is answered by the agent,
// not the draft: the slot stays until they fill it in.
func TestDraftWithAnAnswerSlotIsNotPosted(t *testing.T) {
	clk := newClock(t0)
	h := start(t, scheduled(clk), 1)
	upsetThread(h, "Do you support SAML single sign-on on the Team plan?")
	shortcut(t, h, ana, draftAngry)
	open, _ := lastCall(h, isModal)
	bid, text := draftField(open)
	if !strings.Contains(text, "[your answer]") || strings.Contains(strings.ToLower(text), "sorry") {
		t.Fatalf("a calm question is not answered with a slot, or is apologised to:\n%s", text)
	}
	ack := pressButton(t, h, ana, "draft_text", "")
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack, &resp); err != nil || resp.Action != "errors" || !strings.Contains(resp.Errors[bid], "[your answer]") {
		t.Fatalf("ack = %s, want an error on %s", ack, bid)
	}
	if _, posted := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "chat.postMessage" && c.Channel == support }); posted {
		t.Fatal("a draft with an answer slot was posted")
	}
	h.confirmed++
	filled := strings.ReplaceAll(text, "[your answer]", "yes, on <Team & Business>")
	if ack := pressButton(t, h, ana, "draft_text", filled); len(ack) != 0 && string(ack) != "null" {
		t.Fatalf("ack of a filled-in draft = %s", ack)
	}
	// Plain text goes out as typed: Slack's markup characters escaped, not read as a link.
	want := strings.ReplaceAll(text, "[your answer]", "yes, on &lt;Team &amp; Business&gt;")
	if p, ok := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "chat.postMessage" && c.Channel == support }); !ok || p.Text != want {
		t.Errorf("posted %q, want the agent's text %q", p.Text, want)
	}
}
