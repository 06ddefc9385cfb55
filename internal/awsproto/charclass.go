package awsproto

import (
	"fmt"
	"regexp/syntax"
	"unicode/utf8"
)

// RepeatedClass matches strings made only of the runes of one character
// class, the form of most AWS model patterns (e.g. [\p{L}\p{Z}\p{N}_.:/=+\-@]+):
// a bitmap for ASCII and a binary search over the class's ranges otherwise,
// several times faster than the regexp engine on the same pattern.
type RepeatedClass struct {
	ascii  [2]uint64
	ranges []rune // sorted pairs lo, hi of the non-ASCII part
	plus   bool
}

// ParseRepeatedClass parses a Go regexp (syntax.Perl) of the form
// ^[class]+$ or ^[class]*$ (anchors possibly repeated, as in ^(?:^[a-z]+$)$)
// and reports whether it has that form.
func ParseRepeatedClass(pattern string) (*RepeatedClass, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat {
		return nil, false
	}
	sub := re.Sub
	begins, ends := 0, 0
	for len(sub) > 0 && sub[0].Op == syntax.OpBeginText {
		sub, begins = sub[1:], begins+1
	}
	for len(sub) > 0 && sub[len(sub)-1].Op == syntax.OpEndText {
		sub, ends = sub[:len(sub)-1], ends+1
	}
	if begins == 0 || ends == 0 || len(sub) != 1 {
		return nil, false
	}
	rep := sub[0]
	if (rep.Op != syntax.OpPlus && rep.Op != syntax.OpStar) || len(rep.Sub) != 1 {
		return nil, false
	}
	var ranges []rune
	switch cc := rep.Sub[0]; {
	case cc.Op == syntax.OpCharClass:
		ranges = cc.Rune
	case cc.Op == syntax.OpLiteral && len(cc.Rune) == 1 && cc.Flags&syntax.FoldCase == 0:
		ranges = []rune{cc.Rune[0], cc.Rune[0]}
	default:
		return nil, false
	}
	c := &RepeatedClass{plus: rep.Op == syntax.OpPlus}
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
			c.ascii[r/64] |= 1 << (r % 64)
		}
		if hi >= utf8.RuneSelf {
			c.ranges = append(c.ranges, max(lo, utf8.RuneSelf), hi)
		}
	}
	return c, true
}

// MustRepeatedClass is [ParseRepeatedClass] for patterns known to have the
// form; it panics otherwise (use it for package-level variables).
func MustRepeatedClass(pattern string) *RepeatedClass {
	c, ok := ParseRepeatedClass(pattern)
	if !ok {
		panic(fmt.Sprintf("awsproto: %q is not a repeated character class", pattern))
	}
	return c
}

// Ranges returns the class as sorted pairs lo, hi (ASCII runes first).
func (c *RepeatedClass) Ranges() []rune {
	var out []rune
	for r := rune(0); r < utf8.RuneSelf; r++ {
		if c.ascii[r/64]&(1<<(r%64)) == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1] == r-1 {
			out[n-1] = r
		} else {
			out = append(out, r, r)
		}
	}
	return append(out, c.ranges...)
}

// Plus reports whether the class must match at least one rune.
func (c *RepeatedClass) Plus() bool { return c.plus }

// Match reports whether every rune of s is in the class (and s is not empty
// when the pattern is class+). Invalid UTF-8 reads as U+FFFD, as in the
// regexp engine.
func (c *RepeatedClass) Match(s string) bool {
	if s == "" {
		return !c.plus
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if c.ascii[b/64]&(1<<(b%64)) == 0 {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if !c.has(r) {
			return false
		}
	}
	return true
}

func (c *RepeatedClass) has(r rune) bool {
	// The first pair whose hi is >= r.
	lo, hi := 0, len(c.ranges)/2
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if c.ranges[2*m+1] < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(c.ranges)/2 && c.ranges[2*lo] <= r
}
