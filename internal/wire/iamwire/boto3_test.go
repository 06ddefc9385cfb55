package iamwire_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

// boto3Script drives the server with boto3 (botocore's query serializer and
// parser, the ones the AWS CLI uses) and prints what boto3 read.
const boto3Script = `
import json, sys, boto3
c = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
out = {}
out["create"] = c.create_user(UserName="Bob", Path="/eng/", PermissionsBoundary="arn:aws:iam::123456789012:policy/b",
                              Tags=[{"Key": "Dept", "Value": "R+D 1"}, {"Key": "Empty", "Value": ""}])["User"]["Arn"]
u = c.get_user(UserName="Bob")["User"]
out["get"] = {"UserName": u["UserName"], "CreateDate": u["CreateDate"].isoformat(), "Tags": u["Tags"],
              "PasswordLastUsed": u["PasswordLastUsed"].isoformat(),
              "Boundary": u["PermissionsBoundary"]["PermissionsBoundaryType"]}
lst = c.list_users(MaxItems=10)
out["list"] = {"names": [x["UserName"] for x in lst["Users"]], "truncated": lst["IsTruncated"], "marker": lst.get("Marker")}
out["summary"] = c.get_account_summary()["SummaryMap"]
c.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True, RequireNumbers=False)
c.delete_user(UserName="Bob")
try:
    c.get_user(UserName="Nobody")
except c.exceptions.NoSuchEntityException as e:
    out["nosuch"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["Error"].get("Type"),
                     e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["ResponseMetadata"]["RequestId"]]
try:
    c.create_user(UserName="bob smith")
except c.exceptions.ClientError as e:
    out["invalid"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
print(json.dumps(out))
`

// TestBoto3 runs the same protocol through boto3, the client of the AWS
// CLI, when python3 with boto3 is installed.
func TestBoto3(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import boto3").Run() != nil {
		t.Skip("python3 with boto3 is not installed")
	}
	var createIn *iamwire.CreateUserInput
	var policyIn *iamwire.UpdateAccountPasswordPolicyInput
	var deleted string
	_, endpoint := client(t, &iamwire.Handlers{
		CreateUser: func(_ context.Context, in *iamwire.CreateUserInput) (*iamwire.CreateUserOutput, error) {
			createIn = in
			return &iamwire.CreateUserOutput{User: &iamwire.User{Path: *in.Path, UserName: in.UserName, UserId: "AIDEXAMPLE",
				Arn: "arn:aws:iam::123456789012:user/eng/" + in.UserName, CreateDate: created}}, nil
		},
		GetUser: func(_ context.Context, in *iamwire.GetUserInput) (*iamwire.GetUserOutput, error) {
			if *in.UserName != "Bob" {
				return nil, iamwire.ErrNoSuchEntity("The user with name %s cannot be found.", *in.UserName)
			}
			return &iamwire.GetUserOutput{User: &iamwire.User{Path: "/eng/", UserName: "Bob", UserId: "AIDEXAMPLE",
				Arn: "arn:aws:iam::123456789012:user/eng/Bob", CreateDate: created, PasswordLastUsed: awsproto.Ptr(created.Add(1500 * 1e6)),
				PermissionsBoundary: &iamwire.AttachedPermissionsBoundary{PermissionsBoundaryType: iamwire.PermissionsBoundaryAttachmentTypePermissionsBoundaryPolicy},
				Tags:                []iamwire.Tag{{Key: "Dept", Value: "R&D <1>"}, {Key: "Empty", Value: ""}}}}, nil
		},
		ListUsers: func(context.Context, *iamwire.ListUsersInput) (*iamwire.ListUsersOutput, error) {
			return &iamwire.ListUsersOutput{Users: []iamwire.User{{Path: "/", UserName: "A", UserId: "AID1", Arn: "arn:aws:iam::123456789012:user/A", CreateDate: created},
				{Path: "/", UserName: "B", UserId: "AID2", Arn: "arn:aws:iam::123456789012:user/B", CreateDate: created}},
				IsTruncated: awsproto.Ptr(true), Marker: awsproto.Ptr("m2")}, nil
		},
		GetAccountSummary: func(context.Context, *iamwire.GetAccountSummaryInput) (*iamwire.GetAccountSummaryOutput, error) {
			return &iamwire.GetAccountSummaryOutput{SummaryMap: map[iamwire.SummaryKeyType]int32{"Users": 2, "UsersQuota": 5000}}, nil
		},
		UpdateAccountPasswordPolicy: func(_ context.Context, in *iamwire.UpdateAccountPasswordPolicyInput) (*iamwire.UpdateAccountPasswordPolicyOutput, error) {
			policyIn = in
			return nil, nil
		},
		DeleteUser: func(_ context.Context, in *iamwire.DeleteUserInput) (*iamwire.DeleteUserOutput, error) {
			deleted = in.UserName
			return nil, nil
		},
	})
	cmd := exec.Command(py, "-c", boto3Script, endpoint)
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
		Create string
		Get    struct {
			UserName, CreateDate, PasswordLastUsed, Boundary string
			Tags                                             []map[string]string
		}
		List struct {
			Names     []string
			Truncated bool
			Marker    string
		}
		Summary map[string]int
		Nosuch  []any
		Invalid []string
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	wantCreate := &iamwire.CreateUserInput{UserName: "Bob", Path: awsproto.Ptr("/eng/"), PermissionsBoundary: awsproto.Ptr("arn:aws:iam::123456789012:policy/b"),
		Tags: []iamwire.Tag{{Key: "Dept", Value: "R+D 1"}, {Key: "Empty", Value: ""}}}
	if !reflect.DeepEqual(createIn, wantCreate) || got.Create != "arn:aws:iam::123456789012:user/eng/Bob" {
		t.Errorf("create: decoded %+v, boto3 read %q", createIn, got.Create)
	}
	if got.Get.UserName != "Bob" || got.Get.CreateDate != "2013-02-12T20:10:23+00:00" || got.Get.PasswordLastUsed != "2013-02-12T20:10:24.500000+00:00" ||
		got.Get.Boundary != "PermissionsBoundaryPolicy" || len(got.Get.Tags) != 2 || got.Get.Tags[0]["Value"] != "R&D <1>" || got.Get.Tags[1]["Value"] != "" {
		t.Errorf("get: %+v", got.Get)
	}
	if len(got.List.Names) != 2 || !got.List.Truncated || got.List.Marker != "m2" {
		t.Errorf("list: %+v", got.List)
	}
	if got.Summary["Users"] != 2 || got.Summary["UsersQuota"] != 5000 {
		t.Errorf("summary: %v", got.Summary)
	}
	wantPolicy := &iamwire.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: awsproto.Ptr[int32](8), RequireSymbols: awsproto.Ptr(true), RequireNumbers: awsproto.Ptr(false)}
	if !reflect.DeepEqual(policyIn, wantPolicy) || deleted != "Bob" {
		t.Errorf("password policy %+v, deleted %q", policyIn, deleted)
	}
	wantNoSuch := []any{"NoSuchEntity", "The user with name Nobody cannot be found.", "Sender", float64(404), testRequestID}
	if !reflect.DeepEqual(got.Nosuch, wantNoSuch) {
		t.Errorf("NoSuchEntity: %v, want %v", got.Nosuch, wantNoSuch)
	}
	wantInvalid := []string{"ValidationError", `1 validation error detected: Value 'bob smith' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`}
	if !reflect.DeepEqual(got.Invalid, wantInvalid) {
		t.Errorf("invalid: %q", got.Invalid)
	}
}
