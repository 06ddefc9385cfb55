package orgs

import (
	"errors"
	"fmt"
)

// Error codes, as Organizations returns them in __type (the exception shape
// names of the API model). Every one is an HTTP 400 on the wire.
// https://docs.aws.amazon.com/organizations/latest/APIReference/CommonErrors.html
// and the Errors section of each action's page.
const (
	CodeAccessDenied                 = "AccessDeniedException"
	CodeNotInUse                     = "AWSOrganizationsNotInUseException"
	CodeAlreadyInOrganization        = "AlreadyInOrganizationException"
	CodeAccountNotFound              = "AccountNotFoundException"
	CodeChildNotFound                = "ChildNotFoundException"
	CodeConstraintViolation          = "ConstraintViolationException"
	CodeCreateAccountStatusNotFound  = "CreateAccountStatusNotFoundException"
	CodeDestinationParentNotFound    = "DestinationParentNotFoundException"
	CodeDuplicateAccount             = "DuplicateAccountException"
	CodeDuplicateOrganizationalUnit  = "DuplicateOrganizationalUnitException"
	CodeDuplicatePolicyAttachment    = "DuplicatePolicyAttachmentException"
	CodeDuplicatePolicy              = "DuplicatePolicyException"
	CodeInvalidInput                 = "InvalidInputException"
	CodeMalformedPolicyDocument      = "MalformedPolicyDocumentException"
	CodeOrganizationalUnitNotEmpty   = "OrganizationalUnitNotEmptyException"
	CodeOrganizationalUnitNotFound   = "OrganizationalUnitNotFoundException"
	CodeParentNotFound               = "ParentNotFoundException"
	CodePolicyInUse                  = "PolicyInUseException"
	CodePolicyNotAttached            = "PolicyNotAttachedException"
	CodePolicyNotFound               = "PolicyNotFoundException"
	CodePolicyTypeAlreadyEnabled     = "PolicyTypeAlreadyEnabledException"
	CodePolicyTypeNotAvailable       = "PolicyTypeNotAvailableForOrganizationException"
	CodePolicyTypeNotEnabled         = "PolicyTypeNotEnabledException"
	CodeRootNotFound                 = "RootNotFoundException"
	CodeSourceParentNotFound         = "SourceParentNotFoundException"
	CodeTargetNotFound               = "TargetNotFoundException"
	CodeConcurrentModification       = "ConcurrentModificationException"
	CodeServiceException             = "ServiceException"
	CodeUnsupportedAPIEndpoint       = "UnsupportedAPIEndpointException"
	CodeMasterCannotLeave            = "MasterCannotLeaveOrganizationException"
	CodeOrganizationNotEmpty         = "OrganizationNotEmptyException"
	CodeFinalizingOrganization       = "FinalizingOrganizationException"
	CodeAccessDeniedForDependency    = "AccessDeniedForDependencyException"
	CodeInvalidHandshakeTransition   = "InvalidHandshakeTransitionException"
	CodeHandshakeConstraintViolation = "HandshakeConstraintViolationException"
)

// Reasons of ConstraintViolationException (ConstraintViolationExceptionReason
// in the API model).
const (
	ReasonAccountNumberLimitExceeded = "ACCOUNT_NUMBER_LIMIT_EXCEEDED"
	ReasonOUNumberLimitExceeded      = "OU_NUMBER_LIMIT_EXCEEDED"
	ReasonOUDepthLimitExceeded       = "OU_DEPTH_LIMIT_EXCEEDED"
	ReasonPolicyNumberLimitExceeded  = "POLICY_NUMBER_LIMIT_EXCEEDED"
	ReasonPolicyContentLimitExceeded = "POLICY_CONTENT_LIMIT_EXCEEDED"
	ReasonMaxPolicyTypeAttachment    = "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
	ReasonMinPolicyTypeAttachment    = "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
	ReasonMaxTagLimitExceeded        = "MAX_TAG_LIMIT_EXCEEDED"
)

// Reasons of InvalidInputException (InvalidInputExceptionReason in the API
// model).
const (
	ReasonInvalidPattern         = "INVALID_PATTERN"
	ReasonInvalidPatternTargetID = "INVALID_PATTERN_TARGET_ID"
	ReasonInvalidSyntaxPolicyID  = "INVALID_SYNTAX_POLICY_ID"
	ReasonInvalidEnum            = "INVALID_ENUM"
	ReasonInvalidEnumPolicyType  = "INVALID_ENUM_POLICY_TYPE"
	ReasonMaxLengthExceeded      = "MAX_LENGTH_EXCEEDED"
	ReasonMinLengthExceeded      = "MIN_LENGTH_EXCEEDED"
	ReasonMaxValueExceeded       = "MAX_VALUE_EXCEEDED"
	ReasonMinValueExceeded       = "MIN_VALUE_EXCEEDED"
	ReasonInputRequired          = "INPUT_REQUIRED"
	ReasonInvalidNextToken       = "INVALID_NEXT_TOKEN"
	ReasonImmutablePolicy        = "IMMUTABLE_POLICY"
	ReasonDuplicateTagKey        = "DUPLICATE_TAG_KEY"
	ReasonInvalidSystemTags      = "INVALID_SYSTEM_TAGS_PARAMETER"
	ReasonNonDetachablePolicy    = "NON_DETACHABLE_POLICY"
	ReasonInvalidRoleName        = "INVALID_ROLE_NAME"
	ReasonInvalidEmailAddress    = "INVALID_EMAIL_ADDRESS_TARGET"
	ReasonInvalidListMember      = "INVALID_LIST_MEMBER"
)

