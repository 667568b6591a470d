package coach

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/deescalate/deescalate/coach/internal/strictjson"
)

// Override is a team's changes to the built-in playbook (PLAYBOOK_FILE): rules turned off or
// reworded, phrases added or removed, thresholds moved. Everything it does not mention stays
// as built in, so a team's file stays small and survives upgrades.
//
//	{
//	  "rules": {
//	    "no-blame": {"disabled": true},
//	    "pause": {"why": "…{cue}…", "say": ["…"], "priority": 100},
//	    "possible-first": {"phrases": {"refusal": {"add": ["out of scope"], "remove": ["i'm afraid"]}}}
//	  },
//	  "upset": {"threshold": 1.2, "cues": {"anger": {"add": ["livid beyond words"]}}},
//	  "themes": {"billing": {"add": ["purchase order"]}, "onboarding": {"add": ["kickoff call"]}}
//	}
type Override struct {
	Rules  map[string]RuleOverride  `json:"rules"`
	Extra  map[string]ExtraRule     `json:"extra"`
	Upset  *UpsetOverride           `json:"upset"`
	Themes map[string]PhrasesChange `json:"themes"`
}

// RuleOverride changes one rule; nil fields keep the built-in value.
type RuleOverride struct {
	Disabled *bool                    `json:"disabled"`
	Title    *string                  `json:"title"`
	Priority *int                     `json:"priority"`
	Why      *string                  `json:"why"`
	Say      []string                 `json:"say"`
	Phrases  map[string]PhrasesChange `json:"phrases"`
}

// ExtraRule is a team's own rule, of a built-in kind: "agent-phrase" nudges an agent whose
// reply holds one of the phrases, "customer-phrase" nudges the thread's owner when a customer
// writes one.
//
//	"extra": {"no-jargon": {"kind": "agent-phrase", "title": "Skip the jargon",
//	  "why": "{cue} may not mean much to the customer.", "say": ["In plain words: …"],
//	  "priority": 40, "phrases": ["per my last email", "circle back"]}}
type ExtraRule struct {
	Kind     string   `json:"kind"`
	Title    string   `json:"title"`
	Priority int      `json:"priority"`
	Why      string   `json:"why"`
	Say      []string `json:"say"`
	Phrases  []string `json:"phrases"`
}

// PhrasesChange adds phrases to a list and removes others from it.
type PhrasesChange struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

// UpsetOverride moves the line between calm and upset and edits the cue and emoji lists.
type UpsetOverride struct {
	Threshold *float64                 `json:"threshold"`
	Cues      map[string]PhrasesChange `json:"cues"`
	Emoji     *PhrasesChange           `json:"emoji"`
	EmojiCalm *PhrasesChange           `json:"emoji_calm"`
}

// Overridden reads a team's override file and returns the built-in playbook with it applied.
// Every problem is reported at once (unknown fields, values of the wrong type, unknown rules,
// phrases to remove that are not there, values out of range), one a line, each naming the
// file, the rule (or section) and the field.
func Overridden(name string, r io.Reader) (*Playbook, error) {
	dec := json.NewDecoder(r)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, describeJSONError(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: unexpected data after the override object", name)
	}
	var o Override
	errs := strictjson.Decode(raw, &o)
	pb, err := decodePlaybook(defaultPlaybook)
	if err != nil {
		return nil, err
	}
	errs = append(errs, o.apply(pb)...)
	if err := pb.prepare(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return pb, nil
	}
	var named []error
	for _, err := range errs {
		for line := range strings.Lines(err.Error()) {
			named = append(named, fmt.Errorf("%s: %s", name, strings.TrimSuffix(line, "\n")))
		}
	}
	return nil, errors.Join(named...)
}

// decodePlaybook decodes playbook JSON without preparing it.
func decodePlaybook(data []byte) (*Playbook, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var pb Playbook
	if err := dec.Decode(&pb); err != nil {
		return nil, fmt.Errorf("%s: %w", DefaultName, describeJSONError(err))
	}
	return &pb, nil
}

