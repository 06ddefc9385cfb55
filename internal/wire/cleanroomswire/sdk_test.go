package cleanroomswire_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cleanrooms"
	"github.com/aws/aws-sdk-go-v2/service/cleanrooms/types"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cleanroomswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

const (
	collabID = "8a6f2f26-5a2d-4e0a-9b1e-0e4c2f6d7a11"
	memberID = "3c1b8d50-7f3e-4a2b-8c9d-1e2f3a4b5c6d"
)

func client(t *testing.T, h *cleanroomswire.Handlers) (*cleanrooms.Client, string) {
	t.Helper()
	srv := httptest.NewServer(wiretest.RESTJSONHandler(h.Serve))
	t.Cleanup(srv.Close)
	return cleanrooms.New(cleanrooms.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		Retryer:      aws.NopRetryer{},
	}), srv.URL
}

// The Clean Rooms API Reference, CreateMembership
// (POST /memberships, https://docs.aws.amazon.com/clean-rooms/latest/apireference/API_CreateMembership.html),
// ListMemberships (GET /memberships?maxResults&nextToken&status) and
// DeleteMembership (DELETE /memberships/{membershipIdentifier}, 204).
func TestMembershipRoundTrip(t *testing.T) {
	created := time.Date(2026, 11, 23, 17, 2, 18, 250_000_000, time.UTC)
	var gotCreate *cleanroomswire.CreateMembershipInput
	var gotList *cleanroomswire.ListMembershipsInput
	var gotDelete *cleanroomswire.DeleteMembershipInput
	c, _ := client(t, &cleanroomswire.Handlers{
		CreateMembership: func(_ context.Context, in *cleanroomswire.CreateMembershipInput) (*cleanroomswire.CreateMembershipOutput, error) {
			gotCreate = in
			return &cleanroomswire.CreateMembershipOutput{Membership: &cleanroomswire.Membership{
				Id: memberID, Arn: "arn:aws:cleanrooms:us-east-1:123456789012:membership/" + memberID,
				CollaborationId: in.CollaborationIdentifier, CreateTime: created, UpdateTime: created,
				Status: cleanroomswire.MembershipStatusACTIVE, QueryLogStatus: in.QueryLogStatus,
				MemberAbilities: []cleanroomswire.MemberAbility{cleanroomswire.MemberAbilityCAN_QUERY},
				PaymentConfiguration: &cleanroomswire.MembershipPaymentConfiguration{
					QueryCompute: &cleanroomswire.MembershipQueryComputePaymentConfig{IsResponsible: true},
				},
			}}, nil
		},
		ListMemberships: func(_ context.Context, in *cleanroomswire.ListMembershipsInput) (*cleanroomswire.ListMembershipsOutput, error) {
			gotList = in
			return &cleanroomswire.ListMembershipsOutput{NextToken: awsproto.Ptr("page2")}, nil
		},
		DeleteMembership: func(_ context.Context, in *cleanroomswire.DeleteMembershipInput) (*cleanroomswire.DeleteMembershipOutput, error) {
			gotDelete = in
			return nil, nil
		},
	})
	ctx := context.Background()
	out, err := c.CreateMembership(ctx, &cleanrooms.CreateMembershipInput{
		CollaborationIdentifier: aws.String(collabID),
		QueryLogStatus:          types.MembershipQueryLogStatusEnabled,
		Tags:                    map[string]string{"team": "data", "empty": ""},
		PaymentConfiguration: &types.MembershipPaymentConfiguration{
			QueryCompute: &types.MembershipQueryComputePaymentConfig{IsResponsible: aws.Bool(true)},
		},
		DefaultResultConfiguration: &types.MembershipProtectedQueryResultConfiguration{
			OutputConfiguration: &types.MembershipProtectedQueryOutputConfigurationMemberS3{Value: types.ProtectedQueryS3OutputConfiguration{
				Bucket: aws.String("results"), ResultFormat: types.ResultFormatCsv, KeyPrefix: aws.String("q/"),
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &cleanroomswire.CreateMembershipInput{
		CollaborationIdentifier: collabID, QueryLogStatus: cleanroomswire.MembershipQueryLogStatusENABLED,
		Tags: map[string]string{"team": "data", "empty": ""},
		PaymentConfiguration: &cleanroomswire.MembershipPaymentConfiguration{
			QueryCompute: &cleanroomswire.MembershipQueryComputePaymentConfig{IsResponsible: true},
		},
		DefaultResultConfiguration: &cleanroomswire.MembershipProtectedQueryResultConfiguration{
			OutputConfiguration: &cleanroomswire.MembershipProtectedQueryOutputConfiguration{S3: &cleanroomswire.ProtectedQueryS3OutputConfiguration{
				Bucket: "results", ResultFormat: cleanroomswire.ResultFormatCSV, KeyPrefix: awsproto.Ptr("q/"),
			}},
		},
	}
	if !reflect.DeepEqual(gotCreate, want) {
		t.Errorf("decoded\n got %+v\nwant %+v", gotCreate, want)
	}
	if which := gotCreate.DefaultResultConfiguration.OutputConfiguration.Which(); which != "s3" {
		t.Errorf("Which = %q", which)
	}
	m := out.Membership
	if aws.ToString(m.Id) != memberID || !m.CreateTime.Equal(created) || m.Status != types.MembershipStatusActive ||
		!aws.ToBool(m.PaymentConfiguration.QueryCompute.IsResponsible) || len(m.MemberAbilities) != 1 {
		t.Errorf("SDK read %+v", m)
	}

	lo, err := c.ListMemberships(ctx, &cleanrooms.ListMembershipsInput{MaxResults: aws.Int32(5), NextToken: aws.String("a b&c=d"), Status: types.MembershipStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotList, &cleanroomswire.ListMembershipsInput{MaxResults: awsproto.Ptr[int32](5), NextToken: awsproto.Ptr("a b&c=d"), Status: cleanroomswire.MembershipStatusACTIVE}) {
		t.Errorf("decoded %+v", gotList)
	}
	if aws.ToString(lo.NextToken) != "page2" || lo.MembershipSummaries == nil {
		t.Errorf("SDK read %+v", lo)
	}

	if _, err := c.DeleteMembership(ctx, &cleanrooms.DeleteMembershipInput{MembershipIdentifier: aws.String(memberID)}); err != nil {
		t.Fatal(err)
	}
	if gotDelete == nil || gotDelete.MembershipIdentifier != memberID {
		t.Errorf("decoded %+v", gotDelete)
	}
}

// Modelled errors reach the SDK as its typed errors with their members:
// ConflictException's resourceId, resourceType and reason,
// ResourceNotFoundException's, ServiceQuotaExceededException's quota.
func TestTypedErrors(t *testing.T) {
	c, _ := client(t, &cleanroomswire.Handlers{
		UpdateMembership: func(context.Context, *cleanroomswire.UpdateMembershipInput) (*cleanroomswire.UpdateMembershipOutput, error) {
			return nil, cleanroomswire.ErrConflict("Membership is being updated").
				With("resourceId", memberID).With("resourceType", "MEMBERSHIP").With("reason", "INVALID_STATE")
		},
		GetMembership: func(context.Context, *cleanroomswire.GetMembershipInput) (*cleanroomswire.GetMembershipOutput, error) {
			return nil, cleanroomswire.ErrResourceNotFound("Membership not found").With("resourceId", memberID).With("resourceType", "MEMBERSHIP")
		},
		CreateMembership: func(context.Context, *cleanroomswire.CreateMembershipInput) (*cleanroomswire.CreateMembershipOutput, error) {
			return nil, cleanroomswire.ErrServiceQuotaExceeded("Too many memberships").With("quotaName", "Memberships").With("quotaValue", 100.0)
		},
	})
	ctx := context.Background()
	_, err := c.UpdateMembership(ctx, &cleanrooms.UpdateMembershipInput{MembershipIdentifier: aws.String(memberID), QueryLogStatus: types.MembershipQueryLogStatusDisabled})
	var ce *types.ConflictException
	if !errors.As(err, &ce) || aws.ToString(ce.ResourceId) != memberID || ce.ResourceType != types.ResourceTypeMembership ||
		ce.Reason != types.ConflictExceptionReasonInvalidState || ce.ErrorMessage() != "Membership is being updated" {
		t.Errorf("UpdateMembership: %v %+v", err, ce)
	}
	_, err = c.GetMembership(ctx, &cleanrooms.GetMembershipInput{MembershipIdentifier: aws.String(memberID)})
	var nf *types.ResourceNotFoundException
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &nf) || aws.ToString(nf.ResourceId) != memberID || !errors.As(err, &re) || re.HTTPStatusCode() != 404 {
		t.Errorf("GetMembership: %v", err)
	}
	_, err = c.CreateMembership(ctx, &cleanrooms.CreateMembershipInput{CollaborationIdentifier: aws.String(collabID), QueryLogStatus: types.MembershipQueryLogStatusEnabled})
	var qe *types.ServiceQuotaExceededException
	if !errors.As(err, &qe) || aws.ToString(qe.QuotaName) != "Memberships" || aws.ToFloat64(qe.QuotaValue) != 100 {
		t.Errorf("CreateMembership: %v", err)
	}
}

// Input that fails the model's constraints is Clean Rooms'
// ValidationException with reason FIELD_VALIDATION_FAILED and one fieldList
// entry per violation; labels are checked like body members.
func TestValidation(t *testing.T) {
	c, _ := client(t, &cleanroomswire.Handlers{
		GetCollaboration: func(context.Context, *cleanroomswire.GetCollaborationInput) (*cleanroomswire.GetCollaborationOutput, error) {
			t.Error("handler called")
			return nil, nil
		},
	})
	_, err := c.GetCollaboration(context.Background(), &cleanrooms.GetCollaborationInput{CollaborationIdentifier: aws.String("not/a-uuid")})
	var ve *types.ValidationException
	if !errors.As(err, &ve) || ve.Reason != types.ValidationExceptionReasonFieldValidationFailed || len(ve.FieldList) != 2 ||
		aws.ToString(ve.FieldList[0].Name) != "collaborationIdentifier" ||
		ve.ErrorMessage() != "2 validation errors detected: Value 'not/a-uuid' at 'collaborationIdentifier' failed to satisfy constraint: Member must have length greater than or equal to 36; "+
			"Value 'not/a-uuid' at 'collaborationIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" {
		t.Errorf("GetCollaboration: %v %+v %+v", err, ve, ve.FieldList)
	}
}

// Requests the SDK never sends: no route (404 UnknownOperationException),
// a query parameter or a body value of the wrong type
// (SerializationException), a missing required body member.
func TestRawRequests(t *testing.T) {
	_, url := client(t, &cleanroomswire.Handlers{
		ListMemberships: func(context.Context, *cleanroomswire.ListMembershipsInput) (*cleanroomswire.ListMembershipsOutput, error) {
			return nil, nil
		},
		CreateMembership: func(context.Context, *cleanroomswire.CreateMembershipInput) (*cleanroomswire.CreateMembershipOutput, error) {
			return nil, nil
		},
	})
	tests := []struct {
		method, path, body string
		status             int
		code, inBody       string
	}{
		{"GET", "/nothing", "", 404, "UnknownOperationException", "No operation matches GET /nothing"},
		{"PUT", "/memberships", "", 404, "UnknownOperationException", ""},
		{"GET", "/memberships?maxResults=many", "", 400, "SerializationException", "Cannot read the query parameter 'maxResults': expected an integer"},
		{"GET", "/memberships?maxResults=500", "", 400, "ValidationException", `"fieldList":[{"name":"maxResults","message":"Value '500' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"}]`},
		{"GET", "/memberships?maxResults=5&unknown=1", "", 200, "", `"membershipSummaries":[]`},
		{"POST", "/memberships", `{"collaborationIdentifier":5}`, 400, "SerializationException", "'collaborationIdentifier': expected a string"},
		{"POST", "/memberships", `{"collaborationIdentifier":"` + collabID + `"}`, 400, "ValidationException", "Value null at 'queryLogStatus' failed to satisfy constraint: Member must not be null"},
		{"POST", "/memberships", `{"collaborationIdentifier":"` + collabID + `","queryLogStatus":"ENABLED"}`, 200, "", "{}"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, url+tt.path, strings.NewReader(tt.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Errorf("%s %s: %v: %s", tt.method, tt.path, err, raw)
		}
		if resp.StatusCode != tt.status || resp.Header.Get("X-Amzn-ErrorType") != tt.code || !strings.Contains(string(raw), tt.inBody) {
			t.Errorf("%s %s %s: %d %q %s", tt.method, tt.path, tt.body, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), raw)
		}
	}
}
