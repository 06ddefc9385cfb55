package sts

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Session durations, from the STS API reference
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html,
// API_AssumeRole.html).
const (
	sessionTokenDefault = 12 * time.Hour
	sessionTokenRootMax = time.Hour
	assumeRoleDefault   = time.Hour
	roleChainingMax     = time.Hour
	// maxSessionPolicyARNs: "You can provide up to 10 managed policy ARNs."
	maxSessionPolicyARNs = 10
	// packedLimit is the budget of the packed (compressed) form of session
	// policies and tags that PackedPolicySize reports a percentage of. AWS
	// does not publish the packing; cleanroom counts the policy text
	// without whitespace plus each tag's key and value, against 2,048.
	packedLimit = 2048
)

// Tag is a session tag.
type Tag struct{ Key, Value string }

// GetSessionTokenInput is GetSessionToken's request.
type GetSessionTokenInput struct {
	DurationSeconds *int32
	SerialNumber    string
	TokenCode       string
}

// GetSessionToken issues temporary credentials for an IAM user or an account
// root user. It needs no permission; session credentials may not call it.
func (s *Service) GetSessionToken(ctx context.Context, caller *identity.Caller, in GetSessionTokenInput, ev func(*Credentials) []store.Event) (*Credentials, error) {
	if caller.Temporary || (caller.Type != identity.IAMUser && caller.Type != identity.Root) {
		return nil, errorf("AccessDenied", "Cannot call GetSessionToken with session credentials")
	}
	d := sessionTokenDefault
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	if caller.Type == identity.Root && d > sessionTokenRootMax {
		// "Sessions for AWS account owners are restricted to a maximum
		// duration of 3,600 seconds (one hour). If the duration is longer
		// than one hour, the session for AWS account owners defaults to
		// one hour."
		d = sessionTokenRootMax
	}
	mfa, err := s.checkMFA(ctx, caller, in.SerialNumber, in.TokenCode)
	if err != nil {
		return nil, err
	}
	c := cloneCaller(caller)
	c.Session = &identity.Session{IssuerARN: caller.ARN, IssuerType: caller.Type, IssuerName: caller.Name, IssuerID: caller.PrincipalID}
	c.MFAAuthenticated = mfa
	if mfa {
		c.MFAAuthTime = s.opt.Now().UTC()
	}
	return s.issue(ctx, c, d, ev)
}

// checkMFA verifies an MFA code when one is given; both or neither of serial
// and code must be present.
func (s *Service) checkMFA(ctx context.Context, caller *identity.Caller, serial, code string) (bool, error) {
	if serial == "" && code == "" {
		return false, nil
	}
	if serial == "" || code == "" {
		return false, errorf("AccessDenied", "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.")
	}
	ok, err := s.opt.Directory.VerifyMFA(ctx, caller, serial, code)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, errorf("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ")
	}
	return true, nil
}

// AssumeRoleInput is AssumeRole's request (already checked against the
// model's lengths and patterns by the wire layer).
type AssumeRoleInput struct {
	RoleARN           string
	RoleSessionName   string
	DurationSeconds   *int32
	ExternalID        *string
	Policy            *string
	PolicyARNs        []string
	Tags              []Tag
	TransitiveTagKeys []string
	SourceIdentity    *string
	SerialNumber      string
	TokenCode         string
}

// AssumeRoleOutput is AssumeRole's answer.
type AssumeRoleOutput struct {
	Credentials      *Credentials
	AssumedRoleID    string
	AssumedRoleARN   string
	PackedPolicySize *int32
	SourceIdentity   string
}

// parseRoleARN splits arn:aws:iam::ACCOUNT:role/PATH/NAME.
func parseRoleARN(arn string) (account, path, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] != "aws" || parts[2] != "iam" || parts[3] != "" {
		return "", "", "", false
	}
	account, res := parts[4], parts[5]
	if len(account) != 12 || !strings.HasPrefix(res, "role/") {
		return "", "", "", false
	}
	res = res[len("role"):]
	i := strings.LastIndexByte(res, '/')
	path, name = res[:i+1], res[i+1:]
	if name == "" {
		return "", "", "", false
	}
	return account, path, name, true
}

