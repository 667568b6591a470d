package coach

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/deescalate/deescalate/coach/internal/text"
)

// Tone is the register of a draft.
type Tone string

// The tones a draft can take.
const (
	ToneWarm    Tone = "warm"
	ToneConcise Tone = "concise"
	ToneFormal  Tone = "formal"
)

// Tones lists every tone, the default first.
var Tones = []Tone{ToneWarm, ToneConcise, ToneFormal}

// ParseTone reads a tone by name; "" is warm.
func ParseTone(s string) (Tone, error) {
	switch t := Tone(strings.ToLower(strings.TrimSpace(s))); t {
	case "":
		return ToneWarm, nil
	case ToneWarm, ToneConcise, ToneFormal:
		return t, nil
	}
	return "", fmt.Errorf("unknown tone %q (want warm, concise or formal)", s)
}

// EstimateSlot marks where the agent writes their estimate. A draft that still holds it is not
// ready to post.
const EstimateSlot = "[your estimate]"

// DraftRequest is what a draft is written from.
type DraftRequest struct {
	Text         string         // the customer's message, as Slack delivers it
	Customer     string         // the customer's name, "" when unknown
	Agent        string         // the agent's name, for the formal sign-off; "" for none
	Zone         *time.Location // the agent's zone: the follow-up falls in their working hours
	CustomerZone *time.Location // the customer's zone, for how the time is written; nil = Zone
	Now          time.Time
	Tone         Tone
	Thread       *Thread // what the bot remembers of the conversation; nil when nothing
}

// DraftKind is what a customer's message calls for.
type DraftKind string

// The kinds of message a draft answers.
const (
	// KindThanks: thanks or praise, nothing to work on. A short warm reply: no apology, no plan,
	// no follow-up time, no question back.
	KindThanks DraftKind = "thanks"
	// KindQuestion: calm questions and nothing broken. An answer slot per question.
	KindQuestion DraftKind = "question"
	// KindProblem: a calm problem or request. Thanks, the problems mirrored, what we can do, a
	// follow-up time, a check question; no apology.
	KindProblem DraftKind = "problem"
	// KindUpset: an upset customer. Their feeling named first, then the same path.
	KindUpset DraftKind = "upset"
)

// Draft is a reply an agent can edit and send.
type Draft struct {
	Text string
	Tone Tone
	Kind DraftKind
	// FollowUp is the moment the draft promises the next update; zero when it promises none
	// (thanks, or questions the agent answers on the spot).
	FollowUp time.Time
	// Slots are what the agent must write before the draft can go: EstimateSlot when they asked
	// "when?", AnswerSlot per question asked. The modal will not post a draft that holds one.
	Slots    []string
	Estimate bool // the draft holds EstimateSlot
	// Problems is how many problems the draft says back, one line each; Unsaid how many it
	// leaves out: a feeling with no problem in it ("never have I been this disappointed"),
	// which the opening already names, or words that, turned around, would earn the agent a
	// tip or claim something, with no theme to name them by.
	Problems, Unsaid int
}

