package coach

import (
	"strings"
	"unicode/utf8"
)

// CutWords returns the longest prefix of s of at most n bytes that ends before a space, or,
// when those bytes hold no space after the first, the longest that ends on a character
// boundary. A quote cut inside a multi-byte character would be invalid UTF-8 in a nudge.
func CutWords(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if cut := strings.LastIndexByte(s[:n], ' '); cut > 0 {
		return s[:cut]
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
