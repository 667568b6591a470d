package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store/redistest"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	url, prefix := redistest.URL(t)
	s, err := New(context.Background(), Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var now = time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)

func TestBeginDeduplicatesAcrossCallers(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// Three replicas receive the same event at once: exactly one handles it.
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := 0
	for range 3 {
		wg.Go(func() {
			snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "U1")
			if err != nil {
				t.Error(err)
				return
			}
			if !snap.Duplicate {
				mu.Lock()
				fresh++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if fresh != 1 {
		t.Fatalf("event handled %d times, want 1", fresh)
	}
	// Without an event id, nothing is de-duplicated.
	for range 2 {
		if snap, err := s.Begin(ctx, "", "C1", "100.1", ""); err != nil || snap.Duplicate {
			t.Fatalf("Begin without event id = %+v, %v; want a fresh load", snap, err)
		}
	}
}

func TestCommitSavesAndDetectsConflicts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "U1")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version != 0 || snap.Thread.Channel != "C1" || snap.Thread.TS != "100.1" {
		t.Fatalf("new thread snapshot = %+v", snap)
	}
	th := snap.Thread
	th.Owner = "UANA"
	if _, err := s.Commit(ctx, Commit{Thread: th, Version: snap.Version, Now: now}); err != nil {
		t.Fatal(err)
	}
	// A second writer that loaded the same version loses and saves nothing.
	other := snap.Thread
	other.Owner = "ULEE"
	if _, err := s.Commit(ctx, Commit{Thread: other, Version: snap.Version, Now: now}); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale commit error = %v, want ErrConflict", err)
	}
	again, err := s.Load(ctx, "C1", "100.1")
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != 1 || again.Thread.Owner != "UANA" {
		t.Fatalf("after commit: version %d owner %q, want 1 and UANA", again.Version, again.Thread.Owner)
	}
}

func TestCooldowns(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	nudges := []coach.Nudge{{Rule: "pause", To: "UANA"}, {Rule: "pause", To: "ULEE"}}
	commit := func(at time.Time, ns []coach.Nudge) []Verdict {
		t.Helper()
		snap, err := s.Load(ctx, "C1", "100.1")
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Asks: asks(ns...), Cooldown: 30 * time.Minute, Now: at})
		if err != nil {
			t.Fatal(err)
		}
		return claimed
	}
	if got := commit(now, nudges); got[0] != Admitted || got[1] != Admitted {
		t.Fatalf("first nudges claimed = %v, want both", got)
	}
	if got := commit(now.Add(10*time.Minute), nudges[:1]); got[0] != Cooling {
		t.Fatal("a nudge inside its cooldown was claimed")
	}
	// The cooldown follows the caller's clock, so a simulation running ahead sees it end.
	if got := commit(now.Add(31*time.Minute), nudges[:1]); got[0] != Admitted {
		t.Fatal("a nudge after its cooldown was refused")
	}
}

func TestUsersAndMessages(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "U1")
	if err != nil {
		t.Fatal(err)
	}
	if snap.User != nil {
		t.Fatalf("uncached user = %+v, want nil", snap.User)
	}
	u := &User{ID: "U1", Name: "ana", TZ: "America/New_York", TeamID: "T1"}
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, EventID: "Ev1", Version: snap.Version, Now: now, User: u, Messages: []string{"100.2"}}); err != nil {
		t.Fatal(err)
	}
	snap, err = s.Begin(ctx, "Ev2", "C1", "100.1", "U1")
	if err != nil {
		t.Fatal(err)
	}
	if snap.User == nil || *snap.User != *u {
		t.Fatalf("cached user = %+v, want %+v", snap.User, u)
	}
	for _, tt := range []struct {
		ts, thread string
		known      bool
	}{{"100.2", "100.1", true}, {"100.1", "100.1", true}, {"999.9", "999.9", false}} {
		thread, known, err := s.ThreadOf(ctx, "C1", tt.ts)
		if err != nil || thread != tt.thread || known != tt.known {
			t.Errorf("ThreadOf(%s) = %q, %v, %v; want %q, %v", tt.ts, thread, known, err, tt.thread, tt.known)
		}
	}
}

