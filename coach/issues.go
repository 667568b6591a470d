package coach

import (
	"strings"

	"github.com/deescalate/deescalate/coach/internal/learn"
	"github.com/deescalate/deescalate/coach/internal/text"
)

// Issues. A message is cut into units, the clauses of text.Doc, and a learned model scores
// each unit: does it start a problem the message has not raised yet? The model was trained
// from messages labelled only with how many problems they raise (learn.TrainCount), so it
// learned which units start one from what distinguishes them: a list item or "also" or "and
// the…" opening it, a problem or an ask inside it, a theme or words the message has not had,
// or, against, a greeting, the customer's own story ("I tried…"), a word that refers back
// ("is that planned?"), nothing new. Each unit that starts a problem is mirrored as a phrase,
// with the units after it in the same sentence that continue it.

// unit is a clause that may start a problem: tokens [first, end).
type unit struct{ first, end int }

// maxIssue bounds the length of a mirrored problem, in bytes; a longer one ends at its first
// clause.
const maxIssue = 140

// unitsOf cuts a message into its clauses that hold a word.
func unitsOf(d *text.Doc, dst []unit) []unit {
	dst = dst[:0]
	for _, c := range d.Clauses {
		if i, j := d.Trim(c.First, c.End); i < j && hasWord(d, i, j) {
			dst = append(dst, unit{c.First, c.End})
		}
	}
	return dst
}

func hasWord(d *text.Doc, i, j int) bool {
	for k := i; k < j; k++ {
		if t := &d.Tokens[k]; t.IsWord() || t.Kind == text.Code || t.Kind == text.Name {
			return true
		}
	}
	return false
}

// unitReader walks a message's units in order, remembering what came before.
type unitReader struct {
	d         *text.Doc
	lx        *lexicon
	g         *grammar
	feel      []bool
	cued      []bool // tokens inside any cue of the playbook
	joinedNew bool   // the unit just read is a second problem joined to the first (see next)
	announced bool
	// saidSomething: a clause before this one said something (see "first-content").
	saidSomething bool
	themes        map[string]bool
	seen          map[string]bool
}

func newUnitReader(d *text.Doc, lx *lexicon, feel []bool) *unitReader {
	r := &unitReader{d: d, lx: lx, g: words(), feel: feel, themes: map[string]bool{}, seen: map[string]bool{}}
	r.cued = make([]bool, len(d.Tokens))
	lx.cues.Find(d, 0, len(d.Tokens), func(m text.Match) {
		for k := m.First; k < m.End; k++ {
			r.cued[k] = true
		}
	})
	// "two things:", "a few questions": the writer counts their problems.
	r.announced = announces(d, unit{0, len(d.Tokens)})
	return r
}

func (r *unitReader) feature(b *builder, name string, at int) { b.add(nsUnit.Add(name).ID(), at, at+1) }

