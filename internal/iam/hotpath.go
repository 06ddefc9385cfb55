package iam

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// This file is what the server asks on every request: the access key of a
// signature, the caller it stands for, and the caller's policies. Answers
// are cached in memory for the store generation they were read at; a new
// generation (a commit on any node, noticed within CacheCheckInterval, or
// at once for this node's own writes) starts an empty cache. Compiled
// policies are cached apart, by name and document, across generations.

// Key is an access key as SigV4 needs it, with its secret in clear.
type Key struct {
	AccessKeyID string
	Secret      string
	Status      string // Active or Inactive
	Account     string
	// UserName is the owning user's name, "" for a root access key.
	UserName string
	// UserID is the user's unique id (AIDA...), or the account id for root.
	UserID  string
	Created time.Time
}

// Root reports whether the key is the account root user's.
func (k *Key) Root() bool { return k.UserName == "" }

// Active reports whether the key may sign requests.
func (k *Key) Active() bool { return k.Status == StatusActive }

// AssumableRole is what STS needs to assume a role.
type AssumableRole struct {
	Name, ID, ARN, Path string
	MaxSessionDuration  int
	Tags                []Tag
	// Trust is the compiled trust policy (named by the role ARN) and
	// TrustDocument its text.
	Trust         *policy.Compiled
	TrustDocument string
	// PermissionsBoundary is the boundary policy ARN, "" for none.
	PermissionsBoundary string
}

// PrincipalPolicies are the policies of a user or role as the
// authorization engine takes them: Identity holds the identity-based
// policies (for a user: its inline policies, its attached managed policies,
// then each of its groups' inline and attached policies; for a role: its
// inline and attached policies), Boundary the permissions boundary (empty
// when there is none). Names: managed policies are named by their ARN,
// inline policies "user/NAME/POLICY", "group/NAME/POLICY" or
// "role/NAME/POLICY". The value is shared and must not be modified.
type PrincipalPolicies struct {
	Identity []*policy.Compiled
	Boundary []*policy.Compiled
}

type acctName struct{ account, name string }

type keyEntry struct {
	key   Key
	found bool
}

// hotCache holds the answers read at one store generation.
type hotCache struct {
	gen        int64
	checked    atomic.Int64 // when the generation was last read (Service clock, Unix ns)
	mu         sync.RWMutex
	keys       map[string]keyEntry
	negatives  int
	users      map[acctName]*identity.Caller
	roles      map[acctName]*AssumableRole
	principals map[acctName]*PrincipalPolicies // name: the principal ARN
	userViews  map[acctName]*User              // GetUser's answers, by lower-case name
}

// maxNegatives bounds the unknown access key ids remembered per generation.
const maxNegatives = 10000

func newHotCache(gen int64) *hotCache {
	return &hotCache{
		gen: gen, keys: make(map[string]keyEntry), users: make(map[acctName]*identity.Caller),
		roles: make(map[acctName]*AssumableRole), principals: make(map[acctName]*PrincipalPolicies),
		userViews: make(map[acctName]*User),
	}
}

// cache returns the cache of the store's current generation, reading the
// generation again when the cache's reading is older than checkEvery.
func (s *Service) cache(ctx context.Context) (*hotCache, error) {
	now := s.now().UnixNano()
	if c := s.hot.Load(); c != nil && s.checkEvery > 0 && now-c.checked.Load() < int64(s.checkEvery) {
		return c, nil
	}
	gen, err := s.store.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("iam: reading store generation: %w", err)
	}
	for {
		c := s.hot.Load()
		if c != nil && c.gen >= gen {
			c.checked.Store(now)
			return c, nil
		}
		nc := newHotCache(gen)
		nc.checked.Store(now)
		if s.hot.CompareAndSwap(c, nc) {
			return nc, nil
		}
	}
}

// LookupAccessKey returns a long-term access key and its secret, for
// SigV4. An unknown id is ErrUnknownAccessKey. Inactive keys are returned
// too (Status tells): the server refuses them.
func (s *Service) LookupAccessKey(ctx context.Context, accessKeyID string) (Key, error) {
	c, err := s.cache(ctx)
	if err != nil {
		return Key{}, err
	}
	c.mu.RLock()
	e, ok := c.keys[accessKeyID]
	c.mu.RUnlock()
	if ok {
		if !e.found {
			return Key{}, ErrUnknownAccessKey
		}
		return e.key, nil
	}
	var rec *accessKeyRec
	if err := s.view(ctx, func(r store.Reader) (err error) {
		rec, err = storejson.Get[accessKeyRec](ctx, r, key("", kindAccessKey, accessKeyID))
		return err
	}); err != nil {
		return Key{}, err
	}
	if rec == nil {
		c.mu.Lock()
		if c.negatives < maxNegatives {
			c.keys[accessKeyID] = keyEntry{}
			c.negatives++
		}
		c.mu.Unlock()
		return Key{}, ErrUnknownAccessKey
	}
	secret, err := s.sealer.Open(rec.Secret, []byte(accessKeyID))
	if err != nil {
		return Key{}, fmt.Errorf("iam: opening the secret of access key %s: %w", accessKeyID, err)
	}
	k := Key{AccessKeyID: accessKeyID, Secret: string(secret), Status: rec.Status, Account: rec.Account, UserName: rec.User, UserID: rec.UserID, Created: rec.Created}
	c.mu.Lock()
	c.keys[accessKeyID] = keyEntry{key: k, found: true}
	c.mu.Unlock()
	return k, nil
}

