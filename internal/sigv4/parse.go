package sigv4

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	// Algorithm is the only signing algorithm verified here.
	Algorithm = "AWS4-HMAC-SHA256"
	// Terminator ends every SigV4 credential scope.
	Terminator = "aws4_request"

	// MaxPresignExpires is the longest X-Amz-Expires AWS accepts: seven days.
	MaxPresignExpires = 604800

	// maxAuthorizationLen bounds the Authorization header parsed; AWS SDKs
	// send a few hundred bytes.
	maxAuthorizationLen = 16 << 10
	// maxSignedHeaders bounds the number of signed header names.
	maxSignedHeaders = 256
)

// Presigned query parameter names.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qSecurityToken = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// Auth is the signature part of a request, read without verifying it: enough
// for the server to route by the credential scope's service and region.
type Auth struct {
	// Presigned is true for query-string (presigned URL) authentication.
	Presigned bool

	AccessKeyID string
	Date        string // credential scope date, YYYYMMDD as sent
	Region      string
	Service     string
	Terminator  string // "aws4_request" in a well-formed scope

	// SignedHeaders is the list as sent: header names separated by ';'.
	SignedHeaders string
	// Signature is the hex signature as sent.
	Signature string

	// The remaining fields are read from the query string of a presigned
	// request and are empty (Expires: -1) for the header form.
	AmzDate       string // X-Amz-Date
	Expires       int64  // X-Amz-Expires in seconds, -1 when absent
	SecurityToken string // X-Amz-Security-Token
	ContentSHA256 string // X-Amz-Content-Sha256

	scope string // the credential as sent, from the date on (for Verify)
}

// Credential returns the credential as it appears in the signature:
// AKID/DATE/REGION/SERVICE/aws4_request.
func (a *Auth) Credential() string {
	return a.AccessKeyID + "/" + a.Scope()
}

// Scope returns the credential scope: DATE/REGION/SERVICE/aws4_request.
func (a *Auth) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

// AuthorizationHeader formats a as the value of an Authorization header.
func (a *Auth) AuthorizationHeader() string {
	return Algorithm + " Credential=" + a.Credential() + ", SignedHeaders=" + a.SignedHeaders + ", Signature=" + a.Signature
}

// Query returns the presigned query parameters of a.
func (a *Auth) Query() url.Values {
	q := url.Values{
		qAlgorithm:     {Algorithm},
		qCredential:    {a.Credential()},
		qDate:          {a.AmzDate},
		qSignedHeaders: {a.SignedHeaders},
		qSignature:     {a.Signature},
	}
	if a.Expires >= 0 {
		q.Set(qExpires, strconv.FormatInt(a.Expires, 10))
	}
	if a.SecurityToken != "" {
		q.Set(qSecurityToken, a.SecurityToken)
	}
	if a.ContentSHA256 != "" {
		q.Set(qContentSHA256, a.ContentSHA256)
	}
	return q
}

// SignedHeaderNames returns the signed header names.
func (a *Auth) SignedHeaderNames() []string { return splitSigned(a.SignedHeaders) }

