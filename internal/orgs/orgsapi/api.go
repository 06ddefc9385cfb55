// Package orgsapi binds package orgs to Organizations' awsJson1_1 API: it
// fills the generated orgswire.Handlers with functions that authorize each
// call (the organizations action on the resource the Service Authorization
// Reference names, with the condition keys the action supports), call the
// orgs.Service with the caller's account, and turn domain errors into the
// wire's modelled errors, Reason included.
//
// Decoding and model validation are orgswire's; authentication is the
// server's, which puts the caller in the context (identity.NewContext).
//
// # Authorization
//
// IAM decides first, within the caller's account: a management account's
// IAM users need organizations permissions (its root user has them), and
// a member account that IAM allows still gets AccessDeniedException from
// the operations only the management account may call (the Service
// answers that). The resources are Organizations' ARNs, which name the
// management account and the organization ("Resource types defined by AWS
// Organizations",
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html):
// the handlers read them from the caller's organization, and the type and
// tags of the entity acted on as the management account sees them, so that
// a member account's call is decided on the same ARN and keys as its
// management account's. An account in no organization has no ARNs to name:
// its calls are decided on "*", and the Service then answers
// AWSOrganizationsNotInUseException.
package orgsapi

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
)

// AuditFunc returns the Audit of one write: the server builds the
// CloudTrail record from the caller in ctx, the operation name and the
// decoded request (an *orgswire.XxxInput); the Service calls the Audit with
// the operation's result inside the write's transaction. A nil AuditFunc,
// or a nil Audit, leaves the Service's minimal events.
type AuditFunc func(ctx context.Context, operation string, request any) orgs.Audit

// Options configures the handlers.
type Options struct {
	Service    *orgs.Service
	Authorizer access.Authorizer
	// Catalog gives each action's resource types and condition keys; nil
	// means catalog.Default().
	Catalog *catalog.Catalog
	Audit   AuditFunc
	// Logger receives the causes behind refusals that the wire does not
	// carry (a policy parser's finding); nil discards them.
	Logger *slog.Logger
}

type api struct {
	svc   *orgs.Service
	authz access.Authorizer
	cat   *catalog.Catalog
	audit AuditFunc
	log   *slog.Logger
}

