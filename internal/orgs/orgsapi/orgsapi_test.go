package orgsapi

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
)

// The organization, its root and accounts through the SDK, with the
// authorization each call asks: the Organizations API Reference
// (CreateOrganization, DescribeOrganization, ListRoots, CreateAccount,
// DescribeCreateAccountStatus, ListAccounts, DescribeAccount,
// https://docs.aws.amazon.com/organizations/latest/APIReference/) and the
// Service Authorization Reference's organizations actions (CreateAccount
// and the listings on "*" with aws:RequestTag/aws:TagKeys; DescribeAccount
// on the account ARN).
func TestOrganizationAndAccounts(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	orgID, rootID := f.withOrg()
	if q := f.authz.last("organizations:CreateOrganization"); len(q) != 1 || q[0].Resource != "*" {
		t.Errorf("CreateOrganization authorization = %+v", q)
	}

	d, err := f.client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	f.ok(err)
	o := d.Organization
	if aws.ToString(o.Id) != orgID || aws.ToString(o.MasterAccountId) != f.mgmt || o.FeatureSet != types.OrganizationFeatureSetAll ||
		aws.ToString(o.Arn) != "arn:aws:organizations::"+f.mgmt+":organization/"+orgID ||
		aws.ToString(o.MasterAccountArn) != "arn:aws:organizations::"+f.mgmt+":account/"+orgID+"/"+f.mgmt ||
		aws.ToString(o.MasterAccountEmail) != "admin@example.com" ||
		len(o.AvailablePolicyTypes) != 1 || o.AvailablePolicyTypes[0].Type != types.PolicyTypeServiceControlPolicy ||
		o.AvailablePolicyTypes[0].Status != types.PolicyTypeStatusEnabled {
		t.Errorf("DescribeOrganization = %+v", o)
	}
	roots, err := f.client.ListRoots(ctx, &organizations.ListRootsInput{})
	f.ok(err)
	if len(roots.Roots) != 1 || aws.ToString(roots.Roots[0].Arn) != "arn:aws:organizations::"+f.mgmt+":root/"+orgID+"/"+rootID ||
		aws.ToString(roots.Roots[0].Name) != "Root" || len(roots.Roots[0].PolicyTypes) != 1 || roots.NextToken != nil {
		t.Errorf("ListRoots = %+v", roots.Roots)
	}
	if q := f.authz.last("organizations:ListRoots"); len(q) != 1 || q[0].Resource != "*" {
		t.Errorf("ListRoots authorization = %+v", q)
	}

	ca, err := f.client.CreateAccount(ctx, &organizations.CreateAccountInput{
		AccountName: aws.String("Production"), Email: aws.String("prod@example.com"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	f.ok(err)
	s := ca.CreateAccountStatus
	if s.State != types.CreateAccountStateInProgress || !strings.HasPrefix(aws.ToString(s.Id), "car-") ||
		aws.ToString(s.AccountName) != "Production" || s.RequestedTimestamp == nil || s.CompletedTimestamp != nil || s.AccountId != nil {
		t.Errorf("CreateAccount = %+v", s)
	}
	q := f.authz.last("organizations:CreateAccount")
	if len(q) != 1 || q[0].Resource != "*" || !has(q[0], "aws:RequestTag/team", "data") || !has(q[0], "aws:TagKeys", "team") {
		t.Errorf("CreateAccount authorization = %+v", q)
	}
	ds, err := f.client.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: s.Id})
	f.ok(err)
	member := aws.ToString(ds.CreateAccountStatus.AccountId)
	if ds.CreateAccountStatus.State != types.CreateAccountStateSucceeded || len(member) != 12 || ds.CreateAccountStatus.CompletedTimestamp == nil {
		t.Errorf("DescribeCreateAccountStatus = %+v", ds.CreateAccountStatus)
	}
	if got := f.roles.made(); !slices.Equal(got, []string{member + "/OrganizationAccountAccessRole"}) {
		t.Errorf("access roles made = %v", got)
	}
	// The same address again fails the request, not the call.
	dup, err := f.client.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("Again"), Email: aws.String("PROD@example.com")})
	f.ok(err)
	ls, err := f.client.ListCreateAccountStatus(ctx, &organizations.ListCreateAccountStatusInput{States: []types.CreateAccountState{types.CreateAccountStateFailed}})
	f.ok(err)
	if len(ls.CreateAccountStatuses) != 1 || aws.ToString(ls.CreateAccountStatuses[0].Id) != aws.ToString(dup.CreateAccountStatus.Id) ||
		ls.CreateAccountStatuses[0].FailureReason != types.CreateAccountFailureReasonEmailAlreadyExists {
		t.Errorf("ListCreateAccountStatus(FAILED) = %+v", ls.CreateAccountStatuses)
	}

	accts, err := f.client.ListAccounts(ctx, &organizations.ListAccountsInput{})
	f.ok(err)
	var ids []string
	for _, a := range accts.Accounts {
		ids = append(ids, aws.ToString(a.Id))
	}
	want := []string{f.mgmt, member}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("ListAccounts = %v, want %v", ids, want)
	}
	// Pages of one through the SDK's paginator.
	var paged []string
	for p := organizations.NewListAccountsPaginator(f.client, &organizations.ListAccountsInput{MaxResults: aws.Int32(1)}); p.HasMorePages(); {
		pg, err := p.NextPage(ctx)
		f.ok(err)
		if len(pg.Accounts) != 1 {
			t.Fatalf("page of %d accounts", len(pg.Accounts))
		}
		paged = append(paged, aws.ToString(pg.Accounts[0].Id))
	}
	if !slices.Equal(paged, ids) {
		t.Errorf("paged ListAccounts = %v, want %v", paged, ids)
	}

	da, err := f.client.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(member)})
	f.ok(err)
	a := da.Account
	accountARN := "arn:aws:organizations::" + f.mgmt + ":account/" + orgID + "/" + member
	if aws.ToString(a.Arn) != accountARN || aws.ToString(a.Email) != "prod@example.com" || aws.ToString(a.Name) != "Production" ||
		a.Status != types.AccountStatusActive || a.State != types.AccountStateActive || a.JoinedMethod != types.AccountJoinedMethodCreated ||
		a.JoinedTimestamp == nil || !slices.Equal(a.Paths, []string{orgID + "/" + rootID + "/" + member + "/"}) {
		t.Errorf("DescribeAccount = %+v", a)
	}
	q = f.authz.last("organizations:DescribeAccount")
	if len(q) != 1 || q[0].Resource != accountARN || !has(q[0], "aws:ResourceTag/team", "data") {
		t.Errorf("DescribeAccount authorization = %+v", q)
	}
	if _, ok := q[0].Context["aws:TagKeys"]; ok {
		t.Errorf("DescribeAccount was given aws:TagKeys: %+v", q[0].Context)
	}
}

