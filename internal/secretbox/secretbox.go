// Package secretbox encrypts cleanroom's secrets at rest (secret access
// keys, session keys) with a master key kept apart from the database.
//
// A sealed value is
//
//	version (1 byte, 0x01) || nonce (12 bytes) || AES-256-GCM ciphertext and tag
//
// with a random nonce for every Seal. The version byte is authenticated with
// the caller's additional data, so that a later format can be told apart and
// an altered version byte fails like any other tampering. Callers pass as
// additional data what the secret belongs to (for example the access key id),
// so that a sealed secret copied onto another record does not open there.
//
// With random 96-bit nonces one key may seal about 2^32 values before the
// chance of a repeated nonce becomes a concern (NIST SP 800-38D, 8.3);
// cleanroom seals one value per access key or session.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
)

// KeySize is the length of a master key: AES-256.
const KeySize = 32

const (
	version1  = 0x01
	nonceSize = 12
	tagSize   = 16
	// Overhead is how many bytes Seal adds to a plaintext.
	Overhead = 1 + nonceSize + tagSize
)

// ErrDecrypt is returned by Open when a sealed value does not open: the key
// is not the one that sealed it, the value or its additional data was
// altered, or it is not a sealed value at all.
var ErrDecrypt = errors.New("secretbox: cannot decrypt: wrong key, or the data was altered")

// Box seals and opens values with one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
	// derive is a key for DeriveKey, itself derived from the master key so
	// that the master key is used for nothing but sealing.
	derive []byte
}

// New returns a Box for key, which must be KeySize bytes.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("cleanroom secretbox: derivation key"))
	return &Box{aead: aead, derive: m.Sum(nil)}, nil
}

// DeriveKey returns a 32-byte key for another use of the master key (for
// example the MAC of pagination tokens), the same on every node that shares
// the master key: HMAC-SHA256 keyed by a derivation key, over label.
func (b *Box) DeriveKey(label string) []byte {
	m := hmac.New(sha256.New, b.derive)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// aad is the additional data given to GCM: the version byte, then the
// caller's.
func aad(version byte, additionalData []byte) []byte {
	a := make([]byte, 0, 1+len(additionalData))
	a = append(a, version)
	return append(a, additionalData...)
}

// Seal encrypts and authenticates plaintext, binding it to additionalData
// (which is not stored: Open needs the same).
func (b *Box) Seal(plaintext, additionalData []byte) ([]byte, error) {
	out := make([]byte, 1+nonceSize, Overhead+len(plaintext))
	out[0] = version1
	nonce := out[1 : 1+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secretbox: nonce: %w", err)
	}
	return b.aead.Seal(out, nonce, plaintext, aad(version1, additionalData)), nil
}

// Open decrypts a value made by Seal with the same key and additional data.
// Any failure is ErrDecrypt.
func (b *Box) Open(sealed, additionalData []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("%w (%d bytes is too short to be sealed)", ErrDecrypt, len(sealed))
	}
	if sealed[0] != version1 {
		return nil, fmt.Errorf("%w (unknown format version %d)", ErrDecrypt, sealed[0])
	}
	nonce, ciphertext := sealed[1:1+nonceSize], sealed[1+nonceSize:]
	plaintext, err := b.aead.Open(nil, nonce, ciphertext, aad(version1, additionalData))
	if err != nil {
		return nil, ErrDecrypt
	}
	if plaintext == nil {
		plaintext = []byte{}
	}
	return plaintext, nil
}

// The canary is a fixed value sealed once with the master key and stored
// beside the secrets: opening it at start tells whether the key configured
// now is the one that sealed them.
var (
	canaryText = []byte("cleanroom master key canary v1")
	canaryAAD  = []byte("cleanroom/secretbox/canary")
)

// NewCanary seals the canary value. A server stores it when it first seals
// secrets, and checks it with VerifyCanary at every start.
func (b *Box) NewCanary() ([]byte, error) {
	return b.Seal(canaryText, canaryAAD)
}

// VerifyCanary reports whether sealed is a canary sealed with b's key; if
// not, the error wraps ErrDecrypt and says that the key differs.
func (b *Box) VerifyCanary(sealed []byte) error {
	text, err := b.Open(sealed, canaryAAD)
	if err != nil || subtle.ConstantTimeCompare(text, canaryText) != 1 {
		return fmt.Errorf("%w: the master key is not the one that sealed the stored secrets", ErrDecrypt)
	}
	return nil
}
