// Package simulate runs one scenario (see package scenario) through the policy
// engine and reports the decision with an explanation a person can follow.
package simulate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

// Result is the outcome of one simulation, in the shape `cleanroom policy
// simulate` prints.
type Result struct {
	ID        any      `json:"id,omitempty"`
	Decision  string   `json:"decision"` // Allowed | ExplicitlyDenied | ImplicitlyDenied
	BlockedBy []string `json:"blockedBy"`
	Message   string   `json:"message,omitempty"`
	Warnings  []string `json:"warnings,omitempty"`
	Explain   *Explain `json:"explain,omitempty"`
}

// Options tune a simulation.
type Options struct {
	// Explain adds the statement-by-statement explanation.
	Explain bool
}

// Simulator runs scenarios against a catalog. It is safe for concurrent use.
type Simulator struct {
	cat *catalog.Catalog
}

// New returns a simulator that uses cat for resource types and for the
// services resource control policies apply to.
func New(cat *catalog.Catalog) *Simulator { return &Simulator{cat: cat} }

// Prepared is a scenario parsed, compiled and turned into an authorization
// request; Decide can run it again and again.
type Prepared struct {
	Request  authz.Request
	Policies authz.Policies
	Warnings []string
	// scpLevels and rcpLevels name the organization levels, root first.
	scpLevels, rcpLevels []string
}

// InputError is a scenario that cannot be simulated: a policy that does not
// parse, or a malformed request.
type InputError struct {
	Where string // e.g. "identityPolicies[0] (name)"
	Err   error
}

