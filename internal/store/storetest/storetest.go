// Package storetest is the conformance suite of store.Store: every backend
// runs it from its own tests,
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { ... a new, empty store ... })
//	}
//
// and is expected to pass it under the race detector. The suite pins down
// what the store package's documentation says and the choices it leaves to
// backends, so that domain code behaves alike on every backend:
//
//   - IDs are listed in bytewise order (valid UTF-8; the suite never uses
//     invalid UTF-8 or NUL bytes in keys, which PostgreSQL's text refuses).
//   - A Tx operation that fails with a store error (ErrExists, ErrNotFound,
//     ErrVersion) does not spoil the transaction: fn may carry on and commit.
//   - Times are kept to the microsecond at least; Updated is in UTC.
//   - Events with equal times are listed newest appended first; Before with
//     an ID the account does not hold is ErrNotFound; an event ID an account
//     already holds is ErrExists and fails the whole AppendEvents batch.
//   - Update resolves conflicts between concurrent transactions itself
//     (waiting or retrying fn): its callers see fn's errors and nothing else.
//   - A panic in fn rolls its transaction back and leaves the store usable.
//   - Reader and Tx values must not be used after their View or Update
//     returned: they fail.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Run runs the suite. open must return a new, empty store each time it is
// called; Run closes it when the subtest ends (closing twice must be
// harmless).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	o := func(t *testing.T) store.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() { s.Close() })
		return s
	}
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"CreateGet", testCreateGet},
		{"CreateExists", testCreateExists},
		{"GetMissing", testGetMissing},
		{"PutUnconditional", testPutUnconditional},
		{"PutConditional", testPutConditional},
		{"Delete", testDelete},
		{"Data", testData},
		{"Keys", testKeys},
		{"ListOrder", testListOrder},
		{"ListQueries", testListQueries},
		{"ListPaginate", testListPaginate},
		{"Isolation", testIsolation},
		{"UpdateRollback", testUpdateRollback},
		{"UpdateStoreErrors", testUpdateStoreErrors},
		{"UpdateContinuesAfterStoreError", testUpdateContinues},
		{"UpdateReadsOwnWrites", testReadOwnWrites},
		{"UpdatePanic", testUpdatePanic},
		{"ViewPanic", testViewPanic},
		{"ViewError", testViewError},
		{"ViewSnapshot", testViewSnapshot},
		{"TxAfterEnd", testTxAfterEnd},
		{"EventsWithUpdate", testEventsWithUpdate},
		{"EventsRoundTrip", testEventsRoundTrip},
		{"EventsFilters", testEventsFilters},
		{"EventsPaginate", testEventsPaginate},
		{"EventsDuplicateID", testEventsDuplicateID},
		{"EventsBeforeUnknown", testEventsBeforeUnknown},
		{"EventsDeleteBefore", testEventsDeleteBefore},
		{"Generation", testGeneration},
		{"ConcurrentQuota", testConcurrentQuota},
		{"ConcurrentCounter", testConcurrentCounter},
		{"ConcurrentSnapshots", testConcurrentSnapshots},
		{"Canceled", testCanceled},
		{"Closed", testClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, o(t)) })
	}
}

var errTest = errors.New("storetest: error returned by fn")

func key(account, kind, id string) store.Key {
	return store.Key{Account: account, Kind: kind, ID: id}
}

func rec(k store.Key, data string) store.Record {
	return store.Record{Key: k, Data: []byte(data)}
}

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func create(t *testing.T, s store.Store, rs ...store.Record) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for _, r := range rs {
			if err := tx.Create(t.Context(), r); err != nil {
				return err
			}
		}
		return nil
	})
}

func get(t *testing.T, s store.Store, k store.Key) (store.Record, error) {
	t.Helper()
	var r store.Record
	err := s.View(t.Context(), func(rd store.Reader) error {
		var err error
		r, err = rd.Get(t.Context(), k)
		return err
	})
	return r, err
}

func mustGet(t *testing.T, s store.Store, k store.Key) store.Record {
	t.Helper()
	r, err := get(t, s, k)
	if err != nil {
		t.Fatalf("Get %v: %v", k, err)
	}
	return r
}

func list(t *testing.T, s store.Store, q store.ListQuery) []store.Record {
	t.Helper()
	var rs []store.Record
	if err := s.View(t.Context(), func(rd store.Reader) error {
		var err error
		rs, err = rd.List(t.Context(), q)
		return err
	}); err != nil {
		t.Fatalf("List %+v: %v", q, err)
	}
	return rs
}

