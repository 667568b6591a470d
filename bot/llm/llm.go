// Package llm asks an OpenAI-compatible chat-completions endpoint (a hosted API, vLLM, Ollama)
// for a reply draft. It is optional and off by default; the bot only ever sends it redacted
// text, and checks what comes back against the coach's rules before anyone sees it.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Config is where the model lives.
type Config struct {
	URL     string // base URL ("http://localhost:11434/v1") or the full chat/completions URL
	Model   string
	APIKey  string // sent as a bearer token when set
	Timeout time.Duration
}

// Client calls the endpoint. It is safe for concurrent use.
type Client struct {
	cfg      Config
	endpoint string
	http     *http.Client
}

// New returns a client; the timeout bounds every call (10 s when zero).
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	endpoint := strings.TrimRight(cfg.URL, "/")
	if !strings.HasSuffix(endpoint, "/chat/completions") {
		endpoint += "/chat/completions"
	}
	return &Client{cfg: cfg, endpoint: endpoint, http: &http.Client{Timeout: cfg.Timeout}}
}

// Model names the model, for logs.
func (c *Client) Model() string { return c.cfg.Model }

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type request struct {
	Model       string    `json:"model"`
	Messages    []message `json:"messages"`
	Temperature float64   `json:"temperature"`
	MaxTokens   int       `json:"max_tokens"`
	Stream      bool      `json:"stream"`
}

type response struct {
	Choices []struct {
		Message      message `json:"message"`
		FinishReason string  `json:"finish_reason"`
	} `json:"choices"`
	Error *struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

// ErrEmpty is an answer with no text.
var ErrEmpty = errors.New("the model answered with no text")

// Complete sends a system and a user message and returns the model's answer. Errors name the
// status and the endpoint's error type, never the prompt.
func (c *Client) Complete(ctx context.Context, system, user string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	body, err := json.Marshal(request{Model: c.cfg.Model, Temperature: 0.4, MaxTokens: 700,
		Messages: []message{{Role: "system", Content: system}, {Role: "user", Content: user}}})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("llm request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("llm: no answer within %s", c.cfg.Timeout)
		}
		return "", fmt.Errorf("llm: %w", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("llm: read answer: %w", err)
	}
	var out response
	jsonErr := json.Unmarshal(raw, &out)
	if resp.StatusCode/100 != 2 {
		kind := ""
		if jsonErr == nil && out.Error != nil {
			kind = " (" + out.Error.Type + ")"
		}
		return "", fmt.Errorf("llm: HTTP %d%s", resp.StatusCode, kind)
	}
	if jsonErr != nil {
		return "", fmt.Errorf("llm: the answer is not chat-completions JSON")
	}
	if len(out.Choices) == 0 || strings.TrimSpace(out.Choices[0].Message.Content) == "" {
		return "", ErrEmpty
	}
	return strings.TrimSpace(out.Choices[0].Message.Content), nil
}
