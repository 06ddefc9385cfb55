// Package catalog holds the service authorization data that the policy engine
// needs — the actions of each AWS service, their access levels, the resource
// types they act on and the ARN formats of those, the condition keys each
// action and resource type supports, the global condition keys — together
// with the AWS managed policies (IAM managed policies and the default
// Organizations SCP and RCP).
//
// The data is embedded in the binary (see data/README.md for where each file
// comes from). [Load] parses it into an immutable [*Catalog]; nothing in the
// package keeps mutable state, and a Catalog is safe for concurrent use by
// any number of goroutines. Callers must not modify the values it returns
// (slices, maps and the structs they point to are shared).
//
// Names follow AWS's case rules: service prefixes, action names and
// condition-key names are matched without regard to ASCII case; ARNs are
// case-sensitive.
package catalog

import (
	"slices"
	"strings"
	"sync"

	"github.com/cleanroom-dev/cleanroom/internal/wildcard"
)

// Catalog is the parsed, immutable service authorization data and managed
// policies. Obtain one with [Load] or [Default].
type Catalog struct {
	services map[string]*Service // lower-case prefix → service
	prefixes []string            // sorted
	actions  map[string]*Action  // lower-case "prefix:name" → action
	sorted   []*Action           // all actions, sorted by prefix then lower-case name

	globalKeys      map[string]*ConditionKey // lower-case key → global key (exact entries)
	globalTemplates []*ConditionKey          // global keys with a variable part
	keys            map[string]*ConditionKey // lower-case key → key (exact entries, every source)
	templates       []*ConditionKey          // keys with a variable part, most specific first

	rcp map[string]bool // lower-case prefixes RCPs apply to

	policies     map[string]*ManagedPolicy // name, ARN and id → policy
	policyByName []*ManagedPolicy          // sorted by name
}

// Service is one IAM service prefix and what it defines.
type Service struct {
	// Prefix is the IAM service prefix, e.g. "cleanrooms".
	Prefix string
	// Name is the service's display name, e.g. "AWS Clean Rooms".
	Name string
	// Actions is keyed by lower-case action name (without the prefix).
	Actions map[string]*Action
	// ResourceTypes is keyed by lower-case resource type name.
	ResourceTypes map[string]*ResourceType
	// ConditionKeys is keyed by lower-case condition key, as the service's
	// page of the Service Authorization Reference lists them (including the
	// aws: keys it supports).
	ConditionKeys map[string]*ConditionKey
}

// Action is one IAM action of a service.
type Action struct {
	// Service is the service prefix, e.g. "cleanrooms".
	Service string
	// Name is the action name in its original case, e.g. "GetCollaboration".
	Name string
	// Description is the Service Authorization Reference's one-line summary.
	Description string
	// AccessLevel is "Read", "List", "Write", "Tagging, Write" or
	// "Permissions management, Write".
	AccessLevel string
	// ResourceTypes lists the resource types the action acts on, in the
	// data's order. It is empty for actions that only support Resource "*".
	ResourceTypes []ActionResource
	// ConditionKeys are the action-level condition keys (original case,
	// templates such as "aws:RequestTag/${TagKey}" included).
	ConditionKeys []string
	// DependentActions are the action-level dependent actions.
	DependentActions []string

	fullName string   // "cleanrooms:GetCollaboration"
	keyPats  []string // ConditionKeys as wildcard patterns
}

// FullName returns the action with its service prefix, e.g.
// "cleanrooms:GetCollaboration".
func (a *Action) FullName() string { return a.fullName }

// ActionResource is one row of an action's resource-type table.
type ActionResource struct {
	// Name is the resource type's name as the action lists it (never empty).
	Name string
	// Required is the Service Authorization Reference's "*" marker.
	Required bool
	// ConditionKeys are the keys supported for the action on this resource type.
	ConditionKeys []string
	// DependentActions are the actions needed as well when acting on this
	// resource type.
	DependentActions []string
	// Type is the resource type this row names, in the action's service.
	Type *ResourceType

	keyPats []string
}