// KeyCaller returns the caller a long-term access key stands for: the
// account's root user or an IAM user, with AccessKeyID set.
func (s *Service) KeyCaller(ctx context.Context, k Key) (identity.Caller, error) {
	if k.Root() {
		return RootCaller(k.Account, k.AccessKeyID), nil
	}
	c, err := s.UserCaller(ctx, k.Account, k.UserName)
	if err != nil {
		return identity.Caller{}, err
	}
	c.AccessKeyID = k.AccessKeyID
	return c, nil
}

// RootCaller returns the caller of an account's root user.
func RootCaller(account, accessKeyID string) identity.Caller {
	arn := "arn:aws:iam::" + account + ":root"
	return identity.Caller{Type: identity.Root, Account: account, ARN: arn, PrincipalARN: arn, UserID: account, PrincipalID: account, AccessKeyID: accessKeyID}
}

// UserCaller returns the caller an IAM user's long-term credentials stand
// for (without AccessKeyID). The Tags map is shared: do not modify it.
func (s *Service) UserCaller(ctx context.Context, account, userName string) (identity.Caller, error) {
	c, err := s.cache(ctx)
	if err != nil {
		return identity.Caller{}, err
	}
	k := acctName{account, lower(userName)}
	c.mu.RLock()
	cl := c.users[k]
	c.mu.RUnlock()
	if cl != nil {
		return *cl, nil
	}
	var rec *userRec
	if err := s.view(ctx, func(r store.Reader) (err error) {
		rec, err = storejson.Get[userRec](ctx, r, key(account, kindUser, lower(userName)))
		return err
	}); err != nil {
		return identity.Caller{}, err
	}
	if rec == nil {
		return identity.Caller{}, noSuchUser(userName)
	}
	arn := userARN(account, rec.Path, rec.Name)
	cl = &identity.Caller{
		Type: identity.IAMUser, Account: account, ARN: arn, PrincipalARN: arn, UserID: rec.ID, PrincipalID: rec.ID,
		Name: rec.Name, Path: rec.Path, Tags: tagsMap(rec.Tags),
	}
	c.mu.Lock()
	c.users[k] = cl
	c.mu.Unlock()
	return *cl, nil
}

// GetRoleForAssume returns a role as STS needs it: unique id, path, tags,
// maximum session duration and compiled trust policy. The value is shared
// and must not be modified.
func (s *Service) GetRoleForAssume(ctx context.Context, account, roleName string) (*AssumableRole, error) {
	c, err := s.cache(ctx)
	if err != nil {
		return nil, err
	}
	k := acctName{account, lower(roleName)}
	c.mu.RLock()
	ar := c.roles[k]
	c.mu.RUnlock()
	if ar != nil {
		return ar, nil
	}
	var rec *roleRec
	if err := s.view(ctx, func(r store.Reader) (err error) {
		rec, err = storejson.Get[roleRec](ctx, r, key(account, kindRole, lower(roleName)))
		return err
	}); err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, noSuchRole(roleName)
	}
	arn := roleARN(account, rec.Path, rec.Name)
	trust, err := s.compile(arn, rec.Trust, policy.TypeTrust)
	if err != nil {
		return nil, err
	}
	ar = &AssumableRole{
		Name: rec.Name, ID: rec.ID, ARN: arn, Path: rec.Path, MaxSessionDuration: rec.MaxSession,
		Tags: cloneTags(rec.Tags), Trust: trust, TrustDocument: rec.Trust, PermissionsBoundary: rec.Boundary,
	}
	c.mu.Lock()
	c.roles[k] = ar
	c.mu.Unlock()
	return ar, nil
}

// principalRef parses a user or role ARN (arn:aws:iam::A:user/PATH/NAME,
// arn:aws:iam::A:role/PATH/NAME) into its kind and name.
func principalRef(account, arn string) (entityKind, string, error) {
	prefix := "arn:aws:iam::" + account + ":"
	rest, ok := strings.CutPrefix(arn, prefix)
	if ok {
		var kind entityKind
		switch {
		case strings.HasPrefix(rest, "user/"):
			kind = kindOfUser
		case strings.HasPrefix(rest, "role/"):
			kind = kindOfRole
		case strings.HasPrefix(rest, "group/"):
			kind = kindOfGroup
		}
		if kind != "" {
			name := rest[strings.LastIndexByte(rest, '/')+1:]
			if name != "" {
				return kind, name, nil
			}
		}
	}
	return "", "", errorf(CodeInvalidInput, "ARN %s is not valid.", arn)
}

