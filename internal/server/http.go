package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/access"
	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/identity"
	"github.com/cleanroom-dev/cleanroom/internal/sigv4"
	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// call is one AWS API request on its way through the server.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	body  []byte
	rid   string
	start time.Time
	svc   *service
	// params are the decoded form or query parameters of awsQuery calls.
	params url.Values
	op     string
	caller *identity.Caller
	// actx is the context the call was served with (caller and request
	// info), for its audit event.
	actx context.Context
}

// ctx returns the context the call was served with, or base.
func (c *call) ctx(base context.Context) context.Context {
	if c.actx != nil {
		return c.actx
	}
	return base
}

// meta returns the response metadata of the call's protocol.
func (c *call) meta() awsproto.ResponseMeta {
	m := awsproto.ResponseMeta{RequestID: c.rid}
	if c.svc != nil {
		m.XMLNamespace = c.svc.xmlns
	}
	return m
}

// service is one AWS service the server speaks.
type service struct {
	// name is the signing name in credential scopes ("iam", "sts", ...).
	name  string
	proto awsproto.Protocol
	xmlns string
	// region, when set, is the only region the service may be signed for
	// (global services).
	region string
	// serve handles an authenticated call and writes its response; it
	// returns the error to send instead, if any.
	serve func(ctx context.Context, c *call) error
	// known reports whether op is an operation of the service.
	known func(op string) bool
	// targetPrefix is the X-Amz-Target prefix of an awsJson service.
	targetPrefix string
	// unsigned reports whether an operation may be called without a
	// signature (sts:AssumeRoleWithWebIdentity and AssumeRoleWithSAML).
	unsigned func(op string) bool
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_cleanroom/health":
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
		return
	case "/_cleanroom/metrics":
		s.metrics.handler(s.registry).ServeHTTP(w, r)
		return
	}
	c := &call{w: w, r: r, rid: awsproto.NewRequestID(), start: s.now()}
	mark := &auditMark{}
	ctx := withAuditMark(context.WithValue(r.Context(), callKey{}, c), mark)
	code, msg := "OK", ""
	if err := s.serveAWS(ctx, c); err != nil {
		var e *awsproto.Error
		e, code = s.writeError(c, err)
		msg = e.Message
	}
	if !mark.done {
		errCode := code
		if errCode == "OK" {
			errCode = ""
		}
		s.recordCall(c.ctx(ctx), c, errCode, msg)
	}
	s.metrics.observe(c, code, s.now().Sub(c.start))
}