// next returns the features of unit u (the index-th unit) and then remembers its words and
// themes for the units after it.
func (r *unitReader) next(u unit, index int, dst []learn.Feature) []learn.Feature {
	d, g := r.d, r.g
	b := &builder{d: d, dst: dst}
	first := firstWord(d, u.first, u.end)
	if first < 0 {
		first = u.first
	}
	c := d.Clauses[d.Tokens[u.first].Clause]
	s := d.Sents[c.Sent]
	f := func(name string) { r.feature(b, name, first) }
	f("bias")
	words := 0
	for k := u.first; k < u.end; k++ {
		if d.Tokens[k].IsWord() {
			words++
		}
	}
	w1 := d.Tokens[first].Norm
	if g.Greeting[w1] && words <= 4 {
		f("greeting")
	}
	if u.first == s.First || firstWord(d, s.First, s.End) == first {
		f("sentence-start")
		if s.ListItem {
			f("list-item")
		}
	} else if c.Comma {
		f("after-comma")
	}
	if c.Opener >= 0 {
		op := d.Tokens[c.Opener].Norm
		r.feature(b, "opener:"+op, c.Opener)
		if k := nextWord(d, c.Opener, u.end); k >= 0 && g.Subject[d.Tokens[k].Norm] {
			f("opener+subject")
		}
	}
	// "First, …", "Secondly …", "Also, …": the writer counts their points. A bare ordinal
	// ("Third chat today") is not an enumeration.
	if g.Enumerate[w1] && (strings.HasSuffix(w1, "ly") || first+1 < u.end && d.Tokens[first+1].Kind == text.Punct && (d.Tokens[first+1].Norm == "," || d.Tokens[first+1].Norm == ":") || !isOrdinal(w1)) {
		f("enumerate:" + w1)
	}
	if g.Refer[w1] {
		f("refers-back")
	}
	if g.Subject[w1] || d.Tokens[first].Text != w1 {
		f("subject")
	}
	if s.Question {
		f("question")
	}
	if r.announced {
		f("announced")
	}
	if announces(d, u) {
		f("announcement") // "two things:", "Quick question:" open the problems; they are not one
	}
	problems, asks, outcomes, praise := 0, 0, 0, 0
	r.lx.signal("problem").Find(d, u.first, u.end, func(m text.Match) {
		if !r.feel[m.First] {
			problems++
		}
	})
	r.lx.signal("ask").Find(d, u.first, u.end, func(text.Match) { asks++ })
	r.lx.signal("outcome").Find(d, u.first, u.end, func(text.Match) { outcomes++ })
	r.lx.signal("praise").Find(d, u.first, u.end, func(text.Match) { praise++ })
	switch {
	case problems > 0:
		f("problem")
	case asks == 0 && !s.Question:
		f("no-problem-no-ask")
	}
	if asks > 0 {
		f("ask")
	}
	if outcomes > 0 {
		f("outcome")
	}
	// A clause that reports something put right ("she sorted our webhook retries", "it works
	// now") tells of a problem that is over.
	resolved := false
	r.lx.rule("resolution").Find(d, u.first, u.end, func(m text.Match) {
		resolved = resolved || !d.Tokens[m.First].Neg && !announced(d, m.First, g)
	})
	if resolved && problems == 0 && asks == 0 && !s.Question {
		f("resolved")
	}
	// "Bit of a long one, sorry", "sorry to bother you": the writer's manners about their own
	// message, not a problem. The apology may sit in a clause of its own, in a sentence that
	// tells of no problem.
	manners := false
	if problems == 0 && asks == 0 && !s.Question {
		sentProblem := false
		r.lx.signal("problem").Find(d, s.First, s.End, func(m text.Match) { sentProblem = sentProblem || !r.feel[m.First] })
		for k := s.First; k < s.End && !sentProblem; k++ {
			if d.Tokens[k].IsWord() && g.Apology[d.Tokens[k].Norm] {
				manners = true
				f("manners")
				break
			}
		}
	}
	if praise > 0 {
		f("praise")
		if problems == 0 && asks == 0 && !s.Question {
			f("praise-only") // "Kudos to Ana, she sorted it in minutes": thanks, no problem
		}
	}
	// "We are a media agency…", "I'm a teacher at…": the writer introduces themselves; what
	// they need comes after.
	intro := false
	if w1 == "i" || w1 == "we" || w1 == "i'm" || w1 == "we're" {
		k := nextWord(d, first, u.end)
		if k >= 0 && (w1 == "i" && d.Tokens[k].Norm == "am" || w1 == "we" && d.Tokens[k].Norm == "are") {
			k = nextWord(d, k, u.end)
		}
		if k >= 0 && (d.Tokens[k].Norm == "a" || d.Tokens[k].Norm == "an") && problems == 0 && asks == 0 && !s.Question {
			intro = true
			f("intro")
		}
	}
	// The customer's own story: "I tried…", "we restarted…".
	if w1 == "i" || w1 == "we" || w1 == "i've" || w1 == "we've" {
		if v := nextWord(d, first, u.end); v >= 0 && g.Story[d.Tokens[v].Norm] {
			f("story")
		}
	}
	newTheme, oldTheme := false, false
	r.lx.themes.Find(d, u.first, u.end, func(m text.Match) {
		if r.themes[m.Label] {
			oldTheme = true
		} else {
			newTheme = true
		}
	})
	if newTheme {
		f("new-theme")
	}
	// A joining word, a subject of its own, a problem and a theme the message has not had: the
	// textbook second problem ("…wrong again and half the team can't log in"). A linear model
	// cannot make this conjunction itself.
	r.joinedNew = false
	if c.Opener >= 0 && newTheme && problems > 0 {
		if k := nextWord(d, c.Opener, u.end); k >= 0 && g.Subject[d.Tokens[k].Norm] {
			f("joined-new-problem")
			r.joinedNew = r.saidSomething
		}
	}
	if oldTheme {
		f("old-theme")
	}
	content, fresh, feel := 0, 0, 0
	for k := u.first; k < u.end; k++ {
		t := &d.Tokens[k]
		if !t.IsWord() || g.Stop[t.Norm] || len(t.Norm) < 3 {
			continue
		}
		if r.feel[k] || r.cued[k] {
			// Words of a cue say how the customer feels or how long it has gone on ("third
			// time", "still"), not what the problem is about.
			feel++
			continue
		}
		content++
		if !r.seen[wordStem(t)] {
			fresh++
		}
	}
	switch {
	case content == 0:
		f("no-content")
	case content <= 2:
		f("content-1-2")
	case content <= 5:
		f("content-3-5")
	default:
		f("content-6+")
	}
	switch {
	case content > 0 && fresh == 0:
		f("nothing-new")
	case fresh >= 3:
		f("much-new")
	}
	if feel > 0 && content == 0 {
		f("feeling-only")
	}
	// "Never in my life have I been this disappointed": a feeling, named in some detail, with
	// no problem, ask, question or theme of its own. The problem is elsewhere.
	feeling := feel > 0 && problems == 0 && asks == 0 && !s.Question && !newTheme && !oldTheme
	if feeling && content > 0 {
		f("feeling-no-problem")
	}
	// The first clause that says something: the problem a message opens with, after any
	// greeting, exclamation or announcement ("Ugh.", "Wow.", "Quick question:").
	if !r.saidSomething && content > 0 && !(g.Greeting[w1] && words <= 4) && !announces(d, u) && !manners && !intro && !feeling && (problems > 0 || asks > 0 || s.Question || content >= 2 && praise == 0 && !resolved) {
		f("first-content")
		r.saidSomething = true
	}
	// Remember this unit for the ones after it.
	r.lx.themes.Find(d, u.first, u.end, func(m text.Match) { r.themes[m.Label] = true })
	for k := u.first; k < u.end; k++ {
		if d.Tokens[k].IsWord() {
			r.seen[wordStem(&d.Tokens[k])] = true
		}
	}
	return b.dst
}

