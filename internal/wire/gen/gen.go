package main

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

type generator struct {
	m         *model
	pkg       string
	modelPath string
	proto     string // the model's protocol: query, json or rest-json

	ops    []string          // operation names, sorted
	nested map[string]string // nested structure shape → Go type name
	enums  map[string]string // enum shape → Go type name

	decodeStructs map[string]bool // nested structures reached from inputs
	encodeStructs map[string]bool // nested structures reached from outputs
	checked       map[string]bool // shapes reached from inputs that have constraints

	regexps  map[string]string   // pattern → Go variable name
	matchers map[string]*matcher // pattern → hand-written matcher, instead of a regexp
	skipped  map[string]string   // pattern → why it is not checked

	unsupported []string // model features the generator refuses
}

// matcher is a pattern that is one character class repeated (the common
// form, e.g. [\w+=,.@-]+): it is checked by an awsproto.RepeatedClass
// rather than by the regexp engine, which matters for policy documents.
type matcher struct {
	name  string // Go variable
	goPat string
}

func newGenerator(m *model, pkg, modelPath string) (*generator, error) {
	g := &generator{
		m: m, pkg: pkg, modelPath: modelPath, proto: m.Metadata.Protocol,
		nested:        map[string]string{},
		enums:         map[string]string{},
		decodeStructs: map[string]bool{},
		encodeStructs: map[string]bool{},
		checked:       map[string]bool{},
		regexps:       map[string]string{},
		matchers:      map[string]*matcher{},
		skipped:       map[string]string{},
	}
	for name := range m.Operations {
		g.ops = append(g.ops, name)
	}
	slices.Sort(g.ops)
	ioShapes := map[string]bool{}
	for _, op := range m.Operations {
		if op.Input != nil {
			ioShapes[op.Input.Shape] = true
		}
		if op.Output != nil {
			ioShapes[op.Output.Shape] = true
		}
	}
	names := map[string]string{}
	claim := func(goName, shape string) error {
		if other, ok := names[goName]; ok && other != shape {
			return fmt.Errorf("shapes %s and %s both map to Go name %s", other, shape, goName)
		}
		names[goName] = shape
		return nil
	}
	for _, op := range g.ops {
		if err := claim(op+"Input", "input of "+op); err != nil {
			return nil, err
		}
		if err := claim(op+"Output", "output of "+op); err != nil {
			return nil, err
		}
	}
	for name, s := range m.Shapes {
		if s.Type == "structure" && !ioShapes[name] && !s.Exception && !s.Document {
			g.nested[name] = exported(name)
			if err := claim(exported(name), name); err != nil {
				return nil, err
			}
		}
		if s.Type == "string" && len(s.Enum) > 0 {
			g.enums[name] = exported(name)
			if err := claim(exported(name), name); err != nil {
				return nil, err
			}
		}
	}
	for _, op := range m.Operations {
		if op.Input != nil {
			g.walk(op.Input.Shape, true, map[string]bool{})
		}
		if op.Output != nil {
			g.walk(op.Output.Shape, false, map[string]bool{})
		}
	}
	if len(g.unsupported) > 0 {
		slices.Sort(g.unsupported)
		return nil, fmt.Errorf("model uses what the generator does not implement:\n%s", strings.Join(slices.Compact(g.unsupported), "\n"))
	}
	g.nameRegexps()
	return g, nil
}

// checkSupported records the traits of a shape (and of its members'
// references) that the generator does not implement.
func (g *generator) checkSupported(name string, s *shape) {
	bad := func(what string) { g.unsupported = append(g.unsupported, name+": "+what) }
	switch s.Type {
	case "structure", "list", "map", "string", "integer", "long", "boolean", "double", "float", "timestamp", "blob":
	default:
		bad("type " + s.Type)
	}
	query := g.proto == "query"
	okFormat := func(f string) bool {
		switch f {
		case "", "iso8601":
			return true
		case "unixTimestamp", "rfc822":
			return !query
		}
		return false
	}
	if !okFormat(s.TimestampFormat) {
		bad("timestampFormat " + s.TimestampFormat)
	}
	if s.Streaming || s.Event || s.EventStream || (query && (s.Union || s.Document)) {
		bad("union, document, streaming or event shapes")
	}
	if s.Payload != "" && g.proto != "rest-json" {
		bad("payload outside restJson1")
	}
	refs := []*shapeRef{s.Member, s.Key, s.Value}
	for i := range s.Members {
		refs = append(refs, &s.Members[i].Ref)
	}
	for _, r := range refs {
		if r == nil {
			continue
		}
		if !okFormat(r.TimestampFormat) {
			bad("timestampFormat " + r.TimestampFormat)
		}
		if r.XMLAttribute || len(r.XMLNamespace) > 0 || r.JSONValue || r.QueryName != "" {
			bad("xmlAttribute, xmlNamespace, jsonvalue or queryName on " + r.Shape)
		}
		if r.Location != "" && g.proto != "rest-json" {
			bad("location on " + r.Shape)
		}
	}
}

// walk marks the shapes reachable from an input (decode) or output shape.
func (g *generator) walk(name string, input bool, seen map[string]bool) {
	if seen[name] {
		return
	}
	seen[name] = true
	s := g.m.Shapes[name]
	g.checkSupported(name, s)
	if input && g.hasConstraints(name) {
		g.checked[name] = true
		if s.Pattern != "" {
			g.regexpFor(s.Pattern)
		}
	}
	switch s.Type {
	case "structure":
		if _, ok := g.nested[name]; ok {
			if input {
				g.decodeStructs[name] = true
			} else {
				g.encodeStructs[name] = true
			}
		}
		for _, mb := range s.Members {
			g.walk(mb.Ref.Shape, input, seen)
		}
	case "list":
		g.walk(s.Member.Shape, input, seen)
	case "map":
		g.walk(s.Key.Shape, input, seen)
		g.walk(s.Value.Shape, input, seen)
	}
}

