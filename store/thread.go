package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/deescalate/deescalate/coach"
)

// EventTTL is how long a handled event id is remembered. Slack's last retry comes about five
// minutes after the first delivery; an hour leaves room for a long reconnect.
const EventTTL = time.Hour

// ClaimTTL is how long an event stays claimed by the replica handling it before it is
// committed: long enough for any handler (EVENT_TIMEOUT is at most 5 minutes), short enough
// that an event whose handler died is handled again when Slack redelivers it.
const ClaimTTL = 6 * time.Minute

// beginScript claims an event for this replica and loads its thread, in one round trip. The
// claim is short (ClaimTTL); commitScript makes it last EventTTL once the event is handled.
//
//	KEYS[1]  the event key (threadEvent), KEYS[2] the thread key
//	ARGV[1]  "1" to de-duplicate on KEYS[1], "0" to only load
//	ARGV[2]  how long the claim lasts, in ms
//	returns  {1} when the event was handled before, else {0, version, state JSON or ""}
var beginScript = redis.NewScript(`
if ARGV[1] == '1' and not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then
  return {1}
end
local r = redis.call('HMGET', KEYS[2], 'v', 's')
return {0, r[1] or '0', r[2] or ''}
`)

// admitLua decides whether one nudge may go out and, when it may, claims what it takes: its
// cooldown (when it has one), its unhelpful hold and its place in the agent's hourly budget.
// A held nudge claims nothing. Verdicts: 1 admitted, 0 cooling down, 2 held after "not
// helpful" votes, 3 over the hourly budget.
const admitLua = `
local function admit(cd, th, bk, now, cdms, hold, limit, thms, bms)
  if cd and tonumber(redis.call('GET', cd) or '0') > now then return 0 end
  if hold == '1' and redis.call('EXISTS', th) == 1 then return 2 end
  if limit > 0 and tonumber(redis.call('GET', bk) or '0') >= limit then return 3 end
  if cd then redis.call('SET', cd, now + cdms, 'PX', cdms) end
  if hold == '1' then redis.call('SET', th, '1', 'PX', thms) end
  if limit > 0 then
    redis.call('INCR', bk)
    redis.call('PEXPIRE', bk, bms)
  end
  return 1
end
`

// commitScript saves a thread if nobody saved it since it was loaded, marks its event as
// handled, and admits the nudges about to be sent (admitLua), atomically: a nudge the budget
// or an unhelpful hold keeps back claims no cooldown, and one whose cooldown runs spends no
// budget.
//
//	KEYS[1]     the thread key; KEYS[2] the event key (a claim made by beginScript, if any);
//	            then three per nudge: its cooldown, its throttle and its agent's budget key
//	ARGV[1]     the version the caller loaded ("0" for a new thread)
//	ARGV[2]     the new state JSON
//	ARGV[3]     the thread's time to live, in ms
//	ARGV[4]     now, in ms since the epoch (the caller's clock, so a simulation can run ahead)
//	ARGV[5]     the cooldown, in ms
//	ARGV[6]     how long to remember the handled event, in ms
//	ARGV[7]     how long an unhelpful hold lasts, in ms; ARGV[8] how long a budget counter lives, in ms
//	ARGV[9..]   two per nudge: "1" when it is held to one a day, and its budget limit (0: none)
//	returns     -1 on a version conflict (nothing written), else one verdict per nudge
var commitScript = redis.NewScript(admitLua + `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return -1
end
redis.call('HSET', KEYS[1], 'v', v + 1, 's', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
local now, cdms, thms, bms = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[7]), tonumber(ARGV[8])
local verdicts = {}
for i = 0, (#KEYS - 2) / 3 - 1 do
  local k, a = 3 + 3 * i, 9 + 2 * i
  verdicts[#verdicts + 1] = admit(KEYS[k], KEYS[k + 1], KEYS[k + 2], now, cdms, ARGV[a], tonumber(ARGV[a + 1]), thms, bms)
end
return verdicts
`)

