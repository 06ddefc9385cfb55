package orgs

import "testing"

// BenchmarkSCPLevels measures the warm request-path lookup the server makes
// for every request of a member account: a generation check and a cache
// hit. The account sits two OUs deep with a custom SCP at each OU.
func BenchmarkSCPLevels(b *testing.B) {
	e := newEnv(b)
	a := e.account("a")
	ou1 := e.ou(e.root, "one")
	ou2 := e.ou(ou1, "two")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, ou2, nil))
	for i, ou := range []string{ou1, ou2} {
		p := e.policy(PolicyTypeSCP, "deny"+string(rune('0'+i)), scpDeny("s3:*"))
		e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, p, ou, nil))
	}
	if l, err := e.s.SCPLevels(e.ctx, a); err != nil || len(l) != 4 {
		b.Fatal(l, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		l, err := e.s.SCPLevels(e.ctx, a)
		if err != nil || len(l) != 4 {
			b.Fatal(l, err)
		}
	}
}

// BenchmarkOrgContext measures the warm lookup of aws:PrincipalOrgID and
// aws:PrincipalOrgPaths.
func BenchmarkOrgContext(b *testing.B) {
	e := newEnv(b)
	a := e.account("a")
	if _, _, err := e.s.OrgContext(e.ctx, a); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		org, paths, err := e.s.OrgContext(e.ctx, a)
		if err != nil || org == "" || len(paths) != 1 {
			b.Fatal(org, paths, err)
		}
	}
}

// BenchmarkSCPLevelsCold measures the first lookup after a commit: reading
// the account's place in the tree and its attachments, with the compiled
// policies found in their cache.
func BenchmarkSCPLevelsCold(b *testing.B) {
	e := newEnv(b)
	a := e.account("a")
	ou := e.ou(e.root, "one")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, ou, nil))
	e.ok(e.s.AttachPolicy(e.ctx, e.mgmt, e.policy(PolicyTypeSCP, "deny", scpDeny("s3:*")), ou, nil))
	b.ReportAllocs()
	for b.Loop() {
		e.s.hot.Store(nil)
		if l, err := e.s.SCPLevels(e.ctx, a); err != nil || len(l) != 3 {
			b.Fatal(l, err)
		}
	}
}
