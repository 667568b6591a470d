package coach

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Promise is an agent's commitment to get back to the customer.
type Promise struct {
	Text string    // the words of the commitment as written, trimmed, e.g. "I'll update you by 3pm tomorrow" (at most ~120 chars)
	When string    // the time expression as written, e.g. "by 3pm tomorrow"; "" when the promise names no time
	Due  time.Time // the latest moment the promise is still kept, in the author's zone; zero when vague
}

// Bounds on every look-ahead and look-back, so the work per token is constant and a 40,000
// character message costs no more than 200 messages of 200 characters.
const (
	pmMaxText     = 120 // bytes of Promise.Text
	pmVerbWindow  = 16  // tokens after a subject ("I'll") in which the follow-up verb must appear
	pmScopeWindow = 40  // tokens after the verb searched for the promise's time
	pmBackWindow  = 30  // tokens looked back for a sentence's subject
	pmObjWindow   = 14  // tokens after "get"/"have" searched for the recipient ("over to you")
)

// FindPromise finds the agent's commitment to follow up in a message's plain text (already
// cleaned by Clean: no code, no quotes), resolving its time against now in zone.
// ok is false when the message makes no such commitment.
//
// A commitment is a first-person future subject ("I'll", "we will", "I'm going to", "let me",
// or a bare "will" in chat style) followed closely by a verb of coming back to the customer
// (get back, update you, follow up, send, call you, confirm, keep you posted, ...). The time is
// looked for in the rest of its clause; times inside "once …"/"when …" clauses belong to the
// event, not to the promise. When several commitments are made, the first one with a time wins.
func FindPromise(plain string, now time.Time, zone *time.Location) (p Promise, ok bool) {
	if zone == nil {
		zone = time.UTC
	}
	x := pmTokenize(plain)
	if x.teamNote() {
		return Promise{}, false
	}
	var vague Promise
	found := false
	for i := 0; i < len(x.toks); i++ {
		next, strict, vStart, vEnd, ok := x.cue(i)
		if !ok {
			continue
		}
		if vStart < 0 {
			var vok bool
			vStart, vEnd, vok = x.findVerb(next, i, strict)
			if !vok {
				continue
			}
		}
		from := i
		if w, ok := x.timeAfter(vEnd); ok {
			if due := w.due(now, zone); !due.IsZero() {
				return Promise{Text: x.promiseText(from, w.to), When: x.span(w.from, w.to), Due: due}, true
			}
		}
		if w, ok := x.timeBefore(i); ok {
			if due := w.due(now, zone); !due.IsZero() {
				return Promise{Text: x.promiseText(w.from, vEnd), When: x.span(w.from, w.to), Due: due}, true
			}
		}
		// "I'll look into it today and update you": the first verb's time carries over
		if next < vStart {
			if w, ok := x.timeIn(next, vStart); ok {
				if due := w.due(now, zone); !due.IsZero() {
					return Promise{Text: x.promiseText(from, vEnd), When: x.span(w.from, w.to), Due: due}, true
				}
			}
		}
		if !found {
			vague = Promise{Text: x.promiseText(from, vEnd)}
			found = true
		}
		i = vEnd - 1
	}
	return vague, found
}

// ResolveTime resolves a time expression ("by 3pm", "tomorrow morning", "in 2 hours",
// "EOD Friday", "within the hour", "next week", "Monday", "at 4:15", "by 9am Eastern tomorrow") found
// anywhere in text against now in zone. It returns the expression as written and the due time.
func ResolveTime(text string, now time.Time, zone *time.Location) (expr string, due time.Time, ok bool) {
	if zone == nil {
		zone = time.UTC
	}
	x := pmTokenize(text)
	for p := 0; p < len(x.toks); p++ {
		if pmNotDeadline(x.w(p - 1)) {
			continue
		}
		w, ok := x.parseWhen(p, len(x.toks))
		if !ok {
			continue
		}
		if due := w.due(now, zone); !due.IsZero() {
			return x.span(w.from, w.to), due, true
		}
	}
	return "", time.Time{}, false
}

// ---- tokens ----

// pmTok is a word, a number or one punctuation character. Words are lower-cased (ASCII) with
// curly apostrophes straightened, so "I’LL" and "i'll" compare equal.
type pmTok struct {
	s          string
	ns, ne     int // s within the normalised buffer, until it is built
	start, end int // bytes of the original text
	num        bool
}

type pmText struct {
	src  string
	toks []pmTok
}

func pmTokenize(src string) pmText {
	buf := make([]byte, 0, len(src)+4)
	toks := make([]pmTok, 0, len(src)/4+4)
	punct := func(b byte, start, end int) {
		buf = append(buf, b)
		toks = append(toks, pmTok{ns: len(buf) - 1, ne: len(buf), start: start, end: end})
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c >= '0' && c <= '9':
			start, ns := i, len(buf)
			for i < len(src) {
				d := src[i]
				if d >= '0' && d <= '9' {
					buf = append(buf, d)
					i++
					continue
				}
				// "4:15", "17.3": a separator counts only between digits.
				if (d == ':' || d == '.') && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9' {
					buf = append(buf, d)
					i++
					continue
				}
				break
			}
			toks = append(toks, pmTok{ns: ns, ne: len(buf), start: start, end: i, num: true})
		case pmIsAlpha(c) || c >= 0x80 && pmLetterAt(src, i):
			start, ns := i, len(buf)
			for i < len(src) {
				d := src[i]
				if d < 0x80 {
					if pmIsAlpha(d) {
						buf = append(buf, d|0x20)
						i++
						continue
					}
					if d == '\'' && i > start && i+1 < len(src) && pmIsAlpha(src[i+1]) {
						buf = append(buf, '\'')
						i++
						continue
					}
					break
				}
				r, n := utf8.DecodeRuneInString(src[i:])
				if (r == '\u2019' || r == '\u2018') && i > start && i+n < len(src) && pmIsAlpha(src[i+n]) {
					buf = append(buf, '\'')
					i += n
					continue
				}
				if r != utf8.RuneError && unicode.IsLetter(r) {
					buf = append(buf, src[i:i+n]...)
					i += n
					continue
				}
				break
			}
			// "3 p.m." and "10a.m.": one token "pm"/"am" after a number.
			if len(buf)-ns == 1 && (buf[ns] == 'a' || buf[ns] == 'p') && len(toks) > 0 && toks[len(toks)-1].num &&
				i+1 < len(src) && src[i] == '.' && src[i+1]|0x20 == 'm' {
				buf = append(buf, 'm')
				i += 2
				if i < len(src) && src[i] == '.' {
					i++
				}
			}
			toks = append(toks, pmTok{ns: ns, ne: len(buf), start: start, end: i})
		case c < 0x80:
			punct(c, i, i+1)
			i++
		default:
			r, n := utf8.DecodeRuneInString(src[i:])
			switch r {
			case '\u2026': // an ellipsis ends a sentence
				punct('.', i, i+n)
			case '\u2013', '\u2014': // en and em dashes
				punct('-', i, i+n)
			}
			i += n
		}
	}
	s := string(buf)
	for k := range toks {
		toks[k].s = s[toks[k].ns:toks[k].ne]
	}
	return pmText{src: src, toks: toks}
}

func pmIsAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func pmLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r != utf8.RuneError && unicode.IsLetter(r)
}

// w returns token i's text, or "" outside the text.
func (x *pmText) w(i int) string {
	if i < 0 || i >= len(x.toks) {
		return ""
	}
	return x.toks[i].s
}

// span returns the original text of tokens [from, to).
func (x *pmText) span(from, to int) string {
	if from < 0 || to > len(x.toks) || from >= to {
		return ""
	}
	return x.src[x.toks[from].start:x.toks[to-1].end]
}

// adjacent reports whether token i touches the token before it ("24h", "45mins").
func (x *pmText) adjacent(i int) bool {
	return i > 0 && i < len(x.toks) && x.toks[i].start == x.toks[i-1].end
}

func pmBoundary(s string) bool {
	switch s {
	case ".", "!", "?", ";", ":", "\n", "":
		return true
	}
	return false
}

// promiseText is the commitment as written: from its first token to the end of its sentence,
// or to the end of its time (minEnd) when the sentence is too long.
func (x *pmText) promiseText(from, minEnd int) string {
	end := from
	for end < len(x.toks) && end-from < 3*pmMaxText && !pmBoundary(x.w(end)) {
		end++
	}
	if end < minEnd {
		end = minEnd
	}
	start := x.toks[from].start
	last := end
	for last > from+1 && x.toks[last-1].end-start > pmMaxText {
		last--
	}
	if last < minEnd && x.toks[minEnd-1].end-start <= pmMaxText {
		last = minEnd
	}
	t := strings.TrimRight(x.src[start:x.toks[last-1].end], " ,;:-")
	if t == "" {
		t = x.w(from)
	}
	return t
}

// teamNote reports a message addressed to colleagues ("note for the team: ..."), whose "I'll"
// is not a promise to the customer.
func (x *pmText) teamNote() bool {
	switch x.w(0) {
	case "note", "notes", "internal", "nb":
		switch x.w(1) {
		case "for", "to", ":", "-", "note":
			return true
		}
	case "team", "fyi":
		return x.w(1) == ":" || x.w(1) == "team"
	}
	return false
}

// ---- commitments ----

