package config

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// clearEnv unsets every variable Config reads, so the machine's environment cannot leak in.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, name := range names() {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

func names() []string { return Names() }

const (
	bot = "xoxb-1111-2222-abcdefghijkl"
	app = "xapp-1-A111-2222-abcdef"
)

func TestDefaults(t *testing.T) {
	clearEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", bot)
	t.Setenv("SLACK_APP_TOKEN", app)
	c, err := Load(true)
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisURL != "" || c.RedisPrefix != "deescalate" || c.ClaimReaction != "eyes" || c.LogLevel != "info" ||
		c.LogFormat != "json" || c.HTTPAddr != ":8080" || c.SlackAPIURL != "https://slack.com/api/" ||
		c.NudgeCooldown.Duration != 30*time.Minute || c.EventTimeout.Duration != 10*time.Second ||
		c.ShutdownTimeout.Duration != 10*time.Second || c.Retention.Duration != 30*24*time.Hour {
		t.Errorf("defaults = %+v", c)
	}
}

func TestValues(t *testing.T) {
	clearEnv(t)
	for k, v := range map[string]string{
		"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app, "SLACK_API_URL": "https://slack-gov.com/api",
		"REDIS_URL": "rediss://bot:pw@redis:6380/1", "REDIS_PREFIX": "acme-prod",
		"WATCH_CHANNELS": " C0123ABCD, support-acme ,#vip,", "AGENT_USERGROUP": "S0AGENTS", "AGENT_USERS": "U0ANA,W0LEE",
		"CLAIM_REACTION": ":raising_hand:", "NUDGE_COOLDOWN": "45m", "EVENT_TIMEOUT": "20s", "SHUTDOWN_TIMEOUT": "30s",
		"RETENTION": "2160h", "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "console", "HTTP_ADDR": "127.0.0.1:9090",
	} {
		t.Setenv(k, v)
	}
	c, err := Load(true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.WatchChannels, []string{"C0123ABCD", "support-acme", "#vip"}) {
		t.Errorf("WATCH_CHANNELS = %q", c.WatchChannels)
	}
	if !slices.Equal(c.AgentUsers, []string{"U0ANA", "W0LEE"}) || c.AgentUsergroup != "S0AGENTS" {
		t.Errorf("agents = %q %q", c.AgentUsergroup, c.AgentUsers)
	}
	if c.ClaimReaction != "raising_hand" || c.LogLevel != "debug" || c.SlackAPIURL != "https://slack-gov.com/api/" {
		t.Errorf("normalised values = %q %q %q", c.ClaimReaction, c.LogLevel, c.SlackAPIURL)
	}
	if c.NudgeCooldown.Duration != 45*time.Minute || c.Retention.Duration != 90*24*time.Hour {
		t.Errorf("durations = %v %v", c.NudgeCooldown, c.Retention)
	}
}

func TestTokensAreOptionalOffline(t *testing.T) {
	clearEnv(t)
	if _, err := Load(false); err != nil {
		t.Fatalf("Load(false) with no tokens: %v", err)
	}
}

