package sts

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/oidc"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// WebIdentityUser is CloudTrail's userIdentity type for the caller of
// AssumeRoleWithWebIdentity
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
const WebIdentityUser identity.Type = "WebIdentityUser"

// OIDCProvider is what AssumeRoleWithWebIdentity needs of an IAM OpenID
// Connect provider.
type OIDCProvider struct {
	ARN string
	// URL is the issuer without its scheme (host and path), as IAM keeps it.
	URL       string
	ClientIDs []string
}

// ProviderDirectory finds the IAM OIDC providers of an account.
type ProviderDirectory interface {
	// OIDCProvider returns the provider with the ARN, or an error wrapping
	// ErrNoSuchProvider.
	OIDCProvider(ctx context.Context, account, arn string) (OIDCProvider, error)
}

// ErrNoSuchProvider: the account has no OIDC provider of that name.
var ErrNoSuchProvider = errors.New("sts: no such OIDC provider")

// Claims of the web identity token that AWS reads
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
const (
	claimTags           = "https://aws.amazon.com/tags"
	claimSourceIdentity = "https://aws.amazon.com/source_identity"
)

// AssumeRoleWithWebIdentityInput is AssumeRoleWithWebIdentity's request
// (already checked against the model's lengths and patterns by the wire
// layer).
type AssumeRoleWithWebIdentityInput struct {
	RoleARN          string
	RoleSessionName  string
	WebIdentityToken string
	ProviderID       *string
	DurationSeconds  *int32
	Policy           *string
	PolicyARNs       []string
}

// AssumeRoleWithWebIdentityOutput is AssumeRoleWithWebIdentity's answer.
type AssumeRoleWithWebIdentityOutput struct {
	Credentials      *Credentials
	AssumedRoleID    string
	AssumedRoleARN   string
	PackedPolicySize *int32
	SourceIdentity   string
	// Subject is the token's sub (SubjectFromWebIdentityToken).
	Subject string
	// Audience is the client id the token matched (azp or aud).
	Audience string
	// Provider is the ARN of the IAM OIDC provider. The API reference says
	// Provider holds the token's iss; STS answers with the provider's ARN
	// for IAM OIDC providers (for example
	// "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"),
	// which cleanroom follows.
	Provider string
}

// WebIdentityEvent builds the audit event of a web identity session: web is
// the caller as CloudTrail records it (type WebIdentityUser), out the
// answer.
type WebIdentityEvent func(web *identity.Caller, out *AssumeRoleWithWebIdentityOutput) []store.Event

