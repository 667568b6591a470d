package fakeslack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// dial opens a socket the way slack-go does: apps.connections.open, then the URL it returns.
func dial(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"apps.connections.open", nil)
	req.Header.Set("Authorization", "Bearer "+s.AppToken())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var open struct {
		OK  bool   `json:"ok"`
		URL string `json:"url"`
	}
	json.NewDecoder(resp.Body).Decode(&open)
	if !open.OK {
		t.Fatal("apps.connections.open refused the app token")
	}
	hdr := http.Header{"Origin": {"https://api.slack.com"}}
	ws, _, err := websocket.DefaultDialer.Dial(open.URL, hdr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

type frame struct {
	Type         string          `json:"type"`
	EnvelopeID   string          `json:"envelope_id"`
	RetryAttempt int             `json:"retry_attempt"`
	RetryReason  string          `json:"retry_reason"`
	Payload      json.RawMessage `json:"payload"`
}

func read(t *testing.T, ws *websocket.Conn) frame {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f frame
	if err := ws.ReadJSON(&f); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return f
}

func TestSocketHelloRedeliveryAndAck(t *testing.T) {
	s := New(Options{AckTimeout: 50 * time.Millisecond, MaxRetries: 2})
	defer s.Close()
	s.AddUser(User{ID: "U1", Name: "chris", TeamID: "TOTHER"})
	s.AddChannel(Channel{ID: "C1", Name: "support", Shared: true, Members: []string{"U1"}})
	ws := dial(t, s)
	if f := read(t, ws); f.Type != "hello" {
		t.Fatalf("first frame = %q, want hello", f.Type)
	}
	d, _ := s.Post("U1", "C1", "", "", "hello there")
	first := read(t, ws)
	retry := read(t, ws) // not acknowledged: delivered again
	if first.Type != "events_api" || retry.RetryAttempt != 1 || retry.RetryReason != "timeout" || retry.EnvelopeID == first.EnvelopeID {
		t.Fatalf("retry frame = %+v after %+v", retry, first)
	}
	var a, b struct {
		EventID            string `json:"event_id"`
		IsExtSharedChannel bool   `json:"is_ext_shared_channel"`
		Event              struct {
			Team string `json:"team"`
		} `json:"event"`
	}
	json.Unmarshal(first.Payload, &a)
	json.Unmarshal(retry.Payload, &b)
	if a.EventID != d.EventID || b.EventID != d.EventID {
		t.Fatalf("event ids %q, %q, want %q on both", a.EventID, b.EventID, d.EventID)
	}
	if !a.IsExtSharedChannel || a.Event.Team != "TOTHER" {
		t.Errorf("shared channel payload = %+v, want is_ext_shared_channel and the customer's team", a)
	}
	if s.Acked(d.ID) {
		t.Fatal("acknowledged before any ack")
	}
	ws.WriteJSON(map[string]string{"envelope_id": retry.EnvelopeID})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.WaitAck(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if got := s.Attempts(d.ID); got != 2 {
		t.Errorf("attempts = %d, want 2", got)
	}
}

func TestEnvelopesWaitForAConnection(t *testing.T) {
	s := New(Options{AckTimeout: -1})
	defer s.Close()
	s.AddUser(User{ID: "U1"})
	s.AddChannel(Channel{ID: "C1", Members: []string{"U1"}})
	s.Post("U1", "C1", "", "", "sent while nobody listens")
	ws := dial(t, s)
	read(t, ws) // hello
	if f := read(t, ws); f.Type != "events_api" {
		t.Fatalf("queued envelope not delivered on connect: %+v", f)
	}
}

func TestWebAPIChecksTokensAndRecords(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.AddUser(User{ID: "UANA", Name: "ana", TZ: "America/New_York"})
	s.AddUser(User{ID: "UOUT", Name: "out"})
	s.AddChannel(Channel{ID: "C1", Name: "support", Members: []string{"UANA"}})
	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL()))
	if _, err := bad.AuthTest(); err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("wrong token: %v, want invalid_auth", err)
	}
	api := slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()))
	u, err := api.GetUserInfo("UANA")
	if err != nil || u.TZ != "America/New_York" || u.TeamID != s.TeamID() {
		t.Fatalf("users.info = %+v, %v", u, err)
	}
	blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "hi", false, false), nil, nil, slack.SectionBlockOptionBlockID("nudge:pause")))
	if _, err := api.PostEphemeral("C1", "UANA", blocks, slack.MsgOptionTS("1.0")); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PostEphemeral("C1", "UOUT", blocks); err == nil || !strings.Contains(err.Error(), "user_not_in_channel") {
		t.Fatalf("ephemeral to a non-member: %v, want user_not_in_channel", err)
	}
	if _, _, err := api.PostMessage("UANA", slack.MsgOptionText("dm", false)); err != nil {
		t.Fatal(err)
	}
	calls := s.Calls()
	var eph, dm *Call
	for i := range calls {
		switch {
		case calls[i].Method == "chat.postEphemeral" && calls[i].Err == "":
			eph = &calls[i]
		case calls[i].Method == "chat.postMessage":
			dm = &calls[i]
		}
	}
	if eph == nil || eph.User != "UANA" || eph.ThreadTS != "1.0" || len(eph.BlockIDs) != 1 || eph.BlockIDs[0] != "nudge:pause" || eph.Texts()[0] != "hi" {
		t.Fatalf("recorded ephemeral = %+v", eph)
	}
	if dm == nil || dm.Channel != "DUANA" || dm.User != "UANA" {
		t.Fatalf("recorded DM = %+v, want channel DUANA seen by UANA", dm)
	}
}

func TestRateLimitAndTriggers(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := New(Options{Now: clock})
	defer s.Close()
	s.AddUser(User{ID: "UANA"})
	s.AddChannel(Channel{ID: "C1", Members: []string{"UANA"}})
	api := slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()))
	s.FailNext("chat.postEphemeral", 1, http.StatusTooManyRequests, 7, "")
	_, err := api.PostEphemeral("C1", "UANA", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !asRateLimit(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("429: %v, want a RateLimitedError of 7s", err)
	}
	if _, err := api.PostEphemeral("C1", "UANA", slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("after the failure: %v", err)
	}
	trig, _ := s.newInteraction("UANA", "C1", "")
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "t", false, false)}
	now = now.Add(4 * time.Second)
	if _, err := api.OpenView(trig, view); err == nil || !strings.Contains(err.Error(), "trigger_expired") {
		t.Fatalf("late views.open: %v, want trigger_expired", err)
	}
	trig, _ = s.newInteraction("UANA", "C1", "")
	if _, err := api.OpenView(trig, view); err != nil {
		t.Fatal(err)
	}
	if _, err := api.OpenView(trig, view); err == nil || !strings.Contains(err.Error(), "trigger_exchanged") {
		t.Fatalf("second views.open: %v, want trigger_exchanged", err)
	}
}

func asRateLimit(err error, target **slack.RateLimitedError) bool {
	rl, ok := err.(*slack.RateLimitedError)
	if ok {
		*target = rl
	}
	return ok
}
