package main

import (
	"strconv"
	"strings"
)

// This file generates the JSON protocols' code: awsJson (json) and
// restJson1 (rest-json) share the JSON body decoders and encoders; the
// restJson1 HTTP bindings are in rest.go.

// isBound reports whether a member is bound to the HTTP message rather than
// the JSON body (restJson1).
func isBound(mb member) bool { return mb.Ref.Location != "" }

// bodyMembers returns the members of a structure that make up its JSON
// body: all of them for nested structures and awsJson, the unbound ones
// of restJson1 inputs and outputs (none when the shape has a payload).
func (g *generator) bodyMembers(name string, io bool) members {
	s := g.m.Shapes[name]
	if !io || g.proto != "rest-json" {
		return s.Members
	}
	if s.Payload != "" {
		return nil
	}
	var out members
	for _, mb := range s.Members {
		if !isBound(mb) {
			out = append(out, mb)
		}
	}
	return out
}

// tsFormat returns the timestamp format of a member: its own, its shape's,
// or the protocol's default where it is bound.
func (g *generator) tsFormat(ref shapeRef, location string) string {
	f := ref.TimestampFormat
	if f == "" {
		f = g.m.Shapes[ref.Shape].TimestampFormat
	}
	if f != "" {
		return f
	}
	switch location {
	case "header":
		return "rfc822"
	case "uri", "querystring":
		return "iso8601"
	}
	return "unixTimestamp"
}

// tracked reports whether the decoder keeps a presence flag for a member:
// scalars held by value, whose zero value may have been sent.
func (g *generator) tracked(mb member, required bool) bool {
	s := g.m.Shapes[mb.Ref.Shape]
	switch s.Type {
	case "structure", "list", "map", "blob":
		return false
	}
	return !g.isPointerField(mb.Ref.Shape, required)
}

// needsCheck reports whether values of the shape have constraints to check
// after decoding (structures check their own members as they close).
func (g *generator) needsCheck(name string) bool {
	s := g.m.Shapes[name]
	switch s.Type {
	case "structure":
		return false
	case "list":
		return g.checked[name] || g.needsCheck(s.Member.Shape)
	case "map":
		return g.checked[name] || g.needsCheck(s.Key.Shape) || g.needsCheck(s.Value.Shape)
	}
	return g.checked[name]
}

func (g *generator) genJSONDecode() []byte {
	var body buf
	for _, op := range g.ops {
		o := g.m.Operations[op]
		t := op + "Input"
		shape := ""
		if o.Input != nil {
			shape = o.Input.Shape
		}
		if g.proto == "json" {
			body.p("// DecodeJSON reads in from the JSON request body and checks it against")
			body.p("// the model's constraints. A body that is not JSON, or holds a value of")
			body.p("// the wrong type, is a SerializationException; constraint violations are")
			body.p("// the service's validation error (see validationError).")
			body.p("func (in *%s) DecodeJSON(body []byte) error {", t)
			body.p("d := awsproto.NewJSONDecoder(body)")
			body.p("var vs awsproto.Validation")
			body.p(`in.decodeJSON(d, "", &vs)`)
			body.p("if err := d.Finish(); err != nil {")
			body.p("return err")
			body.p("}")
			body.p("return validationError(&vs)")
			body.p("}")
			body.p("")
		} else {
			g.restDecodeEntry(&body, op, t, shape)
		}
		g.jsonDecodeStruct(&body, t, shape, true)
	}
	for _, name := range sortedKeys(g.decodeStructs) {
		g.jsonDecodeStruct(&body, g.nested[name], name, false)
	}
	for _, name := range sortedKeys(g.checked) {
		g.checkFunc(&body, name)
	}
	var b buf
	g.decodeHeader(&b, body.String())
	b.Write(body.Bytes())
	return b.Bytes()
}

