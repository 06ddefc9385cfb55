package sigv4

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The canonical request, as the IAM User Guide, "Create a signed AWS API
// request" defines it:
//
//	Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
//
// where CanonicalHeaders ends with its own newline.

// unreserved marks the bytes UriEncode leaves alone (RFC 3986 unreserved).
var unreserved = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'], t['_'], t['.'], t['~'] = true, true, true, true
	return t
}()

const upperHex = "0123456789ABCDEF"

// appendEscaped appends the AWS UriEncode of s: every byte but the
// unreserved ones (and '/' when keepSlash) becomes %XX with upper-case hex.
func appendEscaped(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] || c == '/' && keepSlash {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// appendQueryComponent decodes a raw query component ('+' is a space, %XX a
// byte, a stray '%' itself) and appends its UriEncode.
func appendQueryComponent(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			c = ' '
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		}
		if unreserved[c] {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// requestPath returns the path of r as it was sent: the request target of a
// server request (Go decodes r.URL.Path, and re-encodes it in its own way),
// or the escaped path of a client request.
func requestPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	if r.URL == nil {
		return "/"
	}
	if o := r.URL.Opaque; o != "" {
		// The same reading of an opaque URL as the AWS SDK for Go's.
		o = strings.TrimPrefix(o, "//")
		if i := strings.IndexByte(o, '?'); i >= 0 {
			o = o[:i]
		}
		if i := strings.IndexByte(o, '/'); i >= 0 {
			return o[i:]
		}
		return "/"
	}
	return r.URL.EscapedPath()
}

// needsNormalizing reports whether p has empty, "." or ".." segments.
func needsNormalizing(p string) bool {
	if p == "" || p[0] != '/' {
		return true
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		rest := p[i+1:]
		if rest == "" {
			continue
		}
		if rest[0] == '/' || rest == "." || rest == ".." ||
			strings.HasPrefix(rest, "./") || strings.HasPrefix(rest, "../") {
			return true
		}
	}
	return false
}

// normalizePath removes empty, "." and ".." segments from a path, keeping a
// trailing slash, as the SigV4 test suite's normalize-path cases require
// ("//example//" is "/example/", "/example/.." is "/").
func normalizePath(p string) string {
	if !needsNormalizing(p) {
		return p
	}
	segs := make([]string, 0, 8)
	for s := range strings.SplitSeq(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return "/"
	}
	out := "/" + strings.Join(segs, "/")
	if strings.HasSuffix(p, "/") {
		out += "/"
	}
	return out
}

// appendCanonicalURI appends the canonical URI. S3 signs the path as sent;
// every other service signs the normalized path URI-encoded once more (so a
// path sent as /a%20b is signed as /a%2520b). raw skips the normalization,
// for signers (such as the AWS SDK for Go) that do not normalize.
func appendCanonicalURI(dst []byte, path string, s3, raw bool) []byte {
	if path == "" {
		return append(dst, '/')
	}
	if s3 {
		return append(dst, path...)
	}
	if !raw {
		path = normalizePath(path)
	}
	return appendEscaped(dst, path, true)
}

// queryPair locates one encoded name and value in a scratch buffer.
type queryPair struct{ k0, k1, v1 int }

// appendCanonicalQuery appends the canonical query string of a raw query:
// every name and value decoded and UriEncoded, the pairs sorted by name and
// then value. presigned leaves out X-Amz-Signature; dropToken leaves out
// X-Amz-Security-Token too (for services that let the token be added to a
// presigned URL after signing).
func appendCanonicalQuery(dst []byte, raw string, presigned, dropToken bool) []byte {
	if raw == "" {
		return dst
	}
	var pairsBuf [16]queryPair
	pairs := pairsBuf[:0]
	// Encode the pairs behind dst's end, then copy them sorted.
	base := len(dst)
	forEachParam(raw, func(k, v string) bool {
		k0 := len(dst)
		dst = appendQueryComponent(dst, k)
		k1 := len(dst)
		name := dst[k0:k1]
		if presigned && string(name) == qSignature || dropToken && string(name) == qSecurityToken {
			dst = dst[:k0]
			return true
		}
		dst = appendQueryComponent(dst, v)
		pairs = append(pairs, queryPair{k0, k1, len(dst)})
		return true
	})
	end := len(dst)
	cmp := func(a, b queryPair) int {
		if c := bytes.Compare(dst[a.k0:a.k1], dst[b.k0:b.k1]); c != 0 {
			return c
		}
		return bytes.Compare(dst[a.k1:a.v1], dst[b.k1:b.v1])
	}
	slices.SortFunc(pairs, cmp)
	// Write the sorted form after the scratch copy, then move it down.
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, dst[p.k0:p.k1]...)
		dst = append(dst, '=')
		dst = append(dst, dst[p.k1:p.v1]...)
	}
	n := copy(dst[base:], dst[end:])
	return dst[:base+n]
}

// appendCanonicalHeaders appends the canonical headers (each "name:value\n")
// for the signed header names, then "\n" and the signed header list.
func appendCanonicalHeaders(dst []byte, r *http.Request, signed string) []byte {
	for rest := signed; ; {
		name, tail, more := strings.Cut(rest, ";")
		dst = appendLower(dst, name)
		dst = append(dst, ':')
		dst = appendHeaderValue(dst, r, name)
		dst = append(dst, '\n')
		if !more {
			break
		}
		rest = tail
	}
	dst = append(dst, '\n')
	return append(dst, signed...)
}

// appendHeaderValue appends the canonical value of the named header: its
// values trimmed, runs of spaces collapsed, joined with commas.
func appendHeaderValue(dst []byte, r *http.Request, name string) []byte {
	switch {
	case strings.EqualFold(name, "host"), name == ":authority":
		// Go moves the Host header to r.Host (and a client request may only
		// have r.URL.Host).
		host := r.Host
		if host == "" && r.URL != nil {
			host = r.URL.Host
		}
		return appendTrimmed(dst, host)
	}
	vals := headerValues(r.Header, name)
	if vals == nil {
		switch {
		case strings.EqualFold(name, "content-length"):
			// A client request keeps its length in r.ContentLength.
			if r.ContentLength >= 0 {
				return strconv.AppendInt(dst, r.ContentLength, 10)
			}
		case strings.EqualFold(name, "transfer-encoding"):
			// Go moves Transfer-Encoding to r.TransferEncoding.
			vals = r.TransferEncoding
		}
	}
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendTrimmed(dst, v)
	}
	return dst
}

// headerValues returns h's values for a header name in any case, without
// allocating for names whose canonical form fits 64 bytes.
func headerValues(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) <= len(buf) {
		upper := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
			upper = c == '-'
		}
		if v, ok := h[string(buf[:len(name)])]; ok {
			return v
		}
	}
	// Keys Go did not canonicalize (e.g. with characters outside a token).
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// appendTrimmed appends v with leading and trailing white space removed and
// each run of spaces inside collapsed to one.
func appendTrimmed(dst []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
