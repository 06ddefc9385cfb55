package orgs

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/account"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// nullSealer stands in for package secretbox: the tests never read root
// keys back.
type nullSealer struct{}

func (nullSealer) Seal(p, aad []byte) ([]byte, error) { return append([]byte(nil), p...), nil }
func (nullSealer) Open(s, aad []byte) ([]byte, error) { return append([]byte(nil), s...), nil }

// fakeRoles records the access roles asked for; fail makes the next calls
// fail.
type fakeRoles struct {
	mu    sync.Mutex
	calls []roleCall
	fail  error
}

type roleCall struct {
	account string
	role    AccessRole
}

func (f *fakeRoles) CreateAccessRole(ctx context.Context, account string, role AccessRole) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.calls = append(f.calls, roleCall{account, role})
	return nil
}

func (f *fakeRoles) Calls() []roleCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeRoles) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

type env struct {
	t     testing.TB
	ctx   context.Context
	s     *Service
	st    store.Store
	reg   *account.Registry
	roles *fakeRoles
	clock *fakeClock
	mgmt  string // the management account
	org   *Organization
	root  string
}

// newStore opens an empty SQLite store (the default backend) in a
// temporary directory.
func newStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cleanroom.db"), sqlite.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newBareEnv returns a Service over an empty store and a management account
// that has no organization yet.
func newBareEnv(t testing.TB) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	st := newStore(t, clock.Now)
	var seed [32]byte
	copy(seed[:], t.Name())
	reg := account.New(st, nullSealer{}, clock.Now, rand.Reader)
	roles := &fakeRoles{}
	s, err := New(Options{Store: st, Now: clock.Now, Rand: mrand.NewChaCha8(seed), Accounts: reg, IAM: roles})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: context.Background(), s: s, st: st, reg: reg, roles: roles, clock: clock}
	e.mgmt = e.newStandalone("management", "admin@example.com")
	return e
}

// newEnv returns an environment with an organization (all features)
// managed by e.mgmt.
func newEnv(t testing.TB) *env {
	t.Helper()
	e := newBareEnv(t)
	org, err := e.s.CreateOrganization(e.ctx, e.mgmt, "", nil)
	e.ok(err)
	e.org = org
	roots, err := e.s.ListRoots(e.ctx, e.mgmt, Page{})
	e.ok(err)
	e.root = roots.Items[0].ID
	return e
}

// newStandalone creates an account outside any organization, as the
// server's bootstrap does.
func (e *env) newStandalone(name, email string) string {
	e.t.Helper()
	var id string
	e.ok(e.st.Update(e.ctx, func(tx store.Tx) error {
		a, err := e.reg.Create(e.ctx, tx, name, email, true)
		id = a.ID
		return err
	}))
	return id
}

func (e *env) ok(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// wantErr checks that err is an *Error with code (and reason, when given).
func wantErr(t testing.TB, err error, code, reason string) {
	t.Helper()
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if oe.Code != code || (reason != "" && oe.Reason != reason) {
		t.Fatalf("error = %s (%s) %q, want %s (%s)", oe.Code, oe.Reason, oe.Message, code, reason)
	}
}

// account creates a member account and returns its id.
func (e *env) account(name string) string {
	e.t.Helper()
	st, err := e.s.CreateAccount(e.ctx, e.mgmt, CreateAccountInput{Email: name + "@example.com", AccountName: name}, nil)
	e.ok(err)
	d, err := e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, st.ID)
	e.ok(err)
	if d.State != CreateAccountSucceeded {
		e.t.Fatalf("create account %s: %v", name, d)
	}
	return d.AccountID
}

func (e *env) ou(parent, name string) string {
	e.t.Helper()
	ou, err := e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, parent, name, nil, nil)
	e.ok(err)
	return ou.ID
}

func (e *env) policy(typ, name, content string) string {
	e.t.Helper()
	p, err := e.s.CreatePolicy(e.ctx, e.mgmt, CreatePolicyInput{Type: typ, Name: name, Description: "d", Content: content}, nil)
	e.ok(err)
	return p.ID
}

func scpDeny(action string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":%q,"Resource":"*"}]}`, action)
}

func rcpDeny(action string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":%q,"Resource":"*"}]}`, action)
}

// levelNames renders levels as the names (ARNs) of their policies, sorted
// within each level (the order of a level's policies carries no meaning).
func levelNames(levels [][]*policy.Compiled) [][]string {
	if levels == nil {
		return nil
	}
	out := make([][]string, len(levels))
	for i, l := range levels {
		out[i] = []string{}
		for _, c := range l {
			out[i] = append(out[i], c.Name)
		}
		slices.Sort(out[i])
	}
	return out
}

type (
	storeEvent      = store.Event
	storeEventQuery = store.EventQuery
)
