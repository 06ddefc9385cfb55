package orgs

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// CreateAccount answers IN_PROGRESS; the request completes before the call
// returns, and DescribeCreateAccountStatus reports SUCCEEDED with the new
// account, which sits in the root with FullAWSAccess attached and an
// OrganizationAccountAccessRole that the management account may assume.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeCreateAccountStatus.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html
func TestCreateAccount(t *testing.T) {
	e := newEnv(t)
	st, err := e.s.CreateAccount(e.ctx, e.mgmt, CreateAccountInput{Email: "dev@example.com", AccountName: "dev",
		Tags: []Tag{{"team", "data"}}}, nil)
	e.ok(err)
	if st.State != CreateAccountInProgress || !reCARID.MatchString(st.ID) || st.AccountName != "dev" || st.AccountID != "" ||
		!st.CompletedTimestamp.IsZero() || !st.RequestedTimestamp.Equal(e.clock.Now()) {
		t.Errorf("CreateAccount = %+v", st)
	}
	d, err := e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, st.ID)
	e.ok(err)
	if d.State != CreateAccountSucceeded || !isAccountID(d.AccountID) || d.CompletedTimestamp.IsZero() || d.FailureReason != "" {
		t.Fatalf("DescribeCreateAccountStatus = %+v", d)
	}
	acct := d.AccountID

	calls := e.roles.Calls()
	if len(calls) != 1 || calls[0].account != acct || calls[0].role.Name != "OrganizationAccountAccessRole" ||
		len(calls[0].role.ManagedPolicyARNs) != 1 || calls[0].role.ManagedPolicyARNs[0] != "arn:aws:iam::aws:policy/AdministratorAccess" {
		t.Fatalf("role calls = %+v", calls)
	}
	var trust struct {
		Version   string
		Statement []struct {
			Effect    string
			Principal struct{ AWS string }
			Action    string
		}
	}
	if err := json.Unmarshal([]byte(calls[0].role.TrustPolicy), &trust); err != nil {
		t.Fatal(err)
	}
	if trust.Version != "2012-10-17" || len(trust.Statement) != 1 || trust.Statement[0].Effect != "Allow" ||
		trust.Statement[0].Principal.AWS != "arn:aws:iam::"+e.mgmt+":root" || trust.Statement[0].Action != "sts:AssumeRole" {
		t.Errorf("trust policy = %s", calls[0].role.TrustPolicy)
	}

	a, err := e.s.DescribeAccount(e.ctx, e.mgmt, acct)
	e.ok(err)
	if a.Name != "dev" || a.Email != "dev@example.com" || a.JoinedMethod != JoinedMethodCreated || a.Status != "ACTIVE" ||
		a.ARN != AccountARN(e.mgmt, e.org.ID, acct) || a.Paths[0] != e.org.ID+"/"+e.root+"/"+acct+"/" {
		t.Errorf("DescribeAccount = %+v", a)
	}
	if reg, err := e.reg.Get(e.ctx, acct); err != nil || reg.Name != "dev" || reg.Management {
		t.Errorf("registry account = %+v, %v", reg, err)
	}
	ps, err := e.s.ListPoliciesForTarget(e.ctx, e.mgmt, acct, PolicyTypeSCP, Page{})
	e.ok(err)
	if len(ps.Items) != 1 || ps.Items[0].ID != idFullAWSAccess {
		t.Errorf("policies of the new account = %+v", ps.Items)
	}
	tags, err := e.s.ListTagsForResource(e.ctx, e.mgmt, acct, Page{})
	e.ok(err)
	if len(tags.Items) != 1 || tags.Items[0] != (Tag{"team", "data"}) {
		t.Errorf("tags = %+v", tags.Items)
	}
	// CloudTrail: CreateAccount, then the service event CreateAccountResult.
	for _, name := range []string{"CreateAccount", "CreateAccountResult"} {
		evs, err := e.st.Events(e.ctx, storeEventQuery{Account: e.mgmt, Name: name})
		e.ok(err)
		if len(evs) != 1 {
			t.Errorf("%d %s events", len(evs), name)
		}
	}

	// A role name of the request's choosing.
	st, err = e.s.CreateAccount(e.ctx, e.mgmt, CreateAccountInput{Email: "ops@example.com", AccountName: "ops", RoleName: "Admin"}, nil)
	e.ok(err)
	if calls := e.roles.Calls(); len(calls) != 2 || calls[1].role.Name != "Admin" {
		t.Errorf("role calls = %+v", calls)
	}

	// An address in use fails the request, not the call.
	for _, email := range []string{"dev@example.com", "DEV@example.com", "admin@example.com"} {
		st, err = e.s.CreateAccount(e.ctx, e.mgmt, CreateAccountInput{Email: email, AccountName: "again"}, nil)
		e.ok(err)
		if st.State != CreateAccountInProgress {
			t.Errorf("CreateAccount = %+v", st)
		}
		d, err = e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, st.ID)
		e.ok(err)
		if d.State != CreateAccountFailed || d.FailureReason != FailureEmailAlreadyExists || d.AccountID != "" {
			t.Errorf("%s: status = %+v", email, d)
		}
	}
	if n := len(e.roles.Calls()); n != 2 {
		t.Errorf("%d role calls after failed requests", n)
	}
	// Every request's outcome is in the trail: two successes, three
	// failures.
	evs, err := e.st.Events(e.ctx, storeEventQuery{Account: e.mgmt, Name: "CreateAccountResult"})
	e.ok(err)
	failures := 0
	for _, ev := range evs {
		if strings.Contains(string(ev.Data), `"failureReason":"EMAIL_ALREADY_EXISTS"`) && strings.Contains(string(ev.Data), `"AwsServiceEvent"`) {
			failures++
		}
	}
	if len(evs) != 5 || failures != 3 {
		t.Errorf("%d CreateAccountResult events, %d failures", len(evs), failures)
	}
	accts, err := e.s.ListAccounts(e.ctx, e.mgmt, Page{})
	e.ok(err)
	if len(accts.Items) != 3 {
		t.Errorf("ListAccounts: %d accounts", len(accts.Items))
	}

	all, err := e.s.ListCreateAccountStatus(e.ctx, e.mgmt, nil, Page{})
	e.ok(err)
	failed, err := e.s.ListCreateAccountStatus(e.ctx, e.mgmt, []string{CreateAccountFailed}, Page{})
	e.ok(err)
	if len(all.Items) != 5 || len(failed.Items) != 3 {
		t.Errorf("ListCreateAccountStatus: %d, %d failed", len(all.Items), len(failed.Items))
	}

	_, err = e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, "car-0123456789abcdef0123456789abcdef")
	wantErr(t, err, CodeCreateAccountStatusNotFound, "")
	_, err = e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, "bogus")
	wantErr(t, err, CodeInvalidInput, ReasonInvalidPattern)
	_, err = e.s.DescribeAccount(e.ctx, e.mgmt, "999999999999")
	wantErr(t, err, CodeAccountNotFound, "")
}

