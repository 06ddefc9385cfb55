package awsproto

// Operation describes one operation of a service model, for the server's
// routing and authentication.
type Operation struct {
	// Name is the operation name, the awsQuery Action, e.g. "GetUser".
	Name string
	// Unsigned reports that the model lets callers omit a signature
	// ("authtype": "none", smithy.api#noAuth), as for STS
	// AssumeRoleWithWebIdentity and AssumeRoleWithSAML.
	Unsigned bool
	// Errors lists the wire codes of the errors the model declares for the
	// operation.
	Errors []string
	// Method and URI are a restJson1 operation's HTTP method and URI
	// template, e.g. "POST" and "/collaborations/{collaborationIdentifier}/memberships";
	// empty for the other protocols.
	Method, URI string
}

// Ptr returns a pointer to v, for filling optional members.
func Ptr[T any](v T) *T { return &v }
