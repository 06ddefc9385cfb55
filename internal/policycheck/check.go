// Package policycheck validates policy documents the way IAM Access
// Analyzer's policy validation does: it reports errors (the policy, or part
// of it, cannot work), security warnings (it grants more than is wise),
// warnings (it probably does not do what its author meant) and suggestions
// (style, no effect on access).
//
// The checks build on the policy grammar of package policy and on the service
// authorization data of package catalog. The catalog holds only some
// services, so actions and condition keys of other services are reported as
// unknown at most as warnings, never as errors.
//
// Finding types and, where one fits, issue codes follow
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
// and
// https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ValidatePolicyFinding.html;
// the messages are this package's own.
package policycheck

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// Severity is a finding's type, named as Access Analyzer names them.
type Severity string

// The finding types, most severe first.
const (
	// Error: the policy, or part of it, is not functional.
	SeverityError Severity = "ERROR"
	// SecurityWarning: the policy allows access that is overly permissive.
	SeveritySecurityWarning Severity = "SECURITY_WARNING"
	// Warning: the policy probably does not work as its author meant, or
	// departs from best practice.
	SeverityWarning Severity = "WARNING"
	// Suggestion: a change of style that does not affect access.
	SeveritySuggestion Severity = "SUGGESTION"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeveritySecurityWarning:
		return 1
	case SeverityWarning:
		return 2
	case SeveritySuggestion:
		return 3
	}
	return 4
}

// Issue codes. They are stable: tools may match on them.
const (
	// The document breaks the policy grammar or the rules of its policy type.
	CodeMalformedPolicy = "MALFORMED_POLICY"
	// The document is over its type's size quota.
	CodePolicyTooLarge = "POLICY_TOO_LARGE"
	// The document holds a character IAM does not accept in policies.
	CodeUnsupportedCharacter = "UNSUPPORTED_CHARACTER"
	// Version is absent, so the 2008-10-17 rules apply.
	CodeMissingVersion = "MISSING_VERSION"
	// A policy variable in a document read with the 2008-10-17 rules, where
	// it is literal text.
	CodeVariableIn2008Version = "VARIABLE_IN_2008_VERSION"
	// An action that its (catalogued) service does not define, or a pattern
	// that matches none of its actions.
	CodeUnknownAction = "UNKNOWN_ACTION"
	// An action of a service the catalog does not hold.
	CodeUnknownService = "UNKNOWN_SERVICE"
	// An action none of whose resource types any Resource entry can match.
	CodeActionResourceMismatch = "ACTION_RESOURCE_MISMATCH"
	// A condition key that none of the statement's actions supports.
	CodeUnsupportedConditionKey = "UNSUPPORTED_CONDITION_KEY"
	// A condition key of a catalogued service (or aws:) that the catalog
	// does not know.
	CodeUnknownConditionKey = "UNKNOWN_CONDITION_KEY"
	// An operator of a different type from its condition key.
	CodeConditionTypeMismatch = "CONDITION_TYPE_MISMATCH"
	// A condition value that its operator cannot read.
	CodeInvalidConditionValue = "INVALID_CONDITION_VALUE"
	// ForAllValues or ForAnyValue on a single-valued key.
	CodeSetOperatorOnSingleValuedKey = "SET_OPERATOR_ON_SINGLE_VALUED_KEY"
	// A multivalued key without ForAllValues or ForAnyValue.
	CodeMissingSetOperatorOnMultivaluedKey = "MISSING_SET_OPERATOR_ON_MULTIVALUED_KEY"
	// StringEquals and its kin with a wildcard, which they take literally.
	CodeWildcardWithoutLikeOperator = "WILDCARD_WITHOUT_LIKE_OPERATOR"
	// An Allow statement in a custom resource control policy.
	CodeAllowInCustomRCP = "ALLOW_IN_CUSTOM_RCP"
	// A resource control policy statement about a service RCPs do not apply to.
	CodeRCPUnsupportedService = "RCP_UNSUPPORTED_SERVICE"
	// NotPrincipal in an identity-based policy or a role trust policy.
	CodeNotPrincipalInIdentityOrTrust = "NOT_PRINCIPAL_IN_IDENTITY_OR_TRUST"
	// Allow with NotPrincipal in a resource-based policy.
	CodeAllowWithNotPrincipal = "ALLOW_WITH_NOT_PRINCIPAL"
	// iam:PassRole allowed on every role.
	CodePassRoleWithStarResource = "PASS_ROLE_WITH_STAR_RESOURCE"
	// Allow with NotAction.
	CodeAllowWithNotAction = "ALLOW_WITH_NOT_ACTION"
	// Allow of every action on every resource.
	CodeAllowAllActions = "ALLOW_ALL_ACTIONS"
	// An action the statement lists twice, or that another entry covers.
	CodeRedundantAction = "REDUNDANT_ACTION"
	// A resource the statement lists twice, or that another entry covers.
	CodeRedundantResource = "REDUNDANT_RESOURCE"
)

