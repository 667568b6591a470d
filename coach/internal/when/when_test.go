package when

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones; embed them so they pass on hosts without zoneinfo

	"github.com/deescalate/deescalate/coach/internal/text"
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

// first reads the first time expression of s that resolves, sentence by sentence.
func first(s string, now time.Time, loc *time.Location) (string, time.Time, bool) {
	d := text.Parse(s)
	for _, sent := range d.Sents {
		for i := sent.First; i < sent.End; i++ {
			e, ok := At(d, i, sent.End)
			if !ok {
				continue
			}
			if due := e.Due(now, loc); !due.IsZero() {
				return d.Span(e.First, e.End), due, true
			}
		}
	}
	return "", time.Time{}, false
}

type dueCase struct {
	in, tz, now string // now: wall clock in tz
	expr, due   string // due: wall clock in tz; expr "" for none
}

func runDue(t *testing.T, cases []dueCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.in+"@"+tc.now, func(t *testing.T) {
			tz := tc.tz
			if tz == "" {
				tz = "America/New_York"
			}
			loc := mustZone(t, tz)
			expr, due, ok := first(tc.in, wall(t, loc, tc.now), loc)
			if tc.expr == "" {
				if ok {
					t.Errorf("%q: read %q → %v, want no time", tc.in, expr, due)
				}
				return
			}
			want := wall(t, loc, tc.due)
			if !ok || expr != tc.expr || !due.Equal(want) {
				t.Errorf("%q: read %q → %v (ok %v), want %q → %v", tc.in, expr, due, ok, tc.expr, want)
			}
			if ok && due.Location() != loc {
				t.Errorf("%q: due in %v, want %v", tc.in, due.Location(), loc)
			}
		})
	}
}

const (
	tue   = "2026-03-10 10:20" // a Tuesday
	tueEv = "2026-03-10 18:00"
	friEv = "2026-03-13 18:30"
	sat   = "2026-03-14 11:00"
)

