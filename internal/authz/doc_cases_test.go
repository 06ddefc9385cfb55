package authz_test

// Table tests of decisions across policy types, each case encoding a rule of
// the AWS IAM User Guide or the AWS Organizations User Guide, named in its
// doc field. Where the pages are silent or ambiguous the comment says so.

import (
	"slices"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

const (
	ug  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
	org = "https://docs.aws.amazon.com/organizations/latest/userguide/"

	docDenyAllow    = ug + "reference_policies_evaluation-logic_policy-eval-denyallow.html"
	docSingleAcct   = ug + "reference_policies_evaluation-logic_policy-eval-basics.html"
	docCrossAcct    = ug + "reference_policies_evaluation-logic-cross-account.html"
	docBoundaries   = ug + "access_policies_boundaries.html"
	docSessionPol   = ug + "access_policies.html#policies_session"
	docPrincipal    = ug + "reference_policies_elements_principal.html"
	docNotPrincipal = ug + "reference_policies_elements_notprincipal.html"
	docAccessDenied = ug + "troubleshoot_access-denied.html"
	docExplicitDeny = ug + "reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"
	docSCPEval      = org + "orgs_manage_policies_scps_evaluation.html"
	docSCP          = org + "orgs_manage_policies_scps.html"
	docRCPEval      = org + "orgs_manage_policies_rcps_evaluation.html"
	docRCP          = org + "orgs_manage_policies_rcps.html"
)

const (
	acctA = "111122223333" // owns the resources
	acctB = "444455556666" // another account

	userA    = "arn:aws:iam::111122223333:user/alice"
	userB    = "arn:aws:iam::444455556666:user/bob"
	rootA    = "arn:aws:iam::111122223333:root"
	roleA    = "arn:aws:iam::111122223333:role/app"
	sessA    = "arn:aws:sts::111122223333:assumed-role/app/s1"
	roleB    = "arn:aws:iam::444455556666:role/cross-account-read-only-role"
	sessB    = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app"
	sessB2   = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other"
	bucketK  = "arn:aws:s3:::bucket/key"
	getObj   = "s3:GetObject"
	svcClean = "cleanrooms.amazonaws.com"
)

func v12(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// Identity-side policies (identity, boundary, session, SCP).
var (
	allowAll    = v12(`{"Effect":"Allow","Action":"*","Resource":"*"}`)
	allowGet    = v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)
	allowPut    = v12(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`)
	denyGet     = v12(`{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
	allowAndDen = v12(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
	scpFull     = v12(`{"Effect":"Allow","Action":"*","Resource":"*"}`)
	scpS3Only   = v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)
	rcpFull     = v12(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`)
	rcpDenyGet  = v12(`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)
)

// resPol is a resource-based policy allowing s3:GetObject to the principal
// element p (JSON).
func resPol(p string) string {
	return v12(`{"Effect":"Allow","Principal":` + p + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`)
}

type decCase struct {
	name string
	doc  string

	principal   string // caller ARN, service name, or "anonymous"
	hasBoundary bool   // the caller has a boundary (also set when boundary is given)
	action      string // zero: s3:GetObject
	resource    string // zero: arn:aws:s3:::bucket/key; "-" for none
	resAcct     string // zero: acctA
	ctx         map[string]any

	identity, boundary, session []string
	scp, rcp                    [][]string
	resPolicy                   string
	resType                     policy.Type // zero: resource

	want    authz.Result
	blocked []string // blocked types, in evaluation order
	msg     string   // exact denial message, when set
}

func mustCompile(t *testing.T, typ policy.Type, doc string) *policy.Compiled {
	t.Helper()
	p, err := policy.Parse([]byte(doc), typ)
	if err != nil {
		t.Fatalf("Parse(%s): %v\n%s", typ, err, doc)
	}
	return policy.Compile(p, string(typ))
}

func compileAll(t *testing.T, typ policy.Type, docs []string) []*policy.Compiled {
	var out []*policy.Compiled
	for _, d := range docs {
		out = append(out, mustCompile(t, typ, d))
	}
	return out
}

var decCases = []decCase{
	// ----- Explicit deny anywhere wins
	{name: "explicit deny in an identity-based policy beats its allow", doc: docDenyAllow,
		principal: userA, identity: []string{allowAndDen},
		want: authz.ExplicitlyDenied, blocked: []string{"identity"}},
	{name: "explicit deny in another identity-based policy", doc: docExplicitDeny,
		principal: userA, identity: []string{allowAll, denyGet},
		want: authz.ExplicitlyDenied, blocked: []string{"identity"}},
	{name: "explicit deny in the resource-based policy beats an identity allow", doc: docDenyAllow,
		principal: userA, identity: []string{allowAll},
		resPolicy: v12(`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`),
		want:      authz.ExplicitlyDenied, blocked: []string{"resource"}},
	{name: "explicit deny in the identity policy beats a resource policy naming the user", doc: docDenyAllow,
		principal: userA, identity: []string{denyGet}, resPolicy: resPol(`{"AWS":"` + userA + `"}`),
		want: authz.ExplicitlyDenied, blocked: []string{"identity"}},
	{name: "explicit deny in an SCP", doc: docSCPEval,
		principal: userA, identity: []string{allowAll}, scp: [][]string{{scpFull}, {scpFull, denyGet}},
		want: authz.ExplicitlyDenied, blocked: []string{"scp"}},
	{name: "explicit deny in an RCP", doc: docRCPEval,
		principal: userA, identity: []string{allowAll}, rcp: [][]string{{rcpFull}, {rcpFull, rcpDenyGet}},
		want: authz.ExplicitlyDenied, blocked: []string{"rcp"}},
	{name: "explicit deny in a permissions boundary", doc: docBoundaries,
		principal: userA, identity: []string{allowAll}, boundary: []string{allowAndDen},
		want: authz.ExplicitlyDenied, blocked: []string{"pb"}},
	{name: "explicit deny in a session policy", doc: docDenyAllow,
		principal: sessA, identity: []string{allowAll}, session: []string{allowAndDen},
		want: authz.ExplicitlyDenied, blocked: []string{"session"}},
	{name: "explicit deny in a boundary beats a resource policy naming the user", doc: docBoundaries,
		principal: userA, boundary: []string{denyGet}, resPolicy: resPol(`{"AWS":"` + userA + `"}`),
		want: authz.ExplicitlyDenied, blocked: []string{"pb"}},

	// ----- SCPs: an Allow at every level from the root to the account
	{name: "SCP allows at every level", doc: docSCPEval,
		principal: userA, identity: []string{allowAll}, scp: [][]string{{scpFull}, {scpFull}, {scpFull}},
		want: authz.Allowed},
	{name: "SCP missing an Allow at the account level", doc: docSCPEval,
		principal: userA, identity: []string{allowAll}, scp: [][]string{{scpFull}, {scpFull}, {allowPut}},
		want: authz.ImplicitlyDenied, blocked: []string{"scp"}},
	{name: "SCP missing an Allow at an OU level", doc: docSCPEval,
		principal: userA, identity: []string{allowAll}, scp: [][]string{{scpFull}, {allowPut}, {scpFull}},
		want: authz.ImplicitlyDenied, blocked: []string{"scp"}},
	{name: "SCP level with several policies: one Allow suffices", doc: docSCPEval,
		principal: userA, identity: []string{allowAll}, scp: [][]string{{scpFull}, {allowPut, scpS3Only}},
		want: authz.Allowed},
	{name: "SCP allow-list does not cover the service", doc: docSCPEval,
		principal: userA, identity: []string{allowAll}, scp: [][]string{{scpFull}, {scpS3Only}},
		action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/alice",
		want: authz.ImplicitlyDenied, blocked: []string{"scp"}},
	{name: "SCP grants nothing by itself", doc: docSCP,
		principal: userA, scp: [][]string{{scpFull}, {scpFull}},
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},
	{name: "SCP limits the root user of a member account", doc: docSCP,
		principal: rootA, scp: [][]string{{scpFull}, {allowPut}},
		want: authz.ImplicitlyDenied, blocked: []string{"scp"}},
	{name: "SCP limits a same-account resource-policy grant", doc: docDenyAllow,
		principal: userA, resPolicy: resPol(`{"AWS":"` + userA + `"}`), scp: [][]string{{scpFull}, {allowPut}},
		want: authz.ImplicitlyDenied, blocked: []string{"scp"}},

	// ----- RCPs: likewise an Allow at every level
	{name: "RCP allows at every level", doc: docRCPEval,
		principal: userA, identity: []string{allowAll}, rcp: [][]string{{rcpFull}, {rcpFull}},
		want: authz.Allowed},
	// denyallow page: "If the enforcement code does not find any applicable
	// Allow statements in the RCPs, then the enforcement code returns a
	// final decision of Deny." (In AWS, RCPFullAWSAccess cannot be detached,
	// so this arises only in simulations.)
	{name: "RCP missing an Allow at one level", doc: docDenyAllow,
		principal: userA, identity: []string{allowAll}, rcp: [][]string{{rcpFull}, {rcpDenyGetOther}},
		want: authz.ImplicitlyDenied, blocked: []string{"rcp"}},
	{name: "RCP deny applies to a principal of another account", doc: docRCP,
		principal: userB, resAcct: acctA, identity: []string{allowAll}, resPolicy: resPol(`{"AWS":"` + acctB + `"}`),
		rcp:  [][]string{{rcpFull}, {rcpFull, rcpDenyGet}},
		want: authz.ExplicitlyDenied, blocked: []string{"rcp"}},

	// ----- Same account: identity OR resource-based policy
	{name: "same account: identity policy allows", doc: docSingleAcct,
		principal: userA, identity: []string{allowGet},
		want: authz.Allowed},
	{name: "same account: resource policy naming the user allows without identity policy", doc: docSingleAcct,
		principal: userA, resPolicy: resPol(`{"AWS":"` + userA + `"}`),
		want: authz.Allowed},
	{name: "same account: neither allows", doc: docSingleAcct,
		principal: userA, identity: []string{allowPut}, resPolicy: resPol(`{"AWS":"` + userB + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},
	{name: `same account: resource policy with Principal "*"`, doc: docSingleAcct,
		principal: userA, resPolicy: resPol(`"*"`),
		want: authz.Allowed},
	// Principal page: the account principal "delegates authority to the
	// account"; identities in it must be granted access by identity-based
	// policies.
	{name: "same account: resource policy naming the account delegates to identity (none)", doc: docPrincipal,
		principal: userA, resPolicy: resPol(`{"AWS":"` + acctA + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},
	{name: "same account: resource policy naming the account root ARN delegates (none)", doc: docPrincipal,
		principal: sessA, resPolicy: resPol(`{"AWS":"` + rootA + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},
	{name: "same account: resource policy naming the account, identity allows", doc: docPrincipal,
		principal: userA, identity: []string{allowGet}, resPolicy: resPol(`{"AWS":"` + acctA + `"}`),
		want: authz.Allowed},
	// denyallow page: resource-based policies that grant permissions to an
	// IAM user ARN are not limited by an implicit deny in an identity-based
	// policy or permissions boundary.
	{name: "same account: resource policy naming the user passes identity implicit deny and boundary", doc: docDenyAllow,
		principal: userA, identity: []string{allowPut}, boundary: []string{allowPut}, resPolicy: resPol(`{"AWS":"` + userA + `"}`),
		want: authz.Allowed},
	// denyallow page: resource-based policies that grant permissions to an
	// IAM role ARN are limited by an implicit deny in a permissions boundary
	// or session policy.
	{name: "same account: resource policy naming the role, no boundary or session policy", doc: docDenyAllow,
		principal: sessA, resPolicy: resPol(`{"AWS":"` + roleA + `"}`),
		want: authz.Allowed},
	{name: "same account: resource policy naming the role is limited by the boundary", doc: docDenyAllow,
		principal: sessA, boundary: []string{allowPut}, resPolicy: resPol(`{"AWS":"` + roleA + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"pb"}},
	{name: "same account: resource policy naming the role is limited by the session policy", doc: docDenyAllow,
		principal: sessA, session: []string{allowPut}, resPolicy: resPol(`{"AWS":"` + roleA + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"session"}},
	// denyallow page: resource-based policies that grant permissions to an
	// IAM role session ARN grant them directly to the session and are not
	// limited by an implicit deny in a boundary or session policy.
	{name: "same account: resource policy naming the session passes boundary and session policy", doc: docDenyAllow,
		principal: sessA, boundary: []string{allowPut}, session: []string{allowPut}, resPolicy: resPol(`{"AWS":"` + sessA + `"}`),
		want: authz.Allowed},
	// denyallow page: "all requests are implicitly denied with the exception
	// of the AWS account root user, which has full access."
	{name: "same account: the root user needs no identity policy", doc: docDenyAllow,
		principal: rootA,
		want:      authz.Allowed},

	// The strongest way any applicable Allow names the caller counts: a
	// statement naming the user grants even beside one naming the account.
	{name: "same account: resource policy naming both the account and the user", doc: docDenyAllow,
		principal: userA,
		resPolicy: v12(`{"Effect":"Allow","Principal":{"AWS":"`+acctA+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`,
			`{"Effect":"Allow","Principal":{"AWS":"`+userA+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`),
		want: authz.Allowed},
	{name: "same account: resource-policy Deny naming the account applies to its users", doc: docExplicitDeny,
		principal: userA, identity: []string{allowAll},
		resPolicy: v12(`{"Effect":"Deny","Principal":{"AWS":"` + acctA + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`),
		want:      authz.ExplicitlyDenied, blocked: []string{"resource"}},
	{name: "same account: resource-policy Allow whose condition fails grants nothing", doc: docSingleAcct,
		principal: userA, ctx: map[string]any{"aws:SecureTransport": "false"},
		resPolicy: v12(`{"Effect":"Allow","Principal":{"AWS":"` + userA + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`),
		want:      authz.ImplicitlyDenied, blocked: []string{"identity"}},
	// The root user's full access is on its own account's side: across
	// accounts the resource's policy must still name it or its account.
	{name: "cross account: root user of the named account", doc: docCrossAcct,
		principal: "arn:aws:iam::" + acctB + ":root", resPolicy: resPol(`{"AWS":"` + acctB + `"}`),
		want: authz.Allowed},
	{name: "cross account: root user of an account the resource policy does not name", doc: docCrossAcct,
		principal: "arn:aws:iam::" + acctB + ":root", resPolicy: resPol(`{"AWS":"999999999999"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"resource"}},

	// ----- Boundaries and session policies restrict identity grants
	{name: "identity and boundary allow", doc: docBoundaries,
		principal: userA, identity: []string{allowGet}, boundary: []string{allowAll},
		want: authz.Allowed},
	{name: "boundary does not allow what identity allows", doc: docBoundaries,
		principal: userA, identity: []string{allowAll}, boundary: []string{allowPut},
		want: authz.ImplicitlyDenied, blocked: []string{"pb"}},
	{name: "boundary alone grants nothing", doc: docBoundaries,
		principal: userA, boundary: []string{allowAll},
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},
	{name: "identity, boundary and session policy allow", doc: docBoundaries,
		principal: sessA, identity: []string{allowGet}, boundary: []string{allowAll}, session: []string{allowGet},
		want: authz.Allowed},
	{name: "session policy does not allow what identity allows", doc: docSessionPol,
		principal: sessA, identity: []string{allowAll}, session: []string{allowPut},
		want: authz.ImplicitlyDenied, blocked: []string{"session"}},
	{name: "session policy cannot grant more than identity", doc: docSessionPol,
		principal: sessA, identity: []string{allowPut}, session: []string{allowAll},
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},

	// ----- Cross account: identity AND resource-based policy
	{name: "cross account: identity allows, no resource policy", doc: docCrossAcct,
		principal: userB, identity: []string{allowAll},
		want: authz.ImplicitlyDenied, blocked: []string{"resource"}},
	{name: "cross account: resource policy names the user, no identity allow", doc: docCrossAcct,
		principal: userB, resPolicy: resPol(`{"AWS":"` + userB + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},
	{name: "cross account: both allow", doc: docCrossAcct,
		principal: userB, identity: []string{allowGet}, resPolicy: resPol(`{"AWS":"` + userB + `"}`),
		want: authz.Allowed},
	{name: "cross account: resource policy names the caller's account, identity allows", doc: docCrossAcct,
		principal: sessB, identity: []string{allowGet}, resPolicy: resPol(`{"AWS":"arn:aws:iam::` + acctB + `:root"}`),
		want: authz.Allowed},
	{name: "cross account: resource policy names the caller's account, no identity allow", doc: docCrossAcct,
		principal: sessB, resPolicy: resPol(`{"AWS":"` + acctB + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},
	{name: "cross account: resource policy names a third account", doc: docCrossAcct,
		principal: userB, identity: []string{allowGet}, resPolicy: resPol(`{"AWS":"999999999999"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"resource"}},
	{name: "cross account: resource policy naming the session is still limited by its boundary", doc: docCrossAcct,
		principal: sessB, identity: []string{allowGet}, boundary: []string{allowPut}, resPolicy: resPol(`{"AWS":"` + sessB + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"pb"}},
	{name: "cross account: role trust policy names the account and identity allows AssumeRole", doc: docCrossAcct,
		principal: userB, action: "sts:AssumeRole", resource: roleA,
		identity:  []string{v12(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + roleA + `"}`)},
		resPolicy: v12(`{"Effect":"Allow","Principal":{"AWS":"` + acctB + `"},"Action":"sts:AssumeRole"}`), resType: policy.TypeTrust,
		want: authz.Allowed},
	{name: "cross account: role trust policy names the account, identity does not allow", doc: docCrossAcct,
		principal: userB, action: "sts:AssumeRole", resource: roleA,
		resPolicy: v12(`{"Effect":"Allow","Principal":{"AWS":"` + acctB + `"},"Action":"sts:AssumeRole"}`), resType: policy.TypeTrust,
		want: authz.ImplicitlyDenied, blocked: []string{"identity"}},

	// ----- NotPrincipal with Deny (the page's cross-account example)
	{name: "NotPrincipal Deny: session, role and account listed exempt the session", doc: docNotPrincipal,
		principal: sessB, identity: []string{allowGet}, resPolicy: notPrincipalPolicy(sessB, roleB, "arn:aws:iam::"+acctB+":root"),
		want: authz.Allowed},
	{name: "NotPrincipal Deny: another session of the role is denied", doc: docNotPrincipal,
		principal: sessB2, identity: []string{allowGet}, resPolicy: notPrincipalPolicy(sessB, roleB, "arn:aws:iam::"+acctB+":root"),
		want: authz.ExplicitlyDenied, blocked: []string{"resource"}},
	{name: "NotPrincipal Deny: the role missing from the list denies its session", doc: docNotPrincipal,
		principal: sessB, identity: []string{allowGet}, resPolicy: notPrincipalPolicy(sessB, "arn:aws:iam::"+acctB+":root"),
		want: authz.ExplicitlyDenied, blocked: []string{"resource"}},
	{name: "NotPrincipal Deny: the account missing from the list denies the session", doc: docNotPrincipal,
		principal: sessB, identity: []string{allowGet}, resPolicy: notPrincipalPolicy(sessB, roleB),
		want: authz.ExplicitlyDenied, blocked: []string{"resource"}},
	{name: "NotPrincipal Deny always applies to a principal with a permissions boundary", doc: docNotPrincipal,
		principal: sessB, identity: []string{allowGet}, boundary: []string{allowAll},
		resPolicy: notPrincipalPolicy(sessB, roleB, "arn:aws:iam::"+acctB+":root"),
		want:      authz.ExplicitlyDenied, blocked: []string{"resource"}},
	{name: "NotPrincipal Deny: the account may be listed by its id", doc: docNotPrincipal,
		principal: sessB, identity: []string{allowGet}, resPolicy: notPrincipalPolicy(sessB, roleB, acctB),
		want: authz.Allowed},
	{name: "NotPrincipal Deny: user and account listed exempt the user", doc: docNotPrincipal,
		principal: userB, identity: []string{allowGet}, resPolicy: notPrincipalPolicy(userB, "arn:aws:iam::"+acctB+":root"),
		want: authz.Allowed},

	// ----- Service principals and the anonymous principal: the resource
	// policy decides
	{name: "service principal allowed by the resource policy", doc: docPrincipal,
		principal: svcClean, resPolicy: resPol(`{"Service":"` + svcClean + `"}`),
		want: authz.Allowed},
	{name: "service principal without a resource policy", doc: docPrincipal,
		principal: svcClean, identity: []string{allowAll},
		want: authz.ImplicitlyDenied, blocked: []string{"resource"}},
	{name: "service principal not named by an account principal", doc: docPrincipal,
		principal: svcClean, resPolicy: resPol(`{"AWS":"` + acctA + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"resource"}},
	{name: "service principal explicitly denied by the resource policy", doc: docPrincipal,
		principal: svcClean,
		resPolicy: v12(`{"Effect":"Allow","Principal":{"Service":"`+svcClean+`"},"Action":"s3:*","Resource":"*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`),
		want: authz.ExplicitlyDenied, blocked: []string{"resource"}},
	{name: `anonymous principal allowed by Principal "*"`, doc: docPrincipal,
		principal: "anonymous", resPolicy: resPol(`"*"`),
		want: authz.Allowed},
	{name: "anonymous principal not named by an account principal", doc: docPrincipal,
		principal: "anonymous", resPolicy: resPol(`{"AWS":"` + acctA + `"}`),
		want: authz.ImplicitlyDenied, blocked: []string{"resource"}},
	{name: "anonymous principal without a resource policy", doc: docPrincipal,
		principal: "anonymous",
		want:      authz.ImplicitlyDenied, blocked: []string{"resource"}},

	// ----- Denial messages, from the examples of the troubleshooting page
	{name: "message: implicit deny, identity-based policy", doc: docAccessDenied,
		principal: "arn:aws:iam::123456789012:user/JohnDoe", resAcct: "123456789012",
		action: "codecommit:ListRepositories", resource: "*", identity: []string{allowPut},
		want: authz.ImplicitlyDenied, blocked: []string{"identity"},
		msg: "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: codecommit:ListRepositories because no identity-based policy allows the codecommit:ListRepositories action"},
	{name: "message: explicit deny, identity-based policy", doc: docAccessDenied,
		principal: "arn:aws:iam::123456789012:user/JohnDoe", resAcct: "123456789012",
		action: "codedeploy:ListDeployments", resource: "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*",
		identity: []string{v12(`{"Effect":"Deny","Action":"codedeploy:ListDeployments","Resource":"*"}`)},
		want:     authz.ExplicitlyDenied, blocked: []string{"identity"},
		msg: "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an identity-based policy"},
	{name: "message: implicit deny, permissions boundary", doc: docAccessDenied,
		principal: "arn:aws:iam::123456789012:user/JohnDoe", resAcct: "123456789012",
		action: "codedeploy:ListDeployments", resource: "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*",
		identity: []string{allowAll}, boundary: []string{allowPut},
		want: authz.ImplicitlyDenied, blocked: []string{"pb"},
		msg: "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* because no permissions boundary allows the codedeploy:ListDeployments action"},
	{name: "message: explicit deny, permissions boundary", doc: docAccessDenied,
		principal: "arn:aws:iam::777788889999:user/JohnDoe", resAcct: "777788889999",
		action: "sagemaker:ListModels", resource: "-",
		identity: []string{allowAll}, boundary: []string{v12(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"sagemaker:ListModels","Resource":"*"}`)},
		want: authz.ExplicitlyDenied, blocked: []string{"pb"},
		msg: "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: sagemaker:ListModels with an explicit deny in a permissions boundary"},
	{name: "message: implicit deny, session policy", doc: docAccessDenied,
		principal: "arn:aws:iam::123456789012:user/JohnDoe", resAcct: "123456789012",
		action: "codecommit:ListRepositories", resource: "*",
		identity: []string{allowAll}, session: []string{allowPut},
		want: authz.ImplicitlyDenied, blocked: []string{"session"},
		msg: "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: codecommit:ListRepositories because no session policy allows the codecommit:ListRepositories action"},
	{name: "message: implicit deny, resource-based policy", doc: docAccessDenied,
		principal: "arn:aws:iam::123456789012:user/JohnDoe", resAcct: acctB,
		action: "secretsmanager:GetSecretValue", resource: "-",
		identity:  []string{allowAll},
		resPolicy: v12(`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}`),
		want:      authz.ImplicitlyDenied, blocked: []string{"resource"},
		msg: "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: secretsmanager:GetSecretValue because no resource-based policy allows the secretsmanager:GetSecretValue action"},
	{name: "message: explicit deny, resource-based policy", doc: docAccessDenied,
		principal: "arn:aws:iam::123456789012:user/JohnDoe", resAcct: "123456789012",
		action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:*",
		identity:  []string{allowAll},
		resPolicy: v12(`{"Effect":"Deny","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}`),
		want:      authz.ExplicitlyDenied, blocked: []string{"resource"},
		msg: "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a resource-based policy"},
	{name: "message: explicit deny, service control policy", doc: docAccessDenied,
		principal: "arn:aws:iam::777788889999:user/JohnDoe", resAcct: "777788889999",
		action: "codecommit:ListRepositories", resource: "*",
		identity: []string{allowAll}, scp: [][]string{{scpFull}, {scpFull, v12(`{"Effect":"Deny","Action":"codecommit:*","Resource":"*"}`)}},
		want: authz.ExplicitlyDenied, blocked: []string{"scp"},
		msg: "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: codecommit:ListRepositories with an explicit deny in a service control policy"},
	// The archived copy of the troubleshooting page predates RCPs; the
	// wording follows the page's pattern "with an explicit deny in a type
	// policy" with the type named as the Organizations guide names it.
	{name: "message: explicit deny, resource control policy", doc: docAccessDenied,
		principal: "arn:aws:iam::777788889999:user/JohnDoe", resAcct: "777788889999",
		identity: []string{allowAll}, rcp: [][]string{{rcpFull}, {rcpDenyGet}},
		want: authz.ExplicitlyDenied, blocked: []string{"rcp"},
		msg: "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bucket/key with an explicit deny in a resource control policy"},
	// Not asserted: the message for an SCP that lacks an Allow. One version
	// of the troubleshooting page says "When an SCP denies access, the error
	// message always includes the phrase ... explicit deny in a Service
	// Control Policy, even if the denial is implicit"; the engine writes
	// "because no service control policy allows the X action". Ambiguous
	// across versions of the page.
}

// rcpDenyGetOther is an RCP that allows only s3:PutObject at its level, so
// that level has no Allow for s3:GetObject.
var rcpDenyGetOther = v12(`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*"}`)

// notPrincipalPolicy allows s3:GetObject to account B and denies everyone
// but the listed principals (the NotPrincipal page's example).
func notPrincipalPolicy(arns ...string) string {
	return v12(`{"Effect":"Allow","Principal":{"AWS":"`+acctB+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`,
		`{"Effect":"Deny","NotPrincipal":{"AWS":["`+strings.Join(arns, `","`)+`"]},"Action":"s3:*","Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]}`)
}

func TestDocDecide(t *testing.T) {
	for _, c := range decCases {
		t.Run(c.name, func(t *testing.T) {
			var ps authz.Policies
			ps.Identity = compileAll(t, policy.TypeIdentity, c.identity)
			ps.Boundary = compileAll(t, policy.TypeBoundary, c.boundary)
			ps.Session = compileAll(t, policy.TypeSession, c.session)
			for _, lvl := range c.scp {
				ps.SCP = append(ps.SCP, compileAll(t, policy.TypeSCP, lvl))
			}
			for _, lvl := range c.rcp {
				ps.RCP = append(ps.RCP, compileAll(t, policy.TypeRCP, lvl))
			}
			if c.resPolicy != "" {
				typ := c.resType
				if typ == "" {
					typ = policy.TypeResource
				}
				ps.Resource = mustCompile(t, typ, c.resPolicy)
			}

			var pr *policy.Principal
			switch c.principal {
			case "anonymous":
				pr = &policy.Principal{Kind: policy.PrincipalAnonymous}
			default:
				p := policy.ParsePrincipal(c.principal)
				pr = &p
			}
			pr.HasBoundary = c.hasBoundary || len(c.boundary) > 0

			ctx := policy.NewContext(len(c.ctx))
			for k, v := range c.ctx {
				switch v := v.(type) {
				case string:
					ctx.Set(k, v)
				case []string:
					ctx.SetMulti(k, v...)
				}
			}
			req := &authz.Request{
				Request: policy.Request{
					Action:    c.action,
					Resource:  c.resource,
					Principal: pr,
					Context:   ctx,
				},
				ResourceAccount: c.resAcct,
			}
			if req.Action == "" {
				req.Action = getObj
			}
			switch req.Resource {
			case "":
				req.Resource = bucketK
			case "-":
				req.Resource = ""
			}
			if req.ResourceAccount == "" {
				req.ResourceAccount = acctA
			}

			d := authz.Decide(req, &ps)
			if d.Result != c.want {
				t.Errorf("Result = %v (blocked %v), want %v\n  doc: %s", d.Result, d.Blocked.Strings(), c.want, c.doc)
			}
			want := c.blocked
			if want == nil {
				want = []string{}
			}
			if got := d.Blocked.Strings(); !slices.Equal(got, want) {
				t.Errorf("Blocked = %v, want %v\n  doc: %s", got, want, c.doc)
			}
			if c.msg != "" {
				if got := authz.Message(req, d); got != c.msg {
					t.Errorf("Message =\n  %q\nwant\n  %q\n  doc: %s", got, c.msg, c.doc)
				}
			}
			if d.Result == authz.Allowed {
				if got := authz.Message(req, d); got != "" {
					t.Errorf("Message for an allowed request = %q, want empty", got)
				}
			}
		})
	}
}