// cue reports whether a first-person commitment starts at token i. next is the first token
// after the subject; strict means the verb must follow at once ("ill" is only "I'll" then).
// When the cue carries its own verb ("you'll hear from me"), vStart/vEnd give it, else vStart is -1.
func (x *pmText) cue(i int) (next int, strict bool, vStart, vEnd int, ok bool) {
	s := x.w(i)
	next = -1
	switch s {
	case "i'll", "we'll", "i'l", "ima", "imma":
		next = i + 1
	case "ill":
		next, strict = i+1, true
	case "i", "we":
		switch x.w(i + 1) {
		case "will", "shall":
			next = i + 2
		case "am", "are":
			if x.w(i+2) == "going" && x.w(i+3) == "to" {
				next = i + 4
			}
		case "promise":
			if x.w(i+2) == "to" {
				next = i + 3
			}
		}
	case "i'm", "im", "we're":
		if x.w(i+1) == "going" && x.w(i+2) == "to" {
			next = i + 3
		} else if x.w(i+1) == "gonna" {
			next = i + 2
		}
	case "let":
		if (x.w(i+1) == "me" || x.w(i+1) == "us") && x.w(i+2) != "know" {
			return i + 2, false, -1, -1, true
		}
	case "lemme":
		if x.w(i+1) != "know" {
			return i + 1, false, -1, -1, true
		}
	case "will":
		if x.bareWill(i) {
			next = i + 1
		}
	case "back":
		// chat fragment at a clause start: "checking with billing now, back to you in 10"
		if x.w(i+1) == "to" && pmYou(x.w(i+2)) && (pmBoundary(x.w(i-1)) || x.w(i-1) == ",") {
			return i + 3, false, i, i + 3, true
		}
		return
	case "you'll", "you":
		// "you'll hear from me by 3pm", "you will hear back from us"
		j := i + 1
		if s == "you" {
			if w := x.w(j); w != "will" && w != "should" {
				return
			}
			j++
		}
		if e, ok := x.hearFromMe(j); ok {
			return j, false, j, e, true
		}
		// "you'll have an answer from me by Friday", "you'll get an update from us"
		switch x.w(j) {
		case "have", "get", "receive":
			for q := j + 1; q < j+6 && q < len(x.toks); q++ {
				if pmBoundary(x.w(q)) {
					break
				}
				if x.w(q) == "from" && (x.w(q+1) == "me" || x.w(q+1) == "us") {
					return j, false, j, q + 2, true
				}
			}
		}
		return
	case "expect":
		// "expect to hear from us by Thursday", "expect an update by 5pm"
		j := i + 1
		if x.w(j) == "to" {
			j++
		}
		if e, ok := x.hearFromMe(j); ok {
			return j, false, j, e, true
		}
		j = i + 1
		switch x.w(j) {
		case "an", "a", "my", "our":
			j++
		}
		switch x.w(j) {
		case "update", "answer", "call", "email", "reply", "response", "message", "confirmation":
			return j, false, j, j + 1, true
		}
		return
	}
	if next < 0 {
		return
	}
	switch x.w(next) {
	case "not", "never", "no":
		return -1, false, 0, 0, false
	}
	return next, strict, -1, -1, true
}

// hearFromMe matches "hear [back] from me/us" at j.
func (x *pmText) hearFromMe(j int) (end int, ok bool) {
	if x.w(j) != "hear" {
		return 0, false
	}
	j++
	if x.w(j) == "back" {
		j++
	}
	if x.w(j) == "from" && (x.w(j+1) == "me" || x.w(j+1) == "us") {
		return j + 2, true
	}
	return 0, false
}

// bareWill reports whether "will" at i is chat-style first person ("will ping you in 45 mins",
// "I've passed it on and will keep you posted") rather than someone else's future ("the team
// will", "it will") or a question ("will you ...?").
func (x *pmText) bareWill(i int) bool {
	switch x.w(i + 1) {
	case "you", "u", "i", "we", "it", "this", "that", "there", "they", "he", "she", "the", "your",
		"my", "our", "a", "an", "these", "those", "someone", "anyone", "everything", "not", "never", "do":
		return false
	}
	prev := x.w(i - 1)
	if pmBoundary(prev) || prev == "-" && pmBoundary(x.w(i-2)) {
		return true
	}
	switch prev {
	case ",", "and", "&", "but", "n", "+", "then", "so", "-":
	default:
		return false
	}
	lo := max(0, i-pmBackWindow)
	for p := i - 1; p >= lo; p-- {
		s := x.w(p)
		if pmBoundary(s) {
			return pmChatOpener(x.w(p + 1))
		}
		switch s {
		case "i", "i'm", "im", "i've", "ive", "i'll", "we", "we're", "we've", "we'll":
			return true
		case "they", "they're", "they've", "he", "she", "he's", "she's", "it's", "there's", "you're", "that's":
			return false
		case "is", "are", "was", "were", "has", "have":
			// whose verb? "we are looking into it and will ..." is ours; "Engineering is on it
			// and will ..." is not
			switch x.w(p - 1) {
			case "i", "we":
				return true
			}
			return false
		}
		if p == 0 {
			return pmChatOpener(s)
		}
	}
	return false
}

// pmChatOpener reports whether a sentence that starts with s and has no subject is the
// author's own chat-style sentence ("now pulling the logs, will ping you"), not one about a
// third party ("Engineering has the logs and will ...").
func pmChatOpener(s string) bool {
	if strings.HasSuffix(s, "ing") || strings.HasSuffix(s, "ed") {
		return true
	}
	switch s {
	case "now", "currently", "still", "just", "also", "ok", "okay", "sure", "thanks", "thank", "thx", "ty",
		"noted", "on", "got", "good", "great", "nice", "awesome", "cool", "yes", "yeah", "yep", "no", "np",
		"hi", "hey", "hello", "sorry", "apologies", "understood", "perfect", "done", "absolutely", "alright",
		"right", "gotcha", "of", "totally", "definitely", "certainly", "will", "appreciate", "oh", "ah", "ugh":
		return true
	}
	return false
}

// findVerb looks for a follow-up verb in the clause after a subject that ends at j.
func (x *pmText) findVerb(j, cueAt int, strict bool) (v, e int, ok bool) {
	letMe := x.w(cueAt) == "let" || x.w(cueAt) == "lemme"
	limit := min(len(x.toks), j+pmVerbWindow)
	for k := j; k < limit; k++ {
		s := x.w(k)
		if pmBoundary(s) || pmHardCut(s) {
			break
		}
		if k > j {
			switch s {
			case "i", "we", "i'll", "we'll", "they", "they'll", "he", "she", "it'll", "you'll", "they're", "it's", "there's", "you're":
				// another subject: its verb is its own
				return 0, 0, false
			}
			if !x.verbPos(j, k) {
				if strict {
					break
				}
				continue
			}
		}
		if e, ok := x.verb(k, letMe); ok {
			return k, e, true
		}
		if strict {
			break
		}
	}
	return 0, 0, false
}

// verbPos reports whether token k can be the head verb of the subject ending at j: right after
// it (adverbs aside), or after a coordinator or a "to" of intent ("I'll dig in and get back to
// you", "I'll make sure to call you").
func (x *pmText) verbPos(j, k int) bool {
	p := k - 1
	for p >= j && pmAdverb(x.w(p)) {
		p--
	}
	if p < j {
		return true
	}
	switch x.w(p) {
	case "and", "then", ",", "&", "or", "n", "+":
		return true
	case "to":
		switch x.w(p - 1) {
		case "sure", "try", "aim", "able", "going", "plan", "want", "promise", "hope", "hoping", "like", "trying", "planning":
			return true
		}
	}
	return false
}

func pmAdverb(s string) bool {
	switch s {
	case "also", "then", "personally", "definitely", "certainly", "absolutely", "gladly", "happily", "still",
		"immediately", "quickly", "just", "now", "first", "surely", "directly", "hopefully", "probably",
		"promptly", "again", "both", "all", "def", "defo", "actually", "right":
		return true
	}
	return false
}

// pmHardCut words end the clause a subject governs.
func pmHardCut(s string) bool {
	switch s {
	case "but", "so", "because", "cause", "cuz", "since", "though", "although", "however", "whereas", "otherwise":
		return true
	}
	return false
}

func pmYou(s string) bool {
	switch s {
	case "you", "u", "ya", "y'all", "yall", "everyone", "you'all":
		return true
	}
	return false
}

