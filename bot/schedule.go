package bot

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// The scheduler: every replica polls Redis for due timers (reminders, overdue notices, a
// lead's heads-up, waits running out). A claim hands each timer to one replica alone; the
// replica checks it against the thread's state (a kept or moved promise makes it stale),
// marks its message as being sent (the idempotency key), sends it, records the new state and
// finishes the timer. A failed send goes back on the schedule with backoff; a replica that
// dies mid-way loses its lease and another one finishes the job without sending twice.

// scheduleStore is what the scheduler needs from Redis: claiming due timers, the
// idempotency mark of a notice, and finishing or retrying a timer.
type scheduleStore interface {
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.Due, error)
	Sending(ctx context.Context, d store.Due) (bool, error)
	Retry(ctx context.Context, d store.Due, now time.Time, base time.Duration, unsent bool) (int, error)
	Done(ctx context.Context, d store.Due) error
}

const (
	claimBatch       = 50 // timers claimed per round trip
	fireParallel     = 8  // timers handled at once per replica
	maxTimerAttempts = 6  // then the notice is dropped (30 s, 1, 2, 4, 8 min of backoff)
	maxRecipients    = 20 // on-duty agents nudged about one wait, at most
	snoozeFor        = 30 * time.Minute
	retryBase        = 30 * time.Second
)

// lease is how long a claimed timer stays with its replica: enough to send and record it.
func (b *Bot) lease() time.Duration { return max(3*b.cfg.EventTimeout, 30*time.Second) }

// scheduleLoop runs the scheduler's step every SchedulePoll until ctx ends, again at once
// while a step finds a full batch.
func (b *Bot) scheduleLoop(ctx, work context.Context) {
	tick := time.NewTicker(b.cfg.SchedulePoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for {
			n, err := b.step(ctx, work)
			if err != nil || n < claimBatch {
				break
			}
		}
	}
}

// RunDue is the scheduler's step, for a simulation or a test that runs the schedule itself
// as its clock passes each due time (SchedulePoll < 0): it handles the timers due by now and
// returns how many it claimed.
func (b *Bot) RunDue(ctx context.Context) (int, error) { return b.step(ctx, ctx) }

// step is one round of the scheduler: the figures kept so far are written, then the timers
// due by now are claimed and handled. A failure to claim is logged once until claiming works
// again.
func (b *Bot) step(ctx, work context.Context) (int, error) {
	b.flushTallies(work)
	n, err := b.runDue(ctx, work)
	if err != nil {
		if ctx.Err() == nil && !b.redisTrouble(err) && !b.schedFailing.Swap(true) {
			b.log.Warn("scheduler: cannot claim due timers; retrying", zap.Error(err))
		}
		b.schedFailing.Store(true)
		return n, err
	}
	b.redisOK()
	if b.schedFailing.Swap(false) {
		b.log.Info("scheduler: claiming due timers again")
	}
	return n, nil
}

func (b *Bot) runDue(ctx, work context.Context) (int, error) {
	now := b.now()
	due, err := b.timers.Claim(ctx, now, claimBatch, b.lease())
	if err != nil || len(due) == 0 {
		return 0, err
	}
	sem := make(chan struct{}, fireParallel)
	var wg sync.WaitGroup
	for _, d := range due {
		sem <- struct{}{}
		b.inflight.add()
		wg.Go(func() {
			defer b.inflight.done()
			defer func() { <-sem }()
			tctx, cancel := context.WithTimeout(work, b.cfg.EventTimeout)
			defer cancel()
			defer func() {
				if r := recover(); r != nil {
					b.log.Error("timer handler panicked; the timer will be tried again after its lease", zap.String("timer", d.Name), zap.Any("panic", r))
				}
			}()
			b.fire(tctx, d, now)
		})
	}
	wg.Wait()
	return len(due), nil
}

// fire handles one claimed timer.
func (b *Bot) fire(ctx context.Context, d store.Due, now time.Time) {
	log := b.log.With(zap.String("timer", d.Name), zap.String("channel", d.Channel), zap.String("thread_ts", d.Thread))
	kind, version, at, ok := coach.ParseTimerName(d.Name)
	if !ok {
		log.Warn("timer with an unreadable name dropped")
		b.finish(ctx, log, d)
		return
	}
	tm := coach.Timer{Kind: kind, Version: version, At: at}
	if d.User != "" && kind == timerDigest {
		b.fireDigest(ctx, log, d, tm, now)
		return
	}
	snap, err := b.threads.Load(ctx, d.Channel, d.Thread)
	if err != nil {
		b.retry(ctx, log, d, true, err)
		return
	}
	_, notices, ok := b.coach.Fire(snap.Thread, tm, now)
	if !ok {
		log.Debug("stale timer dropped")
		b.finish(ctx, log, d)
		return
	}
	if len(notices) > 0 {
		first, err := b.timers.Sending(ctx, d)
		if err != nil {
			b.retry(ctx, log, d, true, err)
			return
		}
		if !first {
			log.Info("notice was sent by an earlier attempt; recording it")
		} else if err := b.deliver(ctx, log, snap.Thread, notices, now); err != nil {
			b.retry(ctx, log, d, true, err)
			return
		}
	}
	if err := b.record(ctx, log, d.Channel, d.Thread, tm, now); err != nil {
		b.retry(ctx, log, d, false, err)
		return
	}
	b.finish(ctx, log, d)
}

// record saves what a fired timer changed in its thread (a notice went out, a promise was
// written off), with the schedule's changes.
func (b *Bot) record(ctx context.Context, log *zap.Logger, channel, thread string, tm coach.Timer, now time.Time) error {
	_, _, _, err := b.update(ctx, log, change{channel: channel, thread: thread, at: now,
		step: func(t coach.Thread) (coach.Thread, []coach.Nudge, bool, error) {
			// false: the thread moved on meanwhile (an agent posted), nothing left to record.
			next, _, ok := b.coach.Fire(t, tm, now)
			return next, nil, ok, nil
		}})
	return err
}

func (b *Bot) finish(ctx context.Context, log *zap.Logger, d store.Due) {
	if err := b.timers.Done(context.WithoutCancel(ctx), d); err != nil {
		log.Warn("could not finish a timer; it will be checked again after its lease", zap.Error(err))
	}
}

// retry puts a failed timer back with exponential backoff, or drops it after
// maxTimerAttempts.
func (b *Bot) retry(ctx context.Context, log *zap.Logger, d store.Due, unsent bool, cause error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	n, err := b.timers.Retry(rctx, d, b.now(), retryBase, unsent)
	if err != nil {
		log.Error("timer failed and could not be re-queued; it will be tried again after its lease", zap.NamedError("cause", cause), zap.Error(err))
		return
	}
	if n >= maxTimerAttempts {
		log.Error("timer failed too many times; dropped", zap.Int("attempts", n), zap.Error(cause))
		b.finish(rctx, log, d)
		return
	}
	log.Warn("timer failed; trying again later", zap.Int("attempt", n), zap.Duration("in", retryBase<<(n-1)), zap.Error(cause))
}
