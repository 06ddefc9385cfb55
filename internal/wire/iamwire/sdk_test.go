package iamwire_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

const testRequestID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"

// serve answers awsQuery requests with h the way the server does.
func serve(h *iamwire.Handlers) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := func() (awsproto.QueryResponse, error) {
			v, err := awsproto.ReadQuery(r, 1<<20)
			if err != nil {
				return nil, err
			}
			action, _, err := awsproto.QueryAction(v)
			if err != nil {
				return nil, err
			}
			return h.Serve(r.Context(), action, v)
		}()
		if err != nil {
			_ = awsproto.WriteError(w, awsproto.Query, awsproto.AsError(err),
				awsproto.ResponseMeta{RequestID: testRequestID, XMLNamespace: iamwire.XMLNamespace})
			return
		}
		_ = awsproto.WriteQueryResponse(w, resp, testRequestID)
	})
}

func client(t *testing.T, h *iamwire.Handlers) (*iam.Client, string) {
	t.Helper()
	srv := httptest.NewServer(serve(h))
	t.Cleanup(srv.Close)
	return newClient(srv.URL), srv.URL
}

var created = time.Date(2013, 2, 12, 20, 10, 23, 0, time.UTC)

// The IAM API Reference, GetUser:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
func TestGetUser(t *testing.T) {
	var got *iamwire.GetUserInput
	c, _ := client(t, &iamwire.Handlers{
		GetUser: func(_ context.Context, in *iamwire.GetUserInput) (*iamwire.GetUserOutput, error) {
			got = in
			return &iamwire.GetUserOutput{User: &iamwire.User{
				Path:             "/division_abc/subdivision_xyz/",
				UserName:         "Bob",
				UserId:           "AIDIODR4TAW7CSEXAMPLE",
				Arn:              "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob",
				CreateDate:       created,
				PasswordLastUsed: awsproto.Ptr(created.Add(time.Hour)),
				PermissionsBoundary: &iamwire.AttachedPermissionsBoundary{
					PermissionsBoundaryType: iamwire.PermissionsBoundaryAttachmentTypePermissionsBoundaryPolicy,
					PermissionsBoundaryArn:  awsproto.Ptr("arn:aws:iam::123456789012:policy/boundary"),
				},
				Tags: []iamwire.Tag{{Key: "Dept", Value: "R&D <lab>"}, {Key: "Empty", Value: ""}},
			}}, nil
		},
	})
	out, err := c.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("Bob")})
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.UserName == nil || *got.UserName != "Bob" {
		t.Errorf("decoded input %+v", got)
	}
	u := out.User
	if aws.ToString(u.UserName) != "Bob" || aws.ToString(u.Path) != "/division_abc/subdivision_xyz/" ||
		aws.ToString(u.UserId) != "AIDIODR4TAW7CSEXAMPLE" || !u.CreateDate.Equal(created) ||
		!u.PasswordLastUsed.Equal(created.Add(time.Hour)) {
		t.Errorf("user %+v", u)
	}
	if u.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy ||
		aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::123456789012:policy/boundary" {
		t.Errorf("boundary %+v", u.PermissionsBoundary)
	}
	wantTags := []types.Tag{{Key: aws.String("Dept"), Value: aws.String("R&D <lab>")}, {Key: aws.String("Empty"), Value: aws.String("")}}
	if len(u.Tags) != 2 || aws.ToString(u.Tags[0].Value) != "R&D <lab>" || aws.ToString(u.Tags[1].Key) != "Empty" ||
		aws.ToString(u.Tags[1].Value) != "" {
		t.Errorf("tags %+v, want %+v", u.Tags, wantTags)
	}

	// GetUser without a user name is the caller itself: an empty input.
	got = nil
	if _, err := c.GetUser(context.Background(), &iam.GetUserInput{}); err != nil || got == nil || got.UserName != nil {
		t.Errorf("GetUser() = %v, input %+v", err, got)
	}
}

