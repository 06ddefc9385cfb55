package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/account"
	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/iam/iamapi"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/oidc"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/sigv4"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/sts"
	"github.com/cleanroom-dev/cleanroom/internal/sts/stsapi"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/stswire"
)

// api holds the services and the request-path state shared by them.
type api struct {
	s        *Server
	verifier *sigv4.Verifier
	iam      *iam.Service
	sts      *sts.Service
	orgs     *orgs.Service
	engine   *access.Engine
	services map[string]*service

	mu       sync.Mutex
	rootKeys map[string]*rootKey        // root access key id → key and caller (root keys do not change)
	policies map[string]*callerPolicies // access key id → policies
	// sessionPolicies compiles sessions' policies once, not again each
	// time a caller's policies are rebuilt after an IAM change.
	sessionPolicies policy.CompileCache
}

type rootKey struct {
	cred   sigv4.Credential
	caller *identity.Caller
}

// callerPolicies caches the prepared policies of one access key; they are
// rebuilt when IAM's policies for the principal change.
type callerPolicies struct {
	from *iam.PrincipalPolicies
	scp  [][]*policy.Compiled
	ps   *authz.Policies
}

// noPolicies stands for a principal without identity-based policies.
var noPolicies = &iam.PrincipalPolicies{}

// sameLevels reports whether two SCP level lists are the same shared value
// (Organizations returns the same slices while its policies are unchanged).
func sameLevels(a, b [][]*policy.Compiled) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0]
}

// maxCachedPolicies bounds the per-key policy cache.
const maxCachedPolicies = 100_000

func newAPI(s *Server) (*api, error) {
	a := &api{s: s, rootKeys: map[string]*rootKey{}, policies: map[string]*callerPolicies{}}
	var err error
	a.iam, err = iam.New(iam.Options{Store: s.store, Now: s.now, Sealer: s.box, Catalog: s.catalog, Rand: s.cfg.Rand, Logger: s.log,
		CacheCheckInterval: s.cfg.CacheCheckInterval})
	if err != nil {
		return nil, fmt.Errorf("server: IAM: %w", err)
	}
	a.orgs, err = orgs.New(orgs.Options{Store: s.store, Now: s.now, Rand: s.cfg.Rand, Logger: s.log,
		Accounts: s.accounts, IAM: roleMaker{iam: a.iam, s: s}, Catalog: s.catalog, CacheCheckInterval: s.cfg.CacheCheckInterval})
	if err != nil {
		return nil, fmt.Errorf("server: Organizations: %w", err)
	}
	a.engine = access.NewEngine(a, s.catalog, s.now).WithOrg(a.orgs)
	verifier, err := newOIDCVerifier(s)
	if err != nil {
		return nil, err
	}
	a.sts = sts.New(sts.Options{Store: s.store, Sealer: s.box, Directory: directory{a}, Authorizer: a.engine,
		OIDC: verifier, Providers: directory{a}, Now: s.now, Rand: s.cfg.Rand, Logger: s.log})
	a.verifier = sigv4.New(sigv4.LookupFunc(a.lookupCredential), sigv4.Options{
		Now:            s.now,
		GlobalServices: map[string]string{"iam": "us-east-1", "organizations": "us-east-1"},
	})

	iamHandlers := iamapi.Handlers(iamapi.Options{Service: a.iam, Authorizer: a.engine, Catalog: s.catalog, Logger: s.log,
		Audit: func(ctx context.Context, op string, request any) iam.Audit {
			return func(result any) store.Event {
				return s.event(ctx, "iam.amazonaws.com", op, request, iamResponseElements(result))
			}
		}})
	stsHandlers := stsapi.Handlers(a.sts, func(ctx context.Context, op string, req, resp any, others ...string) []store.Event {
		return s.events(ctx, "sts.amazonaws.com", op, req, resp, others...)
	})
	a.services = map[string]*service{
		"iam": {
			name: "iam", proto: awsproto.Query, xmlns: iamwire.XMLNamespace, region: "us-east-1",
			serve: func(ctx context.Context, c *call) error {
				if err := a.checkSessionTokenRules(c, true); err != nil {
					return err
				}
				resp, err := iamHandlers.Serve(ctx, c.op, c.params)
				if err != nil {
					return err
				}
				return awsproto.WriteQueryResponse(c.w, resp, c.rid)
			},
			known: func(op string) bool { _, ok := iamwire.LookupOperation(op); return ok },
		},
		"sts": {
			name: "sts", proto: awsproto.Query, xmlns: stswire.XMLNamespace,
			serve: func(ctx context.Context, c *call) error {
				if err := a.checkSessionTokenRules(c, false); err != nil {
					return err
				}
				resp, err := stsHandlers.Serve(ctx, c.op, c.params)
				if err != nil {
					return err
				}
				return awsproto.WriteQueryResponse(c.w, resp, c.rid)
			},
			known: func(op string) bool { _, ok := stswire.LookupOperation(op); return ok },
			unsigned: func(op string) bool {
				o, ok := stswire.LookupOperation(op)
				return ok && o.Unsigned
			},
		},
	}
	for name, svc := range a.jsonServices() {
		a.services[name] = svc
	}
	return a, nil
}

