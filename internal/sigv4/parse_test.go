package sigv4_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/sigv4"
)

const goodAuthz = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"

// The header form per the IAM User Guide, "Elements of an AWS API request
// signature": AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...
func TestParseAuthorization(t *testing.T) {
	a, err := sigv4.ParseAuthorization(goodAuthz)
	if err != nil {
		t.Fatal(err)
	}
	want := sigv4.Auth{AccessKeyID: "AKIDEXAMPLE", Date: "20150830", Region: "us-east-1", Service: "iam", Terminator: "aws4_request",
		SignedHeaders: "host;x-amz-date", Signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Expires: -1}
	if !sameAuth(a, &want) {
		t.Errorf("got %+v\nwant %+v", *a, want)
	}
	if a.AuthorizationHeader() != goodAuthz || a.Credential() != "AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request" || a.Scope() != "20150830/us-east-1/iam/aws4_request" {
		t.Errorf("formatting: %q %q %q", a.AuthorizationHeader(), a.Credential(), a.Scope())
	}
	// Separators without spaces, as some clients send them.
	b, err := sigv4.ParseAuthorization(strings.ReplaceAll(goodAuthz, ", ", ","))
	if err != nil || !sameAuth(a, b) {
		t.Errorf("compact form: %v %+v", err, b)
	}
}

func sameAuth(a, b *sigv4.Auth) bool {
	return a.Presigned == b.Presigned && a.AccessKeyID == b.AccessKeyID && a.Date == b.Date && a.Region == b.Region &&
		a.Service == b.Service && a.Terminator == b.Terminator && a.SignedHeaders == b.SignedHeaders &&
		a.Signature == b.Signature && a.AmzDate == b.AmzDate && a.Expires == b.Expires &&
		a.SecurityToken == b.SecurityToken && a.ContentSHA256 == b.ContentSHA256
}

// Malformed signatures are IncompleteSignature, with AWS's messages: the
// "requires ... parameter" sentences are what AWS answers an Authorization
// header that is not SigV4 (e.g. "Basic ...").
func TestParseAuthorizationErrors(t *testing.T) {
	cases := []struct {
		in, msg string
	}{
		{"Basic dXNlcjpwYXNz", "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Basic dXNlcjpwYXNz"},
		{"", "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization="},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, Signature=ab", "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, Signature=ab"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam, SignedHeaders=host, Signature=ab", "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20150830/us-east-1/iam'"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request/x, SignedHeaders=host, Signature=ab", "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20150830/us-east-1/iam/aws4_request/x'"},
		{"AWS4-HMAC-SHA512 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=ab", "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."},
		{"AWS4-HMAC-SHA256 Credential=A/2/r/s/t, Credential=A/2/r/s/t, SignedHeaders=host, Signature=ab", ""},
		{"AWS4-HMAC-SHA256 Credential=A/2/r/s/t, SignedHeaders=host name, Signature=ab", ""},
		{"AWS4-HMAC-SHA256 Credential=A/2/r/s/t, SignedHeaders=" + strings.Repeat("a;", 300) + "a, Signature=ab", ""},
		{"AWS4-HMAC-SHA256 Credential=A/2/r/s/t, SignedHeaders=host, Signature=" + strings.Repeat("a", 20000), ""},
	}
	for _, c := range cases {
		_, err := sigv4.ParseAuthorization(c.in)
		var e *sigv4.Error
		if !errors.As(err, &e) || e.Kind != sigv4.KindIncompleteSignature {
			t.Errorf("%.60q: got %v, want IncompleteSignature", c.in, err)
			continue
		}
		if c.msg != "" && e.Message != c.msg {
			t.Errorf("%.60q: message\n%q\nwant\n%q", c.in, e.Message, c.msg)
		}
	}
}

