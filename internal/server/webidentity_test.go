package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/go-jose/go-jose/v4"

	"github.com/cleanroom-dev/cleanroom/internal/server"
)

// The STS API Reference on AssumeRoleWithWebIdentity and the IAM User Guide
// on OIDC federation, which the end-to-end test follows.
const (
	docWebIdentityAPI = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html"
	docOIDCRoleTrust  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html"
)

// startWebIdentityServer starts a server as start does, with JWKS files for
// OIDC issuers (Config.OIDCKeySets).
func startWebIdentityServer(t *testing.T, keySets map[string]string) *testServer {
	t.Helper()
	return startWith(t, server.Config{OIDCKeySets: keySets})
}

// anonymousSTS is an STS client that does not sign its requests, as a web
// identity calls AssumeRoleWithWebIdentity.
func (ts *testServer) anonymousSTS() *sts.Client {
	cfg := ts.config(aws.Credentials{}, "us-east-1")
	cfg.Credentials = aws.AnonymousCredentials{}
	return sts.NewFromConfig(cfg)
}

// webIdP is an OIDC identity provider's signing key.
type webIdP struct {
	key *ecdsa.PrivateKey
}

func newWebIdP(t *testing.T) *webIdP {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &webIdP{key: k}
}

// jwksFile writes the provider's public key set to a file.
func (p *webIdP) jwksFile(t *testing.T) string {
	t.Helper()
	doc, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: p.key.Public(), KeyID: "key-1", Algorithm: "ES256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// token signs an ID token with the claims.
func (p *webIdP) token(t *testing.T, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: p.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "key-1"))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestAssumeRoleWithWebIdentity walks OIDC federation with the SDK: the
// account root registers the identity provider and a role trusting it on
// sub and aud; a workload with an ID token calls AssumeRoleWithWebIdentity
// unsigned and then acts with the role's credentials. A wrong audience, an
// expired token, a subject the trust policy does not name, and an issuer
// that cannot be reached are refused with AWS's codes.
func TestAssumeRoleWithWebIdentity(t *testing.T) {
	const (
		issuer   = "https://idp.example.com/ci"
		hostPath = "idp.example.com/ci"
		audience = "sts.amazonaws.com"
	)
	idp := newWebIdP(t)
	ts := startWebIdentityServer(t, map[string]string{issuer: idp.jwksFile(t)})
	ctx := context.Background()
	acct := ts.ManagementAccount()
	admin := ts.iam(ts.root)

	prov, err := admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(issuer), ClientIDList: []string{audience},
	})
	if err != nil {
		t.Fatal(err)
	}
	provARN := aws.ToString(prov.OpenIDConnectProviderArn)
	if provARN != "arn:aws:iam::"+acct+":oidc-provider/"+hostPath {
		t.Fatalf("provider ARN %s", provARN)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hostPath + `:aud":"` + audience + `"},` +
		`"StringLike":{"` + hostPath + `:sub":"repo:octo/app:*"}}}]}`
	role, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	roleARN := aws.ToString(role.Role.Arn)

	now := time.Now()
	claims := func(change func(map[string]any)) map[string]any {
		m := map[string]any{"iss": issuer, "sub": "repo:octo/app:ref:refs/heads/main", "aud": audience,
			"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
		if change != nil {
			change(m)
		}
		return m
	}
	web := ts.anonymousSTS()
	assume := func(tok string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return web.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(roleARN), RoleSessionName: aws.String("build-7"), WebIdentityToken: aws.String(tok),
		})
	}

	out, err := assume(idp.token(t, claims(nil)))
	if err != nil {
		t.Fatalf("%s: %v", docOIDCRoleTrust, err)
	}
	sessionARN := "arn:aws:sts::" + acct + ":assumed-role/deploy/build-7"
	if aws.ToString(out.AssumedRoleUser.Arn) != sessionARN || !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":build-7") ||
		aws.ToString(out.SubjectFromWebIdentityToken) != "repo:octo/app:ref:refs/heads/main" || aws.ToString(out.Audience) != audience ||
		aws.ToString(out.Provider) != provARN || out.PackedPolicySize != nil {
		t.Fatalf("%s: output %+v %+v", docWebIdentityAPI, out, out.AssumedRoleUser)
	}
	if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("%s: default duration: expires in %v, want one hour", docWebIdentityAPI, d)
	}
	temp := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken: aws.ToString(out.Credentials.SessionToken)}
	id, err := ts.sts(temp).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != sessionARN || aws.ToString(id.Account) != acct {
		t.Fatalf("GetCallerIdentity with the web identity session: %s %s", aws.ToString(id.Arn), aws.ToString(id.Account))
	}
	// The session has the role's permissions: none were attached.
	if _, err := ts.iam(temp).ListUsers(ctx, &iam.ListUsersInput{}); apiCode(t, err) != "AccessDenied" {
		t.Fatalf("ListUsers with a role without policies: %v", err)
	}

	refusals := []struct {
		name, code, msg string
		token           string
	}{
		{name: "wrong audience", code: "InvalidIdentityToken", msg: "Incorrect token audience",
			token: idp.token(t, claims(func(m map[string]any) { m["aud"] = "another-client" }))},
		{name: "expired token", code: "ExpiredTokenException", msg: "Token expired: current date/time",
			token: idp.token(t, claims(func(m map[string]any) { m["exp"] = now.Add(-time.Minute).Unix() }))},
		{name: "subject the trust policy does not name", code: "AccessDenied", msg: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
			token: idp.token(t, claims(func(m map[string]any) { m["sub"] = "repo:evil/app:ref:refs/heads/main" }))},
		{name: "issuer without a provider", code: "InvalidIdentityToken", msg: "No OpenIDConnect provider found in your account for https://other.example.com",
			token: idp.token(t, claims(func(m map[string]any) { m["iss"] = "https://other.example.com" }))},
		{name: "not a JWT", code: "InvalidIdentityToken", msg: "could not be validated by AWS", token: "not.a.token"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			_, err := assume(r.token)
			if apiCode(t, err) != r.code || !strings.Contains(err.Error(), r.msg) {
				t.Fatalf("%s: got %v, want %s %q", docWebIdentityAPI, err, r.code, r.msg)
			}
		})
	}

	// An issuer whose keys must be fetched but that cannot be reached.
	const unreachable = "https://127.0.0.1:1"
	if _, err := admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(unreachable), ClientIDList: []string{audience},
	}); err != nil {
		t.Fatal(err)
	}
	trust2 := strings.ReplaceAll(trust, hostPath, "127.0.0.1:1")
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("far"), AssumeRolePolicyDocument: aws.String(trust2)}); err != nil {
		t.Fatal(err)
	}
	_, err = web.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::" + acct + ":role/far"), RoleSessionName: aws.String("build-8"),
		WebIdentityToken: aws.String(idp.token(t, claims(func(m map[string]any) { m["iss"] = unreachable }))),
	})
	if apiCode(t, err) != "IDPCommunicationError" {
		t.Fatalf("%s: unreachable issuer: %v", docWebIdentityAPI, err)
	}
}

// TestWebIdentityKeySetFileRequired: a JWKS file that cannot be read or
// holds no usable key stops the server from starting.
func TestWebIdentityKeySetFileRequired(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"keys":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{filepath.Join(dir, "missing.json"), bad} {
		s, err := server.New(context.Background(), server.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(),
			Getenv: func(string) string { return "" }, OIDCKeySets: map[string]string{"https://idp.example.com": file}})
		if err == nil {
			s.Close()
			t.Fatalf("server started with JWKS file %s", file)
		}
	}
}
