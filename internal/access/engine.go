package access

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// PolicySource gives the prepared policies that apply to a caller's own
// requests: identity-based, permissions boundary, session policies and, with
// Organizations, SCPs. The result is shared and must not be modified.
type PolicySource interface {
	Policies(ctx context.Context, c *identity.Caller) (*authz.Policies, bool, error)
}

// Info describes the HTTP request behind the calls being authorized; it
// gives the global condition keys that do not depend on the caller.
type Info struct {
	SourceIP        string // aws:SourceIp
	SecureTransport bool   // aws:SecureTransport
	Region          string // aws:RequestedRegion
	Time            time.Time
	UserAgent       string // aws:UserAgent
}

type infoKey struct{}

// WithInfo returns a context carrying the request's Info.
func WithInfo(ctx context.Context, i *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, i)
}

// InfoFrom returns the Info a context carries, or nil.
func InfoFrom(ctx context.Context) *Info {
	i, _ := ctx.Value(infoKey{}).(*Info)
	return i
}

// OrgSource tells what AWS Organizations adds to a decision: the resource
// control policies that apply to a resource account's requests for a
// service, and an account's organization for aws:PrincipalOrgID,
// aws:PrincipalOrgPaths and aws:ResourceOrgID. (Service control policies
// come with the caller's policies from the PolicySource.)
type OrgSource interface {
	// RCPLevelsFor returns the RCP levels (root first) for requests for
	// the account's resources in the service, nil when RCPs do not apply.
	RCPLevelsFor(ctx context.Context, account, servicePrefix string) ([][]*policy.Compiled, error)
	// OrgContext returns the account's organization id and its path
	// ("o-.../r-.../ou-.../"), empty when it is in none.
	OrgContext(ctx context.Context, account string) (orgID string, paths []string, err error)
}

// Engine is the Authorizer: it decides each request with package authz.
type Engine struct {
	src PolicySource
	now func() time.Time
	cat *catalog.Catalog
	org OrgSource
}

// WithOrg makes the engine apply an organization's RCPs and context keys.
func (e *Engine) WithOrg(o OrgSource) *Engine { e.org = o; return e }

// NewEngine returns an Engine. The catalog tells which request keys are
// multivalued (aws:TagKeys, sts:TransitiveTagKeys ...); the others are set
// as single values.
func NewEngine(src PolicySource, cat *catalog.Catalog, now func() time.Time) *Engine {
	return &Engine{src: src, now: now, cat: cat}
}

// setKey sets a request key as single- or multivalued, as the catalog
// types it.
func (e *Engine) setKey(pctx *policy.Context, k string, vs []string) {
	if len(vs) == 1 {
		if ck, ok := e.cat.ConditionKey(k); !ok || !ck.Multivalued {
			pctx.Set(k, vs[0])
			return
		}
	}
	pctx.SetMulti(k, vs...)
}

// Authorize implements Authorizer.
func (e *Engine) Authorize(ctx context.Context, reqs ...Request) error {
	c := identity.FromContext(ctx)
	if c == nil {
		return &DeniedError{Message: "the request has no authenticated caller"}
	}
	ps, hasBoundary, err := e.src.Policies(ctx, c)
	if err != nil {
		return err
	}
	principal := Principal(c, hasBoundary)
	info := InfoFrom(ctx)
	var principalOrg string
	var principalPaths []string
	if e.org != nil && c.Account != "" {
		if principalOrg, principalPaths, err = e.org.OrgContext(ctx, c.Account); err != nil {
			return err
		}
	}
	for i := range reqs {
		r := &reqs[i]
		pctx := CallerContext(c, info, e.now)
		account := r.ResourceAccount
		if account == "" {
			account = c.Account
		}
		pctx.Set("aws:ResourceAccount", account)
		if principalOrg != "" {
			pctx.Set("aws:PrincipalOrgID", principalOrg)
			pctx.SetMulti("aws:PrincipalOrgPaths", principalPaths...)
		}
		var rcp [][]*policy.Compiled
		if e.org != nil {
			resourceOrg := principalOrg
			if account != c.Account {
				if resourceOrg, _, err = e.org.OrgContext(ctx, account); err != nil {
					return err
				}
			}
			if resourceOrg != "" {
				pctx.Set("aws:ResourceOrgID", resourceOrg)
			}
			if rcp, err = e.org.RCPLevelsFor(ctx, account, servicePrefix(r.Action)); err != nil {
				return err
			}
		}
		for k, vs := range r.Context {
			e.setKey(pctx, k, vs)
		}
		areq := authz.Request{
			Request:         policy.Request{Action: r.Action, Resource: r.Resource, Principal: &principal, Context: pctx},
			ResourceAccount: account,
		}
		use := ps
		if r.ResourcePolicy != nil || r.ResourcePolicyIsTrust || rcp != nil {
			use = ps.WithResource(r.ResourcePolicy, r.ResourcePolicyIsTrust)
			use.RCP = rcp
		}
		d := authz.Decide(&areq, use)
		if !d.Allowed() {
			return &DeniedError{Action: r.Action, Resource: r.Resource, Message: authz.Message(&areq, d)}
		}
	}
	return nil
}