// Draft writes a reply that fits the customer's message. An upset customer hears their
// feeling named first; every problem the analysis found is said back, one line each, in the
// customer's own words turned around ("my invoice" → "your invoice"); what we can do follows
// in partner words, matched to the themes raised; "when?" gets an estimate slot and a direct
// question an answer slot; a follow-up time the agent can keep; a check question. Thanks get a
// short warm reply and nothing else. The draft commits the agent only to what posting it
// commits them to: it asserts nothing they are doing or have done (see Claims), and passes
// every agent-side rule. The same request always gives the same draft; different messages get
// differently worded ones.
func (c *Coach) Draft(r DraftRequest) Draft {
	if r.Zone == nil {
		r.Zone = time.UTC
	}
	if r.CustomerZone == nil {
		r.CustomerZone = r.Zone
	}
	if r.Tone == "" {
		r.Tone = ToneWarm
	}
	a := c.Analyze(Message{Text: r.Text, Role: RoleCustomer, Now: r.Now, Zone: r.CustomerZone})
	p := c.plan(r, a)
	reply := &Reply{Upset: p.upset, OutcomeQuestion: a.OutcomeQuestion}
	// Mirroring says the customer's words back; a problem whose words would earn the agent a
	// tip once turned around ("because I logged in" → "because you logged in"), or would
	// concede what the agent has not checked ("you've charged me twice" → "we've charged you
	// twice"), is named by its theme instead, or left unsaid when it has none.
	usable := func(text string) bool { return c.usable(text, reply, r) }
	d := p.compose(r, a, nil)
	if usable(d.Text) {
		return d
	}
	unsafe := make([]bool, len(a.Issues))
	for i, is := range a.Issues {
		if m := turn(is, p.acronyms); m != "" && !c.usable(m, nil, r) {
			unsafe[i] = true
		}
	}
	d = p.compose(r, a, unsafe)
	if usable(d.Text) {
		return d
	}
	all := make([]bool, len(a.Issues))
	for i := range all {
		all[i] = true
	}
	return p.compose(r, a, all)
}

// usable reports words a draft can say: no agent-side rule's nudge, no claim.
func (c *Coach) usable(text string, reply *Reply, r DraftRequest) bool {
	return len(c.DraftFindings(text, reply, r.Now, r.Zone)) == 0 && len(Claims(text)) == 0
}

// DraftFindings runs the agent-side rules on a reply to a customer message as the bot would
// once it is posted; a usable draft has none.
func (c *Coach) DraftFindings(text string, replyTo *Reply, now time.Time, zone *time.Location) []Finding {
	_, findings := c.Review(Message{Text: text, Role: RoleAgent, Now: now, Zone: zone}, replyTo)
	return findings
}

// draftPlan is what a draft will say, decided from the analysis before any wording.
type draftPlan struct {
	kind      DraftKind
	upset     bool
	praised   bool // thanks or praise beside the problems
	repeated  bool // the customer has had to come back
	leaving   bool // talking of cancelling
	shouting  bool // capitals, "!!": no cheery greeting
	followUp  bool
	check     bool
	questions []question // direct questions, each with the slot that answers it
	feeling   []bool     // per issue: a feeling alone, no problem in it
	offer     string     // the theme the offer speaks to; "" for none in particular
	acronyms  map[string]bool
}

// question is a direct question of the customer's, as the draft asks it back.
type question struct {
	text    string // the question, turned around ("whether you can pay by invoice")
	outcome bool   // "when?", "how long?": the estimate answers it
	issue   int    // the issue it is, or -1
	// unsafe: asked back, it would earn the agent a nudge or claim something ("Did you even
	// read it?", "what are you doing?" → "what we are doing"): a question in form only, said
	// back as a problem or not at all.
	unsafe bool
}