// The query form per the Amazon S3 API Reference, "Authenticating Requests:
// Using Query Parameters" (AWS Signature Version 4).
func TestParsePresigned(t *testing.T) {
	q := url.Values{
		"X-Amz-Algorithm":      {"AWS4-HMAC-SHA256"},
		"X-Amz-Credential":     {"AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
		"X-Amz-Date":           {"20130524T000000Z"},
		"X-Amz-Expires":        {"86400"},
		"X-Amz-SignedHeaders":  {"host"},
		"X-Amz-Signature":      {"aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"},
		"X-Amz-Security-Token": {"tok/en+=="},
		"versionId":            {"1"},
	}
	a, err := sigv4.ParsePresigned(q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	want := sigv4.Auth{Presigned: true, AccessKeyID: "AKIAIOSFODNN7EXAMPLE", Date: "20130524", Region: "us-east-1", Service: "s3",
		Terminator: "aws4_request", SignedHeaders: "host", Signature: "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
		AmzDate: "20130524T000000Z", Expires: 86400, SecurityToken: "tok/en+=="}
	if !sameAuth(a, &want) {
		t.Errorf("got %+v\nwant %+v", *a, want)
	}
	b, err := sigv4.ParsePresigned(a.Query().Encode())
	if err != nil || !sameAuth(a, b) {
		t.Errorf("round trip: %v %+v", err, b)
	}

	bad := []struct {
		edit  func(url.Values)
		s3msg string
	}{
		{func(q url.Values) { q.Del("X-Amz-Signature") }, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
		{func(q url.Values) { q.Del("X-Amz-Expires") }, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
		{func(q url.Values) { q.Set("X-Amz-Expires", "604801") }, "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"},
		{func(q url.Values) { q.Set("X-Amz-Expires", "99999999999999999999999") }, "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"},
		{func(q url.Values) { q.Set("X-Amz-Expires", "-1") }, "X-Amz-Expires must be non-negative"},
		{func(q url.Values) { q.Set("X-Amz-Expires", "soon") }, "X-Amz-Expires should be a number"},
		{func(q url.Values) { q.Set("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256") }, `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`},
		{func(q url.Values) { q.Set("X-Amz-Credential", "AKID/20130524/us-east-1") }, `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`},
		{func(q url.Values) { q.Add("X-Amz-Signature", "00") }, ""},
	}
	for i, c := range bad {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = append([]string(nil), v...)
		}
		c.edit(q2)
		_, err := sigv4.ParsePresigned(q2.Encode())
		var e *sigv4.Error
		if !errors.As(err, &e) || e.Kind != sigv4.KindIncompleteSignature || !e.Presigned {
			t.Errorf("case %d: got %v, want presigned IncompleteSignature", i, err)
			continue
		}
		if e.Code("restxml") != "AuthorizationQueryParametersError" {
			t.Errorf("case %d: S3 code %s", i, e.Code("restxml"))
		}
		if c.s3msg != "" && e.Text("restxml") != c.s3msg {
			t.Errorf("case %d: S3 message %q, want %q", i, e.Text("restxml"), c.s3msg)
		}
	}
}

func TestIsSignedAndParse(t *testing.T) {
	cases := []struct {
		target string
		header string
		signed bool
		kind   sigv4.Kind
	}{
		{"/?Action=GetCallerIdentity", "", false, sigv4.KindMissingAuthenticationToken},
		{"/", goodAuthz, true, 0},
		{"/?X-Amz-Algorithm=AWS4-HMAC-SHA256", "", true, sigv4.KindIncompleteSignature},
		{"/?X-Amz-Credential=x", "", true, sigv4.KindIncompleteSignature},
		{"/?X%2DAmz%2DSignature=x", "", true, sigv4.KindIncompleteSignature},
		{"/?X-Amz-Date=20150830T123600Z", "", false, sigv4.KindMissingAuthenticationToken},
		{"/?X-Amz-Algorithm=AWS4-HMAC-SHA256", goodAuthz, true, sigv4.KindIncompleteSignature},
	}
	for _, c := range cases {
		r, _ := http.NewRequest("GET", "https://iam.amazonaws.com"+c.target, nil)
		if c.header != "" {
			r.Header.Set("Authorization", c.header)
			r.Header.Set("X-Amz-Date", "20150830T123600Z")
		}
		if got := sigv4.IsSigned(r); got != c.signed {
			t.Errorf("IsSigned(%s, %q) = %v", c.target, c.header, got)
		}
		a, err := sigv4.Parse(r)
		if kindOf(err) != c.kind {
			t.Errorf("Parse(%s, %q): %v, want %v", c.target, c.header, err, c.kind)
		}
		if c.kind == 0 && (a == nil || a.Service != "iam" || a.Region != "us-east-1") {
			t.Errorf("Parse(%s): %+v", c.target, a)
		}
	}
}

// TestVerifyMessages checks AWS's texts for the failures before the
// signature itself is compared.
func TestVerifyMessages(t *testing.T) {
	v := sigv4.New(sigv4.LookupFunc(func(context.Context, string) (sigv4.Credential, error) {
		return sigv4.Credential{SecretKey: "x", Active: true}, nil
	}), sigv4.Options{
		Now:            func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) },
		GlobalServices: map[string]string{"iam": "us-east-1"},
	})
	const sig = ", SignedHeaders=host;x-amz-date, Signature=00"
	cases := []struct {
		authz, date string
		kind        sigv4.Kind
		msg         string
		s3code      string
	}{
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" + sig, "",
			sigv4.KindIncompleteSignature,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" + sig, "AccessDenied"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" + sig, "2015-08-30T12:36:00Z",
			sigv4.KindIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601", "AccessDenied"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" + sig, "20150231T123600Z",
			sigv4.KindIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '20150231T123600Z'. See http://en.wikipedia.org/wiki/ISO_8601", "AccessDenied"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/eu-west-1/iam/aws4_request" + sig, "20150830T123600Z",
			sigv4.KindSignatureDoesNotMatch, "Credential should be scoped to a valid region, not 'eu-west-1'. ", "AuthorizationHeaderMalformed"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830//sts/aws4_request" + sig, "20150830T123600Z",
			sigv4.KindSignatureDoesNotMatch, "Credential should be scoped to a valid region, not ''. ", "AuthorizationHeaderMalformed"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_requests" + sig, "20150830T123600Z",
			sigv4.KindSignatureDoesNotMatch, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'. ", "AuthorizationHeaderMalformed"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150829/us-east-1/iam/aws4_request" + sig, "20150830T123600Z",
			sigv4.KindSignatureDoesNotMatch, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', from '20150830T123600Z'.", "AuthorizationHeaderMalformed"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=00", "20150830T123600Z",
			sigv4.KindIncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", "AccessDenied"},
		// "Signature expired: 20220127T001427Z is now earlier than
		// 20220127T014428Z (20220127T015928Z - 15 min.)", as STS answers.
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" + sig, "20150830T122000Z",
			sigv4.KindRequestExpired, "Signature expired: 20150830T122000Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)", "RequestTimeTooSkewed"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" + sig, "20150830T125200Z",
			sigv4.KindRequestNotYetValid, "Signature not yet current: 20150830T125200Z is still later than 20150830T125100Z (20150830T123600Z + 15 min.)", "RequestTimeTooSkewed"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request" + sig, "20150830T123600Z",
			sigv4.KindSignatureDoesNotMatch, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", "SignatureDoesNotMatch"},
	}
	for _, c := range cases {
		r, _ := http.NewRequest("GET", "https://iam.amazonaws.com/", nil)
		r.Header.Set("Authorization", c.authz)
		if c.date != "" {
			r.Header.Set("X-Amz-Date", c.date)
		}
		_, err := v.Verify(context.Background(), r, nil)
		var e *sigv4.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v", c.msg, err)
			continue
		}
		if e.Kind != c.kind || e.Message != c.msg || e.Code("restxml") != c.s3code {
			t.Errorf("got %v %q (S3 %s)\nwant %v %q (S3 %s)", e.Kind, e.Message, e.Code("restxml"), c.kind, c.msg, c.s3code)
		}
	}
}

