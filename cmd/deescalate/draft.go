package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach"
)

// runDraft reads a customer message on stdin and prints a calm reply to it: the same
// composer the bot uses, for use outside Slack and for tests.
func runDraft(args []string, stdin io.Reader, stdout io.Writer, load loader, now func() time.Time) error {
	fs := newFlags("draft", "draft [flags] < message.txt",
		"Reads a customer's message on stdin and prints a calm reply to it, as the bot's \"Draft a calm\n"+
			"reply\" does: the feeling named, the problems said back, a follow-up time the agent can keep.")
	tone := fs.String("tone", "warm", "`TONE`: warm, concise or formal")
	name := fs.String("name", "", "the agent's `NAME` (signs formal drafts)")
	customer := fs.String("customer", "", "the customer's `NAME`, for the greeting")
	tz := fs.String("tz", "UTC", "the agent's time `ZONE` (IANA name): the follow-up falls in their working hours")
	ctz := fs.String("customer-tz", "", "the customer's time `ZONE`, for how the follow-up time is written (default: --tz)")
	at := fs.String("now", "", "the `TIME` to draft at, RFC 3339 (default: now)")
	if err := fs.parse(args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fs.fail("reads the customer's message on stdin and takes only flags")
	}
	t, err := coach.ParseTone(*tone)
	if err != nil {
		return fs.fail("--tone: %v", err)
	}
	zone, err := time.LoadLocation(*tz)
	if err != nil {
		return fs.fail("--tz: unknown time zone %q", *tz)
	}
	customerZone := zone
	if *ctz != "" {
		if customerZone, err = time.LoadLocation(*ctz); err != nil {
			return fs.fail("--customer-tz: unknown time zone %q", *ctz)
		}
	}
	when := now()
	if *at != "" {
		if when, err = time.Parse(time.RFC3339, *at); err != nil {
			return fs.fail("--now: %q is not an RFC 3339 time (2026-03-10T15:04:05Z)", *at)
		}
	}
	_, c, err := load()
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(stdin, 1<<20))
	if err != nil {
		return fmt.Errorf("read the message: %w", err)
	}
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return fs.fail("write the customer's message on stdin")
	}
	d := c.Draft(coach.DraftRequest{Text: text, Customer: *customer, Agent: *name, Zone: zone, CustomerZone: customerZone, Now: when, Tone: t})
	_, err = fmt.Fprintln(stdout, d.Text)
	return err
}
