package orgsapi

import (
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
)

// BenchmarkDescribeAccount measures one bound call without HTTP: the
// caller's organization and the account's tags for the authorization,
// then the Service's answer.
func BenchmarkDescribeAccount(b *testing.B) {
	f := newFixture(b)
	f.withOrg()
	member := f.createAccount("Dev", "dev@example.com")
	ctx := identity.NewContext(f.ctx, rootOf(f.mgmt))
	in := &orgswire.DescribeAccountInput{AccountId: member}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.h.DescribeAccount(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
