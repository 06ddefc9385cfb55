package orgs

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// A taggable resource: the root, an OU, an account or a customer managed
// policy ("Tagging AWS Organizations resources",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_tagging.html).

func checkResourceID(id string) error {
	return checkIDParam("ResourceId", id, ReasonInvalidPattern, KindRoot, KindOU, KindAccount, KindPolicy)
}

// resourceTags reads the tags of a resource of o and returns them with a
// function that stores new ones in tx.
func (s *Service) resourceTags(ctx context.Context, r store.Reader, o *orgRec, id string) ([]Tag, func(context.Context, store.Tx, []Tag) error, error) {
	if ParseID(id) == KindPolicy {
		m, p, err := s.loadPolicy(ctx, r, o, id)
		switch {
		case err != nil:
			return nil, nil, err
		case m != nil:
			// AWS managed policies are not the customer's to tag.
			return nil, nil, clone(errImmutable)
		case p == nil:
			return nil, nil, clone(errTargetNotFound)
		}
		return p.Tags, func(ctx context.Context, tx store.Tx, tags []Tag) error {
			p.Tags = tags
			return storejson.Put(ctx, tx, key(o.Mgmt, kindPolicy, p.ID), p)
		}, nil
	}
	t, err := loadTarget(ctx, r, o, id)
	if err != nil {
		return nil, nil, err
	}
	if t == nil {
		return nil, nil, clone(errTargetNotFound)
	}
	return t.tags(o), func(ctx context.Context, tx store.Tx, tags []Tag) error {
		switch t.kind {
		case KindRoot:
			o.RootTags = tags
			return storejson.Put(ctx, tx, key("", kindOrg, o.ID), o)
		case KindOU:
			t.ou.Tags = tags
			return storejson.Put(ctx, tx, key(o.Mgmt, kindOU, t.id), t.ou)
		}
		t.acct.Tags = tags
		return storejson.Put(ctx, tx, key(o.Mgmt, kindAccount, t.id), t.acct)
	}, nil
}

func resourceOf(id string) store.EventResource {
	switch ParseID(id) {
	case KindRoot:
		return res(resRoot, id)
	case KindOU:
		return res(resOU, id)
	case KindAccount:
		return res(resAccount, id)
	}
	return res(resPolicy, id)
}

// TagResource adds tags to a resource, replacing those with the same keys.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_TagResource.html
func (s *Service) TagResource(ctx context.Context, caller, resourceID string, tags []Tag, audit Audit) error {
	if err := checkResourceID(resourceID); err != nil {
		return err
	}
	if len(tags) == 0 {
		return invalidInput(ReasonInputRequired, "You must specify a value for Tags.")
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	resources := []store.EventResource{resourceOf(resourceID)}
	return s.write(ctx, caller, "TagResource", &resources, audit, nil, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		old, set, err := s.resourceTags(ctx, tx, o, resourceID)
		if err != nil {
			return err
		}
		merged, err := mergeTags(old, tags)
		if err != nil {
			return err
		}
		return set(ctx, tx, merged)
	})
}

// UntagResource removes tags by key; absent keys are ignored.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, caller, resourceID string, keys []string, audit Audit) error {
	if err := checkResourceID(resourceID); err != nil {
		return err
	}
	if len(keys) == 0 {
		return invalidInput(ReasonInputRequired, "You must specify a value for TagKeys.")
	}
	for _, k := range keys {
		if err := checkTagKey(k); err != nil {
			return err
		}
	}
	resources := []store.EventResource{resourceOf(resourceID)}
	return s.write(ctx, caller, "UntagResource", &resources, audit, nil, func(tx store.Tx) error {
		o, err := callerOrg(ctx, tx, caller, true)
		if err != nil {
			return err
		}
		old, set, err := s.resourceTags(ctx, tx, o, resourceID)
		if err != nil {
			return err
		}
		return set(ctx, tx, removeTags(old, keys))
	})
}

// ListTagsForResource lists a resource's tags in the order they were added.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, caller, resourceID string, p Page) (ListPage[Tag], error) {
	if err := checkResourceID(resourceID); err != nil {
		return ListPage[Tag]{}, err
	}
	var tags []Tag
	err := s.view(ctx, func(r store.Reader) error {
		o, err := callerOrg(ctx, r, caller, true)
		if err != nil {
			return err
		}
		t, _, err := s.resourceTags(ctx, r, o, resourceID)
		tags = append([]Tag(nil), t...)
		return err
	})
	if err != nil {
		return ListPage[Tag]{}, err
	}
	// Tokens are positions: tag keys carry no order.
	type indexed struct {
		i int
		t Tag
	}
	items := make([]indexed, len(tags))
	for i, t := range tags {
		items[i] = indexed{i, t}
	}
	pg, err := paginate(items, func(x indexed) string { return posKey(x.i) }, p)
	if err != nil {
		return ListPage[Tag]{}, err
	}
	out := ListPage[Tag]{Items: make([]Tag, len(pg.Items)), NextToken: pg.NextToken}
	for i, x := range pg.Items {
		out.Items[i] = x.t
	}
	return out, nil
}

// posKey is a fixed-width key that orders positions.
func posKey(i int) string {
	const width = 6
	var b [width]byte
	for j := width - 1; j >= 0; j-- {
		b[j] = byte('0' + i%10)
		i /= 10
	}
	return string(b[:])
}
