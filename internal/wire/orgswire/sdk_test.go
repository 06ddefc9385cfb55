package orgswire_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// client returns a real Organizations client of aws-sdk-go-v2 that talks to
// h, and the server's URL.
func client(t *testing.T, h *orgswire.Handlers) (*organizations.Client, string) {
	t.Helper()
	srv := httptest.NewServer(wiretest.JSONHandler(h.Serve))
	t.Cleanup(srv.Close)
	return organizations.New(organizations.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		Retryer:      aws.NopRetryer{},
	}), srv.URL
}

// The Organizations API Reference, CreateAccount:
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
func TestCreateAccountRoundTrip(t *testing.T) {
	requested := time.Date(2026, 11, 23, 17, 2, 18, 123_000_000, time.UTC)
	var got *orgswire.CreateAccountInput
	c, _ := client(t, &orgswire.Handlers{
		CreateAccount: func(_ context.Context, in *orgswire.CreateAccountInput) (*orgswire.CreateAccountOutput, error) {
			got = in
			return &orgswire.CreateAccountOutput{CreateAccountStatus: &orgswire.CreateAccountStatus{
				Id:                 awsproto.Ptr("car-examplecreateaccountrequestid111"),
				AccountName:        awsproto.Ptr(in.AccountName),
				State:              orgswire.CreateAccountStateIN_PROGRESS,
				RequestedTimestamp: &requested,
			}}, nil
		},
	})
	out, err := c.CreateAccount(context.Background(), &organizations.CreateAccountInput{
		Email:                  aws.String("susan@example.com"),
		AccountName:            aws.String("Production Account"),
		RoleName:               aws.String("OrganizationAccountAccessRole"),
		IamUserAccessToBilling: types.IAMUserAccessToBillingAllow,
		Tags:                   []types.Tag{{Key: aws.String("Team"), Value: aws.String("")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &orgswire.CreateAccountInput{
		Email: "susan@example.com", AccountName: "Production Account", RoleName: awsproto.Ptr("OrganizationAccountAccessRole"),
		IamUserAccessToBilling: orgswire.IAMUserAccessToBillingALLOW, Tags: []orgswire.Tag{{Key: "Team", Value: ""}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n got %+v\nwant %+v", got, want)
	}
	s := out.CreateAccountStatus
	if aws.ToString(s.Id) != "car-examplecreateaccountrequestid111" || s.State != types.CreateAccountStateInProgress ||
		!s.RequestedTimestamp.Equal(requested) || s.CompletedTimestamp != nil || aws.ToString(s.AccountName) != "Production Account" {
		t.Errorf("SDK read %+v", s)
	}
}

// Modelled errors reach the SDK as its typed errors, with their members
// (the Organizations API Reference lists each operation's errors).
func TestTypedErrors(t *testing.T) {
	c, _ := client(t, &orgswire.Handlers{
		DescribeAccount: func(context.Context, *orgswire.DescribeAccountInput) (*orgswire.DescribeAccountOutput, error) {
			return nil, orgswire.ErrAccountNotFound("You specified an account that doesn't exist.")
		},
		DescribeOrganization: func(context.Context, *orgswire.DescribeOrganizationInput) (*orgswire.DescribeOrganizationOutput, error) {
			return nil, orgswire.ErrAWSOrganizationsNotInUse("Your account is not a member of an organization.")
		},
		ListRoots: func(context.Context, *orgswire.ListRootsInput) (*orgswire.ListRootsOutput, error) {
			return nil, orgswire.ErrTooManyRequests("slow down").With("Type", "ThrottlingException")
		},
		ListAccounts: func(context.Context, *orgswire.ListAccountsInput) (*orgswire.ListAccountsOutput, error) {
			return nil, orgswire.ErrService("boom")
		},
	})
	ctx := context.Background()
	_, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("123456789012")})
	var nf *types.AccountNotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "You specified an account that doesn't exist." {
		t.Errorf("DescribeAccount: %v", err)
	}
	_, err = c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var niu *types.AWSOrganizationsNotInUseException
	if !errors.As(err, &niu) || niu.ErrorMessage() != "Your account is not a member of an organization." {
		t.Errorf("DescribeOrganization: %v", err)
	}
	_, err = c.ListRoots(ctx, &organizations.ListRootsInput{})
	var tmr *types.TooManyRequestsException
	if !errors.As(err, &tmr) || aws.ToString(tmr.Type) != "ThrottlingException" || tmr.ErrorMessage() != "slow down" {
		t.Errorf("ListRoots: %v", err)
	}
	_, err = c.ListAccounts(ctx, &organizations.ListAccountsInput{})
	var se *types.ServiceException
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &se) || !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Errorf("ListAccounts: %v", err)
	}
}

// Input that fails the model's constraints is InvalidInputException, whose
// Reason names the violation and the member, as Organizations answers it
// (e.g. "INVALID_PATTERN:RESOURCE_ID" with "You provided a value that does
// not match the required pattern."); the reasons and messages are those of
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html#API_CreateAccount_Errors.
func TestValidation(t *testing.T) {
	called := false
	c, _ := client(t, &orgswire.Handlers{
		CreateAccount: func(context.Context, *orgswire.CreateAccountInput) (*orgswire.CreateAccountOutput, error) {
			called = true
			return nil, nil
		},
		TagResource: func(context.Context, *orgswire.TagResourceInput) (*orgswire.TagResourceOutput, error) {
			called = true
			return nil, nil
		},
		ListAccounts: func(context.Context, *orgswire.ListAccountsInput) (*orgswire.ListAccountsOutput, error) {
			called = true
			return nil, nil
		},
	})
	ctx := context.Background()
	tests := []struct {
		call           func() error
		reason, prefix string
	}{
		{func() error {
			_, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("a@example.com"), AccountName: aws.String(strings.Repeat("x", 51))})
			return err
		}, "MAX_LENGTH_EXCEEDED:ACCOUNT_NAME", "You provided a string parameter that is longer than allowed."},
		{func() error {
			_, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("not an email"), AccountName: aws.String("x")})
			return err
		}, "INVALID_PATTERN:EMAIL", "You provided a value that does not match the required pattern."},
		{func() error {
			_, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("a@example.com"), AccountName: aws.String("x"), IamUserAccessToBilling: "MAYBE"})
			return err
		}, "INVALID_ENUM:IAM_USER_ACCESS_TO_BILLING", "You specified an invalid value."},
		{func() error {
			_, err := c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String("not-an-id"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		}, "INVALID_PATTERN:RESOURCE_ID", "You provided a value that does not match the required pattern."},
		{func() error {
			_, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
			return err
		}, "MAX_VALUE_EXCEEDED:MAX_RESULTS", "You provided a numeric parameter that has a larger value than allowed."},
	}
	for _, tt := range tests {
		err := tt.call()
		var ie *types.InvalidInputException
		if !errors.As(err, &ie) || string(ie.Reason) != tt.reason || ie.ErrorMessage() != tt.prefix {
			t.Errorf("got %v (reason %v), want %s", err, ie, tt.reason)
		}
	}
	if called {
		t.Error("a handler was called with invalid input")
	}
}

