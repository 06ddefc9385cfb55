package secretbox

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func testKey(seed byte) []byte {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = seed + byte(i)
	}
	return key
}

func newBox(t testing.TB, seed byte) *Box {
	t.Helper()
	b, err := New(testKey(seed))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New with a %d-byte key succeeded", n)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	b := newBox(t, 0)
	for _, pt := range [][]byte{nil, {}, []byte("x"), []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), bytes.Repeat([]byte{0, 0xff}, 4096)} {
		for _, ad := range [][]byte{nil, []byte("AKIAIOSFODNN7EXAMPLE"), bytes.Repeat([]byte("a"), 1000)} {
			s1, err := b.Seal(pt, ad)
			if err != nil {
				t.Fatal(err)
			}
			if len(s1) != len(pt)+Overhead {
				t.Errorf("sealed %d bytes into %d, want %d", len(pt), len(s1), len(pt)+Overhead)
			}
			if bytes.Contains(s1, pt) && len(pt) > 8 {
				t.Errorf("sealed value contains the plaintext")
			}
			s2, err := b.Seal(pt, ad)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(s1[1:1+nonceSize], s2[1:1+nonceSize]) {
				t.Errorf("two Seals used one nonce")
			}
			for _, s := range [][]byte{s1, s2} {
				got, err := b.Open(s, ad)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if !bytes.Equal(got, pt) || got == nil {
					t.Fatalf("Open gave %q, want %q", got, pt)
				}
			}
		}
	}
}

// TestFormat opens a value sealed by the first version of this package, so
// that secrets stored by it keep opening after changes here.
func TestFormat(t *testing.T) {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := hex.DecodeString("01fb7f0fc2cc544b69efb9d5f2c5c834bc494de3acdf9e0529ca4a47ef1c8067c6501a1b34c7c19c16f9ef12dad094d5477136941c026fc8b06782375e2b57557636ed857d")
	got, err := b.Open(sealed, []byte("AKIAIOSFODNN7EXAMPLE"))
	if err != nil || string(got) != "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" {
		t.Fatalf("Open of a version 1 value: %q, %v", got, err)
	}
}

func TestWrongKey(t *testing.T) {
	s, err := newBox(t, 0).Seal([]byte("secret"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []byte{1, 100} {
		if _, err := newBox(t, seed).Open(s, []byte("ad")); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Open with another key: %v, want ErrDecrypt", err)
		}
	}
}

func TestTampered(t *testing.T) {
	b := newBox(t, 0)
	ad := []byte("AKIAIOSFODNN7EXAMPLE")
	s, err := b.Seal([]byte("secret access key"), ad)
	if err != nil {
		t.Fatal(err)
	}
	// Every bit of the value: version, nonce, ciphertext, tag.
	for i := range s {
		for bit := range 8 {
			c := bytes.Clone(s)
			c[i] ^= 1 << bit
			if _, err := b.Open(c, ad); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("Open with bit %d of byte %d flipped: %v", bit, i, err)
			}
		}
	}
	for n := range len(s) {
		if _, err := b.Open(s[:n], ad); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("Open of the first %d bytes: %v", n, err)
		}
	}
	if _, err := b.Open(append(bytes.Clone(s), 0), ad); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Open with a byte appended: %v", err)
	}
	// And the original still opens.
	if _, err := b.Open(s, ad); err != nil {
		t.Fatal(err)
	}
}

