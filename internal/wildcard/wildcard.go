// Package wildcard matches strings against IAM glob patterns, where `*` stands
// for any run of characters (possibly empty) and `?` for exactly one character.
//
// Matching allocates nothing and runs in O(len(pattern)*len(s)) in the worst
// case, using the classic single-backtrack-point algorithm: on a mismatch the
// most recent `*` absorbs one more character. No regular expressions are built.
package wildcard

// Match reports whether s matches pattern, comparing bytes exactly (IAM
// resources and condition values are case-sensitive).
func Match(pattern, s string) bool { return match(pattern, s, false) }

// MatchFold reports whether s matches pattern with ASCII letters compared
// without regard to case (IAM actions and StringLike on IgnoreCase keys).
func MatchFold(pattern, s string) bool { return match(pattern, s, true) }

// HasWildcard reports whether pattern contains `*` or `?`.
func HasWildcard(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' || pattern[i] == '?' {
			return true
		}
	}
	return false
}

// LiteralPrefix returns the part of pattern before its first wildcard.
func LiteralPrefix(pattern string) string {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' || pattern[i] == '?' {
			return pattern[:i]
		}
	}
	return pattern
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func match(p, s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			switch {
			case c == '*':
				starP, starS = pi, si
				pi++
				continue
			case c == '?':
				pi++
				si++
				continue
			case c == s[si] || (fold && lower(c) == lower(s[si])):
				pi++
				si++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
