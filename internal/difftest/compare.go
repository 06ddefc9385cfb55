package difftest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

// Decisions.
const (
	Allowed          = "Allowed"
	ExplicitlyDenied = "ExplicitlyDenied"
	ImplicitlyDenied = "ImplicitlyDenied"
)

// Outcome is one engine's answer for a scenario: a decision, or an error.
type Outcome struct {
	Decision  string   `json:"decision,omitempty"`
	BlockedBy []string `json:"blockedBy,omitempty"`
	Err       string   `json:"error,omitempty"`
}

// Outcome converts an oracle answer.
func (r OracleResult) Outcome() Outcome {
	if r.Error != "" {
		return Outcome{Err: r.Error}
	}
	return Outcome{Decision: r.Decision, BlockedBy: r.BlockedBy}
}

// OracleOutcomes converts oracle answers.
func OracleOutcomes(rs []OracleResult) []Outcome {
	out := make([]Outcome, len(rs))
	for i, r := range rs {
		out[i] = r.Outcome()
	}
	return out
}

// RunOurs decides every scenario with run, on GOMAXPROCS goroutines (run
// must be safe for concurrent use). With the engine:
//
//	sim := simulate.New(cat)
//	ours := difftest.RunOurs(scs, func(sc *scenario.Scenario) difftest.Outcome {
//		r, err := sim.Run(sc, simulate.Options{})
//		if err != nil {
//			return difftest.Outcome{Err: err.Error()}
//		}
//		return difftest.Outcome{Decision: r.Decision, BlockedBy: r.BlockedBy}
//	})
//
// A panic in run is reported as that scenario's error.
func RunOurs(scs []*scenario.Scenario, run func(*scenario.Scenario) Outcome) []Outcome {
	out := make([]Outcome, len(scs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(scs) {
					return
				}
				out[i] = runOne(run, scs[i])
			}
		}()
	}
	wg.Wait()
	return out
}

func runOne(run func(*scenario.Scenario) Outcome, sc *scenario.Scenario) (o Outcome) {
	defer func() {
		if v := recover(); v != nil {
			o = Outcome{Err: fmt.Sprintf("panic: %v", v)}
		}
	}()
	return run(sc)
}

// Mix counts decisions.
type Mix struct {
	Allowed, ExplicitlyDenied, ImplicitlyDenied, Errors int
}

// MixOf counts the outcomes' decisions.
func MixOf(os []Outcome) Mix {
	var m Mix
	for _, o := range os {
		m.add(o)
	}
	return m
}

func (m *Mix) add(o Outcome) {
	switch {
	case o.Err != "":
		m.Errors++
	case o.Decision == Allowed:
		m.Allowed++
	case o.Decision == ExplicitlyDenied:
		m.ExplicitlyDenied++
	case o.Decision == ImplicitlyDenied:
		m.ImplicitlyDenied++
	default:
		m.Errors++ // an unknown decision is as bad as an error
	}
}

// Decided is the number of outcomes that are decisions.
func (m Mix) Decided() int { return m.Allowed + m.ExplicitlyDenied + m.ImplicitlyDenied }

// Total is the number of outcomes.
func (m Mix) Total() int { return m.Decided() + m.Errors }

// Fraction returns the share of decision d among the decided outcomes.
func (m Mix) Fraction(d string) float64 {
	if m.Decided() == 0 {
		return 0
	}
	n := 0
	switch d {
	case Allowed:
		n = m.Allowed
	case ExplicitlyDenied:
		n = m.ExplicitlyDenied
	case ImplicitlyDenied:
		n = m.ImplicitlyDenied
	}
	return float64(n) / float64(m.Decided())
}

// ErrorRate is the share of errors among all outcomes.
func (m Mix) ErrorRate() float64 {
	if m.Total() == 0 {
		return 0
	}
	return float64(m.Errors) / float64(m.Total())
}

func (m Mix) String() string {
	return fmt.Sprintf("Allowed %d (%.1f%%), ExplicitlyDenied %d (%.1f%%), ImplicitlyDenied %d (%.1f%%) of %d decided; errors %d (%.1f%% of %d)",
		m.Allowed, 100*m.Fraction(Allowed), m.ExplicitlyDenied, 100*m.Fraction(ExplicitlyDenied),
		m.ImplicitlyDenied, 100*m.Fraction(ImplicitlyDenied), m.Decided(), m.Errors, 100*m.ErrorRate(), m.Total())
}