// OUs, moves and the tree: CreateOrganizationalUnit (authorized on the
// parent), MoveAccount (on the account and both parents: the Service
// Authorization Reference lists account, organizationalunit and root as
// required), the listings on the parent or child they name, tags.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
func TestOUsAndTheTree(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	orgID, rootID := f.withOrg()
	member := f.createAccount("Dev", "dev@example.com")
	arn := func(kind, id string) string {
		return "arn:aws:organizations::" + f.mgmt + ":" + kind + "/" + orgID + "/" + id
	}

	ou, err := f.client.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{
		ParentId: aws.String(rootID), Name: aws.String("Engineering"),
		Tags: []types.Tag{{Key: aws.String("cost"), Value: aws.String("eng")}},
	})
	f.ok(err)
	ouID := aws.ToString(ou.OrganizationalUnit.Id)
	if !strings.HasPrefix(ouID, "ou-") || aws.ToString(ou.OrganizationalUnit.Arn) != arn("ou", ouID) ||
		aws.ToString(ou.OrganizationalUnit.Name) != "Engineering" {
		t.Errorf("CreateOrganizationalUnit = %+v", ou.OrganizationalUnit)
	}
	q := f.authz.last("organizations:CreateOrganizationalUnit")
	if len(q) != 1 || q[0].Resource != arn("root", rootID) || !has(q[0], "aws:RequestTag/cost", "eng") || !has(q[0], "aws:TagKeys", "cost") {
		t.Errorf("CreateOrganizationalUnit authorization = %+v", q)
	}

	_, err = f.client.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(member), SourceParentId: aws.String(rootID), DestinationParentId: aws.String(ouID)})
	f.ok(err)
	q = f.authz.last("organizations:MoveAccount")
	var res []string
	for _, r := range q {
		res = append(res, r.Resource)
	}
	if want := []string{arn("account", member), arn("root", rootID), arn("ou", ouID)}; !slices.Equal(res, want) {
		t.Errorf("MoveAccount resources = %v, want %v", res, want)
	}
	if !has(q[2], "aws:ResourceTag/cost", "eng") {
		t.Errorf("MoveAccount destination keys = %+v", q[2].Context)
	}

	under, err := f.client.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String(ouID)})
	f.ok(err)
	if len(under.Accounts) != 1 || aws.ToString(under.Accounts[0].Id) != member ||
		!slices.Equal(under.Accounts[0].Paths, []string{orgID + "/" + rootID + "/" + ouID + "/" + member + "/"}) {
		t.Errorf("ListAccountsForParent = %+v", under.Accounts)
	}
	if q := f.authz.last("organizations:ListAccountsForParent"); len(q) != 1 || q[0].Resource != arn("ou", ouID) {
		t.Errorf("ListAccountsForParent authorization = %+v", q)
	}
	ous, err := f.client.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(rootID)})
	f.ok(err)
	if len(ous.OrganizationalUnits) != 1 || aws.ToString(ous.OrganizationalUnits[0].Id) != ouID {
		t.Errorf("ListOrganizationalUnitsForParent = %+v", ous.OrganizationalUnits)
	}
	kids, err := f.client.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String(rootID), ChildType: types.ChildTypeOrganizationalUnit})
	f.ok(err)
	if len(kids.Children) != 1 || aws.ToString(kids.Children[0].Id) != ouID || kids.Children[0].Type != types.ChildTypeOrganizationalUnit {
		t.Errorf("ListChildren = %+v", kids.Children)
	}
	parents, err := f.client.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(member)})
	f.ok(err)
	if len(parents.Parents) != 1 || aws.ToString(parents.Parents[0].Id) != ouID || parents.Parents[0].Type != types.ParentTypeOrganizationalUnit {
		t.Errorf("ListParents = %+v", parents.Parents)
	}
	if q := f.authz.last("organizations:ListParents"); len(q) != 1 || q[0].Resource != arn("account", member) {
		t.Errorf("ListParents authorization = %+v", q)
	}
	dou, err := f.client.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(ouID)})
	f.ok(err)
	if aws.ToString(dou.OrganizationalUnit.Path) != orgID+"/"+rootID+"/"+ouID+"/" {
		t.Errorf("DescribeOrganizationalUnit = %+v", dou.OrganizationalUnit)
	}

	// Tags: the request's on TagResource, the resource's and the removed
	// keys on UntagResource.
	_, err = f.client.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(ouID), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	f.ok(err)
	q = f.authz.last("organizations:TagResource")
	if len(q) != 1 || q[0].Resource != arn("ou", ouID) || !has(q[0], "aws:RequestTag/env", "prod") || !has(q[0], "aws:TagKeys", "env") ||
		!has(q[0], "aws:ResourceTag/cost", "eng") {
		t.Errorf("TagResource authorization = %+v", q)
	}
	tags, err := f.client.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(ouID)})
	f.ok(err)
	if len(tags.Tags) != 2 || aws.ToString(tags.Tags[1].Key) != "env" {
		t.Errorf("ListTagsForResource = %+v", tags.Tags)
	}
	_, err = f.client.UntagResource(ctx, &organizations.UntagResourceInput{ResourceId: aws.String(ouID), TagKeys: []string{"cost"}})
	f.ok(err)
	q = f.authz.last("organizations:UntagResource")
	if len(q) != 1 || !has(q[0], "aws:TagKeys", "cost") || !has(q[0], "aws:ResourceTag/env", "prod") {
		t.Errorf("UntagResource authorization = %+v", q)
	}

	up, err := f.client.UpdateOrganizationalUnit(ctx, &organizations.UpdateOrganizationalUnitInput{OrganizationalUnitId: aws.String(ouID), Name: aws.String("Eng")})
	f.ok(err)
	if aws.ToString(up.OrganizationalUnit.Name) != "Eng" {
		t.Errorf("UpdateOrganizationalUnit = %+v", up.OrganizationalUnit)
	}
	_, err = f.client.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(ouID)})
	var notEmpty *types.OrganizationalUnitNotEmptyException
	if !errors.As(err, &notEmpty) {
		t.Errorf("DeleteOrganizationalUnit of a non-empty OU = %v", err)
	}
	_, err = f.client.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(member), SourceParentId: aws.String(ouID), DestinationParentId: aws.String(rootID)})
	f.ok(err)
	_, err = f.client.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(ouID)})
	f.ok(err)
	if q := f.authz.last("organizations:DeleteOrganizationalUnit"); len(q) != 1 || q[0].Resource != arn("ou", ouID) {
		t.Errorf("DeleteOrganizationalUnit authorization = %+v", q)
	}

	// Writes carry what the server's AuditFunc built.
	evs, err := f.st.Events(ctx, store.EventQuery{Account: f.mgmt, Name: "CreateOrganizationalUnit"})
	f.ok(err)
	if len(evs) != 1 || evs[0].AccessKeyID != "AKIDAUDIT" || evs[0].Source != orgs.Source {
		t.Errorf("CreateOrganizationalUnit events = %+v", evs)
	}
}

