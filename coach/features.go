package coach

import (
	"strings"

	"github.com/deescalate/deescalate/coach/internal/learn"
	"github.com/deescalate/deescalate/coach/internal/text"
)

// The features every model reads are built here, from the one annotated form of a message
// (text.Doc), the playbook's phrase lists (lexicon) and the word lists of words.json. The
// trainer and the running bot call the same functions, so they cannot drift apart. Each
// feature carries the bytes of the text it was read from, so a verdict can quote its evidence.

// Feature namespaces: "refund" the word and "refund" the theme list are different features.
var (
	nsWord   = learn.NS("w")   // a word's stem
	nsNeg    = learn.NS("n")   // a word's stem, inside a negation's scope
	nsPair   = learn.NS("b")   // two stems side by side in one clause
	nsEmoji  = learn.NS("e")   // an emoji by name
	nsCue    = learn.NS("cue") // a phrase of the playbook's upset cues, by kind
	nsCueNeg = learn.NS("cue-")
	nsShape  = learn.NS("shape")
	nsSig    = learn.NS("sig")   // a phrase of the playbook's signals, by list
	nsTheme  = learn.NS("th")    // a phrase of a theme's list
	nsQWord  = learn.NS("qw")    // a word inside a question
	nsStart  = learn.NS("start") // the first words of a sentence
	nsPraise = learn.NS("praise")
	nsUnit   = learn.NS("u")
	nsAgent  = learn.NS("ag")
)

var (
	idShout       = nsShape.Add("shout").ID()
	idShoutMany   = nsShape.Add("shout-many").ID()
	idStretch     = nsShape.Add("stretch").ID()
	idBangs       = nsShape.Add("!!").ID()
	idQueries     = nsShape.Add("??").ID()
	idMixed       = nsShape.Add("?!").ID()
	idDots        = nsShape.Add("...").ID()
	idEmojiNeg    = nsShape.Add("emoji-neg").ID()
	idEmojiPos    = nsShape.Add("emoji-pos").ID()
	idQuoted      = nsShape.Add("quoted").ID()
	idLexNeg      = nsShape.Add("lex-neg").ID()
	idLexNegHigh  = nsShape.Add("lex-neg-strong").ID()
	idLexPos      = nsShape.Add("lex-pos").ID()
	idIrony       = nsShape.Add("irony").ID()
	idIronyShort  = nsShape.Add("irony-short").ID()
	idIronyOh     = nsShape.Add("irony-oh").ID()
	idIronyLove   = nsShape.Add("irony-love").ID()
	idIronyThanks = nsShape.Add("irony-thanks").ID()
	idRhetorical  = nsShape.Add("rhetorical").ID()
	idAccuse      = nsShape.Add("accuse").ID()
	idRepeatN     = nsShape.Add("repeat-n").ID()
	idWaitN       = nsShape.Add("wait-n").ID()
	idNeverAgain  = nsShape.Add("never-again").ID()
	idIfThreat    = nsShape.Add("if-threat").ID()
	idAnother     = nsShape.Add("another").ID()
	idOwnTheme    = learn.NS("own-theme").ID()
	idQuestion    = nsSig.Add("question").ID()
	idHasQuestion = nsSig.Add("has-question").ID()
)

// builder collects features of one message.
type builder struct {
	d   *text.Doc
	dst []learn.Feature
}

// add adds a feature read from tokens [i, j).
func (b *builder) add(id uint32, i, j int) {
	b.dst = append(b.dst, learn.Feature{ID: id, Val: 1, Start: int32(b.d.Tokens[i].Start), End: int32(b.d.Tokens[j-1].End)})
}

// addVal adds a feature with a value other than 1.
func (b *builder) addVal(id uint32, v float32, i, j int) {
	b.dst = append(b.dst, learn.Feature{ID: id, Val: v, Start: int32(b.d.Tokens[i].Start), End: int32(b.d.Tokens[j-1].End)})
}

// global adds a feature of the whole message, which no quote can show.
func (b *builder) global(id uint32, v float32) {
	b.dst = append(b.dst, learn.Feature{ID: id, Val: v, Start: -1, End: -1})
}

