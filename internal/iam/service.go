package iam

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Sealer encrypts secrets before they reach the store (package secretbox
// implements it with AES-GCM). aad binds the ciphertext to its record: the
// access key id for a secret access key, the serial number for an MFA seed.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// Quotas are the account-level IAM quotas. Zero fields take AWS's defaults
// from "IAM and AWS STS quotas"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html);
// AWS lets customers raise some of them, and so does this struct.
type Quotas struct {
	UsersPerAccount    int // 5000
	GroupsPerAccount   int // 300
	RolesPerAccount    int // 1000
	PoliciesPerAccount int // customer managed policies: 1500
	OIDCProviders      int // OpenID Connect providers: 100
}

func (q Quotas) withDefaults() Quotas {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&q.UsersPerAccount, 5000)
	def(&q.GroupsPerAccount, 300)
	def(&q.RolesPerAccount, 1000)
	def(&q.PoliciesPerAccount, 1500)
	def(&q.OIDCProviders, 100)
	return q
}

// Per-entity quotas, fixed by AWS (same page).
const (
	maxAttachedPolicies = 10 // managed policies per user, group, role
	maxGroupsPerUser    = 10
	maxAccessKeys       = 2
	maxPolicyVersions   = 5
	maxTags             = 50
	maxMFAPerUser       = 8
	maxClientIDs        = 100
	maxThumbprints      = 5
)

// Options configures a Service.
type Options struct {
	Store store.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Sealer encrypts secret access keys and MFA seeds; required.
	Sealer Sealer
	// Catalog provides the AWS managed policies; nil means catalog.Default().
	Catalog *catalog.Catalog
	// Rand is the source of ids and secrets; nil means crypto/rand.
	Rand io.Reader
	// Logger receives operational messages (never secrets); nil discards.
	Logger *slog.Logger
	// Quotas overrides account-level quotas.
	Quotas Quotas
	// CacheCheckInterval is how long the request-path cache trusts the
	// store generation it last read before reading it again (reading it is
	// a query on some backends). Writes made through this Service
	// invalidate the cache at once; changes committed elsewhere (another
	// node, an admin process) are seen within the interval, as IAM's own
	// changes propagate "eventually". Zero means one second; a negative
	// value reads the generation on every lookup.
	CacheCheckInterval time.Duration
}

