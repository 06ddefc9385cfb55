package oidc

import (
	"context"
	"testing"
)

// FuzzParse: Parse never panics, and a token it accepts has an https issuer
// and verifies (or is refused) without panicking.
func FuzzParse(f *testing.F) {
	rs, es, _, _ := keys(f)
	c := newClock()
	f.Add(sign(f, rs, claimsAt(testIssuer, testClient, c.Now())))
	f.Add(sign(f, es, map[string]any{"iss": testIssuer, "aud": []string{"a", "b"}, "exp": 1.5, "amr": "pwd"}))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("")
	v, err := New(Options{KeySets: map[string][]byte{testIssuer: jwks(f, rs, es)}, Now: c.Now})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s)
		if err != nil {
			return
		}
		if _, ok := IssuerName(tok.Issuer()); !ok {
			t.Fatalf("accepted issuer %q", tok.Issuer())
		}
		v.Verify(context.Background(), tok, Expect{Issuer: testIssuer, ClientIDs: []string{testClient}})
	})
}

// FuzzParseKeySet: parseKeySet never panics and keeps only public keys.
func FuzzParseKeySet(f *testing.F) {
	rs, es, _, _ := keys(f)
	f.Add(jwks(f, rs, es))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AAAA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"","y":""}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ks, err := parseKeySet(doc)
		if err != nil {
			return
		}
		for _, k := range ks.keys {
			if !k.IsPublic() {
				t.Fatalf("kept a non-public key %T", k.Key)
			}
		}
	})
}

// FuzzIssuerName: a name is never empty and has no scheme.
func FuzzIssuerName(f *testing.F) {
	for _, s := range []string{"https://example.com/a/", "https://[::1]:443", "http://x", "https://a@b", "https://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, ok := IssuerName(s)
		if ok && (name == "" || len(name) >= len("https://") && name[:8] == "https://") {
			t.Fatalf("IssuerName(%q) = %q", s, name)
		}
	})
}
