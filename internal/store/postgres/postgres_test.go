package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storetest"
)

// envDSN names the environment variable with the DSN of the PostgreSQL the
// tests use; scripts/postgres-test.sh (make postgres) starts one and sets it.
const envDSN = "CLEANROOM_TEST_POSTGRES"

// baseDSN returns the test database's DSN, or skips the test without one
// (fails it under CI, where skipping would hide the backend untested).
func baseDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL tests need " + envDSN + "; run make postgres")
		}
		t.Skip("PostgreSQL tests need " + envDSN + " (a DSN); run make postgres")
	}
	return dsn
}

// admin connects to the test database itself, outside any test schema.
func admin(t testing.TB) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), baseDSN(t))
	if err != nil {
		t.Fatalf("connecting to %s: %v", envDSN, err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// testSchema creates an empty schema for the test, dropped when it ends,
// and returns its name and a DSN whose search_path is it.
func testSchema(t testing.TB) (schema, dsn string) {
	t.Helper()
	base := baseDSN(t)
	var b [6]byte
	rand.Read(b[:])
	schema = "cleanroom_test_" + hex.EncodeToString(b[:])
	c := admin(t)
	if _, err := c.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping %s: %v", schema, err)
		}
	})
	return schema, withSearchPath(t, base, schema)
}

// withSearchPath adds search_path to a DSN, a URL or key=value pairs.
func withSearchPath(t testing.TB, dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", envDSN, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func openTest(t testing.TB, dsn string, opts Options) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	baseDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		_, dsn := testSchema(t)
		s, err := Open(t.Context(), dsn, Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() {
			if n := s.retries.Load(); n > 0 {
				t.Logf("%d Update attempts conflicted and were retried alone", n)
			}
		})
		return s
	})
}

func TestWithSearchPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://u@h:1/db?sslmode=disable", "postgres://u@h:1/db?search_path=s&sslmode=disable"},
		{"host=h port=1", "host=h port=1 search_path=s"},
	} {
		if got := withSearchPath(t, tc.in, "s"); got != tc.want {
			t.Errorf("withSearchPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestOpenBadDSN: a DSN that cannot be parsed is not quoted in the error:
// it may hold a password. (No database needed.)
func TestOpenBadDSN(t *testing.T) {
	for _, dsn := range []string{
		"postgres://user:s3cretpw@host:notaport/db",
		"postgres://user:s3cretpw@[::1/db",
		"host=h password=s3cretpw port=x",
	} {
		_, err := Open(t.Context(), dsn, Options{})
		if err == nil || strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("Open(%q): %v", dsn, err)
		}
	}
}

// TestSchemaPlacement checks that the tables go to the DSN's schema and
// that a search_path without an existing schema is refused.
func TestSchemaPlacement(t *testing.T) {
	schema, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	if s.schema != schema {
		t.Fatalf("store schema %q, want %q", s.schema, schema)
	}
	var n int
	if err := admin(t).QueryRow(t.Context(), `SELECT count(*) FROM pg_tables WHERE schemaname = $1`, schema).Scan(&n); err != nil || n != 5 {
		t.Fatalf("tables in %s: %d, %v; want 5 (records, events, event_resources, update_lock, schema_version)", schema, n, err)
	}
	_, err := Open(t.Context(), withSearchPath(t, baseDSN(t), "cleanroom_no_such_schema"), Options{})
	if err == nil || !strings.Contains(err.Error(), "no schema") {
		t.Fatalf("Open with a search_path of no existing schema: %v", err)
	}
}

func TestReopen(t *testing.T) {
	_, dsn := testSchema(t)
	ctx := t.Context()
	s := openTest(t, dsn, Options{})
	k := store.Key{Account: "111122223333", Kind: "iam/user", ID: "alice"}
	for _, data := range []string{"v1", "v2"} {
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.Put(ctx, store.Record{Key: k, Data: []byte(data)}) }); err != nil {
			t.Fatal(err)
		}
	}
	gen, _ := s.Generation(ctx)
	s.Close()
	for range 2 { // reopening twice: migrations are not applied again
		s := openTest(t, dsn, Options{})
		var r store.Record
		if err := s.View(ctx, func(rd store.Reader) (err error) { r, err = rd.Get(ctx, k); return err }); err != nil {
			t.Fatal(err)
		}
		if string(r.Data) != "v2" || r.Version != 2 {
			t.Fatalf("after reopen: %q version %d", r.Data, r.Version)
		}
		if g, err := s.Generation(ctx); err != nil || g != gen || g != 2 {
			t.Fatalf("Generation after reopen: %d, %v; want %d (2)", g, err, gen)
		}
		var versions int
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM schema_version").Scan(&versions); err != nil || versions != len(migrations) {
			t.Fatalf("schema_version rows: %d, %v; want %d", versions, err, len(migrations))
		}
		s.Close()
	}
}

