package coach

import (
	"slices"
	"strings"
)

// Signals are the phrase lists behind the contract's other readings of a customer message:
// what counts as a problem or an ask (for issues), an outcome question, praise, a sign-off,
// and words that continue the sentence before rather than start a new subject.
type Signals struct {
	Problem []string `json:"problem"`
	Ask     []string `json:"ask"`
	Outcome []string `json:"outcome"`
	Praise  []string `json:"praise"`
	Signoff []string `json:"signoff"`
	// Generic words say nothing about what the problem is ("look", "help", "ticket", "asap").
	Generic []string `json:"generic"`

	problem, ask, outcome, praise, signoff *phraseSet
	generic                                map[string]bool
}

func (s *Signals) prepare(v *vocab) []error {
	var errs []error
	build := func(name string, list []string) *phraseSet {
		ps := newPhraseSet(v)
		for _, p := range list {
			if err := checkPhrase(p); err != nil {
				errs = append(errs, errorf("signals: field %q: %q %v", name, p, err))
				continue
			}
			ps.add(p, name, 1)
		}
		return ps
	}
	s.problem = build("problem", s.Problem)
	s.ask = build("ask", s.Ask)
	s.outcome = build("outcome", s.Outcome)
	s.praise = build("praise", s.Praise)
	s.signoff = build("signoff", s.Signoff)
	s.generic = map[string]bool{}
	for _, w := range s.Generic {
		s.generic[w] = true
	}
	return errs
}

// sentence is a run of tokens between sentence ends (or a list item).
type sentence struct {
	first, end int  // token range [first, end)
	question   bool // ends with "?" or opens with a question word
}

var questionWords = map[string]bool{
	"when": true, "how": true, "will": true, "is": true, "are": true, "can": true, "could": true, "would": true,
	"do": true, "does": true, "did": true, "what": true, "why": true, "where": true, "any": true, "has": true,
	"have": true, "should": true, "which": true, "who": true, "whats": true, "what's": true, "when's": true,
}

// sentencesOf groups tokens by sentence and tells which are questions.
func sentencesOf(plain string, toks []token, dst []sentence) []sentence {
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].sentence == toks[i].sentence {
			j++
		}
		s := sentence{first: i, end: j}
		// The sentence's closing punctuation is the first of . ! ? or a line break after it.
		for k := toks[j-1].end; k < len(plain); k++ {
			c := plain[k]
			if c == '?' {
				s.question = true
				break
			}
			if c == '.' || c == '!' || c == '\n' || c == ';' {
				break
			}
		}
		if !s.question && questionWords[toks[i].word] && j-i > 2 {
			s.question = true
		}
		dst = append(dst, s)
		i = j
	}
	return dst
}

// has reports whether a phrase set matches inside a token range.
func has(ps *phraseSet, toks []token, first, end int) bool {
	found := false
	ps.find(toks[first:end], func(match) { found = true })
	return found
}

// outcomeQuestion: the customer asks about an outcome (when, whether, how long, what will
// happen), in a question or in "let me know when …".
func (c *Coach) outcomeQuestion(toks []token, sents []sentence) bool {
	sig := &c.pb.Signals
	for _, s := range sents {
		if wantsToKnow(toks[s.first:s.end]) {
			return true
		}
		if s.question && has(sig.outcome, toks, s.first, s.end) {
			return true
		}
	}
	return false
}

// wantsToKnow spots an outcome question phrased as a statement: "let me know when", "I need to
// know whether", "wondering if".
func wantsToKnow(toks []token) bool {
	for i := 0; i+1 < len(toks); i++ {
		w, next := toks[i].word, toks[i+1].word
		if (w == "know" || w == "wondering" || w == "tell" && next == "me") &&
			(next == "when" || next == "whether" || next == "if" || next == "how" || next == "me") {
			return true
		}
	}
	return false
}

// themes lists the complaint themes a message mentions, in the playbook's order.
func (c *Coach) themes(toks []token) []string {
	var out []string
	for _, th := range c.pb.themeOrder {
		if has(c.pb.themeSets[th], toks, 0, len(toks)) {
			out = append(out, th)
		}
	}
	return out
}

// praise: the customer thanks or compliments, meaning it. A "thanks" that only signs off a
// request is politeness, not praise; and an upset message's "I appreciate it, but…" is not
// praise either.
func (c *Coach) praise(a *Analysis, toks []token, sents []sentence, asks bool) bool {
	if a.Upset || len(toks) == 0 {
		return false
	}
	sig := &c.pb.Signals
	found := false
	sig.praise.find(toks, func(m match) {
		if found || toks[m.first].negated {
			return
		}
		if has(sig.signoff, toks, m.first, m.first+1) && isSignoff(toks, sents, m, asks) {
			return
		}
		found = true
	})
	return found
}

