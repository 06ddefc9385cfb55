package iam

import (
	"encoding/base32"
	"errors"
	"testing"
	"time"
)

// RFC 6238 appendix B test vectors (SHA-1, seed "12345678901234567890"),
// reduced to the six digits IAM's devices use: the last six digits of the
// eight-digit values.
func TestTOTPVectors(t *testing.T) {
	seed := []byte("12345678901234567890")
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},         // 94287082
		{1111111109, "081804"}, // 07081804
		{1111111111, "050471"}, // 14050471
		{1234567890, "005924"}, // 89005924
		{2000000000, "279037"}, // 69279037
		{20000000000, "353130"},
	}
	for _, tt := range tests {
		if got := hotp(seed, totpCounter(time.Unix(tt.unix, 0))); got != tt.want {
			t.Errorf("TOTP(%d) = %s, want %s", tt.unix, got, tt.want)
		}
	}
}

// enableMFA creates a virtual device and enables it for a user with codes
// computed from its seed; it returns the serial and seed.
func enableMFA(e *env, user, name string) (string, []byte) {
	e.t.Helper()
	d, err := e.s.CreateVirtualMFADevice(e.ctx, acct, name, "", nil, nil)
	e.ok(err)
	seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(d.Base32StringSeed))
	e.ok(err)
	now := totpCounter(e.clock.Now())
	e.ok(e.s.EnableMFADevice(e.ctx, acct, user, d.SerialNumber, hotp(seed, now-1), hotp(seed, now), nil))
	return d.SerialNumber, seed
}

// Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice (two
// consecutive codes), DeactivateMFADevice, DeleteVirtualMFADevice,
// ListMFADevices, ListVirtualMFADevices.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
func TestVirtualMFADevices(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	d, err := e.s.CreateVirtualMFADevice(e.ctx, acct, "alice-phone", "/staff/", []Tag{{"k", "v"}}, nil)
	e.ok(err)
	if d.SerialNumber != "arn:aws:iam::123456789012:mfa/staff/alice-phone" || len(d.Base32StringSeed) != 64 {
		t.Errorf("device = %+v (seed %d characters)", d, len(d.Base32StringSeed))
	}
	_, err = e.s.CreateVirtualMFADevice(e.ctx, acct, "alice-phone", "/staff/", nil, nil)
	wantErr(t, err, CodeEntityAlreadyExists, "MFADevice entity at the same path and name already exists.")
	seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(d.Base32StringSeed))
	e.ok(err)
	now := totpCounter(e.clock.Now())

	wantErr(t, e.s.EnableMFADevice(e.ctx, acct, "alice", d.SerialNumber, hotp(seed, now), hotp(seed, now), nil),
		CodeInvalidAuthenticationCode, "Authentication code for device is not valid.")
	wantErr(t, e.s.EnableMFADevice(e.ctx, acct, "alice", d.SerialNumber, hotp(seed, now+1), hotp(seed, now), nil), CodeInvalidAuthenticationCode, "")
	wantErr(t, e.s.EnableMFADevice(e.ctx, acct, "alice", d.SerialNumber, "12345", "123456", nil), CodeValidationError, "")
	wantErr(t, e.s.EnableMFADevice(e.ctx, acct, "alice", d.SerialNumber, hotp(seed, now-10), hotp(seed, now-9), nil), CodeInvalidAuthenticationCode, "")
	e.ok(e.s.EnableMFADevice(e.ctx, acct, "alice", d.SerialNumber, hotp(seed, now-1), hotp(seed, now), nil))

	e.user("bob")
	wantErr(t, e.s.EnableMFADevice(e.ctx, acct, "bob", d.SerialNumber, hotp(seed, now), hotp(seed, now+1), nil), CodeEntityAlreadyExists, "")

	list, err := e.s.ListMFADevices(e.ctx, acct, "alice", Page{})
	e.ok(err)
	if len(list.Items) != 1 || list.Items[0].SerialNumber != d.SerialNumber || !list.Items[0].EnableDate.Equal(e.clock.Now()) {
		t.Errorf("ListMFADevices = %+v", list.Items)
	}
	_, err = e.s.CreateVirtualMFADevice(e.ctx, acct, "spare", "", nil, nil)
	e.ok(err)
	for _, tt := range []struct {
		status string
		want   int
	}{{"", 2}, {AssignmentAny, 2}, {AssignmentAssigned, 1}, {AssignmentUnassigned, 1}} {
		vl, err := e.s.ListVirtualMFADevices(e.ctx, acct, tt.status, Page{})
		e.ok(err)
		if len(vl.Items) != tt.want {
			t.Errorf("ListVirtualMFADevices(%q) = %d devices, want %d", tt.status, len(vl.Items), tt.want)
		}
		for _, v := range vl.Items {
			if v.Base32StringSeed != nil {
				t.Error("a listing returned a seed")
			}
			if v.SerialNumber == d.SerialNumber && (v.User == nil || v.User.UserName != "alice") {
				t.Errorf("assigned device user = %+v", v.User)
			}
		}
	}

	wantErr(t, e.s.DeleteVirtualMFADevice(e.ctx, acct, d.SerialNumber, nil), CodeDeleteConflict, "")
	wantErr(t, e.s.DeactivateMFADevice(e.ctx, acct, "bob", d.SerialNumber, nil), CodeNoSuchEntity, "")
	e.ok(e.s.DeactivateMFADevice(e.ctx, acct, "alice", d.SerialNumber, nil))
	e.ok(e.s.DeleteVirtualMFADevice(e.ctx, acct, d.SerialNumber, nil))
	wantErr(t, e.s.DeleteVirtualMFADevice(e.ctx, acct, d.SerialNumber, nil), CodeNoSuchEntity,
		"VirtualMFADevice with serial number arn:aws:iam::123456789012:mfa/staff/alice-phone doesn't exist.")
	e.ok(e.s.DeleteUser(e.ctx, acct, "alice", nil))
}