// The analysis contract's conventions, one by one, and the business sense around them.
func TestDueConventions(t *testing.T) {
	runDue(t, []dueCase{
		{"by 3pm", "", tue, "by 3pm", "2026-03-10 15:00"},
		{"by 3pm", "", tueEv, "by 3pm", "2026-03-11 15:00"},
		{"at 4:15", "", tue, "at 4:15", "2026-03-10 16:15"},
		{"at 9:30", "", tue, "at 9:30", "2026-03-11 09:30"},
		{"at 7", "", "2026-03-10 08:00", "at 7", "2026-03-10 19:00"},
		{"before 5.", "", tue, "before 5", "2026-03-10 17:00"},
		{"by 17:00", "", tue, "by 17:00", "2026-03-10 17:00"},
		{"by 3.30pm", "", tue, "by 3.30pm", "2026-03-10 15:30"},
		{"at 9 a.m. tomorrow", "", tue, "at 9 a.m. tomorrow", "2026-03-11 09:00"},
		{"at 3 o'clock", "", tue, "at 3 o'clock", "2026-03-10 15:00"},
		{"at half past 3", "", tue, "at half past 3", "2026-03-10 15:30"},
		{"at quarter to 5", "", tue, "at quarter to 5", "2026-03-10 16:45"},
		{"between 2 and 4pm", "", tue, "between 2 and 4pm", "2026-03-10 16:00"},
		{"by 2-3pm", "", tue, "by 2-3pm", "2026-03-10 15:00"},
		{"no later than 4pm", "", tue, "no later than 4pm", "2026-03-10 16:00"},
		{"in 2 hours", "", tue, "in 2 hours", "2026-03-10 12:20"},
		{"in 2-3 hours", "", tue, "in 2-3 hours", "2026-03-10 13:20"},
		{"in 2 to 3 hours", "", tue, "in 2 to 3 hours", "2026-03-10 13:20"},
		{"in an hour or two", "", tue, "in an hour or two", "2026-03-10 12:20"},
		{"in an hour and a half", "", tue, "in an hour and a half", "2026-03-10 11:50"},
		{"in half an hour", "", tue, "in half an hour", "2026-03-10 10:50"},
		{"in 45 mins", "", tue, "in 45 mins", "2026-03-10 11:05"},
		{"within 48h", "", tue, "within 48h", "2026-03-12 10:20"},
		{"update you in 30.", "", tue, "in 30", "2026-03-10 10:50"},
		{"within the hour", "", tue, "within the hour", "2026-03-10 11:20"},
		{"in the next hour", "", tue, "in the next hour", "2026-03-10 11:20"},
		{"2 hours from now", "", tue, "2 hours from now", "2026-03-10 12:20"},
		{"in a few minutes", "", tue, "in a few minutes", "2026-03-10 10:35"},
		{"in a minute", "", tue, "in a minute", "2026-03-10 10:35"},
		{"in a bit", "", tue, "in a bit", "2026-03-10 10:35"},
		{"shortly", "", tue, "shortly", "2026-03-10 10:35"},
		{"at the top of the hour", "", tue, "at the top of the hour", "2026-03-10 11:00"},
		{"give me 30 minutes", "", tue, "give me 30 minutes", "2026-03-10 10:50"},
		{"in 2 days", "", tue, "in 2 days", "2026-03-12 10:20"},
		{"within 2 business days", "", tue, "within 2 business days", "2026-03-12 17:00"},
		{"within 1-2 business days", "", "2026-03-13 10:00", "within 1-2 business days", "2026-03-17 17:00"},
		{"in the next day or two", "", tue, "in the next day or two", "2026-03-12 10:20"},
		{"by EOD", "", tue, "by EOD", "2026-03-10 17:00"},
		{"by EOD", "", tueEv, "by EOD", "2026-03-11 17:00"},
		{"by EOD", "", friEv, "by EOD", "2026-03-16 17:00"},
		{"by COB", "", sat, "by COB", "2026-03-14 17:00"},
		{"by end of day", "", tue, "by end of day", "2026-03-10 17:00"},
		{"by the end of the day", "", tue, "by the end of the day", "2026-03-10 17:00"},
		{"by close of business", "", tue, "by close of business", "2026-03-10 17:00"},
		{"by end of day tomorrow", "", tue, "by end of day tomorrow", "2026-03-11 17:00"},
		{"EOD Friday", "", tue, "EOD Friday", "2026-03-13 17:00"},
		{"Friday EOD", "", tue, "Friday EOD", "2026-03-13 17:00"},
		{"this afternoon", "", tue, "this afternoon", "2026-03-10 17:00"},
		{"this afternoon", "", tueEv, "this afternoon", "2026-03-11 17:00"},
		{"this morning", "", "2026-03-10 08:15", "this morning", "2026-03-10 12:00"},
		{"this morning", "", "2026-03-10 13:00", "this morning", "2026-03-11 12:00"},
		{"tonight", "", tueEv, "tonight", "2026-03-10 21:00"},
		{"tonight", "", "2026-03-10 22:00", "tonight", "2026-03-10 23:59"},
		{"later today", "", tue, "later today", "2026-03-10 17:00"},
		{"later today", "", tueEv, "later today", "2026-03-11 17:00"},
		{"tomorrow", "", tue, "tomorrow", "2026-03-11 17:00"},
		{"tmrw", "", tue, "tmrw", "2026-03-11 17:00"},
		{"tomorrow", "", "2026-03-11 00:05", "tomorrow", "2026-03-12 17:00"},
		{"tomorrow morning", "", tue, "tomorrow morning", "2026-03-11 12:00"},
		{"tomorrow evening", "", tue, "tomorrow evening", "2026-03-11 21:00"},
		{"tomorrow at 10", "", tue, "tomorrow at 10", "2026-03-11 10:00"},
		{"this time tomorrow", "", tue, "this time tomorrow", "2026-03-11 10:20"},
		{"in the morning", "", "2026-03-10 15:00", "in the morning", "2026-03-11 12:00"},
		{"by noon", "", tue, "by noon", "2026-03-10 12:00"},
		{"by midnight", "", "2026-03-10 22:00", "by midnight", "2026-03-11 00:00"},
		{"before lunch", "", tue, "before lunch", "2026-03-10 12:00"},
		{"Monday", "", tue, "Monday", "2026-03-16 17:00"},
		{"Tuesday", "", tue, "Tuesday", "2026-03-17 17:00"},
		{"by Thursday", "", tue, "by Thursday", "2026-03-12 17:00"},
		{"Monday morning", "", tue, "Monday morning", "2026-03-16 12:00"},
		{"by Monday noon", "", tue, "by Monday noon", "2026-03-16 12:00"},
		{"Monday or Tuesday", "", "2026-03-12 10:00", "Monday or Tuesday", "2026-03-17 17:00"},
		{"this Thursday", "", tue, "this Thursday", "2026-03-12 17:00"},
		{"next Thursday", "", tue, "next Thursday", "2026-03-19 17:00"},
		{"by end of week", "", tue, "by end of week", "2026-03-13 17:00"},
		{"by end of week", "", sat, "by end of week", "2026-03-20 17:00"},
		{"by the end of this week", "", tue, "by the end of this week", "2026-03-13 17:00"},
		{"next week", "", tue, "next week", "2026-03-20 17:00"},
		{"next week", "", "2026-03-15 12:00", "next week", "2026-03-20 17:00"},
		{"early next week", "", tue, "early next week", "2026-03-17 17:00"},
		{"by the weekend", "", tue, "by the weekend", "2026-03-13 17:00"},
		{"next business day", "", tue, "next business day", "2026-03-11 17:00"},
		{"by the end of the month", "", tue, "by the end of the month", "2026-03-31 17:00"},
		{"on the 15th", "", tue, "on the 15th", "2026-03-15 17:00"},
		{"by March 20", "", tue, "by March 20", "2026-03-20 17:00"},
		{"the 3rd of April", "", tue, "the 3rd of April", "2026-04-03 17:00"},
		{"by 2026-04-02", "", tue, "by 2026-04-02", "2026-04-02 17:00"},
	})
}

