package coach

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// CustomerToken stands for the customer's name in what a language model sees and writes; the
// bot puts the name back afterwards, so no name leaves it.
const CustomerToken = "{customer}"

// MaxDraft is the longest draft that fits Slack's input field and a section block.
const MaxDraft = 3000

// DraftPrompt writes the instructions and the message for a language model asked to draft
// the same reply Draft composes: the same kind of reply, the tone, the slots the agent must
// fill, and the follow-up time the composed draft settled on, so both promise the same moment.
// The message is redacted.
func DraftPrompt(r DraftRequest, composed Draft) (system, user string) {
	if r.Zone == nil {
		r.Zone = time.UTC
	}
	if r.CustomerZone == nil {
		r.CustomerZone = r.Zone
	}
	tone := map[Tone]string{
		ToneWarm:    "warm and human, plain words, short paragraphs",
		ToneConcise: "concise: at most five short sentences",
		ToneFormal:  "formal and courteous, no slang or exclamation marks",
	}[composed.Tone]
	var b strings.Builder
	b.WriteString("You draft replies for a customer-support agent answering a customer in a chat thread. ")
	b.WriteString("The agent will read, edit and send your draft themselves. Write only the reply, in English, with no preamble.\n")
	switch composed.Kind {
	case KindThanks:
		b.WriteString("The customer is thanking us. Greet them with \"Hi " + CustomerToken + ",\" and thank them back in one or two warm sentences. ")
		b.WriteString("No apology, no plan, no promise of an update, no question.\n")
	default:
		b.WriteString("Follow this path, in order:\n")
		if composed.Kind == KindUpset {
			b.WriteString("1. Greet with \"Hi " + CustomerToken + ",\" and name how the customer feels (frustrated, worried, let down) before any fact.\n")
		} else {
			b.WriteString("1. Greet with \"Hi " + CustomerToken + ",\" and thank them for getting in touch. They are calm: do not apologise.\n")
		}
		b.WriteString("2. Say each problem back in your own words; when the message raises several, one line per problem, starting with \"• \".\n")
		b.WriteString("3. Use partner words (we, let's) and start with what we can do. Never open with what is impossible, never blame the customer, never guarantee an outcome or say it will never happen again.\n")
		for _, slot := range uniqueSlots(composed.Slots) {
			switch slot {
			case EstimateSlot:
				b.WriteString("4. The customer asked when: include the exact text " + EstimateSlot + " where the agent will write an estimate.\n")
			case AnswerSlot:
				b.WriteString("4. For each direct question, include the exact text " + AnswerSlot + " where the agent will write the answer.\n")
			}
		}
		if !composed.FollowUp.IsZero() {
			other := r.CustomerZone.String() != r.Zone.String()
			b.WriteString("5. Commit to the next update with exactly these words: \"I'll update you by " + When(composed.FollowUp, r.Now, r.CustomerZone, other) + "\".\n")
		} else {
			b.WriteString("5. Do not promise an update or a time.\n")
		}
		b.WriteString("6. End with one question that checks nothing was missed.\n")
	}
	b.WriteString("Never say what the agent is doing or has done (no \"I'm checking\", \"I've fixed\", \"the team is working on it\"): the agent has not done anything yet. ")
	b.WriteString("Say only what we will do. Do not invent dates, prices or facts you were not given.\n")
	b.WriteString("Tone: " + tone + ". At most 120 words. Parts of the message were redacted as [email], [phone], [card number] or [redacted]: never ask for them in the reply.\n")
	return b.String(), "Customer message:\n" + Redact(r.Text)
}

func uniqueSlots(slots []string) []string {
	var out []string
	for _, s := range slots {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// CheckDraft vets a draft someone else wrote (a language model) against the one Draft composed
// for the same request, with the same contract: it must fit Slack, earn no nudge from the
// coach's own rules, assert nothing the agent has not done (Claims), keep every slot the
// agent must fill, promise the same follow-up when one is due and none otherwise, and not
// apologise to a calm customer. The error says what failed, never the text.
func (c *Coach) CheckDraft(r DraftRequest, composed Draft, text string) error {
	if r.Zone == nil {
		r.Zone = time.UTC
	}
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("empty")
	}
	if len(text) > MaxDraft {
		return fmt.Errorf("too long: %d bytes", len(text))
	}
	if strings.Contains(text, "{") || strings.Contains(text, "}") {
		return fmt.Errorf("left a placeholder unfilled")
	}
	a := c.Analyze(Message{Text: r.Text, Role: RoleCustomer, Now: r.Now, Zone: r.CustomerZone})
	reply := &Reply{Upset: a.Upset || threadUpset(r.Thread), OutcomeQuestion: a.OutcomeQuestion}
	if fs := c.DraftFindings(text, reply, r.Now, r.Zone); len(fs) > 0 {
		ids := make([]string, len(fs))
		for i, f := range fs {
			ids[i] = f.Rule
		}
		return fmt.Errorf("earns nudges: %s", strings.Join(ids, ", "))
	}
	if cl := Claims(text); len(cl) > 0 {
		return fmt.Errorf("asserts %d action(s) the agent has not taken", len(cl))
	}
	got := Slots(text)
	for _, s := range uniqueSlots(composed.Slots) {
		if countOf(got, s) < countOf(composed.Slots, s) {
			return fmt.Errorf("dropped a slot %s", s)
		}
	}
	p, dated := FindPromise(Plain(text), r.Now, r.Zone)
	dated = dated && !p.Due.IsZero()
	switch {
	case !composed.FollowUp.IsZero() && !dated:
		return fmt.Errorf("no follow-up time")
	case composed.FollowUp.IsZero() && dated:
		return fmt.Errorf("promises an update the reply does not need")
	}
	if composed.Kind != KindUpset && apologises(text) {
		return fmt.Errorf("apologises to a calm customer")
	}
	return nil
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// apologises reports a reply that says sorry.
func apologises(text string) bool {
	l := strings.ToLower(text)
	return strings.Contains(l, "sorry") || strings.Contains(l, "apolog")
}
