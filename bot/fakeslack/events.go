package fakeslack

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Delivery names what was sent: the delivery's id (for WaitAck) and, for events_api, the
// event_id (the same on every retry).
type Delivery struct {
	ID      string
	EventID string
}

// SendEvent wraps an inner event in an event_callback and delivers it. An empty eventID gets
// a fresh one; passing the id of an earlier event redelivers it as Slack does on a retry.
func (s *Server) SendEvent(inner map[string]any, eventID string) Delivery {
	if eventID == "" {
		eventID = s.newID("Ev")
	}
	shared := false
	if ch, _ := inner["channel"].(string); ch != "" {
		if c, ok := s.Channel(ch); ok {
			shared = c.Shared
		}
	}
	outer := map[string]any{
		"token": "fake-verification", "team_id": s.opts.TeamID, "api_app_id": s.opts.AppID,
		"type": "event_callback", "event_id": eventID, "event_time": s.opts.Now().Unix(),
		"event_context": "ctx-" + eventID, "is_ext_shared_channel": shared,
		"authorizations": []map[string]any{{"team_id": s.opts.TeamID, "user_id": s.opts.BotUserID, "is_bot": true, "is_enterprise_install": false}},
		"event":          inner,
	}
	payload, _ := json.Marshal(outer)
	return Delivery{ID: s.Send("events_api", payload), EventID: eventID}
}

func (s *Server) teamOf(user string) string {
	u, _ := s.User(user)
	if u.TeamID != "" {
		return u.TeamID
	}
	return s.opts.TeamID
}

func (s *Server) channelType(channel string) string {
	if c, ok := s.Channel(channel); ok && c.Private {
		return "group"
	}
	return "channel"
}

// Post has a user post a message (threadTS empty for a top-level message; ts empty for a
// fresh one) and delivers the message event. It returns the delivery and the message's ts.
func (s *Server) Post(user, channel, ts, threadTS, text string) (Delivery, string) {
	if ts == "" {
		ts = s.newTS()
	}
	s.mu.Lock()
	s.messages[channel+"/"+ts] = &message{Channel: channel, User: user, Text: text, TS: ts, ThreadTS: threadTS}
	s.mu.Unlock()
	team := s.teamOf(user)
	ev := map[string]any{
		"type": "message", "channel": channel, "channel_type": s.channelType(channel), "user": user,
		"text": text, "ts": ts, "event_ts": ts, "team": team, "client_msg_id": fmt.Sprintf("msg-%s", ts),
	}
	if threadTS != "" && threadTS != ts {
		ev["thread_ts"] = threadTS
		ev["parent_user_id"] = s.messageUser(channel, threadTS)
	}
	if c, _ := s.Channel(channel); c.Shared {
		ev["user_team"], ev["source_team"] = team, team
	}
	if u, _ := s.User(user); u.IsBot {
		ev["bot_id"] = u.BotID
	}
	return s.SendEvent(ev, ""), ts
}

// AddMessage puts a message in the workspace without delivering an event for it, as for
// history from before the app joined.
func (s *Server) AddMessage(user, channel, ts, threadTS, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[channel+"/"+ts] = &message{Channel: channel, User: user, Text: text, TS: ts, ThreadTS: threadTS}
}

func (s *Server) messageUser(channel, ts string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.messages[channel+"/"+ts]; m != nil {
		return m.User
	}
	return ""
}

// Message returns a message the workspace holds.
func (s *Server) Message(channel, ts string) (user, text, threadTS string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[channel+"/"+ts]
	if m == nil {
		return "", "", "", false
	}
	return m.User, m.Text, m.ThreadTS, true
}

// Edit changes a message's text and delivers message_changed, with the old message as
// previous_message, as Slack does.
func (s *Server) Edit(channel, ts, text string) (Delivery, error) {
	s.mu.Lock()
	m := s.messages[channel+"/"+ts]
	if m == nil {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("no message %s in %s", ts, channel)
	}
	old := *m
	m.Text = text
	eventTS := s.newTSLocked()
	s.mu.Unlock()
	msg := s.messageObject(old, text)
	msg["edited"] = map[string]any{"user": old.User, "ts": eventTS}
	ev := map[string]any{
		"type": "message", "subtype": "message_changed", "hidden": true, "channel": channel,
		"channel_type": s.channelType(channel), "ts": eventTS, "event_ts": eventTS,
		"message": msg, "previous_message": s.messageObject(old, old.Text),
	}
	return s.SendEvent(ev, ""), nil
}

