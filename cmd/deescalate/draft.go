package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach"
)

// runDraft reads a customer message on stdin and prints a calm reply to it: the same
// composer the bot uses, for use outside Slack and for tests.
func runDraft(args []string, stdin io.Reader, stdout io.Writer, c *coach.Coach, now func() time.Time) error {
	fs := flag.NewFlagSet("draft", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	tone := fs.String("tone", "warm", "warm, concise or formal")
	name := fs.String("name", "", "the agent's name (signs formal drafts)")
	customer := fs.String("customer", "", "the customer's name, for the greeting")
	tz := fs.String("tz", "UTC", "the agent's time zone (IANA name): the follow-up falls in their working hours")
	ctz := fs.String("customer-tz", "", "the customer's time zone, for how the follow-up time is written (default: --tz)")
	at := fs.String("now", "", "the time to draft at, RFC 3339 (default: now)")
	if err := fs.Parse(args); err != nil {
		return usageError{"draft: " + err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"draft reads the customer's message on stdin and takes only flags"}
	}
	t, err := coach.ParseTone(*tone)
	if err != nil {
		return usageError{"draft: --tone: " + err.Error()}
	}
	zone, err := time.LoadLocation(*tz)
	if err != nil {
		return usageError{fmt.Sprintf("draft: --tz: unknown time zone %q", *tz)}
	}
	customerZone := zone
	if *ctz != "" {
		if customerZone, err = time.LoadLocation(*ctz); err != nil {
			return usageError{fmt.Sprintf("draft: --customer-tz: unknown time zone %q", *ctz)}
		}
	}
	when := now()
	if *at != "" {
		if when, err = time.Parse(time.RFC3339, *at); err != nil {
			return usageError{fmt.Sprintf("draft: --now: %q is not an RFC 3339 time (2026-03-10T15:04:05Z)", *at)}
		}
	}
	raw, err := io.ReadAll(io.LimitReader(stdin, 1<<20))
	if err != nil {
		return fmt.Errorf("read the message: %w", err)
	}
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return usageError{"draft: write the customer's message on stdin"}
	}
	d := c.Draft(coach.DraftRequest{Text: text, Customer: *customer, Agent: *name, Zone: zone, CustomerZone: customerZone, Now: when, Tone: t})
	_, err = fmt.Fprintln(stdout, d.Text)
	return err
}
