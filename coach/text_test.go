package coach

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, plain string
		emoji           []string
	}{
		{"plain prose", "The invoice is wrong.", "The invoice is wrong.", nil},
		{"user mention", "<@U123ABC> can you look?", "@user can you look?", nil},
		{"user mention with label", "<@U123|ana> thanks", "@ana thanks", nil},
		{"channel reference", "see <#C123|billing>", "see #billing", nil},
		{"special mention", "<!here> outage", "@here outage", nil},
		{"subteam mention", "<!subteam^S123|@support> help", "@support help", nil},
		{"link with label", "read <https://x.test/a?b=1|the guide>", "read the guide", nil},
		{"bare link", "see <https://x.test/secret-token>", "see link", nil},
		{"entities", "Q&amp;A &lt;3 &gt; all", "Q&A <3 > all", nil},
		{"inline code is kept whole", "run `rm -rf :x: <b>` please", "run `rm -rf :x: <b>` please", nil},
		{"code block", "it fails:\n```\nFATAL ERROR!!! WORST\n```\nthanks", "it fails:\n\n\nthanks", nil},
		{"code block on one line", "log: ```PANIC!!``` ok", "log:   ok", nil},
		{"unterminated code block", "x ```ERROR\nMORE", "x", nil},
		{"quoted line", "&gt; THIS IS UNACCEPTABLE\nI understand.", "I understand.", nil},
		{"quote block", "Sure.\n&gt;&gt;&gt; you are USELESS\nand more", "Sure.", nil},
		{"emoji", "broken again :angry: :rage:", "broken again", []string{"angry", "rage"}},
		{"emoji skin tone", "thanks :+1::skin-tone-2:", "thanks", []string{"+1", "skin-tone-2"}},
		{"clock time is not emoji", "at 10:30:45 today", "at 10:30:45 today", nil},
		{"hundred", "great :100:", "great", []string{"100"}},
		{"bold and italic", "*really* _annoyed_ ~now~", "really annoyed now", nil},
		{"snake_case kept", "the user_id field", "the user_id field", nil},
		{"arithmetic kept", "5 * 3", "5 * 3", nil},
		{"curly apostrophe", "I can\u2019t log in", "I can't log in", nil},
		{"invalid utf-8", "bad \xff byte", "bad \uFFFD byte", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in)
			if got.Plain != tt.plain {
				t.Errorf("Clean(%q).Plain = %q, want %q", tt.in, got.Plain, tt.plain)
			}
			if !slices.Equal(got.Emoji, tt.emoji) {
				t.Errorf("Clean(%q).Emoji = %q, want %q", tt.in, got.Emoji, tt.emoji)
			}
		})
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "```", "<@U1|", "&amp", ":a:", "> x\n```\ny", "*_~", "\xff\xfe", "<<<>>>", strings.Repeat(":", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if !utf8.ValidString(got.Plain) {
			t.Fatalf("Clean(%q).Plain is not valid UTF-8: %q", s, got.Plain)
		}
		// Cleaning only removes or shortens; replacement characters may add at most 2 bytes
		// per invalid byte.
		if len(got.Plain) > 3*len(s) {
			t.Fatalf("Clean(%q).Plain grew to %d bytes", s, len(got.Plain))
		}
	})
}

func BenchmarkClean(b *testing.B) {
	msg := "Hi <@U123|ana>, this is the *third* time :angry: — see <https://x.test|the ticket>.\n```\nERROR 500\n```\n&gt; quoted\nThanks"
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		Clean(msg)
	}
}

func TestCutWords(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short enough", "still broken", 20, "still broken"},
		{"on a space", "still broken after the fix", 14, "still broken"},
		{"no space: at the limit", "abcdefgh", 5, "abcde"},
		{"no space: never inside a character", "Do\uFFFD000\uFFFD0", 7, "Do\uFFFD00"},
		{"no space: back to the character's start", "ab\uFFFDcd", 4, "ab"},
		{"a leading space is not a word boundary", " ééé", 4, " é"},
		{"emoji", "🙄🙄🙄", 6, "🙄"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cutWords(tt.in, tt.n)
			if got != tt.want || len(got) > tt.n || !utf8.ValidString(got) {
				t.Errorf("cutWords(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}