// Delete removes a message and delivers message_deleted.
func (s *Server) Delete(channel, ts string) (Delivery, error) {
	s.mu.Lock()
	m := s.messages[channel+"/"+ts]
	if m == nil {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("no message %s in %s", ts, channel)
	}
	old := *m
	delete(s.messages, channel+"/"+ts)
	eventTS := s.newTSLocked()
	s.mu.Unlock()
	ev := map[string]any{
		"type": "message", "subtype": "message_deleted", "hidden": true, "channel": channel,
		"channel_type": s.channelType(channel), "ts": eventTS, "event_ts": eventTS, "deleted_ts": ts,
		"previous_message": s.messageObject(old, old.Text),
	}
	return s.SendEvent(ev, ""), nil
}

func (s *Server) messageObject(m message, text string) map[string]any {
	obj := map[string]any{"type": "message", "user": m.User, "text": text, "ts": m.TS, "team": s.teamOf(m.User)}
	if m.ThreadTS != "" {
		obj["thread_ts"] = m.ThreadTS
	}
	if u, _ := s.User(m.User); u.IsBot {
		obj["bot_id"] = u.BotID
	}
	return obj
}

// React has a user add a reaction to a message and delivers reaction_added.
func (s *Server) React(user, channel, ts, name string) Delivery {
	eventTS := s.newTS()
	ev := map[string]any{
		"type": "reaction_added", "user": user, "reaction": name, "item_user": s.messageUser(channel, ts),
		"item": map[string]any{"type": "message", "channel": channel, "ts": ts}, "event_ts": eventTS,
	}
	return s.SendEvent(ev, "")
}

// OpenHome has a user open the app's Home tab and delivers app_home_opened.
func (s *Server) OpenHome(user string) Delivery {
	ev := map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home", "event_ts": s.newTS()}
	return s.SendEvent(ev, "")
}

// newInteraction makes a trigger id (valid 3 s, once) and a response URL for a user's action.
func (s *Server) newInteraction(user, channel, threadTS string) (triggerID, responseURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	triggerID = fmt.Sprintf("%d.%d.trigger", s.opts.Now().Unix(), s.seq)
	s.triggers[triggerID] = trigger{user: user, channel: channel, at: s.opts.Now()}
	hookID := fmt.Sprintf("h%d", s.seq)
	s.hooks[hookID] = hook{user: user, channel: channel, threadTS: threadTS}
	return triggerID, s.http.URL + "/hooks/" + hookID
}

// Slash has a user run a slash command in a channel.
func (s *Server) Slash(user, channel, command, text string) Delivery {
	trig, respURL := s.newInteraction(user, channel, "")
	c, _ := s.Channel(channel)
	u, _ := s.User(user)
	payload, _ := json.Marshal(map[string]any{
		"token": "fake-verification", "team_id": s.opts.TeamID, "team_domain": "fake", "channel_id": channel,
		"channel_name": c.Name, "user_id": user, "user_name": u.Name, "command": command, "text": text,
		"api_app_id": s.opts.AppID, "is_enterprise_install": "false", "response_url": respURL, "trigger_id": trig,
	})
	return Delivery{ID: s.Send("slash_commands", payload)}
}

// Shortcut has a user run the app's message shortcut on a message.
func (s *Server) Shortcut(user, channel, ts, callbackID string) (Delivery, error) {
	s.mu.Lock()
	m := s.messages[channel+"/"+ts]
	s.mu.Unlock()
	if m == nil {
		return Delivery{}, fmt.Errorf("no message %s in %s", ts, channel)
	}
	thread := m.ThreadTS
	if thread == "" {
		thread = m.TS
	}
	trig, respURL := s.newInteraction(user, channel, thread)
	c, _ := s.Channel(channel)
	u, _ := s.User(user)
	msg := s.messageObject(*m, m.Text)
	payload, _ := json.Marshal(map[string]any{
		"type": "message_action", "callback_id": callbackID, "trigger_id": trig, "action_ts": s.newTS(),
		"response_url": respURL, "message_ts": ts, "message": msg,
		"channel": map[string]any{"id": channel, "name": c.Name},
		"user":    map[string]any{"id": user, "name": u.Name, "team_id": s.opts.TeamID},
		"team":    map[string]any{"id": s.opts.TeamID, "domain": "fake"}, "token": "fake-verification",
	})
	return Delivery{ID: s.Send("interactive", payload)}, nil
}

// Press has a user press a button (or pick an option) the app put in a message, a view or App
// Home: the newest one visible to that user with that action id. Value overrides the
// element's value when it is not empty. When the element is an input of a modal, the user
// fills it in with value and submits the modal (view_submission); a datetimepicker takes
// an RFC 3339 time or Unix seconds.
func (s *Server) Press(user, actionID, value string) (Delivery, error) {
	calls := s.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		if c.User != user || c.Err != "" {
			continue
		}
		for _, b := range c.Blocks {
			for _, el := range elements(b) {
				if el["action_id"] != actionID {
					continue
				}
				blockID, _ := b["block_id"].(string)
				if b["type"] == "input" {
					return s.submitView(c, user, blockID, actionID, value)
				}
				if value == "" {
					value, _ = el["value"].(string)
				}
				return s.sendAction(c, user, actionID, blockID, value), nil
			}
		}
	}
	return Delivery{}, fmt.Errorf("no button or input %q was shown to %s", actionID, user)
}

