package awsproto

import (
	"slices"
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
	items []Violation
	count int
}

// Violation is one constraint violation that a [Validation] recorded.
type Violation struct {
	// Parent is the path of the structure, list or map that holds the
	// member ("" at the top level); Name is the member's path name, e.g.
	// "userName" or "1.member".
	Parent, Name string
	// Value is the offending value as echoed in the message; Hidden means
	// it is not echoed (sensitive members, values without a short text
	// form), Null that the member is missing.
	Value        string
	Hidden, Null bool
	// Constraint is the constraint's text, e.g. "Member must not be null"
	// or the result of [MaxLength].
	Constraint string
}

// Path returns the violation's full path, e.g. tags.6.member.value.
func (v Violation) Path() string { return Path(v.Parent, v.Name) }

// String returns the violation in AWS's words:
//
//	Value 'x' at 'path' failed to satisfy constraint: Member must ...
func (v Violation) String() string {
	switch {
	case v.Null:
		return "Value null at '" + v.Path() + "' failed to satisfy constraint: " + v.Constraint
	case v.Hidden:
		return "Value at '" + v.Path() + "' failed to satisfy constraint: " + v.Constraint
	}
	return "Value '" + v.Value + "' at '" + v.Path() + "' failed to satisfy constraint: " + v.Constraint
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

func (v *Validation) add(x Violation) {
	v.count++
	if len(v.items) < maxViolations {
		v.items = append(v.items, x)
	}
}

// NotNull is the constraint of a missing required member.
const NotNull = "Member must not be null"

// Null records a missing required member.
func (v *Validation) Null(parent, name string) {
	v.add(Violation{Parent: parent, Name: name, Null: true, Constraint: NotNull})
}

// Fail records a member whose value fails constraint.
func (v *Validation) Fail(parent, name, value, constraint string) {
	v.add(Violation{Parent: parent, Name: name, Value: value, Constraint: constraint})
}

// FailHidden records a member that fails constraint without echoing its
// value: for sensitive members, and for values (lists of structures) that
// have no short text form.
func (v *Validation) FailHidden(parent, name, constraint string) {
	v.add(Violation{Parent: parent, Name: name, Hidden: true, Constraint: constraint})
}

// Len returns the number of violations recorded.
func (v *Validation) Len() int { return v.count }

// Violations returns the violations recorded (at most the first 100), in
// the order they were found.
func (v *Validation) Violations() []Violation { return v.items }

// Reset forgets what was recorded, keeping the storage.
func (v *Validation) Reset() {
	v.items = v.items[:0]
	v.count = 0
}

// Err returns nil when nothing was recorded, else the ValidationError that
// IAM and STS send.
func (v *Validation) Err() error {
	if v.count == 0 {
		return nil
	}
	return ValidationError("%s", v.Message())
}

// ErrJSON returns nil when nothing was recorded, else the
// ValidationException that AWS's JSON services send for input that fails
// the model's constraints, with the message of [Validation.Message].
func (v *Validation) ErrJSON() error {
	if v.count == 0 {
		return nil
	}
	return ValidationException("%s", v.Message())
}

// Message returns the joined message ("" when nothing was recorded):
//
//	2 validation errors detected: Value ... ; Value ...
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
	for i, m := range v.items {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(m.String())
	}
	return b.String()
}

// Constraints returns the constraint texts recorded, for the messages that
// wrap them (Map keys must satisfy constraint: [...]).
func (v *Validation) Constraints() []string {
	out := make([]string, len(v.items))
	for i, x := range v.items {
		out[i] = x.Constraint
	}
	return out
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

// Constraint prefixes of the map checks of the JSON protocols, as AWS words
// them: Value '{k=v}' at 'tags' failed to satisfy constraint: Map keys must
// satisfy constraint: [Member must have length less than or equal to 128].
const (
	mapKeysPrefix  = "Map keys must satisfy constraint: ["
	mapValuePrefix = "Map value must satisfy constraint: ["
)

// MapKeysConstraint wraps the constraints that a map's keys fail.
func MapKeysConstraint(constraints []string) string {
	return mapKeysPrefix + strings.Join(uniq(constraints), ", ") + "]"
}

// MapValueConstraint wraps the constraints that a map's values fail.
func MapValueConstraint(constraints []string) string {
	return mapValuePrefix + strings.Join(uniq(constraints), ", ") + "]"
}

func uniq(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		dup := false
		for _, o := range out {
			if o == s {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// MapString renders a map of strings as AWS (Java) echoes it in a
// violation, keys in order: {a=1, b=2}.
func MapString[K, V ~string](m map[K]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(string(m[K(k)]))
	}
	b.WriteByte('}')
	return b.String()
}

// ViolationKind classifies a violation by its constraint.
type ViolationKind uint8

// The kinds of violations.
const (
	KindOther ViolationKind = iota
	KindNull
	KindMaxLength
	KindMinLength
	KindMaxValue
	KindMinValue
	KindPattern
	KindEnum
	KindMapKeys
	KindMapValue
)

// Kind returns the kind of constraint the violation fails.
func (v Violation) Kind() ViolationKind {
	c := v.Constraint
	switch {
	case v.Null || c == NotNull:
		return KindNull
	case strings.HasPrefix(c, "Member must have length less than"):
		return KindMaxLength
	case strings.HasPrefix(c, "Member must have length greater than"):
		return KindMinLength
	case strings.HasPrefix(c, "Member must have value less than"):
		return KindMaxValue
	case strings.HasPrefix(c, "Member must have value greater than"):
		return KindMinValue
	case strings.HasPrefix(c, "Member must satisfy regular expression pattern"):
		return KindPattern
	case strings.HasPrefix(c, "Member must satisfy enum value set"):
		return KindEnum
	case strings.HasPrefix(c, mapKeysPrefix):
		return KindMapKeys
	case strings.HasPrefix(c, mapValuePrefix):
		return KindMapValue
	}
	return KindOther
}

// ValidationField is one entry of the fieldList of a restJson1
// ValidationException (Clean Rooms'): the member's path and what is wrong
// with it.
type ValidationField struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// FieldList returns one ValidationField per violation recorded: the
// member's path and the violation in AWS's words.
func (v *Validation) FieldList() []ValidationField {
	out := make([]ValidationField, len(v.items))
	for i, x := range v.items {
		out[i] = ValidationField{Name: x.Path(), Message: x.String()}
	}
	return out
}

// MaxValueNumber is "Member must have value less than or equal to n" for
// a bound written as in the model (floating-point shapes).
func MaxValueNumber(n string) string {
	return "Member must have value less than or equal to " + n
}

// MinValueNumber is "Member must have value greater than or equal to n"
// for a bound written as in the model (floating-point shapes).
func MinValueNumber(n string) string {
	return "Member must have value greater than or equal to " + n
}

// FormatFloat renders a floating-point value as a violation echoes it.
func FormatFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}