// TestDurability: every connection commits synchronously, even when the DSN
// asks otherwise.
func TestDurability(t *testing.T) {
	_, dsn := testSchema(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Skip("the DSN is not a URL")
	}
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	s := openTest(t, u.String(), Options{})
	ctx := t.Context()
	for range 3 { // several pool connections
		var got string
		if err := s.pool.QueryRow(ctx, "SHOW synchronous_commit").Scan(&got); err != nil || got != "on" {
			t.Fatalf("synchronous_commit: %q, %v; want on", got, err)
		}
	}
	var fsync string
	if err := s.pool.QueryRow(ctx, "SHOW fsync").Scan(&fsync); err != nil || fsync != "on" {
		t.Errorf("the test server runs with fsync %q, %v", fsync, err)
	}
}

// TestQueryPlans checks that the hot queries search an index rather than
// scan a table or sort (with sequential scans disabled, so that the
// answer does not depend on the tables being small).
func TestQueryPlans(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	ctx := t.Context()
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if _, err := c.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	defer c.Exec(context.Background(), "RESET enable_seqscan")
	now := time.Now()
	for _, tc := range []struct {
		sql  string
		args []any
	}{
		{sqlGet, []any{"a", "k", "i"}},
		{sqlListFrom, []any{"a", "k", "x", "y", int64(10)}},
		{sqlListAfterUnbound, []any{"a", "k", "x", nil, nil}},
		{sqlPutIf, []any{"a", "k", "i", []byte{}, now, int64(1)}},
		{sqlDelete, []any{"a", "k", "i"}},
		{sqlEventPos, []any{"a", "e"}},
		{sqlDeleteEvents, []any{now, int64(10)}},
	} {
		// A generic plan, as a prepared statement gets after a few runs.
		if _, err := c.Exec(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
			t.Fatal(err)
		}
		rows, err := c.Query(ctx, "EXPLAIN "+tc.sql, tc.args...)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", tc.sql, err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		all := strings.Join(plan, "\n")
		if !strings.Contains(all, "Index") || strings.Contains(all, "Seq Scan") || strings.Contains(all, "Sort") {
			t.Errorf("%s:\n%s", tc.sql, all)
		}
	}
	c.Exec(ctx, "RESET plan_cache_mode")
}

