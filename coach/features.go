package coach

import (
	"bufio"
	"bytes"
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed valence.tsv
var valenceData []byte

var (
	valenceOnce sync.Once
	valenceMap  map[string]float32
)

// valence returns the word-valence lexicon (valence.tsv), read once on first use.
func valence() map[string]float32 {
	valenceOnce.Do(func() {
		valenceMap = make(map[string]float32, 7300)
		sc := bufio.NewScanner(bytes.NewReader(valenceData))
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") {
				continue
			}
			word, num, ok := strings.Cut(line, "\t")
			if v, err := strconv.ParseFloat(num, 32); ok && err == nil {
				valenceMap[word] = float32(v)
			}
		}
	})
	return valenceMap
}

// Features of a text for the tone model: words and word pairs (words in the scope of a
// negation are marked, so "not bad" is not "bad"), emoji codes, and the shape of the writing
// (shouting, repeated "!!" or "??"). Each feature is hashed into modelBits bits; the trainer
// (internal/train) and the runtime share this code, so they cannot drift apart.

// modelBits is the size of the hashed feature space: 2^20 buckets keep collisions rare for a
// vocabulary of a few hundred thousand words and pairs.
const modelBits = 20

const (
	seedWord    uint32 = 0x9e3779b1
	seedNegated uint32 = 0x85ebca77
	seedPair    uint32 = 0xc2b2ae3d
	seedEmoji   uint32 = 0x27d4eb2f
	seedShape   uint32 = 0x165667b1
	seedValence uint32 = 0x7feb352d
)

// Shape features.
const (
	shapeShout   = 1
	shapeBangs   = 2
	shapeQueries = 3
	shapeBang    = 4
	shapeQuery   = 5
	shapeLong    = 6
)

// negators open a negation scope that lasts until punctuation or negationWindow words.
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "nobody": true, "nothing": true, "neither": true,
	"nor": true, "cannot": true, "can't": true, "cant": true, "don't": true, "dont": true, "doesn't": true,
	"doesnt": true, "didn't": true, "didnt": true, "isn't": true, "isnt": true, "aren't": true, "arent": true,
	"wasn't": true, "wasnt": true, "weren't": true, "won't": true, "wont": true, "wouldn't": true,
	"shouldn't": true, "couldn't": true, "haven't": true, "hasn't": true, "hadn't": true, "without": true,
	"hardly": true, "ain't": true, "zero": true,
}

const negationWindow = 3

// featureScratch holds the buffers one call of appendFeatures needs.
type featureScratch struct {
	word []byte
}

// appendFeatures appends the hashed features of t to dst and returns it.
func appendFeatures(dst []uint32, t Text, sc *featureScratch) []uint32 {
	s := t.Plain
	lex := valence()
	var prev uint32
	havePrev := false
	negLeft := 0
	bangs, queries, longest := 0, 0, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '`' {
			if end := strings.IndexByte(s[i+1:], '`'); end >= 0 {
				i += end + 2 // code has no tone
				havePrev = false
				continue
			}
		}
		if !isWordRune(r) {
			switch r {
			case '!':
				bangs++
				if bangs == 2 {
					dst = append(dst, hashShape(shapeBangs))
				}
			case '?':
				queries++
				if queries == 2 {
					dst = append(dst, hashShape(shapeQueries))
				}
			}
			if r == '.' || r == ',' || r == '!' || r == '?' || r == ';' || r == ':' || r == '\n' {
				negLeft = 0
				havePrev = false
			}
			if r != '!' {
				bangs = 0
			}
			if r != '?' {
				queries = 0
			}
			i += size
			continue
		}
		bangs, queries = 0, 0
		if skip := skipName(s, i); skip > i {
			i = skip
			continue
		}
		// A word: letters, digits and inner apostrophes.
		sc.word = sc.word[:0]
		upper, letters := 0, 0
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == '\'' && j+size < len(s) {
				if next, _ := utf8.DecodeRuneInString(s[j+size:]); unicode.IsLetter(next) {
					sc.word = append(sc.word, '\'')
					j += size
					continue
				}
			}
			if !isWordRune(r) {
				break
			}
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
			if unicode.IsDigit(r) {
				r = '0' // numbers matter by shape, not value
			}
			sc.word = utf8.AppendRune(sc.word, unicode.ToLower(r))
			j += size
		}
		placeholder := i > 0 && s[i-1] == '[' && j < len(s) && s[j] == ']' // "[NAME]"
		i = j
		if letters >= 3 && upper == letters && !placeholder {
			dst = append(dst, hashShape(shapeShout))
		}
		if len(sc.word) > longest {
			longest = len(sc.word)
		}
		seed := seedWord
		negated := negLeft > 0
		if negated {
			seed = seedNegated
			negLeft--
		}
		if v, ok := lex[string(sc.word)]; ok {
			dst = appendValence(dst, v, negated)
		}
		h := hashBytes(seed, sc.word)
		dst = append(dst, h)
		if havePrev {
			dst = append(dst, mix(seedPair, prev, h))
		}
		prev, havePrev = h, true
		if negators[string(sc.word)] {
			negLeft = negationWindow
		}
	}
	for _, e := range t.Emoji {
		dst = append(dst, hashString(seedEmoji, e))
	}
	if s != "" && s[len(s)-1] == '!' {
		dst = append(dst, hashShape(shapeBang))
	}
	if s != "" && s[len(s)-1] == '?' {
		dst = append(dst, hashShape(shapeQuery))
	}
	return dst
}

// appendValence adds a word's prior valence: a feature for its rounded value and one per
// point of negativity or positivity, so the model can weigh words it never saw in training.
// A negated word counts for less and the other way ("not great" is mildly negative).
func appendValence(dst []uint32, v float32, negated bool) []uint32 {
	if negated {
		v = -0.74 * v
	}
	bucket := int(math.Round(float64(v)))
	dst = append(dst, mix(seedValence, uint32(bucket+8), 0))
	side := uint32(1)
	if v < 0 {
		side = 2
	}
	for range int(math.Round(math.Abs(float64(v)))) {
		dst = append(dst, mix(seedValence, side, 1))
	}
	return dst
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

const mask = 1<<modelBits - 1

// hashBytes is FNV-1a from a seed, folded into the feature space.
func hashBytes(seed uint32, b []byte) uint32 {
	h := 2166136261 ^ seed
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return fold(h)
}

func hashString(seed uint32, s string) uint32 {
	h := 2166136261 ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return fold(h)
}

func hashShape(n uint32) uint32 { return fold((n + 1) * seedShape) }

func mix(seed, a, b uint32) uint32 {
	h := seed ^ a*0xcc9e2d51
	h = (h<<15 | h>>17) ^ b*0x1b873593
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	return fold(h)
}

func fold(h uint32) uint32 { return (h ^ h>>modelBits) & mask }

// Features returns the hashed features of a Slack message, for the trainer.
func Features(text string) []uint32 {
	var sc featureScratch
	return appendFeatures(nil, Clean(text), &sc)
}

// ModelBits is the width of the feature space, for the trainer.
const ModelBits = modelBits