// Policies: CreatePolicy (on the ARN the policy will have, with
// organizations:PolicyType), AttachPolicy and DetachPolicy (on the policy
// and the target), the listings, EnablePolicyType (on the root).
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
func TestPolicies(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	orgID, rootID := f.withOrg()
	member := f.createAccount("Dev", "dev@example.com")
	accountARN := "arn:aws:organizations::" + f.mgmt + ":account/" + orgID + "/" + member

	cp, err := f.client.CreatePolicy(ctx, &organizations.CreatePolicyInput{
		Name: aws.String("NoBucketDeletes"), Description: aws.String("no deletes"), Type: types.PolicyTypeServiceControlPolicy,
		Content: aws.String(scp), Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("sec")}},
	})
	f.ok(err)
	ps := cp.Policy.PolicySummary
	pid := aws.ToString(ps.Id)
	policyARN := "arn:aws:organizations::" + f.mgmt + ":policy/" + orgID + "/service_control_policy/" + pid
	if aws.ToString(ps.Arn) != policyARN || aws.ToString(cp.Policy.Content) != scp || ps.AwsManaged ||
		ps.Type != types.PolicyTypeServiceControlPolicy || aws.ToString(ps.Description) != "no deletes" {
		t.Errorf("CreatePolicy = %+v", cp.Policy)
	}
	q := f.authz.last("organizations:CreatePolicy")
	if len(q) != 1 || q[0].Resource != "arn:aws:organizations::"+f.mgmt+":policy/"+orgID+"/service_control_policy/p-*" ||
		!has(q[0], "organizations:PolicyType", "SERVICE_CONTROL_POLICY") || !has(q[0], "aws:RequestTag/owner", "sec") {
		t.Errorf("CreatePolicy authorization = %+v", q)
	}

	_, err = f.client.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(pid), TargetId: aws.String(member)})
	f.ok(err)
	q = f.authz.last("organizations:AttachPolicy")
	if len(q) != 2 || q[0].Resource != policyARN || q[1].Resource != accountARN ||
		!has(q[0], "organizations:PolicyType", "SERVICE_CONTROL_POLICY") || !has(q[1], "organizations:PolicyType", "SERVICE_CONTROL_POLICY") ||
		!has(q[0], "aws:ResourceTag/owner", "sec") || has(q[1], "aws:ResourceTag/owner", "sec") {
		t.Errorf("AttachPolicy authorization = %+v", q)
	}
	forTarget, err := f.client.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(member), Filter: types.PolicyTypeServiceControlPolicy})
	f.ok(err)
	var names []string
	for _, p := range forTarget.Policies {
		names = append(names, aws.ToString(p.Name))
	}
	if !slices.Equal(names, []string{"FullAWSAccess", "NoBucketDeletes"}) && !slices.Equal(names, []string{"NoBucketDeletes", "FullAWSAccess"}) {
		t.Errorf("ListPoliciesForTarget = %v", names)
	}
	q = f.authz.last("organizations:ListPoliciesForTarget")
	if len(q) != 1 || q[0].Resource != accountARN || !has(q[0], "organizations:PolicyType", "SERVICE_CONTROL_POLICY") {
		t.Errorf("ListPoliciesForTarget authorization = %+v", q)
	}
	targets, err := f.client.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(pid)})
	f.ok(err)
	if len(targets.Targets) != 1 || aws.ToString(targets.Targets[0].TargetId) != member || targets.Targets[0].Type != types.TargetTypeAccount ||
		aws.ToString(targets.Targets[0].Arn) != accountARN || aws.ToString(targets.Targets[0].Name) != "Dev" {
		t.Errorf("ListTargetsForPolicy = %+v", targets.Targets)
	}
	full, err := f.client.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String("p-FullAWSAccess")})
	f.ok(err)
	if len(full.Targets) != 3 { // the root, the management account, the member
		t.Errorf("FullAWSAccess targets = %+v", full.Targets)
	}
	q = f.authz.last("organizations:ListTargetsForPolicy")
	if len(q) != 1 || q[0].Resource != "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess" ||
		!has(q[0], "organizations:PolicyType", "SERVICE_CONTROL_POLICY") {
		t.Errorf("ListTargetsForPolicy(FullAWSAccess) authorization = %+v", q)
	}

	_, err = f.client.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(pid), TargetId: aws.String(member)})
	f.ok(err)
	if q := f.authz.last("organizations:DetachPolicy"); len(q) != 2 || q[0].Resource != policyARN || q[1].Resource != accountARN {
		t.Errorf("DetachPolicy authorization = %+v", q)
	}
	upd, err := f.client.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String(pid), Description: aws.String("none")})
	f.ok(err)
	if aws.ToString(upd.Policy.PolicySummary.Description) != "none" || aws.ToString(upd.Policy.Content) != scp {
		t.Errorf("UpdatePolicy = %+v", upd.Policy)
	}
	desc, err := f.client.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(pid)})
	f.ok(err)
	if aws.ToString(desc.Policy.PolicySummary.Name) != "NoBucketDeletes" {
		t.Errorf("DescribePolicy = %+v", desc.Policy)
	}

	en, err := f.client.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: types.PolicyTypeResourceControlPolicy})
	f.ok(err)
	if len(en.Root.PolicyTypes) != 2 || en.Root.PolicyTypes[1].Type != types.PolicyTypeResourceControlPolicy || en.Root.PolicyTypes[1].Status != types.PolicyTypeStatusEnabled {
		t.Errorf("EnablePolicyType = %+v", en.Root)
	}
	q = f.authz.last("organizations:EnablePolicyType")
	if len(q) != 1 || q[0].Resource != "arn:aws:organizations::"+f.mgmt+":root/"+orgID+"/"+rootID || !has(q[0], "organizations:PolicyType", "RESOURCE_CONTROL_POLICY") {
		t.Errorf("EnablePolicyType authorization = %+v", q)
	}
	rcps, err := f.client.ListPolicies(ctx, &organizations.ListPoliciesInput{Filter: types.PolicyTypeResourceControlPolicy})
	f.ok(err)
	if len(rcps.Policies) != 1 || aws.ToString(rcps.Policies[0].Id) != "p-RCPFullAWSAccess" || !rcps.Policies[0].AwsManaged {
		t.Errorf("ListPolicies(RCP) = %+v", rcps.Policies)
	}
	if q := f.authz.last("organizations:ListPolicies"); len(q) != 1 || q[0].Resource != "*" || !has(q[0], "organizations:PolicyType", "RESOURCE_CONTROL_POLICY") {
		t.Errorf("ListPolicies authorization = %+v", q)
	}
	dis, err := f.client.DisablePolicyType(ctx, &organizations.DisablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: types.PolicyTypeResourceControlPolicy})
	f.ok(err)
	if len(dis.Root.PolicyTypes) != 1 {
		t.Errorf("DisablePolicyType = %+v", dis.Root)
	}

	_, err = f.client.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: aws.String(pid)})
	f.ok(err)
	if q := f.authz.last("organizations:DeletePolicy"); len(q) != 1 || q[0].Resource != policyARN || !has(q[0], "aws:ResourceTag/owner", "sec") {
		t.Errorf("DeletePolicy authorization = %+v", q)
	}
	// A policy that does not exist is named with "*" for its unknown type.
	_, err = f.client.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(pid)})
	var pnf *types.PolicyNotFoundException
	if !errors.As(err, &pnf) {
		t.Errorf("DescribePolicy of a deleted policy = %v", err)
	}
	if q := f.authz.last("organizations:DescribePolicy"); len(q) != 1 || q[0].Resource != "arn:aws:organizations::"+f.mgmt+":policy/"+orgID+"/*/"+pid {
		t.Errorf("DescribePolicy(missing) authorization = %+v", q)
	}
}

