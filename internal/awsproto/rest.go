package awsproto

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// RESTRequest is what the generated restJson1 decoders read: the values of
// the URI template's labels, the query string, the headers and the body.
type RESTRequest struct {
	// Labels holds the values of the URI template's labels in the order
	// they appear in the template, URL-decoded, as [RESTRouter.Match]
	// returns them.
	Labels []string
	// Query is the parsed query string.
	Query url.Values
	// Header is the request's header.
	Header http.Header
	// Body is the request body.
	Body []byte
}

// QueryValues returns the values of the query parameter name, or nil when
// it is absent.
func (r *RESTRequest) QueryValues(name string) []string {
	vs := r.Query[name]
	if len(vs) == 0 {
		return nil
	}
	return vs
}

// HeaderValue returns the value of the header name (several lines joined
// with ", ") and whether it is present.
func (r *RESTRequest) HeaderValue(name string) (string, bool) {
	vs := r.Header.Values(name)
	switch len(vs) {
	case 0:
		return "", false
	case 1:
		return vs[0], true
	}
	return strings.Join(vs, ", "), true
}

// HeaderList returns the items of the list header name (see
// [SplitHeaderList]), or nil when it is absent.
func (r *RESTRequest) HeaderList(name string) []string {
	vs := r.Header.Values(name)
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, SplitHeaderList(v)...)
	}
	return out
}

// SplitHeaderList splits a list header's value at commas outside
// double-quoted strings and trims the items; quoted items lose their
// quotes and escapes (Smithy's list serialization for headers). An
// unquoted HTTP date (which holds a comma) is kept whole.
func SplitHeaderList(v string) []string {
	if !strings.ContainsAny(v, `,"`) {
		return []string{strings.TrimSpace(v)}
	}
	if _, err := http.ParseTime(strings.TrimSpace(v)); err == nil {
		return []string{strings.TrimSpace(v)}
	}
	var out []string
	var cur strings.Builder
	quoted, inQuote := false, false
	flush := func() {
		s := cur.String()
		if !quoted {
			s = strings.TrimSpace(s)
		}
		out = append(out, s)
		cur.Reset()
		quoted = false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case inQuote && c == '\\' && i+1 < len(v):
			i++
			cur.WriteByte(v[i])
		case c == '"':
			inQuote = !inQuote
			if inQuote {
				quoted = true
				cur.Reset()
			}
		case c == ',' && !inQuote:
			flush()
		case inQuote || !quoted:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// BindingError reports a URI label, query parameter or header whose value
// cannot be read as its member's type: 400 SerializationException.
func BindingError(location, name, want string) *Error {
	return SerializationException("Cannot read the %s '%s': expected %s", location, name, want)
}

// NoRoute reports a restJson1 request whose method and path match no
// operation: 404 UnknownOperationException. Clean Rooms answers such
// requests with a 404, and the SDKs, which never send one, only need the
// code.
func NoRoute(method, path string) *Error {
	return NewError(http.StatusNotFound, CodeUnknownOperationException, "No operation matches %s %s", method, path)
}

// RESTJSONResponse is a restJson1 operation's output: it sets its header
// bindings, writes its body and says the HTTP status.
type RESTJSONResponse interface {
	EncodeRESTJSON(h http.Header, w *JSONWriter) (status int)
}

// WriteRESTJSONResponse writes resp as a restJson1 response with the
// x-amzn-RequestId header: the status and headers it sets, and its body
// as application/json unless it set another Content-Type. A response
// without a body (204) has no Content-Type.
func WriteRESTJSONResponse(w http.ResponseWriter, resp RESTJSONResponse, requestID string) error {
	var jw JSONWriter
	h := w.Header()
	status := resp.EncodeRESTJSON(h, &jw)
	if jw.Len() > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", ContentTypeJSON)
	}
	h.Set("Content-Length", strconv.Itoa(jw.Len()))
	h.Set(HeaderRequestID, requestID)
	w.WriteHeader(status)
	if jw.Len() == 0 {
		return nil
	}
	if _, err := w.Write(jw.Bytes()); err != nil {
		return fmt.Errorf("awsproto: writing restJson1 response: %w", err)
	}
	return nil
}

// FormatBlob renders a blob as a header value: standard padded base64.
func FormatBlob(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// FormatDateTime renders a timestamp as ISO 8601 in UTC.
func FormatDateTime(t time.Time) string { return string(AppendTimestamp(nil, t)) }

// FormatEpochSeconds renders a timestamp as seconds since the epoch.
func FormatEpochSeconds(t time.Time) string { return string(AppendEpochSeconds(nil, t)) }

// FormatHTTPDate renders a timestamp as an RFC 7231 IMF-fixdate, the
// default form of timestamps in headers.
func FormatHTTPDate(t time.Time) string { return t.UTC().Format(httpDateFormat) }

// ViolationMember returns the name of the member a violation is about (the
// last segment of its path that is not a list index, "member" or an entry
// part) and whether the violation is inside a list.
func ViolationMember(v Violation) (name string, inList bool) {
	segs := strings.Split(v.Path(), ".")
	for i, s := range segs {
		if s == "member" && i > 0 && isDigits(segs[i-1]) {
			inList = true
		}
	}
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		if s == "" || isDigits(s) || (s == "member" && i > 0 && isDigits(segs[i-1])) {
			continue
		}
		return s, inList
	}
	return "", inList
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// UpperSnake turns a member name into upper snake case: accountName gives
// ACCOUNT_NAME, resourceId RESOURCE_ID.
func UpperSnake(s string) string {
	var b strings.Builder
	var prev rune
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
		prev = r
	}
	return b.String()
}
