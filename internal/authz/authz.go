// Package authz makes the decision for one request across every policy type
// that bears on it, with AWS's evaluation logic:
//
//   - an explicit Deny in any policy wins;
//   - resource control policies and service control policies, when they
//     apply, need an Allow at every level from the root to the account;
//   - within one account, an Allow in the identity-based policies or in the
//     resource-based policy suffices, subject to the permissions boundary and
//     the session policy as the principal-type rules below say;
//   - across accounts, both the identity side and the resource-based policy
//     must allow.
//
// The specification is the IAM User Guide's "Policy evaluation logic",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html,
// and "Cross-account policy evaluation logic",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html.
package authz

import (
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/cowmap"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// PolicyType is a kind of policy that takes part in a decision.
type PolicyType uint8

// Policy types, in the order AWS evaluates them.
const (
	RCP PolicyType = iota
	SCP
	Resource
	Identity
	Boundary
	Session
	numTypes
)

// String returns the name `cleanroom policy simulate` reports in blockedBy.
func (t PolicyType) String() string {
	return [...]string{"rcp", "scp", "resource", "identity", "pb", "session"}[t]
}

// describe names the policy type as AWS's denial messages do.
func (t PolicyType) describe() string {
	return [...]string{"resource control policy", "service control policy", "resource-based policy",
		"identity-based policy", "permissions boundary", "session policy"}[t]
}

// article is "a" or "an" before describe().
func (t PolicyType) article() string {
	if t == Identity {
		return "an"
	}
	return "a"
}

// TypeSet is a set of policy types.
type TypeSet uint8

// Has reports whether t is in the set.
func (s TypeSet) Has(t PolicyType) bool { return s&(1<<t) != 0 }

func (s *TypeSet) add(t PolicyType) { *s |= 1 << t }

// Types lists the set's members in evaluation order.
func (s TypeSet) Types() []PolicyType {
	var out []PolicyType
	for t := RCP; t < numTypes; t++ {
		if s.Has(t) {
			out = append(out, t)
		}
	}
	return out
}

// Strings lists the names of the set's members in evaluation order.
func (s TypeSet) Strings() []string {
	out := []string{}
	for _, t := range s.Types() {
		out = append(out, t.String())
	}
	return out
}

// Result is the outcome of a decision.
type Result uint8

// Results.
const (
	ImplicitlyDenied Result = iota
	Allowed
	ExplicitlyDenied
)

func (r Result) String() string {
	return [...]string{"ImplicitlyDenied", "Allowed", "ExplicitlyDenied"}[r]
}

// Policies are the policies that bear on one request, compiled.
type Policies struct {
	Identity []*policy.Compiled
	// Boundary is the principal's permissions boundary; empty when it has none.
	Boundary []*policy.Compiled
	// Session holds the session policies of a role or federated session;
	// empty when the session has none.
	Session []*policy.Compiled
	// SCP and RCP are the levels of the organization, root first and account
	// last, each with the policies attached there. Nil when they do not apply:
	// SCPs to principals of member accounts only, RCPs to resources of member
	// accounts in the services that support them.
	SCP [][]*policy.Compiled
	RCP [][]*policy.Compiled
	// Resource is the resource-based policy, nil when the resource has none.
	Resource *policy.Compiled
	// ResourceMustAllow marks resource-based policies that must allow the
	// request even within one account: role trust policies (and KMS key
	// policies). "IAM role trust policies and KMS key policies are exceptions
	// to this logic, because they must explicitly allow access for
	// principals." (policy-eval-denyallow)
	ResourceMustAllow bool

	idx *cowmap.Map[*actionPolicies] // see Prepare
}

// Request is one request to decide.
type Request struct {
	policy.Request
	// ResourceAccount owns the resource. A request is cross-account when it
	// differs from the principal's account.
	ResourceAccount string
}

// Decision is the outcome and the policy types that denied.
type Decision struct {
	Result Result
	// Blocked holds the types with an applicable Deny (ExplicitlyDenied) or
	// the types that lacked a needed Allow (ImplicitlyDenied).
	Blocked TypeSet
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Result == Allowed }

// verdicts gathers each policy type's outcome.
type verdicts struct {
	denied TypeSet
	// levels that lack an Allow
	scpMissing, rcpMissing      bool
	identity, boundary, session bool // some policy of the type allows
	resource                    policy.Outcome
}

// Decide makes the decision for req. With prepared policies (see Prepare) it
// allocates nothing; without, it gathers the policies' indexes for the action
// on each call.
func Decide(req *Request, ps *Policies) Decision {
	var ap *actionPolicies
	if ps.idx != nil {
		ap = ps.forAction(req.Action)
	} else {
		ap = ps.build(req.Action, false)
	}
	v := gather(&req.Request, ap)
	return decide(req, ps, &v)
}

func decide(req *Request, ps *Policies, v *verdicts) Decision {
	if v.denied != 0 {
		return Decision{Result: ExplicitlyDenied, Blocked: v.denied}
	}
	var blocked TypeSet
	if v.rcpMissing {
		blocked.add(RCP)
	}
	if v.scpMissing {
		blocked.add(SCP)
	}
	p := req.Principal
	hasBoundary, hasSession := len(ps.Boundary) > 0, len(ps.Session) > 0
	pbOK := !hasBoundary || v.boundary
	sessOK := !hasSession || v.session
	res := v.resource

	// Callers without identity-based policies: the anonymous principal and
	// service principals are granted by resource-based policies alone.
	if p == nil || p.Kind == policy.PrincipalAnonymous || p.Kind == policy.PrincipalServiceKind {
		if !res.Allowed {
			blocked.add(Resource)
		}
		return finish(blocked)
	}

	sameAccount := p.Account != "" && p.Account == req.ResourceAccount
	// The root user has full access on its account's side, short of an
	// explicit deny or an organization policy ("By default, all requests are
	// implicitly denied with the exception of the AWS account root user,
	// which has full access", policy-eval-denyallow).
	identityOK := v.identity || p.Kind == policy.PrincipalRoot

	if sameAccount {
		if ps.ResourceMustAllow && !res.Allowed {
			blocked.add(Resource)
			return finish(blocked)
		}
		if res.Allowed {
			switch res.AllowMatch {
			case policy.MatchDirect, policy.MatchSession:
				// Granted to the user or the session itself: an implicit deny
				// in identity-based policies, boundaries or session policies
				// does not take it away.
				return finish(blocked)
			case policy.MatchWildcard:
				// Granted to everyone: not limited by a permissions boundary
				// (which limits role-ARN grants), limited by a session policy
				// (the grant does not name the session).
				if !sessOK {
					blocked.add(Session)
				}
				return finish(blocked)
			case policy.MatchRole:
				// Granted to the role: still limited by the session's
				// permissions boundary and session policy.
				if !pbOK {
					blocked.add(Boundary)
				}
				if !sessOK {
					blocked.add(Session)
				}
				return finish(blocked)
			}
			// Granted to the account: the account's identity-based policies
			// decide, as below.
		}
		return finish(identitySide(blocked, identityOK, pbOK, sessOK))
	}

	// Cross-account: the resource's policy must allow the principal (or its
	// account), and the principal's own policies must allow the request.
	if !res.Allowed {
		blocked.add(Resource)
	}
	return finish(identitySide(blocked, identityOK, pbOK, sessOK))
}

// identitySide adds the principal's side of a decision: its identity-based
// policies must allow, and so must its boundary and session policy if any.
func identitySide(blocked TypeSet, identityOK, pbOK, sessOK bool) TypeSet {
	if !identityOK {
		blocked.add(Identity)
	}
	if !pbOK {
		blocked.add(Boundary)
	}
	if !sessOK {
		blocked.add(Session)
	}
	return blocked
}

func finish(blocked TypeSet) Decision {
	if blocked != 0 {
		return Decision{Result: ImplicitlyDenied, Blocked: blocked}
	}
	return Decision{Result: Allowed}
}

// Message returns AWS's access-denied message for a denied decision, e.g.
// "User: arn:aws:iam::111122223333:user/alice is not authorized to perform:
// cleanrooms:GetCollaboration on resource: arn:... because no identity-based
// policy allows the cleanrooms:GetCollaboration action". It returns "" for an
// allowed decision.
func Message(req *Request, d Decision) string {
	if d.Result == Allowed {
		return ""
	}
	var b strings.Builder
	who := "anonymous"
	if req.Principal != nil && req.Principal.ARN != "" {
		who = req.Principal.ARN
	}
	b.WriteString("User: ")
	b.WriteString(who)
	b.WriteString(" is not authorized to perform: ")
	b.WriteString(req.Action)
	if req.Resource != "" && req.Resource != "*" {
		b.WriteString(" on resource: ")
		b.WriteString(req.Resource)
	}
	types := d.Blocked.Types()
	if len(types) == 0 {
		return b.String()
	}
	t := types[0]
	if d.Result == ExplicitlyDenied {
		b.WriteString(" with an explicit deny in ")
		b.WriteString(t.article())
		b.WriteString(" ")
		b.WriteString(t.describe())
		return b.String()
	}
	b.WriteString(" because no ")
	b.WriteString(t.describe())
	b.WriteString(" allows the ")
	b.WriteString(req.Action)
	b.WriteString(" action")
	return b.String()
}