func splitSigned(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// IsSigned reports whether r carries a SigV4 signature, in an Authorization
// header or in presigned query parameters (whether well-formed or not).
// Unsigned requests are anonymous; the server decides where AWS serves them.
func IsSigned(r *http.Request) bool {
	return len(r.Header["Authorization"]) > 0 || queryHasAuth(rawQuery(r))
}

func rawQuery(r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	return r.URL.RawQuery
}

// queryHasAuth reports whether a raw query carries any of the parameters
// that make a request presigned.
func queryHasAuth(raw string) bool {
	if !strings.Contains(raw, "X-Amz-") && !strings.Contains(raw, "%") {
		return false
	}
	found := false
	forEachParam(raw, func(k, _ string) bool {
		k = unescape(k)
		if k == qAlgorithm || k == qCredential || k == qSignature {
			found = true
			return false
		}
		return true
	})
	return found
}

// Parse reads the signature of r without verifying it. It fails with an
// *Error of KindMissingAuthenticationToken when r is not signed, and of
// KindIncompleteSignature when the signature is malformed.
func Parse(r *http.Request) (*Auth, error) {
	a := new(Auth)
	if err := parseRequest(r, a); err != nil {
		return nil, err
	}
	return a, nil
}

func parseRequest(r *http.Request, a *Auth) *Error {
	hdr, hasHeader := r.Header["Authorization"]
	hasQuery := queryHasAuth(rawQuery(r))
	switch {
	case hasHeader && hasQuery:
		return newError(KindIncompleteSignature, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.").
			withS3("InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case hasHeader:
		hasDate := len(r.Header["X-Amz-Date"]) > 0 || len(r.Header["Date"]) > 0
		var v string
		if len(hdr) > 0 {
			v = hdr[0]
		}
		return parseAuthorization(v, hasDate, a)
	case hasQuery:
		return parsePresigned(rawQuery(r), a)
	default:
		return newError(KindMissingAuthenticationToken, msgMissingAuthenticationToken)
	}
}

// ParseAuthorization parses the value of an Authorization header of the form
//
//	AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=h1;h2, Signature=hex
//
// It checks form only; Verifier.Verify checks the values.
func ParseAuthorization(value string) (*Auth, error) {
	a := new(Auth)
	if err := parseAuthorization(value, true, a); err != nil {
		return nil, err
	}
	return a, nil
}

// parseAuthorization parses an Authorization header into a. hasDate tells
// whether the request has an X-Amz-Date or Date header, which AWS reports
// in the same message as missing parameters.
func parseAuthorization(value string, hasDate bool, a *Auth) *Error {
	*a = Auth{Expires: -1}
	if len(value) > maxAuthorizationLen {
		return newError(KindIncompleteSignature, "Authorization header is too long.").
			withS3("", msgS3HeaderMalformed+"the header is too long.")
	}
	scheme, rest, _ := strings.Cut(value, " ")
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = trimSP(part)
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		var dst *string
		var seen *bool
		switch trimSP(k) {
		case "Credential":
			dst, seen = &cred, &haveCred
		case "SignedHeaders":
			dst, seen = &signed, &haveSigned
		case "Signature":
			dst, seen = &sig, &haveSig
		default:
			continue
		}
		if *seen {
			// AWS's wording for a repeated parameter was not found.
			return newError(KindIncompleteSignature, "Authorization header has duplicate '"+trimSP(k)+"' parameter. Authorization="+value).
				withS3("", msgS3HeaderMalformed+"the authorization header requires three components: Credential, SignedHeaders, and Signature.")
		}
		*dst, *seen = trimSP(v), true
	}
	if !haveCred || !haveSig || !haveSigned || !hasDate {
		// The message AWS sends, e.g. for "Authorization: Basic ...".
		var b strings.Builder
		if !haveCred {
			b.WriteString("Authorization header requires 'Credential' parameter. ")
		}
		if !haveSig {
			b.WriteString("Authorization header requires 'Signature' parameter. ")
		}
		if !haveSigned {
			b.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
		}
		if !hasDate {
			b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		b.WriteString("Authorization=")
		b.WriteString(value)
		s3 := msgS3HeaderMalformed + "the authorization header requires three components: Credential, SignedHeaders, and Signature."
		if haveCred && haveSig && haveSigned {
			s3 = "AWS authentication requires a valid Date or x-amz-date header"
			return newError(KindIncompleteSignature, b.String()).withS3("AccessDenied", s3)
		}
		return newError(KindIncompleteSignature, b.String()).withS3("", s3)
	}
	if scheme != Algorithm {
		// AWS's exact wording for an unsupported algorithm was not found.
		return newError(KindIncompleteSignature, "Unsupported AWS 'algorithm': '"+scheme+"'.").
			withS3("", msgS3HeaderMalformed+"the authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
	}
	if !parseCredential(cred, a) {
		return newError(KindIncompleteSignature, credentialMalformed(cred)).
			withS3("", msgS3HeaderMalformed+msgS3CredentialMalformed)
	}
	if err := checkSignedHeaders(signed); err != nil {
		err.s3Message = msgS3HeaderMalformed + "the SignedHeaders list is invalid."
		return err
	}
	a.SignedHeaders, a.Signature = signed, sig
	return nil
}

func credentialMalformed(cred string) string {
	return "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + cred + "'"
}

// parseCredential splits AKID/DATE/REGION/SERVICE/TERMINATOR into a. The
// access key id and the service must not be empty; the other elements are
// checked by Verify, with AWS's messages for each.
func parseCredential(cred string, a *Auth) bool {
	var parts [5]string
	rest := cred
	for i := range 4 {
		var ok bool
		parts[i], rest, ok = strings.Cut(rest, "/")
		if !ok {
			return false
		}
	}
	if strings.IndexByte(rest, '/') >= 0 {
		return false
	}
	parts[4] = rest
	if parts[0] == "" || parts[3] == "" {
		return false
	}
	a.AccessKeyID, a.Date, a.Region, a.Service, a.Terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	a.scope = cred[len(parts[0])+1:]
	return true
}

func checkSignedHeaders(s string) *Error {
	if s == "" {
		return nil // reported as a missing host header
	}
	n := 1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ';' {
			n++
			continue
		}
		if c <= ' ' || c >= 0x7f || c == ',' {
			return newError(KindIncompleteSignature, "SignedHeaders must be a ';'-separated list of header names.")
		}
	}
	if n > maxSignedHeaders {
		return newError(KindIncompleteSignature, "SignedHeaders lists too many headers.")
	}
	return nil
}

// ParsePresigned parses the SigV4 parameters of a presigned request's raw
// query string. It checks form only; Verifier.Verify checks the values.
func ParsePresigned(rawQuery string) (*Auth, error) {
	a := new(Auth)
	if err := parsePresigned(rawQuery, a); err != nil {
		return nil, err
	}
	return a, nil
}

func parsePresigned(raw string, a *Auth) *Error {
	*a = Auth{Presigned: true, Expires: -1}
	var alg, cred, expires string
	var have [8]bool
	var dup string
	forEachParam(raw, func(k, v string) bool {
		k = unescape(k)
		var i int
		var dst *string
		switch k {
		case qAlgorithm:
			i, dst = 0, &alg
		case qCredential:
			i, dst = 1, &cred
		case qDate:
			i, dst = 2, &a.AmzDate
		case qExpires:
			i, dst = 3, &expires
		case qSignedHeaders:
			i, dst = 4, &a.SignedHeaders
		case qSignature:
			i, dst = 5, &a.Signature
		case qSecurityToken:
			i, dst = 6, &a.SecurityToken
		case qContentSHA256:
			i, dst = 7, &a.ContentSHA256
		default:
			return true
		}
		if have[i] {
			dup = k
			return false
		}
		have[i], *dst = true, unescape(v)
		return true
	})
	presignErr := func(msg, s3msg string) *Error {
		e := newError(KindIncompleteSignature, msg).withS3("", s3msg)
		e.Presigned = true
		return e
	}
	if dup != "" {
		// AWS's wording for a repeated parameter was not found.
		return presignErr("AWS query-string parameter '"+dup+"' must appear only once. Re-examine the query-string parameters.", msgS3QueryRequires)
	}
	names := [...]string{qAlgorithm, qCredential, qDate, qExpires, qSignedHeaders, qSignature}
	var missing strings.Builder
	for i, name := range names {
		if !have[i] && name != qExpires {
			// AWS's wording for non-S3 services was not found; this follows
			// the header form's "requires ... parameter" sentences.
			missing.WriteString("AWS query-string parameters must include '" + name + "'. ")
		}
	}
	if missing.Len() > 0 {
		missing.WriteString("Re-examine the query-string parameters.")
		return presignErr(missing.String(), msgS3QueryRequires)
	}
	if alg != Algorithm {
		return presignErr("Unsupported AWS 'algorithm': '"+alg+"'.", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	if !parseCredential(cred, a) {
		return presignErr(credentialMalformed(cred), msgS3QueryMalformed+msgS3CredentialMalformed)
	}
	if !have[3] && a.Service == "s3" {
		return presignErr(msgS3QueryRequires, msgS3QueryRequires)
	}
	if have[3] {
		const week = "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"
		if !isDigits(strings.TrimPrefix(expires, "-")) {
			return presignErr("X-Amz-Expires should be a number", "X-Amz-Expires should be a number")
		}
		if strings.HasPrefix(expires, "-") {
			return presignErr("X-Amz-Expires must be non-negative", "X-Amz-Expires must be non-negative")
		}
		n, err := strconv.ParseInt(expires, 10, 64)
		if err != nil || n > MaxPresignExpires {
			return presignErr(week, week)
		}
		a.Expires = n
	}
	if err := checkSignedHeaders(a.SignedHeaders); err != nil {
		err.Presigned = true
		err.s3Message = "X-Amz-SignedHeaders is invalid."
		return err
	}
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// forEachParam calls fn with the raw (still encoded) name and value of each
// non-empty '&'-separated pair of a raw query, until fn returns false.
func forEachParam(raw string, fn func(k, v string) bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if !fn(k, v) {
			return
		}
	}
}

// unescape decodes a query component: '+' is a space and %XX a byte; a '%'
// not followed by two hex digits stays as it is. It allocates only when s
// has something to decode.
func unescape(s string) string {
	i := strings.IndexAny(s, "%+")
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func trimSP(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
