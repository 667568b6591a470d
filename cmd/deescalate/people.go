package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/deescalate/deescalate/coach"
)

// Who is who in a replayed export: each person who wrote is an agent or a customer, for a
// reason the report states, so a reader can tell at once when the guess is wrong and how to
// put it right.

// Why a person was taken for an agent or a customer.
const (
	whyNamedAgent    = "named by --agents"
	whyNamedCustomer = "named by --customers"
	whyNotNamed      = "not named by --agents"
	whyMember        = "full members of the workspace's own team"
	whyGuest         = "guests of the workspace"
	whyConnect       = "Slack Connect: members of another organisation"
	whyUnknown       = "not in users.json (most often a Slack Connect member of another organisation)"
)

// replayPerson is one author of the export, as the report lists them.
type replayPerson struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"` // agent or customer
	Why      string `json:"why"`
	Team     string `json:"team,omitempty"`
	Messages int    `json:"messages"`
}

// cast is who is who: every author's role and why.
type cast struct {
	home   string // the workspace's own team
	roles  map[string]coach.Role
	people []replayPerson // the authors, agents first, most messages first
}

// isAgent reports whether a user is one of the agents.
func (c *cast) isAgent(id string) bool { return c.roles[id] == coach.RoleAgent }

// count counts the authors taken for a role.
func (c *cast) count(role coach.Role) int {
	n := 0
	for _, p := range c.people {
		if p.Role == string(role) {
			n++
		}
	}
	return n
}

// coached reports whether a message is one a person wrote that the replay reads: a plain
// message or a reply broadcast to the channel, not a join, a bot's post or a system note.
func (m exportMessage) coached() bool {
	return (m.Type == "message" || m.Type == "") && (m.Subtype == "" || m.Subtype == "thread_broadcast") && m.User != "" && m.BotID == ""
}

// castOf decides who is who. Named agents are agents and, when agents are named, everyone
// else is a customer; named customers are customers. Otherwise the full members of the
// workspace's own team (the team most of users.json belongs to) are agents, and guests,
// Slack Connect members of other organisations and authors users.json does not hold are
// customers. A name that matches nobody is an error.
func castOf(ex *export, agents, customers string) (*cast, error) {
	namedAgents, err := matchNames(ex, "--agents", agents)
	if err != nil {
		return nil, err
	}
	namedCustomers, err := matchNames(ex, "--customers", customers)
	if err != nil {
		return nil, err
	}
	for id := range namedAgents {
		if namedCustomers[id] {
			return nil, fmt.Errorf("--agents and --customers both name %s", displayName(ex, id))
		}
	}
	c := &cast{home: homeTeam(ex), roles: map[string]coach.Role{}}
	counts, teams := map[string]int{}, map[string]string{}
	for _, m := range ex.messages {
		if !m.coached() || ex.users[m.User].IsBot {
			continue
		}
		counts[m.User]++
		if teams[m.User] == "" {
			teams[m.User] = m.Team
		}
	}
	for id, n := range counts {
		u, known := ex.users[id]
		p := replayPerson{ID: id, Name: displayName(ex, id), Messages: n, Role: string(coach.RoleCustomer), Team: u.TeamID}
		if !known {
			p.Team = teams[id]
		}
		switch {
		case namedAgents[id]:
			p.Role, p.Why = string(coach.RoleAgent), whyNamedAgent
		case namedCustomers[id]:
			p.Why = whyNamedCustomer
		case len(namedAgents) > 0:
			p.Why = whyNotNamed
		case !known:
			p.Why = whyUnknown
		case u.Guest || u.Guest1:
			p.Why = whyGuest
		case u.TeamID != c.home:
			p.Why = whyConnect
		default:
			p.Role, p.Why = string(coach.RoleAgent), whyMember
		}
		if p.Why != whyConnect && p.Why != whyUnknown {
			p.Team = ""
		}
		c.roles[id] = coach.Role(p.Role)
		c.people = append(c.people, p)
	}
	sort.Slice(c.people, func(i, j int) bool {
		a, b := c.people[i], c.people[j]
		if a.Role != b.Role {
			return a.Role == string(coach.RoleAgent)
		}
		if a.Messages != b.Messages {
			return a.Messages > b.Messages
		}
		return a.Name < b.Name
	})
	return c, nil
}