// Phrasings beyond the contract's list, read by the same grammar.
func TestDueEverydayPhrasings(t *testing.T) {
	runDue(t, []dueCase{
		{"after lunch", "", tue, "after lunch", "2026-03-10 14:00"},
		{"after lunch", "", "2026-03-10 15:00", "after lunch", "2026-03-11 14:00"},
		{"tomorrow after lunch", "", tue, "tomorrow after lunch", "2026-03-11 14:00"},
		{"first thing tomorrow", "", tue, "first thing tomorrow", "2026-03-11 10:00"},
		{"first thing Tuesday", "", "2026-03-13 10:00", "first thing Tuesday", "2026-03-17 10:00"},
		{"first thing in the morning", "", "2026-03-10 15:00", "first thing in the morning", "2026-03-11 10:00"},
		{"by the end of the week", "", tue, "by the end of the week", "2026-03-13 17:00"},
		{"should be Thursday", "", tue, "Thursday", "2026-03-12 17:00"},
		{"before your 2pm call", "", tue, "before your 2pm call", "2026-03-10 14:00"},
		{"well before the 16:00 standup", "", tue, "before the 16:00 standup", "2026-03-10 16:00"},
		{"on Tuesday before midday", "", "2026-03-13 10:00", "on Tuesday before midday", "2026-03-17 12:00"},
		{"by end-of-day", "", tue, "by end-of-day", "2026-03-10 17:00"},
		{"later this week", "", tue, "later this week", "2026-03-13 17:00"},
		{"over the next 2 hours", "", tue, "over the next 2 hours", "2026-03-10 12:20"},
		{"around 11am", "", tue, "around 11am", "2026-03-10 11:00"},
	})
}

