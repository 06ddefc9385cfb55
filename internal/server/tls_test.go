package server_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/cleanroom-dev/cleanroom/internal/server"
)

// writeSelfSigned writes a self-signed certificate for 127.0.0.1 and its key.
func writeSelfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cleanroom test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// getUserUnderTLSOnlyPolicy creates a user whose only policy allows
// iam:GetUser when aws:SecureTransport is true, and calls GetUser as it.
func getUserUnderTLSOnlyPolicy(t *testing.T, client func(aws.Credentials) *iam.Client, root aws.Credentials) error {
	t.Helper()
	ctx := context.Background()
	admin := client(root)
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("tls")}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	if _, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("tls"), PolicyName: aws.String("tls-only"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("tls")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}).
		GetUser(ctx, &iam.GetUserInput{})
	return err
}

// TestTLSAndSecureTransport serves HTTPS with a certificate and key
// (--tls-cert/--tls-key), and checks that aws:SecureTransport is true only
// then ("aws:SecureTransport: whether the request was sent using TLS",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
func TestTLSAndSecureTransport(t *testing.T) {
	certFile, keyFile, pool := writeSelfSigned(t, t.TempDir())
	ts := startWith(t, server.Config{TLSCert: certFile, TLSKey: keyFile})
	if !strings.HasPrefix(ts.endpoint, "https://") {
		t.Fatalf("endpoint %s is not https", ts.endpoint)
	}
	httpsClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	overTLS := func(c aws.Credentials) *iam.Client {
		cfg := ts.config(c, "us-east-1")
		cfg.HTTPClient = httpsClient
		return iam.NewFromConfig(cfg)
	}
	if err := getUserUnderTLSOnlyPolicy(t, overTLS, ts.root); err != nil {
		t.Fatalf("GetUser over TLS with a TLS-only policy: %v", err)
	}
	plain := start(t)
	if err := getUserUnderTLSOnlyPolicy(t, plain.iam, plain.root); apiCode(t, err) != "AccessDenied" {
		t.Fatalf("GetUser over plain HTTP with a TLS-only policy: %v", err)
	}
}

// TestSecretsEncryptedAtRest checks that no secret access key, session
// secret or session token is stored in the clear: the database files never
// contain them, nor do the logs at debug level.
func TestSecretsEncryptedAtRest(t *testing.T) {
	logs := &syncBuffer{}
	ts := startWith(t, server.Config{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ctx := context.Background()
	admin := ts.iam(ts.root)
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	st, err := ts.sts(ts.root).GetSessionToken(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{ts.root.SecretAccessKey, aws.ToString(key.AccessKey.SecretAccessKey),
		aws.ToString(st.Credentials.SecretAccessKey), aws.ToString(st.Credentials.SessionToken)}
	files, _ := filepath.Glob(filepath.Join(ts.dir, "cleanroom.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds a secret in the clear", filepath.Base(f))
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Error("the logs hold a secret")
		}
	}
}

// syncBuffer is a buffer the server's goroutines may log to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
