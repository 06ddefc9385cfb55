package policy

import (
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/cowmap"
	"github.com/cleanroom-dev/cleanroom/internal/wildcard"
)

// Compiled is a policy prepared for fast decisions: actions lower-cased and
// split at the service prefix, resources and condition values parsed, policy
// variables located. It is immutable and safe for concurrent use.
type Compiled struct {
	Policy *Policy
	Name   string
	stmts  []Stmt
	cache  cowmap.Map[*actionIndex]
}

// Stmt is one compiled statement.
type Stmt struct {
	Src    *Statement
	Effect Effect

	actions   []actionPat
	notAction bool

	resources   []template
	notResource bool
	hasResource bool

	principal    *Principals
	notPrincipal bool

	conds []cond

	// vars records that the statement's policy substitutes variables
	// (Version 2012-10-17): the same condition text means something else in
	// a 2008-10-17 policy.
	vars bool
}

// actionPat is an Action entry: exact actions compare with EqualFold, the rest
// are matched as case-insensitive globs.
type actionPat struct {
	raw   string
	lower string
	exact bool
	// service is the lower-cased prefix when it has no wildcard; "" otherwise.
	service string
}

// Compile prepares a parsed policy. name is the name it is reported under.
func Compile(p *Policy, name string) *Compiled {
	vars := p.EffectiveVersion() == Version2012
	c := &Compiled{Policy: p, Name: name, stmts: make([]Stmt, len(p.Statements))}
	for i, s := range p.Statements {
		cs := &c.stmts[i]
		cs.Src, cs.Effect, cs.vars = s, s.Effect, vars
		cs.notAction = s.NotAction
		for _, a := range s.Actions {
			ap := actionPat{raw: a, lower: strings.ToLower(a), exact: !wildcard.HasWildcard(a)}
			if svc, _, ok := strings.Cut(ap.lower, ":"); ok && !wildcard.HasWildcard(svc) {
				ap.service = svc
			}
			cs.actions = append(cs.actions, ap)
		}
		cs.hasResource, cs.notResource = s.HasResource, s.NotResource
		for _, r := range s.Resources {
			cs.resources = append(cs.resources, newTemplate(r, vars))
		}
		cs.principal, cs.notPrincipal = s.Principal, s.NotPrincipal
		for _, cd := range s.Conditions {
			cs.conds = append(cs.conds, compileCondition(cd, vars))
		}
	}
	return c
}

// Statements returns the compiled statements in document order.
func (c *Compiled) Statements() []Stmt { return c.stmts }

// MatchAction reports whether the statement's Action (or NotAction) element
// applies to action. Actions are not case-sensitive.
func (s *Stmt) MatchAction(action string) bool {
	m := false
	for i := range s.actions {
		a := &s.actions[i]
		if a.lower == "*" || (a.exact && strings.EqualFold(a.lower, action)) || (!a.exact && wildcard.MatchFold(a.lower, action)) {
			m = true
			break
		}
	}
	return m != s.notAction
}

// MatchResource reports whether the statement's Resource (or NotResource)
// element applies to resource. A statement without either (a trust policy)
// applies to every resource. Resources are case-sensitive and ARNs are matched
// segment by segment.
func (s *Stmt) MatchResource(ctx *Context, resource string) bool {
	if !s.hasResource {
		return true
	}
	// "If AWS cannot resolve a variable this might cause the entire
	// statement to be invalid" (reference_policies_variables): a Resource or
	// NotResource entry whose variable has no value makes the statement not
	// match.
	if !allResolvable(ctx, s.resources) {
		return false
	}
	m := false
	for i := range s.resources {
		r := &s.resources[i]
		if r.exact && r.lit == "*" {
			m = true
			break
		}
		if r.like(ctx, resource, false, true) {
			m = true
			break
		}
	}
	return m != s.notResource
}

// MatchConditions reports whether every condition holds (conditions are ANDed).
func (s *Stmt) MatchConditions(ctx *Context) bool {
	for i := range s.conds {
		if !s.conds[i].eval(ctx) {
			return false
		}
	}
	return true
}

// HasPrincipal reports whether the statement names principals.
func (s *Stmt) HasPrincipal() bool { return s.principal != nil }

// MatchPrincipal reports how the statement's Principal or NotPrincipal applies
// to the caller. A statement without either applies to every caller.
func (s *Stmt) MatchPrincipal(p *Principal) PrincipalMatch {
	if s.principal == nil {
		return MatchDirect
	}
	if s.notPrincipal {
		if excludedByNotPrincipal(s.principal, p, s.Effect) {
			return NoMatch
		}
		return MatchWildcard
	}
	return matchPrincipals(s.principal, p)
}

// Conditions returns the compiled conditions' sources.
func (s *Stmt) Conditions() []*Condition {
	out := make([]*Condition, len(s.conds))
	for i := range s.conds {
		out[i] = s.conds[i].src
	}
	return out
}

// ConditionHolds evaluates the i-th condition alone (for explanations).
func (s *Stmt) ConditionHolds(ctx *Context, i int) bool { return s.conds[i].eval(ctx) }

// allResolvable reports whether the policy variables of every template have
// values.
func allResolvable(ctx *Context, ts []template) bool {
	for i := range ts {
		if !ts[i].resolvable(ctx) {
			return false
		}
	}
	return true
}
