package policy

// StatementTrace is one statement's verdict on a request and the reason for
// it, for explanations; building it allocates, so decisions never do.
type StatementTrace struct {
	Index      int         `json:"index"`
	Sid        string      `json:"sid,omitempty"`
	Effect     string      `json:"effect"`
	Applies    bool        `json:"applies"`
	Reason     string      `json:"reason"`
	Action     bool        `json:"actionMatches"`
	Resource   bool        `json:"resourceMatches"`
	Principal  string      `json:"principalMatch,omitempty"`
	Conditions []CondTrace `json:"conditions,omitempty"`
}

// CondTrace is one condition: its operator, key and values, the request's
// values for the key, and whether it held.
type CondTrace struct {
	Operator string   `json:"operator"`
	Key      string   `json:"key"`
	Values   []string `json:"values"`
	Request  []string `json:"requestValues"`
	Present  bool     `json:"keyPresent"`
	Holds    bool     `json:"holds"`
}

// PolicyTrace is a policy's statements traced against a request. Verdict is
// "Deny" when a Deny statement applies, else "Allow" when an Allow does,
// else "NoMatch".
type PolicyTrace struct {
	Name       string           `json:"name"`
	Verdict    string           `json:"verdict"`
	Statements []StatementTrace `json:"statements"`
}

// Trace explains the policy's verdict on the request statement by statement.
func (c *Compiled) Trace(req *Request) PolicyTrace {
	pt := PolicyTrace{Name: c.Name, Verdict: "NoMatch"}
	for i := range c.stmts {
		st := c.stmts[i].Trace(req)
		if st.Applies {
			if st.Effect == "Deny" {
				pt.Verdict = "Deny"
			} else if pt.Verdict != "Deny" {
				pt.Verdict = "Allow"
			}
		}
		pt.Statements = append(pt.Statements, st)
	}
	return pt
}

// Trace explains whether the statement applies to the request, element by
// element, and names the first element that does not match.
func (s *Stmt) Trace(req *Request) StatementTrace {
	st := StatementTrace{Index: s.Src.Index, Sid: s.Src.Sid, Effect: s.Effect.String()}
	st.Action = s.MatchAction(req.Action)
	st.Resource = s.MatchResource(req.Context, req.Resource)
	principalOK := true
	if s.principal != nil {
		pm := NoMatch
		if req.Principal != nil {
			pm = s.MatchPrincipal(req.Principal)
		}
		st.Principal = pm.String()
		principalOK = pm != NoMatch
	}
	condsOK := true
	for i := range s.conds {
		c := s.conds[i].src
		v, present := req.Context.Get(c.Key)
		ct := CondTrace{Operator: c.Operator, Key: c.Key, Values: c.Values, Request: v.Values, Present: present, Holds: s.conds[i].eval(req.Context)}
		if ct.Request == nil {
			ct.Request = []string{}
		}
		condsOK = condsOK && ct.Holds
		st.Conditions = append(st.Conditions, ct)
	}
	st.Applies = st.Action && st.Resource && principalOK && condsOK
	switch {
	case st.Applies:
		st.Reason = "applies: action, resource, principal and conditions all match"
	case !st.Action:
		st.Reason = "the action does not match " + s.elem("Action", s.notAction)
	case !st.Resource:
		st.Reason = "the resource does not match " + s.elem("Resource", s.notResource)
	case !principalOK:
		st.Reason = "the principal does not match " + s.elem("Principal", s.notPrincipal)
	default:
		for _, ct := range st.Conditions {
			if ct.Holds {
				continue
			}
			if !ct.Present {
				st.Reason = "the condition " + ct.Operator + " on " + ct.Key + " does not hold: the key is not in the request"
			} else {
				st.Reason = "the condition " + ct.Operator + " on " + ct.Key + " does not hold for the request's value"
			}
			break
		}
	}
	return st
}

// elem names an element as the statement spells it (Action or NotAction ...).
func (s *Stmt) elem(name string, not bool) string {
	if not {
		return "Not" + name
	}
	return name
}
