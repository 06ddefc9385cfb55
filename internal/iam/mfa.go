package iam

import (
	"context"
	"encoding/base32"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storejson"
)

// VirtualMFADevice is a virtual MFA device. Base32StringSeed (the secret, as
// Base32 text) is set only in CreateVirtualMFADevice's result. QRCodePNG is
// not produced: cleanroom does not render QR codes (the seed is what an
// authenticator needs; IAM's QR code encodes an otpauth:// URI with it).
type VirtualMFADevice struct {
	SerialNumber     string    `json:"serialNumber"`
	Base32StringSeed []byte    `json:"-"`
	QRCodePNG        []byte    `json:"-"`
	User             *User     `json:"user,omitempty"`
	EnableDate       time.Time `json:"enableDate,omitzero"`
	Tags             []Tag     `json:"tags,omitempty"`
}

// MFADevice is an MFA device enabled for a user.
type MFADevice struct {
	UserName     string    `json:"userName"`
	SerialNumber string    `json:"serialNumber"`
	EnableDate   time.Time `json:"enableDate"`
}

// Assignment statuses of ListVirtualMFADevices.
const (
	AssignmentAssigned   = "Assigned"
	AssignmentUnassigned = "Unassigned"
	AssignmentAny        = "Any"
)

// seedBytes is the size of a virtual MFA seed (its Base32 text is 64
// characters).
const seedBytes = 40

// TOTP windows, in 30-second steps: the codes EnableMFADevice accepts may be
// two steps away from the server's clock; ResyncMFADevice looks ten minutes
// either way; a sign-in code may be one step away (RFC 6238 section 5.2
// recommends at most one step of network delay).
const (
	enableWindow = 2
	resyncWindow = 20
	verifyWindow = 1
)

func noSuchMFA(serial string) *Error {
	return errorf(CodeNoSuchEntity, "VirtualMFADevice with serial number %s doesn't exist.", serial)
}

func (s *Service) mfaKey(account, serial string) store.Key { return key(account, kindMFA, serial) }

func checkSerial(serial string) error {
	return validate(func(v *validation) {
		if v.length(serial, "serialNumber", 9, 256) {
			for _, c := range []byte(serial) {
				if !isNameChar(c) && c != '/' && c != ':' {
					v.add(serial, "serialNumber", `Member must satisfy regular expression pattern: [\w+=/:,.@-]+`)
					return
				}
			}
		}
	})
}

func checkCodes(codes ...string) error {
	return validate(func(v *validation) {
		for i, c := range codes {
			field := "authenticationCode1"
			if i == 1 {
				field = "authenticationCode2"
			}
			if !v.length(c, field, 6, 6) {
				continue
			}
			for _, d := range []byte(c) {
				if d < '0' || d > '9' {
					v.add(c, field, `Member must satisfy regular expression pattern: [\d]+`)
					break
				}
			}
		}
	})
}

