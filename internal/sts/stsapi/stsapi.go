// Package stsapi binds the STS service to the wire: it fills
// stswire.Handlers with functions that take the decoded request, act
// through package sts and return the wire output.
package stsapi

import (
	"context"
	"errors"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/sts"
	"github.com/cleanroom-dev/cleanroom/internal/wire/stswire"
)

// Auditor builds the audit events of an STS operation once its result is
// known; responseElements are the operation's result with secrets removed.
// otherAccounts are accounts besides the caller's that the call is recorded
// in (the role's account of a cross-account AssumeRole).
type Auditor func(ctx context.Context, operation string, requestParameters, responseElements any, otherAccounts ...string) []store.Event

// Handlers returns the STS operations cleanroom serves.
func Handlers(svc *sts.Service, audit Auditor) *stswire.Handlers {
	return &stswire.Handlers{
		GetCallerIdentity: func(ctx context.Context, _ *stswire.GetCallerIdentityInput) (*stswire.GetCallerIdentityOutput, error) {
			c := identity.FromContext(ctx)
			id := sts.GetCallerIdentity(c)
			return &stswire.GetCallerIdentityOutput{Account: &id.Account, Arn: &id.ARN, UserId: &id.UserID}, nil
		},
		GetSessionToken: func(ctx context.Context, in *stswire.GetSessionTokenInput) (*stswire.GetSessionTokenOutput, error) {
			c := identity.FromContext(ctx)
			creds, err := svc.GetSessionToken(ctx, c, sts.GetSessionTokenInput{
				DurationSeconds: in.DurationSeconds, SerialNumber: deref(in.SerialNumber), TokenCode: deref(in.TokenCode),
			}, func(cr *sts.Credentials) []store.Event {
				return audit(ctx, "GetSessionToken", requestParams(in.DurationSeconds, in.SerialNumber),
					map[string]any{"credentials": redacted(cr)})
			})
			if err != nil {
				return nil, mapError(err)
			}
			return &stswire.GetSessionTokenOutput{Credentials: wireCredentials(creds)}, nil
		},
		AssumeRole: func(ctx context.Context, in *stswire.AssumeRoleInput) (*stswire.AssumeRoleOutput, error) {
			c := identity.FromContext(ctx)
			req := sts.AssumeRoleInput{
				RoleARN: in.RoleArn, RoleSessionName: in.RoleSessionName, DurationSeconds: in.DurationSeconds,
				ExternalID: in.ExternalId, Policy: in.Policy, TransitiveTagKeys: in.TransitiveTagKeys,
				SourceIdentity: in.SourceIdentity, SerialNumber: deref(in.SerialNumber), TokenCode: deref(in.TokenCode),
			}
			for _, p := range in.PolicyArns {
				if p.Arn != nil {
					req.PolicyARNs = append(req.PolicyARNs, *p.Arn)
				}
			}
			for _, t := range in.Tags {
				req.Tags = append(req.Tags, sts.Tag{Key: t.Key, Value: t.Value})
			}
			out, err := svc.AssumeRole(ctx, c, req, func(cr *sts.Credentials, roleAccount string) []store.Event {
				params := map[string]any{"roleArn": in.RoleArn, "roleSessionName": in.RoleSessionName}
				if in.ExternalId != nil {
					params["externalId"] = *in.ExternalId
				}
				if in.DurationSeconds != nil {
					params["durationSeconds"] = *in.DurationSeconds
				}
				if roleAccount != "" {
					return audit(ctx, "AssumeRole", params, map[string]any{"credentials": redacted(cr)}, roleAccount)
				}
				return audit(ctx, "AssumeRole", params, map[string]any{"credentials": redacted(cr)})
			})
			if err != nil {
				return nil, mapError(err)
			}
			w := &stswire.AssumeRoleOutput{
				Credentials:      wireCredentials(out.Credentials),
				AssumedRoleUser:  &stswire.AssumedRoleUser{AssumedRoleId: out.AssumedRoleID, Arn: out.AssumedRoleARN},
				PackedPolicySize: out.PackedPolicySize,
			}
			if out.SourceIdentity != "" {
				w.SourceIdentity = &out.SourceIdentity
			}
			return w, nil
		},
		AssumeRoleWithWebIdentity: func(ctx context.Context, in *stswire.AssumeRoleWithWebIdentityInput) (*stswire.AssumeRoleWithWebIdentityOutput, error) {
			return assumeRoleWithWebIdentity(ctx, svc, audit, in)
		},
	}
}

