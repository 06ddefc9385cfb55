package synthwire_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os/exec"
	"reflect"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/gen/synthwire"
)

// params is what botocore's QuerySerializer makes of putParams (checked by
// TestBotocoreAgrees when python3 has botocore): maps as entry.N.key,
// flattened maps and lists without .entry/.member and under the member's
// locationName, list members under their locationName, empty lists as
// Name=.
var params = url.Values{
	"Action": {"Put"}, "Version": {"2020-01-01"},
	"Name": {"ab"}, "Count": {"3"}, "Ratio": {"0.25"}, "When": {"2026-11-23T17:02:18.250000Z"},
	"Data": {"aGk="}, "Flag": {"false"},
	"Attrs.entry.1.key": {"k1"}, "Attrs.entry.1.value": {"v"}, "Attrs.entry.2.key": {"k2"}, "Attrs.entry.2.value": {"w"},
	"FlatAttrs.1.Name": {"x"}, "FlatAttrs.1.Val": {"1"},
	"Item.1": {"i1"}, "Item.2": {"i2"},
	"Plain":    {""},
	"Other":    {"r"},
	"Inner.Id": {"id"}, "Inner.Tags.Value.1": {"t"},
	"Inners.member.1.Id": {"a"}, "Inners.member.2.Id": {"b"}, "Inners.member.2.Tags.Value.1": {"u"}, "Inners.member.2.Tags.Value.2": {"v"},
	"Nested.member.1.Value.1": {"n1"}, "Nested.member.2.Value.1": {"n2"}, "Nested.member.2.Value.2": {"n3"},
	"Kind": {"a-b"},
}

const putParams = `{"Name": "ab", "Count": 3, "Ratio": 0.25, "When": "2026-11-23T17:02:18.250000+00:00",
  "Data": "hi", "Flag": false, "Attrs": {"k1": "v", "k2": "w"}, "FlatAttrs": {"x": 1},
  "Items": ["i1", "i2"], "Plain": [], "Renamed": "r", "Inner": {"Id": "id", "Tags": ["t"]},
  "Inners": [{"Id": "a"}, {"Id": "b", "Tags": ["u", "v"]}], "Nested": [["n1"], ["n2", "n3"]], "Kind": "a-b"}`

var when = time.Date(2026, 11, 23, 17, 2, 18, 250_000_000, time.UTC)

func TestDecode(t *testing.T) {
	var in synthwire.PutInput
	if err := in.DecodeQuery(params); err != nil {
		t.Fatal(err)
	}
	want := synthwire.PutInput{
		Name: "ab", Count: awsproto.Ptr[int64](3), Ratio: awsproto.Ptr(0.25), When: &when,
		Data: []byte("hi"), Flag: awsproto.Ptr(false),
		Attrs: map[string]string{"k1": "v", "k2": "w"}, FlatAttrs: map[string]int64{"x": 1},
		Items: []string{"i1", "i2"}, Plain: []string{}, Renamed: awsproto.Ptr("r"),
		Inner:  &synthwire.Inner{Id: "id", Tags: []string{"t"}},
		Inners: []synthwire.Inner{{Id: "a"}, {Id: "b", Tags: []string{"u", "v"}}},
		Nested: [][]string{{"n1"}, {"n2", "n3"}}, Kind: synthwire.KindAB,
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got  %+v\nwant %+v", in, want)
	}
}

