package iam

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/iam/iamtest"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
)

// The tests run against the embedded SQLite backend (the default store);
// -iam.store=memory runs them against iamtest's in-memory store.
var storeFlag = flag.String("iam.store", "sqlite", "store backend of the tests: sqlite or memory")

const acct = "123456789012"

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

type env struct {
	t     testing.TB
	ctx   context.Context
	s     *Service
	st    store.Store
	clock *fakeClock
}

// newStore opens an empty store of the backend the tests run against.
func newStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	switch *storeFlag {
	case "memory":
		return iamtest.NewMemStore(now)
	case "sqlite":
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cleanroom.db"), sqlite.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	t.Fatalf("unknown -iam.store %q", *storeFlag)
	return nil
}

// newEnv returns a Service over an empty store with a fixed clock and a
// seeded random source.
func newEnv(t testing.TB) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	st := newStore(t, clock.Now)
	var seed [32]byte
	copy(seed[:], t.Name())
	s, err := New(Options{Store: st, Now: clock.Now, Sealer: iamtest.Sealer{}, Rand: rand.NewChaCha8(seed)})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: context.Background(), s: s, st: st, clock: clock}
}

func (e *env) ok(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("unexpected error: %v", err)
	}
}

func (e *env) user(name string) *User {
	e.t.Helper()
	u, err := e.s.CreateUser(e.ctx, acct, CreateUserInput{UserName: name}, nil)
	e.ok(err)
	return u
}

func (e *env) group(name string) *Group {
	e.t.Helper()
	g, err := e.s.CreateGroup(e.ctx, acct, name, "", nil)
	e.ok(err)
	return g
}

const trustEC2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func (e *env) role(name string) *Role {
	e.t.Helper()
	r, err := e.s.CreateRole(e.ctx, acct, CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trustEC2}, nil)
	e.ok(err)
	return r
}

func allow(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

func deny(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

func (e *env) policy(name, doc string) *Policy {
	e.t.Helper()
	p, err := e.s.CreatePolicy(e.ctx, acct, CreatePolicyInput{PolicyName: name, PolicyDocument: doc}, nil)
	e.ok(err)
	return p
}

// wantErr checks that err is an *Error with the code and, when msg is not
// empty, the message (a msg ending in "..." gives its prefix, one starting
// with "..." its suffix).
func wantErr(t testing.TB, err error, code, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %s (%s), want %s", e.Code, e.Message, code)
	}
	if suffix, ok := strings.CutPrefix(msg, "..."); ok {
		if !strings.HasSuffix(e.Message, suffix) {
			t.Fatalf("message = %q, want suffix %q", e.Message, suffix)
		}
	} else if prefix, ok := strings.CutSuffix(msg, "..."); ok {
		if !strings.HasPrefix(e.Message, prefix) {
			t.Fatalf("message = %q, want prefix %q", e.Message, prefix)
		}
	} else if msg != "" && e.Message != msg {
		t.Fatalf("message = %q, want %q", e.Message, msg)
	}
}

// allEvents returns the account's audit events, oldest first.
func (e *env) allEvents() []store.Event {
	e.t.Helper()
	evs, err := e.st.Events(e.ctx, store.EventQuery{Account: acct})
	e.ok(err)
	slices.Reverse(evs)
	return evs
}

// events returns the names of the audit events stored so far.
func (e *env) events() []string {
	var names []string
	for _, ev := range e.allEvents() {
		names = append(names, ev.Name)
	}
	return names
}

// generation returns the store's generation, which grows with each commit.
func (e *env) generation() int64 {
	e.t.Helper()
	g, err := e.st.Generation(e.ctx)
	e.ok(err)
	return g
}

// rawRecord returns a stored record's data.
func (e *env) rawRecord(k store.Key) []byte {
	e.t.Helper()
	var data []byte
	e.ok(e.st.View(e.ctx, func(r store.Reader) error {
		rec, err := r.Get(e.ctx, k)
		data = rec.Data
		return err
	}))
	return data
}
