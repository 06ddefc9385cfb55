package cleanroomswire_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cleanrooms"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cleanroomswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// Every Clean Rooms operation, both directions, through aws-sdk-go-v2's own
// serializers and deserializers: URI labels (escaped by the SDK), query
// parameters and JSON bodies, unions included.
func TestEveryOperationRoundTrip(t *testing.T) {
	wiretest.RoundTripAll(t, wiretest.Service{
		Protocol: awsproto.RestJSON1,
		Handlers: &cleanroomswire.Handlers{},
		Route: func(method, path string) (string, []string, bool) {
			op, labels, ok := cleanroomswire.LookupRoute(method, path)
			return op.Name, labels, ok
		},
		Unions: sdkUnions,
		Text:   " <&>\"'+=/%é?#\\\u2028",
		NewClient: func(endpoint string) any {
			return cleanrooms.New(cleanrooms.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String(endpoint),
				Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
				Retryer:      aws.NopRetryer{},
			})
		},
	})
}
