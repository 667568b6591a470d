package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serveAPI answers the Web API. Tokens are checked where slack-go sends them: the form field
// "token" for chat.*, users.*, conversations.* and usergroups.*, the Authorization header for
// views.*, apps.connections.open and chat.getPermalink.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	args, raw, err := readArgs(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = args["token"]
	}
	want := s.opts.BotToken
	if method == "apps.connections.open" {
		want = s.opts.AppToken
	}
	if token != want {
		slackError(w, "invalid_auth")
		return
	}
	delete(args, "token")

	s.mu.Lock()
	s.inflight[method]++
	defer func() {
		s.mu.Lock()
		s.inflight[method]--
		s.mu.Unlock()
	}()
	delay := s.delays[method]
	var fail *failure
	if f := s.failures[method]; len(f) > 0 {
		fail = &f[0]
		s.failures[method] = f[1:]
	}
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail != nil {
		c := Call{Method: method, Args: args, Channel: args["channel"], Err: strconv.Itoa(fail.status) + " " + fail.slackError}
		if method == "chat.postEphemeral" {
			c.User = args["user"] // who would have seen it
		}
		s.record(c)
		if fail.status == http.StatusOK {
			slackError(w, fail.slackError)
			return
		}
		if fail.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(fail.retryAfter))
		}
		w.WriteHeader(fail.status)
		return
	}

	switch method {
	case "auth.test":
		s.record(Call{Method: method, Args: args})
		writeJSON(w, map[string]any{"ok": true, "url": "https://fake.slack.test/", "team": "Fake", "user": "deescalate",
			"team_id": s.opts.TeamID, "user_id": s.opts.BotUserID, "bot_id": s.opts.BotID})
	case "apps.connections.open":
		s.mu.Lock()
		s.opens++
		s.seq++
		ticket := fmt.Sprintf("t%d", s.seq)
		s.tickets[ticket] = true
		s.mu.Unlock()
		s.record(Call{Method: method})
		writeJSON(w, map[string]any{"ok": true, "url": "ws://" + r.Host + "/link/?ticket=" + ticket})
	case "users.info":
		s.usersInfo(w, method, args)
	case "usergroups.users.list":
		s.record(Call{Method: method, Args: args})
		s.mu.Lock()
		members, ok := s.groups[args["usergroup"]]
		s.mu.Unlock()
		if !ok {
			slackError(w, "no_such_subteam")
			return
		}
		writeJSON(w, map[string]any{"ok": true, "users": members})
	case "conversations.info":
		s.conversationsInfo(w, method, args)
	case "conversations.open":
		s.record(Call{Method: method, Args: args})
		user, _, _ := strings.Cut(args["users"], ",")
		if _, ok := s.User(user); !ok {
			slackError(w, "user_not_found")
			return
		}
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + user}})
	case "conversations.members":
		s.conversationsMembers(w, method, args)
	case "conversations.replies":
		s.conversationsReplies(w, method, args)
	case "chat.postEphemeral":
		s.postEphemeral(w, method, args)
	case "chat.postMessage":
		s.postMessage(w, method, args)
	case "chat.update":
		c := s.record(Call{Method: method, Args: args, Channel: args["channel"], User: s.dmUser(args["channel"]),
			Text: args["text"], Blocks: blocksOf(args["blocks"]), TS: args["ts"]})
		writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS, "text": c.Text})
	case "chat.getPermalink":
		s.record(Call{Method: method, Args: args, Channel: args["channel"]})
		writeJSON(w, map[string]any{"ok": true, "channel": args["channel"], "permalink": s.Permalink(args["channel"], args["message_ts"])})
	case "views.open", "views.push":
		s.viewsOpen(w, method, args, raw)
	case "views.update":
		s.viewsUpdate(w, method, args, raw)
	case "views.publish":
		view := viewOf(raw)
		s.record(Call{Method: method, Args: args, User: args["user_id"], Blocks: blocksOf(view["blocks"]), TS: "VHOME" + args["user_id"]})
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "VHOME" + args["user_id"], "hash": "h"}})
	default:
		s.record(Call{Method: method, Args: args})
		slackError(w, "unknown_method")
	}
}

// readArgs reads form fields, query parameters or a JSON body into one flat map (nested JSON
// values are kept as JSON text) and returns the raw JSON body, if any.
func readArgs(r *http.Request) (map[string]string, map[string]json.RawMessage, error) {
	args := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			return nil, nil, err
		}
		raw := map[string]json.RawMessage{}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &raw); err != nil {
				return nil, nil, fmt.Errorf("body is not a JSON object: %w", err)
			}
		}
		for k, v := range raw {
			var str string
			if json.Unmarshal(v, &str) == nil {
				args[k] = str
			} else {
				args[k] = string(v)
			}
		}
		for k, v := range r.URL.Query() {
			args[k] = v[0]
		}
		return args, raw, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, err
	}
	for k, v := range r.Form {
		args[k] = v[0]
	}
	return args, nil, nil
}