// admitScript admits nudges that have no cooldown (a waiting customer's, sent by a timer).
//
//	KEYS     two per nudge: its throttle and its agent's budget key
//	ARGV[1]  now (ms); ARGV[2] how long an unhelpful hold lasts (ms); ARGV[3] how long a
//	         budget counter lives (ms); ARGV[4..] two per nudge, as commitScript's
//	returns  one verdict per nudge
var admitScript = redis.NewScript(admitLua + `
local now, thms, bms = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local verdicts = {}
for i = 0, #KEYS / 2 - 1 do
  local k, a = 1 + 2 * i, 4 + 2 * i
  verdicts[#verdicts + 1] = admit(nil, KEYS[k], KEYS[k + 1], now, 0, ARGV[a], tonumber(ARGV[a + 1]), thms, bms)
end
return verdicts
`)

// Ask is a nudge asking to go out, with the holds that apply to it.
type Ask struct {
	Nudge coach.Nudge // To and Rule name its cooldown
	// Hold keeps the rule to one nudge a day for this agent (ThrottleFor), after "not helpful".
	Hold bool
	// Budget is the most nudges the agent may get in this clock hour, this one included (0:
	// no limit).
	Budget int
}

// Verdict is what became of an Ask.
type Verdict uint8

const (
	Cooling    Verdict = iota // the rule nudged this agent in this thread within the cooldown
	Admitted                  // it may go out: its cooldown, hold and budget are claimed
	Throttled                 // held to one a day, and that one went out
	OverBudget                // the agent's hourly budget is spent
)

// ThrottleFor is how long an unhelpful hold keeps a rule quiet for an agent.
const ThrottleFor = 24 * time.Hour

// budgetTTL is how long an hour's budget counter lives.
const budgetTTL = 2 * time.Hour

// askArgs are an ask's arguments to a script.
func askArgs(a Ask) []any {
	hold := "0"
	if a.Hold {
		hold = "1"
	}
	return []any{hold, max(a.Budget, 0)}
}

func verdicts(res any, n int) ([]Verdict, error) {
	list, _ := res.([]any)
	if len(list) != n {
		return nil, fmt.Errorf("%d verdicts for %d nudges", len(list), n)
	}
	out := make([]Verdict, n)
	for i, v := range list {
		x, _ := v.(int64)
		out[i] = Verdict(x)
	}
	return out, nil
}

// Admit decides nudges that have no cooldown (a waiting customer's), claiming their holds and
// budget, in one round trip.
func (s *Store) Admit(ctx context.Context, now time.Time, asks []Ask) ([]Verdict, error) {
	if len(asks) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, 2*len(asks))
	args := []any{now.UnixMilli(), ThrottleFor.Milliseconds(), budgetTTL.Milliseconds()}
	for _, a := range asks {
		keys = append(keys, s.keys.throttle(a.Nudge.To, a.Nudge.Rule), s.keys.budget(a.Nudge.To, now))
		args = append(args, askArgs(a)...)
	}
	res, err := admitScript.Run(ctx, s.rdb, keys, args...).Result()
	if err != nil {
		return nil, fmt.Errorf("admit %d nudges: %w", len(asks), err)
	}
	return verdicts(res, len(asks))
}

// Snapshot is a thread as loaded by Begin or Load.
type Snapshot struct {
	Duplicate bool // the event was handled before; nothing else is set
	Thread    coach.Thread
	Version   int64
	User      *User // the author's cached profile, nil when not cached
	// Damaged reports a stored state that could not be read (corrupt, or from an incompatible
	// version): Thread starts afresh and the next commit replaces it.
	Damaged bool
}

// Begin de-duplicates a message event, loads its thread and the author's cached profile in one
// round trip. An empty eventID skips de-duplication.
func (s *Store) Begin(ctx context.Context, eventID, channel, threadTS, userID string) (Snapshot, error) {
	dedup := "1"
	if eventID == "" {
		dedup = "0"
	}
	keys := []string{s.keys.threadEvent(channel, threadTS, eventID), s.keys.thread(channel, threadTS)}
	var begin *redis.Cmd
	var user *redis.StringCmd
	err := s.pipelined(ctx, func(pipe redis.Pipeliner) {
		begin = beginScript.EvalSha(ctx, pipe, keys, dedup, ClaimTTL.Milliseconds())
		if userID != "" {
			user = pipe.Get(ctx, s.keys.user(userID))
		}
	})
	if err != nil {
		return Snapshot{}, fmt.Errorf("begin %s/%s: %w", channel, threadTS, err)
	}
	snap, err := decodeBegin(channel, threadTS, begin)
	if err != nil || snap.Duplicate {
		return snap, err
	}
	if user != nil {
		u, err := decodeUser(user)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Snapshot{}, err
		}
		snap.User = u
	}
	return snap, nil
}

