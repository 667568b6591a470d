package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/fakeslack"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
	"github.com/deescalate/deescalate/store/redistest"
)

const root = "1773151080.000100"

// ownedThread starts a thread: the customer asks, ana answers in the thread.
func ownedThread(h *harness) {
	h.post(chris, support, root, "", calmText)
	h.post(ana, support, "1773151100.000200", root, "Hi Chris, let me check.")
}

func TestUpsetCustomerInOwnedThreadNudgesTheOwnerOnce(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	h.wantNudges()
	h.post(chris, support, "1773151200.000300", root, angryText)
	got := h.wantNudges("pause>" + ana)
	n := got[0]
	if n.Channel != support || n.ThreadTS != root {
		t.Errorf("nudge went to %s thread %q, want %s thread %s", n.Channel, n.ThreadTS, support, root)
	}
	if texts := n.Texts(); len(texts) < 2 || len(texts) > 3 {
		t.Errorf("nudge has %d lines, want the why and a sentence to use (at most 3): %q", len(texts), texts)
	}
	if n.Text == "" {
		t.Error("nudge has no notification text")
	}
}

func TestCalmCustomerGetsNoNudge(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	h.post(chris, support, "1773151200.000300", root, "Thanks, that makes sense. One more: can I add a second admin?")
	h.wantNudges()
}

func TestRedeliveredEventNudgesOnce(t *testing.T) {
	h := start(t, agentsConfig(), 2)
	ownedThread(h)
	d, _ := h.fake.Post(chris, support, "1773151200.000300", root, angryText)
	again := h.fake.Resend(d.ID) // Slack's retry: same event_id, new envelope
	h.settle(d)
	h.settleID(again)
	h.wantNudges("pause>" + ana)
	// The cooldown alone would also stop a second nudge: the thread must have recorded the
	// message once.
	snap, err := h.store.Load(context.Background(), support, root)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(snap.Thread.Messages); got != 3 {
		t.Errorf("thread recorded %d messages after a redelivery, want 3", got)
	}
}

func TestUnwatchedChannelIsIgnored(t *testing.T) {
	for _, watch := range [][]string{{"support-acme"}, {"#support-acme"}, {support}} {
		t.Run(fmt.Sprint(watch), func(t *testing.T) {
			cfg := agentsConfig()
			cfg.WatchChannels = watch
			h := start(t, cfg, 1)
			h.post(ana, other, "1773151000.000001", "", "hello")
			h.post(chris, other, "1773151001.000001", "1773151000.000001", angryText)
			h.wantNudges()
			ownedThread(h)
			h.post(chris, support, "1773151200.000300", root, angryText)
			h.wantNudges("pause>" + ana)
		})
	}
}

func TestBotsAndSystemMessagesAreIgnored(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	// Another app's bot, in the thread.
	h.post(statbot, support, "1773151200.000300", root, "ALERT!! Furious customer detected, UNACCEPTABLE")
	// Our own bot user, as if its post came back to us.
	h.post(h.fake.BotUserID(), support, "1773151200.000400", root, angryText)
	// A channel join carries no coaching.
	join := map[string]any{"type": "message", "subtype": "channel_join", "channel": support, "user": chris,
		"text": "<@UCHRIS> has joined the channel. UNACCEPTABLE, furious!!", "ts": "1773151200.000500", "thread_ts": root}
	h.settle(h.fake.SendEvent(join, ""))
	h.wantNudges()
}

