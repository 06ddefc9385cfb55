package orgsapi

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/account"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
)

// recorder is an access.Authorizer that records each Authorize call (the
// requests of one operation) and denies the requests deny says.
type recorder struct {
	mu    sync.Mutex
	calls [][]access.Request
	deny  func(access.Request) bool
}

func (r *recorder) Authorize(ctx context.Context, reqs ...access.Request) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, slices.Clone(reqs))
	for _, q := range reqs {
		if r.deny != nil && r.deny(q) {
			return access.Deny(q.Action, q.Resource, "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
				identity.FromContext(ctx).ARN, q.Action, q.Resource, q.Action)
		}
	}
	return nil
}

// last returns the requests of the last Authorize call for an action.
func (r *recorder) last(action string) []access.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.calls) - 1; i >= 0; i-- {
		if len(r.calls[i]) > 0 && r.calls[i][0].Action == action {
			return r.calls[i]
		}
	}
	return nil
}

func (r *recorder) setDeny(f func(access.Request) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deny = f
}

// fakeRoles stands in for the IAM side of CreateAccount.
type fakeRoles struct {
	mu    sync.Mutex
	calls []string // account/role
}

func (f *fakeRoles) CreateAccessRole(ctx context.Context, acct string, role orgs.AccessRole) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, acct+"/"+role.Name)
	return nil
}

func (f *fakeRoles) made() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

type fixture struct {
	t      testing.TB
	ctx    context.Context
	st     *sqlite.Store
	reg    *account.Registry
	svc    *orgs.Service
	roles  *fakeRoles
	authz  *recorder
	h      *orgswire.Handlers
	mgmt   string
	client *organizations.Client

	mu     sync.Mutex
	caller *identity.Caller
}

func rootOf(acct string) *identity.Caller {
	return &identity.Caller{Type: identity.Root, Account: acct, ARN: "arn:aws:iam::" + acct + ":root", PrincipalARN: "arn:aws:iam::" + acct + ":root", UserID: acct}
}

func userOf(acct, name string) *identity.Caller {
	arn := "arn:aws:iam::" + acct + ":user/" + name
	return &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: arn, PrincipalARN: arn, Name: name, UserID: "AIDA" + name, Path: "/"}
}

// newFixture returns handlers over an orgs.Service on a fresh SQLite store,
// a management account outside any organization, and an SDK client whose
// requests the handlers serve as the management account's root user.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cleanroom.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, ctx: ctx, st: st, roles: &fakeRoles{}, authz: &recorder{}}
	f.reg = account.New(st, nil, time.Now, rand.Reader)
	f.svc, err = orgs.New(orgs.Options{Store: st, Accounts: f.reg, IAM: f.roles})
	if err != nil {
		t.Fatal(err)
	}
	f.mgmt = f.standalone("management", "admin@example.com")
	f.caller = rootOf(f.mgmt)
	f.h = Handlers(Options{Service: f.svc, Authorizer: f.authz, Audit: func(ctx context.Context, op string, in any) orgs.Audit {
		c := identity.FromContext(ctx)
		return func(result any) store.Event { return store.Event{Username: c.Name, AccessKeyID: "AKIDAUDIT"} }
	}})
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.client = organizations.New(organizations.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: awstest.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
	})
	return f
}

// standalone creates an account in no organization, as the server's
// bootstrap does.
func (f *fixture) standalone(name, email string) string {
	f.t.Helper()
	var id string
	f.ok(f.st.Update(f.ctx, func(tx store.Tx) error {
		a, err := f.reg.Create(f.ctx, tx, name, email, true)
		id = a.ID
		return err
	}))
	return id
}

func (f *fixture) as(c *identity.Caller) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.caller = c
}

func (f *fixture) current() *identity.Caller {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.caller
}

// serve answers awsJson 1.1 requests as the server does, with the
// fixture's caller as the authenticated principal.
func (f *fixture) serve(w http.ResponseWriter, r *http.Request) {
	ctx := identity.NewContext(r.Context(), f.current())
	resp, err := func() (awsproto.JSONResponse, error) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		return f.h.Serve(ctx, r.Header.Get(awsproto.HeaderTarget), body)
	}()
	if err != nil {
		var denied *access.DeniedError
		if errors.As(err, &denied) {
			err = awsproto.AccessDeniedException("%s", denied.Message)
		}
		_ = awsproto.WriteError(w, awsproto.JSON11, awsproto.AsError(err), awsproto.ResponseMeta{RequestID: "req-1"})
		return
	}
	_ = awsproto.WriteJSONResponse(w, resp, "req-1")
}

func (f *fixture) ok(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// apiCode returns the error code and message an SDK call failed with.
func apiCode(err error) (string, string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", ""
}

// withOrg creates the organization as the management account's root user.
func (f *fixture) withOrg() (orgID, rootID string) {
	f.t.Helper()
	o, err := f.client.CreateOrganization(f.ctx, &organizations.CreateOrganizationInput{})
	f.ok(err)
	roots, err := f.client.ListRoots(f.ctx, &organizations.ListRootsInput{})
	f.ok(err)
	return aws.ToString(o.Organization.Id), aws.ToString(roots.Roots[0].Id)
}

// createAccount creates a member account and returns its id.
func (f *fixture) createAccount(name, email string) string {
	f.t.Helper()
	out, err := f.client.CreateAccount(f.ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(email)})
	f.ok(err)
	st, err := f.client.DescribeCreateAccountStatus(f.ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
	f.ok(err)
	if st.CreateAccountStatus.AccountId == nil {
		f.t.Fatalf("create account status %+v", st.CreateAccountStatus)
	}
	return aws.ToString(st.CreateAccountStatus.AccountId)
}

// scp is a valid service control policy.
const scp = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`

// has reports whether a request's context holds key with exactly values.
func has(q access.Request, key string, values ...string) bool {
	v, ok := q.Context[key]
	return ok && slices.Equal(v, values)
}
