package cloudtrailwire_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cloudtrailwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// Every CloudTrail operation, both directions, through aws-sdk-go-v2's own
// serializers and deserializers.
func TestEveryOperationRoundTrip(t *testing.T) {
	wiretest.RoundTripAll(t, wiretest.Service{
		Protocol: awsproto.JSON11,
		Handlers: &cloudtrailwire.Handlers{},
		// aws-sdk-go-v2 names the service shape, not botocore's prefix.
		TargetPrefix: "CloudTrail_20131101",
		Text:         " <&>\"'+=/%é\r\n\t\\\u2028\x01",
		NewClient: func(endpoint string) any {
			return cloudtrail.New(cloudtrail.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String(endpoint),
				Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
				Retryer:      aws.NopRetryer{},
			})
		},
	})
}
