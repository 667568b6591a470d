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

	"github.com/deescalate/deescalate/coach/internal/text"
)

//go:embed playbook.json
var defaultPlaybook []byte

// DefaultName is how errors name the built-in playbook.
const DefaultName = "coach/playbook.json (built in)"

// Playbook is the coaching rules as data: which rules run, their wording, and the phrase lists
// the judgement reads. Phrase lists are features of the learned models, not verdicts: a team
// that adds a cue or a theme changes what the models see, and the models' learned weights say
// how much it counts. A playbook is read once and never changed, so one value is shared by
// every goroutine.
type Playbook struct {
	Rules   []RuleText          `json:"rules"`
	Upset   UpsetSignals        `json:"upset"`
	Signals Signals             `json:"signals"`
	Themes  map[string][]string `json:"themes"`

	byID map[string]*RuleText
	lx   *lexicon
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

	sets map[string]*text.Phrases
}

// set returns one of the rule's compiled phrase lists (empty when the playbook has none).
func (r *RuleText) set(name string) *text.Phrases {
	if ps := r.sets[name]; ps != nil {
		return ps
	}
	return &text.Phrases{}
}

// UpsetSignals are the phrase lists and the one knob of the upset judgement.
type UpsetSignals struct {
	// Threshold moves the learned line between calm and upset, in log-odds: above 0 the coach
	// calls fewer messages upset, below 0 more.
	Threshold float64    `json:"threshold"`
	Cues      []CueGroup `json:"cues"`
	// Emoji and EmojiCalm name emoji (as Slack writes their codes, without colons) that read as
	// upset and as calm or warm.
	Emoji     []string `json:"emoji"`
	EmojiCalm []string `json:"emoji_calm"`
	// Acronyms are words written in capitals that are not shouting ("SSO", "API").
	Acronyms []string `json:"acronyms"`
}

// CueGroup is a kind of cue (anger, persistence, sarcasm, calm …) and its phrases.
type CueGroup struct {
	Kind    string   `json:"kind"`
	Phrases []string `json:"phrases"`
}

