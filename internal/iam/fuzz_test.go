package iam

import (
	"regexp"
	"strings"
	"testing"
)

// The parsers of this package: policy ARNs, principal ARNs, OIDC issuer
// URLs, paths, policy version ids and pagination markers. Each must never
// panic, and what it accepts must round-trip.

func FuzzSplitPolicyARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:policy/p", "arn:aws:iam::aws:policy/service-role/AWSCleanRoomsServiceRolePolicy",
		"arn:aws:iam::123456789012:policy/a/b/c", "arn:aws:iam::1:policy/", "arn:aws:s3:::b", "arn:aws:iam::123456789012:policy//x",
		"arn:aws:iam:::policy/x", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		owner, path, name, err := splitPolicyARN(arn)
		if err != nil {
			if ErrorCode(err) != CodeInvalidInput {
				t.Fatalf("error %v is not InvalidInput", err)
			}
			return
		}
		if got := "arn:aws:iam::" + owner + ":policy" + path + name; got != arn {
			t.Fatalf("round trip: %q -> (%q, %q, %q) -> %q", arn, owner, path, name, got)
		}
		if !validPath(path) || name == "" || strings.Contains(name, "/") {
			t.Fatalf("accepted path %q name %q", path, name)
		}
	})
}

func FuzzPrincipalRef(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:user/a", "arn:aws:iam::123456789012:role/p/r", "arn:aws:iam::123456789012:group/",
		"arn:aws:sts::123456789012:assumed-role/r/s", "arn:aws:iam::123456789012:root"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		kind, name, err := principalRef(acct, arn)
		if err != nil {
			return
		}
		if name == "" || strings.Contains(name, "/") || !strings.HasSuffix(arn, "/"+name) ||
			!strings.HasPrefix(arn, "arn:aws:iam::"+acct+":"+string(kind)+"/") {
			t.Fatalf("%q -> %s %q", arn, kind, name)
		}
	})
}

func FuzzOIDCHostPath(f *testing.F) {
	for _, s := range []string{"https://token.actions.githubusercontent.com", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC/",
		"http://x", "https://", "https://a.example?x", "https://user@host", "https://HOST.example/Path%20x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		hp, err := oidcHostPath(raw)
		if err != nil {
			return
		}
		if hp == "" || strings.HasPrefix(hp, "/") || strings.ContainsAny(hp, "?#") {
			t.Fatalf("%q -> %q", raw, hp)
		}
		name, err := oidcFromARN(acct, oidcARN(acct, hp))
		if err != nil || name != hp {
			t.Fatalf("ARN round trip of %q: %q, %v", hp, name, err)
		}
	})
}

// The hand-written matchers agree with the IAM model's regular expressions.
var (
	pathRE    = regexp.MustCompile(`^(?:/|/[\x21-\x7e]+/)$`)
	polPathRE = regexp.MustCompile(`^(?:/[A-Za-z0-9.,+@=_-]+)*/$`)
	versionRE = regexp.MustCompile(`^v[1-9][0-9]*(?:\.[A-Za-z0-9-]*)?$`)
	nameRE    = regexp.MustCompile(`^[\w+=,.@-]+$`)
)

func FuzzPatterns(f *testing.F) {
	for _, s := range []string{"/", "//", "/a/", "/a b/", "/a/b/", "a", "v1", "v10.x-1", "v0", "v1.", "/~/", "bob@x.com", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validPath(s), pathRE.MatchString(s); got != want {
			t.Errorf("validPath(%q) = %v, regexp says %v", s, got, want)
		}
		var v validation
		v.policyPath(s, "path")
		if got, want := len(v.errs) == 0, polPathRE.MatchString(s) && len(s) <= 512; got != want {
			t.Errorf("policyPath(%q) ok = %v, regexp says %v", s, got, want)
		}
		if got, want := validVersionID(s), versionRE.MatchString(s); got != want {
			t.Errorf("validVersionID(%q) = %v, regexp says %v", s, got, want)
		}
		var n validation
		n.name(s, "n", 0)
		if got, want := len(n.errs) == 0, nameRE.MatchString(s); got != want {
			t.Errorf("name(%q) ok = %v, regexp says %v", s, got, want)
		}
	})
}

func FuzzMarker(f *testing.F) {
	f.Add("alice")
	f.Add("")
	f.Add("\x00\xff")
	f.Fuzz(func(t *testing.T, k string) {
		if k == "" {
			return
		}
		got, err := decodeMarker(encodeMarker(k))
		if err != nil || got != k {
			t.Fatalf("marker round trip of %q: %q, %v", k, got, err)
		}
		_, _ = decodeMarker(k)
	})
}
