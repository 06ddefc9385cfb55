package iam

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// bigPolicy returns an identity policy of exactly n characters without
// white space, padded in its Sid.
func bigPolicy(t testing.TB, n int) string {
	t.Helper()
	base := `{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	if n < len(base) {
		t.Fatalf("policy of %d characters is too small", n)
	}
	return strings.Replace(base, `"Sid":""`, `"Sid":"`+strings.Repeat("a", n-len(base))+`"`, 1)
}

// Managed policy versions: CreatePolicyVersion (at most five),
// SetDefaultPolicyVersion, DeletePolicyVersion, ListPolicyVersions,
// DeletePolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
func TestPolicyVersions(t *testing.T) {
	e := newEnv(t)
	p := e.policy("P", allow("s3:GetObject", "*"))
	if p.DefaultVersionID != "v1" || p.AttachmentCount != 0 || !p.IsAttachable {
		t.Fatalf("policy = %+v", p)
	}
	_, err := e.s.CreatePolicy(e.ctx, acct, CreatePolicyInput{PolicyName: "p", PolicyDocument: allow("s3:*", "*")}, nil)
	wantErr(t, err, CodeEntityAlreadyExists, "A policy called p already exists. Duplicate names are not allowed.")

	for i := 2; i <= 5; i++ {
		e.clock.Advance(60e9)
		v, err := e.s.CreatePolicyVersion(e.ctx, acct, p.ARN, allow(fmt.Sprintf("s3:Get%d", i), "*"), i == 3, nil)
		e.ok(err)
		if v.VersionID != fmt.Sprintf("v%d", i) || v.IsDefaultVersion != (i == 3) || v.Document != "" {
			t.Errorf("version %d = %+v", i, v)
		}
	}
	_, err = e.s.CreatePolicyVersion(e.ctx, acct, p.ARN, allow("s3:*", "*"), false, nil)
	wantErr(t, err, CodeLimitExceeded, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

	got, err := e.s.GetPolicy(e.ctx, acct, p.ARN)
	e.ok(err)
	if got.DefaultVersionID != "v3" || !got.UpdateDate.After(got.CreateDate) {
		t.Errorf("GetPolicy = %+v", got)
	}
	wantErr(t, e.s.DeletePolicyVersion(e.ctx, acct, p.ARN, "v3", nil), CodeDeleteConflict, "Cannot delete the default version of a policy.")
	wantErr(t, e.s.DeletePolicyVersion(e.ctx, acct, p.ARN, "v9", nil), CodeNoSuchEntity,
		"Policy arn:aws:iam::123456789012:policy/P version v9 does not exist or is not attachable.")
	wantErr(t, e.s.DeletePolicyVersion(e.ctx, acct, p.ARN, "1", nil), CodeValidationError, "")
	e.ok(e.s.DeletePolicyVersion(e.ctx, acct, p.ARN, "v2", nil))
	v, err := e.s.CreatePolicyVersion(e.ctx, acct, p.ARN, allow("s3:*", "*"), false, nil)
	e.ok(err)
	if v.VersionID != "v6" {
		t.Errorf("version ids are not reused: got %s", v.VersionID)
	}
	e.ok(e.s.SetDefaultPolicyVersion(e.ctx, acct, p.ARN, "v6", nil))
	wantErr(t, e.s.SetDefaultPolicyVersion(e.ctx, acct, p.ARN, "v2", nil), CodeNoSuchEntity, "...does not exist or is not attachable.")
	pv, err := e.s.GetPolicyVersion(e.ctx, acct, p.ARN, "v6")
	e.ok(err)
	if !pv.IsDefaultVersion || pv.Document != allow("s3:*", "*") {
		t.Errorf("GetPolicyVersion = %+v", pv)
	}
	vs, err := e.s.ListPolicyVersions(e.ctx, acct, p.ARN, Page{})
	e.ok(err)
	var ids []string
	for _, v := range vs.Items {
		ids = append(ids, v.VersionID)
		if v.Document != "" {
			t.Error("ListPolicyVersions returned a document")
		}
	}
	if strings.Join(ids, ",") != "v6,v5,v4,v3,v1" {
		t.Errorf("versions = %v", ids)
	}

	wantErr(t, e.s.DeletePolicy(e.ctx, acct, p.ARN, nil), CodeDeleteConflict,
		"This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	for _, id := range []string{"v1", "v3", "v4", "v5"} {
		e.ok(e.s.DeletePolicyVersion(e.ctx, acct, p.ARN, id, nil))
	}
	e.user("u")
	e.ok(e.s.AttachUserPolicy(e.ctx, acct, "u", p.ARN, nil))
	wantErr(t, e.s.DeletePolicy(e.ctx, acct, p.ARN, nil), CodeDeleteConflict, "Cannot delete a policy attached to entities.")
	e.ok(e.s.DetachUserPolicy(e.ctx, acct, "u", p.ARN, nil))
	e.ok(e.s.PutUserPermissionsBoundary(e.ctx, acct, "u", p.ARN, nil))
	wantErr(t, e.s.DeletePolicy(e.ctx, acct, p.ARN, nil), CodeDeleteConflict, "Cannot delete a policy attached to entities.")
	e.ok(e.s.DeleteUserPermissionsBoundary(e.ctx, acct, "u", nil))
	e.ok(e.s.DeletePolicy(e.ctx, acct, p.ARN, nil))
	_, err = e.s.GetPolicy(e.ctx, acct, p.ARN)
	wantErr(t, err, CodeNoSuchEntity, "Policy arn:aws:iam::123456789012:policy/P was not found.")
}

// Managed policy documents: identity-policy grammar, 6,144 characters not
// counting white space ("Managed policy character size" in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func TestCreatePolicyDocuments(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		code string
		msg  string
	}{
		{"6144 characters", bigPolicy(t, 6144), "", ""},
		{"6145 characters", bigPolicy(t, 6145), CodeLimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
		{"white space is not counted", strings.Replace(bigPolicy(t, 6144), ",", ",     \n\t", -1), "", ""},
		{"principal in identity policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`,
			CodeMalformedPolicyDocument, "Policy document should not specify a principal."},
		{"no statement", `{"Version":"2012-10-17"}`, CodeMalformedPolicyDocument, "Missing required field Statement."},
		{"bad action", allow("s3", "*"), CodeMalformedPolicyDocument, "Actions/Conditions must be prefaced by a vendor..."},
		{"empty", "", CodeValidationError, ""},
	}
	e := newEnv(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s.CreatePolicy(e.ctx, acct, CreatePolicyInput{PolicyName: fmt.Sprintf("p%d", i), PolicyDocument: tt.doc}, nil)
			if tt.code == "" {
				e.ok(err)
				return
			}
			wantErr(t, err, tt.code, tt.msg)
		})
	}
	// Policy paths are stricter than entity paths (policyPathType).
	_, err := e.s.CreatePolicy(e.ctx, acct, CreatePolicyInput{PolicyName: "pp", Path: "/a b/", PolicyDocument: allow("s3:*", "*")}, nil)
	wantErr(t, err, CodeValidationError, "")
	p, err := e.s.CreatePolicy(e.ctx, acct, CreatePolicyInput{PolicyName: "pp", Path: "/team/x/", PolicyDocument: allow("s3:*", "*"), Description: "d"}, nil)
	e.ok(err)
	if p.ARN != "arn:aws:iam::123456789012:policy/team/x/pp" || p.Path != "/team/x/" || p.Description != "d" {
		t.Errorf("policy = %+v", p)
	}
	if _, err := e.s.GetPolicy(e.ctx, acct, "arn:aws:iam::123456789012:policy/pp"); ErrorCode(err) != CodeNoSuchEntity {
		t.Errorf("a policy ARN with the wrong path resolves: %v", err)
	}
}