// Words that look like times and are not deadlines.
func TestNotTimes(t *testing.T) {
	for _, s := range []string{
		"good morning", "version 17.3", "call us at 1-800-555-0142", "at 10 percent", "in the meantime",
		"from 9 to 5", "in 0 minutes", "an hour and a half", "it took 3 hours", "every 2 days", "3 hours ago",
		"we had lunch", "the 2023 readings", "on 12/03", "in 2026", "since Monday", "at 3 a", "soon", "asap", "later",
	} {
		runDue(t, []dueCase{{in: s, now: tue}})
	}
}

// Named zones are the IANA database's: each resolves with its own daylight-saving rules.
func TestDueNamedZones(t *testing.T) {
	runDue(t, []dueCase{
		{"by 2:30pm PT", "America/New_York", "2026-01-28 14:00", "by 2:30pm PT", "2026-01-28 17:30"},
		{"by 9am Eastern tomorrow", "America/Chicago", "2026-02-19 17:45", "by 9am Eastern tomorrow", "2026-02-20 08:00"},
		{"by 17:00 CET", "Europe/Berlin", "2026-07-01 10:00", "by 17:00 CET", "2026-07-01 17:00"},
		{"by 14:00 UTC", "Asia/Kolkata", "2026-08-03 11:00", "by 14:00 UTC", "2026-08-03 19:30"},
		{"at 3pm IST", "Europe/Berlin", "2026-08-03 09:00", "at 3pm IST", "2026-08-03 11:30"},
		{"at 10am AEST tomorrow", "Pacific/Auckland", "2026-06-17 11:00", "at 10am AEST tomorrow", "2026-06-18 12:00"},
		{"by 5pm Eastern time", "Australia/Sydney", "2026-06-10 09:00", "by 5pm Eastern time", "2026-06-11 07:00"},
		{"at 4pm your time", "Asia/Kolkata", "2026-08-03 11:00", "at 4pm your time", "2026-08-03 16:00"},
		{"by 4:30pm UK time today", "Europe/London", "2026-06-11 09:00", "by 4:30pm UK time today", "2026-06-11 16:30"},
		{"by 11:15 Singapore time", "Asia/Singapore", "2026-09-25 08:45", "by 11:15 Singapore time", "2026-09-25 11:15"},
		{"at 9am central European time", "America/New_York", "2026-01-12 01:00", "at 9am central European time", "2026-01-12 03:00"},
		{"by 9am Pacific standard time", "America/New_York", "2026-01-12 01:00", "by 9am Pacific standard time", "2026-01-12 12:00"},
		{"by noon ET tomorrow", "Europe/Berlin", "2026-03-09 10:00", "by noon ET tomorrow", "2026-03-10 17:00"},
		{"by 9am PT Monday", "Europe/Berlin", "2026-03-06 12:00", "by 9am PT Monday", "2026-03-09 17:00"},
		{"EOD Pacific", "America/New_York", "2026-03-10 10:00", "EOD Pacific", "2026-03-10 20:00"},
	})
}

