package cloudtrailapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/audit"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cloudtrailwire"
)

const (
	acct  = "111122223333"
	other = "444455556666"
)

// now is the fixture's clock: events are from the hour before.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// recorder is an access.Authorizer that records the requests it is asked
// and denies all of them when deny is set.
type recorder struct {
	mu   sync.Mutex
	reqs []access.Request
	deny bool
}

func (r *recorder) Authorize(ctx context.Context, reqs ...access.Request) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, reqs...)
	if r.deny {
		q := reqs[0]
		return access.Deny(q.Action, q.Resource, "User: %s is not authorized to perform: %s because no identity-based policy allows the %s action",
			identity.FromContext(ctx).ARN, q.Action, q.Action)
	}
	return nil
}

func (r *recorder) requests() []access.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

type fixture struct {
	t      testing.TB
	ctx    context.Context
	st     *sqlite.Store
	authz  *recorder
	h      *cloudtrailwire.Handlers
	client *cloudtrail.Client
	events []store.Event // in the store, oldest first

	mu     sync.Mutex
	caller *identity.Caller
}

func rootOf(account string) *identity.Caller {
	return &identity.Caller{Type: identity.Root, Account: account, ARN: "arn:aws:iam::" + account + ":root", UserID: account}
}

// newFixture returns LookupEvents over a SQLite store holding the events of
// testEvents, and an SDK client whose requests it serves as acct's root
// user.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cleanroom.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, ctx: ctx, st: st, authz: &recorder{}, caller: rootOf(acct), events: testEvents()}
	if err := st.AppendEvents(ctx, f.events); err != nil {
		t.Fatal(err)
	}
	trail := audit.NewTrail(audit.TrailOptions{Store: st, Now: func() time.Time { return now }, TokenKey: []byte("test token key")})
	f.h = Handlers(Options{Trail: trail, Authorizer: f.authz})
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.client = cloudtrail.New(cloudtrail.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}, HTTPClient: awstest.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
	})
	return f
}

// testEvents are acct's events, one every ten minutes from 50 minutes
// before now, and one of another account.
func testEvents() []store.Event {
	ev := func(n int, account, source, name string, ro bool, user, key string, res ...store.EventResource) store.Event {
		id := "0195a000-0000-7000-8000-00000000000" + string(rune('0'+n))
		t := now.Add(time.Duration(n-6) * 10 * time.Minute)
		data := `{"eventVersion":"1.08","eventID":"` + id + `","eventName":"` + name + `","eventSource":"` + source + `"}`
		return store.Event{ID: id, Account: account, Time: t, Source: source, Name: name, ReadOnly: ro, Username: user,
			AccessKeyID: key, Resources: res, Data: []byte(data)}
	}
	user := store.EventResource{Type: "AWS::IAM::User", Name: "bob"}
	ou := store.EventResource{Type: "AWS::Organizations::OrganizationalUnit", Name: "ou-abcd-abcdefgh"}
	return []store.Event{
		ev(1, acct, "iam.amazonaws.com", "CreateUser", false, "alice", "AKIAALICE0000000", user),
		ev(2, acct, "iam.amazonaws.com", "GetUser", true, "alice", "AKIAALICE0000000", user),
		ev(3, acct, "organizations.amazonaws.com", "CreateOrganizationalUnit", false, "", "AKIAROOT00000000", ou),
		ev(4, acct, "sts.amazonaws.com", "AssumeRole", false, "carol", "AKIACAROL0000000"),
		ev(5, other, "iam.amazonaws.com", "CreateUser", false, "dave", "AKIADAVE00000000", user),
	}
}

func (f *fixture) as(c *identity.Caller) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.caller = c
}

// serve answers awsJson 1.1 requests as the server does, with the
// fixture's caller as the authenticated principal.
func (f *fixture) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	c := f.caller
	f.mu.Unlock()
	ctx := identity.NewContext(r.Context(), c)
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

