package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/deescalate/deescalate/store/redistest"
)

// BenchmarkClaim measures the scheduler's claim path as three replicas run it: claim a batch
// of due timers, mark each as being sent, finish each. It reports timers handled per second.
func BenchmarkClaim(b *testing.B) {
	url, prefix := redistest.URL(b)
	s, err := New(context.Background(), Options{URL: url, Prefix: prefix})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// Load b.N due timers in bulk, outside the timing.
	for i := 0; i < b.N; i += 1000 {
		pipe := s.rdb.Pipeline()
		for j := i; j < min(i+1000, b.N); j++ {
			pipe.ZAdd(ctx, s.keys.due(), redis.Z{Score: float64(now.UnixMilli()), Member: member("remind.1.1", "C1", fmt.Sprintf("%d.000100", j))})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				due, err := s.Claim(ctx, now, 50, time.Minute)
				if err != nil {
					b.Error(err)
					return
				}
				if len(due) == 0 {
					return
				}
				for _, d := range due {
					if _, err := s.Sending(ctx, d); err != nil {
						b.Error(err)
						return
					}
					if err := s.Done(ctx, d); err != nil {
						b.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "timers/s")
	b.StopTimer()
	if p, _ := s.Pending(ctx); p != 0 {
		b.Fatalf("%d timers left", p)
	}
}
