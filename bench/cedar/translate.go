package cedarbench

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// iamStatement is the subset of an IAM statement that the statements-N
// generator writes.
type iamStatement struct {
	Effect    string                                `json:"Effect"`
	Action    []string                              `json:"Action"`
	Resource  []string                              `json:"Resource"`
	Condition map[string]map[string]json.RawMessage `json:"Condition"`
}

type iamDocument struct {
	Statement []iamStatement `json:"Statement"`
}

// TranslateIdentityPolicy renders an IAM identity policy attached to role as
// Cedar: one permit (Allow) or forbid (Deny) per statement, scoped to the
// role, with
//   - Action: `action in [...]` (an exact action is itself, a wildcard
//     pattern an action group, see Build);
//   - Resource: none for "*", `resource == <uid>` for exact ARNs, `like` on
//     resource.arn for patterns;
//   - Condition: one `when` per operator and key, for the operators the
//     generator uses (StringEquals, StringNotEquals, Bool, IpAddress,
//     NotIpAddress); aws:PrincipalTag/K and aws:ResourceTag/K are entity tags,
//     other keys context attributes, and a value "${key}" the key's value.
func TranslateIdentityPolicy(name string, doc []byte, role string) (string, error) {
	var d iamDocument
	if err := json.Unmarshal(doc, &d); err != nil {
		return "", err
	}
	var b strings.Builder
	for i, s := range d.Statement {
		effect := map[string]string{"Allow": "permit", "Deny": "forbid"}[s.Effect]
		if effect == "" {
			return "", fmt.Errorf("statement %d: effect %q", i, s.Effect)
		}
		fmt.Fprintf(&b, "@id(%s)\n%s (principal in IAM::Role::%s, ", strconv.Quote(fmt.Sprintf("%s/%d", name, i)), effect, strconv.Quote(role))
		acts := make([]string, len(s.Action))
		for j, a := range s.Action {
			acts[j] = "Action::" + strconv.Quote(a)
		}
		if len(acts) == 1 && !strings.ContainsAny(s.Action[0], "*?") {
			b.WriteString("action == " + acts[0])
		} else {
			b.WriteString("action in [" + strings.Join(acts, ", ") + "]")
		}
		var exact, like []string
		all := false
		for _, r := range s.Resource {
			switch {
			case r == "*":
				all = true
			case strings.Contains(r, "?"):
				return "", fmt.Errorf("statement %d: resource %q: Cedar patterns have no '?'", i, r)
			case strings.Contains(r, "*"):
				like = append(like, "resource.arn like "+strconv.Quote(r))
			default:
				exact = append(exact, fmt.Sprintf("%s::%s", ResourceType(r), strconv.Quote(r)))
			}
		}
		switch {
		case all:
			b.WriteString(", resource)")
		case len(exact) == 1 && len(like) == 0:
			b.WriteString(", resource == " + exact[0] + ")")
		default:
			b.WriteString(", resource)")
			var alts []string
			for _, e := range exact {
				alts = append(alts, "resource == "+e)
			}
			alts = append(alts, like...)
			b.WriteString("\nwhen { " + strings.Join(alts, " || ") + " }")
		}
		ops := make([]string, 0, len(s.Condition))
		for op := range s.Condition {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			keys := make([]string, 0, len(s.Condition[op]))
			for k := range s.Condition[op] {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				expr, err := condition(op, k, s.Condition[op][k])
				if err != nil {
					return "", fmt.Errorf("statement %d: %w", i, err)
				}
				b.WriteString("\nwhen { " + expr + " }")
			}
		}
		b.WriteString(";\n\n")
	}
	return b.String(), nil
}

// keyExpr is the Cedar expression for a condition key's value.
func keyExpr(key string) string {
	switch {
	case strings.HasPrefix(key, "aws:PrincipalTag/"):
		return "principal.getTag(" + strconv.Quote(strings.TrimPrefix(key, "aws:PrincipalTag/")) + ")"
	case strings.HasPrefix(key, "aws:ResourceTag/"):
		return "resource.getTag(" + strconv.Quote(strings.TrimPrefix(key, "aws:ResourceTag/")) + ")"
	}
	return "context." + ContextName(key)
}

// valueExpr is a condition value: a string, or the key a "${key}" names.
func valueExpr(v string) string {
	if strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") && strings.Count(v, "${") == 1 {
		return keyExpr(v[2 : len(v)-1])
	}
	return strconv.Quote(v)
}

func condition(op, key string, raw json.RawMessage) (string, error) {
	var vals []string
	if err := json.Unmarshal(raw, &vals); err != nil {
		var one string
		if err := json.Unmarshal(raw, &one); err != nil {
			return "", fmt.Errorf("%s %s: %w", op, key, err)
		}
		vals = []string{one}
	}
	k := keyExpr(key)
	var terms []string
	join := " || "
	switch op {
	case "StringEquals":
		for _, v := range vals {
			terms = append(terms, k+" == "+valueExpr(v))
		}
	case "StringNotEquals":
		join = " && "
		for _, v := range vals {
			terms = append(terms, k+" != "+valueExpr(v))
		}
	case "Bool":
		for _, v := range vals {
			terms = append(terms, k+" == "+strings.ToLower(v))
		}
	case "IpAddress":
		for _, v := range vals {
			terms = append(terms, k+".isInRange(ip("+strconv.Quote(v)+"))")
		}
	case "NotIpAddress":
		join = " && "
		for _, v := range vals {
			terms = append(terms, "!"+k+".isInRange(ip("+strconv.Quote(v)+"))")
		}
	default:
		return "", fmt.Errorf("operator %s is not translated", op)
	}
	return strings.Join(terms, join), nil
}
