package policy_test

// Table tests that encode the AWS IAM User Guide, one rule a case. Each case
// names in its doc field the page whose rule it encodes. Where the pages are
// silent or contradict each other, the case comment says so.

import (
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

const (
	ug = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"

	docVersion      = ug + "reference_policies_elements_version.html"
	docGrammar      = ug + "reference_policies_grammar.html"
	docStatement    = ug + "reference_policies_elements_statement.html"
	docSid          = ug + "reference_policies_elements_sid.html"
	docID           = ug + "reference_policies_elements_id.html"
	docEffect       = ug + "reference_policies_elements_effect.html"
	docPrincipal    = ug + "reference_policies_elements_principal.html"
	docNotPrincipal = ug + "reference_policies_elements_notprincipal.html"
	docAction       = ug + "reference_policies_elements_action.html"
	docNotAction    = ug + "reference_policies_elements_notaction.html"
	docResource     = ug + "reference_policies_elements_resource.html"
	docNotResource  = ug + "reference_policies_elements_notresource.html"
	docCondition    = ug + "reference_policies_elements_condition.html"
	docOperators    = ug + "reference_policies_elements_condition_operators.html"
	docMultiKeys    = ug + "reference_policies_condition-logic-multiple-context-keys-or-values.html"
	docSingleMulti  = ug + "reference_policies_condition-single-vs-multi-valued-context-keys.html"
	docMultiExample = ug + "reference_policies_condition_examples-multi-valued-context-keys.html"
	docVariables    = ug + "reference_policies_variables.html"
	docRCPSyntax    = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"
)

// v12 wraps statements in a 2012-10-17 policy.
func v12(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// allowCond is an identity policy allowing s3:GetObject on everything under
// the given Condition block.
func allowCond(cond string) string {
	return v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + cond + `}`)
}

// ---------------------------------------------------------------------------
// Parsing

type parseCase struct {
	name    string
	doc     string
	typ     policy.Type
	json    string
	wantErr bool
}

var parseCases = []parseCase{
	// Version
	{"version 2012-10-17", docVersion, policy.TypeIdentity,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`, false},
	{"version 2008-10-17", docVersion, policy.TypeIdentity,
		`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`, false},
	{"version absent is allowed (optional version_block)", docGrammar, policy.TypeIdentity,
		`{"Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`, false},
	{"version other than the two dates is invalid", docGrammar, policy.TypeIdentity,
		`{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`, true},
	{"version must be a string date", docGrammar, policy.TypeIdentity,
		`{"Version":2012,"Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`, true},
	// Id
	{"Id in a resource-based policy", docID, policy.TypeResource,
		`{"Version":"2012-10-17","Id":"cd3ad3d9-2776-4ef1-a904-4c229d1642ee","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, false},
	{"Id must be a string (policy_id_string)", docGrammar, policy.TypeResource,
		`{"Version":"2012-10-17","Id":1,"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, true},
	// Statement
	{"Statement as a single object", docStatement, policy.TypeIdentity,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, false},
	{"Statement as an array", docStatement, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}`), false},
	{"Statement is required", docStatement, policy.TypeIdentity,
		`{"Version":"2012-10-17"}`, true},
	// Sid
	{"Sid values unique", docSid, policy.TypeIdentity,
		v12(`{"Sid":"A1","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, `{"Sid":"A2","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`), false},
	{"duplicate Sid in one policy", docSid, policy.TypeIdentity,
		v12(`{"Sid":"Same","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, `{"Sid":"Same","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`), true},
	// The Sid page: "The Sid element supports ASCII uppercase letters (A-Z),
	// lowercase letters (a-z), and numbers (0-9)"; the grammar notes: "For IAM
	// policies, basic alphanumeric characters (A-Z,a-z,0-9) are the only
	// allowed characters in the Sid value". Other services' resource-based
	// policies may allow more, so this is asserted for identity policies only.
	{"Sid with non-alphanumeric characters in an IAM identity policy", docSid, policy.TypeIdentity,
		v12(`{"Sid":"allow s3-read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), true},
	// Effect
	{"Effect Deny", docEffect, policy.TypeIdentity,
		v12(`{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`), false},
	{"Effect other than Allow or Deny", docEffect, policy.TypeIdentity,
		v12(`{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}`), true},
	// The grammar gives the literal strings "Allow" | "Deny".
	{"Effect is the literal Allow, not allow", docGrammar, policy.TypeIdentity,
		v12(`{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}`), true},
	{"Effect is required", docEffect, policy.TypeIdentity,
		v12(`{"Action":"s3:GetObject","Resource":"*"}`), true},
	// Principal
	{`Principal "*"`, docPrincipal, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false},
	{`Principal {"AWS":"*"}`, docPrincipal, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false},
	{"Principal AWS account id short form", docPrincipal, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false},
	{"Principal AWS account root ARN", docPrincipal, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false},
	{"Principal AWS array of user, role and role session ARNs", docPrincipal, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/Bob","arn:aws:iam::123456789012:role/R","arn:aws:sts::123456789012:assumed-role/R/s1"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false},
	{"Principal Service", docPrincipal, policy.TypeTrust,
		v12(`{"Effect":"Allow","Principal":{"Service":["cleanrooms.amazonaws.com"]},"Action":"sts:AssumeRole"}`), false},
	{"Principal Federated (OIDC provider)", docPrincipal, policy.TypeTrust,
		v12(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`), false},
	{"Principal CanonicalUser", docGrammar, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false},
	{"Principal with an unknown principal type", docGrammar, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":{"Group":"arn:aws:iam::123456789012:group/G"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
	// Grammar notes: "you can use * only to specify everyone/anonymous. You
	// cannot use it to specify part of a name or ARN."
	{"Principal ARN with a wildcard", docGrammar, policy.TypeResource,
		v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
	{"identity policy must not have Principal", docPrincipal, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), true},
	{"resource-based policy needs Principal", docGrammar, policy.TypeResource,
		v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
	{"trust policy needs Principal", docGrammar, policy.TypeTrust,
		v12(`{"Effect":"Allow","Action":"sts:AssumeRole"}`), true},
	// A role trust policy names no Resource (the role is the resource); IAM
	// refuses one that has it ("Has prohibited field Resource").
	{"trust policy must not have Resource", docPrincipal, policy.TypeTrust,
		v12(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Resource":"*"}`), true},
	{`RCP Principal "*"`, docRCPSyntax, policy.TypeRCP,
		v12(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), false},
	{`RCP Principal other than "*"`, docRCPSyntax, policy.TypeRCP,
		v12(`{"Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}`), true},
	{"RCP does not support NotPrincipal", docNotPrincipal, policy.TypeRCP,
		v12(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}`), true},
	{"NotPrincipal with Deny in a resource-based policy", docNotPrincipal, policy.TypeResource,
		v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":["arn:aws:s3:::BUCKETNAME","arn:aws:s3:::BUCKETNAME/*"]}`), false},
	{"Principal and NotPrincipal together", docGrammar, policy.TypeResource,
		v12(`{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}`), true},
	// Action / NotAction, Resource / NotResource, string or array
	{"Action as a string", docAction, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*"}`), false},
	{"Action as an array", docAction, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":["ec2:StartInstances","ec2:StopInstances"],"Resource":"*"}`), false},
	{"NotAction", docNotAction, policy.TypeIdentity,
		v12(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), false},
	{"Action and NotAction together", docGrammar, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}`), true},
	{"Action is required", docGrammar, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Resource":"*"}`), true},
	{"Resource as an array", docResource, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`), false},
	{"NotResource", docNotResource, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}`), false},
	{"identity statement needs Resource or NotResource", docResource, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"s3:*"}`), true},
	{"Resource and NotResource together", docGrammar, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::b"}`), true},
	// Condition
	{"Condition with string, number and Boolean values", docGrammar, policy.TypeIdentity,
		allowCond(`{"NumericLessThanEquals":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true},"StringEquals":{"s3:prefix":["a","b"]}}`), false},
	{"unknown condition operator", docOperators, policy.TypeIdentity,
		allowCond(`{"StringSortOfEquals":{"s3:prefix":"a"}}`), true},
	{"Null takes no IfExists", docOperators, policy.TypeIdentity,
		allowCond(`{"NullIfExists":{"aws:TokenIssueTime":"true"}}`), true},
	// Structure
	{"duplicate key in a statement (Effect twice)", docGrammar, policy.TypeIdentity,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}}`, true},
	{"duplicate key at the top (Version twice)", docGrammar, policy.TypeIdentity,
		`{"Version":"2012-10-17","Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, true},
	{"duplicate condition key under one operator", docGrammar, policy.TypeIdentity,
		allowCond(`{"StringEquals":{"s3:prefix":"a","s3:prefix":"b"}}`), true},
	{"blocks in any order", docGrammar, policy.TypeIdentity,
		`{"Statement":{"Resource":"*","Action":"s3:*","Effect":"Allow"},"Version":"2012-10-17"}`, false},
	{"unknown top-level element", docGrammar, policy.TypeIdentity,
		`{"Version":"2012-10-17","Comment":"x","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, true},
	{"unknown statement element", docGrammar, policy.TypeIdentity,
		v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Description":"x"}`), true},
}

func TestDocParse(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(c.json), c.typ)
			if (err != nil) != c.wantErr {
				t.Errorf("Parse(%s) error = %v, want error %v\n  doc: %s", c.typ, err, c.wantErr, c.doc)
			}
		})
	}
}

