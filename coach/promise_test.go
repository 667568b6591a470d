package coach

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones; embed them so they pass on hosts without zoneinfo
	"unicode/utf8"

	"github.com/deescalate/deescalate/coach/internal/text"
)

const (
	nyZone   = "America/New_York"
	berlin   = "Europe/Berlin"
	kolkata  = "Asia/Kolkata"
	sydney   = "Australia/Sydney"
	auckland = "Pacific/Auckland"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// wall parses "2006-01-02 15:04" as a wall-clock time in loc.
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("bad time %q: %v", s, err)
	}
	return v
}

type promiseCase struct {
	name string
	text string
	tz   string
	now  string // wall clock in tz
	ok   bool
	when string
	due  string // wall clock in tz; "" for a vague promise
}

func runPromiseCases(t *testing.T, cases []promiseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tz := tc.tz
			if tz == "" {
				tz = nyZone
			}
			loc := mustZone(t, tz)
			now := wall(t, loc, tc.now)
			p, ok := FindPromise(tc.text, now, loc)
			var want Commitment
			if tc.due != "" {
				want.Due = wall(t, loc, tc.due)
			}
			want.When = tc.when
			if ok != tc.ok {
				t.Fatalf("FindPromise(%q) ok = %v (%+v), want %v", tc.text, ok, p, tc.ok)
			}
			if !ok {
				return
			}
			if p.When != want.When || !p.Due.Equal(want.Due) {
				t.Errorf("FindPromise(%q) = {When: %q, Due: %v}, want {When: %q, Due: %v}", tc.text, p.When, p.Due, want.When, want.Due)
			}
			if !p.Due.IsZero() && p.Due.Location() != loc {
				t.Errorf("FindPromise(%q).Due is in %v, want %v", tc.text, p.Due.Location(), loc)
			}
		})
	}
}

