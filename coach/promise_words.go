package coach

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/deescalate/deescalate/coach/internal/text"
)

// promise.json is the promise finder's vocabulary: who commits, the verbs of coming back, and
// the words that tell a promise from a note about work. Its "_comment" explains the patterns.
//
//go:embed promise.json
var promiseJSON []byte

// promiseWords is decoded once; a broken embedded file is a build defect the tests catch.
var promiseWords = mustPromiseVocabulary(promiseJSON)

func mustPromiseVocabulary(data []byte) *promiseVocabulary {
	v, err := loadPromiseVocabulary(data)
	if err != nil {
		panic("coach: " + err.Error())
	}
	return v
}

type promiseFile struct {
	Comment        []string `json:"_comment"`
	Subjects       []string `json:"subjects"`       // the author's future: "i'll", "our * will"
	StrictSubjects []string `json:"strictSubjects"` // a subject only when the verb follows at once: "ill"
	LetMe          []string `json:"letMe"`          // "let me": only verbs that look ahead follow
	Whole          []string `json:"whole"`          // subject and verb in one: "you'll hear from @us"
	Later          []string `json:"later"`          // verbs of coming back later
	Contact        []string `json:"contact"`        // verbs of reaching the customer, which may also act now
	NotFollowUps   []string `json:"notFollowUps"`   // look like a verb above and are not: "have to", "confirm your details"
	You            []string `json:"you"`
	Us             []string `json:"us"`
	News           []string `json:"news"`
	Reply          []string `json:"reply"`
	Check          []string `json:"check"`
	Goods          []string `json:"goods"`
	ThirdParties   []string `json:"thirdParties"`
	Adverbs        []string `json:"adverbs"`
	Intent         []string `json:"intent"`
	Coordinators   []string `json:"coordinators"`
	HardCuts       []string `json:"hardCuts"`
	NewSubjects    []string `json:"newSubjects"`
	TimeStops      []string `json:"timeStops"`
	VerbEnds       []string `json:"verbEnds"`
	ObjectStops    []string `json:"objectStops"`
	Particles      []string `json:"particles"`
	Events         []string `json:"events"`
	Conditions     []string `json:"conditions"`
	Estimates      []string `json:"estimates"`
	WillNot        []string `json:"willNot"`
	FirstPerson    []string `json:"firstPerson"`
	ThirdPerson    []string `json:"thirdPerson"`
	ChatOpeners    []string `json:"chatOpeners"`
	TeamNotes      []string `json:"teamNotes"`
	TeamLabels     []string `json:"teamLabels"`
}

type wordSet map[string]bool

type promiseVocabulary struct {
	subjects, strictSubjects, letMe, whole, later, contact, notFollowUps patterns
	events, conditions, estimates, teamNotes                             patterns

	you, us, news, reply, check, goods, thirdParties, adverbs, intent, coordinators, hardCuts wordSet
	newSubjects, timeStops, verbEnds, objectStops, particles, willNot                         wordSet
	firstPerson, thirdPerson, chatOpeners, teamLabels                                         wordSet

	cueStarts wordSet // the first words of whole, letMe, subjects and strictSubjects, and "will"
}

// loadPromiseVocabulary decodes promise.json strictly: an unknown key, an empty list, a word
// listed twice in one list, or a pattern the matcher could not read is an error naming it.
func loadPromiseVocabulary(data []byte) (*promiseVocabulary, error) {
	var f promiseFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("promise.json: %w", err)
	}
	if dec.More() {
		return nil, errors.New("promise.json: more than one JSON value")
	}
	var errs []error
	set := func(key string, ws []string) wordSet {
		s := wordSet{}
		if len(ws) == 0 {
			errs = append(errs, fmt.Errorf("promise.json: %s: missing or empty", key))
		}
		for _, w := range ws {
			switch {
			case w == "" || w != strings.ToLower(w) || strings.ContainsAny(w, " \t"):
				errs = append(errs, fmt.Errorf("promise.json: %s: %q must be one lowercase word", key, w))
			case s[w]:
				errs = append(errs, fmt.Errorf("promise.json: %s: %q is listed twice", key, w))
			}
			s[w] = true
		}
		return s
	}
	v := &promiseVocabulary{
		you: set("you", f.You), us: set("us", f.Us), news: set("news", f.News), reply: set("reply", f.Reply), check: set("check", f.Check),
		goods: set("goods", f.Goods), thirdParties: set("thirdParties", f.ThirdParties), adverbs: set("adverbs", f.Adverbs),
		intent: set("intent", f.Intent), coordinators: set("coordinators", f.Coordinators), hardCuts: set("hardCuts", f.HardCuts),
		newSubjects: set("newSubjects", f.NewSubjects), timeStops: set("timeStops", f.TimeStops), verbEnds: set("verbEnds", f.VerbEnds),
		objectStops: set("objectStops", f.ObjectStops), particles: set("particles", f.Particles), willNot: set("willNot", f.WillNot),
		firstPerson: set("firstPerson", f.FirstPerson), thirdPerson: set("thirdPerson", f.ThirdPerson),
		chatOpeners: set("chatOpeners", f.ChatOpeners), teamLabels: set("teamLabels", f.TeamLabels),
	}
	compile := func(key string, ps []string) patterns {
		out, err := compilePatterns(ps)
		if err != nil {
			errs = append(errs, fmt.Errorf("promise.json: %s: %w", key, err))
		}
		return out
	}
	v.subjects = compile("subjects", f.Subjects)
	v.strictSubjects = compile("strictSubjects", f.StrictSubjects)
	v.letMe = compile("letMe", f.LetMe)
	v.whole = compile("whole", f.Whole)
	v.later = compile("later", f.Later)
	v.contact = compile("contact", f.Contact)
	v.notFollowUps = compile("notFollowUps", f.NotFollowUps)
	v.events = compile("events", f.Events)
	v.conditions = compile("conditions", f.Conditions)
	v.estimates = compile("estimates", f.Estimates)
	v.teamNotes = compile("teamNotes", f.TeamNotes)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	v.cueStarts = wordSet{"will": true}
	for _, ps := range []patterns{v.whole, v.letMe, v.subjects, v.strictSubjects} {
		for w := range ps {
			v.cueStarts[w] = true
		}
	}
	return v, nil
}

