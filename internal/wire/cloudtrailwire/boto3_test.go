package cloudtrailwire_test

import (
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cloudtrailwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// Every operation, both directions, through boto3 (the client of the AWS
// CLI), when python3 with boto3 is installed.
func TestEveryOperationBoto3(t *testing.T) {
	wiretest.Boto3RoundTripAll(t, "cloudtrail", wiretest.Service{
		Protocol: awsproto.JSON11,
		Handlers: &cloudtrailwire.Handlers{},
		Text:     " <&>\"'+=/%é?#",
	})
}
