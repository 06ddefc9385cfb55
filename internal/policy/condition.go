package policy

import (
	"bytes"
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// cond is a compiled condition: the key lower-cased, the values parsed once
// into the operator's type. A value that does not parse as the operator's type
// never matches (the validator reports it).
//
// The fields a decision reads first are kept together and small; the values
// in each operator's type sit behind vals.
type cond struct {
	op Operator
	// boolMask is set for a Bool condition without set qualifier: bit 1
	// when "true" is a policy value, bit 2 when "false" is.
	boolMask uint8
	hasVars  bool   // some value holds a policy variable
	known    int16  // index of key in knownKeys, or -1
	keyHash  uint64 // keyHash(key)
	key      string // lower-cased
	// lits holds the values of a String(Not)Equals(IgnoreCase) condition
	// without set qualifier whose values are all plain text: such a
	// condition, the most common kind, is decided by one short loop.
	lits []string
	vals *condValues
	src  *Condition
}

// condValues are a condition's values parsed into its operator's type.
type condValues struct {
	tmpl     []template
	num      []numVal
	date     []dateVal
	ips      []ipVal
	bin      [][]byte
	bools    []boolVal
	nullWant []int8 // Null: 1 = "true", 0 = "false", -1 = neither
}

type numVal struct {
	v  float64
	ok bool
}

type dateVal struct {
	t  time.Time
	ok bool
}

type ipVal struct {
	p  netip.Prefix
	ok bool
}

type boolVal struct {
	v, ok bool
}

func compileCondition(c *Condition, vars bool) cond {
	cc := cond{src: c, op: c.Op, key: strings.ToLower(c.Key), vals: &condValues{}}
	cc.keyHash = keyHash(cc.key)
	cc.known = knownID(cc.keyHash, cc.key)
	useVars := vars && c.Op.Base.SupportsVariables()
	for _, v := range c.Values {
		switch c.Op.Base.Family() {
		case FamilyString, FamilyARN:
			t := newTemplate(v, useVars)
			cc.hasVars = cc.hasVars || t.hasVars
			cc.vals.tmpl = append(cc.vals.tmpl, t)
		case FamilyNumeric:
			f, ok := parseNumber(v)
			cc.vals.num = append(cc.vals.num, numVal{f, ok})
		case FamilyDate:
			t, ok := ParseDate(v)
			cc.vals.date = append(cc.vals.date, dateVal{t, ok})
		case FamilyIP:
			p, ok := parseIPOrCIDR(v)
			cc.vals.ips = append(cc.vals.ips, ipVal{p, ok})
		case FamilyBinary:
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				b = nil
			}
			cc.vals.bin = append(cc.vals.bin, b)
		case FamilyBool:
			b, ok := parseBool(v)
			cc.vals.bools = append(cc.vals.bools, boolVal{b, ok})
		case FamilyNull:
			w := int8(-1)
			switch strings.ToLower(v) {
			case "true":
				w = 1
			case "false":
				w = 0
			}
			cc.vals.nullWant = append(cc.vals.nullWant, w)
		}
	}
	cc.lits = plainLiterals(&cc)
	if cc.op.Base == OpBool && cc.op.Set == SetNone {
		for _, b := range cc.vals.bools {
			switch {
			case b.ok && b.v:
				cc.boolMask |= 1
			case b.ok:
				cc.boolMask |= 2
			}
		}
	}
	return cc
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02T15Z07:00",
	"2006-01-02",
	"2006-01",
	"2006",
	"20060102T150405Z",
	"20060102T150405Z0700",
	"20060102",
}

// ParseDate reads a date as the Date condition operators do: ISO 8601 (UTC
// when no offset is given) or seconds since the epoch.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if isDigits(s) && len(s) != 4 && len(s) != 8 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.ContainsAny(s, ".") && !strings.ContainsAny(s, "-T:") {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func parseIPOrCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval decides the condition for the request context, following
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func (c *cond) eval(ctx *Context) bool {
	if !c.hasVars {
		return c.evalBody(ctx)
	}
	// A policy variable that cannot be resolved makes the statement not
	// match, whatever the operator ("If AWS cannot resolve a variable this
	// might cause the entire statement to be invalid"), unless IfExists
	// holds for a missing key. Checked only when the condition would hold.
	if !c.evalBody(ctx) {
		return false
	}
	if c.op.IfExists {
		if sl := ctx.find(c.known, c.keyHash, c.key); sl == nil {
			return true
		}
	}
	for i := range c.vals.tmpl {
		if !c.vals.tmpl[i].resolvable(ctx) {
			return false
		}
	}
	return true
}