// Across daylight-saving changes, calendar times keep their wall clock and spans their length,
// in zones that change on different dates and in both hemispheres.
func TestDueAcrossDaylightSaving(t *testing.T) {
	runDue(t, []dueCase{
		// America/New_York: 2026-03-08 and 2026-11-01
		{"tomorrow", "America/New_York", "2026-03-07 10:00", "tomorrow", "2026-03-08 17:00"},
		{"tomorrow", "America/New_York", "2026-10-31 10:00", "tomorrow", "2026-11-01 17:00"},
		{"Monday", "America/New_York", "2026-03-06 17:30", "Monday", "2026-03-09 17:00"},
		{"in 3 hours", "America/New_York", "2026-03-07 23:30", "in 3 hours", "2026-03-08 03:30"},
		{"this time tomorrow", "America/New_York", "2026-03-07 10:00", "this time tomorrow", "2026-03-08 10:00"},
		{"in 2 days", "America/New_York", "2026-10-31 09:00", "in 2 days", "2026-11-02 09:00"},
		// Europe/Berlin: 2026-03-29 and 2026-10-25
		{"tomorrow", "Europe/Berlin", "2026-03-28 20:00", "tomorrow", "2026-03-29 17:00"},
		{"tomorrow", "Europe/Berlin", "2026-10-24 20:00", "tomorrow", "2026-10-25 17:00"},
		{"within 24 hours", "Europe/Berlin", "2026-10-24 20:00", "within 24 hours", "2026-10-25 19:00"},
		{"within 24 hours", "Europe/Berlin", "2026-03-28 20:00", "within 24 hours", "2026-03-29 21:00"},
		{"by 9am", "Europe/Berlin", "2026-03-28 20:00", "by 9am", "2026-03-29 09:00"},
		// Australia/Sydney: clocks go back 2026-04-05 and forward 2026-10-04
		{"Monday", "Australia/Sydney", "2026-04-03 15:00", "Monday", "2026-04-06 17:00"},
		{"by 10am", "Australia/Sydney", "2026-04-04 23:30", "by 10am", "2026-04-05 10:00"},
		{"within 24 hours", "Australia/Sydney", "2026-04-04 12:00", "within 24 hours", "2026-04-05 11:00"},
		{"within 24 hours", "Australia/Sydney", "2026-10-03 12:00", "within 24 hours", "2026-10-04 13:00"},
		{"tomorrow morning", "Australia/Sydney", "2026-10-03 20:00", "tomorrow morning", "2026-10-04 12:00"},
		// Pacific/Auckland: clocks go back 2026-04-05 and forward 2026-09-27
		{"Monday", "Pacific/Auckland", "2026-09-25 10:00", "Monday", "2026-09-28 17:00"},
		{"within 24 hours", "Pacific/Auckland", "2026-09-26 12:00", "within 24 hours", "2026-09-27 13:00"},
		{"by 9am", "Pacific/Auckland", "2026-04-04 22:00", "by 9am", "2026-04-05 09:00"},
		// a named zone that changes while the author's does not, and the other way round
		{"by noon ET tomorrow", "Europe/Berlin", "2026-03-09 10:00", "by noon ET tomorrow", "2026-03-10 17:00"},
		{"by noon ET tomorrow", "Europe/Berlin", "2026-03-30 10:00", "by noon ET tomorrow", "2026-03-31 18:00"},
		{"by 9am AEST Monday", "Pacific/Auckland", "2026-09-25 10:00", "by 9am AEST Monday", "2026-09-28 12:00"},
		{"at 10am CET tomorrow", "Australia/Sydney", "2026-04-04 10:00", "at 10am CET tomorrow", "2026-04-05 18:00"},
	})
}

