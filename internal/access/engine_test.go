package access_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// TestCallerContext encodes the global condition keys AWS sets for each kind
// of caller ("AWS global condition context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
// aws:username only for IAM users, aws:PrincipalType Account/User/AssumedRole,
// aws:MultiFactorAuthPresent only with temporary credentials, aws:TokenIssueTime
// only for sessions, aws:MultiFactorAuthAge only after MFA.
func TestCallerContext(t *testing.T) {
	user := &identity.Caller{Type: identity.IAMUser, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/ops/alice",
		PrincipalARN: "arn:aws:iam::111122223333:user/ops/alice", UserID: "AIDAEXAMPLE", Name: "alice", Tags: map[string]string{"team": "red"}}
	session := &identity.Caller{Type: identity.AssumedRole, Account: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/r/s",
		PrincipalARN: "arn:aws:iam::111122223333:role/r", UserID: "AROAEXAMPLE:s", Name: "r", Temporary: true,
		MFAAuthenticated: true, MFAAuthTime: now.Add(-90 * time.Second),
		Session: &identity.Session{IssuedAt: now.Add(-time.Hour), SourceIdentity: "alice",
			FederatedProvider: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}}
	root := &identity.Caller{Type: identity.Root, Account: "111122223333", ARN: "arn:aws:iam::111122223333:root", PrincipalARN: "arn:aws:iam::111122223333:root", UserID: "111122223333"}
	info := &access.Info{SourceIP: "192.0.2.7", SecureTransport: true, Region: "eu-west-1"}
	for _, tc := range []struct {
		name    string
		c       *identity.Caller
		want    map[string]string
		missing []string
	}{
		{"user", user, map[string]string{
			"aws:PrincipalArn": user.ARN, "aws:PrincipalAccount": "111122223333", "aws:PrincipalType": "User",
			"aws:userid": "AIDAEXAMPLE", "aws:username": "alice", "aws:PrincipalTag/team": "red",
			"aws:SourceIp": "192.0.2.7", "aws:SecureTransport": "true", "aws:RequestedRegion": "eu-west-1",
			"aws:CurrentTime": "2026-11-23T12:00:00Z", "aws:EpochTime": "1795435200", "aws:PrincipalIsAWSService": "false",
		}, []string{"aws:MultiFactorAuthPresent", "aws:TokenIssueTime", "aws:MultiFactorAuthAge", "aws:FederatedProvider"}},
		{"role session", session, map[string]string{
			"aws:PrincipalArn": "arn:aws:iam::111122223333:role/r", "aws:PrincipalType": "AssumedRole", "aws:userid": "AROAEXAMPLE:s",
			"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "90", "aws:TokenIssueTime": "2026-11-23T11:00:00Z",
			"aws:SourceIdentity": "alice", "aws:FederatedProvider": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
		}, []string{"aws:username"}},
		{"root", root, map[string]string{"aws:PrincipalType": "Account", "aws:userid": "111122223333"}, []string{"aws:username", "aws:MultiFactorAuthPresent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := access.CallerContext(tc.c, info, clock)
			for k, want := range tc.want {
				v, ok := ctx.Get(k)
				if !ok || len(v.Values) != 1 || v.Values[0] != want {
					t.Errorf("%s = %v (present %v), want %q", k, v.Values, ok, want)
				}
			}
			for _, k := range tc.missing {
				if _, ok := ctx.Get(k); ok {
					t.Errorf("%s present, want absent", k)
				}
			}
		})
	}
}

type fixed struct{ ps *authz.Policies }

func (f fixed) Policies(context.Context, *identity.Caller) (*authz.Policies, bool, error) {
	return f.ps, false, nil
}

func mustPolicy(t *testing.T, doc string, typ policy.Type) *policy.Compiled {
	t.Helper()
	p, err := policy.Parse([]byte(doc), typ)
	if err != nil {
		t.Fatal(err)
	}
	return policy.Compile(p, "test")
}

// TestAuthorizeKeys checks that request keys reach the engine with the
// cardinality the catalog gives them: sts:ExternalId is single-valued (a
// plain StringEquals matches it), aws:TagKeys multivalued (it needs a set
// operator).
func TestAuthorizeKeys(t *testing.T) {
	ps := &authz.Policies{Identity: []*policy.Compiled{mustPolicy(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}},
		{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}]}`, policy.TypeIdentity)}}
	ps.Prepare()
	e := access.NewEngine(fixed{ps}, catalog.Default(), clock)
	c := &identity.Caller{Type: identity.IAMUser, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice", PrincipalARN: "arn:aws:iam::111122223333:user/alice", Name: "alice"}
	ctx := identity.NewContext(context.Background(), c)
	role := "arn:aws:iam::111122223333:role/r"
	if err := e.Authorize(ctx, access.Request{Action: "sts:AssumeRole", Resource: role, Context: map[string][]string{"sts:ExternalId": {"x-1"}}}); err != nil {
		t.Fatalf("external id: %v", err)
	}
	err := e.Authorize(ctx, access.Request{Action: "sts:AssumeRole", Resource: role, Context: map[string][]string{"sts:ExternalId": {"x-2"}}})
	var de *access.DeniedError
	if !errors.As(err, &de) || de.Message != "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: "+role+" because no identity-based policy allows the sts:AssumeRole action" {
		t.Fatalf("wrong external id: %v", err)
	}
	user := "arn:aws:iam::111122223333:user/bob"
	if err := e.Authorize(ctx, access.Request{Action: "iam:TagUser", Resource: user, Context: map[string][]string{"aws:TagKeys": {"team"}}}); err != nil {
		t.Fatalf("one tag key: %v", err)
	}
	if err := e.Authorize(ctx, access.Request{Action: "iam:TagUser", Resource: user, Context: map[string][]string{"aws:TagKeys": {"team", "owner"}}}); err == nil {
		t.Fatal("a tag key outside the set was allowed")
	}
	if err := e.Authorize(context.Background(), access.Request{Action: "iam:TagUser", Resource: user}); err == nil {
		t.Fatal("a request without a caller was allowed")
	}
}
