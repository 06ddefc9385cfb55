package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func (ts *testServer) orgs(c aws.Credentials) *organizations.Client {
	return organizations.NewFromConfig(ts.config(c, "us-east-1"))
}

func (ts *testServer) cloudtrail(c aws.Credentials) *cloudtrail.Client {
	return cloudtrail.NewFromConfig(ts.config(c, "us-east-1"))
}

// memberAccount creates a member account and returns its id and the
// credentials of its OrganizationAccountAccessRole, assumed by the
// management account's root user ("Accessing a member account that has a
// management account access role",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html).
func memberAccount(t *testing.T, ts *testServer, name string) (string, aws.Credentials) {
	t.Helper()
	ctx := context.Background()
	org := ts.orgs(ts.root)
	out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for range 50 {
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil {
			t.Fatal(err)
		}
		if st.CreateAccountStatus.State == orgtypes.CreateAccountStateSucceeded {
			id = aws.ToString(st.CreateAccountStatus.AccountId)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if id == "" {
		t.Fatal("CreateAccount did not succeed")
	}
	ar, err := ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + id + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("admin")})
	if err != nil {
		t.Fatalf("assuming the member's access role: %v", err)
	}
	return id, aws.Credentials{AccessKeyID: aws.ToString(ar.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(ar.Credentials.SecretAccessKey), SessionToken: aws.ToString(ar.Credentials.SessionToken)}
}

func scp(t *testing.T, ts *testServer, name, doc string) string {
	t.Helper()
	out, err := ts.orgs(ts.root).CreatePolicy(context.Background(), &organizations.CreatePolicyInput{
		Name: aws.String(name), Description: aws.String(name), Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Policy.PolicySummary.Id)
}

// TestOrganizationsSCPs follows "SCP evaluation"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html):
// an explicit deny at any level denies; an Allow is needed at every level
// from the root to the account; the management account is never affected.
func TestOrganizationsSCPs(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	org := ts.orgs(ts.root)
	d, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.Organization.MasterAccountId) != ts.ManagementAccount() {
		t.Fatalf("organization's management account %s, want %s", aws.ToString(d.Organization.MasterAccountId), ts.ManagementAccount())
	}
	acct, admin := memberAccount(t, ts, "dev")
	who, err := ts.sts(admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Account) != acct {
		t.Fatalf("member admin identity: %v %v", who, err)
	}
	if _, err := ts.iam(admin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u1")}); err != nil {
		t.Fatalf("CreateUser in the member account before any SCP: %v", err)
	}

	// An explicit deny attached to the account.
	deny := scp(t, ts, "no-users", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`)
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(deny), TargetId: aws.String(acct)}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(admin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u2")})
	if apiCode(t, err) != "AccessDenied" || !strings.Contains(err.Error(), "with an explicit deny in a service control policy") {
		t.Fatalf("CreateUser under a denying SCP: %v", err)
	}
	// The same SCP on the root does not touch the management account.
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(deny), TargetId: aws.String(root)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.iam(ts.root).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mgmt-user")}); err != nil {
		t.Fatalf("the management account under a root SCP: %v", err)
	}
	if _, err := org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(deny), TargetId: aws.String(root)}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(deny), TargetId: aws.String(acct)}); err != nil {
		t.Fatal(err)
	}

	// A missing Allow at the OU level: the OU allows only STS.
	ou, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("sandbox")})
	if err != nil {
		t.Fatal(err)
	}
	ouID := aws.ToString(ou.OrganizationalUnit.Id)
	if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(acct), SourceParentId: aws.String(root), DestinationParentId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	stsOnly := scp(t, ts, "sts-only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}`)
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(stsOnly), TargetId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(admin).ListUsers(ctx, &iam.ListUsersInput{})
	if apiCode(t, err) != "AccessDenied" || !strings.Contains(err.Error(), "because no service control policy allows the iam:ListUsers action") {
		t.Fatalf("ListUsers without an Allow at the OU level: %v", err)
	}
	if _, err := ts.sts(admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity needs no permission: %v", err)
	}

	// The denial is in the member account's trail, and only there.
	if err := ts.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := ts.cloudtrail(ts.root).LookupEvents(ctx, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("ListUsers")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 0 {
		t.Fatalf("the management account sees %d ListUsers events of another account", len(out.Events))
	}
	// The member's admin may not read its own trail through the OU's SCP;
	// lift it and look.
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	out, err = ts.cloudtrail(admin).LookupEvents(ctx, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("ListUsers")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 {
		t.Fatalf("ListUsers events in the member account: %d, want 1", len(out.Events))
	}
	var rec struct {
		ErrorCode    string `json:"errorCode"`
		UserIdentity struct {
			Type string `json:"type"`
			ARN  string `json:"arn"`
		} `json:"userIdentity"`
		RecipientAccountID string `json:"recipientAccountId"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Events[0].CloudTrailEvent)), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.ErrorCode != "AccessDenied" || rec.UserIdentity.Type != "AssumedRole" || rec.RecipientAccountID != acct {
		t.Fatalf("the denial's record: %+v", rec)
	}
	// Organizations made the member's access role: recorded in the member
	// account as a call by the service.
	out, err = ts.cloudtrail(admin).LookupEvents(ctx, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("CreateRole")}}})
	if err != nil || len(out.Events) != 1 {
		t.Fatalf("CreateRole events in the member account: %v, %v", out, err)
	}
	var made struct {
		UserIdentity struct {
			Type      string `json:"type"`
			InvokedBy string `json:"invokedBy"`
		} `json:"userIdentity"`
		RequestParameters struct {
			RoleName string `json:"roleName"`
		} `json:"requestParameters"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Events[0].CloudTrailEvent)), &made); err != nil {
		t.Fatal(err)
	}
	if made.UserIdentity.Type != "AWSService" || made.UserIdentity.InvokedBy != "organizations.amazonaws.com" || made.RequestParameters.RoleName != "OrganizationAccountAccessRole" {
		t.Fatalf("the access role's CreateRole record: %+v", made)
	}
}

// TestOrganizationsRCPOnSTS: a resource control policy on a member account
// denies sts:AssumeRole on its roles, whoever calls, and the management
// account's own resources are never under RCPs ("RCPs don't apply to
// resources in the management account",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
func TestOrganizationsRCPOnSTS(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	org := ts.orgs(ts.root)
	acct, _ := memberAccount(t, ts, "data")
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: roots.Roots[0].Id, PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	p, err := org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("no-assume"), Description: aws.String("x"),
		Type:    orgtypes.PolicyTypeResourceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: aws.String(acct)}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + acct + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("again")})
	if apiCode(t, err) != "AccessDenied" {
		t.Fatalf("AssumeRole into a member account under a denying RCP: %v", err)
	}
}
