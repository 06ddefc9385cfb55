// Package sts issues temporary security credentials as AWS STS does:
// GetCallerIdentity, GetSessionToken and AssumeRole (with trust-policy
// evaluation, external ids, source identity, session tags, transitive tag
// keys, session policies, MFA and role chaining). It keeps no HTTP: the
// server decodes requests and maps errors.
package sts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsid"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/oidc"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Record kind of sessions in the store (global: access key ids are unique
// across accounts).
const kindSession = "sts/session"

// Error is an STS error with AWS's code and message; the edge maps it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrNoSession: no session has the access key id.
var ErrNoSession = errors.New("sts: no such session")

// Sealer encrypts secrets before they reach the store (package secretbox).
type Sealer interface {
	Seal(plaintext, additionalData []byte) ([]byte, error)
	Open(sealed, additionalData []byte) ([]byte, error)
}

// Role is what AssumeRole needs to know of a role.
type Role struct {
	Account            string
	Name               string
	Path               string
	ARN                string
	ID                 string // AROA...
	MaxSessionDuration time.Duration
	Tags               map[string]string
	Trust              *policy.Compiled
	HasBoundary        bool
}

// Directory is the IAM side STS relies on.
type Directory interface {
	// Role returns a role, or an error wrapping ErrNoSuchRole.
	Role(ctx context.Context, account, name string) (Role, error)
	// VerifyMFA checks a TOTP code of the MFA device with the serial number
	// (an ARN) that belongs to the caller; false when it does not match.
	VerifyMFA(ctx context.Context, caller *identity.Caller, serial, code string) (bool, error)
	// PolicyDocument returns the default version of a managed policy, or
	// an error wrapping ErrNoSuchPolicy.
	PolicyDocument(ctx context.Context, arn string) (string, error)
}

// Errors a Directory wraps.
var (
	ErrNoSuchRole   = errors.New("sts: no such role")
	ErrNoSuchPolicy = errors.New("sts: no such policy")
)

// Options configure a Service.
type Options struct {
	Store      store.Store
	Sealer     Sealer
	Directory  Directory
	Authorizer access.Authorizer
	// OIDC verifies web identity tokens and Providers finds the IAM OIDC
	// providers they must come from (AssumeRoleWithWebIdentity).
	OIDC      *oidc.Verifier
	Providers ProviderDirectory
	Now       func() time.Time
	Rand      io.Reader
	Logger    *slog.Logger
}

// Service is STS.
type Service struct {
	opt Options

	mu       sync.Mutex
	sessions map[string]*Session // access key id → session; sessions never change
}

// New returns a Service.
func New(opt Options) *Service {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{opt: opt, sessions: map[string]*Session{}}
}

// Credentials are temporary security credentials.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// Session is a stored session: its credentials and the caller they act as.
type Session struct {
	AccessKeyID  string           `json:"accessKeyId"`
	Caller       *identity.Caller `json:"caller"`
	Expires      time.Time        `json:"expires"`
	SealedSecret []byte           `json:"sealedSecret"`
	SealedToken  []byte           `json:"sealedToken"`

	// Secret and Token are the opened secret key and session token; they
	// are never serialized.
	Secret string `json:"-"`
	Token  string `json:"-"`
}

// maxCachedSessions bounds the in-memory session cache.
const maxCachedSessions = 100_000

// Lookup returns the session of a temporary access key id, or an error
// wrapping ErrNoSession. Sessions are immutable once issued, so they are
// cached without invalidation (bounded).
func (s *Service) Lookup(ctx context.Context, accessKeyID string) (*Session, error) {
	s.mu.Lock()
	sess := s.sessions[accessKeyID]
	s.mu.Unlock()
	if sess != nil {
		return sess, nil
	}
	var rec store.Record
	err := s.opt.Store.View(ctx, func(r store.Reader) error {
		var err error
		rec, err = r.Get(ctx, store.Key{Kind: kindSession, ID: accessKeyID})
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", accessKeyID, ErrNoSession)
	}
	if err != nil {
		return nil, err
	}
	sess = new(Session)
	if err := json.Unmarshal(rec.Data, sess); err != nil {
		return nil, fmt.Errorf("session %s: decoding: %w", accessKeyID, err)
	}
	secret, err := s.opt.Sealer.Open(sess.SealedSecret, []byte(accessKeyID))
	if err != nil {
		return nil, fmt.Errorf("session %s: opening secret: %w", accessKeyID, err)
	}
	token, err := s.opt.Sealer.Open(sess.SealedToken, []byte(accessKeyID+"/token"))
	if err != nil {
		return nil, fmt.Errorf("session %s: opening token: %w", accessKeyID, err)
	}
	sess.Secret, sess.Token = string(secret), string(token)
	s.remember(sess)
	return sess, nil
}

func (s *Service) remember(sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sessions) >= maxCachedSessions {
		now := s.opt.Now()
		for k, v := range s.sessions { // drop expired ones, else everything
			if v.Expires.Before(now) {
				delete(s.sessions, k)
			}
		}
		if len(s.sessions) >= maxCachedSessions {
			clear(s.sessions)
		}
	}
	s.sessions[sess.AccessKeyID] = sess
}

// issue creates and stores a session for caller, lasting d, recording ev.
// ev gives the audit events of the issue, appended with the session: one
// per account the call is recorded in.
func (s *Service) issue(ctx context.Context, caller *identity.Caller, d time.Duration, ev func(*Credentials) []store.Event) (*Credentials, error) {
	akid, err := awsid.AccessKeyID(s.opt.Rand, awsid.PrefixTempAccessKey)
	if err != nil {
		return nil, err
	}
	secret, err := awsid.SecretAccessKey(s.opt.Rand)
	if err != nil {
		return nil, err
	}
	token, err := awsid.SessionToken(s.opt.Rand)
	if err != nil {
		return nil, err
	}
	now := s.opt.Now().UTC().Truncate(time.Second)
	caller.AccessKeyID = akid
	caller.Temporary = true
	caller.Session.IssuedAt = now
	caller.Session.Expires = now.Add(d)
	sess := &Session{AccessKeyID: akid, Caller: caller, Expires: now.Add(d), Secret: secret, Token: token}
	if sess.SealedSecret, err = s.opt.Sealer.Seal([]byte(secret), []byte(akid)); err != nil {
		return nil, fmt.Errorf("sealing session secret: %w", err)
	}
	if sess.SealedToken, err = s.opt.Sealer.Seal([]byte(token), []byte(akid+"/token")); err != nil {
		return nil, fmt.Errorf("sealing session token: %w", err)
	}
	data, err := json.Marshal(sess)
	if err != nil {
		return nil, err
	}
	creds := &Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token, Expiration: sess.Expires}
	err = s.opt.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Create(ctx, store.Record{Key: store.Key{Kind: kindSession, ID: akid}, Data: data}); err != nil {
			return err
		}
		if ev != nil {
			for _, e := range ev(creds) {
				if err := tx.Append(ctx, e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storing session: %w", err)
	}
	s.remember(sess)
	return creds, nil
}

// CallerIdentity is GetCallerIdentity's answer.
type CallerIdentity struct {
	Account, ARN, UserID string
}

// GetCallerIdentity needs no permission: "No permissions are required to
// perform this operation. If an administrator attaches a policy to your
// identity that explicitly denies access to the sts:GetCallerIdentity
// action, you can still perform this operation."
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)
func GetCallerIdentity(c *identity.Caller) CallerIdentity {
	return CallerIdentity{Account: c.Account, ARN: c.ARN, UserID: c.UserID}
}

// cloneCaller copies a caller deeply enough to derive a session from it.
func cloneCaller(c *identity.Caller) *identity.Caller {
	n := *c
	n.Tags = cloneMap(c.Tags)
	if c.Session != nil {
		s := *c.Session
		s.Tags = cloneMap(c.Session.Tags)
		s.TransitiveTagKeys = append([]string(nil), c.Session.TransitiveTagKeys...)
		s.Policies = append([]string(nil), c.Session.Policies...)
		n.Session = &s
	}
	return &n
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	n := make(map[string]string, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}

// lookupFold finds a key in a tag map without regard to case (tag keys of
// sessions are case-insensitive).
func lookupFold(m map[string]string, key string) (string, string, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return k, v, true
		}
	}
	return "", "", false
}