func (o *Override) apply(pb *Playbook) []error {
	var errs []error
	ids := make([]string, 0, len(o.Rules))
	for id := range o.Rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		ro := o.Rules[id]
		i := slices.IndexFunc(pb.Rules, func(r RuleText) bool { return r.ID == id })
		if i < 0 {
			errs = append(errs, fmt.Errorf("rules[%q]: unknown rule (known: %s)", id, strings.Join(knownRules, ", ")))
			continue
		}
		r := &pb.Rules[i]
		if ro.Disabled != nil {
			r.Disabled = *ro.Disabled
		}
		if ro.Title != nil {
			r.Title = *ro.Title
		}
		if ro.Priority != nil {
			r.Priority = *ro.Priority
		}
		if ro.Why != nil {
			r.Why = *ro.Why
		}
		if ro.Say != nil {
			r.Say = ro.Say
		}
		lists := make([]string, 0, len(ro.Phrases))
		for l := range ro.Phrases {
			lists = append(lists, l)
		}
		slices.Sort(lists)
		for _, list := range lists {
			where := fmt.Sprintf("rules[%q].phrases[%q]", id, list)
			if !slices.Contains(rulePhraseLists[id], list) {
				errs = append(errs, fmt.Errorf("%s: rule %q has no phrase list %q (it reads: %s)", where, id, list, strings.Join(rulePhraseLists[id], ", ")))
				continue
			}
			if r.Phrases == nil {
				r.Phrases = map[string][]string{}
			}
			var e []error
			r.Phrases[list], e = ro.Phrases[list].applyTo(where, r.Phrases[list])
			errs = append(errs, e...)
		}
	}
	extras := make([]string, 0, len(o.Extra))
	for id := range o.Extra {
		extras = append(extras, id)
	}
	slices.Sort(extras)
	for _, id := range extras {
		x := o.Extra[id]
		if x.Kind == "" {
			errs = append(errs, fmt.Errorf("extra[%q]: field \"kind\" is required (agent-phrase or customer-phrase)", id))
			continue
		}
		title := x.Title
		if title == "" {
			title = id
		}
		pb.Rules = append(pb.Rules, RuleText{ID: id, Kind: x.Kind, Title: title, Priority: x.Priority, Why: x.Why, Say: x.Say,
			Phrases: map[string][]string{"match": x.Phrases}})
	}
	if u := o.Upset; u != nil {
		if u.Threshold != nil {
			pb.Upset.Threshold = *u.Threshold
		}
		var e []error
		if u.Emoji != nil {
			pb.Upset.Emoji, e = u.Emoji.applyTo("upset.emoji", pb.Upset.Emoji)
			errs = append(errs, e...)
		}
		if u.EmojiCalm != nil {
			pb.Upset.EmojiCalm, e = u.EmojiCalm.applyTo("upset.emoji_calm", pb.Upset.EmojiCalm)
			errs = append(errs, e...)
		}
		kinds := make([]string, 0, len(u.Cues))
		for k := range u.Cues {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, kind := range kinds {
			where := fmt.Sprintf("upset.cues[%q]", kind)
			i := slices.IndexFunc(pb.Upset.Cues, func(g CueGroup) bool { return g.Kind == kind })
			if i < 0 {
				// A new kind of cue: the upset model has no weight for it, so it says nothing
				// until the models are retrained with it. Adding to a built-in kind is what counts.
				pb.Upset.Cues = append(pb.Upset.Cues, CueGroup{Kind: kind})
				i = len(pb.Upset.Cues) - 1
			}
			g := &pb.Upset.Cues[i]
			g.Phrases, e = u.Cues[kind].applyTo(where, g.Phrases)
			errs = append(errs, e...)
		}
	}
	themes := make([]string, 0, len(o.Themes))
	for t := range o.Themes {
		themes = append(themes, t)
	}
	slices.Sort(themes)
	for _, th := range themes {
		if pb.Themes == nil {
			pb.Themes = map[string][]string{}
		}
		var e []error
		pb.Themes[th], e = o.Themes[th].applyTo(fmt.Sprintf("themes[%q]", th), pb.Themes[th])
		errs = append(errs, e...)
		if len(pb.Themes[th]) == 0 {
			delete(pb.Themes, th) // a theme with no phrase left is turned off
		}
	}
	return errs
}