func names(evs []types.Event) []string {
	var s []string
	for _, e := range evs {
		s = append(s, aws.ToString(e.EventName))
	}
	return s
}

func attr(k types.LookupAttributeKey, v string) []types.LookupAttribute {
	return []types.LookupAttribute{{AttributeKey: k, AttributeValue: aws.String(v)}}
}

// LookupEvents with each lookup attribute, newest first, the caller's
// account only.
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupAttribute.html
func TestLookupAttributes(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		attrs []types.LookupAttribute
		want  []string
	}{
		{nil, []string{"AssumeRole", "CreateOrganizationalUnit", "GetUser", "CreateUser"}},
		{attr(types.LookupAttributeKeyEventId, f.events[2].ID), []string{"CreateOrganizationalUnit"}},
		{attr(types.LookupAttributeKeyEventName, "CreateUser"), []string{"CreateUser"}},
		{attr(types.LookupAttributeKeyReadOnly, "true"), []string{"GetUser"}},
		{attr(types.LookupAttributeKeyReadOnly, "false"), []string{"AssumeRole", "CreateOrganizationalUnit", "CreateUser"}},
		{attr(types.LookupAttributeKeyUsername, "alice"), []string{"GetUser", "CreateUser"}},
		{attr(types.LookupAttributeKeyResourceType, "AWS::Organizations::OrganizationalUnit"), []string{"CreateOrganizationalUnit"}},
		{attr(types.LookupAttributeKeyResourceName, "bob"), []string{"GetUser", "CreateUser"}},
		{attr(types.LookupAttributeKeyEventSource, "sts.amazonaws.com"), []string{"AssumeRole"}},
		{attr(types.LookupAttributeKeyAccessKeyId, "AKIACAROL0000000"), []string{"AssumeRole"}},
		{attr(types.LookupAttributeKeyUsername, "dave"), nil}, // another account's
	}
	for _, tt := range tests {
		out, err := f.client.LookupEvents(f.ctx, &cloudtrail.LookupEventsInput{LookupAttributes: tt.attrs})
		f.ok(err)
		if got := names(out.Events); !slices.Equal(got, tt.want) || out.NextToken != nil {
			t.Errorf("LookupEvents(%+v) = %v, want %v", tt.attrs, got, tt.want)
		}
		if out.Events == nil {
			t.Errorf("LookupEvents(%+v): Events absent, want a list", tt.attrs)
		}
	}
	for _, q := range f.authz.requests() {
		if q.Action != "cloudtrail:LookupEvents" || q.Resource != "*" || len(q.Context) != 0 {
			t.Errorf("authorization = %+v", q)
		}
	}
	if n := len(f.authz.requests()); n != len(tests) {
		t.Errorf("%d authorizations for %d calls", n, len(tests))
	}

	f.as(rootOf(other))
	out, err := f.client.LookupEvents(f.ctx, &cloudtrail.LookupEventsInput{})
	f.ok(err)
	if got := names(out.Events); !slices.Equal(got, []string{"CreateUser"}) || aws.ToString(out.Events[0].Username) != "dave" {
		t.Errorf("other account's LookupEvents = %v", got)
	}
}

