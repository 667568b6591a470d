package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/deescalate/deescalate/coach"
)

// TestRecordAndReport: tallies add up per theme, channel, thread and agent, keep two
// examples a theme, and every key of the week expires.
func TestRecordAndReport(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	w := coach.WeekOf(now, time.UTC)
	yes, no := true, false
	tallies := []coach.Tally{
		{Week: w, Channel: "C1", Thread: "1.1", CustomerMessage: true, Upset: true, Themes: []string{"billing", "refund"}, Example: &coach.Quote{Text: "charged twice", Channel: "C1", TS: "1.1"}},
		{Week: w, Channel: "C1", Thread: "1.1", CustomerMessage: true, Themes: []string{"billing"}, Example: &coach.Quote{Text: "still wrong", Channel: "C1", TS: "1.3"}},
		{Week: w, Channel: "C2", Thread: "2.1", CustomerMessage: true, Themes: []string{"billing"}, Example: &coach.Quote{Text: "invoice late", Channel: "C2", TS: "2.1"}},
		{Week: w, Channel: "C2", Thread: "2.1", CustomerMessage: true, Kudos: &coach.Kudos{Agent: "UANA", Quote: coach.Quote{Text: "ana fixed it", Channel: "C2", TS: "2.5"}}},
		{Week: w, Channel: "C1", Thread: "1.1", Nudges: map[string][]string{"UANA": {"pause", "chunk"}, "ULEE": {"pause"}}},
		{Week: w, Promise: "UANA", Outcome: coach.OnTime},
		{Week: w, Promise: "UANA", Outcome: coach.Missed},
		{Week: w, FirstReply: "UANA", Waited: 4 * time.Minute},
		{Week: w, FirstReply: "UANA", Waited: 8 * time.Minute},
		{Week: w, Feedback: "ULEE", Helpful: &yes, FeedRule: "pause"},
		{Week: w, Feedback: "ULEE", Helpful: &no, FeedRule: "chunk"},
	}
	for _, tl := range tallies {
		if err := s.Record(ctx, tl); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.WeekReport(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	if r.Messages != 4 || r.Upset != 1 || len(r.Themes) != 2 {
		t.Fatalf("report = %+v", r)
	}
	b := r.Themes[0]
	if b.Theme != "billing" || b.Count != 3 || b.Threads != 2 || b.Channels["C1"] != 2 || b.Channels["C2"] != 1 || len(b.Examples) != 2 || b.Examples[0].Text != "invoice late" {
		t.Errorf("billing = %+v", b)
	}
	ana, lee := r.Agents["UANA"], r.Agents["ULEE"]
	if ana.Nudges["pause"] != 1 || ana.Nudges["chunk"] != 1 || ana.OnTime != 1 || ana.Missed != 1 || ana.FirstReplies != 2 || ana.FirstReply != 6*time.Minute || ana.Kudos != 1 {
		t.Errorf("ana = %+v", ana)
	}
	if lee.Nudges["pause"] != 1 || lee.Helpful != 1 || lee.Unhelpful != 1 || lee.OnTime != 0 {
		t.Errorf("lee = %+v", lee)
	}
	if r.Team.NudgeCount() != 3 || r.Team.Promises() != 2 || len(r.Kudos) != 1 || r.Kudos[0].Agent != "UANA" {
		t.Errorf("team = %+v, kudos %+v", r.Team, r.Kudos)
	}
	keys, err := s.rdb.Keys(ctx, s.keys.weekBase(w)+"*").Result()
	if err != nil || len(keys) < 8 {
		t.Fatalf("week keys = %v, %v", keys, err)
	}
	for _, k := range keys {
		ttl, err := s.rdb.PTTL(ctx, k).Result()
		if err != nil || ttl <= 80*24*time.Hour || ttl > 90*24*time.Hour {
			t.Errorf("%s expires in %v, want 90 days", k, ttl)
		}
	}
	if empty, err := s.WeekReport(ctx, w.Prev()); err != nil || empty.Messages != 0 || len(empty.Themes) != 0 {
		t.Errorf("an empty week reads %+v, %v", empty, err)
	}
}

func TestSettingsAndSubscriptions(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if err := s.SetMute(ctx, "UANA", "chunk", true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSnooze(ctx, "UANA", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Subscribe(ctx, "UANA", true); err != nil {
		t.Fatal(err)
	}
	st, err := s.SettingsOf(ctx, "UANA")
	if err != nil || !st.Digest || !slices.Equal(st.Muted, []string{"chunk"}) || !st.Snooze.Equal(now.Add(time.Hour)) {
		t.Errorf("settings = %+v, %v", st, err)
	}
	_ = s.Subscribe(ctx, "UANA", false)
	_ = s.SetMute(ctx, "UANA", "chunk", false)
	if st, _ := s.SettingsOf(ctx, "UANA"); st.Digest || !st.OptOut || len(st.Muted) != 0 {
		t.Errorf("after unsubscribe and unmute: %+v", st)
	}
}
