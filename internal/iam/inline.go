package iam

import (
	"context"
	"slices"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// inlineSize is the quota on all inline policies of one entity together
// ("IAM and AWS STS quotas": user 2,048, group 5,120, role 10,240 characters
// without white space).
func inlineSize(kind entityKind) policy.SizeKind {
	switch kind {
	case kindOfUser:
		return policy.SizeUserInline
	case kindOfGroup:
		return policy.SizeGroupInline
	}
	return policy.SizeRoleInline
}

// NamedInlinePolicy is GetUserPolicy's (GetGroupPolicy's, GetRolePolicy's)
// result: the entity's name and the policy.
type NamedInlinePolicy struct {
	EntityName string
	InlinePolicy
}

// PutUserPolicy adds or replaces an inline policy of a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html
func (s *Service) PutUserPolicy(ctx context.Context, account, userName, policyName, document string, audit Audit) error {
	return s.putInline(ctx, account, kindOfUser, userName, policyName, document, "PutUserPolicy", audit)
}

// PutGroupPolicy adds or replaces an inline policy of a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html
func (s *Service) PutGroupPolicy(ctx context.Context, account, groupName, policyName, document string, audit Audit) error {
	return s.putInline(ctx, account, kindOfGroup, groupName, policyName, document, "PutGroupPolicy", audit)
}

// PutRolePolicy adds or replaces an inline policy of a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
func (s *Service) PutRolePolicy(ctx context.Context, account, roleName, policyName, document string, audit Audit) error {
	return s.putInline(ctx, account, kindOfRole, roleName, policyName, document, "PutRolePolicy", audit)
}

// GetUserPolicy returns an inline policy of a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html
func (s *Service) GetUserPolicy(ctx context.Context, account, userName, policyName string) (*NamedInlinePolicy, error) {
	return s.getInline(ctx, account, kindOfUser, userName, policyName)
}

// GetGroupPolicy returns an inline policy of a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroupPolicy.html
func (s *Service) GetGroupPolicy(ctx context.Context, account, groupName, policyName string) (*NamedInlinePolicy, error) {
	return s.getInline(ctx, account, kindOfGroup, groupName, policyName)
}

// GetRolePolicy returns an inline policy of a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
func (s *Service) GetRolePolicy(ctx context.Context, account, roleName, policyName string) (*NamedInlinePolicy, error) {
	return s.getInline(ctx, account, kindOfRole, roleName, policyName)
}

// ListUserPolicies lists the names of a user's inline policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserPolicies.html
func (s *Service) ListUserPolicies(ctx context.Context, account, userName string, p Page) (ListPage[string], error) {
	return s.listInline(ctx, account, kindOfUser, userName, p)
}

// ListGroupPolicies lists the names of a group's inline policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupPolicies.html
func (s *Service) ListGroupPolicies(ctx context.Context, account, groupName string, p Page) (ListPage[string], error) {
	return s.listInline(ctx, account, kindOfGroup, groupName, p)
}

// ListRolePolicies lists the names of a role's inline policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRolePolicies.html
func (s *Service) ListRolePolicies(ctx context.Context, account, roleName string, p Page) (ListPage[string], error) {
	return s.listInline(ctx, account, kindOfRole, roleName, p)
}

// DeleteUserPolicy deletes an inline policy of a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPolicy.html
func (s *Service) DeleteUserPolicy(ctx context.Context, account, userName, policyName string, audit Audit) error {
	return s.deleteInline(ctx, account, kindOfUser, userName, policyName, "DeleteUserPolicy", audit)
}

// DeleteGroupPolicy deletes an inline policy of a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroupPolicy.html
func (s *Service) DeleteGroupPolicy(ctx context.Context, account, groupName, policyName string, audit Audit) error {
	return s.deleteInline(ctx, account, kindOfGroup, groupName, policyName, "DeleteGroupPolicy", audit)
}

// DeleteRolePolicy deletes an inline policy of a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html
func (s *Service) DeleteRolePolicy(ctx context.Context, account, roleName, policyName string, audit Audit) error {
	return s.deleteInline(ctx, account, kindOfRole, roleName, policyName, "DeleteRolePolicy", audit)
}

func nameLimit(kind entityKind) int {
	switch kind {
	case kindOfUser:
		return maxExisting
	case kindOfGroup:
		return maxGroupName
	}
	return maxRoleName
}

func (s *Service) putInline(ctx context.Context, account string, kind entityKind, name, policyName, document, op string, audit Audit) error {
	if err := validate(func(v *validation) {
		v.name(name, string(kind)+"Name", nameLimit(kind))
		v.name(policyName, "policyName", maxPolicyName)
	}); err != nil {
		return err
	}
	doc, err := parseIdentityPolicy(document)
	if err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resourceType(kind), name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kind, name)
		if err != nil {
			return err
		}
		docs := []*policy.Policy{doc}
		var kept []InlinePolicy
		for _, ip := range en.e.Inline {
			if ip.Name == policyName {
				continue
			}
			other, err := policy.Parse([]byte(ip.Document), "")
			if err != nil {
				return err
			}
			docs = append(docs, other)
			kept = append(kept, ip)
		}
		sk := inlineSize(kind)
		if err := policy.CheckSize(sk, docs...); err != nil {
			return limitExceeded("Maximum policy size of %d bytes exceeded for %s %s", sk.Limit(), kind, en.e.Name)
		}
		en.e.Inline = sortedInline(append(kept, InlinePolicy{Name: policyName, Document: document}))
		return en.save(ctx, tx, account)
	})
}

func (s *Service) getInline(ctx context.Context, account string, kind entityKind, name, policyName string) (*NamedInlinePolicy, error) {
	if err := validate(func(v *validation) {
		v.name(name, string(kind)+"Name", nameLimit(kind))
		v.name(policyName, "policyName", maxPolicyName)
	}); err != nil {
		return nil, err
	}
	var out *NamedInlinePolicy
	err := s.view(ctx, func(r store.Reader) error {
		en, err := loadEntity(ctx, r, account, kind, name)
		if err != nil {
			return err
		}
		for _, ip := range en.e.Inline {
			if ip.Name == policyName {
				out = &NamedInlinePolicy{EntityName: en.e.Name, InlinePolicy: ip}
				return nil
			}
		}
		return noSuchInline(kind, policyName)
	})
	return out, err
}

func (s *Service) listInline(ctx context.Context, account string, kind entityKind, name string, p Page) (ListPage[string], error) {
	if err := validate(func(v *validation) { v.name(name, string(kind)+"Name", nameLimit(kind)); v.page(p) }); err != nil {
		return ListPage[string]{}, err
	}
	var names []string
	err := s.view(ctx, func(r store.Reader) error {
		en, err := loadEntity(ctx, r, account, kind, name)
		if err != nil {
			return err
		}
		for _, ip := range en.e.Inline {
			names = append(names, ip.Name)
		}
		return nil
	})
	if err != nil {
		return ListPage[string]{}, err
	}
	return pageOf(names, func(n string) string { return n }, p)
}

func (s *Service) deleteInline(ctx context.Context, account string, kind entityKind, name, policyName, op string, audit Audit) error {
	if err := validate(func(v *validation) {
		v.name(name, string(kind)+"Name", nameLimit(kind))
		v.name(policyName, "policyName", maxPolicyName)
	}); err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resourceType(kind), name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kind, name)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(en.e.Inline, func(ip InlinePolicy) bool { return ip.Name == policyName })
		if i < 0 {
			return noSuchInline(kind, policyName)
		}
		en.e.Inline = slices.Delete(en.e.Inline, i, i+1)
		return en.save(ctx, tx, account)
	})
}