// Service is IAM's resource model and rules, over a store.Store. Its
// methods take the account id they act in; authorization is the caller's
// business (package iamapi asks before it calls). A Service is safe for
// concurrent use.
type Service struct {
	store  store.Store
	now    func() time.Time
	sealer Sealer
	cat    *catalog.Catalog
	rand   io.Reader // serialized: see lockedReader
	log    *slog.Logger
	quotas Quotas

	awsPolicies     map[string]*awsPolicy // by ARN
	awsPolicyByName []*awsPolicy          // sorted by name

	hot        atomic.Pointer[hotCache]
	checkEvery time.Duration
	compiled   policy.CompileCache
	keyUse     keyUseTracker
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.Store == nil {
		return nil, errors.New("iam: Options.Store is required")
	}
	if o.Sealer == nil {
		return nil, errors.New("iam: Options.Sealer is required")
	}
	s := &Service{store: o.Store, now: o.Now, sealer: o.Sealer, cat: o.Catalog, rand: o.Rand, log: o.Logger, quotas: o.Quotas.withDefaults(), checkEvery: o.CacheCheckInterval}
	if s.checkEvery == 0 {
		s.checkEvery = time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cat == nil {
		s.cat = catalog.Default()
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	s.rand = &lockedReader{r: s.rand}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.loadAWSPolicies()
	s.keyUse.init()
	return s, nil
}

// clock returns the current time in UTC, to the second as IAM reports it.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

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

// Record kinds in the store. Names are stored under their lower-cased form
// (IAM names are unique without regard to case: "you cannot create resources
// named both "MyResource" and "myresource""), so records list in
// case-insensitive name order.
const (
	kindUser        = "iam/user"
	kindGroup       = "iam/group"
	kindRole        = "iam/role"
	kindPolicy      = "iam/policy"          // customer managed policies
	kindAttachment  = "iam/attachment"      // ID: policy ARN \n entity kind \n lower name
	kindBoundaryUse = "iam/boundary-use"    // same shape as attachments
	kindMember      = "iam/group-member"    // ID: lower group \n lower user
	kindAccessKey   = "iam/access-key"      // global: ID is the access key id
	kindKeyUse      = "iam/access-key-used" // global: last use of an access key
	kindMFA         = "iam/virtual-mfa"     // ID: serial number
	kindOIDC        = "iam/oidc-provider"   // ID: host/path
	kindAccount     = "iam/account"         // ID: "settings"
	kindAlias       = "iam/account-alias"   // global: ID is the alias
)

// entityKind is the kind of an identity that holds policies.
type entityKind string

const (
	kindOfUser  entityKind = "user"
	kindOfGroup entityKind = "group"
	kindOfRole  entityKind = "role"
)

func (k entityKind) String() string { return string(k) }

func (k entityKind) storeKind() string {
	switch k {
	case kindOfUser:
		return kindUser
	case kindOfGroup:
		return kindGroup
	}
	return kindRole
}

// Tag is a key-value tag on a user, role, policy, OIDC provider or MFA
// device. Keys are unique without regard to case.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// InlinePolicy is an inline policy: its name and document (JSON text, as
// stored; the wire layer URL-encodes it in responses as IAM does).
type InlinePolicy struct {
	Name     string `json:"policyName"`
	Document string `json:"policyDocument"`
}

// entityRec is what users, groups and roles have in common.
type entityRec struct {
	Name     string         `json:"name"`
	ID       string         `json:"id"`
	Path     string         `json:"path"`
	Created  time.Time      `json:"created"`
	Tags     []Tag          `json:"tags,omitempty"`
	Inline   []InlinePolicy `json:"inline,omitempty"`   // sorted by name
	Attached []string       `json:"attached,omitempty"` // managed policy ARNs, in attachment order
	Boundary string         `json:"boundary,omitempty"` // permissions boundary policy ARN
}

type userRec struct {
	entityRec
	Groups     []string `json:"groups,omitempty"` // lower-cased group names, in join order
	AccessKeys []string `json:"accessKeys,omitempty"`
	MFA        []string `json:"mfa,omitempty"` // serial numbers
}

type groupRec struct {
	entityRec
}

type roleRec struct {
	entityRec
	Trust          string    `json:"trust"`
	Description    string    `json:"description,omitempty"`
	MaxSession     int       `json:"maxSession"`
	LastUsed       time.Time `json:"lastUsed,omitzero"`
	LastUsedRegion string    `json:"lastUsedRegion,omitempty"`
}

type versionRec struct {
	ID       string    `json:"id"`
	Document string    `json:"document"`
	Created  time.Time `json:"created"`
}

type policyRec struct {
	Name        string       `json:"name"`
	ID          string       `json:"id"`
	Path        string       `json:"path"`
	Description string       `json:"description,omitempty"`
	Created     time.Time    `json:"created"`
	Updated     time.Time    `json:"updated"`
	Default     string       `json:"default"`
	Next        int          `json:"next"` // number of the next version id
	Versions    []versionRec `json:"versions"`
	Tags        []Tag        `json:"tags,omitempty"`
}

type accessKeyRec struct {
	Account   string    `json:"account"`
	User      string    `json:"user,omitempty"` // user name; "" for the root user
	UserID    string    `json:"userId"`         // AIDA...; the account id for root
	Status    string    `json:"status"`
	Created   time.Time `json:"created"`
	Secret    []byte    `json:"secret"` // sealed with AAD = access key id
	UserLower string    `json:"userLower,omitempty"`
}

type keyUseRec struct {
	Time    time.Time `json:"time"`
	Service string    `json:"service"`
	Region  string    `json:"region"`
}

type mfaRec struct {
	Serial  string    `json:"serial"`
	Name    string    `json:"name"`
	Path    string    `json:"path"`
	Seed    []byte    `json:"seed"` // sealed with AAD = serial number
	Created time.Time `json:"created"`
	Tags    []Tag     `json:"tags,omitempty"`
	// User is the lower-cased name of the user the device is enabled for,
	// "" while unassigned.
	User    string    `json:"user,omitempty"`
	Enabled time.Time `json:"enabled,omitzero"`
	// Last is the last time step whose code was accepted (codes are not
	// accepted twice, RFC 6238 section 5.2); Drift is the clock offset in
	// time steps learnt by ResyncMFADevice.
	Last  int64 `json:"last"`
	Drift int64 `json:"drift,omitempty"`
}

type oidcRec struct {
	URL         string    `json:"url"` // host/path, without https://
	ClientIDs   []string  `json:"clientIds,omitempty"`
	Thumbprints []string  `json:"thumbprints,omitempty"`
	Created     time.Time `json:"created"`
	Tags        []Tag     `json:"tags,omitempty"`
}

type accountRec struct {
	Alias    string   `json:"alias,omitempty"`
	RootKeys []string `json:"rootKeys,omitempty"`
}

func lower(s string) string { return strings.ToLower(s) }

func key(account, kind, id string) store.Key { return store.Key{Account: account, Kind: kind, ID: id} }

// Audit builds the audit event of one write. The caller (the server, which
// knows the request, the caller and the source address) supplies it; the
// Service calls it inside the transaction with the operation's result —
// the value the method returns (for example a *User), or nil for methods
// that return none — and appends the event in the same transaction, so the
// change and its record commit together. A store may run a transaction more
// than once, so the function must be free of side effects.
//
// The Service fills what the returned event leaves empty: ID (a random
// UUID), Time (the clock), Account, Source ("iam.amazonaws.com"), Name (the
// operation, e.g. "CreateUser"), Resources (the entities the operation
// names) and Data (a minimal CloudTrail record). A nil Audit appends such a
// minimal event.
type Audit func(result any) store.Event

// res names an event resource.
func res(typ, name string) store.EventResource { return store.EventResource{Type: typ, Name: name} }

// CloudTrail resource types of IAM's entities.
const (
	resUser   = "AWS::IAM::User"
	resGroup  = "AWS::IAM::Group"
	resRole   = "AWS::IAM::Role"
	resPolicy = "AWS::IAM::Policy"
	resKey    = "AWS::IAM::AccessKey"
	resMFA    = "AWS::IAM::VirtualMFADevice"
	resOIDC   = "AWS::IAM::OIDCProvider"
)

func (s *Service) appendEvent(ctx context.Context, tx store.Tx, account, op string, resources []store.EventResource, audit Audit, result any) error {
	var e store.Event
	if audit != nil {
		e = audit(result)
	}
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
	if e.Account == "" {
		e.Account = account
	}
	if e.Source == "" {
		e.Source = "iam.amazonaws.com"
	}
	if e.Name == "" {
		e.Name = op
	}
	if e.Resources == nil {
		e.Resources = resources
	}
	if e.Data == nil {
		data, err := json.Marshal(map[string]any{
			"eventVersion":       "1.08",
			"eventTime":          e.Time.Format(time.RFC3339),
			"eventSource":        e.Source,
			"eventName":          e.Name,
			"awsRegion":          "us-east-1",
			"eventID":            e.ID,
			"readOnly":           false,
			"eventType":          "AwsApiCall",
			"managementEvent":    true,
			"recipientAccountId": e.Account,
			"eventCategory":      "Management",
		})
		if err != nil {
			return fmt.Errorf("iam: encoding event: %w", err)
		}
		e.Data = data
	}
	if err := tx.Append(ctx, e); err != nil {
		return fmt.Errorf("iam: appending event: %w", err)
	}
	return nil
}

// write runs fn in one transaction and appends its audit event: op is the
// IAM operation, resources the entities it names, and *result the value the
// Audit receives (read after fn returns).
func (s *Service) write(ctx context.Context, account, op string, resources []store.EventResource, audit Audit, result *any, fn func(tx store.Tx) error) error {
	err := s.store.Update(ctx, func(tx store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		var r any
		if result != nil {
			r = *result
		}
		return s.appendEvent(ctx, tx, account, op, resources, audit, r)
	})
	if err == nil {
		// This node's own changes are visible to its next lookup.
		s.hot.Store(nil)
	}
	return err
}

// view runs fn on a consistent snapshot.
func (s *Service) view(ctx context.Context, fn func(r store.Reader) error) error {
	return s.store.View(ctx, fn)
}

// ARN builders. Every entity ARN is arn:aws:iam::ACCOUNT:TYPE + path + name.
func entityARN(account, typ, path, name string) string {
	return "arn:aws:iam::" + account + ":" + typ + path + name
}

// upsertTags merges tags into existing ones: a tag whose key matches an
// existing key (case-insensitively) replaces it.
func upsertTags(existing, add []Tag) []Tag {
	out := append([]Tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

func removeTags(existing []Tag, keys []string) []Tag {
	var out []Tag
	for _, t := range existing {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

// checkTags validates the tags of a request: each key and value, no key
// twice (case-insensitively), at most 50 (TagUser, CreateUser ...:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating).
func checkTags(tags []Tag) error {
	if err := validate(func(v *validation) {
		if len(tags) > maxTags {
			v.add(tagsString(tags), "tags", fmt.Sprintf("Member must have length less than or equal to %d", maxTags))
			return
		}
		for i, t := range tags {
			v.tagKey(t.Key, fmt.Sprintf("tags.%d.member.key", i+1))
			v.tagValue(t.Value, fmt.Sprintf("tags.%d.member.value", i+1))
		}
	}); err != nil {
		return err
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		k := lower(t.Key)
		if seen[k] {
			return &Error{Code: CodeInvalidInput, Message: "Duplicate tag keys found. Please note that Tag keys are case insensitive."}
		}
		seen[k] = true
		if strings.HasPrefix(k, "aws:") {
			// "The aws: prefix is reserved for AWS use"; IAM's exact wording
			// for this refusal is not documented.
			return errorf(CodeInvalidInput, "User-defined tag keys can't start with \"aws:\": %s", t.Key)
		}
	}
	return nil
}

func tagsString(tags []Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = t.Key + "=" + t.Value
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// checkTagKeys validates the keys of an Untag request.
func checkTagKeys(keys []string) error {
	return validate(func(v *validation) {
		if len(keys) > maxTags {
			v.add("["+strings.Join(keys, ", ")+"]", "tagKeys", fmt.Sprintf("Member must have length less than or equal to %d", maxTags))
			return
		}
		for i, k := range keys {
			v.tagKey(k, fmt.Sprintf("tagKeys.%d.member", i+1))
		}
	})
}

// mergeTagsChecked adds tags to existing ones within the 50-tag quota.
func mergeTagsChecked(existing, add []Tag) ([]Tag, error) {
	out := upsertTags(existing, add)
	if len(out) > maxTags {
		// IAM refuses with LimitExceeded; the wording here is ours.
		return nil, limitExceeded("The number of tags has reached the maximum limit of %d.", maxTags)
	}
	return out, nil
}

func sortedInline(ps []InlinePolicy) []InlinePolicy {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return ps
}

func tagsMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func cloneTags(tags []Tag) []Tag {
	if tags == nil {
		return []Tag{}
	}
	return append([]Tag(nil), tags...)
}
