package orgs

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

const (
	fullARN    = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
	rcpFullARN = "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess"
)

// SCPLevels follows the tree: one level per node from the root through each
// OU to the account, each with the SCPs attached there; nil for the
// management account ("SCPs don't affect users or roles in the management
// account"), for accounts in no organization, and while SCPs are disabled.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
func TestSCPLevels(t *testing.T) {
	e := newEnv(t)
	a := e.account("a")
	prod := e.ou(e.root, "Prod")
	team := e.ou(prod, "Team")
	deny := e.policy(PolicyTypeSCP, "DenyS3", scpDeny("s3:*"))
	denyARN := PolicyARN(e.mgmt, e.org.ID, PolicyTypeSCP, deny)
	loner := e.newStandalone("loner", "loner@example.com")

	check := func(step, account string, want [][]string) {
		t.Helper()
		got, err := e.s.SCPLevels(e.ctx, account)
		e.ok(err)
		if fmt.Sprint(levelNames(got)) != fmt.Sprint(want) || (want == nil) != (got == nil) {
			t.Errorf("%s: SCPLevels(%s) = %v, want %v", step, account, levelNames(got), want)
		}
	}
	check("management", e.mgmt, nil)
	check("no organization", loner, nil)
	check("in the root", a, [][]string{{fullARN}, {fullARN}})

	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, deny, e.root, nil))
	check("deny at the root", a, [][]string{sorted(fullARN, denyARN), {fullARN}})
	check("management with a deny at the root", e.mgmt, nil)

	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, team, nil))
	check("moved under two OUs", a, [][]string{sorted(fullARN, denyARN), {fullARN}, {fullARN}, {fullARN}})

	e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, deny, e.root, nil))
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, deny, prod, nil))
	e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, idFullAWSAccess, prod, nil))
	check("deny alone at the OU", a, [][]string{{fullARN}, {denyARN}, {fullARN}, {fullARN}})

	// A changed document is compiled again.
	content := scpDeny("ec2:*")
	_, err := e.s.UpdatePolicy(e.ctx, e.mgmt, UpdatePolicyInput{PolicyID: deny, Content: &content}, nil)
	e.ok(err)
	got, err := e.s.SCPLevels(e.ctx, a)
	e.ok(err)
	if acts := got[1][0].Policy.Statements[0].Actions; len(acts) != 1 || acts[0] != "ec2:*" {
		t.Errorf("after UpdatePolicy the OU level holds %v", acts)
	}

	_, err = e.s.DisablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeSCP, nil)
	e.ok(err)
	check("SCPs disabled", a, nil)
	_, err = e.s.EnablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeSCP, nil)
	e.ok(err)
	check("SCPs enabled again", a, [][]string{{fullARN}, {fullARN}, {fullARN}, {fullARN}})
}

// RCPLevels: nothing until RCPs are enabled, then RCPFullAWSAccess at every
// level and the custom RCPs where attached; nil for the management account
// ("RCPs don't affect resources in the management account").
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
func TestRCPLevels(t *testing.T) {
	e := newEnv(t)
	a := e.account("a")
	ou := e.ou(e.root, "Prod")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, ou, nil))
	if got, err := e.s.RCPLevels(e.ctx, a); err != nil || got != nil {
		t.Errorf("RCPLevels before enabling = %v, %v", levelNames(got), err)
	}
	_, err := e.s.EnablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeRCP, nil)
	e.ok(err)
	rcp := e.policy(PolicyTypeRCP, "NoPublicS3", rcpDeny("s3:*"))
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, rcp, a, nil))
	got, err := e.s.RCPLevels(e.ctx, a)
	e.ok(err)
	want := [][]string{{rcpFullARN}, {rcpFullARN}, sorted(rcpFullARN, PolicyARN(e.mgmt, e.org.ID, PolicyTypeRCP, rcp))}
	if fmt.Sprint(levelNames(got)) != fmt.Sprint(want) {
		t.Errorf("RCPLevels = %v, want %v", levelNames(got), want)
	}
	// Only for the services that support RCPs.
	for _, tc := range []struct {
		service string
		want    int
	}{{"s3", 3}, {"sts", 3}, {"STS", 3}, {"iam", 0}, {"cleanrooms", 0}} {
		got, err := e.s.RCPLevelsFor(e.ctx, a, tc.service)
		if err != nil || len(got) != tc.want {
			t.Errorf("RCPLevelsFor(%s) = %v, %v", tc.service, levelNames(got), err)
		}
	}
	if got, err := e.s.RCPLevels(e.ctx, e.mgmt); err != nil || got != nil {
		t.Errorf("RCPLevels(management) = %v, %v", levelNames(got), err)
	}
	if scp, _ := e.s.SCPLevels(e.ctx, a); len(scp) != 3 {
		t.Errorf("SCPLevels = %v", levelNames(scp))
	}
}

