package main

import (
	"bufio"
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
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
	// Digests are what each subscriber would have read about the week: a lead first (the
	// team's figures and every kudos), then each agent with figures of their own.
	Digests []replayDigest `json:"digests"`

	themes map[string]*themeWeek
	kudos  []coach.Kudos
	team   figures
	agents map[string]*figures
}

// replayDigest is one subscriber's digest of a week, as lines of text.
type replayDigest struct {
	Reader string   `json:"reader"`
	Lines  []string `json:"lines"`
}

// themeWeek is one complaint theme's week.
type themeWeek struct {
	id       string
	count    int
	threads  map[string]bool
	examples []coach.Quote // the latest first
}

// figures are an agent's (or the team's) coaching week.
type figures struct {
	nudges               map[string]int
	onTime, late, missed int
	firstReplies, kudos  int
	waited               time.Duration
}

type replayReport struct {
	Export   string          `json:"export"`
	From     time.Time       `json:"from"`
	To       time.Time       `json:"to"`
	Messages int             `json:"messages"`
	Skipped  []string        `json:"skipped,omitempty"`
	People   []replayPerson  `json:"people"`
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
	cast     *cast
	names    namer
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
		r.weeks[w] = &replayWeek{Week: w, Themes: map[string]int{}, Nudges: map[string]int{},
			themes: map[string]*themeWeek{}, team: figures{nudges: map[string]int{}}, agents: map[string]*figures{}}
	}
	return r.weeks[w]
}

// agent returns an agent's figures of the week.
func (w *replayWeek) agent(id string) *figures {
	if w.agents[id] == nil {
		w.agents[id] = &figures{nudges: map[string]int{}}
	}
	return w.agents[id]
}

// role is a user's part in the conversations; bots take none.
func (r *replayer) role(id string) (coach.Role, bool) {
	role, ok := r.cast.roles[id]
	return role, ok
}

func (r *replayer) zone(id string) *time.Location {
	if z, err := time.LoadLocation(r.ex.users[id].TZ); err == nil && r.ex.users[id].TZ != "" {
		return z
	}
	return time.UTC
}

func (r *replayer) name(id string) string { return displayName(r.ex, id) }

