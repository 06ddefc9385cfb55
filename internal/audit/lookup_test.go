package audit

import (
	"context"
	"encoding/base64"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
)

func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// lookupEnv is a store, a clock, a Builder and a Trail over them.
type lookupEnv struct {
	t     *testing.T
	ctx   context.Context
	st    *sqlite.Store
	clk   *clock
	b     *Builder
	trail *Trail
}

func newLookupEnv(t *testing.T) *lookupEnv {
	clk := newClock(t0)
	st := openStore(t)
	return &lookupEnv{t: t, ctx: context.Background(), st: st, clk: clk, b: testBuilder(t, clk),
		trail: NewTrail(TrailOptions{Store: st, Now: clk.Now, TokenKey: []byte("test key")})}
}

// add builds and stores the events of calls, one minute apart, and returns
// them.
func (e *lookupEnv) add(calls ...Call) []store.Event {
	e.t.Helper()
	var evs []store.Event
	for _, c := range calls {
		e.clk.Advance(time.Minute)
		evs = append(evs, e.b.Event(c))
	}
	if err := e.st.AppendEvents(e.ctx, evs); err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func (e *lookupEnv) lookup(account string, in LookupInput) (LookupOutput, error) {
	return e.trail.Lookup(e.ctx, account, in)
}

func names(out LookupOutput) []string {
	var s []string
	for _, e := range out.Events {
		s = append(s, e.EventName)
	}
	return s
}

func ids(out LookupOutput) []string {
	var s []string
	for _, e := range out.Events {
		s = append(s, e.EventID)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func attr(k, v string) []LookupAttribute { return []LookupAttribute{{Key: k, Value: v}} }

// seed stores six calls in acct and one in other:
// CreateUser, GetUser, PutRolePolicy, ListUsers, AssumeRole, AttachUserPolicy (denied).
func (e *lookupEnv) seed() []store.Event {
	alice := userCaller(acct, "alice")
	session := &identity.Caller{Type: identity.AssumedRole, Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/ci/deploy",
		UserID: "AROACI:deploy", Name: "ci", SessionName: "deploy", AccessKeyID: "ASIADEPLOY", Temporary: true,
		Session: &identity.Session{IssuerType: "Role", IssuerARN: "arn:aws:iam::" + acct + ":role/ci", IssuerName: "ci", IssuerID: "AROACI", IssuedAt: t0}}
	root := &identity.Caller{Type: identity.Root, Account: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct, AccessKeyID: "AKIAROOT"}
	user := func(name string) []Resource {
		return []Resource{{Type: "AWS::IAM::User", Name: name, ARN: "arn:aws:iam::" + acct + ":user/" + name}}
	}
	roleARN := "arn:aws:iam::" + acct + ":role/ci"
	evs := e.add(
		Call{Caller: alice, Source: "iam.amazonaws.com", Operation: "CreateUser", Resources: user("bob")},
		Call{Caller: alice, Source: "iam.amazonaws.com", Operation: "GetUser", Resources: user("bob")},
		Call{Caller: session, Source: "iam.amazonaws.com", Operation: "PutRolePolicy", Resources: []Resource{{Type: "AWS::IAM::Role", Name: "ci", ARN: roleARN}}},
		Call{Caller: root, Source: "iam.amazonaws.com", Operation: "ListUsers"},
		Call{Caller: alice, Source: "sts.amazonaws.com", Operation: "AssumeRole", Resources: []Resource{{Type: "AWS::IAM::Role", ARN: roleARN}}},
		Call{Caller: alice, Source: "iam.amazonaws.com", Operation: "AttachUserPolicy", Resources: user("carol"), ErrorCode: "AccessDenied", ErrorMessage: "denied"},
	)
	e.add(Call{Caller: userCaller(other, "alice"), Source: "iam.amazonaws.com", Operation: "CreateUser",
		Resources: []Resource{{Type: "AWS::IAM::User", Name: "bob", ARN: "arn:aws:iam::" + other + ":user/bob"}}})
	return evs
}

// TestLookupAttributes encodes LookupEvents' lookup attributes
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupAttribute.html):
// each selects the account's events it matches, newest first.
func TestLookupAttributes(t *testing.T) {
	e := newLookupEnv(t)
	evs := e.seed()
	all := []string{"AttachUserPolicy", "AssumeRole", "ListUsers", "PutRolePolicy", "GetUser", "CreateUser"}
	tests := []struct {
		name  string
		attrs []LookupAttribute
		want  []string
	}{
		{"none", nil, all},
		{"EventId", attr(AttrEventID, evs[1].ID), []string{"GetUser"}},
		{"EventId of nothing", attr(AttrEventID, "00000000-0000-4000-8000-000000000000"), nil},
		{"EventName", attr(AttrEventName, "CreateUser"), []string{"CreateUser"}},
		{"ReadOnly true", attr(AttrReadOnly, "true"), []string{"AssumeRole", "ListUsers", "GetUser"}},
		{"ReadOnly false", attr(AttrReadOnly, "false"), []string{"AttachUserPolicy", "PutRolePolicy", "CreateUser"}},
		{"Username of a user", attr(AttrUsername, "alice"), []string{"AttachUserPolicy", "AssumeRole", "GetUser", "CreateUser"}},
		{"Username of a role session is its session name", attr(AttrUsername, "deploy"), []string{"PutRolePolicy"}},
		{"Username root", attr(AttrUsername, "root"), []string{"ListUsers"}},
		{"Username is case-sensitive", attr(AttrUsername, "Alice"), nil},
		{"ResourceType", attr(AttrResourceType, "AWS::IAM::User"), []string{"AttachUserPolicy", "GetUser", "CreateUser"}},
		{"ResourceType role", attr(AttrResourceType, "AWS::IAM::Role"), []string{"AssumeRole", "PutRolePolicy"}},
		{"ResourceName", attr(AttrResourceName, "bob"), []string{"GetUser", "CreateUser"}},
		{"ResourceName ARN", attr(AttrResourceName, "arn:aws:iam::"+acct+":role/ci"), []string{"AssumeRole"}},
		{"EventSource", attr(AttrEventSource, "sts.amazonaws.com"), []string{"AssumeRole"}},
		{"AccessKeyId", attr(AttrAccessKeyID, "ASIADEPLOY"), []string{"PutRolePolicy"}},
		{"AccessKeyId root", attr(AttrAccessKeyID, "AKIAROOT"), []string{"ListUsers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.lookup(acct, LookupInput{Attributes: tt.attrs})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out); !slices.Equal(got, tt.want) {
				t.Errorf("events %v; want %v", got, tt.want)
			}
			if out.NextToken != nil {
				t.Error("NextToken on the only page")
			}
		})
	}

	// The summary of an event (Event in the API Reference).
	out, err := e.lookup(acct, LookupInput{Attributes: attr(AttrEventID, evs[2].ID)})
	if err != nil || len(out.Events) != 1 {
		t.Fatalf("%v %v", out, err)
	}
	s := out.Events[0]
	want := EventSummary{EventID: evs[2].ID, EventName: "PutRolePolicy", ReadOnly: "false", AccessKeyID: "ASIADEPLOY", EventTime: evs[2].Time,
		EventSource: "iam.amazonaws.com", Username: "deploy", Resources: []store.EventResource{{Type: "AWS::IAM::Role", Name: "ci"}}, CloudTrailEvent: string(evs[2].Data)}
	if !s.EventTime.Equal(want.EventTime) {
		t.Errorf("EventTime %v; want %v", s.EventTime, want.EventTime)
	}
	s.EventTime = want.EventTime
	if !slices.Equal(s.Resources, want.Resources) {
		t.Errorf("Resources %v; want %v", s.Resources, want.Resources)
	}
	s.Resources = want.Resources
	if s.EventID != want.EventID || s.EventName != want.EventName || s.ReadOnly != want.ReadOnly || s.AccessKeyID != want.AccessKeyID ||
		s.EventSource != want.EventSource || s.Username != want.Username || s.CloudTrailEvent != want.CloudTrailEvent {
		t.Errorf("summary\n got %+v\nwant %+v", s, want)
	}
	rec, err := ParseRecord([]byte(s.CloudTrailEvent))
	if err != nil || rec.EventID != s.EventID || rec.UserIdentity.SessionContext.SessionIssuer.UserName != "ci" {
		t.Errorf("CloudTrailEvent %s (%v)", s.CloudTrailEvent, err)
	}
}

// TestLookupTimeRange: "only events that occur after or at the specified
// [StartTime]" and "before or at the specified [EndTime]" are returned.
func TestLookupTimeRange(t *testing.T) {
	e := newLookupEnv(t)
	evs := e.seed()
	tm := func(i int) *time.Time { return ptr(evs[i].Time) }
	tests := []struct {
		name       string
		start, end *time.Time
		want       []string
	}{
		{"both, inclusive", tm(1), tm(3), []string{"ListUsers", "PutRolePolicy", "GetUser"}},
		{"start only", tm(4), nil, []string{"AttachUserPolicy", "AssumeRole"}},
		{"end only", nil, tm(0), []string{"CreateUser"}},
		{"one instant", tm(2), tm(2), []string{"PutRolePolicy"}},
		{"between events", ptr(evs[2].Time.Add(time.Second)), ptr(evs[3].Time.Add(-time.Second)), nil},
		{"in the future", ptr(e.clk.Now().Add(time.Hour)), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.lookup(acct, LookupInput{StartTime: tt.start, EndTime: tt.end})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out); !slices.Equal(got, tt.want) {
				t.Errorf("events %v; want %v", got, tt.want)
			}
		})
	}
}