// Each event's members as the API Reference's Event lists them:
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html
func TestEventMembers(t *testing.T) {
	f := newFixture(t)
	out, err := f.client.LookupEvents(f.ctx, &cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyEventName, "GetUser")})
	f.ok(err)
	if len(out.Events) != 1 {
		t.Fatalf("events = %+v", out.Events)
	}
	e, want := out.Events[0], f.events[1]
	if aws.ToString(e.EventId) != want.ID || aws.ToString(e.EventName) != "GetUser" || aws.ToString(e.ReadOnly) != "true" ||
		aws.ToString(e.AccessKeyId) != want.AccessKeyID || !aws.ToTime(e.EventTime).Equal(want.Time) ||
		aws.ToString(e.EventSource) != "iam.amazonaws.com" || aws.ToString(e.Username) != "alice" ||
		aws.ToString(e.CloudTrailEvent) != string(want.Data) {
		t.Errorf("event = %+v", e)
	}
	if len(e.Resources) != 1 || aws.ToString(e.Resources[0].ResourceType) != "AWS::IAM::User" || aws.ToString(e.Resources[0].ResourceName) != "bob" {
		t.Errorf("resources = %+v", e.Resources)
	}
	// The root user's event has no user name; an event without resources
	// has an empty list.
	out, err = f.client.LookupEvents(f.ctx, &cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyEventSource, "sts.amazonaws.com")})
	f.ok(err)
	if e := out.Events[0]; e.Resources == nil || len(e.Resources) != 0 || aws.ToString(e.ReadOnly) != "false" {
		t.Errorf("AssumeRole event = %+v", e)
	}
	out, err = f.client.LookupEvents(f.ctx, &cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyEventSource, "organizations.amazonaws.com")})
	f.ok(err)
	if e := out.Events[0]; e.Username != nil {
		t.Errorf("root user's event has Username %q", aws.ToString(e.Username))
	}
}

// Paging with MaxResults and NextToken through the SDK's paginator, and
// the time bounds (inclusive).
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html#API_LookupEvents_RequestSyntax
func TestPagingAndTimeRange(t *testing.T) {
	f := newFixture(t)
	var got []string
	pages := 0
	for p := cloudtrail.NewLookupEventsPaginator(f.client, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(3)}); p.HasMorePages(); {
		pg, err := p.NextPage(f.ctx)
		f.ok(err)
		pages++
		got = append(got, names(pg.Events)...)
	}
	if want := []string{"AssumeRole", "CreateOrganizationalUnit", "GetUser", "CreateUser"}; !slices.Equal(got, want) || pages != 2 {
		t.Errorf("paged = %v in %d pages, want %v in 2", got, pages, want)
	}

	start, end := f.events[1].Time, f.events[2].Time
	out, err := f.client.LookupEvents(f.ctx, &cloudtrail.LookupEventsInput{StartTime: &start, EndTime: &end})
	f.ok(err)
	if got := names(out.Events); !slices.Equal(got, []string{"CreateOrganizationalUnit", "GetUser"}) {
		t.Errorf("between %v and %v: %v", start, end, got)
	}
}

