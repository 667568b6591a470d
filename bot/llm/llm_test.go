package llm

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestComplete: the request is OpenAI's chat-completions shape at <base>/chat/completions
// with the key as a bearer token; errors name the status and type, never the prompt.
func TestComplete(t *testing.T) {
	var got struct {
		Model    string    `json:"model"`
		Messages []message `json:"messages"`
	}
	var auth, path string
	status, body := 200, `{"choices":[{"message":{"role":"assistant","content":"  Hi {customer}, sorry!  "}}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.URL.Path
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c := New(Config{URL: srv.URL + "/v1/", Model: "tiny", APIKey: "sk-secret"})
	text, err := c.Complete(context.Background(), "SYSTEM PROMPT", "customer words")
	if err != nil || text != "Hi {customer}, sorry!" {
		t.Fatalf("Complete = %q, %v", text, err)
	}
	if path != "/v1/chat/completions" || auth != "Bearer sk-secret" || got.Model != "tiny" || len(got.Messages) != 2 || got.Messages[1].Content != "customer words" {
		t.Errorf("request: path %q auth %q body %+v", path, auth, got)
	}
	for _, tc := range []struct {
		status int
		body   string
		want   string
	}{
		{500, `{"error":{"message":"customer words leaked","type":"server_error"}}`, "HTTP 500 (server_error)"},
		{200, `{"choices":[]}`, "no text"},
		{200, `<html>`, "not chat-completions JSON"},
	} {
		status, body = tc.status, tc.body
		_, err := c.Complete(context.Background(), "SYSTEM PROMPT", "customer words")
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "customer words") || strings.Contains(err.Error(), "SYSTEM") {
			t.Errorf("answer %d %s: error %v, want %q and no prompt", tc.status, tc.body, err, tc.want)
		}
	}
}

func TestCompleteTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := New(Config{URL: srv.URL + "/v1/chat/completions", Model: "m", Timeout: 200 * time.Millisecond})
	if _, err := c.Complete(context.Background(), "s", "u"); err == nil || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Errorf("slow model: %v", err)
	}
}
