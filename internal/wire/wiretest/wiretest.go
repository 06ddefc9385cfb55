// Package wiretest fills and compares wire values by reflection, so that
// tests can round-trip every operation of a generated package (iamwire,
// stswire) through the real aws-sdk-go-v2 client: fill the SDK's input, let
// the SDK serialize it, decode it with the generated DecodeQuery and
// compare; fill the generated output, encode it, let the SDK deserialize it
// and compare.
//
// Both sides are derived from the same model, so values are matched by
// field name; pointers and values, enum types and plain strings, and
// map[Enum]V and map[string]V are compared by content.
package wiretest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

// Time is the timestamp that Fill writes: millisecond precision, which the
// query and XML encodings both keep.
var Time = time.Date(2026, 11, 23, 17, 2, 18, 250_000_000, time.UTC)

// Filler sets every field of a value to a distinct non-zero value.
type Filler struct {
	// Text is added to every string, e.g. characters that need escaping.
	Text string
	// Unions lists the member types of the SDK's unions (e.g.
	// &types.AnalysisSourceMemberText{}): an interface field is filled with
	// one of the listed types that implements it, in turn.
	Unions []any
	n      int
}

// Fill sets every exported field reachable from ptr (a pointer) to a
// non-zero value: strings "s<n><Text>", numbers n, booleans true, enums a
// value from the type's Values method, lists and maps of two elements.
// Recursion stops at depth 8. Fields named ResultMetadata are left alone.
func (f *Filler) Fill(ptr any) {
	f.fill(reflect.ValueOf(ptr).Elem(), 0)
}

var (
	timeType       = reflect.TypeFor[time.Time]()
	rawMessageType = reflect.TypeFor[json.RawMessage]()
)

// smithyDocument is the SDK's document type (document.Interface).
type smithyDocument interface {
	UnmarshalSmithyDocument(v any) error
}

func (f *Filler) fill(v reflect.Value, depth int) {
	if depth > 16 {
		return
	}
	f.n++
	if v.Type() == rawMessageType {
		v.SetBytes([]byte(`{"k":["s` + strconv.Itoa(f.n) + `",1.5,true,null]}`))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		f.fill(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(Time.Add(time.Duration(f.n) * time.Second)))
			return
		}
		if _, union := reflect.PointerTo(v.Type()).MethodByName("Which"); union {
			// One of our unions: set one member, in turn.
			var fields []int
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					fields = append(fields, i)
				}
			}
			if len(fields) > 0 {
				f.fill(v.Field(fields[f.n%len(fields)]), depth+1)
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			sf := v.Type().Field(i)
			if !sf.IsExported() || sf.Name == "ResultMetadata" {
				continue
			}
			f.fill(v.Field(i), depth+1)
		}
	case reflect.String:
		if vals := enumValues(v.Type()); len(vals) > 0 {
			v.SetString(vals[f.n%len(vals)])
			return
		}
		v.SetString("s" + strconv.Itoa(f.n) + f.Text)
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(int64(f.n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Float64, reflect.Float32:
		v.SetFloat(float64(f.n) + 0.5)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("blob" + strconv.Itoa(f.n) + "\x00\xff"))
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Interface:
		var impls []reflect.Type
		for _, u := range f.Unions {
			if t := reflect.TypeOf(u); t.Implements(v.Type()) {
				impls = append(impls, t)
			}
		}
		if len(impls) == 0 {
			return
		}
		t := impls[f.n%len(impls)]
		var p reflect.Value
		if t.Kind() == reflect.Pointer {
			p = reflect.New(t.Elem())
			f.fill(p.Elem(), depth+1)
		} else {
			p = reflect.New(t).Elem()
			f.fill(p, depth+1)
		}
		v.Set(p)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := 0; i < 2; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			f.fill(k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	}
}

// enumValues returns the values of an enum type (one with a Values method
// returning a slice of itself), or nil.
func enumValues(t reflect.Type) []string {
	m, ok := t.MethodByName("Values")
	if !ok || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 || m.Type.Out(0).Kind() != reflect.Slice {
		return nil
	}
	out := m.Func.Call([]reflect.Value{reflect.New(t).Elem()})[0]
	vals := make([]string, out.Len())
	for i := range vals {
		vals[i] = out.Index(i).String()
	}
	return vals
}

