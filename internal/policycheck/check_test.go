package policycheck

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

var testCatalog = sync.OnceValues(catalog.Load)

func loadCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := testCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// allCodes lists every issue code; TestCheck must produce each at least once.
var allCodes = []string{
	CodeMalformedPolicy, CodePolicyTooLarge, CodeUnsupportedCharacter, CodeMissingVersion,
	CodeVariableIn2008Version, CodeUnknownAction, CodeUnknownService, CodeActionResourceMismatch,
	CodeUnsupportedConditionKey, CodeUnknownConditionKey, CodeConditionTypeMismatch,
	CodeInvalidConditionValue, CodeSetOperatorOnSingleValuedKey, CodeMissingSetOperatorOnMultivaluedKey,
	CodeWildcardWithoutLikeOperator, CodeAllowInCustomRCP, CodeRCPUnsupportedService,
	CodeNotPrincipalInIdentityOrTrust, CodeAllowWithNotPrincipal, CodePassRoleWithStarResource,
	CodeAllowWithNotAction, CodeAllowAllActions, CodeRedundantAction, CodeRedundantResource,
}

// stmt builds a 2012-10-17 identity policy with the given statements.
func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// allow builds an Allow statement on actions and resources (JSON values) with
// an optional condition block.
func allow(actions, resources string, cond ...string) string {
	s := `{"Effect":"Allow","Action":` + actions + `,"Resource":` + resources
	if len(cond) > 0 {
		s += `,"Condition":` + cond[0]
	}
	return s + `}`
}

func deny(actions, resources string, cond ...string) string {
	return strings.Replace(allow(actions, resources, cond...), `"Allow"`, `"Deny"`, 1)
}

// w is an expected finding: "SEVERITY CODE statement".
type w struct {
	sev  Severity
	code string
	stmt int
}

func (x w) String() string { return fmt.Sprintf("%s %s %d", x.sev, x.code, x.stmt) }

const (
	E  = SeverityError
	SW = SeveritySecurityWarning
	W  = SeverityWarning
	S  = SeveritySuggestion
)

const (
	collabARN = `"arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c-1"`
	memberARN = `"arn:aws:cleanrooms:us-east-1:111122223333:membership/m-1"`
	roleARN   = `"arn:aws:iam::111122223333:role/service-role/cleanrooms-query"`
)

// big returns an identity policy whose non-whitespace size is about n
// characters, padded with pad bytes of whitespace.
func big(n, pad int) string {
	base := doc(allow(`"s3:GetObject"`, `"arn:aws:s3:::bucket/`+"KEY"+`"`))
	key := strings.Repeat("k", max(n-len(base)+3, 1))
	return strings.Replace(base, "KEY", key, 1) + strings.Repeat(" ", pad)
}