func ids(rs []store.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

func wantRecord(t *testing.T, got store.Record, k store.Key, data string, version int64) {
	t.Helper()
	if got.Key != k || string(got.Data) != data || got.Version != version {
		t.Fatalf("got record %v %q version %d, want %v %q version %d", got.Key, got.Data, got.Version, k, data, version)
	}
	if got.Updated.IsZero() || got.Updated.Location() != time.UTC {
		t.Fatalf("record %v: Updated %v, want a non-zero UTC time", k, got.Updated)
	}
}

func testCreateGet(t *testing.T, s store.Store) {
	k := key("111122223333", "iam/user", "alice")
	create(t, s, rec(k, `{"name":"alice"}`))
	wantRecord(t, mustGet(t, s, k), k, `{"name":"alice"}`, 1)

	// Inside the transaction too.
	update(t, s, func(tx store.Tx) error {
		r, err := tx.Get(t.Context(), k)
		if err != nil {
			return err
		}
		wantRecord(t, r, k, `{"name":"alice"}`, 1)
		return nil
	})
}

func testCreateExists(t *testing.T, s store.Store) {
	k := key("111122223333", "iam/user", "alice")
	create(t, s, rec(k, "first"))
	err := s.Update(t.Context(), func(tx store.Tx) error {
		return tx.Create(t.Context(), rec(k, "second"))
	})
	wantErr(t, "second Create", err, store.ErrExists)
	// Create ignores the version it is given: a record is created at 1.
	err = s.Update(t.Context(), func(tx store.Tx) error {
		return tx.Create(t.Context(), store.Record{Key: k, Data: []byte("third"), Version: 1})
	})
	wantErr(t, "Create with a version", err, store.ErrExists)
	wantRecord(t, mustGet(t, s, k), k, "first", 1)

	k2 := key("111122223333", "iam/user", "bob")
	create(t, s, store.Record{Key: k2, Data: []byte("b"), Version: 7})
	wantRecord(t, mustGet(t, s, k2), k2, "b", 1)
}

func testGetMissing(t *testing.T, s store.Store) {
	_, err := get(t, s, key("111122223333", "iam/user", "nobody"))
	wantErr(t, "Get of a missing record", err, store.ErrNotFound)
	err = s.Update(t.Context(), func(tx store.Tx) error {
		_, err := tx.Get(t.Context(), key("111122223333", "iam/user", "nobody"))
		return err
	})
	wantErr(t, "Tx.Get of a missing record", err, store.ErrNotFound)
}

func testPutUnconditional(t *testing.T, s store.Store) {
	k := key("111122223333", "iam/role", "admin")
	update(t, s, func(tx store.Tx) error { return tx.Put(t.Context(), rec(k, "v1")) })
	first := mustGet(t, s, k)
	wantRecord(t, first, k, "v1", 1)
	for i := 2; i <= 4; i++ {
		data := fmt.Sprintf("v%d", i)
		update(t, s, func(tx store.Tx) error { return tx.Put(t.Context(), rec(k, data)) })
		r := mustGet(t, s, k)
		wantRecord(t, r, k, data, int64(i))
		if r.Updated.Before(first.Updated) {
			t.Fatalf("Updated went back from %v to %v", first.Updated, r.Updated)
		}
	}
}

func testPutConditional(t *testing.T, s store.Store) {
	k := key("111122223333", "iam/policy", "p")
	create(t, s, rec(k, "v1"))
	put := func(data string, version int64) error {
		return s.Update(t.Context(), func(tx store.Tx) error {
			return tx.Put(t.Context(), store.Record{Key: k, Data: []byte(data), Version: version})
		})
	}
	if err := put("v2", 1); err != nil {
		t.Fatalf("Put at the current version: %v", err)
	}
	wantRecord(t, mustGet(t, s, k), k, "v2", 2)

	for _, stale := range []int64{1, 3, 100, -1} {
		wantErr(t, fmt.Sprintf("Put at version %d", stale), put("stale", stale), store.ErrVersion)
	}
	wantRecord(t, mustGet(t, s, k), k, "v2", 2)

	// A conditional Put of a record that does not exist.
	err := s.Update(t.Context(), func(tx store.Tx) error {
		return tx.Put(t.Context(), store.Record{Key: key("111122223333", "iam/policy", "none"), Data: []byte("x"), Version: 1})
	})
	wantErr(t, "conditional Put of a missing record", err, store.ErrNotFound)
	_, err = get(t, s, key("111122223333", "iam/policy", "none"))
	wantErr(t, "Get after a failed conditional Put", err, store.ErrNotFound)

	// Read-modify-write in one transaction, with the version read.
	update(t, s, func(tx store.Tx) error {
		r, err := tx.Get(t.Context(), k)
		if err != nil {
			return err
		}
		r.Data = append(r.Data, '!')
		if err := tx.Put(t.Context(), r); err != nil {
			return err
		}
		r2, err := tx.Get(t.Context(), k)
		if err != nil {
			return err
		}
		if r2.Version != r.Version+1 {
			t.Errorf("version inside the transaction: got %d, want %d", r2.Version, r.Version+1)
		}
		// The version read before the Put is stale now.
		if err := tx.Put(t.Context(), r); !errors.Is(err, store.ErrVersion) {
			t.Errorf("second Put at the old version: got %v, want ErrVersion", err)
		}
		return nil
	})
	wantRecord(t, mustGet(t, s, k), k, "v2!", 3)
}

func testDelete(t *testing.T, s store.Store) {
	k := key("111122223333", "iam/group", "devs")
	create(t, s, rec(k, "x"))
	update(t, s, func(tx store.Tx) error { return tx.Delete(t.Context(), k) })
	_, err := get(t, s, k)
	wantErr(t, "Get after Delete", err, store.ErrNotFound)
	err = s.Update(t.Context(), func(tx store.Tx) error { return tx.Delete(t.Context(), k) })
	wantErr(t, "second Delete", err, store.ErrNotFound)
	// A deleted key can be created again, from version 1.
	create(t, s, rec(k, "again"))
	wantRecord(t, mustGet(t, s, k), k, "again", 1)
	if rs := list(t, s, store.ListQuery{Account: k.Account, Kind: k.Kind}); len(rs) != 1 {
		t.Fatalf("List after delete and create: %d records, want 1", len(rs))
	}
}

func testData(t *testing.T, s store.Store) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	cases := []struct {
		id   string
		data []byte
	}{
		{"json", []byte(`{"a":[1,2,3],"b":"ü"}`)},
		{"binary", binary},
		{"empty", []byte{}},
		{"nil", nil},
		{"big", big},
	}
	for _, c := range cases {
		k := key("111122223333", "test/data", c.id)
		// The store must not keep the caller's slice.
		in := bytes.Clone(c.data)
		update(t, s, func(tx store.Tx) error { return tx.Create(t.Context(), store.Record{Key: k, Data: in}) })
		for i := range in {
			in[i] ^= 0xff
		}
		got := mustGet(t, s, k)
		if !bytes.Equal(got.Data, c.data) {
			t.Fatalf("%s: data of %d bytes came back as %d bytes, different", c.id, len(c.data), len(got.Data))
		}
		// Nor give out its own.
		for i := range got.Data {
			got.Data[i] ^= 0xff
		}
		if again := mustGet(t, s, k); !bytes.Equal(again.Data, c.data) {
			t.Fatalf("%s: changing a returned record changed the stored one", c.id)
		}
	}
}