func (r *replayer) channelName(id string) string {
	for _, c := range r.ex.channels {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// newReplayer prepares the replay of an export with its cast.
func newReplayer(c *coach.Coach, ex *export, cs *cast, team *time.Location) *replayer {
	r := &replayer{c: c, ex: ex, cast: cs, team: team, threads: map[string]coach.Thread{},
		texts: map[string]string{}, weeks: map[coach.Week]*replayWeek{}, promises: map[string]int{}}
	channels := map[string]string{}
	for _, ch := range ex.channels {
		channels[ch.ID] = ch.Name
	}
	r.names = namer{user: func(id string) string {
		if _, ok := ex.users[id]; ok {
			return displayName(ex, id)
		}
		return ""
	}, channel: func(id string) string { return channels[id] }}
	r.report.People = cs.people
	return r
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
				r.nudge(p.at, th.Channel, n.To, "(on duty)", "preemptive-ack", "", r.texts[th.Channel+"/"+n.Wait.TS])
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
	r.count(coach.TallyOf(before, after, ev, at, r.team, r.cast.isAgent))
	if p := after.Promise; p != nil {
		id := key + "|" + strconv.Itoa(p.Version)
		i, ok := r.promises[id]
		if !ok {
			r.report.Promises = append(r.report.Promises, replayPromise{Channel: r.channelName(after.Channel), Agent: r.name(p.Agent),
				Made: p.Made, Due: p.Due, Text: r.names.plain(p.Text)})
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
		for _, id := range t.Themes {
			w.Themes[id]++
			th := w.themes[id]
			if th == nil {
				th = &themeWeek{id: id, threads: map[string]bool{}}
				w.themes[id] = th
			}
			th.count++
			th.threads[t.Channel+"/"+t.Thread] = true
			if t.Example != nil {
				th.examples = append([]coach.Quote{*t.Example}, th.examples...)
			}
		}
		if t.Kudos != nil {
			w.Kudos++
			w.kudos = append(w.kudos, *t.Kudos)
			w.team.kudos++
			if t.Kudos.Agent != "" {
				w.agent(t.Kudos.Agent).kudos++
			}
		}
	}
	if t.Outcome != "" {
		for _, f := range []*figures{&w.team, w.agent(t.Promise)} {
			switch t.Outcome {
			case coach.OnTime:
				f.onTime++
			case coach.Late:
				f.late++
			case coach.Missed:
				f.missed++
			}
		}
		w.OnTime, w.Late, w.Missed = w.team.onTime, w.team.late, w.team.missed
	}
	if t.FirstReply != "" {
		for _, f := range []*figures{&w.team, w.agent(t.FirstReply)} {
			f.firstReplies++
			f.waited += t.Waited
		}
	}
}

// nudge records a nudge to an agent (to, or, when to is empty, to whoever label says).
func (r *replayer) nudge(at time.Time, channel, to, label, rule, cue, msg string) {
	agent := label
	if to != "" {
		agent = r.name(to)
	}
	r.report.Nudges = append(r.report.Nudges, replayNudge{At: at, Channel: r.channelName(channel), Agent: agent, Rule: rule, Cue: cue, Message: msg})
	w := r.week(coach.WeekOf(at, r.team))
	w.Nudges[rule]++
	w.team.nudges[rule]++
	if to != "" {
		w.agent(to).nudges[rule]++
	}
}

// run replays every message.
func (r *replayer) run(progress func(done, total int)) {
	total := len(r.ex.messages)
	for i, m := range r.ex.messages {
		if progress != nil && (i%500 == 0 || i == total-1) {
			progress(i+1, total)
		}
		if !m.coached() {
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
		r.texts[m.channel+"/"+m.TS] = oneLineText(r.names.plain(m.Text), 200)
		th, ok := r.threads[key]
		if !ok {
			th = coach.Thread{Channel: m.channel, TS: thread}
		}
		ev := coach.Event{Kind: coach.Posted, TS: m.TS, User: m.User, Role: role, Text: m.Text, At: m.at, Zone: r.zone(m.User)}
		next, nudges := r.c.Observe(th, ev)
		for _, n := range nudges {
			r.nudge(m.at, m.channel, n.To, "", n.Rule, n.Cue, r.texts[m.channel+"/"+m.TS])
		}
		// Nudges held for whoever takes the thread (nobody owns it yet): the export has no
		// claims, so they are reported as such.
		for _, n := range next.Pending {
			if n.About == m.TS {
				r.nudge(m.at, m.channel, "", "(whoever takes the thread)", n.Rule, n.Cue, r.texts[m.channel+"/"+m.TS])
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
			"rules as the bot, on the export's own clock, and prints who it took for agents and customers and\n"+
			"why, the nudges, promises and waits, and the weekly digest each subscriber would have read. The\n"+
			"export never leaves the machine.")
	format := fset.String("format", "text", "output `FORMAT`: text or json")
	agentsFlag := fset.String("agents", "", "`AGENTS`: user ids or names, comma-separated; everyone else is a customer (default: the full members\nof the export's own team; guests and Slack Connect members of other organisations are customers)")
	customersFlag := fset.String("customers", "", "`CUSTOMERS`: user ids or names of customers, comma-separated, for an export whose customers have\nfull accounts")
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
	cs, err := castOf(ex, *agentsFlag, *customersFlag)
	if err != nil {
		return fset.fail("%v", err)
	}
	r := newReplayer(c, ex, cs, team)
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
	r.finish()
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r.report)
	}
	w := bufio.NewWriter(stdout)
	printReplay(w, &r.report, cs)
	return w.Flush()
}

// finish orders the weeks and writes each one's digests.
func (r *replayer) finish() {
	for _, w := range r.weeks {
		r.report.Weeks = append(r.report.Weeks, *w)
	}
	sort.Slice(r.report.Weeks, func(i, j int) bool { return r.report.Weeks[i].Week < r.report.Weeks[j].Week })
	for i := range r.report.Weeks {
		var prev *replayWeek
		if i > 0 && r.report.Weeks[i-1].Week == r.report.Weeks[i].Week.Prev() {
			prev = &r.report.Weeks[i-1]
		}
		r.report.Weeks[i].Digests = r.digests(&r.report.Weeks[i], prev)
	}
}

// digests writes what each subscriber would have read about a week: a lead (the team's
// figures, every kudos, quotes from every channel), then each agent who has figures of their
// own that week (theirs only, their kudos, quotes from the channels they are in), as the
// bot's digest does.
func (r *replayer) digests(w, prev *replayWeek) []replayDigest {
	out := []replayDigest{{Reader: "a team lead", Lines: r.digest(w, prev, "", &w.team)}}
	ids := make([]string, 0, len(w.agents))
	for id := range w.agents {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return r.name(ids[i]) < r.name(ids[j]) })
	for _, id := range ids {
		out = append(out, replayDigest{Reader: r.name(id), Lines: r.digest(w, prev, id, w.agents[id])})
	}
	return out
}

// digest is one reader's digest of a week: agent is "" for a lead.
func (r *replayer) digest(w, prev *replayWeek, agent string, f *figures) []string {
	start := w.Week.Start(r.team)
	lines := []string{fmt.Sprintf("Weekly digest · %s – %s", start.Format("2 January"), start.AddDate(0, 0, 6).Format("2 January"))}
	if w.Messages == 0 && len(f.nudges) == 0 && f.onTime+f.late+f.missed == 0 {
		return append(lines, "A quiet week: no customer messages in the channels replayed.")
	}
	head := fmt.Sprintf("%d customer message%s, %d of them upset.", w.Messages, plural(w.Messages), w.Upset)
	if prev != nil && prev.Messages > 0 {
		head += fmt.Sprintf(" The week before: %d, %d upset.", prev.Messages, prev.Upset)
	}
	lines = append(lines, head)
	member := func(channel string) bool {
		if agent == "" {
			return true
		}
		for _, ch := range r.ex.channels {
			if ch.ID == channel {
				return len(ch.Members) == 0 || slices.Contains(ch.Members, agent)
			}
		}
		return true
	}
	themes := make([]*themeWeek, 0, len(w.themes))
	for _, t := range w.themes {
		themes = append(themes, t)
	}
	sort.Slice(themes, func(i, j int) bool {
		if themes[i].count != themes[j].count {
			return themes[i].count > themes[j].count
		}
		return themes[i].id < themes[j].id
	})
	if len(themes) > 0 {
		lines = append(lines, "What customers raised most:")
	}
	for i, t := range themes {
		if i == 5 {
			break
		}
		before := 0
		if prev != nil {
			before = prev.Themes[t.id]
		}
		lines = append(lines, fmt.Sprintf("  %s · %d (%s) · %d thread%s", coach.ThemeName(t.id), t.count, coach.Trend(t.count, before), len(t.threads), plural(len(t.threads))))
		shown := 0
		for _, e := range t.examples {
			if shown == 2 {
				break
			}
			if member(e.Channel) {
				lines = append(lines, "    "+quoteLine(r.names.plain(e.Text))+" in #"+r.channelName(e.Channel))
				shown++
			}
		}
	}
	var kudos []string
	for _, k := range w.kudos {
		if agent != "" && k.Agent != agent || !member(k.Channel) {
			continue
		}
		line := "  " + quoteLine(r.names.plain(k.Text))
		if k.Agent != "" {
			line += " for " + r.name(k.Agent)
		}
		kudos = append(kudos, line)
	}
	if len(kudos) > 0 {
		lines = append(append(lines, "What customers praised:"), kudos[:min(len(kudos), 5)]...)
	}
	whose := "Your coaching week:"
	if agent == "" {
		whose = "The team's coaching week:"
	}
	return append(append(lines, whose), f.lines()...)
}

// lines writes coaching figures as the digest does.
func (f *figures) lines() []string {
	rules := make([]string, 0, len(f.nudges))
	n := 0
	for rule, c := range f.nudges {
		rules = append(rules, rule)
		n += c
	}
	sort.Slice(rules, func(i, j int) bool {
		if f.nudges[rules[i]] != f.nudges[rules[j]] {
			return f.nudges[rules[i]] > f.nudges[rules[j]]
		}
		return rules[i] < rules[j]
	})
	var out []string
	if n == 0 {
		out = append(out, "  No nudges.")
	} else {
		parts := make([]string, len(rules))
		for i, rule := range rules {
			parts[i] = fmt.Sprintf("%s %d", rule, f.nudges[rule])
		}
		out = append(out, fmt.Sprintf("  %d nudge%s: %s", n, plural(n), strings.Join(parts, ", ")))
	}
	if p := f.onTime + f.late + f.missed; p > 0 {
		out = append(out, fmt.Sprintf("  Promises kept on time: %d of %d · %d late · %d missed", f.onTime, p, f.late, f.missed))
	}
	if f.firstReplies > 0 {
		out = append(out, fmt.Sprintf("  First reply to an upset customer: %s on average (%d thread%s)",
			coach.Minutes(f.waited/time.Duration(f.firstReplies)), f.firstReplies, plural(f.firstReplies)))
	}
	if f.kudos > 0 {
		out = append(out, fmt.Sprintf("  Kudos from customers: %d", f.kudos))
	}
	return out
}

// printReplay writes the report for a person.
func printReplay(w io.Writer, r *replayReport, cs *cast) {
	fmt.Fprintf(w, "Replay of %s: %d messages from %s to %s.\n", r.Export, r.Messages, r.From.Format("2 Jan 2006"), r.To.Format("2 Jan 2006"))
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped: %s\n", s)
	}
	printCast(w, cs)
	// Nudges by channel, then agent.
	fmt.Fprintf(w, "\nNudges it would have sent: %d\n", len(r.Nudges))
	if len(r.Nudges) == 0 && cs.count(coach.RoleCustomer) == 0 {
		fmt.Fprintf(w, "  None: with no customers there was nothing to coach (see \"Who is who\").\n")
	}
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
	fmt.Fprintf(w, "\nWeekly digests, as each subscriber would have read them\n")
	if len(r.Weeks) == 0 {
		fmt.Fprintf(w, "  None: the export holds no customer message (see \"Who is who\").\n")
	}
	for _, wk := range r.Weeks {
		fmt.Fprintf(w, "  %s\n", wk.Week)
		for _, d := range wk.Digests {
			fmt.Fprintf(w, "    to %s:\n", d.Reader)
			for _, l := range d.Lines {
				fmt.Fprintf(w, "      %s\n", l)
			}
		}
	}
}

func quoteLine(s string) string {
	if s == "" {
		return ""
	}
	return "“" + oneLineText(s, 90) + "”"
}
