// Package cloudtrailapi binds package audit's Trail to CloudTrail's
// awsJson1_1 API: LookupEvents, authorized as cloudtrail:LookupEvents on
// "*" (the Service Authorization Reference lists the action without a
// resource type), answered from the caller's account's events, with
// audit's refusals turned into CloudTrail's modelled errors.
//
// The other CloudTrail operations (trails, event data stores, Lake
// queries, channels ...) stay nil: cleanroom keeps the event history only,
// and cloudtrailwire's Serve answers them NotImplemented.
package cloudtrailapi

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/audit"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cloudtrailwire"
)

// Options configures the handlers.
type Options struct {
	Trail      *audit.Trail
	Authorizer access.Authorizer
	// Catalog is the service authorization data. LookupEvents has no
	// resource type and no condition keys of its own, so it needs none;
	// the field keeps the shape of the other API packages' Options for the
	// operations bound later.
	Catalog *catalog.Catalog
	// Logger is for operational messages. LookupEvents has none (the
	// server logs the failures it answers); nil is fine.
	Logger *slog.Logger
}

type api struct {
	trail *audit.Trail
	authz access.Authorizer
}

// Handlers returns the CloudTrail operations cleanroom implements:
// LookupEvents.
func Handlers(o Options) *cloudtrailwire.Handlers {
	a := &api{trail: o.Trail, authz: o.Authorizer}
	return &cloudtrailwire.Handlers{LookupEvents: a.lookupEvents}
}

// actionLookupEvents is the action LookupEvents is authorized as.
const actionLookupEvents = "cloudtrail:LookupEvents"

// lookupEvents answers LookupEvents
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html)
// with the caller's account's events.
func (a *api) lookupEvents(ctx context.Context, in *cloudtrailwire.LookupEventsInput) (*cloudtrailwire.LookupEventsOutput, error) {
	c := identity.FromContext(ctx)
	if c == nil || c.Account == "" {
		return nil, awsproto.MissingAuthenticationToken()
	}
	// LookupEvents has no resource type and no condition keys of its own;
	// the Authorizer adds the caller's and the global keys.
	if err := a.authz.Authorize(ctx, access.Request{Action: actionLookupEvents, Resource: "*"}); err != nil {
		return nil, err
	}
	q := audit.LookupInput{
		StartTime: in.StartTime, EndTime: in.EndTime, EventCategory: string(in.EventCategory), NextToken: in.NextToken,
	}
	for _, at := range in.LookupAttributes {
		q.Attributes = append(q.Attributes, audit.LookupAttribute{Key: string(at.AttributeKey), Value: at.AttributeValue})
	}
	if in.MaxResults != nil {
		n := int(*in.MaxResults)
		q.MaxResults = &n
	}
	out, err := a.trail.Lookup(ctx, c.Account, q)
	if err != nil {
		return nil, wireError(err)
	}
	resp := &cloudtrailwire.LookupEventsOutput{Events: make([]cloudtrailwire.Event, len(out.Events)), NextToken: out.NextToken}
	for i := range out.Events {
		resp.Events[i] = eventOut(&out.Events[i])
	}
	return resp, nil
}

func eventOut(e *audit.EventSummary) cloudtrailwire.Event {
	out := cloudtrailwire.Event{
		EventId: optStr(e.EventID), EventName: optStr(e.EventName), ReadOnly: optStr(e.ReadOnly),
		AccessKeyId: optStr(e.AccessKeyID), EventTime: optTime(e.EventTime), EventSource: optStr(e.EventSource),
		Username: optStr(e.Username), CloudTrailEvent: optStr(e.CloudTrailEvent),
		// CloudTrail answers an empty list for an event that names no
		// resource.
		Resources: make([]cloudtrailwire.Resource, len(e.Resources)),
	}
	for i, r := range e.Resources {
		out.Resources[i] = cloudtrailwire.Resource{ResourceType: optStr(r.Type), ResourceName: optStr(r.Name)}
	}
	return out
}

// wireError turns a refusal of audit.Trail.Lookup into the modelled error
// CloudTrail sends with its code; other errors (store failures) pass as
// they are for the server to map.
func wireError(err error) error {
	var e *audit.Error
	if !errors.As(err, &e) {
		return err
	}
	for _, shape := range cloudtrailwire.ErrorShapes {
		if shape.Code == e.Code {
			return shape.New("%s", e.Message)
		}
	}
	// Every code audit answers is one of the model's (see the tests).
	return awsproto.InternalFailure("%s", e.Message)
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
