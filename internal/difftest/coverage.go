package difftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

// PolicyRef names one policy of a scenario.
type PolicyRef struct {
	// Kind is identity, boundary, session, scp, rcp or resource.
	Kind string
	// Level is the SCP or RCP level (0 = root); 0 for other kinds.
	Level int
	// Index is the policy's index in its list (identity, boundary, or the
	// level's policies); 0 for session and resource.
	Index int
}

func (p PolicyRef) String() string {
	switch p.Kind {
	case "scp", "rcp":
		return fmt.Sprintf("%s[%d][%d]", p.Kind, p.Level, p.Index)
	case "identity", "boundary":
		return fmt.Sprintf("%s[%d]", p.Kind, p.Index)
	}
	return p.Kind
}

// CondRef names one operator block of a statement's Condition, e.g. the
// "ForAnyValue:StringLikeIfExists" block of identity[1].Statement[0].
type CondRef struct {
	Policy   PolicyRef
	Stmt     int
	Operator string // as written in the policy
}

func (c CondRef) String() string {
	return fmt.Sprintf("%v.Statement[%d].Condition.%s", c.Policy, c.Stmt, c.Operator)
}

// BaseOperator strips the ForAllValues:/ForAnyValue: qualifier and the
// IfExists suffix from an operator and returns it in the spelling of
// Operators ("forallvalues:stringlikeifexists" → "StringLike"). An unknown
// operator is returned stripped but otherwise as written.
func BaseOperator(op string) string {
	base := op
	if i := strings.IndexByte(base, ':'); i >= 0 {
		base = base[i+1:]
	}
	if len(base) > len("IfExists") && strings.EqualFold(base[len(base)-len("IfExists"):], "IfExists") {
		base = base[:len(base)-len("IfExists")]
	}
	for _, o := range Operators {
		if strings.EqualFold(o, base) {
			return o
		}
	}
	return base
}

// operatorQualifiers returns the qualifiers of an operator: "IfExists",
// "ForAllValues", "ForAnyValue".
func operatorQualifiers(op string) []string {
	var out []string
	if i := strings.IndexByte(op, ':'); i >= 0 {
		q := op[:i]
		switch {
		case strings.EqualFold(q, "ForAllValues"):
			out = append(out, "ForAllValues")
		case strings.EqualFold(q, "ForAnyValue"):
			out = append(out, "ForAnyValue")
		}
	}
	if len(op) > len("IfExists") && strings.EqualFold(op[len(op)-len("IfExists"):], "IfExists") {
		out = append(out, "IfExists")
	}
	return out
}

// policyAt returns the policy a ref names, or nil.
func policyAt(sc *scenario.Scenario, p PolicyRef) json.RawMessage {
	switch p.Kind {
	case "identity":
		if p.Index < len(sc.IdentityPolicies) {
			return sc.IdentityPolicies[p.Index].Policy
		}
	case "boundary":
		if p.Index < len(sc.PermissionBoundaryPolicies) {
			return sc.PermissionBoundaryPolicies[p.Index].Policy
		}
	case "scp":
		if p.Level < len(sc.ServiceControlPolicies) && p.Index < len(sc.ServiceControlPolicies[p.Level].Policies) {
			return sc.ServiceControlPolicies[p.Level].Policies[p.Index].Policy
		}
	case "rcp":
		if p.Level < len(sc.ResourceControlPolicies) && p.Index < len(sc.ResourceControlPolicies[p.Level].Policies) {
			return sc.ResourceControlPolicies[p.Level].Policies[p.Index].Policy
		}
	case "session":
		return sc.SessionPolicy
	case "resource":
		return sc.ResourcePolicy
	}
	return nil
}

