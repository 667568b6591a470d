package when

// eodWords reads what follows "end of"/"close of": "day", "business", "the business day", "play".
func (p *parser) eodWords(k int) (int, bool) {
	if p.w(k) == "the" {
		k++
	}
	switch p.w(k) {
	case "day", "play", "shift":
		return k + 1, true
	case "business", "working", "work":
		if p.w(k+1) == "day" || p.w(k+1) == "hours" {
			return k + 2, true
		}
		return k + 1, true
	}
	return 0, false
}

// partWord maps "morning", "afternoon", "evening" and their spellings to a part of the day.
func partWord(s string) partKind {
	switch vocab.of(s).kind {
	case wMorning:
		return partMorning
	case wAfternoon:
		return partAfternoon
	case wEvening:
		return partEvening
	case wMidnight:
		return partMidnight
	}
	return partNone
}

// partAt reads a part of the day: "this morning", "EOD", "noon", "first thing", "after lunch".
func (p *parser) partAt(w *Expr, m int, prep string) (int, bool) {
	s, n1, n2 := p.w(m), p.w(m+1), p.w(m+2)
	set := func(pk partKind, k int) (int, bool) {
		if k > p.end {
			return 0, false
		}
		w.part = pk
		// "noon ET", "EOD Pacific": a zone may follow a fixed time of day
		if pk == partNoon || pk == partMidnight || pk == partEOD {
			if z, k2 := p.zoneAt(k); k2 > k {
				w.zone, k = z, k2
			}
		}
		return k, true
	}
	switch vocab.of(s).kind {
	case wEOD:
		return set(partEOD, m+1)
	case wNoon:
		return set(partNoon, m+1)
	case wMidnight:
		return set(partMidnight, m+1)
	case wLunch:
		// "by lunch", "Monday lunchtime"; "lunch" alone is a meal
		switch p.d.Norm(m - 1) {
		case "by", "before", "at", "around", "until", "till":
		default:
			if !w.hasDay {
				return 0, false
			}
		}
		return set(partNoon, m+1)
	case wMorning, wAfternoon, wEvening:
		// after a day: "tomorrow morning", "Monday afternoon"; or a deadline, "by morning", "by
		// the evening" ("good morning" is a greeting)
		if w.hasDay && w.day != dayEndWeek && w.day != dayNextWeek {
			return set(partWord(s), m+1)
		}
		if !w.hasDay && (prep == "by" || prep == "before" || prep == "until") {
			pk := partWord(s)
			w.inThe = pk == partMorning
			return set(pk, m+1)
		}
		return 0, false
	}
	switch s {
	case "end":
		if n1 == "of" {
			if k, ok := p.eodWords(m + 2); ok {
				return set(partEOD, k)
			}
			if n2 == "my" {
				if k, ok := p.eodWords(m + 3); ok {
					return set(partEOD, k)
				}
			}
		}
	case "close":
		if n1 == "of" && (n2 == "business" || n2 == "play") {
			return set(partEOD, m+3)
		}
	case "the":
		if n1 == "end" || vocab.of(n1).kind != wNone && (prep == "by" || prep == "before" || prep == "until") {
			return p.partAt(w, m+1, prep) // "by the end of day", "by the morning"
		}
	case "this":
		if pk := partWord(n1); pk != partNone && pk != partMidnight {
			return set(pk, m+2)
		}
	case "later":
		switch {
		case n1 == "today":
			return set(partLaterToday, m+2)
		case vocab.of(n1).kind == wTonight:
			return set(partTonight, m+2)
		case n1 == "this" && partWord(n2) != partNone:
			return set(partWord(n2), m+3)
		case n1 == "on" && n2 == "today":
			return set(partLaterToday, m+3)
		}
	case "in":
		if n1 == "the" {
			switch pk := partWord(n2); pk {
			case partMorning, partAfternoon, partEvening:
				w.inThe = !w.hasDay && pk == partMorning
				return set(pk, m+3)
			}
		}
	case "after":
		// "after lunch": early afternoon (see Due)
		if vocab.of(n1).kind == wLunch {
			return set(partAfterLunch, m+2)
		}
	case "first":
		if n1 == "thing" {
			k := m + 2
			if p.w(k) == "in" && p.w(k+1) == "the" && vocab.of(p.w(k+2)).kind == wMorning {
				k += 3
				w.inThe = !w.hasDay
			}
			return set(partFirstThing, k)
		}
	}
	return 0, false
}
