package orgs

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// CreateAccountInput is CreateAccount's request.
type CreateAccountInput struct {
	Email       string
	AccountName string
	// RoleName is the access role's name; "" means
	// OrganizationAccountAccessRole.
	RoleName string
	// IAMUserAccessToBilling is ALLOW, DENY or "" (ALLOW); cleanroom has no
	// billing console and only checks the value.
	IAMUserAccessToBilling string
	Tags                   []Tag
}

// CreateAccount creates a member account in the caller's organization, in
// its root, with an access role that the management account may assume.
// As in AWS, the request is answered IN_PROGRESS with the request's id;
// cleanroom completes it before returning (DescribeCreateAccountStatus
// then reports SUCCEEDED with the account id, or FAILED with
// EMAIL_ALREADY_EXISTS when another account has the address). Completion
// records a CreateAccountResult event, as CloudTrail does.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
func (s *Service) CreateAccount(ctx context.Context, caller string, in CreateAccountInput, audit Audit) (*CreateAccountStatus, error) {
	if err := checkEmail(in.Email); err != nil {
		return nil, err
	}
	if err := checkAccountName(in.AccountName); err != nil {
		return nil, err
	}
	if in.RoleName == "" {
		in.RoleName = DefaultAccessRoleName
	} else if err := checkRoleName(in.RoleName); err != nil {
		return nil, err
	}
	switch in.IAMUserAccessToBilling {
	case "", "ALLOW", "DENY":
	default:
		return nil, invalidInput(ReasonInvalidEnum, "You specified an invalid value for IamUserAccessToBilling.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	var out *CreateAccountStatus
	var result any
	var resources []store.EventResource
	var car *carRec
	var mgmt string
	err := s.write(ctx, caller, "CreateAccount", &resources, audit, &result, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		mgmt = o.Mgmt
		id, err := s.newCARID()
		if err != nil {
			return err
		}
		now := s.clock()
		car = &carRec{ID: id, Name: in.AccountName, State: CreateAccountInProgress, Requested: now, RoleName: in.RoleName}
		// The answer is the request as accepted, before it completes.
		out = car.view()
		result = out
		resources = []store.EventResource{res(resAccount, in.AccountName)}

		emailKey := key("", kindEmail, strings.ToLower(in.Email))
		if taken, err := storejson.Get[emailRec](ctx, tx, emailKey); err != nil {
			return err
		} else if taken != nil {
			car.State, car.Completed, car.Failure = CreateAccountFailed, now, FailureEmailAlreadyExists
			if err := storejson.Create(ctx, tx, key(o.Mgmt, kindCAR, id), car); err != nil {
				return err
			}
			return s.resultEvent(ctx, tx, o.Mgmt, car)
		}
		n, err := storejson.Count(ctx, tx, o.Mgmt, kindAccount, "")
		if err != nil {
			return err
		}
		if n >= s.quotas.Accounts {
			return clone(errTooManyAccts)
		}
		a, err := s.accounts.Create(ctx, tx, in.AccountName, in.Email, false)
		if err != nil {
			return err
		}
		car.Account = a.ID
		ar := &accountRec{ID: a.ID, Name: in.AccountName, Email: in.Email, Parent: o.RootID, Method: JoinedMethodCreated,
			Status: AccountStatusActive, Joined: now, Tags: in.Tags}
		if err := storejson.Create(ctx, tx, key(o.Mgmt, kindAccount, a.ID), ar); err != nil {
			return err
		}
		if err := storejson.Put(ctx, tx, key("", kindMembership, a.ID), membershipRec{Org: o.ID, Mgmt: o.Mgmt}); err != nil {
			return err
		}
		if err := storejson.Create(ctx, tx, emailKey, emailRec{Account: a.ID}); err != nil {
			return err
		}
		if err := addChild(ctx, tx, o.Mgmt, o.RootID, a.ID); err != nil {
			return err
		}
		if err := s.attachDefaults(ctx, tx, o, a.ID); err != nil {
			return err
		}
		return storejson.Create(ctx, tx, key(o.Mgmt, kindCAR, id), car)
	})
	if err != nil {
		return nil, err
	}
	if car.State == CreateAccountInProgress {
		s.finish(ctx, mgmt, car.ID)
	}
	return out, nil
}

// accessRole is the role CreateAccount has a RoleMaker create in a new
// account: trusted by the management account's root, with
// AdministratorAccess ("Accessing a member account that has
// OrganizationAccountAccessRole",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html).
func accessRole(mgmt, name string) AccessRole {
	trust, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": "arn:aws:iam::" + mgmt + ":root"},
			"Action":    "sts:AssumeRole",
		}},
	})
	return AccessRole{Name: name, TrustPolicy: string(trust), ManagedPolicyARNs: []string{AdministratorAccessARN}}
}

