package orgs

import (
	"fmt"
	"strings"
	"testing"
)

// CreatePolicy validates content for its type: SCPs in the IAM language
// without principals, RCPs with Principal "*" and only Deny (Allow is
// RCPFullAWSAccess's alone), no NotAction in RCPs; 5,120 characters at
// most, white space included.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html ("Maximum size of a policy document")
func TestCreatePolicyContent(t *testing.T) {
	e := newEnv(t)
	// A document of exactly n characters, most of them white space.
	padded := func(n int) string {
		doc := scpDeny("s3:*")
		return doc[:len(doc)-1] + strings.Repeat(" ", n-len(doc)) + "}"
	}
	for i, tc := range []struct {
		name, typ, content string
		code, reason       string
	}{
		{"scp deny", PolicyTypeSCP, scpDeny("s3:*"), "", ""},
		{"scp allow with condition", PolicyTypeSCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}`, "", ""},
		{"scp NotAction", PolicyTypeSCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}]}`, "", ""},
		{"scp 5120 characters", PolicyTypeSCP, padded(5120), "", ""},
		{"scp 5121 characters", PolicyTypeSCP, padded(5121), CodeConstraintViolation, ReasonPolicyContentLimitExceeded},
		{"scp with principal", PolicyTypeSCP, rcpDeny("s3:*"), CodeMalformedPolicyDocument, ""},
		{"scp not JSON", PolicyTypeSCP, `{"Version":`, CodeMalformedPolicyDocument, ""},
		{"scp no resource", PolicyTypeSCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*"}]}`, CodeMalformedPolicyDocument, ""},
		{"empty", PolicyTypeSCP, "", CodeInvalidInput, ReasonInputRequired},
		{"rcp deny", PolicyTypeRCP, rcpDeny("s3:*"), "", ""},
		{"rcp allow", PolicyTypeRCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`, CodeMalformedPolicyDocument, ""},
		{"rcp NotAction", PolicyTypeRCP, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"s3:*","Resource":"*"}]}`, CodeMalformedPolicyDocument, ""},
		{"rcp without principal", PolicyTypeRCP, scpDeny("s3:*"), CodeMalformedPolicyDocument, ""},
		{"rcp old version", PolicyTypeRCP, `{"Version":"2008-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`, CodeMalformedPolicyDocument, ""},
		{"tag policy", "TAG_POLICY", `{}`, CodePolicyTypeNotAvailable, ""},
		{"unknown type", "NO_SUCH_POLICY", scpDeny("s3:*"), CodeInvalidInput, ReasonInvalidEnumPolicyType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := e.s.CreatePolicy(e.ctx, e.mgmt, CreatePolicyInput{Type: tc.typ, Name: fmt.Sprintf("p%d", i), Description: "d", Content: tc.content}, nil)
			if tc.code == "" {
				e.ok(err)
				if p.Content != tc.content || p.Type != tc.typ || p.AWSManaged || !rePolicyID.MatchString(p.ID) || !rePolicyARN.MatchString(p.ARN) ||
					p.ARN != "arn:aws:organizations::"+e.mgmt+":policy/"+e.org.ID+"/"+strings.ToLower(tc.typ)+"/"+p.ID {
					t.Errorf("policy = %+v", p)
				}
				return
			}
			wantErr(t, err, tc.code, tc.reason)
		})
	}
}

