package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// appendEvent inserts e on the writer c, inside the caller's transaction.
// A duplicate ID in the account is store.ErrExists; other errors are the
// driver's, unwrapped.
func appendEvent(ctx context.Context, c *conn, e *store.Event) error {
	resources, err := encodeResources(e.Resources)
	if err != nil {
		return err
	}
	res, err := c.event.ExecContext(ctx, e.Account, e.ID, e.Time.UnixMicro(), e.Source, e.Name,
		e.ReadOnly, e.Username, e.AccessKeyID, resources, nonNil(e.Data))
	if err != nil {
		if isUnique(err) {
			return fmt.Errorf("%w: event %q in account %q", store.ErrExists, e.ID, e.Account)
		}
		return err
	}
	if len(e.Resources) == 0 {
		return nil
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for _, r := range e.Resources {
		if _, err := c.eventResource.ExecContext(ctx, seq, e.Account, r.Type, r.Name); err != nil {
			return err
		}
	}
	return nil
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

// Events returns the events of q.Account that q selects, newest first
// (latest Time; among equal times, the last appended). Every attribute
// filter that is set applies. q.Before names the last event of the previous
// page; an ID the account does not hold is store.ErrNotFound.
func (s *Store) Events(ctx context.Context, q store.EventQuery) ([]store.Event, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	c, err := acquire(ctx, s.readers)
	if err != nil {
		return nil, err
	}
	defer func() { s.readers <- c }()

	var b strings.Builder
	args := []any{q.Account}
	b.WriteString(`SELECT e.seq, e.id, e.time, e.source, e.name, e.read_only, e.username, e.access_key_id, e.resources, e.data
		FROM events e WHERE e.account = ?`)
	cond := func(sql string, a ...any) {
		b.WriteString(" AND ")
		b.WriteString(sql)
		args = append(args, a...)
	}
	if q.Before != "" {
		var t, seq int64
		err := c.eventPosition.QueryRowContext(ctx, q.Account, q.Before).Scan(&t, &seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: event %q in account %q (Before)", store.ErrNotFound, q.Before, q.Account)
		}
		if err != nil {
			return nil, fmt.Errorf("sqlite: events: %w", err)
		}
		cond("(e.time, e.seq) < (?, ?)", t, seq)
	}
	if !q.Start.IsZero() {
		cond("e.time >= ?", q.Start.UnixMicro())
	}
	if !q.End.IsZero() {
		cond("e.time <= ?", q.End.UnixMicro())
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
		cond("e.seq IN (SELECT seq FROM event_resources WHERE account = ? AND type = ?)", q.Account, q.ResourceType)
	}
	if q.ResourceName != "" {
		cond("e.seq IN (SELECT seq FROM event_resources WHERE account = ? AND name = ?)", q.Account, q.ResourceName)
	}
	b.WriteString(" ORDER BY e.time DESC, e.seq DESC")
	if q.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, q.Limit)
	}

	rows, err := c.c.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events: %w", err)
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		e := store.Event{Account: q.Account}
		var seq, t int64
		var resources []byte
		if err := rows.Scan(&seq, &e.ID, &t, &e.Source, &e.Name, &e.ReadOnly, &e.Username, &e.AccessKeyID, &resources, &e.Data); err != nil {
			return nil, fmt.Errorf("sqlite: events: %w", err)
		}
		e.Time = fromMicro(t)
		if e.Resources, err = decodeResources(resources); err != nil {
			return nil, fmt.Errorf("sqlite: events: event %q resources: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: events: %w", err)
	}
	return out, nil
}