// Modelled errors reach the SDK typed, with the Reason member that
// ConstraintViolationException and InvalidInputException carry (the
// Errors sections of the API Reference, e.g.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html#API_AttachPolicy_Errors,
// and "Quotas and service limits for AWS Organizations": five policies of
// a type per target).
func TestTypedErrors(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	_, rootID := f.withOrg()

	ou, err := f.client.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(rootID), Name: aws.String("Limits")})
	f.ok(err)
	ouID := ou.OrganizationalUnit.Id
	// FullAWSAccess is attached already: four more reach the limit.
	for i := range 5 {
		p, err := f.client.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("p" + string(rune('a'+i))), Description: aws.String(""),
			Type: types.PolicyTypeServiceControlPolicy, Content: aws.String(scp)})
		f.ok(err)
		_, err = f.client.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: ouID})
		if i < 4 {
			f.ok(err)
			continue
		}
		var cv *types.ConstraintViolationException
		if !errors.As(err, &cv) || cv.Reason != types.ConstraintViolationExceptionReasonMaxPolicyTypeAttachmentLimitExceeded ||
			aws.ToString(cv.Message) != "You have attached the maximum number of policies to the specified target." {
			t.Errorf("sixth SCP on an OU = %v", err)
		}
	}

	tests := []struct {
		name   string
		call   func() error
		target any
		check  func(t *testing.T)
		reason string
	}{
		{
			name: "detaching the only SCP of the root",
			call: func() error {
				_, err := f.client.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(rootID)})
				return err
			},
			target: new(*types.ConstraintViolationException), reason: "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
		},
		{
			name: "updating an AWS managed policy",
			call: func() error {
				_, err := f.client.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String("p-FullAWSAccess"), Name: aws.String("x")})
				return err
			},
			target: new(*types.InvalidInputException), reason: "IMMUTABLE_POLICY",
		},
		{
			name: "a policy type cleanroom does not serve",
			call: func() error {
				_, err := f.client.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("tags"), Description: aws.String(""),
					Type: types.PolicyTypeTagPolicy, Content: aws.String(`{"tags":{}}`)})
				return err
			},
			target: new(*types.PolicyTypeNotAvailableForOrganizationException),
		},
		{
			name: "a malformed policy",
			call: func() error {
				_, err := f.client.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("bad"), Description: aws.String(""),
					Type: types.PolicyTypeServiceControlPolicy, Content: aws.String(`{"Statement":"nope"}`)})
				return err
			},
			target: new(*types.MalformedPolicyDocumentException),
		},
		{
			name: "a duplicate policy name",
			call: func() error {
				_, err := f.client.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("pa"), Description: aws.String(""),
					Type: types.PolicyTypeServiceControlPolicy, Content: aws.String(scp)})
				return err
			},
			target: new(*types.DuplicatePolicyException),
		},
		{
			name: "a duplicate OU name",
			call: func() error {
				_, err := f.client.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(rootID), Name: aws.String("Limits")})
				return err
			},
			target: new(*types.DuplicateOrganizationalUnitException),
		},
		{
			name: "an unknown account",
			call: func() error {
				_, err := f.client.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("000000000000")})
				return err
			},
			target: new(*types.AccountNotFoundException),
		},
		{
			name: "an unknown target",
			call: func() error {
				_, err := f.client.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String("ou-zzzz-zzzzzzzz")})
				return err
			},
			target: new(*types.TargetNotFoundException),
		},
		{
			name: "an unknown create account request",
			call: func() error {
				_, err := f.client.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String("car-0123456789")})
				return err
			},
			target: new(*types.CreateAccountStatusNotFoundException),
		},
		{
			name: "a second organization",
			call: func() error {
				_, err := f.client.CreateOrganization(ctx, &organizations.CreateOrganizationInput{})
				return err
			},
			target: new(*types.AlreadyInOrganizationException),
		},
		{
			name: "an enabled policy type",
			call: func() error {
				_, err := f.client.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: types.PolicyTypeServiceControlPolicy})
				return err
			},
			target: new(*types.PolicyTypeAlreadyEnabledException),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.As(err, tt.target) {
				t.Fatalf("error = %T %v, want %T", err, err, reflect.ValueOf(tt.target).Elem().Interface())
			}
			if tt.reason == "" {
				return
			}
			var got string
			switch e := reflect.ValueOf(tt.target).Elem().Interface().(type) {
			case *types.ConstraintViolationException:
				got = string(e.Reason)
			case *types.InvalidInputException:
				got = string(e.Reason)
			}
			if got != tt.reason {
				t.Errorf("Reason = %q, want %q", got, tt.reason)
			}
		})
	}
}

