package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// The weekly figures: after each change to a thread, what it adds to its week (in the team's
// zone) is recorded beside it. They feed the digests and App Home.

// maxExample bounds the customer's words kept as an example of a theme.
const maxExample = 140

var mention = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// week is the week a moment falls in, for the figures.
func (b *Bot) week(t time.Time) store.Week { return store.WeekOf(t, b.cfg.TeamZone) }

// tally works out what moving a thread from before to after adds to the week's figures: a
// customer message's themes, praise and upset; an agent's first answer to an upset customer;
// a promise kept on time, late or missed. ev is the message that did it, nil for a timer or
// a button.
func (b *Bot) tally(ctx context.Context, before, after coach.Thread, ev *coach.Event) store.Tally {
	at := b.now()
	if ev != nil {
		at = ev.At
	}
	t := store.Tally{Week: b.week(at), Channel: after.Channel, Thread: after.TS}
	if p, q := before.Promise, after.Promise; p.Open() && q != nil && q.Version == p.Version {
		switch q.State {
		case coach.PledgeKept:
			t.Promise, t.Outcome = p.Agent, "on_time"
		case coach.PledgeLate:
			t.Promise, t.Outcome = p.Agent, "late"
		case coach.PledgeMissed:
			t.Promise, t.Outcome = p.Agent, "missed"
		}
	}
	if ev == nil || ev.Kind != coach.Posted {
		return t
	}
	switch ev.Role {
	case coach.RoleCustomer:
		// Observe judged the message already: its record holds what the figures need.
		i := slices.IndexFunc(after.Messages, func(s coach.Seen) bool { return s.TS == ev.TS })
		if i < 0 {
			return t
		}
		a := after.Messages[i]
		t.CustomerMessage, t.Upset, t.Themes = true, a.Upset, a.Themes
		ex := &store.Example{Text: clipText(strings.Join(strings.Fields(coach.Redact(coach.Plain(ev.Text))), " "), maxExample), Channel: after.Channel, TS: ev.TS}
		if len(a.Themes) > 0 {
			t.Example = ex
		}
		if a.Praise && !a.Upset {
			t.Kudos = &store.Kudos{Agent: b.praised(ctx, ev.Text, after), Example: *ex}
		}
	case coach.RoleAgent:
		// The first agent message after the thread's first upset customer message answers it.
		var upsetAt time.Time
		for _, s := range before.Messages {
			if s.Role == coach.RoleCustomer && s.Upset && upsetAt.IsZero() {
				upsetAt = s.At
				continue
			}
			if !upsetAt.IsZero() && s.Role == coach.RoleAgent {
				return t // answered already
			}
		}
		if !upsetAt.IsZero() && !ev.At.Before(upsetAt) {
			t.FirstReply, t.Waited = ev.User, ev.At.Sub(upsetAt)
		}
	}
	return t
}

// praised is the agent a customer's thanks are for: one they mention, else the thread's owner.
func (b *Bot) praised(ctx context.Context, text string, t coach.Thread) string {
	for _, m := range mention.FindAllStringSubmatch(text, -1) {
		if b.roster.configured() && b.roster.has(ctx, m[1]) {
			return m[1]
		}
	}
	return t.Owner
}

// recordTally keeps a tally for the next flush: the scheduler's tick writes them all in one
// round trip, so figures cost a message nothing on its own path. Without the scheduler loop
// (a simulation) it is written at once. A failure costs a figure, never the event.
func (b *Bot) recordTally(ctx context.Context, t store.Tally) {
	if t.Empty() {
		return
	}
	if t.Outcome != "" {
		b.metrics.add("deescalate_promises_total", "outcome", t.Outcome)
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
	if err := b.store.RecordAll(rctx, ts); err != nil {
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
