package iam

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// entity is a loaded user, group or role.
type entity struct {
	kind entityKind
	rec  any // *userRec, *groupRec or *roleRec
	e    *entityRec
}

func noSuchEntityOf(kind entityKind, name string) *Error {
	switch kind {
	case kindOfUser:
		return noSuchUser(name)
	case kindOfGroup:
		return noSuchGroup(name)
	}
	return noSuchRole(name)
}

// loadEntity reads a user, group or role by name (case-insensitively, as
// IAM resolves names); a missing one is NoSuchEntity.
func loadEntity(ctx context.Context, r store.Reader, account string, kind entityKind, name string) (*entity, error) {
	k := key(account, kind.storeKind(), lower(name))
	en := &entity{kind: kind}
	switch kind {
	case kindOfUser:
		rec, err := storejson.Get[userRec](ctx, r, k)
		if err != nil || rec == nil {
			return nil, orNotFound(err, kind, name)
		}
		en.rec, en.e = rec, &rec.entityRec
	case kindOfGroup:
		rec, err := storejson.Get[groupRec](ctx, r, k)
		if err != nil || rec == nil {
			return nil, orNotFound(err, kind, name)
		}
		en.rec, en.e = rec, &rec.entityRec
	default:
		rec, err := storejson.Get[roleRec](ctx, r, k)
		if err != nil || rec == nil {
			return nil, orNotFound(err, kind, name)
		}
		en.rec, en.e = rec, &rec.entityRec
	}
	return en, nil
}

func orNotFound(err error, kind entityKind, name string) error {
	if err != nil {
		return err
	}
	return noSuchEntityOf(kind, name)
}

func (en *entity) key(account string) store.Key {
	return key(account, en.kind.storeKind(), lower(en.e.Name))
}

func (en *entity) save(ctx context.Context, tx store.Tx, account string) error {
	return storejson.Put(ctx, tx, en.key(account), en.rec)
}

func (en *entity) arn(account string) string {
	return entityARN(account, en.kind.String(), en.e.Path, en.e.Name)
}

// usageID is the ID of an attachment or boundary-use record: policy ARN,
// entity kind and lower-cased entity name.
func usageID(policyARN string, kind entityKind, name string) string {
	return policyARN + "\n" + string(kind) + "\n" + lower(name)
}

// usageRec is the data of attachment and boundary-use records.
type usageRec struct {
	Kind entityKind `json:"kind"`
	Name string     `json:"name"`
	ID   string     `json:"id"`
}

func putUsage(ctx context.Context, tx store.Tx, account, kind, policyARN string, en *entity) error {
	return storejson.Put(ctx, tx, key(account, kind, usageID(policyARN, en.kind, en.e.Name)), usageRec{Kind: en.kind, Name: en.e.Name, ID: en.e.ID})
}

func dropUsage(ctx context.Context, tx store.Tx, account, kind, policyARN string, en *entity) error {
	return storejson.Delete(ctx, tx, key(account, kind, usageID(policyARN, en.kind, en.e.Name)))
}

// renameUsages rewrites the attachment and boundary-use records of an
// entity whose name changes (UpdateUser, UpdateGroup).
func renameUsages(ctx context.Context, tx store.Tx, account string, en *entity, oldName string) error {
	for _, arn := range en.e.Attached {
		if err := storejson.Delete(ctx, tx, key(account, kindAttachment, usageID(arn, en.kind, oldName))); err != nil {
			return err
		}
		if err := putUsage(ctx, tx, account, kindAttachment, arn, en); err != nil {
			return err
		}
	}
	if arn := en.e.Boundary; arn != "" {
		if err := storejson.Delete(ctx, tx, key(account, kindBoundaryUse, usageID(arn, en.kind, oldName))); err != nil {
			return err
		}
		if err := putUsage(ctx, tx, account, kindBoundaryUse, arn, en); err != nil {
			return err
		}
	}
	return nil
}

// dropAllUsages removes an entity's boundary-use record when it is deleted
// (attachments block deletion; the boundary does not).
func dropBoundaryUsage(ctx context.Context, tx store.Tx, account string, en *entity) error {
	if en.e.Boundary == "" {
		return nil
	}
	return dropUsage(ctx, tx, account, kindBoundaryUse, en.e.Boundary, en)
}

// setBoundary resolves and sets an entity's permissions boundary inside a
// transaction. The policy must exist: "Policy ARN does not exist or is not
// attachable."
func (s *Service) setBoundary(ctx context.Context, tx store.Tx, account string, en *entity, arn string) error {
	m, err := s.resolvePolicy(ctx, tx, account, arn)
	if err != nil {
		return err
	}
	if m == nil {
		return notAttachable(arn)
	}
	if old := en.e.Boundary; old != "" && old != arn {
		if err := dropUsage(ctx, tx, account, kindBoundaryUse, old, en); err != nil {
			return err
		}
	}
	en.e.Boundary = arn
	return putUsage(ctx, tx, account, kindBoundaryUse, arn, en)
}

// checkBoundaryARN validates a PermissionsBoundary parameter's form.
func checkBoundaryARN(arn string) error {
	if arn == "" {
		return nil
	}
	_, _, _, err := splitPolicyARN(arn)
	return err
}