// Finding is one result of a check, in the shape of Access Analyzer's
// ValidatePolicyFinding (findingType, issueCode) with the statement it is
// about.
type Finding struct {
	Severity Severity `json:"findingType"`
	Code     string   `json:"issueCode"`
	Message  string   `json:"message"`
	// Statement is the statement's index from 0, or -1 for the document.
	Statement int    `json:"statementIndex"`
	Sid       string `json:"sid,omitempty"`
}

func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(string(f.Severity))
	b.WriteByte(' ')
	b.WriteString(f.Code)
	if f.Statement >= 0 {
		fmt.Fprintf(&b, " statement %d", f.Statement)
		if f.Sid != "" {
			fmt.Fprintf(&b, " (Sid %s)", f.Sid)
		}
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	return b.String()
}

// HasErrors reports whether any finding is an ERROR.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == SeverityError })
}

// Checker validates policy documents against one catalog. It keeps no state
// between calls and is safe for concurrent use.
type Checker struct {
	cat *catalog.Catalog
}

// New returns a Checker that uses cat for the actions, resource types and
// condition keys of the services it holds. With a nil catalog only the
// checks that need no service data run.
func New(cat *catalog.Catalog) *Checker { return &Checker{cat: cat} }

// Check validates doc as a policy of type typ (identity when typ is empty)
// with the catalog cat. See [Checker.Check].
func Check(cat *catalog.Catalog, doc []byte, typ policy.Type) []Finding {
	return New(cat).Check(doc, typ)
}

// Check validates doc as a policy of type typ (identity when typ is empty).
// Findings come in statement order (document-level findings first), most
// severe first within a statement.
func (c *Checker) Check(doc []byte, typ policy.Type) []Finding {
	if typ == "" {
		typ = policy.TypeIdentity
	}
	r := &run{cat: c.cat, typ: typ}
	r.check(doc)
	slices.SortStableFunc(r.out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Statement, b.Statement), cmp.Compare(a.Severity.rank(), b.Severity.rank()))
	})
	return r.out
}

// run is the state of one Check call.
type run struct {
	cat *catalog.Catalog
	typ policy.Type
	p   *policy.Policy
	out []Finding
}

func (r *run) add(sev Severity, code string, s *policy.Statement, format string, a ...any) {
	f := Finding{Severity: sev, Code: code, Message: fmt.Sprintf(format, a...), Statement: -1}
	if s != nil {
		f.Statement, f.Sid = s.Index, s.Sid
	}
	r.out = append(r.out, f)
}