// TestDateHeader: without X-Amz-Date the Date header gives the time, and
// the string to sign carries it in the basic ISO 8601 form (IAM User Guide,
// "Elements of an AWS API request signature": a Date header may stand for
// X-Amz-Date). The signature is computed here with crypto/hmac.
func TestDateHeader(t *testing.T) {
	date := now.Format(http.TimeFormat)
	creq := "GET\n/\n\ndate:" + date + "\nhost:sts.us-east-1.amazonaws.com\n\ndate;host\n" + sha256Hex(nil)
	sts := "AWS4-HMAC-SHA256\n20260504T102030Z\n20260504/us-east-1/sts/aws4_request\n" + sha256Hex([]byte(creq))
	key := deriveKeyForTest(secret, "20260504", "us-east-1", "sts")
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte(sts))
	authz := "AWS4-HMAC-SHA256 Credential=" + akid + "/20260504/us-east-1/sts/aws4_request, SignedHeaders=date;host, Signature=" + hex.EncodeToString(mac.Sum(nil))

	r, _ := http.NewRequest("GET", "https://sts.us-east-1.amazonaws.com/", nil)
	r.Header.Set("Date", date)
	r.Header.Set("Authorization", authz)
	res, err := newVerifier(testLookup()).Verify(context.Background(), r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Time.Equal(now) || res.AmzDate != "20260504T102030Z" {
		t.Errorf("time %v %s", res.Time, res.AmzDate)
	}
	r.Header.Set("Date", "yesterday")
	if _, err := newVerifier(testLookup()).Verify(context.Background(), r, nil); kindOf(err) != sigv4.KindIncompleteSignature {
		t.Fatalf("bad Date: %v", err)
	}
	// X-Amz-Date wins over Date.
	r.Header.Set("Date", date)
	r.Header.Set("X-Amz-Date", "20260504T102031Z")
	if _, err := newVerifier(testLookup()).Verify(context.Background(), r, nil); kindOf(err) != sigv4.KindSignatureDoesNotMatch {
		t.Fatalf("with X-Amz-Date: %v", err)
	}
}

