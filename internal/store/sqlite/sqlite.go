// Package sqlite is cleanroom's embedded storage backend: a store.Store in one
// SQLite database file, through the pure-Go driver modernc.org/sqlite.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so every
// committed transaction (Update, AppendEvents) has been fsynced to the WAL
// before it returns nil, and survives a crash of the process or the machine.
//
// Concurrency: one writer connection runs each Update in a BEGIN IMMEDIATE
// transaction; only one writer runs at a time, so Updates are serializable.
// View runs on a pool of reader connections, each read transaction seeing
// one snapshot; in WAL mode readers and the writer do not block each other.
//
// Several processes may open the same file (an admin command beside a
// running server): SQLite's locks serialize their writers, waiting up to the
// busy timeout.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Options configure a Store.
type Options struct {
	// Now is the clock stamped on records' Updated; time.Now when nil.
	Now func() time.Time
	// Logger receives migrations and storage trouble; nothing when nil.
	// Record contents are never logged.
	Logger *slog.Logger
}

const (
	// busyTimeout is how long a connection waits for a lock held by
	// another connection (another process, or a checkpoint) before SQLite
	// reports SQLITE_BUSY.
	busyTimeout = 10 * time.Second
	// maxAttempts bounds how many times Update runs fn when SQLite reports
	// SQLITE_BUSY even after waiting busyTimeout.
	maxAttempts = 5
)

// Store is a store.Store kept in one SQLite database. It is safe for use by
// many goroutines.
type Store struct {
	now func() time.Time
	log *slog.Logger

	writerDB, readerDB *sql.DB
	// writer holds the one writer connection while it is free.
	writer chan *conn
	// readers holds the reader connections that are free.
	readers  chan *conn
	nreaders int

	// active counts calls in progress; Close waits for them to end.
	active    atomic.Int64
	closed    atomic.Bool
	idle      chan struct{} // signalled when active drops to 0 after close
	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens (creating when absent) the database at path, applies the
// schema migrations it lacks, and returns the store. A database whose
// schema is newer than this code is refused with ErrSchemaTooNew.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	return open(ctx, path, opts, busyTimeout)
}

// open is Open with the busy timeout as a parameter, for tests.
func open(ctx context.Context, path string, opts Options, busy time.Duration) (*Store, error) {
	s := &Store{
		now:    opts.Now,
		log:    opts.Logger,
		idle:   make(chan struct{}, 1),
		writer: make(chan *conn, 1),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// The database holds account data: create it readable by its owner
	// only. SQLite gives the -wal and -shm files the same permissions.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	f.Close()

	if err := s.open(ctx, abs, busy); err != nil {
		s.shutdown()
		return nil, err
	}
	return s, nil
}

// dsn is the driver's name for the database at abs with the connection
// settings every connection gets.
func dsn(abs string, readOnly bool, busy time.Duration) string {
	q := url.Values{}
	// Wait for locks rather than failing at once.
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	// WAL: readers see a snapshot and never block the writer.
	q.Add("_pragma", "journal_mode(WAL)")
	// synchronous=FULL: each commit fsyncs the WAL before it returns, so
	// an acknowledged write survives a crash or power loss (NORMAL could
	// lose the last commits on power loss).
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	return u.String()
}

func (s *Store) open(ctx context.Context, abs string, busy time.Duration) error {
	var err error
	s.writerDB, err = sql.Open("sqlite", dsn(abs, false, busy))
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	s.writerDB.SetMaxOpenConns(1)
	s.writerDB.SetMaxIdleConns(1)
	s.writerDB.SetConnMaxLifetime(0)
	s.writerDB.SetConnMaxIdleTime(0)

	c, err := s.writerDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: opening %s: %w", abs, err)
	}
	var mode string
	if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		c.Close()
		return fmt.Errorf("sqlite: opening %s: %w", abs, err)
	}
	if mode != "wal" {
		c.Close()
		return fmt.Errorf("sqlite: opening %s: journal mode is %q, not wal", abs, mode)
	}
	_, err = migrate(ctx, c, migrations, s.now, s.log)
	c.Close()
	if err != nil {
		return err
	}
	w, err := newConn(ctx, s.writerDB, true)
	if err != nil {
		return fmt.Errorf("sqlite: opening %s: %w", abs, err)
	}
	s.writer <- w

	s.nreaders = max(4, runtime.GOMAXPROCS(0))
	s.readers = make(chan *conn, s.nreaders)
	s.readerDB, err = sql.Open("sqlite", dsn(abs, true, busy))
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	s.readerDB.SetMaxOpenConns(s.nreaders)
	s.readerDB.SetMaxIdleConns(s.nreaders)
	s.readerDB.SetConnMaxLifetime(0)
	s.readerDB.SetConnMaxIdleTime(0)
	for range s.nreaders {
		r, err := newConn(ctx, s.readerDB, false)
		if err != nil {
			return fmt.Errorf("sqlite: opening %s: %w", abs, err)
		}
		s.readers <- r
	}
	return nil
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