func TestAdditionalDataMismatch(t *testing.T) {
	b := newBox(t, 0)
	s, err := b.Seal([]byte("secret"), []byte("AKIAAAAAAAAAAAAAAAAA"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ad := range [][]byte{nil, []byte("AKIAAAAAAAAAAAAAAAAB"), []byte("AKIAAAAAAAAAAAAAAAA"), []byte("AKIAAAAAAAAAAAAAAAAAA")} {
		if _, err := b.Open(s, ad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Open with additional data %q: %v", ad, err)
		}
	}
	// nil and empty additional data are the same.
	s, err = b.Seal([]byte("secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(s, []byte{}); err != nil {
		t.Errorf("Open with empty additional data of a value sealed with nil: %v", err)
	}
}

func TestCanary(t *testing.T) {
	b := newBox(t, 0)
	c, err := b.NewCanary()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.VerifyCanary(c); err != nil {
		t.Fatalf("VerifyCanary with the same key: %v", err)
	}
	if err := newBox(t, 0).VerifyCanary(c); err != nil {
		t.Fatalf("VerifyCanary with the same key in another Box: %v", err)
	}
	if err := newBox(t, 1).VerifyCanary(c); !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("VerifyCanary with another key: %v", err)
	}
	// Sealed with the canary's additional data, but not the canary.
	other, err := b.Seal([]byte("not the canary"), canaryAAD)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.VerifyCanary(other); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("VerifyCanary of another value: %v", err)
	}
	// The canary, sealed with other additional data.
	other, err = b.Seal(canaryText, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.VerifyCanary(other); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("VerifyCanary of the canary text with other additional data: %v", err)
	}
	if err := b.VerifyCanary(nil); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("VerifyCanary(nil): %v", err)
	}
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoadKeyEnv(t *testing.T) {
	key := testKey(7)
	valid := base64.StdEncoding.EncodeToString(key)
	cases := []struct {
		name, value string
		ok          bool
	}{
		{"valid", valid, true},
		{"surrounded by white space", " " + valid + "\n", true},
		{"16 bytes", base64.StdEncoding.EncodeToString(key[:16]), false},
		{"31 bytes", base64.StdEncoding.EncodeToString(key[:31]), false},
		{"33 bytes", base64.StdEncoding.EncodeToString(append(key, 1)), false},
		{"not base64", "this is not base64 at all, is it?", false},
		{"unpadded", strings.TrimRight(valid, "="), false},
		{"URL alphabet", base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff, 0xbf}, 11)[:KeySize]), false},
		{"hex", hex.EncodeToString(key), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			got, err := LoadKey(dir, env(map[string]string{EnvKey: c.value}))
			if c.ok {
				if err != nil || !bytes.Equal(got, key) {
					t.Fatalf("LoadKey: %x, %v", got, err)
				}
			} else {
				if err == nil {
					t.Fatalf("LoadKey accepted %q", c.value)
				}
				if !strings.Contains(err.Error(), EnvKey) {
					t.Errorf("error %q does not name %s", err, EnvKey)
				}
				if strings.Contains(err.Error(), strings.TrimSpace(c.value)) || strings.Contains(err.Error(), c.value[:8]) {
					t.Errorf("error %q shows the value", err)
				}
			}
			// The environment never creates a key file.
			if _, err := os.Stat(filepath.Join(dir, KeyFile)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("key file: %v", err)
			}
		})
	}
}

func TestLoadKeyEnvOverFile(t *testing.T) {
	dir := t.TempDir()
	fileKey, err := LoadKey(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	envKey := testKey(9)
	got, err := LoadKey(dir, env(map[string]string{EnvKey: EncodeKey(envKey)}))
	if err != nil || !bytes.Equal(got, envKey) || bytes.Equal(got, fileKey) {
		t.Fatalf("LoadKey with both: %v; want the environment's key", err)
	}
}

func TestLoadKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "dir") // created by LoadKey
	k1, err := LoadKey(dir, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != KeySize || bytes.Equal(k1, make([]byte, KeySize)) {
		t.Fatalf("new key %x", k1)
	}
	path := filepath.Join(dir, KeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(content) != EncodeKey(k1)+"\n" {
		t.Errorf("key file holds %d bytes, not the key in base64 on one line", len(content))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only %s", len(entries), KeyFile)
	}
	k2, err := LoadKey(dir, env(nil))
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second LoadKey: %v; want the same key", err)
	}
	// Another directory gets another key.
	k3, err := LoadKey(t.TempDir(), env(nil))
	if err != nil || bytes.Equal(k1, k3) {
		t.Fatalf("LoadKey in another directory: %v; want another key", err)
	}
}

func TestLoadKeyFileRefused(t *testing.T) {
	key := testKey(3)
	cases := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"group readable", EncodeKey(key), 0o640, "chmod 600"},
		{"world readable", EncodeKey(key), 0o604, "chmod 600"},
		{"raw bytes", string(key), 0o600, "base64"},
		{"short key", EncodeKey(key[:16]), 0o600, "16 bytes"},
		{"empty", "", 0o600, "0 bytes"},
		{"huge", strings.Repeat("A", 4096), 0o600, "larger"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && c.mode != 0o600 {
				t.Skip("no Unix permissions")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFile)
			if err := os.WriteFile(path, []byte(c.content), c.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, c.mode); err != nil { // past the umask
				t.Fatal(err)
			}
			_, err := LoadKey(dir, env(nil))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("LoadKey: %v, want an error saying %q", err, c.want)
			}
			if len(c.content) >= 8 && strings.Contains(err.Error(), c.content[:8]) {
				t.Errorf("error %q shows the key", err)
			}
			// The file is left as it was.
			if b, _ := os.ReadFile(path); string(b) != c.content {
				t.Error("LoadKey changed a refused key file")
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, KeyFile), 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadKey(dir, env(nil)); err == nil {
			t.Fatal("LoadKey used a directory")
		}
	})
}

