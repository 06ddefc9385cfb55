package audit

import (
	"context"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// BenchmarkBuilderEvent: the record of a read-only call by a role session
// (GetUser with its parameters and answer).
func BenchmarkBuilderEvent(b *testing.B) {
	bl := testBuilder(b, newClock(t0))
	c := Call{
		Caller: &identity.Caller{Type: identity.AssumedRole, Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/ci/deploy",
			UserID: "AROACI:deploy", SessionName: "deploy", AccessKeyID: "ASIADEPLOY", Temporary: true,
			Session: &identity.Session{IssuerType: "Role", IssuerARN: "arn:aws:iam::" + acct + ":role/ci", IssuerName: "ci", IssuerID: "AROACI", IssuedAt: t0}},
		Request:           Request{SourceIP: "127.0.0.1", UserAgent: "aws-sdk-go-v2/1.30.0 os/linux lang/go#1.26", Region: "us-east-1", RequestID: "c0ffee00-0000-4000-8000-000000000000"},
		Source:            "iam.amazonaws.com",
		Operation:         "GetUser",
		RequestParameters: map[string]any{"userName": "bob"},
		Resources:         []Resource{{Type: "AWS::IAM::User", Name: "bob", ARN: "arn:aws:iam::" + acct + ":user/bob"}},
	}
	b.ReportAllocs()
	for b.Loop() {
		bl.Event(c)
	}
}

// BenchmarkBuilderEventTyped: a response given as a typed value, converted
// through JSON for redaction.
func BenchmarkBuilderEventTyped(b *testing.B) {
	bl := testBuilder(b, newClock(t0))
	type user struct {
		UserName, UserId, Arn, Path string
		CreateDate                  time.Time
	}
	c := Call{Caller: userCaller(acct, "alice"), Source: "iam.amazonaws.com", Operation: "CreateUser",
		RequestParameters: map[string]any{"userName": "bob"},
		ResponseElements:  map[string]any{"user": user{UserName: "bob", UserId: "AIDABOB", Arn: "arn:aws:iam::" + acct + ":user/bob", Path: "/", CreateDate: t0}}}
	b.ReportAllocs()
	for b.Loop() {
		bl.Event(c)
	}
}

type discard struct{}

func (discard) AppendEvents(context.Context, []store.Event) error { return nil }

// BenchmarkRecorder: events queued and handed to the store in batches (the
// store discards them): the Recorder's own cost per event.
func BenchmarkRecorder(b *testing.B) {
	r := NewRecorder(RecorderOptions{Store: discard{}, FullWait: time.Second})
	e := ev(1)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := r.Record(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
	r.Close()
}

// BenchmarkRecorderSQLite: 5,000 events recorded into a new SQLite store
// until all are durable, per operation: the throughput of batched appends
// (reported as events/s).
func BenchmarkRecorderSQLite(b *testing.B) {
	const n = 5000
	bl := NewBuilder(BuilderOptions{Now: time.Now})
	ctx := context.Background()
	c := Call{Caller: userCaller(acct, "alice"), Source: "iam.amazonaws.com", Operation: "GetUser", RequestParameters: map[string]any{"userName": "bob"}}
	evs := make([]store.Event, n)
	for i := range evs {
		evs[i] = bl.Event(c)
	}
	b.ReportAllocs()
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		st := openStore(b)
		r := NewRecorder(RecorderOptions{Store: st, FullWait: 10 * time.Second})
		start := time.Now()
		b.StartTimer()
		for i := range evs {
			if err := r.Record(ctx, evs[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := r.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		elapsed += time.Since(start)
		r.Close()
		if s := r.Stats(); s.Stored != n {
			b.Fatalf("stats %+v", s)
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "events/s")
}
