package main

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A Slack workspace export, as `deescalate replay` reads it: users.json, channels.json and a
// folder per channel with a JSON file per day, in a folder or a zip file.

type exportUser struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	RealName string `json:"real_name"`
	TZ       string `json:"tz"`
	TeamID   string `json:"team_id"`
	IsBot    bool   `json:"is_bot"`
	Guest    bool   `json:"is_restricted"`
	Guest1   bool   `json:"is_ultra_restricted"`
	Profile  struct {
		DisplayName string `json:"display_name"`
	} `json:"profile"`
}

type exportChannel struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

type exportMessage struct {
	Type     string `json:"type"`
	Subtype  string `json:"subtype"`
	User     string `json:"user"`
	BotID    string `json:"bot_id"`
	Text     string `json:"text"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
	Team     string `json:"team"` // the author's team: another organisation's in Slack Connect

	channel string
	at      time.Time
}

// export is a workspace export read into memory.
type export struct {
	users    map[string]exportUser
	channels []exportChannel
	messages []exportMessage // every channel, in time order
	skipped  []string        // files that could not be used, and why
}

// openExport opens a folder or a zip file as a file system rooted where users.json is.
func openExport(p string) (fs.FS, func(), error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, nil, badInput{err}
	}
	var fsys fs.FS
	closer := func() {}
	if info.IsDir() {
		fsys = os.DirFS(p)
	} else {
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, nil, badInput{fmt.Errorf("%s: not a folder or a zip file: %w", p, err)}
		}
		fsys, closer = zr, func() { zr.Close() }
	}
	// Some tools zip the export inside a folder of its own.
	if _, err := fs.Stat(fsys, "users.json"); err != nil {
		entries, _ := fs.ReadDir(fsys, ".")
		for _, e := range entries {
			if e.IsDir() {
				if _, err := fs.Stat(fsys, path.Join(e.Name(), "users.json")); err == nil {
					sub, _ := fs.Sub(fsys, e.Name())
					return sub, closer, nil
				}
			}
		}
	}
	return fsys, closer, nil
}

// readExport reads users, channels and every day of every channel. A file that is not JSON
// of the expected shape is an error that names it; a missing channels.json is replaced by the
// folders found.
func readExport(fsys fs.FS, name string) (*export, error) {
	ex := &export{users: map[string]exportUser{}}
	var users []exportUser
	if err := readJSON(fsys, name, "users.json", &users); err != nil {
		return nil, err
	}
	for _, u := range users {
		ex.users[u.ID] = u
	}
	if err := readJSON(fsys, name, "channels.json", &ex.channels); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		ex.skipped = append(ex.skipped, "channels.json: missing; using the channel folders")
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			return nil, badInput{fmt.Errorf("%s: %w", name, err)}
		}
		for _, e := range entries {
			if e.IsDir() {
				ex.channels = append(ex.channels, exportChannel{ID: e.Name(), Name: e.Name()})
			}
		}
	}
	for _, ch := range ex.channels {
		days, err := fs.Glob(fsys, path.Join(ch.Name, "*.json"))
		if err != nil || len(days) == 0 {
			ex.skipped = append(ex.skipped, ch.Name+"/: no messages")
			continue
		}
		sort.Strings(days)
		for _, day := range days {
			var msgs []exportMessage
			if err := readJSON(fsys, name, day, &msgs); err != nil {
				return nil, err
			}
			for _, m := range msgs {
				at, ok := tsTime(m.TS)
				if !ok {
					ex.skipped = append(ex.skipped, fmt.Sprintf("%s: a message with no readable ts", day))
					continue
				}
				m.channel, m.at = ch.ID, at
				ex.messages = append(ex.messages, m)
			}
		}
	}
	sort.SliceStable(ex.messages, func(i, j int) bool { return ex.messages[i].at.Before(ex.messages[j].at) })
	return ex, nil
}

func readJSON(fsys fs.FS, export, file string, v any) error {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %s is missing: %w", export, file, fs.ErrNotExist)
		}
		return badInput{fmt.Errorf("%s: %s: %w", export, file, err)}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return badInput{fmt.Errorf("%s: %s is not a Slack export file: %v", export, file, describeJSON(err))}
	}
	return nil
}

func describeJSON(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s is a %s, expected %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// tsTime reads a Slack ts ("1773151080.000100").
func tsTime(ts string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}, false
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC(), true
}
