package stswire_test

import (
	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cleanroom-dev/cleanroom/internal/wire/stswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// Every STS operation, both directions, through aws-sdk-go-v2's own
// serializers and deserializers.
func TestEveryOperationRoundTrip(t *testing.T) {
	wiretest.RoundTripAll(t, wiretest.Service{
		Handlers:  &stswire.Handlers{},
		Namespace: stswire.XMLNamespace,
		Text:      " <&>\"'+=/%é\r\n\t",
		NewClient: func(endpoint string) any {
			return sts.New(sts.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String(endpoint),
				Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
				Retryer:      aws.NopRetryer{},
				HTTPClient:   awstest.HTTPClient(),
			})
		},
	})
}
