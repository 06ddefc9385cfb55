package iam

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"github.com/cleanroom-dev/cleanroom/internal/awsid"
	"io"
	"strings"
)

// Unique id prefixes, as IAM makes them
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids).
const (
	prefixUser      = "AIDA"
	prefixGroup     = "AGPA"
	prefixRole      = "AROA"
	prefixPolicy    = "ANPA"
	prefixAccessKey = "AKIA"
)

// idAlphabet is the alphabet of the random part of unique ids and access key
// ids (upper-case letters and the digits 2-7, the base32 alphabet that the
// ids IAM hands out are drawn from).
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// secretAlphabet is the alphabet of secret access keys (40 characters of
// base64's alphabet).
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// randomString draws n characters from alphabet (whose length divides 256,
// so that every character is equally likely) using r.
func randomString(r io.Reader, alphabet string, n int) (string, error) {
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return "", fmt.Errorf("iam: reading random bytes: %w", err)
	}
	for i, b := range buf {
		buf[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(buf), nil
}

// newUniqueID returns a 21-character unique id with the given prefix.
func (s *Service) newUniqueID(prefix string) (string, error) {
	rest, err := randomString(s.rand, idAlphabet, 21-len(prefix))
	if err != nil {
		return "", err
	}
	return prefix + rest, nil
}

// newAccessKeyID returns a 20-character access key id (AKIA...).
func (s *Service) newAccessKeyID() (string, error) {
	rest, err := randomString(s.rand, idAlphabet, 20-len(prefixAccessKey))
	if err != nil {
		return "", err
	}
	return prefixAccessKey + rest, nil
}

// awsPolicyID derives a stable ANPA id for an AWS managed policy from its
// ARN (the catalog does not record AWS's ids), so that every node and every
// run reports the same id.
func awsPolicyID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	var b strings.Builder
	b.WriteString(prefixPolicy)
	for i := 0; b.Len() < 21; i++ {
		b.WriteByte(idAlphabet[sum[i]%32])
	}
	return b.String()
}

// newUUID returns an event id: a version 7 UUID, time-ordered as the
// server's event ids are (see awsid.UUIDv7).
func (s *Service) newUUID() (string, error) { return awsid.UUIDv7(s.rand, s.now()) }

// encodeMarker and decodeMarker make the opaque pagination markers: the sort
// key of the last item returned.
func encodeMarker(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeMarker(m string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || len(b) == 0 {
		return "", &Error{Code: CodeValidationError, Message: "Invalid Marker."}
	}
	return string(b), nil
}

// paginate returns one page of items, which are sorted by key (strictly
// increasing), and the marker of the next page.
func paginate[T any](items []T, key func(T) string, p Page) (page []T, truncated bool, next string, err error) {
	start := 0
	if p.Marker != "" {
		after, err := decodeMarker(p.Marker)
		if err != nil {
			return nil, false, "", err
		}
		for start < len(items) && key(items[start]) <= after {
			start++
		}
	}
	max := p.MaxItems
	if max == 0 {
		max = 100
	}
	end := start + max
	if end >= len(items) {
		return items[start:], false, "", nil
	}
	return items[start:end], true, encodeMarker(key(items[end-1])), nil
}

// ListPage is one page of a listing: the items, whether more follow, and
// the Marker that asks for them.
type ListPage[T any] struct {
	Items       []T
	IsTruncated bool
	Marker      string
}

func pageOf[T any](items []T, key func(T) string, p Page) (ListPage[T], error) {
	page, trunc, next, err := paginate(items, key, p)
	if err != nil {
		return ListPage[T]{}, err
	}
	if page == nil {
		page = []T{}
	}
	return ListPage[T]{Items: page, IsTruncated: trunc, Marker: next}, nil
}
