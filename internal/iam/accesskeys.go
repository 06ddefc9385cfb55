package iam

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// Access key statuses.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// AccessKey is a long-term access key of a user or of the root user
// (UserName ""). SecretAccessKey is set only in CreateAccessKey's result —
// IAM returns the secret once — and is never part of an audit record.
type AccessKey struct {
	UserName        string    `json:"userName,omitempty"`
	AccessKeyID     string    `json:"accessKeyId"`
	Status          string    `json:"status"`
	SecretAccessKey string    `json:"-"`
	CreateDate      time.Time `json:"createDate"`
}

// AccessKeyLastUsed is GetAccessKeyLastUsed's result. A key never used has
// a zero LastUsedDate and ServiceName and Region "N/A", as IAM reports.
type AccessKeyLastUsed struct {
	UserName     string
	LastUsedDate time.Time
	ServiceName  string
	Region       string
}

func accountKey(account string) store.Key { return key(account, kindAccount, "settings") }

// keyOwner is the user (or root) a key operation acts on.
type keyOwner struct {
	en   *entity     // nil for the root user
	acct *accountRec // root user's settings
}

func (o *keyOwner) keys() *[]string {
	if o.en != nil {
		return &o.en.rec.(*userRec).AccessKeys
	}
	return &o.acct.RootKeys
}

func (o *keyOwner) save(ctx context.Context, tx store.Tx, account string) error {
	if o.en != nil {
		return o.en.save(ctx, tx, account)
	}
	return storejson.Put(ctx, tx, accountKey(account), o.acct)
}

func loadKeyOwner(ctx context.Context, r store.Reader, account, userName string) (*keyOwner, error) {
	if userName == "" {
		a, err := storejson.Get[accountRec](ctx, r, accountKey(account))
		if err != nil {
			return nil, err
		}
		if a == nil {
			a = &accountRec{}
		}
		return &keyOwner{acct: a}, nil
	}
	en, err := loadEntity(ctx, r, account, kindOfUser, userName)
	if err != nil {
		return nil, err
	}
	return &keyOwner{en: en}, nil
}

func checkOptionalUserName(name string) error {
	if name == "" {
		return nil
	}
	return validate(func(v *validation) { v.name(name, "userName", maxExisting) })
}

