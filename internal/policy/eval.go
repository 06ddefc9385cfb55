package policy

// Request is what a policy is evaluated against.
type Request struct {
	Action    string     // "service:Action", any case
	Resource  string     // the resource ARN
	Principal *Principal // the caller; needed for Principal/NotPrincipal
	Context   *Context
}

// Outcome is one policy's verdict on a request.
type Outcome struct {
	Denied  bool // an applicable Deny statement
	Allowed bool // an applicable Allow statement
	// AllowMatch is the strongest way an applicable Allow names the caller
	// (MatchDirect for statements without a Principal element).
	AllowMatch PrincipalMatch
}

// appliesGivenAction checks resource, principal and conditions of a
// statement already known to match the action.
func (s *Stmt) appliesGivenAction(req *Request) (PrincipalMatch, bool) {
	if !s.MatchResource(req.Context, req.Resource) {
		return NoMatch, false
	}
	pm := MatchDirect
	if s.principal != nil {
		if req.Principal == nil {
			return NoMatch, false
		}
		pm = s.MatchPrincipal(req.Principal)
		if pm == NoMatch {
			return NoMatch, false
		}
	}
	if !s.MatchConditions(req.Context) {
		return NoMatch, false
	}
	return pm, true
}

// Applies reports whether the statement applies to the request (action,
// resource, principal and conditions), and how its principal element names
// the caller.
func (s *Stmt) Applies(req *Request) (PrincipalMatch, bool) {
	if !s.MatchAction(req.Action) {
		return NoMatch, false
	}
	return s.appliesGivenAction(req)
}

// check decides the shared principal element and conditions of a group whose
// resources match.
func (g *group) check(req *Request) (PrincipalMatch, bool) {
	s := g.stmt
	pm := MatchDirect
	if s.principal != nil {
		if req.Principal == nil {
			return NoMatch, false
		}
		pm = s.MatchPrincipal(req.Principal)
		if pm == NoMatch {
			return NoMatch, false
		}
	}
	if !s.MatchConditions(req.Context) {
		return NoMatch, false
	}
	return pm, true
}

// Evaluate decides the policy for the request. It looks only at the
// statements about the request's action, checks Deny statements first and
// stops at the first that applies.
func (c *Compiled) Evaluate(req *Request) Outcome {
	return c.index(req.Action).evaluate(req)
}

func (ix *actionIndex) evaluate(req *Request) Outcome {
	var o Outcome
	if ix.deny.visit(req, func(g *group) bool {
		_, ok := g.check(req)
		return ok
	}) {
		o.Denied = true
		return o
	}
	ix.allow.visit(req, func(g *group) bool {
		pm, ok := g.check(req)
		if !ok {
			return false
		}
		o.Allowed = true
		if pm > o.AllowMatch {
			o.AllowMatch = pm
		}
		return pm == MatchDirect
	})
	return o
}