func TestAFailedEventCanBeHandledAgain(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", ""); err != nil || snap.Duplicate {
		t.Fatalf("first Begin = %+v, %v", snap, err)
	}
	// While the first replica works on it, a redelivery is a duplicate.
	if snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", ""); err != nil || !snap.Duplicate {
		t.Fatalf("Begin during handling = %+v, %v; want a duplicate", snap, err)
	}
	ttl, err := s.rdb.PTTL(ctx, s.keys.threadEvent("C1", "100.1", "Ev1")).Result()
	if err != nil || ttl > ClaimTTL || ttl <= 0 {
		t.Fatalf("claim TTL = %v, %v; want at most %v", ttl, err, ClaimTTL)
	}
	// The handler failed: released, the redelivery is handled.
	if err := s.Release(ctx, "Ev1", "C1", "100.1"); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "")
	if err != nil || snap.Duplicate {
		t.Fatalf("Begin after Release = %+v, %v; want a fresh event", snap, err)
	}
	// Committed: remembered for EventTTL.
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, EventID: "Ev1", Version: snap.Version, Now: now}); err != nil {
		t.Fatal(err)
	}
	ttl, err = s.rdb.PTTL(ctx, s.keys.threadEvent("C1", "100.1", "Ev1")).Result()
	if err != nil || ttl <= ClaimTTL {
		t.Fatalf("handled event TTL = %v, %v; want about %v", ttl, err, EventTTL)
	}
}

func TestReleaseCooldowns(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	n := []coach.Nudge{{Rule: "pause", To: "UANA"}}
	snap, _ := s.Load(ctx, "C1", "100.1")
	if got, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Asks: asks(n...), Cooldown: time.Hour, Now: now}); err != nil || got[0] != Admitted {
		t.Fatalf("claim = %v, %v", got, err)
	}
	if err := s.ReleaseCooldowns(ctx, "C1", "100.1", n); err != nil {
		t.Fatal(err)
	}
	snap, _ = s.Load(ctx, "C1", "100.1")
	if got, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Asks: asks(n...), Cooldown: time.Hour, Now: now}); err != nil || got[0] != Admitted {
		t.Fatalf("claim after release = %v, %v; want claimed", got, err)
	}
}

func TestDamagedStateStartsAfresh(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if err := s.rdb.HSet(ctx, s.keys.thread("C1", "100.1"), "v", 7, "s", "{not json").Err(); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "")
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Damaged || snap.Version != 7 || snap.Thread.Channel != "C1" || snap.Thread.Owner != "" {
		t.Fatalf("snapshot of a damaged state = %+v", snap)
	}
	th := snap.Thread
	th.Owner = "UANA"
	if _, err := s.Commit(ctx, Commit{Thread: th, Version: snap.Version, Now: now}); err != nil {
		t.Fatalf("the next commit must replace a damaged state: %v", err)
	}
	if snap, _ := s.Load(ctx, "C1", "100.1"); snap.Damaged || snap.Thread.Owner != "UANA" {
		t.Fatalf("after the commit: %+v", snap)
	}
}

// TestScriptKeysShareASlot checks Redis Cluster's rule: the keys one script touches must hash
// to one slot, so they share one {tag}.
func TestScriptKeysShareASlot(t *testing.T) {
	k := keys{prefix: "p"}
	tag := func(key string) string {
		i, j := strings.IndexByte(key, '{'), strings.IndexByte(key, '}')
		if i < 0 || j < i {
			t.Fatalf("key %q has no hash tag", key)
		}
		return key[i : j+1]
	}
	for _, group := range [][]string{
		{k.thread("C1", "1.1"), k.threadEvent("C1", "1.1", "Ev1")},                                        // beginScript
		{k.thread("C1", "1.1"), k.threadEvent("C1", "1.1", ""), k.cooldown("C1", "1.1", "UANA", "pause")}, // commitScript
	} {
		for _, key := range group[1:] {
			if tag(key) != tag(group[0]) {
				t.Errorf("%q and %q are touched by one script but have different hash tags", group[0], key)
			}
		}
	}
	if tag(k.thread("C1", "1.1")) == tag(k.thread("C1", "1.2")) {
		t.Error("two threads share a hash tag: one slot would hold every thread")
	}
}