// Names, descriptions, updates, deletion and the AWS managed policies.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeletePolicy.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html
func TestPolicyLifecycle(t *testing.T) {
	e := newEnv(t)
	id := e.policy(PolicyTypeSCP, "DenyS3", scpDeny("s3:*"))
	_, err := e.s.CreatePolicy(e.ctx, e.mgmt, CreatePolicyInput{Type: PolicyTypeSCP, Name: "DenyS3", Description: "again", Content: scpDeny("ec2:*")}, nil)
	wantErr(t, err, CodeDuplicatePolicy, "")
	_, err = e.s.CreatePolicy(e.ctx, e.mgmt, CreatePolicyInput{Type: PolicyTypeSCP, Name: strings.Repeat("n", 129), Content: scpDeny("ec2:*")}, nil)
	wantErr(t, err, CodeInvalidInput, ReasonMaxLengthExceeded)
	_, err = e.s.CreatePolicy(e.ctx, e.mgmt, CreatePolicyInput{Type: PolicyTypeSCP, Name: "n", Description: strings.Repeat("d", 513), Content: scpDeny("ec2:*")}, nil)
	wantErr(t, err, CodeInvalidInput, ReasonMaxLengthExceeded)

	full, err := e.s.DescribePolicy(e.ctx, e.mgmt, "p-FullAWSAccess")
	e.ok(err)
	if !full.AWSManaged || full.Name != "FullAWSAccess" || full.Type != PolicyTypeSCP || !strings.Contains(full.Content, `"Action": "*"`) ||
		full.ARN != "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess" {
		t.Errorf("FullAWSAccess = %+v", full)
	}
	rfull, err := e.s.DescribePolicy(e.ctx, e.mgmt, "p-RCPFullAWSAccess")
	e.ok(err)
	if rfull.Type != PolicyTypeRCP || rfull.ARN != "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess" {
		t.Errorf("RCPFullAWSAccess = %+v", rfull)
	}
	_, err = e.s.DescribePolicy(e.ctx, e.mgmt, "p-zzzzzzzz")
	wantErr(t, err, CodePolicyNotFound, "")
	_, err = e.s.DescribePolicy(e.ctx, e.mgmt, "policy")
	wantErr(t, err, CodeInvalidInput, ReasonInvalidSyntaxPolicyID)

	name, desc, content := "DenyStorage", "no storage", scpDeny("s3:Put*")
	u, err := e.s.UpdatePolicy(e.ctx, e.mgmt, UpdatePolicyInput{PolicyID: id, Name: &name, Description: &desc, Content: &content}, nil)
	e.ok(err)
	if u.Name != name || u.Description != desc || u.Content != content || u.ID != id {
		t.Errorf("UpdatePolicy = %+v", u)
	}
	// The old name is free again, the new one taken.
	e.policy(PolicyTypeSCP, "DenyS3", scpDeny("s3:*"))
	other := e.policy(PolicyTypeSCP, "Other", scpDeny("s3:*"))
	_, err = e.s.UpdatePolicy(e.ctx, e.mgmt, UpdatePolicyInput{PolicyID: other, Name: &name}, nil)
	wantErr(t, err, CodeDuplicatePolicy, "")
	bad := `{"Version":"2012-10-17","Statement":[]}`
	_, err = e.s.UpdatePolicy(e.ctx, e.mgmt, UpdatePolicyInput{PolicyID: id, Content: &bad}, nil)
	wantErr(t, err, CodeMalformedPolicyDocument, "")
	_, err = e.s.UpdatePolicy(e.ctx, e.mgmt, UpdatePolicyInput{PolicyID: "p-FullAWSAccess", Name: &name}, nil)
	wantErr(t, err, CodeInvalidInput, ReasonImmutablePolicy)
	wantErr(t, e.s.DeletePolicy(e.ctx, e.mgmt, "p-FullAWSAccess", nil), CodeInvalidInput, ReasonImmutablePolicy)
	wantErr(t, e.s.DeletePolicy(e.ctx, e.mgmt, "p-RCPFullAWSAccess", nil), CodeInvalidInput, ReasonImmutablePolicy)

	list, err := e.s.ListPolicies(e.ctx, e.mgmt, PolicyTypeSCP, Page{})
	e.ok(err)
	if len(list.Items) != 4 {
		t.Errorf("ListPolicies = %+v", list.Items)
	}
	rcps, err := e.s.ListPolicies(e.ctx, e.mgmt, PolicyTypeRCP, Page{})
	e.ok(err)
	if len(rcps.Items) != 1 || rcps.Items[0].ID != idRCPFullAWSAccess {
		t.Errorf("ListPolicies(RCP) = %+v", rcps.Items)
	}
	_, err = e.s.ListPolicies(e.ctx, e.mgmt, "", Page{})
	wantErr(t, err, CodeInvalidInput, ReasonInputRequired)

	// Not while attached.
	a := e.account("a")
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, id, a, nil))
	wantErr(t, e.s.DeletePolicy(e.ctx, e.mgmt, id, nil), CodePolicyInUse, "")
	e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, id, a, nil))
	e.ok(e.s.DeletePolicy(e.ctx, e.mgmt, id, nil))
	_, err = e.s.DescribePolicy(e.ctx, e.mgmt, id)
	wantErr(t, err, CodePolicyNotFound, "")
	e.policy(PolicyTypeSCP, name, scpDeny("s3:*")) // the name is free again

	// Policies of each type in an organization (Quotas for AWS
	// Organizations), lowered here.
	e.s.quotas.RCPs = 1
	e.policy(PolicyTypeRCP, "r1", rcpDeny("s3:*"))
	_, err = e.s.CreatePolicy(e.ctx, e.mgmt, CreatePolicyInput{Type: PolicyTypeRCP, Name: "r2", Content: rcpDeny("s3:*")}, nil)
	wantErr(t, err, CodeConstraintViolation, ReasonPolicyNumberLimitExceeded)
}

