// Package postgres is cleanroom's shared storage backend: a store.Store in a
// PostgreSQL database, through pgx, that several cleanroom nodes may use at
// once.
//
// The store's tables live in the first schema of the connection's
// search_path (normally public); set search_path in the DSN to give cleanroom
// a schema of its own. Open migrates that schema, one node at a time.
//
// Durability: every connection runs with synchronous_commit=on (Open sets it,
// whatever the DSN or the server's default say), so an Update or AppendEvents
// that returns nil has had its commit record flushed to the server's WAL. It
// survives a crash of the server as long as the server runs with fsync=on;
// Open logs a warning when it does not.
//
// Isolation: Update runs SERIALIZABLE and retries serialization failures (see
// Store.Update); View runs REPEATABLE READ READ ONLY, one snapshot for all its
// reads.
//
// Generation: every committed Update takes the next value of a counter in
// its transaction, in commit order, and announces it with NOTIFY on the
// channel cleanroom_generation, payload "<generation>:<schema>" (stores in
// other schemas of the database have counters of their own and ignore it).
// Each Store listens on a connection of its own
// and reads the counter again every PollInterval in case a notification was
// missed; Generation returns the latest value known, without a round trip
// (see Store.Generation for how stale it may be).
//
// The DSN is pgx's (a URL or key=value pairs, with pgxpool's settings such as
// pool_max_conns). The listener needs a session of its own: a connection
// pooler in front of the server must run in session mode.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Options configure a Store.
type Options struct {
	// Now is the clock stamped on records' Updated and on applied
	// migrations; time.Now when nil. The timing of polls and retries uses
	// the real clock.
	Now func() time.Time
	// Logger receives migrations, retries and connection trouble; nothing
	// when nil. Record contents and the DSN are never logged.
	Logger *slog.Logger
	// PollInterval is how often the generation is read from the database
	// in case a notification was missed; DefaultPollInterval when zero or
	// negative. It bounds how stale Generation may be when notifications
	// are lost.
	PollInterval time.Duration
}

// DefaultPollInterval is the PollInterval of Options that leave it zero.
const DefaultPollInterval = time.Second

const (
	// maxAttempts bounds how many times Update runs fn when its
	// transaction fails to serialize with concurrent ones.
	maxAttempts = 8
	// channel is the NOTIFY channel of generations.
	channel = "cleanroom_generation"
	// pollTimeout bounds one read of the generation.
	pollTimeout = 10 * time.Second
	// maxReconnectDelay caps the backoff of the listener's reconnections.
	maxReconnectDelay = 5 * time.Second
)

// ErrStale is returned by Generation when the Store has not been able to
// read the generation for too long (the database is unreachable): cached
// state may be older than other nodes' changes.
var ErrStale = errors.New("postgres: generation not confirmed recently")

// Store is a store.Store kept in a PostgreSQL database. It is safe for use
// by many goroutines, and many Stores (on many nodes) may share a database.
type Store struct {
	now  func() time.Time
	log  *slog.Logger
	pool *pgxpool.Pool
	// listenConfig configures the listener's own connection.
	listenConfig *pgx.ConnConfig

	// schema is where the tables are; genLock and migrateLock are the
	// advisory lock keys of the generation counter and of migrations in
	// that schema.
	schema               string
	genLock, migrateLock int64

	poll, staleAfter time.Duration

	// gen is the latest generation known. start is a monotonic reference
	// point and synced the time since start of the last successful read of
	// the generation.
	gen    atomic.Int64
	start  time.Time
	synced atomic.Int64
	// listenerPID is the backend pid of the listener's connection, 0 while
	// it is down (for tests).
	listenerPID atomic.Uint32

	// retries counts Update attempts that conflicted (for tests).
	retries atomic.Int64

	stop context.CancelFunc
	bg   sync.WaitGroup

	// active counts calls in progress; Close waits for them to end.
	active    atomic.Int64
	closed    atomic.Bool
	idle      chan struct{}
	closeOnce sync.Once
}

