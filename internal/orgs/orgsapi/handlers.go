package orgsapi

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
)

// Handlers returns the Organizations operations that orgs.Service
// implements, bound to it. Operations left nil (handshakes, delegated
// administrators, service access, effective policies, resource policies,
// closing and removing accounts, responsibility transfers ...) answer
// NotImplemented.
//
// The resource each operation is authorized on is the Service
// Authorization Reference's for its action: "*" for the actions it lists
// without a resource type; the account, OU, root or policy the call names
// otherwise (MoveAccount: the account and both parents; AttachPolicy and
// DetachPolicy: the policy and the target).
func Handlers(o Options) *orgswire.Handlers {
	a := newAPI(o)
	return &orgswire.Handlers{
		// Organization and roots
		CreateOrganization: a.createOrganization, DescribeOrganization: a.describeOrganization, ListRoots: a.listRoots,
		// Accounts
		CreateAccount: a.createAccount, DescribeCreateAccountStatus: a.describeCreateAccountStatus,
		ListCreateAccountStatus: a.listCreateAccountStatus, ListAccounts: a.listAccounts, DescribeAccount: a.describeAccount,
		ListAccountsForParent: a.listAccountsForParent, MoveAccount: a.moveAccount,
		// Organizational units and the tree
		CreateOrganizationalUnit: a.createOrganizationalUnit, DescribeOrganizationalUnit: a.describeOrganizationalUnit,
		UpdateOrganizationalUnit: a.updateOrganizationalUnit, DeleteOrganizationalUnit: a.deleteOrganizationalUnit,
		ListOrganizationalUnitsForParent: a.listOrganizationalUnitsForParent, ListChildren: a.listChildren, ListParents: a.listParents,
		// Policies
		CreatePolicy: a.createPolicy, DescribePolicy: a.describePolicy, UpdatePolicy: a.updatePolicy, DeletePolicy: a.deletePolicy,
		AttachPolicy: a.attachPolicy, DetachPolicy: a.detachPolicy, ListPolicies: a.listPolicies,
		ListPoliciesForTarget: a.listPoliciesForTarget, ListTargetsForPolicy: a.listTargetsForPolicy,
		EnablePolicyType: a.enablePolicyType, DisablePolicyType: a.disablePolicyType,
		// Tags
		TagResource: a.tagResource, UntagResource: a.untagResource, ListTagsForResource: a.listTagsForResource,
	}
}

// Organization and roots