// TestLookupRetention: events older than the retention (90 days, "the past
// 90 days of management events", by default) are not returned, whatever
// StartTime says.
func TestLookupRetention(t *testing.T) {
	e := newLookupEnv(t)
	old := e.add(Call{Caller: userCaller(acct, "alice"), Source: "iam.amazonaws.com", Operation: "CreateUser"})
	e.clk.Advance(2 * 24 * time.Hour)
	recent := e.add(Call{Caller: userCaller(acct, "alice"), Source: "iam.amazonaws.com", Operation: "DeleteUser"})
	e.clk.Advance(89 * 24 * time.Hour) // CreateUser is now 91 days old, DeleteUser 89
	for _, tt := range []struct {
		in   LookupInput
		want []string
	}{
		{LookupInput{}, []string{recent[0].ID}},
		{LookupInput{StartTime: ptr(old[0].Time.Add(-time.Hour))}, []string{recent[0].ID}},
		{LookupInput{Attributes: attr(AttrEventID, old[0].ID)}, nil},
		{LookupInput{Attributes: attr(AttrEventID, recent[0].ID)}, []string{recent[0].ID}},
	} {
		out, err := e.lookup(acct, tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(out); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: events %v; want only those within 90 days", tt.in, names(out))
		}
	}
	short := NewTrail(TrailOptions{Store: e.st, Now: e.clk.Now, Retention: 24 * time.Hour})
	out, err := short.Lookup(e.ctx, acct, LookupInput{})
	if err != nil || len(out.Events) != 0 {
		t.Errorf("one-day retention: %v %v", names(out), err)
	}
}