var _ store.Store = (*Store)(nil)

// Open connects to the database dsn names, applies the schema migrations
// it lacks (waiting while another node applies them), starts listening for
// other nodes' generations and returns the store. A schema newer than this
// code is refused with ErrSchemaTooNew.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message quotes the DSN, password included when it cannot
		// tell where the password is.
		return nil, errors.New("postgres: the DSN cannot be parsed (it is not shown: it may hold a password)")
	}
	// Durability does not depend on the server's default or the DSN.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "cleanroom"
	}
	s := &Store{
		now:          opts.Now,
		log:          opts.Logger,
		listenConfig: cfg.ConnConfig.Copy(),
		poll:         opts.PollInterval,
		idle:         make(chan struct{}, 1),
		start:        time.Now(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.poll <= 0 {
		s.poll = DefaultPollInterval
	}
	// Generation refuses to answer when ten polls in a row have failed
	// (and at least 10 s have passed): long enough to ride out a restart of
	// the server, short enough that a node cut off from the database stops
	// trusting its caches.
	s.staleAfter = max(10*s.poll, 10*time.Second)

	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := s.open(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connecting: %w", err)
	}
	defer c.Release()
	var schema *string
	var encoding, fsync string
	if err := c.QueryRow(ctx, `SELECT current_schema(), current_setting('server_encoding'), current_setting('fsync')`).Scan(&schema, &encoding, &fsync); err != nil {
		return fmt.Errorf("postgres: connecting: %w", err)
	}
	if schema == nil {
		return errors.New("postgres: no schema of the search_path exists; create one or set search_path in the DSN")
	}
	// Record IDs are compared bytewise as UTF-8 (COLLATE "C"); in another
	// encoding they would neither sort nor round-trip as the store promises.
	if encoding != "UTF8" {
		return fmt.Errorf("postgres: the database's encoding is %s; cleanroom needs UTF8", encoding)
	}
	if fsync != "on" {
		s.log.Warn("postgres: the server runs with fsync off: committed changes may be lost in a crash")
	}
	s.schema = *schema
	s.genLock = lockKey("cleanroom generation", s.schema)
	s.migrateLock = lockKey("cleanroom migrate", s.schema)
	if _, err := migrate(ctx, c.Conn(), s.migrateLock, migrations, s.now, s.log); err != nil {
		return err
	}

	// Listen first, then read: a generation committed in between is both
	// notified and read, none is missed.
	bg, stop := context.WithCancel(context.Background())
	s.stop = stop
	conn, err := s.connectListener(ctx)
	if err != nil {
		stop()
		return err
	}
	if err := s.sync(ctx); err != nil {
		stop()
		conn.Close(context.Background())
		return err
	}
	s.bg.Add(2)
	go s.listen(bg, conn)
	go s.pollLoop(bg)
	return nil
}

// lockKey is the advisory lock key of purpose in schema: locks of cleanroom
// stores in different schemas of one database do not collide.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(schema))
	return int64(h.Sum64())
}

// enter registers a call in progress, or reports that the store is closed.
func (s *Store) enter() error {
	s.active.Add(1)
	if s.closed.Load() {
		s.leave()
		return store.ErrClosed
	}
	return nil
}

func (s *Store) leave() {
	if s.active.Add(-1) == 0 && s.closed.Load() {
		select {
		case s.idle <- struct{}{}:
		default:
		}
	}
}

// Close waits for the calls in progress to end, stops listening and closes
// the connections. Later calls fail with store.ErrClosed; closing again does
// nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		for s.active.Load() != 0 {
			select {
			case <-s.idle:
			case <-time.After(10 * time.Millisecond):
			}
		}
		s.stop()
		s.bg.Wait()
		s.pool.Close()
	})
	return nil
}

