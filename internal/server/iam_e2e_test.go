package server_test

// End-to-end tests of IAM through the server with the AWS SDK for Go v2:
// each operation's good and bad paths, and the permissions that IAM's
// policies grant to the principals calling it. The expected errors and
// messages are those of the IAM API Reference's pages for each action
// (https://docs.aws.amazon.com/IAM/latest/APIReference/) and of the IAM User
// Guide's "Troubleshoot access denied error messages"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// must takes a call's results and returns a function that returns its
// value, failing the test on its error: must(c.GetUser(ctx, in))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// doc builds a policy document from statements.
func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func allow(action, resource string) string {
	return `{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}`
}

func deny(action, resource string) string {
	return `{"Effect":"Deny","Action":"` + action + `","Resource":"` + resource + `"}`
}

// decodeDoc decodes a policy document as IAM returns it (URL-encoded).
func decodeDoc(t *testing.T, s *string) string {
	t.Helper()
	d, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("policy document not URL-encoded: %v", err)
	}
	return d
}

// denied is AWS's message for an implicit denial by the absence of an
// allowing policy of the given kind ("identity-based policy", "permissions
// boundary", "session policy").
func denied(who, action, resource, kind string) string {
	return "User: " + who + " is not authorized to perform: " + action + " on resource: " + resource + " because no " + kind + " allows the " + action + " action"
}

// explicitlyDenied is AWS's message for an explicit deny.
func explicitlyDenied(who, action, resource, kind string) string {
	return "User: " + who + " is not authorized to perform: " + action + " on resource: " + resource + " with an explicit deny in " + kind
}

func (e *e2e) userARN(name string) string   { return "arn:aws:iam::" + e.acct + ":user/" + name }
func (e *e2e) roleARN(name string) string   { return "arn:aws:iam::" + e.acct + ":role/" + name }
func (e *e2e) policyARN(name string) string { return "arn:aws:iam::" + e.acct + ":policy/" + name }

const adminARN = "arn:aws:iam::aws:policy/AdministratorAccess"

func TestIAMUsers(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)

	for i := range 7 {
		path := "/eng/"
		if i%2 == 1 {
			path = "/ops/"
		}
		out := must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%d", i)), Path: aws.String(path),
			Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String(strings.Trim(path, "/"))}}}))(t)
		u := out.User
		if aws.ToString(u.Arn) != "arn:aws:iam::"+e.acct+":user"+path+fmt.Sprintf("u%d", i) || !strings.HasPrefix(aws.ToString(u.UserId), "AIDA") || aws.ToString(u.Path) != path {
			t.Fatalf("CreateUser: %+v", u)
		}
	}
	got := must(c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u2")}))(t)
	if aws.ToString(got.User.UserName) != "u2" || len(got.User.Tags) != 1 || aws.ToString(got.User.Tags[0].Value) != "eng" {
		t.Fatalf("GetUser: %+v", got.User)
	}

	// Path prefix and pagination.
	var names []string
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{PathPrefix: aws.String("/eng/"), MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page := must(p.NextPage(ctx))(t)
		pages++
		if len(page.Users) > 2 {
			t.Fatalf("page of %d users with MaxItems 2", len(page.Users))
		}
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if want := []string{"u0", "u2", "u4", "u6"}; !slices.Equal(names, want) || pages != 2 {
		t.Fatalf("ListUsers /eng/: %v in %d pages, want %v in 2", names, pages, want)
	}
	first := must(c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(3)}))(t)
	if !first.IsTruncated || first.Marker == nil || len(first.Users) != 3 {
		t.Fatalf("ListUsers MaxItems 3: truncated %v marker %v, %d users", first.IsTruncated, first.Marker, len(first.Users))
	}
	_, err := c.ListUsers(ctx, &iam.ListUsersInput{Marker: aws.String("!not a marker!")})
	if code, _ := apiError(t, err); code != "ValidationError" && code != "InvalidInput" {
		t.Fatalf("bad marker: %v", err)
	}

	// Names are unique without regard to case.
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U1")})
	wantErr(t, err, "EntityAlreadyExists", "User with name U1 already exists.")
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	wantErr(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bad name!")})
	wantErr(t, err, "ValidationError", "")

	// Rename and move.
	must(c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("u1"), NewUserName: aws.String("renamed"), NewPath: aws.String("/moved/")}))(t)
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u1")})
	wantErr(t, err, "NoSuchEntity", "")
	r := must(c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("renamed")}))(t)
	if aws.ToString(r.User.Arn) != "arn:aws:iam::"+e.acct+":user/moved/renamed" {
		t.Fatalf("renamed user: %s", aws.ToString(r.User.Arn))
	}
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("renamed"), NewUserName: aws.String("U0")})
	wantErr(t, err, "EntityAlreadyExists", "")

	// Deletion needs the user's attachments gone first.
	must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u0")}))(t)
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u0")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete access keys first.")
	must(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u2"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc(allow("iam:GetUser", "*")))}))(t)
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u2")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u4"), PolicyArn: aws.String(adminARN)}))(t)
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u4")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	must(c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("u4"), PolicyArn: aws.String(adminARN)}))(t)
	must(c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u4")}))(t)
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u4")})
	wantErr(t, err, "NoSuchEntity", "The user with name u4 cannot be found.")
}

