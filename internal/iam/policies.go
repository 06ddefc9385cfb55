package iam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// Policy is a managed policy, customer managed
// (arn:aws:iam::ACCOUNT:policy/PATH/NAME) or AWS managed
// (arn:aws:iam::aws:policy/PATH/NAME).
type Policy struct {
	PolicyName       string `json:"policyName"`
	PolicyID         string `json:"policyId"`
	ARN              string `json:"arn"`
	Path             string `json:"path"`
	DefaultVersionID string `json:"defaultVersionId"`
	// AttachmentCount counts the users, groups and roles of the account
	// the policy is attached to; PermissionsBoundaryUsageCount those it is
	// the permissions boundary of.
	AttachmentCount               int       `json:"attachmentCount"`
	PermissionsBoundaryUsageCount int       `json:"permissionsBoundaryUsageCount"`
	IsAttachable                  bool      `json:"isAttachable"`
	Description                   string    `json:"description,omitempty"`
	CreateDate                    time.Time `json:"createDate"`
	UpdateDate                    time.Time `json:"updateDate"`
	Tags                          []Tag     `json:"tags,omitempty"`
	// AWSManaged is true for AWS managed policies (not part of IAM's
	// response shape).
	AWSManaged bool `json:"-"`
}

// PolicyVersion is one version of a managed policy. Document is the JSON
// text as stored (the wire layer URL-encodes it as IAM does); it is empty
// where IAM does not return it (CreatePolicyVersion, ListPolicyVersions).
type PolicyVersion struct {
	Document         string    `json:"document,omitempty"`
	VersionID        string    `json:"versionId"`
	IsDefaultVersion bool      `json:"isDefaultVersion"`
	CreateDate       time.Time `json:"createDate"`
}

// awsPolicy is an AWS managed policy from the catalog.
type awsPolicy struct {
	Policy
	versions []PolicyVersion // oldest first, with documents
}

func (s *Service) loadAWSPolicies() {
	s.awsPolicies = make(map[string]*awsPolicy)
	for _, m := range s.cat.ManagedPolicies() {
		if m.Kind != "iam" {
			continue
		}
		p := &awsPolicy{Policy: Policy{
			PolicyName: m.Name, PolicyID: awsPolicyID(m.ARN), ARN: m.ARN, Path: m.Path,
			DefaultVersionID: m.DefaultVersionID, IsAttachable: true,
			CreateDate: m.CreateDate, UpdateDate: m.UpdateDate, AWSManaged: true,
		}}
		for _, v := range m.Versions {
			p.versions = append(p.versions, PolicyVersion{Document: string(v.Document), VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: v.CreateDate})
		}
		s.awsPolicies[m.ARN] = p
		s.awsPolicyByName = append(s.awsPolicyByName, p)
	}
	slices.SortFunc(s.awsPolicyByName, func(a, b *awsPolicy) int { return strings.Compare(lower(a.PolicyName), lower(b.PolicyName)) })
}

// managed is a resolved managed policy of either kind.
type managed struct {
	arn  string
	aws  *awsPolicy
	rec  *policyRec // customer managed
	name string
	id   string
}

// defaultVersion returns the default version's id and document.
func (m *managed) defaultVersion() (string, string) {
	if m.aws != nil {
		for _, v := range m.aws.versions {
			if v.IsDefaultVersion {
				return v.VersionID, v.Document
			}
		}
		return "", ""
	}
	for _, v := range m.rec.Versions {
		if v.ID == m.rec.Default {
			return v.ID, v.Document
		}
	}
	return "", ""
}

const (
	awsPolicyPrefix = "arn:aws:iam::aws:policy/"
	maxARN          = 2048
)

// splitPolicyARN splits arn:aws:iam::ACCOUNT:policy/PATH/NAME into owner
// account ("aws" for AWS managed), path and name. A string that is not a
// policy ARN is InvalidInput "ARN X is not valid.".
func splitPolicyARN(arn string) (owner, path, name string, err error) {
	bad := errorf(CodeInvalidInput, "ARN %s is not valid.", arn)
	if len(arn) < 20 || len(arn) > maxARN {
		return "", "", "", bad
	}
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", "", bad
	}
	owner, res, ok := strings.Cut(rest, ":")
	if !ok || owner == "" {
		return "", "", "", bad
	}
	res, ok = strings.CutPrefix(res, "policy/")
	if !ok {
		return "", "", "", bad
	}
	i := strings.LastIndexByte(res, '/')
	path, name = "/"+res[:i+1], res[i+1:]
	if name == "" || !validPath(path) {
		return "", "", "", bad
	}
	return owner, path, name, nil
}