func TestMigrations(t *testing.T) {
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	v1 := migration{1, []string{`CREATE TABLE t (a text)`, `INSERT INTO t VALUES ('one')`}}
	v2 := migration{2, []string{`ALTER TABLE t ADD COLUMN b text NOT NULL DEFAULT 'two'`}}
	v3bad := migration{3, []string{`CREATE TABLE u (x int)`, `THIS IS NOT SQL`}}
	conn := func(t *testing.T) *pgx.Conn {
		_, dsn := testSchema(t)
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	const lock = 42

	t.Run("stepwise", func(t *testing.T) {
		c := conn(t)
		for _, step := range []struct {
			list []migration
			want int
		}{
			{[]migration{v1}, 1},
			{[]migration{v1}, 1}, // again: nothing to do
			{[]migration{v1, v2}, 2},
			{[]migration{v1, v2}, 2},
		} {
			got, err := migrate(ctx, c, lock, step.list, time.Now, log)
			if err != nil || got != step.want {
				t.Fatalf("migrate to %d: %d, %v", step.want, got, err)
			}
		}
		var a, b string
		var n int
		if err := c.QueryRow(ctx, "SELECT a, b, (SELECT count(*) FROM t) FROM t").Scan(&a, &b, &n); err != nil || a != "one" || b != "two" || n != 1 {
			t.Fatalf("after migrations: %q %q %d, %v", a, b, n, err)
		}
	})
	t.Run("failed migration rolls back", func(t *testing.T) {
		c := conn(t)
		if _, err := migrate(ctx, c, lock, []migration{v1, v2}, time.Now, log); err != nil {
			t.Fatal(err)
		}
		if _, err := migrate(ctx, c, lock, []migration{v1, v2, v3bad}, time.Now, log); err == nil {
			t.Fatal("a failing migration succeeded")
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'u'").Scan(&n); err != nil || n != 0 {
			t.Fatalf("table of the failed migration: %d, %v", n, err)
		}
		if v, err := migrate(ctx, c, lock, []migration{v1, v2}, time.Now, log); err != nil || v != 2 {
			t.Fatalf("after a failed migration: %d, %v", v, err)
		}
	})
	t.Run("newer schema refused", func(t *testing.T) {
		c := conn(t)
		if _, err := migrate(ctx, c, lock, []migration{v1, v2}, time.Now, log); err != nil {
			t.Fatal(err)
		}
		_, err := migrate(ctx, c, lock, []migration{v1}, time.Now, log)
		if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "version 2") {
			t.Fatalf("older code on a newer schema: %v", err)
		}
	})
	t.Run("misnumbered list", func(t *testing.T) {
		c := conn(t)
		if _, err := migrate(ctx, c, lock, []migration{v2}, time.Now, log); err == nil {
			t.Fatal("a list starting at version 2 was applied")
		}
	})
	t.Run("Open refuses a newer database", func(t *testing.T) {
		_, dsn := testSchema(t)
		s := openTest(t, dsn, Options{})
		if _, err := s.pool.Exec(ctx, "INSERT INTO schema_version (version, applied) VALUES ($1, now())", len(migrations)+1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := Open(ctx, dsn, Options{}); !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("Open of a newer database: %v", err)
		}
	})
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

// TestMigrationLock opens one empty schema from several nodes at once:
// exactly one applies the migrations, the others wait for it and find the
// schema current. Then, with the migration lock held elsewhere, Open waits
// for it.
func TestMigrationLock(t *testing.T) {
	_, dsn := testSchema(t)
	ctx := t.Context()
	const nodes = 4
	log := &recorder{}
	stores := make([]*Store, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range nodes {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = Open(ctx, dsn, Options{Logger: slog.New(log)})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	if n := log.count("applied schema migration"); n != len(migrations) {
		t.Errorf("%d migrations applied by %d nodes opening at once, want %d", n, nodes, len(migrations))
	}
	var versions int
	if err := stores[0].pool.QueryRow(ctx, "SELECT count(*) FROM schema_version").Scan(&versions); err != nil || versions != len(migrations) {
		t.Fatalf("schema_version rows: %d, %v", versions, err)
	}
	// Every node works on the one schema.
	for i, s := range stores {
		k := store.Key{Kind: "node", ID: fmt.Sprint(i)}
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.Create(ctx, store.Record{Key: k}) }); err != nil {
			t.Fatal(err)
		}
	}
	var rs []store.Record
	if err := stores[0].View(ctx, func(rd store.Reader) (err error) {
		rs, err = rd.List(ctx, store.ListQuery{Kind: "node"})
		return err
	}); err != nil || len(rs) != nodes {
		t.Fatalf("records of the nodes: %d, %v", len(rs), err)
	}

	// Another node holds the lock (it is migrating): Open waits.
	c := admin(t)
	lockTx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockTx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", stores[0].migrateLock); err != nil {
		t.Fatal(err)
	}
	opened := make(chan error, 1)
	go func() {
		s, err := Open(ctx, dsn, Options{})
		if err == nil {
			s.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		t.Fatalf("Open returned (%v) while another node held the migration lock", err)
	case <-time.After(300 * time.Millisecond):
	}
	lockTx.Rollback(ctx)
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("Open after the lock was released: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open still waits after the migration lock was released")
	}
}