// Attachments: the type must be enabled on the root; at most five policies
// of a type per target; at least one SCP stays; RCPFullAWSAccess never
// leaves; each policy once per target.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html ("You cannot detach this policy")
func TestAttachments(t *testing.T) {
	e := newEnv(t)
	a := e.account("a")
	ou := e.ou(e.root, "Prod")
	scp := e.policy(PolicyTypeSCP, "DenyS3", scpDeny("s3:*"))
	rcp := e.policy(PolicyTypeRCP, "DenyS3", rcpDeny("s3:*"))

	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, rcp, a, nil), CodePolicyTypeNotEnabled, "")
	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, "p-zzzzzzzz", a, nil), CodePolicyNotFound, "")
	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, scp, "999999999999", nil), CodeTargetNotFound, "")
	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, scp, "r-zzzz", nil), CodeTargetNotFound, "")
	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, scp, "o-aaaaaaaaaa", nil), CodeInvalidInput, ReasonInvalidPatternTargetID)
	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, idFullAWSAccess, a, nil), CodeDuplicatePolicyAttachment, "")
	wantErr(t, e.s.AttachPolicy(e.ctx, a, scp, a, nil), CodeAccessDenied, "")

	// Enabling RCPs attaches RCPFullAWSAccess to the root, every OU and
	// every account.
	root, err := e.s.EnablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeRCP, nil)
	e.ok(err)
	if len(root.PolicyTypes) != 2 || root.PolicyTypes[1] != (PolicyTypeSummary{PolicyTypeRCP, "ENABLED"}) {
		t.Errorf("EnablePolicyType = %+v", root)
	}
	_, err = e.s.EnablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeRCP, nil)
	wantErr(t, err, CodePolicyTypeAlreadyEnabled, "")
	_, err = e.s.EnablePolicyType(e.ctx, e.mgmt, "r-zzzz", PolicyTypeSCP, nil)
	wantErr(t, err, CodeRootNotFound, "")
	targets, err := e.s.ListTargetsForPolicy(e.ctx, e.mgmt, idRCPFullAWSAccess, Page{})
	e.ok(err)
	got := map[string]string{}
	for _, tg := range targets.Items {
		got[tg.TargetID] = tg.Type + " " + tg.Name + " " + tg.ARN
	}
	want := map[string]string{
		e.root: "ROOT Root " + RootARN(e.mgmt, e.org.ID, e.root),
		ou:     "ORGANIZATIONAL_UNIT Prod " + OUARN(e.mgmt, e.org.ID, ou),
		a:      "ACCOUNT a " + AccountARN(e.mgmt, e.org.ID, a),
		e.mgmt: "ACCOUNT management " + AccountARN(e.mgmt, e.org.ID, e.mgmt),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("targets of RCPFullAWSAccess = %v, want %v", got, want)
	}
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, rcp, ou, nil))
	wantErr(t, e.s.DetachPolicy(e.ctx, e.mgmt, idRCPFullAWSAccess, ou, nil), CodeInvalidInput, ReasonNonDetachablePolicy)
	e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, rcp, ou, nil))
	wantErr(t, e.s.DetachPolicy(e.ctx, e.mgmt, rcp, ou, nil), CodePolicyNotAttached, "")

	// Five SCPs per target, FullAWSAccess included.
	var extra []string
	for i := range 4 {
		id := e.policy(PolicyTypeSCP, fmt.Sprintf("s%d", i), scpDeny("ec2:*"))
		extra = append(extra, id)
		e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, id, ou, nil))
	}
	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, scp, ou, nil), CodeConstraintViolation, ReasonMaxPolicyTypeAttachment)
	// The quota is per type: RCPs still attach.
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, rcp, ou, nil))
	ps, err := e.s.ListPoliciesForTarget(e.ctx, e.mgmt, ou, PolicyTypeSCP, Page{})
	e.ok(err)
	if len(ps.Items) != 5 {
		t.Errorf("SCPs of the OU: %d", len(ps.Items))
	}

	// At least one SCP stays: FullAWSAccess may go while others remain.
	e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, idFullAWSAccess, ou, nil))
	for _, id := range extra[:3] {
		e.ok(e.s.DetachPolicy(e.ctx, e.mgmt, id, ou, nil))
	}
	wantErr(t, e.s.DetachPolicy(e.ctx, e.mgmt, extra[3], ou, nil), CodeConstraintViolation, ReasonMinPolicyTypeAttachment)
	wantErr(t, e.s.DetachPolicy(e.ctx, e.mgmt, idFullAWSAccess, a, nil), CodeConstraintViolation, ReasonMinPolicyTypeAttachment)

	// Disabling a type detaches its policies everywhere; they remain.
	_, err = e.s.DisablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeRCP, nil)
	e.ok(err)
	_, err = e.s.DisablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeRCP, nil)
	wantErr(t, err, CodePolicyTypeNotEnabled, "")
	for _, id := range []string{idRCPFullAWSAccess, rcp} {
		ts, err := e.s.ListTargetsForPolicy(e.ctx, e.mgmt, id, Page{})
		e.ok(err)
		if len(ts.Items) != 0 {
			t.Errorf("targets of %s after DisablePolicyType = %+v", id, ts.Items)
		}
	}
	if _, err := e.s.DescribePolicy(e.ctx, e.mgmt, rcp); err != nil {
		t.Error(err)
	}
	// Disabling and enabling SCPs again leaves FullAWSAccess alone on
	// every target.
	_, err = e.s.DisablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeSCP, nil)
	e.ok(err)
	wantErr(t, e.s.AttachPolicy(e.ctx, e.mgmt, scp, a, nil), CodePolicyTypeNotEnabled, "")
	_, err = e.s.EnablePolicyType(e.ctx, e.mgmt, e.root, PolicyTypeSCP, nil)
	e.ok(err)
	for _, target := range []string{e.root, ou, a, e.mgmt} {
		ps, err := e.s.ListPoliciesForTarget(e.ctx, e.mgmt, target, PolicyTypeSCP, Page{})
		e.ok(err)
		if len(ps.Items) != 1 || ps.Items[0].ID != idFullAWSAccess {
			t.Errorf("SCPs of %s = %+v", target, ps.Items)
		}
	}
}

