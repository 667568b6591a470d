package fakeslack

import (
	"fmt"
	"slices"
)

// PressIn is Press on one call's element: a person pressing a button (or filling in and
// submitting an input) in a particular message, modal or App Home they were shown, when
// several show the same action id. seq is the call's Seq.
func (s *Server) PressIn(user string, seq int, actionID, value string) (Delivery, error) {
	calls := s.Calls()
	i := slices.IndexFunc(calls, func(c Call) bool { return c.Seq == seq })
	if i < 0 {
		return Delivery{}, fmt.Errorf("no call %d", seq)
	}
	c := calls[i]
	if c.User != user || c.Err != "" {
		return Delivery{}, fmt.Errorf("call %d was not shown to %s", seq, user)
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
	return Delivery{}, fmt.Errorf("call %d shows %s no button or input %q", seq, user, actionID)
}