// waitGeneration polls s.Generation until it reaches want and returns how
// long that took.
func waitGeneration(t *testing.T, s *Store, want int64, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		g, err := s.Generation(t.Context())
		if err != nil {
			t.Fatalf("Generation: %v", err)
		}
		if g >= want {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("Generation still %d after %v, want %d", g, limit, want)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func put(t *testing.T, s *Store, id string) int64 {
	t.Helper()
	ctx := t.Context()
	if err := s.Update(ctx, func(tx store.Tx) error {
		return tx.Put(ctx, store.Record{Key: store.Key{Kind: "k", ID: id}, Data: []byte("x")})
	}); err != nil {
		t.Fatal(err)
	}
	g, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGenerationAcrossNodes: two Stores on one database (two nodes) see
// each other's commits in Generation. With polling out of the way, the
// delay is the notification's; it is logged.
func TestGenerationAcrossNodes(t *testing.T) {
	_, dsn := testSchema(t)
	a := openTest(t, dsn, Options{PollInterval: time.Hour})
	b := openTest(t, dsn, Options{PollInterval: time.Hour})
	const rounds = 50
	var delays []time.Duration
	for i := range rounds {
		writer, reader := a, b
		if i%2 == 1 {
			writer, reader = b, a
		}
		g := put(t, writer, fmt.Sprint(i))
		// The writer's own commit is reflected at once.
		if g != int64(i+1) {
			t.Fatalf("writer's Generation after commit %d: %d", i+1, g)
		}
		delays = append(delays, waitGeneration(t, reader, g, 5*time.Second))
	}
	slices.Sort(delays)
	t.Logf("cross-node generation delay over %d commits (notifications): min %v, median %v, p90 %v, max %v",
		rounds, delays[0], delays[rounds/2], delays[rounds*9/10], delays[rounds-1])
	if delays[rounds/2] > 500*time.Millisecond {
		t.Errorf("median delay %v: notifications are not arriving", delays[rounds/2])
	}
}

// TestGenerationPoll: a generation that comes without a notification is
// read by the poll within PollInterval.
func TestGenerationPoll(t *testing.T) {
	_, dsn := testSchema(t)
	const poll = 200 * time.Millisecond
	s := openTest(t, dsn, Options{PollInterval: poll})
	g0, _ := s.Generation(t.Context())
	// As a commit would take it, but without NOTIFY.
	var g int64
	if err := s.pool.QueryRow(t.Context(), "SELECT nextval('generation')").Scan(&g); err != nil {
		t.Fatal(err)
	}
	if g != g0+1 {
		t.Fatalf("nextval %d after generation %d", g, g0)
	}
	d := waitGeneration(t, s, g, 5*poll)
	t.Logf("generation read by the poll after %v (PollInterval %v)", d, poll)
	if d > poll+500*time.Millisecond {
		t.Errorf("the poll took %v, PollInterval is %v", d, poll)
	}
}

// TestGenerationOtherSchema: a store in another schema of the database has
// its own counter; its notifications do not move this one's.
func TestGenerationOtherSchema(t *testing.T) {
	_, dsn1 := testSchema(t)
	_, dsn2 := testSchema(t)
	a := openTest(t, dsn1, Options{PollInterval: time.Hour})
	b := openTest(t, dsn2, Options{PollInterval: time.Hour})
	for i := range 5 {
		put(t, b, fmt.Sprint(i))
	}
	g := put(t, a, "a") // a's notification arrives after b's
	waitGeneration(t, a, g, 5*time.Second)
	if got, _ := a.Generation(t.Context()); got != 1 {
		t.Fatalf("generation of a: %d, want 1 (b's are its own)", got)
	}
}

// TestListenerReconnect terminates the listener's connection: the store
// reconnects and notifications arrive again.
func TestListenerReconnect(t *testing.T) {
	_, dsn := testSchema(t)
	log := &recorder{}
	a := openTest(t, dsn, Options{PollInterval: time.Hour, Logger: slog.New(log)})
	b := openTest(t, dsn, Options{PollInterval: time.Hour})
	waitGeneration(t, a, put(t, b, "before"), 5*time.Second)

	c := admin(t)
	for round := range 2 {
		pid := a.listenerPID.Load()
		if pid == 0 {
			t.Fatal("no listener")
		}
		var ok bool
		if err := c.QueryRow(t.Context(), "SELECT pg_terminate_backend($1)", int32(pid)).Scan(&ok); err != nil || !ok {
			t.Fatalf("pg_terminate_backend(%d): %v, %v", pid, ok, err)
		}
		start := time.Now()
		for a.listenerPID.Load() == pid || a.listenerPID.Load() == 0 {
			if time.Since(start) > 10*time.Second {
				t.Fatal("the listener did not reconnect")
			}
			time.Sleep(time.Millisecond)
		}
		t.Logf("round %d: listener reconnected after %v (pid %d -> %d)", round, time.Since(start), pid, a.listenerPID.Load())
		// Polls are an hour apart: only a notification can bring this.
		d := waitGeneration(t, a, put(t, b, fmt.Sprint("after", round)), 5*time.Second)
		t.Logf("round %d: notification after reconnect arrived in %v", round, d)
	}
	if log.count("lost the generation listener") != 2 || log.count("listener reconnected") != 2 {
		t.Errorf("logged: %q", log.msgs)
	}
}

// TestGenerationStale: when the generation cannot be read for long,
// Generation fails with ErrStale instead of vouching for stale caches.
func TestGenerationStale(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	if _, err := s.Generation(t.Context()); err != nil {
		t.Fatal(err)
	}
	// As if the last successful read were long ago.
	s.synced.Store(int64(time.Since(s.start) - s.staleAfter - time.Second))
	if _, err := s.Generation(t.Context()); !errors.Is(err, ErrStale) {
		t.Fatalf("Generation with no read for %v: %v, want ErrStale", s.staleAfter, err)
	}
	// The next poll confirms it again.
	if err := s.sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Generation(t.Context()); err != nil {
		t.Fatalf("Generation after a poll: %v", err)
	}
}

// TestGenerationCommitOrder: with many nodes committing at once, each
// Update's generation is above every generation that had committed before
// it began, and the counter of every node ends at the last one.
func TestGenerationCommitOrder(t *testing.T) {
	_, dsn := testSchema(t)
	ctx := t.Context()
	nodes := []*Store{openTest(t, dsn, Options{}), openTest(t, dsn, Options{}), openTest(t, dsn, Options{})}
	var committed atomic.Int64 // highest generation known committed
	var wg sync.WaitGroup
	for i, s := range nodes {
		for w := range 3 {
			wg.Go(func() {
				for j := range 15 {
					before := committed.Load()
					if err := s.Update(ctx, func(tx store.Tx) error {
						return tx.Put(ctx, store.Record{Key: store.Key{Kind: "k", ID: fmt.Sprint(i, w, j)}})
					}); err != nil {
						t.Error(err)
						return
					}
					g, err := s.Generation(ctx)
					if err != nil || g <= before {
						t.Errorf("generation %d (%v) after an Update that began after %d had committed", g, err, before)
						return
					}
					for {
						c := committed.Load()
						if g <= c || committed.CompareAndSwap(c, g) {
							break
						}
					}
				}
			})
		}
	}
	wg.Wait()
	// At least one per Update; a commit that fails after taking its
	// generation (a serialization failure at commit) leaves a gap.
	last := committed.Load()
	if last < 3*3*15 {
		t.Errorf("last generation %d, want at least %d (one per Update)", last, 3*3*15)
	}
	for _, s := range nodes {
		waitGeneration(t, s, last, 5*time.Second)
	}
}

// TestUpdateRetriesConflict: a transaction that loses a write-write
// conflict runs again, and its caller sees only the outcome.
func TestUpdateRetriesConflict(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	other := admin(t)
	ctx := t.Context()
	k := store.Key{Kind: "counter", ID: "c"}
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Create(ctx, store.Record{Key: k, Data: []byte("0")}) }); err != nil {
		t.Fatal(err)
	}
	calls := 0
	err := s.Update(ctx, func(tx store.Tx) error {
		calls++
		if _, err := tx.Get(ctx, k); err != nil {
			return err
		}
		if calls == 1 {
			// Another node changes the record after this transaction
			// took its snapshot.
			if _, err := other.Exec(ctx, "UPDATE "+s.schema+".records SET data = 'other', version = version + 1 WHERE kind = 'counter'"); err != nil {
				return err
			}
		}
		return tx.Put(ctx, store.Record{Key: k, Data: []byte("mine")})
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if calls != 2 || s.retries.Load() != 1 {
		t.Fatalf("fn ran %d times, %d retries; want 2 and 1 (one conflict, one retry)", calls, s.retries.Load())
	}
	var r store.Record
	s.View(ctx, func(rd store.Reader) (err error) { r, err = rd.Get(ctx, k); return err })
	if string(r.Data) != "mine" || r.Version != 3 {
		t.Fatalf("record %q version %d, want mine at 3", r.Data, r.Version)
	}
}

// TestUpdateRetriesBounded: a transaction that conflicts every time is
// given up after maxAttempts, with the serialization failure.
func TestUpdateRetriesBounded(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	other := admin(t)
	ctx := t.Context()
	k := store.Key{Kind: "counter", ID: "c"}
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Create(ctx, store.Record{Key: k}) }); err != nil {
		t.Fatal(err)
	}
	calls := 0
	err := s.Update(ctx, func(tx store.Tx) error {
		calls++
		if _, err := tx.Get(ctx, k); err != nil {
			return err
		}
		if _, err := other.Exec(ctx, "UPDATE "+s.schema+".records SET version = version + 1 WHERE kind = 'counter'"); err != nil {
			return err
		}
		err := tx.Put(ctx, store.Record{Key: k})
		// fn wraps the store's error: the retry still happens.
		return fmt.Errorf("fn: %w", err)
	})
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "40001" || !strings.HasPrefix(err.Error(), "fn: ") {
		t.Fatalf("Update that always conflicts: %v, want fn's error wrapping a serialization failure", err)
	}
	if calls != maxAttempts {
		t.Fatalf("fn ran %d times, want %d", calls, maxAttempts)
	}
	// The store is usable after it.
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Put(ctx, store.Record{Key: k}) }); err != nil {
		t.Fatal(err)
	}
}