// assumeRoleWithWebIdentity serves the unsigned AssumeRoleWithWebIdentity:
// there is no caller in ctx (a signed call's caller is ignored). Its audit
// event names the web identity (userIdentity type WebIdentityUser) and
// never records the token.
func assumeRoleWithWebIdentity(ctx context.Context, svc *sts.Service, audit Auditor, in *stswire.AssumeRoleWithWebIdentityInput) (*stswire.AssumeRoleWithWebIdentityOutput, error) {
	req := sts.AssumeRoleWithWebIdentityInput{
		RoleARN: in.RoleArn, RoleSessionName: in.RoleSessionName, WebIdentityToken: in.WebIdentityToken,
		ProviderID: in.ProviderId, DurationSeconds: in.DurationSeconds, Policy: in.Policy,
	}
	for _, p := range in.PolicyArns {
		if p.Arn != nil {
			req.PolicyARNs = append(req.PolicyARNs, *p.Arn)
		}
	}
	out, err := svc.AssumeRoleWithWebIdentity(ctx, req, func(web *identity.Caller, o *sts.AssumeRoleWithWebIdentityOutput) []store.Event {
		params := map[string]any{"roleArn": in.RoleArn, "roleSessionName": in.RoleSessionName}
		if in.DurationSeconds != nil {
			params["durationSeconds"] = *in.DurationSeconds
		}
		if in.ProviderId != nil {
			params["providerId"] = *in.ProviderId
		}
		resp := map[string]any{
			"credentials":                 redacted(o.Credentials),
			"subjectFromWebIdentityToken": o.Subject,
			"assumedRoleUser":             map[string]any{"assumedRoleId": o.AssumedRoleID, "arn": o.AssumedRoleARN},
			"provider":                    o.Provider,
			"audience":                    o.Audience,
		}
		if o.PackedPolicySize != nil {
			resp["packedPolicySize"] = *o.PackedPolicySize
		}
		if o.SourceIdentity != "" {
			resp["sourceIdentity"] = o.SourceIdentity
		}
		return audit(identity.NewContext(ctx, web), "AssumeRoleWithWebIdentity", params, resp)
	})
	if err != nil {
		var se *sts.Error
		if errors.As(err, &se) {
			switch se.Code {
			case "InvalidIdentityToken":
				return nil, stswire.ErrInvalidIdentityToken("%s", se.Message)
			case "ExpiredTokenException":
				return nil, stswire.ErrExpiredToken("%s", se.Message)
			case "IDPCommunicationError":
				return nil, stswire.ErrIDPCommunicationError("%s", se.Message)
			}
		}
		return nil, mapError(err)
	}
	w := &stswire.AssumeRoleWithWebIdentityOutput{
		Credentials:                 wireCredentials(out.Credentials),
		AssumedRoleUser:             &stswire.AssumedRoleUser{AssumedRoleId: out.AssumedRoleID, Arn: out.AssumedRoleARN},
		PackedPolicySize:            out.PackedPolicySize,
		SubjectFromWebIdentityToken: &out.Subject,
		Audience:                    &out.Audience,
		Provider:                    &out.Provider,
	}
	if out.SourceIdentity != "" {
		w.SourceIdentity = &out.SourceIdentity
	}
	return w, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func requestParams(d *int32, serial *string) map[string]any {
	m := map[string]any{}
	if d != nil {
		m["durationSeconds"] = *d
	}
	if serial != nil {
		m["serialNumber"] = *serial
	}
	return m
}

// redacted is what the audit trail keeps of credentials: never the secret
// or the token (CloudTrail records the access key id and expiration).
func redacted(c *sts.Credentials) map[string]any {
	return map[string]any{"accessKeyId": c.AccessKeyID, "expiration": c.Expiration}
}

func wireCredentials(c *sts.Credentials) *stswire.Credentials {
	return &stswire.Credentials{AccessKeyId: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}
}

// mapError maps STS's domain errors to the wire's; denials pass through
// (the server maps them to AccessDenied with their message).
func mapError(err error) error {
	var se *sts.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code {
	case "MalformedPolicyDocument":
		return stswire.ErrMalformedPolicyDocument("%s", se.Message)
	case "PackedPolicyTooLarge":
		return stswire.ErrPackedPolicyTooLarge("%s", se.Message)
	case "AccessDenied":
		return &access.DeniedError{Message: se.Message}
	case "ValidationError":
		return awsproto.ValidationError("%s", se.Message)
	case "InvalidParameterValue":
		return awsproto.InvalidParameterValue("%s", se.Message)
	}
	return awsproto.NewError(400, se.Code, "%s", se.Message)
}
