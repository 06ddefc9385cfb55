package iam

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// ContextEntry is a request context key for a simulation. Type is IAM's
// ContextKeyTypeEnum (string, stringList, numeric, numericList, boolean,
// booleanList, ip, ipList, binary, binaryList, date, dateList); the *List
// types make a multivalued key.
type ContextEntry struct {
	Key    string
	Values []string
	Type   string
}

// SimulateInput is the request of SimulatePrincipalPolicy (PolicySourceARN
// set) and SimulateCustomPolicy (PolicySourceARN empty).
type SimulateInput struct {
	// PolicySourceARN is the user, group or role whose policies are
	// simulated (SimulatePrincipalPolicy).
	PolicySourceARN string
	// PolicyInputList holds identity-based policy documents to include
	// (SimulateCustomPolicy: the policies; SimulatePrincipalPolicy: added
	// to the principal's).
	PolicyInputList []string
	// PermissionsBoundaryPolicyInputList, when given, replaces the
	// principal's permissions boundary.
	PermissionsBoundaryPolicyInputList []string
	ActionNames                        []string
	// ResourceARNs default to "*".
	ResourceARNs   []string
	ResourcePolicy string
	ResourceOwner  string
	CallerARN      string
	ContextEntries []ContextEntry
	Page
}

// Simulation decisions, as IAM's PolicyEvaluationDecisionType names them.
const (
	DecisionAllowed      = "allowed"
	DecisionExplicitDeny = "explicitDeny"
	DecisionImplicitDeny = "implicitDeny"
)

// EvaluationResult is the simulated decision for one action on one
// resource.
type EvaluationResult struct {
	EvalActionName       string
	EvalResourceName     string
	EvalDecision         string
	MatchedStatements    []MatchedStatement
	MissingContextValues []string
	// EvalDecisionDetails, for simulations with a resource policy, gives
	// the decision of each policy type ("IAM Policy", "Resource Policy",
	// "Permissions Boundary Policy").
	EvalDecisionDetails map[string]string
	// AllowedByPermissionsBoundary is set when a boundary took part.
	AllowedByPermissionsBoundary *bool
}

// MatchedStatement names a statement that applied: SourcePolicyID is the
// policy's name (PolicyInputList.N for given documents) and
// SourcePolicyType IAM's PolicySourceType (user, group, role, aws-managed,
// user-managed, resource, none).
type MatchedStatement struct {
	SourcePolicyID   string
	SourcePolicyType string
}

// SimulationResult is the page of evaluation results.
type SimulationResult struct {
	EvaluationResults []EvaluationResult
	IsTruncated       bool
	Marker            string
}

// SimulatePrincipalPolicy simulates the policies of a user, group or role
// (a user's include its groups'), and optional extra documents, for each
// action and resource. https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, account string, in SimulateInput) (*SimulationResult, error) {
	if in.PolicySourceARN == "" {
		return nil, validate(func(v *validation) { v.length("", "policySourceArn", 20, maxARN) })
	}
	kind, name, err := principalRef(account, in.PolicySourceARN)
	if err != nil {
		return nil, err
	}
	var g *gathered
	if err := s.view(ctx, func(r store.Reader) error {
		g, err = s.gather(ctx, r, account, kind, name)
		return err
	}); err != nil {
		return nil, err
	}
	caller := in.CallerARN
	if caller == "" && kind != kindOfGroup {
		caller = in.PolicySourceARN
	}
	return s.simulate(ctx, account, in, g.identity, g.boundary, caller)
}

// SimulateCustomPolicy simulates the given identity-based policies (and
// optional boundary and resource policy) for each action and resource.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
func (s *Service) SimulateCustomPolicy(ctx context.Context, account string, in SimulateInput) (*SimulationResult, error) {
	if len(in.PolicyInputList) == 0 {
		return nil, validate(func(v *validation) { v.add("null", "policyInputList", "Member must not be null") })
	}
	return s.simulate(ctx, account, in, nil, nil, in.CallerARN)
}

