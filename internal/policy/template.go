package policy

import (
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/wildcard"
)

// partKind tells how a piece of a pattern matches.
type partKind uint8

const (
	partPattern partKind = iota // text in which `*` and `?` are wildcards
	partLiteral                 // text matched exactly: escapes and substituted values
	partVar                     // a policy variable, replaced by the request's value
)

type part struct {
	kind   partKind
	text   string // partPattern, partLiteral; for partVar the variable as written
	key    string // partVar: the lower-cased context key
	hash   uint64 // partVar: keyHash(key)
	known  int16  // partVar: index of key in knownKeys, or -1
	def    string // partVar: the default value
	hasDef bool
}

// template is a string from a policy (a Resource entry or a condition value)
// with its policy variables located once, at compile time.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
type template struct {
	raw     string
	parts   []part
	hasVars bool // has partVar (needs the request to resolve)
	// exact is set when the template has no wildcard and no variable: it then
	// matches only the string lit.
	exact bool
	lit   string
	// colons is the number of ':' in the template text, at most 5: the number
	// of ARN segment boundaries that the pattern pins (see matchParts).
	colons int
	// star is set for the pattern "*". prefix is set for a pattern that is
	// literal text followed by one final `*`, with every pinned colon in the
	// literal part: it matches exactly the strings that start with lit.
	star, prefix bool
	// segs is the segment-by-segment form of an ARN pattern without
	// variables that pins all six segments.
	segs []segment
}

// maxParts bounds the parts of a resolved template kept on the stack.
const maxParts = 16

// newTemplate parses s. With vars false (Version 2008-10-17, or an operator
// that takes no variables) the whole string is pattern text.
func newTemplate(s string, vars bool) template {
	t := template{raw: s}
	if !vars || !strings.Contains(s, "${") {
		t.parts = []part{{kind: partPattern, text: s}}
	} else {
		t.parts = parseVars(s)
	}
	var n int
	for _, p := range t.parts {
		if p.kind == partVar {
			t.hasVars = true
		}
		n += strings.Count(p.text, ":")
	}
	if !t.hasVars && len(t.parts) <= maxParts {
		t.parts = mergeLiterals(t.parts)
	}
	t.colons = min(n, 5)
	if !t.hasVars && len(t.parts) == 1 {
		p := t.parts[0]
		switch {
		case p.kind == partLiteral || !hasWild(p.text):
			t.exact, t.lit = true, p.text
		case p.text == "*":
			t.star = true
		case strings.IndexAny(p.text, "*?") == len(p.text)-1 && p.text[len(p.text)-1] == '*':
			t.prefix, t.lit = true, p.text[:len(p.text)-1]
		case p.kind == partPattern && t.colons == 5:
			t.segs = compileSegments(p.text)
		}
	}
	return t
}

func hasWild(s string) bool { return strings.ContainsAny(s, "*?") }

// mergeLiterals turns literal parts that hold no wildcard character into
// pattern text, so that most templates end as one part.
func mergeLiterals(ps []part) []part {
	out := ps[:0:0]
	for _, p := range ps {
		if p.kind == partLiteral && !hasWild(p.text) {
			p.kind = partPattern
		}
		if n := len(out); n > 0 && out[n-1].kind == p.kind && p.kind != partVar {
			out[n-1].text += p.text
			continue
		}
		out = append(out, p)
	}
	return out
}

// parseVars splits s at its ${...} variables. An unterminated "${" is text.
func parseVars(s string) []part {
	var out []part
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		if i > 0 {
			out = append(out, part{kind: partPattern, text: s[:i]})
		}
		body := s[i+2 : i+j]
		switch body {
		case "*", "?", "$":
			out = append(out, part{kind: partLiteral, text: body})
		default:
			p := part{kind: partVar, text: s[i : i+j+1]}
			key, def, hasDef := splitDefault(body)
			p.key, p.def, p.hasDef = strings.ToLower(key), def, hasDef
			p.hash = keyHash(p.key)
			p.known = knownID(p.hash, p.key)
			if p.key == "" {
				// "${}" or "${, 'x'}" names no key: keep it as text.
				p = part{kind: partPattern, text: s[i : i+j+1]}
			}
			out = append(out, p)
		}
		s = s[i+j+1:]
	}
	if s != "" || len(out) == 0 {
		out = append(out, part{kind: partPattern, text: s})
	}
	return out
}

