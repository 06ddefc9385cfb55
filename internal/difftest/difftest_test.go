package difftest

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
	"github.com/cleanroom-dev/cleanroom/internal/simulate"
)

// knownDisagreement is a class of scenarios on which cleanroom and the oracle
// differ because the oracle departs from AWS's documented behaviour. Each
// class names the AWS page that shows the oracle wrong.
type knownDisagreement struct {
	Label     string `json:"label"`
	Page      string `json:"page"`
	Rule      string `json:"rule"`
	Cleanroom string `json:"cleanroom"`
	Oracle    string `json:"oracle"`
}

func loadKnown(t *testing.T) map[string]knownDisagreement {
	data, err := os.ReadFile(filepath.Join("testdata", "known-disagreements.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []knownDisagreement
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatalf("known-disagreements.json: %v", err)
	}
	out := map[string]knownDisagreement{}
	for _, k := range list {
		if k.Label == "" || !strings.HasPrefix(k.Page, "https://docs.aws.amazon.com/") {
			t.Fatalf("known disagreement %q must name the AWS documentation page that shows the oracle wrong", k.Label)
		}
		out[k.Label] = k
	}
	return out
}

// oursOf runs cleanroom's simulator on a scenario.
func oursOf(sim *simulate.Simulator) func(*scenario.Scenario) Outcome {
	return func(sc *scenario.Scenario) Outcome {
		res, err := sim.Run(sc, simulate.Options{})
		if err != nil {
			return Outcome{Err: err.Error()}
		}
		return Outcome{Decision: res.Decision, BlockedBy: res.BlockedBy}
	}
}

// TestDifferential compares cleanroom's decisions with those of
// @cloud-copilot/iam-simulate on random scenarios (-difftest.n, default 2000;
// `make difftest` runs 20,000; `-difftest.n=1000000` is the long run). It
// fails on any disagreement that is not a documented class in
// testdata/known-disagreements.json, when a decision class is under 10% of
// the mix, when cleanroom refuses a scenario the oracle accepts, and when a
// condition operator never changes an outcome.
func TestDifferential(t *testing.T) {
	o := StartOracleForTest(t)
	known := loadKnown(t)
	for _, r := range Rules {
		if _, ok := known[r.Label]; !ok {
			t.Fatalf("rule %q is not documented in testdata/known-disagreements.json", r.Label)
		}
	}
	if len(known) != len(Rules) {
		t.Fatalf("known-disagreements.json lists %d classes, Rules has %d", len(known), len(Rules))
	}
	sim := simulate.New(catalog.Default())
	run := oursOf(sim)

	const batch = 20000
	total := *flagN
	gen := NewGenerator(*flagSeed)
	var (
		agg       Report
		unex      []Disagreement
		byLabel   = map[string]int{}
		confusion = map[[2]string]int{}
		oursMix   Mix
		oracleMix Mix
		ourErrs   []string
		covered   bool
		cov       = NewCoverageTracker()
	)
	start := time.Now()
	for done := 0; done < total; {
		n := min(batch, total-done)
		scs := gen.Scenarios(n)
		done += n
		ours := RunOurs(scs, run)
		ores, err := o.Decide(scs)
		if err != nil {
			t.Fatal(err)
		}
		orc := OracleOutcomes(ores)
		rep := Compare(scs, ours, orc, CompareOptions{})
		agg.Total += rep.Total
		agg.Agree += rep.Agree
		agg.OracleErrors += rep.OracleErrors
		for k, v := range rep.Confusion {
			confusion[k] += v
		}
		add(&oursMix, rep.Ours)
		add(&oracleMix, rep.Oracle)
		var pending []Disagreement
		for _, d := range rep.Disagreements {
			if d.Oracle.Err != "" {
				continue // the oracle refused the scenario: does not count
			}
			if d.Ours.Err != "" {
				ourErrs = append(ourErrs, d.String())
				continue
			}
			pending = append(pending, d)
		}
		unex = append(unex, explain(t, o, scs, pending, byLabel)...)
		// Operator coverage on the first batch: remove each condition block
		// in turn and see whether cleanroom's decision changes (the oracle
		// decides the variants too, and they are compared like the rest).
		if !covered {
			covered = true
			sub := scs[:min(len(scs), 3000)]
			variants := ConditionVariants(sub, func(i int) bool { return orc[i].Err != "" })
			vs := VariantScenarios(variants)
			vours := RunOurs(vs, run)
			vres, err := o.Decide(vs)
			if err != nil {
				t.Fatal(err)
			}
			cov.RecordVariants(variants, ours[:len(sub)], vours)
			vrep := Compare(vs, vours, OracleOutcomes(vres), CompareOptions{})
			var pending []Disagreement
			for _, d := range vrep.Disagreements {
				if d.Oracle.Err == "" && d.Ours.Err == "" {
					pending = append(pending, d)
				}
			}
			unex = append(unex, explain(t, o, vs, pending, byLabel)...)
			t.Logf("coverage: %d condition-block variants, %d agree with the oracle", vrep.Total, vrep.Agree)
		}
	}
	t.Logf("differential: %d scenarios in %v; agree %d, oracle refused %d",
		agg.Total, time.Since(start).Round(time.Millisecond), agg.Agree, agg.OracleErrors)
	t.Logf("cleanroom mix: %v", oursMix)
	t.Logf("oracle mix:    %v", oracleMix)
	t.Logf("known disagreements by class: %v", byLabel)
	t.Logf("confusion (cleanroom, oracle): %v", confusionString(confusion))
	t.Logf("condition operator coverage (blocks seen, blocks whose removal changed cleanroom's decision):\n%s", cov.Report())

	for _, d := range []string{Allowed, ExplicitlyDenied, ImplicitlyDenied} {
		if f := oursMix.Fraction(d); f < 0.10 {
			t.Errorf("%s: %.1f%% of decided scenarios, want >= 10%%", d, 100*f)
		}
	}
	if u := cov.Uncovered(); len(u) > 0 {
		t.Errorf("condition operators that never changed an outcome: %v", u)
	}
	if len(ourErrs) > 0 {
		t.Errorf("cleanroom refused %d scenarios the oracle decided; first: %s", len(ourErrs), ourErrs[0])
	}
	if *flagDisagreements != "" {
		writeDisagreements(t, *flagDisagreements, unex)
	}
	if len(unex) > 0 {
		for i, d := range unex {
			if i == 10 {
				break
			}
			t.Errorf("unexplained disagreement: %s", d.String())
		}
		t.Errorf("%d disagreements are neither fixed nor documented in testdata/known-disagreements.json", len(unex))
	}
}

var flagDisagreements = flag.String("difftest.disagreements", "", "write the unexplained disagreements as JSON lines to this file")

func writeDisagreements(t *testing.T, path string, ds []Disagreement) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, d := range ds {
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
	}
}