// jsonDecodeStruct writes the decodeJSON method of a structure: one pass
// over the JSON object, then the checks of its members in model order.
func (g *generator) jsonDecodeStruct(b *buf, t, name string, io bool) {
	var ms members
	var s *shape
	if name != "" {
		s = g.m.Shapes[name]
		ms = g.bodyMembers(name, io)
	}
	if len(ms) == 0 {
		b.p("func (*%s) decodeJSON(d *awsproto.JSONDecoder, _ string, _ *awsproto.Validation) {", t)
		b.p("for range d.Members() {")
		b.p("d.Skip()")
		b.p("}")
		b.p("}")
		b.p("")
		return
	}
	b.p("func (s *%s) decodeJSON(d *awsproto.JSONDecoder, path string, vs *awsproto.Validation) {", t)
	for _, mb := range ms {
		if g.tracked(mb, s.isRequired(mb.Name)) {
			b.p("var has%s bool", exported(mb.Name))
		}
	}
	b.p("for k := range d.Members() {")
	b.p("switch string(k) {")
	for _, mb := range ms {
		req := s.isRequired(mb.Name)
		ptr := g.isPointerField(mb.Ref.Shape, req)
		b.p("case %q:", wireName(mb))
		b.p("if d.Null() {")
		b.p("continue")
		b.p("}")
		g.jsonDecodeInto(b, mb.Ref, "s."+exported(mb.Name), ptr, "path", strconv.Quote(pathName(mb.Name)), 0)
		if g.tracked(mb, req) {
			b.p("has%s = true", exported(mb.Name))
		}
	}
	b.p("default:")
	b.p("d.Skip()")
	b.p("}")
	b.p("}")
	var checks buf
	for _, mb := range ms {
		g.jsonCheckMember(&checks, s, mb, "s."+exported(mb.Name), "path")
	}
	if checks.Len() > 0 {
		b.p("if d.Failed() {")
		b.p("return")
		b.p("}")
		b.Write(checks.Bytes())
	}
	b.p("}")
	b.p("")
}

// jsonCheckMember writes the checks of a decoded member: presence when
// required, then its constraints.
func (g *generator) jsonCheckMember(b *buf, s *shape, mb member, target, parent string) {
	req := s.isRequired(mb.Name)
	ptr := g.isPointerField(mb.Ref.Shape, req)
	pname := strconv.Quote(pathName(mb.Name))
	sh := g.m.Shapes[mb.Ref.Shape]
	var check buf
	value := target
	if ptr && sh.Type != "structure" {
		value = "*" + target
	}
	g.jsonCheckValue(&check, mb.Ref.Shape, "vs", parent, pname, value, 0)
	present := target + " != nil"
	switch {
	case g.tracked(mb, req):
		present = "has" + exported(mb.Name)
	case sh.Type == "structure" && sh.Document:
		present = target + " != nil"
	}
	switch {
	case check.Len() > 0:
		b.p("if %s {", present)
		b.Write(check.Bytes())
		if req {
			b.p("} else {")
			b.p("vs.Null(%s, %s)", parent, pname)
		}
		b.p("}")
	case req:
		b.p("if !(%s) {", present)
		b.p("vs.Null(%s, %s)", parent, pname)
		b.p("}")
	}
}

