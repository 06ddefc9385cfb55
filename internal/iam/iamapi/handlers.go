package iamapi

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

// Handlers returns the IAM operations cleanroom implements, bound to the
// Service. Operations left nil (login profiles, SAML, instance profiles,
// certificates, credential reports ...) answer NotImplemented.
func Handlers(o Options) *iamwire.Handlers {
	a := newAPI(o)
	return &iamwire.Handlers{
		// Users
		CreateUser: a.createUser, GetUser: a.getUser, ListUsers: a.listUsers, UpdateUser: a.updateUser, DeleteUser: a.deleteUser,
		TagUser: a.tagUser, UntagUser: a.untagUser, ListUserTags: a.listUserTags,
		PutUserPermissionsBoundary: a.putUserPermissionsBoundary, DeleteUserPermissionsBoundary: a.deleteUserPermissionsBoundary,
		// Groups
		CreateGroup: a.createGroup, GetGroup: a.getGroup, ListGroups: a.listGroups, UpdateGroup: a.updateGroup, DeleteGroup: a.deleteGroup,
		AddUserToGroup: a.addUserToGroup, RemoveUserFromGroup: a.removeUserFromGroup, ListGroupsForUser: a.listGroupsForUser,
		// Roles
		CreateRole: a.createRole, GetRole: a.getRole, ListRoles: a.listRoles, UpdateRole: a.updateRole,
		UpdateRoleDescription: a.updateRoleDescription, UpdateAssumeRolePolicy: a.updateAssumeRolePolicy, DeleteRole: a.deleteRole,
		TagRole: a.tagRole, UntagRole: a.untagRole, ListRoleTags: a.listRoleTags,
		PutRolePermissionsBoundary: a.putRolePermissionsBoundary, DeleteRolePermissionsBoundary: a.deleteRolePermissionsBoundary,
		// Managed policies
		CreatePolicy: a.createPolicy, GetPolicy: a.getPolicy, ListPolicies: a.listPolicies, DeletePolicy: a.deletePolicy,
		CreatePolicyVersion: a.createPolicyVersion, GetPolicyVersion: a.getPolicyVersion, ListPolicyVersions: a.listPolicyVersions,
		DeletePolicyVersion: a.deletePolicyVersion, SetDefaultPolicyVersion: a.setDefaultPolicyVersion,
		TagPolicy: a.tagPolicy, UntagPolicy: a.untagPolicy, ListPolicyTags: a.listPolicyTags,
		ListEntitiesForPolicy: a.listEntitiesForPolicy,
		AttachUserPolicy:      a.attachUserPolicy, AttachGroupPolicy: a.attachGroupPolicy, AttachRolePolicy: a.attachRolePolicy,
		DetachUserPolicy: a.detachUserPolicy, DetachGroupPolicy: a.detachGroupPolicy, DetachRolePolicy: a.detachRolePolicy,
		ListAttachedUserPolicies: a.listAttachedUserPolicies, ListAttachedGroupPolicies: a.listAttachedGroupPolicies,
		ListAttachedRolePolicies: a.listAttachedRolePolicies,
		// Inline policies
		PutUserPolicy: a.putUserPolicy, GetUserPolicy: a.getUserPolicy, ListUserPolicies: a.listUserPolicies, DeleteUserPolicy: a.deleteUserPolicy,
		PutGroupPolicy: a.putGroupPolicy, GetGroupPolicy: a.getGroupPolicy, ListGroupPolicies: a.listGroupPolicies, DeleteGroupPolicy: a.deleteGroupPolicy,
		PutRolePolicy: a.putRolePolicy, GetRolePolicy: a.getRolePolicy, ListRolePolicies: a.listRolePolicies, DeleteRolePolicy: a.deleteRolePolicy,
		// Access keys
		CreateAccessKey: a.createAccessKey, ListAccessKeys: a.listAccessKeys, UpdateAccessKey: a.updateAccessKey,
		DeleteAccessKey: a.deleteAccessKey, GetAccessKeyLastUsed: a.getAccessKeyLastUsed,
		// MFA
		CreateVirtualMFADevice: a.createVirtualMFADevice, EnableMFADevice: a.enableMFADevice, DeactivateMFADevice: a.deactivateMFADevice,
		ResyncMFADevice: a.resyncMFADevice, ListMFADevices: a.listMFADevices, ListVirtualMFADevices: a.listVirtualMFADevices,
		DeleteVirtualMFADevice: a.deleteVirtualMFADevice, TagMFADevice: a.tagMFADevice, UntagMFADevice: a.untagMFADevice,
		ListMFADeviceTags: a.listMFADeviceTags,
		// OpenID Connect
		CreateOpenIDConnectProvider: a.createOpenIDConnectProvider, GetOpenIDConnectProvider: a.getOpenIDConnectProvider,
		ListOpenIDConnectProviders: a.listOpenIDConnectProviders, DeleteOpenIDConnectProvider: a.deleteOpenIDConnectProvider,
		UpdateOpenIDConnectProviderThumbprint:   a.updateOpenIDConnectProviderThumbprint,
		AddClientIDToOpenIDConnectProvider:      a.addClientIDToOpenIDConnectProvider,
		RemoveClientIDFromOpenIDConnectProvider: a.removeClientIDFromOpenIDConnectProvider,
		TagOpenIDConnectProvider:                a.tagOpenIDConnectProvider, UntagOpenIDConnectProvider: a.untagOpenIDConnectProvider,
		ListOpenIDConnectProviderTags: a.listOpenIDConnectProviderTags,
		// Account
		GetAccountAuthorizationDetails: a.getAccountAuthorizationDetails,
		CreateAccountAlias:             a.createAccountAlias, DeleteAccountAlias: a.deleteAccountAlias, ListAccountAliases: a.listAccountAliases,
		// Simulation
		SimulatePrincipalPolicy: a.simulatePrincipalPolicy, SimulateCustomPolicy: a.simulateCustomPolicy,
	}
}

