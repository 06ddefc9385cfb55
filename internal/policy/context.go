package policy

import (
	"net/netip"
	"strings"
)

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
//
// It is an open-addressing hash table keyed by a hash of the lower-cased key
// that compiled policies compute once, so that a condition finds its key
// without hashing it on every decision.
type Context struct {
	slots []ctxSlot // power-of-two length; hash 0 marks an empty slot
	n     int
	// known holds, for each of knownKeys, its slot's index plus one (0 when
	// the key is not set).
	known [numKnown]int16
}

type ctxSlot struct {
	hash uint64
	key  string
	val  Value
	// ip holds the parsed address of a single-valued key that AWS documents
	// as an IP address, parsed once when the key is set.
	ip netip.Addr
	// boolv is a single value read as a Bool condition reads it: 1 for
	// "true", 0 for "false" (any case), -1 otherwise.
	boolv int8
}

// ipKeys are the global keys whose value is an IP address.
var ipKeys = map[string]bool{"aws:sourceip": true, "aws:vpcsourceip": true}

// keyHash is FNV-1a over the lower-cased key, never 0.
func keyHash(lowerKey string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(lowerKey); i++ {
		h ^= uint64(lowerKey[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// NewContext returns an empty context with room for n keys.
func NewContext(n int) *Context {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return &Context{slots: make([]ctxSlot, size)}
}

// Set sets a single-valued key.
func (c *Context) Set(key, value string) {
	c.SetValue(key, Value{Values: []string{value}})
}

// SetMulti sets a multivalued key.
func (c *Context) SetMulti(key string, values ...string) {
	c.SetValue(key, Value{Values: values, Multi: true})
}

// SetValue sets a key to v.
func (c *Context) SetValue(key string, v Value) {
	k := strings.ToLower(key)
	c.put(keyHash(k), k, v)
}

func (c *Context) put(h uint64, k string, v Value) {
	if 2*(c.n+1) > len(c.slots) {
		c.grow()
	}
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &c.slots[i]
		if sl.hash == 0 {
			*sl = ctxSlot{hash: h, key: k, val: v, ip: parseIfIP(k, v), boolv: boolOf(v)}
			c.n++
			if id := knownID(h, k); id >= 0 {
				c.known[id] = int16(i + 1)
			}
			return
		}
		if sl.hash == h && sl.key == k {
			sl.val, sl.ip, sl.boolv = v, parseIfIP(k, v), boolOf(v)
			return
		}
	}
}

func (c *Context) grow() {
	old := c.slots
	size := 2 * len(old)
	if size < 8 {
		size = 8
	}
	c.slots = make([]ctxSlot, size)
	c.n = 0
	c.known = [numKnown]int16{}
	for _, sl := range old {
		if sl.hash != 0 {
			c.put(sl.hash, sl.key, sl.val)
		}
	}
}

// Delete removes a key.
func (c *Context) Delete(key string) {
	k := strings.ToLower(key)
	keep := make([]ctxSlot, 0, c.n)
	for _, sl := range c.slots {
		if sl.hash != 0 && sl.key != k {
			keep = append(keep, sl)
		}
	}
	c.slots = make([]ctxSlot, len(c.slots))
	c.n = 0
	c.known = [numKnown]int16{}
	for _, sl := range keep {
		c.put(sl.hash, sl.key, sl.val)
	}
}

// Get returns the value of a key, in any case.
func (c *Context) Get(key string) (Value, bool) {
	k := strings.ToLower(key)
	return c.lookupHash(keyHash(k), k)
}

func boolOf(v Value) int8 {
	if v.Multi || len(v.Values) != 1 {
		return -1
	}
	switch b, ok := parseBool(v.Values[0]); {
	case !ok:
		return -1
	case b:
		return 1
	}
	return 0
}

func parseIfIP(k string, v Value) netip.Addr {
	if !ipKeys[k] || v.Multi || len(v.Values) != 1 {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(strings.TrimSpace(v.Values[0]))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// slot returns the slot of a lower-cased key with its keyHash, or nil.
func (c *Context) slot(h uint64, lowerKey string) *ctxSlot {
	if c == nil || len(c.slots) == 0 {
		return nil
	}
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &c.slots[i]
		if sl.hash == 0 {
			return nil
		}
		if sl.hash == h && sl.key == lowerKey {
			return sl
		}
	}
}

// find returns the slot of a key: by number when it is one of knownKeys
// (known >= 0), else by hash and name.
func (c *Context) find(known int16, h uint64, lowerKey string) *ctxSlot {
	if known < 0 {
		return c.slot(h, lowerKey)
	}
	if c == nil {
		return nil
	}
	if i := c.known[known]; i != 0 {
		return &c.slots[i-1]
	}
	return nil
}

// lookupPart returns the value of a policy variable's key.
func (c *Context) lookupPart(p *part) (Value, bool) {
	if sl := c.find(p.known, p.hash, p.key); sl != nil {
		return sl.val, true
	}
	return Value{}, false
}

// lookupHash takes a lower-cased key and its keyHash, and allocates nothing.
func (c *Context) lookupHash(h uint64, lowerKey string) (Value, bool) {
	if sl := c.slot(h, lowerKey); sl != nil {
		return sl.val, true
	}
	return Value{}, false
}

// Keys returns the lower-cased key names, unordered.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, c.n)
	for _, sl := range c.slots {
		if sl.hash != 0 {
			out = append(out, sl.key)
		}
	}
	return out
}

// Clone returns a copy that can be changed without changing c.
func (c *Context) Clone() *Context {
	return &Context{slots: append([]ctxSlot(nil), c.slots...), n: c.n, known: c.known}
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
