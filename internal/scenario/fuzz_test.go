package scenario_test

// Fuzz target for scenario decoding and simulation. Run it with
//
//	go test -run '^$' -fuzz='^FuzzDecode$' -fuzztime 60s ./internal/scenario/
//
// Without -fuzz, `go test` runs the seeds: the f.Add calls below and the files
// under testdata/fuzz/FuzzDecode/ (crashers found by the fuzzer are saved
// there and so become regression tests).

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
	"github.com/cleanroom-dev/cleanroom/internal/simulate"
)

// seedScenarios are hand-written scenarios covering every field and form.
var seedScenarios = []string{
	`{"identityPolicies":[],"serviceControlPolicies":[],"resourceControlPolicies":[],"request":{"principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":{"resource":"arn:aws:s3:::b/k","accountId":"111122223333"},"contextVariables":{}}}`,
	`{"id":7,"identityPolicies":[{"name":"p","policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}}],"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]},"permissionBoundaryPolicies":[{"name":"pb","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}}],"sessionPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"serviceControlPolicies":[{"orgIdentifier":"r-1","policies":[{"name":"FullAWSAccess","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]}],"resourceControlPolicies":[{"orgIdentifier":"r-1","policies":[{"name":"RCPFullAWSAccess","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}}]}],"request":{"principal":"arn:aws:sts::111122223333:assumed-role/analyst/alice","action":"s3:GetObject","resource":{"resource":"arn:aws:s3:::b/k","accountId":"444455556666"},"contextVariables":{"aws:SourceIp":"10.0.0.1","aws:TagKeys":["a","b"],"s3:max-keys":10,"aws:SecureTransport":true,"aws:CalledVia":[]}}}`,
	`{"id":"x","identityPolicies":[],"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]},"request":{"principal":{"type":"Anonymous"},"action":"s3:GetObject","resource":{"resource":"arn:aws:s3:::b/k","accountId":"111122223333"}}}`,
	`{"identityPolicies":[],"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cleanrooms.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*","Condition":{"StringLike":{"sts:ExternalId":"arn:aws:*:us-east-1:*:dbuser:*/m-1*"}}}]},"serviceControlPolicies":[{"orgIdentifier":"r","policies":[]}],"request":{"principal":"cleanrooms.amazonaws.com","action":"sts:AssumeRole","resource":{"resource":"arn:aws:iam::111122223333:role/q","accountId":"111122223333"},"contextVariables":{"sts:ExternalId":"arn:aws:cleanrooms:us-east-1:111122223333:dbuser:c-1/m-1"}}}`,
	`{"identityPolicies":[{"name":"bad","policy":{"Statement":[]}}],"request":{"principal":"alice","action":"cleanrooms:FooBar","resource":{"resource":"*"}}}`,
	`{"identityPolicies":[{"name":"dup","policy":{"Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}}],"request":{"principal":"111122223333","action":"nosuch:Thing","resource":{"resource":"x"}}}`,
	`{"identityPolicies":[{"name":"n","policy":null}],"resourcePolicy":null,"sessionPolicy":null,"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"iam:PassRole","resource":{"resource":"arn:aws:iam::111122223333:role/r"}}}`,
	`{"request":{"principal":{"type":"Service"},"action":"a","resource":{"resource":"r"}}}`,
	`{"request":{"principal":"p","action":"a","resource":{"resource":"r"},"contextVariables":{"k":null}}}`,
	`{"request":{"principal":"p","action":"a","resource":{"resource":"r"},"contextVariables":{"k":[{"x":1}]}}}`,
	`{"request":{"principal":"p","action":"a","resource":{"resource":"r"}},"unknown":1}`,
	`{"request":{"principal":"p","action":"a","resource":{"resource":"r"}}} trailing`,
	`[]`, `null`, `{}`,
}

func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range seedScenarios {
		f.Add([]byte(s))
	}
	sim := simulate.New(catalog.Default())
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenario.Decode(data)
		if err != nil {
			if sc != nil {
				t.Fatalf("Decode returned a scenario with error %v", err)
			}
			return
		}
		if err := sc.Validate(); err != nil {
			t.Fatalf("Decode succeeded but Validate fails: %v", err)
		}
		if !json.Valid(data) {
			t.Fatalf("Decode accepted invalid JSON %q", data)
		}
		keys := sc.Request.ContextKeys()
		if len(keys) != len(sc.Request.ContextVariables) || !slices.IsSorted(keys) {
			t.Fatalf("ContextKeys = %q", keys)
		}
		res, err := sim.Run(sc, simulate.Options{Explain: true})
		if err != nil {
			var ie *simulate.InputError
			if !errors.As(err, &ie) || ie.Where == "" {
				t.Fatalf("Run error %T is not an *InputError naming where: %v", err, err)
			}
			return
		}
		checkResult(t, res)
		if res.Explain == nil {
			t.Fatal("Explain asked for but missing")
		}
		// The explanation covers the policies in force; one of them denies
		// exactly when the decision is an explicit deny.
		denies := false
		for _, p := range res.Explain.Policies {
			if p.Verdict == "Deny" {
				denies = true
				if !slices.Contains(res.BlockedBy, p.Type) {
					t.Fatalf("%s policy %q denies, blockedBy %v", p.Type, p.Name, res.BlockedBy)
				}
			}
		}
		if denies != (res.Decision == "ExplicitlyDenied") {
			t.Fatalf("decision %s, but a denying policy in the explanation: %v", res.Decision, denies)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
		// Without the explanation, the decision is the same.
		res2, err := sim.Run(sc, simulate.Options{})
		if err != nil {
			t.Fatalf("second Run fails: %v", err)
		}
		if res2.Decision != res.Decision || !slices.Equal(res2.BlockedBy, res.BlockedBy) || res2.Explain != nil {
			t.Fatalf("Run without Explain differs: %+v vs %+v", res2, res)
		}
		// Marshalling the decoded scenario and decoding it again gives a
		// scenario with the same decision.
		out, err := json.Marshal(sc)
		if err != nil {
			t.Fatalf("decoded scenario does not marshal: %v", err)
		}
		sc3, err := scenario.Decode(out)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		res3, err := sim.Run(sc3, simulate.Options{})
		if err != nil {
			t.Fatalf("re-decoded scenario does not run: %v\n%s", err, out)
		}
		if res3.Decision != res.Decision || !slices.Equal(res3.BlockedBy, res.BlockedBy) {
			t.Fatalf("round trip changed the decision: %s %v, then %s %v\n%s", res.Decision, res.BlockedBy, res3.Decision, res3.BlockedBy, out)
		}
	})
}

func checkResult(t *testing.T, res *simulate.Result) {
	t.Helper()
	switch res.Decision {
	case "Allowed":
		if len(res.BlockedBy) != 0 || res.Message != "" {
			t.Fatalf("Allowed with blockedBy %v, message %q", res.BlockedBy, res.Message)
		}
	case "ExplicitlyDenied", "ImplicitlyDenied":
		if len(res.BlockedBy) == 0 || res.Message == "" {
			t.Fatalf("%s with blockedBy %v, message %q", res.Decision, res.BlockedBy, res.Message)
		}
	default:
		t.Fatalf("unknown decision %q", res.Decision)
	}
	if res.BlockedBy == nil {
		t.Fatal("blockedBy is nil; it must print as []")
	}
	for _, b := range res.BlockedBy {
		if !slices.Contains([]string{"identity", "resource", "scp", "rcp", "pb", "session"}, b) {
			t.Fatalf("unknown blockedBy %q", b)
		}
	}
}
