package policy

import (
	"strings"
	"testing"
)

// FuzzTemplateFastPaths checks the shortcuts of template matching (exact,
// "*", literal-then-star, segment by segment, the pre-split ARN) against the
// general glob matcher over the same parts.
//
//	go test -run '^$' -fuzz='^FuzzTemplateFastPaths$' -fuzztime 60s ./internal/policy/
func FuzzTemplateFastPaths(f *testing.F) {
	for _, c := range [][2]string{
		{"*", "arn:aws:s3:::b/k"},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k:x"},
		{"arn:aws:cleanrooms:*:111122223333:collaboration/*", "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c1"},
		{"arn:aws:iam::*:role/service-role/*cleanrooms*", "arn:aws:iam::1:role/service-role/x-cleanrooms-y"},
		{"arn:aws:s3:*", "arn:aws:s3:::b"},
		{"arn:aws:iam::111122223333:u?er/bob", "arn:aws:iam::111122223333:user/bob"},
		{"arn:aws:logs:*:*:log-group:/aws/cleanrooms*", "arn:aws:logs:us-east-1:1:log-group:/aws/cleanrooms-x:*"},
		{"a:b:c:d:e:f:g", "a:b:c:d:e:f:g"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		tm := newTemplate(pattern, false)
		for _, arn := range []bool{false, true} {
			got := tm.like(nil, s, false, arn)
			want := tm.matchResolved(tm.parts, s, false, arn)
			if got != want {
				t.Fatalf("like(%q, %q, arn=%v) = %v, general matcher says %v", pattern, s, arn, got, want)
			}
		}
		if got, want := tm.likeARN(&Request{Resource: s}), tm.like(nil, s, false, true); got != want {
			t.Fatalf("likeARN(%q, %q) = %v, like says %v", pattern, s, got, want)
		}
		if strings.Contains(pattern, "${") {
			return
		}
		vt := newTemplate(pattern, true)
		if got, want := vt.like(nil, s, false, true), tm.like(nil, s, false, true); got != want {
			t.Fatalf("with variables on, like(%q, %q) = %v, want %v", pattern, s, got, want)
		}
	})
}
