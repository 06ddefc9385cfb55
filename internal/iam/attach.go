package iam

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// AttachedPolicy names a managed policy attached to an entity.
type AttachedPolicy struct {
	PolicyName string `json:"policyName"`
	PolicyARN  string `json:"policyArn"`
}

// quotaName is the name IAM gives the managed-policies-per-entity quota:
// "Cannot exceed quota for PoliciesPerUser: 10" (PoliciesPerGroup,
// PoliciesPerRole).
func quotaName(kind entityKind) string {
	switch kind {
	case kindOfUser:
		return "PoliciesPerUser"
	case kindOfGroup:
		return "PoliciesPerGroup"
	}
	return "PoliciesPerRole"
}

// AttachUserPolicy attaches a managed policy to a user (at most 10; the
// same policy again changes nothing).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html
func (s *Service) AttachUserPolicy(ctx context.Context, account, userName, policyARN string, audit Audit) error {
	return s.attach(ctx, account, kindOfUser, userName, policyARN, "AttachUserPolicy", audit)
}

// AttachGroupPolicy attaches a managed policy to a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachGroupPolicy.html
func (s *Service) AttachGroupPolicy(ctx context.Context, account, groupName, policyARN string, audit Audit) error {
	return s.attach(ctx, account, kindOfGroup, groupName, policyARN, "AttachGroupPolicy", audit)
}

// AttachRolePolicy attaches a managed policy to a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html
func (s *Service) AttachRolePolicy(ctx context.Context, account, roleName, policyARN string, audit Audit) error {
	return s.attach(ctx, account, kindOfRole, roleName, policyARN, "AttachRolePolicy", audit)
}

// DetachUserPolicy detaches a managed policy from a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html
func (s *Service) DetachUserPolicy(ctx context.Context, account, userName, policyARN string, audit Audit) error {
	return s.detach(ctx, account, kindOfUser, userName, policyARN, "DetachUserPolicy", audit)
}

// DetachGroupPolicy detaches a managed policy from a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachGroupPolicy.html
func (s *Service) DetachGroupPolicy(ctx context.Context, account, groupName, policyARN string, audit Audit) error {
	return s.detach(ctx, account, kindOfGroup, groupName, policyARN, "DetachGroupPolicy", audit)
}

// DetachRolePolicy detaches a managed policy from a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html
func (s *Service) DetachRolePolicy(ctx context.Context, account, roleName, policyARN string, audit Audit) error {
	return s.detach(ctx, account, kindOfRole, roleName, policyARN, "DetachRolePolicy", audit)
}

// ListAttachedUserPolicies lists the managed policies attached to a user
// whose path starts with pathPrefix.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedUserPolicies.html
func (s *Service) ListAttachedUserPolicies(ctx context.Context, account, userName, pathPrefix string, p Page) (ListPage[AttachedPolicy], error) {
	return s.listAttached(ctx, account, kindOfUser, userName, pathPrefix, p)
}

// ListAttachedGroupPolicies lists the managed policies attached to a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedGroupPolicies.html
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, account, groupName, pathPrefix string, p Page) (ListPage[AttachedPolicy], error) {
	return s.listAttached(ctx, account, kindOfGroup, groupName, pathPrefix, p)
}

// ListAttachedRolePolicies lists the managed policies attached to a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html
func (s *Service) ListAttachedRolePolicies(ctx context.Context, account, roleName, pathPrefix string, p Page) (ListPage[AttachedPolicy], error) {
	return s.listAttached(ctx, account, kindOfRole, roleName, pathPrefix, p)
}

func checkPolicyARNParam(arn string) error {
	if err := validate(func(v *validation) { v.length(arn, "policyArn", 20, maxARN) }); err != nil {
		return err
	}
	_, _, _, err := splitPolicyARN(arn)
	return err
}

