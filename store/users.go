package store

import (
	"context"
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
	TeamID            string `json:"team,omitempty"`
	EnterpriseID      string `json:"ent,omitempty"`
	IsBot             bool   `json:"bot,omitempty"`
	IsRestricted      bool   `json:"guest,omitempty"`
	IsUltraRestricted bool   `json:"guest1,omitempty"`
	IsStranger        bool   `json:"stranger,omitempty"`
	Deleted           bool   `json:"deleted,omitempty"`
}

// User returns a cached profile, or ErrNotFound.
func (s *Store) User(ctx context.Context, id string) (*User, error) {
	return decodeUser(s.rdb.Get(ctx, s.keys.user(id)))
}

// PutUser caches a profile for the store's user TTL.
func (s *Store) PutUser(ctx context.Context, u *User) error {
	b, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encode user %s: %w", u.ID, err)
	}
	if err := s.rdb.Set(ctx, s.keys.user(u.ID), b, s.opts.UserTTL).Err(); err != nil {
		return fmt.Errorf("cache user %s: %w", u.ID, err)
	}
	return nil
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
