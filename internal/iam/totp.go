package iam

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"time"
)

// TOTP parameters of IAM's virtual MFA devices: RFC 6238 with HMAC-SHA-1,
// six digits and a 30-second time step (the authenticator apps' defaults,
// which the Base32 seed IAM hands out is used with).
const (
	totpStep   = 30
	totpDigits = 6
)

// totpCounter is the time step of t (RFC 6238 section 4: T = floor((t -
// T0) / X) with T0 = 0).
func totpCounter(t time.Time) int64 { return t.Unix() / totpStep }

// hotp is RFC 4226's HOTP value for a counter, as a zero-padded decimal
// string.
func hotp(seed []byte, counter int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	m := hmac.New(sha1.New, seed)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	code %= 1000000
	var out [totpDigits]byte
	for i := totpDigits - 1; i >= 0; i-- {
		out[i] = byte('0' + code%10)
		code /= 10
	}
	return string(out[:])
}

// codeMatches compares a code with the expected one in constant time.
func codeMatches(seed []byte, counter int64, code string) bool {
	return subtle.ConstantTimeCompare([]byte(hotp(seed, counter)), []byte(code)) == 1
}

// findConsecutive looks for a time step c within [center-window,
// center+window] where code1 is the code of c and code2 that of c+1 (how
// EnableMFADevice and ResyncMFADevice take two consecutive codes); it
// returns c+1 and whether it found one.
func findConsecutive(seed []byte, center, window int64, code1, code2 string) (int64, bool) {
	found, at := false, int64(0)
	for c := center - window; c <= center+window; c++ {
		if codeMatches(seed, c, code1) && codeMatches(seed, c+1, code2) && !found {
			found, at = true, c+1
		}
	}
	return at, found
}
