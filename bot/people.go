package bot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"

	"github.com/deescalate/deescalate/coach"
	"github.com/deescalate/deescalate/store"
)

// Who is who: agents, customers and bots (DESIGN.md's rule), the configured rosters, the
// channels watched and their members, and users' profiles. Every cache here follows the
// bot's clock (Config.Now), so a test or a simulation that moves it moves them too.

// userStore is the profile cache in Redis.
type userStore interface {
	CachedUser(ctx context.Context, id string) (*store.User, error)
	SaveUser(ctx context.Context, u *store.User) error
}

type role uint8

const (
	roleCustomer role = iota
	roleAgent
	roleBot
)

// person is who wrote a message, as far as coaching cares.
type person struct {
	role role
	tz   string
}

func (p person) coachRole() coach.Role {
	if p.role == roleAgent {
		return coach.RoleAgent
	}
	return coach.RoleCustomer
}

// whois resolves a user: the cached profile when there is one, else users.info (the fresh
// profile is returned so the caller can cache it in its next round trip). eventTeam is the
// team the event says the author belongs to, when it says. When the profile cannot be had,
// the user is taken for a customer: coaching must never reach someone we could not verify.
func (b *Bot) whois(ctx context.Context, userID string, cached *store.User, eventTeam string) (person, *store.User) {
	u := cached
	var fresh *store.User
	if u == nil {
		info, err := b.api.GetUserInfoContext(ctx, userID)
		if err != nil {
			b.log.Warn("users.info failed; treating the user as a customer for now", zap.String("user", userID), zap.Error(err))
			r := roleCustomer
			if b.roster.configured() && b.roster.has(ctx, userID) {
				r = roleAgent // the agent list does not depend on the profile
			}
			return person{role: r}, nil
		}
		u = profile(info)
		fresh = u
	}
	return person{role: b.classify(ctx, u, eventTeam), tz: u.TZ}, fresh
}

func profile(u *slack.User) *store.User {
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	return &store.User{
		ID: u.ID, Name: name, TZ: u.TZ, Image: u.Profile.Image72, TeamID: u.TeamID, EnterpriseID: u.Enterprise.EnterpriseID,
		IsBot: u.IsBot, IsRestricted: u.IsRestricted, IsUltraRestricted: u.IsUltraRestricted,
		IsStranger: u.IsStranger, Deleted: u.Deleted,
	}
}

// classify applies DESIGN.md's rule: bots are bots; when agents are configured, agents are
// their members and everyone else is a customer; otherwise full members of the workspace are
// agents and Slack Connect users, strangers and guests are customers.
func (b *Bot) classify(ctx context.Context, u *store.User, eventTeam string) role {
	if u.IsBot || u.ID == b.self.UserID {
		return roleBot
	}
	if b.roster.configured() {
		if b.roster.has(ctx, u.ID) {
			return roleAgent
		}
		return roleCustomer
	}
	if b.external(u.TeamID, u.EnterpriseID) || b.external(eventTeam, "") || u.IsStranger || u.IsRestricted || u.IsUltraRestricted {
		return roleCustomer
	}
	return roleAgent
}

// external reports whether a team is another organisation's (an empty team says nothing).
func (b *Bot) external(team, enterprise string) bool {
	if team == "" || team == b.self.TeamID {
		return false
	}
	return b.self.EnterpriseID == "" || enterprise != b.self.EnterpriseID
}

// roster is the configured agents: a user group's members (fetched and trusted for a while)
// plus a fixed list.
type roster struct {
	group string
	fixed []string
	ttl   time.Duration
	now   func() time.Time // the bot's clock
	api   slackAPI
	log   *zap.Logger

	fetching sync.Mutex // one fetch at a time; readers of a fresh list never wait for it
	mu       sync.Mutex
	members  map[string]bool
	fetched  time.Time
}

func newRoster(group string, users []string, ttl time.Duration, now func() time.Time, api slackAPI, log *zap.Logger) *roster {
	return &roster{group: group, fixed: users, ttl: ttl, now: now, api: api, log: log}
}

func (r *roster) configured() bool { return r.group != "" || len(r.fixed) > 0 }

