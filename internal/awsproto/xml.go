package awsproto

import (
	"cmp"
	"encoding/base64"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// XMLWriter writes an XML document by appending bytes to a buffer: no
// reflection, no intermediate tree. Element names are written as given (they
// come from service models and must be valid XML names); text and attribute
// values are escaped. Characters that XML 1.0 cannot carry (most control
// characters, invalid UTF-8, U+FFFE, U+FFFF) are replaced with U+FFFD, as
// encoding/xml does, so the document always parses.
//
// The zero value is ready to use.
type XMLWriter struct {
	buf []byte
}

// NewXMLWriter returns a writer that appends to buf[:0], reusing its storage.
func NewXMLWriter(buf []byte) *XMLWriter {
	return &XMLWriter{buf: buf[:0]}
}

// Bytes returns the document written so far. It aliases the writer's buffer.
func (w *XMLWriter) Bytes() []byte { return w.buf }

// Len returns the number of bytes written.
func (w *XMLWriter) Len() int { return len(w.buf) }

// Reset empties the writer, keeping its storage.
func (w *XMLWriter) Reset() { w.buf = w.buf[:0] }

// Declaration writes the XML declaration <?xml version="1.0" encoding="UTF-8"?>.
func (w *XMLWriter) Declaration() {
	w.buf = append(w.buf, `<?xml version="1.0" encoding="UTF-8"?>`...)
	w.buf = append(w.buf, '\n')
}

// Start writes the start tag <name>.
func (w *XMLWriter) Start(name string) {
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}

// StartNS writes the start tag <name xmlns="ns">.
func (w *XMLWriter) StartNS(name, ns string) {
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, ` xmlns="`...)
	w.buf = appendEscaped(w.buf, ns, true)
	w.buf = append(w.buf, `">`...)
}

// End writes the end tag </name>.
func (w *XMLWriter) End(name string) {
	w.buf = append(w.buf, '<', '/')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}

// Empty writes the empty element <name/>.
func (w *XMLWriter) Empty(name string) {
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '/', '>')
}

// Text writes s as escaped character data.
func (w *XMLWriter) Text(s string) {
	w.buf = appendEscaped(w.buf, s, false)
}

// String writes <name>s</name>.
func (w *XMLWriter) String(name, s string) {
	w.Start(name)
	w.buf = appendEscaped(w.buf, s, false)
	w.End(name)
}

// Int writes <name>v</name> in decimal.
func (w *XMLWriter) Int(name string, v int64) {
	w.Start(name)
	w.buf = strconv.AppendInt(w.buf, v, 10)
	w.End(name)
}

// Float writes <name>v</name> in the shortest form that reads back as v;
// NaN and the infinities as NaN, Infinity and -Infinity.
func (w *XMLWriter) Float(name string, v float64) {
	w.Start(name)
	switch {
	case math.IsNaN(v):
		w.buf = append(w.buf, "NaN"...)
	case math.IsInf(v, 1):
		w.buf = append(w.buf, "Infinity"...)
	case math.IsInf(v, -1):
		w.buf = append(w.buf, "-Infinity"...)
	default:
		w.buf = strconv.AppendFloat(w.buf, v, 'g', -1, 64)
	}
	w.End(name)
}

// Bool writes <name>true</name> or <name>false</name>.
func (w *XMLWriter) Bool(name string, v bool) {
	w.Start(name)
	w.buf = strconv.AppendBool(w.buf, v)
	w.End(name)
}

// Time writes <name>t</name> as ISO 8601 in UTC, e.g. 2026-11-23T17:02:18Z,
// the form IAM and STS send. A time with a sub-second part keeps it to the
// millisecond (2026-11-23T17:02:18.25Z), which the SDKs also accept.
func (w *XMLWriter) Time(name string, t time.Time) {
	w.Start(name)
	w.buf = AppendTimestamp(w.buf, t)
	w.End(name)
}

// Blob writes <name>base64(b)</name> with standard padded base64.
func (w *XMLWriter) Blob(name string, b []byte) {
	w.Start(name)
	w.buf = base64.StdEncoding.AppendEncode(w.buf, b)
	w.End(name)
}

// AppendTimestamp appends t as an ISO 8601 UTC timestamp: seconds, plus
// milliseconds when t has a sub-second part.
func AppendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, "2006-01-02T15:04:05.999Z")
	}
	b = append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	if ms := t.Nanosecond() / 1e6; ms > 0 {
		b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return append(b, 'Z')
}

// textSafe and attrSafe mark the bytes that are copied unchanged into
// character data and into attribute values.
var textSafe, attrSafe = func() (text, attr [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		text[c] = c != '<' && c != '>' && c != '&'
		attr[c] = text[c] && c != '"'
	}
	text['\n'], text['\t'] = true, true
	return text, attr
}()

// appendEscaped appends s escaped for character data, or for a
// double-quoted attribute value when attr is true.
func appendEscaped(b []byte, s string, attr bool) []byte {
	safe := &textSafe
	if attr {
		safe = &attrSafe
	}
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if safe[c] {
			i++
			continue
		}
		var esc string
		size := 1
		switch {
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '&':
			esc = "&amp;"
		case c == '"':
			esc = "&quot;"
		case c == '\r':
			// A literal CR would be normalised away by the reader.
			esc = "&#xD;"
		case c == '\n':
			esc = "&#xA;"
		case c == '\t':
			esc = "&#x9;"
		case c < 0x20:
			esc = "\uFFFD"
		default: // c >= utf8.RuneSelf
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			last = i + size
		}
		i += size
	}
	return append(b, s[last:]...)
}

// SortedKeys returns m's keys in increasing order, for writing maps in a
// stable order.
func SortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
