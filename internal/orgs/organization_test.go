package orgs

import (
	"regexp"
	"testing"
)

// Patterns of the API model's shapes (botocore organizations 2016-11-28),
// anchored; the ids cleanroom issues are the forms the User Guide shows.
var (
	reOrgID     = regexp.MustCompile(`^o-[a-z0-9]{10}$`)
	reRootID    = regexp.MustCompile(`^r-[0-9a-z]{4}$`)
	reOUID      = regexp.MustCompile(`^ou-[0-9a-z]{4}-[a-z0-9]{8}$`)
	rePolicyID  = regexp.MustCompile(`^p-[0-9a-z]{8}$`)
	reCARID     = regexp.MustCompile(`^car-[a-z0-9]{8,32}$`)
	reOrgARN    = regexp.MustCompile(`^arn:aws:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$`)
	reAcctARN   = regexp.MustCompile(`^arn:aws:organizations::\d{12}:account/o-[a-z0-9]{10,32}/\d{12}$`)
	reRootARN   = regexp.MustCompile(`^arn:aws:organizations::\d{12}:root/o-[a-z0-9]{10,32}/r-[0-9a-z]{4,32}$`)
	reOUARN     = regexp.MustCompile(`^arn:aws:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$`)
	rePolicyARN = regexp.MustCompile(`^arn:aws:organizations::\d{12}:policy/o-[a-z0-9]{10,32}/[0-9a-z_]+/p-[0-9a-z]{8,32}$`)
	rePath      = regexp.MustCompile(`^o-[a-z0-9]{10,32}/r-[0-9a-z]{4,32}(/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})*(/\d{12})*/$`)
)

// CreateOrganization with all features enables SCPs on the root and
// attaches FullAWSAccess to the root and the management account.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html
func TestCreateOrganization(t *testing.T) {
	e := newEnv(t)
	o := e.org
	if !reOrgID.MatchString(o.ID) || !reOrgARN.MatchString(o.ARN) || !reAcctARN.MatchString(o.MasterAccountARN) {
		t.Errorf("organization ids: %+v", o)
	}
	if o.ARN != "arn:aws:organizations::"+e.mgmt+":organization/"+o.ID ||
		o.MasterAccountARN != "arn:aws:organizations::"+e.mgmt+":account/"+o.ID+"/"+e.mgmt ||
		o.MasterAccountID != e.mgmt || o.MasterAccountEmail != "admin@example.com" || o.FeatureSet != FeatureSetAll {
		t.Errorf("organization = %+v", o)
	}
	d, err := e.s.DescribeOrganization(e.ctx, e.mgmt)
	e.ok(err)
	if d.ID != o.ID || len(d.AvailablePolicyTypes) != 1 || d.AvailablePolicyTypes[0] != (PolicyTypeSummary{PolicyTypeSCP, "ENABLED"}) {
		t.Errorf("DescribeOrganization = %+v", d)
	}

	roots, err := e.s.ListRoots(e.ctx, e.mgmt, Page{})
	e.ok(err)
	if len(roots.Items) != 1 || roots.NextToken != "" {
		t.Fatalf("ListRoots = %+v", roots)
	}
	r := roots.Items[0]
	if !reRootID.MatchString(r.ID) || !reRootARN.MatchString(r.ARN) || r.ARN != RootARN(e.mgmt, o.ID, r.ID) || r.Name != "Root" ||
		len(r.PolicyTypes) != 1 || r.PolicyTypes[0].Type != PolicyTypeSCP || r.PolicyTypes[0].Status != "ENABLED" {
		t.Errorf("root = %+v", r)
	}
	for _, target := range []string{r.ID, e.mgmt} {
		ps, err := e.s.ListPoliciesForTarget(e.ctx, e.mgmt, target, PolicyTypeSCP, Page{})
		e.ok(err)
		if len(ps.Items) != 1 || ps.Items[0].ID != "p-FullAWSAccess" || !ps.Items[0].AWSManaged ||
			ps.Items[0].ARN != "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess" {
			t.Errorf("policies of %s = %+v", target, ps.Items)
		}
	}
	accts, err := e.s.ListAccounts(e.ctx, e.mgmt, Page{})
	e.ok(err)
	if len(accts.Items) != 1 || accts.Items[0].ID != e.mgmt || accts.Items[0].Paths[0] != o.ID+"/"+r.ID+"/"+e.mgmt+"/" ||
		!rePath.MatchString(accts.Items[0].Paths[0]) || accts.Items[0].Status != "ACTIVE" || accts.Items[0].Name != "management" {
		t.Errorf("ListAccounts = %+v", accts.Items)
	}

	_, err = e.s.CreateOrganization(e.ctx, e.mgmt, "", nil)
	wantErr(t, err, CodeAlreadyInOrganization, "")
	_, err = e.s.CreateOrganization(e.ctx, e.mgmt, "BOGUS", nil)
	wantErr(t, err, CodeInvalidInput, ReasonInvalidEnum)

	// An account in no organization.
	loner := e.newStandalone("loner", "loner@example.com")
	_, err = e.s.DescribeOrganization(e.ctx, loner)
	wantErr(t, err, CodeNotInUse, "")
	_, err = e.s.ListRoots(e.ctx, loner, Page{})
	wantErr(t, err, CodeNotInUse, "")

	// A member account sees its organization, not the rest.
	m := e.account("member")
	if d, err := e.s.DescribeOrganization(e.ctx, m); err != nil || d.ID != o.ID {
		t.Errorf("member DescribeOrganization = %+v, %v", d, err)
	}
	_, err = e.s.ListRoots(e.ctx, m, Page{})
	wantErr(t, err, CodeAccessDenied, "")
	if _, err := e.s.ListRoots(e.ctx, m, Page{}); err.(*Error).Message != "You don't have permissions to access this resource." {
		t.Errorf("access denied message = %q", err.(*Error).Message)
	}
	_, err = e.s.CreateAccount(e.ctx, m, CreateAccountInput{Email: "x@example.com", AccountName: "x"}, nil)
	wantErr(t, err, CodeAccessDenied, "")
	_, err = e.s.CreateOrganization(e.ctx, m, "", nil)
	wantErr(t, err, CodeAlreadyInOrganization, "")
}

