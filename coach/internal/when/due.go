package when

import "time"

// Hours of the day that vague times resolve to, by the analysis contract's conventions: a due
// time is the latest moment at which a promise is still kept.
const (
	endOfDayHour   = 17 // "EOD", "close of business", "this afternoon", a day with no time ("tomorrow", "Monday")
	morningHour    = 12 // "this morning", "tomorrow morning", "by noon"
	eveningHour    = 21 // "tonight", "this evening"
	firstThingHour = 10 // "first thing tomorrow": the first hours of the working day
	// "after lunch": lunch is over by 14:00, so a promise made for after it is due then.
	afterLunchHour = 14
)

// Due resolves the expression against now in zone, the author's: the moment it names in the
// zone it names (the author's unless it names one), in zone. A time already past rolls to its
// next sensible occurrence: a clock time to tomorrow, the end of the day to the next business
// day, this week's Friday to next week's. Due returns the zero time when the expression names
// a zone the host's zone database lacks.
//
// The conventions: "by 3pm" is 15:00 today, or tomorrow if 15:00 has passed; "in 2 hours" is
// now + 2h; "within the hour" now + 1h; "in a few minutes" and "shortly" now + 15 min; "EOD",
// "end of day", "close of business" and "this afternoon" 17:00 today; "this morning" 12:00;
// "tonight" 21:00; "tomorrow" 17:00 tomorrow; "tomorrow morning" 12:00 tomorrow; a weekday
// 17:00 on its next occurrence; "end of week" Friday 17:00; "next week" Friday 17:00 of next
// week; "first thing" 10:00; "after lunch" 14:00.
func (e Expr) Due(now time.Time, zone *time.Location) time.Time {
	if zone == nil {
		zone = time.UTC
	}
	if e.span {
		return e.spanDue(now, zone)
	}
	loc := zone
	if e.zone > 0 {
		named, err := vocab.zones[e.zone-1].load()
		if err != nil {
			return time.Time{}
		}
		loc = named
	}
	nw := now.In(loc)
	y, mo, d := nw.Date()
	today := nw.Weekday()
	iso := isoWeekday(today)
	nextMon := 8 - iso // days to next Monday

	off := 0
	switch e.day {
	case dayTomorrow:
		off = 1
	case dayAfterTomorrow:
		off = 2
	case dayWeekday:
		off = (int(e.wd) - int(today) + 7) % 7
		if off == 0 {
			off = 7
		}
	case dayThisWeekday:
		off = (int(e.wd) - int(today) + 7) % 7
	case dayNextWeekday:
		off = nextMon + isoWeekday(e.wd) - 1
	case dayEndWeek:
		if iso <= 5 {
			off = 5 - iso
		} else {
			off = 12 - iso
		}
	case dayNextWeek:
		off = nextMon + 4
	case dayEarlyNextWeek:
		off = nextMon + 1
	case dayWeekend:
		off = 7 - iso
	case dayNextBiz:
		off = nextBusinessDay(today)
	case dayEndMonth:
		off = time.Date(y, mo+1, 0, 12, 0, 0, 0, time.UTC).Day() - d
	case daySameTimeTomorrow:
		return time.Date(y, mo, d+1, nw.Hour(), nw.Minute(), nw.Second(), 0, loc).In(zone)
	case dayDate:
		off = e.daysToDate(y, mo, d)
	}
	if e.inThe && e.day == dayNone && nw.Hour() >= 5 {
		off = 1 // "in the morning", said during the day, is tomorrow's
	}

	hs, n := e.hours()
	at := func(off, h int) time.Time { return time.Date(y, mo, d+off, h, e.min, 0, 0, loc) }
	t := at(off, hs[0])
	if e.clock && (e.day == dayNone || e.day == dayToday) {
		// the next one: later today, else tomorrow's first
		t = time.Time{}
		for _, h := range hs[:n] {
			if u := at(off, h); u.After(now) {
				t = u
				break
			}
		}
		if t.IsZero() {
			t = at(off+1, hs[0])
		}
	}
	if !t.After(now) {
		switch e.day {
		case dayNone, dayToday:
			switch e.part {
			case partEOD:
				t = at(off+nextBusinessDay(today), endOfDayHour)
			case partTonight, partEvening:
				if u := time.Date(y, mo, d+off, 23, 59, 0, 0, loc); u.After(now) {
					t = u // late in the evening, "tonight" still means before midnight
				} else {
					t = at(off+1, hs[0])
				}
			default:
				t = at(off+1, hs[0])
			}
		case dayEndWeek, dayThisWeekday, dayWeekend:
			t = at(off+7, hs[0])
		case dayEndMonth:
			t = time.Date(y, mo+2, 0, hs[0], e.min, 0, 0, loc)
		}
	}
	return t.In(zone)
}