func (s *Service) attach(ctx context.Context, account string, kind entityKind, name, arn, op string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, string(kind)+"Name", nameLimit(kind)) }); err != nil {
		return err
	}
	if err := checkPolicyARNParam(arn); err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resourceType(kind), name), res(resPolicy, arn)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kind, name)
		if err != nil {
			return err
		}
		m, err := s.resolvePolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		if m == nil {
			return notAttachable(arn)
		}
		if slices.Contains(en.e.Attached, arn) {
			return nil
		}
		if len(en.e.Attached) >= maxAttachedPolicies {
			return quota(quotaName(kind), maxAttachedPolicies)
		}
		en.e.Attached = append(en.e.Attached, arn)
		if err := en.save(ctx, tx, account); err != nil {
			return err
		}
		return putUsage(ctx, tx, account, kindAttachment, arn, en)
	})
}

func (s *Service) detach(ctx context.Context, account string, kind entityKind, name, arn, op string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, string(kind)+"Name", nameLimit(kind)) }); err != nil {
		return err
	}
	if err := checkPolicyARNParam(arn); err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resourceType(kind), name), res(resPolicy, arn)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kind, name)
		if err != nil {
			return err
		}
		i := slices.Index(en.e.Attached, arn)
		if i < 0 {
			return noSuchPolicy(arn)
		}
		en.e.Attached = slices.Delete(en.e.Attached, i, i+1)
		if err := en.save(ctx, tx, account); err != nil {
			return err
		}
		return dropUsage(ctx, tx, account, kindAttachment, arn, en)
	})
}

// attachedPolicies names an entity's attached policies whose path starts
// with pathPrefix, in attachment order.
func (s *Service) attachedPolicies(ctx context.Context, r store.Reader, account string, arns []string, pathPrefix string) ([]AttachedPolicy, error) {
	var out []AttachedPolicy
	for _, arn := range arns {
		_, path, name, err := splitPolicyARN(arn)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(path, pathPrefix) {
			continue
		}
		out = append(out, AttachedPolicy{PolicyName: name, PolicyARN: arn})
	}
	return out, nil
}

func (s *Service) listAttached(ctx context.Context, account string, kind entityKind, name, pathPrefix string, p Page) (ListPage[AttachedPolicy], error) {
	if err := validate(func(v *validation) {
		v.name(name, string(kind)+"Name", nameLimit(kind))
		v.pathPrefix(pathPrefix, "pathPrefix")
		v.page(p)
	}); err != nil {
		return ListPage[AttachedPolicy]{}, err
	}
	var list []AttachedPolicy
	err := s.view(ctx, func(r store.Reader) error {
		en, err := loadEntity(ctx, r, account, kind, name)
		if err != nil {
			return err
		}
		list, err = s.attachedPolicies(ctx, r, account, en.e.Attached, pathPrefix)
		return err
	})
	if err != nil {
		return ListPage[AttachedPolicy]{}, err
	}
	type item struct {
		k string
		a AttachedPolicy
	}
	items := make([]item, len(list))
	for i, a := range list {
		items[i] = item{fmt.Sprintf("%03d", i), a}
	}
	pg, err := pageOf(items, func(it item) string { return it.k }, p)
	if err != nil {
		return ListPage[AttachedPolicy]{}, err
	}
	out := ListPage[AttachedPolicy]{Items: make([]AttachedPolicy, len(pg.Items)), IsTruncated: pg.IsTruncated, Marker: pg.Marker}
	for i, it := range pg.Items {
		out.Items[i] = it.a
	}
	return out, nil
}

// PolicyEntity names an entity a policy is attached to (or is the
// permissions boundary of).
type PolicyEntity struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// PolicyEntities is ListEntitiesForPolicy's result.
type PolicyEntities struct {
	PolicyGroups []PolicyEntity
	PolicyUsers  []PolicyEntity
	PolicyRoles  []PolicyEntity
	IsTruncated  bool
	Marker       string
}

// Entity filters of ListEntitiesForPolicy.
const (
	EntityUser  = "User"
	EntityRole  = "Role"
	EntityGroup = "Group"
	EntityLocal = "LocalManagedPolicy"
	EntityAWS   = "AWSManagedPolicy"
)

