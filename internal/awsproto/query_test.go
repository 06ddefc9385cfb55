package awsproto_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

// Query requests come as a form POST (what botocore and the SDKs send) or as
// a GET with a query string, which AWS query APIs also accept
// (https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf, "Making
// Query Requests").
func TestReadQuery(t *testing.T) {
	post := httptest.NewRequest("POST", "/?X-Amz-Date=20260101T000000Z", strings.NewReader("Action=GetUser&Version=2010-05-08&UserName=Bob%2B1"))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	v, err := awsproto.ReadQuery(post, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if v.Get("UserName") != "Bob+1" || v.Get("X-Amz-Date") != "20260101T000000Z" {
		t.Errorf("POST params %v", v)
	}
	action, version, err := awsproto.QueryAction(v)
	if action != "GetUser" || version != "2010-05-08" || err != nil {
		t.Errorf("QueryAction = %q %q %v", action, version, err)
	}

	get := httptest.NewRequest("GET", "/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	v, err = awsproto.ReadQuery(get, 1024)
	if err != nil || v.Get("Action") != "GetCallerIdentity" {
		t.Errorf("GET params %v %v", v, err)
	}

	big := httptest.NewRequest("POST", "/", strings.NewReader("Action=GetUser&UserName="+strings.Repeat("a", 100)))
	big.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err = awsproto.ReadQuery(big, 64)
	var ae *awsproto.Error
	if !errors.As(err, &ae) || ae.Code != "RequestEntityTooLarge" || ae.Status != 413 {
		t.Errorf("oversized body: %v", err)
	}

	jsonBody := httptest.NewRequest("POST", "/?Action=GetUser", strings.NewReader(`{"Action":"x"}`))
	jsonBody.Header.Set("Content-Type", "application/json")
	v, err = awsproto.ReadQuery(jsonBody, 1024)
	if err != nil || v.Get("Action") != "GetUser" || len(v) != 1 {
		t.Errorf("a non-form body is not read as parameters: %v %v", v, err)
	}

	bad := httptest.NewRequest("POST", "/", strings.NewReader("Action=%zz"))
	_, err = awsproto.ReadQuery(bad, 1024)
	if !errors.As(err, &ae) || ae.Code != "MalformedQueryString" || ae.Status != 404 {
		t.Errorf("bad escape: %v", err)
	}
}

func TestQueryActionMissing(t *testing.T) {
	for _, v := range []url.Values{{}, {"Action": {""}}, {"Version": {"2010-05-08"}}} {
		_, _, err := awsproto.QueryAction(v)
		var ae *awsproto.Error
		if !errors.As(err, &ae) || ae.Code != "MissingAction" || ae.Status != 400 {
			t.Errorf("QueryAction(%v) = %v", v, err)
		}
	}
}

func elements(t *testing.T, query, prefix string) []awsproto.Element {
	t.Helper()
	v, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	return awsproto.NewParams(v).Elements(prefix)
}

// botocore serializes lists as Name.member.N with 1-based N
// (botocore/serialize.py, QuerySerializer._serialize_type_list).
func TestElements(t *testing.T) {
	tests := []struct {
		name, query, prefix string
		want                []awsproto.Element
	}{
		{"in numeric order", "T.member.10.Key=j&T.member.2.Key=b&T.member.1.Key=a&T.member.1.Value=x",
			"T.member", []awsproto.Element{{1, "T.member.1"}, {2, "T.member.2"}, {10, "T.member.10"}}},
		{"scalars", "K.member.2=b&K.member.1=a", "K.member", []awsproto.Element{{1, "K.member.1"}, {2, "K.member.2"}}},
		{"huge sparse index is one element", "T.member.999999999.Key=x", "T.member",
			[]awsproto.Element{{999999999, "T.member.999999999"}}},
		{"non-canonical indexes are ignored", "T.member.0=a&T.member.01=b&T.member.%2B1=c&T.member.x=d&T.member.1000000000=e&T.member.=f",
			"T.member", nil},
		{"a name that sorts between an element's keys", "T.member.1=a&T.member.1!x=b&T.member.1.y=c", "T.member",
			[]awsproto.Element{{1, "T.member.1"}}},
		{"other lists are not elements", "Tags.member.1.Key=a&TagsX.member.1=b&T=c", "Tags.member",
			[]awsproto.Element{{1, "Tags.member.1"}}},
		{"nested", "C.member.1.V.member.2=a&C.member.1.V.member.1=b&C.member.2.V.member.1=c", "C.member.1.V.member",
			[]awsproto.Element{{1, "C.member.1.V.member.1"}, {2, "C.member.1.V.member.2"}}},
		{"none", "Action=GetUser", "T.member", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := elements(t, tt.query, tt.prefix)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Elements(%q) = %v, want %v", tt.prefix, got, tt.want)
			}
		})
	}
}

