package server_test

// End-to-end tests of authentication through the server: SigV4 in its
// header and presigned forms, temporary credentials, access key states, and
// the awsQuery errors IAM and STS answer with (their Common Errors pages:
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/server"
)

// testClock is a controllable clock: the real time moved by an offset.
type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time { return time.Now().Add(time.Duration(c.off.Load())) }

// Advance moves the clock by d.
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// e2e is a server whose clock the test controls, with SDK clients that sign
// with that clock (so that moving it does not skew their signatures).
type e2e struct {
	*testServer
	clock *testClock
	acct  string
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	clock := new(testClock)
	ts := startWith(t, server.Config{Now: clock.Now})
	return &e2e{testServer: ts, clock: clock, acct: ts.ManagementAccount()}
}

// clockSigner signs SDK requests at the server's time.
type clockSigner struct {
	s   *v4.Signer
	now func() time.Time
}

func (c clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, opts ...func(*v4.SignerOptions)) error {
	return c.s.SignHTTP(ctx, creds, r, payloadHash, service, region, c.now(), opts...)
}

func (e *e2e) iam(c aws.Credentials) *iam.Client {
	return iam.NewFromConfig(e.config(c, "us-east-1"), func(o *iam.Options) {
		o.HTTPSignerV4 = clockSigner{v4.NewSigner(), e.clock.Now}
	})
}

func (e *e2e) sts(c aws.Credentials) *sts.Client { return e.stsIn(c, "us-east-1") }

func (e *e2e) stsIn(c aws.Credentials, region string) *sts.Client {
	return sts.NewFromConfig(e.config(c, region), func(o *sts.Options) {
		o.HTTPSignerV4 = clockSigner{v4.NewSigner(), e.clock.Now}
	})
}

// rawResponse is an HTTP answer with its awsQuery error, if any, decoded.
type rawResponse struct {
	Status    int
	Header    http.Header
	Body      string
	Code      string
	Message   string
	RequestID string // from the body
}

// queryError is the awsQuery error document.
type queryError struct {
	Error struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

var requestIDElement = regexp.MustCompile(`<RequestId>([^<]*)</RequestId>`)

// send sends req and decodes the answer.
func send(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
	if resp.StatusCode >= 300 {
		var qe queryError
		if err := xml.Unmarshal(body, &qe); err != nil {
			t.Fatalf("status %d, body not an awsQuery error: %v\n%s", resp.StatusCode, err, body)
		}
		r.Code, r.Message, r.RequestID = qe.Error.Code, qe.Error.Message, qe.RequestID
	} else if m := requestIDElement.FindStringSubmatch(r.Body); m != nil {
		r.RequestID = m[1]
	}
	return r
}

// checkRequestID checks that a response carries x-amzn-RequestId and that
// its awsQuery body carries the same id.
func (r rawResponse) checkRequestID(t *testing.T) {
	t.Helper()
	h := r.Header.Get("X-Amzn-Requestid")
	if h == "" {
		t.Errorf("no x-amzn-RequestId header (status %d)", r.Status)
	}
	if r.RequestID != h {
		t.Errorf("body RequestId %q, header %q", r.RequestID, h)
	}
}

func (r rawResponse) want(t *testing.T, status int, code string) {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("got %d %s (%s), want %d %s\n%s", r.Status, r.Code, r.Message, status, code, r.Body)
	}
	r.checkRequestID(t)
}

// queryRequest builds an unsigned awsQuery POST.
func (e *e2e) queryRequest(t *testing.T, form string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.endpoint+"/", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return req
}

// sign signs req (whose body is body) with SigV4 at time at.
func sign(t *testing.T, req *http.Request, body string, c aws.Credentials, service, region string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		t.Fatal(err)
	}
}

// signedQuery builds an awsQuery POST signed for service and region at the
// server's time.
func (e *e2e) signedQuery(t *testing.T, c aws.Credentials, service, region, form string) *http.Request {
	t.Helper()
	req := e.queryRequest(t, form)
	sign(t, req, form, c, service, region, e.clock.Now())
	return req
}

