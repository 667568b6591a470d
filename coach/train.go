package coach

import (
	"errors"
	"slices"

	"github.com/deescalate/deescalate/coach/internal/learn"
	"github.com/deescalate/deescalate/coach/internal/text"
)

// Example is one labelled text the models learn from. A label left nil (or Themes with
// HasThemes false, Nudges with HasNudges false) is unknown, and the example does not teach
// that model.
type Example struct {
	Text   string
	Role   Role   // "" is a customer
	Domain Domain // where the text comes from
	// Weight is how much the example counts (0 means 1): labelled support messages are few and
	// precious next to tens of thousands of comments and tweets.
	Weight float64

	Upset     *bool
	Themes    []string
	HasThemes bool
	Praise    *bool
	Outcome   *bool
	Issues    *int

	// An agent's reply: the customer message it answers, and the rules labelled as firing.
	ReplyTo   string
	Nudges    []string
	HasNudges bool
}

// Training settings. They are fixed so that a rebuild gives the same bytes; the model card
// (coach/models/README.md) states them.
var (
	toneOptions  = learn.Options{Epochs: 3, Alpha: 0.1, Beta: 1, L1: 0.5, L2: 1, Balance: true, Seed: 1}
	themeOptions = learn.Options{Epochs: 5, Alpha: 0.1, Beta: 1, L1: 0.05, L2: 1, Balance: false, Seed: 1}
	smallOptions = learn.Options{Epochs: 20, Alpha: 0.1, Beta: 1, L1: 0.5, L2: 1, Balance: true, Seed: 1}
	countOptions = learn.CountOptions{Epochs: 30, Rate: 0.1, Margin: 1, Seed: 1}
)

// unitPrior is what is known of units before any example: the writer who numbers or bullets
// their points, or opens them with "first", "second", "also", has separated the problems; a
// greeting, an announcement ("two things:"), an apology for the message itself ("bit of a long
// one, sorry"), the writer introducing themselves ("we are a reseller in Lagos") or a clause of
// feeling alone raises none. The
// labelled messages move these weights; they start here.
var unitPrior = map[string]float64{
	"list-item": 2, "enumerate:first": 1.5, "enumerate:firstly": 1.5, "enumerate:second": 1.5, "enumerate:secondly": 1.5,
	"enumerate:third": 1.5, "enumerate:thirdly": 1.5, "enumerate:finally": 1, "enumerate:lastly": 1, "enumerate:another": 1,
	"enumerate:separately": 1.5, "enumerate:additionally": 1, "enumerate:also": 1, "enumerate:plus": 1,
	"greeting": -2, "announcement": -2, "no-content": -2, "feeling-only": -1.5, "joined-new-problem": 1.5, "praise-only": -2, "resolved": -1.5,
	"manners": -2, "intro": -1.5, "feeling-no-problem": -1,
}

// themeMinPrecision is the least held-out precision a theme's cut may have.
const themeMinPrecision = 0.5

// innerFolds is how many folds choose the upset cut: the cut is where held-out support
// messages read best, never where the training messages themselves do.
const innerFolds = 4

// upsetMinPrecision is the precision the upset cut keeps on held-out support messages where it
// can: a pause nudge on a calm message teaches agents to ignore the coach.
const upsetMinPrecision = 0.9

