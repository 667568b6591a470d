package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/deescalate/deescalate/coach"
)

// A finding of `deescalate check`.
type checkFinding struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Rule  string `json:"rule"`
	Title string `json:"title"`
	Cue   string `json:"cue"`
	Why   string `json:"why"`
	Try   string `json:"try"`
}

// errFound makes check exit 1: something was found.
var errFound = errors.New("findings")

// maxReplyFile bounds one saved reply; a macro is a few paragraphs.
const maxReplyFile = 1 << 20

// runCheck lints saved replies with the agent-side rules, or validates a playbook file.
func runCheck(args []string, stdin io.Reader, stdout io.Writer, load loader) error {
	fset := newFlags("check", "check [flags] PATH...",
		"Lints saved replies and macros (files; folders, walked for .txt, .md and extension-less files;\n"+
			"- for stdin) with the agent-side rules, and prints each finding with its file, line and rule.\n"+
			"With --playbook FILE and no path, validates the playbook file and lists its changes.\n"+
			"Exit status: 1 when something is found, 0 when clean, 2 on bad input.")
	format := fset.String("format", "text", "output `FORMAT`: text or json")
	playbook := fset.String("playbook", "", "a playbook `FILE` (as PLAYBOOK_FILE) to validate, and to check the replies with")
	upset := fset.Bool("upset", false, "judge each reply as an answer to an upset customer (adds feelings-first and check-resolution)")
	if err := fset.parse(args, stdout); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fset.fail("--format must be text or json, got %q", *format)
	}
	_, c, err := load()
	if err != nil {
		return err
	}
	if *playbook != "" {
		f, err := os.Open(*playbook)
		if err != nil {
			return fset.fail("--playbook: %v", err)
		}
		pb, err := coach.Overridden(*playbook, f)
		f.Close()
		if err != nil {
			return playbookError{err}
		}
		c = coach.New(pb)
		if fset.NArg() == 0 {
			changes := coach.PlaybookChanges(coach.DefaultPlaybook(), pb)
			if *format == "json" {
				return json.NewEncoder(stdout).Encode(map[string]any{"playbook": *playbook, "valid": true, "changes": changes})
			}
			fmt.Fprintf(stdout, "%s is valid. %d change%s to the built-in playbook:\n", *playbook, len(changes), plural(len(changes)))
			for _, ch := range changes {
				fmt.Fprintln(stdout, "  "+ch)
			}
			return nil
		}
	}
	if fset.NArg() == 0 {
		return fset.fail("give files, folders or - (stdin) to read replies from")
	}
	files, err := replyFiles(fset.Args())
	if err != nil {
		return err
	}
	var findings []checkFinding
	for _, f := range files {
		var data []byte
		if f == "-" {
			data, err = io.ReadAll(io.LimitReader(stdin, maxReplyFile+1))
		} else {
			data, err = os.ReadFile(f)
		}
		if err != nil {
			return badInput{fmt.Errorf("%s: %w", f, err)}
		}
		if len(data) > maxReplyFile {
			return badInput{fmt.Errorf("%s: larger than 1 MB; a saved reply is a few paragraphs", f)}
		}
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return badInput{fmt.Errorf("%s: not UTF-8 text", f)}
		}
		name := f
		if f == "-" {
			name = "<stdin>"
		}
		findings = append(findings, checkReply(c, name, string(data), *upset)...)
	}
	if *format == "json" {
		if findings == nil {
			findings = []checkFinding{}
		}
		if err := json.NewEncoder(stdout).Encode(map[string]any{"files": len(files), "findings": findings}); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintf(stdout, "%s:%d: %s: %s\n    Try: %s\n", f.File, f.Line, f.Rule, f.Why, f.Try)
		}
		fmt.Fprintf(stdout, "%d file%s checked, %d finding%s.\n", len(files), plural(len(files)), len(findings), plural(len(findings)))
	}
	if len(findings) > 0 {
		return errFound
	}
	return nil
}

// checkReply runs the agent-side rules on one saved reply.
func checkReply(c *coach.Coach, name, text string, upset bool) []checkFinding {
	var reply *coach.Reply
	if upset {
		reply = &coach.Reply{Upset: true}
	}
	_, fs := c.Review(coach.Message{Text: text, Role: coach.RoleAgent}, reply)
	var out []checkFinding
	for _, f := range fs {
		r := c.Playbook().Rule(f.Rule)
		if r == nil {
			continue
		}
		n := c.Render(coach.Thread{TS: name}, coach.Nudge{Rule: f.Rule, Cue: f.Cue, About: name, When: "[a time you can keep]"})
		out = append(out, checkFinding{File: name, Line: lineOf(text, f.Cue), Rule: f.Rule, Title: r.Title, Cue: f.Cue, Why: n.Why, Try: n.Say})
	}
	return out
}

// lineOf is the line a cue starts on (1 when it cannot be found as written).
func lineOf(text, cue string) int {
	cue = strings.TrimSuffix(cue, "…")
	i := strings.Index(text, cue)
	if i < 0 {
		i = strings.Index(strings.ToLower(text), strings.ToLower(cue))
	}
	if i < 0 {
		return 1
	}
	return strings.Count(text[:i], "\n") + 1
}

// replyFiles expands the arguments: files as given, folders walked for text files (hidden
// ones skipped), "-" for stdin.
func replyFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		info, err := os.Stat(a)
		if err != nil {
			return nil, badInput{err}
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != a {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && replyExt(p) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, badInput{err}
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// replyExt reports a file that holds a reply: text, Markdown, or no extension.
func replyExt(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case "", ".txt", ".md", ".markdown", ".text", ".tmpl":
		return true
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// badInput is input check cannot read: exit 2.
type badInput struct{ err error }

func (e badInput) Error() string { return e.err.Error() }
func (e badInput) Unwrap() error { return e.err }

// playbookError is a playbook file with problems: exit 2.
type playbookError struct{ err error }

func (e playbookError) Error() string { return e.err.Error() }
func (e playbookError) Unwrap() error { return e.err }