func (s *Server) usersInfo(w http.ResponseWriter, method string, args map[string]string) {
	s.record(Call{Method: method, Args: args})
	u, ok := s.User(args["user"])
	if !ok {
		slackError(w, "user_not_found")
		return
	}
	team := u.TeamID
	if team == "" {
		team = s.opts.TeamID
	}
	_, offset := time.Now().In(loadZone(u.TZ)).Zone()
	writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
		"id": u.ID, "team_id": team, "name": u.Name, "real_name": u.Name, "tz": u.TZ, "tz_offset": offset,
		"is_bot": u.IsBot, "is_restricted": u.IsRestricted, "deleted": false,
		"profile": map[string]any{"display_name": u.Name, "real_name": u.Name, "team": team,
			"image_72": "https://avatars.fake.slack.test/" + u.ID + "_72.png"},
	}})
}

func loadZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

func (s *Server) conversationsInfo(w http.ResponseWriter, method string, args map[string]string) {
	s.record(Call{Method: method, Args: args})
	c, ok := s.Channel(args["channel"])
	if !ok {
		slackError(w, "channel_not_found")
		return
	}
	writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{
		"id": c.ID, "name": c.Name, "is_channel": !c.Private, "is_group": c.Private, "is_private": c.Private,
		"is_member": true, "is_shared": c.Shared, "is_ext_shared": c.Shared, "num_members": len(c.Members),
	}})
}

// conversationsMembers lists a channel's members, two per page when asked for small pages,
// so that callers' pagination is exercised.
func (s *Server) conversationsMembers(w http.ResponseWriter, method string, args map[string]string) {
	s.record(Call{Method: method, Args: args, Channel: args["channel"]})
	c, ok := s.Channel(args["channel"])
	if !ok {
		slackError(w, "channel_not_found")
		return
	}
	from, _ := strconv.Atoi(args["cursor"])
	n, err := strconv.Atoi(args["limit"])
	if err != nil || n <= 0 {
		n = 100
	}
	from = min(max(from, 0), len(c.Members))
	to := min(from+n, len(c.Members))
	next := ""
	if to < len(c.Members) {
		next = strconv.Itoa(to)
	}
	writeJSON(w, map[string]any{"ok": true, "members": c.Members[from:to], "response_metadata": map[string]any{"next_cursor": next}})
}

func (s *Server) conversationsReplies(w http.ResponseWriter, method string, args map[string]string) {
	s.record(Call{Method: method, Args: args, Channel: args["channel"]})
	s.mu.Lock()
	// Like Slack, accept the ts of any message of the thread: the parent comes first.
	root := args["ts"]
	if m := s.messages[args["channel"]+"/"+root]; m != nil && m.ThreadTS != "" {
		root = m.ThreadTS
	}
	// oldest and latest bound the messages by ts (exclusive unless inclusive=true); Slack
	// compares them as numbers, and every ts here has the same shape, so as strings.
	oldest, latest, inclusive := args["oldest"], args["latest"], args["inclusive"] == "true" || args["inclusive"] == "1"
	inRange := func(ts string) bool {
		if oldest != "" && (ts < oldest || ts == oldest && !inclusive) {
			return false
		}
		return latest == "" || ts < latest || ts == latest && inclusive
	}
	var msgs []map[string]any
	for _, m := range s.messages {
		if m.Channel == args["channel"] && (m.TS == root || m.ThreadTS == root) && inRange(m.TS) {
			msgs = append(msgs, map[string]any{"type": "message", "user": m.User, "text": m.Text, "ts": m.TS, "thread_ts": root})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(msgs, func(a, b map[string]any) int { return strings.Compare(a["ts"].(string), b["ts"].(string)) })
	if n, err := strconv.Atoi(args["limit"]); err == nil && n > 0 && n < len(msgs) {
		msgs = msgs[:n]
	}
	writeJSON(w, map[string]any{"ok": true, "messages": msgs, "has_more": false})
}

func (s *Server) postEphemeral(w http.ResponseWriter, method string, args map[string]string) {
	ch, ok := s.Channel(args["channel"])
	if !ok {
		s.record(Call{Method: method, Args: args, Channel: args["channel"], Err: "channel_not_found"})
		slackError(w, "channel_not_found")
		return
	}
	if !slices.Contains(ch.Members, args["user"]) {
		s.record(Call{Method: method, Args: args, Channel: args["channel"], User: args["user"], Err: "user_not_in_channel"})
		slackError(w, "user_not_in_channel")
		return
	}
	ts := s.newTS()
	s.record(Call{Method: method, Args: args, Channel: args["channel"], User: args["user"], ThreadTS: args["thread_ts"],
		Text: args["text"], Blocks: blocksOf(args["blocks"]), TS: ts})
	writeJSON(w, map[string]any{"ok": true, "message_ts": ts})
}

func (s *Server) postMessage(w http.ResponseWriter, method string, args map[string]string) {
	channel := args["channel"]
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		channel = "D" + channel // posting to a user id posts in the app's DM with them
	}
	user := s.dmUser(channel)
	if user == "" {
		if _, ok := s.Channel(channel); !ok {
			s.record(Call{Method: method, Args: args, Channel: channel, Err: "channel_not_found"})
			slackError(w, "channel_not_found")
			return
		}
	}
	ts := s.newTS()
	c := s.record(Call{Method: method, Args: args, Channel: channel, User: user, ThreadTS: args["thread_ts"],
		Text: args["text"], Blocks: blocksOf(args["blocks"]), TS: ts})
	s.mu.Lock()
	s.messages[channel+"/"+ts] = &message{Channel: channel, User: s.opts.BotUserID, Text: c.Text, TS: ts, ThreadTS: args["thread_ts"]}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": ts,
		"message": map[string]any{"type": "message", "text": c.Text, "ts": ts, "user": s.opts.BotUserID, "bot_id": s.opts.BotID}})
}

