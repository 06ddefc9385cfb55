package sigv4

import (
	"errors"
	"net/http"
	"strings"
)

// ErrUnknownKey is returned (possibly wrapped) by a Lookup when it knows no
// access key of the given id.
var ErrUnknownKey = errors.New("sigv4: unknown access key")

// Kind classifies why a request failed authentication. The server maps a
// kind to the error code of the protocol it answers in (see Error.Code).
type Kind int

// The kinds of authentication failure.
const (
	// KindMissingAuthenticationToken: the request carries no signature at
	// all (neither an Authorization header nor presigned query parameters).
	KindMissingAuthenticationToken Kind = iota + 1
	// KindIncompleteSignature: the signature is malformed or lacks parts.
	KindIncompleteSignature
	// KindSignatureDoesNotMatch: the signature is wrong, or the credential
	// scope names a date, region or terminator AWS would not accept.
	KindSignatureDoesNotMatch
	// KindRequestExpired: a request's time is more than the allowed skew
	// before the server's clock (for S3, RequestTimeTooSkewed).
	KindRequestExpired
	// KindRequestNotYetValid: a request's time is more than the allowed skew
	// after the server's clock (for S3, RequestTimeTooSkewed).
	KindRequestNotYetValid
	// KindPresignExpired: an S3 presigned URL was used after X-Amz-Date plus
	// X-Amz-Expires.
	KindPresignExpired
	// KindPresignNotYetValid: an S3 presigned URL's X-Amz-Date is in the
	// future by more than the allowed skew.
	KindPresignNotYetValid
	// KindExpiredToken: the temporary credentials have expired.
	KindExpiredToken
	// KindInvalidToken: the security token is missing for temporary
	// credentials, does not match them, or was sent with a long-term key.
	KindInvalidToken
	// KindUnknownKey: no such access key, or the key is inactive.
	KindUnknownKey
	// KindHeadersNotSigned: an S3 request carries x-amz-* headers that its
	// signature does not cover.
	KindHeadersNotSigned
	// KindContentSHA256Mismatch: the body's SHA-256 differs from the
	// X-Amz-Content-Sha256 the request declared (and signed).
	KindContentSHA256Mismatch
)

var kindNames = [...]string{
	KindMissingAuthenticationToken: "MissingAuthenticationToken",
	KindIncompleteSignature:        "IncompleteSignature",
	KindSignatureDoesNotMatch:      "SignatureDoesNotMatch",
	KindRequestExpired:             "RequestExpired",
	KindRequestNotYetValid:         "RequestNotYetValid",
	KindPresignExpired:             "PresignExpired",
	KindPresignNotYetValid:         "PresignNotYetValid",
	KindExpiredToken:               "ExpiredToken",
	KindInvalidToken:               "InvalidToken",
	KindUnknownKey:                 "UnknownKey",
	KindHeadersNotSigned:           "HeadersNotSigned",
	KindContentSHA256Mismatch:      "ContentSHA256Mismatch",
}

// String returns the kind's name.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Unknown"
}

// The protocols Error.Code maps to, as named by the server.
const (
	ProtocolQuery    = "query"    // awsQuery: IAM, STS
	ProtocolJSON     = "json"     // awsJson1_0 and awsJson1_1
	ProtocolRESTJSON = "restjson" // restJson1
	ProtocolRESTXML  = "restxml"  // restXml: S3
)

// Field is an extra element S3 puts in its error document (for example
// HeadersNotSigned, or RequestTime and ServerTime for a skewed request).
type Field struct {
	Name, Value string
}

// Error is an authentication failure. Message is AWS's text for the awsQuery
// and JSON protocols; S3 words most faults differently, which Text reports.
//
// Neither holds a secret key or a session token, but like AWS's, a message
// about a malformed Authorization header quotes the header, which may be a
// client's bearer credential of another scheme: log the Kind, not the text.
type Error struct {
	Kind    Kind
	Message string
	// Presigned is true when the failing signature was in the query string
	// (S3 names its errors differently for the two forms).
	Presigned bool
	// Fields are the extra elements of S3's error document.
	Fields []Field

	s3Code    string // S3's code where it is not the kind's usual one
	s3Message string // S3's message where it differs from Message
}

// Error implements error.
func (e *Error) Error() string {
	return "sigv4: " + e.Kind.String() + ": " + e.Message
}

// Code returns the AWS error code for the protocol ("query", "json",
// "restjson" or "restxml"; the Smithy names awsQuery, awsJson1_0,
// awsJson1_1, restJson1 and restXml are understood too).
//
// The codes follow what AWS answers: awsQuery services (IAM, STS) report a
// skewed or expired signature as SignatureDoesNotMatch with a "Signature
// expired" message, JSON services as InvalidSignatureException; an unknown
// access key is InvalidClientTokenId for awsQuery, UnrecognizedClientException
// for JSON and InvalidAccessKeyId for S3.
func (e *Error) Code(protocol string) string {
	switch normProtocol(protocol) {
	case ProtocolRESTXML:
		if e.s3Code != "" {
			return e.s3Code
		}
		return s3Code(e.Kind, e.Presigned)
	case ProtocolJSON, ProtocolRESTJSON:
		return jsonCode(e.Kind)
	default:
		return queryCode(e.Kind)
	}
}

