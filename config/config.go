// Package config reads the bot's settings from the environment. Every setting has a
// documented default (README, "Configuration"); Load checks them all and reports every
// problem in one error, and never prints a token.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Config is every setting. Only cmd/deescalate reads it; it hands each package its part.
type Config struct {
	SlackBotToken string `envconfig:"SLACK_BOT_TOKEN"`
	SlackAppToken string `envconfig:"SLACK_APP_TOKEN"`
	SlackAPIURL   string `envconfig:"SLACK_API_URL" default:"https://slack.com/api/"`

	RedisURL    string `envconfig:"REDIS_URL"`
	RedisPrefix string `envconfig:"REDIS_PREFIX" default:"deescalate"`

	WatchChannels  []string `envconfig:"WATCH_CHANNELS"`
	AgentUsergroup string   `envconfig:"AGENT_USERGROUP"`
	AgentUsers     []string `envconfig:"AGENT_USERS"`
	ClaimReaction  string   `envconfig:"CLAIM_REACTION" default:"eyes"`

	PlaybookFile string `envconfig:"PLAYBOOK_FILE"`

	ReminderLead    Duration `envconfig:"REMINDER_LEAD" default:"15m"`
	WaitAck         Duration `envconfig:"WAIT_ACK" default:"10m"`
	OnDutyUsergroup string   `envconfig:"ONDUTY_USERGROUP"`
	OnDutyUsers     []string `envconfig:"ONDUTY_USERS"`
	LeadUsergroup   string   `envconfig:"LEAD_USERGROUP"`
	LeadUsers       []string `envconfig:"LEAD_USERS"`
	LeadAlertAfter  Duration `envconfig:"LEAD_ALERT_AFTER" default:"0"`
	SchedulePoll    Duration `envconfig:"SCHEDULE_POLL" default:"1s"`

	TeamTZ          Zone     `envconfig:"TEAM_TZ" default:"UTC"`
	DigestDay       Weekday  `envconfig:"DIGEST_DAY" default:"Monday"`
	DigestTime      Clock    `envconfig:"DIGEST_TIME" default:"09:00"`
	DigestLeadsAuto Bool     `envconfig:"DIGEST_LEADS_AUTO" default:"true"`
	AggRetention    Duration `envconfig:"AGGREGATE_RETENTION" default:"2160h"`

	LLMURL     string   `envconfig:"LLM_URL"`
	LLMModel   string   `envconfig:"LLM_MODEL"`
	LLMAPIKey  string   `envconfig:"LLM_API_KEY"`
	LLMTimeout Duration `envconfig:"LLM_TIMEOUT" default:"8s"`

	NudgeCooldown   Duration `envconfig:"NUDGE_COOLDOWN" default:"30m"`
	NudgeBudget     Int      `envconfig:"NUDGE_BUDGET" default:"6"`
	EventTimeout    Duration `envconfig:"EVENT_TIMEOUT" default:"10s"`
	ShutdownTimeout Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"10s"`
	Retention       Duration `envconfig:"RETENTION" default:"720h"`

	LogLevel  string `envconfig:"LOG_LEVEL" default:"info"`
	LogFormat string `envconfig:"LOG_FORMAT" default:"json"`
	HTTPAddr  string `envconfig:"HTTP_ADDR" default:":8080"`
}

// The typed settings below decode leniently: a value that does not parse is kept as a
// problem for Validate to report with the others, instead of stopping the load. Each is
// parsed here once; the rest of the program reads the typed value.

// raw is what the environment said, and whether it parsed.
type raw struct {
	text string
	bad  bool
}

// Duration is a time.Duration ("90s", "15m", "2h").
type Duration struct {
	time.Duration
	raw
}

// Decode implements envconfig.Decoder.
func (d *Duration) Decode(s string) error {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	d.raw = raw{s, err != nil}
	if err == nil {
		d.Duration = v
	}
	return nil
}

// Zone is an IANA time zone ("Europe/London").
type Zone struct {
	*time.Location
	raw
}

// Decode implements envconfig.Decoder.
func (z *Zone) Decode(s string) error {
	s = strings.TrimSpace(s)
	loc, err := time.LoadLocation(s)
	z.raw = raw{s, err != nil || s == ""}
	if !z.bad {
		z.Location = loc
	}
	return nil
}

// Weekday is a day of the week by its English name or first three letters.
type Weekday struct {
	time.Weekday
	raw
}

// Decode implements envconfig.Decoder.
func (w *Weekday) Decode(s string) error {
	t := strings.TrimSpace(s)
	w.raw = raw{s, true}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(d.String(), t) || len(t) == 3 && strings.EqualFold(d.String()[:3], t) {
			w.Weekday, w.bad = d, false
		}
	}
	return nil
}

// Clock is a time of day, "09:00" or "17:30" (24-hour), as the time since midnight.
type Clock struct {
	time.Duration
	raw
}

// Decode implements envconfig.Decoder.
func (c *Clock) Decode(s string) error {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	c.raw = raw{s, err != nil}
	if err == nil {
		c.Duration = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	return nil
}

// Bool is true or false (as strconv.ParseBool reads it).
type Bool struct {
	Value bool
	raw
}

// Decode implements envconfig.Decoder.
func (b *Bool) Decode(s string) error {
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	b.raw = raw{s, err != nil}
	b.Value = v
	return nil
}

// Int is a whole number.
type Int struct {
	Value int
	raw
}

// Decode implements envconfig.Decoder.
func (n *Int) Decode(s string) error {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	n.raw = raw{s, err != nil}
	n.Value = v
	return nil
}

// Error lists every configuration problem.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("invalid configuration (see README.md, section \"Configuration\"):")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// Load reads the environment and validates it. needSlack says whether the Slack tokens are
// required (they are for running the bot, not for demo, simulate or analyze).
func Load(needSlack bool) (Config, error) {
	var c Config
	if err := envconfig.Process("", &c); err != nil {
		// Every typed field decodes leniently, so this is a value envconfig itself rejects.
		return c, &Error{Problems: []string{err.Error()}}
	}
	err := c.Validate(needSlack)
	return c, err
}

// Set changes one setting by its environment name, as a scenario's "env" block does.
func (c *Config) Set(name, value string) error {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Tag.Get("envconfig") != name {
			continue
		}
		fv := v.Field(i)
		switch p := fv.Addr().Interface().(type) {
		case envconfig.Decoder:
			return p.Decode(value)
		case *string:
			*p = value
		case *[]string:
			*p = strings.Split(value, ",")
		default:
			return fmt.Errorf("%s: cannot be set from a scenario", name)
		}
		return nil
	}
	return fmt.Errorf("unknown setting %q", name)
}

var (
	slackID      = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
	channelName  = regexp.MustCompile(`^#?[a-z0-9][a-z0-9._-]{0,79}$`)
	userID       = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	groupID      = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
	emojiName    = regexp.MustCompile(`^[a-z0-9_+'-]{1,64}$`)
	prefixFormat = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

// Validate checks every setting, normalises lists and returns an *Error listing all problems.
func (c *Config) Validate(needSlack bool) error {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	switch {
	case c.SlackBotToken == "" && needSlack:
		add("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page")
	case c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken, "xoxb-"):
		add("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (the value set has another form; it is not shown)")
	}
	switch {
	case c.SlackAppToken == "" && needSlack:
		add("SLACK_APP_TOKEN is not set: create an App-Level Token with the connections:write scope under Basic Information (xapp-…)")
	case c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-"):
		add("SLACK_APP_TOKEN must be an app-level token starting with xapp- (the value set has another form; it is not shown)")
	}
	if u, err := url.Parse(c.SlackAPIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		add("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/")
	} else if !strings.HasSuffix(c.SlackAPIURL, "/") {
		c.SlackAPIURL += "/"
	}

	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		schemes := []string{"redis", "rediss", "redis+sentinel", "rediss+sentinel", "redis+cluster", "rediss+cluster"}
		if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" {
			add("REDIS_URL must look like redis://[user:password@]host:6379/0 (or rediss://, redis+sentinel://, redis+cluster://); leave it empty for the embedded Redis")
		}
	}
	if !prefixFormat.MatchString(c.RedisPrefix) {
		add("REDIS_PREFIX must be 1-64 letters, digits, '.', '_' or '-', got %q", c.RedisPrefix)
	}

	c.WatchChannels = cleanList(c.WatchChannels)
	for _, ch := range c.WatchChannels {
		if !slackID.MatchString(ch) && !channelName.MatchString(ch) {
			add("WATCH_CHANNELS: %q is neither a channel id (C0123ABCD) nor a channel name (support-acme)", ch)
		}
	}
	for _, g := range []struct {
		name  string
		group *string
		users *[]string
	}{{"AGENT", &c.AgentUsergroup, &c.AgentUsers}, {"ONDUTY", &c.OnDutyUsergroup, &c.OnDutyUsers}, {"LEAD", &c.LeadUsergroup, &c.LeadUsers}} {
		*g.group = strings.TrimSpace(*g.group)
		if *g.group != "" && !groupID.MatchString(*g.group) {
			add("%s_USERGROUP must be a user group id such as S0123ABCD, got %q", g.name, *g.group)
		}
		*g.users = cleanList(*g.users)
		for _, u := range *g.users {
			if !userID.MatchString(u) {
				add("%s_USERS: %q is not a user id (U0123ABCD)", g.name, u)
			}
		}
	}
	c.ClaimReaction = strings.Trim(strings.TrimSpace(c.ClaimReaction), ":")
	if !emojiName.MatchString(c.ClaimReaction) {
		add("CLAIM_REACTION must be an emoji name such as eyes, got %q", c.ClaimReaction)
	}

	durations := []struct {
		name     string
		d        Duration
		min, max time.Duration
	}{
		{"NUDGE_COOLDOWN", c.NudgeCooldown, 0, 7 * 24 * time.Hour},
		{"EVENT_TIMEOUT", c.EventTimeout, time.Second, 5 * time.Minute},
		{"SHUTDOWN_TIMEOUT", c.ShutdownTimeout, time.Second, 10 * time.Minute},
		{"RETENTION", c.Retention, time.Hour, 366 * 24 * time.Hour},
		{"REMINDER_LEAD", c.ReminderLead, time.Minute, 24 * time.Hour},
		{"WAIT_ACK", c.WaitAck, time.Minute, 24 * time.Hour},
		{"LEAD_ALERT_AFTER", c.LeadAlertAfter, 0, 7 * 24 * time.Hour},
		{"SCHEDULE_POLL", c.SchedulePoll, 100 * time.Millisecond, time.Minute},
		{"LLM_TIMEOUT", c.LLMTimeout, time.Second, 2 * time.Minute},
		{"AGGREGATE_RETENTION", c.AggRetention, 7 * 24 * time.Hour, 3 * 366 * 24 * time.Hour},
	}
	for _, d := range durations {
		switch {
		case d.d.bad:
			add("%s: %q is not a duration (write it like 90s, 15m or 2h)", d.name, d.d.text)
		case d.d.Duration < d.min || d.d.Duration > d.max:
			add("%s must be between %s and %s, got %s", d.name, fmtDuration(d.min), fmtDuration(d.max), d.d.text)
		}
	}

	if c.LeadAlertAfter.Duration > 0 && c.LeadUsergroup == "" && len(c.LeadUsers) == 0 {
		add("LEAD_ALERT_AFTER is set but no lead is: set LEAD_USERGROUP or LEAD_USERS (or leave LEAD_ALERT_AFTER at 0)")
	}

	if c.TeamTZ.bad {
		add("TEAM_TZ must be an IANA time zone like Europe/London or America/New_York, got %q", c.TeamTZ.text)
	}
	if c.DigestDay.bad {
		add("DIGEST_DAY must be a day of the week like Monday, got %q", c.DigestDay.text)
	}
	if c.DigestTime.bad {
		add("DIGEST_TIME must be a time of day as HH:MM (24-hour), got %q", c.DigestTime.text)
	}
	if n := c.NudgeBudget; n.bad || n.Value < 0 || n.Value > 1000 {
		add("NUDGE_BUDGET must be a whole number of nudges per agent per hour between 0 (no limit) and 1000, got %q", n.text)
	}
	if c.DigestLeadsAuto.bad {
		add("DIGEST_LEADS_AUTO must be true or false, got %q", c.DigestLeadsAuto.text)
	}

	if c.LLMURL != "" {
		if u, err := url.Parse(c.LLMURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("LLM_URL must be an http(s) URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1, got %q", redactedURL(c.LLMURL))
		}
		if strings.TrimSpace(c.LLMModel) == "" {
			add("LLM_MODEL must name the model when LLM_URL is set (e.g. llama3.1:8b)")
		}
	} else if c.LLMModel != "" || c.LLMAPIKey != "" {
		add("LLM_MODEL or LLM_API_KEY is set but LLM_URL is not: set LLM_URL to use a language model for drafts")
	}

	c.LogLevel = strings.ToLower(strings.TrimSpace(c.LogLevel))
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		add("LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel)
	}
	c.LogFormat = strings.ToLower(strings.TrimSpace(c.LogFormat))
	if !slices.Contains([]string{"json", "console"}, c.LogFormat) {
		add("LOG_FORMAT must be json or console, got %q", c.LogFormat)
	}
	if c.HTTPAddr != "" && c.HTTPAddr != "off" {
		if _, port, ok := strings.Cut(c.HTTPAddr, ":"); !ok || port == "" {
			add("HTTP_ADDR must be host:port or :port (e.g. :8080), or off, got %q", c.HTTPAddr)
		}
	}
	if len(p) == 0 {
		return nil
	}
	return &Error{Problems: p}
}

func cleanList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func fmtDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// IsConfigError reports whether err is a configuration problem (exit status 2).
func IsConfigError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Names lists every environment variable Config reads, in declaration order.
func Names() []string {
	t := reflect.TypeFor[Config]()
	out := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("envconfig"); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// redactedURL shows a URL without its credentials or query, for an error message.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