func TestFindPromiseCommitments(t *testing.T) {
	const now = "2026-03-10 10:20" // a Tuesday
	runPromiseCases(t, []promiseCase{
		{"update by time tomorrow", "I'll update you by 3pm tomorrow.", "", now, true, "by 3pm tomorrow", "2026-03-11 15:00"},
		{"get back vague", "Thanks for the details, I'll get back to you.", "", now, true, "", ""},
		{"keep posted chat style", "Passed it to the devs, will keep you posted!", "", now, true, "", ""},
		{"keep updated", "We're on it and we'll keep you updated.", "", now, true, "", ""},
		{"send by EOD weekday", "We'll send you a version for your setup by EOD Friday.", "", now, true, "by EOD Friday", "2026-03-13 17:00"},
		{"call weekday", "I'll call you Monday to go through it.", "", now, true, "Monday", "2026-03-16 17:00"},
		{"inbox by clock", "I'll have the corrected invoice in your inbox by 3pm.", "", now, true, "by 3pm", "2026-03-10 15:00"},
		{"check back in hours", "I'll check back in 3 hours with the status.", "", now, true, "in 3 hours", "2026-03-10 13:20"},
		{"confirm either way", "I'll confirm here by 3pm either way.", "", now, true, "by 3pm", "2026-03-10 15:00"},
		{"ping later is vague", "i'll ping you later with what we find", "", now, true, "", ""},
		{"let me circle back", "Good question, let me double-check with the team and circle back.", "", now, true, "", ""},
		{"be in touch", "You'll get the full refund. I'll be in touch.", "", now, true, "", ""},
		{"follow up once event", "I'll follow up once the returns team replies.", "", now, true, "", ""},
		{"reach out when event", "I'll reach out when it ships.", "", now, true, "", ""},
		{"an event's time dates the promise that waits for it", "I'll reach out when the courier arrives tomorrow.", "", now, true, "tomorrow", "2026-03-11 17:00"},
		{"bare will with minutes", "pulling the logs now, will ping you in 45 mins", "", now, true, "in 45 mins", "2026-03-10 11:05"},
		{"and will", "I've escalated it and will update you at 3.", "", now, true, "at 3", "2026-03-10 15:00"},
		{"asap is vague", "Let me look into it and follow up asap.", "", now, true, "", ""},
		{"soon is vague", "I'll get back to you soon.", "", now, true, "", ""},
		{"give a ring", "I'll give you a ring at 4:15.", "", now, true, "at 4:15", "2026-03-10 16:15"},
		{"get over to you", "I'll get a revised quote over to you by close of business.", "", now, true, "by close of business", "2026-03-10 17:00"},
		{"get you an answer", "I'll get you a written answer by end of day tomorrow.", "", now, true, "by end of day tomorrow", "2026-03-11 17:00"},
		{"have an answer", "I'll have an answer from the identity team by noon.", "", now, true, "by noon", "2026-03-10 12:00"},
		{"let you know", "I'll let you know what they say by end of week.", "", now, true, "by end of week", "2026-03-13 17:00"},
		{"confirm complement clause", "I'll confirm it's been sent to your bank by end of day.", "", now, true, "by end of day", "2026-03-10 17:00"},
		{"you'll hear from me", "You'll hear from me by noon.", "", now, true, "by noon", "2026-03-10 12:00"},
		{"expect to hear from us", "Expect to hear from us by Thursday.", "", now, true, "by Thursday", "2026-03-12 17:00"},
		{"going to", "I'm going to reach out tomorrow morning with the details.", "", now, true, "tomorrow morning", "2026-03-11 12:00"},
		{"revert", "Noted, I will revert by EOD.", "", now, true, "by EOD", "2026-03-10 17:00"},
		{"time before the subject", "Tomorrow morning I'll call you with the results.", "", now, true, "Tomorrow morning", "2026-03-11 12:00"},
		{"time before with comma", "By 3pm, we'll have the invoice in your inbox.", "", now, true, "By 3pm", "2026-03-10 15:00"},
		{"make sure to", "I'll make sure to update you by 5pm.", "", now, true, "by 5pm", "2026-03-10 17:00"},
		{"talk tomorrow", "I'll talk to you tomorrow.", "", now, true, "tomorrow", "2026-03-11 17:00"},
		{"chat shorthand", "ill update u in 10 mins", "", now, true, "in 10 mins", "2026-03-10 10:30"},
		{"chat bare minutes", "We'll get this sorted and update you in 30.", "", now, true, "in 30", "2026-03-10 10:50"},
		{"first promise with a time wins", "I'll keep you posted, and I'll send the report by Wednesday.", "", now, true, "by Wednesday", "2026-03-11 17:00"},
		{"vague then timed across sentences", "We'll update you when we know more. I'll call you at 2 either way.", "", now, true, "at 2", "2026-03-10 14:00"},
		{"colleague first then customer", "I'll follow up with the team and get back to you by 4.", "", now, true, "by 4", "2026-03-10 16:00"},
		{"statement time not taken", "The fix should be live around 2pm, and I'll let you know.", "", now, true, "", ""},
		{"curly apostrophe", "I\u2019ll update you by 5pm.", "", now, true, "by 5pm", "2026-03-10 17:00"},
		{"a.m. with dots", "I'll call you at 9 a.m. tomorrow.", "", now, true, "at 9 a.m. tomorrow", "2026-03-11 09:00"},
		{"range keeps its end", "I'll call you between 2 and 4pm.", "", now, true, "between 2 and 4pm", "2026-03-10 16:00"},
		{"hours range", "I'll get back to you in 2-3 hours.", "", now, true, "in 2-3 hours", "2026-03-10 13:20"},
		{"an hour or two", "I'll get back to you in an hour or two.", "", now, true, "in an hour or two", "2026-03-10 12:20"},
		{"half an hour", "I'll update you in half an hour.", "", now, true, "in half an hour", "2026-03-10 10:50"},
		{"business days", "I'll follow up within 2 business days.", "", now, true, "within 2 business days", "2026-03-12 17:00"},
		{"calendar days keep the clock", "I'll send it in 2 days.", "", now, true, "in 2 days", "2026-03-12 10:20"},
		{"first thing tomorrow", "I'll call you first thing tomorrow.", "", now, true, "first thing tomorrow", "2026-03-11 10:00"},
		{"day of month", "I'll update you on the 15th.", "", now, true, "on the 15th", "2026-03-15 17:00"},
		{"month and day", "I'll send the contract by March 20.", "", now, true, "by March 20", "2026-03-20 17:00"},
		{"next weekday is next week's", "I'll update you next Thursday.", "", now, true, "next Thursday", "2026-03-19 17:00"},
		{"this weekday", "I'll update you this Thursday.", "", now, true, "this Thursday", "2026-03-12 17:00"},
		{"early next week", "I'll circle back early next week.", "", now, true, "early next week", "2026-03-17 17:00"},
		{"by the weekend", "I'll update you by the weekend.", "", now, true, "by the weekend", "2026-03-13 17:00"},
		{"before lunch", "I'll ping you before lunch.", "", now, true, "before lunch", "2026-03-10 12:00"},
		{"noon tomorrow", "I'll update you by noon tomorrow.", "", now, true, "by noon tomorrow", "2026-03-11 12:00"},
		{"half past", "I'll update you at half past 3.", "", now, true, "at half past 3", "2026-03-10 15:30"},
		{"o'clock", "I'll call at 3 o'clock.", "", now, true, "at 3 o'clock", "2026-03-10 15:00"},
		{"no later than", "I'll get back to you no later than 4pm.", "", now, true, "no later than 4pm", "2026-03-10 16:00"},
		{"good morning is a greeting", "Good morning! I'll get back to you shortly.", "", now, true, "shortly", "2026-03-10 10:35"},
		{"immediate send is vague", "I'll send you the link now.", "", now, true, "", ""},
		{"drop a line", "I'll drop you a line next week.", "", now, true, "next week", "2026-03-20 17:00"},
		{"chat tomorrow", "i'll get back 2 u tmrw", "", now, true, "tmrw", "2026-03-11 17:00"},
		{"conditional on customer still a promise", "I'll call you tomorrow at 10 and we can set it up together, ok?", "", now, true, "tomorrow at 10", "2026-03-11 10:00"},
		{"question after the promise", "I'll call you Monday to confirm the slot. Does a weekday work for you?", "", now, true, "Monday", "2026-03-16 17:00"},
	})
}

