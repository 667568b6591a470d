package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// claimScript hands due timers to exactly one caller. Timers whose lease ran out (their
// replica died while sending) go back to the schedule first.
//
//	KEYS[1]  due, KEYS[2] inflight
//	ARGV[1]  now (ms), ARGV[2] lease (ms), ARGV[3] at most this many
//	returns  the claimed members, in due order
var claimScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZADD', KEYS[1], now, m)
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do
  redis.call('ZREM', KEYS[1], m)
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), m)
end
return due
`)

// retryScript puts a timer that failed back on the schedule, after a backoff that doubles
// with every failure (at most an hour).
//
//	KEYS[1]  due, KEYS[2] inflight, KEYS[3] attempts, KEYS[4] the sent marker
//	ARGV[1]  member, ARGV[2] now (ms), ARGV[3] the first backoff (ms),
//	ARGV[4]  1 when its message was not sent (the next attempt may send it)
//	returns  how many times it has failed
var retryScript = redis.NewScript(`
local n = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[3], 604800000)
local wait = math.min(tonumber(ARGV[3]) * 2 ^ (n - 1), 3600000)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + wait, ARGV[1])
if ARGV[4] == '1' then redis.call('DEL', KEYS[4]) end
return n
`)

// Due is a timer a replica claimed: a thread's (Channel and Thread set) or a user's weekly
// digest (User set).
type Due struct {
	Member  string
	Name    string // as coach.Timer.Name
	Channel string
	Thread  string
	User    string
}

// Timer is one moment a thread wants to be woken at; Name is unique within the thread
// (coach.Timer.Name).
type Timer struct {
	Name string
	At   time.Time
}

// Schedule is what one commit changes in the schedule: timers of its thread, and the
// agents' index of open promises. Additions ride in the commit's round trip: an addition
// sent along with a commit that lost its race is harmless, because a timer is checked
// against the thread's state when it fires. Removals are applied by Unschedule, after the
// commit succeeded, so a lost race can never take away a timer the winner still needs.
type Schedule struct {
	Add    []Timer
	Remove []string // timer names
	// List puts the thread on an agent's open promises, soonest first; Unlist takes it off.
	List   *Listing
	Unlist []string // agents
}

// Listing is a thread on an agent's list of open promises.
type Listing struct {
	Agent string
	Due   time.Time
}

// Empty reports whether the schedule changes nothing.
func (sc *Schedule) Empty() bool {
	return sc == nil || len(sc.Add) == 0 && len(sc.Remove) == 0 && sc.List == nil && len(sc.Unlist) == 0
}

func (s *Store) scheduleAdds(ctx context.Context, pipe redis.Pipeliner, channel, thread string, sc *Schedule) {
	if sc == nil {
		return
	}
	for _, t := range sc.Add {
		pipe.ZAdd(ctx, s.keys.due(), redis.Z{Score: float64(t.At.UnixMilli()), Member: member(t.Name, channel, thread)})
	}
	if l := sc.List; l != nil {
		key := s.keys.agentPromises(l.Agent)
		pipe.ZAdd(ctx, key, redis.Z{Score: float64(l.Due.UnixMilli()), Member: listed(channel, thread)})
		pipe.PExpire(ctx, key, s.opts.Retention)
	}
}

// Unschedule applies a committed schedule's removals. A removal that fails leaves a timer
// that fires, finds nothing to do and is dropped, or a listing that is skipped when read.
func (s *Store) Unschedule(ctx context.Context, channel, thread string, sc *Schedule) error {
	if sc == nil || len(sc.Remove) == 0 && len(sc.Unlist) == 0 {
		return nil
	}
	return s.pipelined(ctx, func(pipe redis.Pipeliner) {
		for _, name := range sc.Remove {
			pipe.ZRem(ctx, s.keys.due(), member(name, channel, thread))
		}
		for _, agent := range sc.Unlist {
			if sc.List != nil && sc.List.Agent == agent {
				continue // listed again by the same commit
			}
			pipe.ZRem(ctx, s.keys.agentPromises(agent), listed(channel, thread))
		}
	})
}

func listed(channel, thread string) string { return safe(channel) + "|" + safe(thread) }

// Claim takes up to limit timers due by now for this caller alone; each stays leased for
// lease, after which another replica may take it again.
func (s *Store) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Due, error) {
	res, err := claimScript.Run(ctx, s.rdb, []string{s.keys.due(), s.keys.inflight()}, now.UnixMilli(), lease.Milliseconds(), limit).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claim due timers: %w", err)
	}
	out := make([]Due, 0, len(res))
	for _, m := range res {
		parts := strings.Split(m, "|")
		if len(parts) != 3 {
			// Not one of ours: drop it rather than retry it forever.
			s.rdb.ZRem(ctx, s.keys.inflight(), m)
			continue
		}
		if parts[1] == digestChannel {
			out = append(out, Due{Member: m, Name: parts[0], User: parts[2]})
			continue
		}
		out = append(out, Due{Member: m, Name: parts[0], Channel: parts[1], Thread: parts[2]})
	}
	return out, nil
}

// Done ends a claimed timer: it was handled, turned out to be stale, or is given up.
func (s *Store) Done(ctx context.Context, d Due) error {
	pipe := s.rdb.Pipeline()
	pipe.ZRem(ctx, s.keys.inflight(), d.Member)
	pipe.ZRem(ctx, s.keys.due(), d.Member)
	pipe.HDel(ctx, s.keys.attempts(), d.Member)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("finish timer %s: %w", d.Member, err)
	}
	return nil
}

// Retry puts a timer that failed back on the schedule, base from now after the first
// failure and twice as long after each next one, and returns how many times it has failed.
// unsent says its message was not delivered, so the next attempt may send it; otherwise (it
// was sent, and recording that failed) the next attempt only records.
func (s *Store) Retry(ctx context.Context, d Due, now time.Time, base time.Duration, unsent bool) (int, error) {
	flag := "0"
	if unsent {
		flag = "1"
	}
	n, err := retryScript.Run(ctx, s.rdb, []string{s.keys.due(), s.keys.inflight(), s.keys.attempts(), s.keys.sent(d.Member)},
		d.Member, now.UnixMilli(), base.Milliseconds(), flag).Int()
	if err != nil {
		return 0, fmt.Errorf("retry timer %s: %w", d.Member, err)
	}
	return n, nil
}

// Sending marks a timer's message as being sent and reports whether this caller may send
// it: false means a previous attempt already sent it (or may have: it died mid-send, and a
// duplicate is worse than a gap).
func (s *Store) Sending(ctx context.Context, d Due) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.keys.sent(d.Member), 1, 7*24*time.Hour).Result()
	if err != nil {
		return false, fmt.Errorf("mark timer %s as sending: %w", d.Member, err)
	}
	return ok, nil
}

// CachedUser returns a cached profile, or ErrNotFound.
func (s *Store) CachedUser(ctx context.Context, id string) (*User, error) {
	return decodeUser(s.rdb.Get(ctx, s.keys.user(id)))
}

// SaveUser caches a profile.
func (s *Store) SaveUser(ctx context.Context, u *User) error {
	b, err := json.Marshal(u)
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.keys.user(u.ID), b, s.opts.UserTTL).Err(); err != nil {
		return fmt.Errorf("cache user: %w", err)
	}
	return nil
}

// NextDue returns when the earliest timer is due, for a simulation's clock.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	res, err := s.rdb.ZRangeWithScores(ctx, s.keys.due(), 0, 0).Result()
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due timer: %w", err)
	}
	if len(res) == 0 {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(int64(res[0].Score)), true, nil
}

// Pending counts the timers waiting and in flight.
func (s *Store) Pending(ctx context.Context) (int64, error) {
	pipe := s.rdb.Pipeline()
	a := pipe.ZCard(ctx, s.keys.due())
	b := pipe.ZCard(ctx, s.keys.inflight())
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("count timers: %w", err)
	}
	return a.Val() + b.Val(), nil
}

// ThreadRef names a thread.
type ThreadRef struct {
	Channel, Thread string
	Due             time.Time
}

// OpenPromises lists the threads where an agent has an open promise, soonest first.
func (s *Store) OpenPromises(ctx context.Context, agent string, limit int) ([]ThreadRef, error) {
	res, err := s.rdb.ZRangeWithScores(ctx, s.keys.agentPromises(agent), 0, int64(limit-1)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("list promises of %s: %w", agent, err)
	}
	var out []ThreadRef
	for _, z := range res {
		m, _ := z.Member.(string)
		channel, thread, ok := strings.Cut(m, "|")
		if !ok {
			continue
		}
		out = append(out, ThreadRef{Channel: channel, Thread: thread, Due: time.UnixMilli(int64(z.Score))})
	}
	return out, nil
}
