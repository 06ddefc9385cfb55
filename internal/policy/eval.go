package policy

// Request is what a policy is evaluated against.
//
// Evaluation caches the resource's ARN segments in the Request, so a Request
// must not be evaluated by two goroutines at once, and Resource must not
// change once it has been evaluated.
type Request struct {
	Action    string     // "service:Action", any case
	Resource  string     // the resource ARN
	Principal *Principal // the caller; needed for Principal/NotPrincipal
	Context   *Context

	arn      arnSegments
	arnSplit bool
}

// segments returns the resource split into its six ARN segments, splitting
// it on first use.
func (r *Request) segments() *arnSegments {
	if !r.arnSplit {
		r.arn, r.arnSplit = splitARN(r.Resource), true
	}
	return &r.arn
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
	return s.principalAndConditions(req)
}

// principalAndConditions checks the Principal or NotPrincipal element and the
// conditions.
func (s *Stmt) principalAndConditions(req *Request) (PrincipalMatch, bool) {
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
	return g.stmt.principalAndConditions(req)
}

// Evaluate decides the policy for the request. It looks only at the
// statements about the request's action, checks Deny statements first and
// stops at the first that applies.
func (c *Compiled) Evaluate(req *Request) Outcome {
	return c.index(req.Action).Evaluate(req)
}

// ActionIndex is a policy's statements about one action, prepared for
// decisions; callers that decide the same action against the same policies
// again and again can keep it and skip the lookup.
type ActionIndex = actionIndex

// ForAction returns the policy's index for action (any case).
func (c *Compiled) ForAction(action string) *ActionIndex { return c.index(action) }

// Evaluate decides the request, whose action must be the one the index was
// made for.
func (ix *actionIndex) Evaluate(req *Request) Outcome {
	var st visitState
	st.req = req
	if len(ix.deny.groups) > 0 && ix.deny.visit(&st) {
		return st.out
	}
	if len(ix.allow.groups) > 0 {
		st.allow = true
		ix.allow.visit(&st)
	}
	return st.out
}

// EvaluateDeny reports whether a Deny statement applies, without looking for
// an Allow (for callers that already have one from another policy).
func (ix *actionIndex) EvaluateDeny(req *Request) bool {
	if len(ix.deny.groups) == 0 {
		return false
	}
	var st visitState
	st.req = req
	return ix.deny.visit(&st)
}

// EvaluateDeny reports whether a Deny statement of the policy applies.
func (c *Compiled) EvaluateDeny(req *Request) bool {
	return c.index(req.Action).EvaluateDeny(req)
}

// visitState collects the outcome while an effect index is visited.
type visitState struct {
	req   *Request
	allow bool // visiting Allow groups
	out   Outcome
	// seen marks the groups already decided in this visit (the first 256),
	// since a group whose patterns match twice needs deciding once.
	seen   [4]uint64
	dedupe bool // groups may be reached more than once: consult seen
}

// take decides group gi of x, whose resources match; it returns true to stop.
func (st *visitState) take(x *effectIndex, gi int32) bool {
	if st.dedupe && gi < 256 {
		w, b := gi>>6, uint64(1)<<(gi&63)
		if st.seen[w]&b != 0 {
			return false
		}
		st.seen[w] |= b
	}
	g := &x.groups[gi]
	pm, ok := g.check(st.req)
	if !ok {
		return false
	}
	if !st.allow {
		st.out.Denied = true
		return true
	}
	st.out.Allowed = true
	if pm > st.out.AllowMatch {
		st.out.AllowMatch = pm
	}
	return pm == MatchDirect
}