// evalBody is eval without the check that variables resolve.
func (c *cond) evalBody(ctx *Context) bool {
	sl := ctx.find(c.known, c.keyHash, c.key)
	var v Value
	var ip netip.Addr // the key's address, parsed when the key was set
	present := sl != nil
	if present {
		v, ip = sl.val, sl.ip
	}
	if c.lits != nil {
		return c.evalLits(v, present)
	}
	if c.boolMask != 0 {
		// Bool, the other common kind: the rules of eval for a single value.
		if !present {
			return c.op.IfExists
		}
		if v.Multi || len(v.Values) != 1 {
			return false
		}
		b := sl.boolv
		return (b == 1 && c.boolMask&1 != 0) || (b == 0 && c.boolMask&2 != 0)
	}
	if !present && c.op.IfExists {
		// "...IfExists: if the key is not present, evaluate the condition
		// element as true" -- whatever its values hold: IfExists is what the
		// variables page recommends "to prevent variables from causing
		// invalid statements".
		return true
	}
	if c.op.Base == OpNull {
		// Null: "true" asks that the key be absent, "false" that it be
		// present with a value. A key whose value is a null dataset (an empty
		// set or an empty string) counts as absent: "include a Null condition
		// operator with a value of false ... to check if the context key in
		// the request exists and its value is not null".
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html
		absent := !present || nullDataset(v)
		for _, w := range c.vals.nullWant {
			if (w == 1 && absent) || (w == 0 && !absent) {
				return true
			}
		}
		return false
	}
	switch c.op.Set {
	case ForAllValues:
		// True when every value in the request matches; vacuously true for a
		// missing key or a value that "resolves to a null dataset, such as an
		// empty string" (condition operators page).
		if !present || nullDataset(v) {
			return true
		}
		for _, s := range v.Values {
			if !c.one(ctx, s, netip.Addr{}) {
				return false
			}
		}
		return true
	case ForAnyValue:
		// True when at least one value matches; false for a missing key or an
		// empty set.
		if !present {
			return c.op.IfExists
		}
		for _, s := range v.Values {
			if c.one(ctx, s, netip.Addr{}) {
				return true
			}
		}
		return false
	}
	if !present {
		// A missing key fails every operator but IfExists, Null and the
		// negated operators, which it satisfies.
		return c.op.IfExists || c.op.Base.Negated()
	}
	if v.Multi || len(v.Values) != 1 {
		// A multivalued key needs a set qualifier.
		return false
	}
	return c.one(ctx, v.Values[0], ip)
}

// plainLiterals returns the values of a String(Not)Equals(IgnoreCase)
// condition without set qualifier whose values are all plain text, or nil.
func plainLiterals(cc *cond) []string {
	switch cc.op.Base {
	case OpStringEquals, OpStringNotEquals, OpStringEqualsIgnoreCase, OpStringNotEqualsIgnoreCase:
	default:
		return nil
	}
	if cc.op.Set != SetNone || cc.hasVars {
		return nil
	}
	lits := make([]string, 0, len(cc.vals.tmpl))
	for i := range cc.vals.tmpl {
		if !cc.vals.tmpl[i].exact {
			return nil
		}
		lits = append(lits, cc.vals.tmpl[i].lit)
	}
	return lits
}

// evalLits decides a plain String(Not)Equals(IgnoreCase) condition: the same
// rules as eval, for values known to hold no variable.
func (c *cond) evalLits(v Value, present bool) bool {
	neg := c.op.Base == OpStringNotEquals || c.op.Base == OpStringNotEqualsIgnoreCase
	if !present {
		return c.op.IfExists || neg
	}
	if v.Multi || len(v.Values) != 1 {
		return false
	}
	s := v.Values[0]
	fold := c.op.Base == OpStringEqualsIgnoreCase || c.op.Base == OpStringNotEqualsIgnoreCase
	m := false
	for _, l := range c.lits {
		if l == s || (fold && strings.EqualFold(l, s)) {
			m = true
			break
		}
	}
	return m != neg
}

