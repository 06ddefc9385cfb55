package iam

import (
	"context"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// Role is an IAM role.
type Role struct {
	Path       string    `json:"path"`
	RoleName   string    `json:"roleName"`
	RoleID     string    `json:"roleId"`
	ARN        string    `json:"arn"`
	CreateDate time.Time `json:"createDate"`
	// AssumeRolePolicyDocument is the trust policy as stored (the wire
	// layer URL-encodes it as IAM does).
	AssumeRolePolicyDocument string `json:"assumeRolePolicyDocument"`
	Description              string `json:"description,omitempty"`
	MaxSessionDuration       int    `json:"maxSessionDuration"`
	PermissionsBoundary      string `json:"permissionsBoundary,omitempty"`
	Tags                     []Tag  `json:"tags,omitempty"`
	// RoleLastUsed is when and where the role was last assumed; nil when
	// never (and in listings, which leave it out as IAM does).
	RoleLastUsed *RoleLastUsed `json:"roleLastUsed,omitempty"`
}

// RoleLastUsed is when and in which region a role was last used.
type RoleLastUsed struct {
	LastUsedDate time.Time `json:"lastUsedDate,omitzero"`
	Region       string    `json:"region,omitempty"`
}

// Role session duration bounds (CreateRole MaxSessionDuration: 3600 to
// 43200 seconds, default 3600).
const (
	minSessionDuration     = 3600
	maxSessionDuration     = 43200
	defaultSessionDuration = 3600
)

func roleARN(account, path, name string) string { return entityARN(account, "role", path, name) }

func roleView(account string, rec *roleRec, full bool) Role {
	r := Role{
		Path: rec.Path, RoleName: rec.Name, RoleID: rec.ID, ARN: roleARN(account, rec.Path, rec.Name), CreateDate: rec.Created,
		AssumeRolePolicyDocument: rec.Trust, Description: rec.Description, MaxSessionDuration: rec.MaxSession,
	}
	if full {
		r.PermissionsBoundary = rec.Boundary
		r.Tags = cloneTags(rec.Tags)
		r.RoleLastUsed = &RoleLastUsed{LastUsedDate: rec.LastUsed, Region: rec.LastUsedRegion}
	}
	return r
}

// parseTrustPolicy validates a role trust policy and its size (2,048
// characters without white space: "Cannot exceed quota for ACLSizePerRole:
// 2048").
func parseTrustPolicy(doc string) (*policy.Policy, error) {
	p, err := parseAs(doc, policy.TypeTrust)
	if err != nil {
		return nil, err
	}
	if err := policy.CheckSize(policy.SizeTrust, p); err != nil {
		return nil, quota("ACLSizePerRole", policy.SizeTrust.Limit())
	}
	return p, nil
}

// CreateRoleInput is CreateRole's request.
type CreateRoleInput struct {
	RoleName                 string
	Path                     string // "" means "/"
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int // seconds, 3600..43200; 0 means 3600
	PermissionsBoundary      string
	Tags                     []Tag
}

// CreateRole creates a role with its trust policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
func (s *Service) CreateRole(ctx context.Context, account string, in CreateRoleInput, audit Audit) (*Role, error) {
	if in.Path == "" {
		in.Path = "/"
	}
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = defaultSessionDuration
	}
	if err := validate(func(v *validation) {
		v.name(in.RoleName, "roleName", maxRoleName)
		v.path(in.Path, "path")
		v.description(in.Description, "description", true)
		v.intRange(in.MaxSessionDuration, "maxSessionDuration", minSessionDuration, maxSessionDuration)
	}); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkBoundaryARN(in.PermissionsBoundary); err != nil {
		return nil, err
	}
	if _, err := parseTrustPolicy(in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	var out *Role
	var result any
	err := s.write(ctx, account, "CreateRole", []store.EventResource{res(resRole, in.RoleName)}, audit, &result, func(tx store.Tx) error {
		k := key(account, kindRole, lower(in.RoleName))
		if old, err := storejson.Get[roleRec](ctx, tx, k); err != nil {
			return err
		} else if old != nil {
			return errorf(CodeEntityAlreadyExists, "Role with name %s already exists.", in.RoleName)
		}
		if n, err := storejson.Count(ctx, tx, account, kindRole, ""); err != nil {
			return err
		} else if n >= s.quotas.RolesPerAccount {
			return quota("RolesPerAccount", s.quotas.RolesPerAccount)
		}
		id, err := s.newUniqueID(prefixRole)
		if err != nil {
			return err
		}
		rec := &roleRec{
			entityRec: entityRec{Name: in.RoleName, ID: id, Path: in.Path, Created: s.clock(), Tags: in.Tags},
			Trust:     in.AssumeRolePolicyDocument, Description: in.Description, MaxSession: in.MaxSessionDuration,
		}
		en := &entity{kind: kindOfRole, rec: rec, e: &rec.entityRec}
		if in.PermissionsBoundary != "" {
			if err := s.setBoundary(ctx, tx, account, en, in.PermissionsBoundary); err != nil {
				return err
			}
		}
		if err := storejson.Create(ctx, tx, k, rec); err != nil {
			return err
		}
		r := roleView(account, rec, true)
		r.RoleLastUsed = nil
		out, result = &r, &r
		return nil
	})
	return out, err
}

// GetRole returns a role with its trust policy, tags, boundary and last use.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
func (s *Service) GetRole(ctx context.Context, account, name string) (*Role, error) {
	if err := validate(func(v *validation) { v.name(name, "roleName", maxExisting) }); err != nil {
		return nil, err
	}
	var out *Role
	err := s.view(ctx, func(r store.Reader) error {
		rec, err := storejson.Get[roleRec](ctx, r, key(account, kindRole, lower(name)))
		if err != nil {
			return err
		}
		if rec == nil {
			return noSuchRole(name)
		}
		v := roleView(account, rec, true)
		out = &v
		return nil
	})
	return out, err
}

// ListRoles lists roles whose path starts with pathPrefix, by name. As IAM
// does, it leaves out tags, permissions boundaries and last use.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html
func (s *Service) ListRoles(ctx context.Context, account, pathPrefix string, p Page) (ListPage[Role], error) {
	if err := validate(func(v *validation) { v.pathPrefix(pathPrefix, "pathPrefix"); v.page(p) }); err != nil {
		return ListPage[Role]{}, err
	}
	var roles []Role
	err := s.view(ctx, func(r store.Reader) error {
		recs, _, err := storejson.List[roleRec](ctx, r, account, kindRole, "")
		for _, rec := range recs {
			if strings.HasPrefix(rec.Path, pathPrefix) {
				roles = append(roles, roleView(account, rec, false))
			}
		}
		return err
	})
	if err != nil {
		return ListPage[Role]{}, err
	}
	return pageOf(roles, func(r Role) string { return lower(r.RoleName) }, p)
}

// UpdateRole changes a role's description (when description is not nil)
// and maximum session duration (when maxSession is not 0).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html
func (s *Service) UpdateRole(ctx context.Context, account, name string, description *string, maxSession int, audit Audit) error {
	if err := validate(func(v *validation) {
		v.name(name, "roleName", maxRoleName)
		if description != nil {
			v.description(*description, "description", true)
		}
		if maxSession != 0 {
			v.intRange(maxSession, "maxSessionDuration", minSessionDuration, maxSessionDuration)
		}
	}); err != nil {
		return err
	}
	return s.write(ctx, account, "UpdateRole", []store.EventResource{res(resRole, name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfRole, name)
		if err != nil {
			return err
		}
		r := en.rec.(*roleRec)
		if description != nil {
			r.Description = *description
		}
		if maxSession != 0 {
			r.MaxSession = maxSession
		}
		return en.save(ctx, tx, account)
	})
}

// UpdateRoleDescription changes a role's description and returns the role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRoleDescription.html
func (s *Service) UpdateRoleDescription(ctx context.Context, account, name, description string, audit Audit) (*Role, error) {
	if err := validate(func(v *validation) {
		v.name(name, "roleName", maxRoleName)
		v.description(description, "description", true)
	}); err != nil {
		return nil, err
	}
	var out *Role
	var result any
	err := s.write(ctx, account, "UpdateRoleDescription", []store.EventResource{res(resRole, name)}, audit, &result, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfRole, name)
		if err != nil {
			return err
		}
		r := en.rec.(*roleRec)
		r.Description = description
		v := roleView(account, r, true)
		out, result = &v, &v
		return en.save(ctx, tx, account)
	})
	return out, err
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, account, name, document string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, "roleName", maxRoleName) }); err != nil {
		return err
	}
	if _, err := parseTrustPolicy(document); err != nil {
		return err
	}
	return s.write(ctx, account, "UpdateAssumeRolePolicy", []store.EventResource{res(resRole, name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfRole, name)
		if err != nil {
			return err
		}
		en.rec.(*roleRec).Trust = document
		return en.save(ctx, tx, account)
	})
}

