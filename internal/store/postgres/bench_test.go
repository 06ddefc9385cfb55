package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// The benchmarks need CLEANROOM_TEST_POSTGRES like the tests:
//
//	scripts/postgres-test.sh -run '^$' -bench . -benchmem

func benchStore(b *testing.B) *Store {
	_, dsn := testSchema(b)
	return openTest(b, dsn, Options{})
}

func seed(b *testing.B, s *Store, n int) []store.Key {
	keys := make([]store.Key, n)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx store.Tx) error {
		for i := range keys {
			keys[i] = store.Key{Account: "111122223333", Kind: "iam/user", ID: fmt.Sprintf("user-%05d", i)}
			if err := tx.Create(ctx, store.Record{Key: keys[i], Data: []byte(`{"UserName":"user","Path":"/","Arn":"arn:aws:iam::111122223333:user/user","Tags":[]}`)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return keys
}

func BenchmarkGet(b *testing.B) {
	s := benchStore(b)
	keys := seed(b, s, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := keys[i%len(keys)]
		i++
		if err := s.View(ctx, func(rd store.Reader) error {
			_, err := rd.Get(ctx, k)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetParallel(b *testing.B) {
	s := benchStore(b)
	keys := seed(b, s, 1000)
	ctx, cancel := context.WithCancel(context.Background()) // a context that can end, as a request's can
	defer cancel()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			k := keys[i%len(keys)]
			i++
			if err := s.View(ctx, func(rd store.Reader) error {
				_, err := rd.Get(ctx, k)
				return err
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkList(b *testing.B) {
	s := benchStore(b)
	seed(b, s, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.View(ctx, func(rd store.Reader) error {
			rs, err := rd.List(ctx, store.ListQuery{Account: "111122223333", Kind: "iam/user", Prefix: "user-001", Limit: 100})
			if err == nil && len(rs) != 100 {
				err = fmt.Errorf("%d records", len(rs))
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdatePut(b *testing.B) {
	s := benchStore(b)
	keys := seed(b, s, 100)
	ctx := context.Background()
	data := []byte(`{"UserName":"user","Path":"/","Arn":"arn:aws:iam::111122223333:user/user","Tags":[]}`)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := keys[i%len(keys)]
		i++
		if err := s.Update(ctx, func(tx store.Tx) error {
			return tx.Put(ctx, store.Record{Key: k, Data: data})
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdatePutParallel: concurrent Updates of distinct records, as
// several request goroutines (or nodes) make them.
func BenchmarkUpdatePutParallel(b *testing.B) {
	s := benchStore(b)
	keys := seed(b, s, 1000)
	ctx := context.Background()
	data := []byte(`{"UserName":"user","Path":"/","Arn":"arn:aws:iam::111122223333:user/user","Tags":[]}`)
	b.ReportAllocs()
	var next int64
	start := s.retries.Load()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := keys[int(atomic.AddInt64(&next, 1))%len(keys)]
			if err := s.Update(ctx, func(tx store.Tx) error {
				return tx.Put(ctx, store.Record{Key: k, Data: data})
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	retries := s.retries.Load() - start
	b.ReportMetric(float64(retries)/float64(b.N), "retries/op")
}

func BenchmarkAppendEvents(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprint("batch=", n), func(b *testing.B) {
			s := benchStore(b)
			ctx := context.Background()
			batch := make([]store.Event, n)
			b.ReportAllocs()
			seq := 0
			for b.Loop() {
				for j := range batch {
					seq++
					batch[j] = store.Event{
						ID: fmt.Sprintf("ev-%09d", seq), Account: "111122223333", Time: time.Unix(int64(seq), 0),
						Source: "iam.amazonaws.com", Name: "GetUser", ReadOnly: true, Username: "alice", AccessKeyID: "AKIAALICE",
						Resources: []store.EventResource{{Type: "AWS::IAM::User", Name: "alice"}},
						Data:      []byte(`{"eventVersion":"1.08","eventSource":"iam.amazonaws.com","eventName":"GetUser"}`),
					}
				}
				if err := s.AppendEvents(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGeneration is the request path's check of the generation.
func BenchmarkGeneration(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Generation(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
