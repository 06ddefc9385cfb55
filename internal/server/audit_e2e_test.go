package server_test

// End-to-end tests of the audit trail through aws-sdk-go-v2: each family of
// call (IAM writes, reads, refusals and failed writes, STS credentials in
// one account and across accounts, Organizations, credentials that carry
// secrets) leaves a record that LookupEvents finds in the right account,
// with the members of "CloudTrail record contents"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
// and the userIdentity element
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html);
// no secret reaches any record; an account reads only its own events; and
// LookupEvents' paging and lookup attributes behave as the API Reference
// says (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// trailTest is a server with SDK clients that note the x-amzn-RequestId of
// every response, and the secrets the test has seen.
type trailTest struct {
	*testServer
	acct  string
	start time.Time

	mu      sync.Mutex
	lastRID string
	secrets map[string]string // secret → what it is
}

func newTrailTest(t *testing.T) *trailTest {
	t.Helper()
	// eventTime has whole seconds.
	begin := time.Now().Truncate(time.Second)
	ts := start(t)
	tt := &trailTest{testServer: ts, acct: ts.ManagementAccount(), start: begin, secrets: map[string]string{}}
	tt.creds("the root user", ts.root)
	return tt
}

// secret notes a value that must never appear in a record.
func (tt *trailTest) secret(what, v string) {
	if v != "" {
		tt.secrets[v] = what
	}
}

// creds notes the secrets of credentials and returns them.
func (tt *trailTest) creds(what string, c aws.Credentials) aws.Credentials {
	tt.secret(what+"'s secret access key", c.SecretAccessKey)
	tt.secret(what+"'s session token", c.SessionToken)
	return c
}

// noteRequestID keeps the x-amzn-RequestId header of each raw response,
// before the SDK reads the body (where awsQuery errors carry their own
// RequestId).
func (tt *trailTest) noteRequestID(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("noteRequestID",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if resp, ok := out.RawResponse.(*smithyhttp.Response); ok {
				tt.mu.Lock()
				tt.lastRID = resp.Header.Get("X-Amzn-Requestid")
				tt.mu.Unlock()
			}
			return out, md, err
		}), middleware.After)
}

// rid returns the x-amzn-RequestId of the last response and forgets it.
func (tt *trailTest) rid(t *testing.T) string {
	t.Helper()
	tt.mu.Lock()
	defer tt.mu.Unlock()
	r := tt.lastRID
	tt.lastRID = ""
	if r == "" {
		t.Fatal("the last response carried no x-amzn-RequestId")
	}
	return r
}

func (tt *trailTest) cfg(c aws.Credentials, region string) aws.Config {
	cfg := tt.config(c, region)
	cfg.APIOptions = append(cfg.APIOptions, tt.noteRequestID)
	return cfg
}

func (tt *trailTest) iam(c aws.Credentials) *iam.Client {
	return iam.NewFromConfig(tt.cfg(c, "us-east-1"))
}

func (tt *trailTest) sts(c aws.Credentials, region string) *sts.Client {
	return sts.NewFromConfig(tt.cfg(c, region))
}

func (tt *trailTest) orgs(c aws.Credentials) *organizations.Client {
	return organizations.NewFromConfig(tt.cfg(c, "us-east-1"))
}

func (tt *trailTest) trail(c aws.Credentials) *cloudtrail.Client {
	return cloudtrail.NewFromConfig(tt.cfg(c, "us-east-1"))
}

// event is one event of LookupEvents with its CloudTrailEvent decoded.
type event struct {
	cttypes.Event
	rec map[string]any
}

func attr(key cttypes.LookupAttributeKey, value string) cttypes.LookupAttribute {
	return cttypes.LookupAttribute{AttributeKey: key, AttributeValue: aws.String(value)}
}

// lookupAll pages through LookupEvents in the account of c, with at most
// one attribute.
func (tt *trailTest) lookupAll(t *testing.T, c aws.Credentials, attrs ...cttypes.LookupAttribute) []event {
	t.Helper()
	var out []event
	in := &cloudtrail.LookupEventsInput{LookupAttributes: attrs}
	for {
		page, err := tt.trail(c).LookupEvents(context.Background(), in)
		if err != nil {
			t.Fatalf("LookupEvents %v: %v", attrs, err)
		}
		for _, e := range page.Events {
			out = append(out, decodeEvent(t, e))
		}
		if page.NextToken == nil {
			return out
		}
		in.NextToken = page.NextToken
	}
}

func decodeEvent(t *testing.T, e cttypes.Event) event {
	t.Helper()
	var rec map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &rec); err != nil {
		t.Fatalf("CloudTrailEvent of %s is not a JSON object: %v\n%s", aws.ToString(e.EventName), err, aws.ToString(e.CloudTrailEvent))
	}
	return event{Event: e, rec: rec}
}

