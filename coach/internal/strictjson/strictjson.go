// Package strictjson decodes JSON as strictly as encoding/json with DisallowUnknownFields, but
// reports every problem instead of stopping at the first: the playbook files teams write are
// fixed in one go.
package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Decode decodes the JSON value data into v (a pointer) as strictly as a decoder with
// DisallowUnknownFields, but reads on past a problem: it returns every unknown field and every
// value of the wrong type, each named by its path (`rules["pause"].priority`), in the file's
// order. Keys must match the json tags exactly, and a key given twice in one object is a
// problem (encoding/json silently merges or overwrites); a null leaves the value as it was, as
// encoding/json does. data must be valid JSON (check it first: a syntax error stops any
// decoder).
func Decode(data []byte, v any) []error {
	var errs []error
	decodeValue("", data, reflect.ValueOf(v).Elem(), &errs)
	return errs
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func decodeValue(where string, data []byte, v reflect.Value, errs *[]error) {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return
	}
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if where != "" {
			msg = where + ": " + msg
		}
		*errs = append(*errs, fmt.Errorf("%s", msg))
	}
	wrongType := func() { fail("want %s, got %s", describeType(v.Type()), describeJSON(data)) }
	if reflect.PointerTo(v.Type()).Implements(unmarshalerType) {
		decodeLeaf(data, v, wrongType)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			decodeValue(where, data, v.Elem(), errs)
			return
		}
		// A value of the wrong type leaves a pointer nil ("not set"), as if it were absent; an
		// object is kept with the fields that did decode.
		p, n := reflect.New(v.Type().Elem()), len(*errs)
		decodeValue(where, data, p.Elem(), errs)
		if len(*errs) == n || p.Elem().Kind() == reflect.Struct || p.Elem().Kind() == reflect.Map {
			v.Set(p)
		}
	case reflect.Struct:
		obj, ok := members(data)
		if !ok {
			wrongType()
			return
		}
		fields := jsonFields(v.Type())
		for _, m := range obj {
			idx, ok := fields[m.key]
			switch {
			case m.twice:
				fail("field %q is given twice", m.key)
			case !ok:
				fail("unknown field %q", m.key)
			default:
				path := m.key
				if where != "" {
					path = where + "." + m.key
				}
				decodeValue(path, m.value, v.FieldByIndex(idx), errs)
			}
		}
	case reflect.Map:
		obj, ok := members(data)
		if !ok || v.Type().Key().Kind() != reflect.String {
			wrongType()
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(v.Type(), len(obj)))
		}
		for _, m := range obj {
			path := fmt.Sprintf("%s[%q]", where, m.key)
			if m.twice {
				*errs = append(*errs, fmt.Errorf("%s: given twice", path))
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			decodeValue(path, m.value, e, errs)
			v.SetMapIndex(reflect.ValueOf(m.key).Convert(v.Type().Key()), e)
		}
	case reflect.Slice:
		var list []json.RawMessage
		if json.Unmarshal(data, &list) != nil {
			wrongType()
			return
		}
		s := reflect.MakeSlice(v.Type(), len(list), len(list))
		for i, raw := range list {
			decodeValue(fmt.Sprintf("%s[%d]", where, i), raw, s.Index(i), errs)
		}
		v.Set(s)
	default:
		decodeLeaf(data, v, wrongType)
	}
}

// decodeLeaf decodes a string, number or boolean (or a type that decodes itself) into v.
func decodeLeaf(data []byte, v reflect.Value, wrongType func()) {
	p := reflect.New(v.Type())
	if json.Unmarshal(data, p.Interface()) != nil {
		wrongType()
		return
	}
	v.Set(p.Elem())
}

// A member is one key and value of a JSON object; twice marks a key given before.
type member struct {
	key   string
	value json.RawMessage
	twice bool
}

// members reads a JSON object's members in the file's order; ok is false when data is not an
// object.
func members(data []byte) (out []member, ok bool) {
	if len(data) == 0 || data[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return nil, false
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false
		}
		out = append(out, member{key: key, value: value, twice: seen[key]})
		seen[key] = true
	}
	return out, true
}

// jsonFields maps the JSON names of a struct's exported fields, those of embedded structs
// included, to their index.
func jsonFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			for k, idx := range jsonFields(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
		case !f.IsExported() || name == "-":
		case name == "":
			out[f.Name] = []int{i}
		default:
			out[name] = []int{i}
		}
	}
	return out
}

// describeType says in words what a field takes.
func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return describeType(t.Elem())
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// describeJSON says what a JSON value is, quoting it when it is short.
func describeJSON(data []byte) string {
	switch data[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		if len(data) > 40 {
			return "a string"
		}
	}
	if len(data) > 40 {
		return "a number"
	}
	return string(data)
}
