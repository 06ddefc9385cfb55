package oidc

import (
	"context"
	"testing"
)

func benchVerify(b *testing.B, k testKey) {
	c := newClock()
	v, err := New(Options{KeySets: map[string][]byte{testIssuer: jwks(b, k)}, Now: c.Now})
	if err != nil {
		b.Fatal(err)
	}
	token := sign(b, k, claimsAt(testIssuer, testClient, c.Now()))
	want := Expect{Issuer: testIssuer, ClientIDs: []string{testClient}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		tok, err := Parse(token)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Verify(ctx, tok, want); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRS256(b *testing.B) {
	rs, _, _, _ := keys(b)
	benchVerify(b, rs)
}

func BenchmarkVerifyES256(b *testing.B) {
	_, es, _, _ := keys(b)
	benchVerify(b, es)
}
