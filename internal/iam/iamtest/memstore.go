// Package iamtest holds test helpers for package iam and its users: an
// in-memory store.Store and a sealer that needs no key management.
package iamtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// MemStore is an in-memory store.Store for tests. Update transactions run
// one at a time under a mutex, so they are serializable; View sees the last
// committed state. It keeps every audit event.
type MemStore struct {
	mu      sync.RWMutex
	kinds   map[kindKey]map[string]store.Record
	events  []store.Event
	gen     atomic.Int64
	closed  bool
	now     func() time.Time
	updates atomic.Int64
}

type kindKey struct{ account, kind string }

// NewMemStore returns an empty store. now may be nil (time.Now).
func NewMemStore(now func() time.Time) *MemStore {
	if now == nil {
		now = time.Now
	}
	return &MemStore{kinds: make(map[kindKey]map[string]store.Record), now: now}
}

// Updates reports how many Update calls committed (for tests that check
// that a read path does not write).
func (m *MemStore) Updates() int64 { return m.updates.Load() }

// View runs fn against the committed state.
func (m *MemStore) View(ctx context.Context, fn func(store.Reader) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return store.ErrClosed
	}
	return fn(&memTx{m: m, readOnly: true})
}

// Update runs fn in a transaction that commits when fn returns nil.
func (m *MemStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return store.ErrClosed
	}
	tx := &memTx{m: m, writes: make(map[store.Key]*store.Record)}
	if err := fn(tx); err != nil {
		return err
	}
	now := m.now().UTC()
	for k, r := range tx.writes {
		kk := kindKey{k.Account, k.Kind}
		if r == nil {
			delete(m.kinds[kk], k.ID)
			continue
		}
		if m.kinds[kk] == nil {
			m.kinds[kk] = make(map[string]store.Record)
		}
		rec := *r
		rec.Updated = now
		m.kinds[kk][k.ID] = rec
	}
	m.events = append(m.events, tx.events...)
	m.gen.Add(1)
	m.updates.Add(1)
	return nil
}

// AppendEvents stores events.
func (m *MemStore) AppendEvents(ctx context.Context, events []store.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return store.ErrClosed
	}
	m.events = append(m.events, events...)
	return nil
}

// Events returns one account's events, newest first, filtered as q says.
func (m *MemStore) Events(ctx context.Context, q store.EventQuery) ([]store.Event, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []store.Event
	started := q.Before == ""
	for i := len(m.events) - 1; i >= 0; i-- {
		e := m.events[i]
		if e.Account != q.Account {
			continue
		}
		if !started {
			started = e.ID == q.Before
			continue
		}
		if !q.Start.IsZero() && e.Time.Before(q.Start) || !q.End.IsZero() && e.Time.After(q.End) {
			continue
		}
		if q.ID != "" && e.ID != q.ID || q.Name != "" && e.Name != q.Name ||
			q.Source != "" && e.Source != q.Source || q.ReadOnly != nil && e.ReadOnly != *q.ReadOnly ||
			q.Username != "" && e.Username != q.Username || q.AccessKeyID != "" && e.AccessKeyID != q.AccessKeyID {
			continue
		}
		if q.ResourceType != "" || q.ResourceName != "" {
			found := false
			for _, r := range e.Resources {
				if (q.ResourceType == "" || r.Type == q.ResourceType) && (q.ResourceName == "" || r.Name == q.ResourceName) {
					found = true
				}
			}
			if !found {
				continue
			}
		}
		out = append(out, e)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

// AllEvents returns every stored event, oldest first.
func (m *MemStore) AllEvents() []store.Event {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.events)
}

// Generation counts committed updates.
func (m *MemStore) Generation(ctx context.Context) (int64, error) { return m.gen.Load(), nil }

// Close makes later calls fail with store.ErrClosed.
func (m *MemStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// memTx reads the committed state through its own pending writes.
type memTx struct {
	m        *MemStore
	readOnly bool
	writes   map[store.Key]*store.Record // nil value: deleted
	events   []store.Event
}

func (t *memTx) Get(ctx context.Context, k store.Key) (store.Record, error) {
	if r, ok := t.writes[k]; ok {
		if r == nil {
			return store.Record{}, store.ErrNotFound
		}
		return cloneRecord(*r), nil
	}
	r, ok := t.m.kinds[kindKey{k.Account, k.Kind}][k.ID]
	if !ok {
		return store.Record{}, store.ErrNotFound
	}
	return cloneRecord(r), nil
}

func (t *memTx) List(ctx context.Context, q store.ListQuery) ([]store.Record, error) {
	base := t.m.kinds[kindKey{q.Account, q.Kind}]
	ids := make([]string, 0, len(base))
	for id := range base {
		ids = append(ids, id)
	}
	for k, r := range t.writes {
		if k.Account == q.Account && k.Kind == q.Kind {
			if _, ok := base[k.ID]; !ok && r != nil {
				ids = append(ids, k.ID)
			}
		}
	}
	slices.Sort(ids)
	var out []store.Record
	for _, id := range ids {
		if !strings.HasPrefix(id, q.Prefix) || (q.After != "" && id <= q.After) {
			continue
		}
		r, err := t.Get(ctx, store.Key{Account: q.Account, Kind: q.Kind, ID: id})
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		out = append(out, r)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (t *memTx) Create(ctx context.Context, r store.Record) error {
	if _, err := t.Get(ctx, r.Key); err == nil {
		return fmt.Errorf("memstore: create %v: %w", r.Key, store.ErrExists)
	}
	r = cloneRecord(r)
	r.Version = 1
	t.writes[r.Key] = &r
	return nil
}

func (t *memTx) Put(ctx context.Context, r store.Record) error {
	cur, err := t.Get(ctx, r.Key)
	switch {
	case err == nil:
		if r.Version != 0 && r.Version != cur.Version {
			return store.ErrVersion
		}
		r.Version = cur.Version + 1
	case r.Version != 0:
		return store.ErrNotFound
	default:
		r.Version = 1
	}
	r = cloneRecord(r)
	t.writes[r.Key] = &r
	return nil
}

func (t *memTx) Delete(ctx context.Context, k store.Key) error {
	if _, err := t.Get(ctx, k); err != nil {
		return err
	}
	t.writes[k] = nil
	return nil
}

func (t *memTx) Append(ctx context.Context, e store.Event) error {
	t.events = append(t.events, e)
	return nil
}

func cloneRecord(r store.Record) store.Record {
	r.Data = bytes.Clone(r.Data)
	return r
}

// Sealer is a reversible stand-in for secretbox in tests: it is NOT
// encryption, only a marker that the data went through Seal with the given
// additional data, so tests can check the AAD.
type Sealer struct{}

// Seal prefixes p with the AAD.
func (Sealer) Seal(p, aad []byte) ([]byte, error) {
	out := append([]byte("sealed:"), aad...)
	out = append(out, 0)
	return append(out, p...), nil
}

// Open reverses Seal, failing when the AAD differs.
func (Sealer) Open(s, aad []byte) ([]byte, error) {
	prefix := append(append([]byte("sealed:"), aad...), 0)
	if !bytes.HasPrefix(s, prefix) {
		return nil, errors.New("iamtest: sealed data does not match its additional data")
	}
	return bytes.Clone(s[len(prefix):]), nil
}