// policyRefs lists the policies of a scenario.
func policyRefs(sc *scenario.Scenario) []PolicyRef {
	var out []PolicyRef
	for i := range sc.IdentityPolicies {
		out = append(out, PolicyRef{Kind: "identity", Index: i})
	}
	for i := range sc.PermissionBoundaryPolicies {
		out = append(out, PolicyRef{Kind: "boundary", Index: i})
	}
	if len(sc.SessionPolicy) > 0 {
		out = append(out, PolicyRef{Kind: "session"})
	}
	for l, lv := range sc.ServiceControlPolicies {
		for i := range lv.Policies {
			out = append(out, PolicyRef{Kind: "scp", Level: l, Index: i})
		}
	}
	for l, lv := range sc.ResourceControlPolicies {
		for i := range lv.Policies {
			out = append(out, PolicyRef{Kind: "rcp", Level: l, Index: i})
		}
	}
	if len(sc.ResourcePolicy) > 0 {
		out = append(out, PolicyRef{Kind: "resource"})
	}
	return out
}

// decodePolicy reads a policy keeping numbers as written.
func decodePolicy(raw json.RawMessage) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// statements returns a policy's statements (a single statement object is a
// list of one).
func statements(doc map[string]any) []map[string]any {
	switch s := doc["Statement"].(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		out := make([]map[string]any, 0, len(s))
		for _, x := range s {
			m, _ := x.(map[string]any)
			out = append(out, m) // nil for a malformed statement keeps indexes
		}
		return out
	}
	return nil
}

// ConditionRefs lists every condition operator block in a scenario's
// policies. Policies that are not valid JSON objects are skipped.
func ConditionRefs(sc *scenario.Scenario) []CondRef {
	var out []CondRef
	for _, pr := range policyRefs(sc) {
		doc, err := decodePolicy(policyAt(sc, pr))
		if err != nil {
			continue
		}
		for si, st := range statements(doc) {
			cond, _ := st["Condition"].(map[string]any)
			ops := make([]string, 0, len(cond))
			for op := range cond {
				ops = append(ops, op)
			}
			sort.Strings(ops)
			for _, op := range ops {
				out = append(out, CondRef{Policy: pr, Stmt: si, Operator: op})
			}
		}
	}
	return out
}