// AWS managed policies come from the catalog: readable, listable with
// Scope=AWS, attachable, not changeable.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
func TestAWSManagedPolicies(t *testing.T) {
	e := newEnv(t)
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	p, err := e.s.GetPolicy(e.ctx, acct, admin)
	e.ok(err)
	if p.PolicyName != "AdministratorAccess" || p.DefaultVersionID != "v1" || !p.AWSManaged || !strings.HasPrefix(p.PolicyID, "ANPA") || len(p.PolicyID) != 21 {
		t.Errorf("GetPolicy = %+v", p)
	}
	v, err := e.s.GetPolicyVersion(e.ctx, acct, admin, "v1")
	e.ok(err)
	if !strings.Contains(v.Document, `"Action": "*"`) && !strings.Contains(v.Document, `"Action":"*"`) {
		t.Errorf("document = %s", v.Document)
	}
	all, err := e.s.ListPolicies(e.ctx, acct, ListPoliciesInput{Scope: ScopeAWS})
	e.ok(err)
	names := map[string]Policy{}
	for _, p := range all.Items {
		names[p.PolicyName] = p
	}
	svc, ok := names["AWSCleanRoomsServiceRolePolicy"]
	if !ok || len(all.Items) < 9 {
		t.Fatalf("Scope=AWS lists %d policies: %v", len(all.Items), names)
	}
	if svc.Path == "/" || !strings.HasPrefix(svc.ARN, "arn:aws:iam::aws:policy"+svc.Path) {
		t.Errorf("service role policy path/ARN = %q %q", svc.Path, svc.ARN)
	}
	full, err := e.s.ListPolicyVersions(e.ctx, acct, "arn:aws:iam::aws:policy/AWSCleanRoomsFullAccessNoQuerying", Page{})
	e.ok(err)
	if len(full.Items) < 2 || !full.Items[0].IsDefaultVersion {
		t.Errorf("versions of an AWS policy with history = %+v", full.Items)
	}

	e.user("u")
	e.policy("Mine", allow("s3:*", "*"))
	e.ok(e.s.AttachUserPolicy(e.ctx, acct, "u", admin, nil))
	p, err = e.s.GetPolicy(e.ctx, acct, admin)
	e.ok(err)
	if p.AttachmentCount != 1 {
		t.Errorf("AttachmentCount = %d", p.AttachmentCount)
	}
	// Counts are per account.
	if p2, _ := e.s.GetPolicy(e.ctx, "210987654321", admin); p2 == nil || p2.AttachmentCount != 0 {
		t.Errorf("other account sees attachment: %+v", p2)
	}
	local, err := e.s.ListPolicies(e.ctx, acct, ListPoliciesInput{Scope: ScopeLocal})
	e.ok(err)
	if len(local.Items) != 1 || local.Items[0].PolicyName != "Mine" {
		t.Errorf("Scope=Local = %+v", local.Items)
	}
	attached, err := e.s.ListPolicies(e.ctx, acct, ListPoliciesInput{OnlyAttached: true})
	e.ok(err)
	if len(attached.Items) != 1 || attached.Items[0].ARN != admin {
		t.Errorf("OnlyAttached = %+v", attached.Items)
	}
	_, err = e.s.ListPolicies(e.ctx, acct, ListPoliciesInput{Scope: "Mine"})
	wantErr(t, err, CodeValidationError, "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]")

	_, err = e.s.CreatePolicyVersion(e.ctx, acct, admin, allow("s3:*", "*"), true, nil)
	wantErr(t, err, CodeUnmodifiableEntity, "")
	wantErr(t, e.s.DeletePolicy(e.ctx, acct, admin, nil), CodeUnmodifiableEntity, "")
	wantErr(t, e.s.TagPolicy(e.ctx, acct, admin, []Tag{{"a", "b"}}, nil), CodeUnmodifiableEntity, "")
	_, err = e.s.GetPolicy(e.ctx, acct, "arn:aws:iam::aws:policy/NoSuchPolicy")
	wantErr(t, err, CodeNoSuchEntity, "Policy arn:aws:iam::aws:policy/NoSuchPolicy was not found.")
}

