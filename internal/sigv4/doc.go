// Package sigv4 authenticates requests signed with AWS Signature Version 4,
// as an AWS service does: it reads the signature from the Authorization
// header or from presigned query parameters, checks the credential scope and
// the request time, looks the access key up, rebuilds the canonical request
// and compares signatures in constant time.
//
// The specification is the IAM User Guide's "AWS Signature Version 4 for API
// requests" (and "Create a signed AWS API request"), with the Amazon S3 API
// Reference's "Authenticating Requests (AWS Signature Version 4)" for S3's
// differences: S3 signs the path as sent (other services normalize it and
// URI-encode it once more), honours X-Amz-Expires on presigned URLs, wants
// every x-amz-* header signed, and names its errors differently. AWS's
// published SigV4 test suite (testdata/aws-sig-v4-test-suite) and
// aws-sdk-go-v2's signer are the tests' references.
//
// Typical use in a server:
//
//	if !sigv4.IsSigned(r) { /* anonymous: serve only what AWS serves unsigned */ }
//	auth, err := sigv4.Parse(r)        // route by auth.Service before reading the body
//	res, err := v.Verify(ctx, r, body) // body read and bounded by the server
//	var e *sigv4.Error
//	if errors.As(err, &e) { /* answer e.Code(protocol), e.Status(protocol), e.Text(protocol) */ }
//
// Signing keys are cached per secret, date, region and service, so a
// verified request costs two SHA-256 hashes and one HMAC. Verify allocates
// its Result and little else.
package sigv4