func TestFindPromiseNegatives(t *testing.T) {
	const now = "2026-03-10 10:20"
	for _, text := range []string{
		"",
		"The fix is scheduled for next Tuesday's release.",
		"It ships tomorrow morning.",
		"We expect the API back within 30 minutes.",
		"It usually completes in about an hour.",
		"Should be live around 2pm.",
		"Your replacement router will arrive tomorrow, guaranteed.",
		"The technician will call you tomorrow between 8 and 12.",
		"Our courier will deliver it by Friday.",
		"Engineering is on it and will update you by 5.",
		// requests to the customer
		"Just reply by 5pm today to confirm.",
		"Could you send it by 3pm?",
		"Please send me the logs and let me know if it happens again.",
		"Let me know if anything else comes up!",
		// offers phrased as questions
		"Want me to book a call?",
		"Should I call you tomorrow?",
		"Would you like me to follow up on Monday?",
		"Will you be around at 3pm?",
		"I can call you tomorrow if you like?",
		// past tense and reported speech
		"I called you yesterday at 3pm.",
		"I sent the invoice this morning.",
		"I said I'd get back to you by Friday.",
		"The customer said they'd call back tomorrow.",
		"We've updated your address.",
		// notes to the team and work on things
		"Note for the team: I'll call them tomorrow.",
		"I'll follow up with engineering by 3pm.",
		"I'll get back to it tomorrow.",
		"I'll get the team to look at it.",
		"I'll get it fixed by tomorrow.",
		"I'll have to check with finance.",
		"I'll be out until Monday.",
		// negation
		"We won't be able to update you until Monday.",
		"I'll not be able to call you today.",
		"Thanks! Will do.",
		"I promise this will never happen again.",
	} {
		t.Run(text, func(t *testing.T) {
			loc := mustZone(t, nyZone)
			if p, ok := FindPromise(text, wall(t, loc, now), loc); ok {
				t.Errorf("FindPromise(%q) = %+v, want no promise", text, p)
			}
		})
	}
}

// Everyday phrasings: read by the same grammar, not listed one by one.
func TestFindPromiseEverydayPhrasings(t *testing.T) {
	const now = "2026-03-10 10:20" // a Tuesday
	runPromiseCases(t, []promiseCase{
		{"after lunch", "I'll message you after lunch.", "", now, true, "after lunch", "2026-03-10 14:00"},
		{"after lunch said after lunch", "I'll message you after lunch.", "", "2026-03-10 15:00", true, "after lunch", "2026-03-11 14:00"},
		{"an estimate after the event dates it", "I'll reach out again once the patch is live, should be Thursday.", "", now, true, "Thursday", "2026-03-12 17:00"},
		{"an estimate in a which-clause", "I'll let you know as soon as it's deployed, which should be early next week.", "", now, true, "early next week", "2026-03-17 17:00"},
		{"an estimate with probably", "I'll ping you once it's merged, probably tomorrow morning.", "", now, true, "tomorrow morning", "2026-03-11 12:00"},
		{"a condition's time is no deadline", "I'll let you know if it happens again tomorrow.", "", now, true, "", ""},
		{"the promise's own time before the event's", "I'll call you Friday once the part arrives tomorrow.", "", now, true, "Friday", "2026-03-13 17:00"},
		{"first thing tomorrow", "I'll get back to you first thing tomorrow.", "", now, true, "first thing tomorrow", "2026-03-11 10:00"},
		{"later today", "I'll have an update for you later today.", "", now, true, "later today", "2026-03-10 17:00"},
		{"by the end of the week", "We'll get back to you by the end of the week.", "", now, true, "by the end of the week", "2026-03-13 17:00"},
		{"we'll have an answer", "We'll have an answer tomorrow.", "", now, true, "tomorrow", "2026-03-11 17:00"},
		{"let me check and get back", "Let me check and get back to you.", "", now, true, "", ""},
		{"you'll hear from me", "You'll hear from me by Friday.", "", now, true, "by Friday", "2026-03-13 17:00"},
		{"you will receive an update", "Escalated to the right people and you will receive an update shortly.", "", now, true, "shortly", "2026-03-10 10:35"},
		{"our team will contact you", "Our support team will contact you within 24 hours.", "", now, true, "within 24 hours", "2026-03-11 10:20"},
		{"someone from our team", "Someone from our billing team will reach out by Thursday.", "", now, true, "by Thursday", "2026-03-12 17:00"},
		{"progressive future", "I'll be reaching out tomorrow to schedule the visit.", "", now, true, "tomorrow", "2026-03-11 17:00"},
		{"give me until", "Please give me until tomorrow and I'll get back to you.", "", now, true, "give me until tomorrow", "2026-03-11 17:00"},
		{"time of the author's own earlier clause", "I'll have it sorted by end of the week and I'll let you know.", "", now, true, "by end of the week", "2026-03-13 17:00"},
		{"chat count with an object", "I'll be back in 10 with the logs.", "", now, true, "in 10", "2026-03-10 10:30"},
		{"chat after a colon", "Quick update: still on it, will have more for you in an hour or so.", "", now, true, "in an hour", "2026-03-10 11:20"},
		{"do my best to", "I'll do my best to get back to you by tomorrow.", "", now, true, "by tomorrow", "2026-03-11 17:00"},
		{"a clock time naming an event", "You'll have the revised plan, 2-year pricing included, in your inbox before your 4pm meeting.", "", now, true, "before your 4pm meeting", "2026-03-10 16:00"},
		{"share what they say", "I'll share what the vendor says by Thursday.", "", now, true, "by Thursday", "2026-03-12 17:00"},
		{"the object's head decides, not a word in it", "I'll send you the refund reference by Friday.", "", now, true, "by Friday", "2026-03-13 17:00"},
		{"holler", "Passed it to QA, I'll holler when I hear back.", "", now, true, "", ""},
		{"drop a note", "I'll drop a note here once the fix ships.", "", now, true, "", ""},
		{"make sure someone calls", "I'll make sure someone calls you today.", "", now, true, "today", "2026-03-10 17:00"},
		{"have someone reach out", "I'll have a specialist reach out tomorrow morning.", "", now, true, "tomorrow morning", "2026-03-11 12:00"},
		{"by morning", "I'll have an answer for you by morning.", "", "2026-03-10 16:00", true, "by morning", "2026-03-11 12:00"},
		{"the day after tomorrow", "I'll call you the day after tomorrow.", "", now, true, "the day after tomorrow", "2026-03-12 17:00"},
		{"start of next week", "I'll follow up at the start of next week.", "", now, true, "at the start of next week", "2026-03-17 17:00"},
		{"resend", "I'll resend the invoice tomorrow.", "", now, true, "tomorrow", "2026-03-11 17:00"},
		{"a date with its year", "We'll be in touch on 2026-03-20.", "", now, true, "on 2026-03-20", "2026-03-20 17:00"},
		{"every half hour", "We're going to send you an update every 30 minutes until it's fixed.", "", now, true, "every 30 minutes", "2026-03-10 10:50"},
		{"a zone named by its city", "I'll update you by 4:30pm London time.", "", now, true, "by 4:30pm London time", "2026-03-10 12:30"},
	})
}

