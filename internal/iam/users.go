package iam

import (
	"context"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// User is an IAM user.
type User struct {
	Path       string    `json:"path"`
	UserName   string    `json:"userName"`
	UserID     string    `json:"userId"`
	ARN        string    `json:"arn"`
	CreateDate time.Time `json:"createDate"`
	// PermissionsBoundary is the ARN of the user's permissions boundary
	// policy ("" for none); IAM returns it as PermissionsBoundary
	// {PermissionsBoundaryType: PermissionsBoundaryPolicy,
	// PermissionsBoundaryArn}.
	PermissionsBoundary string `json:"permissionsBoundary,omitempty"`
	Tags                []Tag  `json:"tags,omitempty"`
}

func userARN(account, path, name string) string { return entityARN(account, "user", path, name) }

func userView(account string, rec *userRec, full bool) User {
	u := User{Path: rec.Path, UserName: rec.Name, UserID: rec.ID, ARN: userARN(account, rec.Path, rec.Name), CreateDate: rec.Created}
	if full {
		u.PermissionsBoundary = rec.Boundary
		u.Tags = cloneTags(rec.Tags)
	}
	return u
}

// CreateUserInput is CreateUser's request.
type CreateUserInput struct {
	UserName            string
	Path                string // "" means "/"
	PermissionsBoundary string // policy ARN, optional
	Tags                []Tag
}

// CreateUser creates a user. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
func (s *Service) CreateUser(ctx context.Context, account string, in CreateUserInput, audit Audit) (*User, error) {
	if in.Path == "" {
		in.Path = "/"
	}
	if err := validate(func(v *validation) {
		v.name(in.UserName, "userName", maxUserName)
		v.path(in.Path, "path")
	}); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkBoundaryARN(in.PermissionsBoundary); err != nil {
		return nil, err
	}
	var out *User
	var result any
	err := s.write(ctx, account, "CreateUser", []store.EventResource{res(resUser, in.UserName)}, audit, &result, func(tx store.Tx) error {
		k := key(account, kindUser, lower(in.UserName))
		if old, err := storejson.Get[userRec](ctx, tx, k); err != nil {
			return err
		} else if old != nil {
			return errorf(CodeEntityAlreadyExists, "User with name %s already exists.", in.UserName)
		}
		if n, err := storejson.Count(ctx, tx, account, kindUser, ""); err != nil {
			return err
		} else if n >= s.quotas.UsersPerAccount {
			return quota("UsersPerAccount", s.quotas.UsersPerAccount)
		}
		id, err := s.newUniqueID(prefixUser)
		if err != nil {
			return err
		}
		rec := &userRec{entityRec: entityRec{Name: in.UserName, ID: id, Path: in.Path, Created: s.clock(), Tags: in.Tags}}
		en := &entity{kind: kindOfUser, rec: rec, e: &rec.entityRec}
		if in.PermissionsBoundary != "" {
			if err := s.setBoundary(ctx, tx, account, en, in.PermissionsBoundary); err != nil {
				return err
			}
		}
		if err := storejson.Create(ctx, tx, k, rec); err != nil {
			return err
		}
		u := userView(account, rec, true)
		out, result = &u, &u
		return nil
	})
	return out, err
}

// GetUser returns a user with its tags and permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
func (s *Service) GetUser(ctx context.Context, account, name string) (*User, error) {
	if err := validate(func(v *validation) { v.name(name, "userName", maxExisting) }); err != nil {
		return nil, err
	}
	// GetUser is on the request path of every IAM call on a user (its ARN,
	// path and tags authorize the call), so answers are kept for the
	// store's generation like the other request-path lookups.
	c, err := s.cache(ctx)
	if err != nil {
		return nil, err
	}
	k := acctName{account, lower(name)}
	c.mu.RLock()
	cached := c.userViews[k]
	c.mu.RUnlock()
	if cached != nil {
		u := *cached
		return &u, nil
	}
	var out *User
	err = s.view(ctx, func(r store.Reader) error {
		rec, err := storejson.Get[userRec](ctx, r, key(account, kindUser, lower(name)))
		if err != nil {
			return err
		}
		if rec == nil {
			return noSuchUser(name)
		}
		u := userView(account, rec, true)
		out = &u
		return nil
	})
	if err != nil {
		return nil, err
	}
	keep := *out
	c.mu.Lock()
	c.userViews[k] = &keep
	c.mu.Unlock()
	return out, nil
}

// ListUsers lists users whose path starts with pathPrefix, by name. As IAM
// does, it leaves out tags and permissions boundaries.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
func (s *Service) ListUsers(ctx context.Context, account, pathPrefix string, p Page) (ListPage[User], error) {
	if err := validate(func(v *validation) { v.pathPrefix(pathPrefix, "pathPrefix"); v.page(p) }); err != nil {
		return ListPage[User]{}, err
	}
	var users []User
	err := s.view(ctx, func(r store.Reader) error {
		recs, _, err := storejson.List[userRec](ctx, r, account, kindUser, "")
		for _, rec := range recs {
			if strings.HasPrefix(rec.Path, pathPrefix) {
				users = append(users, userView(account, rec, false))
			}
		}
		return err
	})
	if err != nil {
		return ListPage[User]{}, err
	}
	return pageOf(users, func(u User) string { return lower(u.UserName) }, p)
}

// UpdateUser renames a user or changes its path; empty arguments leave that
// part unchanged. https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html
func (s *Service) UpdateUser(ctx context.Context, account, name, newName, newPath string, audit Audit) error {
	if err := validate(func(v *validation) {
		v.name(name, "userName", maxExisting)
		if newName != "" {
			v.name(newName, "newUserName", maxUserName)
		}
		if newPath != "" {
			v.path(newPath, "newPath")
		}
	}); err != nil {
		return err
	}
	return s.write(ctx, account, "UpdateUser", []store.EventResource{res(resUser, name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfUser, name)
		if err != nil {
			return err
		}
		u := en.rec.(*userRec)
		oldName := u.Name
		if newPath != "" {
			u.Path = newPath
		}
		if newName == "" || newName == oldName {
			return en.save(ctx, tx, account)
		}
		if lower(newName) != lower(oldName) {
			if other, err := storejson.Get[userRec](ctx, tx, key(account, kindUser, lower(newName))); err != nil {
				return err
			} else if other != nil {
				return errorf(CodeEntityAlreadyExists, "User with name %s already exists.", newName)
			}
		}
		if err := storejson.Delete(ctx, tx, en.key(account)); err != nil {
			return err
		}
		u.Name = newName
		if err := en.save(ctx, tx, account); err != nil {
			return err
		}
		return s.renameUserRefs(ctx, tx, account, en, oldName)
	})
}

// renameUserRefs rewrites what refers to a renamed user: group membership,
// policy attachments, access keys and MFA devices.
func (s *Service) renameUserRefs(ctx context.Context, tx store.Tx, account string, en *entity, oldName string) error {
	u := en.rec.(*userRec)
	if err := renameUsages(ctx, tx, account, en, oldName); err != nil {
		return err
	}
	for _, g := range u.Groups {
		if err := storejson.Delete(ctx, tx, key(account, kindMember, g+"\n"+lower(oldName))); err != nil {
			return err
		}
		if err := storejson.Put(ctx, tx, key(account, kindMember, g+"\n"+lower(u.Name)), memberRec{User: u.Name}); err != nil {
			return err
		}
	}
	for _, id := range u.AccessKeys {
		k := key("", kindAccessKey, id)
		ak, err := storejson.Get[accessKeyRec](ctx, tx, k)
		if err != nil {
			return err
		}
		if ak == nil {
			continue
		}
		ak.User, ak.UserLower = u.Name, lower(u.Name)
		if err := storejson.Put(ctx, tx, k, ak); err != nil {
			return err
		}
	}
	for _, serial := range u.MFA {
		k := key(account, kindMFA, serial)
		d, err := storejson.Get[mfaRec](ctx, tx, k)
		if err != nil {
			return err
		}
		if d == nil {
			continue
		}
		d.User = lower(u.Name)
		if err := storejson.Put(ctx, tx, k, d); err != nil {
			return err
		}
	}
	return nil
}

// DeleteUser deletes a user that holds nothing: IAM refuses with
// DeleteConflict while it has access keys, MFA devices, inline or attached
// policies or group memberships ("Cannot delete entity, must delete access
// keys first." ...). https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html
func (s *Service) DeleteUser(ctx context.Context, account, name string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, "userName", maxExisting) }); err != nil {
		return err
	}
	return s.write(ctx, account, "DeleteUser", []store.EventResource{res(resUser, name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfUser, name)
		if err != nil {
			return err
		}
		u := en.rec.(*userRec)
		switch {
		case len(u.AccessKeys) > 0:
			return deleteConflict("Cannot delete entity, must delete access keys first.")
		case len(u.MFA) > 0:
			return deleteConflict("Cannot delete entity, must delete MFA device first.")
		case len(u.Inline) > 0:
			return deleteConflict("Cannot delete entity, must delete policies first.")
		case len(u.Attached) > 0:
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		case len(u.Groups) > 0:
			// The wording of this refusal is not documented by IAM.
			return deleteConflict("Cannot delete entity, must remove user from all groups first.")
		}
		if err := dropBoundaryUsage(ctx, tx, account, en); err != nil {
			return err
		}
		return storejson.Delete(ctx, tx, en.key(account))
	})
}

