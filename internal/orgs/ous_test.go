package orgs

import (
	"strings"
	"testing"
)

// Organizational units: names unique under one parent, nesting at most
// five levels under the root, deletion only when empty.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganizationalUnit.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdateOrganizationalUnit.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganizationalUnit.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html ("OU maximum nesting in a root")
func TestOrganizationalUnits(t *testing.T) {
	e := newEnv(t)
	prod, err := e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, e.root, "Prod", []Tag{{"env", "prod"}}, nil)
	e.ok(err)
	if !reOUID.MatchString(prod.ID) || !strings.HasPrefix(prod.ID, "ou-"+e.root[2:]+"-") || !reOUARN.MatchString(prod.ARN) ||
		prod.ARN != OUARN(e.mgmt, e.org.ID, prod.ID) || prod.Path != e.org.ID+"/"+e.root+"/"+prod.ID+"/" || !rePath.MatchString(prod.Path) {
		t.Errorf("OU = %+v", prod)
	}
	if tags, err := e.s.ListTagsForResource(e.ctx, e.mgmt, prod.ID, Page{}); err != nil || len(tags.Items) != 1 || tags.Items[0] != (Tag{"env", "prod"}) {
		t.Errorf("tags of the new OU = %+v, %v", tags.Items, err)
	}
	// FullAWSAccess is attached to every new OU.
	ps, err := e.s.ListPoliciesForTarget(e.ctx, e.mgmt, prod.ID, PolicyTypeSCP, Page{})
	e.ok(err)
	if len(ps.Items) != 1 || ps.Items[0].ID != idFullAWSAccess {
		t.Errorf("policies of a new OU = %+v", ps.Items)
	}

	// The same name under another parent is fine; under the same one not.
	e.ou(prod.ID, "Prod")
	_, err = e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, e.root, "Prod", nil, nil)
	wantErr(t, err, CodeDuplicateOrganizationalUnit, "")

	// Five levels of OUs under the root, not six.
	parent := e.root
	var chain []string
	for i := 1; i <= 5; i++ {
		parent = e.ou(parent, "level")
		chain = append(chain, parent)
	}
	_, err = e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, parent, "six", nil, nil)
	wantErr(t, err, CodeConstraintViolation, ReasonOUDepthLimitExceeded)
	d, err := e.s.DescribeOrganizationalUnit(e.ctx, e.mgmt, parent)
	e.ok(err)
	if d.Path != e.org.ID+"/"+e.root+"/"+strings.Join(chain, "/")+"/" {
		t.Errorf("path = %s", d.Path)
	}

	for _, tc := range []struct {
		name, parent, ou string
		code, reason     string
	}{
		{"parent missing", "ou-" + e.root[2:] + "-zzzzzzzz", "x", CodeParentNotFound, ""},
		{"root missing", "r-zzzz", "x", CodeParentNotFound, ""},
		{"parent is an account", e.mgmt, "x", CodeInvalidInput, ReasonInvalidPattern},
		{"empty name", e.root, "", CodeInvalidInput, ReasonInputRequired},
		{"long name", e.root, strings.Repeat("n", 129), CodeInvalidInput, ReasonMaxLengthExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, tc.parent, tc.ou, nil, nil)
			wantErr(t, err, tc.code, tc.reason)
		})
	}

	// Rename: unique among siblings; renaming to its own name is a no-op.
	dev := e.ou(e.root, "Dev")
	_, err = e.s.UpdateOrganizationalUnit(e.ctx, e.mgmt, dev, "Prod", nil)
	wantErr(t, err, CodeDuplicateOrganizationalUnit, "")
	u, err := e.s.UpdateOrganizationalUnit(e.ctx, e.mgmt, dev, "Development", nil)
	e.ok(err)
	if u.Name != "Development" || u.ID != dev {
		t.Errorf("UpdateOrganizationalUnit = %+v", u)
	}
	if _, err := e.s.UpdateOrganizationalUnit(e.ctx, e.mgmt, dev, "Development", nil); err != nil {
		t.Error(err)
	}
	_, err = e.s.UpdateOrganizationalUnit(e.ctx, e.mgmt, "ou-"+e.root[2:]+"-zzzzzzzz", "x", nil)
	wantErr(t, err, CodeOrganizationalUnitNotFound, "")

	// Children and parents.
	kids, err := e.s.ListChildren(e.ctx, e.mgmt, e.root, ChildTypeOU, Page{})
	e.ok(err)
	if len(kids.Items) != 3 {
		t.Errorf("OU children of the root = %+v", kids.Items)
	}
	kids, err = e.s.ListChildren(e.ctx, e.mgmt, e.root, ChildTypeAccount, Page{})
	e.ok(err)
	if len(kids.Items) != 1 || kids.Items[0] != (Child{e.mgmt, ChildTypeAccount}) {
		t.Errorf("account children of the root = %+v", kids.Items)
	}
	_, err = e.s.ListChildren(e.ctx, e.mgmt, e.root, "GROUP", Page{})
	wantErr(t, err, CodeInvalidInput, ReasonInvalidEnum)
	ous, err := e.s.ListOrganizationalUnitsForParent(e.ctx, e.mgmt, prod.ID, Page{})
	e.ok(err)
	if len(ous.Items) != 1 || ous.Items[0].Name != "Prod" {
		t.Errorf("OUs of Prod = %+v", ous.Items)
	}
	parents, err := e.s.ListParents(e.ctx, e.mgmt, chain[0], Page{})
	e.ok(err)
	if len(parents.Items) != 1 || parents.Items[0] != (Parent{e.root, ParentTypeRoot}) {
		t.Errorf("ListParents = %+v", parents.Items)
	}
	_, err = e.s.ListParents(e.ctx, e.mgmt, "999999999999", Page{})
	wantErr(t, err, CodeChildNotFound, "")

	// Delete: not while it holds an OU or an account.
	wantErr(t, e.s.DeleteOrganizationalUnit(e.ctx, e.mgmt, chain[3], nil), CodeOrganizationalUnitNotEmpty, "")
	a := e.account("a")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, dev, nil))
	wantErr(t, e.s.DeleteOrganizationalUnit(e.ctx, e.mgmt, dev, nil), CodeOrganizationalUnitNotEmpty, "")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, dev, e.root, nil))
	e.ok(e.s.DeleteOrganizationalUnit(e.ctx, e.mgmt, dev, nil))
	_, err = e.s.DescribeOrganizationalUnit(e.ctx, e.mgmt, dev)
	wantErr(t, err, CodeOrganizationalUnitNotFound, "")
	wantErr(t, e.s.DeleteOrganizationalUnit(e.ctx, e.mgmt, dev, nil), CodeOrganizationalUnitNotFound, "")
	// Its attachments went with it.
	targets, err := e.s.ListTargetsForPolicy(e.ctx, e.mgmt, idFullAWSAccess, Page{MaxResults: 20})
	e.ok(err)
	for _, tg := range targets.Items {
		if tg.TargetID == dev {
			t.Errorf("deleted OU still a target")
		}
	}
	// Only the management account manages OUs.
	_, err = e.s.CreateOrganizationalUnit(e.ctx, a, e.root, "Mine", nil, nil)
	wantErr(t, err, CodeAccessDenied, "")
}

// "Number of OUs in an organization" (Quotas for AWS Organizations),
// lowered here through Options.Quotas.
func TestOUQuota(t *testing.T) {
	e := newEnv(t)
	e.s.quotas.OrganizationalUnits = 3
	for _, n := range []string{"a", "b", "c"} {
		e.ou(e.root, n)
	}
	_, err := e.s.CreateOrganizationalUnit(e.ctx, e.mgmt, e.root, "d", nil, nil)
	wantErr(t, err, CodeConstraintViolation, ReasonOUNumberLimitExceeded)
}