// verb matches a verb phrase of coming back to the customer at k and returns its end.
// After "let me" only verbs that look ahead count ("let me check and circle back"), since
// "let me send you the link" or "let me confirm" act now.
func (x *pmText) verb(k int, letMe bool) (end int, ok bool) {
	s, n1, n2 := x.w(k), x.w(k+1), x.w(k+2)
	end = -1
	switch s {
	case "follow":
		if n1 == "up" {
			end = k + 2
		} else if n1 == "-" && n2 == "up" {
			end = k + 3
		}
	case "followup":
		end = k + 1
	case "get":
		switch {
		case n1 == "back":
			end = k + 2
		case n1 == "in" && n2 == "touch":
			end = k + 3
		case letMe:
		case pmYou(n1):
			switch n2 {
			case "a", "an", "the", "that", "this", "some", "those", "these", "your", "our", "my", "answer", "update",
				"updates", "confirmation", "details", "info", "word", "news", "everything", "it", "something", "them":
				end = k + 2
			}
		default:
			if e, ok := x.toYou(k+1, min(len(x.toks), k+pmObjWindow)); ok {
				end = e
			}
		}
	case "circle", "report", "loop", "revert":
		if n1 == "back" {
			end = k + 2
		} else if s == "loop" && pmYou(n1) && n2 == "in" {
			end = k + 3
		} else if s == "revert" {
			switch n1 {
			case "the", "it", "this", "that", "these", "those", "my", "our", "your", "to":
			default:
				end = k + 1
			}
		}
	case "check":
		switch {
		case n1 == "back":
			end = k + 2
		case letMe:
		case n1 == "in" && x.startsCount(k+2):
			end = k + 1 // "I'll check in 30 minutes": the "in" opens the time
		case n1 == "in":
			end = k + 2
		case n1 == "-" && n2 == "in":
			end = k + 3
		}
	case "come":
		if n1 == "back" {
			end = k + 2
		}
	case "be":
		switch {
		case n1 == "in" && (n2 == "touch" || n2 == "contact"):
			end = k + 3
		case n1 == "right" && n2 == "back":
			end = k + 3
		case n1 == "back" && !letMe:
			// "be back in touch", "be back to you", "be back with an answer", "be back in 10"
			// ("be back online" is not about the customer)
			end = k + 2
			switch after := x.w(end); {
			case after == "in" && x.w(end+1) == "touch":
				end += 2
			case after == "to":
				if !pmYou(x.w(end + 1)) {
					end = -1
				}
			case after == "with", x.clauseEndOrTime(end):
			default:
				end = -1
			}
		}
	case "touch":
		if n1 == "base" {
			end = k + 2
		}
	case "reach":
		if n1 == "out" {
			end = k + 2
		} else if n1 == "back" && n2 == "out" {
			end = k + 3
		}
	case "make":
		// "I'll make sure you get an update by 3pm"
		if n1 == "sure" && pmYou(n2) {
			switch x.w(k + 3) {
			case "get", "hear", "receive", "have":
				end = k + 4
			}
		}
	case "keep":
		p := k + 1
		switch {
		case pmYou(n1):
			p++
		case (n1 == "this" || n1 == "the") && (n2 == "thread" || n2 == "channel"):
			p += 2
		default:
			return 0, false
		}
		for q := p; q < p+4 && q < len(x.toks); q++ {
			switch x.w(q) {
			case "posted", "updated", "informed", "loop", "know", "date", "apprised", "abreast":
				end = q + 1
			}
			if end > 0 {
				break
			}
		}
	case "let":
		if pmYou(n1) {
			p := k + 2
			if x.w(p) == "all" || x.w(p) == "guys" {
				p++
			}
			if x.w(p) == "know" {
				end = p + 1
			}
		}
	case "ping", "dm":
		if pmYou(n1) || n1 == "back" || n1 == "here" {
			end = k + 2
		} else if x.clauseEndOrTime(k + 1) {
			end = k + 1
		}
	case "update":
		switch {
		case letMe:
		case pmYou(n1) || n1 == "here":
			end = k + 2
		case (n1 == "this" || n1 == "the") && (n2 == "thread" || n2 == "channel"):
			end = k + 3
		case x.clauseEndOrTime(k + 1):
			end = k + 1
		}
	case "send", "forward", "share", "provide", "post":
		if letMe {
			break
		}
		switch s {
		case "send":
			if !x.sendsGoods(k + 1) {
				end = k + 1
			}
		default:
			for q := k + 1; q < k+5 && q < len(x.toks); q++ {
				w := x.w(q)
				if pmBoundary(w) {
					break
				}
				if pmYou(w) || w == "here" || w == "update" || w == "updates" || w == "over" {
					end = k + 1
					break
				}
			}
		}
	case "email", "text", "call", "ring", "phone", "message", "msg", "buzz", "callback", "txt", "contact", "notify", "inform", "mail":
		if letMe {
			break
		}
		switch {
		case pmYou(n1):
			end = k + 2
			if x.w(end) == "back" {
				end++
			}
		case n1 == "back":
			end = k + 2
		case s != "contact" && s != "notify" && s != "inform" && x.clauseEndOrTime(k+1):
			end = k + 1
		}
	case "reply", "respond", "write":
		if letMe {
			break
		}
		switch {
		case s == "write" && (n1 == "back" || pmYou(n1)):
			end = k + 2
		case s == "write" && n1 == "to" && pmYou(n2):
			end = k + 3
		case s != "write":
			end = k + 1
		}
	case "give":
		if letMe || !pmYou(n1) {
			break
		}
		for q := k + 2; q < k+5 && q < len(x.toks); q++ {
			switch x.w(q) {
			case "call", "ring", "buzz", "shout", "update", "answer", "heads", "bell", "callback", "status",
				"confirmation", "timeline", "eta", "estimate", "reply", "response":
				end = q + 1
			}
			if end > 0 {
				break
			}
		}
	case "drop", "shoot":
		if pmYou(n1) {
			for q := k + 2; q < k+4 && q < len(x.toks); q++ {
				switch x.w(q) {
				case "a", "an", "quick":
					continue
				case "line", "note", "message", "email", "msg", "text", "mail":
					end = q + 1
				}
				break
			}
		}
	case "confirm":
		// "I'll confirm your details first" checks the customer now; it promises nothing later
		if !letMe && !((n1 == "your" || n1 == "a" || n1 == "some") && pmCheckWord(n2, x.w(k+3))) {
			end = k + 1
		}
	case "talk", "speak", "chat":
		if (n1 == "to" || n1 == "with") && pmYou(n2) {
			end = k + 3
		}
	case "have":
		if letMe || n1 == "to" || n1 == "a" && n2 == "look" || n1 == "been" || n1 == "had" {
			break
		}
		limit := min(len(x.toks), k+pmObjWindow)
		for q := k + 1; q < limit; q++ {
			w := x.w(q)
			if pmBoundary(w) {
				break
			}
			switch w {
			case "over", "inbox", "answer", "update", "news", "reply", "response", "results":
				end = k + 1
			case "to", "for", "call", "email", "ping", "contact", "text", "ring", "message":
				if pmYou(x.w(q + 1)) {
					end = k + 1
				}
			}
			if end > 0 {
				break
			}
		}
	}
	if end < 0 || x.thirdParty(end) || (s == "send" || s == "forward" || s == "share") && x.toColleague(end) {
		return 0, false
	}
	return end, true
}

// sendsGoods reports whether what is sent from k on is goods, money or people ("send a
// replacement", "send you a refund", "send a technician"): that is the fix itself, not a
// follow-up to the customer.
func (x *pmText) sendsGoods(k int) bool {
	for q := k; q < k+4 && q < len(x.toks); q++ {
		switch x.w(q) {
		case "replacement", "replacements", "refund", "technician", "engineer", "courier", "package", "parcel",
			"credit", "voucher", "coupon", "router", "modem", "device", "unit", "money", "payment", "driver",
			"someone", "somebody", "crew", "tech", "card":
			return true
		}
		if pmBoundary(x.w(q)) {
			return false
		}
	}
	return false
}

func pmCheckWord(a, b string) bool {
	for _, s := range [2]string{a, b} {
		switch s {
		case "details", "identity", "info", "information", "id", "email", "address", "name":
			return true
		}
	}
	return false
}

// toColleague reports "send the logs to engineering": something sent on to a third party.
func (x *pmText) toColleague(k int) bool {
	for q := k; q < k+5 && q < len(x.toks); q++ {
		s := x.w(q)
		if pmBoundary(s) || pmYou(s) {
			return false
		}
		if s == "to" || s == "with" {
			return x.thirdParty(q)
		}
	}
	return false
}

// toYou finds "(over|back|across)? to you" within [p, limit), stopping at the clause's end.
func (x *pmText) toYou(p, limit int) (end int, ok bool) {
	for q := p; q < limit; q++ {
		w := x.w(q)
		if pmBoundary(w) || pmHardCut(w) {
			return 0, false
		}
		if w == "to" && pmYou(x.w(q+1)) && q > p {
			return q + 2, true
		}
		if w == "over" && (q+1 >= limit || x.w(q+1) != "to") {
			return q + 1, true
		}
	}
	return 0, false
}

// thirdParty reports whether the verb phrase ending at e goes to a colleague or a thing
// ("follow up with the team", "get back to it", "send it over to engineering"): a note about
// work, not a promise to the customer.
func (x *pmText) thirdParty(e int) bool {
	p := e
	switch x.w(p) {
	case "it", "this", "that", "them", "these", "those":
		p++
	}
	if x.w(p) == "over" || x.w(p) == "across" || x.w(p) == "back" {
		p++
	}
	if x.w(p) != "with" && x.w(p) != "to" {
		return false
	}
	p++
	switch x.w(p) {
	case "them", "him", "her", "it", "this", "that", "itself":
		return true
	case "the", "our", "my", "a":
		p++
	}
	switch x.w(p) {
	case "team", "teams", "engineering", "engineers", "engineer", "devs", "dev", "developers", "developer",
		"carrier", "courier", "vendor", "supplier", "customer", "client", "manager", "lead", "billing", "finance",
		"product", "support", "warehouse", "bank", "provider", "partner", "legal", "ops", "security", "sales",
		"colleague", "colleagues", "staff", "management", "supervisor", "tech", "techs", "technician", "qa":
		return true
	}
	return false
}