// Close waits for the calls in progress to end, then closes the database.
// Later calls fail with store.ErrClosed; closing again does nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		for s.active.Load() != 0 {
			select {
			case <-s.idle:
			case <-time.After(10 * time.Millisecond):
			}
		}
		s.closeErr = s.shutdown()
	})
	return s.closeErr
}

// shutdown closes every connection and both pools.
func (s *Store) shutdown() error {
	var errs []error
	if s.writer != nil {
		select {
		case w := <-s.writer:
			errs = append(errs, w.close())
		default:
		}
	}
	if s.readers != nil {
		for range len(s.readers) {
			errs = append(errs, (<-s.readers).close())
		}
	}
	if s.readerDB != nil {
		errs = append(errs, s.readerDB.Close())
	}
	if s.writerDB != nil {
		errs = append(errs, s.writerDB.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// acquire takes a connection from pool, waiting while all are in use.
func acquire(ctx context.Context, pool chan *conn) (*conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case c := <-pool:
		return c, nil
	default:
	}
	select {
	case c := <-pool:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// View runs fn in a read transaction: every read fn makes sees the same
// snapshot of the database. fn's error is returned as is.
func (s *Store) View(ctx context.Context, fn func(store.Reader) error) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	c, err := acquire(ctx, s.readers)
	if err != nil {
		return err
	}
	defer func() { s.readers <- c }()
	// A deferred BEGIN takes no lock and cannot wait: no ctx (see tx.check).
	if _, err := c.begin.ExecContext(context.Background()); err != nil {
		c.endTx()
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	r := &tx{s: s, c: c}
	// End the read transaction however fn ends, a panic included, so that
	// the connection goes back to the pool clean.
	defer func() {
		r.done.Store(true)
		if rerr := c.endTx(); rerr != nil {
			s.log.Error("sqlite: ending read transaction", "err", rerr)
			if err == nil {
				err = fmt.Errorf("sqlite: ending read transaction: %w", rerr)
			}
		}
	}()
	return fn(r)
}

// retry marks an attempt of Update that failed with SQLITE_BUSY and may be
// run again; err is what Update returns if it may not.
type retry struct{ err error }

func (r retry) Error() string { return r.err.Error() }

// Update runs fn in a write transaction, serialized with every other
// Update, and commits it durably when fn returns nil. An error from fn rolls
// the transaction back and is returned as is. fn runs again only when
// SQLite reports SQLITE_BUSY (another process held the database locked for
// longer than the busy timeout).
//
// fn must not call Update or AppendEvents on the same store: the writer is
// held until fn returns.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	w, err := acquire(ctx, s.writer)
	if err != nil {
		return err
	}
	defer func() { s.writer <- w }()
	for attempt := 1; ; attempt++ {
		err := s.updateOnce(ctx, w, fn)
		r, ok := err.(retry)
		if !ok {
			return err
		}
		if attempt == maxAttempts || ctx.Err() != nil {
			return r.err
		}
		s.log.Warn("sqlite: database busy; retrying transaction", "attempt", attempt, "err", r.err)
		if err := sleep(ctx, time.Duration(attempt)*50*time.Millisecond); err != nil {
			return r.err
		}
	}
}

func (s *Store) updateOnce(ctx context.Context, w *conn, fn func(store.Tx) error) error {
	if _, err := w.begin.ExecContext(ctx); err != nil {
		w.endTx()
		err = fmt.Errorf("sqlite: begin: %w", err)
		if isBusy(err) {
			return retry{err}
		}
		return err
	}
	t := &tx{s: s, c: w, write: true}
	// A panic in fn rolls the transaction back before it unwinds further.
	finished := false
	defer func() {
		if !finished {
			t.done.Store(true)
			w.endTx()
		}
	}()
	err := fn(t)
	finished = true
	t.done.Store(true)
	if err == nil {
		// A statement that failed inside the transaction may have made
		// SQLite roll it back (an interrupt, an I/O error); commit nothing
		// then, even when fn ignored the error.
		err = t.failed
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		if _, err = w.bump.ExecContext(context.Background()); err != nil {
			err = fmt.Errorf("sqlite: generation: %w", err)
		}
	}
	if err != nil {
		if rerr := w.endTx(); rerr != nil {
			s.log.Error("sqlite: rollback failed", "err", rerr)
		}
		if t.busy {
			return retry{err}
		}
		return err
	}
	// Once fn has succeeded, finish the commit even if ctx ends meanwhile,
	// so that the outcome is the one reported.
	if _, err := w.commit.ExecContext(context.WithoutCancel(ctx)); err != nil {
		w.endTx()
		err = fmt.Errorf("sqlite: commit: %w", err)
		if isBusy(err) {
			return retry{err}
		}
		return err
	}
	return nil
}

// DeleteEventsBefore deletes every account's events older than before, with
// their resources (ON DELETE CASCADE), in one transaction.
func (s *Store) DeleteEventsBefore(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.Update(ctx, func(stx store.Tx) error {
		t, ok := stx.(*tx)
		if !ok {
			return fmt.Errorf("sqlite: unexpected transaction type %T", stx)
		}
		res, err := t.c.c.ExecContext(ctx, `DELETE FROM events WHERE time < ?`, before.UnixMicro())
		if err != nil {
			return fmt.Errorf("sqlite: deleting events: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// AppendEvents stores events in one transaction, durably when it returns
// nil. An event whose ID its account already holds fails the whole batch
// with store.ErrExists.
func (s *Store) AppendEvents(ctx context.Context, events []store.Event) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if len(events) == 0 {
		return nil
	}
	w, err := acquire(ctx, s.writer)
	if err != nil {
		return err
	}
	defer func() { s.writer <- w }()
	for attempt := 1; ; attempt++ {
		err := s.appendOnce(ctx, w, events)
		if err == nil || !isBusy(err) || attempt == maxAttempts || ctx.Err() != nil {
			return err
		}
		s.log.Warn("sqlite: database busy; retrying event append", "attempt", attempt, "err", err)
		if err := sleep(ctx, time.Duration(attempt)*50*time.Millisecond); err != nil {
			return err
		}
	}
}

func (s *Store) appendOnce(ctx context.Context, w *conn, events []store.Event) error {
	if _, err := w.begin.ExecContext(ctx); err != nil {
		w.endTx()
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	for i := range events {
		if err := appendEvent(ctx, w, &events[i]); err != nil {
			if rerr := w.endTx(); rerr != nil {
				s.log.Error("sqlite: rollback failed", "err", rerr)
			}
			if errors.Is(err, store.ErrExists) {
				return err
			}
			return fmt.Errorf("sqlite: append event %q: %w", events[i].ID, err)
		}
	}
	if _, err := w.commit.ExecContext(context.WithoutCancel(ctx)); err != nil {
		w.endTx()
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// Generation returns the number of Updates ever committed to the database.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.leave()
	c, err := acquire(ctx, s.readers)
	if err != nil {
		return 0, err
	}
	defer func() { s.readers <- c }()
	var g int64
	if err := c.generation.QueryRowContext(context.Background()).Scan(&g); err != nil {
		return 0, fmt.Errorf("sqlite: generation: %w", err)
	}
	return g, nil
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
