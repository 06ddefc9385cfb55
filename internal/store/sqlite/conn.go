package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// conn is one SQLite connection held for the store's lifetime, with its
// statements prepared once.
type conn struct {
	c *sql.Conn

	begin, commit, rollback  *sql.Stmt
	get, listFrom, listAfter *sql.Stmt

	// Writer only.
	create, upsert, putIf, version, del *sql.Stmt
	event, eventResource, bump          *sql.Stmt

	// Readers only.
	generation, eventPosition *sql.Stmt
}

// Record statements. List reads IDs in [lower, upper) where the upper bound
// is bound as a BLOB when there is no prefix to bound it: SQLite sorts every
// BLOB after every TEXT, so the range scan still runs on the primary key.
const (
	sqlGet       = `SELECT data, version, updated FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3`
	sqlListFrom  = `SELECT id, data, version, updated FROM records WHERE account = ?1 AND kind = ?2 AND id >= ?3 AND id < ?4 ORDER BY id LIMIT ?5`
	sqlListAfter = `SELECT id, data, version, updated FROM records WHERE account = ?1 AND kind = ?2 AND id > ?3 AND id < ?4 ORDER BY id LIMIT ?5`
	sqlCreate    = `INSERT INTO records (account, kind, id, data, version, updated) VALUES (?1, ?2, ?3, ?4, 1, ?5) ON CONFLICT DO NOTHING`
	sqlUpsert    = `INSERT INTO records (account, kind, id, data, version, updated) VALUES (?1, ?2, ?3, ?4, 1, ?5)
		ON CONFLICT (account, kind, id) DO UPDATE SET data = excluded.data, version = records.version + 1, updated = excluded.updated`
	sqlPutIf    = `UPDATE records SET data = ?4, version = version + 1, updated = ?5 WHERE account = ?1 AND kind = ?2 AND id = ?3 AND version = ?6`
	sqlVersion  = `SELECT version FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3`
	sqlDelete   = `DELETE FROM records WHERE account = ?1 AND kind = ?2 AND id = ?3`
	sqlEvent    = `INSERT INTO events (account, id, time, source, name, read_only, username, access_key_id, resources, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`
	sqlEventRes = `INSERT INTO event_resources (seq, account, type, name) VALUES (?1, ?2, ?3, ?4)`
	sqlBump     = `UPDATE generation SET value = value + 1 WHERE id = 1`
	sqlGen      = `SELECT value FROM generation WHERE id = 1`
	sqlEventPos = `SELECT time, seq FROM events WHERE account = ?1 AND id = ?2`
)

// newConn takes a connection from db and prepares its statements.
func newConn(ctx context.Context, db *sql.DB, writer bool) (_ *conn, err error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	cn := &conn{c: c}
	defer func() {
		if err != nil {
			cn.close()
		}
	}()
	begin := "BEGIN"
	if writer {
		// IMMEDIATE takes the write lock at once, so writers are
		// serialized at BEGIN and never fail later with a conflict.
		begin = "BEGIN IMMEDIATE"
	}
	prep := []struct {
		s   **sql.Stmt
		sql string
	}{
		{&cn.begin, begin},
		{&cn.commit, "COMMIT"},
		{&cn.rollback, "ROLLBACK"},
		{&cn.get, sqlGet},
		{&cn.listFrom, sqlListFrom},
		{&cn.listAfter, sqlListAfter},
	}
	if writer {
		prep = append(prep, []struct {
			s   **sql.Stmt
			sql string
		}{
			{&cn.create, sqlCreate},
			{&cn.upsert, sqlUpsert},
			{&cn.putIf, sqlPutIf},
			{&cn.version, sqlVersion},
			{&cn.del, sqlDelete},
			{&cn.event, sqlEvent},
			{&cn.eventResource, sqlEventRes},
			{&cn.bump, sqlBump},
		}...)
	} else {
		prep = append(prep, []struct {
			s   **sql.Stmt
			sql string
		}{
			{&cn.generation, sqlGen},
			{&cn.eventPosition, sqlEventPos},
		}...)
	}
	for _, p := range prep {
		if *p.s, err = c.PrepareContext(ctx, p.sql); err != nil {
			return nil, fmt.Errorf("preparing %q: %w", p.sql, err)
		}
	}
	return cn, nil
}

func (cn *conn) close() error {
	for _, s := range []*sql.Stmt{
		cn.begin, cn.commit, cn.rollback, cn.get, cn.listFrom, cn.listAfter,
		cn.create, cn.upsert, cn.putIf, cn.version, cn.del, cn.event, cn.eventResource, cn.bump,
		cn.generation, cn.eventPosition,
	} {
		if s != nil {
			s.Close()
		}
	}
	return cn.c.Close()
}

// endTx rolls back whatever transaction is open on cn. It runs without the
// caller's cancellation so that the connection is always left clean; "no
// transaction is active" (SQLite rolled back already) is not an error.
func (cn *conn) endTx() error {
	_, err := cn.rollback.ExecContext(context.Background())
	if err != nil && isNoTransaction(err) {
		return nil
	}
	return err
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (in any of its
// extended forms): another connection holds a lock this one needs.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// isNoTransaction reports the error ROLLBACK gives when SQLite already
// ended the transaction itself (after an interrupt or an I/O error).
func isNoTransaction(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_ERROR &&
		strings.Contains(se.Error(), "no transaction is active")
}

// isUnique reports a UNIQUE or PRIMARY KEY constraint failure.
func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