// Inline policies: Put/Get/List/Delete for users, groups and roles, and the
// aggregate size quotas (user 2,048, group 5,120, role 10,240 characters).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html
func TestInlinePolicies(t *testing.T) {
	tests := []struct {
		kind  entityKind
		limit int
		put   func(e *env, name, doc string) error
	}{
		{kindOfUser, 2048, func(e *env, n, d string) error { return e.s.PutUserPolicy(e.ctx, acct, "x", n, d, nil) }},
		{kindOfGroup, 5120, func(e *env, n, d string) error { return e.s.PutGroupPolicy(e.ctx, acct, "x", n, d, nil) }},
		{kindOfRole, 10240, func(e *env, n, d string) error { return e.s.PutRolePolicy(e.ctx, acct, "x", n, d, nil) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			e := newEnv(t)
			switch tt.kind {
			case kindOfUser:
				e.user("x")
			case kindOfGroup:
				e.group("x")
			default:
				e.role("x")
			}
			half := tt.limit / 2
			e.ok(tt.put(e, "a", bigPolicy(t, half)))
			e.ok(tt.put(e, "b", bigPolicy(t, tt.limit-half)))
			// Replacing a policy counts its new size, not both.
			e.ok(tt.put(e, "b", bigPolicy(t, tt.limit-half)))
			err := tt.put(e, "c", bigPolicy(t, 200))
			wantErr(t, err, CodeLimitExceeded, fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s x", tt.limit, tt.kind))
			wantErr(t, tt.put(e, "d", `{"Statement":[]}`), CodeMalformedPolicyDocument, "")
			wantErr(t, tt.put(e, "bad name!", allow("s3:*", "*")), CodeValidationError, "")
		})
	}
	e := newEnv(t)
	e.user("u")
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "u", "zeta", allow("s3:*", "*"), nil))
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "u", "alpha", allow("sqs:*", "*"), nil))
	names, err := e.s.ListUserPolicies(e.ctx, acct, "u", Page{})
	e.ok(err)
	if strings.Join(names.Items, ",") != "alpha,zeta" {
		t.Errorf("ListUserPolicies = %v", names.Items)
	}
	got, err := e.s.GetUserPolicy(e.ctx, acct, "U", "alpha")
	e.ok(err)
	if got.EntityName != "u" || got.Document != allow("sqs:*", "*") {
		t.Errorf("GetUserPolicy = %+v", got)
	}
	_, err = e.s.GetUserPolicy(e.ctx, acct, "u", "beta")
	wantErr(t, err, CodeNoSuchEntity, "The user policy with name beta cannot be found.")
	e.role("r")
	_, err = e.s.GetRolePolicy(e.ctx, acct, "r", "beta")
	wantErr(t, err, CodeNoSuchEntity, "The role policy with name beta cannot be found.")
	wantErr(t, e.s.DeleteUserPolicy(e.ctx, acct, "u", "beta", nil), CodeNoSuchEntity, "The user policy with name beta cannot be found.")
	e.ok(e.s.DeleteUserPolicy(e.ctx, acct, "u", "alpha", nil))
	wantErr(t, e.s.PutUserPolicy(e.ctx, acct, "nobody", "p", allow("s3:*", "*"), nil), CodeNoSuchEntity, "The user with name nobody cannot be found.")
}

