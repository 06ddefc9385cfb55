package cleanroomsmlwire_test

import (
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cleanroomsmlwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// Every Clean Rooms ML operation, both directions, through boto3 (the
// client of the AWS CLI; aws-sdk-go-v2 has no Clean Rooms ML module): the
// decoders read what botocore serialized, botocore parses what the
// encoders wrote.
func TestEveryOperationBoto3(t *testing.T) {
	wiretest.Boto3RoundTripAll(t, "cleanroomsml", wiretest.Service{
		Protocol: awsproto.RestJSON1,
		Handlers: &cleanroomsmlwire.Handlers{},
		Route: func(method, path string) (string, []string, bool) {
			op, labels, ok := cleanroomsmlwire.LookupRoute(method, path)
			return op.Name, labels, ok
		},
		Text: " <&>\"'+=/%é?#",
	})
}