// scale multiplies the values of the features from index from on: a smaller value is a
// stronger prior against the feature, since the model needs a larger weight to use it.
func (b *builder) scale(from int, v float32) {
	for i := from; i < len(b.dst); i++ {
		b.dst[i].Val *= v
	}
}

// words adds each word's stem (marked when negated) and each pair of stems side by side in a
// clause. Tokens with skip set are left out. Stop words ("i", "the", "was") count only in
// pairs: alone they say more about who writes where than about how the writer feels.
func (b *builder) words(from, to int, skip []bool) {
	d := b.d
	stop := words().Stop
	prev := -1
	for i := from; i < to; i++ {
		t := &d.Tokens[i]
		if !t.IsWord() {
			if t.Kind != text.Emoji {
				prev = -1
			}
			continue
		}
		if skip != nil && skip[i] {
			prev = -1
			continue
		}
		stem := wordStem(t)
		switch {
		case stop[t.Norm] && !t.Negator:
		case t.Neg:
			b.add(nsNeg.Add(stem).ID(), i, i+1)
		default:
			b.add(nsWord.Add(stem).ID(), i, i+1)
		}
		if prev >= 0 && d.Tokens[prev].Clause == t.Clause {
			b.add(nsPair.Add(wordStem(&d.Tokens[prev])).Add(stem).ID(), prev, i+1)
		}
		prev = i
	}
}

// wordStem is the form a word is counted under: numbers by their shape, words by their stem.
func wordStem(t *text.Token) string {
	if t.Kind == text.Number {
		return "<num>"
	}
	return text.Stem(t.Norm)
}

// toneFeatures is the evidence of the author's mood: words and pairs; the rated valence of the
// words (VADER); the playbook's cues by kind; emoji; shouting, "!!", "??"; scare quotes;
// rhetorical questions, accusations, orders; irony (praise words in a complaint); counted
// repetition ("third time") and waiting ("55 minutes"); threats ("never … again", "if … I'll").
func toneFeatures(d *text.Doc, lx *lexicon, dst []learn.Feature) []learn.Feature {
	b := &builder{d: d, dst: dst}
	b.words(0, len(d.Tokens), nil)
	g := words()
	lex := valence()
	negative := false
	praiseAt := -1
	shouted := -1
	for i := range d.Tokens {
		t := &d.Tokens[i]
		switch t.Kind {
		case text.Word:
			if t.Caps && len(t.Norm) >= 3 && !lx.acronyms[t.Norm] {
				b.add(idShout, i, i+1)
				switch {
				case shouted < 0:
					shouted = i
				case shouted < i:
					b.add(idShoutMany, shouted, i+1) // two words shouted: once per message
					shouted = len(d.Tokens)
				}
			}
			if t.Stretched {
				b.add(idStretch, i, i+1)
			}
			if t.Quoted {
				b.add(idQuoted, i, i+1)
			}
			if v, ok := lex[t.Norm]; ok {
				if t.Neg {
					v *= -0.74 // VADER's damping of a negated word
				}
				switch {
				case v <= -2:
					b.add(idLexNegHigh, i, i+1)
					negative = true
				case v < 0:
					b.add(idLexNeg, i, i+1)
					negative = negative || v <= -1
				case v >= 1.5:
					if praiseAt < 0 {
						praiseAt = i
					}
					b.add(idLexPos, i, i+1)
				case v > 0:
					b.add(idLexPos, i, i+1)
				}
			}
		case text.Emoji:
			b.add(nsEmoji.Add(t.Norm).ID(), i, i+1)
			if lx.emojiNeg[t.Norm] {
				b.add(idEmojiNeg, i, i+1)
				negative = true
			}
			if lx.emojiPos[t.Norm] {
				b.add(idEmojiPos, i, i+1)
			}
		case text.Punct:
			switch n := t.Norm; {
			case strings.Contains(n, "!") && strings.Contains(n, "?"):
				b.add(idMixed, i, i+1)
			case strings.HasPrefix(n, "!!"):
				b.add(idBangs, i, i+1)
			case strings.HasPrefix(n, "??"):
				b.add(idQueries, i, i+1)
			case n == "...":
				b.add(idDots, i, i+1)
			}
		}
	}
	lx.cues.Find(d, 0, len(d.Tokens), func(m text.Match) {
		if m.End-m.First == 1 && d.Tokens[m.First].Neg {
			b.add(nsCueNeg.Add(m.Label).ID(), m.First, m.End)
			return
		}
		b.add(nsCue.Add(m.Label).ID(), m.First, m.End)
		if m.Label != "calm" && m.Label != "sarcasm" {
			negative = true
		}
	})
	lx.signal("problem").Find(d, 0, len(d.Tokens), func(m text.Match) {
		b.add(nsSig.Add("problem").ID(), m.First, m.End)
		negative = true
	})
	if negative {
		if praiseAt >= 0 {
			b.add(idIrony, praiseAt, praiseAt+1)
		}
		ironyFeatures(b, g)
	}
	sentenceFeatures(b, g)
	countFeatures(b, g)
	threatFeatures(b)
	return b.dst
}