// matchNames finds the users a flag names, by id, user name, display name or real name.
func matchNames(ex *export, flag, list string) (map[string]bool, error) {
	ids := map[string]bool{}
	if strings.TrimSpace(list) == "" {
		return ids, nil
	}
	var unknown []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(n), "@"))
		if n == "" {
			continue
		}
		found := false
		for id, u := range ex.users {
			if id == n || strings.EqualFold(u.Name, n) || strings.EqualFold(u.Profile.DisplayName, n) || strings.EqualFold(u.RealName, n) {
				ids[id], found = true, true
			}
		}
		if !found && strings.HasPrefix(n, "U") && strings.ToUpper(n) == n {
			ids[n], found = true, true // an author users.json does not hold, by id
		}
		if !found {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%s: nobody in users.json is called %s (give user ids, names or display names)", flag, strings.Join(unknown, ", "))
	}
	return ids, nil
}

// homeTeam is the workspace's own team: the team most human users of users.json belong to.
func homeTeam(ex *export) string {
	teams := map[string]int{}
	for _, u := range ex.users {
		if !u.IsBot {
			teams[u.TeamID]++
		}
	}
	home, best := "", -1
	for t, n := range teams {
		if n > best || n == best && t < home {
			home, best = t, n
		}
	}
	return home
}

func displayName(ex *export, id string) string {
	u, ok := ex.users[id]
	switch {
	case !ok:
		return id
	case u.Profile.DisplayName != "":
		return u.Profile.DisplayName
	case u.Name != "":
		return u.Name
	}
	return id
}

// printCast says who was taken for an agent or a customer, and why; and, when the export has
// no customer (or no agent), that nothing could be coached and how to name them.
func printCast(w io.Writer, c *cast) {
	fmt.Fprintf(w, "\nWho is who\n")
	type group struct {
		role, why string
		people    []replayPerson
	}
	var groups []*group
	index := map[string]*group{}
	for _, p := range c.people {
		g := index[p.Role+"|"+p.Why]
		if g == nil {
			g = &group{role: p.Role, why: p.Why}
			index[p.Role+"|"+p.Why] = g
			groups = append(groups, g)
		}
		g.people = append(g.people, p)
	}
	const shown = 12
	for _, g := range groups {
		why := g.why
		if why == whyMember && c.home != "" {
			why += " (" + c.home + ")"
		}
		names := make([]string, 0, min(len(g.people), shown+1))
		for i, p := range g.people {
			if i == shown {
				names = append(names, fmt.Sprintf("and %d more", len(g.people)-shown))
				break
			}
			n := fmt.Sprintf("%s (%d message%s", p.Name, p.Messages, plural(p.Messages))
			if p.Team != "" {
				n += ", team " + p.Team
			}
			names = append(names, n+")")
		}
		fmt.Fprintf(w, "  %ss, %d: %s\n    %s\n", g.role, len(g.people), why, strings.Join(names, ", "))
	}
	agents, customers := c.count(coach.RoleAgent), c.count(coach.RoleCustomer)
	switch {
	case len(c.people) == 0:
		fmt.Fprintf(w, "  Nobody wrote a message the replay could read.\n")
	case customers == 0:
		fmt.Fprintf(w, "  No customers: all %d people who wrote were taken for agents, so every message was read as an\n"+
			"  agent's and nothing could be coached. That is what an export looks like when everyone in it has a\n"+
			"  full account (an internal workspace, a community). Name the customers: --customers NAME,NAME (or\n"+
			"  name the agents with --agents NAME,NAME, and everyone else is a customer).\n", agents)
	case agents == 0:
		fmt.Fprintf(w, "  No agents: nobody who wrote was taken for an agent, so there is nobody to coach. Name them with\n"+
			"  --agents NAME,NAME.\n")
	default:
		fmt.Fprintf(w, "  Wrong? --agents NAME,NAME names the agents (everyone else is then a customer); --customers\n"+
			"  NAME,NAME names customers among the workspace's own members.\n")
	}
}