// AssumeRole issues a role session. The caller's identity-based policies
// must allow sts:AssumeRole on the role (and sts:TagSession with session
// tags, sts:SetSourceIdentity with a source identity), and the role's trust
// policy must allow the caller, in any account.
//
// ev gives the call's audit events; a role of another account is given as
// the second argument, so that the call is recorded in both accounts
// (CloudTrail delivers a cross-account AssumeRole to the caller's and the
// role's account, with one sharedEventID).
func (s *Service) AssumeRole(ctx context.Context, caller *identity.Caller, in AssumeRoleInput, ev func(cr *Credentials, roleAccount string) []store.Event) (*AssumeRoleOutput, error) {
	denied := func() error {
		return access.Deny("sts:AssumeRole", in.RoleARN, "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, in.RoleARN)
	}
	account, _, name, ok := parseRoleARN(in.RoleARN)
	if !ok {
		return nil, errorf("ValidationError", "%s is invalid", in.RoleARN)
	}
	role, err := s.opt.Directory.Role(ctx, account, name)
	if errors.Is(err, ErrNoSuchRole) || (err == nil && role.ARN != in.RoleARN) {
		// AWS does not tell a caller whether the role exists.
		return nil, denied()
	}
	if err != nil {
		return nil, err
	}

	chained := caller.Type == identity.AssumedRole
	d := assumeRoleDefault
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
		if chained && d > roleChainingMax {
			return nil, errorf("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		}
		if d > role.MaxSessionDuration {
			return nil, errorf("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
	}

	tags, transitive, err := sessionTags(caller, in.Tags, in.TransitiveTagKeys)
	if err != nil {
		return nil, err
	}
	sourceIdentity := ""
	if in.SourceIdentity != nil {
		sourceIdentity = *in.SourceIdentity
		if strings.HasPrefix(strings.ToLower(sourceIdentity), "aws:") {
			return nil, errorf("ValidationError", "SourceIdentity cannot start with the prefix 'aws:'.")
		}
	}
	if caller.Session != nil && caller.Session.SourceIdentity != "" {
		// "After you set the source identity, it persists through role
		// chaining": a chained session keeps the first value. cleanroom
		// refuses a different one rather than silently dropping it.
		if sourceIdentity != "" && sourceIdentity != caller.Session.SourceIdentity {
			return nil, errorf("ValidationError", "The source identity of a role chaining session cannot be changed.")
		}
		sourceIdentity = caller.Session.SourceIdentity
	}

	mfa, err := s.checkMFA(ctx, caller, in.SerialNumber, in.TokenCode)
	if err != nil {
		return nil, err
	}

	policies, packed, err := s.sessionPolicies(ctx, in, tags)
	if err != nil {
		return nil, err
	}

	// Authorization: the keys of the request, then each action it needs.
	reqCtx := map[string][]string{"sts:RoleSessionName": {in.RoleSessionName}}
	if in.ExternalID != nil {
		reqCtx["sts:ExternalId"] = []string{*in.ExternalID}
	}
	if sourceIdentity != "" {
		reqCtx["sts:SourceIdentity"] = []string{sourceIdentity}
	}
	if len(tags) > 0 {
		keys := make([]string, 0, len(tags))
		for k, v := range tags {
			reqCtx["aws:RequestTag/"+k] = []string{v}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		reqCtx["aws:TagKeys"] = keys
	}
	if len(transitive) > 0 {
		reqCtx["sts:TransitiveTagKeys"] = transitive
	}
	if mfa {
		reqCtx["aws:MultiFactorAuthPresent"] = []string{"true"}
		reqCtx["aws:MultiFactorAuthAge"] = []string{"0"}
	}
	one := func(action string) access.Request {
		return access.Request{Action: action, Resource: role.ARN, ResourceAccount: role.Account,
			ResourcePolicy: role.Trust, ResourcePolicyIsTrust: true, Context: reqCtx}
	}
	reqs := []access.Request{one("sts:AssumeRole")}
	if len(tags) > 0 {
		reqs = append(reqs, one("sts:TagSession"))
	}
	if in.SourceIdentity != nil {
		reqs = append(reqs, one("sts:SetSourceIdentity"))
	}
	if err := s.opt.Authorizer.Authorize(ctx, reqs...); err != nil {
		var de *access.DeniedError
		if errors.As(err, &de) {
			// STS names the action and the role but not which policy
			// refused: "User: arn:aws:iam::111122223333:user/alice is not
			// authorized to perform: sts:AssumeRole on resource:
			// arn:aws:iam::111122223333:role/r", as for a role that does
			// not exist (so that the two cannot be told apart).
			return nil, access.Deny(de.Action, de.Resource, "User: %s is not authorized to perform: %s on resource: %s", caller.ARN, de.Action, de.Resource)
		}
		return nil, err
	}

	c := roleSessionCaller(role, in.RoleSessionName, tags, &identity.Session{
		SourceIdentity: sourceIdentity, Tags: tags, TransitiveTagKeys: transitive,
		Policies: policies, RoleChained: chained,
	})
	c.MFAAuthenticated = mfa
	if mfa {
		c.MFAAuthTime = s.opt.Now().UTC()
	}
	var record func(*Credentials) []store.Event
	if ev != nil {
		roleAccount := ""
		if role.Account != caller.Account {
			roleAccount = role.Account
		}
		record = func(cr *Credentials) []store.Event { return ev(cr, roleAccount) }
	}
	creds, err := s.issue(ctx, c, d, record)
	if err != nil {
		return nil, err
	}
	out := &AssumeRoleOutput{Credentials: creds, AssumedRoleID: c.UserID, AssumedRoleARN: c.ARN, SourceIdentity: sourceIdentity}
	if in.Policy != nil || len(in.PolicyARNs) > 0 || len(in.Tags) > 0 {
		out.PackedPolicySize = &packed
	}
	return out, nil
}

// sessionTags merges the requested tags with the transitive tags of a
// chained session. From "Passing session tags in AWS STS"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html):
// tag keys are case-insensitive and unique; transitive keys must be among
// the session's tags; transitive tags of the calling session pass to the new
// one and cannot be overridden there.
func sessionTags(caller *identity.Caller, in []Tag, transitiveKeys []string) (map[string]string, []string, error) {
	tags := map[string]string{}
	for _, t := range in {
		if _, _, dup := lookupFold(tags, t.Key); dup {
			return nil, nil, errorf("InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return nil, nil, errorf("InvalidParameterValue", "Tag keys cannot start with the prefix 'aws:'.")
		}
		tags[t.Key] = t.Value
	}
	var transitive []string
	for _, k := range transitiveKeys {
		key, _, ok := lookupFold(tags, k)
		if !ok {
			return nil, nil, errorf("InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.")
		}
		if !slices.Contains(transitive, key) {
			transitive = append(transitive, key)
		}
	}
	if caller.Session != nil {
		for _, k := range caller.Session.TransitiveTagKeys {
			v := caller.Session.Tags[k]
			if _, nv, ok := lookupFold(tags, k); ok && nv != v {
				return nil, nil, errorf("InvalidParameterValue", "Transitive tag key %s cannot be overridden by a session tag.", k)
			}
			if key, _, ok := lookupFold(tags, k); ok {
				delete(tags, key)
			}
			tags[k] = v
			if !slices.ContainsFunc(transitive, func(s string) bool { return strings.EqualFold(s, k) }) {
				transitive = append(transitive, k)
			}
		}
	}
	if len(tags) > 50 {
		return nil, nil, errorf("ValidationError", "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	if len(tags) == 0 {
		tags = nil
	}
	return tags, transitive, nil
}

// sessionPolicies validates the session policies (inline and managed) and
// returns their documents and the packed size percentage.
func (s *Service) sessionPolicies(ctx context.Context, in AssumeRoleInput, tags map[string]string) ([]string, int32, error) {
	var docs []string
	size := 0
	if in.Policy != nil {
		p, err := policy.Parse([]byte(*in.Policy), policy.TypeSession)
		if err != nil {
			return nil, 0, errorf("MalformedPolicyDocument", "%s", err.Error())
		}
		docs = append(docs, *in.Policy)
		size += p.SizeFor(policy.SizeManaged)
	}
	if len(in.PolicyARNs) > maxSessionPolicyARNs {
		return nil, 0, errorf("ValidationError", "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to %d", maxSessionPolicyARNs)
	}
	for _, arn := range in.PolicyARNs {
		doc, err := s.opt.Directory.PolicyDocument(ctx, arn)
		if errors.Is(err, ErrNoSuchPolicy) {
			return nil, 0, errorf("InvalidParameterValue", "Policy %s does not exist or is not attachable.", arn)
		}
		if err != nil {
			return nil, 0, err
		}
		docs = append(docs, doc)
		size += len(arn)
	}
	for k, v := range tags {
		size += len(k) + len(v)
	}
	pct := int32((size*100 + packedLimit - 1) / packedLimit)
	if pct > 100 {
		return nil, 0, errorf("PackedPolicyTooLarge", "Packed size of consumed session policies and session tags exceeds the allowed size (%s%%).", strconv.Itoa(int(pct)))
	}
	return docs, pct, nil
}

// roleSessionCaller is the caller a session of role acts as: named
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, with the role's tags
// overridden by the session tags of the same key (case-insensitively), and
// sess (which this completes with the role as its issuer).
func roleSessionCaller(role Role, sessionName string, sessionTags map[string]string, sess *identity.Session) *identity.Caller {
	principalTags := cloneMap(role.Tags)
	if principalTags == nil && len(sessionTags) > 0 {
		principalTags = map[string]string{}
	}
	for k, v := range sessionTags {
		if old, _, ok := lookupFold(principalTags, k); ok {
			delete(principalTags, old)
		}
		principalTags[k] = v
	}
	sess.IssuerARN, sess.IssuerType, sess.IssuerName, sess.IssuerID = role.ARN, identity.Type("Role"), role.Name, role.ID
	return &identity.Caller{
		Type:         identity.AssumedRole,
		Account:      role.Account,
		ARN:          "arn:aws:sts::" + role.Account + ":assumed-role/" + role.Name + "/" + sessionName,
		PrincipalARN: role.ARN,
		UserID:       role.ID + ":" + sessionName,
		PrincipalID:  role.ID,
		Name:         role.Name,
		SessionName:  sessionName,
		Path:         role.Path,
		Tags:         principalTags,
		Session:      sess,
	}
}
