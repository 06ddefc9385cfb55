// Package account keeps the AWS accounts cleanroom serves and their root
// users' access keys. Organizations creates member accounts through it; the
// server's first start creates the management account with it.
package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsid"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Record kinds in the store (global: Account "").
const (
	kindAccount = "account"
	kindRootKey = "account/rootkey"
)

// ErrNotFound is returned for an unknown account or root key.
var ErrNotFound = errors.New("account: not found")

// Sealer encrypts secrets before they reach the store (package secretbox).
type Sealer interface {
	Seal(plaintext, additionalData []byte) ([]byte, error)
	Open(sealed, additionalData []byte) ([]byte, error)
}

// Account is one AWS account.
type Account struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Email      string    `json:"email"`
	Created    time.Time `json:"created"`
	Management bool      `json:"management,omitempty"`
}

// RootKey is an access key of an account's root user.
type RootKey struct {
	AccessKeyID string    `json:"accessKeyId"`
	Account     string    `json:"account"`
	Active      bool      `json:"active"`
	Created     time.Time `json:"created"`
	// Secret is the secret access key; it is stored sealed.
	Secret string `json:"-"`
	Sealed []byte `json:"sealed"`
}

// Registry reads and creates accounts.
type Registry struct {
	store  store.Store
	sealer Sealer
	now    func() time.Time
	rand   io.Reader
}

// New returns a Registry.
func New(s store.Store, sealer Sealer, now func() time.Time, rand io.Reader) *Registry {
	return &Registry{store: s, sealer: sealer, now: now, rand: rand}
}

// Get returns an account.
func (r *Registry) Get(ctx context.Context, id string) (Account, error) {
	var a Account
	err := r.store.View(ctx, func(rd store.Reader) error {
		var err error
		a, err = getAccount(ctx, rd, id)
		return err
	})
	return a, err
}

func getAccount(ctx context.Context, rd store.Reader, id string) (Account, error) {
	rec, err := rd.Get(ctx, store.Key{Kind: kindAccount, ID: id})
	if errors.Is(err, store.ErrNotFound) {
		return Account{}, fmt.Errorf("account %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Account{}, err
	}
	var a Account
	if err := json.Unmarshal(rec.Data, &a); err != nil {
		return Account{}, fmt.Errorf("account %s: decoding: %w", id, err)
	}
	return a, nil
}

// List returns every account in id order.
func (r *Registry) List(ctx context.Context) ([]Account, error) {
	var out []Account
	err := r.store.View(ctx, func(rd store.Reader) error {
		recs, err := rd.List(ctx, store.ListQuery{Kind: kindAccount})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			var a Account
			if err := json.Unmarshal(rec.Data, &a); err != nil {
				return fmt.Errorf("account %s: decoding: %w", rec.ID, err)
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// Create adds an account with a new random id inside tx. The caller's
// transaction carries the audit event.
func (r *Registry) Create(ctx context.Context, tx store.Tx, name, email string, management bool) (Account, error) {
	for range 8 {
		id, err := awsid.AccountID(r.rand)
		if err != nil {
			return Account{}, err
		}
		a := Account{ID: id, Name: name, Email: email, Created: r.now().UTC(), Management: management}
		data, err := json.Marshal(a)
		if err != nil {
			return Account{}, err
		}
		err = tx.Create(ctx, store.Record{Key: store.Key{Kind: kindAccount, ID: id}, Data: data})
		if errors.Is(err, store.ErrExists) {
			continue // an id collision: draw another
		}
		return a, err
	}
	return Account{}, errors.New("account: could not draw a free account id")
}

// CreateRootKey issues an access key for an account's root user inside tx.
// The returned key holds the secret in the clear; the store holds it sealed.
func (r *Registry) CreateRootKey(ctx context.Context, tx store.Tx, accountID string) (RootKey, error) {
	id, err := awsid.AccessKeyID(r.rand, awsid.PrefixAccessKey)
	if err != nil {
		return RootKey{}, err
	}
	secret, err := awsid.SecretAccessKey(r.rand)
	if err != nil {
		return RootKey{}, err
	}
	sealed, err := r.sealer.Seal([]byte(secret), []byte(id))
	if err != nil {
		return RootKey{}, fmt.Errorf("sealing root key: %w", err)
	}
	k := RootKey{AccessKeyID: id, Account: accountID, Active: true, Created: r.now().UTC(), Secret: secret, Sealed: sealed}
	data, err := json.Marshal(k)
	if err != nil {
		return RootKey{}, err
	}
	if err := tx.Create(ctx, store.Record{Key: store.Key{Kind: kindRootKey, ID: id}, Data: data}); err != nil {
		return RootKey{}, err
	}
	return k, nil
}

// RootKey returns a root access key with its secret opened, or ErrNotFound.
func (r *Registry) RootKey(ctx context.Context, accessKeyID string) (RootKey, error) {
	var k RootKey
	err := r.store.View(ctx, func(rd store.Reader) error {
		rec, err := rd.Get(ctx, store.Key{Kind: kindRootKey, ID: accessKeyID})
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(rec.Data, &k)
	})
	if err != nil {
		return RootKey{}, err
	}
	secret, err := r.sealer.Open(k.Sealed, []byte(k.AccessKeyID))
	if err != nil {
		return RootKey{}, fmt.Errorf("opening root key %s: %w", accessKeyID, err)
	}
	k.Secret = string(secret)
	return k, nil
}
