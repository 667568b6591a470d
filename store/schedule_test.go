package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// commitSchedule saves a thread with a schedule change, as the bot does.
func commitSchedule(t *testing.T, s *Store, channel, thread string, sc *Schedule) {
	t.Helper()
	ctx := context.Background()
	snap, err := s.Load(ctx, channel, thread)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Now: now, Schedule: sc}); err != nil {
		t.Fatal(err)
	}
	if err := s.Unschedule(ctx, channel, thread, sc); err != nil {
		t.Fatal(err)
	}
}

func TestClaimHandsEachTimerToOneCaller(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	const n = 300
	for i := range n {
		commitSchedule(t, s, "C1", fmt.Sprintf("%d.000100", 1000+i), &Schedule{Add: []Timer{{Name: "remind.1.1", At: now}}})
	}
	// Something due later is not claimed yet.
	commitSchedule(t, s, "C1", "9999.000100", &Schedule{Add: []Timer{{Name: "remind.1.2", At: now.Add(time.Hour)}}})

	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				due, err := s.Claim(ctx, now, 7, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(due) == 0 {
					return
				}
				for _, d := range due {
					mu.Lock()
					seen[d.Thread]++
					mu.Unlock()
					if d.Name != "remind.1.1" || d.Channel != "C1" {
						t.Errorf("claimed %+v", d)
					}
					if err := s.Done(ctx, d); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d timers claimed, want %d", len(seen), n)
	}
	for thread, k := range seen {
		if k != 1 {
			t.Errorf("timer of %s claimed %d times", thread, k)
		}
	}
	if p, err := s.Pending(ctx); err != nil || p != 1 {
		t.Errorf("pending = %d, %v; want the one due later", p, err)
	}
	if at, ok, err := s.NextDue(ctx); err != nil || !ok || !at.Equal(now.Add(time.Hour)) {
		t.Errorf("NextDue = %v %v %v", at, ok, err)
	}
}

func TestAnExpiredLeaseGoesBackToTheSchedule(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	commitSchedule(t, s, "C1", "100.1", &Schedule{Add: []Timer{{Name: "wait.0.5", At: now}}})
	first, err := s.Claim(ctx, now, 10, time.Minute)
	if err != nil || len(first) != 1 {
		t.Fatalf("claim = %v, %v", first, err)
	}
	// The replica that claimed it died. Within the lease nobody else gets it; after, one does.
	if again, _ := s.Claim(ctx, now.Add(30*time.Second), 10, time.Minute); len(again) != 0 {
		t.Errorf("claimed again within the lease: %v", again)
	}
	again, err := s.Claim(ctx, now.Add(61*time.Second), 10, time.Minute)
	if err != nil || len(again) != 1 || again[0] != first[0] {
		t.Fatalf("after the lease: %v, %v", again, err)
	}
	// The dead replica may have sent it: the idempotency mark says so, once.
	if ok, err := s.Sending(ctx, again[0]); err != nil || !ok {
		t.Fatalf("first Sending = %v, %v", ok, err)
	}
	if ok, err := s.Sending(ctx, again[0]); err != nil || ok {
		t.Fatalf("second Sending = %v, %v; want false", ok, err)
	}
}

func TestRetryBacksOffAndForgetsTheSendMark(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	commitSchedule(t, s, "C1", "100.1", &Schedule{Add: []Timer{{Name: "remind.1.5", At: now}}})
	due, _ := s.Claim(ctx, now, 10, time.Minute)
	if len(due) != 1 {
		t.Fatal("nothing claimed")
	}
	if ok, _ := s.Sending(ctx, due[0]); !ok {
		t.Fatal("could not mark as sending")
	}
	for want := 1; want <= 2; want++ {
		n, err := s.Retry(ctx, due[0], now, time.Minute, true) // 1m, then 2m
		if err != nil || n != want {
			t.Fatalf("Retry = %d, %v; want %d", n, err, want)
		}
		if d, _ := s.Claim(ctx, now.Add(time.Duration(want)*time.Minute-time.Second), 10, time.Minute); len(d) != 0 {
			t.Fatal("a retried timer came back before its time")
		}
		if d, _ := s.Claim(ctx, now.Add(time.Duration(want)*time.Minute), 10, time.Minute); len(d) != 1 {
			t.Fatal("a retried timer did not come back at its time")
		}
		// The failed send left no mark: the retry may send.
		if ok, _ := s.Sending(ctx, due[0]); !ok {
			t.Fatal("a retry may not send after a failure")
		}
	}
	// Sent, but recording it failed: the retry keeps the mark and must not send again.
	if _, err := s.Retry(ctx, due[0], now, 15*time.Minute, false); err != nil { // third failure: 60m
		t.Fatal(err)
	}
	if d, _ := s.Claim(ctx, now.Add(time.Hour), 10, time.Minute); len(d) != 1 {
		t.Fatal("the timer did not come back")
	}
	if ok, _ := s.Sending(ctx, due[0]); ok {
		t.Fatal("a retry after a successful send may send again")
	}
	if err := s.Done(ctx, due[0]); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); p != 0 {
		t.Errorf("pending = %d after Done", p)
	}
}