// View runs fn in a REPEATABLE READ READ ONLY transaction: every read fn
// makes sees the same snapshot. fn's error is returned as is.
func (s *Store) View(ctx context.Context, fn func(store.Reader) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return err
	}
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return wrapCtx(ctx, "begin", err)
	}
	r := &tx{s: s, tx: ptx}
	// End the transaction however fn ends, a panic included, so that the
	// connection goes back to the pool clean.
	defer func() {
		r.done.Store(true)
		if err := ptx.Rollback(context.WithoutCancel(ctx)); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
			s.log.Warn("postgres: ending a read transaction", "err", err)
		}
	}()
	return fn(r)
}

// retry marks an attempt of Update that failed to serialize and may be run
// again; err is what Update returns if it may not.
type retry struct{ err error }

func (r retry) Error() string { return r.err.Error() }

// Update runs fn in a SERIALIZABLE transaction and commits it when fn
// returns nil; an error from fn rolls it back and is returned as is.
//
// SERIALIZABLE rather than REPEATABLE READ with explicit row locks: what
// domain code checks is often the absence of records (a name not taken, a
// quota not reached by a List), which no row lock can hold; serializable
// snapshot isolation detects such conflicts by itself.
//
// Updates run concurrently first. One that fails to serialize with the
// others (SQLSTATE 40001) or is chosen as a deadlock victim (40P01), in a
// statement of fn or at commit, is rolled back and runs again alone: it
// takes the update_lock table in EXCLUSIVE mode, which waits for the
// Updates in flight (they hold it in ROW SHARE mode) and keeps new ones out
// until it ends. Its snapshot is taken once the lock is held (LOCK TABLE
// takes none), so no other Update can conflict with it: under contention,
// Updates degrade to running one at a time, as with SQLite, instead of
// starving one another. After maxAttempts attempts (only writes from
// outside Update, such as a hand-run UPDATE, could make it that far) the
// failure is returned.
//
// The commit takes the next generation under a transaction-scoped advisory
// lock, so that generations are taken in commit order, and notifies it.
// When Update returns nil, the commit is durable and Generation already
// reports it.
//
// fn must not call Update on a store of the same database: a retry holds
// update_lock, which the inner Update would wait for.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := s.updateOnce(ctx, fn, attempt > 1)
		r, ok := err.(retry)
		if !ok {
			return err
		}
		if attempt == maxAttempts || ctx.Err() != nil {
			return r.err
		}
		s.retries.Add(1)
		s.log.Debug("postgres: transaction conflicted; retrying alone", "attempt", attempt, "err", r.err)
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return r.err
		}
	}
}

// backoff is the wait before attempt+1: random, up to 1 ms doubling with
// each attempt to at most 64 ms, so that conflicting transactions spread out.
func backoff(attempt int) time.Duration {
	ceiling := time.Millisecond << min(attempt-1, 6)
	return time.Duration(rand.Int64N(int64(ceiling))) + 100*time.Microsecond
}

// The beginnings of an Update's transaction: concurrent with other Updates,
// or alone. Both are one round trip.
const (
	sqlBeginShared    = `BEGIN ISOLATION LEVEL SERIALIZABLE; LOCK TABLE update_lock IN ROW SHARE MODE`
	sqlBeginExclusive = `BEGIN ISOLATION LEVEL SERIALIZABLE; LOCK TABLE update_lock IN EXCLUSIVE MODE`
)

