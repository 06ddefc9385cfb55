package storejson_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

type doc struct {
	Name string    `json:"name"`
	N    int       `json:"n"`
	When time.Time `json:"when,omitzero"`
}

func open(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func key(account, kind, id string) store.Key { return store.Key{Account: account, Kind: kind, ID: id} }

// update runs fn in a transaction and fails the test on error.
func update(t testing.TB, st store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := st.Update(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// get reads k through storejson.Get in its own snapshot.
func get(t testing.TB, st store.Store, k store.Key) (*doc, error) {
	t.Helper()
	var d *doc
	err := st.View(context.Background(), func(r store.Reader) error {
		var err error
		d, err = storejson.Get[doc](context.Background(), r, k)
		return err
	})
	return d, err
}

// wantErr checks that err wraps target and that its message names what.
func wantErr(t *testing.T, err, target error, what ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one wrapping %v", target)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("error %q does not wrap %v", err, target)
	}
	for _, w := range what {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %q", err, w)
		}
	}
}

func TestGetMissing(t *testing.T) {
	st := open(t)
	d, err := get(t, st, key("111122223333", "test/doc", "absent"))
	if err != nil || d != nil {
		t.Fatalf("Get of a missing record = %v, %v; want nil, nil", d, err)
	}
}

func TestCreateGetPut(t *testing.T) {
	st := open(t)
	k := key("111122223333", "test/doc", "alice")
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Create(ctx, tx, k, doc{Name: "Alice", N: 1, When: when})
	})
	got, err := get(t, st, k)
	if err != nil {
		t.Fatal(err)
	}
	if want := (doc{Name: "Alice", N: 1, When: when}); got == nil || *got != want {
		t.Fatalf("Get after Create = %+v, want %+v", got, want)
	}

	// The same key in another account or of another kind is another record.
	for _, other := range []store.Key{key("444455556666", "test/doc", "alice"), key("111122223333", "test/other", "alice")} {
		if d, err := get(t, st, other); err != nil || d != nil {
			t.Errorf("Get(%v) = %v, %v; want nil, nil", other, d, err)
		}
	}

	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Put(ctx, tx, k, &doc{Name: "Alice", N: 2})
	})
	got, err = get(t, st, k)
	if err != nil {
		t.Fatal(err)
	}
	if want := (doc{Name: "Alice", N: 2}); got == nil || *got != want {
		t.Fatalf("Get after Put = %+v, want %+v", got, want)
	}
}

func TestPutCreates(t *testing.T) {
	st := open(t)
	k := key("", "test/doc", "global")
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Put(ctx, tx, k, doc{Name: "g"})
	})
	if got, err := get(t, st, k); err != nil || got == nil || got.Name != "g" {
		t.Fatalf("Get after Put of a new record = %+v, %v", got, err)
	}
}

func TestCreateExists(t *testing.T) {
	st := open(t)
	k := key("111122223333", "test/doc", "bob")
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Create(ctx, tx, k, doc{Name: "first"})
	})
	err := st.Update(context.Background(), func(tx store.Tx) error {
		return storejson.Create(context.Background(), tx, k, doc{Name: "second"})
	})
	wantErr(t, err, store.ErrExists, "creating", "test/doc", `"bob"`)
	if got, err := get(t, st, k); err != nil || got == nil || got.Name != "first" {
		t.Fatalf("after a failed Create, Get = %+v, %v; want the first document", got, err)
	}
}

func TestDelete(t *testing.T) {
	st := open(t)
	k := key("111122223333", "test/doc", "carol")
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Create(ctx, tx, k, doc{Name: "c"})
	})
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Delete(ctx, tx, k)
	})
	if got, err := get(t, st, k); err != nil || got != nil {
		t.Fatalf("Get after Delete = %+v, %v; want nil, nil", got, err)
	}
	// Deleting what is not there is not an error.
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Delete(ctx, tx, k)
	})
}

func TestEncodingError(t *testing.T) {
	st := open(t)
	k := key("111122223333", "test/doc", "bad")
	for name, write := range map[string]func(context.Context, store.Tx, store.Key, any) error{
		"Put":    storejson.Put,
		"Create": storejson.Create,
	} {
		t.Run(name, func(t *testing.T) {
			err := st.Update(context.Background(), func(tx store.Tx) error {
				return write(context.Background(), tx, k, map[string]any{"f": func() {}})
			})
			wantErr(t, err, nil, "encoding", "test/doc", `"bad"`)
			if got, err := get(t, st, k); err != nil || got != nil {
				t.Fatalf("after a failed %s, Get = %+v, %v; want nil, nil", name, got, err)
			}
		})
	}
}

