package bot_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/deescalate/deescalate/bot/fakeslack"
)

// BenchmarkLoad drives real bots (1 and 3 replicas) through the fake Slack's Socket Mode and a
// real Redis: upset customer messages at a steady rate across 1,000 owned threads, each one
// earning a pause nudge, with the hourly nudge budget on. It reports the event-to-nudge latency (from the envelope being
// written to the socket to chat.postEphemeral reaching the fake Slack) at p50 and p99, Redis
// round trips per message, whether the bots kept up (every nudge in within 2 s of the last
// message), and the process's heap. Run it with:
//
//	go test ./bot -run '^$' -bench Load -benchtime 1x
func BenchmarkLoad(b *testing.B) {
	for _, replicas := range []int{1, 3} {
		for _, rate := range []int{250, 500, 1000, 2000} {
			b.Run(fmt.Sprintf("replicas=%d/rate=%d", replicas, rate), func(b *testing.B) {
				for range b.N {
					loadRun(b, replicas, rate, 3*time.Second)
				}
			})
		}
	}
}

const loadThreads = 1000

func loadRun(b *testing.B, replicas, rate int, dur time.Duration) {
	harnessLogLevel = zap.WarnLevel
	defer func() { harnessLogLevel = zap.DebugLevel }()
	cfg := agentsConfig()
	cfg.NudgeCooldown = time.Nanosecond // every message nudges, so every message is measured
	cfg.EventTimeout = 5 * time.Second
	// The hourly budget is on, as it is by default, so its cost is measured; it is large
	// enough that no nudge is held and every message is measured.
	cfg.NudgeBudget = 1 << 30
	h := start(b, cfg, replicas)

	// 1,000 threads, each owned by ana (set up in batches the bots take without shedding).
	roots := make([]string, loadThreads)
	var ids []string
	settle := func() {
		for _, id := range ids {
			h.settleID(id)
		}
		ids = ids[:0]
	}
	for i := range loadThreads {
		roots[i] = fmt.Sprintf("1773100000.%06d", 2*i+1)
		d, _ := h.fake.Post(chris, support, roots[i], "", "Quick question about our account")
		ids = append(ids, d.ID)
		if len(ids) == 200 {
			settle()
		}
	}
	settle()
	for i := range loadThreads {
		d, _ := h.fake.Post(ana, support, fmt.Sprintf("1773100000.%06d", 2*i+2), roots[i], "Sure, I'm on it.")
		ids = append(ids, d.ID)
		if len(ids) == 200 {
			settle()
		}
	}
	settle()
	trips := h.store.RoundTrips()
	before := len(h.fake.Calls())

	// The load: one upset message every 1/rate seconds, round robin over the threads.
	sent := map[string][]time.Time{}
	var mu sync.Mutex
	interval := time.Second / time.Duration(rate)
	n := int(dur / interval)
	start := time.Now()
	for k := range n {
		if wait := time.Until(start.Add(time.Duration(k) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		root := roots[k%loadThreads]
		mu.Lock()
		sent[root] = append(sent[root], time.Now())
		mu.Unlock()
		h.fake.Post(chris, support, fmt.Sprintf("1773200000.%06d", k), root, angryText)
	}
	last := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := h.fake.WaitCalls(ctx, before+n, func(c fakeslack.Call) bool { return true })
	keptUp := true
	nudges := map[string][]time.Time{}
	for _, c := range h.fake.Calls()[before:] {
		if c.Method == "chat.postEphemeral" && c.Err == "" {
			nudges[c.ThreadTS] = append(nudges[c.ThreadTS], c.Wall)
		}
	}
	var lat []time.Duration
	got, latest := 0, time.Time{}
	for root, ts := range sent {
		for i, at := range ts {
			if i < len(nudges[root]) {
				lat = append(lat, nudges[root][i].Sub(at))
				got++
				if nudges[root][i].After(latest) {
					latest = nudges[root][i]
				}
			}
		}
	}
	if err != nil || got < n || latest.Sub(last) > 2*time.Second {
		keptUp = false
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(h.store.RoundTrips()-trips)/float64(n), "redis-trips/msg")
	b.ReportMetric(float64(got)/float64(n)*100, "%nudged")
	b.ReportMetric(map[bool]float64{true: 1, false: 0}[keptUp], "kept-up")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(rssMB(), "rss-MB")
	b.ReportMetric(0, "ns/op")
	h.shutdown()
}

// rssMB is the process's resident memory (Linux), 0 where it cannot be read. It covers the
// whole test process: the bots, the fake Slack with every call it recorded, and the harness.
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkActiveThreads measures the heap of a bot that has seen 10,000 active threads:
// their state lives in Redis, so the bot's memory stays flat.
func BenchmarkActiveThreads(b *testing.B) {
	harnessLogLevel = zap.WarnLevel
	defer func() { harnessLogLevel = zap.DebugLevel }()
	for range b.N {
		h := start(b, agentsConfig(), 1)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var ids []string
		for i := range 10_000 {
			root := fmt.Sprintf("1773300000.%06d", 2*i+1)
			d, _ := h.fake.Post(chris, support, root, "", "Quick question about our account")
			ids = append(ids, d.ID)
			d, _ = h.fake.Post(ana, support, fmt.Sprintf("1773300000.%06d", 2*i+2), root, "Sure, I'm on it.")
			ids = append(ids, d.ID)
			if len(ids) >= 400 {
				for _, id := range ids {
					h.settleID(id)
				}
				ids = ids[:0]
			}
		}
		for _, id := range ids {
			h.settleID(id)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse)/(1<<20), "heap-MB")
		b.ReportMetric(rssMB(), "rss-MB")
		b.ReportMetric(0, "ns/op")
		h.shutdown()
	}
}