func (g *generator) hasConstraints(name string) bool {
	s := g.m.Shapes[name]
	switch s.Type {
	case "string":
		return s.Min != nil || s.Max != nil || s.Pattern != "" || len(s.Enum) > 0
	case "integer", "long", "double", "float", "list", "map", "blob":
		return s.Min != nil || s.Max != nil
	}
	return false
}

// exported turns a shape or member name into an exported Go identifier.
func exported(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if out == "" || unicode.IsDigit(rune(out[0])) {
		out = "X" + out
	}
	return out
}

// pathName is a member's name in validation messages: lower-case first
// letter, as AWS writes it (userName, policyArns, sAMLAssertion).
func pathName(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// goType is the Go type of a value of the shape (structures by value).
func (g *generator) goType(name string) string {
	s := g.m.Shapes[name]
	switch s.Type {
	case "structure":
		if s.Document {
			return "json.RawMessage"
		}
		return g.nested[name]
	case "list":
		return "[]" + g.goType(s.Member.Shape)
	case "map":
		return "map[" + g.goType(s.Key.Shape) + "]" + g.goType(s.Value.Shape)
	case "string":
		if t, ok := g.enums[name]; ok {
			return t
		}
		return "string"
	case "integer":
		return "int32"
	case "long":
		return "int64"
	case "boolean":
		return "bool"
	case "double", "float":
		return "float64"
	case "timestamp":
		return "time.Time"
	case "blob":
		return "[]byte"
	}
	panic("unsupported shape type " + s.Type + " of " + name)
}

// isPointerField reports whether a member of the shape is held by pointer:
// nested structures always, other scalars when optional. Enums are held by
// value ("" is never a valid enum value, so it means absent), as are lists,
// maps, blobs and documents (nil means absent).
func (g *generator) isPointerField(name string, required bool) bool {
	s := g.m.Shapes[name]
	switch s.Type {
	case "structure":
		return !s.Document
	case "list", "map", "blob":
		return false
	case "string":
		if len(s.Enum) > 0 {
			return false
		}
	}
	return !required
}

func (g *generator) fieldType(name string, required bool) string {
	if g.isPointerField(name, required) {
		return "*" + g.goType(name)
	}
	return g.goType(name)
}

// wireName is a member's serialized name.
func wireName(mb member) string {
	if mb.Ref.LocationName != "" {
		return mb.Ref.LocationName
	}
	return mb.Name
}

type buf struct{ bytes.Buffer }

func (b *buf) p(format string, args ...any) {
	fmt.Fprintf(&b.Buffer, format, args...)
	b.WriteByte('\n')
}

func (g *generator) header(b *buf, imports ...string) {
	g.headerDoc(b, false, imports...)
}

// headerDoc writes the generated-code line, the package clause (with the
// package documentation when doc is set) and the imports.
func (g *generator) headerDoc(b *buf, doc bool, imports ...string) {
	b.p("// Code generated by internal/wire/gen from %s. DO NOT EDIT.", strings.TrimPrefix(g.modelPath, "./"))
	b.p("")
	if doc {
		md := g.m.Metadata
		switch g.proto {
		case "json":
			b.p("// Package %s holds the awsJson%s wire types of %s (API version %s),", g.pkg, strings.ReplaceAll(md.JSONVersion, ".", "_"), md.ServiceID, md.APIVersion)
			b.p("// generated from its botocore model: a type per input, output and nested")
			b.p("// structure, DecodeJSON methods that read and check inputs, EncodeJSON")
			b.p("// methods that write outputs, the modelled errors (ErrXxx) and a router")
			b.p("// (Handlers.Serve) keyed by X-Amz-Target.")
		case "rest-json":
			b.p("// Package %s holds the restJson1 wire types of %s (API version %s),", g.pkg, md.ServiceID, md.APIVersion)
			b.p("// generated from its botocore model: a type per input, output and nested")
			b.p("// structure, DecodeRESTJSON methods that read and check inputs from the")
			b.p("// URI labels, query string, headers and JSON body, EncodeRESTJSON methods")
			b.p("// that write outputs, the modelled errors (ErrXxx) and a router")
			b.p("// (Handlers.Serve) keyed by HTTP method and path.")
		default:
			b.p("// Package %s holds the awsQuery wire types of %s (API version %s),", g.pkg, md.ServiceID, md.APIVersion)
			b.p("// generated from its botocore model: a type per input, output and nested")
			b.p("// structure, DecodeQuery methods that read and check inputs, EncodeQueryXML")
			b.p("// methods that write outputs, the modelled errors (ErrXxx) and a router")
			b.p("// (Handlers.Serve).")
		}
	}
	b.p("package %s", g.pkg)
	b.p("")
	if len(imports) > 0 {
		b.p("import (")
		std := true
		for _, im := range imports {
			if std && strings.Contains(im, ".") {
				std = false
				b.p("")
			}
			b.p("%q", im)
		}
		b.p(")")
		b.p("")
	}
}

func (g *generator) generate() (map[string][]byte, error) {
	files := map[string][]byte{}
	gens := map[string]func() []byte{
		"types_gen.go":         g.genTypes,
		"decode_gen.go":        g.genDecode,
		"encode_gen.go":        g.genEncode,
		"service_gen.go":       g.genService,
		"patterns_gen_test.go": g.genPatternTest,
	}
	if g.proto != "query" {
		gens["decode_gen.go"] = g.genJSONDecode
		gens["encode_gen.go"] = g.genJSONEncode
		gens["service_gen.go"] = g.genJSONService
	}
	for name, fn := range gens {
		src := fn()
		out, err := format.Source(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w\n%s", name, err, numbered(src))
		}
		files[name] = out
	}
	if len(g.unsupported) > 0 {
		slices.Sort(g.unsupported)
		return nil, fmt.Errorf("model uses what the generator does not implement:\n%s", strings.Join(slices.Compact(g.unsupported), "\n"))
	}
	return files, nil
}

func numbered(src []byte) string {
	var b strings.Builder
	for i, l := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%5d %s\n", i+1, l)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// ---- types ----

func (g *generator) genTypes() []byte {
	var b buf
	needTime, needJSON := false, false
	for _, s := range g.m.Shapes {
		if s.Type == "timestamp" {
			needTime = true
		}
		if s.Document {
			needJSON = true
		}
	}
	var imports []string
	if needJSON {
		imports = append(imports, "encoding/json")
	}
	if needTime {
		imports = append(imports, "time")
	}
	g.header(&b, imports...)
	if needJSON {
		b.p("var _ json.RawMessage")
	}
	if needTime {
		b.p("var _ time.Time")
	}
	// Enums.
	for _, name := range sortedKeys(g.enums) {
		t := g.enums[name]
		s := g.m.Shapes[name]
		b.p("// %s is the model's enum %s.", t, name)
		b.p("type %s string", t)
		b.p("")
		b.p("// Values of %s.", t)
		b.p("const (")
		used := map[string]bool{}
		for _, v := range s.Enum {
			c := t + exported(v)
			for used[c] {
				c += "_"
			}
			used[c] = true
			b.p("%s %s = %q", c, t, v)
		}
		b.p(")")
		b.p("")
		b.p("// Values returns the values of %s in model order.", t)
		b.p("func (%s) Values() []%s {", t, t)
		b.p("return []%s{", t)
		for _, v := range s.Enum {
			b.p("%q,", v)
		}
		b.p("}")
		b.p("}")
		b.p("")
	}
	// Inputs and outputs.
	for _, op := range g.ops {
		o := g.m.Operations[op]
		b.p("// %sInput is the input of %s.", op, op)
		g.structBody(&b, op+"Input", o.Input)
		b.p("// %sOutput is the output of %s.", op, op)
		g.structBody(&b, op+"Output", o.Output)
	}
	for _, name := range sortedKeys(g.nested) {
		t := g.nested[name]
		if g.m.Shapes[name].Union {
			b.p("// %s is the model's union %s: exactly one member is set.", t, name)
		} else {
			b.p("// %s is the model's structure %s.", t, name)
		}
		g.structBody(&b, t, &shapeRef{Shape: name})
		if g.m.Shapes[name].Union {
			g.unionMember(&b, t, name)
		}
	}
	return b.Bytes()
}

// unionMember writes the Which method of a union.
func (g *generator) unionMember(b *buf, t, name string) {
	s := g.m.Shapes[name]
	b.p("// Which returns the wire name of the member of u that is set, or \"\"")
	b.p("// when none is.")
	b.p("func (u *%s) Which() string {", t)
	b.p("switch {")
	for _, mb := range s.Members {
		f := "u." + exported(mb.Name)
		sh := g.m.Shapes[mb.Ref.Shape]
		switch {
		case g.isPointerField(mb.Ref.Shape, false) || sh.Type == "list" || sh.Type == "map" || sh.Type == "blob" || sh.Document:
			b.p("case %s != nil:", f)
		default:
			b.p(`case %s != "":`, f)
		}
		b.p("return %q", wireName(mb))
	}
	b.p("}")
	b.p(`return ""`)
	b.p("}")
	b.p("")
}

func (g *generator) structBody(b *buf, t string, ref *shapeRef) {
	if ref == nil {
		b.p("type %s struct{}", t)
		b.p("")
		return
	}
	s := g.m.Shapes[ref.Shape]
	b.p("type %s struct {", t)
	for _, mb := range s.Members {
		req := s.isRequired(mb.Name)
		var notes []string
		if req {
			notes = append(notes, "required")
		}
		if g.m.Shapes[mb.Ref.Shape].Sensitive {
			notes = append(notes, "sensitive")
		}
		if mb.Ref.Deprecated {
			notes = append(notes, "deprecated")
		}
		comment := ""
		if len(notes) > 0 {
			comment = " // " + strings.Join(notes, ", ")
		}
		b.p("%s %s%s", exported(mb.Name), g.fieldType(mb.Ref.Shape, req), comment)
	}
	b.p("}")
	b.p("")
}

// ---- decoding ----

// key is a parameter name expression: Key(prefix, name), or prefix alone
// when name is empty.
type key struct{ prefix, name string }

func (k key) expr() string {
	if k.name == "" {
		return k.prefix
	}
	return fmt.Sprintf("awsproto.Key(%s, %q)", k.prefix, k.name)
}

func (k key) child(n string) key {
	if k.name == "" {
		return key{k.prefix, n}
	}
	return key{k.prefix, k.name + "." + n}
}

func (g *generator) genDecode() []byte {
	var b buf
	var body buf
	for _, op := range g.ops {
		o := g.m.Operations[op]
		t := op + "Input"
		body.p("// DecodeQuery fills in from the awsQuery parameters v and checks it")
		body.p("// against the model's constraints, returning a ValidationError that lists")
		body.p("// every violation.")
		body.p("func (in *%s) DecodeQuery(v url.Values) error {", t)
		if o.Input == nil || len(g.m.Shapes[o.Input.Shape].Members) == 0 {
			body.p("return nil")
			body.p("}")
			body.p("")
			continue
		}
		body.p("var vs awsproto.Validation")
		body.p(`in.decodeQuery(awsproto.NewParams(v), "", "", &vs)`)
		body.p("return vs.Err()")
		body.p("}")
		body.p("")
		g.decodeStruct(&body, t, o.Input.Shape)
	}
	for _, name := range sortedKeys(g.decodeStructs) {
		g.decodeStruct(&body, g.nested[name], name)
	}
	for _, name := range sortedKeys(g.checked) {
		g.checkFunc(&body, name)
	}
	g.decodeHeader(&b, body.String(), "net/url")
	b.Write(body.Bytes())
	return b.Bytes()
}

// decodeHeader writes the header of decode_gen.go: the imports that src
// uses beside base, and the pattern variables.
func (g *generator) decodeHeader(b *buf, src string, base ...string) {
	imports := base
	for _, pkg := range []string{"net/http", "strings", "unicode/utf8", "strconv"} {
		if strings.Contains(src, pkg[strings.LastIndexByte(pkg, '/')+1:]+".") && !slices.Contains(imports, pkg) {
			imports = append(imports, pkg)
		}
	}
	if len(g.regexps) > 0 {
		imports = append(imports, "regexp")
	}
	imports = append(imports, "github.com/cleanroom-dev/cleanroom/internal/awsproto")
	slices.Sort(imports[:len(imports)-1])
	g.header(b, imports...)
	b.p("// Patterns of the model are translated from Java regular expressions: AWS")
	b.p("// checks them with Java's String.matches, so they must match the whole")
	b.p("// value, and \\uXXXX escapes are read as Java reads them, exactly four hex")
	b.p("// digits. A pattern that is one character class repeated is checked by an")
	b.p("// awsproto.RepeatedClass (classXxx), the others by Go's regexp engine (reXxx).")
	b.p("var (")
	pats := sortedKeys(g.matchers)
	slices.SortFunc(pats, func(a, b string) int { return strings.Compare(g.matchers[a].name, g.matchers[b].name) })
	for _, pat := range pats {
		b.p("// %s", pat)
		b.p("%s = awsproto.MustRepeatedClass(%s)", g.matchers[pat].name, goQuote(g.matchers[pat].goPat))
	}
	pats = sortedKeys(g.regexps)
	slices.SortFunc(pats, func(a, b string) int { return strings.Compare(g.regexps[a], g.regexps[b]) })
	for _, pat := range pats {
		goPat, _ := translatePattern(pat)
		b.p("// %s", pat)
		b.p("%s = regexp.MustCompile(%s)", g.regexps[pat], goQuote(goPat))
	}
	b.p(")")
	b.p("")
	for _, pat := range sortedKeys(g.skipped) {
		b.p("// The pattern %s is not checked: %s.", pat, g.skipped[pat])
		b.p("")
	}
}

func goQuote(s string) string {
	if !strings.Contains(s, "`") && strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

func (g *generator) regexpFor(pat string) (string, bool) {
	if v, ok := g.regexps[pat]; ok {
		return v, true
	}
	if _, ok := g.skipped[pat]; ok {
		return "", false
	}
	if _, why := translatePattern(pat); why != "" {
		g.skipped[pat] = why
		return "", false
	}
	g.regexps[pat] = "" // named by nameRegexps
	return "", true
}

// nameRegexps names each pattern's variable after the first shape (in name
// order) that uses it, so that the output does not depend on map order.
func (g *generator) nameRegexps() {
	for _, name := range sortedKeys(g.checked) {
		pat := g.m.Shapes[name].Pattern
		if v, ok := g.regexps[pat]; ok && v == "" {
			goPat, _ := translatePattern(pat)
			if _, ok := awsproto.ParseRepeatedClass(goPat); ok {
				g.matchers[pat] = &matcher{name: "class" + exported(name), goPat: goPat}
				delete(g.regexps, pat)
				continue
			}
			g.regexps[pat] = "re" + exported(name)
		}
	}
}

// genPatternTest writes a fuzz test that checks each matcher against the
// regexp it replaces.
func (g *generator) genPatternTest() []byte {
	var b buf
	g.header(&b, "regexp", "testing")
	b.p("// FuzzPatternMatchers checks the hand-written matchers of the model's")
	b.p("// patterns against Go's regexp engine.")
	b.p("func FuzzPatternMatchers(f *testing.F) {")
	b.p("matchers := []struct {")
	b.p("match func(string) bool")
	b.p("re    *regexp.Regexp")
	b.p("}{")
	for _, pat := range sortedKeys(g.matchers) {
		m := g.matchers[pat]
		b.p("{%s.Match, regexp.MustCompile(%s)},", m.name, goQuote(m.goPat))
	}
	b.p("}")
	b.p("for _, s := range []string{\"\", \"a\", \"Bob+1@x.com\", \"a b\", \"/p/\", \"\\x00\\xff\", \"\\u00e9\\u0100\", \"123456\", \"\\U0001F600\"} {")
	b.p("f.Add(s)")
	b.p("}")
	b.p("f.Fuzz(func(t *testing.T, s string) {")
	b.p("for _, m := range matchers {")
	b.p("if got, want := m.match(s), m.re.MatchString(s); got != want {")
	b.p("t.Fatalf(\"%%s on %%q: matcher %%v, regexp %%v\", m.re, s, got, want)")
	b.p("}")
	b.p("}")
	b.p("})")
	b.p("}")
	return b.Bytes()
}

// translatePattern turns a model pattern (Java syntax) into an anchored Go
// regexp, or says why it cannot.
func translatePattern(pat string) (string, string) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == '\\' && i+1 < len(pat):
			n := pat[i+1]
			switch n {
			case 'u':
				if i+6 > len(pat) {
					return "", "truncated \\u escape"
				}
				hex := pat[i+2 : i+6]
				if _, err := strconv.ParseUint(hex, 16, 32); err != nil {
					return "", "bad \\u escape"
				}
				b.WriteString(`\x{` + hex + `}`)
				i += 5
				continue
			case 'Q', 'E', 'G', 'Z', 'R', 'X', 'h', 'H', 'V', 'k':
				return "", "Java escape \\" + string(n) + " has no Go equivalent"
			}
			b.WriteByte(c)
			b.WriteByte(n)
			i++
			continue
		case c == '[':
			if inClass && i+1 < len(pat) {
				return "", "nested character classes"
			}
			inClass = true
		case c == ']':
			inClass = false
		case c == '&' && inClass && i+1 < len(pat) && pat[i+1] == '&':
			return "", "character class intersection"
		case c == '(' && !inClass && i+2 < len(pat) && pat[i+1] == '?' && strings.ContainsRune("=!<>", rune(pat[i+2])):
			return "", "lookaround or atomic group"
		case (c == '+' || c == '*' || c == '?' || c == '}') && !inClass && i+1 < len(pat) && pat[i+1] == '+':
			return "", "possessive quantifier"
		}
		b.WriteByte(c)
	}
	goPat := "^(?:" + b.String() + ")$"
	if _, err := regexp.Compile(goPat); err != nil {
		return "", "Go regexp: " + err.Error()
	}
	return goPat, ""
}

