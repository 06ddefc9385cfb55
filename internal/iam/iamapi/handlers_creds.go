package iamapi

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

// Access keys: an absent UserName is the caller (IAM user) or the root user.

func (a *api) onKeyOwner(ctx context.Context, action string, name *string) (*identity.Caller, string, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	user, err := selfUser(c, name)
	if err != nil {
		return nil, "", err
	}
	t, err := a.keyOwnerTarget(ctx, c, user)
	if err != nil {
		return nil, "", err
	}
	return c, user, a.authorize(ctx, action, t.arn, keys{}.resourceTags(t.tags))
}

func (a *api) createAccessKey(ctx context.Context, in *iamwire.CreateAccessKeyInput) (*iamwire.CreateAccessKeyOutput, error) {
	c, user, err := a.onKeyOwner(ctx, "CreateAccessKey", in.UserName)
	if err != nil {
		return nil, err
	}
	k, err := a.svc.CreateAccessKey(ctx, c.Account, user, a.au(ctx, "CreateAccessKey", in))
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.CreateAccessKeyOutput{AccessKey: &iamwire.AccessKey{UserName: k.UserName, AccessKeyId: k.AccessKeyID,
		Status: iamwire.StatusType(k.Status), SecretAccessKey: k.SecretAccessKey, CreateDate: ptr(k.CreateDate)}}, nil
}

func (a *api) listAccessKeys(ctx context.Context, in *iamwire.ListAccessKeysInput) (*iamwire.ListAccessKeysOutput, error) {
	c, user, err := a.onKeyOwner(ctx, "ListAccessKeys", in.UserName)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListAccessKeys(ctx, c.Account, user, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListAccessKeysOutput{AccessKeyMetadata: make([]iamwire.AccessKeyMetadata, len(pg.Items))}
	for i, k := range pg.Items {
		out.AccessKeyMetadata[i] = iamwire.AccessKeyMetadata{UserName: optStr(k.UserName), AccessKeyId: ptr(k.AccessKeyID), Status: iamwire.StatusType(k.Status), CreateDate: ptr(k.CreateDate)}
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) updateAccessKey(ctx context.Context, in *iamwire.UpdateAccessKeyInput) (*iamwire.UpdateAccessKeyOutput, error) {
	c, user, err := a.onKeyOwner(ctx, "UpdateAccessKey", in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UpdateAccessKey(ctx, c.Account, user, in.AccessKeyId, string(in.Status), a.au(ctx, "UpdateAccessKey", in)))
}

func (a *api) deleteAccessKey(ctx context.Context, in *iamwire.DeleteAccessKeyInput) (*iamwire.DeleteAccessKeyOutput, error) {
	c, user, err := a.onKeyOwner(ctx, "DeleteAccessKey", in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteAccessKey(ctx, c.Account, user, in.AccessKeyId, a.au(ctx, "DeleteAccessKey", in)))
}

// getAccessKeyLastUsed is authorized on the user that owns the key.
func (a *api) getAccessKeyLastUsed(ctx context.Context, in *iamwire.GetAccessKeyLastUsedInput) (*iamwire.GetAccessKeyLastUsedOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	lu, lerr := a.svc.GetAccessKeyLastUsed(ctx, c.Account, in.AccessKeyId)
	resource := "*"
	if lerr == nil {
		t, err := a.keyOwnerTarget(ctx, c, lu.UserName)
		if err != nil {
			return nil, err
		}
		resource = t.arn
	}
	if err := a.authorize(ctx, "GetAccessKeyLastUsed", resource, nil); err != nil {
		return nil, err
	}
	if lerr != nil {
		return nil, wireError(lerr)
	}
	return &iamwire.GetAccessKeyLastUsedOutput{UserName: optStr(lu.UserName),
		AccessKeyLastUsed: &iamwire.AccessKeyLastUsed{LastUsedDate: optTime(lu.LastUsedDate), ServiceName: lu.ServiceName, Region: lu.Region}}, nil
}

// MFA devices

func (a *api) onMFA(ctx context.Context, action, serial string, more func(keys)) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := a.mfaTarget(ctx, c.Account, serial)
	if err != nil {
		return nil, err
	}
	k := keys{}.resourceTags(t.tags)
	if more != nil {
		more(k)
	}
	return c, a.authorize(ctx, action, t.arn, k)
}

func (a *api) createVirtualMFADevice(ctx context.Context, in *iamwire.CreateVirtualMFADeviceInput) (*iamwire.CreateVirtualMFADeviceOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	serial := "arn:aws:iam::" + c.Account + ":mfa" + withPath(in.Path) + in.VirtualMFADeviceName
	if err := a.authorize(ctx, "CreateVirtualMFADevice", serial, keys{}.requestTags(in.Tags)); err != nil {
		return nil, err
	}
	d, err := a.svc.CreateVirtualMFADevice(ctx, c.Account, in.VirtualMFADeviceName, str(in.Path), tagsIn(in.Tags), a.au(ctx, "CreateVirtualMFADevice", in))
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.CreateVirtualMFADeviceOutput{VirtualMFADevice: &iamwire.VirtualMFADevice{SerialNumber: d.SerialNumber,
		Base32StringSeed: d.Base32StringSeed, QRCodePNG: d.QRCodePNG, Tags: tagsOut(d.Tags)}}, nil
}

// EnableMFADevice, DeactivateMFADevice and ResyncMFADevice act on the user
// (the Service Authorization Reference's resource type for them).
func (a *api) enableMFADevice(ctx context.Context, in *iamwire.EnableMFADeviceInput) (*iamwire.EnableMFADeviceOutput, error) {
	c, err := a.onEntity(ctx, "EnableMFADevice", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.EnableMFADevice(ctx, c.Account, in.UserName, in.SerialNumber, in.AuthenticationCode1, in.AuthenticationCode2, a.au(ctx, "EnableMFADevice", in)))
}

func (a *api) deactivateMFADevice(ctx context.Context, in *iamwire.DeactivateMFADeviceInput) (*iamwire.DeactivateMFADeviceOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	user, err := selfUser(c, in.UserName)
	if err != nil {
		return nil, err
	}
	if _, err := a.onEntity(ctx, "DeactivateMFADevice", "user", user, nil); err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeactivateMFADevice(ctx, c.Account, user, in.SerialNumber, a.au(ctx, "DeactivateMFADevice", in)))
}

