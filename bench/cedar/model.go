package cedarbench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
)

// ScenarioDir is where the main module's TestWriteBenchScenarios writes the
// scenarios, relative to this package's directory.
const ScenarioDir = "../iamsimulate/scenarios"

// Scenario is one scenario file: iam-simulate's runSimulation input with the
// benchmark's name and the decision it must reach.
type Scenario struct {
	Name     string `json:"name"`
	Expected string `json:"expectedDecision"`
	Input    struct {
		IdentityPolicies []NamedPolicy `json:"identityPolicies"`
		Request          struct {
			Principal string `json:"principal"`
			Action    string `json:"action"`
			Resource  struct {
				Resource  string `json:"resource"`
				AccountID string `json:"accountId"`
			} `json:"resource"`
			ContextVariables map[string]json.RawMessage `json:"contextVariables"`
		} `json:"request"`
	} `json:"input"`
}

// NamedPolicy is an IAM policy document with its name.
type NamedPolicy struct {
	Name   string          `json:"name"`
	Policy json.RawMessage `json:"policy"`
}

// LoadScenario reads bench/iamsimulate/scenarios/<name>.json.
func LoadScenario(name string) (*Scenario, error) {
	path := filepath.Join(ScenarioDir, name+".json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (write the scenarios first: from the repository root, go test -run TestWriteBenchScenarios ./internal/authz -write-bench-scenarios)", err)
	}
	var s Scenario
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// Entity types of the model (see typical.cedar).
const (
	typeSession = types.EntityType("IAM::RoleSession")
	typeRole    = types.EntityType("IAM::Role")
	typeAccount = types.EntityType("IAM::Account")
	typeAction  = types.EntityType("Action")
)

// ResourceType names the Cedar entity type of an ARN: the service's namespace
// and the resource type, the path segment before the last id
// ("arn:aws:cleanrooms:r:a:membership/m/analysistemplate/t" is
// CleanRooms::AnalysisTemplate).
func ResourceType(arn string) types.EntityType {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "Resource"
	}
	ns := map[string]string{"cleanrooms": "CleanRooms", "iam": "IAM", "s3": "S3", "logs": "Logs", "glue": "Glue"}[parts[2]]
	if ns == "" {
		ns = strings.ToUpper(parts[2][:1]) + parts[2][1:]
	}
	segs := strings.Split(parts[5], "/")
	typ := segs[0]
	if len(segs) >= 2 {
		typ = segs[len(segs)-2]
	}
	names := map[string]string{
		"collaboration": "Collaboration", "membership": "Membership", "analysistemplate": "AnalysisTemplate",
		"configuredtable": "ConfiguredTable", "configuredtableassociation": "ConfiguredTableAssociation",
	}
	if n, ok := names[typ]; ok {
		typ = n
	} else if typ != "" {
		typ = strings.ToUpper(typ[:1]) + typ[1:]
	}
	return types.EntityType(ns + "::" + typ)
}

// ContextName is the Cedar context attribute for an IAM global condition key:
// "aws:RequestedRegion" is "requestedRegion".
func ContextName(key string) string {
	k := strings.TrimPrefix(key, "aws:")
	return strings.ToLower(k[:1]) + k[1:]
}

var actionRef = regexp.MustCompile(`Action::"([^"]+)"`)