// CompareOptions tune Compare.
type CompareOptions struct {
	// BlockedBy also compares the sets of denying policy types when both
	// sides deny alike. The oracle's view of them is approximate, so this is
	// off by default.
	BlockedBy bool
}

// Disagreement is one scenario on which our engine and the oracle differ.
type Disagreement struct {
	Index    int
	ID       string
	Ours     Outcome
	Oracle   Outcome
	Scenario json.RawMessage
	// Known names behaviours of the scenario where the oracle is known to
	// differ from AWS (see KnownDivergences); empty when none applies.
	Known []string
}

func (d Disagreement) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario #%d %s: ours %s, oracle %s", d.Index, d.ID, d.Ours.describe(), d.Oracle.describe())
	if len(d.Known) > 0 {
		fmt.Fprintf(&b, " (known oracle divergences: %s)", strings.Join(d.Known, ", "))
	}
	fmt.Fprintf(&b, "\n  %s", d.Scenario)
	return b.String()
}

func (o Outcome) describe() string {
	if o.Err != "" {
		return "error: " + truncate(o.Err, 200)
	}
	if len(o.BlockedBy) > 0 {
		return fmt.Sprintf("%s %v", o.Decision, o.BlockedBy)
	}
	return o.Decision
}

// Report is the result of Compare.
type Report struct {
	Total int
	// Agree counts scenarios decided alike. Scenarios the oracle refused are
	// in OracleErrors and neither agree nor disagree.
	Agree        int
	OracleErrors int
	Ours, Oracle Mix
	// Disagreements are the scenarios decided differently, or that we
	// refused and the oracle decided.
	Disagreements []Disagreement
	// Confusion counts (ours, oracle) decision pairs; "error" stands for an
	// error.
	Confusion map[[2]string]int
}

// Unexplained returns the disagreements that no known oracle divergence
// accounts for.
func (r *Report) Unexplained() []Disagreement {
	var out []Disagreement
	for _, d := range r.Disagreements {
		if len(d.Known) == 0 {
			out = append(out, d)
		}
	}
	return out
}

// Summary describes the report in a few lines.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d scenarios: %d agree, %d disagree (%d unexplained), %d refused by the oracle\n",
		r.Total, r.Agree, len(r.Disagreements), len(r.Unexplained()), r.OracleErrors)
	fmt.Fprintf(&b, "ours:   %v\noracle: %v\n", r.Ours, r.Oracle)
	var pairs [][2]string
	for p := range r.Confusion {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	for _, p := range pairs {
		if p[0] != p[1] {
			fmt.Fprintf(&b, "  ours %s / oracle %s: %d\n", p[0], p[1], r.Confusion[p])
		}
	}
	return b.String()
}

// Compare lines up our outcomes and the oracle's for the same scenarios.
func Compare(scs []*scenario.Scenario, ours, oracle []Outcome, opts CompareOptions) *Report {
	if len(ours) != len(scs) || len(oracle) != len(scs) {
		panic(fmt.Sprintf("difftest.Compare: %d scenarios, %d of our outcomes, %d oracle outcomes", len(scs), len(ours), len(oracle)))
	}
	r := &Report{Total: len(scs), Confusion: map[[2]string]int{}}
	for i, sc := range scs {
		o, w := ours[i], oracle[i]
		r.Ours.add(o)
		r.Oracle.add(w)
		r.Confusion[[2]string{o.label(), w.label()}]++
		if w.Err != "" {
			r.OracleErrors++
			continue
		}
		same := o.Err == "" && o.Decision == w.Decision
		if same && opts.BlockedBy && o.Decision != Allowed && !sameSet(o.BlockedBy, w.BlockedBy) {
			same = false
		}
		if same {
			r.Agree++
			continue
		}
		b, _ := json.Marshal(sc)
		r.Disagreements = append(r.Disagreements, Disagreement{
			Index:    i,
			ID:       string(sc.ID),
			Ours:     o,
			Oracle:   w,
			Scenario: b,
			Known:    KnownDivergences(sc),
		})
	}
	return r
}

