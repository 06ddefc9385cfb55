package policy

import "fmt"

// SizeKind names a size quota on policy documents.
type SizeKind uint8

// Policy size quotas, from "IAM and AWS STS quotas"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
// and "Quotas and service limits for AWS Organizations"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
const (
	SizeManaged       SizeKind = iota + 1 // a customer managed policy: 6,144 characters
	SizeUserInline                        // all inline policies of a user together: 2,048
	SizeGroupInline                       // all inline policies of a group together: 5,120
	SizeRoleInline                        // all inline policies of a role together: 10,240
	SizeTrust                             // a role trust policy: 2,048
	SizeSession                           // an inline session policy: 2,048
	SizeOrganizations                     // an SCP or RCP: 5,120, whitespace included
)

// Limit returns the quota in characters.
func (k SizeKind) Limit() int {
	switch k {
	case SizeManaged:
		return 6144
	case SizeUserInline, SizeTrust, SizeSession:
		return 2048
	case SizeGroupInline, SizeOrganizations:
		return 5120
	case SizeRoleInline:
		return 10240
	}
	return 0
}

// CountsWhitespace reports whether the quota counts whitespace. IAM does not
// count whitespace in policy sizes; Organizations counts every character.
func (k SizeKind) CountsWhitespace() bool { return k == SizeOrganizations || k == SizeSession }

func (k SizeKind) String() string {
	return [...]string{"", "managed policy", "user inline policies", "group inline policies",
		"role inline policies", "role trust policy", "session policy", "organization policy"}[k]
}

// SizeError reports a document or set of documents over a quota.
type SizeError struct {
	Kind  SizeKind
	Size  int
	Limit int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("%s size %d exceeds the quota of %d characters", e.Kind, e.Size, e.Limit)
}

func (e *SizeError) Unwrap() error { return ErrTooLarge }

// SizeFor returns the size of p as quota k counts it.
func (p *Policy) SizeFor(k SizeKind) int {
	if k.CountsWhitespace() {
		return p.Size
	}
	return p.SizeNoWhitespace
}

// CheckSize checks one or more documents against quota k; for the inline
// quotas pass every inline policy of the identity, since they count together.
func CheckSize(k SizeKind, docs ...*Policy) error {
	total := 0
	for _, p := range docs {
		total += p.SizeFor(k)
	}
	if total > k.Limit() {
		return &SizeError{Kind: k, Size: total, Limit: k.Limit()}
	}
	return nil
}