// Load reads a thread without de-duplication, for a retry after a conflict.
func (s *Store) Load(ctx context.Context, channel, threadTS string) (Snapshot, error) {
	keys := []string{s.keys.threadEvent(channel, threadTS, ""), s.keys.thread(channel, threadTS)}
	res := beginScript.Run(ctx, s.rdb, keys, "0", 0)
	if res.Err() != nil {
		return Snapshot{}, fmt.Errorf("load thread %s/%s: %w", channel, threadTS, res.Err())
	}
	return decodeBegin(channel, threadTS, res)
}

// pipelined builds a pipeline with fill and sends it in one round trip. Scripts go by SHA;
// when Redis has lost its script cache (a restart or a failover) the scripts are loaded and
// the pipeline is built and sent again. It returns the first error that is not redis.Nil;
// callers read each command's own result.
func (s *Store) pipelined(ctx context.Context, fill func(redis.Pipeliner)) error {
	for attempt := 0; ; attempt++ {
		pipe := s.rdb.Pipeline()
		fill(pipe)
		cmds, err := pipe.Exec(ctx)
		if err == nil || errors.Is(err, redis.Nil) {
			err = nil
		}
		noscript := false
		for _, c := range cmds {
			if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
				noscript = true
			} else if c.Err() != nil && !errors.Is(c.Err(), redis.Nil) {
				return c.Err()
			}
		}
		if !noscript {
			return err
		}
		if attempt > 0 {
			return errors.New("redis keeps losing its scripts")
		}
		if err := s.loadScripts(ctx); err != nil {
			return err
		}
	}
}

// scripts lists every script, for loading after Redis forgot them.
var scripts = []*redis.Script{beginScript, commitScript, admitScript, claimScript, retryScript}

func (s *Store) loadScripts(ctx context.Context) error {
	for _, sc := range scripts {
		if err := sc.Load(ctx, s.rdb).Err(); err != nil {
			return fmt.Errorf("load redis scripts: %w", err)
		}
	}
	return nil
}

func decodeBegin(channel, threadTS string, cmd *redis.Cmd) (Snapshot, error) {
	vals, err := cmd.Slice()
	if err != nil {
		return Snapshot{}, fmt.Errorf("load thread %s/%s: %w", channel, threadTS, err)
	}
	if len(vals) == 0 {
		return Snapshot{}, fmt.Errorf("load thread %s/%s: empty reply", channel, threadTS)
	}
	if n, _ := vals[0].(int64); n == 1 {
		return Snapshot{Duplicate: true}, nil
	}
	if len(vals) != 3 {
		return Snapshot{}, fmt.Errorf("load thread %s/%s: reply of %d values", channel, threadTS, len(vals))
	}
	ver, _ := strconv.ParseInt(fmt.Sprint(vals[1]), 10, 64)
	snap := Snapshot{Version: ver, Thread: coach.Thread{Channel: channel, TS: threadTS}}
	if state, _ := vals[2].(string); state != "" {
		if err := json.Unmarshal([]byte(state), &snap.Thread); err != nil {
			snap.Thread, snap.Damaged = coach.Thread{Channel: channel, TS: threadTS}, true
		}
	}
	return snap, nil
}

// Commit is what one change does: the new thread state, the nudges asking to go out, and
// the bookkeeping that rides along in the same round trip.
type Commit struct {
	Thread   coach.Thread
	EventID  string // the event being handled, as passed to Begin ("" for none)
	Version  int64  // as loaded
	Asks     []Ask  // each claims the cooldown of (To, thread, Rule) when admitted
	Cooldown time.Duration
	Now      time.Time
	// Messages are message timestamps of this thread to remember (for reactions on replies).
	Messages []string
	// User is a freshly fetched profile to cache.
	User *User
	// Schedule carries the thread's timer changes: its additions ride in the same round
	// trip; after a successful commit, the caller applies its removals with Unschedule.
	Schedule *Schedule
}

// Commit saves a thread and admits its nudges atomically, in one round trip. It returns a
// verdict for each ask; ErrConflict means another event changed the thread since it was
// loaded and nothing was saved.
func (s *Store) Commit(ctx context.Context, c Commit) ([]Verdict, error) {
	if s.crossSlot && slices.ContainsFunc(c.Asks, func(a Ask) bool { return a.Hold || a.Budget > 0 }) {
		return s.commitApart(ctx, c)
	}
	return s.commit(ctx, c)
}

