package main

import (
	"strconv"
	"strings"
)

// This file generates the restJson1 HTTP bindings: members bound to URI
// labels, query parameters, headers and the status code, and payloads.

// uriLabels returns the names of a URI template's labels in order, without
// the greedy marker: /tags/{resourceArn} gives [resourceArn].
func uriLabels(uri string) []string {
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	var out []string
	for {
		i := strings.IndexByte(uri, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(uri[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSuffix(uri[i+1:i+j], "+"))
		uri = uri[i+j+1:]
	}
}

// restParse writes the code that converts raw, the text of a bound member
// of the shape, into a value v (declared by the code), returning a
// SerializationException from the enclosing function when it does not
// parse. where and name describe the binding for that error.
func (g *generator) restParse(b *buf, ref shapeRef, raw, location, name string) {
	s := g.m.Shapes[ref.Shape]
	var parse, want string
	switch s.Type {
	case "string":
		if t, ok := g.enums[ref.Shape]; ok {
			b.p("v := %s(%s)", t, raw)
		} else {
			b.p("v := %s", raw)
		}
		return
	case "integer":
		parse, want = "awsproto.ParseInt32("+raw+")", "an integer"
	case "long":
		parse, want = "awsproto.ParseInt64("+raw+")", "an integer"
	case "boolean":
		parse, want = "awsproto.ParseBool("+raw+")", "a boolean"
	case "double", "float":
		parse, want = "awsproto.ParseFloat64("+raw+")", "a number"
	case "blob":
		parse, want = "awsproto.ParseBlob("+raw+")", "base64"
	case "timestamp":
		switch g.tsFormat(ref, location) {
		case "rfc822":
			parse, want = "awsproto.ParseHTTPDate("+raw+")", "an HTTP date"
		case "unixTimestamp":
			parse, want = "awsproto.ParseEpochSeconds("+raw+")", "seconds since the epoch"
		default:
			parse, want = "awsproto.ParseTimestamp("+raw+")", "an ISO 8601 timestamp"
		}
	default:
		g.unsupported = append(g.unsupported, ref.Shape+": "+s.Type+" bound to "+location)
		return
	}
	where := map[string]string{"uri": "label", "querystring": "query parameter", "header": "header"}[location]
	b.p("v, ok := %s", parse)
	b.p("if !ok {")
	b.p("return awsproto.BindingError(%q, %q, %q)", where, name, want)
	b.p("}")
}

// restDecodeEntry writes DecodeRESTJSON of an operation's input.
func (g *generator) restDecodeEntry(b *buf, op, t, shape string) {
	o := g.m.Operations[op]
	b.p("// DecodeRESTJSON fills in from the request's URI labels, query string,")
	b.p("// headers and JSON body (%s %s) and checks it against the model's", o.HTTP.Method, o.HTTP.RequestURI)
	b.p("// constraints. A value that cannot be read as its member's type is a")
	b.p("// SerializationException; constraint violations are the service's")
	b.p("// validation error (see validationError).")
	b.p("func (in *%s) DecodeRESTJSON(r *awsproto.RESTRequest) error {", t)
	b.p("var vs awsproto.Validation")
	labels := uriLabels(o.HTTP.RequestURI)
	if shape != "" {
		s := g.m.Shapes[shape]
		for _, mb := range s.Members {
			if !isBound(mb) {
				continue
			}
			req := s.isRequired(mb.Name)
			ptr := g.isPointerField(mb.Ref.Shape, req)
			target := "in." + exported(mb.Name)
			pname := strconv.Quote(pathName(mb.Name))
			loc := mb.Ref.Location
			wire := wireName(mb)
			sh := g.m.Shapes[mb.Ref.Shape]
			set := func(v string) {
				if ptr {
					b.p("%s = &%s", target, v)
				} else {
					b.p("%s = %s", target, v)
				}
			}
			check := func() {
				value := target
				if ptr {
					value = "*" + target
				}
				g.jsonCheckValue(b, mb.Ref.Shape, "&vs", `""`, pname, value, 0)
			}
			switch loc {
			case "uri":
				idx := -1
				for i, l := range labels {
					if l == wire {
						idx = i
					}
				}
				if idx < 0 {
					g.unsupported = append(g.unsupported, op+": no label {"+wire+"} in "+o.HTTP.RequestURI)
					continue
				}
				b.p("if %d < len(r.Labels) {", idx)
				b.p("raw := r.Labels[%d]", idx)
				g.restParse(b, mb.Ref, "raw", "uri", wire)
				set("v")
				check()
				b.p("} else {")
				b.p(`vs.Null("", %s)`, pname)
				b.p("}")
			case "querystring", "header":
				if sh.Type == "map" {
					g.unsupported = append(g.unsupported, op+": map bound to "+loc)
					continue
				}
				switch {
				case loc == "header" && sh.Type == "list":
					b.p("if raws := r.HeaderList(%q); raws != nil {", wire)
				case loc == "header":
					b.p("if raw, ok := r.HeaderValue(%q); ok {", wire)
				default:
					b.p("if raws := r.QueryValues(%q); raws != nil {", wire)
				}
				if sh.Type == "list" {
					b.p("list := make(%s, 0, len(raws))", g.goType(mb.Ref.Shape))
					b.p("for _, raw := range raws {")
					g.restParse(b, *sh.Member, "raw", loc, wire)
					b.p("list = append(list, v)")
					b.p("}")
					b.p("%s = list", target)
				} else {
					if loc != "header" {
						b.p("raw := raws[0]")
					}
					g.restParse(b, mb.Ref, "raw", loc, wire)
					set("v")
				}
				check()
				if req {
					b.p("} else {")
					b.p(`vs.Null("", %s)`, pname)
				}
				b.p("}")
			default:
				g.unsupported = append(g.unsupported, op+": location "+loc+" in an input")
			}
		}
	}
	if shape != "" && g.m.Shapes[shape].Payload != "" {
		g.restDecodePayload(b, shape)
	} else {
		b.p("d := awsproto.NewJSONDecoder(r.Body)")
		b.p(`in.decodeJSON(d, "", &vs)`)
		b.p("if err := d.Finish(); err != nil {")
		b.p("return err")
		b.p("}")
	}
	b.p("return validationError(&vs)")
	b.p("}")
	b.p("")
}

// restDecodePayload writes the decoding of an input whose payload member
// is the whole body: a structure (or document) read as JSON, a blob or a
// string taken as is.
func (g *generator) restDecodePayload(b *buf, shape string) {
	s := g.m.Shapes[shape]
	var mb member
	for _, m := range s.Members {
		if m.Name == s.Payload {
			mb = m
		}
	}
	req := s.isRequired(mb.Name)
	target := "in." + exported(mb.Name)
	pname := strconv.Quote(pathName(mb.Name))
	ps := g.m.Shapes[mb.Ref.Shape]
	switch {
	case ps.Type == "structure":
		b.p("d := awsproto.NewJSONDecoder(r.Body)")
		b.p("if len(r.Body) > 0 && !d.Null() {")
		g.jsonDecodeInto(b, mb.Ref, target, !ps.Document, `""`, pname, 0)
		b.p("}")
		b.p("if err := d.Finish(); err != nil {")
		b.p("return err")
		b.p("}")
	case ps.Type == "blob":
		b.p("if len(r.Body) > 0 {")
		b.p("%s = append([]byte(nil), r.Body...)", target)
		b.p("}")
	case ps.Type == "string":
		b.p("if len(r.Body) > 0 {")
		b.p("v := string(r.Body)")
		if g.isPointerField(mb.Ref.Shape, req) {
			b.p("%s = &v", target)
		} else {
			b.p("%s = v", target)
		}
		b.p("}")
	default:
		g.unsupported = append(g.unsupported, shape+": payload of type "+ps.Type)
		return
	}
	if req {
		if ps.Type == "string" && !g.isPointerField(mb.Ref.Shape, req) {
			b.p(`if len(r.Body) == 0 {`)
		} else {
			b.p("if %s == nil {", target)
		}
		b.p(`vs.Null("", %s)`, pname)
		b.p("}")
	}
}

// restEncodeEntry writes EncodeRESTJSON of an operation's output.
func (g *generator) restEncodeEntry(b *buf, op, t, shapeName string) {
	o := g.m.Operations[op]
	status := o.HTTP.ResponseCode
	if status == 0 {
		status = 200
	}
	b.p("// EncodeRESTJSON sets the header bindings of the output of %s on h,", op)
	b.p("// writes its JSON body to w and returns the HTTP status (%d).", status)
	b.p("func (out *%s) EncodeRESTJSON(h http.Header, w *awsproto.JSONWriter) int {", t)
	b.p("status := %d", status)
	var s *shape
	if shapeName != "" {
		s = g.m.Shapes[shapeName]
		for _, mb := range s.Members {
			if !isBound(mb) {
				continue
			}
			req := s.isRequired(mb.Name)
			ptr := g.isPointerField(mb.Ref.Shape, req)
			v := "out." + exported(mb.Name)
			sh := g.m.Shapes[mb.Ref.Shape]
			cond := ""
			switch {
			case ptr:
				cond = v + " != nil"
				v = "*" + v
			case sh.Type == "list":
				cond = "len(" + v + ") > 0"
			case sh.Type == "string" && !req:
				cond = v + ` != ""`
			}
			if cond != "" {
				b.p("if %s {", cond)
			}
			switch mb.Ref.Location {
			case "header":
				if sh.Type == "list" {
					b.p("parts := make([]string, len(%s))", v)
					b.p("for i, e := range %s {", v)
					b.p("parts[i] = %s", g.restFormat(*sh.Member, "e", "header"))
					b.p("}")
					b.p(`h.Set(%q, strings.Join(parts, ", "))`, wireName(mb))
				} else {
					b.p("h.Set(%q, %s)", wireName(mb), g.restFormat(mb.Ref, v, "header"))
				}
			case "statusCode":
				b.p("status = int(%s)", v)
			default:
				g.unsupported = append(g.unsupported, op+": location "+mb.Ref.Location+" in an output")
			}
			if cond != "" {
				b.p("}")
			}
		}
	}
	switch {
	case status == 204:
		// No body.
	case s != nil && s.Payload != "":
		var mb member
		for _, m := range s.Members {
			if m.Name == s.Payload {
				mb = m
			}
		}
		v := "out." + exported(mb.Name)
		ps := g.m.Shapes[mb.Ref.Shape]
		switch {
		case ps.Type == "structure" && ps.Document:
			b.p("if %s != nil {", v)
			b.p("w.Document(%s)", v)
			b.p("}")
		case ps.Type == "structure":
			b.p("if %s != nil {", v)
			b.p("%s.encodeJSON(w)", v)
			b.p("}")
		case ps.Type == "blob":
			b.p(`h.Set("Content-Type", "application/octet-stream")`)
			b.p("w.Raw(%s)", v)
		case ps.Type == "string":
			b.p(`h.Set("Content-Type", "text/plain")`)
			if g.isPointerField(mb.Ref.Shape, s.isRequired(mb.Name)) {
				b.p("if %s != nil {", v)
				b.p("w.Raw([]byte(*%s))", v)
				b.p("}")
			} else {
				b.p("w.Raw([]byte(%s))", v)
			}
		default:
			g.unsupported = append(g.unsupported, shapeName+": payload of type "+ps.Type)
		}
	default:
		b.p("out.encodeJSON(w)")
	}
	b.p("return status")
	b.p("}")
	b.p("")
}

// restFormat returns the Go expression of v, a value of ref's shape, as the
// text of a header.
func (g *generator) restFormat(ref shapeRef, v, location string) string {
	s := g.m.Shapes[ref.Shape]
	switch s.Type {
	case "string":
		if _, ok := g.enums[ref.Shape]; ok {
			return "string(" + v + ")"
		}
		return v
	case "integer":
		return "strconv.FormatInt(int64(" + v + "), 10)"
	case "long":
		return "strconv.FormatInt(" + v + ", 10)"
	case "boolean":
		return "strconv.FormatBool(" + v + ")"
	case "double", "float":
		return "awsproto.FormatFloat(" + v + ")"
	case "blob":
		return "awsproto.FormatBlob(" + v + ")"
	case "timestamp":
		switch g.tsFormat(ref, location) {
		case "iso8601":
			return "awsproto.FormatDateTime(" + v + ")"
		case "unixTimestamp":
			return "awsproto.FormatEpochSeconds(" + v + ")"
		}
		return "awsproto.FormatHTTPDate(" + v + ")"
	}
	g.unsupported = append(g.unsupported, ref.Shape+": "+s.Type+" bound to "+location)
	return `""`
}