// isSignoff tells a closing "thanks" after a request from real thanks: real thanks say what
// for, or to whom, or stand alone.
func isSignoff(toks []token, sents []sentence, m match, asks bool) bool {
	if !asks {
		return false
	}
	if m.end < len(toks) {
		switch toks[m.end].word {
		case "for", "so", "again", "a", "you", "guys", "team", "all":
			return false
		}
	}
	last := sents[len(sents)-1]
	inLast := m.first >= last.first
	if m.first > 0 && toks[m.first].sentence == toks[0].sentence && len(sents) > 1 {
		return false // opening thanks: "Thanks for the help yesterday, but …"
	}
	return inLast || m.end-m.first == len(toks)
}

// issueUnit is a stretch of a message that may raise one problem: a sentence, a list item, or
// a clause after "also", "plus", ", and", "and now" or a comma followed by a new subject.
type issueUnit struct {
	first, end int
	question   bool
	listItem   bool // a numbered or bulleted item: the writer already separated the issues
	sentence   bool // starts a sentence (rather than a clause split off by "also", ", and the" …)
}

// issues splits a customer message into the distinct problems or asks it raises.
//
// A unit counts when it states a problem or makes an ask and says something concrete: words
// that are not feelings ("are you kidding me", "FIX IT"), pronouns or the generic words of
// support ("can you take a look?"). After the first issue, a unit continues the one before
// when it refers back ("is that planned?", "when will it be fixed?"), names no subject of its
// own ("…and kicks me out"), or brings no word the message has not used already.
func (c *Coach) issues(plain string, toks []token, sents []sentence, cueTokens []bool) []string {
	sig := &c.pb.Signals
	// problems[k] counts the problem phrases that start before token k, so "is there a problem
	// between a and b?" costs nothing however long the sentence.
	problems := make([]int, len(toks)+1)
	sig.problem.find(toks, func(m match) { problems[m.first+1]++ })
	for k := 1; k <= len(toks); k++ {
		problems[k] += problems[k-1]
	}
	problemIn := func(a, b int) bool { return problems[b]-problems[a] > 0 }
	var units []issueUnit
	for _, s := range sents {
		start := s.first
		for i := s.first + 1; i < s.end; i++ {
			if c.splitsHere(plain, toks, start, i, s.end, problemIn) {
				units = append(units, issueUnit{start, i, s.question, isListItem(plain, toks, start), start == s.first})
				start = i
			}
		}
		units = append(units, issueUnit{start, s.end, s.question, isListItem(plain, toks, start), start == s.first})
	}
	// "two things:", "a few questions": the writer counts their issues; trust the split.
	announced := announcesSeveral(toks)
	seen := map[string]bool{}
	var out []string
	var lastThemes []string
	for _, u := range units {
		first := u.first
		for first < u.end && isJoiner(toks[first].word) {
			first++
		}
		if first == u.end {
			continue
		}
		unit, mood := toks[first:u.end], cueTokens[first:u.end]
		// A problem word inside a cue of feeling ("i can't keep doing this", "why has
		// nobody…") says how the customer feels, not what is broken. (Cues that describe a
		// recurring problem, "broken again", are of the repetition kind, not of feeling.)
		problem := false
		sig.problem.find(unit, func(m match) {
			problem = problem || slices.Contains(mood[m.first:m.end], false)
		})
		ask := has(sig.ask, toks, first, u.end) || u.question
		content := c.contentWords(unit, mood)
		// An item of a list is an issue the writer separated out, problem word or not.
		if (!problem && !ask && !u.listItem) || len(content) == 0 {
			continue
		}
		// The customer's own story ("I tried…", "we only noticed…") is context, unless it
		// names a harm done to them ("I returned them, still no refund").
		if isNarrative(unit) && !ask {
			continue
		}
		themes := c.themes(unit)
		// A new sentence restating a problem of the theme just raised elaborates it ("how many
		// times do I have to reset my password?? every time I log in it kicks me out").
		elaborates := u.sentence && !u.question && !announcesIssue(toks[u.first].word) &&
			slices.ContainsFunc(themes, func(th string) bool { return slices.Contains(lastThemes, th) })
		if len(out) > 0 && !u.listItem && !announced && elaborates {
			continue
		}
		if len(out) > 0 && !u.listItem && !announced {
			fresh := 0
			for _, w := range content {
				if !seen[w] {
					fresh++
				}
			}
			if refersBack(toks[first:u.end]) || !opensWithSubject(toks[first:u.end]) || fresh == 0 {
				for _, w := range content {
					seen[w] = true
				}
				continue
			}
		}
		for _, w := range content {
			seen[w] = true
		}
		lastThemes = themes
		text := strings.TrimSpace(strings.Trim(plain[toks[first].start:toks[u.end-1].end], " ,;:-"))
		out = append(out, shortPhrase(text, 80))
	}
	return out
}

