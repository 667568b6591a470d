package main

import (
	"encoding/json"
	"strings"
	"time"
)

// Block Kit drawn as text, for the demo's transcript: what each block shows a person, one
// line or more per block, buttons as [Label], inputs as a box holding their value.

// blockLines draws blocks; plain renders a mrkdwn text for the terminal.
func blockLines(blocks []map[string]any, plain func(string) string) []string {
	var out []string
	for _, b := range blocks {
		switch b["type"] {
		case "section":
			if t := textOf(b["text"]); t != "" {
				out = append(out, strings.Split(plain(t), "\n")...)
			}
			if fields, ok := b["fields"].([]any); ok {
				var fs []string
				for _, f := range fields {
					fs = append(fs, plain(textOf(f)))
				}
				out = append(out, strings.Join(fs, "   "))
			}
			if acc, ok := b["accessory"].(map[string]any); ok {
				if w := widget(acc); w != "" {
					out = append(out, w)
				}
			}
		case "header":
			out = append(out, strings.ToUpper(textOf(b["text"])))
		case "context":
			var parts []string
			for _, e := range list(b["elements"]) {
				if t := textOf(e); t != "" {
					parts = append(parts, plain(t))
				}
			}
			out = append(out, strings.Split(strings.Join(parts, " · "), "\n")...)
		case "actions":
			var ws []string
			for _, e := range list(b["elements"]) {
				if w := widget(e); w != "" {
					ws = append(ws, w)
				}
			}
			out = append(out, strings.Join(ws, " "))
		case "input":
			out = append(out, textOf(b["label"])+":")
			el, _ := b["element"].(map[string]any)
			value, _ := el["initial_value"].(string)
			if secs, ok := el["initial_date_time"].(float64); ok {
				value = time.Unix(int64(secs), 0).UTC().Format("Mon 2 Jan 15:04 UTC")
			}
			for _, l := range strings.Split(value, "\n") {
				out = append(out, "│ "+l)
			}
		case "divider":
			out = append(out, "────────")
		}
	}
	return out
}

// widget draws an interactive element: a button as [Label], a menu as [Label ▾].
func widget(e map[string]any) string {
	switch e["type"] {
	case "button":
		return "[" + textOf(e["text"]) + "]"
	case "static_select", "users_select", "channels_select", "conversations_select", "overflow":
		label := textOf(e["placeholder"])
		if o, ok := e["initial_option"].(map[string]any); ok {
			label = textOf(o["text"])
		}
		return "[" + label + " ▾]"
	case "datetimepicker", "datepicker", "timepicker":
		return "[pick a time]"
	}
	return ""
}

// textOf reads a text object ({"type": "mrkdwn", "text": …}) or a plain string.
func textOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		s, _ := t["text"].(string)
		return s
	}
	return ""
}

func list(v any) []map[string]any {
	var out []map[string]any
	items, _ := v.([]any)
	for _, i := range items {
		if m, ok := i.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// viewTitle is the title and submit button of a modal a views.* call opened or updated.
func viewTitle(args map[string]string) (title, submit string) {
	var v map[string]any
	if json.Unmarshal([]byte(args["view"]), &v) != nil {
		return "", ""
	}
	return textOf(v["title"]), textOf(v["submit"])
}