// Codes and statuses per protocol: the Common Errors pages of the IAM and
// STS API References (awsQuery), AWS's JSON services' exception names, and
// the Amazon S3 API Reference's "Error responses" list.
func TestErrorCodes(t *testing.T) {
	type cs struct {
		code   string
		status int
	}
	cases := []struct {
		kind                 sigv4.Kind
		presigned            bool
		query, json, restxml cs
	}{
		{sigv4.KindMissingAuthenticationToken, false, cs{"MissingAuthenticationToken", 403}, cs{"MissingAuthenticationTokenException", 403}, cs{"AccessDenied", 403}},
		{sigv4.KindIncompleteSignature, false, cs{"IncompleteSignature", 400}, cs{"IncompleteSignatureException", 400}, cs{"AuthorizationHeaderMalformed", 400}},
		{sigv4.KindIncompleteSignature, true, cs{"IncompleteSignature", 400}, cs{"IncompleteSignatureException", 400}, cs{"AuthorizationQueryParametersError", 400}},
		{sigv4.KindSignatureDoesNotMatch, false, cs{"SignatureDoesNotMatch", 403}, cs{"InvalidSignatureException", 403}, cs{"SignatureDoesNotMatch", 403}},
		{sigv4.KindRequestExpired, false, cs{"SignatureDoesNotMatch", 403}, cs{"InvalidSignatureException", 403}, cs{"RequestTimeTooSkewed", 403}},
		{sigv4.KindRequestNotYetValid, false, cs{"SignatureDoesNotMatch", 403}, cs{"InvalidSignatureException", 403}, cs{"RequestTimeTooSkewed", 403}},
		{sigv4.KindPresignExpired, true, cs{"SignatureDoesNotMatch", 403}, cs{"InvalidSignatureException", 403}, cs{"AccessDenied", 403}},
		{sigv4.KindPresignNotYetValid, true, cs{"SignatureDoesNotMatch", 403}, cs{"InvalidSignatureException", 403}, cs{"AccessDenied", 403}},
		{sigv4.KindExpiredToken, false, cs{"ExpiredToken", 403}, cs{"ExpiredTokenException", 403}, cs{"ExpiredToken", 400}},
		{sigv4.KindInvalidToken, false, cs{"InvalidClientTokenId", 403}, cs{"UnrecognizedClientException", 403}, cs{"InvalidToken", 400}},
		{sigv4.KindUnknownKey, false, cs{"InvalidClientTokenId", 403}, cs{"UnrecognizedClientException", 403}, cs{"InvalidAccessKeyId", 403}},
		{sigv4.KindHeadersNotSigned, false, cs{"SignatureDoesNotMatch", 403}, cs{"InvalidSignatureException", 403}, cs{"AccessDenied", 403}},
		{sigv4.KindContentSHA256Mismatch, false, cs{"SignatureDoesNotMatch", 403}, cs{"InvalidSignatureException", 403}, cs{"XAmzContentSHA256Mismatch", 400}},
	}
	for _, c := range cases {
		e := &sigv4.Error{Kind: c.kind, Presigned: c.presigned}
		for _, p := range []struct {
			name string
			want cs
		}{{"query", c.query}, {"awsQuery", c.query}, {"json", c.json}, {"awsJson1_1", c.json}, {"restjson", c.json}, {"restJson1", c.json}, {"restxml", c.restxml}} {
			if got := (cs{e.Code(p.name), e.Status(p.name)}); got != p.want {
				t.Errorf("%v (presigned %v) in %s: %v, want %v", c.kind, c.presigned, p.name, got, p.want)
			}
		}
		if e.Kind.String() == "Unknown" || e.Error() == "" {
			t.Errorf("%d has no name", c.kind)
		}
	}
}