// LookupEvents' errors, as its API Reference lists them: more than one
// attribute is InvalidLookupAttributesException, a start after the end
// InvalidTimeRangeException, a token that is not one of this call's
// InvalidNextTokenException; a denial is AccessDeniedException.
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html#API_LookupEvents_Errors
func TestErrors(t *testing.T) {
	f := newFixture(t)
	ctx := f.ctx
	start, end := now.Add(-time.Minute), now.Add(-time.Hour)
	first, err := f.client.LookupEvents(ctx, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(1)})
	f.ok(err)
	if first.NextToken == nil {
		t.Fatal("no NextToken")
	}
	tests := []struct {
		name string
		in   *cloudtrail.LookupEventsInput
		code string
	}{
		{"two attributes", &cloudtrail.LookupEventsInput{LookupAttributes: append(attr(types.LookupAttributeKeyUsername, "alice"), attr(types.LookupAttributeKeyEventName, "GetUser")...)},
			"InvalidLookupAttributesException"},
		{"ReadOnly not a boolean", &cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyReadOnly, "maybe")}, "InvalidLookupAttributesException"},
		{"start after end", &cloudtrail.LookupEventsInput{StartTime: &start, EndTime: &end}, "InvalidTimeRangeException"},
		{"a forged token", &cloudtrail.LookupEventsInput{NextToken: aws.String("AQAAAAAAAAAAbm90IGEgdG9rZW4")}, "InvalidNextTokenException"},
		{"a token of other parameters", &cloudtrail.LookupEventsInput{NextToken: first.NextToken, LookupAttributes: attr(types.LookupAttributeKeyUsername, "alice")},
			"InvalidNextTokenException"},
	}
	for _, tt := range tests {
		_, err := f.client.LookupEvents(ctx, tt.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	var ila *types.InvalidLookupAttributesException
	if _, err := f.client.LookupEvents(ctx, tests[0].in); !errors.As(err, &ila) || aws.ToString(ila.Message) == "" {
		t.Errorf("typed InvalidLookupAttributesException: %v", err)
	}

	// Values the wire lets through only when a handler is called directly
	// (the model's range and enum checks answer them first over HTTP).
	hctx := identity.NewContext(ctx, rootOf(acct))
	_, err = f.h.LookupEvents(hctx, &cloudtrailwire.LookupEventsInput{MaxResults: aws.Int32(51)})
	if !cloudtrailwire.InvalidMaxResultsException.Is(err) {
		t.Errorf("MaxResults 51: %v", err)
	}
	_, err = f.h.LookupEvents(hctx, &cloudtrailwire.LookupEventsInput{EventCategory: "bogus"})
	if !cloudtrailwire.InvalidEventCategoryException.Is(err) {
		t.Errorf("EventCategory bogus: %v", err)
	}
	_, err = f.h.LookupEvents(ctx, &cloudtrailwire.LookupEventsInput{})
	var pe *awsproto.Error
	if !errors.As(err, &pe) || pe.Code != awsproto.CodeMissingAuthenticationToken {
		t.Errorf("without a caller: %v", err)
	}

	f.authz.mu.Lock()
	f.authz.deny = true
	f.authz.mu.Unlock()
	// LookupEvents' model lists no AccessDeniedException: the SDK reports
	// the code as a generic API error.
	_, err = f.client.LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
	var ad smithy.APIError
	if !errors.As(err, &ad) || ad.ErrorCode() != "AccessDeniedException" ||
		!strings.Contains(ad.ErrorMessage(), "root is not authorized to perform: cloudtrail:LookupEvents") {
		t.Errorf("denied: %v", err)
	}
	_, err = f.h.LookupEvents(hctx, &cloudtrailwire.LookupEventsInput{})
	var denied *access.DeniedError
	if !errors.As(err, &denied) {
		t.Errorf("handler error = %T %v, want *access.DeniedError for the server to map", err, err)
	}
}

// Every error code of Trail.Lookup is a modelled CloudTrail error with the
// same code; other errors pass unchanged.
func TestWireErrorCodes(t *testing.T) {
	for _, code := range []string{audit.CodeInvalidLookupAttributes, audit.CodeInvalidTimeRange, audit.CodeInvalidMaxResults,
		audit.CodeInvalidNextToken, audit.CodeInvalidEventCategory} {
		var we *awsproto.Error
		if err := wireError(&audit.Error{Code: code, Message: "m"}); !errors.As(err, &we) || we.Code != code || we.Message != "m" || we.Status != 400 {
			t.Errorf("%s: %v", code, err)
		}
	}
	other := errors.New("disk full")
	if err := wireError(other); err != other {
		t.Errorf("other error = %v", err)
	}
}

// The bound action is in the catalog, with no resource type: it is
// decided on "*".
func TestActionInCatalog(t *testing.T) {
	a, ok := catalog.Default().LookupAction(actionLookupEvents)
	if !ok || len(a.ResourceTypes) != 0 {
		t.Errorf("catalog entry for %s: %+v, %v", actionLookupEvents, a, ok)
	}
}

// BenchmarkLookupEvents measures one call without HTTP.
func BenchmarkLookupEvents(b *testing.B) {
	f := newFixture(b)
	ctx := identity.NewContext(f.ctx, rootOf(acct))
	in := &cloudtrailwire.LookupEventsInput{}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.h.LookupEvents(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
