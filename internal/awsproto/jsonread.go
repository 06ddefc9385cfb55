package awsproto

import (
	"encoding/base64"
	"iter"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// CodeSerializationException is the code of the JSON protocols' error for
// a body that is not JSON or whose values have the wrong types.
const CodeSerializationException = "SerializationException"

// SerializationException reports a request body that cannot be read as
// the operation's input: 400 SerializationException, the error AWS's JSON
// services answer for malformed JSON and for values of the wrong type.
func SerializationException(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, CodeSerializationException, format, args...)
}

// maxJSONDepth bounds the nesting of objects and arrays in a request
// body. The deepest AWS input shapes nest about a dozen levels.
const maxJSONDepth = 64

// JSONDecoder reads one JSON document for the generated decoders of the
// JSON protocols, token by token: no reflection and no intermediate tree.
// It checks the syntax of everything it reads and skips (RFC 8259, UTF-8
// with invalid sequences replaced by U+FFFD), and records the first syntax
// or type error, after which every read returns a zero value and every
// iteration stops; [JSONDecoder.Finish] returns that error as a
// SerializationException naming the member where it happened.
//
// null reads as absent: the readers of objects and arrays yield nothing
// for it, and callers check [JSONDecoder.Null] before reading a scalar.
type JSONDecoder struct {
	data  []byte
	pos   int
	err   *Error
	path  []jsonFrame
	empty bool
}

// jsonFrame is one step of the path to the value being read: an object
// member's key (as its offsets in data, escaped or not) or an array index.
type jsonFrame struct {
	start, end int // key bytes, without quotes; start < 0 for an index
	index      int
}

// NewJSONDecoder returns a decoder of data. An empty body (or one of white
// space alone) reads as an empty object: AWS's JSON services take it as an
// input with no members.
func NewJSONDecoder(data []byte) *JSONDecoder {
	d := &JSONDecoder{data: data}
	d.skipSpace()
	d.empty = d.pos == len(data)
	return d
}

// Failed reports whether an error has been recorded.
func (d *JSONDecoder) Failed() bool { return d.err != nil }

// Err returns the error recorded, or nil.
func (d *JSONDecoder) Err() error {
	if d.err == nil {
		return nil
	}
	return d.err
}

// Finish checks that nothing but white space follows the document and
// returns the first error recorded, or nil.
func (d *JSONDecoder) Finish() error {
	if d.err == nil && !d.empty {
		d.skipSpace()
		if d.pos < len(d.data) {
			d.syntax("data after the top-level value")
		}
	}
	return d.Err()
}

// pathString renders the path of the current value, e.g. Tags[1].Key.
func (d *JSONDecoder) pathString() string {
	var b strings.Builder
	for _, f := range d.path {
		if f.start < 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		k, _ := unquoteJSON(d.data[f.start:f.end], nil)
		b.Write(k)
	}
	return b.String()
}

func (d *JSONDecoder) syntax(what string) {
	if d.err == nil {
		d.err = SerializationException("Malformed JSON at offset %d: %s", d.pos, what)
	}
}

// mismatch records a value of the wrong type at the current path.
func (d *JSONDecoder) mismatch(want string) {
	if d.err != nil {
		return
	}
	if d.pos >= len(d.data) {
		d.syntax("unexpected end of input")
		return
	}
	var found string
	{
		switch c := d.data[d.pos]; {
		case c == '{':
			found = "an object"
		case c == '[':
			found = "an array"
		case c == '"':
			found = "a string"
		case c == 't' || c == 'f':
			found = "a boolean"
		case c == 'n':
			found = "null"
		case c == '-' || (c >= '0' && c <= '9'):
			found = "a number"
		default:
			d.syntax("unexpected character " + strconv.QuoteRune(rune(c)))
			return
		}
	}
	d.invalid(want + ", found " + found)
}

// invalid records a value that cannot be read as its member's type.
func (d *JSONDecoder) invalid(what string) {
	if d.err != nil {
		return
	}
	if p := d.pathString(); p != "" {
		d.err = SerializationException("Cannot read the value at '%s': expected %s", p, what)
	} else {
		d.err = SerializationException("Cannot read the request body: expected %s", what)
	}
}

