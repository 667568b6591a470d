package coach

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reply is the customer message an agent's message answers, as the rules need it.
type Reply struct {
	Upset           bool
	OutcomeQuestion bool
}

// Finding is a rule firing on one message.
type Finding struct {
	Rule  string
	Cue   string   // the words that made it fire, as written
	Items []string // chunk: the problems, one per entry
}

// Rule is one rule of the playbook: an id and a check. Its wording and phrase lists come
// from the playbook; the check is the small piece of logic that reads them.
type Rule interface {
	ID() string
	Check(in *Input) (Finding, bool)
}

// Input is one message as the rules see it.
type Input struct {
	Role     Role
	Analysis *Analysis
	ReplyTo  *Reply // nil when unknown

	plain string
	toks  []token
	sents []sentence
	text  *RuleText
}

// ruleFuncs maps each rule id to its check.
var ruleFuncs = map[string]func(in *Input) (Finding, bool){
	"pause":               checkPause,
	"chunk":               checkChunk,
	"no-blame":            checkNoBlame,
	"feelings-first":      checkFeelingsFirst,
	"overpromise":         checkOverpromise,
	"possible-first":      checkPossibleFirst,
	"outcome-not-process": checkOutcomeNotProcess,
	"concrete-time":       checkConcreteTime,
	"check-resolution":    checkCheckResolution,
}

// preamble reports a sentence that only opens a message: a greeting or thanks of a few words.
func preamble(toks []token) bool {
	if len(toks) == 0 || len(toks) > 8 {
		return false
	}
	switch toks[0].word {
	case "hi", "hello", "hey", "dear", "greetings", "thanks", "thank":
		return true
	case "good":
		return len(toks) > 1 && (toks[1].word == "morning" || toks[1].word == "afternoon" || toks[1].word == "evening")
	}
	return false
}

// kindFuncs are the checks a team's own rules may use.
var kindFuncs = map[string]func(in *Input) (Finding, bool){
	"agent-phrase":    checkAgentPhrase,
	"customer-phrase": checkCustomerPhrase,
}

// checkAgentPhrase fires on an agent's reply holding one of the rule's phrases.
func checkAgentPhrase(in *Input) (Finding, bool) {
	if !in.agent() {
		return Finding{}, false
	}
	m, ok := in.firstMatch("match", 0, len(in.toks))
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: m.span(in.plain, in.toks)}, true
}

// checkCustomerPhrase fires on a customer's message holding one of the rule's phrases.
func checkCustomerPhrase(in *Input) (Finding, bool) {
	if in.Role != RoleCustomer {
		return Finding{}, false
	}
	// A customer's words count even under a negation: "if this isn't fixed, my lawyer…".
	var found match
	ok := false
	in.text.set("match").find(in.toks, func(m match) {
		if !ok {
			found, ok = m, true
		}
	})
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: found.span(in.plain, in.toks)}, true
}

type rule struct {
	text  *RuleText
	check func(in *Input) (Finding, bool)
}

func (r rule) ID() string { return r.text.ID }

func (r rule) Check(in *Input) (Finding, bool) {
	in.text = r.text
	f, ok := r.check(in)
	f.Rule = r.text.ID
	return f, ok
}

// Rules returns the enabled rules that judge single messages, most important first.
// (follow-up and preemptive-ack are schedules, not checks of one message.)
func (c *Coach) Rules() []Rule {
	var out []Rule
	for i := range c.pb.Rules {
		r := &c.pb.Rules[i]
		fn := ruleFuncs[r.ID]
		if r.Kind != "" {
			fn = kindFuncs[r.Kind]
		}
		if fn != nil && !r.Disabled {
			out = append(out, rule{text: r, check: fn})
		}
	}
	slices.SortStableFunc(out, func(a, b Rule) int { return a.(rule).text.Priority - b.(rule).text.Priority })
	slices.Reverse(out)
	return out
}