func (s *Service) simulate(ctx context.Context, account string, in SimulateInput, identityPolicies []sourced, boundary *sourced, caller string) (*SimulationResult, error) {
	if err := validate(func(v *validation) {
		if len(in.ActionNames) == 0 {
			v.add("null", "actionNames", "Member must not be null")
		}
		v.page(in.Page)
	}); err != nil {
		return nil, err
	}
	sources := map[string]sourced{}
	var ps authz.Policies
	for _, sp := range identityPolicies {
		ps.Identity = append(ps.Identity, sp.compiled)
		sources[sp.compiled.Name] = sp
	}
	for i, doc := range in.PolicyInputList {
		p, err := parseIdentityPolicy(doc)
		if err != nil {
			return nil, err
		}
		id := fmt.Sprintf("PolicyInputList.%d", i+1)
		c := policy.Compile(p, id)
		ps.Identity = append(ps.Identity, c)
		sources[id] = sourced{compiled: c, sourceID: id, sourceType: "none"}
	}
	if len(in.PermissionsBoundaryPolicyInputList) > 0 {
		for i, doc := range in.PermissionsBoundaryPolicyInputList {
			p, err := parseAs(doc, policy.TypeBoundary)
			if err != nil {
				return nil, err
			}
			id := fmt.Sprintf("PermissionsBoundaryPolicyInputList.%d", i+1)
			c := policy.Compile(p, id)
			ps.Boundary = append(ps.Boundary, c)
			sources[id] = sourced{compiled: c, sourceID: id, sourceType: "none"}
		}
	} else if boundary != nil {
		ps.Boundary = []*policy.Compiled{boundary.compiled}
		sources[boundary.compiled.Name] = *boundary
	}
	if in.ResourcePolicy != "" {
		p, err := parseAs(in.ResourcePolicy, policy.TypeResource)
		if err != nil {
			return nil, err
		}
		ps.Resource = policy.Compile(p, "ResourcePolicy")
		sources["ResourcePolicy"] = sourced{compiled: ps.Resource, sourceID: "ResourcePolicy", sourceType: "resource"}
	}
	ctxKeys, err := simulationContext(in.ContextEntries)
	if err != nil {
		return nil, err
	}
	principal := policy.Principal{Kind: policy.PrincipalUser, Account: account}
	if caller != "" {
		principal = policy.ParsePrincipal(caller)
	}
	owner := in.ResourceOwner
	if owner == "" {
		owner = account
	}
	resources := in.ResourceARNs
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	var results []EvaluationResult
	for _, action := range in.ActionNames {
		for _, resource := range resources {
			req := &authz.Request{
				Request:         policy.Request{Action: action, Resource: resource, Principal: &principal, Context: ctxKeys},
				ResourceAccount: owner,
			}
			ex := authz.Explain(req, &ps)
			results = append(results, evaluationResult(action, resource, ex, sources, &ps, in.ResourcePolicy != ""))
		}
	}
	type item struct {
		k string
		r EvaluationResult
	}
	items := make([]item, len(results))
	for i, r := range results {
		items[i] = item{fmt.Sprintf("%08d", i), r}
	}
	pg, err := pageOf(items, func(it item) string { return it.k }, in.Page)
	if err != nil {
		return nil, err
	}
	out := &SimulationResult{EvaluationResults: make([]EvaluationResult, len(pg.Items)), IsTruncated: pg.IsTruncated, Marker: pg.Marker}
	for i, it := range pg.Items {
		out.EvaluationResults[i] = it.r
	}
	return out, nil
}

func evaluationResult(action, resource string, ex *authz.Explanation, sources map[string]sourced, ps *authz.Policies, withResource bool) EvaluationResult {
	r := EvaluationResult{EvalActionName: action, EvalResourceName: resource, MatchedStatements: []MatchedStatement{}, MissingContextValues: []string{}}
	switch ex.Decision.Result {
	case authz.Allowed:
		r.EvalDecision = DecisionAllowed
	case authz.ExplicitlyDenied:
		r.EvalDecision = DecisionExplicitDeny
	default:
		r.EvalDecision = DecisionImplicitDeny
	}
	for _, d := range ex.Deciding() {
		src := sources[d.Policy]
		r.MatchedStatements = append(r.MatchedStatements, MatchedStatement{SourcePolicyID: src.sourceID, SourcePolicyType: src.sourceType})
	}
	missing := map[string]bool{}
	verdict := map[authz.PolicyType]string{}
	for _, pt := range ex.Policies {
		for _, st := range pt.Statements {
			if !st.Action || !st.Resource {
				continue
			}
			for _, c := range st.Conditions {
				if !c.Present {
					missing[c.Key] = true
				}
			}
		}
		switch {
		case pt.Verdict == "Deny":
			verdict[pt.Type] = DecisionExplicitDeny
		case pt.Verdict == "Allow" && verdict[pt.Type] != DecisionExplicitDeny:
			verdict[pt.Type] = DecisionAllowed
		}
	}
	for k := range missing {
		r.MissingContextValues = append(r.MissingContextValues, k)
	}
	slices.Sort(r.MissingContextValues)
	decisionOf := func(t authz.PolicyType) string {
		if v := verdict[t]; v != "" {
			return v
		}
		return DecisionImplicitDeny
	}
	if len(ps.Boundary) > 0 {
		allowed := decisionOf(authz.Boundary) == DecisionAllowed
		r.AllowedByPermissionsBoundary = &allowed
	}
	if withResource {
		r.EvalDecisionDetails = map[string]string{"IAM Policy": decisionOf(authz.Identity), "Resource Policy": decisionOf(authz.Resource)}
		if len(ps.Boundary) > 0 {
			r.EvalDecisionDetails["Permissions Boundary Policy"] = decisionOf(authz.Boundary)
		}
	}
	return r
}

// simulationContext builds the request context from context entries.
func simulationContext(entries []ContextEntry) (*policy.Context, error) {
	c := policy.NewContext(len(entries))
	for i, e := range entries {
		if err := validate(func(v *validation) {
			v.length(e.Key, fmt.Sprintf("contextEntries.%d.member.contextKeyName", i+1), 5, 256)
		}); err != nil {
			return nil, err
		}
		typ := e.Type
		switch strings.TrimSuffix(typ, "List") {
		case "string", "numeric", "boolean", "ip", "binary", "date":
		default:
			return nil, validate(func(v *validation) {
				v.add(typ, fmt.Sprintf("contextEntries.%d.member.contextKeyType", i+1),
					"Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]")
			})
		}
		if strings.HasSuffix(typ, "List") {
			c.SetMulti(e.Key, e.Values...)
		} else if len(e.Values) > 0 {
			c.Set(e.Key, e.Values[0])
		}
	}
	return c, nil
}
