package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/store/redistest"
)

func readyz(h *harness) int {
	rec := httptest.NewRecorder()
	h.bots[0].Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	return rec.Code
}

// TestRedisOutage: Redis goes away. The bot keeps acknowledging envelopes, says so once in
// the log, reports not ready, and when Redis is back (with its append-only file) carries on by
// itself: the promise stored before the outage is still reminded.
func TestRedisOutage(t *testing.T) {
	srv := redistest.StartDurable(t)
	clk := newClock(t0)
	h := startOn(t, scheduled(clk), 1, srv.URL, "outage")
	h.expectError("redis is unreachable: events are acknowledged but not coached until it is back; stored promises and schedules wait for it")
	promise(h, 1)
	if readyz(h) != http.StatusOK {
		t.Fatal("not ready before the outage")
	}

	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 5 {
		d, _ := h.fake.Post(chris, support, "1773152000.00000"+string(rune('1'+i)), "", angryText)
		if _, err := h.fake.WaitAck(ctx, d.ID); err != nil {
			t.Fatalf("envelope %d not acknowledged during the outage: %v", i, err)
		}
	}
	h.idle(ctx)
	if readyz(h) != http.StatusServiceUnavailable {
		t.Error("ready while Redis is down")
	}
	outageLines := 0
	for _, e := range h.logs.All() {
		if e.Level >= zap.WarnLevel {
			outageLines++
		}
	}
	if outageLines > 2 {
		for _, e := range h.logs.All() {
			if e.Level >= zap.WarnLevel {
				t.Logf("%s %v", e.Message, e.ContextMap())
			}
		}
		t.Errorf("%d warnings or errors for one outage, want one (two at most: the scheduler's)", outageLines)
	}

	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for readyz(h) != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("not ready again after Redis came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := dueDMs(h, clk, t0.Add(47*time.Minute), "reminder"); got["1"] != 1 {
		t.Errorf("reminders after the outage: %v, want case 1 once", got)
	}
	if len(h.logs.FilterMessage("redis is reachable again").All()) == 0 {
		t.Error("the recovery was not logged")
	}
}

// TestRateLimitHoldsTheWholeTier: a 429 with Retry-After on one chat call holds every chat
// call of the replica for that long, and the nudge still arrives.
func TestRateLimitHoldsTheWholeTier(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	h.fake.FailNext("chat.postEphemeral", 1, http.StatusTooManyRequests, 1, "")
	h.post(chris, support, "1773151200.000300", root, angryText)
	h.wantNudges("pause>" + ana)
	var refused, next fakeslack.Call
	for _, c := range h.fake.Calls() {
		if c.Method == "chat.postEphemeral" && c.Err != "" && refused.Seq == 0 {
			refused = c
		} else if c.Method == "chat.postEphemeral" && c.Err == "" && refused.Seq != 0 && next.Seq == 0 {
			next = c
		}
	}
	if refused.Seq == 0 || next.Seq == 0 || next.Wall.Sub(refused.Wall) < 900*time.Millisecond {
		t.Errorf("the retry came %v after the 429, want at least Retry-After (1s)", next.Wall.Sub(refused.Wall))
	}
	rec := httptest.NewRecorder()
	h.bots[0].Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `deescalate_nudges_total{rule="pause"} 1`) {
		t.Errorf("metrics after a rate-limited nudge:\n%s", rec.Body.String())
	}
}

// TestEveryKeyExpires runs a bit of everything, then checks that every key the bot wrote has
// a time to live, except the agents' own settings and the digest's subscriber list.
func TestEveryKeyExpires(t *testing.T) {
	clk := newClock(t0)
	cfg := digestConfig(clk)
	h := start(t, cfg, 1)
	promise(h, 1)
	upsetThread(h, "This is the third time! Write to me at chris@acme.example, I'm furious.")
	h.settle(h.fake.OpenHome(ana))
	pressButton(t, h, ana, "home_mute_chunk", "")
	slash(t, h, ana, support, "digest subscribe")
	shortcut(t, h, ana, draftAngry)
	h.confirmed++
	pressButton(t, h, ana, "draft_text", strings.ReplaceAll(func() string {
		c, _ := lastCall(h, isModal)
		_, x := draftField(c)
		return x
	}(), "[your estimate]", "an hour"))
	clk.Set(t0.Add(2 * time.Hour))
	h.tick()

	opts, err := redis.ParseURL(h.url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, h.prefix+":*").Result()
	if err != nil || len(keys) < 20 {
		t.Fatalf("%d keys (%v)", len(keys), err)
	}
	forever := []string{":settings", ":digest:subs", ":{sched}:due"}
	for _, k := range keys {
		ttl, err := rdb.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl < 0 && !slices.ContainsFunc(forever, func(s string) bool { return strings.HasSuffix(k, s) }) {
			t.Errorf("%s has no time to live", k)
		}
		if strings.Contains(k, "acme.example") {
			t.Errorf("a key name carries an e-mail address: %s", k)
		}
	}
	// Stored quotes are redacted.
	for _, k := range keys {
		if typ, _ := rdb.Type(ctx, k).Result(); typ == "list" {
			vals, _ := rdb.LRange(ctx, k, 0, -1).Result()
			for _, v := range vals {
				if strings.Contains(v, "chris@acme.example") {
					t.Errorf("%s stores an e-mail address: %s", k, v)
				}
			}
		}
	}
}

// TestHostileMessages: a 40,000-character message full of invalid UTF-8 and control
// characters, and an event whose blocks nest two thousand levels deep, are acknowledged and
// handled in bounded time without harming the next message. (A frame nested past Go's JSON
// limit of 10,000 levels is dropped inside slack-go's reader before the bot sees it; Slack's
// own blocks nest a handful of levels.)
func TestHostileMessages(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	junk := strings.Repeat("THIS IS \x00\x07 UNACCEPTABLE \xff\xfe!!! ", 40000/30+1)[:40000]
	begin := time.Now()
	h.post(chris, support, "1773151200.000300", root, junk)
	h.wantNudges("pause>" + ana) // read and judged like any message: it is shouting
	nested := map[string]any{"type": "rich_text", "elements": []any{}}
	for range 1000 {
		nested = map[string]any{"type": "rich_text_section", "elements": []any{nested}}
	}
	d := h.fake.SendEvent(map[string]any{"type": "message", "channel": support, "user": chris, "text": "hello",
		"ts": "1773151200.000400", "thread_ts": root, "blocks": []any{nested}}, "")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.fake.WaitAck(ctx, d.ID); err != nil {
		t.Fatalf("the deeply nested event was not acknowledged: %v", err)
	}
	h.tick()
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("hostile messages took %v", took)
	}
	// The bot is still itself: a new thread's upset customer is nudged as usual.
	h.post(chris, support, "1773151300.000100", "", "Quick question")
	h.post(ana, support, "1773151300.000200", "1773151300.000100", "Sure, go ahead.")
	before := len(h.nudges())
	h.post(chris, support, "1773151300.000300", "1773151300.000100", angryText)
	if got := h.nudges()[before:]; len(got) != 1 || got[0].User != ana {
		t.Errorf("after hostile messages, the next upset message nudged %v", got)
	}
}
