package difftest

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

var (
	flagN    = flag.Int("difftest.n", 2000, "number of generated scenarios")
	flagSeed = flag.Uint64("difftest.seed", 1, "seed of the scenario generator")
	flagDump = flag.String("difftest.dump", "", "write the generated scenarios and the oracle's answers as JSON lines to this file")
)

// TestGeneratorAgainstOracle checks the generator with the oracle: the
// decision mix must be balanced (each decision >= 10% of the decided
// scenarios), the oracle must accept almost every scenario (errors <= 20%),
// no context key may be one the oracle ignores, and every condition operator
// must change some scenario's outcome when its block is removed.
func TestGeneratorAgainstOracle(t *testing.T) {
	o := StartOracleForTest(t)
	scs := NewGenerator(*flagSeed).Scenarios(*flagN)

	start := time.Now()
	res, err := o.Decide(scs)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("oracle: %d scenarios in %v (%.0f ms per 1000)", len(scs), elapsed.Round(time.Millisecond),
		float64(elapsed.Milliseconds())*1000/float64(max(1, len(scs))))

	if *flagDump != "" {
		dump(t, *flagDump, scs, res)
	}

	mix := MixOf(OracleOutcomes(res))
	t.Logf("decision mix: %v", mix)

	errKinds := map[string]int{}
	ignored := map[string]int{}
	var examples []string
	for i, r := range res {
		if r.Error != "" {
			kind, _, _ := strings.Cut(r.Error, " ")
			errKinds[kind]++
			if len(examples) < 5 {
				b, _ := json.Marshal(scs[i])
				examples = append(examples, fmt.Sprintf("%s: %s\n  %s", scs[i].ID, truncate(r.Error, 400), truncate(string(b), 3000)))
			}
			continue
		}
		for _, k := range r.IgnoredContextKeys {
			ignored[scs[i].Request.Action+" "+k]++
		}
		if r.ResultType != "single" {
			t.Errorf("%s: oracle ran a %q simulation; the generator must not put wildcards in the request's resource", scs[i].ID, r.ResultType)
		}
	}
	if len(errKinds) > 0 {
		t.Logf("oracle errors by kind: %v", errKinds)
		for _, e := range examples {
			t.Logf("oracle error example: %s", e)
		}
	}
	if len(ignored) > 0 {
		keys := sortedKeys(ignored)
		t.Errorf("the generator supplied context keys that do not apply to the action (action key: count): %v", fmtCounts(keys, ignored))
	}

	if mix.ErrorRate() > 0.20 {
		t.Errorf("oracle errors: %.1f%% of scenarios, want <= 20%%", 100*mix.ErrorRate())
	}
	for _, d := range []string{Allowed, ExplicitlyDenied, ImplicitlyDenied} {
		if f := mix.Fraction(d); f < 0.10 {
			t.Errorf("%s: %.1f%% of decided scenarios, want >= 10%%", d, 100*f)
		}
	}

	// Operator coverage: remove each condition block in turn.
	variants := ConditionVariants(scs, func(i int) bool { return res[i].Error != "" })
	start = time.Now()
	vres, err := o.Decide(VariantScenarios(variants))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("coverage: %d variants decided in %v", len(variants), time.Since(start).Round(time.Millisecond))
	cov := NewCoverageTracker()
	cov.RecordVariants(variants, OracleOutcomes(res), OracleOutcomes(vres))
	t.Logf("condition operator coverage (blocks seen, blocks whose removal changed the decision):\n%s", cov.Report())
	if u := cov.Uncovered(); len(u) > 0 {
		t.Errorf("condition operators that never changed an outcome: %v", u)
	}
}

func fmtCounts(keys []string, m map[string]int) string {
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s: %d", k, m[k])
	}
	return b.String()
}

