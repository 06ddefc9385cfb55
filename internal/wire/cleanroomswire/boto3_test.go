package cleanroomswire_test

import (
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cleanroomswire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// Every operation, both directions, through boto3 (the client of the AWS
// CLI), when python3 with boto3 is installed.
func TestEveryOperationBoto3(t *testing.T) {
	wiretest.Boto3RoundTripAll(t, "cleanrooms", wiretest.Service{
		Protocol: awsproto.RestJSON1,
		Handlers: &cleanroomswire.Handlers{},
		Route: func(method, path string) (string, []string, bool) {
			op, labels, ok := cleanroomswire.LookupRoute(method, path)
			return op.Name, labels, ok
		},
		Text: " <&>\"'+=/%é?#",
	})
}
