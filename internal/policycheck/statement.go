package policycheck

import (
	"fmt"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/wildcard"
)

// securityWarnings reports Allow statements that grant more than is wise,
// after Access Analyzer's security warnings and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
// (grant least privilege).
func (r *run) securityWarnings(s *policy.Statement) {
	starResource := s.NotResource
	for _, x := range s.Resources {
		if x == "*" && !s.NotResource {
			starResource = true
		}
	}
	if s.NotAction {
		r.add(SeveritySecurityWarning, CodeAllowWithNotAction, s, "Allow with NotAction allows every action that is not listed, including those of services and actions added later; list the actions to allow in Action instead.")
	} else if starResource {
		for _, a := range s.Actions {
			if a == "*" || a == "*:*" {
				r.add(SeveritySecurityWarning, CodeAllowAllActions, s, "The statement allows every action (%q) on every resource; grant only the actions and resources the principal needs.", a)
				break
			}
		}
	}
	// iam:PassRole lets the principal hand a role, and its permissions, to a
	// service. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
	passRole := false
	for _, a := range s.Actions {
		if wildcard.MatchFold(a, "iam:PassRole") {
			passRole = true
			break
		}
	}
	if s.NotAction {
		passRole = !passRole
	}
	if !passRole || !s.HasResource {
		return
	}
	var wide string
	if s.NotResource {
		wide = "every resource but those in NotResource"
	} else {
		for _, x := range s.Resources {
			if roleWide(x) {
				wide = "Resource \"" + x + "\""
				break
			}
		}
	}
	if wide != "" {
		r.add(SeveritySecurityWarning, CodePassRoleWithStarResource, s, "The statement allows iam:PassRole on %s, so the principal can pass any role, and its permissions, to a service; name the roles in Resource and limit the services with the iam:PassedToService condition key.", wide)
	}
}

// roleWide reports a resource pattern that matches every role of an
// account: "*", or a pattern such as arn:aws:iam::*:role/*.
func roleWide(x string) bool {
	if x == "*" {
		return true
	}
	partition, account := "aws", "111122223333"
	if f := strings.Split(x, ":"); len(f) >= 5 {
		if f[1] != "" && !wildcard.HasWildcard(f[1]) {
			partition = f[1]
		}
		if f[4] != "" && !wildcard.HasWildcard(f[4]) {
			account = f[4]
		}
	}
	base := "arn:" + partition + ":iam::" + account + ":role/"
	return wildcard.Match(x, base+"zz-probe-one") && wildcard.Match(x, base+"team/zz-probe-two")
}

// checkVariables reports policy variables in a policy read with the
// 2008-10-17 rules, in which they are literal text (Access Analyzer:
// "Variable unsupported in version").
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func (r *run) checkVariables(s *policy.Statement) {
	if r.p.EffectiveVersion() != policy.Version2008 {
		return
	}
	version := "2008-10-17"
	if r.p.Version == "" {
		version = "no Version, so 2008-10-17"
	}
	report := func(where, v string) {
		r.add(SeverityError, CodeVariableIn2008Version, s, "%s %q holds a policy variable, but the policy has %s, whose rules read it as literal text; set \"Version\": \"2012-10-17\".", where, v, version)
	}
	for _, x := range s.Resources {
		if strings.Contains(x, "${") {
			report("The resource", x)
			return
		}
	}
	for _, c := range s.Conditions {
		if !c.Op.Base.SupportsVariables() {
			continue
		}
		for _, v := range c.Values {
			if strings.Contains(v, "${") {
				report("The condition value", v)
				return
			}
		}
	}
}

// checkRedundancy suggests removing Action and Resource entries that repeat
// another entry or that another entry covers (Access Analyzer's "Redundant
// action" and "Redundant resource" suggestions).
func (r *run) checkRedundancy(s *policy.Statement) {
	elem := "Action"
	if s.NotAction {
		elem = "NotAction"
	}
	for i, a := range s.Actions {
		for j, b := range s.Actions {
			if i != j && covers(b, a, j < i, true) {
				r.add(SeveritySuggestion, CodeRedundantAction, s, "%s", redundantMessage(elem, a, b, true))
				break
			}
		}
	}
	elem = "Resource"
	if s.NotResource {
		elem = "NotResource"
	}
	for i, a := range s.Resources {
		for j, b := range s.Resources {
			if i != j && covers(b, a, j < i, false) {
				r.add(SeveritySuggestion, CodeRedundantResource, s, "%s", redundantMessage(elem, a, b, false))
				break
			}
		}
	}
}

func redundantMessage(elem, a, b string, fold bool) string {
	if a == b || (fold && strings.EqualFold(a, b)) {
		return fmt.Sprintf("%s lists %q more than once; remove the repetition.", elem, a)
	}
	return fmt.Sprintf("%s entry %q is redundant: %q covers it.", elem, a, b)
}

// covers reports whether pattern b matches everything pattern a does, when
// that is easy to see: a literal a that b matches, or a b of the form
// "prefix*" whose prefix a's literal prefix starts with. Equal entries
// cover each other; only the later one (bFirst) is reported.
func covers(b, a string, bFirst, fold bool) bool {
	eq := a == b || (fold && strings.EqualFold(a, b))
	if eq {
		return bFirst
	}
	if !wildcard.HasWildcard(a) {
		if fold {
			return wildcard.MatchFold(b, a)
		}
		return wildcard.Match(b, a)
	}
	prefix, ok := strings.CutSuffix(b, "*")
	if !ok || wildcard.HasWildcard(prefix) {
		return false
	}
	lit := wildcard.LiteralPrefix(a)
	if fold {
		return len(lit) >= len(prefix) && strings.EqualFold(lit[:len(prefix)], prefix)
	}
	return strings.HasPrefix(lit, prefix)
}
