package loadgen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var testCreds = aws.Credentials{
	AccessKeyID:     "AKIDEXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}

// authRE is the Authorization header of a SigV4 header-signed request:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-request.html
var authRE = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

const amzDateFormat = "20060102T150405Z"

// signedServer is a test endpoint that checks every request's signature by
// signing the same request again, and counts what it sees.
type signedServer struct {
	*httptest.Server
	t       *testing.T
	creds   aws.Credentials
	signer  *v4.Signer
	fresh   time.Duration // when positive, X-Amz-Date must be this close to now
	failure func(n int64) bool

	requests atomic.Int64
	failed   atomic.Int64
	bad      atomic.Int64
	conns    atomic.Int64

	mu     sync.Mutex
	dates  map[string]int
	scopes map[string]int
	bodies map[string]int
	firstB string // first rejection reason
}

func newSignedServer(t *testing.T, creds aws.Credentials) *signedServer {
	s := &signedServer{
		t: t, creds: creds, signer: v4.NewSigner(), fresh: 5 * time.Second,
		dates: map[string]int{}, scopes: map[string]int{}, bodies: map[string]int{},
	}
	s.Server = httptest.NewUnstartedServer(s)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *signedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	body, _ := io.ReadAll(r.Body)
	if reason := s.check(r, body); reason != "" {
		s.bad.Add(1)
		s.mu.Lock()
		if s.firstB == "" {
			s.firstB = reason
		}
		s.mu.Unlock()
		http.Error(w, "<Error><Code>SignatureDoesNotMatch</Code></Error>", http.StatusForbidden)
		return
	}
	if s.failure != nil && s.failure(n) {
		s.failed.Add(1)
		http.Error(w, "<Error><Code>AccessDenied</Code><Message>not allowed</Message></Error>", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>")
}

// check returns why r is not correctly signed with s.creds, or "".
func (s *signedServer) check(r *http.Request, body []byte) string {
	m := authRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "Authorization header shape: " + r.Header.Get("Authorization")
	}
	akid, day, region, service, signed := m[1], m[2], m[3], m[4], strings.Split(m[5], ";")
	if akid != s.creds.AccessKeyID {
		return "access key " + akid
	}
	amzDate := r.Header.Get("X-Amz-Date")
	at, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return "X-Amz-Date: " + err.Error()
	}
	if !strings.HasPrefix(amzDate, day) {
		return "scope date " + day + " is not the day of " + amzDate
	}
	if s.fresh > 0 {
		if d := time.Since(at); d > s.fresh || d < -s.fresh {
			return fmt.Sprintf("X-Amz-Date %s is %v old", amzDate, d)
		}
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != s.creds.SessionToken {
		return "session token " + got
	}
	for _, h := range []string{"host", "x-amz-date"} {
		if !contains(signed, h) {
			return "unsigned " + h
		}
	}
	// Sign a copy of the request carrying only the signed headers; the
	// signature must come out the same.
	u := "http://" + r.Host + r.URL.RequestURI()
	again, err := http.NewRequest(r.Method, u, bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	for _, h := range signed {
		if h != "host" && h != "content-length" {
			again.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	if err := s.signer.SignHTTP(context.Background(), s.creds, again, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		return err.Error()
	}
	if !hmac.Equal([]byte(again.Header.Get("Authorization")), []byte(r.Header.Get("Authorization"))) {
		return "signature mismatch: " + r.Header.Get("Authorization") + " vs " + again.Header.Get("Authorization")
	}
	s.mu.Lock()
	s.dates[amzDate]++
	s.scopes[region+"/"+service]++
	s.bodies[string(body)]++
	s.mu.Unlock()
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (s *signedServer) assertAllSigned() {
	s.t.Helper()
	if n := s.bad.Load(); n > 0 {
		s.t.Errorf("%d badly signed requests; first: %s", n, s.firstB)
	}
}

func checkLatency(t *testing.T, l Latency) {
	t.Helper()
	if l.P50 <= 0 || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.P999 || l.P999 > l.Max {
		t.Errorf("latency quantiles out of order: %+v", l)
	}
}

func TestRunDurationCountsMatchServer(t *testing.T) {
	creds := testCreds
	creds.SessionToken = "FwoGZXIvYXdzEXAMPLETOKEN"
	srv := newSignedServer(t, creds)
	res, err := Run(context.Background(), Config{
		Endpoint:    srv.URL,
		Credentials: creds,
		Region:      "eu-west-2",
		Target:      STSGetCallerIdentity(),
		Connections: 4,
		Duration:    300 * time.Millisecond,
		Warmup:      100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.assertAllSigned()
	if res.Requests == 0 || res.WarmupRequests < 2 {
		t.Fatalf("requests %d, warm-up %d", res.Requests, res.WarmupRequests)
	}
	if got := uint64(srv.requests.Load()); got != res.Requests+res.WarmupRequests {
		t.Errorf("server saw %d requests, report %d + %d warm-up", got, res.Requests, res.WarmupRequests)
	}
	if res.Errors != 0 || res.FirstError != "" || res.ErrorStatuses != nil {
		t.Errorf("errors %d %v %q", res.Errors, res.ErrorStatuses, res.FirstError)
	}
	if srv.conns.Load() != 4 || res.ConnectionsOpened != 4 || res.Connections != 4 {
		t.Errorf("server saw %d connections, report opened %d of %d", srv.conns.Load(), res.ConnectionsOpened, res.Connections)
	}
	if res.Elapsed < 290*time.Millisecond || res.Elapsed > 2*time.Second {
		t.Errorf("elapsed %v for a 300ms run", res.Elapsed)
	}
	if want := float64(res.Requests) / res.Elapsed.Seconds(); res.RequestsPerSecond != want {
		t.Errorf("rate %f, want %f", res.RequestsPerSecond, want)
	}
	checkLatency(t, res.Latency)
	if res.Target != "sts:GetCallerIdentity" || res.Endpoint != srv.URL {
		t.Errorf("target %q endpoint %q", res.Target, res.Endpoint)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.scopes) != 1 || srv.scopes["eu-west-2/sts"] == 0 {
		t.Errorf("scopes %v", srv.scopes)
	}
	if len(srv.bodies) != 1 || srv.bodies["Action=GetCallerIdentity&Version=2011-06-15"] == 0 {
		t.Errorf("bodies %v", srv.bodies)
	}
}

func TestRunRequestCountWithErrors(t *testing.T) {
	srv := newSignedServer(t, testCreds)
	// The first request (the reachability check) succeeds; every third
	// after it is refused.
	srv.failure = func(n int64) bool { return n%3 == 0 }
	res, err := Run(context.Background(), Config{
		Endpoint:    srv.URL,
		Credentials: testCreds,
		Target:      STSGetCallerIdentity(),
		Connections: 3,
		Requests:    200,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.assertAllSigned()
	if res.Requests != 200 || res.WarmupRequests != 1 {
		t.Fatalf("requests %d, warm-up %d; want 200 and 1", res.Requests, res.WarmupRequests)
	}
	if got := srv.requests.Load(); got != 201 {
		t.Errorf("server saw %d requests, want 201", got)
	}
	if res.Errors != uint64(srv.failed.Load()) || res.Errors != 67 {
		t.Errorf("errors %d, server refused %d, want 67", res.Errors, srv.failed.Load())
	}
	if res.ErrorStatuses[http.StatusForbidden] != res.Errors || len(res.ErrorStatuses) != 1 {
		t.Errorf("error statuses %v", res.ErrorStatuses)
	}
	if !strings.HasPrefix(res.FirstError, "403 Forbidden: ") || !strings.Contains(res.FirstError, "<Code>AccessDenied</Code>") {
		t.Errorf("first error %q", res.FirstError)
	}
	checkLatency(t, res.Latency)
}

// TestRunSignsEachRequest gives the generator a clock that moves a second at
// every reading, so each request must carry its own X-Amz-Date.
func TestRunSignsEachRequest(t *testing.T) {
	tests := []struct {
		name      string
		target    Target
		scope     string
		body      string
		wantQuery string
	}{
		{"sts signs for the run's region", STSGetCallerIdentity(), "ap-southeast-1/sts", "Action=GetCallerIdentity&Version=2011-06-15", ""},
		{"iam is global, signed for us-east-1", IAMGetUser("alice"), "us-east-1/iam", "Action=GetUser&UserName=alice&Version=2010-05-08", ""},
		{"iam GetUser of the caller", IAMGetUser(""), "us-east-1/iam", "Action=GetUser&Version=2010-05-08", ""},
		{"generic GET with a query", Target{
			Name: "s3:ListBuckets", Method: http.MethodGet, Path: "/?x-id=ListBuckets", Service: "s3",
			Header: http.Header{"X-Amz-Content-Sha256": {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
		}, "ap-southeast-1/s3", "", "x-id=ListBuckets"},
		{"generic JSON", Target{
			Name: "organizations:DescribeOrganization", Service: "organizations", Region: "us-east-1",
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"AWSOrganizationsV20161128.DescribeOrganization"}},
			Body:   []byte("{}"),
		}, "us-east-1/organizations", "{}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newSignedServer(t, testCreds)
			srv.fresh = 0
			var gotQuery atomic.Value
			inner := srv.Config.Handler
			srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotQuery.Store(r.URL.RawQuery)
				inner.ServeHTTP(w, r)
			})
			var mu sync.Mutex
			clock := time.Date(2026, 3, 1, 23, 59, 50, 0, time.UTC)
			now := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				clock = clock.Add(time.Second)
				return clock
			}
			res, err := Run(context.Background(), Config{
				Endpoint: srv.URL, Credentials: testCreds, Region: "ap-southeast-1",
				Target: tt.target, Connections: 1, Requests: 10, Now: now,
			})
			if err != nil {
				t.Fatal(err)
			}
			srv.assertAllSigned()
			if res.Requests != 10 || res.Errors != 0 {
				t.Fatalf("requests %d errors %d (%s)", res.Requests, res.Errors, res.FirstError)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if len(srv.dates) != 11 {
				t.Errorf("%d distinct X-Amz-Date values for 11 requests: %v", len(srv.dates), srv.dates)
			}
			// The run crosses midnight: the scope's date follows the request's.
			before, after := 0, 0
			for d, n := range srv.dates {
				if strings.HasPrefix(d, "20260301T") {
					before += n
				} else if strings.HasPrefix(d, "20260302T") {
					after += n
				}
			}
			if before == 0 || after == 0 || before+after != 11 {
				t.Errorf("signed %d before and %d after midnight: %v", before, after, srv.dates)
			}
			if srv.scopes[tt.scope] != 11 || len(srv.scopes) != 1 {
				t.Errorf("scopes %v, want %s", srv.scopes, tt.scope)
			}
			if srv.bodies[tt.body] != 11 {
				t.Errorf("bodies %v, want %q", srv.bodies, tt.body)
			}
			if q, _ := gotQuery.Load().(string); q != tt.wantQuery {
				t.Errorf("query %q, want %q", q, tt.wantQuery)
			}
		})
	}
}

func TestRunEndpointPath(t *testing.T) {
	var path atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path.Store(r.URL.Path)
	}))
	defer srv.Close()
	_, err := Run(context.Background(), Config{
		Endpoint: srv.URL + "/prefix/", Credentials: testCreds,
		Target: Target{Service: "x", Path: "/a/b", Method: http.MethodGet}, Connections: 1, Requests: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := path.Load().(string); p != "/prefix/a/b" {
		t.Errorf("path %q, want /prefix/a/b", p)
	}
}

func TestRunUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = Run(context.Background(), Config{
		Endpoint: "http://" + addr, Credentials: testCreds, Target: STSGetCallerIdentity(),
		Connections: 2, Duration: time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("err = %v, want unreachable", err)
	}
}

func TestRunInvalidConfig(t *testing.T) {
	ok := Config{Endpoint: "http://127.0.0.1:1", Credentials: testCreds, Target: STSGetCallerIdentity()}
	tests := []struct {
		name   string
		change func(*Config)
	}{
		{"negative connections", func(c *Config) { c.Connections = -1 }},
		{"negative requests", func(c *Config) { c.Requests = -1 }},
		{"negative duration", func(c *Config) { c.Duration = -time.Second }},
		{"negative warm-up", func(c *Config) { c.Warmup = -time.Second }},
		{"no secret key", func(c *Config) { c.Credentials.SecretAccessKey = "" }},
		{"no access key", func(c *Config) { c.Credentials.AccessKeyID = "" }},
		{"no service", func(c *Config) { c.Target.Service = "" }},
		{"relative path", func(c *Config) { c.Target.Path = "x" }},
		{"bad query", func(c *Config) { c.Target.Path = "/?a=%zz" }},
		{"bad method", func(c *Config) { c.Target.Method = "GE T" }},
		{"ftp endpoint", func(c *Config) { c.Endpoint = "ftp://127.0.0.1" }},
		{"endpoint without host", func(c *Config) { c.Endpoint = "http://" }},
		{"endpoint with query", func(c *Config) { c.Endpoint = "http://127.0.0.1/?a=b" }},
		{"unparsable endpoint", func(c *Config) { c.Endpoint = "http://[::1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.change(&cfg)
			if _, err := Run(context.Background(), cfg); err == nil || strings.Contains(err.Error(), "unreachable") {
				t.Errorf("err = %v, want a configuration error", err)
			}
		})
	}
}

func TestRunInterrupted(t *testing.T) {
	srv := newSignedServer(t, testCreds)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	begin := time.Now()
	res, err := Run(ctx, Config{
		Endpoint: srv.URL, Credentials: testCreds, Target: STSGetCallerIdentity(),
		Connections: 2, Duration: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("interrupted run took %v", took)
	}
	if !res.Interrupted || res.Requests == 0 || res.Errors != 0 {
		t.Errorf("interrupted %v, requests %d, errors %d (%s)", res.Interrupted, res.Requests, res.Errors, res.FirstError)
	}
}

// TestRunServerClosesConnections checks that connections the server closes
// are counted as opened again.
func TestRunServerClosesConnections(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{
		Endpoint: srv.URL, Credentials: testCreds, Target: STSGetCallerIdentity(),
		Connections: 2, Requests: 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ConnectionsOpened != 21 {
		t.Errorf("opened %d connections for 21 requests over closing connections", res.ConnectionsOpened)
	}
}

func TestProgress(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprint("terminal=", tty), func(t *testing.T) {
			srv := newSignedServer(t, testCreds)
			var out bytes.Buffer
			_, err := Run(context.Background(), Config{
				Endpoint: srv.URL, Credentials: testCreds, Target: STSGetCallerIdentity(),
				Connections: 2, Duration: 250 * time.Millisecond, Warmup: 100 * time.Millisecond,
				Progress: &out, ProgressTerminal: tty, ProgressInterval: 40 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			s := out.String()
			lineRE := regexp.MustCompile(`^ *\d+\.\ds (warm-up|run) +\d+ requests, \d+ errors, \d+ req/s$`)
			var lines []string
			if tty {
				if !strings.HasPrefix(s, "\r") || !strings.HasSuffix(s, "\x1b[K\n") || strings.Count(s, "\n") != 1 {
					t.Fatalf("terminal progress %q", s)
				}
				for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\r")[1:] {
					lines = append(lines, strings.TrimSuffix(l, "\x1b[K"))
				}
			} else {
				if strings.Contains(s, "\r") {
					t.Fatalf("carriage return in plain progress %q", s)
				}
				lines = strings.Split(strings.TrimSuffix(s, "\n"), "\n")
			}
			if len(lines) < 4 {
				t.Fatalf("%d progress lines: %q", len(lines), s)
			}
			for _, l := range lines {
				if !lineRE.MatchString(l) {
					t.Errorf("progress line %q", l)
				}
			}
			if !strings.Contains(lines[0], "warm-up") || !strings.Contains(lines[len(lines)-1], " run ") {
				t.Errorf("phases: first %q, last %q", lines[0], lines[len(lines)-1])
			}
		})
	}
}

// BenchmarkSign is the generator's own cost of preparing one request: a body
// reader, and signing afresh.
func BenchmarkSign(b *testing.B) {
	cfg, base, err := withDefaults(Config{Credentials: testCreds, Target: STSGetCallerIdentity()})
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(cfg.Target.Body)
	r := &run{now: time.Now, signer: v4.NewSigner(), creds: testCreds, service: "sts", region: "us-east-1",
		body: cfg.Target.Body, payloadHash: hex.EncodeToString(sum[:])}
	w, err := newWorker(context.Background(), r, &cfg, base)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		w.req.Body = io.NopCloser(bytes.NewReader(r.body))
		if err := r.signer.SignHTTP(ctx, r.creds, w.req, r.payloadHash, r.service, r.region, r.now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequest is one signed request and its response over a keep-alive
// loopback connection to a minimal handler: the generator's cost plus
// net/http's on both sides.
func BenchmarkRequest(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	cfg, base, err := withDefaults(Config{Endpoint: srv.URL, Credentials: testCreds, Target: STSGetCallerIdentity()})
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(cfg.Target.Body)
	r := &run{now: time.Now, signer: v4.NewSigner(), creds: testCreds, service: "sts", region: "us-east-1",
		body: cfg.Target.Body, payloadHash: hex.EncodeToString(sum[:])}
	ctx := context.Background()
	w, err := newWorker(ctx, r, &cfg, base)
	if err != nil {
		b.Fatal(err)
	}
	defer w.tr.CloseIdleConnections()
	b.ReportAllocs()
	for b.Loop() {
		status, _, _, err := w.do(ctx, r.now())
		if err != nil || status != http.StatusOK {
			b.Fatal(status, err)
		}
	}
}
