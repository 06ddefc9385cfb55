package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storetest"
)

func openTemp(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cleanroom.db")
	s, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// exec runs fn on the writer connection, outside any transaction.
func (s *Store) exec(fn func(*conn) error) error {
	w := <-s.writer
	defer func() { s.writer <- w }()
	return fn(w)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openTemp(t, Options{})
		return s
	})
}

// TestPathCharacters opens databases whose paths have characters that mean
// something in a URI.
func TestPathCharacters(t *testing.T) {
	for _, name := range []string{"a?b.db", "a#b.db", "100%.db", "sp ace.db", "a&_pragma=x.db"} {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		s, err := Open(t.Context(), path, Options{})
		if err != nil {
			t.Fatalf("Open %q: %v", name, err)
		}
		if err := s.Update(t.Context(), func(tx store.Tx) error {
			return tx.Create(t.Context(), store.Record{Key: store.Key{Kind: "k", ID: "x"}})
		}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), name) {
				t.Errorf("Open %q created %q", name, e.Name())
			}
		}
	}
}

func TestUpdatedUsesClock(t *testing.T) {
	now := time.Date(2025, 5, 6, 7, 8, 9, 123456789, time.FixedZone("x", 3600))
	s, _ := openTemp(t, Options{Now: func() time.Time { return now }})
	k := store.Key{Account: "111122223333", Kind: "k", ID: "a"}
	put := func() store.Record {
		t.Helper()
		if err := s.Update(t.Context(), func(tx store.Tx) error {
			return tx.Put(t.Context(), store.Record{Key: k, Data: []byte("x")})
		}); err != nil {
			t.Fatal(err)
		}
		var r store.Record
		if err := s.View(t.Context(), func(rd store.Reader) (err error) { r, err = rd.Get(t.Context(), k); return err }); err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Kept to the microsecond, in UTC.
	want := now.Truncate(time.Microsecond).UTC()
	if r := put(); !r.Updated.Equal(want) || r.Updated.Location() != time.UTC {
		t.Fatalf("Updated %v, want %v", r.Updated, want)
	}
	now = now.Add(90 * time.Minute)
	if r := put(); !r.Updated.Equal(now.Truncate(time.Microsecond)) {
		t.Fatalf("Updated after Put %v, want %v", r.Updated, now)
	}
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := store.Key{Account: "111122223333", Kind: "iam/user", ID: "alice"}
	for i := range 3 {
		if err := s.Update(ctx, func(tx store.Tx) error {
			if err := tx.Put(ctx, store.Record{Key: k, Data: fmt.Appendf(nil, "v%d", i)}); err != nil {
				return err
			}
			return tx.Append(ctx, store.Event{ID: fmt.Sprint("e", i), Account: k.Account, Time: time.Unix(int64(i), 0)})
		}); err != nil {
			t.Fatal(err)
		}
	}
	gen, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("database file: %v, %v; want mode 0600", fi, err)
	}

	for range 2 { // reopening twice: migrations are not applied again
		s, err = Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		var r store.Record
		if err := s.View(ctx, func(rd store.Reader) (err error) { r, err = rd.Get(ctx, k); return err }); err != nil {
			t.Fatal(err)
		}
		if string(r.Data) != "v2" || r.Version != 3 {
			t.Fatalf("after reopen: %q version %d", r.Data, r.Version)
		}
		if g, err := s.Generation(ctx); err != nil || g != gen {
			t.Fatalf("Generation after reopen: %d, %v; want %d", g, err, gen)
		}
		evs, err := s.Events(ctx, store.EventQuery{Account: k.Account})
		if err != nil || len(evs) != 3 || evs[0].ID != "e2" {
			t.Fatalf("events after reopen: %v, %v", evs, err)
		}
		var versions int
		if err := s.exec(func(c *conn) error {
			return c.c.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_version").Scan(&versions)
		}); err != nil || versions != len(migrations) {
			t.Fatalf("schema_version rows: %d, %v; want %d", versions, err, len(migrations))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPragmas(t *testing.T) {
	s, _ := openTemp(t, Options{})
	ctx := t.Context()
	w, r := <-s.writer, <-s.readers
	defer func() { s.writer <- w; s.readers <- r }()
	for _, c := range []*conn{w, r} {
		for pragma, want := range map[string]string{
			"journal_mode": "wal",
			"synchronous":  "2", // FULL
			"foreign_keys": "1",
			"busy_timeout": fmt.Sprint(busyTimeout.Milliseconds()),
		} {
			var got string
			if err := c.c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
				t.Errorf("PRAGMA %s: %q, %v; want %q", pragma, got, err, want)
			}
		}
	}
	if _, err := r.c.ExecContext(ctx, "DELETE FROM records"); err == nil {
		t.Error("a reader connection can write")
	}
}

// TestQueryPlans checks that the hot queries search an index rather than
// scan a table.
func TestQueryPlans(t *testing.T) {
	s, _ := openTemp(t, Options{})
	r := <-s.readers
	defer func() { s.readers <- r }()
	for _, q := range []string{sqlGet, sqlListFrom, sqlListAfter, sqlEventPos, sqlVersion, sqlPutIf, sqlDelete} {
		var args []any
		for i := strings.Count(q, "?"); i > 0; i-- {
			args = append(args, "x")
		}
		rows, err := r.c.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "SEARCH") || strings.Contains(all, "SCAN") || strings.Contains(all, "TEMP B-TREE") {
			t.Errorf("%s:\n plan %s", q, all)
		}
	}
}

func TestMigrations(t *testing.T) {
	ctx := t.Context()
	open := func(t *testing.T, path string) *sql.Conn {
		db, err := sql.Open("sqlite", dsn(path, false, busyTimeout))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	log := slog.New(slog.DiscardHandler)
	v1 := migration{1, []string{`CREATE TABLE t (a TEXT)`, `INSERT INTO t VALUES ('one')`}}
	v2 := migration{2, []string{`ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'two'`}}
	v3bad := migration{3, []string{`CREATE TABLE u (x)`, `THIS IS NOT SQL`}}

	t.Run("stepwise", func(t *testing.T) {
		c := open(t, filepath.Join(t.TempDir(), "db"))
		for _, step := range []struct {
			list []migration
			want int
		}{
			{[]migration{v1}, 1},
			{[]migration{v1}, 1}, // again: nothing to do
			{[]migration{v1, v2}, 2},
			{[]migration{v1, v2}, 2},
		} {
			got, err := migrate(ctx, c, step.list, time.Now, log)
			if err != nil || got != step.want {
				t.Fatalf("migrate to %d: %d, %v", step.want, got, err)
			}
		}
		var a, b string
		var n int
		if err := c.QueryRowContext(ctx, "SELECT a, b, (SELECT COUNT(*) FROM t) FROM t").Scan(&a, &b, &n); err != nil || a != "one" || b != "two" || n != 1 {
			t.Fatalf("after migrations: %q %q %d, %v", a, b, n, err)
		}
	})
	t.Run("failed migration rolls back", func(t *testing.T) {
		c := open(t, filepath.Join(t.TempDir(), "db"))
		if _, err := migrate(ctx, c, []migration{v1, v2}, time.Now, log); err != nil {
			t.Fatal(err)
		}
		if _, err := migrate(ctx, c, []migration{v1, v2, v3bad}, time.Now, log); err == nil {
			t.Fatal("a failing migration succeeded")
		}
		var n int
		if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'u'").Scan(&n); err != nil || n != 0 {
			t.Fatalf("table of the failed migration: %d, %v", n, err)
		}
		if v, err := migrate(ctx, c, []migration{v1, v2}, time.Now, log); err != nil || v != 2 {
			t.Fatalf("after a failed migration: %d, %v", v, err)
		}
	})
	t.Run("newer schema refused", func(t *testing.T) {
		c := open(t, filepath.Join(t.TempDir(), "db"))
		if _, err := migrate(ctx, c, []migration{v1, v2}, time.Now, log); err != nil {
			t.Fatal(err)
		}
		_, err := migrate(ctx, c, []migration{v1}, time.Now, log)
		if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "version 2") {
			t.Fatalf("older code on a newer schema: %v", err)
		}
	})
	t.Run("misnumbered list", func(t *testing.T) {
		c := open(t, filepath.Join(t.TempDir(), "db"))
		if _, err := migrate(ctx, c, []migration{v2}, time.Now, log); err == nil {
			t.Fatal("a list starting at version 2 was applied")
		}
	})
	t.Run("Open refuses a newer database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "db")
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.exec(func(c *conn) error {
			_, err := c.c.ExecContext(ctx, "INSERT INTO schema_version (version, applied) VALUES (?, 0)", len(migrations)+1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err = Open(ctx, path, Options{})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("Open of a newer database: %v", err)
		}
	})
	t.Run("Open refuses a file that is not a database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "db")
		if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, path, Options{}); err == nil {
			t.Fatal("Open of a text file succeeded")
		}
	})
}

