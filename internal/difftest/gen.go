package difftest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

// Generator makes random but realistic scenarios over the cleanrooms,
// cleanrooms-ml, iam, sts and s3 actions: every principal kind, every policy
// type, every condition operator with its qualifiers, policy variables. It is
// deterministic for a seed.
//
// The scenarios stay inside what AWS would evaluate and what the oracle models
// the same way: request context keys apply to the action (and the principal's
// own keys, which the oracle does not derive from the principal, are always
// given, consistently with it); SCPs are absent for service principals and
// anonymous requests; RCPs appear only on s3 and sts requests; session
// policies only for roles and role sessions; identity policies, boundaries
// and session policies never for service principals, account roots or
// anonymous requests; the requested
// resource never holds * or ?; multivalued keys are tested only with
// ForAllValues:/ForAnyValue:; policy variables appear only in Version
// 2012-10-17 policies and never in the region or account part of an ARN
// that is matched as an ARN; the ${*} ${?} ${$} escapes only in Like
// operators and Resource elements; date conditions use the request value's
// form (ISO 8601 or epoch seconds). Where AWS and the oracle still differ,
// see KnownDivergences.
type Generator struct {
	rand *rand.Rand
	seed uint64
	n    int
}

// NewGenerator returns a generator for the given seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{rand: rand.New(rand.NewPCG(seed, 0x5eedc1ea42000001)), seed: seed}
}

// Scenarios returns n scenarios.
func (g *Generator) Scenarios(n int) []*scenario.Scenario {
	out := make([]*scenario.Scenario, n)
	for i := range out {
		out[i] = g.Scenario()
	}
	return out
}

type principalKind int

const (
	pkUser principalKind = iota
	pkRole
	pkSession
	pkRoot
	pkService
	pkAnonymous
)

type principal struct {
	kind    principalKind
	acct    string
	name    string // user name, role name or service principal name
	session string
	arn     string // the request principal
	iamArn  string // aws:PrincipalArn: the role ARN for a role session
	userid  string
}

func (p principal) iam() bool { return p.kind <= pkRoot }

func (p principal) hasTags() bool { return p.kind == pkUser || p.kind == pkRole || p.kind == pkSession }

// request is the request being generated, which the policies are then
// written against.
type request struct {
	spec     *actionSpec
	service  string
	region   string
	acct     string // the resource's account
	resource string
	id1, id2 string // resource ids (bucket and key, membership and template, ...)
	p        principal
	ctx      map[string]scenario.Values
}

func (r *request) has(key string) bool { _, ok := r.ctx[key]; return ok }

func (r *request) value(key string) string {
	v, ok := r.ctx[key]
	if !ok || len(v.Values) == 0 {
		return ""
	}
	return v.Values[0]
}

// Scenario returns the next random scenario. Its ID is "g<seed>-<n>".
func (g *Generator) Scenario() *scenario.Scenario {
	g.n++
	r := g.request()
	sc := &scenario.Scenario{
		ID:                      json.RawMessage(fmt.Sprintf(`"g%d-%d"`, g.seed, g.n)),
		IdentityPolicies:        []scenario.NamedPolicy{},
		ServiceControlPolicies:  []scenario.OrgPolicies{},
		ResourceControlPolicies: []scenario.OrgPolicies{},
		Request: scenario.Request{
			Action:           g.actionCase(r.spec.name),
			Resource:         scenario.Resource{Resource: r.resource, AccountID: r.acct},
			ContextVariables: r.ctx,
		},
	}
	if r.p.kind == pkAnonymous {
		sc.Request.Principal = scenario.Principal{Anonymous: true}
	} else {
		sc.Request.Principal = scenario.Principal{ID: r.p.arn}
	}

	// Principal-side policies.
	if r.p.kind == pkUser || r.p.kind == pkRole || r.p.kind == pkSession {
		n := g.weighted(0.1, 0.4, 0.33, 0.17)
		for i := range n {
			sc.IdentityPolicies = append(sc.IdentityPolicies, scenario.NamedPolicy{
				Name:   fmt.Sprintf("identity-%d", i+1),
				Policy: g.policy(r, polIdentity),
			})
		}
		if g.p(0.25) {
			for i := range 1 + g.weighted(0.8, 0.2) {
				sc.PermissionBoundaryPolicies = append(sc.PermissionBoundaryPolicies, scenario.NamedPolicy{
					Name:   fmt.Sprintf("boundary-%d", i+1),
					Policy: g.policy(r, polBoundary),
				})
			}
		}
		if (r.p.kind == pkRole || r.p.kind == pkSession) && g.p(0.3) {
			sc.SessionPolicy = g.policy(r, polSession)
		}
	}
	// SCPs apply to the principals of member accounts (never to service
	// principals; anonymous requests have no account).
	if r.p.iam() && g.p(0.65) {
		levels := 1 + g.weighted(0.4, 0.35, 0.25)
		ids := []string{"r-ab12", "ou-ab12-11111111", r.p.acct}
		for l := range levels {
			op := scenario.OrgPolicies{OrgIdentifier: ids[len(ids)-levels+l]}
			for i := range 1 + g.weighted(0.65, 0.35) {
				var pol json.RawMessage
				if i == 0 && g.p(0.8) {
					pol = fullAWSAccess
				} else {
					pol = g.policy(r, polSCP)
				}
				op.Policies = append(op.Policies, scenario.NamedPolicy{Name: fmt.Sprintf("scp-%d-%d", l+1, i+1), Policy: pol})
			}
			sc.ServiceControlPolicies = append(sc.ServiceControlPolicies, op)
		}
	}
	// RCPs: only the services that support them (of ours, s3 and sts).
	if (r.service == "s3" || r.service == "sts") && g.p(0.3) {
		levels := 1 + g.weighted(0.6, 0.4)
		ids := []string{"r-ab12", r.acct}
		for l := range levels {
			op := scenario.OrgPolicies{OrgIdentifier: ids[len(ids)-levels+l]}
			for i := range 1 + g.weighted(0.8, 0.2) {
				op.Policies = append(op.Policies, scenario.NamedPolicy{Name: fmt.Sprintf("rcp-%d-%d", l+1, i+1), Policy: g.policy(r, polRCP)})
			}
			sc.ResourceControlPolicies = append(sc.ResourceControlPolicies, op)
		}
	}
	// Resource-based policies, where AWS has them.
	switch {
	case r.spec.kind == rkObject || r.spec.kind == rkBucket:
		if g.p(0.6) || r.p.kind == pkAnonymous || r.p.kind == pkService {
			sc.ResourcePolicy = g.policy(r, polBucket)
		}
	case r.service == "sts":
		sc.ResourcePolicy = g.policy(r, polTrust) // a role always has a trust policy
	case r.spec.kind == rkAudienceModel:
		if g.p(0.5) {
			sc.ResourcePolicy = g.policy(r, polResource)
		}
	}
	return sc
}