func (e *InputError) Error() string { return e.Where + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Prepare parses and compiles the scenario's policies and builds the request.
func (s *Simulator) Prepare(sc *scenario.Scenario) (*Prepared, error) {
	p := &Prepared{}
	compile := func(where, name string, raw []byte, typ policy.Type) (*policy.Compiled, error) {
		doc, err := policy.Parse(raw, typ)
		if err != nil {
			return nil, &InputError{Where: where, Err: err}
		}
		return policy.Compile(doc, name), nil
	}
	for i, np := range sc.IdentityPolicies {
		c, err := compile(fmt.Sprintf("identityPolicies[%d] (%s)", i, np.Name), np.Name, np.Policy, policy.TypeIdentity)
		if err != nil {
			return nil, err
		}
		p.Policies.Identity = append(p.Policies.Identity, c)
	}
	for i, np := range sc.PermissionBoundaryPolicies {
		c, err := compile(fmt.Sprintf("permissionBoundaryPolicies[%d] (%s)", i, np.Name), np.Name, np.Policy, policy.TypeBoundary)
		if err != nil {
			return nil, err
		}
		p.Policies.Boundary = append(p.Policies.Boundary, c)
	}
	if len(sc.SessionPolicy) > 0 && string(sc.SessionPolicy) != "null" {
		c, err := compile("sessionPolicy", "session", sc.SessionPolicy, policy.TypeSession)
		if err != nil {
			return nil, err
		}
		p.Policies.Session = []*policy.Compiled{c}
	}
	if len(sc.ResourcePolicy) > 0 && string(sc.ResourcePolicy) != "null" {
		// A role's resource-based policy is its trust policy, which names no
		// Resource.
		typ := policy.TypeResource
		if isRoleARN(sc.Request.Resource.Resource) {
			typ = policy.TypeTrust
			p.Policies.ResourceMustAllow = true
		}
		c, err := compile("resourcePolicy", "resource", sc.ResourcePolicy, typ)
		if err != nil {
			return nil, err
		}
		p.Policies.Resource = c
	}
	levels := func(field string, in []scenario.OrgPolicies, typ policy.Type) ([][]*policy.Compiled, error) {
		var out [][]*policy.Compiled
		for i, lvl := range in {
			var cs []*policy.Compiled
			for j, np := range lvl.Policies {
				c, err := compile(fmt.Sprintf("%s[%d].policies[%d] (%s)", field, i, j, np.Name), np.Name, np.Policy, typ)
				if err != nil {
					return nil, err
				}
				cs = append(cs, c)
			}
			out = append(out, cs)
		}
		return out, nil
	}
	var err error
	if p.Policies.SCP, err = levels("serviceControlPolicies", sc.ServiceControlPolicies, policy.TypeSCP); err != nil {
		return nil, err
	}
	if p.Policies.RCP, err = levels("resourceControlPolicies", sc.ResourceControlPolicies, policy.TypeRCP); err != nil {
		return nil, err
	}
	for _, l := range sc.ServiceControlPolicies {
		p.scpLevels = append(p.scpLevels, l.OrgIdentifier)
	}
	for _, l := range sc.ResourceControlPolicies {
		p.rcpLevels = append(p.rcpLevels, l.OrgIdentifier)
	}
	if len(p.Policies.RCP) > 0 {
		// AWS attaches RCPFullAWSAccess to every root, OU and account once
		// RCPs are enabled, and it cannot be detached ("RCPFullAWSAccess
		// cannot be detached, so there will always be an Allow statement",
		// policy-eval-denyallow): every level the scenario lists has it.
		full, err := s.rcpFullAWSAccess()
		if err != nil {
			return nil, err
		}
		for i, lvl := range p.Policies.RCP {
			if !slices.ContainsFunc(lvl, func(c *policy.Compiled) bool { return c.Name == "RCPFullAWSAccess" }) {
				p.Policies.RCP[i] = append(lvl, full)
			}
		}
	}

	r := &sc.Request
	var pr policy.Principal
	if r.Principal.Anonymous {
		pr = policy.Principal{Kind: policy.PrincipalAnonymous}
	} else {
		pr = policy.ParsePrincipal(r.Principal.ID)
	}
	pr.HasBoundary = len(p.Policies.Boundary) > 0
	ctx := policy.NewContext(len(r.ContextVariables))
	for _, k := range r.ContextKeys() {
		v := r.ContextVariables[k]
		ctx.SetValue(k, policy.Value{Values: v.Values, Multi: v.Multi})
	}
	p.Request = authz.Request{
		Request: policy.Request{
			Action:    r.Action,
			Resource:  r.Resource.Resource,
			Principal: &pr,
			Context:   ctx,
		},
		ResourceAccount: r.Resource.AccountID,
	}
	s.applyScope(p, sc)
	return p, nil
}

// applyScope drops the organization policies that AWS would not apply, with a
// warning: SCPs never apply to service principals or the anonymous caller,
// RCPs only to the services that support them. It also warns where the
// catalog does not know the action or its resource type; the request is still
// evaluated as given.
func (s *Simulator) applyScope(p *Prepared, sc *scenario.Scenario) {
	pr := p.Request.Principal
	if len(p.Policies.SCP) > 0 && (pr.Kind == policy.PrincipalServiceKind || pr.Kind == policy.PrincipalAnonymous) {
		p.Warnings = append(p.Warnings, "service control policies do not apply to service principals or anonymous requests; ignored")
		p.Policies.SCP = nil
	}
	svc, _, _ := strings.Cut(p.Request.Action, ":")
	if len(p.Policies.RCP) > 0 && !s.cat.RCPApplies(svc) {
		p.Warnings = append(p.Warnings, fmt.Sprintf("resource control policies do not apply to %s; ignored", svc))
		p.Policies.RCP = nil
	}
	a, ok := s.cat.LookupAction(p.Request.Action)
	if !ok {
		if _, known := s.cat.Service(svc); known {
			p.Warnings = append(p.Warnings, fmt.Sprintf("unknown action %s", p.Request.Action))
		} else {
			p.Warnings = append(p.Warnings, fmt.Sprintf("service %s is not in the catalog; the request is evaluated as given", svc))
		}
		return
	}
	if len(a.ResourceTypes) > 0 && p.Request.Resource != "*" && len(s.cat.ResourceTypesFor(a, p.Request.Resource)) == 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s does not take a resource of the form %s; the request is evaluated as given", a.FullName(), p.Request.Resource))
	}
}

func (s *Simulator) rcpFullAWSAccess() (*policy.Compiled, error) {
	mp, ok := s.cat.ManagedPolicy("RCPFullAWSAccess")
	if !ok {
		return nil, fmt.Errorf("simulate: the catalog has no RCPFullAWSAccess")
	}
	doc, err := policy.Parse(mp.Default().Document, policy.TypeRCP)
	if err != nil {
		return nil, fmt.Errorf("simulate: RCPFullAWSAccess: %w", err)
	}
	return policy.Compile(doc, "RCPFullAWSAccess"), nil
}

// Decide evaluates a prepared scenario.
func (p *Prepared) Decide() authz.Decision {
	return authz.Decide(&p.Request, &p.Policies)
}

// Run decides one scenario.
func (s *Simulator) Run(sc *scenario.Scenario, opts Options) (*Result, error) {
	p, err := s.Prepare(sc)
	if err != nil {
		return nil, err
	}
	d := p.Decide()
	res := &Result{
		Decision:  d.Result.String(),
		BlockedBy: d.Blocked.Strings(),
		Message:   authz.Message(&p.Request, d),
		Warnings:  p.Warnings,
	}
	if opts.Explain {
		res.Explain = p.explain()
	}
	return res, nil
}

func isRoleARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && strings.HasPrefix(parts[5], "role/")
}
