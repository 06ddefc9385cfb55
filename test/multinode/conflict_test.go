package multinode

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
)

// maxAttached is IAM's quota of managed policies attached to a user ("IAM
// and AWS STS quotas": managed policies per user, 10), which AWS reports as
// LimitExceeded "Cannot exceed quota for PoliciesPerUser: 10".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
const maxAttached = 10

// TestConcurrentWrites sends conflicting writes to two nodes at the same
// moment: the database must serialize them as one node would.
func TestConcurrentWrites(t *testing.T) {
	c := startCluster(t, 2)
	ctx := t.Context()
	admins := []*iam.Client{c.nodes[0].iam(c.nodes[0].root), c.nodes[1].iam(c.nodes[1].root)}

	// CreateRole of one name on both nodes: one creates it, the other gets
	// EntityAlreadyExists. Role names are unique without regard to case
	// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html:
	// "Role names are not distinguished by case"), so odd rounds send the
	// name in upper case to node B.
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cleanrooms.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	roleIDs := map[string]string{} // lower-case name -> the winner's RoleId
	for round := range 5 {
		name := fmt.Sprintf("race-role-%d", round)
		names := []string{name, name}
		if round%2 == 1 {
			names[1] = strings.ToUpper(name)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		out := make([]*iam.CreateRoleOutput, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				<-start
				out[i], errs[i] = admins[i].CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(names[i]), AssumeRolePolicyDocument: aws.String(trust)})
			})
		}
		close(start)
		wg.Wait()
		codes := []string{errorCode(errs[0]), errorCode(errs[1])}
		winner := slices.Index(codes, "")
		if winner < 0 || codes[1-winner] != "EntityAlreadyExists" {
			t.Fatalf("round %d: CreateRole %s on A and %s on B: errors %q, want one success and one EntityAlreadyExists", round, names[0], names[1], codes)
		}
		roleIDs[name] = aws.ToString(out[winner].Role.RoleId)
		for i, a := range admins {
			got, err := a.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
			if err != nil {
				t.Fatalf("round %d: node %s: GetRole: %v", round, c.nodes[i].name, err)
			}
			if id := aws.ToString(got.Role.RoleId); id != roleIDs[name] || aws.ToString(got.Role.RoleName) != names[winner] {
				t.Fatalf("round %d: node %s: GetRole = %s %s; the winner (node %s) created %s %s", round, c.nodes[i].name,
					aws.ToString(got.Role.RoleName), id, c.nodes[winner].name, names[winner], roleIDs[name])
			}
		}
	}

	// 12 distinct managed policies attached to one user by 20 goroutines,
	// 10 on each node: exactly 10 end up attached, every call succeeds or
	// fails with LimitExceeded, and a policy's calls all have the same
	// outcome (attaching an attached policy again changes nothing). The
	// catalog has 9 AWS managed IAM policies: 3 customer managed policies
	// make up the 12 (the quota counts both kinds).
	var policies []string
	for _, m := range catalog.Default().ManagedPolicies() {
		if m.Kind == "iam" && len(policies) < 12 {
			policies = append(policies, m.ARN)
		}
	}
	for i := len(policies); i < 12; i++ {
		policies = append(policies, createPolicy(t, admins[i%2], fmt.Sprintf("race-policy-%d", i), "iam:GetUser"))
	}
	// Call g goes to node g%2 with policy g, then (g >= 12) policy g-11: the
	// policies called twice are called once from each node.
	policyOf := func(g int) string {
		if g < 12 {
			return policies[g]
		}
		return policies[g-11]
	}
	attachedTo := map[string][]string{} // user -> the policies whose calls succeeded
	for u := range 3 {
		user := fmt.Sprintf("race-user-%d", u)
		if _, err := admins[u%2].CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)}); err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		codes := make([]string, 20)
		for g := range 20 {
			wg.Go(func() {
				<-start
				_, err := admins[g%2].AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: aws.String(policyOf(g))})
				codes[g] = errorCode(err)
			})
		}
		close(start)
		wg.Wait()
		outcome := map[string]string{} // policy -> its calls' outcome
		limited := 0
		for g, code := range codes {
			if code != "" && code != "LimitExceeded" {
				t.Fatalf("%s: AttachUserPolicy %s on node %s: %s; want success or LimitExceeded", user, policyOf(g), c.nodes[g%2].name, code)
			}
			if code == "LimitExceeded" {
				limited++
			}
			p := policyOf(g)
			if prev, ok := outcome[p]; ok && prev != code {
				t.Errorf("%s: AttachUserPolicy %s: %q on one node, %q on the other", user, p, prev, code)
			}
			outcome[p] = code
		}
		var won []string
		for p, code := range outcome {
			if code == "" {
				won = append(won, p)
			}
		}
		slices.Sort(won)
		if len(won) != maxAttached {
			t.Fatalf("%s: %d distinct policies attached successfully, want exactly %d (%d calls got LimitExceeded)", user, len(won), maxAttached, limited)
		}
		t.Logf("%s: %d calls succeeded, %d got LimitExceeded; %d distinct policies attached", user, 20-limited, limited, len(won))
		attachedTo[user] = won
		for i, a := range admins {
			out, err := a.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(user)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range out.AttachedPolicies {
				got = append(got, aws.ToString(p.PolicyArn))
			}
			slices.Sort(got)
			if !slices.Equal(got, won) {
				t.Errorf("node %s: ListAttachedUserPolicies %s = %q, want %q", c.nodes[i].name, user, got, won)
			}
		}
	}

	// GetAccountAuthorizationDetails, on either node, shows one state: each
	// role once with its winner's id, each user with its 10 policies, and
	// each managed policy with the number of users it is attached to.
	want := authzSummary{Roles: roleIDs, Users: attachedTo, Attachments: map[string]int32{}}
	for _, ps := range attachedTo {
		for _, p := range ps {
			want.Attachments[p]++
		}
	}
	for i, a := range admins {
		got := summarize(t, a, policies)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("node %s: GetAccountAuthorizationDetails:\n got  %+v\n want %+v", c.nodes[i].name, got, want)
		}
	}
}