// finish completes an accepted create account request: it has the access
// role created, then records SUCCEEDED and the CreateAccountResult event.
// When the role cannot be created the request stays IN_PROGRESS (the
// account exists) and Resume tries again later; the error is logged.
func (s *Service) finish(ctx context.Context, mgmt, carID string) {
	if _, busy := s.finishing.LoadOrStore(carID, true); busy {
		return
	}
	// The request was accepted: its completion does not depend on the
	// caller waiting for the answer.
	ctx = context.WithoutCancel(ctx)
	defer s.finishing.Delete(carID)
	var car *carRec
	if err := s.view(ctx, func(r store.Reader) (err error) {
		car, err = storejson.Get[carRec](ctx, r, key(mgmt, kindCAR, carID))
		return err
	}); err != nil || car == nil || car.State != CreateAccountInProgress {
		if err != nil {
			s.log.ErrorContext(ctx, "reading a create account request", "request", carID, "error", err)
		}
		return
	}
	if err := s.roles.CreateAccessRole(ctx, car.Account, accessRole(mgmt, car.RoleName)); err != nil {
		s.log.ErrorContext(ctx, "creating the access role of a new account; the request stays in progress",
			"request", carID, "account", car.Account, "role", car.RoleName, "error", err)
		return
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		c, err := storejson.Get[carRec](ctx, tx, key(mgmt, kindCAR, carID))
		if err != nil || c == nil || c.State != CreateAccountInProgress {
			return err
		}
		c.State, c.Completed = CreateAccountSucceeded, s.clock()
		if err := storejson.Put(ctx, tx, key(mgmt, kindCAR, carID), c); err != nil {
			return err
		}
		return s.resultEvent(ctx, tx, mgmt, c)
	})
	s.hot.Store(nil)
	if err != nil {
		s.log.ErrorContext(ctx, "completing a create account request", "request", carID, "error", err)
	}
}

// resultEvent appends the CreateAccountResult event, the service event in
// which CloudTrail records a create account request's outcome.
func (s *Service) resultEvent(ctx context.Context, tx store.Tx, mgmt string, c *carRec) error {
	status := map[string]any{"id": c.ID, "state": c.State, "accountName": c.Name,
		"requestedTimestamp": c.Requested.Format(time.RFC3339), "completedTimestamp": c.Completed.Format(time.RFC3339)}
	var resources []store.EventResource
	if c.Account != "" {
		status["accountId"] = c.Account
		resources = []store.EventResource{res(resAccount, c.Account)}
	}
	if c.Failure != "" {
		status["failureReason"] = c.Failure
	}
	e := store.Event{Account: mgmt, Name: "CreateAccountResult", Resources: resources}
	return s.fillAndAppend(ctx, tx, e, "AwsServiceEvent", map[string]any{
		"serviceEventDetails": map[string]any{"createAccountStatus": status},
	})
}

