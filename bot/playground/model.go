package playground

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/deescalate/deescalate/bot/fakeslack"
)

// model is what each person sees, built from what they did on the page and from the calls
// the bot made to the fake Slack: the channel's messages (everyone's), and per person their
// ephemeral messages, DMs, the modal on their screen and their App Home.
type model struct {
	seen     int // calls read so far
	order    int // a counter that orders what appears in the channel
	messages []*message
	ephemera map[string][]*item // per person
	dms      map[string][]*item
	modals   map[string]*modal
	homes    map[string]*item
	// origin is, per person, the call whose button they pressed last: a response_url that
	// replaces "the original" replaces it.
	origin map[string]int
}

// message is a message of the channel, as everyone sees it.
type message struct {
	Order     int       `json:"order"`
	TS        string    `json:"ts"`
	ThreadTS  string    `json:"thread_ts,omitempty"`
	User      string    `json:"user"`
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	Blocks    []any     `json:"blocks,omitempty"`
	At        time.Time `json:"at"`
	Edited    bool      `json:"edited,omitempty"`
	Reactions []string  `json:"reactions,omitempty"` // who reacted :eyes:
	ViaApp    bool      `json:"via_app,omitempty"`   // posted by Deescalate under the agent's name
}

// item is a message or view one person sees.
type item struct {
	Seq      int       `json:"seq"` // the call to press its buttons in
	Order    int       `json:"order"`
	ThreadTS string    `json:"thread_ts,omitempty"`
	TS       string    `json:"ts,omitempty"`
	Text     string    `json:"text"`
	Blocks   []any     `json:"blocks"`
	At       time.Time `json:"at"`
}

// modal is the window on a person's screen.
type modal struct {
	item
	ViewID string            `json:"view_id"`
	Title  string            `json:"title"`
	Submit string            `json:"submit,omitempty"`
	Close  string            `json:"close,omitempty"`
	Errors map[string]string `json:"errors,omitempty"` // block id -> problem, from the submission's ack
}

func newModel() *model {
	return &model{ephemera: map[string][]*item{}, dms: map[string][]*item{}, modals: map[string]*modal{},
		homes: map[string]*item{}, origin: map[string]int{}}
}

func (m *model) next() int {
	m.order++
	return m.order
}

func nameOf(id string) string {
	for _, p := range people {
		if p.ID == id {
			return p.Name
		}
	}
	return id
}

func (m *model) posted(user, ts, threadTS, text string, at time.Time) {
	m.messages = append(m.messages, &message{Order: m.next(), TS: ts, ThreadTS: threadTS, User: user, Name: nameOf(user), Text: text, At: at})
}

func (m *model) find(ts string) *message {
	for _, msg := range m.messages {
		if msg.TS == ts {
			return msg
		}
	}
	return nil
}

func (m *model) owns(user, ts string) bool {
	msg := m.find(ts)
	return msg != nil && msg.User == user && !msg.ViaApp
}

func (m *model) edited(ts, text string) {
	if msg := m.find(ts); msg != nil {
		msg.Text, msg.Edited = text, true
	}
}

func (m *model) reacted(user, ts string) {
	if msg := m.find(ts); msg != nil && !slices.Contains(msg.Reactions, user) {
		msg.Reactions = append(msg.Reactions, user)
	}
}

// submitted reads a modal submission's acknowledgement: problems to show on its fields keep
// it open; none closes it.
func (m *model) submitted(user string, ack json.RawMessage) {
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	_ = json.Unmarshal(ack, &resp)
	if resp.Action == "errors" && len(resp.Errors) > 0 {
		if md := m.modals[user]; md != nil {
			md.Errors = resp.Errors
		}
		return
	}
	delete(m.modals, user)
}

func blocksOf(c fakeslack.Call) []any {
	out := make([]any, len(c.Blocks))
	for i, b := range c.Blocks {
		out[i] = b
	}
	return out
}

func (m *model) itemOf(c fakeslack.Call) *item {
	return &item{Seq: c.Seq, Order: m.next(), ThreadTS: c.ThreadTS, TS: c.TS, Text: c.Text, Blocks: blocksOf(c), At: c.At}
}

// read takes in the calls made since the last read.
func (m *model) read(calls []fakeslack.Call) {
	for _, c := range calls[min(m.seen, len(calls)):] {
		if c.Err == "" {
			m.call(c)
		}
	}
	m.seen = len(calls)
}

