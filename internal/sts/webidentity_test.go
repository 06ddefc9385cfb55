package sts

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/iam/iamtest"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/oidc"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/secretbox"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Documentation the tests encode.
const (
	docWebIdentity = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html"
	docWIFKeys     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif"
	docIdPTags     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp"
	docSourceID    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html"
	docOIDCRole    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html"
)

const (
	acct      = "111122223333"
	otherAcct = "444455556666"
	issuer    = "https://idp.example.com/tenant"
	hostPath  = "idp.example.com/tenant"
	provARN   = "arn:aws:iam::" + acct + ":oidc-provider/" + hostPath
	ghIssuer  = "https://token.actions.githubusercontent.com"
	ghARN     = "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"
	client    = "sts.amazonaws.com"
	subject   = "user-42"
)

var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// fakeDirectory serves roles, managed policies and OIDC providers.
type fakeDirectory struct {
	roles     map[string]Role // account/name → role
	providers map[string]OIDCProvider
	policies  map[string]string
}

func (d *fakeDirectory) Role(_ context.Context, account, name string) (Role, error) {
	r, ok := d.roles[account+"/"+name]
	if !ok {
		return Role{}, ErrNoSuchRole
	}
	return r, nil
}

func (d *fakeDirectory) VerifyMFA(context.Context, *identity.Caller, string, string) (bool, error) {
	return false, nil
}

func (d *fakeDirectory) PolicyDocument(_ context.Context, arn string) (string, error) {
	doc, ok := d.policies[arn]
	if !ok {
		return "", ErrNoSuchPolicy
	}
	return doc, nil
}

func (d *fakeDirectory) OIDCProvider(_ context.Context, account, arn string) (OIDCProvider, error) {
	p, ok := d.providers[arn]
	if !ok || !strings.HasPrefix(arn, "arn:aws:iam::"+account+":") {
		return OIDCProvider{}, ErrNoSuchProvider
	}
	return p, nil
}

var (
	keyOnce sync.Once
	idpKey  *ecdsa.PrivateKey
)