// Build makes the entities and the request of a scenario for a policy set
// whose text is policies: the principal (a role session in its role in its
// account, with aws:PrincipalTag/* as entity tags), the resource (with arn,
// account and region attributes and aws:ResourceTag/* as tags), the requested
// action as a member of each action group (an IAM wildcard pattern) of the
// policy text that it matches, and the other keys as the context record.
func Build(s *Scenario, policies string) (cedar.EntityMap, cedar.Request, error) {
	r := &s.Input.Request
	// arn:aws:sts::A:assumed-role/Role/session
	p := strings.SplitN(r.Principal, ":", 6)
	if len(p) != 6 || !strings.HasPrefix(p[5], "assumed-role/") {
		return nil, cedar.Request{}, fmt.Errorf("principal %q is not a role session", r.Principal)
	}
	acct := p[4]
	roleName := strings.Split(strings.TrimPrefix(p[5], "assumed-role/"), "/")[0]
	accountUID := types.NewEntityUID(typeAccount, types.String(acct))
	roleUID := types.NewEntityUID(typeRole, types.String("arn:"+p[1]+":iam::"+acct+":role/"+roleName))
	sessionUID := types.NewEntityUID(typeSession, types.String(r.Principal))
	resARN := r.Resource.Resource
	resUID := types.NewEntityUID(ResourceType(resARN), types.String(resARN))
	actionUID := types.NewEntityUID(typeAction, types.String(r.Action))

	principalTags := types.RecordMap{}
	resourceTags := types.RecordMap{}
	ctx := types.RecordMap{}
	for k, raw := range r.ContextVariables {
		var v types.Value
		var list []string
		var one string
		if err := json.Unmarshal(raw, &list); err == nil {
			vs := make([]types.Value, len(list))
			for i, x := range list {
				vs[i] = types.String(x)
			}
			v = types.NewSet(vs...)
		} else if err := json.Unmarshal(raw, &one); err != nil {
			return nil, cedar.Request{}, fmt.Errorf("context %s: %w", k, err)
		} else {
			switch {
			case strings.EqualFold(k, "aws:SourceIp"):
				ip, err := types.ParseIPAddr(one)
				if err != nil {
					return nil, cedar.Request{}, err
				}
				v = ip
			case strings.EqualFold(k, "aws:CurrentTime"):
				t, err := time.Parse(time.RFC3339, one)
				if err != nil {
					return nil, cedar.Request{}, err
				}
				v = types.NewDatetime(t)
			case one == "true" || one == "false":
				v = types.Boolean(one == "true")
			default:
				v = types.String(one)
			}
		}
		switch {
		case strings.HasPrefix(k, "aws:PrincipalTag/"):
			principalTags[types.String(strings.TrimPrefix(k, "aws:PrincipalTag/"))] = v
		case strings.HasPrefix(k, "aws:ResourceTag/"):
			resourceTags[types.String(strings.TrimPrefix(k, "aws:ResourceTag/"))] = v
		default:
			ctx[types.String(ContextName(k))] = v
		}
	}

	var groups []types.EntityUID
	seen := map[string]bool{}
	for _, m := range actionRef.FindAllStringSubmatch(policies, -1) {
		pat := m[1]
		if seen[pat] || !strings.ContainsAny(pat, "*?") {
			continue
		}
		seen[pat] = true
		if GlobFold(pat, r.Action) {
			groups = append(groups, types.NewEntityUID(typeAction, types.String(pat)))
		}
	}

	resParts := strings.SplitN(resARN, ":", 6)
	region := ""
	if len(resParts) == 6 {
		region = resParts[3]
	}
	entities := cedar.EntityMap{
		accountUID: {UID: accountUID},
		roleUID:    {UID: roleUID, Parents: types.NewEntityUIDSet(accountUID)},
		sessionUID: {
			UID:     sessionUID,
			Parents: types.NewEntityUIDSet(roleUID),
			Attributes: types.NewRecord(types.RecordMap{
				"arn":     types.String(r.Principal),
				"account": types.String(acct),
			}),
			Tags: types.NewRecord(principalTags),
		},
		resUID: {
			UID:     resUID,
			Parents: types.NewEntityUIDSet(types.NewEntityUID(typeAccount, types.String(r.Resource.AccountID))),
			Attributes: types.NewRecord(types.RecordMap{
				"arn":     types.String(resARN),
				"account": types.String(r.Resource.AccountID),
				"region":  types.String(region),
			}),
			Tags: types.NewRecord(resourceTags),
		},
		actionUID: {UID: actionUID, Parents: types.NewEntityUIDSet(groups...)},
	}
	req := cedar.Request{
		Principal: sessionUID,
		Action:    actionUID,
		Resource:  resUID,
		Context:   types.NewRecord(ctx),
	}
	return entities, req, nil
}

// GlobFold matches s against an IAM action pattern (`*` any run, `?` one
// character), without regard to ASCII case.
func GlobFold(pat, s string) bool {
	pat, s = strings.ToLower(pat), strings.ToLower(s)
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pat) && pat[px] == '*':
			star, mark = px, sx
			px++
		case px < len(pat) && (pat[px] == '?' || pat[px] == s[sx]):
			px++
			sx++
		case star >= 0:
			mark++
			px, sx = star+1, mark
		default:
			return false
		}
	}
	for px < len(pat) && pat[px] == '*' {
		px++
	}
	return px == len(pat)
}