// decodeStruct writes the decodeQuery method of a structure.
func (g *generator) decodeStruct(b *buf, t, name string) {
	s := g.m.Shapes[name]
	b.p("func (s *%s) decodeQuery(p *awsproto.Params, prefix, path string, vs *awsproto.Validation) {", t)
	for _, mb := range s.Members {
		req := s.isRequired(mb.Name)
		ptr := g.isPointerField(mb.Ref.Shape, req)
		g.decodeValue(b, mb.Ref, key{"prefix", wireName(mb)}, "path", strconv.Quote(pathName(mb.Name)),
			"s."+exported(mb.Name), ptr, req, 0)
	}
	b.p("}")
	b.p("")
}

func (g *generator) checkCall(name, parent, pname, v string) string {
	if !g.checked[name] {
		return ""
	}
	return fmt.Sprintf("check%s(vs, %s, %s, %s)", exported(name), parent, pname, v)
}

// decodeValue writes the code that decodes the value of shape ref.Shape
// serialized at k into target. parent and pname are the expressions of the
// parent path and the value's name in messages. ptr says target is a
// pointer (to be set to a new value); required that absence is a violation.
func (g *generator) decodeValue(b *buf, ref shapeRef, k key, parent, pname, target string, ptr, required bool, depth int) {
	name := ref.Shape
	s := g.m.Shapes[name]
	d := strconv.Itoa(depth)
	null := func() {
		if required {
			b.p("} else {")
			b.p("vs.Null(%s, %s)", parent, pname)
		}
		b.p("}")
	}
	switch s.Type {
	case "structure":
		if !ptr {
			b.p("%s.decodeQuery(p, %s, awsproto.Path(%s, %s), vs)", target, k.expr(), parent, pname)
			return
		}
		b.p("if p.HasPrefix(%s) {", k.expr())
		b.p("v := new(%s)", g.nested[name])
		b.p("v.decodeQuery(p, %s, awsproto.Path(%s, %s), vs)", k.expr(), parent, pname)
		b.p("%s = v", target)
		null()
	case "list":
		elemKey := k
		if !(s.Flattened || ref.Flattened) {
			mn := s.Member.LocationName
			if mn == "" {
				mn = "member"
			}
			elemKey = k.child(mn)
		} else if loc := s.Member.LocationName; loc != "" {
			// botocore: a flattened list's elements are named after its
			// member's locationName, in place of the list's own name.
			elemKey = key{k.prefix, replaceLast(k.name, loc)}
		}
		b.p("if elems%s := p.Elements(%s); len(elems%s) > 0 || p.Has(%s) {", d, elemKey.expr(), d, k.expr())
		b.p("lp%s := awsproto.Path(%s, %s)", d, parent, pname)
		b.p("list%s := make(%s, len(elems%s))", d, g.goType(name), d)
		b.p("for i%s, e%s := range elems%s {", d, d, d)
		g.decodeValue(b, *s.Member, key{"e" + d + ".Key", ""}, "lp"+d, "awsproto.ElementName(e"+d+".Index)",
			"list"+d+"[i"+d+"]", false, true, depth+1)
		b.p("}")
		b.p("%s = list%s", target, d)
		if c := g.checkCall(name, parent, pname, "list"+d); c != "" {
			b.p("%s", c)
		}
		null()
	case "map":
		entryKey := k
		if !(s.Flattened || ref.Flattened) {
			entryKey = k.child("entry")
		}
		kn, vn := s.Key.LocationName, s.Value.LocationName
		if kn == "" {
			kn = "key"
		}
		if vn == "" {
			vn = "value"
		}
		b.p("if elems%s := p.Elements(%s); len(elems%s) > 0 || p.Has(%s) {", d, entryKey.expr(), d, k.expr())
		b.p("lp%s := awsproto.Path(%s, %s)", d, parent, pname)
		b.p("m%s := make(%s, len(elems%s))", d, g.goType(name), d)
		b.p("for _, e%s := range elems%s {", d, d)
		b.p("var k%s %s", d, g.goType(s.Key.Shape))
		b.p("var v%s %s", d, g.goType(s.Value.Shape))
		g.decodeValue(b, *s.Key, key{"e" + d + ".Key", kn}, "lp"+d, "awsproto.EntryName(e"+d+".Index, "+strconv.Quote(kn)+")",
			"k"+d, false, true, depth+1)
		g.decodeValue(b, *s.Value, key{"e" + d + ".Key", vn}, "lp"+d, "awsproto.EntryName(e"+d+".Index, "+strconv.Quote(vn)+")",
			"v"+d, false, true, depth+1)
		b.p("m%s[k%s] = v%s", d, d, d)
		b.p("}")
		b.p("%s = m%s", target, d)
		if c := g.checkCall(name, parent, pname, "m"+d); c != "" {
			b.p("%s", c)
		}
		null()
	default:
		g.decodeScalar(b, name, k, parent, pname, target, ptr)
		null()
	}
}

