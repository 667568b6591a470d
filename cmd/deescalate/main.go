// Command deescalate is the Deescalate Slack app: it runs the bot, and offline it plays
// scenarios (simulate, demo).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/config"
)

const usage = `Usage: deescalate [command] [arguments]

Commands:
  run                 run the bot (the default): needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN
  demo                play a built-in conversation against a fake Slack, no workspace needed
  analyze             read messages as JSON lines on stdin, write their analysis (the eval
                      contract: ../shared/eval/README.md)
  draft [flags]       read a customer message on stdin, print a calm reply to it
                      (--tone warm|concise|formal, --name AGENT, --customer NAME,
                      --tz ZONE, --customer-tz ZONE, --now RFC3339)
  check [flags] PATH...
                      lint saved replies (files, folders, or - for stdin) with the
                      agent-side rules: exit 1 when something is found, 0 when clean,
                      2 on bad input (--format text|json, --upset, --playbook FILE);
                      check --playbook FILE alone validates it and lists its changes
  replay [flags] EXPORT
                      replay a Slack workspace export (folder or .zip) through the
                      rules: the nudges, promises, waits and weekly digests it would
                      have produced (--format text|json, --agents ID,..., --team-tz ZONE)
  simulate FILE.json  play a scenario on a virtual clock; prints one JSON line per call a
                      person would see (format: ../shared/eval/SCENARIOS.md)
  help                show this help

Configuration comes from the environment; README.md lists every variable.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a command line that cannot be run.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitCode prints err and maps it to the exit status: 0 success, 2 bad configuration, bad
// usage or an invalid scenario, 1 anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errFound) {
		return 1 // check found something and said what
	}
	fmt.Fprintln(stderr, "deescalate:", err)
	var ue usageError
	var inv *sim.InvalidError
	var bad badInput
	var pbe playbookError
	if config.IsConfigError(err) || errors.As(err, &ue) || errors.As(err, &inv) || errors.As(err, &bad) || errors.As(err, &pbe) {
		if errors.As(err, &ue) {
			fmt.Fprint(stderr, "\n"+usage)
		}
		return 2
	}
	return 1
}

// offlineCoach is the coach the commands that need no Slack use: the configuration (for
// PLAYBOOK_FILE and the ledger's timings) and the playbook it names.
func offlineCoach() (config.Config, *coach.Coach, error) {
	cfg, err := config.Load(false)
	if err != nil {
		return cfg, nil, err
	}
	c, err := coachFor(cfg)
	return cfg, c, err
}

// run is the whole program, with its inputs and outputs passed in so tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		if len(args) > 0 {
			return usageError{"run takes no arguments"}
		}
		return runBot(ctx, stderr)
	case "demo":
		if len(args) > 0 {
			return usageError{"demo takes no arguments"}
		}
		return runDemo(ctx, stdout, stderr)
	case "simulate":
		if len(args) != 1 {
			return usageError{"simulate needs exactly one scenario file"}
		}
		return runSimulate(ctx, args[0], stdout, stderr)
	case "analyze", "draft", "check", "replay":
		if cmd == "analyze" && len(args) > 0 {
			return usageError{"analyze reads JSON lines on stdin and takes no arguments"}
		}
		cfg, c, err := offlineCoach()
		if err != nil {
			return err
		}
		switch cmd {
		case "analyze":
			return runAnalyze(stdin, stdout, c, time.Now)
		case "draft":
			return runDraft(args, stdin, stdout, c, time.Now)
		case "check":
			return runCheck(args, stdin, stdout, c)
		}
		c = c.WithLedger(coach.Ledger{ReminderLead: cfg.ReminderLead.Duration, WaitAck: cfg.WaitAck.Duration})
		return runReplay(args, stdout, stderr, c)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}