// CreateAccessKey creates an access key for a user, or for the account's
// root user when userName is "" (the API's default when the caller is the
// root user; the handler resolves an IAM user caller's own name). A user
// has at most two: "Cannot exceed quota for AccessKeysPerUser: 2". The
// secret is sealed (AAD: the access key id) before it is stored; the
// result carries it in clear, once.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
func (s *Service) CreateAccessKey(ctx context.Context, account, userName string, audit Audit) (*AccessKey, error) {
	if err := checkOptionalUserName(userName); err != nil {
		return nil, err
	}
	var out *AccessKey
	var result any
	err := s.write(ctx, account, "CreateAccessKey", []store.EventResource{res(resUser, userName)}, audit, &result, func(tx store.Tx) error {
		o, err := loadKeyOwner(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		ids := o.keys()
		if len(*ids) >= maxAccessKeys {
			return quota("AccessKeysPerUser", maxAccessKeys)
		}
		secret, err := randomString(s.rand, secretAlphabet, 40)
		if err != nil {
			return err
		}
		now := s.clock()
		rec := &accessKeyRec{Account: account, Status: StatusActive, Created: now, UserID: account}
		if o.en != nil {
			rec.User, rec.UserLower, rec.UserID = o.en.e.Name, lower(o.en.e.Name), o.en.e.ID
		}
		var id string
		for attempt := 0; ; attempt++ {
			if id, err = s.newAccessKeyID(); err != nil {
				return err
			}
			if rec.Secret, err = s.sealer.Seal([]byte(secret), []byte(id)); err != nil {
				return err
			}
			err = storejson.Create(ctx, tx, key("", kindAccessKey, id), rec)
			if err == nil {
				break
			}
			if !errors.Is(err, store.ErrExists) || attempt == 3 {
				return err
			}
		}
		*ids = append(*ids, id)
		if err := o.save(ctx, tx, account); err != nil {
			return err
		}
		out = &AccessKey{UserName: rec.User, AccessKeyID: id, Status: StatusActive, SecretAccessKey: secret, CreateDate: now}
		result = out
		return nil
	})
	return out, err
}

// ListAccessKeys lists the access keys of a user (root's for userName ""),
// without secrets. https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
func (s *Service) ListAccessKeys(ctx context.Context, account, userName string, p Page) (ListPage[AccessKey], error) {
	if err := checkOptionalUserName(userName); err != nil {
		return ListPage[AccessKey]{}, err
	}
	if err := validate(func(v *validation) { v.page(p) }); err != nil {
		return ListPage[AccessKey]{}, err
	}
	var keys []AccessKey
	err := s.view(ctx, func(r store.Reader) error {
		o, err := loadKeyOwner(ctx, r, account, userName)
		if err != nil {
			return err
		}
		for _, id := range *o.keys() {
			rec, err := storejson.Get[accessKeyRec](ctx, r, key("", kindAccessKey, id))
			if err != nil {
				return err
			}
			if rec != nil {
				keys = append(keys, AccessKey{UserName: rec.User, AccessKeyID: id, Status: rec.Status, CreateDate: rec.Created})
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[AccessKey]{}, err
	}
	return pageOf(keys, func(k AccessKey) string { return k.CreateDate.Format(time.RFC3339Nano) + k.AccessKeyID }, p)
}

// ownedKey finds an access key of the given owner.
func ownedKey(ctx context.Context, r store.Reader, account string, o *keyOwner, id string) (*accessKeyRec, error) {
	if !slices.Contains(*o.keys(), id) {
		return nil, noSuchAccessKey(id)
	}
	rec, err := storejson.Get[accessKeyRec](ctx, r, key("", kindAccessKey, id))
	if err != nil {
		return nil, err
	}
	if rec == nil || rec.Account != account {
		return nil, noSuchAccessKey(id)
	}
	return rec, nil
}

func checkAccessKeyID(id string) error {
	return validate(func(v *validation) {
		if v.length(id, "accessKeyId", 16, 128) {
			for _, c := range []byte(id) {
				if !isAlnumByte(c) && c != '_' {
					v.add(id, "accessKeyId", `Member must satisfy regular expression pattern: [\w]+`)
					return
				}
			}
		}
	})
}

// UpdateAccessKey sets an access key's status to Active or Inactive.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html
func (s *Service) UpdateAccessKey(ctx context.Context, account, userName, accessKeyID, status string, audit Audit) error {
	if err := checkOptionalUserName(userName); err != nil {
		return err
	}
	if err := checkAccessKeyID(accessKeyID); err != nil {
		return err
	}
	if err := validate(func(v *validation) {
		if status != StatusActive && status != StatusInactive {
			v.add(status, "status", "Member must satisfy enum value set: [Active, Inactive]")
		}
	}); err != nil {
		return err
	}
	return s.write(ctx, account, "UpdateAccessKey", []store.EventResource{res(resKey, accessKeyID)}, audit, nil, func(tx store.Tx) error {
		o, err := loadKeyOwner(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		rec, err := ownedKey(ctx, tx, account, o, accessKeyID)
		if err != nil {
			return err
		}
		rec.Status = status
		return storejson.Put(ctx, tx, key("", kindAccessKey, accessKeyID), rec)
	})
}

// DeleteAccessKey deletes an access key.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html
func (s *Service) DeleteAccessKey(ctx context.Context, account, userName, accessKeyID string, audit Audit) error {
	if err := checkOptionalUserName(userName); err != nil {
		return err
	}
	if err := checkAccessKeyID(accessKeyID); err != nil {
		return err
	}
	return s.write(ctx, account, "DeleteAccessKey", []store.EventResource{res(resKey, accessKeyID)}, audit, nil, func(tx store.Tx) error {
		o, err := loadKeyOwner(ctx, tx, account, userName)
		if err != nil {
			return err
		}
		if _, err := ownedKey(ctx, tx, account, o, accessKeyID); err != nil {
			return err
		}
		ids := o.keys()
		*ids = slices.DeleteFunc(*ids, func(id string) bool { return id == accessKeyID })
		if err := o.save(ctx, tx, account); err != nil {
			return err
		}
		if err := storejson.Delete(ctx, tx, key("", kindKeyUse, accessKeyID)); err != nil {
			return err
		}
		return storejson.Delete(ctx, tx, key("", kindAccessKey, accessKeyID))
	})
}

// GetAccessKeyLastUsed reports when, where and with which service an
// access key of the account was last used.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, account, accessKeyID string) (*AccessKeyLastUsed, error) {
	if err := checkAccessKeyID(accessKeyID); err != nil {
		return nil, err
	}
	out := &AccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}
	err := s.view(ctx, func(r store.Reader) error {
		rec, err := storejson.Get[accessKeyRec](ctx, r, key("", kindAccessKey, accessKeyID))
		if err != nil {
			return err
		}
		if rec == nil || rec.Account != account {
			return noSuchAccessKey(accessKeyID)
		}
		out.UserName = rec.User
		used, err := storejson.Get[keyUseRec](ctx, r, key("", kindKeyUse, accessKeyID))
		if err != nil {
			return err
		}
		if used != nil {
			out.LastUsedDate, out.ServiceName, out.Region = used.Time, used.Service, used.Region
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if p, ok := s.keyUse.pendingUse(accessKeyID); ok && p.Time.After(out.LastUsedDate) {
		out.LastUsedDate, out.ServiceName, out.Region = p.Time, p.Service, p.Region
	}
	return out, nil
}

// keyUseInterval is how often the use of one access key (or role) is
// written to the store: IAM's last-used information is itself approximate
// (it is updated within hours), and a write per request would make every
// request a transaction.
const keyUseInterval = time.Minute

// keyUseTracker remembers recent uses in memory and decides when one is
// due to be written.
type keyUseTracker struct {
	mu      sync.Mutex
	written map[string]time.Time // id → last write
	pending map[string]keyUseRec // access key id → latest use not yet written
}

func (t *keyUseTracker) init() {
	t.written = make(map[string]time.Time)
	t.pending = make(map[string]keyUseRec)
}

// due reports whether a use of id at now should be written, and if so
// records that it is.
func (t *keyUseTracker) due(id string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.written[id]; ok && now.Sub(last) < keyUseInterval && now.After(last) {
		return false
	}
	t.written[id] = now
	return true
}

func (t *keyUseTracker) note(id string, u keyUseRec) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending[id] = u
}

func (t *keyUseTracker) pendingUse(id string) (keyUseRec, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u, ok := t.pending[id]
	return u, ok
}

func (t *keyUseTracker) takePending() map[string]keyUseRec {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.pending
	t.pending = make(map[string]keyUseRec)
	return p
}

func (t *keyUseTracker) forget(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.pending, id)
}

// RecordAccessKeyUse notes that a request signed with an access key was
// accepted (the server calls it on every authenticated request). It is
// cheap: the use is kept in memory and written to the store at most once a
// minute per key; GetAccessKeyLastUsed sees unwritten uses of this node.
// Call FlushAccessKeyUse at shutdown to write what is pending.
func (s *Service) RecordAccessKeyUse(ctx context.Context, accessKeyID, service, region string) error {
	now := s.now().UTC()
	u := keyUseRec{Time: now.Truncate(time.Second), Service: service, Region: region}
	if !s.keyUse.due("key\x00"+accessKeyID, now) {
		s.keyUse.note(accessKeyID, u)
		return nil
	}
	s.keyUse.forget(accessKeyID)
	return s.writeKeyUses(ctx, map[string]keyUseRec{accessKeyID: u})
}

// FlushAccessKeyUse writes every access key use not yet written.
func (s *Service) FlushAccessKeyUse(ctx context.Context) error {
	p := s.keyUse.takePending()
	if len(p) == 0 {
		return nil
	}
	return s.writeKeyUses(ctx, p)
}

func (s *Service) writeKeyUses(ctx context.Context, uses map[string]keyUseRec) error {
	err := s.store.Update(ctx, func(tx store.Tx) error {
		for id, u := range uses {
			// Only for keys that still exist.
			ak, err := storejson.Get[accessKeyRec](ctx, tx, key("", kindAccessKey, id))
			if err != nil {
				return err
			}
			if ak == nil {
				continue
			}
			if err := storejson.Put(ctx, tx, key("", kindKeyUse, id), u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.WarnContext(ctx, "iam: recording access key use", "error", err)
	}
	return err
}
