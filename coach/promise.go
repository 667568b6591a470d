package coach

import (
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach/internal/text"
	"github.com/deescalate/deescalate/coach/internal/when"
)

// Commitment is an agent's commitment to get back to the customer, as read in a message.
// (The promise the ledger then keeps, with its state and reminders, is Promise.)
type Commitment struct {
	Text string    // the words of the commitment as written, trimmed, e.g. "I'll update you by 3pm tomorrow" (at most ~120 chars)
	When string    // the time expression as written (markup aside), e.g. "by 3pm tomorrow"; "" when the promise names no time
	Due  time.Time // the latest moment the promise is still kept, in the author's zone; zero when vague
}

// maxPromiseText bounds Commitment.Text in bytes.
const maxPromiseText = 120

// Every look-ahead is bounded so the work per token is constant: a 40,000-character message
// costs no more than 200 messages of 200 characters.
const (
	verbWindow = 16 // tokens after a subject in which its verb must start
	timeWindow = 40 // tokens after a verb searched for its time
)

// FindPromise finds the agent's commitment to follow up in a message's plain text, resolving
// its time against now in zone. ok is false when the message makes no such commitment.
func FindPromise(plain string, now time.Time, zone *time.Location) (p Commitment, ok bool) {
	return findPromise(text.Parse(plain), now, zone)
}

// findPromise finds the commitment in a message already read by the text pipeline.
//
// A commitment is the author's own future ("I'll", "we will", "I'm going to", "let me", a
// chat-style "will" with no subject, "our team will") followed closely by a verb of coming
// back to the customer ("get back to you", "update you", "follow up", "send you the date",
// "keep you posted"), or one phrase that is both ("you'll hear from me", "expect an update").
// It is not a question, not negated, not about a colleague or a thing ("follow up with the
// team", "get back to it"), and not in a note to the team. Its time is looked for in the rest
// of its sentence, then just before it ("Tomorrow morning I'll call you"); a time inside a
// "once …"/"when …" clause, or an estimate right after one ("once the patch is live, should be
// Thursday"), dates the promise only when it has no time of its own. When several commitments
// are made, the first with a time wins, else the first.
func findPromise(d *text.Doc, now time.Time, zone *time.Location) (Commitment, bool) {
	if zone == nil {
		zone = time.UTC
	}
	f := finder{d: d, w: promiseWords}
	if f.teamNote() {
		return Commitment{}, false
	}
	var vague Commitment
	found := false
	for i := 0; i < len(d.Tokens); i++ {
		c, ok := f.commitmentAt(i)
		if !ok {
			continue
		}
		e, own, ok := f.timeIn(c.verb+1, d.Sents[d.Tokens[i].Sent].End)
		from, to := c.first, c.end
		switch {
		case ok && own:
		case f.timeBefore(c.first, &e):
			from = e.First
		case c.next < c.verb && f.timeBetween(c.next, c.verb, &e):
			// "I'll look into it today and update you": the first verb's time carries over
		case ok: // the event's time
		default:
			e = when.Expr{}
		}
		if e.End > 0 {
			if due := e.Due(now, zone); !due.IsZero() {
				return Commitment{Text: f.promiseText(from, max(to, e.End)), When: d.Span(e.First, e.End), Due: due}, true
			}
		}
		if !found {
			vague, found = Commitment{Text: f.promiseText(c.first, c.end)}, true
		}
		i = c.end - 1
	}
	return vague, found
}

// ResolveTime resolves the first time expression in text ("by 3pm", "tomorrow morning", "in 2
// hours", "EOD Friday", "within the hour", "by 9am Eastern tomorrow") against now in zone. It
// returns the expression as written and the due time.
func ResolveTime(s string, now time.Time, zone *time.Location) (expr string, due time.Time, ok bool) {
	if zone == nil {
		zone = time.UTC
	}
	d := text.Parse(s)
	for _, sent := range d.Sents {
		for i := sent.First; i < sent.End; i++ {
			if e, ok := when.At(d, i, sent.End); ok {
				if due := e.Due(now, zone); !due.IsZero() {
					return d.Span(e.First, e.End), due, true
				}
			}
		}
	}
	return "", time.Time{}, false
}

