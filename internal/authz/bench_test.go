package authz_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
	"github.com/cleanroom-dev/cleanroom/internal/simulate"
	"github.com/cleanroom-dev/cleanroom/internal/wildcard"
)

// The benchmark scenarios are also written, in the runSimulation input shape
// of @cloud-copilot/iam-simulate, for the peer benchmarks under bench/ (see
// BENCHMARKS.md):
//
//	go test -run TestWriteBenchScenarios ./internal/authz -write-bench-scenarios
var writeBenchScenarios = flag.Bool("write-bench-scenarios", false,
	"write the BenchmarkDecide scenarios to bench/iamsimulate/scenarios (relative to the repository root)")

// scenarioDir is where TestWriteBenchScenarios writes, relative to this
// package's directory (go test runs in it).
const scenarioDir = "../../bench/iamsimulate/scenarios"

// The request every benchmark decides: a role session in a member account
// reads a collaboration in its own account.
const (
	benchAccount   = "111122223333"
	benchOrgID     = "o-a1b2c3d4e5"
	benchRole      = "CleanRoomsAnalyst"
	benchPrincipal = "arn:aws:sts::" + benchAccount + ":assumed-role/" + benchRole + "/alice"
	benchCollabID  = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
	benchResource  = "arn:aws:cleanrooms:us-east-1:" + benchAccount + ":collaboration/" + benchCollabID
	benchAction    = "cleanrooms:GetCollaboration"
)

// benchStatementCounts are the sizes of the statements-N benchmarks.
var benchStatementCounts = []int{10, 100, 1000, 10000}

// benchContext is the request context: what AWS sets for a console or SDK
// call by an MFA-authenticated role session, plus the tags the conditions use.
func benchContext() map[string]scenario.Values {
	one := func(s string) scenario.Values { return scenario.Values{Values: []string{s}} }
	return map[string]scenario.Values{
		"aws:PrincipalArn":           one("arn:aws:iam::" + benchAccount + ":role/" + benchRole),
		"aws:PrincipalAccount":       one(benchAccount),
		"aws:PrincipalOrgID":         one(benchOrgID),
		"aws:PrincipalTag/team":      one("analytics"),
		"aws:ResourceTag/team":       one("analytics"),
		"aws:ResourceAccount":        one(benchAccount),
		"aws:RequestedRegion":        one("us-east-1"),
		"aws:SourceIp":               one("10.20.30.40"),
		"aws:MultiFactorAuthPresent": one("true"),
		"aws:SecureTransport":        one("true"),
		"aws:CurrentTime":            one("2026-03-01T12:00:00Z"),
		"aws:userid":                 one("AROAEXAMPLEROLEID1234:alice"),
	}
}

func benchRequest() scenario.Request {
	return scenario.Request{
		Principal:        scenario.Principal{ID: benchPrincipal},
		Action:           benchAction,
		Resource:         scenario.Resource{Resource: benchResource, AccountID: benchAccount},
		ContextVariables: benchContext(),
	}
}