var fullAWSAccess = json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// ---------------------------------------------------------------------------
// The request.

func (g *Generator) request() *request {
	total := 0
	for _, a := range actionSpecs {
		total += a.weight
	}
	x := g.intn(total)
	var spec *actionSpec
	for i := range actionSpecs {
		x -= actionSpecs[i].weight
		if x < 0 {
			spec = &actionSpecs[i]
			break
		}
	}
	r := &request{spec: spec, service: strings.SplitN(spec.name, ":", 2)[0]}
	r.region = pick(g, regions)
	r.acct = pick(g, genAccounts)
	switch spec.kind {
	case rkCollaboration:
		r.id1 = pick(g, collabIDs)
		r.resource = fmt.Sprintf("arn:aws:cleanrooms:%s:%s:collaboration/%s", r.region, r.acct, r.id1)
	case rkMembership:
		r.id1 = pick(g, membershipIDs)
		r.resource = fmt.Sprintf("arn:aws:cleanrooms:%s:%s:membership/%s", r.region, r.acct, r.id1)
	case rkAnalysisTemplate:
		r.id1, r.id2 = pick(g, membershipIDs), pick(g, templateIDs)
		r.resource = fmt.Sprintf("arn:aws:cleanrooms:%s:%s:membership/%s/analysistemplate/%s", r.region, r.acct, r.id1, r.id2)
	case rkConfiguredTable:
		r.id1 = pick(g, tableIDs)
		r.resource = fmt.Sprintf("arn:aws:cleanrooms:%s:%s:configuredtable/%s", r.region, r.acct, r.id1)
	case rkTrainingDataset:
		r.id1 = pick(g, datasetIDs)
		r.resource = fmt.Sprintf("arn:aws:cleanrooms-ml:%s:%s:training-dataset/%s", r.region, r.acct, r.id1)
	case rkAudienceModel:
		r.id1 = pick(g, camIDs)
		r.resource = fmt.Sprintf("arn:aws:cleanrooms-ml:%s:%s:configured-audience-model/%s", r.region, r.acct, r.id1)
	case rkRole:
		r.region = "us-east-1"
		r.id1 = pick(g, roleNames)
		r.resource = fmt.Sprintf("arn:aws:iam::%s:role/%s", r.acct, r.id1)
	case rkUser:
		r.region = "us-east-1"
		r.id1 = pick(g, userNames)
		r.resource = fmt.Sprintf("arn:aws:iam::%s:user/%s", r.acct, r.id1)
	case rkObject:
		r.id1, r.id2 = pick(g, buckets), pick(g, objectKeys)
		r.acct = bucketOwner[r.id1]
		r.resource = fmt.Sprintf("arn:aws:s3:::%s/%s", r.id1, r.id2)
	case rkBucket:
		r.id1 = pick(g, buckets)
		r.acct = bucketOwner[r.id1]
		r.resource = "arn:aws:s3:::" + r.id1
	}
	r.p = g.principal(r)
	g.context(r)
	return r
}

func (g *Generator) principal(r *request) principal {
	// Weights of user, role, role session, account root, service, anonymous.
	var w []float64
	switch r.service {
	case "sts":
		w = []float64{0.25, 0.05, 0.3, 0.04, 0.36, 0}
	case "s3":
		w = []float64{0.3, 0.05, 0.32, 0.03, 0.1, 0.2}
	default:
		w = []float64{0.42, 0.08, 0.42, 0.04, 0.04, 0}
	}
	p := principal{kind: principalKind(g.weighted(w...))}
	if p.kind == pkAnonymous || p.kind == pkService {
		if p.kind == pkService {
			p.name = pick(g, servicePrincipals)
			p.arn = p.name
		}
		return p
	}
	// Same account as the resource more often than not; most often where
	// no resource-based policy can let another account in.
	same := 0.8
	if r.service == "s3" || r.service == "sts" || r.spec.kind == rkAudienceModel {
		same = 0.6
	}
	if g.p(same) {
		p.acct = r.acct
	} else {
		p.acct = pick(g, genAccounts)
	}
	switch p.kind {
	case pkUser:
		p.name = pick(g, userNames)
		p.arn = fmt.Sprintf("arn:aws:iam::%s:user/%s", p.acct, p.name)
		p.iamArn = p.arn
		p.userid = userIDs[p.name]
	case pkRole:
		p.name = pick(g, roleNames)
		p.arn = fmt.Sprintf("arn:aws:iam::%s:role/%s", p.acct, p.name)
		p.iamArn = p.arn
		p.userid = roleIDs[p.name]
	case pkSession:
		p.name = pick(g, roleNames)
		p.session = pick(g, sessionNames)
		p.arn = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", p.acct, p.name, p.session)
		p.iamArn = fmt.Sprintf("arn:aws:iam::%s:role/%s", p.acct, p.name)
		p.userid = roleIDs[p.name] + ":" + p.session
	case pkRoot:
		p.arn = fmt.Sprintf("arn:aws:iam::%s:root", p.acct)
		p.iamArn = p.arn
		p.userid = p.acct
	}
	return p
}

