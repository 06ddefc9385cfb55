// Package iamtest holds test helpers for package iam and its users: an
// in-memory store.Store and a sealer that needs no key management.
package iamtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// MemStore is an in-memory store.Store for tests; it passes the store
// conformance suite (storetest). Update transactions run one at a time, so
// they are serializable; View reads an immutable snapshot of the last
// commit and never waits for an Update.
type MemStore struct {
	now func() time.Time

	writeMu sync.Mutex // serializes Updates

	mu     sync.RWMutex // guards the fields below
	state  *memState
	events []memEvent
	ids    map[string]map[string]bool // account → event ids
	seq    int64
	closed bool

	gen     atomic.Int64
	updates atomic.Int64
}

// memState is one committed state; it is never modified once published.
type memState struct {
	kinds map[kindKey]map[string]store.Record
}

type kindKey struct{ account, kind string }

type memEvent struct {
	e   store.Event
	seq int64
}

var errEnded = errors.New("memstore: the transaction has ended")

// NewMemStore returns an empty store. now may be nil (time.Now).
func NewMemStore(now func() time.Time) *MemStore {
	if now == nil {
		now = time.Now
	}
	return &MemStore{now: now, state: &memState{kinds: map[kindKey]map[string]store.Record{}}, ids: map[string]map[string]bool{}}
}

// Updates reports how many Update calls committed (for tests that check
// that a read path does not write).
func (m *MemStore) Updates() int64 { return m.updates.Load() }

func (m *MemStore) snapshot() (*memState, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, store.ErrClosed
	}
	return m.state, nil
}

// View runs fn against a snapshot of the committed state.
func (m *MemStore) View(ctx context.Context, fn func(store.Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := m.snapshot()
	if err != nil {
		return err
	}
	tx := &memTx{m: m, state: st}
	defer func() { tx.done = true }()
	return fn(tx)
}

// Update runs fn in a transaction that commits when fn returns nil.
func (m *MemStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	st, err := m.snapshot()
	if err != nil {
		return err
	}
	tx := &memTx{m: m, state: st, writes: make(map[store.Key]*store.Record), writable: true}
	defer func() { tx.done = true }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	next := &memState{kinds: maps.Clone(st.kinds)}
	copied := map[kindKey]bool{}
	for k, r := range tx.writes {
		kk := kindKey{k.Account, k.Kind}
		if !copied[kk] {
			next.kinds[kk] = maps.Clone(next.kinds[kk])
			if next.kinds[kk] == nil {
				next.kinds[kk] = map[string]store.Record{}
			}
			copied[kk] = true
		}
		if r == nil {
			delete(next.kinds[kk], k.ID)
		} else {
			next.kinds[kk][k.ID] = *r
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return store.ErrClosed
	}
	m.state = next
	m.addEventsLocked(tx.events)
	m.gen.Add(1)
	m.updates.Add(1)
	return nil
}

func (m *MemStore) addEventsLocked(evs []store.Event) {
	for _, e := range evs {
		m.seq++
		m.events = append(m.events, memEvent{e: cloneEvent(e), seq: m.seq})
		if m.ids[e.Account] == nil {
			m.ids[e.Account] = map[string]bool{}
		}
		m.ids[e.Account][e.ID] = true
	}
}

// AppendEvents stores events: all of them, or none when one's ID is taken.
func (m *MemStore) AppendEvents(ctx context.Context, events []store.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return store.ErrClosed
	}
	seen := map[[2]string]bool{}
	for _, e := range events {
		k := [2]string{e.Account, e.ID}
		if m.ids[e.Account][e.ID] || seen[k] {
			return fmt.Errorf("memstore: event %s: %w", e.ID, store.ErrExists)
		}
		seen[k] = true
	}
	m.addEventsLocked(events)
	return nil
}

// DeleteEventsBefore deletes every account's events older than before.
func (m *MemStore) DeleteEventsBefore(ctx context.Context, before time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, store.ErrClosed
	}
	var n int64
	kept := m.events[:0]
	for _, me := range m.events {
		if me.e.Time.Before(before) {
			delete(m.ids[me.e.Account], me.e.ID)
			n++
			continue
		}
		kept = append(kept, me)
	}
	m.events = kept
	return n, nil
}

// Events returns one account's events, newest first (equal times: the last
// appended first), filtered as q says.
func (m *MemStore) Events(ctx context.Context, q store.EventQuery) ([]store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, store.ErrClosed
	}
	var all []memEvent
	for _, me := range m.events {
		if me.e.Account == q.Account {
			all = append(all, me)
		}
	}
	slices.SortFunc(all, func(a, b memEvent) int {
		if c := b.e.Time.Compare(a.e.Time); c != 0 {
			return c
		}
		return int(b.seq - a.seq)
	})
	if q.Before != "" {
		i := slices.IndexFunc(all, func(me memEvent) bool { return me.e.ID == q.Before })
		if i < 0 {
			return nil, fmt.Errorf("memstore: event %s: %w", q.Before, store.ErrNotFound)
		}
		all = all[i+1:]
	}
	var out []store.Event
	for _, me := range all {
		if matches(me.e, q) {
			out = append(out, cloneEvent(me.e))
			if q.Limit > 0 && len(out) == q.Limit {
				break
			}
		}
	}
	return out, nil
}

