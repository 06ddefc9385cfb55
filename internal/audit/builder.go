package audit

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"github.com/cleanroom-dev/cleanroom/internal/awsid"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Values of the record's constant fields.
const (
	// EventTypeAPICall is eventType for API calls.
	EventTypeAPICall = "AwsApiCall"
	// CategoryManagement is eventCategory for management events, the only
	// category cleanroom records.
	CategoryManagement = "Management"
	// DefaultRegion is awsRegion when a request names none (the global
	// services, IAM and Organizations, are recorded in us-east-1, as AWS
	// records them).
	DefaultRegion = "us-east-1"
)

// Caller types CloudTrail knows that package identity does not define.
const (
	// TypeWebIdentityUser is the caller of AssumeRoleWithWebIdentity.
	TypeWebIdentityUser identity.Type = "WebIdentityUser"
	// TypeSAMLUser is the caller of AssumeRoleWithSAML.
	TypeSAMLUser identity.Type = "SAMLUser"
)

// typeAWSAccount is userIdentity.type of a caller from another account, as
// the account that receives a cross-account record sees it (and of an
// anonymous caller).
const typeAWSAccount = "AWSAccount"

// RootUsername is the LookupEvents Username of the root user's events (the
// API Reference's own example of the attribute: "an AttributeKey of
// 'Username' with a value of 'root'").
const RootUsername = "root"

// AnonymousAccountID is userIdentity.accountId of an anonymous caller (type
// AWSAccount, no principal).
const AnonymousAccountID = "anonymous"

// Request is what a call's HTTP request tells the record.
type Request struct {
	// SourceIP is sourceIPAddress. Empty with InvokedBy set, the service's
	// name stands in for it, as in AWS's records of calls a service makes.
	SourceIP string
	// UserAgent is userAgent (InvokedBy when empty and InvokedBy is set).
	UserAgent string
	// Region is awsRegion: the region of the credential scope (DefaultRegion
	// when empty).
	Region string
	// RequestID is requestID, the id the response carried.
	RequestID string
	// TLS is tlsDetails, for requests made over TLS.
	TLS *TLSDetails
	// InvokedBy is the service principal (e.g. "cleanrooms.amazonaws.com")
	// that made the call on the caller's behalf, or the calling service of
	// a type AWSService caller.
	InvokedBy string
}

// Resource is one resource a call names.
type Resource struct {
	// Type is the CloudTrail resource type, e.g. "AWS::IAM::User"
	// (LookupEvents' ResourceType).
	Type string
	// Name is LookupEvents' ResourceName: the name of the resource (a user
	// name, an access key id) or, when empty, its ARN.
	Name string
	// ARN and Account are the record's resources[].ARN and accountId; an
	// empty Account is read from the ARN.
	ARN     string
	Account string
}

// Call is one API call to record.
type Call struct {
	// Caller is who made the call: nil for unsigned calls (a web identity
	// or anonymous caller has its own identity.Caller, see
	// TypeWebIdentityUser and identity.Anonymous).
	Caller  *identity.Caller
	Request Request
	// Source is eventSource, e.g. "iam.amazonaws.com".
	Source string
	// Operation is eventName, e.g. "CreateUser".
	Operation string
	// ReadOnly overrides the operation's read-only flag (see
	// Builder.ReadOnly) when set.
	ReadOnly *bool
	// RequestParameters, ResponseElements and AdditionalEventData are
	// recorded through Redact: secrets never reach the trail.
	RequestParameters   any
	ResponseElements    any
	AdditionalEventData any
	// ErrorCode and ErrorMessage record a failed or refused call (e.g.
	// "AccessDenied" and the denial message).
	ErrorCode    string
	ErrorMessage string
	// Resources are the resources the call names.
	Resources []Resource
	// Account is the account whose trail receives the event
	// (recipientAccountId); the caller's account when empty.
	Account string
	// EventType is eventType; EventTypeAPICall when empty.
	EventType string
}

// BuilderOptions configure a Builder.
type BuilderOptions struct {
	// Now is the clock stamped on events (eventTime); time.Now when nil.
	Now func() time.Time
	// Catalog supplies the access levels that decide which operations are
	// read-only; without one, operation names decide (see Builder.ReadOnly).
	Catalog *catalog.Catalog
	// Rand is the source of event ids; crypto/rand when nil.
	Rand io.Reader
}

