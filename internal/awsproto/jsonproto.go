package awsproto

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// CodeUnknownOperationException is the code AWS's JSON services answer
// for an X-Amz-Target (awsJson) or a method and path (restJson1) that
// names no operation.
const CodeUnknownOperationException = "UnknownOperationException"

// UnknownOperation reports a JSON request that names no operation of the
// service: 400 UnknownOperationException for awsJson, whose requests all
// go to POST /, as AWS's awsJson services answer it.
func UnknownOperation(format string, args ...any) *Error {
	return NewError(http.StatusBadRequest, CodeUnknownOperationException, format, args...)
}

// HeaderTarget is the awsJson header that names the operation:
// TargetPrefix.Operation.
const HeaderTarget = "X-Amz-Target"

// SplitTarget splits an X-Amz-Target value into the service's target
// prefix and the operation name, e.g. "AWSOrganizationsV20161128" and
// "CreateAccount". ok is false when there is no dot.
func SplitTarget(target string) (prefix, operation string, ok bool) {
	i := strings.LastIndexByte(target, '.')
	if i < 0 {
		return "", "", false
	}
	return target[:i], target[i+1:], true
}

// JSONResponse is an awsJson operation's output: it writes its own JSON
// document.
type JSONResponse interface {
	EncodeJSON(w *JSONWriter)
}

// WriteJSONResponse writes resp as a 200 awsJson 1.1 response
// (application/x-amz-json-1.1) with the x-amzn-RequestId header.
func WriteJSONResponse(w http.ResponseWriter, resp JSONResponse, requestID string) error {
	var jw JSONWriter
	resp.EncodeJSON(&jw)
	h := w.Header()
	h.Set("Content-Type", ContentTypeJSON11)
	h.Set("Content-Length", strconv.Itoa(jw.Len()))
	h.Set(HeaderRequestID, requestID)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(jw.Bytes()); err != nil {
		return fmt.Errorf("awsproto: writing JSON response: %w", err)
	}
	return nil
}