func TestIAMGroups(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	alice := e.newUser(t, "alice", "")
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers"), Path: aws.String("/teams/")}))(t)
	_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("READERS")})
	wantErr(t, err, "EntityAlreadyExists", "Group with name READERS already exists.")
	must(c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(doc(allow("iam:List*", "*")))}))(t)

	// Without the group, alice may not list users.
	_, err = e.iam(alice).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "") // the message: TestIAMDenialResourceOfListAndAccountActions
	must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("alice")}))(t)
	if _, err := e.iam(alice).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers as a member of readers: %v", err)
	}
	g := must(c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("readers")}))(t)
	if len(g.Users) != 1 || aws.ToString(g.Users[0].UserName) != "alice" || aws.ToString(g.Group.Arn) != "arn:aws:iam::"+e.acct+":group/teams/readers" {
		t.Fatalf("GetGroup: %+v %+v", g.Group, g.Users)
	}
	fu := must(c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("alice")}))(t)
	if len(fu.Groups) != 1 || aws.ToString(fu.Groups[0].GroupName) != "readers" {
		t.Fatalf("ListGroupsForUser: %+v", fu.Groups)
	}
	gp := must(c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("read")}))(t)
	if d := decodeDoc(t, gp.PolicyDocument); d != doc(allow("iam:List*", "*")) {
		t.Fatalf("GetGroupPolicy: %s", d)
	}
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("nogroup"), UserName: aws.String("alice")})
	wantErr(t, err, "NoSuchEntity", "The group with name nogroup cannot be found.")

	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must remove users from group first.")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	wantErr(t, err, "DeleteConflict", "") // access key first, then groups

	must(c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("readers"), UserName: aws.String("alice")}))(t)
	_, err = e.iam(alice).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "")
	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	must(c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("read")}))(t)
	must(c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")}))(t)
}

func TestIAMRoles(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	trust := doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + e.acct + `:root"},"Action":"sts:AssumeRole"}`)
	out := must(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), Path: aws.String("/ci/"),
		AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200), Description: aws.String("CI")}))(t)
	if aws.ToString(out.Role.Arn) != "arn:aws:iam::"+e.acct+":role/ci/deployer" || !strings.HasPrefix(aws.ToString(out.Role.RoleId), "AROA") {
		t.Fatalf("CreateRole: %+v", out.Role)
	}
	r := must(c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")}))(t)
	if aws.ToInt32(r.Role.MaxSessionDuration) != 7200 || decodeDoc(t, r.Role.AssumeRolePolicyDocument) != trust || aws.ToString(r.Role.Description) != "CI" {
		t.Fatalf("GetRole: %+v", r.Role)
	}
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("DEPLOYER"), AssumeRolePolicyDocument: aws.String(trust)})
	wantErr(t, err, "EntityAlreadyExists", "Role with name DEPLOYER already exists.")
	// MaxSessionDuration is 1 to 12 hours.
	for _, d := range []int32{3599, 43201} {
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(d)})
		wantErr(t, err, "ValidationError", "")
	}
	must(c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("deployer"), MaxSessionDuration: aws.Int32(43200)}))(t)
	// A trust policy needs a principal; an identity policy must not have one.
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(doc(allow("sts:AssumeRole", "*")))})
	wantErr(t, err, "MalformedPolicyDocument", "")
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("deployer"), PolicyDocument: aws.String("{")})
	wantErr(t, err, "MalformedPolicyDocument", "")
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
	wantErr(t, err, "NoSuchEntity", "The role with name nope cannot be found.")

	must(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: aws.String(adminARN)}))(t)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	must(c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: aws.String(adminARN)}))(t)
	must(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("i"), PolicyDocument: aws.String(doc(allow("iam:GetRole", "*")))}))(t)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	must(c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("i")}))(t)
	must(c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")}))(t)
}

