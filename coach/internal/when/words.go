package when

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// words.json holds the vocabulary of time expressions: the spellings people use for days,
// months, parts of the day, counts, units and zones. The grammar that joins them (by, at, in,
// the end of, next) is in parse.go.
//
//go:embed words.json
var wordsJSON []byte

// vocab is the decoded vocabulary. A broken embedded file is a build defect, caught by the
// tests; it panics here rather than let every time go unread.
var vocab = mustVocabulary(wordsJSON)

func mustVocabulary(data []byte) *vocabulary {
	v, err := loadVocabulary(data)
	if err != nil {
		panic("when: " + err.Error())
	}
	return v
}

// wordsFile is words.json as written.
type wordsFile struct {
	Weekdays  [][]string `json:"weekdays"` // Sunday first, as time.Weekday counts
	Months    [][]string `json:"months"`   // January first
	Tomorrow  []string   `json:"tomorrow"`
	Tonight   []string   `json:"tonight"`
	EndOfDay  []string   `json:"endOfDay"` // one word for the end of the working day: "EOD", "COB"
	Noon      []string   `json:"noon"`
	Lunch     []string   `json:"lunch"`
	Midnight  []string   `json:"midnight"`
	Morning   []string   `json:"morning"`
	Afternoon []string   `json:"afternoon"`
	Evening   []string   `json:"evening"`
	Numbers   []struct {
		Value int      `json:"value"`
		Words []string `json:"words"`
	} `json:"numbers"`
	Units []struct {
		Unit   string   `json:"unit"`
		Words  []string `json:"words"`
		Joined []string `json:"joined"` // only written against the number: "20m", "48h"
	} `json:"units"`
	Zones []struct {
		Zone   string   `json:"zone"`   // an IANA zone name
		Abbr   []string `json:"abbr"`   // read after a clock time: "3pm PT", "9am Eastern"
		Places []string `json:"places"` // read with "time" after them: "London time"
	} `json:"zones"`
}

// A word's meaning: what kind of time word it is, and which one.
type wordKind uint8

const (
	wNone wordKind = iota
	wWeekday
	wMonth
	wTomorrow
	wTonight
	wEOD
	wNoon
	wLunch
	wMidnight
	wMorning
	wAfternoon
	wEvening
	wNumber
	wUnit
	wJoinedUnit
	wZone
)

type meaning struct {
	kind wordKind
	n    int // the weekday, the month, the number, the unit or the zone's index
}

// Units of time.
const (
	unitSecond = iota
	unitMinute
	unitHour
	unitDay
	unitWeek
)

var unitNames = map[string]int{"second": unitSecond, "minute": unitMinute, "hour": unitHour, "day": unitDay, "week": unitWeek}

// zone is a named zone. Its location is loaded from the host's (or the binary's embedded)
// zone database the first time a message names it, so the daylight-saving rules are the IANA
// database's and never ours.
type zone struct {
	name string
	load func() (*time.Location, error)
}

type vocabulary struct {
	words  map[string]meaning
	places map[string]int // "london", "new york", "central european"
	zones  []zone
}