// CreateVirtualMFADevice creates an unassigned virtual MFA device and
// returns it with its Base32 seed (sealed in the store with the serial
// number as AAD). https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html
func (s *Service) CreateVirtualMFADevice(ctx context.Context, account, name, path string, tags []Tag, audit Audit) (*VirtualMFADevice, error) {
	if path == "" {
		path = "/"
	}
	if err := validate(func(v *validation) { v.name(name, "virtualMFADeviceName", 0); v.path(path, "path") }); err != nil {
		return nil, err
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	serial := entityARN(account, "mfa", path, name)
	var out *VirtualMFADevice
	var result any
	err := s.write(ctx, account, "CreateVirtualMFADevice", []store.EventResource{res(resMFA, serial)}, audit, &result, func(tx store.Tx) error {
		k := s.mfaKey(account, serial)
		if old, err := storejson.Get[mfaRec](ctx, tx, k); err != nil {
			return err
		} else if old != nil {
			return &Error{Code: CodeEntityAlreadyExists, Message: "MFADevice entity at the same path and name already exists."}
		}
		seed := make([]byte, seedBytes)
		if _, err := io.ReadFull(s.rand, seed); err != nil {
			return err
		}
		sealed, err := s.sealer.Seal(seed, []byte(serial))
		if err != nil {
			return err
		}
		rec := &mfaRec{Serial: serial, Name: name, Path: path, Seed: sealed, Created: s.clock(), Tags: tags}
		if err := storejson.Create(ctx, tx, k, rec); err != nil {
			return err
		}
		b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(seed)
		out = &VirtualMFADevice{SerialNumber: serial, Base32StringSeed: []byte(b32), Tags: cloneTags(tags)}
		result = out
		return nil
	})
	return out, err
}

// openSeed decrypts a device's seed.
func (s *Service) openSeed(d *mfaRec) ([]byte, error) {
	return s.sealer.Open(d.Seed, []byte(d.Serial))
}

// EnableMFADevice assigns a virtual MFA device to a user, proven by two
// consecutive codes. https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html
func (s *Service) EnableMFADevice(ctx context.Context, account, userName, serial, code1, code2 string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(userName, "userName", maxExisting) }); err != nil {
		return err
	}
	if err := checkSerial(serial); err != nil {
		return err
	}
	if err := checkCodes(code1, code2); err != nil {
		return err
	}
	return s.write(ctx, account, "EnableMFADevice", []store.EventResource{res(resUser, userName), res(resMFA, serial)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfUser, userName)
		if err != nil {
			return err
		}
		u := en.rec.(*userRec)
		d, err := storejson.Get[mfaRec](ctx, tx, s.mfaKey(account, serial))
		if err != nil {
			return err
		}
		if d == nil {
			return noSuchMFA(serial)
		}
		if d.User != "" {
			// IAM refuses a device that is already enabled; the wording of
			// this refusal is not documented.
			return &Error{Code: CodeEntityAlreadyExists, Message: "MFA Device is already in use."}
		}
		if len(u.MFA) >= maxMFAPerUser {
			return quota("MFADevicesPerUser", maxMFAPerUser)
		}
		seed, err := s.openSeed(d)
		if err != nil {
			return err
		}
		now := s.now()
		at, ok := findConsecutive(seed, totpCounter(now), enableWindow, code1, code2)
		if !ok {
			return ErrInvalidMFACode
		}
		d.User, d.Enabled, d.Last, d.Drift = lower(u.Name), now.UTC().Truncate(time.Second), at, 0
		if err := storejson.Put(ctx, tx, s.mfaKey(account, serial), d); err != nil {
			return err
		}
		u.MFA = append(u.MFA, serial)
		return en.save(ctx, tx, account)
	})
}

// userDevice finds a device enabled for the user.
func (s *Service) userDevice(ctx context.Context, r store.Reader, account string, u *userRec, serial string) (*mfaRec, error) {
	if !slices.Contains(u.MFA, serial) {
		return nil, errorf(CodeNoSuchEntity, "MFA Device with serial number %s does not exist.", serial)
	}
	d, err := storejson.Get[mfaRec](ctx, r, s.mfaKey(account, serial))
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, noSuchMFA(serial)
	}
	return d, nil
}

// DeactivateMFADevice unassigns an MFA device from a user (the virtual
// device remains, unassigned).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html
func (s *Service) DeactivateMFADevice(ctx context.Context, account, userName, serial string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(userName, "userName", maxExisting) }); err != nil {
		return err
	}
	if err := checkSerial(serial); err != nil {
		return err
	}
	return s.write(ctx, account, "DeactivateMFADevice", []store.EventResource{res(resUser, userName), res(resMFA, serial)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfUser, userName)
		if err != nil {
			return err
		}
		u := en.rec.(*userRec)
		d, err := s.userDevice(ctx, tx, account, u, serial)
		if err != nil {
			return err
		}
		d.User, d.Enabled, d.Drift = "", time.Time{}, 0
		if err := storejson.Put(ctx, tx, s.mfaKey(account, serial), d); err != nil {
			return err
		}
		u.MFA = slices.DeleteFunc(u.MFA, func(x string) bool { return x == serial })
		return en.save(ctx, tx, account)
	})
}

