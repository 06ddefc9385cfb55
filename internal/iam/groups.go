package iam

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// Group is an IAM group.
type Group struct {
	Path       string    `json:"path"`
	GroupName  string    `json:"groupName"`
	GroupID    string    `json:"groupId"`
	ARN        string    `json:"arn"`
	CreateDate time.Time `json:"createDate"`
}

// memberRec is a group membership record (ID: lower group \n lower user).
type memberRec struct {
	User string `json:"user"`
}

func groupView(account string, rec *groupRec) Group {
	return Group{Path: rec.Path, GroupName: rec.Name, GroupID: rec.ID, ARN: entityARN(account, "group", rec.Path, rec.Name), CreateDate: rec.Created}
}

// CreateGroup creates a group. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html
func (s *Service) CreateGroup(ctx context.Context, account, name, path string, audit Audit) (*Group, error) {
	if path == "" {
		path = "/"
	}
	if err := validate(func(v *validation) { v.name(name, "groupName", maxGroupName); v.path(path, "path") }); err != nil {
		return nil, err
	}
	var out *Group
	var result any
	err := s.write(ctx, account, "CreateGroup", []store.EventResource{res(resGroup, name)}, audit, &result, func(tx store.Tx) error {
		k := key(account, kindGroup, lower(name))
		if old, err := storejson.Get[groupRec](ctx, tx, k); err != nil {
			return err
		} else if old != nil {
			return errorf(CodeEntityAlreadyExists, "Group with name %s already exists.", name)
		}
		if n, err := storejson.Count(ctx, tx, account, kindGroup, ""); err != nil {
			return err
		} else if n >= s.quotas.GroupsPerAccount {
			return quota("GroupsPerAccount", s.quotas.GroupsPerAccount)
		}
		id, err := s.newUniqueID(prefixGroup)
		if err != nil {
			return err
		}
		rec := &groupRec{entityRec{Name: name, ID: id, Path: path, Created: s.clock()}}
		if err := storejson.Create(ctx, tx, k, rec); err != nil {
			return err
		}
		g := groupView(account, rec)
		out, result = &g, &g
		return nil
	})
	return out, err
}

// GroupWithUsers is GetGroup's result: the group and a page of its users.
type GroupWithUsers struct {
	Group Group
	Users ListPage[User]
}

