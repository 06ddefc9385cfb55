package policy

import "strings"

// PrincipalMatch says how a Principal element names the caller. The kind
// matters within one account: a resource-based policy that names a user or a
// role session grants on its own, one that names the role is still limited by
// the session's boundary and session policy, and one that names the account
// only delegates to the account's identity-based policies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
type PrincipalMatch uint8

// Principal match kinds, weakest first. Within one account:
//   - a grant to the account delegates to the identity-based policies;
//   - a grant to the role is limited by the session's permissions boundary
//     and session policy ("Resource-based policies that grant permissions to
//     an IAM role ARN are limited by an implicit deny in a permissions
//     boundary or session policy", policy-eval-denyallow);
//   - a grant to everyone ("*") is not limited by a permissions boundary
//     (which limits role-ARN grants only) but is limited by a session
//     policy, since it does not "specifically reference" the session (STS
//     AssumeRole reference, on session policies);
//   - a grant to the role session or the user itself is limited by neither.
const (
	NoMatch       PrincipalMatch = iota
	MatchAccount                 // the caller's account (account id or root ARN)
	MatchRole                    // the role of the caller's role session
	MatchWildcard                // everyone: "*", {"AWS": "*"}, or an Allow with NotPrincipal
	MatchSession                 // the caller's role session ARN
	MatchDirect                  // the caller itself (user, root, service, federated)
)

func (m PrincipalMatch) String() string {
	return [...]string{"none", "account", "role", "everyone", "session", "principal"}[m]
}

// arnParts splits an ARN into partition, service, account and resource.
func arnParts(arn string) (partition, service, account, resource string, ok bool) {
	ps := strings.SplitN(arn, ":", 6)
	if len(ps) != 6 || ps[0] != "arn" {
		return "", "", "", "", false
	}
	return ps[1], ps[2], ps[4], ps[5], true
}

// accountOf returns the account an AWS principal entry names when it names a
// whole account: a 12-digit id or the account's root ARN.
func accountOf(id string) (string, bool) {
	if isAccountID(id) {
		return id, true
	}
	if _, svc, acct, res, ok := arnParts(id); ok && svc == "iam" && res == "root" {
		return acct, true
	}
	return "", false
}

// lastName returns the last path element of an IAM resource ("user/a/b" → b).
func lastName(res string) string {
	return res[strings.LastIndexByte(res, '/')+1:]
}

// matchAWSEntry decides one "AWS" principal entry against the caller.
func matchAWSEntry(id string, p *Principal) PrincipalMatch {
	if id == "*" {
		return MatchWildcard
	}
	if acct, ok := accountOf(id); ok {
		if p.Account != acct {
			return NoMatch
		}
		if p.Kind == PrincipalRoot {
			return MatchDirect
		}
		return MatchAccount
	}
	if id == p.ARN {
		switch p.Kind {
		case PrincipalRoleSession:
			return MatchSession
		case PrincipalRole:
			// A role acts only through its sessions: naming the role is a
			// grant to the role, whoever holds the session.
			return MatchRole
		}
		return MatchDirect
	}
	_, svc, acct, res, ok := arnParts(id)
	if !ok || acct != p.Account {
		return NoMatch
	}
	switch {
	case svc == "iam" && strings.HasPrefix(res, "user/"):
		// A user is named by its ARN; its path may be omitted by neither side,
		// but user names are unique in an account whatever the path.
		if p.Kind == PrincipalUser && lastName(res) == p.Name {
			return MatchDirect
		}
	case svc == "iam" && strings.HasPrefix(res, "role/"):
		if lastName(res) == p.Name && (p.Kind == PrincipalRoleSession || p.Kind == PrincipalRole) {
			return MatchRole
		}
	}
	return NoMatch
}

// matchPrincipals returns the strongest way the Principal element names p.
func matchPrincipals(ps *Principals, p *Principal) PrincipalMatch {
	if ps.Wildcard {
		return MatchWildcard
	}
	best := NoMatch
	for _, e := range ps.Entries {
		var m PrincipalMatch
		switch e.Kind {
		case PrincipalAWS:
			if p.Kind == PrincipalAnonymous && e.ID != "*" {
				continue
			}
			m = matchAWSEntry(e.ID, p)
		case PrincipalService:
			if p.Kind == PrincipalServiceKind && strings.EqualFold(e.ID, p.ARN) {
				m = MatchDirect
			}
		case PrincipalFederated, PrincipalCanonicalUser:
			if p.Kind != PrincipalAnonymous && e.ID == p.ARN {
				m = MatchDirect
			}
		}
		if m > best {
			best = m
		}
	}
	return best
}

// excludedByNotPrincipal reports whether NotPrincipal exempts the caller: each
// identity the caller acts as (its account, its role, its session or user)
// must be listed. A Deny with NotPrincipal always applies to a caller with a
// permissions boundary ("The NotPrincipal element with a Deny effect will
// always deny any IAM principal that has a permissions boundary policy
// attached").
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func excludedByNotPrincipal(ps *Principals, p *Principal, effect Effect) bool {
	if ps.Wildcard {
		return true
	}
	if p.HasBoundary && effect == Deny {
		return false
	}
	listed := func(want PrincipalMatch) bool {
		for _, e := range ps.Entries {
			switch e.Kind {
			case PrincipalAWS:
				if e.ID == "*" {
					return true
				}
				if p.Kind == PrincipalAnonymous {
					continue
				}
				if matchAWSEntry(e.ID, p) == want {
					return true
				}
			case PrincipalService:
				if want == MatchDirect && p.Kind == PrincipalServiceKind && strings.EqualFold(e.ID, p.ARN) {
					return true
				}
			case PrincipalFederated, PrincipalCanonicalUser:
				if want == MatchDirect && e.ID == p.ARN {
					return true
				}
			}
		}
		return false
	}
	switch p.Kind {
	case PrincipalRoot, PrincipalServiceKind, PrincipalAnonymous, PrincipalWebIdentity:
		return listed(MatchDirect)
	case PrincipalRoleSession:
		return listed(MatchSession) && listed(MatchRole) && listed(MatchAccount)
	case PrincipalRole:
		return listed(MatchRole) && listed(MatchAccount)
	default: // users, federated users
		return listed(MatchDirect) && listed(MatchAccount)
	}
}
