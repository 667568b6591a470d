package coach

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
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

// Analysis is what the coach reads in one message: the fields of the eval contract.
type Analysis struct {
	Upset     bool
	Intensity float64 // 0 (calm or happy) to 1
	// Cues are the words, punctuation or patterns that made the message read as upset, strongest
	// first, quoted as the author wrote them, for a nudge to show.
	Cues []string
	// Issues are the distinct problems the message raises, each a short phrase.
	Issues []string
	// OutcomeQuestion: the author asks when, whether, how long or what will happen.
	OutcomeQuestion bool
	// Promise is an agent's commitment to follow up, nil when there is none.
	Promise *Promise
	Themes  []string
	Praise  bool

	// byModel: upset on the tone model's word alone, with no cue to quote.
	byModel bool
}

// Coach holds a playbook and judges messages with it. It is safe for concurrent use.
type Coach struct {
	pb     *Playbook
	rules  []Rule
	ledger Ledger
}

// New returns a coach for a playbook, keeping the ledger with the default timings.
func New(pb *Playbook) *Coach {
	c := &Coach{pb: pb, ledger: DefaultLedger}
	c.rules = c.Rules()
	return c
}

// Playbook returns the coach's playbook.
func (c *Coach) Playbook() *Playbook { return c.pb }

// scratch holds the buffers of one analysis; they are pooled, so a steady stream of messages
// allocates little.
type scratch struct {
	toks    []token
	sents   []sentence
	feats   []uint32
	matches []match
	used    []bool // tokens inside a counted cue
	mood    []bool // tokens inside a cue of feeling (not of persistence or repetition)
	fs      featureScratch
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Analyze judges one message.
func (c *Coach) Analyze(m Message) Analysis {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	a, _ := c.analyze(m, sc)
	return a
}

func (c *Coach) analyze(m Message, sc *scratch) (Analysis, Text) {
	t := Clean(m.Text)
	sc.toks = tokenize(t.Plain, sc.toks[:0])
	c.pb.vocab.number(sc.toks)
	sc.sents = sentencesOf(t.Plain, sc.toks, sc.sents[:0])
	var a Analysis
	c.judgeTone(&a, t, sc)
	if m.Role != RoleAgent {
		// Praise is no issue: its words count like feelings ("please pass it on").
		c.pb.Signals.praise.find(sc.toks, func(m match) {
			for k := m.first; k < m.end; k++ {
				sc.mood[k] = true
			}
		})
		a.Issues = c.issues(t.Plain, sc.toks, sc.sents, sc.mood)
		a.OutcomeQuestion = c.outcomeQuestion(sc.toks, sc.sents)
		a.Themes = c.themes(sc.toks)
		asks := len(a.Issues) > 0 || a.OutcomeQuestion || slices.ContainsFunc(sc.sents, func(s sentence) bool { return s.question })
		a.Praise = c.praise(&a, sc.toks, sc.sents, asks)
	} else {
		zone := m.Zone
		if zone == nil {
			zone = time.UTC
		}
		if p, ok := FindPromise(t.Plain, m.Now.In(zone), zone); ok {
			a.Promise = &p
		}
	}
	return a, t
}

// cue is one piece of evidence of the author's mood.
type cue struct {
	text   string
	weight float64
	pos    int
}

// judgeTone decides upset, intensity and cues. Evidence adds up: cue phrases of the playbook
// (the strongest counts fully, the next ones less), calm phrases against, emoji, shouting and
// "!!" when the message is negative at all, and the tone model's probability, centred so a
// neutral message neither pushes nor pulls.
func (c *Coach) judgeTone(a *Analysis, t Text, sc *scratch) evidence {
	u := &c.pb.Upset
	plain, toks := t.Plain, sc.toks
	sc.matches = sc.matches[:0]
	u.phrases.find(toks, func(m match) { sc.matches = append(sc.matches, m) })
	// Longer phrases win over the words inside them ("thanks a lot for nothing" is sarcasm, not
	// thanks; "not angry" is calm, not anger).
	slices.SortStableFunc(sc.matches, func(x, y match) int { return (y.end - y.first) - (x.end - x.first) })
	sc.used = slices.Grow(sc.used[:0], len(toks))[:len(toks)]
	clear(sc.used)
	sc.mood = slices.Grow(sc.mood[:0], len(toks))[:len(toks)]
	clear(sc.mood)
	var cues, irony []cue
	var calm []float64
	lex := valence()
	for _, m := range sc.matches {
		if slices.Contains(sc.used[m.first:m.end], true) {
			continue
		}
		single := m.end-m.first == 1
		// A single negative word in the scope of a negation does not count: "not bad at all".
		if single && toks[m.first].negated && m.p.weight > 0 {
			continue
		}
		// Nor one that only intensifies praise: "stupidly easy", "insanely good".
		if single && m.p.weight > 0 && m.end < len(toks) && toks[m.end].sentence == toks[m.first].sentence && lex[toks[m.end].word] >= 1.5 {
			continue
		}
		feeling := m.p.kind != "persistence" && m.p.kind != "repetition" && m.p.kind != "weak"
		for k := m.first; k < m.end; k++ {
			sc.used[k] = true
			sc.mood[k] = feeling
		}
		switch {
		case m.p.weight < 0:
			calm = append(calm, m.p.weight)
		case m.p.kind == "irony" || m.p.kind == "weak":
			irony = append(irony, cue{m.span(plain, toks), m.p.weight, toks[m.first].start})
		default:
			cues = append(cues, cue{m.span(plain, toks), m.p.weight, toks[m.first].start})
		}
	}
	for i, e := range t.Emoji {
		if w, ok := u.Emoji[e]; ok {
			cues = append(cues, cue{":" + e + ":", w, len(plain) + i})
		}
		if w, ok := u.EmojiCalm[e]; ok {
			calm = append(calm, -w)
		}
	}
	if text, w := c.complaint(plain, toks); w > 0 {
		cues = append(cues, cue{text, w, strings.Index(plain, text)})
	}
	if q := scareQuote(plain, u.scareWords); q != "" {
		cues = append(cues, cue{q, u.ScareQuoteWeight, strings.Index(plain, q)})
	}
	// Weak cues ("again", "seriously") and praise words read as irony only add to other
	// evidence: "brilliant." after the fix broke everything is sarcasm, "brilliant!" alone is
	// praise, and "again" alone is just a word.
	if len(cues) > 0 {
		cues = append(cues, irony...)
	}
	// Strongest first: the nudge quotes the first cue, and each next one counts less.
	slices.SortStableFunc(cues, func(x, y cue) int {
		if x.weight != y.weight {
			if x.weight > y.weight {
				return -1
			}
			return 1
		}
		return x.pos - y.pos
	})
	negative := diminishing(cues)
	slices.Sort(calm)
	calmScore := 0.0
	for i, w := range calm {
		calmScore += w * math.Pow(0.5, float64(i))
	}

	sc.feats = appendFeatures(sc.feats[:0], t, &sc.fs)
	p := 0.5
	if m, err := loadTone(); err == nil {
		p = m.Prob(sc.feats)
	}

	// Shouting and "!!" amplify a negative message; on their own (THANK YOU!!) they mean nothing.
	shout, shoutText := shouting(plain, toks, u.acronyms)
	bangs, bangAt := exclaims(plain)
	amplify := 0.0
	if negative > 0 || p >= 0.45 {
		if shout > 0 {
			amplify += u.ShoutingWeight * math.Min(1, 0.6+0.2*float64(shout))
			cues = append(cues, cue{shoutText, u.ShoutingWeight, 0})
		}
		if bangs > 0 {
			amplify += u.ExclaimWeight * math.Min(1, 0.7+0.3*float64(bangs-1))
			cues = append(cues, cue{plain[bangAt : bangAt+2], u.ExclaimWeight, bangAt})
		}
	}
	ev := evidence{logit: math.Log(p / (1 - p)), negative: negative, amplify: amplify, calm: calmScore}
	a.Upset = ev.upset(u)
	// How strongly: the decision's evidence, and the words' own weight as people rated them.
	a.Intensity = 0.5*ev.intensity(u) + 0.5*negativity(toks, plain)
	if a.Upset {
		for _, c := range cues {
			a.Cues = append(a.Cues, c.text)
		}
		if len(a.Cues) == 0 {
			// Upset by tone alone: quote the most negative words, if any are rated.
			a.byModel = true
			if w := strongestWords(plain, toks, 2); w != "" {
				a.Cues = append(a.Cues, w)
			}
		}
	}
	return ev
}

// evidence is what judgeTone weighs, in log-odds: the model's logit plus the cues, scaled.
type evidence struct {
	logit, negative, amplify, calm float64
}

// score weighs the evidence. The model's say is clipped: a sarcastic "great, just great" is
// full of words the model learned as happy, and it must not overrule the cue that caught it.
func (e evidence) score(u *UpsetSignals) float64 {
	l := math.Max(-u.ModelClip, math.Min(u.ModelClip, e.logit))
	return u.ModelWeight*l + u.CueScale*(e.negative+e.amplify+e.calm)
}

// margin is how far the evidence is past the line between calm and upset, in log-odds.
func (e evidence) margin(u *UpsetSignals) float64 {
	if e.negative == 0 && e.amplify == 0 {
		return e.logit + u.CueScale*e.calm - u.ModelOnlyThreshold
	}
	return e.score(u) - u.Threshold
}

// intensity squashes the evidence to 0–1 around the line between calm and upset, so upset
// messages read above 0.5 and calm or happy ones fall towards 0. Unlike the decision it uses
// the model's full log-odds: among very negative messages, how negative still matters.
func (e evidence) intensity(u *UpsetSignals) float64 {
	if e.negative == 0 && e.amplify == 0 {
		return sigmoid(e.logit + u.CueScale*e.calm - u.ModelOnlyThreshold)
	}
	return sigmoid(u.ModelWeight*e.logit + u.CueScale*(e.negative+e.amplify+e.calm) - u.Threshold)
}

// upset decides. With no cue at all, only a confident model counts: a calm problem report
// ("the export fails") reads negative to a model trained on comments, yet nobody is upset.
func (e evidence) upset(u *UpsetSignals) bool { return e.margin(u) >= 0 }

// negativity is how negative a text's words are, from the valence lexicon: each word's rating,
// flipped and damped under a negation, weighted towards what follows a "but" (the part that
// carries the point), shouted words a little stronger; the sum is squashed to 0–1 and only
// its negative side is kept.
func negativity(toks []token, plain string) float64 {
	lex := valence()
	sum := 0.0
	butAt := -1
	for i, t := range toks {
		if t.word == "but" {
			butAt = i
		}
	}
	for i, t := range toks {
		v, ok := lex[t.word]
		if !ok {
			continue
		}
		x := float64(v)
		// "very bad" is worse than "bad", "a bit slow" milder than "slow".
		if i > 0 && toks[i-1].sentence == t.sentence {
			if d := degree[toks[i-1].word]; d != 0 {
				x += math.Copysign(d, x)
			}
		}
		if t.negated {
			x *= -0.74
		}
		if t.caps {
			x *= 1.3
		}
		switch {
		case butAt < 0:
		case i < butAt:
			x *= 0.5
		case i > butAt:
			x *= 1.5
		}
		sum += x
	}
	if strings.Contains(plain, "!") {
		sum *= 1.1
	}
	compound := sum / math.Sqrt(sum*sum+15)
	return math.Max(0, -compound)
}

// degree words strengthen or soften the next word (VADER's boosters and dampeners).
var degree = map[string]float64{
	"very": 0.293, "extremely": 0.293, "really": 0.293, "so": 0.293, "too": 0.293, "totally": 0.293,
	"absolutely": 0.293, "completely": 0.293, "utterly": 0.293, "incredibly": 0.293, "super": 0.293,
	"highly": 0.293, "most": 0.293, "truly": 0.293, "seriously": 0.293, "especially": 0.293,
	"somewhat": -0.293, "slightly": -0.293, "barely": -0.293, "hardly": -0.293, "bit": -0.293,
	"little": -0.293, "marginally": -0.293, "partly": -0.293, "kinda": -0.293, "sorta": -0.293,
	"fairly": -0.293, "pretty": -0.15, "less": -0.293,
}

// diminishing adds cue weights, strongest first, each next one counting half the one before:
// five mild cues do not make a furious message.
func diminishing(cues []cue) float64 {
	s := 0.0
	for i, c := range cues {
		s += c.weight * math.Pow(0.5, float64(i))
	}
	return s
}

// shouting counts words written in capitals to shout (three letters or more, not acronyms) and
// returns the first run of them as written.
func shouting(plain string, toks []token, acronyms map[string]bool) (int, string) {
	n, first, last := 0, -1, -1
	for i, t := range toks {
		if !t.caps || acronyms[t.word] || bracketed(plain, t) {
			continue
		}
		n++
		if first < 0 {
			first, last = i, i
		} else if last == i-1 && toks[i].sentence == toks[first].sentence {
			last = i
		}
	}
	if n == 0 {
		return 0, ""
	}
	return n, plain[toks[first].start:toks[last].end]
}

// complaint finds reproach aimed at the company in words without feeling: an accusation
// ("you charged me twice", "you lost my bag"), a rhetorical question about a problem ("why have
// my bills gone up?", "where is my package??"), or an order to do better ("update your
// website"). A plain report ("your widget won't load") is not one: nobody is blamed.
func (c *Coach) complaint(plain string, toks []token) (string, float64) {
	sig := &c.pb.Signals
	w := c.pb.Upset.ComplaintWeight
	for i := 0; i+1 < len(toks); i++ {
		switch toks[i].word {
		case "you", "you've", "y'all", "yall":
			for k := i + 1; k < min(i+3, len(toks)) && toks[k].sentence == toks[i].sentence; k++ {
				if harmVerbs[toks[k].word] {
					return plain[toks[i].start:toks[k].end], w
				}
			}
		}
	}
	problem := has(sig.problem, toks, 0, len(toks))
	if !problem {
		return "", 0
	}
	sents := sentencesOf(plain, toks, nil)
	for _, s := range sents {
		first := toks[s.first].word
		second := ""
		if s.first+1 < s.end {
			second = toks[s.first+1].word
		}
		rhetorical := first == "why" || first == "how" && (second == "come" || second == "is" || second == "are" || second == "do" || second == "does" || second == "can" || second == "hard") ||
			first == "where" || first == "where's" || first == "what" && (second == "happened" || second == "am" || second == "is")
		if rhetorical && s.question {
			return plain[toks[s.first].start:toks[min(s.first+3, s.end-1)].end], w
		}
		if directives[first] && s.end-s.first >= 2 {
			switch toks[s.first+1].word {
			case "your", "it", "this", "that", "something", "yourselves", "better", "these":
				return plain[toks[s.first].start:toks[s.first+1].end], w
			}
		}
	}
	// "where is it??": a problem asked about with double marks.
	if n, at := exclaims(plain); n > 0 && strings.Contains(plain[at:at+2], "?") {
		return plain[at : at+2], w * 0.8
	}
	return "", 0
}

// harmVerbs are what a company is accused of doing to a customer.
var harmVerbs = map[string]bool{
	"charged": true, "overcharged": true, "billed": true, "lost": true, "cancelled": true, "canceled": true,
	"raised": true, "changed": true, "deleted": true, "removed": true, "broke": true, "ruined": true,
	"wasted": true, "ignored": true, "closed": true, "forgot": true, "messed": true, "screwed": true,
	"lied": true, "refused": true, "denied": true, "took": true, "kept": true, "sent": true, "shipped": true,
	"cut": true, "blocked": true, "suspended": true, "banned": true, "locked": true, "hung": true,
	"promised": true, "misled": true, "scammed": true, "ripped": true, "stole": true, "left": true, "dropped": true,
}

// directives open a sentence that tells the company to do better: "fix your app", "sort it".
var directives = map[string]bool{
	"fix": true, "sort": true, "update": true, "check": true, "train": true, "learn": true, "stop": true,
	"do": true, "explain": true, "give": true, "answer": true, "respond": true, "get": true, "pick": true,
}

// scareQuote returns the first quoted phrase of one to five words that holds a word of
// promise ("quick fix", "urgent", "next day delivery"): quoting the company's own words back
// at it is sarcasm. Quoted error messages and states ("pending") are not.
func scareQuote(plain string, words map[string]bool) string {
	for i := 0; i < len(plain); i++ {
		open, size := utf8.DecodeRuneInString(plain[i:])
		var closing rune
		switch open {
		case '"':
			closing = '"'
		case '\u201c':
			closing = '\u201d'
		case '\'':
			// An apostrophe inside a word is not a quote.
			if i > 0 && isWordByte(plain[i-1]) {
				continue
			}
			closing = '\''
		default:
			continue
		}
		rest := plain[i+size:]
		end := strings.IndexRune(rest, closing)
		if end <= 0 || end > 60 {
			continue
		}
		inner := rest[:end]
		if closing == '\'' && end+1 < len(rest) && isWordByte(rest[end+1]) {
			continue // "they're" closing early
		}
		fields := strings.Fields(inner)
		if len(fields) == 0 || len(fields) > 5 {
			continue
		}
		for _, f := range fields {
			if words[strings.ToLower(strings.Trim(f, ".,!?:;"))] {
				return plain[i : i+size+end+utf8.RuneLen(closing)]
			}
		}
		i += size + end
	}
	return ""
}

// bracketed reports a word in square brackets: a placeholder ("[NAME]", "[REDACTED]"), not
// shouting.
func bracketed(plain string, t token) bool {
	return t.start > 0 && plain[t.start-1] == '[' && t.end < len(plain) && plain[t.end] == ']'
}

// exclaims counts runs of two or more "!" or "?" ("!!", "??", "?!") and returns where the
// first starts.
func exclaims(s string) (int, int) {
	n, at := 0, -1
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '!' || s[i] == '?') && (s[i+1] == '!' || s[i+1] == '?') {
			if at < 0 {
				at = i
			}
			n++
			for i+1 < len(s) && (s[i+1] == '!' || s[i+1] == '?') {
				i++
			}
		}
	}
	return n, at
}

// strongestWords quotes the most negative words of a text by their valence, for a nudge
// about a message that reads upset without any listed cue.
func strongestWords(plain string, toks []token, n int) string {
	lex := valence()
	best, bestV := -1, float32(0)
	for i, t := range toks {
		if v, ok := lex[t.word]; ok && !t.negated && v < bestV {
			best, bestV = i, v
		}
	}
	if best < 0 || bestV > -1 {
		return ""
	}
	end := min(best+n, len(toks)) - 1
	return plain[toks[best].start:toks[end].end]
}
