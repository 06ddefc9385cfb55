package policy

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// hasDuplicateKeys reports whether a valid JSON document has an object with a
// repeated key, using encoding/json's tokenizer as the reference.
func hasDuplicateKeys(t *testing.T, data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj     bool
		keys    map[string]bool
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.wantKey {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.wantKey = false
				continue
			}
		}
		if top != nil && top.obj && !top.wantKey {
			top.wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].obj {
				stack[len(stack)-1].wantKey = true
			}
		}
	}
}

// FuzzParseJSON checks the policy JSON parser against encoding/json: it must
// accept exactly the valid documents without duplicate keys (within the
// nesting bound), and read the same string values.
//
//	go test -fuzz=FuzzParseJSON -fuzztime 60s ./internal/policy/
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":1}`, `{"a":1,"a":2}`, `[1,2,{"x":"\u00e9\ud83d\ude00"}]`, `"\ud800x"`, `{"Statement":[]}`,
		`-0.5e+10`, `01`, `{"a":tru}`, `  null  `, `{"k":"\"\\\/\b\f\n\r\t"}`, `[`, `{"a" 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseJSON(data)
		valid := json.Valid(data)
		if err == nil && !valid {
			t.Fatalf("parseJSON accepted invalid JSON %q", data)
		}
		// encoding/json reads invalid UTF-8 as U+FFFD, so distinct invalid
		// keys look equal to it; Parse rejects such documents first.
		if err == nil && utf8.Valid(data) && hasDuplicateKeys(t, data) {
			t.Fatalf("parseJSON accepted duplicate keys in %q", data)
		}
		if err != nil && valid && !hasDuplicateKeys(t, data) && depth(data) <= maxDepth {
			t.Fatalf("parseJSON rejected valid JSON %q: %v", data, err)
		}
		// Parse rejects invalid UTF-8 before parseJSON sees it.
		if err == nil && n.kind == jString && utf8.Valid(data) {
			var want string
			if json.Unmarshal(data, &want) == nil && want != n.str {
				t.Fatalf("string %q read as %q, encoding/json reads %q", data, n.str, want)
			}
		}
	})
}

// depth returns the maximum nesting of arrays and objects.
func depth(data []byte) int {
	d, m := 0, 0
	inStr, esc := false, false
	for _, c := range data {
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && (c == '{' || c == '['):
			d++
			m = max(m, d)
		case !inStr && (c == '}' || c == ']'):
			d--
		}
	}
	return m
}
