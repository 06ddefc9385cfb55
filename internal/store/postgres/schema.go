package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrSchemaTooNew is returned by Open when the database was migrated by a
// newer cleanroom whose schema this one does not know.
var ErrSchemaTooNew = errors.New("postgres: database schema is newer than this cleanroom")

// A migration moves the schema from version-1 to version. Its statements run
// in order, in the transaction that records the version.
type migration struct {
	version    int
	statements []string
}

// migrations is the schema's history, oldest first. Never edit a released
// migration: append a new one.
//
// The tables are those of the SQLite backend (after its second migration),
// in PostgreSQL's types. Keys are text with the "C" collation, which compares
// bytewise: records are listed in that order, and the primary key serves
// ranges of IDs. Times are timestamptz, which keeps microseconds.
//
// The generation is a sequence rather than a row: a row that every Update
// writes would make every two concurrent serializable transactions conflict.
// CACHE 1 (the default, spelled out) matters: with a cache, sessions would
// hand out values out of order.
var migrations = []migration{
	{1, []string{
		`CREATE TABLE records (
			account text COLLATE "C" NOT NULL,
			kind    text COLLATE "C" NOT NULL,
			id      text COLLATE "C" NOT NULL,
			data    bytea       NOT NULL,
			version bigint      NOT NULL,
			updated timestamptz NOT NULL,
			PRIMARY KEY (account, kind, id)
		)`,
		// seq orders events in append order; it is the tie-break between
		// events with the same time.
		`CREATE TABLE events (
			seq           bigserial PRIMARY KEY,
			account       text COLLATE "C" NOT NULL,
			id            text COLLATE "C" NOT NULL,
			time          timestamptz NOT NULL,
			source        text COLLATE "C" NOT NULL,
			name          text COLLATE "C" NOT NULL,
			read_only     boolean NOT NULL,
			username      text COLLATE "C" NOT NULL,
			access_key_id text COLLATE "C" NOT NULL,
			resources     jsonb NOT NULL,
			data          bytea NOT NULL,
			CONSTRAINT events_account_id UNIQUE (account, id)
		)`,
		// Every API call appends an event, reads included, so each index
		// on events costs on the request path. ReadOnly and EventSource
		// have a few values each: a lookup by them walks events_by_time
		// and filters. events_by_age serves the pruning of events past
		// their retention, across accounts.
		`CREATE INDEX events_by_time ON events (account, time, seq)`,
		`CREATE INDEX events_by_name ON events (account, name, time, seq)`,
		`CREATE INDEX events_by_username ON events (account, username, time, seq)`,
		`CREATE INDEX events_by_access_key_id ON events (account, access_key_id, time, seq)`,
		`CREATE INDEX events_by_age ON events (time)`,
		// event_resources is the lookup table for ResourceType and
		// ResourceName; events.resources holds the same list for reading,
		// a JSON array of [type, name] pairs.
		`CREATE TABLE event_resources (
			seq     bigint NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
			account text COLLATE "C" NOT NULL,
			type    text COLLATE "C" NOT NULL,
			name    text COLLATE "C" NOT NULL
		)`,
		`CREATE INDEX event_resources_by_seq ON event_resources (seq)`,
		`CREATE INDEX event_resources_by_type ON event_resources (account, type, seq)`,
		`CREATE INDEX event_resources_by_name ON event_resources (account, name, seq)`,
		`CREATE SEQUENCE generation AS bigint MINVALUE 0 START 1 CACHE 1 NO CYCLE`,
		// update_lock holds nothing: Updates lock it, in ROW SHARE mode
		// to run together, in EXCLUSIVE mode to run alone (see
		// Store.Update).
		`CREATE TABLE update_lock ()`,
	}},
}

// sqlGeneration reads the generation: the sequence's last value, 0 before
// its first.
const sqlGeneration = `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM generation`

// migrate brings the schema on c up to the last version in list, in one
// transaction, and returns the version it is at. The transaction first takes
// the advisory lock lockKey, so that of several nodes starting at once one
// migrates and the others wait, then find the schema current. Reopening a
// current schema changes nothing. A schema whose version is beyond list is
// refused with ErrSchemaTooNew and left untouched.
func migrate(ctx context.Context, c *pgx.Conn, lockKey int64, list []migration, now func() time.Time, log *slog.Logger) (version int, err error) {
	for i, m := range list {
		if m.version != i+1 {
			return 0, fmt.Errorf("postgres: migration %d has version %d", i+1, m.version)
		}
	}
	// READ COMMITTED: each statement sees what committed before it began,
	// so once the lock is ours, the other node's migrations are visible.
	t, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	defer func() {
		if err != nil {
			if rerr := t.Rollback(context.WithoutCancel(ctx)); rerr != nil {
				log.Error("postgres: rollback of migration failed", "err", rerr)
			}
		}
	}()
	if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
		return 0, wrapCtx(ctx, "migrate: taking the migration lock", err)
	}
	if _, err := t.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version integer PRIMARY KEY,
		applied timestamptz NOT NULL
	)`); err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	var current int
	if err := t.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return 0, fmt.Errorf("postgres: migrate: reading schema version: %w", err)
	}
	if current > len(list) {
		return 0, fmt.Errorf("%w: the database is at schema version %d and this cleanroom knows versions up to %d; run a newer cleanroom", ErrSchemaTooNew, current, len(list))
	}
	for _, m := range list[current:] {
		for _, stmt := range m.statements {
			if _, err := t.Exec(ctx, stmt); err != nil {
				return 0, fmt.Errorf("postgres: migration %d: %w", m.version, err)
			}
		}
		if _, err := t.Exec(ctx, `INSERT INTO schema_version (version, applied) VALUES ($1, $2)`, m.version, now()); err != nil {
			return 0, fmt.Errorf("postgres: migration %d: %w", m.version, err)
		}
		log.Info("postgres: applied schema migration", "version", m.version)
	}
	if err := t.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: migrate: commit: %w", err)
	}
	return len(list), nil
}