func (o Outcome) label() string {
	if o.Err != "" {
		return "error"
	}
	return o.Decision
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// KnownDivergences names the features of a scenario on which the oracle
// (@cloud-copilot/iam-simulate 0.1.173) is known, from its documentation and
// source, to decide differently from AWS. A disagreement on such a scenario
// needs a look at AWS's documentation before it is called a bug of ours:
//
//   - "root-principal": the request is made by an account root user, whom AWS
//     allows everything in its own account without identity policies; the
//     oracle treats the root like any identity.
//   - "session-policy-with-resource-policy": AWS lets a resource-based
//     policy that names the role session (or user) grant access despite an
//     implicit deny of the session policy; the oracle always applies the
//     session policy first.
//   - "notprincipal": the resource policy has NotPrincipal. AWS excludes a
//     caller only when NotPrincipal names it and its account (and, for a
//     role session, the session ARN); the oracle excludes a caller named by
//     its own ARN or its role's.
//   - "missing-policy-variable": a policy refers to a variable (without a
//     default) that the request context lacks. The oracle fails only the
//     value that holds the variable, and other values of the condition may
//     still match; AWS documents only that such a value matches nothing.
//   - "set-operator-ifexists-missing-key": a ForAllValues:/ForAnyValue:
//     operator with IfExists tests a key the request lacks; AWS's IfExists
//     makes it true, the oracle ignores IfExists with set operators.
//   - "version-2008-variables": a policy without Version 2012-10-17 contains
//     "${": AWS reads it literally, the oracle substitutes it. (The
//     generator does not write these.)
func KnownDivergences(sc *scenario.Scenario) []string {
	var out []string
	p := sc.Request.Principal
	if !p.Anonymous && strings.HasPrefix(p.ID, "arn:") && strings.HasSuffix(p.ID, ":root") {
		out = append(out, "root-principal")
	}
	if len(sc.SessionPolicy) > 0 && len(sc.ResourcePolicy) > 0 {
		out = append(out, "session-policy-with-resource-policy")
	}
	if strings.Contains(string(sc.ResourcePolicy), `"NotPrincipal"`) {
		out = append(out, "notprincipal")
	}
	present := map[string]bool{}
	for k := range sc.Request.ContextVariables {
		present[strings.ToLower(k)] = true
	}
	var setIfExists, oldVars, missingVar bool
	for _, pol := range allPolicies(sc) {
		s := string(pol)
		if strings.Contains(s, "${") && !strings.Contains(s, `"2012-10-17"`) {
			oldVars = true
		}
		for _, m := range policyVariable.FindAllStringSubmatch(s, -1) {
			name, _, hasDefault := strings.Cut(m[1], ", ")
			if name != "*" && name != "?" && name != "$" && !hasDefault && !present[strings.ToLower(strings.TrimSpace(name))] {
				missingVar = true
			}
		}
		doc, err := decodePolicy(pol)
		if err != nil {
			continue
		}
		for _, st := range statements(doc) {
			cond, _ := st["Condition"].(map[string]any)
			for op, block := range cond {
				q := operatorQualifiers(op)
				if len(q) < 2 { // a set operator and IfExists
					continue
				}
				keys, _ := block.(map[string]any)
				for k := range keys {
					if !present[strings.ToLower(k)] {
						setIfExists = true
					}
				}
			}
		}
	}
	if setIfExists {
		out = append(out, "set-operator-ifexists-missing-key")
	}
	if missingVar {
		out = append(out, "missing-policy-variable")
	}
	if oldVars {
		out = append(out, "version-2008-variables")
	}
	return out
}

var policyVariable = regexp.MustCompile(`\$\{([^}]*)\}`)

func allPolicies(sc *scenario.Scenario) []json.RawMessage {
	var out []json.RawMessage
	for _, p := range sc.IdentityPolicies {
		out = append(out, p.Policy)
	}
	for _, p := range sc.PermissionBoundaryPolicies {
		out = append(out, p.Policy)
	}
	for _, l := range sc.ServiceControlPolicies {
		for _, p := range l.Policies {
			out = append(out, p.Policy)
		}
	}
	for _, l := range sc.ResourceControlPolicies {
		for _, p := range l.Policies {
			out = append(out, p.Policy)
		}
	}
	if len(sc.SessionPolicy) > 0 {
		out = append(out, sc.SessionPolicy)
	}
	if len(sc.ResourcePolicy) > 0 {
		out = append(out, sc.ResourcePolicy)
	}
	return out
}
