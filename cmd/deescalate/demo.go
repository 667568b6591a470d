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

// The demo is the product tour: one conversation in a support channel shared with a
// customer, played against the real bot, the fake Slack and an embedded Redis on a virtual
// clock, and printed as a transcript of what each person saw. In order: the pause nudge with
// its cue and chunk when an agent claims an upset customer's thread, a feelings-first tip on
// the agent's reply and the edit that clears it, the draft shortcut (the modal's draft, then
// the post), the promise the draft makes and its reminder, a pre-emptive acknowledgement for a
// customer nobody has answered, the weekly digest as the team lead reads it on Monday, and
// the agent's App Home.

//go:embed demo.json
var demoScenario []byte

// runDemo plays the built-in scenario and prints it as the people in it lived it.
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
	v.settled()
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
	day    string    // the day of the latest line, to say when a new one starts
	// edit is the agent's edit shown last, until something answers it.
	edit  bool
	calls int // calls shown since the latest event
	err   error
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
	v.printf("Lines marked ┃ are what Deescalate showed, and to whom: \"only ana sees\" is private coaching;\n")
	v.printf("customers never see any of it.\n")
}

func (v *viewer) footer() {
	v.printf("\n%d private nudge(s) and reminder(s) sent; the only post a customer saw was the reply ana chose to send.\n", v.nudges)
	v.printf("Try it yourself: deescalate playground. Run it for real: README.md, \"Connect to a Slack workspace\".\n")
}

func (v *viewer) name(id string) string {
	if u, ok := v.users[id]; ok && u.Name != "" {
		return u.Name
	}
	return id
}

func (v *viewer) who(id string) string {
	u := v.users[id]
	switch {
	case u.Bot:
		return v.name(id) + " (bot)"
	case u.External:
		return v.name(id) + " (customer)"
	case u.Agent:
		return v.name(id) + " (agent)"
	}
	return v.name(id)
}

// stamp writes the time of a line, with the day when it is a new one.
func (v *viewer) stamp(t time.Time) string {
	local := t.In(v.zone)
	if day := local.Format("Monday 2 January"); day != v.day {
		v.printf("\n── %s ──\n", day)
		v.day = day
	}
	return local.Format("15:04")
}

// settled closes the previous event: an agent's edit nobody answered was checked again and
// left nothing to say.
func (v *viewer) settled() {
	if v.edit && v.calls == 0 {
		v.printf("       ┃ (checked again: nothing to say now; the tip is cleared)\n")
	}
	v.edit = false
}

func (v *viewer) event(ev sim.Event) {
	v.settled()
	v.last, v.calls = ev.Time, 0
	at := v.stamp(ev.Time)
	where := "#" + v.chans[ev.Channel]
	switch ev.Type {
	case "message":
		thread := ""
		if ev.ThreadTS != "" {
			thread = " (in thread)"
		}
		v.printf("%s  %s%s  %s:\n%s\n", at, where, thread, v.who(ev.User), indent(v.plain(ev.Text), "       "))
		if ev.Redeliver {
			v.printf("       (Slack delivers this event twice, as it does on a retry: one nudge all the same)\n")
		}
	case "reaction":
		v.printf("%s  %s  %s reacts :%s: to take the thread\n", at, where, v.who(ev.User), ev.Name)
	case "edit":
		v.printf("%s  %s  the reply is edited to:\n%s\n", at, where, indent(v.plain(ev.Text), "       "))
		v.edit = true
	case "delete":
		v.printf("%s  %s  a message is deleted\n", at, where)
	case "slash":
		v.printf("%s  %s  %s runs %s %s\n", at, where, v.who(ev.User), ev.Command, ev.Text)
	case "shortcut":
		v.printf("%s  %s  %s opens \"Draft a calm reply\" from the message's ⋮ menu\n", at, where, v.who(ev.User))
	case "action":
		v.printf("%s  %s presses %s\n", at, v.who(ev.User), actionName(ev.ActionID))
	case "home":
		v.printf("%s  %s opens Deescalate's Home tab\n", at, v.who(ev.User))
	case "wait":
		v.printf("%s  (time passes)\n", at)
	default:
		v.printf("%s  %s by %s\n", at, ev.Type, v.who(ev.User))
	}
}

// actionName says which button an action id is, as the person saw it.
func actionName(id string) string {
	switch {
	case id == "draft_text":
		return "Post in thread"
	case strings.HasPrefix(id, "draft_tone_"):
		return "the " + strings.TrimPrefix(id, "draft_tone_") + " tone"
	}
	return id
}

func (v *viewer) call(o sim.Output) {
	v.calls++
	name := v.name(o.User)
	how := map[string]string{"chat.postEphemeral": "only " + name + " sees", "chat.postMessage": "DM to " + name,
		"views.open": name + "'s screen", "views.update": name + "'s screen", "views.push": name + "'s screen",
		"views.publish": name + "'s App Home", "response_url": "only " + name + " sees"}[o.Method]
	if o.Method == "chat.postMessage" && o.User == "" {
		// The one post into a channel: a reply an agent chose to send, under their name.
		how = "posted in #" + v.chans[o.Channel] + " as " + o.Call.Args["username"] + ", seen by everyone"
	}
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
		v.printf("%s  (Deescalate, on its own)\n", v.stamp(at))
		v.last = at
	}
	label := strings.Join(o.Kinds, ", ")
	if title, submit := viewTitle(o.Call.Args); title != "" {
		label = "a window, \"" + title + "\""
		if submit != "" {
			label += ", with [" + submit + "]"
		}
	}
	v.printf("       ┃ %s · %s\n", how, label)
	for _, l := range blockLines(o.Call.Blocks, v.plain) {
		v.printf("       ┃   %s\n", l)
	}
}

var emoji = map[string]string{":alarm_clock:": "⏰", ":warning:": "⚠", ":hourglass_flowing_sand:": "⏳", ":zzz:": "💤", ":rocket:": "🚀",
	":white_check_mark:": "✅", ":memo:": "📝", ":bell:": "🔔", ":pencil2:": "✏", ":tada:": "🎉", ":chart_with_upwards_trend:": "📈"}

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
