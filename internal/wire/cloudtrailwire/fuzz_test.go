package cloudtrailwire_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cloudtrailwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

// FuzzDecodeJSON feeds arbitrary bodies to the generated decoders of every
// CloudTrail operation through Serve: no panic, and either an output that
// encodes as valid JSON, or a SerializationException or
// ValidationException.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(uint8(0), []byte(`{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"x"}],"StartTime":1795453338.25,"MaxResults":5}`))
	f.Add(uint8(1), []byte(`{"InsightSource":"x","DataType":"InsightsEvents","Dimensions":{"EventName":"y","Bad":null}}`))
	f.Add(uint8(2), []byte(`{"Name":"t","S3BucketName":"b","TagsList":[{"Key":"k"}]}`))
	f.Add(uint8(3), []byte(`{"EventDataStore":"arn","StartEventTime":-1e400}`))
	var h cloudtrailwire.Handlers
	wiretest.StubHandlers(&h)
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := cloudtrailwire.Operations[int(op)%len(cloudtrailwire.Operations)].Name
		resp, err := h.Serve(context.Background(), cloudtrailwire.TargetPrefix+"."+name, body)
		if err != nil {
			var ae *awsproto.Error
			if !errors.As(err, &ae) || (ae.Code != "SerializationException" && ae.Code != "ValidationException") {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
		var w awsproto.JSONWriter
		resp.EncodeJSON(&w)
		if !json.Valid(w.Bytes()) {
			t.Fatalf("%s: %s", name, w.Bytes())
		}
	})
}

// BenchmarkLookupEvents decodes a LookupEvents and encodes a page of
// events.
func BenchmarkLookupEvents(b *testing.B) {
	body := []byte(`{"LookupAttributes":[{"AttributeKey":"EventSource","AttributeValue":"cleanrooms.amazonaws.com"}],"StartTime":1795366800,"EndTime":1795453338.5,"MaxResults":50}`)
	when := time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC)
	out := &cloudtrailwire.LookupEventsOutput{NextToken: awsproto.Ptr("next")}
	for range 10 {
		out.Events = append(out.Events, cloudtrailwire.Event{
			EventId: awsproto.Ptr("0d5e7c6f-1111-2222-3333-444455556666"), EventName: awsproto.Ptr("CreateCollaboration"),
			EventTime: &when, EventSource: awsproto.Ptr("cleanrooms.amazonaws.com"), Username: awsproto.Ptr("mateo"),
			CloudTrailEvent: awsproto.Ptr(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mateo"}}`),
		})
	}
	w := awsproto.NewJSONWriter(make([]byte, 0, 8192))
	b.ReportAllocs()
	for b.Loop() {
		var in cloudtrailwire.LookupEventsInput
		if err := in.DecodeJSON(body); err != nil {
			b.Fatal(err)
		}
		w.Reset()
		out.EncodeJSON(w)
	}
}
