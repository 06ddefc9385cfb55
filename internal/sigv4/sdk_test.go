package sigv4_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cleanroom-dev/cleanroom/internal/sigv4"
)

// Requests signed by aws-sdk-go-v2's signer, the reference client, must
// verify; every way AWS refuses a request must give the matching Kind.

var now = time.Date(2026, 5, 4, 10, 20, 30, 0, time.UTC)

const (
	akid       = "AKIAIOSFODNN7EXAMPLE"
	secret     = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	inactiveID = "AKIAINACTIVEEXAMPLE0"
	sessionID  = "ASIAIOSFODNN7SESSION"
	sessionKey = "sessionSecretKeyEXAMPLE0123456789abcdefg"
	token      = "FwoGZXIvYXdzEXAMPLETOKEN/one+session=="
	otherToken = "FwoGZXIvYXdzEXAMPLETOKEN/two+session=="
	expiredID  = "ASIAEXPIREDSESSION01"
)

type lookup map[string]sigv4.Credential

func (l lookup) LookupCredential(_ context.Context, id string) (sigv4.Credential, error) {
	c, ok := l[id]
	if !ok {
		return sigv4.Credential{}, sigv4.ErrUnknownKey
	}
	return c, nil
}

func testLookup() lookup {
	return lookup{
		akid:       {AccessKeyID: akid, SecretKey: secret, Active: true},
		inactiveID: {AccessKeyID: inactiveID, SecretKey: secret, Active: false},
		sessionID:  {AccessKeyID: sessionID, SecretKey: sessionKey, SessionToken: token, Expires: now.Add(time.Hour), Active: true},
		expiredID:  {AccessKeyID: expiredID, SecretKey: sessionKey, SessionToken: token, Expires: now.Add(-time.Second), Active: true},
	}
}

func newVerifier(l sigv4.Lookup) *sigv4.Verifier {
	return sigv4.New(l, sigv4.Options{
		Now:            func() time.Time { return now },
		GlobalServices: map[string]string{"iam": "us-east-1", "organizations": "us-east-1"},
		ValidRegion: func(r string) bool {
			return r == "us-east-1" || r == "us-west-2" || r == "eu-west-1"
		},
	})
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signed is a request signed by the SDK, with its body.
type signed struct {
	req  *http.Request
	body []byte
}

type signOpts struct {
	id, secret, token  string
	region, service    string
	at                 time.Time
	contentSHA256      string // sent (and signed) as X-Amz-Content-Sha256
	disableURIEscaping bool   // as the SDK's S3 client signs
	presignPayload     string // the payload hash to presign with, if not the default
}

func defaultOpts() signOpts {
	return signOpts{id: akid, secret: secret, region: "us-east-1", service: "sts", at: now}
}

func sign(t testing.TB, method, target string, body []byte, header http.Header, o signOpts) signed {
	t.Helper()
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	payload := sha256Hex(body)
	if o.contentSHA256 != "" {
		payload = o.contentSHA256
		req.Header.Set("X-Amz-Content-Sha256", payload)
	}
	creds := aws.Credentials{AccessKeyID: o.id, SecretAccessKey: o.secret, SessionToken: o.token}
	err = v4.NewSigner().SignHTTP(context.Background(), creds, req, payload, o.service, o.region, o.at,
		func(so *v4.SignerOptions) { so.DisableURIPathEscaping = o.disableURIEscaping })
	if err != nil {
		t.Fatal(err)
	}
	return signed{req, body}
}

func presign(t testing.TB, method, target string, expires int, o signOpts) signed {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(expires))
	req.URL.RawQuery = q.Encode()
	payload := sha256Hex(nil)
	if o.service == "s3" {
		payload = "UNSIGNED-PAYLOAD"
	}
	if o.presignPayload != "" {
		payload = o.presignPayload
	}
	creds := aws.Credentials{AccessKeyID: o.id, SecretAccessKey: o.secret, SessionToken: o.token}
	u, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, payload, o.service, o.region, o.at,
		func(so *v4.SignerOptions) { so.DisableURIPathEscaping = o.service == "s3" })
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k != "Host" {
			out.Header[k] = v
		}
	}
	return signed{out, nil}
}