func signingKey(t testing.TB) *ecdsa.PrivateKey {
	keyOnce.Do(func() {
		var err error
		if idpKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
	return idpKey
}

// token signs claims with the identity provider's key.
func token(t testing.TB, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: signingKey(t)}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func claims(iss string, change func(map[string]any)) map[string]any {
	m := map[string]any{"iss": iss, "sub": subject, "aud": client, "iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix()}
	if change != nil {
		change(m)
	}
	return m
}

func trustDoc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// federated is a trust statement for the test provider.
func federated(action, condition string) string {
	s := `{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},"Action":` + action
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return s + "}"
}

type harness struct {
	svc *Service
	dir *fakeDirectory
	st  *iamtest.MemStore
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: signingKey(t).Public(), KeyID: "k1", Algorithm: "ES256", Use: "sig"}}}
	doc, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testNow }
	v, err := oidc.New(oidc.Options{KeySets: map[string][]byte{issuer: doc, ghIssuer: doc}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	box, err := secretbox.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	dir := &fakeDirectory{
		roles: map[string]Role{},
		providers: map[string]OIDCProvider{
			provARN: {ARN: provARN, URL: hostPath, ClientIDs: []string{client, "web-app"}},
			ghARN:   {ARN: ghARN, URL: "token.actions.githubusercontent.com", ClientIDs: []string{client}},
		},
		policies: map[string]string{
			"arn:aws:iam::aws:policy/ReadOnlyAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:Get*","Resource":"*"}]}`,
		},
	}
	st := iamtest.NewMemStore(now)
	svc := New(Options{Store: st, Sealer: box, Directory: dir, Providers: dir, OIDC: v, Now: now, Rand: rand.Reader})
	return &harness{svc: svc, dir: dir, st: st}
}

// role adds a role of the account with a trust policy.
func (h *harness) role(t testing.TB, account, name, trust string) string {
	t.Helper()
	p, err := policy.Parse([]byte(trust), policy.TypeTrust)
	if err != nil {
		t.Fatalf("trust policy: %v", err)
	}
	arn := "arn:aws:iam::" + account + ":role/" + name
	h.dir.roles[account+"/"+name] = Role{Account: account, Name: name, Path: "/", ARN: arn, ID: "AROAEXAMPLE" + strings.ToUpper(name),
		MaxSessionDuration: time.Hour, Tags: map[string]string{"team": "data"}, Trust: policy.Compile(p, "trust")}
	return arn
}

func codeOf(err error) (string, string) {
	var se *Error
	if errors.As(err, &se) {
		return se.Code, se.Message
	}
	var de *access.DeniedError
	if errors.As(err, &de) {
		return "AccessDenied", de.Message
	}
	if err != nil {
		return "?", err.Error()
	}
	return "", ""
}

func i32(v int32) *int32 { return &v }

// TestAssumeRoleWithWebIdentity encodes the API reference and the IAM User
// Guide on web identity federation: the token's issuer must be an OIDC
// provider of the role's account, the token must verify, and the role's
// trust policy alone decides for the principal {"Federated": PROVIDER_ARN}
// with the provider's condition keys.
func TestAssumeRoleWithWebIdentity(t *testing.T) {
	const denied = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	const action = `"sts:AssumeRoleWithWebIdentity"`
	cases := []struct {
		name, doc string
		trust     string // the trust policy of role "web" in acct
		in        func(*AssumeRoleWithWebIdentityInput)
		claims    map[string]any
		code, msg string // "" when allowed
		check     func(t *testing.T, out *AssumeRoleWithWebIdentityOutput, sess *Session)
	}{
		{
			name: "trust on sub and aud", doc: docOIDCRole,
			trust:  trustDoc(federated(action, `{"StringEquals":{"`+hostPath+`:sub":"`+subject+`","`+hostPath+`:aud":"`+client+`"}}`)),
			claims: claims(issuer, nil),
			check: func(t *testing.T, out *AssumeRoleWithWebIdentityOutput, sess *Session) {
				if out.AssumedRoleARN != "arn:aws:sts::"+acct+":assumed-role/web/app" || out.AssumedRoleID != "AROAEXAMPLEWEB:app" ||
					out.Subject != subject || out.Audience != client || out.Provider != provARN || out.PackedPolicySize != nil {
					t.Errorf("output %+v", out)
				}
				if !out.Credentials.Expiration.Equal(testNow.Add(time.Hour)) || !strings.HasPrefix(out.Credentials.AccessKeyID, "ASIA") {
					t.Errorf("credentials %+v", out.Credentials)
				}
				c := sess.Caller
				if c.Type != identity.AssumedRole || c.ARN != out.AssumedRoleARN || c.PrincipalARN != "arn:aws:iam::"+acct+":role/web" ||
					c.Session.IssuerType != "Role" || c.Session.IssuerARN != c.PrincipalARN || c.Tags["team"] != "data" || c.MFAAuthenticated {
					t.Errorf("session caller %+v %+v", c, c.Session)
				}
			},
		},
		{
			name: "wrong subject", doc: docOIDCRole,
			trust:  trustDoc(federated(action, `{"StringEquals":{"`+hostPath+`:sub":"someone-else"}}`)),
			claims: claims(issuer, nil), code: "AccessDenied", msg: denied,
		},
		{
			name: "another provider in the Principal", doc: docOIDCRole,
			trust:  trustDoc(`{"Effect":"Allow","Principal":{"Federated":"` + ghARN + `"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
			claims: claims(issuer, nil), code: "AccessDenied", msg: denied,
		},
		{
			name: "trust allows sts:AssumeRole only", doc: docOIDCRole,
			trust:  trustDoc(federated(`"sts:AssumeRole"`, "")),
			claims: claims(issuer, nil), code: "AccessDenied", msg: denied,
		},
		{
			name: "the account as principal does not cover web identities", doc: docOIDCRole,
			trust:  trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
			claims: claims(issuer, nil), code: "AccessDenied", msg: denied,
		},
		{
			name: "explicit deny on the subject", doc: docOIDCRole,
			trust: trustDoc(federated(action, ""),
				`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"`+hostPath+`:sub":"user-*"}}}`),
			claims: claims(issuer, nil), code: "AccessDenied", msg: denied,
		},
		{
			name: "role does not exist", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in:     func(in *AssumeRoleWithWebIdentityInput) { in.RoleARN = "arn:aws:iam::" + acct + ":role/nope" },
			claims: claims(issuer, nil), code: "AccessDenied", msg: denied,
		},
		{
			name: "no provider for the issuer", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			claims: claims("https://unknown.example.com", nil), code: "InvalidIdentityToken",
			msg: "No OpenIDConnect provider found in your account for https://unknown.example.com",
		},
		{
			name: "provider of another account", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in:     func(in *AssumeRoleWithWebIdentityInput) { in.RoleARN = "arn:aws:iam::" + otherAcct + ":role/web" },
			claims: claims(issuer, nil), code: "InvalidIdentityToken",
			msg: "No OpenIDConnect provider found in your account for " + issuer,
		},
		{
			name: "audience not a client id", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			claims: claims(issuer, func(m map[string]any) { m["aud"] = "unregistered" }),
			code:   "InvalidIdentityToken", msg: "Incorrect token audience",
		},
		{
			name: "expired token", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			claims: claims(issuer, func(m map[string]any) { m["exp"] = testNow.Add(-time.Minute).Unix() }),
			code:   "ExpiredTokenException",
			msg:    "Token expired: current date/time 1777636800 must be before the expiration date/time 1777636740",
		},
		{
			name: "malformed token", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in:   func(in *AssumeRoleWithWebIdentityInput) { in.WebIdentityToken = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA" },
			code: "InvalidIdentityToken", msg: "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.",
		},
		{
			name: "ProviderId (OAuth 2.0 access tokens) is not supported", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in:     func(in *AssumeRoleWithWebIdentityInput) { p := "www.amazon.com"; in.ProviderID = &p },
			claims: claims(issuer, nil), code: "InvalidParameterValue",
			msg: "ProviderId is not supported: only OpenID Connect ID tokens of IAM OIDC providers are accepted.",
		},
		{
			name: "duration above the role's maximum", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in:     func(in *AssumeRoleWithWebIdentityInput) { in.DurationSeconds = i32(7200) },
			claims: claims(issuer, nil), code: "ValidationError",
			msg: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
		},
		{
			name: "duration of 15 minutes", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in:     func(in *AssumeRoleWithWebIdentityInput) { in.DurationSeconds = i32(900) },
			claims: claims(issuer, nil),
			check: func(t *testing.T, out *AssumeRoleWithWebIdentityOutput, _ *Session) {
				if !out.Credentials.Expiration.Equal(testNow.Add(15 * time.Minute)) {
					t.Errorf("expiration %v", out.Credentials.Expiration)
				}
			},
		},
		{
			name: "aud holds azp and oaud the aud", doc: docWIFKeys,
			trust:  trustDoc(federated(action, `{"StringEquals":{"`+hostPath+`:aud":"web-app","`+hostPath+`:oaud":"backend"}}`)),
			claims: claims(issuer, func(m map[string]any) { m["aud"] = "backend"; m["azp"] = "web-app" }),
			check: func(t *testing.T, out *AssumeRoleWithWebIdentityOutput, _ *Session) {
				if out.Audience != "web-app" {
					t.Errorf("Audience %q", out.Audience)
				}
			},
		},
		{
			name: "amr", doc: docWIFKeys,
			trust:  trustDoc(federated(action, `{"ForAnyValue:StringLike":{"`+hostPath+`:amr":"authenticated"}}`)),
			claims: claims(issuer, func(m map[string]any) { m["amr"] = []string{"authenticated", "pwd"} }),
		},
		{
			name: "amr absent", doc: docWIFKeys,
			trust:  trustDoc(federated(action, `{"ForAnyValue:StringLike":{"`+hostPath+`:amr":"authenticated"}}`)),
			claims: claims(issuer, nil), code: "AccessDenied", msg: denied,
		},
		{
			name: "aws:FederatedProvider and sts:RoleSessionName", doc: docWIFKeys,
			trust:  trustDoc(federated(action, `{"StringEquals":{"aws:FederatedProvider":"`+provARN+`","sts:RoleSessionName":"app"}}`)),
			claims: claims(issuer, nil),
		},
		{
			name: "GitHub Actions claims", doc: docWIFKeys,
			trust: trustDoc(`{"Effect":"Allow","Principal":{"Federated":"` + ghARN + `"},"Action":"sts:AssumeRoleWithWebIdentity",` +
				`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:repository":"octo/app","token.actions.githubusercontent.com:repository_id":"1296269"},` +
				`"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo/app:*"}}}`),
			claims: claims(ghIssuer, func(m map[string]any) {
				m["sub"] = "repo:octo/app:ref:refs/heads/main"
				m["repository"] = "octo/app"
				m["repository_id"] = 1296269
			}),
		},
		{
			name: "session tags need sts:TagSession", doc: docIdPTags,
			trust: trustDoc(federated(action, "")),
			claims: claims(issuer, func(m map[string]any) {
				m["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"Project": []string{"Automation"}}}
			}),
			code: "AccessDenied", msg: denied,
		},
		{
			name: "session tags", doc: docIdPTags,
			trust: trustDoc(federated(`["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`,
				`{"StringEquals":{"aws:RequestTag/Project":"Automation"},"ForAllValues:StringEquals":{"sts:TransitiveTagKeys":["Project"]}}`)),
			claims: claims(issuer, func(m map[string]any) {
				m["https://aws.amazon.com/tags"] = map[string]any{
					"principal_tags":      map[string]any{"Project": []string{"Automation"}, "team": []string{"web"}},
					"transitive_tag_keys": []string{"Project"},
				}
			}),
			check: func(t *testing.T, out *AssumeRoleWithWebIdentityOutput, sess *Session) {
				s := sess.Caller.Session
				if s.Tags["Project"] != "Automation" || len(s.TransitiveTagKeys) != 1 || s.TransitiveTagKeys[0] != "Project" {
					t.Errorf("session tags %v %v", s.Tags, s.TransitiveTagKeys)
				}
				if sess.Caller.Tags["team"] != "web" {
					t.Errorf("a session tag does not override the role's tag: %v", sess.Caller.Tags)
				}
				if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 {
					t.Errorf("PackedPolicySize %v", out.PackedPolicySize)
				}
			},
		},
		{
			name: "transitive key not among the tags", doc: docIdPTags,
			trust: trustDoc(federated(`["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`, "")),
			claims: claims(issuer, func(m map[string]any) {
				m["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"a": []string{"1"}}, "transitive_tag_keys": []string{"b"}}
			}),
			code: "InvalidParameterValue", msg: "The specified transitive tag key must be included in the requested tags.",
		},
		{
			name: "tag value a list of two", doc: docIdPTags,
			trust: trustDoc(federated(`["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`, "")),
			claims: claims(issuer, func(m map[string]any) {
				m["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"a": []string{"1", "2"}}}
			}),
			code: "InvalidIdentityToken", msg: "Invalid session tags in the web identity token: the value of tag a is not a list of one string",
		},
		{
			name: "source identity needs sts:SetSourceIdentity", doc: docSourceID,
			trust:  trustDoc(federated(action, "")),
			claims: claims(issuer, func(m map[string]any) { m["https://aws.amazon.com/source_identity"] = "alice" }),
			code:   "AccessDenied", msg: denied,
		},
		{
			name: "source identity", doc: docSourceID,
			trust:  trustDoc(federated(`["sts:AssumeRoleWithWebIdentity","sts:SetSourceIdentity"]`, `{"StringEquals":{"sts:SourceIdentity":"alice"}}`)),
			claims: claims(issuer, func(m map[string]any) { m["https://aws.amazon.com/source_identity"] = "alice" }),
			check: func(t *testing.T, out *AssumeRoleWithWebIdentityOutput, sess *Session) {
				if out.SourceIdentity != "alice" || sess.Caller.Session.SourceIdentity != "alice" {
					t.Errorf("source identity %q %q", out.SourceIdentity, sess.Caller.Session.SourceIdentity)
				}
			},
		},
		{
			name: "source identity with a colon", doc: docSourceID,
			trust:  trustDoc(federated(`["sts:AssumeRoleWithWebIdentity","sts:SetSourceIdentity"]`, "")),
			claims: claims(issuer, func(m map[string]any) { m["https://aws.amazon.com/source_identity"] = "aws:alice" }),
			code:   "InvalidIdentityToken", msg: `The source identity "aws:alice" in the web identity token must be 2 to 64 characters of letters, digits and _+=,.@-.`,
		},
		{
			name: "session policies", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in: func(in *AssumeRoleWithWebIdentityInput) {
				p := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
				in.Policy = &p
				in.PolicyARNs = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
			},
			claims: claims(issuer, nil),
			check: func(t *testing.T, out *AssumeRoleWithWebIdentityOutput, sess *Session) {
				if out.PackedPolicySize == nil || len(sess.Caller.Session.Policies) != 2 {
					t.Errorf("PackedPolicySize %v, session policies %d", out.PackedPolicySize, len(sess.Caller.Session.Policies))
				}
			},
		},
		{
			name: "unknown managed session policy", doc: docWebIdentity, trust: trustDoc(federated(action, "")),
			in:     func(in *AssumeRoleWithWebIdentityInput) { in.PolicyARNs = []string{"arn:aws:iam::aws:policy/Nope"} },
			claims: claims(issuer, nil), code: "InvalidParameterValue", msg: "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			roleARN := h.role(t, acct, "web", tc.trust)
			h.role(t, otherAcct, "web", tc.trust)
			in := AssumeRoleWithWebIdentityInput{RoleARN: roleARN, RoleSessionName: "app"}
			if tc.claims != nil {
				in.WebIdentityToken = token(t, tc.claims)
			}
			if tc.in != nil {
				tc.in(&in)
			}
			var web *identity.Caller
			out, err := h.svc.AssumeRoleWithWebIdentity(context.Background(), in, func(w *identity.Caller, o *AssumeRoleWithWebIdentityOutput) []store.Event {
				web = w
				if o.Credentials == nil || o.AssumedRoleARN == "" {
					t.Errorf("audited output %+v", o)
				}
				return []store.Event{{ID: "ev-" + o.Credentials.AccessKeyID, Account: w.Account, Time: testNow, Source: "sts.amazonaws.com", Name: "AssumeRoleWithWebIdentity"}}
			})
			code, msg := codeOf(err)
			if code != tc.code || msg != tc.msg {
				t.Fatalf("%s: got %s %q, want %s %q", tc.doc, code, msg, tc.code, tc.msg)
			}
			if err != nil {
				if len(h.st.AllEvents()) != 0 {
					t.Fatal("an event was recorded for a refused call")
				}
				return
			}
			sess, err := h.svc.Lookup(context.Background(), out.Credentials.AccessKeyID)
			if err != nil {
				t.Fatal(err)
			}
			if sess.Secret != out.Credentials.SecretAccessKey || sess.Token != out.Credentials.SessionToken {
				t.Fatal("stored session does not match the credentials")
			}
			if web == nil || web.Type != WebIdentityUser || web.Account != acct || !strings.HasSuffix(web.UserID, ":"+out.Audience+":"+out.Subject) {
				t.Errorf("audited caller %+v", web)
			}
			if evs := h.st.AllEvents(); len(evs) != 1 || evs[0].Name != "AssumeRoleWithWebIdentity" {
				t.Errorf("events %+v", evs)
			}
			if tc.check != nil {
				tc.check(t, out, sess)
			}
		})
	}
}

// TestWebIdentityRequestKeys: the keys the trust policy is evaluated with.
func TestWebIdentityRequestKeys(t *testing.T) {
	c := &oidc.Claims{Subject: "s", Audience: []string{"a1", "a2"}, AuthorizedParty: "p", AMR: []string{"x"}}
	pctx := policy.NewContext(8)
	setWebIdentityKeys(pctx, hostPath, provARN, c)
	want := map[string][]string{
		"aws:FederatedProvider": {provARN}, hostPath + ":sub": {"s"}, hostPath + ":aud": {"p"},
		hostPath + ":oaud": {"a1", "a2"}, hostPath + ":amr": {"x"},
	}
	if got := pctx.Keys(); len(got) != len(want) {
		t.Fatalf("%s: keys %v", docWIFKeys, got)
	}
	for k, vs := range want {
		v, ok := pctx.Get(k)
		if !ok || !slices.Equal(v.Values, vs) {
			t.Errorf("%s: %s = %v, want %v", docWIFKeys, k, v, vs)
		}
	}
}

// TestWebIdentityNotConfigured: without a verifier the call fails rather
// than trusting tokens.
func TestWebIdentityNotConfigured(t *testing.T) {
	h := newHarness(t)
	h.svc.opt.OIDC = nil
	roleARN := h.role(t, acct, "web", trustDoc(federated(`"sts:AssumeRoleWithWebIdentity"`, "")))
	_, err := h.svc.AssumeRoleWithWebIdentity(context.Background(), AssumeRoleWithWebIdentityInput{
		RoleARN: roleARN, RoleSessionName: "app", WebIdentityToken: token(t, claims(issuer, nil))}, nil)
	if err == nil {
		t.Fatal("token accepted without a verifier")
	}
}

func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	h := newHarness(b)
	roleARN := h.role(b, acct, "web", trustDoc(federated(`"sts:AssumeRoleWithWebIdentity"`, `{"StringEquals":{"`+hostPath+`:sub":"`+subject+`"}}`)))
	in := AssumeRoleWithWebIdentityInput{RoleARN: roleARN, RoleSessionName: "app", WebIdentityToken: token(b, claims(issuer, nil))}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.svc.AssumeRoleWithWebIdentity(ctx, in, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzTokenClaims: the session tags and source identity claims of a token
// never make the service panic, and what they yield keeps STS's limits.
func FuzzTokenClaims(f *testing.F) {
	f.Add([]byte(`{"principal_tags":{"Project":["Automation"],"a":"b"},"transitive_tag_keys":["Project"]}`), []byte(`"alice"`))
	f.Add([]byte(`{"principal_tags":{"x":[1]}}`), []byte(`5`))
	f.Add([]byte(`[]`), []byte(`"aws:x"`))
	f.Fuzz(func(t *testing.T, tagsClaim, sourceClaim []byte) {
		c := &oidc.Claims{Raw: map[string]json.RawMessage{claimTags: tagsClaim, claimSourceIdentity: sourceClaim}}
		if tags, transitive, err := tokenTags(c); err == nil {
			if st, tk, err := sessionTags(&identity.Caller{}, tags, transitive); err == nil {
				if len(st) > 50 || len(tk) > len(st) {
					t.Fatalf("%d tags, %d transitive", len(st), len(tk))
				}
			}
		}
		if si, err := tokenSourceIdentity(c); err == nil && si != "" && (len(si) < 2 || len(si) > 64 || strings.Contains(si, ":")) {
			t.Fatalf("source identity %q", si)
		}
	})
}
