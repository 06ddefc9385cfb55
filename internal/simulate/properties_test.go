package simulate_test

// Property tests of the decision over random scenarios from the difftest
// generator. Each property runs over propScenarios scenarios drawn with fixed
// seeds, so a failure reproduces; the failing scenario is printed as JSON, ready
// for `cleanroom policy simulate`. Run with -v to see the counts.
//
// The transformations work on the scenario's JSON, so they apply to any
// generator: a policy is decoded into maps (numbers kept as written), changed,
// and encoded again.
//
// "Tightening" never adds a policy to an existing boundary or organization
// level: the policies there are ORed, so one more policy may allow more. A
// boundary or session policy is added only where there is none; an SCP or
// RCP level is added whole.
//
// The generator writes NotPrincipal only with Deny ("Using it with Allow is
// not supported", IAM User Guide, NotPrincipal). The engine accepts
// Allow+NotPrincipal in resource policies, and then adding a permissions
// boundary can grant access: the boundary rule for NotPrincipal (a principal
// with a boundary is never exempted) is applied to Allow statements too.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/difftest"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
	"github.com/cleanroom-dev/cleanroom/internal/simulate"
)

// propScenarios is the number of scenarios each property is checked on.
const propScenarios = 2500

var propSim = simulate.New(catalog.Default())

// propCase is one generated scenario and its decision.
type propCase struct {
	sc   *scenario.Scenario
	p    *simulate.Prepared
	base authz.Decision
}

// genCases returns n generated scenarios that the simulator accepts, with
// their decisions. Scenarios the simulator refuses are skipped and counted
// (they are the generator's business, not the property's).
func genCases(t *testing.T, seed uint64, n int) []propCase {
	t.Helper()
	g := difftest.NewGenerator(seed)
	var out []propCase
	skipped := 0
	reasons := map[string]int{}
	for len(out) < n {
		if skipped > 2*n {
			t.Fatalf("the simulator refuses most generated scenarios (%d skipped)", skipped)
		}
		sc := g.Scenario()
		p, err := propSim.Prepare(sc)
		if err != nil {
			skipped++
			reasons[skipReason(err)]++
			continue
		}
		out = append(out, propCase{sc: sc, p: p, base: p.Decide()})
	}
	if skipped > 0 {
		t.Logf("seed %d: %d generated scenarios skipped because the simulator refuses them: %v", seed, skipped, reasons)
	}
	return out
}

// skipReason shortens a Prepare error to where it is and its first words.
func skipReason(err error) string {
	msg := err.Error()
	var ie *simulate.InputError
	if errors.As(err, &ie) {
		where, _, _ := strings.Cut(ie.Where, " ")
		if i := strings.IndexByte(where, '['); i >= 0 {
			where = where[:i]
		}
		msg = where + ": " + ie.Err.Error()
	}
	// Drop the ARNs and names, keep the words.
	var words []string
	for _, f := range strings.Fields(msg) {
		if !strings.ContainsAny(f, ":/\"'") && len(words) < 8 {
			words = append(words, f)
		}
	}
	return strings.Join(words, " ")
}

// tally counts decisions.
type tally map[authz.Result]int

func (c tally) String() string {
	return fmt.Sprintf("Allowed %d, ExplicitlyDenied %d, ImplicitlyDenied %d",
		c[authz.Allowed], c[authz.ExplicitlyDenied], c[authz.ImplicitlyDenied])
}