// ListEntitiesForPolicyInput is ListEntitiesForPolicy's request.
type ListEntitiesForPolicyInput struct {
	PolicyARN string
	// EntityFilter is User, Role or Group ("" for all).
	EntityFilter string
	PathPrefix   string
	// PolicyUsageFilter is PermissionsPolicy (attachments),
	// PermissionsBoundary (boundary uses) or "" (both).
	PolicyUsageFilter string
	Page
}

// ListEntitiesForPolicy lists the users, groups and roles a managed policy
// is attached to or is the permissions boundary of.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html
func (s *Service) ListEntitiesForPolicy(ctx context.Context, account string, in ListEntitiesForPolicyInput) (*PolicyEntities, error) {
	if err := validate(func(v *validation) {
		switch in.EntityFilter {
		case "", EntityUser, EntityRole, EntityGroup, EntityLocal, EntityAWS:
		default:
			v.add(in.EntityFilter, "entityFilter", "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]")
		}
		switch in.PolicyUsageFilter {
		case "", UsagePermissionsPolicy, UsagePermissionsBoundary:
		default:
			v.add(in.PolicyUsageFilter, "policyUsageFilter", "Member must satisfy enum value set: [PermissionsBoundary, PermissionsPolicy]")
		}
		v.pathPrefix(in.PathPrefix, "pathPrefix")
		v.page(in.Page)
	}); err != nil {
		return nil, err
	}
	if err := checkPolicyARNParam(in.PolicyARN); err != nil {
		return nil, err
	}
	type item struct {
		k    string
		kind entityKind
		pe   PolicyEntity
	}
	var items []item
	err := s.view(ctx, func(r store.Reader) error {
		m, err := s.resolvePolicy(ctx, r, account, in.PolicyARN)
		if err != nil {
			return err
		}
		if m == nil {
			return noSuchPolicy(in.PolicyARN)
		}
		seen := map[string]bool{}
		for _, kind := range []string{kindAttachment, kindBoundaryUse} {
			if kind == kindAttachment && in.PolicyUsageFilter == UsagePermissionsBoundary ||
				kind == kindBoundaryUse && in.PolicyUsageFilter == UsagePermissionsPolicy {
				continue
			}
			recs, _, err := storejson.List[usageRec](ctx, r, account, kind, in.PolicyARN+"\n")
			if err != nil {
				return err
			}
			for _, u := range recs {
				if in.EntityFilter != "" && !strings.EqualFold(string(u.Kind), in.EntityFilter) {
					continue
				}
				en, err := loadEntity(ctx, r, account, u.Kind, u.Name)
				if err != nil {
					if ErrorCode(err) == CodeNoSuchEntity {
						continue
					}
					return err
				}
				if !strings.HasPrefix(en.e.Path, in.PathPrefix) {
					continue
				}
				order := map[entityKind]string{kindOfGroup: "1", kindOfUser: "2", kindOfRole: "3"}[u.Kind]
				k := order + lower(en.e.Name)
				if seen[k] {
					continue
				}
				seen[k] = true
				items = append(items, item{k, u.Kind, PolicyEntity{Name: en.e.Name, ID: en.e.ID}})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.k, b.k) })
	pg, err := pageOf(items, func(it item) string { return it.k }, in.Page)
	if err != nil {
		return nil, err
	}
	out := &PolicyEntities{PolicyGroups: []PolicyEntity{}, PolicyUsers: []PolicyEntity{}, PolicyRoles: []PolicyEntity{}, IsTruncated: pg.IsTruncated, Marker: pg.Marker}
	for _, it := range pg.Items {
		switch it.kind {
		case kindOfGroup:
			out.PolicyGroups = append(out.PolicyGroups, it.pe)
		case kindOfUser:
			out.PolicyUsers = append(out.PolicyUsers, it.pe)
		default:
			out.PolicyRoles = append(out.PolicyRoles, it.pe)
		}
	}
	return out, nil
}