// resolvePolicy finds a managed policy visible in account by ARN; nil when
// there is none. A malformed ARN is an error.
func (s *Service) resolvePolicy(ctx context.Context, r store.Reader, account, arn string) (*managed, error) {
	owner, path, name, err := splitPolicyARN(arn)
	if err != nil {
		return nil, err
	}
	if owner == "aws" {
		p, ok := s.awsPolicies[arn]
		if !ok {
			return nil, nil
		}
		return &managed{arn: arn, aws: p, name: p.PolicyName, id: p.PolicyID}, nil
	}
	if owner != account {
		return nil, nil
	}
	rec, err := storejson.Get[policyRec](ctx, r, key(account, kindPolicy, lower(name)))
	if err != nil || rec == nil || rec.Name != name || rec.Path != path {
		return nil, err
	}
	return &managed{arn: arn, rec: rec, name: rec.Name, id: rec.ID}, nil
}

func policyARN(account, path, name string) string { return entityARN(account, "policy", path, name) }

// usage counts the attachments and boundary uses of a policy in account.
func usage(ctx context.Context, r store.Reader, account, arn string) (attached, boundary int, err error) {
	if attached, err = storejson.Count(ctx, r, account, kindAttachment, arn+"\n"); err != nil {
		return 0, 0, err
	}
	boundary, err = storejson.Count(ctx, r, account, kindBoundaryUse, arn+"\n")
	return attached, boundary, err
}

func (s *Service) policyView(ctx context.Context, r store.Reader, account string, m *managed, withTags bool) (*Policy, error) {
	var p Policy
	if m.aws != nil {
		p = m.aws.Policy
	} else {
		rec := m.rec
		p = Policy{
			PolicyName: rec.Name, PolicyID: rec.ID, ARN: m.arn, Path: rec.Path, DefaultVersionID: rec.Default,
			IsAttachable: true, Description: rec.Description, CreateDate: rec.Created, UpdateDate: rec.Updated,
		}
		if withTags {
			p.Tags = cloneTags(rec.Tags)
		}
	}
	var err error
	p.AttachmentCount, p.PermissionsBoundaryUsageCount, err = usage(ctx, r, account, m.arn)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// parseIdentityPolicy validates a document for use as an identity-based
// policy (managed or inline); malformed documents are
// MalformedPolicyDocument with the parser's message.
func parseIdentityPolicy(doc string) (*policy.Policy, error) {
	return parseAs(doc, policy.TypeIdentity)
}

func parseAs(doc string, typ policy.Type) (*policy.Policy, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, validate(func(v *validation) { v.length(doc, "policyDocument", 1, 131072) })
	}
	p, err := policy.Parse([]byte(doc), typ)
	if err != nil {
		var se *policy.SyntaxError
		if errors.As(err, &se) {
			return nil, &Error{Code: CodeMalformedPolicyDocument, Message: se.Msg}
		}
		return nil, &Error{Code: CodeMalformedPolicyDocument, Message: err.Error()}
	}
	return p, nil
}

// checkManagedSize applies the managed policy size quota: 6,144 characters
// without white space ("Cannot exceed quota for PolicySize: 6144").
func checkManagedSize(p *policy.Policy) error {
	if err := policy.CheckSize(policy.SizeManaged, p); err != nil {
		return quota("PolicySize", policy.SizeManaged.Limit())
	}
	return nil
}

// unmodifiable refuses a change to an AWS managed policy. IAM documents
// that AWS managed policies cannot be changed but not the wording of the
// refusal; this one is ours.
func unmodifiable(arn string) *Error {
	return errorf(CodeUnmodifiableEntity, "Cannot modify an AWS managed policy: %s", arn)
}

// CreatePolicyInput is CreatePolicy's request.
type CreatePolicyInput struct {
	PolicyName     string
	Path           string // "" means "/"
	PolicyDocument string
	Description    string
	Tags           []Tag
}