func dump(sc *scenario.Scenario) string {
	b, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// decideOf prepares and decides a transformed scenario; the transformations
// keep scenarios valid, so an error is a failure.
func decideOf(t *testing.T, sc *scenario.Scenario) (authz.Decision, *simulate.Prepared) {
	t.Helper()
	p, err := propSim.Prepare(sc)
	if err != nil {
		t.Fatalf("transformed scenario refused: %v\n%s", err, dump(sc))
	}
	return p.Decide(), p
}

func cloneScenario(t *testing.T, sc *scenario.Scenario) *scenario.Scenario {
	t.Helper()
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	var out scenario.Scenario
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// ---------------------------------------------------------------------------
// Policies as JSON.

// slot is one policy of a scenario.
type slot struct {
	typ   authz.PolicyType
	level int // SCP/RCP level
	raw   *json.RawMessage
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

func slotsOf(sc *scenario.Scenario) []slot {
	var out []slot
	for i := range sc.IdentityPolicies {
		out = append(out, slot{typ: authz.Identity, raw: &sc.IdentityPolicies[i].Policy})
	}
	for i := range sc.PermissionBoundaryPolicies {
		out = append(out, slot{typ: authz.Boundary, raw: &sc.PermissionBoundaryPolicies[i].Policy})
	}
	if present(sc.SessionPolicy) {
		out = append(out, slot{typ: authz.Session, raw: &sc.SessionPolicy})
	}
	if present(sc.ResourcePolicy) {
		out = append(out, slot{typ: authz.Resource, raw: &sc.ResourcePolicy})
	}
	for l := range sc.ServiceControlPolicies {
		for i := range sc.ServiceControlPolicies[l].Policies {
			out = append(out, slot{typ: authz.SCP, level: l, raw: &sc.ServiceControlPolicies[l].Policies[i].Policy})
		}
	}
	for l := range sc.ResourceControlPolicies {
		for i := range sc.ResourceControlPolicies[l].Policies {
			out = append(out, slot{typ: authz.RCP, level: l, raw: &sc.ResourceControlPolicies[l].Policies[i].Policy})
		}
	}
	return out
}

type stmt = map[string]any

func decodeJSON(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("policy %s: %v", raw, err)
	}
	return doc
}

func statementsOf(doc map[string]any) []stmt {
	switch v := doc["Statement"].(type) {
	case map[string]any:
		return []stmt{v}
	case []any:
		out := make([]stmt, 0, len(v))
		for _, s := range v {
			out = append(out, s.(map[string]any))
		}
		return out
	}
	return nil
}

func needsPrincipal(typ authz.PolicyType) bool { return typ == authz.Resource || typ == authz.RCP }

// isTrust reports whether the scenario's resource policy is read as a role
// trust policy (the simulator does so when the resource is a role), which
// names no Resource.
func isTrust(sc *scenario.Scenario) bool {
	parts := strings.SplitN(sc.Request.Resource.Resource, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && strings.HasPrefix(parts[5], "role/")
}

// shaped adapts a statement to the policy type: a trust policy has no
// Resource element.
func shaped(sc *scenario.Scenario, typ authz.PolicyType, s stmt) stmt {
	if typ == authz.Resource && isTrust(sc) {
		delete(s, "Resource")
		delete(s, "NotResource")
	}
	return s
}

// inert is a statement that never applies, for policies that would otherwise
// be left without statements (which the parser refuses).
func inert(sc *scenario.Scenario, typ authz.PolicyType) stmt {
	s := stmt{"Effect": "Deny", "Action": "nosuchservice:NoSuchAction", "Resource": "*"}
	if needsPrincipal(typ) {
		s["Principal"] = "*"
	}
	return shaped(sc, typ, s)
}

// everything is a Deny statement that applies to every request.
func everything(sc *scenario.Scenario, typ authz.PolicyType) stmt {
	s := stmt{"Effect": "Deny", "Action": "*", "Resource": "*"}
	if needsPrincipal(typ) {
		s["Principal"] = "*"
	}
	return shaped(sc, typ, s)
}

// editStatements rewrites the statements of the policy in raw.
func editStatements(t *testing.T, sc *scenario.Scenario, raw *json.RawMessage, typ authz.PolicyType, fn func([]stmt) []stmt) {
	t.Helper()
	doc := decodeJSON(t, *raw)
	ss := fn(statementsOf(doc))
	if len(ss) == 0 {
		ss = []stmt{inert(sc, typ)}
	}
	list := make([]any, len(ss))
	for i, s := range ss {
		list[i] = s
	}
	doc["Statement"] = list
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	*raw = b
}

func newPolicy(t *testing.T, ss ...stmt) json.RawMessage {
	t.Helper()
	list := make([]any, len(ss))
	for i, s := range ss {
		list[i] = s
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": list})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ---------------------------------------------------------------------------
// Random statements written against a scenario's request.

type rnd struct{ *rand.Rand }

func newRnd(seed uint64) rnd { return rnd{rand.New(rand.NewPCG(seed, 0xc1ea2200d00d))} }

func (r rnd) p(prob float64) bool { return r.Float64() < prob }

func pickOne[T any](r rnd, xs []T) T { return xs[r.IntN(len(xs))] }

// statementFor returns a random statement of the given effect for a policy of
// type typ, matching the request's action and resource often.
func (r rnd) statementFor(sc *scenario.Scenario, typ authz.PolicyType, effect string) stmt {
	action := sc.Request.Action
	svc, _, _ := strings.Cut(action, ":")
	s := stmt{"Effect": effect}
	actions := []string{action, svc + ":*", "*", strings.ToLower(action), svc + ":NoSuchAction", "otherservice:Get*"}
	if r.p(0.1) {
		s["NotAction"] = pickOne(r, actions)
	} else {
		s["Action"] = pickOne(r, actions)
	}
	res := sc.Request.Resource.Resource
	resources := []string{res, "*", "*", "arn:aws:*", "arn:aws:s3:::no-such-bucket/*"}
	if i := strings.LastIndexByte(res, '/'); i > 0 {
		resources = append(resources, res[:i+1]+"*")
	}
	if r.p(0.1) {
		s["NotResource"] = pickOne(r, resources)
	} else {
		s["Resource"] = pickOne(r, resources)
	}
	if needsPrincipal(typ) {
		principals := []any{"*", map[string]any{"AWS": "*"}}
		if typ == authz.Resource {
			if p := sc.Request.Principal; !p.Anonymous {
				if strings.HasPrefix(p.ID, "arn:") {
					principals = append(principals, map[string]any{"AWS": p.ID})
				} else {
					principals = append(principals, map[string]any{"Service": p.ID})
				}
			}
			if a := sc.Request.Resource.AccountID; a != "" {
				principals = append(principals, map[string]any{"AWS": a})
			}
			principals = append(principals, map[string]any{"AWS": "arn:aws:iam::999988887777:root"})
		}
		s["Principal"] = pickOne(r, principals)
	}
	if r.p(0.5) {
		s["Condition"] = r.condition(sc)
	}
	return shaped(sc, typ, s)
}

// condition returns a condition on one of the request's single-valued keys
// (holding or not) or on a key the request lacks.
func (r rnd) condition(sc *scenario.Scenario) map[string]any {
	var keys []string
	for _, k := range sc.Request.ContextKeys() {
		if v := sc.Request.ContextVariables[k]; !v.Multi && len(v.Values) == 1 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 || r.p(0.25) {
		op := pickOne(r, []string{"StringEquals", "StringNotEquals", "Null", "StringLikeIfExists"})
		val := "x"
		if op == "Null" {
			val = pickOne(r, []string{"true", "false"})
		}
		return map[string]any{op: map[string]any{"aws:PrincipalTag/no-such-tag": val}}
	}
	k := pickOne(r, keys)
	v := sc.Request.ContextVariables[k].Values[0]
	op := pickOne(r, []string{"StringEquals", "StringNotEquals", "StringLike", "StringEqualsIgnoreCase"})
	return map[string]any{op: map[string]any{k: pickOne(r, []string{v, v + "-other"})}}
}

// ---------------------------------------------------------------------------
// (a) Adding a Deny statement never turns a denial into Allowed, and a Deny
// that applies to everything always yields ExplicitlyDenied.

// location is where a statement is added.
type location int

const (
	locIdentity location = iota
	locResource
	locBoundary
	locSession
	locSCP
	locRCP
	numLocations
)

func (l location) typ() authz.PolicyType {
	return [...]authz.PolicyType{authz.Identity, authz.Resource, authz.Boundary, authz.Session, authz.SCP, authz.RCP}[l]
}

// addStatement adds s to a policy of the location's type: an existing one, or
// a new one (a new policy, a new level). It reports whether it changed an
// existing policy only.
func addStatement(t *testing.T, r rnd, sc *scenario.Scenario, loc location, s stmt) (existing bool) {
	t.Helper()
	appendTo := func(raw *json.RawMessage) {
		editStatements(t, sc, raw, loc.typ(), func(ss []stmt) []stmt {
			i := r.IntN(len(ss) + 1)
			return append(ss[:i], append([]stmt{s}, ss[i:]...)...)
		})
	}
	switch loc {
	case locIdentity:
		if n := len(sc.IdentityPolicies); n > 0 && r.p(0.7) {
			appendTo(&sc.IdentityPolicies[r.IntN(n)].Policy)
			return true
		}
		sc.IdentityPolicies = append(sc.IdentityPolicies, scenario.NamedPolicy{Name: "added", Policy: newPolicy(t, s)})
	case locResource:
		if present(sc.ResourcePolicy) {
			appendTo(&sc.ResourcePolicy)
			return true
		}
		sc.ResourcePolicy = newPolicy(t, s)
	case locBoundary:
		if n := len(sc.PermissionBoundaryPolicies); n > 0 && r.p(0.7) {
			appendTo(&sc.PermissionBoundaryPolicies[r.IntN(n)].Policy)
			return true
		}
		sc.PermissionBoundaryPolicies = append(sc.PermissionBoundaryPolicies, scenario.NamedPolicy{Name: "added", Policy: newPolicy(t, s)})
	case locSession:
		if present(sc.SessionPolicy) {
			appendTo(&sc.SessionPolicy)
			return true
		}
		sc.SessionPolicy = newPolicy(t, s)
	case locSCP, locRCP:
		levels := &sc.ServiceControlPolicies
		if loc == locRCP {
			levels = &sc.ResourceControlPolicies
		}
		if n := len(*levels); n > 0 && r.p(0.8) {
			lvl := &(*levels)[r.IntN(n)]
			if m := len(lvl.Policies); m > 0 && r.p(0.7) {
				appendTo(&lvl.Policies[r.IntN(m)].Policy)
				return true
			}
			lvl.Policies = append(lvl.Policies, scenario.NamedPolicy{Name: "added", Policy: newPolicy(t, s)})
			return false
		}
		at := r.IntN(len(*levels) + 1)
		lvl := scenario.OrgPolicies{OrgIdentifier: "ou-added", Policies: []scenario.NamedPolicy{{Name: "added", Policy: newPolicy(t, s)}}}
		*levels = append((*levels)[:at], append([]scenario.OrgPolicies{lvl}, (*levels)[at:]...)...)
	}
	return false
}

// inScope reports whether the prepared scenario still evaluates policies of
// the location's type: the simulator drops SCPs for service principals and
// anonymous callers, and RCPs for services that do not support them.
func inScope(p *simulate.Prepared, loc location) bool {
	switch loc {
	case locSCP:
		return p.Policies.SCP != nil
	case locRCP:
		return p.Policies.RCP != nil
	}
	return true
}

func TestPropertyAddingDenyNeverAllows(t *testing.T) {
	cases := genCases(t, 1001, propScenarios)
	r := newRnd(1)
	base := tally{}
	added, changed, universal, outOfScope := 0, 0, 0, 0
	for i, c := range cases {
		base[c.base.Result]++
		// A random Deny somewhere.
		for range 2 {
			sc := cloneScenario(t, c.sc)
			loc := location(r.IntN(int(numLocations)))
			s := r.statementFor(sc, loc.typ(), "Deny")
			existing := addStatement(t, r, sc, loc, s)
			d, _ := decideOf(t, sc)
			added++
			if d != c.base {
				changed++
			}
			if d.Result == authz.Allowed && c.base.Result != authz.Allowed {
				t.Fatalf("scenario %d: adding a Deny to %v turned %v into Allowed\n%s", i, loc.typ(), c.base.Result, dump(sc))
			}
			if c.base.Result == authz.ExplicitlyDenied && d.Result != authz.ExplicitlyDenied {
				t.Fatalf("scenario %d: adding a Deny to %v turned ExplicitlyDenied into %v\n%s", i, loc.typ(), d.Result, dump(sc))
			}
			if existing && d != c.base && d.Result != authz.ExplicitlyDenied {
				t.Fatalf("scenario %d: a Deny added to an existing %v policy changed %+v into %+v without applying\n%s", i, loc.typ(), c.base, d, dump(sc))
			}
		}
		// A Deny of everything, at every location.
		for loc := range numLocations {
			sc := cloneScenario(t, c.sc)
			addStatement(t, r, sc, loc, everything(sc, loc.typ()))
			d, p := decideOf(t, sc)
			if !inScope(p, loc) {
				outOfScope++
				if len(p.Warnings) == 0 {
					t.Fatalf("scenario %d: %v policies dropped without a warning\n%s", i, loc.typ(), dump(sc))
				}
				continue
			}
			universal++
			if d.Result != authz.ExplicitlyDenied || !d.Blocked.Has(loc.typ()) {
				t.Fatalf("scenario %d: a Deny of everything in %v gives %v blocked by %v\n%s", i, loc.typ(), d.Result, d.Blocked.Strings(), dump(sc))
			}
		}
	}
	t.Logf("(a) %d scenarios (%v); %d random Deny statements added (%d changed the decision); %d deny-everything checks (%d more out of scope: SCP for service/anonymous callers, RCP outside s3/sts)",
		len(cases), base, added, changed, universal, outOfScope)
}

// ---------------------------------------------------------------------------
// (b) Adding or tightening a permissions boundary, an SCP level, an RCP level
// (s3 and sts actions) or a session policy never turns a denial into Allowed.

// tighten changes the statements of one policy so that it allows no more
// than before: it removes an Allow, adds a condition to an Allow, turns an
// Allow into a Deny, or adds a Deny.
func (r rnd) tighten(sc *scenario.Scenario, typ authz.PolicyType) func([]stmt) []stmt {
	return func(ss []stmt) []stmt {
		var allows []int
		for i, s := range ss {
			if s["Effect"] == "Allow" {
				allows = append(allows, i)
			}
		}
		op := r.IntN(4)
		if len(allows) == 0 {
			op = 3
		}
		switch op {
		case 0: // remove an Allow
			i := pickOne(r, allows)
			return append(ss[:i:i], ss[i+1:]...)
		case 1: // add a condition to an Allow (conditions are ANDed)
			i := pickOne(r, allows)
			add := r.condition(sc)
			cond, _ := ss[i]["Condition"].(map[string]any)
			if cond == nil {
				cond = map[string]any{}
			}
			for op, blk := range add {
				old, _ := cond[op].(map[string]any)
				if old == nil {
					cond[op] = blk
					continue
				}
				for k, v := range blk.(map[string]any) {
					if _, dup := old[k]; dup {
						// The key is already tested by this operator; the
						// value would replace it. Remove the Allow instead.
						return append(ss[:i:i], ss[i+1:]...)
					}
					old[k] = v
				}
			}
			ss[i]["Condition"] = cond
			return ss
		case 2: // an Allow becomes a Deny
			ss[pickOne(r, allows)]["Effect"] = "Deny"
			return ss
		default: // add a Deny
			return append(ss, r.statementFor(sc, typ, "Deny"))
		}
	}
}

// randomPolicy is a new policy for the type: mostly Allow statements.
func (r rnd) randomPolicy(t *testing.T, sc *scenario.Scenario, typ authz.PolicyType) json.RawMessage {
	n := 1 + r.IntN(3)
	var ss []stmt
	for range n {
		eff := "Allow"
		if typ == authz.RCP || r.p(0.2) {
			eff = "Deny"
		}
		ss = append(ss, r.statementFor(sc, typ, eff))
	}
	if typ == authz.RCP && r.p(0.7) {
		ss = append(ss, stmt{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})
	}
	return newPolicy(t, ss...)
}

func hasDeny(t *testing.T, raw json.RawMessage) bool {
	for _, s := range statementsOf(decodeJSON(t, raw)) {
		if s["Effect"] != "Allow" {
			return true
		}
	}
	return false
}

func isRCPAction(action string) bool {
	svc, _, _ := strings.Cut(strings.ToLower(action), ":")
	return svc == "s3" || svc == "sts"
}

func TestPropertyTighteningNeverAllows(t *testing.T) {
	cases := genCases(t, 2002, propScenarios)
	r := newRnd(2)
	base := tally{}
	counts := map[string]int{}
	changed := 0
	for i, c := range cases {
		base[c.base.Result]++
		for range 3 {
			sc := cloneScenario(t, c.sc)
			var what string
			switch r.IntN(4) {
			case 0: // boundary
				if len(sc.PermissionBoundaryPolicies) == 0 {
					what = "add boundary"
					sc.PermissionBoundaryPolicies = []scenario.NamedPolicy{{Name: "added", Policy: r.randomPolicy(t, sc, authz.Boundary)}}
				} else if n, j := len(sc.PermissionBoundaryPolicies), r.IntN(len(sc.PermissionBoundaryPolicies)); n > 1 && r.p(0.3) && !hasDeny(t, sc.PermissionBoundaryPolicies[j].Policy) {
					// The boundary's policies are ORed: without one that
					// only allows, the boundary allows less.
					what = "drop a boundary policy"
					sc.PermissionBoundaryPolicies = append(sc.PermissionBoundaryPolicies[:j:j], sc.PermissionBoundaryPolicies[j+1:]...)
				} else {
					what = "tighten boundary"
					editStatements(t, sc, &sc.PermissionBoundaryPolicies[j].Policy, authz.Boundary, r.tighten(sc, authz.Boundary))
				}
			case 1: // session policy
				if !present(sc.SessionPolicy) {
					what = "add session policy"
					sc.SessionPolicy = r.randomPolicy(t, sc, authz.Session)
				} else {
					what = "tighten session policy"
					editStatements(t, sc, &sc.SessionPolicy, authz.Session, r.tighten(sc, authz.Session))
				}
			case 2, 3: // SCP or RCP level
				typ, levels := authz.SCP, &sc.ServiceControlPolicies
				if r.p(0.5) && isRCPAction(sc.Request.Action) {
					typ, levels = authz.RCP, &sc.ResourceControlPolicies
				}
				if n := len(*levels); n == 0 || r.p(0.3) {
					what = "add " + typ.String() + " level"
					at := r.IntN(n + 1)
					lvl := scenario.OrgPolicies{OrgIdentifier: "ou-added", Policies: []scenario.NamedPolicy{{Name: "added", Policy: r.randomPolicy(t, sc, typ)}}}
					*levels = append((*levels)[:at], append([]scenario.OrgPolicies{lvl}, (*levels)[at:]...)...)
				} else {
					lvl := &(*levels)[r.IntN(n)]
					if m := len(lvl.Policies); m == 0 {
						what = "tighten empty " + typ.String() + " level"
					} else if j := r.IntN(m); r.p(0.3) && !hasDeny(t, lvl.Policies[j].Policy) {
						// A level's policies are ORed: without one that only
						// allows, the level allows less.
						what = "drop a policy of an " + typ.String() + " level"
						lvl.Policies = append(lvl.Policies[:j:j], lvl.Policies[j+1:]...)
					} else {
						what = "tighten " + typ.String() + " level"
						editStatements(t, sc, &lvl.Policies[j].Policy, typ, r.tighten(sc, typ))
					}
				}
			}
			counts[what]++
			d, _ := decideOf(t, sc)
			if d != c.base {
				changed++
			}
			if d.Result == authz.Allowed && c.base.Result != authz.Allowed {
				t.Fatalf("scenario %d: %q turned %v into Allowed\n%s", i, what, c.base.Result, dump(sc))
			}
			if c.base.Result == authz.ExplicitlyDenied && d.Result != authz.ExplicitlyDenied {
				t.Fatalf("scenario %d: %q turned ExplicitlyDenied into %v\n%s", i, what, d.Result, dump(sc))
			}
		}
	}
	t.Logf("(b) %d scenarios (%v); %d changes, %d of which changed the decision: %v", len(cases), base, 3*len(cases), changed, counts)
}

// ---------------------------------------------------------------------------
// (c) Reordering statements within policies, policies within a type and
// within an SCP or RCP level, and the levels themselves, changes nothing.

func shuffled[T any](r rnd, xs []T) {
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
}

func TestPropertyOrderDoesNotMatter(t *testing.T) {
	cases := genCases(t, 3003, propScenarios)
	r := newRnd(3)
	base := tally{}
	levelChecks := 0
	for i, c := range cases {
		base[c.base.Result]++
		sc := cloneScenario(t, c.sc)
		for _, s := range slotsOf(sc) {
			editStatements(t, sc, s.raw, s.typ, func(ss []stmt) []stmt { shuffled(r, ss); return ss })
		}
		shuffled(r, sc.IdentityPolicies)
		shuffled(r, sc.PermissionBoundaryPolicies)
		for l := range sc.ServiceControlPolicies {
			shuffled(r, sc.ServiceControlPolicies[l].Policies)
		}
		for l := range sc.ResourceControlPolicies {
			shuffled(r, sc.ResourceControlPolicies[l].Policies)
		}
		if d, _ := decideOf(t, sc); d != c.base {
			t.Fatalf("scenario %d: reordering changed %+v into %+v\nbefore:\n%s\nafter:\n%s", i, c.base, d, dump(c.sc), dump(sc))
		}
		// Every level must allow, so the order of the levels does not
		// matter to the decision either.
		if len(sc.ServiceControlPolicies) > 1 || len(sc.ResourceControlPolicies) > 1 {
			levelChecks++
			shuffled(r, sc.ServiceControlPolicies)
			shuffled(r, sc.ResourceControlPolicies)
			if d, _ := decideOf(t, sc); d != c.base {
				t.Fatalf("scenario %d: reordering levels changed %+v into %+v\n%s", i, c.base, d, dump(sc))
			}
		}
	}
	t.Logf("(c) %d scenarios (%v) reordered; %d of them with levels reordered too", len(cases), base, levelChecks)
}

// ---------------------------------------------------------------------------
// (d) The case of the action, of condition key names in policies and of
// context keys in the request does not matter.

func (r rnd) mangleCase(s string) string {
	b := []byte(s)
	mode := r.IntN(3)
	for i, c := range b {
		up := mode == 0 || (mode == 2 && r.p(0.5))
		switch {
		case up && 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case !up && 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

func (r rnd) mangleActions(v any) any {
	switch v := v.(type) {
	case string:
		return r.mangleCase(v)
	case []any:
		for i := range v {
			if s, ok := v[i].(string); ok {
				v[i] = r.mangleCase(s)
			}
		}
	}
	return v
}

// mangleKeys renames the keys of each operator block, unless two names would
// then collide (a generator may write one key twice in different cases).
func (r rnd) mangleKeys(cond map[string]any) {
	for op, blk := range cond {
		m, ok := blk.(map[string]any)
		if !ok {
			continue
		}
		next := make(map[string]any, len(m))
		for k, v := range m {
			next[r.mangleCase(k)] = v
		}
		if len(next) == len(m) {
			cond[op] = next
		}
	}
}

func TestPropertyCaseDoesNotMatter(t *testing.T) {
	cases := genCases(t, 4004, propScenarios)
	r := newRnd(4)
	base := tally{}
	for i, c := range cases {
		base[c.base.Result]++
		sc := cloneScenario(t, c.sc)
		sc.Request.Action = r.mangleCase(sc.Request.Action)
		for _, s := range slotsOf(sc) {
			editStatements(t, sc, s.raw, s.typ, func(ss []stmt) []stmt {
				for _, st := range ss {
					for _, el := range []string{"Action", "NotAction"} {
						if v, ok := st[el]; ok {
							st[el] = r.mangleActions(v)
						}
					}
					if cond, ok := st["Condition"].(map[string]any); ok {
						r.mangleKeys(cond)
					}
				}
				return ss
			})
		}
		cv := make(map[string]scenario.Values, len(sc.Request.ContextVariables))
		for k, v := range sc.Request.ContextVariables {
			cv[r.mangleCase(k)] = v
		}
		if len(cv) == len(sc.Request.ContextVariables) {
			sc.Request.ContextVariables = cv
		}
		if d, _ := decideOf(t, sc); d != c.base {
			t.Fatalf("scenario %d: changing case changed %+v into %+v\nbefore:\n%s\nafter:\n%s", i, c.base, d, dump(c.sc), dump(sc))
		}
	}
	t.Logf("(d) %d scenarios (%v) with the case of actions, condition keys and context keys changed", len(cases), base)
}

// ---------------------------------------------------------------------------
// (e) Without Allow statements nothing is allowed, except to the root user of
// the resource's account (authz: "the root user of the resource's account has
// full access, short of an explicit deny or an organization policy"), and then
// only when no SCP, RCP, permissions boundary or session policy is in force.

func TestPropertyNoAllowNoAccess(t *testing.T) {
	cases := genCases(t, 5005, propScenarios)
	base, after := tally{}, tally{}
	rootCases, rootAllowed := 0, 0
	for i, c := range cases {
		base[c.base.Result]++
		sc := cloneScenario(t, c.sc)
		for _, s := range slotsOf(sc) {
			editStatements(t, sc, s.raw, s.typ, func(ss []stmt) []stmt {
				out := ss[:0]
				for _, st := range ss {
					if st["Effect"] != "Allow" {
						out = append(out, st)
					}
				}
				return out
			})
		}
		d, p := decideOf(t, sc)
		after[d.Result]++
		pr := p.Request.Principal
		if pr.Kind == policy.PrincipalRoot && pr.Account == p.Request.ResourceAccount {
			rootCases++
			pol := p.Policies
			// RCP levels keep the AWS managed RCPFullAWSAccess, which the
			// simulator attaches to every level; a role's trust policy must
			// allow even the account's root.
			want := d.Result != authz.ExplicitlyDenied && len(pol.SCP) == 0 && !pol.ResourceMustAllow && len(pol.Boundary) == 0 && len(pol.Session) == 0
			if (d.Result == authz.Allowed) != want {
				t.Fatalf("scenario %d: same-account root without Allow statements: %v, want allowed=%v\n%s", i, d.Result, want, dump(sc))
			}
			if want {
				rootAllowed++
			}
			continue
		}
		if d.Result == authz.Allowed {
			t.Fatalf("scenario %d: allowed without any Allow statement\n%s", i, dump(sc))
		}
	}
	t.Logf("(e) %d scenarios (%v); without Allow statements: %v; %d same-account root callers, %d of them allowed", len(cases), base, after, rootCases, rootAllowed)
}

// ---------------------------------------------------------------------------
// The explanation agrees with the decision: each explained policy's verdict is
// what the policy decides on its own, and an explicit denial is explained by a
// denying policy of a blocking type.

func TestPropertyExplanationAgrees(t *testing.T) {
	cases := genCases(t, 6006, propScenarios)
	base := tally{}
	policies := 0
	for i, c := range cases {
		base[c.base.Result]++
		res, err := propSim.Run(c.sc, simulate.Options{Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Decision != c.base.Result.String() {
			t.Fatalf("scenario %d: Run says %s, Decide %v", i, res.Decision, c.base.Result)
		}
		// The explanation lists the policies in force in evaluation order.
		pol := c.p.Policies
		var inForce []*policy.Compiled
		for _, lvl := range pol.RCP {
			inForce = append(inForce, lvl...)
		}
		for _, lvl := range pol.SCP {
			inForce = append(inForce, lvl...)
		}
		if pol.Resource != nil {
			inForce = append(inForce, pol.Resource)
		}
		inForce = append(inForce, pol.Identity...)
		inForce = append(inForce, pol.Boundary...)
		inForce = append(inForce, pol.Session...)
		if len(inForce) != len(res.Explain.Policies) {
			t.Fatalf("scenario %d: %d policies in force, %d explained\n%s", i, len(inForce), len(res.Explain.Policies), dump(c.sc))
		}
		denying := map[string]bool{}
		for j, cp := range inForce {
			pe := res.Explain.Policies[j]
			o := cp.Evaluate(&c.p.Request.Request)
			want := "NoMatch"
			switch {
			case o.Denied:
				want = "Deny"
			case o.Allowed:
				want = "Allow"
			}
			if pe.Name != cp.Name || pe.Verdict != want {
				t.Fatalf("scenario %d: policy %d explained as %s %q verdict %s; it decides %s (%+v)\n%s", i, j, pe.Type, pe.Name, pe.Verdict, want, o, dump(c.sc))
			}
			if want == "Deny" {
				denying[pe.Type] = true
			}
			policies++
		}
		if (len(denying) > 0) != (c.base.Result == authz.ExplicitlyDenied) {
			t.Fatalf("scenario %d: %v with denying policies %v\n%s", i, c.base.Result, denying, dump(c.sc))
		}
		for typ := range denying {
			if !slices.Contains(res.BlockedBy, typ) {
				t.Fatalf("scenario %d: %s policy denies but blockedBy is %v\n%s", i, typ, res.BlockedBy, dump(c.sc))
			}
		}
	}
	t.Logf("explanations of %d scenarios (%v), %d policy verdicts checked", len(cases), base, policies)
}