// spanDue resolves a span from now. Hours and minutes are measured on the clock (two hours
// across the night the clocks go back are two real hours); days on the calendar.
func (e Expr) spanDue(now time.Time, zone *time.Location) time.Time {
	l := now.In(zone)
	y, mo, d := l.Date()
	switch {
	case e.topOfHour:
		return time.Date(y, mo, d, l.Hour()+1, 0, 0, 0, zone)
	case e.days > 0:
		return time.Date(y, mo, d+e.days, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), zone)
	case e.biz > 0:
		wd, off := l.Weekday(), 0
		for range e.biz {
			step := nextBusinessDay(wd)
			off += step
			wd = (wd + time.Weekday(step)) % 7
		}
		return time.Date(y, mo, d+off, endOfDayHour, 0, 0, 0, zone)
	}
	return now.Add(e.dur).In(zone)
}

// daysToDate counts calendar days from today (y, mo, d) to the expression's date: its next
// occurrence when the year is unsaid.
func (e Expr) daysToDate(y int, mo time.Month, d int) int {
	yy, mm := y, e.month
	switch {
	case e.year > 0:
		yy = e.year
	case mm == 0:
		mm = mo
		if e.mday < d {
			mm++
		}
	case mm < mo || mm == mo && e.mday < d:
		yy++
	}
	target := time.Date(yy, mm, e.mday, 12, 0, 0, 0, time.UTC)
	base := time.Date(y, mo, d, 12, 0, 0, 0, time.UTC)
	return int(target.Sub(base).Hours()/24 + 0.5)
}

// isoWeekday numbers weekdays Monday=1 … Sunday=7.
func isoWeekday(d time.Weekday) int {
	if d == time.Sunday {
		return 7
	}
	return int(d)
}

// nextBusinessDay is how many days after a day of the week the next business day comes.
func nextBusinessDay(d time.Weekday) int {
	switch d {
	case time.Friday:
		return 3
	case time.Saturday:
		return 2
	}
	return 1
}

// hours lists the hours a clock time or part of the day may mean, earliest first. An hour said
// without am or pm is read in working hours (07:00–19:59): "at 4:15" is 16:15, "at 9" is 09:00,
// "at 7" is 07:00 or 19:00.
func (e Expr) hours() (hs [2]int, n int) {
	one := func(h int) ([2]int, int) { return [2]int{h}, 1 }
	if !e.clock {
		switch e.part {
		case partMorning, partNoon:
			return one(morningHour)
		case partEvening, partTonight:
			return one(eveningHour)
		case partMidnight:
			return one(24)
		case partFirstThing:
			return one(firstThingHour)
		case partAfterLunch:
			return one(afterLunchHour)
		}
		return one(endOfDayHour)
	}
	h := e.hour
	switch e.ampm {
	case 1:
		return one(h % 12)
	case 2:
		return one(h%12 + 12)
	}
	if h == 0 || h >= 12 {
		return one(h)
	}
	switch e.part {
	case partMorning, partFirstThing:
		return one(h)
	case partAfternoon, partEvening, partTonight, partLaterToday, partAfterLunch:
		return one(h + 12)
	}
	switch {
	case h <= 6:
		return one(h + 12)
	case h == 7:
		return [2]int{7, 19}, 2
	}
	return one(h)
}