func TestCheck(t *testing.T) {
	cat := loadCatalog(t)
	tests := []struct {
		name string
		typ  policy.Type
		doc  string
		want []w // exactly these findings, in this order
	}{
		// Grammar. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
		{"json syntax", "", `{"Version":"2012-10-17","Statement":[`, []w{{E, CodeMalformedPolicy, -1}}},
		{"missing effect", "", doc(`{"Action":"s3:GetObject","Resource":"*"}`), []w{{E, CodeMalformedPolicy, 0}}},
		{"unknown element", "", doc(allow(`"s3:ListBucket"`, `"*"`), `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Foo":1}`), []w{{E, CodeMalformedPolicy, 1}}},
		// Principal in an identity policy, reported for every statement.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
		{"principal in identity policy", policy.TypeIdentity, doc(
			`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
			allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`),
			`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`),
			[]w{{E, CodeMalformedPolicy, 0}, {E, CodeMalformedPolicy, 2}}},
		// A resource-based policy needs a Principal.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
		{"resource policy without principal", policy.TypeResource, doc(allow(`"s3:GetObject"`, `"arn:aws:s3:::b/*"`)), []w{{E, CodeMalformedPolicy, 0}}},
		// NotPrincipal: not in identity-based policies nor role trust policies;
		// one finding, not a grammar error as well.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
		{"not principal in identity policy", policy.TypeIdentity, doc(
			`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
			[]w{{E, CodeNotPrincipalInIdentityOrTrust, 0}}},
		{"not principal (deny) in trust policy", policy.TypeTrust, doc(
			`{"Effect":"Allow","Principal":{"Service":"cleanrooms.amazonaws.com"},"Action":"sts:AssumeRole"}`,
			`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`),
			[]w{{E, CodeNotPrincipalInIdentityOrTrust, 1}}},
		{"not principal (allow) in trust policy", policy.TypeTrust, doc(
			`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`),
			[]w{{E, CodeNotPrincipalInIdentityOrTrust, 0}}},
		// NotPrincipal with Allow grants everyone else (Access Analyzer: "Allow
		// with NotPrincipal"); with Deny it is supported in resource policies.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
		{"allow with not principal in resource policy", policy.TypeResource, doc(
			`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`),
			[]w{{SW, CodeAllowWithNotPrincipal, 0}}},

		// Size quotas. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
		// (managed policy 6,144 and role trust policy 2,048 characters, white
		// space not counted; session policy 2,048 characters) and
		// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
		// (SCP and RCP 5,120 characters, white space counted).
		{"managed policy over 6144", policy.TypeIdentity, big(6200, 0), []w{{E, CodePolicyTooLarge, -1}}},
		{"managed policy at 6144 with white space", policy.TypeIdentity, big(6000, 3000), nil},
		{"boundary over 6144", policy.TypeBoundary, big(6200, 0), []w{{E, CodePolicyTooLarge, -1}}},
		{"session policy over 2048 with white space", policy.TypeSession, big(1500, 1000), []w{{E, CodePolicyTooLarge, -1}}},
		{"scp over 5120 with white space", policy.TypeSCP, big(4000, 2000), []w{{E, CodePolicyTooLarge, -1}}},
		{"scp under 5120", policy.TypeSCP, big(5000, 0), nil},
		{"rcp over 5120", policy.TypeRCP, strings.Replace(doc(
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/KEY"}`), "KEY", strings.Repeat("k", 5200), 1),
			[]w{{E, CodePolicyTooLarge, -1}}},
		{"trust policy over 2048 without white space", policy.TypeTrust, `{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/` + strings.Repeat("r", 2100) + `"},"Action":"sts:AssumeRole"}]}`,
			[]w{{E, CodePolicyTooLarge, -1}}},
		{"trust policy padded with white space", policy.TypeTrust, doc(
			`{"Effect":"Allow","Principal":{"Service":"cleanrooms.amazonaws.com"},"Action":"sts:AssumeRole"}`) + strings.Repeat("\n", 3000), nil},
		// IAM policy documents hold only tab, LF, CR and U+0020-U+00FF.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
		{"character outside latin-1", policy.TypeIdentity, doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/Read→All"}`),
			[]w{{E, CodeUnsupportedCharacter, -1}}},
		{"latin-1 character", policy.TypeIdentity, doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/Café"}`), nil},

		// Version. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
		// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
		{"missing version", "", `{"Statement":[` + allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`) + `]}`, []w{{W, CodeMissingVersion, -1}}},
		{"variable without version", "", `{"Statement":[` + allow(`"s3:GetObject"`, `"arn:aws:s3:::b/${aws:username}/*"`) + `]}`,
			[]w{{W, CodeMissingVersion, -1}, {E, CodeVariableIn2008Version, 0}}},
		{"variable in 2008 condition", "", `{"Version":"2008-10-17","Statement":[` +
			allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`, `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`) + `]}`,
			[]w{{E, CodeVariableIn2008Version, 0}}},
		{"variable in 2012", "", doc(allow(`"s3:GetObject"`, `"arn:aws:s3:::b/${aws:username}/*"`)), nil},

		// Actions. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
		// and the Clean Rooms actions of
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscleanrooms.html
		{"unknown action of a known service", "", doc(allow(`["cleanrooms:GetCollaborations","cleanrooms:GetCollaboration"]`, collabARN)),
			[]w{{E, CodeUnknownAction, 0}}},
		{"pattern matching no action", "", doc(allow(`"cleanrooms:Frobnicate*"`, `"*"`)), []w{{E, CodeUnknownAction, 0}}},
		{"unknown action in NotAction", "", doc(`{"Effect":"Deny","NotAction":"s3:GetObjekt","Resource":"*"}`), []w{{E, CodeUnknownAction, 0}}},
		{"action names are case-insensitive", "", doc(allow(`"CleanRooms:getcollaboration"`, collabARN)), nil},
		{"unknown service", "", doc(allow(`["ec2:RunInstances","ec2:Describe*"]`, `"*"`)), []w{{W, CodeUnknownService, 0}}},

		// Resources. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
		// and the resource types of the Service Authorization Reference:
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscleanrooms.html
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
		{"object action on a bucket ARN", "", doc(allow(`"s3:GetObject"`, `"arn:aws:s3:::bucket"`)), []w{{E, CodeActionResourceMismatch, 0}}},
		{"collaboration action on a membership ARN", "", doc(allow(`"cleanrooms:GetCollaboration"`, memberARN)), []w{{E, CodeActionResourceMismatch, 0}}},
		{"action without resource types on another service's ARN", "", doc(allow(`"cleanrooms:ListCollaborations"`, `"arn:aws:s3:::b"`)), []w{{E, CodeActionResourceMismatch, 0}}},
		{"pattern none of whose actions fit", "", doc(allow(`"cleanrooms:GetCollaboration*"`, `"arn:aws:s3:::b/*"`)), []w{{E, CodeActionResourceMismatch, 0}}},
		{"actions on matching ARNs", "", doc(
			allow(`["cleanrooms:GetCollaboration","cleanrooms:ListMembers"]`, `"arn:aws:cleanrooms:*:111122223333:collaboration/*"`),
			allow(`["cleanrooms:StartProtectedQuery","cleanrooms:GetProtectedQuery"]`, memberARN),
			allow(`"cleanrooms:Get*"`, memberARN),
			allow(`["s3:GetObject","s3:ListBucket"]`, `["arn:aws:s3:::b","arn:aws:s3:::b/*"]`),
			allow(`"sts:AssumeRole"`, roleARN),
			allow(`"cleanrooms:ListCollaborations"`, `"arn:aws:cleanrooms:us-east-1:111122223333:*"`),
			allow(`"s3:GetObject"`, `"arn:aws:s3:::b/${aws:username}"`)), nil},
		{"resource with wildcard service", "", doc(allow(`"cleanrooms:GetCollaboration"`, `"arn:aws:*"`)), nil},
		{"not resource is not checked", "", doc(`{"Effect":"Deny","Action":"cleanrooms:GetCollaboration","NotResource":"arn:aws:s3:::b"}`), nil},

		// Condition keys. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys
		{"key no action supports", "", doc(allow(`"cleanrooms:GetCollaboration"`, collabARN, `{"StringLike":{"s3:prefix":"home/*"}}`)),
			[]w{{W, CodeUnsupportedConditionKey, 0}}},
		{"keys the actions support", "", doc(
			allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`, `{"StringLike":{"s3:prefix":"home/*"}}`),
			allow(`"iam:PassRole"`, roleARN, `{"StringEquals":{"iam:PassedToService":"cleanrooms.amazonaws.com"}}`),
			allow(`"cleanrooms:CreateCollaboration"`, `"*"`, `{"StringEquals":{"aws:RequestTag/team":"data"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}`),
			allow(`"cleanrooms:GetCollaboration"`, collabARN, `{"StringEquals":{"aws:ResourceTag/team":"data","aws:PrincipalOrgID":"o-abc"}}`)), nil},
		{"unknown key of a known service", "", doc(allow(`"cleanrooms:GetCollaboration"`, collabARN,
			`{"StringEquals":{"cleanrooms:NoSuchKey":"x","aws:NoSuchKey":"y","ec2:Region":"z"}}`)),
			[]w{{W, CodeUnknownConditionKey, 0}, {W, CodeUnknownConditionKey, 0}}},
		{"trust policy federation keys", policy.TypeTrust, doc(
			`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/idp"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}`,
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}`),
			[]w{{W, CodeUnsupportedConditionKey, 1}}},

		// Operator and key types.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (key types)
		{"operator of another type than its key", "", doc(allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`,
			`{"DateGreaterThan":{"aws:username":"2024-01-01"},"NumericEquals":{"aws:PrincipalType":"1"},"Bool":{"aws:userid":"true"},`+
				`"IpAddress":{"aws:SourceVpc":"10.0.0.0/8"},"ArnLike":{"aws:SourceAccount":"arn:aws:iam::*"},"StringEquals":{"aws:SecureTransport":"true"}}`)),
			[]w{{W, CodeConditionTypeMismatch, 0}, {W, CodeConditionTypeMismatch, 0}, {W, CodeConditionTypeMismatch, 0},
				{W, CodeConditionTypeMismatch, 0}, {W, CodeConditionTypeMismatch, 0}, {W, CodeConditionTypeMismatch, 0}}},
		{"operators that fit their keys", "", doc(allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`,
			`{"StringLike":{"aws:SourceArn":"arn:aws:cleanrooms:*"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"},`+
				`"NumericLessThan":{"aws:EpochTime":"1700000000","aws:MultiFactorAuthAge":"3600"},"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"},`+
				`"Bool":{"aws:SecureTransport":"true"},"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"Null":{"aws:username":"false"}}`)), nil},
		{"values that do not parse", "", doc(allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`,
			`{"NumericLessThan":{"aws:MultiFactorAuthAge":"abc"},"DateLessThan":{"aws:CurrentTime":"yesterday"},"IpAddress":{"aws:SourceIp":"10.0.0.0/33"},`+
				`"BinaryEquals":{"s3:x-amz-content-sha256":"%%%"},"Bool":{"aws:SecureTransport":"yes"},"Null":{"aws:username":"maybe"},`+
				`"DateGreaterThan":{"aws:TokenIssueTime":"${aws:CurrentTime}"}}`)),
			[]w{{E, CodeInvalidConditionValue, 0}, {E, CodeInvalidConditionValue, 0}, {E, CodeInvalidConditionValue, 0}, {E, CodeInvalidConditionValue, 0},
				{E, CodeInvalidConditionValue, 0}, {E, CodeInvalidConditionValue, 0}, {E, CodeInvalidConditionValue, 0}, {W, CodeConditionTypeMismatch, 0}}},

		// Single- and multivalued keys.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
		{"ForAllValues on a single-valued key in Allow", "", doc(allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`, `{"ForAllValues:StringEquals":{"aws:RequestedRegion":"us-east-1"}}`)),
			[]w{{SW, CodeSetOperatorOnSingleValuedKey, 0}}},
		{"set qualifiers on single-valued keys", "", doc(
			allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`, `{"ForAnyValue:StringEquals":{"aws:RequestedRegion":"us-east-1"}}`),
			deny(`"s3:ListBucket"`, `"arn:aws:s3:::b"`, `{"ForAllValues:StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}`)),
			[]w{{W, CodeSetOperatorOnSingleValuedKey, 0}, {W, CodeSetOperatorOnSingleValuedKey, 1}}},
		{"multivalued key without a set qualifier", "", doc(allow(`"cleanrooms:TagResource"`, collabARN, `{"StringEquals":{"aws:TagKeys":"team"}}`)),
			[]w{{W, CodeMissingSetOperatorOnMultivaluedKey, 0}}},
		{"multivalued key with a set qualifier or Null", "", doc(allow(`"cleanrooms:TagResource"`, collabARN,
			`{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"},"Null":{"aws:TagKeys":"false"}}`)), nil},
		{"wildcard without a Like operator", "", doc(allow(`"s3:ListBucket"`, `"arn:aws:s3:::b"`,
			`{"StringEquals":{"aws:PrincipalTag/team":"data*"},"StringNotEquals":{"aws:PrincipalTag/unit":"a${*}b"}}`)),
			[]w{{W, CodeWildcardWithoutLikeOperator, 0}}},

		// RCPs: custom RCPs only deny, and apply to some services only.
		// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
		// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
		{"allow in a custom rcp", policy.TypeRCP, doc(
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}`),
			[]w{{E, CodeAllowInCustomRCP, 0}}},
		{"rcp on a service rcps do not apply to", policy.TypeRCP, doc(
			`{"Effect":"Deny","Principal":"*","Action":["cleanrooms:*","sts:AssumeRole"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}`),
			[]w{{W, CodeRCPUnsupportedService, 0}}},
		{"rcp without version", policy.TypeRCP, `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`,
			[]w{{E, CodeMalformedPolicy, -1}}},
		{"rcp with a principal other than star", policy.TypeRCP, doc(
			`{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}`),
			[]w{{E, CodeMalformedPolicy, 0}}},

		// Security warnings (Access Analyzer's policy check reference).
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
		{"pass role on star", "", doc(allow(`"iam:PassRole"`, `"*"`)), []w{{SW, CodePassRoleWithStarResource, 0}}},
		{"pass role through a wildcard on every role", "", doc(allow(`["iam:Pass*","iam:GetRole"]`, `"arn:aws:iam::111122223333:role/*"`)), []w{{SW, CodePassRoleWithStarResource, 0}}},
		{"pass role through iam:*", "", doc(allow(`"iam:*"`, `"*"`)), []w{{SW, CodePassRoleWithStarResource, 0}}},
		{"pass role on named roles", "", doc(
			allow(`"iam:PassRole"`, `"arn:aws:iam::*:role/service-role/*cleanrooms*"`, `{"StringEquals":{"iam:PassedToService":"cleanrooms.amazonaws.com"}}`),
			deny(`"iam:PassRole"`, `"*"`)), nil},
		{"allow with not action", "", doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`, `{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}`),
			[]w{{SW, CodeAllowWithNotAction, 0}}},
		{"allow with not action covers pass role", "", doc(`{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}`),
			[]w{{SW, CodeAllowWithNotAction, 0}, {SW, CodePassRoleWithStarResource, 0}}},
		{"allow all actions", "", doc(allow(`"*"`, `"*"`), allow(`"*:*"`, `"*"`)),
			[]w{{SW, CodeAllowAllActions, 0}, {SW, CodePassRoleWithStarResource, 0}, {SW, CodeAllowAllActions, 1}, {SW, CodePassRoleWithStarResource, 1}}},
		{"allow all in an scp is a filter", policy.TypeSCP, doc(allow(`"*"`, `"*"`)), nil},

		// Redundant entries (Access Analyzer suggestions).
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
		{"redundant actions and resources", "", doc(allow(`["cleanrooms:Get*","cleanrooms:GetCollaboration","cleanrooms:getcollaboration*","cleanrooms:ListMembers","cleanrooms:listmembers"]`,
			`["arn:aws:cleanrooms:us-east-1:111122223333:collaboration/*",`+collabARN+`]`)),
			[]w{{S, CodeRedundantAction, 0}, {S, CodeRedundantAction, 0}, {S, CodeRedundantAction, 0}, {S, CodeRedundantResource, 0}}},

		// Ordering: by statement, then the most severe first (Access Analyzer's
		// finding types, https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ValidatePolicyFinding.html).
		{"ordering", "", `{"Statement":[` + allow(`"s3:GetObject"`, `"arn:aws:s3:::b"`) + `,` +
			allow(`["iam:PassRole","iam:PassRole"]`, `"*"`, `{"StringEquals":{"aws:TagKeys":"x","s3:prefix":"p"},"NumericEquals":{"aws:MultiFactorAuthAge":"x"}}`) + `]}`,
			[]w{{W, CodeMissingVersion, -1}, {E, CodeActionResourceMismatch, 0},
				{E, CodeInvalidConditionValue, 1}, {SW, CodePassRoleWithStarResource, 1}, {W, CodeMissingSetOperatorOnMultivaluedKey, 1},
				{W, CodeUnsupportedConditionKey, 1}, {S, CodeRedundantAction, 1}}},

		// A least-privilege Clean Rooms policy: no findings at all.
		// https://docs.aws.amazon.com/clean-rooms/latest/userguide/security_iam_id-based-policy-examples.html
		{"least-privilege clean rooms policy", policy.TypeIdentity, `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ListCollaborations", "Effect": "Allow", "Action": ["cleanrooms:ListCollaborations", "cleanrooms:ListMemberships"], "Resource": "*"},
    {"Sid": "ReadCollaboration", "Effect": "Allow",
     "Action": ["cleanrooms:GetCollaboration", "cleanrooms:ListMembers"],
     "Resource": "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/*",
     "Condition": {"StringEquals": {"aws:ResourceTag/project": "ads"}}},
    {"Sid": "QueryInMembership", "Effect": "Allow",
     "Action": ["cleanrooms:GetMembership", "cleanrooms:StartProtectedQuery", "cleanrooms:GetProtectedQuery"],
     "Resource": ["arn:aws:cleanrooms:us-east-1:111122223333:membership/m-1", "arn:aws:cleanrooms:us-east-1:111122223333:membership/m-1/analysistemplate/*"]},
    {"Sid": "PassQueryRole", "Effect": "Allow", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam::111122223333:role/service-role/cleanrooms-query",
     "Condition": {"StringEquals": {"iam:PassedToService": "cleanrooms.amazonaws.com"}}},
    {"Sid": "Results", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetBucketLocation"],
     "Resource": ["arn:aws:s3:::results-bucket", "arn:aws:s3:::results-bucket/${aws:username}/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
  ]
}`, nil},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Check(cat, []byte(tt.doc), tt.typ)
			got := make([]string, len(fs))
			for i, f := range fs {
				got[i] = w{f.Severity, f.Code, f.Statement}.String()
				seen[f.Code] = true
				if f.Message == "" {
					t.Errorf("%v has no message", f)
				}
			}
			want := make([]string, len(tt.want))
			for i, x := range tt.want {
				want[i] = x.String()
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n got %q\nwant %q", got, want)
				for _, f := range fs {
					t.Log(f)
				}
			}
		})
	}
	for _, c := range allCodes {
		if !seen[c] {
			t.Errorf("no test case produces %s", c)
		}
	}
}

