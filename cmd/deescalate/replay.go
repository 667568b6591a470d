package main

import (
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach"
)

// `deescalate replay EXPORT` runs a Slack workspace export through the same coach and rules
// as the bot, in time order, and reports what Deescalate would have done: the nudges, the
// promises and whether they were kept, the customers left waiting, and each week's digest.

// Report types, as printed with --format json.
type replayNudge struct {
	At      time.Time `json:"at"`
	Channel string    `json:"channel"`
	Agent   string    `json:"agent"`
	Rule    string    `json:"rule"`
	Cue     string    `json:"cue,omitempty"`
	Message string    `json:"message"` // the message that triggered it
}

type replayPromise struct {
	Channel string    `json:"channel"`
	Agent   string    `json:"agent"`
	Made    time.Time `json:"made"`
	Due     time.Time `json:"due"`
	Text    string    `json:"text"`
	Outcome string    `json:"outcome"` // on_time, late, missed (coach.Outcome), withdrawn or open
}

type replayWait struct {
	Channel  string    `json:"channel"`
	Customer string    `json:"customer"`
	Since    time.Time `json:"since"`
	Message  string    `json:"message"`
}

type replayWeek struct {
	Week     coach.Week     `json:"week"`
	Messages int            `json:"customer_messages"`
	Upset    int            `json:"upset"`
	Themes   map[string]int `json:"themes"`
	Kudos    int            `json:"kudos"`
	Nudges   map[string]int `json:"nudges"`
	OnTime   int            `json:"promises_on_time"`
	Late     int            `json:"promises_late"`
	Missed   int            `json:"promises_missed"`
}

type replayReport struct {
	Export   string          `json:"export"`
	From     time.Time       `json:"from"`
	To       time.Time       `json:"to"`
	Messages int             `json:"messages"`
	Skipped  []string        `json:"skipped,omitempty"`
	Nudges   []replayNudge   `json:"nudges"`
	Promises []replayPromise `json:"promises"`
	Waits    []replayWait    `json:"waits"`
	Weeks    []replayWeek    `json:"weeks"`
}

