package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// errTxDone is returned by a Reader or Tx used after its View or Update
// returned.
var errTxDone = errors.New("postgres: transaction has already ended")

// ErrInvalidText is returned for a key or an event field that PostgreSQL's
// text cannot hold: invalid UTF-8, or a NUL byte. Reads of such a key find
// nothing (store.ErrNotFound). The transaction is not spoiled.
var ErrInvalidText = errors.New("postgres: text is not valid UTF-8 or contains NUL")

// Record statements. IDs are compared in the "C" collation of the id
// column, bytewise; List reads the range [lower, upper) or (lower, upper) of
// the primary key, without an upper bound when the prefix has none. A NULL
// limit is no limit.
const (
	sqlGet      = `SELECT data, version, updated FROM records WHERE account = $1 AND kind = $2 AND id = $3`
	sqlList     = `SELECT id, data, version, updated FROM records WHERE account = $1 AND kind = $2 AND id `
	sqlListTail = ` ORDER BY id LIMIT $5`
	sqlCreate   = `INSERT INTO records (account, kind, id, data, version, updated) VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING`
	sqlUpsert   = `INSERT INTO records (account, kind, id, data, version, updated) VALUES ($1, $2, $3, $4, 1, $5)
		ON CONFLICT (account, kind, id) DO UPDATE SET data = excluded.data, version = records.version + 1, updated = excluded.updated`
	sqlPutIf   = `UPDATE records SET data = $4, version = version + 1, updated = $5 WHERE account = $1 AND kind = $2 AND id = $3 AND version = $6`
	sqlVersion = `SELECT version FROM records WHERE account = $1 AND kind = $2 AND id = $3`
	sqlDelete  = `DELETE FROM records WHERE account = $1 AND kind = $2 AND id = $3`
)

// The four forms of List: from (>=) or after (>) the lower bound, with or
// without an upper bound ($4 is then compared with nothing: IS NULL keeps
// the statement's parameters the same).
var (
	sqlListFrom         = sqlList + `>= $3 AND id < $4` + sqlListTail
	sqlListAfter        = sqlList + `> $3 AND id < $4` + sqlListTail
	sqlListFromUnbound  = sqlList + `>= $3 AND $4::text IS NULL` + sqlListTail
	sqlListAfterUnbound = sqlList + `> $3 AND $4::text IS NULL` + sqlListTail
)

// tx is the Reader of a View and the Tx of an Update. It is not safe for
// concurrent use: fn must call it from one goroutine at a time.
type tx struct {
	s     *Store
	tx    pgx.Tx
	write bool
	done  atomic.Bool

	// failed is the first error of a statement: PostgreSQL has aborted the
	// transaction, and every later statement would fail.
	failed error
}

var _ store.Tx = (*tx)(nil)

// check returns the error to give instead of running a statement.
func (t *tx) check(ctx context.Context, write bool) error {
	if t.done.Load() {
		return errTxDone
	}
	if write && !t.write {
		return errors.New("postgres: write in a read transaction")
	}
	if t.failed != nil {
		return t.failed
	}
	return ctx.Err()
}

// fail records err, an error of a statement, and returns it wrapped with
// what was being done.
func (t *tx) fail(ctx context.Context, op string, k store.Key, err error) error {
	err = wrapCtx(ctx, op+" "+keyString(k), err)
	if t.failed == nil {
		t.failed = err
	}
	return err
}

// keyString names k in error messages.
func keyString(k store.Key) string {
	return fmt.Sprintf("%s %q in account %q", k.Kind, k.ID, k.Account)
}

// validText reports whether PostgreSQL's text can hold s as it is.
func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func validKey(k store.Key) bool {
	return validText(k.Account) && validText(k.Kind) && validText(k.ID)
}

func invalidKey(k store.Key) error {
	return fmt.Errorf("%w: key %s", ErrInvalidText, keyString(k))
}

func notFound(k store.Key) error {
	return fmt.Errorf("%w: %s", store.ErrNotFound, keyString(k))
}

// Get returns the record with key k, or store.ErrNotFound.
func (t *tx) Get(ctx context.Context, k store.Key) (store.Record, error) {
	if err := t.check(ctx, false); err != nil {
		return store.Record{}, err
	}
	if !validKey(k) {
		return store.Record{}, notFound(k)
	}
	r := store.Record{Key: k}
	err := t.tx.QueryRow(ctx, sqlGet, k.Account, k.Kind, k.ID).Scan(&r.Data, &r.Version, &r.Updated)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return store.Record{}, notFound(k)
		}
		return store.Record{}, t.fail(ctx, "get", k, err)
	}
	r.Updated = r.Updated.UTC()
	return r, nil
}

