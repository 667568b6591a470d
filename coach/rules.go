package coach

import (
	"slices"
	"strconv"
	"time"

	"github.com/deescalate/deescalate/coach/internal/learn"
	"github.com/deescalate/deescalate/coach/internal/text"
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

	d      *text.Doc
	text   *RuleText
	feats  []learn.Feature // the agent features, built once per message
	models *Models
}

// ruleFuncs maps each rule id to its check.
var ruleFuncs = map[string]func(in *Input) (Finding, bool){
	"pause":               checkPause,
	"chunk":               checkChunk,
	"no-blame":            learnedCheck("no-blame"),
	"feelings-first":      learnedCheck("feelings-first"),
	"outcome-not-process": learnedCheck("outcome-not-process"),
	"check-resolution":    learnedCheck("check-resolution"),
	"overpromise":         checkOverpromise,
	"possible-first":      checkPossibleFirst,
	"concrete-time":       checkConcreteTime,
}

// kindFuncs are the checks a team's own rules may use.
var kindFuncs = map[string]func(in *Input) (Finding, bool){
	"agent-phrase":    checkAgentPhrase,
	"customer-phrase": checkCustomerPhrase,
}

// checkAgentPhrase fires on an agent's reply holding one of the rule's phrases, not negated.
func checkAgentPhrase(in *Input) (Finding, bool) {
	if !in.agent() {
		return Finding{}, false
	}
	m, ok := in.firstMatch("match", 0, len(in.d.Tokens))
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: in.d.Span(m.First, m.End)}, true
}

// checkCustomerPhrase fires on a customer's message holding one of the rule's phrases. A
// customer's words count even under a negation: "if this isn't fixed, my lawyer…".
func checkCustomerPhrase(in *Input) (Finding, bool) {
	if in.Role != RoleCustomer {
		return Finding{}, false
	}
	var found text.Match
	ok := false
	in.text.set("match").Find(in.d, 0, len(in.d.Tokens), func(m text.Match) {
		if !ok {
			found, ok = m, true
		}
	})
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: in.d.Span(found.First, found.End)}, true
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
	r := readings.Get().(*reading)
	defer readings.Put(r)
	a := c.analyze(m, r)
	in := &Input{Role: m.Role, Analysis: &a, ReplyTo: replyTo, d: r.d, models: c.models}
	if m.Role == RoleAgent {
		in.feats = agentFeatures(r.d, c.pb.lx, r.feats[:0])
	}
	var out []Finding
	for _, rl := range c.rules {
		if f, ok := rl.Check(in); ok {
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

// checkPause fires on an upset customer and quotes the strongest cue.
func checkPause(in *Input) (Finding, bool) {
	a := in.Analysis
	if in.Role == RoleAgent || !a.Upset || len(a.Cues) == 0 {
		return Finding{}, false
	}
	return Finding{Cue: a.Cues[0]}, true
}

func checkChunk(in *Input) (Finding, bool) {
	a := in.Analysis
	if in.Role == RoleAgent || len(a.Issues) < 2 {
		return Finding{}, false
	}
	return Finding{Items: slices.Clone(a.Issues)}, true
}

// learnedCheck is the check of an agent-side rule decided by its model: the rule may fire
// given the customer message answered (mayFire), and fires when the model's score passes its
// cut; it quotes the words that added most to the score, or the reply's opening.
func learnedCheck(id string) func(in *Input) (Finding, bool) {
	return func(in *Input) (Finding, bool) {
		if !in.agent() || in.ReplyTo == nil && id != "no-blame" || !mayFire(id, in.ReplyTo) {
			return Finding{}, false
		}
		// A phrase listed as blame is blame, however the reply goes on ("I'm sorry. As I
		// already said, …"): the list decides; the model reads the blame no list has.
		if id == "no-blame" {
			if m, ok := in.firstMatch("blame", 0, len(in.d.Tokens)); ok {
				return Finding{Cue: in.d.Span(m.First, m.End)}, true
			}
		}
		m := in.models.Agent[id]
		if m == nil || !m.Yes(m.Score(in.feats)) {
			return Finding{}, false
		}
		cue := ""
		if qs := cues(in.d, m.Explain(in.feats), 1); len(qs) > 0 {
			cue = qs[0]
		}
		if cue == "" || id == "feelings-first" {
			// Feelings-first is about what the reply leads with: quote its opening.
			cue = opening(in.d, 6)
		}
		return Finding{Cue: cue}, true
	}
}

// firstMatch returns the first occurrence of a rule's phrase list in tokens [first, end) that
// is not in the scope of a negation ("can't guarantee" is honest, not a guarantee).
func (in *Input) firstMatch(list string, first, end int) (text.Match, bool) {
	var found text.Match
	ok := false
	in.text.set(list).Find(in.d, first, end, func(m text.Match) {
		if ok || in.d.Tokens[m.First].Neg {
			return
		}
		found, ok = m, true
	})
	return found, ok
}

func (in *Input) agent() bool { return in.Role == RoleAgent && len(in.d.Tokens) > 0 }

func checkOverpromise(in *Input) (Finding, bool) {
	if !in.agent() {
		return Finding{}, false
	}
	if m, ok := in.firstMatch("guarantee", 0, len(in.d.Tokens)); ok {
		return Finding{Cue: in.d.Span(m.First, m.End)}, true
	}
	// "100% fixed", "100 % sure": a number the tokenizer keeps apart from its sign.
	d := in.d
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if t.Norm != "100" || t.Neg || i+1 >= len(d.Tokens) {
			continue
		}
		if n := d.Tokens[i+1].Norm; n == "%" || n == "percent" {
			end := min(len(d.Tokens), i+3)
			if end > i+2 && !d.Tokens[i+2].IsWord() {
				end = i + 2
			}
			return Finding{Cue: d.Span(i, end)}, true
		}
	}
	return Finding{}, false
}

func checkPossibleFirst(in *Input) (Finding, bool) {
	if !in.agent() {
		return Finding{}, false
	}
	ld := lead(in.d, words())
	if ld < 0 {
		return Finding{}, false
	}
	s := in.d.Sents[ld]
	m, ok := in.firstMatch("refusal", s.First, s.End)
	if !ok {
		return Finding{}, false
	}
	return Finding{Cue: in.d.Span(m.First, m.End)}, true
}

// opening quotes the first n words of a message.
func opening(d *text.Doc, n int) string {
	first := firstWord(d, 0, len(d.Tokens))
	if first < 0 {
		return ""
	}
	end, words := first, 0
	for end < len(d.Tokens) && words < n {
		if d.Tokens[end].IsWord() {
			words++
		}
		end++
	}
	s := d.Span(first, end)
	if end < len(d.Tokens) {
		s += "\u2026"
	}
	return s
}

func checkConcreteTime(in *Input) (Finding, bool) {
	p := in.Analysis.Promise
	if !in.agent() || p == nil || !p.Due.IsZero() {
		return Finding{}, false
	}
	return Finding{Cue: p.Text}, true
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
