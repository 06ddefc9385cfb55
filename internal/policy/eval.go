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

// appliesGroup checks a group of statements already known to match the
// action: any member's resource, then the shared principal and conditions.
func (g *group) applies(req *Request) (PrincipalMatch, bool) {
	if !g.res.match(req.Context, req.Resource) {
		return NoMatch, false
	}
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
	var o Outcome
	ix := c.index(req.Action)
	for i := range ix.deny {
		if _, ok := ix.deny[i].applies(req); ok {
			o.Denied = true
			return o
		}
	}
	for i := range ix.allow {
		if pm, ok := ix.allow[i].applies(req); ok {
			o.Allowed = true
			if pm > o.AllowMatch {
				o.AllowMatch = pm
			}
			if pm == MatchDirect {
				break
			}
		}
	}
	return o
}
