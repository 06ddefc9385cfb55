package server_test

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"github.com/cleanroom-dev/cleanroom/internal/server"
)

// testServer is a server on a loopback port with its data in a temporary
// directory.
type testServer struct {
	*server.Server
	dir      string
	endpoint string
	root     aws.Credentials
}

func start(t testing.TB) *testServer {
	t.Helper()
	return startWith(t, server.Config{})
}

// startWith starts a server with cfg, defaulting its address to a free
// loopback port, its data to a temporary directory and its environment to an
// empty one.
func startWith(t testing.TB, cfg server.Config) *testServer {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Getenv == nil {
		cfg.Getenv = func(string) string { return "" }
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := s.Listen()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
		s.Close()
	})
	ts := &testServer{Server: s, dir: cfg.DataDir, endpoint: s.EndpointURL()}
	ts.root = readCredentials(t, filepath.Join(cfg.DataDir, "aws", "credentials"))
	return ts
}

// readCredentials reads the default profile of a shared credentials file.
func readCredentials(t testing.TB, path string) aws.Credentials {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c aws.Credentials
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			c.AccessKeyID = strings.TrimSpace(v)
		case "aws_secret_access_key":
			c.SecretAccessKey = strings.TrimSpace(v)
		}
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		t.Fatalf("%s: no default credentials", path)
	}
	return c
}

func (ts *testServer) config(c aws.Credentials, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.StaticCredentialsProvider{Value: c},
		BaseEndpoint: aws.String(ts.endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:   awstest.HTTPClient(),
	}
}

func (ts *testServer) iam(c aws.Credentials) *iam.Client {
	return iam.NewFromConfig(ts.config(c, "us-east-1"))
}

func (ts *testServer) sts(c aws.Credentials) *sts.Client {
	return sts.NewFromConfig(ts.config(c, "us-east-1"))
}

// apiCode returns the AWS error code of err, or "" when err is nil.
func apiCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	return ae.ErrorCode()
}

func TestBootstrapAndCallerIdentity(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	out, err := ts.sts(ts.root).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	acct := ts.ManagementAccount()
	if aws.ToString(out.Account) != acct || aws.ToString(out.Arn) != "arn:aws:iam::"+acct+":root" || aws.ToString(out.UserId) != acct {
		t.Fatalf("GetCallerIdentity = %s %s %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId))
	}
	cfg, err := os.ReadFile(filepath.Join(ts.dir, "aws", "config"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "endpoint_url = "+ts.endpoint) || !strings.Contains(string(cfg), "region = us-east-1") {
		t.Fatalf("aws/config:\n%s", cfg)
	}
	resp, err := http.Get(ts.endpoint + "/_cleanroom/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestWrongSecretAndUnknownKey(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	bad := ts.root
	bad.SecretAccessKey = strings.Repeat("x", 40)
	_, err := ts.sts(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if got := apiCode(t, err); got != "SignatureDoesNotMatch" {
		t.Fatalf("wrong secret: %v", err)
	}
	unknown := aws.Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: bad.SecretAccessKey}
	_, err = ts.iam(unknown).ListUsers(ctx, &iam.ListUsersInput{})
	if got := apiCode(t, err); got != "InvalidClientTokenId" {
		t.Fatalf("unknown key: %v", err)
	}
}

// TestUserPolicyAndAssumeRole walks the path a user takes first: a user with
// a policy, a call it may make and one it may not, a role with an external
// id, and calls with the role's temporary credentials.
func TestUserPolicyAndAssumeRole(t *testing.T) {
	ts := start(t)
	ctx := context.Background()
	acct := ts.ManagementAccount()
	admin := ts.iam(ts.root)
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"*"},{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + acct + `:role/analyst"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	alice := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}

	got, err := ts.iam(alice).GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.User.UserName) != "alice" {
		t.Fatalf("GetUser: %+v", got.User)
	}
	_, err = ts.iam(alice).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	if apiCode(t, err) != "AccessDenied" || !strings.Contains(err.Error(), "User: arn:aws:iam::"+acct+":user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::"+acct+":user/mallory because no identity-based policy allows the iam:CreateUser action") {
		t.Fatalf("CreateUser as alice: %v", err)
	}

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/alice"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-123"}}}]}`
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("analyst"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("analyst"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	roleARN := "arn:aws:iam::" + acct + ":role/analyst"
	_, err = ts.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	if apiCode(t, err) != "AccessDenied" {
		t.Fatalf("AssumeRole without external id: %v", err)
	}
	ar, err := ts.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"), ExternalId: aws.String("ext-123")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(ar.Credentials.AccessKeyId), "ASIA") || time.Until(aws.ToTime(ar.Credentials.Expiration)) > time.Hour+time.Minute {
		t.Fatalf("AssumeRole credentials: %+v", ar.Credentials)
	}
	temp := aws.Credentials{AccessKeyID: aws.ToString(ar.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(ar.Credentials.SecretAccessKey), SessionToken: aws.ToString(ar.Credentials.SessionToken)}
	id, err := ts.sts(temp).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:sts::" + acct + ":assumed-role/analyst/s1"; aws.ToString(id.Arn) != want {
		t.Fatalf("session ARN %s, want %s", aws.ToString(id.Arn), want)
	}
	if _, err := ts.iam(temp).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with the role's read-only policy: %v", err)
	}
	_, err = ts.iam(temp).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	if apiCode(t, err) != "AccessDenied" {
		t.Fatalf("CreateUser as the role: %v", err)
	}
	// A session's key with no token, or another session's token, is refused.
	noToken := temp
	noToken.SessionToken = ""
	if _, err := ts.sts(noToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(t, err) == "" {
		t.Fatal("session key without its token accepted")
	}
}
