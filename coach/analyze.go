package coach

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/deescalate/deescalate/coach/internal/learn"
	"github.com/deescalate/deescalate/coach/internal/text"
)

// Role says who wrote a message.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
)

// Message is one message as the coach sees it.
type Message struct {
	Text string // as Slack delivers it (mrkdwn)
	Role Role
	Now  time.Time      // when it was sent
	Zone *time.Location // the author's zone; nil means UTC
}

// Analysis is what the coach reads in one message: the fields of the analysis contract.
type Analysis struct {
	Upset     bool
	Intensity float64 // 0 (calm or happy) to 1
	// Cues are the words that made the message read as upset, strongest first, quoted from the
	// message as written: the spans of text whose features added most to the upset model's
	// score. An upset message always has at least one.
	Cues []string
	// Issues are the distinct problems the message raises, each a whole phrase of it.
	Issues []string
	// OutcomeQuestion: the author asks when, whether, how long or what will happen.
	OutcomeQuestion bool
	// Promise is an agent's commitment to follow up, nil when there is none.
	Promise *Commitment
	Themes  []string
	Praise  bool
}

// Coach holds a playbook and the learned models and judges messages with them. It is safe for
// concurrent use.
type Coach struct {
	pb     *Playbook
	models *Models
	rules  []Rule
	ledger Ledger
}

// New returns a coach for a playbook with the built-in models, keeping the ledger with the
// default timings.
func New(pb *Playbook) *Coach {
	m, err := builtinModels()
	if err != nil {
		// The embedded models are tested; failing here means the binary was built from a
		// broken tree.
		panic(err)
	}
	return NewWithModels(pb, m)
}

// NewWithModels returns a coach that judges with the given models (a trainer's, say).
func NewWithModels(pb *Playbook, m *Models) *Coach {
	c := &Coach{pb: pb, models: m, ledger: DefaultLedger}
	c.rules = c.Rules()
	return c
}

// Playbook returns the coach's playbook.
func (c *Coach) Playbook() *Playbook { return c.pb }

// reading is one message read once: its Doc and the features the models share. It is pooled,
// so a steady stream of messages allocates little.
type reading struct {
	d     *text.Doc
	tone  []learn.Feature
	feel  []bool
	theme []learn.Feature
	own   []learn.Feature
	feats []learn.Feature
	aug   []learn.Feature
	units []unit
}

var readings = sync.Pool{New: func() any { return new(reading) }}

// Analyze judges one message.
func (c *Coach) Analyze(m Message) Analysis {
	r := readings.Get().(*reading)
	defer readings.Put(r)
	return c.analyze(m, r)
}

func (c *Coach) analyze(m Message, r *reading) Analysis {
	lx := c.pb.lx
	r.d = text.Parse(m.Text)
	d := r.d
	var a Analysis
	if m.Role == RoleAgent {
		zone := m.Zone
		if zone == nil {
			zone = time.UTC
		}
		if p, ok := findPromise(d, m.Now.In(zone), zone); ok {
			a.Promise = &p
		}
		return a
	}
	c.judgeTone(&a, r)
	r.feel = feelingTokens(d, lx, r.feel)
	a.Issues = c.issues(r)
	r.feats = questionFeatures(d, lx, r.feats[:0])
	a.OutcomeQuestion = c.models.Outcome.Yes(c.models.Outcome.Score(r.feats))
	r.feats = praiseFeatures(d, lx, r.feats[:0])
	a.Praise = c.models.Praise.Yes(scoreIn(c.models.Praise, r.feats, Support))
	a.Themes = c.themes(r, a)
	return a
}

// judgeTone decides upset, intensity and cues with the upset model. The verdict is read in the
// support domain; intensity is how negative the text reads in the terms every domain shares,
// so that among very negative messages, how negative still counts.
func (c *Coach) judgeTone(a *Analysis, r *reading) {
	um := c.models.Upset
	r.tone = toneFeatures(r.d, c.pb.lx, r.tone[:0])
	z := scoreIn(um, r.tone, Support)
	// How strongly: the model's reading of how negative the text is, in the terms every domain
	// shares, and the words' own weight as people rated them (VADER).
	a.Intensity = 0.5*learn.Sigmoid(scoreIn(um, r.tone, General)) + 0.5*negativity(r.d)
	if z <= float64(um.Cut)+c.pb.Upset.Threshold {
		return
	}
	r.aug = augment(r.tone, Support, r.aug)
	a.Cues = cues(r.d, um.Explain(r.aug), maxCues)
	// A verdict that cannot say why is one agents learn to ignore: the evidence must hold a
	// quotable span.
	a.Upset = len(a.Cues) > 0
}