func (c *Coach) plan(r DraftRequest, a Analysis) draftPlan {
	d := text.Parse(r.Text)
	p := draftPlan{upset: a.Upset || threadUpset(r.Thread), praised: a.Praise, leaving: slices.Contains(a.Themes, "cancellation"), acronyms: c.pb.lx.acronyms}
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if t.Caps && len(t.Norm) >= 3 && !c.pb.lx.acronyms[t.Norm] || t.Kind == text.Punct && len(t.Norm) >= 2 && (t.Norm[0] == '!' || t.Norm[0] == '?') && p.upset {
			p.shouting = true
		}
	}
	p.repeated = p.upset && repeated(a, r.Thread)
	p.questions = c.questions(d, a)
	lx := c.pb.lx
	p.feeling = make([]bool, len(a.Issues))
	for i, is := range a.Issues {
		id := text.Parse(is)
		n := len(id.Tokens)
		p.feeling[i] = lx.cues.Has(id, 0, n) && !strings.HasSuffix(is, "?") && !lx.signal("problem").Has(id, 0, n) &&
			!lx.signal("ask").Has(id, 0, n) && !lx.themes.Has(id, 0, n)
	}
	// A phrase is checked on its own, as if it answered nothing: the rules about answering an
	// upset customer judge the whole draft, not one line of it.
	asking := 0
	for i := range p.questions {
		q := &p.questions[i]
		m := askedBack(turn(questionPart(q.text), p.acronyms))
		if m == "" {
			m = quoted(questionPart(q.text), p.acronyms)
		}
		if q.unsafe = !c.usable(m, nil, r); !q.unsafe {
			asking++
		}
	}
	// A problem is an issue that is not a question and names something wrong or asks for
	// something: "the dashboard loads instantly now" beside thanks is none.
	problems := 0
	for i, is := range a.Issues {
		if slices.ContainsFunc(p.questions, func(q question) bool { return q.issue == i && !q.unsafe }) {
			continue
		}
		id := text.Parse(is)
		if !a.Praise || lx.signal("problem").Has(id, 0, len(id.Tokens)) || lx.signal("ask").Has(id, 0, len(id.Tokens)) {
			problems++
		}
	}
	switch {
	case p.upset:
		p.kind = KindUpset
	case problems > 0:
		p.kind = KindProblem
	case asking > 0 || a.OutcomeQuestion:
		p.kind = KindQuestion
	case a.Praise:
		p.kind = KindThanks
	default:
		p.kind = KindProblem
	}
	p.followUp = p.kind == KindUpset || p.kind == KindProblem || a.OutcomeQuestion
	p.check = p.kind != KindThanks
	if p.kind == KindUpset || p.kind == KindProblem {
		p.offer = offerFor(a.Themes)
	}
	return p
}

// questions lists the customer's direct questions: each issue that is a question, and each
// question sentence no issue holds ("Who do I talk to?").
func (c *Coach) questions(d *text.Doc, a Analysis) []question {
	outcome := c.pb.lx.signal("outcome")
	var out []question
	for i, is := range a.Issues {
		if !strings.HasSuffix(is, "?") {
			continue
		}
		q := question{text: is, issue: i}
		id := text.Parse(is)
		q.outcome = a.OutcomeQuestion && outcome.Has(id, 0, len(id.Tokens))
		out = append(out, q)
	}
	for _, s := range d.Sents {
		if !s.Question {
			continue
		}
		sq := d.Phrase(s.First, s.End)
		if sq == "" || slices.ContainsFunc(a.Issues, func(is string) bool {
			return strings.Contains(is, strings.TrimRight(sq, "?!")) || strings.Contains(sq, strings.TrimRight(is, "?!"))
		}) {
			continue
		}
		q := question{text: sq, issue: -1, outcome: a.OutcomeQuestion && outcome.Has(d, s.First, s.End)}
		out = append(out, q)
	}
	return out
}

