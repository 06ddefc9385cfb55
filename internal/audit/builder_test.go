package audit

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

const (
	acct  = "111122223333"
	other = "444455556666"
)

func testBuilder(t testing.TB, clk *clock) *Builder {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return NewBuilder(BuilderOptions{Now: clk.Now, Catalog: cat})
}

func parse(t *testing.T, e store.Event) *Record {
	t.Helper()
	r, err := ParseRecord(e.Data)
	if err != nil {
		t.Fatalf("event data is not a record: %v\n%s", err, e.Data)
	}
	return r
}

var issued = time.Date(2026, 3, 14, 14, 0, 0, 0, time.UTC)

// TestUserIdentity encodes the examples and field descriptions of
// "CloudTrail userIdentity element"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html)
// and the temporary-credential table of "Logging IAM and AWS STS API calls
// with AWS CloudTrail" (IAM User Guide), and what LookupEvents' Username
// matches for each caller.
func TestUserIdentity(t *testing.T) {
	tests := []struct {
		name      string
		caller    *identity.Caller
		invokedBy string
		want      *UserIdentity
		username  string
		akid      string
		account   string
	}{
		{
			name:     "root",
			caller:   &identity.Caller{Type: identity.Root, Account: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct, AccessKeyID: "AKIAROOT"},
			want:     &UserIdentity{Type: "Root", PrincipalID: acct, ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct, AccessKeyID: "AKIAROOT"},
			username: "root", akid: "AKIAROOT", account: acct,
		},
		{
			name: "IAM user (Alice, the page's first example)",
			caller: &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: "arn:aws:iam::" + acct + ":user/Alice", UserID: "AIDAJ45Q7YFFAREXAMPLE",
				PrincipalID: "AIDAJ45Q7YFFAREXAMPLE", Name: "Alice", AccessKeyID: "AKIAIOSFODNN7EXAMPLE"},
			want: &UserIdentity{Type: "IAMUser", PrincipalID: "AIDAJ45Q7YFFAREXAMPLE", ARN: "arn:aws:iam::" + acct + ":user/Alice", AccountID: acct,
				AccessKeyID: "AKIAIOSFODNN7EXAMPLE", UserName: "Alice"},
			username: "Alice", akid: "AKIAIOSFODNN7EXAMPLE", account: acct,
		},
		{
			name: "IAM user with GetSessionToken credentials and MFA: no sessionIssuer",
			caller: &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: "arn:aws:iam::" + acct + ":user/JaneDoe", UserID: "AIDACKCEVSQ6C2EXAMPLE",
				Name: "JaneDoe", AccessKeyID: "ASIAJANE", Temporary: true, MFAAuthenticated: true,
				Session: &identity.Session{IssuerType: identity.IAMUser, IssuerARN: "arn:aws:iam::" + acct + ":user/JaneDoe", IssuedAt: issued}},
			want: &UserIdentity{Type: "IAMUser", PrincipalID: "AIDACKCEVSQ6C2EXAMPLE", ARN: "arn:aws:iam::" + acct + ":user/JaneDoe", AccountID: acct,
				AccessKeyID: "ASIAJANE", UserName: "JaneDoe",
				SessionContext: &SessionContext{Attributes: SessionAttributes{CreationDate: "2026-03-14T14:00:00Z", MFAAuthenticated: "true"}}},
			username: "JaneDoe", akid: "ASIAJANE", account: acct,
		},
		{
			name: "assumed role with source identity",
			caller: &identity.Caller{Type: identity.AssumedRole, Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/RoleToBeAssumed/MySessionName",
				PrincipalARN: "arn:aws:iam::" + acct + ":role/RoleToBeAssumed", UserID: "AROAIDPPEZS35WEXAMPLE:MySessionName", PrincipalID: "AROAIDPPEZS35WEXAMPLE",
				Name: "RoleToBeAssumed", SessionName: "MySessionName", AccessKeyID: "ASIAROLE", Temporary: true,
				Session: &identity.Session{IssuerType: "Role", IssuerARN: "arn:aws:iam::" + acct + ":role/RoleToBeAssumed", IssuerName: "RoleToBeAssumed",
					IssuerID: "AROAIDPPEZS35WEXAMPLE", IssuedAt: issued, SourceIdentity: "JohnDoe"}},
			want: &UserIdentity{Type: "AssumedRole", PrincipalID: "AROAIDPPEZS35WEXAMPLE:MySessionName", ARN: "arn:aws:sts::" + acct + ":assumed-role/RoleToBeAssumed/MySessionName",
				AccountID: acct, AccessKeyID: "ASIAROLE",
				SessionContext: &SessionContext{
					SessionIssuer:  &SessionIssuer{Type: "Role", PrincipalID: "AROAIDPPEZS35WEXAMPLE", ARN: "arn:aws:iam::" + acct + ":role/RoleToBeAssumed", AccountID: acct, UserName: "RoleToBeAssumed"},
					Attributes:     SessionAttributes{CreationDate: "2026-03-14T14:00:00Z", MFAAuthenticated: "false"},
					SourceIdentity: "JohnDoe",
				}},
			username: "MySessionName", akid: "ASIAROLE", account: acct,
		},
		{
			name: "role session from a web identity: webIdFederationData",
			caller: &identity.Caller{Type: identity.AssumedRole, Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/ci/run-1",
				UserID: "AROACI:run-1", SessionName: "run-1", AccessKeyID: "ASIACI", Temporary: true,
				Session: &identity.Session{IssuerType: "Role", IssuerARN: "arn:aws:iam::" + acct + ":role/ci", IssuerName: "ci", IssuerID: "AROACI", IssuedAt: issued,
					FederatedProvider: "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"}},
			want: &UserIdentity{Type: "AssumedRole", PrincipalID: "AROACI:run-1", ARN: "arn:aws:sts::" + acct + ":assumed-role/ci/run-1", AccountID: acct, AccessKeyID: "ASIACI",
				SessionContext: &SessionContext{
					SessionIssuer:       &SessionIssuer{Type: "Role", PrincipalID: "AROACI", ARN: "arn:aws:iam::" + acct + ":role/ci", AccountID: acct, UserName: "ci"},
					WebIDFederationData: &WebIDFederationData{FederatedProvider: "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com", Attributes: map[string]string{}},
					Attributes:          SessionAttributes{CreationDate: "2026-03-14T14:00:00Z", MFAAuthenticated: "false"},
				}},
			username: "run-1", akid: "ASIACI", account: acct,
		},
		{
			name: "federated user: sessionIssuer is the user that called GetFederationToken",
			caller: &identity.Caller{Type: identity.FederatedUser, Account: acct, ARN: "arn:aws:sts::" + acct + ":federated-user/Bob",
				UserID: acct + ":Bob", Name: "Bob", AccessKeyID: "ASIABOB", Temporary: true,
				Session: &identity.Session{IssuerType: identity.IAMUser, IssuerARN: "arn:aws:iam::" + acct + ":user/Alice", IssuerName: "Alice", IssuerID: "AIDAALICE", IssuedAt: issued}},
			want: &UserIdentity{Type: "FederatedUser", PrincipalID: acct + ":Bob", ARN: "arn:aws:sts::" + acct + ":federated-user/Bob", AccountID: acct, AccessKeyID: "ASIABOB",
				SessionContext: &SessionContext{
					SessionIssuer: &SessionIssuer{Type: "IAMUser", PrincipalID: "AIDAALICE", ARN: "arn:aws:iam::" + acct + ":user/Alice", AccountID: acct, UserName: "Alice"},
					Attributes:    SessionAttributes{CreationDate: "2026-03-14T14:00:00Z", MFAAuthenticated: "false"},
				}},
			username: "Bob", akid: "ASIABOB", account: acct,
		},
		{
			name:   "web identity user (the page's AssumeRoleWithWebIdentity example)",
			caller: &identity.Caller{Type: TypeWebIdentityUser, Account: acct, Name: "user-id", UserID: "accounts.google.com:application-id.apps.googleusercontent.com:user-id"},
			want: &UserIdentity{Type: "WebIdentityUser", PrincipalID: "accounts.google.com:application-id.apps.googleusercontent.com:user-id",
				UserName: "user-id", IdentityProvider: "accounts.google.com"},
			username: "user-id", account: acct,
		},
		{
			name:     "AWS service",
			caller:   &identity.Caller{Type: identity.AWSService, Account: acct, Name: "cleanrooms.amazonaws.com"},
			want:     &UserIdentity{Type: "AWSService", InvokedBy: "cleanrooms.amazonaws.com"},
			username: "cleanrooms.amazonaws.com", account: acct,
		},
		{
			name:      "no caller, a service acting",
			invokedBy: "cleanrooms.amazonaws.com",
			want:      &UserIdentity{Type: "AWSService", InvokedBy: "cleanrooms.amazonaws.com"},
			username:  "cleanrooms.amazonaws.com",
		},
		{
			name: "IAM user through a service (forward access): invokedBy",
			caller: &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: "arn:aws:iam::" + acct + ":user/Alice", UserID: "AIDAALICE",
				Name: "Alice", AccessKeyID: "AKIAALICE"},
			invokedBy: "cleanrooms-ml.amazonaws.com",
			want: &UserIdentity{Type: "IAMUser", PrincipalID: "AIDAALICE", ARN: "arn:aws:iam::" + acct + ":user/Alice", AccountID: acct,
				AccessKeyID: "AKIAALICE", UserName: "Alice", InvokedBy: "cleanrooms-ml.amazonaws.com"},
			username: "Alice", akid: "AKIAALICE", account: acct,
		},
		{
			name:   "anonymous",
			caller: &identity.Caller{Type: identity.Anonymous},
			want:   &UserIdentity{Type: "AWSAccount", AccountID: "anonymous"},
		},
		{
			name: "unsigned, no caller",
			want: nil,
		},
	}
	b := testBuilder(t, newClock(t0))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := b.Event(Call{Caller: tt.caller, Request: Request{InvokedBy: tt.invokedBy}, Source: "iam.amazonaws.com", Operation: "GetUser"})
			rec := parse(t, e)
			if !reflect.DeepEqual(rec.UserIdentity, tt.want) {
				got, _ := json.Marshal(rec.UserIdentity)
				want, _ := json.Marshal(tt.want)
				t.Errorf("userIdentity\n got %s\nwant %s", got, want)
			}
			if e.Username != tt.username || e.AccessKeyID != tt.akid {
				t.Errorf("lookup Username, AccessKeyID = %q, %q; want %q, %q", e.Username, e.AccessKeyID, tt.username, tt.akid)
			}
			if e.Account != tt.account || rec.RecipientAccountID != tt.account {
				t.Errorf("account = %q, recipientAccountId = %q; want %q", e.Account, rec.RecipientAccountID, tt.account)
			}
			if tt.invokedBy != "" && (rec.SourceIPAddress != tt.invokedBy || rec.UserAgent != tt.invokedBy) {
				t.Errorf("a service's call: sourceIPAddress, userAgent = %q, %q; want the service", rec.SourceIPAddress, rec.UserAgent)
			}
		})
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestRecordFields encodes "CloudTrail record contents"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
// and LookupEvents' index fields.
func TestRecordFields(t *testing.T) {
	clk := newClock(t0)
	b := testBuilder(t, clk)
	caller := &identity.Caller{Type: identity.IAMUser, Account: acct, ARN: "arn:aws:iam::" + acct + ":user/alice", UserID: "AIDAALICE", Name: "alice", AccessKeyID: "AKIAALICE"}
	e := b.Event(Call{
		Caller: caller,
		Request: Request{SourceIP: "192.0.2.7", UserAgent: "aws-cli/2.15.0", Region: "eu-west-1", RequestID: "req-1",
			TLS: &TLSDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: "localhost:4566"}},
		Source: "iam.amazonaws.com", Operation: "AttachUserPolicy",
		RequestParameters: map[string]any{"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		ErrorCode:         "AccessDenied",
		ErrorMessage:      "User: arn:aws:iam::" + acct + ":user/alice is not authorized to perform: iam:AttachUserPolicy on resource: user bob because no identity-based policy allows the iam:AttachUserPolicy action",
		Resources: []Resource{
			{Type: "AWS::IAM::User", Name: "bob", ARN: "arn:aws:iam::" + acct + ":user/bob"},
			{Type: "AWS::IAM::Policy", ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		},
	})
	r := parse(t, e)
	checks := []struct {
		field     string
		got, want any
	}{
		{"eventVersion", r.EventVersion, "1.11"},
		{"eventTime (UTC, seconds)", r.EventTime, "2026-03-14T15:09:26Z"},
		{"eventSource", r.EventSource, "iam.amazonaws.com"},
		{"eventName", r.EventName, "AttachUserPolicy"},
		{"awsRegion", r.AWSRegion, "eu-west-1"},
		{"sourceIPAddress", r.SourceIPAddress, "192.0.2.7"},
		{"userAgent", r.UserAgent, "aws-cli/2.15.0"},
		{"errorCode", r.ErrorCode, "AccessDenied"},
		{"errorMessage has the denial", strings.HasPrefix(r.ErrorMessage, "User: arn:aws:iam::"+acct+":user/alice is not authorized"), true},
		{"requestParameters", r.RequestParameters, map[string]any{"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		{"responseElements (null)", r.ResponseElements, nil},
		{"requestID", r.RequestID, "req-1"},
		{"eventID is the event's id", r.EventID, e.ID},
		{"eventID is a UUID", uuidRE.MatchString(e.ID), true},
		{"readOnly", r.ReadOnly, false},
		{"resources", r.Resources, []RecordResource{
			{ARN: "arn:aws:iam::" + acct + ":user/bob", AccountID: acct, Type: "AWS::IAM::User"},
			{ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess", AccountID: "aws", Type: "AWS::IAM::Policy"},
		}},
		{"eventType", r.EventType, "AwsApiCall"},
		{"managementEvent", r.ManagementEvent, true},
		{"recipientAccountId", r.RecipientAccountID, acct},
		{"sharedEventID absent for one account", r.SharedEventID, ""},
		{"eventCategory", r.EventCategory, "Management"},
		{"tlsDetails", *r.TLSDetails, TLSDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: "localhost:4566"}},
		{"store time (µs)", e.Time, t0.Truncate(time.Microsecond)},
		{"store source", e.Source, "iam.amazonaws.com"},
		{"store name", e.Name, "AttachUserPolicy"},
		{"store resources (name, or the ARN)", e.Resources, []store.EventResource{{Type: "AWS::IAM::User", Name: "bob"}, {Type: "AWS::IAM::Policy", Name: "arn:aws:iam::aws:policy/ReadOnlyAccess"}}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v; want %#v", c.field, c.got, c.want)
		}
	}
	// The fields CloudTrail always writes are present even when empty.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(e.Data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "requestParameters", "responseElements", "eventID", "readOnly", "eventType", "managementEvent", "recipientAccountId", "eventCategory"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("record lacks %s: %s", k, e.Data)
		}
	}
	// Policy documents keep their characters (no \u003c escapes).
	e = b.Event(Call{Caller: caller, Source: "iam.amazonaws.com", Operation: "PutUserPolicy",
		RequestParameters: map[string]any{"policyDocument": `{"Condition":{"StringLike":{"aws:userid":"<x>&"}}}`}})
	if !strings.Contains(string(e.Data), `<x>&`) {
		t.Errorf("policy document escaped: %s", e.Data)
	}
	// Without a region the global services' region is recorded.
	if r := parse(t, e); r.AWSRegion != "us-east-1" {
		t.Errorf("default awsRegion = %q", r.AWSRegion)
	}
}

// TestReadOnly: readOnly follows the Service Authorization Reference's
// access levels (Read and List are read-only), CloudTrail's read-only
// record of STS's credential calls, and operation names for what the
// catalog does not list.
func TestReadOnly(t *testing.T) {
	b := testBuilder(t, newClock(t0))
	tests := []struct {
		source, op string
		want       bool
	}{
		{"iam.amazonaws.com", "GetUser", true},
		{"iam.amazonaws.com", "ListUsers", true},
		{"iam.amazonaws.com", "SimulatePrincipalPolicy", true},
		{"iam.amazonaws.com", "GenerateCredentialReport", true},
		{"iam.amazonaws.com", "CreateUser", false},
		{"iam.amazonaws.com", "PutUserPolicy", false},
		{"iam.amazonaws.com", "TagUser", false},
		{"sts.amazonaws.com", "GetCallerIdentity", true},
		{"sts.amazonaws.com", "GetSessionToken", true},
		{"sts.amazonaws.com", "AssumeRole", true},
		{"sts.amazonaws.com", "AssumeRoleWithWebIdentity", true},
		{"sts.amazonaws.com", "TagSession", false},
		{"cloudtrail.amazonaws.com", "LookupEvents", true},
		{"organizations.amazonaws.com", "DescribeOrganization", true},
		{"organizations.amazonaws.com", "CreateAccount", false},
		{"cleanrooms.amazonaws.com", "GetCollaboration", true},
		{"cleanrooms.amazonaws.com", "ListMembers", true},
		{"cleanrooms.amazonaws.com", "CreateCollaboration", false},
		{"s3.amazonaws.com", "GetObject", true},
		{"s3.amazonaws.com", "PutObject", false},
		{"s3.amazonaws.com", "ListObjectsV2", true}, // not an action: by its name
		{"s3.amazonaws.com", "HeadBucket", true},
		{"example.amazonaws.com", "DescribeThings", true},
		{"example.amazonaws.com", "DeleteThing", false},
	}
	for _, tt := range tests {
		if got := b.ReadOnly(tt.source, tt.op); got != tt.want {
			t.Errorf("ReadOnly(%s, %s) = %v; want %v", tt.source, tt.op, got, tt.want)
		}
	}
	// Without a catalog, names decide, and STS's calls stay read-only.
	nb := NewBuilder(BuilderOptions{})
	if !nb.ReadOnly("iam.amazonaws.com", "GetUser") || nb.ReadOnly("iam.amazonaws.com", "CreateUser") || !nb.ReadOnly("sts.amazonaws.com", "AssumeRole") {
		t.Error("catalog-less ReadOnly is wrong")
	}
	// A call may override it; the index and the record agree.
	no := false
	e := b.Event(Call{Caller: &identity.Caller{Type: identity.Root, Account: acct}, Source: "iam.amazonaws.com", Operation: "GetUser", ReadOnly: &no})
	if e.ReadOnly || parse(t, e).ReadOnly {
		t.Error("Call.ReadOnly did not override")
	}
	e = b.Event(Call{Caller: &identity.Caller{Type: identity.Root, Account: acct}, Source: "iam.amazonaws.com", Operation: "ListRoles"})
	if !e.ReadOnly || !parse(t, e).ReadOnly {
		t.Error("ListRoles not recorded read-only")
	}
}

// TestForAccounts encodes sharedEventID ("CloudTrail record contents") and
// the cross-account AssumeRole records of "Logging IAM and AWS STS API calls
// with AWS CloudTrail" (IAM User Guide): the caller's account gets the full
// identity, the role owner's an AWSAccount identity.
func TestForAccounts(t *testing.T) {
	b := testBuilder(t, newClock(t0))
	caller := &identity.Caller{Type: identity.IAMUser, Account: other, ARN: "arn:aws:iam::" + other + ":user/JohnDoe", UserID: "AIDAQRSTUVWXYZEXAMPLE",
		Name: "JohnDoe", AccessKeyID: "AKIAQRSTUVWXYZEXAMPLE"}
	call := Call{Caller: caller, Source: "sts.amazonaws.com", Operation: "AssumeRole",
		RequestParameters: map[string]any{"roleArn": "arn:aws:iam::" + acct + ":role/EC2-dev", "roleSessionName": "JohnDoe-EC2-dev"},
		Resources:         []Resource{{Type: "AWS::IAM::Role", ARN: "arn:aws:iam::" + acct + ":role/EC2-dev"}}}

	evs := b.ForAccounts(call, acct, other, "")
	if len(evs) != 2 {
		t.Fatalf("%d events; want one per account", len(evs))
	}
	mine, theirs := parse(t, evs[0]), parse(t, evs[1])
	if evs[0].Account != other || evs[1].Account != acct || mine.RecipientAccountID != other || theirs.RecipientAccountID != acct {
		t.Errorf("accounts %s/%s, recipients %s/%s", evs[0].Account, evs[1].Account, mine.RecipientAccountID, theirs.RecipientAccountID)
	}
	if mine.SharedEventID == "" || mine.SharedEventID != theirs.SharedEventID || !uuidRE.MatchString(mine.SharedEventID) {
		t.Errorf("sharedEventID %q / %q", mine.SharedEventID, theirs.SharedEventID)
	}
	if evs[0].ID == evs[1].ID || mine.EventID != evs[0].ID || theirs.EventID != evs[1].ID {
		t.Error("each account's event needs its own eventID")
	}
	if mine.UserIdentity.Type != "IAMUser" || mine.UserIdentity.UserName != "JohnDoe" {
		t.Errorf("caller's record identity %+v", mine.UserIdentity)
	}
	wantTheirs := &UserIdentity{Type: "AWSAccount", PrincipalID: "AIDAQRSTUVWXYZEXAMPLE", AccountID: other}
	if !reflect.DeepEqual(theirs.UserIdentity, wantTheirs) {
		t.Errorf("owner's record identity %+v; want %+v", theirs.UserIdentity, wantTheirs)
	}
	if evs[0].Username != "JohnDoe" || evs[0].AccessKeyID != "AKIAQRSTUVWXYZEXAMPLE" {
		t.Errorf("caller's lookup fields %q %q", evs[0].Username, evs[0].AccessKeyID)
	}
	if evs[1].Username != "" || evs[1].AccessKeyID != "" {
		t.Errorf("the owner's event exposes the caller's key or name: %q %q", evs[1].Username, evs[1].AccessKeyID)
	}
	for i := range evs {
		if !reflect.DeepEqual(evs[i].Resources, []store.EventResource{{Type: "AWS::IAM::Role", Name: "arn:aws:iam::" + acct + ":role/EC2-dev"}}) {
			t.Errorf("event %d resources %v", i, evs[i].Resources)
		}
	}

	// One account: one event, no sharedEventID ("If the caller and owner
	// are the same AWS account, CloudTrail sends only one event, and the
	// sharedEventID field is not present").
	evs = b.ForAccounts(call, other)
	if len(evs) != 1 || parse(t, evs[0]).SharedEventID != "" {
		t.Errorf("same-account call: %d events, sharedEventID %q", len(evs), parse(t, evs[0]).SharedEventID)
	}

	// A service's call reaches the owner as the service.
	svc := Call{Caller: &identity.Caller{Type: identity.AWSService, Name: "cleanrooms.amazonaws.com"}, Source: "sts.amazonaws.com", Operation: "AssumeRole"}
	evs = b.ForAccounts(svc, acct)
	if len(evs) != 1 || evs[0].Account != acct {
		t.Fatalf("service call: %+v", evs)
	}
	if got := parse(t, evs[0]).UserIdentity; got.Type != "AWSService" || got.InvokedBy != "cleanrooms.amazonaws.com" {
		t.Errorf("service call identity %+v", got)
	}
	evs = b.ForAccounts(svc, acct, other)
	if len(evs) != 2 || parse(t, evs[0]).SharedEventID == "" {
		t.Fatalf("service call into two accounts: %d events", len(evs))
	}
	for _, e := range evs {
		if e.Username != "cleanrooms.amazonaws.com" || parse(t, e).UserIdentity.InvokedBy != "cleanrooms.amazonaws.com" {
			t.Errorf("service call in %s: Username %q", e.Account, e.Username)
		}
	}
}

// TestEventHasNoSecrets: responses and requests that carry secrets keep
// everything but the secrets, as CloudTrail's IAM and STS records do.
func TestEventHasNoSecrets(t *testing.T) {
	b := testBuilder(t, newClock(t0))
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
	type creds struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
		Expiration      time.Time
	}
	req := map[string]any{"userName": "bob", "password": "hunter2-" + secret, "policyDocument": `{"Version":"2012-10-17"}`}
	e := b.Event(Call{
		Caller: &identity.Caller{Type: identity.Root, Account: acct}, Source: "sts.amazonaws.com", Operation: "AssumeRole",
		RequestParameters:   req,
		ResponseElements:    map[string]any{"credentials": creds{AccessKeyID: "ASIAX", SecretAccessKey: secret, SessionToken: token}},
		AdditionalEventData: map[string]string{"SAMLAssertion": "PHNhbWw+"},
	})
	for _, s := range []string{secret, token, "hunter2", "PHNhbWw+"} {
		if strings.Contains(string(e.Data), s) {
			t.Errorf("secret %q in event: %s", s, e.Data)
		}
	}
	for _, s := range []string{"ASIAX", `"userName":"bob"`, "2012-10-17"} {
		if !strings.Contains(string(e.Data), s) {
			t.Errorf("%q missing from event: %s", s, e.Data)
		}
	}
	if req["password"] == nil {
		t.Error("the caller's request map was modified")
	}
}

// TestNewIDIsUUIDv7 checks event ids are fresh version 7 UUIDs (RFC 9562):
// unique, and ordered by their time.
func TestNewIDIsUUIDv7(t *testing.T) {
	b := NewBuilder(BuilderOptions{})
	seen := map[string]bool{}
	for range 1000 {
		id := b.newID()
		if !uuidRE.MatchString(id) || seen[id] {
			t.Fatalf("id %q: not a fresh version 7 UUID", id)
		}
		seen[id] = true
	}
}

func TestArnAccount(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::111122223333:user/a":                "111122223333",
		"arn:aws:iam::aws:policy/ReadOnlyAccess":          "aws",
		"arn:aws:s3:::bucket":                             "",
		"arn:aws:cleanrooms:us-east-1:111122223333:x/y:z": "111122223333",
		"not-an-arn": "",
		"":           "",
	} {
		if got := arnAccount(arn); got != want {
			t.Errorf("arnAccount(%q) = %q; want %q", arn, got, want)
		}
	}
}