// commit is Commit's one round trip. An ask's hold and budget keys go into the script only
// when they are used: on a Redis Cluster (commitApart) they are in another slot, and the
// cooldown key stands in for them.
func (s *Store) commit(ctx context.Context, c Commit) ([]Verdict, error) {
	t := c.Thread
	state, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("encode thread %s/%s: %w", t.Channel, t.TS, err)
	}
	keys := []string{s.keys.thread(t.Channel, t.TS), s.keys.threadEvent(t.Channel, t.TS, c.EventID)}
	args := []any{c.Version, state, s.opts.Retention.Milliseconds(), c.Now.UnixMilli(),
		max(c.Cooldown, time.Millisecond).Milliseconds(), EventTTL.Milliseconds(), ThrottleFor.Milliseconds(), budgetTTL.Milliseconds()}
	for _, a := range c.Asks {
		n := a.Nudge
		cd, th, bk := s.keys.cooldown(t.Channel, t.TS, n.To, n.Rule), s.keys.throttle(n.To, n.Rule), s.keys.budget(n.To, c.Now)
		if !a.Hold && a.Budget <= 0 {
			th, bk = cd, cd // not used
		}
		keys = append(keys, cd, th, bk)
		args = append(args, askArgs(a)...)
	}
	var commit *redis.Cmd
	err = s.pipelined(ctx, func(pipe redis.Pipeliner) {
		commit = commitScript.EvalSha(ctx, pipe, keys, args...)
		for _, ts := range c.Messages {
			pipe.Set(ctx, s.keys.message(t.Channel, ts), t.TS, s.opts.Retention)
		}
		if c.User != nil {
			if b, err := json.Marshal(c.User); err == nil {
				pipe.Set(ctx, s.keys.user(c.User.ID), b, s.opts.UserTTL)
			}
		}
		s.scheduleAdds(ctx, pipe, t.Channel, t.TS, c.Schedule)
		if at, ok := newestUpset(t); ok && t.Owner != "" {
			key := s.keys.agentUpset(t.Owner)
			pipe.ZAdd(ctx, key, redis.Z{Score: float64(at.UnixMilli()), Member: listed(t.Channel, t.TS)})
			pipe.ZRemRangeByRank(ctx, key, 0, -upsetIndexSize-1)
			pipe.PExpire(ctx, key, s.opts.Retention)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("save thread %s/%s: %w", t.Channel, t.TS, err)
	}
	res, err := commit.Result()
	if err != nil {
		return nil, fmt.Errorf("save thread %s/%s: %w", t.Channel, t.TS, err)
	}
	if n, ok := res.(int64); ok && n == -1 {
		return nil, ErrConflict
	}
	vs, err := verdicts(res, len(c.Asks))
	if err != nil {
		return nil, fmt.Errorf("save thread %s/%s: %w", t.Channel, t.TS, err)
	}
	return vs, nil
}

// commitApart is Commit on a Redis Cluster, where an agent's hold and budget keys live in
// another slot than the thread's and no script may touch both: they are decided first (Admit,
// one round trip per agent), then the commit claims the cooldowns of the nudges they let
// through; one that the commit then refuses (its cooldown runs, or the thread changed) gives
// its hold and budget back. It costs a message that nudges one round trip more.
func (s *Store) commitApart(ctx context.Context, c Commit) ([]Verdict, error) {
	asks := c.Asks
	out := make([]Verdict, len(asks))
	var pass []Ask // as the commit gets them: no holds left to decide
	var from []int // the index in c.Asks of each of pass
	var agents []string
	for _, a := range asks {
		if !slices.Contains(agents, a.Nudge.To) {
			agents = append(agents, a.Nudge.To)
		}
	}
	for _, agent := range agents {
		var mine []Ask
		var idx []int
		for i, a := range asks {
			if a.Nudge.To == agent {
				mine, idx = append(mine, a), append(idx, i)
			}
		}
		vs, err := s.Admit(ctx, c.Now, mine)
		if err != nil {
			s.giveBack(ctx, c.Now, asks, from)
			return nil, err
		}
		for k, v := range vs {
			out[idx[k]] = v
			if v == Admitted {
				pass, from = append(pass, Ask{Nudge: mine[k].Nudge}), append(from, idx[k])
			}
		}
	}
	c.Asks = pass
	vs, err := s.commit(ctx, c)
	if err != nil {
		s.giveBack(ctx, c.Now, asks, from)
		return nil, err
	}
	var back []int
	for k, v := range vs {
		out[from[k]] = v
		if v != Admitted {
			back = append(back, from[k])
		}
	}
	s.giveBack(ctx, c.Now, asks, back)
	return out, nil
}

// giveBack returns the holds and budget that Admit claimed for the asks at idx and that did
// not go out. A failure only costs the agent a nudge's place.
func (s *Store) giveBack(ctx context.Context, now time.Time, asks []Ask, idx []int) {
	if len(idx) == 0 {
		return
	}
	_ = s.pipelined(ctx, func(pipe redis.Pipeliner) {
		for _, i := range idx {
			a := asks[i]
			if a.Hold {
				pipe.Del(ctx, s.keys.throttle(a.Nudge.To, a.Nudge.Rule))
			}
			if a.Budget > 0 {
				pipe.Decr(ctx, s.keys.budget(a.Nudge.To, now))
			}
		}
	})
}

// Release gives up the claim on an event whose handling failed, so that a redelivery (to
// any replica) is handled instead of being taken for a duplicate.
func (s *Store) Release(ctx context.Context, eventID, channel, threadTS string) error {
	if eventID == "" {
		return nil
	}
	if err := s.rdb.Del(ctx, s.keys.threadEvent(channel, threadTS, eventID)).Err(); err != nil {
		return fmt.Errorf("release event %s: %w", eventID, err)
	}
	return nil
}

// ReleaseCooldowns frees the cooldowns of nudges that could not be delivered, so a later
// event may try again.
func (s *Store) ReleaseCooldowns(ctx context.Context, channel, threadTS string, nudges []coach.Nudge) error {
	if len(nudges) == 0 {
		return nil
	}
	keys := make([]string, len(nudges))
	for i, n := range nudges {
		keys[i] = s.keys.cooldown(channel, threadTS, n.To, n.Rule)
	}
	if err := s.rdb.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("release cooldowns of %s/%s: %w", channel, threadTS, err)
	}
	return nil
}

