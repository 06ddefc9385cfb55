package secretbox

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

const (
	// EnvKey is the environment variable that, when set, holds the master
	// key: KeySize bytes in standard base64 (RFC 4648 section 4, padded).
	EnvKey = "CLEANROOM_MASTER_KEY"
	// KeyFile is the master key's file in the data directory when EnvKey is
	// not set. It holds the key as EnvKey does, in standard base64 on one
	// line, so that it can be moved into the environment as it is.
	KeyFile = "master.key"
)

// maxKeyFile bounds how much of a key file is read: a key is 44 characters.
const maxKeyFile = 1024

// LoadKey returns the master key: from the environment variable EnvKey when
// it is set (getenv is os.Getenv, or a test's), else from dataDir/KeyFile,
// which is created with a new random key when absent.
//
// The key file must be readable by its owner only: a file that grants any
// permission to group or others is refused, as ssh refuses such a private
// key, rather than used with a warning nobody reads. The file is created
// with mode 0600 in its final form at once (written to a temporary file,
// fsynced, then linked into place), so that a crash never leaves a partial
// key, and two servers starting together both end up with the one key.
//
// Errors never include the key or any part of it.
func LoadKey(dataDir string, getenv func(string) string) ([]byte, error) {
	if getenv != nil {
		if v := getenv(EnvKey); v != "" {
			return parseKey(v, EnvKey)
		}
	}
	path := filepath.Join(dataDir, KeyFile)
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(dataDir, path)
	}
	return key, err
}

// parseKey decodes a key in standard base64; source names where it came
// from in errors.
func parseKey(s, source string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		// The decoder's error gives an offset into the key: leave it out.
		return nil, fmt.Errorf("secretbox: %s is not standard base64 (the master key is %d random bytes in base64, e.g. from `openssl rand -base64 %d`)", source, KeySize, KeySize)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: %s decodes to %d bytes; the master key must be %d bytes", source, len(key), KeySize)
	}
	return key, nil
}

// EncodeKey returns key in the form EnvKey and KeyFile hold.
func EncodeKey(key []byte) string {
	return base64.StdEncoding.EncodeToString(key)
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("secretbox: master key %s is not a regular file", path)
	}
	// Windows does not keep Unix permission bits; there the directory's
	// ACL protects the file.
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("secretbox: master key %s has mode %04o, which lets group or others read it; run chmod 600 on it", path, perm)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("secretbox: master key %s is larger than a key", path)
	}
	return parseKey(string(b), path)
}

// createKeyFile makes a new key and stores it at path, unless another
// process stored one first, in which case that one is returned.
func createKeyFile(dir, path string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+KeyFile+".tmp-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(EncodeKey(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("secretbox: writing master key: %w", err)
	}
	// Link, unlike rename, never replaces a key another process created
	// meanwhile: that key wins, and this one is dropped unused.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("secretbox: storing master key: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return nil, fmt.Errorf("secretbox: storing master key: %w", err)
	}
	return key, nil
}

// syncDir makes a new directory entry in dir durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