// Resume completes the create account requests left in progress (by a
// RoleMaker error, or a stop between the account's creation and its
// role's). The server calls it when it starts.
func (s *Service) Resume(ctx context.Context) error {
	type pending struct{ mgmt, id string }
	var todo []pending
	err := s.view(ctx, func(r store.Reader) error {
		orgs, _, err := storejson.List[orgRec](ctx, r, "", kindOrg, "")
		if err != nil {
			return err
		}
		for _, o := range orgs {
			cars, _, err := storejson.List[carRec](ctx, r, o.Mgmt, kindCAR, "")
			if err != nil {
				return err
			}
			for _, c := range cars {
				if c.State == CreateAccountInProgress {
					todo = append(todo, pending{o.Mgmt, c.ID})
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range todo {
		s.finish(ctx, p.mgmt, p.id)
	}
	return nil
}

// DescribeCreateAccountStatus returns the state of a CreateAccount request.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeCreateAccountStatus.html
func (s *Service) DescribeCreateAccountStatus(ctx context.Context, caller, requestID string) (*CreateAccountStatus, error) {
	if err := checkIDParam("CreateAccountRequestId", requestID, ReasonInvalidPattern, KindCreateAccountRequest); err != nil {
		return nil, err
	}
	var out *CreateAccountStatus
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		c, err := storejson.Get[carRec](ctx, r, key(o.Mgmt, kindCAR, requestID))
		if err != nil {
			return err
		}
		if c == nil {
			return clone(errCARNotFound)
		}
		out = c.view()
		return nil
	})
	return out, err
}

// ListCreateAccountStatus lists the organization's CreateAccount requests,
// newest first, optionally only those in the given states.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListCreateAccountStatus.html
func (s *Service) ListCreateAccountStatus(ctx context.Context, caller string, states []string, p Page) (ListPage[CreateAccountStatus], error) {
	for _, st := range states {
		switch st {
		case CreateAccountInProgress, CreateAccountSucceeded, CreateAccountFailed:
		default:
			return ListPage[CreateAccountStatus]{}, invalidInput(ReasonInvalidEnum, "You specified an invalid value for States.")
		}
	}
	var items []CreateAccountStatus
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		cars, _, err := storejson.List[carRec](ctx, r, o.Mgmt, kindCAR, "")
		if err != nil {
			return err
		}
		for _, c := range cars {
			if len(states) == 0 || slices.Contains(states, c.State) {
				items = append(items, *c.view())
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[CreateAccountStatus]{}, err
	}
	// Newest first; the page key orders by descending time, then id.
	k := func(c CreateAccountStatus) string {
		return timeKeyDesc(c.RequestedTimestamp) + c.ID
	}
	slices.SortFunc(items, func(a, b CreateAccountStatus) int { return strings.Compare(k(a), k(b)) })
	return paginate(items, k, p)
}

// timeKeyDesc is a fixed-width key that sorts later times first.
func timeKeyDesc(t time.Time) string {
	const width = 20
	n := uint64(1<<63-1) - uint64(t.UnixNano())
	var b [width]byte
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// accountView renders an account with its path.
func accountView(ctx context.Context, r store.Reader, o *orgRec, a *accountRec) (Account, error) {
	chain, err := chainTo(ctx, r, o, a.Parent)
	if err != nil {
		return Account{}, err
	}
	return Account{
		ID: a.ID, ARN: AccountARN(o.Mgmt, o.ID, a.ID), Email: a.Email, Name: a.Name, Status: a.Status, State: AccountStateActive,
		JoinedMethod: a.Method, JoinedTimestamp: a.Joined, Paths: []string{pathOf(o, chain) + a.ID + "/"},
	}, nil
}

// ListAccounts lists the accounts of the organization, the management
// account included, in id order.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
func (s *Service) ListAccounts(ctx context.Context, caller string, p Page) (ListPage[Account], error) {
	var items []Account
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		recs, _, err := storejson.List[accountRec](ctx, r, o.Mgmt, kindAccount, "")
		if err != nil {
			return err
		}
		for _, a := range recs {
			v, err := accountView(ctx, r, o, a)
			if err != nil {
				return err
			}
			items = append(items, v)
		}
		return nil
	})
	if err != nil {
		return ListPage[Account]{}, err
	}
	return paginate(items, func(a Account) string { return a.ID }, p)
}

// DescribeAccount returns an account of the organization.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html
func (s *Service) DescribeAccount(ctx context.Context, caller, accountID string) (*Account, error) {
	if err := checkIDParam("AccountId", accountID, ReasonInvalidPattern, KindAccount); err != nil {
		return nil, err
	}
	var out *Account
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		a, err := storejson.Get[accountRec](ctx, r, key(o.Mgmt, kindAccount, accountID))
		if err != nil {
			return err
		}
		if a == nil {
			return clone(errAccountNotFound)
		}
		v, err := accountView(ctx, r, o, a)
		out = &v
		return err
	})
	return out, err
}

// ListAccountsForParent lists the accounts directly under a root or OU.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
func (s *Service) ListAccountsForParent(ctx context.Context, caller, parentID string, p Page) (ListPage[Account], error) {
	if err := checkIDParam("ParentId", parentID, ReasonInvalidPattern, KindRoot, KindOU); err != nil {
		return ListPage[Account]{}, err
	}
	var items []Account
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
			if ParseID(id) != KindAccount {
				continue
			}
			a, err := storejson.Get[accountRec](ctx, r, key(o.Mgmt, kindAccount, id))
			if err != nil {
				return err
			}
			if a == nil {
				continue
			}
			v, err := accountView(ctx, r, o, a)
			if err != nil {
				return err
			}
			items = append(items, v)
		}
		return nil
	})
	if err != nil {
		return ListPage[Account]{}, err
	}
	return paginate(items, func(a Account) string { return a.ID }, p)
}