func (m *model) call(c fakeslack.Call) {
	switch c.Method {
	case "chat.postEphemeral":
		m.ephemera[c.User] = append(m.ephemera[c.User], m.itemOf(c))
	case "chat.postMessage":
		if strings.HasPrefix(c.Channel, "D") {
			m.dms[c.User] = append(m.dms[c.User], m.itemOf(c))
			return
		}
		name := c.Args["username"]
		if name == "" {
			name = "Deescalate"
		}
		m.messages = append(m.messages, &message{Order: m.next(), TS: c.TS, ThreadTS: c.ThreadTS, User: c.User, Name: name,
			Text: c.Text, Blocks: blocksOf(c), At: c.At, ViaApp: true})
	case "chat.update":
		for _, it := range m.dms[c.User] {
			if it.TS == c.TS {
				it.Blocks, it.Text, it.Seq = blocksOf(c), c.Text, c.Seq
			}
		}
	case "response_url":
		switch {
		case c.Args["delete_original"] == "true":
			m.replace(c.User, nil)
		case c.Args["replace_original"] == "true":
			m.replace(c.User, &c)
		default:
			m.ephemera[c.User] = append(m.ephemera[c.User], m.itemOf(c))
		}
	case "views.open", "views.push":
		m.modals[c.User] = m.modalOf(c, c.TS)
	case "views.update":
		if md := m.modals[c.User]; md != nil && (md.ViewID == c.TS || c.Args["external_id"] != "" && c.Args["external_id"] == c.TS) {
			m.modals[c.User] = m.modalOf(c, md.ViewID)
		}
	case "views.publish":
		m.homes[c.User] = m.itemOf(c)
	}
}

func (m *model) modalOf(c fakeslack.Call, viewID string) *modal {
	md := &modal{item: *m.itemOf(c), ViewID: viewID}
	var v struct {
		Title, Submit, Close struct{ Text string }
	}
	_ = json.Unmarshal([]byte(c.Args["view"]), &v)
	md.Title, md.Submit, md.Close = v.Title.Text, v.Submit.Text, v.Close.Text
	return md
}

// replace puts a response_url's message in place of the one whose button the person pressed
// (or removes it, when c is nil).
func (m *model) replace(user string, c *fakeslack.Call) {
	seq := m.origin[user]
	for _, list := range []map[string][]*item{m.ephemera, m.dms} {
		items := list[user]
		for i, it := range items {
			if it.Seq != seq {
				continue
			}
			if c == nil {
				list[user] = slices.Delete(items, i, i+1)
				return
			}
			it.Seq, it.Blocks, it.Text = c.Seq, blocksOf(*c), c.Text
			m.origin[user] = c.Seq
			return
		}
	}
	if c != nil {
		m.ephemera[user] = append(m.ephemera[user], m.itemOf(*c))
	}
}

// state is what one person's page shows.
type state struct {
	Me        string            `json:"me"`
	People    []Person          `json:"people"`
	Now       time.Time         `json:"now"`
	Clock     string            `json:"clock"` // the virtual time, in the person's zone
	Channel   string            `json:"channel"`
	Messages  []*message        `json:"messages"`
	Ephemeral []*item           `json:"ephemeral"`
	DMs       []*item           `json:"dms"`
	Modal     *modal            `json:"modal"`
	Home      *item             `json:"home"`
	Problem   string            `json:"problem,omitempty"`
	Zone      string            `json:"zone"` // the person's, to show times in
	Names     map[string]string `json:"names"`
}

func (p *Playground) state(as, problem string) state {
	m := p.model
	zone := zoneOf(as)
	names := map[string]string{}
	for _, person := range people {
		names[person.ID] = person.Name
	}
	now := p.clock.Now()
	s := state{Me: as, People: people, Now: now, Clock: now.In(zone).Format("Monday 2 January, 15:04 MST"), Channel: "acme-support",
		Messages: m.messages, Ephemeral: m.ephemera[as], DMs: m.dms[as], Modal: m.modals[as], Home: m.homes[as],
		Problem: problem, Zone: zone.String(), Names: names}
	if s.Messages == nil {
		s.Messages = []*message{}
	}
	return s
}
