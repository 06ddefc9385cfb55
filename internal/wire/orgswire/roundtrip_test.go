package orgswire_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// Every Organizations operation, both directions, through aws-sdk-go-v2's
// own serializers and deserializers.
func TestEveryOperationRoundTrip(t *testing.T) {
	wiretest.RoundTripAll(t, wiretest.Service{
		Protocol: awsproto.JSON11,
		Handlers: &orgswire.Handlers{},
		Text:     " <&>\"'+=/%é\r\n\t\\\u2028\x01",
		NewClient: func(endpoint string) any {
			return organizations.New(organizations.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String(endpoint),
				Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
				Retryer:      aws.NopRetryer{},
			})
		},
	})
}