// jsonCheckValue writes the checks of v, a value of the shape, recorded in
// the Validation vsVar at parent and pname (Go expressions).
func (g *generator) jsonCheckValue(b *buf, name, vsVar, parent, pname, v string, depth int) {
	s := g.m.Shapes[name]
	d := strconv.Itoa(depth)
	if g.checked[name] {
		b.p("check%s(%s, %s, %s, %s)", exported(name), vsVar, parent, pname, v)
	}
	switch s.Type {
	case "list":
		if !g.needsCheck(s.Member.Shape) {
			return
		}
		b.p("lc%s := awsproto.Path(%s, %s)", d, parent, pname)
		b.p("for i%s, e%s := range %s {", d, d, v)
		g.jsonCheckValue(b, s.Member.Shape, vsVar, "lc"+d, "awsproto.ElementName(i"+d+"+1)", "e"+d, depth+1)
		b.p("}")
	case "map":
		stringy := func(n string) bool { return g.m.Shapes[n].Type == "string" }
		for _, part := range []struct {
			ref  *shapeRef
			wrap string
		}{{s.Key, "awsproto.MapKeysConstraint"}, {s.Value, "awsproto.MapValueConstraint"}} {
			if !g.needsCheck(part.ref.Shape) {
				continue
			}
			b.p("{")
			b.p("var mv%s awsproto.Validation", d)
			b.p("for _, k%s := range awsproto.SortedKeys(%s) {", d, v)
			x := "k" + d
			if part.ref == s.Value {
				x = v + "[k" + d + "]"
			}
			g.jsonCheckValue(b, part.ref.Shape, "&mv"+d, `""`, `""`, x, depth+1)
			b.p("}")
			b.p("if mv%s.Len() > 0 {", d)
			if stringy(s.Key.Shape) && stringy(s.Value.Shape) && !g.m.Shapes[s.Value.Shape].Sensitive {
				b.p("%s.Fail(%s, %s, awsproto.MapString(%s), %s(mv%s.Constraints()))", vsVar, parent, pname, v, part.wrap, d)
			} else {
				b.p("%s.FailHidden(%s, %s, %s(mv%s.Constraints()))", vsVar, parent, pname, part.wrap, d)
			}
			b.p("}")
			b.p("}")
		}
	}
}

// jsonDecodeInto writes the code that reads the next (non-null) JSON value
// as the shape of ref into target. ptr says target is a pointer to set;
// parent and pname are the Go expressions of the value's path.
func (g *generator) jsonDecodeInto(b *buf, ref shapeRef, target string, ptr bool, parent, pname string, depth int) {
	name := ref.Shape
	s := g.m.Shapes[name]
	d := strconv.Itoa(depth)
	assign := func(expr string) {
		if ptr {
			b.p("v%s := %s", d, expr)
			b.p("%s = &v%s", target, d)
		} else {
			b.p("%s = %s", target, expr)
		}
	}
	switch s.Type {
	case "structure":
		if s.Document {
			b.p("%s = d.Raw()", target)
			return
		}
		if ptr {
			b.p("v%s := new(%s)", d, g.nested[name])
			b.p("v%s.decodeJSON(d, awsproto.Path(%s, %s), vs)", d, parent, pname)
			b.p("%s = v%s", target, d)
			return
		}
		b.p("%s.decodeJSON(d, awsproto.Path(%s, %s), vs)", target, parent, pname)
	case "list":
		et := g.goType(s.Member.Shape)
		b.p("lp%s := awsproto.Path(%s, %s)", d, parent, pname)
		b.p("list%s := %s{}", d, g.goType(name))
		b.p("for i%s := range d.Elements() {", d)
		b.p("var e%s %s", d, et)
		b.p("if d.Null() {")
		b.p("vs.Null(lp%s, awsproto.ElementName(i%s+1))", d, d)
		b.p("} else {")
		g.jsonDecodeInto(b, *s.Member, "e"+d, false, "lp"+d, "awsproto.ElementName(i"+d+"+1)", depth+1)
		b.p("}")
		b.p("list%s = append(list%s, e%s)", d, d, d)
		b.p("}")
		b.p("%s = list%s", target, d)
	case "map":
		kt, vt := g.goType(s.Key.Shape), g.goType(s.Value.Shape)
		b.p("lp%s := awsproto.Path(%s, %s)", d, parent, pname)
		b.p("m%s := %s{}", d, g.goType(name))
		b.p("for k%s := range d.Members() {", d)
		b.p("key%s := %s(k%s)", d, kt, d)
		b.p("var v%s %s", d, vt)
		b.p("if d.Null() {")
		b.p("vs.Null(lp%s, string(key%s))", d, d)
		b.p("} else {")
		g.jsonDecodeInto(b, *s.Value, "v"+d, false, "lp"+d, "string(key"+d+")", depth+1)
		b.p("}")
		b.p("m%s[key%s] = v%s", d, d, d)
		b.p("}")
		b.p("%s = m%s", target, d)
	case "string":
		if t, ok := g.enums[name]; ok {
			assign(t + "(d.String())")
		} else {
			assign("d.String()")
		}
	case "integer":
		assign("d.Int32()")
	case "long":
		assign("d.Int64()")
	case "boolean":
		assign("d.Bool()")
	case "double", "float":
		assign("d.Float64()")
	case "blob":
		assign("d.Blob()")
	case "timestamp":
		switch g.tsFormat(ref, "") {
		case "iso8601":
			assign("d.DateTime()")
		case "rfc822":
			assign("d.HTTPDate()")
		default:
			assign("d.EpochSeconds()")
		}
	default:
		panic("unsupported shape type " + s.Type)
	}
}

