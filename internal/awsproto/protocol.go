package awsproto

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/cleanroom-dev/cleanroom/internal/awsid"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Protocol is one of the AWS wire protocols that cleanroom serves.
type Protocol uint8

// The protocols, named as the Smithy protocol traits name them.
const (
	// Query is awsQuery: form-encoded requests, XML responses (IAM, STS).
	Query Protocol = iota + 1
	// JSON11 is awsJson1_1: JSON bodies, X-Amz-Target routing
	// (Organizations, CloudTrail, Glue).
	JSON11
	// RestJSON1 is restJson1: HTTP bindings with JSON bodies (Clean Rooms,
	// Clean Rooms ML).
	RestJSON1
	// RestXML is restXml: HTTP bindings with XML bodies (S3).
	RestXML
)

// String returns the protocol's Smithy name.
func (p Protocol) String() string {
	switch p {
	case Query:
		return "awsQuery"
	case JSON11:
		return "awsJson1_1"
	case RestJSON1:
		return "restJson1"
	case RestXML:
		return "restXml"
	}
	return "Protocol(" + strconv.Itoa(int(p)) + ")"
}

// Response header names.
const (
	// HeaderRequestID carries the request id of awsQuery and JSON responses.
	HeaderRequestID = "X-Amzn-RequestId"
	// HeaderErrorType carries the error code of JSON error responses.
	HeaderErrorType = "X-Amzn-ErrorType"
	// HeaderS3RequestID and HeaderS3HostID are S3's request id headers.
	HeaderS3RequestID = "X-Amz-Request-Id"
	HeaderS3HostID    = "X-Amz-Id-2"
)

// Content types of the protocols' bodies.
const (
	ContentTypeQueryXML = "text/xml"
	ContentTypeJSON11   = "application/x-amz-json-1.1"
	ContentTypeJSON     = "application/json"
	ContentTypeXML      = "application/xml"
)

// ResponseMeta is what an error or response document needs beside its
// content.
type ResponseMeta struct {
	// RequestID identifies the request (see [NewRequestID]).
	RequestID string
	// XMLNamespace is the awsQuery service's namespace, the xmlns of
	// <ErrorResponse>, e.g. "https://iam.amazonaws.com/doc/2010-05-08/".
	XMLNamespace string
	// HostID is S3's extended request id (x-amz-id-2 and <HostId>).
	HostID string
}

// WriteError writes e as protocol p's error response, with its headers, the
// request id headers, e.Status (500 if unset) and the body:
//
//   - Query: <ErrorResponse xmlns><Error><Type>Sender|Receiver</Type><Code/>
//     <Message/>...Fields</Error><RequestId/></ErrorResponse>, text/xml;
//   - JSON11: {"__type":Code,"message":..., Fields}, x-amzn-ErrorType;
//   - RestJSON1: {"message":..., Fields}, x-amzn-ErrorType;
//   - RestXML: <Error><Code/><Message/>...Fields<RequestId/><HostId/></Error>,
//     with x-amz-request-id and x-amz-id-2. InternalFailure is sent as S3's
//     InternalError.
func WriteError(w http.ResponseWriter, p Protocol, e *Error, m ResponseMeta) error {
	if e == nil {
		e = InternalFailure("We encountered an internal error. Please try again.")
	}
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	ctype, body := ErrorBody(p, e, m)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	switch p {
	case RestXML:
		if m.RequestID != "" {
			h.Set(HeaderS3RequestID, m.RequestID)
		}
		if m.HostID != "" {
			h.Set(HeaderS3HostID, m.HostID)
		}
	case JSON11, RestJSON1:
		h.Set(HeaderErrorType, e.Code)
		fallthrough
	default:
		if m.RequestID != "" {
			h.Set(HeaderRequestID, m.RequestID)
		}
	}
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("awsproto: writing %s error body: %w", p, err)
	}
	return nil
}

// ErrorBody returns the content type and body of e's error document in
// protocol p (see [WriteError]).
func ErrorBody(p Protocol, e *Error, m ResponseMeta) (contentType string, body []byte) {
	switch p {
	case JSON11, RestJSON1:
		doc := make(map[string]any, len(e.Fields)+2)
		for k, v := range e.Fields {
			doc[k] = v
		}
		key := e.MessageKey
		if key == "" {
			key = "message"
		}
		doc[key] = e.Message
		ctype := ContentTypeJSON
		if p == JSON11 {
			doc["__type"] = e.Code
			ctype = ContentTypeJSON11
		}
		b, err := json.Marshal(doc)
		if err != nil {
			// A field that JSON cannot encode: send the error without fields.
			b, _ = json.Marshal(map[string]string{"__type": e.Code, key: e.Message})
		}
		return ctype, b
	case RestXML:
		code := e.Code
		if code == CodeInternalFailure {
			code = CodeInternalError
		}
		var w XMLWriter
		w.Declaration()
		w.Start("Error")
		w.String("Code", code)
		w.String("Message", e.Message)
		writeXMLFields(&w, e.Fields)
		w.String("RequestId", m.RequestID)
		w.String("HostId", m.HostID)
		w.End("Error")
		return ContentTypeXML, w.Bytes()
	default:
		var w XMLWriter
		w.StartNS("ErrorResponse", m.XMLNamespace)
		w.Start("Error")
		if e.Sender {
			w.String("Type", "Sender")
		} else {
			w.String("Type", "Receiver")
		}
		w.String("Code", e.Code)
		w.String("Message", e.Message)
		writeXMLFields(&w, e.Fields)
		w.End("Error")
		w.String("RequestId", m.RequestID)
		w.End("ErrorResponse")
		return ContentTypeQueryXML, w.Bytes()
	}
}

// writeXMLFields writes an error's extra members as elements in key order.
// Keys that are not XML names are skipped.
func writeXMLFields(w *XMLWriter, fields map[string]any) {
	if len(fields) == 0 {
		return
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if isXMLName(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch v := fields[k].(type) {
		case string:
			w.String(k, v)
		case bool:
			w.Bool(k, v)
		case int:
			w.Int(k, int64(v))
		case int32:
			w.Int(k, int64(v))
		case int64:
			w.Int(k, v)
		case float64:
			w.Float(k, v)
		case time.Time:
			w.Time(k, v)
		case []byte:
			w.Blob(k, v)
		default:
			w.String(k, fmt.Sprint(v))
		}
	}
}

// isXMLName reports whether s is a plain XML element name (ASCII letters,
// digits, '_', '-', '.', not starting with a digit, '-' or '.').
func isXMLName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9') || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// NewRequestID returns a random version 4 UUID, the form of the request ids
// that IAM, STS and the JSON services send.
func NewRequestID() string {
	id, _ := awsid.UUIDv4(rand.Reader) // crypto/rand.Reader never fails (Go 1.24+)
	return id
}

// NewS3RequestID returns a random 16-character upper-case hexadecimal id
// and a random base64 host id, the forms of S3's x-amz-request-id and
// x-amz-id-2.
func NewS3RequestID() (requestID, hostID string) {
	var r [8]byte
	var h [48]byte
	_, _ = rand.Read(r[:])
	_, _ = rand.Read(h[:])
	id := make([]byte, 16)
	const digits = "0123456789ABCDEF"
	for i, c := range r {
		id[2*i] = digits[c>>4]
		id[2*i+1] = digits[c&0xf]
	}
	return string(id), base64.StdEncoding.EncodeToString(h[:])
}