// AssumeRoleWithWebIdentity issues a role session for the holder of an
// OpenID Connect ID token. The call is unsigned: the token is the caller's
// identity. The issuer must be an IAM OIDC provider of the role's account,
// the token must verify (package oidc), and the role's trust policy alone
// decides, for the principal {"Federated": PROVIDER_ARN}, with the
// provider's keys (HOST/PATH:sub, :aud, :oaud, :amr and some providers'
// own claims), sts:RoleSessionName, aws:FederatedProvider and the session
// tags and source identity the token carries.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in AssumeRoleWithWebIdentityInput, ev WebIdentityEvent) (*AssumeRoleWithWebIdentityOutput, error) {
	account, _, name, ok := parseRoleARN(in.RoleARN)
	if !ok {
		return nil, errorf("ValidationError", "%s is invalid", in.RoleARN)
	}
	if in.ProviderID != nil {
		// ProviderId names the OAuth 2.0 providers whose access tokens STS
		// checks with the provider itself (www.amazon.com,
		// graph.facebook.com); cleanroom verifies OpenID Connect ID tokens
		// only.
		return nil, errorf("InvalidParameterValue", "ProviderId is not supported: only OpenID Connect ID tokens of IAM OIDC providers are accepted.")
	}
	if s.opt.OIDC == nil || s.opt.Providers == nil {
		return nil, errors.New("sts: AssumeRoleWithWebIdentity is not configured")
	}
	tok, err := oidc.Parse(in.WebIdentityToken)
	if err != nil {
		return nil, tokenError(err)
	}
	iss := tok.Issuer()
	hostPath, _ := oidc.IssuerName(iss) // Parse checked it
	prov, err := s.opt.Providers.OIDCProvider(ctx, account, "arn:aws:iam::"+account+":oidc-provider/"+hostPath)
	if errors.Is(err, ErrNoSuchProvider) {
		return nil, errorf("InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", iss)
	}
	if err != nil {
		return nil, err
	}
	claims, err := s.opt.OIDC.Verify(ctx, tok, oidc.Expect{Issuer: prov.URL, ClientIDs: prov.ClientIDs})
	if err != nil {
		s.opt.Logger.Debug("web identity token refused", "issuer", iss, "err", err)
		return nil, tokenError(err)
	}

	denied := func(action string) error {
		// STS tells a web identity no more than this, whatever was missing.
		return access.Deny(action, in.RoleARN, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	role, err := s.opt.Directory.Role(ctx, account, name)
	if errors.Is(err, ErrNoSuchRole) || (err == nil && role.ARN != in.RoleARN) {
		return nil, denied("sts:AssumeRoleWithWebIdentity")
	}
	if err != nil {
		return nil, err
	}
	d := assumeRoleDefault
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
		if d > role.MaxSessionDuration {
			return nil, errorf("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
	}

	reqTags, transitiveKeys, err := tokenTags(claims)
	if err != nil {
		return nil, err
	}
	tags, transitive, err := sessionTags(&identity.Caller{}, reqTags, transitiveKeys)
	if err != nil {
		return nil, err
	}
	sourceIdentity, err := tokenSourceIdentity(claims)
	if err != nil {
		return nil, err
	}
	policies, packed, err := s.sessionPolicies(ctx, AssumeRoleInput{Policy: in.Policy, PolicyARNs: in.PolicyARNs}, tags)
	if err != nil {
		return nil, err
	}

	// Authorization: the trust policy alone decides, for the provider as
	// the principal (there are no identity-based policies).
	pctx := access.CallerContext(&identity.Caller{Type: identity.Anonymous}, access.InfoFrom(ctx), s.opt.Now)
	setWebIdentityKeys(pctx, hostPath, prov.ARN, claims)
	pctx.Set("sts:RoleSessionName", in.RoleSessionName)
	if sourceIdentity != "" {
		pctx.Set("sts:SourceIdentity", sourceIdentity)
	}
	if len(tags) > 0 {
		keys := make([]string, 0, len(tags))
		for k, v := range tags {
			pctx.Set("aws:RequestTag/"+k, v)
			keys = append(keys, k)
		}
		slices.Sort(keys)
		pctx.SetMulti("aws:TagKeys", keys...)
	}
	if len(transitive) > 0 {
		pctx.SetMulti("sts:TransitiveTagKeys", transitive...)
	}
	principal := policy.Principal{Kind: policy.PrincipalWebIdentity, ARN: prov.ARN, Account: role.Account}
	trust := &authz.Policies{Resource: role.Trust, ResourceMustAllow: true}
	actions := []string{"sts:AssumeRoleWithWebIdentity"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	if sourceIdentity != "" {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	for _, action := range actions {
		req := authz.Request{
			Request:         policy.Request{Action: action, Resource: role.ARN, Principal: &principal, Context: pctx},
			ResourceAccount: role.Account,
		}
		if role.Trust == nil || !authz.Decide(&req, trust).Allowed() {
			return nil, denied(action)
		}
	}

	c := roleSessionCaller(role, in.RoleSessionName, tags, &identity.Session{
		SourceIdentity: sourceIdentity, Tags: tags, TransitiveTagKeys: transitive, Policies: policies,
		FederatedProvider: prov.ARN,
	})
	// The web identity as CloudTrail names it: principalId
	// "PROVIDER:AUDIENCE:SUBJECT", userName the subject.
	web := &identity.Caller{
		Type: WebIdentityUser, Account: role.Account, Name: claims.Subject,
		UserID: hostPath + ":" + claims.MatchedAudience + ":" + claims.Subject,
	}
	out := &AssumeRoleWithWebIdentityOutput{
		AssumedRoleID: c.UserID, AssumedRoleARN: c.ARN, SourceIdentity: sourceIdentity,
		Subject: claims.Subject, Audience: claims.MatchedAudience, Provider: prov.ARN,
	}
	if in.Policy != nil || len(in.PolicyARNs) > 0 || len(tags) > 0 {
		out.PackedPolicySize = &packed
	}
	var record func(*Credentials) []store.Event
	if ev != nil {
		record = func(cr *Credentials) []store.Event {
			o := *out
			o.Credentials = cr
			return ev(web, &o)
		}
	}
	if out.Credentials, err = s.issue(ctx, c, d, record); err != nil {
		return nil, err
	}
	return out, nil
}

// tokenError maps a verification failure to STS's error.
func tokenError(err error) error {
	var oe *oidc.Error
	if !errors.As(err, &oe) {
		return err
	}
	switch oe.Kind {
	case oidc.Expired:
		return errorf("ExpiredTokenException", "%s", oe.Message)
	case oidc.Unreachable:
		return errorf("IDPCommunicationError", "%s", oe.Message)
	}
	return errorf("InvalidIdentityToken", "%s", oe.Message)
}

// providerClaims lists, for providers AWS knows, the claims besides sub,
// aud and amr that STS makes condition keys of (HOST/PATH:CLAIM), from the
// condition keys of sts:AssumeRoleWithWebIdentity in the Service
// Authorization Reference.
var providerClaims = []struct {
	match  func(hostPath string) bool
	claims []string
}{
	{
		match: func(h string) bool {
			return h == "token.actions.githubusercontent.com" || strings.HasPrefix(h, "token.actions.githubusercontent.com/") ||
				strings.HasPrefix(h, "github.com/enterprises/") ||
				(strings.HasPrefix(h, "token.actions.") && strings.HasSuffix(h, ".ghe.com"))
		},
		claims: []string{"actor", "actor_id", "enterprise_id", "environment", "job_workflow_ref", "ref", "repository",
			"repository_id", "repository_owner_id", "workflow"},
	},
	{
		match: func(h string) bool { return h == "gitlab.com" },
		claims: []string{"namespace_id", "pipeline_source", "project_id", "ref_protected", "runner_environment",
			"user_access_level", "user_email", "user_id", "user_login"},
	},
	{
		match: func(h string) bool {
			return h == "agent.buildkite.com" || (strings.HasPrefix(h, "agent.") &&
				(strings.HasSuffix(h, ".buildkite.dev") || strings.HasSuffix(h, ".buildkite.site")))
		},
		claims: []string{"build_branch", "cluster_id", "cluster_name", "organization_id", "organization_slug", "pipeline_id", "pipeline_slug"},
	},
	{
		match:  func(h string) bool { return strings.HasPrefix(h, "oidc.circleci.com/org/") },
		claims: []string{"oidc.circleci.com/project-id"},
	},
	{
		match: func(h string) bool {
			return strings.HasPrefix(h, "idcs-") && strings.HasSuffix(h, ".identity.oraclecloud.com")
		},
		claims: []string{"rpst_id"},
	},
}

// setWebIdentityKeys sets the condition keys of a web identity
// ("Available keys for AWS web identity federation", IAM User Guide,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif):
// HOST/PATH:sub; HOST/PATH:aud, which holds azp when the token has one
// (the client the token was issued to) and aud otherwise, with aud then in
// HOST/PATH:oaud; HOST/PATH:amr when the token has amr; and
// aws:FederatedProvider, the provider's ARN.
func setWebIdentityKeys(pctx *policy.Context, hostPath, providerARN string, c *oidc.Claims) {
	pctx.Set("aws:FederatedProvider", providerARN)
	pctx.Set(hostPath+":sub", c.Subject)
	if c.AuthorizedParty != "" {
		pctx.Set(hostPath+":aud", c.AuthorizedParty)
		if len(c.Audience) == 1 {
			pctx.Set(hostPath+":oaud", c.Audience[0])
		} else if len(c.Audience) > 1 {
			pctx.SetMulti(hostPath+":oaud", c.Audience...)
		}
	} else {
		pctx.Set(hostPath+":aud", c.MatchedAudience)
	}
	if len(c.AMR) > 0 {
		pctx.SetMulti(hostPath+":amr", c.AMR...)
	}
	for _, p := range providerClaims {
		if !p.match(hostPath) {
			continue
		}
		for _, name := range p.claims {
			if v, ok := c.String(name); ok {
				pctx.Set(hostPath+":"+name, v)
			}
		}
	}
}

// tokenTags reads the session tags of the token's
// "https://aws.amazon.com/tags" claim:
//
//	{"principal_tags": {"Project": ["Automation"]}, "transitive_tag_keys": ["Project"]}
//
// Each tag's value is a list of one string (a plain string is accepted
// too). Keys and values are held to the lengths of the Tag type of the STS
// API (1-128 and 0-256 characters).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp
func tokenTags(c *oidc.Claims) ([]Tag, []string, error) {
	raw, ok := c.Raw[claimTags]
	if !ok {
		return nil, nil, nil
	}
	bad := func(format string, args ...any) error {
		return errorf("InvalidIdentityToken", "Invalid session tags in the web identity token: "+format, args...)
	}
	var doc struct {
		PrincipalTags     map[string]json.RawMessage `json:"principal_tags"`
		TransitiveTagKeys []string                   `json:"transitive_tag_keys"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, nil, bad("the %s claim is not an object of principal_tags and transitive_tag_keys", claimTags)
	}
	keys := make([]string, 0, len(doc.PrincipalTags))
	for k := range doc.PrincipalTags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var tags []Tag
	for _, k := range keys {
		var v string
		var list []string
		switch {
		case json.Unmarshal(doc.PrincipalTags[k], &list) == nil && len(list) == 1:
			v = list[0]
		case json.Unmarshal(doc.PrincipalTags[k], &v) == nil:
		default:
			return nil, nil, bad("the value of tag %s is not a list of one string", k)
		}
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			return nil, nil, bad("tag key %q must be 1 to 128 characters long", k)
		}
		if utf8.RuneCountInString(v) > 256 {
			return nil, nil, bad("the value of tag %s must be at most 256 characters long", k)
		}
		tags = append(tags, Tag{Key: k, Value: v})
	}
	return tags, doc.TransitiveTagKeys, nil
}

// tokenSourceIdentity reads the "https://aws.amazon.com/source_identity"
// claim, held to the SourceIdentity rules of the STS API (2-64 characters
// of [\w+=,.@-], not starting with "aws:").
func tokenSourceIdentity(c *oidc.Claims) (string, error) {
	raw, ok := c.Raw[claimSourceIdentity]
	if !ok {
		return "", nil
	}
	var si string
	if err := json.Unmarshal(raw, &si); err != nil {
		return "", errorf("InvalidIdentityToken", "The %s claim is not a string.", claimSourceIdentity)
	}
	if len(si) < 2 || len(si) > 64 || strings.IndexFunc(si, func(r rune) bool { return !isSourceIdentityRune(r) }) >= 0 {
		return "", errorf("InvalidIdentityToken", "The source identity %q in the web identity token must be 2 to 64 characters of letters, digits and _+=,.@-.", si)
	}
	return si, nil
}

func isSourceIdentityRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r)
}