// ---- encoding ----

func (g *generator) genJSONEncode() []byte {
	var body buf
	for _, op := range g.ops {
		o := g.m.Operations[op]
		t := op + "Output"
		shape := ""
		if o.Output != nil {
			shape = o.Output.Shape
		}
		if g.proto == "json" {
			body.p("// EncodeJSON writes the output of %s as its JSON response body.", op)
			body.p("func (out *%s) EncodeJSON(w *awsproto.JSONWriter) {", t)
			body.p("out.encodeJSON(w)")
			body.p("}")
			body.p("")
		} else {
			g.restEncodeEntry(&body, op, t, shape)
		}
		g.jsonEncodeStruct(&body, t, shape, true)
	}
	for _, name := range sortedKeys(g.encodeStructs) {
		g.jsonEncodeStruct(&body, g.nested[name], name, false)
	}
	var b buf
	var imports []string
	src := body.String()
	for _, pkg := range []string{"net/http", "strconv", "strings"} {
		if strings.Contains(src, pkg[strings.LastIndexByte(pkg, '/')+1:]+".") {
			imports = append(imports, pkg)
		}
	}
	imports = append(imports, "github.com/cleanroom-dev/cleanroom/internal/awsproto")
	g.header(&b, imports...)
	b.Write(body.Bytes())
	return b.Bytes()
}

func (g *generator) jsonEncodeStruct(b *buf, t, name string, io bool) {
	var ms members
	var s *shape
	if name != "" {
		s = g.m.Shapes[name]
		ms = g.bodyMembers(name, io)
	}
	if len(ms) == 0 {
		b.p("func (*%s) encodeJSON(w *awsproto.JSONWriter) {", t)
		b.p("w.BeginObject()")
		b.p("w.EndObject()")
		b.p("}")
		b.p("")
		return
	}
	b.p("func (s *%s) encodeJSON(w *awsproto.JSONWriter) {", t)
	b.p("w.BeginObject()")
	for _, mb := range ms {
		req := s.isRequired(mb.Name)
		ptr := g.isPointerField(mb.Ref.Shape, req)
		v := "s." + exported(mb.Name)
		sh := g.m.Shapes[mb.Ref.Shape]
		cond := ""
		switch {
		case ptr:
			cond = v + " != nil"
			if sh.Type != "structure" {
				v = "*" + v
			}
		case req:
		case sh.Type == "list" || sh.Type == "map" || sh.Type == "blob" || sh.Document:
			cond = v + " != nil"
		case sh.Type == "string":
			cond = v + ` != ""`
		}
		if cond != "" {
			b.p("if %s {", cond)
		}
		b.p("w.Key(%q)", wireName(mb))
		g.jsonEncodeValue(b, mb.Ref, v, 0)
		if cond != "" {
			b.p("}")
		}
	}
	b.p("w.EndObject()")
	b.p("}")
	b.p("")
}