func testKeys(t *testing.T, s store.Store) {
	keys := []store.Key{
		key("", "account", "111122223333"), // a global record
		key("111122223333", "iam/user", "Ünïcødé-名前"),
		key("111122223333", "iam/user", "with space and 'quote\" and %_*?"),
		key("111122223333", "iam/user", strings.Repeat("x", 512)),
		key("111122223333", "iam/user", "a/b/c"),
	}
	for i, k := range keys {
		create(t, s, rec(k, fmt.Sprint(i)))
	}
	for i, k := range keys {
		wantRecord(t, mustGet(t, s, k), k, fmt.Sprint(i), 1)
	}
	// LIKE-style wildcards in a prefix are literal.
	if got := ids(list(t, s, store.ListQuery{Account: "111122223333", Kind: "iam/user", Prefix: "with space and 'quote\" and %_"})); len(got) != 1 {
		t.Fatalf("prefix with wildcard characters: got %q", got)
	}
	if got := ids(list(t, s, store.ListQuery{Account: "111122223333", Kind: "iam/user", Prefix: "%"})); len(got) != 0 {
		t.Fatalf("prefix %%: got %q, want none", got)
	}
	if got := ids(list(t, s, store.ListQuery{Account: "111122223333", Kind: "iam/user", Prefix: "_"})); len(got) != 0 {
		t.Fatalf("prefix _: got %q, want none", got)
	}
}

// sortedIDs is a set of IDs chosen to tell bytewise order from others:
// case, length, punctuation, multi-byte UTF-8 (whose first bytes sort after
// ASCII) and code points around byte boundaries.
var sortedIDs = []string{
	"A", "AB", "B", "Z", "_", "a", "a-", "a.b", "a/", "a/b", "aa", "ab", "abc", "b", "z", "~",
	"\u00e9", "\u00ff", "\u00ffa", "\u0100", "\u07ff", "\u0800", "\uffef", "\U0001F600",
}

func seedSorted(t *testing.T, s store.Store, account, kind string) {
	t.Helper()
	rs := make([]store.Record, 0, len(sortedIDs))
	// Insert in a scrambled order so insertion order cannot pass for ID order.
	for i := range sortedIDs {
		id := sortedIDs[(i*7)%len(sortedIDs)]
		rs = append(rs, rec(key(account, kind, id), "data:"+id))
	}
	create(t, s, rs...)
}

