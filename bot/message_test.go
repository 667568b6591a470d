package bot

import (
	"encoding/json"
	"testing"

	"github.com/slack-go/slack/slackevents"
)

// FuzzReadMessage feeds arbitrary message events to the reader: it must never panic, and what
// it accepts must name a channel and a message.
func FuzzReadMessage(f *testing.F) {
	f.Add(`{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.1"}`)
	f.Add(`{"type":"message","subtype":"message_changed","channel":"C1","message":{"user":"U1","text":"b","ts":"1.1"},"previous_message":{"text":"a"}}`)
	f.Add(`{"type":"message","subtype":"message_deleted","channel":"C1","deleted_ts":"1.1","previous_message":{"user":"U1"}}`)
	f.Add(`{"type":"message","subtype":"message_changed","channel":"C1","message":{"subtype":"tombstone","ts":"1.1"}}`)
	f.Add(`{"type":"message","subtype":"channel_join","channel":"C1","user":"U1"}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var m slackevents.MessageEvent
		if json.Unmarshal([]byte(raw), &m) != nil {
			return
		}
		msg, ok := readMessage(&m)
		if ok && (msg.channel == "" || msg.ts == "" || msg.thread == "" || msg.kind == 0) {
			t.Fatalf("readMessage(%s) = %+v, accepted without channel, ts, thread or kind", raw, msg)
		}
	})
}

// FuzzParseRef feeds arbitrary button values to the reader: whatever it accepts must be one of
// our kinds naming a channel and a thread, and must travel back unchanged.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"reminder|CACME|1773151080.000100|3", "overdue|G0123|1.2|1", "followups|D1|1.1|0",
		"reminder|CACME|1773151080.000100|3|x", "x|y|z|w", "", "||||", "reminder|cacme|1.1|1", "reminder|CACME|1.1|-4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := parseRef(s)
		if !ok {
			return
		}
		if r.version < 1 || !refChannel.MatchString(r.channel) || !refTS.MatchString(r.thread) {
			t.Fatalf("accepted %q as %+v", s, r)
		}
		if back, ok := parseRef(r.String()); !ok || back != r {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, r, r.String(), back, ok)
		}
	})
}
