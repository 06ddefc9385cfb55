// Package awsid makes the random identifiers AWS issues: account ids, access
// key ids, secret access keys, the unique ids of IAM entities and session
// tokens, each in AWS's format. Randomness comes from the reader given, which
// is crypto/rand.Reader outside tests.
package awsid

import (
	"encoding/base64"
	"fmt"
	"io"
)

// upperAlnum is the alphabet of AWS's unique ids and access key ids: the
// base32 characters AWS uses (upper-case letters and the digits 2-7).
const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// Prefixes of the unique ids IAM and STS issue ("Unique identifiers",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes).
const (
	PrefixUser          = "AIDA"
	PrefixGroup         = "AGPA"
	PrefixRole          = "AROA"
	PrefixPolicy        = "ANPA"
	PrefixAccessKey     = "AKIA" // long-term access key
	PrefixTempAccessKey = "ASIA" // temporary (STS) access key
)

func random(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("awsid: reading randomness: %w", err)
	}
	return b, nil
}

func fromAlphabet(r io.Reader, prefix string, n int, alphabet string) (string, error) {
	b, err := random(r, n)
	if err != nil {
		return "", err
	}
	out := make([]byte, len(prefix)+n)
	copy(out, prefix)
	for i, c := range b {
		// len(alphabet) divides 256, so the modulus is unbiased.
		out[len(prefix)+i] = alphabet[int(c)%len(alphabet)]
	}
	return string(out), nil
}

// UniqueID returns a 21-character unique id with the given 4-letter prefix
// (AIDA..., AROA..., ...).
func UniqueID(r io.Reader, prefix string) (string, error) {
	return fromAlphabet(r, prefix, 21-len(prefix), upperAlnum)
}

// AccessKeyID returns a 20-character access key id with the given prefix
// (AKIA for long-term keys, ASIA for temporary ones).
func AccessKeyID(r io.Reader, prefix string) (string, error) {
	return fromAlphabet(r, prefix, 20-len(prefix), upperAlnum)
}

// SecretAccessKey returns a 40-character secret access key of base64
// characters, as AWS issues them (30 random bytes).
func SecretAccessKey(r io.Reader) (string, error) {
	b, err := random(r, 30)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// AccountID returns a 12-digit account id that does not start with 0.
func AccountID(r io.Reader) (string, error) {
	b, err := random(r, 12)
	if err != nil {
		return "", err
	}
	out := make([]byte, 12)
	for i, c := range b {
		out[i] = '0' + c%10 // 256 = 25*10+6: a negligible bias for an identifier
	}
	if out[0] == '0' {
		out[0] = '1' + b[0]%9
	}
	return string(out), nil
}

// SessionToken returns an opaque session token: 96 random bytes in base64
// (128 characters; AWS's tokens are longer, clients treat them as opaque).
func SessionToken(r io.Reader) (string, error) {
	b, err := random(r, 96)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
