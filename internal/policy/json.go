package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jkind is the kind of a JSON value in a policy document.
type jkind uint8

const (
	jString jkind = iota
	jNumber
	jBool
	jNull
	jArray
	jObject
)

func (k jkind) String() string {
	return [...]string{"string", "number", "boolean", "null", "array", "object"}[k]
}

// jnode is a JSON value that keeps object members in document order, so that
// the parser can reject duplicate keys and report elements as written.
type jnode struct {
	kind    jkind
	str     string // string value, or the literal text of a number or boolean
	items   []*jnode
	members []jmember
}

type jmember struct {
	key string
	val *jnode
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
// No valid policy nests deeper than 5 levels.
const maxDepth = 32

// parseJSON decodes data strictly: one value, no trailing data, no duplicate
// object keys (IAM rejects them; encoding/json would silently keep the last).
func parseJSON(data []byte) (*jnode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the policy document")
	}
	return n, nil
}

func readValue(dec *json.Decoder, depth int) (*jnode, error) {
	if depth > maxDepth {
		return nil, errors.New("policy document is nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("unexpected end of policy document")
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jnode{kind: jObject}
			seen := make(map[string]struct{})
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, errors.New("object key is not a string")
				}
				if _, dup := seen[key]; dup {
					return nil, fmt.Errorf("duplicate key %q", key)
				}
				seen[key] = struct{}{}
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, jmember{key: key, val: v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &jnode{kind: jArray}
			for dec.More() {
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %q", t.String())
	case string:
		return &jnode{kind: jString, str: t}, nil
	case json.Number:
		return &jnode{kind: jNumber, str: t.String()}, nil
	case bool:
		if t {
			return &jnode{kind: jBool, str: "true"}, nil
		}
		return &jnode{kind: jBool, str: "false"}, nil
	case nil:
		return &jnode{kind: jNull}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// scalarText returns the text of a string, number or boolean, as IAM reads
// condition values: numbers and booleans stand for their literal text.
func (n *jnode) scalarText() (string, bool) {
	switch n.kind {
	case jString, jNumber, jBool:
		return n.str, true
	}
	return "", false
}

// stringsOf reads a value that IAM allows as a string or an array of strings.
func (n *jnode) stringsOf(elem string) ([]string, error) {
	switch n.kind {
	case jString:
		return []string{n.str}, nil
	case jArray:
		out := make([]string, 0, len(n.items))
		for _, it := range n.items {
			if it.kind != jString {
				return nil, &SyntaxError{Element: elem, Msg: fmt.Sprintf("%s must be a string or an array of strings, found %s", elem, it.kind)}
			}
			out = append(out, it.str)
		}
		return out, nil
	}
	return nil, &SyntaxError{Element: elem, Msg: fmt.Sprintf("%s must be a string or an array of strings, found %s", elem, n.kind)}
}

// countNonWhitespace counts the characters of data outside JSON whitespace, as
// IAM counts a managed policy's size ("whitespace does not count").
func countNonWhitespace(data []byte) int {
	n := 0
	for _, r := range string(data) {
		if !strings.ContainsRune(" \t\n\r", r) {
			n++
		}
	}
	return n
}
