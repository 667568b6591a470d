package text

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct{ name, in, plain string }{
		{"plain prose", "The invoice is wrong.", "The invoice is wrong."},
		{"user mention", "<@U123ABC> can you look?", "@user can you look?"},
		{"user mention with label", "<@U123|ana> thanks", "@ana thanks"},
		{"channel reference", "see <#C123|billing>", "see #billing"},
		{"special mention", "<!here> outage", "@here outage"},
		{"subteam mention", "<!subteam^S123|@support> help", "@support help"},
		{"link with label", "read <https://x.test/a?b=1|the guide>", "read the guide"},
		{"bare link", "see <https://x.test/a>", "see https://x.test/a"},
		{"entities", "Q&amp;A &lt;3 &gt; all", "Q&A <3 > all"},
		{"a less-than that is no reference", "a <b and c> d", "a <b and c> d"},
		{"inline code is kept whole", "run `rm -rf :x: <b>` please", "run `rm -rf :x: <b>` please"},
		{"code block", "it fails:\n```\nFATAL ERROR!!! WORST\n```\nthanks", "it fails:\n\n\nthanks"},
		{"unterminated code block", "x ```ERROR\nMORE", "x"},
		{"quoted line", "&gt; THIS IS UNACCEPTABLE\nI understand.", "I understand."},
		{"quote block", "Sure.\n&gt;&gt;&gt; you are USELESS\nand more", "Sure."},
		{"emoji stay", "broken again :angry:", "broken again :angry:"},
		{"bold and italic", "*really* _annoyed_ ~now~", "really annoyed now"},
		{"snake_case kept", "the user_id field", "the user_id field"},
		{"arithmetic kept", "5 * 3", "5 * 3"},
		{"curly apostrophe", "I can\u2019t log in", "I can't log in"},
		{"invalid utf-8", "bad \xff byte", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse(tt.in).Plain; got != tt.plain {
				t.Errorf("Parse(%q).Plain = %q, want %q", tt.in, got, tt.plain)
			}
		})
	}
}