// context fills the request context with keys that apply to the action: the
// principal's keys (which the oracle does not derive from the principal, so
// they are always given, consistently), the global request keys, and the
// action's own keys.
func (g *Generator) context(r *request) {
	r.ctx = map[string]scenario.Values{}
	set := func(k, v string) { r.ctx[k] = scenario.Values{Values: []string{v}} }
	setMulti := func(k string, vs []string) { r.ctx[k] = scenario.Values{Values: vs, Multi: true} }
	p := r.p
	switch {
	case p.iam():
		set("aws:PrincipalArn", p.iamArn)
		set("aws:PrincipalAccount", p.acct)
		set("aws:userid", p.userid)
		set("aws:PrincipalIsAWSService", "false")
		switch p.kind {
		case pkUser:
			set("aws:PrincipalType", "User")
			set("aws:username", p.name)
		case pkRoot:
			set("aws:PrincipalType", "Account")
		default:
			set("aws:PrincipalType", "AssumedRole")
		}
		if org, ok := accountOrg[p.acct]; ok {
			set("aws:PrincipalOrgID", org)
			if g.p(0.7) {
				setMulti("aws:PrincipalOrgPaths", []string{accountOrgPath[p.acct]})
			}
		}
		if p.hasTags() {
			if g.p(0.65) {
				set("aws:PrincipalTag/team", pick(g, staticPools["aws:PrincipalTag/team"]))
			}
			if g.p(0.4) {
				set("aws:PrincipalTag/project", pick(g, staticPools["aws:PrincipalTag/project"]))
			}
			if g.p(0.3) {
				set("aws:PrincipalTag/cert", pick(g, staticPools["aws:PrincipalTag/cert"]))
			}
		}
		if g.p(0.6) {
			mfa := g.p(0.5)
			set("aws:MultiFactorAuthPresent", fmt.Sprint(mfa))
			if mfa && g.p(0.8) {
				set("aws:MultiFactorAuthAge", pick(g, staticPools["aws:MultiFactorAuthAge"]))
			}
		}
		if p.kind == pkSession {
			if g.p(0.5) {
				set("aws:TokenIssueTime", pick(g, isoInstants))
			}
			if g.p(0.25) {
				set("aws:SourceIdentity", pick(g, staticPools["aws:SourceIdentity"]))
			}
		}
		if g.p(0.2) {
			via := []string{"cleanrooms.amazonaws.com"}
			if g.p(0.4) {
				via = append(via, "athena.amazonaws.com")
			} else if g.p(0.3) {
				via = []string{"cleanrooms-ml.amazonaws.com", "cleanrooms.amazonaws.com"}
			}
			setMulti("aws:CalledVia", via)
			if g.p(0.5) {
				set("aws:CalledViaFirst", via[0])
				set("aws:CalledViaLast", via[len(via)-1])
			}
			set("aws:ViaAWSService", "true")
		} else if g.p(0.4) {
			set("aws:ViaAWSService", "false")
		}
	case p.kind == pkService:
		set("aws:PrincipalServiceName", p.name)
		if g.p(0.7) {
			set("aws:PrincipalIsAWSService", "true")
		}
		if g.p(0.3) {
			setMulti("aws:PrincipalServiceNamesList", []string{p.name})
		}
		if g.p(0.85) {
			acct := r.acct
			if g.p(0.4) {
				acct = pick(g, genAccounts)
			}
			mid := pick(g, membershipIDs)
			set("aws:SourceArn", fmt.Sprintf("arn:aws:cleanrooms:%s:%s:membership/%s", pick(g, regions), acct, mid))
			if g.p(0.9) {
				set("aws:SourceAccount", acct)
			}
			if r.spec.name == "sts:AssumeRole" && g.p(0.8) {
				if g.p(0.3) {
					acct, mid = pick(g, genAccounts), pick(g, membershipIDs)
				}
				set("sts:ExternalId", fmt.Sprintf("arn:aws:cleanrooms:us-east-1:%s:dbuser:%s/%s", acct, pick(g, collabIDs), mid))
			}
		}
	case p.kind == pkAnonymous:
		if g.p(0.5) {
			set("aws:PrincipalType", "Anonymous")
		}
	}

	// Request keys.
	if p.kind != pkService && g.p(0.65) {
		set("aws:SourceIp", pick(g, staticPools["aws:SourceIp"]))
	}
	if g.p(0.7) {
		i := g.intn(len(isoInstants))
		if g.p(0.8) {
			set("aws:CurrentTime", isoInstants[i])
		}
		if g.p(0.6) {
			set("aws:EpochTime", epochInstants[i])
		}
	}
	if g.p(0.6) {
		set("aws:SecureTransport", fmt.Sprint(g.p(0.7)))
	}
	set("aws:RequestedRegion", r.region)
	if g.p(0.3) {
		set("aws:UserAgent", pick(g, staticPools["aws:UserAgent"]))
	}
	set("aws:ResourceAccount", r.acct)
	if org, ok := accountOrg[r.acct]; ok && g.p(0.6) {
		set("aws:ResourceOrgID", org)
	}

	// The action's keys.
	keys := map[string]bool{}
	for _, k := range r.spec.keys {
		keys[k] = true
	}
	if keys["aws:TagKeys"] {
		// Request tags and aws:TagKeys agree.
		var tagKeys []string
		for _, t := range []string{"team", "project"} {
			k := "aws:RequestTag/" + t
			if keys[k] && g.p(0.5) {
				set(k, pick(g, staticPools[k]))
				tagKeys = append(tagKeys, t)
			}
		}
		if !keys["aws:RequestTag/team"] || g.p(0.15) { // untagging, or an extra key
			tagKeys = append(tagKeys, pick(g, staticPools["aws:TagKeys"]))
		}
		if len(tagKeys) > 0 && g.p(0.85) {
			setMulti("aws:TagKeys", dedupe(tagKeys))
		}
		if keys["sts:TransitiveTagKeys"] && len(tagKeys) > 0 && g.p(0.4) {
			setMulti("sts:TransitiveTagKeys", tagKeys[:1+g.intn(len(tagKeys))])
		}
	}
	if keys["s3:RequestObjectTagKeys"] {
		var tk []string
		if g.p(0.5) {
			set("s3:RequestObjectTag/classification", pick(g, staticPools["s3:RequestObjectTag/classification"]))
			tk = append(tk, "classification")
		}
		if g.p(0.3) {
			tk = append(tk, "owner")
		}
		if len(tk) > 0 && g.p(0.8) {
			setMulti("s3:RequestObjectTagKeys", tk)
		}
	}
	for _, k := range r.spec.keys {
		if r.has(k) || strings.HasPrefix(k, "aws:RequestTag/") || k == "aws:TagKeys" || k == "sts:TransitiveTagKeys" ||
			strings.HasPrefix(k, "s3:RequestObjectTag") {
			continue
		}
		switch k {
		case "s3:ResourceAccount":
			if g.p(0.5) {
				set(k, r.acct)
			}
		case "iam:AssociatedResourceArn":
			if g.p(0.4) {
				set(k, fmt.Sprintf("arn:aws:cleanrooms:us-east-1:%s:membership/%s", pick(g, genAccounts), pick(g, membershipIDs)))
			}
		case "iam:PermissionsBoundary":
			if g.p(0.4) {
				set(k, fmt.Sprintf("arn:aws:iam::%s:policy/%s", r.acct, pick(g, []string{"CleanRoomsBoundary", "AdminBoundary"})))
			}
		case "sts:ExternalId":
			if g.p(0.4) {
				set(k, pick(g, []string{"partner-42", "partner-7"}))
			}
		case "aws:ResourceTag/team", "iam:ResourceTag/team":
			// A resource has one set of tags: both keys agree.
			if !r.has("aws:ResourceTag/team") && !r.has("iam:ResourceTag/team") && g.p(0.6) {
				v := pick(g, staticPools[k])
				for _, kk := range []string{"aws:ResourceTag/team", "iam:ResourceTag/team"} {
					if keys[kk] {
						set(kk, v)
					}
				}
			}
		case "s3:object-lock-retain-until-date":
			if g.p(0.2) {
				set(k, pick(g, isoInstants))
			}
		default:
			pool := staticPools[k]
			if len(pool) == 0 {
				panic("difftest: no value pool for " + k)
			}
			if g.p(0.5) {
				set(k, pick(g, pool))
			}
		}
	}
}