// replaceLast replaces the last dot-separated segment of name.
func replaceLast(name, seg string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i+1] + seg
	}
	return seg
}

// decodeScalar writes "if raw, ok := p.Get(k); ok { ... " up to, not
// including, the closing brace.
func (g *generator) decodeScalar(b *buf, name string, k key, parent, pname, target string, ptr bool) {
	s := g.m.Shapes[name]
	assign := func(v string) {
		if ptr {
			b.p("%s = &%s", target, v)
		} else {
			b.p("%s = %s", target, v)
		}
	}
	fail := func(constraint string) {
		if s.Sensitive {
			b.p("vs.FailHidden(%s, %s, %s)", parent, pname, constraint)
		} else {
			b.p("vs.Fail(%s, %s, raw, %s)", parent, pname, constraint)
		}
	}
	if s.Type == "string" {
		b.p("if raw, ok := p.Get(%s); ok {", k.expr())
		v := "raw"
		if t, ok := g.enums[name]; ok {
			b.p("v := %s(raw)", t)
			v = "v"
		} else if ptr {
			b.p("v := raw")
			v = "v"
		}
		assign(v)
		if c := g.checkCall(name, parent, pname, v); c != "" {
			b.p("%s", c)
		}
		return
	}
	var parse, bad string
	switch s.Type {
	case "integer":
		parse, bad = "awsproto.ParseInt32(raw)", "awsproto.NotInteger"
	case "long":
		parse, bad = "awsproto.ParseInt64(raw)", "awsproto.NotInteger"
	case "boolean":
		parse, bad = "awsproto.ParseBool(raw)", "awsproto.NotBoolean"
	case "double", "float":
		parse, bad = "awsproto.ParseFloat64(raw)", "awsproto.NotNumber"
	case "timestamp":
		parse, bad = "awsproto.ParseTimestamp(raw)", "awsproto.NotTimestamp"
	case "blob":
		parse, bad = "awsproto.ParseBlob(raw)", "awsproto.NotBase64"
	default:
		panic("unsupported scalar " + s.Type)
	}
	b.p("if raw, ok := p.Get(%s); ok {", k.expr())
	b.p("if v, ok := %s; !ok {", parse)
	fail(bad)
	b.p("} else {")
	assign("v")
	if c := g.checkCall(name, parent, pname, "v"); c != "" {
		b.p("%s", c)
	}
	b.p("}")
}

