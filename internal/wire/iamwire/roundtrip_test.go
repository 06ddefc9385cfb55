package iamwire_test

import (
	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

func newClient(endpoint string) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   awstest.HTTPClient(),
	})
}

// Every IAM operation, both directions, through aws-sdk-go-v2's own
// serializers and deserializers.
func TestEveryOperationRoundTrip(t *testing.T) {
	wiretest.RoundTripAll(t, wiretest.Service{
		Handlers:  &iamwire.Handlers{},
		Namespace: iamwire.XMLNamespace,
		Text:      " <&>\"'+=/%é\r\n\t",
		NewClient: func(endpoint string) any { return newClient(endpoint) },
	})
}
