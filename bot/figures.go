package bot

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// figureStore is what the week's figures need from Redis.
type figureStore interface {
	RecordAll(ctx context.Context, ts []coach.Tally) error
	WeekReport(ctx context.Context, w coach.Week) (store.Report, error)
	UnhelpfulVotes(ctx context.Context, w coach.Week, agent string) (map[string]int, error)
}

// The weekly figures: after each change to a thread, what it adds to its week (in the team's
// zone) is recorded beside it. They feed the digests and App Home.

// week is the week a moment falls in, for the figures.
func (b *Bot) week(t time.Time) coach.Week { return coach.WeekOf(t, b.cfg.TeamZone) }

// tally is what moving a thread from before to after adds to the week's figures (the rules
// are coach.TallyOf's); ev is the event that did it, nil for a timer or a button.
func (b *Bot) tally(ctx context.Context, before, after coach.Thread, ev *coach.Event, at time.Time) coach.Tally {
	isAgent := func(id string) bool { return b.roster.configured() && b.roster.has(ctx, id) }
	return coach.TallyOf(before, after, ev, at, b.cfg.TeamZone, isAgent)
}

// recordTally keeps a tally for the next flush: the scheduler's tick writes them all in one
// round trip, so figures cost a message nothing on its own path. Without the scheduler loop
// (a simulation) it is written at once. A failure costs a figure, never the event.
func (b *Bot) recordTally(ctx context.Context, t coach.Tally) {
	if t.Empty() {
		return
	}
	if t.Outcome != "" {
		b.metrics.add("deescalate_promises_total", "outcome", string(t.Outcome))
	}
	b.tallyMu.Lock()
	b.tallies = append(b.tallies, t)
	b.tallyMu.Unlock()
	if b.cfg.SchedulePoll < 0 {
		b.flushTallies(ctx)
	}
}

// flushTallies writes the tallies kept so far.
func (b *Bot) flushTallies(ctx context.Context) {
	b.tallyMu.Lock()
	ts := b.tallies
	b.tallies = nil
	b.tallyMu.Unlock()
	if len(ts) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := b.figures.RecordAll(rctx, ts); err != nil {
		if b.redisTrouble(err) {
			// Keep them for when Redis is back, within reason.
			b.tallyMu.Lock()
			if len(b.tallies)+len(ts) <= maxKeptTallies {
				b.tallies = append(ts, b.tallies...)
			}
			b.tallyMu.Unlock()
			return
		}
		b.log.Warn("could not record the week's figures", zap.Int("tallies", len(ts)), zap.Error(err))
	}
}

// Flush writes the figures kept in memory; tests and simulations call it before reading them.
func (b *Bot) Flush(ctx context.Context) { b.flushTallies(ctx) }

// maxKeptTallies bounds the figures kept while Redis is away.
const maxKeptTallies = 100_000
