package awsproto

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// JSONWriter writes a JSON document by appending bytes to a buffer: no
// reflection, no intermediate tree. It places the commas itself: a value
// or key written after another value at the same level is preceded by one.
// Strings are escaped as RFC 8259 requires, with invalid UTF-8 replaced by
// U+FFFD (as encoding/json does) so that the document always parses.
//
// Callers write well-formed sequences (Key then a value inside objects,
// values inside arrays); the generated encoders do.
//
// The zero value is ready to use.
type JSONWriter struct {
	buf []byte
}

// NewJSONWriter returns a writer that appends to buf[:0], reusing its
// storage.
func NewJSONWriter(buf []byte) *JSONWriter {
	return &JSONWriter{buf: buf[:0]}
}

// Bytes returns the document written so far. It aliases the writer's buffer.
func (w *JSONWriter) Bytes() []byte { return w.buf }

// Len returns the number of bytes written.
func (w *JSONWriter) Len() int { return len(w.buf) }

// Reset empties the writer, keeping its storage.
func (w *JSONWriter) Reset() { w.buf = w.buf[:0] }

// sep writes the comma that separates a value from the one before it at
// the same level: the previous byte tells, as a value never ends in '{',
// '[' or ':'.
func (w *JSONWriter) sep() {
	if n := len(w.buf); n > 0 {
		switch w.buf[n-1] {
		case '{', '[', ':':
		default:
			w.buf = append(w.buf, ',')
		}
	}
}

// BeginObject writes '{'.
func (w *JSONWriter) BeginObject() {
	w.sep()
	w.buf = append(w.buf, '{')
}

// EndObject writes '}'.
func (w *JSONWriter) EndObject() { w.buf = append(w.buf, '}') }

// BeginArray writes '['.
func (w *JSONWriter) BeginArray() {
	w.sep()
	w.buf = append(w.buf, '[')
}

// EndArray writes ']'.
func (w *JSONWriter) EndArray() { w.buf = append(w.buf, ']') }

// Key writes an object member's name and the colon.
func (w *JSONWriter) Key(k string) {
	w.sep()
	w.buf = AppendJSONString(w.buf, k)
	w.buf = append(w.buf, ':')
}

// String writes a string value.
func (w *JSONWriter) String(s string) {
	w.sep()
	w.buf = AppendJSONString(w.buf, s)
}

// Int writes an integer value.
func (w *JSONWriter) Int(v int64) {
	w.sep()
	w.buf = strconv.AppendInt(w.buf, v, 10)
}

// Float writes a floating-point value in the shortest form that reads
// back as v; NaN and the infinities, which JSON numbers cannot carry, as
// the strings "NaN", "Infinity" and "-Infinity", as the AWS JSON protocols
// send them.
func (w *JSONWriter) Float(v float64) {
	w.sep()
	switch {
	case math.IsNaN(v):
		w.buf = append(w.buf, `"NaN"`...)
	case math.IsInf(v, 1):
		w.buf = append(w.buf, `"Infinity"`...)
	case math.IsInf(v, -1):
		w.buf = append(w.buf, `"-Infinity"`...)
	default:
		w.buf = appendJSONFloat(w.buf, v)
	}
}

// appendJSONFloat appends a finite v as encoding/json does: plain decimal
// between 1e-6 and 1e21, exponent form outside, always a valid JSON number.
func appendJSONFloat(b []byte, v float64) []byte {
	abs := math.Abs(v)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// Bool writes true or false.
func (w *JSONWriter) Bool(v bool) {
	w.sep()
	w.buf = strconv.AppendBool(w.buf, v)
}

// Null writes null.
func (w *JSONWriter) Null() {
	w.sep()
	w.buf = append(w.buf, "null"...)
}

// Blob writes b as a string of standard padded base64, the JSON
// protocols' form of blobs.
func (w *JSONWriter) Blob(b []byte) {
	w.sep()
	w.buf = append(w.buf, '"')
	w.buf = base64.StdEncoding.AppendEncode(w.buf, b)
	w.buf = append(w.buf, '"')
}

// EpochSeconds writes t as seconds since the Unix epoch, a number with up
// to three decimals (1795107738.25), the JSON protocols' default form of
// timestamps (Smithy's epoch-seconds).
func (w *JSONWriter) EpochSeconds(t time.Time) {
	w.sep()
	w.buf = AppendEpochSeconds(w.buf, t)
}

// DateTime writes t as an ISO 8601 string in UTC (timestampFormat
// iso8601, Smithy's date-time).
func (w *JSONWriter) DateTime(t time.Time) {
	w.sep()
	w.buf = append(w.buf, '"')
	w.buf = AppendTimestamp(w.buf, t)
	w.buf = append(w.buf, '"')
}

// HTTPDate writes t as an RFC 7231 IMF-fixdate string (timestampFormat
// rfc822, Smithy's http-date).
func (w *JSONWriter) HTTPDate(t time.Time) {
	w.sep()
	w.buf = append(w.buf, '"')
	w.buf = t.UTC().AppendFormat(w.buf, httpDateFormat)
	w.buf = append(w.buf, '"')
}

// Raw writes b, which must be one well-formed JSON value, as is (document
// members).
func (w *JSONWriter) Raw(b []byte) {
	w.sep()
	w.buf = append(w.buf, b...)
}

// httpDateFormat is the IMF-fixdate of RFC 7231, section 7.1.1.1.
const httpDateFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// AppendEpochSeconds appends t as seconds since the Unix epoch with up to
// millisecond precision, trailing zeros dropped: 1795107738, 1795107738.25.
func AppendEpochSeconds(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		b = append(b, '-')
		ms = -ms
	}
	sec, frac := ms/1000, ms%1000
	b = strconv.AppendInt(b, sec, 10)
	if frac > 0 {
		b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return b
}

// jsonSafe marks the ASCII bytes copied unchanged into a JSON string.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\'
	}
	return safe
}()

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a quoted JSON string. Control characters
// are escaped, as are U+2028 and U+2029 (which JavaScript does not accept
// raw); invalid UTF-8 becomes U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[last:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			last = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[last:i]...)
			b = append(b, `\ufffd`...)
			i += n
			last = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[last:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += n
			last = i
			continue
		}
		i += n
	}
	b = append(b, s[last:]...)
	return append(b, '"')
}

// Document writes a document value (any JSON value, kept as its text);
// an empty or malformed one is written as null, so that the response
// stays well-formed.
func (w *JSONWriter) Document(b []byte) {
	if len(b) == 0 || !json.Valid(b) {
		w.Null()
		return
	}
	w.Raw(b)
}