func TestEveryProblemIsListed(t *testing.T) {
	tests := []struct {
		name, key, value string
		want             string
	}{
		{"bot token missing", "SLACK_BOT_TOKEN", "", "SLACK_BOT_TOKEN is not set"},
		{"bot token of the wrong kind", "SLACK_BOT_TOKEN", "xoxp-user-token-123", "SLACK_BOT_TOKEN must be a bot token"},
		{"app token missing", "SLACK_APP_TOKEN", "", "SLACK_APP_TOKEN is not set"},
		{"app token of the wrong kind", "SLACK_APP_TOKEN", "xoxb-not-an-app-token", "SLACK_APP_TOKEN must be an app-level token"},
		{"api url", "SLACK_API_URL", "ftp://x", "SLACK_API_URL must be an http(s) URL"},
		{"redis url scheme", "REDIS_URL", "memcache://h:1", "REDIS_URL must look like"},
		{"redis url without host", "REDIS_URL", "redis://", "REDIS_URL must look like"},
		{"prefix with a colon", "REDIS_PREFIX", "a:b", "REDIS_PREFIX must be"},
		{"empty prefix", "REDIS_PREFIX", "", "REDIS_PREFIX must be"},
		{"bad channel", "WATCH_CHANNELS", "Support Team", `WATCH_CHANNELS: "Support Team"`},
		{"bad group", "AGENT_USERGROUP", "agents", "AGENT_USERGROUP must be a user group id"},
		{"bad agent", "AGENT_USERS", "U0ANA,ana", `AGENT_USERS: "ana"`},
		{"bad reaction", "CLAIM_REACTION", "eyes please", "CLAIM_REACTION must be an emoji name"},
		{"unparsable duration", "NUDGE_COOLDOWN", "half an hour", `NUDGE_COOLDOWN: "half an hour" is not a duration`},
		{"negative duration", "NUDGE_COOLDOWN", "-5m", "NUDGE_COOLDOWN must be between 0 and 7d"},
		{"event timeout too short", "EVENT_TIMEOUT", "10ms", "EVENT_TIMEOUT must be between 1s and 5m0s"},
		{"shutdown timeout too long", "SHUTDOWN_TIMEOUT", "1h", "SHUTDOWN_TIMEOUT must be between"},
		{"retention too short", "RETENTION", "5m", "RETENTION must be between"},
		{"log level", "LOG_LEVEL", "verbose", "LOG_LEVEL must be debug, info, warn or error"},
		{"log format", "LOG_FORMAT", "xml", "LOG_FORMAT must be json or console"},
		{"http addr", "HTTP_ADDR", "8080", "HTTP_ADDR must be host:port"},
		{"llm url scheme", "LLM_URL", "localhost:11434", "LLM_URL must be an http(s) URL"},
		{"llm url without a model", "LLM_URL", "http://localhost:11434/v1", "LLM_MODEL must name the model"},
		{"llm model without a url", "LLM_MODEL", "llama3.1:8b", "LLM_MODEL or LLM_API_KEY is set but LLM_URL is not"},
		{"llm timeout", "LLM_TIMEOUT", "5ms", "LLM_TIMEOUT must be between 1s and 2m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("SLACK_BOT_TOKEN", bot)
			t.Setenv("SLACK_APP_TOKEN", app)
			t.Setenv(tt.key, tt.value)
			_, err := Load(true)
			if err == nil {
				t.Fatalf("%s=%q: no error", tt.key, tt.value)
			}
			if !IsConfigError(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s=%q: error %q, want it to contain %q", tt.key, tt.value, err, tt.want)
			}
			if !strings.Contains(err.Error(), `README.md, section "Configuration"`) {
				t.Errorf("error does not point to the README: %q", err)
			}
		})
	}
}

func TestAllProblemsAtOnceAndNoTokenShown(t *testing.T) {
	clearEnv(t)
	secret := "xoxp-9999-SECRET-VALUE"
	t.Setenv("SLACK_BOT_TOKEN", secret)
	t.Setenv("NUDGE_COOLDOWN", "soon")
	t.Setenv("LOG_LEVEL", "loud")
	t.Setenv("REDIS_URL", "redis://user:hunter2@/")
	t.Setenv("LLM_URL", "ftp://key:sk-LLMSECRET@llm.example/v1?api_key=sk-LLMSECRET")
	t.Setenv("LLM_MODEL", "m")
	t.Setenv("LLM_API_KEY", "sk-LLMSECRET")
	_, err := Load(true)
	var e *Error
	if !errorsAs(err, &e) {
		t.Fatalf("error %v is not a *config.Error", err)
	}
	if len(e.Problems) != 6 {
		t.Errorf("got %d problems, want 6 (bot token, app token, redis url, cooldown, log level, llm url):\n%v", len(e.Problems), err)
	}
	for _, leak := range []string{"SECRET", "hunter2"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("the error shows a secret (%s): %v", leak, err)
		}
	}
}

func errorsAs(err error, e **Error) bool {
	var ok bool
	*e, ok = err.(*Error)
	return ok
}

func TestSet(t *testing.T) {
	clearEnv(t)
	c, err := Load(false)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"NUDGE_COOLDOWN": "5m", "WATCH_CHANNELS": "a,b", "CLAIM_REACTION": "wave"} {
		if err := c.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Validate(false); err != nil {
		t.Fatal(err)
	}
	if c.NudgeCooldown.Duration != 5*time.Minute || !slices.Equal(c.WatchChannels, []string{"a", "b"}) || c.ClaimReaction != "wave" {
		t.Errorf("after Set: %+v", c)
	}
	if err := c.Set("NO_SUCH_SETTING", "1"); err == nil || !strings.Contains(err.Error(), "NO_SUCH_SETTING") {
		t.Errorf("Set of an unknown name: %v", err)
	}
	c.Set("NUDGE_COOLDOWN", "later")
	if err := c.Validate(false); err == nil || !strings.Contains(err.Error(), "NUDGE_COOLDOWN") {
		t.Errorf("Validate after a bad Set: %v", err)
	}
}