// ironyFeatures reads praise turned against its object, in a message that is otherwise
// negative: a short sentence of praise words ("cool. very cool.", "GREAT."), "oh" or "wow"
// with praise, "love that/how…", and thanks that close a complaint ("thanks so much").
func ironyFeatures(b *builder, g *grammar) {
	d := b.d
	lastSent := len(d.Sents) - 1
	var ws []int
	for si, s := range d.Sents {
		ws = ws[:0]
		for k := s.First; k < s.End; k++ {
			if d.Tokens[k].IsWord() {
				ws = append(ws, k)
			}
		}
		if len(ws) == 0 {
			continue
		}
		praise, other := -1, 0
		for _, k := range ws {
			switch n := d.Tokens[k].Norm; {
			case g.IronyPraise[n] && !d.Tokens[k].Neg:
				if praise < 0 {
					praise = k
				}
			case g.IronySoft[n]:
			default:
				other++
			}
		}
		if praise >= 0 && other == 0 && len(ws) <= 5 {
			b.add(idIronyShort, ws[0], ws[len(ws)-1]+1)
		}
		if first := d.Tokens[ws[0]].Norm; (first == "oh" || first == "wow" || first == "ah") && praise >= 0 {
			b.add(idIronyOh, ws[0], praise+1)
		}
		for i, k := range ws {
			if i+1 >= len(ws) {
				break
			}
			next := d.Tokens[ws[i+1]].Norm
			switch d.Tokens[k].Norm {
			case "love", "loving", "gotta":
				switch next {
				case "that", "how", "it", "when", "the", "love":
					b.add(idIronyLove, k, ws[i+1]+1)
				}
			case "thanks", "thank":
				if si == lastSent && (next == "so" || next == "a" || next == "for") {
					b.add(idIronyThanks, k, ws[i+1]+1)
				}
			}
		}
	}
}

// sentenceFeatures reads how sentences open: a rhetorical question ("why is…?", "how come…?",
// "where is…?") and an accusation ("you charged me twice", "you lost my bag").
func sentenceFeatures(b *builder, g *grammar) {
	d := b.d
	for _, s := range d.Sents {
		first := firstWord(d, s.First, s.End)
		if first < 0 || !s.Question {
			continue
		}
		w := d.Tokens[first].Norm
		second := ""
		if k := nextWord(d, first, s.End); k >= 0 {
			second = d.Tokens[k].Norm
		}
		if w == "why" || w == "where" || w == "who" || w == "how" && (second == "come" || second == "is" || second == "hard" || second == "can" || second == "many" || second == "long") {
			b.add(idRhetorical, first, min(s.End, first+2))
		}
	}
	for i := range d.Tokens {
		if !g.SecondPerson[d.Tokens[i].Norm] {
			continue
		}
		for k := i + 1; k < min(i+3, len(d.Tokens)) && d.Tokens[k].Kind == text.Word; k++ {
			if g.Harm[d.Tokens[k].Norm] {
				b.add(idAccuse, i, k+1)
				break
			}
		}
	}
}