func testListOrder(t *testing.T, s store.Store) {
	if !slices.IsSorted(sortedIDs) || len(slices.Compact(slices.Clone(sortedIDs))) != len(sortedIDs) {
		t.Fatal("sortedIDs is not strictly sorted")
	}
	seedSorted(t, s, "111122223333", "k")
	rs := list(t, s, store.ListQuery{Account: "111122223333", Kind: "k"})
	if got := ids(rs); !slices.Equal(got, sortedIDs) {
		t.Fatalf("List order:\n got %q\nwant %q", got, sortedIDs)
	}
	for _, r := range rs {
		wantRecord(t, r, r.Key, "data:"+r.ID, 1)
	}
	if rs := list(t, s, store.ListQuery{Account: "111122223333", Kind: "empty"}); len(rs) != 0 {
		t.Fatalf("List of an empty kind: %d records", len(rs))
	}
}

// model is what a ListQuery should return from sortedIDs.
func model(q store.ListQuery) []string {
	var out []string
	for _, id := range sortedIDs {
		if !strings.HasPrefix(id, q.Prefix) || (q.After != "" && id <= q.After) {
			continue
		}
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
		out = append(out, id)
	}
	return out
}

func testListQueries(t *testing.T, s store.Store) {
	seedSorted(t, s, "111122223333", "k")
	cases := []struct {
		prefix, after string
		limit         int
		wantN         int // a check on the model itself
	}{
		{"", "", 0, len(sortedIDs)},
		{"a", "", 0, 8},
		{"a/", "", 0, 2},
		{"ab", "", 0, 2},
		{"A", "", 0, 2},
		{"abcd", "", 0, 0},
		{"\u00ff", "", 0, 2},
		{"\u00e9", "", 0, 1},
		{"\U0001F600", "", 0, 1},
		{"", "a", 0, 18},
		{"", "aa", 3, 3},
		{"", "zzz", 0, 9},
		{"", "\U0001F600", 0, 0},
		{"", "", 5, 5},
		{"", "", 1000, len(sortedIDs)},
		{"a", "a/", 0, 4},
		{"a", "A", 0, 8},  // After before the prefix range
		{"a", "b", 0, 0},  // After past the prefix range
		{"a", "a", 2, 2},  // After the prefix itself
		{"a", "ab", 0, 1}, // inside the range
		{"a", "a.", 0, 6}, // After an ID that is not stored
		{"\u00ff", "\u00ff", 0, 1},
		{"", "", -1, len(sortedIDs)}, // a negative limit is no limit
	}
	for _, c := range cases {
		q := store.ListQuery{Account: "111122223333", Kind: "k", Prefix: c.prefix, After: c.after, Limit: c.limit}
		want := model(q)
		if len(want) != c.wantN {
			t.Fatalf("model of %+v gives %d IDs, the case says %d", q, len(want), c.wantN)
		}
		if got := ids(list(t, s, q)); !slices.Equal(got, want) {
			t.Errorf("List %+v:\n got %q\nwant %q", q, got, want)
		}
	}
}

func testListPaginate(t *testing.T, s store.Store) {
	seedSorted(t, s, "111122223333", "k")
	for _, prefix := range []string{"", "a", "\u00ff", "nothing"} {
		for _, limit := range []int{1, 2, 3, 7, 100} {
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				if pages > len(sortedIDs)+1 {
					t.Fatalf("prefix %q limit %d: pagination does not end", prefix, limit)
				}
				page := ids(list(t, s, store.ListQuery{Account: "111122223333", Kind: "k", Prefix: prefix, After: after, Limit: limit}))
				if len(page) > limit {
					t.Fatalf("page of %d records with limit %d", len(page), limit)
				}
				got = append(got, page...)
				if len(page) < limit {
					break
				}
				after = page[len(page)-1]
			}
			if want := model(store.ListQuery{Prefix: prefix}); !slices.Equal(got, want) {
				t.Errorf("prefix %q limit %d pages:\n got %q\nwant %q", prefix, limit, got, want)
			}
		}
	}
}

func testIsolation(t *testing.T, s store.Store) {
	// The same ID under different accounts and kinds: distinct records.
	// Kinds and accounts that are prefixes of each other must not mix.
	keys := []store.Key{
		key("111122223333", "iam/user", "x"),
		key("111122223333", "iam/user2", "x"),
		key("111122223333", "iam/use", "x"),
		key("11112222333", "iam/user", "x"),
		key("1111222233334", "iam/user", "x"),
		key("", "iam/user", "x"),
		key("444455556666", "iam/user", "x"),
		key("111122223333", "iam/role", "x"),
	}
	for i, k := range keys {
		create(t, s, rec(k, fmt.Sprint(i)))
	}
	for i, k := range keys {
		wantRecord(t, mustGet(t, s, k), k, fmt.Sprint(i), 1)
		rs := list(t, s, store.ListQuery{Account: k.Account, Kind: k.Kind})
		if len(rs) != 1 || rs[0].Key != k || string(rs[0].Data) != fmt.Sprint(i) {
			t.Fatalf("List of %q %q: got %v", k.Account, k.Kind, rs)
		}
	}
	update(t, s, func(tx store.Tx) error { return tx.Delete(t.Context(), keys[0]) })
	for _, k := range keys[1:] {
		mustGet(t, s, k)
	}
	update(t, s, func(tx store.Tx) error { return tx.Put(t.Context(), rec(keys[1], "changed")) })
	for i, k := range keys[2:] {
		wantRecord(t, mustGet(t, s, k), k, fmt.Sprint(i+2), 1)
	}
}

