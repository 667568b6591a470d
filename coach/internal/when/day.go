package when

import (
	"strconv"
	"time"
)

// dayAt reads a day: today, tomorrow, a weekday, a date, or a week.
func (p *parser) dayAt(w *Expr, m int, prep string) (int, bool) {
	s, n1, n2 := p.w(m), p.w(m+1), p.w(m+2)
	set := func(d dayKind, k int) (int, bool) {
		if k > p.end {
			return 0, false
		}
		w.day, w.hasDay = d, true
		return k, true
	}
	mean := vocab.of(s)
	switch {
	case mean.kind == wTomorrow || s == "today":
		d := dayTomorrow
		if s == "today" {
			d = dayToday
		}
		if k, ok := p.laterDay(w, m+1, d); ok {
			return k, true
		}
		return set(d, m+1)
	case mean.kind == wWeekday:
		w.wd = time.Weekday(mean.n)
		if n1 == "next" && n2 == "week" {
			return set(dayNextWeekday, m+3)
		}
		if n1 == "this" && n2 == "week" {
			return set(dayThisWeekday, m+3)
		}
		if k, ok := p.laterDay(w, m+1, dayWeekday); ok {
			return k, true
		}
		return set(dayWeekday, m+1)
	case mean.kind == wTonight:
		if w.part == partNone {
			w.part = partTonight
			return set(dayToday, m+1)
		}
		return 0, false
	}
	switch s {
	case "this":
		if m1 := vocab.of(n1); m1.kind == wWeekday {
			w.wd = time.Weekday(m1.n)
			return set(dayThisWeekday, m+2)
		}
		switch n1 {
		case "week":
			return set(dayEndWeek, m+2)
		case "weekend":
			return set(dayWeekend, m+2)
		case "time":
			if p.is(m+2, wTomorrow) {
				return set(daySameTimeTomorrow, m+3)
			}
		}
	case "same":
		if n1 == "time" && p.is(m+2, wTomorrow) {
			return set(daySameTimeTomorrow, m+3)
		}
	case "next", "coming":
		if m1 := vocab.of(n1); m1.kind == wWeekday {
			w.wd = time.Weekday(m1.n)
			if s == "coming" {
				return set(dayWeekday, m+2)
			}
			return set(dayNextWeekday, m+2)
		}
		switch {
		case n1 == "week":
			return set(dayNextWeek, m+2)
		case (n1 == "business" || n1 == "working") && n2 == "day":
			return set(dayNextBiz, m+3)
		}
	case "early":
		if n1 == "next" && n2 == "week" {
			return set(dayEarlyNextWeek, m+3)
		}
	case "beginning", "start":
		// "the start of next week", like "early next week"
		k := m + 2
		if p.w(k) == "the" {
			k++
		}
		if n1 == "of" && p.w(k) == "next" && p.w(k+1) == "week" {
			return set(dayEarlyNextWeek, k+2)
		}
	case "later":
		switch {
		case n1 == "this" && n2 == "week":
			return set(dayEndWeek, m+3)
		case n1 == "next" && n2 == "week":
			return set(dayNextWeek, m+3)
		case n1 == "in" && n2 == "the" && p.w(m+3) == "week":
			return set(dayEndWeek, m+4)
		}
	case "eow":
		return set(dayEndWeek, m+1)
	case "eom":
		return set(dayEndMonth, m+1)
	case "weekend":
		if prep == "by" || prep == "before" {
			return set(dayEndWeek, m+1)
		}
		return set(dayWeekend, m+1)
	case "the":
		switch {
		case n1 == "day" && n2 == "after" && p.is(m+3, wTomorrow):
			return set(dayAfterTomorrow, m+4)
		case n1 == "beginning" || n1 == "start":
			return p.dayAt(w, m+1, prep)
		case n1 == "weekend":
			if prep == "by" || prep == "before" {
				return set(dayEndWeek, m+2)
			}
			return set(dayWeekend, m+2)
		case n1 == "end":
			return p.endOf(w, m+1)
		}
		if d, ok := p.ordinal(m + 1); ok {
			k := m + 2
			if p.w(k) == "of" {
				if mo := vocab.of(p.w(k + 1)); mo.kind == wMonth {
					w.month = time.Month(mo.n)
					k += 2
				}
			}
			w.mday = d
			return set(dayDate, k)
		}
	case "end":
		return p.endOf(w, m)
	}
	// "March 20", "March 20th"
	if mean.kind == wMonth && p.num(m+1) {
		d, ok := p.ordinal(m + 1)
		if !ok {
			d, _ = strconv.Atoi(n1)
		}
		if d >= 1 && d <= 31 {
			w.month, w.mday = time.Month(mean.n), d
			return set(dayDate, m+2)
		}
	}
	if p.num(m) {
		// "2026-11-24"
		if y, mo, d, ok := isoDate(s); ok {
			w.year, w.month, w.mday = y, mo, d
			return set(dayDate, m+1)
		}
		// "20 March", "20th of March"
		d, ok := p.ordinal(m)
		if !ok {
			d, _ = strconv.Atoi(s)
		}
		if d >= 1 && d <= 31 {
			k := m + 1
			if p.w(k) == "of" {
				k++
			}
			if mo := vocab.of(p.w(k)); mo.kind == wMonth {
				w.month, w.mday = time.Month(mo.n), d
				return set(dayDate, k+1)
			}
		}
	}
	return 0, false
}