// compose writes the draft; the problems marked unsafe are named by theme rather than said
// back in the customer's words.
func (p draftPlan) compose(r DraftRequest, a Analysis, unsafe []bool) Draft {
	bank := draftBanks[r.Tone]
	seed := fnv.New64a()
	seed.Write([]byte(r.Text))
	seed.Write([]byte(r.Tone))
	h := seed.Sum64()
	pick := func(slot int, options []string) string {
		return options[(h>>(slot*5))%uint64(len(options))]
	}
	d := Draft{Tone: r.Tone, Kind: p.kind}

	// The greeting follows the customer's register: no "Hi Sam!" to someone shouting.
	greet := bank.greetAnon
	name := FirstName(r.Customer)
	switch {
	case name != "" && (p.upset || p.shouting):
		greet = bank.greetPlain
	case name != "":
		greet = bank.greet
	}
	parts := []string{strings.ReplaceAll(pick(0, greet), "{name}", name)}

	// 1. The opening: the feeling named (upset only), thanks otherwise.
	var opening []string
	switch {
	case p.kind == KindThanks:
		opening = bank.thanked
	case p.repeated:
		opening = bank.repeated
	case p.upset && p.leaving:
		opening = bank.leaving
	case p.upset:
		opening = bank.upset
	case p.praised:
		opening = bank.kind
	case p.kind == KindQuestion:
		opening = bank.asked
	case r.Thread != nil && len(r.Thread.Messages) > 1:
		opening = bank.followed
	default:
		opening = bank.reported
	}
	line := pick(1, opening)
	if t := r.Thread; t != nil && t.Promise.Open() && r.Now.After(t.Promise.Due) && p.kind != KindThanks {
		line += " " + pick(2, bank.late)
	}
	parts[0] += " " + afterComma(parts[0], line)
	if p.kind == KindThanks {
		d.Text = finish(r, bank, pick, parts)
		return d
	}

	// 2. The problems said back, one line each, and each direct question with its slot.
	items, asked, unsaid := p.mirror(a, unsafe)
	d.Problems, d.Unsaid = len(items)+len(asked), unsaid
	switch {
	case len(items) >= 2:
		lines := []string{pick(3, bank.manyIntro)}
		for _, it := range items {
			lines = append(lines, "• "+it)
		}
		parts = append(parts, strings.Join(lines, "\n"))
	case len(items) == 1:
		parts = append(parts, strings.ReplaceAll(pick(3, bank.oneIntro), "{item}", items[0]))
	}
	if len(items) < 2 {
		for _, q := range asked {
			parts = append(parts, strings.ReplaceAll(pick(4, bank.answer), "{question}", q))
		}
	}

	// 3. What we can do, in partner words, for the themes raised.
	if p.kind != KindQuestion {
		parts = append(parts, pick(5, bank.offer[p.offer]))
	}
	if a.OutcomeQuestion {
		parts = append(parts, pick(6, bank.estimate))
	}

	// 4. A follow-up time they can hold the agent to, written for the customer.
	if p.followUp {
		d.FollowUp = followUpAt(r)
		other := r.CustomerZone.String() != r.Zone.String()
		parts = append(parts, strings.ReplaceAll(pick(7, bank.followUp), "{time}", When(d.FollowUp, r.Now, r.CustomerZone, other)))
	}

	// 5. A check question.
	switch {
	case p.kind == KindQuestion:
		parts = append(parts, pick(8, bank.checkAnswer))
	case p.check:
		parts = append(parts, pick(8, bank.check))
	}
	d.Text = finish(r, bank, pick, parts)
	d.Slots = Slots(d.Text)
	d.Estimate = slices.Contains(d.Slots, EstimateSlot)
	return d
}

// finish joins the parts in the tone's way, and signs a formal draft.
func finish(r DraftRequest, bank draftBank, pick func(int, []string) string, parts []string) string {
	text := strings.Join(parts, "\n\n")
	if r.Tone == ToneConcise {
		// One paragraph, but a list keeps its lines and ends its own.
		var b strings.Builder
		for i, p := range parts {
			if i > 0 {
				if strings.Contains(parts[i-1], "\n•") {
					b.WriteString("\n")
				} else {
					b.WriteString(" ")
				}
			}
			b.WriteString(p)
		}
		text = b.String()
	}
	if r.Tone == ToneFormal && strings.TrimSpace(r.Agent) != "" {
		text += "\n\n" + pick(9, bank.signoff) + "\n" + FirstName(r.Agent)
	}
	return text
}

