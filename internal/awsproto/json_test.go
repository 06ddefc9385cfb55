package awsproto_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

// The writer's output is valid JSON that encoding/json reads back to the
// values written (RFC 8259; the AWS JSON protocols send NaN and the
// infinities as strings and blobs as base64,
// https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#shape-serialization).
func TestJSONWriter(t *testing.T) {
	var w awsproto.JSONWriter
	w.BeginObject()
	w.Key("s")
	w.String("a\"b\\c\n\r\t\x01\u2028é\xff")
	w.Key("n")
	w.Int(-42)
	w.Key("f")
	w.Float(1.5)
	w.Key("big")
	w.Float(1e21)
	w.Key("small")
	w.Float(1e-7)
	w.Key("nan")
	w.Float(math.NaN())
	w.Key("inf")
	w.Float(math.Inf(-1))
	w.Key("b")
	w.Bool(true)
	w.Key("blob")
	w.Blob([]byte{0, 0xff, 'x'})
	w.Key("t")
	w.EpochSeconds(time.Date(2026, 11, 23, 17, 2, 18, 250_000_000, time.UTC))
	w.Key("iso")
	w.DateTime(time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC))
	w.Key("http")
	w.HTTPDate(time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC))
	w.Key("list")
	w.BeginArray()
	w.Int(1)
	w.BeginObject()
	w.EndObject()
	w.BeginArray()
	w.EndArray()
	w.Null()
	w.EndArray()
	w.Key("doc")
	w.Document([]byte(`{"a":[1,2]}`))
	w.Key("baddoc")
	w.Document([]byte(`{"a":`))
	w.EndObject()
	out := w.Bytes()
	if !json.Valid(out) {
		t.Fatalf("invalid JSON: %s", out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"s": "a\"b\\c\n\r\t\x01\u2028é\uFFFD", "n": -42.0, "f": 1.5, "big": 1e21, "small": 1e-7,
		"nan": "NaN", "inf": "-Infinity", "b": true, "blob": "AP94", "t": 1795453338.25,
		"iso": "2026-11-23T17:02:18Z", "http": "Mon, 23 Nov 2026 17:02:18 GMT",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if !bytes.Contains(out, []byte(`"list":[1,{},[],null]`)) || !bytes.Contains(out, []byte(`"doc":{"a":[1,2]}`)) || !bytes.Contains(out, []byte(`"baddoc":null`)) {
		t.Errorf("structure: %s", out)
	}
	if !bytes.Contains(out, []byte(`\u2028`)) {
		t.Errorf("U+2028 not escaped: %s", out)
	}
}

// Epoch seconds keep milliseconds, as AWS's JSON services send them, and
// read back exactly (negative times included).
func TestEpochSeconds(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1795107738, 0), "1795107738"},
		{time.Unix(1795107738, 250_000_000), "1795107738.25"},
		{time.Unix(1795107738, 1_000_000), "1795107738.001"},
		{time.Unix(1795107738, 999_999), "1795107738"},
		{time.Unix(-1, 500_000_000), "-0.5"},
		{time.Unix(-2, 500_000_000), "-1.5"},
		{time.Unix(0, 0), "0"},
	}
	for _, tt := range tests {
		got := string(awsproto.AppendEpochSeconds(nil, tt.t))
		if got != tt.want {
			t.Errorf("%v: %s, want %s", tt.t, got, tt.want)
		}
		back, ok := awsproto.ParseEpochSeconds(got)
		if !ok || !back.Equal(tt.t.Truncate(time.Millisecond)) && tt.t.Nanosecond()%1e6 == 0 {
			t.Errorf("ParseEpochSeconds(%s) = %v, %v", got, back, ok)
		}
	}
	for s, want := range map[string]time.Time{
		"1.7951077382500E9":    time.Unix(1795107738, 250_000_000),
		"1795107738.123456789": time.Unix(1795107738, 123456789),
		"-1.25":                time.Unix(-2, 750_000_000),
	} {
		if got, ok := awsproto.ParseEpochSeconds(s); !ok || !got.Equal(want) {
			t.Errorf("ParseEpochSeconds(%s) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "1e400", "99999999999999999999", "NaN"} {
		if _, ok := awsproto.ParseEpochSeconds(s); ok {
			t.Errorf("ParseEpochSeconds(%q) accepted", s)
		}
	}
}

// sample is a hand-written decoder in the form the generator writes.
type sample struct {
	Name  *string
	Count int32
	Tags  map[string]string
	List  []float64
	When  time.Time
	Data  []byte
	Doc   []byte
	Inner *sample
}

func (s *sample) decode(d *awsproto.JSONDecoder) {
	for k := range d.Members() {
		switch string(k) {
		case "Name":
			if d.Null() {
				continue
			}
			v := d.String()
			s.Name = &v
		case "Count":
			if d.Null() {
				continue
			}
			s.Count = d.Int32()
		case "Tags":
			s.Tags = map[string]string{}
			for k := range d.Members() {
				key := string(k)
				s.Tags[key] = d.String()
			}
		case "List":
			for range d.Elements() {
				s.List = append(s.List, d.Float64())
			}
		case "When":
			s.When = d.EpochSeconds()
		case "Data":
			s.Data = d.Blob()
		case "Doc":
			s.Doc = d.Raw()
		case "Inner":
			if d.Null() {
				continue
			}
			s.Inner = new(sample)
			s.Inner.decode(d)
		default:
			d.Skip()
		}
	}
}

func decodeSample(body string) (*sample, error) {
	d := awsproto.NewJSONDecoder([]byte(body))
	var s sample
	s.decode(d)
	return &s, d.Finish()
}

func TestJSONDecoder(t *testing.T) {
	s, err := decodeSample(` {"Name":"a\u00e9\ud83d\ude00\n\"", "Count": -7, "Tags": {"k\u0041":"v", "e":""},
		"List": [1.5, "NaN", "-Infinity", 2e3], "When": 1795107738.25, "Data": "AP94",
		"Doc": {"x": [true, null, {"y": "z"}]}, "Unknown": {"deep": [[[{}]]]}, "Inner": {"Count": 3, "Inner": null}} `)
	if err != nil {
		t.Fatal(err)
	}
	if *s.Name != "aé😀\n\"" || s.Count != -7 || s.Tags["kA"] != "v" || len(s.Tags) != 2 || len(s.List) != 4 ||
		s.List[0] != 1.5 || !math.IsNaN(s.List[1]) || !math.IsInf(s.List[2], -1) || s.List[3] != 2000 ||
		!s.When.Equal(time.Unix(1795107738, 250e6)) || string(s.Data) != "\x00\xffx" ||
		string(s.Doc) != `{"x": [true, null, {"y": "z"}]}` || s.Inner == nil || s.Inner.Count != 3 || s.Inner.Inner != nil {
		t.Errorf("decoded %+v", s)
	}
	// An empty body is an empty input.
	for _, body := range []string{"", "  \n", "{}", "null"} {
		if _, err := decodeSample(body); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

// Malformed JSON and values of the wrong type are SerializationException,
// as AWS's JSON services answer them; the message names the member.
func TestJSONDecoderErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"Name":1}`, "'Name': expected a string, found a number"},
		{`{"Count":"1"}`, "'Count': expected an integer, found a string"},
		{`{"Count":1.5}`, "'Count': expected an integer, found 1.5"},
		{`{"Count":2147483648}`, "out of range"},
		{`{"Tags":[]}`, "'Tags': expected an object, found an array"},
		{`{"Tags":{"a":1}}`, "'Tags.a': expected a string"},
		{`{"List":[1,"x"]}`, `'List[1]': expected a number, found the string "x"`},
		{`{"Inner":{"Inner":{"Count":true}}}`, "'Inner.Inner.Count': expected an integer, found a boolean"},
		{`{"Data":"!!"}`, "expected a base64-encoded string"},
		{`{"When":"2026-11-23T17:02:18Z"}`, "expected a timestamp"},
		{`[]`, "Cannot read the request body: expected an object, found an array"},
		{`{"Name":"a"`, "Malformed JSON"},
		{`{"Name":"a",}`, "Malformed JSON"},
		{`{"List":[1,]}`, "Malformed JSON"},
		{`{"Name":"a"} x`, "Malformed JSON"},
		{`{"Name":"a\x01"}`, "Malformed JSON"},
		{`{"Name":"\q"}`, "Malformed JSON"},
		{`{"Unknown":tru}`, "Malformed JSON"},
		{`{"Unknown":01}`, "Malformed JSON"},
		{`{"Unknown":-}`, "Malformed JSON"},
		{`{"Unknown":1.}`, "Malformed JSON"},
		{`{"Unknown":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, "nested too deeply"},
		{`{'a':1}`, "Malformed JSON"},
	}
	for _, tt := range tests {
		_, err := decodeSample(tt.body)
		var ae *awsproto.Error
		if !errors.As(err, &ae) || ae.Code != "SerializationException" || ae.Status != 400 || !strings.Contains(ae.Message, tt.want) {
			t.Errorf("%s: %v, want SerializationException with %q", tt.body, err, tt.want)
		}
	}
}

// FuzzJSONDecoder: the decoder never panics, accepts exactly the documents
// encoding/json accepts when it skips them, and reads strings as
// encoding/json does.
func FuzzJSONDecoder(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2.5e-3,"x\u00e9",true,false,null,{"b":{}}]}`, `{"Name":"\ud800"}`,
		`{"Name":"\xff\xfe"}`, `[1,2]`, `"x"`, `-0.0e+1`, `{"a" : 1 , "b":[ ] }`, `{"Inner":{"Tags":{"k":"v"}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := awsproto.NewJSONDecoder(data)
		d.Skip()
		err := d.Finish()
		valid := json.Valid(data) || len(bytes.Trim(data, " \t\r\n")) == 0
		if (err == nil) != valid {
			t.Fatalf("%q: decoder error %v, json.Valid %v", data, err, valid)
		}
		s, err := decodeSample(string(data))
		if err != nil {
			return
		}
		if s.Name != nil {
			var ref struct{ Name *string }
			if json.Unmarshal(data, &ref) == nil && ref.Name != nil && *ref.Name != *s.Name {
				t.Fatalf("%q: Name %q, encoding/json %q", data, *s.Name, *ref.Name)
			}
			if !utf8.ValidString(*s.Name) {
				t.Fatalf("%q: invalid UTF-8 %q", data, *s.Name)
			}
		}
		var w awsproto.JSONWriter
		if s.Name != nil {
			w.String(*s.Name)
			if !json.Valid(w.Bytes()) {
				t.Fatalf("writer: %q", w.Bytes())
			}
		}
	})
}