// clauseEndOrTime reports whether token k ends a clause or starts a time, so a bare verb
// ("I'll ping later", "I'll call tomorrow") has no other object.
func (x *pmText) clauseEndOrTime(k int) bool {
	s := x.w(k)
	if pmBoundary(s) || s == "," || s == "-" || s == ")" {
		return true
	}
	switch s {
	case "by", "in", "within", "before", "at", "around", "on", "tomorrow", "today", "tonight", "shortly", "later",
		"soon", "this", "next", "once", "when", "as", "again", "after", "with", "asap", "eod", "first", "and",
		"if", "until", "till", "momentarily", "either", "no", "tmrw", "tmr":
		return true
	}
	_, ok := pmWeekday(s)
	return ok
}

// ---- where the promise's time is ----

// timeAfter looks for the promise's time in the clause after its verb.
func (x *pmText) timeAfter(e int) (pmWhen, bool) {
	limit := min(len(x.toks), e+pmScopeWindow)
	end := e
	for end < limit && !pmBoundary(x.w(end)) {
		end++
	}
	return x.timeIn(e, end)
}

// timeIn looks for a time in tokens [e, end), stopping where another clause starts.
func (x *pmText) timeIn(e, end int) (pmWhen, bool) {
	for p := e; p < end; p++ {
		s := x.w(p)
		if pmHardCut(s) || p > e && x.otherSubject(p) {
			break
		}
		if x.eventConj(p) {
			// "once the team replies, ..." — its time is the event's, not the promise's.
			for p < end && x.w(p) != "," {
				p++
			}
			continue
		}
		if pmNotDeadline(x.w(p - 1)) {
			continue
		}
		if w, ok := x.parseWhen(p, end); ok {
			return w, true
		}
	}
	return pmWhen{}, false
}

// timeBefore accepts a time that opens the clause and ends right before the subject at c:
// "Tomorrow morning I'll call you", "By 3pm, we'll have ...".
func (x *pmText) timeBefore(c int) (pmWhen, bool) {
	lo := max(0, c-10)
	for p := c - 1; p >= lo; p-- {
		if pmBoundary(x.w(p)) {
			lo = p + 1
			break
		}
	}
	for p := lo; p < c; p++ {
		if pmNotDeadline(x.w(p - 1)) {
			continue
		}
		w, ok := x.parseWhen(p, c)
		if !ok {
			continue
		}
		if w.to == c {
			return w, true
		}
		// with a comma or "and" between, the time must open its clause ("By 3pm, we'll ...",
		// "Give me 30 minutes and I'll ..."), not end someone else's ("live around 2pm, and I'll")
		gap, prev := x.w(w.to), x.w(w.from-1)
		if !pmBoundary(prev) && prev != "," {
			continue
		}
		if w.to == c-1 && (gap == "," || gap == "and") || w.to == c-2 && gap == "," && x.w(c-1) == "and" {
			return w, true
		}
	}
	return pmWhen{}, false
}

// otherSubject reports a new clause about something else starting at p ("it should arrive in
// 3 days", "which usually takes an hour", "and we'll ...").
func (x *pmText) otherSubject(p int) bool {
	switch x.w(p) {
	case "it'll", "it's", "they'll", "they're", "there's", "that's", "which", "you'll", "you're", "he'll", "she'll",
		"i'll", "we'll", "i", "we", "should", "will", "would", "could", "may", "might", "can", "usually", "typically",
		"normally", "generally", "expect", "expected", "takes", "won't":
		return true
	}
	return false
}

// eventConj reports a clause that names the event the promise waits for.
func (x *pmText) eventConj(p int) bool {
	switch x.w(p) {
	case "once", "when", "whenever", "if", "unless", "after":
		return true
	case "as":
		return x.w(p+1) == "soon" && x.w(p+2) == "as"
	}
	return false
}

// pmNotDeadline words make the time after them a start or a past moment, not a due time.
func pmNotDeadline(prev string) bool {
	switch prev {
	case "from", "since", "after", "between", "ago", "past", "of":
		return true
	}
	return false
}

// ---- time expressions ----

const (
	pmDayNone uint8 = iota
	pmDayToday
	pmDayTomorrow
	pmDayWeekday     // "Monday": its next occurrence, a week ahead when said on a Monday
	pmDayThisWeekday // "this Friday": today counts
	pmDayNextWeekday // "next Tuesday", "Tuesday next week": the one in next calendar week
	pmDayDate
	pmDayEndWeek // Friday of this week
	pmDayNextWeek
	pmDayEarlyNextWeek
	pmDayWeekend
	pmDayEndMonth
	pmDayNextBiz
	pmDaySameTimeTomorrow
)

const (
	pmPartNone uint8 = iota
	pmPartMorning
	pmPartAfternoon
	pmPartEvening
	pmPartTonight
	pmPartEOD
	pmPartNoon
	pmPartMidnight
	pmPartFirstThing
	pmPartLaterToday
)

// pmWhen is a parsed time expression: a span of time, or a day, a part of a day and a clock
// time (any of them).
type pmWhen struct {
	from, to int // tokens
	isDur    bool
	dur      time.Duration
	days     int // calendar days ahead, same clock time
	biz      int // business days ahead, due at 17:00

	topOfHour bool // the next full hour

	day    uint8
	wd     time.Weekday
	month  time.Month // 0: the next such day of the month
	mday   int
	part   uint8
	inThe  bool // "in the morning": the next morning
	clock  bool
	hour   int
	min    int
	ampm   uint8 // 0 unsaid, 1 am, 2 pm
	zone   *pmZone
	hasDay bool
}

// parseWhen parses a time expression starting at token i, using tokens before end.
func (x *pmText) parseWhen(i, end int) (w pmWhen, ok bool) {
	if i >= end {
		return w, false
	}
	w.from = i
	s := x.w(i)
	switch s {
	case "shortly", "momentarily":
		w.isDur, w.dur, w.to = true, 15*time.Minute, i+1
		return w, true
	}
	if s == "give" && (x.w(i+1) == "me" || x.w(i+1) == "us") {
		// "give me 30 minutes and I'll ..." promises an answer within them
		if k, ok := x.duration(&w, i+1, end, "in"); ok {
			w.isDur, w.to = true, k
			return w, true
		}
		return w, false
	}
	j := i
	prep := ""
	switch s {
	case "by", "at", "before", "until", "till", "til", "around", "on", "within", "inside", "approximately", "approx", "about", "between":
		prep, j = s, i+1
	case "no":
		if x.w(i+1) == "later" && x.w(i+2) == "than" {
			prep, j = "by", i+3
		}
	case "in", "every":
		prep = s
	case "over":
		if x.w(i+1) == "the" && x.w(i+2) == "next" {
			prep = "in"
		}
	}
	if k, ok := x.duration(&w, i, end, prep); ok {
		w.isDur, w.to = true, k
		return w, true
	}
	// "at the top of the hour": the next full hour
	if t := j; x.w(t) == "top" || x.w(t) == "the" && x.w(t+1) == "top" {
		if x.w(t) == "the" {
			t++
		}
		if x.w(t+1) == "of" && x.w(t+2) == "the" && x.w(t+3) == "hour" && t+4 <= end {
			w.isDur, w.topOfHour, w.to = true, true, t+4
			return w, true
		}
		return w, false
	}
	if prep == "within" || prep == "inside" || prep == "over" || j >= end {
		return w, false
	}
	k, n := j, 0
	for n < 3 && k < end {
		m := k
		if n > 0 {
			m = x.connector(k, end)
		}
		m2, ok := x.component(&w, m, end, prep, n)
		if !ok {
			break
		}
		k, n = m2, n+1
	}
	if n == 0 {
		return w, false
	}
	w.to = k
	return w, true
}

// connector skips the small words that join parts of one time ("tomorrow at 10", "3pm on Friday").
func (x *pmText) connector(k, end int) int {
	for c := 0; c < 2 && k < end; c++ {
		switch x.w(k) {
		case ",", "at", "by", "on", "around", "before", "-":
			k++
		default:
			return k
		}
	}
	return k
}

// component parses one day, part of day, or clock time at m.
func (x *pmText) component(w *pmWhen, m, end int, prep string, n int) (int, bool) {
	if m >= end {
		return 0, false
	}
	if !w.clock {
		if k, ok := x.clockAt(w, m, end); ok {
			return k, true
		}
	}
	if w.day == pmDayNone && !w.hasDay {
		if k, ok := x.dayAt(w, m, end, prep); ok {
			return k, true
		}
	}
	if w.part == pmPartNone {
		if k, ok := x.partAt(w, m, end, prep); ok {
			return k, true
		}
	}
	return 0, false
}

func pmTomorrow(s string) bool {
	switch s {
	case "tomorrow", "tmrw", "tmr", "tomorow", "tommorow", "tommorrow", "2moro", "2morrow", "tmw", "tomoz":
		return true
	}
	return false
}

func pmWeekday(s string) (time.Weekday, bool) {
	switch s {
	case "monday", "mon":
		return time.Monday, true
	case "tuesday", "tue", "tues":
		return time.Tuesday, true
	case "wednesday", "wed", "weds":
		return time.Wednesday, true
	case "thursday", "thu", "thur", "thurs":
		return time.Thursday, true
	case "friday", "fri":
		return time.Friday, true
	case "saturday":
		return time.Saturday, true
	case "sunday":
		return time.Sunday, true
	}
	return 0, false
}