func (s *Store) updateOnce(ctx context.Context, fn func(store.Tx) error, alone bool) error {
	begin := sqlBeginShared
	if alone {
		begin = sqlBeginExclusive
	}
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: begin})
	if err != nil {
		err = wrapCtx(ctx, "begin", err)
		if retryable(err) {
			return retry{err}
		}
		return err
	}
	t := &tx{s: s, tx: ptx, write: true}
	// A panic in fn rolls the transaction back before it unwinds further.
	finished := false
	defer func() {
		if !finished {
			t.done.Store(true)
			ptx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	err = fn(t)
	finished = true
	t.done.Store(true)
	if err == nil {
		// A statement that failed has aborted the transaction: commit
		// nothing, even when fn ignored the error.
		err = t.failed
	}
	if err == nil {
		err = ctx.Err()
	}
	var gen int64
	if err == nil {
		gen, err = s.bump(ctx, ptx)
	}
	if err != nil {
		if rerr := ptx.Rollback(context.WithoutCancel(ctx)); rerr != nil && !errors.Is(rerr, pgx.ErrTxClosed) {
			s.log.Warn("postgres: rollback failed", "err", rerr)
		}
		if retryable(t.failed) || retryable(err) {
			return retry{err}
		}
		return err
	}
	// Once fn has succeeded, finish the commit even if ctx ends meanwhile,
	// so that the outcome is the one reported.
	if err := ptx.Commit(context.WithoutCancel(ctx)); err != nil {
		err = wrapCtx(context.WithoutCancel(ctx), "commit", err)
		if retryable(err) {
			return retry{err}
		}
		return err
	}
	s.observe(gen)
	return nil
}

// bump takes the next generation in ptx and notifies it, in one round trip.
// The advisory lock, held until ptx ends, makes generations follow commit
// order: a transaction that took generation n has committed (or rolled back)
// before another takes n+1. The sequence's values are not transactional, so
// a commit that fails after bump leaves a gap, which only makes caches reload.
func (s *Store) bump(ctx context.Context, ptx pgx.Tx) (int64, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, s.genLock)
	b.Queue(`SELECT nextval('generation')`)
	b.Queue(`SELECT pg_notify($1, currval('generation')::text || ':' || $2)`, channel, s.schema)
	br := ptx.SendBatch(ctx, b)
	var gen int64
	_, err := br.Exec()
	if err == nil {
		err = br.QueryRow().Scan(&gen)
	}
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, wrapCtx(ctx, "generation", err)
	}
	return gen, nil
}

// DeleteEventsBefore deletes every account's events older than before, with
// their resources (ON DELETE CASCADE), in batches of 10,000 events, each its
// own transaction: pruning a long trail holds no lock for long and does not
// conflict with the appends going on. It is not an Update and leaves the
// generation alone.
func (s *Store) DeleteEventsBefore(ctx context.Context, before time.Time) (int64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.leave()
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		tag, err := s.pool.Exec(ctx, sqlDeleteEvents, before, deleteBatch)
		if err != nil {
			return total, wrapCtx(ctx, "deleting events", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < deleteBatch {
			return total, nil
		}
	}
}

// deleteBatch is how many events DeleteEventsBefore deletes per statement.
const deleteBatch = 10000

// Generation returns the latest generation this Store knows: its own
// commits at once, other nodes' commits when their notification arrives
// (normally within milliseconds) or, if it was lost, at the next poll.
//
// Staleness bound: a commit on another node is reflected here within
// PollInterval plus the time of one poll, whatever happens to
// notifications. When the generation could not be read for
// max(10 × PollInterval, 10 s) (the database is unreachable), Generation
// fails with ErrStale rather than vouch for caches it cannot check.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.leave()
	if age := time.Since(s.start) - time.Duration(s.synced.Load()); age > s.staleAfter {
		return 0, fmt.Errorf("%w (%w): last read %v ago", ErrStale, store.ErrUnavailable, age.Round(time.Millisecond))
	}
	return s.gen.Load(), nil
}

// retryable reports a serialization failure or a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// wrapCtx wraps err, an error of op; when ctx has ended, the error says so
// (errors.Is finds ctx's error), whatever form the driver gave it.
func wrapCtx(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("postgres: %s: %w (%w)", op, cerr, err)
	}
	if ctx.Err() == nil && isConnectionError(err) {
		return fmt.Errorf("postgres: %s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// isConnectionError reports an error of reaching the database rather than
// of the statement: a failed connect, a broken connection, a timeout.
//
// The server's own answers count too: class 08 (connection exception) and
// 57P01-57P03 (shutting down, crash, not yet accepting connections).
func isConnectionError(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isUniqueViolation reports a unique_violation of constraint.
func isUniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && strings.EqualFold(pe.ConstraintName, constraint)
}