// Requests the SDKs never send, made by hand: a missing required member, a
// value of the wrong type, malformed JSON, an unknown X-Amz-Target.
func TestRawRequests(t *testing.T) {
	_, url := client(t, &orgswire.Handlers{
		CreateAccount: func(context.Context, *orgswire.CreateAccountInput) (*orgswire.CreateAccountOutput, error) {
			return nil, nil
		},
	})
	tests := []struct {
		target, body string
		status       int
		code, inBody string
	}{
		{"AWSOrganizationsV20161128.CreateAccount", `{"Email":"a@example.com"}`, 400, "InvalidInputException", `"Reason":"INPUT_REQUIRED:ACCOUNT_NAME"`},
		{"AWSOrganizationsV20161128.CreateAccount", `{"Email":"a@example.com","AccountName":null}`, 400, "InvalidInputException", `"Reason":"INPUT_REQUIRED:ACCOUNT_NAME"`},
		{"AWSOrganizationsV20161128.CreateAccount", `{"Email":5,"AccountName":"x"}`, 400, "SerializationException", `Cannot read the value at 'Email': expected a string, found a number`},
		{"AWSOrganizationsV20161128.CreateAccount", `{"Email":"a@example.com",`, 400, "SerializationException", "Malformed JSON"},
		{"AWSOrganizationsV20161128.CreateAccount", ``, 400, "InvalidInputException", `"Reason":"INPUT_REQUIRED:EMAIL"`},
		{"AWSOrganizationsV20161128.CreateAccount", `{"Email":"a@example.com","AccountName":"x","Unknown":[1,{"a":null}]}`, 200, "", `{}`},
		{"AWSOrganizationsV20161128.DescribeAccount", `{"AccountId":"123456789012"}`, 501, "NotImplemented", "cleanroom does not implement organizations:DescribeAccount yet"},
		{"AWSOrganizationsV20161128.Frobnicate", `{}`, 400, "UnknownOperationException", ""},
		{"OtherService.CreateAccount", `{}`, 400, "UnknownOperationException", ""},
		{"", `{}`, 400, "UnknownOperationException", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("POST", url+"/", strings.NewReader(tt.body))
		req.Header.Set("Content-Type", orgswire.ContentType)
		req.Header.Set("X-Amz-Target", tt.target)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		raw := new(strings.Builder)
		_ = json.NewDecoder(teeReader{resp.Body, raw}).Decode(&doc)
		resp.Body.Close()
		if tt.code == "" {
			doc["__type"] = ""
		}
		if resp.StatusCode != tt.status || resp.Header.Get("X-Amzn-ErrorType") != tt.code || doc["__type"] != tt.code ||
			!strings.Contains(raw.String(), tt.inBody) || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("%s %s: %d %v %s", tt.target, tt.body, resp.StatusCode, resp.Header, raw)
		}
	}
}

type teeReader struct {
	r interface{ Read([]byte) (int, error) }
	w *strings.Builder
}

func (t teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.w.Write(p[:n])
	return n, err
}

// The SDK's generic error carries the code of an error the operation does
// not model.
func TestUnmodelledError(t *testing.T) {
	c, _ := client(t, &orgswire.Handlers{
		ListRoots: func(context.Context, *orgswire.ListRootsInput) (*orgswire.ListRootsOutput, error) {
			return nil, awsproto.AccessDeniedException("User: arn:aws:iam::123456789012:user/x is not authorized to perform: organizations:ListRoots")
		},
	})
	_, err := c.ListRoots(context.Background(), &organizations.ListRootsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || !strings.Contains(ae.ErrorMessage(), "organizations:ListRoots") {
		t.Errorf("ListRoots: %v", err)
	}
}