// TestUpdateAlone: once an Update has conflicted it runs alone: other
// Updates wait for it, Views do not.
func TestUpdateAlone(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	other := admin(t)
	ctx := t.Context()
	k := store.Key{Kind: "counter", ID: "c"}
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Create(ctx, store.Record{Key: k}) }); err != nil {
		t.Fatal(err)
	}
	inRetry := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		calls := 0
		done <- s.Update(ctx, func(tx store.Tx) error {
			calls++
			if _, err := tx.Get(ctx, k); err != nil {
				return err
			}
			if calls == 1 {
				if _, err := other.Exec(ctx, "UPDATE "+s.schema+".records SET version = version + 1 WHERE kind = 'counter'"); err != nil {
					return err
				}
			} else {
				close(inRetry)
				<-release
			}
			return tx.Put(ctx, store.Record{Key: k, Data: []byte("retried")})
		})
	}()
	<-inRetry
	// A View runs meanwhile.
	if err := s.View(ctx, func(rd store.Reader) error { _, err := rd.Get(ctx, k); return err }); err != nil {
		t.Fatalf("View during a lone Update: %v", err)
	}
	// An Update waits.
	waited := make(chan error, 1)
	go func() {
		waited <- s.Update(ctx, func(tx store.Tx) error {
			return tx.Create(ctx, store.Record{Key: store.Key{Kind: "k", ID: "later"}})
		})
	}()
	select {
	case err := <-waited:
		t.Fatalf("an Update ran (%v) beside one running alone", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
}

// TestInvalidText: keys PostgreSQL cannot store are refused without
// spoiling the transaction, and found nowhere.
func TestInvalidText(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	ctx := t.Context()
	good := store.Key{Account: "111122223333", Kind: "k", ID: "good"}
	for _, id := range []string{"bad\xff", "nul\x00"} {
		bad := store.Key{Account: "111122223333", Kind: "k", ID: id}
		err := s.Update(ctx, func(tx store.Tx) error {
			if err := tx.Create(ctx, store.Record{Key: bad}); !errors.Is(err, ErrInvalidText) {
				return fmt.Errorf("Create: %v", err)
			}
			if err := tx.Put(ctx, store.Record{Key: bad}); !errors.Is(err, ErrInvalidText) {
				return fmt.Errorf("Put: %v", err)
			}
			if _, err := tx.Get(ctx, bad); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("Get: %v", err)
			}
			if err := tx.Delete(ctx, bad); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("Delete: %v", err)
			}
			if _, err := tx.List(ctx, store.ListQuery{Account: bad.Account, Kind: bad.Kind, Prefix: id}); !errors.Is(err, ErrInvalidText) {
				return fmt.Errorf("List: %v", err)
			}
			if err := tx.Append(ctx, store.Event{Account: bad.Account, ID: id}); !errors.Is(err, ErrInvalidText) {
				return fmt.Errorf("Append: %v", err)
			}
			return tx.Put(ctx, store.Record{Key: good, Data: []byte(id)})
		})
		if err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		if err := s.AppendEvents(ctx, []store.Event{{Account: bad.Account, ID: "e", Name: id}}); !errors.Is(err, ErrInvalidText) {
			t.Fatalf("AppendEvents with %q: %v", id, err)
		}
		if evs, err := s.Events(ctx, store.EventQuery{Account: bad.Account, Name: id}); err != nil || len(evs) != 0 {
			t.Fatalf("Events by name %q: %v, %v", id, evs, err)
		}
		if _, err := s.Events(ctx, store.EventQuery{Account: bad.Account, Before: id}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Events before %q: %v", id, err)
		}
	}
}

