package awsproto_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

var testRoutes = []awsproto.Operation{
	{Name: "ListCollaborations", Method: "GET", URI: "/collaborations"},
	{Name: "CreateCollaboration", Method: "POST", URI: "/collaborations"},
	{Name: "GetCollaboration", Method: "GET", URI: "/collaborations/{collaborationIdentifier}"},
	{Name: "ListSchemas", Method: "GET", URI: "/collaborations/{collaborationIdentifier}/schemas"},
	{Name: "GetSchema", Method: "GET", URI: "/collaborations/{collaborationIdentifier}/schemas/{name}"},
	{Name: "GetBatch", Method: "GET", URI: "/collaborations/batch"},
	{Name: "GetObject", Method: "GET", URI: "/objects/{bucket}/{key+}"},
	{Name: "ListTags", Method: "GET", URI: "/tags/{resourceArn}"},
	{Name: "Root", Method: "GET", URI: "/"},
	{Name: "NoURI"},
}

// Routing by Smithy's http trait
// (https://smithy.io/2.0/spec/http-bindings.html#http-trait): labels match
// one non-empty segment, greedy labels the rest, literals win, and labels
// are URL-decoded.
func TestRESTRouter(t *testing.T) {
	r, err := awsproto.NewRESTRouter(testRoutes)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		op           string
		labels       []string
	}{
		{"GET", "/collaborations", "ListCollaborations", nil},
		{"POST", "/collaborations", "CreateCollaboration", nil},
		{"GET", "/collaborations/abc", "GetCollaboration", []string{"abc"}},
		{"GET", "/collaborations/batch", "GetBatch", nil},
		{"GET", "/collaborations/a%20b%2Fc/schemas/t%C3%A9", "GetSchema", []string{"a b/c", "té"}},
		{"GET", "/collaborations/x/schemas", "ListSchemas", []string{"x"}},
		{"GET", "/objects/bkt/a/b/c%3F.txt", "GetObject", []string{"bkt", "a/b/c?.txt"}},
		{"GET", "/tags/arn%3Aaws%3Acleanrooms%3Aus-east-1%3A123456789012%3Acollaboration%2Fx", "ListTags",
			[]string{"arn:aws:cleanrooms:us-east-1:123456789012:collaboration/x"}},
		{"GET", "/", "Root", nil},
		{"DELETE", "/collaborations", "", nil},
		{"GET", "/collaborations/", "", nil},
		{"GET", "/collaborations//schemas", "", nil},
		{"GET", "/objects/bkt", "", nil},
		{"GET", "/objects/bkt/", "", nil},
		{"GET", "/collaborations/%zz", "", nil},
		{"GET", "collaborations", "", nil},
		{"GET", "/nothing/here", "", nil},
	}
	for _, tt := range tests {
		i, labels, ok := r.Match(tt.method, tt.path)
		got := ""
		if ok {
			got = testRoutes[i].Name
		}
		if got != tt.op || (ok && !reflect.DeepEqual(labels, tt.labels)) {
			t.Errorf("%s %s: %q %q, want %q %q", tt.method, tt.path, got, labels, tt.op, tt.labels)
		}
	}
	for _, bad := range [][]awsproto.Operation{
		{{Name: "A", Method: "GET", URI: "x"}},
		{{Name: "A", Method: "GET", URI: "/a/{b+}/c"}},
		{{Name: "A", Method: "GET", URI: "/a/x{b}"}},
		{{Name: "A", Method: "GET", URI: "/a/{b}"}, {Name: "B", Method: "GET", URI: "/a/{c}"}},
	} {
		if _, err := awsproto.NewRESTRouter(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// FuzzRESTRouter: any method and path either matches nothing or an
// operation whose template, filled with the labels returned, gives the
// same decoded path.
func FuzzRESTRouter(f *testing.F) {
	r := awsproto.MustRESTRouter(testRoutes)
	for _, p := range []string{"/collaborations/a%2Fb/schemas/x", "/objects/b/k/e/y", "/tags/%", "//", "/"} {
		f.Add("GET", p)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		i, labels, ok := r.Match(method, path)
		if !ok {
			return
		}
		op := testRoutes[i]
		if op.Method != method {
			t.Fatalf("%s %s matched %s", method, path, op.Name)
		}
		want, err := url.PathUnescape(path)
		if err != nil {
			t.Fatalf("%s: matched a malformed path", path)
		}
		// Fill the template's labels in order, scanning the template (not
		// the text filled so far: a label may itself hold "{").
		var filled strings.Builder
		rest := op.URI
		for _, l := range labels {
			if l == "" {
				t.Fatalf("%s: empty label", path)
			}
			a, b := strings.IndexByte(rest, '{'), strings.IndexByte(rest, '}')
			filled.WriteString(rest[:a])
			filled.WriteString(l)
			rest = rest[b+1:]
		}
		filled.WriteString(rest)
		got := filled.String()
		if got != want {
			t.Fatalf("%s: template filled %q, path %q", path, got, want)
		}
	})
}

func TestRESTRequestAndResponse(t *testing.T) {
	h := http.Header{}
	h.Add("X-List", `a, "b,c", "d\"e"`)
	h.Add("X-List", "f")
	h.Set("X-Date", "Mon, 23 Nov 2026 17:02:18 GMT")
	h.Add("X-Multi", "1")
	h.Add("X-Multi", "2")
	r := &awsproto.RESTRequest{Header: h, Query: url.Values{"a": {"1", "2"}, "e": {}}}
	if got := r.HeaderList("X-List"); !reflect.DeepEqual(got, []string{"a", "b,c", `d"e`, "f"}) {
		t.Errorf("HeaderList = %q", got)
	}
	if got := r.HeaderList("X-Date"); !reflect.DeepEqual(got, []string{"Mon, 23 Nov 2026 17:02:18 GMT"}) {
		t.Errorf("HeaderList(date) = %q", got)
	}
	if v, ok := r.HeaderValue("X-Multi"); !ok || v != "1, 2" {
		t.Errorf("HeaderValue = %q %v", v, ok)
	}
	if _, ok := r.HeaderValue("X-None"); ok || r.HeaderList("X-None") != nil {
		t.Error("absent header present")
	}
	if got := r.QueryValues("a"); !reflect.DeepEqual(got, []string{"1", "2"}) || r.QueryValues("e") != nil || r.QueryValues("z") != nil {
		t.Errorf("QueryValues = %q", got)
	}

	rec := httptest.NewRecorder()
	if err := awsproto.WriteRESTJSONResponse(rec, restResp{status: 201}, "rid"); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 201 || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("X-Thing") != "v" || rec.Body.String() != "{}" {
		t.Errorf("%d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	rec = httptest.NewRecorder()
	if err := awsproto.WriteRESTJSONResponse(rec, restResp{status: 204}, "rid"); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 204 || rec.Header().Get("Content-Type") != "" || rec.Body.Len() != 0 {
		t.Errorf("%d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	if e := awsproto.NoRoute("GET", "/x"); e.Status != 404 || e.Code != "UnknownOperationException" {
		t.Errorf("NoRoute = %+v", e)
	}
	if e := awsproto.BindingError("query parameter", "maxResults", "an integer"); e.Status != 400 || e.Code != "SerializationException" ||
		e.Message != "Cannot read the query parameter 'maxResults': expected an integer" {
		t.Errorf("BindingError = %+v", e)
	}
}

type restResp struct{ status int }

func (r restResp) EncodeRESTJSON(h http.Header, w *awsproto.JSONWriter) int {
	h.Set("X-Thing", "v")
	if r.status != 204 {
		w.BeginObject()
		w.EndObject()
	}
	return r.status
}

func TestUpperSnakeAndViolationMember(t *testing.T) {
	for in, want := range map[string]string{"accountName": "ACCOUNT_NAME", "resourceId": "RESOURCE_ID", "iamUserAccessToBilling": "IAM_USER_ACCESS_TO_BILLING", "x": "X", "s3Bucket": "S3_BUCKET"} {
		if got := awsproto.UpperSnake(in); got != want {
			t.Errorf("UpperSnake(%s) = %s, want %s", in, got, want)
		}
	}
	for _, tt := range []struct {
		v      awsproto.Violation
		name   string
		inList bool
	}{
		{awsproto.Violation{Name: "accountName"}, "accountName", false},
		{awsproto.Violation{Parent: "tags.2.member", Name: "key"}, "key", true},
		{awsproto.Violation{Parent: "tags", Name: "1.member"}, "tags", true},
	} {
		if name, inList := awsproto.ViolationMember(tt.v); name != tt.name || inList != tt.inList {
			t.Errorf("ViolationMember(%+v) = %s %v", tt.v, name, inList)
		}
	}
}
