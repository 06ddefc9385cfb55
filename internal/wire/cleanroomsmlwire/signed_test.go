package cleanroomsmlwire_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
	"github.com/cleanroom-dev/cleanroom/internal/wire/cleanroomsmlwire"
	"github.com/cleanroom-dev/cleanroom/internal/wire/wiretest"
)

const datasetArn = "arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset/7f0e6a43-5f2b-4c2a-9f0e-1a2b3c4d5e6f"

// call sends a restJson1 request as the Clean Rooms ML clients do (there is
// no aws-sdk-go-v2 module for it): JSON body, SigV4 with aws-sdk-go-v2's
// signer for the service cleanrooms-ml, and decodes the JSON answer.
func call(t *testing.T, base, method, path string, query url.Values, body any) (int, http.Header, map[string]any) {
	t.Helper()
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	u := base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(payload)
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), cleanroomsmlwire.SigningName, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, resp.Header, doc
}

// The Clean Rooms ML API Reference, CreateTrainingDataset
// (POST /training-dataset,
// https://docs.aws.amazon.com/cleanrooms-ml/latest/APIReference/API_CreateTrainingDataset.html)
// and GetTrainingDataset (GET /training-dataset/{trainingDatasetArn}, the
// ARN escaped in the path; the model gives its timestamps the iso8601
// format).
func TestSignedRequests(t *testing.T) {
	created := time.Date(2026, 11, 23, 17, 2, 18, 500_000_000, time.UTC)
	var gotCreate *cleanroomsmlwire.CreateTrainingDatasetInput
	var gotGet *cleanroomsmlwire.GetTrainingDatasetInput
	var gotList *cleanroomsmlwire.ListTrainingDatasetsInput
	h := &cleanroomsmlwire.Handlers{
		CreateTrainingDataset: func(_ context.Context, in *cleanroomsmlwire.CreateTrainingDatasetInput) (*cleanroomsmlwire.CreateTrainingDatasetOutput, error) {
			gotCreate = in
			return &cleanroomsmlwire.CreateTrainingDatasetOutput{TrainingDatasetArn: datasetArn}, nil
		},
		GetTrainingDataset: func(_ context.Context, in *cleanroomsmlwire.GetTrainingDatasetInput) (*cleanroomsmlwire.GetTrainingDatasetOutput, error) {
			gotGet = in
			return &cleanroomsmlwire.GetTrainingDatasetOutput{
				CreateTime: created, UpdateTime: created, TrainingDatasetArn: in.TrainingDatasetArn, Name: "ds",
				Status: cleanroomsmlwire.TrainingDatasetStatusACTIVE, RoleArn: "arn:aws:iam::123456789012:role/ml",
			}, nil
		},
		ListTrainingDatasets: func(_ context.Context, in *cleanroomsmlwire.ListTrainingDatasetsInput) (*cleanroomsmlwire.ListTrainingDatasetsOutput, error) {
			gotList = in
			return nil, cleanroomsmlwire.ErrAccessDenied("User: arn:aws:iam::123456789012:user/x is not authorized to perform: cleanrooms-ml:ListTrainingDatasets")
		},
		DeleteTrainingDataset: func(context.Context, *cleanroomsmlwire.DeleteTrainingDatasetInput) (*cleanroomsmlwire.DeleteTrainingDatasetOutput, error) {
			return nil, cleanroomsmlwire.ErrResourceNotFound("Training dataset not found")
		},
	}
	srv := httptest.NewServer(wiretest.RESTJSONHandler(h.Serve))
	defer srv.Close()

	status, hdr, doc := call(t, srv.URL, "POST", "/training-dataset", nil, map[string]any{
		"name": "ds", "roleArn": "arn:aws:iam::123456789012:role/ml", "tags": map[string]string{"team": "ml"},
		"trainingData": []any{map[string]any{"type": "INTERACTIONS", "inputConfig": map[string]any{
			"schema":     []any{map[string]any{"columnName": "user_id", "columnTypes": []string{"USER_ID"}}},
			"dataSource": map[string]any{"glueDataSource": map[string]any{"tableName": "t", "databaseName": "d"}},
		}}},
	})
	want := &cleanroomsmlwire.CreateTrainingDatasetInput{
		Name: "ds", RoleArn: "arn:aws:iam::123456789012:role/ml", Tags: map[string]string{"team": "ml"},
		TrainingData: []cleanroomsmlwire.Dataset{{Type: cleanroomsmlwire.DatasetTypeINTERACTIONS, InputConfig: &cleanroomsmlwire.DatasetInputConfig{
			Schema:     []cleanroomsmlwire.ColumnSchema{{ColumnName: "user_id", ColumnTypes: []cleanroomsmlwire.ColumnType{cleanroomsmlwire.ColumnTypeUSER_ID}}},
			DataSource: &cleanroomsmlwire.DataSource{GlueDataSource: &cleanroomsmlwire.GlueDataSource{TableName: "t", DatabaseName: "d"}},
		}}},
	}
	if status != 200 || hdr.Get("Content-Type") != "application/json" || doc["trainingDatasetArn"] != datasetArn || !reflect.DeepEqual(gotCreate, want) {
		t.Errorf("create: %d %v %v\ndecoded %+v", status, hdr, doc, gotCreate)
	}

	status, _, doc = call(t, srv.URL, "GET", "/training-dataset/"+url.PathEscape(datasetArn), nil, nil)
	if status != 200 || gotGet == nil || gotGet.TrainingDatasetArn != datasetArn || doc["createTime"] != "2026-11-23T17:02:18.5Z" || doc["status"] != "ACTIVE" {
		t.Errorf("get: %d %v %+v", status, doc, gotGet)
	}

	status, hdr, doc = call(t, srv.URL, "GET", "/training-dataset", url.Values{"maxResults": {"10"}, "nextToken": {"t/k=n"}}, nil)
	if status != 403 || hdr.Get("X-Amzn-ErrorType") != "AccessDeniedException" || !strings.Contains(doc["message"].(string), "cleanrooms-ml:ListTrainingDatasets") ||
		!reflect.DeepEqual(gotList, &cleanroomsmlwire.ListTrainingDatasetsInput{MaxResults: awsproto.Ptr[int32](10), NextToken: awsproto.Ptr("t/k=n")}) {
		t.Errorf("list: %d %v %+v", status, doc, gotList)
	}

	status, hdr, _ = call(t, srv.URL, "DELETE", "/training-dataset/"+url.PathEscape(datasetArn), nil, nil)
	if status != 404 || hdr.Get("X-Amzn-ErrorType") != "ResourceNotFoundException" {
		t.Errorf("delete: %d %v", status, hdr)
	}

	// Clean Rooms ML's ValidationException has only a message.
	status, hdr, doc = call(t, srv.URL, "POST", "/training-dataset", nil, map[string]any{"name": "", "roleArn": "arn:aws:iam::123456789012:role/ml", "trainingData": []any{}})
	if status != 400 || hdr.Get("X-Amzn-ErrorType") != "ValidationException" || doc["reason"] != nil ||
		doc["message"] != "2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; "+
			"Value at 'trainingData' failed to satisfy constraint: Member must have length greater than or equal to 1" {
		t.Errorf("validation: %d %v", status, doc)
	}

	status, hdr, _ = call(t, srv.URL, "GET", "/training-datasets", nil, nil)
	if status != 404 || hdr.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Errorf("no route: %d %v", status, hdr)
	}
	var ae *awsproto.Error
	if _, err := h.Serve(context.Background(), httptest.NewRequest("GET", "/training-dataset/x", nil), nil); !errors.As(err, &ae) || ae.Code != "ValidationException" {
		t.Errorf("short ARN: %v", err)
	}
}