// TestLookupPaging: MaxResults 1 to 50, 50 by default; "If the token does
// not appear, there are no more results to return"; the events are "sorted
// by time. The most recent event is listed first."
func TestLookupPaging(t *testing.T) {
	e := newLookupEnv(t)
	var calls []Call
	for range 120 {
		calls = append(calls, Call{Caller: userCaller(acct, "alice"), Source: "iam.amazonaws.com", Operation: "GetUser"})
	}
	evs := e.add(calls...)
	var want []string
	for i := len(evs) - 1; i >= 0; i-- {
		want = append(want, evs[i].ID)
	}
	for _, tt := range []struct {
		max   *int
		pages []int
	}{
		{nil, []int{50, 50, 20}},
		{ptr(50), []int{50, 50, 20}},
		{ptr(7), nil},
		{ptr(1), nil},
		{ptr(40), []int{40, 40, 40}},
	} {
		var got []string
		var sizes []int
		var tok *string
		for {
			out, err := e.lookup(acct, LookupInput{MaxResults: tt.max, NextToken: tok})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(out)...)
			sizes = append(sizes, len(out.Events))
			if out.NextToken == nil {
				break
			}
			tok = out.NextToken
		}
		if !slices.Equal(got, want) {
			t.Errorf("MaxResults %v: pages hold %d events, not every event once, newest first", tt.max, len(got))
		}
		if tt.pages != nil && !slices.Equal(sizes, tt.pages) {
			t.Errorf("MaxResults %v: pages %v; want %v", tt.max, sizes, tt.pages)
		}
		if tt.max != nil && *tt.max < 120 && len(sizes) != (120+*tt.max-1) / *tt.max {
			t.Errorf("MaxResults %d: %d pages", *tt.max, len(sizes))
		}
	}
	// MaxResults may change from page to page.
	out, err := e.lookup(acct, LookupInput{MaxResults: ptr(10)})
	if err != nil {
		t.Fatal(err)
	}
	out2, err := e.lookup(acct, LookupInput{MaxResults: ptr(25), NextToken: out.NextToken})
	if err != nil || !slices.Equal(ids(out2), want[10:35]) {
		t.Errorf("a second page of another size: %v", err)
	}
	// Exactly a page of events: no token.
	out, err = e.lookup(acct, LookupInput{MaxResults: ptr(50), StartTime: ptr(evs[70].Time)})
	if err != nil || len(out.Events) != 50 || out.NextToken != nil {
		t.Errorf("50 events in a page of 50: %d events, token %v, %v", len(out.Events), out.NextToken, err)
	}
	// Paging within an attribute.
	got := 0
	var tok *string
	for {
		out, err := e.lookup(acct, LookupInput{Attributes: attr(AttrUsername, "alice"), MaxResults: ptr(33), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		got += len(out.Events)
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if got != 120 {
		t.Errorf("paging by Username found %d events", got)
	}
}

// TestLookupPagingStable: events that arrive while a client pages are not
// mixed into its later pages; every event of the first page's moment is
// listed exactly once.
func TestLookupPagingStable(t *testing.T) {
	e := newLookupEnv(t)
	var calls []Call
	for range 55 {
		calls = append(calls, Call{Caller: userCaller(acct, "alice"), Source: "iam.amazonaws.com", Operation: "GetUser"})
	}
	evs := e.add(calls...)
	var want []string
	for i := len(evs) - 1; i >= 0; i-- {
		want = append(want, evs[i].ID)
	}
	first, err := e.lookup(acct, LookupInput{MaxResults: ptr(10)})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(first)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			e.clk.Advance(time.Second)
			ev := e.b.Event(Call{Caller: userCaller(acct, "alice"), Source: "iam.amazonaws.com", Operation: "CreateUser"})
			if err := e.st.AppendEvents(e.ctx, []store.Event{ev}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	tok := first.NextToken
	for tok != nil {
		out, err := e.lookup(acct, LookupInput{MaxResults: ptr(10), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(out)...)
		tok = out.NextToken
		time.Sleep(2 * time.Millisecond) // let events arrive between pages
	}
	close(stop)
	wg.Wait()
	if !slices.Equal(got, want) {
		t.Errorf("pages held %d events; want the %d of the first page's moment, once each, newest first", len(got), len(want))
	}
	// A new listing sees the new events.
	out, err := e.lookup(acct, LookupInput{Attributes: attr(AttrEventName, "CreateUser"), MaxResults: ptr(1)})
	if err != nil || len(out.Events) != 1 {
		t.Errorf("new events not listed: %v", err)
	}
}

// TestLookupAccountIsolation: an account sees only its own events, and a
// token works only for the account it was made for.
func TestLookupAccountIsolation(t *testing.T) {
	e := newLookupEnv(t)
	evs := e.seed()
	out, err := e.lookup(other, LookupInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(out); !slices.Equal(got, []string{"CreateUser"}) {
		t.Errorf("other account sees %v", got)
	}
	if out.Events[0].Username != "alice" || strings.Contains(out.Events[0].CloudTrailEvent, acct) {
		t.Errorf("other account's event: %+v", out.Events[0])
	}
	for _, a := range []LookupAttribute{{AttrEventID, evs[0].ID}, {AttrUsername, "deploy"}, {AttrResourceName, "arn:aws:iam::" + acct + ":role/ci"}} {
		out, err := e.lookup(other, LookupInput{Attributes: []LookupAttribute{a}})
		if err != nil || len(out.Events) != 0 {
			t.Errorf("other account looking up %v: %v %v", a, names(out), err)
		}
	}
	if out, err := e.lookup("999999999999", LookupInput{}); err != nil || len(out.Events) != 0 {
		t.Errorf("an account without events: %v %v", names(out), err)
	}
	page, err := e.lookup(acct, LookupInput{MaxResults: ptr(2)})
	if err != nil || page.NextToken == nil {
		t.Fatal(err)
	}
	_, err = e.lookup(other, LookupInput{MaxResults: ptr(2), NextToken: page.NextToken})
	wantCode(t, err, CodeInvalidNextToken)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var le *Error
	if !errors.As(err, &le) || le.Code != code {
		t.Errorf("error %v; want %s", err, code)
	}
}

// TestLookupErrors encodes LookupEvents' errors (API Reference, Errors):
// InvalidLookupAttributesException (more than one attribute, "Currently the
// list can contain only one item"; a key not in LookupAttributeKey; a value
// outside 1 to 2000 characters, with '_', ' ', ',' and '\n' counting two),
// InvalidMaxResultsException ("Possible values are 1 through 50"),
// InvalidTimeRangeException ("If the specified start time is after the
// specified end time, an error is returned"), InvalidEventCategoryException
// and InvalidNextTokenException.
func TestLookupErrors(t *testing.T) {
	e := newLookupEnv(t)
	e.seed()
	now := e.clk.Now()
	tests := []struct {
		name string
		in   LookupInput
		code string
	}{
		{"two attributes", LookupInput{Attributes: []LookupAttribute{{AttrEventName, "CreateUser"}, {AttrUsername, "root"}}}, CodeInvalidLookupAttributes},
		{"unknown key", LookupInput{Attributes: attr("UserName", "root")}, CodeInvalidLookupAttributes},
		{"lower-case key", LookupInput{Attributes: attr("eventname", "CreateUser")}, CodeInvalidLookupAttributes},
		{"empty value", LookupInput{Attributes: attr(AttrEventName, "")}, CodeInvalidLookupAttributes},
		{"value of 2001", LookupInput{Attributes: attr(AttrEventName, strings.Repeat("a", 2001))}, CodeInvalidLookupAttributes},
		{"1001 underscores count 2002", LookupInput{Attributes: attr(AttrResourceName, strings.Repeat("_", 1001))}, CodeInvalidLookupAttributes},
		{"ReadOnly neither true nor false", LookupInput{Attributes: attr(AttrReadOnly, "yes")}, CodeInvalidLookupAttributes},
		{"MaxResults 0", LookupInput{MaxResults: ptr(0)}, CodeInvalidMaxResults},
		{"MaxResults 51", LookupInput{MaxResults: ptr(51)}, CodeInvalidMaxResults},
		{"MaxResults -1", LookupInput{MaxResults: ptr(-1)}, CodeInvalidMaxResults},
		{"start after end", LookupInput{StartTime: ptr(now), EndTime: ptr(now.Add(-time.Nanosecond))}, CodeInvalidTimeRange},
		{"event category", LookupInput{EventCategory: "Insight"}, CodeInvalidEventCategory},
		{"garbage token", LookupInput{NextToken: ptr("not a token")}, CodeInvalidNextToken},
		{"empty token", LookupInput{NextToken: ptr("")}, CodeInvalidNextToken},
		{"long token", LookupInput{NextToken: ptr(strings.Repeat("A", 10000))}, CodeInvalidNextToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.lookup(acct, tt.in)
			wantCode(t, err, tt.code)
			if out.Events != nil {
				t.Error("events with an error")
			}
		})
	}
	// Values at the limits are accepted.
	for _, in := range []LookupInput{
		{Attributes: attr(AttrResourceName, strings.Repeat("_", 1000))},
		{Attributes: attr(AttrEventName, strings.Repeat("a", 2000))},
		{Attributes: attr(AttrReadOnly, "TRUE")},
		{MaxResults: ptr(1)},
		{StartTime: ptr(now), EndTime: ptr(now)},
	} {
		if _, err := e.lookup(acct, in); err != nil {
			t.Errorf("%+v: %v", in, err)
		}
	}
}

// TestLookupNextTokenBinding: "This token must be passed in with the same
// parameters that were specified in the original call"; a token altered,
// made by another key, or naming an event the account does not hold is
// InvalidNextTokenException.
func TestLookupNextTokenBinding(t *testing.T) {
	e := newLookupEnv(t)
	evs := e.seed()
	in := LookupInput{Attributes: attr(AttrUsername, "alice"), StartTime: ptr(evs[0].Time), MaxResults: ptr(1)}
	page, err := e.lookup(acct, in)
	if err != nil || page.NextToken == nil {
		t.Fatal(err)
	}
	tok := *page.NextToken
	changed := []LookupInput{
		{Attributes: attr(AttrUsername, "bob"), StartTime: in.StartTime},
		{Attributes: attr(AttrEventName, "alice"), StartTime: in.StartTime},
		{Attributes: in.Attributes},
		{Attributes: in.Attributes, StartTime: ptr(evs[0].Time.Add(time.Second))},
		{Attributes: in.Attributes, StartTime: in.StartTime, EndTime: ptr(e.clk.Now())},
		{Attributes: in.Attributes, StartTime: in.StartTime, EventCategory: EventCategoryInsight},
	}
	for _, c := range changed {
		c.NextToken = &tok
		_, err := e.lookup(acct, c)
		wantCode(t, err, CodeInvalidNextToken)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for i := range raw {
		b := slices.Clone(raw)
		b[i] ^= 0x40
		in.NextToken = ptr(base64.RawURLEncoding.EncodeToString(b))
		_, err := e.lookup(acct, in)
		wantCode(t, err, CodeInvalidNextToken)
	}
	otherKey := NewTrail(TrailOptions{Store: e.st, Now: e.clk.Now, TokenKey: []byte("another key")})
	in.NextToken = &tok
	if _, err := otherKey.Lookup(e.ctx, acct, in); err == nil {
		t.Error("a token of another key was accepted")
	}
	// A token for an event the account does not hold.
	forged := e.trail.makeToken(token{upper: e.clk.Now(), before: "00000000-0000-4000-8000-000000000000"}, paramsHash(acct, &in))
	in.NextToken = &forged
	_, err = e.lookup(acct, in)
	wantCode(t, err, CodeInvalidNextToken)
	// The genuine token still works.
	in.NextToken = &tok
	if out, err := e.lookup(acct, in); err != nil || len(out.Events) != 1 {
		t.Errorf("the genuine token: %v", err)
	}
}

// TestLookupInsight: cleanroom records no Insights events; asking for them
// finds none.
func TestLookupInsight(t *testing.T) {
	e := newLookupEnv(t)
	e.seed()
	out, err := e.lookup(acct, LookupInput{EventCategory: EventCategoryInsight})
	if err != nil || len(out.Events) != 0 || out.Events == nil || out.NextToken != nil {
		t.Errorf("insight: %v %v", out, err)
	}
}

// FuzzNextToken: only tokens the Trail made parse, whatever the input, and
// what a token holds comes back out of it.
func FuzzNextToken(f *testing.F) {
	tr := NewTrail(TrailOptions{Store: nil, TokenKey: []byte("fuzz key")})
	params := paramsHash(acct, &LookupInput{})
	good := tr.makeToken(token{upper: t0, before: "5f2a8c1e-3d47-4b9a-8e1f-6c0d2a4b7e93"}, params)
	f.Add(good, t0.UnixMicro(), "5f2a8c1e-3d47-4b9a-8e1f-6c0d2a4b7e93")
	f.Add("", int64(0), "x")
	f.Add("AQAAAAAAAAAA", int64(-1), "")
	f.Add(good[:len(good)-1], int64(1<<62), strings.Repeat("z", 300))
	f.Add(strings.ToUpper(good), int64(7), "\x00\xff")
	f.Fuzz(func(t *testing.T, s string, upper int64, before string) {
		if tok, err := tr.parseToken(s, params); err == nil {
			raw, derr := base64.RawURLEncoding.DecodeString(s)
			remade, _ := base64.RawURLEncoding.DecodeString(tr.makeToken(tok, params))
			if derr != nil || string(raw) != string(remade) {
				t.Fatalf("parsed a token the trail did not make: %q", s)
			}
		} else {
			wantCode(t, err, CodeInvalidNextToken)
		}
		if before == "" || len(before) > maxTokenID {
			return
		}
		in := token{upper: time.UnixMicro(upper).UTC(), before: before}
		out, err := tr.parseToken(tr.makeToken(in, params), params)
		if err != nil || !out.upper.Equal(in.upper) || out.before != in.before {
			t.Fatalf("round trip of %+v: %+v, %v", in, out, err)
		}
		if _, err := tr.parseToken(tr.makeToken(in, params), paramsHash(other, &LookupInput{})); err == nil {
			t.Fatal("a token parsed for other parameters")
		}
	})
}

type fakePruner struct{ before time.Time }

func (p *fakePruner) DeleteEventsBefore(_ context.Context, before time.Time) (int64, error) {
	p.before = before
	return 3, nil
}

func TestPrune(t *testing.T) {
	clk := newClock(t0)
	for _, tt := range []struct {
		retention time.Duration
		want      time.Time
	}{
		{0, t0.Add(-90 * 24 * time.Hour)},
		{7 * 24 * time.Hour, t0.Add(-7 * 24 * time.Hour)},
	} {
		p := &fakePruner{}
		n, err := NewTrail(TrailOptions{Now: clk.Now, Retention: tt.retention}).Prune(context.Background(), p)
		if err != nil || n != 3 || !p.before.Equal(tt.want) {
			t.Errorf("retention %v: deleted before %v (%d, %v); want before %v", tt.retention, p.before, n, err, tt.want)
		}
	}
}
