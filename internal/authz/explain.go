package authz

import "github.com/cleanroom-dev/cleanroom/internal/policy"

// Explanation is a decision with, for every policy that took part, each
// statement's verdict and the reason for it.
type Explanation struct {
	Decision    Decision
	SameAccount bool
	// Message is AWS's access-denied message, "" when allowed.
	Message  string
	Policies []PolicyTrace
}

// PolicyTrace is one policy's part in a decision.
type PolicyTrace struct {
	Type PolicyType
	// Level is the index of the SCP or RCP level (root first), -1 for the
	// other types.
	Level int
	policy.PolicyTrace
}

// Deciding returns the statements that applied (the ones that decided).
func (e *Explanation) Deciding() []DecidingStatement {
	var out []DecidingStatement
	for _, p := range e.Policies {
		for _, s := range p.Statements {
			if s.Applies {
				out = append(out, DecidingStatement{Type: p.Type, Level: p.Level, Policy: p.Name, Statement: s})
			}
		}
	}
	return out
}

// DecidingStatement is a statement that applied to the request.
type DecidingStatement struct {
	Type      PolicyType
	Level     int
	Policy    string
	Statement policy.StatementTrace
}

// Explain decides req and explains the decision: it is Decide, plus a trace
// of every statement of every policy, in evaluation order (RCPs, SCPs, the
// resource-based policy, identity-based policies, the permissions boundary,
// session policies). It allocates; use Decide on the request path.
func Explain(req *Request, ps *Policies) *Explanation {
	d := Decide(req, ps)
	p := req.Principal
	e := &Explanation{
		Decision:    d,
		SameAccount: p != nil && p.Account != "" && p.Account == req.ResourceAccount,
		Message:     Message(req, d),
	}
	add := func(t PolicyType, level int, cs ...*policy.Compiled) {
		for _, c := range cs {
			if c != nil {
				e.Policies = append(e.Policies, PolicyTrace{Type: t, Level: level, PolicyTrace: c.Trace(&req.Request)})
			}
		}
	}
	for i, lvl := range ps.RCP {
		add(RCP, i, lvl...)
	}
	for i, lvl := range ps.SCP {
		add(SCP, i, lvl...)
	}
	add(Resource, -1, ps.Resource)
	add(Identity, -1, ps.Identity...)
	add(Boundary, -1, ps.Boundary...)
	add(Session, -1, ps.Session...)
	return e
}