func TestClaimDeliversTheHeldNudge(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	h.post(chris, support, root, "", angryText)
	h.wantNudges() // nobody owns the thread yet
	h.settle(h.fake.React(chris, support, root, "eyes"))
	h.settle(h.fake.React(ana, support, root, "thumbsup"))
	h.wantNudges()
	h.settle(h.fake.React(ana, support, root, "eyes"))
	got := h.wantNudges("pause>" + ana)
	if got[0].ThreadTS != "" {
		t.Errorf("nudge about a lone message went to thread %q; Slack hides ephemerals in a thread that does not exist yet", got[0].ThreadTS)
	}
	// Claimed: the next upset message in the thread goes straight to ana (after the cooldown
	// of the first, which is per thread, rule and agent).
	h.post(chris, support, "1773151300.000300", root, "Hello?? Still nothing. This is ridiculous!!")
	h.wantNudges("pause>" + ana)
}

func TestClaimOnAReplyFindsItsThread(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	h.post(chris, support, root, "", calmText)
	h.post(chris, support, "1773151200.000300", root, angryText)
	h.settle(h.fake.React(lee, support, "1773151200.000300", "eyes::skin-tone-3"))
	got := h.wantNudges("pause>" + lee)
	if got[0].ThreadTS != root {
		t.Errorf("nudge in thread %q, want %s", got[0].ThreadTS, root)
	}
}

func TestEditsAndDeletes(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	// Deleted before anyone claimed it: nothing to say.
	h.post(chris, support, root, "", angryText)
	d, err := h.fake.Delete(support, root)
	if err != nil {
		t.Fatal(err)
	}
	h.settle(d)
	h.settle(h.fake.React(ana, support, root, "eyes"))
	h.wantNudges()

	// Edited from calm to upset in an owned thread: the owner hears of it.
	const root2 = "1773152000.000100"
	h.post(chris, support, root2, "", calmText)
	h.post(ana, support, "1773152001.000100", root2, "Looking now.")
	h.post(chris, support, "1773152002.000100", root2, "ok")
	d, _ = h.fake.Edit(support, "1773152002.000100", angryText)
	h.settle(d)
	h.wantNudges("pause>" + ana)
	// An unfurl-style change that keeps the text is not a new message.
	unfurl := map[string]any{"type": "message", "subtype": "message_changed", "channel": support, "ts": "1773152003.000100",
		"message":          map[string]any{"type": "message", "user": chris, "text": angryText, "ts": "1773152002.000100", "thread_ts": root2},
		"previous_message": map[string]any{"type": "message", "user": chris, "text": angryText, "ts": "1773152002.000100", "thread_ts": root2}}
	h.settle(h.fake.SendEvent(unfurl, ""))
	h.wantNudges("pause>" + ana)
}

