package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"
)

// Faults: Redis going away and Slack saying "slow down".

// redisTrouble reports whether a failure came from Redis being unreachable (checked with a
// ping). The first such failure of an outage is logged; the rest only counted, so an outage
// is one log line, not one per event.
func (b *Bot) redisTrouble(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false // the bot is stopping, or the caller gave up
	}
	if b.redisDown.Load() {
		b.metrics.add("deescalate_redis_errors_total")
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if b.redis.Ping(ctx) == nil {
		return false
	}
	b.metrics.add("deescalate_redis_errors_total")
	if b.redisDown.CompareAndSwap(false, true) {
		b.log.Error("redis is unreachable: events are acknowledged but not coached until it is back; stored promises and schedules wait for it",
			zap.NamedError("cause", errors.New(firstLine(err))))
	}
	return true
}

// redisOK ends an outage once Redis answers again.
func (b *Bot) redisOK() {
	if b.redisDown.CompareAndSwap(true, false) {
		b.log.Info("redis is reachable again")
	}
}

// limiter holds back calls to a Slack method tier while Slack has asked to wait, for every
// goroutine of the replica at once: one 429 slows the tier, not just the call that got it.
type limiter struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// tierOf groups Web API methods the way Slack rate-limits them.
func tierOf(method string) string {
	switch {
	case method == "chat.postEphemeral", method == "chat.postMessage", method == "chat.update":
		return "chat"
	case strings.HasPrefix(method, "views."):
		return "views"
	case strings.HasPrefix(method, "conversations."):
		return "conversations"
	case strings.HasPrefix(method, "users"):
		return "users"
	}
	return method
}

func (l *limiter) wait(ctx context.Context, tier string) error {
	l.mu.Lock()
	until := l.until[tier]
	l.mu.Unlock()
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return context.DeadlineExceeded
	}
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *limiter) hold(tier string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.until == nil {
		l.until = map[string]time.Time{}
	}
	if t := time.Now().Add(d); t.After(l.until[tier]) {
		l.until[tier] = t
	}
}

// slackCall runs a Web API call through the tier's limiter: it waits while the tier is held,
// and on a 429 holds the tier for Retry-After and tries again, for as long as ctx allows.
// Failures are counted by method.
func (b *Bot) slackCall(ctx context.Context, method string, call func() error) error {
	tier := tierOf(method)
	for {
		if err := b.limits.wait(ctx, tier); err != nil {
			b.metrics.add("deescalate_slack_errors_total", "method", method)
			return err
		}
		err := call()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			if err != nil {
				b.metrics.add("deescalate_slack_errors_total", "method", method)
			}
			return err
		}
		wait := max(rl.RetryAfter, 100*time.Millisecond)
		b.limits.hold(tier, wait)
		b.log.Warn("slack asked to slow down; holding the tier", zap.String("method", method), zap.String("tier", tier), zap.Duration("retry_after", wait))
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			b.metrics.add("deescalate_slack_errors_total", "method", method)
			return err
		}
	}
}
