package sigv4_test

import (
	"context"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/sigv4"
)

// BenchmarkVerify verifies a header-signed STS POST with a small body, the
// signing key already cached (as it is for every request after a key's
// first of the day).
func BenchmarkVerify(b *testing.B) {
	s := sign(b, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
	v := newVerifier(testLookup())
	ctx := context.Background()
	if _, err := v.Verify(ctx, s.req, s.body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, s.req, s.body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyQuery is a GET with a query string to sort and encode.
func BenchmarkVerifyQuery(b *testing.B) {
	s := sign(b, "GET", "https://cleanrooms.us-east-1.amazonaws.com/collaborations/abc/members?maxResults=50&nextToken=a%2Bb%2F%3D&z=1", nil, nil,
		signOpts{id: akid, secret: secret, region: "us-east-1", service: "cleanrooms", at: now})
	v := newVerifier(testLookup())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, s.req, s.body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse reads the credential scope for routing.
func BenchmarkParse(b *testing.B) {
	s := sign(b, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sigv4Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

func sigv4Parse(s signed) (*sigv4.Auth, error) { return sigv4.Parse(s.req) }