func TestRoundTripsPerMessage(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Begin(ctx, "Ev0", "C1", "100.1", "U1"); err != nil { // warm the script cache
		t.Fatal(err)
	}
	before := s.RoundTrips()
	snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "U1")
	if err != nil {
		t.Fatal(err)
	}
	// The commit admits a nudge with the hourly budget and an unhelpful hold in its one round trip.
	ask := Ask{Nudge: coach.Nudge{Rule: "pause", To: "U2"}, Hold: true, Budget: 6}
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Now: now,
		Asks: []Ask{ask}, Messages: []string{"100.2"}, User: &User{ID: "U1"}}); err != nil {
		t.Fatal(err)
	}
	if got := s.RoundTrips() - before; got != 2 {
		t.Errorf("a message took %d Redis round trips, want 2", got)
	}
}

func TestScriptsSurviveAFlushedScriptCache(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Begin(ctx, "Ev1", "C1", "100.1", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Begin(ctx, "Ev2", "C1", "100.1", "U1")
	if err != nil {
		t.Fatalf("Begin after SCRIPT FLUSH: %v", err)
	}
	if err := s.rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Now: now, Asks: asks(coach.Nudge{Rule: "pause", To: "U"})}); err != nil {
		t.Fatalf("Commit after SCRIPT FLUSH: %v", err)
	}
}

func TestEveryKeyHasATTLAndThePrefix(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "U1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, EventID: "Ev1", Version: snap.Version, Now: now, Cooldown: time.Minute,
		Asks: asks(coach.Nudge{Rule: "pause", To: "U2"}), Messages: []string{"100.2"}, User: &User{ID: "U1"}}); err != nil {
		t.Fatal(err)
	}
	// Hostile ids: they must stay inside the prefix and inside their place in the key.
	if _, err := s.Begin(ctx, "Ev}:x", "C1:{evil}", "*", "U1\r\nFLUSHALL"); err != nil {
		t.Fatal(err)
	}
	// A schedule: a timer, claimed and sent, another failed once, and a listing.
	commitSchedule(t, s, "C1", "100.1", &Schedule{Add: []Timer{{Name: "remind.1.1", At: now}, {Name: "wait.0.1", At: now}},
		List: &Listing{Agent: "U1:{x}", Due: now}})
	due, err := s.Claim(ctx, now, 10, time.Minute)
	if err != nil || len(due) != 2 {
		t.Fatalf("claim = %v, %v", due, err)
	}
	if _, err := s.Sending(ctx, due[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Retry(ctx, due[1], now, time.Minute, true); err != nil {
		t.Fatal(err)
	}
	keys, err := s.rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 5 {
		t.Fatalf("only %d keys written: %v", len(keys), keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, s.keys.prefix+":") {
			if strings.HasPrefix(k, "test-") {
				continue // another test's keys on a shared REDIS_URL
			}
			t.Errorf("key %q escapes the prefix %q", k, s.keys.prefix)
			continue
		}
		if strings.Count(k, "{") > 1 || strings.ContainsAny(k, "\r\n*") {
			t.Errorf("key %q carries an id that was not made safe", k)
		}
		if k == s.keys.due() || k == s.keys.inflight() {
			// The schedule itself: every member leaves it when it fires or is unscheduled,
			// and a TTL would drop promises due after a quiet spell.
			continue
		}
		ttl, err := s.rdb.PTTL(ctx, k).Result()
		if err != nil || ttl <= 0 {
			t.Errorf("key %q has no TTL (%v, %v)", k, ttl, err)
		}
	}
}

func TestSafe(t *testing.T) {
	for _, id := range []string{"C0123ABC", "1700000000.000100", "Ev01ABC", "pause", "feelings-first", "U_1"} {
		if safe(id) != id {
			t.Errorf("safe(%q) = %q, want it unchanged", id, safe(id))
		}
	}
	for _, id := range []string{"", "a:b", "a{b}", "a b", strings.Repeat("x", 65), "é"} {
		got := safe(id)
		if got == id || !strings.HasPrefix(got, "~") || strings.ContainsAny(got, ":{} ") {
			t.Errorf("safe(%q) = %q, want a hash", id, got)
		}
	}
	if safe("a:b") == safe("a;b") {
		t.Error("safe maps different ids to one key")
	}
}

func TestConnectURLs(t *testing.T) {
	tests := []struct {
		url  string
		want string // type of client, or an error fragment
	}{
		{"redis://localhost:6379/0", "*redis.Client"},
		{"rediss://user:pw@redis.example:6380/1", "*redis.Client"},
		{"redis+sentinel://s1:26379?master_name=main&addr=s2:26379", "*redis.Client"},
		{"redis+cluster://n1:7000?addr=n2:7000", "*redis.ClusterClient"},
		{"redis+sentinel://s1:26379", "master_name is required"},
		{"memcache://x", "unknown scheme"},
		{"redis://h:1?bogus=1", "REDIS_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := Connect(tt.url)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = typeName(c)
				c.Close()
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("Connect(%q) = %q, want %q", tt.url, got, tt.want)
			}
			if strings.Contains(got, "pw") {
				t.Errorf("Connect(%q) error shows the password: %q", tt.url, got)
			}
		})
	}
}

