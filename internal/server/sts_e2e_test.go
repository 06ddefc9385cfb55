package server_test

// End-to-end tests of STS through the server with the AWS SDK for Go v2:
// GetSessionToken and AssumeRole as the STS API Reference describes them
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html,
// API_AssumeRole.html), with MFA, session policies, session tags, transitive
// tags and source identity as the IAM User Guide does ("Passing session tags
// in AWS STS", id_session-tags.html; "Monitor and control actions taken with
// assumed roles", id_credentials_temp_control-access_monitor.html; "Session
// policies", access_policies.html#policies_session). Cross-account AssumeRole
// waits for Organizations.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// trustDoc is a trust policy letting principal perform actions, with an
// optional condition block.
func trustDoc(principal string, actions []string, condition string) string {
	s := `{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":["` + strings.Join(actions, `","`) + `"]`
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return doc(s + "}")
}

// newRole creates a role with a trust policy, an inline policy (when
// permissions is not empty) and a maximum session duration (when not 0).
func (e *e2e) newRole(t *testing.T, name, trust, permissions string, maxSession int32) string {
	t.Helper()
	ctx := context.Background()
	c := e.iam(e.root)
	in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
	if maxSession != 0 {
		in.MaxSessionDuration = aws.Int32(maxSession)
	}
	must(c.CreateRole(ctx, in))(t)
	if permissions != "" {
		must(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(permissions)}))(t)
	}
	return e.roleARN(name)
}

// expiresIn is how long after the server's now credentials expire.
func (e *e2e) expiresIn(c *ststypes.Credentials) time.Duration {
	return aws.ToTime(c.Expiration).Sub(e.clock.Now()).Round(time.Minute)
}

func TestGetSessionTokenDurations(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	alice := e.newUser(t, "alice", "")
	for _, tc := range []struct {
		name     string
		creds    aws.Credentials
		duration *int32
		want     time.Duration
		code     string
	}{
		{"user default", alice, nil, 12 * time.Hour, ""},
		{"user minimum", alice, aws.Int32(900), 15 * time.Minute, ""},
		{"user maximum", alice, aws.Int32(129600), 36 * time.Hour, ""},
		{"user below minimum", alice, aws.Int32(899), 0, "ValidationError"},
		{"user above maximum", alice, aws.Int32(129601), 0, "ValidationError"},
		// "Sessions for AWS account owners are restricted to a maximum
		// duration of 3,600 seconds (one hour). If the duration is
		// longer than one hour, the session for AWS account owners
		// defaults to one hour."
		{"root default", e.root, nil, time.Hour, ""},
		{"root longer", e.root, aws.Int32(7200), time.Hour, ""},
		{"root shorter", e.root, aws.Int32(1800), 30 * time.Minute, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.sts(tc.creds).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: tc.duration})
			if tc.code != "" {
				wantErr(t, err, tc.code, "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := e.expiresIn(out.Credentials); got != tc.want {
				t.Fatalf("expires in %v, want %v", got, tc.want)
			}
			if !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") || aws.ToString(out.Credentials.SessionToken) == "" {
				t.Fatalf("credentials %+v", out.Credentials)
			}
			// The session acts as its user.
			id := must(e.sts(tempCreds(out.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
			want := must(e.sts(tc.creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
			if aws.ToString(id.Arn) != aws.ToString(want.Arn) || aws.ToString(id.UserId) != aws.ToString(want.UserId) {
				t.Fatalf("GetCallerIdentity %s %s, want %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(want.Arn), aws.ToString(want.UserId))
			}
		})
	}
}

// TestGetSessionTokenLimits: "You cannot call any IAM API operations unless
// MFA authentication information is included in the request. You cannot
// call any STS API except AssumeRole or GetCallerIdentity."
func TestGetSessionTokenLimits(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	alice := e.newUser(t, "alice", doc(allow("iam:*", "*"), allow("sts:*", "*")))
	arn := e.newRole(t, "r", trustDoc("arn:aws:iam::"+e.acct+":root", []string{"sts:AssumeRole"}, ""), doc(allow("iam:ListUsers", "*")), 0)
	st := must(e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{}))(t)
	sess := tempCreds(st.Credentials)

	_, err := e.iam(sess).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "InvalidClientTokenId", "")
	_, err = e.sts(sess).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantErr(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	if _, err := e.sts(sess).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	ar, err := e.sts(sess).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("from-session")})
	if err != nil {
		t.Fatalf("AssumeRole with GetSessionToken credentials: %v", err)
	}
	// The role session is not limited as the GetSessionToken one is.
	if _, err := e.iam(tempCreds(ar.Credentials)).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers as the role: %v", err)
	}
	// Role sessions may not call GetSessionToken either.
	_, err = e.sts(tempCreds(ar.Credentials)).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantErr(t, err, "AccessDenied", "")
}

