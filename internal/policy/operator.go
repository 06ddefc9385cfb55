package policy

import (
	"fmt"
	"strings"
)

// BaseOp is a condition operator without its IfExists suffix and set qualifier.
type BaseOp uint8

// The condition operators of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
const (
	OpInvalid BaseOp = iota
	OpStringEquals
	OpStringNotEquals
	OpStringEqualsIgnoreCase
	OpStringNotEqualsIgnoreCase
	OpStringLike
	OpStringNotLike
	OpNumericEquals
	OpNumericNotEquals
	OpNumericLessThan
	OpNumericLessThanEquals
	OpNumericGreaterThan
	OpNumericGreaterThanEquals
	OpDateEquals
	OpDateNotEquals
	OpDateLessThan
	OpDateLessThanEquals
	OpDateGreaterThan
	OpDateGreaterThanEquals
	OpBool
	OpBinaryEquals
	OpIpAddress
	OpNotIpAddress
	OpArnEquals
	OpArnLike
	OpArnNotEquals
	OpArnNotLike
	OpNull
	numOps
)

var opNames = [numOps]string{
	"", "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
	"NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
	"DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals",
	"ArnNotLike", "Null",
}

// Operators lists every base operator, for tests and tools.
func Operators() []BaseOp {
	out := make([]BaseOp, 0, numOps-1)
	for o := OpStringEquals; o < numOps; o++ {
		out = append(out, o)
	}
	return out
}

func (o BaseOp) String() string {
	if o < numOps {
		return opNames[o]
	}
	return "?"
}

// Family is the type of value an operator compares.
type Family uint8

// Operator families.
const (
	FamilyString Family = iota + 1
	FamilyNumeric
	FamilyDate
	FamilyBool
	FamilyBinary
	FamilyIP
	FamilyARN
	FamilyNull
)

func (f Family) String() string {
	return [...]string{"", "String", "Numeric", "Date", "Bool", "Binary", "IPAddress", "ARN", "Null"}[f]
}

// Family returns the operator's value type.
func (o BaseOp) Family() Family {
	switch {
	case o >= OpStringEquals && o <= OpStringNotLike:
		return FamilyString
	case o >= OpNumericEquals && o <= OpNumericGreaterThanEquals:
		return FamilyNumeric
	case o >= OpDateEquals && o <= OpDateGreaterThanEquals:
		return FamilyDate
	case o == OpBool:
		return FamilyBool
	case o == OpBinaryEquals:
		return FamilyBinary
	case o == OpIpAddress || o == OpNotIpAddress:
		return FamilyIP
	case o >= OpArnEquals && o <= OpArnNotLike:
		return FamilyARN
	case o == OpNull:
		return FamilyNull
	}
	return 0
}

// Negated reports the operators that require the key not to match: with several
// values they are a NOR, and a missing key satisfies them.
func (o BaseOp) Negated() bool {
	switch o {
	case OpStringNotEquals, OpStringNotEqualsIgnoreCase, OpStringNotLike, OpNumericNotEquals,
		OpDateNotEquals, OpNotIpAddress, OpArnNotEquals, OpArnNotLike:
		return true
	}
	return false
}

// positive returns the operator a negated operator negates.
func (o BaseOp) positive() BaseOp {
	switch o {
	case OpStringNotEquals:
		return OpStringEquals
	case OpStringNotEqualsIgnoreCase:
		return OpStringEqualsIgnoreCase
	case OpStringNotLike:
		return OpStringLike
	case OpNumericNotEquals:
		return OpNumericEquals
	case OpDateNotEquals:
		return OpDateEquals
	case OpNotIpAddress:
		return OpIpAddress
	case OpArnNotEquals:
		return OpArnEquals
	case OpArnNotLike:
		return OpArnLike
	}
	return o
}

// SupportsVariables reports whether policy variables are substituted in the
// operator's values: the string and ARN operators only.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func (o BaseOp) SupportsVariables() bool {
	f := o.Family()
	return f == FamilyString || f == FamilyARN
}

// SetQualifier is ForAllValues or ForAnyValue.
type SetQualifier uint8

// Set qualifiers.
const (
	SetNone SetQualifier = iota
	ForAllValues
	ForAnyValue
)

func (q SetQualifier) String() string {
	return [...]string{"", "ForAllValues", "ForAnyValue"}[q]
}

// Operator is a parsed condition operator name.
type Operator struct {
	Base     BaseOp
	IfExists bool
	Set      SetQualifier
}

func (o Operator) String() string {
	s := o.Base.String()
	if o.IfExists {
		s += "IfExists"
	}
	if o.Set != SetNone {
		s = o.Set.String() + ":" + s
	}
	return s
}

var opByLower = func() map[string]BaseOp {
	m := make(map[string]BaseOp, numOps)
	for o := OpStringEquals; o < numOps; o++ {
		m[strings.ToLower(opNames[o])] = o
	}
	return m
}()

// ParseOperator reads a condition operator such as
// "ForAnyValue:StringLikeIfExists". Names are matched without regard to case.
// Null takes no IfExists suffix.
func ParseOperator(name string) (Operator, error) {
	var op Operator
	rest := name
	if q, after, ok := strings.Cut(name, ":"); ok {
		switch strings.ToLower(q) {
		case "forallvalues":
			op.Set = ForAllValues
		case "foranyvalue":
			op.Set = ForAnyValue
		default:
			return op, fmt.Errorf("Invalid condition operator %q: the set qualifier must be ForAllValues or ForAnyValue.", name)
		}
		rest = after
	}
	l := strings.ToLower(rest)
	if b, ok := opByLower[l]; ok {
		op.Base = b
		return op, nil
	}
	if base, ok := strings.CutSuffix(l, "ifexists"); ok {
		if b, ok := opByLower[base]; ok && b != OpNull {
			op.Base, op.IfExists = b, true
			return op, nil
		}
	}
	return op, fmt.Errorf("Invalid condition operator %q.", name)
}
