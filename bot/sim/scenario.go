// Package sim runs the real bot against the fake Slack and Redis on a virtual clock, from a
// scenario file (docs/scenarios.md), and reports every call a person would see.
// `deescalate simulate`, `deescalate demo` and the scenario tests all use it.
package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Scenario is a scripted workspace and what happens in it.
type Scenario struct {
	Start    time.Time         `json:"start"`
	Users    []User            `json:"users"`
	Channels []Channel         `json:"channels"`
	Env      map[string]string `json:"env"`
	Events   []Event           `json:"events"`
}

// User is a person (or bot) of the scenario.
type User struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TZ       string `json:"tz"`
	Agent    bool   `json:"agent"`
	Lead     bool   `json:"lead"`
	External bool   `json:"external"`
	Bot      bool   `json:"bot"`
}

// Channel is a channel of the scenario.
type Channel struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Shared  bool     `json:"shared"`
	Private bool     `json:"private"`
	Members []string `json:"members"`
}

// Event is one step of the scenario.
type Event struct {
	At        string `json:"at"`
	Type      string `json:"type"`
	User      string `json:"user,omitempty"`
	Channel   string `json:"channel,omitempty"`
	TS        string `json:"ts,omitempty"`
	ThreadTS  string `json:"thread_ts,omitempty"`
	Text      string `json:"text,omitempty"`
	Name      string `json:"name,omitempty"`
	Command   string `json:"command,omitempty"`
	ActionID  string `json:"action_id,omitempty"`
	Value     string `json:"value,omitempty"`
	Redeliver bool   `json:"redeliver,omitempty"`

	Time time.Time `json:"-"` // At resolved against the start
}

// InvalidError is a scenario that cannot run; it names the event and the field.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return "invalid scenario: " + e.Msg }

func invalid(format string, args ...any) error {
	return &InvalidError{Msg: fmt.Sprintf(format, args...)}
}

// required lists the fields each event type needs.
var required = map[string][]string{
	"message":  {"user", "channel", "ts", "text"},
	"reaction": {"user", "channel", "ts", "name"},
	"edit":     {"channel", "ts", "text"},
	"delete":   {"channel", "ts"},
	"slash":    {"user", "channel", "command"},
	"shortcut": {"user", "channel", "ts"},
	"action":   {"user", "action_id"},
	"home":     {"user"},
	"wait":     {},
}

var tsFormat = regexp.MustCompile(`^\d{1,12}\.\d{6}$`)

