package awsid_test

import (
	"crypto/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsid"
)

// Formats from "IAM identifiers" and the STS API reference: access key ids
// are 16-128 characters of \w (AWS issues 20), unique ids 21, account ids 12
// digits, secret keys 40 characters.
func TestFormats(t *testing.T) {
	for range 200 {
		id, err := awsid.UniqueID(rand.Reader, awsid.PrefixUser)
		if err != nil || !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(id) {
			t.Fatalf("UniqueID = %q, %v", id, err)
		}
		k, _ := awsid.AccessKeyID(rand.Reader, awsid.PrefixTempAccessKey)
		if !regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`).MatchString(k) {
			t.Fatalf("AccessKeyID = %q", k)
		}
		s, _ := awsid.SecretAccessKey(rand.Reader)
		if len(s) != 40 {
			t.Fatalf("SecretAccessKey length %d", len(s))
		}
		a, _ := awsid.AccountID(rand.Reader)
		if !regexp.MustCompile(`^[1-9][0-9]{11}$`).MatchString(a) {
			t.Fatalf("AccountID = %q", a)
		}
	}
}

func TestShortRead(t *testing.T) {
	if _, err := awsid.UniqueID(strings.NewReader("x"), awsid.PrefixRole); err == nil {
		t.Fatal("no error on short randomness")
	}
}
