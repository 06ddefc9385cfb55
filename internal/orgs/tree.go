package orgs

import (
	"context"
	"fmt"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// The tree: the root, OUs and accounts, each account and OU with one parent
// (the root or an OU). Children are indexed by kindChild records
// "PARENT/CHILD" so that a parent's children list by prefix.

// target is a root, OU or account of an organization.
type target struct {
	kind IDKind // KindRoot, KindOU or KindAccount
	id   string
	name string
	ou   *ouRec      // for an OU
	acct *accountRec // for an account
}

func (t *target) targetType() string {
	switch t.kind {
	case KindRoot:
		return TargetTypeRoot
	case KindOU:
		return TargetTypeOU
	}
	return TargetTypeAccount
}

func (t *target) arn(o *orgRec) string {
	switch t.kind {
	case KindRoot:
		return RootARN(o.Mgmt, o.ID, t.id)
	case KindOU:
		return OUARN(o.Mgmt, o.ID, t.id)
	}
	return AccountARN(o.Mgmt, o.ID, t.id)
}

func (t *target) resource() store.EventResource {
	switch t.kind {
	case KindRoot:
		return res(resRoot, t.id)
	case KindOU:
		return res(resOU, t.id)
	}
	return res(resAccount, t.id)
}

func (t *target) tags(o *orgRec) []Tag {
	switch t.kind {
	case KindRoot:
		return o.RootTags
	case KindOU:
		return t.ou.Tags
	}
	return t.acct.Tags
}

// loadTarget finds a root, OU or account of o by id; nil when there is none.
func loadTarget(ctx context.Context, r store.Reader, o *orgRec, id string) (*target, error) {
	switch ParseID(id) {
	case KindRoot:
		if id != o.RootID {
			return nil, nil
		}
		return &target{kind: KindRoot, id: id, name: o.RootName}, nil
	case KindOU:
		ou, err := storejson.Get[ouRec](ctx, r, key(o.Mgmt, kindOU, id))
		if err != nil || ou == nil {
			return nil, err
		}
		return &target{kind: KindOU, id: id, name: ou.Name, ou: ou}, nil
	case KindAccount:
		a, err := storejson.Get[accountRec](ctx, r, key(o.Mgmt, kindAccount, id))
		if err != nil || a == nil {
			return nil, err
		}
		return &target{kind: KindAccount, id: id, name: a.Name, acct: a}, nil
	}
	return nil, nil
}

// isParent reports whether id names the root or an OU of o.
func isParent(ctx context.Context, r store.Reader, o *orgRec, id string) (bool, error) {
	t, err := loadTarget(ctx, r, o, id)
	if err != nil {
		return false, err
	}
	return t != nil && t.kind != KindAccount, nil
}

// maxChain bounds the walk up the tree (OUs nest at most five deep; a
// longer chain is corrupt data).
const maxChain = 16

// chainTo returns the ids from the root down to parent (the root or an OU
// id), inclusive.
func chainTo(ctx context.Context, r store.Reader, o *orgRec, parent string) ([]string, error) {
	var rev []string
	for id := parent; ; {
		rev = append(rev, id)
		if id == o.RootID {
			break
		}
		if len(rev) > maxChain {
			return nil, fmt.Errorf("orgs: organization %s: the parents of %s do not lead to the root", o.ID, parent)
		}
		ou, err := storejson.Get[ouRec](ctx, r, key(o.Mgmt, kindOU, id))
		if err != nil {
			return nil, err
		}
		if ou == nil {
			return nil, fmt.Errorf("orgs: organization %s: parent %s of the tree does not exist", o.ID, id)
		}
		id = ou.Parent
	}
	out := make([]string, len(rev))
	for i, id := range rev {
		out[len(rev)-1-i] = id
	}
	return out, nil
}

// pathOf renders a chain of ids as Organizations writes paths:
// o-.../r-.../ou-.../ (with the trailing slash).
func pathOf(o *orgRec, chain []string) string {
	return o.ID + "/" + strings.Join(chain, "/") + "/"
}

func childID(parent, child string) string { return parent + "/" + child }

func addChild(ctx context.Context, tx store.Tx, mgmt, parent, child string) error {
	return storejson.Put(ctx, tx, key(mgmt, kindChild, childID(parent, child)), struct{}{})
}

func removeChild(ctx context.Context, tx store.Tx, mgmt, parent, child string) error {
	return storejson.Delete(ctx, tx, key(mgmt, kindChild, childID(parent, child)))
}

// children lists the ids of a parent's children (accounts and OUs), in id
// order: account ids (digits) sort before OU ids.
func children(ctx context.Context, r store.Reader, mgmt, parent string) ([]string, error) {
	return storejson.IDs(ctx, r, mgmt, kindChild, parent+"/")
}

// attachment is one policy attached to a target.
type attachment struct {
	policyID string
	typ      string
}

// attachedTo lists the policies attached to a target, in policy id order.
func attachedTo(ctx context.Context, r store.Reader, mgmt, targetID string) ([]attachment, error) {
	recs, ids, err := storejson.List[attachmentRec](ctx, r, mgmt, kindAttachment, targetID+"/")
	if err != nil {
		return nil, err
	}
	out := make([]attachment, len(recs))
	for i, rec := range recs {
		out[i] = attachment{policyID: ids[i][len(targetID)+1:], typ: rec.Type}
	}
	return out, nil
}

// targetsOf lists the targets a policy is attached to, in id order.
func targetsOf(ctx context.Context, r store.Reader, mgmt, policyID string) ([]string, error) {
	return storejson.IDs(ctx, r, mgmt, kindTarget, policyID+"/")
}

func attachPolicy(ctx context.Context, tx store.Tx, mgmt, targetID, policyID, typ string) error {
	rec := attachmentRec{Type: typ}
	if err := storejson.Put(ctx, tx, key(mgmt, kindAttachment, targetID+"/"+policyID), rec); err != nil {
		return err
	}
	return storejson.Put(ctx, tx, key(mgmt, kindTarget, policyID+"/"+targetID), rec)
}

func detachPolicy(ctx context.Context, tx store.Tx, mgmt, targetID, policyID string) error {
	if err := storejson.Delete(ctx, tx, key(mgmt, kindAttachment, targetID+"/"+policyID)); err != nil {
		return err
	}
	return storejson.Delete(ctx, tx, key(mgmt, kindTarget, policyID+"/"+targetID))
}

// detachAll removes every policy attached to a target (an OU being deleted).
func detachAll(ctx context.Context, tx store.Tx, mgmt, targetID string) error {
	as, err := attachedTo(ctx, tx, mgmt, targetID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if err := detachPolicy(ctx, tx, mgmt, targetID, a.policyID); err != nil {
			return err
		}
	}
	return nil
}

// attachDefaults attaches, to a new OU or account, the AWS managed policy of
// every policy type enabled on the root (FullAWSAccess, RCPFullAWSAccess):
// "AWS Organizations attaches the FullAWSAccess policy to the root, every
// OU, and every account" when SCPs are enabled, and to every OU and
// account created afterwards.
func (s *Service) attachDefaults(ctx context.Context, tx store.Tx, o *orgRec, targetID string) error {
	for _, t := range o.Enabled {
		if d := s.defaults[t]; d != nil {
			if err := attachPolicy(ctx, tx, o.Mgmt, targetID, d.summary.ID, t); err != nil {
				return err
			}
		}
	}
	return nil
}