// Listings page by MaxResults (1 to 20) and NextToken.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html
func TestPagination(t *testing.T) {
	e := newEnv(t)
	want := map[string]bool{idFullAWSAccess: true}
	for i := range 24 {
		want[e.policy(PolicyTypeSCP, fmt.Sprintf("p%02d", i), scpDeny("s3:*"))] = true
	}
	got := map[string]bool{}
	pages := 0
	for p := (Page{MaxResults: 7}); ; {
		lp, err := e.s.ListPolicies(e.ctx, e.mgmt, PolicyTypeSCP, p)
		e.ok(err)
		pages++
		for _, it := range lp.Items {
			if got[it.ID] {
				t.Errorf("%s listed twice", it.ID)
			}
			got[it.ID] = true
		}
		if lp.NextToken == "" {
			break
		}
		p.NextToken = lp.NextToken
	}
	if len(got) != len(want) || pages != 4 {
		t.Errorf("listed %d policies in %d pages, want %d in 4", len(got), pages, len(want))
	}
	first, err := e.s.ListPolicies(e.ctx, e.mgmt, PolicyTypeSCP, Page{})
	e.ok(err)
	if len(first.Items) != 20 || first.NextToken == "" {
		t.Errorf("default page: %d items, token %q", len(first.Items), first.NextToken)
	}
	for _, tc := range []struct {
		p      Page
		reason string
	}{
		{Page{MaxResults: 21}, ReasonMaxValueExceeded},
		{Page{MaxResults: -1}, ReasonMinValueExceeded},
		{Page{NextToken: "!!"}, ReasonInvalidNextToken},
	} {
		_, err := e.s.ListPolicies(e.ctx, e.mgmt, PolicyTypeSCP, tc.p)
		wantErr(t, err, CodeInvalidInput, tc.reason)
	}
}

