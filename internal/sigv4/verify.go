package sigv4

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Credential is what the server knows of an access key.
type Credential struct {
	AccessKeyID string
	SecretKey   string
	// SessionToken is non-empty for temporary (ASIA) keys: the request's
	// X-Amz-Security-Token must equal it.
	SessionToken string
	// Expires is when temporary credentials expire; zero means never.
	Expires time.Time
	// Active is false for a deactivated long-term key, which is refused like
	// an unknown one.
	Active bool
}

// String describes c without its secret key or session token, so that a
// credential printed by mistake reveals neither.
func (c Credential) String() string {
	s := "sigv4.Credential{AccessKeyID: " + c.AccessKeyID + ", Active: " + strconv.FormatBool(c.Active)
	if c.SessionToken != "" {
		s += ", Temporary, Expires: " + c.Expires.UTC().Format(time.RFC3339)
	}
	return s + "}"
}

// LogValue logs c without its secret key or session token.
func (c Credential) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", c.AccessKeyID), slog.Bool("active", c.Active),
		slog.Bool("temporary", c.SessionToken != ""), slog.Time("expires", c.Expires))
}

// Lookup finds the credential of an access key id. It returns ErrUnknownKey
// (possibly wrapped) when there is no such key.
type Lookup interface {
	LookupCredential(ctx context.Context, accessKeyID string) (Credential, error)
}

// LookupFunc adapts a function to Lookup.
type LookupFunc func(ctx context.Context, accessKeyID string) (Credential, error)

// LookupCredential calls f.
func (f LookupFunc) LookupCredential(ctx context.Context, accessKeyID string) (Credential, error) {
	return f(ctx, accessKeyID)
}

// Options configure a Verifier.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MaxSkew is how far a header-signed request's time may be from Now,
	// either way; 15 minutes when zero, as AWS allows.
	MaxSkew time.Duration
	// GlobalServices maps a global service to the only region its requests
	// may be signed for, e.g. "iam": "us-east-1". AWS refuses other regions
	// with SignatureDoesNotMatch "Credential should be scoped to a valid
	// region".
	GlobalServices map[string]string
	// ValidRegion, when set, reports whether a credential scope's region is
	// a region name the server knows; others are refused like a wrong region
	// for a global service.
	ValidRegion func(region string) bool
	// KeyCacheSize bounds the signing-key cache (about twice this many keys
	// are kept); 4096 when zero.
	KeyCacheSize int
}

// Verifier verifies SigV4 signatures. It is safe for concurrent use.
type Verifier struct {
	lookup      Lookup
	now         func() time.Time
	skew        time.Duration
	global      map[string]string
	validRegion func(string) bool
	keys        *keyCache
}

// New returns a Verifier that finds credentials with lookup.
func New(lookup Lookup, opts Options) *Verifier {
	v := &Verifier{
		lookup:      lookup,
		now:         opts.Now,
		skew:        opts.MaxSkew,
		global:      make(map[string]string, len(opts.GlobalServices)),
		validRegion: opts.ValidRegion,
		keys:        newKeyCache(opts.KeyCacheSize),
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.skew <= 0 {
		v.skew = 15 * time.Minute
	}
	for s, r := range opts.GlobalServices {
		v.global[s] = r
	}
	return v
}

// Result describes a request whose signature verified.
type Result struct {
	AccessKeyID string
	// Credential is the looked-up credential, without its secret key.
	Credential Credential
	Region     string
	Service    string
	// Date is the credential scope's date, YYYYMMDD.
	Date string
	// Time is the request's signing time; AmzDate is the same in the
	// string-to-sign's form, 20060102T150405Z.
	Time    time.Time
	AmzDate string
	// SignedHeaders is the signed header list as sent (names joined by ';').
	SignedHeaders string
	Presigned     bool
	// PayloadHash is the payload hash the signature covers: the declared
	// X-Amz-Content-Sha256 (a hex hash, UNSIGNED-PAYLOAD or a STREAMING-
	// value) or the hex SHA-256 of the body.
	PayloadHash string
	// Streaming is true when PayloadHash is a STREAMING-... value: the body
	// is aws-chunked and its chunk signatures are still to be checked, using
	// SigningKey, Scope and Signature (the seed signature).
	Streaming bool
	// PayloadChecked is true when the body's SHA-256 was computed here, so
	// the body is covered by the signature. It is false for UNSIGNED-PAYLOAD,
	// streaming payloads, and for VerifyStream.
	PayloadChecked bool
	// Signature is the request's signature (the seed of aws-chunked
	// streaming signatures).
	Signature string
	// SigningKey is the derived key for the credential scope, which
	// aws-chunked chunk signatures are computed with.
	SigningKey SigningKey

	scope string
}

// SigningKey is a derived SigV4 signing key. It prints as "[redacted]".
type SigningKey [sha256.Size]byte

// String implements fmt.Stringer without revealing the key.
func (SigningKey) String() string { return "[redacted]" }

// Scope returns the credential scope, DATE/REGION/SERVICE/aws4_request.
func (r *Result) Scope() string { return r.scope }

// String describes r without its signing key or session token.
func (r *Result) String() string {
	return "sigv4.Result{AccessKeyID: " + r.AccessKeyID + ", Scope: " + r.scope + ", AmzDate: " + r.AmzDate +
		", Presigned: " + strconv.FormatBool(r.Presigned) + ", PayloadHash: " + r.PayloadHash + "}"
}

// LogValue logs r without its signing key or session token.
func (r *Result) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", r.AccessKeyID), slog.String("scope", r.scope),
		slog.String("amz_date", r.AmzDate), slog.Bool("presigned", r.Presigned), slog.String("payload_hash", r.PayloadHash))
}

