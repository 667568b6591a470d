package coach

import (
	"slices"
	"testing"
)

func TestIssues(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{"one problem", "The CSV export cuts off at 10k rows.", 1},
		{"one problem with its follow-up question", "We'd love an API endpoint to bulk-update permissions. Is that planned?", 1},
		{"one problem and how it feels", "the Zapier sync is broken AGAIN. i'm tired of this. when is it getting fixed?", 1},
		{"the customer's own story is context", "I cleared cookies, tried incognito and another laptop. Login still fails with 'session expired'.", 1},
		{"numbered list", "hey so two things: 1. the CSV export cuts off at 10k rows 2. our Salesforce sync is stuck on 'pending'", 2},
		{"bulleted list", "a few things after the migration:\n- the revenue widget double counts refunds\n- users in Berlin see yesterday's data\n- two dashboards are missing", 3},
		{"also", "the box arrived crushed :( also i was charged for shipping", 2},
		{"comma and a new subject", "the dashboard is blank, and the API returns 401 for new keys", 2},
		{"and now", "the charts still don't render in Safari and now the date picker is broken too", 2},
		{"two subjects joined by and", "Our invoices are wrong again and half the team still can't log in", 2},
		{"separate questions about separate things", "can you move our internet to the new address, and will our static IP carry over?", 2},
		{"praise is not an issue", "Ana was fantastic on the phone today. Please pass it on!", 0},
		{"feelings are not issues", "are you kidding me?? this is ridiculous.", 0},
		{"an amount is not a subject", "my internet is supposed to be 500 down and i'm getting 40. PAYING for 500", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := analyze(tt.text).Issues; len(got) != tt.want {
				t.Errorf("Analyze(%q).Issues = %q, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestIssuePhrasesAreShort(t *testing.T) {
	long := "1) " + string(make([]byte, 0)) + "the export to our data warehouse has been failing every single night since the upgrade last Tuesday with a timeout 2) invoices wrong"
	for _, is := range analyze(long).Issues {
		if len(is) > 84 {
			t.Errorf("issue %q is %d bytes; a nudge lists it on one line", is, len(is))
		}
	}
}

func TestOutcomeQuestion(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"When will the refund hit my card?", true},
		{"how long is it going to be down this time??", true},
		{"Any ETA?", true},
		{"Is the Salesforce sync back or not?", true},
		{"Is that planned?", true},
		{"Could you confirm whether the data can be restored?", true},
		{"Please let me know when it's fixed.", true},
		{"Is there any planned maintenance this weekend?", true},
		{"Can you take a look?", false},
		{"Do you support SCIM provisioning?", false},
		{"Is there a way to export the report as CSV?", false},
		{"why did my bill go from $60 to $75?", false},
		{"The export is broken.", false},
	}
	for _, tt := range tests {
		if got := analyze(tt.text).OutcomeQuestion; got != tt.want {
			t.Errorf("Analyze(%q).OutcomeQuestion = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestThemes(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"I was charged twice on my last invoice", []string{"billing"}},
		{"When will the refund for order 55190 hit my card?", []string{"refund"}},
		{"my package says delivered but it's not here", []string{"shipping"}},
		{"I'm locked out after resetting my password", []string{"account-access"}},
		{"the Jira integration creates duplicate tickets", []string{"bug", "integration"}},
		{"dashboards load super slow, 30 seconds per page", []string{"performance"}},
		{"please cancel my subscription at the end of the month", []string{"cancellation"}},
		{"is the price going up for existing customers?", []string{"pricing"}},
		{"I've been on hold for 55 minutes to ask why my bill doubled", []string{"billing", "responsiveness"}},
		{"Thanks, that worked!", nil},
	}
	for _, tt := range tests {
		if got := analyze(tt.text).Themes; !slices.Equal(got, tt.want) {
			t.Errorf("Analyze(%q).Themes = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPraise(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Thanks Maria!! refund came through this morning", true},
		{"Sarah fixed our SAML config in 5 minutes. Legend.", true},
		{"Thanks for the help yesterday, but it's back. Can you reopen the ticket?", true},
		{"appreciate the quick turnaround on the invoice!", true},
		{"can you add a sandbox environment? thx!", false},
		{"Any update on this? Thanks", false},
		{"I appreciate your help, but this is the 4th time I'm writing and nobody has replied.", false},
		{"Thanks a lot for nothing.", false},
		{"The export is broken.", false},
	}
	for _, tt := range tests {
		if got := analyze(tt.text).Praise; got != tt.want {
			t.Errorf("Analyze(%q).Praise = %v, want %v", tt.text, got, tt.want)
		}
	}
}
