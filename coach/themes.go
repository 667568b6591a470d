package coach

import "strings"

// defaultThemes is the default taxonomy of complaint themes, in order, with the name people
// read in a digest. It is the one list of them: the playbook's phrases, the models' labels and
// the digest all name these ids.
var defaultThemes = []struct{ id, name string }{
	{"billing", "Billing"},
	{"refund", "Refunds"},
	{"shipping", "Shipping & delivery"},
	{"account-access", "Login & access"},
	{"bug", "Bugs & errors"},
	{"outage", "Outages"},
	{"performance", "Performance"},
	{"data-loss", "Data loss"},
	{"cancellation", "Cancellations"},
	{"pricing", "Pricing"},
	{"setup", "Setup & onboarding"},
	{"integration", "Integrations & API"},
	{"responsiveness", "Support responsiveness"},
	{"feature-request", "Feature requests"},
}

// themeIDs is the default taxonomy's ids, in order.
var themeIDs = func() []string {
	ids := make([]string, len(defaultThemes))
	for i, t := range defaultThemes {
		ids[i] = t.id
	}
	return ids
}()

// ThemeName is a theme as people read it: a default theme's name, or a team's own theme id
// written as words ("onboarding-call" is "Onboarding call").
func ThemeName(id string) string {
	for _, t := range defaultThemes {
		if t.id == id {
			return t.name
		}
	}
	if id == "" {
		return ""
	}
	return strings.ToUpper(id[:1]) + strings.ReplaceAll(id[1:], "-", " ")
}
