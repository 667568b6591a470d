package bot

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the bot's own figures, served at /metrics through client_golang, with the Go
// runtime's and the process's standard collectors beside them. Each bot has a registry of its
// own, so several replicas in one process (the tests, simulate) never share a counter.
type metrics struct {
	reg      *prometheus.Registry
	counters map[string]*prometheus.CounterVec
	labels   map[string][]string // each counter's label names, in order
	latency  prometheus.Histogram
	// gauges are read when /metrics is scraped; New fills them in before the bot serves.
	gauges map[string]func() float64
}

// counterDef is one of the bot's counters: its name, help and label names.
type counterDef struct {
	name, help string
	labels     []string
	// known are label values to show at zero before anything happens, so a rate() over a
	// fresh replica has a series to start from.
	known [][]string
}

var counterDefs = []counterDef{
	{"deescalate_envelopes_total", "Socket Mode envelopes received, by type.", []string{"type"}, nil},
	{"deescalate_nudges_total", "Nudges delivered to agents, by rule.", []string{"rule"}, nil},
	{"deescalate_nudges_held_total", "Nudges not sent because of the agent's settings, feedback or hourly budget, by reason.",
		[]string{"reason"}, [][]string{{"silenced"}, {"unhelpful"}, {"budget"}}},
	{"deescalate_feedback_total", "Feedback on nudges, by rule and kind (helpful, unhelpful, mute, snooze).", []string{"rule", "kind"}, nil},
	{"deescalate_promises_total", "Promises settled, by outcome (on_time, late, missed).",
		[]string{"outcome"}, [][]string{{"on_time"}, {"late"}, {"missed"}}},
	{"deescalate_notices_total", "Reminder, overdue, lead and digest DMs sent, by kind.",
		[]string{"kind"}, [][]string{{"reminder"}, {"overdue"}, {"lead"}, {"digest"}}},
	{"deescalate_drafts_total", "Reply drafts shown, by entry point and source.", []string{"entry", "source"}, nil},
	{"deescalate_redis_errors_total", "Operations that failed because Redis did not answer.", nil, [][]string{{}}},
	{"deescalate_slack_errors_total", "Slack Web API calls that failed, by method.", []string{"method"}, nil},
	{"deescalate_shed_total", "Events API envelopes left unacknowledged for Slack to redeliver because the bot was at MaxInFlight.", nil, [][]string{{}}},
}

// gaugeHelp describes the gauges Bot fills in.
var gaugeHelp = map[string]string{
	"deescalate_events_in_flight": "Events being handled now (the queue depth).",
	"deescalate_socket_connected": "1 while the Socket Mode connection is up, else 0.",
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), counters: map[string]*prometheus.CounterVec{}, labels: map[string][]string{},
		gauges: map[string]func() float64{}}
	for _, d := range counterDefs {
		v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: d.name, Help: d.help}, d.labels)
		for _, values := range d.known {
			v.WithLabelValues(values...)
		}
		m.counters[d.name], m.labels[d.name] = v, d.labels
		m.reg.MustRegister(v)
	}
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "deescalate_event_to_nudge_seconds",
		Help:    "Time from an event reaching the bot to its nudge being accepted by Slack.",
		Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
	})
	m.reg.MustRegister(m.latency, gaugeCollector{m}, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// add increments a counter; labels alternate name and value.
func (m *metrics) add(name string, labels ...string) {
	if m == nil {
		return
	}
	v, ok := m.counters[name]
	if !ok {
		return
	}
	names := m.labels[name]
	if len(labels) != 2*len(names) {
		return // a label set that does not fit the definition: a bug the metrics test catches
	}
	values := make([]string, len(names))
	for i, l := range names {
		j := 0
		for j < len(labels) && labels[j] != l {
			j += 2
		}
		if j >= len(labels) {
			return
		}
		values[i] = labels[j+1]
	}
	c, err := v.GetMetricWithLabelValues(values...)
	if err != nil {
		return
	}
	c.Inc()
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
	m.latency.Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// gaugeCollector reports the gauges Bot filled in, read at scrape time.
type gaugeCollector struct{ m *metrics }

func (g gaugeCollector) Describe(ch chan<- *prometheus.Desc) {
	for name, help := range gaugeHelp {
		ch <- prometheus.NewDesc(name, help, nil, nil)
	}
}

func (g gaugeCollector) Collect(ch chan<- prometheus.Metric) {
	for name, help := range gaugeHelp {
		if f := g.m.gauges[name]; f != nil {
			ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, help, nil, nil), prometheus.GaugeValue, f())
		}
	}
}