// deriveKeyForTest derives a signing key with crypto/hmac, as the IAM User
// Guide's "Create a signed AWS API request" spells it out.
func deriveKeyForTest(secret, date, region, service string) [32]byte {
	h := func(k []byte, m string) []byte {
		mac := hmac.New(sha256.New, k)
		mac.Write([]byte(m))
		return mac.Sum(nil)
	}
	return [32]byte(h(h(h(h([]byte("AWS4"+secret), date), region), service), "aws4_request"))
}

const stsBody = "Action=GetCallerIdentity&Version=2011-06-15"

func formHeader() http.Header {
	return http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
}

func kindOf(err error) sigv4.Kind {
	var e *sigv4.Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// verifyBoth verifies s as the client built it and as a net/http server
// receives it, and returns both outcomes' kinds (0 for success).
func verifyBoth(t *testing.T, v *sigv4.Verifier, s signed) (direct, served sigv4.Kind, res *sigv4.Result) {
	t.Helper()
	res, err := v.Verify(context.Background(), s.req, s.body)
	direct = kindOf(err)
	if err != nil && direct == 0 {
		t.Fatalf("Verify: %v", err)
	}
	served = serve(t, v, s)
	return direct, served, res
}

// serve sends s to a net/http server that verifies it and reports the
// outcome's kind in a response header.
func serve(t *testing.T, v *sigv4.Verifier, s signed) sigv4.Kind {
	t.Helper()
	got := make(chan sigv4.Kind, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		_, err = v.Verify(r.Context(), r, body)
		k := kindOf(err)
		if err != nil && k == 0 {
			t.Errorf("served Verify: %v", err)
		}
		got <- k
	}))
	defer srv.Close()
	// Send the request as signed, to the test server's address: the signed
	// Host header is kept.
	u, _ := url.Parse(srv.URL)
	req := s.req.Clone(context.Background())
	req.URL.Scheme, req.URL.Host = u.Scheme, u.Host
	if req.Host == "" {
		req.Host = s.req.URL.Host
	}
	req.Body = io.NopCloser(bytes.NewReader(s.body))
	req.ContentLength = int64(len(s.body))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return <-got
}