// TestManagedPolicies checks the AWS managed policies of the catalog: no
// version of an IAM managed policy has an ERROR, FullAWSAccess is a clean
// SCP, and RCPFullAWSAccess is the one RCP with Allow, which a custom RCP
// may not have (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
func TestManagedPolicies(t *testing.T) {
	cat := loadCatalog(t)
	n := 0
	for _, m := range cat.ManagedPolicies() {
		for _, v := range m.Versions {
			n++
			switch m.Kind {
			case "iam":
				fs := Check(cat, v.Document, policy.TypeIdentity)
				if HasErrors(fs) {
					t.Errorf("%s %s: %v", m.Name, v.VersionID, fs)
				}
				if strings.HasPrefix(m.Name, "AWSCleanRooms") && len(fs) > 0 {
					t.Errorf("%s %s: want no findings, got %v", m.Name, v.VersionID, fs)
				}
			case "scp":
				if fs := Check(cat, v.Document, policy.TypeSCP); len(fs) > 0 {
					t.Errorf("%s: %v", m.Name, fs)
				}
			case "rcp":
				fs := Check(cat, v.Document, policy.TypeRCP)
				if len(fs) != 1 || fs[0].Code != CodeAllowInCustomRCP {
					t.Errorf("%s: %v", m.Name, fs)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("the catalog has no managed policies")
	}
}

func TestNilCatalog(t *testing.T) {
	fs := Check(nil, []byte(doc(allow(`["cleanrooms:NoSuchAction","ec2:Run*"]`, `"arn:aws:s3:::b"`,
		`{"NumericEquals":{"aws:MultiFactorAuthAge":"x"}}`))), "")
	if len(fs) != 1 || fs[0].Code != CodeInvalidConditionValue {
		t.Errorf("got %v", fs)
	}
}

func TestFindingJSON(t *testing.T) {
	b, err := json.Marshal(Finding{Severity: SeverityError, Code: CodeUnknownAction, Message: "m", Statement: 2, Sid: "S"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"findingType":"ERROR","issueCode":"UNKNOWN_ACTION","message":"m","statementIndex":2,"sid":"S"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	f := Finding{Severity: SeverityWarning, Code: CodeMissingVersion, Message: "m", Statement: -1}
	if got, want := f.String(), "WARNING MISSING_VERSION: m"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPatternMeetsFormat(t *testing.T) {
	const collab = "arn:${Partition}:cleanrooms:${Region}:${Account}:collaboration/${CollaborationId}"
	const object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
	tests := []struct {
		pattern, format string
		want            bool
	}{
		{"arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c", collab, true},
		{"arn:aws:cleanrooms:*:*:collaboration/*", collab, true},
		{"arn:aws:cleanrooms:us-east-1:111122223333:*", collab, true},
		{"arn:aws:cleanrooms:us-east-1:111122223333:membership/m", collab, false},
		{"arn:aws:s3:::b/*", collab, false}, // a placeholder in the first fields does not span ':'
		{"arn:aws:s3:::b", object, false},
		{"arn:aws:s3:::b/k", object, true},
		{"arn:aws:s3:::b?k", object, true},
		{"arn:aws:s3:::b*", object, true},
		{"arn:*", collab, true},
		{"*", object, true},
		{"arn:aws:s3:us-east-1::b/k", object, false},
	}
	for _, tt := range tests {
		if got := patternMeetsFormat(tt.pattern, formatTokens(tt.format)); got != tt.want {
			t.Errorf("patternMeetsFormat(%q, %q) = %v, want %v", tt.pattern, tt.format, got, tt.want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	cat := loadCatalog(f)
	for _, s := range []string{
		doc(allow(`"cleanrooms:GetCollaboration"`, collabARN)),
		doc(allow(`["iam:Pass*","s3:*"]`, `["*","arn:aws:s3:::b/${aws:username}"]`, `{"ForAllValues:StringLike":{"aws:TagKeys":"a*"},"NumericLessThan":{"aws:EpochTime":"1"}}`)),
		`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"NotAction":"s3:Get*","NotResource":"arn:aws:s3:::b"}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"x:y"}]}`,
		`{"Version":"2012-10-17","Statement":[`,
	} {
		for _, typ := range []string{"identity", "resource", "trust", "scp", "rcp", "boundary", "session"} {
			f.Add([]byte(s), typ)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, typ string) {
		pt, err := policy.ParseType(typ)
		if err != nil {
			pt = policy.TypeIdentity
		}
		fs := Check(cat, data, pt)
		for i, x := range fs {
			if x.Code == "" || x.Message == "" || x.Severity.rank() > 3 {
				t.Fatalf("bad finding %+v", x)
			}
			if i > 0 && (fs[i-1].Statement > x.Statement || (fs[i-1].Statement == x.Statement && fs[i-1].Severity.rank() > x.Severity.rank())) {
				t.Fatalf("findings out of order: %v", fs)
			}
		}
	})
}