// AWS's order of refusals: IAM first, in the caller's account; then
// Organizations' own rules: a member account gets AccessDeniedException
// from the operations only the management account may call, an account in
// no organization AWSOrganizationsNotInUseException.
// https://docs.aws.amazon.com/organizations/latest/APIReference/CommonErrors.html
func TestWhoMayCall(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	orgID, rootID := f.withOrg()
	member := f.createAccount("Dev", "dev@example.com")
	_, err := f.client.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(member), Tags: []types.Tag{{Key: aws.String("tier"), Value: aws.String("1")}}})
	f.ok(err)

	// A management account user whom IAM denies: refused before the
	// Service runs, with the Authorizer's message.
	f.as(userOf(f.mgmt, "alice"))
	f.authz.setDeny(func(q access.Request) bool { return q.Action == "organizations:CreateOrganizationalUnit" })
	_, err = f.client.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(rootID), Name: aws.String("X")})
	var ad *types.AccessDeniedException
	rootARN := "arn:aws:organizations::" + f.mgmt + ":root/" + orgID + "/" + rootID
	if !errors.As(err, &ad) || !strings.Contains(aws.ToString(ad.Message), "alice is not authorized to perform: organizations:CreateOrganizationalUnit on resource: "+rootARN) {
		t.Errorf("denied CreateOrganizationalUnit = %v", err)
	}
	f.as(rootOf(f.mgmt))
	ous, err := f.client.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(rootID)})
	f.ok(err)
	if len(ous.OrganizationalUnits) != 0 {
		t.Errorf("a denied call created %+v", ous.OrganizationalUnits)
	}
	// The handler returns the Authorizer's error for the server to map.
	_, err = f.h.CreateOrganizationalUnit(identity.NewContext(ctx, userOf(f.mgmt, "alice")), &orgswire.CreateOrganizationalUnitInput{ParentId: rootID, Name: "X"})
	var denied *access.DeniedError
	if !errors.As(err, &denied) {
		t.Errorf("handler error = %T %v, want *access.DeniedError", err, err)
	}
	f.authz.setDeny(nil)

	// A member account: DescribeOrganization answers; management-only
	// operations are decided by IAM on the organization's ARNs (the
	// member's tags as the management account sees them), then refused.
	f.as(rootOf(member))
	d, err := f.client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	f.ok(err)
	if aws.ToString(d.Organization.MasterAccountId) != f.mgmt {
		t.Errorf("member's DescribeOrganization = %+v", d.Organization)
	}
	_, err = f.client.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(member)})
	if code, msg := apiCode(err); code != "AccessDeniedException" || msg != "You don't have permissions to access this resource." {
		t.Errorf("member's DescribeAccount = %v", err)
	}
	q := f.authz.last("organizations:DescribeAccount")
	if len(q) != 1 || q[0].Resource != "arn:aws:organizations::"+f.mgmt+":account/"+orgID+"/"+member || !has(q[0], "aws:ResourceTag/tier", "1") {
		t.Errorf("member's DescribeAccount authorization = %+v", q)
	}
	_, err = f.client.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if !errors.As(err, &ad) {
		t.Errorf("member's ListAccounts = %v", err)
	}
	_, err = f.client.ListPolicies(ctx, &organizations.ListPoliciesInput{Filter: types.PolicyTypeServiceControlPolicy})
	if !errors.As(err, &ad) {
		t.Errorf("member's ListPolicies = %v", err)
	}

	// An account in no organization: decided on "*", then refused.
	loner := f.standalone("loner", "loner@example.com")
	f.as(rootOf(loner))
	_, err = f.client.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String("ou-abcd-abcdefgh")})
	var niu *types.AWSOrganizationsNotInUseException
	if !errors.As(err, &niu) || aws.ToString(niu.Message) != "Your account is not a member of an organization." {
		t.Errorf("DescribeOrganizationalUnit outside an organization = %v", err)
	}
	if q := f.authz.last("organizations:DescribeOrganizationalUnit"); len(q) != 1 || q[0].Resource != "*" {
		t.Errorf("authorization outside an organization = %+v", q)
	}
}

