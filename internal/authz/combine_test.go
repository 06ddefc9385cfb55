package authz_test

import (
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// Prepared policies combine the statements of one policy type into one
// index. Statements whose condition text is the same but whose policies have
// different versions must not be merged: ${aws:username} is a variable in
// 2012-10-17 and literal text in 2008-10-17.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
func TestCombinedPoliciesKeepTheirVersion(t *testing.T) {
	stmt := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"${aws:username}"}}}`
	compile := func(version string) *policy.Compiled {
		doc, err := policy.Parse([]byte(`{"Version":"`+version+`","Statement":[`+stmt+`]}`), policy.TypeIdentity)
		if err != nil {
			t.Fatal(err)
		}
		return policy.Compile(doc, version)
	}
	ctx := policy.NewContext(1)
	ctx.Set("aws:username", "alice")
	pr := policy.ParsePrincipal("arn:aws:iam::111122223333:user/alice")
	req := &authz.Request{
		Request:         policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: &pr, Context: ctx},
		ResourceAccount: "111122223333",
	}
	for _, order := range [][]string{{"2008-10-17", "2012-10-17"}, {"2012-10-17", "2008-10-17"}} {
		ps := &authz.Policies{Identity: []*policy.Compiled{compile(order[0]), compile(order[1])}}
		ps.Prepare()
		if d := authz.Decide(req, ps); d.Result != authz.Allowed {
			t.Errorf("policies %v: %v, want Allowed (the 2012-10-17 statement applies)", order, d.Result)
		}
	}
}