// authzSummary is what TestConcurrentWrites checks of
// GetAccountAuthorizationDetails.
type authzSummary struct {
	Roles       map[string]string   // lower-case role name -> RoleId
	Users       map[string][]string // user name -> attached policy ARNs, sorted
	Attachments map[string]int32    // managed policy ARN -> AttachmentCount, when not 0
}

// summarize reads every page of GetAccountAuthorizationDetails, keeping the
// test's roles, users and policies.
func summarize(t *testing.T, a *iam.Client, policies []string) authzSummary {
	t.Helper()
	s := authzSummary{Roles: map[string]string{}, Users: map[string][]string{}, Attachments: map[string]int32{}}
	pages := iam.NewGetAccountAuthorizationDetailsPaginator(a, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []types.EntityType{types.EntityTypeUser, types.EntityTypeRole, types.EntityTypeAWSManagedPolicy, types.EntityTypeLocalManagedPolicy},
	})
	for pages.HasMorePages() {
		out, err := pages.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.RoleDetailList {
			name := strings.ToLower(aws.ToString(r.RoleName))
			if _, dup := s.Roles[name]; dup {
				t.Errorf("GetAccountAuthorizationDetails lists role %s twice", name)
			}
			s.Roles[name] = aws.ToString(r.RoleId)
		}
		for _, u := range out.UserDetailList {
			var ps []string
			for _, p := range u.AttachedManagedPolicies {
				ps = append(ps, aws.ToString(p.PolicyArn))
			}
			slices.Sort(ps)
			s.Users[aws.ToString(u.UserName)] = ps
		}
		for _, p := range out.Policies {
			if n := aws.ToInt32(p.AttachmentCount); n != 0 {
				s.Attachments[aws.ToString(p.Arn)] = n
			}
		}
	}
	// Only the test's own: the bootstrap makes no users, roles or
	// attachments today, but a later one may.
	maps.DeleteFunc(s.Roles, func(k, _ string) bool { return !strings.HasPrefix(k, "race-role-") })
	maps.DeleteFunc(s.Users, func(k string, _ []string) bool { return !strings.HasPrefix(k, "race-user-") })
	maps.DeleteFunc(s.Attachments, func(k string, _ int32) bool { return !slices.Contains(policies, k) })
	return s
}
