package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Event statements. One statement stores an event and its resources, so
// that a batch of events is one round trip: the resources arrive as two
// parallel arrays ($11 types, $12 names) and are inserted with the seq the
// event was given.
const (
	sqlAppendHead = `WITH e AS (
		INSERT INTO events (account, id, time, source, name, read_only, username, access_key_id, resources, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	sqlAppendTail = ` RETURNING seq
	), r AS (
		INSERT INTO event_resources (seq, account, type, name)
		SELECT e.seq, $1, t.type, t.name FROM e, unnest($11::text[], $12::text[]) AS t (type, name)
	)
	SELECT seq FROM e`
	// sqlAppendInTx, inside an Update, turns a duplicate ID into no row
	// rather than an error, which would abort the transaction.
	sqlAppendInTx = sqlAppendHead + ` ON CONFLICT (account, id) DO NOTHING` + sqlAppendTail
	// sqlAppend, in AppendEvents, fails on a duplicate ID: the error rolls
	// back the whole batch.
	sqlAppend = sqlAppendHead + sqlAppendTail

	sqlEventPos = `SELECT time, seq FROM events WHERE account = $1 AND id = $2`
	// sqlDeleteEvents deletes up to $2 of the events older than $1, oldest
	// first, through events_by_age.
	sqlDeleteEvents = `DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE time < $1 ORDER BY time LIMIT $2)`
)

// constraintEventID is the unique constraint on events' (account, id).
const constraintEventID = "events_account_id"

func eventExists(e *store.Event) error {
	return fmt.Errorf("%w: event %q in account %q", store.ErrExists, e.ID, e.Account)
}

// eventArgs returns the arguments of sqlAppend for e.
func eventArgs(e *store.Event) ([]any, error) {
	ok := validText(e.Account) && validText(e.ID) && validText(e.Source) && validText(e.Name) &&
		validText(e.Username) && validText(e.AccessKeyID)
	types := make([]string, len(e.Resources))
	names := make([]string, len(e.Resources))
	for i, r := range e.Resources {
		ok = ok && validText(r.Type) && validText(r.Name)
		types[i], names[i] = r.Type, r.Name
	}
	if !ok {
		return nil, fmt.Errorf("%w: event %q in account %q", ErrInvalidText, e.ID, e.Account)
	}
	resources, err := encodeResources(e.Resources)
	if err != nil {
		return nil, fmt.Errorf("postgres: event %q: %w", e.ID, err)
	}
	return []any{e.Account, e.ID, e.Time, e.Source, e.Name, e.ReadOnly, e.Username, e.AccessKeyID,
		resources, nonNil(e.Data), types, names}, nil
}

// encodeResources is the events.resources column: a JSON array of
// [type, name] pairs.
func encodeResources(rs []store.EventResource) ([]byte, error) {
	pairs := make([][2]string, len(rs))
	for i, r := range rs {
		pairs[i] = [2]string{r.Type, r.Name}
	}
	return json.Marshal(pairs)
}

func decodeResources(b []byte) ([]store.EventResource, error) {
	var pairs [][2]string
	if err := json.Unmarshal(b, &pairs); err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	rs := make([]store.EventResource, len(pairs))
	for i, p := range pairs {
		rs[i] = store.EventResource{Type: p[0], Name: p[1]}
	}
	return rs, nil
}

// AppendEvents stores events in one transaction, durably when it returns
// nil. An event whose ID its account already holds fails the whole batch
// with store.ErrExists.
//
// The batch is one pipeline of statements closed by a single Sync, which
// PostgreSQL runs as one implicit transaction: committed at the Sync when
// every statement succeeded, rolled back by the first that fails. It is
// retried, as Update is, when it deadlocks with a concurrent batch.
func (s *Store) AppendEvents(ctx context.Context, events []store.Event) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for i := range events {
		args, err := eventArgs(&events[i])
		if err != nil {
			return err
		}
		b.Queue(sqlAppend, args...)
	}
	for attempt := 1; ; attempt++ {
		err := s.appendOnce(ctx, b, events)
		if !retryable(err) || attempt == maxAttempts || ctx.Err() != nil {
			return err
		}
		s.log.Debug("postgres: event append conflicted; retrying", "attempt", attempt, "err", err)
		if sleep(ctx, backoff(attempt)) != nil {
			return err
		}
	}
}

func (s *Store) appendOnce(ctx context.Context, b *pgx.Batch, events []store.Event) error {
	br := s.pool.SendBatch(ctx, b)
	var err error
	for i := range events {
		var seq int64
		if err = br.QueryRow().Scan(&seq); err != nil {
			if isUniqueViolation(err, constraintEventID) {
				err = eventExists(&events[i])
			} else {
				err = wrapCtx(ctx, fmt.Sprintf("append event %q", events[i].ID), err)
			}
			break
		}
	}
	// Close reads up to the Sync's answer: the commit, or its failure.
	if cerr := br.Close(); err == nil && cerr != nil {
		err = wrapCtx(ctx, "append events: commit", cerr)
	}
	return err
}

// Events returns the events of q.Account that q selects, newest first
// (latest Time; among equal times, the last appended). Every attribute
// filter that is set applies. q.Before names the last event of the previous
// page; an ID the account does not hold is store.ErrNotFound.
func (s *Store) Events(ctx context.Context, q store.EventQuery) ([]store.Event, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Text PostgreSQL cannot hold is stored nowhere.
	if !validText(q.Before) {
		return nil, fmt.Errorf("%w: event %q in account %q (Before)", store.ErrNotFound, q.Before, q.Account)
	}
	for _, v := range []string{q.Account, q.ID, q.Name, q.Source, q.Username, q.AccessKeyID, q.ResourceType, q.ResourceName} {
		if !validText(v) {
			return nil, nil
		}
	}

	var b strings.Builder
	args := []any{q.Account}
	b.WriteString(`SELECT e.id, e.time, e.source, e.name, e.read_only, e.username, e.access_key_id, e.resources, e.data
		FROM events e WHERE e.account = $1`)
	cond := func(sql string, a ...any) {
		b.WriteString(" AND ")
		// Each ? in sql is the next argument.
		for _, part := range strings.SplitAfter(sql, "?") {
			if p, ok := strings.CutSuffix(part, "?"); ok {
				args = append(args, a[0])
				a = a[1:]
				b.WriteString(p)
				b.WriteString("$" + strconv.Itoa(len(args)))
			} else {
				b.WriteString(part)
			}
		}
	}
	if q.Before != "" {
		var at time.Time
		var seq int64
		err := s.pool.QueryRow(ctx, sqlEventPos, q.Account, q.Before).Scan(&at, &seq)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("%w: event %q in account %q (Before)", store.ErrNotFound, q.Before, q.Account)
		}
		if err != nil {
			return nil, wrapCtx(ctx, "events", err)
		}
		cond("(e.time, e.seq) < (?, ?)", at, seq)
	}
	if !q.Start.IsZero() {
		cond("e.time >= ?", q.Start)
	}
	if !q.End.IsZero() {
		cond("e.time <= ?", q.End)
	}
	if q.ID != "" {
		cond("e.id = ?", q.ID)
	}
	if q.Name != "" {
		cond("e.name = ?", q.Name)
	}
	if q.Source != "" {
		cond("e.source = ?", q.Source)
	}
	if q.ReadOnly != nil {
		cond("e.read_only = ?", *q.ReadOnly)
	}
	if q.Username != "" {
		cond("e.username = ?", q.Username)
	}
	if q.AccessKeyID != "" {
		cond("e.access_key_id = ?", q.AccessKeyID)
	}
	if q.ResourceType != "" {
		cond("e.seq IN (SELECT seq FROM event_resources WHERE account = $1 AND type = ?)", q.ResourceType)
	}
	if q.ResourceName != "" {
		cond("e.seq IN (SELECT seq FROM event_resources WHERE account = $1 AND name = ?)", q.ResourceName)
	}
	b.WriteString(" ORDER BY e.time DESC, e.seq DESC")
	if q.Limit > 0 {
		// A parameter, so that pages of any size share one prepared
		// statement.
		args = append(args, int64(q.Limit))
		b.WriteString(" LIMIT $" + strconv.Itoa(len(args)))
	}

	rows, err := s.pool.Query(ctx, b.String(), args...)
	if err != nil {
		return nil, wrapCtx(ctx, "events", err)
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		e := store.Event{Account: q.Account}
		var resources []byte
		if err := rows.Scan(&e.ID, &e.Time, &e.Source, &e.Name, &e.ReadOnly, &e.Username, &e.AccessKeyID, &resources, &e.Data); err != nil {
			return nil, wrapCtx(ctx, "events", err)
		}
		e.Time = e.Time.UTC()
		if e.Resources, err = decodeResources(resources); err != nil {
			return nil, fmt.Errorf("postgres: events: event %q resources: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapCtx(ctx, "events", err)
	}
	return out, nil
}