// Builder makes the audit events of calls. It is safe for concurrent use.
type Builder struct {
	now      func() time.Time
	rand     io.Reader
	readOnly map[string]map[string]bool // eventSource → operation → read-only
}

// NewBuilder returns a Builder.
func NewBuilder(opt BuilderOptions) *Builder {
	b := &Builder{now: opt.Now, rand: opt.Rand, readOnly: map[string]map[string]bool{}}
	if b.now == nil {
		b.now = time.Now
	}
	if b.rand == nil {
		b.rand = rand.Reader
	}
	if c := opt.Catalog; c != nil {
		for _, prefix := range c.Services() {
			svc, _ := c.Service(prefix)
			t := make(map[string]bool, len(svc.Actions))
			for _, a := range svc.Actions {
				t[a.Name] = a.AccessLevel == "Read" || a.AccessLevel == "List"
			}
			b.readOnly[EventSource(prefix)] = t
		}
	}
	// CloudTrail records STS's credential-issuing calls as read-only
	// ("readOnly": true in AWS's AssumeRole records, whatever the caller):
	// they create no resource, though the Service Authorization Reference
	// files them under the Write access level.
	sts := b.readOnly["sts.amazonaws.com"]
	if sts == nil {
		sts = map[string]bool{}
		b.readOnly["sts.amazonaws.com"] = sts
	}
	for _, op := range []string{"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot", "GetFederationToken", "GetSessionToken", "GetCallerIdentity", "GetAccessKeyInfo"} {
		sts[op] = true
	}
	return b
}

// EventSource returns the eventSource of an IAM service prefix:
// "iam" → "iam.amazonaws.com" ("This name is typically a short form of the
// service name without spaces plus .amazonaws.com", CloudTrail record
// contents; every service cleanroom serves follows the rule).
func EventSource(prefix string) string { return prefix + ".amazonaws.com" }

// readPrefixes are the operation-name prefixes of read-only operations, for
// operations the catalog does not list.
var readPrefixes = []string{"Get", "List", "Describe", "Lookup", "Head", "Search", "BatchGet"}

