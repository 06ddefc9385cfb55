package cloudtrailwire_test

import (
	"context"
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
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cloudtrailwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

func client(t *testing.T, h *cloudtrailwire.Handlers) (*cloudtrail.Client, string) {
	t.Helper()
	srv := httptest.NewServer(wiretest.JSONHandler(h.Serve))
	t.Cleanup(srv.Close)
	return cloudtrail.New(cloudtrail.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		Retryer:      aws.NopRetryer{},
	}), srv.URL
}

// The CloudTrail API Reference, LookupEvents:
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
// Timestamps travel as epoch seconds both ways.
func TestLookupEventsRoundTrip(t *testing.T) {
	start := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 11, 23, 17, 2, 18, 500_000_000, time.UTC)
	var got *cloudtrailwire.LookupEventsInput
	c, _ := client(t, &cloudtrailwire.Handlers{
		LookupEvents: func(_ context.Context, in *cloudtrailwire.LookupEventsInput) (*cloudtrailwire.LookupEventsOutput, error) {
			got = in
			return &cloudtrailwire.LookupEventsOutput{
				Events: []cloudtrailwire.Event{{
					EventId: awsproto.Ptr("0d5e7c6f-1111-2222-3333-444455556666"), EventName: awsproto.Ptr("CreateCollaboration"),
					ReadOnly: awsproto.Ptr("false"), EventTime: &end, EventSource: awsproto.Ptr("cleanrooms.amazonaws.com"),
					Resources:       []cloudtrailwire.Resource{{ResourceType: awsproto.Ptr("AWS::CleanRooms::Collaboration"), ResourceName: awsproto.Ptr("c1")}},
					CloudTrailEvent: awsproto.Ptr(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser"}}`),
				}},
				NextToken: awsproto.Ptr("next"),
			}, nil
		},
	})
	out, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{
		LookupAttributes: []types.LookupAttribute{{AttributeKey: types.LookupAttributeKeyEventSource, AttributeValue: aws.String("cleanrooms.amazonaws.com")}},
		StartTime:        &start, EndTime: &end, MaxResults: aws.Int32(50),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &cloudtrailwire.LookupEventsInput{
		LookupAttributes: []cloudtrailwire.LookupAttribute{{AttributeKey: cloudtrailwire.LookupAttributeKeyEventSource, AttributeValue: "cleanrooms.amazonaws.com"}},
		StartTime:        &start, EndTime: &end, MaxResults: awsproto.Ptr[int32](50),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n got %+v\nwant %+v", got, want)
	}
	if len(out.Events) != 1 || !out.Events[0].EventTime.Equal(end) || aws.ToString(out.Events[0].EventName) != "CreateCollaboration" ||
		aws.ToString(out.Events[0].Resources[0].ResourceName) != "c1" || aws.ToString(out.NextToken) != "next" {
		t.Errorf("SDK read %+v", out)
	}
}

// Modelled errors are the SDK's typed errors; CloudTrail's error shapes
// have no members, and the SDK reads the message all the same.
func TestTypedErrors(t *testing.T) {
	c, _ := client(t, &cloudtrailwire.Handlers{
		GetTrail: func(context.Context, *cloudtrailwire.GetTrailInput) (*cloudtrailwire.GetTrailOutput, error) {
			return nil, cloudtrailwire.ErrTrailNotFound("Unknown trail: arn:aws:cloudtrail:us-east-1:123456789012:trail/x for the user: 123456789012")
		},
	})
	_, err := c.GetTrail(context.Background(), &cloudtrail.GetTrailInput{Name: aws.String("x")})
	var nf *types.TrailNotFoundException
	if !errors.As(err, &nf) || !strings.HasPrefix(nf.ErrorMessage(), "Unknown trail:") {
		t.Errorf("GetTrail: %v", err)
	}
}

// Constraint violations are ValidationException with AWS's message
// ("1 validation error detected: Value '51' at 'maxResults' failed to
// satisfy constraint: ..."); CloudTrail models no error of its own for
// them. Map keys are checked as AWS words it ("Map keys must satisfy
// constraint: [...]").
func TestValidation(t *testing.T) {
	c, url := client(t, &cloudtrailwire.Handlers{
		LookupEvents: func(context.Context, *cloudtrailwire.LookupEventsInput) (*cloudtrailwire.LookupEventsOutput, error) {
			t.Error("handler called")
			return nil, nil
		},
		ListInsightsData: func(context.Context, *cloudtrailwire.ListInsightsDataInput) (*cloudtrailwire.ListInsightsDataOutput, error) {
			t.Error("handler called")
			return nil, nil
		},
	})
	_, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(51)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" ||
		ae.ErrorMessage() != "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50" {
		t.Errorf("LookupEvents: %v", err)
	}
	body := `{"InsightSource":"arn:aws:cloudtrail:us-east-1:123456789012:trail/t","DataType":"InsightsEvents","Dimensions":{"Bogus":"x"},"MaxResults":0,` +
		`"LookupAttributes":"ignored"}`
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("X-Amz-Target", cloudtrailwire.TargetPrefix+".ListInsightsData")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `2 validation errors detected: Value '{Bogus=x}' at 'dimensions' failed to satisfy constraint: Map keys must satisfy constraint: ` +
		`[Member must satisfy enum value set: [EventId, EventName, EventSource]]; Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`
	if resp.StatusCode != 400 || !strings.Contains(string(raw), want) {
		t.Errorf("%d %s\nwant %s", resp.StatusCode, raw, want)
	}
}
