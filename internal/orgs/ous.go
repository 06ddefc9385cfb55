package orgs

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// ouView renders an OU with its path.
func ouView(ctx context.Context, r store.Reader, o *orgRec, ou *ouRec) (OrganizationalUnit, error) {
	chain, err := chainTo(ctx, r, o, ou.Parent)
	if err != nil {
		return OrganizationalUnit{}, err
	}
	return OrganizationalUnit{ID: ou.ID, ARN: OUARN(o.Mgmt, o.ID, ou.ID), Name: ou.Name, Path: pathOf(o, chain) + ou.ID + "/"}, nil
}

// siblingNamed reports whether an OU other than except under parent has
// the given name.
func siblingNamed(ctx context.Context, r store.Reader, o *orgRec, parent, name, except string) (bool, error) {
	ids, err := children(ctx, r, o.Mgmt, parent)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if id == except || ParseID(id) != KindOU {
			continue
		}
		ou, err := storejson.Get[ouRec](ctx, r, key(o.Mgmt, kindOU, id))
		if err != nil {
			return false, err
		}
		if ou != nil && ou.Name == name {
			return true, nil
		}
	}
	return false, nil
}

func checkOUName(name string) error { return checkLen("Name", name, 1, 128) }

// CreateOrganizationalUnit creates an OU under a root or OU. Names are
// unique among the OUs of one parent; OUs nest at most five levels under
// the root, and an organization holds at most Quotas.OrganizationalUnits.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganizationalUnit.html
func (s *Service) CreateOrganizationalUnit(ctx context.Context, caller, parentID, name string, tags []Tag, audit Audit) (*OrganizationalUnit, error) {
	if err := checkIDParam("ParentId", parentID, ReasonInvalidPattern, KindRoot, KindOU); err != nil {
		return nil, err
	}
	if err := checkOUName(name); err != nil {
		return nil, err
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	var out *OrganizationalUnit
	var result any
	var resources []store.EventResource
	err := s.write(ctx, caller, "CreateOrganizationalUnit", &resources, audit, &result, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		if ok, err := isParent(ctx, tx, o, parentID); err != nil {
			return err
		} else if !ok {
			return clone(errParentNotFound)
		}
		chain, err := chainTo(ctx, tx, o, parentID)
		if err != nil {
			return err
		}
		if len(chain) > maxOUDepth { // the root and five OUs above the new one
			return clone(errOUTooDeep)
		}
		if dup, err := siblingNamed(ctx, tx, o, parentID, name, ""); err != nil {
			return err
		} else if dup {
			return clone(errDuplicateOU)
		}
		n, err := storejson.Count(ctx, tx, o.Mgmt, kindOU, "")
		if err != nil {
			return err
		}
		if n >= s.quotas.OrganizationalUnits {
			return clone(errTooManyOUs)
		}
		id, err := s.newOUID(o.RootID)
		if err != nil {
			return err
		}
		ou := &ouRec{ID: id, Name: name, Parent: parentID, Created: s.clock(), Tags: tags}
		if err := storejson.Create(ctx, tx, key(o.Mgmt, kindOU, id), ou); err != nil {
			return err
		}
		if err := addChild(ctx, tx, o.Mgmt, parentID, id); err != nil {
			return err
		}
		if err := s.attachDefaults(ctx, tx, o, id); err != nil {
			return err
		}
		v := OrganizationalUnit{ID: id, ARN: OUARN(o.Mgmt, o.ID, id), Name: name, Path: pathOf(o, chain) + id + "/"}
		out, result = &v, &v
		resources = []store.EventResource{res(resOU, id)}
		return nil
	})
	return out, err
}

// DescribeOrganizationalUnit returns an OU.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganizationalUnit.html
func (s *Service) DescribeOrganizationalUnit(ctx context.Context, caller, ouID string) (*OrganizationalUnit, error) {
	if err := checkIDParam("OrganizationalUnitId", ouID, ReasonInvalidPattern, KindOU); err != nil {
		return nil, err
	}
	var out *OrganizationalUnit
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		ou, err := storejson.Get[ouRec](ctx, r, key(o.Mgmt, kindOU, ouID))
		if err != nil {
			return err
		}
		if ou == nil {
			return clone(errOUNotFound)
		}
		v, err := ouView(ctx, r, o, ou)
		out = &v
		return err
	})
	return out, err
}

// UpdateOrganizationalUnit renames an OU; an empty name changes nothing.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdateOrganizationalUnit.html
func (s *Service) UpdateOrganizationalUnit(ctx context.Context, caller, ouID, name string, audit Audit) (*OrganizationalUnit, error) {
	if err := checkIDParam("OrganizationalUnitId", ouID, ReasonInvalidPattern, KindOU); err != nil {
		return nil, err
	}
	if name != "" {
		if err := checkOUName(name); err != nil {
			return nil, err
		}
	}
	var out *OrganizationalUnit
	var result any
	resources := []store.EventResource{res(resOU, ouID)}
	err := s.write(ctx, caller, "UpdateOrganizationalUnit", &resources, audit, &result, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		ou, err := storejson.Get[ouRec](ctx, tx, key(o.Mgmt, kindOU, ouID))
		if err != nil {
			return err
		}
		if ou == nil {
			return clone(errOUNotFound)
		}
		if name != "" && name != ou.Name {
			if dup, err := siblingNamed(ctx, tx, o, ou.Parent, name, ou.ID); err != nil {
				return err
			} else if dup {
				return clone(errDuplicateOU)
			}
			ou.Name = name
			if err := storejson.Put(ctx, tx, key(o.Mgmt, kindOU, ouID), ou); err != nil {
				return err
			}
		}
		v, err := ouView(ctx, tx, o, ou)
		out, result = &v, &v
		return err
	})
	return out, err
}

