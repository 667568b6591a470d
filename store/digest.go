package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Week names an ISO week, "2026-W11".
type Week string

// WeekOf is the ISO week t falls in, in zone.
func WeekOf(t time.Time, zone *time.Location) Week {
	if zone == nil {
		zone = time.UTC
	}
	y, w := t.In(zone).ISOWeek()
	return Week(fmt.Sprintf("%04d-W%02d", y, w))
}

// Start is the Monday 00:00 that begins the week, in zone.
func (w Week) Start(zone *time.Location) time.Time {
	if zone == nil {
		zone = time.UTC
	}
	y, _ := strconv.Atoi(string(w[:4]))
	n, _ := strconv.Atoi(string(w[6:]))
	// 4 January is always in week 1.
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, zone)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(n-1))
}

// Prev is the week before.
func (w Week) Prev() Week { return WeekOf(w.Start(time.UTC).AddDate(0, 0, -7), time.UTC) }

// Example is a customer's words (redacted and shortened) and where they were written.
type Example struct {
	Text    string `json:"x"`
	Channel string `json:"c"`
	TS      string `json:"ts"`
}

// Kudos is praise from a customer, and the agent it was for ("" when nobody in particular).
type Kudos struct {
	Agent string `json:"a,omitempty"`
	Example
}

// Tally is what one event adds to its week's figures.
type Tally struct {
	Week    Week
	Channel string
	Thread  string
	// A customer message: counted, with its themes and an example of each.
	CustomerMessage bool
	Upset           bool
	Themes          []string
	Example         *Example
	Kudos           *Kudos
	// Per agent.
	Nudges     map[string][]string // agent -> rules nudged
	Promise    string              // the agent whose promise settled
	Outcome    string              // "on_time", "late" or "missed"
	FirstReply string              // the agent who first answered an upset customer
	Waited     time.Duration       // how long that customer waited
	Feedback   string              // the agent who rated a nudge
	Helpful    *bool
	FeedRule   string
}

// Empty reports a tally that adds nothing.
func (t Tally) Empty() bool {
	return !t.CustomerMessage && len(t.Nudges) == 0 && t.Outcome == "" && t.FirstReply == "" && t.Helpful == nil
}

// examplesPerTheme and kudosKept bound what a week keeps of customers' words.
const (
	examplesPerTheme = 2
	kudosKept        = 30
)

func (k keys) week(w Week) string { return k.prefix + ":wk:" + string(w) }

// Record adds a tally to its week in one round trip.
func (s *Store) Record(ctx context.Context, t Tally) error { return s.RecordAll(ctx, []Tally{t}) }

// RecordAll adds tallies to their weeks in one round trip. Every key of a week expires
// AggregateRetention after its last change.
func (s *Store) RecordAll(ctx context.Context, ts []Tally) error {
	ts = slices.DeleteFunc(slices.Clone(ts), Tally.Empty)
	if len(ts) == 0 {
		return nil
	}
	err := s.pipelined(ctx, func(pipe redis.Pipeliner) {
		for _, t := range ts {
			s.record(ctx, pipe, t)
		}
	})
	if err != nil {
		return fmt.Errorf("record %d tallies: %w", len(ts), err)
	}
	return nil
}

