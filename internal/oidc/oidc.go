// Package oidc verifies OpenID Connect ID tokens (signed JWTs) the way AWS
// STS does for AssumeRoleWithWebIdentity: the signature against the
// issuer's JSON Web Key Set, the issuer against the IAM OIDC provider, the
// audience against the provider's client ids, and the token's times.
//
// Keys come either from a JWKS document configured for the issuer (offline
// use) or from the issuer itself: ISSUER/.well-known/openid-configuration
// names the jwks_uri, whose key set is then cached for a while. Fetches are
// bounded in time and size.
//
// The specification is the STS API Reference,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html,
// the IAM User Guide's "Create an OpenID Connect (OIDC) identity provider in
// IAM", RFC 7519 (JWT), RFC 7517 (JWK) and OpenID Connect Discovery 1.0.
package oidc

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultCacheTTL         = time.Hour
	DefaultFetchTimeout     = 5 * time.Second
	DefaultMaxDocumentBytes = 512 << 10
	DefaultSkew             = 5 * time.Minute
)

// Kind classifies a verification failure as STS reports it.
type Kind uint8

// Kinds of failure.
const (
	// Invalid: the token is malformed, its signature does not verify, or a
	// claim is wrong (InvalidIdentityToken).
	Invalid Kind = iota
	// Expired: the token's exp has passed (ExpiredTokenException).
	Expired
	// KeysUnavailable: no key to verify the token with could be had from
	// the issuer (InvalidIdentityToken, with AWS's "Couldn't retrieve
	// verification key" message).
	KeysUnavailable
	// Unreachable: the issuer could not be reached, or failed on its side
	// (IDPCommunicationError, which SDKs retry).
	Unreachable
)

func (k Kind) String() string {
	return [...]string{"Invalid", "Expired", "KeysUnavailable", "Unreachable"}[k]
}

// AWS's messages.
const (
	// msgInvalid is the text of InvalidIdentityTokenException in the STS
	// API Reference.
	msgInvalid = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	// msgNoKey is what STS answers when it cannot get the issuer's keys,
	// with its two spaces after the comma.
	msgNoKey    = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	msgAudience = "Incorrect token audience"
	// msgUnreachable: AWS's text for IDPCommunicationError is not
	// published; this one says what happened.
	msgUnreachable = "The identity provider could not be reached to verify the web identity token. Retry the request."
)

// Error is a verification failure: Message is what the caller is told
// (AWS's text); Err, when set, is the underlying cause, for logs.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Kind.String() + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Kind.String() + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func invalid(err error) *Error { return &Error{Kind: Invalid, Message: msgInvalid, Err: err} }

// Options configure a Verifier. Zero values take the defaults.
type Options struct {
	// KeySets maps issuers (https://host/path; the scheme may be left out)
	// to JWKS documents. The keys of a listed issuer are never fetched.
	KeySets map[string][]byte
	// HTTPClient fetches discovery documents and key sets; default a client
	// of its own. Its redirects are limited to https.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger reports fetch failures; default discards.
	Logger *slog.Logger
	// CacheTTL is how long a fetched key set is used before it is fetched
	// again; default one hour. A token whose key id is not in the cached
	// set causes a fetch once the set is a minute old (key rotation).
	CacheTTL time.Duration
	// FetchTimeout bounds each HTTP request; default 5 seconds.
	FetchTimeout time.Duration
	// MaxDocumentBytes bounds a fetched document; default 512 KiB.
	MaxDocumentBytes int64
	// Skew is the clock skew allowed on iat and nbf; default 5 minutes.
	Skew time.Duration
}

// Verifier verifies ID tokens. It is safe for concurrent use.
type Verifier struct {
	opt    Options
	static map[string]*keySet // issuer name (host/path) → keys

	mu    sync.Mutex
	cache map[string]*cacheEntry // issuer URL → fetched keys
}