func (d *JSONDecoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the first byte of the next value, or 0 at the end.
func (d *JSONDecoder) peek() byte {
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// Null consumes a null and reports whether there was one.
func (d *JSONDecoder) Null() bool {
	if d.err != nil {
		return false
	}
	if d.empty && len(d.path) == 0 {
		return false
	}
	if d.peek() == 'n' {
		d.literal("null")
		return d.err == nil
	}
	return false
}

func (d *JSONDecoder) literal(lit string) {
	if len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return
	}
	d.syntax("invalid literal")
}

func (d *JSONDecoder) push(f jsonFrame) bool {
	if len(d.path) >= maxJSONDepth {
		d.syntax("nested too deeply")
		return false
	}
	d.path = append(d.path, f)
	return true
}

// Members iterates the members of the object that comes next: it yields
// each key (valid until the next step) and the body must read or skip the
// member's value. A null yields nothing; another value is a type error.
// An empty document (see [NewJSONDecoder]) is an object without members.
func (d *JSONDecoder) Members() iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		if d.err != nil {
			return
		}
		if d.empty && len(d.path) == 0 {
			return
		}
		switch d.peek() {
		case '{':
		case 'n':
			d.literal("null")
			return
		default:
			d.mismatch("an object")
			return
		}
		if !d.push(jsonFrame{start: -1}) {
			return
		}
		depth := len(d.path)
		d.pos++
		first := true
		for {
			c := d.peek()
			if c == '}' && first {
				d.pos++
				break
			}
			if !first {
				if c == '}' {
					d.pos++
					break
				}
				if c != ',' {
					d.syntax("expected ',' or '}'")
					return
				}
				d.pos++
				c = d.peek()
			}
			first = false
			if c != '"' {
				d.syntax("expected a member name")
				return
			}
			start := d.pos + 1
			end, escaped, ok := d.scanString()
			if !ok {
				return
			}
			if d.peek() != ':' {
				d.syntax("expected ':'")
				return
			}
			d.pos++
			d.path[depth-1] = jsonFrame{start: start, end: end}
			key := d.data[start:end]
			if escaped {
				key, _ = unquoteJSON(key, nil)
			}
			if !yield(key) || d.err != nil {
				return
			}
		}
		d.path = d.path[:depth-1]
	}
}

// Elements iterates the elements of the array that comes next: it yields
// each 0-based index and the body must read or skip the element. A null
// yields nothing; another value is a type error.
func (d *JSONDecoder) Elements() iter.Seq[int] {
	return func(yield func(int) bool) {
		if d.err != nil {
			return
		}
		switch d.peek() {
		case '[':
		case 'n':
			d.literal("null")
			return
		default:
			d.mismatch("an array")
			return
		}
		if !d.push(jsonFrame{start: -1}) {
			return
		}
		depth := len(d.path)
		d.pos++
		for i := 0; ; i++ {
			c := d.peek()
			if c == ']' {
				d.pos++
				break
			}
			if i > 0 {
				if c != ',' {
					d.syntax("expected ',' or ']'")
					return
				}
				d.pos++
				if d.peek() == ']' {
					d.syntax("trailing comma")
					return
				}
			}
			d.path[depth-1] = jsonFrame{start: -1, index: i}
			if !yield(i) || d.err != nil {
				return
			}
		}
		d.path = d.path[:depth-1]
	}
}

