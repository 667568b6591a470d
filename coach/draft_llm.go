package coach

import (
	"fmt"
	"strings"
	"time"
)

// CustomerToken stands for the customer's name in what a language model sees and writes; the
// bot puts the name back afterwards, so no name leaves it.
const CustomerToken = "{customer}"

// MaxDraft is the longest draft that fits Slack's input field and a section block.
const MaxDraft = 3000

// DraftPrompt writes the instructions and the message for a language model asked to draft
// the same reply Draft composes: the playbook's path, the tone, and the follow-up time the
// composed draft settled on, so both promise the same moment. The message is redacted.
func DraftPrompt(r DraftRequest, composed Draft) (system, user string) {
	if r.Zone == nil {
		r.Zone = time.UTC
	}
	if r.CustomerZone == nil {
		r.CustomerZone = r.Zone
	}
	other := r.CustomerZone.String() != r.Zone.String()
	when := When(composed.FollowUp, r.Now, r.CustomerZone, other)
	tone := map[Tone]string{
		ToneWarm:    "warm and human, plain words, short paragraphs",
		ToneConcise: "concise: at most five short sentences",
		ToneFormal:  "formal and courteous, no slang or exclamation marks",
	}[composed.Tone]
	var b strings.Builder
	b.WriteString("You draft replies for a customer-support agent answering a customer in a chat thread. ")
	b.WriteString("The agent will read, edit and send your draft themselves. Write only the reply, in English, with no preamble.\n")
	b.WriteString("Follow this path, in order:\n")
	b.WriteString("1. Greet with \"Hi " + CustomerToken + ",\" and name how the customer feels (frustrated, worried, let down) before any fact, or thank them if they are calm.\n")
	b.WriteString("2. Say the facts back in your own words; when the message raises several problems, one line per problem, starting with \"• \".\n")
	b.WriteString("3. Use partner words (we, let's) and start with what we can do. Never open with what is impossible, never blame the customer, never guarantee an outcome or say it will never happen again.\n")
	if composed.Estimate {
		b.WriteString("4. The customer asked when: include the exact text " + EstimateSlot + " where the agent will write an estimate.\n")
	} else {
		b.WriteString("4. Do not invent dates, prices or facts you were not given.\n")
	}
	b.WriteString("5. Commit to the next update with exactly these words: \"I'll update you by " + when + "\".\n")
	b.WriteString("6. End with one question that checks nothing was missed.\n")
	b.WriteString("Tone: " + tone + ". At most 120 words. Parts of the message were redacted as [email], [phone], [card number] or [redacted]: never ask for them in the reply.\n")
	return b.String(), "Customer message:\n" + Redact(r.Text)
}

// CheckDraft vets a draft someone else wrote (a language model) for the same request: it must
// fit Slack, earn no nudge from the coach's own rules, promise a follow-up with a time, and
// keep the estimate slot when one is needed. The error says what failed, never the text.
func (c *Coach) CheckDraft(r DraftRequest, text string) error {
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
	if p, ok := FindPromise(Plain(text), r.Now, r.Zone); !ok || p.Due.IsZero() {
		return fmt.Errorf("no follow-up time")
	}
	if a.OutcomeQuestion && !strings.Contains(text, EstimateSlot) {
		return fmt.Errorf("no estimate slot")
	}
	return nil
}