const (
	listUsers         = "Action=ListUsers&Version=2010-05-08"
	getCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15"
	msgSigMismatch    = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidToken   = "The security token included in the request is invalid."
	msgExpiredToken   = "The security token included in the request is expired"
)

// apiError returns the code and message of an SDK error.
func apiError(t *testing.T, err error) (string, string) {
	t.Helper()
	if err == nil {
		return "", ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// wantErr fails unless err is the AWS error code (and, when msg is not
// empty, has exactly that message).
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	gc, gm := apiError(t, err)
	if gc != code || msg != "" && gm != msg {
		t.Fatalf("got %v\nwant %s: %s", err, code, msg)
	}
}

// userCreds and tempCreds convert SDK access keys and STS credentials.
func userCreds(k *iamtypes.AccessKey) aws.Credentials {
	return aws.Credentials{AccessKeyID: aws.ToString(k.AccessKeyId), SecretAccessKey: aws.ToString(k.SecretAccessKey)}
}

func tempCreds(c *ststypes.Credentials) aws.Credentials {
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
}

// newUser creates a user with an inline policy (when policy is not empty)
// and an access key.
func (e *e2e) newUser(t *testing.T, name, policy string) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	c := e.iam(e.root)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return userCreds(k.AccessKey)
}

func TestSignatureFailures(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()

	t.Run("tampered signature", func(t *testing.T) {
		for _, svc := range []struct{ service, form string }{{"iam", listUsers}, {"sts", getCallerIdentity}} {
			req := e.signedQuery(t, e.root, svc.service, "us-east-1", svc.form)
			auth := req.Header.Get("Authorization")
			last := auth[len(auth)-1]
			flip := byte('0')
			if last == '0' {
				flip = '1'
			}
			req.Header.Set("Authorization", auth[:len(auth)-1]+string(flip))
			r := send(t, req)
			r.want(t, 403, "SignatureDoesNotMatch")
			if r.Message != msgSigMismatch {
				t.Errorf("%s: message %q", svc.service, r.Message)
			}
		}
	})

	t.Run("body changed after signing", func(t *testing.T) {
		req := e.signedQuery(t, e.root, "iam", "us-east-1", listUsers)
		changed := listUsers + "&MaxItems=1"
		req.Body = io.NopCloser(strings.NewReader(changed))
		req.ContentLength = int64(len(changed))
		r := send(t, req)
		r.want(t, 403, "SignatureDoesNotMatch")

		// The same with the payload hash declared (and signed) in
		// X-Amz-Content-Sha256: the body no longer matches it.
		req = e.queryRequest(t, listUsers)
		sum := sha256.Sum256([]byte(listUsers))
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		sign(t, req, listUsers, e.root, "iam", "us-east-1", e.clock.Now())
		req.Body = io.NopCloser(strings.NewReader(changed))
		req.ContentLength = int64(len(changed))
		send(t, req).want(t, 403, "SignatureDoesNotMatch")
	})

	t.Run("wrong secret", func(t *testing.T) {
		bad := e.root
		bad.SecretAccessKey = strings.Repeat("x", 40)
		_, err := e.iam(bad).ListUsers(ctx, &iam.ListUsersInput{})
		wantErr(t, err, "SignatureDoesNotMatch", msgSigMismatch)
		_, err = e.sts(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantErr(t, err, "SignatureDoesNotMatch", msgSigMismatch)
	})

	t.Run("IAM signed for us-west-2", func(t *testing.T) {
		// IAM is global: its requests are signed for us-east-1 and
		// another region is refused.
		r := send(t, e.signedQuery(t, e.root, "iam", "us-west-2", listUsers))
		r.want(t, 403, "SignatureDoesNotMatch")
		if r.Message != "Credential should be scoped to a valid region, not 'us-west-2'. " {
			t.Errorf("message %q", r.Message)
		}
	})

	t.Run("STS signed for eu-west-1", func(t *testing.T) {
		// STS is regional: any region is accepted.
		r := send(t, e.signedQuery(t, e.root, "sts", "eu-west-1", getCallerIdentity))
		if r.Status != 200 || !strings.Contains(r.Body, "<Account>"+e.acct+"</Account>") {
			t.Fatalf("STS in eu-west-1: %d\n%s", r.Status, r.Body)
		}
		r.checkRequestID(t)
		out, err := e.stsIn(e.root, "eu-west-1").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(out.Account) != e.acct {
			t.Fatalf("SDK in eu-west-1: %v", err)
		}
	})

	t.Run("service not served", func(t *testing.T) {
		r := send(t, e.signedQuery(t, e.root, "frobnicator", "us-east-1", listUsers))
		if r.Code == "" || r.Status < 400 {
			t.Fatalf("unknown service accepted: %d\n%s", r.Status, r.Body)
		}
		r.checkRequestID(t)
	})
}

func TestClockSkew(t *testing.T) {
	e := newE2E(t)
	expired := regexp.MustCompile(`^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$`)
	notYet := regexp.MustCompile(`^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$`)
	for _, tc := range []struct {
		name    string
		skew    time.Duration // server clock minus signing time
		ok      bool
		message *regexp.Regexp
	}{
		{"server 16 min ahead", 16 * time.Minute, false, expired},
		{"server 16 min behind", -16 * time.Minute, false, notYet},
		{"server 14 min ahead", 14 * time.Minute, true, nil},
		{"server 14 min behind", -14 * time.Minute, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, svc := range []struct{ service, form string }{{"iam", listUsers}, {"sts", getCallerIdentity}} {
				// Sign now, then move the server's clock.
				req := e.signedQuery(t, e.root, svc.service, "us-east-1", svc.form)
				e.clock.Advance(tc.skew)
				r := send(t, req)
				e.clock.Advance(-tc.skew)
				if tc.ok {
					if r.Status != 200 {
						t.Fatalf("%s: %d %s %s", svc.service, r.Status, r.Code, r.Message)
					}
					continue
				}
				r.want(t, 403, "SignatureDoesNotMatch")
				if !tc.message.MatchString(r.Message) {
					t.Errorf("%s: message %q", svc.service, r.Message)
				}
			}
		})
	}
}