// CreatePolicy creates a customer managed policy with version v1 as its
// default. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
func (s *Service) CreatePolicy(ctx context.Context, account string, in CreatePolicyInput, audit Audit) (*Policy, error) {
	if in.Path == "" {
		in.Path = "/"
	}
	if err := validate(func(v *validation) {
		v.name(in.PolicyName, "policyName", maxPolicyName)
		v.policyPath(in.Path, "path")
		v.description(in.Description, "description", false)
	}); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	doc, err := parseIdentityPolicy(in.PolicyDocument)
	if err != nil {
		return nil, err
	}
	if err := checkManagedSize(doc); err != nil {
		return nil, err
	}
	arn := policyARN(account, in.Path, in.PolicyName)
	var out *Policy
	var result any
	err = s.write(ctx, account, "CreatePolicy", []store.EventResource{res(resPolicy, arn)}, audit, &result, func(tx store.Tx) error {
		k := key(account, kindPolicy, lower(in.PolicyName))
		if old, err := storejson.Get[policyRec](ctx, tx, k); err != nil {
			return err
		} else if old != nil {
			return errorf(CodeEntityAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
		}
		if n, err := storejson.Count(ctx, tx, account, kindPolicy, ""); err != nil {
			return err
		} else if n >= s.quotas.PoliciesPerAccount {
			return quota("PoliciesPerAccount", s.quotas.PoliciesPerAccount)
		}
		id, err := s.newUniqueID(prefixPolicy)
		if err != nil {
			return err
		}
		now := s.clock()
		rec := &policyRec{
			Name: in.PolicyName, ID: id, Path: in.Path, Description: in.Description, Created: now, Updated: now,
			Default: "v1", Next: 2, Versions: []versionRec{{ID: "v1", Document: in.PolicyDocument, Created: now}},
			Tags: in.Tags,
		}
		if err := storejson.Create(ctx, tx, k, rec); err != nil {
			return err
		}
		out, err = s.policyView(ctx, tx, account, &managed{arn: arn, rec: rec}, true)
		result = out
		return err
	})
	return out, err
}

// GetPolicy returns a managed policy, customer or AWS managed.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html
func (s *Service) GetPolicy(ctx context.Context, account, arn string) (*Policy, error) {
	var out *Policy
	err := s.view(ctx, func(r store.Reader) error {
		m, err := s.resolvePolicy(ctx, r, account, arn)
		if err != nil {
			return err
		}
		if m == nil {
			return noSuchPolicy(arn)
		}
		out, err = s.policyView(ctx, r, account, m, true)
		return err
	})
	return out, err
}

// Policy scopes of ListPolicies.
const (
	ScopeAll   = "All"
	ScopeAWS   = "AWS"
	ScopeLocal = "Local"
)

// Policy usage filters of ListPolicies and ListEntitiesForPolicy.
const (
	UsagePermissionsPolicy   = "PermissionsPolicy"
	UsagePermissionsBoundary = "PermissionsBoundary"
)

// ListPoliciesInput is ListPolicies' request.
type ListPoliciesInput struct {
	Scope        string // All (default), AWS or Local
	OnlyAttached bool
	PathPrefix   string
	// PolicyUsageFilter, with OnlyAttached, keeps the policies attached as
	// permissions policies (PermissionsPolicy) or used as permissions
	// boundaries (PermissionsBoundary).
	PolicyUsageFilter string
	Page
}

// ListPolicies lists managed policies, sorted by name. As IAM does, it
// leaves out tags. https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html
func (s *Service) ListPolicies(ctx context.Context, account string, in ListPoliciesInput) (ListPage[Policy], error) {
	if in.Scope == "" {
		in.Scope = ScopeAll
	}
	if err := validate(func(v *validation) {
		switch in.Scope {
		case ScopeAll, ScopeAWS, ScopeLocal:
		default:
			v.add(in.Scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]")
		}
		switch in.PolicyUsageFilter {
		case "", UsagePermissionsPolicy, UsagePermissionsBoundary:
		default:
			v.add(in.PolicyUsageFilter, "policyUsageFilter", "Member must satisfy enum value set: [PermissionsBoundary, PermissionsPolicy]")
		}
		v.pathPrefix(in.PathPrefix, "pathPrefix")
		v.page(in.Page)
	}); err != nil {
		return ListPage[Policy]{}, err
	}
	var all []Policy
	err := s.view(ctx, func(r store.Reader) error {
		att, err := usageCounts(ctx, r, account, kindAttachment)
		if err != nil {
			return err
		}
		bnd, err := usageCounts(ctx, r, account, kindBoundaryUse)
		if err != nil {
			return err
		}
		add := func(p Policy) {
			p.AttachmentCount, p.PermissionsBoundaryUsageCount = att[p.ARN], bnd[p.ARN]
			if in.PathPrefix != "" && !strings.HasPrefix(p.Path, in.PathPrefix) {
				return
			}
			if in.OnlyAttached {
				switch in.PolicyUsageFilter {
				case UsagePermissionsPolicy:
					if p.AttachmentCount == 0 {
						return
					}
				case UsagePermissionsBoundary:
					if p.PermissionsBoundaryUsageCount == 0 {
						return
					}
				default:
					if p.AttachmentCount == 0 && p.PermissionsBoundaryUsageCount == 0 {
						return
					}
				}
			}
			p.Tags = nil
			all = append(all, p)
		}
		if in.Scope != ScopeLocal {
			for _, p := range s.awsPolicyByName {
				add(p.Policy)
			}
		}
		if in.Scope != ScopeAWS {
			recs, _, err := storejson.List[policyRec](ctx, r, account, kindPolicy, "")
			if err != nil {
				return err
			}
			for _, rec := range recs {
				add(Policy{
					PolicyName: rec.Name, PolicyID: rec.ID, ARN: policyARN(account, rec.Path, rec.Name), Path: rec.Path,
					DefaultVersionID: rec.Default, IsAttachable: true, Description: rec.Description,
					CreateDate: rec.Created, UpdateDate: rec.Updated,
				})
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[Policy]{}, err
	}
	slices.SortFunc(all, func(a, b Policy) int { return strings.Compare(policySortKey(a), policySortKey(b)) })
	return pageOf(all, policySortKey, in.Page)
}

func policySortKey(p Policy) string { return lower(p.PolicyName) + "\x00" + p.ARN }

// usageCounts counts attachment (or boundary use) records per policy ARN.
func usageCounts(ctx context.Context, r store.Reader, account, kind string) (map[string]int, error) {
	recs, err := r.List(ctx, store.ListQuery{Account: account, Kind: kind})
	if err != nil {
		return nil, fmt.Errorf("iam: listing %s: %w", kind, err)
	}
	m := make(map[string]int)
	for _, rec := range recs {
		arn, _, _ := strings.Cut(rec.ID, "\n")
		m[arn]++
	}
	return m, nil
}

// customerPolicy resolves a customer managed policy for a change: AWS
// managed policies are unmodifiable, unknown ones NoSuchEntity.
func (s *Service) customerPolicy(ctx context.Context, r store.Reader, account, arn string) (*managed, error) {
	m, err := s.resolvePolicy(ctx, r, account, arn)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, noSuchPolicy(arn)
	}
	if m.aws != nil {
		return nil, unmodifiable(arn)
	}
	return m, nil
}

// CreatePolicyVersion adds a version to a customer managed policy, at most
// five: "A managed policy can have up to 5 versions. Before you create a new
// version, you must delete an existing version."
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html
func (s *Service) CreatePolicyVersion(ctx context.Context, account, arn, document string, setAsDefault bool, audit Audit) (*PolicyVersion, error) {
	doc, err := parseIdentityPolicy(document)
	if err != nil {
		return nil, err
	}
	if err := checkManagedSize(doc); err != nil {
		return nil, err
	}
	var out *PolicyVersion
	var result any
	err = s.write(ctx, account, "CreatePolicyVersion", []store.EventResource{res(resPolicy, arn)}, audit, &result, func(tx store.Tx) error {
		m, err := s.customerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		rec := m.rec
		if len(rec.Versions) >= maxPolicyVersions {
			return limitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		now := s.clock()
		v := versionRec{ID: fmt.Sprintf("v%d", rec.Next), Document: document, Created: now}
		rec.Next++
		rec.Versions = append(rec.Versions, v)
		rec.Updated = now
		if setAsDefault {
			rec.Default = v.ID
		}
		if err := storejson.Put(ctx, tx, key(account, kindPolicy, lower(rec.Name)), rec); err != nil {
			return err
		}
		out = &PolicyVersion{VersionID: v.ID, IsDefaultVersion: setAsDefault, CreateDate: now}
		result = out
		return nil
	})
	return out, err
}

// GetPolicyVersion returns one version of a managed policy with its
// document. https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
func (s *Service) GetPolicyVersion(ctx context.Context, account, arn, versionID string) (*PolicyVersion, error) {
	if err := validate(func(v *validation) { v.versionID(versionID, "versionId") }); err != nil {
		return nil, err
	}
	var out *PolicyVersion
	err := s.view(ctx, func(r store.Reader) error {
		m, err := s.resolvePolicy(ctx, r, account, arn)
		if err != nil {
			return err
		}
		if m == nil {
			return noSuchPolicy(arn)
		}
		for _, v := range m.versions() {
			if v.VersionID == versionID {
				out = &v
				return nil
			}
		}
		return noSuchPolicyVersion(arn, versionID)
	})
	return out, err
}

// versions lists the policy's versions, oldest first, with documents.
func (m *managed) versions() []PolicyVersion {
	if m.aws != nil {
		return slices.Clone(m.aws.versions)
	}
	out := make([]PolicyVersion, len(m.rec.Versions))
	for i, v := range m.rec.Versions {
		out[i] = PolicyVersion{Document: v.Document, VersionID: v.ID, IsDefaultVersion: v.ID == m.rec.Default, CreateDate: v.Created}
	}
	return out
}

// ListPolicyVersions lists a managed policy's versions, newest first,
// without their documents.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyVersions.html
func (s *Service) ListPolicyVersions(ctx context.Context, account, arn string, p Page) (ListPage[PolicyVersion], error) {
	if err := validate(func(v *validation) { v.page(p) }); err != nil {
		return ListPage[PolicyVersion]{}, err
	}
	var vs []PolicyVersion
	err := s.view(ctx, func(r store.Reader) error {
		m, err := s.resolvePolicy(ctx, r, account, arn)
		if err != nil {
			return err
		}
		if m == nil {
			return noSuchPolicy(arn)
		}
		vs = m.versions()
		return nil
	})
	if err != nil {
		return ListPage[PolicyVersion]{}, err
	}
	slices.Reverse(vs)
	type item struct {
		k string
		v PolicyVersion
	}
	items := make([]item, len(vs))
	for i, v := range vs {
		v.Document = ""
		items[i] = item{fmt.Sprintf("%03d", i), v}
	}
	pg, err := pageOf(items, func(it item) string { return it.k }, p)
	if err != nil {
		return ListPage[PolicyVersion]{}, err
	}
	out := ListPage[PolicyVersion]{Items: make([]PolicyVersion, len(pg.Items)), IsTruncated: pg.IsTruncated, Marker: pg.Marker}
	for i, it := range pg.Items {
		out.Items[i] = it.v
	}
	return out, nil
}

// DeletePolicyVersion deletes a version that is not the default: "Cannot
// delete the default version of a policy."
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html
func (s *Service) DeletePolicyVersion(ctx context.Context, account, arn, versionID string, audit Audit) error {
	if err := validate(func(v *validation) { v.versionID(versionID, "versionId") }); err != nil {
		return err
	}
	return s.write(ctx, account, "DeletePolicyVersion", []store.EventResource{res(resPolicy, arn)}, audit, nil, func(tx store.Tx) error {
		m, err := s.customerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		rec := m.rec
		i := slices.IndexFunc(rec.Versions, func(v versionRec) bool { return v.ID == versionID })
		if i < 0 {
			return noSuchPolicyVersion(arn, versionID)
		}
		if rec.Default == versionID {
			return deleteConflict("Cannot delete the default version of a policy.")
		}
		rec.Versions = slices.Delete(rec.Versions, i, i+1)
		return storejson.Put(ctx, tx, key(account, kindPolicy, lower(rec.Name)), rec)
	})
}

// SetDefaultPolicyVersion makes a version the default.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetDefaultPolicyVersion.html
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, account, arn, versionID string, audit Audit) error {
	if err := validate(func(v *validation) { v.versionID(versionID, "versionId") }); err != nil {
		return err
	}
	return s.write(ctx, account, "SetDefaultPolicyVersion", []store.EventResource{res(resPolicy, arn)}, audit, nil, func(tx store.Tx) error {
		m, err := s.customerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		rec := m.rec
		if !slices.ContainsFunc(rec.Versions, func(v versionRec) bool { return v.ID == versionID }) {
			return noSuchPolicyVersion(arn, versionID)
		}
		rec.Default = versionID
		return storejson.Put(ctx, tx, key(account, kindPolicy, lower(rec.Name)), rec)
	})
}

// DeletePolicy deletes a customer managed policy that is attached to no
// entity, used as no permissions boundary and has only its default version.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html
func (s *Service) DeletePolicy(ctx context.Context, account, arn string, audit Audit) error {
	return s.write(ctx, account, "DeletePolicy", []store.EventResource{res(resPolicy, arn)}, audit, nil, func(tx store.Tx) error {
		m, err := s.customerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		att, bnd, err := usage(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		if att > 0 || bnd > 0 {
			return deleteConflict("Cannot delete a policy attached to entities.")
		}
		if len(m.rec.Versions) > 1 {
			return deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return storejson.Delete(ctx, tx, key(account, kindPolicy, lower(m.rec.Name)))
	})
}

// TagPolicy adds or replaces tags of a customer managed policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html
func (s *Service) TagPolicy(ctx context.Context, account, arn string, tags []Tag, audit Audit) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changePolicyTags(ctx, account, arn, "TagPolicy", audit, func(old []Tag) ([]Tag, error) { return mergeTagsChecked(old, tags) })
}

// UntagPolicy removes tags from a customer managed policy; absent keys are
// ignored. https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagPolicy.html
func (s *Service) UntagPolicy(ctx context.Context, account, arn string, keys []string, audit Audit) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changePolicyTags(ctx, account, arn, "UntagPolicy", audit, func(old []Tag) ([]Tag, error) { return removeTags(old, keys), nil })
}

func (s *Service) changePolicyTags(ctx context.Context, account, arn, op string, audit Audit, change func([]Tag) ([]Tag, error)) error {
	return s.write(ctx, account, op, []store.EventResource{res(resPolicy, arn)}, audit, nil, func(tx store.Tx) error {
		m, err := s.customerPolicy(ctx, tx, account, arn)
		if err != nil {
			return err
		}
		if m.rec.Tags, err = change(m.rec.Tags); err != nil {
			return err
		}
		return storejson.Put(ctx, tx, key(account, kindPolicy, lower(m.rec.Name)), m.rec)
	})
}

// ListPolicyTags lists the tags of a managed policy (AWS managed policies
// have none). https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyTags.html
func (s *Service) ListPolicyTags(ctx context.Context, account, arn string, p Page) (ListPage[Tag], error) {
	if err := validate(func(v *validation) { v.page(p) }); err != nil {
		return ListPage[Tag]{}, err
	}
	var tags []Tag
	err := s.view(ctx, func(r store.Reader) error {
		m, err := s.resolvePolicy(ctx, r, account, arn)
		if err != nil {
			return err
		}
		if m == nil {
			return noSuchPolicy(arn)
		}
		if m.rec != nil {
			tags = m.rec.Tags
		}
		return nil
	})
	if err != nil {
		return ListPage[Tag]{}, err
	}
	return pageTags(tags, p)
}

// pageTags pages a tag list in its stored order.
func pageTags(tags []Tag, p Page) (ListPage[Tag], error) {
	type item struct {
		k string
		t Tag
	}
	items := make([]item, len(tags))
	for i, t := range tags {
		items[i] = item{fmt.Sprintf("%03d", i), t}
	}
	pg, err := pageOf(items, func(it item) string { return it.k }, p)
	if err != nil {
		return ListPage[Tag]{}, err
	}
	out := ListPage[Tag]{Items: make([]Tag, len(pg.Items)), IsTruncated: pg.IsTruncated, Marker: pg.Marker}
	for i, it := range pg.Items {
		out.Items[i] = it.t
	}
	return out, nil
}
