package awsid_test

import (
	"crypto/rand"
	"regexp"
	"strings"
	"testing"
	"time"

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

// TestUUIDs checks the RFC 9562 forms: version nibble 4 or 7, variant 10,
// and version 7 ids ordered by their time.
func TestUUIDs(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	v7 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	prev := ""
	for i := range 100 {
		u, err := awsid.UUIDv4(rand.Reader)
		if err != nil || !v4.MatchString(u) {
			t.Fatalf("UUIDv4 = %q, %v", u, err)
		}
		w, err := awsid.UUIDv7(rand.Reader, t0.Add(time.Duration(i)*time.Millisecond))
		if err != nil || !v7.MatchString(w) || w <= prev {
			t.Fatalf("UUIDv7 = %q (after %q), %v", w, prev, err)
		}
		prev = w
	}
	if _, err := awsid.UUIDv7(strings.NewReader("short"), t0); err == nil {
		t.Fatal("no error on short randomness")
	}
}