// TestDocParseShape checks what Parse records about the document.
func TestDocParseShape(t *testing.T) {
	// doc: reference_policies_elements_version.html — "If you do not include a
	// Version element, the value defaults to 2008-10-17".
	p, err := policy.Parse([]byte(`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`), policy.TypeIdentity)
	if err != nil {
		t.Fatal(err)
	}
	if p.EffectiveVersion() != policy.Version2008 {
		t.Errorf("absent Version: EffectiveVersion = %q, want 2008-10-17 (%s)", p.EffectiveVersion(), docVersion)
	}
	if !p.SingleStatement || len(p.Statements) != 1 {
		t.Errorf("Statement object: SingleStatement=%v len=%d (%s)", p.SingleStatement, len(p.Statements), docStatement)
	}
	// doc: reference_policies_elements_principal.html — the account id and the
	// account root ARN are both account principals.
	p, err = policy.Parse([]byte(v12(`{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root"],"Service":"s3.amazonaws.com"},"Action":"s3:*","Resource":"*"}`)), policy.TypeResource)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.Statements[0].Principal.Entries); got != 3 {
		t.Errorf("principal entries = %d, want 3 (%s)", got, docPrincipal)
	}
}

// ---------------------------------------------------------------------------
// Evaluation of one policy

type evalCase struct {
	name      string
	doc       string
	policy    string
	typ       policy.Type // zero: identity
	action    string      // zero: s3:GetObject
	resource  string      // zero: arn:aws:s3:::bucket/key
	principal string      // caller ARN, for Principal elements
	ctx       map[string]any
	allow     bool // want Outcome.Allowed
	deny      bool // want Outcome.Denied
}

func newCtx(m map[string]any) *policy.Context {
	ctx := policy.NewContext(len(m))
	for k, v := range m {
		switch v := v.(type) {
		case string:
			ctx.Set(k, v)
		case []string:
			ctx.SetMulti(k, v...)
		default:
			panic("bad context value")
		}
	}
	return ctx
}

