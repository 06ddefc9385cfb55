package loadgen

import (
	"errors"
	"net/http"
	"net/url"
)

// A Target is the one request a run sends over and over, signed afresh each
// time.
type Target struct {
	// Name labels the target in reports, e.g. "sts:GetCallerIdentity".
	Name string
	// Method is the HTTP method; empty means POST.
	Method string
	// Path is the request path and optional query, appended to the
	// endpoint's path; empty means "/".
	Path string
	// Header holds headers sent and signed with every request, such as
	// Content-Type or X-Amz-Target.
	Header http.Header
	// Body is the fixed request body.
	Body []byte
	// Service is the signing name in the credential scope, e.g. "sts".
	Service string
	// Region is the region in the credential scope; empty means the run's
	// region.
	Region string
}

// formContentType is the Content-Type the AWS SDKs send with awsQuery
// requests.
const formContentType = "application/x-www-form-urlencoded; charset=utf-8"

// QueryTarget returns an awsQuery-protocol target: a form-encoded POST to "/"
// with the parameters params (which must include Action and Version), named
// "service:Action".
func QueryTarget(service, region string, params url.Values) Target {
	return Target{
		Name:    service + ":" + params.Get("Action"),
		Method:  http.MethodPost,
		Path:    "/",
		Header:  http.Header{"Content-Type": {formContentType}},
		Body:    []byte(params.Encode()),
		Service: service,
		Region:  region,
	}
}

// STSGetCallerIdentity is the STS GetCallerIdentity call, signed for the
// run's region (STS is regional).
//
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
func STSGetCallerIdentity() Target {
	return QueryTarget("sts", "", url.Values{
		"Action":  {"GetCallerIdentity"},
		"Version": {"2011-06-15"},
	})
}

// IAMGetUser is the IAM GetUser call for userName, or for the calling user
// when userName is empty. IAM is global and signed for us-east-1.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
func IAMGetUser(userName string) Target {
	params := url.Values{
		"Action":  {"GetUser"},
		"Version": {"2010-05-08"},
	}
	if userName != "" {
		params.Set("UserName", userName)
	}
	return QueryTarget("iam", "us-east-1", params)
}

func (t Target) validate() error {
	if t.Service == "" {
		return errors.New("loadgen: target has no signing service name")
	}
	return nil
}
