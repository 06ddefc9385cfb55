package oidc

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const (
	testIssuer = "https://idp.example.com/tenant-1"
	testClient = "sts.amazonaws.com"
)

// staticVerifier verifies with the JWKS of ks configured for testIssuer.
func staticVerifier(t *testing.T, c *clock, ks ...testKey) *Verifier {
	t.Helper()
	v, err := New(Options{KeySets: map[string][]byte{testIssuer: jwks(t, ks...)}, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// verify parses and verifies token against testIssuer's provider.
func verify(v *Verifier, token string, want Expect) (*Claims, error) {
	tok, err := Parse(token)
	if err != nil {
		return nil, err
	}
	return v.Verify(context.Background(), tok, want)
}

func kindOf(err error) (Kind, string, bool) {
	var e *Error
	if !errors.As(err, &e) {
		return 0, "", false
	}
	return e.Kind, e.Message, true
}

// TestVerify encodes what STS checks of an OIDC ID token: the signature with
// the issuer's keys (RS256, ES256, ES384), the issuer against the provider
// URL, the audience against the provider's client ids (aud, or azp), exp
// (ExpiredTokenException), iat and nbf, and sub.
func TestVerify(t *testing.T) {
	rs, es, es384, rs2 := keys(t)
	c := newClock()
	now := c.Now()
	v := staticVerifier(t, c, rs, es, es384)
	want := Expect{Issuer: "idp.example.com/tenant-1", ClientIDs: []string{"other", testClient}}
	with := func(change func(map[string]any)) map[string]any {
		m := claimsAt(testIssuer, testClient, now)
		change(m)
		return m
	}
	noKid := rs
	noKid.kid = ""
	wrongAlgKid := rs // an RSA key's id with an ECDSA signature
	wrongAlgKid.priv, wrongAlgKid.alg = es.priv, es.alg
	cases := []struct {
		name, doc string
		key       testKey
		claims    map[string]any
		want      Expect
		kind      Kind
		msg       string // "" when the token verifies
		audience  string
	}{
		{name: "RS256", doc: docOIDC, key: rs, claims: claimsAt(testIssuer, testClient, now), audience: testClient},
		{name: "ES256", doc: docOIDC, key: es, claims: claimsAt(testIssuer, testClient, now), audience: testClient},
		{name: "ES384", doc: docOIDC, key: es384, claims: claimsAt(testIssuer, testClient, now), audience: testClient},
		{name: "no kid: any fitting key", doc: docOIDC, key: noKid, claims: claimsAt(testIssuer, testClient, now), audience: testClient},
		{name: "provider URL given with its scheme", doc: docOIDC, key: rs, claims: claimsAt(testIssuer, testClient, now),
			want: Expect{Issuer: testIssuer, ClientIDs: []string{testClient}}, audience: testClient},
		{name: "iss with a trailing slash and an upper-case host", doc: docOIDC, key: rs,
			claims: with(func(m map[string]any) { m["iss"] = "https://IDP.example.com/tenant-1/" }), audience: testClient},
		{name: "aud as a list", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["aud"] = []string{"x", testClient} }), audience: testClient},
		{name: "azp among the client ids", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["aud"] = "something-else"; m["azp"] = testClient }), audience: testClient},
		{name: "wrong audience", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["aud"] = "not-registered" }), kind: Invalid, msg: "Incorrect token audience"},
		{name: "no audience", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { delete(m, "aud") }), kind: Invalid, msg: "Incorrect token audience"},
		{name: "another issuer", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["iss"] = "https://idp.example.com/tenant-2" }), kind: Invalid,
			msg: "No OpenIDConnect provider found in your account for https://idp.example.com/tenant-2"},
		{name: "signed by a key not in the set", doc: docAPI, key: rs2,
			claims: claimsAt(testIssuer, testClient, now), kind: KeysUnavailable, msg: msgNoKey},
		{name: "signed by another key under a known kid", doc: docAPI, key: testKey{kid: "rsa-1", alg: jose.RS256, priv: rs2.priv},
			claims: claimsAt(testIssuer, testClient, now), kind: Invalid, msg: msgInvalid},
		{name: "kid of a key of another type", doc: docAPI, key: wrongAlgKid,
			claims: claimsAt(testIssuer, testClient, now), kind: KeysUnavailable, msg: msgNoKey},
		{name: "expired", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["exp"] = now.Add(-time.Second).Unix() }), kind: Expired,
			msg: "Token expired: current date/time " + strconv.FormatInt(now.Unix(), 10) + " must be before the expiration date/time " + strconv.FormatInt(now.Unix()-1, 10)},
		{name: "expiring now", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["exp"] = now.Unix() }), kind: Expired,
			msg: "Token expired: current date/time " + strconv.FormatInt(now.Unix(), 10) + " must be before the expiration date/time " + strconv.FormatInt(now.Unix(), 10)},
		{name: "no exp", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { delete(m, "exp") }), kind: Invalid, msg: msgInvalid},
		{name: "nbf in the future", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["nbf"] = now.Add(10 * time.Minute).Unix() }), kind: Invalid, msg: msgInvalid},
		{name: "iat in the future", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["iat"] = now.Add(10 * time.Minute).Unix() }), kind: Invalid, msg: msgInvalid},
		{name: "iat within the skew", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["iat"] = now.Add(time.Minute).Unix() }), audience: testClient},
		{name: "fractional dates", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { m["exp"] = float64(now.Unix()) + 0.5 }), audience: testClient},
		{name: "no sub", doc: docAPI, key: rs,
			claims: with(func(m map[string]any) { delete(m, "sub") }), kind: Invalid, msg: msgInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.want
			if w.Issuer == "" {
				w = want
			}
			got, err := verify(v, sign(t, tc.key, tc.claims), w)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("%s: %v", tc.doc, err)
				}
				if got.MatchedAudience != tc.audience || got.Subject != "repo:octo/app:ref:refs/heads/main" {
					t.Fatalf("%s: claims %+v", tc.doc, got)
				}
				return
			}
			kind, msg, ok := kindOf(err)
			if !ok || kind != tc.kind || msg != tc.msg {
				t.Fatalf("%s: got %v (%v %q), want %v %q", tc.doc, err, kind, msg, tc.kind, tc.msg)
			}
		})
	}
}