// The IAM API Reference, ListUsers (pagination with Marker and IsTruncated):
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
func TestListUsers(t *testing.T) {
	var got *iamwire.ListUsersInput
	c, _ := client(t, &iamwire.Handlers{
		ListUsers: func(_ context.Context, in *iamwire.ListUsersInput) (*iamwire.ListUsersOutput, error) {
			got = in
			if in.Marker != nil {
				return &iamwire.ListUsersOutput{}, nil // required Users, written even when empty
			}
			return &iamwire.ListUsersOutput{
				Users: []iamwire.User{
					{Path: "/", UserName: "Andrew", UserId: "AID2MAB8DPLSRHEXAMPLE", Arn: "arn:aws:iam::123456789012:user/Andrew", CreateDate: created},
					{Path: "/", UserName: "Jackie", UserId: "AIDIODR4TAW7CSEXAMPLE", Arn: "arn:aws:iam::123456789012:user/Jackie", CreateDate: created},
				},
				IsTruncated: awsproto.Ptr(true),
				Marker:      awsproto.Ptr("next/page"),
			}, nil
		},
	})
	out, err := c.ListUsers(context.Background(), &iam.ListUsersInput{PathPrefix: aws.String("/"), MaxItems: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	want := &iamwire.ListUsersInput{PathPrefix: awsproto.Ptr("/"), MaxItems: awsproto.Ptr[int32](2)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v, want %+v", got, want)
	}
	if len(out.Users) != 2 || aws.ToString(out.Users[1].UserName) != "Jackie" || !out.IsTruncated || aws.ToString(out.Marker) != "next/page" {
		t.Errorf("output %+v", out)
	}
	// The SDK's paginator follows the marker.
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if pages == 2 && (page.Users == nil || len(page.Users) != 0 || page.IsTruncated) {
			t.Errorf("last page %+v", page)
		}
	}
	if pages != 2 || got.Marker == nil || *got.Marker != "next/page" {
		t.Errorf("pages %d, last input %+v", pages, got)
	}
}

// The IAM API Reference, CreateUser with tags and a permissions boundary:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
func TestCreateUserInput(t *testing.T) {
	var got *iamwire.CreateUserInput
	c, _ := client(t, &iamwire.Handlers{
		CreateUser: func(_ context.Context, in *iamwire.CreateUserInput) (*iamwire.CreateUserOutput, error) {
			got = in
			return &iamwire.CreateUserOutput{User: &iamwire.User{Path: "/", UserName: in.UserName, UserId: "AIDEXAMPLE", Arn: "arn:aws:iam::123456789012:user/" + in.UserName, CreateDate: created}}, nil
		},
	})
	out, err := c.CreateUser(context.Background(), &iam.CreateUserInput{
		UserName:            aws.String("Bob+1@example.com"),
		Path:                aws.String("/engineering/"),
		PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/boundary"),
		Tags:                []types.Tag{{Key: aws.String("Cost Center"), Value: aws.String("12345")}, {Key: aws.String("é"), Value: aws.String("a=b+c")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &iamwire.CreateUserInput{
		UserName:            "Bob+1@example.com",
		Path:                awsproto.Ptr("/engineering/"),
		PermissionsBoundary: awsproto.Ptr("arn:aws:iam::123456789012:policy/boundary"),
		Tags:                []iamwire.Tag{{Key: "Cost Center", Value: "12345"}, {Key: "é", Value: "a=b+c"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v\nwant %+v", got, want)
	}
	if aws.ToString(out.User.Arn) != "arn:aws:iam::123456789012:user/Bob+1@example.com" {
		t.Errorf("output %+v", out.User)
	}
}

// The IAM API Reference, GetAccountSummary (a map of enum keys):
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html
func TestGetAccountSummaryMap(t *testing.T) {
	c, _ := client(t, &iamwire.Handlers{
		GetAccountSummary: func(context.Context, *iamwire.GetAccountSummaryInput) (*iamwire.GetAccountSummaryOutput, error) {
			return &iamwire.GetAccountSummaryOutput{SummaryMap: map[iamwire.SummaryKeyType]int32{
				iamwire.SummaryKeyTypeUsers: 27, iamwire.SummaryKeyTypeUsersQuota: 5000, iamwire.SummaryKeyTypeAccountMFAEnabled: 0,
			}}, nil
		},
	})
	out, err := c.GetAccountSummary(context.Background(), &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int32{"Users": 27, "UsersQuota": 5000, "AccountMFAEnabled": 0}
	if !reflect.DeepEqual(out.SummaryMap, want) {
		t.Errorf("summary %v, want %v", out.SummaryMap, want)
	}
}

// Operations without output still answer <XxxResponse><ResponseMetadata>.
func TestDeleteUserNoOutput(t *testing.T) {
	var got string
	c, endpoint := client(t, &iamwire.Handlers{
		DeleteUser: func(_ context.Context, in *iamwire.DeleteUserInput) (*iamwire.DeleteUserOutput, error) {
			got = in.UserName
			return nil, nil
		},
	})
	out, err := c.DeleteUser(context.Background(), &iam.DeleteUserInput{UserName: aws.String("Bob")})
	if err != nil || got != "Bob" || out == nil {
		t.Fatalf("DeleteUser = %v, %v; decoded %q", out, err, got)
	}
	body := post(t, endpoint, "Action=DeleteUser&Version=2010-05-08&UserName=Bob")
	want := `<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>` +
		testRequestID + `</RequestId></ResponseMetadata></DeleteUserResponse>`
	if body != want {
		t.Errorf("body %s\nwant %s", body, want)
	}
}

func post(t *testing.T, endpoint, form string) string {
	t.Helper()
	resp, err := http.Post(endpoint, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Modelled errors reach the SDK as its typed exceptions, with the model's
// codes and statuses (IAM API Reference, "Errors" of each action).
func TestModelledErrors(t *testing.T) {
	c, _ := client(t, &iamwire.Handlers{
		GetUser: func(_ context.Context, in *iamwire.GetUserInput) (*iamwire.GetUserOutput, error) {
			return nil, iamwire.ErrNoSuchEntity("The user with name %s cannot be found.", aws.ToString(in.UserName))
		},
		CreateUser: func(_ context.Context, in *iamwire.CreateUserInput) (*iamwire.CreateUserOutput, error) {
			return nil, iamwire.ErrEntityAlreadyExists("User with name %s already exists.", in.UserName)
		},
		DeleteUser: func(context.Context, *iamwire.DeleteUserInput) (*iamwire.DeleteUserOutput, error) {
			return nil, iamwire.ErrDeleteConflict("Cannot delete entity, must delete policies first.")
		},
		CreateAccessKey: func(context.Context, *iamwire.CreateAccessKeyInput) (*iamwire.CreateAccessKeyOutput, error) {
			return nil, iamwire.ErrLimitExceeded("Cannot exceed quota for AccessKeysPerUser: 2")
		},
		CreatePolicy: func(context.Context, *iamwire.CreatePolicyInput) (*iamwire.CreatePolicyOutput, error) {
			return nil, iamwire.ErrMalformedPolicyDocument("Syntax errors in policy.")
		},
		ListRoles: func(context.Context, *iamwire.ListRolesInput) (*iamwire.ListRolesOutput, error) {
			return nil, iamwire.ErrServiceFailure("Internal error")
		},
		ListOrganizationsFeatures: func(context.Context, *iamwire.ListOrganizationsFeaturesInput) (*iamwire.ListOrganizationsFeaturesOutput, error) {
			return nil, iamwire.ErrOrganizationNotFound("no organization")
		},
	})
	ctx := context.Background()
	check := func(name string, err error, target any, status int, msg string) {
		t.Helper()
		if !errors.As(err, target) {
			t.Errorf("%s: err = %v, want %T", name, err, target)
			return
		}
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != status || re.ServiceRequestID() != testRequestID {
			t.Errorf("%s: response %v", name, err)
		}
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorMessage() != msg {
			t.Errorf("%s: message %q, want %q", name, ae.ErrorMessage(), msg)
		}
	}
	_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Nobody")})
	check("NoSuchEntity", err, new(*types.NoSuchEntityException), 404, "The user with name Nobody cannot be found.")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")})
	check("EntityAlreadyExists", err, new(*types.EntityAlreadyExistsException), 409, "User with name Bob already exists.")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Bob")})
	check("DeleteConflict", err, new(*types.DeleteConflictException), 409, "Cannot delete entity, must delete policies first.")
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	check("LimitExceeded", err, new(*types.LimitExceededException), 409, "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String("{")})
	check("MalformedPolicyDocument", err, new(*types.MalformedPolicyDocumentException), 400, "Syntax errors in policy.")
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{})
	check("ServiceFailure", err, new(*types.ServiceFailureException), 500, "Internal error")
	_, err = c.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	check("OrganizationNotFound", err, new(*types.OrganizationNotFoundException), 400, "no organization")
}

func TestErrorShapes(t *testing.T) {
	tests := []struct {
		e      *awsproto.Error
		code   string
		status int
		sender bool
	}{
		{iamwire.ErrNoSuchEntity("x"), "NoSuchEntity", 404, true},
		{iamwire.ErrEntityAlreadyExists("x"), "EntityAlreadyExists", 409, true},
		{iamwire.ErrDeleteConflict("x"), "DeleteConflict", 409, true},
		{iamwire.ErrLimitExceeded("x"), "LimitExceeded", 409, true},
		{iamwire.ErrMalformedPolicyDocument("x"), "MalformedPolicyDocument", 400, true},
		{iamwire.ErrServiceFailure("x"), "ServiceFailure", 500, false},
		{iamwire.ErrServiceNotSupported("x"), "NotSupportedService", 404, true},
		{iamwire.ErrCredentialReportNotReady("x"), "ReportInProgress", 404, true},
		{iamwire.ErrUnmodifiableEntity("x"), "UnmodifiableEntity", 400, true},
		{iamwire.ErrInvalidInput("x"), "InvalidInput", 400, true},
	}
	for _, tt := range tests {
		if tt.e.Code != tt.code || tt.e.Status != tt.status || tt.e.Sender != tt.sender {
			t.Errorf("%+v, want %s %d %v", tt.e, tt.code, tt.status, tt.sender)
		}
	}
	if len(iamwire.ErrorShapes) != 35 {
		t.Errorf("%d error shapes", len(iamwire.ErrorShapes))
	}
	if !iamwire.NoSuchEntityException.Is(iamwire.ErrNoSuchEntity("x")) || iamwire.NoSuchEntityException.Is(iamwire.ErrInvalidInput("x")) {
		t.Error("ErrorShape.Is")
	}
}

func TestOperationsMetadata(t *testing.T) {
	if len(iamwire.Operations) != 176 {
		t.Errorf("%d operations", len(iamwire.Operations))
	}
	for _, op := range iamwire.Operations {
		if op.Unsigned {
			t.Errorf("%s is unsigned; every IAM operation needs a signature", op.Name)
		}
		got, ok := iamwire.LookupOperation(op.Name)
		if !ok || got.Name != op.Name {
			t.Errorf("LookupOperation(%s) = %+v", op.Name, got)
		}
	}
	op, _ := iamwire.LookupOperation("GetUser")
	if !reflect.DeepEqual(op.Errors, []string{"NoSuchEntity", "ServiceFailure"}) {
		t.Errorf("GetUser errors %v", op.Errors)
	}
	if iamwire.APIVersion != "2010-05-08" || iamwire.SigningName != "iam" {
		t.Error("service metadata")
	}
}

// An unknown action, or a known one with another Version, is InvalidAction
// with AWS's message; a missing Action is MissingAction.
func TestInvalidAction(t *testing.T) {
	_, endpoint := client(t, &iamwire.Handlers{})
	tests := []struct{ form, code, msg string }{
		{"Action=Frobnicate&Version=2010-05-08", "InvalidAction", "Could not find operation Frobnicate for version 2010-05-08"},
		{"Action=GetUser&Version=2011-06-15", "InvalidAction", "Could not find operation GetUser for version 2011-06-15"},
		{"Action=GetUser", "InvalidAction", "Could not find operation GetUser for version NO_VERSION_SPECIFIED"},
		{"Version=2010-05-08", "MissingAction", "Missing Action"},
		{"Action=GetUser&Version=2010-05-08", "NotImplemented", "cleanroom does not implement iam:GetUser yet"},
	}
	for _, tt := range tests {
		body := post(t, endpoint, tt.form)
		var doc struct {
			Error struct{ Type, Code, Message string }
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if doc.Error.Code != tt.code || doc.Error.Message != tt.msg {
			t.Errorf("%s: got %+v", tt.form, doc.Error)
		}
	}
}

// Every operation decodes empty and junk parameters without panicking, and
// every zero output encodes as a well-formed <XxxResponse>.
func TestEveryOperationDecodesAndEncodes(t *testing.T) {
	h := zeroHandlers()
	junk := url.Values{"Version": {"2010-05-08"}}
	for _, k := range []string{"UserName", "MaxItems", "Tags.member.1.Key", "Tags", "PolicyArns.member.2", "ContextEntries.member.1.ContextKeyValues.member.1", "Status", "Path"} {
		junk[k] = []string{"\x00zz"}
	}
	for _, op := range iamwire.Operations {
		for _, params := range []url.Values{{"Version": {"2010-05-08"}}, junk} {
			resp, err := h.Serve(context.Background(), op.Name, params)
			if err != nil {
				var ae *awsproto.Error
				if !errors.As(err, &ae) || ae.Code != "ValidationError" {
					t.Errorf("%s: %v", op.Name, err)
				}
				continue
			}
			var w awsproto.XMLWriter
			resp.EncodeQueryXML(&w, "r")
			var doc struct {
				XMLName xml.Name
			}
			if err := xml.Unmarshal(w.Bytes(), &doc); err != nil || doc.XMLName.Local != op.Name+"Response" {
				t.Errorf("%s: %v %s", op.Name, err, w.Bytes())
			}
		}
	}
}

// zeroHandlers returns handlers for every operation that answer a zero
// output.
func zeroHandlers() *iamwire.Handlers {
	var h iamwire.Handlers
	hv := reflect.ValueOf(&h).Elem()
	for i := 0; i < hv.NumField(); i++ {
		ft := hv.Field(i).Type()
		hv.Field(i).Set(reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value {
			return []reflect.Value{reflect.Zero(ft.Out(0)), reflect.Zero(ft.Out(1))}
		}))
	}
	return &h
}
