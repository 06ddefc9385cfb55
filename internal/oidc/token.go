package oidc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Algorithms are the JWS signature algorithms accepted: those IAM documents
// for OIDC identity providers (RSA PKCS #1 v1.5 and ECDSA, SHA-2). Tokens
// signed otherwise ("none", HMAC, ...) are refused when parsed.
var Algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

// maxTokenBytes bounds a token (the STS model allows 20,000 characters).
const maxTokenBytes = 20000

// Token is a parsed, not yet verified, JWT.
type Token struct {
	// KeyID and Algorithm are the kid and alg of the protected header.
	KeyID, Algorithm string

	jws    *jose.JSONWebSignature
	claims Claims
}

// Issuer returns the token's iss claim, unverified: it names the provider
// whose keys verify the token.
func (t *Token) Issuer() string { return t.claims.Issuer }

// Claims are a token's claims.
type Claims struct {
	Issuer   string   // iss
	Subject  string   // sub
	Audience []string // aud (a string or a list in the token)
	// AuthorizedParty is azp, the client the token was issued to.
	AuthorizedParty string
	// AMR is amr, the authentication methods.
	AMR                         []string
	Expiry, IssuedAt, NotBefore time.Time // exp, iat, nbf; zero when absent
	// MatchedAudience is the client id of the provider the token matched
	// (set by Verify).
	MatchedAudience string
	// Raw holds every claim as it appears in the token.
	Raw map[string]json.RawMessage
}

// String returns a claim that is a JSON string, number or boolean, as text.
func (c *Claims) String(name string) (string, bool) {
	raw, ok := c.Raw[name]
	if !ok {
		return "", false
	}
	return scalar(raw)
}

// scalar renders a JSON string, number or boolean as text.
func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return "", false
		}
		if b {
			return "true", true
		}
		return "false", true
	case '{', '[', 'n':
		return "", false
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return "", false
	}
	return n.String(), true
}

// Parse parses a JWT in JWS compact form without verifying it: the header
// must name an accepted algorithm and the payload must be a JSON object
// with the registered claims well typed and an https issuer.
func Parse(token string) (*Token, error) {
	if len(token) > maxTokenBytes {
		return nil, invalid(errors.New("token too long"))
	}
	jws, err := jose.ParseSignedCompact(token, Algorithms)
	if err != nil {
		return nil, invalid(err)
	}
	if len(jws.Signatures) != 1 {
		return nil, invalid(errors.New("not one signature"))
	}
	h := jws.Signatures[0].Protected
	t := &Token{KeyID: h.KeyID, Algorithm: h.Algorithm, jws: jws}
	if t.claims, err = parseClaims(jws.UnsafePayloadWithoutVerification()); err != nil {
		return nil, invalid(err)
	}
	if _, ok := IssuerName(t.claims.Issuer); !ok {
		return nil, invalid(fmt.Errorf("iss %q is not an https URL", t.claims.Issuer))
	}
	return t, nil
}

// parseClaims decodes a JWT claims set (RFC 7519 section 4.1).
func parseClaims(payload []byte) (Claims, error) {
	var c Claims
	if err := json.Unmarshal(payload, &c.Raw); err != nil {
		return Claims{}, fmt.Errorf("claims: %w", err)
	}
	if c.Raw == nil {
		return Claims{}, errors.New("claims: not an object")
	}
	str := func(name string, dst *string) error {
		raw, ok := c.Raw[name]
		if !ok {
			return nil
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return fmt.Errorf("claim %s: not a string", name)
		}
		return nil
	}
	strs := func(name string, dst *[]string) error {
		raw, ok := c.Raw[name]
		if !ok {
			return nil
		}
		var one string
		if json.Unmarshal(raw, &one) == nil {
			*dst = []string{one}
			return nil
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return fmt.Errorf("claim %s: not a string or a list of strings", name)
		}
		return nil
	}
	date := func(name string, dst *time.Time) error {
		raw, ok := c.Raw[name]
		if !ok {
			return nil
		}
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil {
			return fmt.Errorf("claim %s: not a number", name)
		}
		// NumericDate: seconds since the epoch, possibly fractional; kept
		// within years 1970-9999.
		if math.IsNaN(f) || f < 0 || f > 253402300799 {
			return fmt.Errorf("claim %s: out of range", name)
		}
		sec, frac := math.Modf(f)
		*dst = time.Unix(int64(sec), int64(frac*1e9)).UTC()
		return nil
	}
	for _, err := range []error{
		str("iss", &c.Issuer), str("sub", &c.Subject), strs("aud", &c.Audience),
		str("azp", &c.AuthorizedParty), strs("amr", &c.AMR),
		date("exp", &c.Expiry), date("iat", &c.IssuedAt), date("nbf", &c.NotBefore),
	} {
		if err != nil {
			return Claims{}, err
		}
	}
	return c, nil
}

// IssuerName returns the name IAM gives the provider of an issuer URL: the
// host in lower case and the path without a trailing slash
// ("https://Example.com/tenant/" → "example.com/tenant"). ok is false when
// iss is not an https URL with a host and no user, query or fragment.
func IssuerName(iss string) (name string, ok bool) {
	u, err := url.Parse(iss)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || u.ForceQuery {
		return "", false
	}
	return strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/"), true
}