func TestSDKSigned(t *testing.T) {
	s3 := func(o signOpts) signOpts {
		o.service, o.disableURIEscaping = "s3", true
		return o
	}
	body := []byte("hello, world")
	cases := []struct {
		name string
		s    func(t *testing.T) signed
		want sigv4.Kind
	}{
		{"sts POST form", func(t *testing.T) signed {
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
		}, 0},
		{"iam us-east-1", func(t *testing.T) signed {
			o := defaultOpts()
			o.service = "iam"
			return sign(t, "POST", "https://iam.amazonaws.com/", []byte("Action=ListUsers&Version=2010-05-08"), formHeader(), o)
		}, 0},
		{"GET with a query to encode", func(t *testing.T) signed {
			return sign(t, "GET", "https://cleanrooms.us-east-1.amazonaws.com/collaborations/a%20b/x~y?maxResults=5&nextToken=a%2Bb%2Fc%3D&z=%E1%88%B4&empty=&a=2&a=1", nil, nil,
				signOpts{id: akid, secret: secret, region: "us-east-1", service: "cleanrooms", at: now})
		}, 0},
		{"restJson body and headers", func(t *testing.T) signed {
			h := http.Header{"Content-Type": {"application/json"}, "X-Amz-Target": {"x"}, "X-Custom": {"  a   b  "}}
			return sign(t, "POST", "https://cleanrooms.us-east-1.amazonaws.com/collaborations", []byte(`{"name":"x"}`), h,
				signOpts{id: akid, secret: secret, region: "us-east-1", service: "cleanrooms", at: now})
		}, 0},
		{"unnormalized path the Go SDK signs as is", func(t *testing.T) signed {
			return sign(t, "GET", "https://cleanrooms.us-east-1.amazonaws.com//a/./b/../c", nil, nil,
				signOpts{id: akid, secret: secret, region: "us-east-1", service: "cleanrooms", at: now})
		}, 0},
		{"s3 PUT with the body's hash", func(t *testing.T) signed {
			o := s3(defaultOpts())
			o.contentSHA256 = sha256Hex(body)
			return sign(t, "PUT", "https://bucket.s3.us-east-1.amazonaws.com/dir//key%20with%20space+plus", body, nil, o)
		}, 0},
		{"s3 PUT unsigned payload", func(t *testing.T) signed {
			o := s3(defaultOpts())
			o.contentSHA256 = "UNSIGNED-PAYLOAD"
			return sign(t, "PUT", "https://s3.us-east-1.amazonaws.com/bucket/key", body, nil, o)
		}, 0},
		{"session credentials", func(t *testing.T) signed {
			o := defaultOpts()
			o.id, o.secret, o.token = sessionID, sessionKey, token
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, 0},
		{"skew 14 minutes behind", func(t *testing.T) signed {
			o := defaultOpts()
			o.at = now.Add(-14 * time.Minute)
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, 0},
		{"skew 14 minutes ahead", func(t *testing.T) signed {
			o := defaultOpts()
			o.at = now.Add(14 * time.Minute)
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, 0},

		{"tampered signature", func(t *testing.T) signed {
			s := sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
			h := s.req.Header.Get("Authorization")
			last := h[len(h)-1]
			repl := byte('0')
			if last == '0' {
				repl = '1'
			}
			s.req.Header.Set("Authorization", h[:len(h)-1]+string(repl))
			return s
		}, sigv4.KindSignatureDoesNotMatch},
		{"body changed after signing", func(t *testing.T) signed {
			s := sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
			s.body = []byte(strings.Replace(stsBody, "GetCallerIdentity", "GetSessionToken", 1))
			return s
		}, sigv4.KindSignatureDoesNotMatch},
		{"s3 body changed after signing its hash", func(t *testing.T) signed {
			o := s3(defaultOpts())
			o.contentSHA256 = sha256Hex(body)
			s := sign(t, "PUT", "https://s3.us-east-1.amazonaws.com/bucket/key", body, nil, o)
			s.body = []byte("hello, World")
			return s
		}, sigv4.KindContentSHA256Mismatch},
		{"wrong secret", func(t *testing.T) signed {
			o := defaultOpts()
			o.secret = "not" + secret
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindSignatureDoesNotMatch},
		{"wrong region for a global service", func(t *testing.T) signed {
			o := defaultOpts()
			o.service, o.region = "iam", "eu-west-1"
			return sign(t, "POST", "https://iam.amazonaws.com/", []byte("Action=ListUsers&Version=2010-05-08"), formHeader(), o)
		}, sigv4.KindSignatureDoesNotMatch},
		{"region not valid", func(t *testing.T) signed {
			o := defaultOpts()
			o.region = "xx-nowhere-1"
			return sign(t, "POST", "https://sts.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindSignatureDoesNotMatch},
		{"skew 16 minutes behind", func(t *testing.T) signed {
			o := defaultOpts()
			o.at = now.Add(-16 * time.Minute)
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindRequestExpired},
		{"skew 16 minutes ahead", func(t *testing.T) signed {
			o := defaultOpts()
			o.at = now.Add(16 * time.Minute)
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindRequestNotYetValid},
		{"expired session", func(t *testing.T) signed {
			o := defaultOpts()
			o.id, o.secret, o.token = expiredID, sessionKey, token
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindExpiredToken},
		{"session key with another session's token", func(t *testing.T) signed {
			o := defaultOpts()
			o.id, o.secret, o.token = sessionID, sessionKey, otherToken
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindInvalidToken},
		{"session key without a token", func(t *testing.T) signed {
			o := defaultOpts()
			o.id, o.secret = sessionID, sessionKey
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindInvalidToken},
		{"long-term key with a token", func(t *testing.T) signed {
			o := defaultOpts()
			o.token = token
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindInvalidToken},
		{"unknown key", func(t *testing.T) signed {
			o := defaultOpts()
			o.id = "AKIAUNKNOWNEXAMPLE00"
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindUnknownKey},
		{"inactive key", func(t *testing.T) signed {
			o := defaultOpts()
			o.id = inactiveID
			return sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
		}, sigv4.KindUnknownKey},
		{"s3 x-amz header added after signing", func(t *testing.T) signed {
			o := s3(defaultOpts())
			o.contentSHA256 = "UNSIGNED-PAYLOAD"
			s := sign(t, "PUT", "https://s3.us-east-1.amazonaws.com/bucket/key", body, nil, o)
			s.req.Header.Set("X-Amz-Meta-Color", "red")
			return s
		}, sigv4.KindHeadersNotSigned},
		{"unsigned", func(t *testing.T) signed {
			req, _ := http.NewRequest("POST", "https://sts.us-east-1.amazonaws.com/", strings.NewReader(stsBody))
			return signed{req, []byte(stsBody)}
		}, sigv4.KindMissingAuthenticationToken},
		{"not SigV4", func(t *testing.T) signed {
			req, _ := http.NewRequest("GET", "https://sts.us-east-1.amazonaws.com/", nil)
			req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
			return signed{req, nil}
		}, sigv4.KindIncompleteSignature},
	}
	v := newVerifier(testLookup())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.s(t)
			direct, served, _ := verifyBoth(t, v, s)
			if direct != c.want || served != c.want {
				t.Errorf("got %v (client request) and %v (served), want %v", direct, served, c.want)
			}
		})
	}
}

func TestSDKPresigned(t *testing.T) {
	v := newVerifier(testLookup())
	at := func(d time.Duration) *sigv4.Verifier {
		return sigv4.New(testLookup(), sigv4.Options{Now: func() time.Time { return now.Add(d) }})
	}
	s3o := defaultOpts()
	s3o.service = "s3"
	sts := defaultOpts()
	sess := defaultOpts()
	sess.service, sess.id, sess.secret, sess.token = "s3", sessionID, sessionKey, token
	cases := []struct {
		name string
		v    *sigv4.Verifier
		s    signed
		want sigv4.Kind
	}{
		{"s3 GET", v, presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/a/b%20c.txt?versionId=3", 300, s3o), 0},
		{"s3 GET with session token", v, presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, sess), 0},
		{"s3 GET a minute later", at(time.Minute), presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, s3o), 0},
		{"s3 GET after expiry", at(301 * time.Second), presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, s3o), sigv4.KindPresignExpired},
		{"s3 GET a day later, a week's expiry", at(24 * time.Hour), presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 604800, s3o), 0},
		{"s3 GET signed in the future", at(-20 * time.Minute), presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, s3o), sigv4.KindPresignNotYetValid},
		{"sts presigned GetCallerIdentity", v, presign(t, "GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", 60, sts), 0},
		{"sts presigned, used within 15 minutes past its expiry", at(5 * time.Minute), presign(t, "GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", 60, sts), 0},
		{"sts presigned, 16 minutes later", at(16 * time.Minute), presign(t, "GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", 3600, sts), sigv4.KindRequestExpired},
		{"sts presigned with UNSIGNED-PAYLOAD declared in the query", v, func() signed {
			o := sts
			o.presignPayload = "UNSIGNED-PAYLOAD"
			return presign(t, "GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD", 60, o)
		}(), 0},
		{"sts presigned with UNSIGNED-PAYLOAD undeclared", v, func() signed {
			o := sts
			o.presignPayload = "UNSIGNED-PAYLOAD"
			return presign(t, "GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", 60, o)
		}(), sigv4.KindSignatureDoesNotMatch},
		{"sts presigned with another payload hash", v, func() signed {
			o := sts
			o.presignPayload = sha256Hex([]byte("x"))
			return presign(t, "GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", 60, o)
		}(), sigv4.KindSignatureDoesNotMatch},
		{"expired session", v, func() signed {
			o := sess
			o.id = expiredID
			return presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, o)
		}(), sigv4.KindExpiredToken},
		{"tampered query", v, func() signed {
			s := presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k?versionId=3", 300, s3o)
			s.req.URL.RawQuery = strings.Replace(s.req.URL.RawQuery, "versionId=3", "versionId=4", 1)
			return s
		}(), sigv4.KindSignatureDoesNotMatch},
		{"longer expiry than signed", v, func() signed {
			s := presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, s3o)
			s.req.URL.RawQuery = strings.Replace(s.req.URL.RawQuery, "X-Amz-Expires=300", "X-Amz-Expires=3000", 1)
			return s
		}(), sigv4.KindSignatureDoesNotMatch},
		{"expires over a week", v, func() signed {
			s := presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, s3o)
			s.req.URL.RawQuery = strings.Replace(s.req.URL.RawQuery, "X-Amz-Expires=300", "X-Amz-Expires=604801", 1)
			return s
		}(), sigv4.KindIncompleteSignature},
		{"also an Authorization header", v, func() signed {
			s := presign(t, "GET", "https://bucket.s3.us-east-1.amazonaws.com/k", 300, s3o)
			s.req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
			return s
		}(), sigv4.KindIncompleteSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			direct, served, res := verifyBoth(t, c.v, c.s)
			if direct != c.want || served != c.want {
				t.Fatalf("got %v (client request) and %v (served), want %v", direct, served, c.want)
			}
			if c.want == 0 && !res.Presigned {
				t.Errorf("Presigned = false")
			}
		})
	}
}

// TestPresignedTokenAddedAfterSigning: most services let the security token
// be appended to a presigned URL after signing (the test suite's readme on
// post-sts-header-after); S3 does not.
func TestPresignedTokenAddedAfterSigning(t *testing.T) {
	for _, service := range []string{"sts", "s3"} {
		o := defaultOpts()
		o.service, o.id, o.secret = service, sessionID, sessionKey
		s := presign(t, "GET", "https://"+service+".us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", 60, o)
		s.req.URL.RawQuery += "&X-Amz-Security-Token=" + url.QueryEscape(token)
		_, err := newVerifier(testLookup()).Verify(context.Background(), s.req, nil)
		want := sigv4.Kind(0)
		if service == "s3" {
			want = sigv4.KindSignatureDoesNotMatch
		}
		if kindOf(err) != want || err != nil && want == 0 {
			t.Errorf("%s: got %v, want %v", service, err, want)
		}
	}
}

func TestResult(t *testing.T) {
	o := defaultOpts()
	o.id, o.secret, o.token = sessionID, sessionKey, token
	s := sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
	res, err := newVerifier(testLookup()).Verify(context.Background(), s.req, s.body)
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessKeyID != sessionID || res.Region != "us-east-1" || res.Service != "sts" || res.Date != "20260504" ||
		!res.Time.Equal(now) || res.AmzDate != "20260504T102030Z" || res.Presigned || res.Streaming {
		t.Errorf("result %+v", res)
	}
	if res.Credential.SecretKey != "" || res.Credential.SessionToken != token || !res.Credential.Expires.Equal(now.Add(time.Hour)) {
		t.Errorf("credential %+v: want the looked-up one without its secret", res.Credential)
	}
	if res.PayloadHash != sha256Hex([]byte(stsBody)) || !res.PayloadChecked {
		t.Errorf("payload %q checked %v", res.PayloadHash, res.PayloadChecked)
	}
	if res.Scope() != "20260504/us-east-1/sts/aws4_request" {
		t.Errorf("scope %q", res.Scope())
	}
	names := res.SignedHeaderNames()
	if strings.Join(names, ";") != res.SignedHeaders || !strings.Contains(res.SignedHeaders, "host") || !strings.Contains(res.SignedHeaders, "x-amz-security-token") {
		t.Errorf("signed headers %q", res.SignedHeaders)
	}
	if !strings.HasSuffix(s.req.Header.Get("Authorization"), "Signature="+res.Signature) {
		t.Errorf("seed signature %q", res.Signature)
	}
	// The signing key is the one the suite's derivation gives.
	if [32]byte(res.SigningKey) != deriveKeyForTest(sessionKey, "20260504", "us-east-1", "sts") {
		t.Errorf("signing key differs")
	}
}

func TestStreamingPayload(t *testing.T) {
	o := defaultOpts()
	o.service, o.disableURIEscaping = "s3", true
	o.contentSHA256 = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	s := sign(t, "PUT", "https://s3.us-east-1.amazonaws.com/bucket/key", nil, http.Header{"X-Amz-Decoded-Content-Length": {"5"}}, o)
	res, err := newVerifier(testLookup()).VerifyStream(context.Background(), s.req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Streaming || res.PayloadHash != o.contentSHA256 || res.PayloadChecked {
		t.Errorf("result %+v", res)
	}
	// A hex hash is left to the caller by VerifyStream...
	o.contentSHA256 = sha256Hex([]byte("abc"))
	s = sign(t, "PUT", "https://s3.us-east-1.amazonaws.com/bucket/key", []byte("abc"), nil, o)
	res, err = newVerifier(testLookup()).VerifyStream(context.Background(), s.req)
	if err != nil || res.PayloadChecked || res.PayloadHash != o.contentSHA256 {
		t.Errorf("VerifyStream: %v %+v", err, res)
	}
	// ...which needs a declared hash.
	s = sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
	if _, err := newVerifier(testLookup()).VerifyStream(context.Background(), s.req); kindOf(err) != sigv4.KindIncompleteSignature {
		t.Errorf("VerifyStream without a declared hash: %v", err)
	}
}

// TestSecretRotation: the key cache must not serve a key derived from an
// old secret of the same access key.
func TestSecretRotation(t *testing.T) {
	l := testLookup()
	v := newVerifier(l)
	s := sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
	if _, err := v.Verify(context.Background(), s.req, s.body); err != nil {
		t.Fatal(err)
	}
	c := l[akid]
	c.SecretKey = "rotated" + secret
	l[akid] = c
	if _, err := v.Verify(context.Background(), s.req, s.body); kindOf(err) != sigv4.KindSignatureDoesNotMatch {
		t.Fatalf("after rotation: %v, want SignatureDoesNotMatch", err)
	}
}

func TestLookupFailure(t *testing.T) {
	boom := errors.New("database down")
	v := newVerifier(sigv4.LookupFunc(func(context.Context, string) (sigv4.Credential, error) {
		return sigv4.Credential{}, boom
	}))
	s := sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), defaultOpts())
	_, err := v.Verify(context.Background(), s.req, s.body)
	var e *sigv4.Error
	if !errors.Is(err, boom) || errors.As(err, &e) {
		t.Fatalf("got %v, want the lookup's error unclassified", err)
	}
	// A wrapped ErrUnknownKey is an unknown key.
	v = newVerifier(sigv4.LookupFunc(func(context.Context, string) (sigv4.Credential, error) {
		return sigv4.Credential{}, errors.Join(errors.New("no row"), sigv4.ErrUnknownKey)
	}))
	if _, err := v.Verify(context.Background(), s.req, s.body); kindOf(err) != sigv4.KindUnknownKey {
		t.Fatalf("wrapped ErrUnknownKey: %v", err)
	}
}

// Printing or logging a credential or a result reveals no secret.
func TestNoSecretsPrinted(t *testing.T) {
	o := defaultOpts()
	o.id, o.secret, o.token = sessionID, sessionKey, token
	s := sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
	res, err := newVerifier(testLookup()).Verify(context.Background(), s.req, s.body)
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "result", res, "credential", testLookup()[sessionID])
	key := hex.EncodeToString(res.SigningKey[:])
	for _, out := range []string{fmt.Sprintf("%v %+v %v", res, res, testLookup()[sessionID]), fmt.Sprintf("%+v", *res), logged.String()} {
		if strings.Contains(out, sessionKey) || strings.Contains(out, token) || strings.Contains(out, key) || strings.Contains(out, strings.Trim(fmt.Sprint(res.SigningKey[:4]), "[]")) {
			t.Errorf("secret printed: %s", out)
		}
		if !strings.Contains(out, sessionID) {
			t.Errorf("access key id missing: %s", out)
		}
	}
}
