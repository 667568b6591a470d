package coach

import (
	"slices"
	"testing"
)

func TestClaims(t *testing.T) {
	claims := []string{
		"I'm reproducing it on our side now.",
		"I'm checking your access now.",
		"We're looking into it.",
		"I'm with the people who can fix it right now.",
		"Let's get this sorted together: I'm on it now.",
		"I've refunded the duplicate charge.",
		"We have escalated this to engineering.",
		"The fix is deploying.",
		"Your refund is being processed.",
		"Our team is investigating the cause.",
		"We charged you twice by mistake.",
		"I checked your account and the payment went through.",
		"We just pushed a fix.",
	}
	for _, s := range claims {
		if got := Claims(s); len(got) == 0 {
			t.Errorf("Claims(%q) = none, want the claim", s)
		}
	}
	fine := []string{
		"I'll update you by 3pm today.",
		"I'm sorry, that sounds really frustrating.",
		"Let's get this working for you.",
		"We can go through the charges together.",
		"I'm glad it's working now!",
		"That is amazing to hear.",
		"I'm going to look into it and update you by noon.",
		"Is it still not working?",
		"I haven't seen this before.",
		"My best estimate right now is [your estimate].",
		"Have I missed anything?",
		"Could you let me know whether I have missed anything?",
		"Let me make sure I've got everything:",
		"And I'm sorry I missed the time I gave you.",
		"I wanted to check in on the export.",
		"So your sales team is emailing the wrong customers.",
		"I didn't see a reply from you.",
		"If we charged you twice, I'll make it right.",
	}
	for _, s := range fine {
		if got := Claims(s); len(got) != 0 {
			t.Errorf("Claims(%q) = %q, want none", s, got)
		}
	}
}

func TestSlots(t *testing.T) {
	got := Slots("It should be ready by [your estimate]. On the invoice: [your answer]. [Name] is not a slot.")
	if !slices.Equal(got, []string{EstimateSlot, AnswerSlot}) {
		t.Errorf("Slots = %q", got)
	}
}