// Managed policies per user, group and role: 10 ("Cannot exceed quota for
// PoliciesPerUser: 10"); attaching a missing policy is NoSuchEntity "does
// not exist or is not attachable"; detaching one not attached "was not
// found". https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html
func TestAttachQuotas(t *testing.T) {
	tests := []struct {
		kind   entityKind
		quota  string
		attach func(e *env, arn string) error
		detach func(e *env, arn string) error
		list   func(e *env, prefix string) (ListPage[AttachedPolicy], error)
	}{
		{kindOfUser, "PoliciesPerUser",
			func(e *env, arn string) error { return e.s.AttachUserPolicy(e.ctx, acct, "x", arn, nil) },
			func(e *env, arn string) error { return e.s.DetachUserPolicy(e.ctx, acct, "x", arn, nil) },
			func(e *env, p string) (ListPage[AttachedPolicy], error) {
				return e.s.ListAttachedUserPolicies(e.ctx, acct, "x", p, Page{})
			}},
		{kindOfGroup, "PoliciesPerGroup",
			func(e *env, arn string) error { return e.s.AttachGroupPolicy(e.ctx, acct, "x", arn, nil) },
			func(e *env, arn string) error { return e.s.DetachGroupPolicy(e.ctx, acct, "x", arn, nil) },
			func(e *env, p string) (ListPage[AttachedPolicy], error) {
				return e.s.ListAttachedGroupPolicies(e.ctx, acct, "x", p, Page{})
			}},
		{kindOfRole, "PoliciesPerRole",
			func(e *env, arn string) error { return e.s.AttachRolePolicy(e.ctx, acct, "x", arn, nil) },
			func(e *env, arn string) error { return e.s.DetachRolePolicy(e.ctx, acct, "x", arn, nil) },
			func(e *env, p string) (ListPage[AttachedPolicy], error) {
				return e.s.ListAttachedRolePolicies(e.ctx, acct, "x", p, Page{})
			}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			e := newEnv(t)
			switch tt.kind {
			case kindOfUser:
				e.user("x")
			case kindOfGroup:
				e.group("x")
			default:
				e.role("x")
			}
			var arns []string
			for i := 0; i < 11; i++ {
				path := "/"
				if i%2 == 1 {
					path = "/odd/"
				}
				p, err := e.s.CreatePolicy(e.ctx, acct, CreatePolicyInput{PolicyName: fmt.Sprintf("p%02d", i), Path: path, PolicyDocument: allow("s3:*", "*")}, nil)
				e.ok(err)
				arns = append(arns, p.ARN)
			}
			for _, arn := range arns[:10] {
				e.ok(tt.attach(e, arn))
			}
			e.ok(tt.attach(e, arns[0])) // already attached: no change, no quota
			wantErr(t, tt.attach(e, arns[10]), CodeLimitExceeded, "Cannot exceed quota for "+tt.quota+": 10")
			odd, err := tt.list(e, "/odd/")
			e.ok(err)
			if len(odd.Items) != 5 || odd.Items[0].PolicyName != "p01" || odd.Items[0].PolicyARN != arns[1] {
				t.Errorf("attached under /odd/ = %+v", odd.Items)
			}
			missing := "arn:aws:iam::123456789012:policy/missing"
			e.ok(tt.detach(e, arns[0]))
			wantErr(t, tt.attach(e, missing), CodeNoSuchEntity, "Policy "+missing+" does not exist or is not attachable.")
			wantErr(t, tt.attach(e, "arn:aws:iam::210987654321:policy/p00"), CodeNoSuchEntity, "...does not exist or is not attachable.")
			wantErr(t, tt.detach(e, arns[0]), CodeNoSuchEntity, "Policy "+arns[0]+" was not found.")
			e.ok(tt.attach(e, arns[10]))
		})
	}
}