// OnlyIn marks the differences of Diff that are fields one side has and
// the other has not: the SDK and the model can be of different dates.
const OnlyIn = "only in"

// Diff compares an SDK value with a generated one, field by field, and
// returns the differences, one line each. Fields named ResultMetadata and
// unexported fields are ignored.
func Diff(sdk, ours any) []string {
	var d []string
	diff(reflect.ValueOf(sdk), reflect.ValueOf(ours), "", &d)
	return d
}

func deref(v reflect.Value) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, v.IsValid()
}

func diff(a, b reflect.Value, path string, d *[]string) {
	if doc, ok := a.Interface().(smithyDocument); ok && a.Kind() == reflect.Interface && !a.IsNil() && b.Type() == rawMessageType {
		var sdkv, ourv any
		err1 := doc.UnmarshalSmithyDocument(&sdkv)
		err2 := json.Unmarshal(b.Bytes(), &ourv)
		if err1 != nil || err2 != nil || fmt.Sprint(sdkv) != fmt.Sprint(ourv) {
			*d = append(*d, fmt.Sprintf("%s: sdk document %v (%v), ours %s (%v)", path, sdkv, err1, b.Bytes(), err2))
		}
		return
	}
	a, aok := deref(a)
	b, bok := deref(b)
	if !aok || !bok {
		if aok != bok && !(aok && a.IsZero()) && !(bok && b.IsZero()) {
			*d = append(*d, fmt.Sprintf("%s: present on one side only (sdk %v, ours %v)", path, aok, bok))
		}
		return
	}
	if a.Type() == timeType || b.Type() == timeType {
		if a.Type() != b.Type() || !a.Interface().(time.Time).Equal(b.Interface().(time.Time)) {
			*d = append(*d, fmt.Sprintf("%s: sdk %v, ours %v", path, a, b))
		}
		return
	}
	isFloat := func(k reflect.Kind) bool { return k == reflect.Float32 || k == reflect.Float64 }
	if isFloat(a.Kind()) && isFloat(b.Kind()) {
		// The model's float is the SDK's float32 and our float64.
		if float32(a.Float()) != float32(b.Float()) {
			*d = append(*d, fmt.Sprintf("%s: sdk %v, ours %v", path, a.Float(), b.Float()))
		}
		return
	}
	if a.Kind() != b.Kind() {
		*d = append(*d, fmt.Sprintf("%s: kinds differ: sdk %s, ours %s", path, a.Type(), b.Type()))
		return
	}
	if member, ok := unionMember(a.Type(), b.Type()); ok {
		// An SDK union member (types.XMemberY{Value}) against our union
		// struct, whose field Y holds the value and the others are unset.
		for i := 0; i < b.NumField(); i++ {
			sf := b.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			if strings.EqualFold(sf.Name, member) {
				diff(a.Field(0), b.Field(i), path+"."+sf.Name, d)
			} else if !b.Field(i).IsZero() {
				*d = append(*d, fmt.Sprintf("%s.%s: set besides the union's member %s", path, sf.Name, member))
			}
		}
		return
	}
	switch a.Kind() {
	case reflect.Struct:
		seen := map[string]bool{}
		for i := 0; i < a.NumField(); i++ {
			sf := a.Type().Field(i)
			if !sf.IsExported() || sf.Name == "ResultMetadata" {
				continue
			}
			bf := fieldByName(b, sf.Name)
			if !bf.IsValid() {
				*d = append(*d, fmt.Sprintf("%s.%s: %s %s", path, sf.Name, OnlyIn, a.Type()))
				continue
			}
			seen[strings.ToLower(sf.Name)] = true
			diff(a.Field(i), bf, path+"."+sf.Name, d)
		}
		for i := 0; i < b.NumField(); i++ {
			if sf := b.Type().Field(i); sf.IsExported() && !seen[strings.ToLower(sf.Name)] {
				*d = append(*d, fmt.Sprintf("%s.%s: %s %s", path, sf.Name, OnlyIn, b.Type()))
			}
		}
	case reflect.String:
		if a.String() != b.String() {
			*d = append(*d, fmt.Sprintf("%s: sdk %q, ours %q", path, a.String(), b.String()))
		}
	case reflect.Int32, reflect.Int64, reflect.Int:
		if a.Int() != b.Int() {
			*d = append(*d, fmt.Sprintf("%s: sdk %d, ours %d", path, a.Int(), b.Int()))
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			*d = append(*d, fmt.Sprintf("%s: sdk %v, ours %v", path, a.Bool(), b.Bool()))
		}
	case reflect.Float32, reflect.Float64:
		if a.Float() != b.Float() {
			*d = append(*d, fmt.Sprintf("%s: sdk %v, ours %v", path, a.Float(), b.Float()))
		}
	case reflect.Slice:
		if a.Type().Elem().Kind() == reflect.Uint8 {
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				*d = append(*d, fmt.Sprintf("%s: sdk %q, ours %q", path, a.Bytes(), b.Bytes()))
			}
			return
		}
		if a.Len() != b.Len() {
			*d = append(*d, fmt.Sprintf("%s: sdk has %d elements, ours %d", path, a.Len(), b.Len()))
			return
		}
		for i := 0; i < a.Len(); i++ {
			diff(a.Index(i), b.Index(i), path+"["+strconv.Itoa(i)+"]", d)
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			*d = append(*d, fmt.Sprintf("%s: sdk has %d entries, ours %d", path, a.Len(), b.Len()))
			return
		}
		bk := map[string]reflect.Value{}
		for _, k := range b.MapKeys() {
			bk[fmt.Sprint(k.Interface())] = k
		}
		for _, k := range a.MapKeys() {
			ks := fmt.Sprint(k.Interface())
			ok, found := bk[ks]
			if !found {
				*d = append(*d, fmt.Sprintf("%s[%s]: not in ours", path, ks))
				continue
			}
			diff(a.MapIndex(k), b.MapIndex(ok), path+"["+ks+"]", d)
		}
	default:
		*d = append(*d, fmt.Sprintf("%s: cannot compare %s", path, a.Type()))
	}
}