// byRequest returns the one event named name of request rid in the
// account of c.
func (tt *trailTest) byRequest(t *testing.T, c aws.Credentials, name, rid string) event {
	t.Helper()
	var found []event
	for _, e := range tt.lookupAll(t, c, attr(cttypes.LookupAttributeKeyEventName, name)) {
		if e.rec["requestID"] == rid {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s events of request %s in the account of %s, want 1", len(found), name, rid, c.AccessKeyID)
	}
	return found[0]
}

// at returns the value at a path of object members ("" when absent).
func at(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any, path ...string) string {
	s, _ := at(v, path...).(string)
	return s
}

// findAll returns the values of every member named key, at any depth.
func findAll(v any, key string) []any {
	var out []any
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == key {
				out = append(out, e)
			}
			out = append(out, findAll(e, key)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, findAll(e, key)...)
		}
	}
	return out
}

// has reports whether some member named key, at any depth, has value v.
func has(v any, key string, value any) bool { return slices.Contains(findAll(v, key), value) }

var (
	uuidRE         = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	eventVersionRE = regexp.MustCompile(`^1\.[0-9]+$`)
)

// record is what a test expects of a record.
type record struct {
	account      string // recipientAccountId
	source, name string
	region       string // us-east-1 when empty
	rid          string
	readOnly     bool
	errCode      string
	errMsg       string
	// identity is userIdentity's string members, exactly.
	identity map[string]string
}