// SignedHeaderNames returns the signed header names.
func (r *Result) SignedHeaderNames() []string { return splitSigned(r.SignedHeaders) }

const (
	unsignedPayload = "UNSIGNED-PAYLOAD"
	streamingPrefix = "STREAMING-"
	emptySHA256     = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 2048)
	return &b
}}

// Verify authenticates r, whose whole body is body (nil for none). It
// returns an *Error for a request AWS would refuse, and another error only
// when the credential lookup fails.
//
// The payload hash signed is the X-Amz-Content-Sha256 header's value when
// the request has one (a hex value must then match body's SHA-256), else
// for a presigned request the X-Amz-Content-Sha256 query parameter, else
// UNSIGNED-PAYLOAD for a presigned S3 request, else the SHA-256 of body.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*Result, error) {
	return v.verify(ctx, r, body, true)
}

// VerifyStream authenticates r before its body is read. It succeeds only for
// requests that declare their payload hash (X-Amz-Content-Sha256, or a
// presigned S3 request); when Result.PayloadHash is a hex hash the caller
// must compare it with the SHA-256 of the body it reads.
func (v *Verifier) VerifyStream(ctx context.Context, r *http.Request) (*Result, error) {
	return v.verify(ctx, r, nil, false)
}

func (v *Verifier) verify(ctx context.Context, r *http.Request, body []byte, haveBody bool) (*Result, error) {
	var a Auth
	if err := parseRequest(r, &a); err != nil {
		return nil, err
	}
	s3 := a.Service == "s3"
	fail := func(k Kind, msg string) *Error {
		return &Error{Kind: k, Message: msg, Presigned: a.Presigned}
	}
	malformed := msgS3HeaderMalformed
	if a.Presigned {
		malformed = msgS3QueryMalformed
	}

	// The request time: X-Amz-Date (the query parameter of a presigned
	// request), else the Date header.
	amzDate := a.AmzDate
	if !a.Presigned {
		if vs := r.Header["X-Amz-Date"]; len(vs) > 0 {
			amzDate = vs[0]
		}
	}
	var t time.Time
	if amzDate != "" || a.Presigned {
		var ok bool
		if t, ok = parseAmzDate(amzDate); !ok {
			e := fail(KindIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '"+amzDate+"'. See http://en.wikipedia.org/wiki/ISO_8601")
			if a.Presigned {
				return nil, e.withS3("", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
			}
			return nil, e.withS3("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
		}
	} else {
		d := headerFirst(r.Header, "Date")
		var err error
		if t, err = http.ParseTime(d); err != nil {
			// AWS's wording for an unparsable Date header was not found.
			return nil, fail(KindIncompleteSignature, "Date must be an HTTP date or X-Amz-Date must be in ISO-8601 'basic format'. Got Date '"+d+"'.").
				withS3("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
		}
		t = t.UTC()
		amzDate = formatAmzDate(t)
	}

	// The credential scope.
	if a.Terminator != Terminator {
		return nil, fail(KindSignatureDoesNotMatch, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+a.Terminator+"'. ").
			withS3(s3Code(KindIncompleteSignature, a.Presigned), malformed+"incorrect terminal \""+a.Terminator+"\". This endpoint uses \"aws4_request\".")
	}
	if a.Date != amzDate[:8] {
		e := fail(KindSignatureDoesNotMatch, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+a.Date+"' != '"+amzDate[:8]+"', from '"+amzDate+"'.")
		if a.Presigned {
			return nil, e.withS3("AuthorizationQueryParametersError", "Invalid credential date \""+a.Date+"\". This date is not the same as X-Amz-Date: \""+amzDate[:8]+"\".")
		}
		return nil, e.withS3("AuthorizationHeaderMalformed", msgS3HeaderMalformed+"Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	want, global := v.global[a.Service]
	if a.Region == "" || global && a.Region != want || !global && v.validRegion != nil && !v.validRegion(a.Region) {
		s3msg := malformed + "the region '" + a.Region + "' is wrong"
		if global {
			s3msg += "; expecting '" + want + "'"
		}
		return nil, fail(KindSignatureDoesNotMatch, "Credential should be scoped to a valid region, not '"+a.Region+"'. ").
			withS3(s3Code(KindIncompleteSignature, a.Presigned), s3msg)
	}

	// Signed headers: host always (IAM User Guide, "Elements of an AWS API
	// request signature"); for S3 also every x-amz-* header sent (Amazon S3
	// API Reference, "Authenticating Requests: Using the Authorization
	// Header").
	if !signsHost(a.SignedHeaders) {
		return nil, fail(KindIncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.").
			withS3("AccessDenied", "There were headers present in the request which were not signed").
			withField("HeadersNotSigned", "host")
	}
	if s3 {
		if missing := unsignedAmzHeaders(r.Header, a.SignedHeaders); missing != "" {
			return nil, fail(KindHeadersNotSigned, "There were headers present in the request which were not signed").
				withField("HeadersNotSigned", missing)
		}
	}

	// The time window.
	now := v.now().UTC()
	if a.Presigned && s3 {
		// S3 honours X-Amz-Expires (Amazon S3 API Reference,
		// "Authenticating Requests: Using Query Parameters").
		exp := t.Add(time.Duration(a.Expires) * time.Second)
		if t.After(now.Add(v.skew)) {
			return nil, fail(KindPresignNotYetValid, "Request is not yet valid").
				withField("X-Amz-Date", amzDate).
				withField("Expires", exp.Format(time.RFC3339)).
				withField("ServerTime", now.Format(time.RFC3339))
		}
		if now.After(exp) {
			return nil, fail(KindPresignExpired, "Request has expired").
				withField("X-Amz-Expires", strconv.FormatInt(a.Expires, 10)).
				withField("Expires", exp.Format(time.RFC3339)).
				withField("ServerTime", now.Format(time.RFC3339))
		}
	} else {
		// Other services hold presigned requests to the same window as
		// header-signed ones whatever X-Amz-Expires says: STS answers a
		// presigned GetCallerIdentity up to 15 minutes after X-Amz-Date and
		// no later (aws/aws-sdk-go#2167, aws/aws-sdk-ruby#2887).
		if lo := now.Add(-v.skew); t.Before(lo) {
			return nil, v.skewed(fail(KindRequestExpired, "Signature expired: "+amzDate+" is now earlier than "+formatAmzDate(lo)+" ("+formatAmzDate(now)+" - "+v.skewText()+")"), amzDate, now)
		}
		if hi := now.Add(v.skew); t.After(hi) {
			return nil, v.skewed(fail(KindRequestNotYetValid, "Signature not yet current: "+amzDate+" is still later than "+formatAmzDate(hi)+" ("+formatAmzDate(now)+" + "+v.skewText()+")"), amzDate, now)
		}
	}

	// The credential.
	cred, err := v.lookup.LookupCredential(ctx, a.AccessKeyID)
	if errors.Is(err, ErrUnknownKey) || err == nil && !cred.Active {
		return nil, fail(KindUnknownKey, msgInvalidToken).withField("AWSAccessKeyId", a.AccessKeyID)
	}
	if err != nil {
		return nil, fmt.Errorf("sigv4: looking up access key: %w", err)
	}
	token := a.SecurityToken
	if token == "" {
		token = headerFirst(r.Header, "X-Amz-Security-Token")
	}
	if cred.SessionToken != "" {
		if subtle.ConstantTimeCompare([]byte(token), []byte(cred.SessionToken)) != 1 {
			return nil, fail(KindInvalidToken, msgInvalidToken)
		}
		if !cred.Expires.IsZero() && !now.Before(cred.Expires) {
			return nil, fail(KindExpiredToken, msgExpiredToken)
		}
	} else if token != "" {
		// A long-term key with a token: AWS refuses the token.
		return nil, fail(KindInvalidToken, msgInvalidToken)
	}

	// The payload hash.
	var bodyHash [2 * sha256.Size]byte
	declared := headerFirst(r.Header, "X-Amz-Content-Sha256")
	if declared == "" && a.Presigned {
		declared = a.ContentSHA256
	}
	payload := declared
	switch {
	case declared != "":
		if s3 && !validS3PayloadHash(declared) {
			return nil, fail(KindIncompleteSignature, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING- value, or a valid sha256 value.").
				withS3("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
		}
	case a.Presigned && s3:
		payload = unsignedPayload
	case !haveBody:
		return nil, fail(KindIncompleteSignature, "Missing required header for this request: x-amz-content-sha256").
			withS3("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
	default:
		sum := sha256.Sum256(body)
		hex.Encode(bodyHash[:], sum[:])
	}

	// The signature. When the first canonical request does not match, the
	// variants that other signers produce and AWS accepts are tried (only on
	// failure, so a correct signature costs one HMAC; a wrong one at most
	// four):
	//   - the path as sent, unnormalized (the AWS SDK for Go normalizes no
	//     path; botocore does);
	//   - a presigned URL without its X-Amz-Security-Token (added after
	//     signing, as the test suite's post-sts-header-after allows).
	// S3 signs the path as sent and needs its token signed, so for S3 only
	// the first canonical request counts.
	key := v.keys.get(cred.SecretKey, a.Date, a.Region, a.Service)
	bp := bufPool.Get().(*[]byte)
	defer putBuf(bp)
	path := requestPath(r)
	s := signing{
		r: r, amzDate: amzDate, scope: a.scope, signedHeaders: a.SignedHeaders, signature: a.Signature,
		presigned: a.Presigned, s3: s3, path: path, key: key, payload: payload, bodyHash: bodyHash,
	}
	ok, sts := s.try(bp)
	if !ok && !s3 {
		canRaw := normalizePath(path) != path
		canDrop := a.Presigned && a.SecurityToken != ""
		for variant := 1; variant < 4 && !ok; variant++ {
			s.rawPath, s.dropToken = variant&1 != 0, variant&2 != 0
			if s.rawPath && !canRaw || s.dropToken && !canDrop {
				continue
			}
			ok, _ = s.try(bp)
		}
	}
	if !ok {
		return nil, fail(KindSignatureDoesNotMatch, msgSignatureDoesNotMatch).
			withField("AWSAccessKeyId", a.AccessKeyID).
			withField("StringToSign", sts).
			withField("SignatureProvided", a.Signature)
	}

	res := &Result{
		AccessKeyID:   a.AccessKeyID,
		Credential:    cred,
		Region:        a.Region,
		Service:       a.Service,
		Date:          a.Date,
		Time:          t,
		AmzDate:       amzDate,
		SignedHeaders: a.SignedHeaders,
		Presigned:     a.Presigned,
		PayloadHash:   payload,
		Streaming:     strings.HasPrefix(payload, streamingPrefix),
		Signature:     a.Signature,
		SigningKey:    SigningKey(key),
		scope:         a.scope,
	}
	res.Credential.SecretKey = ""
	if payload == "" {
		res.PayloadHash = string(bodyHash[:])
		res.PayloadChecked = true
	} else if haveBody && isHexHash(declared) {
		sum := sha256.Sum256(body)
		hex.Encode(bodyHash[:], sum[:])
		if !strings.EqualFold(declared, string(bodyHash[:])) {
			return nil, fail(KindContentSHA256Mismatch, msgSignatureDoesNotMatch).
				withField("ClientComputedContentSHA256", declared).
				withField("S3ComputedContentSHA256", string(bodyHash[:]))
		}
		res.PayloadChecked = true
	}
	return res, nil
}

// putBuf returns a buffer to the pool unless a large request grew it.
func putBuf(bp *[]byte) {
	if cap(*bp) <= 64<<10 {
		bufPool.Put(bp)
	}
}

// skewText is the allowed skew as AWS words it in its messages: "15 min.".
func (v *Verifier) skewText() string {
	if v.skew%time.Minute == 0 {
		return strconv.FormatInt(int64(v.skew/time.Minute), 10) + " min."
	}
	return v.skew.String()
}

// skewed adds S3's fields for RequestTimeTooSkewed.
func (v *Verifier) skewed(e *Error, amzDate string, now time.Time) *Error {
	return e.withField("RequestTime", amzDate).
		withField("ServerTime", now.Format(time.RFC3339)).
		withField("MaxAllowedSkewMilliseconds", strconv.FormatInt(v.skew.Milliseconds(), 10))
}

// signing holds what one signature check needs. It holds values, not
// pointers to the caller's locals, so that it stays on the stack.
type signing struct {
	r             *http.Request
	amzDate       string
	scope         string
	signedHeaders string
	signature     string
	presigned     bool
	s3            bool
	path          string
	key           [sha256.Size]byte
	// payload is the declared payload hash; when empty, the body's hash is
	// bodyHash.
	payload  string
	bodyHash [2 * sha256.Size]byte

	// The variant of the canonical request: the path unnormalized, the
	// query without X-Amz-Security-Token.
	rawPath, dropToken bool
}

// try computes the signature for s's canonical-request variant and compares
// it with the request's, in constant time. It returns the string to sign
// for the error report.
func (s *signing) try(bp *[]byte) (bool, string) {
	b := s.appendCanonicalRequest((*bp)[:0])
	creqHash := sha256.Sum256(b)

	// The string to sign.
	b = b[:0]
	b = append(b, Algorithm...)
	b = append(b, '\n')
	b = append(b, s.amzDate...)
	b = append(b, '\n')
	b = append(b, s.scope...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, creqHash[:])
	sig := hmacSHA256(s.key[:], b)
	*bp = b

	var mine, theirs [2 * sha256.Size]byte
	hex.Encode(mine[:], sig[:])
	ok := len(s.signature) == len(theirs) &&
		copy(theirs[:], s.signature) == len(theirs) &&
		subtle.ConstantTimeCompare(mine[:], theirs[:]) == 1
	if ok {
		return true, ""
	}
	return false, string(b)
}

// appendCanonicalRequest appends the canonical request of s's variant.
func (s *signing) appendCanonicalRequest(b []byte) []byte {
	method := s.r.Method
	if method == "" {
		method = http.MethodGet
	}
	b = append(b, method...)
	b = append(b, '\n')
	b = appendCanonicalURI(b, s.path, s.s3, s.rawPath)
	b = append(b, '\n')
	b = appendCanonicalQuery(b, rawQuery(s.r), s.presigned, s.dropToken)
	b = append(b, '\n')
	b = appendCanonicalHeaders(b, s.r, s.signedHeaders)
	b = append(b, '\n')
	if s.payload != "" {
		return append(b, s.payload...)
	}
	return append(b, s.bodyHash[:]...)
}

// headerFirst returns the first value of a header given its canonical name
// (Header.Get would canonicalize it again).
func headerFirst(h http.Header, canonical string) string {
	if v := h[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// signsHost reports whether the signed header list has host (or the HTTP/2
// :authority).
func signsHost(signed string) bool {
	for rest := signed; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, ";")
		if strings.EqualFold(name, "host") || name == ":authority" {
			return true
		}
	}
	return false
}

// unsignedAmzHeaders lists, sorted and comma-separated, the x-amz-* headers
// of h that the signed list lacks.
func unsignedAmzHeaders(h http.Header, signed string) string {
	var missing []string
	for k := range h {
		if len(k) < 6 || !strings.EqualFold(k[:6], "x-amz-") {
			continue
		}
		if !listHas(signed, k) {
			missing = append(missing, strings.ToLower(k))
		}
	}
	if missing == nil {
		return ""
	}
	slices.Sort(missing)
	return strings.Join(missing, ", ")
}

func listHas(list, name string) bool {
	for rest := list; rest != ""; {
		var n string
		n, rest, _ = strings.Cut(rest, ";")
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

func validS3PayloadHash(h string) bool {
	switch h {
	case unsignedPayload,
		"STREAMING-UNSIGNED-PAYLOAD-TRAILER",
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
		"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
		"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER":
		return true
	}
	return isHexHash(h)
}

func isHexHash(h string) bool {
	if len(h) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(h); i++ {
		if !isHex(h[i]) {
			return false
		}
	}
	return true
}

// parseAmzDate parses the ISO 8601 basic format 20060102T150405Z strictly.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != 16 || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	var n [6]int
	for i, span := range [6][2]int{{0, 4}, {4, 6}, {6, 8}, {9, 11}, {11, 13}, {13, 15}} {
		for j := span[0]; j < span[1]; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	// time.Date normalizes out-of-range fields; refuse what it changed.
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] ||
		t.Hour() != n[3] || t.Minute() != n[4] || t.Second() != n[5] {
		return time.Time{}, false
	}
	return t, true
}

// formatAmzDate formats t (in UTC) as 20060102T150405Z.
func formatAmzDate(t time.Time) string {
	var b [16]byte
	return string(appendAmzDate(b[:0], t))
}

func appendAmzDate(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append2(append2(b, y/100), y%100)
	b = append2(append2(b, int(mo)), d)
	b = append(b, 'T')
	b = append2(append2(append2(b, h), mi), s)
	return append(b, 'Z')
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10%10), byte('0'+n%10))
}