// ThreadOf returns the thread a message belongs to. known is false when the store has never
// seen the message either as a reply or as the start of a thread.
func (s *Store) ThreadOf(ctx context.Context, channel, ts string) (thread string, known bool, err error) {
	var msg *redis.StringCmd
	var root *redis.IntCmd
	err = s.pipelined(ctx, func(pipe redis.Pipeliner) {
		msg = pipe.Get(ctx, s.keys.message(channel, ts))
		root = pipe.Exists(ctx, s.keys.thread(channel, ts))
	})
	if err != nil {
		return "", false, fmt.Errorf("find thread of %s/%s: %w", channel, ts, err)
	}
	if thread, err := msg.Result(); err == nil {
		return thread, true, nil
	}
	return ts, root.Val() == 1, nil
}

// upsetIndexSize bounds the threads with upset customers kept per agent.
const upsetIndexSize = 100

// newestUpset is the time of a thread's newest upset customer message.
func newestUpset(t coach.Thread) (time.Time, bool) {
	for i := len(t.Messages) - 1; i >= 0; i-- {
		if m := t.Messages[i]; m.Role == coach.RoleCustomer && m.Upset {
			return m.At, true
		}
	}
	return time.Time{}, false
}

// UpsetThreads lists, newest first, the threads in a channel where an agent owns the
// conversation and a customer was upset: at most limit, each checked against its current
// state, so a thread that changed hands is left out.
func (s *Store) UpsetThreads(ctx context.Context, agent, channel string, limit int) ([]Snapshot, error) {
	members, err := s.rdb.ZRevRange(ctx, s.keys.agentUpset(agent), 0, upsetIndexSize-1).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("list threads of %s: %w", agent, err)
	}
	var out []Snapshot
	for _, m := range members {
		ch, thread, ok := strings.Cut(m, "|")
		if !ok || ch != safe(channel) {
			continue
		}
		snap, err := s.Load(ctx, channel, thread)
		if err != nil {
			return nil, err
		}
		if snap.Thread.Owner != agent {
			continue
		}
		if _, upset := newestUpset(snap.Thread); !upset {
			continue
		}
		out = append(out, snap)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}