func TestIAMManagedPolicies(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	bob := e.newUser(t, "bob", "")
	v1 := doc(allow("iam:GetUser", "*"))
	pol := must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("reader"), PolicyDocument: aws.String(v1)}))(t).Policy
	arn := aws.ToString(pol.Arn)
	if arn != e.policyARN("reader") || aws.ToString(pol.DefaultVersionId) != "v1" {
		t.Fatalf("CreatePolicy: %+v", pol)
	}
	_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Reader"), PolicyDocument: aws.String(v1)})
	wantErr(t, err, "EntityAlreadyExists", "A policy called Reader already exists. Duplicate names are not allowed.")
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(arn)}))(t)
	if _, err := e.iam(bob).GetUser(ctx, &iam.GetUserInput{}); err != nil {
		t.Fatalf("GetUser with v1: %v", err)
	}

	// Versions: a new default version takes effect at once.
	v2 := doc(allow("iam:ListUsers", "*"))
	nv := must(c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(v2), SetAsDefault: true}))(t)
	if aws.ToString(nv.PolicyVersion.VersionId) != "v2" || !nv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("CreatePolicyVersion: %+v", nv.PolicyVersion)
	}
	_, err = e.iam(bob).GetUser(ctx, &iam.GetUserInput{})
	wantErr(t, err, "AccessDenied", denied(e.userARN("bob"), "iam:GetUser", e.userARN("bob"), "identity-based policy"))
	must(c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}))(t)
	if _, err := e.iam(bob).GetUser(ctx, &iam.GetUserInput{}); err != nil {
		t.Fatalf("GetUser with v1 default again: %v", err)
	}
	gp := must(c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}))(t)
	if aws.ToString(gp.Policy.DefaultVersionId) != "v1" || aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Fatalf("GetPolicy: %+v", gp.Policy)
	}
	gv := must(c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")}))(t)
	if decodeDoc(t, gv.PolicyVersion.Document) != v2 || gv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion v2: %+v", gv.PolicyVersion)
	}

	// At most five versions.
	for range 3 {
		must(c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(v2)}))(t)
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(v2)})
	wantErr(t, err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	lv := must(c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)}))(t)
	if len(lv.Versions) != 5 {
		t.Fatalf("ListPolicyVersions: %d versions", len(lv.Versions))
	}
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	wantErr(t, err, "DeleteConflict", "Cannot delete the default version of a policy.")
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	wantErr(t, err, "NoSuchEntity", "")

	// Deleting needs it detached and its other versions deleted.
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantErr(t, err, "DeleteConflict", "Cannot delete a policy attached to entities.")
	must(c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(arn)}))(t)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantErr(t, err, "DeleteConflict", "")
	for _, v := range []string{"v2", "v3", "v4", "v5"} {
		must(c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(v)}))(t)
	}
	must(c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}))(t)
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	wantErr(t, err, "NoSuchEntity", "Policy "+arn+" was not found.")
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String(arn)})
	wantErr(t, err, "NoSuchEntity", "Policy "+arn+" does not exist or is not attachable.")

	// Bad documents are refused with IAM's message.
	for _, tc := range []struct{ doc, msg string }{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser"}]}`, "Missing required field Resource."},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"iam:GetUser","Resource":"*"}]}`, "Policy document should not specify a principal."},
		{`{"Version":"2012-10-17","Statement":[{"Action":"iam:GetUser","Resource":"*"}]}`, "Missing required field Effect."},
		{`{"Version":"2012-10-17","Statement":`, ""},
	} {
		_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(tc.doc)})
		wantErr(t, err, "MalformedPolicyDocument", tc.msg)
		if tc.msg == "" {
			if _, m := apiError(t, err); !strings.HasPrefix(m, "Syntax errors in policy") {
				t.Errorf("invalid JSON: %q", m)
			}
		}
	}
}

func TestIAMAWSManagedPolicies(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	admin := e.newUser(t, "admin", "")
	_, err := e.iam(admin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	wantErr(t, err, "AccessDenied", denied(e.userARN("admin"), "iam:CreateUser", e.userARN("x"), "identity-based policy"))
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String(adminARN)}))(t)
	if _, err := e.iam(admin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")}); err != nil {
		t.Fatalf("CreateUser with AdministratorAccess: %v", err)
	}
	gp := must(c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(adminARN)}))(t)
	if aws.ToString(gp.Policy.PolicyName) != "AdministratorAccess" || aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Fatalf("GetPolicy AdministratorAccess: %+v", gp.Policy)
	}
	gv := must(c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(adminARN), VersionId: gp.Policy.DefaultVersionId}))(t)
	if d := decodeDoc(t, gv.PolicyVersion.Document); !strings.Contains(d, `"Action": "*"`) && !strings.Contains(d, `"Action":"*"`) {
		t.Fatalf("AdministratorAccess document: %s", d)
	}
	lp := must(c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, OnlyAttached: true}))(t)
	if len(lp.Policies) != 1 || aws.ToString(lp.Policies[0].Arn) != adminARN {
		t.Fatalf("ListPolicies AWS attached: %+v", lp.Policies)
	}

	// An AWS managed policy cannot be changed or deleted, even by root.
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(adminARN), PolicyDocument: aws.String(doc(allow("*", "*")))})
	if code, _ := apiError(t, err); code == "" {
		t.Fatal("CreatePolicyVersion on an AWS managed policy accepted")
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(adminARN)})
	if code, _ := apiError(t, err); code == "" {
		t.Fatal("DeletePolicy on an AWS managed policy accepted")
	}
	_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(adminARN), Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if code, _ := apiError(t, err); code == "" {
		t.Fatal("TagPolicy on an AWS managed policy accepted")
	}
	after := must(c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(adminARN)}))(t)
	if aws.ToString(after.Policy.DefaultVersionId) != aws.ToString(gp.Policy.DefaultVersionId) || len(after.Policy.Tags) != 0 {
		t.Fatalf("AdministratorAccess changed: %+v", after.Policy)
	}
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicyAtAll")})
	wantErr(t, err, "NoSuchEntity", "")
}

