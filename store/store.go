// Package store keeps the bot's state in Redis: thread state (thread.go: the de-duplicating
// Begin, Load, and Commit, which also admits the nudges: cooldowns, unhelpful holds, hourly
// budgets), the shared schedule of timers and the agents' lists of open promises
// (schedule.go), the week's figures, agents' settings and the digest's subscribers
// (digest.go) and the profile cache (users.go). Every key comes from keys.go; every script is
// documented where it is declared. With no URL it starts an embedded in-process Redis, so the
// bot runs with zero set-up (its state is lost when the process ends).
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// ErrNotFound is returned when a key the caller asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned by Commit when another writer saved the thread first.
var ErrConflict = errors.New("thread changed concurrently")

// Options configure a Store.
type Options struct {
	// URL selects the Redis: redis:// or rediss:// for one node (user and password for ACLs),
	// redis+sentinel://[user:pass@]host:port?master_name=NAME&addr=host2:port for Sentinel,
	// redis+cluster://host:port?addr=host2:port for Cluster. Empty starts an embedded Redis.
	URL string
	// Prefix starts every key (default "deescalate").
	Prefix string
	// Retention is how long thread state lives after its last change (default 30 days).
	Retention time.Duration
	// UserTTL is how long a cached user profile is trusted (default 6 hours).
	UserTTL time.Duration
	// AggregateRetention is how long a week's figures live after their last change (default
	// 90 days).
	AggregateRetention time.Duration
}

// Store is the bot's Redis. It is safe for concurrent use.
type Store struct {
	rdb      redis.UniversalClient
	keys     keys
	embedded *miniredis.Miniredis
	opts     Options
	trips    atomic.Uint64
	// crossSlot says that a script may touch only one slot (a Redis Cluster): Commit then
	// decides an agent's hold and budget apart from the thread (commitApart).
	crossSlot bool
}

// New connects to Redis (or starts the embedded one) and checks that it answers.
func New(ctx context.Context, o Options) (*Store, error) {
	if o.Prefix == "" {
		o.Prefix = "deescalate"
	}
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.AggregateRetention <= 0 {
		o.AggregateRetention = 90 * 24 * time.Hour
	}
	if o.UserTTL <= 0 {
		o.UserTTL = 6 * time.Hour
	}
	s := &Store{keys: keys{prefix: o.Prefix}, opts: o}
	url := o.URL
	if url == "" {
		m := miniredis.NewMiniRedis()
		m.ClockTTL(true)
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start embedded redis: %w", err)
		}
		s.embedded = m
		url = "redis://" + m.Addr()
	}
	rdb, err := Connect(url)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.rdb = rdb
	_, s.crossSlot = rdb.(*redis.ClusterClient)
	s.rdb.AddHook(tripCounter{&s.trips})
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to redis at %s: %w", redactURL(url), err)
	}
	return s, nil
}

// Connect builds a client for REDIS_URL without dialling: one node, Sentinel or Cluster.
func Connect(raw string) (redis.UniversalClient, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL is not a URL: %w", errors.Unwrap(err))
	}
	switch u.Scheme {
	case "redis", "rediss":
		o, err := redis.ParseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		return redis.NewClient(o), nil
	case "redis+sentinel", "rediss+sentinel":
		u.Scheme = strings.TrimSuffix(u.Scheme, "+sentinel")
		o, err := redis.ParseFailoverURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL (sentinel): %w", err)
		}
		if o.MasterName == "" {
			return nil, errors.New("REDIS_URL (sentinel): master_name is required, e.g. redis+sentinel://host:26379?master_name=mymaster")
		}
		return redis.NewFailoverClient(o), nil
	case "redis+cluster", "rediss+cluster":
		u.Scheme = strings.TrimSuffix(u.Scheme, "+cluster")
		o, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL (cluster): %w", err)
		}
		return redis.NewClusterClient(o), nil
	}
	return nil, fmt.Errorf("REDIS_URL: unknown scheme %q (want redis, rediss, redis+sentinel or redis+cluster)", u.Scheme)
}

// redactURL drops the password from a Redis URL so it can be shown in an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.Redacted()
}

// Embedded reports whether the store runs on the in-process Redis (state is lost on exit).
func (s *Store) Embedded() bool { return s.embedded != nil }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// RoundTrips counts the commands and pipelines sent to Redis so far: each is one round trip.
func (s *Store) RoundTrips() uint64 { return s.trips.Load() }

// Close releases the connection pool and stops the embedded Redis.
func (s *Store) Close() error {
	var err error
	if s.rdb != nil {
		err = s.rdb.Close()
	}
	if s.embedded != nil {
		s.embedded.Close()
	}
	return err
}

// tripCounter counts round trips: one per command, one per pipeline.
type tripCounter struct{ n *atomic.Uint64 }

func (tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// Purge deletes every key under the store's prefix. Simulations use it to leave a shared
// Redis as they found it; the bot itself never calls it.
func (s *Store) Purge(ctx context.Context) error {
	purge := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, s.keys.prefix+":*", 1000).Iterator()
		var batch []string
		for iter.Next(ctx) {
			batch = append(batch, iter.Val())
			if len(batch) == 500 {
				if err := c.Unlink(ctx, batch...).Err(); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			if err := c.Unlink(ctx, batch...).Err(); err != nil {
				return err
			}
		}
		return iter.Err()
	}
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		return c.ForEachMaster(ctx, purge)
	case *redis.Client:
		return purge(ctx, c)
	}
	return fmt.Errorf("purge: unsupported client %T", s.rdb)
}