// TestLoadKeyConcurrent starts several loaders on an empty directory, as
// several servers started at once would: all must end with one key.
func TestLoadKeyConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	keys := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := LoadKey(dir, env(nil))
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i := range keys {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("loader %d got another key", i)
		}
	}
	if k, err := LoadKey(dir, env(nil)); err != nil || !bytes.Equal(k, keys[0]) {
		t.Fatalf("LoadKey after: %v", err)
	}
}

// FuzzOpen opens arbitrary input: Open never panics, fails only with
// ErrDecrypt, and whatever opens seals and opens again.
func FuzzOpen(f *testing.F) {
	b := newBox(f, 0)
	for _, pt := range []string{"", "secret", strings.Repeat("x", 100)} {
		s, err := b.Seal([]byte(pt), []byte("AKIAIOSFODNN7EXAMPLE"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s, []byte("AKIAIOSFODNN7EXAMPLE"))
		f.Add(s, []byte(nil))
		f.Add(s[:len(s)-1], []byte("AKIAIOSFODNN7EXAMPLE"))
	}
	f.Add([]byte{}, []byte{})
	f.Add([]byte{version1}, []byte{})
	f.Add(make([]byte, Overhead), []byte{})
	f.Add(append([]byte{2}, make([]byte, Overhead)...), []byte{})
	f.Fuzz(func(t *testing.T, sealed, ad []byte) {
		pt, err := b.Open(sealed, ad)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("Open failed with %v, not ErrDecrypt", err)
			}
			return
		}
		if len(pt) != len(sealed)-Overhead {
			t.Fatalf("opened %d bytes into %d", len(sealed), len(pt))
		}
		again, err := b.Seal(pt, ad)
		if err != nil {
			t.Fatal(err)
		}
		if pt2, err := b.Open(again, ad); err != nil || !bytes.Equal(pt, pt2) {
			t.Fatalf("reseal: %v", err)
		}
	})
}

// FuzzParseKey parses arbitrary key text: it never panics, accepts only
// KeySize-byte keys, and its error depends on nothing but the decoded
// length, so it cannot show the key.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{
		EncodeKey(testKey(0)), " " + EncodeKey(testKey(1)) + "\n", EncodeKey(testKey(0)[:16]),
		"", "=", "!!!!", "AAAA\r\nAAAA", hex.EncodeToString(testKey(0)), strings.Repeat("A", 44),
	} {
		f.Add(s)
	}
	const source = "TEST"
	_, notBase64 := parseKey("!", source)
	f.Fuzz(func(t *testing.T, s string) {
		key, err := parseKey(s, source)
		if err == nil {
			if len(key) != KeySize {
				t.Fatalf("accepted a %d-byte key", len(key))
			}
			return
		}
		decoded, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if derr != nil {
			if err.Error() != notBase64.Error() {
				t.Fatalf("error %q for text that is not base64", err)
			}
			return
		}
		_, want := parseKey(EncodeKey(make([]byte, len(decoded))), source)
		if want == nil || err.Error() != want.Error() {
			t.Fatalf("error %q for a %d-byte key, want %v", err, len(decoded), want)
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	box := newBox(b, 0)
	pt := []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	ad := []byte("AKIAIOSFODNN7EXAMPLE")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := box.Seal(pt, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	box := newBox(b, 0)
	ad := []byte("AKIAIOSFODNN7EXAMPLE")
	s, err := box.Seal([]byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ad)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := box.Open(s, ad); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDeriveKey: derived keys depend on the master key and the label, and are
// stable for both.
func TestDeriveKey(t *testing.T) {
	k1, k2 := bytes.Repeat([]byte{1}, KeySize), bytes.Repeat([]byte{2}, KeySize)
	b1, _ := New(k1)
	b1again, _ := New(k1)
	b2, _ := New(k2)
	if !bytes.Equal(b1.DeriveKey("a"), b1again.DeriveKey("a")) {
		t.Error("the same master key and label gave different keys")
	}
	if bytes.Equal(b1.DeriveKey("a"), b1.DeriveKey("b")) || bytes.Equal(b1.DeriveKey("a"), b2.DeriveKey("a")) {
		t.Error("derived keys do not depend on label and master key")
	}
	if len(b1.DeriveKey("a")) != 32 || bytes.Equal(b1.DeriveKey("a"), k1) {
		t.Error("a derived key is not a fresh 32-byte key")
	}
}
