package coach

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

//go:embed playbook.json
var defaultPlaybook []byte

// DefaultName is how errors name the built-in playbook.
const DefaultName = "coach/playbook.json (built in)"

// Playbook is the coaching rules as data: which rules run, their wording, and the phrase
// lists and thresholds that tune the judgement. It is read once and never changed, so one
// value is shared by every goroutine.
type Playbook struct {
	Rules   []RuleText          `json:"rules"`
	Upset   UpsetSignals        `json:"upset"`
	Signals Signals             `json:"signals"`
	Themes  map[string][]string `json:"themes"`

	byID       map[string]*RuleText
	vocab      *vocab
	themeSets  map[string]*phraseSet
	themeOrder []string
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
	// Kind is set on a team's own rules (PLAYBOOK_FILE "extra"): a built-in kind of check,
	// "agent-phrase" or "customer-phrase", reading the phrase list "match".
	Kind string `json:"kind,omitempty"`
	// Phrases are the rule's named phrase lists ("blame", "acknowledge" …).
	Phrases map[string][]string `json:"phrases,omitempty"`

	sets map[string]*phraseSet
}

// set returns one of the rule's compiled phrase lists (empty when the playbook has none).
func (r *RuleText) set(name string) *phraseSet {
	if ps := r.sets[name]; ps != nil {
		return ps
	}
	return emptySet
}

var emptySet = newPhraseSet(newVocab())

// UpsetSignals tune the upset judgement: cue phrases by kind (each kind with a weight; calm
// cues weigh against), emoji, the shape of the writing, and how much the tone model counts.
type UpsetSignals struct {
	Threshold   float64 `json:"threshold"`
	ModelWeight float64 `json:"model_weight"`
	CueScale    float64 `json:"cue_scale"`
	// ModelClip bounds the model's log-odds; ModelOnlyThreshold is the log-odds the model alone
	// must reach when no cue is present.
	ModelClip          float64            `json:"model_clip"`
	ModelOnlyThreshold float64            `json:"model_only_threshold"`
	Cues               []CueGroup         `json:"cues"`
	Emoji              map[string]float64 `json:"emoji"`
	// EmojiCalm are laughter and warmth: they weigh against ("my diet is ruined 😂").
	EmojiCalm      map[string]float64 `json:"emoji_calm"`
	ShoutingWeight float64            `json:"shouting_weight"`
	ExclaimWeight  float64            `json:"exclaim_weight"`
	// Scare quotes around the company's own promise ("quick fix", "urgent") are sarcasm.
	ScareQuoteWeight float64 `json:"scare_quote_weight"`
	// ComplaintWeight is the weight of reproach without feeling words: an accusation, a
	// rhetorical question about a problem, an order to do better.
	ComplaintWeight float64 `json:"complaint_weight"`

	ScareWords []string `json:"scare_words"`
	Acronyms   []string `json:"acronyms"`

	phrases    *phraseSet
	acronyms   map[string]bool
	scareWords map[string]bool
}

// CueGroup is a kind of cue (anger, persistence, sarcasm …) and its phrases.
type CueGroup struct {
	Kind    string   `json:"kind"`
	Weight  float64  `json:"weight"`
	Phrases []string `json:"phrases"`
}

// rulePhraseLists names the phrase lists each rule reads.
var rulePhraseLists = map[string][]string{
	"no-blame":            {"blame"},
	"feelings-first":      {"acknowledge"},
	"overpromise":         {"guarantee"},
	"possible-first":      {"refusal"},
	"outcome-not-process": {"process", "estimate"},
	"check-resolution":    {"resolution", "check"},
}

// phraseListsOf names the phrase lists a rule reads.
func phraseListsOf(r *RuleText) []string {
	if r.Kind != "" {
		return []string{"match"}
	}
	return rulePhraseLists[r.ID]
}

