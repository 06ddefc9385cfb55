package simulate

import (
	"github.com/cleanroom-dev/cleanroom/internal/authz"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// Explain tells which statements of which policies applied to the request,
// and why the others did not.
type Explain struct {
	SameAccount bool            `json:"sameAccount"`
	Policies    []PolicyExplain `json:"policies"`
}

// PolicyExplain is one policy's part in the decision.
type PolicyExplain struct {
	Type       string             `json:"type"`
	Name       string             `json:"name"`
	Level      string             `json:"level,omitempty"`
	Verdict    string             `json:"verdict"` // "Deny", "Allow" or "NoMatch"
	Statements []StatementExplain `json:"statements"`
}

// StatementExplain is one statement's verdict and the reason for it.
type StatementExplain struct {
	Index      int           `json:"index"`
	Sid        string        `json:"sid,omitempty"`
	Effect     string        `json:"effect"`
	Applies    bool          `json:"applies"`
	Reason     string        `json:"reason"`
	Action     bool          `json:"actionMatches"`
	Resource   bool          `json:"resourceMatches"`
	Principal  string        `json:"principalMatch,omitempty"`
	Conditions []CondExplain `json:"conditions,omitempty"`
}

// CondExplain is one condition: its operator, key and values, the request's
// value, and whether it held.
type CondExplain struct {
	Operator string   `json:"operator"`
	Key      string   `json:"key"`
	Values   []string `json:"values"`
	Request  []string `json:"requestValues"`
	Present  bool     `json:"keyPresent"`
	Holds    bool     `json:"holds"`
}

func (p *Prepared) explain() *Explain {
	req := &p.Request.Request
	e := &Explain{SameAccount: req.Principal != nil && req.Principal.Account != "" && req.Principal.Account == p.Request.ResourceAccount}
	add := func(c *policy.Compiled) {
		if c == nil {
			return
		}
		l := p.labels[c]
		pe := PolicyExplain{Type: l.typ.String(), Name: c.Name, Level: l.level, Verdict: "NoMatch"}
		stmts := c.Statements()
		for i := range stmts {
			se := explainStatement(&stmts[i], req)
			if se.Applies {
				if se.Effect == "Deny" {
					pe.Verdict = "Deny"
				} else if pe.Verdict != "Deny" {
					pe.Verdict = "Allow"
				}
			}
			pe.Statements = append(pe.Statements, se)
		}
		e.Policies = append(e.Policies, pe)
	}
	for _, lvl := range p.Policies.RCP {
		for _, c := range lvl {
			add(c)
		}
	}
	for _, lvl := range p.Policies.SCP {
		for _, c := range lvl {
			add(c)
		}
	}
	add(p.Policies.Resource)
	for _, c := range p.Policies.Identity {
		add(c)
	}
	for _, c := range p.Policies.Boundary {
		add(c)
	}
	for _, c := range p.Policies.Session {
		add(c)
	}
	return e
}

func explainStatement(s *policy.Stmt, req *policy.Request) StatementExplain {
	se := StatementExplain{Index: s.Src.Index, Sid: s.Src.Sid, Effect: s.Effect.String()}
	se.Action = s.MatchAction(req.Action)
	se.Resource = s.MatchResource(req.Context, req.Resource)
	principalOK := true
	if s.HasPrincipal() {
		pm := policy.NoMatch
		if req.Principal != nil {
			pm = s.MatchPrincipal(req.Principal)
		}
		se.Principal = pm.String()
		principalOK = pm != policy.NoMatch
	}
	condsOK := true
	for i, c := range s.Conditions() {
		v, present := req.Context.Get(c.Key)
		ce := CondExplain{Operator: c.Operator, Key: c.Key, Values: c.Values, Request: v.Values, Present: present, Holds: s.ConditionHolds(req.Context, i)}
		if ce.Request == nil {
			ce.Request = []string{}
		}
		condsOK = condsOK && ce.Holds
		se.Conditions = append(se.Conditions, ce)
	}
	se.Applies = se.Action && se.Resource && principalOK && condsOK
	switch {
	case se.Applies:
		se.Reason = "applies: action, resource, principal and conditions all match"
	case !se.Action:
		se.Reason = "the action does not match " + actionElem(s)
	case !se.Resource:
		se.Reason = "the resource does not match " + resourceElem(s)
	case !principalOK:
		se.Reason = "the principal does not match " + principalElem(s)
	default:
		for _, ce := range se.Conditions {
			if !ce.Holds {
				if !ce.Present {
					se.Reason = "the condition " + ce.Operator + " on " + ce.Key + " does not hold: the key is not in the request"
				} else {
					se.Reason = "the condition " + ce.Operator + " on " + ce.Key + " does not hold for the request's value"
				}
				break
			}
		}
	}
	return se
}

func actionElem(s *policy.Stmt) string {
	if s.Src.NotAction {
		return "NotAction"
	}
	return "Action"
}

func resourceElem(s *policy.Stmt) string {
	if s.Src.NotResource {
		return "NotResource"
	}
	return "Resource"
}

func principalElem(s *policy.Stmt) string {
	if s.Src.NotPrincipal {
		return "NotPrincipal"
	}
	return "Principal"
}

var _ = authz.Allowed
