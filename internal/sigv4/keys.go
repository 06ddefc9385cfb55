package sigv4

import (
	"crypto/sha256"
	"strings"
	"sync"
)

// hmacSHA256 returns HMAC-SHA256(key, msg) (RFC 2104) without allocating
// for keys of at most 64 bytes and messages of at most 256 bytes, which
// covers key derivation and the string to sign.
func hmacSHA256(key, msg []byte) [sha256.Size]byte {
	const block = 64
	if len(key) > block {
		k := sha256.Sum256(key)
		key = k[:]
	}
	var buf [block + 256]byte
	in := buf[:0]
	if len(msg) > 256 {
		in = make([]byte, 0, block+len(msg))
	}
	var pad [block]byte
	copy(pad[:], key)
	for i := range pad {
		in = append(in, pad[i]^0x36)
	}
	in = append(in, msg...)
	inner := sha256.Sum256(in)
	var outer [block + sha256.Size]byte
	for i := range pad {
		outer[i] = pad[i] ^ 0x5c
	}
	copy(outer[block:], inner[:])
	return sha256.Sum256(outer[:])
}

// hmacString is hmacSHA256 for a string message.
func hmacString(key []byte, msg string) [sha256.Size]byte {
	var buf [128]byte
	if len(msg) <= len(buf) {
		n := copy(buf[:], msg)
		return hmacSHA256(key, buf[:n])
	}
	return hmacSHA256(key, []byte(msg))
}

// deriveKey computes the SigV4 signing key:
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func deriveKey(secret, date, region, service string) [sha256.Size]byte {
	var buf [4 + 128]byte
	k := append(buf[:0], "AWS4"...)
	k = append(k, secret...)
	kDate := hmacString(k, date)
	kRegion := hmacString(kDate[:], region)
	kService := hmacString(kRegion[:], service)
	return hmacString(kService[:], Terminator)
}

// keyCache caches derived signing keys. It is keyed by the secret itself
// with the scope, so a key is never served for another secret; the secret in
// the key comes from the credential lookup, never from the request, so the
// map's timing reveals nothing an attacker controls. It holds at most about
// twice limit entries: when the current generation fills up it becomes the
// previous one, and keys still in use are promoted from it.
type keyCache struct {
	mu        sync.RWMutex
	cur, prev map[cacheKey][sha256.Size]byte
	limit     int
}

type cacheKey struct {
	secret, date, region, service string
}

func newKeyCache(limit int) *keyCache {
	if limit <= 0 {
		limit = 4096
	}
	return &keyCache{cur: make(map[cacheKey][sha256.Size]byte), limit: limit}
}

// get returns the signing key for the secret and scope, deriving and caching
// it when needed.
func (c *keyCache) get(secret, date, region, service string) [sha256.Size]byte {
	k := cacheKey{secret, date, region, service}
	c.mu.RLock()
	v, ok := c.cur[k]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.RLock()
	v, ok = c.prev[k]
	c.mu.RUnlock()
	if !ok {
		v = deriveKey(secret, date, region, service)
	}
	// The scope strings point into the request: keep copies only.
	k = cacheKey{strings.Clone(secret), strings.Clone(date), strings.Clone(region), strings.Clone(service)}
	c.mu.Lock()
	if len(c.cur) >= c.limit {
		c.prev, c.cur = c.cur, make(map[cacheKey][sha256.Size]byte, c.limit)
	}
	c.cur[k] = v
	c.mu.Unlock()
	return v
}