var evalCases = []evalCase{
	// ----- Action matching
	{name: "action exact", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), allow: true},
	{name: "action prefix and name are case-insensitive", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"S3:getobject","Resource":"*"}`), action: "s3:GetObject", allow: true},
	{name: "action request in other case", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"iam:ListAccessKeys","Resource":"*"}`), action: "IAM:listaccesskeys", allow: true},
	{name: "action wildcard *", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`), action: "s3:GetObjectTagging", allow: true},
	{name: "action wildcard * is case-insensitive", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"s3:get*","Resource":"*"}`), action: "s3:GetObject", allow: true},
	{name: "action wildcard ? is one character", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"s3:Get?bject","Resource":"*"}`), action: "s3:GetObject", allow: true},
	{name: "action wildcard ? is not two characters", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"s3:Get?bject","Resource":"*"}`), action: "s3:GetXXbject", allow: false},
	{name: "action of another service", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), action: "iam:GetUser", allow: false},
	{name: "action * matches every action", doc: docAction,
		policy: v12(`{"Effect":"Allow","Action":"*","Resource":"*"}`), action: "cleanrooms:GetCollaboration", allow: true},
	{name: "NotAction with Allow: other actions allowed", doc: docNotAction,
		policy: v12(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), action: "s3:GetObject", allow: true},
	{name: "NotAction with Allow: listed action not allowed", doc: docNotAction,
		policy: v12(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), action: "iam:CreateUser", allow: false},
	{name: "NotAction with Deny: other actions denied", doc: docNotAction,
		policy: v12(`{"Effect":"Deny","NotAction":["iam:ChangePassword","iam:GetUser"],"Resource":"*"}`), action: "s3:GetObject", deny: true},
	{name: "NotAction with Deny: listed action not denied", doc: docNotAction,
		policy: v12(`{"Effect":"Deny","NotAction":["iam:ChangePassword","iam:GetUser"],"Resource":"*"}`), action: "iam:getuser", deny: false},

	// ----- Resource matching
	{name: "resource exact", doc: docResource,
		policy: v12(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/Bob"}`),
		action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/Bob", allow: true},
	{name: "resource is case-sensitive (IAM user name)", doc: docResource,
		policy: v12(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/Bob"}`),
		action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/bob", allow: false},
	{name: "resource wildcard * spans slashes within the segment", doc: docResource,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}`),
		resource: "arn:aws:s3:::amzn-s3-demo-bucket/a/b/c.txt", allow: true},
	{name: "resource wildcard after the bucket does not match another bucket", doc: docResource,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}`),
		resource: "arn:aws:s3:::amzn-s3-demo-bucket2/a", allow: false},
	{name: "resource path wildcard", doc: docResource,
		policy: v12(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/accounting/*"}`),
		action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/accounting/alice", allow: true},
	{name: "resource ? wildcard in a segment", doc: docResource,
		policy: v12(`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-?:123456789012:queue1"}`),
		action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-2:123456789012:queue1", allow: true},
	{name: "resource * in the region segment", doc: docResource,
		policy: v12(`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:123456789012:queue1"}`),
		action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-2:123456789012:queue1", allow: true},
	{name: "resource * in the region segment, other account", doc: docResource,
		policy: v12(`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:123456789012:queue1"}`),
		action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-2:999999999999:queue1", allow: false},
	{name: "resource * in the last segment may match colons", doc: docResource,
		policy: v12(`{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:123456789012:log-group:*"}`),
		action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:123456789012:log-group:g1:log-stream:s1", allow: true},
	{name: "NotResource with Allow: other resources", doc: docNotResource,
		policy:   v12(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::HRBucket/Payroll/*"}`),
		resource: "arn:aws:s3:::HRBucket/Public/a", allow: true},
	{name: "NotResource with Allow: listed resource not allowed", doc: docNotResource,
		policy:   v12(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::HRBucket/Payroll/*"}`),
		resource: "arn:aws:s3:::HRBucket/Payroll/a", allow: false},
	{name: "NotResource with Deny: everything but the listed resource denied", doc: docNotResource,
		policy:   v12(`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}`),
		resource: "arn:aws:s3:::Other/a", deny: true},

	// ----- Condition element: key names, several keys/values/operators
	{name: "condition key names are not case-sensitive", doc: docCondition,
		policy: allowCond(`{"IpAddress":{"AWS:SourceIP":"203.0.113.0/24"}}`),
		ctx:    map[string]any{"aws:SourceIp": "203.0.113.9"}, allow: true},
	{name: "StringEquals value is case-sensitive (john, not John)", doc: docCondition,
		policy: allowCond(`{"StringEquals":{"aws:username":"john"}}`),
		ctx:    map[string]any{"aws:username": "John"}, allow: false},
	{name: "several values are ORed", doc: docMultiKeys,
		policy: allowCond(`{"StringEquals":{"aws:PrincipalTag/dept":["eng","ops"]}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "ops"}, allow: true},
	{name: "several keys under one operator are ANDed (one fails)", doc: docMultiKeys,
		policy: allowCond(`{"StringEquals":{"aws:PrincipalTag/dept":"eng","aws:PrincipalTag/role":"admin"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "eng", "aws:PrincipalTag/role": "dev"}, allow: false},
	{name: "several keys under one operator are ANDed (all hold)", doc: docMultiKeys,
		policy: allowCond(`{"StringEquals":{"aws:PrincipalTag/dept":"eng","aws:PrincipalTag/role":"admin"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "eng", "aws:PrincipalTag/role": "admin"}, allow: true},
	{name: "several operators are ANDed (one fails)", doc: docMultiKeys,
		policy: allowCond(`{"StringEquals":{"aws:PrincipalTag/dept":"eng"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Admin*"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "eng", "aws:PrincipalArn": "arn:aws:iam::123456789012:role/Dev"}, allow: false},
	{name: "several operators are ANDed (all hold)", doc: docMultiKeys,
		policy: allowCond(`{"StringEquals":{"aws:PrincipalTag/dept":"eng"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Admin*"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "eng", "aws:PrincipalArn": "arn:aws:iam::123456789012:role/AdminX"}, allow: true},
	{name: "negated operator with several values is a NOR (matches one)", doc: docMultiKeys,
		policy: allowCond(`{"StringNotEquals":{"aws:PrincipalTag/dept":["eng","ops"]}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "ops"}, allow: false},
	{name: "negated operator with several values is a NOR (matches none)", doc: docMultiKeys,
		policy: allowCond(`{"StringNotEquals":{"aws:PrincipalTag/dept":["eng","ops"]}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "hr"}, allow: true},

	// ----- Missing keys
	{name: "missing key fails a positive operator", doc: docOperators,
		policy: allowCond(`{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`), allow: false},
	{name: "missing key satisfies StringNotLike", doc: docOperators,
		policy: allowCond(`{"StringNotLike":{"aws:PrincipalTag/dept":"eng*"}}`), allow: true},
	{name: "missing key satisfies ArnNotLike", doc: docOperators,
		policy: allowCond(`{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:t"}}`), allow: true},
	{name: "missing key satisfies NumericNotEquals", doc: docOperators,
		policy: allowCond(`{"NumericNotEquals":{"s3:max-keys":"10"}}`), allow: true},
	{name: "missing key satisfies NotIpAddress", doc: docOperators,
		policy: allowCond(`{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), allow: true},
	{name: "IfExists with missing key is true", doc: docOperators,
		policy: allowCond(`{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`), allow: true},
	{name: "IfExists with present matching key", doc: docOperators,
		policy: allowCond(`{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`),
		ctx:    map[string]any{"ec2:InstanceType": "t2.micro"}, allow: true},
	{name: "IfExists with present non-matching key is false", doc: docOperators,
		policy: allowCond(`{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`),
		ctx:    map[string]any{"ec2:InstanceType": "p4d.24xlarge"}, allow: false},
	{name: "NumericLessThanIfExists with missing key", doc: docOperators,
		policy: allowCond(`{"NumericLessThanIfExists":{"s3:max-keys":"10"}}`), allow: true},
	{name: "negated IfExists in a Deny with missing key still denies", doc: docOperators,
		policy: v12(`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:ResourceTag/team":"eng"}}}`),
		deny:   true},

	// ----- String operators
	{name: "StringEquals match", doc: docOperators,
		policy: allowCond(`{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/job-category": "iamuser-admin"}, allow: true},
	{name: "StringEquals treats * literally", doc: docOperators,
		policy: allowCond(`{"StringEquals":{"s3:prefix":"home/*"}}`),
		ctx:    map[string]any{"s3:prefix": "home/alice"}, allow: false},
	{name: "StringNotEquals with different value", doc: docOperators,
		policy: allowCond(`{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}`),
		ctx:    map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"}, allow: true},
	{name: "StringNotEquals with equal value", doc: docOperators,
		policy: allowCond(`{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}`),
		ctx:    map[string]any{"s3:x-amz-server-side-encryption": "AES256"}, allow: false},
	{name: "StringEqualsIgnoreCase ignores case", doc: docOperators,
		policy: allowCond(`{"StringEqualsIgnoreCase":{"aws:PrincipalTag/dept":"Engineering"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "ENGINEERING"}, allow: true},
	{name: "StringEqualsIgnoreCase other value", doc: docOperators,
		policy: allowCond(`{"StringEqualsIgnoreCase":{"aws:PrincipalTag/dept":"Engineering"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "Engineers"}, allow: false},
	{name: "StringNotEqualsIgnoreCase same value other case", doc: docOperators,
		policy: allowCond(`{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/dept":"Engineering"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "engineering"}, allow: false},
	{name: "StringNotEqualsIgnoreCase other value", doc: docOperators,
		policy: allowCond(`{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/dept":"Engineering"}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "sales"}, allow: true},
	{name: "StringLike * wildcard", doc: docOperators,
		policy: allowCond(`{"StringLike":{"s3:prefix":["","home/","home/alice/*"]}}`),
		ctx:    map[string]any{"s3:prefix": "home/alice/docs/a.txt"}, allow: true},
	{name: "StringLike empty-string value matches empty", doc: docOperators,
		policy: allowCond(`{"StringLike":{"s3:prefix":["","home/"]}}`),
		ctx:    map[string]any{"s3:prefix": ""}, allow: true},
	{name: "StringLike ? wildcard", doc: docOperators,
		policy: allowCond(`{"StringLike":{"s3:prefix":"file?.txt"}}`),
		ctx:    map[string]any{"s3:prefix": "file7.txt"}, allow: true},
	{name: "StringLike needs wildcards for partial matches", doc: docOperators,
		policy: allowCond(`{"StringLike":{"s3:prefix":"home"}}`),
		ctx:    map[string]any{"s3:prefix": "home/alice"}, allow: false},
	{name: "StringLike is case-sensitive", doc: docOperators,
		policy: allowCond(`{"StringLike":{"s3:prefix":"Home/*"}}`),
		ctx:    map[string]any{"s3:prefix": "home/alice"}, allow: false},
	{name: "StringNotLike matching value", doc: docOperators,
		policy: allowCond(`{"StringNotLike":{"s3:prefix":"private/*"}}`),
		ctx:    map[string]any{"s3:prefix": "private/x"}, allow: false},
	{name: "StringNotLike non-matching value", doc: docOperators,
		policy: allowCond(`{"StringNotLike":{"s3:prefix":"private/*"}}`),
		ctx:    map[string]any{"s3:prefix": "public/x"}, allow: true},

	// ----- Numeric operators (integer or decimal)
	{name: "NumericEquals", doc: docOperators,
		policy: allowCond(`{"NumericEquals":{"s3:max-keys":"10"}}`), ctx: map[string]any{"s3:max-keys": "10"}, allow: true},
	{name: "NumericEquals other", doc: docOperators,
		policy: allowCond(`{"NumericEquals":{"s3:max-keys":"10"}}`), ctx: map[string]any{"s3:max-keys": "11"}, allow: false},
	{name: "NumericNotEquals", doc: docOperators,
		policy: allowCond(`{"NumericNotEquals":{"s3:max-keys":"10"}}`), ctx: map[string]any{"s3:max-keys": "11"}, allow: true},
	{name: "NumericNotEquals equal", doc: docOperators,
		policy: allowCond(`{"NumericNotEquals":{"s3:max-keys":"10"}}`), ctx: map[string]any{"s3:max-keys": "10"}, allow: false},
	{name: "NumericLessThan", doc: docOperators,
		policy: allowCond(`{"NumericLessThan":{"s3:max-keys":"10"}}`), ctx: map[string]any{"s3:max-keys": "9"}, allow: true},
	{name: "NumericLessThan equal is not less", doc: docOperators,
		policy: allowCond(`{"NumericLessThan":{"s3:max-keys":"10"}}`), ctx: map[string]any{"s3:max-keys": "10"}, allow: false},
	{name: "NumericLessThanEquals up to 10 (JSON number value)", doc: docOperators,
		policy: allowCond(`{"NumericLessThanEquals":{"s3:max-keys":10}}`), ctx: map[string]any{"s3:max-keys": "10"}, allow: true},
	{name: "NumericLessThanEquals above", doc: docOperators,
		policy: allowCond(`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`), ctx: map[string]any{"s3:max-keys": "11"}, allow: false},
	{name: "NumericEquals compares numbers, not text (10.0 = 10)", doc: docOperators,
		policy: allowCond(`{"NumericEquals":{"s3:max-keys":"10.0"}}`), ctx: map[string]any{"s3:max-keys": "10"}, allow: true},
	{name: "NumericGreaterThan decimal", doc: docOperators,
		policy: allowCond(`{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"1.5"}}`), ctx: map[string]any{"aws:MultiFactorAuthAge": "2"}, allow: true},
	{name: "NumericGreaterThan decimal not greater", doc: docOperators,
		policy: allowCond(`{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"1.5"}}`), ctx: map[string]any{"aws:MultiFactorAuthAge": "1.25"}, allow: false},
	{name: "NumericGreaterThanEquals", doc: docOperators,
		policy: allowCond(`{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"3600"}}`), ctx: map[string]any{"aws:MultiFactorAuthAge": "3600"}, allow: true},
	{name: "NumericGreaterThanEquals below", doc: docOperators,
		policy: allowCond(`{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"3600"}}`), ctx: map[string]any{"aws:MultiFactorAuthAge": "3599"}, allow: false},
	{name: "Numeric with missing key", doc: docOperators,
		policy: allowCond(`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`), allow: false},

	// ----- Date operators (W3C ISO 8601 or epoch)
	{name: "DateGreaterThan ISO 8601", doc: docOperators,
		policy: allowCond(`{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`),
		ctx:    map[string]any{"aws:TokenIssueTime": "2020-06-01T12:00:00Z"}, allow: true},
	{name: "DateGreaterThan ISO 8601 earlier", doc: docOperators,
		policy: allowCond(`{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`),
		ctx:    map[string]any{"aws:TokenIssueTime": "2019-12-31T23:59:59Z"}, allow: false},
	{name: "DateLessThan epoch value", doc: docOperators,
		policy: allowCond(`{"DateLessThan":{"aws:CurrentTime":"1577836801"}}`),
		ctx:    map[string]any{"aws:CurrentTime": "2019-12-31T23:59:59Z"}, allow: true},
	{name: "DateLessThan epoch value later", doc: docOperators,
		policy: allowCond(`{"DateLessThan":{"aws:CurrentTime":"1577836801"}}`),
		ctx:    map[string]any{"aws:CurrentTime": "2020-01-01T00:00:02Z"}, allow: false},
	{name: "DateEquals ISO 8601 and epoch denote the same instant", doc: docOperators,
		policy: allowCond(`{"DateEquals":{"aws:EpochTime":"2020-01-01T00:00:01Z"}}`),
		ctx:    map[string]any{"aws:EpochTime": "1577836801"}, allow: true},
	{name: "DateNotEquals", doc: docOperators,
		policy: allowCond(`{"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`),
		ctx:    map[string]any{"aws:CurrentTime": "2020-01-01T00:00:00Z"}, allow: false},
	{name: "DateLessThanEquals at the instant", doc: docOperators,
		policy: allowCond(`{"DateLessThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`),
		ctx:    map[string]any{"aws:CurrentTime": "2020-01-01T00:00:00Z"}, allow: true},
	{name: "DateGreaterThanEquals W3C date-only form", doc: docOperators,
		policy: allowCond(`{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01"}}`),
		ctx:    map[string]any{"aws:CurrentTime": "2020-01-01T00:00:00Z"}, allow: true},
	// 01:00+02:00 is 23:00Z the day before: 23:30Z is not less than it.
	{name: "Date W3C form with time-zone offset is honoured", doc: docOperators,
		policy: allowCond(`{"DateLessThan":{"aws:CurrentTime":"2020-01-01T01:00:00+02:00"}}`),
		ctx:    map[string]any{"aws:CurrentTime": "2019-12-31T23:30:00Z"}, allow: false},
	{name: "Date W3C form with time-zone offset, earlier instant", doc: docOperators,
		policy: allowCond(`{"DateLessThan":{"aws:CurrentTime":"2020-01-01T01:00:00+02:00"}}`),
		ctx:    map[string]any{"aws:CurrentTime": "2019-12-31T22:30:00Z"}, allow: true},
	{name: "Date with missing key", doc: docOperators,
		policy: allowCond(`{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`), allow: false},

	// ----- Bool
	{name: "Bool true", doc: docOperators,
		policy: allowCond(`{"Bool":{"aws:SecureTransport":"true"}}`), ctx: map[string]any{"aws:SecureTransport": "true"}, allow: true},
	{name: "Bool false value vs true", doc: docOperators,
		policy: allowCond(`{"Bool":{"aws:SecureTransport":"false"}}`), ctx: map[string]any{"aws:SecureTransport": "true"}, allow: false},
	{name: "Bool JSON literal false", doc: docGrammar,
		policy: v12(`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}`),
		ctx:    map[string]any{"aws:SecureTransport": "false"}, deny: true},
	{name: "Bool with missing key", doc: docOperators,
		policy: allowCond(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), allow: false},

	// ----- BinaryEquals: byte-for-byte against the base-64 policy value
	{name: "BinaryEquals same bytes", doc: docOperators,
		policy: allowCond(`{"BinaryEquals":{"test:key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`),
		ctx:    map[string]any{"test:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, allow: true},
	{name: "BinaryEquals other bytes", doc: docOperators,
		policy: allowCond(`{"BinaryEquals":{"test:key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`),
		ctx:    map[string]any{"test:key": "T3RoZXJWYWx1ZQ=="}, allow: false},
	{name: "BinaryEquals missing key", doc: docOperators,
		policy: allowCond(`{"BinaryEquals":{"test:key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`), allow: false},

	// ----- IP address
	{name: "IpAddress IPv4 CIDR", doc: docOperators,
		policy: allowCond(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx: map[string]any{"aws:SourceIp": "203.0.113.255"}, allow: true},
	{name: "IpAddress IPv4 outside", doc: docOperators,
		policy: allowCond(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx: map[string]any{"aws:SourceIp": "203.0.114.1"}, allow: false},
	{name: "IpAddress without prefix is /32", doc: docOperators,
		policy: allowCond(`{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`), ctx: map[string]any{"aws:SourceIp": "203.0.113.8"}, allow: false},
	{name: "IpAddress without prefix, same address", doc: docOperators,
		policy: allowCond(`{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`), ctx: map[string]any{"aws:SourceIp": "203.0.113.7"}, allow: true},
	{name: "IpAddress IPv6 CIDR", doc: docOperators,
		policy: allowCond(`{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`),
		ctx:    map[string]any{"aws:SourceIp": "2001:db8:1234:5678:abcd::1"}, allow: true},
	{name: "IpAddress IPv6 outside", doc: docOperators,
		policy: allowCond(`{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`),
		ctx:    map[string]any{"aws:SourceIp": "2001:db8:1234:5679::1"}, allow: false},
	{name: "NotIpAddress outside the range", doc: docOperators,
		policy: allowCond(`{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx: map[string]any{"aws:SourceIp": "198.51.100.1"}, allow: true},
	{name: "NotIpAddress inside the range", doc: docOperators,
		policy: allowCond(`{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx: map[string]any{"aws:SourceIp": "203.0.113.1"}, allow: false},
	{name: "IpAddress missing key", doc: docOperators,
		policy: allowCond(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), allow: false},

	// ----- ARN operators: each of the six colon-separated parts separately
	{name: "ArnLike segment-wise: * does not cross ':'", doc: docOperators,
		policy: allowCond(`{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`),
		ctx:    map[string]any{"aws:SourceArn": "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, allow: false},
	{name: "StringLike on the same value: * crosses ':'", doc: docOperators,
		policy: allowCond(`{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`),
		ctx:    map[string]any{"aws:SourceArn": "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, allow: true},
	{name: "ArnLike match", doc: docOperators,
		policy: allowCond(`{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`),
		ctx:    map[string]any{"aws:SourceArn": "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"}, allow: true},
	{name: "ArnEquals behaves like ArnLike (wildcards)", doc: docOperators,
		policy: allowCond(`{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:123456789012:TOPIC-*"}}`),
		ctx:    map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}, allow: true},
	{name: "ArnEquals exact", doc: docOperators,
		policy: allowCond(`{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}}`),
		ctx:    map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}, allow: true},
	{name: "ArnEquals is case-sensitive", doc: docOperators,
		policy: allowCond(`{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}}`),
		ctx:    map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic-id"}, allow: false},
	{name: "ArnNotEquals behaves like ArnNotLike", doc: docOperators,
		policy: allowCond(`{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Admin*"}}`),
		ctx:    map[string]any{"aws:PrincipalArn": "arn:aws:iam::123456789012:role/AdminOps"}, allow: false},
	{name: "ArnNotLike non-matching", doc: docOperators,
		policy: allowCond(`{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Admin*"}}`),
		ctx:    map[string]any{"aws:PrincipalArn": "arn:aws:iam::123456789012:role/Dev"}, allow: true},
	{name: "ArnLike missing key", doc: docOperators,
		policy: allowCond(`{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`), allow: false},

	// ----- Null
	{name: "Null true with absent key", doc: docOperators,
		policy: allowCond(`{"Null":{"aws:TokenIssueTime":"true"}}`), allow: true},
	{name: "Null true with present key", doc: docOperators,
		policy: allowCond(`{"Null":{"aws:TokenIssueTime":"true"}}`), ctx: map[string]any{"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}, allow: false},
	{name: "Null false with present key", doc: docOperators,
		policy: allowCond(`{"Null":{"aws:TokenIssueTime":"false"}}`), ctx: map[string]any{"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}, allow: true},
	{name: "Null false with absent key", doc: docOperators,
		policy: allowCond(`{"Null":{"aws:TokenIssueTime":"false"}}`), allow: false},
	// The multivalued examples page: "You can prevent missing context keys
	// or context keys with empty values from evaluating to true by including
	// a Null condition operator with a false value in your policy to check if
	// the context key in the request exists and its value is not null." So a
	// key whose value is an empty set is null for Null. (Commit 3d2c0e2 chose
	// the opposite: "Null treats a present empty set as present".)
	{name: "Null false with an empty multivalued key", doc: docMultiExample,
		policy: allowCond(`{"Null":{"aws:TagKeys":"false"}}`), ctx: map[string]any{"aws:TagKeys": []string{}}, allow: false},
	// The condition operators page repeats it: "To prevent missing context
	// keys or context keys with empty values from evaluating to true, you can
	// include the Null condition operator in your policy with a false value to
	// check if the context key exists and its value is not null", after
	// calling an empty string a null dataset.
	{name: "Null false with an empty-string value", doc: docOperators,
		policy: allowCond(`{"Null":{"aws:PrincipalTag/department":"false"}}`), ctx: map[string]any{"aws:PrincipalTag/department": ""}, allow: false},

	// ----- Set operators
	{name: "ForAllValues every request value matches", doc: docSingleMulti,
		policy: allowCond(`{"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{"CreatedBy", "CreatedAt"}}, allow: true},
	{name: "ForAllValues one request value does not match", doc: docSingleMulti,
		policy: allowCond(`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{"environment", "owner"}}, allow: false},
	{name: "ForAllValues each request value matches some policy value", doc: docSingleMulti,
		policy: allowCond(`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{"cost-center"}}, allow: true},
	{name: "ForAllValues with missing key is true", doc: docSingleMulti,
		policy: allowCond(`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`), allow: true},
	// The single vs multivalued page says ForAllValues "also returns true if
	// there are no context keys in the request"; for an empty set the
	// condition holds vacuously (every one of no values matches). The pages
	// do not treat the empty set separately.
	{name: "ForAllValues with empty set is true", doc: docSingleMulti,
		policy: allowCond(`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{}}, allow: true},
	// Condition operators page (ARN section) and the single vs multivalued
	// page: ForAllValues "returns true if there are no context keys in the
	// request or if the context key value resolves to a null dataset, such as
	// an empty string."
	{name: "ForAllValues with an empty-string value is true (null dataset)", doc: docOperators,
		policy: allowCond(`{"ForAllValues:StringEquals":{"aws:PrincipalTag/department":["blue","orange"]}}`),
		ctx:    map[string]any{"aws:PrincipalTag/department": ""}, allow: true},
	// Single vs multivalued page: ForAnyValue — "For no matching context key
	// or a null dataset, the condition returns false."
	{name: "ForAnyValue with an empty-string value is false (null dataset)", doc: docSingleMulti,
		policy: allowCond(`{"ForAnyValue:StringEquals":{"aws:PrincipalTag/department":["blue","orange"]}}`),
		ctx:    map[string]any{"aws:PrincipalTag/department": ""}, allow: false},
	{name: "ForAnyValue one request value matches", doc: docSingleMulti,
		policy: allowCond(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{"owner", "environment"}}, allow: true},
	{name: "ForAnyValue no request value matches", doc: docSingleMulti,
		policy: allowCond(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{"owner"}}, allow: false},
	{name: "ForAnyValue with missing key is false", doc: docSingleMulti,
		policy: allowCond(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`), allow: false},
	{name: "ForAnyValue with empty set is false", doc: docSingleMulti,
		policy: allowCond(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{}}, allow: false},
	// Multivalued examples page, "Deny ... ForAllValues:StringNotLike key1*":
	// key1:legal → no match; key2:audit → match; no aws:TagKeys → match.
	// Ambiguous: the condition operators page's "Wildcard matching" table
	// (Deny, ForAllValues:StringNotLike on aws:ResourceOrgPaths) lists the
	// missing key as "No match", contradicting this page and the stated rule
	// that ForAllValues is true for a missing key. The rule is asserted.
	{name: "Deny ForAllValues:StringNotLike, all values start key1", doc: docMultiExample,
		policy: v12(`{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":["*"],"Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}`),
		action: "iam:TagUser", ctx: map[string]any{"aws:TagKeys": []string{"key1:hr", "key1:personnel"}}, deny: false},
	{name: "Deny ForAllValues:StringNotLike, a value without key1", doc: docMultiExample,
		policy: v12(`{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":["*"],"Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}`),
		action: "iam:TagUser", ctx: map[string]any{"aws:TagKeys": []string{"key2:audit"}}, deny: true},
	{name: "Deny ForAllValues:StringNotLike, no aws:TagKeys", doc: docMultiExample,
		policy: v12(`{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":["*"],"Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}`),
		action: "iam:TagUser", deny: true},
	// Set operator on a single-valued key: the docs say not to ("can lead to
	// overly permissive policies") but not what results; the value is read as
	// a set of one.
	{name: "ForAnyValue on a single-valued key (set of one)", doc: docSingleMulti,
		policy: allowCond(`{"ForAnyValue:StringEquals":{"aws:PrincipalTag/dept":["eng","ops"]}}`),
		ctx:    map[string]any{"aws:PrincipalTag/dept": "eng"}, allow: true},
	{name: "ForAllValues on a missing single-valued key is permissive", doc: docSingleMulti,
		policy: allowCond(`{"ForAllValues:StringEquals":{"aws:PrincipalTag/dept":["eng"]}}`), allow: true},
	// Multivalued key without a set operator: the docs say only that
	// "multivalued context keys require a condition set operator"; they do not
	// say how a plain operator compares a request set of several values. The
	// engine's reading (no match) is asserted here as the conservative one.
	{name: "multivalued key of two values without set operator (ambiguous: no match)", doc: docSingleMulti,
		policy: allowCond(`{"StringEquals":{"aws:TagKeys":["environment","owner"]}}`),
		ctx:    map[string]any{"aws:TagKeys": []string{"environment", "owner"}}, allow: false},

	// ----- Policy variables
	{name: "${aws:username} in Resource", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::mybucket/${aws:username}/*"]}`),
		resource: "arn:aws:s3:::mybucket/David/notes.txt", ctx: map[string]any{"aws:username": "David"}, allow: true},
	{name: "${aws:username} in Resource, another user's folder", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::mybucket/${aws:username}/*"]}`),
		resource: "arn:aws:s3:::mybucket/Adele/notes.txt", ctx: map[string]any{"aws:username": "David"}, allow: false},
	{name: "variable key names are case-insensitive", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${AWS:UserName}/*"}`),
		resource: "arn:aws:s3:::mybucket/David/x", ctx: map[string]any{"aws:username": "David"}, allow: true},
	{name: "${aws:username} in a StringLike condition", doc: docVariables,
		policy: allowCond(`{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/"]}}`),
		ctx:    map[string]any{"aws:username": "alice", "s3:prefix": "home/alice/"}, allow: true},
	{name: "${aws:PrincipalTag/department} in Resource", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::bucket/${aws:PrincipalTag/department}"]}`),
		resource: "arn:aws:s3:::bucket/HR", ctx: map[string]any{"aws:PrincipalTag/department": "HR"}, allow: true},
	{name: "${aws:PrincipalTag/team} compared with a resource tag", doc: docVariables,
		policy: allowCond(`{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`),
		ctx:    map[string]any{"aws:ResourceTag/team": "red", "aws:PrincipalTag/team": "blue"}, allow: false},
	{name: "${aws:PrincipalTag/team} equal tags", doc: docVariables,
		policy: allowCond(`{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`),
		ctx:    map[string]any{"aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "blue"}, allow: true},
	{name: "default value used when the key is absent", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'company-wide'}/*"]}`),
		resource: "arn:aws:s3:::bucket/company-wide/a", allow: true},
	{name: "default value not used when the key is present", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'company-wide'}/*"]}`),
		resource: "arn:aws:s3:::bucket/company-wide/a", ctx: map[string]any{"aws:PrincipalTag/team": "eng"}, allow: false},
	{name: "key value used when present (with a default)", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'company-wide'}/*"]}`),
		resource: "arn:aws:s3:::bucket/eng/a", ctx: map[string]any{"aws:PrincipalTag/team": "eng"}, allow: true},
	{name: "default value in a condition (anonymous userid)", doc: docVariables,
		policy: allowCond(`{"StringEquals":{"s3:prefix":"home/${aws:userid, 'anonymous'}"}}`),
		ctx:    map[string]any{"s3:prefix": "home/anonymous"}, allow: true},
	{name: "${*} is a literal asterisk (matches *)", doc: docVariables,
		policy: allowCond(`{"StringLike":{"s3:prefix":"home${*}"}}`), ctx: map[string]any{"s3:prefix": "home*"}, allow: true},
	{name: "${*} is a literal asterisk (no wildcard)", doc: docVariables,
		policy: allowCond(`{"StringLike":{"s3:prefix":"home${*}"}}`), ctx: map[string]any{"s3:prefix": "homeX"}, allow: false},
	{name: "${?} is a literal question mark", doc: docVariables,
		policy: allowCond(`{"StringLike":{"s3:prefix":"file${?}"}}`), ctx: map[string]any{"s3:prefix": "file?"}, allow: true},
	{name: "${?} is not a single-character wildcard", doc: docVariables,
		policy: allowCond(`{"StringLike":{"s3:prefix":"file${?}"}}`), ctx: map[string]any{"s3:prefix": "fileA"}, allow: false},
	{name: "${$} is a literal dollar sign", doc: docVariables,
		policy: allowCond(`{"StringEquals":{"s3:prefix":"cost${$}"}}`), ctx: map[string]any{"s3:prefix": "cost$"}, allow: true},
	{name: "${$} lets a policy match the text ${aws:username}", doc: docVariables,
		policy: allowCond(`{"StringEquals":{"s3:prefix":"${$}{aws:username}"}}`),
		ctx:    map[string]any{"s3:prefix": "${aws:username}", "aws:username": "alice"}, allow: true},
	{name: "${*} in Resource matches a literal *", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${*}"}`),
		resource: "arn:aws:s3:::bucket/*", allow: true},
	{name: "${*} in Resource is not a wildcard", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${*}"}`),
		resource: "arn:aws:s3:::bucket/key", allow: false},
	{name: "unresolvable variable: Resource matches nothing", doc: docVariables,
		policy:   v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${aws:username}/*"}`),
		resource: "arn:aws:s3:::mybucket/${aws:username}/x", allow: false},
	{name: "unresolvable variable: condition does not match", doc: docVariables,
		policy: allowCond(`{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`),
		ctx:    map[string]any{"s3:prefix": "home//x"}, allow: false},
	// Single vs multivalued page: "you cannot use multivalued context keys as
	// policy variables".
	{name: "multivalued key as a variable does not resolve", doc: docSingleMulti,
		policy: allowCond(`{"StringEquals":{"s3:prefix":"${aws:TagKeys}"}}`),
		ctx:    map[string]any{"s3:prefix": "a", "aws:TagKeys": []string{"a"}}, allow: false},
	{name: "variable with an ARN operator", doc: docOperators,
		policy: allowCond(`{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:${aws:username}"}}`),
		ctx:    map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic1", "aws:username": "topic1"}, allow: true},
	{name: "Version 2008-10-17: ${aws:username} is literal text (no substitution)", doc: docVersion,
		policy:   `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${aws:username}"}]}`,
		resource: "arn:aws:s3:::mybucket/David", ctx: map[string]any{"aws:username": "David"}, allow: false},
	{name: "Version 2008-10-17: literal text matches itself", doc: docVersion,
		policy:   `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${aws:username}"}]}`,
		resource: "arn:aws:s3:::mybucket/${aws:username}", ctx: map[string]any{"aws:username": "David"}, allow: true},
	{name: "Version absent: variables are literal text", doc: docVariables,
		policy: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}]}`,
		ctx:    map[string]any{"aws:username": "David", "s3:prefix": "David"}, allow: false},
	{name: "Version absent: literal ${aws:username} condition value", doc: docVariables,
		policy: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}]}`,
		ctx:    map[string]any{"aws:username": "David", "s3:prefix": "${aws:username}"}, allow: true},

	// ----- Statements: Deny and Allow in one policy
	{name: "Deny and Allow in one policy: Deny applies", doc: docEffect,
		policy: v12(`{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}`, `{"Effect":"Deny","Action":"iam:*Report","Resource":"*"}`),
		action: "iam:GetOrganizationsAccessReport", allow: false, deny: true},
	{name: "Deny and Allow in one policy: Allow applies", doc: docEffect,
		policy: v12(`{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}`, `{"Effect":"Deny","Action":"iam:*Report","Resource":"*"}`),
		action: "iam:GetUser", allow: true},

	// ----- A Resource array is an OR of its entries, however long it is
	{name: "long Resource list: entry with * in the region segment", doc: docResource,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:sqs:eu-west-1:123456789012:queue1", ctx: map[string]any{"aws:username": "alice"}, allow: true},
	{name: "long Resource list: * in the region segment, other account", doc: docResource,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:sqs:eu-west-1:999999999999:queue1", ctx: map[string]any{"aws:username": "alice"}, allow: false},
	{name: "long Resource list: ${*} entry matches only a literal *", doc: docVariables,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:s3:::esc/*", ctx: map[string]any{"aws:username": "alice"}, allow: true},
	{name: "long Resource list: ${*} entry is not a wildcard", doc: docVariables,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:s3:::esc/x", ctx: map[string]any{"aws:username": "alice"}, allow: false},
	{name: "long Resource list: variable entry", doc: docVariables,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:s3:::home/alice/a", ctx: map[string]any{"aws:username": "alice"}, allow: true},
	{name: "long Resource list: variable entry, other user", doc: docVariables,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:s3:::home/bob/a", ctx: map[string]any{"aws:username": "alice"}, allow: false},
	{name: "long Resource list: case-sensitive", doc: docResource,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:s3:::B3/k", ctx: map[string]any{"aws:username": "alice"}, allow: false},
	// "If AWS cannot resolve a variable this might cause the entire
	// statement to be invalid": without aws:username the variable entry
	// cannot be resolved and the statement matches nothing.
	{name: "long Resource list: unresolvable variable invalidates the statement", doc: docVariables,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:s3:::b3/k", allow: false},
	{name: "long Resource list: exact entry", doc: docResource,
		policy: v12(manyRes), action: "sqs:SendMessage", resource: "arn:aws:s3:::b3/k", ctx: map[string]any{"aws:username": "alice"}, allow: true},
	// Statements are independent: two Allow statements with the same
	// condition, one with Resource and one with NotResource, each apply on
	// their own terms.
	{name: "two statements, same condition, Resource and NotResource", doc: docNotResource,
		policy: v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`,
			`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`),
		resource: "arn:aws:s3:::secret/x", ctx: map[string]any{"aws:SecureTransport": "true"}, allow: false},
	{name: "two statements, same condition, NotResource admits others", doc: docNotResource,
		policy: v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`,
			`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`),
		resource: "arn:aws:s3:::other/x", ctx: map[string]any{"aws:SecureTransport": "true"}, allow: true},
	{name: "two Deny statements with NotResource each", doc: docNotResource,
		policy:   v12(`{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::a/*"}`, `{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"}`),
		resource: "arn:aws:s3:::a/x", deny: true},

	// ----- Principal element (resource-based policies)
	{name: "Principal account id names the account's users", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "arn:aws:iam::123456789012:user/Bob", allow: true},
	{name: "Principal root ARN is the account, not only its root user", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "arn:aws:sts::123456789012:assumed-role/R/s1", allow: true},
	{name: "Principal account id of another account", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "arn:aws:iam::444455556666:user/Bob", allow: false},
	{name: "Principal user ARN", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/Bob"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "arn:aws:iam::123456789012:user/Bob", allow: true},
	{name: "Principal user ARN, other user", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/Bob"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "arn:aws:iam::123456789012:user/Alice", allow: false},
	{name: "Principal role ARN names the role's sessions", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/R"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "arn:aws:sts::123456789012:assumed-role/R/s1", allow: true},
	{name: "Principal role session ARN, other session", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/R/s1"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "arn:aws:sts::123456789012:assumed-role/R/s2", allow: false},
	{name: `Principal "*" includes anonymous`, doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`),
		principal: "anonymous", allow: true},
	{name: `Principal {"AWS":"*"} is equivalent to "*"`, doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "anonymous", allow: true},
	{name: "Principal Service", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"Service":"cleanrooms.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "cleanrooms.amazonaws.com", allow: true},
	{name: "Principal Service, other service", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"Service":"cleanrooms.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "glue.amazonaws.com", allow: false},
	{name: "Principal account does not name a service", doc: docPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`),
		principal: "cleanrooms.amazonaws.com", allow: false},
	{name: "Principal Federated names the web identity provider", doc: docPrincipal, typ: policy.TypeTrust,
		policy:    v12(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
		action:    "sts:AssumeRoleWithWebIdentity",
		principal: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", allow: true},
	{name: "trust policy without Resource applies to the role", doc: docPrincipal, typ: policy.TypeTrust,
		policy: v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}`),
		action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/R",
		principal: "arn:aws:iam::444455556666:user/Bob", allow: true},

	// ----- NotPrincipal with Deny
	{name: "NotPrincipal Deny: listed user and account exempt", doc: docNotPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":"*"}`),
		principal: "arn:aws:iam::444455556666:user/Bob", deny: false},
	{name: "NotPrincipal Deny: other user denied", doc: docNotPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":"*"}`),
		principal: "arn:aws:iam::444455556666:user/Alice", deny: true},
	// The page: "you must also specify the account ARN of the not-denied
	// principal. Otherwise, the policy might deny access to the entire
	// account containing the principal" ("might": the strict reading).
	{name: "NotPrincipal Deny: user listed without its account is denied", doc: docNotPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob"]},"Action":"s3:*","Resource":"*"}`),
		principal: "arn:aws:iam::444455556666:user/Bob", deny: true},
	{name: "NotPrincipal Deny: session, role and account listed exempt the session", doc: docNotPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:role/cross-account-read-only-role","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":"*"}`),
		principal: "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app", deny: false},
	{name: "NotPrincipal Deny: session without its role is denied", doc: docNotPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":"*"}`),
		principal: "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app", deny: true},
	{name: "NotPrincipal Deny: session without its account is denied", doc: docNotPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:role/cross-account-read-only-role"]},"Action":"s3:*","Resource":"*"}`),
		principal: "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app", deny: true},
	{name: "NotPrincipal Deny: other session of the listed role is denied", doc: docNotPrincipal, typ: policy.TypeResource,
		policy:    v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:role/cross-account-read-only-role","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":"*"}`),
		principal: "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other-session", deny: true},
}

// manyRes is a statement with enough Resource entries that an index over
// them is worth building; its entries must still be matched one by one.
const manyRes = `{"Effect":"Allow","Action":"sqs:SendMessage","Resource":[
	"arn:aws:s3:::b1/*","arn:aws:s3:::b2/*","arn:aws:s3:::b3/k","arn:aws:s3:::b4/*",
	"arn:aws:sqs:*:123456789012:queue1","arn:aws:s3:::esc/${*}","arn:aws:s3:::home/${aws:username}/*",
	"arn:aws:s3:::b5/*","arn:aws:s3:::b6/*","arn:aws:s3:::b7/*","arn:aws:s3:::b8/?"]}`

func TestDocEvaluate(t *testing.T) {
	for _, c := range evalCases {
		t.Run(c.name, func(t *testing.T) {
			typ := c.typ
			if typ == "" {
				typ = policy.TypeIdentity
			}
			p, err := policy.Parse([]byte(c.policy), typ)
			if err != nil {
				t.Fatalf("Parse: %v\n  doc: %s", err, c.doc)
			}
			cp := policy.Compile(p, c.name)
			req := &policy.Request{
				Action:   c.action,
				Resource: c.resource,
				Context:  newCtx(c.ctx),
			}
			if req.Action == "" {
				req.Action = "s3:GetObject"
			}
			if req.Resource == "" {
				req.Resource = "arn:aws:s3:::bucket/key"
			}
			switch c.principal {
			case "":
			case "anonymous":
				req.Principal = &policy.Principal{Kind: policy.PrincipalAnonymous}
			default:
				pr := policy.ParsePrincipal(c.principal)
				req.Principal = &pr
			}
			o := cp.Evaluate(req)
			if o.Allowed != c.allow || o.Denied != c.deny {
				t.Errorf("Evaluate = {Allowed:%v Denied:%v}, want {Allowed:%v Denied:%v}\n  doc: %s",
					o.Allowed, o.Denied, c.allow, c.deny, c.doc)
			}
		})
	}
}

// TestDocNotPrincipalBoundary: "The NotPrincipal element with a Deny effect
// will always deny any IAM principal that has a permissions boundary policy
// attached, regardless of the values specified in the NotPrincipal element."
// doc: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestDocNotPrincipalBoundary(t *testing.T) {
	p, err := policy.Parse([]byte(v12(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/R/s1","arn:aws:iam::444455556666:role/R","arn:aws:iam::444455556666:root","arn:aws:iam::444455556666:user/Bob"]},"Action":"s3:*","Resource":"*"}`)), policy.TypeResource)
	if err != nil {
		t.Fatal(err)
	}
	cp := policy.Compile(p, "np")
	for _, arn := range []string{"arn:aws:sts::444455556666:assumed-role/R/s1", "arn:aws:iam::444455556666:user/Bob"} {
		pr := policy.ParsePrincipal(arn)
		req := &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: &pr, Context: policy.NewContext(0)}
		if o := cp.Evaluate(req); o.Denied {
			t.Errorf("%s without boundary: denied, want exempt (%s)", arn, docNotPrincipal)
		}
		pr.HasBoundary = true
		if o := cp.Evaluate(req); !o.Denied {
			t.Errorf("%s with boundary: not denied, want denied (%s)", arn, docNotPrincipal)
		}
	}
}
