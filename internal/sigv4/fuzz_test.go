package sigv4_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cleanroom-dev/cleanroom/internal/sigv4"
)

// FuzzParseAuthorization: the parser never panics, fails only with
// IncompleteSignature, and what it accepts formats back to a header that
// parses to the same parts.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		goodAuthz,
		strings.ReplaceAll(goodAuthz, ", ", ","),
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
		"AWS4-HMAC-SHA256 Credential=A/2/r/s/t,  SignedHeaders = host ,Signature= x ",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=host, Signature=",
		"Basic dXNlcjpwYXNz",
		"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
		"",
		"AWS4-HMAC-SHA256 ,,,=,Credential==/=/=/=/=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := sigv4.ParseAuthorization(s)
		if err != nil {
			var e *sigv4.Error
			if !errors.As(err, &e) || e.Kind != sigv4.KindIncompleteSignature {
				t.Fatalf("error %v is not IncompleteSignature", err)
			}
			return
		}
		h := a.AuthorizationHeader()
		b, err := sigv4.ParseAuthorization(h)
		if err != nil {
			t.Fatalf("formatted %q does not parse: %v", h, err)
		}
		if !sameAuth(a, b) {
			t.Fatalf("round trip of %q:\n%+v\n%+v", s, *a, *b)
		}
	})
}

// FuzzParsePresigned: the query-string parser never panics, fails only
// with IncompleteSignature, and round-trips through Auth.Query.
func FuzzParsePresigned(f *testing.F) {
	for _, s := range []string{
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
		"Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F2%2Fr%2Fsts%2Faws4_request&X-Amz-Date=x&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Security-Token=a%2Bb%3D%3D",
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1",
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Algorithm=x",
		"X%2DAmz%2DSignature=%zz&&=&X-Amz-Credential",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := sigv4.ParsePresigned(s)
		if err != nil {
			var e *sigv4.Error
			if !errors.As(err, &e) || e.Kind != sigv4.KindIncompleteSignature || !e.Presigned {
				t.Fatalf("error %v is not a presigned IncompleteSignature", err)
			}
			return
		}
		q := a.Query().Encode()
		b, err := sigv4.ParsePresigned(q)
		if err != nil {
			t.Fatalf("formatted %q does not parse: %v", q, err)
		}
		if !sameAuth(a, b) {
			t.Fatalf("round trip of %q:\n%+v\n%+v", s, *a, *b)
		}
	})
}

