package stswire_test

import (
	"context"
	"errors"
	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/stswire"
)

const testRequestID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"

// serve answers awsQuery requests with h the way the server does: parse,
// route, encode the output or the error.
func serve(h *stswire.Handlers) http.Handler {
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
				awsproto.ResponseMeta{RequestID: testRequestID, XMLNamespace: stswire.XMLNamespace})
			return
		}
		_ = awsproto.WriteQueryResponse(w, resp, testRequestID)
	})
}

// client returns a real STS client of aws-sdk-go-v2 that talks to h.
func client(t *testing.T, h *stswire.Handlers) *sts.Client {
	t.Helper()
	srv := httptest.NewServer(serve(h))
	t.Cleanup(srv.Close)
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   awstest.HTTPClient(),
	})
}

// The STS API Reference, AssumeRole:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
func TestAssumeRoleRoundTrip(t *testing.T) {
	exp := time.Date(2026, 11, 23, 18, 2, 18, 0, time.UTC)
	var got *stswire.AssumeRoleInput
	c := client(t, &stswire.Handlers{
		AssumeRole: func(_ context.Context, in *stswire.AssumeRoleInput) (*stswire.AssumeRoleOutput, error) {
			got = in
			return &stswire.AssumeRoleOutput{
				Credentials: &stswire.Credentials{
					AccessKeyId:     "ASIAIOSFODNN7EXAMPLE",
					SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
					SessionToken:    "AQoDYXdzEPT//////////wEXAMPLE<&>",
					Expiration:      exp,
				},
				AssumedRoleUser: &stswire.AssumedRoleUser{
					AssumedRoleId: "ARO123EXAMPLE123:Bob",
					Arn:           "arn:aws:sts::123456789012:assumed-role/demo/Bob",
				},
				PackedPolicySize: awsproto.Ptr[int32](8),
				SourceIdentity:   awsproto.Ptr("DevUser123"),
			}, nil
		},
	})
	out, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:           aws.String("arn:aws:iam::123456789012:role/demo"),
		RoleSessionName:   aws.String("Bob"),
		DurationSeconds:   aws.Int32(3600),
		ExternalId:        aws.String("123ABC"),
		Policy:            aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
		PolicyArns:        []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::123456789012:policy/one")}, {Arn: aws.String("arn:aws:iam::123456789012:policy/two")}},
		Tags:              []types.Tag{{Key: aws.String("Project"), Value: aws.String("Unicorn")}, {Key: aws.String("Team"), Value: aws.String("")}},
		TransitiveTagKeys: []string{"Project"},
		SourceIdentity:    aws.String("DevUser123"),
		SerialNumber:      aws.String("arn:aws:iam::123456789012:mfa/bob"),
		TokenCode:         aws.String("123456"),
		ProvidedContexts:  []types.ProvidedContext{{ProviderArn: aws.String("arn:aws:iam::aws:contextProvider/IdentityCenter"), ContextAssertion: aws.String("abcd")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &stswire.AssumeRoleInput{
		RoleArn:           "arn:aws:iam::123456789012:role/demo",
		RoleSessionName:   "Bob",
		DurationSeconds:   awsproto.Ptr[int32](3600),
		ExternalId:        awsproto.Ptr("123ABC"),
		Policy:            awsproto.Ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
		PolicyArns:        []stswire.PolicyDescriptorType{{Arn: awsproto.Ptr("arn:aws:iam::123456789012:policy/one")}, {Arn: awsproto.Ptr("arn:aws:iam::123456789012:policy/two")}},
		Tags:              []stswire.Tag{{Key: "Project", Value: "Unicorn"}, {Key: "Team", Value: ""}},
		TransitiveTagKeys: []string{"Project"},
		SourceIdentity:    awsproto.Ptr("DevUser123"),
		SerialNumber:      awsproto.Ptr("arn:aws:iam::123456789012:mfa/bob"),
		TokenCode:         awsproto.Ptr("123456"),
		ProvidedContexts:  []stswire.ProvidedContext{{ProviderArn: awsproto.Ptr("arn:aws:iam::aws:contextProvider/IdentityCenter"), ContextAssertion: awsproto.Ptr("abcd")}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded input\n got %+v\nwant %+v", got, want)
	}
	if aws.ToString(out.Credentials.AccessKeyId) != "ASIAIOSFODNN7EXAMPLE" ||
		aws.ToString(out.Credentials.SecretAccessKey) != "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY" ||
		aws.ToString(out.Credentials.SessionToken) != "AQoDYXdzEPT//////////wEXAMPLE<&>" ||
		!out.Credentials.Expiration.Equal(exp) {
		t.Errorf("credentials = %+v", out.Credentials)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/demo/Bob" ||
		aws.ToString(out.AssumedRoleUser.AssumedRoleId) != "ARO123EXAMPLE123:Bob" {
		t.Errorf("assumed role user = %+v", out.AssumedRoleUser)
	}
	if aws.ToInt32(out.PackedPolicySize) != 8 || aws.ToString(out.SourceIdentity) != "DevUser123" {
		t.Errorf("packed size %v, source identity %v", out.PackedPolicySize, out.SourceIdentity)
	}
	if id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); !ok || id != testRequestID {
		t.Errorf("request id = %q, %v", id, ok)
	}
}

// The STS API Reference, GetCallerIdentity:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
func TestGetCallerIdentityRoundTrip(t *testing.T) {
	c := client(t, &stswire.Handlers{
		GetCallerIdentity: func(context.Context, *stswire.GetCallerIdentityInput) (*stswire.GetCallerIdentityOutput, error) {
			return &stswire.GetCallerIdentityOutput{
				UserId:  awsproto.Ptr("AIDASAMPLEUSERID"),
				Account: awsproto.Ptr("123456789012"),
				Arn:     awsproto.Ptr("arn:aws:iam::123456789012:user/DevAdmin"),
			}, nil
		},
	})
	out, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.UserId) != "AIDASAMPLEUSERID" || aws.ToString(out.Account) != "123456789012" ||
		aws.ToString(out.Arn) != "arn:aws:iam::123456789012:user/DevAdmin" {
		t.Errorf("got %+v", out)
	}
}

// The STS API Reference, AssumeRoleWithWebIdentity (unsigned) and its errors:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
func TestModelledErrors(t *testing.T) {
	c := client(t, &stswire.Handlers{
		AssumeRoleWithWebIdentity: func(_ context.Context, in *stswire.AssumeRoleWithWebIdentityInput) (*stswire.AssumeRoleWithWebIdentityOutput, error) {
			return nil, stswire.ErrIDPRejectedClaim("Token audience %q is not allowed", "nope")
		},
		GetSessionToken: func(context.Context, *stswire.GetSessionTokenInput) (*stswire.GetSessionTokenOutput, error) {
			return nil, stswire.ErrRegionDisabled("STS is not activated in this region for account:123456789012.")
		},
	})
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String("arn:aws:iam::123456789012:role/web"),
		RoleSessionName:  aws.String("app"),
		WebIdentityToken: aws.String("eyJ0eXAi.e30.sig"),
	})
	var rejected *types.IDPRejectedClaimException
	if !errors.As(err, &rejected) || rejected.ErrorMessage() != `Token audience "nope" is not allowed` {
		t.Errorf("AssumeRoleWithWebIdentity error = %v, want IDPRejectedClaimException", err)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 || re.ServiceRequestID() != testRequestID {
		t.Errorf("response error = %v", err)
	}
	_, err = c.GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
	var disabled *types.RegionDisabledException
	if !errors.As(err, &disabled) {
		t.Errorf("GetSessionToken error = %v, want RegionDisabledException", err)
	}
}

func TestValidationErrorThroughSDK(t *testing.T) {
	c := client(t, &stswire.Handlers{
		AssumeRole: func(context.Context, *stswire.AssumeRoleInput) (*stswire.AssumeRoleOutput, error) {
			t.Error("handler called for invalid input")
			return nil, nil
		},
	})
	_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::123456789012:role/demo"),
		RoleSessionName: aws.String("Bob"),
		DurationSeconds: aws.Int32(43201),
	})
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	const msg = "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"
	if ae.ErrorCode() != "ValidationError" || ae.ErrorMessage() != msg {
		t.Errorf("got %s %q", ae.ErrorCode(), ae.ErrorMessage())
	}
}

func TestNotImplemented(t *testing.T) {
	c := client(t, &stswire.Handlers{})
	_, err := c.GetAccessKeyInfo(context.Background(), &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAIOSFODNN7EXAMPLE")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NotImplemented" {
		t.Errorf("err = %v", err)
	}
}