func typeName(c redis.UniversalClient) string {
	switch c.(type) {
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	case *redis.Client:
		return "*redis.Client"
	}
	return "other"
}

func TestConnectTLSAndACL(t *testing.T) {
	c, err := Connect("rediss://bot:s3cret@redis.example:6380/2")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o := c.(*redis.Client).Options()
	if o.TLSConfig == nil || o.Username != "bot" || o.Password != "s3cret" || o.DB != 2 {
		t.Errorf("rediss URL options: tls=%v user=%q db=%d", o.TLSConfig != nil, o.Username, o.DB)
	}
}

func TestEmbeddedRedis(t *testing.T) {
	s, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Embedded() {
		t.Fatal("a store with no URL is not embedded")
	}
	ctx := context.Background()
	snap, err := s.Begin(ctx, "Ev1", "C1", "100.1", "U1")
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Now: now, Cooldown: time.Minute,
		Asks: asks(coach.Nudge{Rule: "pause", To: "U2"})})
	if err != nil || claimed[0] != Admitted {
		t.Fatalf("embedded commit = %v, %v", claimed, err)
	}
	if snap, _ := s.Begin(ctx, "Ev1", "C1", "100.1", "U1"); !snap.Duplicate {
		t.Fatal("embedded Redis does not de-duplicate")
	}
}

func TestNewFailsClearlyWhenRedisIsDown(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := New(ctx, Options{URL: strings.Replace(srv.URL, "redis://", "redis://bot:hunter2@", 1)})
	if err == nil || !strings.Contains(err.Error(), "connect to redis") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("New with Redis down = %v, want a clear error without the password", err)
	}
}