func pmMonth(s string) (time.Month, bool) {
	switch s {
	case "january", "jan":
		return time.January, true
	case "february", "feb":
		return time.February, true
	case "march", "mar":
		return time.March, true
	case "april", "apr":
		return time.April, true
	case "may":
		return time.May, true
	case "june", "jun":
		return time.June, true
	case "july", "jul":
		return time.July, true
	case "august", "aug":
		return time.August, true
	case "september", "sep", "sept":
		return time.September, true
	case "october", "oct":
		return time.October, true
	case "november", "nov":
		return time.November, true
	case "december", "dec":
		return time.December, true
	}
	return 0, false
}

// dayAt parses a day: today, tomorrow, a weekday, a date, or a week.
func (x *pmText) dayAt(w *pmWhen, m, end int, prep string) (int, bool) {
	s, n1, n2 := x.w(m), x.w(m+1), x.w(m+2)
	set := func(d uint8, k int) (int, bool) {
		if k > end {
			return 0, false
		}
		w.day, w.hasDay = d, true
		return k, true
	}
	if pmTomorrow(s) || s == "today" {
		d := pmDayTomorrow
		if s == "today" {
			d = pmDayToday
		}
		if k, ok := x.laterDay(w, m+1, end, d); ok {
			return k, true
		}
		return set(d, m+1)
	}
	if wd, ok := pmWeekday(s); ok {
		w.wd = wd
		if n1 == "next" && n2 == "week" {
			return set(pmDayNextWeekday, m+3)
		}
		if n1 == "this" && n2 == "week" {
			return set(pmDayThisWeekday, m+3)
		}
		if k, ok := x.laterDay(w, m+1, end, pmDayWeekday); ok {
			return k, true
		}
		return set(pmDayWeekday, m+1)
	}
	switch s {
	case "tonight", "tonite":
		if w.part == pmPartNone {
			w.part = pmPartTonight
			return set(pmDayToday, m+1)
		}
	case "this":
		if wd, ok := pmWeekday(n1); ok {
			w.wd = wd
			return set(pmDayThisWeekday, m+2)
		}
		switch n1 {
		case "week":
			return set(pmDayEndWeek, m+2)
		case "weekend":
			return set(pmDayWeekend, m+2)
		case "time":
			if pmTomorrow(n2) {
				return set(pmDaySameTimeTomorrow, m+3)
			}
		}
	case "same":
		if n1 == "time" && pmTomorrow(n2) {
			return set(pmDaySameTimeTomorrow, m+3)
		}
	case "next", "coming":
		if wd, ok := pmWeekday(n1); ok {
			w.wd = wd
			if s == "coming" {
				return set(pmDayWeekday, m+2)
			}
			return set(pmDayNextWeekday, m+2)
		}
		switch {
		case n1 == "week":
			return set(pmDayNextWeek, m+2)
		case (n1 == "business" || n1 == "working") && n2 == "day":
			return set(pmDayNextBiz, m+3)
		}
	case "early":
		if n1 == "next" && n2 == "week" {
			return set(pmDayEarlyNextWeek, m+3)
		}
	case "later":
		if n1 == "this" && n2 == "week" {
			return set(pmDayEndWeek, m+3)
		}
		if n1 == "next" && n2 == "week" {
			return set(pmDayNextWeek, m+3)
		}
		if n1 == "in" && n2 == "the" && x.w(m+3) == "week" {
			return set(pmDayEndWeek, m+4)
		}
	case "eow":
		return set(pmDayEndWeek, m+1)
	case "eom":
		return set(pmDayEndMonth, m+1)
	case "weekend":
		if prep == "by" || prep == "before" {
			return set(pmDayEndWeek, m+1)
		}
		return set(pmDayWeekend, m+1)
	case "the":
		switch {
		case n1 == "weekend":
			if prep == "by" || prep == "before" {
				return set(pmDayEndWeek, m+2)
			}
			return set(pmDayWeekend, m+2)
		case n1 == "end":
			return x.endOf(w, m+1, end)
		case x.ordinal(m + 1):
			d, _ := strconv.Atoi(n1)
			k := m + 3
			if x.w(k) == "of" {
				if mo, ok := pmMonth(x.w(k + 1)); ok {
					w.month = mo
					k += 2
				}
			}
			w.mday = d
			return set(pmDayDate, k)
		}
	case "end":
		return x.endOf(w, m, end)
	}
	if mo, ok := pmMonth(s); ok && x.toks[min(m+1, len(x.toks)-1)].num && m+1 < end {
		d, err := strconv.Atoi(n1)
		if err == nil && d >= 1 && d <= 31 {
			k := m + 2
			if x.ordinal(m+1) && k < end {
				k++
			}
			w.month, w.mday = mo, d
			return set(pmDayDate, k)
		}
	}
	if m < len(x.toks) && x.toks[m].num {
		d, err := strconv.Atoi(s)
		if err == nil && d >= 1 && d <= 31 {
			k := m + 1
			if x.ordinal(m) {
				k++
			}
			if x.w(k) == "of" {
				k++
			}
			if mo, ok := pmMonth(x.w(k)); ok {
				w.month, w.mday = mo, d
				return set(pmDayDate, k+1)
			}
		}
	}
	return 0, false
}

// laterDay reads the second of two days ("Monday or Tuesday", "today or tomorrow"): the
// promise is kept until the later one.
func (x *pmText) laterDay(w *pmWhen, k, end int, first uint8) (int, bool) {
	switch x.w(k) {
	case "or", "-", "to":
	default:
		return 0, false
	}
	s := x.w(k + 1)
	if k+2 > end {
		return 0, false
	}
	if wd, ok := pmWeekday(s); ok {
		w.day, w.wd, w.hasDay = pmDayWeekday, wd, true
		return k + 2, true
	}
	if pmTomorrow(s) && first == pmDayToday {
		w.day, w.hasDay = pmDayTomorrow, true
		return k + 2, true
	}
	return 0, false
}

// ordinal reports a day number with its suffix at k: "15th", "3rd".
func (x *pmText) ordinal(k int) bool {
	if k+1 >= len(x.toks) || !x.toks[k].num || !x.adjacent(k+1) {
		return false
	}
	switch x.w(k + 1) {
	case "st", "nd", "rd", "th":
		d, err := strconv.Atoi(x.w(k))
		return err == nil && d >= 1 && d <= 31
	}
	return false
}

// endOf parses "end of ..." at m ("end"): the day, the week, next week, the month.
func (x *pmText) endOf(w *pmWhen, m, end int) (int, bool) {
	if x.w(m) != "end" || x.w(m+1) != "of" {
		return 0, false
	}
	k := m + 2
	set := func(d uint8, k int) (int, bool) {
		if k > end {
			return 0, false
		}
		w.day, w.hasDay = d, true
		return k, true
	}
	switch x.w(k) {
	case "the", "this", "my":
		k++
	case "next":
		if x.w(k+1) == "week" {
			return set(pmDayNextWeek, k+2)
		}
		return 0, false
	}
	switch s := x.w(k); {
	case s == "week":
		return set(pmDayEndWeek, k+1)
	case s == "month":
		return set(pmDayEndMonth, k+1)
	case s == "today":
		w.part = pmPartEOD
		return set(pmDayToday, k+1)
	case pmTomorrow(s):
		w.part = pmPartEOD
		return set(pmDayTomorrow, k+1)
	}
	if w.part != pmPartNone {
		return 0, false
	}
	if k2, ok := x.eodWords(k); ok && k2 <= end {
		w.part = pmPartEOD
		return k2, true
	}
	return 0, false
}

// eodWords matches what follows "end of"/"close of": "day", "business", "the business day", "play".
func (x *pmText) eodWords(k int) (int, bool) {
	if x.w(k) == "the" {
		k++
	}
	switch x.w(k) {
	case "day", "play", "shift":
		return k + 1, true
	case "business", "working", "work":
		if x.w(k+1) == "day" || x.w(k+1) == "hours" {
			return k + 2, true
		}
		return k + 1, true
	}
	return 0, false
}

// partAt parses a part of the day: "this morning", "EOD", "noon", "tonight", "first thing".
func (x *pmText) partAt(w *pmWhen, m, end int, prep string) (int, bool) {
	s, n1, n2 := x.w(m), x.w(m+1), x.w(m+2)
	set := func(p uint8, k int) (int, bool) {
		if k > end {
			return 0, false
		}
		w.part = p
		// "noon ET", "EOD Pacific": a zone may follow a fixed time of day
		if p == pmPartNoon || p == pmPartMidnight || p == pmPartEOD {
			if z, k2 := x.zoneAt(k); k2 > k && k2 <= end {
				w.zone, k = z, k2
			}
		}
		return k, true
	}
	switch s {
	case "eod", "cob", "eob", "eop":
		return set(pmPartEOD, m+1)
	case "end":
		if n1 == "of" {
			if k, ok := x.eodWords(m + 2); ok {
				return set(pmPartEOD, k)
			}
			if n2 == "the" || n2 == "my" {
				if k, ok := x.eodWords(m + 3); ok {
					return set(pmPartEOD, k)
				}
			}
		}
	case "close":
		if n1 == "of" && (n2 == "business" || n2 == "play") {
			return set(pmPartEOD, m+3)
		}
	case "the":
		if n1 == "end" {
			if k, ok := x.partAt(w, m+1, end, prep); ok {
				return k, true
			}
		}
	case "this":
		if p := pmPartWord(n1); p != pmPartNone && p != pmPartMidnight {
			return set(p, m+2)
		}
	case "later":
		switch {
		case n1 == "today":
			return set(pmPartLaterToday, m+2)
		case n1 == "tonight":
			return set(pmPartTonight, m+2)
		case n1 == "this" && pmPartWord(n2) != pmPartNone:
			return set(pmPartWord(n2), m+3)
		case n1 == "on" && n2 == "today":
			return set(pmPartLaterToday, m+3)
		}
	case "in":
		if n1 == "the" {
			switch p := pmPartWord(n2); p {
			case pmPartMorning, pmPartAfternoon, pmPartEvening:
				w.inThe = !w.hasDay && p == pmPartMorning
				return set(p, m+3)
			}
		}
	case "noon", "midday", "lunchtime", "lunch":
		if s == "lunch" || s == "lunchtime" {
			switch x.w(m - 1) {
			case "by", "before", "at", "around", "until", "till":
			default:
				if !w.hasDay {
					return 0, false
				}
			}
		}
		return set(pmPartNoon, m+1)
	case "midnight":
		return set(pmPartMidnight, m+1)
	case "first":
		if n1 == "thing" {
			k := m + 2
			if x.w(k) == "in" && x.w(k+1) == "the" && x.w(k+2) == "morning" {
				k += 3
				if !w.hasDay {
					w.inThe = true
				}
			}
			return set(pmPartFirstThing, k)
		}
	case "morning", "afternoon", "evening", "night", "arvo", "eve":
		// only after a day: "tomorrow morning", "Monday afternoon" ("good morning" is a greeting)
		if w.hasDay && w.day != pmDayEndWeek && w.day != pmDayNextWeek {
			return set(pmPartWord(s), m+1)
		}
	}
	return 0, false
}

