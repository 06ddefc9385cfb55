package policy

import "strings"

// Value is the value of one request context key: a single string, or a set of
// strings for a multivalued key (aws:TagKeys, aws:CalledVia ...). A multivalued
// key keeps Multi even with one element or none.
type Value struct {
	Values []string
	Multi  bool
}

// Context is the request context: condition keys and their values. Key names
// are not case-sensitive; they are stored lower-cased.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
type Context struct {
	keys map[string]Value
}

// NewContext returns an empty context with room for n keys.
func NewContext(n int) *Context {
	return &Context{keys: make(map[string]Value, n)}
}

// Set sets a single-valued key.
func (c *Context) Set(key, value string) {
	c.keys[strings.ToLower(key)] = Value{Values: []string{value}}
}

// SetMulti sets a multivalued key.
func (c *Context) SetMulti(key string, values ...string) {
	c.keys[strings.ToLower(key)] = Value{Values: values, Multi: true}
}

// SetValue sets a key to v.
func (c *Context) SetValue(key string, v Value) {
	c.keys[strings.ToLower(key)] = v
}

// Delete removes a key.
func (c *Context) Delete(key string) { delete(c.keys, strings.ToLower(key)) }

// Get returns the value of a key, in any case.
func (c *Context) Get(key string) (Value, bool) {
	if c == nil {
		return Value{}, false
	}
	v, ok := c.keys[strings.ToLower(key)]
	return v, ok
}

// lookup takes an already lower-cased key and allocates nothing.
func (c *Context) lookup(lowerKey string) (Value, bool) {
	if c == nil {
		return Value{}, false
	}
	v, ok := c.keys[lowerKey]
	return v, ok
}

// Keys returns the lower-cased key names, unordered.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.keys))
	for k := range c.keys {
		out = append(out, k)
	}
	return out
}

// Clone returns a copy that can be changed without changing c.
func (c *Context) Clone() *Context {
	n := NewContext(len(c.keys))
	for k, v := range c.keys {
		n.keys[k] = v
	}
	return n
}

// PrincipalKind is the kind of caller.
type PrincipalKind uint8

// Principal kinds.
const (
	PrincipalUnknown       PrincipalKind = iota
	PrincipalUser                        // arn:aws:iam::A:user/path/name
	PrincipalRoleSession                 // arn:aws:sts::A:assumed-role/name/session
	PrincipalRoot                        // arn:aws:iam::A:root
	PrincipalFederatedUser               // arn:aws:sts::A:federated-user/name
	PrincipalServiceKind                 // cleanrooms.amazonaws.com
	PrincipalAnonymous                   // an unsigned request
	PrincipalWebIdentity                 // a web identity or SAML caller, named by its provider
	PrincipalRole                        // arn:aws:iam::A:role/name, as a caller (rare: only in simulations)
)

// Principal is the caller as resource-based policies see it.
type Principal struct {
	Kind    PrincipalKind
	ARN     string // the caller's ARN; the service name for a service; "" when anonymous
	Account string // 12-digit account id; "" for services and the anonymous caller
	// Name is the user, role or federated user name (without path).
	Name string
	// RoleARN is the ARN of the role of a role session; it may lack the role's
	// path when it was derived from the session ARN.
	RoleARN string
	// HasBoundary records that the caller has a permissions boundary, which
	// makes a Deny with NotPrincipal apply to it whatever the list says.
	HasBoundary bool
}

// ParsePrincipal derives a Principal from a caller ARN or a service principal
// name, as a simulation names it.
func ParsePrincipal(id string) Principal {
	if !strings.HasPrefix(id, "arn:") {
		if strings.HasSuffix(id, ".amazonaws.com") || strings.HasSuffix(id, ".amazonaws.com.cn") {
			return Principal{Kind: PrincipalServiceKind, ARN: id}
		}
		if isAccountID(id) {
			return Principal{Kind: PrincipalRoot, ARN: "arn:aws:iam::" + id + ":root", Account: id}
		}
		return Principal{Kind: PrincipalUnknown, ARN: id}
	}
	parts := strings.SplitN(id, ":", 6)
	if len(parts) < 6 {
		return Principal{Kind: PrincipalUnknown, ARN: id}
	}
	partition, svc, acct, res := parts[1], parts[2], parts[4], parts[5]
	p := Principal{ARN: id, Account: acct}
	switch {
	case svc == "iam" && res == "root":
		p.Kind = PrincipalRoot
	case svc == "iam" && strings.HasPrefix(res, "user/"):
		p.Kind = PrincipalUser
		p.Name = res[strings.LastIndexByte(res, '/')+1:]
	case svc == "iam" && strings.HasPrefix(res, "role/"):
		p.Kind = PrincipalRole
		p.Name = res[strings.LastIndexByte(res, '/')+1:]
		p.RoleARN = id
	case svc == "sts" && strings.HasPrefix(res, "assumed-role/"):
		rest := strings.TrimPrefix(res, "assumed-role/")
		i := strings.LastIndexByte(rest, '/')
		if i <= 0 {
			return Principal{Kind: PrincipalUnknown, ARN: id}
		}
		p.Kind = PrincipalRoleSession
		p.Name = rest[:i]
		p.RoleARN = "arn:" + partition + ":iam::" + acct + ":role/" + rest[:i]
	case svc == "sts" && strings.HasPrefix(res, "federated-user/"):
		p.Kind = PrincipalFederatedUser
		p.Name = strings.TrimPrefix(res, "federated-user/")
	case svc == "iam" && (strings.HasPrefix(res, "oidc-provider/") || strings.HasPrefix(res, "saml-provider/")):
		p.Kind = PrincipalWebIdentity
	default:
		p.Kind = PrincipalUnknown
	}
	return p
}
