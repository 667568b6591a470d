package coach

import (
	"bufio"
	"encoding/json"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files")

// customerMessages reads the customers' messages of JSON-lines files of the analysis
// contract's shape (a line without a role is a customer's).
func customerMessages(t testing.TB, paths ...string) []string {
	t.Helper()
	var out []string
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var row struct{ Role, Text string }
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if row.Role == "" || row.Role == "customer" {
				out = append(out, row.Text)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if len(out) < 50 {
		t.Fatalf("%v: only %d customer messages", paths, len(out))
	}
	return out
}

// ownCustomers are the customer messages written for this project's tests: support requests
// of every theme, calm and upset (testdata/customers.jsonl), and the tone corpus's support
// channel (testdata/tone/support.jsonl).
func ownCustomers(t testing.TB) []string {
	return customerMessages(t, "testdata/customers.jsonl", "testdata/tone/support.jsonl", "testdata/judge.jsonl")
}

// TestDraftsPassTheRules drafts a reply to every customer message of the project's own
// testdata, in every tone, for agents and customers in several zones at several hours.
func TestDraftsPassTheRules(t *testing.T) { checkDrafts(t, ownCustomers(t)) }

// checkDrafts drafts a reply to each message in every tone, for agents and customers in
// several zones at several hours, and holds every draft to the drafts' contract: no nudge from
// the coach's own rules; nothing asserted that the agent has not done; a follow-up the ledger
// reads back to the same moment, inside the agent's working hours, when the reply needs one,
// and none otherwise; an estimate slot exactly when the customer asked "when?"; no apology to
// a calm customer or to thanks; thanks answered with thanks alone; every problem the analysis
// found said back; quotes and brackets balanced; no cheery greeting to an upset customer.
func checkDrafts(t *testing.T, msgs []string) {
	placeholder := regexp.MustCompile(`\{(name|time|item|question)\}`)
	ny, london, tokyo := mustZone(t, "America/New_York"), mustZone(t, "Europe/London"), mustZone(t, "Asia/Tokyo")
	setups := []struct {
		now            time.Time
		agent, account *time.Location
	}{
		{time.Date(2026, 3, 10, 14, 5, 0, 0, time.UTC), ny, ny},          // Tuesday morning in New York
		{time.Date(2026, 3, 13, 21, 40, 0, 0, time.UTC), ny, london},     // Friday evening: Monday's answer
		{time.Date(2026, 10, 31, 23, 10, 0, 0, time.UTC), london, tokyo}, // Saturday night, DST week
	}
	for _, text := range msgs {
		a := testCoach.Analyze(Message{Text: text, Role: RoleCustomer})
		for _, s := range setups {
			for _, tone := range Tones {
				d := testCoach.Draft(DraftRequest{Text: text, Customer: "Chris Doe", Agent: "Ana Silva", Zone: s.agent,
					CustomerZone: s.account, Now: s.now, Tone: tone})
				fail := func(format string, args ...any) {
					t.Helper()
					t.Errorf("%s %s draft for %q at %v:\n%s\n-- "+format, append([]any{tone, d.Kind, text, s.now, d.Text}, args...)...)
				}
				reply := &Reply{Upset: a.Upset, OutcomeQuestion: a.OutcomeQuestion}
				if fs := testCoach.DraftFindings(d.Text, reply, s.now, s.agent); len(fs) != 0 {
					fail("earns nudges %+v", fs)
				}
				if cl := Claims(d.Text); len(cl) != 0 {
					fail("asserts what the agent has not done: %q", cl)
				}
				p, ok := FindPromise(Plain(d.Text), s.now, s.agent)
				switch {
				case d.FollowUp.IsZero() && ok && !p.Due.IsZero():
					fail("promises an update at %v it was not meant to", p.Due)
				case !d.FollowUp.IsZero() && (!ok || !p.Due.Equal(d.FollowUp)):
					fail("the ledger reads the follow-up as %+v (%v), want %v", p, ok, d.FollowUp)
				case !d.FollowUp.IsZero():
					local := d.FollowUp.In(s.agent)
					if h := local.Hour(); h < 9 || h > 17 || local.Weekday() == time.Saturday || local.Weekday() == time.Sunday || !d.FollowUp.After(s.now) {
						fail("follow-up %v is outside the agent's working hours", local)
					}
				}
				if d.Kind != KindThanks && d.Estimate != a.OutcomeQuestion || strings.Contains(d.Text, EstimateSlot) != d.Estimate {
					fail("estimate slot %v for an outcome question %v", d.Estimate, a.OutcomeQuestion)
				}
				if d.Kind != KindUpset && apologises(d.Text) {
					fail("apologises to a calm customer")
				}
				if d.Kind == KindThanks && (strings.Contains(d.Text, "?") || !d.FollowUp.IsZero() || len(d.Slots) > 0) {
					fail("thanks answered with more than thanks")
				}
				if d.Kind == KindUpset || d.Kind == KindProblem {
					if d.Problems+d.Unsaid < len(a.Issues) {
						fail("says back %d of the %d problems %q", d.Problems, len(a.Issues), a.Issues)
					}
				}
				// Braces and angle brackets are the draft's own leftovers unless the customer
				// wrote them ("pins `urllib3<2`", "opens with 'Hi {first_name}'").
				bare := strings.NewReplacer(EstimateSlot, "", AnswerSlot, "").Replace(d.Text)
				leftover := strings.ContainsFunc(bare, func(r rune) bool {
					return strings.ContainsRune("{}<>", r) && !strings.ContainsRune(html.UnescapeString(text), r)
				})
				if leftover || placeholder.MatchString(bare) || strings.Contains(d.Text, "  ") || strings.Count(d.Text, "`")%2 != 0 {
					fail("leftover template or markup")
				}
				if strings.Count(d.Text, "\u201c") != strings.Count(d.Text, "\u201d") || strings.Count(d.Text, "\"")%2 != 0 || strings.Count(d.Text, "(") != strings.Count(d.Text, ")") {
					fail("unbalanced quotes or brackets")
				}
				greeting, _, _ := strings.Cut(d.Text, "\n")
				if !strings.HasPrefix(greeting, "Hi Chris") && !strings.HasPrefix(greeting, "Hey Chris") &&
					!strings.HasPrefix(greeting, "Chris,") && !strings.HasPrefix(greeting, "Hello Chris") && !strings.HasPrefix(greeting, "Dear Chris") {
					fail("does not greet the customer by first name")
				}
				if d.Kind == KindUpset && strings.HasPrefix(greeting, "Hi Chris!") {
					fail("a cheery greeting to an upset customer")
				}
			}
		}
	}
}

// TestDraftIsDeterministicAndVaried: the same message gives the same draft; across the
// project's own messages the openings vary.
func TestDraftIsDeterministicAndVaried(t *testing.T) { checkDraftVariety(t, ownCustomers(t)) }

func checkDraftVariety(t *testing.T, msgs []string) {
	now := time.Date(2026, 3, 10, 14, 5, 0, 0, time.UTC)
	openings := map[string]int{}
	for _, text := range msgs {
		r := DraftRequest{Text: text, Customer: "Chris", Zone: time.UTC, Now: now}
		d1, d2 := testCoach.Draft(r), testCoach.Draft(r)
		if d1.Text != d2.Text || !d1.FollowUp.Equal(d2.FollowUp) {
			t.Fatalf("two drafts for %q differ:\n%s\n--\n%s", text, d1.Text, d2.Text)
		}
		first, _, _ := strings.Cut(d1.Text, ".")
		openings[first]++
	}
	for o, n := range openings {
		if n > len(msgs)/4 {
			t.Errorf("%d of %d drafts open with %q", n, len(msgs), o)
		}
	}
	if len(openings) < 10 {
		t.Errorf("only %d different openings over %d drafts", len(openings), len(msgs))
	}
}

// TestDraftUsesTheThread: what the bot remembers shapes the draft: a customer back for the
// third time hears that, a missed promise is owned, and an open promise's time is kept
// rather than a new one invented.
func TestDraftUsesTheThread(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	calmText := "The export button gives me a blank page."
	thread := Thread{Channel: "C1", TS: "1.1", Messages: []Seen{
		{TS: "1.1", Role: RoleCustomer, Upset: true}, {TS: "1.2", Role: RoleAgent}, {TS: "1.3", Role: RoleCustomer},
	}}
	d := testCoach.Draft(DraftRequest{Text: calmText, Zone: time.UTC, Now: now, Thread: &thread})
	if !strings.Contains(d.Text, "sorry") || strings.Contains(d.Text, "Thanks for") {
		t.Errorf("a thread that was upset gets a calm opening:\n%s", d.Text)
	}
	if fresh := testCoach.Draft(DraftRequest{Text: calmText, Zone: time.UTC, Now: now}); strings.Contains(fresh.Text, "sorry") {
		t.Errorf("a calm first message is met with an apology:\n%s", fresh.Text)
	}

	due := now.Add(3 * time.Hour)
	thread.Promise = &Promise{Version: 1, Due: due, State: PromiseOpen}
	if d := testCoach.Draft(DraftRequest{Text: calmText, Zone: time.UTC, Now: now, Thread: &thread}); !d.FollowUp.Equal(due) {
		t.Errorf("follow-up %v, want the open promise's %v", d.FollowUp, due)
	}
	thread.Promise.Due = now.Add(-time.Hour)
	d = testCoach.Draft(DraftRequest{Text: calmText, Zone: time.UTC, Now: now, Thread: &thread})
	if !strings.Contains(d.Text, "later than I said") && !strings.Contains(d.Text, "missed the time") {
		t.Errorf("a missed promise is not owned:\n%s", d.Text)
	}
	if !d.FollowUp.After(now) {
		t.Errorf("follow-up %v is in the past", d.FollowUp)
	}
}

// TestDraftMirrorsTheProblems: several problems come back one per line, in the agent's words.
func TestDraftMirrorsTheProblems(t *testing.T) {
	text := "my invoice is wrong again AND half my team can't log in since yesterday. also i was charged twice for March"
	d := testCoach.Draft(DraftRequest{Text: text, Zone: time.UTC, Now: time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)})
	lines := 0
	for _, l := range strings.Split(d.Text, "\n") {
		if strings.HasPrefix(l, "• ") {
			lines++
			if strings.Contains(" "+l+" ", " my ") || strings.Contains(l, " i ") || strings.Contains(l, "AND") {
				t.Errorf("line not mirrored: %q", l)
			}
		}
	}
	if lines < 2 {
		t.Errorf("%d problem lines in:\n%s", lines, d.Text)
	}
	if !strings.Contains(d.Text, "your invoice") || !strings.Contains(d.Text, "you were charged") {
		t.Errorf("the problems are not mirrored back:\n%s", d.Text)
	}
}

// TestTurn: a problem said back in the agent's words, the customer's account kept theirs.
func TestTurn(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"I can't log in since yesterday", "you can't log in since yesterday"},
		{"You've charged me in February AND March", "you've been charged in February and March"},
		{"you charged me twice", "you were charged twice"},
		{"you have already billed me for March", "you have already been billed for March"},
		{"you gave me the wrong invoice", "you were given the wrong invoice"},
		{"I told you about this last week", "you told us about this last week"},
		{"our SSO is down", "your SSO is down"},
		{"also, Salesforce sync fails", "Salesforce sync fails"},
		{"sorry to ping on a Friday", ""},
		{`the app says "paid" but the bank says no`, `the app says "paid" but the bank says no`},
		{`""No"" is all it says`, `no is all it says`},
		{"is it me?", "is it you"},
		{"(c) a custom MSA", "a custom MSA"},
		{"Third chat today", "third chat today"},
		{"First, the export fails", "the export fails"},
		{"lol the grader failed my essay", "the grader failed your essay"},
		{"the app logged me out AGAIN", "the app logged you out again"},
		{"broken", ""},
	} {
		if got := turn(c.in, map[string]bool{"sso": true}); got != c.want {
			t.Errorf("turn(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestDraftRhetoricalQuestion: a question in form only is not asked back with an answer slot:
// said back, "Did you even read my message?" would earn the agent a blame nudge, and "what
// are you doing?" would claim "what we are doing".
func TestDraftRhetoricalQuestion(t *testing.T) {
	for _, text := range []string{
		"Did you even read my message? The export has been broken since Monday.",
		"tonight the app logged me out WHILE WATCHING. what are you doing?",
	} {
		d := testCoach.Draft(DraftRequest{Text: text, Customer: "Sam", Now: time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)})
		if slices.Contains(d.Slots, AnswerSlot) || d.Kind == KindQuestion {
			t.Errorf("%q answered as a question (%s):\n%s", text, d.Kind, d.Text)
		}
		low := strings.ToLower(d.Text)
		if strings.Contains(low, "even read") || strings.Contains(low, "what we are doing") {
			t.Errorf("%q said back:\n%s", text, d.Text)
		}
	}
}

// TestDraftLeavesFeelingsToTheOpening: a sentence of feeling alone is not said back as a
// problem; the opening names the feeling.
func TestDraftLeavesFeelingsToTheOpening(t *testing.T) {
	text := "Never in my life have I been this disappointed. The export deleted every saved report."
	d := testCoach.Draft(DraftRequest{Text: text, Customer: "Sam", Now: time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)})
	if strings.Contains(d.Text, "been this disappointed") || !strings.Contains(d.Text, "the export deleted every saved report") {
		t.Errorf("draft:\n%s", d.Text)
	}
}

// TestDraftGolden keeps a spread of drafts in testdata/drafts: run with -update to rewrite
// them after a deliberate change of wording, and read the diff.
func TestDraftGolden(t *testing.T) {
	ny, london := mustZone(t, "America/New_York"), mustZone(t, "Europe/London")
	now := time.Date(2026, 3, 10, 15, 20, 0, 0, time.UTC)
	cases := []struct {
		name, text string
		customer   *time.Location
	}{
		{"upset-repeat", "This is the THIRD time I'm writing about the invoices. Nobody answers. Honestly considering cancelling.", ny},
		{"many-problems", "the package arrived but the box was crushed and one of the mugs is broken :sob: also i was charged for shipping even though i'm on the free shipping membership", london},
		{"when", "Our dashboard has been down for an hour. When will it be back?", ny},
		{"calm", "Quick question: is there a way to export the monthly usage report as CSV?", london},
		{"data-loss", "We lost every project created this week after the update. This is a disaster.", ny},
		{"thanks", "Thanks so much Priya, the dashboard loads instantly now :tada:", ny},
		{"question", "Do you have an API endpoint for exporting invoices as CSV?", london},
		{"request", "Could you add <@U07MNB2X1> as a billing contact on our account?", ny},
		{"two-and-when", "our webhook deliveries stopped at 03:12 UTC, and separately the seat count on the invoice is 45 but we have 38 users. when will both be sorted?", london},
		{"logged-out", "Ugh. The mobile app logged me out AGAIN and now it wants a code that never arrives.", ny},
		{"sarcasm", "Wow. Three hours on hold and then the call drops. Stellar customer service, really.", ny},
		{"shouting", "WHERE IS MY REFUND?? I RETURNED THE BOOTS THREE WEEKS AGO.", ny},
		{"who", "I've been waiting two weeks for my refund. Who do I talk to?", london},
		{"praise-and-ask", "Love the new reports, thank you! Could we also filter them by region?", ny},
	}
	for _, c := range cases {
		for _, tone := range Tones {
			d := testCoach.Draft(DraftRequest{Text: c.text, Customer: "Chris", Agent: "Ana", Zone: ny, CustomerZone: c.customer, Now: now, Tone: tone})
			golden(t, filepath.Join("testdata", "drafts", c.name+"."+string(tone)+".txt"), d.Text+"\n")
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./coach -run Golden -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s changed (go test ./coach -run Golden -update after a deliberate change):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

func TestParseTone(t *testing.T) {
	for in, want := range map[string]Tone{"": ToneWarm, "Warm": ToneWarm, " concise ": ToneConcise, "FORMAL": ToneFormal} {
		if got, err := ParseTone(in); err != nil || got != want {
			t.Errorf("ParseTone(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseTone("snarky"); err == nil || !strings.Contains(err.Error(), "warm, concise or formal") {
		t.Errorf("ParseTone(snarky) = %v", err)
	}
}

func BenchmarkDraft(b *testing.B) {
	msgs := ownCustomers(b)
	now := time.Date(2026, 3, 10, 15, 20, 0, 0, time.UTC)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		testCoach.Draft(DraftRequest{Text: msgs[i%len(msgs)], Customer: "Chris", Zone: time.UTC, Now: now, Tone: Tones[i%3]})
	}
}

// FuzzDraft drafts replies to arbitrary text: never a panic, always valid UTF-8, never a
// finding of the coach's own rules, and always a follow-up the ledger reads back.
func FuzzDraft(f *testing.F) {
	for _, s := range []string{"", "??", "my invoice is wrong AND i can't log in", "is there a way to export?", "`code` … :sob:",
		"I should have got a refund, as I said you should have sent it", "do you support SSO? does it work? did you ship it?"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 10, 15, 20, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		for _, tone := range Tones {
			d := testCoach.Draft(DraftRequest{Text: text, Customer: "Chris", Zone: time.UTC, Now: now, Tone: tone})
			if !utf8.ValidString(d.Text) && utf8.ValidString(text) {
				t.Fatalf("invalid UTF-8 draft for %q", text)
			}
			a := testCoach.Analyze(Message{Text: text, Role: RoleCustomer, Now: now})
			if fs := testCoach.DraftFindings(d.Text, &Reply{Upset: a.Upset, OutcomeQuestion: a.OutcomeQuestion}, now, time.UTC); len(fs) != 0 {
				t.Fatalf("draft for %q earns %+v:\n%s", text, fs, d.Text)
			}
			p, ok := FindPromise(Plain(d.Text), now, time.UTC)
			if !d.FollowUp.IsZero() && (!ok || !p.Due.Equal(d.FollowUp)) || d.FollowUp.IsZero() && ok && !p.Due.IsZero() {
				t.Fatalf("follow-up %v of the draft for %q read as %+v", d.FollowUp, text, p)
			}
			if cl := Claims(d.Text); len(cl) != 0 {
				t.Fatalf("the draft for %q asserts %q:\n%s", text, cl, d.Text)
			}
		}
	})
}