// TagUser adds or replaces tags of a user (at most 50 in all).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html
func (s *Service) TagUser(ctx context.Context, account, name string, tags []Tag, audit Audit) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeEntityTags(ctx, account, kindOfUser, name, "TagUser", audit, func(old []Tag) ([]Tag, error) { return mergeTagsChecked(old, tags) })
}

// UntagUser removes tags from a user; absent keys are ignored.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html
func (s *Service) UntagUser(ctx context.Context, account, name string, keys []string, audit Audit) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeEntityTags(ctx, account, kindOfUser, name, "UntagUser", audit, func(old []Tag) ([]Tag, error) { return removeTags(old, keys), nil })
}

// ListUserTags lists a user's tags. https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserTags.html
func (s *Service) ListUserTags(ctx context.Context, account, name string, p Page) (ListPage[Tag], error) {
	return s.listEntityTags(ctx, account, kindOfUser, name, p)
}

func (s *Service) changeEntityTags(ctx context.Context, account string, kind entityKind, name, op string, audit Audit, change func([]Tag) ([]Tag, error)) error {
	if err := validate(func(v *validation) { v.name(name, string(kind)+"Name", maxExisting) }); err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resourceType(kind), name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kind, name)
		if err != nil {
			return err
		}
		if en.e.Tags, err = change(en.e.Tags); err != nil {
			return err
		}
		return en.save(ctx, tx, account)
	})
}