func (s *Store) record(ctx context.Context, pipe redis.Pipeliner, t Tally) {
	base := s.keys.week(t.Week)
	ttl := s.opts.AggregateRetention
	var touched []string
	touch := func(key string) string {
		if !slices.Contains(touched, key) {
			touched = append(touched, key)
		}
		return key
	}
	func() {
		defer func() {
			for _, key := range touched {
				pipe.PExpire(ctx, key, ttl)
			}
		}()
		team := touch(base + ":team")
		if t.CustomerMessage {
			pipe.HIncrBy(ctx, team, "messages", 1)
			if t.Upset {
				pipe.HIncrBy(ctx, team, "upset", 1)
			}
			for _, th := range t.Themes {
				th = safe(th)
				pipe.HIncrBy(ctx, touch(base+":themes"), th, 1)
				pipe.HIncrBy(ctx, touch(base+":theme:"+th+":ch"), t.Channel, 1)
				pipe.SAdd(ctx, touch(base+":theme:"+th+":threads"), listed(t.Channel, t.Thread))
				if t.Example != nil {
					b, _ := json.Marshal(t.Example)
					key := touch(base + ":theme:" + th + ":ex")
					pipe.LPush(ctx, key, b)
					pipe.LTrim(ctx, key, 0, examplesPerTheme-1)
				}
			}
			if t.Kudos != nil {
				b, _ := json.Marshal(t.Kudos)
				key := touch(base + ":kudos")
				pipe.LPush(ctx, key, b)
				pipe.LTrim(ctx, key, 0, kudosKept-1)
				pipe.HIncrBy(ctx, team, "kudos", 1)
				if t.Kudos.Agent != "" {
					pipe.HIncrBy(ctx, touch(base+":agent:"+safe(t.Kudos.Agent)), "kudos", 1)
					pipe.SAdd(ctx, touch(base+":agents"), t.Kudos.Agent)
				}
			}
		}
		agent := func(id string) string {
			pipe.SAdd(ctx, touch(base+":agents"), id)
			return touch(base + ":agent:" + safe(id))
		}
		for id, rules := range t.Nudges {
			a := agent(id)
			for _, r := range rules {
				pipe.HIncrBy(ctx, a, "nudge:"+r, 1)
				pipe.HIncrBy(ctx, team, "nudge:"+r, 1)
			}
		}
		if t.Outcome != "" && t.Promise != "" {
			pipe.HIncrBy(ctx, agent(t.Promise), t.Outcome, 1)
			pipe.HIncrBy(ctx, team, t.Outcome, 1)
		}
		if t.FirstReply != "" {
			a := agent(t.FirstReply)
			ms := t.Waited.Milliseconds()
			pipe.HIncrBy(ctx, a, "frt_ms", ms)
			pipe.HIncrBy(ctx, a, "frt_n", 1)
			pipe.HIncrBy(ctx, team, "frt_ms", ms)
			pipe.HIncrBy(ctx, team, "frt_n", 1)
		}
		if t.Helpful != nil && t.Feedback != "" {
			field := "unhelpful"
			if *t.Helpful {
				field = "helpful"
			}
			a := agent(t.Feedback)
			pipe.HIncrBy(ctx, a, field, 1)
			pipe.HIncrBy(ctx, team, field, 1)
			if t.FeedRule != "" {
				pipe.HIncrBy(ctx, a, field+":"+t.FeedRule, 1)
				pipe.HIncrBy(ctx, team, field+":"+t.FeedRule, 1)
			}
		}
	}()
}

// Figures are one agent's (or the team's) coaching figures for a week.
type Figures struct {
	Nudges       map[string]int // by rule
	Helpful      int
	Unhelpful    int
	OnTime       int // promises kept on time
	Late         int
	Missed       int
	Kudos        int
	FirstReplies int           // upset threads answered
	FirstReply   time.Duration // average wait for that answer
	Fields       map[string]int
}

// NudgeCount is the week's nudges, all rules.
func (f Figures) NudgeCount() int {
	n := 0
	for _, c := range f.Nudges {
		n += c
	}
	return n
}

// Promises is how many promises settled.
func (f Figures) Promises() int { return f.OnTime + f.Late + f.Missed }

func figures(h map[string]string) Figures {
	f := Figures{Nudges: map[string]int{}, Fields: map[string]int{}}
	var frt int64
	for k, v := range h {
		n, _ := strconv.ParseInt(v, 10, 64)
		f.Fields[k] = int(n)
		switch {
		case strings.HasPrefix(k, "nudge:"):
			f.Nudges[k[len("nudge:"):]] = int(n)
		case k == "helpful":
			f.Helpful = int(n)
		case k == "unhelpful":
			f.Unhelpful = int(n)
		case k == "on_time":
			f.OnTime = int(n)
		case k == "late":
			f.Late = int(n)
		case k == "missed":
			f.Missed = int(n)
		case k == "kudos":
			f.Kudos = int(n)
		case k == "frt_ms":
			frt = n
		case k == "frt_n":
			f.FirstReplies = int(n)
		}
	}
	if f.FirstReplies > 0 {
		f.FirstReply = time.Duration(frt/int64(f.FirstReplies)) * time.Millisecond
	}
	return f
}

// ThemeCount is one complaint theme's week.
type ThemeCount struct {
	Theme    string
	Count    int
	Threads  int
	Channels map[string]int
	Examples []Example
}

// Report is a week's figures as a digest reads them.
type Report struct {
	Week     Week
	Messages int // customer messages
	Upset    int
	Themes   []ThemeCount // most frequent first
	Kudos    []Kudos      // newest first
	Team     Figures
	Agents   map[string]Figures
}