// onEntity authorizes an action on an existing user, group or role: the
// resource is its ARN, the context its tags and (users and roles) its
// permissions boundary; more adds keys of the request.
func (a *api) onEntity(ctx context.Context, action, kind, name string, more func(keys)) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := a.entityTarget(ctx, c.Account, kind, name)
	if err != nil {
		return nil, err
	}
	k := keys{}.resourceTags(t.tags).set("iam:PermissionsBoundary", t.boundary)
	if more != nil {
		more(k)
	}
	return c, a.authorize(ctx, action, t.arn, k)
}

// onPolicy authorizes an action on a managed policy.
func (a *api) onPolicy(ctx context.Context, action, arn string, more func(keys)) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := a.policyTarget(ctx, c.Account, arn)
	if err != nil {
		return nil, err
	}
	k := keys{}.resourceTags(t.tags)
	if more != nil {
		more(k)
	}
	return c, a.authorize(ctx, action, t.arn, k)
}

// onAccount authorizes an action without a resource type (listings,
// account-level operations).
func (a *api) onAccount(ctx context.Context, action string) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return c, a.authorize(ctx, action, "*", nil)
}

// onPathList authorizes a listing of users, groups or roles. IAM decides it
// on the path the listing covers, not on "*": a denial names
// arn:aws:iam::ACCOUNT:role/ (role/PREFIX/ with a PathPrefix), and a policy
// on arn:aws:iam::ACCOUNT:user/* allows ListUsers.
func (a *api) onPathList(ctx context.Context, action, kind string, pathPrefix *string) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return c, a.authorize(ctx, action, "arn:aws:iam::"+c.Account+":"+kind+withPath(pathPrefix), nil)
}

func withPath(p *string) string {
	if p == nil || *p == "" {
		return "/"
	}
	return *p
}

