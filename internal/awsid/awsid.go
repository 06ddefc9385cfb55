// Package awsid makes the random identifiers AWS issues: account ids, access
// key ids, secret access keys, the unique ids of IAM entities and session
// tokens, each in AWS's format. Randomness comes from the reader given, which
// is crypto/rand.Reader outside tests.
package awsid

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"time"
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

// UUIDv4 returns a random (version 4) UUID, the form of AWS's request ids.
func UUIDv4(r io.Reader) (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(r, u[:]); err != nil {
		return "", fmt.Errorf("awsid: reading randomness: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	return formatUUID(&u), nil
}

// UUIDv7 returns a version 7 UUID (RFC 9562): the Unix milliseconds of t,
// then random bits. Ids made later sort later, so a store's index of them
// grows at its end (audit event ids).
func UUIDv7(r io.Reader, t time.Time) (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(r, u[6:]); err != nil {
		return "", fmt.Errorf("awsid: reading randomness: %w", err)
	}
	ms := uint64(t.UnixMilli())
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = u[6]&0x0f | 0x70
	return formatUUID(&u), nil
}

// formatUUID sets the RFC 9562 variant and writes u in its 8-4-4-4-12
// hexadecimal form.
func formatUUID(u *[16]byte) string {
	u[8] = u[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}
