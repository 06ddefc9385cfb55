package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the root command with args and returns its output and the
// process exit status main would use.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newRootCommand(strings.NewReader(stdin), &out, &errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	switch {
	case err == nil:
	case asExit(err, new(exitCode)):
		var ec exitCode
		errors.As(err, &ec)
		status = int(ec)
	default:
		errOut.WriteString(err.Error())
		status = 2
	}
	return out.String(), errOut.String(), status
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	cleanPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"cleanrooms:GetCollaboration","Resource":"arn:aws:cleanrooms:us-east-1:111122223333:collaboration/*"}]}`
	// A typo in an action (ERROR) and PassRole on every role (SECURITY_WARNING).
	badPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Typo","Effect":"Allow","Action":"cleanrooms:GetCollaborations","Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`
	// Only a warning: no Version.
	warnPolicy = `{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}`
	rcpPolicy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
)

func TestValidateText(t *testing.T) {
	dir := t.TempDir()
	clean := writeFile(t, dir, "clean.json", cleanPolicy)
	bad := writeFile(t, dir, "bad.json", badPolicy)
	warn := writeFile(t, dir, "warn.json", warnPolicy)

	out, _, status := runCLI(t, "", "policy", "validate", clean)
	if status != 0 || out != "" {
		t.Errorf("clean policy: status %d, output %q", status, out)
	}

	out, _, status = runCLI(t, "", "policy", "validate", warn)
	if status != 0 || !strings.HasPrefix(out, warn+": WARNING MISSING_VERSION: ") || strings.Count(out, "\n") != 1 {
		t.Errorf("warning only: status %d, output %q", status, out)
	}

	out, _, status = runCLI(t, "", "policy", "validate", clean, bad)
	if status != 1 {
		t.Errorf("bad policy: status %d, want 1", status)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 ||
		!strings.HasPrefix(lines[0], bad+": ERROR UNKNOWN_ACTION statement 0 (Sid Typo): ") ||
		!strings.HasPrefix(lines[1], bad+": SECURITY_WARNING PASS_ROLE_WITH_STAR_RESOURCE statement 1: ") {
		t.Errorf("bad policy output:\n%s", out)
	}
}

func TestValidateJSON(t *testing.T) {
	dir := t.TempDir()
	clean := writeFile(t, dir, "clean.json", cleanPolicy)
	bad := writeFile(t, dir, "bad.json", badPolicy)
	out, _, status := runCLI(t, "", "policy", "validate", "--format", "json", clean, bad)
	if status != 1 {
		t.Errorf("status %d, want 1", status)
	}
	var got []struct {
		File     string `json:"file"`
		Findings []struct {
			FindingType    string `json:"findingType"`
			IssueCode      string `json:"issueCode"`
			Message        string `json:"message"`
			StatementIndex int    `json:"statementIndex"`
			Sid            string `json:"sid"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(got) != 2 || got[0].File != clean || got[0].Findings == nil || len(got[0].Findings) != 0 || got[1].File != bad || len(got[1].Findings) != 2 {
		t.Fatalf("got %s", out)
	}
	f := got[1].Findings[0]
	if f.FindingType != "ERROR" || f.IssueCode != "UNKNOWN_ACTION" || f.StatementIndex != 0 || f.Sid != "Typo" || f.Message == "" {
		t.Errorf("first finding %+v", f)
	}
	if !strings.Contains(out, `"findings": []`) {
		t.Errorf("a clean file should have an empty findings array:\n%s", out)
	}
}

func TestValidateType(t *testing.T) {
	dir := t.TempDir()
	rcp := writeFile(t, dir, "rcp.json", rcpPolicy)
	// As an identity policy, Principal is not allowed.
	out, _, status := runCLI(t, "", "policy", "validate", rcp)
	if status != 1 || !strings.Contains(out, "ERROR MALFORMED_POLICY statement 0: ") {
		t.Errorf("identity: status %d, output %q", status, out)
	}
	out, _, status = runCLI(t, "", "policy", "validate", "--type", "rcp", rcp)
	if status != 1 || !strings.Contains(out, "ERROR ALLOW_IN_CUSTOM_RCP statement 0: ") || strings.Contains(out, "MALFORMED_POLICY") {
		t.Errorf("rcp: status %d, output %q", status, out)
	}
	// Standard input.
	out, _, status = runCLI(t, cleanPolicy, "policy", "validate", "-")
	if status != 0 || out != "" {
		t.Errorf("stdin: status %d, output %q", status, out)
	}
}

func TestValidateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	clean := writeFile(t, dir, "clean.json", cleanPolicy)
	for _, args := range [][]string{
		{"policy", "validate", filepath.Join(dir, "missing.json")},
		{"policy", "validate", clean, filepath.Join(dir, "missing.json")},
		{"policy", "validate", "--type", "bucket", clean},
		{"policy", "validate", "--format", "yaml", clean},
		{"policy", "validate"},
	} {
		out, errOut, status := runCLI(t, "", args...)
		if status != 2 || out != "" || errOut == "" {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want status 2, an error and no output", args, status, out, errOut)
		}
	}
}