// Error is a refusal in Organizations' terms: Code is the exception's name,
// Message AWS's wording and Reason, for ConstraintViolationException and
// InvalidInputException, the reason code the API model lists. Err, when
// set, is the cause behind the refusal (a policy parser's finding), for
// logs: it is not part of the wire answer.
type Error struct {
	Code    string
	Message string
	Reason  string
	Err     error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, &Error{Code: c}) match any *Error with code c
// (and, when the target has them, the same reason and message).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Reason == "" || t.Reason == e.Reason) && (t.Message == "" || t.Message == e.Message)
}

// ErrorCode returns the Organizations error code of err, or "" when err is
// not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ErrorReason returns the reason of err, or "" when err is not an *Error or
// has none.
func ErrorReason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func newError(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// The messages below are the ones Organizations sends where they are known
// from its answers, and otherwise the first sentence of the exception's
// description in the API Reference (which is what the service sends for
// most of them).
var (
	errNotInUse = newError(CodeNotInUse, "Your account is not a member of an organization.")
	// AccessDeniedException for a member account calling an operation that
	// only the management account may call.
	errAccessDenied       = newError(CodeAccessDenied, "You don't have permissions to access this resource.")
	errAlreadyInOrg       = newError(CodeAlreadyInOrganization, "The AWS account is already a member of an organization.")
	errAccountNotFound    = newError(CodeAccountNotFound, "You specified an account that doesn't exist.")
	errChildNotFound      = newError(CodeChildNotFound, "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	errCARNotFound        = newError(CodeCreateAccountStatusNotFound, "We can't find an create account request with the CreateAccountRequestId that you specified.")
	errDestNotFound       = newError(CodeDestinationParentNotFound, "We can't find the destination container (a root or OU) with the ParentId that you specified.")
	errSourceNotFound     = newError(CodeSourceParentNotFound, "We can't find a source root or OU with the ParentId that you specified.")
	errDuplicateAccount   = newError(CodeDuplicateAccount, "That account is already present in the specified destination.")
	errDuplicateOU        = newError(CodeDuplicateOrganizationalUnit, "An OU with the same name already exists.")
	errDuplicateAttach    = newError(CodeDuplicatePolicyAttachment, "The selected policy is already attached to the specified target.")
	errDuplicatePolicy    = newError(CodeDuplicatePolicy, "A policy with the same name already exists.")
	errOUNotEmpty         = newError(CodeOrganizationalUnitNotEmpty, "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
	errOUNotFound         = newError(CodeOrganizationalUnitNotFound, "We can't find an OU with the OrganizationalUnitId that you specified.")
	errParentNotFound     = newError(CodeParentNotFound, "We can't find a root or OU with the ParentId that you specified.")
	errPolicyInUse        = newError(CodePolicyInUse, "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
	errPolicyNotAttached  = newError(CodePolicyNotAttached, "The policy isn't attached to the specified target in the specified root.")
	errPolicyNotFound     = newError(CodePolicyNotFound, "We can't find a policy with the PolicyId that you specified.")
	errTypeEnabled        = newError(CodePolicyTypeAlreadyEnabled, "The specified policy type is already enabled.")
	errTypeNotEnabled     = newError(CodePolicyTypeNotEnabled, "This operation can be performed only for enabled policy types.")
	errTypeNotAvailable   = newError(CodePolicyTypeNotAvailable, "You can't use the specified policy type with the feature set currently enabled for this organization.")
	errRootNotFound       = newError(CodeRootNotFound, "We can't find a root with the RootId that you specified.")
	errTargetNotFound     = newError(CodeTargetNotFound, "We can't find a root, OU, account, or policy with the TargetId that you specified.")
	msgMalformedPolicyDoc = "The provided policy document does not meet the requirements of the specified policy type."
)

// constraint is a ConstraintViolationException with its reason.
func constraint(reason, msg string) *Error {
	return &Error{Code: CodeConstraintViolation, Message: msg, Reason: reason}
}

// invalidInput is an InvalidInputException with its reason.
func invalidInput(reason, format string, args ...any) *Error {
	return &Error{Code: CodeInvalidInput, Message: fmt.Sprintf(format, args...), Reason: reason}
}

func malformed(cause error) *Error {
	return &Error{Code: CodeMalformedPolicyDocument, Message: msgMalformedPolicyDoc, Err: cause}
}

// The ConstraintViolationException messages. The first two are the
// service's words; the others follow the reason's description in the API
// Reference.
var (
	errMaxAttachments = constraint(ReasonMaxPolicyTypeAttachment, "You have attached the maximum number of policies to the specified target.")
	errPolicyTooLarge = constraint(ReasonPolicyContentLimitExceeded, "You have exceeded the maximum policy size.")
	errMinAttachments = constraint(ReasonMinPolicyTypeAttachment, "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.")
	errTooManyAccts   = constraint(ReasonAccountNumberLimitExceeded, "You have reached the limit on the number of accounts in an organization.")
	errTooManyOUs     = constraint(ReasonOUNumberLimitExceeded, "You have reached the limit on the number of OUs in an organization.")
	errOUTooDeep      = constraint(ReasonOUDepthLimitExceeded, "You attempted to create an OU tree that is too many levels deep.")
	errTooManyPols    = constraint(ReasonPolicyNumberLimitExceeded, "You have reached the limit on the number of policies of this type in an organization.")
	errTooManyTags    = constraint(ReasonMaxTagLimitExceeded, "You have exceeded the number of tags allowed on this resource.")
	errImmutable      = invalidInput(ReasonImmutablePolicy, "You specified a policy that is managed by AWS and can't be modified.")
	errNonDetachable  = invalidInput(ReasonNonDetachablePolicy, "You can't detach this AWS Managed Policy.")
)

// clone returns a copy of a shared error value, so that callers may keep
// or wrap it.
func clone(e *Error) *Error { c := *e; return &c }
