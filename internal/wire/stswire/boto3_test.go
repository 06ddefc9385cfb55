package stswire_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/stswire"
)

const boto3Script = `
import json, sys, boto3
c = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
out = {}
r = c.assume_role(RoleArn="arn:aws:iam::123456789012:role/demo", RoleSessionName="Bob", DurationSeconds=900,
                  PolicyArns=[{"arn": "arn:aws:iam::123456789012:policy/one"}],
                  Tags=[{"Key": "Project", "Value": "Unicorn"}], TransitiveTagKeys=["Project"])
out["assume"] = {"AccessKeyId": r["Credentials"]["AccessKeyId"], "Expiration": r["Credentials"]["Expiration"].isoformat(),
                 "Arn": r["AssumedRoleUser"]["Arn"], "PackedPolicySize": r["PackedPolicySize"]}
out["identity"] = c.get_caller_identity()["Arn"]
try:
    c.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/web", RoleSessionName="app", WebIdentityToken="tok.en.x")
except c.exceptions.IDPRejectedClaimException as e:
    out["rejected"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
`

// TestBoto3 runs STS through boto3, the client of the AWS CLI, when python3
// with boto3 is installed.
func TestBoto3(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import boto3").Run() != nil {
		t.Skip("python3 with boto3 is not installed")
	}
	exp := time.Date(2026, 11, 23, 18, 2, 18, 0, time.UTC)
	var assumeIn *stswire.AssumeRoleInput
	srv := httptest.NewServer(serve(&stswire.Handlers{
		AssumeRole: func(_ context.Context, in *stswire.AssumeRoleInput) (*stswire.AssumeRoleOutput, error) {
			assumeIn = in
			return &stswire.AssumeRoleOutput{
				Credentials:      &stswire.Credentials{AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Expiration: exp},
				AssumedRoleUser:  &stswire.AssumedRoleUser{AssumedRoleId: "AROA:Bob", Arn: "arn:aws:sts::123456789012:assumed-role/demo/Bob"},
				PackedPolicySize: awsproto.Ptr[int32](6),
			}, nil
		},
		GetCallerIdentity: func(context.Context, *stswire.GetCallerIdentityInput) (*stswire.GetCallerIdentityOutput, error) {
			return &stswire.GetCallerIdentityOutput{Arn: awsproto.Ptr("arn:aws:iam::123456789012:user/Alice")}, nil
		},
		AssumeRoleWithWebIdentity: func(context.Context, *stswire.AssumeRoleWithWebIdentityInput) (*stswire.AssumeRoleWithWebIdentityOutput, error) {
			return nil, stswire.ErrIDPRejectedClaim("Incorrect token audience")
		},
	}))
	defer srv.Close()
	cmd := exec.Command(py, "-c", boto3Script, srv.URL)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
	raw, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("boto3: %v\n%s", err, stderr)
	}
	var got struct {
		Assume struct {
			AccessKeyID      string `json:"AccessKeyId"`
			Expiration, Arn  string
			PackedPolicySize int
		}
		Identity string
		Rejected []any
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	want := &stswire.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "Bob", DurationSeconds: awsproto.Ptr[int32](900),
		PolicyArns: []stswire.PolicyDescriptorType{{Arn: awsproto.Ptr("arn:aws:iam::123456789012:policy/one")}},
		Tags:       []stswire.Tag{{Key: "Project", Value: "Unicorn"}}, TransitiveTagKeys: []string{"Project"}}
	if !reflect.DeepEqual(assumeIn, want) {
		t.Errorf("decoded %+v\nwant %+v", assumeIn, want)
	}
	if got.Assume.AccessKeyID != "ASIAEXAMPLE" || got.Assume.Expiration != "2026-11-23T18:02:18+00:00" ||
		got.Assume.Arn != "arn:aws:sts::123456789012:assumed-role/demo/Bob" || got.Assume.PackedPolicySize != 6 {
		t.Errorf("assume: %+v", got.Assume)
	}
	if got.Identity != "arn:aws:iam::123456789012:user/Alice" {
		t.Errorf("identity %q", got.Identity)
	}
	if !reflect.DeepEqual(got.Rejected, []any{"IDPRejectedClaim", "Incorrect token audience", float64(403)}) {
		t.Errorf("rejected %v", got.Rejected)
	}
}
