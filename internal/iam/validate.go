package iam

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validation collects constraint violations in the wording of AWS's request
// validation: "1 validation error detected: Value 'x!' at 'userName' failed
// to satisfy constraint: Member must satisfy regular expression pattern:
// [\w+=,.@-]+", several joined with "; ". The constraints are the IAM API
// model's (smithy.api#length, #pattern, #range on the shapes of
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_Types.html).
type validation struct{ errs []string }

func (v *validation) add(value any, field, constraint string) {
	v.errs = append(v.errs, fmt.Sprintf("Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint))
}

func (v *validation) err() error {
	switch len(v.errs) {
	case 0:
		return nil
	case 1:
		return &Error{Code: CodeValidationError, Message: "1 validation error detected: " + v.errs[0]}
	}
	return &Error{Code: CodeValidationError, Message: fmt.Sprintf("%d validation errors detected: %s", len(v.errs), strings.Join(v.errs, "; "))}
}

// length checks a string's length in characters.
func (v *validation) length(value, field string, lo, hi int) bool {
	n := utf8.RuneCountInString(value)
	if n < lo {
		v.add(value, field, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
		return false
	}
	if hi > 0 && n > hi {
		v.add(value, field, fmt.Sprintf("Member must have length less than or equal to %d", hi))
		return false
	}
	return true
}

// Name pattern of users, groups, roles, policies, virtual MFA devices:
// [\w+=,.@-]+ (Java's \w: ASCII letters, digits, underscore).
const namePattern = `[\w+=,.@-]+`

func isNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("_+=,.@-", c) >= 0
}

// name checks an entity name: length 1..max and the name pattern.
// Lengths: user 64 (CreateUser), role 64, group 128, policy 128, inline
// policy 128; existing user names are read up to 128 (existingUserNameType).
func (v *validation) name(value, field string, max int) {
	if !v.length(value, field, 1, max) {
		return
	}
	for i := 0; i < len(value); i++ {
		if !isNameChar(value[i]) {
			v.add(value, field, "Member must satisfy regular expression pattern: "+namePattern)
			return
		}
	}
}

// Name lengths from the IAM API model.
const (
	maxUserName   = 64
	maxRoleName   = 64
	maxGroupName  = 128
	maxPolicyName = 128
	maxExisting   = 128 // existingUserNameType and friends: names given to look an entity up
)

// path checks an entity path: "/" or "/.../" with printable ASCII between
// (pathType: (\u002F)|(\u002F[\u0021-\u007E]+\u002F), length 1..512). IAM
// words a malformed path its own way.
func (v *validation) path(value, field string) {
	if !v.length(value, field, 1, 512) {
		return
	}
	if !validPath(value) {
		v.add(value, field, `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
}

func validPath(p string) bool {
	if p == "/" {
		return true
	}
	if len(p) < 3 || p[0] != '/' || p[len(p)-1] != '/' {
		return false
	}
	for i := 1; i < len(p)-1; i++ {
		if p[i] < 0x21 || p[i] > 0x7e {
			return false
		}
	}
	return true
}

// policyPath checks a managed policy's path (policyPathType:
// ((/[A-Za-z0-9\.,\+@=_-]+)*)/).
func (v *validation) policyPath(value, field string) {
	if !v.length(value, field, 1, 512) {
		return
	}
	ok := value[len(value)-1] == '/'
	if ok {
		for _, seg := range strings.Split(value[:len(value)-1], "/")[1:] {
			if seg == "" {
				ok = false
				break
			}
			for i := 0; i < len(seg); i++ {
				if !isNameChar(seg[i]) {
					ok = false
				}
			}
		}
		ok = ok && value[0] == '/'
	}
	if !ok {
		v.add(value, field, `Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`)
	}
}

// pathPrefix checks a PathPrefix filter (pathPrefixType: \u002F[\u0021-\u007F]*).
func (v *validation) pathPrefix(value, field string) {
	if value == "" {
		return
	}
	if !v.length(value, field, 1, 512) {
		return
	}
	ok := value[0] == '/'
	for i := 1; i < len(value) && ok; i++ {
		ok = value[i] >= 0x21 && value[i] <= 0x7f
	}
	if !ok {
		v.add(value, field, `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
}

// description checks a role description (roleDescriptionType: 0..1000 of
// [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*) or, with latin1Only
// false, a policy description (0..1000, any characters).
func (v *validation) description(value, field string, roleCharset bool) {
	if !v.length(value, field, 0, 1000) || !roleCharset {
		return
	}
	for _, r := range value {
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7e || r >= 0xa1 && r <= 0xff) {
			v.add(value, field, `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`)
			return
		}
	}
}

// intRange checks a number against smithy.api#range.
func (v *validation) intRange(value int, field string, lo, hi int) {
	if value < lo {
		v.add(value, field, fmt.Sprintf("Member must have value greater than or equal to %d", lo))
	} else if value > hi {
		v.add(value, field, fmt.Sprintf("Member must have value less than or equal to %d", hi))
	}
}

// versionID checks a policy version id (policyVersionIdType:
// v[1-9][0-9]*(\.[A-Za-z0-9-]*)?).
func (v *validation) versionID(value, field string) {
	if !validVersionID(value) {
		v.add(value, field, `Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	}
}

func validVersionID(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] < '1' || s[1] > '9' {
		return false
	}
	i := 2
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == len(s) {
		return true
	}
	if s[i] != '.' {
		return false
	}
	for _, c := range []byte(s[i+1:]) {
		if !(isAlnumByte(c) || c == '-') {
			return false
		}
	}
	return true
}

func isAlnumByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isTagChar is the tag key and value alphabet: [\p{L}\p{Z}\p{N}_.:/=+\-@].
func isTagChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)
}

const tagPattern = `[\p{L}\p{Z}\p{N}_.:/=+\-@]`

// tagKey checks one tag key (tagKeyType: 1..128 of the tag alphabet).
func (v *validation) tagKey(value, field string) {
	if !v.length(value, field, 1, 128) {
		return
	}
	for _, r := range value {
		if !isTagChar(r) {
			v.add(value, field, "Member must satisfy regular expression pattern: "+tagPattern+"+")
			return
		}
	}
}

// tagValue checks one tag value (tagValueType: 0..256 of the tag alphabet).
func (v *validation) tagValue(value, field string) {
	if !v.length(value, field, 0, 256) {
		return
	}
	for _, r := range value {
		if !isTagChar(r) {
			v.add(value, field, "Member must satisfy regular expression pattern: "+tagPattern+"*")
			return
		}
	}
}

// Page selects one page of a listing: Marker is the value a previous page
// returned, MaxItems the page size (1..1000; 0 means IAM's default of 100).
type Page struct {
	Marker   string
	MaxItems int
}

func (v *validation) page(p Page) {
	if p.MaxItems != 0 {
		v.intRange(p.MaxItems, "maxItems", 1, 1000)
	}
	if p.Marker != "" {
		v.length(p.Marker, "marker", 1, 320)
	}
}

// validate runs checks and returns their error, if any.
func validate(checks func(v *validation)) error {
	var v validation
	checks(&v)
	return v.err()
}