// applyTo returns list with the change applied; removing a phrase that is not there is an
// error (it is usually a typo, and a silent no-op would hide it).
func (c PhrasesChange) applyTo(where string, list []string) ([]string, []error) {
	var errs []error
	out := slices.Clone(list)
	for _, p := range c.Remove {
		i := slices.Index(out, p)
		if i < 0 {
			errs = append(errs, fmt.Errorf("%s.remove: %q is not in the list", where, p))
			continue
		}
		out = slices.Delete(out, i, i+1)
	}
	for _, p := range c.Add {
		if err := checkPhrase(p); err != nil {
			errs = append(errs, fmt.Errorf("%s.add: %q %v", where, p, err))
			continue
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, errs
}

// PlaybookChanges lists, one line each, how a playbook differs from another (the built-in
// one): rules turned on or off, reworded or re-prioritised, phrases added or removed, new
// rules, thresholds and themes.
func PlaybookChanges(base, pb *Playbook) []string {
	var out []string
	for _, r := range pb.Rules {
		b := base.Rule(r.ID)
		if b == nil {
			out = append(out, fmt.Sprintf("rule %s: new %s rule, priority %d, %d phrase(s)", r.ID, r.Kind, r.Priority, len(r.Phrases["match"])))
			continue
		}
		if b.Disabled != r.Disabled {
			state := "enabled"
			if r.Disabled {
				state = "disabled"
			}
			out = append(out, fmt.Sprintf("rule %s: %s", r.ID, state))
		}
		if b.Title != r.Title {
			out = append(out, fmt.Sprintf("rule %s: title %q (was %q)", r.ID, r.Title, b.Title))
		}
		if b.Priority != r.Priority {
			out = append(out, fmt.Sprintf("rule %s: priority %d (was %d)", r.ID, r.Priority, b.Priority))
		}
		if b.Why != r.Why {
			out = append(out, fmt.Sprintf("rule %s: why reworded: %q", r.ID, r.Why))
		}
		if !slices.Equal(b.Say, r.Say) {
			out = append(out, fmt.Sprintf("rule %s: %d suggested sentence(s) reworded", r.ID, len(r.Say)))
		}
		lists := make([]string, 0, len(r.Phrases))
		for l := range r.Phrases {
			lists = append(lists, l)
		}
		slices.Sort(lists)
		for _, l := range lists {
			out = append(out, listChanges("rule "+r.ID+" phrases."+l, b.Phrases[l], r.Phrases[l])...)
		}
	}
	bu, u := base.Upset, pb.Upset
	if bu.Threshold != u.Threshold {
		out = append(out, fmt.Sprintf("upset threshold: %g (was %g)", u.Threshold, bu.Threshold))
	}
	for _, g := range u.Cues {
		i := slices.IndexFunc(bu.Cues, func(x CueGroup) bool { return x.Kind == g.Kind })
		if i < 0 {
			out = append(out, fmt.Sprintf("upset cues %s: new, %d phrase(s)", g.Kind, len(g.Phrases)))
			continue
		}
		out = append(out, listChanges("upset cues "+g.Kind, bu.Cues[i].Phrases, g.Phrases)...)
	}
	out = append(out, listChanges("upset emoji", bu.Emoji, u.Emoji)...)
	out = append(out, listChanges("upset emoji_calm", bu.EmojiCalm, u.EmojiCalm)...)
	themes := make([]string, 0, len(pb.Themes))
	for t := range pb.Themes {
		themes = append(themes, t)
	}
	slices.Sort(themes)
	for _, t := range themes {
		if _, ok := base.Themes[t]; !ok {
			out = append(out, fmt.Sprintf("theme %s: new, %d phrase(s)", t, len(pb.Themes[t])))
			continue
		}
		out = append(out, listChanges("theme "+t, base.Themes[t], pb.Themes[t])...)
	}
	return out
}

// listChanges says which phrases a list gained and lost.
func listChanges(what string, was, now []string) []string {
	var add, del []string
	for _, p := range now {
		if !slices.Contains(was, p) {
			add = append(add, fmt.Sprintf("%q", p))
		}
	}
	for _, p := range was {
		if !slices.Contains(now, p) {
			del = append(del, fmt.Sprintf("%q", p))
		}
	}
	var out []string
	if len(add) > 0 {
		out = append(out, what+": added "+strings.Join(add, ", "))
	}
	if len(del) > 0 {
		out = append(out, what+": removed "+strings.Join(del, ", "))
	}
	return out
}
