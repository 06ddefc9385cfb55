package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/cleanroom-dev/cleanroom/internal/audit"
	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// roleMaker creates the access role of a new member account with IAM.
type roleMaker struct {
	iam *iam.Service
	s   *Server
}

// audit records a call Organizations makes in the member account as
// CloudTrail records a service's calls: userIdentity of type AWSService,
// invokedBy organizations.amazonaws.com.
func (m roleMaker) audit(account, op string, request any) iam.Audit {
	return func(result any) store.Event {
		return m.s.audit.Event(audit.Call{
			Request: audit.Request{InvokedBy: "organizations.amazonaws.com", Region: audit.DefaultRegion},
			Source:  "iam.amazonaws.com", Operation: op, Account: account,
			RequestParameters: recordValue(request), ResponseElements: recordValue(iamResponseElements(result)),
		})
	}
}

// CreateAccessRole implements orgs.RoleMaker. It may run twice for one
// account (Organizations resumes unfinished account creations), so an
// existing role is taken as made.
func (m roleMaker) CreateAccessRole(ctx context.Context, account string, role orgs.AccessRole) error {
	in := iam.CreateRoleInput{RoleName: role.Name, AssumeRolePolicyDocument: role.TrustPolicy}
	_, err := m.iam.CreateRole(ctx, account, in, m.audit(account, "CreateRole", in))
	if err != nil && iam.ErrorCode(err) != iam.CodeEntityAlreadyExists {
		return fmt.Errorf("creating %s in %s: %w", role.Name, account, err)
	}
	for _, arn := range role.ManagedPolicyARNs {
		req := map[string]any{"roleName": role.Name, "policyArn": arn}
		if err := m.iam.AttachRolePolicy(ctx, account, role.Name, arn, m.audit(account, "AttachRolePolicy", req)); err != nil {
			return fmt.Errorf("attaching %s to %s in %s: %w", arn, role.Name, account, err)
		}
	}
	return nil
}

// ensureOrganization creates the organization with the management account
// on first start, and finishes account creations a previous run left
// unfinished.
func (s *Server) ensureOrganization(ctx context.Context) error {
	o := s.api.orgs
	_, err := o.DescribeOrganization(ctx, s.boot.ManagementAccount)
	if orgs.ErrorCode(err) == "AWSOrganizationsNotInUseException" {
		_, err = o.CreateOrganization(ctx, s.boot.ManagementAccount, "", nil)
	}
	if err != nil {
		return fmt.Errorf("server: organization: %w", err)
	}
	if err := o.Resume(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("server: resuming account creations: %w", err)
	}
	return nil
}