// norms lists the normal forms of a message's tokens.
func norms(d *Doc) []string {
	var out []string
	for _, t := range d.Tokens {
		out = append(out, t.Norm)
	}
	return out
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"I can’t log in!!", []string{"i", "can't", "log", "in", "!!"}},
		{"dont think so", []string{"don't", "think", "so"}},
		{"by 3pm or 10a.m. on 12/03", []string{"by", "3", "pm", "or", "10", "am", "on", "12/03"}},
		{"the 4th time, $1,284.50 each", []string{"the", "4th", "time", ",", "$", "1,284.50", "each"}},
		{"2FA codes via <@U1|ana>", []string{"2fa", "codes", "via", "@name"}},
		{"mail jane+test@acme.com or see https://x.io/a.", []string{"mail", "<email>", "or", "see", "<url>", "."}},
		{"sooo ANNOYED :rage: 😡", []string{"soo", "annoyed", "rage", "rage"}},
		{"your so-called 'upgrade'", []string{"your", "so-called", "'", "upgrade", "'"}},
		{"e.g. this… or that — ok", []string{"e.g.", "this", "...", "or", "that", "-", "ok"}},
		{"run `make test` now", []string{"run", "<code>", "now"}},
	}
	for _, tt := range tests {
		if got := norms(Parse(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) norms = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenFlags(t *testing.T) {
	d := Parse("It's NOT working AGAIN, and your 'fix' failed")
	flag := func(word string) Token {
		for _, tk := range d.Tokens {
			if tk.Norm == word {
				return tk
			}
		}
		t.Fatalf("no token %q in %q", word, norms(d))
		return Token{}
	}
	if !flag("not").Negator || flag("not").Neg {
		t.Errorf("not: Negator %v Neg %v, want a negator outside its own scope", flag("not").Negator, flag("not").Neg)
	}
	if !flag("working").Neg || !flag("again").Neg {
		t.Errorf("working, again: Neg = %v, %v; want both in the negation's scope", flag("working").Neg, flag("again").Neg)
	}
	if flag("your").Neg {
		t.Error("your: Neg = true; a comma and 'and' end the scope")
	}
	if !flag("again").Caps || flag("it's").Caps {
		t.Errorf("Caps: AGAIN %v, It's %v", flag("again").Caps, flag("it's").Caps)
	}
	if !flag("fix").Quoted || flag("failed").Quoted {
		t.Errorf("Quoted: fix %v, failed %v", flag("fix").Quoted, flag("failed").Quoted)
	}
}

func TestNegationThatIntensifies(t *testing.T) {
	for _, s := range []string{"Never been this unhappy with a purchase.", "I have never been so let down by a company", "never in my life have I seen worse service"} {
		d := Parse(s)
		for _, tk := range d.Tokens {
			if tk.Neg {
				t.Errorf("Parse(%q): %q is negated; 'never been so…' measures, it does not deny", s, tk.Text)
			}
		}
	}
	d := Parse("I am not happy with this")
	for _, tk := range d.Tokens {
		if tk.Norm == "happy" && !tk.Neg {
			t.Errorf("Parse(%q): happy is not negated", "I am not happy with this")
		}
	}
}

func TestSentencesAndClauses(t *testing.T) {
	d := Parse("hey so two things: 1. the CSV export cuts off 2. our sync is stuck. Why?? Also, the invoice is wrong, and the SSO loops")
	var sents []string
	for _, s := range d.Sents {
		sents = append(sents, d.Phrase(s.First, s.End))
	}
	want := []string{"hey so two things", "1. the CSV export cuts off", "2. our sync is stuck", "Why??", "Also, the invoice is wrong, and the SSO loops"}
	if !slices.Equal(sents, want) {
		t.Errorf("sentences = %q, want %q", sents, want)
	}
	if !d.Sents[1].ListItem || !d.Sents[2].ListItem || d.Sents[0].ListItem {
		t.Errorf("list items: %v %v %v", d.Sents[0].ListItem, d.Sents[1].ListItem, d.Sents[2].ListItem)
	}
	if !d.Sents[3].Question {
		t.Error("Why?? is not a question")
	}
	var last []string
	for _, c := range d.Clauses {
		if c.Sent == 4 {
			last = append(last, d.Phrase(c.First, c.End))
		}
	}
	if want := []string{"Also, the invoice is wrong", "and the SSO loops"}; !slices.Equal(last, want) {
		t.Errorf("clauses of the last sentence = %q, want %q", last, want)
	}
}

func TestEnumeratedSentences(t *testing.T) {
	d := Parse("First, the CSV export drops rows. Second, the SSO login loops. Third, we were charged for 45 seats.")
	if len(d.Sents) != 3 {
		t.Errorf("%d sentences, want 3", len(d.Sents))
	}
}

func TestPhraseBalancesQuotes(t *testing.T) {
	d := Parse(`the chat bot keeps saying "we're looking into it" and nothing happens`)
	// A range that opens a quotation but ends inside it.
	end := 0
	for i, tk := range d.Tokens {
		if tk.Norm == "looking" {
			end = i + 1
		}
	}
	got := d.Phrase(0, end)
	if strings.Count(got, `"`)%2 != 0 {
		t.Errorf("Phrase = %q: an unbalanced quotation mark", got)
	}
	if !strings.HasPrefix(got, "the chat bot keeps saying") || !strings.HasSuffix(got, "looking") {
		t.Errorf("Phrase = %q", got)
	}
}

func TestPhrases(t *testing.T) {
	var ps Phrases
	for _, p := range []string{"still not", "still not working", "cancel * account", "can't"} {
		if err := ps.Add(p, p); err != nil {
			t.Fatal(err)
		}
	}
	d := Parse("It's still not working, so cancel my account. I cant, really")
	var got []string
	ps.Find(d, 0, len(d.Tokens), func(m Match) { got = append(got, m.Label+"="+d.Span(m.First, m.End)) })
	want := []string{"still not working=still not working", "still not=still not", "cancel * account=cancel my account", "can't=cant"}
	if !slices.Equal(got, want) {
		t.Errorf("matches = %q, want %q", got, want)
	}
	for _, bad := range []string{"", "Upper", "a.b", "* first"} {
		if err := ps.Add(bad, "x"); err == nil {
			t.Errorf("Add(%q) = nil, want an error", bad)
		}
	}
}

func TestStem(t *testing.T) {
	for _, tt := range [][2]string{{"charged", "charg"}, {"charges", "charg"}, {"charging", "charg"}, {"charge", "charg"},
		{"dropping", "drop"}, {"replies", "repl"}, {"reply", "repl"}, {"replied", "repl"}, {"bus", "bus"}, {"it", "it"}} {
		if got := Stem(tt[0]); got != tt[1] {
			t.Errorf("Stem(%q) = %q, want %q", tt[0], got, tt[1])
		}
	}
}

// FuzzParse holds Parse to its promises on any input: offsets inside the text, tokens that are
// the text they claim, gaps of white space only, sentences and clauses covering every token.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "```", "<@U1|", "&amp", ":a:", "> x\n```\ny", "*_~", "\xff\xfe", "<<<>>>", strings.Repeat(":", 100),
		"1) a 2) b", "'a' \"b", "e.g. x", "😡\u200d🔥", "10:30:45 4th 3pm", "never been so", "a-", "-a", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Parse(s)
		if !utf8.ValidString(d.Plain) {
			t.Fatalf("Plain is not valid UTF-8: %q", d.Plain)
		}
		prevEnd := 0
		for i, tk := range d.Tokens {
			if tk.Start < prevEnd || tk.End <= tk.Start || tk.End > len(d.Plain) || d.Plain[tk.Start:tk.End] != tk.Text {
				t.Fatalf("token %d %+v does not sit in %q after %d", i, tk, d.Plain, prevEnd)
			}
			if strings.TrimSpace(d.Plain[prevEnd:tk.Start]) != "" {
				t.Fatalf("text between tokens is not white space: %q", d.Plain[prevEnd:tk.Start])
			}
			if tk.Sent < 0 || tk.Sent >= len(d.Sents) || tk.Clause < 0 || tk.Clause >= len(d.Clauses) {
				t.Fatalf("token %d in sentence %d, clause %d of %d, %d", i, tk.Sent, tk.Clause, len(d.Sents), len(d.Clauses))
			}
			prevEnd = tk.End
		}
		covered := 0
		for _, c := range d.Clauses {
			if c.First != covered || c.End <= c.First {
				t.Fatalf("clauses do not tile the tokens at %d: %+v", covered, c)
			}
			covered = c.End
			if p := d.Phrase(c.First, c.End); !utf8.ValidString(p) {
				t.Fatalf("Phrase is not valid UTF-8: %q", p)
			}
		}
		if covered != len(d.Tokens) {
			t.Fatalf("clauses cover %d of %d tokens", covered, len(d.Tokens))
		}
	})
}