// jsonEncodeValue writes the code that writes v, a value of ref's shape.
func (g *generator) jsonEncodeValue(b *buf, ref shapeRef, v string, depth int) {
	name := ref.Shape
	s := g.m.Shapes[name]
	d := strconv.Itoa(depth)
	switch s.Type {
	case "structure":
		if s.Document {
			b.p("w.Document(%s)", v)
			return
		}
		b.p("%s.encodeJSON(w)", v)
	case "list":
		b.p("w.BeginArray()")
		b.p("for i%s := range %s {", d, v)
		g.jsonEncodeValue(b, *s.Member, v+"[i"+d+"]", depth+1)
		b.p("}")
		b.p("w.EndArray()")
	case "map":
		b.p("w.BeginObject()")
		b.p("for k%s, v%s := range %s {", d, d, v)
		b.p("w.Key(string(k%s))", d)
		g.jsonEncodeValue(b, *s.Value, "v"+d, depth+1)
		b.p("}")
		b.p("w.EndObject()")
	case "string":
		if _, ok := g.enums[name]; ok {
			b.p("w.String(string(%s))", v)
		} else {
			b.p("w.String(%s)", v)
		}
	case "integer":
		b.p("w.Int(int64(%s))", v)
	case "long":
		b.p("w.Int(%s)", v)
	case "boolean":
		b.p("w.Bool(%s)", v)
	case "double", "float":
		b.p("w.Float(%s)", v)
	case "blob":
		b.p("w.Blob(%s)", v)
	case "timestamp":
		switch g.tsFormat(ref, "") {
		case "iso8601":
			b.p("w.DateTime(%s)", v)
		case "rfc822":
			b.p("w.HTTPDate(%s)", v)
		default:
			b.p("w.EpochSeconds(%s)", v)
		}
	default:
		panic("unsupported shape type " + s.Type)
	}
}

// ---- service ----

