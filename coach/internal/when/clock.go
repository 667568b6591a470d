package when

import (
	"strconv"
	"strings"

	"github.com/deescalate/deescalate/coach/internal/text"
)

// clockAt reads a clock time at m: "3pm", "4:15", "17:00", "9am Eastern", "half past 3", or,
// when bare is set, a bare hour after "at", "by", "before" or "until" ("before 5").
func (p *parser) clockAt(w *Expr, m int, bare bool) (int, bool) {
	h, mi, ampm, k, ok := p.clockValue(m, bare)
	if !ok {
		return 0, false
	}
	// a range keeps its end: "2-3pm", "between 2 and 4pm", "by 3 or 4pm"
	switch p.w(k) {
	case "-", "to", "or", "and":
		if h2, mi2, ampm2, k2, ok := p.clockValue(k+1, false); ok {
			h, mi, ampm, k = h2, mi2, ampm2, k2
		}
	}
	w.clock, w.hour, w.min, w.ampm = true, h, mi, ampm
	if h == 12 && vocab.of(p.w(k)).kind == wNoon {
		k++
	}
	// a zone, or words that only restate the author's
	if z, k2 := p.zoneAt(k); k2 > k {
		w.zone, k = z, k2
	}
	return k, true
}

// clockValue reads the clock time at m. bareNeedsPrep asks a bare hour to follow a time
// preposition; the second half of a range need not.
func (p *parser) clockValue(m int, bareNeedsPrep bool) (h, mi int, ampm uint8, k int, ok bool) {
	s := p.w(m)
	k = m + 1
	if s == "half" || s == "quarter" {
		// "half past 3", "quarter past 10", "quarter to 5"
		dir := p.w(m + 1)
		if dir != "past" && (dir != "to" || s != "quarter") || !p.num(m+2) {
			return
		}
		hh, err := strconv.Atoi(p.w(m + 2))
		if err != nil || hh < 1 || hh > 12 {
			return
		}
		switch {
		case s == "half":
			h, mi = hh, 30
		case dir == "past":
			h, mi = hh, 15
		default:
			h, mi = hh-1, 45
			if h == 0 {
				h = 12
			}
		}
		k = m + 3
		if a := p.ampmAt(k); a != 0 {
			ampm, k = a, k+1
		}
		return h, mi, ampm, k, true
	}
	if !p.num(m) {
		return
	}
	sep := strings.IndexAny(s, ":.-")
	switch {
	case sep < 0:
		if len(s) > 2 {
			return // "1530" is not a clock time we read; "930am" is rare enough to skip
		}
		h, _ = strconv.Atoi(s)
	case s[sep] == '-':
		// "2-3pm": the range keeps its end
		a, b, found := strings.Cut(s, "-")
		if !found || len(a) > 2 || len(b) > 2 || len(b) == 0 || strings.ContainsAny(b, ":.-/,") {
			return
		}
		h, _ = strconv.Atoi(b)
		if p.ampmAt(k) == 0 {
			return
		}
	default:
		if strings.Count(s, ":")+strings.Count(s, ".") != 1 || len(s)-sep != 3 || sep == 0 || sep > 2 || strings.ContainsAny(s, "-/,") {
			return
		}
		h, _ = strconv.Atoi(s[:sep])
		mi, _ = strconv.Atoi(s[sep+1:])
		if mi > 59 || h > 23 {
			return
		}
	}
	if a := p.ampmAt(k); a != 0 {
		if h < 1 || h > 12 {
			return
		}
		return h, mi, a, k + 1, true
	}
	if sep >= 0 {
		if s[sep] == '.' {
			return // "17.3" is a version; "3.30" needs its pm
		}
		return h, mi, 0, k, true
	}
	if p.w(k) == "o'clock" {
		if h < 1 || h > 12 {
			return
		}
		return h, 0, 0, k + 1, true
	}
	if h > 23 {
		return
	}
	if bareNeedsPrep {
		switch p.d.Norm(m - 1) {
		case "at", "by", "before", "until", "till", "til", "around", "between":
		default:
			return
		}
	}
	if !p.bareFollower(k) {
		return
	}
	return h, 0, 0, k, true
}

func (p *parser) ampmAt(k int) uint8 {
	s := p.w(k)
	if s == "a" || s == "p" {
		if !p.joined(k) {
			return 0 // "at 3 a" is not "3am"
		}
		s += "m"
	}
	switch s {
	case "am":
		return 1
	case "pm":
		return 2
	}
	return 0
}

// bareFollower reports whether what follows a bare number lets it be an hour: "before 5.",
// "at 10 tomorrow", but not "at 10 percent", "by 5 days", "at 1 / 3".
func (p *parser) bareFollower(k int) bool {
	if p.boundary(k) {
		return true
	}
	t := &p.d.Tokens[k]
	if t.Kind == text.Punct || t.Kind == text.Symbol {
		switch t.Norm {
		case "-":
			return !p.num(k + 1)
		case "/", "%", "$", "+", "*", "'", "\"", "x", "€", "£":
			return false
		}
		return true
	}
	switch s := t.Norm; s {
	case "and", "or", "either", "so", "then", "today", "on", "at", "latest", "with", "to", "if", "when", "once",
		"your", "my", "local", "sharp", "this", "next", "in", "for", "we", "i", "i'll", "we'll", "ok", "okay",
		"please", "as", "is":
		return true
	}
	switch vocab.of(t.Norm).kind {
	case wTomorrow, wTonight, wWeekday, wZone:
		return true
	}
	_, k2 := p.zoneAt(k)
	return k2 > k
}

// zoneAt reads a zone after a clock time at k: "PT", "Eastern time", "London time", "CET".
// "your time" and "local time" are read and skipped: the author's zone applies. It returns
// the zone (index plus one, 0 for the author's) and where the zone's words end.
func (p *parser) zoneAt(k int) (int, int) {
	// "London time", "New York time", "central European time"
	for n := 3; n >= 1; n-- {
		if p.w(k+n) != "time" {
			continue
		}
		words := make([]string, n)
		for j := range words {
			words[j] = p.w(k + j)
		}
		if z, ok := vocab.places[strings.Join(words, " ")]; ok {
			return z + 1, k + n + 1
		}
	}
	if m := vocab.of(p.w(k)); m.kind == wZone {
		k++
		switch {
		case (p.w(k) == "standard" || p.w(k) == "daylight") && p.w(k+1) == "time":
			k += 2
		case p.w(k) == "time":
			k++
		}
		return m.n + 1, k
	}
	switch p.w(k) {
	case "your", "my", "local", "our":
		if p.w(k+1) == "time" {
			return 0, k + 2
		}
	}
	return 0, k
}
