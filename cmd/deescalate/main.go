// Command deescalate is the Deescalate Slack app: it runs the bot (wire.go builds it from the
// configuration), and offline it analyzes messages, drafts replies, checks saved replies and
// playbooks, replays a Slack export, plays scenarios (simulate, demo) and serves the playground.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/deescalate/deescalate/bot/sim"
	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/config"
)

const usage = `Usage: deescalate [command] [arguments]

Commands:
  run                 run the bot (the default): needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN
  demo                the product tour: a built-in conversation against a fake Slack, no workspace needed
  playground [--port PORT]
                      try it in the browser: the bot, a fake Slack and Redis behind a page on 127.0.0.1
  analyze             read messages as JSON lines on stdin, write their analysis as JSON lines
  draft [flags]       read a customer message on stdin, print a calm reply to it
  check [flags] PATH...
                      lint saved replies with the agent-side rules, or validate a playbook
  replay [flags] EXPORT
                      replay a Slack workspace export through the rules
  simulate FILE.json  play a scenario on a virtual clock; one JSON line per call a person
                      would see
  version             print the version, the commit it was built from and its date
  help [command]      show this help, or a command's

Run "deescalate COMMAND --help" for a command's own flags.

Configuration comes from the environment; README.md lists every variable. The formats
analyze and simulate read and write are documented in the repository, in
docs/analysis-contract.md and docs/scenarios.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a command line that cannot be run. usage is the help of the command it was
// meant for (the overview when empty), printed after the message.
type usageError struct{ msg, usage string }

func (e usageError) Error() string { return e.msg }

// exitCode prints err and maps it to the exit status: 0 success (and help asked for), 2 bad
// configuration, bad usage or an invalid scenario, 1 anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
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
			help := ue.usage
			if help == "" {
				help = usage
			}
			fmt.Fprint(stderr, "\n"+help)
		}
		return 2
	}
	return 1
}

// flags are a command's flag set and the help that -h prints: how to call it, what it does,
// and its flags.
type flags struct {
	*flag.FlagSet
	synopsis, about string
}

// newFlags starts a command's flags. synopsis follows "deescalate" in the usage line; about
// says what the command does.
func newFlags(name, synopsis, about string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flags{FlagSet: fs, synopsis: synopsis, about: about}
}

// usage is the command's help.
func (f *flags) usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: deescalate %s\n\n%s\n", f.synopsis, f.about)
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString("\nFlags:\n")
		f.SetOutput(&b)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
	return b.String()
}

// parse reads the command line. -h or --help prints the help on stdout and returns
// flag.ErrHelp (exit 0); an unknown flag or a bad value is a usage error (exit 2, with the help
// on stderr).
func (f *flags) parse(args []string, stdout io.Writer) error {
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, f.usage())
		return err
	}
	if err != nil {
		return f.fail("%v", err)
	}
	return nil
}

// fail is a usage error of this command.
func (f *flags) fail(format string, args ...any) error {
	return usageError{msg: f.Name() + ": " + fmt.Sprintf(format, args...), usage: f.usage()}
}

// noArgs parses the command line of a command that takes no arguments.
func (f *flags) noArgs(args []string, stdout io.Writer, why string) error {
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return f.fail("%s", why)
	}
	return nil
}

// loader gives the configuration and the coach it names. The offline commands call it after
// reading their command line, so --help and usage errors need no valid configuration.
type loader func() (config.Config, *coach.Coach, error)

// offlineCoach is the loader of the commands that need no Slack: the configuration (for
// PLAYBOOK_FILE and the ledger's timings) and the playbook it names.
func offlineCoach() (config.Config, *coach.Coach, error) { return load(false) }

// run is the whole program, with its inputs and outputs passed in so tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		f := newFlags("run", "run", "Runs the bot: connects to Slack over Socket Mode and coaches in the channels it is a member of\n"+
			"until SIGTERM or SIGINT. Needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN; every setting comes from the\n"+
			"environment (README.md, \"Configuration\").")
		if err := f.noArgs(args, stdout, "takes no arguments: settings come from the environment"); err != nil {
			return err
		}
		return runBot(ctx, stderr)
	case "demo":
		f := newFlags("demo", "demo", "The product tour: plays one conversation in a support channel against the real bot, a fake Slack\n"+
			"and an embedded Redis on a simulated clock, and shows under each message what Deescalate showed,\n"+
			"and to whom: nudges, a draft, a reminder, the weekly digest, App Home. Needs no workspace.")
		if err := f.noArgs(args, stdout, "takes no arguments"); err != nil {
			return err
		}
		return runDemo(ctx, stdout, stderr)
	case "simulate":
		return runSimulate(ctx, args, stdout, stderr)
	case "playground":
		return runPlayground(ctx, args, stdout, stderr)
	case "analyze":
		f := newFlags("analyze", "analyze < messages.jsonl > analysis.jsonl",
			"Reads one JSON object a line on stdin (id, text, role, now, tz, reply_to) and writes one\n"+
				"analysis a line on stdout, in the same order: upset, intensity, cues, issues,\n"+
				"outcome_question, promise, themes, praise, nudges. A line it cannot read gets an error\n"+
				"object on its line.\n"+
				"The fields and time conventions: docs/analysis-contract.md in the repository.")
		if err := f.noArgs(args, stdout, "reads JSON lines on stdin and takes no arguments"); err != nil {
			return err
		}
		_, c, err := offlineCoach()
		if err != nil {
			return err
		}
		return runAnalyze(stdin, stdout, c, time.Now)
	case "draft":
		return runDraft(args, stdin, stdout, offlineCoach, time.Now)
	case "check":
		return runCheck(args, stdin, stdout, offlineCoach)
	case "replay":
		return runReplay(args, stdout, stderr, offlineCoach)
	case "version", "--version":
		f := newFlags("version", "version", "Prints the version of the module, the commit it was built from and that commit's date.")
		if err := f.noArgs(args, stdout, "takes no arguments"); err != nil {
			return err
		}
		_, err := fmt.Fprintln(stdout, version(debug.ReadBuildInfo()))
		return err
	case "help", "-h", "-help", "--help":
		if len(args) > 0 && args[0] != "help" && !strings.HasPrefix(args[0], "-") {
			return run(ctx, []string{args[0], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{msg: fmt.Sprintf("unknown command %q", cmd)}
}

// version describes the build: the module's version, the commit and its date, from the build
// information Go stamps into the binary ("(devel)" and "unknown" where it has none: go run,
// a build outside a git checkout).
func version(info *debug.BuildInfo, ok bool) string {
	v, commit, date, modified := "(devel)", "unknown", "unknown", false
	if ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				date = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += " (with local changes)"
	}
	out := fmt.Sprintf("deescalate %s\ncommit %s\ncommit date %s", v, commit, date)
	if ok && info.GoVersion != "" {
		out += "\nbuilt with " + info.GoVersion
	}
	return out
}
