package coach

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/deescalate/deescalate/coach/internal/text"
)

// maxMirror bounds one problem said back; a longer one is named by its theme instead of cut.
const maxMirror = 140

// reflections turn a customer's words into the agent's: their "I" is the agent's "you", and
// their "you" is the agent's "we".
var reflections = map[string]string{
	"i": "you", "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "me": "you", "my": "your",
	"mine": "yours", "myself": "yourself", "we": "you", "we're": "you're", "we've": "you've", "we'd": "you'd",
	"we'll": "you'll", "our": "your", "ours": "yours", "us": "you", "ourselves": "yourselves",
	"you": "we", "you're": "we're", "you've": "we've", "you'd": "we'd", "you'll": "we'll", "your": "our",
	"yours": "ours", "yourself": "ourselves",
}

// fillers open a problem without being part of it: "Quick question:", "also", "btw".
var fillers = map[string]bool{"also": true, "and": true, "but": true, "plus": true, "btw": true, "so": true, "oh": true,
	"ok": true, "okay": true, "ps": true, "hey": true, "hi": true, "hello": true, "well": true, "anyway": true,
	"separately": true, "additionally": true, "firstly": true, "secondly": true, "thirdly": true, "finally": true,
	"lastly": true, "first": true, "second": true, "third": true, "then": true, "lol": true, "lmao": true,
	"ngl": true, "tbh": true, "honestly": true, "ugh": true, "welp": true, "um": true, "uh": true}

// ordinalWords open a point only before a comma or colon ("First, …"); otherwise they count
// something ("Third chat today").
var ordinalWords = map[string]bool{"first": true, "second": true, "third": true}

// turn says one of the customer's problems back as the agent would: their pronouns turned
// around, shouting lower-cased, emoji, list markers and fillers dropped, whole words only.
// It returns "" for what cannot be said back cleanly (code, a phrase too long or too short).
func turn(s string, acronyms map[string]bool) string {
	d := text.Parse(s)
	if len(d.Plain) > maxMirror {
		return ""
	}
	toks := d.Tokens
	i := 0
	// Leading fillers and list markers: "also, ", "2) ", "- ", "Quick question:".
	for i < len(toks) {
		t := &toks[i]
		if n := d.Marker(i); n > 0 {
			i += n
			continue
		}
		switch {
		case t.Kind == text.Punct || t.Kind == text.Symbol || t.Kind == text.Emoji:
			i++
			continue
		case t.Kind == text.Number && i+1 < len(toks) && (toks[i+1].Norm == ")" || toks[i+1].Norm == ".") && toks[i+1].Joined:
			i += 2
			continue
		case t.Kind == text.Word && fillers[t.Norm] && (!ordinalWords[t.Norm] || i+1 < len(toks) && (toks[i+1].Norm == "," || toks[i+1].Norm == ":")):
			// "First, the export…" drops "First"; "Third chat today" keeps it.
			i++
			continue
		}
		break
	}
	for k := i; k < len(toks); k++ {
		if toks[k].Kind == text.Word && words().Apology[toks[k].Norm] {
			return "" // "sorry to ping on a Friday", "bit of a long one, sorry": manners, not a problem
		}
	}
	var b strings.Builder
	prevI := false
	words := 0
	for k := i; k < len(toks); k++ {
		t := &toks[k]

		if t.Kind == text.Emoji {
			continue
		}
		if b.Len() > 0 && d.Gap(k) != "" {
			b.WriteByte(' ')
		}
		w := t.Text
		if t.Kind == text.Word {
			words++
			key := t.Norm
			if said, next := passive(d, k); said != "" {
				// "you've charged me twice" is the customer's account; "we've charged you
				// twice" would be the agent conceding it. Said back: "you've been charged twice".
				b.WriteString(said)
				words += next - k - 1
				k = next - 1
				prevI = false
				continue
			}
			switch {
			case key == "you" && object(d, k):
				w = "us" // "you charged me" → "we charged you", "I told you" → "you told us"
			case reflections[key] != "":
				w = reflections[key] // said back after a colon or a bullet: lower case
			case key == "am" && prevI:
				w = "are"
			case key == "was" && prevI:
				w = "were"
			case t.Caps && !acronyms[t.Norm] && (shouted(d) || commonWord(t.Norm)):
				w = strings.ToLower(t.Text)
			}
			prevI = key == "i"
		}
		b.WriteString(w)
	}
	out := dequote(strings.TrimSpace(b.String()))
	out = strings.TrimRight(out, " ,;:-.!?")
	if words < 2 {
		return ""
	}
	// Lower-case the first letter, unless it starts a name or an acronym.
	if first := toks[i]; first.Kind == text.Word && !first.Caps && first.Text != "I" && !strings.HasPrefix(first.Text, "I'") && len(first.Text) > 0 && first.Text[0] >= 'A' && first.Text[0] <= 'Z' && (len(first.Text) == 1 || strings.ToLower(first.Text[1:]) == first.Text[1:]) {
		if reflections[first.Norm] == "" && commonWord(first.Norm) {
			out = strings.ToLower(out[:1]) + out[1:]
		}
	}
	return out
}

