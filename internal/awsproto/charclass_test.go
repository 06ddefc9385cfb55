package awsproto_test

import (
	"regexp"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

// Patterns of the IAM and STS models (Go syntax, anchored).
var classPatterns = []string{
	`^(?:[\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`,
	`^(?:[\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`,
	`^(?:[\w+=,.@-]+)$`,
	`^(?:[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{0085}\x{00A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{1000}0-\x{10FF}FF]+)$`,
	`^(?:^[a-zA-Z0-9:_.-]+$)$`,
	`^(?:[\d]*)$`,
	`^(?:a+)$`,
}

func TestParseRepeatedClass(t *testing.T) {
	for _, p := range classPatterns {
		if _, ok := awsproto.ParseRepeatedClass(p); !ok {
			t.Errorf("%s not recognised", p)
		}
	}
	for _, p := range []string{`[a-z]+`, `^(?:[a-z]+x)$`, `^(?:(a|b)+)$`, `^(?:\d{12})$`, `^(?i:a+)$`, `^(?:[a-z]+`} {
		if _, ok := awsproto.ParseRepeatedClass(p); ok {
			t.Errorf("%s recognised", p)
		}
	}
	c := awsproto.MustRepeatedClass(`^(?:[a-c\x{100}-\x{200}x]+)$`)
	if got := c.Ranges(); len(got) != 6 || got[0] != 'a' || got[1] != 'c' || got[2] != 'x' || got[4] != 0x100 || !c.Plus() {
		t.Errorf("Ranges = %q", got)
	}
}

// FuzzRepeatedClass checks RepeatedClass against the regexp engine.
func FuzzRepeatedClass(f *testing.F) {
	for _, s := range []string{"", "abc", "Bob+1@x.com", "a b", "\u00a0\u2028", "\x00\xff", "é\U0001F600", "ሀ", "0123", "\ufffd"} {
		f.Add(s)
	}
	type pair struct {
		c  *awsproto.RepeatedClass
		re *regexp.Regexp
	}
	var pairs []pair
	for _, p := range classPatterns {
		pairs = append(pairs, pair{awsproto.MustRepeatedClass(p), regexp.MustCompile(p)})
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range pairs {
			if got, want := p.c.Match(s), p.re.MatchString(s); got != want {
				t.Fatalf("%s on %q: class %v, regexp %v", p.re, s, got, want)
			}
		}
	})
}

func BenchmarkRepeatedClass(b *testing.B) {
	c := awsproto.MustRepeatedClass(classPatterns[0])
	re := regexp.MustCompile(classPatterns[0])
	s := "Cost Center é 12345"
	b.Run("class", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.Match(s)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			re.MatchString(s)
		}
	})
}
