package audit

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestIsSecretKey: the fields IAM and STS requests and responses carry
// secrets in (CreateAccessKey's SecretAccessKey, STS credentials'
// SessionToken, login profile passwords, server certificates' PrivateKey,
// virtual MFA seeds and QR codes, MFA codes, SAML assertions, web identity
// tokens) in every casing the wire and domain types use.
func TestIsSecretKey(t *testing.T) {
	for _, k := range []string{
		"secretAccessKey", "SecretAccessKey", "secret_access_key", "SECRET-ACCESS-KEY",
		"sessionToken", "SessionToken", "password", "Password", "newPassword", "oldPassword",
		"privateKey", "PrivateKey", "base32StringSeed", "Base32StringSeed", "qRCodePNG", "QRCodePNG",
		"sAMLAssertion", "SAMLAssertion", "webIdentityToken", "WebIdentityToken",
		"authenticationCode1", "AuthenticationCode2", "tokenCode", "TokenCode", "servicePassword", "secret", "clientSecret",
	} {
		if !IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = false", k)
		}
	}
	for _, k := range []string{
		"accessKeyId", "AccessKeyId", "policyDocument", "PolicyDocument", "assumeRolePolicyDocument", "userName",
		"serialNumber", "roleArn", "nextToken", "NextToken", "marker", "expiration", "passwordResetRequired",
		"passwordLastUsed", "sessionName", "", strings.Repeat("a", 100), "secretAccessKeyX",
	} {
		if IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = true", k)
		}
	}
}

type wireCreds struct {
	AccessKeyId     *string
	SecretAccessKey *string
	SessionToken    *string
	Expiration      *time.Time
}

type mfaDevice struct {
	SerialNumber     string `json:"serialNumber"`
	Base32StringSeed []byte `json:"base32StringSeed"`
	QRCodePNG        []byte `json:"qRCodePNG"`
}

