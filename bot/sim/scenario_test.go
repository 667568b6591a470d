package sim

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const base = `"start": "2026-03-10T13:58:00Z",
 "users": [{"id": "UANA", "name": "ana", "tz": "America/New_York", "agent": true}, {"id": "UCHRIS", "external": true}],
 "channels": [{"id": "CACME", "name": "acme", "members": ["UANA", "UCHRIS"]}]`

func scenario(events string) string { return "{" + base + `, "events": [` + events + "]}" }

func TestParse(t *testing.T) {
	sc, err := Parse(strings.NewReader(scenario(`
		{"at": "+0s", "type": "message", "user": "UCHRIS", "channel": "CACME", "ts": "1773151080.000100", "text": "hi"},
		{"at": "+2m5s", "type": "reaction", "user": "UANA", "channel": "CACME", "ts": "1773151080.000100", "name": "eyes", "redeliver": true},
		{"at": "2026-03-10T15:00:00Z", "type": "wait"},
		{"at": "+1d", "type": "home", "user": "UANA"}`)))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 10, 13, 58, 0, 0, time.UTC)
	want := []time.Time{start, start.Add(2*time.Minute + 5*time.Second), time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), start.Add(24 * time.Hour)}
	for i, ev := range sc.Events {
		if !ev.Time.Equal(want[i]) {
			t.Errorf("events[%d].Time = %v, want %v", i, ev.Time, want[i])
		}
	}
	if !sc.Events[1].Redeliver {
		t.Error("redeliver flag lost")
	}
}

func TestParseErrorsNameTheEventAndField(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{"not json", `{"start": `, []string{"not valid JSON"}},
		{"no start", `{"events": []}`, []string{`"start" is required`}},
		{"unknown top field", `{"start": "2026-03-10T13:58:00Z", "speed": 2}`, []string{`unknown field "speed"`}},
		{"unknown event field", scenario(`{"at": "+0s", "type": "wait", "colour": "red"}`), []string{"events[0]", `unknown field "colour"`}},
		{"unknown type", scenario(`{"at": "+0s", "type": "typing"}`), []string{"events[0]", `field "type"`, `"typing"`}},
		{"missing text", scenario(`{"at": "+0s", "type": "message", "user": "UCHRIS", "channel": "CACME", "ts": "1.000001"}`), []string{"events[0] (message at +0s)", `field "text" is required`}},
		{"unknown user", scenario(`{"at": "+0s", "type": "home", "user": "UNOBODY"}`), []string{"events[0]", `field "user"`, `"UNOBODY"`}},
		{"unknown channel", scenario(`{"at": "+0s", "type": "reaction", "user": "UANA", "channel": "CNOPE", "ts": "1.000001", "name": "eyes"}`), []string{`field "channel"`, `"CNOPE"`}},
		{"bad offset", scenario(`{"at": "+2 minutes", "type": "wait"}`), []string{"events[0]", `field "at"`}},
		{"out of order", scenario(`{"at": "+5m", "type": "wait"}, {"at": "+1m", "type": "wait"}`), []string{"events[1]", "time order"}},
		{"bad ts", scenario(`{"at": "+0s", "type": "delete", "channel": "CACME", "ts": "yesterday"}`), []string{`field "ts"`}},
		{"wrong type of value", scenario(`{"at": "+0s", "type": "wait", "redeliver": "yes"}`), []string{"events[0]", `"redeliver"`}},
		{"unknown zone", `{"start": "2026-03-10T13:58:00Z", "users": [{"id": "U1", "tz": "Mars/Olympus"}]}`, []string{"users[0]", `"tz"`, "Mars/Olympus"}},
		{"unknown member", `{"start": "2026-03-10T13:58:00Z", "channels": [{"id": "C1", "members": ["UX"]}]}`, []string{"channels[0]", `"members"`, `"UX"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.json))
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Parse = %v, want an *InvalidError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestKinds(t *testing.T) {
	got := Kinds([]string{"nudge:pause", "say:pause", "nudge:chunk", "nudge:made-up", "reminder", "actions", "help"})
	want := "nudge:pause nudge:chunk reminder help"
	if strings.Join(got, " ") != want {
		t.Errorf("Kinds = %q, want %q", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(scenario(`{"at": "+0s", "type": "message", "user": "UCHRIS", "channel": "CACME", "ts": "1.000001", "text": "hi"}`))
	f.Add(`{"start": "2026-03-10T13:58:00Z", "events": [{"at": "+99999999999d", "type": "wait"}]}`)
	f.Add(`{"start": "2026-03-10T13:58:00Z", "events": [{"at": "+1.5h30m", "type": "wait"}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := Parse(strings.NewReader(s))
		if err != nil {
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Parse(%q) error %v is not an *InvalidError", s, err)
			}
			return
		}
		for i := 1; i < len(sc.Events); i++ {
			if sc.Events[i].Time.Before(sc.Events[i-1].Time) {
				t.Fatalf("Parse(%q) accepted events out of order", s)
			}
		}
	})
}
