package coach

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

//go:embed playbook.json
var defaultPlaybook []byte

// DefaultName is how errors name the built-in playbook.
const DefaultName = "coach/playbook.json (built in)"

// Playbook is the coaching rules as data: which rules run, their wording, and the phrase
// lists and thresholds that tune the judgement. It is read once and never changed, so one
// value is shared by every goroutine.
type Playbook struct {
	Rules []RuleText   `json:"rules"`
	Upset UpsetSignals `json:"upset"`

	byID map[string]*RuleText
}

// RuleText is the wording of one rule of PLAYBOOK.md.
type RuleText struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Priority int    `json:"priority"`
	// Why explains the nudge in one line; "{cue}" is replaced by the quoted cue.
	Why string `json:"why"`
	// Say holds sentences the agent could use; one is picked per thread so the same thread
	// always reads the same, and different threads read differently.
	Say      []string `json:"say"`
	Disabled bool     `json:"disabled,omitempty"`
}

// UpsetSignals tune the upset judgement.
type UpsetSignals struct {
	Threshold       float64            `json:"threshold"`
	Phrases         map[string]float64 `json:"phrases"`
	Emoji           map[string]float64 `json:"emoji"`
	ShoutingWeight  float64            `json:"shouting_weight"`
	ExclaimWeight   float64            `json:"exclaim_weight"`
	Acronyms        []string           `json:"acronyms"`
	phrasesByLength []weighted
}

type weighted struct {
	text   string
	weight float64
}

// Rules known to the bot: ids are stable (config, metrics, the eval contract and mutes use them).
var knownRules = []string{
	"pause", "chunk", "feelings-first", "outcome-not-process", "possible-first", "no-blame",
	"overpromise", "concrete-time", "check-resolution", "follow-up", "preemptive-ack",
}

// DefaultPlaybook returns the built-in playbook.
func DefaultPlaybook() *Playbook {
	pb, err := LoadPlaybook(DefaultName, bytes.NewReader(defaultPlaybook))
	if err != nil {
		// The embedded file is tested; failing here means the binary was built from a broken tree.
		panic(err)
	}
	return pb
}

// LoadPlaybook decodes a playbook strictly: an unknown field, a duplicate or unknown rule id or
// a value out of range is an error that names the file, the rule and the field.
func LoadPlaybook(name string, r io.Reader) (*Playbook, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var pb Playbook
	if err := dec.Decode(&pb); err != nil {
		return nil, fmt.Errorf("%s: %w", name, describeJSONError(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: unexpected data after the playbook object", name)
	}
	if err := pb.prepare(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &pb, nil
}

func describeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return errors.New("invalid JSON: the file ends before the playbook object does")
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d: %w", syn.Offset, err)
	case errors.As(err, &typ):
		return fmt.Errorf("field %q: want %s, got %s", typ.Field, typ.Type, typ.Value)
	}
	return err
}

func (pb *Playbook) prepare() error {
	var errs []error
	pb.byID = make(map[string]*RuleText, len(pb.Rules))
	for i := range pb.Rules {
		r := &pb.Rules[i]
		where := fmt.Sprintf("rules[%d]", i)
		if r.ID != "" {
			where = fmt.Sprintf("rule %q", r.ID)
		}
		switch {
		case r.ID == "":
			errs = append(errs, fmt.Errorf("%s: field \"id\" is empty", where))
		case !slices.Contains(knownRules, r.ID):
			errs = append(errs, fmt.Errorf("%s: field \"id\": unknown rule (known: %s)", where, strings.Join(knownRules, ", ")))
		case pb.byID[r.ID] != nil:
			errs = append(errs, fmt.Errorf("%s: field \"id\": defined twice", where))
		default:
			pb.byID[r.ID] = r
		}
		if strings.TrimSpace(r.Why) == "" {
			errs = append(errs, fmt.Errorf("%s: field \"why\" is empty", where))
		}
		if len(r.Say) == 0 {
			errs = append(errs, fmt.Errorf("%s: field \"say\" needs at least one sentence", where))
		}
		for j, s := range r.Say {
			if strings.TrimSpace(s) == "" {
				errs = append(errs, fmt.Errorf("%s: field \"say[%d]\" is empty", where, j))
			}
		}
	}
	u := &pb.Upset
	if u.Threshold <= 0 || u.Threshold > 1 {
		errs = append(errs, fmt.Errorf("upset: field \"threshold\" must be in (0, 1], got %g", u.Threshold))
	}
	for p, w := range u.Phrases {
		if strings.TrimSpace(p) == "" || p != strings.ToLower(p) {
			errs = append(errs, fmt.Errorf("upset: field \"phrases\": %q must be non-empty lowercase", p))
		}
		if w <= 0 || w > 1 {
			errs = append(errs, fmt.Errorf("upset: field \"phrases\": weight of %q must be in (0, 1], got %g", p, w))
		}
		u.phrasesByLength = append(u.phrasesByLength, weighted{p, w})
	}
	for e, w := range u.Emoji {
		if w <= 0 || w > 1 {
			errs = append(errs, fmt.Errorf("upset: field \"emoji\": weight of %q must be in (0, 1], got %g", e, w))
		}
	}
	// Longest phrases first, so "fed up" is found before "up" would be; ties sorted for determinism.
	slices.SortFunc(u.phrasesByLength, func(a, b weighted) int {
		if d := len(b.text) - len(a.text); d != 0 {
			return d
		}
		return strings.Compare(a.text, b.text)
	})
	return errors.Join(errs...)
}

// Rule returns the wording of a rule, or nil when the playbook does not have it or disables it.
func (pb *Playbook) Rule(id string) *RuleText {
	r := pb.byID[id]
	if r == nil || r.Disabled {
		return nil
	}
	return r
}

// Rules lists every rule id the bot knows, in the playbook's order.
func Rules() []string { return slices.Clone(knownRules) }
