package strictjson

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

type phrases struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

type cue struct {
	Weight *float64 `json:"weight"`
	phrases
}

type rule struct {
	Disabled *bool              `json:"disabled"`
	Priority *int               `json:"priority"`
	Say      []string           `json:"say"`
	Phrases  map[string]phrases `json:"phrases"`
	internal int
}

type file struct {
	Rules map[string]rule `json:"rules"`
	Cues  map[string]cue  `json:"cues"`
	Every *duration       `json:"every"`
	Skip  string          `json:"-"`
	Plain string
}

// duration decodes itself: Decode leaves such types to their own UnmarshalJSON.
type duration struct{ time.Duration }

func (d *duration) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := time.ParseDuration(s)
	d.Duration = v
	return err
}

func ptr[T any](v T) *T { return &v }

func TestDecodeAValidFile(t *testing.T) {
	var got file
	errs := Decode([]byte(`{"rules": {"pause": {"disabled": true, "priority": 3, "say": ["a", "b"],
		"phrases": {"calm": {"add": ["x"], "remove": []}}}, "chunk": null},
		"cues": {"anger": {"weight": 0.5, "add": ["grr"]}}, "every": "90s", "Plain": "p"}`), &got)
	if len(errs) > 0 {
		t.Fatalf("Decode of a valid file: %v", errs)
	}
	want := file{
		Rules: map[string]rule{
			"pause": {Disabled: ptr(true), Priority: ptr(3), Say: []string{"a", "b"},
				Phrases: map[string]phrases{"calm": {Add: []string{"x"}, Remove: []string{}}}},
			"chunk": {},
		},
		Cues:  map[string]cue{"anger": {Weight: ptr(0.5), phrases: phrases{Add: []string{"grr"}}}},
		Every: &duration{90 * time.Second},
		Plain: "p",
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("Decode = %+v\nwant %+v", got, want)
	}
}

func TestDecodeReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{"unknown field at the top", `{"colour": 1}`, []string{`unknown field "colour"`}},
		{"a field json ignores is unknown", `{"Skip": "x"}`, []string{`unknown field "Skip"`}},
		{"keys match exactly", `{"RULES": {}}`, []string{`unknown field "RULES"`}},
		{"unexported fields are unknown", `{"rules": {"pause": {"internal": 1}}}`, []string{`rules["pause"]: unknown field "internal"`}},
		{"wrong type", `{"rules": {"pause": {"priority": "high"}}}`, []string{`rules["pause"].priority: want a whole number, got "high"`}},
		{"a fraction is not a whole number", `{"rules": {"pause": {"priority": 1.5}}}`, []string{`rules["pause"].priority: want a whole number, got 1.5`}},
		{"a list element", `{"rules": {"pause": {"say": ["ok", 3]}}}`, []string{`rules["pause"].say[1]: want a string, got 3`}},
		{"not a list", `{"rules": {"pause": {"say": "hello"}}}`, []string{`rules["pause"].say: want a list of strings, got "hello"`}},
		{"not an object", `{"rules": []}`, []string{`rules: want an object, got a list`}},
		{"embedded fields", `{"cues": {"anger": {"add": "grr", "weight": true}}}`,
			[]string{`cues["anger"].add: want a list of strings, got "grr"`, `cues["anger"].weight: want a number, got true`}},
		{"a type that decodes itself", `{"every": "soon"}`, []string{`every: want an object, got "soon"`}},
		{"a long value is described, not quoted", `{"Plain": ` + strings.Repeat("9", 50) + `, "rules": {"pause": {"priority": "` + strings.Repeat("x", 50) + `"}}}`,
			[]string{`Plain: want a string, got a number`, `rules["pause"].priority: want a whole number, got a string`}},
		{"a key given twice", `{"Plain": "a", "rules": {"pause": {}, "pause": {"disabled": true}}, "Plain": "b"}`,
			[]string{`rules["pause"]: given twice`, `field "Plain" is given twice`}},
		{"all at once, in the file's order", `{"zeta": 1, "rules": {"pause": {"priority": "high", "colour": 1, "say": [1]}, "chunk": {"disabled": "yes"}}, "alpha": 2}`,
			[]string{`unknown field "zeta"`, `rules["pause"].priority: want a whole number, got "high"`, `rules["pause"]: unknown field "colour"`,
				`rules["pause"].say[0]: want a string, got 1`, `rules["chunk"].disabled: want true or false, got "yes"`, `unknown field "alpha"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f file
			var got []string
			for _, err := range Decode([]byte(tt.json), &f) {
				got = append(got, err.Error())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Decode(%s) problems:\n%s\nwant:\n%s", tt.json, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestDecodeKeepsGoing: the fields around a wrong one are still decoded.
func TestDecodeKeepsGoing(t *testing.T) {
	var f file
	errs := Decode([]byte(`{"rules": {"pause": {"priority": "high", "disabled": true}}, "Plain": "p"}`), &f)
	if len(errs) != 1 {
		t.Fatalf("problems = %v, want one", errs)
	}
	if r := f.Rules["pause"]; r.Disabled == nil || !*r.Disabled || r.Priority != nil || f.Plain != "p" {
		t.Errorf("decoded around the problem: %+v, Plain %q", r, f.Plain)
	}
}

// TestDecodeLeavesUnexportedFields: a key named like an unexported field is unknown and does
// not reach the field.
func TestDecodeLeavesUnexportedFields(t *testing.T) {
	f := file{Rules: map[string]rule{}}
	errs := Decode([]byte(`{"rules": {"pause": {"internal": 7}}}`), &f)
	if len(errs) != 1 || f.Rules["pause"].internal != 0 {
		t.Errorf("Decode of an unexported field: problems %v, field %d; want one problem and 0", errs, f.Rules["pause"].internal)
	}
}

// FuzzDecode holds Decode to encoding/json: whatever Decode accepts without a problem, a strict
// json.Decoder accepts too and decodes to the same value. (The converse does not hold: json
// matches keys case-insensitively, Decode does not.)
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `null`, `[]`, `{"rules": {"pause": {"disabled": true, "priority": 3, "say": ["a"]}}}`,
		`{"cues": {"anger": {"weight": 0.5, "add": ["grr"], "remove": null}}}`, `{"every": "90s", "Plain": "p"}`,
		`{"rules": {"p": {"phrases": {"x": {"add": ["a", "b"]}}}}, "rules": {}}`, `{"rules": {"p": {"priority": 1e2}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid([]byte(s)) {
			return
		}
		var got file
		errs := Decode([]byte(s), &got)
		for _, err := range errs {
			if err == nil || err.Error() == "" {
				t.Fatalf("Decode(%q) returned an empty problem", s)
			}
		}
		if len(errs) > 0 {
			return
		}
		var want file
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("Decode(%q) accepted what encoding/json rejects: %v", s, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%q) = %+v, encoding/json %+v", s, got, want)
		}
	})
}
