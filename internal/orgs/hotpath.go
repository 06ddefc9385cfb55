package orgs

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// This file is what the server asks on every request: the organization
// policies that bear on a principal's or a resource's account, and the
// organization condition keys. Answers are cached per account for the store
// generation they were read at, as package iam caches its own; compiled
// policies are cached apart, by policy id and content, across generations.

// accountOrg is what the request path knows of one account.
type accountOrg struct {
	orgID string
	paths []string
	scp   [][]*policy.Compiled
	rcp   [][]*policy.Compiled
}

type hotCache struct {
	gen     int64
	checked atomic.Int64 // when the generation was last read (Service clock, Unix ns)
	mu      sync.RWMutex
	m       map[string]*accountOrg
}

// maxHotEntries bounds the accounts remembered per generation.
const maxHotEntries = 100000

// cache returns the cache of the store's current generation, reading the
// generation again when the cache's reading is older than checkEvery.
func (s *Service) cache(ctx context.Context) (*hotCache, error) {
	now := s.now().UnixNano()
	if c := s.hot.Load(); c != nil && s.checkEvery > 0 && now-c.checked.Load() < int64(s.checkEvery) {
		return c, nil
	}
	gen, err := s.store.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("orgs: reading store generation: %w", err)
	}
	for {
		c := s.hot.Load()
		if c != nil && c.gen >= gen {
			c.checked.Store(now)
			return c, nil
		}
		nc := &hotCache{gen: gen, m: make(map[string]*accountOrg)}
		nc.checked.Store(now)
		if s.hot.CompareAndSwap(c, nc) {
			return nc, nil
		}
	}
}

func (s *Service) lookup(ctx context.Context, account string) (*accountOrg, error) {
	c, err := s.cache(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	e := c.m[account]
	c.mu.RUnlock()
	if e != nil {
		return e, nil
	}
	return s.load(ctx, c, account)
}

// load reads an account's entry and caches it (apart from lookup, so that
// the closure's variable does not make lookup's escape to the heap).
func (s *Service) load(ctx context.Context, c *hotCache, account string) (*accountOrg, error) {
	var e *accountOrg
	if err := s.view(ctx, func(r store.Reader) (err error) {
		e, err = s.readAccountOrg(ctx, r, account)
		return err
	}); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) < maxHotEntries {
		c.m[account] = e
	}
	c.mu.Unlock()
	return e, nil
}

var noOrg = &accountOrg{}

func (s *Service) readAccountOrg(ctx context.Context, r store.Reader, account string) (*accountOrg, error) {
	o, err := orgOf(ctx, r, account)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return noOrg, nil
	}
	a, err := storejson.Get[accountRec](ctx, r, key(o.Mgmt, kindAccount, account))
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, fmt.Errorf("orgs: account %s is a member of organization %s but has no record in it", account, o.ID)
	}
	chain, err := chainTo(ctx, r, o, a.Parent)
	if err != nil {
		return nil, err
	}
	e := &accountOrg{orgID: o.ID, paths: []string{pathOf(o, chain)}}
	// Organization policies never apply to the management account: "SCPs
	// don't affect users or roles in the management account", "RCPs don't
	// affect resources in the management account" (orgs_manage_policies_scps,
	// orgs_manage_policies_rcps).
	if account == o.Mgmt {
		return e, nil
	}
	targets := append(chain[:len(chain):len(chain)], account)
	for _, typ := range o.Enabled {
		levels := make([][]*policy.Compiled, len(targets))
		for i, t := range targets {
			as, err := attachedTo(ctx, r, o.Mgmt, t)
			if err != nil {
				return nil, err
			}
			level := []*policy.Compiled{}
			for _, at := range as {
				if at.typ != typ {
					continue
				}
				cp, err := s.compilePolicy(ctx, r, o, at.policyID)
				if err != nil {
					return nil, err
				}
				if cp != nil {
					level = append(level, cp)
				}
			}
			levels[i] = level
		}
		switch typ {
		case PolicyTypeSCP:
			e.scp = levels
		case PolicyTypeRCP:
			e.rcp = levels
		}
	}
	return e, nil
}

// compilePolicy returns a policy of o compiled (named by its ARN), nil when
// it no longer exists.
func (s *Service) compilePolicy(ctx context.Context, r store.Reader, o *orgRec, id string) (*policy.Compiled, error) {
	m, p, err := s.loadPolicy(ctx, r, o, id)
	switch {
	case err != nil:
		return nil, err
	case m != nil:
		return m.compiled, nil
	case p == nil:
		return nil, nil
	}
	return s.compile(PolicyARN(o.Mgmt, o.ID, p.Type, p.ID), p.Content, policyTypes[p.Type])
}

// SCPLevels returns the service control policies that bear on the
// principals of account, compiled, one level per node of the organization
// from the root through each OU to the account itself (root first, account
// last: authz.Policies.SCP), or nil when SCPs do not apply: the account is
// in no organization, is the management account, or SCPs are not enabled.
// The value is shared and must not be modified.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
func (s *Service) SCPLevels(ctx context.Context, account string) ([][]*policy.Compiled, error) {
	e, err := s.lookup(ctx, account)
	if err != nil {
		return nil, err
	}
	return e.scp, nil
}

// RCPLevels returns the resource control policies that bear on the
// resources of account, as SCPLevels does for SCPs (RCPFullAWSAccess is
// attached at every level while RCPs are enabled); nil when RCPs do not
// apply: no organization, the management account, or RCPs not enabled.
// Whether RCPs apply to the request's service (catalog.RCPApplies) is the
// caller's to check. The value is shared and must not be modified.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
func (s *Service) RCPLevels(ctx context.Context, account string) ([][]*policy.Compiled, error) {
	e, err := s.lookup(ctx, account)
	if err != nil {
		return nil, err
	}
	return e.rcp, nil
}

// RCPLevelsFor is RCPLevels for a request to the service with the given
// prefix ("s3", "sts"): nil as well when RCPs do not apply to the service
// ("List of AWS services that support RCPs", catalog.RCPApplies).
func (s *Service) RCPLevelsFor(ctx context.Context, account, servicePrefix string) ([][]*policy.Compiled, error) {
	if !s.cat.RCPApplies(servicePrefix) {
		return nil, nil
	}
	return s.RCPLevels(ctx, account)
}

// OrgContext returns the values of the organization condition keys for an
// account: orgID for aws:PrincipalOrgID (or aws:ResourceOrgID) and paths
// for aws:PrincipalOrgPaths (aws:ResourceOrgPaths), the path from the
// organization down to the account's parent, e.g.
// o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/ ("AWS global
// condition context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths).
// Both are empty for an account in no organization. The management
// account has them too. paths is shared and must not be modified.
func (s *Service) OrgContext(ctx context.Context, account string) (orgID string, paths []string, err error) {
	e, err := s.lookup(ctx, account)
	if err != nil {
		return "", nil, err
	}
	return e.orgID, e.paths, nil
}

// compile returns a stored policy document compiled, from the cache.
// Stored documents were validated when they were written; one the parser
// now refuses is reported, not skipped.
func (s *Service) compile(name, doc string, typ policy.Type) (*policy.Compiled, error) {
	c, err := s.compiled.Compile(name, doc, typ)
	if err != nil {
		return nil, fmt.Errorf("orgs: compiling policy %s: %w", name, err)
	}
	return c, nil
}