// Review analyses a message and runs every rule on it: the customer-side rules on a
// customer's message, the agent-side ones (given the message it answers) on an agent's.
func (c *Coach) Review(m Message, replyTo *Reply) (Analysis, []Finding) {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	a, t := c.analyze(m, sc)
	in := &Input{Role: m.Role, Analysis: &a, ReplyTo: replyTo, plain: t.Plain, toks: sc.toks, sents: sc.sents}
	var out []Finding
	for _, r := range c.rules {
		if f, ok := r.Check(in); ok {
			out = append(out, f)
		}
	}
	return a, out
}

// Nudges returns the ids of the rules that fire on a message, given the text of the customer
// message it answers ("" when unknown), most important first.
func (c *Coach) Nudges(m Message, replyTo string) []string {
	var reply *Reply
	if replyTo != "" && m.Role == RoleAgent {
		ra := c.Analyze(Message{Text: replyTo, Role: RoleCustomer, Now: m.Now, Zone: m.Zone})
		reply = &Reply{Upset: ra.Upset, OutcomeQuestion: ra.OutcomeQuestion}
	}
	_, findings := c.Review(m, reply)
	ids := make([]string, len(findings))
	for i, f := range findings {
		ids[i] = f.Rule
	}
	return ids
}

// checkPause fires on an upset customer, when there is a cue to show the agent: a verdict of
// the tone model alone gives the nudge nothing to quote, and a nudge that cannot say why is
// one agents learn to ignore.
func checkPause(in *Input) (Finding, bool) {
	a := in.Analysis
	if in.Role == RoleAgent || !a.Upset || a.byModel {
		return Finding{}, false
	}
	f := Finding{}
	if len(a.Cues) > 0 {
		f.Cue = a.Cues[0]
	}
	return f, true
}

func checkChunk(in *Input) (Finding, bool) {
	a := in.Analysis
	if in.Role == RoleAgent || len(a.Issues) < 2 {
		return Finding{}, false
	}
	return Finding{Items: slices.Clone(a.Issues)}, true
}

// firstMatch returns the first occurrence of a rule's phrase list in tokens [first, end) that
// is not in the scope of a negation ("can't guarantee" is honest, not a guarantee).
func (in *Input) firstMatch(list string, first, end int) (match, bool) {
	var found match
	ok := false
	in.text.set(list).find(in.toks[first:end], func(m match) {
		if ok || in.toks[first+m.first].negated {
			return
		}
		m.first += first
		m.end += first
		found, ok = m, true
	})
	return found, ok
}

func (in *Input) agent() bool { return in.Role == RoleAgent && len(in.toks) > 0 }

func checkNoBlame(in *Input) (Finding, bool) {
	if !in.agent() {
		return Finding{}, false
	}
	m, ok := in.firstMatch("blame", 0, len(in.toks))
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: m.span(in.plain, in.toks)}, true
}

func checkOverpromise(in *Input) (Finding, bool) {
	if !in.agent() {
		return Finding{}, false
	}
	if m, ok := in.firstMatch("guarantee", 0, len(in.toks)); ok {
		return Finding{Cue: m.span(in.plain, in.toks)}, true
	}
	// "100% fixed": the tokenizer drops the percent sign, so look for it in the text.
	for _, form := range []string{"100%", "100 %", "100 percent"} {
		if i := strings.Index(in.plain, form); i >= 0 && !negatedAt(in.toks, i) {
			end := min(len(in.plain), i+len(form)+12)
			return Finding{Cue: strings.TrimSpace(in.plain[i:wordEnd(in.plain, end)])}, true
		}
	}
	return Finding{}, false
}

// negatedAt reports whether the token at byte offset i lies in a negation's scope.
func negatedAt(toks []token, i int) bool {
	for _, t := range toks {
		if t.start >= i {
			return t.negated
		}
	}
	return false
}

func wordEnd(s string, i int) int {
	for i < len(s) && s[i] != ' ' && s[i] != ',' && s[i] != '.' && s[i] != '!' {
		i++
	}
	return i
}