func TestValidation(t *testing.T) {
	v := url.Values{"Name": {"toolong"}, "Count": {"11"}, "Data": {"aGVsbG8="}, "Ratio": {"x"}, "When": {"yesterday"},
		"Attrs.entry.1.key": {""}, "Attrs.entry.1.value": {"V"}, "Attrs.entry.2.key": {"b"}, "Attrs.entry.3.key": {"c"}, "Attrs.entry.3.value": {"c"},
		"Inners.member.1.Tags.Value.1": {"x"}, "Inners.member.2.Id": {"b"}, "Inners.member.3.Id": {"c"}, "Inners.member.4.Id": {"d"},
		"Kind": {"A-B"}}
	err := new(synthwire.PutInput).DecodeQuery(v)
	const want = "12 validation errors detected: " +
		"Value 'toolong' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5; " +
		"Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10; " +
		"Value 'x' at 'ratio' failed to satisfy constraint: Member must be a number; " +
		"Value 'yesterday' at 'when' failed to satisfy constraint: Member must be an ISO 8601 timestamp; " +
		"Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 4; " +
		"Value '' at 'attrs.entry.1.key' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
		"Value 'V' at 'attrs.entry.1.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]*; " +
		"Value null at 'attrs.entry.2.value' failed to satisfy constraint: Member must not be null; " +
		"Value at 'attrs' failed to satisfy constraint: Member must have length less than or equal to 2; " +
		"Value null at 'inners.1.member.id' failed to satisfy constraint: Member must not be null; " +
		"Value at 'inners' failed to satisfy constraint: Member must have length less than or equal to 3; " +
		"Value 'A-B' at 'kind' failed to satisfy constraint: Member must satisfy enum value set: [a-b, c]"
	var ae *awsproto.Error
	if !errors.As(err, &ae) || ae.Message != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

var putOutput = &synthwire.PutOutput{
	Name: awsproto.Ptr("ab"), Count: awsproto.Ptr[int64](3), Ratio: awsproto.Ptr(0.25), When: &when,
	Data: []byte("hi"), Flag: awsproto.Ptr(false),
	Attrs: map[string]string{"k2": "w", "k1": "v"}, FlatAttrs: map[string]int64{"x": 1, "y": 2},
	Items: []string{"i1", "i2"}, Plain: []string{}, Renamed: awsproto.Ptr("r"),
	Inner:  &synthwire.Inner{Id: "id", Tags: []string{"t"}},
	Inners: []synthwire.Inner{{Id: "a"}, {Id: "b", Tags: []string{"u", "v"}}},
	Nested: [][]string{{"n1"}, {"n2", "n3"}}, Kind: synthwire.KindAB,
}

const putXML = `<PutResponse xmlns="urn:synth"><PutResult>` +
	`<Name>ab</Name><Count>3</Count><Ratio>0.25</Ratio><When>2026-11-23T17:02:18.25Z</When><Data>aGk=</Data><Flag>false</Flag>` +
	`<Attrs><entry><key>k1</key><value>v</value></entry><entry><key>k2</key><value>w</value></entry></Attrs>` +
	`<FlatAttrs><Name>x</Name><Val>1</Val></FlatAttrs><FlatAttrs><Name>y</Name><Val>2</Val></FlatAttrs>` +
	`<Item>i1</Item><Item>i2</Item><Plain></Plain><Other>r</Other>` +
	`<Inner><Id>id</Id><Tags><Value>t</Value></Tags></Inner>` +
	`<Inners><member><Id>a</Id></member><member><Id>b</Id><Tags><Value>u</Value><Value>v</Value></Tags></member></Inners>` +
	`<Nested><member><Value>n1</Value></member><member><Value>n2</Value><Value>n3</Value></member></Nested>` +
	`<Kind>a-b</Kind></PutResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></PutResponse>`

func TestEncode(t *testing.T) {
	var w awsproto.XMLWriter
	putOutput.EncodeQueryXML(&w, "r1")
	if got := string(w.Bytes()); got != putXML {
		t.Errorf("got  %s\nwant %s", got, putXML)
	}
}

func TestServiceMetadata(t *testing.T) {
	op, ok := synthwire.LookupOperation("Ping")
	if !ok || !op.Unsigned {
		t.Errorf("Ping = %+v", op)
	}
	if e := synthwire.ErrOops("x"); e.Code != "Oops" || e.Status != 418 || e.Sender {
		t.Errorf("Oops = %+v", e)
	}
	h := &synthwire.Handlers{Ping: func(context.Context, *synthwire.PingInput) (*synthwire.PingOutput, error) { return nil, nil }}
	resp, err := h.Serve(context.Background(), "Ping", url.Values{"Version": {"2020-01-01"}})
	if err != nil {
		t.Fatal(err)
	}
	var w awsproto.XMLWriter
	resp.EncodeQueryXML(&w, "r")
	if string(w.Bytes()) != `<PingResponse xmlns="urn:synth"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PingResponse>` {
		t.Errorf("%s", w.Bytes())
	}
}

const botocoreScript = `
import json, sys, datetime, base64, botocore.model, botocore.serialize, botocore.parsers
m = botocore.model.ServiceModel(json.load(open(sys.argv[1])))
op = m.operation_model("Put")
p = json.loads(sys.argv[2])
p["When"] = datetime.datetime.fromisoformat(p["When"])
p["Data"] = p["Data"].encode()
body = botocore.serialize.create_serializer("query").serialize_to_request(p, op)["body"]
parsed = botocore.parsers.create_parser("query").parse(
    {"body": sys.argv[3].encode(), "headers": {}, "status_code": 200}, op.output_shape)
parsed.pop("ResponseMetadata", None)
parsed["When"] = parsed["When"].isoformat()
parsed["Data"] = base64.b64encode(parsed["Data"]).decode()
print(json.dumps({"body": {k: str(v) for k, v in body.items()}, "parsed": parsed}))
`

// TestBotocoreAgrees checks params and putXML against botocore itself, when
// python3 has it.
func TestBotocoreAgrees(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import botocore").Run() != nil {
		t.Skip("python3 with botocore is not installed")
	}
	out, err := exec.Command(py, "-c", botocoreScript, "../testdata/synth-2020-01-01.json", putParams, putXML).Output()
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	var got struct {
		Body   map[string]string
		Parsed map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for k, v := range params {
		want[k] = v[0]
	}
	if !reflect.DeepEqual(got.Body, want) {
		t.Errorf("botocore serializes\n%v\nnot\n%v", got.Body, want)
	}
	var wantParsed map[string]any
	_ = json.Unmarshal([]byte(`{"Name": "ab", "Count": 3, "Ratio": 0.25, "When": "2026-11-23T17:02:18.250000+00:00",
  "Data": "aGk=", "Flag": false, "Attrs": {"k1": "v", "k2": "w"}, "FlatAttrs": {"x": 2, "y": 2},
  "Items": ["i1", "i2"], "Plain": [], "Renamed": "r", "Inner": {"Id": "id", "Tags": ["t"]},
  "Inners": [{"Id": "a"}, {"Id": "b", "Tags": ["u", "v"]}], "Nested": [["n1"], ["n2", "n3"]], "Kind": "a-b"}`), &wantParsed)
	wantParsed["FlatAttrs"] = map[string]any{"x": float64(1), "y": float64(2)}
	if !reflect.DeepEqual(got.Parsed, wantParsed) {
		t.Errorf("botocore reads\n%v\nnot\n%v", got.Parsed, wantParsed)
	}
}