// New returns a Verifier; it fails when a configured key set is not a JWKS
// with at least one usable public key.
func New(opt Options) (*Verifier, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.CacheTTL <= 0 {
		opt.CacheTTL = DefaultCacheTTL
	}
	if opt.FetchTimeout <= 0 {
		opt.FetchTimeout = DefaultFetchTimeout
	}
	if opt.MaxDocumentBytes <= 0 {
		opt.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if opt.Skew <= 0 {
		opt.Skew = DefaultSkew
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: opt.FetchTimeout}
	}
	v := &Verifier{opt: opt, static: map[string]*keySet{}, cache: map[string]*cacheEntry{}}
	for iss, doc := range opt.KeySets {
		name, ok := providerName(iss)
		if !ok {
			return nil, fmt.Errorf("oidc: key set for %q: not an https issuer URL", iss)
		}
		ks, err := parseKeySet(doc)
		if err != nil {
			return nil, fmt.Errorf("oidc: key set for %s: %w", iss, err)
		}
		v.static[name] = ks
	}
	return v, nil
}

// providerName names the provider of an issuer given as an https URL or,
// as IAM reports provider URLs, without its scheme.
func providerName(s string) (string, bool) {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	return IssuerName(s)
}

// Expect is what a token must match: the IAM OIDC provider's issuer and
// client ids.
type Expect struct {
	// Issuer is the provider's URL as IAM reports it (host and path,
	// without the scheme) or as a full https URL.
	Issuer string
	// ClientIDs are the audiences the provider accepts.
	ClientIDs []string
}

// Verify checks a parsed token: its issuer, its signature against the
// issuer's keys, its times, its subject and its audience, in that order. It
// returns the token's claims, or an *Error.
func (v *Verifier) Verify(ctx context.Context, tok *Token, want Expect) (*Claims, error) {
	wantName, ok := providerName(want.Issuer)
	gotName, gotOK := IssuerName(tok.claims.Issuer)
	if !ok || !gotOK || gotName != wantName {
		return nil, &Error{Kind: Invalid, Message: "No OpenIDConnect provider found in your account for " + tok.claims.Issuer}
	}
	ks, err := v.keys(ctx, tok.claims.Issuer, gotName, tok.KeyID)
	if err != nil {
		return nil, err
	}
	if err := ks.verify(tok); err != nil {
		return nil, err
	}
	c := tok.claims
	now := v.opt.Now()
	if c.Expiry.IsZero() {
		return nil, invalid(fmt.Errorf("no exp claim"))
	}
	if !now.Before(c.Expiry) {
		return nil, &Error{Kind: Expired, Message: "Token expired: current date/time " + strconv.FormatInt(now.Unix(), 10) +
			" must be before the expiration date/time " + strconv.FormatInt(c.Expiry.Unix(), 10)}
	}
	if !c.NotBefore.IsZero() && c.NotBefore.After(now.Add(v.opt.Skew)) {
		return nil, invalid(fmt.Errorf("nbf %s is in the future", c.NotBefore.UTC().Format(time.RFC3339)))
	}
	if !c.IssuedAt.IsZero() && c.IssuedAt.After(now.Add(v.opt.Skew)) {
		return nil, invalid(fmt.Errorf("iat %s is in the future", c.IssuedAt.UTC().Format(time.RFC3339)))
	}
	if c.Subject == "" {
		return nil, invalid(fmt.Errorf("no sub claim"))
	}
	// The audience: the client ids are matched against aud and, for
	// providers whose tokens name the client in azp (Google), against azp.
	switch {
	case c.AuthorizedParty != "" && slices.Contains(want.ClientIDs, c.AuthorizedParty):
		c.MatchedAudience = c.AuthorizedParty
	default:
		for _, a := range c.Audience {
			if slices.Contains(want.ClientIDs, a) {
				c.MatchedAudience = a
				break
			}
		}
	}
	if c.MatchedAudience == "" {
		return nil, &Error{Kind: Invalid, Message: msgAudience}
	}
	return &c, nil
}
