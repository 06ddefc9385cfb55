package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func stdHMAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// TestHMAC compares the allocation-free HMAC with crypto/hmac across key
// lengths around the block size and messages around the stack buffer.
func TestHMAC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kl := range []int{0, 1, 32, 63, 64, 65, 200} {
		for _, ml := range []int{0, 1, 64, 255, 256, 257, 1000} {
			key := make([]byte, kl)
			msg := make([]byte, ml)
			for i := range key {
				key[i] = byte(rng.Uint32())
			}
			for i := range msg {
				msg[i] = byte(rng.Uint32())
			}
			got := hmacSHA256(key, msg)
			if !hmac.Equal(got[:], stdHMAC(key, msg)) {
				t.Errorf("key %d bytes, message %d bytes: differs from crypto/hmac", kl, ml)
			}
			if s := hmacString(key, string(msg)); s != got {
				t.Errorf("hmacString differs for %d bytes", ml)
			}
		}
	}
}

// TestDeriveKey: the example of the IAM User Guide's "Create a signed AWS
// API request" (secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830,
// us-east-1, iam), computed independently with crypto/hmac.
func TestDeriveKey(t *testing.T) {
	secrets := []string{"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", string(make([]byte, 300))}
	for _, s := range secrets {
		want := stdHMAC(stdHMAC(stdHMAC(stdHMAC([]byte("AWS4"+s), []byte("20150830")), []byte("us-east-1")), []byte("iam")), []byte("aws4_request"))
		got := deriveKey(s, "20150830", "us-east-1", "iam")
		if !hmac.Equal(got[:], want) {
			t.Errorf("secret of %d bytes: derived key differs", len(s))
		}
	}
}

func TestKeyCacheBounded(t *testing.T) {
	c := newKeyCache(8)
	for i := range 100 {
		secret := "secret" + strconv.Itoa(i)
		if got, want := c.get(secret, "20150830", "us-east-1", "iam"), deriveKey(secret, "20150830", "us-east-1", "iam"); got != want {
			t.Fatalf("key %d differs", i)
		}
		if n := len(c.cur) + len(c.prev); n > 16 {
			t.Fatalf("cache holds %d keys, limit 8 per generation", n)
		}
	}
	// A key in the previous generation is promoted, not derived again.
	c = newKeyCache(2)
	c.get("a", "d", "r", "s")
	c.get("b", "d", "r", "s")
	c.get("c", "d", "r", "s") // "a" and "b" move to prev
	if _, ok := c.prev[cacheKey{"a", "d", "r", "s"}]; !ok {
		t.Fatal("a should be in the previous generation")
	}
	c.get("a", "d", "r", "s")
	if _, ok := c.cur[cacheKey{"a", "d", "r", "s"}]; !ok {
		t.Fatal("a should be promoted")
	}
}

// TestKeyCacheConcurrent runs under -race in CI.
func TestKeyCacheConcurrent(t *testing.T) {
	c := newKeyCache(16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				secret := strconv.Itoa((g*7 + i) % 40)
				if c.get(secret, "20150830", "us-east-1", "sts") != deriveKey(secret, "20150830", "us-east-1", "sts") {
					t.Errorf("wrong key for %s", secret)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestParseAmzDate(t *testing.T) {
	good := []string{"20150830T123600Z", "20000229T000000Z", "99991231T235959Z"}
	for _, s := range good {
		tm, ok := parseAmzDate(s)
		if !ok || formatAmzDate(tm) != s {
			t.Errorf("%s: %v %v", s, tm, ok)
		}
	}
	bad := []string{"", "20150830T123600", "2015-08-30T12:36:00Z", "20150230T123600Z", "20150830T243600Z", "20150830T126000Z",
		"20150830T123660Z", "20150830t123600Z", "2015083OT123600Z", "20150830T123600z", "+0150830T123600Z", "20151301T000000Z", "20150800T000000Z"}
	for _, s := range bad {
		if _, ok := parseAmzDate(s); ok {
			t.Errorf("%q parsed", s)
		}
	}
}

// TestNormalizePath encodes the SigV4 test suite's normalize-path cases and
// the RFC 3986 dot-segment rules they follow.
func TestNormalizePath(t *testing.T) {
	cases := map[string]string{
		"/":                          "/",
		"":                           "/",
		"//":                         "/",
		"//example//":                "/example/",
		"/example/..":                "/",
		"/example1/example2/../..":   "/",
		"/./":                        "/",
		"/./example":                 "/example",
		"/a/b/../c":                  "/a/c",
		"/a/b/./c/":                  "/a/b/c/",
		"/../a":                      "/a",
		"/a.b/.c/..d/":               "/a.b/.c/..d/",
		"/collaborations/abc/tables": "/collaborations/abc/tables",
	}
	for in, want := range cases {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCanonical: query canonicalization, path normalization and the date
// parser never panic; a canonical query string is its own canonical form
// (every component is already UriEncoded and the pairs sorted); a
// normalized path normalizes to itself; a parsed date formats back to the
// text it came from.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"", "a=1&b=2", "b=2&a=1&a=0", "x=%zz&y=+&%E1%88%B4=%2b", "&&=&=x&k", "//a/./b/../c/", "/..", "20150830T123600Z", "20150230T123600Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c1 := appendCanonicalQuery(nil, s, false, false)
		c2 := appendCanonicalQuery(nil, string(c1), false, false)
		if string(c1) != string(c2) {
			t.Fatalf("canonical query of %q is %q, then %q", s, c1, c2)
		}
		for i := 0; i < len(c1); i++ {
			if c := c1[i]; !unreserved[c] && c != '%' && c != '=' && c != '&' {
				t.Fatalf("canonical query %q has %q", c1, c)
			}
		}
		p := "/" + s
		n := normalizePath(p)
		if normalizePath(n) != n || !strings.HasPrefix(n, "/") {
			t.Fatalf("normalizePath(%q) = %q, then %q", p, n, normalizePath(n))
		}
		if tm, ok := parseAmzDate(s); ok && formatAmzDate(tm) != s {
			t.Fatalf("date %q formats as %q", s, formatAmzDate(tm))
		}
	})
}
