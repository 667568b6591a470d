// Package when reads time expressions ("by 3pm", "tomorrow morning", "in 2 hours", "EOD
// Friday", "by 9am PT Monday", "after lunch") from a message already read by the coach's text
// pipeline, and resolves them to the moment they name in the author's zone, following the
// analysis contract's conventions (see Due). Zones named in the text are the IANA database's,
// loaded with time.LoadLocation: daylight saving is never computed here.
package when

import (
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach/internal/text"
)

// Expr is a time expression: tokens [First, End) of the Doc it was read from.
type Expr struct {
	First, End int

	span      bool          // a span from now: dur, days or business days
	dur       time.Duration // "in 2 hours"
	days      int           // calendar days ahead, same clock time: "in 2 days"
	biz       int           // business days ahead, at the end of the day: "within 2 business days"
	topOfHour bool          // "at the top of the hour"

	day   dayKind
	wd    time.Weekday // of a weekday
	year  int          // of a date written with its year: "2026-11-24"
	month time.Month   // of a date; 0: the next such day of the month
	mday  int          // of a date

	part   partKind
	inThe  bool // "in the morning" with no day: the next morning
	clock  bool
	hour   int
	min    int
	ampm   uint8 // 0 unsaid, 1 am, 2 pm
	zone   int   // index of a named zone in vocab.zones, plus one; 0: the author's
	hasDay bool
}

type dayKind uint8

const (
	dayNone             dayKind = iota
	dayToday                    // "today", "tonight"
	dayTomorrow                 // "tomorrow"
	dayAfterTomorrow            // "the day after tomorrow"
	dayWeekday                  // "Monday": its next occurrence, a week ahead when said on a Monday
	dayThisWeekday              // "this Friday": today counts
	dayNextWeekday              // "next Tuesday", "Tuesday next week": the one in next calendar week
	dayDate                     // "the 15th", "March 20", "2026-11-24"
	dayEndWeek                  // Friday of this week
	dayNextWeek                 // Friday of next week
	dayEarlyNextWeek            // Tuesday of next week
	dayWeekend                  // Sunday of this week
	dayEndMonth                 // the last day of the month
	dayNextBiz                  // the next business day
	daySameTimeTomorrow         // "this time tomorrow"
)

type partKind uint8

const (
	partNone partKind = iota
	partMorning
	partAfternoon
	partEvening
	partTonight
	partEOD
	partNoon
	partMidnight
	partFirstThing
	partLaterToday
	partAfterLunch
)

// At reads the time expression that starts at token i and ends at or before token end. A
// number or word right after "from", "since", "after", "between", "past", "of" or "ago" starts
// no expression: it is a start or a past moment ("from 9 to 5"), or part of a longer one that
// starts earlier ("between 2 and 4pm", "half past 3").
func At(d *text.Doc, i, end int) (Expr, bool) {
	end = min(end, len(d.Tokens))
	if i < 0 || i >= end || !canStart(&d.Tokens[i]) || notDeadline(d.Norm(i-1)) {
		return Expr{}, false
	}
	p := parser{d: d, end: end}
	return p.expr(i)
}

// canStart reports whether an expression can start with token t: most words cannot, and
// telling them apart first keeps reading a message cheap.
func canStart(t *text.Token) bool {
	if t.Kind == text.Number {
		return true
	}
	if t.Kind != text.Word {
		return false
	}
	switch t.Norm {
	case "by", "at", "before", "until", "till", "til", "around", "on", "within", "inside", "approximately",
		"approx", "about", "between", "no", "in", "every", "over", "give", "shortly", "momentarily", "today",
		"this", "same", "next", "coming", "early", "later", "eow", "eom", "weekend", "the", "end", "close",
		"half", "quarter", "first", "after", "beginning", "start", "top", "a", "an", "few", "several",
		"couple":
		return true
	}
	return vocab.of(t.Norm).kind != wNone
}

// Find returns the first time expression in tokens [from, to).
func Find(d *text.Doc, from, to int) (Expr, bool) {
	for i := max(0, from); i < min(to, len(d.Tokens)); i++ {
		if e, ok := At(d, i, to); ok {
			return e, true
		}
	}
	return Expr{}, false
}

func notDeadline(prev string) bool {
	switch prev {
	case "from", "since", "after", "between", "ago", "past", "of":
		return true
	}
	return false
}

// parser reads one expression; tokens at or after end are out of its reach.
type parser struct {
	d   *text.Doc
	end int
}

