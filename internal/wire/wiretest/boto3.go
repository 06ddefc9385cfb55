package wiretest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// boto3Script calls every operation of a service through boto3 with an
// input filled from botocore's own model, and prints one JSON line per
// operation: the parameters it sent and the response it parsed (or the
// error). Client-side validation is off: the filled values need not meet
// the model's constraints, only be serialized.
const boto3Script = `
import base64, datetime, json, sys
import boto3
from botocore.config import Config

service, endpoint, text = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                 config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
model = c.meta.service_model
n = [0]
# Whole seconds: botocore's JSON serializers send epoch seconds as integers.
BASE = datetime.datetime(2026, 11, 23, 17, 2, 18, tzinfo=datetime.timezone.utc)

def fill(shape, depth):
    n[0] += 1
    k = n[0]
    t = shape.type_name
    if t == "structure":
        if getattr(shape, "is_document_type", False):
            return {"k": ["s%d" % k, 1.5, True, None]}
        if depth > 14:
            return {}
        names = list(shape.members)
        if getattr(shape, "is_tagged_union", False):
            name = names[k % len(names)]
            return {name: fill(shape.members[name], depth + 1)}
        return {name: fill(m, depth + 1) for name, m in shape.members.items()}
    if t == "list":
        return [fill(shape.member, depth + 1) for _ in range(2)]
    if t == "map":
        out = {}
        for _ in range(2):
            out[fill(shape.key, depth + 1)] = fill(shape.value, depth + 1)
        return out
    if t == "string":
        if shape.enum:
            return shape.enum[k % len(shape.enum)]
        return "s%d%s" % (k, text)
    if t in ("integer", "long"):
        return k
    if t == "boolean":
        return True
    if t in ("double", "float"):
        return k + 0.5
    if t == "timestamp":
        return BASE + datetime.timedelta(seconds=k)
    if t == "blob":
        return b"blob%d\x00\xff" % k
    raise Exception("type " + t)

def enc(v):
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode()
    if hasattr(v, "read"):
        return base64.b64encode(v.read()).decode()
    raise TypeError(type(v))

api_to_method = {v: k for k, v in c.meta.method_to_api_mapping.items()}
for op in model.operation_names:
    shape = model.operation_model(op).input_shape
    params = fill(shape, 0) if shape is not None else {}
    line = {"op": op, "sent": params}
    try:
        resp = getattr(c, api_to_method[op])(**params)
        resp.pop("ResponseMetadata", None)
        line["got"] = resp
    except Exception as e:
        line["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(line, default=enc), flush=True)
`

// HaveBoto3 reports whether python3 with boto3 is installed.
func HaveBoto3() (string, bool) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import boto3").Run() != nil {
		return "", false
	}
	return py, true
}

// Boto3RoundTripAll calls every operation of s through boto3 (botocore's
// service named botoName) with an input filled from botocore's model, and
// checks that the generated decoders read what boto3 sent and that boto3
// reads what the generated encoders wrote. It skips the test when python3
// with boto3 is not installed.
func Boto3RoundTripAll(t *testing.T, botoName string, s Service) {
	t.Helper()
	py, ok := HaveBoto3()
	if !ok {
		t.Skip("python3 with boto3 is not installed")
	}
	rec := newRecorder(t, s)
	defer rec.srv.Close()
	cmd := exec.Command(py, "-c", boto3Script, botoName, rec.srv.URL, s.Text)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, stderr.String())
	}
	ht := reflect.TypeOf(s.Handlers).Elem()
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var line struct {
			Op    string
			Sent  any
			Got   any
			Error string
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("%v: %s", err, sc.Bytes())
		}
		seen++
		if _, ok := ht.FieldByName(line.Op); !ok {
			t.Errorf("%s: boto3 has an operation the package has not", line.Op)
			continue
		}
		if line.Error != "" {
			t.Errorf("%s: %s", line.Op, line.Error)
			continue
		}
		in, sent := rec.get(line.Op)
		if !in.IsValid() {
			t.Errorf("%s: the server did not see the call", line.Op)
			continue
		}
		for _, d := range DiffPython(line.Sent, in.Interface()) {
			t.Errorf("%s input%s", line.Op, d)
		}
		for _, d := range DiffPython(line.Got, sent.Interface()) {
			t.Errorf("%s output%s", line.Op, d)
		}
	}
	if seen != ht.NumField() {
		t.Errorf("boto3 called %d operations, the package has %d", seen, ht.NumField())
	}
}

