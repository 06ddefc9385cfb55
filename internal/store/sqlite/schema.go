package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrSchemaTooNew is returned by Open when the database was written by a
// newer cleanroom whose schema this one does not know.
var ErrSchemaTooNew = errors.New("sqlite: database schema is newer than this cleanroom")

// A migration moves the schema from version-1 to version. Its statements run
// in order, in the transaction that records the version.
type migration struct {
	version    int
	statements []string
}

// migrations is the schema's history, oldest first. Never edit a released
// migration: append a new one.
//
// Times are integers of microseconds since the Unix epoch, UTC (the
// precision PostgreSQL keeps too). Record IDs are TEXT compared with the
// default BINARY collation, which is bytewise. Records are kept in a
// WITHOUT ROWID table so that a Get is one b-tree search.
var migrations = []migration{
	{1, []string{
		`CREATE TABLE records (
			account TEXT    NOT NULL,
			kind    TEXT    NOT NULL,
			id      TEXT    NOT NULL,
			data    BLOB    NOT NULL,
			version INTEGER NOT NULL,
			updated INTEGER NOT NULL,
			PRIMARY KEY (account, kind, id)
		) WITHOUT ROWID`,
		// seq orders events in append order; it is the tie-break between
		// events with the same time.
		`CREATE TABLE events (
			seq           INTEGER PRIMARY KEY,
			account       TEXT    NOT NULL,
			id            TEXT    NOT NULL,
			time          INTEGER NOT NULL,
			source        TEXT    NOT NULL,
			name          TEXT    NOT NULL,
			read_only     INTEGER NOT NULL,
			username      TEXT    NOT NULL,
			access_key_id TEXT    NOT NULL,
			resources     BLOB    NOT NULL,
			data          BLOB    NOT NULL,
			UNIQUE (account, id)
		)`,
		`CREATE INDEX events_by_time ON events (account, time, seq)`,
		`CREATE INDEX events_by_name ON events (account, name, time, seq)`,
		`CREATE INDEX events_by_source ON events (account, source, time, seq)`,
		`CREATE INDEX events_by_read_only ON events (account, read_only, time, seq)`,
		`CREATE INDEX events_by_username ON events (account, username, time, seq)`,
		`CREATE INDEX events_by_access_key_id ON events (account, access_key_id, time, seq)`,
		// event_resources is the lookup table for ResourceType and
		// ResourceName; events.resources holds the same list for reading.
		`CREATE TABLE event_resources (
			seq     INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
			account TEXT    NOT NULL,
			type    TEXT    NOT NULL,
			name    TEXT    NOT NULL
		)`,
		`CREATE INDEX event_resources_by_seq ON event_resources (seq)`,
		`CREATE INDEX event_resources_by_type ON event_resources (account, type, seq)`,
		`CREATE INDEX event_resources_by_name ON event_resources (account, name, seq)`,
		`CREATE TABLE generation (
			id    INTEGER PRIMARY KEY CHECK (id = 1),
			value INTEGER NOT NULL
		)`,
		`INSERT INTO generation (id, value) VALUES (1, 0)`,
	}},
	// Every API call appends an event, reads included, so each index on
	// events costs on the request path. ReadOnly and EventSource have a few
	// values each: a lookup by them walks events_by_time and filters, which
	// finds its page of matches quickly. events_by_age serves the pruning of
	// events past their retention, across accounts.
	{2, []string{
		`DROP INDEX events_by_read_only`,
		`DROP INDEX events_by_source`,
		`CREATE INDEX events_by_age ON events (time)`,
	}},
}

// migrate brings the database on c up to the last version in list, in one
// IMMEDIATE transaction, and returns the version it is at. Reopening a
// current database changes nothing. A database whose version is beyond
// list is refused with ErrSchemaTooNew and left untouched.
func migrate(ctx context.Context, c *sql.Conn, list []migration, now func() time.Time, log *slog.Logger) (version int, err error) {
	for i, m := range list {
		if m.version != i+1 {
			return 0, fmt.Errorf("sqlite: migration %d has version %d", i+1, m.version)
		}
	}
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return 0, fmt.Errorf("sqlite: migrate: %w", err)
	}
	defer func() {
		if err != nil {
			if _, rerr := c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				log.Error("sqlite: rollback of migration failed", "err", rerr)
			}
		}
	}()
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY,
		applied INTEGER NOT NULL
	)`); err != nil {
		return 0, fmt.Errorf("sqlite: migrate: %w", err)
	}
	var current int
	if err := c.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&current); err != nil {
		return 0, fmt.Errorf("sqlite: migrate: reading schema version: %w", err)
	}
	if current > len(list) {
		return 0, fmt.Errorf("%w: the database is at schema version %d and this cleanroom knows versions up to %d; run a newer cleanroom", ErrSchemaTooNew, current, len(list))
	}
	for _, m := range list[current:] {
		for _, stmt := range m.statements {
			if _, err := c.ExecContext(ctx, stmt); err != nil {
				return 0, fmt.Errorf("sqlite: migration %d: %w", m.version, err)
			}
		}
		if _, err := c.ExecContext(ctx, "INSERT INTO schema_version (version, applied) VALUES (?, ?)", m.version, now().UnixMicro()); err != nil {
			return 0, fmt.Errorf("sqlite: migration %d: %w", m.version, err)
		}
		log.Info("sqlite: applied schema migration", "version", m.version)
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return 0, fmt.Errorf("sqlite: migrate: commit: %w", err)
	}
	return len(list), nil
}