// isoDate reads "2026-11-24".
func isoDate(s string) (int, time.Month, int, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	y, e1 := strconv.Atoi(s[:4])
	m, e2 := strconv.Atoi(s[5:7])
	d, e3 := strconv.Atoi(s[8:])
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || d > 31 || y < 2000 || y > 2200 {
		return 0, 0, 0, false
	}
	return y, time.Month(m), d, true
}

// laterDay reads the second of two days ("Monday or Tuesday", "today or tomorrow"): the
// promise is kept until the later one.
func (p *parser) laterDay(w *Expr, k int, first dayKind) (int, bool) {
	switch p.w(k) {
	case "or", "-", "to":
	default:
		return 0, false
	}
	if k+2 > p.end {
		return 0, false
	}
	if m := vocab.of(p.w(k + 1)); m.kind == wWeekday {
		w.day, w.wd, w.hasDay = dayWeekday, time.Weekday(m.n), true
		return k + 2, true
	}
	if p.is(k+1, wTomorrow) && first == dayToday {
		w.day, w.hasDay = dayTomorrow, true
		return k + 2, true
	}
	return 0, false
}

// ordinal reads a day number with its suffix: "15th", "3rd".
func (p *parser) ordinal(k int) (int, bool) {
	if !p.num(k) {
		return 0, false
	}
	s := p.w(k)
	if len(s) < 3 {
		return 0, false
	}
	switch s[len(s)-2:] {
	case "st", "nd", "rd", "th":
		d, err := strconv.Atoi(s[:len(s)-2])
		return d, err == nil && d >= 1 && d <= 31
	}
	return 0, false
}

// endOf reads "end of …" at m ("end"): the day, the week, next week, the month.
func (p *parser) endOf(w *Expr, m int) (int, bool) {
	if p.w(m) != "end" || p.w(m+1) != "of" {
		return 0, false
	}
	k := m + 2
	set := func(d dayKind, k int) (int, bool) {
		if k > p.end {
			return 0, false
		}
		w.day, w.hasDay = d, true
		return k, true
	}
	switch p.w(k) {
	case "the", "this", "my":
		k++
	case "next":
		if p.w(k+1) == "week" {
			return set(dayNextWeek, k+2)
		}
		return 0, false
	}
	switch s := p.w(k); {
	case s == "week":
		return set(dayEndWeek, k+1)
	case s == "month":
		return set(dayEndMonth, k+1)
	case s == "today":
		w.part = partEOD
		return set(dayToday, k+1)
	case p.is(k, wTomorrow):
		w.part = partEOD
		return set(dayTomorrow, k+1)
	}
	if w.part != partNone {
		return 0, false
	}
	if k2, ok := p.eodWords(k); ok {
		w.part = partEOD
		return k2, true
	}
	return 0, false
}