// unionMember reports whether t is the SDK's member type of our union u,
// a struct named UMemberY with the one field Value, and returns Y.
func unionMember(t, u reflect.Type) (string, bool) {
	if t.Kind() != reflect.Struct || u.Kind() != reflect.Struct || t.NumField() < 1 || t.Field(0).Name != "Value" {
		return "", false
	}
	prefix := u.Name() + "Member"
	if !strings.HasPrefix(t.Name(), prefix) || len(t.Name()) == len(prefix) {
		return "", false
	}
	for j := 1; j < t.NumField(); j++ {
		if t.Field(j).IsExported() {
			return "", false
		}
	}
	return t.Name()[len(prefix):], true
}

// fieldByName finds a field by exact name, else case-insensitively.
func fieldByName(v reflect.Value, name string) reflect.Value {
	if f := v.FieldByName(name); f.IsValid() {
		return f
	}
	return v.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
}

// Service describes a generated package and its SDK client for
// [RoundTripAll].
type Service struct {
	// Protocol is the package's protocol; the zero value means awsQuery.
	Protocol awsproto.Protocol
	// Route (restJson1) returns the name of the operation that serves a
	// method and escaped path, and its labels: the package's LookupRoute.
	Route func(method, escapedPath string) (op string, labels []string, ok bool)
	// Unions lists the SDK's union member types (see [Filler.Unions]).
	Unions []any
	// TargetPrefix (awsJson), when set, is the X-Amz-Target prefix the
	// SDK must send.
	TargetPrefix string
	// Handlers is a pointer to the package's Handlers struct; its fields
	// give the operations and their input and output types.
	Handlers any
	// NewClient returns the SDK client for the service at endpoint.
	NewClient func(endpoint string) any
	// Namespace is the service's XML namespace, for error responses.
	Namespace string
	// Text is added to every filled string, to exercise escaping.
	Text string
}