func newAPI(o Options) *api {
	a := &api{svc: o.Service, authz: o.Authorizer, cat: o.Catalog, audit: o.Audit, log: o.Logger}
	if a.cat == nil {
		a.cat = catalog.Default()
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a
}

// caller returns the authenticated caller; the server never routes an
// unsigned Organizations request here.
func caller(ctx context.Context) (*identity.Caller, error) {
	c := identity.FromContext(ctx)
	if c == nil || c.Account == "" {
		return nil, awsproto.MissingAuthenticationToken()
	}
	return c, nil
}

// Condition keys of Organizations' actions.
const (
	keyPolicyType = "organizations:PolicyType"
	keyTagKeys    = "aws:TagKeys"
)

// keys are request context keys for an authorization.
type keys map[string][]string

// requestTags adds aws:RequestTag/KEY and aws:TagKeys for the tags of a
// request.
func (k keys) requestTags(tags []orgswire.Tag) keys {
	if len(tags) == 0 {
		return k
	}
	tk := make([]string, 0, len(tags))
	for _, t := range tags {
		k["aws:RequestTag/"+t.Key] = []string{t.Value}
		tk = append(tk, t.Key)
	}
	k[keyTagKeys] = tk
	return k
}

// resourceTags adds aws:ResourceTag/KEY for the tags of the resource acted
// on.
func (k keys) resourceTags(tags []orgs.Tag) keys {
	for _, t := range tags {
		k["aws:ResourceTag/"+t.Key] = []string{t.Value}
	}
	return k
}

func (k keys) set(key, value string) keys {
	if value != "" {
		k[key] = []string{value}
	}
	return k
}

// request builds the authorization of organizations:ACTION on resource (an
// ARN, or "*"), with those of the context keys the action supports on the
// resource's type.
func (a *api) request(action, resource string, k keys) access.Request {
	full := "organizations:" + action
	req := access.Request{Action: full, Resource: resource}
	act, ok := a.cat.LookupAction(full)
	if !ok {
		// Every action bound here is in the catalog (see the tests); an
		// unknown one is authorized without keys.
		return req
	}
	var rt *catalog.ResourceType
	if resource != "*" {
		if rts := a.cat.ResourceTypesFor(act, resource); len(rts) > 0 {
			rt = rts[0]
		}
	}
	for key, v := range k {
		if a.cat.ActionSupportsKey(act, rt, key) {
			if req.Context == nil {
				req.Context = make(map[string][]string, len(k))
			}
			req.Context[key] = v
		}
	}
	return req
}

// org is the caller's organization as its ARNs name it; zero when the
// caller's account belongs to none.
type org struct {
	id, mgmt string
}

func (a *api) orgOf(ctx context.Context, account string) (org, error) {
	o, err := a.svc.DescribeOrganization(ctx, account)
	if err != nil {
		if orgs.ErrorCode(err) != "" {
			return org{}, nil
		}
		return org{}, err
	}
	return org{id: o.ID, mgmt: o.MasterAccountID}, nil
}

// entity is what authorization knows of a root, OU, account or policy.
type entity struct {
	arn        string
	policyType string // a policy's type, when it exists
	tags       []orgs.Tag
}

// resolve names the entity id in o: its ARN, and, when it exists, its
// tags and (a policy) its type. A policy that does not exist has no known
// type; it is named with "*" in the type's place (the call then answers
// PolicyNotFoundException).
func (a *api) resolve(ctx context.Context, o org, id string) (entity, error) {
	if o.id == "" {
		return entity{arn: "*"}, nil
	}
	var e entity
	switch orgs.ParseID(id) {
	case orgs.KindRoot:
		e.arn = orgs.RootARN(o.mgmt, o.id, id)
	case orgs.KindOU:
		e.arn = orgs.OUARN(o.mgmt, o.id, id)
	case orgs.KindAccount:
		e.arn = orgs.AccountARN(o.mgmt, o.id, id)
	case orgs.KindPolicy:
		p, err := a.svc.DescribePolicy(ctx, o.mgmt, id)
		switch {
		case err == nil:
			e.arn, e.policyType = p.ARN, p.Type
			if p.AWSManaged {
				return e, nil // AWS managed policies have no tags
			}
		case orgs.ErrorCode(err) != "":
			return entity{arn: orgs.PolicyARN(o.mgmt, o.id, "*", id)}, nil
		default:
			return entity{}, err
		}
	default:
		// The wire's patterns let no other id through; the Service
		// refuses it after an authorization on "*".
		return entity{arn: "*"}, nil
	}
	tags, err := a.tagsOf(ctx, o.mgmt, id)
	if err != nil {
		return entity{}, err
	}
	e.tags = tags
	return e, nil
}

// maxTagPages bounds the pages of tags read for an authorization (a
// resource has at most 50 tags, 20 a page).
const maxTagPages = 5

// tagsOf returns the tags of an entity of mgmt's organization; none when
// it does not exist.
func (a *api) tagsOf(ctx context.Context, mgmt, id string) ([]orgs.Tag, error) {
	var tags []orgs.Tag
	p := orgs.Page{}
	for range maxTagPages {
		pg, err := a.svc.ListTagsForResource(ctx, mgmt, id, p)
		if err != nil {
			if orgs.ErrorCode(err) != "" {
				return nil, nil
			}
			return nil, err
		}
		tags = append(tags, pg.Items...)
		if pg.NextToken == "" {
			break
		}
		p.NextToken = pg.NextToken
	}
	return tags, nil
}

// onAccount authorizes an action that acts on no resource type ("*").
func (a *api) onAccount(ctx context.Context, action string, k keys) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return c, a.authz.Authorize(ctx, a.request(action, "*", k))
}

