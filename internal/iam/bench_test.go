package iam

import (
	"fmt"
	"testing"
)

// BenchmarkLookupAccessKey measures the warm request-path lookup SigV4 makes
// for every request: a generation check and a cache hit.
func BenchmarkLookupAccessKey(b *testing.B) {
	e := newEnv(b)
	e.user("alice")
	k, err := e.s.CreateAccessKey(e.ctx, acct, "alice", nil)
	e.ok(err)
	if _, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got, err := e.s.LookupAccessKey(e.ctx, k.AccessKeyID)
		if err != nil || got.Secret == "" {
			b.Fatal(got, err)
		}
	}
}

// BenchmarkIdentityPolicies measures the warm lookup of a user's compiled
// policies (two inline, three managed, two groups with one policy each).
func BenchmarkIdentityPolicies(b *testing.B) {
	e := newEnv(b)
	u := e.user("alice")
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "alice", "a", allow("s3:GetObject", "*"), nil))
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "alice", "b", allow("sqs:*", "*"), nil))
	for i := 0; i < 3; i++ {
		p := e.policy(fmt.Sprintf("m%d", i), allow(fmt.Sprintf("cleanrooms:Get%d", i), "*"))
		e.ok(e.s.AttachUserPolicy(e.ctx, acct, "alice", p.ARN, nil))
	}
	for i := 0; i < 2; i++ {
		g := fmt.Sprintf("g%d", i)
		e.group(g)
		e.ok(e.s.AddUserToGroup(e.ctx, acct, g, "alice", nil))
		e.ok(e.s.PutGroupPolicy(e.ctx, acct, g, "gp", deny("s3:DeleteObject", "*"), nil))
	}
	if _, err := e.s.IdentityPolicies(e.ctx, acct, u.ARN); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		pp, err := e.s.IdentityPolicies(e.ctx, acct, u.ARN)
		if err != nil || len(pp.Identity) != 7 {
			b.Fatal(pp, err)
		}
	}
}

// BenchmarkIdentityPoliciesCold measures the first lookup after a commit:
// reading the records and finding the compiled policies in their cache.
func BenchmarkIdentityPoliciesCold(b *testing.B) {
	e := newEnv(b)
	u := e.user("alice")
	e.ok(e.s.PutUserPolicy(e.ctx, acct, "alice", "a", allow("s3:GetObject", "*"), nil))
	e.ok(e.s.AttachUserPolicy(e.ctx, acct, "alice", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", nil))
	b.ReportAllocs()
	for b.Loop() {
		e.s.hot.Store(nil)
		if _, err := e.s.IdentityPolicies(e.ctx, acct, u.ARN); err != nil {
			b.Fatal(err)
		}
	}
}