// DeleteRole deletes a role without inline or attached policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html
func (s *Service) DeleteRole(ctx context.Context, account, name string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, "roleName", maxRoleName) }); err != nil {
		return err
	}
	return s.write(ctx, account, "DeleteRole", []store.EventResource{res(resRole, name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfRole, name)
		if err != nil {
			return err
		}
		switch {
		case len(en.e.Attached) > 0:
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		case len(en.e.Inline) > 0:
			return deleteConflict("Cannot delete entity, must delete policies first.")
		}
		if err := dropBoundaryUsage(ctx, tx, account, en); err != nil {
			return err
		}
		return storejson.Delete(ctx, tx, en.key(account))
	})
}

// TagRole adds or replaces tags of a role (at most 50 in all).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagRole.html
func (s *Service) TagRole(ctx context.Context, account, name string, tags []Tag, audit Audit) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeEntityTags(ctx, account, kindOfRole, name, "TagRole", audit, func(old []Tag) ([]Tag, error) { return mergeTagsChecked(old, tags) })
}

// UntagRole removes tags from a role; absent keys are ignored.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html
func (s *Service) UntagRole(ctx context.Context, account, name string, keys []string, audit Audit) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeEntityTags(ctx, account, kindOfRole, name, "UntagRole", audit, func(old []Tag) ([]Tag, error) { return removeTags(old, keys), nil })
}

