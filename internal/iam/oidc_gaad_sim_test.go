package iam

import (
	"strings"
	"testing"
)

// OpenID Connect providers.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
func TestOpenIDConnectProviders(t *testing.T) {
	e := newEnv(t)
	tp := strings.Repeat("a", 40)
	p, err := e.s.CreateOpenIDConnectProvider(e.ctx, acct, CreateOIDCProviderInput{
		URL: "https://token.actions.githubusercontent.com", ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{tp},
	}, nil)
	e.ok(err)
	if p.ARN != "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" || p.URL != "token.actions.githubusercontent.com" {
		t.Errorf("provider = %+v", p)
	}
	_, err = e.s.CreateOpenIDConnectProvider(e.ctx, acct, CreateOIDCProviderInput{URL: "https://token.actions.githubusercontent.com"}, nil)
	wantErr(t, err, CodeEntityAlreadyExists, "Provider with url https://token.actions.githubusercontent.com already exists.")
	eks, err := e.s.CreateOpenIDConnectProvider(e.ctx, acct, CreateOIDCProviderInput{URL: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"}, nil)
	e.ok(err)
	if eks.ARN != "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC" {
		t.Errorf("ARN with path = %q", eks.ARN)
	}
	for _, bad := range []string{"http://example.com", "https://", "https://example.com/?q=1", "example.com"} {
		_, err := e.s.CreateOpenIDConnectProvider(e.ctx, acct, CreateOIDCProviderInput{URL: bad}, nil)
		wantErr(t, err, CodeValidationError, "")
	}
	_, err = e.s.CreateOpenIDConnectProvider(e.ctx, acct, CreateOIDCProviderInput{URL: "https://x.example", ThumbprintList: []string{tp, "short"}}, nil)
	wantErr(t, err, CodeValidationError, "")

	e.ok(e.s.AddClientIDToOpenIDConnectProvider(e.ctx, acct, p.ARN, "my-app", nil))
	e.ok(e.s.AddClientIDToOpenIDConnectProvider(e.ctx, acct, p.ARN, "my-app", nil))
	e.ok(e.s.RemoveClientIDFromOpenIDConnectProvider(e.ctx, acct, p.ARN, "sts.amazonaws.com", nil))
	e.ok(e.s.RemoveClientIDFromOpenIDConnectProvider(e.ctx, acct, p.ARN, "absent", nil))
	e.ok(e.s.UpdateOpenIDConnectProviderThumbprint(e.ctx, acct, p.ARN, []string{strings.Repeat("b", 40)}, nil))
	got, err := e.s.GetOpenIDConnectProvider(e.ctx, acct, p.ARN)
	e.ok(err)
	if strings.Join(got.ClientIDList, ",") != "my-app" || got.ThumbprintList[0] != strings.Repeat("b", 40) {
		t.Errorf("provider = %+v", got)
	}
	arns, err := e.s.ListOpenIDConnectProviders(e.ctx, acct)
	e.ok(err)
	if len(arns) != 2 {
		t.Errorf("providers = %v", arns)
	}
	e.ok(e.s.DeleteOpenIDConnectProvider(e.ctx, acct, p.ARN, nil))
	e.ok(e.s.DeleteOpenIDConnectProvider(e.ctx, acct, p.ARN, nil)) // idempotent
	_, err = e.s.GetOpenIDConnectProvider(e.ctx, acct, p.ARN)
	wantErr(t, err, CodeNoSuchEntity, "OpenIDConnect Provider not found for arn "+p.ARN)
	wantErr(t, e.s.AddClientIDToOpenIDConnectProvider(e.ctx, acct, p.ARN, "x", nil), CodeNoSuchEntity, "")
}

// GetAccountAuthorizationDetails with and without Filter.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func TestGetAccountAuthorizationDetails(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	e.group("devs")
	e.role("r")
	p := e.policy("Mine", allow("s3:*", "*"))
	e.ok(e.s.AddUserToGroup(e.ctx, acct, "devs", "alice", nil))
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "alice", "own", allow("sqs:*", "*"), nil))
	e.ok(e.s.AttachRolePolicy(e.ctx, acct, "r", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	e.ok(e.s.AttachGroupPolicy(e.ctx, acct, "devs", p.ARN, nil))
	d, err := e.s.GetAccountAuthorizationDetails(e.ctx, acct, nil, Page{})
	e.ok(err)
	if len(d.UserDetailList) != 1 || len(d.GroupDetailList) != 1 || len(d.RoleDetailList) != 1 || len(d.Policies) != 2 {
		t.Fatalf("details = %d users, %d groups, %d roles, %d policies", len(d.UserDetailList), len(d.GroupDetailList), len(d.RoleDetailList), len(d.Policies))
	}
	u := d.UserDetailList[0]
	if len(u.GroupList) != 1 || u.GroupList[0] != "devs" || len(u.UserPolicyList) != 1 || u.UserPolicyList[0].Name != "own" {
		t.Errorf("user detail = %+v", u)
	}
	if len(d.RoleDetailList[0].AttachedManagedPolicies) != 1 || d.RoleDetailList[0].AssumeRolePolicyDocument != trustEC2 {
		t.Errorf("role detail = %+v", d.RoleDetailList[0])
	}
	for _, pol := range d.Policies {
		if len(pol.PolicyVersionList) == 0 || pol.PolicyVersionList[0].Document == "" {
			t.Errorf("policy %s without versions", pol.ARN)
		}
	}
	only, err := e.s.GetAccountAuthorizationDetails(e.ctx, acct, []string{EntityLocal, EntityRole}, Page{})
	e.ok(err)
	if len(only.UserDetailList) != 0 || len(only.RoleDetailList) != 1 || len(only.Policies) != 1 || only.Policies[0].ARN != p.ARN {
		t.Errorf("filtered = %+v", only)
	}
	first, err := e.s.GetAccountAuthorizationDetails(e.ctx, acct, nil, Page{MaxItems: 2})
	e.ok(err)
	second, err := e.s.GetAccountAuthorizationDetails(e.ctx, acct, nil, Page{Marker: first.Marker})
	e.ok(err)
	if !first.IsTruncated || len(first.UserDetailList)+len(first.GroupDetailList) != 2 || len(second.RoleDetailList) != 1 || len(second.Policies) != 2 {
		t.Errorf("pages: %+v / %+v", first, second)
	}
	_, err = e.s.GetAccountAuthorizationDetails(e.ctx, acct, []string{"Bogus"}, Page{})
	wantErr(t, err, CodeValidationError, "")
}

// SimulatePrincipalPolicy and SimulateCustomPolicy: decisions allowed,
// explicitDeny and implicitDeny, matched statements, missing context values.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
func TestSimulation(t *testing.T) {
	e := newEnv(t)
	u := e.user("alice")
	e.group("devs")
	e.ok(e.s.AddUserToGroup(e.ctx, acct, "devs", "alice", nil))
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "alice", "ReadBucket", allow("s3:GetObject", "arn:aws:s3:::data/*"), nil))
	e.ok(e.s.PutGroupPolicy(e.ctx, acct, "devs", "NoDelete", deny("s3:DeleteObject", "*"), nil))
	res, err := e.s.SimulatePrincipalPolicy(e.ctx, acct, SimulateInput{
		PolicySourceARN: u.ARN,
		ActionNames:     []string{"s3:GetObject", "s3:DeleteObject", "s3:PutObject"},
		ResourceARNs:    []string{"arn:aws:s3:::data/report.csv"},
	})
	e.ok(err)
	want := map[string]string{"s3:GetObject": DecisionAllowed, "s3:DeleteObject": DecisionExplicitDeny, "s3:PutObject": DecisionImplicitDeny}
	if len(res.EvaluationResults) != 3 {
		t.Fatalf("results = %+v", res.EvaluationResults)
	}
	for _, r := range res.EvaluationResults {
		if r.EvalDecision != want[r.EvalActionName] {
			t.Errorf("%s: %s, want %s", r.EvalActionName, r.EvalDecision, want[r.EvalActionName])
		}
		switch r.EvalActionName {
		case "s3:GetObject":
			if len(r.MatchedStatements) != 1 || r.MatchedStatements[0] != (MatchedStatement{"ReadBucket", "user"}) {
				t.Errorf("matched = %+v", r.MatchedStatements)
			}
		case "s3:DeleteObject":
			if len(r.MatchedStatements) != 1 || r.MatchedStatements[0] != (MatchedStatement{"NoDelete", "group"}) {
				t.Errorf("matched = %+v", r.MatchedStatements)
			}
		}
	}

	cond := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`
	custom, err := e.s.SimulateCustomPolicy(e.ctx, acct, SimulateInput{
		PolicyInputList: []string{cond},
		ActionNames:     []string{"s3:ListBucket"},
		ContextEntries:  []ContextEntry{{Key: "aws:SourceIp", Values: []string{"10.1.2.3"}, Type: "ip"}},
	})
	e.ok(err)
	r := custom.EvaluationResults[0]
	if r.EvalDecision != DecisionImplicitDeny || strings.Join(r.MissingContextValues, ",") != "aws:PrincipalTag/team" || r.EvalResourceName != "*" {
		t.Errorf("custom without the tag = %+v", r)
	}
	custom, err = e.s.SimulateCustomPolicy(e.ctx, acct, SimulateInput{
		PolicyInputList: []string{cond},
		ActionNames:     []string{"s3:ListBucket"},
		ContextEntries: []ContextEntry{
			{Key: "aws:SourceIp", Values: []string{"10.1.2.3"}, Type: "ip"},
			{Key: "aws:PrincipalTag/team", Values: []string{"data"}, Type: "string"},
		},
		PermissionsBoundaryPolicyInputList: []string{allow("s3:Get*", "*")},
	})
	e.ok(err)
	r = custom.EvaluationResults[0]
	if r.EvalDecision != DecisionImplicitDeny || r.AllowedByPermissionsBoundary == nil || *r.AllowedByPermissionsBoundary {
		t.Errorf("custom with a boundary that does not allow = %+v", r)
	}
	_, err = e.s.SimulateCustomPolicy(e.ctx, acct, SimulateInput{PolicyInputList: []string{"{"}, ActionNames: []string{"s3:GetObject"}})
	wantErr(t, err, CodeMalformedPolicyDocument, "")
	_, err = e.s.SimulateCustomPolicy(e.ctx, acct, SimulateInput{PolicyInputList: []string{cond}, ActionNames: []string{"s3:GetObject"},
		ContextEntries: []ContextEntry{{Key: "aws:SourceIp", Values: []string{"x"}, Type: "ipv4"}}})
	wantErr(t, err, CodeValidationError, "")
}