// Handlers binds every operation orgs.Service implements (a method of
// the same name as a field of orgswire.Handlers) and nothing else.
func TestEveryServiceOperationIsBound(t *testing.T) {
	h := reflect.ValueOf(Handlers(Options{})).Elem()
	svc := reflect.TypeFor[*orgs.Service]()
	var bound, implemented []string
	for i := 0; i < h.NumField(); i++ {
		name := h.Type().Field(i).Name
		if !h.Field(i).IsNil() {
			bound = append(bound, name)
		}
		if _, ok := svc.MethodByName(name); ok {
			implemented = append(implemented, name)
		}
	}
	if !slices.Equal(bound, implemented) {
		t.Errorf("bound %v\nService implements %v", bound, implemented)
	}
	if len(bound) < 30 {
		t.Errorf("only %d operations bound", len(bound))
	}
}

// Every bound operation is an organizations action of the catalog, so
// that its authorization has the Service Authorization Reference's
// resource types and condition keys.
func TestEveryBoundActionIsInTheCatalog(t *testing.T) {
	h := reflect.ValueOf(Handlers(Options{})).Elem()
	for i := 0; i < h.NumField(); i++ {
		if h.Field(i).IsNil() {
			continue
		}
		name := h.Type().Field(i).Name
		if _, ok := catalog.Default().LookupAction("organizations:" + name); !ok {
			t.Errorf("organizations:%s is not in the catalog", name)
		}
	}
}

