package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
)

// roleMaker creates the access role of a new member account with IAM.
type roleMaker struct{ iam *iam.Service }

// CreateAccessRole implements orgs.RoleMaker. It may run twice for one
// account (Organizations resumes unfinished account creations), so an
// existing role is taken as made.
func (m roleMaker) CreateAccessRole(ctx context.Context, account string, role orgs.AccessRole) error {
	_, err := m.iam.CreateRole(ctx, account, iam.CreateRoleInput{RoleName: role.Name, AssumeRolePolicyDocument: role.TrustPolicy}, nil)
	if err != nil && iam.ErrorCode(err) != iam.CodeEntityAlreadyExists {
		return fmt.Errorf("creating %s in %s: %w", role.Name, account, err)
	}
	for _, arn := range role.ManagedPolicyARNs {
		if err := m.iam.AttachRolePolicy(ctx, account, role.Name, arn, nil); err != nil {
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
