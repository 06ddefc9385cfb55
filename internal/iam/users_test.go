package iam

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html:
// UserName 1-64 of [\w+=,.@-]+, Path 1-512 of (\u002F)|(\u002F[\u0021-\u007E]+\u002F),
// at most 50 tags, PermissionsBoundary an existing managed policy.
func TestCreateUserValidation(t *testing.T) {
	tests := []struct {
		name string
		in   CreateUserInput
		code string
		msg  string
	}{
		{"ok", CreateUserInput{UserName: "alice"}, "", ""},
		{"all name characters", CreateUserInput{UserName: "a_Z0+=,.@-"}, "", ""},
		{"64 characters", CreateUserInput{UserName: strings.Repeat("a", 64)}, "", ""},
		{"65 characters", CreateUserInput{UserName: strings.Repeat("a", 65)}, CodeValidationError,
			"1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"empty name", CreateUserInput{UserName: ""}, CodeValidationError,
			"1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"bad character", CreateUserInput{UserName: "bob!"}, CodeValidationError,
			`1 validation error detected: Value 'bob!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"path", CreateUserInput{UserName: "p1", Path: "/division/team/"}, "", ""},
		{"path without trailing slash", CreateUserInput{UserName: "p2", Path: "/division"}, CodeValidationError, "1 validation error detected: Value '/division' at 'path'..."},
		{"path with space", CreateUserInput{UserName: "p3", Path: "/a b/"}, CodeValidationError, ""},
		{"double slash path", CreateUserInput{UserName: "p4", Path: "//"}, CodeValidationError, ""},
		{"two errors", CreateUserInput{UserName: "x!", Path: "nope"}, CodeValidationError, "2 validation errors detected: ..."},
		{"duplicate tag keys", CreateUserInput{UserName: "t1", Tags: []Tag{{"Team", "a"}, {"team", "b"}}}, CodeInvalidInput,
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"bad tag key", CreateUserInput{UserName: "t2", Tags: []Tag{{"a*b", "x"}}}, CodeValidationError, "1 validation error detected: Value 'a*b' at 'tags.1.member.key'..."},
		{"tag value too long", CreateUserInput{UserName: "t3", Tags: []Tag{{"k", strings.Repeat("v", 257)}}}, CodeValidationError, ""},
		{"unicode tag", CreateUserInput{UserName: "t4", Tags: []Tag{{"équipe", "données 1"}}}, "", ""},
		{"51 tags", CreateUserInput{UserName: "t5", Tags: manyTags(51)}, CodeValidationError, ""},
		{"missing boundary", CreateUserInput{UserName: "b1", PermissionsBoundary: "arn:aws:iam::123456789012:policy/nope"}, CodeNoSuchEntity,
			"Policy arn:aws:iam::123456789012:policy/nope does not exist or is not attachable."},
		{"malformed boundary", CreateUserInput{UserName: "b2", PermissionsBoundary: "arn:aws:s3:::bucket/key-is-long"}, CodeInvalidInput,
			"ARN arn:aws:s3:::bucket/key-is-long is not valid."},
		{"AWS managed boundary", CreateUserInput{UserName: "b3", PermissionsBoundary: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}, "", ""},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := e.s.CreateUser(e.ctx, acct, tt.in, nil)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if u.UserName != tt.in.UserName {
					t.Errorf("UserName = %q", u.UserName)
				}
				return
			}
			wantErr(t, err, tt.code, tt.msg)
		})
	}
}

func manyTags(n int) []Tag {
	tags := make([]Tag, n)
	for i := range tags {
		tags[i] = Tag{Key: "k" + strings.Repeat("x", i), Value: "v"}
	}
	return tags
}

// Unique ids and ARNs: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
func TestUserIDsAndARNs(t *testing.T) {
	e := newEnv(t)
	u, err := e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: "Alice", Path: "/eng/", Tags: []Tag{{"team", "x"}}}, nil)
	e.ok(err)
	if !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(u.UserID) {
		t.Errorf("UserID = %q", u.UserID)
	}
	if u.ARN != "arn:aws:iam::123456789012:user/eng/Alice" {
		t.Errorf("ARN = %q", u.ARN)
	}
	if !u.CreateDate.Equal(e.clock.Now()) {
		t.Errorf("CreateDate = %v, want the injected clock's %v", u.CreateDate, e.clock.Now())
	}
	g := e.group("Devs")
	r := e.role("Runner")
	p := e.policy("P", allow("s3:GetObject", "*"))
	for _, c := range []struct{ id, prefix string }{{g.GroupID, "AGPA"}, {r.RoleID, "AROA"}, {p.PolicyID, "ANPA"}} {
		if !regexp.MustCompile(`^` + c.prefix + `[A-Z2-7]{17}$`).MatchString(c.id) {
			t.Errorf("id %q, want prefix %s and 21 characters", c.id, c.prefix)
		}
	}
	if g.ARN != "arn:aws:iam::123456789012:group/Devs" || r.ARN != "arn:aws:iam::123456789012:role/Runner" || p.ARN != "arn:aws:iam::123456789012:policy/P" {
		t.Errorf("ARNs %q %q %q", g.ARN, r.ARN, p.ARN)
	}
}

// "User names are not distinguished by case" (CreateUser): the same name in
// another case is EntityAlreadyExists, and lookups ignore case.
func TestUserNamesAreCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	e.user("Alice")
	_, err := e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: "alice"}, nil)
	wantErr(t, err, CodeEntityAlreadyExists, "User with name alice already exists.")
	u, err := e.s.GetUser(e.ctx, acct, "ALICE")
	e.ok(err)
	if u.UserName != "Alice" {
		t.Errorf("UserName = %q, want the created case", u.UserName)
	}
	_, err = e.s.GetUser(e.ctx, acct, "bob")
	wantErr(t, err, CodeNoSuchEntity, "The user with name bob cannot be found.")
	// Other accounts do not see it.
	_, err = e.s.GetUser(e.ctx, "210987654321", "Alice")
	wantErr(t, err, CodeNoSuchEntity, "")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html:
// PathPrefix filter, Marker/MaxItems pagination, no tags in listings.
func TestListUsersPagination(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"carol", "Alice", "dave", "bob", "eve"} {
		path := "/"
		if n == "bob" || n == "dave" {
			path = "/ops/"
		}
		_, err := e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: n, Path: path, Tags: []Tag{{"k", "v"}}}, nil)
		e.ok(err)
	}
	var got []string
	p := Page{MaxItems: 2}
	for pages := 0; ; pages++ {
		pg, err := e.s.ListUsers(e.ctx, acct, "", p)
		e.ok(err)
		for _, u := range pg.Items {
			got = append(got, u.UserName)
			if u.Tags != nil {
				t.Errorf("ListUsers returned tags for %s", u.UserName)
			}
		}
		if !pg.IsTruncated {
			if pg.Marker != "" {
				t.Error("last page has a marker")
			}
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		p.Marker = pg.Marker
	}
	if strings.Join(got, ",") != "Alice,bob,carol,dave,eve" {
		t.Errorf("users = %v", got)
	}
	pg, err := e.s.ListUsers(e.ctx, acct, "/ops/", Page{})
	e.ok(err)
	if len(pg.Items) != 2 || pg.Items[0].UserName != "bob" {
		t.Errorf("prefix /ops/ = %+v", pg.Items)
	}
	_, err = e.s.ListUsers(e.ctx, acct, "", Page{MaxItems: 1001})
	wantErr(t, err, CodeValidationError, "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")
	_, err = e.s.ListUsers(e.ctx, acct, "", Page{Marker: "!!"})
	wantErr(t, err, CodeValidationError, "")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html:
// a renamed user keeps its groups, policies, keys and MFA devices.
func TestUpdateUserRename(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	e.user("taken")
	e.group("devs")
	p := e.policy("P", allow("s3:*", "*"))
	e.ok(e.s.AddUserToGroup(e.ctx, acct, "devs", "alice", nil))
	e.ok(e.s.AttachUserPolicy(e.ctx, acct, "alice", p.ARN, nil))
	e.ok(e.s.PutUserPermissionsBoundary(e.ctx, acct, "alice", p.ARN, nil))
	k, err := e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	e.ok(err)

	wantErr(t, e.s.UpdateUser(e.ctx, acct, "alice", "TAKEN", "", nil), CodeEntityAlreadyExists, "User with name TAKEN already exists.")
	wantErr(t, e.s.UpdateUser(e.ctx, acct, "nobody", "x", "", nil), CodeNoSuchEntity, "The user with name nobody cannot be found.")
	e.ok(e.s.UpdateUser(e.ctx, acct, "alice", "alicia", "/new/", nil))

	_, err = e.s.GetUser(e.ctx, acct, "alice")
	wantErr(t, err, CodeNoSuchEntity, "")
	u, err := e.s.GetUser(e.ctx, acct, "alicia")
	e.ok(err)
	if u.Path != "/new/" || u.ARN != "arn:aws:iam::123456789012:user/new/alicia" || u.PermissionsBoundary != p.ARN {
		t.Errorf("renamed user = %+v", u)
	}
	g, err := e.s.GetGroup(e.ctx, acct, "devs", Page{})
	e.ok(err)
	if len(g.Users.Items) != 1 || g.Users.Items[0].UserName != "alicia" {
		t.Errorf("group users = %+v", g.Users.Items)
	}
	ents, err := e.s.ListEntitiesForPolicy(e.ctx, acct, ListEntitiesForPolicyInput{PolicyARN: p.ARN})
	e.ok(err)
	if len(ents.PolicyUsers) != 1 || ents.PolicyUsers[0].Name != "alicia" {
		t.Errorf("policy users = %+v", ents.PolicyUsers)
	}
	key, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID)
	e.ok(err)
	if key.UserName != "alicia" {
		t.Errorf("key user = %q", key.UserName)
	}
	// A case-only rename is allowed.
	e.ok(e.s.UpdateUser(e.ctx, acct, "alicia", "Alicia", "", nil))
	if u, _ := e.s.GetUser(e.ctx, acct, "alicia"); u == nil || u.UserName != "Alicia" {
		t.Errorf("case rename: %+v", u)
	}
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html:
// "you must delete the items attached to the user manually" — DeleteConflict
// until then.
func TestDeleteUserConflicts(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *env)
		msg   string
	}{
		{"access key", func(e *env) {
			_, err := e.s.CreateAccessKey(e.ctx, acct, "u", nil)
			e.ok(err)
		}, "Cannot delete entity, must delete access keys first."},
		{"inline policy", func(e *env) {
			e.ok(e.s.PutUserPolicy(e.ctx, acct, "u", "p", allow("s3:*", "*"), nil))
		}, "Cannot delete entity, must delete policies first."},
		{"attached policy", func(e *env) {
			e.ok(e.s.AttachUserPolicy(e.ctx, acct, "u", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
		}, "Cannot delete entity, must detach all policies first."},
		{"group", func(e *env) {
			e.group("g")
			e.ok(e.s.AddUserToGroup(e.ctx, acct, "g", "u", nil))
		}, "Cannot delete entity, must remove user from all groups first."},
		{"MFA device", func(e *env) {
			enableMFA(e, "u", "dev")
		}, "Cannot delete entity, must delete MFA device first."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.user("u")
			tt.setup(e)
			wantErr(t, e.s.DeleteUser(e.ctx, acct, "u", nil), CodeDeleteConflict, tt.msg)
		})
	}
	t.Run("clean user with boundary", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: "u", PermissionsBoundary: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}, nil)
		e.ok(err)
		e.ok(e.s.DeleteUser(e.ctx, acct, "u", nil))
		pol, err := e.s.GetPolicy(e.ctx, acct, "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
		e.ok(err)
		if pol.PermissionsBoundaryUsageCount != 0 {
			t.Errorf("boundary usage after delete = %d", pol.PermissionsBoundaryUsageCount)
		}
		wantErr(t, e.s.DeleteUser(e.ctx, acct, "u", nil), CodeNoSuchEntity, "The user with name u cannot be found.")
	})
}

// Every write appends its audit event in its own transaction; a refused
// write appends none. The Audit receives the operation's result.
func TestWritesAppendAuditEvents(t *testing.T) {
	e := newEnv(t)
	var got any
	u, err := e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: "alice"}, func(result any) store.Event {
		got = result
		return store.Event{Username: "admin", Data: []byte(`{"custom":true}`)}
	})
	e.ok(err)
	if gu, ok := got.(*User); !ok || gu.UserID != u.UserID {
		t.Errorf("audit result = %#v", got)
	}
	_, err = e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: "alice"}, nil)
	wantErr(t, err, CodeEntityAlreadyExists, "")
	e.ok(e.s.TagUser(e.ctx, acct, "alice", []Tag{{"a", "b"}}, nil))
	evs := e.allEvents()
	if len(evs) != 2 {
		t.Fatalf("events = %v", e.events())
	}
	first := evs[0]
	if first.Name != "CreateUser" || first.Username != "admin" || string(first.Data) != `{"custom":true}` ||
		first.Account != acct || first.Source != "iam.amazonaws.com" || first.ID == "" || first.Time.IsZero() {
		t.Errorf("event = %+v", first)
	}
	if len(first.Resources) != 1 || first.Resources[0] != (store.EventResource{Type: "AWS::IAM::User", Name: "alice"}) {
		t.Errorf("resources = %+v", first.Resources)
	}
	if evs[1].Name != "TagUser" || len(evs[1].Data) == 0 {
		t.Errorf("default event = %+v", evs[1])
	}
}