func TestReconnectsAfterDisconnect(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	h.fake.Disconnect("refresh_requested")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for h.fake.Opens() < 2 || h.fake.Connections() < 1 {
		if ctx.Err() != nil {
			t.Fatalf("no reconnect after disconnect: %d opens, %d sockets", h.fake.Opens(), h.fake.Connections())
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.post(chris, support, "1773151200.000300", root, angryText)
	h.wantNudges("pause>" + ana)

	// A dropped socket (no disconnect frame) heals too.
	h.fake.DropConnections()
	for h.fake.Opens() < 3 || h.fake.Connections() < 1 {
		if ctx.Err() != nil {
			t.Fatalf("no reconnect after a dropped socket: %d opens", h.fake.Opens())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestUnparsableEnvelopesAreAckedAndHarmless(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	// An inner event slack-go does not know: the whole envelope fails to parse.
	unknown, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvX", "team_id": "T0OWN",
		"event": map[string]any{"type": "totally_unknown_event", "text": "secret words"}})
	id := h.fake.Send("events_api", unknown)
	h.settleID(id)
	// A frame that is not JSON at all.
	if err := h.fake.SendRaw([]byte("{this is not json")); err != nil {
		t.Fatal(err)
	}
	// The bot still works.
	ownedThread(h)
	h.post(chris, support, "1773151200.000300", root, angryText)
	h.wantNudges("pause>" + ana)
	found := false
	for _, e := range h.logs.All() {
		if e.Message == "unparsable envelope acknowledged and dropped" {
			found = true
			if e.ContextMap()["envelope_id"] != id {
				t.Errorf("the log of a bad envelope does not name it: %v", e.ContextMap())
			}
			if strings.Contains(fmt.Sprint(e.ContextMap()), "secret words") {
				t.Errorf("the log of a bad envelope carries its content: %v", e.ContextMap())
			}
		}
	}
	if !found {
		t.Error("no log line for the unparsable envelope")
	}
}

func TestRolesWithoutAConfiguredAgentGroup(t *testing.T) {
	// No agent group: full members are agents; Slack Connect users and guests are customers.
	h := start(t, bot.Config{PingInterval: 5 * time.Second}, 1)
	ownedThread(h)
	h.post(gus, support, "1773151200.000300", root, angryText) // a guest: customer
	h.wantNudges("pause>" + ana)
	const root2 = "1773152000.000100"
	h.post(chris, support, root2, "", calmText)
	h.post(ana, support, "1773152001.000100", root2, "Looking now.")
	h.post(bob, support, "1773152002.000100", root2, angryText) // internal: an agent, not a customer
	h.wantNudges("pause>" + ana)
}

func TestWithAgentGroupAnInternalNonAgentIsACustomer(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	h.post(bob, support, "1773151200.000300", root, angryText)
	h.wantNudges("pause>" + ana)
}

func TestUserProfilesAreCachedInRedis(t *testing.T) {
	h := start(t, agentsConfig(), 2)
	ownedThread(h)
	for i := range 4 {
		h.post(chris, support, fmt.Sprintf("1773151300.%06d", i), root, "one more thing")
	}
	n := 0
	for _, c := range h.fake.Calls() {
		if c.Method == "users.info" && c.Args["user"] == chris {
			n++
		}
	}
	if n != 1 {
		t.Errorf("users.info for one customer called %d times across replicas, want 1", n)
	}
}

func TestReplicasShareThreadStateWithoutLosingUpdates(t *testing.T) {
	h := start(t, agentsConfig(), 3)
	ownedThread(h)
	var ids []string
	for i := range 24 {
		d, _ := h.fake.Post(chris, support, fmt.Sprintf("1773151300.%06d", i), root, "and another detail")
		ids = append(ids, d.ID)
	}
	for _, id := range ids {
		h.settleID(id)
	}
	snap, err := h.store.Load(context.Background(), support, root)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(snap.Thread.Messages); got != 26 {
		t.Errorf("thread remembers %d messages after 26 concurrent posts, want 26", got)
	}
	if snap.Thread.Replies != 25 {
		t.Errorf("thread counts %d replies, want 25", snap.Thread.Replies)
	}
}

func TestReadyz(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	srv := httptest.NewServer(h.bots[0].Handler())
	defer srv.Close()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	h.shutdown()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz after stop = %d, want 503", resp.StatusCode)
	}
}

func TestStopFinishesWorkInFlight(t *testing.T) {
	url, prefix := redistest.URL(t)
	st, err := store.New(context.Background(), store.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fake := fakeslack.New(fakeslack.Options{AckTimeout: -1})
	defer fake.Close()
	fake.AddUser(fakeslack.User{ID: ana})
	fake.AddUser(fakeslack.User{ID: chris, TeamID: "TCUSTOMER"})
	fake.AddChannel(fakeslack.Channel{ID: support, Name: "support-acme", Members: []string{ana, chris}})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
	b := bot.New(bot.Config{ShutdownTimeout: 5 * time.Second}, api, st, coach.New(coach.DefaultPlaybook()), zap.NewNop())
	ctx, cancel := context.WithCancel(context.Background())
	var runErr error
	var wg sync.WaitGroup
	wg.Go(func() { runErr = b.Run(ctx) })
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnections(wctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ user, ts, text string }{{chris, root, calmText}, {ana, "1773151100.000200", "On it."}} {
		d, _ := fake.Post(m.user, support, m.ts, root, m.text)
		if _, err := fake.WaitAck(wctx, d.ID); err != nil {
			t.Fatal(err)
		}
		if err := b.Idle(wctx); err != nil {
			t.Fatal(err)
		}
	}
	fake.SetDelay("chat.postEphemeral", 400*time.Millisecond) // a slow Slack
	d, _ := fake.Post(chris, support, "1773151200.000300", root, angryText)
	if _, err := fake.WaitAck(wctx, d.ID); err != nil {
		t.Fatal(err)
	}
	cancel() // SIGTERM: the nudge is still being posted
	wg.Wait()
	if runErr != nil {
		t.Fatalf("Run after stop = %v, want nil", runErr)
	}
	posted := 0
	for _, c := range fake.Calls() {
		if c.Method == "chat.postEphemeral" && c.Err == "" {
			posted++
		}
	}
	if posted != 1 {
		t.Fatalf("%d nudges posted, want the one in flight to finish", posted)
	}
}

func TestAgentGroupChangesAreSeen(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	h.post(chris, support, root, "", angryText)
	h.settle(h.fake.React(bob, support, root, "eyes")) // bob is not an agent (yet)
	h.wantNudges()
	h.fake.SetGroup("SAGENTS", []string{ana, lee, bob})
	h.settle(h.fake.React(bob, support, root, "eyes")) // the group is cached: still not an agent
	h.wantNudges()
	h.settle(h.fake.SendEvent(map[string]any{"type": "subteam_members_changed", "subteam_id": "SAGENTS",
		"team_id": "T0OWN", "added_users": []string{bob}, "added_users_count": 1}, ""))
	h.settle(h.fake.React(bob, support, root, "eyes"))
	h.wantNudges("pause>" + bob)
}

func TestAnUnverifiedUserCannotClaim(t *testing.T) {
	// Without an agent group, agents are known only from their profile: when users.info fails,
	// the user must be taken for a customer, never for the thread's owner.
	h := start(t, bot.Config{PingInterval: 5 * time.Second}, 1)
	h.post(chris, support, root, "", angryText)
	h.fake.FailNext("users.info", 1, http.StatusInternalServerError, 0, "")
	h.settle(h.fake.React(gus, support, root, "eyes"))
	h.wantNudges()
	h.settle(h.fake.React(ana, support, root, "eyes"))
	h.wantNudges("pause>" + ana)
}

func TestRateLimitedNudgeIsRetried(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	ownedThread(h)
	h.fake.FailNext("chat.postEphemeral", 1, http.StatusTooManyRequests, 1, "")
	h.post(chris, support, "1773151200.000300", root, angryText)
	h.wantNudges("pause>" + ana)
}

func TestUndeliveredNudgeFreesItsCooldown(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	h.expectError("nudge not delivered")
	ownedThread(h)
	h.fake.FailNext("chat.postEphemeral", 1, http.StatusOK, 0, "channel_not_found")
	h.post(chris, support, "1773151200.000300", root, angryText)
	h.wantNudges()
	// Inside the cooldown, but the first nudge never reached ana: this one may.
	h.post(chris, support, "1773151300.000300", root, "Still nothing. This is ridiculous!!")
	h.wantNudges("pause>" + ana)
}

func TestATimedOutEventIsHandledOnRedelivery(t *testing.T) {
	cfg := agentsConfig()
	cfg.EventTimeout = 300 * time.Millisecond
	h := start(t, cfg, 1)
	h.expectError("event failed")
	ownedThread(h)
	h.fake.SetDelay("users.info", time.Second) // chris's profile is cached; lee's is not
	d, _ := h.fake.Post(lee, support, "1773151200.000300", root, "Taking this one over.")
	h.settle(d)
	h.fake.SetDelay("users.info", 0)
	h.settleID(h.fake.Resend(d.ID)) // Slack's retry: the failed event is not a duplicate
	snap, err := h.store.Load(context.Background(), support, root)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Thread.Owner != lee || len(snap.Thread.Messages) != 3 {
		t.Fatalf("after the redelivery: owner %q, %d messages; want lee and 3", snap.Thread.Owner, len(snap.Thread.Messages))
	}
}

func TestDirectMessagesAreNotCoached(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	dm := map[string]any{"type": "message", "channel": "D" + chris, "channel_type": "im", "user": chris,
		"text": angryText, "ts": "1773151200.000300", "team": "TCUSTOMER"}
	h.settle(h.fake.SendEvent(dm, ""))
	h.wantNudges()
	for _, c := range h.fake.Calls() {
		if c.Method == "users.info" {
			t.Error("a DM was looked at: users.info was called")
		}
	}
}

func TestOverloadLeavesEventsForRedelivery(t *testing.T) {
	cfg := agentsConfig()
	cfg.MaxInFlight = 1
	h := start(t, cfg, 1)
	h.fake.SetDelay("users.info", 300*time.Millisecond)
	first, _ := h.fake.Post(chris, support, root, "", calmText)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.fake.WaitAck(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	second, _ := h.fake.Post(ana, support, "1773151100.000200", root, "On it.")
	h.settle(first)
	if h.fake.Acked(second.ID) {
		t.Fatal("an event past MaxInFlight was acknowledged")
	}
	h.settleID(h.fake.Resend(second.ID))
	snap, err := h.store.Load(context.Background(), support, root)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Thread.Owner != ana {
		t.Errorf("the redelivered event was not handled: owner %q", snap.Thread.Owner)
	}
}

func TestClaimOnAReplyTheBotNeverSaw(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	h.post(chris, support, root, "", angryText)
	// A reply that never reached the bot (sent before it joined, or lost): the reaction on it
	// must still claim its thread.
	h.fake.AddMessage(chris, support, "1773151200.000300", root, "hello??")
	h.settle(h.fake.React(ana, support, "1773151200.000300", "eyes"))
	h.wantNudges("pause>" + ana)
}

func TestATombstoneIsADeletion(t *testing.T) {
	h := start(t, agentsConfig(), 1)
	h.post(chris, support, root, "", angryText)
	tomb := map[string]any{"type": "message", "subtype": "message_changed", "hidden": true, "channel": support, "ts": "1773151300.000001",
		"message": map[string]any{"type": "message", "subtype": "tombstone", "user": "USLACKBOT", "text": "This message was deleted.",
			"ts": root, "thread_ts": root},
		"previous_message": map[string]any{"type": "message", "user": chris, "text": angryText, "ts": root, "thread_ts": root}}
	h.settle(h.fake.SendEvent(tomb, ""))
	h.settle(h.fake.React(ana, support, root, "eyes"))
	h.wantNudges()
}

func TestShutdownTimeoutCancelsStragglers(t *testing.T) {
	url, prefix := redistest.URL(t)
	st, err := store.New(context.Background(), store.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fake := fakeslack.New(fakeslack.Options{AckTimeout: -1})
	defer fake.Close()
	fake.AddUser(fakeslack.User{ID: chris, TeamID: "TCUSTOMER"})
	fake.AddChannel(fakeslack.Channel{ID: support, Members: []string{chris}})
	fake.SetDelay("users.info", 5*time.Second)
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
	b := bot.New(bot.Config{ShutdownTimeout: 300 * time.Millisecond, EventTimeout: time.Minute}, api, st, coach.New(coach.DefaultPlaybook()), zap.NewNop())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnections(wctx, 1); err != nil {
		t.Fatal(err)
	}
	d, _ := fake.Post(chris, support, root, "", calmText)
	if _, err := fake.WaitAck(wctx, d.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("stopping took %v with a 300ms shutdown timeout", took)
		}
	case <-wctx.Done():
		t.Fatal("Run did not return after the shutdown timeout")
	}
}
