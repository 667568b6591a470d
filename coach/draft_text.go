package coach

// draftBank is the wording of drafts in one tone. Every slot has several options: a draft picks
// one per slot from a hash of the message, so a week of drafts does not read canned, while the
// same message always gets the same draft. {name}, {item}, {question} and {time} are filled in.
//
// Nothing here may assert what the agent is doing or has done ("I'm checking…", "I've…"): a
// draft commits the agent to what posting it commits them to, and no more (TestDraftClaims
// reads every line). Nothing may earn a nudge either (TestDraftsPassTheRules).
type draftBank struct {
	greet, greetPlain, greetAnon []string // greetPlain: for an upset or shouting customer, no "!"
	// The opening line, by what the message calls for.
	thanked                  []string // thanks or praise alone
	reported                 []string // a calm problem or request
	followed                 []string // a calm message later in a thread
	asked                    []string // calm questions
	kind                     []string // praise beside a problem
	upset, repeated, leaving []string
	late                     []string // after a promise the agent missed
	oneIntro, manyIntro      []string
	answer                   []string            // a question asked back, with its slot
	offer                    map[string][]string // by theme; "" for any
	estimate, followUp       []string
	check, checkAnswer       []string
	signoff                  []string
}

// draftBanks are written in our own words from the playbook's path (PLAYBOOK.md, "Drafts").
var draftBanks = map[Tone]draftBank{
	ToneWarm: {
		greet:      []string{"Hi {name},", "Hi {name}!", "Hey {name},"},
		greetPlain: []string{"Hi {name},"},
		greetAnon:  []string{"Hi there,", "Hello,", "Hi,"},
		thanked: []string{
			"Thank you so much, that's lovely to hear!",
			"That's really kind of you, thank you!",
			"Thanks for taking the time to say so, it means a lot to the team!",
		},
		reported: []string{
			"Thanks for letting us know.",
			"Thanks for flagging this.",
			"Thanks for reaching out about this.",
		},
		followed: []string{
			"Thanks for the update.",
			"Thanks for getting back to me.",
		},
		asked: []string{
			"Thanks for asking!",
			"Good question, thanks for checking.",
			"Happy to help with this.",
		},
		kind: []string{
			"Thanks for the kind words!",
			"Thank you, glad to hear that part is going well.",
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
		answer: []string{
			"You asked {question}: " + AnswerSlot,
			"On {question}: " + AnswerSlot,
		},
		offer: map[string][]string{
			"":                {"Let's get this sorted together.", "We'll work through this together.", "Let's find the best way forward together."},
			"billing":         {"Let's go through the charges together.", "We'll get the charges straightened out together."},
			"refund":          {"Let's go through your refund request together.", "I'll look at the refund with you."},
			"shipping":        {"Let's get your order to you.", "We'll work out where your delivery is together."},
			"account-access":  {"Let's get you back into your account.", "We'll get your access working again together."},
			"bug":             {"Let's get this working properly for you.", "We'll get to the bottom of this together."},
			"outage":          {"Getting you back up and running is the priority.", "We'll get your service back as fast as we can."},
			"performance":     {"Let's get things fast again.", "We'll work out together what's slowing things down."},
			"data-loss":       {"Let's see what we can recover together.", "We'll do everything we can to get your data back."},
			"cancellation":    {"Before anything else, I'd like the chance to make this right.", "Let's look at your options together first."},
			"pricing":         {"Let's look at the options on your plan together.", "We can go through what fits you best together."},
			"setup":           {"Let's get you set up properly.", "We'll get the setup working the way you need."},
			"integration":     {"Let's get the integration working the way you need.", "We'll get the connection working properly together."},
			"responsiveness":  {"You have my full attention now.", "Let's get this moving, together."},
			"feature-request": {"Thanks for the suggestion: knowing what matters to you helps us decide what to build.", "Suggestions like this help us decide what comes next."},
		},
		estimate: []string{
			"My best estimate right now is " + EstimateSlot + ", and I'll tell you straight away if that changes.",
			"Realistically, I expect " + EstimateSlot + ". I'll let you know at once if that moves.",
		},
		followUp: []string{
			"I'll update you by {time}, even if it's just to say where things stand.",
			"You'll hear from me by {time} at the latest.",
			"I'll come back to you by {time} with the next step.",
		},
		check: []string{
			"Does that cover everything, or is there anything else I should know?",
			"Have I missed anything?",
			"Is there anything else I should know about this?",
		},
		checkAnswer: []string{
			"Does that answer it?",
			"Let me know if anything's unclear.",
		},
		signoff: []string{"Thanks,"},
	},
	ToneConcise: {
		greet:      []string{"Hi {name},", "{name},"},
		greetPlain: []string{"Hi {name},"},
		greetAnon:  []string{"Hi,", "Hello,"},
		thanked:    []string{"Thank you, great to hear!", "Thanks, glad it's working for you!"},
		reported:   []string{"Thanks for flagging this.", "Thanks for the heads-up."},
		followed:   []string{"Thanks for the update."},
		asked:      []string{"Good question.", "Thanks for asking."},
		kind:       []string{"Thanks for the kind words."},
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
		late:      []string{"Sorry I'm late getting back to you.", "Sorry for missing the time I gave."},
		oneIntro:  []string{"To confirm: {item}.", "So: {item}."},
		manyIntro: []string{"One at a time:", "Taking these in turn:"},
		answer:    []string{"On {question}: " + AnswerSlot},
		offer: map[string][]string{
			"":                {"Let's get this sorted.", "Let's fix this together."},
			"billing":         {"Let's sort out the charges."},
			"refund":          {"Let's look at the refund."},
			"shipping":        {"Let's get your order to you."},
			"account-access":  {"Let's get you back in."},
			"bug":             {"Let's get this working."},
			"outage":          {"Your service comes first."},
			"performance":     {"Let's get it fast again."},
			"data-loss":       {"Let's see what we can recover."},
			"cancellation":    {"Let's see what we can do first."},
			"pricing":         {"Let's look at your options."},
			"setup":           {"Let's get you set up."},
			"integration":     {"Let's get the integration working."},
			"responsiveness":  {"You have my attention now."},
			"feature-request": {"Thanks for the suggestion."},
		},
		estimate:    []string{"Estimate: " + EstimateSlot + ".", "Expect " + EstimateSlot + "."},
		followUp:    []string{"I'll update you by {time}.", "You'll hear from me by {time}.", "I'll be back to you by {time}."},
		check:       []string{"Anything I've missed?", "Does that cover it?", "Anything else?"},
		checkAnswer: []string{"Does that help?", "Does that answer it?"},
		signoff:     []string{"Thanks,"},
	},
	ToneFormal: {
		greet:      []string{"Hello {name},", "Dear {name},"},
		greetPlain: []string{"Dear {name},", "Hello {name},"},
		greetAnon:  []string{"Hello,", "Good day,"},
		thanked: []string{
			"Thank you very much for your kind words; we are delighted to hear it.",
			"Thank you for taking the time to let us know; it is much appreciated.",
		},
		reported: []string{
			"Thank you for contacting us about this.",
			"Thank you for bringing this to our attention.",
		},
		followed: []string{"Thank you for the update.", "Thank you for following up."},
		asked:    []string{"Thank you for your question.", "Thank you for getting in touch."},
		kind:     []string{"Thank you for your kind words."},
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
		late:      []string{"I also apologise for not updating you at the time I gave.", "I apologise for the delay in my update."},
		oneIntro:  []string{"To confirm my understanding: {item}.", "As I understand it: {item}."},
		manyIntro: []string{"To make sure each point is addressed, here is what you raised:", "You raised the following points:"},
		answer:    []string{"Regarding {question}: " + AnswerSlot},
		offer: map[string][]string{
			"":                {"We will work on this together until it is resolved.", "We would like to resolve this with you as a priority."},
			"billing":         {"We will review the charges on your account with you."},
			"refund":          {"We will review your refund request with you."},
			"shipping":        {"We will find out where your order is and keep you informed."},
			"account-access":  {"Restoring your access is our priority."},
			"bug":             {"We will work with you to resolve this."},
			"outage":          {"Restoring your service is our priority."},
			"performance":     {"We will work with you to restore the usual speed."},
			"data-loss":       {"We will do everything possible to recover your data."},
			"cancellation":    {"Before anything else, we would like the chance to make this right."},
			"pricing":         {"We would be glad to review the options on your plan with you."},
			"setup":           {"We will make sure your setup works as it should."},
			"integration":     {"We will work with you to make the integration work as it should."},
			"responsiveness":  {"You have my full attention from here."},
			"feature-request": {"Thank you for the suggestion; it helps us decide what to build next."},
		},
		estimate:    []string{"Our current estimate is " + EstimateSlot + "; I will inform you at once if that changes."},
		followUp:    []string{"I will update you by {time}.", "You will receive an update from me by {time}."},
		check:       []string{"Could you let me know whether I have missed anything?", "Is there anything further I should take into account?"},
		checkAnswer: []string{"Please let me know if anything is unclear.", "I hope this answers your question."},
		signoff:     []string{"Kind regards,", "Best regards,"},
	},
}