// TestAppendEventsBatchAtomic: a batch that fails on its last event leaves
// none of it, whatever its size (the pipeline is one transaction).
func TestAppendEventsBatchAtomic(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	ctx := t.Context()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.AppendEvents(ctx, []store.Event{{Account: "a", ID: "taken", Time: at}}); err != nil {
		t.Fatal(err)
	}
	var batch []store.Event
	for i := range 50 {
		batch = append(batch, store.Event{Account: "a", ID: fmt.Sprint("e", i), Time: at,
			Resources: []store.EventResource{{Type: "T", Name: fmt.Sprint("n", i)}}})
	}
	batch = append(batch, store.Event{Account: "a", ID: "taken", Time: at})
	if err := s.AppendEvents(ctx, batch); !errors.Is(err, store.ErrExists) {
		t.Fatalf("AppendEvents with a taken ID last: %v", err)
	}
	var events, resources int
	if err := s.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_resources)").Scan(&events, &resources); err != nil {
		t.Fatal(err)
	}
	if events != 1 || resources != 0 {
		t.Fatalf("after the failed batch: %d events, %d resources; want 1 and 0", events, resources)
	}
	if err := s.AppendEvents(ctx, batch[:50]); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, store.EventQuery{Account: "a", ResourceName: "n7"})
	if err != nil || len(evs) != 1 || evs[0].ID != "e7" {
		t.Fatalf("Events by resource name: %v, %v", evs, err)
	}
}

