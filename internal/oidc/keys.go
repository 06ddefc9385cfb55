package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Limits of key handling.
const (
	// maxKeys bounds the keys kept of one set.
	maxKeys = 100
	// minRefresh is how old a cached set must be before a token with an
	// unknown key id makes it fetched again.
	minRefresh = time.Minute
	// retryAfter is how long a failed fetch is remembered, so that a
	// failing issuer is not asked on every request.
	retryAfter = 10 * time.Second
	// maxStale is how long a set past its TTL is still used when the
	// issuer cannot be reached.
	maxStale = 24 * time.Hour
	// maxIssuers bounds the cache; it is emptied when full.
	maxIssuers = 1024
)

// keySet is the usable keys of a JWKS: public RSA and ECDSA signing keys.
type keySet struct {
	keys []jose.JSONWebKey
}

// parseKeySet parses a JWKS document (RFC 7517 section 5). Keys of types it
// does not use, private and symmetric keys, and encryption keys are left
// out ("Implementations SHOULD ignore JWKs within a JWK Set that use "kty"
// (key type) values that are not understood by them", section 5); a set
// left empty is an error.
func parseKeySet(doc []byte) (*keySet, error) {
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("not a JWKS: %w", err)
	}
	ks := &keySet{}
	for _, r := range raw.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(r); err != nil {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
		default:
			continue // private, symmetric, or of a type tokens are not signed with here
		}
		ks.keys = append(ks.keys, k)
		if len(ks.keys) == maxKeys {
			break
		}
	}
	if len(ks.keys) == 0 {
		return nil, errors.New("no usable public signing key in the JWKS")
	}
	return ks, nil
}

// has reports whether the set has a key with the id.
func (ks *keySet) has(kid string) bool {
	for i := range ks.keys {
		if ks.keys[i].KeyID == kid {
			return true
		}
	}
	return false
}

// fits reports whether a key can check a signature made with alg.
func fits(k *jose.JSONWebKey, alg string) bool {
	if k.Algorithm != "" && k.Algorithm != alg {
		return false
	}
	switch pub := k.Key.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS")
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return pub.Curve == elliptic.P256()
		case "ES384":
			return pub.Curve == elliptic.P384()
		case "ES512":
			return pub.Curve == elliptic.P521()
		}
	}
	return false
}

// verify checks the token's signature with the key its kid names (any
// fitting key when it names none).
func (ks *keySet) verify(tok *Token) error {
	tried := false
	for i := range ks.keys {
		k := &ks.keys[i]
		if (tok.KeyID != "" && k.KeyID != tok.KeyID) || !fits(k, tok.Algorithm) {
			continue
		}
		tried = true
		if _, err := tok.jws.Verify(k.Key); err == nil {
			return nil
		}
	}
	if !tried {
		return &Error{Kind: KeysUnavailable, Message: msgNoKey, Err: fmt.Errorf("no key for kid %q and alg %s", tok.KeyID, tok.Algorithm)}
	}
	return invalid(errors.New("signature does not verify"))
}

// cacheEntry holds the fetched keys of one issuer. Its lock is held while
// fetching, so that one request fetches and the others wait for it.
type cacheEntry struct {
	mu       chan struct{} // a lock that a waiting request can give up on
	keys     *keySet
	fetched  time.Time
	failure  error
	failedAt time.Time
}