// WeekReport reads a week's figures.
func (s *Store) WeekReport(ctx context.Context, w Week) (Report, error) {
	base := s.keys.week(w)
	r := Report{Week: w, Agents: map[string]Figures{}}
	var team, themes *redis.MapStringStringCmd
	var kudos *redis.StringSliceCmd
	var agents *redis.StringSliceCmd
	err := s.pipelined(ctx, func(pipe redis.Pipeliner) {
		team = pipe.HGetAll(ctx, base+":team")
		themes = pipe.HGetAll(ctx, base+":themes")
		kudos = pipe.LRange(ctx, base+":kudos", 0, -1)
		agents = pipe.SMembers(ctx, base+":agents")
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return r, fmt.Errorf("read week %s: %w", w, err)
	}
	r.Team = figures(team.Val())
	r.Messages, r.Upset = r.Team.Fields["messages"], r.Team.Fields["upset"]
	for _, raw := range kudos.Val() {
		var k Kudos
		if json.Unmarshal([]byte(raw), &k) == nil {
			r.Kudos = append(r.Kudos, k)
		}
	}
	type perTheme struct {
		ch      *redis.MapStringStringCmd
		threads *redis.IntCmd
		ex      *redis.StringSliceCmd
	}
	cmds := map[string]*perTheme{}
	agentCmds := map[string]*redis.MapStringStringCmd{}
	err = s.pipelined(ctx, func(pipe redis.Pipeliner) {
		for th := range themes.Val() {
			cmds[th] = &perTheme{
				ch:      pipe.HGetAll(ctx, base+":theme:"+th+":ch"),
				threads: pipe.SCard(ctx, base+":theme:"+th+":threads"),
				ex:      pipe.LRange(ctx, base+":theme:"+th+":ex", 0, -1),
			}
		}
		for _, a := range agents.Val() {
			agentCmds[a] = pipe.HGetAll(ctx, base+":agent:"+safe(a))
		}
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return r, fmt.Errorf("read week %s: %w", w, err)
	}
	for th, v := range themes.Val() {
		n, _ := strconv.Atoi(v)
		tc := ThemeCount{Theme: th, Count: n, Channels: map[string]int{}, Threads: int(cmds[th].threads.Val())}
		for ch, c := range cmds[th].ch.Val() {
			tc.Channels[ch], _ = strconv.Atoi(c)
		}
		for _, raw := range cmds[th].ex.Val() {
			var e Example
			if json.Unmarshal([]byte(raw), &e) == nil {
				tc.Examples = append(tc.Examples, e)
			}
		}
		r.Themes = append(r.Themes, tc)
	}
	sort.Slice(r.Themes, func(i, j int) bool {
		if r.Themes[i].Count != r.Themes[j].Count {
			return r.Themes[i].Count > r.Themes[j].Count
		}
		return r.Themes[i].Theme < r.Themes[j].Theme
	})
	for a, cmd := range agentCmds {
		r.Agents[a] = figures(cmd.Val())
	}
	return r, nil
}

// Settings are an agent's choices: the digest, muted rules, a snooze of all coaching.
type Settings struct {
	Digest bool
	OptOut bool // said no to the digest (a lead is then not subscribed again automatically)
	Muted  []string
	Snooze time.Time // no nudges until then
	Quiet  string    // quiet hours in the agent's zone, "18:00-08:00", or ""
}

// Silenced reports whether a rule is muted, or all coaching snoozed, at now.
func (st Settings) Silenced(rule string, now time.Time) bool {
	return now.Before(st.Snooze) || slices.Contains(st.Muted, rule)
}

func (k keys) settings(user string) string { return k.prefix + ":user:" + safe(user) + ":settings" }
func (k keys) digestSubs() string          { return k.prefix + ":digest:subs" }

// SettingsOf reads an agent's settings.
func (s *Store) SettingsOf(ctx context.Context, user string) (Settings, error) {
	var h *redis.MapStringStringCmd
	var sub *redis.BoolCmd
	err := s.pipelined(ctx, func(pipe redis.Pipeliner) {
		h = pipe.HGetAll(ctx, s.keys.settings(user))
		sub = pipe.SIsMember(ctx, s.keys.digestSubs(), user)
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return Settings{}, fmt.Errorf("read settings of %s: %w", user, err)
	}
	st := Settings{Digest: sub.Val(), OptOut: h.Val()["optout"] == "1"}
	for k, v := range h.Val() {
		switch {
		case strings.HasPrefix(k, "mute:") && v == "1":
			st.Muted = append(st.Muted, k[len("mute:"):])
		case k == "quiet":
			st.Quiet = v
		case k == "snooze":
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
				st.Snooze = time.UnixMilli(ms)
			}
		}
	}
	sort.Strings(st.Muted)
	return st, nil
}

// SetMute mutes or unmutes a rule for an agent.
func (s *Store) SetMute(ctx context.Context, user, rule string, muted bool) error {
	if muted {
		return s.rdb.HSet(ctx, s.keys.settings(user), "mute:"+rule, "1").Err()
	}
	return s.rdb.HDel(ctx, s.keys.settings(user), "mute:"+rule).Err()
}

// SetSnooze silences an agent's coaching until a time (zero: not at all).
func (s *Store) SetSnooze(ctx context.Context, user string, until time.Time) error {
	if until.IsZero() {
		return s.rdb.HDel(ctx, s.keys.settings(user), "snooze").Err()
	}
	return s.rdb.HSet(ctx, s.keys.settings(user), "snooze", until.UnixMilli()).Err()
}

// Subscribe puts a user on the digest (and clears an opt-out) or takes them off it (and
// records the opt-out, so automatic subscription of leads respects it).
func (s *Store) Subscribe(ctx context.Context, user string, on bool) error {
	return s.pipelined(ctx, func(pipe redis.Pipeliner) {
		if on {
			pipe.SAdd(ctx, s.keys.digestSubs(), user)
			pipe.HDel(ctx, s.keys.settings(user), "optout")
		} else {
			pipe.SRem(ctx, s.keys.digestSubs(), user)
			pipe.HSet(ctx, s.keys.settings(user), "optout", "1")
		}
	})
}

// Subscribed reports whether a user gets the digest.
func (s *Store) Subscribed(ctx context.Context, user string) (bool, error) {
	return s.rdb.SIsMember(ctx, s.keys.digestSubs(), user).Result()
}

// DigestChannel stands in for a channel in the schedule member of a digest timer; the user
// stands in for the thread.
const DigestChannel = "DIGEST"

// ScheduleDigest sets a user's next digest; the scheduler's claim makes it go out once.
func (s *Store) ScheduleDigest(ctx context.Context, user, name string, at time.Time) error {
	return s.rdb.ZAdd(ctx, s.keys.due(), redis.Z{Score: float64(at.UnixMilli()), Member: member(name, DigestChannel, user)}).Err()
}

// Throttle reports whether an agent may get a rule's nudge now, at most once per d.
func (s *Store) Throttle(ctx context.Context, agent, rule string, d time.Duration) (bool, error) {
	return s.rdb.SetNX(ctx, s.keys.prefix+":throttle:"+safe(agent)+":"+safe(rule), 1, d).Result()
}

// spendScript takes one nudge from an agent's budget for the hour when fewer than the
// limit were spent: KEYS[1] the hour's counter; ARGV limit, ttl (ms).
var spendScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  return 0
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// Spend takes one nudge from an agent's budget for the clock hour of now, unless limit
// nudges went out already that hour.
func (s *Store) Spend(ctx context.Context, agent string, now time.Time, limit int) (bool, error) {
	key := s.keys.prefix + ":budget:" + safe(agent) + ":" + strconv.FormatInt(now.Unix()/3600, 10)
	n, err := spendScript.Run(ctx, s.rdb, []string{key}, limit, (2 * time.Hour).Milliseconds()).Int()
	if err != nil {
		return true, fmt.Errorf("spend budget of %s: %w", agent, err)
	}
	return n == 1, nil
}

// SetQuiet sets an agent's quiet hours ("18:00-08:00"; "" for none).
func (s *Store) SetQuiet(ctx context.Context, user, quiet string) error {
	if quiet == "" {
		return s.rdb.HDel(ctx, s.keys.settings(user), "quiet").Err()
	}
	return s.rdb.HSet(ctx, s.keys.settings(user), "quiet", quiet).Err()
}

// UnhelpfulVotes are an agent's "not helpful" votes in a week, by rule.
func (s *Store) UnhelpfulVotes(ctx context.Context, w Week, agent string) (map[string]int, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.week(w)+":agent:"+safe(agent)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	out := map[string]int{}
	for k, v := range h {
		if rule, ok := strings.CutPrefix(k, "unhelpful:"); ok {
			out[rule], _ = strconv.Atoi(v)
		}
	}
	return out, nil
}