// has reports whether a user is an agent. The group is fetched at most once per TTL; while a
// fetch fails, the last list is kept (or only the fixed list, before the first success).
func (r *roster) has(ctx context.Context, id string) bool {
	if slices.Contains(r.fixed, id) {
		return true
	}
	if r.group == "" {
		return false
	}
	if member, fresh := r.lookup(id); fresh {
		return member
	}
	r.fetching.Lock()
	defer r.fetching.Unlock()
	if member, fresh := r.lookup(id); fresh {
		return member // another caller fetched it while we waited
	}
	ids, err := r.api.GetUserGroupMembersContext(ctx, r.group)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.log.Warn("usergroups.users.list failed; using the last known agents", zap.String("usergroup", r.group), zap.Error(err))
		// Try again soon, not on every message.
		r.fetched = r.now().Add(-r.ttl + 30*time.Second)
		return r.members[id]
	}
	r.members = make(map[string]bool, len(ids))
	for _, m := range ids {
		r.members[m] = true
	}
	r.fetched = r.now()
	return r.members[id]
}

// all lists the roster: the fixed users and the group's members (fetched when stale).
func (r *roster) all(ctx context.Context) []string {
	out := slices.Clone(r.fixed)
	if r.group == "" {
		return out
	}
	r.has(ctx, "") // refresh the group when its list is stale
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.members {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (r *roster) lookup(id string) (member, fresh bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.members[id], r.now().Sub(r.fetched) <= r.ttl
}

// forget makes the next check fetch the group again (subteam_members_changed).
func (r *roster) forget() {
	r.mu.Lock()
	r.fetched = time.Time{}
	r.mu.Unlock()
}

type channelInfo struct {
	name    string
	fetched time.Time
}

// watched reports whether the bot coaches in a channel: every channel it is in, or only those
// of WATCH_CHANNELS (ids, or names looked up with conversations.info and cached).
func (b *Bot) watched(ctx context.Context, channel string) bool {
	if len(b.cfg.WatchChannels) == 0 {
		return true
	}
	if slices.Contains(b.cfg.WatchChannels, channel) {
		return true
	}
	name := b.channelName(ctx, channel)
	if name == "" {
		return false
	}
	for _, w := range b.cfg.WatchChannels {
		if strings.EqualFold(strings.TrimPrefix(w, "#"), name) {
			return true
		}
	}
	return false
}

func (b *Bot) channelName(ctx context.Context, channel string) string {
	if v, ok := b.channels.Load(channel); ok {
		ci := v.(channelInfo)
		if b.now().Sub(ci.fetched) < 10*time.Minute {
			return ci.name
		}
	}
	info, err := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	if err != nil {
		b.log.Warn("conversations.info failed; channel not watched for now", zap.String("channel", channel), zap.Error(err))
		return ""
	}
	b.channels.Store(channel, channelInfo{name: info.Name, fetched: b.now()})
	return info.Name
}

// channelMembers is a channel's member list, cached for a few minutes.
type channelMembers struct {
	ids     []string
	fetched time.Time
}

// onDutyIn lists who hears of a customer waiting in a channel's unowned thread: the
// configured on-duty agents, or the agents among the channel's members; in both cases only
// members of the channel (an ephemeral reaches no one else).
func (b *Bot) onDutyIn(ctx context.Context, channel string) []string {
	members := b.membersOf(ctx, channel)
	var out []string
	if b.onDuty.configured() {
		for _, id := range b.onDuty.all(ctx) {
			if slices.Contains(members, id) {
				out = append(out, id)
			}
		}
	} else {
		for _, id := range members {
			if id == b.self.UserID {
				continue
			}
			cached, _ := b.users.CachedUser(ctx, id)
			who, fresh := b.whois(ctx, id, cached, "")
			if fresh != nil {
				_ = b.users.SaveUser(ctx, fresh)
			}
			if who.role == roleAgent {
				out = append(out, id)
			}
		}
	}
	if len(out) > maxRecipients {
		out = out[:maxRecipients]
	}
	return out
}

func (b *Bot) membersOf(ctx context.Context, channel string) []string {
	if v, ok := b.members.Load(channel); ok {
		if m := v.(channelMembers); b.now().Sub(m.fetched) < 5*time.Minute {
			return m.ids
		}
	}
	var ids []string
	cursor := ""
	for range 50 {
		page, next, err := b.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Cursor: cursor, Limit: 200})
		if err != nil {
			b.log.Warn("conversations.members failed", zap.String("channel", channel), zap.Error(err))
			if v, ok := b.members.Load(channel); ok {
				return v.(channelMembers).ids
			}
			return nil
		}
		ids = append(ids, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	b.members.Store(channel, channelMembers{ids: ids, fetched: b.now()})
	return ids
}

// profileOf returns a user's profile from the cache, or from Slack (and caches it).
func (b *Bot) profileOf(ctx context.Context, id string) *store.User {
	if u, err := b.users.CachedUser(ctx, id); err == nil {
		return u
	}
	info, err := b.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return nil
	}
	u := profile(info)
	_ = b.users.SaveUser(ctx, u)
	return u
}