// countFeatures reads counted repetition ("third time", "4th ticket", "three emails") and
// counted waiting ("55 minutes on hold", "THREE DAYS").
func countFeatures(b *builder, g *grammar) {
	d := b.d
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if !t.IsWord() {
			continue
		}
		n := t.Norm
		ordinal := g.Ordinal[n] || t.Kind == text.Number && (strings.HasSuffix(n, "nd") || strings.HasSuffix(n, "rd") || strings.HasSuffix(n, "th"))
		count := g.Count[n] || t.Kind == text.Number
		for k := i + 1; k < min(len(d.Tokens), i+3); k++ {
			u := &d.Tokens[k]
			if !u.IsWord() {
				break
			}
			if ordinal && (g.Contact[u.Norm] || g.Duration[u.Norm]) || count && g.Contact[u.Norm] && !g.Duration[u.Norm] {
				b.add(idRepeatN, i, k+1)
				break
			}
			if count && g.Duration[u.Norm] {
				b.add(idWaitN, i, k+1)
				break
			}
		}
	}
}

// threatFeatures reads "never … again", a condition with a consequence ("if this isn't fixed by
// Monday we'll move"), and "another <thing>" opening a sentence ("another outage").
func threatFeatures(b *builder) {
	d := b.d
	for _, s := range d.Sents {
		never, cond := -1, -1
		first := firstWord(d, s.First, s.End)
		for k := s.First; k < s.End; k++ {
			t := &d.Tokens[k]
			if !t.IsWord() {
				continue
			}
			switch t.Norm {
			case "never":
				never = k
			case "again":
				if never >= 0 {
					b.add(idNeverAgain, never, k+1)
					never = -1
				}
			case "if", "unless":
				cond = k
			case "i'll", "we'll", "i'm", "we're", "will", "gonna", "going":
				if cond >= 0 && k-cond > 2 {
					b.add(idIfThreat, cond, k+1)
					cond = -1
				}
			case "another":
				if k == first || d.Tokens[k-1].Kind == text.Punct {
					b.add(idAnother, k, min(k+2, s.End))
				}
			}
		}
	}
}

// firstWord returns the first word or number in tokens [i, j), or -1.
func firstWord(d *text.Doc, i, j int) int {
	for k := i; k < j; k++ {
		if d.Tokens[k].IsWord() {
			return k
		}
	}
	return -1
}

// nextWord returns the next word after i before j, or -1 when punctuation comes first.
func nextWord(d *text.Doc, i, j int) int {
	for k := i + 1; k < j; k++ {
		if d.Tokens[k].IsWord() {
			return k
		}
		if d.Tokens[k].Kind == text.Punct {
			return -1
		}
	}
	return -1
}

// feelingTokens marks the tokens inside a cue of feeling (anger, frustration, sarcasm, calm…):
// they say how the customer feels, not what the problem is about. Cues of persistence and
// repetition describe the problem ("still broken") and are not marked.
func feelingTokens(d *text.Doc, lx *lexicon, dst []bool) []bool {
	dst = growBools(dst, len(d.Tokens))
	lx.cues.Find(d, 0, len(d.Tokens), func(m text.Match) {
		if m.Label == "persistence" || m.Label == "repetition" {
			return
		}
		for k := m.First; k < m.End; k++ {
			dst[k] = true
		}
	})
	return dst
}

func growBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// Theme features are scaled so the theme lists, a strong prior, need small weights and words
// need large ones: a few hundred labelled messages cannot teach fourteen themes word by word.
const (
	themeWordValue = 0.25
	themeOwnValue  = 8
)

// themeFeatures is what every theme model reads: words and pairs (without words of feeling)
// and the hits of every theme list. Each theme's model adds its own list's hits (ownTheme).
func themeFeatures(d *text.Doc, lx *lexicon, feel []bool, dst []learn.Feature) []learn.Feature {
	b := &builder{d: d, dst: dst}
	b.words(0, len(d.Tokens), feel)
	b.scale(0, themeWordValue)
	lx.themes.Find(d, 0, len(d.Tokens), func(m text.Match) {
		for k := m.First; k < m.End; k++ {
			if feel[k] {
				return // "let down" is a feeling, not an outage
			}
		}
		b.add(nsTheme.Add(m.Label).ID(), m.First, m.End)
	})
	return b.dst
}

