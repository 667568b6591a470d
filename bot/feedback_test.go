package bot_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deescalate/deescalate/bot/fakeslack"
)

// TestNotHelpfulHoldsARuleToOnceADay: after three "not helpful" votes on pause in a week,
// ana gets pause at most once a day; lee is not affected. /metrics counts it all.
func TestNotHelpfulHoldsARuleToOnceADay(t *testing.T) {
	clk := newClock(t0)
	cfg := scheduled(clk)
	h := start(t, cfg, 1)
	upsetIn := func(i int, agent string) int {
		t.Helper()
		root := fmt.Sprintf("1773160000.%06d", 10*i)
		h.post(chris, support, root, "", "Quick question about our account")
		h.post(agent, support, fmt.Sprintf("1773160000.%06d", 10*i+1), root, "Sure, happy to help.")
		before := len(h.nudges())
		h.post(chris, support, fmt.Sprintf("1773160000.%06d", 10*i+2), root, angryText)
		n := 0
		for _, c := range h.nudges()[before:] {
			if c.User == agent && strings.Contains(strings.Join(c.BlockIDs, ","), "nudge:pause") {
				n++
			}
		}
		return n
	}
	if upsetIn(1, ana) != 1 {
		t.Fatal("no first pause nudge")
	}
	for range 3 {
		pressButton(t, h, ana, "fb_unhelpful:pause", "")
	}
	last, _ := lastCall(h, func(c fakeslack.Call) bool { return c.Method == "response_url" && c.User == ana })
	if !strings.Contains(strings.Join(last.Texts(), " "), "at most once a day") {
		t.Errorf("third 'not helpful' acknowledged as %q", last.Texts())
	}
	if got := upsetIn(2, ana); got != 1 {
		t.Errorf("first pause after the votes: %d nudges, want 1 (once a day)", got)
	}
	if got := upsetIn(3, ana); got != 0 {
		t.Errorf("second pause the same day: %d nudges, want 0", got)
	}
	if got := upsetIn(4, lee); got != 1 {
		t.Errorf("lee's pause: %d nudges, want 1", got)
	}
	rec := httptest.NewRecorder()
	h.bots[0].Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`deescalate_feedback_total{kind="unhelpful",rule="pause"} 3`, `deescalate_nudges_held_total{reason="unhelpful"} 1`,
		`deescalate_nudges_total{rule="pause"} 3`, "deescalate_event_to_nudge_seconds_bucket", "# TYPE deescalate_events_in_flight gauge"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
}