func (a *api) resyncMFADevice(ctx context.Context, in *iamwire.ResyncMFADeviceInput) (*iamwire.ResyncMFADeviceOutput, error) {
	c, err := a.onEntity(ctx, "ResyncMFADevice", "user", in.UserName, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.ResyncMFADevice(ctx, c.Account, in.UserName, in.SerialNumber, in.AuthenticationCode1, in.AuthenticationCode2, a.au(ctx, "ResyncMFADevice", in)))
}

func (a *api) listMFADevices(ctx context.Context, in *iamwire.ListMFADevicesInput) (*iamwire.ListMFADevicesOutput, error) {
	c, user, err := a.onKeyOwner(ctx, "ListMFADevices", in.UserName)
	if err != nil {
		return nil, err
	}
	out := &iamwire.ListMFADevicesOutput{MFADevices: []iamwire.MFADevice{}}
	if user == "" {
		// cleanroom keeps no MFA devices for root users.
		out.IsTruncated = ptr(false)
		return out, nil
	}
	pg, err := a.svc.ListMFADevices(ctx, c.Account, user, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	for _, d := range pg.Items {
		out.MFADevices = append(out.MFADevices, iamwire.MFADevice{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: d.EnableDate})
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) listVirtualMFADevices(ctx context.Context, in *iamwire.ListVirtualMFADevicesInput) (*iamwire.ListVirtualMFADevicesOutput, error) {
	c, err := a.onAccount(ctx, "ListVirtualMFADevices")
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListVirtualMFADevices(ctx, c.Account, string(in.AssignmentStatus), page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListVirtualMFADevicesOutput{VirtualMFADevices: make([]iamwire.VirtualMFADevice, len(pg.Items))}
	for i, d := range pg.Items {
		v := iamwire.VirtualMFADevice{SerialNumber: d.SerialNumber, EnableDate: optTime(d.EnableDate), Tags: tagsOut(d.Tags)}
		if d.User != nil {
			u := userOut(d.User)
			v.User = &u
		}
		out.VirtualMFADevices[i] = v
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

func (a *api) deleteVirtualMFADevice(ctx context.Context, in *iamwire.DeleteVirtualMFADeviceInput) (*iamwire.DeleteVirtualMFADeviceOutput, error) {
	c, err := a.onMFA(ctx, "DeleteVirtualMFADevice", in.SerialNumber, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteVirtualMFADevice(ctx, c.Account, in.SerialNumber, a.au(ctx, "DeleteVirtualMFADevice", in)))
}

func (a *api) tagMFADevice(ctx context.Context, in *iamwire.TagMFADeviceInput) (*iamwire.TagMFADeviceOutput, error) {
	c, err := a.onMFA(ctx, "TagMFADevice", in.SerialNumber, func(k keys) { k.requestTags(in.Tags) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.TagMFADevice(ctx, c.Account, in.SerialNumber, tagsIn(in.Tags), a.au(ctx, "TagMFADevice", in)))
}

func (a *api) untagMFADevice(ctx context.Context, in *iamwire.UntagMFADeviceInput) (*iamwire.UntagMFADeviceOutput, error) {
	c, err := a.onMFA(ctx, "UntagMFADevice", in.SerialNumber, func(k keys) { k["aws:TagKeys"] = in.TagKeys })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UntagMFADevice(ctx, c.Account, in.SerialNumber, in.TagKeys, a.au(ctx, "UntagMFADevice", in)))
}

func (a *api) listMFADeviceTags(ctx context.Context, in *iamwire.ListMFADeviceTagsInput) (*iamwire.ListMFADeviceTagsOutput, error) {
	c, err := a.onMFA(ctx, "ListMFADeviceTags", in.SerialNumber, nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListMFADeviceTags(ctx, c.Account, in.SerialNumber, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListMFADeviceTagsOutput{Tags: tagsOut(pg.Items)}
	if out.Tags == nil {
		out.Tags = []iamwire.Tag{}
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

// OpenID Connect providers

func (a *api) onOIDC(ctx context.Context, action, arn string, more func(keys)) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := a.oidcTarget(ctx, c.Account, arn)
	if err != nil {
		return nil, err
	}
	k := keys{}.resourceTags(t.tags)
	if more != nil {
		more(k)
	}
	return c, a.authorize(ctx, action, t.arn, k)
}

func (a *api) createOpenIDConnectProvider(ctx context.Context, in *iamwire.CreateOpenIDConnectProviderInput) (*iamwire.CreateOpenIDConnectProviderOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	resource := "*"
	if host, ok := oidcName(in.Url); ok {
		resource = "arn:aws:iam::" + c.Account + ":oidc-provider/" + host
	}
	if err := a.authorize(ctx, "CreateOpenIDConnectProvider", resource, keys{}.requestTags(in.Tags)); err != nil {
		return nil, err
	}
	p, err := a.svc.CreateOpenIDConnectProvider(ctx, c.Account, iam.CreateOIDCProviderInput{URL: in.Url, ClientIDList: in.ClientIDList,
		ThumbprintList: in.ThumbprintList, Tags: tagsIn(in.Tags)}, a.au(ctx, "CreateOpenIDConnectProvider", in))
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: ptr(p.ARN), Tags: tagsOut(p.Tags)}, nil
}

// oidcName is the provider name (host/path) of an issuer URL, for the
// authorization of CreateOpenIDConnectProvider; the Service validates it.
func oidcName(raw string) (string, bool) {
	const scheme = "https://"
	if len(raw) <= len(scheme) || raw[:len(scheme)] != scheme {
		return "", false
	}
	name := raw[len(scheme):]
	for len(name) > 0 && name[len(name)-1] == '/' {
		name = name[:len(name)-1]
	}
	return name, name != ""
}

func (a *api) getOpenIDConnectProvider(ctx context.Context, in *iamwire.GetOpenIDConnectProviderInput) (*iamwire.GetOpenIDConnectProviderOutput, error) {
	c, err := a.onOIDC(ctx, "GetOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil)
	if err != nil {
		return nil, err
	}
	p, err := a.svc.GetOpenIDConnectProvider(ctx, c.Account, in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.GetOpenIDConnectProviderOutput{Url: ptr(p.URL), ClientIDList: p.ClientIDList, ThumbprintList: p.ThumbprintList,
		CreateDate: ptr(p.CreateDate), Tags: tagsOut(p.Tags)}, nil
}

func (a *api) listOpenIDConnectProviders(ctx context.Context, in *iamwire.ListOpenIDConnectProvidersInput) (*iamwire.ListOpenIDConnectProvidersOutput, error) {
	c, err := a.onAccount(ctx, "ListOpenIDConnectProviders")
	if err != nil {
		return nil, err
	}
	arns, err := a.svc.ListOpenIDConnectProviders(ctx, c.Account)
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: make([]iamwire.OpenIDConnectProviderListEntry, len(arns))}
	for i, arn := range arns {
		out.OpenIDConnectProviderList[i] = iamwire.OpenIDConnectProviderListEntry{Arn: ptr(arn)}
	}
	return out, nil
}

func (a *api) deleteOpenIDConnectProvider(ctx context.Context, in *iamwire.DeleteOpenIDConnectProviderInput) (*iamwire.DeleteOpenIDConnectProviderOutput, error) {
	c, err := a.onOIDC(ctx, "DeleteOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteOpenIDConnectProvider(ctx, c.Account, in.OpenIDConnectProviderArn, a.au(ctx, "DeleteOpenIDConnectProvider", in)))
}

func (a *api) updateOpenIDConnectProviderThumbprint(ctx context.Context, in *iamwire.UpdateOpenIDConnectProviderThumbprintInput) (*iamwire.UpdateOpenIDConnectProviderThumbprintOutput, error) {
	c, err := a.onOIDC(ctx, "UpdateOpenIDConnectProviderThumbprint", in.OpenIDConnectProviderArn, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UpdateOpenIDConnectProviderThumbprint(ctx, c.Account, in.OpenIDConnectProviderArn, in.ThumbprintList, a.au(ctx, "UpdateOpenIDConnectProviderThumbprint", in)))
}

func (a *api) addClientIDToOpenIDConnectProvider(ctx context.Context, in *iamwire.AddClientIDToOpenIDConnectProviderInput) (*iamwire.AddClientIDToOpenIDConnectProviderOutput, error) {
	c, err := a.onOIDC(ctx, "AddClientIDToOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.AddClientIDToOpenIDConnectProvider(ctx, c.Account, in.OpenIDConnectProviderArn, in.ClientID, a.au(ctx, "AddClientIDToOpenIDConnectProvider", in)))
}

func (a *api) removeClientIDFromOpenIDConnectProvider(ctx context.Context, in *iamwire.RemoveClientIDFromOpenIDConnectProviderInput) (*iamwire.RemoveClientIDFromOpenIDConnectProviderOutput, error) {
	c, err := a.onOIDC(ctx, "RemoveClientIDFromOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil)
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.RemoveClientIDFromOpenIDConnectProvider(ctx, c.Account, in.OpenIDConnectProviderArn, in.ClientID, a.au(ctx, "RemoveClientIDFromOpenIDConnectProvider", in)))
}

func (a *api) tagOpenIDConnectProvider(ctx context.Context, in *iamwire.TagOpenIDConnectProviderInput) (*iamwire.TagOpenIDConnectProviderOutput, error) {
	c, err := a.onOIDC(ctx, "TagOpenIDConnectProvider", in.OpenIDConnectProviderArn, func(k keys) { k.requestTags(in.Tags) })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.TagOpenIDConnectProvider(ctx, c.Account, in.OpenIDConnectProviderArn, tagsIn(in.Tags), a.au(ctx, "TagOpenIDConnectProvider", in)))
}

func (a *api) untagOpenIDConnectProvider(ctx context.Context, in *iamwire.UntagOpenIDConnectProviderInput) (*iamwire.UntagOpenIDConnectProviderOutput, error) {
	c, err := a.onOIDC(ctx, "UntagOpenIDConnectProvider", in.OpenIDConnectProviderArn, func(k keys) { k["aws:TagKeys"] = in.TagKeys })
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.UntagOpenIDConnectProvider(ctx, c.Account, in.OpenIDConnectProviderArn, in.TagKeys, a.au(ctx, "UntagOpenIDConnectProvider", in)))
}

func (a *api) listOpenIDConnectProviderTags(ctx context.Context, in *iamwire.ListOpenIDConnectProviderTagsInput) (*iamwire.ListOpenIDConnectProviderTagsOutput, error) {
	c, err := a.onOIDC(ctx, "ListOpenIDConnectProviderTags", in.OpenIDConnectProviderArn, nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListOpenIDConnectProviderTags(ctx, c.Account, in.OpenIDConnectProviderArn, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.ListOpenIDConnectProviderTagsOutput{Tags: tagsOut(pg.Items)}
	if out.Tags == nil {
		out.Tags = []iamwire.Tag{}
	}
	out.IsTruncated, out.Marker = truncated(pg.IsTruncated, pg.Marker)
	return out, nil
}

// Account

func (a *api) getAccountAuthorizationDetails(ctx context.Context, in *iamwire.GetAccountAuthorizationDetailsInput) (*iamwire.GetAccountAuthorizationDetailsOutput, error) {
	c, err := a.onAccount(ctx, "GetAccountAuthorizationDetails")
	if err != nil {
		return nil, err
	}
	filter := make([]string, len(in.Filter))
	for i, f := range in.Filter {
		filter[i] = string(f)
	}
	d, err := a.svc.GetAccountAuthorizationDetails(ctx, c.Account, filter, page(in.Marker, in.MaxItems))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.GetAccountAuthorizationDetailsOutput{
		UserDetailList: []iamwire.UserDetail{}, GroupDetailList: []iamwire.GroupDetail{}, RoleDetailList: []iamwire.RoleDetail{}, Policies: []iamwire.ManagedPolicyDetail{},
	}
	for _, u := range d.UserDetailList {
		out.UserDetailList = append(out.UserDetailList, iamwire.UserDetail{Path: ptr(u.Path), UserName: ptr(u.UserName), UserId: ptr(u.UserID), Arn: ptr(u.ARN),
			CreateDate: ptr(u.CreateDate), UserPolicyList: inlineOut(u.UserPolicyList), GroupList: u.GroupList,
			AttachedManagedPolicies: attachedOut(u.AttachedManagedPolicies), PermissionsBoundary: boundaryOut(u.PermissionsBoundary), Tags: tagsOut(u.Tags)})
	}
	for _, g := range d.GroupDetailList {
		out.GroupDetailList = append(out.GroupDetailList, iamwire.GroupDetail{Path: ptr(g.Path), GroupName: ptr(g.GroupName), GroupId: ptr(g.GroupID), Arn: ptr(g.ARN),
			CreateDate: ptr(g.CreateDate), GroupPolicyList: inlineOut(g.GroupPolicyList), AttachedManagedPolicies: attachedOut(g.AttachedManagedPolicies)})
	}
	for _, r := range d.RoleDetailList {
		rd := iamwire.RoleDetail{Path: ptr(r.Path), RoleName: ptr(r.RoleName), RoleId: ptr(r.RoleID), Arn: ptr(r.ARN), CreateDate: ptr(r.CreateDate),
			AssumeRolePolicyDocument: ptr(encodeDoc(r.AssumeRolePolicyDocument)), InstanceProfileList: []iamwire.InstanceProfile{},
			RolePolicyList: inlineOut(r.RolePolicyList), AttachedManagedPolicies: attachedOut(r.AttachedManagedPolicies),
			PermissionsBoundary: boundaryOut(r.PermissionsBoundary), Tags: tagsOut(r.Tags)}
		if r.RoleLastUsed != nil {
			rd.RoleLastUsed = &iamwire.RoleLastUsed{LastUsedDate: optTime(r.RoleLastUsed.LastUsedDate), Region: optStr(r.RoleLastUsed.Region)}
		}
		out.RoleDetailList = append(out.RoleDetailList, rd)
	}
	for _, p := range d.Policies {
		md := iamwire.ManagedPolicyDetail{PolicyName: ptr(p.PolicyName), PolicyId: ptr(p.PolicyID), Arn: ptr(p.ARN), Path: ptr(p.Path),
			DefaultVersionId: ptr(p.DefaultVersionID), AttachmentCount: ptr(int32(p.AttachmentCount)),
			PermissionsBoundaryUsageCount: ptr(int32(p.PermissionsBoundaryUsageCount)), IsAttachable: ptr(p.IsAttachable),
			Description: optStr(p.Description), CreateDate: ptr(p.CreateDate), UpdateDate: ptr(p.UpdateDate)}
		for i := range p.PolicyVersionList {
			md.PolicyVersionList = append(md.PolicyVersionList, versionOut(&p.PolicyVersionList[i]))
		}
		out.Policies = append(out.Policies, md)
	}
	out.IsTruncated, out.Marker = truncated(d.IsTruncated, d.Marker)
	return out, nil
}

func (a *api) createAccountAlias(ctx context.Context, in *iamwire.CreateAccountAliasInput) (*iamwire.CreateAccountAliasOutput, error) {
	c, err := a.onAccount(ctx, "CreateAccountAlias")
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.CreateAccountAlias(ctx, c.Account, in.AccountAlias, a.au(ctx, "CreateAccountAlias", in)))
}

func (a *api) deleteAccountAlias(ctx context.Context, in *iamwire.DeleteAccountAliasInput) (*iamwire.DeleteAccountAliasOutput, error) {
	c, err := a.onAccount(ctx, "DeleteAccountAlias")
	if err != nil {
		return nil, err
	}
	return nil, wireError(a.svc.DeleteAccountAlias(ctx, c.Account, in.AccountAlias, a.au(ctx, "DeleteAccountAlias", in)))
}

func (a *api) listAccountAliases(ctx context.Context, in *iamwire.ListAccountAliasesInput) (*iamwire.ListAccountAliasesOutput, error) {
	c, err := a.onAccount(ctx, "ListAccountAliases")
	if err != nil {
		return nil, err
	}
	aliases, err := a.svc.ListAccountAliases(ctx, c.Account)
	if err != nil {
		return nil, wireError(err)
	}
	return &iamwire.ListAccountAliasesOutput{AccountAliases: aliases, IsTruncated: ptr(false)}, nil
}

// Simulation

func simulateIn(in *iamwire.SimulateCustomPolicyInput) iam.SimulateInput {
	out := iam.SimulateInput{
		PolicyInputList: in.PolicyInputList, PermissionsBoundaryPolicyInputList: in.PermissionsBoundaryPolicyInputList,
		ActionNames: in.ActionNames, ResourceARNs: in.ResourceArns, ResourcePolicy: str(in.ResourcePolicy),
		ResourceOwner: str(in.ResourceOwner), CallerARN: str(in.CallerArn), Page: page(in.Marker, in.MaxItems),
	}
	for _, e := range in.ContextEntries {
		out.ContextEntries = append(out.ContextEntries, iam.ContextEntry{Key: str(e.ContextKeyName), Values: e.ContextKeyValues, Type: string(e.ContextKeyType)})
	}
	return out
}

func resultsOut(r *iam.SimulationResult) ([]iamwire.EvaluationResult, *bool, *string) {
	out := make([]iamwire.EvaluationResult, len(r.EvaluationResults))
	for i, e := range r.EvaluationResults {
		er := iamwire.EvaluationResult{EvalActionName: e.EvalActionName, EvalResourceName: ptr(e.EvalResourceName),
			EvalDecision: iamwire.PolicyEvaluationDecisionType(e.EvalDecision), MissingContextValues: e.MissingContextValues,
			MatchedStatements: []iamwire.Statement{}}
		for _, m := range e.MatchedStatements {
			er.MatchedStatements = append(er.MatchedStatements, iamwire.Statement{SourcePolicyId: ptr(m.SourcePolicyID), SourcePolicyType: iamwire.PolicySourceType(m.SourcePolicyType)})
		}
		if e.AllowedByPermissionsBoundary != nil {
			er.PermissionsBoundaryDecisionDetail = &iamwire.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: ptr(*e.AllowedByPermissionsBoundary)}
		}
		if e.EvalDecisionDetails != nil {
			er.EvalDecisionDetails = make(map[string]iamwire.PolicyEvaluationDecisionType, len(e.EvalDecisionDetails))
			for k, v := range e.EvalDecisionDetails {
				er.EvalDecisionDetails[k] = iamwire.PolicyEvaluationDecisionType(v)
			}
		}
		out[i] = er
	}
	trunc, next := truncated(r.IsTruncated, r.Marker)
	return out, trunc, next
}

// simulatePrincipalPolicy is authorized on the simulated user, group or
// role.
func (a *api) simulatePrincipalPolicy(ctx context.Context, in *iamwire.SimulatePrincipalPolicyInput) (*iamwire.SimulatePrincipalPolicyOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, "SimulatePrincipalPolicy", in.PolicySourceArn, nil); err != nil {
		return nil, err
	}
	si := simulateIn(&iamwire.SimulateCustomPolicyInput{
		PolicyInputList: in.PolicyInputList, PermissionsBoundaryPolicyInputList: in.PermissionsBoundaryPolicyInputList, ActionNames: in.ActionNames,
		ResourceArns: in.ResourceArns, ResourcePolicy: in.ResourcePolicy, ResourceOwner: in.ResourceOwner, CallerArn: in.CallerArn,
		ContextEntries: in.ContextEntries, ResourceHandlingOption: in.ResourceHandlingOption, MaxItems: in.MaxItems, Marker: in.Marker,
	})
	si.PolicySourceARN = in.PolicySourceArn
	r, err := a.svc.SimulatePrincipalPolicy(ctx, c.Account, si)
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.SimulatePrincipalPolicyOutput{}
	out.EvaluationResults, out.IsTruncated, out.Marker = resultsOut(r)
	return out, nil
}

func (a *api) simulateCustomPolicy(ctx context.Context, in *iamwire.SimulateCustomPolicyInput) (*iamwire.SimulateCustomPolicyOutput, error) {
	c, err := a.onAccount(ctx, "SimulateCustomPolicy")
	if err != nil {
		return nil, err
	}
	r, err := a.svc.SimulateCustomPolicy(ctx, c.Account, simulateIn(in))
	if err != nil {
		return nil, wireError(err)
	}
	out := &iamwire.SimulateCustomPolicyOutput{}
	out.EvaluationResults, out.IsTruncated, out.Marker = resultsOut(r)
	return out, nil
}
