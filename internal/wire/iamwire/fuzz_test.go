package iamwire_test

import (
	"context"
	"encoding/xml"
	"errors"
	"net/url"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

// FuzzDecodeQuery feeds arbitrary form bodies to the generated decoders of
// every operation: they must not panic, must answer either an output that
// encodes as well-formed XML or a ValidationError, and must do work bounded
// by the body (indexes like .member.999999999 are not allocated by).
func FuzzDecodeQuery(f *testing.F) {
	for _, s := range []struct {
		op   uint8
		body string
	}{
		{0, "UserName=Bob"},
		{1, "UserName=Bob&Path=/a/&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.999999999.Key=x"},
		{2, "PolicyInputList.member.1=%7B%7D&ContextEntries.member.3.ContextKeyValues.member.2=x&ContextEntries.member.3.ContextKeyType=ip"},
		{3, "MaxItems=-1&Marker=&PathPrefix=%00"},
		{4, "Tags=&TagKeys.member.0=x&TagKeys.member.01=y"},
		{5, "RequireSymbols=TRUE&MaxPasswordAge=99999999999999"},
	} {
		f.Add(s.op, s.body)
	}
	h := zeroHandlers()
	ops := iamwire.Operations
	// Seeds address these operations first; the rest by index.
	first := []string{"GetUser", "CreateUser", "SimulateCustomPolicy", "ListUsers", "UntagUser", "UpdateAccountPasswordPolicy"}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		if len(body) > 1<<16 {
			return
		}
		v, err := awsproto.ParseQuery("", []byte(body))
		if err != nil {
			return
		}
		v.Set("Version", iamwire.APIVersion)
		name := ops[int(op)%len(ops)].Name
		if int(op) < len(first) {
			name = first[op]
		}
		resp, err := h.Serve(context.Background(), name, v)
		if err != nil {
			var ae *awsproto.Error
			if !errors.As(err, &ae) || ae.Code != "ValidationError" || ae.Status != 400 {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
		var w awsproto.XMLWriter
		resp.EncodeQueryXML(&w, "r")
		if err := xml.Unmarshal(w.Bytes(), new(struct{})); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	})
}

// BenchmarkGetUser measures one GetUser request's wire work: parse the
// form body, decode and validate the input, encode the output.
func BenchmarkGetUser(b *testing.B) {
	body := []byte("Action=GetUser&Version=2010-05-08&UserName=Bob")
	out := &iamwire.GetUserOutput{User: &iamwire.User{
		Path: "/", UserName: "Bob", UserId: "AIDIODR4TAW7CSEXAMPLE",
		Arn: "arn:aws:iam::123456789012:user/Bob", CreateDate: created,
		Tags: []iamwire.Tag{{Key: "Dept", Value: "R&D"}},
	}}
	w := awsproto.NewXMLWriter(make([]byte, 0, 1024))
	b.ReportAllocs()
	for b.Loop() {
		v, err := awsproto.ParseQuery("", body)
		if err != nil {
			b.Fatal(err)
		}
		var in iamwire.GetUserInput
		if err := in.DecodeQuery(v); err != nil {
			b.Fatal(err)
		}
		w.Reset()
		out.EncodeQueryXML(w, testRequestID)
	}
}

// BenchmarkDecodeCreateUser decodes a CreateUser with two tags.
func BenchmarkDecodeCreateUser(b *testing.B) {
	v, _ := url.ParseQuery("Action=CreateUser&Version=2010-05-08&UserName=Bob&Path=/eng/" +
		"&Tags.member.1.Key=Dept&Tags.member.1.Value=RD&Tags.member.2.Key=Team&Tags.member.2.Value=Core")
	b.ReportAllocs()
	for b.Loop() {
		var in iamwire.CreateUserInput
		if err := in.DecodeQuery(v); err != nil {
			b.Fatal(err)
		}
	}
}
