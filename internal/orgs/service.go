package orgs

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/account"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// RoleMaker creates, in a member account that Organizations has just
// created, the role through which the management account administers it
// (OrganizationAccountAccessRole unless CreateAccount names another). The
// server implements it with package iam (CreateRole, then AttachRolePolicy
// for each of ManagedPolicyARNs).
//
// It is called after the transaction that creates the account has
// committed, and may be called again for the same account (after an error,
// or by Resume after a restart): it must succeed when the role already
// exists with the policies attached.
type RoleMaker interface {
	CreateAccessRole(ctx context.Context, account string, role AccessRole) error
}

// AccessRole is the role CreateAccount asks a RoleMaker to create.
type AccessRole struct {
	// Name is the role name (path "/").
	Name string
	// TrustPolicy is the role's trust policy: the management account
	// (arn:aws:iam::MGMT:root) may call sts:AssumeRole.
	TrustPolicy string
	// ManagedPolicyARNs are the managed policies to attach:
	// arn:aws:iam::aws:policy/AdministratorAccess.
	ManagedPolicyARNs []string
}

// DefaultAccessRoleName is the role CreateAccount creates when the request
// names none.
const DefaultAccessRoleName = "OrganizationAccountAccessRole"

// AdministratorAccessARN is the policy attached to the access role.
const AdministratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// Quotas are Organizations' quotas that AWS lets customers raise. Zero
// fields take AWS's defaults from "Quotas and service limits for AWS
// Organizations"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
type Quotas struct {
	Accounts            int // accounts in an organization, the management account included: 10
	OrganizationalUnits int // OUs in an organization: 2000
	SCPs                int // service control policies in an organization: 10,000
	RCPs                int // resource control policies in an organization: 1000
}

func (q Quotas) withDefaults() Quotas {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&q.Accounts, 10)
	def(&q.OrganizationalUnits, 2000)
	def(&q.SCPs, 10000)
	def(&q.RCPs, 1000)
	return q
}

// Fixed quotas (same page).
const (
	maxOUDepth        = 5  // "OU maximum nesting in a root: five levels of OUs deep under a root"
	maxAttachedOfType = 5  // "Maximum number of policies attached to root, OU, or account": 5 of each type
	maxTags           = 50 // tags per resource
)

// Options configures a Service.
type Options struct {
	Store store.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of ids; nil means crypto/rand.
	Rand io.Reader
	// Logger receives operational messages; nil discards them.
	Logger *slog.Logger
	// Accounts creates the member accounts; required.
	Accounts *account.Registry
	// IAM creates the access role in new accounts; required.
	IAM RoleMaker
	// Catalog provides the AWS managed policies FullAWSAccess and
	// RCPFullAWSAccess; nil means catalog.Default().
	Catalog *catalog.Catalog
	// Quotas overrides the adjustable quotas.
	Quotas Quotas
	// CacheCheckInterval is how long the request-path cache trusts the
	// store generation it last read, as in package iam: writes through this
	// Service invalidate it at once, changes committed elsewhere are seen
	// within the interval. Zero means one second; negative reads the
	// generation on every lookup.
	CacheCheckInterval time.Duration
}

// Service is AWS Organizations' model and rules over a store.Store. Its
// methods take the account id of the caller; IAM authorization of the call
// is the caller's business, Organizations' own rules (management account
// only, membership) are the Service's. A Service is safe for concurrent
// use.
type Service struct {
	store    store.Store
	now      func() time.Time
	rand     io.Reader
	log      *slog.Logger
	accounts *account.Registry
	roles    RoleMaker
	cat      *catalog.Catalog
	quotas   Quotas

	// managed holds the AWS managed policies by id, and defaults the one
	// attached everywhere when a policy type is enabled, by type.
	managed  map[string]*managedPolicy
	defaults map[string]*managedPolicy

	hot        atomic.Pointer[hotCache]
	checkEvery time.Duration
	compiled   policy.CompileCache

	// finishing holds the create account requests this process is
	// completing, so that Resume does not complete one twice at once.
	finishing sync.Map
}

// managedPolicy is an AWS managed policy of Organizations.
type managedPolicy struct {
	summary  PolicySummary
	content  string
	compiled *policy.Compiled
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.Store == nil {
		return nil, errors.New("orgs: Options.Store is required")
	}
	if o.Accounts == nil {
		return nil, errors.New("orgs: Options.Accounts is required")
	}
	if o.IAM == nil {
		return nil, errors.New("orgs: Options.IAM is required")
	}
	s := &Service{store: o.Store, now: o.Now, rand: o.Rand, log: o.Logger, accounts: o.Accounts, roles: o.IAM,
		quotas: o.Quotas.withDefaults(), checkEvery: o.CacheCheckInterval}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	s.rand = &lockedReader{r: s.rand}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.checkEvery == 0 {
		s.checkEvery = time.Second
	}
	cat := o.Catalog
	if cat == nil {
		cat = catalog.Default()
	}
	s.cat = cat
	if err := s.loadManaged(cat); err != nil {
		return nil, err
	}
	return s, nil
}