// servicePrefix is the service of an action ("sts" of "sts:AssumeRole").
func servicePrefix(action string) string {
	if i := strings.IndexByte(action, ':'); i >= 0 {
		return action[:i]
	}
	return action
}

// Principal describes a caller as the policy engine matches principals.
func Principal(c *identity.Caller, hasBoundary bool) policy.Principal {
	p := policy.Principal{ARN: c.ARN, Account: c.Account, Name: c.Name, HasBoundary: hasBoundary}
	switch c.Type {
	case identity.Root:
		p.Kind = policy.PrincipalRoot
	case identity.IAMUser:
		p.Kind = policy.PrincipalUser
	case identity.AssumedRole:
		p.Kind = policy.PrincipalRoleSession
		p.RoleARN = c.PrincipalARN
	case identity.FederatedUser:
		p.Kind = policy.PrincipalFederatedUser
	case identity.AWSService:
		p.Kind = policy.PrincipalServiceKind
	default:
		p.Kind = policy.PrincipalAnonymous
	}
	return p
}

// principalType is aws:PrincipalType's value for a caller type
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype).
func principalType(t identity.Type) string {
	switch t {
	case identity.Root:
		return "Account"
	case identity.IAMUser:
		return "User"
	default:
		return string(t)
	}
}

// CallerContext builds the request context keys that describe the caller
// and the HTTP request ("AWS global condition context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
func CallerContext(c *identity.Caller, info *Info, now func() time.Time) *policy.Context {
	pctx := policy.NewContext(16 + len(c.Tags))
	t := now().UTC()
	if info != nil {
		if !info.Time.IsZero() {
			t = info.Time.UTC()
		}
		if info.SourceIP != "" {
			pctx.Set("aws:SourceIp", info.SourceIP)
		}
		pctx.Set("aws:SecureTransport", strconv.FormatBool(info.SecureTransport))
		if info.Region != "" {
			pctx.Set("aws:RequestedRegion", info.Region)
		}
		if info.UserAgent != "" {
			pctx.Set("aws:UserAgent", info.UserAgent)
		}
	}
	pctx.Set("aws:CurrentTime", t.Format(time.RFC3339))
	pctx.Set("aws:EpochTime", strconv.FormatInt(t.Unix(), 10))
	if c.Type == identity.AWSService || c.Type == identity.Anonymous || c.Type == "" {
		return pctx
	}
	pctx.Set("aws:PrincipalArn", c.PrincipalARN)
	pctx.Set("aws:PrincipalAccount", c.Account)
	pctx.Set("aws:PrincipalType", principalType(c.Type))
	pctx.Set("aws:userid", c.UserID)
	pctx.Set("aws:PrincipalIsAWSService", "false")
	pctx.Set("aws:ViaAWSService", "false")
	if c.Type == identity.IAMUser {
		pctx.Set("aws:username", c.Name)
	}
	for k, v := range c.Tags {
		pctx.Set("aws:PrincipalTag/"+k, v)
	}
	// aws:MultiFactorAuthPresent is present for temporary credentials (and
	// absent for long-term access keys); its age only with MFA.
	if c.Temporary {
		pctx.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(c.MFAAuthenticated))
		if s := c.Session; s != nil {
			pctx.Set("aws:TokenIssueTime", s.IssuedAt.UTC().Format(time.RFC3339))
			if s.SourceIdentity != "" {
				pctx.Set("aws:SourceIdentity", s.SourceIdentity)
			}
			if s.FederatedProvider != "" {
				pctx.Set("aws:FederatedProvider", s.FederatedProvider)
			}
		}
	}
	if c.MFAAuthenticated && !c.MFAAuthTime.IsZero() {
		age := int64(t.Sub(c.MFAAuthTime) / time.Second)
		pctx.Set("aws:MultiFactorAuthAge", strconv.FormatInt(max(age, 0), 10))
	}
	return pctx
}