// TestUpsetThreads: the threads an agent owns with an upset customer, newest first, in one
// channel; a thread that changed hands, or a calm one, is left out.
func TestUpsetThreads(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	save := func(channel, thread, owner string, upsetAt time.Duration, upset bool) {
		t.Helper()
		snap, err := s.Load(ctx, channel, thread)
		if err != nil {
			t.Fatal(err)
		}
		th := snap.Thread
		th.Owner = owner
		th.Messages = []coach.Seen{{TS: thread, Role: coach.RoleCustomer, Upset: upset, At: now.Add(upsetAt)}, {TS: thread + "1", Role: coach.RoleAgent, At: now.Add(upsetAt + time.Minute)}}
		if _, err := s.Commit(ctx, Commit{Thread: th, Version: snap.Version, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	save("C1", "100.1", "UANA", 0, true)
	save("C1", "200.1", "UANA", time.Hour, true)
	save("C2", "300.1", "UANA", 2*time.Hour, true)  // another channel
	save("C1", "400.1", "UANA", 3*time.Hour, false) // calm
	save("C1", "500.1", "UANA", 4*time.Hour, true)
	save("C1", "500.1", "ULEE", 4*time.Hour, true) // taken over by lee
	got, err := s.UpsetThreads(ctx, "UANA", "C1", 5)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, snap := range got {
		ids = append(ids, snap.Thread.TS)
	}
	if strings.Join(ids, ",") != "200.1,100.1" {
		t.Errorf("ana's upset threads in C1 = %v, want 200.1,100.1", ids)
	}
	if got, _ := s.UpsetThreads(ctx, "ULEE", "C1", 5); len(got) != 1 || got[0].Thread.TS != "500.1" {
		t.Errorf("lee's upset threads = %+v", got)
	}
}

// asks asks for nudges with no holds.
func asks(ns ...coach.Nudge) []Ask {
	out := make([]Ask, len(ns))
	for i, n := range ns {
		out[i] = Ask{Nudge: n}
	}
	return out
}

// TestAdmission: the budget and the unhelpful hold are decided with the commit, and a nudge
// they keep back claims no cooldown, so it can go out once they allow it. On a Redis Cluster
// (apart) they are decided before the commit, and what the commit then refuses gives its
// budget back.
func TestAdmission(t *testing.T) {
	for _, apart := range []bool{false, true} {
		t.Run(fmt.Sprintf("apart=%v", apart), func(t *testing.T) {
			s := newStore(t)
			s.crossSlot = apart
			testAdmission(t, s)
		})
	}
}

func testAdmission(t *testing.T, s *Store) {
	ctx := context.Background()
	commit := func(thread string, at time.Time, as ...Ask) []Verdict {
		t.Helper()
		snap, err := s.Load(ctx, "C1", thread)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Asks: as, Cooldown: 30 * time.Minute, Now: at})
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	pause := func(to string, budget int) Ask { return Ask{Nudge: coach.Nudge{Rule: "pause", To: to}, Budget: budget} }
	hour := now.Truncate(time.Hour)
	// A budget of two: two threads nudge, the third is over budget; another agent is not.
	for i, want := range []Verdict{Admitted, Admitted, OverBudget} {
		if got := commit(fmt.Sprintf("100.%d", i+1), hour, pause("UANA", 2)); got[0] != want {
			t.Errorf("nudge %d = %v, want %v", i+1, got[0], want)
		}
	}
	if got := commit("100.3", hour, pause("ULEE", 2)); got[0] != Admitted {
		t.Errorf("another agent's nudge = %v, want admitted", got[0])
	}
	// The held nudge claimed no cooldown: the next hour it goes out.
	if got := commit("100.3", hour.Add(time.Hour), pause("UANA", 2)); got[0] != Admitted {
		t.Errorf("the held nudge an hour later = %v, want admitted", got[0])
	}
	// An unhelpful hold lets one a day through, then holds without claiming a cooldown.
	chunk := func() Ask { return Ask{Nudge: coach.Nudge{Rule: "chunk", To: "UANA"}, Hold: true} }
	if got := commit("200.1", hour, chunk()); got[0] != Admitted {
		t.Errorf("first held rule = %v, want admitted", got[0])
	}
	if got := commit("200.2", hour, chunk()); got[0] != Throttled {
		t.Errorf("second held rule the same day = %v, want throttled", got[0])
	}
	if got := commit("200.2", hour, Ask{Nudge: coach.Nudge{Rule: "chunk", To: "UANA"}}); got[0] != Admitted {
		t.Errorf("the throttled nudge claimed its cooldown: %v", got[0])
	}
	// A nudge whose cooldown runs spends no budget: UBOB's one place is still free after it.
	if got := commit("300.1", hour, pause("UBOB", 1)); got[0] != Admitted {
		t.Fatalf("UBOB's first = %v", got[0])
	}
	if got := commit("300.1", hour.Add(time.Minute), pause("UBOB", 2)); got[0] != Cooling {
		t.Fatalf("UBOB's second in the cooldown = %v", got[0])
	}
	if got := commit("300.2", hour.Add(time.Minute), pause("UBOB", 2)); got[0] != Admitted {
		t.Errorf("after a cooling nudge, the budget's second place = %v, want admitted", got[0])
	}
	// Timers' nudges have no cooldown: Admit decides them alone.
	vs, err := s.Admit(ctx, hour.Add(2*time.Hour), []Ask{pause("UCAT", 1), pause("UCAT", 1)})
	if err != nil || vs[0] != Admitted || vs[1] != OverBudget {
		t.Errorf("Admit = %v, %v; want admitted, over budget", vs, err)
	}
}
