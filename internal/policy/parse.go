package policy

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The two versions of the policy language. A document without Version is read
// as 2008-10-17, in which policy variables are literal text.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Type is the kind of policy a document is used as. Each kind allows a
// different set of elements (a trust policy names principals, an identity
// policy must not) and has its own size limit.
type Type string

// Policy types, named as `cleanroom policy validate --type` takes them.
const (
	TypeIdentity Type = "identity"
	TypeResource Type = "resource"
	TypeTrust    Type = "trust"
	TypeSCP      Type = "scp"
	TypeRCP      Type = "rcp"
	TypeBoundary Type = "boundary"
	TypeSession  Type = "session"
)

// ParseType reads a policy type name.
func ParseType(s string) (Type, error) {
	switch t := Type(strings.ToLower(s)); t {
	case TypeIdentity, TypeResource, TypeTrust, TypeSCP, TypeRCP, TypeBoundary, TypeSession:
		return t, nil
	}
	return "", fmt.Errorf("unknown policy type %q (want identity, resource, trust, scp, rcp, boundary or session)", s)
}

// Effect is Allow or Deny.
type Effect uint8

// The two effects.
const (
	Allow Effect = iota + 1
	Deny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "?"
}

// Policy is a parsed policy document, as written.
type Policy struct {
	Version string // as written; "" when absent
	ID      string
	// Statements in document order. SingleStatement records that Statement was
	// an object rather than an array.
	Statements      []*Statement
	SingleStatement bool
	// Size is the document's length in characters, and SizeNoWhitespace without
	// JSON whitespace, the two ways IAM and Organizations count policy sizes.
	Size, SizeNoWhitespace int
}

// EffectiveVersion is the version whose rules apply: 2008-10-17 when absent.
func (p *Policy) EffectiveVersion() string {
	if p.Version == "" {
		return Version2008
	}
	return p.Version
}

// Statement is one statement of a policy.
type Statement struct {
	Index  int    // position in the policy, from 0
	Sid    string // "" when absent
	HasSid bool
	Effect Effect

	// Principal or NotPrincipal (NotPrincipal is set when the statement used it).
	Principal    *Principals
	NotPrincipal bool

	// Action or NotAction (exactly one is present).
	Actions   []string
	NotAction bool

	// Resource or NotResource (HasResource is false when neither is present, as
	// in a role trust policy).
	Resources   []string
	NotResource bool
	HasResource bool

	Conditions []*Condition // in document order
}

// Principals is the value of Principal or NotPrincipal: either the wildcard
// "*" or a map from principal kind to identifiers.
type Principals struct {
	Wildcard bool // Principal: "*"
	// Entries in document order; Kind is AWS, Service, Federated or CanonicalUser.
	Entries []PrincipalEntry
}

// PrincipalEntry is one identifier under a kind.
type PrincipalEntry struct {
	Kind string
	ID   string
}

// Condition is one (operator, key, values) triple of a Condition block.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Op       Operator
	Key      string   // as written
	Values   []string // the values as text; numbers and booleans keep their JSON text
	// ValueList records that the values were written as a JSON array.
	ValueList bool
}

// SyntaxError is a policy that IAM would refuse with MalformedPolicyDocument.
// Msg follows IAM's wording where IAM has one.
type SyntaxError struct {
	Statement int    // index of the statement, or -1 for the document
	Sid       string // the statement's Sid, when it has one
	Element   string // the element at fault, e.g. "Action"
	Msg       string
}

func (e *SyntaxError) Error() string {
	if e.Statement >= 0 {
		if e.Sid != "" {
			return fmt.Sprintf("%s (statement %d, Sid %q)", e.Msg, e.Statement, e.Sid)
		}
		return fmt.Sprintf("%s (statement %d)", e.Msg, e.Statement)
	}
	return e.Msg
}

// ErrTooLarge is wrapped by errors for documents over a size limit.
var ErrTooLarge = errors.New("policy document exceeds the size limit")