// ResyncMFADevice resynchronizes a device whose clock drifted, from two
// consecutive codes. https://docs.aws.amazon.com/IAM/latest/APIReference/API_ResyncMFADevice.html
func (s *Service) ResyncMFADevice(ctx context.Context, account, userName, serial, code1, code2 string, audit Audit) error {
	if err := validate(func(v *validation) { v.name(userName, "userName", maxExisting) }); err != nil {
		return err
	}
	if err := checkSerial(serial); err != nil {
		return err
	}
	if err := checkCodes(code1, code2); err != nil {
		return err
	}
	return s.write(ctx, account, "ResyncMFADevice", []store.EventResource{res(resUser, userName), res(resMFA, serial)}, audit, nil, func(tx store.Tx) error {
		en, err := loadEntity(ctx, tx, account, kindOfUser, userName)
		if err != nil {
			return err
		}
		d, err := s.userDevice(ctx, tx, account, en.rec.(*userRec), serial)
		if err != nil {
			return err
		}
		seed, err := s.openSeed(d)
		if err != nil {
			return err
		}
		now := totpCounter(s.now())
		at, ok := findConsecutive(seed, now, resyncWindow, code1, code2)
		if !ok {
			return ErrInvalidMFACode
		}
		d.Drift, d.Last = at-now, max(d.Last, at)
		return storejson.Put(ctx, tx, s.mfaKey(account, serial), d)
	})
}

// VerifyTOTP checks a code from an enabled device (STS calls it for
// AssumeRole and GetSessionToken with SerialNumber and TokenCode) and
// returns the name of the user the device is enabled for; STS must check
// that it is the caller. A code is accepted once (RFC 6238 section 5.2):
// accepting it records its time step in the store. A bad code is
// ErrInvalidMFACode; an unknown or unassigned device NoSuchEntity.
func (s *Service) VerifyTOTP(ctx context.Context, account, serial, code string) (userName string, err error) {
	if err := checkSerial(serial); err != nil {
		return "", err
	}
	if len(code) != totpDigits {
		return "", ErrInvalidMFACode
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		d, err := storejson.Get[mfaRec](ctx, tx, s.mfaKey(account, serial))
		if err != nil {
			return err
		}
		if d == nil || d.User == "" {
			return noSuchMFA(serial)
		}
		seed, err := s.openSeed(d)
		if err != nil {
			return err
		}
		now := totpCounter(s.now()) + d.Drift
		accepted := int64(-1)
		for c := now - verifyWindow; c <= now+verifyWindow; c++ {
			if c > d.Last && codeMatches(seed, c, code) && accepted < 0 {
				accepted = c
			}
		}
		if accepted < 0 {
			return ErrInvalidMFACode
		}
		d.Last = accepted
		if err := storejson.Put(ctx, tx, s.mfaKey(account, serial), d); err != nil {
			return err
		}
		u, err := storejson.Get[userRec](ctx, tx, key(account, kindUser, d.User))
		if err != nil {
			return err
		}
		if u == nil {
			return noSuchMFA(serial)
		}
		userName = u.Name
		return nil
	})
	if err != nil {
		return "", err
	}
	return userName, nil
}

// ListMFADevices lists the MFA devices enabled for a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADevices.html
func (s *Service) ListMFADevices(ctx context.Context, account, userName string, p Page) (ListPage[MFADevice], error) {
	if err := validate(func(v *validation) { v.name(userName, "userName", maxExisting); v.page(p) }); err != nil {
		return ListPage[MFADevice]{}, err
	}
	var out []MFADevice
	err := s.view(ctx, func(r store.Reader) error {
		en, err := loadEntity(ctx, r, account, kindOfUser, userName)
		if err != nil {
			return err
		}
		u := en.rec.(*userRec)
		for _, serial := range u.MFA {
			d, err := storejson.Get[mfaRec](ctx, r, s.mfaKey(account, serial))
			if err != nil {
				return err
			}
			if d != nil {
				out = append(out, MFADevice{UserName: u.Name, SerialNumber: serial, EnableDate: d.Enabled})
			}
		}
		return nil
	})
	if err != nil {
		return ListPage[MFADevice]{}, err
	}
	slices.SortFunc(out, func(a, b MFADevice) int { return strings.Compare(a.SerialNumber, b.SerialNumber) })
	return pageOf(out, func(d MFADevice) string { return d.SerialNumber }, p)
}