func TestGetSessionTokenMFA(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	mfaOnly := `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`
	alice := e.newUser(t, "alice", doc(
		`{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":`+mfaOnly+`}`,
		`{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"300"}}}`,
		`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":`+mfaOnly+`}`))
	e.newUser(t, "bob", "")
	arn := e.newRole(t, "r", trustDoc("arn:aws:iam::"+e.acct+":root", []string{"sts:AssumeRole"}, ""), "", 0)
	serial, seed := e.enableMFA(t, "alice")
	bobSerial, bobSeed := e.enableMFA(t, "bob")

	// The long-term key has no MFA: the condition does not match.
	_, err := e.iam(alice).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "")

	// Bad codes, a missing half, another user's device.
	_, err = e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String("000000")})
	if totp(t, seed, e.clock.Now()) != "000000" {
		wantErr(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ")
	}
	_, err = e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial)})
	wantErr(t, err, "AccessDenied", "")
	_, err = e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(bobSerial), TokenCode: aws.String(totp(t, bobSeed, e.clock.Now()))})
	wantErr(t, err, "AccessDenied", "")
	e.nextStep()

	// Without MFA: IAM refuses the session, AssumeRole is not allowed.
	plain := tempCreds(must(e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{}))(t).Credentials)
	_, err = e.iam(plain).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "InvalidClientTokenId", "")
	_, err = e.sts(plain).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("no-mfa")})
	wantErr(t, err, "AccessDenied", "User: "+e.userARN("alice")+" is not authorized to perform: sts:AssumeRole on resource: "+arn)

	// With MFA: aws:MultiFactorAuthPresent is true.
	code := totp(t, seed, e.clock.Now())
	out := must(e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code), DurationSeconds: aws.Int32(3600)}))(t)
	withMFA := tempCreds(out.Credentials)
	if _, err := e.iam(withMFA).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with MFA: %v", err)
	}
	if _, err := e.iam(withMFA).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles with fresh MFA: %v", err)
	}
	ar, err := e.sts(withMFA).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("with-mfa")})
	if err != nil {
		t.Fatalf("AssumeRole with MFA: %v", err)
	}
	_ = ar
	// A code is accepted once.
	_, err = e.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
	wantErr(t, err, "AccessDenied", "")
	// aws:MultiFactorAuthAge grows with the session.
	e.clock.Advance(10 * time.Minute)
	_, err = e.iam(withMFA).ListRoles(ctx, &iam.ListRolesInput{})
	wantErr(t, err, "AccessDenied", "")
	if _, err := e.iam(withMFA).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with MFA 10 minutes later: %v", err)
	}
}