func pmPartWord(s string) uint8 {
	switch s {
	case "morning":
		return pmPartMorning
	case "afternoon", "arvo":
		return pmPartAfternoon
	case "evening", "night", "eve":
		return pmPartEvening
	case "midnight":
		return pmPartMidnight
	}
	return pmPartNone
}

// clockAt parses a clock time at m: "3pm", "4:15", "17:00", "9am Eastern", "half past 3",
// or a bare hour after "at"/"by"/"before"/"until" ("before 5").
func (x *pmText) clockAt(w *pmWhen, m, end int) (int, bool) {
	h, mi, ampm, k, ok := x.clockValue(m, end, true)
	if !ok {
		return 0, false
	}
	// a range keeps its end: "2-3pm", "between 2 and 4pm", "by 3 or 4pm"
	if k < end {
		switch x.w(k) {
		case "-", "to", "or", "and":
			if h2, mi2, ampm2, k2, ok := x.clockValue(k+1, end, false); ok {
				h, mi, ampm, k = h2, mi2, ampm2, k2
			}
		}
	}
	w.clock, w.hour, w.min, w.ampm = true, h, mi, ampm
	if x.w(k) == "noon" && h == 12 {
		k++
	}
	// a zone, or words that only restate the author's
	if z, k2 := x.zoneAt(k); k2 > k && k2 <= end {
		w.zone, k = z, k2
	}
	return k, true
}

// clockValue reads the clock time at m. bareNeedsPrep asks for a bare hour to follow a
// time preposition; the second half of a range does not.
func (x *pmText) clockValue(m, end int, bareNeedsPrep bool) (h, mi int, ampm uint8, k int, ok bool) {
	s := x.w(m)
	k = m + 1
	switch s {
	case "half", "quarter":
		// "half past 3", "quarter past 10", "quarter to 5"
		dir := x.w(m + 1)
		if (dir != "past" && (dir != "to" || s != "quarter")) || m+2 >= end || !x.toks[m+2].num {
			return
		}
		hh, err := strconv.Atoi(x.w(m + 2))
		if err != nil || hh < 1 || hh > 12 {
			return
		}
		switch {
		case s == "half":
			h, mi = hh, 30
		case dir == "past":
			h, mi = hh, 15
		default:
			h, mi = hh-1, 45
			if h == 0 {
				h = 12
			}
		}
		k = m + 3
		if a := x.ampmAt(k); a != 0 && k < end {
			ampm, k = a, k+1
		}
		return h, mi, ampm, k, true
	}
	if m >= end || m >= len(x.toks) || !x.toks[m].num {
		return
	}
	colon := strings.IndexAny(s, ":.")
	if colon >= 0 {
		if strings.Count(s, ":")+strings.Count(s, ".") != 1 || len(s)-colon != 3 || colon == 0 || colon > 2 {
			return
		}
		h, _ = strconv.Atoi(s[:colon])
		mi, _ = strconv.Atoi(s[colon+1:])
		if mi > 59 || h > 23 {
			return
		}
	} else {
		if len(s) > 2 {
			// "1530" is not a clock time we read; "930am" is rare enough to skip.
			return
		}
		h, _ = strconv.Atoi(s)
	}
	if a := x.ampmAt(k); a != 0 && k < end {
		if h < 1 || h > 12 {
			return
		}
		return h, mi, a, k + 1, true
	}
	if colon >= 0 {
		if s[colon] == '.' {
			return // "17.3" is a version, "3.30" needs its pm
		}
		return h, mi, 0, k, true
	}
	if x.w(k) == "o'clock" {
		if h < 1 || h > 12 {
			return
		}
		return h, 0, 0, k + 1, true
	}
	if h > 23 {
		return
	}
	if bareNeedsPrep {
		switch x.w(m - 1) {
		case "at", "by", "before", "until", "till", "til", "around", "~", "between":
		default:
			return
		}
	}
	if !x.bareFollower(k) {
		return
	}
	return h, 0, 0, k, true
}

func (x *pmText) ampmAt(k int) uint8 {
	switch x.w(k) {
	case "am":
		return 1
	case "pm":
		return 2
	}
	return 0
}

// bareFollower reports whether what follows a bare number lets it be an hour: "before 5.",
// "at 10 tomorrow", but not "at 10 percent", "by 5 days", "at 1-800-...".
func (x *pmText) bareFollower(k int) bool {
	s := x.w(k)
	if k >= len(x.toks) || pmBoundary(s) {
		return true
	}
	if !x.toks[k].num && len(s) == 1 && !pmIsAlpha(s[0]) {
		switch s {
		case "-", "/", "%", "$", "+", "x", "*", "'", "\"":
			return s == "-" && !(k+1 < len(x.toks) && x.toks[k+1].num)
		}
		return true
	}
	switch s {
	case "and", "or", "either", "so", "then", "today", "tomorrow", "tonight", "on", "at", "latest", "with", "to",
		"if", "when", "once", "your", "my", "local", "sharp", "this", "next", "in", "for", "we", "i", "i'll",
		"we'll", "ok", "okay", "please", "as", "is", "tmrw", "tmr":
		return true
	}
	if _, ok := pmWeekday(s); ok {
		return true
	}
	if z, k2 := x.zoneAt(k); z != nil || k2 > k {
		return true
	}
	return false
}

// ---- zones ----

// pmZone is a region's clock: standard and daylight offsets (seconds east of UTC) and the
// rule that switches between them. The rules are written out, not loaded, so the package
// stays free of I/O and gives the same answer on every host.
type pmZone struct {
	std, dst int
	rule     uint8
}

const (
	pmRuleNone uint8 = iota
	pmRuleUS         // second Sunday of March 02:00 to first Sunday of November 02:00, local
	pmRuleEU         // last Sunday of March to last Sunday of October, 01:00 UTC
	pmRuleAU         // first Sunday of October 02:00 to first Sunday of April 03:00 (New South Wales, Victoria)
	pmRuleNZ         // last Sunday of September 02:00 to first Sunday of April 03:00
)

var (
	pmPacific  = &pmZone{-8 * 3600, -7 * 3600, pmRuleUS}
	pmMountain = &pmZone{-7 * 3600, -6 * 3600, pmRuleUS}
	pmCentral  = &pmZone{-6 * 3600, -5 * 3600, pmRuleUS}
	pmEastern  = &pmZone{-5 * 3600, -4 * 3600, pmRuleUS}
	pmUTC      = &pmZone{0, 0, pmRuleNone}
	pmUK       = &pmZone{0, 3600, pmRuleEU}
	pmCET      = &pmZone{3600, 2 * 3600, pmRuleEU}
	pmEET      = &pmZone{2 * 3600, 3 * 3600, pmRuleEU}
	pmIndia    = &pmZone{5*3600 + 1800, 5*3600 + 1800, pmRuleNone}
	pmSGT      = &pmZone{8 * 3600, 8 * 3600, pmRuleNone}
	pmJST      = &pmZone{9 * 3600, 9 * 3600, pmRuleNone}
	pmSydney   = &pmZone{10 * 3600, 11 * 3600, pmRuleAU}
	pmNZ       = &pmZone{12 * 3600, 13 * 3600, pmRuleNZ}
	pmBRT      = &pmZone{-3 * 3600, -3 * 3600, pmRuleNone}
)

// pmZoneWord maps zone abbreviations and names to a region. "EST" in July means New York
// time to the people who write it, so abbreviations name the region, not the offset.
func pmZoneWord(s string) *pmZone {
	switch s {
	case "pt", "pst", "pdt", "pacific":
		return pmPacific
	case "mt", "mst", "mdt", "mountain":
		return pmMountain
	case "ct", "cst", "cdt", "central":
		return pmCentral
	case "et", "est", "edt", "eastern":
		return pmEastern
	case "utc", "gmt", "zulu":
		return pmUTC
	case "bst":
		return pmUK
	case "cet", "cest":
		return pmCET
	case "eet", "eest":
		return pmEET
	case "ist":
		return pmIndia
	case "sgt", "hkt", "awst":
		return pmSGT
	case "jst", "kst":
		return pmJST
	case "aest", "aedt":
		return pmSydney
	case "nzst", "nzdt":
		return pmNZ
	case "brt":
		return pmBRT
	}
	return nil
}