func testUpdateRollback(t *testing.T, s store.Store) {
	kept := key("111122223333", "k", "kept")
	fresh := key("111122223333", "k", "fresh")
	gone := key("111122223333", "k", "gone")
	create(t, s, rec(kept, "original"), rec(gone, "x"))

	err := s.Update(t.Context(), func(tx store.Tx) error {
		ctx := t.Context()
		if err := tx.Create(ctx, rec(fresh, "new")); err != nil {
			return err
		}
		if err := tx.Put(ctx, rec(kept, "changed")); err != nil {
			return err
		}
		if err := tx.Delete(ctx, gone); err != nil {
			return err
		}
		if err := tx.Append(ctx, event("111122223333", "rolled-back", time.Now())); err != nil {
			return err
		}
		return errTest
	})
	if err != errTest {
		t.Fatalf("Update returned %v (%T), want fn's error itself", err, err)
	}
	_, err = get(t, s, fresh)
	wantErr(t, "Get of a record created in a rolled-back Update", err, store.ErrNotFound)
	wantRecord(t, mustGet(t, s, kept), kept, "original", 1)
	wantRecord(t, mustGet(t, s, gone), gone, "x", 1)
	if evs := events(t, s, store.EventQuery{Account: "111122223333"}); len(evs) != 0 {
		t.Fatalf("events after a rolled-back Update: %d", len(evs))
	}

	// A wrapped error keeps its chain.
	err = s.Update(t.Context(), func(tx store.Tx) error { return fmt.Errorf("wrapped: %w", errTest) })
	if !errors.Is(err, errTest) || err.Error() != "wrapped: "+errTest.Error() {
		t.Fatalf("Update returned %v, want fn's wrapped error as is", err)
	}
}

func testUpdateStoreErrors(t *testing.T, s store.Store) {
	k := key("111122223333", "k", "a")
	create(t, s, rec(k, "a"))
	other := key("111122223333", "k", "b")
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.Create(t.Context(), rec(other, "b")); err != nil {
			return err
		}
		return tx.Create(t.Context(), rec(k, "again"))
	})
	wantErr(t, "Update returning Create's error", err, store.ErrExists)
	_, err = get(t, s, other)
	wantErr(t, "record written before the failing Create", err, store.ErrNotFound)
}

func testUpdateContinues(t *testing.T, s store.Store) {
	k := key("111122223333", "k", "a")
	create(t, s, rec(k, "a"))
	update(t, s, func(tx store.Tx) error {
		ctx := t.Context()
		if err := tx.Create(ctx, rec(k, "again")); !errors.Is(err, store.ErrExists) {
			return fmt.Errorf("Create of an existing record: %v", err)
		}
		if err := tx.Put(ctx, store.Record{Key: k, Data: []byte("x"), Version: 9}); !errors.Is(err, store.ErrVersion) {
			return fmt.Errorf("Put at a wrong version: %v", err)
		}
		if err := tx.Delete(ctx, key("111122223333", "k", "none")); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Delete of a missing record: %v", err)
		}
		if _, err := tx.Get(ctx, key("111122223333", "k", "none")); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Get of a missing record: %v", err)
		}
		if err := tx.Append(ctx, event("111122223333", "e1", time.Now())); err != nil {
			return err
		}
		if err := tx.Append(ctx, event("111122223333", "e1", time.Now())); !errors.Is(err, store.ErrExists) {
			return fmt.Errorf("Append of a duplicate event: %v", err)
		}
		// The transaction goes on.
		if err := tx.Put(ctx, rec(k, "b")); err != nil {
			return err
		}
		return tx.Create(ctx, rec(key("111122223333", "k", "c"), "c"))
	})
	wantRecord(t, mustGet(t, s, k), k, "b", 2)
	mustGet(t, s, key("111122223333", "k", "c"))
	if evs := events(t, s, store.EventQuery{Account: "111122223333"}); len(evs) != 1 {
		t.Fatalf("events: %d, want 1", len(evs))
	}
}