// TestDeleteEventsBeforeBatches deletes more events than one statement
// does.
func TestDeleteEventsBeforeBatches(t *testing.T) {
	_, dsn := testSchema(t)
	s := openTest(t, dsn, Options{})
	ctx := t.Context()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = deleteBatch + 10
	// Inserted directly: AppendEvents of 10,000 events is slow under -race.
	if _, err := s.pool.Exec(ctx, `INSERT INTO events (account, id, time, source, name, read_only, username, access_key_id, resources, data)
		SELECT 'a', 'e' || i, $1::timestamptz + i * interval '1 second', '', '', false, '', '', '[]', ''
		FROM generate_series(1, $2) AS i`, t0, n); err != nil {
		t.Fatal(err)
	}
	deleted, err := s.DeleteEventsBefore(ctx, t0.Add((n-4)*time.Second))
	if err != nil || deleted != n-5 {
		t.Fatalf("DeleteEventsBefore: %d, %v; want %d", deleted, err, n-5)
	}
	evs, err := s.Events(ctx, store.EventQuery{Account: "a"})
	if err != nil || len(evs) != 5 {
		t.Fatalf("events left: %d, %v", len(evs), err)
	}
}

func TestParsePayload(t *testing.T) {
	for _, tc := range []struct {
		in     string
		schema string
		gen    int64
		ok     bool
	}{
		{"42:public", "public", 42, true},
		{"0:s", "s", 0, true},
		{"7:a:b", "a:b", 7, true},
		{"7:", "", 7, true},
		{"9223372036854775807:x", "x", 9223372036854775807, true},
		{"", "", 0, false},
		{"42", "", 0, false},
		{":public", "", 0, false},
		{"-1:public", "", 0, false},
		{"+1:public", "", 0, false},
		{"01:public", "", 0, false},
		{"1e3:public", "", 0, false},
		{"9223372036854775808:x", "", 0, false},
	} {
		schema, gen, err := parsePayload(tc.in)
		if (err == nil) != tc.ok || schema != tc.schema || gen != tc.gen {
			t.Errorf("parsePayload(%q) = %q, %d, %v; want %q, %d, ok %v", tc.in, schema, gen, err, tc.schema, tc.gen, tc.ok)
		}
	}
}

