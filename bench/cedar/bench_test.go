package cedarbench

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cedar-policy/cedar-go"
)

// prepared is one benchmark's policy set, entities and request.
type prepared struct {
	ps       *cedar.PolicySet
	entities cedar.EntityMap
	req      cedar.Request
	want     cedar.Decision
}

func prepare(tb testing.TB, name string) *prepared {
	tb.Helper()
	s, err := LoadScenario(name)
	if err != nil {
		tb.Fatal(err)
	}
	var text string
	if name == "typical-cleanrooms" {
		data, err := os.ReadFile("typical.cedar")
		if err != nil {
			tb.Fatal(err)
		}
		text = string(data)
	} else {
		var b strings.Builder
		role := roleOf(s.Input.Request.Principal)
		for _, p := range s.Input.IdentityPolicies {
			t, err := TranslateIdentityPolicy(p.Name, p.Policy, role)
			if err != nil {
				tb.Fatalf("%s: %v", p.Name, err)
			}
			b.WriteString(t)
		}
		text = b.String()
	}
	ps, err := cedar.NewPolicySetFromBytes(name+".cedar", []byte(text))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	entities, req, err := Build(s, text)
	if err != nil {
		tb.Fatal(err)
	}
	want := cedar.Deny
	if s.Expected == "Allowed" {
		want = cedar.Allow
	}
	return &prepared{ps: ps, entities: entities, req: req, want: want}
}

// roleOf derives the role ARN of a role session ARN.
func roleOf(session string) string {
	p := strings.SplitN(session, ":", 6)
	role := strings.Split(strings.TrimPrefix(p[5], "assumed-role/"), "/")[0]
	return "arn:" + p[1] + ":iam::" + p[4] + ":role/" + role
}

// check fails unless the decision is the expected one and no policy failed
// to evaluate (a policy that errors is skipped, which would change what is
// measured).
func (p *prepared) check(tb testing.TB) {
	tb.Helper()
	d, diag := cedar.Authorize(p.ps, p.entities, p.req)
	if d != p.want {
		tb.Fatalf("decision %v, want %v (reasons %v, errors %v)", d, p.want, diag.Reasons, diag.Errors)
	}
	if len(diag.Errors) > 0 {
		tb.Fatalf("%d policies failed to evaluate, first: %v", len(diag.Errors), diag.Errors[0])
	}
}

var benchNames = []string{"typical-cleanrooms", "statements-10", "statements-100", "statements-1000", "statements-10000"}

// TestDecisions checks each benchmark's decision, and that the permits that
// fire are those of the IAM statements that apply: in typical-cleanrooms
// AWSCleanRoomsFullAccess, the team policy and the network policy; in
// statements-N only the generated Allow.
func TestDecisions(t *testing.T) {
	for _, n := range benchNames {
		t.Run(n, func(t *testing.T) {
			p := prepare(t, n)
			p.check(t)
			_, diag := cedar.Authorize(p.ps, p.entities, p.req)
			var got []string
			for _, r := range diag.Reasons {
				got = append(got, p.ps.Get(r.PolicyID).Annotations()["id"].String())
			}
			sort.Strings(got)
			want := []string{
				"AWSCleanRoomsFullAccess/CleanRoomsAccess",
				"CleanRoomsCorporateNetwork/ReadFromCorporateNetwork",
				"CleanRoomsTeamCollaborations/TeamCollaborations",
			}
			if n != "typical-cleanrooms" {
				// The generator puts the Allow that applies at the last
				// index i with i%10 == 7.
				size, _ := strconv.Atoi(strings.TrimPrefix(n, "statements-"))
				want = []string{fmt.Sprintf("Generated%d/%d", size, size-1-(size-1-7)%10)}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("permits %v, want %v", got, want)
			}
		})
	}
}

func BenchmarkCedar(b *testing.B) {
	for _, n := range benchNames {
		p := prepare(b, n)
		b.Run(n, func(b *testing.B) {
			p.check(b)
			b.ReportAllocs()
			for b.Loop() {
				cedar.Authorize(p.ps, p.entities, p.req)
			}
		})
	}
}

// TestTypicalVariants checks that typical.cedar has the teeth of the IAM
// policies it renders: each change of the request below flips cleanroom's
// (and iam-simulate's) decision to ExplicitlyDenied, or keeps it Allowed, and
// must do the same in Cedar.
func TestTypicalVariants(t *testing.T) {
	data, err := os.ReadFile("typical.cedar")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := cedar.NewPolicySetFromBytes("typical.cedar", data)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, key, value, action string
		want                     cedar.Decision
	}{
		{"outside corporate network", "aws:SourceIp", `"203.0.113.5"`, "", cedar.Deny},
		{"no MFA", "aws:MultiFactorAuthPresent", `"false"`, "", cedar.Deny},
		{"region outside the SCP's", "aws:RequestedRegion", `"ap-south-1"`, "", cedar.Deny},
		{"other team's collaboration", "aws:ResourceTag/team", `"finance"`, "", cedar.Deny},
		{"outside the organization", "aws:PrincipalOrgID", `"o-zzzzzzzzzz"`, "", cedar.Deny},
		{"another cleanrooms action", "", "", "cleanrooms:CreateCollaboration", cedar.Allow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := LoadScenario("typical-cleanrooms")
			if err != nil {
				t.Fatal(err)
			}
			if c.key != "" {
				s.Input.Request.ContextVariables[c.key] = []byte(c.value)
			}
			if c.action != "" {
				s.Input.Request.Action = c.action
			}
			entities, req, err := Build(s, string(data))
			if err != nil {
				t.Fatal(err)
			}
			d, diag := cedar.Authorize(ps, entities, req)
			if d != c.want || len(diag.Errors) > 0 {
				t.Fatalf("decision %v, want %v (errors %v)", d, c.want, diag.Errors)
			}
		})
	}
}
