package orgs

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// Policy types that cleanroom's Organizations serves (PolicyType in the API
// model lists the others, which CreatePolicy and EnablePolicyType refuse
// with PolicyTypeNotAvailableForOrganizationException: cleanroom enforces
// no tag, backup or other management policies).
const (
	PolicyTypeSCP = "SERVICE_CONTROL_POLICY"
	PolicyTypeRCP = "RESOURCE_CONTROL_POLICY"
)

// policyTypes maps the served policy types to the grammar package policy
// checks them with.
var policyTypes = map[string]policy.Type{
	PolicyTypeSCP: policy.TypeSCP,
	PolicyTypeRCP: policy.TypeRCP,
}

// knownPolicyTypes are the other values of the PolicyType enum.
var knownPolicyTypes = map[string]bool{
	"TAG_POLICY": true, "BACKUP_POLICY": true, "AISERVICES_OPT_OUT_POLICY": true, "CHATBOT_POLICY": true,
	"DECLARATIVE_POLICY_EC2": true, "SECURITYHUB_POLICY": true, "INSPECTOR_POLICY": true,
	"UPGRADE_ROLLOUT_POLICY": true, "BEDROCK_POLICY": true, "S3_POLICY": true, "NETWORK_SECURITY_DIRECTOR_POLICY": true,
}

// checkPolicyType validates a policy type parameter: an unknown value is
// InvalidInputException (INVALID_ENUM_POLICY_TYPE), a type cleanroom does
// not serve PolicyTypeNotAvailableForOrganizationException.
func checkPolicyType(t string) error {
	if _, ok := policyTypes[t]; ok {
		return nil
	}
	if t == "" {
		return invalidInput(ReasonInputRequired, "You must specify a value for the policy type.")
	}
	if knownPolicyTypes[t] {
		return clone(errTypeNotAvailable)
	}
	return invalidInput(ReasonInvalidEnumPolicyType, "You specified an invalid policy type: %s.", t)
}

// Values of the model's enums.
const (
	FeatureSetAll                 = "ALL"
	FeatureSetConsolidatedBilling = "CONSOLIDATED_BILLING"

	PolicyTypeStatusEnabled = "ENABLED"

	TargetTypeAccount = "ACCOUNT"
	TargetTypeOU      = "ORGANIZATIONAL_UNIT"
	TargetTypeRoot    = "ROOT"

	ChildTypeAccount = "ACCOUNT"
	ChildTypeOU      = "ORGANIZATIONAL_UNIT"

	ParentTypeRoot = "ROOT"
	ParentTypeOU   = "ORGANIZATIONAL_UNIT"

	AccountStatusActive = "ACTIVE"
	AccountStateActive  = "ACTIVE"

	JoinedMethodInvited = "INVITED"
	JoinedMethodCreated = "CREATED"

	CreateAccountInProgress = "IN_PROGRESS"
	CreateAccountSucceeded  = "SUCCEEDED"
	CreateAccountFailed     = "FAILED"

	FailureEmailAlreadyExists = "EMAIL_ALREADY_EXISTS"
	FailureInternal           = "INTERNAL_FAILURE"
)

// Organization is DescribeOrganization's answer.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
type Organization struct {
	ID                 string
	ARN                string
	FeatureSet         string
	MasterAccountARN   string
	MasterAccountID    string
	MasterAccountEmail string
	// AvailablePolicyTypes is deprecated in the API; it reports the policy
	// types enabled on the root.
	AvailablePolicyTypes []PolicyTypeSummary
}

// PolicyTypeSummary is a policy type and its status on a root.
type PolicyTypeSummary struct {
	Type   string
	Status string
}

// Root is the root of an organization.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Root.html
type Root struct {
	ID          string
	ARN         string
	Name        string
	PolicyTypes []PolicyTypeSummary
}

// Account is a member of an organization.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
type Account struct {
	ID              string
	ARN             string
	Email           string
	Name            string
	Status          string
	State           string
	JoinedMethod    string
	JoinedTimestamp time.Time
	// Paths is the account's path in the organization:
	// o-.../r-.../ou-.../ACCOUNT/.
	Paths []string
}

// OrganizationalUnit is an OU.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
type OrganizationalUnit struct {
	ID   string
	ARN  string
	Name string
	// Path is o-.../r-.../ou-.../ (ending with the OU's own id).
	Path string
}

// PolicySummary describes a policy without its content.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_PolicySummary.html
type PolicySummary struct {
	ID          string
	ARN         string
	Name        string
	Description string
	Type        string
	AWSManaged  bool
}