// Descriptions of the AWS managed policies, as Organizations reports them.
var managedDescriptions = map[string]string{
	idFullAWSAccess:    "Allows access to every operation",
	idRCPFullAWSAccess: "Allows access to every operation",
}

const (
	idFullAWSAccess    = "p-FullAWSAccess"
	idRCPFullAWSAccess = "p-RCPFullAWSAccess"
)

func (s *Service) loadManaged(cat *catalog.Catalog) error {
	s.managed = make(map[string]*managedPolicy)
	s.defaults = make(map[string]*managedPolicy)
	for _, c := range []struct{ id, typ string }{{idFullAWSAccess, PolicyTypeSCP}, {idRCPFullAWSAccess, PolicyTypeRCP}} {
		m, ok := cat.ManagedPolicy(c.id)
		if !ok {
			return fmt.Errorf("orgs: the catalog lacks the AWS managed policy %s", c.id)
		}
		doc := string(m.Default().Document)
		p, err := policy.Parse([]byte(doc), policyTypes[c.typ])
		if err != nil {
			return fmt.Errorf("orgs: AWS managed policy %s: %w", c.id, err)
		}
		mp := &managedPolicy{
			summary: PolicySummary{ID: c.id, ARN: m.ARN, Name: m.Name, Description: managedDescriptions[c.id], Type: c.typ, AWSManaged: true},
			content: doc,
		}
		mp.compiled = policy.Compile(p, m.ARN)
		s.managed[c.id] = mp
		s.defaults[c.typ] = mp
	}
	return nil
}

// clock returns the current time in UTC, to the millisecond.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// lockedReader serializes reads: io.Readers other than crypto/rand (a
// seeded source in tests) are not safe for concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return io.ReadFull(l.r, p)
}

// Record kinds in the store. Global records (Account "") map accounts and
// e-mail addresses to organizations; everything else lives under the
// management account's id.
const (
	kindOrg        = "orgs/organization" // global; ID: organization id
	kindMembership = "orgs/membership"   // global; ID: account id
	kindEmail      = "orgs/email"        // global; ID: lower-cased e-mail address
	kindAccount    = "orgs/account"      // ID: account id
	kindOU         = "orgs/ou"           // ID: OU id
	kindChild      = "orgs/child"        // ID: parent id "/" child id
	kindPolicy     = "orgs/policy"       // ID: policy id (customer managed)
	kindPolicyName = "orgs/policy-name"  // ID: policy type "/" name
	kindAttachment = "orgs/attachment"   // ID: target id "/" policy id
	kindTarget     = "orgs/target"       // ID: policy id "/" target id
	kindCAR        = "orgs/create-account-request"
)

// Tag is a key-value tag on a root, OU, account or policy. Keys are
// case-sensitive.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type orgRec struct {
	ID         string    `json:"id"`
	Mgmt       string    `json:"mgmt"`
	MgmtEmail  string    `json:"mgmtEmail"`
	FeatureSet string    `json:"featureSet"`
	RootID     string    `json:"rootId"`
	RootName   string    `json:"rootName"`
	Enabled    []string  `json:"enabled,omitempty"` // policy types enabled on the root, in the order enabled
	RootTags   []Tag     `json:"rootTags,omitempty"`
	Created    time.Time `json:"created"`
}

func (o *orgRec) enabled(typ string) bool {
	for _, t := range o.Enabled {
		if t == typ {
			return true
		}
	}
	return false
}

type membershipRec struct {
	Org  string `json:"org"`
	Mgmt string `json:"mgmt"`
}

type emailRec struct {
	Account string `json:"account"`
}

type accountRec struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Email  string    `json:"email"`
	Parent string    `json:"parent"`
	Method string    `json:"method"`
	Status string    `json:"status"`
	Joined time.Time `json:"joined"`
	Tags   []Tag     `json:"tags,omitempty"`
}

type ouRec struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Parent  string    `json:"parent"`
	Created time.Time `json:"created"`
	Tags    []Tag     `json:"tags,omitempty"`
}

