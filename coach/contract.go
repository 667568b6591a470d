package coach

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// The analysis contract (docs/analysis-contract.md): one message in, its analysis out. The
// `analyze` command and the trainer's cross-validation both answer through Judge, so the
// figures measured are the figures of the product.

// ContractInput is one message of the analysis contract.
type ContractInput struct {
	ID      *string `json:"id"`
	Text    *string `json:"text"`
	Role    string  `json:"role"`
	Now     string  `json:"now"`
	TZ      string  `json:"tz"`
	ReplyTo string  `json:"reply_to"`
}

// ContractPromise is a promise as the contract writes it; Due is nil for a promise with no time.
type ContractPromise struct {
	Text string  `json:"text"`
	Due  *string `json:"due"`
}

// ContractOutput is the analysis of one message.
type ContractOutput struct {
	ID              string           `json:"id"`
	Upset           bool             `json:"upset"`
	Intensity       float64          `json:"intensity"`
	Cues            []string         `json:"cues"`
	Issues          []string         `json:"issues"`
	OutcomeQuestion bool             `json:"outcome_question"`
	Promise         *ContractPromise `json:"promise"`
	Themes          []string         `json:"themes"`
	Praise          bool             `json:"praise"`
	Nudges          []string         `json:"nudges"`
}

// Judge analyses one contract message; now is the time used when the message has none. An
// error says which field is wrong.
func (c *Coach) Judge(in ContractInput, now time.Time) (ContractOutput, error) {
	out := ContractOutput{}
	if in.ID != nil {
		out.ID = *in.ID
	}
	switch {
	case in.ID == nil:
		return out, errors.New(`field "id" is required`)
	case in.Text == nil:
		return out, errors.New(`field "text" is required`)
	}
	role := RoleCustomer
	switch in.Role {
	case "", "customer":
	case "agent":
		role = RoleAgent
	default:
		return out, fmt.Errorf(`field "role": want "customer" or "agent", got %q`, in.Role)
	}
	zone := time.UTC
	if in.TZ != "" {
		z, err := time.LoadLocation(in.TZ)
		if err != nil {
			return out, fmt.Errorf(`field "tz": unknown zone %q`, in.TZ)
		}
		zone = z
	}
	if in.Now != "" {
		t, err := time.Parse(time.RFC3339, in.Now)
		if err != nil {
			return out, fmt.Errorf(`field "now": %q is not an RFC 3339 time`, in.Now)
		}
		now = t
	}
	m := Message{Text: *in.Text, Role: role, Now: now.In(zone), Zone: zone}
	var reply *Reply
	if in.ReplyTo != "" && role == RoleAgent {
		ra := c.Analyze(Message{Text: in.ReplyTo, Role: RoleCustomer, Now: m.Now, Zone: zone})
		reply = &Reply{Upset: ra.Upset, OutcomeQuestion: ra.OutcomeQuestion}
	}
	a, findings := c.Review(m, reply)
	out.Upset, out.Intensity, out.OutcomeQuestion, out.Praise = a.Upset, math.Round(a.Intensity*1e6)/1e6, a.OutcomeQuestion, a.Praise
	out.Cues, out.Issues, out.Themes = nonNil(a.Cues), nonNil(a.Issues), nonNil(a.Themes)
	if a.Promise != nil {
		out.Promise = &ContractPromise{Text: a.Promise.Text}
		if !a.Promise.Due.IsZero() {
			due := a.Promise.Due.In(zone).Format(time.RFC3339)
			out.Promise.Due = &due
		}
	}
	out.Nudges = []string{}
	for _, f := range findings {
		out.Nudges = append(out.Nudges, f.Rule)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