// dequote keeps the double quotes of a phrase said back only when they pair up: a quotation
// the customer opened and closed ("the app says "paid"") stays one; a stray or doubled mark
// ("\"\"No\"\"", a quote cut at a sentence end) goes.
func dequote(s string) string {
	straight := strings.Count(s, "\"")
	open, closed := strings.Count(s, "\u201c"), strings.Count(s, "\u201d")
	if straight%2 == 0 && open == closed && !strings.Contains(s, "\"\"") {
		return s
	}
	s = strings.NewReplacer("\"", "", "\u201c", "", "\u201d", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// passive says back "you [have|had] <verb>ed me" from the customer's side, "you [have|had]
// been <verb>ed" / "you were <verb>ed", and returns it with the index of the token after "me";
// "" when the words at k are not that.
func passive(d *text.Doc, k int) (string, int) {
	aux := ""
	j := k + 1
	switch d.Tokens[k].Norm {
	case "you":
		if object(d, k) {
			return "", 0
		}
		if n := d.Norm(j); n == "have" || n == "had" {
			aux, j = n, j+1
		}
	case "you've":
		aux = "'ve"
	default:
		return "", 0
	}
	var adv []string
	for j < len(d.Tokens) && adverbs[d.Norm(j)] && d.Norm(j) != "now" {
		adv = append(adv, d.Tokens[j].Text)
		j++
	}
	if j+1 >= len(d.Tokens) || d.Tokens[j].Kind != text.Word || d.Norm(j+1) != "me" {
		return "", 0
	}
	v := participle(d.Norm(j))
	if v == "" {
		return "", 0
	}
	out := "you were"
	been := ""
	switch aux {
	case "'ve":
		out, been = "you've", " been"
	case "have", "had":
		out, been = "you "+aux, " been"
	}
	for _, a := range adv {
		out += " " + strings.ToLower(a) // "you've already been charged"
	}
	return out + been + " " + v, j + 2
}

// participle returns the past participle a past verb stands for ("charged", "gave" → "given"),
// or "" for a word that is not one.
func participle(v string) string {
	if p, ok := irregularParticiples[v]; ok {
		return p
	}
	if strings.HasSuffix(v, "ed") && len(v) > 4 && v != "need" && v != "indeed" {
		return v
	}
	return ""
}

var irregularParticiples = map[string]string{"sent": "sent", "told": "told", "gave": "given", "given": "given",
	"took": "taken", "taken": "taken", "wrote": "written", "written": "written", "showed": "shown", "shown": "shown",
	"sold": "sold", "left": "left", "put": "put", "kept": "kept", "paid": "paid", "made": "made", "brought": "brought",
	"cut": "cut", "hung": "hung", "forgot": "forgotten", "forgotten": "forgotten", "let": "let", "misled": "misled",
	"overcharged": "overcharged", "promised": "promised", "ignored": "ignored", "billed": "billed", "charged": "charged"}

// object reports a "you" that is an object ("charged you", "with you", "told you"), not a
// subject ("you charged me", "when you ship").
func object(d *text.Doc, k int) bool {
	if k == 0 || d.Tokens[k-1].Kind != text.Word {
		return false
	}
	switch p := d.Tokens[k-1].Norm; p {
	case "and", "but", "or", "so", "that", "when", "if", "because", "why", "how", "what", "where", "while", "until", "unless", "since", "as", "do", "did", "does", "can", "could", "will", "would", "should", "are", "were", "have", "had":
		return false
	}
	return true
}

// commonWord reports a word known not to be a name: a small word, a count or a duration, or a
// word of the valence lexicon. Anything else ("Salesforce", "Okta") keeps its capital.
func commonWord(w string) bool {
	g := words()
	if g.Stop[w] || g.Subject[w] || g.Refer[w] || g.Count[w] || g.Ordinal[w] || g.Duration[w] {
		return true
	}
	_, ok := valence()[w]
	return ok
}

// shouted reports a text with two or more words in capitals: then even "IS" and "MY" are
// shouting, not acronyms. One word in capitals is shouting when it is a common word ("AGAIN"),
// and an acronym the playbook does not list otherwise ("a custom MSA").
func shouted(d *text.Doc) bool {
	n := 0
	for i := range d.Tokens {
		if d.Tokens[i].Caps {
			n++
		}
	}
	return n >= 2
}

var (
	auxiliaries = map[string]bool{"is": true, "are": true, "can": true, "could": true, "will": true, "would": true,
		"should": true, "has": true, "have": true, "was": true, "were": true, "may": true, "might": true}
	subjects = map[string]bool{"there": true, "it": true, "this": true, "that": true, "you": true, "we": true, "they": true,
		"he": true, "she": true, "these": true, "those": true, "both": true, "everything": true, "all": true, "i": true}
	whWords = map[string]bool{"when": true, "what": true, "why": true, "how": true, "where": true, "who": true, "which": true}
)

// askedBack turns a question said back into what the customer asked: "can you pay by invoice?"
// → "whether you can pay by invoice", "when will it be fixed?" → "when it will be fixed". It
// returns "" for a question it cannot turn; the draft then quotes it as written.
func askedBack(s string) string {
	s = strings.TrimSpace(strings.TrimRight(s, "?! "))
	w := strings.Fields(s)
	if len(w) < 3 {
		return ""
	}
	first := strings.ToLower(w[0])
	switch {
	case (first == "do" || first == "does") && subjects[strings.ToLower(w[1])]:
		// "do we have an endpoint" → "whether we have an endpoint"; "does it support SSO" →
		// "whether it supports SSO"
		verb := w[2]
		if first == "does" {
			verb = thirdPerson(verb)
		}
		return "whether " + w[1] + " " + verb + " " + strings.Join(w[3:], " ")
	case whWords[first] && (strings.ToLower(w[1]) == "do" || strings.ToLower(w[1]) == "should" || strings.ToLower(w[1]) == "can") && len(w) >= 4 &&
		(strings.ToLower(w[2]) == "you" || strings.ToLower(w[2]) == "we" || strings.ToLower(w[2]) == "i"):
		// "who do I talk to" → "who to talk to", "how can we export it" → "how to export it"
		return first + " to " + strings.Join(w[3:], " ")
	case auxiliaries[first] && subjects[strings.ToLower(w[1])]:
		return "whether " + w[1] + " " + first + " " + strings.Join(w[2:], " ")
	case whWords[first] && auxiliaries[strings.ToLower(w[1])] && len(w) >= 4 && subjects[strings.ToLower(w[2])]:
		return first + " " + w[2] + " " + strings.ToLower(w[1]) + " " + strings.Join(w[3:], " ")
	case whWords[first] && (strings.ToLower(w[1]) == "long" || strings.ToLower(w[1]) == "soon" || strings.ToLower(w[1]) == "much") && len(w) >= 5 &&
		auxiliaries[strings.ToLower(w[2])] && subjects[strings.ToLower(w[3])]:
		return first + " " + w[1] + " " + w[3] + " " + strings.ToLower(w[2]) + " " + strings.Join(w[4:], " ")
	}
	return ""
}

// thirdPerson inflects a verb for he, she or it: "support" → "supports", "fix" → "fixes".
func thirdPerson(v string) string {
	switch {
	case v == "have":
		return "has"
	case v == "do" || v == "go":
		return v + "es"
	case strings.HasSuffix(v, "s") || strings.HasSuffix(v, "sh") || strings.HasSuffix(v, "ch") || strings.HasSuffix(v, "x") || strings.HasSuffix(v, "z"):
		return v + "es"
	case strings.HasSuffix(v, "y") && len(v) > 1 && !strings.ContainsRune("aeiou", rune(v[len(v)-2])):
		return v[:len(v)-1] + "ies"
	}
	return v + "s"
}

// questionPart keeps the part of a question sentence that asks: "Apologies if this is silly,
// but where do I find my API key?" → "where do I find my API key?".
func questionPart(s string) string {
	d := text.Parse(s)
	for ci := len(d.Clauses) - 1; ci >= 0; ci-- {
		c := d.Clauses[ci]
		first := firstWord(d, c.First, c.End)
		if first < 0 {
			continue
		}
		if c.Opener >= 0 && c.Opener == first {
			if k := nextWord(d, first, c.End); k >= 0 {
				first = k
			}
		}
		w := d.Tokens[first].Norm
		if whWords[w] || auxiliaries[w] || w == "do" || w == "does" || w == "did" {
			if ci == 0 && first == firstWord(d, 0, len(d.Tokens)) {
				return s
			}
			return d.Phrase(first, len(d.Tokens))
		}
	}
	return s
}

// quoted writes a question as the customer wrote it, for a draft that cannot turn it.
func quoted(q string, acronyms map[string]bool) string {
	d := text.Parse(strings.NewReplacer("\"", "", "\u201c", "", "\u201d", "").Replace(q)) // its own quotes go
	var b strings.Builder
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if i > 0 && d.Gap(i) != "" {
			b.WriteByte(' ')
		}
		if t.Caps && !acronyms[t.Norm] && (shouted(d) || commonWord(t.Norm)) {
			b.WriteString(strings.ToLower(t.Text)) // quoted back, not shouted back
		} else {
			b.WriteString(t.Text)
		}
	}
	q = strings.TrimSpace(b.String())
	if r, n := utf8.DecodeRuneInString(q); n > 0 && unicode.IsLower(r) && d.Tokens[0].Caps {
		q = string(unicode.ToUpper(r)) + q[n:]
	}
	if !strings.HasSuffix(q, "?") {
		q = strings.TrimRight(q, ".!") + "?"
	}
	return "\u201c" + q + "\u201d"
}
