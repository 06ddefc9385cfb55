package orgs

import (
	"encoding/hex"
	"fmt"
	"github.com/cleanroom-dev/cleanroom/internal/awsid"
	"io"
	"strings"
)

// Identifier formats, as Organizations issues them and as the API model's
// patterns accept them
// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
// and the pages of Root, OrganizationalUnit, PolicySummary,
// CreateAccountStatus):
//
//	organization  o-[a-z0-9]{10}          (the model accepts 10 to 32)
//	root          r-[0-9a-z]{4}           (4 to 32)
//	OU            ou-RRRR-[a-z0-9]{8}     RRRR the root's suffix (4 to 32, 8 to 32)
//	policy        p-[0-9a-z]{8}           (the model accepts p-[0-9a-zA-Z_]{8,128})
//	create account request  car-[a-z0-9]{32} (8 to 32)
//	account       12 digits
//
// AWS managed policies have ids made of their names: p-FullAWSAccess,
// p-RCPFullAWSAccess.
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomID draws n characters of idAlphabet from r. 256 is not a multiple
// of 36, so bytes past the last whole multiple (252) are drawn again to keep
// every character equally likely.
func randomID(r io.Reader, n int) (string, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+4)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("orgs: reading random bytes: %w", err)
		}
		for _, b := range buf {
			if b >= 252 {
				continue
			}
			out = append(out, idAlphabet[int(b)%len(idAlphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out), nil
}

func (s *Service) newOrgID() (string, error) {
	x, err := randomID(s.rand, 10)
	return "o-" + x, err
}

func (s *Service) newRootID() (string, error) {
	x, err := randomID(s.rand, 4)
	return "r-" + x, err
}

// newOUID makes an OU id under the root rootID: ou-RRRR-xxxxxxxx, where RRRR
// is the root id's suffix, as Organizations makes them.
func (s *Service) newOUID(rootID string) (string, error) {
	x, err := randomID(s.rand, 8)
	return "ou-" + strings.TrimPrefix(rootID, "r-") + "-" + x, err
}

func (s *Service) newPolicyID() (string, error) {
	x, err := randomID(s.rand, 8)
	return "p-" + x, err
}

func (s *Service) newCARID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("orgs: reading random bytes: %w", err)
	}
	return "car-" + hex.EncodeToString(b[:]), nil
}

// newUUID returns an event id: a version 7 UUID, time-ordered as the
// server's event ids are (see awsid.UUIDv7).
func (s *Service) newUUID() (string, error) { return awsid.UUIDv7(s.rand, s.now()) }

// IDKind is the kind of entity an identifier names.
type IDKind uint8

// Kinds of identifiers.
const (
	KindInvalid IDKind = iota
	KindOrganization
	KindRoot
	KindOU
	KindAccount
	KindPolicy
	KindCreateAccountRequest
)

// String names the kind.
func (k IDKind) String() string {
	return [...]string{"invalid", "organization", "root", "organizational unit", "account", "policy", "create account request"}[k]
}

// ParseID tells which kind of entity id names, by the API model's patterns:
// o-[a-z0-9]{10,32}, r-[0-9a-z]{4,32}, ou-[0-9a-z]{4,32}-[a-z0-9]{8,32},
// \d{12}, p-[0-9a-zA-Z_]{8,128}, car-[a-z0-9]{8,32}. It returns KindInvalid
// for anything else.
func ParseID(id string) IDKind {
	switch {
	case isAccountID(id):
		return KindAccount
	case strings.HasPrefix(id, "o-"):
		if lowerAlnum(id[2:], 10, 32) {
			return KindOrganization
		}
	case strings.HasPrefix(id, "r-"):
		if lowerAlnum(id[2:], 4, 32) {
			return KindRoot
		}
	case strings.HasPrefix(id, "ou-"):
		a, b, ok := strings.Cut(id[3:], "-")
		if ok && lowerAlnum(a, 4, 32) && lowerAlnum(b, 8, 32) {
			return KindOU
		}
	case strings.HasPrefix(id, "p-"):
		if policyIDChars(id[2:]) {
			return KindPolicy
		}
	case strings.HasPrefix(id, "car-"):
		if lowerAlnum(id[4:], 8, 32) {
			return KindCreateAccountRequest
		}
	}
	return KindInvalid
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func lowerAlnum(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func policyIDChars(s string) bool {
	if len(s) < 8 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ARN builders. Organizations' ARNs name the management account and the
// organization: "ARN formats" in
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html#awsorganizations-resources-for-iam-policies.

// OrganizationARN is arn:aws:organizations::MGMT:organization/o-....
func OrganizationARN(mgmt, orgID string) string {
	return "arn:aws:organizations::" + mgmt + ":organization/" + orgID
}

// RootARN is arn:aws:organizations::MGMT:root/o-.../r-....
func RootARN(mgmt, orgID, rootID string) string {
	return "arn:aws:organizations::" + mgmt + ":root/" + orgID + "/" + rootID
}

// OUARN is arn:aws:organizations::MGMT:ou/o-.../ou-....
func OUARN(mgmt, orgID, ouID string) string {
	return "arn:aws:organizations::" + mgmt + ":ou/" + orgID + "/" + ouID
}

// AccountARN is arn:aws:organizations::MGMT:account/o-.../ACCOUNT.
func AccountARN(mgmt, orgID, account string) string {
	return "arn:aws:organizations::" + mgmt + ":account/" + orgID + "/" + account
}

// PolicyARN is the ARN of a policy: for a customer managed policy
// arn:aws:organizations::MGMT:policy/o-.../service_control_policy/p-...,
// for an AWS managed one (whose id is not of the p-[0-9a-z]{8} form, e.g.
// p-FullAWSAccess) arn:aws:organizations::aws:policy/TYPE/p-....
func PolicyARN(mgmt, orgID, policyType, policyID string) string {
	t := strings.ToLower(policyType)
	if isAWSManagedID(policyID) {
		return "arn:aws:organizations::aws:policy/" + t + "/" + policyID
	}
	return "arn:aws:organizations::" + mgmt + ":policy/" + orgID + "/" + t + "/" + policyID
}

// isAWSManagedID reports the ids of AWS managed policies.
func isAWSManagedID(id string) bool { return id == idFullAWSAccess || id == idRCPFullAWSAccess }