func TestRedact(t *testing.T) {
	s := func(v string) *string { return &v }
	exp := time.Date(2026, 3, 14, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   any
		want string // JSON
	}{
		{"nil", nil, `null`},
		{"scalar", "x", `"x"`},
		{"number", 3, `3`},
		{"flat map", map[string]any{"userName": "bob", "password": "p"}, `{"userName":"bob"}`},
		{"nested in maps and slices", map[string]any{"a": []any{map[string]any{"b": map[string]any{"SessionToken": "t", "k": 1}}}},
			`{"a":[{"b":{"k":1}}]}`},
		{"secret whose value is an object", map[string]any{"privateKey": map[string]any{"pem": "x"}, "ok": true}, `{"ok":true}`},
		{"struct without tags (the wire types)", map[string]any{"credentials": wireCreds{AccessKeyId: s("ASIA"), SecretAccessKey: s("sk"), SessionToken: s("tok"), Expiration: &exp}},
			`{"credentials":{"AccessKeyId":"ASIA","Expiration":"2026-03-14T16:00:00Z"}}`},
		{"pointer to a struct with tags", &mfaDevice{SerialNumber: "arn:aws:iam::1:mfa/d", Base32StringSeed: []byte("seed"), QRCodePNG: []byte("png")},
			`{"serialNumber":"arn:aws:iam::1:mfa/d"}`},
		{"map of strings", map[string]string{"WebIdentityToken": "jwt", "RoleArn": "arn"}, `{"RoleArn":"arn"}`},
		{"raw JSON", json.RawMessage(`{"sAMLAssertion":"PHNhbWw+","x":[1,{"tokenCode":"123456"}]}`), `{"x":[1,{}]}`},
		{"policy documents are kept", map[string]any{"policyDocument": `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
			`{"policyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}`},
		{"not JSON-encodable", map[string]any{"c": make(chan int)}, `{"c":null}`},
		{"numbers keep their text", json.RawMessage(`{"n":12345678901234567890}`), `{"n":12345678901234567890}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := json.Marshal(tt.in)
			got, err := json.Marshal(Redact(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, got, []byte(tt.want)) {
				t.Errorf("Redact = %s; want %s", got, tt.want)
			}
			if after, _ := json.Marshal(tt.in); !bytes.Equal(before, after) {
				t.Errorf("input modified: %s → %s", before, after)
			}
		})
	}
}

// TestRedactSharesUnchanged: values without secrets are returned as they
// are, without copies (the hot path of read-only calls).
func TestRedactSharesUnchanged(t *testing.T) {
	m := map[string]any{"userName": "bob", "tags": []any{map[string]any{"key": "k"}}}
	if r, ok := Redact(m).(map[string]any); !ok || reflect.ValueOf(r).UnsafePointer() != reflect.ValueOf(m).UnsafePointer() {
		t.Error("a map without secrets was copied")
	}
	allocs := testing.AllocsPerRun(100, func() { Redact(m) })
	if allocs > 0 {
		t.Errorf("Redact of a clean map allocates %.0f times", allocs)
	}
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// secretNames are the names FuzzRedact hides secrets under, in the casings
// requests and responses use.
var secretNames = []string{
	"secretAccessKey", "SecretAccessKey", "sessionToken", "SessionToken", "password", "Password", "NewPassword",
	"privateKey", "PrivateKey", "base32StringSeed", "Base32StringSeed", "qRCodePNG", "QRCodePNG", "sAMLAssertion",
	"SAMLAssertion", "webIdentityToken", "WebIdentityToken", "secret_access_key", "TOKENCODE", "AuthenticationCode1",
}

const marker = "SeCrEtMaRkEr"

// FuzzRedact hides secrets under secret names anywhere in random JSON
// documents (chosen by the plan bytes) and checks that none survives
// Redact, whatever the document's shape, that Redact leaves its input
// alone, and that it keeps a document without secrets as it is.
func FuzzRedact(f *testing.F) {
	f.Add([]byte(`{"userName":"bob","tags":[{"key":"a","value":"b"}]}`), []byte{0, 1, 2})
	f.Add([]byte(`[1,"two",{"three":[3,{"four":{}}]}]`), []byte{5, 9, 200, 3, 7})
	f.Add([]byte(`"just a string"`), []byte{1})
	f.Add([]byte(`{"credentials":{"accessKeyId":"ASIA","expiration":"x"},"assumedRoleUser":{"arn":"a"}}`), []byte{10, 11, 12, 13, 14, 15})
	f.Add([]byte(`{"a":{"b":{"c":{"d":{"e":[[[{}]]]}}}}}`), []byte{255, 254, 253, 252, 251, 250, 249, 248})
	f.Add([]byte(`not json`), []byte{})
	f.Add([]byte(`{"Password":"p","password":{"x":"y"}}`), []byte{0})
	f.Fuzz(func(t *testing.T, doc, plan []byte) {
		if bytes.Contains(bytes.ToLower(doc), bytes.ToLower([]byte(marker))) {
			return
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil || dec.More() {
			v = string(doc)
		}
		// Redact keeps a document without secret names as it is.
		clean := !hasSecretKey(v)
		orig, err := json.Marshal(v)
		if err != nil {
			return
		}
		if clean {
			got, err := json.Marshal(Redact(v))
			if err != nil || !bytes.Equal(got, orig) {
				t.Fatalf("a document without secrets changed:\n in %s\nout %s (%v)", orig, got, err)
			}
		}
		// Hide secrets.
		root := map[string]any{"doc": v}
		for i := 0; i+1 < len(plan) && i < 16; i += 2 {
			insertSecret(root, plan[i], plan[i+1], i)
		}
		before, err := json.Marshal(root)
		if err != nil {
			t.Fatal(err)
		}
		out := Redact(root)
		got, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("redacted value does not encode: %v", err)
		}
		if bytes.Contains(got, []byte(marker)) {
			t.Fatalf("secret survived:\n in %s\nout %s", before, got)
		}
		if hasSecretKey(out) {
			t.Fatalf("secret name survived: %s", got)
		}
		if after, _ := json.Marshal(root); !bytes.Equal(before, after) {
			t.Fatalf("Redact modified its input")
		}
		// The same document given as raw JSON, or as a typed value, is
		// redacted the same way.
		raw, err := json.Marshal(Redact(json.RawMessage(before)))
		if err != nil || !jsonEqual(t, raw, got) {
			t.Fatalf("raw JSON redacted differently:\n%s\n%s", raw, got)
		}
	})
}

// insertSecret walks into v along choices made by where and puts a secret
// under a secret name in an object it reaches (wrapping scalars in objects).
func insertSecret(root map[string]any, where, which byte, n int) {
	name := secretNames[int(which)%len(secretNames)]
	var secret any = marker
	switch which % 3 {
	case 1:
		secret = map[string]any{"inner": marker, "list": []any{marker}}
	case 2:
		secret = []any{marker, map[string]any{"deep": marker}}
	}
	cur := root
	depth := int(where % 8)
	for d := 0; d < depth; d++ {
		keys := make([]string, 0, len(cur))
		for k := range cur {
			keys = append(keys, k)
		}
		if len(keys) == 0 {
			break
		}
		sort.Strings(keys)
		k := keys[(int(where)+d)%len(keys)]
		switch x := cur[k].(type) {
		case map[string]any:
			cur = x
		case []any:
			if len(x) == 0 {
				x = append(x, map[string]any{})
				cur[k] = x
			}
			i := (int(where) + d) % len(x)
			if m, ok := x[i].(map[string]any); ok {
				cur = m
			} else {
				m := map[string]any{"was": x[i]}
				x[i] = m
				cur = m
			}
		default:
			m := map[string]any{"was": x}
			cur[k] = m
			cur = m
		}
	}
	cur[name] = secret
	_ = n
}

func hasSecretKey(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if IsSecretKey(k) || hasSecretKey(e) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(x, hasSecretKey)
	}
	return false
}