// TestParseRefuses: tokens that are not JWS compact JWTs with an accepted
// algorithm and well-typed claims are InvalidIdentityToken before any key is
// looked at.
func TestParseRefuses(t *testing.T) {
	rs, _, _, _ := keys(t)
	now := newClock().Now()
	b64 := base64.RawURLEncoding.EncodeToString
	hs256 := func(claims string) string {
		h := b64([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + b64([]byte(claims))
		m := hmac.New(sha256.New, []byte("secret"))
		m.Write([]byte(h))
		return h + "." + b64(m.Sum(nil))
	}
	good := sign(t, rs, claimsAt(testIssuer, testClient, now))
	parts := strings.Split(good, ".")
	withPayload := func(p string) string { return parts[0] + "." + b64([]byte(p)) + "." + parts[2] }
	cases := map[string]string{
		"empty":              "",
		"garbage":            "not a token",
		"two parts":          parts[0] + "." + parts[1],
		"alg none":           b64([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".",
		"HS256":              hs256(`{"iss":"` + testIssuer + `"}`),
		"payload not JSON":   withPayload("hello"),
		"payload an array":   withPayload(`["iss"]`),
		"iss not a string":   withPayload(`{"iss":1}`),
		"iss http":           withPayload(`{"iss":"http://idp.example.com"}`),
		"iss with a query":   withPayload(`{"iss":"https://idp.example.com/?a=b"}`),
		"no iss":             withPayload(`{"sub":"x"}`),
		"aud a number":       withPayload(`{"iss":"` + testIssuer + `","aud":5}`),
		"exp a string":       withPayload(`{"iss":"` + testIssuer + `","exp":"tomorrow"}`),
		"exp out of range":   withPayload(`{"iss":"` + testIssuer + `","exp":1e300}`),
		"exp negative":       withPayload(`{"iss":"` + testIssuer + `","exp":-5}`),
		"too long":           good + strings.Repeat("A", maxTokenBytes),
		"JSON serialization": `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`,
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tok)
			if kind, msg, ok := kindOf(err); !ok || kind != Invalid || msg != msgInvalid {
				t.Fatalf("%s: Parse = %v, want InvalidIdentityToken", docAPI, err)
			}
		})
	}
	if _, err := Parse(good); err != nil {
		t.Fatalf("the well-formed token: %v", err)
	}
}

// TestEmbeddedKeyIgnored: a key carried in the token's own header is never
// used; only the issuer's key set counts.
func TestEmbeddedKeyIgnored(t *testing.T) {
	rs, _, _, rs2 := keys(t)
	c := newClock()
	v := staticVerifier(t, c, rs)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: rs2.priv},
		(&jose.SignerOptions{EmbedJWK: true}).WithHeader("kid", "rsa-1"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claimsAt(testIssuer, testClient, c.Now()))
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := obj.CompactSerialize()
	_, err = verify(v, tok, Expect{Issuer: testIssuer, ClientIDs: []string{testClient}})
	if kind, _, ok := kindOf(err); !ok || kind != Invalid {
		t.Fatalf("token signed by its embedded key: %v", err)
	}
}

