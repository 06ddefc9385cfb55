package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/loadgen"
)

// benchAuthRE is the Authorization header of a SigV4 header-signed request:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-request.html
var benchAuthRE = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$`)

// benchServer records what the signed requests it receives carry. Their
// signatures are verified in internal/loadgen's tests.
type benchServer struct {
	*httptest.Server
	status   int
	requests atomic.Int64

	mu      sync.Mutex
	seen    map[string]int // "AKID region service" of each request
	unsign  int
	headers http.Header
	body    string
}

func newBenchServer(t *testing.T, status int) *benchServer {
	s := &benchServer{status: status, seen: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		m := benchAuthRE.FindStringSubmatch(r.Header.Get("Authorization"))
		s.mu.Lock()
		if m == nil {
			s.unsign++
		} else {
			s.seen[m[1]+" "+m[2]+" "+m[3]]++
		}
		s.headers, s.body = r.Header.Clone(), string(body)
		if m != nil {
			s.headers.Set("X-Signed-Headers", m[4])
		}
		s.mu.Unlock()
		if s.status != http.StatusOK {
			http.Error(w, "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>", s.status)
			return
		}
		io.WriteString(w, "<GetCallerIdentityResponse/>")
	}))
	t.Cleanup(s.Close)
	return s
}

func runBenchCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newBenchCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// clearAWSEnv keeps the developer's AWS settings out of a test.
func clearAWSEnv(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
}

func decodeResult(t *testing.T, out string) loadgen.Result {
	t.Helper()
	var res loadgen.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output %q: %v", out, err)
	}
	return res
}

func TestBenchKeyFlagsJSON(t *testing.T) {
	clearAWSEnv(t)
	srv := newBenchServer(t, http.StatusOK)
	out, _, err := runBenchCLI(t, "--endpoint", srv.URL, "--access-key", "AKIAEXAMPLE", "--secret-key", "secret",
		"--region", "eu-west-3", "--requests", "50", "--warmup", "0", "--connections", "2", "--json")
	if err != nil {
		t.Fatal(err)
	}
	res := decodeResult(t, out)
	if res.Requests != 50 || res.Errors != 0 || res.Connections != 2 || res.Target != "sts:GetCallerIdentity" {
		t.Errorf("result %+v", res)
	}
	if got := uint64(srv.requests.Load()); got != res.Requests+res.WarmupRequests {
		t.Errorf("server saw %d, report %d + %d", got, res.Requests, res.WarmupRequests)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.unsign != 0 || srv.seen["AKIAEXAMPLE eu-west-3 sts"] != 51 {
		t.Errorf("unsigned %d, seen %v", srv.unsign, srv.seen)
	}
}

// TestBenchProfile takes credentials, region and endpoint from a profile of
// the shared config files:
// https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
func TestBenchProfile(t *testing.T) {
	clearAWSEnv(t)
	srv := newBenchServer(t, http.StatusOK)
	dir := t.TempDir()
	conf := writeFile(t, dir, "config", "[default]\nregion = us-west-2\n\n[profile bench]\nregion = eu-central-1\nendpoint_url = "+srv.URL+"\n")
	creds := writeFile(t, dir, "credentials", "[bench]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s3cret\naws_session_token = TOKEN\n")
	t.Setenv("AWS_CONFIG_FILE", conf)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)

	out, _, err := runBenchCLI(t, "--profile", "bench", "--requests", "10", "--warmup", "0", "--connections", "1", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if res := decodeResult(t, out); res.Requests != 10 || res.Endpoint != srv.URL {
		t.Errorf("result %+v", res)
	}
	srv.mu.Lock()
	if srv.seen["AKIAPROFILE eu-central-1 sts"] != 11 || srv.headers.Get("X-Amz-Security-Token") != "TOKEN" {
		t.Errorf("seen %v, token %q", srv.seen, srv.headers.Get("X-Amz-Security-Token"))
	}
	srv.mu.Unlock()

	// Flags win over the profile's region; IAM stays in us-east-1.
	other := newBenchServer(t, http.StatusOK)
	if _, _, err := runBenchCLI(t, "--profile", "bench", "--endpoint", other.URL, "--region", "ap-south-1",
		"--target", "iam:GetUser", "--user-name", "bob", "--requests", "3", "--warmup", "0", "--json"); err != nil {
		t.Fatal(err)
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if other.seen["AKIAPROFILE us-east-1 iam"] != 4 || other.body != "Action=GetUser&UserName=bob&Version=2010-05-08" {
		t.Errorf("seen %v, body %q", other.seen, other.body)
	}
}

func TestBenchNoCredentials(t *testing.T) {
	clearAWSEnv(t)
	_, _, err := runBenchCLI(t, "--endpoint", "http://127.0.0.1:1", "--requests", "1")
	if err == nil {
		t.Fatal("ran without credentials")
	}
}

func TestBenchCustomTarget(t *testing.T) {
	clearAWSEnv(t)
	srv := newBenchServer(t, http.StatusOK)
	out, _, err := runBenchCLI(t, "--endpoint", srv.URL, "--access-key", "AKIAEXAMPLE", "--secret-key", "secret",
		"--target", "custom", "--service", "organizations", "--content-type", "application/x-amz-json-1.1",
		"--header", "X-Amz-Target: AWSOrganizationsV20161128.DescribeOrganization", "--body", "{}",
		"--requests", "5", "--warmup", "0", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if res := decodeResult(t, out); res.Requests != 5 || res.Target != "organizations POST /" {
		t.Errorf("result %+v", res)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.seen["AKIAEXAMPLE us-east-1 organizations"] != 6 || srv.body != "{}" ||
		srv.headers.Get("X-Amz-Target") != "AWSOrganizationsV20161128.DescribeOrganization" ||
		srv.headers.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Errorf("seen %v, body %q, headers %v", srv.seen, srv.body, srv.headers)
	}
	if sh := srv.headers.Get("X-Signed-Headers"); sh != "content-length;content-type;host;x-amz-date;x-amz-target" {
		t.Errorf("signed headers %q", sh)
	}
}

func TestBenchTextWithErrors(t *testing.T) {
	clearAWSEnv(t)
	srv := newBenchServer(t, http.StatusForbidden)
	out, _, err := runBenchCLI(t, "--endpoint", srv.URL, "--access-key", "AKIAEXAMPLE", "--secret-key", "secret",
		"--duration", "200ms", "--warmup", "50ms", "--connections", "2")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^target       sts:GetCallerIdentity at ` + regexp.QuoteMeta(srv.URL) + `$`),
		regexp.MustCompile(`^connections  2 \(2 opened\)$`),
		regexp.MustCompile(`^requests     (\d+) in 0\.\d\ds \(\d+ more in warm-up, not counted\)$`),
		regexp.MustCompile(`^errors       (\d+) \(403: (\d+)\)$`),
		regexp.MustCompile(`^throughput   \d+ requests/s$`),
		regexp.MustCompile(`^latency      p50 [0-9.]+(µs|ms|s)  p90 \S+  p99 \S+  p99\.9 \S+  max \S+  mean \S+$`),
		regexp.MustCompile(`^first error  403 Forbidden: <ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>$`),
	}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", out)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("line %d %q does not match %s", i, lines[i], re)
		}
	}
	reqs := want[2].FindStringSubmatch(lines[2])
	errs := want[3].FindStringSubmatch(lines[3])
	if reqs == nil || errs == nil || reqs[1] != errs[1] || errs[1] != errs[2] || reqs[1] == "0" {
		t.Errorf("every request should be an error:\n%s", out)
	}
}