func TestIAMInlinePolicyLimits(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	must(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`))}))(t)

	// sized returns a document whose size without whitespace is about n.
	sized := func(n int) string {
		var stmts []string
		size := len(doc())
		for i := 0; size < n; i++ {
			s := allow(fmt.Sprintf("iam:GetUser%04d", i), "*")
			stmts = append(stmts, s)
			size += len(s) + 1
		}
		return doc(stmts...)
	}
	// Inline policy quotas ("IAM and AWS STS quotas"): the aggregate size
	// of a user's inline policies is at most 2,048 characters, a group's
	// 5,120, a role's 10,240; whitespace does not count.
	for _, tc := range []struct {
		kind  string
		limit int
		put   func(name, d string) error
	}{
		{"user", 2048, func(name, d string) error {
			_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String(name), PolicyDocument: aws.String(d)})
			return err
		}},
		{"group", 5120, func(name, d string) error {
			_, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String(name), PolicyDocument: aws.String(d)})
			return err
		}},
		{"role", 10240, func(name, d string) error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(name), PolicyDocument: aws.String(d)})
			return err
		}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			small := sized(tc.limit - 200)
			if err := tc.put("small", small); err != nil {
				t.Fatalf("%d characters: %v", len(small), err)
			}
			// Whitespace does not count.
			spaced := strings.ReplaceAll(small, ",", " ,\n  ")
			if err := tc.put("small", spaced); err != nil {
				t.Fatalf("the same with whitespace: %v", err)
			}
			// The aggregate goes over with a second policy.
			err := tc.put("second", sized(400))
			wantErr(t, err, "LimitExceeded", "")
			if _, m := apiError(t, err); !strings.HasPrefix(m, fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s", tc.limit, tc.kind)) {
				t.Errorf("message %q", m)
			}
			// Replacing the policy with a smaller one fits.
			if err := tc.put("small", sized(100)); err != nil {
				t.Fatal(err)
			}
			if err := tc.put("second", sized(400)); err != nil {
				t.Fatal(err)
			}
		})
	}
	_, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("none")})
	wantErr(t, err, "NoSuchEntity", "")
	lp := must(c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("u")}))(t)
	if !slices.Equal(lp.PolicyNames, []string{"second", "small"}) {
		t.Fatalf("ListUserPolicies: %v", lp.PolicyNames)
	}
}

func TestIAMAttachQuota(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	for i := range 11 {
		name := fmt.Sprintf("p%02d", i)
		must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc(allow("iam:GetUser", "*")))}))(t)
		_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(e.policyARN(name))})
		if i < 10 {
			if err != nil {
				t.Fatalf("attaching policy %d: %v", i+1, err)
			}
			continue
		}
		wantErr(t, err, "LimitExceeded", "Cannot exceed quota for PoliciesPerUser: 10")
	}
	// Attaching one already attached is not another attachment.
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(e.policyARN("p00"))}); err != nil {
		t.Fatalf("re-attaching: %v", err)
	}
	la := must(c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("u")}))(t)
	if len(la.AttachedPolicies) != 10 {
		t.Fatalf("%d attached", len(la.AttachedPolicies))
	}
	ent := must(c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(e.policyARN("p03"))}))(t)
	if len(ent.PolicyUsers) != 1 || aws.ToString(ent.PolicyUsers[0].UserName) != "u" {
		t.Fatalf("ListEntitiesForPolicy: %+v", ent.PolicyUsers)
	}
}

func TestIAMPermissionsBoundary(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("only-get"), PolicyDocument: aws.String(doc(allow("iam:Get*", "*")))}))(t)
	bounded := e.newUser(t, "bounded", "")
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bounded"), PolicyArn: aws.String(adminARN)}))(t)
	if _, err := e.iam(bounded).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("before")}); err != nil {
		t.Fatalf("CreateUser before the boundary: %v", err)
	}
	must(c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"), PermissionsBoundary: aws.String(e.policyARN("only-get"))}))(t)
	u := must(c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bounded")}))(t)
	if u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != e.policyARN("only-get") {
		t.Fatalf("GetUser boundary: %+v", u.User.PermissionsBoundary)
	}

	_, err := e.iam(bounded).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after")})
	wantErr(t, err, "AccessDenied", denied(e.userARN("bounded"), "iam:CreateUser", e.userARN("after"), "permissions boundary"))
	// What both allow is allowed.
	if _, err := e.iam(bounded).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("before")}); err != nil {
		t.Fatalf("GetUser within the boundary: %v", err)
	}
	// The boundary grants nothing by itself.
	must(c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("bounded"), PolicyArn: aws.String(adminARN)}))(t)
	_, err = e.iam(bounded).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("before")})
	wantErr(t, err, "AccessDenied", denied(e.userARN("bounded"), "iam:GetUser", e.userARN("before"), "identity-based policy"))
	// A policy in use as a boundary cannot be deleted.
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(e.policyARN("only-get"))})
	wantErr(t, err, "DeleteConflict", "")
	// Removing the boundary (with admin back) restores the permission.
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bounded"), PolicyArn: aws.String(adminARN)}))(t)
	must(c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bounded")}))(t)
	if _, err := e.iam(bounded).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after")}); err != nil {
		t.Fatalf("CreateUser without the boundary: %v", err)
	}
	_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"), PermissionsBoundary: aws.String(e.policyARN("nope"))})
	wantErr(t, err, "NoSuchEntity", "")

	// iam:PermissionsBoundary: a delegated admin may create users only
	// with the boundary set.
	deleg := e.newUser(t, "delegated", doc(`{"Effect":"Allow","Action":["iam:CreateUser","iam:PutUserPermissionsBoundary"],"Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"`+e.policyARN("only-get")+`"}}}`))
	_, err = e.iam(deleg).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("free")})
	wantErr(t, err, "AccessDenied", denied(e.userARN("delegated"), "iam:CreateUser", e.userARN("free"), "identity-based policy"))
	if _, err := e.iam(deleg).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("boxed"), PermissionsBoundary: aws.String(e.policyARN("only-get"))}); err != nil {
		t.Fatalf("CreateUser with the required boundary: %v", err)
	}
}