// VerifyTOTP accepts a current code once (RFC 6238 section 5.2: "the
// verifier MUST NOT accept the second attempt of the OTP after the
// successful validation has been issued for the first OTP").
func TestVerifyTOTP(t *testing.T) {
	e := newEnv(t)
	e.user("Alice")
	serial, seed := enableMFA(e, "alice", "dev")
	e.clock.Advance(totpStep * time.Second)
	now := totpCounter(e.clock.Now())
	user, err := e.s.VerifyTOTP(e.ctx, acct, serial, hotp(seed, now))
	e.ok(err)
	if user != "Alice" {
		t.Errorf("owner = %q", user)
	}
	if _, err := e.s.VerifyTOTP(e.ctx, acct, serial, hotp(seed, now)); !errors.Is(err, ErrInvalidMFACode) {
		t.Errorf("a reused code: %v", err)
	}
	if _, err := e.s.VerifyTOTP(e.ctx, acct, serial, hotp(seed, now+5)); !errors.Is(err, ErrInvalidMFACode) {
		t.Errorf("a code five steps ahead: %v", err)
	}
	e.clock.Advance(totpStep * time.Second)
	if _, err := e.s.VerifyTOTP(e.ctx, acct, serial, hotp(seed, now+1)); err != nil {
		t.Errorf("the next step's code: %v", err)
	}
	if _, err := e.s.VerifyTOTP(e.ctx, acct, "arn:aws:iam::123456789012:mfa/none", "123456"); ErrorCode(err) != CodeNoSuchEntity {
		t.Errorf("unknown device: %v", err)
	}

	// ResyncMFADevice learns a drift of eight steps.
	e.clock.Advance(10 * totpStep * time.Second)
	now = totpCounter(e.clock.Now())
	drifted := now + 8
	wantErr(t, e.s.ResyncMFADevice(e.ctx, acct, "alice", serial, hotp(seed, drifted), hotp(seed, drifted+2), nil), CodeInvalidAuthenticationCode, "")
	e.ok(e.s.ResyncMFADevice(e.ctx, acct, "alice", serial, hotp(seed, drifted), hotp(seed, drifted+1), nil))
	e.clock.Advance(totpStep * time.Second)
	if _, err := e.s.VerifyTOTP(e.ctx, acct, serial, hotp(seed, drifted+2)); err != nil {
		t.Errorf("a drifted device's code after resync: %v", err)
	}
}
