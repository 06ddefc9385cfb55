package multinode

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const (
	// propagationTarget is the longest a node may take to enforce a policy
	// change committed on another node (the PostgreSQL backend's target:
	// the caches compare the LISTEN/NOTIFY generation on every request).
	propagationTarget = 100 * time.Millisecond
	// propagationLimit fails a single sample: above it the change was not
	// carried by a notification at all (the fallback poll runs every
	// second). Single samples between the target and the limit are
	// scheduling noise on a shared 2-core machine, logged, not failed:
	// the target is held to by the median.
	propagationLimit = 900 * time.Millisecond
	// propagationReps is how many grants and revocations are measured for
	// each ordered pair of nodes.
	propagationReps = 10
)

// TestPropagation attaches a policy allowing iam:ListUsers to a user on one
// node and measures how long another node takes to allow the user's call,
// then detaches it and measures how long until the other node denies, for
// every ordered pair of three nodes.
func TestPropagation(t *testing.T) {
	c := startCluster(t, 3)
	ctx := t.Context()
	a := c.nodes[0]

	// One bootstrap: the later nodes found the first's and wrote its root
	// key into their own aws/credentials.
	for _, n := range c.nodes[1:] {
		if n.srv.ManagementAccount() != a.srv.ManagementAccount() {
			t.Fatalf("node %s: management account %s, node A %s", n.name, n.srv.ManagementAccount(), a.srv.ManagementAccount())
		}
		if n.root != a.root {
			t.Fatalf("node %s has root key %s, node A %s", n.name, n.root.AccessKeyID, a.root.AccessKeyID)
		}
	}

	admin := a.iam(a.root)
	user := newUserWithKey(t, admin, "propagation")
	arn := createPolicy(t, admin, "list-users", "iam:ListUsers")
	admins := make([]*iam.Client, len(c.nodes))
	users := make([]*iam.Client, len(c.nodes))
	for i, n := range c.nodes {
		admins[i] = n.iam(n.root)
		users[i] = n.iam(user)
	}
	attach := func(i int) {
		t.Helper()
		if _, err := admins[i].AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("propagation"), PolicyArn: aws.String(arn)}); err != nil {
			t.Fatalf("node %s: AttachUserPolicy: %v", c.nodes[i].name, err)
		}
	}
	detach := func(i int) {
		t.Helper()
		if _, err := admins[i].DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("propagation"), PolicyArn: aws.String(arn)}); err != nil {
			t.Fatalf("node %s: DetachUserPolicy: %v", c.nodes[i].name, err)
		}
	}
	// allDeny waits until every node denies the user (it checks that a
	// grant measured next starts from a denial, not from a stale allow).
	allDeny := func() {
		t.Helper()
		for i, u := range users {
			if _, err := waitAllowed(ctx, u, false, time.Now(), 5*time.Second); err != nil {
				t.Fatalf("node %s: %v", c.nodes[i].name, err)
			}
		}
	}

	allDeny()
	// The node that commits a change enforces it on the next request.
	for i, n := range c.nodes {
		attach(i)
		if ok, err := allowed(ctx, users[i]); err != nil || !ok {
			t.Fatalf("node %s right after its own attach: allowed %v, %v", n.name, ok, err)
		}
		detach(i)
		if ok, err := allowed(ctx, users[i]); err != nil || ok {
			t.Fatalf("node %s right after its own detach: allowed %v, %v", n.name, ok, err)
		}
		allDeny()
	}

	// The resolution of a measurement is one call: a ListUsers round trip.
	var rtts []time.Duration
	for range 20 {
		start := time.Now()
		if _, err := allowed(ctx, users[1]); err != nil {
			t.Fatal(err)
		}
		rtts = append(rtts, time.Since(start))
	}
	rtt, _ := stats(rtts)
	t.Logf("a denied ListUsers round trip: median %s (the resolution of the delays below)", ms(rtt))

	var allGrants, allRevokes []time.Duration
	for w := range c.nodes {
		for r := range c.nodes {
			if w == r {
				continue
			}
			from, to := c.nodes[w].name, c.nodes[r].name
			var grants, revokes []time.Duration
			for range propagationReps {
				attach(w)
				d, err := waitAllowed(ctx, users[r], true, time.Now(), 5*time.Second)
				if err != nil {
					t.Fatalf("grant on %s, node %s: %v", from, to, err)
				}
				grants = append(grants, d)
				detach(w)
				d, err = waitAllowed(ctx, users[r], false, time.Now(), 5*time.Second)
				if err != nil {
					t.Fatalf("revocation on %s, node %s: %v", from, to, err)
				}
				revokes = append(revokes, d)
				allDeny()
			}
			okGrants := report(t, "grant on "+from+" seen on "+to, grants)
			okRevokes := report(t, "revocation on "+from+" seen on "+to, revokes)
			if !okGrants || !okRevokes {
				t.FailNow() // the other pairs would take as long
			}
			allGrants = append(allGrants, grants...)
			allRevokes = append(allRevokes, revokes...)
		}
	}
	gm, gx := stats(allGrants)
	rm, rx := stats(allRevokes)
	t.Logf("all %d grants: median %s, max %s; all %d revocations: median %s, max %s (target %v)",
		len(allGrants), ms(gm), ms(gx), len(allRevokes), ms(rm), ms(rx), propagationTarget)
}

// report logs the delays of one kind of change and fails the test (and
// returns false) if their median exceeds propagationTarget or one exceeds
// propagationLimit.
func report(t *testing.T, what string, ds []time.Duration) bool {
	t.Helper()
	median, maximum := stats(ds)
	each := make([]string, len(ds))
	for i, d := range ds {
		each[i] = ms(d)
	}
	t.Logf("%s after median %s, max %s (%s)", what, ms(median), ms(maximum), strings.Join(each, " "))
	switch {
	case median > propagationTarget:
		t.Errorf("%s: the median delay %s exceeds the %v target", what, ms(median), propagationTarget)
		return false
	case maximum > propagationLimit:
		t.Errorf("%s: a delay of %s: the change came by the fallback poll, not a notification", what, ms(maximum))
		return false
	case maximum > propagationTarget:
		t.Logf("%s: one delay of %s is above the %v target (the median is within it)", what, ms(maximum), propagationTarget)
	}
	return true
}