// DiffPython compares a value as Python printed it (JSON of botocore's
// parameters or parsed response: timestamps as ISO 8601, blobs as base64)
// with a generated one, and returns the differences, one line each.
// Members are matched by name, ignoring case and punctuation.
func DiffPython(py any, ours any) []string {
	var d []string
	diffPy(py, reflect.ValueOf(ours), "", &d)
	return d
}

func normName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func diffPy(py any, v reflect.Value, path string, d *[]string) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			if py != nil {
				*d = append(*d, fmt.Sprintf("%s: python %v, ours nil", path, py))
			}
			return
		}
		v = v.Elem()
	}
	bad := func() { *d = append(*d, fmt.Sprintf("%s: python %#v, ours %#v", path, py, v.Interface())) }
	switch {
	case v.Type() == timeType:
		s, _ := py.(string)
		pt, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || !pt.Equal(v.Interface().(time.Time)) {
			bad()
		}
		return
	case v.Type() == rawMessageType:
		var ov any
		if err := json.Unmarshal(v.Bytes(), &ov); err != nil || fmt.Sprint(ov) != fmt.Sprint(py) {
			bad()
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		m, ok := py.(map[string]any)
		if !ok {
			bad()
			return
		}
		keys := map[string]string{}
		for k := range m {
			keys[normName(k)] = k
		}
		for i := 0; i < v.NumField(); i++ {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			k, found := keys[normName(sf.Name)]
			if !found {
				if !v.Field(i).IsZero() {
					*d = append(*d, fmt.Sprintf("%s.%s: not in python's %v", path, sf.Name, sortedMapKeys(m)))
				}
				continue
			}
			delete(keys, normName(sf.Name))
			diffPy(m[k], v.Field(i), path+"."+sf.Name, d)
		}
		for _, k := range keys {
			*d = append(*d, fmt.Sprintf("%s.%s: python has it, ours has no such member", path, k))
		}
	case reflect.String:
		if s, ok := py.(string); !ok || s != v.String() {
			bad()
		}
	case reflect.Int32, reflect.Int64, reflect.Int:
		if f, ok := py.(float64); !ok || int64(f) != v.Int() {
			bad()
		}
	case reflect.Float32, reflect.Float64:
		if f, ok := py.(float64); !ok || float32(f) != float32(v.Float()) {
			bad()
		}
	case reflect.Bool:
		if b, ok := py.(bool); !ok || b != v.Bool() {
			bad()
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			s, _ := py.(string)
			if b, err := base64.StdEncoding.DecodeString(s); err != nil || !bytes.Equal(b, v.Bytes()) {
				bad()
			}
			return
		}
		l, ok := py.([]any)
		if !ok || len(l) != v.Len() {
			bad()
			return
		}
		for i := range l {
			diffPy(l[i], v.Index(i), path+"["+strconv.Itoa(i)+"]", d)
		}
	case reflect.Map:
		m, ok := py.(map[string]any)
		if !ok || len(m) != v.Len() {
			bad()
			return
		}
		for _, k := range v.MapKeys() {
			pv, found := m[k.String()]
			if !found {
				*d = append(*d, fmt.Sprintf("%s[%s]: not in python", path, k))
				continue
			}
			diffPy(pv, v.MapIndex(k), path+"["+k.String()+"]", d)
		}
	default:
		bad()
	}
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