// Policy is a policy with its content.
type Policy struct {
	PolicySummary
	Content string
}

// PolicyTargetSummary is a root, OU or account a policy is attached to.
type PolicyTargetSummary struct {
	TargetID string
	ARN      string
	Name     string
	Type     string
}

// CreateAccountStatus is the state of a CreateAccount request.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccountStatus.html
type CreateAccountStatus struct {
	ID                 string
	AccountName        string
	State              string
	RequestedTimestamp time.Time
	// CompletedTimestamp is zero while the request is in progress.
	CompletedTimestamp time.Time
	// AccountID is set once the account exists.
	AccountID     string
	FailureReason string
}

// Child is a child of a root or OU.
type Child struct {
	ID   string
	Type string
}

// Parent is the parent of an OU or account.
type Parent struct {
	ID   string
	Type string
}

// Page selects one page of a listing: NextToken from the previous page (""
// for the first) and MaxResults, 1 to 20 (0 means 20).
type Page struct {
	NextToken  string
	MaxResults int
}

// ListPage is one page of a listing; NextToken is "" on the last page.
type ListPage[T any] struct {
	Items     []T
	NextToken string
}

// Page size bounds (MaxResults in the API model: 1 to 20).
const (
	maxPageSize     = 20
	defaultPageSize = 20
)

// paginate returns one page of items, which are sorted by key (strictly
// increasing). Tokens are the key of the last item returned.
func paginate[T any](items []T, key func(T) string, p Page) (ListPage[T], error) {
	size := p.MaxResults
	switch {
	case size == 0:
		size = defaultPageSize
	case size < 1:
		return ListPage[T]{}, invalidInput(ReasonMinValueExceeded, "You provided a value for MaxResults that is less than the minimum of 1.")
	case size > maxPageSize:
		return ListPage[T]{}, invalidInput(ReasonMaxValueExceeded, "You provided a value for MaxResults that is greater than the maximum of %d.", maxPageSize)
	}
	start := 0
	if p.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(p.NextToken)
		if err != nil || len(b) == 0 {
			return ListPage[T]{}, invalidInput(ReasonInvalidNextToken, "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.")
		}
		after := string(b)
		for start < len(items) && key(items[start]) <= after {
			start++
		}
	}
	end := start + size
	if end >= len(items) {
		page := items[start:]
		if page == nil {
			page = []T{}
		}
		return ListPage[T]{Items: page}, nil
	}
	return ListPage[T]{Items: items[start:end], NextToken: base64.RawURLEncoding.EncodeToString([]byte(key(items[end-1])))}, nil
}

func typeSummaries(enabled []string) []PolicyTypeSummary {
	out := make([]PolicyTypeSummary, 0, len(enabled))
	for _, t := range enabled {
		out = append(out, PolicyTypeSummary{Type: t, Status: PolicyTypeStatusEnabled})
	}
	return out
}

func (o *orgRec) view() *Organization {
	return &Organization{
		ID: o.ID, ARN: OrganizationARN(o.Mgmt, o.ID), FeatureSet: o.FeatureSet,
		MasterAccountARN: AccountARN(o.Mgmt, o.ID, o.Mgmt), MasterAccountID: o.Mgmt, MasterAccountEmail: o.MgmtEmail,
		AvailablePolicyTypes: typeSummaries(o.Enabled),
	}
}

func (o *orgRec) root() Root {
	return Root{ID: o.RootID, ARN: RootARN(o.Mgmt, o.ID, o.RootID), Name: o.RootName, PolicyTypes: typeSummaries(o.Enabled)}
}

func (c *carRec) view() *CreateAccountStatus {
	return &CreateAccountStatus{ID: c.ID, AccountName: c.Name, State: c.State, RequestedTimestamp: c.Requested,
		CompletedTimestamp: c.Completed, AccountID: c.Account, FailureReason: c.Failure}
}

func (p *policyRec) summary(o *orgRec) PolicySummary {
	return PolicySummary{ID: p.ID, ARN: PolicyARN(o.Mgmt, o.ID, p.Type, p.ID), Name: p.Name, Description: p.Description, Type: p.Type}
}

func (p *policyRec) view(o *orgRec) *Policy {
	return &Policy{PolicySummary: p.summary(o), Content: p.Content}
}

func (m *managedPolicy) view() *Policy { return &Policy{PolicySummary: m.summary, Content: m.content} }

// String helps tests and logs.
func (c CreateAccountStatus) String() string {
	return fmt.Sprintf("%s %s %s account=%s failure=%s", c.ID, c.AccountName, c.State, c.AccountID, c.FailureReason)
}
