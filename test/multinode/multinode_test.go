// Package multinode runs several cleanroom nodes (internal/server) on one
// PostgreSQL database, as a multi-node deployment does, and checks what only
// such a deployment can get wrong: how fast one node enforces a policy change
// another node made, conflicting writes sent to two nodes at once, and a
// restart of the database under a stream of writes.
//
// The tests need a PostgreSQL database: CLEANROOM_TEST_POSTGRES holds its
// DSN, and each test works in a fresh schema of its own. Without it they
// skip, and fail under CI=true. scripts/postgres-test.sh (make postgres)
// starts a throwaway cluster, sets the variable and runs them; it also sets
// CLEANROOM_TEST_PG_RESTART, the command that restarts that cluster, which
// the restart test needs.
package multinode

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/jackc/pgx/v5"

	"github.com/cleanroom-dev/cleanroom/internal/awstest"
	"github.com/cleanroom-dev/cleanroom/internal/secretbox"
	"github.com/cleanroom-dev/cleanroom/internal/server"
	"github.com/cleanroom-dev/cleanroom/internal/store/postgres"
)

const (
	// envDSN names the variable with the DSN of the test database.
	envDSN = "CLEANROOM_TEST_POSTGRES"
	// envRestart names the variable with a shell command that restarts the
	// test database's server and returns once it accepts connections again.
	envRestart = "CLEANROOM_TEST_PG_RESTART"
)

// baseDSN returns the test database's DSN, or skips the test without one
// (fails it under CI, where skipping would leave multi-node untested).
func baseDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("multi-node tests need " + envDSN + "; run make postgres")
		}
		t.Skip("multi-node tests need " + envDSN + " (a PostgreSQL DSN); run make postgres")
	}
	return dsn
}

// testSchema creates an empty schema for the test, dropped when it ends,
// and returns a DSN whose search_path is it.
func testSchema(t testing.TB) string {
	t.Helper()
	base := baseDSN(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "cleanroom_multinode_" + hex.EncodeToString(b[:])
	exec := func(ctx context.Context, sql string) error {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			return fmt.Errorf("connecting to %s: %w", envDSN, err)
		}
		defer c.Close(context.Background())
		_, err = c.Exec(ctx, sql)
		return err
	}
	if err := exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	// A connection of its own: one opened before a restart of the
	// database would be dead by now.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return base + " search_path=" + schema
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// node is one cleanroom server of a cluster, serving on a loopback port.
type node struct {
	name     string
	srv      *server.Server
	dir      string
	endpoint string
	root     aws.Credentials
	logs     *logBuffer
}

// cluster is a set of nodes sharing one PostgreSQL schema and master key.
type cluster struct {
	nodes []*node
}

// startCluster starts n nodes (named A, B, C, ...) on a fresh schema, one
// after another: the first bootstraps, the others read its bootstrap.
func startCluster(t *testing.T, n int) *cluster {
	t.Helper()
	dsn := testSchema(t)
	key := make([]byte, secretbox.KeySize)
	rand.Read(key)
	masterKey := secretbox.EncodeKey(key)
	getenv := func(k string) string {
		if k == secretbox.EnvKey {
			return masterKey
		}
		return ""
	}
	c := &cluster{}
	for i := range n {
		c.nodes = append(c.nodes, startNode(t, string(rune('A'+i)), dsn, getenv))
	}
	return c
}

func startNode(t *testing.T, name, dsn string, getenv func(string) string) *node {
	t.Helper()
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})).With("node", name)
	ctx, cancel := context.WithCancel(context.Background())
	st, err := postgres.Open(ctx, dsn, postgres.Options{Logger: logger})
	if err != nil {
		cancel()
		t.Fatalf("node %s: %v", name, err)
	}
	dir := t.TempDir()
	srv, err := server.New(ctx, server.Config{
		Addr:               "127.0.0.1:0",
		DataDir:            dir,
		Getenv:             getenv,
		Logger:             logger,
		Store:              st,
		CacheCheckInterval: -1,
	})
	if err != nil {
		st.Close()
		cancel()
		t.Fatalf("node %s: %v", name, err)
	}
	ln, err := srv.Listen()
	if err != nil {
		srv.Close()
		cancel()
		t.Fatalf("node %s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("node %s: Serve: %v", name, err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("node %s: Close: %v", name, err)
		}
		if t.Failed() {
			if lines := logs.lines(""); len(lines) > 0 {
				t.Logf("node %s logged (the last 40 lines):\n%s", name, strings.Join(lines[max(0, len(lines)-40):], "\n"))
			}
		}
	})
	return &node{name: name, srv: srv, dir: dir, endpoint: srv.EndpointURL(), logs: logs,
		root: readCredentials(t, filepath.Join(dir, "aws", "credentials"))}
}

// iam returns an IAM client of the node signing with c. Retries are off:
// every error the node sends is seen.
func (n *node) iam(c aws.Credentials) *iam.Client {
	return iam.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.StaticCredentialsProvider{Value: c},
		BaseEndpoint: aws.String(n.endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:   awstest.HTTPClient(),
	})
}

// logBuffer collects a node's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the lines logged that contain substr.
func (b *logBuffer) lines(substr string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for l := range strings.Lines(b.buf.String()) {
		if strings.Contains(l, substr) {
			out = append(out, strings.TrimSuffix(l, "\n"))
		}
	}
	return out
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

// errorCode returns the AWS error code of err, "" when err is nil, and
// err's text when it is not an API error (a transport failure).
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}

// newUserWithKey creates a user through admin and returns its access key.
func newUserWithKey(t *testing.T, admin *iam.Client, name string) aws.Credentials {
	t.Helper()
	ctx := t.Context()
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	k, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
}

// createPolicy creates a customer managed policy allowing actions on every
// resource and returns its ARN.
func createPolicy(t *testing.T, admin *iam.Client, name string, actions ...string) string {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
	out, err := admin.CreatePolicy(t.Context(), &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Policy.Arn)
}

// allowed calls ListUsers through c and reports whether it was allowed; an
// error other than AccessDenied is returned.
func allowed(ctx context.Context, c *iam.Client) (bool, error) {
	_, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1)})
	switch code := errorCode(err); code {
	case "":
		return true, nil
	case "AccessDenied":
		return false, nil
	default:
		return false, fmt.Errorf("ListUsers: %w", err)
	}
}

// waitAllowed calls ListUsers through c back to back until its outcome is
// want, and returns the time from since to the end of the call that showed
// it. It gives up after limit.
func waitAllowed(ctx context.Context, c *iam.Client, want bool, since time.Time, limit time.Duration) (time.Duration, error) {
	for {
		ok, err := allowed(ctx, c)
		if err != nil {
			return 0, err
		}
		d := time.Since(since)
		if ok == want {
			return d, nil
		}
		if d > limit {
			return d, fmt.Errorf("ListUsers still %s after %v", map[bool]string{true: "allowed", false: "denied"}[ok], d.Round(time.Millisecond))
		}
	}
}

// stats returns the median and the maximum of ds.
func stats(ds []time.Duration) (median, maximum time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0, 0
	}
	if len(s)%2 == 1 {
		median = s[len(s)/2]
	} else {
		median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return median, s[len(s)-1]
}

// ms formats d in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
