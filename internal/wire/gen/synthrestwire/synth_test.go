package synthrestwire_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/gen/synthrestwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

var (
	when = time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC)
	info = &synthrestwire.Info{
		Size: awsproto.Ptr[int64](1 << 40), Ratio: awsproto.Ptr(0.25), Doc: json.RawMessage(`{"a":[1,"b",null]}`),
		Raw: []byte{0, 0xff}, Stamp: &when, Iso: &when,
	}
)

func handlers(got *synthrestwire.PutObjectInput) *synthrestwire.Handlers {
	return &synthrestwire.Handlers{
		PutObject: func(_ context.Context, in *synthrestwire.PutObjectInput) (*synthrestwire.PutObjectOutput, error) {
			*got = *in
			return &synthrestwire.PutObjectOutput{ETag: awsproto.Ptr(`"abc"`), Status: awsproto.Ptr[int32](201), Modified: &when, Info: info}, nil
		},
		GetThing: func(_ context.Context, in *synthrestwire.GetThingInput) (*synthrestwire.GetThingOutput, error) {
			if in.Id == "missing" {
				return nil, synthrestwire.ErrNotFound("No thing %s", in.Id).With("Resource", in.Id)
			}
			return &synthrestwire.GetThingOutput{Name: in.Id, Doc: json.RawMessage(`true`),
				Choice: &synthrestwire.Choice{Words: []string{"a", "b"}}, Values: map[string][]int32{"abc": {1, 2}}, Info: info}, nil
		},
		DeleteThing: func(context.Context, *synthrestwire.DeleteThingInput) (*synthrestwire.DeleteThingOutput, error) {
			return nil, nil
		},
		PostText: func(_ context.Context, in *synthrestwire.PostTextInput) (*synthrestwire.PostTextOutput, error) {
			return &synthrestwire.PostTextOutput{Text: awsproto.Ptr(strings.ToUpper(in.Text))}, nil
		},
	}
}

