package wildcard_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/wildcard"
)

// Cases encode the IAM User Guide, "IAM JSON policy elements: Resource" and
// "Action": `*` matches any combination of characters, `?` any single character.
func TestMatch(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "a", false},
		{"a", "", false},
		{"?", "", false},
		{"?", "a", true},
		{"??", "a", false},
		{"a*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "abcd", false},
		{"a*c*", "abcd", true},
		{"*c", "abcabc", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/key", false},
		{"***", "x", true},
		{"a?c", "abc", true},
		{"a?c", "abbc", false},
	}
	for _, c := range cases {
		if got := wildcard.Match(c.p, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
	if !wildcard.MatchFold("CleanRooms:Get*", "cleanrooms:getcollaboration") {
		t.Error("MatchFold must ignore ASCII case")
	}
	if wildcard.Match("CleanRooms:Get*", "cleanrooms:getcollaboration") {
		t.Error("Match must be case-sensitive")
	}
}

// toRegexp is the reference the fuzz target compares against.
func toRegexp(p string, fold bool) *regexp.Regexp {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString("(?s:.*)")
		case '?':
			b.WriteString("(?s:.)")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "aXXbYc")
	f.Add("*", "")
	f.Add("arn:aws:*:*:123:role/*", "arn:aws:iam::123:role/x")
	f.Fuzz(func(t *testing.T, p, s string) {
		// Restrict to ASCII: IAM patterns are matched byte-wise, `?` is one byte.
		for i := 0; i < len(p); i++ {
			if p[i] >= 0x80 {
				return
			}
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return
			}
		}
		if got, want := wildcard.Match(p, s), toRegexp(p, false).MatchString(s); got != want {
			t.Fatalf("Match(%q, %q) = %v, regexp says %v", p, s, got, want)
		}
		if got, want := wildcard.MatchFold(p, s), toRegexp(p, true).MatchString(s); got != want {
			t.Fatalf("MatchFold(%q, %q) = %v, regexp says %v", p, s, got, want)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		wildcard.Match("arn:aws:cleanrooms:*:111122223333:membership/*/analysistemplate/*", "arn:aws:cleanrooms:us-east-1:111122223333:membership/m-1/analysistemplate/t-9")
	}
}
