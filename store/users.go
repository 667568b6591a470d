package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// User is the part of a Slack profile the bot needs: who someone is to the team (agent,
// customer, bot) and their time zone.
type User struct {
	ID                string `json:"id"`
	Name              string `json:"name,omitempty"` // display name, for drafts and the demo
	TZ                string `json:"tz,omitempty"`
	Image             string `json:"img,omitempty"` // profile picture (72 px), for drafts posted under the agent's name
	TeamID            string `json:"team,omitempty"`
	EnterpriseID      string `json:"ent,omitempty"`
	IsBot             bool   `json:"bot,omitempty"`
	IsRestricted      bool   `json:"guest,omitempty"`
	IsUltraRestricted bool   `json:"guest1,omitempty"`
	IsStranger        bool   `json:"stranger,omitempty"`
	Deleted           bool   `json:"deleted,omitempty"`
}

func decodeUser(cmd *redis.StringCmd) (*User, error) {
	b, err := cmd.Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read cached user: %w", err)
	}
	var u User
	if err := json.Unmarshal(b, &u); err != nil {
		// A profile we cannot read is as good as none: Slack is asked again.
		return nil, ErrNotFound
	}
	return &u, nil
}
