package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/deescalate/deescalate/bot"
	"github.com/deescalate/deescalate/bot/llm"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/config"
	"github.com/deescalate/deescalate/store"
)

// newLogger builds the structured logger: JSON lines (or console text) on stderr.
func newLogger(level, format string, w io.Writer) *zap.Logger {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		lvl = zapcore.InfoLevel
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	var encoder zapcore.Encoder
	if format == "console" {
		encoder = zapcore.NewConsoleEncoder(enc)
	} else {
		encoder = zapcore.NewJSONEncoder(enc)
	}
	return zap.New(zapcore.NewCore(encoder, zapcore.AddSync(w), lvl))
}

// coachFor builds the coach: the built-in playbook, with the team's PLAYBOOK_FILE applied. A
// file that cannot be read or holds mistakes is a *config.Error listing every problem.
func coachFor(c config.Config) (*coach.Coach, error) {
	if c.PlaybookFile == "" {
		return coach.New(coach.DefaultPlaybook()), nil
	}
	f, err := os.Open(c.PlaybookFile)
	if err != nil {
		return nil, &config.Error{Problems: []string{fmt.Sprintf("PLAYBOOK_FILE: %v", err)}}
	}
	defer f.Close()
	pb, err := coach.Overridden(c.PlaybookFile, f)
	if err != nil {
		// Each line is one problem, and names the file, the rule and the field.
		var problems []string
		for line := range strings.Lines(err.Error()) {
			problems = append(problems, "PLAYBOOK_FILE "+strings.TrimSuffix(line, "\n"))
		}
		return nil, &config.Error{Problems: problems}
	}
	return coach.New(pb), nil
}

// withCoach builds the coach for c and reports its playbook's problems in one list with err's
// (c's own validation), so every configuration problem is told at once.
func withCoach(c config.Config, err error) (*coach.Coach, error) {
	var problems []string
	var ce *config.Error
	switch {
	case errors.As(err, &ce):
		problems = slices.Clone(ce.Problems)
	case err != nil:
		return nil, err
	}
	co, err := coachFor(c)
	switch {
	case errors.As(err, &ce):
		problems = append(problems, ce.Problems...)
	case err != nil:
		return nil, err
	}
	if len(problems) > 0 {
		return nil, &config.Error{Problems: problems}
	}
	return co, nil
}

// load reads the configuration from the environment and builds the coach it names.
func load(needSlack bool) (config.Config, *coach.Coach, error) {
	cfg, err := config.Load(needSlack)
	co, err := withCoach(cfg, err)
	return cfg, co, err
}

// parts splits the configuration into what each package takes.
func parts(c config.Config, co *coach.Coach) (bot.Config, store.Options, *coach.Coach) {
	co = co.WithLedger(coach.Ledger{ReminderLead: c.ReminderLead.Duration, WaitAck: c.WaitAck.Duration, LeadAfter: c.LeadAlertAfter.Duration})
	bc := bot.Config{
		WatchChannels: c.WatchChannels, AgentUsergroup: c.AgentUsergroup, AgentUsers: c.AgentUsers,
		ClaimReaction: c.ClaimReaction, NudgeCooldown: c.NudgeCooldown.Duration,
		EventTimeout: c.EventTimeout.Duration, ShutdownTimeout: c.ShutdownTimeout.Duration,
		OnDutyUsergroup: c.OnDutyUsergroup, OnDutyUsers: c.OnDutyUsers,
		LeadUsergroup: c.LeadUsergroup, LeadUsers: c.LeadUsers, SchedulePoll: c.SchedulePoll.Duration,
		TeamZone: c.TeamTZ.Location, DigestDay: c.DigestDay.Weekday, DigestTime: c.DigestTime.Duration,
		DigestLeadsAuto: c.DigestLeadsAuto.Value, NudgeBudget: c.NudgeBudget.Value,
	}
	if c.LLMURL != "" {
		bc.LLM = llm.New(llm.Config{URL: c.LLMURL, Model: c.LLMModel, APIKey: c.LLMAPIKey, Timeout: c.LLMTimeout.Duration})
	}
	so := store.Options{URL: c.RedisURL, Prefix: c.RedisPrefix, Retention: c.Retention.Duration, AggregateRetention: c.AggRetention.Duration}
	return bc, so, co
}

// runBot runs the bot until ctx ends (SIGTERM or SIGINT): it stops reading, lets the work in
// flight finish (SHUTDOWN_TIMEOUT), then closes Redis.
func runBot(ctx context.Context, stderr io.Writer) error {
	cfg, co, err := load(true)
	if err != nil {
		return err
	}
	bc, so, c := parts(cfg, co)
	log := newLogger(cfg.LogLevel, cfg.LogFormat, stderr)
	defer func() { _ = log.Sync() }()

	st, err := store.New(ctx, so)
	if err != nil {
		return err
	}
	defer st.Close()
	if st.Embedded() {
		log.Warn("REDIS_URL is not set: using an embedded in-process Redis; threads, cooldowns and schedules are lost when the process stops. Set REDIS_URL for production.")
	}

	api := slack.New(cfg.SlackBotToken, slack.OptionAPIURL(cfg.SlackAPIURL), slack.OptionAppLevelToken(cfg.SlackAppToken),
		slack.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second}))
	b := bot.New(bc, api, st, c, log)

	if cfg.HTTPAddr != "" && cfg.HTTPAddr != "off" {
		srv := &http.Server{Addr: cfg.HTTPAddr, Handler: b.Handler(), ReadHeaderTimeout: 5 * time.Second}
		ln, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
		}
		log.Info("serving probes", zap.String("addr", ln.Addr().String()))
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("probe server stopped", zap.Error(err))
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	return b.Run(ctx)
}

// quietLevel is the log level of simulate and demo: warnings only, unless LOG_LEVEL says.
func quietLevel() string {
	if v, ok := os.LookupEnv("LOG_LEVEL"); ok {
		return v
	}
	return "warn"
}
