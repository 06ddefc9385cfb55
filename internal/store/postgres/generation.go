package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// observe records generation g as known, unless a later one is.
func (s *Store) observe(g int64) {
	for {
		cur := s.gen.Load()
		if g <= cur || s.gen.CompareAndSwap(cur, g) {
			return
		}
	}
}

// sync reads the generation from the database and observes it.
//
// The shared advisory lock waits for the Update that holds the generation
// lock, if any, to finish committing: every value the sequence has given out
// then belongs to a transaction that has ended, so the value read is never
// ahead of what a View can see.
func (s *Store) sync(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pollTimeout)
	defer cancel()
	var g int64
	err := pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, s.genLock); err != nil {
			return err
		}
		return t.QueryRow(ctx, sqlGeneration).Scan(&g)
	})
	if err != nil {
		return wrapCtx(ctx, "reading the generation", err)
	}
	s.observe(g)
	s.synced.Store(int64(time.Since(s.start)))
	return nil
}

// pollLoop reads the generation every PollInterval until ctx ends.
func (s *Store) pollLoop(ctx context.Context) {
	defer s.bg.Done()
	t := time.NewTicker(s.poll)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.sync(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			if !failing {
				s.log.Warn("postgres: cannot read the generation", "err", err)
			}
			failing = true
			continue
		}
		if failing {
			s.log.Info("postgres: reading the generation again")
			failing = false
		}
	}
}

// connectListener opens the listener's connection and listens on channel.
func (s *Store) connectListener(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.listenConfig)
	if err != nil {
		return nil, wrapCtx(ctx, "connecting the listener", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		conn.Close(context.Background())
		return nil, wrapCtx(ctx, "LISTEN", err)
	}
	s.listenerPID.Store(conn.PgConn().PID())
	return conn, nil
}

// listen observes the generations other nodes notify on conn until ctx
// ends. When the connection drops it reconnects, waiting longer after each
// failure (up to maxReconnectDelay), and reads the generation once listening
// again, for the notifications sent while it was away.
func (s *Store) listen(ctx context.Context, conn *pgx.Conn) {
	defer s.bg.Done()
	delay := 100 * time.Millisecond
	for {
		err := s.receive(ctx, conn)
		s.listenerPID.Store(0)
		conn.Close(context.Background())
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("postgres: lost the generation listener; reconnecting", "err", err)
		for {
			// Full jitter, so that the nodes of a cluster do not reconnect
			// in step after a restart of the server.
			if sleep(ctx, delay/2+time.Duration(rand.Int64N(int64(delay/2)+1))) != nil {
				return
			}
			delay = min(2*delay, maxReconnectDelay)
			conn, err = s.connectListener(ctx)
			if err == nil {
				err = s.sync(ctx)
				if err != nil {
					conn.Close(context.Background())
				}
			}
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("postgres: reconnecting the generation listener", "err", err, "retry_in", delay)
		}
		s.log.Info("postgres: generation listener reconnected")
		delay = 100 * time.Millisecond
	}
}

// receive observes the notifications on conn until it fails.
func (s *Store) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Channel != channel {
			continue
		}
		schema, g, err := parsePayload(n.Payload)
		if err != nil {
			s.log.Warn("postgres: ignoring a malformed notification", "channel", n.Channel, "err", err)
			continue
		}
		// Stores in other schemas of the database have counters of their
		// own.
		if schema == s.schema {
			s.observe(g)
		}
	}
}

// parsePayload parses a notification on channel: "<generation>:<schema>".
func parsePayload(p string) (schema string, gen int64, err error) {
	num, schema, ok := strings.Cut(p, ":")
	if !ok {
		return "", 0, errors.New("no schema")
	}
	gen, err = strconv.ParseInt(num, 10, 64)
	if err != nil || gen < 0 || num != strconv.FormatInt(gen, 10) {
		return "", 0, fmt.Errorf("bad generation %q", num)
	}
	return schema, gen, nil
}