// Users

func (a *api) createUser(ctx context.Context, in *iamwire.CreateUserInput) (*iamwire.CreateUserOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	arn := "arn:aws:iam::" + c.Account + ":user" + withPath(in.Path) + in.UserName
	if err := a.authorize(ctx, "CreateUser", arn, keys{}.requestTags(in.Tags).set("iam:PermissionsBoundary", str(in.PermissionsBoundary))); err != nil {
		return nil, err
	}
	u, err := a.svc.CreateUser(ctx, c.Account, iam.CreateUserInput{UserName: in.UserName, Path: str(in.Path), PermissionsBoundary: str(in.PermissionsBoundary), Tags: tagsIn(in.Tags)}, a.au(ctx, "CreateUser", in))
	if err != nil {
		return nil, wireError(err)
	}
	out := userOut(u)
	return &iamwire.CreateUserOutput{User: &out}, nil
}

func (a *api) getUser(ctx context.Context, in *iamwire.GetUserInput) (*iamwire.GetUserOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	name, err := selfUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	if name == "" {
		// The root user asking about itself: IAM answers with the account
		// as the user id and the root ARN.
		if err := a.authorize(ctx, "GetUser", c.ARN, nil); err != nil {
			return nil, err
		}
		return &iamwire.GetUserOutput{User: &iamwire.User{UserId: c.Account, Arn: c.ARN}}, nil
	}
	if _, err := a.onEntity(ctx, "GetUser", "user", name, nil); err != nil {
		return nil, err
	}
	u, err := a.svc.GetUser(ctx, c.Account, name)
	if err != nil {
		return nil, wireError(err)
	}
	out := userOut(u)
	return &iamwire.GetUserOutput{User: &out}, nil
}