func matches(e store.Event, q store.EventQuery) bool {
	if !q.Start.IsZero() && e.Time.Before(q.Start) || !q.End.IsZero() && e.Time.After(q.End) {
		return false
	}
	if q.ID != "" && e.ID != q.ID || q.Name != "" && e.Name != q.Name ||
		q.Source != "" && e.Source != q.Source || q.ReadOnly != nil && e.ReadOnly != *q.ReadOnly ||
		q.Username != "" && e.Username != q.Username || q.AccessKeyID != "" && e.AccessKeyID != q.AccessKeyID {
		return false
	}
	if q.ResourceType != "" || q.ResourceName != "" {
		return slices.ContainsFunc(e.Resources, func(r store.EventResource) bool {
			return (q.ResourceType == "" || r.Type == q.ResourceType) && (q.ResourceName == "" || r.Name == q.ResourceName)
		})
	}
	return true
}

func cloneEvent(e store.Event) store.Event {
	e.Time = e.Time.UTC()
	e.Resources = slices.Clone(e.Resources)
	e.Data = bytes.Clone(e.Data)
	return e
}

// AllEvents returns every stored event, oldest appended first.
func (m *MemStore) AllEvents() []store.Event {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]store.Event, len(m.events))
	for i, me := range m.events {
		out[i] = cloneEvent(me.e)
	}
	return out
}

// Generation counts committed updates.
func (m *MemStore) Generation(ctx context.Context) (int64, error) {
	m.mu.RLock()
	closed := m.closed
	m.mu.RUnlock()
	if closed {
		return 0, store.ErrClosed
	}
	return m.gen.Load(), nil
}

// Close makes later calls fail with store.ErrClosed.
func (m *MemStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// memTx reads a snapshot through its own pending writes.
type memTx struct {
	m        *MemStore
	state    *memState
	writable bool
	done     bool
	writes   map[store.Key]*store.Record // nil value: deleted
	events   []store.Event
}

func (t *memTx) check(ctx context.Context, write bool) error {
	if t.done || write && !t.writable {
		return errEnded
	}
	return ctx.Err()
}

func (t *memTx) get(k store.Key) (store.Record, bool) {
	if r, ok := t.writes[k]; ok {
		if r == nil {
			return store.Record{}, false
		}
		return cloneRecord(*r), true
	}
	r, ok := t.state.kinds[kindKey{k.Account, k.Kind}][k.ID]
	return cloneRecord(r), ok
}

func (t *memTx) Get(ctx context.Context, k store.Key) (store.Record, error) {
	if err := t.check(ctx, false); err != nil {
		return store.Record{}, err
	}
	r, ok := t.get(k)
	if !ok {
		return store.Record{}, store.ErrNotFound
	}
	return r, nil
}

func (t *memTx) List(ctx context.Context, q store.ListQuery) ([]store.Record, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	base := t.state.kinds[kindKey{q.Account, q.Kind}]
	ids := make([]string, 0, len(base))
	for id := range base {
		ids = append(ids, id)
	}
	for k, r := range t.writes {
		if k.Account == q.Account && k.Kind == q.Kind && r != nil {
			if _, ok := base[k.ID]; !ok {
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
		r, ok := t.get(store.Key{Account: q.Account, Kind: q.Kind, ID: id})
		if !ok {
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
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, ok := t.get(r.Key); ok {
		return fmt.Errorf("memstore: create %v: %w", r.Key, store.ErrExists)
	}
	r = cloneRecord(r)
	r.Version, r.Updated = 1, t.m.now().UTC()
	t.writes[r.Key] = &r
	return nil
}

func (t *memTx) Put(ctx context.Context, r store.Record) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	cur, ok := t.get(r.Key)
	switch {
	case ok:
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
	r.Updated = t.m.now().UTC()
	t.writes[r.Key] = &r
	return nil
}

func (t *memTx) Delete(ctx context.Context, k store.Key) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, ok := t.get(k); !ok {
		return store.ErrNotFound
	}
	t.writes[k] = nil
	return nil
}

func (t *memTx) Append(ctx context.Context, e store.Event) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	t.m.mu.RLock()
	taken := t.m.ids[e.Account][e.ID]
	t.m.mu.RUnlock()
	if taken || slices.ContainsFunc(t.events, func(x store.Event) bool { return x.Account == e.Account && x.ID == e.ID }) {
		return fmt.Errorf("memstore: event %s: %w", e.ID, store.ErrExists)
	}
	t.events = append(t.events, cloneEvent(e))
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