// applicableKeys are the keys the request may carry; conditions mostly test
// these.
func (r *request) applicableKeys() []string {
	var out []string
	add := func(ks ...string) { out = append(out, ks...) }
	switch {
	case r.p.iam():
		add("aws:PrincipalArn", "aws:PrincipalAccount", "aws:userid", "aws:PrincipalType", "aws:PrincipalOrgID",
			"aws:PrincipalOrgPaths", "aws:PrincipalIsAWSService", "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge",
			"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:ViaAWSService")
		if r.p.kind == pkUser {
			add("aws:username")
		}
		if r.p.hasTags() {
			add("aws:PrincipalTag/team", "aws:PrincipalTag/project", "aws:PrincipalTag/cert")
		}
		if r.p.kind == pkSession {
			add("aws:TokenIssueTime", "aws:SourceIdentity")
		}
	case r.p.kind == pkService:
		add("aws:PrincipalServiceName", "aws:PrincipalIsAWSService", "aws:PrincipalServiceNamesList", "aws:SourceArn", "aws:SourceAccount")
		if r.spec.name == "sts:AssumeRole" {
			add("sts:ExternalId")
		}
	}
	add("aws:SourceIp", "aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport", "aws:RequestedRegion", "aws:UserAgent",
		"aws:ResourceAccount", "aws:ResourceOrgID")
	add(r.spec.keys...)
	return dedupe(out)
}

// ---------------------------------------------------------------------------
// Policies.

type policyKind int

const (
	polIdentity policyKind = iota
	polBoundary
	polSession
	polSCP
	polRCP
	polBucket   // S3 bucket policy
	polTrust    // role trust policy
	polResource // Clean Rooms ML configured audience model policy
)

func (k policyKind) resourceBased() bool { return k >= polBucket }