func dump(t *testing.T, path string, scs []*scenario.Scenario, res []OracleResult) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for i, sc := range scs {
		b, _ := json.Marshal(struct {
			Scenario *scenario.Scenario `json:"scenario"`
			Oracle   OracleResult       `json:"oracle"`
		}{sc, res[i]})
		w.Write(append(b, '\n'))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// The tests below do not need the oracle.

func TestGeneratorDeterministic(t *testing.T) {
	a, _ := json.Marshal(NewGenerator(7).Scenarios(50))
	b, _ := json.Marshal(NewGenerator(7).Scenarios(50))
	if string(a) != string(b) {
		t.Fatal("the same seed gave different scenarios")
	}
	c, _ := json.Marshal(NewGenerator(8).Scenarios(50))
	if string(a) == string(c) {
		t.Fatal("different seeds gave the same scenarios")
	}
}

// TestGeneratedScenariosAreWellFormed checks that every scenario reads back
// through package scenario (which `cleanroom policy simulate` uses) and keeps
// the generator's rules.
func TestGeneratedScenariosAreWellFormed(t *testing.T) {
	g := NewGenerator(3)
	ops := map[string]bool{}
	for range 3000 {
		sc := g.Scenario()
		b, err := json.Marshal(sc)
		if err != nil {
			t.Fatal(err)
		}
		back, err := scenario.Decode(b)
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		res := back.Request.Resource.Resource
		if strings.ContainsAny(res, "*?") {
			t.Fatalf("%s: wildcard in the requested resource %q", sc.ID, res)
		}
		p := back.Request.Principal
		if p.Anonymous || !strings.HasPrefix(p.ID, "arn:") {
			if len(back.IdentityPolicies) > 0 || len(back.ServiceControlPolicies) > 0 || len(back.PermissionBoundaryPolicies) > 0 || len(back.SessionPolicy) > 0 {
				t.Fatalf("%s: principal-side policies for principal %+v", sc.ID, p)
			}
		}
		if svc, _, _ := strings.Cut(back.Request.Action, ":"); len(back.ResourceControlPolicies) > 0 && svc != "s3" && svc != "sts" {
			t.Fatalf("%s: RCPs on a %s request", sc.ID, svc)
		}
		for _, pol := range allPolicies(back) {
			if !json.Valid(pol) {
				t.Fatalf("%s: invalid policy JSON %s", sc.ID, pol)
			}
		}
		if k := KnownDivergences(back); contains(k, "version-2008-variables") {
			t.Fatalf("%s: policy variables in a policy that is not Version 2012-10-17", sc.ID)
		}
		for _, ref := range ConditionRefs(back) {
			ops[BaseOperator(ref.Operator)] = true
		}
	}
	for _, op := range Operators {
		if !ops[op] {
			t.Errorf("operator %s never generated", op)
		}
	}
}

func TestWithoutCondition(t *testing.T) {
	sc := &scenario.Scenario{
		IdentityPolicies: []scenario.NamedPolicy{{Name: "p", Policy: json.RawMessage(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"a*"},"NumericLessThan":{"s3:max-keys":10}}},
			{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}]}`)}},
		ServiceControlPolicies: []scenario.OrgPolicies{{OrgIdentifier: "r-1", Policies: []scenario.NamedPolicy{
			{Name: "s", Policy: json.RawMessage(`{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:SourceIp":"true"}}}}`)}}}},
	}
	refs := ConditionRefs(sc)
	var got []string
	for _, r := range refs {
		got = append(got, r.String()+"="+BaseOperator(r.Operator))
	}
	sort.Strings(got)
	want := []string{
		"identity[0].Statement[0].Condition.ForAnyValue:StringLikeIfExists=StringLike",
		"identity[0].Statement[0].Condition.NumericLessThan=NumericLessThan",
		"identity[0].Statement[1].Condition.Bool=Bool",
		"scp[0][0].Statement[0].Condition.Null=Null",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("refs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	v, err := WithoutCondition(sc, refs[1]) // NumericLessThan
	if err != nil {
		t.Fatal(err)
	}
	if s := string(v.IdentityPolicies[0].Policy); strings.Contains(s, "NumericLessThan") || !strings.Contains(s, "StringLikeIfExists") {
		t.Fatalf("NumericLessThan not removed alone: %s", s)
	}
	if s := string(sc.IdentityPolicies[0].Policy); !strings.Contains(s, "NumericLessThan") {
		t.Fatal("WithoutCondition modified its input")
	}
	v, err = WithoutCondition(sc, refs[3]) // the SCP's only block
	if err != nil {
		t.Fatal(err)
	}
	if s := string(v.ServiceControlPolicies[0].Policies[0].Policy); strings.Contains(s, "Condition") {
		t.Fatalf("empty Condition left behind: %s", s)
	}
	if s := string(sc.ServiceControlPolicies[0].Policies[0].Policy); !strings.Contains(s, "Null") {
		t.Fatal("WithoutCondition modified its input's SCP")
	}
}

func TestBaseOperator(t *testing.T) {
	for in, want := range map[string]string{
		"StringEquals":                    "StringEquals",
		"forallvalues:stringlikeifexists": "StringLike",
		"ForAnyValue:ArnNotLike":          "ArnNotLike",
		"NullIfExists":                    "Null",
		"BinaryEqualsIfExists":            "BinaryEquals",
		"IpAddress":                       "IpAddress",
	} {
		if got := BaseOperator(in); got != want {
			t.Errorf("BaseOperator(%q) = %q, want %q", in, got, want)
		}
	}
}