// Skip reads and discards the next value, checking its syntax.
func (d *JSONDecoder) Skip() {
	if d.err != nil || (d.empty && len(d.path) == 0) {
		return
	}
	switch c := d.peek(); {
	case c == '{':
		for range d.Members() {
			d.Skip()
		}
	case c == '[':
		for range d.Elements() {
			d.Skip()
		}
	case c == '"':
		d.scanString()
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		d.scanNumber()
	case c == 0 && d.pos >= len(d.data):
		d.syntax("unexpected end of input")
	default:
		d.syntax("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

// scanString scans the string at d.pos (which is '"') and returns the
// offset of its closing quote and whether it holds escapes or bytes that
// need rewriting (invalid UTF-8).
func (d *JSONDecoder) scanString() (end int, escaped, ok bool) {
	i := d.pos + 1
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return i, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(d.data) {
				d.pos = i
				d.syntax("unterminated string")
				return 0, false, false
			}
			switch d.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d.data) || !isHex4(d.data[i+2:i+6]) {
					d.pos = i
					d.syntax(`invalid \u escape`)
					return 0, false, false
				}
				i += 6
			default:
				d.pos = i
				d.syntax("invalid escape")
				return 0, false, false
			}
		case c < 0x20:
			d.pos = i
			d.syntax("control character in string")
			return 0, false, false
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && n == 1 {
				escaped = true
			}
			i += n
		default:
			i++
		}
	}
	d.pos = i
	d.syntax("unterminated string")
	return 0, false, false
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// unquoteJSON appends the content of a scanned string (without quotes)
// to dst with its escapes resolved and invalid UTF-8 replaced by U+FFFD.
func unquoteJSON(s, dst []byte) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2 = hex4(s[i+2 : i+6])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // " \ /
				dst = append(dst, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
		}
	}
	return dst, true
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// readString reads a string value as bytes (aliasing the input when it
// has no escapes), or records a type error.
func (d *JSONDecoder) readString(want string) ([]byte, bool) {
	if d.err != nil {
		return nil, false
	}
	if d.peek() != '"' {
		d.mismatch(want)
		return nil, false
	}
	start := d.pos + 1
	end, escaped, ok := d.scanString()
	if !ok {
		return nil, false
	}
	if escaped {
		b, _ := unquoteJSON(d.data[start:end], make([]byte, 0, end-start))
		return b, true
	}
	return d.data[start:end], true
}

// String reads a string.
func (d *JSONDecoder) String() string {
	b, _ := d.readString("a string")
	return string(b)
}

// scanNumber scans a number per RFC 8259 and returns its text and whether
// it is an integer (no fraction, no exponent).
func (d *JSONDecoder) scanNumber() ([]byte, bool) {
	start, i := d.pos, d.pos
	n := len(d.data)
	integer := true
	if i < n && d.data[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < n && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < n && d.data[i] == '0':
		i++
	case digits() == 0:
		d.pos = i
		d.syntax("invalid number")
		return nil, false
	}
	if i < n && d.data[i] == '.' {
		integer = false
		i++
		if digits() == 0 {
			d.pos = i
			d.syntax("invalid number")
			return nil, false
		}
	}
	if i < n && (d.data[i] == 'e' || d.data[i] == 'E') {
		integer = false
		i++
		if i < n && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.pos = i
			d.syntax("invalid number")
			return nil, false
		}
	}
	d.pos = i
	return d.data[start:i], integer
}

// readNumber reads a number's text, or records a type error.
func (d *JSONDecoder) readNumber(want string) ([]byte, bool, bool) {
	if d.err != nil {
		return nil, false, false
	}
	c := d.peek()
	if c != '-' && (c < '0' || c > '9') {
		d.mismatch(want)
		return nil, false, false
	}
	num, integer := d.scanNumber()
	return num, integer, d.err == nil
}

// Int32 reads an integer that fits 32 bits.
func (d *JSONDecoder) Int32() int32 {
	return int32(d.readInt("an integer", 32))
}

// Int64 reads an integer that fits 64 bits.
func (d *JSONDecoder) Int64() int64 {
	return d.readInt("a long integer", 64)
}

func (d *JSONDecoder) readInt(want string, bits int) int64 {
	num, integer, ok := d.readNumber(want)
	if !ok {
		return 0
	}
	if !integer {
		d.invalid(want + ", found " + string(num))
		return 0
	}
	v, err := strconv.ParseInt(string(num), 10, bits)
	if err != nil {
		d.invalid(want + ", found " + string(num) + " (out of range)")
		return 0
	}
	return v
}

// Float64 reads a number, or one of the strings "NaN", "Infinity" and
// "-Infinity" that stand for the values JSON numbers cannot carry.
func (d *JSONDecoder) Float64() float64 {
	if d.err != nil {
		return 0
	}
	if d.peek() == '"' {
		s, _ := d.readString("a number")
		switch string(s) {
		case "NaN":
			return math.NaN()
		case "Infinity":
			return math.Inf(1)
		case "-Infinity":
			return math.Inf(-1)
		}
		d.invalid("a number, found the string " + strconv.Quote(string(s)))
		return 0
	}
	num, _, ok := d.readNumber("a number")
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		d.invalid("a number, found " + string(num) + " (out of range)")
		return 0
	}
	return f
}