// More that is not a promise to the customer.
func TestFindPromiseNotToTheCustomer(t *testing.T) {
	const now = "2026-03-10 10:20"
	for _, text := range []string{
		"Your order will ship tomorrow and you'll get a tracking email.",
		"You'll get a call from the courier tomorrow.",
		"I'll update the customer at 3.",
		"I'll send a technician out on Monday.",
		"We'll send you a replacement by Friday.",
		"I'll forward this to our billing team.",
		"I'll share your feedback with the product team by Friday.",
		"I'll follow up with the carrier tomorrow.",
		"I'll call you tomorrow if you like?",
		"Is it ok if I update you tomorrow?",
		"I'll be here until 5pm if you need anything.",
		"I don't think I'll have news before Friday.",
		"Internal: will ping the customer tomorrow",
		"The team will look into it tomorrow.",
		"It will be fixed by Friday.",
		"I'll fix it tonight.",
		"Please allow 24-48 hours for a response.",
		"Let me know when you're free tomorrow.",
	} {
		t.Run(text, func(t *testing.T) {
			loc := mustZone(t, nyZone)
			if p, ok := FindPromise(text, wall(t, loc, now), loc); ok {
				t.Errorf("FindPromise(%q) = %+v, want no promise", text, p)
			}
		})
	}
}

