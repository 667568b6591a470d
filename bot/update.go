package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// The thread update: every change to a thread (a message, a claim, a timer, a button) goes
// through update, which locks the thread, loads it, lets the coach compute the next state,
// decides which nudges may go out, commits it all in one round trip and then delivers the
// nudges.

// threadStore is what the update needs from Redis.
type threadStore interface {
	Load(ctx context.Context, channel, thread string) (store.Snapshot, error)
	Commit(ctx context.Context, c store.Commit) ([]store.Verdict, error)
	Unschedule(ctx context.Context, channel, thread string, sc *store.Schedule) error
}

var _ threadStore = (*store.Store)(nil)

// change is one change to a thread, as update applies it.
type change struct {
	channel, thread string
	eventID         string          // the event being handled, "" for none
	snap            *store.Snapshot // the thread as Begin loaded it; nil to load it
	remember        []string        // message timestamps to index under the thread
	user            *store.User     // a profile fetched from Slack, to cache
	// step computes the thread after the change and the nudges it calls for; changed is false
	// when there is nothing to save. It may run more than once (after a lost race), so it
	// must be pure.
	step func(coach.Thread) (after coach.Thread, nudges []coach.Nudge, changed bool, err error)
	ev   *coach.Event // the event, for the week's figures; nil for a timer or a button
	at   time.Time
}

// commitAttempts bounds the retries of a thread update that keeps losing races.
const commitAttempts = 10

// update applies a change to its thread: lock → load → step → admission → commit → deliver.
// Within a replica a thread's changes are applied one at a time (a striped lock, given up
// when ctx ends), so only replicas race; when one loses, it loads the thread again and
// retries after a short random pause. The nudges are delivered after the lock is released:
// a slow Slack must not hold up the thread. It returns the thread before and after, and
// whether the change was saved.
func (b *Bot) update(ctx context.Context, log *zap.Logger, c change) (before, after coach.Thread, changed bool, err error) {
	before, after, send, changed, err := b.commit(ctx, log, c)
	if err != nil || !changed {
		return before, after, changed, err
	}
	b.sendNudges(ctx, log, after, send)
	return before, after, true, nil
}

// commit is update under the thread's lock: it returns the nudges admitted.
func (b *Bot) commit(ctx context.Context, log *zap.Logger, c change) (before, after coach.Thread, send []coach.Nudge, changed bool, err error) {
	unlock, err := b.locks.lock(ctx, c.channel, c.thread)
	if err != nil {
		return before, after, nil, false, fmt.Errorf("wait for thread %s/%s: %w", c.channel, c.thread, err)
	}
	defer unlock()
	snap := c.snap
	for attempt := range commitAttempts {
		if attempt > 0 {
			pause := time.Duration(rand.Int64N(int64(attempt)*int64(2*time.Millisecond))) + time.Millisecond
			select {
			case <-time.After(pause):
			case <-ctx.Done():
				return before, after, nil, false, ctx.Err()
			}
		}
		if snap == nil || attempt > 0 {
			// The snapshot from Begin may predate a write that finished while we waited for the
			// lock or lost the race: read the thread again.
			s, err := b.threads.Load(ctx, c.channel, c.thread)
			if err != nil {
				return before, after, nil, false, err
			}
			snap = &s
		}
		before = snap.Thread
		next, nudges, ok, err := c.step(before)
		if err != nil || !ok {
			return before, before, nil, false, err
		}
		asks, silenced := b.screen(ctx, nudges, c.at)
		sc := b.scheduleOf(before, next)
		verdicts, err := b.threads.Commit(ctx, store.Commit{
			Thread: next, EventID: c.eventID, Version: snap.Version, Asks: asks, Cooldown: b.cfg.NudgeCooldown,
			Now: c.at, Messages: c.remember, User: c.user, Schedule: sc,
		})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return before, after, nil, false, err
		}
		b.unschedule(ctx, c.channel, c.thread, sc)
		b.recordTally(ctx, b.tally(ctx, before, next, c.ev, c.at))
		for range silenced {
			b.metrics.held("silenced")
		}
		return before, next, b.admitted(log, asks, verdicts), true, nil
	}
	return before, after, nil, false, fmt.Errorf("thread %s/%s kept changing: gave up after %d attempts", c.channel, c.thread, commitAttempts)
}

// stripes serialises work per thread within one replica without a lock per thread. Each
// stripe is a one-slot channel, so a waiter can give up when its context ends.
type stripes [256]chan struct{}

func (s *stripes) init() {
	for i := range s {
		s[i] = make(chan struct{}, 1)
	}
}

func (s *stripes) lock(ctx context.Context, channel, thread string) (func(), error) {
	h := fnv.New32a()
	h.Write([]byte(channel))
	h.Write([]byte(thread))
	slot := s[h.Sum32()%uint32(len(s))]
	select {
	case slot <- struct{}{}:
		return func() { <-slot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// scheduleOf is what moving a thread from before to after changes in the schedule.
func (b *Bot) scheduleOf(before, after coach.Thread) *store.Schedule {
	add, remove := coach.DiffTimers(b.coach.Timers(before), b.coach.Timers(after))
	sc := &store.Schedule{}
	for _, t := range add {
		sc.Add = append(sc.Add, store.Timer{Name: t.Name(), At: t.At})
	}
	for _, t := range remove {
		sc.Remove = append(sc.Remove, t.Name())
	}
	bp, ap := before.Promise, after.Promise
	if ap.Open() && !(bp.Open() && bp.Agent == ap.Agent && bp.Due.Equal(ap.Due)) {
		sc.List = &store.Listing{Agent: ap.Agent, Due: ap.Due}
	}
	if bp.Open() && !(ap.Open() && ap.Agent == bp.Agent) {
		sc.Unlist = []string{bp.Agent}
	}
	if sc.Empty() {
		return nil
	}
	return sc
}

// unschedule applies a committed schedule's removals; a failure only leaves stale timers,
// which are dropped when they fire.
func (b *Bot) unschedule(ctx context.Context, channel, thread string, sc *store.Schedule) {
	if err := b.threads.Unschedule(context.WithoutCancel(ctx), channel, thread, sc); err != nil {
		b.log.Warn("could not take stale timers off the schedule; they will be dropped when due", zap.String("channel", channel),
			zap.String("thread_ts", thread), zap.Error(err))
	}
}
