package coach

import (
	"github.com/deescalate/deescalate/coach/internal/learn"
	"github.com/deescalate/deescalate/coach/internal/text"
)

// The agent-side rules that paraphrase defeats (no-blame, outcome-not-process,
// feelings-first, check-resolution) are learned models over an agent's reply. They read the
// reply's words (as a weak prior), its opening sentence, the rules' phrase lists (where they
// hit, and whether in the opening), its questions, and blame by describing what the customer
// did ("you did not configure…"). What the customer wrote decides which rules may fire at all:
// feelings-first and check-resolution answer an upset customer, outcome-not-process an
// outcome question.

// agentWordValue scales an agent reply's words: a strong prior against any single word;
// agentListValue scales the hits of the rules' phrase lists, a strong prior for them: a
// phrase listed as blame is blame, however few the labelled examples of it.
const (
	agentWordValue = 0.5
	agentListValue = 1
)

// agentLists are the rules' phrase lists the agent models read.
var agentLists = []string{"blame", "acknowledge", "process", "estimate", "resolution", "check", "refusal", "guarantee"}

// lead returns the sentence that opens a reply once greetings and thanks of a few words are
// set aside ("Hi Sam,", "Thanks for waiting."), or -1 when there is none.
func lead(d *text.Doc, g *grammar) int {
	for si, s := range d.Sents {
		fw := firstWord(d, s.First, s.End)
		if fw < 0 {
			continue
		}
		n := 0
		for k := s.First; k < s.End; k++ {
			if d.Tokens[k].IsWord() {
				n++
			}
		}
		if g.Greeting[d.Tokens[fw].Norm] && n <= 4 && si+1 < len(d.Sents) {
			continue
		}
		return si
	}
	return -1
}

// announced reports a word said of the future: "will be fixed", "going to refund", "once
// it's deployed".
func announced(d *text.Doc, i int, g *grammar) bool {
	for k := max(0, i-3); k < i; k++ {
		if d.Tokens[k].Kind == text.Punct {
			return false
		}
		if g.Future[d.Tokens[k].Norm] {
			return true
		}
	}
	return false
}

// agentPrior is what each learned agent-side rule knows before any example: a phrase of its
// own list is evidence for it (a listed blame is blame), an acknowledgement or a question
// against the rules that ask for one. The labelled replies move these weights; they start
// here, so a handful of examples cannot teach a rule to ignore its own phrases.
var agentPrior = map[string]map[string]float64{
	"no-blame":            {"list:blame": 4, "lead:blame": 1, "you-mistake": 1},
	"feelings-first":      {"list:acknowledge": -1.5, "lead:acknowledge": -1.5},
	"outcome-not-process": {"list:process": 1, "list:estimate": -1},
	"check-resolution":    {"list:resolution": 1, "list:resolution-future": -1, "list:check": -1.5, "question": -1},
}

// agentFeatures is what the learned agent-side rules read of a reply.
func agentFeatures(d *text.Doc, lx *lexicon, dst []learn.Feature) []learn.Feature {
	g := words()
	b := &builder{d: d, dst: dst}
	b.words(0, len(d.Tokens), nil)
	b.scale(0, agentWordValue)
	ld := lead(d, g)
	add := func(name string, i, j int) { b.add(nsAgent.Add(name).ID(), i, j) }
	for _, name := range agentLists {
		lx.rule(name).Find(d, 0, len(d.Tokens), func(m text.Match) {
			tag := name
			switch {
			case d.Tokens[m.First].Neg:
				tag += "-negated"
			case announced(d, m.First, g):
				tag += "-future" // "will be fixed tonight" is not fixed yet
			}
			b.addVal(nsAgent.Add("list:"+tag).ID(), agentListValue, m.First, m.End)
			if ld >= 0 && d.Tokens[m.First].Sent == ld {
				b.addVal(nsAgent.Add("lead:"+tag).ID(), agentListValue, m.First, m.End)
			}
		})
	}
	if ld >= 0 {
		s := d.Sents[ld]
		for k := s.First; k < s.End; k++ {
			if d.Tokens[k].IsWord() {
				add("lead-word:"+wordStem(&d.Tokens[k]), k, k+1)
			}
		}
	}
	questions := 0
	for _, s := range d.Sents {
		if s.Question {
			questions++
			add("question", s.First, s.End)
		}
	}
	if questions == 0 {
		b.global(nsAgent.Add("no-question").ID(), 1)
	}
	// Blame by describing the customer's mistake: "you did not configure", "your team forgot".
	for i := range d.Tokens {
		if !g.SecondPerson[d.Tokens[i].Norm] {
			continue
		}
		for k := i + 1; k < min(len(d.Tokens), i+5) && d.Tokens[k].Kind != text.Punct; k++ {
			if g.Mistake[d.Tokens[k].Norm] {
				add("you-mistake", i, k+1)
				break
			}
		}
	}
	return b.dst
}