// The per-user quota holds under concurrency: of 20 concurrent attachments
// to one user, exactly 10 succeed (store.Update is serializable).
func TestConcurrentAttachKeepsQuota(t *testing.T) {
	e := newEnv(t)
	e.user("u")
	var arns []string
	for i := 0; i < 20; i++ {
		arns = append(arns, e.policy(fmt.Sprintf("p%d", i), allow("s3:*", "*")).ARN)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(arns))
	for i, arn := range arns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.s.AttachUserPolicy(e.ctx, acct, "u", arn, nil)
		}()
	}
	wg.Wait()
	ok, limited := 0, 0
	for _, err := range errs {
		switch ErrorCode(err) {
		case "":
			if err != nil {
				t.Fatal(err)
			}
			ok++
		case CodeLimitExceeded:
			limited++
		default:
			t.Fatal(err)
		}
	}
	got, err := e.s.ListAttachedUserPolicies(e.ctx, acct, "u", "", Page{})
	e.ok(err)
	if ok != 10 || limited != 10 || len(got.Items) != 10 {
		t.Errorf("succeeded %d, limited %d, attached %d; want 10, 10, 10", ok, limited, len(got.Items))
	}
}

// ListEntitiesForPolicy with filters.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html
func TestListEntitiesForPolicy(t *testing.T) {
	e := newEnv(t)
	p := e.policy("P", allow("s3:*", "*"))
	e.user("u1")
	e.user("u2")
	e.group("g")
	e.role("r")
	e.ok(e.s.AttachUserPolicy(e.ctx, acct, "u1", p.ARN, nil))
	e.ok(e.s.AttachGroupPolicy(e.ctx, acct, "g", p.ARN, nil))
	e.ok(e.s.AttachRolePolicy(e.ctx, acct, "r", p.ARN, nil))
	e.ok(e.s.PutUserPermissionsBoundary(e.ctx, acct, "u2", p.ARN, nil))
	all, err := e.s.ListEntitiesForPolicy(e.ctx, acct, ListEntitiesForPolicyInput{PolicyARN: p.ARN})
	e.ok(err)
	if len(all.PolicyUsers) != 2 || len(all.PolicyGroups) != 1 || len(all.PolicyRoles) != 1 {
		t.Errorf("all = %+v", all)
	}
	attachedOnly, err := e.s.ListEntitiesForPolicy(e.ctx, acct, ListEntitiesForPolicyInput{PolicyARN: p.ARN, PolicyUsageFilter: UsagePermissionsPolicy, EntityFilter: EntityUser})
	e.ok(err)
	if len(attachedOnly.PolicyUsers) != 1 || attachedOnly.PolicyUsers[0].Name != "u1" || len(attachedOnly.PolicyRoles) != 0 {
		t.Errorf("users attached = %+v", attachedOnly)
	}
	paged, err := e.s.ListEntitiesForPolicy(e.ctx, acct, ListEntitiesForPolicyInput{PolicyARN: p.ARN, Page: Page{MaxItems: 3}})
	e.ok(err)
	rest, err := e.s.ListEntitiesForPolicy(e.ctx, acct, ListEntitiesForPolicyInput{PolicyARN: p.ARN, Page: Page{Marker: paged.Marker}})
	e.ok(err)
	n := len(paged.PolicyUsers) + len(paged.PolicyGroups) + len(paged.PolicyRoles)
	m := len(rest.PolicyUsers) + len(rest.PolicyGroups) + len(rest.PolicyRoles)
	if !paged.IsTruncated || n != 3 || m != 1 || rest.IsTruncated {
		t.Errorf("pages: %d then %d", n, m)
	}
	pol, err := e.s.GetPolicy(e.ctx, acct, p.ARN)
	e.ok(err)
	if pol.AttachmentCount != 3 || pol.PermissionsBoundaryUsageCount != 1 {
		t.Errorf("counts = %d, %d", pol.AttachmentCount, pol.PermissionsBoundaryUsageCount)
	}
}

