package audit

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
)

// secretKeys are the field names whose values never reach the audit trail,
// normalized (lower case, without '_' and '-'). CloudTrail omits them too:
// CreateAccessKey's responseElements carry the access key id but not the
// secret, CreateLoginProfile's requestParameters the user name but not the
// password. Policy documents are not secrets and are kept.
var secretKeys = map[string]bool{
	"secretaccesskey":     true, // CreateAccessKey, STS credentials
	"secretkey":           true,
	"secret":              true,
	"clientsecret":        true,
	"sessiontoken":        true, // STS credentials
	"password":            true, // CreateLoginProfile, UpdateLoginProfile
	"newpassword":         true, // ChangePassword
	"oldpassword":         true,
	"servicepassword":     true, // CreateServiceSpecificCredential
	"privatekey":          true, // UploadServerCertificate
	"base32stringseed":    true, // CreateVirtualMFADevice
	"qrcodepng":           true,
	"authenticationcode1": true, // EnableMFADevice, ResyncMFADevice
	"authenticationcode2": true,
	"tokencode":           true, // STS MFA codes
	"samlassertion":       true, // AssumeRoleWithSAML
	"webidentitytoken":    true, // AssumeRoleWithWebIdentity
}

// maxSecretKeyLen bounds the normalized length of a secret key name.
const maxSecretKeyLen = 32

// IsSecretKey reports whether values under the field name k are secrets
// that the audit trail drops. Names match without regard to case, '_' and
// '-' ("SecretAccessKey", "secret_access_key").
func IsSecretKey(k string) bool {
	var buf [maxSecretKeyLen]byte
	n := 0
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return false
		}
		buf[n] = c
		n++
	}
	return secretKeys[string(buf[:n])] // no allocation: the compiler converts in place
}

// Redact returns v as the audit trail may keep it: a JSON-shaped value in
// which no object has a member with a secret name ([IsSecretKey]), at any
// depth. Maps of strings to values, slices and scalars are walked as they
// are and copied only where a secret is removed (v itself is never
// modified); other values (structs, pointers, typed maps and slices) are
// converted through their JSON encoding first. A value that cannot be
// encoded as JSON becomes nil.
func Redact(v any) any {
	r, _ := redact(v)
	return r
}

// redact is Redact that also reports whether the result differs from v.
func redact(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string, bool, float64, float32, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64, json.Number, []string:
		return v, false
	case map[string]any:
		if r, changed := redactMap(x); changed {
			return r, true
		}
		return v, false
	case []any:
		// v is returned as it came: boxing x again would allocate.
		if r, changed := redactSlice(x); changed {
			return r, true
		}
		return v, false
	case map[string]string:
		if r, changed := redactStringMap(x); changed {
			return r, true
		}
		return v, false
	case json.RawMessage:
		return redactJSON(x), true
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, true
	}
	return redactJSON(data), true
}

// redactJSON decodes a JSON document and removes its secrets; what does not
// decode becomes nil.
func redactJSON(data []byte) any {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil
	}
	redactOwned(out)
	return out
}

// redactOwned removes secrets from a freshly decoded value in place.
func redactOwned(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if IsSecretKey(k) {
				delete(x, k)
				continue
			}
			redactOwned(e)
		}
	case []any:
		for _, e := range x {
			redactOwned(e)
		}
	}
}

// redactMap returns a copy of m without secrets and true, or nil and false
// when m has none. redactSlice and redactStringMap do the same.
func redactMap(m map[string]any) (any, bool) {
	var out map[string]any
	for k, e := range m {
		if IsSecretKey(k) {
			if out == nil {
				out = maps.Clone(m)
			}
			delete(out, k)
			continue
		}
		if r, changed := redact(e); changed {
			if out == nil {
				out = maps.Clone(m)
			}
			out[k] = r
		}
	}
	if out == nil {
		return nil, false
	}
	return out, true
}

func redactSlice(s []any) (any, bool) {
	var out []any
	for i, e := range s {
		if r, changed := redact(e); changed {
			if out == nil {
				out = slices.Clone(s)
			}
			out[i] = r
		}
	}
	if out == nil {
		return nil, false
	}
	return out, true
}

func redactStringMap(m map[string]string) (any, bool) {
	var out map[string]string
	for k := range m {
		if IsSecretKey(k) {
			if out == nil {
				out = maps.Clone(m)
			}
			delete(out, k)
		}
	}
	if out == nil {
		return nil, false
	}
	return out, true
}
