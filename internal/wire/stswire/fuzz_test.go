package stswire_test

import (
	"context"
	"encoding/xml"
	"errors"
	"reflect"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/stswire"
)

// FuzzDecodeQuery feeds arbitrary form bodies to the generated decoders of
// every STS operation: no panic, and either an output that encodes as
// well-formed XML or a ValidationError.
func FuzzDecodeQuery(f *testing.F) {
	f.Add(uint8(0), "RoleArn=arn:aws:iam::123456789012:role/demo&RoleSessionName=Bob&Tags.member.1.Key=k&Tags.member.1.Value=v")
	f.Add(uint8(0), "PolicyArns.member.999999999.arn=x&PolicyArns=&DurationSeconds=1e3")
	f.Add(uint8(3), "TaskPolicyArn.arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials&TargetPrincipal=123456789012")
	f.Add(uint8(10), "Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=60")
	var h stswire.Handlers
	hv := reflect.ValueOf(&h).Elem()
	for i := 0; i < hv.NumField(); i++ {
		ft := hv.Field(i).Type()
		hv.Field(i).Set(reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value {
			return []reflect.Value{reflect.New(ft.Out(0).Elem()), reflect.Zero(ft.Out(1))}
		}))
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		v, err := awsproto.ParseQuery("", []byte(body))
		if err != nil {
			return
		}
		v.Set("Version", stswire.APIVersion)
		name := stswire.Operations[int(op)%len(stswire.Operations)].Name
		resp, err := h.Serve(context.Background(), name, v)
		if err != nil {
			var ae *awsproto.Error
			if !errors.As(err, &ae) || ae.Code != "ValidationError" {
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

// BenchmarkAssumeRole decodes an AssumeRole with tags and session policies
// and encodes its output.
func BenchmarkAssumeRole(b *testing.B) {
	body := []byte("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=Bob" +
		"&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fone&Tags.member.1.Key=Project&Tags.member.1.Value=Unicorn" +
		"&TransitiveTagKeys.member.1=Project&DurationSeconds=3600")
	out := &stswire.AssumeRoleOutput{
		Credentials:     &stswire.Credentials{AccessKeyId: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", SessionToken: "AQoDYXdzEPT//////////wEXAMPLE"},
		AssumedRoleUser: &stswire.AssumedRoleUser{AssumedRoleId: "ARO123EXAMPLE123:Bob", Arn: "arn:aws:sts::123456789012:assumed-role/demo/Bob"},
	}
	w := awsproto.NewXMLWriter(make([]byte, 0, 2048))
	b.ReportAllocs()
	for b.Loop() {
		v, err := awsproto.ParseQuery("", body)
		if err != nil {
			b.Fatal(err)
		}
		var in stswire.AssumeRoleInput
		if err := in.DecodeQuery(v); err != nil {
			b.Fatal(err)
		}
		w.Reset()
		out.EncodeQueryXML(w, testRequestID)
	}
}
