package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach"
)

// analyzeInput is one line of the analysis contract (docs/analysis-contract.md).
type analyzeInput struct {
	ID      *string `json:"id"`
	Text    *string `json:"text"`
	Role    string  `json:"role"`
	Now     string  `json:"now"`
	TZ      string  `json:"tz"`
	ReplyTo string  `json:"reply_to"`
}

type promiseOut struct {
	Text string  `json:"text"`
	Due  *string `json:"due"`
}

type analyzeOutput struct {
	ID              string      `json:"id"`
	Error           string      `json:"error,omitempty"`
	Upset           bool        `json:"upset"`
	Intensity       float64     `json:"intensity"`
	Cues            []string    `json:"cues"`
	Issues          []string    `json:"issues"`
	OutcomeQuestion bool        `json:"outcome_question"`
	Promise         *promiseOut `json:"promise"`
	Themes          []string    `json:"themes"`
	Praise          bool        `json:"praise"`
	Nudges          []string    `json:"nudges"`
}

type analyzeError struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}

// runAnalyze is the contract's filter: one JSON object in, one out, same order. A line that
// cannot be read gets an error object on its line and the filter goes on.
func runAnalyze(stdin io.Reader, stdout io.Writer, c *coach.Coach, clock func() time.Time) error {
	in := bufio.NewReaderSize(stdin, 1<<16)
	out := bufio.NewWriterSize(stdout, 1<<16)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			if werr := enc.Encode(analyzeLine(line, c, clock)); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
	}
}

func analyzeLine(line []byte, c *coach.Coach, clock func() time.Time) any {
	var in analyzeInput
	if err := json.Unmarshal(line, &in); err != nil {
		var id struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(line, &id)
		return analyzeError{ID: id.ID, Error: "not a JSON object: " + err.Error()}
	}
	id := ""
	if in.ID != nil {
		id = *in.ID
	}
	switch {
	case in.ID == nil:
		return analyzeError{ID: id, Error: `field "id" is required`}
	case in.Text == nil:
		return analyzeError{ID: id, Error: `field "text" is required`}
	}
	role := coach.RoleCustomer
	switch in.Role {
	case "", "customer":
	case "agent":
		role = coach.RoleAgent
	default:
		return analyzeError{ID: id, Error: fmt.Sprintf(`field "role": want "customer" or "agent", got %q`, in.Role)}
	}
	zone := time.UTC
	if in.TZ != "" {
		z, err := time.LoadLocation(in.TZ)
		if err != nil {
			return analyzeError{ID: id, Error: fmt.Sprintf(`field "tz": unknown zone %q`, in.TZ)}
		}
		zone = z
	}
	now := clock()
	if in.Now != "" {
		t, err := time.Parse(time.RFC3339, in.Now)
		if err != nil {
			return analyzeError{ID: id, Error: fmt.Sprintf(`field "now": %q is not an RFC 3339 time`, in.Now)}
		}
		now = t
	}
	msg := coach.Message{Text: *in.Text, Role: role, Now: now.In(zone), Zone: zone}
	a := c.Analyze(msg)
	out := analyzeOutput{ID: id, Upset: a.Upset, Intensity: round(a.Intensity), Cues: nonNil(a.Cues),
		Issues: nonNil(a.Issues), OutcomeQuestion: a.OutcomeQuestion, Themes: nonNil(a.Themes), Praise: a.Praise}
	if a.Promise != nil {
		out.Promise = &promiseOut{Text: a.Promise.Text}
		if !a.Promise.Due.IsZero() {
			due := a.Promise.Due.In(zone).Format(time.RFC3339)
			out.Promise.Due = &due
		}
	}
	out.Nudges = nonNil(c.Nudges(msg, in.ReplyTo))
	return out
}

func round(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
