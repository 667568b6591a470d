package coach

import (
	"strings"
	"testing"
	"time"
)

var benchNow = time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)

// typical is a spread of everyday support messages, customer and agent.
var typical = []Message{
	{Text: "This is the THIRD time I'm writing about this. Our invoices are wrong again and half the team still can't log in since yesterday. Honestly thinking about cancelling.", Role: RoleCustomer},
	{Text: "Quick question: is there a way to export the monthly usage report as CSV?", Role: RoleCustomer},
	{Text: "Hi <@U123ABC>, the `/v2/reports` endpoint returns 504 for ranges over 90 days, and the rate-limit headers are missing on 429s. Any ETA?", Role: RoleCustomer},
	{Text: "Perfect, that worked. Thanks Ana, super quick as always! :tada:", Role: RoleCustomer},
	{Text: "Hi Chris, our billing team is looking into the invoices. I'll get back to you by 11am with an update.", Role: RoleAgent},
	{Text: "I'm sorry, two weeks is far too long. I've issued the refund: $95 back to your Visa within 3-5 days. Is there anything else I can do?", Role: RoleAgent},
}

func BenchmarkAnalyze(b *testing.B) {
	c := New(DefaultPlaybook())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := typical[i%len(typical)]
		m.Now = benchNow
		c.Analyze(m)
		i++
	}
}

func BenchmarkReview(b *testing.B) {
	c := New(DefaultPlaybook())
	reply := &Reply{Upset: true, OutcomeQuestion: true}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := typical[i%len(typical)]
		m.Now = benchNow
		c.Review(m, reply)
		i++
	}
}

// BenchmarkAnalyzeLongest is Slack's longest message, 40,000 characters.
func BenchmarkAnalyzeLongest(b *testing.B) {
	c := New(DefaultPlaybook())
	var sb strings.Builder
	for sb.Len() < 40000 {
		for _, m := range typical {
			sb.WriteString(m.Text)
			sb.WriteString("\n")
		}
	}
	text := sb.String()[:40000]
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		c.Analyze(Message{Text: text, Role: RoleAgent, Now: benchNow})
	}
}