// Parse reads and checks a scenario. Unknown fields, unknown users or channels, missing
// fields and events out of time order are errors naming the event and the field.
func Parse(r io.Reader) (*Scenario, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	var top struct {
		Start    *time.Time        `json:"start"`
		Users    []User            `json:"users"`
		Channels []Channel         `json:"channels"`
		Env      map[string]string `json:"env"`
		Events   []json.RawMessage `json:"events"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&top); err != nil {
		return nil, invalid("%s", jsonProblem(err))
	}
	if top.Start == nil {
		return nil, invalid("field \"start\" is required (an RFC 3339 time)")
	}
	sc := &Scenario{Start: *top.Start, Users: top.Users, Channels: top.Channels, Env: top.Env}
	users := map[string]bool{}
	for i, u := range sc.Users {
		if u.ID == "" {
			return nil, invalid("users[%d]: field \"id\" is required", i)
		}
		if users[u.ID] {
			return nil, invalid("users[%d]: id %q appears twice", i, u.ID)
		}
		if u.TZ != "" {
			if _, err := time.LoadLocation(u.TZ); err != nil {
				return nil, invalid("users[%d] (%s): field \"tz\": unknown zone %q", i, u.ID, u.TZ)
			}
		}
		users[u.ID] = true
	}
	channels := map[string]bool{}
	for i, c := range sc.Channels {
		if c.ID == "" {
			return nil, invalid("channels[%d]: field \"id\" is required", i)
		}
		if channels[c.ID] {
			return nil, invalid("channels[%d]: id %q appears twice", i, c.ID)
		}
		for _, m := range c.Members {
			if !users[m] {
				return nil, invalid("channels[%d] (%s): field \"members\": unknown user %q", i, c.ID, m)
			}
		}
		channels[c.ID] = true
	}
	last := sc.Start
	for i, raw := range top.Events {
		var ev Event
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&ev); err != nil {
			return nil, invalid("events[%d]: %s", i, jsonProblem(err))
		}
		where := fmt.Sprintf("events[%d] (%s at %s)", i, ev.Type, ev.At)
		need, ok := required[ev.Type]
		if !ok {
			return nil, invalid("events[%d]: field \"type\": unknown type %q (want message, reaction, edit, delete, slash, shortcut, action, home or wait)", i, ev.Type)
		}
		t, err := resolveAt(sc.Start, ev.At)
		if err != nil {
			return nil, invalid("%s: field \"at\": %v", where, err)
		}
		if t.Before(last) {
			return nil, invalid("%s: field \"at\": %s is before the previous event; events must be in time order", where, t.Format(time.RFC3339))
		}
		last, ev.Time = t, t
		fields := map[string]string{"user": ev.User, "channel": ev.Channel, "ts": ev.TS, "text": ev.Text,
			"name": ev.Name, "command": ev.Command, "action_id": ev.ActionID}
		for _, f := range need {
			if strings.TrimSpace(fields[f]) == "" {
				return nil, invalid("%s: field %q is required", where, f)
			}
		}
		if ev.User != "" && !users[ev.User] {
			return nil, invalid("%s: field \"user\": unknown user %q", where, ev.User)
		}
		if ev.Channel != "" && !channels[ev.Channel] {
			return nil, invalid("%s: field \"channel\": unknown channel %q", where, ev.Channel)
		}
		for _, f := range []struct{ name, v string }{{"ts", ev.TS}, {"thread_ts", ev.ThreadTS}} {
			if f.v != "" && !tsFormat.MatchString(f.v) {
				return nil, invalid("%s: field %q: %q is not a Slack timestamp like 1700000000.000100", where, f.name, f.v)
			}
		}
		sc.Events = append(sc.Events, ev)
	}
	return sc, nil
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "not valid JSON: the file ends early"
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q: want %s, got %s", typ.Field, typ.Type, typ.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// maxOffset bounds a scenario's length: a year of virtual time is plenty.
const maxOffset = 366 * 24 * time.Hour

var offsetPart = regexp.MustCompile(`(\d+(?:\.\d+)?)([dhms])`)

// resolveAt turns "+90s", "+2m5s", "+3h", "+8d" or an RFC 3339 time into a time.
func resolveAt(start time.Time, at string) (time.Time, error) {
	if at == "" {
		return time.Time{}, errors.New("is required")
	}
	if !strings.HasPrefix(at, "+") {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is neither an offset like +2m nor an RFC 3339 time", at)
		}
		return t, nil
	}
	rest := at[1:]
	parts := offsetPart.FindAllStringSubmatchIndex(rest, -1)
	covered := 0
	var total time.Duration
	unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second}
	for _, p := range parts {
		if p[0] != covered {
			break
		}
		n, err := strconv.ParseFloat(rest[p[2]:p[3]], 64)
		if err != nil || n*float64(unit[rest[p[4]:p[5]]]) > float64(maxOffset) {
			return time.Time{}, fmt.Errorf("%q is further than a year from the start", at)
		}
		total += time.Duration(n * float64(unit[rest[p[4]:p[5]]]))
		if total > maxOffset {
			return time.Time{}, fmt.Errorf("%q is further than a year from the start", at)
		}
		covered = p[1]
	}
	if covered != len(rest) || len(parts) == 0 {
		return time.Time{}, fmt.Errorf("%q is not an offset like +90s, +2m5s, +3h or +8d", at)
	}
	return start.Add(total), nil
}