// check checks a record against "CloudTrail record contents" and want.
func (tt *trailTest) check(t *testing.T, e event, want record) {
	t.Helper()
	rec := e.rec
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s %s: %s\n%s", want.name, want.rid, fmt.Sprintf(format, args...), aws.ToString(e.CloudTrailEvent))
	}
	if v := str(rec, "eventVersion"); !eventVersionRE.MatchString(v) {
		errorf("eventVersion %q", v)
	}
	when, err := time.Parse(time.RFC3339, str(rec, "eventTime"))
	if err != nil || when.Before(tt.start) || when.After(time.Now().Add(time.Second)) || str(rec, "eventTime") != when.UTC().Format(time.RFC3339) {
		errorf("eventTime %q (%v) not in UTC between the test's start %v and now", str(rec, "eventTime"), err, tt.start)
	}
	if !aws.ToTime(e.EventTime).Truncate(time.Second).Equal(when) {
		errorf("LookupEvents' EventTime %v, the record's %v", aws.ToTime(e.EventTime), when)
	}
	region := want.region
	if region == "" {
		region = "us-east-1"
	}
	for k, v := range map[string]string{
		"eventSource": want.source, "eventName": want.name, "awsRegion": region, "sourceIPAddress": "127.0.0.1",
		"requestID": want.rid, "eventType": "AwsApiCall", "recipientAccountId": want.account, "eventCategory": "Management",
		"errorCode": want.errCode, "errorMessage": want.errMsg,
	} {
		if got, ok := rec[k]; v == "" && ok || v != "" && got != v {
			errorf("%s %v, want %q", k, got, v)
		}
	}
	if ua := str(rec, "userAgent"); !strings.HasPrefix(ua, "aws-sdk-go-v2/") {
		errorf("userAgent %q is not the SDK's", ua)
	}
	for _, k := range []string{"requestParameters", "responseElements"} {
		if _, ok := rec[k]; !ok {
			errorf("no %s member (null when there are none)", k)
		}
	}
	if id := str(rec, "eventID"); !uuidRE.MatchString(id) || id != aws.ToString(e.EventId) {
		errorf("eventID %q, LookupEvents' EventId %q", id, aws.ToString(e.EventId))
	}
	if rec["readOnly"] != want.readOnly || aws.ToString(e.ReadOnly) != strconv.FormatBool(want.readOnly) {
		errorf("readOnly %v (LookupEvents %q), want %v", rec["readOnly"], aws.ToString(e.ReadOnly), want.readOnly)
	}
	if rec["managementEvent"] != true {
		errorf("managementEvent %v", rec["managementEvent"])
	}
	if aws.ToString(e.EventName) != want.name || aws.ToString(e.EventSource) != want.source {
		errorf("LookupEvents' EventName %q EventSource %q", aws.ToString(e.EventName), aws.ToString(e.EventSource))
	}
	ui, _ := rec["userIdentity"].(map[string]any)
	if ui == nil {
		errorf("no userIdentity")
		return
	}
	got := map[string]string{}
	for k, v := range ui {
		if s, ok := v.(string); ok {
			got[k] = s
		}
	}
	for k, v := range want.identity {
		if got[k] != v {
			errorf("userIdentity.%s %q, want %q", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want.identity[k]; !ok {
			errorf("userIdentity.%s %q unexpected", k, got[k])
		}
	}
	if k := want.identity["accessKeyId"]; aws.ToString(e.AccessKeyId) != k {
		errorf("LookupEvents' AccessKeyId %q, want %q", aws.ToString(e.AccessKeyId), k)
	}
}

// checkSession checks userIdentity.sessionContext: the issuer's string
// members exactly (none when issuer is nil), a creationDate within the
// test and mfaAuthenticated.
func (tt *trailTest) checkSession(t *testing.T, e event, issuer map[string]string, mfa string) {
	t.Helper()
	sc, _ := at(e.rec, "userIdentity", "sessionContext").(map[string]any)
	if sc == nil {
		t.Fatalf("no userIdentity.sessionContext:\n%s", aws.ToString(e.CloudTrailEvent))
	}
	created, err := time.Parse(time.RFC3339, str(sc, "attributes", "creationDate"))
	if err != nil || created.Before(tt.start) || created.After(time.Now()) {
		t.Errorf("sessionContext.attributes.creationDate %q (%v)", str(sc, "attributes", "creationDate"), err)
	}
	if got := at(sc, "attributes", "mfaAuthenticated"); got != mfa {
		t.Errorf("sessionContext.attributes.mfaAuthenticated %v, want %q (a string)", got, mfa)
	}
	si, _ := sc["sessionIssuer"].(map[string]any)
	if issuer == nil {
		if len(si) != 0 {
			t.Errorf("sessionIssuer %v of credentials that are the user's own", si)
		}
		return
	}
	if len(si) != len(issuer) {
		t.Errorf("sessionIssuer %v, want %v", si, issuer)
	}
	for k, v := range issuer {
		if si[k] != v {
			t.Errorf("sessionIssuer.%s %v, want %q", k, si[k], v)
		}
	}
}

// createMember creates a member account through Organizations and waits
// for it.
func (tt *trailTest) createMember(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	org := tt.orgs(tt.root)
	out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil {
			t.Fatal(err)
		}
		switch st.CreateAccountStatus.State {
		case orgtypes.CreateAccountStateSucceeded:
			return aws.ToString(st.CreateAccountStatus.AccountId)
		case orgtypes.CreateAccountStateFailed:
			t.Fatalf("CreateAccount failed: %s", st.CreateAccountStatus.FailureReason)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("CreateAccount did not finish")
	return ""
}

// TestAuditTrailRecords makes one call of each family, then finds each
// call's record by its request id and checks it.
func TestAuditTrailRecords(t *testing.T) {
	tt := newTrailTest(t)
	ctx := context.Background()
	acct, root := tt.acct, tt.root
	admin := tt.iam(root)
	rootIdentity := map[string]string{"type": "Root", "principalId": acct, "arn": "arn:aws:iam::" + acct + ":root", "accountId": acct, "accessKeyId": root.AccessKeyID}
	aliceARN := "arn:aws:iam::" + acct + ":user/alice"
	roleARN := "arn:aws:iam::" + acct + ":role/analyst"

	// An IAM write.
	cu, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	ridCreateUser, aliceID := tt.rid(t), aws.ToString(cu.User.UserId)
	must(admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(doc(allow("iam:GetUser", aliceARN), allow("sts:AssumeRole", roleARN)))}))(t)
	// CreateAccessKey: its response carries a secret.
	k, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	ridKey := tt.rid(t)
	alice := tt.creds("alice", userCreds(k.AccessKey))
	aliceIdentity := map[string]string{"type": "IAMUser", "principalId": aliceID, "arn": aliceARN, "accountId": acct, "accessKeyId": alice.AccessKeyID, "userName": "alice"}

	// An IAM read, a denied call, a failed write.
	must(tt.iam(alice).GetUser(ctx, &iam.GetUserInput{}))(t)
	ridGetUser := tt.rid(t)
	_, err = tt.iam(alice).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	code, msgDenied := apiError(t, err)
	if code != "AccessDenied" {
		t.Fatalf("CreateUser as alice: %v", err)
	}
	ridDenied := tt.rid(t)
	_, err = admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	code, msgExists := apiError(t, err)
	if code != "EntityAlreadyExists" {
		t.Fatalf("CreateUser alice again: %v", err)
	}
	ridExists := tt.rid(t)

	// GetSessionToken, and a call with its credentials in another region.
	gst, err := tt.sts(alice, "us-east-1").GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	ridGST := tt.rid(t)
	gstCreds := tt.creds("alice's GetSessionToken", tempCreds(gst.Credentials))
	must(tt.sts(gstCreds, "eu-west-1").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	ridGSTCall := tt.rid(t)
	gstEU, err := tt.sts(alice, "eu-west-1").GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	ridGSTEU := tt.rid(t)
	tt.creds("alice's second GetSessionToken", tempCreds(gstEU.Credentials))

	// AssumeRole in the same account, and a call of the session.
	cr, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("analyst"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + aliceARN + `"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	roleID := aws.ToString(cr.Role.RoleId)
	must(admin.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("analyst"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}))(t)
	ar, err := tt.sts(alice, "us-east-1").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	ridAssume := tt.rid(t)
	session := tt.creds("the analyst session", tempCreds(ar.Credentials))
	must(tt.iam(session).ListUsers(ctx, &iam.ListUsersInput{}))(t)
	ridSessionCall := tt.rid(t)

	// AssumeRole into a member account.
	member := tt.createMember(t, "audit-member")
	xr, err := tt.sts(root, "us-east-1").AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}
	ridCross := tt.rid(t)
	memberAdmin := tt.creds("the member's admin session", tempCreds(xr.Credentials))

	// Organizations: an SCP created and attached, then a denial by it.
	scpDoc := doc(deny("iam:CreateUser", "*"))
	cp, err := tt.orgs(root).CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("no-users"), Description: aws.String("no IAM users"),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(scpDoc)})
	if err != nil {
		t.Fatal(err)
	}
	ridCreatePolicy, policyID := tt.rid(t), aws.ToString(cp.Policy.PolicySummary.Id)
	must(tt.orgs(root).AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(member)}))(t)
	ridAttach := tt.rid(t)
	_, err = tt.iam(memberAdmin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u1")})
	code, msgSCP := apiError(t, err)
	if code != "AccessDenied" || !strings.Contains(msgSCP, "service control policy") {
		t.Fatalf("CreateUser under the SCP: %v", err)
	}
	ridSCP := tt.rid(t)

	// CreateVirtualMFADevice: its response carries the seed.
	mfa, err := admin.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-mfa")})
	if err != nil {
		t.Fatal(err)
	}
	ridMFA := tt.rid(t)
	seed := mfa.VirtualMFADevice.Base32StringSeed
	if len(seed) < 16 {
		t.Fatalf("Base32StringSeed %q", seed)
	}
	tt.secret("the MFA seed", string(seed))
	tt.secret("the MFA seed, base64", base64.StdEncoding.EncodeToString(seed))

	if err := tt.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}

	var createUser event
	t.Run("IAM write", func(t *testing.T) {
		e := tt.byRequest(t, root, "CreateUser", ridCreateUser)
		createUser = e
		tt.check(t, e, record{account: acct, source: "iam.amazonaws.com", name: "CreateUser", rid: ridCreateUser, identity: rootIdentity})
		if got := str(e.rec, "requestParameters", "userName"); got != "alice" {
			t.Errorf("requestParameters.userName %q", got)
		}
		if !has(e.rec["responseElements"], "userId", aliceID) || !has(e.rec["responseElements"], "arn", aliceARN) {
			t.Errorf("responseElements %v: no userId %s and arn", e.rec["responseElements"], aliceID)
		}
		if aws.ToString(e.Username) != "root" {
			t.Errorf("LookupEvents' Username %q, want root", aws.ToString(e.Username))
		}
		if !slices.ContainsFunc(e.Resources, func(r cttypes.Resource) bool {
			return aws.ToString(r.ResourceType) == "AWS::IAM::User" && aws.ToString(r.ResourceName) == "alice"
		}) {
			t.Errorf("Resources %v: no AWS::IAM::User alice", e.Resources)
		}
	})
	t.Run("IAM read", func(t *testing.T) {
		e := tt.byRequest(t, root, "GetUser", ridGetUser)
		tt.check(t, e, record{account: acct, source: "iam.amazonaws.com", name: "GetUser", rid: ridGetUser, readOnly: true, identity: aliceIdentity})
		if aws.ToString(e.Username) != "alice" {
			t.Errorf("LookupEvents' Username %q, want alice", aws.ToString(e.Username))
		}
	})
	t.Run("IAM denied", func(t *testing.T) {
		e := tt.byRequest(t, root, "CreateUser", ridDenied)
		tt.check(t, e, record{account: acct, source: "iam.amazonaws.com", name: "CreateUser", rid: ridDenied,
			errCode: "AccessDenied", errMsg: msgDenied, identity: aliceIdentity})
	})
	t.Run("failed write", func(t *testing.T) {
		e := tt.byRequest(t, root, "CreateUser", ridExists)
		tt.check(t, e, record{account: acct, source: "iam.amazonaws.com", name: "CreateUser", rid: ridExists,
			errCode: "EntityAlreadyExists", errMsg: msgExists, identity: rootIdentity})
		if msgExists != "User with name alice already exists." {
			t.Errorf("EntityAlreadyExists message %q", msgExists)
		}
	})
	t.Run("GetSessionToken", func(t *testing.T) {
		e := tt.byRequest(t, root, "GetSessionToken", ridGST)
		tt.check(t, e, record{account: acct, source: "sts.amazonaws.com", name: "GetSessionToken", rid: ridGST, readOnly: true, identity: aliceIdentity})
		if !has(e.rec["responseElements"], "accessKeyId", gstCreds.AccessKeyID) {
			t.Errorf("responseElements %v: no accessKeyId %s", e.rec["responseElements"], gstCreds.AccessKeyID)
		}
		// Signed for eu-west-1: STS is regional.
		e = tt.byRequest(t, root, "GetSessionToken", ridGSTEU)
		tt.check(t, e, record{account: acct, source: "sts.amazonaws.com", name: "GetSessionToken", rid: ridGSTEU, region: "eu-west-1", readOnly: true, identity: aliceIdentity})
		if got := at(e.rec, "requestParameters", "durationSeconds"); got != 900.0 {
			t.Errorf("requestParameters.durationSeconds %v", got)
		}
		// The session's own call: the user, with a sessionContext and no
		// issuer ("the user itself" for GetSessionToken credentials).
		e = tt.byRequest(t, root, "GetCallerIdentity", ridGSTCall)
		id := map[string]string{"type": "IAMUser", "principalId": aliceID, "arn": aliceARN, "accountId": acct, "accessKeyId": gstCreds.AccessKeyID, "userName": "alice"}
		tt.check(t, e, record{account: acct, source: "sts.amazonaws.com", name: "GetCallerIdentity", rid: ridGSTCall, region: "eu-west-1", readOnly: true, identity: id})
		tt.checkSession(t, e, nil, "false")
	})
	t.Run("AssumeRole in the account", func(t *testing.T) {
		e := tt.byRequest(t, root, "AssumeRole", ridAssume)
		tt.check(t, e, record{account: acct, source: "sts.amazonaws.com", name: "AssumeRole", rid: ridAssume, readOnly: true, identity: aliceIdentity})
		if str(e.rec, "requestParameters", "roleArn") != roleARN || str(e.rec, "requestParameters", "roleSessionName") != "s1" {
			t.Errorf("requestParameters %v", e.rec["requestParameters"])
		}
		if !has(e.rec["responseElements"], "accessKeyId", session.AccessKeyID) {
			t.Errorf("responseElements %v: no accessKeyId %s", e.rec["responseElements"], session.AccessKeyID)
		}
		if _, ok := e.rec["sharedEventID"]; ok {
			t.Errorf("sharedEventID in a call that reached one account")
		}
		e = tt.byRequest(t, root, "ListUsers", ridSessionCall)
		id := map[string]string{"type": "AssumedRole", "principalId": roleID + ":s1", "arn": "arn:aws:sts::" + acct + ":assumed-role/analyst/s1",
			"accountId": acct, "accessKeyId": session.AccessKeyID}
		tt.check(t, e, record{account: acct, source: "iam.amazonaws.com", name: "ListUsers", rid: ridSessionCall, readOnly: true, identity: id})
		tt.checkSession(t, e, map[string]string{"type": "Role", "principalId": roleID, "arn": roleARN, "accountId": acct, "userName": "analyst"}, "false")
		if aws.ToString(e.Username) != "s1" {
			t.Errorf("LookupEvents' Username %q, want the session name", aws.ToString(e.Username))
		}
	})
	var crossMember event
	t.Run("AssumeRole across accounts", func(t *testing.T) {
		mine := tt.byRequest(t, root, "AssumeRole", ridCross)
		tt.check(t, mine, record{account: acct, source: "sts.amazonaws.com", name: "AssumeRole", rid: ridCross, readOnly: true, identity: rootIdentity})
		theirs := tt.byRequest(t, memberAdmin, "AssumeRole", ridCross)
		crossMember = theirs
		// The role's account sees the caller's account, not its key.
		theirID := map[string]string{"type": "AWSAccount", "principalId": acct, "accountId": acct}
		tt.check(t, theirs, record{account: member, source: "sts.amazonaws.com", name: "AssumeRole", rid: ridCross, readOnly: true, identity: theirID})
		shared := str(mine.rec, "sharedEventID")
		if !uuidRE.MatchString(shared) || str(theirs.rec, "sharedEventID") != shared {
			t.Errorf("sharedEventID %q in the caller's account, %q in the role's", shared, str(theirs.rec, "sharedEventID"))
		}
		if aws.ToString(mine.EventId) == aws.ToString(theirs.EventId) {
			t.Errorf("both accounts' records have eventID %s", aws.ToString(mine.EventId))
		}
		for _, e := range []event{mine, theirs} {
			if !has(e.rec["responseElements"], "accessKeyId", memberAdmin.AccessKeyID) {
				t.Errorf("responseElements %v: no accessKeyId %s", e.rec["responseElements"], memberAdmin.AccessKeyID)
			}
		}
	})
	t.Run("Organizations", func(t *testing.T) {
		e := tt.byRequest(t, root, "CreatePolicy", ridCreatePolicy)
		tt.check(t, e, record{account: acct, source: "organizations.amazonaws.com", name: "CreatePolicy", rid: ridCreatePolicy, identity: rootIdentity})
		rp := e.rec["requestParameters"]
		if str(rp, "name") != "no-users" || str(rp, "type") != "SERVICE_CONTROL_POLICY" || str(rp, "content") != scpDoc {
			t.Errorf("requestParameters %v", rp)
		}
		if !has(e.rec["responseElements"], "id", policyID) {
			t.Errorf("responseElements %v: no id %s", e.rec["responseElements"], policyID)
		}
		e = tt.byRequest(t, root, "AttachPolicy", ridAttach)
		tt.check(t, e, record{account: acct, source: "organizations.amazonaws.com", name: "AttachPolicy", rid: ridAttach, identity: rootIdentity})
		if rp := e.rec["requestParameters"]; str(rp, "policyId") != policyID || str(rp, "targetId") != member {
			t.Errorf("requestParameters %v", rp)
		}
		// The SCP's denial is in the member's trail.
		e = tt.byRequest(t, memberAdmin, "CreateUser", ridSCP)
		id := map[string]string{"type": "AssumedRole", "principalId": str(e.rec, "userIdentity", "principalId"),
			"arn": "arn:aws:sts::" + member + ":assumed-role/OrganizationAccountAccessRole/admin", "accountId": member, "accessKeyId": memberAdmin.AccessKeyID}
		tt.check(t, e, record{account: member, source: "iam.amazonaws.com", name: "CreateUser", rid: ridSCP, errCode: "AccessDenied", errMsg: msgSCP, identity: id})
		if !strings.HasPrefix(id["principalId"], "AROA") || !strings.HasSuffix(id["principalId"], ":admin") {
			t.Errorf("principalId %q of a role session", id["principalId"])
		}
	})
	t.Run("CreateAccessKey", func(t *testing.T) {
		e := tt.byRequest(t, root, "CreateAccessKey", ridKey)
		tt.check(t, e, record{account: acct, source: "iam.amazonaws.com", name: "CreateAccessKey", rid: ridKey, identity: rootIdentity})
		re := e.rec["responseElements"]
		if !has(re, "accessKeyId", alice.AccessKeyID) || !has(re, "userName", "alice") || !has(re, "status", "Active") {
			t.Errorf("responseElements %v", re)
		}
		if s := findAll(re, "secretAccessKey"); len(s) != 0 {
			t.Errorf("responseElements has a secretAccessKey: %v", re)
		}
	})
	t.Run("CreateVirtualMFADevice", func(t *testing.T) {
		e := tt.byRequest(t, root, "CreateVirtualMFADevice", ridMFA)
		tt.check(t, e, record{account: acct, source: "iam.amazonaws.com", name: "CreateVirtualMFADevice", rid: ridMFA, identity: rootIdentity})
		if got := str(e.rec, "requestParameters", "virtualMFADeviceName"); got != "alice-mfa" {
			t.Errorf("requestParameters.virtualMFADeviceName %q", got)
		}
		re := e.rec["responseElements"]
		if !has(re, "serialNumber", aws.ToString(mfa.VirtualMFADevice.SerialNumber)) {
			t.Errorf("responseElements %v: no serialNumber", re)
		}
		if len(findAll(re, "base32StringSeed"))+len(findAll(re, "qrCodePNG"))+len(findAll(re, "qRCodePNG")) != 0 {
			t.Errorf("responseElements has the seed: %v", re)
		}
	})

	// Every record of both accounts, read last.
	if err := tt.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	all := map[string][]event{acct: tt.lookupAll(t, root), member: tt.lookupAll(t, memberAdmin)}
	t.Run("no secrets", func(t *testing.T) {
		if len(tt.secrets) < 10 {
			t.Fatalf("only %d secrets collected", len(tt.secrets))
		}
		n := 0
		for account, evs := range all {
			for _, e := range evs {
				n++
				text := aws.ToString(e.CloudTrailEvent)
				for s, what := range tt.secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s's %s event %s holds %s:\n%s", account, aws.ToString(e.EventName), aws.ToString(e.EventId), what, text)
					}
				}
			}
		}
		if n < 40 {
			t.Errorf("only %d events scanned", n)
		}
	})
	t.Run("account isolation", func(t *testing.T) {
		for account, evs := range all {
			for _, e := range evs {
				if got := str(e.rec, "recipientAccountId"); got != account {
					t.Errorf("%s's trail holds %s event %s of %s", account, aws.ToString(e.EventName), aws.ToString(e.EventId), got)
				}
			}
		}
		if evs := tt.lookupAll(t, memberAdmin, attr(cttypes.LookupAttributeKeyEventId, aws.ToString(createUser.EventId))); len(evs) != 0 {
			t.Errorf("the member account reads the management account's event %s", aws.ToString(createUser.EventId))
		}
		if evs := tt.lookupAll(t, root, attr(cttypes.LookupAttributeKeyEventId, aws.ToString(crossMember.EventId))); len(evs) != 0 {
			t.Errorf("the management account reads the member's event %s", aws.ToString(crossMember.EventId))
		}
		if evs := tt.lookupAll(t, memberAdmin, attr(cttypes.LookupAttributeKeyAccessKeyId, alice.AccessKeyID)); len(evs) != 0 {
			t.Errorf("the member account reads %d events of alice's key", len(evs))
		}
	})
	t.Run("lookup attributes", func(t *testing.T) {
		getUser := tt.byRequest(t, root, "GetUser", ridGetUser)
		for _, c := range []struct {
			key   cttypes.LookupAttributeKey
			value string
			want  event // one event that must be found
			not   event // one that must not
			match func(e event) bool
		}{
			{cttypes.LookupAttributeKeyEventName, "GetUser", getUser, createUser,
				func(e event) bool { return aws.ToString(e.EventName) == "GetUser" }},
			{cttypes.LookupAttributeKeyUsername, "alice", getUser, createUser,
				func(e event) bool { return aws.ToString(e.Username) == "alice" }},
			{cttypes.LookupAttributeKeyUsername, "root", createUser, getUser,
				func(e event) bool { return aws.ToString(e.Username) == "root" }},
			{cttypes.LookupAttributeKeyReadOnly, "true", getUser, createUser,
				func(e event) bool { return aws.ToString(e.ReadOnly) == "true" && e.rec["readOnly"] == true }},
			{cttypes.LookupAttributeKeyReadOnly, "false", createUser, getUser,
				func(e event) bool { return aws.ToString(e.ReadOnly) == "false" && e.rec["readOnly"] == false }},
			{cttypes.LookupAttributeKeyEventSource, "iam.amazonaws.com", createUser, tt.byRequest(t, root, "CreatePolicy", ridCreatePolicy),
				func(e event) bool { return aws.ToString(e.EventSource) == "iam.amazonaws.com" }},
			{cttypes.LookupAttributeKeyEventSource, "organizations.amazonaws.com", tt.byRequest(t, root, "AttachPolicy", ridAttach), createUser,
				func(e event) bool { return aws.ToString(e.EventSource) == "organizations.amazonaws.com" }},
			{cttypes.LookupAttributeKeyAccessKeyId, alice.AccessKeyID, getUser, createUser,
				func(e event) bool { return aws.ToString(e.AccessKeyId) == alice.AccessKeyID }},
			{cttypes.LookupAttributeKeyResourceType, "AWS::IAM::User", createUser, getUser,
				func(e event) bool { return hasResource(e, "AWS::IAM::User", "") }},
			{cttypes.LookupAttributeKeyResourceName, "alice", createUser, getUser,
				func(e event) bool { return hasResource(e, "", "alice") }},
			{cttypes.LookupAttributeKeyEventId, aws.ToString(getUser.EventId), getUser, createUser,
				func(e event) bool { return aws.ToString(e.EventId) == aws.ToString(getUser.EventId) }},
		} {
			evs := tt.lookupAll(t, root, attr(c.key, c.value))
			var found, foundNot bool
			for _, e := range evs {
				if !c.match(e) {
					t.Errorf("%s=%s returned %s %s (Username %q, AccessKeyId %q, ReadOnly %q, Resources %d)", c.key, c.value,
						aws.ToString(e.EventName), aws.ToString(e.EventId), aws.ToString(e.Username), aws.ToString(e.AccessKeyId), aws.ToString(e.ReadOnly), len(e.Resources))
				}
				found = found || aws.ToString(e.EventId) == aws.ToString(c.want.EventId)
				foundNot = foundNot || aws.ToString(e.EventId) == aws.ToString(c.not.EventId)
			}
			if !found || foundNot {
				t.Errorf("%s=%s: %d events, %s found %v, %s found %v", c.key, c.value, len(evs),
					aws.ToString(c.want.EventName), found, aws.ToString(c.not.EventName), foundNot)
			}
		}
	})
	t.Run("requestParameters of reads and failed calls", func(t *testing.T) {
		for rid, name := range map[string]string{ridDenied: "mallory", ridExists: "alice"} {
			e := tt.byRequest(t, root, "CreateUser", rid)
			if got := str(e.rec, "requestParameters", "userName"); got != name {
				t.Errorf("requestParameters of %s: %v, want userName %s", str(e.rec, "errorCode"), e.rec["requestParameters"], name)
			}
		}
	})
	t.Run("responseElements mirror the response", func(t *testing.T) {
		if got := str(createUser.rec, "responseElements", "user", "userName"); got != "alice" {
			t.Errorf("responseElements %v, want user.userName alice", createUser.rec["responseElements"])
		}
		e := tt.byRequest(t, root, "CreateAccessKey", ridKey)
		if got := str(e.rec, "responseElements", "accessKey", "accessKeyId"); got != alice.AccessKeyID {
			t.Errorf("responseElements %v, want accessKey.accessKeyId", e.rec["responseElements"])
		}
	})
}

// hasResource reports whether an event names a resource of the type and
// name ("" matches any).
func hasResource(e event, typ, name string) bool {
	return slices.ContainsFunc(e.Resources, func(r cttypes.Resource) bool {
		return (typ == "" || aws.ToString(r.ResourceType) == typ) && (name == "" || aws.ToString(r.ResourceName) == name)
	})
}

// TestAuditLookupPaging pages with MaxResults=2 while new events arrive
// between the pages: the listing is the one that existed at the first page
// ("If you want to get more results than the maximum, ... NextToken"),
// without duplicates and without any event newer than the first page.
func TestAuditLookupPaging(t *testing.T) {
	tt := newTrailTest(t)
	ctx := context.Background()
	key := func() aws.Credentials {
		c := tt.iam(tt.root)
		must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("pager")}))(t)
		must(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("pager"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc(allow("iam:GetUser", "*")))}))(t)
		k := must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("pager")}))(t)
		return userCreds(k.AccessKey)
	}()
	getUser := func() string {
		must(tt.iam(key).GetUser(ctx, &iam.GetUserInput{}))(t)
		return tt.rid(t)
	}
	var before []string
	for range 5 {
		before = append(before, getUser())
	}
	if err := tt.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name  string
		attrs []cttypes.LookupAttribute
		// want are the request ids the listing must hold, all of them
		// (nil: not checked).
		want []string
	}{
		{"EventName=GetUser", []cttypes.LookupAttribute{attr(cttypes.LookupAttributeKeyEventName, "GetUser")}, before},
		{"every event", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := &cloudtrail.LookupEventsInput{LookupAttributes: c.attrs, MaxResults: aws.Int32(2)}
			seen := map[string]bool{}
			var rids []string
			after := map[string]bool{} // requests made once the listing began
			var newest time.Time
			for page := 0; ; page++ {
				out, err := tt.trail(tt.root).LookupEvents(ctx, in)
				if err != nil {
					t.Fatalf("page %d: %v", page, err)
				}
				after[tt.rid(t)] = true
				if len(out.Events) > 2 {
					t.Fatalf("page %d: %d events, MaxResults 2", page, len(out.Events))
				}
				for _, raw := range out.Events {
					e := decodeEvent(t, raw)
					id := aws.ToString(e.EventId)
					if seen[id] {
						t.Errorf("page %d: event %s again", page, id)
					}
					seen[id] = true
					when := aws.ToTime(e.EventTime)
					if page == 0 && newest.IsZero() {
						newest = when
					}
					if when.After(newest) {
						t.Errorf("page %d: %s at %v, after the first page's newest %v", page, aws.ToString(e.EventName), when, newest)
					}
					rids = append(rids, str(e.rec, "requestID"))
				}
				if out.NextToken == nil {
					break
				}
				// New events between the pages.
				after[getUser()] = true
				after[getUser()] = true
				if err := tt.FlushAudit(ctx); err != nil {
					t.Fatal(err)
				}
				in.NextToken = out.NextToken
			}
			for _, rid := range rids {
				if after[rid] {
					t.Errorf("request %s, made after the first page, is listed", rid)
				}
			}
			if c.want != nil {
				want := slices.Clone(c.want)
				slices.Reverse(want) // newest first
				if !slices.Equal(rids, want) {
					t.Errorf("listed requests %v, want %v", rids, want)
				}
			} else if len(rids) < len(before)+4 {
				t.Errorf("%d events listed; the account had at least %d", len(rids), len(before)+4)
			}
		})
	}
}
