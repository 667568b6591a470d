package coach

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/deescalate/deescalate/coach/internal/text"
)

//go:embed valence.tsv
var valenceData []byte

//go:embed words.json
var wordsData []byte

// grammar holds the word lists of words.json: words that describe English (greetings, counts,
// durations, words that refer back…), read by the features and never changed by a team's
// playbook. The models learn how much each list counts.
type grammar struct {
	Greeting, Story, IronyPraise, IronySoft, Ordinal, Count, Contact, Duration map[string]bool
	Harm, Mistake, Refer, Subject, Enumerate, SecondPerson, Stop, Future       map[string]bool
	Booster, Damper, Apology                                                   map[string]bool
}

var (
	grammarOnce sync.Once
	grammarVal  *grammar
	valenceOnce sync.Once
	valenceMap  map[string]float32
)

// words returns the word lists, decoded once. The file is embedded and tested, so a failure
// here means the binary was built from a broken tree.
func words() *grammar {
	grammarOnce.Do(func() {
		g, err := decodeGrammar(wordsData)
		if err != nil {
			panic(err)
		}
		grammarVal = g
	})
	return grammarVal
}

// decodeGrammar reads words.json strictly: every list must be there, and nothing else.
func decodeGrammar(b []byte) (*grammar, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("coach/words.json: %w", err)
	}
	g := &grammar{}
	fields := map[string]*map[string]bool{
		"greeting": &g.Greeting, "story": &g.Story, "irony_praise": &g.IronyPraise, "irony_soft": &g.IronySoft,
		"ordinal": &g.Ordinal, "count": &g.Count, "contact": &g.Contact, "duration": &g.Duration, "harm": &g.Harm,
		"mistake": &g.Mistake, "refer": &g.Refer, "subject": &g.Subject, "enumerate": &g.Enumerate,
		"second_person": &g.SecondPerson, "stop": &g.Stop, "future": &g.Future,
		"booster": &g.Booster, "damper": &g.Damper, "apology": &g.Apology,
	}
	for name := range raw {
		if _, ok := fields[name]; !ok && name != "_" {
			return nil, fmt.Errorf("coach/words.json: unknown list %q", name)
		}
	}
	for name, dst := range fields {
		msg, ok := raw[name]
		if !ok {
			return nil, fmt.Errorf("coach/words.json: list %q is missing", name)
		}
		var list []string
		if err := json.Unmarshal(msg, &list); err != nil {
			return nil, fmt.Errorf("coach/words.json: list %q: %w", name, err)
		}
		*dst = make(map[string]bool, len(list))
		for _, w := range list {
			if w != strings.ToLower(strings.TrimSpace(w)) || w == "" {
				return nil, fmt.Errorf("coach/words.json: list %q: %q must be one lower-case word", name, w)
			}
			(*dst)[w] = true
		}
	}
	return g, nil
}

// valence returns VADER's word valences (valence.tsv): -4 (most negative) to +4.
func valence() map[string]float32 {
	valenceOnce.Do(func() {
		valenceMap = make(map[string]float32, 7300)
		sc := bufio.NewScanner(bytes.NewReader(valenceData))
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") {
				continue
			}
			word, num, ok := strings.Cut(line, "\t")
			if v, err := strconv.ParseFloat(num, 32); ok && err == nil {
				valenceMap[word] = float32(v)
			}
		}
	})
	return valenceMap
}

// lexicon is a playbook's phrase lists compiled for matching: what the features read of the
// team's own words.
type lexicon struct {
	cues     *text.Phrases // label: the cue's kind
	signals  map[string]*text.Phrases
	themes   *text.Phrases // label: the theme id
	themeIDs []string      // in the playbook's order
	rules    map[string]*text.Phrases
	emojiNeg map[string]bool
	emojiPos map[string]bool
	acronyms map[string]bool
}

// signal returns one of the signals' phrase lists (empty when absent).
func (lx *lexicon) signal(name string) *text.Phrases {
	if ps := lx.signals[name]; ps != nil {
		return ps
	}
	return &text.Phrases{}
}

// rule returns one of the rules' phrase lists (empty when absent or the rule is off).
func (lx *lexicon) rule(name string) *text.Phrases {
	if ps := lx.rules[name]; ps != nil {
		return ps
	}
	return &text.Phrases{}
}