// Train fits every model from a corpus, deterministically: the same playbook and examples in
// the same order give the same models, byte for byte.
func Train(pb *Playbook, corpus []Example) (*Models, error) {
	if pb == nil || pb.lx == nil {
		return nil, errors.New("train: a prepared playbook is needed")
	}
	lx := pb.lx
	docs := make([]*text.Doc, len(corpus))
	for i := range corpus {
		docs[i] = text.Parse(corpus[i].Text)
	}
	m := &Models{Themes: map[string]*learn.Linear{}, Agent: map[string]*learn.Linear{}}

	// Upset: every text with an upset label, in its own domain.
	var tone []learn.Example
	var support []int // indexes into tone of the support messages
	for i, e := range corpus {
		if e.Upset == nil || e.Role == RoleAgent {
			continue
		}
		if e.Domain == Support {
			support = append(support, len(tone))
		}
		tone = append(tone, learn.Example{F: augment(toneFeatures(docs[i], lx, nil), e.Domain, nil), Y: *e.Upset, Weight: e.Weight})
	}
	if len(tone) == 0 {
		return nil, errors.New("train: no message labelled upset or calm")
	}
	m.Upset = learn.TrainLogistic("upset", tone, toneOptions)
	m.Upset.Cut = float32(heldOutCut(tone, support, toneOptions, 1, upsetMinPrecision))

	// Themes: one model per theme of the playbook, and one for a team's own themes.
	var themed []int
	for i, e := range corpus {
		if e.HasThemes && e.Role != RoleAgent {
			themed = append(themed, i)
		}
	}
	common := make([][]learn.Feature, len(corpus))
	for _, i := range themed {
		common[i] = themeFeatures(docs[i], lx, feelingTokens(docs[i], lx, nil), nil)
	}
	var own []learn.Example
	for _, th := range lx.themeIDs {
		var set []learn.Example
		var held []int
		for _, i := range themed {
			e := corpus[i]
			yes := slices.Contains(e.Themes, th)
			fs := ownTheme(common[i], th, nil)
			if e.Domain == Support {
				held = append(held, len(set))
				own = append(own, learn.Example{F: onlyOwn(fs), Y: yes, Weight: e.Weight})
			}
			set = append(set, learn.Example{F: augment(fs, e.Domain, nil), Y: yes, Weight: e.Weight})
		}
		m.Themes[th] = learn.TrainLogistic(th, set, themeOptions)
		// A theme the digest counts should be right at least half the time: the cut is the best
		// F1 on held-out support messages among those with precision 0.5 or more. A rare theme
		// (a handful of labelled examples) otherwise gets a cut low enough to name it in every
		// third message.
		m.Themes[th].Cut = float32(heldOutCut(set, held, themeOptions, 1, themeMinPrecision))
	}
	m.Themes[ownThemeModel] = learn.TrainLogistic(ownThemeModel, own, smallOptions)

	// Praise and outcome questions.
	var praise, outcome []learn.Example
	for i, e := range corpus {
		if e.Role == RoleAgent {
			continue
		}
		if e.Praise != nil {
			praise = append(praise, learn.Example{F: augment(praiseFeatures(docs[i], lx, nil), e.Domain, nil), Y: *e.Praise, Weight: e.Weight})
		}
		if e.Outcome != nil {
			outcome = append(outcome, learn.Example{F: questionFeatures(docs[i], lx, nil), Y: *e.Outcome})
		}
	}
	m.Praise = learn.TrainLogistic("praise", praise, smallOptions)
	oq := smallOptions
	oq.Prior = outcomePrior
	m.Outcome = learn.TrainLogistic("outcome", outcome, oq)

	// Issues, from counts.
	var groups []learn.Group
	var us []unit
	for i, e := range corpus {
		if e.Issues == nil || e.Role == RoleAgent {
			continue
		}
		d := docs[i]
		us = unitsOf(d, us)
		r := newUnitReader(d, lx, feelingTokens(d, lx, nil))
		g := learn.Group{Count: *e.Issues}
		for k, u := range us {
			g.Units = append(g.Units, r.next(u, k, nil))
		}
		groups = append(groups, g)
	}
	o := countOptions
	o.Prior = map[uint32]float64{}
	for name, v := range unitPrior {
		o.Prior[nsUnit.Add(name).ID()] = v
	}
	m.Issues = learn.TrainCount("issues", groups, o)

	// Agent-side rules. Which rules may fire depends on the customer message answered: its
	// labels where the corpus has them, else what the models just trained read in it.
	known := map[string]Example{}
	for _, e := range corpus {
		if e.Role != RoleAgent && e.Upset != nil && e.Outcome != nil {
			known[e.Text] = e
		}
	}
	partial := &Coach{pb: pb, models: m}
	replies := map[string]*Reply{}
	reply := func(text string) *Reply {
		if text == "" {
			return nil
		}
		if r, ok := replies[text]; ok {
			return r
		}
		var r *Reply
		if e, ok := known[text]; ok {
			r = &Reply{Upset: *e.Upset, OutcomeQuestion: *e.Outcome}
		} else {
			a := partial.Analyze(Message{Text: text, Role: RoleCustomer})
			r = &Reply{Upset: a.Upset, OutcomeQuestion: a.OutcomeQuestion}
		}
		replies[text] = r
		return r
	}
	agentFeats := map[int][]learn.Feature{}
	for _, id := range learnedRules {
		var set []learn.Example
		for i, e := range corpus {
			if e.Role != RoleAgent || !e.HasNudges || !mayFire(id, reply(e.ReplyTo)) {
				continue
			}
			if agentFeats[i] == nil {
				agentFeats[i] = agentFeatures(docs[i], lx, nil)
			}
			set = append(set, learn.Example{F: agentFeats[i], Y: slices.Contains(e.Nudges, id)})
		}
		o := smallOptions
		o.Prior = map[uint32]float64{}
		for name, v := range agentPrior[id] {
			o.Prior[nsAgent.Add(name).ID()] = v
		}
		m.Agent[id] = learn.TrainLogistic(id, set, o)
	}
	return m, nil
}

// mayFire reports whether a learned agent-side rule applies to a reply to this customer
// message: feelings-first and check-resolution answer an upset customer, outcome-not-process
// an outcome question; no-blame any reply.
func mayFire(rule string, r *Reply) bool {
	switch rule {
	case "feelings-first", "check-resolution":
		return r != nil && r.Upset
	case "outcome-not-process":
		return r != nil && r.OutcomeQuestion
	}
	return true
}

// onlyOwn keeps a theme example's own-list hits: what a team's new theme is judged on.
func onlyOwn(fs []learn.Feature) []learn.Feature {
	var out []learn.Feature
	for _, f := range fs {
		if f.ID == idOwnTheme {
			out = append(out, f)
		}
	}
	return out
}

// heldOutCut chooses a model's cut on held-out examples of one domain: the examples at
// indexes held are split into innerFolds folds, a model is trained without each fold (with
// every other example), and the cut is chosen on the pooled scores of the folds it did not
// see: the best F-beta with at least minPrecision where that can be had.
func heldOutCut(set []learn.Example, held []int, o learn.Options, beta, minPrecision float64) float64 {
	if len(held) < 2*innerFolds {
		return 0
	}
	fold := make([]int, len(set))
	for i := range fold {
		fold[i] = -1
	}
	for k, i := range held {
		fold[i] = k % innerFolds
	}
	var scored []learn.Scored
	for f := range innerFolds {
		var train []learn.Example
		for i, e := range set {
			if fold[i] != f {
				train = append(train, e)
			}
		}
		inner := learn.TrainLogistic("inner", train, o)
		for i, e := range set {
			if fold[i] == f {
				scored = append(scored, learn.Scored{Score: inner.Score(e.F), Y: e.Y})
			}
		}
	}
	return learn.ChooseCut(scored, beta, minPrecision)
}