type stmtJSON struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       string                    `json:"Effect"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

type policyJSON struct {
	Version   string `json:"Version,omitempty"`
	ID        string `json:"Id,omitempty"`
	Statement any    `json:"Statement"`
}

// pctx is what a statement is being written for.
type pctx struct {
	kind policyKind
	vars bool // Version 2012-10-17: policy variables are substituted
}

func (g *Generator) policy(r *request, kind policyKind) json.RawMessage {
	doc := policyJSON{Version: "2012-10-17"}
	if kind != polRCP && kind != polTrust {
		switch g.weighted(0.82, 0.09, 0.09) {
		case 1:
			doc.Version = "2008-10-17"
		case 2:
			doc.Version = ""
		}
	}
	pc := pctx{kind: kind, vars: doc.Version == "2012-10-17"}
	var n int
	switch kind {
	case polSCP, polRCP:
		n = 1 + g.weighted(0.7, 0.3)
	case polTrust:
		n = 1 + g.weighted(0.65, 0.35)
	default:
		n = 1 + g.weighted(0.5, 0.35, 0.15)
	}
	stmts := make([]stmtJSON, n)
	for i := range stmts {
		stmts[i] = g.statement(r, pc)
		if g.p(0.3) {
			stmts[i].Sid = fmt.Sprintf("S%d", i+1)
		}
	}
	if n == 1 && g.p(0.3) {
		doc.Statement = stmts[0]
	} else {
		doc.Statement = stmts
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

func (g *Generator) statement(r *request, pc pctx) stmtJSON {
	var s stmtJSON
	var denyP float64
	switch pc.kind {
	case polIdentity:
		denyP = 0.15
	case polBoundary, polSession:
		denyP = 0.08
	case polSCP:
		denyP = 0.4
	case polRCP:
		denyP = 1 // custom RCPs may only deny
	case polTrust:
		denyP = 0.12
	default:
		denyP = 0.22
	}
	s.Effect = "Allow"
	if g.p(denyP) {
		s.Effect = "Deny"
	}

	// Action.
	switch {
	case pc.kind == polRCP:
		s.Action = g.actionElem(r, false)
	case pc.kind == polTrust:
		s.Action = pick(g, []any{"sts:AssumeRole", "sts:AssumeRole", []string{"sts:AssumeRole", "sts:TagSession"}, "sts:*",
			[]string{"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"}, "sts:TagSession", "sts:SetSourceIdentity"})
		if g.p(0.25) {
			s.Action = g.actionElem(r, true)
		}
	case g.p(0.13):
		s.NotAction = g.notActionElem(r)
	default:
		s.Action = g.actionElem(r, true)
	}

	// Principal.
	if pc.kind.resourceBased() {
		if s.Effect == "Deny" && pc.kind != polTrust && g.p(0.25) {
			s.NotPrincipal = g.principalElem(r, true)
		} else {
			s.Principal = g.principalElem(r, false)
		}
	} else if pc.kind == polRCP {
		s.Principal = "*"
	}

	// Resource.
	if pc.kind != polTrust {
		if pc.kind != polRCP && g.p(0.1) {
			s.NotResource = g.resourceElem(r, pc, true)
		} else {
			s.Resource = g.resourceElem(r, pc, false)
		}
	}

	// Condition. Deny statements are conditional more often, so that an
	// explicit deny does not decide most scenarios.
	condP := 0.3
	if s.Effect == "Deny" {
		condP = 0.8
	}
	if pc.kind == polRCP || pc.kind == polTrust && r.p.kind == pkService {
		condP = 0.9
	}
	if g.p(condP) {
		s.Condition = g.condition(r, pc)
	}
	return s
}

// actionElem is an Action element that matches the request's action about
// two times in three.
func (g *Generator) actionElem(r *request, allowStar bool) any {
	one := func() string {
		name := r.spec.name
		svc, act, _ := strings.Cut(name, ":")
		switch g.intn(12) {
		case 0, 1, 11:
			return name
		case 2:
			return g.caseMangle(name)
		case 3:
			return svc + ":*"
		case 4:
			return svc + ":" + act[:1+g.intn(min(5, len(act)))] + "*"
		case 5:
			return svc + ":*" + act[len(act)-1-g.intn(min(6, len(act)-1)):]
		case 6:
			i := g.intn(len(act))
			return svc + ":" + act[:i] + "?" + act[i+1:]
		case 7:
			if allowStar {
				return "*"
			}
			return svc + ":*"
		case 8, 9:
			return pick(g, otherActions[svc])
		default:
			others := []string{}
			for _, a := range actionSpecs {
				if a.name != name && strings.HasPrefix(a.name, svc+":") {
					others = append(others, a.name)
				}
			}
			if len(others) == 0 || g.p(0.3) {
				return pick(g, []string{"sts:GetCallerIdentity", "iam:ListRoles", "cleanrooms:ListCollaborations", "s3:ListAllMyBuckets"})
			}
			return pick(g, others)
		}
	}
	if g.p(0.3) {
		n := 2 + g.intn(2)
		out := make([]string, n)
		for i := range out {
			out[i] = one()
		}
		return out
	}
	return one()
}

func (g *Generator) notActionElem(r *request) any {
	svc, _, _ := strings.Cut(r.spec.name, ":")
	var vals []string
	switch g.intn(4) {
	case 0:
		vals = []string{pick(g, otherActions[svc])}
	case 1:
		vals = []string{"iam:*", "organizations:*"}
	case 2:
		vals = []string{r.spec.name}
	default:
		vals = []string{svc + ":*", pick(g, otherActions[svc])}
	}
	if len(vals) == 1 && g.p(0.6) {
		return vals[0]
	}
	return vals
}

// principalElem is a Principal (or NotPrincipal) element of a resource-based
// policy that names the requester in about half the cases.
func (g *Generator) principalElem(r *request, not bool) any {
	p := r.p
	acct := p.acct
	if acct == "" || g.p(0.3) {
		acct = pick(g, genAccounts)
	}
	one := func() string {
		switch g.intn(9) {
		case 0:
			return acct
		case 1:
			return "arn:aws:iam::" + acct + ":root"
		case 2, 3:
			if p.kind == pkSession && g.p(0.5) {
				return p.arn // the session ARN itself
			}
			if p.iamArn != "" {
				return p.iamArn
			}
			return fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, pick(g, roleNames))
		case 4:
			return fmt.Sprintf("arn:aws:iam::%s:user/%s", acct, pick(g, userNames))
		case 5:
			return fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, pick(g, roleNames))
		case 6:
			return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", acct, pick(g, roleNames), pick(g, sessionNames))
		default:
			return "arn:aws:iam::" + pick(g, genAccounts) + ":root"
		}
	}
	if !not {
		star := 0.18
		if p.kind == pkAnonymous {
			star = 0.45
		}
		switch x := g.rand.Float64(); {
		case x < star:
			return "*"
		case x < star+0.04:
			return map[string]any{"AWS": "*"}
		case x < star+0.04+g.serviceWeight(r):
			svc := pick(g, servicePrincipals)
			if p.kind == pkService && g.p(0.6) {
				svc = p.name
			}
			if g.p(0.2) {
				return map[string]any{"Service": []string{svc, "glue.amazonaws.com"}}
			}
			return map[string]any{"Service": svc}
		}
	}
	if g.p(0.3) {
		return map[string]any{"AWS": dedupe([]string{one(), one()})}
	}
	return map[string]any{"AWS": one()}
}

func (g *Generator) serviceWeight(r *request) float64 {
	if r.p.kind == pkService {
		return 0.45
	}
	return 0.08
}

// resourceElem is a Resource (or NotResource) element that matches the
// requested resource about half the time: the ARN itself, wildcards at
// several depths, policy variables, and near misses (other ids, other
// accounts, other case).
func (g *Generator) resourceElem(r *request, pc pctx, not bool) any {
	one := func() string {
		if pc.kind == polBucket {
			return g.bucketResource(r, pc)
		}
		if g.p(0.7) {
			return g.matchingResource(r, pc)
		}
		return g.otherResource(r, pc)
	}
	if pc.kind == polSCP && !not && g.p(0.5) {
		return "*"
	}
	if g.p(0.25) {
		return dedupe([]string{one(), one()})
	}
	return one()
}

// arnOf splits the requested resource's ARN.
func arnOf(arn string) (service, region, account, res string) {
	parts := strings.SplitN(arn, ":", 6)
	return parts[2], parts[3], parts[4], parts[5]
}

func (g *Generator) matchingResource(r *request, pc pctx) string {
	svc, region, acct, res := arnOf(r.resource)
	mk := func(region, acct, res string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", svc, region, acct, res)
	}
	segs := strings.Split(res, "/")
	switch g.intn(10) {
	case 0:
		return "*"
	case 1, 2:
		return r.resource
	case 3:
		return mk(region, acct, "*")
	case 4:
		// Wildcard the last path segment (or the whole id).
		segs[len(segs)-1] = "*"
		return mk(region, acct, strings.Join(segs, "/"))
	case 5:
		rg, ac := region, acct
		if rg != "" && g.p(0.6) {
			rg = "*"
		}
		if ac != "" && g.p(0.6) {
			ac = "*"
		}
		if g.p(0.5) && len(segs) > 1 {
			segs[1] = "*"
		}
		return mk(rg, ac, strings.Join(segs, "/"))
	case 6:
		// A prefix of the ARN and a star; now and then one cut before the
		// resource part (a short ARN).
		from := len(r.resource) - len(res)
		if g.p(0.1) {
			from = len("arn:aws:")
		}
		cut := from + g.intn(len(r.resource)-from)
		return r.resource[:cut] + "*"
	case 7:
		// One character replaced by ?.
		i := len(r.resource) - 1 - g.intn(min(12, len(res)))
		return r.resource[:i] + "?" + r.resource[i+1:]
	default:
		if pc.vars {
			if v := g.variableResource(r); v != "" {
				return v
			}
		}
		return mk(region, "*", res)
	}
}

// variableResource is a resource pattern with policy variables; it matches
// when the principal's name or tags line up with the resource's.
func (g *Generator) variableResource(r *request) string {
	switch r.spec.kind {
	case rkObject:
		return pick(g, []string{
			"arn:aws:s3:::" + r.id1 + "/home/${aws:username}/*",
			"arn:aws:s3:::*/${aws:userid}/*",
			"arn:aws:s3:::" + r.id1 + "/${aws:PrincipalTag/team}/*",
			"arn:aws:s3:::cr-${aws:PrincipalTag/team, 'red'}-results/*",
			"arn:aws:s3:::" + r.id1 + "/reports/q1${$}final.csv",
		})
	case rkBucket:
		return pick(g, []string{"arn:aws:s3:::cr-${aws:PrincipalTag/team}-*", "arn:aws:s3:::cr-${aws:PrincipalTag/team, 'shared'}-*"})
	case rkRole:
		return pick(g, []string{
			"arn:aws:iam::" + r.acct + ":role/${aws:PrincipalTag/team}-analyst",
			"arn:aws:iam::*:role/${aws:PrincipalTag/team, 'blue'}-*",
			"arn:aws:iam::*:role/${aws:username}",
		})
	case rkUser:
		return pick(g, []string{"arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::" + r.acct + ":user/${aws:username}"})
	default:
		// Variables go in the resource part only: whether AWS substitutes
		// them in the region and account parts is not documented (the
		// oracle does not).
		svc, region, acct, res := arnOf(r.resource)
		typ := strings.SplitN(res, "/", 2)[0]
		return pick(g, []string{
			fmt.Sprintf("arn:aws:%s:%s:%s:%s/${aws:PrincipalTag/project, '%s'}*", svc, region, acct, typ, r.id1[:4]),
			fmt.Sprintf("arn:aws:%s:*:*:%s/*", svc, typ),
		})
	}
}

func (g *Generator) otherResource(r *request, pc pctx) string {
	svc, region, acct, res := arnOf(r.resource)
	segs := strings.Split(res, "/")
	switch g.intn(6) {
	case 0:
		// Another account (the pool is small: sometimes the same one).
		if acct != "" {
			return fmt.Sprintf("arn:aws:%s:%s:%s:%s", svc, region, pick(g, genAccounts), res)
		}
		return "arn:aws:s3:::" + pick(g, buckets) + "/*"
	case 1:
		// Resource ids are case-sensitive.
		return r.resource[:len(r.resource)-len(res)] + strings.ToUpper(res)
	case 2:
		// Another resource of the same type.
		if len(segs) > 1 {
			segs[len(segs)-1] = pick(g, []string{"other", segs[len(segs)-1] + "-old", "x"})
			return fmt.Sprintf("arn:aws:%s:%s:%s:%s", svc, region, acct, strings.Join(segs, "/"))
		}
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s-backup", svc, region, acct, res)
	case 3:
		// A resource type of another service or kind.
		return pick(g, []string{
			"arn:aws:cleanrooms:*:*:configuredtable/*",
			"arn:aws:cleanrooms:us-east-1:" + pick(g, genAccounts) + ":collaboration/*",
			"arn:aws:iam::*:policy/*",
			"arn:aws:s3:::" + pick(g, buckets),
			"arn:aws:cleanrooms-ml:*:*:training-dataset/*",
			"arn:aws:iam::" + pick(g, genAccounts) + ":role/" + pick(g, roleNames),
		})
	case 4:
		if pc.vars {
			return g.variableResource(r)
		}
		return g.matchingResource(r, pc)
	default:
		return g.matchingResource(r, pc)
	}
}

func (g *Generator) bucketResource(r *request, pc pctx) string {
	b := r.id1
	if g.p(0.15) {
		b = pick(g, buckets)
	}
	switch g.intn(8) {
	case 0:
		return "arn:aws:s3:::" + b
	case 1, 2:
		return "arn:aws:s3:::" + b + "/*"
	case 3:
		return r.resource
	case 4:
		return "arn:aws:s3:::" + b + "/" + pick(g, []string{"home/*", "data/*", "home/alice/*", "red/*"})
	case 5:
		if pc.vars {
			return g.variableResource(r)
		}
		return "arn:aws:s3:::" + b + "*"
	case 6:
		return "arn:aws:s3:::" + b + "/?" + "*"
	default:
		return g.matchingResource(r, pc)
	}
}

// ---------------------------------------------------------------------------
// Conditions.

// Operators are the base condition operators; every one of them is generated,
// each also with IfExists (but Null) and with ForAllValues:/ForAnyValue: on
// multivalued keys.
var Operators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike",
	"Null",
}

func opFamily(op string) keyType {
	switch {
	case strings.HasPrefix(op, "String"):
		return kString
	case strings.HasPrefix(op, "Numeric"):
		return kNum
	case strings.HasPrefix(op, "Date"):
		return kDate
	case op == "Bool":
		return kBool
	case op == "BinaryEquals":
		return kBinary
	case strings.Contains(op, "IpAddress"):
		return kIP
	case strings.HasPrefix(op, "Arn"):
		return kArn
	}
	return -1 // Null
}

func keyFits(op string, d keyDef) bool {
	switch f := opFamily(op); f {
	case -1:
		return true
	case kString:
		return d.typ == kString || d.typ == kArn
	case kNum:
		return d.typ == kNum || d.alsoNumeric
	default:
		return d.typ == f
	}
}

func (g *Generator) condition(r *request, pc pctx) map[string]map[string]any {
	cond := map[string]map[string]any{}
	applicable := r.applicableKeys()
	for range 1 + g.weighted(0.6, 0.3, 0.1) {
		base := pick(g, Operators)
		if pc.kind == polRCP && g.p(0.4) {
			// Typical RCP guardrails.
			base = pick(g, []string{"StringNotEqualsIfExists", "BoolIfExists", "StringNotEquals", "Bool"})
			base = strings.TrimSuffix(base, "IfExists")
		}
		nkeys := 1 + g.weighted(0.75, 0.25)
		var keys []string
		for range nkeys {
			k := g.condKey(r, base, applicable)
			if k != "" && !contains(keys, k) {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		multi := keyDefs[keys[0]].multi
		// All keys of one operator block share its set qualifier: keep the
		// block homogeneous.
		ks := keys[:1]
		for _, k := range keys[1:] {
			if keyDefs[k].multi == multi {
				ks = append(ks, k)
			}
		}
		op := base
		if base != "Null" {
			if g.p(0.22) {
				op += "IfExists"
			}
			if multi || g.p(0.04) {
				op = pick(g, []string{"ForAllValues:", "ForAnyValue:"}) + op
			}
		}
		block := cond[op]
		if block == nil {
			block = map[string]any{}
			cond[op] = block
		}
		for _, k := range ks {
			vals := g.condValues(r, k, base, pc)
			if len(vals) == 1 && g.p(0.7) {
				block[g.keyCase(k)] = vals[0]
			} else {
				block[g.keyCase(k)] = vals
			}
		}
	}
	if len(cond) == 0 {
		return nil
	}
	return cond
}

// condKey picks a key the operator applies to: most often one the request
// carries (so that the values decide), else one it may carry, else any.
func (g *Generator) condKey(r *request, op string, applicable []string) string {
	var fit []string
	switch x := g.rand.Float64(); {
	case x < 0.6:
		for _, k := range keyNames {
			if r.has(k) && keyFits(op, keyDefs[k]) {
				fit = append(fit, k)
			}
		}
	case x < 0.9:
		for _, k := range applicable {
			if keyFits(op, keyDefs[k]) {
				fit = append(fit, k)
			}
		}
	}
	if len(fit) == 0 {
		for _, k := range keyNames {
			if keyFits(op, keyDefs[k]) {
				fit = append(fit, k)
			}
		}
	}
	if len(fit) == 0 {
		return ""
	}
	return pick(g, fit)
}

func (g *Generator) condValues(r *request, key, op string, pc pctx) []any {
	n := 1 + g.weighted(0.6, 0.3, 0.1)
	out := make([]any, 0, n)
	for range n {
		out = append(out, g.condValue(r, key, op, pc))
	}
	return out
}

func (g *Generator) condValue(r *request, key, op string, pc pctx) any {
	switch opFamily(op) {
	case -1: // Null
		v := g.p(0.5)
		if g.p(0.25) {
			return v
		}
		return fmt.Sprint(v)
	case kBool:
		v := g.p(0.5)
		switch {
		case g.p(0.2):
			return v
		case g.p(0.1):
			return strings.ToUpper(fmt.Sprint(v)[:1]) + fmt.Sprint(v)[1:]
		}
		return fmt.Sprint(v)
	case kNum:
		pool := numericPolicyPools[key]
		if len(pool) == 0 {
			pool = []string{"1", "10"}
		}
		v := pick(g, pool)
		if r.has(key) && g.p(0.35) {
			v = r.value(key) // equal: decides Equals against NotEquals, LessThan against LessThanEquals
		}
		if g.p(0.2) {
			return json.Number(v)
		}
		return v
	case kDate:
		// The oracle compares epoch seconds with ISO dates as milliseconds,
		// so a policy date takes the form of the request's value.
		if r.has(key) && g.p(0.35) {
			return r.value(key)
		}
		if key == "aws:EpochTime" {
			return pick(g, epochPolicyDates)
		}
		return pick(g, isoPolicyDates)
	case kIP:
		if r.has(key) && g.p(0.25) {
			if v := r.value(key); strings.Contains(v, ":") {
				return v + "/128"
			}
			return r.value(key) + "/32"
		}
		return pick(g, []string{"203.0.113.0/24", "198.51.100.7/32", "10.0.0.0/8", "2001:db8::/32", "203.0.113.5", "192.0.2.0/24"})
	case kBinary:
		return pick(g, staticPools[key])
	case kArn:
		return g.arnValue(r, key, op, pc)
	}
	return g.stringValue(r, key, op, pc)
}

// valuePool returns candidate values for a key: its static pool, or values
// around the request's own for keys derived from the principal or resource.
func (g *Generator) valuePool(r *request, key string) []string {
	switch key {
	case "aws:PrincipalAccount", "aws:SourceAccount", "aws:ResourceAccount", "s3:ResourceAccount":
		return genAccounts
	case "aws:userid":
		return []string{"AIDAALICE00000001", "AIDABOB0000000001", "AROAREDANALYST001:alice", "AROAQUERYROLE0001:etl-job", acctA}
	case "aws:username":
		return userNames
	case "sts:ExternalId":
		if r.p.kind == pkService {
			return []string{
				fmt.Sprintf("arn:aws:cleanrooms:us-east-1:%s:dbuser:%s/%s", r.acct, collabIDs[0], membershipIDs[0]),
				fmt.Sprintf("arn:aws:cleanrooms:us-east-1:%s:dbuser:%s/%s", acctB, collabIDs[1], membershipIDs[1]),
			}
		}
		return []string{"partner-42", "partner-7"}
	}
	if v, ok := r.ctx[key]; ok && g.p(0.5) && len(v.Values) > 0 {
		return v.Values
	}
	if pool := staticPools[key]; len(pool) > 0 {
		return pool
	}
	return []string{"x"}
}

func (g *Generator) stringValue(r *request, key, op string, pc pctx) string {
	if pc.vars && g.p(0.3) {
		var vs []string
		for _, v := range variablePools[key] {
			// The ${*} ${?} ${$} escapes only in operators that have
			// wildcards: the oracle leaves them unresolved elsewhere.
			if strings.Contains(op, "Like") || !strings.Contains(v, "${*}") && !strings.Contains(v, "${?}") && !strings.Contains(v, "${$}") {
				vs = append(vs, v)
			}
		}
		vs = append(vs, stringOnlyVariablePools[key]...)
		if len(vs) > 0 {
			return pick(g, vs)
		}
	}
	if keyDefs[key].typ == kArn {
		return g.arnValue(r, key, "ArnEquals", pctx{kind: pc.kind})
	}
	if key == "sts:ExternalId" && r.p.kind == pkService && strings.Contains(op, "Like") && g.p(0.6) {
		// The Clean Rooms seed pattern for the external id.
		return "arn:aws:*:us-east-1:*:dbuser:*/" + pick(g, membershipIDs) + "*"
	}
	v := pick(g, g.valuePool(r, key))
	if strings.Contains(op, "IgnoreCase") && g.p(0.5) || g.p(0.08) {
		v = g.caseMangle(v)
	}
	if strings.Contains(op, "Like") && g.p(0.6) {
		v = g.likePattern(v)
	}
	return v
}

func (g *Generator) arnValue(r *request, key, op string, pc pctx) string {
	if pc.vars && len(variablePools[key]) > 0 && g.p(0.25) {
		return pick(g, variablePools[key])
	}
	var v string
	switch key {
	case "aws:PrincipalArn":
		acct := r.p.acct
		if acct == "" || g.p(0.4) {
			acct = pick(g, genAccounts)
		}
		switch g.intn(4) {
		case 0:
			if r.p.iamArn != "" {
				v = r.p.iamArn
				break
			}
			fallthrough
		case 1:
			v = fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, pick(g, roleNames))
		case 2:
			v = fmt.Sprintf("arn:aws:iam::%s:user/%s", acct, pick(g, userNames))
		default:
			v = fmt.Sprintf("arn:aws:iam::%s:root", acct)
		}
	case "aws:SourceArn", "iam:AssociatedResourceArn":
		acct := r.acct
		if g.p(0.4) {
			acct = pick(g, genAccounts)
		}
		v = fmt.Sprintf("arn:aws:cleanrooms:%s:%s:membership/%s", pick(g, regions), acct, pick(g, membershipIDs))
	case "iam:PermissionsBoundary":
		v = fmt.Sprintf("arn:aws:iam::%s:policy/%s", pick(g, genAccounts), pick(g, []string{"CleanRoomsBoundary", "AdminBoundary"}))
	default:
		v = "arn:aws:iam::" + pick(g, genAccounts) + ":root"
	}
	if (strings.Contains(op, "Like") || strings.HasPrefix(op, "Arn") && g.p(0.15)) && g.p(0.6) {
		v = g.arnPattern(v)
	}
	return v
}

// arnPattern wildcards an ARN: a whole component, the end of the resource,
// or one character.
func (g *Generator) arnPattern(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	switch g.intn(4) {
	case 0:
		parts[4] = "*"
	case 1:
		if i := strings.LastIndex(parts[5], "/"); i >= 0 {
			parts[5] = parts[5][:i+1] + "*"
		} else {
			parts[5] = "*"
		}
	case 2:
		if len(parts[5]) > 2 {
			i := 1 + g.intn(len(parts[5])-1)
			parts[5] = parts[5][:i] + "?" + parts[5][i+1:]
		}
	default:
		parts[3] = "*"
		parts[5] = parts[5][:1+g.intn(len(parts[5]))] + "*"
	}
	return strings.Join(parts, ":")
}

func (g *Generator) likePattern(v string) string {
	if v == "" {
		return "*"
	}
	switch g.intn(4) {
	case 0:
		return v[:g.intn(len(v))] + "*"
	case 1:
		return "*" + v[g.intn(len(v)):]
	case 2:
		i := g.intn(len(v))
		return v[:i] + "?" + v[i+1:]
	default:
		i := g.intn(len(v))
		return v[:i] + "*" + v[i:]
	}
}

func (g *Generator) caseMangle(v string) string {
	switch g.intn(3) {
	case 0:
		return strings.ToUpper(v)
	case 1:
		return strings.ToLower(v)
	default:
		b := []byte(v)
		for i := range b {
			if g.p(0.3) {
				if b[i] >= 'a' && b[i] <= 'z' {
					b[i] -= 'a' - 'A'
				} else if b[i] >= 'A' && b[i] <= 'Z' {
					b[i] += 'a' - 'A'
				}
			}
		}
		return string(b)
	}
}

// keyCase writes a condition key in another case now and then: key names are
// case-insensitive. The tag-key part is left alone.
func (g *Generator) keyCase(k string) string {
	if !g.p(0.08) {
		return k
	}
	prefix, rest, hasSlash := strings.Cut(k, "/")
	if g.p(0.5) {
		prefix = strings.ToLower(prefix)
	} else {
		prefix = strings.ToUpper(prefix[:1]) + prefix[1:]
	}
	if hasSlash {
		return prefix + "/" + rest
	}
	return prefix
}

// actionCase writes the request's action in another case now and then.
func (g *Generator) actionCase(a string) string {
	if g.p(0.05) {
		return strings.ToLower(a)
	}
	return a
}

// ---------------------------------------------------------------------------
// Helpers.

func (g *Generator) p(prob float64) bool { return g.rand.Float64() < prob }

func (g *Generator) intn(n int) int { return g.rand.IntN(n) }

// weighted returns i with probability ws[i]/sum(ws).
func (g *Generator) weighted(ws ...float64) int {
	sum := 0.0
	for _, w := range ws {
		sum += w
	}
	x := g.rand.Float64() * sum
	last := 0
	for i, w := range ws {
		if w <= 0 {
			continue
		}
		if x < w {
			return i
		}
		x -= w
		last = i
	}
	return last // rounding
}

func pick[T any](g *Generator, xs []T) T { return xs[g.rand.IntN(len(xs))] }

func dedupe(xs []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