// Signals are the phrase lists behind the contract's other readings of a customer message:
// what counts as a problem or an ask, an outcome question, praise, a sign-off, and the
// generic words of support that name no problem ("ticket", "help").
type Signals struct {
	Problem []string `json:"problem"`
	Ask     []string `json:"ask"`
	Outcome []string `json:"outcome"`
	Praise  []string `json:"praise"`
	Signoff []string `json:"signoff"`
	Generic []string `json:"generic"`
	// Howto asks how to do something or whether it can be done ("is there a way to…", "how do
	// I…"): a question about the product, not about an outcome.
	Howto []string `json:"howto"`
	// Ping checks someone is there ("hello??", "anyone there?"): a question about the
	// conversation, not about an outcome.
	Ping []string `json:"ping"`
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
	lx := &lexicon{cues: &text.Phrases{}, signals: map[string]*text.Phrases{}, themes: &text.Phrases{}, rules: map[string]*text.Phrases{}}
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
		r.sets = map[string]*text.Phrases{}
		if r.Kind != "" && len(r.Phrases["match"]) == 0 {
			errs = append(errs, fmt.Errorf("%s: field \"phrases.match\" needs at least one phrase", where))
		}
		names := make([]string, 0, len(r.Phrases))
		for name := range r.Phrases {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if want := phraseListsOf(r); !slices.Contains(want, name) {
				errs = append(errs, fmt.Errorf("%s: field \"phrases\": unknown list %q (this rule reads: %s)", where, name, strings.Join(want, ", ")))
				continue
			}
			ps := &text.Phrases{}
			for _, p := range r.Phrases[name] {
				if err := ps.Add(p, name); err != nil {
					errs = append(errs, fmt.Errorf("%s: field \"phrases.%s\": %q %v", where, name, p, err))
				}
			}
			r.sets[name] = ps
			if r.Kind == "" {
				lx.rules[name] = ps // a rule turned off still lends its words to the others' models
			}
		}
	}
	u := &pb.Upset
	if u.Threshold < -5 || u.Threshold > 5 {
		errs = append(errs, fmt.Errorf("upset: field \"threshold\" (log-odds) must be in [-5, 5], got %g", u.Threshold))
	}
	kinds := map[string]bool{}
	for i, g := range u.Cues {
		where := fmt.Sprintf("upset: cues[%d] (%s)", i, g.Kind)
		switch {
		case g.Kind == "":
			errs = append(errs, fmt.Errorf("upset: cues[%d]: field \"kind\" is empty", i))
		case !validThemeID(g.Kind):
			errs = append(errs, fmt.Errorf("%s: field \"kind\": use lower-case words joined by '-'", where))
		case kinds[g.Kind]:
			errs = append(errs, fmt.Errorf("%s: field \"kind\": defined twice", where))
		}
		kinds[g.Kind] = true
		for _, p := range g.Phrases {
			if err := lx.cues.Add(p, g.Kind); err != nil {
				errs = append(errs, fmt.Errorf("%s: field \"phrases\": %q %v", where, p, err))
			}
		}
	}
	lx.emojiNeg, lx.emojiPos, lx.acronyms = lowerSet(u.Emoji, ":"), lowerSet(u.EmojiCalm, ":"), lowerSet(u.Acronyms, "")
	for name, list := range map[string][]string{"problem": pb.Signals.Problem, "ask": pb.Signals.Ask, "outcome": pb.Signals.Outcome,
		"praise": pb.Signals.Praise, "signoff": pb.Signals.Signoff, "generic": pb.Signals.Generic, "howto": pb.Signals.Howto, "ping": pb.Signals.Ping} {
		ps := &text.Phrases{}
		for _, p := range list {
			if err := ps.Add(p, name); err != nil {
				errs = append(errs, fmt.Errorf("signals: field %q: %q %v", name, p, err))
			}
		}
		lx.signals[name] = ps
	}
	errs = append(errs, pb.prepareThemes(lx)...)
	pb.lx = lx
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

func lowerSet(list []string, trim string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, w := range list {
		m[strings.ToLower(strings.Trim(w, trim))] = true
	}
	return m
}

func (pb *Playbook) prepareThemes(lx *lexicon) []error {
	var errs []error
	ids := make([]string, 0, len(pb.Themes))
	for id := range pb.Themes {
		ids = append(ids, id)
	}
	// Known themes first in the documented order, then a team's own, alphabetically.
	slices.SortFunc(ids, func(a, b string) int {
		ia, ib := slices.Index(themeIDs, a), slices.Index(themeIDs, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, id := range ids {
		if !validThemeID(id) {
			errs = append(errs, fmt.Errorf("themes: %q is not a theme id (lowercase words joined by '-')", id))
			continue
		}
		for _, p := range pb.Themes[id] {
			if err := lx.themes.Add(p, id); err != nil {
				errs = append(errs, fmt.Errorf("themes: %s: %q %v", id, p, err))
			}
		}
		lx.themeIDs = append(lx.themeIDs, id)
	}
	return errs
}

func validThemeID(id string) bool {
	if id == "" || len(id) > 40 || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// checkPhrase accepts phrases of plain lowercase words (and "*" for any one word).
func checkPhrase(p string) error { return text.CheckPhrase(p) }

// Rule returns the wording of a rule, or nil when the playbook does not have it or disables it.
func (pb *Playbook) Rule(id string) *RuleText {
	r := pb.byID[id]
	if r == nil || r.Disabled {
		return nil
	}
	return r
}

// RuleIDs lists every rule id the bot knows, in the playbook's order. ((*Coach).Rules is
// the rules one coach checks.)
func RuleIDs() []string { return slices.Clone(knownRules) }
