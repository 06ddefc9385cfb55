// Package iamapi binds package iam to IAM's Query API: it fills the
// generated iamwire.Handlers with functions that authorize each call (the
// IAM action on the resource the Service Authorization Reference names, with
// the condition keys the action supports), call the iam.Service, URL-encode
// policy documents as IAM does in responses, and turn domain errors into
// the wire's error shapes.
//
// Decoding and model validation are iamwire's; authentication is the
// server's, which puts the caller in the context (identity.NewContext).
package iamapi

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/iam"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/wire/iamwire"
)

// AuditFunc returns the Audit of one write: the server builds the
// CloudTrail record from the caller in ctx, the operation name and the
// decoded request (an *iamwire.XxxInput); the Service calls the Audit with
// the operation's result inside the write's transaction. A nil AuditFunc,
// or a nil Audit, leaves the Service's minimal events.
type AuditFunc func(ctx context.Context, operation string, request any) iam.Audit

// Options configures the handlers.
type Options struct {
	Service    *iam.Service
	Authorizer access.Authorizer
	// Catalog gives each action's resource types and condition keys; nil
	// means catalog.Default().
	Catalog *catalog.Catalog
	Audit   AuditFunc
	Logger  *slog.Logger
}

type api struct {
	svc   *iam.Service
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
// unsigned IAM request here, so none is MissingAuthenticationToken.
func caller(ctx context.Context) (*identity.Caller, error) {
	c := identity.FromContext(ctx)
	if c == nil || c.Account == "" {
		return nil, awsproto.MissingAuthenticationToken()
	}
	return c, nil
}

// keys are request context keys for an authorization.
type keys map[string][]string

// requestTags adds aws:RequestTag/KEY and aws:TagKeys for the tags of a
// request.
func (k keys) requestTags(tags []iamwire.Tag) keys {
	if len(tags) == 0 {
		return k
	}
	tk := make([]string, 0, len(tags))
	for _, t := range tags {
		k["aws:RequestTag/"+t.Key] = []string{t.Value}
		tk = append(tk, t.Key)
	}
	k["aws:TagKeys"] = tk
	return k
}

// resourceTags adds aws:ResourceTag/KEY and iam:ResourceTag/KEY for the tags
// of the resource acted on.
func (k keys) resourceTags(tags []iam.Tag) keys {
	for _, t := range tags {
		k["aws:ResourceTag/"+t.Key] = []string{t.Value}
		k["iam:ResourceTag/"+t.Key] = []string{t.Value}
	}
	return k
}

func (k keys) set(key, value string) keys {
	if value != "" {
		k[key] = []string{value}
	}
	return k
}

// authorize asks whether the caller may perform iam:ACTION on resource (an
// ARN; ignored, and "*" used, for actions the Service Authorization
// Reference lists without resource types), with those of the context keys
// the action supports.
func (a *api) authorize(ctx context.Context, action, resource string, k keys) error {
	full := "iam:" + action
	act, ok := a.cat.LookupAction(full)
	if !ok {
		// Every action bound here is in the catalog (see the tests); an
		// unknown one is authorized against "*" without keys.
		return a.authz.Authorize(ctx, access.Request{Action: full, Resource: "*"})
	}
	req := access.Request{Action: full, Resource: "*"}
	var rt *catalog.ResourceType
	if resource != "" {
		// Actions the catalog lists without a resource type are decided on
		// "*", except the listings of users, groups and roles, which IAM
		// decides on the listed path (see onPathList).
		req.Resource = resource
		if len(act.ResourceTypes) > 0 {
			if rts := a.cat.ResourceTypesFor(act, resource); len(rts) > 0 {
				rt = rts[0]
			}
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
	return a.authz.Authorize(ctx, req)
}

func (a *api) au(ctx context.Context, op string, in any) iam.Audit {
	if a.audit == nil {
		return nil
	}
	return a.audit(ctx, op, in)
}

// wireError turns a domain error into the wire error IAM sends; other
// errors (access.DeniedError, awsproto errors, store failures) pass as they
// are for the server to map.
func wireError(err error) error {
	var e *iam.Error
	if !errors.As(err, &e) {
		return err
	}
	if e.Code == iam.CodeValidationError {
		return awsproto.ValidationError("%s", e.Message)
	}
	for _, shape := range iamwire.ErrorShapes {
		if shape.Code == e.Code {
			return shape.New("%s", e.Message)
		}
	}
	return iamwire.ErrServiceFailure("%s", e.Message)
}

// encodeDoc URL-encodes a policy document as IAM returns it (RFC 3986
// percent-encoding, spaces as %20), which the AWS CLI and SDK helpers
// decode with a plain URL unescape.
func encodeDoc(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
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

func page(marker *string, maxItems *int32) iam.Page {
	p := iam.Page{Marker: str(marker)}
	if maxItems != nil {
		p.MaxItems = int(*maxItems)
	}
	return p
}

func truncated(truncated bool, marker string) (*bool, *string) {
	return ptr(truncated), optStr(marker)
}

func tagsIn(tags []iamwire.Tag) []iam.Tag {
	if tags == nil {
		return nil
	}
	out := make([]iam.Tag, len(tags))
	for i, t := range tags {
		out[i] = iam.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func tagsOut(tags []iam.Tag) []iamwire.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]iamwire.Tag, len(tags))
	for i, t := range tags {
		out[i] = iamwire.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func boundaryOut(arn string) *iamwire.AttachedPermissionsBoundary {
	if arn == "" {
		return nil
	}
	return &iamwire.AttachedPermissionsBoundary{PermissionsBoundaryType: iamwire.PermissionsBoundaryAttachmentTypePermissionsBoundaryPolicy, PermissionsBoundaryArn: ptr(arn)}
}

func userOut(u *iam.User) iamwire.User {
	return iamwire.User{Path: u.Path, UserName: u.UserName, UserId: u.UserID, Arn: u.ARN, CreateDate: u.CreateDate,
		PermissionsBoundary: boundaryOut(u.PermissionsBoundary), Tags: tagsOut(u.Tags)}
}

func groupOut(g *iam.Group) iamwire.Group {
	return iamwire.Group{Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupID, Arn: g.ARN, CreateDate: g.CreateDate}
}

func roleOut(r *iam.Role) iamwire.Role {
	out := iamwire.Role{Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleID, Arn: r.ARN, CreateDate: r.CreateDate,
		AssumeRolePolicyDocument: ptr(encodeDoc(r.AssumeRolePolicyDocument)), Description: optStr(r.Description),
		MaxSessionDuration: ptr(int32(r.MaxSessionDuration)), PermissionsBoundary: boundaryOut(r.PermissionsBoundary), Tags: tagsOut(r.Tags)}
	if r.RoleLastUsed != nil {
		out.RoleLastUsed = &iamwire.RoleLastUsed{LastUsedDate: optTime(r.RoleLastUsed.LastUsedDate), Region: optStr(r.RoleLastUsed.Region)}
	}
	return out
}

func policyOut(p *iam.Policy) iamwire.Policy {
	return iamwire.Policy{PolicyName: ptr(p.PolicyName), PolicyId: ptr(p.PolicyID), Arn: ptr(p.ARN), Path: ptr(p.Path),
		DefaultVersionId: ptr(p.DefaultVersionID), AttachmentCount: ptr(int32(p.AttachmentCount)),
		PermissionsBoundaryUsageCount: ptr(int32(p.PermissionsBoundaryUsageCount)), IsAttachable: ptr(p.IsAttachable),
		Description: optStr(p.Description), CreateDate: ptr(p.CreateDate), UpdateDate: ptr(p.UpdateDate), Tags: tagsOut(p.Tags)}
}

func versionOut(v *iam.PolicyVersion) iamwire.PolicyVersion {
	out := iamwire.PolicyVersion{VersionId: ptr(v.VersionID), IsDefaultVersion: ptr(v.IsDefaultVersion), CreateDate: ptr(v.CreateDate)}
	if v.Document != "" {
		out.Document = ptr(encodeDoc(v.Document))
	}
	return out
}

func attachedOut(ps []iam.AttachedPolicy) []iamwire.AttachedPolicy {
	out := make([]iamwire.AttachedPolicy, len(ps))
	for i, p := range ps {
		out[i] = iamwire.AttachedPolicy{PolicyName: ptr(p.PolicyName), PolicyArn: ptr(p.PolicyARN)}
	}
	return out
}

func inlineOut(ps []iam.InlinePolicy) []iamwire.PolicyDetail {
	out := make([]iamwire.PolicyDetail, len(ps))
	for i, p := range ps {
		out[i] = iamwire.PolicyDetail{PolicyName: ptr(p.Name), PolicyDocument: ptr(encodeDoc(p.Document))}
	}
	return out
}

// Entity resolution for authorization: the ARN (with the entity's real
// path) and tags of the entity a call acts on. A missing entity is
// authorized under its name with the root path; the call then answers
// NoSuchEntity.
type target struct {
	arn      string
	path     string
	tags     []iam.Tag
	boundary string
}

func (a *api) userTarget(ctx context.Context, account, name string) (target, error) {
	u, err := a.svc.GetUser(ctx, account, name)
	if err != nil {
		if iam.ErrorCode(err) != "" {
			return target{arn: "arn:aws:iam::" + account + ":user/" + name, path: "/"}, nil
		}
		return target{}, err
	}
	return target{arn: u.ARN, path: u.Path, tags: u.Tags, boundary: u.PermissionsBoundary}, nil
}

func (a *api) roleTarget(ctx context.Context, account, name string) (target, error) {
	r, err := a.svc.GetRole(ctx, account, name)
	if err != nil {
		if iam.ErrorCode(err) != "" {
			return target{arn: "arn:aws:iam::" + account + ":role/" + name}, nil
		}
		return target{}, err
	}
	return target{arn: r.ARN, tags: r.Tags, boundary: r.PermissionsBoundary}, nil
}

func (a *api) groupTarget(ctx context.Context, account, name string) (target, error) {
	g, err := a.svc.GetGroup(ctx, account, name, iam.Page{MaxItems: 1})
	if err != nil {
		if iam.ErrorCode(err) != "" {
			return target{arn: "arn:aws:iam::" + account + ":group/" + name}, nil
		}
		return target{}, err
	}
	return target{arn: g.Group.ARN}, nil
}

func (a *api) policyTarget(ctx context.Context, account, arn string) (target, error) {
	p, err := a.svc.GetPolicy(ctx, account, arn)
	if err != nil {
		if iam.ErrorCode(err) != "" {
			return target{arn: arn}, nil
		}
		return target{}, err
	}
	return target{arn: arn, tags: p.Tags}, nil
}

func (a *api) oidcTarget(ctx context.Context, account, arn string) (target, error) {
	p, err := a.svc.GetOpenIDConnectProvider(ctx, account, arn)
	if err != nil {
		if iam.ErrorCode(err) != "" {
			return target{arn: arn}, nil
		}
		return target{}, err
	}
	return target{arn: arn, tags: p.Tags}, nil
}

func (a *api) mfaTarget(ctx context.Context, account, serial string) (target, error) {
	tags, err := a.svc.ListMFADeviceTags(ctx, account, serial, iam.Page{MaxItems: 1000})
	if err != nil {
		if iam.ErrorCode(err) != "" {
			return target{arn: serial}, nil
		}
		return target{}, err
	}
	return target{arn: serial, tags: tags.Items}, nil
}

// entityTarget resolves the target of an action on a user, group or role.
func (a *api) entityTarget(ctx context.Context, account, kind, name string) (target, error) {
	switch kind {
	case "user":
		return a.userTarget(ctx, account, name)
	case "group":
		return a.groupTarget(ctx, account, name)
	}
	return a.roleTarget(ctx, account, name)
}

// selfUser resolves an optional UserName: absent, it is the calling IAM
// user, "" for the root user; other callers must name a user ("Must
// specify userName when calling with non-User credentials").
func selfUser(c *identity.Caller, name *string) (string, error) {
	if name != nil {
		return *name, nil
	}
	switch c.Type {
	case identity.IAMUser:
		return c.Name, nil
	case identity.Root:
		return "", nil
	}
	return "", awsproto.ValidationError("Must specify userName when calling with non-User credentials")
}

func (a *api) keyOwnerTarget(ctx context.Context, c *identity.Caller, user string) (target, error) {
	if user == "" {
		return target{arn: c.ARN}, nil
	}
	return a.userTarget(ctx, c.Account, user)
}