// checkFunc writes the function that checks a value of the shape against
// its constraints.
func (g *generator) checkFunc(b *buf, name string) {
	s := g.m.Shapes[name]
	t := g.goType(name)
	minV, hasMin := num(s.Min)
	maxV, hasMax := num(s.Max)
	b.p("// check%s checks a value of %s against the model's constraints.", exported(name), name)
	b.p("func check%s(vs *awsproto.Validation, parent, name string, v %s) {", exported(name), t)
	fail := func(value, constraint string) {
		if s.Sensitive || value == "" {
			b.p("vs.FailHidden(parent, name, %s)", goQuote(constraint))
		} else {
			b.p("vs.Fail(parent, name, %s, %s)", value, goQuote(constraint))
		}
	}
	lengthChecks := func(n, value string) {
		hasMin := hasMin && minV > 0
		switch {
		case hasMax && hasMin:
			b.p("if n := %s; n > %d {", n, maxV)
			fail(value, awsproto.MaxLength(maxV))
			b.p("} else if n < %d {", minV)
			fail(value, awsproto.MinLength(minV))
			b.p("}")
		case hasMax:
			b.p("if %s > %d {", n, maxV)
			fail(value, awsproto.MaxLength(maxV))
			b.p("}")
		case hasMin:
			b.p("if %s < %d {", n, minV)
			fail(value, awsproto.MinLength(minV))
			b.p("}")
		}
	}
	switch s.Type {
	case "string":
		value := "v"
		if _, ok := g.enums[name]; ok {
			value = "string(v)"
		}
		lengthChecks("utf8.RuneCountInString("+value+")", value)
		if s.Pattern != "" {
			if m := g.matchers[s.Pattern]; m != nil {
				b.p("if !%s.Match(%s) {", m.name, value)
				fail(value, awsproto.PatternConstraint(s.Pattern))
				b.p("}")
			} else if re, ok := g.regexpFor(s.Pattern); ok {
				b.p("if !%s.MatchString(%s) {", re, value)
				fail(value, awsproto.PatternConstraint(s.Pattern))
				b.p("}")
			}
		}
		if len(s.Enum) > 0 {
			b.p("switch v {")
			quoted := make([]string, len(s.Enum))
			for i, e := range s.Enum {
				quoted[i] = strconv.Quote(e)
			}
			b.p("case %s:", strings.Join(quoted, ", "))
			b.p("default:")
			fail(value, awsproto.EnumConstraint(s.Enum))
			b.p("}")
		}
	case "integer", "long":
		value := "strconv.FormatInt(int64(v), 10)"
		if hasMax {
			b.p("if v > %d {", maxV)
			fail(value, awsproto.MaxValue(maxV))
		}
		if hasMin {
			if hasMax {
				b.p("} else if v < %d {", minV)
			} else {
				b.p("if v < %d {", minV)
			}
			fail(value, awsproto.MinValue(minV))
		}
		b.p("}")
	case "double", "float":
		value := "awsproto.FormatFloat(v)"
		first := true
		if s.Max != nil {
			b.p("if v > %s {", s.Max.String())
			fail(value, awsproto.MaxValueNumber(s.Max.String()))
			first = false
		}
		if s.Min != nil {
			if first {
				b.p("if v < %s {", s.Min.String())
			} else {
				b.p("} else if v < %s {", s.Min.String())
			}
			fail(value, awsproto.MinValueNumber(s.Min.String()))
		}
		b.p("}")
	case "list":
		value := ""
		if g.goType(name) == "[]string" {
			value = "awsproto.ListString(v)"
		}
		lengthChecks("len(v)", value)
	case "map", "blob":
		lengthChecks("len(v)", "")
	}
	b.p("}")
	b.p("")
}

