package iamapi

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

// Managed policies

func (a *api) createPolicy(ctx context.Context, in *iamwire.CreatePolicyInput) (*iamwire.CreatePolicyOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	arn := "arn:aws:iam::" + c.Account + ":policy" + withPath(in.Path) + in.PolicyName
	if err := a.authorize(ctx, "CreatePolicy", arn, keys{}.requestTags(in.Tags)); err != nil {
		return nil, err
	}
	p, err := a.svc.CreatePolicy(ctx, c.Account, iam.CreatePolicyInput{PolicyName: in.PolicyName, Path: str(in.Path), PolicyDocument: in.PolicyDocument,
		Description: str(in.Description), Tags: tagsIn(in.Tags)}, a.au(ctx, "CreatePolicy", in))
	if err != nil {
		return nil, wireError(err)
	}
	out := policyOut(p)
	return &iamwire.CreatePolicyOutput{Policy: &out}, nil
}

func (a *api) getPolicy(ctx context.Context, in *iamwire.GetPolicyInput) (*iamwire.GetPolicyOutput, error) {
	c, err := a.onPolicy(ctx, "GetPolicy", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	p, err := a.svc.GetPolicy(ctx, c.Account, in.PolicyArn)
	if err != nil {
		return nil, wireError(err)
	}
	out := policyOut(p)
	return &iamwire.GetPolicyOutput{Policy: &out}, nil
}

func (a *api) listPolicies(ctx context.Context, in *iamwire.ListPoliciesInput) (*iamwire.ListPoliciesOutput, error) {
	c, err := a.onAccount(ctx, "ListPolicies")
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListPolicies(ctx, c.Account, iam.ListPoliciesInput{Scope: string(in.Scope), OnlyAttached: deref(in.OnlyAttached),
		PathPrefix: str(in.PathPrefix), PolicyUsageFilter: string(in.PolicyUsageFilter), Page: page(in.Marker, in.MaxItems)})
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListPoliciesOutput{Policies: make([]iamwire.Policy, len(pg.Items))}
	for i := range pg.Items {
		out.Policies[i] = policyOut(&pg.Items[i])
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) deletePolicy(ctx context.Context, in *iamwire.DeletePolicyInput) (*iamwire.DeletePolicyOutput, error) {
	c, err := a.onPolicy(ctx, "DeletePolicy", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeletePolicy(ctx, c.Account, in.PolicyArn, a.au(ctx, "DeletePolicy", in)))
}

func (a *api) createPolicyVersion(ctx context.Context, in *iamwire.CreatePolicyVersionInput) (*iamwire.CreatePolicyVersionOutput, error) {
	c, err := a.onPolicy(ctx, "CreatePolicyVersion", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	v, err := a.svc.CreatePolicyVersion(ctx, c.Account, in.PolicyArn, in.PolicyDocument, deref(in.SetAsDefault), a.au(ctx, "CreatePolicyVersion", in))
	if err != nil {
		return nil, wireError(err)
	}
	out := versionOut(v)
	return &iamwire.CreatePolicyVersionOutput{PolicyVersion: &out}, nil
}

func (a *api) getPolicyVersion(ctx context.Context, in *iamwire.GetPolicyVersionInput) (*iamwire.GetPolicyVersionOutput, error) {
	c, err := a.onPolicy(ctx, "GetPolicyVersion", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	v, err := a.svc.GetPolicyVersion(ctx, c.Account, in.PolicyArn, in.VersionId)
	if err != nil {
		return nil, wireError(err)
	}
	out := versionOut(v)
	return &iamwire.GetPolicyVersionOutput{PolicyVersion: &out}, nil
}

func (a *api) listPolicyVersions(ctx context.Context, in *iamwire.ListPolicyVersionsInput) (*iamwire.ListPolicyVersionsOutput, error) {
	c, err := a.onPolicy(ctx, "ListPolicyVersions", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListPolicyVersions(ctx, c.Account, in.PolicyArn, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListPolicyVersionsOutput{Versions: make([]iamwire.PolicyVersion, len(pg.Items))}
	for i := range pg.Items {
		out.Versions[i] = versionOut(&pg.Items[i])
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) deletePolicyVersion(ctx context.Context, in *iamwire.DeletePolicyVersionInput) (*iamwire.DeletePolicyVersionOutput, error) {
	c, err := a.onPolicy(ctx, "DeletePolicyVersion", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeletePolicyVersion(ctx, c.Account, in.PolicyArn, in.VersionId, a.au(ctx, "DeletePolicyVersion", in)))
}

func (a *api) setDefaultPolicyVersion(ctx context.Context, in *iamwire.SetDefaultPolicyVersionInput) (*iamwire.SetDefaultPolicyVersionOutput, error) {
	c, err := a.onPolicy(ctx, "SetDefaultPolicyVersion", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.SetDefaultPolicyVersion(ctx, c.Account, in.PolicyArn, in.VersionId, a.au(ctx, "SetDefaultPolicyVersion", in)))
}

func (a *api) tagPolicy(ctx context.Context, in *iamwire.TagPolicyInput) (*iamwire.TagPolicyOutput, error) {
	c, err := a.onPolicy(ctx, "TagPolicy", in.PolicyArn, func(k keys) { k.requestTags(in.Tags) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.TagPolicy(ctx, c.Account, in.PolicyArn, tagsIn(in.Tags), a.au(ctx, "TagPolicy", in)))
}

func (a *api) untagPolicy(ctx context.Context, in *iamwire.UntagPolicyInput) (*iamwire.UntagPolicyOutput, error) {
	c, err := a.onPolicy(ctx, "UntagPolicy", in.PolicyArn, func(k keys) { k["aws:TagKeys"] = in.TagKeys })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UntagPolicy(ctx, c.Account, in.PolicyArn, in.TagKeys, a.au(ctx, "UntagPolicy", in)))
}

func (a *api) listPolicyTags(ctx context.Context, in *iamwire.ListPolicyTagsInput) (*iamwire.ListPolicyTagsOutput, error) {
	c, err := a.onPolicy(ctx, "ListPolicyTags", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListPolicyTags(ctx, c.Account, in.PolicyArn, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListPolicyTagsOutput{Tags: tagsOut(pg.Items)}
	if out.Tags == nil {
		out.Tags = []iamwire.Tag{}
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) listEntitiesForPolicy(ctx context.Context, in *iamwire.ListEntitiesForPolicyInput) (*iamwire.ListEntitiesForPolicyOutput, error) {
	c, err := a.onPolicy(ctx, "ListEntitiesForPolicy", in.PolicyArn, nil)
	if err != nil {
		return nil, err
	}
	ents, err := a.svc.ListEntitiesForPolicy(ctx, c.Account, iam.ListEntitiesForPolicyInput{PolicyARN: in.PolicyArn, EntityFilter: string(in.EntityFilter),
		PathPrefix: str(in.PathPrefix), PolicyUsageFilter: string(in.PolicyUsageFilter), Page: page(in.Marker, in.MaxItems)})
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListEntitiesForPolicyOutput{PolicyGroups: []iamwire.PolicyGroup{}, PolicyUsers: []iamwire.PolicyUser{}, PolicyRoles: []iamwire.PolicyRole{}}
	for _, e := range ents.PolicyGroups {
		out.PolicyGroups = append(out.PolicyGroups, iamwire.PolicyGroup{GroupName: ptr(e.Name), GroupId: ptr(e.ID)})
	}
	for _, e := range ents.PolicyUsers {
		out.PolicyUsers = append(out.PolicyUsers, iamwire.PolicyUser{UserName: ptr(e.Name), UserId: ptr(e.ID)})
	}
	for _, e := range ents.PolicyRoles {
		out.PolicyRoles = append(out.PolicyRoles, iamwire.PolicyRole{RoleName: ptr(e.Name), RoleId: ptr(e.ID)})
	}
	out.IsTruncated, out.Marker = truncated(ents.IsTruncated, ents.Marker)
	return out, nil
}

// Attachments: iam:PolicyARN is the policy attached or detached.

func (a *api) attachUserPolicy(ctx context.Context, in *iamwire.AttachUserPolicyInput) (*iamwire.AttachUserPolicyOutput, error) {
	c, err := a.onEntity(ctx, "AttachUserPolicy", "user", in.UserName, func(k keys) { k.set("iam:PolicyARN", in.PolicyArn) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.AttachUserPolicy(ctx, c.Account, in.UserName, in.PolicyArn, a.au(ctx, "AttachUserPolicy", in)))
}

func (a *api) attachGroupPolicy(ctx context.Context, in *iamwire.AttachGroupPolicyInput) (*iamwire.AttachGroupPolicyOutput, error) {
	c, err := a.onEntity(ctx, "AttachGroupPolicy", "group", in.GroupName, func(k keys) { k.set("iam:PolicyARN", in.PolicyArn) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.AttachGroupPolicy(ctx, c.Account, in.GroupName, in.PolicyArn, a.au(ctx, "AttachGroupPolicy", in)))
}

func (a *api) attachRolePolicy(ctx context.Context, in *iamwire.AttachRolePolicyInput) (*iamwire.AttachRolePolicyOutput, error) {
	c, err := a.onEntity(ctx, "AttachRolePolicy", "role", in.RoleName, func(k keys) { k.set("iam:PolicyARN", in.PolicyArn) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.AttachRolePolicy(ctx, c.Account, in.RoleName, in.PolicyArn, a.au(ctx, "AttachRolePolicy", in)))
}

func (a *api) detachUserPolicy(ctx context.Context, in *iamwire.DetachUserPolicyInput) (*iamwire.DetachUserPolicyOutput, error) {
	c, err := a.onEntity(ctx, "DetachUserPolicy", "user", in.UserName, func(k keys) { k.set("iam:PolicyARN", in.PolicyArn) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DetachUserPolicy(ctx, c.Account, in.UserName, in.PolicyArn, a.au(ctx, "DetachUserPolicy", in)))
}

func (a *api) detachGroupPolicy(ctx context.Context, in *iamwire.DetachGroupPolicyInput) (*iamwire.DetachGroupPolicyOutput, error) {
	c, err := a.onEntity(ctx, "DetachGroupPolicy", "group", in.GroupName, func(k keys) { k.set("iam:PolicyARN", in.PolicyArn) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DetachGroupPolicy(ctx, c.Account, in.GroupName, in.PolicyArn, a.au(ctx, "DetachGroupPolicy", in)))
}

func (a *api) detachRolePolicy(ctx context.Context, in *iamwire.DetachRolePolicyInput) (*iamwire.DetachRolePolicyOutput, error) {
	c, err := a.onEntity(ctx, "DetachRolePolicy", "role", in.RoleName, func(k keys) { k.set("iam:PolicyARN", in.PolicyArn) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DetachRolePolicy(ctx, c.Account, in.RoleName, in.PolicyArn, a.au(ctx, "DetachRolePolicy", in)))
}

func (a *api) listAttached(ctx context.Context, action, kind, name string, pathPrefix, marker *string, maxItems *int32,
	list func(ctx context.Context, account, name, prefix string, p iam.Page) (iam.ListPage[iam.AttachedPolicy], error),
) ([]iamwire.AttachedPolicy, *bool, *string, error) {
	c, err := a.onEntity(ctx, action, kind, name, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	pg, err := list(ctx, c.Account, name, str(pathPrefix), page(marker, maxItems))
	if err != nil {
		return nil, nil, nil, wireError(err)
	}
	trunc, next := truncated(pg.IsTruncated, pg.Marker)
	return attachedOut(pg.Items), trunc, next, nil
}

func (a *api) listAttachedUserPolicies(ctx context.Context, in *iamwire.ListAttachedUserPoliciesInput) (*iamwire.ListAttachedUserPoliciesOutput, error) {
	ps, trunc, next, err := a.listAttached(ctx, "ListAttachedUserPolicies", "user", in.UserName, in.PathPrefix, in.Marker, in.MaxItems, a.svc.ListAttachedUserPolicies)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListAttachedUserPoliciesOutput{AttachedPolicies: ps, IsTruncated: trunc, Marker: next}, nil
}

func (a *api) listAttachedGroupPolicies(ctx context.Context, in *iamwire.ListAttachedGroupPoliciesInput) (*iamwire.ListAttachedGroupPoliciesOutput, error) {
	ps, trunc, next, err := a.listAttached(ctx, "ListAttachedGroupPolicies", "group", in.GroupName, in.PathPrefix, in.Marker, in.MaxItems, a.svc.ListAttachedGroupPolicies)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListAttachedGroupPoliciesOutput{AttachedPolicies: ps, IsTruncated: trunc, Marker: next}, nil
}

func (a *api) listAttachedRolePolicies(ctx context.Context, in *iamwire.ListAttachedRolePoliciesInput) (*iamwire.ListAttachedRolePoliciesOutput, error) {
	ps, trunc, next, err := a.listAttached(ctx, "ListAttachedRolePolicies", "role", in.RoleName, in.PathPrefix, in.Marker, in.MaxItems, a.svc.ListAttachedRolePolicies)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListAttachedRolePoliciesOutput{AttachedPolicies: ps, IsTruncated: trunc, Marker: next}, nil
}

// Inline policies

func (a *api) putUserPolicy(ctx context.Context, in *iamwire.PutUserPolicyInput) (*iamwire.PutUserPolicyOutput, error) {
	c, err := a.onEntity(ctx, "PutUserPolicy", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.PutUserPolicy(ctx, c.Account, in.UserName, in.PolicyName, in.PolicyDocument, a.au(ctx, "PutUserPolicy", in)))
}

func (a *api) putGroupPolicy(ctx context.Context, in *iamwire.PutGroupPolicyInput) (*iamwire.PutGroupPolicyOutput, error) {
	c, err := a.onEntity(ctx, "PutGroupPolicy", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.PutGroupPolicy(ctx, c.Account, in.GroupName, in.PolicyName, in.PolicyDocument, a.au(ctx, "PutGroupPolicy", in)))
}

func (a *api) putRolePolicy(ctx context.Context, in *iamwire.PutRolePolicyInput) (*iamwire.PutRolePolicyOutput, error) {
	c, err := a.onEntity(ctx, "PutRolePolicy", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.PutRolePolicy(ctx, c.Account, in.RoleName, in.PolicyName, in.PolicyDocument, a.au(ctx, "PutRolePolicy", in)))
}

func (a *api) getUserPolicy(ctx context.Context, in *iamwire.GetUserPolicyInput) (*iamwire.GetUserPolicyOutput, error) {
	c, err := a.onEntity(ctx, "GetUserPolicy", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	p, err := a.svc.GetUserPolicy(ctx, c.Account, in.UserName, in.PolicyName)
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.GetUserPolicyOutput{UserName: p.EntityName, PolicyName: p.Name, PolicyDocument: encodeDoc(p.Document)}, nil
}

func (a *api) getGroupPolicy(ctx context.Context, in *iamwire.GetGroupPolicyInput) (*iamwire.GetGroupPolicyOutput, error) {
	c, err := a.onEntity(ctx, "GetGroupPolicy", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	p, err := a.svc.GetGroupPolicy(ctx, c.Account, in.GroupName, in.PolicyName)
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.GetGroupPolicyOutput{GroupName: p.EntityName, PolicyName: p.Name, PolicyDocument: encodeDoc(p.Document)}, nil
}

func (a *api) getRolePolicy(ctx context.Context, in *iamwire.GetRolePolicyInput) (*iamwire.GetRolePolicyOutput, error) {
	c, err := a.onEntity(ctx, "GetRolePolicy", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	p, err := a.svc.GetRolePolicy(ctx, c.Account, in.RoleName, in.PolicyName)
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.GetRolePolicyOutput{RoleName: p.EntityName, PolicyName: p.Name, PolicyDocument: encodeDoc(p.Document)}, nil
}

func (a *api) listInline(ctx context.Context, action, kind, name string, marker *string, maxItems *int32,
	list func(ctx context.Context, account, name string, p iam.Page) (iam.ListPage[string], error),
) ([]string, *bool, *string, error) {
	c, err := a.onEntity(ctx, action, kind, name, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	pg, err := list(ctx, c.Account, name, page(marker, maxItems))
	if err != nil {
		return nil, nil, nil, wireError(err)
	}
	trunc, next := truncated(pg.IsTruncated, pg.Marker)
	return pg.Items, trunc, next, nil
}

func (a *api) listUserPolicies(ctx context.Context, in *iamwire.ListUserPoliciesInput) (*iamwire.ListUserPoliciesOutput, error) {
	names, trunc, next, err := a.listInline(ctx, "ListUserPolicies", "user", in.UserName, in.Marker, in.MaxItems, a.svc.ListUserPolicies)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListUserPoliciesOutput{PolicyNames: names, IsTruncated: trunc, Marker: next}, nil
}

func (a *api) listGroupPolicies(ctx context.Context, in *iamwire.ListGroupPoliciesInput) (*iamwire.ListGroupPoliciesOutput, error) {
	names, trunc, next, err := a.listInline(ctx, "ListGroupPolicies", "group", in.GroupName, in.Marker, in.MaxItems, a.svc.ListGroupPolicies)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListGroupPoliciesOutput{PolicyNames: names, IsTruncated: trunc, Marker: next}, nil
}

func (a *api) listRolePolicies(ctx context.Context, in *iamwire.ListRolePoliciesInput) (*iamwire.ListRolePoliciesOutput, error) {
	names, trunc, next, err := a.listInline(ctx, "ListRolePolicies", "role", in.RoleName, in.Marker, in.MaxItems, a.svc.ListRolePolicies)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListRolePoliciesOutput{PolicyNames: names, IsTruncated: trunc, Marker: next}, nil
}

func (a *api) deleteUserPolicy(ctx context.Context, in *iamwire.DeleteUserPolicyInput) (*iamwire.DeleteUserPolicyOutput, error) {
	c, err := a.onEntity(ctx, "DeleteUserPolicy", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteUserPolicy(ctx, c.Account, in.UserName, in.PolicyName, a.au(ctx, "DeleteUserPolicy", in)))
}

func (a *api) deleteGroupPolicy(ctx context.Context, in *iamwire.DeleteGroupPolicyInput) (*iamwire.DeleteGroupPolicyOutput, error) {
	c, err := a.onEntity(ctx, "DeleteGroupPolicy", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteGroupPolicy(ctx, c.Account, in.GroupName, in.PolicyName, a.au(ctx, "DeleteGroupPolicy", in)))
}

func (a *api) deleteRolePolicy(ctx context.Context, in *iamwire.DeleteRolePolicyInput) (*iamwire.DeleteRolePolicyOutput, error) {
	c, err := a.onEntity(ctx, "DeleteRolePolicy", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteRolePolicy(ctx, c.Account, in.RoleName, in.PolicyName, a.au(ctx, "DeleteRolePolicy", in)))
}
