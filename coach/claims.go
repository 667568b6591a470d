package coach

import (
	"regexp"
	"slices"
	"strings"

	"github.com/deescalate/deescalate/coach/internal/text"
)

// A draft is a reply the agent has not sent yet: it may commit them to what they will do ("I'll
// update you by 3pm", which the ledger then holds them to), but it must not assert what they are
// doing or have done ("I'm reproducing it now", "I've refunded the charge", "the fix is
// deploying"): only the agent knows that. What only the agent knows is a slot, in brackets, the
// modal will not post until it is filled.

// AnswerSlot marks where the agent answers a question the customer asked directly.
const AnswerSlot = "[your answer]"

// slotPattern finds the slots a draft leaves for the agent: "[your estimate]", "[your answer]".
var slotPattern = regexp.MustCompile(`\[your [a-z ]{1,40}\]`)

// Slots returns the slots a text still holds, in order.
func Slots(s string) []string { return slotPattern.FindAllString(s, -1) }

// Claims returns the phrases of a reply that assert what its author is doing or has done, or
// what is happening to the customer's case: a first-person subject with a verb in -ing ("I'm
// checking", "we're reproducing") or a completed action ("I've refunded", "we have escalated",
// "we charged you twice"),
// a case being worked on ("is being fixed", "the fix is deploying"), being with the people who
// can fix it. Commitments ("I'll…", "let's…", "we can…") and feelings ("I'm sorry", "I'm glad")
// are not claims.
func Claims(s string) []string {
	d := text.Parse(s)
	var out []string
	add := func(i, j int) {
		if q := d.Span(i, j); q != "" && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if t.Kind != text.Word || t.Quoted || d.Sents[t.Sent].Question || whether(d, i) {
			// "Have I missed anything?", "…whether I've got it right" ask, they do not claim;
			// words in quotation marks are someone else's.
			continue
		}
		switch t.Norm {
		case "team", "engineering", "engineers":
			if i > 0 && theirs[d.Norm(i-1)] || i > 1 && theirs[d.Norm(i-2)] {
				continue // "your sales team is emailing…" is the customer's team
			}
		case "i'm", "we're", "i", "we", "i've", "we've":
		case "is", "are":
			// "the fix is deploying", "your refund is being processed"
			if k := nextVerb(d, i); k >= 0 && (d.Tokens[k].Norm == "being" || caseVerbs[d.Tokens[k].Norm]) {
				add(i, k+1)
			}
			continue
		default:
			continue
		}
		k := i + 1
		aux := t.Norm
		if aux == "i" || aux == "we" || aux == "team" || aux == "engineering" || aux == "engineers" {
			for k < len(d.Tokens) && adverbs[d.Norm(k)] {
				k++
			}
			n := d.Norm(k)
			switch {
			case n == "am" || n == "are" || n == "is" || n == "have" || n == "has":
				aux = n
				k++
			case (aux == "i" || aux == "we") && k < len(d.Tokens) && !d.Tokens[k].Neg && done(n) && !meant[n]:
				// "we charged you twice", "I checked your account": done, or conceded
				add(i, k+1)
				continue
			default:
				continue
			}
		}
		for k < len(d.Tokens) && adverbs[d.Norm(k)] {
			k++
		}
		if k >= len(d.Tokens) || d.Tokens[k].Kind != text.Word || d.Tokens[k].Neg {
			continue
		}
		v := d.Tokens[k].Norm
		switch aux {
		case "i'm", "we're", "am", "are", "is":
			if progressive(v) || v == "with" && d.Norm(k+1) == "the" || v == "on" && d.Norm(k+1) == "it" {
				add(i, k+1)
			}
		case "i've", "we've", "have", "has":
			if done(v) {
				add(i, k+1)
			}
		}
	}
	return out
}

// nextVerb returns the word after an auxiliary at i, past adverbs, or -1.
func nextVerb(d *text.Doc, i int) int {
	k := i + 1
	for k < len(d.Tokens) && adverbs[d.Norm(k)] {
		k++
	}
	if k < len(d.Tokens) && d.Tokens[k].Kind == text.Word {
		return k
	}
	return -1
}

var adverbs = map[string]bool{"already": true, "currently": true, "now": true, "just": true, "also": true, "actively": true,
	"still": true, "personally": true, "right": true}

// notActions are -ing words that say how one feels or what one means, not what one does.
var notActions = map[string]bool{"going": true, "hoping": true, "thinking": true, "wondering": true, "willing": true,
	"interesting": true, "exciting": true, "amazing": true, "confusing": true, "nothing": true, "something": true}

// caseVerbs are what is said of a customer's case to claim it is being worked on: "the fix is
// deploying", "your refund is processing".
var caseVerbs = map[string]bool{"deploying": true, "rolling": true, "processing": true, "investigating": true,
	"reviewing": true, "shipping": true, "updating": true, "syncing": true, "running": true, "working": true,
	"escalating": true, "fixing": true, "handling": true, "releasing": true, "restoring": true, "recovering": true}

func progressive(v string) bool {
	if notActions[v] {
		return false
	}
	return strings.HasSuffix(v, "ing") && len(v) > 4
}

// irregularDone are past participles that do not end in -ed.
var irregularDone = map[string]bool{"sent": true, "done": true, "made": true, "taken": true, "put": true, "set": true,
	"gotten": true, "found": true, "given": true, "run": true, "rerun": true, "reset": true, "built": true,
	"written": true, "spoken": true, "told": true, "paid": true, "shipped": true, "fixed": true, "brought": true,
	"caught": true, "kept": true, "left": true, "moved": true, "rolled": true, "pushed": true, "issued": true}

func done(v string) bool {
	if owned[v] {
		return false
	}
	return irregularDone[v] || strings.HasSuffix(v, "ed") && len(v) > 4 && v != "need" && v != "indeed"
}

// theirs are the words that make a team someone else's.
var theirs = map[string]bool{"your": true, "their": true, "his": true, "her": true, "my": true}

// meant are past verbs that say what one wanted, not what one did: "I wanted to check in".
var meant = map[string]bool{"wanted": true, "needed": true, "hoped": true, "meant": true, "used": true, "liked": true,
	"loved": true, "wished": true, "preferred": true}

// owned are past verbs that own a failure rather than claim work: "I've missed the time I gave".
var owned = map[string]bool{"missed": true, "failed": true, "forgotten": true, "dropped": true, "let": true}

// whether reports a word inside a clause opened by "whether" or "if": asked, not claimed.
func whether(d *text.Doc, i int) bool {
	c := d.Tokens[i].Clause
	for k := i - 1; k >= 0 && d.Tokens[k].Clause == c; k-- {
		if n := d.Tokens[k].Norm; n == "whether" || n == "if" {
			return true
		}
	}
	return false
}