// FuzzSDKRoundTrip signs arbitrary requests with aws-sdk-go-v2's signer,
// header-signed and presigned, for S3 and for another service, and expects
// each to verify; then changes one byte of the body or query and expects a
// refusal.
func FuzzSDKRoundTrip(f *testing.F) {
	f.Add(uint8(0), "/", "Action=GetCallerIdentity&Version=2011-06-15", "X-Custom", "  a   b ", []byte("x=1"))
	f.Add(uint8(1), "/bucket/key with space/ü/", "versionId=3&acl", "X-Amz-Meta-Color", "red", []byte("hello"))
	f.Add(uint8(2), "//a/./b/../c", "a=%2B&b=+&c=%7E&d=", "Content-Type", "text/plain", []byte{})
	f.Add(uint8(3), "/%E1%88%B4/x%2Fy", "z=%E1%88%B4&a=1&a=0", "X-Thing", "\tv\t", []byte("{}"))
	f.Add(uint8(6), "/p", "", "Cache-Control", "no-cache", []byte(nil))
	lk := testLookup()
	v := newVerifier(lk)
	f.Fuzz(func(t *testing.T, mode uint8, path, rawQuery, hname, hval string, body []byte) {
		s3, presigned := mode&1 == 1, mode&2 == 2
		service := "cleanrooms"
		if s3 {
			service = "s3"
		}
		if !strings.HasPrefix(path, "/") || len(path)+len(rawQuery)+len(hval)+len(body) > 4096 {
			return
		}
		if _, err := url.ParseQuery(rawQuery); err != nil {
			return // the SDK drops what it cannot decode
		}
		u, err := url.Parse("https://example.amazonaws.com" + path + "?" + rawQuery)
		if err != nil || u.RawQuery != rawQuery || strings.ContainsAny(rawQuery, "#") {
			return
		}
		if !validToken(hname) || !validValue(hval) {
			return
		}
		method := []string{"GET", "PUT", "POST", "DELETE"}[mode>>2&3]
		req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		if presigned {
			q := req.URL.Query()
			q.Set("X-Amz-Expires", "900")
			req.URL.RawQuery = q.Encode() // the SDK's presigner re-encodes the query too
			rawQuery = req.URL.RawQuery
		}
		req.Header.Set(hname, hval)
		creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
		opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = s3 }
		payload := sha256Hex(body)
		if s3 && !presigned {
			req.Header.Set("X-Amz-Content-Sha256", payload)
		}
		if s3 && presigned {
			payload = "UNSIGNED-PAYLOAD"
		}
		if presigned {
			signedURL, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, payload, service, "us-east-1", now, opt)
			if err != nil {
				t.Fatal(err)
			}
			if req, err = http.NewRequest(method, signedURL, bytes.NewReader(body)); err != nil {
				t.Fatalf("presigned URL %q: %v", signedURL, err)
			}
			for k, vs := range hdr {
				if k != "Host" {
					req.Header[k] = vs
				}
			}
		} else if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payload, service, "us-east-1", now, opt); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(context.Background(), req, body); err != nil {
			t.Fatalf("%s %s?%s (%s: %q) mode %d: %v", method, path, rawQuery, hname, hval, mode, err)
		}
		// The body is covered unless the payload is unsigned.
		if !(s3 && presigned) {
			if _, err := v.Verify(context.Background(), req, append(bytes.Clone(body), 'x')); err == nil {
				t.Fatalf("verified with a changed body")
			}
		}
		req.URL.RawQuery += "&extra=1"
		if _, err := v.Verify(context.Background(), req, body); kindOf(err) != sigv4.KindSignatureDoesNotMatch {
			t.Fatalf("with an added query parameter: %v", err)
		}
	})
}

func validToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	// Headers the SDK leaves unsigned, or that net/http owns.
	switch http.CanonicalHeaderKey(s) {
	case "Authorization", "User-Agent", "X-Amzn-Trace-Id", "Expect", "Transfer-Encoding", "Host", "Content-Length",
		"X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "X-Amz-Expires":
		return false
	}
	return !strings.HasPrefix(http.CanonicalHeaderKey(s), "X-Amz-") || strings.HasPrefix(http.CanonicalHeaderKey(s), "X-Amz-Meta-")
}

func validValue(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < ' ' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// FuzzVerifyRequest: Verify never panics on arbitrary signature parts,
// dates, paths and query strings, and refuses them with an *Error.
func FuzzVerifyRequest(f *testing.F) {
	f.Add(goodAuthz, "20260504T102030Z", "/", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential="+akid+"/20260504/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-meta-a, Signature=00", "20260504T102030Z", "//x/../", "a=%zz&b", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	f.Add("", "", "/", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="+akid+"%2F20260504%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260504T102030Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00", "")
	f.Add("AWS4-HMAC-SHA256 Credential="+sessionID+"/20260504/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00", "20260504T102030Z", "/", "", "zz")
	v := newVerifier(testLookup())
	f.Fuzz(func(t *testing.T, authz, amzDate, path, rawQuery, contentSHA string) {
		r := &http.Request{Method: "POST", Host: "sts.amazonaws.com", RequestURI: path, URL: &url.URL{Path: path, RawQuery: rawQuery}, Header: http.Header{}}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if amzDate != "" {
			r.Header.Set("X-Amz-Date", amzDate)
		}
		if contentSHA != "" {
			r.Header.Set("X-Amz-Content-Sha256", contentSHA)
			r.Header.Set("X-Amz-Meta-A", "b")
		}
		_, err := v.Verify(context.Background(), r, []byte(rawQuery))
		var e *sigv4.Error
		if err == nil || !errors.As(err, &e) {
			t.Fatalf("got %v, want an *Error", err)
		}
		for _, p := range []string{"query", "json", "restjson", "restxml"} {
			if e.Code(p) == "" || e.Text(p) == "" || e.Status(p) < 400 {
				t.Fatalf("%v in %s: code %q text %q status %d", e.Kind, p, e.Code(p), e.Text(p), e.Status(p))
			}
		}
	})
}
