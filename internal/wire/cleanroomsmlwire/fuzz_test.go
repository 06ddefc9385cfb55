package cleanroomsmlwire_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cleanroomsmlwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// FuzzServe feeds arbitrary methods, paths, query strings and bodies to the
// router and the generated decoders: no panic, and either an output that
// encodes as valid JSON, or one of the errors the protocol answers with.
func FuzzServe(f *testing.F) {
	f.Add("POST", "/training-dataset", "", `{"name":"ds","roleArn":"arn:aws:iam::123456789012:role/ml","trainingData":[{"type":"INTERACTIONS","inputConfig":{"schema":[],"dataSource":{"glueDataSource":{"tableName":"t","databaseName":"d"}}}}]}`)
	f.Add("GET", "/training-dataset", "maxResults=10&nextToken=a", "")
	f.Add("GET", "/training-dataset/"+url.PathEscape(datasetArn), "", "")
	f.Add("PUT", "/memberships/m/ml-configurations", "", `{"defaultOutputLocation":{"destination":{"s3Destination":{"s3Uri":"s3://b/k"}},"roleArn":"r"}}`)
	f.Add("POST", "/memberships/m/trained-models", "", `{"name":"n","configuredModelAlgorithmAssociationArn":"a","resourceConfig":{"instanceType":"ml.m5.xlarge","volumeSizeInGB":10},"dataChannels":[],"hyperparameters":{"a":"b"},"environment":{}}`)
	var h cleanroomsmlwire.Handlers
	wiretest.StubHandlers(&h)
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		u := &url.URL{Path: path, RawQuery: query}
		if p, err := url.PathUnescape(path); err == nil {
			u.Path, u.RawPath = p, path
		}
		r := &http.Request{Method: method, URL: u, Header: http.Header{}}
		resp, err := h.Serve(context.Background(), r, []byte(body))
		if err != nil {
			var ae *awsproto.Error
			if !errors.As(err, &ae) {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			switch ae.Code {
			case "SerializationException", "ValidationException", "UnknownOperationException":
			default:
				t.Fatalf("%s %s: %v", method, path, err)
			}
			return
		}
		var w awsproto.JSONWriter
		status := resp.EncodeRESTJSON(http.Header{}, &w)
		if status != 200 || !json.Valid(w.Bytes()) {
			t.Fatalf("%s %s: %d %s", method, path, status, w.Bytes())
		}
	})
}

// BenchmarkGetTrainingDataset routes a GET with an escaped ARN label,
// decodes and encodes.
func BenchmarkGetTrainingDataset(b *testing.B) {
	out := &cleanroomsmlwire.GetTrainingDatasetOutput{TrainingDatasetArn: datasetArn, Name: "ds", RoleArn: "arn:aws:iam::123456789012:role/ml",
		Status: cleanroomsmlwire.TrainingDatasetStatusACTIVE, Tags: map[string]string{"team": "ml"}}
	h := cleanroomsmlwire.Handlers{GetTrainingDataset: func(context.Context, *cleanroomsmlwire.GetTrainingDatasetInput) (*cleanroomsmlwire.GetTrainingDatasetOutput, error) {
		return out, nil
	}}
	r, _ := http.NewRequest("GET", "/training-dataset/"+url.PathEscape(datasetArn), nil)
	w := awsproto.NewJSONWriter(make([]byte, 0, 2048))
	hdr := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := h.Serve(context.Background(), r, nil)
		if err != nil {
			b.Fatal(err)
		}
		w.Reset()
		resp.EncodeRESTJSON(hdr, w)
	}
}