// The request's parameters, as the CreateAccount page constrains them:
// Email 6 to 64 characters [^\s@]+@[^\s@]+\.[^\s@]+, AccountName 1 to 50
// characters [\u0020-\u007E]+, RoleName [\w+=,.@-]{1,64},
// IamUserAccessToBilling ALLOW or DENY.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
func TestCreateAccountParameters(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("a", 51)
	for _, tc := range []struct {
		name   string
		in     CreateAccountInput
		reason string
	}{
		{"no email", CreateAccountInput{AccountName: "a"}, ReasonInputRequired},
		{"short email", CreateAccountInput{Email: "a@b.c", AccountName: "a"}, ReasonMinLengthExceeded},
		{"long email", CreateAccountInput{Email: strings.Repeat("a", 60) + "@b.com", AccountName: "a"}, ReasonMaxLengthExceeded},
		{"no at", CreateAccountInput{Email: "abcdef.com", AccountName: "a"}, ReasonInvalidEmailAddress},
		{"no dot", CreateAccountInput{Email: "abc@defcom", AccountName: "a"}, ReasonInvalidEmailAddress},
		{"space", CreateAccountInput{Email: "a b@def.com", AccountName: "a"}, ReasonInvalidEmailAddress},
		{"two ats", CreateAccountInput{Email: "a@b@def.com", AccountName: "a"}, ReasonInvalidEmailAddress},
		{"no name", CreateAccountInput{Email: "a@example.com"}, ReasonInputRequired},
		{"long name", CreateAccountInput{Email: "a@example.com", AccountName: long}, ReasonMaxLengthExceeded},
		{"name not ASCII", CreateAccountInput{Email: "a@example.com", AccountName: "café"}, ReasonInvalidPattern},
		{"name control", CreateAccountInput{Email: "a@example.com", AccountName: "a\tb"}, ReasonInvalidPattern},
		{"role name", CreateAccountInput{Email: "a@example.com", AccountName: "a", RoleName: "a/b"}, ReasonInvalidRoleName},
		{"role name long", CreateAccountInput{Email: "a@example.com", AccountName: "a", RoleName: strings.Repeat("r", 65)}, ReasonInvalidRoleName},
		{"billing", CreateAccountInput{Email: "a@example.com", AccountName: "a", IAMUserAccessToBilling: "MAYBE"}, ReasonInvalidEnum},
		{"tag aws:", CreateAccountInput{Email: "a@example.com", AccountName: "a", Tags: []Tag{{"aws:x", "y"}}}, ReasonInvalidSystemTags},
		{"tag twice", CreateAccountInput{Email: "a@example.com", AccountName: "a", Tags: []Tag{{"k", "1"}, {"k", "2"}}}, ReasonDuplicateTagKey},
		{"tag value", CreateAccountInput{Email: "a@example.com", AccountName: "a", Tags: []Tag{{"k", "a|b"}}}, ReasonInvalidPattern},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.CreateAccount(e.ctx, e.mgmt, tc.in, nil)
			wantErr(t, err, CodeInvalidInput, tc.reason)
		})
	}
	ok := CreateAccountInput{Email: "a.b+c@sub.example.com", AccountName: strings.Repeat("x", 50), RoleName: "Role_+=,.@-1", IAMUserAccessToBilling: "DENY"}
	if _, err := e.s.CreateAccount(e.ctx, e.mgmt, ok, nil); err != nil {
		t.Errorf("valid request refused: %v", err)
	}
}