// nullDataset reports a value with no content: an empty set, or a single
// empty string.
func nullDataset(v Value) bool {
	return len(v.Values) == 0 || (len(v.Values) == 1 && v.Values[0] == "")
}

// one applies the operator to a single request value: for a positive operator
// true when any policy value matches (OR); for a negated operator true when
// none does (NOR).
// ip is s parsed as an address when the context had it parsed already.
func (c *cond) one(ctx *Context, s string, ip netip.Addr) bool {
	base := c.op.Base
	neg := base.Negated()
	if neg {
		base = base.positive()
	}
	m := c.anyMatch(ctx, base, s, ip)
	if neg {
		return !m
	}
	return m
}

func (c *cond) anyMatch(ctx *Context, base BaseOp, s string, ip netip.Addr) bool {
	switch base {
	case OpStringEquals:
		for i := range c.vals.tmpl {
			if c.vals.tmpl[i].equals(ctx, s, false) {
				return true
			}
		}
	case OpStringEqualsIgnoreCase:
		for i := range c.vals.tmpl {
			if c.vals.tmpl[i].equals(ctx, s, true) {
				return true
			}
		}
	case OpStringLike:
		for i := range c.vals.tmpl {
			if c.vals.tmpl[i].like(ctx, s, false, false) {
				return true
			}
		}
	case OpArnEquals, OpArnLike:
		if !looksLikeARN(s) {
			return false
		}
		for i := range c.vals.tmpl {
			if c.vals.tmpl[i].like(ctx, s, false, true) {
				return true
			}
		}
	case OpNumericEquals, OpNumericLessThan, OpNumericLessThanEquals, OpNumericGreaterThan, OpNumericGreaterThanEquals:
		x, ok := parseNumber(s)
		if !ok {
			return false
		}
		for _, n := range c.vals.num {
			if n.ok && cmpOK(base, compareFloat(x, n.v)) {
				return true
			}
		}
	case OpDateEquals, OpDateLessThan, OpDateLessThanEquals, OpDateGreaterThan, OpDateGreaterThanEquals:
		t, ok := ParseDate(s)
		if !ok {
			return false
		}
		for _, d := range c.vals.date {
			if d.ok && cmpOK(base, t.Compare(d.t)) {
				return true
			}
		}
	case OpBool:
		b, ok := parseBool(s)
		if !ok {
			return false
		}
		for _, w := range c.vals.bools {
			if w.ok && w.v == b {
				return true
			}
		}
	case OpBinaryEquals:
		for _, want := range c.vals.bin {
			if want != nil && binaryEqual(s, want) {
				return true
			}
		}
	case OpIpAddress:
		a := ip
		if !a.IsValid() {
			p, err := netip.ParseAddr(strings.TrimSpace(s))
			if err != nil {
				return false
			}
			a = p.Unmap()
		}
		for _, p := range c.vals.ips {
			if p.ok && p.p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// binaryEqual compares the request's value, base64-encoded as a request
// context carries binary values, with the decoded policy value.
func binaryEqual(s string, want []byte) bool {
	var buf [256]byte
	n := base64.StdEncoding.DecodedLen(len(s))
	if n > len(buf) {
		got, err := base64.StdEncoding.DecodeString(s)
		return err == nil && bytes.Equal(got, want)
	}
	m, err := base64.StdEncoding.Decode(buf[:n], []byte(s))
	return err == nil && bytes.Equal(buf[:m], want)
}

func looksLikeARN(s string) bool {
	return strings.HasPrefix(s, "arn:") && strings.Count(s, ":") >= 5
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpOK reports whether a comparison result c (request vs policy value)
// satisfies the operator.
func cmpOK(op BaseOp, c int) bool {
	switch op {
	case OpNumericEquals, OpDateEquals:
		return c == 0
	case OpNumericLessThan, OpDateLessThan:
		return c < 0
	case OpNumericLessThanEquals, OpDateLessThanEquals:
		return c <= 0
	case OpNumericGreaterThan, OpDateGreaterThan:
		return c > 0
	case OpNumericGreaterThanEquals, OpDateGreaterThanEquals:
		return c >= 0
	}
	return false
}