// ResourceType is a resource type of a service and its ARN format.
type ResourceType struct {
	// Service is the service prefix that defines the type.
	Service string
	// Name is the type's name in its original case, e.g. "analysistemplate"
	// or "ConfiguredModelAlgorithm".
	Name string
	// ARNFormat is the ARN template, e.g.
	// "arn:${Partition}:cleanrooms:${Region}:${Account}:collaboration/${CollaborationId}".
	ARNFormat string
	// ConditionKeys are the keys the resource type supports.
	ConditionKeys []string

	arn     arnFormat
	keyPats []string
}

// MatchARN reports whether the concrete ARN fits the resource type's format.
// Literal text must match exactly (ARNs are case-sensitive), and every
// ${...} placeholder matches one or more characters: never ':' in the
// partition, region and account fields; neither ':' nor '/' in the resource
// part, except in placeholders whose values are paths — IAM "...WithPath"
// names, S3 object keys (which may also hold ':'), log group and stream
// names, ECR repository names, KMS alias names, alarm names, OIDC provider
// names. So arn:aws:s3:::b/k/x fits the s3 object format, and
// .../membership/m/analysistemplate/t fits cleanrooms' analysistemplate
// format but not its membership format.
func (r *ResourceType) MatchARN(arn string) bool { return r.arn.match(arn) }

// ConditionKey describes one condition key.
type ConditionKey struct {
	// Key is the key in its original case. Keys with a variable part are
	// templates, e.g. "aws:ResourceTag/${TagKey}" or "s3:ExistingObjectTag/<key>".
	Key string
	// Type is the Service Authorization Reference type: String, ARN, Bool,
	// Numeric, Date, IPAddress, ArrayOfString, ArrayOfARN, ArrayOfBool, ...
	Type string
	// Global is true for the keys in AWS's list of global condition keys,
	// which the request context may hold for any action.
	Global bool
	// Multivalued is true for keys whose value is a set (ForAnyValue: and
	// ForAllValues: apply).
	Multivalued bool
	// Service is the service prefix whose page defines the key; empty for
	// global keys.
	Service string
	// Description is the reference's description (for global keys, when the
	// key is present in the request context). It may be empty.
	Description string

	pat      string // wildcard pattern matching the key (lower-case)
	template bool
	literal  int // count of literal characters, for ordering templates
}

// IsTemplate reports whether the key has a variable part such as ${TagKey}.
func (k *ConditionKey) IsTemplate() bool { return k.template }

// Matches reports whether a concrete key name is this key or, for a
// template, an instance of it (case-insensitive).
func (k *ConditionKey) Matches(key string) bool {
	if !k.template {
		return strings.EqualFold(k.Key, key)
	}
	return wildcard.MatchFold(k.pat, key)
}

var defaultCatalog = sync.OnceValues(Load)

// Default returns a Catalog loaded once per process and shared. Since the
// embedded data is fixed at build time and checked by the package's tests,
// Default panics only if the binary was built from broken data; use [Load]
// to handle that as an error instead.
func Default() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		panic(err)
	}
	return c
}

// Services returns the service prefixes, sorted.
func (c *Catalog) Services() []string { return slices.Clone(c.prefixes) }

// Service returns the service with the given prefix (case-insensitive).
func (c *Catalog) Service(prefix string) (*Service, bool) {
	return lookupFold(c.services, prefix)
}

// LookupAction returns the action named "prefix:Name", both parts
// case-insensitive. Wildcards are not expanded (see [Catalog.ExpandActions]).
func (c *Catalog) LookupAction(action string) (*Action, bool) {
	return lookupFold(c.actions, action)
}

// ExpandActions returns the actions whose full name matches pattern, where
// `*` matches any run of characters and `?` any one character, without
// regard to case: "cleanrooms:Get*", "*:Get*", "*". The result is sorted by
// service prefix, then action name; it is empty when nothing matches.
func (c *Catalog) ExpandActions(pattern string) []*Action {
	var out []*Action
	if svc, act, ok := strings.Cut(pattern, ":"); ok && !wildcard.HasWildcard(svc) {
		s, ok := c.Service(svc)
		if !ok {
			return nil
		}
		for _, a := range c.serviceActions(s) {
			if wildcard.MatchFold(act, a.Name) {
				out = append(out, a)
			}
		}
		return out
	}
	for _, a := range c.sorted {
		if wildcard.MatchFold(pattern, a.fullName) {
			out = append(out, a)
		}
	}
	return out
}

