package audit

import "encoding/json"

// EventVersion is the eventVersion of the records cleanroom writes: the
// current version of the CloudTrail record format ("eventVersion: The
// version of the log event format. The current version is 1.11.", CloudTrail
// record contents). Fields of later minor versions that cleanroom does not
// produce are simply absent, as they are for AWS's services that do not
// produce them.
const EventVersion = "1.11"

// Record is one CloudTrail event record, as LookupEvents returns it in
// CloudTrailEvent and as trails deliver it ("CloudTrail record contents",
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
// Field order follows AWS's records.
type Record struct {
	EventVersion        string           `json:"eventVersion"`
	UserIdentity        *UserIdentity    `json:"userIdentity,omitempty"`
	EventTime           string           `json:"eventTime"`
	EventSource         string           `json:"eventSource"`
	EventName           string           `json:"eventName"`
	AWSRegion           string           `json:"awsRegion"`
	SourceIPAddress     string           `json:"sourceIPAddress,omitempty"`
	UserAgent           string           `json:"userAgent,omitempty"`
	ErrorCode           string           `json:"errorCode,omitempty"`
	ErrorMessage        string           `json:"errorMessage,omitempty"`
	RequestParameters   any              `json:"requestParameters"`
	ResponseElements    any              `json:"responseElements"`
	AdditionalEventData any              `json:"additionalEventData,omitempty"`
	RequestID           string           `json:"requestID,omitempty"`
	EventID             string           `json:"eventID"`
	ReadOnly            bool             `json:"readOnly"`
	Resources           []RecordResource `json:"resources,omitempty"`
	EventType           string           `json:"eventType"`
	APIVersion          string           `json:"apiVersion,omitempty"`
	ManagementEvent     bool             `json:"managementEvent"`
	RecipientAccountID  string           `json:"recipientAccountId"`
	SharedEventID       string           `json:"sharedEventID,omitempty"`
	EventCategory       string           `json:"eventCategory"`
	TLSDetails          *TLSDetails      `json:"tlsDetails,omitempty"`
}

// UserIdentity is the record's userIdentity element ("CloudTrail
// userIdentity element",
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
type UserIdentity struct {
	// Type is Root, IAMUser, AssumedRole, FederatedUser, WebIdentityUser,
	// SAMLUser, AWSAccount or AWSService.
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	UserName    string `json:"userName,omitempty"`
	// IdentityProvider appears only for SAMLUser and WebIdentityUser: the
	// issuer of the token.
	IdentityProvider string          `json:"identityProvider,omitempty"`
	SessionContext   *SessionContext `json:"sessionContext,omitempty"`
	// InvokedBy names the AWS service that made the request on the
	// principal's behalf (or, for type AWSService, the service itself).
	InvokedBy string `json:"invokedBy,omitempty"`
}

// SessionContext describes the temporary credentials a request was signed
// with.
type SessionContext struct {
	SessionIssuer       *SessionIssuer       `json:"sessionIssuer,omitempty"`
	WebIDFederationData *WebIDFederationData `json:"webIdFederationData,omitempty"`
	Attributes          SessionAttributes    `json:"attributes"`
	SourceIdentity      string               `json:"sourceIdentity,omitempty"`
}

// SessionIssuer is how temporary credentials were obtained: the role
// assumed, or the user or root that called GetFederationToken.
type SessionIssuer struct {
	// Type is Role, IAMUser or Root.
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

// WebIDFederationData names the identity provider of credentials obtained
// with AssumeRoleWithWebIdentity.
type WebIDFederationData struct {
	FederatedProvider string            `json:"federatedProvider,omitempty"`
	Attributes        map[string]string `json:"attributes"`
}

// SessionAttributes are the session's creation time (ISO 8601) and whether
// it was authenticated with MFA ("true" or "false", strings as in AWS's
// records).
type SessionAttributes struct {
	CreationDate     string `json:"creationDate,omitempty"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

// RecordResource is one element of the record's resources list.
type RecordResource struct {
	ARN       string `json:"ARN,omitempty"`
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type,omitempty"`
}

// TLSDetails is the record's tlsDetails element, present for requests made
// over TLS.
type TLSDetails struct {
	TLSVersion               string `json:"tlsVersion,omitempty"`
	CipherSuite              string `json:"cipherSuite,omitempty"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader,omitempty"`
}

// ParseRecord decodes a record (a store.Event's Data, or LookupEvents'
// CloudTrailEvent).
func ParseRecord(data []byte) (*Record, error) {
	r := new(Record)
	if err := json.Unmarshal(data, r); err != nil {
		return nil, err
	}
	return r, nil
}