func TestPresignedGetCallerIdentity(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	pc := sts.NewPresignClient(e.sts(e.root))
	p, err := pc.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	do := func() rawResponse {
		req, err := http.NewRequest(p.Method, p.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range p.SignedHeader {
			if strings.EqualFold(k, "host") {
				continue
			}
			req.Header[k] = vs
		}
		return send(t, req)
	}
	r := do()
	if r.Status != 200 || !strings.Contains(r.Body, "<Arn>arn:aws:iam::"+e.acct+":root</Arn>") {
		t.Fatalf("presigned GetCallerIdentity: %d\n%s", r.Status, r.Body)
	}
	r.checkRequestID(t)

	// A presigned URL may be replayed within the skew window (STS holds
	// it to 15 minutes whatever X-Amz-Expires says), and no later.
	e.clock.Advance(10 * time.Minute)
	if r := do(); r.Status != 200 {
		t.Fatalf("presigned URL 10 minutes later: %d %s", r.Status, r.Message)
	}
	e.clock.Advance(6 * time.Minute)
	r = do()
	r.want(t, 403, "SignatureDoesNotMatch")
	if !strings.HasPrefix(r.Message, "Signature expired: ") {
		t.Errorf("expired presigned URL: %q", r.Message)
	}

	// A presigned URL whose query was altered does not verify.
	e.clock.Advance(-16 * time.Minute)
	u, _ := url.Parse(p.URL)
	q := u.Query()
	q.Set("Action", "GetSessionToken")
	u.RawQuery = q.Encode()
	req, _ := http.NewRequest(p.Method, u.String(), nil)
	send(t, req).want(t, 403, "SignatureDoesNotMatch")
}

func TestExpiredSessionToken(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	alice := e.newUser(t, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + e.acct + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := e.iam(e.root).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	st, err := e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + e.acct + ":role/r"), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(1800)})
	if err != nil {
		t.Fatal(err)
	}
	sessionCreds, roleCreds := tempCreds(st.Credentials), tempCreds(ar.Credentials)
	if got := aws.ToTime(st.Credentials.Expiration).Sub(e.clock.Now()); got < 890*time.Second || got > 900*time.Second {
		t.Errorf("GetSessionToken expiration in %v, want 900s", got)
	}
	for _, c := range []aws.Credentials{sessionCreds, roleCreds} {
		if _, err := e.sts(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("fresh credentials: %v", err)
		}
	}
	// Past the GetSessionToken credentials' 15 minutes, not the role's 30.
	e.clock.Advance(901 * time.Second)
	_, err = e.sts(sessionCreds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "ExpiredToken", msgExpiredToken)
	if _, err := e.sts(roleCreds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("role session at 15 minutes: %v", err)
	}
	e.clock.Advance(900 * time.Second)
	_, err = e.sts(roleCreds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "ExpiredToken", msgExpiredToken)
	r := send(t, e.signedQuery(t, roleCreds, "iam", "us-east-1", listUsers))
	r.want(t, 403, "ExpiredToken")
}