func BenchmarkParse(b *testing.B) {
	msg := "Hi <@U123|ana>, this is the *third* time :angry: — see <https://x.test|the ticket>.\n```\nERROR 500\n```\n&gt; quoted\nThe invoice is wrong AGAIN and nobody has answered. Thanks"
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		Parse(msg)
	}
}

// TestBracketedList: "(a) …, (b) …, and (c) …" inside a sentence is a list, each item a sentence
// of its own said without its marker; "(see 2)" and a lone "(a)" are not.
func TestBracketedList(t *testing.T) {
	d := Parse("We would like to discuss (a) volume pricing, (b) a single invoice, and (c) a custom MSA. Details (see 2) follow (a) later.")
	var sents []string
	var items []bool
	for _, s := range d.Sents {
		sents = append(sents, d.Phrase(s.First, s.End))
		items = append(items, s.ListItem)
	}
	want := []string{"We would like to discuss", "volume pricing", "a single invoice, and", "a custom MSA", "Details (see 2) follow (a) later"}
	if !slices.Equal(sents, want) || !slices.Equal(items, []bool{false, true, true, true, false}) {
		t.Errorf("sentences = %q %v, want %q", sents, items, want)
	}
	if n := d.Marker(d.Sents[2].First); n != 3 {
		t.Errorf("Marker at (b) = %d, want 3", n)
	}
}
