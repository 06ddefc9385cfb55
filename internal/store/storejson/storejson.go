// Package storejson keeps typed JSON documents in store records: it encodes
// a Go value into a record's Data and decodes it back, for the services
// (iam, orgs, ...) that keep their state in a store.Store.
//
// Every error names the record's kind and id and wraps the cause with %w, so
// callers still test it with errors.Is (store.ErrExists from Create, for
// example).
package storejson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Get reads the record k and decodes its document into a new T. It returns
// nil, nil when there is no such record.
func Get[T any](ctx context.Context, r store.Reader, k store.Key) (*T, error) {
	rec, err := r.Get(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storejson: reading %s %q: %w", k.Kind, k.ID, err)
	}
	v := new(T)
	if err := json.Unmarshal(rec.Data, v); err != nil {
		return nil, fmt.Errorf("storejson: decoding %s %q: %w", k.Kind, k.ID, err)
	}
	return v, nil
}

// List reads every record of kind in account whose ID starts with prefix
// ("" for all), in ID order. It returns the decoded documents and, at the
// same index, the records' whole IDs (prefix included).
func List[T any](ctx context.Context, r store.Reader, account, kind, prefix string) ([]*T, []string, error) {
	recs, err := r.List(ctx, store.ListQuery{Account: account, Kind: kind, Prefix: prefix})
	if err != nil {
		return nil, nil, fmt.Errorf("storejson: listing %s: %w", kind, err)
	}
	out := make([]*T, 0, len(recs))
	ids := make([]string, 0, len(recs))
	for _, rec := range recs {
		v := new(T)
		if err := json.Unmarshal(rec.Data, v); err != nil {
			return nil, nil, fmt.Errorf("storejson: decoding %s %q: %w", kind, rec.ID, err)
		}
		out = append(out, v)
		ids = append(ids, rec.ID)
	}
	return out, ids, nil
}

// IDs returns the IDs of the records of kind in account that start with
// prefix, in order, with the prefix cut off. It does not decode the
// documents.
func IDs(ctx context.Context, r store.Reader, account, kind, prefix string) ([]string, error) {
	recs, err := r.List(ctx, store.ListQuery{Account: account, Kind: kind, Prefix: prefix})
	if err != nil {
		return nil, fmt.Errorf("storejson: listing %s: %w", kind, err)
	}
	ids := make([]string, len(recs))
	for i, rec := range recs {
		ids[i] = rec.ID[len(prefix):]
	}
	return ids, nil
}

// Count returns how many records of kind in account have an ID that starts
// with prefix.
func Count(ctx context.Context, r store.Reader, account, kind, prefix string) (int, error) {
	recs, err := r.List(ctx, store.ListQuery{Account: account, Kind: kind, Prefix: prefix})
	if err != nil {
		return 0, fmt.Errorf("storejson: listing %s: %w", kind, err)
	}
	return len(recs), nil
}

// Put encodes v as JSON and writes it as the record k, replacing any record
// already there, unconditionally.
func Put(ctx context.Context, tx store.Tx, k store.Key, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("storejson: encoding %s %q: %w", k.Kind, k.ID, err)
	}
	if err := tx.Put(ctx, store.Record{Key: k, Data: data}); err != nil {
		return fmt.Errorf("storejson: writing %s %q: %w", k.Kind, k.ID, err)
	}
	return nil
}

// Create encodes v as JSON and inserts it as the record k. When k is taken
// the error wraps store.ErrExists.
func Create(ctx context.Context, tx store.Tx, k store.Key, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("storejson: encoding %s %q: %w", k.Kind, k.ID, err)
	}
	if err := tx.Create(ctx, store.Record{Key: k, Data: data}); err != nil {
		return fmt.Errorf("storejson: creating %s %q: %w", k.Kind, k.ID, err)
	}
	return nil
}

// Delete removes the record k. Deleting a record that does not exist is not
// an error.
func Delete(ctx context.Context, tx store.Tx, k store.Key) error {
	if err := tx.Delete(ctx, k); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("storejson: deleting %s %q: %w", k.Kind, k.ID, err)
	}
	return nil
}
