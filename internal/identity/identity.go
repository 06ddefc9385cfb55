// Package identity describes who is making a request once its signature has
// been verified: the principal, its account, its session and the facts about
// it that condition keys expose.
package identity

import (
	"context"
	"time"
)

// Type is the kind of principal, as CloudTrail's userIdentity.type and
// aws:PrincipalType name it.
type Type string

const (
	Root          Type = "Root"
	IAMUser       Type = "IAMUser"
	AssumedRole   Type = "AssumedRole"
	FederatedUser Type = "FederatedUser"
	AWSService    Type = "AWSService"
	Anonymous     Type = "AWSAccount" // CloudTrail's type for an anonymous caller is "AWSAccount" with no principal
)

// Caller is the authenticated principal of one request.
type Caller struct {
	Type    Type
	Account string
	// ARN is the principal's ARN as GetCallerIdentity returns it:
	// arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/PATH/NAME,
	// arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION,
	// arn:aws:sts::ACCOUNT:federated-user/NAME.
	ARN string
	// PrincipalARN is what aws:PrincipalArn holds: the role ARN (with its
	// path) for an assumed role, otherwise ARN.
	PrincipalARN string
	// UserID is GetCallerIdentity's UserId and aws:userid: the account id
	// for root, AIDA... for a user, AROA...:session for a role session.
	UserID string
	// PrincipalID is the unique id of the user or role (AIDA..., AROA...),
	// without a session name.
	PrincipalID string
	// Name is the user name (users, root: empty), role name (sessions) or
	// federated user name.
	Name string
	// SessionName is the role session name of an assumed role.
	SessionName string
	// Path is the user's or role's path.
	Path string

	AccessKeyID string
	// Temporary is true for credentials issued by STS.
	Temporary bool
	// Session describes temporary credentials; nil for long-term keys.
	Session *Session

	// Tags are the principal's tags for aws:PrincipalTag: the user's or
	// role's tags, overridden by session tags of the same key
	// (case-insensitively).
	Tags map[string]string

	// MFAAuthenticated is aws:MultiFactorAuthPresent; MFAAuthTime gives
	// aws:MultiFactorAuthAge.
	MFAAuthenticated bool
	MFAAuthTime      time.Time
}

// Session is what STS bound to temporary credentials.
type Session struct {
	// IssuerARN and IssuerType describe the session issuer (the role, or
	// the user for GetSessionToken / GetFederationToken).
	IssuerARN  string
	IssuerType Type
	IssuerName string
	IssuerID   string
	IssuedAt   time.Time
	Expires    time.Time
	// SourceIdentity is sts:SourceIdentity / aws:SourceIdentity.
	SourceIdentity string
	// Tags are the session tags; TransitiveTagKeys those that pass on to a
	// chained role session.
	Tags              map[string]string
	TransitiveTagKeys []string
	// Policies are session policy documents (inline and managed ARNs
	// resolved to documents at issue time); an empty list means none.
	Policies []string
	// RoleChained is true for a role session created by another role
	// session (limited to one hour).
	RoleChained bool
	// FederatedProvider is aws:FederatedProvider for the requests of a
	// session made by AssumeRoleWithWebIdentity: the IAM OIDC provider's
	// ARN.
	FederatedProvider string
}

// IsRoot reports whether the caller is an account's root user.
func (c *Caller) IsRoot() bool { return c.Type == Root }

type callerKey struct{}

// NewContext returns a context carrying the caller.
func NewContext(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// FromContext returns the caller a context carries, or nil.
func FromContext(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}