// ListVirtualMFADevices lists the account's virtual MFA devices with the
// given assignment status (Assigned, Unassigned, or Any, the default).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html
func (s *Service) ListVirtualMFADevices(ctx context.Context, account, assignment string, p Page) (ListPage[VirtualMFADevice], error) {
	if assignment == "" {
		assignment = AssignmentAny
	}
	if err := validate(func(v *validation) {
		switch assignment {
		case AssignmentAssigned, AssignmentUnassigned, AssignmentAny:
		default:
			v.add(assignment, "assignmentStatus", "Member must satisfy enum value set: [Unassigned, Any, Assigned]")
		}
		v.page(p)
	}); err != nil {
		return ListPage[VirtualMFADevice]{}, err
	}
	var out []VirtualMFADevice
	err := s.view(ctx, func(r store.Reader) error {
		recs, _, err := storejson.List[mfaRec](ctx, r, account, kindMFA, "")
		if err != nil {
			return err
		}
		for _, d := range recs {
			if assignment == AssignmentAssigned && d.User == "" || assignment == AssignmentUnassigned && d.User != "" {
				continue
			}
			v := VirtualMFADevice{SerialNumber: d.Serial, EnableDate: d.Enabled, Tags: cloneTags(d.Tags)}
			if d.User != "" {
				u, err := storejson.Get[userRec](ctx, r, key(account, kindUser, d.User))
				if err != nil {
					return err
				}
				if u != nil {
					uv := userView(account, u, false)
					v.User = &uv
				}
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return ListPage[VirtualMFADevice]{}, err
	}
	return pageOf(out, func(d VirtualMFADevice) string { return d.SerialNumber }, p)
}

// DeleteVirtualMFADevice deletes an unassigned virtual MFA device.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html
func (s *Service) DeleteVirtualMFADevice(ctx context.Context, account, serial string, audit Audit) error {
	if err := checkSerial(serial); err != nil {
		return err
	}
	return s.write(ctx, account, "DeleteVirtualMFADevice", []store.EventResource{res(resMFA, serial)}, audit, nil, func(tx store.Tx) error {
		d, err := storejson.Get[mfaRec](ctx, tx, s.mfaKey(account, serial))
		if err != nil {
			return err
		}
		if d == nil {
			return noSuchMFA(serial)
		}
		if d.User != "" {
			// The wording of this refusal is not documented by IAM.
			return deleteConflict("MFA device is still in use. Deactivate it before deleting it.")
		}
		return storejson.Delete(ctx, tx, s.mfaKey(account, serial))
	})
}

// TagMFADevice adds or replaces tags of a virtual MFA device.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagMFADevice.html
func (s *Service) TagMFADevice(ctx context.Context, account, serial string, tags []Tag, audit Audit) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeMFATags(ctx, account, serial, "TagMFADevice", audit, func(old []Tag) ([]Tag, error) { return mergeTagsChecked(old, tags) })
}

// UntagMFADevice removes tags from a virtual MFA device.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagMFADevice.html
func (s *Service) UntagMFADevice(ctx context.Context, account, serial string, keys []string, audit Audit) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeMFATags(ctx, account, serial, "UntagMFADevice", audit, func(old []Tag) ([]Tag, error) { return removeTags(old, keys), nil })
}

func (s *Service) changeMFATags(ctx context.Context, account, serial, op string, audit Audit, change func([]Tag) ([]Tag, error)) error {
	if err := checkSerial(serial); err != nil {
		return err
	}
	return s.write(ctx, account, op, []store.EventResource{res(resMFA, serial)}, audit, nil, func(tx store.Tx) error {
		d, err := storejson.Get[mfaRec](ctx, tx, s.mfaKey(account, serial))
		if err != nil {
			return err
		}
		if d == nil {
			return noSuchMFA(serial)
		}
		if d.Tags, err = change(d.Tags); err != nil {
			return err
		}
		return storejson.Put(ctx, tx, s.mfaKey(account, serial), d)
	})
}

// ListMFADeviceTags lists the tags of a virtual MFA device.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADeviceTags.html
func (s *Service) ListMFADeviceTags(ctx context.Context, account, serial string, p Page) (ListPage[Tag], error) {
	if err := checkSerial(serial); err != nil {
		return ListPage[Tag]{}, err
	}
	var tags []Tag
	err := s.view(ctx, func(r store.Reader) error {
		d, err := storejson.Get[mfaRec](ctx, r, s.mfaKey(account, serial))
		if err != nil {
			return err
		}
		if d == nil {
			return noSuchMFA(serial)
		}
		tags = d.Tags
		return nil
	})
	if err != nil {
		return ListPage[Tag]{}, err
	}
	return pageTags(tags, p)
}