// w returns token i's normal form, or "" outside the reach.
func (p *parser) w(i int) string {
	if i >= p.end {
		return ""
	}
	return p.d.Norm(i)
}

func (p *parser) num(i int) bool { return i >= 0 && i < p.end && p.d.Tokens[i].Kind == text.Number }

func (p *parser) joined(i int) bool { return i > 0 && i < p.end && p.d.Tokens[i].Joined }

func (p *parser) is(i int, k wordKind) bool { return vocab.of(p.w(i)).kind == k }

// boundary reports the end of the reach or of a sentence.
func (p *parser) boundary(i int) bool {
	if i >= p.end {
		return true
	}
	t := &p.d.Tokens[i]
	return t.Kind == text.Punct && strings.ContainsAny(t.Norm[:1], ".!?;:")
}

func (p *parser) expr(i int) (Expr, bool) {
	w := Expr{First: i}
	s := p.w(i)
	switch s {
	case "shortly", "momentarily":
		w.span, w.dur, w.End = true, 15*time.Minute, i+1
		return w, true
	case "give":
		// "give me 30 minutes and I'll …" promises an answer within them; "give me until
		// tomorrow" by then
		if p.w(i+1) == "me" || p.w(i+1) == "us" {
			if k, ok := p.duration(&w, i+1, "in"); ok {
				w.span, w.End = true, k
				return w, true
			}
			if u := p.w(i + 2); u == "until" || u == "till" || u == "til" {
				if e, ok := p.expr(i + 2); ok {
					e.First = i
					return e, true
				}
			}
		}
		return w, false
	}
	j, prep := i, ""
	switch s {
	case "by", "at", "before", "until", "till", "til", "around", "on", "within", "inside", "approximately", "approx", "about", "between":
		prep, j = s, i+1
	case "no":
		if p.w(i+1) == "later" && p.w(i+2) == "than" {
			prep, j = "by", i+3
		}
	case "in", "every":
		prep = s
	case "over":
		if p.w(i+1) == "the" && p.w(i+2) == "next" {
			prep = "in"
		}
	}
	if k, ok := p.duration(&w, i, prep); ok {
		w.span, w.End = true, k
		return w, true
	}
	// "at the top of the hour": the next full hour
	if t := j; p.w(t) == "top" || p.w(t) == "the" && p.w(t+1) == "top" {
		if p.w(t) == "the" {
			t++
		}
		if p.w(t+1) == "of" && p.w(t+2) == "the" && p.w(t+3) == "hour" {
			w.span, w.topOfHour, w.End = true, true, t+4
			return w, true
		}
		return w, false
	}
	if prep == "within" || prep == "inside" || s == "over" || j >= p.end {
		return w, false
	}
	// "before your 2pm call", "ahead of the 4pm send": a clock time that names an event
	if prep != "" && determiner(p.w(j)) {
		c := w
		if k, ok := p.clockAt(&c, j+1, false); ok && (c.ampm != 0 || strings.IndexByte(p.w(j+1), ':') > 0) {
			if k < p.end && p.d.Tokens[k].Kind == text.Word && vocab.of(p.w(k)).kind == wNone {
				k++ // the event: "call", "meeting"
			}
			c.End = k
			return c, true
		}
	}
	k, n := j, 0
	for n < 3 && k < p.end {
		m := k
		if n > 0 {
			m = p.connector(k)
		}
		m2, ok := p.component(&w, m, prep)
		if !ok {
			break
		}
		k, n = m2, n+1
	}
	if n == 0 {
		return w, false
	}
	w.End = k
	return w, true
}

func determiner(s string) bool {
	switch s {
	case "your", "the", "our", "my", "their", "his", "her":
		return true
	}
	return false
}

// connector skips the small words that join parts of one time ("tomorrow at 10", "3pm on Friday").
func (p *parser) connector(k int) int {
	for c := 0; c < 2 && k < p.end; c++ {
		switch p.w(k) {
		case ",", "at", "by", "on", "around", "before", "-":
			k++
		default:
			return k
		}
	}
	return k
}

// component reads one day, part of a day, or clock time at m.
func (p *parser) component(w *Expr, m int, prep string) (int, bool) {
	if m >= p.end {
		return 0, false
	}
	if !w.clock {
		if k, ok := p.clockAt(w, m, true); ok {
			return k, true
		}
	}
	if !w.hasDay {
		if k, ok := p.dayAt(w, m, prep); ok {
			return k, true
		}
	}
	if w.part == partNone {
		if k, ok := p.partAt(w, m, prep); ok {
			return k, true
		}
	}
	return 0, false
}
