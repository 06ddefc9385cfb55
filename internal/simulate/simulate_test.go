package simulate_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
	"github.com/cleanroom-dev/cleanroom/internal/simulate"
)

const analystFile = "cleanrooms-analyst.json"

func readScenario(t *testing.T, name string) *scenario.Scenario {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scenarios", name))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func decode(t *testing.T, doc string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Decode([]byte(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return sc
}

func run(t *testing.T, sc *scenario.Scenario) *simulate.Result {
	t.Helper()
	res, err := simulate.New(catalog.Default()).Run(sc, simulate.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func wantDecision(t *testing.T, res *simulate.Result, decision string, blockedBy ...string) {
	t.Helper()
	if blockedBy == nil {
		blockedBy = []string{}
	}
	if res.Decision != decision || !slices.Equal(res.BlockedBy, blockedBy) {
		t.Fatalf("decision %s blocked by %q, want %s blocked by %q (message %q, warnings %q)",
			res.Decision, res.BlockedBy, decision, blockedBy, res.Message, res.Warnings)
	}
}

// findPolicy returns the explanation of the named policy.
func findPolicy(t *testing.T, res *simulate.Result, typ, name string) simulate.PolicyExplain {
	t.Helper()
	if res.Explain == nil {
		t.Fatal("no explanation")
	}
	for _, p := range res.Explain.Policies {
		if p.Type == typ && p.Name == name {
			return p
		}
	}
	t.Fatalf("no %s policy %q in the explanation: %+v", typ, name, res.Explain.Policies)
	return simulate.PolicyExplain{}
}

func findStatement(t *testing.T, p simulate.PolicyExplain, sid string) simulate.StatementExplain {
	t.Helper()
	for _, s := range p.Statements {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("no statement %q in policy %s", sid, p.Name)
	return simulate.StatementExplain{}
}

// ---------------------------------------------------------------------------
// The example scenarios of the repository.

func TestRunExampleScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example scenarios")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res := run(t, readScenario(t, filepath.Base(f)))
			if res.Explain == nil || len(res.Explain.Policies) == 0 {
				t.Fatalf("no explanation: %+v", res)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAnalystAllowed(t *testing.T) {
	res := run(t, readScenario(t, analystFile))
	wantDecision(t, res, "Allowed")
	if res.Message != "" || len(res.Warnings) != 0 {
		t.Errorf("message %q, warnings %q", res.Message, res.Warnings)
	}
	if !res.Explain.SameAccount {
		t.Error("explain.sameAccount = false")
	}
	// Policies are explained in evaluation order: SCP levels root first, then
	// identity-based policies.
	var order []string
	for _, p := range res.Explain.Policies {
		order = append(order, p.Type+":"+p.Name+"@"+p.Level)
	}
	if want := []string{"scp:FullAWSAccess@r-abcd", "scp:RegionLock@111122223333", "identity:AnalystAccess@"}; !slices.Equal(order, want) {
		t.Errorf("explained policies %q, want %q", order, want)
	}

	id := findPolicy(t, res, "identity", "AnalystAccess")
	if id.Verdict != "Allow" {
		t.Errorf("AnalystAccess verdict %q", id.Verdict)
	}
	read := findStatement(t, id, "ReadCollaborations")
	if !read.Applies || !read.Action || !read.Resource || len(read.Conditions) != 1 {
		t.Errorf("ReadCollaborations: %+v", read)
	}
	c := read.Conditions[0]
	if c.Operator != "StringEquals" || c.Key != "aws:ResourceTag/team" || !slices.Equal(c.Values, []string{"${aws:PrincipalTag/team}"}) ||
		!slices.Equal(c.Request, []string{"marketing"}) || !c.Present || !c.Holds {
		t.Errorf("ReadCollaborations condition: %+v", c)
	}
	del := findStatement(t, id, "NoDeletes")
	if del.Applies || del.Action || del.Reason != "the action does not match Action" {
		t.Errorf("NoDeletes: %+v", del)
	}

	// The region lock's Deny fails on its condition, and says so.
	lock := findPolicy(t, res, "scp", "RegionLock")
	if lock.Verdict != "Allow" || lock.Level != "111122223333" {
		t.Errorf("RegionLock: verdict %q level %q", lock.Verdict, lock.Level)
	}
	deny := lock.Statements[0]
	if deny.Applies || !deny.Action || !deny.Resource || deny.Effect != "Deny" ||
		deny.Reason != "the condition StringNotEquals on aws:RequestedRegion does not hold for the request's value" {
		t.Errorf("RegionLock deny: %+v", deny)
	}
}

func TestAnalystConditionFails(t *testing.T) {
	sc := readScenario(t, analystFile)
	sc.Request.ContextVariables["aws:PrincipalTag/team"] = scenario.Values{Values: []string{"sales"}}
	res := run(t, sc)
	wantDecision(t, res, "ImplicitlyDenied", "identity")
	const msg = "User: arn:aws:iam::111122223333:user/analyst is not authorized to perform: cleanrooms:GetCollaboration on resource: " +
		"arn:aws:cleanrooms:us-east-1:111122223333:collaboration/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111 because no identity-based policy allows the cleanrooms:GetCollaboration action"
	if res.Message != msg {
		t.Errorf("message\n got %q\nwant %q", res.Message, msg)
	}
	id := findPolicy(t, res, "identity", "AnalystAccess")
	if id.Verdict != "NoMatch" {
		t.Errorf("verdict %q", id.Verdict)
	}
	s := findStatement(t, id, "ReadCollaborations")
	if s.Applies || !s.Action || !s.Resource {
		t.Errorf("statement: %+v", s)
	}
	if want := "the condition StringEquals on aws:ResourceTag/team does not hold for the request's value"; s.Reason != want {
		t.Errorf("reason %q, want %q", s.Reason, want)
	}
	if c := s.Conditions[0]; c.Holds || !c.Present || !slices.Equal(c.Request, []string{"marketing"}) {
		t.Errorf("condition: %+v", c)
	}
}

func TestAnalystConditionKeyMissing(t *testing.T) {
	sc := readScenario(t, analystFile)
	delete(sc.Request.ContextVariables, "aws:ResourceTag/team")
	res := run(t, sc)
	wantDecision(t, res, "ImplicitlyDenied", "identity")
	s := findStatement(t, findPolicy(t, res, "identity", "AnalystAccess"), "ReadCollaborations")
	if want := "the condition StringEquals on aws:ResourceTag/team does not hold: the key is not in the request"; s.Reason != want {
		t.Errorf("reason %q, want %q", s.Reason, want)
	}
	if c := s.Conditions[0]; c.Present || c.Holds || c.Request == nil || len(c.Request) != 0 {
		t.Errorf("condition: %+v", c)
	}
}

func TestAnalystRegionLockDenies(t *testing.T) {
	sc := readScenario(t, analystFile)
	sc.Request.ContextVariables["aws:RequestedRegion"] = scenario.Values{Values: []string{"ap-south-1"}}
	res := run(t, sc)
	wantDecision(t, res, "ExplicitlyDenied", "scp")
	if !strings.HasSuffix(res.Message, "with an explicit deny in a service control policy") {
		t.Errorf("message %q", res.Message)
	}
	lock := findPolicy(t, res, "scp", "RegionLock")
	if lock.Verdict != "Deny" || !lock.Statements[0].Applies {
		t.Errorf("RegionLock: %+v", lock)
	}
}

func TestAnalystDeleteDenied(t *testing.T) {
	sc := readScenario(t, analystFile)
	sc.Request.Action = "cleanrooms:DeleteCollaboration"
	res := run(t, sc)
	wantDecision(t, res, "ExplicitlyDenied", "identity")
	if !strings.HasSuffix(res.Message, "cleanrooms:DeleteCollaboration on resource: arn:aws:cleanrooms:us-east-1:111122223333:collaboration/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111 with an explicit deny in an identity-based policy") {
		t.Errorf("message %q", res.Message)
	}
	id := findPolicy(t, res, "identity", "AnalystAccess")
	if id.Verdict != "Deny" {
		t.Errorf("verdict %q", id.Verdict)
	}
	if s := findStatement(t, id, "ReadCollaborations"); s.Applies || s.Reason != "the action does not match Action" {
		t.Errorf("ReadCollaborations: %+v", s)
	}
}

// ---------------------------------------------------------------------------
// Hand-made scenarios.

const (
	userAlice  = `"arn:aws:iam::111122223333:user/alice"`
	allowAll   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	denyAllRCP = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`
	collabARN  = `"arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c-1"`
)

func scenarioJSON(policies, principal, action, resource, account string) string {
	if policies != "" {
		policies += ","
	}
	return `{` + policies + `"request":{"principal":` + principal + `,"action":"` + action +
		`","resource":{"resource":` + resource + `,"accountId":"` + account + `"}}}`
}

func TestRCPIgnoredOutsideItsServices(t *testing.T) {
	doc := scenarioJSON(`"identityPolicies":[{"name":"all","policy":`+allowAll+`}],
		"resourceControlPolicies":[{"orgIdentifier":"r-1","policies":[{"name":"deny","policy":`+denyAllRCP+`}]}]`,
		userAlice, "cleanrooms:GetCollaboration", collabARN, "111122223333")
	res := run(t, decode(t, doc))
	wantDecision(t, res, "Allowed")
	if !slices.Contains(res.Warnings, "resource control policies do not apply to cleanrooms; ignored") {
		t.Errorf("warnings %q", res.Warnings)
	}
	for _, p := range res.Explain.Policies {
		if p.Type == "rcp" {
			t.Errorf("an ignored RCP is explained: %+v", p)
		}
	}

	// The same RCP applies to S3.
	doc = scenarioJSON(`"identityPolicies":[{"name":"all","policy":`+allowAll+`}],
		"resourceControlPolicies":[{"orgIdentifier":"r-1","policies":[{"name":"deny","policy":`+denyAllRCP+`}]}]`,
		userAlice, "s3:GetObject", `"arn:aws:s3:::bucket/key"`, "111122223333")
	res = run(t, decode(t, doc))
	wantDecision(t, res, "ExplicitlyDenied", "rcp")
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
	if p := findPolicy(t, res, "rcp", "deny"); p.Verdict != "Deny" || p.Level != "r-1" {
		t.Errorf("rcp: %+v", p)
	}
}

func TestSCPIgnoredForServicePrincipals(t *testing.T) {
	doc := scenarioJSON(`"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cleanrooms.amazonaws.com"},"Action":"sts:AssumeRole"}]},
		"serviceControlPolicies":[{"orgIdentifier":"r-1","policies":[{"name":"deny","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}}]}]`,
		`"cleanrooms.amazonaws.com"`, "sts:AssumeRole", `"arn:aws:iam::111122223333:role/query"`, "111122223333")
	res := run(t, decode(t, doc))
	wantDecision(t, res, "Allowed")
	if !slices.Contains(res.Warnings, "service control policies do not apply to service principals or anonymous requests; ignored") {
		t.Errorf("warnings %q", res.Warnings)
	}
	trust := findPolicy(t, res, "resource", "resource")
	if s := trust.Statements[0]; !s.Applies || s.Principal != "principal" {
		t.Errorf("trust statement: %+v", s)
	}
}

func TestCatalogWarnings(t *testing.T) {
	for _, tc := range []struct{ action, resource, want string }{
		{"cleanrooms:FrobnicateCollaboration", collabARN, "unknown action cleanrooms:FrobnicateCollaboration"},
		{"nosuch:Thing", `"*"`, "service nosuch is not in the catalog; the request is evaluated as given"},
		{"cleanrooms:GetCollaboration", `"arn:aws:s3:::bucket"`, "cleanrooms:GetCollaboration does not take a resource of the form arn:aws:s3:::bucket; the request is evaluated as given"},
	} {
		t.Run(tc.action, func(t *testing.T) {
			res := run(t, decode(t, scenarioJSON(`"identityPolicies":[{"name":"all","policy":`+allowAll+`}]`, userAlice, tc.action, tc.resource, "111122223333")))
			// A warning never changes the decision: the request is evaluated as given.
			wantDecision(t, res, "Allowed")
			if !slices.Contains(res.Warnings, tc.want) {
				t.Errorf("warnings %q, want %q", res.Warnings, tc.want)
			}
		})
	}
	res := run(t, decode(t, scenarioJSON(`"identityPolicies":[{"name":"all","policy":`+allowAll+`}]`, userAlice, "cleanrooms:GetCollaboration", collabARN, "111122223333")))
	if len(res.Warnings) != 0 {
		t.Errorf("warnings for a known action and resource: %q", res.Warnings)
	}
}

func TestInputErrors(t *testing.T) {
	const (
		noResource  = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject"}]}`
		withPrinc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`
		noPrincipal = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		badEffect   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Permit","Action":"*","Resource":"*"}]}`
	)
	for _, tc := range []struct {
		name, policies, where string
		stmt                  int
		element               string
	}{
		{"identity", `"identityPolicies":[{"name":"ok","policy":` + allowAll + `},{"name":"Broken","policy":` + noResource + `}]`,
			"identityPolicies[1] (Broken)", 0, "Resource"},
		{"boundary", `"identityPolicies":[],"permissionBoundaryPolicies":[{"name":"pb","policy":` + withPrinc + `}]`,
			"permissionBoundaryPolicies[0] (pb)", 0, "Principal"},
		{"session", `"identityPolicies":[],"sessionPolicy":` + badEffect,
			"sessionPolicy", 1, "Effect"},
		{"resource", `"identityPolicies":[],"resourcePolicy":` + noPrincipal,
			"resourcePolicy", 0, "Principal"},
		{"scp", `"identityPolicies":[],"serviceControlPolicies":[{"orgIdentifier":"r-1","policies":[{"name":"FullAWSAccess","policy":` + allowAll + `}]},{"orgIdentifier":"ou-1","policies":[{"name":"X","policy":` + noResource + `}]}]`,
			"serviceControlPolicies[1].policies[0] (X)", 0, "Resource"},
		{"rcp", `"identityPolicies":[],"resourceControlPolicies":[{"orgIdentifier":"r-1","policies":[{"name":"R","policy":` + noPrincipal + `}]}]`,
			"resourceControlPolicies[0].policies[0] (R)", 0, "Principal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := decode(t, scenarioJSON(tc.policies, userAlice, "s3:GetObject", `"arn:aws:s3:::bucket/key"`, "111122223333"))
			res, err := simulate.New(catalog.Default()).Run(sc, simulate.Options{Explain: true})
			if err == nil {
				t.Fatalf("Run succeeded: %+v", res)
			}
			var ie *simulate.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v is not an *InputError", err, err)
			}
			if ie.Where != tc.where || !strings.HasPrefix(err.Error(), tc.where+": ") {
				t.Errorf("where %q (error %q), want %q", ie.Where, err, tc.where)
			}
			var se *policy.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v does not wrap a *policy.SyntaxError", err)
			}
			if se.Statement != tc.stmt || se.Element != tc.element {
				t.Errorf("syntax error at statement %d element %q, want %d %q: %v", se.Statement, se.Element, tc.stmt, tc.element, se)
			}
		})
	}

	// The statement's Sid is named, so a person can find it.
	sc := decode(t, scenarioJSON(`"identityPolicies":[{"name":"Broken","policy":`+noResource+`}]`, userAlice, "s3:GetObject", `"arn:aws:s3:::bucket/key"`, "111122223333"))
	_, err := simulate.New(catalog.Default()).Run(sc, simulate.Options{})
	if err == nil || !strings.Contains(err.Error(), `"Read"`) || !strings.Contains(err.Error(), "statement 0") {
		t.Errorf("error %v does not name the statement", err)
	}
}

func TestSameAccountAndCrossAccount(t *testing.T) {
	const obj = `"arn:aws:s3:::bucket/key"`
	bucketPolicy := func(principal string) string {
		return `"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`
	}
	identity := `"identityPolicies":[{"name":"read","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]`
	boundary := `"permissionBoundaryPolicies":[{"name":"pb","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}}]`
	const session = `"arn:aws:sts::111122223333:assumed-role/analyst/alice"`
	for _, tc := range []struct {
		name, policies, principal, account, decision string
		blockedBy                                    []string
	}{
		{"identity alone, same account", identity, userAlice, "111122223333", "Allowed", nil},
		{"nothing, same account", `"identityPolicies":[]`, userAlice, "111122223333", "ImplicitlyDenied", []string{"identity"}},
		{"bucket policy names the user", `"identityPolicies":[],` + bucketPolicy(`{"AWS":`+userAlice+`}`), userAlice, "111122223333", "Allowed", nil},
		{"bucket policy names the account only", `"identityPolicies":[],` + bucketPolicy(`{"AWS":"111122223333"}`), userAlice, "111122223333", "ImplicitlyDenied", []string{"identity"}},
		{"identity alone, cross account", identity, userAlice, "444455556666", "ImplicitlyDenied", []string{"resource"}},
		{"both sides, cross account", identity + `,` + bucketPolicy(`{"AWS":"111122223333"}`), userAlice, "444455556666", "Allowed", nil},
		{"bucket policy alone, cross account", `"identityPolicies":[],` + bucketPolicy(`"*"`), userAlice, "444455556666", "ImplicitlyDenied", []string{"identity"}},
		{"session named: boundary does not limit", `"identityPolicies":[],` + boundary + `,` + bucketPolicy(`{"AWS":`+session+`}`), session, "111122223333", "Allowed", nil},
		{"role named: boundary limits", `"identityPolicies":[],` + boundary + `,` + bucketPolicy(`{"AWS":"arn:aws:iam::111122223333:role/analyst"}`), session, "111122223333", "ImplicitlyDenied", []string{"pb"}},
		{"root, same account", `"identityPolicies":[]`, `"arn:aws:iam::111122223333:root"`, "111122223333", "Allowed", nil},
		{"root, cross account", `"identityPolicies":[]`, `"111122223333"`, "444455556666", "ImplicitlyDenied", []string{"resource"}},
		{"anonymous, public bucket", bucketPolicy(`"*"`), `{"type":"Anonymous"}`, "111122223333", "Allowed", nil},
		{"anonymous, private bucket", bucketPolicy(`{"AWS":"111122223333"}`), `{"type":"Anonymous"}`, "111122223333", "ImplicitlyDenied", []string{"resource"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, decode(t, scenarioJSON(tc.policies, tc.principal, "s3:GetObject", obj, tc.account)))
			wantDecision(t, res, tc.decision, tc.blockedBy...)
			if res.Explain.SameAccount != (tc.account == "111122223333" && !strings.Contains(tc.principal, "Anonymous")) {
				t.Errorf("explain.sameAccount = %v", res.Explain.SameAccount)
			}
		})
	}
}

func TestExplainPrincipalMatch(t *testing.T) {
	const session = `"arn:aws:sts::111122223333:assumed-role/analyst/alice"`
	doc := scenarioJSON(`"identityPolicies":[],"resourcePolicy":{"Version":"2012-10-17","Statement":[
		{"Sid":"Role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/analyst"},"Action":"s3:GetObject","Resource":"*"},
		{"Sid":"Other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:GetObject","Resource":"*"},
		{"Sid":"Acct","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}]}`,
		session, "s3:GetObject", `"arn:aws:s3:::bucket/key"`, "111122223333")
	res := run(t, decode(t, doc))
	wantDecision(t, res, "Allowed")
	p := findPolicy(t, res, "resource", "resource")
	for sid, want := range map[string]string{"Role": "role", "Other": "none", "Acct": "account"} {
		if s := findStatement(t, p, sid); s.Principal != want {
			t.Errorf("%s: principalMatch %q, want %q", sid, s.Principal, want)
		}
	}
	if s := findStatement(t, p, "Other"); s.Applies || s.Reason != "the principal does not match Principal" {
		t.Errorf("Other: %+v", s)
	}
}

func TestResultJSONShape(t *testing.T) {
	res := run(t, readScenario(t, analystFile))
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if string(m["decision"]) != `"Allowed"` || string(m["blockedBy"]) != `[]` {
		t.Errorf("decision %s blockedBy %s", m["decision"], m["blockedBy"])
	}
	for _, absent := range []string{"message", "warnings", "id"} {
		if _, ok := m[absent]; ok {
			t.Errorf("%s present in %s", absent, b)
		}
	}
	// Without Explain, no explanation.
	res, err = simulate.New(catalog.Default()).Run(readScenario(t, analystFile), simulate.Options{})
	if err != nil || res.Explain != nil {
		t.Errorf("Run without Explain: %+v, %v", res, err)
	}
}

func TestPrepareDecideRepeatable(t *testing.T) {
	sim := simulate.New(catalog.Default())
	p, err := sim.Prepare(readScenario(t, analystFile))
	if err != nil {
		t.Fatal(err)
	}
	first := p.Decide()
	for range 10 {
		if d := p.Decide(); d != first {
			t.Fatalf("Decide changed from %+v to %+v", first, d)
		}
	}
	if first.Result.String() != "Allowed" {
		t.Fatalf("decision %v", first.Result)
	}
}