// request keeps only the keys the action supports: organizations:PolicyType
// where the Service Authorization Reference lists it, the global tag keys
// always.
func TestRequestFiltersKeys(t *testing.T) {
	a := newAPI(Options{})
	k := keys{"organizations:PolicyType": {"SERVICE_CONTROL_POLICY"}, "aws:ResourceTag/team": {"a"}, "organizations:ServicePrincipal": {"s3.amazonaws.com"}}
	tests := []struct {
		action, resource string
		want             []string
	}{
		{"DescribePolicy", "arn:aws:organizations::111111111111:policy/o-aaaaaaaaaa/service_control_policy/p-abcdefgh", []string{"aws:ResourceTag/team", "organizations:PolicyType"}},
		{"DescribeAccount", "arn:aws:organizations::111111111111:account/o-aaaaaaaaaa/222222222222", []string{"aws:ResourceTag/team"}},
		{"ListPolicies", "*", []string{"aws:ResourceTag/team", "organizations:PolicyType"}},
		{"ListRoots", "*", []string{"aws:ResourceTag/team"}},
	}
	for _, tt := range tests {
		q := a.request(tt.action, tt.resource, k)
		var got []string
		for key := range q.Context {
			got = append(got, key)
		}
		slices.Sort(got)
		if q.Action != "organizations:"+tt.action || q.Resource != tt.resource || !slices.Equal(got, tt.want) {
			t.Errorf("request(%s) = %+v, keys %v, want %v", tt.action, q, got, tt.want)
		}
	}
}