func TestClaimsString(t *testing.T) {
	c, err := parseClaims([]byte(`{"iss":"https://x","s":"text","n":42,"f":1.5,"b":true,"no":false,"o":{},"a":[1],"z":null}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"s": "text", "n": "42", "f": "1.5", "b": "true", "no": "false"} {
		if got, ok := c.String(name); !ok || got != want {
			t.Errorf("String(%q) = %q %v, want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"o", "a", "z", "missing"} {
		if got, ok := c.String(name); ok {
			t.Errorf("String(%q) = %q, want none", name, got)
		}
	}
}

// TestIssuerName: the provider is named by host and path, as IAM names
// OIDC providers (arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH).
func TestIssuerName(t *testing.T) {
	for in, want := range map[string]string{
		"https://token.actions.githubusercontent.com":    "token.actions.githubusercontent.com",
		"https://Example.COM/a/b/":                       "example.com/a/b",
		"https://oidc.eks.us-east-1.amazonaws.com/id/AB": "oidc.eks.us-east-1.amazonaws.com/id/AB",
		"https://127.0.0.1:8443":                         "127.0.0.1:8443",
		"http://example.com":                             "",
		"example.com":                                    "",
		"https://example.com?x":                          "",
		"https://u@example.com":                          "",
		"https://example.com#f":                          "",
		"https:":                                         "",
	} {
		got, ok := IssuerName(in)
		if got != want || ok != (want != "") {
			t.Errorf("IssuerName(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

func TestNewRefusesBadKeySets(t *testing.T) {
	_, es, _, _ := keys(t)
	priv, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: es.priv, KeyID: "p"}}})
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{
		"not JSON":             []byte("nope"),
		"no keys":              []byte(`{"keys":[]}`),
		"only a private key":   priv,
		"only a symmetric key": []byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}`),
		"only an encryption key": func() []byte {
			b, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: es.priv.Public(), KeyID: "e", Use: "enc"}}})
			return b
		}(),
	} {
		if _, err := New(Options{KeySets: map[string][]byte{testIssuer: doc}}); err == nil {
			t.Errorf("%s: New accepted the key set", name)
		}
	}
	if _, err := New(Options{KeySets: map[string][]byte{"http://plain.example.com": jwks(t, es)}}); err == nil {
		t.Error("New accepted an http issuer")
	}
	// An issuer given without its scheme is taken as https; unknown key
	// types beside a usable key are skipped.
	doc := `{"keys":[{"kty":"OKP","crv":"X448","x":"AAAA"},` + strings.TrimPrefix(string(jwks(t, es)), `{"keys":[`)
	v, err := New(Options{KeySets: map[string][]byte{"idp.example.com/tenant-1": []byte(doc)}, Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verify(v, sign(t, es, claimsAt(testIssuer, testClient, newClock().Now())), Expect{Issuer: testIssuer, ClientIDs: []string{testClient}}); err != nil {
		t.Fatal(err)
	}
}
