package coach

// draftBank is the wording of drafts in one tone. Every slot has several options: a draft picks
// one per slot from a hash of the message, so a week of drafts does not read canned, while the
// same message always gets the same draft. {name}, {item}, {estimate} and {time} are filled in.
type draftBank struct {
	greet, greetAnon                          []string
	thanks, upset, repeated, leaving, worried []string // the opening line, by what they feel
	late                                      []string // after a promise the agent missed
	oneIntro, manyIntro, manyOrder            []string
	offer                                     map[string][]string // by theme; "" for any
	estimate, followUp, check, signoff        []string
}

// draftBanks are written in our own words from the playbook's path (PLAYBOOK.md, "Drafts").
// None of them may hold a phrase a rule nudges about: TestDraftsPassTheRules checks every draft
// of the dev set in every tone.
var draftBanks = map[Tone]draftBank{
	ToneWarm: {
		greet:     []string{"Hi {name},", "Hi {name}!", "Hey {name},"},
		greetAnon: []string{"Hi there,", "Hello,", "Hi,"},
		thanks: []string{
			"Thanks for letting us know, and for the detail.",
			"Thanks for getting in touch about this.",
			"Thank you for reaching out, it helps to have this written down.",
		},
		upset: []string{
			"I'm sorry, I can see how frustrating this is, and you're right to expect better.",
			"I'm really sorry about this. I understand why you're upset, and I'd feel the same.",
			"That sounds really frustrating, and I'm sorry it's landed on you.",
		},
		repeated: []string{
			"I'm sorry you've had to chase this. That's frustrating, and it shouldn't have taken this long.",
			"I'm really sorry you've had to come back about this again. I understand how tiring that is.",
			"I hear you, and I'm sorry it's taken more than one message to get this moving.",
		},
		leaving: []string{
			"I'm sorry it's come to this, and I understand why you're thinking about leaving.",
			"I hear you, and I understand why you're fed up enough to consider cancelling.",
			"I'm really sorry. I can see why you're frustrated, and I'd like the chance to put this right.",
		},
		worried: []string{
			"I'm sorry, I know how stressful this is when you depend on it.",
			"I understand how worrying this is, and I'm sorry you're dealing with it.",
			"That's a stressful spot to be in, and I'm sorry.",
		},
		late: []string{
			"I'm also sorry I'm later than I said I'd be.",
			"And I'm sorry I missed the time I gave you.",
		},
		oneIntro: []string{
			"Just so I have it right: {item}.",
			"So I'm clear on it: {item}.",
			"Here's what I understand: {item}.",
		},
		manyIntro: []string{
			"You've raised a few things, so let's take them one at a time:",
			"Here's what I have from your message:",
			"Let me make sure I've got everything:",
		},
		manyOrder: []string{
			"I'll start with the first and come back on each of them.",
			"We'll go through them in that order, unless another one matters more to you.",
			"I'll take the first one now and keep you posted on the rest.",
		},
		offer: map[string][]string{
			"":               {"Let's get this sorted together: I'm on it now.", "We'll work through this together, starting right now.", "Here's what we can do: I'm taking this on myself from here."},
			"billing":        {"Let's go through the charges together: I'm checking your account now.", "We can get to the bottom of the charges together, and I'm starting on them now."},
			"refund":         {"Let's get your money back to you: I'm checking where your refund is right now.", "We'll track your refund down together, and I'm starting on it now."},
			"shipping":       {"Let's find your order: I'm checking with the carrier now.", "We'll work out where your delivery is together, and I'm on it now."},
			"account-access": {"Let's get you back in: I'm checking your account access now.", "We can get your access back, and I'm starting on it right away."},
			"bug":            {"Let's get this working for you: I'm reproducing it on our side now.", "We'll get to the bottom of it together, and I'm on it right now."},
			"outage":         {"We're on it right now, and getting you back up is our top priority.", "Let's get you back up: I'm with the people who can fix it right now."},
			"performance":    {"Let's get things fast again: I'm checking what's slowing you down now.", "We'll find what's slowing things down, and I'm on it now."},
			"data-loss":      {"Let's see what we can recover together: I'm checking what we can bring back now.", "We'll do everything we can to recover it, starting right now."},
			"cancellation":   {"Before anything else, let's see what we can do to make this right for you.", "Let's look at your options together: there's a good chance we can fix what's behind this."},
			"pricing":        {"Let's look at the options on your plan together.", "We can go through what fits you best together."},
			"responsiveness": {"You have my full attention now, and I'll stay with this until it's done.", "I'm picking this up personally, and I'll stay with it from here."},
		},
		estimate: []string{
			"My best estimate right now is {estimate}, and I'll tell you straight away if that changes.",
			"Realistically, I expect {estimate}. I'll let you know at once if that moves.",
		},
		followUp: []string{
			"I'll update you by {time}, even if it's just to say where things stand.",
			"You'll hear from me by {time} at the latest.",
			"I'll come back to you by {time} with the next step.",
		},
		check: []string{
			"Does that cover everything, or is there anything else I should know?",
			"Have I missed anything?",
			"Is there anything else I should look at while I'm on it?",
		},
		signoff: []string{"Thanks,"},
	},
	ToneConcise: {
		greet:     []string{"Hi {name},", "{name},"},
		greetAnon: []string{"Hi,", "Hello,"},
		thanks:    []string{"Thanks for flagging this.", "Thanks for the detail.", "Thanks for the heads-up."},
		upset: []string{
			"Sorry, that's frustrating.",
			"I'm sorry about this, I understand the frustration.",
			"Sorry, you're right to be annoyed.",
		},
		repeated: []string{
			"Sorry you've had to chase this.",
			"Sorry you've had to ask again. I understand the frustration.",
			"I'm sorry this has taken so long.",
		},
		leaving: []string{
			"I'm sorry, I understand why you're considering leaving.",
			"Sorry, I understand the frustration, and I'd like to fix this.",
		},
		worried: []string{"Sorry, I know this is stressful.", "I understand this is worrying, and I'm sorry."},
		late:    []string{"Sorry I'm late getting back to you.", "Sorry for missing the time I gave."},
		oneIntro: []string{
			"To confirm: {item}.",
			"So: {item}.",
		},
		manyIntro: []string{"One at a time:", "Taking these in turn:"},
		manyOrder: []string{"Starting with the first.", "First one first."},
		offer: map[string][]string{
			"":               {"I'm on it now.", "Let's get this sorted: I'm on it.", "I've got this from here."},
			"billing":        {"I'm checking the charges now."},
			"refund":         {"I'm tracing your refund now."},
			"shipping":       {"I'm checking your delivery now."},
			"account-access": {"Let's get you back in: checking your access now."},
			"bug":            {"I'm reproducing it now."},
			"outage":         {"We're on it, and your service comes first."},
			"data-loss":      {"I'm checking what we can recover now."},
			"cancellation":   {"Let's see what we can do first."},
			"responsiveness": {"I've got it from here."},
		},
		estimate: []string{"Estimate: {estimate}.", "Expect {estimate}."},
		followUp: []string{"I'll update you by {time}.", "You'll hear from me by {time}.", "I'll be back to you by {time}."},
		check:    []string{"Anything I've missed?", "Does that cover it?", "Anything else?"},
		signoff:  []string{"Thanks,"},
	},
	ToneFormal: {
		greet:     []string{"Hello {name},", "Dear {name},"},
		greetAnon: []string{"Hello,", "Good day,"},
		thanks: []string{
			"Thank you for contacting us about this.",
			"Thank you for the detailed message.",
			"Thank you for bringing this to our attention.",
		},
		upset: []string{
			"I am sorry for the frustration this has caused, and I understand your concern.",
			"Please accept my apologies. I understand why this is upsetting.",
			"I am sorry this has happened, and I understand how disappointing it is.",
		},
		repeated: []string{
			"I apologise that you have had to follow up on this more than once. I understand how frustrating that is.",
			"I am sorry you have had to contact us again about this; you should not have had to.",
		},
		leaving: []string{
			"I am sorry this has led you to consider leaving, and I understand your frustration.",
			"Please accept my apologies. I understand why you are considering cancelling.",
		},
		worried: []string{
			"I understand how concerning this is, and I am sorry.",
			"I am sorry; I understand how stressful this is when you rely on the service.",
		},
		late: []string{"I also apologise for not updating you at the time I gave.", "I apologise for the delay in my update."},
		oneIntro: []string{
			"To confirm my understanding: {item}.",
			"As I understand it: {item}.",
		},
		manyIntro: []string{"To make sure each point is addressed, I have noted:", "I have noted the following points:"},
		manyOrder: []string{"I will address them in this order.", "We will work through them one by one."},
		offer: map[string][]string{
			"":               {"We will work on this together, and I am taking responsibility for it from here.", "Here is what we can do: I am handling this personally from now on."},
			"billing":        {"We are reviewing the charges on your account together, starting now."},
			"refund":         {"We are tracing your refund now so we can tell you exactly where it stands."},
			"shipping":       {"We are confirming the status of your delivery with the carrier now."},
			"account-access": {"We are restoring your access as a priority."},
			"bug":            {"We are reproducing the problem on our side now."},
			"outage":         {"Restoring your service is our priority, and we are on it now."},
			"data-loss":      {"We are checking what can be recovered, as a priority."},
			"cancellation":   {"Before anything else, we would like the chance to make this right."},
			"responsiveness": {"I am handling this personally from now on."},
		},
		estimate: []string{"Our current estimate is {estimate}; I will inform you at once if that changes."},
		followUp: []string{"I will update you by {time}.", "You will receive an update from me by {time}."},
		check:    []string{"Could you let me know whether I have missed anything?", "Is there anything further I should take into account?"},
		signoff:  []string{"Kind regards,", "Best regards,"},
	},
}