func checkPossibleFirst(in *Input) (Finding, bool) {
	if !in.agent() || len(in.sents) == 0 {
		return Finding{}, false
	}
	// The lead is the first sentence after a greeting or a thank-you ("Hello, …", "Thanks
	// for writing in."), which only open the message.
	lead := in.sents[0]
	for i := 0; i+1 < len(in.sents) && i < 2 && preamble(in.toks[lead.first:lead.end]); i++ {
		lead = in.sents[i+1]
	}
	m, ok := in.firstMatch("refusal", lead.first, lead.end)
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: m.span(in.plain, in.toks)}, true
}

func checkFeelingsFirst(in *Input) (Finding, bool) {
	if !in.agent() || in.ReplyTo == nil || !in.ReplyTo.Upset {
		return Finding{}, false
	}
	if _, ok := in.firstMatch("acknowledge", 0, len(in.toks)); ok {
		return Finding{}, false
	}
	return Finding{Cue: opening(in.plain, in.toks, 6)}, true
}

// opening quotes the first n words of a message.
func opening(plain string, toks []token, n int) string {
	if len(toks) == 0 {
		return ""
	}
	last := min(n, len(toks)) - 1
	s := plain[toks[0].start:toks[last].end]
	if last < len(toks)-1 {
		s += "\u2026"
	}
	return s
}

func checkOutcomeNotProcess(in *Input) (Finding, bool) {
	if !in.agent() || in.ReplyTo == nil || !in.ReplyTo.OutcomeQuestion {
		return Finding{}, false
	}
	m, ok := in.firstMatch("process", 0, len(in.toks))
	if !ok {
		return Finding{}, false
	}
	if _, estimate := in.firstMatch("estimate", 0, len(in.toks)); estimate {
		return Finding{}, false
	}
	if p := in.Analysis.Promise; p != nil && !p.Due.IsZero() {
		return Finding{}, false
	}
	return Finding{Cue: m.span(in.plain, in.toks)}, true
}

func checkConcreteTime(in *Input) (Finding, bool) {
	p := in.Analysis.Promise
	if !in.agent() || p == nil || !p.Due.IsZero() {
		return Finding{}, false
	}
	return Finding{Cue: p.Text}, true
}

func checkCheckResolution(in *Input) (Finding, bool) {
	if !in.agent() || in.ReplyTo == nil || !in.ReplyTo.Upset || strings.Contains(in.plain, "?") {
		return Finding{}, false
	}
	if _, asks := in.firstMatch("check", 0, len(in.toks)); asks {
		return Finding{}, false
	}
	var found match
	ok := false
	in.text.set("resolution").find(in.toks, func(m match) {
		if ok || in.toks[m.first].negated || future(in.toks, m.first) {
			return
		}
		found, ok = m, true
	})
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: found.span(in.plain, in.toks)}, true
}

// future reports a word announced rather than done: "will be fixed", "I'll reset", "to refund".
func future(toks []token, i int) bool {
	for k := max(0, i-3); k < i; k++ {
		switch toks[k].word {
		case "will", "i'll", "we'll", "to", "can", "could", "would", "should", "going", "gonna", "once", "when", "until":
			return true
		}
	}
	return false
}

// SuggestTime proposes a follow-up time an agent can keep, as words for a nudge: about two
// hours from now, on the hour, inside working hours (09:00–17:00, Monday to Friday) in the
// agent's zone; otherwise 11am on the next working day.
func SuggestTime(now time.Time, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	local, t := now.In(zone), SuggestAt(now, zone)
	switch {
	case t.YearDay() == local.YearDay() && t.Year() == local.Year():
		return clock(t) + " today"
	case t.Sub(local) < 36*time.Hour:
		return clock(t) + " tomorrow"
	}
	return clock(t) + " " + t.Weekday().String()
}

// clock writes a time the way people say it: "3pm", "11am", "12pm".
func clock(t time.Time) string {
	h := t.Hour()
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	if h > 12 {
		h -= 12
	}
	if h == 0 {
		h = 12
	}
	return strconv.Itoa(h) + suffix
}
