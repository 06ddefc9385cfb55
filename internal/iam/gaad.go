package iam

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// UserDetail is a user with its policies and groups.
type UserDetail struct {
	User
	UserPolicyList          []InlinePolicy
	GroupList               []string
	AttachedManagedPolicies []AttachedPolicy
}

// GroupDetail is a group with its policies.
type GroupDetail struct {
	Group
	GroupPolicyList         []InlinePolicy
	AttachedManagedPolicies []AttachedPolicy
}

// RoleDetail is a role with its policies (cleanroom has no instance
// profiles, so InstanceProfileList is always empty in the wire response).
type RoleDetail struct {
	Role
	RolePolicyList          []InlinePolicy
	AttachedManagedPolicies []AttachedPolicy
}

// ManagedPolicyDetail is a managed policy with every version's document.
type ManagedPolicyDetail struct {
	Policy
	PolicyVersionList []PolicyVersion
}

// AuthorizationDetails is GetAccountAuthorizationDetails' result.
type AuthorizationDetails struct {
	UserDetailList  []UserDetail
	GroupDetailList []GroupDetail
	RoleDetailList  []RoleDetail
	Policies        []ManagedPolicyDetail
	IsTruncated     bool
	Marker          string
}

// GetAccountAuthorizationDetails returns the account's users, groups, roles
// and managed policies with their relationships, filtered by entity type
// (User, Role, Group, LocalManagedPolicy, AWSManagedPolicy; none means all).
// AWS managed policies are listed when they are attached to an entity or
// used as a permissions boundary in the account. One page spans the lists
// in that order. https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
func (s *Service) GetAccountAuthorizationDetails(ctx context.Context, account string, filter []string, p Page) (*AuthorizationDetails, error) {
	if err := validate(func(v *validation) {
		for i, f := range filter {
			switch f {
			case EntityUser, EntityRole, EntityGroup, EntityLocal, EntityAWS:
			default:
				v.add(f, "filter."+strconv.Itoa(i+1)+".member", "Member must satisfy enum value set: [LocalManagedPolicy, Group, Role, User, AWSManagedPolicy]")
			}
		}
		v.page(p)
	}); err != nil {
		return nil, err
	}
	want := func(f string) bool { return len(filter) == 0 || slices.Contains(filter, f) }
	type item struct {
		k string
		u *UserDetail
		g *GroupDetail
		r *RoleDetail
		p *ManagedPolicyDetail
	}
	var items []item
	err := s.view(ctx, func(r store.Reader) error {
		groupNames := map[string]string{}
		groups, _, err := storejson.List[groupRec](ctx, r, account, kindGroup, "")
		if err != nil {
			return err
		}
		for _, g := range groups {
			groupNames[lower(g.Name)] = g.Name
		}
		if want(EntityUser) {
			users, _, err := storejson.List[userRec](ctx, r, account, kindUser, "")
			if err != nil {
				return err
			}
			for _, u := range users {
				d := &UserDetail{User: userView(account, u, true), UserPolicyList: slices.Clone(u.Inline), GroupList: []string{}}
				for _, lg := range u.Groups {
					d.GroupList = append(d.GroupList, groupNames[lg])
				}
				if d.AttachedManagedPolicies, err = s.attachedPolicies(ctx, r, account, u.Attached, ""); err != nil {
					return err
				}
				items = append(items, item{k: "1" + lower(u.Name), u: d})
			}
		}
		if want(EntityGroup) {
			for _, g := range groups {
				d := &GroupDetail{Group: groupView(account, g), GroupPolicyList: slices.Clone(g.Inline)}
				if d.AttachedManagedPolicies, err = s.attachedPolicies(ctx, r, account, g.Attached, ""); err != nil {
					return err
				}
				items = append(items, item{k: "2" + lower(g.Name), g: d})
			}
		}
		if want(EntityRole) {
			roles, _, err := storejson.List[roleRec](ctx, r, account, kindRole, "")
			if err != nil {
				return err
			}
			for _, ro := range roles {
				d := &RoleDetail{Role: roleView(account, ro, true), RolePolicyList: slices.Clone(ro.Inline)}
				if d.AttachedManagedPolicies, err = s.attachedPolicies(ctx, r, account, ro.Attached, ""); err != nil {
					return err
				}
				items = append(items, item{k: "3" + lower(ro.Name), r: d})
			}
		}
		att, err := usageCounts(ctx, r, account, kindAttachment)
		if err != nil {
			return err
		}
		bnd, err := usageCounts(ctx, r, account, kindBoundaryUse)
		if err != nil {
			return err
		}
		addPolicy := func(m *managed) error {
			pv, err := s.policyView(ctx, r, account, m, false)
			if err != nil {
				return err
			}
			d := &ManagedPolicyDetail{Policy: *pv, PolicyVersionList: m.versions()}
			items = append(items, item{k: "4" + policySortKey(d.Policy), p: d})
			return nil
		}
		if want(EntityAWS) {
			for _, ap := range s.awsPolicyByName {
				if att[ap.ARN] > 0 || bnd[ap.ARN] > 0 {
					if err := addPolicy(&managed{arn: ap.ARN, aws: ap, name: ap.PolicyName, id: ap.PolicyID}); err != nil {
						return err
					}
				}
			}
		}
		if want(EntityLocal) {
			recs, _, err := storejson.List[policyRec](ctx, r, account, kindPolicy, "")
			if err != nil {
				return err
			}
			for _, rec := range recs {
				arn := policyARN(account, rec.Path, rec.Name)
				if err := addPolicy(&managed{arn: arn, rec: rec, name: rec.Name, id: rec.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.k, b.k) })
	pg, err := pageOf(items, func(it item) string { return it.k }, p)
	if err != nil {
		return nil, err
	}
	out := &AuthorizationDetails{
		UserDetailList: []UserDetail{}, GroupDetailList: []GroupDetail{}, RoleDetailList: []RoleDetail{}, Policies: []ManagedPolicyDetail{},
		IsTruncated: pg.IsTruncated, Marker: pg.Marker,
	}
	for _, it := range pg.Items {
		switch {
		case it.u != nil:
			out.UserDetailList = append(out.UserDetailList, *it.u)
		case it.g != nil:
			out.GroupDetailList = append(out.GroupDetailList, *it.g)
		case it.r != nil:
			out.RoleDetailList = append(out.RoleDetailList, *it.r)
		default:
			out.Policies = append(out.Policies, *it.p)
		}
	}
	return out, nil
}

// CreateAccountAlias sets the account's alias (one per account, unique
// across accounts). https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html
func (s *Service) CreateAccountAlias(ctx context.Context, account, alias string, audit Audit) error {
	if err := validate(func(v *validation) {
		if v.length(alias, "accountAlias", 3, 63) && !validAlias(alias) {
			v.add(alias, "accountAlias", "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
		}
	}); err != nil {
		return err
	}
	return s.write(ctx, account, "CreateAccountAlias", nil, audit, nil, func(tx store.Tx) error {
		owner, err := storejson.Get[aliasRec](ctx, tx, key("", kindAlias, alias))
		if err != nil {
			return err
		}
		if owner != nil && owner.Account != account {
			return errorf(CodeEntityAlreadyExists, "The account alias %s already exists.", alias)
		}
		a, err := storejson.Get[accountRec](ctx, tx, accountKey(account))
		if err != nil {
			return err
		}
		if a == nil {
			a = &accountRec{}
		}
		if a.Alias != "" && a.Alias != alias {
			if err := storejson.Delete(ctx, tx, key("", kindAlias, a.Alias)); err != nil {
				return err
			}
		}
		a.Alias = alias
		if err := storejson.Put(ctx, tx, key("", kindAlias, alias), aliasRec{Account: account}); err != nil {
			return err
		}
		return storejson.Put(ctx, tx, accountKey(account), a)
	})
}

type aliasRec struct {
	Account string `json:"account"`
}

func validAlias(a string) bool {
	if a[0] == '-' || a[len(a)-1] == '-' || strings.Contains(a, "--") {
		return false
	}
	for _, c := range []byte(a) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// DeleteAccountAlias removes the account's alias.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountAlias.html
func (s *Service) DeleteAccountAlias(ctx context.Context, account, alias string, audit Audit) error {
	return s.write(ctx, account, "DeleteAccountAlias", nil, audit, nil, func(tx store.Tx) error {
		a, err := storejson.Get[accountRec](ctx, tx, accountKey(account))
		if err != nil {
			return err
		}
		if a == nil || a.Alias != alias {
			return errorf(CodeNoSuchEntity, "The account alias %s cannot be found.", alias)
		}
		a.Alias = ""
		if err := storejson.Delete(ctx, tx, key("", kindAlias, alias)); err != nil {
			return err
		}
		return storejson.Put(ctx, tx, accountKey(account), a)
	})
}

// ListAccountAliases returns the account's alias, if it has one.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccountAliases.html
func (s *Service) ListAccountAliases(ctx context.Context, account string) ([]string, error) {
	out := []string{}
	err := s.view(ctx, func(r store.Reader) error {
		a, err := storejson.Get[accountRec](ctx, r, accountKey(account))
		if err == nil && a != nil && a.Alias != "" {
			out = append(out, a.Alias)
		}
		return err
	})
	return out, err
}
