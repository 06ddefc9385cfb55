package awsproto_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/restjson"
	awsxml "github.com/aws/aws-sdk-go-v2/aws/protocol/xml"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

const reqID = "4442587f-a8e3-11e0-9fb1-6f7b52fcb7f0"

// awsQuery error responses, as the IAM API Reference shows them
// (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and
// the "Query API" error format) and as aws-sdk-go-v2 reads them.
func TestQueryError(t *testing.T) {
	rec := httptest.NewRecorder()
	e := awsproto.NewError(404, "NoSuchEntity", "The user with name %s cannot be found.", "bob<&>")
	err := awsproto.WriteError(rec, awsproto.Query, e, awsproto.ResponseMeta{
		RequestID: reqID, XMLNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "text/xml" || rec.Header().Get("x-amzn-RequestId") != reqID {
		t.Errorf("status %d headers %v", rec.Code, rec.Header())
	}
	want := `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>` +
		`<Code>NoSuchEntity</Code><Message>The user with name bob&lt;&amp;&gt; cannot be found.</Message></Error>` +
		`<RequestId>` + reqID + `</RequestId></ErrorResponse>`
	if got := rec.Body.String(); got != want {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
	c, err := awsxml.GetErrorResponseComponents(bytes.NewReader(rec.Body.Bytes()), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Code != "NoSuchEntity" || c.Message != "The user with name bob<&> cannot be found." || c.RequestID != reqID {
		t.Errorf("SDK read %+v", c)
	}
}

func TestQueryErrorReceiverAndFields(t *testing.T) {
	e := awsproto.InternalFailure("boom").With("Detail", "x").With("Count", 3).With("bad name", "skipped")
	_, body := awsproto.ErrorBody(awsproto.Query, e, awsproto.ResponseMeta{RequestID: reqID, XMLNamespace: "ns"})
	var doc struct {
		Error struct {
			Type, Code, Message, Detail string
			Count                       int
		}
		RequestID string `xml:"RequestId"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if doc.Error.Type != "Receiver" || doc.Error.Code != "InternalFailure" || doc.Error.Detail != "x" || doc.Error.Count != 3 {
		t.Errorf("got %+v from %s", doc, body)
	}
	if bytes.Contains(body, []byte("skipped")) {
		t.Errorf("a field that is not an XML name was written: %s", body)
	}
}

// awsJson1_1: x-amzn-ErrorType and {"__type", "message"}
// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization).
func TestJSON11Error(t *testing.T) {
	rec := httptest.NewRecorder()
	e := awsproto.ValidationException("bad input").With("reason", "FIELD_VALIDATION_FAILED").
		With("fieldList", []map[string]string{{"name": "x", "message": "y"}})
	if err := awsproto.WriteError(rec, awsproto.JSON11, e, awsproto.ResponseMeta{RequestID: reqID}); err != nil {
		t.Fatal(err)
	}
	h := rec.Header()
	if rec.Code != 400 || h.Get("Content-Type") != "application/x-amz-json-1.1" || h.Get("X-Amzn-ErrorType") != "ValidationException" || h.Get("X-Amzn-RequestId") != reqID {
		t.Errorf("status %d headers %v", rec.Code, h)
	}
	code, msg, err := restjson.GetErrorInfo(json.NewDecoder(rec.Body))
	if err != nil || code != "ValidationException" || msg != "bad input" {
		t.Errorf("SDK read %q %q %v", code, msg, err)
	}
	var doc map[string]any
	_, body := awsproto.ErrorBody(awsproto.JSON11, e, awsproto.ResponseMeta{})
	if err := json.Unmarshal(body, &doc); err != nil || doc["reason"] != "FIELD_VALIDATION_FAILED" || doc["__type"] != "ValidationException" {
		t.Errorf("body %s", body)
	}
}

// restJson1: x-amzn-ErrorType and {"message"}
// (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization).
func TestRestJSON1Error(t *testing.T) {
	rec := httptest.NewRecorder()
	e := awsproto.AccessDeniedException("User: arn:aws:iam::123456789012:user/x is not authorized").With("message", "ignored")
	if err := awsproto.WriteError(rec, awsproto.RestJSON1, e, awsproto.ResponseMeta{RequestID: reqID}); err != nil {
		t.Fatal(err)
	}
	h := rec.Header()
	if rec.Code != 403 || h.Get("Content-Type") != "application/json" || h.Get("X-Amzn-ErrorType") != "AccessDeniedException" {
		t.Errorf("status %d headers %v", rec.Code, h)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["message"] != e.Message || doc["__type"] != nil {
		t.Errorf("body %s", rec.Body)
	}
}

// restXml (S3): <Error><Code><Message>...<RequestId><HostId>
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses).
func TestRestXMLError(t *testing.T) {
	rec := httptest.NewRecorder()
	e := awsproto.NewError(404, "NoSuchKey", "The specified key does not exist.").With("Key", "a/b.txt").With("BucketName", "bkt")
	rid, host := awsproto.NewS3RequestID()
	if err := awsproto.WriteError(rec, awsproto.RestXML, e, awsproto.ResponseMeta{RequestID: rid, HostID: host}); err != nil {
		t.Fatal(err)
	}
	h := rec.Header()
	if rec.Code != 404 || h.Get("Content-Type") != "application/xml" || h.Get("x-amz-request-id") != rid || h.Get("x-amz-id-2") != host {
		t.Errorf("status %d headers %v", rec.Code, h)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>` +
		`<BucketName>bkt</BucketName><Key>a/b.txt</Key><RequestId>` + rid + `</RequestId><HostId>` + host + `</HostId></Error>`
	if rec.Body.String() != want {
		t.Errorf("body\n got %s\nwant %s", rec.Body, want)
	}
	c, err := awsxml.GetErrorResponseComponents(bytes.NewReader(rec.Body.Bytes()), true)
	if err != nil || c.Code != "NoSuchKey" || c.RequestID != rid {
		t.Errorf("SDK read %+v %v", c, err)
	}
	// S3 names its service fault InternalError.
	_, body := awsproto.ErrorBody(awsproto.RestXML, awsproto.AsError(errors.New("disk")), awsproto.ResponseMeta{})
	if !bytes.Contains(body, []byte("<Code>InternalError</Code>")) {
		t.Errorf("internal error body %s", body)
	}
}

func TestAsError(t *testing.T) {
	inner := awsproto.AccessDenied("no")
	if got := awsproto.AsError(fmt.Errorf("wrapped: %w", inner)); got != inner {
		t.Errorf("AsError did not unwrap: %v", got)
	}
	got := awsproto.AsError(errors.New("secret database path /var/x"))
	if got.Code != "InternalFailure" || got.Status != 500 || got.Sender || bytes.Contains([]byte(got.Message), []byte("secret")) {
		t.Errorf("AsError(other) = %+v", got)
	}
	if awsproto.AsError(nil) != nil {
		t.Error("AsError(nil) != nil")
	}
	if inner.Error() != "AccessDenied: no" {
		t.Errorf("Error() = %q", inner.Error())
	}
}

// Common errors and their statuses, from the IAM API Reference's "Common
// Errors" page and AWS's query API behaviour.
func TestCommonErrors(t *testing.T) {
	tests := []struct {
		err    *awsproto.Error
		code   string
		status int
		msg    string
	}{
		{awsproto.InvalidAction("Frobnicate", "2010-05-08"), "InvalidAction", 400, "Could not find operation Frobnicate for version 2010-05-08"},
		{awsproto.InvalidAction("GetCallerIdentity", ""), "InvalidAction", 400, "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED"},
		{awsproto.MissingAction(), "MissingAction", 400, "Missing Action"},
		{awsproto.MalformedQueryString("x"), "MalformedQueryString", 404, "x"},
		{awsproto.MissingAuthenticationToken(), "MissingAuthenticationToken", 403, "Request is missing Authentication Token"},
		{awsproto.ValidationError("v%d", 1), "ValidationError", 400, "v1"},
		{awsproto.AccessDenied("d"), "AccessDenied", 403, "d"},
		{awsproto.InternalError("i"), "InternalError", 500, "i"},
		{awsproto.NotImplemented("iam", "CreateUser"), "NotImplemented", 501, "cleanroom does not implement iam:CreateUser yet"},
		{awsproto.NewError(http.StatusConflict, "EntityAlreadyExists", "User with name %s already exists.", "x"), "EntityAlreadyExists", 409, "User with name x already exists."},
	}
	for _, tt := range tests {
		if tt.err.Code != tt.code || tt.err.Status != tt.status || tt.err.Message != tt.msg || tt.err.Sender != (tt.status < 500) {
			t.Errorf("%+v, want %s %d %q", tt.err, tt.code, tt.status, tt.msg)
		}
	}
}

func TestRequestIDs(t *testing.T) {
	a, b := awsproto.NewRequestID(), awsproto.NewRequestID()
	if len(a) != 36 || a == b || a[14] != '4' || a[8] != '-' {
		t.Errorf("request ids %q %q", a, b)
	}
	rid, host := awsproto.NewS3RequestID()
	if len(rid) != 16 || len(host) != 64 {
		t.Errorf("s3 ids %q %q", rid, host)
	}
}
