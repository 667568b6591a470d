package coach

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// Draft is a reply an agent can edit and send.
type Draft struct {
	Text     string
	Tone     Tone
	FollowUp time.Time // the moment the draft promises the next update
	Estimate bool      // the draft holds EstimateSlot for the agent to fill in
}

// Draft writes a reply that follows the playbook's path: name the feeling, mirror the facts
// (one line per problem when there are several), say what we can do in partner language, leave
// a slot for an estimate when they asked "when?", commit to a follow-up time the agent can keep
// and end on a check question. The same request always gives the same draft; different
// messages get differently worded ones. Every draft passes the coach's own rules: if the
// mirrored words would earn a nudge, the draft falls back to naming the problems by theme.
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
	d := Draft{Tone: r.Tone, FollowUp: followUpAt(r)}
	reply := &Reply{Upset: a.Upset || threadUpset(r.Thread), OutcomeQuestion: a.OutcomeQuestion}
	for _, mirror := range []bool{true, false} {
		d.Text, d.Estimate = c.compose(r, a, d.FollowUp, mirror)
		if len(c.DraftFindings(d.Text, reply, r.Now, r.Zone)) == 0 {
			break
		}
	}
	return d
}

// DraftFindings runs the agent-side rules on a reply to a customer message as the bot would
// once it is posted; a usable draft has none. A follow-up promise with no time counts too.
func (c *Coach) DraftFindings(text string, replyTo *Reply, now time.Time, zone *time.Location) []Finding {
	_, findings := c.Review(Message{Text: text, Role: RoleAgent, Now: now, Zone: zone}, replyTo)
	return findings
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

// compose writes the draft's text; mirror quotes the customer's problems back, otherwise they
// are named by theme.
func (c *Coach) compose(r DraftRequest, a Analysis, due time.Time, mirror bool) (string, bool) {
	bank := draftBanks[r.Tone]
	seed := fnv.New64a()
	seed.Write([]byte(r.Text))
	seed.Write([]byte(r.Tone))
	h := seed.Sum64()
	pick := func(slot int, options []string) string {
		return options[(h>>(slot*5))%uint64(len(options))]
	}
	var parts []string
	name := FirstName(r.Customer)
	if name != "" {
		parts = append(parts, strings.ReplaceAll(pick(0, bank.greet), "{name}", name))
	} else {
		parts = append(parts, pick(0, bank.greetAnon))
	}

	// 1. The feeling, named (or thanks, when they are calm).
	upset := a.Upset || threadUpset(r.Thread)
	feeling := bank.thanks
	switch {
	case upset && repeated(a, r.Thread):
		feeling = bank.repeated
	case upset && slices.Contains(a.Themes, "cancellation"):
		feeling = bank.leaving
	case (slices.Contains(a.Themes, "data-loss") || slices.Contains(a.Themes, "outage")) && len(a.Issues) > 0:
		feeling = bank.worried // losing data or service is worrying however calmly it is put
	case upset:
		feeling = bank.upset
	}
	opening := pick(1, feeling)
	if t := r.Thread; t != nil && t.Promise.Open() && r.Now.After(t.Promise.Due) {
		opening += " " + pick(2, bank.late)
	}
	parts[0] += " " + afterComma(parts[0], opening)

	// 2. The facts, mirrored: one line per problem.
	items := mirrored(a, mirror)
	switch {
	case len(items) >= 2:
		lines := []string{pick(3, bank.manyIntro)}
		for _, it := range items {
			lines = append(lines, "• "+it)
		}
		lines = append(lines, pick(4, bank.manyOrder))
		parts = append(parts, strings.Join(lines, "\n"))
	case len(items) == 1 && len(strings.Fields(items[0])) >= 4:
		parts = append(parts, strings.ReplaceAll(pick(3, bank.oneIntro), "{item}", items[0]))
	}

	// 3. What we can do, in partner words, and an estimate when they asked when.
	offer := bank.offer[""]
	for _, th := range offerOrder {
		if o, ok := bank.offer[th]; ok && slices.Contains(a.Themes, th) {
			offer = o
			break
		}
	}
	parts = append(parts, pick(5, offer))
	estimate := a.OutcomeQuestion
	if estimate {
		parts = append(parts, strings.ReplaceAll(pick(6, bank.estimate), "{estimate}", EstimateSlot))
	}

	// 4. A follow-up time they can hold us to, written for the customer.
	other := r.CustomerZone.String() != r.Zone.String()
	when := When(due, r.Now, r.CustomerZone, other)
	parts = append(parts, strings.ReplaceAll(pick(7, bank.followUp), "{time}", when))

	// 5. A check question.
	parts = append(parts, pick(8, bank.check))
	text := strings.Join(parts, "\n\n")
	if r.Tone == ToneConcise {
		text = strings.Join(parts[:1], "") + " " + strings.Join(parts[1:], " ")
		text = strings.ReplaceAll(text, " •", "\n•")
	}
	if r.Tone == ToneFormal && strings.TrimSpace(r.Agent) != "" {
		text += "\n\n" + pick(9, bank.signoff) + "\n" + FirstName(r.Agent)
	}
	return text, estimate
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

// repeated reports a customer who has had to come back: the words say so ("third time",
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

// maxMirror bounds the length of one mirrored problem; longer ones are named by theme.
const maxMirror = 110

var (
	emojiCode   = regexp.MustCompile(`:[a-z0-9_+'-]+:`)
	leadFillers = []string{"quick question:", "a quick question:", "question:", "one more thing:", "a few things:", "a couple of things:", "two things:", "also,", "also", "and also", "and", "but", "plus", "oh and", "oh,", "btw", "so", "ok so", "ps"}
)

// mirrored returns the message's problems as the agent would say them back: pronouns turned
// around ("my invoice" → "your invoice"), shouting and emoji dropped. With mirror false, or
// when a problem does not mirror cleanly, it names the problem's theme instead.
func mirrored(a Analysis, mirror bool) []string {
	shout := map[string]bool{}
	for _, c := range a.Cues {
		for _, w := range strings.Fields(c) {
			shout[w] = true
		}
	}
	var out []string
	if mirror {
		for _, is := range a.Issues {
			m := clip(reflect(is, shout))
			if m != "" && isQuestion(m) {
				m = asked(m, len(a.Issues) > 1)
			}
			if m != "" {
				out = append(out, m)
			}
		}
		if len(out) == len(a.Issues) || len(a.Issues) < 2 {
			return out
		}
		out = nil // a problem would go unmentioned: name them all by theme instead
	}
	if len(a.Issues) < 2 {
		return nil
	}
	for _, th := range a.Themes {
		if label, ok := themeLabels[th]; ok && len(out) < len(a.Issues) {
			out = append(out, label)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

var (
	questionAux = map[string]bool{"is": true, "are": true, "can": true, "could": true, "will": true, "would": true,
		"should": true, "has": true, "have": true, "was": true, "were": true, "do": true, "does": true, "did": true}
	questionWh      = map[string]bool{"when": true, "what": true, "why": true, "how": true, "where": true, "who": true, "which": true}
	questionSubject = map[string]bool{"there": true, "it": true, "this": true, "that": true, "you": true, "we": true, "they": true}
)

// isQuestion reports a mirrored problem that is a question ("is there a way to…").
func isQuestion(s string) bool {
	first, _, _ := strings.Cut(strings.ToLower(s), " ")
	return questionAux[first] || questionWh[first]
}

// asked turns a question into what the customer asked: "is there a way to export" → "you'd
// like to know whether there is a way to export". A question that cannot be turned is kept as
// a question in a list of several (inList), and dropped on its own.
func asked(s string, inList bool) string {
	w := strings.Fields(s)
	aux := strings.ToLower(w[0])
	if len(w) >= 3 && questionAux[aux] && questionSubject[strings.ToLower(w[1])] {
		subj := w[1]
		rest := strings.Join(w[2:], " ")
		switch aux {
		case "do", "did":
			if subj != "it" && subj != "this" && subj != "that" && subj != "there" {
				if aux == "did" {
					return ""
				}
				return "you'd like to know whether " + subj + " " + rest
			}
		case "does":
		default:
			return "you'd like to know whether " + subj + " " + aux + " " + rest
		}
	}
	if inList {
		return s + "?"
	}
	return ""
}

// clip shortens a mirrored problem to its first clauses when it runs long or was cut off;
// "" when nothing readable is left, or when it holds code.
func clip(s string) string {
	if strings.Contains(s, "`") {
		return ""
	}
	cut := false
	if i := strings.Index(s, "…"); i >= 0 {
		s, cut = s[:i], true
	}
	if len(s) > maxMirror {
		s, cut = s[:maxMirror], true
	}
	if cut {
		i := strings.LastIndex(s, ", ")
		if i < 0 {
			return ""
		}
		s = s[:i]
	}
	s = strings.TrimRight(s, " ,;:-")
	if len(s) < 8 {
		return ""
	}
	return s
}

// offerOrder ranks themes for the offer line: the most pressing first.
var offerOrder = []string{"data-loss", "outage", "cancellation", "account-access", "refund", "shipping", "bug",
	"performance", "billing", "responsiveness", "pricing"}

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

// reflections turn a customer's words into the agent's: their "I" is the agent's "you", and
// their "you" is the agent's "we".
var reflections = map[string]string{
	"i": "you", "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "me": "you", "my": "your",
	"mine": "yours", "myself": "yourself", "we": "you", "we're": "you're", "we've": "you've", "we'd": "you'd",
	"we'll": "you'll", "our": "your", "ours": "yours", "us": "you", "ourselves": "yourselves",
	"you": "we", "you're": "we're", "you've": "we've", "you'd": "we'd", "you'll": "we'll", "your": "our",
	"yours": "ours", "yourself": "ourselves", "am": "are", "was": "was",
	"im": "you're", "ive": "you've", "youre": "we're", "u": "we", "ur": "our",
}

// reflect mirrors one problem phrase; "" when it cannot.
func reflect(s string, shout map[string]bool) string {
	s = emojiCode.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	lower := strings.ToLower(s)
	for changed := true; changed; {
		changed = false
		for _, f := range leadFillers {
			if strings.HasPrefix(lower, f+" ") || lower == f {
				s, lower = strings.TrimSpace(s[len(f):]), strings.TrimSpace(lower[len(f):])
				changed = true
			}
		}
	}
	s = strings.TrimRight(s, " .,;:!?")
	if s == "" {
		return ""
	}
	words := strings.Fields(s)
	prevI := false
	for i, w := range words {
		core := strings.TrimRightFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
		tail := w[len(core):]
		key := strings.ToLower(strings.ReplaceAll(core, "’", "'"))
		if r, ok := reflections[key]; ok {
			if key == "am" && !prevI {
				r = core
			}
			if key == "was" && prevI {
				r = "were"
			} else if key == "was" {
				r = core
			}
			words[i] = r + tail
		} else if shout[core] || isShouted(core) {
			words[i] = strings.ToLower(core) + tail
		}
		prevI = key == "i"
	}
	out := strings.Join(words, " ")
	// Lower-case the first letter unless it starts a name or acronym.
	if r, n := utf8.DecodeRuneInString(out); unicode.IsUpper(r) && !isShouted(words[0]) && !strings.HasPrefix(words[0], "I'") {
		out = string(unicode.ToLower(r)) + out[n:]
	}
	return out
}

// isShouted reports a word in capitals long enough not to be an acronym.
func isShouted(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 5
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
