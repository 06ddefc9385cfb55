package cleanroomswire_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cleanroomswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// FuzzServe feeds arbitrary methods, paths, query strings and bodies to the
// router and the generated decoders: no panic, and either an output that
// encodes as valid JSON, or one of the errors the protocol answers with.
func FuzzServe(f *testing.F) {
	f.Add("POST", "/memberships", "", `{"collaborationIdentifier":"`+collabID+`","queryLogStatus":"ENABLED","tags":{"a":"b"}}`)
	f.Add("GET", "/memberships", "maxResults=5&status=ACTIVE&nextToken=x%20y", "")
	f.Add("GET", "/collaborations/"+collabID+"/schemas/t%2F1/analysisRule/AGGREGATION", "", "")
	f.Add("POST", "/configuredTables", "", `{"name":"t","tableReference":{"glue":{"tableName":"t","databaseName":"d"}},"allowedColumns":["a"],"analysisMethod":"DIRECT_QUERY"}`)
	f.Add("PATCH", "/memberships/"+memberID, "", `{"defaultResultConfiguration":{"outputConfiguration":{"s3":{"bucket":"b","resultFormat":"CSV"}}}}`)
	f.Add("GET", "/tags/arn%3Aaws%3Acleanrooms%3Aus-east-1%3A123456789012%3Amembership%2Fx", "", "")
	f.Add("DELETE", "/tags/x", "tagKeys=a&tagKeys=b", "")
	var h cleanroomswire.Handlers
	wiretest.StubHandlers(&h)
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		u := &url.URL{Path: path, RawQuery: query}
		if p, err := url.PathUnescape(path); err == nil {
			u.Path, u.RawPath = p, path
		}
		r := &http.Request{Method: method, URL: u, Header: http.Header{}}
		resp, err := h.Serve(context.Background(), r, []byte(body))
		if err != nil {
			var ae *awsproto.Error
			if !errors.As(err, &ae) {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			switch ae.Code {
			case "SerializationException", "ValidationException", "UnknownOperationException":
			default:
				t.Fatalf("%s %s: %v", method, path, err)
			}
			_, doc := awsproto.ErrorBody(awsproto.RestJSON1, ae, awsproto.ResponseMeta{})
			if !json.Valid(doc) {
				t.Fatalf("error body %s", doc)
			}
			return
		}
		var w awsproto.JSONWriter
		status := resp.EncodeRESTJSON(http.Header{}, &w)
		if (status == 204) != (w.Len() == 0) || (w.Len() > 0 && !json.Valid(w.Bytes())) {
			t.Fatalf("%s %s: %d %s", method, path, status, w.Bytes())
		}
	})
}

// BenchmarkCreateMembership routes and decodes a CreateMembership and
// encodes its output.
func BenchmarkCreateMembership(b *testing.B) {
	body := []byte(`{"collaborationIdentifier":"` + collabID + `","queryLogStatus":"ENABLED","tags":{"team":"data"},` +
		`"defaultResultConfiguration":{"outputConfiguration":{"s3":{"bucket":"results","resultFormat":"CSV","keyPrefix":"q/"}}},` +
		`"paymentConfiguration":{"queryCompute":{"isResponsible":true}}}`)
	when := time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC)
	out := &cleanroomswire.CreateMembershipOutput{Membership: &cleanroomswire.Membership{
		Id: memberID, Arn: "arn:aws:cleanrooms:us-east-1:123456789012:membership/" + memberID, CollaborationId: collabID,
		CreateTime: when, UpdateTime: when, Status: cleanroomswire.MembershipStatusACTIVE, QueryLogStatus: cleanroomswire.MembershipQueryLogStatusENABLED,
		MemberAbilities:      []cleanroomswire.MemberAbility{cleanroomswire.MemberAbilityCAN_QUERY},
		PaymentConfiguration: &cleanroomswire.MembershipPaymentConfiguration{QueryCompute: &cleanroomswire.MembershipQueryComputePaymentConfig{IsResponsible: true}},
	}}
	h := cleanroomswire.Handlers{CreateMembership: func(context.Context, *cleanroomswire.CreateMembershipInput) (*cleanroomswire.CreateMembershipOutput, error) {
		return out, nil
	}}
	r, _ := http.NewRequest("POST", "/memberships", nil)
	w := awsproto.NewJSONWriter(make([]byte, 0, 2048))
	hdr := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := h.Serve(context.Background(), r, body)
		if err != nil {
			b.Fatal(err)
		}
		w.Reset()
		resp.EncodeRESTJSON(hdr, w)
	}
}
