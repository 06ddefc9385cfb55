package stswire_test

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/stswire"
)

// Validation messages as STS words them (ValidationError, "N validation
// error(s) detected: Value ... at '...' failed to satisfy constraint: ...";
// constraints from the STS API Reference, e.g.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
func TestAssumeRoleValidation(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:role/demo"
	tests := []struct {
		name   string
		params string
		want   string // "" for valid
	}{
		{"valid", "RoleArn=" + arn + "&RoleSessionName=Bob", ""},
		{"missing both", "",
			"2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"},
		{"duration too long", "RoleArn=" + arn + "&RoleSessionName=Bob&DurationSeconds=43201",
			"1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"duration too short", "RoleArn=" + arn + "&RoleSessionName=Bob&DurationSeconds=899",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration not a number", "RoleArn=" + arn + "&RoleSessionName=Bob&DurationSeconds=1h",
			"1 validation error detected: Value '1h' at 'durationSeconds' failed to satisfy constraint: Member must be an integer"},
		{"duration overflows", "RoleArn=" + arn + "&RoleSessionName=Bob&DurationSeconds=99999999999",
			"1 validation error detected: Value '99999999999' at 'durationSeconds' failed to satisfy constraint: Member must be an integer"},
		{"session name pattern and length", "RoleArn=" + arn + "&RoleSessionName=a",
			"1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name bad characters", "RoleArn=" + arn + "&RoleSessionName=Bob%20Smith",
			`1 validation error detected: Value 'Bob Smith' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"empty session name", "RoleArn=" + arn + "&RoleSessionName=",
			"1 validation error detected: Value '' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"tag value pattern", "RoleArn=" + arn + "&RoleSessionName=Bob&Tags.member.1.Key=k&Tags.member.1.Value=a%2Cb",
			`1 validation error detected: Value 'a,b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`},
		{"tag without value", "RoleArn=" + arn + "&RoleSessionName=Bob&Tags.member.3.Key=k",
			"1 validation error detected: Value null at 'tags.3.member.value' failed to satisfy constraint: Member must not be null"},
		{"policy arn too short", "RoleArn=" + arn + "&RoleSessionName=Bob&PolicyArns.member.1.arn=arn:x",
			"1 validation error detected: Value 'arn:x' at 'policyArns.1.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"too many transitive keys", "RoleArn=" + arn + "&RoleSessionName=Bob" + manyKeys(51),
			"1 validation error detected: Value '[" + keyList(51) + "]' at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"provided contexts empty", "RoleArn=" + arn + "&RoleSessionName=Bob&ProvidedContexts=",
			"1 validation error detected: Value at 'providedContexts' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"token code", "RoleArn=" + arn + "&RoleSessionName=Bob&TokenCode=12345x",
			`1 validation error detected: Value '12345x' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\d]*`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			err = new(stswire.AssumeRoleInput).DecodeQuery(v)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ae *awsproto.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			if ae.Code != "ValidationError" || ae.Status != 400 || !ae.Sender || ae.Message != tt.want {
				t.Errorf("got %s %d %v %q\nwant %q", ae.Code, ae.Status, ae.Sender, ae.Message, tt.want)
			}
		})
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("&TransitiveTagKeys.member.")
		b.WriteString(strconv.Itoa(i))
		b.WriteString("=k")
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

func keyList(n int) string {
	var ks []string
	for i := 1; i <= n; i++ {
		ks = append(ks, "k"+strconv.Itoa(i))
	}
	return strings.Join(ks, ", ")
}

// A sensitive member is named without its value.
func TestSensitiveValueNotEchoed(t *testing.T) {
	v := url.Values{"RoleArn": {"arn:aws:iam::123456789012:role/demo"}, "PrincipalArn": {"arn:aws:iam::123456789012:saml-provider/x"}, "SAMLAssertion": {"abc"}}
	err := new(stswire.AssumeRoleWithSAMLInput).DecodeQuery(v)
	const want = "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to 4"
	if err == nil || err.(*awsproto.Error).Message != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestOperations(t *testing.T) {
	unsigned := map[string]bool{}
	for _, op := range stswire.Operations {
		if op.Unsigned {
			unsigned[op.Name] = true
		}
	}
	if len(unsigned) != 2 || !unsigned["AssumeRoleWithWebIdentity"] || !unsigned["AssumeRoleWithSAML"] {
		t.Errorf("unsigned operations = %v", unsigned)
	}
	op, ok := stswire.LookupOperation("AssumeRole")
	if !ok || op.Name != "AssumeRole" || len(op.Errors) != 4 || op.Errors[0] != "MalformedPolicyDocument" {
		t.Errorf("AssumeRole = %+v, %v", op, ok)
	}
	if _, ok := stswire.LookupOperation("assumerole"); ok {
		t.Error("operation names are case-sensitive")
	}
	if e := stswire.ErrIDPRejectedClaim("x"); e.Code != "IDPRejectedClaim" || e.Status != 403 || !e.Sender {
		t.Errorf("IDPRejectedClaim = %+v", e)
	}
	if !stswire.ExpiredTokenException.Is(stswire.ErrExpiredToken("expired")) {
		t.Error("ErrorShape.Is")
	}
}