func (r *run) check(doc []byte) {
	p, err := policy.Parse(doc, r.typ)
	var typeErr *policy.SyntaxError
	if err != nil {
		var se *policy.SyntaxError
		if !errors.As(err, &se) {
			r.out = append(r.out, Finding{Severity: SeverityError, Code: CodeMalformedPolicy, Message: err.Error(), Statement: -1})
			return
		}
		// The type's rules failed or the grammar did. With the grammar alone
		// the document may still parse: then report the type's rule and go on
		// with the other checks, which need the statements.
		p, err = policy.Parse(doc, "")
		if err != nil {
			r.syntax(se)
			return
		}
		typeErr = se
	}
	r.p = p
	if typeErr != nil {
		for _, se := range r.typeErrors(doc, typeErr) {
			if !r.coveredByOwnCheck(se) {
				r.syntax(se)
			}
		}
	}
	r.checkDocument(doc)
	for _, s := range p.Statements {
		r.checkStatement(s)
	}
}

// maxTypeErrors bounds the statements typeErrors re-parses the document for.
const maxTypeErrors = 100

// typeErrors returns first, the type-rule error policy.Parse reported, and
// the type-rule errors of the statements after it: policy.Parse stops at the
// first error, so the document is parsed again without the statements
// already reported, until it passes. Statement indexes are those of the
// original document.
func (r *run) typeErrors(doc []byte, first *policy.SyntaxError) []*policy.SyntaxError {
	errs := []*policy.SyntaxError{first}
	if first.Statement < 0 || r.p.SingleStatement {
		return errs
	}
	var top map[string]json.RawMessage
	var stmts []json.RawMessage
	if json.Unmarshal(doc, &top) != nil || json.Unmarshal(top["Statement"], &stmts) != nil || len(stmts) != len(r.p.Statements) {
		return errs
	}
	bad := map[int]bool{first.Statement: true}
	for range maxTypeErrors {
		var idx []int // original index of each statement kept
		var kept []json.RawMessage
		for i, s := range stmts {
			if !bad[i] {
				idx = append(idx, i)
				kept = append(kept, s)
			}
		}
		if len(kept) == 0 {
			break
		}
		b, err := json.Marshal(kept)
		if err != nil {
			break
		}
		top["Statement"] = b
		if b, err = json.Marshal(top); err != nil {
			break
		}
		var se *policy.SyntaxError
		if _, err := policy.Parse(b, r.typ); !errors.As(err, &se) {
			break
		}
		if se.Statement < 0 || se.Statement >= len(idx) {
			if se.Statement < 0 {
				errs = append(errs, se)
			}
			break
		}
		e := *se
		e.Statement = idx[se.Statement]
		errs = append(errs, &e)
		bad[e.Statement] = true
	}
	return errs
}

// syntax reports a grammar error as IAM would refuse the document.
func (r *run) syntax(se *policy.SyntaxError) {
	r.out = append(r.out, Finding{Severity: SeverityError, Code: CodeMalformedPolicy, Message: se.Msg, Statement: se.Statement, Sid: se.Sid})
}

// coveredByOwnCheck reports a type-rule error that a check of this package
// reports with a more specific code, so that it is reported once.
func (r *run) coveredByOwnCheck(se *policy.SyntaxError) bool {
	if se.Statement < 0 || se.Statement >= len(r.p.Statements) || !notPrincipalForbidden(r.typ) {
		return false
	}
	s := r.p.Statements[se.Statement]
	return s.NotPrincipal && (se.Element == "Principal" || se.Element == "NotPrincipal")
}

// sizeLimits map a policy type to its quota (policy.SizeKind holds the
// numbers, from "IAM and AWS STS quotas" and the Organizations quotas) and
// to how findings name it. Inline identity policies have per-entity
// aggregate quotas (user 2,048, group 5,120, role 10,240), which one document
// cannot be checked against; the managed-policy quota applies. Resource-based
// policies have per-service quotas and are not checked.
var sizeLimits = map[policy.Type]struct {
	kind policy.SizeKind
	what string
}{
	policy.TypeIdentity: {policy.SizeManaged, "a managed policy"},
	policy.TypeBoundary: {policy.SizeManaged, "a managed policy used as a permissions boundary"},
	policy.TypeTrust:    {policy.SizeTrust, "a role trust policy (the default quota, which can be raised to 4,096)"},
	policy.TypeSession:  {policy.SizeSession, "a session policy"},
	policy.TypeSCP:      {policy.SizeOrganizations, "a service control policy"},
	policy.TypeRCP:      {policy.SizeOrganizations, "a resource control policy"},
}