// Tags on users, roles and policies: at most 50, keys unique without regard
// to case, TagX replaces values, UntagX ignores absent keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
func TestTags(t *testing.T) {
	e := newEnv(t)
	e.user("u")
	e.role("r")
	p := e.policy("p", allow("s3:*", "*"))
	type ops struct {
		tag   func([]Tag) error
		untag func([]string) error
		list  func(Page) (ListPage[Tag], error)
	}
	for name, o := range map[string]ops{
		"user": {
			func(t []Tag) error { return e.s.TagUser(e.ctx, acct, "u", t, nil) },
			func(k []string) error { return e.s.UntagUser(e.ctx, acct, "u", k, nil) },
			func(p Page) (ListPage[Tag], error) { return e.s.ListUserTags(e.ctx, acct, "u", p) },
		},
		"role": {
			func(t []Tag) error { return e.s.TagRole(e.ctx, acct, "r", t, nil) },
			func(k []string) error { return e.s.UntagRole(e.ctx, acct, "r", k, nil) },
			func(p Page) (ListPage[Tag], error) { return e.s.ListRoleTags(e.ctx, acct, "r", p) },
		},
		"policy": {
			func(t []Tag) error { return e.s.TagPolicy(e.ctx, acct, p.ARN, t, nil) },
			func(k []string) error { return e.s.UntagPolicy(e.ctx, acct, p.ARN, k, nil) },
			func(pg Page) (ListPage[Tag], error) { return e.s.ListPolicyTags(e.ctx, acct, p.ARN, pg) },
		},
	} {
		t.Run(name, func(t *testing.T) {
			e.ok(o.tag([]Tag{{"Team", "a"}, {"env", "dev"}}))
			e.ok(o.tag([]Tag{{"team", "b"}}))
			got, err := o.list(Page{})
			e.ok(err)
			if len(got.Items) != 2 || got.Items[0] != (Tag{"team", "b"}) || got.Items[1] != (Tag{"env", "dev"}) {
				t.Errorf("tags = %+v", got.Items)
			}
			wantErr(t, o.tag([]Tag{{"x", "1"}, {"X", "2"}}), CodeInvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			e.ok(o.tag(manyTags(48)))
			wantErr(t, o.tag([]Tag{{"one", "more"}}), CodeLimitExceeded, "")
			e.ok(o.untag([]string{"TEAM", "absent"}))
			page, err := o.list(Page{MaxItems: 10})
			e.ok(err)
			if len(page.Items) != 10 || !page.IsTruncated {
				t.Errorf("page = %d items, truncated %v", len(page.Items), page.IsTruncated)
			}
			e.ok(o.untag([]string{"env"}))
			for _, tg := range manyTags(48) {
				e.ok(o.untag([]string{tg.Key}))
			}
			got, err = o.list(Page{})
			e.ok(err)
			if len(got.Items) != 0 {
				t.Errorf("tags left: %+v", got.Items)
			}
		})
	}
}

// Permissions boundaries: Put/Delete for users and roles; the policy must
// exist. https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html
func TestPermissionsBoundaries(t *testing.T) {
	e := newEnv(t)
	e.role("r")
	p := e.policy("b", allow("s3:*", "*"))
	wantErr(t, e.s.PutRolePermissionsBoundary(e.ctx, acct, "r", "arn:aws:iam::123456789012:policy/none", nil), CodeNoSuchEntity,
		"Policy arn:aws:iam::123456789012:policy/none does not exist or is not attachable.")
	wantErr(t, e.s.PutRolePermissionsBoundary(e.ctx, acct, "nope", p.ARN, nil), CodeNoSuchEntity, "The role with name nope cannot be found.")
	e.ok(e.s.PutRolePermissionsBoundary(e.ctx, acct, "r", p.ARN, nil))
	e.ok(e.s.PutRolePermissionsBoundary(e.ctx, acct, "r", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	if pol, _ := e.s.GetPolicy(e.ctx, acct, p.ARN); pol.PermissionsBoundaryUsageCount != 0 {
		t.Errorf("replaced boundary still counted: %d", pol.PermissionsBoundaryUsageCount)
	}
	r, err := e.s.GetRole(e.ctx, acct, "r")
	e.ok(err)
	if r.PermissionsBoundary != "arn:aws:iam::aws:policy/IAMReadOnlyAccess" {
		t.Errorf("boundary = %q", r.PermissionsBoundary)
	}
	pp, err := e.s.IdentityPolicies(e.ctx, acct, r.ARN)
	e.ok(err)
	if len(pp.Boundary) != 1 || pp.Boundary[0].Name != "arn:aws:iam::aws:policy/IAMReadOnlyAccess" {
		t.Errorf("compiled boundary = %+v", pp.Boundary)
	}
	e.ok(e.s.DeleteRolePermissionsBoundary(e.ctx, acct, "r", nil))
	r, err = e.s.GetRole(e.ctx, acct, "r")
	e.ok(err)
	if r.PermissionsBoundary != "" {
		t.Errorf("boundary after delete = %q", r.PermissionsBoundary)
	}
}
