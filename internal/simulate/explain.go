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
	Level      string             `json:"level,omitempty"` // the orgIdentifier of an SCP or RCP level
	Verdict    string             `json:"verdict"`         // "Deny", "Allow" or "NoMatch"
	Statements []StatementExplain `json:"statements"`
}

// StatementExplain is one statement's verdict and the reason for it.
type StatementExplain = policy.StatementTrace

// CondExplain is one condition: its operator, key and values, the request's
// value, and whether it held.
type CondExplain = policy.CondTrace

func (p *Prepared) explain() *Explain {
	x := authz.Explain(&p.Request, &p.Policies)
	e := &Explain{SameAccount: x.SameAccount}
	for _, pt := range x.Policies {
		pe := PolicyExplain{Type: pt.Type.String(), Name: pt.Name, Verdict: pt.Verdict, Statements: pt.Statements}
		switch pt.Type {
		case authz.SCP:
			pe.Level = p.levelName(p.scpLevels, pt.Level)
		case authz.RCP:
			pe.Level = p.levelName(p.rcpLevels, pt.Level)
		}
		e.Policies = append(e.Policies, pe)
	}
	return e
}

func (p *Prepared) levelName(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return ""
}