func TestAssumeRoleExternalIDAndDuration(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	alice := e.newUser(t, "alice", doc(allow("sts:AssumeRole", "*")))
	ext := e.newRole(t, "vendor", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole"}, `{"StringEquals":{"sts:ExternalId":"s3cr3t-ext"}}`), "", 0)
	for _, id := range []*string{nil, aws.String("wrong-ext")} {
		_, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("s1"), ExternalId: id})
		wantErr(t, err, "AccessDenied", "User: "+e.userARN("alice")+" is not authorized to perform: sts:AssumeRole on resource: "+ext)
	}
	if _, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(ext), RoleSessionName: aws.String("s1"), ExternalId: aws.String("s3cr3t-ext")}); err != nil {
		t.Fatalf("with the external id: %v", err)
	}

	// A role that does not exist is refused as one that does not trust
	// the caller, so that its existence is not revealed.
	_, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(e.roleARN("nope")), RoleSessionName: aws.String("s1")})
	wantErr(t, err, "AccessDenied", "User: "+e.userARN("alice")+" is not authorized to perform: sts:AssumeRole on resource: "+e.roleARN("nope"))

	// DurationSeconds: at most the role's MaxSessionDuration.
	short := e.newRole(t, "short", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole"}, ""), "", 0)
	long := e.newRole(t, "long", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole"}, ""), "", 4*3600)
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(short), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(3601)})
	wantErr(t, err, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	for _, tc := range []struct {
		duration *int32
		want     time.Duration
	}{{nil, time.Hour}, {aws.Int32(900), 15 * time.Minute}, {aws.Int32(4 * 3600), 4 * time.Hour}} {
		out := must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(long), RoleSessionName: aws.String("s1"), DurationSeconds: tc.duration}))(t)
		if got := e.expiresIn(out.Credentials); got != tc.want {
			t.Errorf("DurationSeconds %v: expires in %v, want %v", aws.ToInt32(tc.duration), got, tc.want)
		}
		if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+e.acct+":assumed-role/long/s1" || !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") {
			t.Errorf("AssumedRoleUser %+v", out.AssumedRoleUser)
		}
	}
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(long), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(4*3600 + 1)})
	wantErr(t, err, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(long), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(899)})
	wantErr(t, err, "ValidationError", "")

	// Role chaining: at most one hour.
	first := tempCreds(must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(long), RoleSessionName: aws.String("first")}))(t).Credentials)
	chainTarget := e.newRole(t, "target", trustDoc(long, []string{"sts:AssumeRole"}, ""), "", 4*3600)
	must(e.iam(e.root).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("long"), PolicyName: aws.String("chain"), PolicyDocument: aws.String(doc(allow("sts:AssumeRole", "*")))}))(t)
	_, err = e.sts(first).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(chainTarget), RoleSessionName: aws.String("second"), DurationSeconds: aws.Int32(3601)})
	wantErr(t, err, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	second := must(e.sts(first).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(chainTarget), RoleSessionName: aws.String("second")}))(t)
	if got := e.expiresIn(second.Credentials); got != time.Hour {
		t.Errorf("chained session expires in %v", got)
	}
	id := must(e.sts(tempCreds(second.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(id.Arn) != "arn:aws:sts::"+e.acct+":assumed-role/target/second" {
		t.Fatalf("chained identity %s", aws.ToString(id.Arn))
	}
}

func TestAssumeRoleSessionPolicies(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	alice := e.newUser(t, "alice", doc(allow("sts:AssumeRole", "*")))
	arn := e.newRole(t, "admin", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole"}, ""), "", 0)
	must(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("admin"), PolicyArn: aws.String(adminARN)}))(t)
	must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("get-role"), PolicyDocument: aws.String(doc(allow("iam:GetRole", "*")))}))(t)
	session := func(name string, in *sts.AssumeRoleInput) *iam.Client {
		in.RoleArn, in.RoleSessionName = aws.String(arn), aws.String(name)
		out := must(e.sts(alice).AssumeRole(ctx, in))(t)
		if out.PackedPolicySize == nil || aws.ToInt32(out.PackedPolicySize) <= 0 || aws.ToInt32(out.PackedPolicySize) > 100 {
			t.Errorf("PackedPolicySize %v", out.PackedPolicySize)
		}
		return e.iam(tempCreds(out.Credentials))
	}
	sessionARN := func(name string) string { return "arn:aws:sts::" + e.acct + ":assumed-role/admin/" + name }
	getRole := &iam.GetRoleInput{RoleName: aws.String("admin")}

	inline := session("inline", &sts.AssumeRoleInput{Policy: aws.String(doc(allow("iam:ListUsers", "*")))})
	if _, err := inline.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers allowed by the session policy: %v", err)
	}
	_, err := inline.GetRole(ctx, getRole)
	wantErr(t, err, "AccessDenied", denied(sessionARN("inline"), "iam:GetRole", arn, "session policy"))

	managed := session("managed", &sts.AssumeRoleInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String(e.policyARN("get-role"))}}})
	if _, err := managed.GetRole(ctx, getRole); err != nil {
		t.Fatalf("GetRole allowed by the managed session policy: %v", err)
	}
	_, err = managed.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	wantErr(t, err, "AccessDenied", denied(sessionARN("managed"), "iam:CreateUser", e.userARN("x"), "session policy"))

	// Inline and managed together: what either allows (and the role's
	// policies allow) is allowed.
	both := session("both", &sts.AssumeRoleInput{Policy: aws.String(doc(allow("iam:ListUsers", "*"))),
		PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String(e.policyARN("get-role"))}}})
	if _, err := both.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := both.GetRole(ctx, getRole); err != nil {
		t.Fatal(err)
	}
	_, err = both.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	wantErr(t, err, "AccessDenied", "")

	// A session policy grants nothing the role does not have.
	must(c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("admin"), PolicyArn: aws.String(adminARN)}))(t)
	_, err = inline.ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "")

	// A session policy's explicit deny wins.
	must(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("admin"), PolicyArn: aws.String(adminARN)}))(t)
	denyGet := session("deny", &sts.AssumeRoleInput{Policy: aws.String(doc(allow("*", "*"), deny("iam:GetRole", "*")))})
	_, err = denyGet.GetRole(ctx, getRole)
	wantErr(t, err, "AccessDenied", explicitlyDenied(sessionARN("deny"), "iam:GetRole", arn, "a session policy"))

	// Bad session policies.
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("bad"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`)})
	wantErr(t, err, "MalformedPolicyDocument", "")
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("bad"),
		PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String(e.policyARN("nope"))}}})
	if code, _ := apiError(t, err); code == "" {
		t.Fatal("a session policy ARN that does not exist accepted")
	}
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("big"),
		Policy: aws.String(doc(allow("iam:"+strings.Repeat("x", 2100), "*")))})
	if code, _ := apiError(t, err); code != "PackedPolicyTooLarge" && code != "ValidationError" {
		t.Fatalf("an oversized session policy: %v", err)
	}
}

func TestAssumeRoleSessionTags(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	c := e.iam(e.root)
	tag := func(k, v string) ststypes.Tag { return ststypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
	for _, u := range []struct{ name, team string }{{"red1", "red"}, {"blue1", "blue"}} {
		must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u.name), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String(u.team)}}}))(t)
	}
	alice := e.newUser(t, "alice", doc(allow("sts:AssumeRole", "*"), allow("sts:TagSession", "*")))
	abac := doc(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}`,
		`{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/project":"apollo"}}}`,
		allow("sts:AssumeRole", "*"), allow("sts:TagSession", "*"))

	// The trust policy must allow sts:TagSession for tags to be passed.
	noTag := e.newRole(t, "notag", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole"}, ""), abac, 0)
	_, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(noTag), RoleSessionName: aws.String("s1"), Tags: []ststypes.Tag{tag("team", "red")}})
	wantErr(t, err, "AccessDenied", "")
	if _, m := apiError(t, err); !strings.Contains(m, "sts:TagSession") {
		t.Errorf("denial names %q, want sts:TagSession", m)
	}
	if _, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(noTag), RoleSessionName: aws.String("s1")}); err != nil {
		t.Fatalf("without tags: %v", err)
	}

	// Session tags are aws:PrincipalTag in the session's requests.
	tagged := e.newRole(t, "tagged", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole", "sts:TagSession"}, ""), abac, 0)
	red := must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tagged), RoleSessionName: aws.String("red"),
		Tags: []ststypes.Tag{tag("team", "red"), tag("project", "apollo")}, TransitiveTagKeys: []string{"team"}}))(t)
	redIAM := e.iam(tempCreds(red.Credentials))
	if _, err := redIAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("red1")}); err != nil {
		t.Fatalf("GetUser on the session's team: %v", err)
	}
	_, err = redIAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("blue1")})
	wantErr(t, err, "AccessDenied", denied("arn:aws:sts::"+e.acct+":assumed-role/tagged/red", "iam:GetUser", e.userARN("blue1"), "identity-based policy"))
	if _, err := redIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with project=apollo: %v", err)
	}

	// A role tag is a principal tag too, and a session tag overrides it.
	must(c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("tagged"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}))(t)
	plain := e.iam(tempCreds(must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tagged), RoleSessionName: aws.String("plain")}))(t).Credentials))
	if _, err := plain.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("blue1")}); err != nil {
		t.Fatalf("GetUser with the role's tag team=blue: %v", err)
	}
	over := e.iam(tempCreds(must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tagged), RoleSessionName: aws.String("over"), Tags: []ststypes.Tag{tag("Team", "red")}}))(t).Credentials))
	if _, err := over.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("red1")}); err != nil {
		t.Fatalf("GetUser with session tag Team=red over the role's team=blue: %v", err)
	}
	_, err = over.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("blue1")})
	wantErr(t, err, "AccessDenied", "")

	// Transitive tags pass through role chaining; the others do not.
	next := e.newRole(t, "next", trustDoc(tagged, []string{"sts:AssumeRole", "sts:TagSession"}, ""), abac, 0)
	chained := must(e.sts(tempCreds(red.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(next), RoleSessionName: aws.String("chained")}))(t)
	chainedIAM := e.iam(tempCreds(chained.Credentials))
	if _, err := chainedIAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("red1")}); err != nil {
		t.Fatalf("GetUser with the transitive team=red: %v", err)
	}
	_, err = chainedIAM.ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "")
	// A transitive tag cannot be changed down the chain.
	_, err = e.sts(tempCreds(red.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(next), RoleSessionName: aws.String("chained"), Tags: []ststypes.Tag{tag("team", "blue")}})
	if code, _ := apiError(t, err); code == "" {
		t.Fatal("a transitive tag overridden in a chained session")
	}

	// Bad tags.
	for _, tc := range []struct {
		name       string
		tags       []ststypes.Tag
		transitive []string
	}{
		{"duplicate keys", []ststypes.Tag{tag("a", "1"), tag("A", "2")}, nil},
		{"aws: prefix", []ststypes.Tag{tag("aws:team", "red")}, nil},
		{"transitive key not a tag", []ststypes.Tag{tag("a", "1")}, []string{"b"}},
	} {
		_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tagged), RoleSessionName: aws.String("bad"), Tags: tc.tags, TransitiveTagKeys: tc.transitive})
		if code, _ := apiError(t, err); code != "InvalidParameterValue" && code != "ValidationError" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestAssumeRoleSourceIdentity(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	alice := e.newUser(t, "alice", doc(allow("sts:AssumeRole", "*"), allow("sts:SetSourceIdentity", "*")))
	perms := doc(allow("sts:AssumeRole", "*"), allow("sts:SetSourceIdentity", "*"),
		`{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:SourceIdentity":"alice"}}}`)
	noSet := e.newRole(t, "noset", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole"}, ""), perms, 0)
	_, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(noSet), RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("alice")})
	wantErr(t, err, "AccessDenied", "")
	if _, m := apiError(t, err); !strings.Contains(m, "sts:SetSourceIdentity") {
		t.Errorf("denial names %q, want sts:SetSourceIdentity", m)
	}

	// The trust policy may require a value (sts:SourceIdentity).
	first := e.newRole(t, "first", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole", "sts:SetSourceIdentity"}, `{"StringEquals":{"sts:SourceIdentity":"${aws:username}"}}`), perms, 0)
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(first), RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("mallory")})
	wantErr(t, err, "AccessDenied", "")
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(first), RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("aws:alice")})
	if code, _ := apiError(t, err); code == "" {
		t.Fatal(`a source identity with the "aws:" prefix accepted`)
	}
	out := must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(first), RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("alice")}))(t)
	if aws.ToString(out.SourceIdentity) != "alice" {
		t.Fatalf("SourceIdentity %q", aws.ToString(out.SourceIdentity))
	}
	s1 := tempCreds(out.Credentials)
	if _, err := e.iam(s1).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with aws:SourceIdentity alice: %v", err)
	}

	// It persists through role chaining and cannot be changed there.
	second := e.newRole(t, "second", trustDoc(first, []string{"sts:AssumeRole", "sts:SetSourceIdentity"}, ""), perms, 0)
	chained := must(e.sts(s1).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("s2")}))(t)
	if aws.ToString(chained.SourceIdentity) != "alice" {
		t.Fatalf("chained SourceIdentity %q", aws.ToString(chained.SourceIdentity))
	}
	if _, err := e.iam(tempCreds(chained.Credentials)).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers in the chained session: %v", err)
	}
	_, err = e.sts(s1).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("s2"), SourceIdentity: aws.String("bob")})
	if code, _ := apiError(t, err); code == "" {
		t.Fatal("the source identity changed in a chained session")
	}
	// Without a source identity the condition does not match.
	plain := must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(noSet), RoleSessionName: aws.String("plain")}))(t)
	if plain.SourceIdentity != nil {
		t.Fatalf("SourceIdentity %q without one", aws.ToString(plain.SourceIdentity))
	}
	_, err = e.iam(tempCreds(plain.Credentials)).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", "")
}

func TestAssumeRoleWithMFA(t *testing.T) {
	e := newE2E(t)
	ctx := context.Background()
	alice := e.newUser(t, "alice", doc(allow("sts:AssumeRole", "*")))
	serial, seed := e.enableMFA(t, "alice")
	arn := e.newRole(t, "guarded", trustDoc(e.userARN("alice"), []string{"sts:AssumeRole"}, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`),
		doc(`{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`), 0)

	_, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1")})
	wantErr(t, err, "AccessDenied", "User: "+e.userARN("alice")+" is not authorized to perform: sts:AssumeRole on resource: "+arn)
	bad := "123456"
	if totp(t, seed, e.clock.Now()) == bad {
		bad = "654321"
	}
	_, err = e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1"), SerialNumber: aws.String(serial), TokenCode: aws.String(bad)})
	wantErr(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ")

	out := must(e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1"),
		SerialNumber: aws.String(serial), TokenCode: aws.String(totp(t, seed, e.clock.Now()))}))(t)
	// The session carries the MFA into its own requests.
	if _, err := e.iam(tempCreds(out.Credentials)).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers in an MFA session: %v", err)
	}
}
