// Package scenario reads simulation scenarios: one authorization request with
// every policy that bears on it, in the JSON shape of the runSimulation input of
// the npm package @cloud-copilot/iam-simulate (see DESIGN.md, "Contracts").
//
// Policies are kept as raw JSON so that the strict policy parser sees exactly
// what the user wrote (duplicate keys, element order, whitespace for size limits).
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Scenario is one simulation input.
type Scenario struct {
	// ID is echoed back in JSON-lines mode; it is not part of the iam-simulate shape.
	ID                         json.RawMessage `json:"id,omitempty"`
	IdentityPolicies           []NamedPolicy   `json:"identityPolicies"`
	ServiceControlPolicies     []OrgPolicies   `json:"serviceControlPolicies"`
	ResourceControlPolicies    []OrgPolicies   `json:"resourceControlPolicies"`
	ResourcePolicy             json.RawMessage `json:"resourcePolicy,omitempty"`
	PermissionBoundaryPolicies []NamedPolicy   `json:"permissionBoundaryPolicies,omitempty"`
	SessionPolicy              json.RawMessage `json:"sessionPolicy,omitempty"`
	Request                    Request         `json:"request"`
}

// NamedPolicy is a policy document with the name it is reported under.
type NamedPolicy struct {
	Name   string          `json:"name"`
	Policy json.RawMessage `json:"policy"`
}

// OrgPolicies is the set of SCPs or RCPs attached at one level of an
// organization (root, an OU, or the account); levels are listed root first.
type OrgPolicies struct {
	OrgIdentifier string        `json:"orgIdentifier"`
	Policies      []NamedPolicy `json:"policies"`
}

// Request is the request being decided.
type Request struct {
	Principal        Principal         `json:"principal"`
	Action           string            `json:"action"`
	Resource         Resource          `json:"resource"`
	ContextVariables map[string]Values `json:"contextVariables"`
}

// Resource names the requested resource and the account that owns it.
type Resource struct {
	Resource  string `json:"resource"`
	AccountID string `json:"accountId"`
}

// Principal is either an ARN (or service principal name) or the anonymous
// principal, written {"type":"Anonymous"}.
type Principal struct {
	ID        string
	Anonymous bool
}

// UnmarshalJSON accepts a string or {"type":"Anonymous"}.
func (p *Principal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*p = Principal{}
		return json.Unmarshal(b, &p.ID)
	}
	var o struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return fmt.Errorf("request.principal: want a string or {\"type\":\"Anonymous\"}: %w", err)
	}
	if o.Type != "Anonymous" {
		return fmt.Errorf("request.principal: unknown principal type %q", o.Type)
	}
	*p = Principal{Anonymous: true}
	return nil
}

// MarshalJSON writes the form UnmarshalJSON reads.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Anonymous {
		return []byte(`{"type":"Anonymous"}`), nil
	}
	return json.Marshal(p.ID)
}

// Values is a context variable's value: one string or a list of strings.
// Multi records whether it was written as a list, since a one-element list is
// still a multivalued key.
type Values struct {
	Values []string
	Multi  bool
}

// UnmarshalJSON accepts a string or an array of strings. Numbers and booleans
// are accepted and kept in their JSON text, as a request context carries them.
func (v *Values) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make([]string, 0, len(raw))
		for _, r := range raw {
			s, err := scalar(r)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		*v = Values{Values: out, Multi: true}
		return nil
	}
	s, err := scalar(b)
	if err != nil {
		return err
	}
	*v = Values{Values: []string{s}}
	return nil
}

// MarshalJSON writes the form UnmarshalJSON reads.
func (v Values) MarshalJSON() ([]byte, error) {
	if v.Multi {
		if v.Values == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.Values)
	}
	if len(v.Values) == 0 {
		return []byte(`""`), nil
	}
	return json.Marshal(v.Values[0])
}

func scalar(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", errors.New("empty context value")
	}
	switch b[0] {
	case '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case '{', '[':
		return "", errors.New("a context value must be a string or a list of strings")
	case 'n':
		return "", errors.New("a context value must not be null")
	}
	return string(b), nil // number or boolean, as written
}

// Decode reads one scenario from a JSON document.
func Decode(data []byte) (*Scenario, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("scenario: unexpected data after the scenario object")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate checks that the fields every simulation needs are present.
func (s *Scenario) Validate() error {
	if s.Request.Action == "" {
		return errors.New("scenario: request.action is required")
	}
	if !s.Request.Principal.Anonymous && s.Request.Principal.ID == "" {
		return errors.New("scenario: request.principal is required")
	}
	if s.Request.Resource.Resource == "" {
		return errors.New("scenario: request.resource.resource is required")
	}
	for i, p := range s.IdentityPolicies {
		if len(p.Policy) == 0 {
			return fmt.Errorf("scenario: identityPolicies[%d].policy is required", i)
		}
	}
	return nil
}

// ContextKeys returns the context variable names in sorted order.
func (r *Request) ContextKeys() []string {
	keys := make([]string, 0, len(r.ContextVariables))
	for k := range r.ContextVariables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