// The contract's conventions, one by one, and the business sense around them.
func TestFindPromiseConventions(t *testing.T) {
	const (
		tue   = "2026-03-10 10:20"
		tueEv = "2026-03-10 18:00"
		fri   = "2026-03-13 10:00"
		friEv = "2026-03-13 18:30"
		sat   = "2026-03-14 11:00"
	)
	runPromiseCases(t, []promiseCase{
		{"clock today", "I'll update you by 3pm.", "", tue, true, "by 3pm", "2026-03-10 15:00"},
		{"clock passed rolls to tomorrow", "I'll update you by 3pm.", "", tueEv, true, "by 3pm", "2026-03-11 15:00"},
		{"clock without am/pm in working hours", "I'll call you at 4:15.", "", tue, true, "at 4:15", "2026-03-10 16:15"},
		{"bare hour after before", "I'll have the summary over to you before 5.", "", tue, true, "before 5", "2026-03-10 17:00"},
		{"morning hour without am/pm", "I'll call you at 9:30.", "", tue, true, "at 9:30", "2026-03-11 09:30"},
		{"24-hour clock", "I'll update you by 17:00.", "", tue, true, "by 17:00", "2026-03-10 17:00"},
		{"in hours", "I'll update you in 2 hours.", "", tue, true, "in 2 hours", "2026-03-10 12:20"},
		{"in mins", "will ping you in 45 mins", "", tue, true, "in 45 mins", "2026-03-10 11:05"},
		{"within minutes", "I'll message you within 30 minutes.", "", tue, true, "within 30 minutes", "2026-03-10 10:50"},
		{"in min", "I'll get back to you in 20 min.", "", tue, true, "in 20 min", "2026-03-10 10:40"},
		{"within 24 hours", "I'll get back to you within 24 hours.", "", tue, true, "within 24 hours", "2026-03-11 10:20"},
		{"within the hour", "I'll come back to you within the hour.", "", tue, true, "within the hour", "2026-03-10 11:20"},
		{"in a few minutes", "I'll message you back in a few minutes.", "", tue, true, "in a few minutes", "2026-03-10 10:35"},
		{"shortly", "I'll get back to you shortly.", "", tue, true, "shortly", "2026-03-10 10:35"},
		{"in a bit", "I'll report back in a bit.", "", tue, true, "in a bit", "2026-03-10 10:35"},
		{"EOD", "I'll send you the release date by EOD.", "", tue, true, "by EOD", "2026-03-10 17:00"},
		{"end of day", "I'll confirm it by end of day.", "", tue, true, "by end of day", "2026-03-10 17:00"},
		{"close of business", "I'll email you by close of business.", "", tue, true, "by close of business", "2026-03-10 17:00"},
		{"COB", "I'll email you by COB.", "", tue, true, "by COB", "2026-03-10 17:00"},
		{"end of day tomorrow", "I'll send it by end of day tomorrow.", "", tue, true, "by end of day tomorrow", "2026-03-11 17:00"},
		{"this afternoon", "I'll get back to you this afternoon.", "", tue, true, "this afternoon", "2026-03-10 17:00"},
		{"this morning", "I'll update you this morning.", "", "2026-03-10 08:15", true, "this morning", "2026-03-10 12:00"},
		{"tonight", "I'll message you tonight either way.", "", tueEv, true, "tonight", "2026-03-10 21:00"},
		{"later today", "I'll get back to you later today.", "", tue, true, "later today", "2026-03-10 17:00"},
		{"tomorrow", "I'll send you the corrected PDF tomorrow.", "", tue, true, "tomorrow", "2026-03-11 17:00"},
		{"tomorrow morning", "I'll update you tomorrow morning.", "", tueEv, true, "tomorrow morning", "2026-03-11 12:00"},
		{"tomorrow afternoon", "I'll call you tomorrow afternoon.", "", tue, true, "tomorrow afternoon", "2026-03-11 17:00"},
		{"weekday", "I'll update you Monday.", "", tue, true, "Monday", "2026-03-16 17:00"},
		{"by weekday", "I'll send the tracking number by Thursday.", "", tue, true, "by Thursday", "2026-03-12 17:00"},
		{"on weekday", "I'll call you on Friday.", "", tue, true, "on Friday", "2026-03-13 17:00"},
		{"weekday said that day is next week's", "I'll update you Tuesday.", "", tue, true, "Tuesday", "2026-03-17 17:00"},
		{"end of week", "I'll update you by end of week.", "", tue, true, "by end of week", "2026-03-13 17:00"},
		{"end of the week", "I'll be in touch by the end of the week.", "", tue, true, "by the end of the week", "2026-03-13 17:00"},
		{"end of this week", "I'll send it by the end of this week.", "", tue, true, "by the end of this week", "2026-03-13 17:00"},
		{"end of week on Saturday is next Friday", "I'll update you by end of week.", "", sat, true, "by end of week", "2026-03-20 17:00"},
		{"next week", "I'll follow up next week.", "", tue, true, "next week", "2026-03-20 17:00"},
		{"next week said on Sunday", "I'll follow up next week.", "", "2026-03-15 12:00", true, "next week", "2026-03-20 17:00"},
		{"tomorrow at", "I'll call you tomorrow at 10.", "", tue, true, "tomorrow at 10", "2026-03-11 10:00"},
		{"at then tomorrow", "I'll call you at 10 tomorrow.", "", tue, true, "at 10 tomorrow", "2026-03-11 10:00"},
		{"weekday morning", "I'll update you Monday morning.", "", tue, true, "Monday morning", "2026-03-16 12:00"},
		// business sense after 17:00
		{"EOD after five is tomorrow", "I'll send it by EOD.", "", tueEv, true, "by EOD", "2026-03-11 17:00"},
		{"EOD on Friday evening is Monday", "I'll send it by EOD.", "", friEv, true, "by EOD", "2026-03-16 17:00"},
		{"COB on a Saturday morning is as said", "I'll send it by COB.", "", sat, true, "by COB", "2026-03-14 17:00"},
		{"this afternoon after five", "I'll call you this afternoon.", "", tueEv, true, "this afternoon", "2026-03-11 17:00"},
		{"later today after five", "I'll get back to you later today.", "", tueEv, true, "later today", "2026-03-11 17:00"},
		{"this morning after noon", "I'll update you this morning.", "", "2026-03-10 13:00", true, "this morning", "2026-03-11 12:00"},
		{"tomorrow on Friday is Saturday as said", "I'll call you tomorrow.", "", fri, true, "tomorrow", "2026-03-14 17:00"},
		{"weekday on Friday evening", "I'll update you Monday.", "", friEv, true, "Monday", "2026-03-16 17:00"},
		{"tonight after nine", "I'll message you tonight.", "", "2026-03-10 22:00", true, "tonight", "2026-03-10 23:59"},
		{"in the morning said in the afternoon", "I'll call you in the morning.", "", "2026-03-10 15:00", true, "in the morning", "2026-03-11 12:00"},
		{"first thing said in the afternoon", "I'll update you first thing.", "", "2026-03-10 15:00", true, "first thing", "2026-03-11 10:00"},
		// midnight crossing
		{"minutes across midnight", "I'll ping you in 45 mins.", "", "2026-03-10 23:30", true, "in 45 mins", "2026-03-11 00:15"},
		{"clock after midnight", "I'll update you by 3pm.", "", "2026-03-10 23:50", true, "by 3pm", "2026-03-11 15:00"},
		{"tomorrow just before midnight", "I'll call you tomorrow.", "", "2026-03-10 23:55", true, "tomorrow", "2026-03-11 17:00"},
		{"tomorrow just after midnight", "I'll call you tomorrow.", "", "2026-03-11 00:05", true, "tomorrow", "2026-03-12 17:00"},
		{"by midnight", "I'll send it by midnight.", "", "2026-03-10 22:00", true, "by midnight", "2026-03-11 00:00"},
		{"end of month", "I'll update you by the end of the month.", "", tue, true, "by the end of the month", "2026-03-31 17:00"},
	})
}