func TestParamsLookups(t *testing.T) {
	v, _ := url.ParseQuery("A=1&A=2&S.X=x&Empty=&L.member.1=a")
	p := awsproto.NewParams(v)
	if s, ok := p.Get("A"); !ok || s != "1" {
		t.Errorf("Get(A) = %q %v", s, ok)
	}
	if s, ok := p.Get("Empty"); !ok || s != "" {
		t.Errorf("Get(Empty) = %q %v", s, ok)
	}
	if _, ok := p.Get("Nope"); ok || p.Has("Nope") || !p.Has("Empty") {
		t.Error("presence")
	}
	if !p.HasPrefix("S") || p.HasPrefix("A") || p.HasPrefix("X") || !p.HasPrefix("L.member") {
		t.Error("HasPrefix")
	}
	if awsproto.Key("", "A") != "A" || awsproto.Key("P.member.1", "A") != "P.member.1.A" {
		t.Error("Key")
	}
}

func TestScalarParsers(t *testing.T) {
	if v, ok := awsproto.ParseBool("TRUE"); !v || !ok {
		t.Error("ParseBool(TRUE)")
	}
	if _, ok := awsproto.ParseBool("1"); ok {
		t.Error("ParseBool(1)")
	}
	if v, ok := awsproto.ParseInt32("-2147483648"); v != -2147483648 || !ok {
		t.Error("ParseInt32 min")
	}
	if _, ok := awsproto.ParseInt32("2147483648"); ok {
		t.Error("ParseInt32 overflow")
	}
	if v, ok := awsproto.ParseInt64("9223372036854775807"); v != 1<<63-1 || !ok {
		t.Error("ParseInt64")
	}
	if v, ok := awsproto.ParseFloat64("-Infinity"); !ok || v > 0 {
		t.Error("ParseFloat64(-Infinity)")
	}
	for _, s := range []string{"2026-11-23T17:02:18Z", "2026-11-23T17:02:18.123Z", "2026-11-23T18:02:18.123456+01:00"} {
		ts, ok := awsproto.ParseTimestamp(s)
		if !ok || ts.UTC().Truncate(time.Second) != time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC) {
			t.Errorf("ParseTimestamp(%q) = %v %v", s, ts, ok)
		}
	}
	if _, ok := awsproto.ParseTimestamp("1700000000"); ok {
		t.Error("ParseTimestamp accepted epoch seconds")
	}
	if b, ok := awsproto.ParseBlob("aGk="); string(b) != "hi" || !ok {
		t.Error("ParseBlob")
	}
	if _, ok := awsproto.ParseBlob("a!"); ok {
		t.Error("ParseBlob(bad)")
	}
}