// commitment is where a promise was found: its first token, where its subject ends (next),
// where its verb starts and ends.
type commitment struct {
	first, next, verb, end int
}

type finder struct {
	d *text.Doc
	w *promiseVocabulary
}

func (f *finder) norm(i int) string { return f.d.Norm(i) }

func (f *finder) sentEnd(i int) int { return f.d.Sents[f.d.Tokens[i].Sent].End }

// commitmentAt reports a commitment whose subject starts at token i.
func (f *finder) commitmentAt(i int) (commitment, bool) {
	if !f.w.cueStarts[f.norm(i)] {
		return commitment{}, false
	}
	end := f.sentEnd(i)
	if e, ok := f.w.whole.match(f, i, end); ok {
		if f.norm(e) == "from" && f.colleague(e+1) {
			return commitment{}, false // "you'll get an email from the courier"
		}
		return f.check(commitment{first: i, next: i, verb: i, end: e})
	}
	letMe := false
	next := -1
	strict := false
	if e, ok := f.w.letMe.match(f, i, end); ok && f.norm(e) != "know" {
		letMe, next = true, e
	} else if e, ok := f.w.subjects.match(f, i, end); ok {
		next = e
	} else if e, ok := f.w.strictSubjects.match(f, i, end); ok {
		next, strict = e, true
	} else if f.norm(i) == "will" && f.bareWill(i) {
		next = i + 1
	}
	if next < 0 || next < len(f.d.Tokens) && f.d.Tokens[next].Negator {
		return commitment{}, false
	}
	// the verb: right after the subject (adverbs aside), or after "and" or a "to" of intent
	// ("I'll dig in and get back to you", "I'll make sure to call you")
	for k := next; k < min(end, next+verbWindow); k++ {
		s := f.norm(k)
		if f.w.hardCuts[s] || k > next && f.w.newSubjects[s] {
			break
		}
		if k > next && !f.verbPosition(next, k) {
			if strict {
				break
			}
			continue
		}
		if e, ok := f.verbAt(k, end, letMe); ok {
			return f.check(commitment{first: i, next: next, verb: k, end: e})
		}
		if strict {
			break
		}
	}
	return commitment{}, false
}

// check rejects a commitment that is negated ("I'll not be able to call you") or asked ("I'll
// call you tomorrow if you like?"; a tag after a comma, "…, ok?", still promises).
func (f *finder) check(c commitment) (commitment, bool) {
	if f.d.Tokens[c.verb].Neg {
		return c, false
	}
	s := f.d.Sents[f.d.Tokens[c.verb].Sent]
	if s.Question {
		for k := c.end; k < s.End; k++ {
			if n := f.norm(k); n == "," || n == "-" || n == "(" {
				return c, true
			}
		}
		return c, false
	}
	return c, true
}

func (f *finder) verbPosition(next, k int) bool {
	p := k - 1
	for p >= next && f.w.adverbs[f.norm(p)] {
		p--
	}
	if p < next || f.w.coordinators[f.norm(p)] {
		return true
	}
	return f.norm(p) == "to" && f.w.intent[f.norm(p-1)]
}

// verbAt matches a verb of coming back to the customer at k and returns where it ends. After
// "let me" only verbs that look ahead count ("let me check and circle back"): "let me send you
// the link" or "let me confirm" act now.
func (f *finder) verbAt(k, end int, letMe bool) (int, bool) {
	if _, ok := f.w.notFollowUps.match(f, k, end); ok {
		return 0, false
	}
	e, ok := f.w.later.match(f, k, end)
	if !ok && !letMe {
		e, ok = f.w.contact.match(f, k, end)
	}
	if !ok || f.thirdParty(e) {
		return 0, false
	}
	return e, true
}