func TestFindPromiseZones(t *testing.T) {
	runPromiseCases(t, []promiseCase{
		{"PT from New York", "I'll have an answer by 2:30pm PT.", nyZone, "2026-01-28 14:00", true, "by 2:30pm PT", "2026-01-28 17:30"},
		{"Eastern tomorrow from Chicago", "I'll have the report in your inbox by 9am Eastern tomorrow.", "America/Chicago", "2026-02-19 17:45", true, "by 9am Eastern tomorrow", "2026-02-20 08:00"},
		{"CET from Berlin in summer means local", "I'll confirm by 17:00 CET.", berlin, "2026-07-01 10:00", true, "by 17:00 CET", "2026-07-01 17:00"},
		{"UTC from Kolkata", "I'll update you by 14:00 UTC.", kolkata, "2026-08-03 11:00", true, "by 14:00 UTC", "2026-08-03 19:30"},
		{"IST from Berlin", "I'll call you at 3pm IST.", berlin, "2026-08-03 09:00", true, "at 3pm IST", "2026-08-03 11:30"},
		{"AEST from Auckland", "I'll ping you at 10am AEST tomorrow.", auckland, "2026-06-17 11:00", true, "at 10am AEST tomorrow", "2026-06-18 12:00"},
		{"Eastern time from Sydney", "I'll send it by 5pm Eastern time.", sydney, "2026-06-10 09:00", true, "by 5pm Eastern time", "2026-06-11 07:00"},
		{"your time is the author's", "I'll call you at 4pm your time.", kolkata, "2026-08-03 11:00", true, "at 4pm your time", "2026-08-03 16:00"},
		{"Kolkata EOD", "I'll confirm the refund by EOD.", kolkata, "2026-08-03 11:00", true, "by EOD", "2026-08-03 17:00"},
		{"Sydney tomorrow", "I'll send the corrected invoice tomorrow.", sydney, "2026-08-10 09:30", true, "tomorrow", "2026-08-11 17:00"},
		{"Auckland end of week", "I'll let you know what they say by end of week.", auckland, "2026-06-17 11:00", true, "by end of week", "2026-06-19 17:00"},
		// daylight saving
		{"tomorrow across the US change", "I'll call you tomorrow.", nyZone, "2026-03-07 10:00", true, "tomorrow", "2026-03-08 17:00"},
		{"tomorrow across the US fall change", "I'll call you tomorrow.", nyZone, "2026-10-31 10:00", true, "tomorrow", "2026-11-01 17:00"},
		{"tomorrow across the EU change", "I'll call you tomorrow.", berlin, "2026-10-24 20:00", true, "tomorrow", "2026-10-25 17:00"},
		{"tomorrow across the EU spring change", "I'll call you tomorrow.", berlin, "2026-03-28 20:00", true, "tomorrow", "2026-03-29 17:00"},
		{"weekday across the Sydney change", "I'll update you Monday.", sydney, "2026-04-03 15:00", true, "Monday", "2026-04-06 17:00"},
		{"weekday across the Auckland change", "I'll update you Monday.", auckland, "2026-09-25 10:00", true, "Monday", "2026-09-28 17:00"},
		{"weekday across the US change", "I'll call you Monday.", nyZone, "2026-03-06 17:30", true, "Monday", "2026-03-09 17:00"},
		{"within 24 hours is absolute", "I'll get back to you within 24 hours.", berlin, "2026-10-24 20:00", true, "within 24 hours", "2026-10-25 19:00"},
		{"in hours across the US change", "I'll check back in 3 hours.", nyZone, "2026-03-07 23:30", true, "in 3 hours", "2026-03-08 03:30"},
		{"Pacific across the US change", "I'll update you by 9am PT Monday.", berlin, "2026-03-06 12:00", true, "by 9am PT Monday", "2026-03-09 17:00"},
		{"Eastern while Europe has not changed", "I'll update you by noon ET tomorrow.", berlin, "2026-03-09 10:00", true, "by noon ET tomorrow", "2026-03-10 17:00"},
	})
}

// Absolute spans are measured on the clock, not the calendar: two hours across the night the
// clocks go back are two real hours.
func TestFindPromiseHoursAcrossFallBack(t *testing.T) {
	loc := mustZone(t, berlin)
	now := time.Date(2026, 10, 25, 1, 30, 0, 0, loc) // CEST, an hour before the change
	p, ok := FindPromise("I'll update you in 2 hours.", now, loc)
	if want := now.Add(2 * time.Hour); !ok || !p.Due.Equal(want) {
		t.Errorf("FindPromise(%q) = %v, %v, want due %v", "I'll update you in 2 hours.", p, ok, want)
	}
}