func TestWriteJSONResponse(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := awsproto.WriteJSONResponse(rec, jsonResp{}, "rid"); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-amz-json-1.1" || rec.Header().Get("X-Amzn-RequestId") != "rid" || rec.Body.String() != `{"a":1}` {
		t.Errorf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if p, op, ok := awsproto.SplitTarget("AWSOrganizationsV20161128.CreateAccount"); !ok || p != "AWSOrganizationsV20161128" || op != "CreateAccount" {
		t.Errorf("SplitTarget: %q %q %v", p, op, ok)
	}
	if _, _, ok := awsproto.SplitTarget("CreateAccount"); ok {
		t.Error("SplitTarget without a dot")
	}
}

type jsonResp struct{}

func (jsonResp) EncodeJSON(w *awsproto.JSONWriter) {
	w.BeginObject()
	w.Key("a")
	w.Int(1)
	w.EndObject()
}

func BenchmarkJSONWriter(b *testing.B) {
	w := awsproto.NewJSONWriter(make([]byte, 0, 1024))
	when := time.Unix(1795107738, 250e6)
	b.ReportAllocs()
	for b.Loop() {
		w.Reset()
		w.BeginObject()
		w.Key("Account")
		w.BeginObject()
		w.Key("Id")
		w.String("123456789012")
		w.Key("Arn")
		w.String("arn:aws:organizations::111111111111:account/o-exampleorgid/123456789012")
		w.Key("Email")
		w.String("mateo@example.com")
		w.Key("JoinedTimestamp")
		w.EpochSeconds(when)
		w.EndObject()
		w.EndObject()
	}
}