func (a *api) createOrganization(ctx context.Context, in *orgswire.CreateOrganizationInput) (*orgswire.CreateOrganizationOutput, error) {
	c, err := a.onAccount(ctx, "CreateOrganization", nil)
	if err != nil {
		return nil, err
	}
	o, err := a.svc.CreateOrganization(ctx, c.Account, string(in.FeatureSet), a.au(ctx, "CreateOrganization", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.CreateOrganizationOutput{Organization: organizationOut(o)}, nil
}

func (a *api) describeOrganization(ctx context.Context, in *orgswire.DescribeOrganizationInput) (*orgswire.DescribeOrganizationOutput, error) {
	c, err := a.onAccount(ctx, "DescribeOrganization", nil)
	if err != nil {
		return nil, err
	}
	o, err := a.svc.DescribeOrganization(ctx, c.Account)
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.DescribeOrganizationOutput{Organization: organizationOut(o)}, nil
}

func (a *api) listRoots(ctx context.Context, in *orgswire.ListRootsInput) (*orgswire.ListRootsOutput, error) {
	c, err := a.onAccount(ctx, "ListRoots", nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListRoots(ctx, c.Account, page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := &orgswire.ListRootsOutput{Roots: make([]orgswire.Root, len(pg.Items)), NextToken: optStr(pg.NextToken)}
	for i := range pg.Items {
		out.Roots[i] = rootOut(&pg.Items[i])
	}
	return out, nil
}

// Accounts

func (a *api) createAccount(ctx context.Context, in *orgswire.CreateAccountInput) (*orgswire.CreateAccountOutput, error) {
	c, err := a.onAccount(ctx, "CreateAccount", keys{}.requestTags(in.Tags))
	if err != nil {
		return nil, err
	}
	s, err := a.svc.CreateAccount(ctx, c.Account, orgs.CreateAccountInput{
		Email: in.Email, AccountName: in.AccountName, RoleName: str(in.RoleName),
		IAMUserAccessToBilling: string(in.IamUserAccessToBilling), Tags: tagsIn(in.Tags),
	}, a.au(ctx, "CreateAccount", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := statusOut(s)
	return &orgswire.CreateAccountOutput{CreateAccountStatus: &out}, nil
}

func (a *api) describeCreateAccountStatus(ctx context.Context, in *orgswire.DescribeCreateAccountStatusInput) (*orgswire.DescribeCreateAccountStatusOutput, error) {
	c, err := a.onAccount(ctx, "DescribeCreateAccountStatus", nil)
	if err != nil {
		return nil, err
	}
	s, err := a.svc.DescribeCreateAccountStatus(ctx, c.Account, in.CreateAccountRequestId)
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := statusOut(s)
	return &orgswire.DescribeCreateAccountStatusOutput{CreateAccountStatus: &out}, nil
}

func (a *api) listCreateAccountStatus(ctx context.Context, in *orgswire.ListCreateAccountStatusInput) (*orgswire.ListCreateAccountStatusOutput, error) {
	c, err := a.onAccount(ctx, "ListCreateAccountStatus", nil)
	if err != nil {
		return nil, err
	}
	var states []string
	for _, s := range in.States {
		states = append(states, string(s))
	}
	pg, err := a.svc.ListCreateAccountStatus(ctx, c.Account, states, page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := &orgswire.ListCreateAccountStatusOutput{CreateAccountStatuses: make([]orgswire.CreateAccountStatus, len(pg.Items)), NextToken: optStr(pg.NextToken)}
	for i := range pg.Items {
		out.CreateAccountStatuses[i] = statusOut(&pg.Items[i])
	}
	return out, nil
}

func (a *api) listAccounts(ctx context.Context, in *orgswire.ListAccountsInput) (*orgswire.ListAccountsOutput, error) {
	c, err := a.onAccount(ctx, "ListAccounts", nil)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListAccounts(ctx, c.Account, page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.ListAccountsOutput{Accounts: accountsOut(pg.Items), NextToken: optStr(pg.NextToken)}, nil
}

func (a *api) describeAccount(ctx context.Context, in *orgswire.DescribeAccountInput) (*orgswire.DescribeAccountOutput, error) {
	c, err := a.on(ctx, "DescribeAccount", nil, in.AccountId)
	if err != nil {
		return nil, err
	}
	acct, err := a.svc.DescribeAccount(ctx, c.Account, in.AccountId)
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := accountOut(acct)
	return &orgswire.DescribeAccountOutput{Account: &out}, nil
}

func (a *api) listAccountsForParent(ctx context.Context, in *orgswire.ListAccountsForParentInput) (*orgswire.ListAccountsForParentOutput, error) {
	c, err := a.on(ctx, "ListAccountsForParent", nil, in.ParentId)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListAccountsForParent(ctx, c.Account, in.ParentId, page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.ListAccountsForParentOutput{Accounts: accountsOut(pg.Items), NextToken: optStr(pg.NextToken)}, nil
}

// moveAccount is authorized on the account and on both parents: the
// Service Authorization Reference lists account, organizationalunit and
// root as required resource types of organizations:MoveAccount.
func (a *api) moveAccount(ctx context.Context, in *orgswire.MoveAccountInput) (*orgswire.MoveAccountOutput, error) {
	c, err := a.on(ctx, "MoveAccount", nil, in.AccountId, in.SourceParentId, in.DestinationParentId)
	if err != nil {
		return nil, err
	}
	return nil, a.wireError(ctx, a.svc.MoveAccount(ctx, c.Account, in.AccountId, in.SourceParentId, in.DestinationParentId, a.au(ctx, "MoveAccount", in)))
}

// Organizational units and the tree

// createOrganizationalUnit is authorized on the parent, the resource the
// new OU is created in.
func (a *api) createOrganizationalUnit(ctx context.Context, in *orgswire.CreateOrganizationalUnitInput) (*orgswire.CreateOrganizationalUnitOutput, error) {
	c, err := a.on(ctx, "CreateOrganizationalUnit", keys{}.requestTags(in.Tags), in.ParentId)
	if err != nil {
		return nil, err
	}
	u, err := a.svc.CreateOrganizationalUnit(ctx, c.Account, in.ParentId, in.Name, tagsIn(in.Tags), a.au(ctx, "CreateOrganizationalUnit", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := ouOut(u)
	return &orgswire.CreateOrganizationalUnitOutput{OrganizationalUnit: &out}, nil
}

func (a *api) describeOrganizationalUnit(ctx context.Context, in *orgswire.DescribeOrganizationalUnitInput) (*orgswire.DescribeOrganizationalUnitOutput, error) {
	c, err := a.on(ctx, "DescribeOrganizationalUnit", nil, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	u, err := a.svc.DescribeOrganizationalUnit(ctx, c.Account, in.OrganizationalUnitId)
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := ouOut(u)
	return &orgswire.DescribeOrganizationalUnitOutput{OrganizationalUnit: &out}, nil
}

func (a *api) updateOrganizationalUnit(ctx context.Context, in *orgswire.UpdateOrganizationalUnitInput) (*orgswire.UpdateOrganizationalUnitOutput, error) {
	c, err := a.on(ctx, "UpdateOrganizationalUnit", nil, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	u, err := a.svc.UpdateOrganizationalUnit(ctx, c.Account, in.OrganizationalUnitId, str(in.Name), a.au(ctx, "UpdateOrganizationalUnit", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := ouOut(u)
	return &orgswire.UpdateOrganizationalUnitOutput{OrganizationalUnit: &out}, nil
}

func (a *api) deleteOrganizationalUnit(ctx context.Context, in *orgswire.DeleteOrganizationalUnitInput) (*orgswire.DeleteOrganizationalUnitOutput, error) {
	c, err := a.on(ctx, "DeleteOrganizationalUnit", nil, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	return nil, a.wireError(ctx, a.svc.DeleteOrganizationalUnit(ctx, c.Account, in.OrganizationalUnitId, a.au(ctx, "DeleteOrganizationalUnit", in)))
}

func (a *api) listOrganizationalUnitsForParent(ctx context.Context, in *orgswire.ListOrganizationalUnitsForParentInput) (*orgswire.ListOrganizationalUnitsForParentOutput, error) {
	c, err := a.on(ctx, "ListOrganizationalUnitsForParent", nil, in.ParentId)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListOrganizationalUnitsForParent(ctx, c.Account, in.ParentId, page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := &orgswire.ListOrganizationalUnitsForParentOutput{OrganizationalUnits: make([]orgswire.OrganizationalUnit, len(pg.Items)), NextToken: optStr(pg.NextToken)}
	for i := range pg.Items {
		out.OrganizationalUnits[i] = ouOut(&pg.Items[i])
	}
	return out, nil
}

func (a *api) listChildren(ctx context.Context, in *orgswire.ListChildrenInput) (*orgswire.ListChildrenOutput, error) {
	c, err := a.on(ctx, "ListChildren", nil, in.ParentId)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListChildren(ctx, c.Account, in.ParentId, string(in.ChildType), page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := &orgswire.ListChildrenOutput{Children: make([]orgswire.Child, len(pg.Items)), NextToken: optStr(pg.NextToken)}
	for i, ch := range pg.Items {
		out.Children[i] = orgswire.Child{Id: ptr(ch.ID), Type: orgswire.ChildType(ch.Type)}
	}
	return out, nil
}

func (a *api) listParents(ctx context.Context, in *orgswire.ListParentsInput) (*orgswire.ListParentsOutput, error) {
	c, err := a.on(ctx, "ListParents", nil, in.ChildId)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListParents(ctx, c.Account, in.ChildId, page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := &orgswire.ListParentsOutput{Parents: make([]orgswire.Parent, len(pg.Items)), NextToken: optStr(pg.NextToken)}
	for i, p := range pg.Items {
		out.Parents[i] = orgswire.Parent{Id: ptr(p.ID), Type: orgswire.ParentType(p.Type)}
	}
	return out, nil
}

// Policies

// createPolicy is authorized on the ARN the new policy will have, with
// "p-*" for its id, which is not known yet (as EC2 authorizes creations on
// instance/*): a policy on .../policy/o-ID/service_control_policy/* (or on
// "*") matches it.
func (a *api) createPolicy(ctx context.Context, in *orgswire.CreatePolicyInput) (*orgswire.CreatePolicyOutput, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	o, err := a.orgOf(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	resource := "*"
	if o.id != "" {
		resource = orgs.PolicyARN(o.mgmt, o.id, string(in.Type), "p-*")
	}
	k := keys{}.requestTags(in.Tags).set(keyPolicyType, string(in.Type))
	if err := a.authz.Authorize(ctx, a.request("CreatePolicy", resource, k)); err != nil {
		return nil, err
	}
	p, err := a.svc.CreatePolicy(ctx, c.Account, orgs.CreatePolicyInput{
		Content: in.Content, Description: in.Description, Name: in.Name, Type: string(in.Type), Tags: tagsIn(in.Tags),
	}, a.au(ctx, "CreatePolicy", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.CreatePolicyOutput{Policy: policyOut(p)}, nil
}

func (a *api) describePolicy(ctx context.Context, in *orgswire.DescribePolicyInput) (*orgswire.DescribePolicyOutput, error) {
	c, err := a.on(ctx, "DescribePolicy", nil, in.PolicyId)
	if err != nil {
		return nil, err
	}
	p, err := a.svc.DescribePolicy(ctx, c.Account, in.PolicyId)
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.DescribePolicyOutput{Policy: policyOut(p)}, nil
}

func (a *api) updatePolicy(ctx context.Context, in *orgswire.UpdatePolicyInput) (*orgswire.UpdatePolicyOutput, error) {
	c, err := a.on(ctx, "UpdatePolicy", nil, in.PolicyId)
	if err != nil {
		return nil, err
	}
	p, err := a.svc.UpdatePolicy(ctx, c.Account, orgs.UpdatePolicyInput{
		PolicyID: in.PolicyId, Name: in.Name, Description: in.Description, Content: in.Content,
	}, a.au(ctx, "UpdatePolicy", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.UpdatePolicyOutput{Policy: policyOut(p)}, nil
}

func (a *api) deletePolicy(ctx context.Context, in *orgswire.DeletePolicyInput) (*orgswire.DeletePolicyOutput, error) {
	c, err := a.on(ctx, "DeletePolicy", nil, in.PolicyId)
	if err != nil {
		return nil, err
	}
	return nil, a.wireError(ctx, a.svc.DeletePolicy(ctx, c.Account, in.PolicyId, a.au(ctx, "DeletePolicy", in)))
}

// onAttachment authorizes attaching or detaching a policy: on the policy
// and on the target (the Service Authorization Reference lists policy as
// required and account, organizationalunit and root as the targets), each
// with its tags and both with the policy's type.
func (a *api) onAttachment(ctx context.Context, action, policyID, targetID string) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	o, err := a.orgOf(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	p, err := a.resolve(ctx, o, policyID)
	if err != nil {
		return nil, err
	}
	t, err := a.resolve(ctx, o, targetID)
	if err != nil {
		return nil, err
	}
	return c, a.authz.Authorize(ctx,
		a.request(action, p.arn, keys{}.resourceTags(p.tags).set(keyPolicyType, p.policyType)),
		a.request(action, t.arn, keys{}.resourceTags(t.tags).set(keyPolicyType, p.policyType)))
}

func (a *api) attachPolicy(ctx context.Context, in *orgswire.AttachPolicyInput) (*orgswire.AttachPolicyOutput, error) {
	c, err := a.onAttachment(ctx, "AttachPolicy", in.PolicyId, in.TargetId)
	if err != nil {
		return nil, err
	}
	return nil, a.wireError(ctx, a.svc.AttachPolicy(ctx, c.Account, in.PolicyId, in.TargetId, a.au(ctx, "AttachPolicy", in)))
}

func (a *api) detachPolicy(ctx context.Context, in *orgswire.DetachPolicyInput) (*orgswire.DetachPolicyOutput, error) {
	c, err := a.onAttachment(ctx, "DetachPolicy", in.PolicyId, in.TargetId)
	if err != nil {
		return nil, err
	}
	return nil, a.wireError(ctx, a.svc.DetachPolicy(ctx, c.Account, in.PolicyId, in.TargetId, a.au(ctx, "DetachPolicy", in)))
}

func (a *api) listPolicies(ctx context.Context, in *orgswire.ListPoliciesInput) (*orgswire.ListPoliciesOutput, error) {
	c, err := a.onAccount(ctx, "ListPolicies", keys{}.set(keyPolicyType, string(in.Filter)))
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListPolicies(ctx, c.Account, string(in.Filter), page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.ListPoliciesOutput{Policies: summariesOut(pg.Items), NextToken: optStr(pg.NextToken)}, nil
}

func (a *api) listPoliciesForTarget(ctx context.Context, in *orgswire.ListPoliciesForTargetInput) (*orgswire.ListPoliciesForTargetOutput, error) {
	c, err := a.on(ctx, "ListPoliciesForTarget", keys{}.set(keyPolicyType, string(in.Filter)), in.TargetId)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListPoliciesForTarget(ctx, c.Account, in.TargetId, string(in.Filter), page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	return &orgswire.ListPoliciesForTargetOutput{Policies: summariesOut(pg.Items), NextToken: optStr(pg.NextToken)}, nil
}

func (a *api) listTargetsForPolicy(ctx context.Context, in *orgswire.ListTargetsForPolicyInput) (*orgswire.ListTargetsForPolicyOutput, error) {
	c, err := a.on(ctx, "ListTargetsForPolicy", nil, in.PolicyId)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListTargetsForPolicy(ctx, c.Account, in.PolicyId, page(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := &orgswire.ListTargetsForPolicyOutput{Targets: make([]orgswire.PolicyTargetSummary, len(pg.Items)), NextToken: optStr(pg.NextToken)}
	for i, t := range pg.Items {
		out.Targets[i] = orgswire.PolicyTargetSummary{TargetId: ptr(t.TargetID), Arn: ptr(t.ARN), Name: ptr(t.Name), Type: orgswire.TargetType(t.Type)}
	}
	return out, nil
}

func (a *api) enablePolicyType(ctx context.Context, in *orgswire.EnablePolicyTypeInput) (*orgswire.EnablePolicyTypeOutput, error) {
	c, err := a.on(ctx, "EnablePolicyType", keys{}.set(keyPolicyType, string(in.PolicyType)), in.RootId)
	if err != nil {
		return nil, err
	}
	r, err := a.svc.EnablePolicyType(ctx, c.Account, in.RootId, string(in.PolicyType), a.au(ctx, "EnablePolicyType", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := rootOut(r)
	return &orgswire.EnablePolicyTypeOutput{Root: &out}, nil
}

func (a *api) disablePolicyType(ctx context.Context, in *orgswire.DisablePolicyTypeInput) (*orgswire.DisablePolicyTypeOutput, error) {
	c, err := a.on(ctx, "DisablePolicyType", keys{}.set(keyPolicyType, string(in.PolicyType)), in.RootId)
	if err != nil {
		return nil, err
	}
	r, err := a.svc.DisablePolicyType(ctx, c.Account, in.RootId, string(in.PolicyType), a.au(ctx, "DisablePolicyType", in))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := rootOut(r)
	return &orgswire.DisablePolicyTypeOutput{Root: &out}, nil
}

// Tags

func (a *api) tagResource(ctx context.Context, in *orgswire.TagResourceInput) (*orgswire.TagResourceOutput, error) {
	c, err := a.on(ctx, "TagResource", keys{}.requestTags(in.Tags), in.ResourceId)
	if err != nil {
		return nil, err
	}
	return nil, a.wireError(ctx, a.svc.TagResource(ctx, c.Account, in.ResourceId, tagsIn(in.Tags), a.au(ctx, "TagResource", in)))
}

func (a *api) untagResource(ctx context.Context, in *orgswire.UntagResourceInput) (*orgswire.UntagResourceOutput, error) {
	k := keys{}
	if len(in.TagKeys) > 0 {
		k[keyTagKeys] = in.TagKeys
	}
	c, err := a.on(ctx, "UntagResource", k, in.ResourceId)
	if err != nil {
		return nil, err
	}
	return nil, a.wireError(ctx, a.svc.UntagResource(ctx, c.Account, in.ResourceId, in.TagKeys, a.au(ctx, "UntagResource", in)))
}

func (a *api) listTagsForResource(ctx context.Context, in *orgswire.ListTagsForResourceInput) (*orgswire.ListTagsForResourceOutput, error) {
	c, err := a.on(ctx, "ListTagsForResource", nil, in.ResourceId)
	if err != nil {
		return nil, err
	}
	pg, err := a.svc.ListTagsForResource(ctx, c.Account, in.ResourceId, page(in.NextToken, nil))
	if err != nil {
		return nil, a.wireError(ctx, err)
	}
	out := &orgswire.ListTagsForResourceOutput{Tags: make([]orgswire.Tag, len(pg.Items)), NextToken: optStr(pg.NextToken)}
	for i, t := range pg.Items {
		out.Tags[i] = orgswire.Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}