func (g *generator) genJSONService() []byte {
	var b buf
	md := g.m.Metadata
	imports := []string{"context"}
	if g.proto == "rest-json" {
		imports = append(imports, "net/http", "net/url")
	}
	imports = append(imports, "github.com/cleanroom-dev/cleanroom/internal/awsproto")
	g.headerDoc(&b, true, imports...)
	signing := md.SigningName
	if signing == "" {
		signing = md.EndpointPrefix
	}
	b.p("// Service metadata from the model.")
	b.p("const (")
	b.p("// APIVersion is the model's API version.")
	b.p("APIVersion = %q", md.APIVersion)
	if g.proto == "json" {
		b.p("// TargetPrefix is the part of X-Amz-Target before the operation name,")
		b.p("// as botocore sends it.")
		b.p("TargetPrefix = %q", md.TargetPrefix)
		short := md.TargetPrefix[strings.LastIndexByte(md.TargetPrefix, '.')+1:]
		b.p("// targetService is the service shape's name, which the Smithy SDKs")
		b.p("// (aws-sdk-go-v2) send before the operation name instead: AWS takes")
		b.p("// both.")
		b.p("targetService = %q", short)
		b.p("// ContentType is the content type of requests and responses.")
		b.p("ContentType = %q", "application/x-amz-json-"+md.JSONVersion)
	}
	b.p("// EndpointPrefix is the service's endpoint prefix.")
	b.p("EndpointPrefix = %q", md.EndpointPrefix)
	b.p("// SigningName is the service name in SigV4 credential scopes.")
	b.p("SigningName = %q", signing)
	b.p("// ServiceID is the model's service id.")
	b.p("ServiceID = %q", md.ServiceID)
	b.p(")")
	b.p("")
	codeOf := g.genErrors(&b)
	g.genOperations(&b, codeOf)
	g.genValidationError(&b)

	b.p("// Handlers holds one function per operation. A nil function is an")
	b.p("// operation that is not built yet: Serve answers it with NotImplemented.")
	b.p("type Handlers struct {")
	for _, op := range g.ops {
		b.p("%s func(context.Context, *%sInput) (*%sOutput, error)", op, op, op)
	}
	b.p("}")
	b.p("")
	call := func(op, decode string) {
		b.p("if h.%s == nil {", op)
		b.p("return nil, awsproto.NotImplemented(EndpointPrefix, %q)", op)
		b.p("}")
		b.p("in := new(%sInput)", op)
		b.p("if err := in.%s; err != nil {", decode)
		b.p("return nil, err")
		b.p("}")
		b.p("out, err := h.%s(ctx, in)", op)
		b.p("if err != nil {")
		b.p("return nil, err")
		b.p("}")
		b.p("if out == nil {")
		b.p("out = new(%sOutput)", op)
		b.p("}")
		b.p("return out, nil")
	}
	if g.proto == "json" {
		b.p("// Serve decodes and checks the JSON body of the operation that target (the")
		b.p("// X-Amz-Target header, TargetPrefix.Operation, or the service shape's")
		b.p("// name and the operation's) names, calls its handler")
		b.p("// and returns the output to encode. A target that names no operation of")
		b.p("// the model is UnknownOperationException.")
		b.p("func (h *Handlers) Serve(ctx context.Context, target string, body []byte) (awsproto.JSONResponse, error) {")
		b.p("prefix, op, ok := awsproto.SplitTarget(target)")
		b.p("if !ok || (prefix != TargetPrefix && prefix != targetService) {")
		b.p("return nil, awsproto.UnknownOperation(\"Unknown operation %%s\", target)")
		b.p("}")
		b.p("switch op {")
		for _, op := range g.ops {
			b.p("case %q:", op)
			call(op, "DecodeJSON(body)")
		}
		b.p("}")
		b.p("return nil, awsproto.UnknownOperation(\"Unknown operation %%s\", target)")
		b.p("}")
		return b.Bytes()
	}
	b.p("// router matches requests to Operations by method and URI template.")
	b.p("var router = awsproto.MustRESTRouter(Operations)")
	b.p("")
	b.p("// LookupRoute returns the operation that serves method on escapedPath (the")
	b.p("// request's URL.EscapedPath) and the values of its URI labels, in the order")
	b.p("// of the URI template.")
	b.p("func LookupRoute(method, escapedPath string) (awsproto.Operation, []string, bool) {")
	b.p("i, labels, ok := router.Match(method, escapedPath)")
	b.p("if !ok {")
	b.p("return awsproto.Operation{}, nil, false")
	b.p("}")
	b.p("return Operations[i], labels, true")
	b.p("}")
	b.p("")
	b.p("// Serve routes r by its method and path, decodes and checks the input from")
	b.p("// its URI labels, query string, headers and body (the request's body,")
	b.p("// already read), calls the operation's handler and returns the output to")
	b.p("// encode. A method and path that match no operation are")
	b.p("// UnknownOperationException (404).")
	b.p("func (h *Handlers) Serve(ctx context.Context, r *http.Request, body []byte) (awsproto.RESTJSONResponse, error) {")
	b.p("i, labels, ok := router.Match(r.Method, r.URL.EscapedPath())")
	b.p("if !ok {")
	b.p("return nil, awsproto.NoRoute(r.Method, r.URL.Path)")
	b.p("}")
	b.p("query, err := url.ParseQuery(r.URL.RawQuery)")
	b.p("if err != nil {")
	b.p("return nil, awsproto.SerializationException(\"The query string is malformed.\")")
	b.p("}")
	b.p("req := &awsproto.RESTRequest{Labels: labels, Query: query, Header: r.Header, Body: body}")
	b.p("switch i {")
	for i, op := range g.ops {
		b.p("case %d: // %s", i, op)
		call(op, "DecodeRESTJSON(req)")
	}
	b.p("}")
	b.p("return nil, awsproto.NoRoute(r.Method, r.URL.Path)")
	b.p("}")
	return b.Bytes()
}