func testReadOwnWrites(t *testing.T, s store.Store) {
	a := key("111122223333", "k", "a")
	b := key("111122223333", "k", "b")
	c := key("111122223333", "k", "c")
	create(t, s, rec(a, "a"), rec(b, "b"))
	update(t, s, func(tx store.Tx) error {
		ctx := t.Context()
		if err := tx.Create(ctx, rec(c, "c")); err != nil {
			return err
		}
		if err := tx.Put(ctx, rec(a, "a2")); err != nil {
			return err
		}
		if err := tx.Delete(ctx, b); err != nil {
			return err
		}
		r, err := tx.Get(ctx, c)
		if err != nil {
			return fmt.Errorf("Get of a record created in the transaction: %w", err)
		}
		wantRecord(t, r, c, "c", 1)
		r, err = tx.Get(ctx, a)
		if err != nil {
			return err
		}
		wantRecord(t, r, a, "a2", 2)
		if _, err := tx.Get(ctx, b); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Get of a record deleted in the transaction: %v", err)
		}
		rs, err := tx.List(ctx, store.ListQuery{Account: "111122223333", Kind: "k"})
		if err != nil {
			return err
		}
		if got := ids(rs); !slices.Equal(got, []string{"a", "c"}) {
			return fmt.Errorf("List in the transaction: %q", got)
		}
		return nil
	})
}

func testUpdatePanic(t *testing.T, s store.Store) {
	k := key("111122223333", "k", "panic")
	func() {
		defer func() {
			if r := recover(); r != errTest {
				t.Fatalf("recovered %v, want fn's panic", r)
			}
		}()
		s.Update(t.Context(), func(tx store.Tx) error {
			if err := tx.Create(t.Context(), rec(k, "x")); err != nil {
				return err
			}
			panic(errTest)
		})
	}()
	_, err := get(t, s, k)
	wantErr(t, "Get of a record created before a panic", err, store.ErrNotFound)
	create(t, s, rec(k, "after"))
	wantRecord(t, mustGet(t, s, k), k, "after", 1)
}

func testViewPanic(t *testing.T, s store.Store) {
	k := key("111122223333", "k", "a")
	create(t, s, rec(k, "a"))
	// More panics than any backend would have connections.
	for range 64 {
		func() {
			defer func() {
				if r := recover(); r != errTest {
					t.Fatalf("recovered %v, want fn's panic", r)
				}
			}()
			s.View(t.Context(), func(rd store.Reader) error {
				if _, err := rd.Get(t.Context(), k); err != nil {
					return err
				}
				panic(errTest)
			})
		}()
	}
	update(t, s, func(tx store.Tx) error { return tx.Put(t.Context(), rec(k, "b")) })
	wantRecord(t, mustGet(t, s, k), k, "b", 2)
}

func testViewError(t *testing.T, s store.Store) {
	err := s.View(t.Context(), func(store.Reader) error { return errTest })
	if err != errTest {
		t.Fatalf("View returned %v, want fn's error itself", err)
	}
}

