package coach

import (
	"testing"
	"time"
)

func TestWeek(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		at   time.Time
		zone *time.Location
		want Week
	}{
		{time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC), time.UTC, "2026-W11"},
		{time.Date(2026, 3, 16, 2, 0, 0, 0, time.UTC), time.UTC, "2026-W12"}, // Monday 02:00 UTC
		{time.Date(2026, 3, 16, 2, 0, 0, 0, time.UTC), ny, "2026-W11"},       // still Sunday in New York
		{time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.UTC, "2026-W53"},
	}
	for _, c := range cases {
		if got := WeekOf(c.at, c.zone); got != c.want {
			t.Errorf("WeekOf(%v, %v) = %s, want %s", c.at, c.zone, got, c.want)
		}
	}
	if s := Week("2026-W11").Start(ny); !s.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, ny)) {
		t.Errorf("start of 2026-W11 = %v", s)
	}
	if p := Week("2026-W01").Prev(); p != "2025-W52" {
		t.Errorf("week before 2026-W01 = %s", p)
	}
}

// TestTallyOf: the week's figures come from the thread's records, with the outcome names the
// metrics, the store and replay share.
func TestTallyOf(t *testing.T) {
	at := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	open := &Promise{Version: 1, Agent: "UANA", Due: at, State: PromiseOpen}
	kept, late := *open, *open
	kept.State, late.State = PromiseKept, PromiseLate
	upset := Seen{TS: "1.1", User: "UCUS", Role: RoleCustomer, At: at.Add(-5 * time.Minute), Upset: true}
	thanks := Seen{TS: "1.3", User: "UCUS", Role: RoleCustomer, At: at, Praise: true, Themes: []string{"billing"}}
	isAgent := func(id string) bool { return id == "ULEE" }
	cases := []struct {
		name          string
		before, after Thread
		ev            *Event
		want          func(Tally) bool
	}{
		{"kept on time", Thread{Promise: open}, Thread{Promise: &kept}, nil,
			func(tl Tally) bool { return tl.Promise == "UANA" && tl.Outcome == OnTime }},
		{"kept late", Thread{Promise: open}, Thread{Promise: &late}, nil,
			func(tl Tally) bool { return tl.Outcome == Late }},
		{"a settled promise counts once", Thread{Promise: &kept}, Thread{Promise: &kept}, nil,
			func(tl Tally) bool { return tl.Empty() }},
		{"first reply to an upset customer", Thread{Messages: []Seen{upset}}, Thread{Messages: []Seen{upset}},
			&Event{Kind: Posted, TS: "1.2", User: "UANA", Role: RoleAgent, At: at},
			func(tl Tally) bool { return tl.FirstReply == "UANA" && tl.Waited == 5*time.Minute }},
		{"kudos to the agent mentioned", Thread{Owner: "UANA"}, Thread{Owner: "UANA", Messages: []Seen{thanks}},
			&Event{Kind: Posted, TS: "1.3", User: "UCUS", Role: RoleCustomer, Text: "Thanks <@ULEE>, billing is sorted!", At: at},
			func(tl Tally) bool {
				return tl.CustomerMessage && tl.Kudos != nil && tl.Kudos.Agent == "ULEE" && tl.Example != nil && tl.Themes[0] == "billing"
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := TallyOf(c.before, c.after, c.ev, at, time.UTC, isAgent); !c.want(got) || got.Week != "2026-W11" {
				t.Errorf("TallyOf = %+v", got)
			}
		})
	}
}

func TestTrend(t *testing.T) {
	for _, c := range []struct {
		now, before int
		want        string
	}{{4, 0, "new"}, {0, 0, "="}, {7, 3, "▲4"}, {1, 3, "▼2"}, {5, 5, "="}} {
		if got := Trend(c.now, c.before); got != c.want {
			t.Errorf("Trend(%d, %d) = %q, want %q", c.now, c.before, got, c.want)
		}
	}
}