// serveAWS authenticates, routes and hands the call to its service.
func (s *Server) serveAWS(ctx context.Context, c *call) error {
	r := c.r
	body, err := readBody(r, s.cfg.MaxBodyBytes)
	c.body = body
	if err != nil {
		c.svc = s.guessService(r, nil)
		return err
	}
	signed := sigv4.IsSigned(r)
	if !signed {
		return s.serveUnsigned(ctx, c)
	}
	auth, err := sigv4.Parse(r)
	if err != nil {
		c.svc = s.guessService(r, body)
		return err
	}
	c.svc = s.api.services[auth.Service]
	if c.svc == nil {
		c.svc = s.guessService(r, body)
		return awsproto.NewError(http.StatusBadRequest, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if err := c.svc.decode(c); err != nil {
		return err
	}
	res, err := s.api.verifier.Verify(ctx, r, body)
	if err != nil {
		return err
	}
	if !res.PayloadChecked && c.svc.proto != awsproto.RestXML {
		// Only S3 signs a declared payload hash (UNSIGNED-PAYLOAD,
		// streaming); the other services sign the body itself, so a body
		// the signature does not cover does not match it.
		return &sigv4.Error{Kind: sigv4.KindSignatureDoesNotMatch, Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
	caller, err := s.api.caller(ctx, res.AccessKeyID)
	if err != nil {
		return err
	}
	c.caller = caller
	ctx = identity.NewContext(ctx, caller)
	ctx = access.WithInfo(ctx, &access.Info{
		SourceIP:        sourceIP(r),
		SecureTransport: r.TLS != nil,
		Region:          res.Region,
		Time:            c.start,
		UserAgent:       r.UserAgent(),
	})
	// The event of a read, a refusal or a failed write is recorded after
	// the call, from this context: its source address, user agent and
	// region.
	c.actx = ctx
	s.api.noteKeyUse(ctx, caller, res.Region, c.svc.name)
	if c.svc.proto == awsproto.Query && c.op == "" {
		// Checked once the caller is known, where an unknown Action is
		// refused (InvalidAction).
		return awsproto.MissingAction()
	}
	return c.svc.serve(ctx, c)
}

// serveUnsigned serves the few operations AWS serves without a signature and
// refuses the others with MissingAuthenticationToken.
func (s *Server) serveUnsigned(ctx context.Context, c *call) error {
	c.svc = s.guessService(c.r, c.body)
	if c.svc == nil {
		return awsproto.MissingAuthenticationToken()
	}
	// Decoded first so that the refusal is counted under its operation.
	if err := c.svc.decode(c); err != nil {
		if c.svc.unsigned == nil {
			return awsproto.MissingAuthenticationToken()
		}
		return err
	}
	if c.svc.unsigned == nil || !c.svc.unsigned(c.op) {
		return awsproto.MissingAuthenticationToken()
	}
	ctx = access.WithInfo(ctx, &access.Info{SourceIP: sourceIP(c.r), SecureTransport: c.r.TLS != nil, Time: c.start, UserAgent: c.r.UserAgent()})
	c.actx = ctx
	return c.svc.serve(ctx, c)
}

// decode reads the operation name (and for awsQuery the parameters) so that
// errors before authentication can name it: the Action parameter of
// awsQuery, the operation after the dot of awsJson's X-Amz-Target.
func (svc *service) decode(c *call) error {
	switch svc.proto {
	case awsproto.Query:
		params, err := awsproto.ParseQuery(c.r.URL.RawQuery, c.body)
		if err != nil {
			return err
		}
		c.params = params
		c.op = params.Get("Action")
	case awsproto.JSON11:
		target := c.r.Header.Get("X-Amz-Target")
		if i := strings.LastIndexByte(target, '.'); i >= 0 {
			c.op = target[i+1:]
		}
	}
	return nil
}

// guessService finds the service of a request without a usable signature by
// its protocol's marks: an awsJson X-Amz-Target names its service, an
// awsQuery Action an STS or IAM operation.
func (s *Server) guessService(r *http.Request, body []byte) *service {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		for _, svc := range s.api.services {
			if svc.targetPrefix != "" && svc.targetPrefix == prefix {
				return svc
			}
		}
		return nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.URL.Query().Has("Action") {
		action := r.URL.Query().Get("Action")
		if action == "" && body != nil {
			if v, err := url.ParseQuery(string(body)); err == nil {
				action = v.Get("Action")
			}
		}
		if s.api.services["sts"].knows(action) {
			return s.api.services["sts"]
		}
		return s.api.services["iam"]
	}
	return nil
}

// readBody reads a request body of at most limit bytes.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, awsproto.RequestEntityTooLarge("Request body must be at most %d bytes", limit)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, awsproto.NewError(http.StatusBadRequest, "IncompleteBody", "The request body could not be read")
	}
	if int64(len(body)) > limit {
		return nil, awsproto.RequestEntityTooLarge("Request body must be at most %d bytes", limit)
	}
	return body, nil
}

// sourceIP is aws:SourceIp: the peer address of the connection.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// writeError maps err to the call's protocol and writes it, logging faults
// of the server itself. It returns the AWS error sent and its code.
func (s *Server) writeError(c *call, err error) (*awsproto.Error, string) {
	proto := awsproto.Query
	if c.svc != nil {
		proto = c.svc.proto
	}
	e := s.mapError(c, err)
	if e.Status >= 500 {
		s.log.Error("request failed", "requestId", c.rid, "service", c.serviceName(), "operation", c.op, "err", err)
	} else {
		s.log.Debug("request refused", "requestId", c.rid, "service", c.serviceName(), "operation", c.op, "code", e.Code)
	}
	if werr := awsproto.WriteError(c.w, proto, e, c.meta()); werr != nil {
		s.log.Debug("writing error response", "requestId", c.rid, "err", werr)
	}
	return e, e.Code
}

func (c *call) serviceName() string {
	if c.svc == nil {
		return ""
	}
	return c.svc.name
}

// mapError turns the errors of the layers into AWS errors of the call's
// protocol: authentication errors by kind, denials as AccessDenied, domain
// errors through the service's own mapping.
func (s *Server) mapError(c *call, err error) *awsproto.Error {
	proto := awsproto.Query
	if c.svc != nil {
		proto = c.svc.proto
	}
	var se *sigv4.Error
	if errors.As(err, &se) {
		return awsproto.NewError(se.Status(protoName(proto)), se.Code(protoName(proto)), "%s", se.Message)
	}
	var de *access.DeniedError
	if errors.As(err, &de) {
		if proto == awsproto.Query || proto == awsproto.RestXML {
			return awsproto.AccessDenied("%s", de.Message)
		}
		return awsproto.AccessDeniedException("%s", de.Message)
	}
	var ae *awsproto.Error
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, store.ErrUnavailable) {
		// The database is out of reach (PostgreSQL during an outage): 503,
		// which clients retry, rather than an internal failure.
		code := "ServiceUnavailable"
		if proto == awsproto.JSON11 || proto == awsproto.RestJSON1 {
			code = "ServiceUnavailableException"
		}
		s.log.Warn("store unavailable", "requestId", c.rid, "err", err)
		return awsproto.NewError(http.StatusServiceUnavailable, code, "Service is unavailable. Please try again later.")
	}
	if e := s.api.mapDomainError(err); e != nil {
		return e
	}
	return awsproto.AsError(err)
}

// protoName names a protocol as sigv4.Error.Code expects.
func protoName(p awsproto.Protocol) string {
	switch p {
	case awsproto.JSON11:
		return "json"
	case awsproto.RestJSON1:
		return "restjson"
	case awsproto.RestXML:
		return "restxml"
	}
	return "query"
}