// recorder is a test server that decodes every call with the generated
// decoders and answers with a filled output, keeping both by operation.
type recorder struct {
	srv     *httptest.Server
	mu      sync.Mutex
	decoded map[string]reflect.Value
	sent    map[string]reflect.Value
}

func (rec *recorder) get(op string) (in, out reflect.Value) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.decoded[op], rec.sent[op]
}

func newRecorder(t *testing.T, s Service) *recorder {
	ht := reflect.TypeOf(s.Handlers).Elem()
	rec := &recorder{decoded: map[string]reflect.Value{}, sent: map[string]reflect.Value{}}
	var mu = &rec.mu
	decoded, sent := rec.decoded, rec.sent
	record := func(op string, in, out reflect.Value) {
		mu.Lock()
		decoded[op], sent[op] = in, out
		mu.Unlock()
	}
	newOutput := func(sf reflect.StructField) reflect.Value {
		out := reflect.New(sf.Type.Out(0).Elem())
		(&Filler{Text: s.Text}).Fill(out.Interface())
		return out
	}
	// decodeErr checks the error of a decoder: filled values break the
	// model's constraints, so validation errors are expected; only the
	// decoding matters here.
	decodeErr := func(op string, res []reflect.Value) {
		err, _ := res[0].Interface().(error)
		var ae *awsproto.Error
		if err != nil && (!errors.As(err, &ae) || ae.Code == awsproto.CodeSerializationException) {
			t.Errorf("%s: decoding what the SDK sent: %v", op, err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		meta := awsproto.ResponseMeta{RequestID: "req-1", XMLNamespace: s.Namespace}
		switch s.Protocol {
		case awsproto.JSON11, awsproto.RestJSON1:
			body, err := io.ReadAll(r.Body)
			if err != nil {
				_ = awsproto.WriteError(w, s.Protocol, awsproto.AsError(err), meta)
				return
			}
			var op string
			var labels []string
			ok := false
			if s.Protocol == awsproto.JSON11 {
				var prefix string
				prefix, op, ok = awsproto.SplitTarget(r.Header.Get(awsproto.HeaderTarget))
				if s.TargetPrefix != "" && prefix != s.TargetPrefix {
					t.Errorf("%s: the SDK sent the target prefix %s, want %s", op, prefix, s.TargetPrefix)
				}
			} else {
				op, labels, ok = s.Route(r.Method, r.URL.EscapedPath())
			}
			sf, found := ht.FieldByName(op)
			if !ok || !found {
				_ = awsproto.WriteError(w, s.Protocol, awsproto.UnknownOperation("no operation for %s %s", r.Method, r.URL), meta)
				return
			}
			in := reflect.New(sf.Type.In(1).Elem())
			if s.Protocol == awsproto.JSON11 {
				decodeErr(op, in.MethodByName("DecodeJSON").Call([]reflect.Value{reflect.ValueOf(body)}))
			} else {
				req := &awsproto.RESTRequest{Labels: labels, Query: r.URL.Query(), Header: r.Header, Body: body}
				decodeErr(op, in.MethodByName("DecodeRESTJSON").Call([]reflect.Value{reflect.ValueOf(req)}))
			}
			out := newOutput(sf)
			record(op, in, out)
			if s.Protocol == awsproto.JSON11 {
				_ = awsproto.WriteJSONResponse(w, out.Interface().(awsproto.JSONResponse), "req-1")
			} else {
				_ = awsproto.WriteRESTJSONResponse(w, out.Interface().(awsproto.RESTJSONResponse), "req-1")
			}
			return
		}
		v, err := awsproto.ReadQuery(r, 1<<20)
		if err != nil {
			_ = awsproto.WriteError(w, awsproto.Query, awsproto.AsError(err), meta)
			return
		}
		action := v.Get("Action")
		sf, ok := ht.FieldByName(action)
		if !ok {
			_ = awsproto.WriteError(w, awsproto.Query, awsproto.InvalidAction(action, v.Get("Version")), meta)
			return
		}
		in := reflect.New(sf.Type.In(1).Elem())
		// Filled values break the model's constraints; only the decoding
		// matters here.
		in.MethodByName("DecodeQuery").Call([]reflect.Value{reflect.ValueOf(v)})
		out := newOutput(sf)
		record(action, in, out)
		_ = awsproto.WriteQueryResponse(w, out.Interface().(awsproto.QueryResponse), "req-1")
	}))
	rec.srv = srv
	return rec
}