// GetGroup returns a group and its users, by name.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroup.html
func (s *Service) GetGroup(ctx context.Context, account, name string, p Page) (*GroupWithUsers, error) {
	if err := validate(func(v *validation) { v.name(name, "groupName", maxGroupName); v.page(p) }); err != nil {
		return nil, err
	}
	var out GroupWithUsers
	var users []User
	err := s.view(ctx, func(r store.Reader) error {
		rec, err := storejson.Get[groupRec](ctx, r, key(account, kindGroup, lower(name)))
		if err != nil {
			return err
		}
		if rec == nil {
			return noSuchGroup(name)
		}
		out.Group = groupView(account, rec)
		_, ids, err := storejson.List[memberRec](ctx, r, account, kindMember, lower(rec.Name)+"\n")
		if err != nil {
			return err
		}
		for _, id := range ids {
			_, lu, _ := strings.Cut(id, "\n")
			u, err := storejson.Get[userRec](ctx, r, key(account, kindUser, lu))
			if err != nil {
				return err
			}
			if u != nil {
				users = append(users, userView(account, u, false))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Users, err = pageOf(users, func(u User) string { return lower(u.UserName) }, p)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListGroups lists groups whose path starts with pathPrefix, by name.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroups.html
func (s *Service) ListGroups(ctx context.Context, account, pathPrefix string, p Page) (ListPage[Group], error) {
	if err := validate(func(v *validation) { v.pathPrefix(pathPrefix, "pathPrefix"); v.page(p) }); err != nil {
		return ListPage[Group]{}, err
	}
	var groups []Group
	err := s.view(ctx, func(r store.Reader) error {
		recs, _, err := storejson.List[groupRec](ctx, r, account, kindGroup, "")
		for _, rec := range recs {
			if strings.HasPrefix(rec.Path, pathPrefix) {
				groups = append(groups, groupView(account, rec))
			}
		}
		return err
	})
	if err != nil {
		return ListPage[Group]{}, err
	}
	return pageOf(groups, func(g Group) string { return lower(g.GroupName) }, p)
}

// ListGroupsForUser lists the groups a user belongs to, by name.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupsForUser.html
func (s *Service) ListGroupsForUser(ctx context.Context, account, userName string, p Page) (ListPage[Group], error) {
	if err := validate(func(v *validation) { v.name(userName, "userName", maxExisting); v.page(p) }); err != nil {
		return ListPage[Group]{}, err
	}
	var groups []Group
	err := s.view(ctx, func(r store.Reader) error {
		en, err := loadEntity(ctx, r, account, kindOfUser, userName)
		if err != nil {
			return err
		}
		for _, lg := range en.rec.(*userRec).Groups {
			g, err := storejson.Get[groupRec](ctx, r, key(account, kindGroup, lg))
			if err != nil {
				return err
			}
			if g != nil {
				groups = append(groups, groupView(account, g))
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[Group]{}, err
	}
	slices.SortFunc(groups, func(a, b Group) int { return strings.Compare(lower(a.GroupName), lower(b.GroupName)) })
	return pageOf(groups, func(g Group) string { return lower(g.GroupName) }, p)
}

// UpdateGroup renames a group or changes its path; empty arguments leave
// that part unchanged. https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html
func (s *Service) UpdateGroup(ctx context.Context, account, name, newName, newPath string, audit Audit) error {
	if err := validate(func(v *validation) {
		v.name(name, "groupName", maxGroupName)
		if newName != "" {
			v.name(newName, "newGroupName", maxGroupName)
		}
		if newPath != "" {
			v.path(newPath, "newPath")
		}
	}); err != nil {
		return err
	}
	return s.write(ctx, account, "UpdateGroup", []store.EventResource{res(resGroup, name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfGroup, name)
		if err != nil {
			return err
		}
		oldName := en.e.Name
		if newPath != "" {
			en.e.Path = newPath
		}
		if newName == "" || newName == oldName {
			return en.save(ctx, tx, account)
		}
		if lower(newName) != lower(oldName) {
			if other, err := storejson.Get[groupRec](ctx, tx, key(account, kindGroup, lower(newName))); err != nil {
				return err
			} else if other != nil {
				return errorf(CodeEntityAlreadyExists, "Group with name %s already exists.", newName)
			}
		}
		if err := storejson.Delete(ctx, tx, en.key(account)); err != nil {
			return err
		}
		en.e.Name = newName
		if err := en.save(ctx, tx, account); err != nil {
			return err
		}
		if err := renameUsages(ctx, tx, account, en, oldName); err != nil {
			return err
		}
		// Move the membership records and the users' references.
		members, ids, err := storejson.List[memberRec](ctx, tx, account, kindMember, lower(oldName)+"\n")
		if err != nil {
			return err
		}
		for i, id := range ids {
			_, lu, _ := strings.Cut(id, "\n")
			if err := storejson.Delete(ctx, tx, key(account, kindMember, id)); err != nil {
				return err
			}
			if err := storejson.Put(ctx, tx, key(account, kindMember, lower(newName)+"\n"+lu), members[i]); err != nil {
				return err
			}
			uk := key(account, kindUser, lu)
			u, err := storejson.Get[userRec](ctx, tx, uk)
			if err != nil {
				return err
			}
			if u == nil {
				continue
			}
			for j, g := range u.Groups {
				if g == lower(oldName) {
					u.Groups[j] = lower(newName)
				}
			}
			if err := storejson.Put(ctx, tx, uk, u); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteGroup deletes a group without users or policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html
func (s *Service) DeleteGroup(ctx context.Context, account, name string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(name, "groupName", maxGroupName) }); err != nil {
		return err
	}
	return s.write(ctx, account, "DeleteGroup", []store.EventResource{res(resGroup, name)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfGroup, name)
		if err != nil {
			return err
		}
		n, err := storejson.Count(ctx, tx, account, kindMember, lower(en.e.Name)+"\n")
		if err != nil {
			return err
		}
		switch {
		case n > 0:
			return deleteConflict("Cannot delete entity, must remove users from group first.")
		case len(en.e.Inline) > 0:
			return deleteConflict("Cannot delete entity, must delete policies first.")
		case len(en.e.Attached) > 0:
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		}
		return storejson.Delete(ctx, tx, en.key(account))
	})
}

// AddUserToGroup adds a user to a group (a user belongs to at most 10
// groups: "Cannot exceed quota for GroupsPerUser: 10"); adding a member
// again changes nothing. https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html
func (s *Service) AddUserToGroup(ctx context.Context, account, groupName, userName string, audit Audit) error {
	if err := validate(func(v *validation) {
		v.name(groupName, "groupName", maxGroupName)
		v.name(userName, "userName", maxExisting)
	}); err != nil {
		return err
	}
	return s.write(ctx, account, "AddUserToGroup", []store.EventResource{res(resGroup, groupName), res(resUser, userName)}, audit, nil, func(tx store.Tx) error {
		g, err := loadEntity(ctx, tx, account, kindOfGroup, groupName)
		if err != nil {
			return err
		}
		en, err := loadEntity(ctx, tx, account, kindOfUser, userName)
		if err != nil {
			return err
		}
		u := en.rec.(*userRec)
		lg := lower(g.e.Name)
		if slices.Contains(u.Groups, lg) {
			return nil
		}
		if len(u.Groups) >= maxGroupsPerUser {
			return quota("GroupsPerUser", maxGroupsPerUser)
		}
		u.Groups = append(u.Groups, lg)
		if err := en.save(ctx, tx, account); err != nil {
			return err
		}
		return storejson.Put(ctx, tx, key(account, kindMember, lg+"\n"+lower(u.Name)), memberRec{User: u.Name})
	})
}

// RemoveUserFromGroup removes a user from a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveUserFromGroup.html
func (s *Service) RemoveUserFromGroup(ctx context.Context, account, groupName, userName string, audit Audit) error {
	if err := validate(func(v *validation) {
		v.name(groupName, "groupName", maxGroupName)
		v.name(userName, "userName", maxExisting)
	}); err != nil {
		return err
	}
	return s.write(ctx, account, "RemoveUserFromGroup", []store.EventResource{res(resGroup, groupName), res(resUser, userName)}, audit, nil, func(tx store.Tx) error {
		g, err := loadEntity(ctx, tx, account, kindOfGroup, groupName)
		if err != nil {
			return err
		}
		en, err := loadEntity(ctx, tx, account, kindOfUser, userName)
		if err != nil {
			return err
		}
		u := en.rec.(*userRec)
		lg := lower(g.e.Name)
		i := slices.Index(u.Groups, lg)
		if i < 0 {
			// IAM answers NoSuchEntity naming the user when it is not a
			// member of the group.
			return noSuchUser(userName)
		}
		u.Groups = slices.Delete(u.Groups, i, i+1)
		if err := en.save(ctx, tx, account); err != nil {
			return err
		}
		return storejson.Delete(ctx, tx, key(account, kindMember, lg+"\n"+lower(u.Name)))
	})
}
