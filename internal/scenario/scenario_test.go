package scenario_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

func TestDecodeExampleScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example scenarios in testdata/scenarios")
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenario.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Request.Action == "" || sc.Request.Resource.Resource == "" {
				t.Fatalf("request not decoded: %+v", sc.Request)
			}
		})
	}
}

func TestDecodeAnalyst(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scenarios", "cleanrooms-analyst.json"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.IdentityPolicies) != 1 || sc.IdentityPolicies[0].Name != "AnalystAccess" {
		t.Errorf("identityPolicies = %+v", sc.IdentityPolicies)
	}
	if len(sc.ServiceControlPolicies) != 2 || sc.ServiceControlPolicies[0].OrgIdentifier != "r-abcd" ||
		sc.ServiceControlPolicies[1].OrgIdentifier != "111122223333" {
		t.Errorf("serviceControlPolicies = %+v", sc.ServiceControlPolicies)
	}
	if sc.ResourceControlPolicies == nil || len(sc.ResourceControlPolicies) != 0 {
		t.Errorf("resourceControlPolicies = %#v, want an empty list", sc.ResourceControlPolicies)
	}
	if sc.ResourcePolicy != nil || sc.SessionPolicy != nil || sc.PermissionBoundaryPolicies != nil {
		t.Errorf("absent policies decoded as %q %q %v", sc.ResourcePolicy, sc.SessionPolicy, sc.PermissionBoundaryPolicies)
	}
	r := sc.Request
	if r.Principal != (scenario.Principal{ID: "arn:aws:iam::111122223333:user/analyst"}) {
		t.Errorf("principal = %+v", r.Principal)
	}
	if r.Resource.AccountID != "111122223333" {
		t.Errorf("accountId = %q", r.Resource.AccountID)
	}
	want := []string{"aws:PrincipalTag/team", "aws:RequestedRegion", "aws:ResourceTag/team"}
	if got := r.ContextKeys(); !slices.Equal(got, want) {
		t.Errorf("ContextKeys() = %q, want %q", got, want)
	}
	// The policy is kept as written, so the strict parser sees it.
	if !strings.Contains(string(sc.IdentityPolicies[0].Policy), `"Sid": "ReadCollaborations"`) {
		t.Errorf("policy not kept verbatim: %s", sc.IdentityPolicies[0].Policy)
	}
}

func TestDecodeForms(t *testing.T) {
	const doc = `{
	  "id": {"batch": 3},
	  "identityPolicies": [],
	  "resourcePolicy": {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*", "Action": "dup"}},
	  "request": {
	    "principal": {"type": "Anonymous"},
	    "action": "s3:GetObject",
	    "resource": {"resource": "arn:aws:s3:::b/k"},
	    "contextVariables": {
	      "single": "v",
	      "list1": ["v"],
	      "empty": [],
	      "num": 10.50,
	      "bool": true,
	      "mixed": ["a", 1, false]
	    }
	  }
	}`
	sc, err := scenario.Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if string(sc.ID) != `{"batch": 3}` {
		t.Errorf("id = %s", sc.ID)
	}
	if !sc.Request.Principal.Anonymous || sc.Request.Principal.ID != "" {
		t.Errorf("principal = %+v", sc.Request.Principal)
	}
	// Duplicate keys in a policy survive decoding, for the policy parser to refuse.
	if !strings.Contains(string(sc.ResourcePolicy), `"Action": "dup"`) {
		t.Errorf("resourcePolicy = %s", sc.ResourcePolicy)
	}
	cv := sc.Request.ContextVariables
	for k, want := range map[string]scenario.Values{
		"single": {Values: []string{"v"}},
		"list1":  {Values: []string{"v"}, Multi: true},
		"empty":  {Values: []string{}, Multi: true},
		"num":    {Values: []string{"10.50"}},
		"bool":   {Values: []string{"true"}},
		"mixed":  {Values: []string{"a", "1", "false"}, Multi: true},
	} {
		got := cv[k]
		if got.Multi != want.Multi || !slices.Equal(got.Values, want.Values) {
			t.Errorf("contextVariables[%q] = %+v, want %+v", k, got, want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	const req = `"request":{"principal":"p","action":"a","resource":{"resource":"r"}}`
	for _, tc := range []struct{ name, doc, want string }{
		{"not an object", `[]`, "scenario:"},
		{"unknown field", `{"identityPolicys":[],` + req + `}`, "unknown field"},
		{"trailing data", `{` + req + `} {}`, "unexpected data after the scenario"},
		{"no action", `{"request":{"principal":"p","resource":{"resource":"r"}}}`, "request.action is required"},
		{"no principal", `{"request":{"action":"a","resource":{"resource":"r"}}}`, "request.principal is required"},
		{"no resource", `{"request":{"principal":"p","action":"a"}}`, "request.resource.resource is required"},
		{"empty request", `{}`, "request.action is required"},
		{"policy missing", `{"identityPolicies":[{"name":"x"}],` + req + `}`, "identityPolicies[0].policy is required"},
		{"principal type", `{"request":{"principal":{"type":"AWS"},"action":"a","resource":{"resource":"r"}}}`, `unknown principal type "AWS"`},
		{"principal number", `{"request":{"principal":12,"action":"a","resource":{"resource":"r"}}}`, "request.principal"},
		{"null context value", `{"request":{"principal":"p","action":"a","resource":{"resource":"r"},"contextVariables":{"k":null}}}`, "must not be null"},
		{"object context value", `{"request":{"principal":"p","action":"a","resource":{"resource":"r"},"contextVariables":{"k":{"a":"b"}}}}`, "string or a list of strings"},
		{"nested list", `{"request":{"principal":"p","action":"a","resource":{"resource":"r"},"contextVariables":{"k":[["a"]]}}}`, "string or a list of strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := scenario.Decode([]byte(tc.doc))
			if err == nil {
				t.Fatalf("Decode succeeded: %+v", sc)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	in := &scenario.Scenario{
		IdentityPolicies: []scenario.NamedPolicy{{Name: "p", Policy: json.RawMessage(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}},
		Request: scenario.Request{
			Principal: scenario.Principal{Anonymous: true},
			Action:    "s3:GetObject",
			Resource:  scenario.Resource{Resource: "arn:aws:s3:::b/k", AccountID: "111122223333"},
			ContextVariables: map[string]scenario.Values{
				"one":   {Values: []string{"x"}},
				"list":  {Values: []string{"x"}, Multi: true},
				"empty": {Multi: true},
			},
		},
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := scenario.Decode(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !out.Request.Principal.Anonymous {
		t.Errorf("principal = %+v", out.Request.Principal)
	}
	if v := out.Request.ContextVariables["list"]; !v.Multi || !slices.Equal(v.Values, []string{"x"}) {
		t.Errorf("list = %+v", v)
	}
	if v := out.Request.ContextVariables["empty"]; !v.Multi || len(v.Values) != 0 {
		t.Errorf("empty = %+v", v)
	}
	if v := out.Request.ContextVariables["one"]; v.Multi || !slices.Equal(v.Values, []string{"x"}) {
		t.Errorf("one = %+v", v)
	}
}
