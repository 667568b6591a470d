package coach

import (
	"slices"
	"strings"
	"time"
)

// Role says who wrote a message.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
)

// Message is one message as the coach sees it.
type Message struct {
	Text string // as Slack delivers it (mrkdwn)
	Role Role
	Now  time.Time      // when it was sent
	Zone *time.Location // the author's zone; nil means UTC
}

// Analysis is what the coach reads in one message (the fields of the eval contract).
type Analysis struct {
	Upset     bool
	Intensity float64 // 0 (calm) to 1
	// Cues are the words, punctuation or patterns that made the message read as upset, strongest
	// first, quoted as the author wrote them, for a nudge to show.
	Cues []string
}

// Coach holds a playbook and judges messages with it. It is safe for concurrent use.
type Coach struct {
	pb *Playbook
}

// New returns a coach for a playbook.
func New(pb *Playbook) *Coach { return &Coach{pb: pb} }

// Playbook returns the coach's playbook.
func (c *Coach) Playbook() *Playbook { return c.pb }

// Analyze judges one message.
func (c *Coach) Analyze(m Message) Analysis {
	t := Clean(m.Text)
	return c.analyzeText(t)
}

type cue struct {
	text   string
	weight float64
	pos    int
}

func (c *Coach) analyzeText(t Text) Analysis {
	u := &c.pb.Upset
	plain := t.Plain
	norm := wordForm(plain)
	var cues []cue
	score := 0.0
	// Phrases, longest first; a matched span is blanked so "still not" is not also counted as "not".
	padded := []byte(" " + norm + " ")
	for _, p := range u.phrasesByLength {
		from := 0
		for {
			i := strings.Index(string(padded[from:]), " "+p.text+" ")
			if i < 0 {
				break
			}
			at := from + i + 1
			cues = append(cues, cue{plain[at-1 : at-1+len(p.text)], p.weight, at})
			score += p.weight
			for k := at; k < at+len(p.text); k++ {
				padded[k] = '#'
			}
			from = at + len(p.text)
		}
	}
	for i, e := range t.Emoji {
		if w, ok := u.Emoji[e]; ok {
			cues = append(cues, cue{":" + e + ":", w, len(plain) + i})
			score += w
		}
	}
	if w := shouting(plain, u.Acronyms); w != "" {
		cues = append(cues, cue{w, u.ShoutingWeight, strings.Index(plain, w)})
		score += u.ShoutingWeight
	}
	if i := exclaims(plain); i >= 0 {
		cues = append(cues, cue{plain[i : i+2], u.ExclaimWeight, i})
		score += u.ExclaimWeight
	}
	a := Analysis{Intensity: min(1, score)}
	a.Upset = score >= u.Threshold
	slices.SortStableFunc(cues, func(x, y cue) int {
		if x.weight != y.weight {
			if x.weight > y.weight {
				return -1
			}
			return 1
		}
		return x.pos - y.pos
	})
	for _, c := range cues {
		a.Cues = append(a.Cues, c.text)
	}
	return a
}

// wordForm lowercases ASCII letters and turns every other ASCII byte that is not a letter,
// digit or apostrophe into a space. It keeps byte positions, so a match in it is a span of
// the original text.
func wordForm(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '\'', c >= 0x80:
		default:
			b[i] = ' '
		}
	}
	return string(b)
}

// shouting returns the first word written in capitals to shout (three letters or more, not a
// known acronym), or "".
func shouting(s string, acronyms []string) string {
	for i := 0; i < len(s); {
		if !isLetter(s[i]) {
			i++
			continue
		}
		j := i
		upper := true
		for j < len(s) && isLetter(s[j]) {
			upper = upper && s[j] >= 'A' && s[j] <= 'Z'
			j++
		}
		if word := s[i:j]; upper && len(word) >= 3 && !slices.Contains(acronyms, word) {
			return word
		}
		i = j
	}
	return ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// exclaims returns the index of the first "!!", "?!" or "!?" in s, or -1.
func exclaims(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '!' || s[i] == '?') && s[i+1] == '!' || s[i] == '!' && s[i+1] == '?' {
			return i
		}
	}
	return -1
}
