package bot

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics are the bot's counters, served at /metrics in Prometheus' text format. They are
// few and fixed, so a small registry here does the job without a client library.
type metrics struct {
	mu       sync.Mutex
	counters map[string]map[string]float64 // name -> label set -> value
	latency  histogram
	gauges   map[string]func() float64
}

var metricHelp = map[string]string{
	"deescalate_envelopes_total":    "Socket Mode envelopes received, by type.",
	"deescalate_nudges_total":       "Nudges delivered to agents, by rule.",
	"deescalate_nudges_held_total":  "Nudges not sent because of the agent's settings, feedback or hourly budget, by reason.",
	"deescalate_feedback_total":     "Feedback on nudges, by rule and kind (helpful, unhelpful, mute, snooze).",
	"deescalate_promises_total":     "Promises settled, by outcome (on_time, late, missed).",
	"deescalate_notices_total":      "Reminder, overdue, lead and digest DMs sent, by kind.",
	"deescalate_drafts_total":       "Reply drafts shown, by entry point and source.",
	"deescalate_redis_errors_total": "Operations that failed because Redis did not answer.",
	"deescalate_slack_errors_total": "Slack Web API calls that failed, by method.",
	"deescalate_shed_total":         "Events API envelopes left unacknowledged for Slack to redeliver because the bot was at MaxInFlight.",
}

func newMetrics() *metrics {
	return &metrics{counters: map[string]map[string]float64{}, gauges: map[string]func() float64{},
		latency: histogram{bounds: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5}}}
}

// add increments a counter; labels alternate name and value.
func (m *metrics) add(name string, labels ...string) {
	if m == nil {
		return
	}
	var b strings.Builder
	for i := 0; i+1 < len(labels); i += 2 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", labels[i], labels[i+1])
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counters[name] == nil {
		m.counters[name] = map[string]float64{}
	}
	m.counters[name][b.String()]++
}

func (m *metrics) feedback(rule, kind string) {
	m.add("deescalate_feedback_total", "rule", rule, "kind", kind)
}
func (m *metrics) held(reason string) { m.add("deescalate_nudges_held_total", "reason", reason) }
func (m *metrics) nudge(rule string)  { m.add("deescalate_nudges_total", "rule", rule) }

// observe records an event-to-nudge latency.
func (m *metrics) observe(d time.Duration) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.latency.observe(d.Seconds())
	m.mu.Unlock()
}

// histogram is a Prometheus histogram of seconds.
type histogram struct {
	bounds []float64
	counts []uint64
	sum    float64
	n      uint64
}

func (h *histogram) observe(v float64) {
	if h.counts == nil {
		h.counts = make([]uint64, len(h.bounds))
	}
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.n++
}

// write prints every metric in the text exposition format.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(metricHelp))
	for n := range metricHelp {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, metricHelp[name], name)
		sets := make([]string, 0, len(m.counters[name]))
		for l := range m.counters[name] {
			sets = append(sets, l)
		}
		sort.Strings(sets)
		for _, l := range sets {
			if l == "" {
				fmt.Fprintf(w, "%s %g\n", name, m.counters[name][l])
			} else {
				fmt.Fprintf(w, "%s{%s} %g\n", name, l, m.counters[name][l])
			}
		}
	}
	const hn = "deescalate_event_to_nudge_seconds"
	fmt.Fprintf(w, "# HELP %s Time from an event reaching the bot to its nudge being accepted by Slack.\n# TYPE %s histogram\n", hn, hn)
	for i, b := range m.latency.bounds {
		c := uint64(0)
		if m.latency.counts != nil {
			c = m.latency.counts[i]
		}
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", hn, b, c)
	}
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n", hn, m.latency.n, hn, m.latency.sum, hn, m.latency.n)
	gauges := make([]string, 0, len(m.gauges))
	for g := range m.gauges {
		gauges = append(gauges, g)
	}
	sort.Strings(gauges)
	for _, g := range gauges {
		v := m.gauges[g]()
		if math.IsNaN(v) {
			continue
		}
		fmt.Fprintf(w, "# TYPE %s gauge\n%s %g\n", g, g, v)
	}
}

func (m *metrics) handler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.write(w)
}
