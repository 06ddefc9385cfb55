package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// cloudTrailEvent is the CloudTrail record of one call ("CloudTrail record
// contents", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
// The Organizations and audit work completes it (denied and read-only
// calls, sharedEventID, invokedBy).
type cloudTrailEvent struct {
	EventVersion       string        `json:"eventVersion"`
	UserIdentity       *userIdentity `json:"userIdentity,omitempty"`
	EventTime          string        `json:"eventTime"`
	EventSource        string        `json:"eventSource"`
	EventName          string        `json:"eventName"`
	AWSRegion          string        `json:"awsRegion"`
	SourceIPAddress    string        `json:"sourceIPAddress,omitempty"`
	UserAgent          string        `json:"userAgent,omitempty"`
	RequestParameters  any           `json:"requestParameters"`
	ResponseElements   any           `json:"responseElements"`
	RequestID          string        `json:"requestID,omitempty"`
	EventID            string        `json:"eventID"`
	ReadOnly           bool          `json:"readOnly"`
	EventType          string        `json:"eventType"`
	ManagementEvent    bool          `json:"managementEvent"`
	RecipientAccountID string        `json:"recipientAccountId"`
	EventCategory      string        `json:"eventCategory"`
}

type userIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId,omitempty"`
	ARN            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *sessionContext `json:"sessionContext,omitempty"`
}

type sessionContext struct {
	SessionIssuer  *sessionIssuer `json:"sessionIssuer,omitempty"`
	Attributes     map[string]any `json:"attributes"`
	SourceIdentity string         `json:"sourceIdentity,omitempty"`
}

type sessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// event builds the audit event of a call by the caller in ctx.
func (s *Server) event(ctx context.Context, source, name string, readOnly bool, request, response any) store.Event {
	now := s.now().UTC()
	id := awsproto.NewRequestID()
	ev := cloudTrailEvent{
		EventVersion: "1.08", EventTime: now.Format(time.RFC3339), EventSource: source, EventName: name,
		AWSRegion: "us-east-1", RequestParameters: request, ResponseElements: response, EventID: id,
		ReadOnly: readOnly, EventType: "AwsApiCall", ManagementEvent: true, EventCategory: "Management",
	}
	if info := access.InfoFrom(ctx); info != nil {
		ev.SourceIPAddress, ev.UserAgent = info.SourceIP, info.UserAgent
		if info.Region != "" {
			ev.AWSRegion = info.Region
		}
	}
	c := identity.FromContext(ctx)
	if c != nil {
		ev.UserIdentity = identityOf(c)
		ev.RecipientAccountID = c.Account
	}
	data, err := json.Marshal(ev)
	if err != nil {
		s.log.Error("encoding an audit event", "event", name, "err", err)
	}
	out := store.Event{ID: id, Time: now, Source: source, Name: name, ReadOnly: readOnly, Data: data}
	if c != nil {
		out.Account, out.AccessKeyID = c.Account, c.AccessKeyID
		if c.Type == identity.IAMUser {
			out.Username = c.Name
		} else if c.Type == identity.AssumedRole {
			out.Username = c.SessionName
		}
	}
	return out
}

func identityOf(c *identity.Caller) *userIdentity {
	u := &userIdentity{Type: string(c.Type), PrincipalID: c.UserID, ARN: c.ARN, AccountID: c.Account, AccessKeyID: c.AccessKeyID}
	if c.Type == identity.IAMUser {
		u.UserName = c.Name
	}
	if s := c.Session; s != nil {
		sc := &sessionContext{Attributes: map[string]any{
			"creationDate":     s.IssuedAt.UTC().Format(time.RFC3339),
			"mfaAuthenticated": boolString(c.MFAAuthenticated),
		}, SourceIdentity: s.SourceIdentity}
		if c.Type == identity.AssumedRole {
			sc.SessionIssuer = &sessionIssuer{Type: string(s.IssuerType), PrincipalID: s.IssuerID, ARN: s.IssuerARN, AccountID: c.Account, UserName: s.IssuerName}
		}
		u.SessionContext = sc
	}
	return u
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