// on authorizes an action on the entities ids name, one request each: its
// ARN, its tags (aws:ResourceTag), a policy's type
// (organizations:PolicyType), and the keys of more, which override them.
func (a *api) on(ctx context.Context, action string, more keys, ids ...string) (*identity.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	o, err := a.orgOf(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	reqs := make([]access.Request, 0, len(ids))
	for _, id := range ids {
		e, err := a.resolve(ctx, o, id)
		if err != nil {
			return nil, err
		}
		k := keys{}.resourceTags(e.tags).set(keyPolicyType, e.policyType)
		for key, v := range more {
			k[key] = v
		}
		reqs = append(reqs, a.request(action, e.arn, k))
	}
	return c, a.authz.Authorize(ctx, reqs...)
}

func (a *api) au(ctx context.Context, op string, in any) orgs.Audit {
	if a.audit == nil {
		return nil
	}
	return a.audit(ctx, op, in)
}

// wireError turns a domain error into the modelled error Organizations
// sends, with its Reason member when it has one (ConstraintViolation,
// InvalidInput); other errors (access.DeniedError, awsproto errors, store
// failures) pass as they are for the server to map.
func (a *api) wireError(ctx context.Context, err error) error {
	var e *orgs.Error
	if !errors.As(err, &e) {
		return err
	}
	if e.Err != nil {
		a.log.DebugContext(ctx, "organizations refusal", "code", e.Code, "reason", e.Reason, "cause", e.Err)
	}
	we := orgswire.ErrService("%s", e.Message)
	for _, shape := range orgswire.ErrorShapes {
		if shape.Code == e.Code {
			we = shape.New("%s", e.Message)
			break
		}
	}
	if e.Reason != "" {
		we = we.With("Reason", e.Reason)
	}
	return we
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// optStr returns nil for an empty string.
func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func page(next *string, maxResults *int32) orgs.Page {
	p := orgs.Page{NextToken: str(next)}
	if maxResults != nil {
		p.MaxResults = int(*maxResults)
	}
	return p
}

func tagsIn(tags []orgswire.Tag) []orgs.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]orgs.Tag, len(tags))
	for i, t := range tags {
		out[i] = orgs.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func typeSummariesOut(ts []orgs.PolicyTypeSummary) []orgswire.PolicyTypeSummary {
	out := make([]orgswire.PolicyTypeSummary, len(ts))
	for i, t := range ts {
		out[i] = orgswire.PolicyTypeSummary{Type: orgswire.PolicyType(t.Type), Status: orgswire.PolicyTypeStatus(t.Status)}
	}
	return out
}

func organizationOut(o *orgs.Organization) *orgswire.Organization {
	return &orgswire.Organization{
		Id: ptr(o.ID), Arn: ptr(o.ARN), FeatureSet: orgswire.OrganizationFeatureSet(o.FeatureSet),
		MasterAccountArn: ptr(o.MasterAccountARN), MasterAccountId: ptr(o.MasterAccountID), MasterAccountEmail: optStr(o.MasterAccountEmail),
		AvailablePolicyTypes: typeSummariesOut(o.AvailablePolicyTypes),
	}
}

func rootOut(r *orgs.Root) orgswire.Root {
	return orgswire.Root{Id: ptr(r.ID), Arn: ptr(r.ARN), Name: ptr(r.Name), PolicyTypes: typeSummariesOut(r.PolicyTypes)}
}

func accountOut(a *orgs.Account) orgswire.Account {
	return orgswire.Account{
		Id: ptr(a.ID), Arn: ptr(a.ARN), Email: ptr(a.Email), Name: ptr(a.Name),
		Status: orgswire.AccountStatus(a.Status), State: orgswire.AccountState(a.State), Paths: a.Paths,
		JoinedMethod: orgswire.AccountJoinedMethod(a.JoinedMethod), JoinedTimestamp: optTime(a.JoinedTimestamp),
	}
}

func accountsOut(as []orgs.Account) []orgswire.Account {
	out := make([]orgswire.Account, len(as))
	for i := range as {
		out[i] = accountOut(&as[i])
	}
	return out
}

func ouOut(u *orgs.OrganizationalUnit) orgswire.OrganizationalUnit {
	return orgswire.OrganizationalUnit{Id: ptr(u.ID), Arn: ptr(u.ARN), Name: ptr(u.Name), Path: ptr(u.Path)}
}

func statusOut(s *orgs.CreateAccountStatus) orgswire.CreateAccountStatus {
	return orgswire.CreateAccountStatus{
		Id: ptr(s.ID), AccountName: ptr(s.AccountName), State: orgswire.CreateAccountState(s.State),
		RequestedTimestamp: optTime(s.RequestedTimestamp), CompletedTimestamp: optTime(s.CompletedTimestamp),
		AccountId: optStr(s.AccountID), FailureReason: orgswire.CreateAccountFailureReason(s.FailureReason),
	}
}

func summaryOut(p *orgs.PolicySummary) orgswire.PolicySummary {
	return orgswire.PolicySummary{Id: ptr(p.ID), Arn: ptr(p.ARN), Name: ptr(p.Name), Description: ptr(p.Description),
		Type: orgswire.PolicyType(p.Type), AwsManaged: ptr(p.AWSManaged)}
}

func summariesOut(ps []orgs.PolicySummary) []orgswire.PolicySummary {
	out := make([]orgswire.PolicySummary, len(ps))
	for i := range ps {
		out[i] = summaryOut(&ps[i])
	}
	return out
}

func policyOut(p *orgs.Policy) *orgswire.Policy {
	s := summaryOut(&p.PolicySummary)
	return &orgswire.Policy{PolicySummary: &s, Content: ptr(p.Content)}
}
