package coach

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := []struct{ in, want string }{
		{"mail me at chris.doe+acme@example.co.uk please", "mail me at [email] please"},
		{"<mailto:chris@acme.io|chris@acme.io> wrote", "[email] wrote"},
		{"card 4111 1111 1111 1111 was charged twice", "card [card number] was charged twice"},
		{"card 4111-1111-1111-1111.", "card [card number]."},
		{"order 1234567890123 is late", "order 1234567890123 is late"}, // not a card: fails Luhn
		{"call me on +44 20 7946 0958 or (212) 555-0147", "call me on [phone] or [phone]"},
		{"the reset link https://app.acme.io/reset/9f8e7d6c5b4a39281706f5e4d3c2b1a0?token=abc&u=chris is dead",
			"the reset link https://app.acme.io/reset/[redacted] is dead"},
		{"see <https://user:pw@acme.io/billing?id=7|billing>.", "see https://acme.io/billing."},
		{"refund of $140 for order #5521 on the 2nd", "refund of $140 for order #5521 on the 2nd"},
		{"since 2026-03-10 at 10:30", "since 2026-03-10 at 10:30"},
	}
	for _, c := range cases {
		if got := Redact(c.in); got != c.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// FuzzRedact: whatever the text, no e-mail address and no Luhn-valid card number survives.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"a@b.co", "4111111111111111", "https://x.io/a?b=c", "+1 (555) 010-9999", "<https://x|y>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if m := redactEmail.FindString(out); m != "" {
			t.Fatalf("Redact(%q) = %q keeps the address %q", s, out, m)
		}
		for _, m := range redactCard.FindAllString(out, -1) {
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, m)
			if len(digits) >= 13 && luhn(digits) {
				t.Fatalf("Redact(%q) = %q keeps the card number %q", s, out, m)
			}
		}
	})
}