type policyRec struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Type        string    `json:"type"`
	Content     string    `json:"content"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	Tags        []Tag     `json:"tags,omitempty"`
}

type policyNameRec struct {
	ID string `json:"id"`
}

type attachmentRec struct {
	Type string `json:"type"`
}

type carRec struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	State     string    `json:"state"`
	Requested time.Time `json:"requested"`
	Completed time.Time `json:"completed,omitzero"`
	Account   string    `json:"account,omitempty"`
	Failure   string    `json:"failure,omitempty"`
	RoleName  string    `json:"roleName,omitempty"`
}

func key(account, kind, id string) store.Key { return store.Key{Account: account, Kind: kind, ID: id} }

// Audit builds the audit event of one write, as in package iam: the server
// supplies it, the Service calls it inside the transaction with the
// operation's result (the value the method returns, or nil) and appends the
// event in the same transaction. A store may run a transaction more than
// once, so the function must be free of side effects.
//
// The Service fills what the returned event leaves empty: ID, Time,
// Account (the caller's), Source ("organizations.amazonaws.com"), Name (the
// operation), Resources and Data (a minimal CloudTrail record). A nil Audit
// appends such a minimal event.
type Audit func(result any) store.Event

// Source is the eventSource of Organizations' audit events.
const Source = "organizations.amazonaws.com"

// CloudTrail resource types of Organizations' entities (their
// CloudFormation type names; roots have none, and are named like the
// others).
const (
	resOrganization = "AWS::Organizations::Organization"
	resRoot         = "AWS::Organizations::Root"
	resOU           = "AWS::Organizations::OrganizationalUnit"
	resAccount      = "AWS::Organizations::Account"
	resPolicy       = "AWS::Organizations::Policy"
)

func res(typ, name string) store.EventResource { return store.EventResource{Type: typ, Name: name} }

func (s *Service) appendEvent(ctx context.Context, tx store.Tx, account, op string, resources []store.EventResource, audit Audit, result any) error {
	var e store.Event
	if audit != nil {
		e = audit(result)
	}
	if e.Account == "" {
		e.Account = account
	}
	if e.Name == "" {
		e.Name = op
	}
	if e.Resources == nil {
		e.Resources = resources
	}
	return s.fillAndAppend(ctx, tx, e, "AwsApiCall", nil)
}

// fillAndAppend completes an event and appends it. extra holds fields of
// the minimal CloudTrail record beyond the common ones.
func (s *Service) fillAndAppend(ctx context.Context, tx store.Tx, e store.Event, eventType string, extra map[string]any) error {
	if e.ID == "" {
		id, err := s.newUUID()
		if err != nil {
			return err
		}
		e.ID = id
	}
	if e.Time.IsZero() {
		e.Time = s.now().UTC()
	}
	if e.Source == "" {
		e.Source = Source
	}
	if e.Data == nil {
		m := map[string]any{
			"eventVersion":       "1.08",
			"eventTime":          e.Time.Format(time.RFC3339),
			"eventSource":        e.Source,
			"eventName":          e.Name,
			"awsRegion":          "us-east-1",
			"eventID":            e.ID,
			"readOnly":           e.ReadOnly,
			"eventType":          eventType,
			"managementEvent":    true,
			"recipientAccountId": e.Account,
			"eventCategory":      "Management",
		}
		for k, v := range extra {
			m[k] = v
		}
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("orgs: encoding event: %w", err)
		}
		e.Data = data
	}
	if err := tx.Append(ctx, e); err != nil {
		return fmt.Errorf("orgs: appending event: %w", err)
	}
	return nil
}

// write runs fn in one transaction and appends its audit event: op is the
// operation, resources the entities it names (fn may add to them), and
// *result the value the Audit receives (read after fn returns).
func (s *Service) write(ctx context.Context, caller, op string, resources *[]store.EventResource, audit Audit, result *any, fn func(tx store.Tx) error) error {
	err := s.store.Update(ctx, func(tx store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		var r any
		if result != nil {
			r = *result
		}
		var rs []store.EventResource
		if resources != nil {
			rs = *resources
		}
		return s.appendEvent(ctx, tx, caller, op, rs, audit, r)
	})
	if err == nil {
		s.hot.Store(nil)
	}
	return err
}

func (s *Service) view(ctx context.Context, fn func(r store.Reader) error) error {
	return s.store.View(ctx, fn)
}

// orgOf returns the organization account belongs to, or nil.
func orgOf(ctx context.Context, r store.Reader, account string) (*orgRec, error) {
	m, err := storejson.Get[membershipRec](ctx, r, key("", kindMembership, account))
	if err != nil || m == nil {
		return nil, err
	}
	o, err := storejson.Get[orgRec](ctx, r, key("", kindOrg, m.Org))
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, fmt.Errorf("orgs: account %s belongs to organization %s, which does not exist", account, m.Org)
	}
	return o, nil
}

// callerOrg returns the caller's organization: AWSOrganizationsNotInUse
// when the caller belongs to none, AccessDenied when mgmtOnly and the caller
// is a member account ("This operation can be called only from the
// organization's management account", on the pages of the operations that
// say so).
func callerOrg(ctx context.Context, r store.Reader, caller string, mgmtOnly bool) (*orgRec, error) {
	o, err := orgOf(ctx, r, caller)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, clone(errNotInUse)
	}
	if mgmtOnly && o.Mgmt != caller {
		return nil, clone(errAccessDenied)
	}
	return o, nil
}