// mirror returns the problems as the agent says them back, one per line, with each question
// among them asked back with its slot, the questions to answer apart from them, and how many
// problems it could not say. A problem marked unsafe is named by a theme of its own not yet
// named; a question by the customer's own words.
func (p draftPlan) mirror(a Analysis, unsafe []bool) (items, asked []string, unsaid int) {
	apart := 0 // questions no issue holds add a line each
	for _, q := range p.questions {
		if q.issue < 0 && !q.unsafe {
			apart++
		}
	}
	several := len(a.Issues)+apart >= 2
	slot := func(q question) string {
		if q.outcome {
			return "" // the estimate line answers it
		}
		return ": " + AnswerSlot
	}
	named := map[string]bool{}
	label := func(is string) string {
		for _, th := range themesOf(a, is) {
			if l, ok := themeLabels[th]; ok && !named[l] {
				named[l] = true
				return l
			}
		}
		return ""
	}
	for i, is := range a.Issues {
		if p.feeling[i] {
			unsaid++ // the opening names it
			continue
		}
		qi := slices.IndexFunc(p.questions, func(q question) bool { return q.issue == i && !q.unsafe })
		var m string
		switch {
		case qi >= 0:
			m = askedBack(turn(questionPart(is), p.acronyms))
			if m == "" || unsafe != nil && unsafe[i] {
				m = quoted(questionPart(is), p.acronyms)
			}
			if several {
				m += slot(p.questions[qi])
			}
		case unsafe != nil && unsafe[i] || slices.ContainsFunc(p.questions, func(q question) bool { return q.issue == i }):
			// Unsafe words, or a question in form only ("Did you even read it?"): by theme.
			m = label(is)
		default:
			m = turn(is, p.acronyms)
			if m == "" {
				m = label(is)
			}
		}
		if m == "" {
			unsaid++
			continue
		}
		items = append(items, m)
	}
	for _, q := range p.questions {
		if q.issue >= 0 || q.unsafe {
			continue
		}
		m := askedBack(turn(questionPart(q.text), p.acronyms))
		if m == "" {
			m = quoted(questionPart(q.text), p.acronyms)
		}
		if several {
			items = append(items, m+slot(q))
		} else if !q.outcome {
			asked = append(asked, m)
		}
	}
	if len(items) == 1 && !several && len(p.questions) > 0 && p.questions[0].issue == 0 && !p.questions[0].outcome && !p.questions[0].unsafe {
		// One question, said back with its answer.
		return nil, items, unsaid
	}
	return items, asked, unsaid
}

// themesOf returns the themes of one problem of a message, from the message's themes: those
// whose words the problem holds, else all of them.
func themesOf(a Analysis, issue string) []string {
	var out []string
	l := strings.ToLower(issue)
	for _, th := range a.Themes {
		if strings.Contains(l, strings.Split(themeLabels[th], " ")[len(strings.Split(themeLabels[th], " "))-1]) {
			out = append(out, th)
		}
	}
	if len(out) == 0 {
		return a.Themes
	}
	return out
}

// threadUpset reports whether the conversation has had an upset customer message.
func threadUpset(t *Thread) bool {
	if t == nil {
		return false
	}
	for _, s := range t.Messages {
		if s.Role == RoleCustomer && s.Upset {
			return true
		}
	}
	return false
}

// followUpAt is the follow-up the draft commits to: the open promise's time when the agent
// already gave one still ahead, otherwise a time they can keep inside working hours.
func followUpAt(r DraftRequest) time.Time {
	if t := r.Thread; t != nil && t.Promise.Open() && t.Promise.Due.After(r.Now.Add(30*time.Minute)) {
		return t.Promise.Due
	}
	return SuggestAt(r.Now, r.Zone)
}

// afterComma lower-cases the first word of a sentence that follows a greeting ending in a
// comma ("Hi Chris, sorry…"), except "I" and its contractions.
func afterComma(greeting, sentence string) string {
	if !strings.HasSuffix(greeting, ",") || sentence == "" {
		return sentence
	}
	first, _, _ := strings.Cut(sentence, " ")
	if first == "I" || strings.HasPrefix(first, "I'") {
		return sentence
	}
	r, n := utf8.DecodeRuneInString(sentence)
	return string(unicode.ToLower(r)) + sentence[n:]
}

