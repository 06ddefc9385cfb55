package iam

import (
	"fmt"
	"strings"
	"testing"
)

// AddUserToGroup, RemoveUserFromGroup, GetGroup, ListGroupsForUser:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html,
// and the quota "Groups an IAM user can be a member of: 10"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func TestGroupMembership(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	e.user("bob")
	e.group("Devs")
	_, err := e.s.CreateGroup(e.ctx, acct, "devs", "", nil)
	wantErr(t, err, CodeEntityAlreadyExists, "Group with name devs already exists.")

	e.ok(e.s.AddUserToGroup(e.ctx, acct, "devs", "bob", nil))
	e.ok(e.s.AddUserToGroup(e.ctx, acct, "Devs", "alice", nil))
	e.ok(e.s.AddUserToGroup(e.ctx, acct, "Devs", "alice", nil)) // again: no change
	wantErr(t, e.s.AddUserToGroup(e.ctx, acct, "ops", "alice", nil), CodeNoSuchEntity, "The group with name ops cannot be found.")
	wantErr(t, e.s.AddUserToGroup(e.ctx, acct, "Devs", "carol", nil), CodeNoSuchEntity, "The user with name carol cannot be found.")

	g, err := e.s.GetGroup(e.ctx, acct, "DEVS", Page{})
	e.ok(err)
	if g.Group.GroupName != "Devs" || len(g.Users.Items) != 2 || g.Users.Items[0].UserName != "alice" || g.Users.Items[1].UserName != "bob" {
		t.Errorf("GetGroup = %+v", g)
	}
	pg, err := e.s.GetGroup(e.ctx, acct, "Devs", Page{MaxItems: 1})
	e.ok(err)
	if !pg.Users.IsTruncated || len(pg.Users.Items) != 1 {
		t.Errorf("GetGroup page = %+v", pg.Users)
	}
	gs, err := e.s.ListGroupsForUser(e.ctx, acct, "alice", Page{})
	e.ok(err)
	if len(gs.Items) != 1 || gs.Items[0].GroupName != "Devs" {
		t.Errorf("ListGroupsForUser = %+v", gs.Items)
	}

	wantErr(t, e.s.DeleteGroup(e.ctx, acct, "Devs", nil), CodeDeleteConflict, "Cannot delete entity, must remove users from group first.")
	e.ok(e.s.RemoveUserFromGroup(e.ctx, acct, "Devs", "alice", nil))
	wantErr(t, e.s.RemoveUserFromGroup(e.ctx, acct, "Devs", "alice", nil), CodeNoSuchEntity, "The user with name alice cannot be found.")
	e.ok(e.s.RemoveUserFromGroup(e.ctx, acct, "Devs", "bob", nil))
	e.ok(e.s.PutGroupPolicy(e.ctx, acct, "Devs", "inline", allow("s3:*", "*"), nil))
	wantErr(t, e.s.DeleteGroup(e.ctx, acct, "Devs", nil), CodeDeleteConflict, "Cannot delete entity, must delete policies first.")
	e.ok(e.s.DeleteGroupPolicy(e.ctx, acct, "Devs", "inline", nil))
	e.ok(e.s.AttachGroupPolicy(e.ctx, acct, "Devs", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	wantErr(t, e.s.DeleteGroup(e.ctx, acct, "Devs", nil), CodeDeleteConflict, "Cannot delete entity, must detach all policies first.")
	e.ok(e.s.DetachGroupPolicy(e.ctx, acct, "Devs", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	e.ok(e.s.DeleteGroup(e.ctx, acct, "Devs", nil))

	for i := 0; i < maxGroupsPerUser; i++ {
		name := fmt.Sprintf("g%d", i)
		e.group(name)
		e.ok(e.s.AddUserToGroup(e.ctx, acct, name, "alice", nil))
	}
	e.group("one-too-many")
	wantErr(t, e.s.AddUserToGroup(e.ctx, acct, "one-too-many", "alice", nil), CodeLimitExceeded, "Cannot exceed quota for GroupsPerUser: 10")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html
func TestUpdateGroupRename(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	e.group("devs")
	e.ok(e.s.AddUserToGroup(e.ctx, acct, "devs", "alice", nil))
	e.ok(e.s.AttachGroupPolicy(e.ctx, acct, "devs", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	e.ok(e.s.UpdateGroup(e.ctx, acct, "devs", "builders", "/eng/", nil))
	g, err := e.s.GetGroup(e.ctx, acct, "builders", Page{})
	e.ok(err)
	if g.Group.ARN != "arn:aws:iam::123456789012:group/eng/builders" || len(g.Users.Items) != 1 {
		t.Errorf("renamed group = %+v", g)
	}
	gs, err := e.s.ListGroupsForUser(e.ctx, acct, "alice", Page{})
	e.ok(err)
	if len(gs.Items) != 1 || gs.Items[0].GroupName != "builders" {
		t.Errorf("user's groups = %+v", gs.Items)
	}
	ents, err := e.s.ListEntitiesForPolicy(e.ctx, acct, ListEntitiesForPolicyInput{PolicyARN: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"})
	e.ok(err)
	if len(ents.PolicyGroups) != 1 || ents.PolicyGroups[0].Name != "builders" {
		t.Errorf("policy groups = %+v", ents.PolicyGroups)
	}
	_, err = e.s.GetGroup(e.ctx, acct, "devs", Page{})
	wantErr(t, err, CodeNoSuchEntity, "The group with name devs cannot be found.")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html:
// AssumeRolePolicyDocument is a trust policy (2,048 characters:
// "Role trust policy length" in the quotas page), MaxSessionDuration
// 3600..43200 with default 3600, Description up to 1000 characters.
func TestCreateRole(t *testing.T) {
	bigTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[` +
		strings.TrimSuffix(strings.Repeat(`"arn:aws:iam::123456789012:root",`, 70), ",") + `]},"Action":"sts:AssumeRole"}]}`
	tests := []struct {
		name string
		in   CreateRoleInput
		code string
		msg  string
	}{
		{"ok", CreateRoleInput{RoleName: "r1", AssumeRolePolicyDocument: trustEC2}, "", ""},
		{"identity policy as trust", CreateRoleInput{RoleName: "r2", AssumeRolePolicyDocument: allow("s3:*", "*")}, CodeMalformedPolicyDocument, "Missing required field Principal."},
		{"trust policy with Resource", CreateRoleInput{RoleName: "r3", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`},
			CodeMalformedPolicyDocument, "Has prohibited field Resource."},
		{"not JSON", CreateRoleInput{RoleName: "r4", AssumeRolePolicyDocument: "{"}, CodeMalformedPolicyDocument, "Syntax errors in policy..."},
		{"trust policy too large", CreateRoleInput{RoleName: "r5", AssumeRolePolicyDocument: bigTrust}, CodeLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"session 3599", CreateRoleInput{RoleName: "r6", AssumeRolePolicyDocument: trustEC2, MaxSessionDuration: 3599}, CodeValidationError,
			"1 validation error detected: Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"session 43201", CreateRoleInput{RoleName: "r7", AssumeRolePolicyDocument: trustEC2, MaxSessionDuration: 43201}, CodeValidationError,
			"1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"session 43200", CreateRoleInput{RoleName: "r8", AssumeRolePolicyDocument: trustEC2, MaxSessionDuration: 43200}, "", ""},
		{"description 1001", CreateRoleInput{RoleName: "r9", AssumeRolePolicyDocument: trustEC2, Description: strings.Repeat("d", 1001)}, CodeValidationError, ""},
		{"65-character name", CreateRoleInput{RoleName: strings.Repeat("r", 65), AssumeRolePolicyDocument: trustEC2}, CodeValidationError, ""},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.s.CreateRole(e.ctx, acct, tt.in, nil)
			if tt.code != "" {
				wantErr(t, err, tt.code, tt.msg)
				return
			}
			e.ok(err)
			want := tt.in.MaxSessionDuration
			if want == 0 {
				want = 3600
			}
			if r.MaxSessionDuration != want || r.AssumeRolePolicyDocument != tt.in.AssumeRolePolicyDocument {
				t.Errorf("role = %+v", r)
			}
		})
	}
	_, err := e.s.CreateRole(e.ctx, acct, CreateRoleInput{RoleName: "R1", AssumeRolePolicyDocument: trustEC2}, nil)
	wantErr(t, err, CodeEntityAlreadyExists, "Role with name R1 already exists.")
}

// UpdateRole, UpdateAssumeRolePolicy, DeleteRole:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html
func TestRoleLifecycle(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.CreateRole(e.ctx, acct, CreateRoleInput{RoleName: "r", Path: "/svc/", AssumeRolePolicyDocument: trustEC2, Description: "first", Tags: []Tag{{"env", "dev"}}}, nil)
	e.ok(err)
	desc := "second"
	e.ok(e.s.UpdateRole(e.ctx, acct, "r", &desc, 7200, nil))
	e.ok(e.s.UpdateRole(e.ctx, acct, "r", nil, 0, nil)) // no change
	wantErr(t, e.s.UpdateRole(e.ctx, acct, "r", nil, 100, nil), CodeValidationError, "")
	trust2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}]}`
	e.ok(e.s.UpdateAssumeRolePolicy(e.ctx, acct, "r", trust2, nil))
	wantErr(t, e.s.UpdateAssumeRolePolicy(e.ctx, acct, "r", allow("s3:*", "*"), nil), CodeMalformedPolicyDocument, "")
	r, err := e.s.GetRole(e.ctx, acct, "R")
	e.ok(err)
	if r.Description != "second" || r.MaxSessionDuration != 7200 || r.AssumeRolePolicyDocument != trust2 || r.ARN != "arn:aws:iam::123456789012:role/svc/r" ||
		len(r.Tags) != 1 || r.RoleLastUsed == nil {
		t.Errorf("role = %+v", r)
	}
	list, err := e.s.ListRoles(e.ctx, acct, "/svc/", Page{})
	e.ok(err)
	if len(list.Items) != 1 || list.Items[0].Tags != nil || list.Items[0].RoleLastUsed != nil {
		t.Errorf("ListRoles = %+v", list.Items)
	}
	if rd, err := e.s.UpdateRoleDescription(e.ctx, acct, "r", "third", nil); err != nil || rd.Description != "third" {
		t.Errorf("UpdateRoleDescription = %+v, %v", rd, err)
	}

	e.ok(e.s.PutRolePolicy(e.ctx, acct, "r", "inline", allow("s3:*", "*"), nil))
	wantErr(t, e.s.DeleteRole(e.ctx, acct, "r", nil), CodeDeleteConflict, "Cannot delete entity, must delete policies first.")
	e.ok(e.s.DeleteRolePolicy(e.ctx, acct, "r", "inline", nil))
	e.ok(e.s.AttachRolePolicy(e.ctx, acct, "r", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	wantErr(t, e.s.DeleteRole(e.ctx, acct, "r", nil), CodeDeleteConflict, "Cannot delete entity, must detach all policies first.")
	e.ok(e.s.DetachRolePolicy(e.ctx, acct, "r", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	e.ok(e.s.DeleteRole(e.ctx, acct, "r", nil))
	_, err = e.s.GetRole(e.ctx, acct, "r")
	wantErr(t, err, CodeNoSuchEntity, "The role with name r cannot be found.")
}
