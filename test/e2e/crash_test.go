package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/cleanroom-dev/cleanroom/internal/awstest"
)

// rootCredentials reads the bootstrap's default profile.
func rootCredentials(t *testing.T, dir string) aws.Credentials {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "aws", "credentials"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c aws.Credentials
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			c.AccessKeyID = strings.TrimSpace(v)
		case "aws_secret_access_key":
			c.SecretAccessKey = strings.TrimSpace(v)
		}
	}
	return c
}

func iamClient(endpoint string, c aws.Credentials) *iam.Client {
	return iam.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.StaticCredentialsProvider{Value: c},
		BaseEndpoint: aws.String(endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:   awstest.HTTPClient(),
	})
}

// TestCrashKeepsAcknowledgedWrites kills the server with SIGKILL while
// clients create users, restarts it on the same data directory, and checks
// that every user whose creation was acknowledged is there. The store
// commits with SQLite's synchronous=FULL in WAL mode (store/sqlite), so an
// acknowledged write has reached the disk.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	n := serve(t, dir)
	root := rootCredentials(t, dir)
	client := iamClient(n.endpoint, root)

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("u%d-%d", w, i)
				if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	n.cmd.Wait()
	cancel()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatalf("no write was acknowledged before the kill; stderr:\n%s", n.stderr)
	}

	n2 := serve(t, dir)
	client = iamClient(n2.endpoint, root)
	have := map[string]bool{}
	p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("%v; server stderr:\n%s", err, n2.stderr)
		}
		for _, u := range page.Users {
			have[aws.ToString(u.UserName)] = true
		}
	}
	for _, name := range acked {
		if !have[name] {
			t.Errorf("acknowledged user %s lost in the crash", name)
		}
	}
	t.Logf("%d acknowledged writes before SIGKILL, %d users after restart", len(acked), len(have))
}