func (r *run) checkDocument(doc []byte) {
	if l, ok := sizeLimits[r.typ]; ok {
		var se *policy.SizeError
		if errors.As(policy.CheckSize(l.kind, r.p), &se) {
			how := "characters, not counting whitespace"
			if l.kind.CountsWhitespace() {
				how = "characters, whitespace included"
			}
			r.add(SeverityError, CodePolicyTooLarge, nil, "The document has %d %s; %s may have at most %d.", se.Size, how, l.what, se.Limit)
		}
	}
	r.checkCharacters(doc)
	// An RCP without Version is a grammar error already (the RCP rules require
	// 2012-10-17).
	if r.p.Version == "" && r.typ != policy.TypeRCP {
		r.add(SeverityWarning, CodeMissingVersion, nil, "The policy has no Version, so the 2008-10-17 rules apply and policy variables are literal text; add \"Version\": \"2012-10-17\".")
	}
}

// checkCharacters applies IAM's rule that policy documents hold only tab,
// line feed, carriage return and U+0020 to U+00FF
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
// "IAM name requirements"; STS states the same for session policies).
func (r *run) checkCharacters(doc []byte) {
	switch r.typ {
	case policy.TypeIdentity, policy.TypeBoundary, policy.TypeTrust, policy.TypeSession:
	default:
		return
	}
	for _, ch := range string(doc) {
		if ch == '\t' || ch == '\n' || ch == '\r' || (ch >= 0x20 && ch <= 0xFF) {
			continue
		}
		r.add(SeverityError, CodeUnsupportedCharacter, nil, "The document contains the character %U (%q); IAM policy documents may hold only tab, line feed, carriage return and U+0020 to U+00FF.", ch, ch)
		return
	}
}

// notPrincipalForbidden reports the policy types that cannot use
// NotPrincipal: identity-based policies (boundaries and session policies are
// identity-based too) and role trust policies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func notPrincipalForbidden(t policy.Type) bool {
	switch t {
	case policy.TypeIdentity, policy.TypeBoundary, policy.TypeSession, policy.TypeTrust:
		return true
	}
	return false
}

// grants reports the policy types whose Allow statements grant access, to
// which the security warnings apply. SCPs and RCPs only set the maximum that
// other policies can grant, and the AWS managed FullAWSAccess and
// RCPFullAWSAccess allow everything by design.
func (r *run) grants() bool { return r.typ != policy.TypeSCP && r.typ != policy.TypeRCP }

func (r *run) checkStatement(s *policy.Statement) {
	if s.NotPrincipal && notPrincipalForbidden(r.typ) {
		what := "an identity-based policy"
		if r.typ == policy.TypeTrust {
			what = "a role trust policy"
		}
		r.add(SeverityError, CodeNotPrincipalInIdentityOrTrust, s, "NotPrincipal cannot be used in %s; use Principal, or a Deny with a condition on aws:PrincipalArn.", what)
	}
	if s.NotPrincipal && s.Effect == policy.Allow && r.typ == policy.TypeResource {
		r.add(SeveritySecurityWarning, CodeAllowWithNotPrincipal, s, "Allow with NotPrincipal grants access to every principal but those listed, anonymous ones included; list the principals to allow in Principal instead.")
	}
	if r.typ == policy.TypeRCP && s.Effect == policy.Allow {
		r.add(SeverityError, CodeAllowInCustomRCP, s, "Resource control policies can only deny: the only RCP with an Allow statement is the AWS managed RCPFullAWSAccess. Use \"Effect\": \"Deny\".")
	}
	acts := r.checkActions(s)
	r.checkResources(s, acts)
	r.checkConditions(s, acts)
	if r.grants() && s.Effect == policy.Allow {
		r.securityWarnings(s)
	}
	r.checkVariables(s)
	r.checkRedundancy(s)
}