// ---- encoding ----

func (g *generator) genEncode() []byte {
	var body buf
	ns := g.m.Metadata.XMLNamespace
	_ = ns
	for _, op := range g.ops {
		o := g.m.Operations[op]
		t := op + "Output"
		body.p("// EncodeQueryXML writes the %sResponse document.", op)
		body.p("func (out *%s) EncodeQueryXML(w *awsproto.XMLWriter, requestID string) {", t)
		body.p("w.StartNS(%q, XMLNamespace)", op+"Response")
		if o.Output != nil {
			wrapper := o.Output.ResultWrapper
			if wrapper == "" {
				wrapper = op + "Result"
			}
			body.p("w.Start(%q)", wrapper)
			body.p("out.encodeXML(w)")
			body.p("w.End(%q)", wrapper)
		}
		body.p("w.WriteResponseMetadata(requestID)")
		body.p("w.End(%q)", op+"Response")
		body.p("}")
		body.p("")
		if o.Output != nil {
			g.encodeStruct(&body, t, o.Output.Shape)
		}
	}
	for _, name := range sortedKeys(g.encodeStructs) {
		g.encodeStruct(&body, g.nested[name], name)
	}
	var b buf
	g.header(&b, "github.com/cleanroom-dev/cleanroom/internal/awsproto")
	b.Write(body.Bytes())
	return b.Bytes()
}