// thirdParty reports whether the verb phrase ending at e goes to a colleague or a thing
// ("follow up with the team", "get back to it", "send it over to engineering").
func (f *finder) thirdParty(e int) bool {
	p := e
	switch f.norm(p) {
	case "it", "this", "that", "them", "these", "those":
		p++
	}
	switch f.norm(p) {
	case "over", "across", "back":
		p++
	}
	if s := f.norm(p); s != "with" && s != "to" {
		return false
	}
	return f.colleague(p + 1)
}

// colleague reports a colleague, a third party or a thing named at p ("the team", "@ana", "it").
func (f *finder) colleague(p int) bool {
	switch f.norm(p) {
	case "the", "our", "my", "a", "your":
		p++
	}
	return p < len(f.d.Tokens) && (f.w.thirdParties[f.norm(p)] || f.d.Tokens[p].Kind == text.Name)
}

// object reports whether what is sent from k is news for the customer: not goods, money or
// people ("send a replacement", "send you a refund", "send a technician out"), which are the
// fix itself, and not for a colleague ("send the logs to engineering").
func (f *finder) object(k, end int) bool {
	head := ""
	for p := k; p < min(end, k+8); p++ {
		t := &f.d.Tokens[p]
		s := t.Norm
		if !t.IsWord() || f.w.verbEnds[s] || f.w.objectStops[s] || f.startsTime(p, end) {
			if s == "over" || s == "across" || s == "back" {
				p++
				s = f.norm(p)
			}
			if s == "to" || s == "with" {
				return !f.w.goods[head] && !f.colleague(p+1)
			}
			break
		}
		if !f.w.particles[s] {
			head = s
		}
	}
	return !f.w.goods[head]
}

func (f *finder) startsTime(k, end int) bool {
	_, ok := when.At(f.d, k, end)
	return ok
}

// noObject reports that a verb has no object at k: its clause ends, or a time or an event
// starts ("I'll call tomorrow", "will ping once it's live").
func (f *finder) noObject(k, end int) bool {
	return k >= end || f.d.Tokens[k].Kind == text.Punct || f.w.verbEnds[f.norm(k)] || f.startsTime(k, end)
}

// bareWill reports whether "will" at i is chat-style first person ("will ping you in 45 mins",
// "I've passed it on and will keep you posted") rather than someone else's future ("the team
// will", "it will") or a question ("will you …?").
func (f *finder) bareWill(i int) bool {
	if f.w.willNot[f.norm(i+1)] {
		return false
	}
	first := f.d.Sents[f.d.Tokens[i].Sent].First
	prev := f.norm(i - 1)
	if i == first || prev == "-" && i-1 == first {
		return true
	}
	if !f.w.coordinators[prev] && prev != "but" && prev != "so" && prev != "-" {
		return false
	}
scan:
	for p := i - 1; p >= max(first, i-30); p-- {
		s := f.norm(p)
		switch {
		case s == ":":
			first = p + 1 // "Quick update: still on it, will …" opens after the colon
			break scan
		case f.w.firstPerson[s]:
			return true
		case f.w.thirdPerson[s]:
			return false
		case s == "is" || s == "are" || s == "was" || s == "were" || s == "has" || s == "have":
			// whose verb? "we are looking into it and will …" is ours; "Engineering is on it and will …" is not
			return f.w.firstPerson[f.norm(p-1)]
		}
	}
	// a sentence with no subject is the author's own chat ("now pulling the logs, will ping you"),
	// unless it names someone else
	s := f.norm(first)
	return strings.HasSuffix(s, "ing") || strings.HasSuffix(s, "ed") || f.w.chatOpeners[s]
}