// List returns the records q selects, in ID order.
func (t *tx) List(ctx context.Context, q store.ListQuery) ([]store.Record, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	k := store.Key{Account: q.Account, Kind: q.Kind}
	if !validText(q.Account) || !validText(q.Kind) || !validText(q.Prefix) || !validText(q.After) {
		return nil, fmt.Errorf("%w: list %s with prefix %q after %q", ErrInvalidText, keyString(k), q.Prefix, q.After)
	}
	after := q.After != "" && q.After >= q.Prefix
	lower := q.Prefix
	if after {
		lower = q.After
	}
	var stmt string
	var upper *string
	if u, ok := prefixEnd(q.Prefix); ok {
		upper = &u
		stmt = sqlListFrom
		if after {
			stmt = sqlListAfter
		}
	} else {
		stmt = sqlListFromUnbound
		if after {
			stmt = sqlListAfterUnbound
		}
	}
	var limit *int64
	if q.Limit > 0 {
		l := int64(q.Limit)
		limit = &l
	}
	rows, err := t.tx.Query(ctx, stmt, q.Account, q.Kind, lower, upper, limit)
	if err != nil {
		return nil, t.fail(ctx, "list", k, err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Key: k}
		if err := rows.Scan(&r.ID, &r.Data, &r.Version, &r.Updated); err != nil {
			return nil, t.fail(ctx, "list", k, err)
		}
		r.Updated = r.Updated.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(ctx, "list", k, err)
	}
	return out, nil
}

// prefixEnd returns the least valid UTF-8 string greater, bytewise, than
// every string that starts with prefix (valid UTF-8), or false when there is
// none (an empty prefix, or one of only U+10FFFF). UTF-8's byte order is
// code point order, so it is the prefix with its last code point that can
// grow incremented (over the surrogates, which UTF-8 cannot encode) and what
// follows it dropped.
func prefixEnd(prefix string) (string, bool) {
	r := []rune(prefix)
	for i := len(r) - 1; i >= 0; i-- {
		c := r[i] + 1
		if c == 0xD800 {
			c = 0xE000
		}
		if c <= unicode.MaxRune {
			r[i] = c
			return string(r[:i+1]), true
		}
	}
	return "", false
}

// Create inserts r with version 1, or fails with store.ErrExists.
func (t *tx) Create(ctx context.Context, r store.Record) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if !validKey(r.Key) {
		return invalidKey(r.Key)
	}
	tag, err := t.tx.Exec(ctx, sqlCreate, r.Account, r.Kind, r.ID, nonNil(r.Data), t.stamp())
	if err != nil {
		return t.fail(ctx, "create", r.Key, err)
	}
	if tag.RowsAffected() == 0 {
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
	if !validKey(r.Key) {
		return invalidKey(r.Key)
	}
	if r.Version == 0 {
		if _, err := t.tx.Exec(ctx, sqlUpsert, r.Account, r.Kind, r.ID, nonNil(r.Data), t.stamp()); err != nil {
			return t.fail(ctx, "put", r.Key, err)
		}
		return nil
	}
	tag, err := t.tx.Exec(ctx, sqlPutIf, r.Account, r.Kind, r.ID, nonNil(r.Data), t.stamp(), r.Version)
	if err != nil {
		return t.fail(ctx, "put", r.Key, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var current int64
	if err := t.tx.QueryRow(ctx, sqlVersion, r.Account, r.Kind, r.ID).Scan(&current); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound(r.Key)
		}
		return t.fail(ctx, "put", r.Key, err)
	}
	return fmt.Errorf("%w: %s is at version %d, not %d", store.ErrVersion, keyString(r.Key), current, r.Version)
}

// Delete removes the record with key k, or fails with store.ErrNotFound.
func (t *tx) Delete(ctx context.Context, k store.Key) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if !validKey(k) {
		return notFound(k)
	}
	tag, err := t.tx.Exec(ctx, sqlDelete, k.Account, k.Kind, k.ID)
	if err != nil {
		return t.fail(ctx, "delete", k, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(k)
	}
	return nil
}

// Append adds e to the audit trail with the transaction. An ID already in
// e's account fails with store.ErrExists and leaves the transaction usable.
func (t *tx) Append(ctx context.Context, e store.Event) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	args, err := eventArgs(&e)
	if err != nil {
		return err
	}
	var seq int64
	err = t.tx.QueryRow(ctx, sqlAppendInTx, args...).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return eventExists(&e)
	}
	if err != nil {
		return t.fail(ctx, "append event", store.Key{Account: e.Account, Kind: "event", ID: e.ID}, err)
	}
	return nil
}

// stamp is the Updated time of a write.
func (t *tx) stamp() time.Time {
	return t.s.now()
}

// nonNil returns b, or an empty slice for nil: pgx sends a nil slice as
// NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
