// Package access authorizes the requests of authenticated callers: it gathers
// the policies that apply to a caller (identity-based, permissions boundary,
// session, and, with Organizations, SCPs and RCPs), builds the request context
// keys that describe the caller and the call, and asks package authz.
//
// Service handlers describe each authorization they need as a Request; the
// caller comes from the context (identity.FromContext).
package access

import (
	"context"
	"fmt"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// Request is one authorization an operation needs: an action on a resource.
type Request struct {
	// Action is "service:Operation", e.g. "iam:CreateUser".
	Action string
	// Resource is the resource ARN, or "*" for actions without a resource
	// type.
	Resource string
	// ResourceAccount owns the resource; "" means the caller's account.
	ResourceAccount string
	// ResourcePolicy is the resource-based policy, if the resource has one
	// (role trust policies, bucket policies).
	ResourcePolicy *policy.Compiled
	// ResourcePolicyIsTrust marks a role trust policy: for sts:AssumeRole*
	// the trust policy must allow, whatever the account.
	ResourcePolicyIsTrust bool
	// Context holds request-specific keys (aws:RequestTag/k, aws:TagKeys,
	// aws:ResourceTag/k, iam:PassedToService, sts:ExternalId ...); the
	// caller and global keys are added by the Authorizer.
	Context map[string][]string
}

// Authorizer decides requests.
type Authorizer interface {
	// Authorize returns nil when every request is allowed, else a
	// *DeniedError for the first that is not.
	Authorize(ctx context.Context, reqs ...Request) error
}

// DeniedError is a refusal, with AWS's message (the edge maps it to
// AccessDenied / AccessDeniedException).
type DeniedError struct {
	Action   string
	Resource string
	Message  string
}

func (e *DeniedError) Error() string { return e.Message }

// Deny builds a DeniedError; used by handlers that refuse for reasons of their
// own (for example a service-linked resource).
func Deny(action, resource, format string, args ...any) *DeniedError {
	return &DeniedError{Action: action, Resource: resource, Message: fmt.Sprintf(format, args...)}
}
