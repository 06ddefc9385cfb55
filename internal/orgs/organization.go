package orgs

import (
	"context"
	"errors"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/account"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// CreateOrganization creates an organization with the caller as its
// management account. FeatureSet is ALL (the default when "") or
// CONSOLIDATED_BILLING. "By default (or if you set the FeatureSet parameter
// to ALL), the new organization is created with all features enabled and
// service control policies automatically enabled in the root": with ALL,
// the SCP type is enabled and FullAWSAccess attached to the root and the
// management account.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html
func (s *Service) CreateOrganization(ctx context.Context, caller, featureSet string, audit Audit) (*Organization, error) {
	switch featureSet {
	case "":
		featureSet = FeatureSetAll
	case FeatureSetAll, FeatureSetConsolidatedBilling:
	default:
		return nil, invalidInput(ReasonInvalidEnum, "You specified an invalid value for FeatureSet.")
	}
	acct, err := s.accounts.Get(ctx, caller)
	if errors.Is(err, account.ErrNotFound) {
		return nil, clone(errAccountNotFound)
	}
	if err != nil {
		return nil, err
	}
	var out *Organization
	var result any
	var resources []store.EventResource
	err = s.write(ctx, caller, "CreateOrganization", &resources, audit, &result, func(tx store.Tx) error {
		if o, err := orgOf(ctx, tx, caller); err != nil {
			return err
		} else if o != nil {
			return clone(errAlreadyInOrg)
		}
		orgID, err := s.newOrgID()
		if err != nil {
			return err
		}
		rootID, err := s.newRootID()
		if err != nil {
			return err
		}
		now := s.clock()
		o := &orgRec{ID: orgID, Mgmt: caller, MgmtEmail: acct.Email, FeatureSet: featureSet, RootID: rootID, RootName: "Root", Created: now}
		if featureSet == FeatureSetAll {
			o.Enabled = []string{PolicyTypeSCP}
		}
		if err := storejson.Create(ctx, tx, key("", kindOrg, orgID), o); err != nil {
			return err
		}
		if err := storejson.Put(ctx, tx, key("", kindMembership, caller), membershipRec{Org: orgID, Mgmt: caller}); err != nil {
			return err
		}
		if acct.Email != "" {
			if err := storejson.Put(ctx, tx, key("", kindEmail, strings.ToLower(acct.Email)), emailRec{Account: caller}); err != nil {
				return err
			}
		}
		// The management account joins its own organization; AWS reports
		// it as INVITED.
		ar := &accountRec{ID: caller, Name: acct.Name, Email: acct.Email, Parent: rootID, Method: JoinedMethodInvited, Status: AccountStatusActive, Joined: now}
		if err := storejson.Put(ctx, tx, key(caller, kindAccount, caller), ar); err != nil {
			return err
		}
		if err := addChild(ctx, tx, caller, rootID, caller); err != nil {
			return err
		}
		if err := s.attachDefaults(ctx, tx, o, rootID); err != nil {
			return err
		}
		if err := s.attachDefaults(ctx, tx, o, caller); err != nil {
			return err
		}
		out = o.view()
		result = out
		resources = []store.EventResource{res(resOrganization, orgID)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "organization created", "organization", out.ID, "management", caller)
	return out, nil
}

// DescribeOrganization returns the caller's organization; member accounts
// may call it too.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
func (s *Service) DescribeOrganization(ctx context.Context, caller string) (*Organization, error) {
	var out *Organization
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, false)
		if err != nil {
			return err
		}
		out = o.view()
		return nil
	})
	return out, err
}

// ListRoots lists the organization's roots: one.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html
func (s *Service) ListRoots(ctx context.Context, caller string, p Page) (ListPage[Root], error) {
	var roots []Root
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		roots = []Root{o.root()}
		return nil
	})
	if err != nil {
		return ListPage[Root]{}, err
	}
	return paginate(roots, func(r Root) string { return r.ID }, p)
}