// RoundTripAll calls every operation of s through the SDK client with a
// filled input and checks that the generated DecodeQuery reads what the SDK
// sent; the server answers with a filled generated output and the test
// checks that the SDK reads what EncodeQueryXML wrote. Operations that the
// SDK client does not have are logged and skipped.
func RoundTripAll(t *testing.T, s Service) {
	t.Helper()
	ht := reflect.TypeOf(s.Handlers).Elem()
	rec := newRecorder(t, s)
	srv := rec.srv
	defer srv.Close()
	client := reflect.ValueOf(s.NewClient(srv.URL))
	ctx := reflect.ValueOf(context.Background())
	for i := 0; i < ht.NumField(); i++ {
		op := ht.Field(i).Name
		m := client.MethodByName(op)
		if !m.IsValid() {
			t.Logf("%s: the SDK client has no such operation; skipped", op)
			continue
		}
		in := reflect.New(m.Type().In(1).Elem())
		(&Filler{Text: s.Text, Unions: s.Unions}).Fill(in.Interface())
		res := m.Call([]reflect.Value{ctx, in})
		if err, _ := res[1].Interface().(error); err != nil {
			t.Errorf("%s: %v", op, err)
			continue
		}
		dec, out := rec.get(op)
		if !dec.IsValid() {
			t.Errorf("%s: the server did not see the call", op)
			continue
		}
		report := func(what string, lines []string) {
			for _, line := range lines {
				if strings.Contains(line, OnlyIn) {
					t.Logf("%s %s%s", op, what, line)
				} else {
					t.Errorf("%s %s%s", op, what, line)
				}
			}
		}
		report("input", Diff(in.Interface(), dec.Interface()))
		report("output", Diff(res[0].Interface(), out.Interface()))
	}
}

// TestRequestID is the request id of the responses of the test handlers.
const TestRequestID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"

// JSONHandler answers awsJson requests with serve (a generated
// Handlers.Serve) the way the server does: read the body, route by
// X-Amz-Target, encode the output or the error.
func JSONHandler(serve func(ctx context.Context, target string, body []byte) (awsproto.JSONResponse, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		meta := awsproto.ResponseMeta{RequestID: TestRequestID}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			_ = awsproto.WriteError(w, awsproto.JSON11, awsproto.AsError(err), meta)
			return
		}
		resp, err := serve(r.Context(), r.Header.Get(awsproto.HeaderTarget), body)
		if err != nil {
			_ = awsproto.WriteError(w, awsproto.JSON11, awsproto.AsError(err), meta)
			return
		}
		_ = awsproto.WriteJSONResponse(w, resp, TestRequestID)
	})
}

// RESTJSONHandler answers restJson1 requests with serve (a generated
// Handlers.Serve) the way the server does.
func RESTJSONHandler(serve func(ctx context.Context, r *http.Request, body []byte) (awsproto.RESTJSONResponse, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		meta := awsproto.ResponseMeta{RequestID: TestRequestID}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			_ = awsproto.WriteError(w, awsproto.RestJSON1, awsproto.AsError(err), meta)
			return
		}
		resp, err := serve(r.Context(), r, body)
		if err != nil {
			_ = awsproto.WriteError(w, awsproto.RestJSON1, awsproto.AsError(err), meta)
			return
		}
		_ = awsproto.WriteRESTJSONResponse(w, resp, TestRequestID)
	})
}

// StubHandlers sets every nil function of *handlers (a generated Handlers
// struct) to one that returns an empty output, for fuzzing Serve.
func StubHandlers(handlers any) {
	hv := reflect.ValueOf(handlers).Elem()
	for i := 0; i < hv.NumField(); i++ {
		ft := hv.Field(i).Type()
		if !hv.Field(i).IsNil() {
			continue
		}
		hv.Field(i).Set(reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value {
			return []reflect.Value{reflect.New(ft.Out(0).Elem()), reflect.Zero(ft.Out(1))}
		}))
	}
}