func isOrdinal(w string) bool {
	switch w {
	case "first", "second", "third", "fourth", "fifth":
		return true
	}
	return false
}

// enumerated reports a unit the writer set apart as a point of its own: a bulleted or
// numbered item, or a sentence opened by "First,", "Secondly", "Also,". Such a unit starts a
// problem whenever it says something: the writer has already done the splitting.
func enumerated(d *text.Doc, u unit, g *grammar) bool {
	s := d.Sents[d.Tokens[u.first].Sent]
	first := firstWord(d, u.first, u.end)
	if first < 0 || firstWord(d, s.First, s.End) != first {
		return false
	}
	if s.ListItem {
		return !announces(d, u) && hasWord(d, first+1, u.end)
	}
	w := d.Tokens[first].Norm
	comma := first+1 < u.end && d.Tokens[first+1].Kind == text.Punct && d.Tokens[first+1].Norm == ","
	return g.Enumerate[w] && w != "and" && (strings.HasSuffix(w, "ly") || comma) && hasWord(d, first+2, u.end)
}

// announces reports a unit that holds a count of problems ("two things", "a few questions")
// or opens what follows ("Quick question:", "One more thing:").
func announces(d *text.Doc, u unit) bool {
	if j := u.end - 1; j > u.first && d.Tokens[j].Kind == text.Punct && d.Tokens[j].Norm == ":" {
		words := 0
		topic := false
		for k := u.first; k < j; k++ {
			if d.Tokens[k].IsWord() {
				words++
				switch d.Tokens[k].Norm {
				case "question", "questions", "thing", "things", "issue", "issues", "request", "requests", "problem", "problems", "q", "one", "update":
					topic = true
				}
			}
		}
		if topic && words <= 4 {
			return true
		}
	}
	for i := u.first; i+1 < u.end; i++ {
		switch d.Tokens[i].Norm {
		case "two", "three", "four", "few", "couple", "several", "multiple", "2", "3", "4":
			switch d.Tokens[i+1].Norm {
			case "things", "problems", "issues", "questions", "bugs", "requests", "of":
				return true
			}
		}
	}
	return false
}

// issuePhrase mirrors the problem that starts at unit i: that unit and the ones after it in
// the same sentence that do not start a problem of their own, as a whole readable phrase (a
// clause is never cut; a problem longer than maxIssue ends at its first clause).
func issuePhrase(d *text.Doc, us []unit, starts []bool, i int) string {
	sent := d.Tokens[us[i].first].Sent
	end := us[i].end
	for k := i + 1; k < len(us) && !starts[k] && d.Tokens[us[k].first].Sent == sent; k++ {
		if d.Tokens[us[k].end-1].End-d.Tokens[us[i].first].Start > maxIssue {
			break
		}
		end = us[k].end
	}
	first := us[i].first
	// A joining word or a list marker opens the clause but is not part of the problem.
	for first < end {
		t := &d.Tokens[first]
		if n := d.Marker(first); n > 0 && first+n < end {
			first += n // "(b) …", "2) …"
			continue
		}
		if t.IsWord() && !isJoiner(t.Norm) && !(t.Kind == text.Number && first+1 < end && (d.Tokens[first+1].Norm == ")" || d.Tokens[first+1].Norm == ".") && d.Tokens[first+1].Joined) {
			break
		}
		if t.IsWord() && t.Kind == text.Number {
			first += 2 // "2)" or "2."
			continue
		}
		first++
	}
	// Nor does a joining word end it ("a single invoice, and").
	for end > first {
		k := end - 1
		for k > first && !d.Tokens[k].IsWord() {
			k--
		}
		if !d.Tokens[k].IsWord() || !isJoiner(d.Tokens[k].Norm) || k == first {
			break
		}
		end = k
	}
	p := d.Phrase(first, end)
	// "…can't log in!!" mirrors as "…can't log in"; a question keeps one mark.
	p = strings.TrimRight(p, " ,;:-!")
	if strings.HasSuffix(p, "?") {
		p = strings.TrimRight(p, "?!") + "?"
	}
	return p
}

func isJoiner(w string) bool {
	switch w {
	case "and", "but", "also", "plus", "separately", "additionally", "then", "so", "oh", "ok", "okay", "or", "while", "whereas", "besides", "furthermore", "moreover", "secondly", "thirdly", "lastly", "finally", "firstly":
		return true
	}
	return false
}
