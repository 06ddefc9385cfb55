package iam

import (
	"errors"
	"fmt"
)

// Error codes, as IAM's Query API returns them in <Code>. The HTTP edge maps
// each to its status (NoSuchEntity 404, EntityAlreadyExists, DeleteConflict,
// LimitExceeded and ConcurrentModification 409, the others 400).
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and
// the Errors section of each action's page.
const (
	CodeNoSuchEntity              = "NoSuchEntity"
	CodeEntityAlreadyExists       = "EntityAlreadyExists"
	CodeDeleteConflict            = "DeleteConflict"
	CodeLimitExceeded             = "LimitExceeded"
	CodeMalformedPolicyDocument   = "MalformedPolicyDocument"
	CodeInvalidInput              = "InvalidInput"
	CodeValidationError           = "ValidationError"
	CodeUnmodifiableEntity        = "UnmodifiableEntity"
	CodeConcurrentModification    = "ConcurrentModification"
	CodeInvalidAuthenticationCode = "InvalidAuthenticationCode"
	CodePolicyNotAttachable       = "PolicyNotAttachable"
)

// Error is a refusal in IAM's terms: Code is AWS's error code and Message
// AWS's wording. The HTTP edge turns it into the Query API's <Error>.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is(err, &Error{Code: c}) match any *Error with code c.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// ErrorCode returns the IAM error code of err, or "" when err is not an
// *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrUnknownAccessKey is returned by LookupAccessKey for an access key id
// that no user or root holds (SigV4 answers InvalidClientTokenId).
var ErrUnknownAccessKey = errors.New("iam: unknown access key id")

// ErrInvalidMFACode is returned (wrapped in an *Error with code
// InvalidAuthenticationCode) when a TOTP code does not verify; STS answers
// AccessDenied with its own wording.
var ErrInvalidMFACode = &Error{Code: CodeInvalidAuthenticationCode, Message: "Authentication code for device is not valid."}

// The NoSuchEntity messages of IAM's entities. IAM words them "The user with
// name X cannot be found." (GetUser, DeleteUser, ...), "The role with name X
// cannot be found.", "The group with name X cannot be found.".
func noSuchUser(name string) *Error {
	return errorf(CodeNoSuchEntity, "The user with name %s cannot be found.", name)
}

func noSuchRole(name string) *Error {
	return errorf(CodeNoSuchEntity, "The role with name %s cannot be found.", name)
}

func noSuchGroup(name string) *Error {
	return errorf(CodeNoSuchEntity, "The group with name %s cannot be found.", name)
}

// noSuchPolicy is GetPolicy's "Policy arn:aws:iam::123456789012:policy/p was
// not found." (also DetachUserPolicy & co. when the policy is not attached).
func noSuchPolicy(arn string) *Error {
	return errorf(CodeNoSuchEntity, "Policy %s was not found.", arn)
}

// notAttachable is AttachUserPolicy & co. (and the permissions boundary
// operations) for a policy that does not exist: "Policy ARN does not exist or
// is not attachable."
func notAttachable(arn string) *Error {
	return errorf(CodeNoSuchEntity, "Policy %s does not exist or is not attachable.", arn)
}

func noSuchPolicyVersion(arn, version string) *Error {
	return errorf(CodeNoSuchEntity, "Policy %s version %s does not exist or is not attachable.", arn, version)
}

func noSuchInline(kind entityKind, name string) *Error {
	return errorf(CodeNoSuchEntity, "The %s policy with name %s cannot be found.", kind, name)
}

func noSuchAccessKey(id string) *Error {
	return errorf(CodeNoSuchEntity, "The Access Key with id %s cannot be found.", id)
}

func deleteConflict(msg string) *Error { return &Error{Code: CodeDeleteConflict, Message: msg} }

func limitExceeded(format string, args ...any) *Error {
	return errorf(CodeLimitExceeded, format, args...)
}

// quota is IAM's LimitExceeded wording for a count quota: "Cannot exceed
// quota for PoliciesPerUser: 10".
func quota(name string, n int) *Error {
	return errorf(CodeLimitExceeded, "Cannot exceed quota for %s: %d", name, n)
}
