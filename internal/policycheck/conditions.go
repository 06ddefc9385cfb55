package policycheck

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// checkConditions checks each condition of the statement: that its key is
// known and supported by the statement's actions, that the operator's type
// fits the key's, that set qualifiers fit the key's cardinality, and that the
// values parse for the operator.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func (r *run) checkConditions(s *policy.Statement, refs []actionRef) {
	seen := map[string]bool{} // lower-case keys already reported as unknown or unsupported
	for _, c := range s.Conditions {
		r.checkValues(s, c)
		if r.cat == nil {
			continue
		}
		lkey := strings.ToLower(c.Key)
		ck, found := r.cat.ConditionKey(c.Key)
		if !found {
			if !seen[lkey] && r.ownedByCatalog(c.Key) {
				seen[lkey] = true
				r.add(SeverityWarning, CodeUnknownConditionKey, s, "%s is not a condition key the catalog knows; the request context will not hold it, so the condition is decided as for a missing key.", c.Key)
			}
			continue
		}
		if !ck.Global && !seen[lkey] && !r.keySupported(s, refs, c.Key) {
			seen[lkey] = true
			r.add(SeverityWarning, CodeUnsupportedConditionKey, s, "None of the statement's actions (%s) supports the condition key %s, so the request context will not hold it.", strings.Join(s.Actions, ", "), c.Key)
		}
		r.checkKeyType(s, c, ck)
		r.checkSetOperator(s, c, ck)
	}
}

// ownedByCatalog reports whether a key that the catalog does not know has
// a prefix whose keys the catalog should know: aws: or a catalogued service.
// A key without a prefix is always reported.
func (r *run) ownedByCatalog(key string) bool {
	prefix, _, ok := strings.Cut(key, ":")
	if !ok {
		return true
	}
	if strings.EqualFold(prefix, "aws") {
		return true
	}
	_, ok = r.cat.Service(prefix)
	return ok
}

// keySupported reports whether any of the statement's actions supports the
// key, or whether that cannot be told (NotAction, "*", actions the catalog
// cannot resolve completely).
func (r *run) keySupported(s *policy.Statement, refs []actionRef, key string) bool {
	if s.NotAction {
		return true
	}
	n := 0
	for _, ref := range refs {
		if ref.all || !ref.complete {
			return true
		}
		for _, a := range ref.acts {
			n++
			if r.cat.ActionSupportsKey(a, nil, key) {
				return true
			}
		}
	}
	return n == 0 // only unknown actions, already reported
}

// checkKeyType compares the operator's type with the key's type in the
// Service Authorization Reference. String operators also fit ARN keys;
// aws:EpochTime is both a Date and a Numeric key (global condition keys
// reference). A mismatch is a warning, as in Access Analyzer: the condition
// compares values the key does not hold, and rarely matches.
func (r *run) checkKeyType(s *policy.Statement, c *policy.Condition, ck *catalog.ConditionKey) {
	fam := c.Op.Base.Family()
	if fam == policy.FamilyNull {
		return
	}
	base := strings.TrimPrefix(ck.Type, "ArrayOf")
	var ok bool
	var want string
	switch base {
	case "String":
		ok, want = fam == policy.FamilyString, "a String operator"
	case "ARN":
		ok, want = fam == policy.FamilyARN || fam == policy.FamilyString, "an ARN or String operator"
	case "Bool":
		ok, want = fam == policy.FamilyBool, "the Bool operator"
	case "Numeric":
		ok, want = fam == policy.FamilyNumeric, "a Numeric operator"
	case "Date":
		ok, want = fam == policy.FamilyDate, "a Date operator"
		if strings.EqualFold(c.Key, "aws:EpochTime") {
			ok = ok || fam == policy.FamilyNumeric
			want = "a Date or Numeric operator"
		}
	case "IPAddress":
		ok, want = fam == policy.FamilyIP, "IpAddress or NotIpAddress"
	case "Binary":
		ok, want = fam == policy.FamilyBinary, "BinaryEquals"
	default:
		return // a type this check does not know
	}
	if !ok {
		r.add(SeverityWarning, CodeConditionTypeMismatch, s, "%s is a %s key, but %s is a %s operator; use %s.", c.Key, ck.Type, c.Operator, fam, want)
	}
}

// checkSetOperator checks ForAllValues and ForAnyValue against the key's
// cardinality. ForAllValues on a single-valued key in an Allow statement is
// a security warning: it is true when the key is absent.
func (r *run) checkSetOperator(s *policy.Statement, c *policy.Condition, ck *catalog.ConditionKey) {
	if c.Op.Base == policy.OpNull {
		return
	}
	switch {
	case c.Op.Set != policy.SetNone && !ck.Multivalued:
		if c.Op.Set == policy.ForAllValues && s.Effect == policy.Allow {
			r.add(SeveritySecurityWarning, CodeSetOperatorOnSingleValuedKey, s, "%s is single-valued; ForAllValues is true for a request without the key, so this Allow also applies to such requests. Remove ForAllValues.", c.Key)
			return
		}
		r.add(SeverityWarning, CodeSetOperatorOnSingleValuedKey, s, "%s is single-valued; %s is for multivalued keys. Remove the %s: qualifier.", c.Key, c.Op.Set, c.Op.Set)
	case c.Op.Set == policy.SetNone && ck.Multivalued:
		r.add(SeverityWarning, CodeMissingSetOperatorOnMultivaluedKey, s, "%s is multivalued, and %s without ForAnyValue: or ForAllValues: does not match a request that carries it; say whether any or all of its values must match.", c.Key, c.Operator)
	}
}

// checkValues checks that every value parses for the operator, and warns of
// wildcards given to operators that take them literally.
func (r *run) checkValues(s *policy.Statement, c *policy.Condition) {
	fam := c.Op.Base.Family()
	for _, v := range c.Values {
		var what string
		switch fam {
		case policy.FamilyNumeric:
			if !validNumber(v) {
				what = "a number"
			}
		case policy.FamilyDate:
			if _, ok := policy.ParseDate(v); !ok {
				what = "a date (ISO 8601, or seconds since the epoch)"
			}
		case policy.FamilyBool, policy.FamilyNull:
			if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
				what = "true or false"
			}
		case policy.FamilyIP:
			if !validIP(v) {
				what = "an IP address or CIDR block"
			}
		case policy.FamilyBinary:
			if _, err := base64.StdEncoding.DecodeString(v); err != nil {
				what = "base64-encoded"
			}
		}
		if what == "" {
			continue
		}
		msg := "The value %q of %s for %s is not %s."
		if strings.Contains(v, "${") {
			msg += " Policy variables are substituted only in String and ARN conditions."
		}
		r.add(SeverityError, CodeInvalidConditionValue, s, msg, v, c.Operator, c.Key, what)
		break
	}
	switch c.Op.Base {
	case policy.OpStringEquals, policy.OpStringNotEquals, policy.OpStringEqualsIgnoreCase, policy.OpStringNotEqualsIgnoreCase:
		for _, v := range c.Values {
			if r.p.EffectiveVersion() == policy.Version2012 {
				v = strings.ReplaceAll(v, "${*}", "")
			}
			if strings.Contains(v, "*") {
				r.add(SeverityWarning, CodeWildcardWithoutLikeOperator, s, "%s compares %s literally, so \"*\" in %q matches only an asterisk; use StringLike or StringNotLike for a pattern.", c.Operator, c.Key, v)
				break
			}
		}
	}
}

func validNumber(s string) bool {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

func validIP(s string) bool {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		_, err := netip.ParsePrefix(s)
		return err == nil
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}