// MoveAccount moves an account from its parent (which SourceParentId must
// name) to another root or OU.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
//
// AWS does not document the answer when the source parent exists but does
// not hold the account; cleanroom answers SourceParentNotFoundException, as
// the source named does not hold it, and DuplicateAccountException when the
// destination already does.
func (s *Service) MoveAccount(ctx context.Context, caller, accountID, sourceParentID, destParentID string, audit Audit) error {
	if err := checkIDParam("AccountId", accountID, ReasonInvalidPattern, KindAccount); err != nil {
		return err
	}
	if err := checkIDParam("SourceParentId", sourceParentID, ReasonInvalidPattern, KindRoot, KindOU); err != nil {
		return err
	}
	if err := checkIDParam("DestinationParentId", destParentID, ReasonInvalidPattern, KindRoot, KindOU); err != nil {
		return err
	}
	resources := []store.EventResource{res(resAccount, accountID)}
	return s.write(ctx, caller, "MoveAccount", &resources, audit, nil, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		a, err := storejson.Get[accountRec](ctx, tx, key(o.Mgmt, kindAccount, accountID))
		if err != nil {
			return err
		}
		if a == nil {
			return clone(errAccountNotFound)
		}
		if ok, err := isParent(ctx, tx, o, sourceParentID); err != nil {
			return err
		} else if !ok {
			return clone(errSourceNotFound)
		}
		if ok, err := isParent(ctx, tx, o, destParentID); err != nil {
			return err
		} else if !ok {
			return clone(errDestNotFound)
		}
		if a.Parent == destParentID {
			return clone(errDuplicateAccount)
		}
		if a.Parent != sourceParentID {
			return clone(errSourceNotFound)
		}
		if err := removeChild(ctx, tx, o.Mgmt, a.Parent, a.ID); err != nil {
			return err
		}
		if err := addChild(ctx, tx, o.Mgmt, destParentID, a.ID); err != nil {
			return err
		}
		a.Parent = destParentID
		return storejson.Put(ctx, tx, key(o.Mgmt, kindAccount, a.ID), a)
	})
}