func (s *Service) listEntityTags(ctx context.Context, account string, kind entityKind, name string, p Page) (ListPage[Tag], error) {
	if err := validate(func(v *validation) { v.name(name, string(kind)+"Name", maxExisting); v.page(p) }); err != nil {
		return ListPage[Tag]{}, err
	}
	var tags []Tag
	err := s.view(ctx, func(r store.Reader) error {
		en, err := loadEntity(ctx, r, account, kind, name)
		if err == nil {
			tags = en.e.Tags
		}
		return err
	})
	if err != nil {
		return ListPage[Tag]{}, err
	}
	return pageTags(tags, p)
}

func resourceType(kind entityKind) string {
	switch kind {
	case kindOfUser:
		return resUser
	case kindOfGroup:
		return resGroup
	}
	return resRole
}

// PutUserPermissionsBoundary sets a user's permissions boundary to a managed
// policy. https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPermissionsBoundary.html
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, account, name, policyARN string, audit Audit) error {
	return s.putBoundary(ctx, account, kindOfUser, name, policyARN, "PutUserPermissionsBoundary", audit)
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPermissionsBoundary.html
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, account, name string, audit Audit) error {
	return s.deleteBoundary(ctx, account, kindOfUser, name, "DeleteUserPermissionsBoundary", audit)
}

func (s *Service) putBoundary(ctx context.Context, account string, kind entityKind, name, arn, op string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, string(kind)+"Name", maxExisting) }); err != nil {
		return err
	}
	if err := checkBoundaryARN(arn); err != nil {
		return err
	}
	if arn == "" {
		return validate(func(v *validation) { v.length(arn, "permissionsBoundary", 20, maxARN) })
	}
	return s.write(ctx, account, op, []store.EventResource{res(resourceType(kind), name), res(resPolicy, arn)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kind, name)
		if err != nil {
			return err
		}
		if err := s.setBoundary(ctx, tx, account, en, arn); err != nil {
			return err
		}
		return en.save(ctx, tx, account)
	})
}

func (s *Service) deleteBoundary(ctx context.Context, account string, kind entityKind, name, op string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, string(kind)+"Name", maxExisting) }); err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resourceType(kind), name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kind, name)
		if err != nil {
			return err
		}
		if err := dropBoundaryUsage(ctx, tx, account, en); err != nil {
			return err
		}
		en.e.Boundary = ""
		return en.save(ctx, tx, account)
	})
}