func (g *generator) encodeStruct(b *buf, t, name string) {
	s := g.m.Shapes[name]
	recv := "s"
	if len(s.Members) == 0 {
		recv = "*"
	}
	if recv == "*" {
		b.p("func (*%s) encodeXML(w *awsproto.XMLWriter) {}", t)
		b.p("")
		return
	}
	b.p("func (s *%s) encodeXML(w *awsproto.XMLWriter) {", t)
	for _, mb := range s.Members {
		req := s.isRequired(mb.Name)
		g.encodeValue(b, mb.Ref, wireName(mb), "s."+exported(mb.Name), g.isPointerField(mb.Ref.Shape, req), req, false, 0)
	}
	b.p("}")
	b.p("")
}

// encodeValue writes the code that writes v, a value of shape ref.Shape, as
// element el. ptr says v is a pointer; required that it is written even
// when empty; elem that v is a list element or map entry part (always
// written).
func (g *generator) encodeValue(b *buf, ref shapeRef, el, v string, ptr, required, elem bool, depth int) {
	name := ref.Shape
	s := g.m.Shapes[name]
	d := strconv.Itoa(depth)
	switch s.Type {
	case "structure":
		if ptr {
			b.p("if %s != nil {", v)
		} else {
			b.p("{")
		}
		b.p("w.Start(%q)", el)
		b.p("%s.encodeXML(w)", v)
		b.p("w.End(%q)", el)
		b.p("}")
	case "list":
		flat := s.Flattened || ref.Flattened
		mn := s.Member.LocationName
		if mn == "" {
			mn = "member"
		}
		if flat {
			if s.Member.LocationName != "" {
				el = s.Member.LocationName
			}
			b.p("for i%s := range %s {", d, v)
			g.encodeValue(b, *s.Member, el, v+"[i"+d+"]", false, true, true, depth+1)
			b.p("}")
			return
		}
		if required || elem {
			b.p("{")
		} else {
			b.p("if %s != nil {", v)
		}
		b.p("w.Start(%q)", el)
		b.p("for i%s := range %s {", d, v)
		g.encodeValue(b, *s.Member, mn, v+"[i"+d+"]", false, true, true, depth+1)
		b.p("}")
		b.p("w.End(%q)", el)
		b.p("}")
	case "map":
		kn, vn := s.Key.LocationName, s.Value.LocationName
		if kn == "" {
			kn = "key"
		}
		if vn == "" {
			vn = "value"
		}
		flat := s.Flattened || ref.Flattened
		if required || elem {
			b.p("{")
		} else {
			b.p("if %s != nil {", v)
		}
		if !flat {
			b.p("w.Start(%q)", el)
		}
		b.p("for _, k%s := range awsproto.SortedKeys(%s) {", d, v)
		b.p("mv%s := %s[k%s]", d, v, d)
		entry := "entry"
		if flat {
			entry = el
		}
		b.p("w.Start(%q)", entry)
		g.encodeValue(b, *s.Key, kn, "k"+d, false, true, true, depth+1)
		g.encodeValue(b, *s.Value, vn, "mv"+d, false, true, true, depth+1)
		b.p("w.End(%q)", entry)
		b.p("}")
		if !flat {
			b.p("w.End(%q)", el)
		}
		b.p("}")
	default:
		val := v
		if ptr {
			val = "*" + v
		}
		var call string
		switch s.Type {
		case "string":
			if _, ok := g.enums[name]; ok {
				call = fmt.Sprintf("w.String(%q, string(%s))", el, val)
			} else {
				call = fmt.Sprintf("w.String(%q, %s)", el, val)
			}
		case "integer":
			call = fmt.Sprintf("w.Int(%q, int64(%s))", el, val)
		case "long":
			call = fmt.Sprintf("w.Int(%q, %s)", el, val)
		case "boolean":
			call = fmt.Sprintf("w.Bool(%q, %s)", el, val)
		case "double", "float":
			call = fmt.Sprintf("w.Float(%q, %s)", el, val)
		case "timestamp":
			call = fmt.Sprintf("w.Time(%q, %s)", el, val)
		case "blob":
			call = fmt.Sprintf("w.Blob(%q, %s)", el, val)
		}
		switch {
		case ptr:
			b.p("if %s != nil {", v)
			b.p("%s", call)
			b.p("}")
		case required || elem:
			b.p("%s", call)
		case s.Type == "blob":
			b.p("if %s != nil {", v)
			b.p("%s", call)
			b.p("}")
		case s.Type == "string": // an enum held by value
			b.p("if %s != \"\" {", v)
			b.p("%s", call)
			b.p("}")
		default:
			b.p("%s", call)
		}
	}
}

// ---- service ----

