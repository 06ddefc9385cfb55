package e2e

// The Organizations flow as users run it with the AWS CLI and boto3: a
// member account made with CreateAccount, reached through a config profile
// that assumes its OrganizationAccountAccessRole ("Accessing a member
// account that has a management account access role",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html;
// "Use an IAM role in the AWS CLI",
// https://docs.aws.amazon.com/cli/v1/userguide/cli-configure-role.html),
// an SCP that denies iam:CreateUser in it, and the denial found in the
// member account's event history.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// cliHome returns a fresh HOME for the AWS CLI, so that the credentials it
// caches for role profiles (~/.aws/cli/cache) stay out of the developer's
// home, or "" when the CLI does not run with another HOME (an installation
// in the user's site-packages).
func cliHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command("aws", "--version")
	cmd.Env = append(os.Environ(), "HOME="+home)
	if err := cmd.Run(); err != nil {
		return ""
	}
	return home
}

// memberProfile writes a copy of the bootstrap's config file with a
// profile "member" that assumes the member account's
// OrganizationAccountAccessRole with the default profile's credentials,
// and returns its path. The profile names the endpoint and region itself:
// botocore reads endpoint_url and region from the profile in use, and
// creates the STS client that assumes the role from that profile too, not
// from source_profile.
func (n *node) memberProfile(t *testing.T, member string) string {
	t.Helper()
	base, err := os.ReadFile(filepath.Join(n.dir, "aws", "config"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(base) + "\n[profile member]\n" +
		"role_arn = arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole\n" +
		"source_profile = default\n" +
		"region = us-east-1\n" +
		"endpoint_url = " + n.endpoint + "\n"
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// denyCreateUser is the SCP of both flows.
const denyCreateUser = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`

func TestCLIOrganizations(t *testing.T) {
	need(t, "aws")
	n := serve(t, t.TempDir())
	var extra []string
	if home := cliHome(t); home != "" {
		extra = append(extra, "HOME="+home)
	}
	env := n.env(extra...)
	mgmt, _ := n.mustAWS(t, env, "sts", "get-caller-identity")["Account"].(string)

	// A member account.
	st, _ := n.mustAWS(t, env, "organizations", "create-account", "--email", "dev@example.com", "--account-name", "dev")["CreateAccountStatus"].(map[string]any)
	reqID, _ := st["Id"].(string)
	member := ""
	for deadline := time.Now().Add(10 * time.Second); member == "" && time.Now().Before(deadline); {
		s, _ := n.mustAWS(t, env, "organizations", "describe-create-account-status", "--create-account-request-id", reqID)["CreateAccountStatus"].(map[string]any)
		switch s["State"] {
		case "SUCCEEDED":
			member, _ = s["AccountId"].(string)
		case "FAILED":
			t.Fatalf("create-account failed: %v", s)
		default:
			time.Sleep(100 * time.Millisecond)
		}
	}
	if len(member) != 12 || member == mgmt {
		t.Fatalf("member account %q (management %s)", member, mgmt)
	}

	// The CLI assumes the member's access role through the profile.
	memberEnv := append(slices.Clone(env), "AWS_CONFIG_FILE="+n.memberProfile(t, member))
	who := n.mustAWS(t, memberEnv, "sts", "get-caller-identity", "--profile", "member")
	arn, _ := who["Arn"].(string)
	if who["Account"] != member || !strings.HasPrefix(arn, "arn:aws:sts::"+member+":assumed-role/OrganizationAccountAccessRole/") {
		t.Fatalf("get-caller-identity --profile member: %v", who)
	}

	// An SCP denying iam:CreateUser, attached to the member account.
	p, _ := n.mustAWS(t, env, "organizations", "create-policy", "--name", "deny-create-user", "--description", "no IAM users",
		"--type", "SERVICE_CONTROL_POLICY", "--content", denyCreateUser)["Policy"].(map[string]any)
	policyID, _ := p["PolicySummary"].(map[string]any)["Id"].(string)
	n.mustAWS(t, env, "organizations", "attach-policy", "--policy-id", policyID, "--target-id", member)

	_, errs, code := n.aws(t, memberEnv, "iam", "create-user", "--user-name", "intruder", "--profile", "member")
	wantMsg := "An error occurred (AccessDenied) when calling the CreateUser operation: User: " + arn +
		" is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::" + member + ":user/intruder with an explicit deny in a service control policy"
	if code == 0 || !strings.Contains(errs, wantMsg) {
		t.Fatalf("create-user --profile member: exit %d\n%s\nwant %s", code, errs, wantMsg)
	}

	// The denial is in the member account's event history. Refusals are
	// stored in batches within moments; look again briefly.
	var rec map[string]any
	for deadline := time.Now().Add(5 * time.Second); rec == nil; {
		out := n.mustAWS(t, memberEnv, "cloudtrail", "lookup-events", "--profile", "member",
			"--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateUser")
		evs, _ := out["Events"].([]any)
		for _, e := range evs {
			var r map[string]any
			raw, _ := e.(map[string]any)["CloudTrailEvent"].(string)
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				t.Fatalf("CloudTrailEvent: %v\n%s", err, raw)
			}
			if r["errorCode"] == "AccessDenied" {
				rec = r
			}
		}
		if rec == nil {
			if time.Now().After(deadline) {
				t.Fatalf("no AccessDenied CreateUser event in the member account: %v", out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	ui, _ := rec["userIdentity"].(map[string]any)
	msg, _ := rec["errorMessage"].(string)
	agent, _ := rec["userAgent"].(string)
	if rec["recipientAccountId"] != member || ui["type"] != "AssumedRole" || ui["arn"] != arn ||
		!strings.Contains(msg, "service control policy") || !strings.HasPrefix(agent, "aws-cli/") {
		t.Fatalf("the denial's record: %v", rec)
	}

	// The management account's history does not hold it.
	out := n.mustAWS(t, env, "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateUser")
	if evs, _ := out["Events"].([]any); len(evs) != 0 {
		t.Fatalf("the management account sees %d CreateUser events", len(evs))
	}
}

func TestBoto3Organizations(t *testing.T) {
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
	// The script writes its member profile into a copy of the config file
	// under the directory it is given.
	cmd := exec.CommandContext(ctx, py, "testdata/boto3_orgs.py", t.TempDir(), n.endpoint, denyCreateUser)
	cmd.Env = n.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 organizations flow: %v\n%s", err, out)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(out)), "ok") {
		t.Fatalf("boto3 organizations flow did not finish:\n%s", out)
	}
	t.Logf("%s", out)
}
