package iam

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/iam/iamtest"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

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
	st    *iamtest.MemStore
	clock *fakeClock
}

// newEnv returns a Service over an in-memory store with a fixed clock and a
// seeded random source.
func newEnv(t testing.TB) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	st := iamtest.NewMemStore(clock.Now)
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

// events returns the names of the audit events stored so far.
func (e *env) events() []string {
	var names []string
	for _, ev := range e.st.AllEvents() {
		names = append(names, ev.Name)
	}
	return names
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
