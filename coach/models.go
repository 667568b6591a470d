package coach

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/deescalate/deescalate/coach/internal/learn"
)

// The coach's judgement comes from learned models, embedded from coach/models (see its
// README.md: one card per model, with its data, licence, features and figures). They are
// rebuilt byte for byte by `make model` from the training data.
//
//go:embed models/*.model
var modelFiles embed.FS

// Models are the coach's learned models.
type Models struct {
	// Upset reads toneFeatures; it was trained on text from several domains with a copy of
	// every feature per domain, and judges in the support domain. Its cut decides upset.
	Upset *learn.Linear
	// Themes has a model per theme id, and ownThemeModel for a theme only a team's playbook
	// names.
	Themes  map[string]*learn.Linear
	Praise  *learn.Linear
	Outcome *learn.Linear
	// Issues scores units: does this clause start a problem?
	Issues *learn.Linear
	// Agent has a model per learned agent-side rule id.
	Agent map[string]*learn.Linear
}

// ownThemeModel names the theme model that judges a theme a team added: it reads only the
// theme's own phrase list.
const ownThemeModel = "*"

// learnedRules are the agent-side rules decided by a model; the others are checks of phrases
// (possible-first, overpromise) or of the promise (concrete-time).
var learnedRules = []string{"no-blame", "feelings-first", "outcome-not-process", "check-resolution"}

// Domain is where a training text comes from. Each domain gets its own copy of every feature
// (Daumé's "frustratingly easy" domain adaptation), so what holds everywhere is learned once
// and what only holds on Reddit or in a bank's FAQ stays there; the coach judges in the
// support domain.
type Domain uint8

const (
	General       Domain = iota // no domain copy: what every domain shares
	Support                     // messages to a support team (the bot's own domain)
	Reddit                      // GoEmotions comments
	Tweets                      // tweets, TweetEval
	CompanyTweets               // tweets to companies' support accounts
	Banking                     // BANKING77 queries
	Assistant                   // CLINC150 queries to an assistant
)

// viewID returns the id of a feature's copy in a domain.
func viewID(id uint32, d Domain) uint32 {
	return learn.Key(id*0x9e3779b1 ^ uint32(d)*0x85ebca77).Int(int(d)).ID()
}

// augment returns the features with their copies in domain d.
func augment(fs []learn.Feature, d Domain, dst []learn.Feature) []learn.Feature {
	dst = append(dst[:0], fs...)
	if d == General {
		return dst
	}
	for _, f := range fs {
		f.ID = viewID(f.ID, d)
		f.Val *= domainValue
		dst = append(dst, f)
	}
	return dst
}

// domainValue scales a feature's domain copy: a smaller value is a stronger prior that what a
// word means in one domain is what it means everywhere, so a few hundred support messages
// adjust the shared weights rather than learn their own from scratch.
const domainValue = 0.5

// scoreIn is a model's score of features read in domain d, without building the copies.
func scoreIn(m *learn.Linear, fs []learn.Feature, d Domain) float64 {
	z := float64(m.Bias)
	for _, f := range fs {
		w := float64(m.W[f.ID])
		if d != General {
			w += domainValue * float64(m.W[viewID(f.ID, d)])
		}
		z += w * float64(f.Val)
	}
	return z
}

var (
	modelsOnce sync.Once
	embedded   *Models
	modelsErr  error
)

// builtinModels decodes the embedded models once.
func builtinModels() (*Models, error) {
	modelsOnce.Do(func() { embedded, modelsErr = LoadModels(modelFiles) })
	return embedded, modelsErr
}

// modelFile names each group of models in coach/models.
var modelFile = map[string]string{
	"upset": "models/upset.model", "themes": "models/themes.model", "praise": "models/praise.model",
	"outcome": "models/outcome.model", "issues": "models/issues.model", "agent": "models/agent.model",
}

// LoadModels reads the models from a file system laid out as coach/models (a folder
// "models" holding the six files Files writes).
func LoadModels(fsys fs.FS) (*Models, error) {
	read := func(group string) (map[string]*learn.Linear, error) {
		b, err := fs.ReadFile(fsys, modelFile[group])
		if err != nil {
			return nil, fmt.Errorf("models: %w", err)
		}
		ms, err := learn.Decode(b)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", modelFile[group], err)
		}
		return ms, nil
	}
	m := &Models{}
	one := func(group, name string) (*learn.Linear, error) {
		ms, err := read(group)
		if err != nil {
			return nil, err
		}
		if ms[name] == nil {
			return nil, fmt.Errorf("models: %s has no model %q", modelFile[group], name)
		}
		return ms[name], nil
	}
	var err error
	if m.Upset, err = one("upset", "upset"); err != nil {
		return nil, err
	}
	if m.Praise, err = one("praise", "praise"); err != nil {
		return nil, err
	}
	if m.Outcome, err = one("outcome", "outcome"); err != nil {
		return nil, err
	}
	if m.Issues, err = one("issues", "issues"); err != nil {
		return nil, err
	}
	if m.Themes, err = read("themes"); err != nil {
		return nil, err
	}
	if m.Themes[ownThemeModel] == nil {
		return nil, fmt.Errorf("models: %s has no model for a team's own themes", modelFile["themes"])
	}
	if m.Agent, err = read("agent"); err != nil {
		return nil, err
	}
	for _, id := range learnedRules {
		if m.Agent[id] == nil {
			return nil, fmt.Errorf("models: %s has no model for rule %q", modelFile["agent"], id)
		}
	}
	return m, nil
}

// Files encodes the models, one file per group, as LoadModels reads them. The same models
// always give the same bytes.
func (m *Models) Files() map[string][]byte {
	sorted := func(ms map[string]*learn.Linear) []*learn.Linear {
		names := make([]string, 0, len(ms))
		for n := range ms {
			names = append(names, n)
		}
		sort.Strings(names)
		out := make([]*learn.Linear, len(names))
		for i, n := range names {
			out[i] = ms[n]
		}
		return out
	}
	return map[string][]byte{
		modelFile["upset"]:   learn.Encode(m.Upset),
		modelFile["praise"]:  learn.Encode(m.Praise),
		modelFile["outcome"]: learn.Encode(m.Outcome),
		modelFile["issues"]:  learn.Encode(m.Issues),
		modelFile["themes"]:  learn.Encode(sorted(m.Themes)...),
		modelFile["agent"]:   learn.Encode(sorted(m.Agent)...),
	}
}
