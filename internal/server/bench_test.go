package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkHandler measures the server's work for one signed awsQuery call,
// without the network: SigV4 verification, routing, decoding, authorization,
// the operation and the response. The request is signed once and replayed
// (its signature stays valid within the 15 minutes of allowed skew).
//
//	go test -run '^$' -bench Handler -benchmem ./internal/server/
func BenchmarkHandler(b *testing.B) {
	ts := start(b)
	ctx := context.Background()
	if _, err := ts.iam(ts.root).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, service, body string }{
		{"sts-GetCallerIdentity", "sts", "Action=GetCallerIdentity&Version=2011-06-15"},
		{"iam-GetUser", "iam", "Action=GetUser&Version=2010-05-08&UserName=bench"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := ts.Handler()
			body := []byte(tc.body)
			sum := sha256.Sum256(body)
			req := httptest.NewRequest("POST", "http://127.0.0.1/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			if err := v4.NewSigner().SignHTTP(ctx, ts.root, req, hex.EncodeToString(sum[:]), tc.service, "us-east-1", time.Now()); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				r := req.Clone(ctx)
				r.Body = io.NopCloser(bytes.NewReader(body))
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