// Every error code of package orgs is a modelled error of the wire with
// the same code, and a Reason passes as the member the SDKs read.
func TestWireErrorCodes(t *testing.T) {
	a := newAPI(Options{})
	codes := []string{
		orgs.CodeAccessDenied, orgs.CodeNotInUse, orgs.CodeAlreadyInOrganization, orgs.CodeAccountNotFound, orgs.CodeChildNotFound,
		orgs.CodeConstraintViolation, orgs.CodeCreateAccountStatusNotFound, orgs.CodeDestinationParentNotFound, orgs.CodeDuplicateAccount,
		orgs.CodeDuplicateOrganizationalUnit, orgs.CodeDuplicatePolicyAttachment, orgs.CodeDuplicatePolicy, orgs.CodeInvalidInput,
		orgs.CodeMalformedPolicyDocument, orgs.CodeOrganizationalUnitNotEmpty, orgs.CodeOrganizationalUnitNotFound, orgs.CodeParentNotFound,
		orgs.CodePolicyInUse, orgs.CodePolicyNotAttached, orgs.CodePolicyNotFound, orgs.CodePolicyTypeAlreadyEnabled,
		orgs.CodePolicyTypeNotAvailable, orgs.CodePolicyTypeNotEnabled, orgs.CodeRootNotFound, orgs.CodeSourceParentNotFound,
		orgs.CodeTargetNotFound, orgs.CodeConcurrentModification, orgs.CodeServiceException, orgs.CodeUnsupportedAPIEndpoint,
		orgs.CodeMasterCannotLeave, orgs.CodeOrganizationNotEmpty, orgs.CodeFinalizingOrganization, orgs.CodeAccessDeniedForDependency,
		orgs.CodeInvalidHandshakeTransition, orgs.CodeHandshakeConstraintViolation,
	}
	for _, code := range codes {
		err := a.wireError(context.Background(), &orgs.Error{Code: code, Message: "m", Reason: "R"})
		var we *awsproto.Error
		if !errors.As(err, &we) || we.Code != code || we.Message != "m" || we.Fields["Reason"] != "R" || we.MessageKey != "Message" {
			t.Errorf("%s: %+v", code, err)
		}
	}
	if err := a.wireError(context.Background(), &orgs.Error{Code: "Nope", Message: "m"}); !orgswire.ServiceException.Is(err) {
		t.Errorf("unknown code = %v", err)
	}
	other := errors.New("disk full")
	if err := a.wireError(context.Background(), other); err != other {
		t.Errorf("other error = %v", err)
	}
	if err := a.wireError(context.Background(), nil); err != nil {
		t.Errorf("nil = %v", err)
	}
}