// extraID is the shape of a team's own rule id.
var extraID = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

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
	pb.vocab = newVocab()
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
		case r.Kind != "" && slices.Contains(knownRules, r.ID):
			errs = append(errs, fmt.Errorf("%s: field \"id\": a built-in rule's id; pick another name for your own rule", where))
		case r.Kind != "" && !extraID.MatchString(r.ID):
			errs = append(errs, fmt.Errorf("%s: field \"id\": use lower-case letters, digits and dashes (2 to 40)", where))
		case r.Kind != "" && kindFuncs[r.Kind] == nil:
			errs = append(errs, fmt.Errorf("%s: field \"kind\": unknown kind %q (known: agent-phrase, customer-phrase)", where, r.Kind))
		case r.Kind != "" && pb.byID[r.ID] == nil:
			pb.byID[r.ID] = r
		case r.Kind != "":
			errs = append(errs, fmt.Errorf("%s: field \"id\": defined twice", where))
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
		r.sets = map[string]*phraseSet{}
		if r.Kind != "" && len(r.Phrases["match"]) == 0 {
			errs = append(errs, fmt.Errorf("%s: field \"phrases.match\" needs at least one phrase", where))
		}
		for name, list := range r.Phrases {
			if want := phraseListsOf(r); !slices.Contains(want, name) {
				errs = append(errs, fmt.Errorf("%s: field \"phrases\": unknown list %q (this rule reads: %s)", where, name, strings.Join(want, ", ")))
				continue
			}
			ps := newPhraseSet(pb.vocab)
			for _, p := range list {
				if err := checkPhrase(p); err != nil {
					errs = append(errs, fmt.Errorf("%s: field \"phrases.%s\": %q %v", where, name, p, err))
					continue
				}
				ps.add(p, name, 1)
			}
			r.sets[name] = ps
		}
	}
	u := &pb.Upset
	if u.Threshold < -5 || u.Threshold > 5 {
		errs = append(errs, fmt.Errorf("upset: field \"threshold\" (log-odds) must be in [-5, 5], got %g", u.Threshold))
	}
	if u.ModelClip <= 0 || u.ModelClip > 20 {
		errs = append(errs, fmt.Errorf("upset: field \"model_clip\" must be in (0, 20], got %g", u.ModelClip))
	}
	if u.ModelOnlyThreshold < -5 || u.ModelOnlyThreshold > 10 {
		errs = append(errs, fmt.Errorf("upset: field \"model_only_threshold\" (log-odds) must be in [-5, 10], got %g", u.ModelOnlyThreshold))
	}
	if u.CueScale <= 0 || u.CueScale > 10 {
		errs = append(errs, fmt.Errorf("upset: field \"cue_scale\" must be in (0, 10], got %g", u.CueScale))
	}
	if u.ModelWeight < 0 || u.ModelWeight > 2 {
		errs = append(errs, fmt.Errorf("upset: field \"model_weight\" must be in [0, 2], got %g", u.ModelWeight))
	}
	u.phrases = newPhraseSet(pb.vocab)
	kinds := map[string]bool{}
	for i, g := range u.Cues {
		where := fmt.Sprintf("upset: cues[%d] (%s)", i, g.Kind)
		switch {
		case g.Kind == "":
			errs = append(errs, fmt.Errorf("upset: cues[%d]: field \"kind\" is empty", i))
		case kinds[g.Kind]:
			errs = append(errs, fmt.Errorf("%s: field \"kind\": defined twice", where))
		}
		kinds[g.Kind] = true
		if g.Weight < -1 || g.Weight > 1 || g.Weight == 0 {
			errs = append(errs, fmt.Errorf("%s: field \"weight\" must be in [-1, 1] and not 0, got %g", where, g.Weight))
		}
		for _, p := range g.Phrases {
			if err := checkPhrase(p); err != nil {
				errs = append(errs, fmt.Errorf("%s: field \"phrases\": %q %v", where, p, err))
				continue
			}
			u.phrases.add(p, g.Kind, g.Weight)
		}
	}
	for e, w := range u.Emoji {
		if w <= 0 || w > 1 {
			errs = append(errs, fmt.Errorf("upset: field \"emoji\": weight of %q must be in (0, 1], got %g", e, w))
		}
	}
	for e, w := range u.EmojiCalm {
		if w <= 0 || w > 1 {
			errs = append(errs, fmt.Errorf("upset: field \"emoji_calm\": weight of %q must be in (0, 1], got %g", e, w))
		}
	}
	u.scareWords = make(map[string]bool, len(u.ScareWords))
	for _, w := range u.ScareWords {
		u.scareWords[strings.ToLower(w)] = true
	}
	u.acronyms = make(map[string]bool, len(u.Acronyms))
	for _, a := range u.Acronyms {
		u.acronyms[strings.ToLower(a)] = true
	}
	errs = append(errs, pb.Signals.prepare(pb.vocab)...)
	errs = append(errs, pb.prepareThemes()...)
	return errors.Join(errs...)
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// checkPhrase accepts phrases of plain lowercase words (and "*" for any one word): the
// matcher compares words, so punctuation in a phrase could never match.
func checkPhrase(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("is empty")
	}
	if p != strings.ToLower(p) {
		return errors.New("must be lowercase")
	}
	for _, r := range p {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '\'' || r == '*' || r == '-') {
			return fmt.Errorf("holds %q: write words only", r)
		}
	}
	return nil
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
