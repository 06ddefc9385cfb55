package awsproto

import (
	"strconv"
	"strings"
)

// Validation collects the constraint violations of one request in AWS's
// words, for the generated decoders. Each violation reads
//
//	Value 'x' at 'path' failed to satisfy constraint: Member must ...
//
// (Value null for a missing required member; no value at all for a
// sensitive member) and [Validation.Err] joins them as
//
//	2 validation errors detected: ...; ...
//
// which is what IAM and STS answer as ValidationError. Paths are the
// members' names with a lower-case first letter, list elements as
// name.N.member, e.g. tags.6.member.value.
type Validation struct {
	msgs  []string
	count int
}

// maxViolations bounds how many violations are spelled out in the message;
// all are counted.
const maxViolations = 100

// Path joins a parent path and a member's path name.
func Path(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func (v *Validation) add(msg string) {
	v.count++
	if len(v.msgs) < maxViolations {
		v.msgs = append(v.msgs, msg)
	}
}

// Null records a missing required member.
func (v *Validation) Null(parent, name string) {
	v.add("Value null at '" + Path(parent, name) + "' failed to satisfy constraint: Member must not be null")
}

// Fail records a member whose value fails constraint.
func (v *Validation) Fail(parent, name, value, constraint string) {
	v.add("Value '" + value + "' at '" + Path(parent, name) + "' failed to satisfy constraint: " + constraint)
}

// FailHidden records a member that fails constraint without echoing its
// value: for sensitive members, and for values (lists of structures) that
// have no short text form.
func (v *Validation) FailHidden(parent, name, constraint string) {
	v.add("Value at '" + Path(parent, name) + "' failed to satisfy constraint: " + constraint)
}

// Len returns the number of violations recorded.
func (v *Validation) Len() int { return v.count }

// Err returns nil when nothing was recorded, else the ValidationError that
// IAM and STS send.
func (v *Validation) Err() error {
	if v.count == 0 {
		return nil
	}
	return ValidationError("%s", v.Message())
}

// Message returns the joined message ("" when nothing was recorded).
func (v *Validation) Message() string {
	if v.count == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(v.count))
	if v.count == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, m := range v.msgs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(m)
	}
	return b.String()
}

// Constraint texts, as AWS words them.

// MaxLength is "Member must have length less than or equal to n" (strings,
// blobs, lists, maps).
func MaxLength(n int64) string {
	return "Member must have length less than or equal to " + strconv.FormatInt(n, 10)
}

// MinLength is "Member must have length greater than or equal to n".
func MinLength(n int64) string {
	return "Member must have length greater than or equal to " + strconv.FormatInt(n, 10)
}

// MaxValue is "Member must have value less than or equal to n".
func MaxValue(n int64) string {
	return "Member must have value less than or equal to " + strconv.FormatInt(n, 10)
}

// MinValue is "Member must have value greater than or equal to n".
func MinValue(n int64) string {
	return "Member must have value greater than or equal to " + strconv.FormatInt(n, 10)
}

// PatternConstraint is "Member must satisfy regular expression pattern: p".
func PatternConstraint(p string) string {
	return "Member must satisfy regular expression pattern: " + p
}

// EnumConstraint is "Member must satisfy enum value set: [a, b]".
func EnumConstraint(values []string) string {
	return "Member must satisfy enum value set: [" + strings.Join(values, ", ") + "]"
}

// Constraints for values that do not parse as their type.
const (
	NotInteger   = "Member must be an integer"
	NotNumber    = "Member must be a number"
	NotBoolean   = "Member must be a boolean (true or false)"
	NotTimestamp = "Member must be an ISO 8601 timestamp"
	NotBase64    = "Member must be base64-encoded"
)

// ListString renders a list of strings as AWS echoes it in a violation:
// [a, b].
func ListString(vs []string) string {
	return "[" + strings.Join(vs, ", ") + "]"
}

// elementNames holds "1.member" to "64.member", the names of the list
// elements that requests usually carry.
var elementNames = func() (names [65]string) {
	for i := 1; i < len(names); i++ {
		names[i] = strconv.Itoa(i) + ".member"
	}
	return names
}()

// ElementName is the name of a list's element in violation paths: N.member
// (AWS writes tags.6.member.value).
func ElementName(index int) string {
	if index > 0 && index < len(elementNames) {
		return elementNames[index]
	}
	return strconv.Itoa(index) + ".member"
}

// EntryName is the name of a map entry's key or value in violation paths:
// entry.N.key, entry.N.value.
func EntryName(index int, part string) string {
	return "entry." + strconv.Itoa(index) + "." + part
}