// DeleteOrganizationalUnit deletes an OU that holds no accounts and no OUs;
// the policies attached to it are detached.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganizationalUnit.html
func (s *Service) DeleteOrganizationalUnit(ctx context.Context, caller, ouID string, audit Audit) error {
	if err := checkIDParam("OrganizationalUnitId", ouID, ReasonInvalidPattern, KindOU); err != nil {
		return err
	}
	resources := []store.EventResource{res(resOU, ouID)}
	return s.write(ctx, caller, "DeleteOrganizationalUnit", &resources, audit, nil, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		ou, err := storejson.Get[ouRec](ctx, tx, key(o.Mgmt, kindOU, ouID))
		if err != nil {
			return err
		}
		if ou == nil {
			return clone(errOUNotFound)
		}
		kids, err := children(ctx, tx, o.Mgmt, ouID)
		if err != nil {
			return err
		}
		if len(kids) > 0 {
			return clone(errOUNotEmpty)
		}
		if err := detachAll(ctx, tx, o.Mgmt, ouID); err != nil {
			return err
		}
		if err := removeChild(ctx, tx, o.Mgmt, ou.Parent, ouID); err != nil {
			return err
		}
		return storejson.Delete(ctx, tx, key(o.Mgmt, kindOU, ouID))
	})
}

// ListOrganizationalUnitsForParent lists the OUs directly under a root or
// OU.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html
func (s *Service) ListOrganizationalUnitsForParent(ctx context.Context, caller, parentID string, p Page) (ListPage[OrganizationalUnit], error) {
	if err := checkIDParam("ParentId", parentID, ReasonInvalidPattern, KindRoot, KindOU); err != nil {
		return ListPage[OrganizationalUnit]{}, err
	}
	var items []OrganizationalUnit
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		if ok, err := isParent(ctx, r, o, parentID); err != nil {
			return err
		} else if !ok {
			return clone(errParentNotFound)
		}
		ids, err := children(ctx, r, o.Mgmt, parentID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if ParseID(id) != KindOU {
				continue
			}
			ou, err := storejson.Get[ouRec](ctx, r, key(o.Mgmt, kindOU, id))
			if err != nil {
				return err
			}
			if ou == nil {
				continue
			}
			v, err := ouView(ctx, r, o, ou)
			if err != nil {
				return err
			}
			items = append(items, v)
		}
		return nil
	})
	if err != nil {
		return ListPage[OrganizationalUnit]{}, err
	}
	return paginate(items, func(u OrganizationalUnit) string { return u.ID }, p)
}

// ListChildren lists the accounts (ChildType ACCOUNT) or OUs
// (ORGANIZATIONAL_UNIT) directly under a root or OU.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListChildren.html
func (s *Service) ListChildren(ctx context.Context, caller, parentID, childType string, p Page) (ListPage[Child], error) {
	if err := checkIDParam("ParentId", parentID, ReasonInvalidPattern, KindRoot, KindOU); err != nil {
		return ListPage[Child]{}, err
	}
	var want IDKind
	switch childType {
	case ChildTypeAccount:
		want = KindAccount
	case ChildTypeOU:
		want = KindOU
	case "":
		return ListPage[Child]{}, invalidInput(ReasonInputRequired, "You must specify a value for ChildType.")
	default:
		return ListPage[Child]{}, invalidInput(ReasonInvalidEnum, "You specified an invalid value for ChildType.")
	}
	var items []Child
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		if ok, err := isParent(ctx, r, o, parentID); err != nil {
			return err
		} else if !ok {
			return clone(errParentNotFound)
		}
		ids, err := children(ctx, r, o.Mgmt, parentID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if ParseID(id) == want {
				items = append(items, Child{ID: id, Type: childType})
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[Child]{}, err
	}
	return paginate(items, func(c Child) string { return c.ID }, p)
}

// ListParents returns the parent of an account or OU (one: "In the current
// release, a child can have only a single parent").
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
func (s *Service) ListParents(ctx context.Context, caller, childID string, p Page) (ListPage[Parent], error) {
	if err := checkIDParam("ChildId", childID, ReasonInvalidPattern, KindAccount, KindOU); err != nil {
		return ListPage[Parent]{}, err
	}
	var items []Parent
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		t, err := loadTarget(ctx, r, o, childID)
		if err != nil {
			return err
		}
		if t == nil {
			return clone(errChildNotFound)
		}
		parent := ""
		if t.kind == KindOU {
			parent = t.ou.Parent
		} else {
			parent = t.acct.Parent
		}
		typ := ParentTypeOU
		if parent == o.RootID {
			typ = ParentTypeRoot
		}
		items = []Parent{{ID: parent, Type: typ}}
		return nil
	})
	if err != nil {
		return ListPage[Parent]{}, err
	}
	return paginate(items, func(p Parent) string { return p.ID }, p)
}
