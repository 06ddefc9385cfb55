package iamwire_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

// Validation messages in IAM's words. The constraints are those of the IAM
// API Reference pages of each action (e.g. CreateUser: UserName 1-64
// characters of [\w+=,.@-]+, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html;
// ListUsers: MaxItems 1-1000; UpdateAccessKey: Status Active | Inactive |
// Expired); the wording is AWS's ValidationError format: "N validation
// error(s) detected: Value 'v' at 'memberName' failed to satisfy
// constraint: ..." joined with "; ".
func TestValidationMessages(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct {
		action, params, want string
	}{
		{"CreateUser", "UserName=Bob", ""},
		{"CreateUser", "",
			"1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"},
		{"CreateUser", "UserName=" + long,
			"1 validation error detected: Value '" + long + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"CreateUser", "UserName=bob%20smith",
			`1 validation error detected: Value 'bob smith' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"CreateUser", "UserName=",
			"2 validation errors detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				`Value '' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"CreateUser", "Path=engineering&Tags.member.1.Key=&Tags.member.1.Value=v",
			`4 validation errors detected: Value 'engineering' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F); ` +
				"Value null at 'userName' failed to satisfy constraint: Member must not be null; " +
				"Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				`Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{"ListUsers", "MaxItems=0",
			"1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"ListUsers", "MaxItems=1001",
			"1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"},
		{"ListUsers", "MaxItems=ten",
			"1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must be an integer"},
		{"UpdateAccessKey", "AccessKeyId=AKIAIOSFODNN7EXAMPLE&Status=Bogus",
			"1 validation error detected: Value 'Bogus' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"},
		{"UpdateAccountPasswordPolicy", "MinimumPasswordLength=5&RequireSymbols=yes",
			"2 validation errors detected: Value '5' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6; " +
				"Value 'yes' at 'requireSymbols' failed to satisfy constraint: Member must be a boolean (true or false)"},
		{"GetAccountAuthorizationDetails", "Filter.member.1=User&Filter.member.2=Bogus",
			"1 validation error detected: Value 'Bogus' at 'filter.2.member' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]"},
		{"SimulateCustomPolicy", "PolicyInputList.member.1=%7B%7D&ActionNames.member.1=s3:GetObject&ContextEntries.member.1.ContextKeyName=aws:x&ContextEntries.member.1.ContextKeyType=int",
			"1 validation error detected: Value 'int' at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]"},
		{"CreatePolicy", "PolicyName=p&PolicyDocument=%01",
			`1 validation error detected: Value '` + "\x01" + `' at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`},
		{"ChangePassword", "OldPassword=&NewPassword=x",
			"2 validation errors detected: Value at 'oldPassword' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				`Value at 'oldPassword' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`},
		{"TagUser", "UserName=Bob&Tags=",
			""},
		{"UntagUser", "UserName=Bob",
			"1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"},
	}
	h := allHandlers()
	for _, tt := range tests {
		t.Run(tt.action+" "+tt.params, func(t *testing.T) {
			v, err := url.ParseQuery(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			v.Set("Version", iamwire.APIVersion)
			_, err = h.Serve(context.Background(), tt.action, v)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ae *awsproto.Error
			if !errors.As(err, &ae) || ae.Code != "ValidationError" || ae.Status != 400 || ae.Message != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

// allHandlers returns handlers for a few operations that accept anything.
func allHandlers() *iamwire.Handlers {
	return &iamwire.Handlers{
		CreateUser: func(context.Context, *iamwire.CreateUserInput) (*iamwire.CreateUserOutput, error) { return nil, nil },
		ListUsers:  func(context.Context, *iamwire.ListUsersInput) (*iamwire.ListUsersOutput, error) { return nil, nil },
		UpdateAccessKey: func(context.Context, *iamwire.UpdateAccessKeyInput) (*iamwire.UpdateAccessKeyOutput, error) {
			return nil, nil
		},
		UpdateAccountPasswordPolicy: func(context.Context, *iamwire.UpdateAccountPasswordPolicyInput) (*iamwire.UpdateAccountPasswordPolicyOutput, error) {
			return nil, nil
		},
		GetAccountAuthorizationDetails: func(context.Context, *iamwire.GetAccountAuthorizationDetailsInput) (*iamwire.GetAccountAuthorizationDetailsOutput, error) {
			return nil, nil
		},
		SimulateCustomPolicy: func(context.Context, *iamwire.SimulateCustomPolicyInput) (*iamwire.SimulateCustomPolicyOutput, error) {
			return nil, nil
		},
		CreatePolicy: func(context.Context, *iamwire.CreatePolicyInput) (*iamwire.CreatePolicyOutput, error) {
			return nil, nil
		},
		ChangePassword: func(context.Context, *iamwire.ChangePasswordInput) (*iamwire.ChangePasswordOutput, error) {
			return nil, nil
		},
		TagUser:   func(context.Context, *iamwire.TagUserInput) (*iamwire.TagUserOutput, error) { return nil, nil },
		UntagUser: func(context.Context, *iamwire.UntagUserInput) (*iamwire.UntagUserOutput, error) { return nil, nil },
	}
}

// Nested lists decode in index order, whatever order the parameters come
// in, e.g. SimulateCustomPolicy's ContextEntries.member.N.ContextKeyValues.member.M
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html).
func TestNestedListsDecode(t *testing.T) {
	v, _ := url.ParseQuery("PolicyInputList.member.1=%7B%7D&ActionNames.member.2=s3:b&ActionNames.member.1=s3:a" +
		"&ContextEntries.member.2.ContextKeyName=aws:k2&ContextEntries.member.2.ContextKeyType=stringList" +
		"&ContextEntries.member.2.ContextKeyValues.member.10=j&ContextEntries.member.2.ContextKeyValues.member.9=i" +
		"&ContextEntries.member.1.ContextKeyName=aws:k1&ContextEntries.member.1.ContextKeyValues.member.1=x")
	var in iamwire.SimulateCustomPolicyInput
	if err := in.DecodeQuery(v); err != nil {
		t.Fatal(err)
	}
	if strings.Join(in.ActionNames, ",") != "s3:a,s3:b" || len(in.ContextEntries) != 2 {
		t.Fatalf("%+v", in)
	}
	e1, e2 := in.ContextEntries[0], in.ContextEntries[1]
	if *e1.ContextKeyName != "aws:k1" || strings.Join(e1.ContextKeyValues, ",") != "x" || e1.ContextKeyType != "" ||
		*e2.ContextKeyName != "aws:k2" || e2.ContextKeyType != iamwire.ContextKeyTypeEnumStringList || strings.Join(e2.ContextKeyValues, ",") != "i,j" {
		t.Errorf("%+v %+v", e1, e2)
	}
}