func (a *api) close() {}

// knows reports whether op is an operation of the service.
func (svc *service) knows(op string) bool { return svc != nil && svc.known != nil && svc.known(op) }

// checkSessionTokenRules applies the limits of GetSessionToken credentials:
// "You cannot call any IAM API operations unless MFA authentication
// information is included in the request" and "You cannot call any AWS STS
// API except AssumeRole or GetCallerIdentity"
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
func (a *api) checkSessionTokenRules(c *call, isIAM bool) error {
	cl := c.caller
	if cl == nil || !cl.Temporary || cl.Session == nil || cl.Type == identity.AssumedRole {
		return nil
	}
	if isIAM {
		if !cl.MFAAuthenticated {
			return awsproto.NewError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid")
		}
		return nil
	}
	switch c.op {
	case "AssumeRole", "GetCallerIdentity", "GetSessionToken":
		return nil // GetSessionToken refuses session credentials itself
	}
	return &access.DeniedError{Message: "User: " + cl.ARN + " is not authorized to perform: sts:" + c.op + " with session credentials"}
}

// lookupCredential finds the secret of an access key for SigV4: a session
// key (ASIA), an account root key, or an IAM user's key.
func (a *api) lookupCredential(ctx context.Context, akid string) (sigv4.Credential, error) {
	if len(akid) >= 4 && akid[:4] == "ASIA" {
		sess, err := a.sts.Lookup(ctx, akid)
		if errors.Is(err, sts.ErrNoSession) {
			return sigv4.Credential{}, sigv4.ErrUnknownKey
		}
		if err != nil {
			return sigv4.Credential{}, err
		}
		return sigv4.Credential{AccessKeyID: akid, SecretKey: sess.Secret, SessionToken: sess.Token, Expires: sess.Expires, Active: true}, nil
	}
	if rk, err := a.rootKey(ctx, akid); err == nil {
		return rk.cred, nil
	} else if !errors.Is(err, account.ErrNotFound) {
		return sigv4.Credential{}, err
	}
	k, err := a.iam.LookupAccessKey(ctx, akid)
	if errors.Is(err, iam.ErrUnknownAccessKey) {
		return sigv4.Credential{}, sigv4.ErrUnknownKey
	}
	if err != nil {
		return sigv4.Credential{}, err
	}
	return sigv4.Credential{AccessKeyID: akid, SecretKey: k.Secret, Active: k.Active()}, nil
}

// maxNegativeRootKeys bounds the remembered ids that are not root keys.
const maxNegativeRootKeys = 10_000