// The message format IAM and STS use, e.g. "1 validation error detected:
// Value 'x' at 'userName' failed to satisfy constraint: Member must have
// length less than or equal to 64".
func TestValidationMessage(t *testing.T) {
	var vs awsproto.Validation
	if vs.Err() != nil || vs.Message() != "" {
		t.Error("empty validation has an error")
	}
	vs.Null("", "userName")
	want := "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
	if vs.Message() != want {
		t.Errorf("got %q", vs.Message())
	}
	vs.Fail(awsproto.Path("tags", awsproto.ElementName(6)), "value", "a,b", awsproto.PatternConstraint(`[\p{L}]*`))
	vs.FailHidden("", "password", awsproto.MinLength(1))
	want = "3 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member must not be null; " +
		`Value 'a,b' at 'tags.6.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}]*; ` +
		"Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1"
	if vs.Message() != want {
		t.Errorf("got  %q\nwant %q", vs.Message(), want)
	}
	var ae *awsproto.Error
	if err := vs.Err(); !errors.As(err, &ae) || ae.Code != "ValidationError" || ae.Status != 400 {
		t.Errorf("Err() = %v", err)
	}
	if awsproto.ElementName(70) != "70.member" || awsproto.ElementName(1) != "1.member" {
		t.Error("ElementName")
	}
	if got := awsproto.EnumConstraint([]string{"Active", "Inactive"}); got != "Member must satisfy enum value set: [Active, Inactive]" {
		t.Errorf("EnumConstraint = %q", got)
	}
}

func TestValidationBound(t *testing.T) {
	var vs awsproto.Validation
	for i := 0; i < 1000; i++ {
		vs.Null("", "m"+strconv.Itoa(i))
	}
	if vs.Len() != 1000 || !strings.HasPrefix(vs.Message(), "1000 validation errors detected: ") || strings.Count(vs.Message(), "; ") != 99 {
		t.Errorf("len %d, message of %d violations", vs.Len(), strings.Count(vs.Message(), "; ")+1)
	}
}

type fakeResponse struct{}

func (fakeResponse) EncodeQueryXML(w *awsproto.XMLWriter, requestID string) {
	w.StartNS("PingResponse", "urn:x")
	w.WriteResponseMetadata(requestID)
	w.End("PingResponse")
}

func TestWriteQueryResponse(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := awsproto.WriteQueryResponse(rec, fakeResponse{}, reqID); err != nil {
		t.Fatal(err)
	}
	want := `<PingResponse xmlns="urn:x"><ResponseMetadata><RequestId>` + reqID + `</RequestId></ResponseMetadata></PingResponse>`
	if rec.Code != http.StatusOK || rec.Body.String() != want || rec.Header().Get("X-Amzn-RequestId") != reqID ||
		rec.Header().Get("Content-Type") != "text/xml" || rec.Header().Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Errorf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

// FuzzDecodeQuery parses arbitrary request bodies and walks their lists the
// way generated decoders do: no panic, elements in increasing order, each
// backed by a parameter, and work bounded by the number of parameters.
func FuzzDecodeQuery(f *testing.F) {
	for _, s := range []string{
		"Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Tags.member.999999999.Key=x&Tags.member.1.Key=y",
		"Tags=&Tags.member.0=a&Tags.member.01=b",
		"C.member.1.V.member.2=a&C.member.1.V.member.1=b&C.member.1!=c",
		"M.entry.1.key=a&M.entry.1.value=b",
		"a=%zz",
		"a;b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := awsproto.ParseQuery("", []byte(body))
		if err != nil {
			return
		}
		p := awsproto.NewParams(v)
		visited := 0
		var walk func(prefix string, depth int)
		walk = func(prefix string, depth int) {
			if depth > 4 {
				return
			}
			lists := []string{"Tags.member", "M.entry"}
			if prefix != "" {
				lists = []string{prefix + ".member", prefix + ".entry"}
			}
			for _, lp := range lists {
				last := 0
				for _, e := range p.Elements(lp) {
					visited++
					if e.Index <= last || e.Key != lp+"."+strconv.Itoa(e.Index) {
						t.Fatalf("bad element %+v after index %d", e, last)
					}
					last = e.Index
					if !p.Has(e.Key) && !p.HasPrefix(e.Key) {
						t.Fatalf("element %+v has no parameter", e)
					}
					walk(e.Key, depth+1)
					walk(e.Key+".V", depth+1)
				}
			}
		}
		walk("", 0)
		if visited > 10*len(v)+10 {
			t.Fatalf("visited %d elements for %d parameters", visited, len(v))
		}
	})
}