// The HTTP bindings of Smithy's restJson1
// (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html and
// https://smithy.io/2.0/spec/http-bindings.html): greedy labels, query
// lists, headers (lists, booleans, HTTP-date timestamps), blob and
// structure payloads, string payloads, statusCode, 204 without a body.
func TestBindings(t *testing.T) {
	var got synthrestwire.PutObjectInput
	srv := httptest.NewServer(wiretest.RESTJSONHandler(handlers(&got).Serve))
	defer srv.Close()
	req, _ := http.NewRequest("PUT", srv.URL+"/buckets/my-bkt/objects/a/b%2Fc%20d.txt?tag=x&tag=y%26z&limit=7&since=2026-11-23T17:02:18Z", bytes.NewReader([]byte{1, 2, 3}))
	req.Header.Set("X-Flag", "true")
	req.Header.Add("X-Ids", `a, "b,c"`)
	req.Header.Add("X-Ids", "d")
	req.Header.Set("X-When", "Mon, 23 Nov 2026 17:02:18 GMT")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	want := synthrestwire.PutObjectInput{Bucket: "my-bkt", Key: "a/b/c d.txt", Tags: []string{"x", "y&z"}, Limit: awsproto.Ptr[int32](7),
		Since: &when, Flag: awsproto.Ptr(true), Ids: []string{"a", "b,c", "d"}, When: &when, Body: []byte{1, 2, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n got %+v\nwant %+v", got, want)
	}
	if resp.StatusCode != 201 || resp.Header.Get("ETag") != `"abc"` || resp.Header.Get("Last-Modified") != "Mon, 23 Nov 2026 17:02:18 GMT" ||
		body["Size"] != float64(1<<40) || body["Raw"] != "AP8=" || body["Stamp"] != "Mon, 23 Nov 2026 17:02:18 GMT" || body["Iso"] != "2026-11-23T17:02:18Z" {
		t.Errorf("PutObject answered %d %v %v", resp.StatusCode, resp.Header, body)
	}

	for _, tt := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/things/t1", "", 200, `{"Name":"t1","Doc":true,"Choice":{"Words":["a","b"]},"Values":{"abc":[1,2]},"Info":{"Size":1099511627776,"Ratio":0.25,"Doc":{"a":[1,"b",null]},"Raw":"AP8=","Stamp":"Mon, 23 Nov 2026 17:02:18 GMT","Iso":"2026-11-23T17:02:18Z"}}`},
		{"GET", "/things/missing", "", 404, `{"Message":"No thing missing","Resource":"missing"}`},
		{"DELETE", "/things/t1", "", 204, ``},
		{"POST", "/text", "hello", 200, `HELLO`},
		{"POST", "/text", "", 400, `{"message":"1 validation error detected: Value null at 'text' failed to satisfy constraint: Member must not be null"}`},
		{"PUT", "/buckets/B/objects/k?limit=0&tag=1&tag=2&tag=3&tag=4", "", 400, `{"message":"4 validation errors detected: Value 'B' at 'bucket' failed to satisfy constraint: Member must have length greater than or equal to 3; Value 'B' at 'bucket' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9-]+; Value '[1, 2, 3, 4]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 3; Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"}`},
		{"PUT", "/buckets/bkt/objects/k?limit=x", "", 400, `{"message":"Cannot read the query parameter 'limit': expected an integer"}`},
		{"PUT", "/buckets/bkt/objects/", "", 404, ``},
	} {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		if tt.path == "/buckets/bkt/objects/k?limit=x" {
			req.Header.Set("X-Flag", "yes")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || (tt.want != "" && b.String() != tt.want) {
			t.Errorf("%s %s: %d %s\nwant %d %s", tt.method, tt.path, resp.StatusCode, b.String(), tt.status, tt.want)
		}
	}
}

// botocoreScript serializes requests with botocore's rest-json serializer
// for the synthetic model and parses responses with its parser, so that
// the bindings are checked against the real client's rules.
const botocoreScript = `
import base64, datetime, json, sys
from botocore.model import ServiceModel
from botocore.serialize import create_serializer
from botocore.parsers import create_parser
from botocore.awsrequest import HeadersDict

model = ServiceModel(json.load(open(sys.argv[1])))
mode = sys.argv[2]
def enc(v):
    if isinstance(v, datetime.datetime): return v.isoformat()
    if isinstance(v, (bytes, bytearray)): return base64.b64encode(v).decode()
    raise TypeError(type(v))
if mode == "serialize":
    op = model.operation_model("PutObject")
    when = datetime.datetime(2026, 11, 23, 17, 2, 18, tzinfo=datetime.timezone.utc)
    r = create_serializer("rest-json").serialize_to_request({"Bucket": "my-bkt", "Key": "a/b/c d.txt", "Tags": ["x", "y&z"], "Limit": 7,
        "Since": when, "Flag": True, "Ids": ["a", "b,c"], "When": when, "Body": b"\x01\x02"}, op)
    print(json.dumps({"method": r["method"], "path": r["url_path"], "query": r["query_string"], "headers": dict(r["headers"]),
                      "body": base64.b64encode(r["body"]).decode()}))
else:
    resp = json.load(sys.stdin)
    op = model.operation_model(resp["op"])
    parsed = create_parser("rest-json").parse({"status_code": resp["status"], "headers": HeadersDict(resp["headers"]),
                                                "body": base64.b64decode(resp["body"])}, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    print(json.dumps(parsed, default=enc))
`

// TestBotocoreAgrees: botocore's serializer and parser and the generated
// code agree on the synthetic model's bindings.
func TestBotocoreAgrees(t *testing.T) {
	py, ok := wiretest.HaveBoto3()
	if !ok {
		t.Skip("python3 with botocore is not installed")
	}
	run := func(stdin []byte, args ...string) []byte {
		cmd := exec.Command(py, append([]string{"-c", botocoreScript, "../testdata/synthrest-2020-01-01.json"}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE=/dev/null")
		out, err := cmd.Output()
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				t.Fatalf("%v\n%s", err, ee.Stderr)
			}
			t.Fatal(err)
		}
		return out
	}
	var req struct {
		Method, Path, Body string
		Query              map[string]any
		Headers            map[string]string
	}
	if err := json.Unmarshal(run(nil, "serialize"), &req); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(req.Method, req.Path, nil)
	q := r.URL.Query()
	for k, v := range req.Query {
		switch v := v.(type) {
		case string:
			q.Add(k, v)
		case float64:
			q.Add(k, strconv.FormatFloat(v, 'f', -1, 64))
		case []any:
			for _, e := range v {
				q.Add(k, e.(string))
			}
		}
	}
	r.URL.RawQuery = q.Encode()
	for k, v := range req.Headers {
		r.Header.Set(k, v)
	}
	body, _ := base64.StdEncoding.DecodeString(req.Body)
	var got synthrestwire.PutObjectInput
	h := handlers(&got)
	resp, err := h.Serve(context.Background(), r, body)
	if err != nil {
		t.Fatal(err)
	}
	want := synthrestwire.PutObjectInput{Bucket: "my-bkt", Key: "a/b/c d.txt", Tags: []string{"x", "y&z"}, Limit: awsproto.Ptr[int32](7),
		Since: &when, Flag: awsproto.Ptr(true), Ids: []string{"a", "b,c"}, When: &when, Body: []byte{1, 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded what botocore sent (%+v)\n got %+v\nwant %+v", req, got, want)
	}

	parse := func(op string, resp awsproto.RESTJSONResponse) map[string]any {
		var w awsproto.JSONWriter
		hdr := http.Header{}
		status := resp.EncodeRESTJSON(hdr, &w)
		flat := map[string]string{}
		for k := range hdr {
			flat[k] = hdr.Get(k)
		}
		in, _ := json.Marshal(map[string]any{"op": op, "status": status, "headers": flat, "body": base64.StdEncoding.EncodeToString(w.Bytes())})
		var parsed map[string]any
		if err := json.Unmarshal(run(in, "parse"), &parsed); err != nil {
			t.Fatal(err)
		}
		return parsed
	}
	p := parse("PutObject", resp)
	for _, d := range wiretest.DiffPython(p, &synthrestwire.PutObjectOutput{ETag: awsproto.Ptr(`"abc"`), Status: awsproto.Ptr[int32](201), Modified: &when, Info: info}) {
		t.Errorf("PutObject output%s", d)
	}
	out, err := h.GetThing(context.Background(), &synthrestwire.GetThingInput{Id: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range wiretest.DiffPython(parse("GetThing", out), out) {
		t.Errorf("GetThing output%s", d)
	}
	var ae *awsproto.Error
	if _, err := h.Serve(context.Background(), httptest.NewRequest("GET", "/nope", nil), nil); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("no route: %v", err)
	}
}