// contentWords returns the words of a unit that name things: not stop words, not the generic
// words of support, not part of a mood cue.
func (c *Coach) contentWords(toks []token, cue []bool) []string {
	var out []string
	for i, t := range toks {
		if cue[i] || len(t.word) < 3 || isDigits(t.word) || c.pb.Signals.generic[t.word] || stopWords[t.word] {
			continue
		}
		out = append(out, t.word)
	}
	return out
}

// refersBack reports a unit that points, near its start, at something already said: "is that
// planned?", "when will it be back?", "can you get them back?".
func refersBack(toks []token) bool {
	for _, t := range toks[:min(len(toks), 5)] {
		switch t.word {
		case "it", "it's", "it'll", "that", "that's", "that'll", "this", "these", "those", "them", "they", "they're", "both", "same":
			return true
		}
	}
	return false
}

// narrativeVerbs are what customers say they did: context for an issue, not one.
var narrativeVerbs = map[string]bool{
	"tried": true, "cleared": true, "restarted": true, "rebooted": true, "reconnected": true, "returned": true,
	"noticed": true, "didn't": true, "checked": true, "called": true, "emailed": true, "asked": true,
	"explained": true, "updated": true, "sent": true, "ordered": true, "bought": true, "followed": true,
	"reinstalled": true, "reset": true, "power": true, "did": true, "have": true, "had": true, "spoke": true,
	"found": true, "realised": true, "realized": true, "saw": true, "discovered": true, "waited": true,
	"contacted": true, "submitted": true, "filled": true, "upgraded": true, "downgraded": true, "switched": true,
}

// isNarrative reports "I tried…", "we didn't notice…", "I've reconnected…": the customer's own
// story. A story that names a harm done to them ("I got charged twice") is still an issue.
func isNarrative(toks []token) bool {
	if len(toks) < 2 {
		return false
	}
	switch toks[0].word {
	case "i", "we", "i've", "we've", "i'd", "we'd", "i'm", "we're":
	default:
		return false
	}
	verb := toks[1].word
	if verb == "have" || verb == "had" || verb == "already" || verb == "also" || verb == "just" || verb == "only" || verb == "then" || verb == "finally" {
		if len(toks) < 3 {
			return false
		}
		verb = toks[2].word
	}
	if !narrativeVerbs[verb] {
		return false
	}
	for _, t := range toks {
		switch t.word {
		case "charged", "billed", "lost", "locked", "can't", "cannot", "unable", "never", "twice", "still", "refund", "nothing":
			return false
		}
	}
	return true
}

// isListItem reports a unit that starts a numbered or bulleted item.
func isListItem(plain string, toks []token, first int) bool {
	t := toks[first]
	if isNumberWord(t.word) && t.end < len(plain) && (plain[t.end] == ')' || plain[t.end] == '.') {
		return true
	}
	// A bullet at the start of its line.
	line := strings.LastIndexByte(plain[:t.start], '\n') + 1
	lead := strings.TrimSpace(plain[line:t.start])
	return lead == "-" || lead == "*" || lead == "\u2022"
}

// announcesSeveral spots "two things", "a few questions", "several issues".
func announcesSeveral(toks []token) bool {
	for i := 0; i+1 < len(toks); i++ {
		switch toks[i].word {
		case "two", "three", "four", "few", "couple", "several", "multiple", "2", "3", "4":
		default:
			continue
		}
		next := toks[i+1].word
		if next == "of" && i+2 < len(toks) {
			next = toks[i+2].word
		}
		switch next {
		case "things", "problems", "issues", "questions", "bugs", "requests":
			return true
		}
	}
	return false
}

