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

	"github.com/deescalate/deescalate/coach"
)

// examplesPerTheme and kudosKept bound what a week keeps of customers' words.
const (
	examplesPerTheme = 2
	kudosKept        = 30
)

// Record adds a tally to its week in one round trip.
func (s *Store) Record(ctx context.Context, t coach.Tally) error {
	return s.RecordAll(ctx, []coach.Tally{t})
}

// RecordAll adds tallies to their weeks in one round trip. Every key of a week expires
// AggregateRetention after its last change.
func (s *Store) RecordAll(ctx context.Context, ts []coach.Tally) error {
	ts = slices.DeleteFunc(slices.Clone(ts), coach.Tally.Empty)
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

func (s *Store) record(ctx context.Context, pipe redis.Pipeliner, t coach.Tally) {
	w := t.Week
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
		team := touch(s.keys.weekTeam(w))
		if t.CustomerMessage {
			pipe.HIncrBy(ctx, team, "messages", 1)
			if t.Upset {
				pipe.HIncrBy(ctx, team, "upset", 1)
			}
			for _, th := range t.Themes {
				pipe.HIncrBy(ctx, touch(s.keys.weekThemes(w)), safe(th), 1)
				pipe.HIncrBy(ctx, touch(s.keys.weekThemeChannels(w, th)), t.Channel, 1)
				pipe.SAdd(ctx, touch(s.keys.weekThemeThreads(w, th)), listed(t.Channel, t.Thread))
				if t.Example != nil {
					b, _ := json.Marshal(t.Example)
					key := touch(s.keys.weekThemeQuotes(w, th))
					pipe.LPush(ctx, key, b)
					pipe.LTrim(ctx, key, 0, examplesPerTheme-1)
				}
			}
			if t.Kudos != nil {
				b, _ := json.Marshal(t.Kudos)
				key := touch(s.keys.weekKudos(w))
				pipe.LPush(ctx, key, b)
				pipe.LTrim(ctx, key, 0, kudosKept-1)
				pipe.HIncrBy(ctx, team, "kudos", 1)
				if t.Kudos.Agent != "" {
					pipe.HIncrBy(ctx, touch(s.keys.weekAgent(w, t.Kudos.Agent)), "kudos", 1)
					pipe.SAdd(ctx, touch(s.keys.weekAgents(w)), t.Kudos.Agent)
				}
			}
		}
		agent := func(id string) string {
			pipe.SAdd(ctx, touch(s.keys.weekAgents(w)), id)
			return touch(s.keys.weekAgent(w, id))
		}
		for id, rules := range t.Nudges {
			a := agent(id)
			for _, r := range rules {
				pipe.HIncrBy(ctx, a, "nudge:"+r, 1)
				pipe.HIncrBy(ctx, team, "nudge:"+r, 1)
			}
		}
		if t.Outcome != "" && t.Promise != "" {
			pipe.HIncrBy(ctx, agent(t.Promise), string(t.Outcome), 1)
			pipe.HIncrBy(ctx, team, string(t.Outcome), 1)
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
		case k == string(coach.OnTime):
			f.OnTime = int(n)
		case k == string(coach.Late):
			f.Late = int(n)
		case k == string(coach.Missed):
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
	Examples []coach.Quote
}

// Report is a week's figures as a digest reads them.
type Report struct {
	Week     coach.Week
	Messages int // customer messages
	Upset    int
	Themes   []ThemeCount  // most frequent first
	Kudos    []coach.Kudos // newest first
	Team     Figures
	Agents   map[string]Figures
}

// WeekReport reads a week's figures.
func (s *Store) WeekReport(ctx context.Context, w coach.Week) (Report, error) {
	r := Report{Week: w, Agents: map[string]Figures{}}
	var team, themes *redis.MapStringStringCmd
	var kudos *redis.StringSliceCmd
	var agents *redis.StringSliceCmd
	err := s.pipelined(ctx, func(pipe redis.Pipeliner) {
		team = pipe.HGetAll(ctx, s.keys.weekTeam(w))
		themes = pipe.HGetAll(ctx, s.keys.weekThemes(w))
		kudos = pipe.LRange(ctx, s.keys.weekKudos(w), 0, -1)
		agents = pipe.SMembers(ctx, s.keys.weekAgents(w))
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return r, fmt.Errorf("read week %s: %w", w, err)
	}
	r.Team = figures(team.Val())
	r.Messages, r.Upset = r.Team.Fields["messages"], r.Team.Fields["upset"]
	for _, raw := range kudos.Val() {
		var k coach.Kudos
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
				ch:      pipe.HGetAll(ctx, s.keys.weekThemeChannels(w, th)),
				threads: pipe.SCard(ctx, s.keys.weekThemeThreads(w, th)),
				ex:      pipe.LRange(ctx, s.keys.weekThemeQuotes(w, th), 0, -1),
			}
		}
		for _, a := range agents.Val() {
			agentCmds[a] = pipe.HGetAll(ctx, s.keys.weekAgent(w, a))
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
			var e coach.Quote
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

// ScheduleDigest sets a user's next digest; the scheduler's claim makes it go out once.
func (s *Store) ScheduleDigest(ctx context.Context, user, name string, at time.Time) error {
	return s.rdb.ZAdd(ctx, s.keys.due(), redis.Z{Score: float64(at.UnixMilli()), Member: member(name, digestChannel, user)}).Err()
}

// SetQuiet sets an agent's quiet hours ("18:00-08:00"; "" for none).
func (s *Store) SetQuiet(ctx context.Context, user, quiet string) error {
	if quiet == "" {
		return s.rdb.HDel(ctx, s.keys.settings(user), "quiet").Err()
	}
	return s.rdb.HSet(ctx, s.keys.settings(user), "quiet", quiet).Err()
}

// UnhelpfulVotes are an agent's "not helpful" votes in a week, by rule.
func (s *Store) UnhelpfulVotes(ctx context.Context, w coach.Week, agent string) (map[string]int, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.weekAgent(w, agent)).Result()
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
