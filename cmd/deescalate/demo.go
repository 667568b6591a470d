package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/deescalate/deescalate/bot/sim"
)

//go:embed demo.json
var demoScenario []byte

// runDemo plays the built-in scenario and shows it as an agent would live it: the channel's
// messages, and under them what Deescalate showed privately, to whom.
func runDemo(ctx context.Context, stdout, stderr io.Writer) error {
	sc, err := sim.Parse(bytes.NewReader(demoScenario))
	if err != nil {
		return fmt.Errorf("built-in demo: %w", err)
	}
	v := newViewer(sc, stdout)
	v.header()
	err = sim.Run(ctx, sc, sim.Options{
		Configure: configureSim,
		Log:       newLogger(quietLevel(), "console", stderr),
		OnEvent:   v.event,
		OnCall:    v.call,
	})
	if err != nil {
		return err
	}
	v.footer()
	return v.err
}

// viewer prints a scenario for a person.
type viewer struct {
	w      io.Writer
	users  map[string]sim.User
	chans  map[string]string
	zone   *time.Location
	nudges int
	last   time.Time // the latest event shown
	err    error
}

func newViewer(sc *sim.Scenario, w io.Writer) *viewer {
	v := &viewer{w: w, users: map[string]sim.User{}, chans: map[string]string{}, zone: time.UTC}
	for _, u := range sc.Users {
		v.users[u.ID] = u
		if u.Agent && v.zone == time.UTC && u.TZ != "" {
			if loc, err := time.LoadLocation(u.TZ); err == nil {
				v.zone = loc
			}
		}
	}
	for _, c := range sc.Channels {
		v.chans[c.ID] = c.Name
	}
	return v
}

func (v *viewer) printf(format string, args ...any) {
	if v.err == nil {
		_, v.err = fmt.Fprintf(v.w, format, args...)
	}
}

func (v *viewer) header() {
	v.printf("Deescalate demo: a support channel shared with a customer, on a simulated clock (times in %s).\n", v.zone)
	v.printf("Lines marked \"only ana sees\" are Deescalate's private coaching; customers never see them.\n\n")
}

func (v *viewer) footer() {
	v.printf("\n%d private nudge(s) and reminder(s) sent; nothing was posted where a customer could see it.\n", v.nudges)
	v.printf("Run it for real: README.md, \"Connect to a Slack workspace\".\n")
}

func (v *viewer) who(id string) string {
	u := v.users[id]
	name := u.Name
	if name == "" {
		name = id
	}
	switch {
	case u.Bot:
		return name + " (bot)"
	case u.External:
		return name + " (customer)"
	case u.Agent:
		return name + " (agent)"
	}
	return name
}

func (v *viewer) event(ev sim.Event) {
	v.last = ev.Time
	at := ev.Time.In(v.zone).Format("15:04")
	where := "#" + v.chans[ev.Channel]
	switch ev.Type {
	case "message":
		thread := ""
		if ev.ThreadTS != "" {
			thread = " (in thread)"
		}
		v.printf("%s  %s%s  %s:\n%s\n", at, where, thread, v.who(ev.User), indent(ev.Text, "       "))
		if ev.Redeliver {
			v.printf("       (Slack delivers this event twice, as it does on a retry)\n")
		}
	case "reaction":
		v.printf("%s  %s  %s reacts :%s: to take the thread\n", at, where, v.who(ev.User), ev.Name)
	case "edit":
		v.printf("%s  %s  a message is edited:\n%s\n", at, where, indent(ev.Text, "       "))
	case "delete":
		v.printf("%s  %s  a message is deleted\n", at, where)
	case "slash":
		v.printf("%s  %s  %s runs %s %s\n", at, where, v.who(ev.User), ev.Command, ev.Text)
	case "wait":
		v.printf("%s  (time passes)\n", at)
	default:
		v.printf("%s  %s by %s\n", at, ev.Type, v.who(ev.User))
	}
}

func (v *viewer) call(o sim.Output) {
	name := v.users[o.User].Name
	if name == "" {
		name = o.User
	}
	how := map[string]string{"chat.postEphemeral": "only " + name + " sees", "chat.postMessage": "DM to " + name,
		"views.open": name + "'s screen", "views.publish": name + "'s App Home", "response_url": "only " + name + " sees"}[o.Method]
	if how == "" {
		how = o.Method + " for " + name
	}
	for _, k := range o.Kinds {
		if strings.HasPrefix(k, "nudge:") || k == "reminder" || k == "overdue" {
			v.nudges++
			break
		}
	}
	if at, err := time.Parse(time.RFC3339, o.At); err == nil && !at.Before(v.last.Add(time.Minute)) {
		// Timers fire between the channel's messages: show when.
		v.printf("%s  (Deescalate, on its own)\n", at.In(v.zone).Format("15:04"))
	}
	v.printf("       ┃ %s · %s\n", how, strings.Join(o.Kinds, ", "))
	for _, t := range o.Call.Texts() {
		v.printf("%s\n", indent(v.plain(t), "       ┃ "))
	}
}

var emoji = map[string]string{":alarm_clock:": "⏰", ":warning:": "⚠", ":hourglass_flowing_sand:": "⏳", ":zzz:": "💤", ":rocket:": "🚀",
	":white_check_mark:": "✅", ":memo:": "📝", ":bell:": "🔔"}

// plain renders the mrkdwn a terminal cannot show (slacktext.go), and draws a few emoji.
func (v *viewer) plain(s string) string {
	n := namer{user: func(id string) string { return v.users[id].Name }, channel: func(id string) string { return v.chans[id] }}
	s = n.plain(s)
	for code, glyph := range emoji {
		s = strings.ReplaceAll(s, code, glyph)
	}
	return s
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