// submitView sends the view_submission of a modal, with every input at its initial value
// except the one the user filled in.
func (s *Server) submitView(c Call, user, blockID, actionID, value string) (Delivery, error) {
	var view map[string]any
	if err := json.Unmarshal([]byte(c.Args["view"]), &view); err != nil {
		return Delivery{}, fmt.Errorf("the view of call %d does not parse: %w", c.Seq, err)
	}
	values := map[string]any{}
	for _, b := range c.Blocks {
		if b["type"] != "input" {
			continue
		}
		bid, _ := b["block_id"].(string)
		el, _ := b["element"].(map[string]any)
		aid, _ := el["action_id"].(string)
		v := ""
		if bid == blockID && aid == actionID {
			v = value
		}
		st, err := inputState(el, v)
		if err != nil {
			return Delivery{}, fmt.Errorf("input %q: %w", aid, err)
		}
		values[bid] = map[string]any{aid: st}
	}
	u, _ := s.User(user)
	trig, _ := s.newInteraction(user, c.Channel, "")
	s.mu.Lock()
	hash := s.viewHash[c.TS]
	s.mu.Unlock()
	view["id"], view["hash"], view["state"] = c.TS, hash, map[string]any{"values": values}
	payload, _ := json.Marshal(map[string]any{
		"type": "view_submission", "user": map[string]any{"id": user, "username": u.Name, "name": u.Name, "team_id": s.opts.TeamID},
		"api_app_id": s.opts.AppID, "token": "fake-verification", "trigger_id": trig,
		"team": map[string]any{"id": s.opts.TeamID, "domain": "fake"}, "view": view, "response_urls": []any{},
	})
	return Delivery{ID: s.Send("interactive", payload)}, nil
}

// inputState is the state Slack reports for an input element holding v (its initial value
// when v is empty).
func inputState(el map[string]any, v string) (map[string]any, error) {
	typ, _ := el["type"].(string)
	st := map[string]any{"type": typ}
	switch typ {
	case "datetimepicker":
		secs, _ := el["initial_date_time"].(float64)
		if v != "" {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				secs = float64(t.Unix())
			} else if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				secs = float64(n)
			} else {
				return nil, fmt.Errorf("%q is neither an RFC 3339 time nor Unix seconds", v)
			}
		}
		st["selected_date_time"] = int64(secs)
	case "datepicker":
		st["selected_date"] = pick(v, el["initial_date"])
	case "timepicker":
		st["selected_time"] = pick(v, el["initial_time"])
	case "static_select":
		if v == "" {
			if o, ok := el["initial_option"].(map[string]any); ok {
				v, _ = o["value"].(string)
			}
		}
		st["selected_option"] = map[string]any{"value": v, "text": map[string]any{"type": "plain_text", "text": v}}
	default:
		st["value"] = pick(v, el["initial_value"])
	}
	return st, nil
}

func pick(v string, initial any) string {
	if v != "" {
		return v
	}
	s, _ := initial.(string)
	return s
}

func (s *Server) sendAction(c Call, user, actionID, blockID, value string) Delivery {
	threadTS := c.ThreadTS
	trig, respURL := s.newInteraction(user, c.Channel, threadTS)
	u, _ := s.User(user)
	p := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user, "username": u.Name, "name": u.Name, "team_id": s.opts.TeamID},
		"api_app_id": s.opts.AppID, "token": "fake-verification", "trigger_id": trig,
		"team": map[string]any{"id": s.opts.TeamID, "domain": "fake"},
		"actions": []map[string]any{{"type": "button", "action_id": actionID, "block_id": blockID, "value": value,
			"action_ts": fmt.Sprintf("%d.000000", time.Now().Unix())}},
		"state": map[string]any{"values": map[string]any{}},
	}
	switch c.Method {
	case "views.open", "views.update", "views.push", "views.publish":
		p["container"] = map[string]any{"type": "view", "view_id": c.TS}
		view := map[string]any{}
		_ = json.Unmarshal([]byte(c.Args["view"]), &view)
		s.mu.Lock()
		view["id"], view["hash"] = c.TS, s.viewHash[c.TS]
		s.mu.Unlock()
		if view["type"] == nil {
			view["type"] = "modal"
		}
		p["view"] = view
	default:
		p["response_url"] = respURL
		p["channel"] = map[string]any{"id": c.Channel}
		p["container"] = map[string]any{"type": "message", "message_ts": c.TS, "channel_id": c.Channel,
			"is_ephemeral": c.Method == "chat.postEphemeral" || c.Method == "response_url", "thread_ts": threadTS}
	}
	payload, _ := json.Marshal(p)
	return Delivery{ID: s.Send("interactive", payload)}
}