// IdentityPolicies returns the compiled identity-based policies and
// permissions boundary of a user or role of account, named by its ARN (the
// caller's PrincipalARN: for a role session, the role's ARN). A principal
// that does not exist (any more) is NoSuchEntity.
func (s *Service) IdentityPolicies(ctx context.Context, account, principalARN string) (*PrincipalPolicies, error) {
	c, err := s.cache(ctx)
	if err != nil {
		return nil, err
	}
	k := acctName{account, principalARN}
	c.mu.RLock()
	pp := c.principals[k]
	c.mu.RUnlock()
	if pp != nil {
		return pp, nil
	}
	kind, name, err := principalRef(account, principalARN)
	if err != nil {
		return nil, err
	}
	var ps *gathered
	if err := s.view(ctx, func(r store.Reader) (err error) {
		ps, err = s.gather(ctx, r, account, kind, name)
		return err
	}); err != nil {
		return nil, err
	}
	pp = &PrincipalPolicies{Identity: make([]*policy.Compiled, len(ps.identity)), Boundary: []*policy.Compiled{}}
	for i, sp := range ps.identity {
		pp.Identity[i] = sp.compiled
	}
	if ps.boundary != nil {
		pp.Boundary = append(pp.Boundary, ps.boundary.compiled)
	}
	c.mu.Lock()
	c.principals[k] = pp
	c.mu.Unlock()
	return pp, nil
}

// sourced is a compiled policy with what SimulatePrincipalPolicy reports
// about its source.
type sourced struct {
	compiled *policy.Compiled
	// sourceID is the policy's name (inline policies) or ARN (managed).
	sourceID   string
	sourceType string
}

type gathered struct {
	entity   *entity
	identity []sourced
	boundary *sourced
}

// gather reads and compiles an entity's identity-based policies and
// boundary.
func (s *Service) gather(ctx context.Context, r store.Reader, account string, kind entityKind, name string) (*gathered, error) {
	en, err := loadEntity(ctx, r, account, kind, name)
	if err != nil {
		return nil, err
	}
	g := &gathered{entity: en}
	if err := s.gatherOwn(ctx, r, account, en, g); err != nil {
		return nil, err
	}
	if u, ok := en.rec.(*userRec); ok {
		for _, lg := range u.Groups {
			gen, err := loadEntity(ctx, r, account, kindOfGroup, lg)
			if err != nil {
				if ErrorCode(err) == CodeNoSuchEntity {
					continue
				}
				return nil, err
			}
			if err := s.gatherOwn(ctx, r, account, gen, g); err != nil {
				return nil, err
			}
		}
	}
	if en.e.Boundary != "" {
		sp, err := s.compileManaged(ctx, r, account, en.e.Boundary, policy.TypeIdentity)
		if err != nil {
			return nil, err
		}
		if sp != nil {
			g.boundary = sp
		}
	}
	return g, nil
}

func (s *Service) gatherOwn(ctx context.Context, r store.Reader, account string, en *entity, g *gathered) error {
	for _, ip := range en.e.Inline {
		name := string(en.kind) + "/" + en.e.Name + "/" + ip.Name
		c, err := s.compile(name, ip.Document, policy.TypeIdentity)
		if err != nil {
			return err
		}
		g.identity = append(g.identity, sourced{compiled: c, sourceID: ip.Name, sourceType: string(en.kind)})
	}
	for _, arn := range en.e.Attached {
		sp, err := s.compileManaged(ctx, r, account, arn, policy.TypeIdentity)
		if err != nil {
			return err
		}
		if sp != nil {
			g.identity = append(g.identity, *sp)
		}
	}
	return nil
}

// compileManaged compiles a managed policy's default version; nil when the
// policy no longer exists.
func (s *Service) compileManaged(ctx context.Context, r store.Reader, account, arn string, typ policy.Type) (*sourced, error) {
	m, err := s.resolvePolicy(ctx, r, account, arn)
	if err != nil || m == nil {
		return nil, err
	}
	_, doc := m.defaultVersion()
	c, err := s.compile(arn, doc, typ)
	if err != nil {
		return nil, err
	}
	st := "user-managed"
	if m.aws != nil {
		st = "aws-managed"
	}
	return &sourced{compiled: c, sourceID: m.name, sourceType: st}, nil
}

// compile returns a stored policy document compiled, from the cache.
// Stored documents were validated when they were written; one the parser
// now refuses is reported, not skipped.
func (s *Service) compile(name, doc string, typ policy.Type) (*policy.Compiled, error) {
	c, err := s.compiled.Compile(name, doc, typ)
	if err != nil {
		return nil, fmt.Errorf("iam: compiling policy %s: %w", name, err)
	}
	return c, nil
}