// repeated reports a customer who has had to come back: their cues say so ("third time",
// "still", "again") or the thread holds earlier messages of theirs.
func repeated(a Analysis, t *Thread) bool {
	for _, c := range a.Cues {
		lc := strings.ToLower(c)
		for _, w := range []string{"time", "again", "still", "asked", "chas", "nobody", "no one", "no reply", "no response", "waiting", "days", "weeks"} {
			if strings.Contains(lc, w) {
				return true
			}
		}
	}
	if t != nil {
		n := 0
		for _, s := range t.Messages {
			if s.Role == RoleCustomer {
				n++
			}
		}
		return n >= 2
	}
	return false
}

// FirstName is how a greeting names someone: the first word of their display name, a handle
// like "chris.doe" read as "Chris".
func FirstName(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '.' || r == '_' || r == '@' })
	if len(f) == 0 {
		return ""
	}
	name := f[0]
	if strings.ToLower(name) == name {
		r, n := utf8.DecodeRuneInString(name)
		name = string(unicode.ToUpper(r)) + name[n:]
	}
	return name
}

// offerOrder ranks themes for the offer line: the most pressing first.
var offerOrder = []string{"data-loss", "outage", "cancellation", "account-access", "refund", "shipping", "bug",
	"performance", "billing", "integration", "setup", "responsiveness", "pricing", "feature-request"}

// pressing are the themes whose offer speaks for a whole message: lost data, a service down, a
// customer leaving or locked out come first whatever else they raise.
var pressing = map[string]bool{"data-loss": true, "outage": true, "cancellation": true, "account-access": true}

// offerFor picks the theme the offer line speaks to: the one theme raised (or one family of
// them), or a pressing one; a message about unrelated things (webhooks and an invoice) gets
// the offer that fits any of them rather than one that speaks to half of it.
func offerFor(themes []string) string {
	var raised []string
	for _, th := range offerOrder {
		if slices.Contains(themes, th) && th != "responsiveness" {
			raised = append(raised, th)
		}
	}
	switch {
	case len(raised) == 0:
		if slices.Contains(themes, "responsiveness") {
			return "responsiveness"
		}
		return ""
	case pressing[raised[0]]:
		return raised[0]
	}
	for _, th := range raised[1:] {
		if themeFamily[th] == "" || themeFamily[th] != themeFamily[raised[0]] {
			return ""
		}
	}
	return raised[0]
}

// themeFamily groups the themes one offer can speak for: a refund offer covers the charges
// behind it, a bug offer the slowness that comes with it.
var themeFamily = map[string]string{"refund": "money", "billing": "money", "pricing": "money",
	"bug": "product", "performance": "product", "integration": "product", "setup": "product", "shipping": "order"}

// themeLabels name a theme as a problem, for a draft that cannot quote the customer.
var themeLabels = map[string]string{
	"billing":         "the charges on your account",
	"refund":          "your refund",
	"shipping":        "your delivery",
	"account-access":  "getting into your account",
	"bug":             "the error you're seeing",
	"outage":          "the service being down for you",
	"performance":     "how slow things have been",
	"data-loss":       "the data that's gone missing",
	"cancellation":    "your question about cancelling",
	"pricing":         "the pricing",
	"setup":           "getting set up",
	"integration":     "the integration",
	"responsiveness":  "how long you've waited for an answer",
	"feature-request": "the feature you asked for",
}

// SuggestAt is the follow-up time SuggestTime describes: about two hours from now, on the
// hour, inside working hours in zone; otherwise 11am on the next working day.
func SuggestAt(now time.Time, zone *time.Location) time.Time {
	if zone == nil {
		zone = time.UTC
	}
	local := now.In(zone)
	t := local.Add(2 * time.Hour).Truncate(time.Hour)
	if t.Before(local.Add(90 * time.Minute)) {
		t = t.Add(time.Hour)
	}
	weekday := func(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }
	if weekday(local) && t.Day() == local.Day() && t.Hour() >= 9 && t.Hour() <= 17 {
		return t
	}
	next := time.Date(local.Year(), local.Month(), local.Day(), 11, 0, 0, 0, zone)
	if local.Hour() >= 9 || !weekday(local) {
		next = next.AddDate(0, 0, 1)
	}
	for !weekday(next) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}