// Bool reads true or false.
func (d *JSONDecoder) Bool() bool {
	if d.err != nil {
		return false
	}
	switch d.peek() {
	case 't':
		d.literal("true")
		return d.err == nil
	case 'f':
		d.literal("false")
		return false
	}
	d.mismatch("a boolean")
	return false
}

// Blob reads a string of standard padded base64 and returns the bytes it
// encodes (never nil).
func (d *JSONDecoder) Blob() []byte {
	s, ok := d.readString("a base64-encoded string")
	if !ok {
		return nil
	}
	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, s)
	if err != nil {
		d.invalid("a base64-encoded string")
		return nil
	}
	return b[:n]
}

// EpochSeconds reads a timestamp sent as seconds since the Unix epoch, a
// number with an optional fraction (the JSON protocols' default form).
func (d *JSONDecoder) EpochSeconds() time.Time {
	num, _, ok := d.readNumber("a timestamp (seconds since the epoch)")
	if !ok {
		return time.Time{}
	}
	t, ok := ParseEpochSeconds(string(num))
	if !ok {
		d.invalid("a timestamp (seconds since the epoch), found " + string(num))
	}
	return t
}

// DateTime reads a timestamp sent as an ISO 8601 string.
func (d *JSONDecoder) DateTime() time.Time {
	s, ok := d.readString("an ISO 8601 timestamp")
	if !ok {
		return time.Time{}
	}
	t, ok := ParseTimestamp(string(s))
	if !ok {
		d.invalid("an ISO 8601 timestamp, found " + strconv.Quote(string(s)))
	}
	return t
}

// HTTPDate reads a timestamp sent as an RFC 7231 date string.
func (d *JSONDecoder) HTTPDate() time.Time {
	s, ok := d.readString("an HTTP date")
	if !ok {
		return time.Time{}
	}
	t, ok := ParseHTTPDate(string(s))
	if !ok {
		d.invalid("an HTTP date, found " + strconv.Quote(string(s)))
	}
	return t
}

// Raw reads the next value, whatever it is, and returns a copy of its
// text (document members).
func (d *JSONDecoder) Raw() []byte {
	if d.err != nil {
		return nil
	}
	d.skipSpace()
	start := d.pos
	d.Skip()
	if d.err != nil {
		return nil
	}
	return append([]byte(nil), d.data[start:d.pos]...)
}

// ParseEpochSeconds parses seconds since the Unix epoch written as a JSON
// number: an integer, a decimal fraction (kept to the nanosecond), or, as
// Java writes doubles, an exponent form (1.7951077382E9).
func ParseEpochSeconds(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if !strings.ContainsAny(s, "eE") {
		neg := s[0] == '-'
		digits := strings.TrimPrefix(s, "-")
		whole, frac, _ := strings.Cut(digits, ".")
		sec, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || sec > maxEpoch {
			return time.Time{}, false
		}
		var nsec int64
		for i := 0; i < 9; i++ {
			nsec *= 10
			if i < len(frac) {
				c := frac[i]
				if c < '0' || c > '9' {
					return time.Time{}, false
				}
				nsec += int64(c - '0')
			}
		}
		if neg {
			sec, nsec = -sec, -nsec
		}
		return time.Unix(sec, nsec).UTC(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > maxEpoch {
		return time.Time{}, false
	}
	sec := math.Floor(f)
	// A double carries about 16 digits: keep the microseconds.
	usec := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(usec)*1000).UTC(), true
}

// maxEpoch bounds epoch seconds to years within ±10000, which time.Time
// and every SDK handle.
const maxEpoch = 253402300799

// ParseHTTPDate parses an RFC 7231 date (IMF-fixdate, and the obsolete
// RFC 850 and asctime forms that net/http accepts).
func ParseHTTPDate(s string) (time.Time, bool) {
	t, err := http.ParseTime(s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
