package authz

import (
	"sync"
	"sync/atomic"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// evaluator is a compiled policy, or one policy's index for one action.
type evaluator interface {
	Evaluate(req *policy.Request) policy.Outcome
	EvaluateDeny(req *policy.Request) bool
}

// actionPolicies is every policy of a Policies, indexed for one action.
type actionPolicies struct {
	identity, boundary, session []*policy.ActionIndex
	scp, rcp                    [][]*policy.ActionIndex
	resource                    *policy.ActionIndex
}

// setIndex caches actionPolicies by action name as the request spells it.
type setIndex struct {
	m  atomic.Pointer[map[string]*actionPolicies]
	mu sync.Mutex
}

// maxSetActions bounds the cache, so that hostile action names cannot grow it.
const maxSetActions = 4096

// Prepare readies ps for repeated decisions: it adds a cache that finds every
// policy's statements about an action with one lookup. Call it once, after
// the policies are set and before the Policies is shared; without it Decide
// looks the action up in each policy.
func (ps *Policies) Prepare() { ps.idx = &setIndex{} }

func (ps *Policies) forAction(action string) *actionPolicies {
	x := ps.idx
	if m := x.m.Load(); m != nil {
		if ap, ok := (*m)[action]; ok {
			return ap
		}
	}
	ap := ps.build(action)
	x.mu.Lock()
	defer x.mu.Unlock()
	old := x.m.Load()
	n := 0
	if old != nil {
		n = len(*old)
		if cur, ok := (*old)[action]; ok {
			return cur
		}
	}
	if n >= maxSetActions {
		return ap
	}
	next := make(map[string]*actionPolicies, n+1)
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[action] = ap
	x.m.Store(&next)
	return ap
}

func (ps *Policies) build(action string) *actionPolicies {
	one := func(cs []*policy.Compiled) []*policy.ActionIndex {
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