// pmZoneCity maps place names that need "time" after them ("London time").
func pmZoneCity(s string) *pmZone {
	switch s {
	case "uk", "london", "british":
		return pmUK
	case "berlin", "paris", "madrid", "amsterdam", "rome", "european", "cet":
		return pmCET
	case "india", "indian", "delhi", "mumbai", "bangalore":
		return pmIndia
	case "sydney", "melbourne":
		return pmSydney
	case "tokyo", "japan":
		return pmJST
	case "nz", "auckland":
		return pmNZ
	case "singapore":
		return pmSGT
	}
	return nil
}

// zoneAt reads a zone after a clock time at k: "PT", "Eastern time", "London time", "CET".
// "your time"/"local time" are read and skipped (the author's zone already applies).
func (x *pmText) zoneAt(k int) (*pmZone, int) {
	s := x.w(k)
	if z := pmZoneWord(s); z != nil {
		k++
		if s == "central" && x.w(k) == "european" {
			z, k = pmCET, k+1
		}
		if x.w(k) == "standard" || x.w(k) == "daylight" {
			if x.w(k+1) == "time" {
				k += 2
			}
		} else if x.w(k) == "time" {
			k++
		}
		return z, k
	}
	if z := pmZoneCity(s); z != nil && x.w(k+1) == "time" {
		return z, k + 2
	}
	switch s {
	case "your", "my", "local", "our":
		if x.w(k+1) == "time" {
			return nil, k + 2
		}
	}
	return nil, k
}

// offset returns the zone's offset from UTC in seconds at instant t.
func (z *pmZone) offset(t time.Time) int {
	if z.rule == pmRuleNone {
		return z.std
	}
	u := t.UTC()
	y := u.Year()
	at := func(m time.Month, d, hour, off int) time.Time {
		return time.Date(y, m, d, hour, 0, 0, 0, time.UTC).Add(-time.Duration(off) * time.Second)
	}
	in := false
	switch z.rule {
	case pmRuleUS:
		in = !u.Before(at(time.March, pmNthSunday(y, time.March, 2), 2, z.std)) &&
			u.Before(at(time.November, pmNthSunday(y, time.November, 1), 2, z.dst))
	case pmRuleEU:
		in = !u.Before(at(time.March, pmLastSunday(y, time.March), 1, 0)) &&
			u.Before(at(time.October, pmLastSunday(y, time.October), 1, 0))
	case pmRuleAU:
		in = u.Before(at(time.April, pmNthSunday(y, time.April, 1), 3, z.dst)) ||
			!u.Before(at(time.October, pmNthSunday(y, time.October, 1), 2, z.std))
	case pmRuleNZ:
		in = u.Before(at(time.April, pmNthSunday(y, time.April, 1), 3, z.dst)) ||
			!u.Before(at(time.September, pmLastSunday(y, time.September), 2, z.std))
	}
	if in {
		return z.dst
	}
	return z.std
}

func pmNthSunday(y int, m time.Month, n int) int {
	wd := time.Date(y, m, 1, 12, 0, 0, 0, time.UTC).Weekday()
	return 1 + (7-int(wd))%7 + 7*(n-1)
}

func pmLastSunday(y int, m time.Month) int {
	last := time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC)
	return last.Day() - int(last.Weekday())
}

// ---- spans of time ----

// duration parses "in 2 hours", "within 30 minutes", "within the hour", "in a few minutes",
// "in the next 2-3 hours", "an hour from now" starting at i (the preposition, if any).
func (x *pmText) duration(w *pmWhen, i, end int, prep string) (int, bool) {
	k := i
	spanPrep := false
	switch prep {
	case "in", "within", "inside", "every":
		// "every 30 minutes": the first update comes within the first interval
		spanPrep = true
		k++
		if x.w(k-1) == "over" { // "over the next ..."
			k += 2
		}
	case "":
	default:
		return 0, false
	}
	if x.w(k) == "the" {
		if x.w(k+1) == "next" || x.w(k+1) == "coming" {
			k += 2
		} else if x.w(k+1) == "hour" {
			w.dur = time.Hour
			return k + 2, spanPrep
		} else {
			return 0, false
		}
	} else if x.w(k) == "next" && spanPrep {
		k++
	}
	for f := 0; f < 2; f++ {
		switch x.w(k) {
		case "about", "around", "roughly", "approximately", "approx", "~", "just", "another", "under", "max", "maybe":
			k++
		case "less":
			if x.w(k+1) == "than" {
				k += 2
			}
		}
	}
	// chat style "back in 10", "update you in 30": a bare count after "in" is minutes
	if spanPrep && k < end && k < len(x.toks) && x.toks[k].num && k == i+1 {
		if v, err := strconv.Atoi(x.w(k)); err == nil && v >= 5 && v <= 90 {
			if f := x.w(k + 1); pmBoundary(f) || f == "," || f == "and" || f == "or" || f == "-" && x.w(k+2) == "" {
				w.dur = time.Duration(v) * time.Minute
				return k + 1, true
			}
		}
	}
	q, fuzzy, k2, ok := x.quantity(k, end)
	if !ok {
		// "in the next hour": the unit alone
		if x.w(k-1) == "next" || x.w(k-1) == "coming" || prep == "every" {
			q, k2 = 1, k
		} else {
			return 0, false
		}
	}
	k = k2
	// "2-3 hours", "2 to 3 hours", "2 or 3 hours": the later end
	switch x.w(k) {
	case "-", "to", "or":
		if q2, _, k3, ok := x.quantity(k+1, end); ok && q2 >= q {
			q, k = q2, k3
		}
	}
	unit, k3, ok := x.unit(k, end)
	if !ok {
		if fuzzy == 'b' { // "in a bit", "in a moment"
			w.dur = 15 * time.Minute
			if !spanPrep {
				return 0, false
			}
			return k, true
		}
		return 0, false
	}
	k = k3
	// "an hour and a half", "an hour or two"
	if x.w(k) == "and" && x.w(k+1) == "a" && x.w(k+2) == "half" {
		q += 0.5
		k += 3
	} else if x.w(k) == "or" {
		if q2, _, k4, ok := x.quantity(k+1, end); ok && q2 >= q && q2 <= 3*q+3 {
			q, k = q2, k4
		}
	}
	if x.w(k) == "from" && x.w(k+1) == "now" {
		k += 2
		spanPrep = true
	}
	if !spanPrep || k > end || q <= 0 {
		return 0, false
	}
	switch unit {
	case 's':
		w.dur = time.Duration(q * float64(time.Second))
		if fuzzy != 0 {
			w.dur = 15 * time.Minute // "in a sec"
		}
	case 'm':
		if fuzzy != 0 {
			// "in a few minutes", "in a couple of minutes": the contract's "shortly"
			w.dur = 15 * time.Minute
		} else {
			w.dur = time.Duration(q * float64(time.Minute))
		}
	case 'h':
		w.dur = time.Duration(q * float64(time.Hour))
	case 'd':
		if q != float64(int(q)) {
			w.dur = time.Duration(q * 24 * float64(time.Hour))
		} else {
			w.days = int(q)
		}
	case 'b':
		w.biz = int(q + 0.5)
	case 'w':
		w.days = int(q * 7)
	}
	if prep == "every" && unit != 'm' && unit != 'h' {
		return 0, false // "every 2 days" is a schedule, not a deadline
	}
	if w.dur > 400*24*time.Hour || w.days > 400 || w.biz > 300 || w.dur <= 0 && w.days <= 0 && w.biz <= 0 {
		return 0, false
	}
	return k, true
}

// quantity reads a count at k: "2", "1.5", "two", "an", "a few", "a couple of", "half an".
// fuzzy is 'f' for a vague count (few, couple, a) and 'b' for "a bit"/"a moment".
func (x *pmText) quantity(k, end int) (q float64, fuzzy byte, next int, ok bool) {
	if k >= end {
		return
	}
	s := x.w(k)
	if k < len(x.toks) && x.toks[k].num {
		if strings.IndexByte(s, ':') >= 0 || len(s) > 6 {
			return
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return
		}
		return v, 0, k + 1, true
	}
	switch s {
	case "a", "an":
		switch n1 := x.w(k + 1); n1 {
		case "few":
			return 3, 'f', k + 2, true
		case "couple":
			if x.w(k+2) == "of" {
				return 2, 'f', k + 3, true
			}
			return 2, 'f', k + 2, true
		case "bit", "moment", "sec", "second", "jiffy", "tick", "mo", "min", "minute", "sec.":
			if n1 == "minute" || n1 == "min" || n1 == "second" || n1 == "sec" {
				return 1, 'f', k + 1, true
			}
			return 1, 'b', k + 2, true
		case "little":
			if x.w(k+2) == "bit" {
				return 1, 'b', k + 3, true
			}
		case "half":
			return 0.5, 0, k + 2, true
		}
		return 1, 'f', k + 1, true
	case "few", "several":
		return 3, 'f', k + 1, true
	case "couple":
		if x.w(k+1) == "of" {
			return 2, 'f', k + 2, true
		}
		return 2, 'f', k + 1, true
	case "half":
		if x.w(k+1) == "an" || x.w(k+1) == "a" {
			return 0.5, 0, k + 2, true
		}
		return 0.5, 0, k + 1, true
	}
	if v := pmNumberWord(s); v > 0 {
		return float64(v), 0, k + 1, true
	}
	return
}