// Customer managed policies of the typical principal.
const (
	teamCollaborationsPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "TeamCollaborations",
      "Effect": "Allow",
      "Action": ["cleanrooms:GetCollaboration", "cleanrooms:ListMembers", "cleanrooms:GetSchema", "cleanrooms:ListSchemas", "cleanrooms:BatchGetSchema"],
      "Resource": ["arn:aws:cleanrooms:*:111122223333:collaboration/*", "arn:aws:cleanrooms:*:111122223333:membership/*"],
      "Condition": {
        "StringEquals": {
          "aws:ResourceTag/team": "${aws:PrincipalTag/team}",
          "aws:RequestedRegion": ["us-east-1", "us-west-2", "eu-west-1"]
        }
      }
    },
    {
      "Sid": "ListEverything",
      "Effect": "Allow",
      "Action": "cleanrooms:List*",
      "Resource": "*"
    }
  ]
}`
	networkPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadFromCorporateNetwork",
      "Effect": "Allow",
      "Action": ["cleanrooms:Get*", "cleanrooms:BatchGet*"],
      "Resource": "arn:aws:cleanrooms:*:111122223333:*",
      "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}
    },
    {
      "Sid": "DenyOutsideCorporateNetwork",
      "Effect": "Deny",
      "Action": "cleanrooms:*",
      "Resource": "*",
      "Condition": {
        "NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]},
        "BoolIfExists": {"aws:ViaAWSService": "false"}
      }
    }
  ]
}`
	guardrailsPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyOutsideOrganization",
      "Effect": "Deny",
      "Action": "cleanrooms:*",
      "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    },
    {
      "Sid": "DenyWithoutMFA",
      "Effect": "Deny",
      "Action": "cleanrooms:*",
      "Resource": "*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    },
    {
      "Sid": "DenyOtherTeamsCollaborations",
      "Effect": "Deny",
      "Action": ["cleanrooms:Get*", "cleanrooms:Update*", "cleanrooms:Delete*"],
      "Resource": "arn:aws:cleanrooms:*:111122223333:collaboration/*",
      "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
    },
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Action": "cleanrooms:*",
      "Resource": "*",
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}`
	boundaryPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CleanRoomsAndSupportingServices",
      "Effect": "Allow",
      "Action": ["cleanrooms:*", "glue:Get*", "glue:BatchGetPartition", "s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "logs:Describe*", "logs:Get*", "logs:StartQuery"],
      "Resource": "*"
    },
    {
      "Sid": "NoIdentityAdministration",
      "Effect": "Deny",
      "Action": ["iam:*", "organizations:*", "sts:AssumeRole"],
      "Resource": "*"
    }
  ]
}`
	regionSCP = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyOutsideApprovedRegions",
      "Effect": "Deny",
      "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*"],
      "Resource": "*",
      "Condition": {
        "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2", "eu-west-1"]},
        "ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}
      }
    },
    {
      "Sid": "AllowEverythingElse",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`
)

func managedDocument(tb testing.TB, name string) json.RawMessage {
	tb.Helper()
	m, ok := catalog.Default().ManagedPolicy(name)
	if !ok {
		tb.Fatalf("managed policy %s is not in the catalog", name)
	}
	return json.RawMessage(m.Default().Document)
}

// typicalScenario: AWSCleanRoomsFullAccess and three customer managed
// policies with conditions, a permissions boundary, and SCPs at the root
// (FullAWSAccess) and at the account (a region guardrail and an allow).
func typicalScenario(tb testing.TB) *scenario.Scenario {
	return &scenario.Scenario{
		IdentityPolicies: []scenario.NamedPolicy{
			{Name: "AWSCleanRoomsFullAccess", Policy: managedDocument(tb, "AWSCleanRoomsFullAccess")},
			{Name: "CleanRoomsTeamCollaborations", Policy: json.RawMessage(teamCollaborationsPolicy)},
			{Name: "CleanRoomsCorporateNetwork", Policy: json.RawMessage(networkPolicy)},
			{Name: "CleanRoomsGuardrails", Policy: json.RawMessage(guardrailsPolicy)},
		},
		PermissionBoundaryPolicies: []scenario.NamedPolicy{
			{Name: "CleanRoomsAnalystBoundary", Policy: json.RawMessage(boundaryPolicy)},
		},
		ServiceControlPolicies: []scenario.OrgPolicies{
			{OrgIdentifier: "r-ab12", Policies: []scenario.NamedPolicy{
				{Name: "FullAWSAccess", Policy: managedDocument(tb, "FullAWSAccess")},
			}},
			{OrgIdentifier: benchAccount, Policies: []scenario.NamedPolicy{
				{Name: "RegionGuardrail", Policy: json.RawMessage(regionSCP)},
			}},
		},
		ResourceControlPolicies: []scenario.OrgPolicies{},
		Request:                 benchRequest(),
	}
}

// benchStmt is a policy statement in the order IAM documents write it.
type benchStmt struct {
	Effect    string                    `json:"Effect"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

type benchDoc struct {
	Version   string      `json:"Version"`
	Statement []benchStmt `json:"Statement"`
}

type condBlock = map[string]map[string]any

// Shapes for the statements-N generator. "Match" lists name the request's
// action or resource; "miss" lists do not.
var (
	matchActions = []string{
		"cleanrooms:GetCollaboration", "cleanrooms:Get*", "cleanrooms:*Collaboration",
		"cleanrooms:GetCollab*", "cleanrooms:*", "cleanrooms:Get?ollaboration",
	}
	missActionPatterns = []string{
		"cleanrooms:List*", "cleanrooms:Delete*", "cleanrooms:Create*", "cleanrooms:Update*",
		"cleanrooms:*Membership", "cleanrooms:*Table*", "cleanrooms:StartProtected*", "cleanrooms:*Template",
	}
	matchResources = []string{
		"*",
		"arn:aws:cleanrooms:*:*:*",
		"arn:aws:cleanrooms:us-east-1:" + benchAccount + ":collaboration/*",
		"arn:aws:cleanrooms:*:" + benchAccount + ":collaboration/*",
	}
	missResources = []string{
		"arn:aws:cleanrooms:*:" + benchAccount + ":membership/*/analysistemplate/*",
		"arn:aws:cleanrooms:us-west-2:" + benchAccount + ":collaboration/*",
		"arn:aws:cleanrooms:us-east-1:444455556666:collaboration/*",
		"arn:aws:cleanrooms:*:" + benchAccount + ":membership/*",
		"arn:aws:cleanrooms:us-east-1:" + benchAccount + ":configuredtable/*",
		// collaboration/<specific id> is generated
	}
	// Conditions that do not hold for the request (for Deny statements).
	denyMisses = []condBlock{
		{"StringNotEquals": {"aws:PrincipalOrgID": benchOrgID}},
		{"Bool": {"aws:MultiFactorAuthPresent": "false"}},
		{"NotIpAddress": {"aws:SourceIp": []string{"10.0.0.0/8", "192.0.2.0/24"}}},
		{"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
		{"StringNotEquals": {"aws:RequestedRegion": []string{"us-east-1", "us-west-2"}}},
		{"StringEquals": {"aws:RequestedRegion": "ap-southeast-2"}},
	}
	// Conditions that do not hold (for Allow statements).
	allowMisses = []condBlock{
		{"StringEquals": {"aws:ResourceTag/team": "finance"}},
		{"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}},
		{"StringEquals": {"aws:RequestedRegion": []string{"eu-central-1", "ap-northeast-1"}}},
		{"Bool": {"aws:SecureTransport": "false"}},
	}
	// Conditions that hold.
	holds = []condBlock{
		{"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
		{"IpAddress": {"aws:SourceIp": []string{"10.0.0.0/8", "192.0.2.0/24"}}},
		{"StringEquals": {"aws:RequestedRegion": []string{"us-east-1", "us-west-2"}}},
		{"Bool": {"aws:SecureTransport": "true"}},
	}
)

// otherCleanRoomsActions lists the cleanrooms actions other than the
// requested one, from the catalog.
func otherCleanRoomsActions(tb testing.TB) []string {
	var out []string
	for _, a := range catalog.Default().ExpandActions("cleanrooms:*") {
		if !strings.EqualFold(a.FullName(), benchAction) {
			out = append(out, a.FullName())
		}
	}
	if len(out) < 50 {
		tb.Fatalf("catalog lists only %d cleanrooms actions", len(out))
	}
	return out
}

// statementsDoc generates one identity policy of n statements about
// cleanrooms. Every tenth statement (index%10 == 7) names the requested
// action, exactly or by a wildcard: half of those are Denies whose conditions
// do not hold, half Allows whose resource or conditions do not match, and the
// last of them is the one Allow that applies. The others name other cleanrooms
// actions, with any resource shape and, half the time, a condition.
func statementsDoc(tb testing.TB, n int) []byte {
	tb.Helper()
	others := otherCleanRoomsActions(tb)
	for _, p := range missActionPatterns {
		if wildcard.MatchFold(p, benchAction) {
			tb.Fatalf("generator bug: %s matches %s", p, benchAction)
		}
	}
	rng := rand.New(rand.NewPCG(20260301, uint64(n)))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	otherActions := func(k int) []string {
		var as []string
		for range k {
			if rng.IntN(4) == 0 {
				as = append(as, pick(missActionPatterns))
			} else {
				as = append(as, pick(others))
			}
		}
		return as
	}
	missResource := func() string {
		if rng.IntN(3) == 0 {
			return fmt.Sprintf("arn:aws:cleanrooms:us-east-1:%s:collaboration/%08x-0000-4000-8000-%012x", benchAccount, rng.Uint32(), rng.Uint64()&0xffffffffffff)
		}
		return pick(missResources)
	}
	anyResource := func() string {
		if rng.IntN(2) == 0 {
			return pick(matchResources)
		}
		return missResource()
	}
	target := n - 1 - (n-1-7)%10 // the last index with index%10 == 7
	doc := benchDoc{Version: policy.Version2012, Statement: make([]benchStmt, n)}
	for i := range n {
		s := &doc.Statement[i]
		switch {
		case i == target:
			s.Effect = "Allow"
			s.Action = []string{benchAction, pick(others)}
			s.Resource = []string{"arn:aws:cleanrooms:us-east-1:" + benchAccount + ":collaboration/*"}
			s.Condition = condBlock{
				"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
				"Bool":         {"aws:SecureTransport": "true"},
			}
		case i%10 == 7:
			s.Action = append([]string{pick(matchActions)}, otherActions(rng.IntN(3))...)
			rng.Shuffle(len(s.Action), func(a, b int) { s.Action[a], s.Action[b] = s.Action[b], s.Action[a] })
			if rng.IntN(2) == 0 {
				s.Effect = "Deny"
				s.Resource = []string{anyResource()}
				s.Condition = denyMisses[rng.IntN(len(denyMisses))]
			} else {
				s.Effect = "Allow"
				if rng.IntN(2) == 0 {
					s.Resource = []string{missResource()}
					if rng.IntN(2) == 0 {
						s.Condition = holds[rng.IntN(len(holds))]
					}
				} else {
					s.Resource = []string{pick(matchResources)}
					s.Condition = allowMisses[rng.IntN(len(allowMisses))]
				}
			}
		default:
			s.Effect = "Allow"
			if rng.IntN(5) == 0 {
				s.Effect = "Deny"
			}
			s.Action = otherActions(1 + rng.IntN(3))
			s.Resource = []string{anyResource()}
			switch rng.IntN(4) {
			case 0:
				s.Condition = holds[rng.IntN(len(holds))]
			case 1:
				s.Condition = allowMisses[rng.IntN(len(allowMisses))]
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func statementsScenario(tb testing.TB, n int) *scenario.Scenario {
	return &scenario.Scenario{
		IdentityPolicies: []scenario.NamedPolicy{
			{Name: fmt.Sprintf("Generated%d", n), Policy: statementsDoc(tb, n)},
		},
		ServiceControlPolicies:  []scenario.OrgPolicies{},
		ResourceControlPolicies: []scenario.OrgPolicies{},
		Request:                 benchRequest(),
	}
}

// benchCase is one named scenario with the decision it must reach.
type benchCase struct {
	name string
	sc   *scenario.Scenario
	want authz.Result
}

func benchCases(tb testing.TB) []benchCase {
	cs := []benchCase{{"typical-cleanrooms", typicalScenario(tb), authz.Allowed}}
	for _, n := range benchStatementCounts {
		cs = append(cs, benchCase{fmt.Sprintf("statements-%d", n), statementsScenario(tb, n), authz.Allowed})
	}
	return cs
}

// prepareBench parses and compiles the scenario's policies and builds the
// request, as a server would once per principal.
func prepareBench(tb testing.TB, sc *scenario.Scenario) (*authz.Request, *authz.Policies) {
	tb.Helper()
	p, err := simulate.New(catalog.Default()).Prepare(sc)
	if err != nil {
		tb.Fatal(err)
	}
	// As a server keeps a principal's policies: prepared once, decided often.
	p.Policies.Prepare()
	return &p.Request, &p.Policies
}

func BenchmarkDecide(b *testing.B) {
	for _, c := range benchCases(b) {
		req, ps := prepareBench(b, c.sc)
		b.Run(c.name, func(b *testing.B) {
			if d := authz.Decide(req, ps); d.Result != c.want {
				b.Fatalf("decision %v (blocked %v), want %v", d.Result, d.Blocked.Strings(), c.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				// A fresh copy per decision, as each request is new to a
				// server: nothing the previous decision cached carries over.
				r := *req
				authz.Decide(&r, ps)
			}
		})
	}
}

// BenchmarkPrepareAndDecide measures what one iam-simulate runSimulation call
// does: from the scenario's policy JSON, parse and compile every policy, build
// the request and decide (the per-action index is built afresh too). It is the
// fair comparison for the iam-simulate column of BENCHMARKS.md; a server
// compiles once and pays only BenchmarkDecide per request.
func BenchmarkPrepareAndDecide(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			req, ps := prepareBench(b, c.sc)
			if d := authz.Decide(req, ps); d.Result != c.want {
				b.Fatalf("decision %v (blocked %v), want %v", d.Result, d.Blocked.Strings(), c.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				req, ps := prepareBench(b, c.sc)
				authz.Decide(req, ps)
			}
		})
	}
}

// TestWriteBenchScenarios writes the BenchmarkDecide scenarios as
// iam-simulate runSimulation inputs, one file per benchmark, for the peer
// benchmarks under bench/. It runs only with -write-bench-scenarios.
func TestWriteBenchScenarios(t *testing.T) {
	if !*writeBenchScenarios {
		t.Skip("run with -write-bench-scenarios to write bench/iamsimulate/scenarios")
	}
	if err := os.MkdirAll(scenarioDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range benchCases(t) {
		req, ps := prepareBench(t, c.sc)
		if d := authz.Decide(req, ps); d.Result != c.want {
			t.Fatalf("%s: decision %v, want %v", c.name, d.Result, c.want)
		}
		out := struct {
			Name     string             `json:"name"`
			Expected string             `json:"expectedDecision"`
			Input    *scenario.Scenario `json:"input"`
		}{c.name, c.want.String(), c.sc}
		data, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(scenarioDir, c.name+".json")
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", path, len(data))
	}
}
