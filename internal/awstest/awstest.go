// Package awstest holds what tests need to drive cleanroom with
// aws-sdk-go-v2 clients.
package awstest

import (
	"bytes"
	"io"
	"net/http"
)

// HTTPClient returns an HTTP client for SDK clients in tests.
//
// aws-sdk-go-v2 closes a request's body while net/http's transport may still
// be finishing the write of the request; the transport then closes the
// connection under the response being read, and the call fails with "use of
// closed network connection" (aws/aws-sdk-go-v2#2737, #1825). The SDK's
// default retryer retries that error (aws/aws-sdk-go-v2#2949), but tests
// disable retries so that every error the server sends is seen. This client
// reads the request body before handing the request to the transport, so the
// SDK's early close cannot reach the connection.
func HTTPClient() *http.Client {
	return &http.Client{Transport: bufferedBody{http.DefaultTransport.(*http.Transport).Clone()}}
}

type bufferedBody struct{ rt http.RoundTripper }

func (b bufferedBody) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return b.rt.RoundTrip(req)
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return b.rt.RoundTrip(r)
}