func (g *generator) genService() []byte {
	var b buf
	md := g.m.Metadata
	g.headerDoc(&b, true, "context", "net/url", "github.com/cleanroom-dev/cleanroom/internal/awsproto")
	signing := md.SigningName
	if signing == "" {
		signing = md.EndpointPrefix
	}
	b.p("// Service metadata from the model.")
	b.p("const (")
	b.p("// APIVersion is the awsQuery Version parameter the service answers to.")
	b.p("APIVersion = %q", md.APIVersion)
	b.p("// XMLNamespace is the xmlns of the service's response documents.")
	b.p("XMLNamespace = %q", md.XMLNamespace)
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

	// Handlers.
	b.p("// Handlers holds one function per operation. A nil function is an")
	b.p("// operation that is not built yet: Serve answers it with NotImplemented.")
	b.p("type Handlers struct {")
	for _, op := range g.ops {
		b.p("%s func(context.Context, *%sInput) (*%sOutput, error)", op, op, op)
	}
	b.p("}")
	b.p("")
	b.p("// Serve decodes and checks the parameters of the awsQuery action, calls its")
	b.p("// handler and returns the output to encode. An action the model does not")
	b.p("// have, or a Version other than APIVersion, is InvalidAction.")
	b.p("func (h *Handlers) Serve(ctx context.Context, action string, params url.Values) (awsproto.QueryResponse, error) {")
	b.p(`if version := params.Get("Version"); version != APIVersion {`)
	b.p("return nil, awsproto.InvalidAction(action, version)")
	b.p("}")
	b.p("switch action {")
	for _, op := range g.ops {
		b.p("case %q:", op)
		b.p("if h.%s == nil {", op)
		b.p("return nil, awsproto.NotImplemented(EndpointPrefix, action)")
		b.p("}")
		b.p("in := new(%sInput)", op)
		b.p("if err := in.DecodeQuery(params); err != nil {")
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
	b.p("}")
	b.p(`return nil, awsproto.InvalidAction(action, APIVersion)`)
	b.p("}")
	return b.Bytes()
}

// genErrors writes the model's error shapes, ErrorShapes and the ErrXxx
// constructors, and returns each shape's wire code.
func (g *generator) genErrors(b *buf) map[string]string {
	var errNames []string
	for name, s := range g.m.Shapes {
		if s.Exception {
			errNames = append(errNames, name)
		}
	}
	slices.Sort(errNames)
	codeOf := map[string]string{}
	b.p("// The errors the model declares. A shape without an error trait is sent")
	b.p("// with its shape name as code, status 400, as the SDKs expect.")
	b.p("var (")
	for _, name := range errNames {
		s := g.m.Shapes[name]
		code, status, sender := name, 400, true
		if s.Error != nil {
			// The error trait's code is the awsQuery code; the JSON
			// protocols send the shape name.
			if s.Error.Code != "" && g.proto == "query" {
				code = s.Error.Code
			}
			if s.Error.HTTPStatusCode != 0 {
				status = s.Error.HTTPStatusCode
			}
			sender = s.Error.SenderFault
		}
		if s.Fault {
			sender = false
			if s.Error == nil || s.Error.HTTPStatusCode == 0 {
				status = 500
			}
		}
		codeOf[name] = code
		msgKey := ""
		if g.proto != "query" {
			for _, mb := range s.Members {
				if strings.EqualFold(mb.Name, "message") && mb.Name != "message" {
					msgKey = fmt.Sprintf(", MessageKey: %q", wireName(mb))
				}
			}
		}
		b.p("%s = awsproto.ErrorShape{Name: %q, Code: %q, Status: %d, Sender: %v%s}", exported(name), name, code, status, sender, msgKey)
	}
	b.p(")")
	b.p("")
	b.p("// ErrorShapes lists the model's errors by shape name.")
	b.p("var ErrorShapes = []awsproto.ErrorShape{")
	for _, name := range errNames {
		b.p("%s,", exported(name))
	}
	b.p("}")
	b.p("")
	fns := map[string]string{}
	for _, name := range errNames {
		fn := "Err" + strings.TrimSuffix(exported(name), "Exception")
		if other, ok := fns[fn]; ok {
			g.unsupported = append(g.unsupported, fmt.Sprintf("errors %s and %s both map to %s", other, name, fn))
		}
		fns[fn] = name
		b.p("// %s returns a %s error (%s) with the formatted message.", fn, codeOf[name], name)
		b.p("func %s(format string, args ...any) *awsproto.Error {", fn)
		b.p("return %s.New(format, args...)", exported(name))
		b.p("}")
		b.p("")
	}

	return codeOf
}

// genOperations writes Operations and LookupOperation.
func (g *generator) genOperations(b *buf, codeOf map[string]string) {
	b.p("// Operations lists the model's operations by name.")
	b.p("var Operations = []awsproto.Operation{")
	for _, op := range g.ops {
		o := g.m.Operations[op]
		unsigned := o.AuthType == "none" || slices.Contains(o.Auth, "smithy.api#noAuth")
		var codes []string
		for _, e := range o.Errors {
			codes = append(codes, strconv.Quote(codeOf[e.Shape]))
		}
		errs := "nil"
		if len(codes) > 0 {
			errs = "[]string{" + strings.Join(codes, ", ") + "}"
		}
		if g.proto == "rest-json" {
			b.p("{Name: %q, Unsigned: %v, Errors: %s, Method: %q, URI: %q},", op, unsigned, errs, o.HTTP.Method, o.HTTP.RequestURI)
		} else {
			b.p("{Name: %q, Unsigned: %v, Errors: %s},", op, unsigned, errs)
		}
	}
	b.p("}")
	b.p("")
	b.p("// LookupOperation returns the operation named name.")
	b.p("func LookupOperation(name string) (awsproto.Operation, bool) {")
	b.p("switch name {")
	for i, op := range g.ops {
		b.p("case %q:", op)
		b.p("return Operations[%d], true", i)
	}
	b.p("}")
	b.p("return awsproto.Operation{}, false")
	b.p("}")
	b.p("")

}