// explain tries to account for each disagreement with the documented rules:
// the rules that bear on the scenario rewrite it, the oracle decides the
// rewritten scenario, and the disagreement is explained when the oracle then
// agrees with cleanroom. It returns the disagreements left unexplained.
func explain(t *testing.T, o *Oracle, scs []*scenario.Scenario, ds []Disagreement, byLabel map[string]int) []Disagreement {
	t.Helper()
	var norm []*scenario.Scenario
	var labels [][]string
	var idx []int
	var unex []Disagreement
	for i, d := range ds {
		n, ls := Normalize(scs[d.Index])
		if len(ls) == 0 {
			unex = append(unex, d)
			continue
		}
		norm = append(norm, n)
		labels = append(labels, ls)
		idx = append(idx, i)
	}
	if len(norm) == 0 {
		return unex
	}
	res, err := o.Decide(norm)
	if err != nil {
		t.Fatal(err)
	}
	for j, r := range res {
		d := ds[idx[j]]
		if r.Error == "" && r.Decision == d.Ours.Decision {
			byLabel[strings.Join(labels[j], "+")]++
			continue
		}
		d.Known = append([]string{"tried: " + strings.Join(labels[j], ", ") + "; rewritten oracle says " + r.Decision + r.Error}, d.Known...)
		unex = append(unex, d)
	}
	return unex
}

func add(m *Mix, x Mix) {
	m.Allowed += x.Allowed
	m.ExplicitlyDenied += x.ExplicitlyDenied
	m.ImplicitlyDenied += x.ImplicitlyDenied
	m.Errors += x.Errors
}

func confusionString(c map[[2]string]int) string {
	keys := make([][2]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s / %s: %d", k[0], k[1], c[k])
	}
	return b.String()
}
