package orgswire_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// FuzzDecodeJSON feeds arbitrary bodies to the generated decoders of every
// Organizations operation through Serve: no panic, and either an output
// that encodes as valid JSON, or a SerializationException or
// InvalidInputException.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(uint8(4), []byte(`{"Email":"susan@example.com","AccountName":"Prod","Tags":[{"Key":"k","Value":"v"}]}`))
	f.Add(uint8(4), []byte(`{"Email":null,"AccountName":"`+"\u00e9"+`","IamUserAccessToBilling":"ALLOW","Tags":[null]}`))
	f.Add(uint8(10), []byte(`{"AccountId":"123456789012","Extra":{"a":[1,2,{"b":null}]}}`))
	f.Add(uint8(40), []byte(`{"MaxResults":5,"NextToken":"x"}`))
	f.Add(uint8(0), []byte(``))
	var h orgswire.Handlers
	wiretest.StubHandlers(&h)
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := orgswire.Operations[int(op)%len(orgswire.Operations)].Name
		resp, err := h.Serve(context.Background(), orgswire.TargetPrefix+"."+name, body)
		if err != nil {
			var ae *awsproto.Error
			if !errors.As(err, &ae) || (ae.Code != "SerializationException" && ae.Code != "InvalidInputException") {
				t.Fatalf("%s: %v", name, err)
			}
			_, doc := awsproto.ErrorBody(awsproto.JSON11, ae, awsproto.ResponseMeta{})
			if !json.Valid(doc) {
				t.Fatalf("%s: error body %s", name, doc)
			}
			return
		}
		var w awsproto.JSONWriter
		resp.EncodeJSON(&w)
		if !json.Valid(w.Bytes()) {
			t.Fatalf("%s: %s", name, w.Bytes())
		}
	})
}

// BenchmarkCreateAccount decodes a CreateAccount with tags and encodes its
// output.
func BenchmarkCreateAccount(b *testing.B) {
	body := []byte(`{"Email":"susan@example.com","AccountName":"Production Account","RoleName":"OrganizationAccountAccessRole",` +
		`"IamUserAccessToBilling":"ALLOW","Tags":[{"Key":"Team","Value":"Data"},{"Key":"CostCenter","Value":"1234"}]}`)
	when := time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC)
	out := &orgswire.CreateAccountOutput{CreateAccountStatus: &orgswire.CreateAccountStatus{
		Id: awsproto.Ptr("car-examplecreateaccountrequestid111"), AccountName: awsproto.Ptr("Production Account"),
		State: orgswire.CreateAccountStateIN_PROGRESS, RequestedTimestamp: &when,
	}}
	w := awsproto.NewJSONWriter(make([]byte, 0, 1024))
	b.ReportAllocs()
	for b.Loop() {
		var in orgswire.CreateAccountInput
		if err := in.DecodeJSON(body); err != nil {
			b.Fatal(err)
		}
		w.Reset()
		out.EncodeJSON(w)
	}
}
