package oidc

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// idp is an OpenID Connect issuer served over TLS: a discovery document and
// a JWKS, each replaceable, with request counts.
type idp struct {
	srv       *httptest.Server
	mu        sync.Mutex
	discovery func(w http.ResponseWriter, r *http.Request)
	keys      func(w http.ResponseWriter, r *http.Request)
	hits      atomic.Int64
}

func newIDP(t *testing.T, jwksDoc []byte) *idp {
	t.Helper()
	p := &idp{}
	p.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		p.mu.Lock()
		d, k := p.discovery, p.keys
		p.mu.Unlock()
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			d(w, r)
		case "/keys":
			k(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(p.srv.Close)
	p.discovery = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"issuer":"` + p.srv.URL + `","jwks_uri":"` + p.srv.URL + `/keys"}`))
	}
	p.setKeys(jwksDoc)
	return p
}

func (p *idp) setKeys(doc []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	}
}

func (p *idp) set(discovery, keys func(w http.ResponseWriter, r *http.Request)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if discovery != nil {
		p.discovery = discovery
	}
	if keys != nil {
		p.keys = keys
	}
}

func (p *idp) verifier(t *testing.T, c *clock, opt Options) *Verifier {
	t.Helper()
	opt.HTTPClient = p.srv.Client()
	opt.Now = c.Now
	v, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (p *idp) expect() Expect { return Expect{Issuer: p.srv.URL, ClientIDs: []string{testClient}} }

// TestFetchAndCache: keys come from the jwks_uri of the issuer's discovery
// document, are cached for the TTL, and fetched again when the TTL passes
// or when a token names a key id the cached set lacks (key rotation).
func TestFetchAndCache(t *testing.T) {
	rs, es, _, rs2 := keys(t)
	p := newIDP(t, jwks(t, rs, es))
	c := newClock()
	v := p.verifier(t, c, Options{CacheTTL: 30 * time.Minute})
	ok := func(k testKey) {
		t.Helper()
		if _, err := verify(v, sign(t, k, claimsAt(p.srv.URL, testClient, c.Now())), p.expect()); err != nil {
			t.Fatalf("%s: %v", docOIDC, err)
		}
	}
	ok(rs)
	ok(es)
	if n := p.hits.Load(); n != 2 {
		t.Fatalf("%d requests for two tokens, want 2 (discovery and keys, once)", n)
	}
	c.Advance(31 * time.Minute)
	ok(rs)
	if n := p.hits.Load(); n != 4 {
		t.Fatalf("%d requests after the TTL, want 4", n)
	}
	// Rotation: a new key appears; a token naming it is verified once the
	// cached set is a minute old.
	p.setKeys(jwks(t, rs, es, rs2))
	_, err := verify(v, sign(t, rs2, claimsAt(p.srv.URL, testClient, c.Now())), p.expect())
	if kind, _, _ := kindOf(err); kind != KeysUnavailable {
		t.Fatalf("unknown kid in a fresh set: %v", err)
	}
	c.Advance(2 * time.Minute)
	ok(rs2)
	if n := p.hits.Load(); n != 6 {
		t.Fatalf("%d requests after rotation, want 6", n)
	}
}

// TestFetchFailures: what STS answers when the issuer's keys cannot be had.
func TestFetchFailures(t *testing.T) {
	rs, _, _, _ := keys(t)
	status := func(code int) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
	}
	body := func(s string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(s)) }
	}
	cases := []struct {
		name            string
		discovery, keys func(w http.ResponseWriter, r *http.Request)
		kind            Kind
	}{
		{name: "no discovery document", discovery: status(404), kind: KeysUnavailable},
		{name: "discovery not JSON", discovery: body("<html>"), kind: KeysUnavailable},
		{name: "no jwks_uri", discovery: body(`{"issuer":"x"}`), kind: KeysUnavailable},
		{name: "jwks_uri over http", discovery: body(`{"jwks_uri":"http://127.0.0.1:1/keys"}`), kind: KeysUnavailable},
		{name: "keys not found", keys: status(404), kind: KeysUnavailable},
		{name: "keys not a JWKS", keys: body(`{"keys":"no"}`), kind: KeysUnavailable},
		{name: "keys too large", keys: body(`{"keys":[],"pad":"` + strings.Repeat("x", 2048) + `"}`), kind: KeysUnavailable},
		{name: "server error", keys: status(503), kind: Unreachable},
		{name: "too slow", keys: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, kind: Unreachable},
		{name: "redirect to http", keys: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/keys", http.StatusFound)
		}, kind: KeysUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newIDP(t, jwks(t, rs))
			p.set(tc.discovery, tc.keys)
			c := newClock()
			v := p.verifier(t, c, Options{FetchTimeout: 200 * time.Millisecond, MaxDocumentBytes: 1024})
			_, err := verify(v, sign(t, rs, claimsAt(p.srv.URL, testClient, c.Now())), p.expect())
			kind, msg, ok := kindOf(err)
			want := map[Kind]string{KeysUnavailable: msgNoKey, Unreachable: msgUnreachable}[tc.kind]
			if !ok || kind != tc.kind || msg != want {
				t.Fatalf("%s: got %v, want %v %q", docAPI, err, tc.kind, want)
			}
		})
	}
}

// TestUnreachableIssuer: nothing listens at the issuer.
func TestUnreachableIssuer(t *testing.T) {
	rs, _, _, _ := keys(t)
	p := newIDP(t, jwks(t, rs))
	p.srv.Close()
	c := newClock()
	v := p.verifier(t, c, Options{FetchTimeout: time.Second})
	_, err := verify(v, sign(t, rs, claimsAt(p.srv.URL, testClient, c.Now())), p.expect())
	if kind, _, _ := kindOf(err); kind != Unreachable {
		t.Fatalf("closed issuer: %v", err)
	}
}

// TestFailureRemembered: a failing issuer is not asked again for a while,
// and keys past their TTL are still used while it fails.
func TestFailureRemembered(t *testing.T) {
	rs, _, _, _ := keys(t)
	p := newIDP(t, jwks(t, rs))
	c := newClock()
	v := p.verifier(t, c, Options{CacheTTL: time.Minute})
	tok := func() string { return sign(t, rs, claimsAt(p.srv.URL, testClient, c.Now())) }
	if _, err := verify(v, tok(), p.expect()); err != nil {
		t.Fatal(err)
	}
	p.set(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }, nil)
	c.Advance(2 * time.Minute)
	for range 3 {
		if _, err := verify(v, tok(), p.expect()); err != nil {
			t.Fatalf("stale keys while the issuer fails: %v", err)
		}
	}
	if n := p.hits.Load(); n != 3 {
		t.Fatalf("%d requests, want 3 (one failed refresh, remembered)", n)
	}
	c.Advance(maxStale)
	if _, err := verify(v, tok(), p.expect()); err == nil {
		t.Fatal("keys a day past their TTL used")
	}
	hits := p.hits.Load()
	if _, err := verify(v, tok(), p.expect()); err == nil || p.hits.Load() != hits {
		t.Fatalf("second try within %v: %v, %d requests", retryAfter, err, p.hits.Load()-hits)
	}
}

// TestWaitingRequestGivesUp: a request waiting for another's fetch stops
// when its own context ends.
func TestWaitingRequestGivesUp(t *testing.T) {
	rs, _, _, _ := keys(t)
	release := make(chan struct{})
	p := newIDP(t, jwks(t, rs))
	p.set(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.WriteHeader(404)
	}, nil)
	c := newClock()
	v := p.verifier(t, c, Options{})
	tok, err := Parse(sign(t, rs, claimsAt(p.srv.URL, testClient, c.Now())))
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { _, err := v.Verify(context.Background(), tok, p.expect()); first <- err }()
	for p.hits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := v.Verify(ctx, tok, p.expect()); err == nil {
		t.Fatal("waiting request succeeded")
	}
	close(release)
	if err := <-first; err == nil {
		t.Fatal("first request succeeded against a 404")
	}
}
