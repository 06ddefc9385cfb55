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
	"fmt"
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
	n    int
}

// Fill sets every exported field reachable from ptr (a pointer) to a
// non-zero value: strings "s<n><Text>", numbers n, booleans true, enums a
// value from the type's Values method, lists and maps of two elements.
// Recursion stops at depth 8. Fields named ResultMetadata are left alone.
func (f *Filler) Fill(ptr any) {
	f.fill(reflect.ValueOf(ptr).Elem(), 0)
}

var timeType = reflect.TypeFor[time.Time]()

func (f *Filler) fill(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	f.n++
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
	if a.Kind() != b.Kind() {
		*d = append(*d, fmt.Sprintf("%s: kinds differ: sdk %s, ours %s", path, a.Type(), b.Type()))
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

// fieldByName finds a field by exact name, else case-insensitively.
func fieldByName(v reflect.Value, name string) reflect.Value {
	if f := v.FieldByName(name); f.IsValid() {
		return f
	}
	return v.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
}

// Service describes a generated awsQuery package and its SDK client for
// [RoundTripAll].
type Service struct {
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

// RoundTripAll calls every operation of s through the SDK client with a
// filled input and checks that the generated DecodeQuery reads what the SDK
// sent; the server answers with a filled generated output and the test
// checks that the SDK reads what EncodeQueryXML wrote. Operations that the
// SDK client does not have are logged and skipped.
func RoundTripAll(t *testing.T, s Service) {
	t.Helper()
	ht := reflect.TypeOf(s.Handlers).Elem()
	var mu sync.Mutex
	decoded := map[string]reflect.Value{}
	sent := map[string]reflect.Value{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		meta := awsproto.ResponseMeta{RequestID: "req-1", XMLNamespace: s.Namespace}
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
		out := reflect.New(sf.Type.Out(0).Elem())
		(&Filler{Text: s.Text}).Fill(out.Interface())
		mu.Lock()
		decoded[action], sent[action] = in, out
		mu.Unlock()
		_ = awsproto.WriteQueryResponse(w, out.Interface().(awsproto.QueryResponse), "req-1")
	}))
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
		(&Filler{Text: s.Text}).Fill(in.Interface())
		res := m.Call([]reflect.Value{ctx, in})
		if err, _ := res[1].Interface().(error); err != nil {
			t.Errorf("%s: %v", op, err)
			continue
		}
		mu.Lock()
		dec, out := decoded[op], sent[op]
		mu.Unlock()
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
