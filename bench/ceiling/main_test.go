package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func client(url, key, secret string) *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
	})
}

// The real STS client of aws-sdk-go-v2 gets its caller identity, and is
// refused with AWS's codes for a wrong secret or an unknown key.
func TestGetCallerIdentity(t *testing.T) {
	srv := httptest.NewServer(newHandler("AKIDCEILING", "s3cr3t", "123456789012", time.Now))
	defer srv.Close()
	ctx := context.Background()

	out, err := client(srv.URL, "AKIDCEILING", "s3cr3t").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "123456789012" || aws.ToString(out.UserId) != "AKIDCEILING" ||
		aws.ToString(out.Arn) != "arn:aws:iam::123456789012:user/ceiling" {
		t.Errorf("got %s %s %s", aws.ToString(out.Account), aws.ToString(out.UserId), aws.ToString(out.Arn))
	}

	for _, c := range []struct{ key, secret, code string }{
		{"AKIDCEILING", "wrong", "SignatureDoesNotMatch"},
		{"AKIDOTHER", "s3cr3t", "InvalidClientTokenId"},
	} {
		_, err := client(srv.URL, c.key, c.secret).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != c.code {
			t.Errorf("%s/%s: got %v, want %s", c.key, c.secret, err, c.code)
		}
	}
}
