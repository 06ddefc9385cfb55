// Package store defines cleanroom's storage: a transactional, ordered
// key-value space of records (each service keeps its own JSON documents in it)
// and the audit trail that commits with every change.
//
// Backends (store/sqlite, the embedded default, and store/postgres) implement
// Store; storetest holds the one conformance suite every backend must pass.
// Domain packages never see SQL: they read and write records inside Update,
// which runs serializably, so that a quota checked in a transaction still
// holds when it commits.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors returned by backends. Callers test them with errors.Is; backends may
// wrap them with detail.
var (
	// ErrNotFound: no record has the key.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: Create found a record with the key already.
	ErrExists = errors.New("store: already exists")
	// ErrVersion: Put was given a version that is no longer current.
	ErrVersion = errors.New("store: version mismatch")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
	// ErrUnavailable: the backend cannot reach its database (a networked
	// backend during an outage); the operation may succeed when retried.
	ErrUnavailable = errors.New("store: database unavailable")
)

// Key names one record. Account is the owning AWS account id, or "" for
// records that are global (accounts themselves, access key ids, sessions).
// Kind is the record type ("iam/user", "iam/accesskey", ...) and ID is unique
// within (Account, Kind); records of a kind are listed in ID order, bytewise.
type Key struct {
	Account string
	Kind    string
	ID      string
}

// Record is one stored document.
type Record struct {
	Key
	// Data is the document, normally JSON. Secrets inside it are sealed by
	// the caller (see package secretbox) before they reach the store.
	Data []byte
	// Version is assigned by the store: 1 on creation, incremented by each
	// Put. Given to Put, a non-zero Version must equal the stored one.
	Version int64
	// Updated is when the record was last written (store clock, UTC).
	Updated time.Time
}

// ListQuery selects records of one kind in one account in ID order.
type ListQuery struct {
	Account string
	Kind    string
	// Prefix restricts IDs to those starting with it.
	Prefix string
	// After, when set, starts after this ID (exclusive): pagination.
	After string
	// Limit bounds the result; 0 means no bound.
	Limit int
}

// Reader reads records.
type Reader interface {
	Get(ctx context.Context, k Key) (Record, error)
	List(ctx context.Context, q ListQuery) ([]Record, error)
}

// Tx is a read-write transaction. Its reads see its own writes.
type Tx interface {
	Reader
	// Create inserts a record, failing with ErrExists when the key is taken.
	Create(ctx context.Context, r Record) error
	// Put inserts or replaces a record. A non-zero r.Version makes it
	// conditional: ErrVersion unless the stored record has that version
	// (ErrNotFound when there is none).
	Put(ctx context.Context, r Record) error
	// Delete removes a record: ErrNotFound when there is none.
	Delete(ctx context.Context, k Key) error
	// Append adds an audit event that commits, or not, with the transaction.
	Append(ctx context.Context, e Event) error
}

// Store is a backend.
type Store interface {
	// View runs fn with a consistent read-only snapshot.
	View(ctx context.Context, fn func(Reader) error) error
	// Update runs fn in a serializable read-write transaction and commits
	// it when fn returns nil; any error from fn rolls it back and is
	// returned as is. A backend may run fn more than once when a
	// transaction conflicts with a concurrent one, so fn must have no side
	// effects outside tx. When Update returns nil the change is durable.
	Update(ctx context.Context, fn func(Tx) error) error
	// AppendEvents stores audit events outside any change (read-only and
	// denied calls), durably when it returns nil.
	AppendEvents(ctx context.Context, events []Event) error
	// Events returns one account's audit events, newest first.
	Events(ctx context.Context, q EventQuery) ([]Event, error)
	// DeleteEventsBefore deletes every account's events older than before
	// (events past their retention) and returns how many it deleted.
	DeleteEventsBefore(ctx context.Context, before time.Time) (int64, error)
	// Generation is a counter that grows with every committed Update, on
	// any node: caches compare it to know whether they are stale.
	Generation(ctx context.Context) (int64, error)
	Close() error
}

// Event is one audit record, CloudTrail-shaped in Data; the other fields are
// copies kept for lookup.
type Event struct {
	// ID is the event id (a UUID), unique per account.
	ID string
	// Account is the account whose trail holds the event.
	Account     string
	Time        time.Time
	Source      string // eventSource, e.g. "iam.amazonaws.com"
	Name        string // eventName, e.g. "CreateUser"
	ReadOnly    bool
	Username    string
	AccessKeyID string
	Resources   []EventResource
	// Data is the whole event as JSON.
	Data []byte
}

// EventResource is one resource an event names (LookupEvents' ResourceType
// and ResourceName).
type EventResource struct {
	Type string
	Name string
}

// EventQuery selects events of one account, newest first. At most one of the
// attribute filters is set (LookupEvents allows one lookup attribute).
type EventQuery struct {
	Account string
	// Start and End bound Time, inclusive; zero means unbounded.
	Start, End time.Time
	// Before, when set, continues a listing after the event with this ID
	// (pagination: events strictly older in the listing order).
	Before string
	Limit  int

	ID           string
	Name         string
	Source       string
	ReadOnly     *bool
	Username     string
	AccessKeyID  string
	ResourceType string
	ResourceName string
}