// ownTheme appends, for one theme's model, a feature for each hit of that theme's own list: a
// theme a team adds to its playbook is judged by the learned weight of "own list hit" alone.
func ownTheme(fs []learn.Feature, theme string, dst []learn.Feature) []learn.Feature {
	dst = append(dst[:0], fs...)
	id := nsTheme.Add(theme).ID()
	for _, f := range fs {
		if f.ID == id {
			dst = append(dst, learn.Feature{ID: idOwnTheme, Val: themeOwnValue, Start: f.Start, End: f.End})
		}
	}
	return dst
}

// questionFeatures is what an outcome question is read from: each sentence's first words
// (separately for questions and statements), the words inside questions, and the signals
// lists (outcome phrases in and out of questions, asks, problems).
func questionFeatures(d *text.Doc, lx *lexicon, dst []learn.Feature) []learn.Feature {
	b := &builder{d: d, dst: dst}
	for _, s := range d.Sents {
		first := firstWord(d, s.First, s.End)
		if first < 0 {
			continue
		}
		tag := "s"
		if s.Question {
			tag = "q"
			b.add(idQuestion, first, s.End)
			for k := s.First; k < s.End; k++ {
				if d.Tokens[k].IsWord() {
					b.add(nsQWord.Add(wordStem(&d.Tokens[k])).ID(), k, k+1)
				}
			}
		}
		w1 := d.Tokens[first].Norm
		b.add(nsStart.Add(tag).Add(w1).ID(), first, first+1)
		if k := nextWord(d, first, s.End); k >= 0 {
			b.add(nsStart.Add(tag).Add(w1).Add(d.Tokens[k].Norm).ID(), first, k+1)
		}
	}
	lx.signal("outcome").Find(d, 0, len(d.Tokens), func(m text.Match) {
		name := "outcome"
		if d.Sents[d.Tokens[m.First].Sent].Question {
			name = "outcome-q"
		}
		b.add(nsSig.Add(name).ID(), m.First, m.End)
	})
	for _, name := range []string{"ask", "problem", "howto", "ping"} {
		lx.signal(name).Find(d, 0, len(d.Tokens), func(m text.Match) { b.add(nsSig.Add(name).ID(), m.First, m.End) })
	}
	b.words(0, len(d.Tokens), nil)
	return b.dst
}

// outcomePrior is what the outcome-question model knows before any example: an outcome phrase
// in a question is evidence for one; a how-to question ("is there a way to…") and a ping
// ("anyone there??") are evidence against.
var outcomePrior = map[uint32]float64{nsSig.Add("outcome-q").ID(): 1, nsSig.Add("howto").ID(): -1.5, nsSig.Add("ping").ID(): -1.5}

// praiseFeatures is what praise is read from: thanks and compliments by where they stand
// (alone, opening, closing) and what follows them ("thanks for…", "thanks!"), sign-offs,
// questions, problems and asks in the same message, and the tone features.
func praiseFeatures(d *text.Doc, lx *lexicon, dst []learn.Feature) []learn.Feature {
	b := &builder{d: d, dst: dst}
	last := len(d.Sents) - 1
	lx.signal("praise").Find(d, 0, len(d.Tokens), func(m text.Match) {
		si := d.Tokens[m.First].Sent
		pos := "mid"
		switch {
		case si == 0 && last == 0:
			pos = "only"
		case si == 0:
			pos = "first"
		case si == last:
			pos = "last"
		}
		if d.Tokens[m.First].Neg {
			pos = "negated"
		}
		b.add(nsPraise.Add(pos).ID(), m.First, m.End)
		if k := nextWord(d, m.End-1, d.Sents[si].End); k >= 0 {
			b.add(nsPraise.Add("then").Add(d.Tokens[k].Norm).ID(), m.First, k+1)
		} else {
			b.add(nsPraise.Add("then-end").ID(), m.First, m.End)
		}
	})
	for _, name := range []string{"signoff", "problem", "ask"} {
		lx.signal(name).Find(d, 0, len(d.Tokens), func(m text.Match) { b.add(nsSig.Add(name).ID(), m.First, m.End) })
	}
	for _, s := range d.Sents {
		if s.Question {
			b.global(idHasQuestion, 1)
			break
		}
	}
	return toneFeatures(d, lx, b.dst)
}