func FuzzParsePayload(f *testing.F) {
	for _, s := range []string{"42:public", "0:s", "7:a:b", "", "42", "-1:x", "01:x", "99999999999999999999:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		schema, gen, err := parsePayload(p)
		if err != nil {
			return
		}
		// What parses is what a commit sends.
		if gen < 0 || fmt.Sprintf("%d:%s", gen, schema) != p {
			t.Fatalf("parsePayload(%q) = %q, %d", p, schema, gen)
		}
	})
}

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"ab", "ac", true},
		{"a\u00ff", "a\u0100", true},
		{"\u00ff", "\u0100", true},
		{"a\u007f", "a\u0080", true},
		{"x\ud7ff", "x\ue000", true}, // over the surrogates
		{"a\U0010FFFF", "b", true},
		{"\U0010FFFF\U0010FFFF", "", false},
	} {
		got, ok := prefixEnd(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzPrefixEnd checks prefixEnd's promise on pairs of strings: with a
// valid prefix p, a valid string s starts with p exactly when p <= s < end.
func FuzzPrefixEnd(f *testing.F) {
	f.Add("a", "ab")
	f.Add("\u00ff", "\u00ffa")
	f.Add("\U0010FFFF", "\U0010FFFFx")
	f.Add("a\U0010FFFF", "b")
	f.Add("\ud7ff", "\ue000")
	f.Fuzz(func(t *testing.T, p, s string) {
		if !validText(p) || !validText(s) {
			return
		}
		end, bounded := prefixEnd(p)
		if bounded && !validText(end) {
			t.Fatalf("prefixEnd(%q) = %q, not valid text", p, end)
		}
		inRange := s >= p && (!bounded || s < end)
		if inRange != strings.HasPrefix(s, p) {
			t.Fatalf("prefix %q, end %q (%v): %q in range %v, has prefix %v", p, end, bounded, s, inRange, strings.HasPrefix(s, p))
		}
	})
}