func testViewSnapshot(t *testing.T, s store.Store) {
	a := key("111122223333", "k", "a")
	b := key("111122223333", "k", "b")
	create(t, s, rec(a, "before"))

	read := make(chan struct{})
	written := make(chan error)
	go func() {
		<-read
		written <- s.Update(t.Context(), func(tx store.Tx) error {
			if err := tx.Put(t.Context(), rec(a, "after")); err != nil {
				return err
			}
			return tx.Create(t.Context(), rec(b, "new"))
		})
	}()
	err := s.View(t.Context(), func(rd store.Reader) error {
		ctx := t.Context()
		r, err := rd.Get(ctx, a)
		if err != nil {
			return err
		}
		wantRecord(t, r, a, "before", 1)
		close(read)
		// The Update commits while this View is open: it must not wait
		// for the View to end.
		select {
		case err := <-written:
			if err != nil {
				return fmt.Errorf("concurrent Update: %w", err)
			}
		case <-time.After(30 * time.Second):
			return errors.New("an Update waited for a View to end")
		}
		r, err = rd.Get(ctx, a)
		if err != nil {
			return err
		}
		wantRecord(t, r, a, "before", 1)
		if _, err := rd.Get(ctx, b); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Get in the snapshot of a record created since: %v", err)
		}
		rs, err := rd.List(ctx, store.ListQuery{Account: "111122223333", Kind: "k"})
		if err != nil {
			return err
		}
		if len(rs) != 1 || string(rs[0].Data) != "before" {
			return fmt.Errorf("List in the snapshot: %v", rs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantRecord(t, mustGet(t, s, a), a, "after", 2)
	mustGet(t, s, b)
}

func testTxAfterEnd(t *testing.T, s store.Store) {
	k := key("111122223333", "k", "a")
	var leaked store.Tx
	update(t, s, func(tx store.Tx) error {
		leaked = tx
		return tx.Create(t.Context(), rec(k, "a"))
	})
	ctx := t.Context()
	if err := leaked.Create(ctx, rec(key("111122223333", "k", "late"), "x")); err == nil {
		t.Error("Create on an ended Tx succeeded")
	}
	if err := leaked.Put(ctx, rec(k, "late")); err == nil {
		t.Error("Put on an ended Tx succeeded")
	}
	if err := leaked.Delete(ctx, k); err == nil {
		t.Error("Delete on an ended Tx succeeded")
	}
	if err := leaked.Append(ctx, event("111122223333", "late", time.Now())); err == nil {
		t.Error("Append on an ended Tx succeeded")
	}
	if _, err := leaked.Get(ctx, k); err == nil {
		t.Error("Get on an ended Tx succeeded")
	}
	var reader store.Reader
	if err := s.View(ctx, func(rd store.Reader) error { reader = rd; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := reader.Get(ctx, k); err == nil {
		t.Error("Get on an ended View succeeded")
	}
	if _, err := reader.List(ctx, store.ListQuery{Account: "111122223333", Kind: "k"}); err == nil {
		t.Error("List on an ended View succeeded")
	}
	// Nothing of it happened.
	wantRecord(t, mustGet(t, s, k), k, "a", 1)
	_, err := get(t, s, key("111122223333", "k", "late"))
	wantErr(t, "Get of a record created on an ended Tx", err, store.ErrNotFound)
	if evs := events(t, s, store.EventQuery{Account: "111122223333"}); len(evs) != 0 {
		t.Fatalf("events: %d, want none", len(evs))
	}
}

func testGeneration(t *testing.T, s store.Store) {
	ctx := t.Context()
	gen := func() int64 {
		t.Helper()
		g, err := s.Generation(ctx)
		if err != nil {
			t.Fatalf("Generation: %v", err)
		}
		return g
	}
	g0 := gen()
	k := key("111122223333", "k", "a")
	create(t, s, rec(k, "a"))
	g1 := gen()
	if g1 <= g0 {
		t.Fatalf("Generation after a committed Update: %d, was %d", g1, g0)
	}
	update(t, s, func(tx store.Tx) error { return tx.Put(ctx, rec(k, "b")) })
	g2 := gen()
	if g2 <= g1 {
		t.Fatalf("Generation after a second committed Update: %d, was %d", g2, g1)
	}
	s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Put(ctx, rec(k, "c")); err != nil {
			return err
		}
		return errTest
	})
	if g := gen(); g != g2 {
		t.Fatalf("Generation after a rolled-back Update: %d, was %d", g, g2)
	}
	s.View(ctx, func(rd store.Reader) error { _, err := rd.Get(ctx, k); return err })
	if g := gen(); g != g2 {
		t.Fatalf("Generation after a View: %d, was %d", g, g2)
	}
	update(t, s, func(tx store.Tx) error { return tx.Delete(ctx, k) })
	if g := gen(); g <= g2 {
		t.Fatalf("Generation after a committed Delete: %d, was %d", g, g2)
	}
}

func testConcurrentQuota(t *testing.T, s store.Store) {
	const (
		quota   = 10
		workers = 24
	)
	errQuota := errors.New("quota exceeded")
	accounts := []string{"111122223333", "444455556666"}
	var wg sync.WaitGroup
	errs := make(chan error, workers*len(accounts))
	for w := range workers {
		for _, account := range accounts {
			wg.Go(func() {
				errs <- s.Update(t.Context(), func(tx store.Tx) error {
					rs, err := tx.List(t.Context(), store.ListQuery{Account: account, Kind: "iam/user"})
					if err != nil {
						return err
					}
					if len(rs) >= quota {
						return errQuota
					}
					return tx.Create(t.Context(), rec(key(account, "iam/user", fmt.Sprintf("user%02d", w)), "u"))
				})
			})
		}
	}
	wg.Wait()
	close(errs)
	var ok, refused int
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case err == errQuota:
			refused++
		default:
			t.Errorf("Update: %v", err)
		}
	}
	if ok != quota*len(accounts) || refused != (workers-quota)*len(accounts) {
		t.Errorf("%d Updates succeeded and %d were refused; want %d and %d", ok, refused, quota*len(accounts), (workers-quota)*len(accounts))
	}
	for _, account := range accounts {
		if n := len(list(t, s, store.ListQuery{Account: account, Kind: "iam/user"})); n != quota {
			t.Errorf("account %s has %d users, quota %d", account, n, quota)
		}
	}
}

func testConcurrentCounter(t *testing.T, s store.Store) {
	const workers, increments = 8, 20
	k := key("", "counter", "c")
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range increments {
				err := s.Update(t.Context(), func(tx store.Tx) error {
					r, err := tx.Get(t.Context(), k)
					n := 0
					switch {
					case errors.Is(err, store.ErrNotFound):
						return tx.Create(t.Context(), rec(k, "1"))
					case err != nil:
						return err
					}
					fmt.Sscan(string(r.Data), &n)
					r.Data = fmt.Append(nil, n+1)
					return tx.Put(t.Context(), r) // conditional on the version read
				})
				if err != nil {
					t.Errorf("increment: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	r := mustGet(t, s, k)
	wantRecord(t, r, k, fmt.Sprint(workers*increments), workers*increments)
}

// testConcurrentSnapshots moves amounts between two records in Updates
// while Views check that every snapshot sees their sum unchanged.
func testConcurrentSnapshots(t *testing.T, s store.Store) {
	a := key("111122223333", "bank", "a")
	b := key("111122223333", "bank", "b")
	create(t, s, rec(a, "100"), rec(b, "0"))
	value := func(r store.Record) int {
		var n int
		fmt.Sscan(string(r.Data), &n)
		return n
	}
	ctx := t.Context()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range 25 {
				err := s.Update(ctx, func(tx store.Tx) error {
					ra, err := tx.Get(ctx, a)
					if err != nil {
						return err
					}
					rb, err := tx.Get(ctx, b)
					if err != nil {
						return err
					}
					d := (w+i)%7 - 3
					ra.Data = fmt.Append(nil, value(ra)-d)
					rb.Data = fmt.Append(nil, value(rb)+d)
					if err := tx.Put(ctx, ra); err != nil {
						return err
					}
					return tx.Put(ctx, rb)
				})
				if err != nil {
					t.Errorf("transfer: %v", err)
					return
				}
			}
		})
	}
	var readers sync.WaitGroup
	views := make(chan int, 4)
	for range 4 {
		readers.Go(func() {
			n := 0
			defer func() { views <- n }()
			for {
				select {
				case <-done:
					return
				default:
				}
				err := s.View(ctx, func(rd store.Reader) error {
					ra, err := rd.Get(ctx, a)
					if err != nil {
						return err
					}
					rs, err := rd.List(ctx, store.ListQuery{Account: "111122223333", Kind: "bank"})
					if err != nil {
						return err
					}
					if len(rs) != 2 || rs[0].Version != ra.Version || string(rs[0].Data) != string(ra.Data) {
						return fmt.Errorf("List and Get of one snapshot disagree: %v, %v", rs, ra)
					}
					if sum := value(rs[0]) + value(rs[1]); sum != 100 {
						return fmt.Errorf("a snapshot sees a sum of %d", sum)
					}
					return nil
				})
				if err != nil {
					t.Errorf("View: %v", err)
					return
				}
				n++
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(views)
	total := 0
	for n := range views {
		total += n
	}
	if total == 0 {
		t.Error("no View ran")
	}
	if got := value(mustGet(t, s, a)) + value(mustGet(t, s, b)); got != 100 {
		t.Errorf("sum after the transfers: %d", got)
	}
}

func testCanceled(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	k := key("111122223333", "k", "a")
	called := false
	err := s.Update(ctx, func(tx store.Tx) error {
		called = true
		return tx.Create(ctx, rec(k, "a"))
	})
	wantErr(t, "Update with a canceled context", err, context.Canceled)
	err = s.View(ctx, func(rd store.Reader) error {
		called = true
		_, err := rd.Get(ctx, k)
		return err
	})
	wantErr(t, "View with a canceled context", err, context.Canceled)
	wantErr(t, "AppendEvents with a canceled context", s.AppendEvents(ctx, []store.Event{event("111122223333", "x", time.Now())}), context.Canceled)
	_, err = s.Events(ctx, store.EventQuery{Account: "111122223333"})
	wantErr(t, "Events with a canceled context", err, context.Canceled)
	if called {
		t.Error("fn was called with a canceled context")
	}

	// Canceled while fn runs: nothing commits.
	ctx, cancel = context.WithCancel(t.Context())
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Create(ctx, rec(k, "a")); err != nil {
			return err
		}
		cancel()
		return nil
	})
	wantErr(t, "Update canceled while fn ran", err, context.Canceled)
	_, err = get(t, s, k)
	wantErr(t, "Get of a record of a canceled Update", err, store.ErrNotFound)
}

func testClosed(t *testing.T, s store.Store) {
	ctx := t.Context()
	create(t, s, rec(key("111122223333", "k", "a"), "a"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wantErr(t, "View after Close", s.View(ctx, func(store.Reader) error { return nil }), store.ErrClosed)
	wantErr(t, "Update after Close", s.Update(ctx, func(store.Tx) error { return nil }), store.ErrClosed)
	wantErr(t, "AppendEvents after Close", s.AppendEvents(ctx, []store.Event{event("111122223333", "x", time.Now())}), store.ErrClosed)
	_, err := s.Events(ctx, store.EventQuery{Account: "111122223333"})
	wantErr(t, "Events after Close", err, store.ErrClosed)
	_, err = s.Generation(ctx)
	wantErr(t, "Generation after Close", err, store.ErrClosed)
	s.Close() // a second Close must not panic
}
