package iamapi

import (
	"context"
	"errors"
	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/iam/iamtest"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

const acct = "123456789012"

// recorder is an access.Authorizer that records the requests it is asked
// and denies those deny says.
type recorder struct {
	mu   sync.Mutex
	reqs []access.Request
	deny func(access.Request) bool
}

func (r *recorder) Authorize(ctx context.Context, reqs ...access.Request) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range reqs {
		r.reqs = append(r.reqs, q)
		if r.deny != nil && r.deny(q) {
			return access.Deny(q.Action, q.Resource, "User: %s is not authorized to perform: %s on resource: %s", identity.FromContext(ctx).ARN, q.Action, q.Resource)
		}
	}
	return nil
}

// last returns the last request for an action.
func (r *recorder) last(action string) (access.Request, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.reqs) - 1; i >= 0; i-- {
		if r.reqs[i].Action == action {
			return r.reqs[i], true
		}
	}
	return access.Request{}, false
}

type fixture struct {
	t      *testing.T
	svc    *iam.Service
	st     *iamtest.MemStore
	authz  *recorder
	h      *iamwire.Handlers
	caller *identity.Caller
	client *sdkiam.Client
}

func adminCaller() *identity.Caller {
	arn := "arn:aws:iam::" + acct + ":user/admin"
	return &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: arn, PrincipalARN: arn, Name: "admin", UserID: "AIDAADMIN", Path: "/"}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := iamtest.NewMemStore(nil)
	svc, err := iam.New(iam.Options{Store: st, Sealer: iamtest.Sealer{}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, svc: svc, st: st, authz: &recorder{}, caller: adminCaller()}
	f.h = Handlers(Options{Service: svc, Authorizer: f.authz, Audit: func(ctx context.Context, op string, in any) iam.Audit {
		c := identity.FromContext(ctx)
		return func(result any) store.Event { return store.Event{Username: c.Name} }
	}})
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.client = sdkiam.New(sdkiam.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: awstest.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
	})
	return f
}

// serve answers awsQuery requests as the server does, with the fixture's
// caller as the authenticated principal.
func (f *fixture) serve(w http.ResponseWriter, r *http.Request) {
	ctx := identity.NewContext(r.Context(), f.caller)
	resp, err := func() (awsproto.QueryResponse, error) {
		v, err := awsproto.ReadQuery(r, 1<<20)
		if err != nil {
			return nil, err
		}
		action, _, err := awsproto.QueryAction(v)
		if err != nil {
			return nil, err
		}
		return f.h.Serve(ctx, action, v)
	}()
	if err != nil {
		var denied *access.DeniedError
		if errors.As(err, &denied) {
			err = awsproto.AccessDenied("%s", denied.Message)
		}
		_ = awsproto.WriteError(w, awsproto.Query, awsproto.AsError(err), awsproto.ResponseMeta{RequestID: "req-1", XMLNamespace: iamwire.XMLNamespace})
		return
	}
	_ = awsproto.WriteQueryResponse(w, resp, "req-1")
}