// loadVocabulary decodes words.json strictly: an unknown key, a missing list, a word listed
// twice or a word with capitals or spaces is an error naming what is wrong.
func loadVocabulary(data []byte) (*vocabulary, error) {
	var f wordsFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("words.json: %w", err)
	}
	if dec.More() {
		return nil, errors.New("words.json: more than one JSON value")
	}
	v := &vocabulary{words: map[string]meaning{}, places: map[string]int{}}
	var errs []error
	add := func(key, w string, m meaning) {
		switch {
		case w == "" || w != strings.ToLower(w) || strings.ContainsAny(w, " \t.,;:!?"):
			errs = append(errs, fmt.Errorf("words.json: %s: %q must be one lowercase word", key, w))
		case v.words[w] != meaning{}:
			errs = append(errs, fmt.Errorf("words.json: %s: %q is listed twice", key, w))
		default:
			v.words[w] = m
		}
	}
	list := func(key string, ws []string, m meaning) {
		if len(ws) == 0 {
			errs = append(errs, fmt.Errorf("words.json: %s: missing or empty", key))
		}
		for _, w := range ws {
			add(key, w, m)
		}
	}
	if len(f.Weekdays) != 7 {
		errs = append(errs, fmt.Errorf("words.json: weekdays: %d lists, want 7 (Sunday first)", len(f.Weekdays)))
	}
	for i, ws := range f.Weekdays {
		list(fmt.Sprintf("weekdays[%d]", i), ws, meaning{wWeekday, i})
	}
	if len(f.Months) != 12 {
		errs = append(errs, fmt.Errorf("words.json: months: %d lists, want 12 (January first)", len(f.Months)))
	}
	for i, ws := range f.Months {
		list(fmt.Sprintf("months[%d]", i), ws, meaning{wMonth, i + 1})
	}
	list("tomorrow", f.Tomorrow, meaning{wTomorrow, 0})
	list("tonight", f.Tonight, meaning{wTonight, 0})
	list("endOfDay", f.EndOfDay, meaning{wEOD, 0})
	list("noon", f.Noon, meaning{wNoon, 0})
	list("lunch", f.Lunch, meaning{wLunch, 0})
	list("midnight", f.Midnight, meaning{wMidnight, 0})
	list("morning", f.Morning, meaning{wMorning, 0})
	list("afternoon", f.Afternoon, meaning{wAfternoon, 0})
	list("evening", f.Evening, meaning{wEvening, 0})
	if len(f.Numbers) == 0 {
		errs = append(errs, errors.New("words.json: numbers: missing or empty"))
	}
	for _, n := range f.Numbers {
		if n.Value <= 0 || n.Value > 100 {
			errs = append(errs, fmt.Errorf("words.json: numbers: value %d is not between 1 and 100", n.Value))
		}
		list(fmt.Sprintf("numbers[%d]", n.Value), n.Words, meaning{wNumber, n.Value})
	}
	seenUnit := map[string]bool{}
	for _, u := range f.Units {
		n, ok := unitNames[u.Unit]
		if !ok || seenUnit[u.Unit] {
			errs = append(errs, fmt.Errorf("words.json: units: %q is not a unit, or listed twice (second, minute, hour, day, week)", u.Unit))
			continue
		}
		seenUnit[u.Unit] = true
		list("units."+u.Unit, u.Words, meaning{wUnit, n})
		for _, w := range u.Joined {
			add("units."+u.Unit+".joined", w, meaning{wJoinedUnit, n})
		}
	}
	if len(seenUnit) != len(unitNames) {
		errs = append(errs, fmt.Errorf("words.json: units: %d of %d units listed", len(seenUnit), len(unitNames)))
	}
	for _, z := range f.Zones {
		if z.Zone == "" || strings.ContainsAny(z.Zone, " .") {
			errs = append(errs, fmt.Errorf("words.json: zones: %q is not an IANA zone name", z.Zone))
			continue
		}
		i := len(v.zones)
		name := z.Zone
		v.zones = append(v.zones, zone{name: name, load: sync.OnceValues(func() (*time.Location, error) { return time.LoadLocation(name) })})
		for _, w := range z.Abbr {
			add("zones."+name, w, meaning{wZone, i})
		}
		for _, p := range z.Places {
			key := strings.Join(strings.Fields(p), " ")
			if key == "" || key != strings.ToLower(p) {
				errs = append(errs, fmt.Errorf("words.json: zones.%s: place %q must be lowercase words", name, p))
				continue
			}
			if _, dup := v.places[key]; dup {
				errs = append(errs, fmt.Errorf("words.json: zones.%s: place %q is listed twice", name, p))
			}
			v.places[key] = i
		}
	}
	if len(v.zones) == 0 {
		errs = append(errs, errors.New("words.json: zones: missing or empty"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return v, nil
}

// of returns what the word means as a time word.
func (v *vocabulary) of(w string) meaning { return v.words[w] }
