package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/deescalate/deescalate/coach"
)

// keys builds every Redis key the bot uses. All keys start with the configured prefix, so
// several workspaces or environments can share one Redis. Keys that one script touches
// together share a hash tag ({…}) so they live in one Redis Cluster slot: everything about a
// thread is tagged with the thread, the schedule with {sched}. The one exception is the
// commit script, which also spends the agent's hourly budget and unhelpful hold (budget,
// throttle): they belong to the agent, not the thread. On one Redis node or with Sentinel
// that is one atomic script; on a Redis Cluster, where a script keeps to one slot, Commit
// decides them first with a script of their own (Store.commitApart).
//
// Ids come from Slack payloads, which a hostile workspace member can shape, so every id is
// passed through safe() and can never add a ':' or a '{' of its own.
type keys struct {
	prefix string
}

// threadTag is the hash tag shared by a thread's keys.
func (k keys) threadTag(channel, ts string) string {
	return k.prefix + ":{t:" + safe(channel) + ":" + safe(ts) + "}"
}

// thread holds a thread's state: a hash with fields v (version) and s (JSON state).
func (k keys) thread(channel, ts string) string { return k.threadTag(channel, ts) + ":state" }

// threadEvent marks an event about a thread as handled (de-dup across replicas).
func (k keys) threadEvent(channel, ts, eventID string) string {
	return k.threadTag(channel, ts) + ":ev:" + safe(eventID)
}

// cooldown holds until when a rule may not nudge an agent about a thread again.
func (k keys) cooldown(channel, ts, agent, rule string) string {
	return k.threadTag(channel, ts) + ":cd:" + safe(agent) + ":" + safe(rule)
}

// message maps a message to the thread it belongs to, for reactions on replies.
func (k keys) message(channel, ts string) string {
	return k.prefix + ":msg:" + safe(channel) + ":" + safe(ts)
}

// user caches a Slack user's profile (zone, team, guest flags).
func (k keys) user(id string) string { return k.prefix + ":user:" + safe(id) }

// The schedule: every timer of every thread, in one hash tag so one script can claim due
// timers atomically (in a Redis Cluster they share a slot).
func (k keys) schedTag() string { return k.prefix + ":{sched}" }

// due holds timers waiting for their time: member "name|channel|thread", score the due time
// in ms.
func (k keys) due() string { return k.schedTag() + ":due" }

// inflight holds timers a replica claimed, scored by when its lease runs out.
func (k keys) inflight() string { return k.schedTag() + ":inflight" }

// attempts counts failed attempts per timer member, for the backoff.
func (k keys) attempts() string { return k.schedTag() + ":attempts" }

// sent marks a timer whose message is being or was sent, so a retry never sends it twice.
func (k keys) sent(member string) string { return k.schedTag() + ":sent:" + member }

// agentPromises indexes an agent's open promises: member "channel|thread", score due (ms).
func (k keys) agentPromises(agent string) string { return k.schedTag() + ":agent:" + safe(agent) }

// agentUpset indexes the threads an agent owns that hold an upset customer message: member
// "channel|thread", score the newest upset message's time (ms). /deescalate with no text
// drafts a reply to the newest of them. Entries for threads that changed hands are skipped
// when read.
func (k keys) agentUpset(agent string) string { return k.prefix + ":agent:" + safe(agent) + ":upset" }

// The week's figures, one group of keys per ISO week (coach.Week), each expiring
// AggregateRetention after its last change.
func (k keys) weekBase(w coach.Week) string { return k.prefix + ":wk:" + safe(string(w)) }

// weekTeam holds the team's counters: customer messages, upset ones, kudos, nudges by rule,
// promise outcomes, first replies, feedback.
func (k keys) weekTeam(w coach.Week) string { return k.weekBase(w) + ":team" }

// weekThemes counts customer messages per theme.
func (k keys) weekThemes(w coach.Week) string { return k.weekBase(w) + ":themes" }

// weekThemeChannels counts a theme's messages per channel.
func (k keys) weekThemeChannels(w coach.Week, theme string) string {
	return k.weekBase(w) + ":theme:" + safe(theme) + ":ch"
}

// weekThemeThreads is the set of threads that raised a theme.
func (k keys) weekThemeThreads(w coach.Week, theme string) string {
	return k.weekBase(w) + ":theme:" + safe(theme) + ":threads"
}

// weekThemeQuotes keeps a theme's latest quotes (coach.Quote JSON), newest first.
func (k keys) weekThemeQuotes(w coach.Week, theme string) string {
	return k.weekBase(w) + ":theme:" + safe(theme) + ":ex"
}

// weekKudos keeps the week's praise (coach.Kudos JSON), newest first.
func (k keys) weekKudos(w coach.Week) string { return k.weekBase(w) + ":kudos" }

// weekAgents is the set of agents with figures this week.
func (k keys) weekAgents(w coach.Week) string { return k.weekBase(w) + ":agents" }

// weekAgent holds one agent's counters, as weekTeam does for the team, plus "not helpful"
// votes by rule.
func (k keys) weekAgent(w coach.Week, agent string) string {
	return k.weekBase(w) + ":agent:" + safe(agent)
}

// settings holds an agent's choices: mutes, snooze, quiet hours, the digest opt-out. It does
// not expire.
func (k keys) settings(user string) string { return k.prefix + ":user:" + safe(user) + ":settings" }

// digestSubs is the set of the digest's subscribers. It does not expire.
func (k keys) digestSubs() string { return k.prefix + ":digest:subs" }

// throttle holds a rule back to one nudge a day for an agent who found it unhelpful.
func (k keys) throttle(agent, rule string) string {
	return k.prefix + ":throttle:" + safe(agent) + ":" + safe(rule)
}

// budget counts the nudges an agent got in the clock hour of now.
func (k keys) budget(agent string, now time.Time) string {
	return k.prefix + ":budget:" + safe(agent) + ":" + strconv.FormatInt(now.Unix()/3600, 10)
}

// digestChannel stands in for the channel in the schedule member of a digest timer, whose
// user stands in for the thread; Claim reads such a member as a Due with User set.
const digestChannel = "DIGEST"

// member names a timer of a thread in the schedule.
func member(name, channel, thread string) string {
	return safe(name) + "|" + safe(channel) + "|" + safe(thread)
}

// safe returns id unchanged when it looks like a Slack id or timestamp (or is safe's own
// hash, so a name read back from Redis keeps its key), and a hash of it otherwise, so no id
// can reach outside its place in a key.
func safe(id string) string {
	if id != "" && len(id) <= 64 {
		ok := true
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '~') {
				ok = false
				break
			}
		}
		if ok {
			return id
		}
	}
	sum := sha256.Sum256([]byte(id))
	return "~" + hex.EncodeToString(sum[:12])
}
