package iam

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/iam/iamtest"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// Access keys: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
// (two per user: "Access keys assigned to an IAM user: 2" in the quotas
// page); ids are 20 characters, secrets 40.
func TestAccessKeys(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	k1, err := e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	e.ok(err)
	if !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(k1.AccessKeyID) {
		t.Errorf("access key id = %q", k1.AccessKeyID)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`).MatchString(k1.SecretAccessKey) {
		t.Errorf("secret = %q", k1.SecretAccessKey)
	}
	if k1.Status != StatusActive || k1.UserName != "alice" {
		t.Errorf("key = %+v", k1)
	}
	// The secret is sealed, with the access key id as AAD.
	raw := e.rawRecord(store.Key{Kind: kindAccessKey, ID: k1.AccessKeyID})
	if bytes.Contains(raw, []byte(k1.SecretAccessKey)) {
		t.Error("the secret is stored in clear")
	}
	var rec *accessKeyRec
	e.ok(e.st.View(e.ctx, func(r store.Reader) (err error) {
		rec, err = storejson.Get[accessKeyRec](e.ctx, r, key("", kindAccessKey, k1.AccessKeyID))
		return err
	}))
	if plain, err := (iamtest.Sealer{}).Open(rec.Secret, []byte(k1.AccessKeyID)); err != nil || string(plain) != k1.SecretAccessKey {
		t.Errorf("sealed secret opens to %q, %v", plain, err)
	}

	_, err = e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	e.ok(err)
	_, err = e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	wantErr(t, err, CodeLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = e.s.CreateAccessKey(e.ctx, acct, "bob", nil)
	wantErr(t, err, CodeNoSuchEntity, "The user with name bob cannot be found.")

	list, err := e.s.ListAccessKeys(e.ctx, acct, "alice", Page{})
	e.ok(err)
	if len(list.Items) != 2 || list.Items[0].SecretAccessKey != "" {
		t.Errorf("ListAccessKeys = %+v", list.Items)
	}
	wantErr(t, e.s.UpdateAccessKey(e.ctx, acct, "alice", k1.AccessKeyID, "Disabled", nil), CodeValidationError,
		"1 validation error detected: Value 'Disabled' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
	e.ok(e.s.UpdateAccessKey(e.ctx, acct, "alice", k1.AccessKeyID, StatusInactive, nil))
	e.user("bob")
	wantErr(t, e.s.DeleteAccessKey(e.ctx, acct, "bob", k1.AccessKeyID, nil), CodeNoSuchEntity, "The Access Key with id "+k1.AccessKeyID+" cannot be found.")

	lu, err := e.s.GetAccessKeyLastUsed(e.ctx, acct, k1.AccessKeyID)
	e.ok(err)
	if lu.UserName != "alice" || !lu.LastUsedDate.IsZero() || lu.ServiceName != "N/A" || lu.Region != "N/A" {
		t.Errorf("never used = %+v", lu)
	}
	_, err = e.s.GetAccessKeyLastUsed(e.ctx, "210987654321", k1.AccessKeyID)
	wantErr(t, err, CodeNoSuchEntity, "")

	e.ok(e.s.DeleteAccessKey(e.ctx, acct, "alice", k1.AccessKeyID, nil))
	if _, err := e.s.LookupAccessKey(e.ctx, k1.AccessKeyID); !errors.Is(err, ErrUnknownAccessKey) {
		t.Errorf("deleted key lookup: %v", err)
	}
	if _, err := e.s.CreateAccessKey(e.ctx, acct, "alice", nil); err != nil {
		t.Errorf("a key after deleting one: %v", err)
	}
}

// The root user's keys: CreateAccessKey without UserName called by root.
func TestRootAccessKeys(t *testing.T) {
	e := newEnv(t)
	k, err := e.s.CreateAccessKey(e.ctx, acct, "", nil)
	e.ok(err)
	if k.UserName != "" {
		t.Errorf("root key user = %q", k.UserName)
	}
	got, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID)
	e.ok(err)
	if !got.Root() || got.Account != acct || got.UserID != acct || got.Secret != k.SecretAccessKey {
		t.Errorf("root key = %+v", got)
	}
	c, err := e.s.KeyCaller(e.ctx, got)
	e.ok(err)
	if c.Type != identity.Root || c.ARN != "arn:aws:iam::123456789012:root" || c.AccessKeyID != k.AccessKeyID {
		t.Errorf("root caller = %+v", c)
	}
	list, err := e.s.ListAccessKeys(e.ctx, acct, "", Page{})
	e.ok(err)
	if len(list.Items) != 1 {
		t.Errorf("root keys = %+v", list.Items)
	}
	_, err = e.s.CreateAccessKey(e.ctx, acct, "", nil)
	e.ok(err)
	_, err = e.s.CreateAccessKey(e.ctx, acct, "", nil)
	wantErr(t, err, CodeLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
}

// The request path: LookupAccessKey and callers are cached until the store
// generation changes, and see every commit after that.
func TestLookupAccessKeyFollowsGenerations(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: "alice", Path: "/eng/", Tags: []Tag{{"team", "data"}}}, nil)
	e.ok(err)
	k, err := e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	e.ok(err)
	got, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID)
	e.ok(err)
	if got.Secret != k.SecretAccessKey || !got.Active() || got.UserName != "alice" || got.Account != acct {
		t.Errorf("key = %+v", got)
	}
	c, err := e.s.KeyCaller(e.ctx, got)
	e.ok(err)
	u, _ := e.s.GetUser(e.ctx, acct, "alice")
	if c.Type != identity.IAMUser || c.ARN != "arn:aws:iam::123456789012:user/eng/alice" || c.UserID != u.UserID ||
		c.PrincipalID != u.UserID || c.Path != "/eng/" || c.Tags["team"] != "data" || c.AccessKeyID != k.AccessKeyID {
		t.Errorf("caller = %+v", c)
	}
	e.ok(e.s.UpdateAccessKey(e.ctx, acct, "alice", k.AccessKeyID, StatusInactive, nil))
	got, err = e.s.LookupAccessKey(e.ctx, k.AccessKeyID)
	e.ok(err)
	if got.Active() {
		t.Error("an inactive key is still active after the generation changed")
	}
	e.ok(e.s.TagUser(e.ctx, acct, "alice", []Tag{{"team", "ml"}}, nil))
	c, err = e.s.UserCaller(e.ctx, acct, "alice")
	e.ok(err)
	if c.Tags["team"] != "ml" {
		t.Errorf("caller tags after TagUser = %v", c.Tags)
	}
	if _, err := e.s.LookupAccessKey(e.ctx, "AKIAAAAAAAAAAAAAAAAA"); !errors.Is(err, ErrUnknownAccessKey) {
		t.Errorf("unknown key: %v", err)
	}
	// A warm lookup reads nothing and writes nothing.
	before := e.generation()
	for i := 0; i < 10; i++ {
		if _, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID); err != nil {
			t.Fatal(err)
		}
	}
	if e.generation() != before {
		t.Error("lookups wrote to the store")
	}
}

// RecordAccessKeyUse writes at most once a minute per key; GetAccessKeyLastUsed
// sees the latest use. https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html
func TestRecordAccessKeyUse(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	k, err := e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	e.ok(err)
	before := e.generation()
	e.ok(e.s.RecordAccessKeyUse(e.ctx, k.AccessKeyID, "s3", "us-east-1"))
	e.clock.Advance(10 * time.Second)
	for i := 0; i < 100; i++ {
		e.ok(e.s.RecordAccessKeyUse(e.ctx, k.AccessKeyID, "cleanrooms", "eu-west-1"))
	}
	if n := e.generation() - before; n != 1 {
		t.Errorf("%d writes for 101 uses within a minute, want 1", n)
	}
	lu, err := e.s.GetAccessKeyLastUsed(e.ctx, acct, k.AccessKeyID)
	e.ok(err)
	if lu.ServiceName != "cleanrooms" || lu.Region != "eu-west-1" || !lu.LastUsedDate.Equal(e.clock.Now()) {
		t.Errorf("last used = %+v", lu)
	}
	e.clock.Advance(time.Minute)
	e.ok(e.s.RecordAccessKeyUse(e.ctx, k.AccessKeyID, "sts", "us-east-1"))
	if n := e.generation() - before; n != 2 {
		t.Errorf("%d writes after a minute, want 2", n)
	}
	e.ok(e.s.RecordAccessKeyUse(e.ctx, k.AccessKeyID, "iam", "us-east-1"))
	e.ok(e.s.FlushAccessKeyUse(e.ctx))
	// A fresh Service (another node) reads what was flushed.
	s2, err := New(Options{Store: e.st, Now: e.clock.Now, Sealer: iamtest.Sealer{}})
	e.ok(err)
	lu, err = s2.GetAccessKeyLastUsed(e.ctx, acct, k.AccessKeyID)
	e.ok(err)
	if lu.ServiceName != "iam" {
		t.Errorf("after flush = %+v", lu)
	}
}

// IdentityPolicies gathers a user's inline and attached policies and its
// groups' ("Policy evaluation logic": identity-based policies are those
// attached to the principal, including through groups).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestIdentityPolicies(t *testing.T) {
	e := newEnv(t)
	u := e.user("alice")
	e.group("devs")
	p := e.policy("Managed", allow("s3:GetObject", "*"))
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "alice", "own", allow("sqs:*", "*"), nil))
	e.ok(e.s.AttachUserPolicy(e.ctx, acct, "alice", p.ARN, nil))
	e.ok(e.s.AddUserToGroup(e.ctx, acct, "devs", "alice", nil))
	e.ok(e.s.PutGroupPolicy(e.ctx, acct, "devs", "grp", deny("s3:DeleteObject", "*"), nil))
	e.ok(e.s.AttachGroupPolicy(e.ctx, acct, "devs", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	pp, err := e.s.IdentityPolicies(e.ctx, acct, u.ARN)
	e.ok(err)
	var names []string
	for _, c := range pp.Identity {
		names = append(names, c.Name)
	}
	want := []string{"user/alice/own", p.ARN, "group/devs/grp", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}
	if len(names) != len(want) {
		t.Fatalf("policies = %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("policy %d = %q, want %q", i, names[i], want[i])
		}
	}
	if len(pp.Boundary) != 0 {
		t.Errorf("boundary = %v", pp.Boundary)
	}
	req := &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: policy.NewContext(0)}
	if !pp.Identity[1].Evaluate(req).Allowed {
		t.Error("the managed policy does not allow s3:GetObject")
	}
	again, err := e.s.IdentityPolicies(e.ctx, acct, u.ARN)
	e.ok(err)
	if again != pp {
		t.Error("a warm call did not use the cache")
	}
	// A new version as default is seen at the next generation.
	_, err = e.s.CreatePolicyVersion(e.ctx, acct, p.ARN, allow("s3:PutObject", "*"), true, nil)
	e.ok(err)
	pp2, err := e.s.IdentityPolicies(e.ctx, acct, u.ARN)
	e.ok(err)
	req = &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: policy.NewContext(0)}
	if pp2.Identity[1].Evaluate(req).Allowed {
		t.Error("the old default version is still in force")
	}
	_, err = e.s.IdentityPolicies(e.ctx, acct, "arn:aws:iam::123456789012:user/nobody")
	wantErr(t, err, CodeNoSuchEntity, "")
	_, err = e.s.IdentityPolicies(e.ctx, acct, "arn:aws:sts::123456789012:assumed-role/r/s")
	wantErr(t, err, CodeInvalidInput, "")
}

// GetRoleForAssume gives STS the role's compiled trust policy and limits.
func TestGetRoleForAssume(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.CreateRole(e.ctx, acct, CreateRoleInput{RoleName: "Runner", Path: "/svc/", AssumeRolePolicyDocument: trustEC2, MaxSessionDuration: 7200, Tags: []Tag{{"a", "b"}}}, nil)
	e.ok(err)
	r, err := e.s.GetRoleForAssume(e.ctx, acct, "runner")
	e.ok(err)
	if r.Name != "Runner" || r.ARN != "arn:aws:iam::123456789012:role/svc/Runner" || r.MaxSessionDuration != 7200 || r.Trust == nil || len(r.Tags) != 1 || r.Path != "/svc/" {
		t.Errorf("role = %+v", r)
	}
	p := policy.ParsePrincipal("ec2.amazonaws.com")
	req := &policy.Request{Action: "sts:AssumeRole", Resource: r.ARN, Principal: &p, Context: policy.NewContext(0)}
	if !r.Trust.Evaluate(req).Allowed {
		t.Error("the trust policy does not allow ec2.amazonaws.com")
	}
	_, err = e.s.GetRoleForAssume(e.ctx, acct, "nope")
	wantErr(t, err, CodeNoSuchEntity, "The role with name nope cannot be found.")
}

// Changes committed by another node (another Service on the same store) are
// seen once the cache's generation reading is older than
// CacheCheckInterval; this node's own writes at once.
func TestCacheSeesOtherNodes(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	k, err := e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	e.ok(err)
	other, err := New(Options{Store: e.st, Now: e.clock.Now, Sealer: iamtest.Sealer{}})
	e.ok(err)
	strict, err := New(Options{Store: e.st, Now: e.clock.Now, Sealer: iamtest.Sealer{}, CacheCheckInterval: -1})
	e.ok(err)
	for _, s := range []*Service{e.s, strict} {
		if _, err := s.LookupAccessKey(e.ctx, k.AccessKeyID); err != nil {
			t.Fatal(err)
		}
	}
	e.ok(other.DeleteAccessKey(e.ctx, acct, "alice", k.AccessKeyID, nil))
	if _, err := strict.LookupAccessKey(e.ctx, k.AccessKeyID); !errors.Is(err, ErrUnknownAccessKey) {
		t.Errorf("with CacheCheckInterval < 0 the deleted key is still found: %v", err)
	}
	if _, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID); err != nil {
		t.Errorf("within the interval the cached key is gone: %v", err)
	}
	e.clock.Advance(time.Second)
	if _, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID); !errors.Is(err, ErrUnknownAccessKey) {
		t.Errorf("after the interval the deleted key is still found: %v", err)
	}
}