// WithoutCondition returns a copy of the scenario in which the named
// operator block is removed (and the statement's Condition with it when it
// was the only block). The scenario itself is not modified.
func WithoutCondition(sc *scenario.Scenario, ref CondRef) (*scenario.Scenario, error) {
	raw := policyAt(sc, ref.Policy)
	if raw == nil {
		return nil, fmt.Errorf("difftest: no policy %v", ref.Policy)
	}
	doc, err := decodePolicy(raw)
	if err != nil {
		return nil, fmt.Errorf("difftest: %v: %w", ref.Policy, err)
	}
	sts := statements(doc)
	if ref.Stmt >= len(sts) || sts[ref.Stmt] == nil {
		return nil, fmt.Errorf("difftest: no statement %d in %v", ref.Stmt, ref.Policy)
	}
	st := sts[ref.Stmt]
	cond, _ := st["Condition"].(map[string]any)
	if _, ok := cond[ref.Operator]; !ok {
		return nil, fmt.Errorf("difftest: no condition operator %s", ref)
	}
	delete(cond, ref.Operator)
	if len(cond) == 0 {
		delete(st, "Condition")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	pol := json.RawMessage(bytes.TrimSpace(buf.Bytes()))

	c := *sc
	switch ref.Policy.Kind {
	case "identity":
		c.IdentityPolicies = append([]scenario.NamedPolicy(nil), sc.IdentityPolicies...)
		c.IdentityPolicies[ref.Policy.Index].Policy = pol
	case "boundary":
		c.PermissionBoundaryPolicies = append([]scenario.NamedPolicy(nil), sc.PermissionBoundaryPolicies...)
		c.PermissionBoundaryPolicies[ref.Policy.Index].Policy = pol
	case "session":
		c.SessionPolicy = pol
	case "resource":
		c.ResourcePolicy = pol
	case "scp", "rcp":
		levels := &c.ServiceControlPolicies
		if ref.Policy.Kind == "rcp" {
			levels = &c.ResourceControlPolicies
		}
		lv := append([]scenario.OrgPolicies(nil), (*levels)...)
		lv[ref.Policy.Level].Policies = append([]scenario.NamedPolicy(nil), lv[ref.Policy.Level].Policies...)
		lv[ref.Policy.Level].Policies[ref.Policy.Index].Policy = pol
		*levels = lv
	}
	return &c, nil
}

// Variant is a scenario with one condition block removed.
type Variant struct {
	Parent   int // index of the original scenario
	Ref      CondRef
	Scenario *scenario.Scenario
}

// ConditionVariants returns, for every scenario not skipped, one variant per
// condition block. skip may be nil.
func ConditionVariants(scs []*scenario.Scenario, skip func(i int) bool) []Variant {
	var out []Variant
	for i, sc := range scs {
		if skip != nil && skip(i) {
			continue
		}
		for _, ref := range ConditionRefs(sc) {
			v, err := WithoutCondition(sc, ref)
			if err != nil {
				continue
			}
			out = append(out, Variant{Parent: i, Ref: ref, Scenario: v})
		}
	}
	return out
}

// VariantScenarios returns the variants' scenarios.
func VariantScenarios(vs []Variant) []*scenario.Scenario {
	out := make([]*scenario.Scenario, len(vs))
	for i, v := range vs {
		out[i] = v.Scenario
	}
	return out
}

// CoverageTracker records, for each condition operator, whether it was ever
// decisive: whether some scenario's decision changed when that operator's
// block was removed from it. Qualified forms (IfExists, ForAllValues:,
// ForAnyValue:) count for their base operator; the qualifiers are also
// tracked on their own, for information.
type CoverageTracker struct {
	mu       sync.Mutex
	seen     map[string]int
	changed  map[string]int
	qSeen    map[string]int
	qChanged map[string]int
	example  map[string]string
}

// NewCoverageTracker returns an empty tracker.
func NewCoverageTracker() *CoverageTracker {
	return &CoverageTracker{
		seen: map[string]int{}, changed: map[string]int{},
		qSeen: map[string]int{}, qChanged: map[string]int{},
		example: map[string]string{},
	}
}

// Record notes the decision of a scenario with the ref's block (with) and
// without it (without). Empty decisions (errors) are ignored.
func (t *CoverageTracker) Record(ref CondRef, with, without string) {
	if with == "" || without == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	base := BaseOperator(ref.Operator)
	t.seen[base]++
	changed := with != without
	if changed {
		t.changed[base]++
		if _, ok := t.example[base]; !ok {
			t.example[base] = fmt.Sprintf("%v: %s -> %s", ref, with, without)
		}
	}
	for _, q := range operatorQualifiers(ref.Operator) {
		t.qSeen[q]++
		if changed {
			t.qChanged[q]++
		}
	}
}

// RecordVariants records variants given the outcomes of their parents
// (indexed by Variant.Parent) and their own outcomes (indexed like vs).
func (t *CoverageTracker) RecordVariants(vs []Variant, parents, variants []Outcome) {
	for i, v := range vs {
		p, w := parents[v.Parent], variants[i]
		if p.Err != "" || w.Err != "" {
			continue
		}
		t.Record(v.Ref, p.Decision, w.Decision)
	}
}

// Example returns a condition block whose removal changed a decision for
// the operator, or "" if none did.
func (t *CoverageTracker) Example(op string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.example[BaseOperator(op)]
}

// Uncovered returns the operators of Operators that never changed an
// outcome.
func (t *CoverageTracker) Uncovered() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, op := range Operators {
		if t.changed[op] == 0 {
			out = append(out, op)
		}
	}
	return out
}

// Report is a table of operators: blocks seen and blocks whose removal
// changed the decision, then the same for the qualifiers.
func (t *CoverageTracker) Report() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %7s %9s\n", "operator", "blocks", "decisive")
	for _, op := range Operators {
		fmt.Fprintf(&b, "%-28s %7d %9d\n", op, t.seen[op], t.changed[op])
	}
	for _, q := range []string{"IfExists", "ForAllValues", "ForAnyValue"} {
		fmt.Fprintf(&b, "%-28s %7d %9d\n", "(qualifier) "+q, t.qSeen[q], t.qChanged[q])
	}
	return b.String()
}