// serviceActions returns the sorted sub-slice of c.sorted for one service.
func (c *Catalog) serviceActions(s *Service) []*Action {
	lo, _ := slices.BinarySearchFunc(c.sorted, s.Prefix, func(a *Action, p string) int {
		return strings.Compare(a.Service, p)
	})
	hi := lo + len(s.Actions)
	if hi > len(c.sorted) {
		hi = len(c.sorted)
	}
	return c.sorted[lo:hi]
}

// ResourceTypesFor returns those of the action's resource types whose ARN
// format the concrete ARN fits, in the order the action lists them. It
// returns nil for actions that list no resource types.
func (c *Catalog) ResourceTypesFor(action *Action, arn string) []*ResourceType {
	if action == nil {
		return nil
	}
	var out []*ResourceType
	for i := range action.ResourceTypes {
		if rt := action.ResourceTypes[i].Type; rt != nil && rt.MatchARN(arn) {
			out = append(out, rt)
		}
	}
	return out
}

// ConditionKey describes a condition key by name (case-insensitive). It finds
// global keys (aws:SourceIp), service keys (cleanrooms-ml:CollaborationId),
// federation keys (saml:sub, accounts.google.com:aud), and instances of
// template keys: aws:ResourceTag/Team is described by the entry
// aws:ResourceTag/${TagKey}, s3:ExistingObjectTag/x by
// s3:ExistingObjectTag/<key>. Global entries win over service entries.
func (c *Catalog) ConditionKey(key string) (*ConditionKey, bool) {
	if k, ok := lookupFold(c.keys, key); ok {
		return k, true
	}
	for _, k := range c.templates {
		if wildcard.MatchFold(k.pat, key) {
			return k, true
		}
	}
	return nil, false
}

// isGlobalKey reports whether key is one of AWS's global condition keys or an
// instance of a global template.
func (c *Catalog) isGlobalKey(key string) bool {
	if _, ok := lookupFold(c.globalKeys, key); ok {
		return true
	}
	for _, k := range c.globalTemplates {
		if wildcard.MatchFold(k.pat, key) {
			return true
		}
	}
	return false
}

// ActionSupportsKey reports whether the action supports the condition key:
// the key (or a template it instantiates) is listed on the action, on the
// action's entry for rt (for any of its resource types when rt is nil), or
// on the resource type itself. Global keys — everything in AWS's list of
// global condition keys, aws:ResourceTag/x and aws:RequestTag/x included — are
// always supported, since the request context may hold them for any action.
func (c *Catalog) ActionSupportsKey(a *Action, rt *ResourceType, key string) bool {
	if a == nil {
		return false
	}
	if c.isGlobalKey(key) || matchAnyKey(a.keyPats, key) {
		return true
	}
	for i := range a.ResourceTypes {
		ar := &a.ResourceTypes[i]
		if rt != nil && ar.Type != rt {
			continue
		}
		if matchAnyKey(ar.keyPats, key) || (ar.Type != nil && matchAnyKey(ar.Type.keyPats, key)) {
			return true
		}
	}
	return rt != nil && matchAnyKey(rt.keyPats, key)
}

func matchAnyKey(pats []string, key string) bool {
	for _, p := range pats {
		if wildcard.MatchFold(p, key) {
			return true
		}
	}
	return false
}

// RCPApplies reports whether resource control policies apply to the service
// (case-insensitive prefix), per AWS's list of services that support them.
func (c *Catalog) RCPApplies(servicePrefix string) bool {
	v, _ := lookupFold(c.rcp, servicePrefix)
	return v
}

// lookupFold looks s up in a map keyed by lower-case strings without
// allocating for keys up to 128 bytes.
func lookupFold[V any](m map[string]V, s string) (V, bool) {
	var buf [128]byte
	if len(s) > len(buf) {
		v, ok := m[lowerASCII(s)]
		return v, ok
	}
	b := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		b[i] = ch
	}
	v, ok := m[string(b)]
	return v, ok
}

// lowerASCII lower-cases ASCII letters only, as IAM does for names.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