func (a *api) listUsers(ctx context.Context, in *iamwire.ListUsersInput) (*iamwire.ListUsersOutput, error) {
	c, err := a.onPathList(ctx, "ListUsers", "user", in.PathPrefix)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListUsers(ctx, c.Account, str(in.PathPrefix), page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListUsersOutput{Users: make([]iamwire.User, len(pg.Items))}
	for i := range pg.Items {
		out.Users[i] = userOut(&pg.Items[i])
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) updateUser(ctx context.Context, in *iamwire.UpdateUserInput) (*iamwire.UpdateUserOutput, error) {
	c, err := a.onEntity(ctx, "UpdateUser", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	if in.NewUserName != nil || in.NewPath != nil {
		// Renaming or moving a user also needs permission on its new ARN.
		newName := in.UserName
		if in.NewUserName != nil {
			newName = *in.NewUserName
		}
		t, err := a.userTarget(ctx, c.Account, in.UserName)
		if err != nil {
			return nil, err
		}
		path := t.path
		if in.NewPath != nil {
			path = *in.NewPath
		}
		if err := a.authorize(ctx, "UpdateUser", "arn:aws:iam::"+c.Account+":user"+path+newName, nil); err != nil {
			return nil, err
		}
	}
	return nil, wireError(a.svc.UpdateUser(ctx, c.Account, in.UserName, str(in.NewUserName), str(in.NewPath), a.au(ctx, "UpdateUser", in)))
}

func (a *api) deleteUser(ctx context.Context, in *iamwire.DeleteUserInput) (*iamwire.DeleteUserOutput, error) {
	c, err := a.onEntity(ctx, "DeleteUser", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteUser(ctx, c.Account, in.UserName, a.au(ctx, "DeleteUser", in)))
}

func (a *api) tagUser(ctx context.Context, in *iamwire.TagUserInput) (*iamwire.TagUserOutput, error) {
	c, err := a.onEntity(ctx, "TagUser", "user", in.UserName, func(k keys) { k.requestTags(in.Tags) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.TagUser(ctx, c.Account, in.UserName, tagsIn(in.Tags), a.au(ctx, "TagUser", in)))
}

func (a *api) untagUser(ctx context.Context, in *iamwire.UntagUserInput) (*iamwire.UntagUserOutput, error) {
	c, err := a.onEntity(ctx, "UntagUser", "user", in.UserName, func(k keys) { k["aws:TagKeys"] = in.TagKeys })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UntagUser(ctx, c.Account, in.UserName, in.TagKeys, a.au(ctx, "UntagUser", in)))
}

func (a *api) listUserTags(ctx context.Context, in *iamwire.ListUserTagsInput) (*iamwire.ListUserTagsOutput, error) {
	c, err := a.onEntity(ctx, "ListUserTags", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListUserTags(ctx, c.Account, in.UserName, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListUserTagsOutput{Tags: tagsOut(pg.Items)}
	if out.Tags == nil {
		out.Tags = []iamwire.Tag{}
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) putUserPermissionsBoundary(ctx context.Context, in *iamwire.PutUserPermissionsBoundaryInput) (*iamwire.PutUserPermissionsBoundaryOutput, error) {
	c, err := a.onEntity(ctx, "PutUserPermissionsBoundary", "user", in.UserName, func(k keys) { k.set("iam:PermissionsBoundary", in.PermissionsBoundary) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.PutUserPermissionsBoundary(ctx, c.Account, in.UserName, in.PermissionsBoundary, a.au(ctx, "PutUserPermissionsBoundary", in)))
}

func (a *api) deleteUserPermissionsBoundary(ctx context.Context, in *iamwire.DeleteUserPermissionsBoundaryInput) (*iamwire.DeleteUserPermissionsBoundaryOutput, error) {
	c, err := a.onEntity(ctx, "DeleteUserPermissionsBoundary", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteUserPermissionsBoundary(ctx, c.Account, in.UserName, a.au(ctx, "DeleteUserPermissionsBoundary", in)))
}

// Groups

func (a *api) createGroup(ctx context.Context, in *iamwire.CreateGroupInput) (*iamwire.CreateGroupOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "CreateGroup", "arn:aws:iam::"+c.Account+":group"+withPath(in.Path)+in.GroupName, nil); err != nil {
		return nil, err
	}
	g, err := a.svc.CreateGroup(ctx, c.Account, in.GroupName, str(in.Path), a.au(ctx, "CreateGroup", in))
	if err != nil {
		return nil, wireError(err)
	}
	out := groupOut(g)
	return &iamwire.CreateGroupOutput{Group: &out}, nil
}

func (a *api) getGroup(ctx context.Context, in *iamwire.GetGroupInput) (*iamwire.GetGroupOutput, error) {
	c, err := a.onEntity(ctx, "GetGroup", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	g, err := a.svc.GetGroup(ctx, c.Account, in.GroupName, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	grp := groupOut(&g.Group)
	out := &iamwire.GetGroupOutput{Group: &grp, Users: make([]iamwire.User, len(g.Users.Items))}
	for i := range g.Users.Items {
		out.Users[i] = userOut(&g.Users.Items[i])
	}
	out.IsTruncated, out.Marker = truncated(g.Users.IsTruncated, g.Users.Marker)
	return out, nil
}

func (a *api) listGroups(ctx context.Context, in *iamwire.ListGroupsInput) (*iamwire.ListGroupsOutput, error) {
	c, err := a.onPathList(ctx, "ListGroups", "group", in.PathPrefix)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListGroups(ctx, c.Account, str(in.PathPrefix), page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListGroupsOutput{Groups: make([]iamwire.Group, len(pg.Items))}
	for i := range pg.Items {
		out.Groups[i] = groupOut(&pg.Items[i])
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) updateGroup(ctx context.Context, in *iamwire.UpdateGroupInput) (*iamwire.UpdateGroupOutput, error) {
	c, err := a.onEntity(ctx, "UpdateGroup", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UpdateGroup(ctx, c.Account, in.GroupName, str(in.NewGroupName), str(in.NewPath), a.au(ctx, "UpdateGroup", in)))
}

func (a *api) deleteGroup(ctx context.Context, in *iamwire.DeleteGroupInput) (*iamwire.DeleteGroupOutput, error) {
	c, err := a.onEntity(ctx, "DeleteGroup", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteGroup(ctx, c.Account, in.GroupName, a.au(ctx, "DeleteGroup", in)))
}

func (a *api) addUserToGroup(ctx context.Context, in *iamwire.AddUserToGroupInput) (*iamwire.AddUserToGroupOutput, error) {
	c, err := a.onEntity(ctx, "AddUserToGroup", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.AddUserToGroup(ctx, c.Account, in.GroupName, in.UserName, a.au(ctx, "AddUserToGroup", in)))
}

func (a *api) removeUserFromGroup(ctx context.Context, in *iamwire.RemoveUserFromGroupInput) (*iamwire.RemoveUserFromGroupOutput, error) {
	c, err := a.onEntity(ctx, "RemoveUserFromGroup", "group", in.GroupName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.RemoveUserFromGroup(ctx, c.Account, in.GroupName, in.UserName, a.au(ctx, "RemoveUserFromGroup", in)))
}

func (a *api) listGroupsForUser(ctx context.Context, in *iamwire.ListGroupsForUserInput) (*iamwire.ListGroupsForUserOutput, error) {
	c, err := a.onEntity(ctx, "ListGroupsForUser", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListGroupsForUser(ctx, c.Account, in.UserName, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListGroupsForUserOutput{Groups: make([]iamwire.Group, len(pg.Items))}
	for i := range pg.Items {
		out.Groups[i] = groupOut(&pg.Items[i])
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

// Roles

func (a *api) createRole(ctx context.Context, in *iamwire.CreateRoleInput) (*iamwire.CreateRoleOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	arn := "arn:aws:iam::" + c.Account + ":role" + withPath(in.Path) + in.RoleName
	if err := a.authorize(ctx, "CreateRole", arn, keys{}.requestTags(in.Tags).set("iam:PermissionsBoundary", str(in.PermissionsBoundary))); err != nil {
		return nil, err
	}
	r, err := a.svc.CreateRole(ctx, c.Account, iam.CreateRoleInput{
		RoleName: in.RoleName, Path: str(in.Path), AssumeRolePolicyDocument: in.AssumeRolePolicyDocument, Description: str(in.Description),
		MaxSessionDuration: int(deref(in.MaxSessionDuration)), PermissionsBoundary: str(in.PermissionsBoundary), Tags: tagsIn(in.Tags),
	}, a.au(ctx, "CreateRole", in))
	if err != nil {
		return nil, wireError(err)
	}
	out := roleOut(r)
	return &iamwire.CreateRoleOutput{Role: &out}, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (a *api) getRole(ctx context.Context, in *iamwire.GetRoleInput) (*iamwire.GetRoleOutput, error) {
	c, err := a.onEntity(ctx, "GetRole", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	r, err := a.svc.GetRole(ctx, c.Account, in.RoleName)
	if err != nil {
		return nil, wireError(err)
	}
	out := roleOut(r)
	return &iamwire.GetRoleOutput{Role: &out}, nil
}

func (a *api) listRoles(ctx context.Context, in *iamwire.ListRolesInput) (*iamwire.ListRolesOutput, error) {
	c, err := a.onPathList(ctx, "ListRoles", "role", in.PathPrefix)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListRoles(ctx, c.Account, str(in.PathPrefix), page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListRolesOutput{Roles: make([]iamwire.Role, len(pg.Items))}
	for i := range pg.Items {
		out.Roles[i] = roleOut(&pg.Items[i])
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) updateRole(ctx context.Context, in *iamwire.UpdateRoleInput) (*iamwire.UpdateRoleOutput, error) {
	c, err := a.onEntity(ctx, "UpdateRole", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UpdateRole(ctx, c.Account, in.RoleName, in.Description, int(deref(in.MaxSessionDuration)), a.au(ctx, "UpdateRole", in)))
}

func (a *api) updateRoleDescription(ctx context.Context, in *iamwire.UpdateRoleDescriptionInput) (*iamwire.UpdateRoleDescriptionOutput, error) {
	c, err := a.onEntity(ctx, "UpdateRoleDescription", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	r, err := a.svc.UpdateRoleDescription(ctx, c.Account, in.RoleName, in.Description, a.au(ctx, "UpdateRoleDescription", in))
	if err != nil {
		return nil, wireError(err)
	}
	out := roleOut(r)
	return &iamwire.UpdateRoleDescriptionOutput{Role: &out}, nil
}

func (a *api) updateAssumeRolePolicy(ctx context.Context, in *iamwire.UpdateAssumeRolePolicyInput) (*iamwire.UpdateAssumeRolePolicyOutput, error) {
	c, err := a.onEntity(ctx, "UpdateAssumeRolePolicy", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UpdateAssumeRolePolicy(ctx, c.Account, in.RoleName, in.PolicyDocument, a.au(ctx, "UpdateAssumeRolePolicy", in)))
}

func (a *api) deleteRole(ctx context.Context, in *iamwire.DeleteRoleInput) (*iamwire.DeleteRoleOutput, error) {
	c, err := a.onEntity(ctx, "DeleteRole", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteRole(ctx, c.Account, in.RoleName, a.au(ctx, "DeleteRole", in)))
}

func (a *api) tagRole(ctx context.Context, in *iamwire.TagRoleInput) (*iamwire.TagRoleOutput, error) {
	c, err := a.onEntity(ctx, "TagRole", "role", in.RoleName, func(k keys) { k.requestTags(in.Tags) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.TagRole(ctx, c.Account, in.RoleName, tagsIn(in.Tags), a.au(ctx, "TagRole", in)))
}

func (a *api) untagRole(ctx context.Context, in *iamwire.UntagRoleInput) (*iamwire.UntagRoleOutput, error) {
	c, err := a.onEntity(ctx, "UntagRole", "role", in.RoleName, func(k keys) { k["aws:TagKeys"] = in.TagKeys })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UntagRole(ctx, c.Account, in.RoleName, in.TagKeys, a.au(ctx, "UntagRole", in)))
}

func (a *api) listRoleTags(ctx context.Context, in *iamwire.ListRoleTagsInput) (*iamwire.ListRoleTagsOutput, error) {
	c, err := a.onEntity(ctx, "ListRoleTags", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListRoleTags(ctx, c.Account, in.RoleName, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListRoleTagsOutput{Tags: tagsOut(pg.Items)}
	if out.Tags == nil {
		out.Tags = []iamwire.Tag{}
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) putRolePermissionsBoundary(ctx context.Context, in *iamwire.PutRolePermissionsBoundaryInput) (*iamwire.PutRolePermissionsBoundaryOutput, error) {
	c, err := a.onEntity(ctx, "PutRolePermissionsBoundary", "role", in.RoleName, func(k keys) { k.set("iam:PermissionsBoundary", in.PermissionsBoundary) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.PutRolePermissionsBoundary(ctx, c.Account, in.RoleName, in.PermissionsBoundary, a.au(ctx, "PutRolePermissionsBoundary", in)))
}

func (a *api) deleteRolePermissionsBoundary(ctx context.Context, in *iamwire.DeleteRolePermissionsBoundaryInput) (*iamwire.DeleteRolePermissionsBoundaryOutput, error) {
	c, err := a.onEntity(ctx, "DeleteRolePermissionsBoundary", "role", in.RoleName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteRolePermissionsBoundary(ctx, c.Account, in.RoleName, a.au(ctx, "DeleteRolePermissionsBoundary", in)))
}