func TestIAMExplicitDeny(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	u := e.newUser(t, "u", doc(deny("iam:CreateUser", "*"), deny("iam:GetAccountAuthorizationDetails", "*")))
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(adminARN)}))(t)
	_, err := e.iam(u).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	wantErr(t, err, "AccessDenied", explicitlyDenied(e.userARN("u"), "iam:CreateUser", e.userARN("x"), "an identity-based policy"))
	_, err = e.iam(u).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	wantErr(t, err, "AccessDenied", "")
	if _, err := e.iam(u).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers allowed by AdministratorAccess: %v", err)
	}
	// A deny in a group's policy applies to its members.
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("nolist")}))(t)
	must(c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("nolist"), PolicyName: aws.String("d"), PolicyDocument: aws.String(doc(deny("iam:ListUsers", "*")))}))(t)
	must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("nolist"), UserName: aws.String("u")}))(t)
	_, err = e.iam(u).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "")
}

// TestIAMDenialResourceOfListAndAccountActions checks the resource AWS names
// in the denial of actions that the Service Authorization Reference lists
// without a resource type: the path of the listed entities for ListUsers,
// ListRoles and ListGroups ("... perform: iam:ListRoles on resource:
// arn:aws:iam::123456789012:role/ because ..."; with a PathPrefix,
// role/PREFIX/), and none for account-wide actions, as the IAM User Guide's
// examples of resource-less actions show them ("... perform:
// codecommit:ListRepositories because no ...", troubleshoot_access-denied).
func TestIAMDenialResourceOfListAndAccountActions(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	u := e.newUser(t, "u", doc(deny("iam:GetAccountAuthorizationDetails", "*")))
	_, err := e.iam(u).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	wantErr(t, err, "AccessDenied", "User: "+e.userARN("u")+" is not authorized to perform: iam:GetAccountAuthorizationDetails with an explicit deny in an identity-based policy")
	_, err = e.iam(u).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", denied(e.userARN("u"), "iam:ListUsers", "arn:aws:iam::"+e.acct+":user/", "identity-based policy"))
	_, err = e.iam(u).ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/ci/")})
	wantErr(t, err, "AccessDenied", denied(e.userARN("u"), "iam:ListRoles", "arn:aws:iam::"+e.acct+":role/ci/", "identity-based policy"))
	// And so a policy on the path's ARNs allows the listing.
	must(e.iam(e.root).PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("list"),
		PolicyDocument: aws.String(doc(allow("iam:ListUsers", "arn:aws:iam::"+e.acct+":user/*")))}))(t)
	if _, err := e.iam(u).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers allowed on user/*: %v", err)
	}
}

func TestIAMTagsAndABAC(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	tag := func(k, v string) iamtypes.Tag { return iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
	for _, u := range []struct{ name, team string }{{"red1", "red"}, {"blue1", "blue"}, {"untagged", ""}} {
		in := &iam.CreateUserInput{UserName: aws.String(u.name)}
		if u.team != "" {
			in.Tags = []iamtypes.Tag{tag("team", u.team)}
		}
		must(c.CreateUser(ctx, in))(t)
	}
	// The viewer may read users of its own team: aws:ResourceTag matched
	// against aws:PrincipalTag through a policy variable.
	viewer := e.newUser(t, "viewer", doc(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}`,
		`{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/level":"senior"}}}`))
	_, err := e.iam(viewer).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("red1")})
	wantErr(t, err, "AccessDenied", denied(e.userARN("viewer"), "iam:GetUser", e.userARN("red1"), "identity-based policy"))
	must(c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("viewer"), Tags: []iamtypes.Tag{tag("team", "red")}}))(t)
	if _, err := e.iam(viewer).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("red1")}); err != nil {
		t.Fatalf("GetUser on the viewer's team: %v", err)
	}
	for _, other := range []string{"blue1", "untagged"} {
		_, err = e.iam(viewer).GetUser(ctx, &iam.GetUserInput{UserName: aws.String(other)})
		wantErr(t, err, "AccessDenied", denied(e.userARN("viewer"), "iam:GetUser", e.userARN(other), "identity-based policy"))
	}
	// Retagging the resource changes the decision.
	must(c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("blue1"), Tags: []iamtypes.Tag{tag("team", "red")}}))(t)
	if _, err := e.iam(viewer).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("blue1")}); err != nil {
		t.Fatalf("GetUser after retagging: %v", err)
	}
	// aws:PrincipalTag alone.
	_, err = e.iam(viewer).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "")
	must(c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("viewer"), Tags: []iamtypes.Tag{tag("Level", "senior")}}))(t)
	if _, err := e.iam(viewer).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with aws:PrincipalTag/level (tag keys are case-insensitive): %v", err)
	}
	must(c.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("viewer"), TagKeys: []string{"team"}}))(t)
	_, err = e.iam(viewer).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("red1")})
	wantErr(t, err, "AccessDenied", "")

	lt := must(c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("viewer")}))(t)
	if len(lt.Tags) != 1 || aws.ToString(lt.Tags[0].Key) != "Level" {
		t.Fatalf("ListUserTags: %+v", lt.Tags)
	}
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("viewer"), Tags: []iamtypes.Tag{tag("aws:x", "y")}})
	wantErr(t, err, "InvalidInput", "")
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("viewer"), Tags: []iamtypes.Tag{tag("a", "1"), tag("A", "2")}})
	wantErr(t, err, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	var many []iamtypes.Tag
	for i := range 50 {
		many = append(many, tag(fmt.Sprintf("k%02d", i), "v"))
	}
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("viewer"), Tags: many})
	wantErr(t, err, "LimitExceeded", "")

	// aws:RequestTag and aws:TagKeys on tagging.
	tagger := e.newUser(t, "tagger", doc(`{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"red"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}`))
	if _, err := e.iam(tagger).TagUser(ctx, &iam.TagUserInput{UserName: aws.String("untagged"), Tags: []iamtypes.Tag{tag("team", "red")}}); err != nil {
		t.Fatalf("TagUser with allowed tags: %v", err)
	}
	for _, tags := range [][]iamtypes.Tag{{tag("team", "blue")}, {tag("team", "red"), tag("cost", "1")}} {
		_, err = e.iam(tagger).TagUser(ctx, &iam.TagUserInput{UserName: aws.String("untagged"), Tags: tags})
		wantErr(t, err, "AccessDenied", "")
	}
}

func TestIAMAccessKeys(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	k1 := e.newUser(t, "kim", doc(allow("iam:ListAccessKeys", "*"), allow("iam:GetUser", "*")))
	k2 := userCreds(must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kim")}))(t).AccessKey)
	if !strings.HasPrefix(k2.AccessKeyID, "AKIA") || len(k2.AccessKeyID) != 20 || len(k2.SecretAccessKey) != 40 {
		t.Fatalf("access key %q", k2.AccessKeyID)
	}
	_, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kim")})
	wantErr(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")

	lk := must(e.iam(k2).ListAccessKeys(ctx, &iam.ListAccessKeysInput{}))(t)
	if len(lk.AccessKeyMetadata) != 2 {
		t.Fatalf("ListAccessKeys: %+v", lk.AccessKeyMetadata)
	}
	must(c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String(k1.AccessKeyID), Status: iamtypes.StatusTypeInactive}))(t)
	_, err = e.iam(k1).GetUser(ctx, &iam.GetUserInput{})
	wantErr(t, err, "InvalidClientTokenId", msgInvalidToken)
	if _, err := e.iam(k2).GetUser(ctx, &iam.GetUserInput{}); err != nil {
		t.Fatalf("the other key: %v", err)
	}
	lk = must(c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("kim")}))(t)
	for _, m := range lk.AccessKeyMetadata {
		want := iamtypes.StatusTypeActive
		if aws.ToString(m.AccessKeyId) == k1.AccessKeyID {
			want = iamtypes.StatusTypeInactive
		}
		if m.Status != want {
			t.Errorf("%s: %s, want %s", aws.ToString(m.AccessKeyId), m.Status, want)
		}
	}
	lu := must(c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(k2.AccessKeyID)}))(t)
	if lu.AccessKeyLastUsed == nil || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "iam" || aws.ToString(lu.UserName) != "kim" {
		t.Fatalf("GetAccessKeyLastUsed: %+v", lu.AccessKeyLastUsed)
	}
	must(c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String(k1.AccessKeyID)}))(t)
	_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String(k1.AccessKeyID)})
	wantErr(t, err, "NoSuchEntity", "The Access Key with id "+k1.AccessKeyID+" cannot be found.")
	// A third key fits again.
	must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kim")}))(t)
	// A user may not manage another user's keys without permission.
	_, err = e.iam(k2).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kim")})
	wantErr(t, err, "AccessDenied", denied(e.userARN("kim"), "iam:CreateAccessKey", e.userARN("kim"), "identity-based policy"))
}

// totp is RFC 6238's TOTP (HMAC-SHA-1, 6 digits, 30-second steps) of a
// Base32 seed at time at, as an authenticator app computes it.
func totp(t *testing.T, seed []byte, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(string(seed), "="))
	if err != nil {
		t.Fatalf("Base32 seed: %v", err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	code := (binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff) % 1000000
	return fmt.Sprintf("%06d", code)
}

// enableMFA creates a virtual MFA device for a user and enables it with two
// consecutive codes; it returns the serial number and seed. The clock is
// left at the start of a 30-second step after the codes used.
func (e *e2e) enableMFA(t *testing.T, user string) (string, []byte) {
	t.Helper()
	ctx := context.Background()
	c := e.iam(e.root)
	d := must(c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(user + "-mfa")}))(t).VirtualMFADevice
	serial := aws.ToString(d.SerialNumber)
	// (cleanroom renders no QRCodePNG; the seed is what an authenticator
	// needs.)
	if serial != "arn:aws:iam::"+e.acct+":mfa/"+user+"-mfa" || len(d.Base32StringSeed) == 0 {
		t.Fatalf("CreateVirtualMFADevice: serial %q, seed %d bytes", serial, len(d.Base32StringSeed))
	}
	now := e.clock.Now()
	c1, c2 := totp(t, d.Base32StringSeed, now.Add(-30*time.Second)), totp(t, d.Base32StringSeed, now)
	must(c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)}))(t)
	e.nextStep()
	return serial, d.Base32StringSeed
}

// nextStep moves the clock to the start of the next TOTP step, so that a
// fresh code is accepted (a code is accepted once).
func (e *e2e) nextStep() {
	now := e.clock.Now()
	e.clock.Advance(now.Truncate(30*time.Second).Add(30*time.Second).Sub(now) + 10*time.Millisecond)
}

func TestIAMVirtualMFA(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mia")}))(t)
	d := must(c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("dev")}))(t).VirtualMFADevice
	serial := aws.ToString(d.SerialNumber)
	_, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("dev")})
	wantErr(t, err, "EntityAlreadyExists", "")

	// Wrong codes, and right codes in the wrong order, are refused.
	now := e.clock.Now()
	prev, cur := totp(t, d.Base32StringSeed, now.Add(-30*time.Second)), totp(t, d.Base32StringSeed, now)
	bad := "000000"
	if cur == bad {
		bad = "111111"
	}
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("mia"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(prev), AuthenticationCode2: aws.String(bad)})
	wantErr(t, err, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	if prev != cur {
		_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("mia"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(cur), AuthenticationCode2: aws.String(prev)})
		wantErr(t, err, "InvalidAuthenticationCode", "")
	}
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("mia"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String("12345"), AuthenticationCode2: aws.String(cur)})
	wantErr(t, err, "ValidationError", "")
	must(c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("mia"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(prev), AuthenticationCode2: aws.String(cur)}))(t)

	lm := must(c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("mia")}))(t)
	if len(lm.MFADevices) != 1 || aws.ToString(lm.MFADevices[0].SerialNumber) != serial {
		t.Fatalf("ListMFADevices: %+v", lm.MFADevices)
	}
	lv := must(c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned}))(t)
	if len(lv.VirtualMFADevices) != 1 || lv.VirtualMFADevices[0].User == nil || aws.ToString(lv.VirtualMFADevices[0].User.UserName) != "mia" {
		t.Fatalf("ListVirtualMFADevices: %+v", lv.VirtualMFADevices)
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("mia")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete MFA device first.")
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantErr(t, err, "DeleteConflict", "")

	// Resync with two later codes (the device's clock ran ahead).
	later := e.clock.Now().Add(5 * time.Minute)
	must(c.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("mia"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totp(t, d.Base32StringSeed, later)), AuthenticationCode2: aws.String(totp(t, d.Base32StringSeed, later.Add(30*time.Second)))}))(t)

	must(c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("mia"), SerialNumber: aws.String(serial)}))(t)
	must(c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}))(t)
	must(c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("mia")}))(t)
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantErr(t, err, "NoSuchEntity", "")
}

func TestIAMSimulatePrincipalPolicy(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	e.newUser(t, "sim", doc(allow("iam:Get*", "*"), deny("iam:GetRole", "*"),
		`{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`))
	out := must(c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(e.userARN("sim")),
		ActionNames:     []string{"iam:GetUser", "iam:GetRole", "iam:CreateUser", "iam:ListUsers"},
	}))(t)
	got := map[string]iamtypes.PolicyEvaluationDecisionType{}
	for _, r := range out.EvaluationResults {
		got[aws.ToString(r.EvalActionName)] = r.EvalDecision
	}
	want := map[string]iamtypes.PolicyEvaluationDecisionType{
		"iam:GetUser":    iamtypes.PolicyEvaluationDecisionTypeAllowed,
		"iam:GetRole":    iamtypes.PolicyEvaluationDecisionTypeExplicitDeny,
		"iam:CreateUser": iamtypes.PolicyEvaluationDecisionTypeImplicitDeny,
		"iam:ListUsers":  iamtypes.PolicyEvaluationDecisionTypeImplicitDeny,
	}
	for a, d := range want {
		if got[a] != d {
			t.Errorf("%s: %s, want %s", a, got[a], d)
		}
	}
	// With the MFA context key supplied.
	out = must(c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(e.userARN("sim")),
		ActionNames:     []string{"iam:ListUsers"},
		ContextEntries: []iamtypes.ContextEntry{{ContextKeyName: aws.String("aws:MultiFactorAuthPresent"),
			ContextKeyType: iamtypes.ContextKeyTypeEnumBoolean, ContextKeyValues: []string{"true"}}},
	}))(t)
	if len(out.EvaluationResults) != 1 || out.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("ListUsers with MFA: %+v", out.EvaluationResults)
	}
	_, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(e.userARN("ghost")), ActionNames: []string{"iam:GetUser"}})
	wantErr(t, err, "NoSuchEntity", "")
	// The simulation itself needs permission.
	nobody := e.newUser(t, "nobody", "")
	_, err = e.iam(nobody).SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(e.userARN("sim")), ActionNames: []string{"iam:GetUser"}})
	wantErr(t, err, "AccessDenied", denied(e.userARN("nobody"), "iam:SimulatePrincipalPolicy", e.userARN("sim"), "identity-based policy"))
}

func TestIAMAccountAuthorizationDetails(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	e.newUser(t, "ann", doc(allow("iam:GetUser", "*")))
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ann"), PolicyArn: aws.String(adminARN)}))(t)
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("ann")}))(t)
	must(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`))}))(t)
	must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("mine"), PolicyDocument: aws.String(doc(allow("iam:List*", "*")))}))(t)

	out := must(c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{}))(t)
	if len(out.UserDetailList) != 1 || len(out.GroupDetailList) != 1 || len(out.RoleDetailList) != 1 {
		t.Fatalf("details: %d users %d groups %d roles", len(out.UserDetailList), len(out.GroupDetailList), len(out.RoleDetailList))
	}
	ud := out.UserDetailList[0]
	if aws.ToString(ud.UserName) != "ann" || len(ud.UserPolicyList) != 1 || len(ud.AttachedManagedPolicies) != 1 || !slices.Equal(ud.GroupList, []string{"g"}) {
		t.Fatalf("user detail: %+v", ud)
	}
	if d := decodeDoc(t, ud.UserPolicyList[0].PolicyDocument); d != doc(allow("iam:GetUser", "*")) {
		t.Fatalf("inline policy: %s", d)
	}
	arns := map[string]bool{}
	for _, p := range out.Policies {
		arns[aws.ToString(p.Arn)] = true
	}
	if !arns[e.policyARN("mine")] || !arns[adminARN] {
		t.Fatalf("policies: %v", arns)
	}
	only := must(c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{iamtypes.EntityTypeRole}}))(t)
	if len(only.UserDetailList) != 0 || len(only.RoleDetailList) != 1 || len(only.Policies) != 0 {
		t.Fatalf("Filter Role: %d users %d roles %d policies", len(only.UserDetailList), len(only.RoleDetailList), len(only.Policies))
	}
}

func TestIAMOpenIDConnectProviders(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	thumb := strings.Repeat("a", 40)
	out := must(c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://token.example.com"), ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{thumb},
	}))(t)
	arn := aws.ToString(out.OpenIDConnectProviderArn)
	if arn != "arn:aws:iam::"+e.acct+":oidc-provider/token.example.com" {
		t.Fatalf("provider ARN %s", arn)
	}
	_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.example.com"), ThumbprintList: []string{thumb}})
	wantErr(t, err, "EntityAlreadyExists", "")
	_, err = c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("http://insecure.example.com"), ThumbprintList: []string{thumb}})
	if code, _ := apiError(t, err); code != "ValidationError" && code != "InvalidInput" {
		t.Fatalf("http URL: %v", err)
	}

	must(c.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("my-app")}))(t)
	must(c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: []string{strings.Repeat("b", 40)}}))(t)
	g := must(c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}))(t)
	slices.Sort(g.ClientIDList)
	if aws.ToString(g.Url) != "token.example.com" || !slices.Equal(g.ClientIDList, []string{"my-app", "sts.amazonaws.com"}) || !slices.Equal(g.ThumbprintList, []string{strings.Repeat("b", 40)}) {
		t.Fatalf("GetOpenIDConnectProvider: %s %v %v", aws.ToString(g.Url), g.ClientIDList, g.ThumbprintList)
	}
	must(c.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("my-app")}))(t)
	l := must(c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{}))(t)
	if len(l.OpenIDConnectProviderList) != 1 || aws.ToString(l.OpenIDConnectProviderList[0].Arn) != arn {
		t.Fatalf("ListOpenIDConnectProviders: %+v", l.OpenIDConnectProviderList)
	}
	must(c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}))(t)
	_, err = c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	wantErr(t, err, "NoSuchEntity", "OpenIDConnect Provider not found for arn "+arn)
}