func pmNumberWord(s string) int {
	switch s {
	case "one":
		return 1
	case "two":
		return 2
	case "three":
		return 3
	case "four":
		return 4
	case "five":
		return 5
	case "six":
		return 6
	case "seven":
		return 7
	case "eight":
		return 8
	case "nine":
		return 9
	case "ten":
		return 10
	case "eleven":
		return 11
	case "twelve":
		return 12
	case "fifteen":
		return 15
	case "twenty":
		return 20
	case "thirty":
		return 30
	case "forty", "fourty":
		return 40
	case "fortyfive":
		return 45
	case "sixty":
		return 60
	case "ninety":
		return 90
	}
	return 0
}

// unit reads a unit of time at k: 'm' minutes, 'h' hours, 'd' days, 'b' business days,
// 'w' weeks, 's' seconds. "m" and "h" count only when written against the number ("20m").
func (x *pmText) unit(k, end int) (u byte, next int, ok bool) {
	if k >= end {
		return 0, 0, false
	}
	switch x.w(k) {
	case "minute", "minutes", "min", "mins", "mn", "mnts", "minuts":
		return 'm', k + 1, true
	case "m":
		if x.adjacent(k) {
			return 'm', k + 1, true
		}
	case "hour", "hours", "hr", "hrs", "hour's":
		return 'h', k + 1, true
	case "h":
		if x.adjacent(k) {
			return 'h', k + 1, true
		}
	case "day", "days":
		return 'd', k + 1, true
	case "business", "working":
		if x.w(k+1) == "day" || x.w(k+1) == "days" {
			return 'b', k + 2, true
		}
	case "week", "weeks", "wk", "wks":
		return 'w', k + 1, true
	case "second", "seconds", "sec", "secs":
		return 's', k + 1, true
	}
	return 0, 0, false
}

// ---- resolving ----

// pmClock builds wall-clock times in the author's zone, or in a zone the text named. A named
// zone is applied as the offset it has at the result, so "9am Eastern" is right on both sides
// of a daylight-saving change.
type pmClock struct {
	loc *time.Location
	z   *pmZone
}

func (c pmClock) now(t time.Time) time.Time {
	if c.z == nil {
		return t.In(c.loc)
	}
	return t.UTC().Add(time.Duration(c.z.offset(t)) * time.Second)
}

func (c pmClock) at(y int, m time.Month, d, h, mi int) time.Time {
	if c.z == nil {
		return time.Date(y, m, d, h, mi, 0, 0, c.loc)
	}
	wall := time.Date(y, m, d, h, mi, 0, 0, time.UTC)
	off := c.z.offset(wall.Add(-time.Duration(c.z.std) * time.Second))
	t := wall.Add(-time.Duration(off) * time.Second)
	if off2 := c.z.offset(t); off2 != off {
		t = wall.Add(-time.Duration(off2) * time.Second)
	}
	return t
}

// pmISO numbers weekdays Monday=1 … Sunday=7.
func pmISO(d time.Weekday) int {
	if d == time.Sunday {
		return 7
	}
	return int(d)
}

// pmNextBiz is how many days after a day of the week the next business day comes.
func pmNextBiz(d time.Weekday) int {
	switch d {
	case time.Friday:
		return 3
	case time.Saturday:
		return 2
	}
	return 1
}

// due resolves the expression against now, following the contract's conventions (see
// docs/analysis-contract.md, "Time conventions"). A time already past rolls to its next
// sensible occurrence: the next day, or the next business day for end of day.
func (w *pmWhen) due(now time.Time, zone *time.Location) time.Time {
	if w.isDur {
		switch {
		case w.topOfHour:
			l := now.In(zone)
			y, mo, d := l.Date()
			return time.Date(y, mo, d, l.Hour()+1, 0, 0, 0, zone)
		case w.days > 0:
			l := now.In(zone)
			y, mo, d := l.Date()
			t := time.Date(y, mo, d+w.days, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), zone)
			return t
		case w.biz > 0:
			l := now.In(zone)
			y, mo, d := l.Date()
			wd := l.Weekday()
			off := 0
			for n := 0; n < w.biz; n++ {
				step := pmNextBiz(wd)
				off += step
				wd = (wd + time.Weekday(step)) % 7
			}
			return time.Date(y, mo, d+off, 17, 0, 0, 0, zone)
		}
		return now.Add(w.dur).In(zone)
	}
	c := pmClock{loc: zone, z: w.zone}
	nw := c.now(now)
	y, mo, d := nw.Date()
	today := nw.Weekday()
	iso := pmISO(today)
	nextMon := 8 - iso

	off := 0
	switch w.day {
	case pmDayTomorrow:
		off = 1
	case pmDayWeekday:
		off = (int(w.wd) - int(today) + 7) % 7
		if off == 0 {
			off = 7
		}
	case pmDayThisWeekday:
		off = (int(w.wd) - int(today) + 7) % 7
	case pmDayNextWeekday:
		off = nextMon + pmISO(w.wd) - 1
	case pmDayEndWeek:
		if iso <= 5 {
			off = 5 - iso
		} else {
			off = 12 - iso
		}
	case pmDayNextWeek:
		off = nextMon + 4
	case pmDayEarlyNextWeek:
		off = nextMon + 1
	case pmDayWeekend:
		off = 7 - iso
	case pmDayNextBiz:
		off = pmNextBiz(today)
	case pmDayEndMonth:
		off = time.Date(y, mo+1, 0, 12, 0, 0, 0, time.UTC).Day() - d
	case pmDaySameTimeTomorrow:
		return c.at(y, mo, d+1, nw.Hour(), nw.Minute()).Add(time.Duration(nw.Second()) * time.Second).In(zone)
	case pmDayDate:
		yy, mm := y, w.month
		if mm == 0 {
			mm = mo
			if w.mday < d {
				mm++
			}
		} else if mm < mo || mm == mo && w.mday < d {
			yy++
		}
		// days ahead from today, counted on the calendar
		target := time.Date(yy, mm, w.mday, 12, 0, 0, 0, time.UTC)
		base := time.Date(y, mo, d, 12, 0, 0, 0, time.UTC)
		off = int(target.Sub(base).Hours()/24 + 0.5)
	}
	if w.inThe && w.day == pmDayNone && nw.Hour() >= 5 {
		off = 1 // "in the morning", said during the day, is tomorrow's
	}

	hs, nh := w.hours()
	cands := hs[:nh]
	at := func(off, h int) time.Time { return c.at(y, mo, d+off, h, w.min) }
	t := at(off, cands[0])
	if w.clock && w.day == pmDayNone || w.clock && w.day == pmDayToday {
		// the next one: later today, else tomorrow's first
		t = time.Time{}
		for _, h := range cands {
			if u := at(off, h); u.After(now) {
				t = u
				break
			}
		}
		if t.IsZero() {
			t = at(off+1, cands[0])
		}
	}
	if !t.After(now) {
		switch w.day {
		case pmDayNone, pmDayToday:
			switch w.part {
			case pmPartEOD:
				t = at(off+pmNextBiz(today), 17)
			case pmPartTonight, pmPartEvening:
				if u := c.at(y, mo, d+off, 23, 59); u.After(now) {
					t = u
				} else {
					t = at(off+1, cands[0])
				}
			default:
				t = at(off+1, cands[0])
			}
		case pmDayEndWeek, pmDayThisWeekday, pmDayWeekend:
			t = at(off+7, cands[0])
		case pmDayEndMonth:
			t = c.at(y, mo+2, 0, cands[0], w.min)
		}
	}
	return t.In(zone)
}

// hours lists the hours a clock time or part of day may mean, earliest first. An hour said
// without am/pm is read in working hours (07:00–19:59): "at 4:15" is 16:15, "at 9" is 09:00,
// "at 7" is 07:00 or 19:00.
func (w *pmWhen) hours() (hs [2]int, n int) {
	one := func(h int) ([2]int, int) { return [2]int{h}, 1 }
	if !w.clock {
		switch w.part {
		case pmPartMorning, pmPartNoon:
			return one(12)
		case pmPartEvening, pmPartTonight:
			return one(21)
		case pmPartMidnight:
			return one(24)
		case pmPartFirstThing:
			return one(10)
		}
		return one(17)
	}
	h := w.hour
	switch w.ampm {
	case 1:
		return one(h % 12)
	case 2:
		return one(h%12 + 12)
	}
	if h == 0 || h >= 12 {
		return one(h)
	}
	switch w.part {
	case pmPartMorning, pmPartFirstThing:
		return one(h)
	case pmPartAfternoon, pmPartEvening, pmPartTonight, pmPartLaterToday:
		return one(h + 12)
	}
	switch {
	case h <= 6:
		return one(h + 12)
	case h == 7:
		return [2]int{7, 19}, 2
	}
	return one(h)
}

// startsCount reports whether a count of time starts at k ("30 minutes", "an hour", "a few").
func (x *pmText) startsCount(k int) bool {
	if k < len(x.toks) && x.toks[k].num {
		return true
	}
	switch x.w(k) {
	case "a", "an", "few", "couple", "half", "the", "next", "about", "around":
		return true
	}
	return pmNumberWord(x.w(k)) > 0
}
