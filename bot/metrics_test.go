package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
)

// TestMetricsScrapeLintsClean scrapes /metrics of a bot that has counted a bit of everything
// and lints it as promtool would: no problems, the bot's own metrics with their labels, and
// the Go runtime's and the process's.
func TestMetricsScrapeLintsClean(t *testing.T) {
	b := New(Config{}, slack.New("xoxb-test"), nil, coach.New(coach.DefaultPlaybook()), zap.NewNop())
	for _, d := range counterDefs {
		var labels []string
		for _, l := range d.labels {
			labels = append(labels, l, "x")
		}
		b.metrics.add(d.name, labels...)
	}
	b.metrics.observe(3 * time.Millisecond)

	rec := httptest.NewRecorder()
	b.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	problems, err := promlint.New(strings.NewReader(string(body))).Lint()
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	for _, want := range []string{
		`deescalate_feedback_total{kind="x",rule="x"} 1`, `deescalate_drafts_total{entry="x",source="x"} 1`,
		`deescalate_redis_errors_total 1`, `deescalate_nudges_held_total{reason="budget"} 0`,
		`deescalate_event_to_nudge_seconds_bucket{le="0.005"} 1`, `deescalate_events_in_flight 0`, `deescalate_socket_connected 0`,
		"# TYPE go_goroutines gauge", "# TYPE go_memstats_heap_alloc_bytes gauge", "# TYPE process_cpu_seconds_total counter",
		"# TYPE process_resident_memory_bytes gauge",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestMetricsAreCountedAsDefined reads every metrics.add call of the bot's code: each names a
// defined counter with exactly its labels, so no count is silently dropped.
func TestMetricsAreCountedAsDefined(t *testing.T) {
	defs := map[string][]string{}
	for _, d := range counterDefs {
		defs[d.name] = slices.Sorted(slices.Values(d.labels))
	}
	files, _ := filepath.Glob("*.go")
	calls := 0
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "add" || len(call.Args) == 0 {
				return true
			}
			if inner, ok := sel.X.(*ast.SelectorExpr); !ok || inner.Sel.Name != "metrics" {
				if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "m" {
					return true
				}
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true // the helpers' own pass-through
			}
			name, _ := strconv.Unquote(lit.Value)
			var labels []string
			for i := 1; i < len(call.Args); i += 2 {
				if l, ok := call.Args[i].(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(l.Value)
					labels = append(labels, s)
				}
			}
			sort.Strings(labels)
			calls++
			want, ok := defs[name]
			if !ok {
				t.Errorf("%s: metrics.add(%q) names no defined counter", fset.Position(call.Pos()), name)
			} else if !slices.Equal(labels, want) {
				t.Errorf("%s: metrics.add(%q) with labels %v, defined with %v", fset.Position(call.Pos()), name, labels, want)
			}
			return true
		})
	}
	if calls < 10 {
		t.Errorf("found %d metrics.add calls; the reader of the code is broken", calls)
	}
}

// TestREADMEMetricTable keeps the README's metric table true: a row for every metric the bot
// defines, with its labels, and no row for one it does not.
func TestREADMEMetricTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(deescalate_[a-z_]+)` \\|([^|]*)\\|").FindAllStringSubmatch(string(readme), -1) {
		rows[m[1]] = strings.TrimSpace(m[2])
	}
	want := map[string]string{"deescalate_event_to_nudge_seconds": "histogram"}
	for _, d := range counterDefs {
		var ls []string
		for _, l := range d.labels {
			ls = append(ls, "`"+l+"`")
		}
		want[d.name] = strings.Join(ls, ", ")
	}
	for g := range gaugeHelp {
		want[g] = "gauge"
	}
	for name, labels := range want {
		got, ok := rows[name]
		if !ok {
			t.Errorf("README's metric table has no row for %s", name)
		} else if got != labels {
			t.Errorf("README's metric table gives %s the labels %q, want %q", name, got, labels)
		}
		delete(rows, name)
	}
	for name := range rows {
		t.Errorf("README's metric table lists %s, which the bot does not define", name)
	}
}

// BenchmarkMetrics is what one delivered nudge costs the metrics: its counter by rule, an
// envelope by type and its latency.
func BenchmarkMetrics(b *testing.B) {
	m := newMetrics()
	for b.Loop() {
		m.nudge("pause")
		m.add("deescalate_envelopes_total", "type", "events_api")
		m.observe(time.Millisecond)
	}
}