// ListRoleTags lists a role's tags. https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoleTags.html
func (s *Service) ListRoleTags(ctx context.Context, account, name string, p Page) (ListPage[Tag], error) {
	return s.listEntityTags(ctx, account, kindOfRole, name, p)
}

// PutRolePermissionsBoundary sets a role's permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, account, name, policyARN string, audit Audit) error {
	return s.putBoundary(ctx, account, kindOfRole, name, policyARN, "PutRolePermissionsBoundary", audit)
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePermissionsBoundary.html
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, account, name string, audit Audit) error {
	return s.deleteBoundary(ctx, account, kindOfRole, name, "DeleteRolePermissionsBoundary", audit)
}

// RecordRoleUse notes that a role was assumed (STS calls it), for GetRole's
// RoleLastUsed. Like access key use it is written at most once a minute per
// role.
func (s *Service) RecordRoleUse(ctx context.Context, account, name, region string) error {
	now := s.now().UTC()
	if !s.keyUse.due("role\x00"+account+"\x00"+lower(name), now) {
		return nil
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfRole, name)
		if err != nil {
			return err
		}
		r := en.rec.(*roleRec)
		r.LastUsed, r.LastUsedRegion = now.Truncate(time.Second), region
		return en.save(ctx, tx, account)
	})
}