// timeIn looks for the promise's time in tokens [e, end), up to where another clause starts
// ("…, it should arrive in 3 days"). own is false when the time is an event's the promise
// waits for: "once it ships tomorrow", "once the patch is live, should be Thursday"; a
// condition's time ("if it happens again tomorrow") is no one's deadline.
func (f *finder) timeIn(e, end int) (x when.Expr, own, ok bool) {
	var event when.Expr
	end = min(end, e+timeWindow)
	for p := e; p < end; p++ {
		s := f.norm(p)
		if f.w.hardCuts[s] || p > e && f.w.timeStops[s] {
			break
		}
		if x, ok := when.At(f.d, p, end); ok {
			return x, true, true
		}
		ev, isEvent := f.w.events.match(f, p, end)
		if _, isCond := f.w.conditions.match(f, p, end); !isEvent && !isCond {
			continue
		}
		// the clause of the event or condition runs to the next comma
		q := p + 1
		for q < end && f.norm(q) != "," {
			q++
		}
		if isEvent && event.End == 0 {
			if x, ok := when.Find(f.d, ev, q); ok {
				event = x
			} else if est, ok := f.w.estimates.match(f, q+1, end); ok {
				if x, ok := when.At(f.d, est, end); ok {
					event = x
				}
			}
		}
		p = q
	}
	return event, false, event.End > 0
}

// timeBetween finds a time between the subject and a later verb.
func (f *finder) timeBetween(from, to int, x *when.Expr) bool {
	e, own, ok := f.timeIn(from, to)
	if ok && own {
		*x = e
	}
	return ok && own
}

// timeBefore accepts a time that opens the clause and ends right before the subject at c:
// "Tomorrow morning I'll call you", "By 3pm, we'll have …", "Give me 30 minutes and I'll …",
// or one that ends the author's own commitment ("I'll have it fixed by Friday and I'll let you
// know"), but not one that ends someone else's clause ("live around 2pm, and I'll let you know").
func (f *finder) timeBefore(c int, x *when.Expr) bool {
	first := f.d.Sents[f.d.Tokens[c].Sent].First
	for p := max(first, c-10); p < c; p++ {
		e, ok := when.At(f.d, p, c)
		if !ok {
			continue
		}
		gap := f.norm(e.End)
		switch {
		case e.End == c:
		case !f.opensClause(first, p) && !f.ownClause(p):
			continue
		case e.End == c-1 && (gap == "," || gap == "and"), e.End == c-2 && gap == "," && f.norm(c-1) == "and":
		default:
			continue
		}
		*x = e
		return true
	}
	return false
}

// opensClause reports whether token p opens a clause: the sentence's first word after a
// greeting or "please", or the first after a comma.
func (f *finder) opensClause(first, p int) bool {
	if f.norm(p-1) == "," {
		return true
	}
	for k := first; k < p; k++ {
		if !f.w.chatOpeners[f.norm(k)] {
			return false
		}
	}
	return true
}

// ownClause reports whether the clause holding token p opens with the author's own future
// ("I'll have it fixed by Friday").
func (f *finder) ownClause(p int) bool {
	cl := f.d.Clauses[f.d.Tokens[p].Clause]
	_, ok := f.w.subjects.match(f, cl.First, p)
	return ok
}

// teamNote reports a message addressed to colleagues ("note for the team: …", "internal: …"),
// whose "I'll" is not a promise to the customer.
func (f *finder) teamNote() bool {
	if len(f.d.Tokens) == 0 {
		return false
	}
	if _, ok := f.w.teamNotes.match(f, 0, f.sentEnd(0)); ok {
		return true
	}
	next := f.norm(1)
	return f.w.teamLabels[f.norm(0)] && (next == ":" || next == "-")
}

// promiseText is the commitment as written: from its first token to the end of its sentence,
// or to the end of its time (minEnd) when that is further; at most maxPromiseText bytes.
func (f *finder) promiseText(from, minEnd int) string {
	d := f.d
	start := d.Tokens[from].Start
	end := max(f.sentEnd(from), minEnd)
	last := from + 1
	for last < end && d.Tokens[last].End-start <= maxPromiseText {
		last++
	}
	if last < minEnd && d.Tokens[minEnd-1].End-start <= maxPromiseText {
		last = minEnd
	}
	for last > max(from+1, minEnd) && d.Tokens[last-1].Kind == text.Punct {
		last--
	}
	t := strings.TrimRight(d.Plain[start:d.Tokens[last-1].End], " ,;:-")
	if t == "" {
		t = d.Tokens[from].Text
	}
	return t
}
