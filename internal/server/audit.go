package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/audit"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// auditMark records, for one call, that its event was appended inside the
// call's own write transaction; calls without one (reads, refusals, failed
// writes) get theirs from the Recorder once answered.
type auditMark struct{ done bool }

type auditMarkKey struct{}

func withAuditMark(ctx context.Context, m *auditMark) context.Context {
	return context.WithValue(ctx, auditMarkKey{}, m)
}

// auditRequest is the record's view of the HTTP request in ctx.
func auditRequest(ctx context.Context, rid string, tlsState *tls.ConnectionState) audit.Request {
	r := audit.Request{RequestID: rid}
	if info := access.InfoFrom(ctx); info != nil {
		r.SourceIP, r.UserAgent, r.Region = info.SourceIP, info.UserAgent, info.Region
	}
	if tlsState != nil {
		r.TLS = &audit.TLSDetails{TLSVersion: tls.VersionName(tlsState.Version), CipherSuite: tls.CipherSuiteName(tlsState.CipherSuite)}
	}
	return r
}

// event builds the audit event of a write by the caller in ctx; the domain
// packages append it in the write's transaction.
func (s *Server) event(ctx context.Context, source, name string, request, response any) store.Event {
	return s.audit.Event(s.writeCall(ctx, source, name, request, response))
}

// events builds the events of a write recorded in the caller's account and
// in others (a cross-account AssumeRole), which share a sharedEventID.
func (s *Server) events(ctx context.Context, source, name string, request, response any, others ...string) []store.Event {
	call := s.writeCall(ctx, source, name, request, response)
	if len(others) == 0 {
		return []store.Event{s.audit.Event(call)}
	}
	return s.audit.ForAccounts(call, others...)
}

func (s *Server) writeCall(ctx context.Context, source, name string, request, response any) audit.Call {
	if m, ok := ctx.Value(auditMarkKey{}).(*auditMark); ok {
		m.done = true
	}
	c, _ := ctx.Value(callKey{}).(*call)
	var req audit.Request
	if c != nil {
		req = auditRequest(ctx, c.rid, c.r.TLS)
	}
	return audit.Call{
		Caller: identity.FromContext(ctx), Request: req, Source: source, Operation: name,
		RequestParameters: recordValue(request), ResponseElements: recordValue(response),
	}
}

// recordValue is v as a record's requestParameters or responseElements
// hold it: secrets removed (audit.Redact), members named in lower camel
// case and members without a value left out, as CloudTrail names and omits
// them ({"userName": "Bob"} for CreateUser's UserName, "CloudTrail log file
// examples",
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html).
// The handlers pass the wire inputs and domain results, whose JSON
// encodings carry the Go field names (UserName, PolicyId, ARN).
func recordValue(v any) any {
	return camelMembers(audit.Redact(v))
}

// camelMembers returns a copy of a JSON-shaped value with every object's
// members renamed by lowerCamel and its members without a value dropped:
// null, the empty string and Go's zero time (the domain results' unset
// fields, which the API leaves out of its responses).
func camelMembers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e == nil || e == "" || e == "0001-01-01T00:00:00Z" {
				continue
			}
			out[lowerCamel(k)] = camelMembers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = camelMembers(e)
		}
		return out
	}
	return v
}

// lowerCamel lowers the leading capitals of a member name, all of them for
// an initialism that ends the name or is followed by another word:
// UserName → userName, ARN → arn, AWSManaged → awsManaged,
// VirtualMFADeviceName → virtualMFADeviceName.
func lowerCamel(k string) string {
	n := 0
	for n < len(k) && 'A' <= k[n] && k[n] <= 'Z' {
		n++
	}
	switch {
	case n == 0:
		return k
	case n > 1 && n < len(k) && 'a' <= k[n] && k[n] <= 'z':
		n-- // the last capital starts the next word
	}
	return strings.ToLower(k[:n]) + k[n:]
}

// recordCall records the event of a call that did not record one in a
// transaction: a read, a refusal or a failed write. errCode is "" on
// success.
func (s *Server) recordCall(ctx context.Context, c *call, errCode, errMsg string) {
	if c.svc == nil || c.op == "" || !c.svc.knows(c.op) {
		return // not an operation of a service: nothing to record
	}
	ev := s.audit.Event(audit.Call{
		Caller: c.caller, Request: auditRequest(ctx, c.rid, c.r.TLS), Source: audit.EventSource(c.svc.name),
		Operation: c.op, ErrorCode: errCode, ErrorMessage: errMsg, RequestParameters: requestParameters(c),
	})
	if err := s.recorder.Record(ctx, ev); err != nil {
		s.log.Warn("audit event not recorded", "requestId", c.rid, "err", err)
	}
}

type callKey struct{}

// requestParameters is the record's requestParameters for a call recorded
// at the edge (a read, a refusal, a failed write): the request's own
// parameters, as CloudTrail records them for those calls too. awsQuery
// parameters are named in lower camel case (UserName → userName; list
// members keep their serialized names, e.g. "tags.member.1.key"); an awsJson
// body is taken as sent. Secrets are removed either way.
func requestParameters(c *call) any {
	switch {
	case c.params != nil:
		m := make(map[string]any, len(c.params))
		for k, vs := range c.params {
			if k == "Action" || k == "Version" || len(vs) == 0 || strings.HasPrefix(k, "X-Amz-") {
				continue
			}
			parts := strings.Split(k, ".")
			for i := range parts {
				parts[i] = lowerCamel(parts[i])
			}
			m[strings.Join(parts, ".")] = vs[0]
		}
		if len(m) == 0 {
			return nil
		}
		return recordValue(m)
	case c.svc != nil && c.svc.proto == awsproto.JSON11 && len(c.body) > 0:
		var v any
		if err := json.Unmarshal(c.body, &v); err != nil {
			return nil
		}
		if m, ok := v.(map[string]any); ok && len(m) == 0 {
			return nil
		}
		return recordValue(v)
	}
	return nil
}