// ReadOnly reports whether CloudTrail records an operation of the service
// with the eventSource as read-only: the operation's IAM action has the
// Read or List access level in the Service Authorization Reference (the
// catalog), except STS's credential-issuing calls, which CloudTrail records
// as read-only. An operation the catalog does not know is read-only when
// its name starts with Get, List, Describe, Lookup, Head, Search or
// BatchGet.
func (b *Builder) ReadOnly(source, operation string) bool {
	if t, ok := b.readOnly[source]; ok {
		if ro, ok := t[operation]; ok {
			return ro
		}
	}
	for _, p := range readPrefixes {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}

// Event builds the event of a call for the account that receives it
// (c.Account, or the caller's). An event with no account (an unsigned call
// without a caller) belongs to no trail; Recorder skips it.
func (b *Builder) Event(c Call) store.Event {
	return b.build(&c, b.recipient(&c), "", true)
}

// ForAccounts builds the events of a call that reaches resources of other
// accounts: one for the caller's account (or c.Account) and one for each of
// accounts, without duplicates. When there is more than one, they share a
// sharedEventID and each has its own eventID and recipientAccountId
// (CloudTrail record contents, sharedEventID); the other accounts' records
// identify the caller only by account and principal id (type AWSAccount, or
// AWSService for a service), as AWS records a cross-account AssumeRole in
// the role's account ("Logging IAM and AWS STS API calls with AWS
// CloudTrail", IAM User Guide), and their events carry no Username or
// AccessKeyID for lookup: those belong to the caller's account.
func (b *Builder) ForAccounts(c Call, accounts ...string) []store.Event {
	primary := b.recipient(&c)
	recipients := make([]string, 0, 1+len(accounts))
	if primary != "" {
		recipients = append(recipients, primary)
	}
	for _, a := range accounts {
		if a != "" && !contains(recipients, a) {
			recipients = append(recipients, a)
		}
	}
	if len(recipients) <= 1 {
		acct := primary
		if len(recipients) == 1 {
			acct = recipients[0]
		}
		return []store.Event{b.build(&c, acct, "", true)}
	}
	// Without an account of its own (a service's call), the caller is
	// recorded as it is in every account.
	shared := b.newID()
	out := make([]store.Event, len(recipients))
	for i, acct := range recipients {
		out[i] = b.build(&c, acct, shared, acct == primary || primary == "")
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// recipient is the account whose trail receives the call's own event.
func (b *Builder) recipient(c *Call) string {
	if c.Account != "" {
		return c.Account
	}
	if c.Caller != nil && c.Caller.Type != identity.Anonymous {
		return c.Caller.Account
	}
	return ""
}

// build makes the event for account; own is false for an account other than
// the caller's (a cross-account copy), shared its sharedEventID.
func (b *Builder) build(c *Call, account, shared string, own bool) store.Event {
	now := b.now().UTC().Truncate(time.Microsecond)
	id := b.newID()
	ro := b.ReadOnly(c.Source, c.Operation)
	if c.ReadOnly != nil {
		ro = *c.ReadOnly
	}
	req := c.Request
	if req.InvokedBy != "" {
		if req.SourceIP == "" {
			req.SourceIP = req.InvokedBy
		}
		if req.UserAgent == "" {
			req.UserAgent = req.InvokedBy
		}
	}
	region := req.Region
	if region == "" {
		region = DefaultRegion
	}
	eventType := c.EventType
	if eventType == "" {
		eventType = EventTypeAPICall
	}
	rec := Record{
		EventVersion:        EventVersion,
		EventTime:           now.Format(time.RFC3339),
		EventSource:         c.Source,
		EventName:           c.Operation,
		AWSRegion:           region,
		SourceIPAddress:     req.SourceIP,
		UserAgent:           req.UserAgent,
		ErrorCode:           c.ErrorCode,
		ErrorMessage:        c.ErrorMessage,
		RequestParameters:   Redact(c.RequestParameters),
		ResponseElements:    Redact(c.ResponseElements),
		AdditionalEventData: Redact(c.AdditionalEventData),
		RequestID:           req.RequestID,
		EventID:             id,
		ReadOnly:            ro,
		EventType:           eventType,
		ManagementEvent:     true,
		RecipientAccountID:  account,
		SharedEventID:       shared,
		EventCategory:       CategoryManagement,
		TLSDetails:          req.TLS,
	}
	ev := store.Event{ID: id, Account: account, Time: now, Source: c.Source, Name: c.Operation, ReadOnly: ro}
	if own {
		rec.UserIdentity = userIdentity(c.Caller, req.InvokedBy)
		ev.Username, ev.AccessKeyID = lookupUser(c.Caller, req.InvokedBy)
	} else {
		rec.UserIdentity = crossAccountIdentity(c.Caller, req.InvokedBy)
	}
	if len(c.Resources) > 0 {
		rec.Resources = make([]RecordResource, len(c.Resources))
		ev.Resources = make([]store.EventResource, len(c.Resources))
		for i, r := range c.Resources {
			acct := r.Account
			if acct == "" {
				acct = arnAccount(r.ARN)
			}
			rec.Resources[i] = RecordResource{ARN: r.ARN, AccountID: acct, Type: r.Type}
			name := r.Name
			if name == "" {
				name = r.ARN
			}
			ev.Resources[i] = store.EventResource{Type: r.Type, Name: name}
		}
	}
	ev.Data = encode(&rec)
	return ev
}

// encoder is a reusable JSON encoder writing to its own buffer.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := new(encoder)
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// encode marshals a record without escaping HTML characters (policy
// documents read as written). Redact leaves only JSON values, so only a
// malformed json.Number the caller supplied can fail; the record is then
// kept without its parameters and response.
func encode(rec *Record) []byte {
	e := encoders.Get().(*encoder)
	defer encoders.Put(e)
	e.buf.Reset()
	if err := e.enc.Encode(rec); err != nil {
		e.buf.Reset()
		r := *rec
		r.RequestParameters, r.ResponseElements, r.AdditionalEventData = nil, nil, nil
		if err := e.enc.Encode(&r); err != nil {
			return nil
		}
	}
	return bytes.Clone(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
}

// arnAccount is the account field of an ARN ("" when it has none).
func arnAccount(arn string) string {
	// arn:partition:service:region:account:resource
	rest := arn
	for range 4 {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		return rest[:i]
	}
	return ""
}

// userIdentity is the userIdentity element of the caller's own record
// ("CloudTrail userIdentity element").
func userIdentity(c *identity.Caller, invokedBy string) *UserIdentity {
	if c == nil {
		if invokedBy == "" {
			return nil
		}
		return &UserIdentity{Type: string(identity.AWSService), InvokedBy: invokedBy}
	}
	u := &UserIdentity{Type: string(c.Type), InvokedBy: invokedBy}
	switch c.Type {
	case identity.AWSService:
		if u.InvokedBy == "" {
			u.InvokedBy = serviceName(c)
		}
		return u
	case identity.Anonymous:
		u.AccountID = AnonymousAccountID
		return u
	case TypeWebIdentityUser, TypeSAMLUser:
		// "principalId: ... For WebIdentityUser, this is a combination of
		// the issuer, application ID, and user ID"; "userName: ... the user
		// ID"; "identityProvider: ... the issuer name".
		u.PrincipalID, u.UserName = c.UserID, c.Name
		if i := strings.IndexByte(c.UserID, ':'); i > 0 {
			u.IdentityProvider = c.UserID[:i]
		}
		return u
	}
	u.PrincipalID = c.UserID
	if u.PrincipalID == "" {
		u.PrincipalID = c.PrincipalID
	}
	u.ARN, u.AccountID, u.AccessKeyID = c.ARN, c.Account, c.AccessKeyID
	if c.Type == identity.IAMUser {
		u.UserName = c.Name
	}
	if s := c.Session; s != nil {
		sc := &SessionContext{
			Attributes:     SessionAttributes{MFAAuthenticated: boolString(c.MFAAuthenticated)},
			SourceIdentity: s.SourceIdentity,
		}
		if !s.IssuedAt.IsZero() {
			sc.Attributes.CreationDate = s.IssuedAt.UTC().Format(time.RFC3339)
		}
		// A role session names the role; GetFederationToken's session the
		// user or root that called it. GetSessionToken's credentials act as
		// the user itself, whose record has no sessionIssuer.
		if c.Type == identity.AssumedRole || c.Type == identity.FederatedUser {
			sc.SessionIssuer = &SessionIssuer{Type: string(s.IssuerType), PrincipalID: s.IssuerID, ARN: s.IssuerARN, AccountID: c.Account, UserName: s.IssuerName}
		}
		if s.FederatedProvider != "" {
			sc.WebIDFederationData = &WebIDFederationData{FederatedProvider: s.FederatedProvider, Attributes: map[string]string{}}
		}
		u.SessionContext = sc
	} else if c.MFAAuthenticated {
		u.SessionContext = &SessionContext{Attributes: SessionAttributes{MFAAuthenticated: "true"}}
	}
	return u
}

// crossAccountIdentity is the userIdentity of the record another account
// receives: the caller's account and principal id, or the service.
func crossAccountIdentity(c *identity.Caller, invokedBy string) *UserIdentity {
	if c == nil || c.Type == identity.AWSService {
		return userIdentity(c, invokedBy)
	}
	if c.Type == identity.Anonymous {
		return &UserIdentity{Type: typeAWSAccount, AccountID: AnonymousAccountID, InvokedBy: invokedBy}
	}
	return &UserIdentity{Type: typeAWSAccount, PrincipalID: c.UserID, AccountID: c.Account, InvokedBy: invokedBy}
}

// lookupUser is what LookupEvents' Username and AccessKeyId match for the
// caller: the IAM user name, the role session name of a role session (the
// AWS CLI's example lists a session's event under "Username":
// "my-session-name"), "root" for the root user, the federated user's or web
// identity's name, and the service for calls a service makes.
func lookupUser(c *identity.Caller, invokedBy string) (username, accessKeyID string) {
	if c == nil {
		return invokedBy, ""
	}
	switch c.Type {
	case identity.Root:
		return RootUsername, c.AccessKeyID
	case identity.AssumedRole:
		return c.SessionName, c.AccessKeyID
	case identity.AWSService:
		if invokedBy != "" {
			return invokedBy, ""
		}
		return serviceName(c), ""
	case identity.Anonymous:
		return "", ""
	}
	return c.Name, c.AccessKeyID
}

// serviceName is the service principal of a type AWSService caller.
func serviceName(c *identity.Caller) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ARN
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// newID returns a random (version 4) UUID, CloudTrail's eventID form.
func (b *Builder) newID() string {
	id, err := awsid.UUIDv7(b.rand, b.now())
	if err != nil {
		id, _ = awsid.UUIDv7(rand.Reader, b.now()) // crypto/rand does not fail
	}
	return id
}