func TestFindPromiseText(t *testing.T) {
	loc := mustZone(t, nyZone)
	now := wall(t, loc, "2026-03-10 10:20")
	for _, tc := range []struct{ name, in, text string }{
		{"sentence after context", "Thanks for flagging! I've asked finance to reissue it, and I'll send you the corrected PDF tomorrow.", "I'll send you the corrected PDF tomorrow"},
		{"let me", "Good question, let me double-check with the team and circle back.", "let me double-check with the team and circle back"},
		{"time first", "Tomorrow morning I'll call you.", "Tomorrow morning I'll call you"},
		{"bare will", "now pulling the logs, will ping you in 45 mins with what went wrong", "will ping you in 45 mins with what went wrong"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := FindPromise(tc.in, now, loc)
			if !ok || p.Text != tc.text {
				t.Errorf("FindPromise(%q).Text = %q (ok %v), want %q", tc.in, p.Text, ok, tc.text)
			}
		})
	}
	long := "I'll get back to you by Friday with " + strings.Repeat("a very detailed breakdown of every charge ", 10) + "on the account."
	p, ok := FindPromise(long, now, loc)
	if !ok || len(p.Text) > maxPromiseText || !strings.HasPrefix(p.Text, "I'll get back to you by Friday") {
		t.Errorf("FindPromise(long).Text = %q (%d bytes), want a prefix of at most %d bytes", p.Text, len(p.Text), maxPromiseText)
	}
}

func TestResolveTime(t *testing.T) {
	loc := mustZone(t, nyZone)
	now := wall(t, loc, "2026-03-10 10:20") // Tuesday
	for _, tc := range []struct{ in, expr, due string }{
		{"by 3pm", "by 3pm", "2026-03-10 15:00"},
		{"tomorrow morning", "tomorrow morning", "2026-03-11 12:00"},
		{"in 2 hours", "in 2 hours", "2026-03-10 12:20"},
		{"EOD Friday", "EOD Friday", "2026-03-13 17:00"},
		{"Friday EOD", "Friday EOD", "2026-03-13 17:00"},
		{"within the hour", "within the hour", "2026-03-10 11:20"},
		{"next week", "next week", "2026-03-20 17:00"},
		{"Monday", "Monday", "2026-03-16 17:00"},
		{"at 4:15", "at 4:15", "2026-03-10 16:15"},
		{"by 9am Eastern tomorrow", "by 9am Eastern tomorrow", "2026-03-11 09:00"},
		{"we'll be done around 11am, promise", "around 11am", "2026-03-10 11:00"},
		{"in the next hour", "in the next hour", "2026-03-10 11:20"},
		{"2 hours from now", "2 hours from now", "2026-03-10 12:20"},
		{"an hour and a half", "", ""},
		{"in an hour and a half", "in an hour and a half", "2026-03-10 11:50"},
		{"this time tomorrow", "this time tomorrow", "2026-03-11 10:20"},
		{"next business day", "next business day", "2026-03-11 17:00"},
		{"by 3.30pm", "by 3.30pm", "2026-03-10 15:30"},
		{"by 10:40", "by 10:40", "2026-03-10 10:40"},
		{"at quarter to 5", "at quarter to 5", "2026-03-10 16:45"},
		{"the 3rd of April", "the 3rd of April", "2026-04-03 17:00"},
		{"tomorrow evening", "tomorrow evening", "2026-03-11 21:00"},
		{"good morning", "", ""},
		{"version 17.3", "", ""},
		{"call us at 1-800-555-0142", "", ""},
		{"at 10 percent", "", ""},
		{"in the meantime", "", ""},
		{"from 9 to 5", "", ""},
		{"in 0 minutes", "", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			expr, due, ok := ResolveTime(tc.in, now, loc)
			if tc.expr == "" {
				if ok {
					t.Errorf("ResolveTime(%q) = %q, %v, want none", tc.in, expr, due)
				}
				return
			}
			want := wall(t, loc, tc.due)
			if !ok || expr != tc.expr || !due.Equal(want) {
				t.Errorf("ResolveTime(%q) = %q, %v, %v, want %q, %v", tc.in, expr, due, ok, tc.expr, want)
			}
		})
	}
}

func TestPromiseVocabularyIsStrict(t *testing.T) {
	good := string(promiseJSON)
	if _, err := loadPromiseVocabulary(promiseJSON); err != nil {
		t.Fatalf("embedded promise.json: %v", err)
	}
	for _, tc := range []struct{ name, json, want string }{
		{"unknown key", strings.Replace(good, `"you":`, `"yuo": [], "you":`, 1), `unknown field "yuo"`},
		{"word twice", strings.Replace(good, `"us": ["me", "us"]`, `"us": ["me", "us", "me"]`, 1), `us: "me" is listed twice`},
		{"capitals", strings.Replace(good, `"us": ["me", "us"]`, `"us": ["Me", "us"]`, 1), `"Me" must be one lowercase word`},
		{"empty list", strings.Replace(good, `"us": ["me", "us"]`, `"us": []`, 1), "us: missing or empty"},
		{"pattern twice", strings.Replace(good, `"follow up",`, `"follow up", "follow up",`, 1), `"follow up" is listed twice`},
		{"unknown class", strings.Replace(good, `"follow up",`, `"follow @them",`, 1), "@them is not a class"},
		{"pattern opening with a class", strings.Replace(good, `"follow up",`, `"@you follow",`, 1), "must start with a word"},
		{"two skips", strings.Replace(good, `"follow up",`, `"follow ... up ...",`, 1), "holds ... twice"},
		{"two values", good + "{}", "more than one JSON value"},
		{"not JSON", "[", "promise.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadPromiseVocabulary([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("loadPromiseVocabulary = %v, want an error holding %q", err, tc.want)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("mustPromiseVocabulary of a broken file did not panic")
		}
	}()
	mustPromiseVocabulary([]byte(`{"subjects": 1}`))
}