// WidenVariables returns s with each policy variable replaced by `*`: the
// pattern then matches whatever the variables' values are (for checks that
// must hold for every request). Escapes such as ${*} become their character.
func WidenVariables(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for _, p := range parseVars(s) {
		if p.kind == partVar {
			b.WriteByte('*')
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// splitDefault reads "key, 'default'" (spaces around the comma allowed).
func splitDefault(body string) (key, def string, ok bool) {
	k, rest, found := strings.Cut(body, ",")
	if !found {
		return strings.TrimSpace(body), "", false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
		return strings.TrimSpace(k), rest[1 : len(rest)-1], true
	}
	return strings.TrimSpace(body), "", false
}

// resolve replaces the variables of t with the request's values, writing the
// parts into buf. ok is false when a variable has no value and no default: the
// template then matches nothing. A multivalued key cannot be a variable.
func (t *template) resolve(ctx *Context, buf []part) (ps []part, ok bool) {
	if !t.hasVars {
		return t.parts, true
	}
	ps = buf[:0]
	for _, p := range t.parts {
		if p.kind != partVar {
			ps = append(ps, p)
			continue
		}
		v, found := ctx.lookupPart(&p)
		switch {
		case found && !v.Multi && len(v.Values) == 1:
			ps = append(ps, part{kind: partLiteral, text: v.Values[0]})
		case p.hasDef:
			ps = append(ps, part{kind: partLiteral, text: p.def})
		default:
			return nil, false
		}
	}
	return ps, true
}

// resolvable reports whether every variable of t has a value or a default.
func (t *template) resolvable(ctx *Context) bool {
	if !t.hasVars {
		return true
	}
	for _, p := range t.parts {
		if p.kind != partVar || p.hasDef {
			continue
		}
		v, found := ctx.lookupPart(&p)
		if !found || v.Multi || len(v.Values) != 1 {
			return false
		}
	}
	return true
}

// equals reports whether s equals the resolved template, comparing exactly or
// with ASCII case folding, without treating `*` and `?` as wildcards.
func (t *template) equals(ctx *Context, s string, fold bool) bool {
	if t.exact {
		return eq(t.lit, s, fold)
	}
	for _, p := range t.parts {
		text := p.text
		if p.kind == partVar {
			v, found := ctx.lookupPart(&p)
			switch {
			case found && !v.Multi && len(v.Values) == 1:
				text = v.Values[0]
			case p.hasDef:
				text = p.def
			default:
				return false
			}
		}
		if len(s) < len(text) || !eq(text, s[:len(text)], fold) {
			return false
		}
		s = s[len(text):]
	}
	return s == ""
}

func eq(a, b string, fold bool) bool {
	if !fold {
		return a == b
	}
	return strings.EqualFold(a, b)
}

// like reports whether s matches the resolved template as a glob. With arn set,
// wildcards do not cross the ARN segment boundaries the pattern pins.
func (t *template) like(ctx *Context, s string, fold, arn bool) bool {
	switch {
	case t.star:
		return true
	case t.exact && !arn:
		return eq(t.lit, s, fold)
	case t.exact && !fold:
		// An ARN pattern without wildcards matches only itself.
		return t.lit == s
	case t.prefix && !fold:
		// The literal part holds every colon the pattern pins, so the final
		// `*` may take the rest of s, colons included.
		return strings.HasPrefix(s, t.lit)
	}
	if t.segs != nil && arn && !fold {
		return t.matchSegments(s)
	}
	if !t.hasVars {
		return t.matchResolved(t.parts, s, fold, arn)
	}
	var buf [maxParts]part
	ps, ok := t.resolve(ctx, buf[:])
	if !ok {
		return false
	}
	return t.matchResolved(ps, s, fold, arn)
}

func (t *template) matchResolved(ps []part, s string, fold, arn bool) bool {
	fence := -1
	if arn {
		// Segment-by-segment matching: the first `colons` colons of s must
		// each be met by a colon of the pattern, so wildcards may not consume
		// them. A pattern with fewer than five colons leaves the rest of the
		// ARN to its last segment, as a short ARN pattern is read.
		n := t.colons
		if t.hasVars {
			n = 0
			for _, p := range ps {
				n += strings.Count(p.text, ":")
			}
			n = min(n, 5)
		}
		fence = nthColon(s, n)
		if fence == -2 {
			return false // s has fewer segments than the pattern pins
		}
	}
	return matchParts(ps, s, fold, fence)
}

// segment is one colon-separated segment of an ARN pattern, classified so
// that most segments compare without glob matching.
type segment struct {
	kind segKind
	text string // the literal, the prefix before a final `*`, or the glob
}

type segKind uint8

const (
	segAny    segKind = iota // "*"
	segExact                 // no wildcard
	segPrefix                // literal then one final `*`
	segGlob                  // anything else
)

func (sg *segment) match(s string) bool {
	switch sg.kind {
	case segAny:
		return true
	case segExact:
		return s == sg.text
	case segPrefix:
		return strings.HasPrefix(s, sg.text)
	}
	return wildcard.Match(sg.text, s)
}

// compileSegments prepares an ARN pattern without variables whose six
// segments are all pinned (five colons or more): segment i of the pattern
// then matches segment i of the ARN, the last taking the rest.
func compileSegments(pattern string) []segment {
	segs := strings.SplitN(pattern, ":", 6)
	if len(segs) != 6 {
		return nil
	}
	out := make([]segment, 6)
	for i, sg := range segs {
		switch w := strings.IndexAny(sg, "*?"); {
		case sg == "*":
			out[i] = segment{kind: segAny}
		case w < 0:
			out[i] = segment{kind: segExact, text: sg}
		case w == len(sg)-1 && sg[w] == '*':
			out[i] = segment{kind: segPrefix, text: sg[:w]}
		default:
			out[i] = segment{kind: segGlob, text: sg}
		}
	}
	return out
}

// arnSegments is an ARN split at its first five colons, once per visit of an
// index, so that segment patterns do not split it again.
type arnSegments struct {
	seg [6]string
	ok  bool
}

func splitARN(s string) arnSegments {
	var a arnSegments
	start, n := 0, 0
	for i := 0; i < len(s) && n < 5; i++ {
		if s[i] == ':' {
			a.seg[n] = s[start:i]
			n++
			start = i + 1
		}
	}
	if n == 5 {
		a.seg[5] = s[start:]
		a.ok = true
	}
	return a
}

// likeARN is like(req.Context, req.Resource, false, true), using the
// request's cached split of the resource.
func (t *template) likeARN(req *Request) bool {
	if t.segs == nil {
		return t.like(req.Context, req.Resource, false, true)
	}
	a := req.segments()
	if !a.ok {
		return false
	}
	for i := range t.segs {
		if !t.segs[i].match(a.seg[i]) {
			return false
		}
	}
	return true
}

// matchSegments matches s segment by segment.
func (t *template) matchSegments(s string) bool {
	start, seg := 0, 0
	for i := 0; i < len(s) && seg < 5; i++ {
		if s[i] != ':' {
			continue
		}
		if !t.segs[seg].match(s[start:i]) {
			return false
		}
		seg++
		start = i + 1
	}
	return seg == 5 && t.segs[5].match(s[start:])
}

// nthColon returns the index of the n-th ':' in s, -1 when n is 0, and -2 when
// s has fewer than n colons.
func nthColon(s string, n int) int {
	if n == 0 {
		return -1
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			n--
			if n == 0 {
				return i
			}
		}
	}
	return -2
}

// ppos is a position in a sequence of parts.
type ppos struct{ p, i int }

// matchParts is glob matching over parts with a single backtrack point (the
// most recent `*`). Wildcards never consume a colon at an index <= fence.
func matchParts(ps []part, s string, fold bool, fence int) bool {
	cur := ppos{}
	norm := func(q ppos) ppos {
		for q.p < len(ps) && q.i >= len(ps[q.p].text) {
			q.p++
			q.i = 0
		}
		return q
	}
	cur = norm(cur)
	si := 0
	star, starS := ppos{-1, 0}, 0
	for si < len(s) {
		if cur.p < len(ps) {
			pt := ps[cur.p]
			c := pt.text[cur.i]
			wild := pt.kind == partPattern
			switch {
			case wild && c == '*':
				star, starS = cur, si
				cur = norm(ppos{cur.p, cur.i + 1})
				continue
			case wild && c == '?':
				if !(s[si] == ':' && si <= fence) {
					cur = norm(ppos{cur.p, cur.i + 1})
					si++
					continue
				}
			case c == s[si] || (fold && lowerByte(c) == lowerByte(s[si])):
				cur = norm(ppos{cur.p, cur.i + 1})
				si++
				continue
			}
		}
		if star.p < 0 {
			return false
		}
		if s[starS] == ':' && starS <= fence {
			return false
		}
		starS++
		si = starS
		cur = norm(ppos{star.p, star.i + 1})
	}
	for cur.p < len(ps) {
		pt := ps[cur.p]
		if pt.kind != partPattern || pt.text[cur.i] != '*' {
			return false
		}
		cur = norm(ppos{cur.p, cur.i + 1})
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