// The levels decide as AWS's evaluation logic says: a Deny at any level
// wins, and every level must allow.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
func TestSCPLevelsDecide(t *testing.T) {
	e := newEnv(t)
	a := e.account("a")
	ou := e.ou(e.root, "Sandbox")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, ou, nil))
	admin, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), policy.TypeIdentity)
	e.ok(err)
	identity := []*policy.Compiled{policy.Compile(admin, "admin")}
	decide := func(account, action string) authz.Decision {
		t.Helper()
		levels, err := e.s.SCPLevels(e.ctx, account)
		e.ok(err)
		pr := policy.ParsePrincipal("arn:aws:iam::" + account + ":role/Admin")
		req := &authz.Request{Request: policy.Request{Action: action, Resource: "*", Principal: &pr, Context: policy.NewContext(0)}, ResourceAccount: account}
		return authz.Decide(req, &authz.Policies{Identity: identity, SCP: levels})
	}
	if d := decide(a, "s3:GetObject"); d.Result != authz.Allowed {
		t.Errorf("FullAWSAccess everywhere: %v", d)
	}
	deny := e.policy(PolicyTypeSCP, "DenyS3", scpDeny("s3:*"))
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, deny, ou, nil))
	if d := decide(a, "s3:GetObject"); d.Result != authz.ExplicitlyDenied || !d.Blocked.Has(authz.SCP) {
		t.Errorf("a Deny at the OU: %v", d)
	}
	if d := decide(e.mgmt, "s3:GetObject"); d.Result != authz.Allowed {
		t.Errorf("the management account: %v", d)
	}
	// An allow-list at the OU: only EC2 passes that level.
	allowEC2 := e.policy(PolicyTypeSCP, "OnlyEC2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)
	e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, deny, ou, nil))
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, allowEC2, ou, nil))
	e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, idFullAWSAccess, ou, nil))
	if d := decide(a, "ec2:RunInstances"); d.Result != authz.Allowed {
		t.Errorf("ec2 through the allow-list: %v", d)
	}
	if d := decide(a, "s3:GetObject"); d.Result != authz.ImplicitlyDenied || !d.Blocked.Has(authz.SCP) {
		t.Errorf("s3 outside the allow-list: %v", d)
	}
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, ou, e.root, nil))
	if d := decide(a, "s3:GetObject"); d.Result != authz.Allowed {
		t.Errorf("moved back to the root: %v", d)
	}
}

// OrgContext gives aws:PrincipalOrgID and aws:PrincipalOrgPaths: the path
// down to the account's parent.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
func TestOrgContext(t *testing.T) {
	e := newEnv(t)
	a := e.account("a")
	prod := e.ou(e.root, "Prod")
	team := e.ou(prod, "Team")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, team, nil))
	loner := e.newStandalone("loner", "loner@example.com")
	for _, tc := range []struct {
		account, org, path string
	}{
		{a, e.org.ID, e.org.ID + "/" + e.root + "/" + prod + "/" + team + "/"},
		{e.mgmt, e.org.ID, e.org.ID + "/" + e.root + "/"},
		{loner, "", ""},
	} {
		org, paths, err := e.s.OrgContext(e.ctx, tc.account)
		e.ok(err)
		path := ""
		if len(paths) == 1 {
			path = paths[0]
		}
		if org != tc.org || path != tc.path || len(paths) > 1 || (tc.path == "") != (paths == nil) {
			t.Errorf("OrgContext(%s) = %s %v, want %s [%s]", tc.account, org, paths, tc.org, tc.path)
		}
		if tc.path != "" && !rePath.MatchString(tc.path) {
			t.Errorf("path %s does not match the model's Path pattern", tc.path)
		}
	}
}

// Another node's writes reach this node's request path once it reads the
// store generation again.
func TestRequestPathSeesOtherNodes(t *testing.T) {
	e := newEnv(t)
	a := e.account("a")
	other, err := New(Options{Store: e.st, Now: e.clock.Now, Accounts: e.reg, IAM: e.roles, CacheCheckInterval: -1})
	e.ok(err)
	if l, _ := other.SCPLevels(e.ctx, a); len(l) != 2 || len(l[1]) != 1 {
		t.Fatalf("other node: %v", levelNames(l))
	}
	deny := e.policy(PolicyTypeSCP, "DenyS3", scpDeny("s3:*"))
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, deny, a, nil))
	if l, _ := other.SCPLevels(e.ctx, a); len(l) != 2 || len(l[1]) != 2 {
		t.Errorf("other node after the attachment: %v", levelNames(l))
	}
}

// "Maximum number of policies attached to root, OU, or account: 5" holds
// under concurrent attachments: with FullAWSAccess attached, exactly four
// of twenty concurrent AttachPolicy calls succeed and the others fail with
// MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
func TestAttachQuotaConcurrent(t *testing.T) {
	e := newEnv(t)
	ou := e.ou(e.root, "Prod")
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = e.policy(PolicyTypeSCP, fmt.Sprintf("p%d", i), scpDeny(fmt.Sprintf("svc%d:*", i)))
	}
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Go(func() { errs[i] = e.s.AttachPolicy(e.ctx, e.mgmt, id, ou, nil) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case ErrorReason(err) != ReasonMaxPolicyTypeAttachment:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 4 {
		t.Errorf("%d attachments succeeded, want 4", ok)
	}
	ps, err := e.s.ListPoliciesForTarget(e.ctx, e.mgmt, ou, PolicyTypeSCP, Page{})
	e.ok(err)
	if len(ps.Items) != 5 {
		t.Errorf("%d SCPs attached, want 5", len(ps.Items))
	}
	levels, err := e.s.SCPLevels(e.ctx, e.account("a"))
	e.ok(err)
	if len(levels) != 2 {
		t.Errorf("levels = %v", levelNames(levels))
	}
}

func sorted(s ...string) []string { slices.Sort(s); return s }