func TestDecodingError(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	k := key("111122223333", "test/doc", "corrupt")
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		return tx.Create(ctx, store.Record{Key: k, Data: []byte(`{"name": 7}`)})
	})
	_, err := get(t, st, k)
	wantErr(t, err, nil, "decoding", "test/doc", `"corrupt"`)
	if typeErr := (*json.UnmarshalTypeError)(nil); !errors.As(err, &typeErr) {
		t.Errorf("error %q does not wrap the *json.UnmarshalTypeError", err)
	}

	err = st.View(ctx, func(r store.Reader) error {
		_, _, err := storejson.List[doc](ctx, r, k.Account, k.Kind, "")
		return err
	})
	wantErr(t, err, nil, "decoding", "test/doc", `"corrupt"`)

	// IDs and Count do not decode.
	err = st.View(ctx, func(r store.Reader) error {
		ids, err := storejson.IDs(ctx, r, k.Account, k.Kind, "corr")
		if err != nil || !slices.Equal(ids, []string{"upt"}) {
			t.Errorf("IDs = %q, %v; want [upt]", ids, err)
		}
		n, err := storejson.Count(ctx, r, k.Account, k.Kind, "")
		if err != nil || n != 1 {
			t.Errorf("Count = %d, %v; want 1", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestListIDsCount(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	const acct = "111122223333"
	// Inserted out of order: listings are in ID order, bytewise.
	ids := []string{"b/2", "a/1", "b/1", "a/3", "ab", "c"}
	update(t, st, func(ctx context.Context, tx store.Tx) error {
		for i, id := range ids {
			if err := storejson.Create(ctx, tx, key(acct, "test/doc", id), doc{Name: id, N: i}); err != nil {
				return err
			}
		}
		// Noise: the same IDs in another account and of another kind.
		if err := storejson.Create(ctx, tx, key("444455556666", "test/doc", "a/2"), doc{}); err != nil {
			return err
		}
		return storejson.Create(ctx, tx, key(acct, "test/other", "a/2"), doc{})
	})

	tests := []struct {
		prefix  string
		wantIDs []string
	}{
		{"", []string{"a/1", "a/3", "ab", "b/1", "b/2", "c"}},
		{"a/", []string{"a/1", "a/3"}},
		{"b", []string{"b/1", "b/2"}},
		{"ab", []string{"ab"}},
		{"z", []string{}},
	}
	err := st.View(ctx, func(r store.Reader) error {
		for _, tt := range tests {
			docs, gotIDs, err := storejson.List[doc](ctx, r, acct, "test/doc", tt.prefix)
			if err != nil {
				return err
			}
			if !slices.Equal(gotIDs, tt.wantIDs) {
				t.Errorf("List(%q) ids = %q, want %q", tt.prefix, gotIDs, tt.wantIDs)
			}
			if len(docs) != len(gotIDs) {
				t.Fatalf("List(%q): %d documents for %d ids", tt.prefix, len(docs), len(gotIDs))
			}
			for i, d := range docs {
				// Each document was written with its own id as Name.
				if d.Name != gotIDs[i] || ids[d.N] != d.Name {
					t.Errorf("List(%q)[%d] = %+v, want the document of %q", tt.prefix, i, d, gotIDs[i])
				}
			}

			cut, err := storejson.IDs(ctx, r, acct, "test/doc", tt.prefix)
			if err != nil {
				return err
			}
			wantCut := make([]string, len(tt.wantIDs))
			for i, id := range tt.wantIDs {
				wantCut[i] = strings.TrimPrefix(id, tt.prefix)
			}
			if !slices.Equal(cut, wantCut) {
				t.Errorf("IDs(%q) = %q, want %q", tt.prefix, cut, wantCut)
			}

			n, err := storejson.Count(ctx, r, acct, "test/doc", tt.prefix)
			if err != nil {
				return err
			}
			if n != len(tt.wantIDs) {
				t.Errorf("Count(%q) = %d, want %d", tt.prefix, n, len(tt.wantIDs))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// failing is a transaction whose every operation fails with errBroken.
type failing struct{ store.Tx }

var errBroken = errors.New("broken")

func (failing) Get(context.Context, store.Key) (store.Record, error) {
	return store.Record{}, errBroken
}
func (failing) List(context.Context, store.ListQuery) ([]store.Record, error) { return nil, errBroken }
func (failing) Create(context.Context, store.Record) error                    { return errBroken }
func (failing) Put(context.Context, store.Record) error                       { return errBroken }
func (failing) Delete(context.Context, store.Key) error                       { return errBroken }

// TestStoreErrors checks that the store's own errors come back wrapped,
// naming the operation, the kind and the id.
func TestStoreErrors(t *testing.T) {
	ctx := context.Background()
	tx := failing{}
	k := key("111122223333", "test/doc", "dave")
	_, err := storejson.Get[doc](ctx, tx, k)
	wantErr(t, err, errBroken, "reading", "test/doc", `"dave"`)
	_, _, err = storejson.List[doc](ctx, tx, k.Account, k.Kind, "")
	wantErr(t, err, errBroken, "listing", "test/doc")
	_, err = storejson.IDs(ctx, tx, k.Account, k.Kind, "")
	wantErr(t, err, errBroken, "listing", "test/doc")
	_, err = storejson.Count(ctx, tx, k.Account, k.Kind, "")
	wantErr(t, err, errBroken, "listing", "test/doc")
	err = storejson.Put(ctx, tx, k, doc{})
	wantErr(t, err, errBroken, "writing", "test/doc", `"dave"`)
	err = storejson.Create(ctx, tx, k, doc{})
	wantErr(t, err, errBroken, "creating", "test/doc", `"dave"`)
	err = storejson.Delete(ctx, tx, k)
	wantErr(t, err, errBroken, "deleting", "test/doc", `"dave"`)
}

func BenchmarkGet(b *testing.B) {
	st := open(b)
	ctx := context.Background()
	k := key("111122223333", "test/doc", "bench")
	update(b, st, func(ctx context.Context, tx store.Tx) error {
		return storejson.Create(ctx, tx, k, doc{Name: "bench", N: 42, When: time.Unix(0, 0).UTC()})
	})
	b.ReportAllocs()
	err := st.View(ctx, func(r store.Reader) error {
		for b.Loop() {
			if _, err := storejson.Get[doc](ctx, r, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