// splitsHere decides whether a clause boundary falls before token i of a sentence.
func (c *Coach) splitsHere(plain string, toks []token, start, i, end int, problemIn func(a, b int) bool) bool {
	if i <= start {
		return false
	}
	w := toks[i].word
	// "1) … 2) …" or "1. … 2. …" inside a line.
	if isNumberWord(w) && toks[i].end < len(plain) && (plain[toks[i].end] == ')' || plain[toks[i].end] == '.') {
		return true
	}
	comma := strings.Contains(plain[toks[i-1].end:toks[i].start], ",")
	switch w {
	case "also", "plus", "separately", "additionally":
		return true
	case "and":
		// ", and the …", "and now …", "AND …": a second problem, not a detail of the first.
		if i+1 >= end {
			return false
		}
		next := toks[i+1].word
		if next == "now" || next == "also" || toks[i].caps || comma && opensWithSubject(toks[i+1:end]) {
			return true
		}
		// "…are wrong again and half the team can't log in": a second subject, a second problem.
		return opensWithSubject(toks[i+1:end]) && problemIn(start, i) && problemIn(i+1, end)
	}
	// "my order is late, the tracking link 404s": a comma, then a new subject with a problem.
	if comma && opensWithSubject(toks[i:end]) && w != "i" && w != "we" && w != "you" {
		return problemIn(start, i) && problemIn(i, end)
	}
	return false
}

// announcesIssue reports a word that announces another issue.
func announcesIssue(w string) bool {
	switch w {
	case "also", "plus", "separately", "additionally", "another", "secondly", "finally":
		return true
	}
	return false
}

func isJoiner(w string) bool {
	switch w {
	case "and", "but", "also", "plus", "separately", "additionally", "now", "then", "so", "oh", "ok", "okay", "hey", "hi", "hello":
		return true
	}
	return isNumberWord(w)
}

// isDigits: amounts, order numbers and ticket ids name no problem.
func isDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

func isNumberWord(w string) bool {
	if w == "" || len(w) > 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// subjectStarts are words a clause with its own subject typically opens with.
var subjectStarts = map[string]bool{
	"the": true, "my": true, "our": true, "your": true, "a": true, "an": true, "one": true, "two": true,
	"another": true, "every": true, "each": true, "i": true, "we": true, "you": true, "he": true, "she": true,
	"nobody": true, "no": true, "there": true, "their": true, "his": true, "her": true, "some": true,
	"all": true, "none": true, "none's": true, "i'm": true, "we're": true, "i've": true, "we've": true,
	"can": true, "could": true, "will": true, "is": true, "are": true, "do": true, "does": true, "how": true,
	"when": true, "what": true, "why": true, "where": true, "any": true, "please": true, "pls": true,
	"i'd": true, "we'd": true, "also": true, "now": true, "last": true, "this": true,
	"half": true, "most": true, "many": true, "several": true, "everyone": true, "everybody": true,
	"someone": true, "somebody": true, "both": true, "either": true, "neither": true,
}

// opensWithSubject reports whether a clause names its own subject instead of continuing the
// one before ("…and kicks me out" continues; "…and the wifi password doesn't work" starts anew).
func opensWithSubject(toks []token) bool {
	if len(toks) == 0 {
		return false
	}
	w := toks[0].word
	if subjectStarts[w] {
		return true
	}
	// A name or product ("Salesforce sync", "SSO") opens a clause too.
	return len(toks) > 1 && w != strings.ToLower(w) || toks[0].caps
}

// shortPhrase trims text to n bytes on a word boundary.
func shortPhrase(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.TrimRight(cutWords(s, n), " ,;:") + "\u2026"
}

// stopWords are English function words.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be because been before
	being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
	few for from further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'd i'll
	i'm i've if in into is isn't it it's its itself just let's me more most my myself no nor not now of off on once only or
	other our ours ourselves out over own same she should shouldn't so some such than that that's the their theirs them
	themselves then there there's these they they'd they'll they're they've this those through to too under until up very
	was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why
	why's will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves yet still also
	really actually just even ever every already anyway though tho though thx pls please ok okay hey hi hello thanks
	thank`) {
		m[w] = true
	}
	return m
}()

// themeIDs is the default taxonomy, in order.
var themeIDs = []string{"billing", "refund", "shipping", "account-access", "bug", "outage", "performance",
	"data-loss", "cancellation", "pricing", "setup", "integration", "responsiveness", "feature-request"}

func (pb *Playbook) prepareThemes() []error {
	var errs []error
	pb.themeSets = map[string]*phraseSet{}
	pb.themeOrder = pb.themeOrder[:0]
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
			errs = append(errs, errorf("themes: %q is not a theme id (lowercase words joined by '-')", id))
			continue
		}
		ps := newPhraseSet(pb.vocab)
		for _, p := range pb.Themes[id] {
			if err := checkPhrase(p); err != nil {
				errs = append(errs, errorf("themes: %s: %q %v", id, p, err))
				continue
			}
			ps.add(p, id, 1)
		}
		pb.themeSets[id] = ps
		pb.themeOrder = append(pb.themeOrder, id)
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