// "Number of AWS accounts in an organization: 10" by default, the
// management account included (Quotas for AWS Organizations).
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
func TestAccountQuota(t *testing.T) {
	e := newEnv(t)
	for i := 1; i < 10; i++ {
		e.account("a" + string(rune('a'+i)))
	}
	_, err := e.s.CreateAccount(e.ctx, e.mgmt, CreateAccountInput{Email: "x@example.com", AccountName: "x"}, nil)
	wantErr(t, err, CodeConstraintViolation, ReasonAccountNumberLimitExceeded)
}

// When the access role cannot be made the request stays IN_PROGRESS, and
// Resume completes it.
func TestCreateAccountResume(t *testing.T) {
	e := newEnv(t)
	e.roles.setFail(errors.New("iam is down"))
	st, err := e.s.CreateAccount(e.ctx, e.mgmt, CreateAccountInput{Email: "dev@example.com", AccountName: "dev"}, nil)
	e.ok(err)
	d, err := e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, st.ID)
	e.ok(err)
	if d.State != CreateAccountInProgress || d.AccountID == "" {
		t.Fatalf("status = %+v", d)
	}
	e.ok(e.s.Resume(e.ctx))
	if d, _ := e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, st.ID); d.State != CreateAccountInProgress {
		t.Fatalf("status after a failed resume = %+v", d)
	}
	e.roles.setFail(nil)
	e.ok(e.s.Resume(e.ctx))
	d, err = e.s.DescribeCreateAccountStatus(e.ctx, e.mgmt, st.ID)
	e.ok(err)
	if d.State != CreateAccountSucceeded {
		t.Fatalf("status after resume = %+v", d)
	}
	if calls := e.roles.Calls(); len(calls) != 1 || calls[0].account != d.AccountID {
		t.Errorf("role calls = %+v", calls)
	}
	// Nothing is left to resume.
	e.ok(e.s.Resume(e.ctx))
	if n := len(e.roles.Calls()); n != 1 {
		t.Errorf("%d role calls", n)
	}
}

// MoveAccount moves an account from the parent SourceParentId names.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
func TestMoveAccount(t *testing.T) {
	e := newEnv(t)
	a := e.account("a")
	prod := e.ou(e.root, "Prod")
	dev := e.ou(e.root, "Dev")
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, e.root, prod, nil))
	got, err := e.s.DescribeAccount(e.ctx, e.mgmt, a)
	e.ok(err)
	if got.Paths[0] != e.org.ID+"/"+e.root+"/"+prod+"/"+a+"/" {
		t.Errorf("path = %s", got.Paths[0])
	}
	for _, tc := range []struct {
		name             string
		account, src, to string
		code             string
	}{
		{"wrong source", a, e.root, dev, CodeSourceParentNotFound},
		{"no source", a, "ou-" + e.root[2:] + "-zzzzzzzz", dev, CodeSourceParentNotFound},
		{"no destination", a, prod, "ou-" + e.root[2:] + "-zzzzzzzz", CodeDestinationParentNotFound},
		{"already there", a, prod, prod, CodeDuplicateAccount},
		{"no account", "999999999999", prod, dev, CodeAccountNotFound},
		{"bad id", "12345", prod, dev, CodeInvalidInput},
		{"account as parent", a, prod, e.mgmt, CodeInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, e.s.MoveAccount(e.ctx, e.mgmt, tc.account, tc.src, tc.to, nil), tc.code, "")
		})
	}
	e.ok(e.s.MoveAccount(e.ctx, e.mgmt, a, prod, dev, nil))
	list, err := e.s.ListAccountsForParent(e.ctx, e.mgmt, dev, Page{})
	e.ok(err)
	if len(list.Items) != 1 || list.Items[0].ID != a {
		t.Errorf("accounts of Dev = %+v", list.Items)
	}
	if list, _ := e.s.ListAccountsForParent(e.ctx, e.mgmt, prod, Page{}); len(list.Items) != 0 {
		t.Errorf("accounts of Prod = %+v", list.Items)
	}
	parents, err := e.s.ListParents(e.ctx, e.mgmt, a, Page{})
	e.ok(err)
	if len(parents.Items) != 1 || parents.Items[0] != (Parent{dev, ParentTypeOU}) {
		t.Errorf("ListParents = %+v", parents.Items)
	}
}
