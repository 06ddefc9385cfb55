package audit_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/audit"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
)

// BenchmarkWriteWithTrail measures what the audit trail adds to a write: the
// same durable store.Update (one record written, as CreateUser writes its
// user) without an event, and with the CloudTrail record built by the
// Builder and appended in the transaction, as the server does.
//
//	go test -run '^$' -bench WriteWithTrail -benchmem ./internal/audit/
func BenchmarkWriteWithTrail(b *testing.B) {
	caller := &identity.Caller{Type: identity.IAMUser, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/admin",
		PrincipalARN: "arn:aws:iam::111122223333:user/admin", UserID: "AIDAEXAMPLEADMIN12345", Name: "admin", AccessKeyID: "AKIAEXAMPLEADMIN1234"}
	data := []byte(`{"name":"u","path":"/","id":"AIDAEXAMPLEUSER123456","created":"2026-11-23T18:00:00Z"}`)
	for _, withTrail := range []bool{false, true} {
		b.Run(fmt.Sprint("trail=", withTrail), func(b *testing.B) {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			bld := audit.NewBuilder(audit.BuilderOptions{})
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				id := fmt.Sprintf("u%d", i)
				err := s.Update(ctx, func(tx store.Tx) error {
					if err := tx.Create(ctx, store.Record{Key: store.Key{Account: "111122223333", Kind: "iam/user", ID: id}, Data: data}); err != nil {
						return err
					}
					if !withTrail {
						return nil
					}
					return tx.Append(ctx, bld.Event(audit.Call{
						Caller: caller, Request: audit.Request{SourceIP: "127.0.0.1", UserAgent: "aws-cli/1.45.11", Region: "us-east-1", RequestID: "req"},
						Source: "iam.amazonaws.com", Operation: "CreateUser",
						RequestParameters: map[string]any{"userName": id},
						ResponseElements:  map[string]any{"user": map[string]any{"userName": id, "path": "/", "arn": "arn:aws:iam::111122223333:user/" + id}},
						Resources:         []audit.Resource{{Type: "AWS::IAM::User", Name: id}},
					}))
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