// Tags on the root, OUs, accounts and policies.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_TagResource.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UntagResource.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTagsForResource.html
func TestTags(t *testing.T) {
	e := newEnv(t)
	ou := e.ou(e.root, "Prod")
	p := e.policy(PolicyTypeSCP, "DenyS3", scpDeny("s3:*"))
	for _, id := range []string{e.root, ou, e.mgmt, p} {
		e.ok(e.s.TagResource(e.ctx, e.mgmt, id, []Tag{{"a", "1"}, {"b", "2"}}, nil))
		e.ok(e.s.TagResource(e.ctx, e.mgmt, id, []Tag{{"a", "3"}, {"A", "4"}}, nil))
		e.ok(e.s.UntagResource(e.ctx, e.mgmt, id, []string{"b", "missing"}, nil))
		tags, err := e.s.ListTagsForResource(e.ctx, e.mgmt, id, Page{})
		e.ok(err)
		if fmt.Sprint(tags.Items) != "[{a 3} {A 4}]" {
			t.Errorf("tags of %s = %v", id, tags.Items)
		}
	}
	wantErr(t, e.s.TagResource(e.ctx, e.mgmt, idFullAWSAccess, []Tag{{"a", "1"}}, nil), CodeInvalidInput, ReasonImmutablePolicy)
	wantErr(t, e.s.TagResource(e.ctx, e.mgmt, "999999999999", []Tag{{"a", "1"}}, nil), CodeTargetNotFound, "")
	wantErr(t, e.s.TagResource(e.ctx, e.mgmt, "p-zzzzzzzz", []Tag{{"a", "1"}}, nil), CodeTargetNotFound, "")
	wantErr(t, e.s.TagResource(e.ctx, e.mgmt, "x", []Tag{{"a", "1"}}, nil), CodeInvalidInput, ReasonInvalidPattern)
	wantErr(t, e.s.TagResource(e.ctx, e.mgmt, ou, nil, nil), CodeInvalidInput, ReasonInputRequired)
	wantErr(t, e.s.TagResource(e.ctx, e.mgmt, ou, []Tag{{"aws:x", "1"}}, nil), CodeInvalidInput, ReasonInvalidSystemTags)
	// 50 tags per resource.
	var many []Tag
	for i := range 48 {
		many = append(many, Tag{fmt.Sprintf("k%d", i), ""})
	}
	e.ok(e.s.TagResource(e.ctx, e.mgmt, ou, many, nil))
	wantErr(t, e.s.TagResource(e.ctx, e.mgmt, ou, []Tag{{"one", ""}, {"two", ""}, {"three", ""}}, nil), CodeConstraintViolation, ReasonMaxTagLimitExceeded)
	tags, err := e.s.ListTagsForResource(e.ctx, e.mgmt, ou, Page{MaxResults: 20})
	e.ok(err)
	n := len(tags.Items)
	for tags.NextToken != "" {
		tags, err = e.s.ListTagsForResource(e.ctx, e.mgmt, ou, Page{MaxResults: 20, NextToken: tags.NextToken})
		e.ok(err)
		n += len(tags.Items)
	}
	if n != 50 {
		t.Errorf("%d tags listed, want 50", n)
	}
}