// rootKey returns an account root key, cached: root keys are created once
// and never change. Ids found not to be root keys are remembered too
// (bounded), so that IAM user keys cost no store read here; a root key is
// made only at bootstrap or with a new account, before its id is used.
func (a *api) rootKey(ctx context.Context, akid string) (*rootKey, error) {
	a.mu.Lock()
	rk, seen := a.rootKeys[akid]
	a.mu.Unlock()
	if seen {
		if rk == nil {
			return nil, account.ErrNotFound
		}
		return rk, nil
	}
	k, err := a.s.accounts.RootKey(ctx, akid)
	if errors.Is(err, account.ErrNotFound) {
		a.mu.Lock()
		if len(a.rootKeys) < maxNegativeRootKeys {
			a.rootKeys[akid] = nil
		}
		a.mu.Unlock()
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	cl := iam.RootCaller(k.Account, akid)
	rk = &rootKey{cred: sigv4.Credential{AccessKeyID: akid, SecretKey: k.Secret, Active: k.Active}, caller: &cl}
	a.mu.Lock()
	a.rootKeys[akid] = rk
	a.mu.Unlock()
	return rk, nil
}

// caller returns the principal an authenticated access key stands for.
func (a *api) caller(ctx context.Context, akid string) (*identity.Caller, error) {
	if len(akid) >= 4 && akid[:4] == "ASIA" {
		sess, err := a.sts.Lookup(ctx, akid)
		if err != nil {
			return nil, err
		}
		return sess.Caller, nil
	}
	if rk, err := a.rootKey(ctx, akid); err == nil {
		return rk.caller, nil
	} else if !errors.Is(err, account.ErrNotFound) {
		return nil, err
	}
	k, err := a.iam.LookupAccessKey(ctx, akid)
	if err != nil {
		return nil, err
	}
	cl, err := a.iam.KeyCaller(ctx, k)
	if err != nil {
		return nil, err
	}
	return &cl, nil
}

// noteKeyUse records the last use of an IAM user's access key.
func (a *api) noteKeyUse(ctx context.Context, c *identity.Caller, region, service string) {
	if c.Type != identity.IAMUser || c.Temporary {
		return
	}
	if err := a.iam.RecordAccessKeyUse(ctx, c.AccessKeyID, service, region); err != nil {
		a.s.log.Warn("recording access key use", "accessKeyId", c.AccessKeyID, "err", err)
	}
}

// emptyPolicies are the policies of a root user: none (it has full access in
// its account by the evaluation logic itself).
var emptyPolicies = func() *authz.Policies { p := &authz.Policies{}; p.Prepare(); return p }()

// Policies implements access.PolicySource: the identity-based policies and
// boundary of the caller's user or role, and the session policies of a role
// session.
func (a *api) Policies(ctx context.Context, c *identity.Caller) (*authz.Policies, bool, error) {
	// "SCPs affect all users and roles in attached accounts, including the
	// root user"; never the management account (orgs returns nil for it),
	// nor service principals.
	var scp [][]*policy.Compiled
	if c.Type != identity.AWSService && c.Type != identity.Anonymous && c.Account != "" {
		var err error
		if scp, err = a.orgs.SCPLevels(ctx, c.Account); err != nil {
			return nil, false, err
		}
	}
	pp := noPolicies
	if c.Type == identity.IAMUser || c.Type == identity.AssumedRole {
		var err error
		pp, err = a.iam.IdentityPolicies(ctx, c.Account, c.PrincipalARN)
		var ie *iam.Error
		if errors.As(err, &ie) && ie.Code == iam.CodeNoSuchEntity {
			// The user or role is gone: nothing allows, sessions included.
			pp = noPolicies
		} else if err != nil {
			return nil, false, err
		}
	} else if scp == nil {
		return emptyPolicies, false, nil
	}
	cacheKey := c.AccessKeyID + "|" + c.PrincipalARN
	a.mu.Lock()
	cp := a.policies[cacheKey]
	a.mu.Unlock()
	if cp != nil && cp.from == pp && sameLevels(cp.scp, scp) {
		return cp.ps, len(pp.Boundary) > 0, nil
	}
	ps := &authz.Policies{Identity: pp.Identity, Boundary: pp.Boundary, SCP: scp}
	if c.Session != nil {
		for i, doc := range c.Session.Policies {
			sp, err := a.sessionPolicies.Compile("session policy "+strconv.Itoa(i+1), doc, policy.TypeSession)
			if err != nil {
				return nil, false, fmt.Errorf("session policy of %s: %w", c.AccessKeyID, err)
			}
			ps.Session = append(ps.Session, sp)
		}
	}
	ps.Prepare()
	a.mu.Lock()
	if len(a.policies) >= maxCachedPolicies {
		clear(a.policies)
	}
	a.policies[cacheKey] = &callerPolicies{from: pp, scp: scp, ps: ps}
	a.mu.Unlock()
	return ps, len(pp.Boundary) > 0, nil
}

// mapDomainError maps errors of the domain packages that reached the edge
// unmapped.
func (a *api) mapDomainError(err error) *awsproto.Error {
	var se *sts.Error
	if errors.As(err, &se) {
		return awsproto.NewError(http.StatusBadRequest, se.Code, "%s", se.Message)
	}
	if errors.Is(err, sts.ErrNoSession) || errors.Is(err, account.ErrNotFound) {
		return awsproto.NewError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	return nil
}

// iamResponseElements wraps an IAM write's domain result the way the API's
// response names it, as CloudTrail records it: CreateUser's user as
// {"user": {...}}, CreateAccessKey's as {"accessKey": {...}}. The response
// member is the result type's name (iam.User, iam.AccessKey, iam.Role,
// iam.Policy, iam.PolicyVersion, iam.VirtualMFADevice ...).
func iamResponseElements(result any) any {
	if result == nil {
		return nil
	}
	t := reflect.TypeOf(result)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.PkgPath() != reflect.TypeFor[iam.User]().PkgPath() {
		return result
	}
	return map[string]any{t.Name(): result}
}

// directory is the IAM side of STS.
type directory struct{ a *api }

func (d directory) Role(ctx context.Context, account, name string) (sts.Role, error) {
	r, err := d.a.iam.GetRoleForAssume(ctx, account, name)
	var ie *iam.Error
	if errors.As(err, &ie) && ie.Code == iam.CodeNoSuchEntity {
		return sts.Role{}, sts.ErrNoSuchRole
	}
	if err != nil {
		return sts.Role{}, err
	}
	tags := make(map[string]string, len(r.Tags))
	for _, t := range r.Tags {
		tags[t.Key] = t.Value
	}
	return sts.Role{Account: account, Name: r.Name, Path: r.Path, ARN: r.ARN, ID: r.ID,
		MaxSessionDuration: time.Duration(r.MaxSessionDuration) * time.Second, Tags: tags, Trust: r.Trust,
		HasBoundary: r.PermissionsBoundary != ""}, nil
}

func (d directory) VerifyMFA(ctx context.Context, c *identity.Caller, serial, code string) (bool, error) {
	user, err := d.a.iam.VerifyTOTP(ctx, c.Account, serial, code)
	if err != nil {
		var ie *iam.Error
		if errors.As(err, &ie) {
			return false, nil
		}
		return false, err
	}
	// The device must be the caller's own (or, for root, an account device).
	return c.Type == identity.Root || user == c.Name, nil
}

func (d directory) PolicyDocument(ctx context.Context, arn string) (string, error) {
	acct := ""
	if p := policy.ParsePrincipal(arn); p.Account != "" {
		acct = p.Account
	}
	pol, err := d.a.iam.GetPolicy(ctx, acct, arn)
	var ie *iam.Error
	if errors.As(err, &ie) {
		return "", sts.ErrNoSuchPolicy
	}
	if err != nil {
		return "", err
	}
	v, err := d.a.iam.GetPolicyVersion(ctx, acct, arn, pol.DefaultVersionID)
	if err != nil {
		return "", err
	}
	return v.Document, nil
}

// OIDCProvider finds an IAM OIDC provider for AssumeRoleWithWebIdentity.
func (d directory) OIDCProvider(ctx context.Context, account, arn string) (sts.OIDCProvider, error) {
	p, err := d.a.iam.GetOpenIDConnectProvider(ctx, account, arn)
	var ie *iam.Error
	if errors.As(err, &ie) {
		return sts.OIDCProvider{}, fmt.Errorf("%s: %w", arn, sts.ErrNoSuchProvider)
	}
	if err != nil {
		return sts.OIDCProvider{}, err
	}
	return sts.OIDCProvider{ARN: p.ARN, URL: p.URL, ClientIDs: p.ClientIDList}, nil
}

// newOIDCVerifier makes the verifier of web identity tokens, with the JWKS
// files of Config.OIDCKeySets read once, at start.
func newOIDCVerifier(s *Server) (*oidc.Verifier, error) {
	sets := make(map[string][]byte, len(s.cfg.OIDCKeySets))
	for iss, file := range s.cfg.OIDCKeySets {
		doc, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("server: JWKS of OIDC issuer %s: %w", iss, err)
		}
		sets[iss] = doc
	}
	v, err := oidc.New(oidc.Options{KeySets: sets, Now: s.now, Logger: s.log})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	return v, nil
}