// timerHeap orders pending timers by time.
type pending struct {
	at     time.Time
	thread string
	timer  coach.Timer
}
type timerHeap []pending

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(pending)) }
func (h *timerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// replayer replays an export through the coach.
type replayer struct {
	c        *coach.Coach
	ex       *export
	agents   map[string]bool
	team     *time.Location
	threads  map[string]coach.Thread
	texts    map[string]string // message key -> text, to show what triggered a nudge
	timers   timerHeap
	report   replayReport
	weeks    map[coach.Week]*replayWeek
	promises map[string]int // thread|version -> index in report.Promises
}

func (r *replayer) week(w coach.Week) *replayWeek {
	if r.weeks[w] == nil {
		r.weeks[w] = &replayWeek{Week: w, Themes: map[string]int{}, Nudges: map[string]int{}}
	}
	return r.weeks[w]
}

// role is a user's part in the conversations; bots take none.
func (r *replayer) role(id string) (coach.Role, bool) {
	u, ok := r.ex.users[id]
	switch {
	case ok && u.IsBot:
		return "", false
	case r.agents[id]:
		return coach.RoleAgent, true
	}
	return coach.RoleCustomer, true
}

func (r *replayer) zone(id string) *time.Location {
	if z, err := time.LoadLocation(r.ex.users[id].TZ); err == nil && r.ex.users[id].TZ != "" {
		return z
	}
	return time.UTC
}

func (r *replayer) name(id string) string {
	u, ok := r.ex.users[id]
	switch {
	case !ok:
		return id
	case u.Profile.DisplayName != "":
		return u.Profile.DisplayName
	case u.Name != "":
		return u.Name
	}
	return id
}

func (r *replayer) channelName(id string) string {
	for _, c := range r.ex.channels {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// fireUntil fires every timer due by t.
func (r *replayer) fireUntil(t time.Time) {
	for r.timers.Len() > 0 && !r.timers[0].at.After(t) {
		p := heap.Pop(&r.timers).(pending)
		th := r.threads[p.thread]
		next, notices, ok := r.c.Fire(th, p.timer, p.at)
		if !ok {
			continue
		}
		for _, n := range notices {
			if n.Kind == coach.NoticeWait && n.Wait != nil {
				r.report.Waits = append(r.report.Waits, replayWait{Channel: r.channelName(th.Channel), Customer: r.name(th.Customer),
					Since: n.Wait.Since, Message: r.texts[th.Channel+"/"+n.Wait.TS]})
				to := n.To
				if to == "" {
					to = "(on duty)"
				}
				r.nudge(p.at, th.Channel, r.name(to), "preemptive-ack", "", r.texts[th.Channel+"/"+n.Wait.TS])
			}
		}
		r.apply(p.thread, th, next, nil, p.at)
	}
}

// apply stores a thread's new state, schedules its new timers, adds what the change brings
// to its week's figures (the bot's own rules: coach.TallyOf) and follows its promise.
func (r *replayer) apply(key string, before, after coach.Thread, ev *coach.Event, at time.Time) {
	add, _ := coach.DiffTimers(r.c.Timers(before), r.c.Timers(after))
	for _, tm := range add {
		heap.Push(&r.timers, pending{at: tm.At, thread: key, timer: tm})
	}
	r.threads[key] = after
	r.count(coach.TallyOf(before, after, ev, at, r.team, func(id string) bool { return r.agents[id] }))
	if p := after.Promise; p != nil {
		id := key + "|" + strconv.Itoa(p.Version)
		i, ok := r.promises[id]
		if !ok {
			r.report.Promises = append(r.report.Promises, replayPromise{Channel: r.channelName(after.Channel), Agent: r.name(p.Agent),
				Made: p.Made, Due: p.Due, Text: p.Text})
			i = len(r.report.Promises) - 1
			r.promises[id] = i
		}
		switch {
		case p.Open():
			r.report.Promises[i].Outcome = "open"
		case p.Outcome() != "":
			r.report.Promises[i].Outcome = string(p.Outcome())
		default:
			r.report.Promises[i].Outcome = "withdrawn"
		}
	}
}

// count adds a tally to its week.
func (r *replayer) count(t coach.Tally) {
	if t.Empty() {
		return
	}
	w := r.week(t.Week)
	if t.CustomerMessage {
		w.Messages++
		if t.Upset {
			w.Upset++
		}
		for _, th := range t.Themes {
			w.Themes[th]++
		}
		if t.Kudos != nil {
			w.Kudos++
		}
	}
	switch t.Outcome {
	case coach.OnTime:
		w.OnTime++
	case coach.Late:
		w.Late++
	case coach.Missed:
		w.Missed++
	}
}

func (r *replayer) nudge(at time.Time, channel, agent, rule, cue, msg string) {
	r.report.Nudges = append(r.report.Nudges, replayNudge{At: at, Channel: r.channelName(channel), Agent: agent, Rule: rule, Cue: cue, Message: msg})
	r.week(coach.WeekOf(at, r.team)).Nudges[rule]++
}

// run replays every message.
func (r *replayer) run(progress func(done, total int)) {
	total := len(r.ex.messages)
	for i, m := range r.ex.messages {
		if progress != nil && (i%500 == 0 || i == total-1) {
			progress(i+1, total)
		}
		if m.Type != "message" && m.Type != "" || m.Subtype != "" && m.Subtype != "thread_broadcast" || m.User == "" || m.BotID != "" {
			continue
		}
		r.fireUntil(m.at)
		role, person := r.role(m.User)
		if !person {
			continue
		}
		r.report.Messages++
		thread := m.ThreadTS
		if thread == "" {
			thread = m.TS
		}
		key := m.channel + "/" + thread
		r.texts[m.channel+"/"+m.TS] = oneLineText(m.Text, 200)
		th, ok := r.threads[key]
		if !ok {
			th = coach.Thread{Channel: m.channel, TS: thread}
		}
		ev := coach.Event{Kind: coach.Posted, TS: m.TS, User: m.User, Role: role, Text: m.Text, At: m.at, Zone: r.zone(m.User)}
		next, nudges := r.c.Observe(th, ev)
		for _, n := range nudges {
			r.nudge(m.at, m.channel, r.name(n.To), n.Rule, n.Cue, r.texts[m.channel+"/"+m.TS])
		}
		// Nudges held for whoever takes the thread (nobody owns it yet): the export has no
		// claims, so they are reported as such.
		for _, n := range next.Pending {
			if n.About == m.TS {
				r.nudge(m.at, m.channel, "(whoever takes the thread)", n.Rule, n.Cue, r.texts[m.channel+"/"+m.TS])
			}
		}
		r.apply(key, th, next, &ev, m.at)
		if r.report.From.IsZero() {
			r.report.From = m.at
		}
		r.report.To = m.at
	}
	// Let promises made near the end come due, and be written off if they were missed.
	r.fireUntil(r.report.To.Add(48 * time.Hour))
}

// oneLineText is s on one line, cut on a word boundary to at most n bytes.
func oneLineText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = coach.CutWords(s, n) + "…"
	}
	return s
}

// runReplay is `deescalate replay`.
func runReplay(args []string, stdout, stderr io.Writer, load loader) error {
	fset := newFlags("replay", "replay [flags] EXPORT",
		"Replays a Slack workspace export (its folder, or the .zip Slack gives) through the same coach and\n"+
			"rules as the bot, on the export's own clock, and prints the nudges, promises, waits and weekly\n"+
			"digest figures it would have produced. The export never leaves the machine.")
	format := fset.String("format", "text", "output `FORMAT`: text or json")
	agentsFlag := fset.String("agents", "", "`AGENTS`: user ids or names, comma-separated (default: members of the export's own team; guests and other teams are customers)")
	teamTZ := fset.String("team-tz", "UTC", "the `ZONE` whose ISO weeks the digest uses")
	if err := fset.parse(args, stdout); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		return fset.fail("give exactly one export: a folder or a .zip")
	}
	if *format != "text" && *format != "json" {
		return fset.fail("--format must be text or json, got %q", *format)
	}
	team, err := time.LoadLocation(*teamTZ)
	if err != nil {
		return fset.fail("--team-tz: unknown zone %q", *teamTZ)
	}
	cfg, c, err := load()
	if err != nil {
		return err
	}
	c = c.WithLedger(coach.Ledger{ReminderLead: cfg.ReminderLead.Duration, WaitAck: cfg.WaitAck.Duration})
	name := fset.Arg(0)
	fsys, closer, err := openExport(name)
	if err != nil {
		return err
	}
	defer closer()
	ex, err := readExport(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return badInput{err}
		}
		return err
	}
	r := &replayer{c: c, ex: ex, agents: pickAgents(ex, *agentsFlag), team: team, threads: map[string]coach.Thread{},
		texts: map[string]string{}, weeks: map[coach.Week]*replayWeek{}, promises: map[string]int{}}
	r.report.Export, r.report.Skipped = name, ex.skipped
	var progress func(done, total int)
	if f, ok := stderr.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			progress = func(done, total int) {
				width := 30
				fill := done * width / max(total, 1)
				fmt.Fprintf(stderr, "\rreplaying [%s%s] %d/%d messages", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total)
				if done == total {
					fmt.Fprintln(stderr)
				}
			}
		}
	}
	r.run(progress)
	for _, w := range r.weeks {
		r.report.Weeks = append(r.report.Weeks, *w)
	}
	sort.Slice(r.report.Weeks, func(i, j int) bool { return r.report.Weeks[i].Week < r.report.Weeks[j].Week })
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r.report)
	}
	printReplay(stdout, &r.report)
	return nil
}