var promiseFuzzSeeds = []string{
	"", "I'll update you by 3pm tomorrow", "will ping you in 45 mins", "I'll", "i'll get back",
	"by 12am", "this Monday at 12am", "in 99999999999 hours", "at 24:00", "the 31st of February",
	"I'll call you at 7 on the 0th", "EOD EOD EOD", "let me", "\xff\xfe I'll", "I\u2019ll call 9 a.m.",
	"in 1.5 hours", "between and 4", "half past", "quarter to 1", strings.Repeat("I'll send ", 50),
	"I'll update you by *3pm*", "once it's live, should be", "give me until", "you'll get an email from",
}

func FuzzFindPromise(f *testing.F) {
	for _, s := range promiseFuzzSeeds {
		f.Add(s, int64(1773152400))
	}
	zones := []*time.Location{time.UTC, mustZone(f, nyZone), mustZone(f, kolkata), mustZone(f, auckland)}
	f.Fuzz(func(t *testing.T, s string, sec int64) {
		sec %= 4_000_000_000 // within a century or so of 1970, either side
		now := time.Unix(sec, 0)
		for _, loc := range zones {
			p, ok := FindPromise(s, now, loc)
			if !ok {
				if p != (Commitment{}) {
					t.Fatalf("FindPromise(%q) = %+v with ok false", s, p)
				}
				continue
			}
			if p.Text == "" || !utf8.ValidString(p.Text) && utf8.ValidString(s) {
				t.Fatalf("FindPromise(%q).Text = %q", s, p.Text)
			}
			if p.Due.IsZero() != (p.When == "") {
				t.Fatalf("FindPromise(%q) = When %q, Due %v: Due must be set iff When is", s, p.When, p.Due)
			}
			// the text pipeline drops markup ("by *3pm*" reads "by 3pm"): When is the prose's
			if plain := text.Parse(s).Plain; !strings.Contains(plain, p.When) || !strings.Contains(plain, p.Text) {
				t.Fatalf("FindPromise(%q) = When %q, Text %q: not from the message's prose %q", s, p.When, p.Text, plain)
			}
		}
	})
}

func FuzzResolveTime(f *testing.F) {
	for _, s := range promiseFuzzSeeds {
		f.Add(s)
	}
	loc := mustZone(f, sydney)
	now := time.Date(2026, 4, 4, 23, 30, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		expr, due, ok := ResolveTime(s, now, loc)
		if ok != (expr != "") || ok == due.IsZero() {
			t.Fatalf("ResolveTime(%q) = %q, %v, %v", s, expr, due, ok)
		}
		if plain := text.Parse(s).Plain; !strings.Contains(plain, expr) {
			t.Fatalf("ResolveTime(%q) = %q, not from the message's prose %q", s, expr, plain)
		}
	})
}

// adversarial are shapes that would make a careless scanner quadratic, at Slack's longest
// message: BenchmarkFindPromiseAdversarial measures them (every look-ahead is bounded).
var adversarial = []string{"I'll ", "will ", "in a few ", "by 3 ", "x", "I'll get back to you once it ships, ", "let me "}

func BenchmarkFindPromiseAdversarial(b *testing.B) {
	loc := mustZone(b, nyZone)
	now := time.Date(2026, 3, 10, 10, 20, 0, 0, loc)
	for _, unit := range adversarial {
		s := strings.Repeat(unit, 40000/len(unit))
		b.Run(strings.TrimSpace(unit), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				FindPromise(s, now, loc)
				ResolveTime(s, now, loc)
			}
		})
	}
}

func BenchmarkFindPromise(b *testing.B) {
	loc := mustZone(b, nyZone)
	now := time.Date(2026, 3, 10, 10, 20, 0, 0, loc)
	msg := "Thanks for bearing with us! The exchange got stuck on an out-of-stock size. It's back in stock now, and I'll send you the tracking number by Thursday afternoon."
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		FindPromise(msg, now, loc)
	}
}

// BenchmarkFindPromiseDoc measures the finder alone, on a message the analyzer has read once
// for every judgement.
func BenchmarkFindPromiseDoc(b *testing.B) {
	loc := mustZone(b, nyZone)
	now := time.Date(2026, 3, 10, 10, 20, 0, 0, loc)
	d := text.Parse("Thanks for bearing with us! The exchange got stuck on an out-of-stock size. It's back in stock now, and I'll send you the tracking number by Thursday afternoon.")
	b.ReportAllocs()
	for b.Loop() {
		findPromise(d, now, loc)
	}
}

func BenchmarkFindPromiseNone(b *testing.B) {
	loc := mustZone(b, nyZone)
	now := time.Date(2026, 3, 10, 10, 20, 0, 0, loc)
	msg := "I'm really sorry. You took the day off and nobody came, and that's on us. I've booked you the first slot on Thursday, between 8am and 12pm, and waived the install fee."
	b.ReportAllocs()
	for b.Loop() {
		FindPromise(msg, now, loc)
	}
}