func (e *cacheEntry) lock(ctx context.Context) error {
	select {
	case e.mu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *cacheEntry) unlock() { <-e.mu }

func (v *Verifier) entry(iss string) *cacheEntry {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.cache[iss]
	if e == nil {
		if len(v.cache) >= maxIssuers {
			clear(v.cache)
		}
		e = &cacheEntry{mu: make(chan struct{}, 1)}
		v.cache[iss] = e
	}
	return e
}

// keys returns the key set for a token of the issuer: the configured one,
// else the cached one, fetching it when it is missing, old, or lacks the
// token's key id.
func (v *Verifier) keys(ctx context.Context, iss, name, kid string) (*keySet, error) {
	if ks := v.static[name]; ks != nil {
		return ks, nil
	}
	e := v.entry(name)
	if err := e.lock(ctx); err != nil {
		return nil, &Error{Kind: Unreachable, Message: msgUnreachable, Err: err}
	}
	defer e.unlock()
	now := v.opt.Now()
	if e.keys != nil {
		age := now.Sub(e.fetched)
		if age < v.opt.CacheTTL && (kid == "" || e.keys.has(kid) || age < minRefresh) {
			return e.keys, nil
		}
	}
	usable := func() bool { return e.keys != nil && now.Sub(e.fetched) < maxStale }
	if e.failure != nil && now.Sub(e.failedAt) < retryAfter {
		if usable() {
			return e.keys, nil
		}
		return nil, e.failure
	}
	ks, err := v.fetch(ctx, iss)
	if err != nil {
		v.opt.Logger.Warn("fetching the keys of an OIDC issuer", "issuer", iss, "err", err)
		if ctx.Err() == nil { // the caller giving up is not the issuer's failure
			e.failure, e.failedAt = err, now
		}
		if usable() {
			return e.keys, nil
		}
		return nil, err
	}
	e.keys, e.fetched, e.failure = ks, now, nil
	return ks, nil
}

// fetch gets the issuer's key set through OpenID Connect Discovery: the
// provider configuration document at ISSUER/.well-known/openid-configuration
// names the jwks_uri (OpenID Connect Discovery 1.0, section 4).
func (v *Verifier) fetch(ctx context.Context, iss string) (*keySet, error) {
	var conf struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, strings.TrimSuffix(iss, "/")+"/.well-known/openid-configuration", &conf); err != nil {
		return nil, err
	}
	u, err := url.Parse(conf.JWKSURI)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, &Error{Kind: KeysUnavailable, Message: msgNoKey, Err: fmt.Errorf("jwks_uri %q is not an https URL", conf.JWKSURI)}
	}
	var doc json.RawMessage
	if err := v.getJSON(ctx, u.String(), &doc); err != nil {
		return nil, err
	}
	ks, err := parseKeySet(doc)
	if err != nil {
		return nil, &Error{Kind: KeysUnavailable, Message: msgNoKey, Err: fmt.Errorf("%s: %w", u.Redacted(), err)}
	}
	return ks, nil
}

// transportKind classifies a failed HTTP exchange: no answer in time, no
// name, no connection make Unreachable; anything else (a certificate that
// does not verify, a refused redirect) makes KeysUnavailable.
func transportKind(ctx context.Context, err error) Kind {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var ne net.Error
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &dnsErr) || errors.As(err, &opErr) ||
		(errors.As(err, &ne) && ne.Timeout()) {
		return Unreachable
	}
	return KeysUnavailable
}

// getJSON fetches a JSON document of bounded size within the fetch timeout.
// Network failures and server errors make Unreachable errors; any other
// answer that is not a JSON document makes KeysUnavailable.
func (v *Verifier) getJSON(ctx context.Context, target string, dst any) error {
	ctx, cancel := context.WithTimeout(ctx, v.opt.FetchTimeout)
	defer cancel()
	noKey := func(err error) error {
		return &Error{Kind: KeysUnavailable, Message: msgNoKey, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return noKey(err)
	}
	req.Header.Set("Accept", "application/json")
	client := *v.opt.HTTPClient
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if r.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s is not https", r.URL.Redacted())
		}
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		if transportKind(ctx, err) == Unreachable {
			return &Error{Kind: Unreachable, Message: msgUnreachable, Err: err}
		}
		return noKey(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return &Error{Kind: Unreachable, Message: msgUnreachable, Err: fmt.Errorf("GET %s: %s", req.URL.Redacted(), resp.Status)}
	}
	if resp.StatusCode != http.StatusOK {
		return noKey(fmt.Errorf("GET %s: %s", req.URL.Redacted(), resp.Status))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, v.opt.MaxDocumentBytes+1))
	if err != nil {
		return &Error{Kind: Unreachable, Message: msgUnreachable, Err: fmt.Errorf("GET %s: %w", req.URL.Redacted(), err)}
	}
	if int64(len(body)) > v.opt.MaxDocumentBytes {
		return noKey(fmt.Errorf("GET %s: document larger than %d bytes", req.URL.Redacted(), v.opt.MaxDocumentBytes))
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return noKey(fmt.Errorf("GET %s: %w", req.URL.Redacted(), err))
	}
	return nil
}
