package server

import (
	"context"

	"github.com/cleanroom-dev/cleanroom/internal/audit/cloudtrailapi"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/orgs"
	"github.com/cleanroom-dev/cleanroom/internal/orgs/orgsapi"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cloudtrailwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/orgswire"
)

// jsonServices returns the awsJson 1.1 services: Organizations (global,
// signed for us-east-1) and CloudTrail's LookupEvents (regional).
func (a *api) jsonServices() map[string]*service {
	s := a.s
	orgHandlers := orgsapi.Handlers(orgsapi.Options{Service: a.orgs, Authorizer: a.engine, Catalog: s.catalog, Logger: s.log,
		Audit: func(ctx context.Context, op string, request any) orgs.Audit {
			return func(result any) store.Event {
				return s.event(ctx, "organizations.amazonaws.com", op, request, result)
			}
		}})
	trailHandlers := cloudtrailapi.Handlers(cloudtrailapi.Options{Trail: s.trail, Authorizer: a.engine, Catalog: s.catalog, Logger: s.log})
	return map[string]*service{
		"organizations": {
			name: "organizations", proto: awsproto.JSON11, region: "us-east-1", targetPrefix: orgswire.TargetPrefix,
			serve: func(ctx context.Context, c *call) error {
				resp, err := orgHandlers.Serve(ctx, c.r.Header.Get("X-Amz-Target"), c.body)
				if err != nil {
					return err
				}
				return awsproto.WriteJSONResponse(c.w, resp, c.rid)
			},
			known: func(op string) bool { _, ok := orgswire.LookupOperation(op); return ok },
		},
		"cloudtrail": {
			name: "cloudtrail", proto: awsproto.JSON11, targetPrefix: cloudtrailwire.TargetPrefix,
			serve: func(ctx context.Context, c *call) error {
				resp, err := trailHandlers.Serve(ctx, c.r.Header.Get("X-Amz-Target"), c.body)
				if err != nil {
					return err
				}
				return awsproto.WriteJSONResponse(c.w, resp, c.rid)
			},
			known: func(op string) bool { _, ok := cloudtrailwire.LookupOperation(op); return ok },
		},
	}
}