func TestSessionTokenMismatch(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	alice := e.newUser(t, "alice", "")
	a, err := e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := aws.Credentials{AccessKeyID: aws.ToString(a.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(a.Credentials.SecretAccessKey)}
	for _, tc := range []struct {
		name  string
		token string
	}{
		{"no token", ""},
		{"another session's token", aws.ToString(b.Credentials.SessionToken)},
		{"a made-up token", "FwoGZXIvYXdzEBogus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := c
			c.SessionToken = tc.token
			_, err := e.sts(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			wantErr(t, err, "InvalidClientTokenId", msgInvalidToken)
		})
	}
	// A long-term key with a session token is refused too.
	withToken := alice
	withToken.SessionToken = aws.ToString(a.Credentials.SessionToken)
	_, err = e.sts(withToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", msgInvalidToken)
	// And the right token works.
	c.SessionToken = aws.ToString(a.Credentials.SessionToken)
	if _, err := e.sts(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestAccessKeyStates(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	admin := e.iam(e.root)
	bob := e.newUser(t, "bob", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`)
	if _, err := e.iam(bob).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	// Inactive: refused like an unknown key, by IAM and STS.
	if _, err := admin.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(bob.AccessKeyID), Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err := e.iam(bob).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "InvalidClientTokenId", msgInvalidToken)
	_, err = e.sts(bob).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", msgInvalidToken)
	// Active again: it works again.
	if _, err := admin.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(bob.AccessKeyID), Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.iam(bob).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}
	// Deleted.
	if _, err := admin.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String(bob.AccessKeyID)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.iam(bob).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "InvalidClientTokenId", msgInvalidToken)
	_, err = e.sts(bob).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", msgInvalidToken)
}

func TestOversizedBody(t *testing.T) {
	e := newE2E(t)
	big := listUsers + "&Padding=" + strings.Repeat("a", 10<<20)
	// With a Content-Length, and chunked (no length known in advance).
	for _, chunked := range []bool{false, true} {
		req := e.queryRequest(t, big)
		if chunked {
			req.Body = io.NopCloser(strings.NewReader(big))
			req.ContentLength = -1
		}
		sign(t, req, big, e.root, "iam", "us-east-1", e.clock.Now())
		r := send(t, req)
		r.want(t, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge")
	}
	// Unsigned, too.
	send(t, e.queryRequest(t, big)).want(t, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge")
	// The server is still healthy and serving.
	resp, err := http.Get(e.endpoint + "/_cleanroom/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health after an oversized body: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, err := e.iam(e.root).ListUsers(context.Background(), &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	// Just under the limit is read (and then refused for its parameter,
	// not its size).
	ok := listUsers + "&Padding=" + strings.Repeat("a", 10<<20-len(listUsers)-len("&Padding="))
	r := send(t, e.signedQuery(t, e.root, "iam", "us-east-1", ok))
	if r.Code == "RequestEntityTooLarge" {
		t.Fatalf("a body of exactly 10 MiB refused as too large")
	}
}

func TestQueryRequestErrors(t *testing.T) {
	e := newE2E(t)
	t.Run("unsigned IAM call", func(t *testing.T) {
		r := send(t, e.queryRequest(t, listUsers))
		r.want(t, 403, "MissingAuthenticationToken")
		if r.Message != "Request is missing Authentication Token" {
			t.Errorf("message %q", r.Message)
		}
		// STS operations other than the web identity and SAML ones too.
		send(t, e.queryRequest(t, getCallerIdentity)).want(t, 403, "MissingAuthenticationToken")
		send(t, e.queryRequest(t, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=s")).want(t, 403, "MissingAuthenticationToken")
		// A GET with the parameters in the query string.
		req, _ := http.NewRequest(http.MethodGet, e.endpoint+"/?"+listUsers, nil)
		send(t, req).want(t, 403, "MissingAuthenticationToken")
	})
	t.Run("unknown Action", func(t *testing.T) {
		r := send(t, e.signedQuery(t, e.root, "iam", "us-east-1", "Action=Frobnicate&Version=2010-05-08"))
		r.want(t, 400, "InvalidAction")
		if r.Message != "Could not find operation Frobnicate for version 2010-05-08" {
			t.Errorf("message %q", r.Message)
		}
		r = send(t, e.signedQuery(t, e.root, "sts", "us-east-1", "Action=ListUsers&Version=2011-06-15"))
		r.want(t, 400, "InvalidAction")
	})
	t.Run("missing Action", func(t *testing.T) {
		for _, svc := range []string{"iam", "sts"} {
			send(t, e.signedQuery(t, e.root, svc, "us-east-1", "Version=2010-05-08")).want(t, 400, "MissingAction")
		}
	})
	t.Run("UNSIGNED-PAYLOAD for IAM", func(t *testing.T) {
		req := e.queryRequest(t, listUsers)
		req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		if err := v4.NewSigner().SignHTTP(context.Background(), e.root, req, "UNSIGNED-PAYLOAD", "iam", "us-east-1", e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		send(t, req).want(t, 403, "SignatureDoesNotMatch")
	})
	t.Run("Authorization header malformed", func(t *testing.T) {
		req := e.queryRequest(t, listUsers)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA")
		r := send(t, req)
		if r.Status != 400 && r.Status != 403 || r.Code == "" {
			t.Fatalf("malformed Authorization: %d\n%s", r.Status, r.Body)
		}
		r.checkRequestID(t)
	})
	t.Run("success carries the request id", func(t *testing.T) {
		r := send(t, e.signedQuery(t, e.root, "iam", "us-east-1", listUsers))
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		r.checkRequestID(t)
		if !strings.Contains(r.Body, "<ResponseMetadata><RequestId>") {
			t.Errorf("no ResponseMetadata: %s", r.Body)
		}
	})
}

// metric returns the value of a counter series in the Prometheus text
// exposition, or -1.
func metric(t *testing.T, endpoint, series string) float64 {
	t.Helper()
	resp, err := http.Get(endpoint + "/_cleanroom/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if ok && name == series {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	return -1
}

func TestMetrics(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	for range 3 {
		if _, err := e.sts(e.root).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
	}
	bad := e.root
	bad.SecretAccessKey = strings.Repeat("x", 40)
	e.iam(bad).ListUsers(ctx, &iam.ListUsersInput{})
	send(t, e.signedQuery(t, e.root, "iam", "us-east-1", "Action=Frobnicate"+strings.Repeat("x", 20)+"&Version=2010-05-08"))
	send(t, e.queryRequest(t, listUsers))

	for series, want := range map[string]float64{
		`cleanroom_requests_total{code="OK",operation="GetCallerIdentity",service="sts"}`:            3,
		`cleanroom_requests_total{code="SignatureDoesNotMatch",operation="ListUsers",service="iam"}`: 1,
		// Unknown operations share one label value.
		`cleanroom_requests_total{code="InvalidAction",operation="unknown",service="iam"}`:                1,
		`cleanroom_requests_total{code="MissingAuthenticationToken",operation="ListUsers",service="iam"}`: 1,
	} {
		if got := metric(t, e.endpoint, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if got := metric(t, e.endpoint, `cleanroom_request_duration_seconds_count{service="sts"}`); got < 3 {
		t.Errorf("duration count for sts = %v", got)
	}
}
