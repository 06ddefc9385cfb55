package authz

import (
	"github.com/cleanroom-dev/cleanroom/internal/cowmap"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// actionPolicies is every policy of a Policies, indexed for one action.
type actionPolicies struct {
	identity, boundary, session []*policy.ActionIndex
	scp, rcp                    [][]*policy.ActionIndex
	resource                    *policy.ActionIndex
}

// maxSetActions bounds the cache, so that hostile action names cannot grow it.
const maxSetActions = 4096

// Prepare readies ps for repeated decisions: it adds a cache that finds every
// policy's statements about an action with one lookup. Call it once, after
// the policies are set and before the Policies is shared; without it Decide
// looks the action up in each policy.
func (ps *Policies) Prepare() { ps.idx = &cowmap.Map[*actionPolicies]{} }

// forAction returns the policies indexed for action, keyed as the request
// spells it.
func (ps *Policies) forAction(action string) *actionPolicies {
	if ap, ok := ps.idx.Get(action); ok {
		return ap
	}
	return ps.idx.Add(action, ps.build(action, true), maxSetActions)
}

// build indexes the policies for action. With combine, the policies of one
// type (and of one organization level) are combined into one index, which
// is worth its building when it is cached: the decision needs only whether
// any of them denies and whether any allows. Without, each policy's own
// cached index is used.
func (ps *Policies) build(action string, combine bool) *actionPolicies {
	one := func(cs []*policy.Compiled) []*policy.ActionIndex {
		if len(cs) == 0 {
			return nil
		}
		if combine && len(cs) > 1 {
			return []*policy.ActionIndex{policy.Combine(action, cs...)}
		}
		out := make([]*policy.ActionIndex, len(cs))
		for i, c := range cs {
			out[i] = c.ForAction(action)
		}
		return out
	}
	levels := func(ls [][]*policy.Compiled) [][]*policy.ActionIndex {
		if ls == nil {
			return nil
		}
		out := make([][]*policy.ActionIndex, len(ls))
		for i, l := range ls {
			out[i] = one(l)
		}
		return out
	}
	ap := &actionPolicies{
		identity: one(ps.Identity),
		boundary: one(ps.Boundary),
		session:  one(ps.Session),
		scp:      levels(ps.SCP),
		rcp:      levels(ps.RCP),
	}
	if ps.Resource != nil {
		ap.resource = ps.Resource.ForAction(action)
	}
	return ap
}

// evalAny evaluates the policies of one type: denied when one denies,
// allowed when one allows. Once an Allow is in hand only Deny statements are
// looked at.
func evalAny(ps []*policy.ActionIndex, req *policy.Request) (denied, allowed bool) {
	for _, p := range ps {
		if allowed {
			if p.EvaluateDeny(req) {
				return true, allowed
			}
			continue
		}
		o := p.Evaluate(req)
		if o.Denied {
			return true, allowed
		}
		allowed = o.Allowed
	}
	return false, allowed
}

// evalLevels evaluates organization policy levels: denied when any policy at
// any level denies; missing when some level has no Allow.
func evalLevels(levels [][]*policy.ActionIndex, req *policy.Request) (denied, missing bool) {
	for _, lvl := range levels {
		d, a := evalAny(lvl, req)
		if d {
			return true, missing
		}
		if !a {
			missing = true
		}
	}
	return false, missing
}

// gather evaluates every policy type.
func gather(r *policy.Request, ap *actionPolicies) verdicts {
	var v verdicts
	// A level without an applicable Allow denies. (In an organization every
	// level carries the AWS managed RCPFullAWSAccess, which cannot be
	// detached; callers that model an organization add it.)
	if d, m := evalLevels(ap.rcp, r); d {
		v.denied.add(RCP)
	} else {
		v.rcpMissing = m
	}
	if d, m := evalLevels(ap.scp, r); d {
		v.denied.add(SCP)
	} else {
		v.scpMissing = m
	}
	if ap.resource != nil {
		v.resource = ap.resource.Evaluate(r)
		if v.resource.Denied {
			v.denied.add(Resource)
		}
	}
	var d bool
	if d, v.identity = evalAny(ap.identity, r); d {
		v.denied.add(Identity)
	}
	if d, v.boundary = evalAny(ap.boundary, r); d {
		v.denied.add(Boundary)
	}
	if d, v.session = evalAny(ap.session, r); d {
		v.denied.add(Session)
	}
	return v
}

// WithResource returns a copy of ps for a request on a resource with a
// resource-based policy rp (nil for none); mustAllow marks a role trust
// policy. The copy shares the compiled policies but not the prepared cache,
// which does not cover resource policies: it decides with each policy's own
// cached index.
func (ps *Policies) WithResource(rp *policy.Compiled, mustAllow bool) *Policies {
	c := *ps
	c.Resource, c.ResourceMustAllow, c.idx = rp, mustAllow, nil
	return &c
}
