// Package e2e runs the cleanroom binary as users do and drives it with the
// real AWS CLI and boto3. The tools are preinstalled on developer machines
// and CI; where one is missing the tests skip with a message, and fail under
// CI=true.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cleanroom-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "cleanroom")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/cleanroom")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building cleanroom:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// need skips the test when a tool is missing, or fails it under CI=true.
func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is needed by this test and was not found", tool)
		}
		t.Skipf("%s not found: skipping (install it to run this test)", tool)
	}
	return p
}

// node is a running `cleanroom serve`.
type node struct {
	t        *testing.T
	dir      string
	cmd      *exec.Cmd
	endpoint string
	stderr   *strings.Builder
}

// freePort returns a loopback address that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts `cleanroom serve` on a free loopback port with data in dir
// and waits until it is healthy.
func serve(t *testing.T, dir string) *node {
	t.Helper()
	addr := freePort(t)
	n := &node{t: t, dir: dir, stderr: &strings.Builder{}, endpoint: "http://" + addr}
	n.cmd = exec.Command(binary, "serve", "--addr", addr, "--data", dir, "--log-level", "warn")
	n.cmd.Stderr = n.stderr
	n.cmd.Env = append(os.Environ(), "CLEANROOM_MASTER_KEY=")
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(n.endpoint + "/_cleanroom/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return n
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("cleanroom did not become healthy; stderr:\n%s", n.stderr)
	return nil
}

func (n *node) stop() {
	if n.cmd.Process == nil || n.cmd.ProcessState != nil {
		return
	}
	n.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		n.cmd.Process.Kill()
		<-done
	}
}

// env is the environment of a client using the bootstrap's aws/ files.
func (n *node) env(extra ...string) []string {
	var env []string
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "AWS_") {
			continue // the developer's own AWS settings must not leak in
		}
		env = append(env, e)
	}
	env = append(env,
		"AWS_CONFIG_FILE="+filepath.Join(n.dir, "aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(n.dir, "aws", "credentials"),
		"AWS_PAGER=",
	)
	return append(env, extra...)
}

// aws runs the AWS CLI and returns its standard output, standard error and
// exit status.
func (n *node) aws(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append(args, "--output", "json")...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aws %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func (n *node) mustAWS(t *testing.T, env []string, args ...string) map[string]any {
	t.Helper()
	out, errs, code := n.aws(t, env, args...)
	if code != 0 {
		t.Fatalf("aws %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	var v map[string]any
	if strings.TrimSpace(out) == "" {
		return v
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return v
}

func TestCLI(t *testing.T) {
	need(t, "aws")
	n := serve(t, t.TempDir())
	env := n.env()
	id := n.mustAWS(t, env, "sts", "get-caller-identity")
	acct, _ := id["Account"].(string)
	if len(acct) != 12 || id["Arn"] != "arn:aws:iam::"+acct+":root" {
		t.Fatalf("get-caller-identity: %v", id)
	}
	n.mustAWS(t, env, "iam", "create-user", "--user-name", "alice")
	n.mustAWS(t, env, "iam", "put-user-policy", "--user-name", "alice", "--policy-name", "p", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"},{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::`+acct+`:role/analyst"}]}`)
	key := n.mustAWS(t, env, "iam", "create-access-key", "--user-name", "alice")["AccessKey"].(map[string]any)
	alice := n.env("AWS_ACCESS_KEY_ID="+key["AccessKeyId"].(string), "AWS_SECRET_ACCESS_KEY="+key["SecretAccessKey"].(string))

	users := n.mustAWS(t, alice, "iam", "list-users")
	if list, _ := users["Users"].([]any); len(list) != 1 {
		t.Fatalf("list-users as alice: %v", users)
	}
	_, errs, code := n.aws(t, alice, "iam", "create-user", "--user-name", "mallory")
	want := "An error occurred (AccessDenied) when calling the CreateUser operation: User: arn:aws:iam::" + acct + ":user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::" + acct + ":user/mallory because no identity-based policy allows the iam:CreateUser action"
	if code == 0 || !strings.Contains(errs, want) {
		t.Fatalf("create-user as alice: exit %d\n%s\nwant %s", code, errs, want)
	}

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/alice"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-42"}}}]}`
	n.mustAWS(t, env, "iam", "create-role", "--role-name", "analyst", "--assume-role-policy-document", trust)
	n.mustAWS(t, env, "iam", "attach-role-policy", "--role-name", "analyst", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	roleARN := "arn:aws:iam::" + acct + ":role/analyst"
	if _, errs, code := n.aws(t, alice, "sts", "assume-role", "--role-arn", roleARN, "--role-session-name", "s1"); code == 0 || !strings.Contains(errs, "AccessDenied") {
		t.Fatalf("assume-role without the external id: exit %d %s", code, errs)
	}
	creds := n.mustAWS(t, alice, "sts", "assume-role", "--role-arn", roleARN, "--role-session-name", "s1", "--external-id", "ext-42")["Credentials"].(map[string]any)
	role := n.env("AWS_ACCESS_KEY_ID="+creds["AccessKeyId"].(string), "AWS_SECRET_ACCESS_KEY="+creds["SecretAccessKey"].(string), "AWS_SESSION_TOKEN="+creds["SessionToken"].(string))
	who := n.mustAWS(t, role, "sts", "get-caller-identity")
	if who["Arn"] != "arn:aws:sts::"+acct+":assumed-role/analyst/s1" {
		t.Fatalf("get-caller-identity as the role: %v", who)
	}
	n.mustAWS(t, role, "iam", "get-role", "--role-name", "analyst")
}

func TestBoto3(t *testing.T) {
	py := need(t, "python3")
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("boto3 is needed by this test and cannot be imported")
		}
		t.Skip("boto3 not importable: skipping")
	}
	n := serve(t, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "testdata/boto3_flow.py")
	cmd.Env = n.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 flow: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