// S3's own texts (Amazon S3 API Reference, "Error responses").
func TestS3Texts(t *testing.T) {
	cases := map[sigv4.Kind]string{
		sigv4.KindUnknownKey:            "The AWS Access Key Id you provided does not exist in our records.",
		sigv4.KindSignatureDoesNotMatch: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		sigv4.KindRequestExpired:        "The difference between the request time and the current time is too large.",
		sigv4.KindPresignExpired:        "Request has expired",
		sigv4.KindPresignNotYetValid:    "Request is not yet valid",
		sigv4.KindExpiredToken:          "The provided token has expired.",
		sigv4.KindInvalidToken:          "The provided token is malformed or otherwise invalid.",
		sigv4.KindHeadersNotSigned:      "There were headers present in the request which were not signed",
	}
	for k, want := range cases {
		e := &sigv4.Error{Kind: k, Message: "query text"}
		if got := e.Text("restxml"); got != want {
			t.Errorf("%v: %q, want %q", k, got, want)
		}
		if got := e.Text("query"); got != "query text" {
			t.Errorf("%v: query text %q", k, got)
		}
	}
}

// TestMaxSkew: a shorter allowed skew, worded like AWS's 5-minute services
// ("Signature expired: 20150411T064107Z is now earlier than 20150411T064135Z
// (20150411T064635Z - 5 min.)").
func TestMaxSkew(t *testing.T) {
	v := sigv4.New(testLookup(), sigv4.Options{Now: func() time.Time { return now }, MaxSkew: 5 * time.Minute})
	o := defaultOpts()
	o.at = now.Add(-6 * time.Minute)
	s := sign(t, "POST", "https://sts.us-east-1.amazonaws.com/", []byte(stsBody), formHeader(), o)
	_, err := v.Verify(context.Background(), s.req, s.body)
	var e *sigv4.Error
	if !errors.As(err, &e) || e.Kind != sigv4.KindRequestExpired ||
		e.Message != "Signature expired: 20260504T101430Z is now earlier than 20260504T101530Z (20260504T102030Z - 5 min.)" {
		t.Fatalf("got %v", err)
	}
	want := []sigv4.Field{{"RequestTime", "20260504T101430Z"}, {"ServerTime", "2026-05-04T10:20:30Z"}, {"MaxAllowedSkewMilliseconds", "300000"}}
	if len(e.Fields) != len(want) {
		t.Fatalf("fields %v", e.Fields)
	}
	for i := range want {
		if e.Fields[i] != want[i] {
			t.Errorf("field %d: %v, want %v", i, e.Fields[i], want[i])
		}
	}
}

// S3 names the headers it found unsigned (Amazon S3 API Reference, "Error
// responses": AccessDenied with HeadersNotSigned).
func TestHeadersNotSignedField(t *testing.T) {
	o := defaultOpts()
	o.service, o.disableURIEscaping, o.contentSHA256 = "s3", true, "UNSIGNED-PAYLOAD"
	s := sign(t, "PUT", "https://s3.us-east-1.amazonaws.com/bucket/key", []byte("x"), nil, o)
	s.req.Header.Set("X-Amz-Meta-B", "2")
	s.req.Header.Set("X-Amz-Acl", "private")
	s.req.Header.Set("X-Amzn-Trace-Id", "not an x-amz- header")
	_, err := newVerifier(testLookup()).Verify(context.Background(), s.req, s.body)
	var e *sigv4.Error
	if !errors.As(err, &e) || e.Kind != sigv4.KindHeadersNotSigned || len(e.Fields) != 1 ||
		e.Fields[0] != (sigv4.Field{Name: "HeadersNotSigned", Value: "x-amz-acl, x-amz-meta-b"}) {
		t.Fatalf("got %v %+v", err, e)
	}
	if e.Code("restxml") != "AccessDenied" || e.Status("restxml") != 403 || e.Text("restxml") != "There were headers present in the request which were not signed" {
		t.Errorf("S3 answer %s %d %q", e.Code("restxml"), e.Status("restxml"), e.Text("restxml"))
	}
}
