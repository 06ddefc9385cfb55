package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
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

// jsonParser is a strict RFC 8259 parser for policy documents. It is written
// out rather than built on encoding/json because IAM rejects what
// encoding/json accepts silently (duplicate keys) and because policies are
// parsed on every simulation: this parser allocates only the tree.
type jsonParser struct {
	data []byte
	pos  int
}

// parseJSON decodes data strictly: one value, no trailing data, no duplicate
// object keys (IAM rejects them; encoding/json would silently keep the last).
func parseJSON(data []byte) (*jnode, error) {
	p := &jsonParser{data: data}
	p.skipSpace()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.errorf("unexpected data after the policy document")
	}
	return n, nil
}

func (p *jsonParser) errorf(format string, a ...any) error {
	return fmt.Errorf("at offset %d: %s", p.pos, fmt.Sprintf(format, a...))
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*jnode, error) {
	if depth > maxDepth {
		return nil, errors.New("policy document is nested too deeply")
	}
	if p.pos >= len(p.data) {
		return nil, errors.New("unexpected end of policy document")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jnode{kind: jString, str: s}, nil
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", jBool)
	case c == 'f':
		return p.literal("false", jBool)
	case c == 'n':
		return p.literal("null", jNull)
	default:
		return nil, p.errorf("invalid character %q looking for a value", c)
	}
}

func (p *jsonParser) literal(word string, k jkind) (*jnode, error) {
	if !strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+len(word))]), word) {
		return nil, p.errorf("invalid literal")
	}
	p.pos += len(word)
	if k == jNull {
		return &jnode{kind: jNull}, nil
	}
	return &jnode{kind: k, str: word}, nil
}

func (p *jsonParser) object(depth int) (*jnode, error) {
	p.pos++ // '{'
	n := &jnode{kind: jObject}
	var seen map[string]struct{} // used past a few members
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errorf("object key is not a string")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if seen == nil && len(n.members) >= 8 {
			seen = make(map[string]struct{}, 16)
			for _, m := range n.members {
				seen[m.key] = struct{}{}
			}
		}
		if seen != nil {
			if _, dup := seen[key]; dup {
				return nil, fmt.Errorf("duplicate key %q", key)
			}
			seen[key] = struct{}{}
		} else {
			for _, m := range n.members {
				if m.key == key {
					return nil, fmt.Errorf("duplicate key %q", key)
				}
			}
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf("missing ':' after object key")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, jmember{key: key, val: v})
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, errors.New("unexpected end of policy document")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.errorf("invalid character %q after object member", p.data[p.pos])
		}
	}
}

func (p *jsonParser) array(depth int) (*jnode, error) {
	p.pos++ // '['
	n := &jnode{kind: jArray}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, errors.New("unexpected end of policy document")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.errorf("invalid character %q after array element", p.data[p.pos])
		}
	}
}

// str reads a JSON string at p.pos (which holds '"').
func (p *jsonParser) str() (string, error) {
	p.pos++
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := string(p.data[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errorf("control character in string")
		}
		p.pos++
	}
	var b strings.Builder
	b.Write(p.data[start:p.pos])
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.data) {
			break
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					p.pos += 2
					if r2, ok = p.hex4(); !ok {
						return "", p.errorf("invalid \\u escape")
					}
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError && r2 >= 0 && !utf16.IsSurrogate(r2) {
					// A lone high surrogate followed by an ordinary escape:
					// keep both, as encoding/json does.
					b.WriteRune(utf8.RuneError)
					b.WriteRune(r2)
					continue
				}
			}
			b.WriteRune(r)
		default:
			return "", p.errorf("invalid escape \\%c", e)
		}
	}
	return "", errors.New("unexpected end of policy document in a string")
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}

// number reads a JSON number and keeps its text, as IAM compares condition
// values as written.
func (p *jsonParser) number() (*jnode, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && '0' <= p.data[p.pos] && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, p.errorf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number")
		}
	}
	return &jnode{kind: jNumber, str: string(p.data[start:p.pos])}, nil
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
		switch r {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}