// With consolidated billing only, no policy type is enabled or available.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
func TestConsolidatedBillingOrganization(t *testing.T) {
	e := newBareEnv(t)
	o, err := e.s.CreateOrganization(e.ctx, e.mgmt, FeatureSetConsolidatedBilling, nil)
	e.ok(err)
	if o.FeatureSet != FeatureSetConsolidatedBilling || len(o.AvailablePolicyTypes) != 0 {
		t.Errorf("organization = %+v", o)
	}
	roots, err := e.s.ListRoots(e.ctx, e.mgmt, Page{})
	e.ok(err)
	_, err = e.s.EnablePolicyType(e.ctx, e.mgmt, roots.Items[0].ID, PolicyTypeRCP, nil)
	wantErr(t, err, CodePolicyTypeNotAvailable, "")
	levels, err := e.s.SCPLevels(e.ctx, e.account("a"))
	if err != nil || levels != nil {
		t.Errorf("SCPLevels = %v, %v, want nil", levels, err)
	}
}

// Every write appends its event in the caller's trail.
func TestAuditEvents(t *testing.T) {
	e := newEnv(t)
	called := 0
	_, err := e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, e.root, "Prod", nil, func(result any) (ev storeEvent) {
		called++
		if ou, ok := result.(*OrganizationalUnit); !ok || ou.Name != "Prod" {
			t.Errorf("audit result = %#v", result)
		}
		ev.Username = "alice"
		return ev
	})
	e.ok(err)
	if called == 0 {
		t.Fatal("audit not called")
	}
	evs, err := e.st.Events(e.ctx, storeEventQuery{Account: e.mgmt, Name: "CreateOrganizationalUnit"})
	e.ok(err)
	if len(evs) != 1 || evs[0].Source != Source || evs[0].Username != "alice" || len(evs[0].Resources) != 1 || evs[0].Resources[0].Type != resOU {
		t.Errorf("events = %+v", evs)
	}
	// A refused write leaves no event.
	_, err = e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, e.root, "Prod", nil, nil)
	wantErr(t, err, CodeDuplicateOrganizationalUnit, "")
	evs, err = e.st.Events(e.ctx, storeEventQuery{Account: e.mgmt, Name: "CreateOrganizationalUnit"})
	e.ok(err)
	if len(evs) != 1 {
		t.Errorf("%d events after a refused write", len(evs))
	}
}
