package when

import (
	"strconv"
	"strings"
	"time"

	"github.com/deescalate/deescalate/coach/internal/text"
)

// duration reads "in 2 hours", "within 30 minutes", "within the hour", "in a few minutes",
// "in the next 2-3 hours", "an hour from now" starting at i (the preposition, if any).
func (p *parser) duration(w *Expr, i int, prep string) (int, bool) {
	k := i
	spanPrep := false
	switch prep {
	case "in", "within", "inside", "every":
		// "every 30 minutes": the first update comes within the first interval
		spanPrep = true
		k++
		if p.w(k-1) == "over" { // "over the next …"
			k += 2
		}
	case "":
	default:
		return 0, false
	}
	switch {
	case p.w(k) == "the" && (p.w(k+1) == "next" || p.w(k+1) == "coming"):
		k += 2
	case p.w(k) == "the" && p.w(k+1) == "hour":
		w.dur = time.Hour
		return k + 2, spanPrep
	case p.w(k) == "the":
		return 0, false
	case p.w(k) == "next" && spanPrep:
		k++
	}
	for range 2 {
		switch p.w(k) {
		case "about", "around", "roughly", "approximately", "approx", "~", "just", "another", "under", "max", "maybe":
			k++
		case "less":
			if p.w(k+1) == "than" {
				k += 2
			}
		}
	}
	// chat style "back in 10", "update you in 30": a bare count after "in" is minutes
	if spanPrep && k == i+1 && p.num(k) {
		if v, err := strconv.Atoi(p.w(k)); err == nil && v >= 5 && v <= 90 {
			next := k + 1
			if next >= p.end || p.w(next) == "and" || p.w(next) == "or" || p.w(next) == "with" ||
				p.d.Tokens[next].Kind == text.Punct && (p.w(next) != "-" || next+1 >= p.end) {
				w.dur = time.Duration(v) * time.Minute
				return k + 1, true
			}
		}
	}
	q, fuzzy, k2, ok := p.quantity(k)
	if !ok {
		// "in the next hour": the unit alone
		if p.w(k-1) == "next" || p.w(k-1) == "coming" || prep == "every" {
			q, k2 = 1, k
		} else {
			return 0, false
		}
	}
	k = k2
	// "2 to 3 hours", "2 or 3 hours": the later end
	switch p.w(k) {
	case "-", "to", "or":
		if q2, _, k3, ok := p.quantity(k + 1); ok && q2 >= q {
			q, k = q2, k3
		}
	}
	unit, k3, ok := p.unit(k)
	if !ok {
		if fuzzy == 'b' && spanPrep { // "in a bit", "in a moment"
			w.dur = 15 * time.Minute
			return k, true
		}
		return 0, false
	}
	k = k3
	// "an hour and a half", "an hour or two"
	if p.w(k) == "and" && p.w(k+1) == "a" && p.w(k+2) == "half" {
		q += 0.5
		k += 3
	} else if p.w(k) == "or" {
		if q2, _, k4, ok := p.quantity(k + 1); ok && q2 >= q && q2 <= 3*q+3 {
			q, k = q2, k4
		}
	}
	if p.w(k) == "from" && p.w(k+1) == "now" {
		k += 2
		spanPrep = true
	}
	if !spanPrep || k > p.end || q <= 0 {
		return 0, false
	}
	switch unit {
	case unitSecond:
		w.dur = time.Duration(q * float64(time.Second))
		if fuzzy != 0 {
			w.dur = 15 * time.Minute // "in a sec"
		}
	case unitMinute:
		if fuzzy != 0 {
			w.dur = 15 * time.Minute // "in a few minutes", "in a couple of minutes": the contract's "shortly"
		} else {
			w.dur = time.Duration(q * float64(time.Minute))
		}
	case unitHour:
		w.dur = time.Duration(q * float64(time.Hour))
	case unitDay:
		if q != float64(int(q)) {
			w.dur = time.Duration(q * 24 * float64(time.Hour))
		} else {
			w.days = int(q)
		}
	case unitBusinessDay:
		w.biz = int(q + 0.5)
	case unitWeek:
		w.days = int(q * 7)
	}
	if prep == "every" && unit != unitMinute && unit != unitHour {
		return 0, false // "every 2 days" is a schedule, not a deadline
	}
	if w.dur > 400*24*time.Hour || w.days > 400 || w.biz > 300 || w.dur <= 0 && w.days <= 0 && w.biz <= 0 {
		return 0, false
	}
	return k, true
}

// unitBusinessDay is a working day: "2 business days".
const unitBusinessDay = unitWeek + 1

// quantity reads a count at k: "2", "1.5", "2-3" (its end), "two", "an", "a few", "a couple
// of", "half an". fuzzy is 'f' for a vague count (few, couple, a) and 'b' for "a bit"/"a moment".
func (p *parser) quantity(k int) (q float64, fuzzy byte, next int, ok bool) {
	if k >= p.end {
		return
	}
	s := p.w(k)
	if p.num(k) {
		if strings.ContainsAny(s, ":/,") || len(s) > 6 {
			return
		}
		if a, b, found := strings.Cut(s, "-"); found {
			lo, e1 := strconv.ParseFloat(a, 64)
			hi, e2 := strconv.ParseFloat(b, 64)
			if e1 != nil || e2 != nil || hi < lo {
				return
			}
			return hi, 0, k + 1, true
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return
		}
		return v, 0, k + 1, true
	}
	switch s {
	case "a", "an":
		switch n1 := p.w(k + 1); n1 {
		case "few":
			return 3, 'f', k + 2, true
		case "couple":
			if p.w(k+2) == "of" {
				return 2, 'f', k + 3, true
			}
			return 2, 'f', k + 2, true
		case "bit", "moment", "jiffy", "tick", "mo":
			return 1, 'b', k + 2, true
		case "little":
			if p.w(k+2) == "bit" {
				return 1, 'b', k + 3, true
			}
		case "half":
			return 0.5, 0, k + 2, true
		}
		if m := vocab.of(p.w(k + 1)); m.kind == wUnit && (m.n == unitSecond || m.n == unitMinute) {
			return 1, 'f', k + 1, true // "in a minute", "in a sec": soon, not in sixty seconds
		}
		return 1, 0, k + 1, true
	case "few", "several":
		return 3, 'f', k + 1, true
	case "couple":
		if p.w(k+1) == "of" {
			return 2, 'f', k + 2, true
		}
		return 2, 'f', k + 1, true
	case "half":
		if p.w(k+1) == "an" || p.w(k+1) == "a" {
			return 0.5, 0, k + 2, true
		}
		return 0.5, 0, k + 1, true
	}
	if m := vocab.of(s); m.kind == wNumber {
		return float64(m.n), 0, k + 1, true
	}
	return
}

// unit reads a unit of time at k. "m" and "h" count only when written against the number ("20m").
func (p *parser) unit(k int) (u int, next int, ok bool) {
	if k >= p.end {
		return 0, 0, false
	}
	s := p.w(k)
	if s == "business" || s == "working" {
		if m := vocab.of(p.w(k + 1)); m.kind == wUnit && m.n == unitDay {
			return unitBusinessDay, k + 2, true
		}
		return 0, 0, false
	}
	switch m := vocab.of(s); {
	case m.kind == wUnit:
		return m.n, k + 1, true
	case m.kind == wJoinedUnit && p.joined(k):
		return m.n, k + 1, true
	}
	return 0, 0, false
}
