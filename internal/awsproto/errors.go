package awsproto

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS error as a client sees it: the code that SDKs map to a typed
// exception, the message, the HTTP status and whether the caller is at fault.
// Handlers return it (wrapped or not); the server encodes it with
// [WriteError] in the protocol of the service that was called.
type Error struct {
	// Code is the error code, e.g. "NoSuchEntity" or "ValidationException".
	Code string
	// Message is the human-readable message.
	Message string
	// Status is the HTTP status code.
	Status int
	// Sender reports a client fault (awsQuery <Type>Sender</Type>); false
	// means the service is at fault (Receiver).
	Sender bool
	// Fields holds extra members of the error document, e.g. the "reason"
	// and "fieldList" of a ValidationException, or S3's BucketName and Key.
	// Values are strings, numbers, booleans, or for JSON protocols anything
	// encoding/json can encode.
	Fields map[string]any
	// MessageKey is the member the JSON protocols write Message under:
	// "message" when empty. Services whose error shapes spell it otherwise
	// (Organizations' "Message") set it, so that the SDKs' typed errors
	// find it.
	MessageKey string
}

// Error returns "Code: Message".
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// With sets an extra member of the error document and returns e.
func (e *Error) With(key string, value any) *Error {
	if e.Fields == nil {
		e.Fields = make(map[string]any, 2)
	}
	e.Fields[key] = value
	return e
}

// NewError returns an error with the given status and code whose message is
// format formatted with args (format is used as is when there are no args).
// Statuses below 500 are client faults.
func NewError(status int, code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, Status: status, Sender: status < 500}
}

// AsError returns the *Error in err's chain, or, for any other non-nil error,
// an InternalFailure whose message does not reveal err (log err before
// calling this). It returns nil for a nil err.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e
	}
	return InternalFailure("We encountered an internal error. Please try again.")
}

// Common error codes. Their statuses follow the "Common Errors" page of the
// AWS API references (e.g. https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html).
const (
	CodeAccessDenied               = "AccessDenied"
	CodeAccessDeniedException      = "AccessDeniedException"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeInternalError              = "InternalError"
	CodeInternalFailure            = "InternalFailure"
	CodeInvalidAction              = "InvalidAction"
	CodeInvalidClientTokenID       = "InvalidClientTokenId"
	CodeInvalidParameterValue      = "InvalidParameterValue"
	CodeMalformedQueryString       = "MalformedQueryString"
	CodeMissingAction              = "MissingAction"
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	CodeMissingParameter           = "MissingParameter"
	CodeNotImplemented             = "NotImplemented"
	CodeRequestEntityTooLarge      = "RequestEntityTooLarge"
	CodeServiceUnavailable         = "ServiceUnavailable"
	CodeThrottling                 = "Throttling"
	CodeValidationError            = "ValidationError"
	CodeValidationException        = "ValidationException"
)

// ValidationError is the awsQuery (IAM, STS) error for input that fails the
// model's constraints: 400 ValidationError.
func ValidationError(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, CodeValidationError, format, args...)
}

// ValidationException is the JSON protocols' error for input that fails the
// model's constraints: 400 ValidationException. Services that model a
// reason or a field list add them with [Error.With].
func ValidationException(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, CodeValidationException, format, args...)
}

// AccessDenied is the awsQuery (IAM, STS) denial: 403 AccessDenied.
func AccessDenied(format string, args ...any) *Error {
	return NewError(http.StatusForbidden, CodeAccessDenied, format, args...)
}

// AccessDeniedException is the JSON protocols' denial: 403
// AccessDeniedException.
func AccessDeniedException(format string, args ...any) *Error {
	return NewError(http.StatusForbidden, CodeAccessDeniedException, format, args...)
}

// InvalidAction reports an Action that the service does not have for the
// requested API version, with AWS's message "Could not find operation X for
// version Y". An absent version reads NO_VERSION_SPECIFIED, as AWS writes it.
func InvalidAction(action, version string) *Error {
	if version == "" {
		version = "NO_VERSION_SPECIFIED"
	}
	return NewError(http.StatusBadRequest, CodeInvalidAction, "Could not find operation %s for version %s", action, version)
}

// MissingAction reports an awsQuery request without an Action parameter.
func MissingAction() *Error {
	return NewError(http.StatusBadRequest, CodeMissingAction, "Missing Action")
}

// MalformedQueryString reports a query string or form body that cannot be
// parsed: 404 MalformedQueryString, the status AWS documents for it.
func MalformedQueryString(format string, args ...any) *Error {
	return NewError(http.StatusNotFound, CodeMalformedQueryString, format, args...)
}

// MissingAuthenticationToken reports a request with no credentials where
// credentials are required: 403.
func MissingAuthenticationToken() *Error {
	return NewError(http.StatusForbidden, CodeMissingAuthenticationToken, "Request is missing Authentication Token")
}

// InvalidParameterValue reports an out-of-range or invalid parameter: 400.
func InvalidParameterValue(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, CodeInvalidParameterValue, format, args...)
}

// MissingParameter reports an absent required parameter: 400.
func MissingParameter(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, CodeMissingParameter, format, args...)
}

// RequestEntityTooLarge reports a request body over the server's limit: 413.
func RequestEntityTooLarge(format string, args ...any) *Error {
	return NewError(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, format, args...)
}

// InternalFailure is the service-fault error of awsQuery and the JSON
// protocols: 500 InternalFailure. [WriteError] renames it InternalError for
// restXml (S3), which uses that code.
func InternalFailure(format string, args ...any) *Error {
	return NewError(http.StatusInternalServerError, CodeInternalFailure, format, args...)
}

// InternalError is S3's service-fault error: 500 InternalError.
func InternalError(format string, args ...any) *Error {
	return NewError(http.StatusInternalServerError, CodeInternalError, format, args...)
}

// NotImplemented reports an operation that the model has and cleanroom does
// not serve yet: 501 NotImplemented. AWS itself never answers this for a
// modelled operation; the distinct code keeps it from reading as a typo.
func NotImplemented(service, operation string) *Error {
	return NewError(http.StatusNotImplemented, CodeNotImplemented, "cleanroom does not implement %s:%s yet", service, operation)
}

// ErrorShape describes an error that a service model declares: its shape
// name, the code sent on the wire, the HTTP status and the fault side.
type ErrorShape struct {
	// Name is the model's shape name, e.g. "NoSuchEntityException".
	Name string
	// Code is the wire code, e.g. "NoSuchEntity".
	Code string
	// Status is the HTTP status.
	Status int
	// Sender reports a client fault.
	Sender bool
	// MessageKey is the shape's message member in the JSON protocols, when
	// it is not "message" (see [Error.MessageKey]).
	MessageKey string
}

// New returns an *Error of this shape with the formatted message.
func (s ErrorShape) New(format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: s.Code, Message: msg, Status: s.Status, Sender: s.Sender, MessageKey: s.MessageKey}
}

// Is reports whether err's chain holds an *Error with this shape's code.
func (s ErrorShape) Is(err error) bool {
	var e *Error
	return errors.As(err, &e) && e != nil && e.Code == s.Code
}