func viewOf(raw map[string]json.RawMessage) map[string]any {
	var v map[string]any
	_ = json.Unmarshal(raw["view"], &v)
	if v == nil {
		// slack-go sends the view as a JSON value; some clients send it as a string.
		var str string
		if json.Unmarshal(raw["view"], &str) == nil {
			_ = json.Unmarshal([]byte(str), &v)
		}
	}
	return v
}

func (s *Server) viewsOpen(w http.ResponseWriter, method string, args map[string]string, raw map[string]json.RawMessage) {
	view := viewOf(raw)
	s.mu.Lock()
	tr, ok := s.triggers[args["trigger_id"]]
	now := s.opts.Now()
	switch {
	case !ok:
		s.mu.Unlock()
		s.record(Call{Method: method, Args: args, Err: "invalid_trigger_id"})
		slackError(w, "invalid_trigger_id")
		return
	case tr.used:
		s.mu.Unlock()
		s.record(Call{Method: method, Args: args, User: tr.user, Err: "trigger_exchanged"})
		slackError(w, "trigger_exchanged")
		return
	case now.Sub(tr.at) > 3*time.Second:
		s.mu.Unlock()
		s.record(Call{Method: method, Args: args, User: tr.user, Err: "trigger_expired"})
		slackError(w, "trigger_expired")
		return
	}
	tr.used = true
	s.triggers[args["trigger_id"]] = tr
	s.seq++
	id := fmt.Sprintf("V%08d", s.seq)
	s.views[id] = tr.user
	s.viewHash[id] = id + ".1"
	if ext, _ := view["external_id"].(string); ext != "" {
		s.views[ext] = tr.user
	}
	s.mu.Unlock()
	s.record(Call{Method: method, Args: args, User: tr.user, Channel: tr.channel, Blocks: blocksOf(view["blocks"]), TS: id})
	view["id"], view["hash"] = id, id+".1"
	writeJSON(w, map[string]any{"ok": true, "view": view})
}

func (s *Server) viewsUpdate(w http.ResponseWriter, method string, args map[string]string, raw map[string]json.RawMessage) {
	view := viewOf(raw)
	id := args["view_id"]
	if id == "" {
		id = args["external_id"]
	}
	s.mu.Lock()
	user, ok := s.views[id]
	hash := s.viewHash[id]
	// Like Slack, a hash that is not the view's current one means someone changed the view
	// since the caller saw it: the update is refused.
	stale := ok && args["hash"] != "" && args["hash"] != hash
	if ok && !stale {
		n, _ := strconv.Atoi(hash[strings.LastIndexByte(hash, '.')+1:])
		hash = fmt.Sprintf("%s.%d", id, n+1)
		s.viewHash[id] = hash
	}
	s.mu.Unlock()
	switch {
	case !ok:
		s.record(Call{Method: method, Args: args, Err: "not_found"})
		slackError(w, "not_found")
		return
	case stale:
		s.record(Call{Method: method, Args: args, User: user, Err: "hash_conflict"})
		slackError(w, "hash_conflict")
		return
	}
	s.record(Call{Method: method, Args: args, User: user, Blocks: blocksOf(view["blocks"]), TS: id})
	view["id"], view["hash"] = id, hash
	writeJSON(w, map[string]any{"ok": true, "view": view})
}

// serveHook receives posts to response URLs.
func (s *Server) serveHook(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/hooks/")
	s.mu.Lock()
	h, ok := s.hooks[id]
	s.mu.Unlock()
	if !ok {
		http.Error(w, "no such response url", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		http.Error(w, "body is not JSON", http.StatusBadRequest)
		return
	}
	args := map[string]string{}
	for k, v := range msg {
		if str, ok := v.(string); ok {
			args[k] = str
		} else {
			b, _ := json.Marshal(v)
			args[k] = string(b)
		}
	}
	text, _ := msg["text"].(string)
	s.record(Call{Method: "response_url", Args: args, Channel: h.channel, User: h.user, ThreadTS: h.threadTS,
		Text: text, Blocks: blocksOf(msg["blocks"])})
	writeJSON(w, map[string]any{"ok": true})
}

// Permalink returns the link Slack would give a message.
func (s *Server) Permalink(channel, ts string) string {
	link := "https://fake.slack.test/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")
	s.mu.Lock()
	m := s.messages[channel+"/"+ts]
	s.mu.Unlock()
	if m != nil && m.ThreadTS != "" && m.ThreadTS != ts {
		link += "?thread_ts=" + m.ThreadTS + "&cid=" + channel
	}
	return link
}