// negativity is how negative a text's words are, read as VADER reads them: each rated word's
// valence, a little stronger after a booster ("very bad") and weaker after a damper ("a bit
// slow"), flipped and damped in a negation's scope, stronger in capitals, the part after a
// "but" counting more than the part before; the sum squashed to 0–1 and only its negative side
// kept.
func negativity(d *text.Doc) float64 {
	lex, g := valence(), words()
	but := -1
	for i := range d.Tokens {
		if d.Tokens[i].Norm == "but" {
			but = i
		}
	}
	sum := 0.0
	for i := range d.Tokens {
		t := &d.Tokens[i]
		v, ok := lex[t.Norm]
		if !ok || t.Kind != text.Word {
			continue
		}
		x := float64(v)
		if i > 0 && d.Tokens[i-1].Sent == t.Sent {
			switch p := d.Tokens[i-1].Norm; {
			case g.Booster[p]:
				x += math.Copysign(0.293, x)
			case g.Damper[p]:
				x -= math.Copysign(0.293, x)
			}
		}
		if t.Neg {
			x *= -0.74
		}
		if t.Caps {
			x *= 1.3
		}
		switch {
		case but < 0:
		case i < but:
			x *= 0.5
		case i > but:
			x *= 1.5
		}
		sum += x
	}
	if strings.Contains(d.Plain, "!") {
		sum *= 1.1
	}
	return math.Max(0, -sum/math.Sqrt(sum*sum+15))
}

// maxCues is how many cues an analysis quotes.
const maxCues = 3

// issues finds the distinct problems: each unit the issues model says starts one, mirrored
// with the units that continue it.
func (c *Coach) issues(r *reading) []string {
	d := r.d
	r.units = unitsOf(d, r.units)
	if len(r.units) == 0 {
		return nil
	}
	ur := newUnitReader(d, c.pb.lx, r.feel)
	starts := make([]bool, len(r.units))
	listAt := -1 // the first unit of a list the writer made, if any
	for i, u := range r.units {
		r.feats = ur.next(u, i, r.feats[:0])
		if enumerated(d, u, ur.g) {
			starts[i] = true
			if listAt < 0 {
				listAt = i
			}
			continue
		}
		starts[i] = ur.joinedNew || c.models.Issues.Score(r.feats) > 0
	}
	// What comes before a list introduces it ("two things:", "This is the third time!!"):
	// the list is the inventory of problems.
	for i := 0; i < listAt; i++ {
		starts[i] = false
	}
	var out []string
	for i := range r.units {
		if !starts[i] {
			continue
		}
		if p := issuePhrase(d, r.units, starts, i); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// themes lists the complaint themes of a message, in the playbook's order. Themes describe
// what a complaint or request is about, so thanks or praise that raise no problem have none.
func (c *Coach) themes(r *reading, a Analysis) []string {
	if a.Praise && len(a.Issues) == 0 && !a.OutcomeQuestion && !a.Upset {
		return nil
	}
	lx := c.pb.lx
	r.theme = themeFeatures(r.d, lx, r.feel, r.theme[:0])
	var out []string
	for _, th := range lx.themeIDs {
		m := c.models.Themes[th]
		r.own = ownTheme(r.theme, th, r.own)
		var z float64
		if m == nil {
			m = c.models.Themes[ownThemeModel]
			z = m.Score(onlyOwn(r.own))
		} else {
			z = scoreIn(m, r.own, Support)
		}
		if m.Yes(z) {
			out = append(out, th)
		}
	}
	return out
}

// Plain returns a Slack message reduced to its author's own prose: no code blocks, quoted
// lines or markup, mentions and links as their labels.
func Plain(s string) string { return text.Parse(s).Plain }
