package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// errTxDone is returned by a Reader or Tx used after its View or Update
// returned.
var errTxDone = errors.New("sqlite: transaction has already ended")

// tx is the Reader of a View and the Tx of an Update. It is not safe for
// concurrent use: fn must call it from one goroutine at a time.
type tx struct {
	s     *Store
	c     *conn
	write bool
	done  atomic.Bool

	// failed is the first unexpected error of a statement in a write
	// transaction; busy reports that it, or a later one, was SQLITE_BUSY.
	failed error
	busy   bool
}

var _ store.Tx = (*tx)(nil)

// check returns the error to give instead of running a statement.
//
// Statements run without ctx once it has been checked here: each is one
// index lookup or a short range scan, so there is nothing to interrupt, and
// a cancelable context costs the driver and database/sql a goroutine per
// statement, more than the statement itself. Update does not commit once
// its ctx has ended.
func (t *tx) check(ctx context.Context, write bool) error {
	if t.done.Load() {
		return errTxDone
	}
	if write && !t.write {
		return errors.New("sqlite: write in a read transaction")
	}
	if t.failed != nil {
		return t.failed
	}
	return ctx.Err()
}

// fail records err, an unexpected error of a statement, and returns it
// wrapped with what was being done.
func (t *tx) fail(op string, k store.Key, err error) error {
	if t.write {
		if t.failed == nil {
			t.failed = err
		}
		if isBusy(err) {
			t.busy = true
		}
	}
	return fmt.Errorf("sqlite: %s %s: %w", op, keyString(k), err)
}

// keyString names k in error messages.
func keyString(k store.Key) string {
	return fmt.Sprintf("%s %q in account %q", k.Kind, k.ID, k.Account)
}

// Get returns the record with key k, or store.ErrNotFound.
func (t *tx) Get(ctx context.Context, k store.Key) (store.Record, error) {
	if err := t.check(ctx, false); err != nil {
		return store.Record{}, err
	}
	r := store.Record{Key: k}
	var updated int64
	err := t.c.get.QueryRowContext(context.Background(), k.Account, k.Kind, k.ID).Scan(&r.Data, &r.Version, &updated)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return store.Record{}, fmt.Errorf("%w: %s", store.ErrNotFound, keyString(k))
		}
		return store.Record{}, t.fail("get", k, err)
	}
	r.Updated = fromMicro(updated)
	return r, nil
}

// List returns the records q selects, in ID order.
func (t *tx) List(ctx context.Context, q store.ListQuery) ([]store.Record, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	stmt, lower := t.c.listFrom, q.Prefix
	if q.After != "" && q.After >= q.Prefix {
		stmt, lower = t.c.listAfter, q.After
	}
	var upper any = maxBound
	if u, ok := prefixEnd(q.Prefix); ok {
		upper = u
	}
	limit := int64(-1)
	if q.Limit > 0 {
		limit = int64(q.Limit)
	}
	k := store.Key{Account: q.Account, Kind: q.Kind}
	rows, err := stmt.QueryContext(context.Background(), q.Account, q.Kind, lower, upper, limit)
	if err != nil {
		return nil, t.fail("list", k, err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Key: k}
		var updated int64
		if err := rows.Scan(&r.ID, &r.Data, &r.Version, &updated); err != nil {
			return nil, t.fail("list", k, err)
		}
		r.Updated = fromMicro(updated)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail("list", k, err)
	}
	return out, nil
}

// maxBound sorts after every TEXT value: SQLite orders all BLOBs after all
// TEXT. It is the upper bound of a List without a prefix.
var maxBound = []byte{0}

// prefixEnd returns the least string greater than every string that starts
// with prefix, bytewise, or false when there is none (an empty prefix, or
// one of only 0xff bytes). The result may not be valid UTF-8; it is only
// compared.
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// Create inserts r with version 1, or fails with store.ErrExists.
func (t *tx) Create(ctx context.Context, r store.Record) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	res, err := t.c.create.ExecContext(context.Background(), r.Account, r.Kind, r.ID, nonNil(r.Data), t.stamp())
	if err != nil {
		return t.fail("create", r.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("create", r.Key, err)
	} else if n == 0 {
		return fmt.Errorf("%w: %s", store.ErrExists, keyString(r.Key))
	}
	return nil
}

// Put writes r: unconditionally when r.Version is 0, otherwise only over
// the stored record of that version.
func (t *tx) Put(ctx context.Context, r store.Record) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if r.Version == 0 {
		if _, err := t.c.upsert.ExecContext(context.Background(), r.Account, r.Kind, r.ID, nonNil(r.Data), t.stamp()); err != nil {
			return t.fail("put", r.Key, err)
		}
		return nil
	}
	res, err := t.c.putIf.ExecContext(context.Background(), r.Account, r.Kind, r.ID, nonNil(r.Data), t.stamp(), r.Version)
	if err != nil {
		return t.fail("put", r.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.fail("put", r.Key, err)
	}
	if n == 1 {
		return nil
	}
	var current int64
	if err := t.c.version.QueryRowContext(context.Background(), r.Account, r.Kind, r.ID).Scan(&current); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s", store.ErrNotFound, keyString(r.Key))
		}
		return t.fail("put", r.Key, err)
	}
	return fmt.Errorf("%w: %s is at version %d, not %d", store.ErrVersion, keyString(r.Key), current, r.Version)
}

// Delete removes the record with key k, or fails with store.ErrNotFound.
func (t *tx) Delete(ctx context.Context, k store.Key) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	res, err := t.c.del.ExecContext(context.Background(), k.Account, k.Kind, k.ID)
	if err != nil {
		return t.fail("delete", k, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("delete", k, err)
	} else if n == 0 {
		return fmt.Errorf("%w: %s", store.ErrNotFound, keyString(k))
	}
	return nil
}

// Append adds e to the audit trail with the transaction. An ID already in
// e's account fails with store.ErrExists.
func (t *tx) Append(ctx context.Context, e store.Event) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if err := appendEvent(context.Background(), t.c, &e); err != nil {
		if errors.Is(err, store.ErrExists) {
			return err
		}
		return t.fail("append event", store.Key{Account: e.Account, Kind: "event", ID: e.ID}, err)
	}
	return nil
}

// stamp is the Updated time of a write, in the database's form.
func (t *tx) stamp() int64 {
	return t.s.now().UnixMicro()
}

func fromMicro(us int64) time.Time {
	return time.UnixMicro(us).UTC()
}

// nonNil returns b, or an empty slice for nil: the driver binds a nil slice
// as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