func TestBenchFlagErrors(t *testing.T) {
	clearAWSEnv(t)
	keys := []string{"--endpoint", "http://127.0.0.1:1", "--access-key", "AK", "--secret-key", "SK"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown target", []string{"--target", "s3:GetObject"}, "unknown --target"},
		{"custom without service", []string{"--target", "custom"}, "needs --service"},
		{"custom flags on sts", []string{"--service", "iam"}, "need another --target"},
		{"user name on sts", []string{"--user-name", "bob"}, "need another --target"},
		{"user name on custom", []string{"--target", "custom", "--service", "x", "--user-name", "bob"}, "--user-name is for"},
		{"custom flags on iam", []string{"--target", "iam:GetUser", "--body", "x"}, "need --target custom"},
		{"header without colon", []string{"--target", "custom", "--service", "x", "--header", "X-Foo"}, `want "Name: value"`},
		{"no connections", []string{"--connections", "0"}, "--connections must be positive"},
		{"no duration", []string{"--duration", "0s"}, "--duration must be positive"},
		{"negative requests", []string{"--requests", "-1"}, "--requests must not be negative"},
		{"unreachable", nil, "unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runBenchCLI(t, append(append([]string{}, keys...), tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, _, err := runBenchCLI(t, "--access-key", "AK"); err == nil || !strings.Contains(err.Error(), "go together") {
		t.Errorf("access key alone: %v", err)
	}
	if _, _, err := runBenchCLI(t, "--access-key", "AK", "--secret-key", "SK", "--profile", "p"); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("keys and profile: %v", err)
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		in, name, value string
		ok              bool
	}{
		{"X-Amz-Target: A.B", "X-Amz-Target", "A.B", true},
		{"x-amz-target:A.B  ", "X-Amz-Target", "A.B", true},
		{"Accept: a: b", "Accept", "a: b", true},
		{"Empty:", "Empty", "", true},
		{"NoColon", "", "", false},
		{": v", "", "", false},
		{"Bad Name: v", "", "", false},
		{"X: a\nb", "", "", false},
		{"X: a\x7f", "", "", false},
	}
	for _, tt := range tests {
		name, value, err := parseHeader(tt.in)
		if (err == nil) != tt.ok || name != tt.name || value != tt.value {
			t.Errorf("parseHeader(%q) = %q, %q, %v", tt.in, name, value, err)
		}
	}
}

// FuzzParseHeader checks that an accepted header round-trips and reads back
// the same through net/textproto, as a server would read it.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{"X-Amz-Target: A.B", "a:b", "Bad Name: v", ":", "X: \t v \t", "X: a\r\nY: b", "Ü: v", "X: é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, value, err := parseHeader(s)
		if err != nil {
			return
		}
		if name == "" || name != http.CanonicalHeaderKey(name) {
			t.Fatalf("name %q", name)
		}
		n2, v2, err := parseHeader(name + ": " + value)
		if err != nil || n2 != name || v2 != value {
			t.Fatalf("round trip of %q: %q %q %v", s, n2, v2, err)
		}
		h, err := textproto.NewReader(bufio.NewReader(strings.NewReader(name + ": " + value + "\r\n\r\n"))).ReadMIMEHeader()
		if err != nil || len(h) != 1 || len(h[name]) != 1 || h[name][0] != value {
			t.Fatalf("%q reads back as %v, %v", s, h, err)
		}
	})
}

func TestFmtLatency(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.00µs"},
		{1234, "1.23µs"},
		{56789, "56.8µs"},
		{999499, "999µs"},
		{time.Millisecond, "1.00ms"},
		{123456789, "123ms"},
		{2500 * time.Millisecond, "2.50s"},
	}
	for _, tt := range tests {
		if got := fmtLatency(tt.d); got != tt.want {
			t.Errorf("fmtLatency(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