// TestTwoStores opens one file twice, as a server and an admin command in
// two processes would: writes of each are serialized and seen by the other.
func TestTwoStores(t *testing.T) {
	a, path := openTemp(t, Options{})
	b, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := t.Context()
	k := store.Key{Kind: "counter", ID: "c"}
	var failures atomic.Int64
	done := make(chan struct{})
	for _, s := range []*Store{a, b, a, b} {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 10 {
				err := s.Update(ctx, func(tx store.Tx) error {
					r, err := tx.Get(ctx, k)
					if errors.Is(err, store.ErrNotFound) {
						return tx.Create(ctx, store.Record{Key: k, Data: []byte("x")})
					}
					if err != nil {
						return err
					}
					return tx.Put(ctx, r)
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					failures.Add(1)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	var r store.Record
	if err := b.View(ctx, func(rd store.Reader) (err error) { r, err = rd.Get(ctx, k); return err }); err != nil {
		t.Fatal(err)
	}
	if want := 40 - failures.Load(); r.Version != want {
		t.Fatalf("version %d after %d increments", r.Version, want)
	}
	ga, _ := a.Generation(ctx)
	gb, _ := b.Generation(ctx)
	if ga != gb || ga != 40 {
		t.Fatalf("generations %d and %d, want 40", ga, gb)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"ab", "ac", true},
		{"a\xff", "b", true},
		{"\xff\xff", "", false},
		{"\u00ff", "\u00ff"[:1] + "\xc0", true},
	} {
		got, ok := prefixEnd(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
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
	s, _ := openTemp(b, Options{})
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
	s, _ := openTemp(b, Options{})
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
	s, _ := openTemp(b, Options{})
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
	s, _ := openTemp(b, Options{})
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

func BenchmarkAppendEvents(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprint("batch=", n), func(b *testing.B) {
			s, _ := openTemp(b, Options{})
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

// holdWriteLock takes the database's write lock from another connection, as
// another process would, until the returned function is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, false, busyTimeout))
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(t.Context(), "INSERT INTO records VALUES ('', 'other', 'process', X'', 1, 0)"); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := c.ExecContext(context.Background(), "COMMIT"); err != nil {
			t.Error(err)
		}
		c.Close()
		db.Close()
	}
}

// recorder is a slog.Handler that keeps the messages logged.
type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Message)
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) count(substr string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if strings.Contains(m, substr) {
			n++
		}
	}
	return n
}

func TestBusyRetried(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	log := &recorder{}
	s, err := open(t.Context(), path, Options{Logger: slog.New(log)}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	release := holdWriteLock(t, path)
	timer := time.AfterFunc(150*time.Millisecond, release)
	defer timer.Stop()

	// Readers are not blocked by a writer.
	if _, err := s.Generation(t.Context()); err != nil {
		t.Fatalf("Generation while another process writes: %v", err)
	}
	calls := 0
	k := store.Key{Kind: "k", ID: "a"}
	err = s.Update(t.Context(), func(tx store.Tx) error {
		calls++
		return tx.Create(t.Context(), store.Record{Key: k})
	})
	if err != nil {
		t.Fatalf("Update once the lock was released: %v", err)
	}
	if calls != 1 {
		t.Errorf("fn ran %d times; a BEGIN that waits must not run it", calls)
	}
	if log.count("retrying") == 0 {
		t.Error("no retry was logged")
	}
	err = s.View(t.Context(), func(rd store.Reader) error {
		if _, err := rd.Get(t.Context(), k); err != nil {
			return err
		}
		_, err := rd.Get(t.Context(), store.Key{Kind: "other", ID: "process"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBusyGivesUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	s, err := open(t.Context(), path, Options{}, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	release := holdWriteLock(t, path)
	defer release()
	called := false
	err = s.Update(t.Context(), func(tx store.Tx) error { called = true; return nil })
	if !isBusy(err) {
		t.Fatalf("Update while another process holds the lock: %v, want SQLITE_BUSY", err)
	}
	if called {
		t.Error("fn ran without the write lock")
	}
	if err := s.AppendEvents(t.Context(), []store.Event{{ID: "e", Account: "a"}}); !isBusy(err) {
		t.Fatalf("AppendEvents while another process holds the lock: %v, want SQLITE_BUSY", err)
	}
	// A context that ends stops the retries.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Update(ctx, func(tx store.Tx) error { return nil })
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("Update with a short deadline: %v after %v", err, time.Since(start))
	}
}