func TestUnscheduleAndOpenPromises(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	commitSchedule(t, s, "C1", "100.1", &Schedule{
		Add:  []Timer{{Name: "remind.1.1", At: now}, {Name: "overdue.1.2", At: now.Add(time.Minute)}},
		List: &Listing{Agent: "UANA", Due: now.Add(time.Minute)},
	})
	commitSchedule(t, s, "C2", "200.1", &Schedule{List: &Listing{Agent: "UANA", Due: now.Add(-time.Hour)}})
	commitSchedule(t, s, "C3", "300.1", &Schedule{List: &Listing{Agent: "ULEE", Due: now}})
	refs, err := s.OpenPromises(ctx, "UANA", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 || refs[0].Channel != "C2" || refs[1].Channel != "C1" || refs[1].Thread != "100.1" {
		t.Errorf("open promises = %+v, want C2 then C1", refs)
	}
	// The promise is kept: its timers and its listing go.
	commitSchedule(t, s, "C1", "100.1", &Schedule{Remove: []string{"remind.1.1", "overdue.1.2"}, Unlist: []string{"UANA"}})
	if p, _ := s.Pending(ctx); p != 0 {
		t.Errorf("pending = %d after unscheduling", p)
	}
	refs, _ = s.OpenPromises(ctx, "UANA", 10)
	if len(refs) != 1 || refs[0].Channel != "C2" {
		t.Errorf("open promises = %+v, want only C2", refs)
	}
	// Handed to another agent in one commit: off one list, on the other.
	commitSchedule(t, s, "C3", "300.1", &Schedule{List: &Listing{Agent: "UANA", Due: now}, Unlist: []string{"ULEE", "UANA"}})
	if refs, _ := s.OpenPromises(ctx, "ULEE", 10); len(refs) != 0 {
		t.Errorf("ULEE still lists %+v", refs)
	}
	refs, _ = s.OpenPromises(ctx, "UANA", 10)
	if !slices.ContainsFunc(refs, func(r ThreadRef) bool { return r.Channel == "C3" }) {
		t.Errorf("UANA's list %+v lacks C3", refs)
	}
}

func TestALostCommitSchedulesNoRemovals(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	commitSchedule(t, s, "C1", "100.1", &Schedule{Add: []Timer{{Name: "remind.1.1", At: now}}})
	snap, _ := s.Load(ctx, "C1", "100.1")
	// Another replica wins the thread first.
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Now: now}); err != nil {
		t.Fatal(err)
	}
	sc := &Schedule{Add: []Timer{{Name: "overdue.1.2", At: now}}, Remove: []string{"remind.1.1"}}
	if _, err := s.Commit(ctx, Commit{Thread: snap.Thread, Version: snap.Version, Now: now, Schedule: sc}); err != ErrConflict {
		t.Fatalf("stale commit: %v, want ErrConflict", err)
	}
	// The caller does not Unschedule a lost commit: the winner's timer is still there.
	due, _ := s.Claim(ctx, now, 10, time.Minute)
	names := []string{}
	for _, d := range due {
		names = append(names, d.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"overdue.1.2", "remind.1.1"}) {
		t.Errorf("due = %v", names)
	}
}