// genValidationError writes validationError, which turns the violations
// that a decoder found into the error the service answers. Services that
// model their own error for it get it: Clean Rooms' ValidationException
// with reason FIELD_VALIDATION_FAILED and a fieldList, Organizations'
// InvalidInputException with a Reason; the others get the
// ValidationException that AWS's JSON services send.
func (g *generator) genValidationError(b *buf) {
	b.p("// validationError returns nil when vs recorded nothing, else the error the")
	b.p("// service answers for input that fails the model's constraints.")
	b.p("func validationError(vs *awsproto.Validation) error {")
	b.p("if vs.Len() == 0 {")
	b.p("return nil")
	b.p("}")
	defer func() {
		b.p("}")
		b.p("")
	}()
	if ve, ok := g.m.Shapes["ValidationException"]; ok && ve.Exception {
		e := `ValidationException.New("%s", vs.Message())`
		for _, mb := range ve.Members {
			switch mb.Name {
			case "reason":
				if r := g.m.Shapes[mb.Ref.Shape]; slicesContains(r.Enum, "FIELD_VALIDATION_FAILED") {
					e += `.With("reason", "FIELD_VALIDATION_FAILED")`
				}
			case "fieldList":
				e += `.With("fieldList", vs.FieldList())`
			}
		}
		b.p("return %s", e)
		return
	}
	if ie, ok := g.m.Shapes["InvalidInputException"]; ok && ie.Exception {
		for _, mb := range ie.Members {
			if mb.Name == "Reason" && slicesContains(g.m.Shapes[mb.Ref.Shape].Enum, "INVALID_PATTERN") {
				g.genInvalidInput(b)
				return
			}
		}
	}
	b.p("return vs.ErrJSON()")
}

func slicesContains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// invalidInputReasons are the reasons and messages of Organizations'
// InvalidInputException for input that fails the model's constraints, as
// the Organizations API Reference lists them. AWS sends the reason
// followed by the member, as in INVALID_PATTERN:RESOURCE_ID.
var invalidInputReasons = []struct{ kind, reason, message string }{
	{"awsproto.KindNull", "INPUT_REQUIRED", "You must include a value for all required parameters."},
	{"awsproto.KindMaxLength", "MAX_LENGTH_EXCEEDED", "You provided a string parameter that is longer than allowed."},
	{"awsproto.KindMinLength", "MIN_LENGTH_EXCEEDED", "You provided a string parameter that is shorter than allowed."},
	{"awsproto.KindMaxValue", "MAX_VALUE_EXCEEDED", "You provided a numeric parameter that has a larger value than allowed."},
	{"awsproto.KindMinValue", "MIN_VALUE_EXCEEDED", "You provided a numeric parameter that has a smaller value than allowed."},
	{"awsproto.KindEnum", "INVALID_ENUM", "You specified an invalid value."},
	{"awsproto.KindPattern", "INVALID_PATTERN", "You provided a value that does not match the required pattern."},
}

func (g *generator) genInvalidInput(b *buf) {
	b.p("// Organizations answers the first violation with InvalidInputException,")
	b.p("// whose Reason names the kind of violation and the member in upper snake")
	b.p("// case (INVALID_PATTERN:RESOURCE_ID), with the message its API Reference")
	b.p("// gives the reason. A violation inside a list is INVALID_LIST_MEMBER.")
	b.p("v := vs.Violations()[0]")
	b.p("field, inList := awsproto.ViolationMember(v)")
	b.p(`reason, msg := "INVALID_LIST_MEMBER", "You provided a list to a parameter that contains at least one invalid value."`)
	b.p("if !inList {")
	b.p("switch v.Kind() {")
	for _, r := range invalidInputReasons {
		b.p("case %s:", r.kind)
		b.p("reason, msg = %q, %q", r.reason, r.message)
	}
	b.p("}")
	b.p("}")
	b.p(`return InvalidInputException.New("%%s", msg).With("Reason", reason+":"+awsproto.UpperSnake(field))`)
}