// pickAgents decides who the agents are: the ones named, or else the full members of the
// team most users belong to.
func pickAgents(ex *export, named string) map[string]bool {
	agents := map[string]bool{}
	if named != "" {
		for _, n := range strings.Split(named, ",") {
			n = strings.TrimSpace(strings.TrimPrefix(n, "@"))
			for id, u := range ex.users {
				if id == n || u.Name == n || u.Profile.DisplayName == n {
					agents[id] = true
				}
			}
		}
		return agents
	}
	teams := map[string]int{}
	for _, u := range ex.users {
		if !u.IsBot {
			teams[u.TeamID]++
		}
	}
	home, best := "", -1
	for t, n := range teams {
		if n > best || n == best && t < home {
			home, best = t, n
		}
	}
	for id, u := range ex.users {
		if !u.IsBot && !u.Guest && !u.Guest1 && u.TeamID == home {
			agents[id] = true
		}
	}
	return agents
}

// printReplay writes the report for a person.
func printReplay(w io.Writer, r *replayReport) {
	fmt.Fprintf(w, "Replay of %s: %d messages from %s to %s.\n", r.Export, r.Messages, r.From.Format("2 Jan 2006"), r.To.Format("2 Jan 2006"))
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped: %s\n", s)
	}
	// Nudges by channel, then agent.
	fmt.Fprintf(w, "\nNudges it would have sent: %d\n", len(r.Nudges))
	byPlace := map[string][]replayNudge{}
	var places []string
	for _, n := range r.Nudges {
		k := "#" + n.Channel + " · " + n.Agent
		if byPlace[k] == nil {
			places = append(places, k)
		}
		byPlace[k] = append(byPlace[k], n)
	}
	sort.Strings(places)
	for _, p := range places {
		fmt.Fprintf(w, "  %s (%d)\n", p, len(byPlace[p]))
		for _, n := range byPlace[p] {
			fmt.Fprintf(w, "    %s  %-19s %s\n", n.At.Format("2006-01-02 15:04"), n.Rule, quoteLine(n.Message))
		}
	}
	kept := 0
	for _, p := range r.Promises {
		if p.Outcome == string(coach.OnTime) {
			kept++
		}
	}
	fmt.Fprintf(w, "\nPromises made: %d, kept on time: %d\n", len(r.Promises), kept)
	for _, p := range r.Promises {
		fmt.Fprintf(w, "  #%s · %s · due %s · %s  %s\n", p.Channel, p.Agent, p.Due.UTC().Format("2006-01-02 15:04 UTC"), p.Outcome, quoteLine(p.Text))
	}
	fmt.Fprintf(w, "\nCustomers left waiting past WAIT_ACK: %d\n", len(r.Waits))
	for _, x := range r.Waits {
		fmt.Fprintf(w, "  #%s · %s · since %s  %s\n", x.Channel, x.Customer, x.Since.UTC().Format("2006-01-02 15:04 UTC"), quoteLine(x.Message))
	}
	fmt.Fprintf(w, "\nWeekly digests\n")
	for _, wk := range r.Weeks {
		names := make([]string, 0, len(wk.Themes))
		for t := range wk.Themes {
			names = append(names, t)
		}
		sort.Slice(names, func(i, j int) bool {
			if wk.Themes[names[i]] != wk.Themes[names[j]] {
				return wk.Themes[names[i]] > wk.Themes[names[j]]
			}
			return names[i] < names[j]
		})
		themes := make([]string, len(names))
		for i, t := range names {
			themes[i] = fmt.Sprintf("%s %d", t, wk.Themes[t])
		}
		nudges := 0
		for _, n := range wk.Nudges {
			nudges += n
		}
		fmt.Fprintf(w, "  %s: %d customer message%s, %d upset, %d kudos; %d nudge%s; promises kept on time %d, late %d, missed %d\n",
			wk.Week, wk.Messages, plural(wk.Messages), wk.Upset, wk.Kudos, nudges, plural(nudges), wk.OnTime, wk.Late, wk.Missed)
		if len(themes) > 0 {
			fmt.Fprintf(w, "    themes: %s\n", strings.Join(themes, ", "))
		}
	}
}

func quoteLine(s string) string {
	if s == "" {
		return ""
	}
	return "“" + oneLineText(s, 90) + "”"
}
