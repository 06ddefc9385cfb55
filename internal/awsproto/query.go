package awsproto

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReadQuery reads the parameters of an awsQuery request: the URL's query
// string, plus, for a request with a body, the body when it is
// application/x-www-form-urlencoded (or has no content type). AWS accepts
// query APIs both as GET with a query string and as a form POST; botocore
// and the Go SDK POST. A body longer than maxBody bytes is refused with
// RequestEntityTooLarge. Body parameters come before URL parameters of the
// same name.
//
// Callers that need the body bytes too (to check the SigV4 payload hash)
// read it themselves and call [ParseQuery].
func ReadQuery(r *http.Request, maxBody int64) (url.Values, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody && isFormContent(r.Header.Get("Content-Type")) {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return nil, fmt.Errorf("awsproto: reading query body: %w", err)
		}
		if int64(len(b)) > maxBody {
			return nil, RequestEntityTooLarge("Request body is larger than %d bytes", maxBody)
		}
		body = b
	}
	return ParseQuery(r.URL.RawQuery, body)
}

// isFormContent reports whether a request with this Content-Type carries
// form parameters in its body.
func isFormContent(ctype string) bool {
	if ctype == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ctype)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// ParseQuery parses the parameters of an awsQuery request from a raw URL
// query string and a form-encoded body (either may be empty). A syntax error
// (a bad %-escape, a ';') is a MalformedQueryString error.
func ParseQuery(rawQuery string, body []byte) (url.Values, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, MalformedQueryString("The request body contains a syntax error.")
	}
	if rawQuery != "" {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return nil, MalformedQueryString("The query string contains a syntax error.")
		}
		for k, vs := range q {
			v[k] = append(v[k], vs...)
		}
	}
	return v, nil
}

// QueryAction returns the Action and Version parameters of an awsQuery
// request; a missing or empty Action is a MissingAction error. Whether the
// action exists for the version is the service's question (see
// [InvalidAction]).
func QueryAction(v url.Values) (action, version string, err error) {
	action = v.Get("Action")
	if action == "" {
		return "", "", MissingAction()
	}
	return action, v.Get("Version"), nil
}

// QueryResponse is an awsQuery operation's output: it writes its own
// <XxxResponse> document.
type QueryResponse interface {
	EncodeQueryXML(w *XMLWriter, requestID string)
}

// WriteQueryResponse writes resp as a 200 awsQuery response (text/xml) with
// the x-amzn-RequestId header.
func WriteQueryResponse(w http.ResponseWriter, resp QueryResponse, requestID string) error {
	var xw XMLWriter
	resp.EncodeQueryXML(&xw, requestID)
	h := w.Header()
	h.Set("Content-Type", ContentTypeQueryXML)
	h.Set("Content-Length", strconv.Itoa(xw.Len()))
	h.Set(HeaderRequestID, requestID)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(xw.Bytes()); err != nil {
		return fmt.Errorf("awsproto: writing query response: %w", err)
	}
	return nil
}

// WriteResponseMetadata writes the <ResponseMetadata><RequestId> element
// that ends every awsQuery response.
func (w *XMLWriter) WriteResponseMetadata(requestID string) {
	w.Start("ResponseMetadata")
	w.String("RequestId", requestID)
	w.End("ResponseMetadata")
}

// Params gives generated awsQuery decoders the request's parameters by
// their serialized names, following botocore's serialization: nested
// members as Parent.Child, list elements as Name.member.N (or Name.N when
// flattened), map entries as Name.entry.N.key and Name.entry.N.value, all
// indexes 1-based.
//
// Lookups of one name use the map; finding the elements of a list uses a
// sorted copy of the names, built on first use, so that the work is bounded
// by the number of parameters sent, never by the indexes they carry
// (Tags.member.999999999 is one element, not a billion).
type Params struct {
	vals url.Values
	keys []string // sorted; nil until a list or structure is looked for
}

// NewParams wraps v for decoding. v must not change while p is in use.
func NewParams(v url.Values) *Params {
	return &Params{vals: v}
}

// Get returns the first value of the parameter key and whether it is present.
func (p *Params) Get(key string) (string, bool) {
	vs, ok := p.vals[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// Has reports whether the parameter key is present.
func (p *Params) Has(key string) bool {
	return len(p.vals[key]) > 0
}

func (p *Params) sorted() []string {
	if p.keys == nil {
		p.keys = make([]string, 0, len(p.vals))
		for k := range p.vals {
			p.keys = append(p.keys, k)
		}
		slices.Sort(p.keys)
	}
	return p.keys
}

// HasPrefix reports whether some parameter is named prefix.X for some X:
// whether a structure member serialized under prefix is present.
func (p *Params) HasPrefix(prefix string) bool {
	keys := p.sorted()
	dotted := prefix + "."
	i, _ := slices.BinarySearch(keys, dotted)
	return i < len(keys) && strings.HasPrefix(keys[i], dotted)
}

// Element is one element of a serialized list or map.
type Element struct {
	// Index is the 1-based index sent by the client.
	Index int
	// Key is the element's parameter name, prefix.Index; its members are
	// Key.Member.
	Key string
}

// maxIndexDigits bounds an element index: 999,999,999 fits any int.
const maxIndexDigits = 9

// Elements returns the elements serialized as prefix.N or prefix.N.X, in
// increasing order of N. Indexes that are not canonical positive decimal
// numbers of at most nine digits (0, 01, +1, x) are not elements and are
// ignored, as unknown parameters are. Gaps are closed up: the elements are
// the indexes present, in order.
func (p *Params) Elements(prefix string) []Element {
	keys := p.sorted()
	dotted := prefix + "."
	i, _ := slices.BinarySearch(keys, dotted)
	var out []Element
	last := ""
	for ; i < len(keys) && strings.HasPrefix(keys[i], dotted); i++ {
		k := keys[i]
		rest := k[len(dotted):]
		seg := rest
		if j := strings.IndexByte(rest, '.'); j >= 0 {
			seg = rest[:j]
		}
		if seg == last {
			continue
		}
		last = seg
		n, ok := parseIndex(seg)
		if !ok {
			continue
		}
		out = append(out, Element{Index: n, Key: k[:len(dotted)+len(seg)]})
	}
	if len(out) > 1 {
		slices.SortFunc(out, func(a, b Element) int { return a.Index - b.Index })
		out = slices.CompactFunc(out, func(a, b Element) bool { return a.Index == b.Index })
	}
	return out
}

// parseIndex parses a canonical 1-based list index.
func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > maxIndexDigits || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Key joins a parameter prefix and a member name: name alone at the top
// level, prefix.name below it.
func Key(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// ParseBool parses a serialized boolean: true or false, in any case.
func ParseBool(s string) (v, ok bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// ParseInt32 parses a serialized 32-bit integer.
func ParseInt32(s string) (int32, bool) {
	n, err := strconv.ParseInt(s, 10, 32)
	return int32(n), err == nil
}

// ParseInt64 parses a serialized 64-bit integer.
func ParseInt64(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// ParseFloat64 parses a serialized floating-point number, including NaN,
// Infinity and -Infinity.
func ParseFloat64(s string) (float64, bool) {
	switch s {
	case "Infinity":
		s = "+Inf"
	case "-Infinity":
		s = "-Inf"
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// ParseTimestamp parses a serialized timestamp: ISO 8601 / RFC 3339 with an
// optional fractional second (botocore sends 2026-11-23T17:02:18Z or
// ...18.123456Z, the Go SDK ...18.123Z).
func ParseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// ParseBlob parses a serialized blob: standard padded base64.
func ParseBlob(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}