// Status returns the HTTP status AWS answers the error with in the protocol.
func (e *Error) Status(protocol string) int {
	if normProtocol(protocol) == ProtocolRESTXML {
		switch e.Code(protocol) {
		case "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "RequestTimeTooSkewed":
			return http.StatusForbidden
		default:
			return http.StatusBadRequest
		}
	}
	// The Common Errors pages of the IAM and STS API references:
	// IncompleteSignature is 400; MissingAuthenticationToken,
	// InvalidClientTokenId, ExpiredToken and signature failures are 403.
	if e.Kind == KindIncompleteSignature {
		return http.StatusBadRequest
	}
	return http.StatusForbidden
}

// Text returns the error message in the protocol's wording.
func (e *Error) Text(protocol string) string {
	if normProtocol(protocol) != ProtocolRESTXML {
		return e.Message
	}
	if e.s3Message != "" {
		return e.s3Message
	}
	switch e.Kind {
	case KindMissingAuthenticationToken:
		return "Access Denied"
	case KindHeadersNotSigned:
		return "There were headers present in the request which were not signed"
	case KindSignatureDoesNotMatch:
		return msgS3SignatureDoesNotMatch
	case KindRequestExpired, KindRequestNotYetValid:
		return "The difference between the request time and the current time is too large."
	case KindPresignExpired:
		return "Request has expired"
	case KindPresignNotYetValid:
		return "Request is not yet valid"
	case KindExpiredToken:
		return "The provided token has expired."
	case KindInvalidToken:
		return "The provided token is malformed or otherwise invalid."
	case KindUnknownKey:
		return "The AWS Access Key Id you provided does not exist in our records."
	case KindContentSHA256Mismatch:
		return "The provided 'x-amz-content-sha256' header does not match what was computed."
	}
	return e.Message
}

func normProtocol(p string) string {
	switch strings.ToLower(p) {
	case "json", "awsjson1_0", "awsjson1_1", "awsjson":
		return ProtocolJSON
	case "restjson", "restjson1":
		return ProtocolRESTJSON
	case "restxml", "s3":
		return ProtocolRESTXML
	default:
		return ProtocolQuery
	}
}

func queryCode(k Kind) string {
	switch k {
	case KindMissingAuthenticationToken:
		return "MissingAuthenticationToken"
	case KindIncompleteSignature:
		return "IncompleteSignature"
	case KindExpiredToken:
		return "ExpiredToken"
	case KindInvalidToken, KindUnknownKey:
		return "InvalidClientTokenId"
	default:
		return "SignatureDoesNotMatch"
	}
}

func jsonCode(k Kind) string {
	switch k {
	case KindMissingAuthenticationToken:
		return "MissingAuthenticationTokenException"
	case KindIncompleteSignature:
		return "IncompleteSignatureException"
	case KindExpiredToken:
		return "ExpiredTokenException"
	case KindInvalidToken, KindUnknownKey:
		return "UnrecognizedClientException"
	default:
		return "InvalidSignatureException"
	}
}

// s3Code follows the Amazon S3 API Reference, "Error responses": list of
// error codes.
func s3Code(k Kind, presigned bool) string {
	switch k {
	case KindMissingAuthenticationToken, KindPresignExpired, KindPresignNotYetValid, KindHeadersNotSigned:
		return "AccessDenied"
	case KindIncompleteSignature:
		if presigned {
			return "AuthorizationQueryParametersError"
		}
		return "AuthorizationHeaderMalformed"
	case KindRequestExpired, KindRequestNotYetValid:
		return "RequestTimeTooSkewed"
	case KindExpiredToken:
		return "ExpiredToken"
	case KindInvalidToken:
		return "InvalidToken"
	case KindUnknownKey:
		return "InvalidAccessKeyId"
	case KindContentSHA256Mismatch:
		return "XAmzContentSHA256Mismatch"
	default:
		return "SignatureDoesNotMatch"
	}
}

// AWS's messages. Where AWS's exact text could not be found the message says
// so in a comment, and follows the style of its neighbours.
const (
	msgMissingAuthenticationToken = "Request is missing Authentication Token"
	msgSignatureDoesNotMatch      = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgS3SignatureDoesNotMatch    = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgInvalidToken               = "The security token included in the request is invalid."
	msgExpiredToken               = "The security token included in the request is expired"
	msgS3CredentialMalformed      = "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."
	msgS3HeaderMalformed          = "The authorization header is malformed; "
	msgS3QueryMalformed           = "Error parsing the X-Amz-Credential parameter; "
	msgS3QueryRequires            = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
)

func newError(k Kind, msg string) *Error { return &Error{Kind: k, Message: msg} }

func (e *Error) withS3(code, msg string) *Error {
	e.s3Code, e.s3Message = code, msg
	return e
}

func (e *Error) withField(name, value string) *Error {
	e.Fields = append(e.Fields, Field{name, value})
	return e
}
