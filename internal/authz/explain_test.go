package authz_test

import (
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// Explain gives the decision, AWS's denial message and the statements that
// decided ("an explicit deny in any policy overrides an allow",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
func TestExplainNamesTheDecidingStatements(t *testing.T) {
	compile := func(name, doc string) *policy.Compiled {
		p, err := policy.Parse([]byte(doc), policy.TypeIdentity)
		if err != nil {
			t.Fatal(err)
		}
		return policy.Compile(p, name)
	}
	ps := &authz.Policies{Identity: []*policy.Compiled{
		compile("read", `{"Version":"2012-10-17","Statement":{"Sid":"Read","Effect":"Allow","Action":"cleanrooms:Get*","Resource":"*"}}`),
		compile("guard", `{"Version":"2012-10-17","Statement":[{"Sid":"NoMFA","Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}},{"Sid":"Other","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`),
	}}
	ctx := policy.NewContext(1)
	ctx.Set("aws:MultiFactorAuthPresent", "false")
	pr := policy.ParsePrincipal("arn:aws:iam::111122223333:user/alice")
	req := &authz.Request{
		Request:         policy.Request{Action: "cleanrooms:GetCollaboration", Resource: "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c1", Principal: &pr, Context: ctx},
		ResourceAccount: "111122223333",
	}
	e := authz.Explain(req, ps)
	if e.Decision.Result != authz.ExplicitlyDenied || !e.SameAccount {
		t.Fatalf("decision %v same account %v", e.Decision.Result, e.SameAccount)
	}
	if !strings.HasSuffix(e.Message, "with an explicit deny in an identity-based policy") {
		t.Errorf("message %q", e.Message)
	}
	var sids []string
	for _, d := range e.Deciding() {
		sids = append(sids, d.Policy+"/"+d.Statement.Sid)
	}
	if got := strings.Join(sids, ","); got != "read/Read,guard/NoMFA" {
		t.Errorf("deciding statements %s, want read/Read,guard/NoMFA", got)
	}
	other := e.Policies[1].Statements[1]
	if other.Applies || other.Reason != "the action does not match Action" {
		t.Errorf("statement Other: applies %v, reason %q", other.Applies, other.Reason)
	}
}