// Parse reads a policy document strictly, with the rules of the given type.
// A zero Type is read as TypeIdentity's grammar without type-specific rules.
func Parse(data []byte, typ Type) (*Policy, error) {
	if !utf8.Valid(data) {
		return nil, &SyntaxError{Statement: -1, Msg: "Syntax errors in policy: the document is not valid UTF-8."}
	}
	root, err := parseJSON(data)
	if err != nil {
		return nil, &SyntaxError{Statement: -1, Msg: "Syntax errors in policy: " + err.Error() + "."}
	}
	if root.kind != jObject {
		return nil, &SyntaxError{Statement: -1, Msg: fmt.Sprintf("Syntax errors in policy: the document must be an object, found %s.", root.kind)}
	}
	p := &Policy{Size: utf8.RuneCount(data), SizeNoWhitespace: countNonWhitespace(data)}
	var stmts *jnode
	for _, m := range root.members {
		switch m.key {
		case "Version":
			if m.val.kind != jString {
				return nil, &SyntaxError{Statement: -1, Element: "Version", Msg: "The policy Version must be a string."}
			}
			if m.val.str != Version2012 && m.val.str != Version2008 {
				return nil, &SyntaxError{Statement: -1, Element: "Version", Msg: fmt.Sprintf("The policy failed legacy parsing: Version %q is not 2012-10-17 or 2008-10-17.", m.val.str)}
			}
			p.Version = m.val.str
		case "Id":
			if m.val.kind != jString {
				return nil, &SyntaxError{Statement: -1, Element: "Id", Msg: "The policy Id must be a string."}
			}
			p.ID = m.val.str
		case "Statement":
			stmts = m.val
		default:
			return nil, &SyntaxError{Statement: -1, Element: m.key, Msg: fmt.Sprintf("Syntax errors in policy: unknown element %q.", m.key)}
		}
	}
	if stmts == nil {
		return nil, &SyntaxError{Statement: -1, Element: "Statement", Msg: "Missing required field Statement."}
	}
	switch stmts.kind {
	case jObject:
		p.SingleStatement = true
		s, err := parseStatement(stmts, 0)
		if err != nil {
			return nil, err
		}
		p.Statements = []*Statement{s}
	case jArray:
		for i, it := range stmts.items {
			if it.kind != jObject {
				return nil, &SyntaxError{Statement: i, Element: "Statement", Msg: fmt.Sprintf("Syntax errors in policy: a statement must be an object, found %s.", it.kind)}
			}
			s, err := parseStatement(it, i)
			if err != nil {
				return nil, err
			}
			p.Statements = append(p.Statements, s)
		}
	default:
		return nil, &SyntaxError{Statement: -1, Element: "Statement", Msg: "Syntax errors in policy: Statement must be an object or an array of objects."}
	}
	if len(p.Statements) == 0 {
		return nil, &SyntaxError{Statement: -1, Element: "Statement", Msg: "Missing required field Statement: the policy has no statements."}
	}
	sids := make(map[string]bool)
	for _, s := range p.Statements {
		if s.Sid == "" {
			continue
		}
		if sids[s.Sid] {
			return nil, &SyntaxError{Statement: s.Index, Sid: s.Sid, Element: "Sid", Msg: "Statement IDs (SID) in a single policy must be unique."}
		}
		sids[s.Sid] = true
	}
	if typ != "" {
		if err := checkType(p, typ); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func parseStatement(n *jnode, idx int) (*Statement, error) {
	s := &Statement{Index: idx}
	fail := func(elem, format string, a ...any) error {
		return &SyntaxError{Statement: idx, Sid: s.Sid, Element: elem, Msg: fmt.Sprintf(format, a...)}
	}
	// Sid first, so that later errors can name the statement.
	for _, m := range n.members {
		if m.key == "Sid" {
			if m.val.kind != jString {
				return nil, fail("Sid", "Statement IDs (SID) must be strings.")
			}
			s.Sid, s.HasSid = m.val.str, true
		}
	}
	var hasEffect, hasAction, hasPrincipal bool
	for _, m := range n.members {
		switch m.key {
		case "Sid":
		case "Effect":
			if m.val.kind != jString || (m.val.str != "Allow" && m.val.str != "Deny") {
				return nil, fail("Effect", "Invalid effect: Effect must be \"Allow\" or \"Deny\".")
			}
			hasEffect = true
			if m.val.str == "Allow" {
				s.Effect = Allow
			} else {
				s.Effect = Deny
			}
		case "Principal", "NotPrincipal":
			if hasPrincipal {
				return nil, fail(m.key, "Syntax errors in policy: a statement must not have both Principal and NotPrincipal.")
			}
			hasPrincipal = true
			ps, err := parsePrincipal(m.val, m.key)
			if err != nil {
				return nil, fail(m.key, "%s", err.Error())
			}
			s.Principal, s.NotPrincipal = ps, m.key == "NotPrincipal"
		case "Action", "NotAction":
			if hasAction {
				return nil, fail(m.key, "Syntax errors in policy: a statement must not have both Action and NotAction.")
			}
			hasAction = true
			v, err := m.val.stringsOf(m.key)
			if err != nil {
				return nil, fail(m.key, "Syntax errors in policy: %s", err.(*SyntaxError).Msg)
			}
			if len(v) == 0 {
				return nil, fail(m.key, "Policy statement must contain actions.")
			}
			for _, a := range v {
				if err := checkAction(a); err != nil {
					return nil, fail(m.key, "%s", err.Error())
				}
			}
			s.Actions, s.NotAction = v, m.key == "NotAction"
		case "Resource", "NotResource":
			if s.HasResource {
				return nil, fail(m.key, "Syntax errors in policy: a statement must not have both Resource and NotResource.")
			}
			s.HasResource = true
			v, err := m.val.stringsOf(m.key)
			if err != nil {
				return nil, fail(m.key, "Syntax errors in policy: %s", err.(*SyntaxError).Msg)
			}
			if len(v) == 0 {
				return nil, fail(m.key, "Policy statement must contain resources.")
			}
			for _, r := range v {
				if err := checkResource(r); err != nil {
					return nil, fail(m.key, "%s", err.Error())
				}
			}
			s.Resources, s.NotResource = v, m.key == "NotResource"
		case "Condition":
			cs, err := parseConditionBlock(m.val)
			if err != nil {
				return nil, fail("Condition", "%s", err.Error())
			}
			s.Conditions = cs
		default:
			return nil, fail(m.key, "Syntax errors in policy: unknown element %q in a statement.", m.key)
		}
	}
	if !hasEffect {
		return nil, fail("Effect", "Missing required field Effect.")
	}
	if !hasAction {
		return nil, fail("Action", "Missing required field Action.")
	}
	return s, nil
}

// checkAction enforces the action grammar: "*", or vendor:name where the
// vendor has letters, digits and hyphens and the name letters, digits and the
// wildcards. IAM: "Actions/Conditions must be prefaced by a vendor".
func checkAction(a string) error {
	if a == "*" {
		return nil
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" {
		return fmt.Errorf("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (found %q).", a)
	}
	for i := 0; i < len(svc); i++ {
		c := svc[i]
		if !(isAlnum(c) || c == '-' || c == '*' || c == '?') {
			return fmt.Errorf("Vendor %s is not valid.", svc)
		}
	}
	if name == "" {
		return fmt.Errorf("Action %q names no action after the vendor.", a)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(isAlnum(c) || c == '*' || c == '?' || c == '-' || c == '_') {
			return fmt.Errorf("Action %q has an invalid character %q.", a, c)
		}
	}
	return nil
}

// checkResource enforces "an ARN or *": IAM's "Resource X must be in ARN
// format or \"*\"."
func checkResource(r string) error {
	if r == "*" {
		return nil
	}
	if !strings.HasPrefix(r, "arn:") || strings.Count(r, ":") < 2 {
		return fmt.Errorf("Resource %s must be in ARN format or \"*\".", r)
	}
	return nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// The principal kinds IAM accepts in Principal and NotPrincipal.
const (
	PrincipalAWS           = "AWS"
	PrincipalService       = "Service"
	PrincipalFederated     = "Federated"
	PrincipalCanonicalUser = "CanonicalUser"
)

func parsePrincipal(n *jnode, elem string) (*Principals, error) {
	switch n.kind {
	case jString:
		if n.str != "*" {
			return nil, fmt.Errorf("Invalid principal in policy: %s must be \"*\" or an object such as {\"AWS\": ...}.", elem)
		}
		return &Principals{Wildcard: true}, nil
	case jObject:
		ps := &Principals{}
		for _, m := range n.members {
			switch m.key {
			case PrincipalAWS, PrincipalService, PrincipalFederated, PrincipalCanonicalUser:
			default:
				return nil, fmt.Errorf("Invalid principal in policy: unknown principal type %q.", m.key)
			}
			ids, err := m.val.stringsOf(elem + "." + m.key)
			if err != nil {
				return nil, errors.New("Invalid principal in policy: " + err.(*SyntaxError).Msg)
			}
			if len(ids) == 0 {
				return nil, fmt.Errorf("Invalid principal in policy: %s.%s is empty.", elem, m.key)
			}
			for _, id := range ids {
				if err := checkPrincipalID(m.key, id); err != nil {
					return nil, err
				}
				ps.Entries = append(ps.Entries, PrincipalEntry{Kind: m.key, ID: id})
			}
		}
		if len(ps.Entries) == 0 {
			return nil, fmt.Errorf("Invalid principal in policy: %s is empty.", elem)
		}
		return ps, nil
	}
	return nil, fmt.Errorf("Invalid principal in policy: %s must be \"*\" or an object, found %s.", elem, n.kind)
}

func checkPrincipalID(kind, id string) error {
	if id == "" {
		return fmt.Errorf("Invalid principal in policy: empty %s principal.", kind)
	}
	switch kind {
	case PrincipalAWS:
		if id == "*" || isAccountID(id) {
			return nil
		}
		if !strings.HasPrefix(id, "arn:") {
			return fmt.Errorf("Invalid principal in policy: \"AWS\":%q is not an account id or an ARN.", id)
		}
		// AWS does not support wildcards inside principal ARNs.
		if strings.ContainsAny(id, "*?") {
			return fmt.Errorf("Invalid principal in policy: \"AWS\":%q has a wildcard; use a condition on aws:PrincipalArn.", id)
		}
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseConditionBlock(n *jnode) ([]*Condition, error) {
	if n.kind != jObject {
		return nil, fmt.Errorf("Syntax errors in policy: Condition must be an object, found %s.", n.kind)
	}
	var out []*Condition
	for _, om := range n.members {
		op, err := ParseOperator(om.key)
		if err != nil {
			return nil, err
		}
		if om.val.kind != jObject {
			return nil, fmt.Errorf("Syntax errors in policy: the value of condition operator %s must be an object, found %s.", om.key, om.val.kind)
		}
		if len(om.val.members) == 0 {
			return nil, fmt.Errorf("Syntax errors in policy: condition operator %s has no keys.", om.key)
		}
		for _, km := range om.val.members {
			if km.key == "" {
				return nil, fmt.Errorf("Syntax errors in policy: empty condition key under %s.", om.key)
			}
			c := &Condition{Operator: om.key, Op: op, Key: km.key}
			switch km.val.kind {
			case jArray:
				c.ValueList = true
				for _, it := range km.val.items {
					s, ok := it.scalarText()
					if !ok {
						return nil, fmt.Errorf("Syntax errors in policy: the values of condition key %s must be strings, numbers or booleans, found %s.", km.key, it.kind)
					}
					c.Values = append(c.Values, s)
				}
				if len(c.Values) == 0 {
					return nil, fmt.Errorf("Syntax errors in policy: condition key %s has an empty list of values.", km.key)
				}
			default:
				s, ok := km.val.scalarText()
				if !ok {
					return nil, fmt.Errorf("Syntax errors in policy: the value of condition key %s must be a string, number, boolean or an array of them, found %s.", km.key, km.val.kind)
				}
				c.Values = []string{s}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// checkType applies the rules that depend on where the policy is used.
func checkType(p *Policy, typ Type) error {
	for _, s := range p.Statements {
		fail := func(elem, msg string) error {
			return &SyntaxError{Statement: s.Index, Sid: s.Sid, Element: elem, Msg: msg}
		}
		switch typ {
		case TypeIdentity, TypeBoundary, TypeSession, TypeSCP:
			if s.Principal != nil {
				elem := "Principal"
				if s.NotPrincipal {
					elem = "NotPrincipal"
				}
				return fail(elem, "Policy document should not specify a principal.")
			}
			if !s.HasResource {
				return fail("Resource", "Missing required field Resource.")
			}
		case TypeResource:
			if s.Principal == nil {
				return fail("Principal", "Missing required field Principal.")
			}
			if !s.HasResource {
				return fail("Resource", "Missing required field Resource.")
			}
		case TypeTrust:
			if s.Principal == nil {
				return fail("Principal", "Missing required field Principal.")
			}
			if s.HasResource {
				return fail("Resource", "Has prohibited field Resource.")
			}
			// "You cannot use NotPrincipal in an IAM role trust policy."
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
			if s.NotPrincipal {
				return fail("NotPrincipal", "Has prohibited field NotPrincipal.")
			}
		case TypeRCP:
			if s.NotPrincipal {
				return fail("NotPrincipal", "NotPrincipal is not supported in resource control policies.")
			}
			if s.Principal == nil || !s.Principal.isStar() {
				return fail("Principal", "Principal must be \"*\" in a resource control policy.")
			}
			if !s.HasResource {
				return fail("Resource", "Missing required field Resource.")
			}
		}
	}
	switch typ {
	case TypeIdentity, TypeBoundary, TypeSession, TypeTrust:
		// "For IAM policies, basic alphanumeric characters (A-Z,a-z,0-9) are
		// the only allowed characters in the Sid value."
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
		for _, s := range p.Statements {
			for i := 0; i < len(s.Sid); i++ {
				if !isAlnum(s.Sid[i]) {
					return &SyntaxError{Statement: s.Index, Sid: s.Sid, Element: "Sid", Msg: "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"}
				}
			}
		}
	}
	if typ == TypeRCP && p.Version != Version2012 {
		return &SyntaxError{Statement: -1, Element: "Version", Msg: "Version must be \"2012-10-17\" in a resource control policy."}
	}
	return nil
}

// isStar reports a principal that is everyone: "*" or {"AWS": "*"}.
func (ps *Principals) isStar() bool {
	if ps.Wildcard {
		return true
	}
	for _, e := range ps.Entries {
		if e.Kind != PrincipalAWS || e.ID != "*" {
			return false
		}
	}
	return len(ps.Entries) > 0
}