// A zone named in words.json that the host cannot load gives no due time rather than a wrong one.
func TestUnknownZoneGivesNoDue(t *testing.T) {
	saved := vocab
	defer func() { vocab = saved }()
	v, err := loadVocabulary([]byte(strings.Replace(string(wordsJSON), `"America/Los_Angeles"`, `"Nowhere/Atlantis"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	vocab = v
	d := text.Parse("by 3pm PT")
	e, ok := At(d, 0, len(d.Tokens))
	if !ok {
		t.Fatal(`At("by 3pm PT") found nothing`)
	}
	if due := e.Due(time.Now(), time.UTC); !due.IsZero() {
		t.Errorf("Due with an unknown zone = %v, want zero", due)
	}
}

// Every zone words.json names is a real IANA zone.
func TestVocabularyZonesLoad(t *testing.T) {
	for _, z := range vocab.zones {
		if _, err := z.load(); err != nil {
			t.Errorf("zone %q: %v", z.name, err)
		}
	}
}

func TestVocabularyIsStrict(t *testing.T) {
	good := string(wordsJSON)
	if _, err := loadVocabulary(wordsJSON); err != nil {
		t.Fatalf("embedded words.json: %v", err)
	}
	for _, tc := range []struct{ name, json, want string }{
		{"unknown key", strings.Replace(good, `"tonight":`, `"tonite": [], "tonight":`, 1), `unknown field "tonite"`},
		{"word twice", strings.Replace(good, `"tmrw",`, `"tmrw", "mon",`, 1), `"mon" is listed twice`},
		{"capitals", strings.Replace(good, `"eod",`, `"EOD",`, 1), `"EOD" must be one lowercase word`},
		{"six weekdays", strings.Replace(good, `["sunday"],`, ``, 1), "weekdays: 6 lists, want 7"},
		{"empty list", strings.Replace(good, `"midnight": ["midnight"]`, `"midnight": []`, 1), "midnight: missing or empty"},
		{"unknown unit", strings.Replace(good, `"unit": "week"`, `"unit": "fortnight"`, 1), `"fortnight" is not a unit`},
		{"bad zone", strings.Replace(good, `"zone": "UTC"`, `"zone": "Not a zone"`, 1), "is not an IANA zone name"},
		{"two values", good + "{}", "more than one JSON value"},
		{"not JSON", "{", "words.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadVocabulary([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("loadVocabulary = %v, want an error holding %q", err, tc.want)
			}
		})
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("mustVocabulary of a broken file did not panic")
		}
	}()
	mustVocabulary([]byte(`{"weekdays": 1}`))
}

func TestErrorsListEveryProblem(t *testing.T) {
	broken := strings.Replace(strings.Replace(string(wordsJSON), `"eod",`, `"EOD",`, 1), `"midnight": ["midnight"]`, `"midnight": []`, 1)
	_, err := loadVocabulary([]byte(broken))
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 2 {
		t.Errorf("loadVocabulary = %v, want both problems listed", err)
	}
}

// FuzzAt holds At and Due to their promises on any input: expressions inside the text, never a
// panic, a due time in the author's zone.
func FuzzAt(f *testing.F) {
	for _, s := range []string{"", "by 3pm tomorrow", "in 99999999999 hours", "at 24:00", "the 31st of February", "2-3pm",
		"quarter to 1", "in 1.5 hours", "between and 4", "half past", "by 9am PT Monday", "end of", "the end of the",
		"2026-02-31", "in 10 -", "before your 2pm", "after lunch tomorrow", "EOD EOD EOD"} {
		f.Add(s)
	}
	loc := mustZone(f, "Australia/Sydney")
	now := time.Date(2026, 4, 4, 23, 30, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		d := text.Parse(s)
		for i := range d.Tokens {
			e, ok := At(d, i, len(d.Tokens))
			if !ok {
				continue
			}
			if e.First != i || e.End <= e.First || e.End > len(d.Tokens) {
				t.Fatalf("At(%q, %d) = [%d, %d)", s, i, e.First, e.End)
			}
			if due := e.Due(now, loc); !due.IsZero() && due.Location() != loc {
				t.Fatalf("At(%q, %d).Due in %v", s, i, due.Location())
			}
		}
	})
}

func BenchmarkFind(b *testing.B) {
	d := text.Parse("Thanks for bearing with us! The exchange got stuck on an out-of-stock size. It's back in stock now, and I'll send you the tracking number by 9am PT Thursday.")
	loc := mustZone(b, "America/New_York")
	now := time.Date(2026, 3, 10, 10, 20, 0, 0, loc)
	b.ReportAllocs()
	for b.Loop() {
		e, _ := Find(d, 0, len(d.Tokens))
		e.Due(now, loc)
	}
}