func (f *fixture) ok(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// apiCode returns the error code an SDK call failed with.
func apiCode(err error) (string, string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", ""
}

// The CLI's and SDKs' view of users, with the authorization each call asks:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html and
// the Service Authorization Reference's iam:CreateUser (resource user,
// condition keys aws:RequestTag/${TagKey}, aws:TagKeys, iam:PermissionsBoundary).
func TestUsersThroughTheSDK(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const boundary = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
	out, err := f.client.CreateUser(ctx, &sdkiam.CreateUserInput{
		UserName: aws.String("alice"), Path: aws.String("/eng/"), PermissionsBoundary: aws.String(boundary),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	f.ok(err)
	if aws.ToString(out.User.Arn) != "arn:aws:iam::123456789012:user/eng/alice" || !strings.HasPrefix(aws.ToString(out.User.UserId), "AIDA") ||
		aws.ToString(out.User.PermissionsBoundary.PermissionsBoundaryArn) != boundary || len(out.User.Tags) != 1 {
		t.Errorf("CreateUser = %+v", out.User)
	}
	req, _ := f.authz.last("iam:CreateUser")
	if req.Resource != "arn:aws:iam::123456789012:user/eng/alice" || !slices.Equal(req.Context["aws:RequestTag/team"], []string{"data"}) ||
		!slices.Equal(req.Context["aws:TagKeys"], []string{"team"}) || !slices.Equal(req.Context["iam:PermissionsBoundary"], []string{boundary}) {
		t.Errorf("CreateUser authorization = %+v", req)
	}

	got, err := f.client.GetUser(ctx, &sdkiam.GetUserInput{UserName: aws.String("alice")})
	f.ok(err)
	if aws.ToString(got.User.UserName) != "alice" || got.User.CreateDate == nil {
		t.Errorf("GetUser = %+v", got.User)
	}
	req, _ = f.authz.last("iam:GetUser")
	if req.Resource != "arn:aws:iam::123456789012:user/eng/alice" || !slices.Equal(req.Context["aws:ResourceTag/team"], []string{"data"}) ||
		!slices.Equal(req.Context["iam:ResourceTag/team"], []string{"data"}) {
		t.Errorf("GetUser authorization = %+v", req)
	}
	if _, ok := req.Context["iam:PermissionsBoundary"]; ok {
		t.Error("GetUser was given iam:PermissionsBoundary, which the action does not support")
	}

	list, err := f.client.ListUsers(ctx, &sdkiam.ListUsersInput{PathPrefix: aws.String("/eng/")})
	f.ok(err)
	if len(list.Users) != 1 || list.IsTruncated {
		t.Errorf("ListUsers = %+v", list)
	}
	// IAM decides a listing on the listed path (its denials name it).
	if req, _ := f.authz.last("iam:ListUsers"); req.Resource != "arn:aws:iam::123456789012:user/eng/" {
		t.Errorf("ListUsers resource = %q", req.Resource)
	}

	_, err = f.client.GetUser(ctx, &sdkiam.GetUserInput{UserName: aws.String("bob")})
	var nse *types.NoSuchEntityException
	if !errors.As(err, &nse) || aws.ToString(nse.Message) != "The user with name bob cannot be found." {
		t.Errorf("GetUser(bob) = %v", err)
	}
	_, err = f.client.CreateUser(ctx, &sdkiam.CreateUserInput{UserName: aws.String("ALICE")})
	var exists *types.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("duplicate CreateUser = %v", err)
	}

	// The caller's own user when UserName is absent.
	f.caller = &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: aws.ToString(out.User.Arn), PrincipalARN: aws.ToString(out.User.Arn), Name: "alice"}
	self, err := f.client.GetUser(ctx, &sdkiam.GetUserInput{})
	f.ok(err)
	if aws.ToString(self.User.UserName) != "alice" {
		t.Errorf("GetUser without a name = %+v", self.User)
	}
	f.caller = &identity.Caller{Type: identity.AssumedRole, Account: acct, ARN: "arn:aws:sts::123456789012:assumed-role/r/s"}
	_, err = f.client.GetUser(ctx, &sdkiam.GetUserInput{})
	if code, msg := apiCode(err); code != "ValidationError" || msg != "Must specify userName when calling with non-User credentials" {
		t.Errorf("GetUser by a role session = %v", err)
	}

	// Audit events carry what the server's AuditFunc built.
	evs := f.st.AllEvents()
	if len(evs) != 1 || evs[0].Name != "CreateUser" || evs[0].Username != "admin" {
		t.Errorf("events = %+v", evs)
	}
}

// IAM returns policy documents URL-encoded (RFC 3986): GetRolePolicy,
// GetRole's AssumeRolePolicyDocument, GetPolicyVersion.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
func TestPolicyDocumentsAreURLEncoded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	_, err := f.client.CreateRole(ctx, &sdkiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)})
	f.ok(err)
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a+b/*"}]}`
	_, err = f.client.PutRolePolicy(ctx, &sdkiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
	f.ok(err)
	got, err := f.client.GetRolePolicy(ctx, &sdkiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p")})
	f.ok(err)
	enc := aws.ToString(got.PolicyDocument)
	if strings.ContainsAny(enc, `{"+ `) || !strings.Contains(enc, "%20") {
		t.Errorf("document is not URL-encoded with %%20 for spaces: %s", enc)
	}
	if dec, err := url.PathUnescape(enc); err != nil || dec != doc {
		t.Errorf("decoded document = %q, %v", dec, err)
	}
	role, err := f.client.GetRole(ctx, &sdkiam.GetRoleInput{RoleName: aws.String("r")})
	f.ok(err)
	if dec, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument)); dec != trust {
		t.Errorf("trust policy = %q", dec)
	}
	p, err := f.client.CreatePolicy(ctx, &sdkiam.CreatePolicyInput{PolicyName: aws.String("m"), PolicyDocument: aws.String(doc)})
	f.ok(err)
	v, err := f.client.GetPolicyVersion(ctx, &sdkiam.GetPolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: aws.String("v1")})
	f.ok(err)
	if dec, _ := url.PathUnescape(aws.ToString(v.PolicyVersion.Document)); dec != doc {
		t.Errorf("policy version document = %q", dec)
	}
}

// Domain errors reach the SDK as IAM's modelled errors.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html#API_CreateAccessKey_Errors
func TestErrorsThroughTheSDK(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.client.CreateUser(ctx, &sdkiam.CreateUserInput{UserName: aws.String("u")})
	f.ok(err)
	for i := 0; i < 2; i++ {
		_, err := f.client.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{UserName: aws.String("u")})
		f.ok(err)
	}
	_, err = f.client.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{UserName: aws.String("u")})
	var le *types.LimitExceededException
	if !errors.As(err, &le) || aws.ToString(le.Message) != "Cannot exceed quota for AccessKeysPerUser: 2" {
		t.Errorf("third key = %v", err)
	}
	_, err = f.client.DeleteUser(ctx, &sdkiam.DeleteUserInput{UserName: aws.String("u")})
	var dc *types.DeleteConflictException
	if !errors.As(err, &dc) || aws.ToString(dc.Message) != "Cannot delete entity, must delete access keys first." {
		t.Errorf("DeleteUser = %v", err)
	}
	_, err = f.client.CreatePolicy(ctx, &sdkiam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":[]}`)})
	var mp *types.MalformedPolicyDocumentException
	if !errors.As(err, &mp) {
		t.Errorf("malformed policy = %v", err)
	}
	_, err = f.client.CreateRole(ctx, &sdkiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		MaxSessionDuration: aws.Int32(50000)})
	if code, _ := apiCode(err); code != "ValidationError" {
		t.Errorf("MaxSessionDuration 50000 = %v", err)
	}

	f.authz.deny = func(q access.Request) bool { return q.Action == "iam:DeleteUser" }
	_, err = f.client.DeleteUser(ctx, &sdkiam.DeleteUserInput{UserName: aws.String("u")})
	if code, msg := apiCode(err); code != "AccessDenied" || !strings.Contains(msg, "iam:DeleteUser on resource: arn:aws:iam::123456789012:user/u") {
		t.Errorf("denied DeleteUser = %v", err)
	}
	// A denied call changes nothing and is refused before the Service runs.
	ctx2 := identity.NewContext(ctx, f.caller)
	_, err = f.h.DeleteUser(ctx2, &iamwire.DeleteUserInput{UserName: "u"})
	var denied *access.DeniedError
	if !errors.As(err, &denied) {
		t.Errorf("handler error = %T %v, want *access.DeniedError for the server to map", err, err)
	}
}

// Attach and boundary operations give iam:PolicyARN and
// iam:PermissionsBoundary where the Service Authorization Reference lists
// them.
func TestPolicyConditionKeys(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const boundary = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	_, err := f.client.CreateRole(ctx, &sdkiam.CreateRoleInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String(boundary),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	f.ok(err)
	_, err = f.client.AttachRolePolicy(ctx, &sdkiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(admin)})
	f.ok(err)
	req, _ := f.authz.last("iam:AttachRolePolicy")
	if req.Resource != "arn:aws:iam::123456789012:role/r" || !slices.Equal(req.Context["iam:PolicyARN"], []string{admin}) ||
		!slices.Equal(req.Context["iam:PermissionsBoundary"], []string{boundary}) {
		t.Errorf("AttachRolePolicy authorization = %+v", req)
	}
	att, err := f.client.ListAttachedRolePolicies(ctx, &sdkiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")})
	f.ok(err)
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AdministratorAccess" {
		t.Errorf("attached = %+v", att.AttachedPolicies)
	}
	_, err = f.client.PutRolePermissionsBoundary(ctx, &sdkiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String(admin)})
	f.ok(err)
	req, _ = f.authz.last("iam:PutRolePermissionsBoundary")
	if !slices.Equal(req.Context["iam:PermissionsBoundary"], []string{admin}) {
		t.Errorf("PutRolePermissionsBoundary keys = %+v", req.Context)
	}
	_, err = f.client.TagRole(ctx, &sdkiam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	f.ok(err)
	_, err = f.client.UntagRole(ctx, &sdkiam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"env"}})
	f.ok(err)
	req, _ = f.authz.last("iam:UntagRole")
	if !slices.Equal(req.Context["aws:TagKeys"], []string{"env"}) || !slices.Equal(req.Context["aws:ResourceTag/env"], []string{"prod"}) {
		t.Errorf("UntagRole keys = %+v", req.Context)
	}
}

// Access keys, MFA and the rest of the surface through the SDK, as the CLI
// uses it.
func TestCredentialsThroughTheSDK(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.client.CreateUser(ctx, &sdkiam.CreateUserInput{UserName: aws.String("alice")})
	f.ok(err)
	f.caller = &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: "arn:aws:iam::123456789012:user/alice", Name: "alice"}
	k, err := f.client.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{})
	f.ok(err)
	if aws.ToString(k.AccessKey.UserName) != "alice" || len(aws.ToString(k.AccessKey.SecretAccessKey)) != 40 {
		t.Errorf("own key = %+v", k.AccessKey)
	}
	keys, err := f.client.ListAccessKeys(ctx, &sdkiam.ListAccessKeysInput{})
	f.ok(err)
	if len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId) != aws.ToString(k.AccessKey.AccessKeyId) {
		t.Errorf("ListAccessKeys = %+v", keys.AccessKeyMetadata)
	}
	lu, err := f.client.GetAccessKeyLastUsed(ctx, &sdkiam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKey.AccessKeyId})
	f.ok(err)
	if aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "N/A" || aws.ToString(lu.UserName) != "alice" {
		t.Errorf("GetAccessKeyLastUsed = %+v", lu)
	}
	if req, _ := f.authz.last("iam:GetAccessKeyLastUsed"); req.Resource != "arn:aws:iam::123456789012:user/alice" {
		t.Errorf("GetAccessKeyLastUsed resource = %q", req.Resource)
	}
	f.caller = &identity.Caller{Type: identity.Root, Account: acct, ARN: "arn:aws:iam::123456789012:root"}
	rk, err := f.client.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{})
	f.ok(err)
	key, err := f.svc.LookupAccessKey(ctx, aws.ToString(rk.AccessKey.AccessKeyId))
	f.ok(err)
	if !key.Root() {
		t.Errorf("root's key = %+v", key)
	}

	d, err := f.client.CreateVirtualMFADevice(ctx, &sdkiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("phone")})
	f.ok(err)
	if aws.ToString(d.VirtualMFADevice.SerialNumber) != "arn:aws:iam::123456789012:mfa/phone" || len(d.VirtualMFADevice.Base32StringSeed) != 64 {
		t.Errorf("virtual MFA device = %+v", d.VirtualMFADevice)
	}
	vl, err := f.client.ListVirtualMFADevices(ctx, &sdkiam.ListVirtualMFADevicesInput{})
	f.ok(err)
	if len(vl.VirtualMFADevices) != 1 {
		t.Errorf("ListVirtualMFADevices = %+v", vl.VirtualMFADevices)
	}

	oidc, err := f.client.CreateOpenIDConnectProvider(ctx, &sdkiam.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.actions.githubusercontent.com"),
		ClientIDList: []string{"sts.amazonaws.com"}})
	f.ok(err)
	if aws.ToString(oidc.OpenIDConnectProviderArn) != "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("OIDC ARN = %q", aws.ToString(oidc.OpenIDConnectProviderArn))
	}
	if req, _ := f.authz.last("iam:CreateOpenIDConnectProvider"); req.Resource != aws.ToString(oidc.OpenIDConnectProviderArn) {
		t.Errorf("CreateOpenIDConnectProvider resource = %q", req.Resource)
	}
	gaad, err := f.client.GetAccountAuthorizationDetails(ctx, &sdkiam.GetAccountAuthorizationDetailsInput{})
	f.ok(err)
	if len(gaad.UserDetailList) != 1 {
		t.Errorf("GetAccountAuthorizationDetails = %+v", gaad)
	}

	sim, err := f.client.SimulateCustomPolicy(ctx, &sdkiam.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
		ActionNames:     []string{"s3:GetObject", "s3:PutObject"},
	})
	f.ok(err)
	if len(sim.EvaluationResults) != 2 || sim.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed ||
		sim.EvaluationResults[1].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny ||
		aws.ToString(sim.EvaluationResults[0].MatchedStatements[0].SourcePolicyId) != "PolicyInputList.1" {
		t.Errorf("SimulateCustomPolicy = %+v", sim.EvaluationResults)
	}
}

// Every bound operation is an IAM action of the catalog, so that its
// authorization has the Service Authorization Reference's resource types
// and condition keys.
func TestEveryBoundActionIsInTheCatalog(t *testing.T) {
	h := Handlers(Options{})
	v := reflect.ValueOf(h).Elem()
	bound := 0
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsNil() {
			continue
		}
		bound++
		name := v.Type().Field(i).Name
		if _, ok := catalog.Default().LookupAction("iam:" + name); !ok {
			t.Errorf("iam:%s is not in the catalog", name)
		}
	}
	if bound < 90 {
		t.Errorf("only %d operations bound", bound)
	}
}

// encodeDoc is RFC 3986 percent-encoding with %20 for spaces.
func TestEncodeDoc(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a": "b c"}`, "%7B%22a%22%3A%20%22b%20c%22%7D"},
		{"a+b/c*~", "a%2Bb%2Fc%2A~"},
		{"é\n", "%C3%A9%0A"},
	}
	for _, tt := range tests {
		if got := encodeDoc(tt.in); got != tt.want {
			t.Errorf("encodeDoc(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if dec, err := url.PathUnescape(encodeDoc(tt.in)); err != nil || dec != tt.in {
			t.Errorf("round trip of %q: %q, %v", tt.in, dec, err)
		}
	}
}