// patterns are word patterns indexed by their first word, so trying them all at a token costs
// one map lookup.
type patterns map[string][]pattern

type pattern struct {
	words       []string
	clauseStart bool // "^": the pattern opens a clause
}

// maxSkip is how many tokens "..." skips at most: an object such as "a revised quote with the
// nonprofit pricing" between "get" and "over to you".
const maxSkip = 12

func compilePatterns(ps []string) (patterns, error) {
	if len(ps) == 0 {
		return nil, errors.New("missing or empty")
	}
	out := patterns{}
	var errs []error
	for _, s := range ps {
		p := pattern{words: strings.Fields(s)}
		if len(p.words) > 0 && p.words[0] == "^" {
			p.clauseStart, p.words = true, p.words[1:]
		}
		if err := checkPattern(p.words); err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", s, err))
			continue
		}
		if slices.ContainsFunc(out[p.words[0]], func(q pattern) bool { return slices.Equal(q.words, p.words) }) {
			errs = append(errs, fmt.Errorf("%q is listed twice", s))
		}
		out[p.words[0]] = append(out[p.words[0]], p)
	}
	return out, errors.Join(errs...)
}

func checkPattern(words []string) error {
	if len(words) == 0 {
		return errors.New("is empty")
	}
	if strings.HasPrefix(words[0], "@") || words[0] == "*" || words[0] == "..." {
		return errors.New("must start with a word")
	}
	skips := 0
	for _, w := range words {
		switch w {
		case "*", "...", "@you", "@us", "@news", "@reply", "@check", "@end", "@time", "@object":
			if w == "..." {
				skips++
			}
			continue
		}
		if strings.HasPrefix(w, "@") {
			return fmt.Errorf("%s is not a class (@you, @us, @news, @reply, @check, @end, @time, @object)", w)
		}
		if w != strings.ToLower(w) || strings.ContainsAny(w, ".,;:!?") {
			return fmt.Errorf("%q must be a lowercase word", w)
		}
	}
	if skips > 1 {
		return errors.New("holds ... twice")
	}
	return nil
}

// match tries every pattern that starts with token k's word and returns where the one ending
// soonest ends, within the sentence end.
func (ps patterns) match(f *finder, k, end int) (int, bool) {
	if k < 0 || k >= end {
		return 0, false
	}
	best := -1
	for _, p := range ps[f.norm(k)] {
		if p.clauseStart && !f.clauseStart(k) {
			continue
		}
		if e, ok := f.matchWords(p.words, k, end); ok && (best < 0 || e < best) {
			best = e
		}
	}
	return best, best >= 0
}

func (f *finder) clauseStart(k int) bool {
	if k == f.d.Sents[f.d.Tokens[k].Sent].First {
		return true
	}
	p := f.norm(k - 1)
	return p == "," || p == "-" || p == ":"
}

// matchWords matches pattern words against the tokens from k.
func (f *finder) matchWords(words []string, k, end int) (int, bool) {
	if len(words) == 0 {
		return k, true
	}
	w, rest := words[0], words[1:]
	switch w {
	case "...":
		for skip := 0; skip <= maxSkip && k+skip <= end; skip++ {
			if skip > 0 && !f.skippable(k+skip-1) {
				break
			}
			if e, ok := f.matchWords(rest, k+skip, end); ok {
				return e, true
			}
		}
		return 0, false
	case "@end":
		if f.noObject(k, end) {
			return f.matchWords(rest, k, end)
		}
		return 0, false
	case "@time":
		if f.startsTime(k, end) {
			return f.matchWords(rest, k, end)
		}
		return 0, false
	case "@object":
		if f.object(k, end) {
			return f.matchWords(rest, k, end)
		}
		return 0, false
	}
	if k >= end || !f.d.Tokens[k].IsWord() {
		return 0, false
	}
	s := f.norm(k)
	var ok bool
	switch w {
	case "*":
		ok = true
	case "@you":
		ok = f.w.you[s]
	case "@us":
		ok = f.w.us[s]
	case "@news":
		ok = f.w.news[s]
	case "@reply":
		ok = f.w.reply[s]
	case "@check":
		ok = f.w.check[s]
	default:
		ok = w == s
	}
	if !ok {
		return 0, false
	}
	return f.matchWords(rest, k+1, end)
}

// skippable: "..." skips words, numbers and commas, never a word that starts another clause.
func (f *finder) skippable(k int) bool {
	t := &f.d.Tokens[k]
	if t.Kind == text.Punct {
		// a comma, or a hyphen inside a compound ("3-year option")
		return t.Norm == "," || t.Norm == "-" && t.Joined && k+1 < len(f.d.Tokens) && f.d.Tokens[k+1].Joined
	}
	return !f.w.hardCuts[t.Norm] && !f.w.newSubjects[t.Norm]
}
