package difftest

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"regexp"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

// A Rule is a documented AWS behaviour on which the oracle departs from AWS.
// Its rewrite turns a scenario into one on which the oracle, following its own
// logic, reaches the decision AWS documents: a disagreement is explained only
// when, after the rules that bear on the scenario are applied, the oracle
// agrees with cleanroom. The label and the AWS page of each rule are recorded
// in testdata/known-disagreements.json.
type Rule struct {
	Label string
	// Rewrite changes doc in place and reports whether the rule bore on it.
	Rewrite func(doc *scenarioDoc) bool
}

// Rules lists the documented departures, in the order they are applied.
var Rules = []Rule{
	{Label: "root-user-full-access", Rewrite: rewriteRoot},
	{Label: "notprincipal-every-identity", Rewrite: rewriteNotPrincipal},
	{Label: "ifexists-with-set-operator", Rewrite: rewriteIfExistsSet},
	{Label: "unresolvable-variable-invalidates-statement", Rewrite: rewriteUnresolvable},
	{Label: "variables-literal-in-2008-10-17", Rewrite: rewrite2008Variables},
	{Label: "session-arn-grant-not-limited-by-session-policy", Rewrite: rewriteSessionGrant},
	{Label: "wildcard-in-resource-type", Rewrite: rewriteResourceTypeWildcard},
	{Label: "trailing-wildcard-expands-short-arn", Rewrite: rewriteShortARN},
	{Label: "ip-address-family", Rewrite: rewriteIPFamily},
}

// scenarioDoc is a scenario with its policies decoded for rewriting.
type scenarioDoc struct {
	sc       *scenario.Scenario
	identity []map[string]any
	boundary []map[string]any
	session  map[string]any
	resource map[string]any
	scps     [][]map[string]any
	rcps     [][]map[string]any
	ctx      map[string]scenario.Values // lower-cased keys
}

func decodeDoc(raw json.RawMessage) map[string]any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

func encodeDoc(m map[string]any) json.RawMessage {
	b, _ := json.Marshal(m)
	return b
}

func newScenarioDoc(sc *scenario.Scenario) *scenarioDoc {
	d := &scenarioDoc{sc: sc, ctx: map[string]scenario.Values{}}
	for _, p := range sc.IdentityPolicies {
		d.identity = append(d.identity, decodeDoc(p.Policy))
	}
	for _, p := range sc.PermissionBoundaryPolicies {
		d.boundary = append(d.boundary, decodeDoc(p.Policy))
	}
	d.session = decodeDoc(sc.SessionPolicy)
	d.resource = decodeDoc(sc.ResourcePolicy)
	for _, l := range sc.ServiceControlPolicies {
		var lvl []map[string]any
		for _, p := range l.Policies {
			lvl = append(lvl, decodeDoc(p.Policy))
		}
		d.scps = append(d.scps, lvl)
	}
	for _, l := range sc.ResourceControlPolicies {
		var lvl []map[string]any
		for _, p := range l.Policies {
			lvl = append(lvl, decodeDoc(p.Policy))
		}
		d.rcps = append(d.rcps, lvl)
	}
	for k, v := range sc.Request.ContextVariables {
		d.ctx[strings.ToLower(k)] = v
	}
	return d
}

// scenario returns a new scenario with the rewritten policies.
func (d *scenarioDoc) scenario() *scenario.Scenario {
	b, _ := json.Marshal(d.sc)
	var out scenario.Scenario
	_ = json.Unmarshal(b, &out)
	for i := range out.IdentityPolicies {
		out.IdentityPolicies[i].Policy = encodeDoc(d.identity[i])
	}
	for i := len(out.IdentityPolicies); i < len(d.identity); i++ {
		out.IdentityPolicies = append(out.IdentityPolicies, scenario.NamedPolicy{Name: "normalized-" + string(rune('a'+i)), Policy: encodeDoc(d.identity[i])})
	}
	for i := range out.PermissionBoundaryPolicies {
		out.PermissionBoundaryPolicies[i].Policy = encodeDoc(d.boundary[i])
	}
	if d.session != nil {
		out.SessionPolicy = encodeDoc(d.session)
	}
	if d.resource != nil {
		out.ResourcePolicy = encodeDoc(d.resource)
	}
	for i := range out.ServiceControlPolicies {
		for j := range out.ServiceControlPolicies[i].Policies {
			out.ServiceControlPolicies[i].Policies[j].Policy = encodeDoc(d.scps[i][j])
		}
	}
	for i := range out.ResourceControlPolicies {
		for j := range out.ResourceControlPolicies[i].Policies {
			out.ResourceControlPolicies[i].Policies[j].Policy = encodeDoc(d.rcps[i][j])
		}
	}
	return &out
}

// all returns every decoded policy document.
func (d *scenarioDoc) all() []map[string]any {
	var out []map[string]any
	out = append(out, d.identity...)
	out = append(out, d.boundary...)
	if d.session != nil {
		out = append(out, d.session)
	}
	if d.resource != nil {
		out = append(out, d.resource)
	}
	for _, l := range d.scps {
		out = append(out, l...)
	}
	for _, l := range d.rcps {
		out = append(out, l...)
	}
	return out
}

// stmts returns a policy's statements as maps (Statement may be one object).
func stmts(doc map[string]any) []map[string]any {
	if doc == nil {
		return nil
	}
	switch s := doc["Statement"].(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		var out []map[string]any
		for _, it := range s {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func strList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, it := range x {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// neutralize makes a statement apply to nothing while keeping its shape
// (Principal for resource policies, Resource or its absence).
func neutralize(st map[string]any) {
	delete(st, "NotAction")
	delete(st, "Condition")
	st["Action"] = "nosuchservice:NoSuchAction"
	if _, ok := st["NotResource"]; ok {
		delete(st, "NotResource")
		st["Resource"] = "*"
	}
	if _, ok := st["Resource"]; ok {
		st["Resource"] = "*"
	}
	if _, ok := st["NotPrincipal"]; ok {
		delete(st, "NotPrincipal")
		st["Principal"] = "*"
	}
}

// rewriteRoot: "By default, all requests are implicitly denied with the
// exception of the AWS account root user, which has full access."
// The root user's side allows everything; the oracle treats it as a
// principal without policies.
func rewriteRoot(d *scenarioDoc) bool {
	p := d.sc.Request.Principal
	if p.Anonymous || !strings.HasPrefix(p.ID, "arn:") || !strings.HasSuffix(p.ID, ":root") {
		return false
	}
	d.identity = append(d.identity, map[string]any{
		"Version":   "2012-10-17",
		"Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}},
	})
	return true
}

// callerIdentities returns what a NotPrincipal list must name to exempt the
// caller: each identity the caller acts as, each as a set of equivalent
// spellings.
func callerIdentities(principal string) [][]string {
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) != 6 {
		return [][]string{{principal}}
	}
	acct := parts[4]
	account := []string{acct, "arn:" + parts[1] + ":iam::" + acct + ":root"}
	res := parts[5]
	switch {
	case res == "root":
		return [][]string{account}
	case strings.HasPrefix(res, "assumed-role/"):
		role, _, _ := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
		return [][]string{{principal}, {"arn:" + parts[1] + ":iam::" + acct + ":role/" + role}, account}
	case strings.HasPrefix(res, "role/"):
		return [][]string{{principal}, account}
	default:
		return [][]string{{principal}, account}
	}
}

// rewriteNotPrincipal: with NotPrincipal, AWS checks every identity the
// caller acts as (its account, then its role, then its session), and "The
// NotPrincipal element with a Deny effect will always deny any IAM principal
// that has a permissions boundary policy attached". The oracle exempts a
// caller whose own ARN alone is listed.
func rewriteNotPrincipal(d *scenarioDoc) bool {
	changed := false
	p := d.sc.Request.Principal
	hasBoundary := len(d.boundary) > 0
	for _, st := range stmts(d.resource) {
		np, ok := st["NotPrincipal"]
		if !ok {
			continue
		}
		exempt := false
		switch x := np.(type) {
		case string:
			exempt = x == "*"
		case map[string]any:
			var aws, svc []string
			aws = strList(x["AWS"])
			svc = strList(x["Service"])
			switch {
			case p.Anonymous:
				exempt = contains(aws, "*")
			case !strings.HasPrefix(p.ID, "arn:"):
				exempt = contains(svc, p.ID) || contains(aws, "*")
			case contains(aws, "*"):
				exempt = true
			default:
				exempt = true
				for _, spellings := range callerIdentities(p.ID) {
					if !containsAny(aws, spellings) {
						exempt = false
					}
				}
			}
		}
		if st["Effect"] == "Deny" && hasBoundary && strings.HasPrefix(p.ID, "arn:") {
			exempt = false
		}
		if exempt {
			neutralize(st)
		} else {
			delete(st, "NotPrincipal")
			st["Principal"] = "*"
		}
		changed = true
	}
	return changed
}

func containsAny(list, any []string) bool {
	for _, s := range any {
		if contains(list, s) {
			return true
		}
	}
	return false
}

// rewriteIfExistsSet: "...IfExists: if the key is not present, evaluate the
// condition element as true" holds with a set qualifier too; the oracle
// evaluates ForAnyValue:...IfExists on a missing key as false. A condition
// that is true is removed.
func rewriteIfExistsSet(d *scenarioDoc) bool {
	changed := false
	for _, doc := range d.all() {
		for _, st := range stmts(doc) {
			cond, _ := st["Condition"].(map[string]any)
			for op, block := range cond {
				lop := strings.ToLower(op)
				if !strings.Contains(lop, ":") || !strings.HasSuffix(lop, "ifexists") {
					continue
				}
				keys, _ := block.(map[string]any)
				for k := range keys {
					if _, present := d.ctx[strings.ToLower(k)]; !present {
						delete(keys, k)
						changed = true
					}
				}
				if len(keys) == 0 {
					delete(cond, op)
				}
			}
			if cond != nil && len(cond) == 0 {
				delete(st, "Condition")
			}
		}
	}
	return changed
}

var variableRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// unresolvable reports whether s holds a variable without a default whose key
// is missing or multivalued.
func (d *scenarioDoc) unresolvable(s string) bool {
	for _, m := range variableRE.FindAllStringSubmatch(s, -1) {
		body := m[1]
		if body == "*" || body == "?" || body == "$" {
			continue
		}
		if _, def, ok := strings.Cut(body, ","); ok && strings.Contains(def, "'") {
			continue
		}
		v, ok := d.ctx[strings.ToLower(strings.TrimSpace(body))]
		if !ok || v.Multi || len(v.Values) != 1 {
			return true
		}
	}
	return false
}

func (d *scenarioDoc) stmtUnresolvable(st map[string]any) bool {
	for _, k := range []string{"Resource", "NotResource"} {
		for _, r := range strList(st[k]) {
			if d.unresolvable(r) {
				return true
			}
		}
	}
	cond, _ := st["Condition"].(map[string]any)
	for op, block := range cond {
		lop := strings.ToLower(op)
		base := lop[strings.IndexByte(lop, ':')+1:]
		if !strings.HasPrefix(base, "string") && !strings.HasPrefix(base, "arn") {
			continue // variables are substituted in String and ARN operators only
		}
		keys, _ := block.(map[string]any)
		for k, v := range keys {
			if _, present := d.ctx[strings.ToLower(k)]; !present && strings.HasSuffix(lop, "ifexists") {
				continue // IfExists on a missing key holds whatever the values
			}
			for _, s := range strList(v) {
				if d.unresolvable(s) {
					return true
				}
			}
		}
	}
	return false
}

// rewriteUnresolvable: "If AWS cannot resolve a variable this might cause the
// entire statement to be invalid." The oracle lets the statement's other
// values and resources match. Such a statement is neutralized.
func rewriteUnresolvable(d *scenarioDoc) bool {
	changed := false
	for _, doc := range d.all() {
		if doc["Version"] != "2012-10-17" {
			continue
		}
		for _, st := range stmts(doc) {
			if d.stmtUnresolvable(st) {
				neutralize(st)
				changed = true
			}
		}
	}
	return changed
}

// rewrite2008Variables: in Version 2008-10-17 (and without Version) policy
// variables are literal text; the oracle substitutes them. The literal is
// respelled so that the oracle keeps it literal.
func rewrite2008Variables(d *scenarioDoc) bool {
	changed := false
	for _, doc := range d.all() {
		if doc == nil || doc["Version"] == "2012-10-17" {
			continue
		}
		for _, st := range stmts(doc) {
			for k, v := range st {
				if k == "Effect" || k == "Sid" {
					continue
				}
				if nv, ok := respell(v); ok {
					st[k] = nv
					changed = true
				}
			}
		}
	}
	return changed
}

func respell(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		if strings.Contains(x, "${") {
			return strings.ReplaceAll(x, "${", "$["), true
		}
	case []any:
		changed := false
		for i := range x {
			if nv, ok := respell(x[i]); ok {
				x[i] = nv
				changed = true
			}
		}
		return x, changed
	case map[string]any:
		changed := false
		for k := range x {
			if nv, ok := respell(x[k]); ok {
				x[k] = nv
				changed = true
			}
		}
		return x, changed
	}
	return v, false
}

// rewriteSessionGrant: when a resource-based policy names the role session
// itself, "the session has the permissions allowed by the policy. These
// permissions are granted in addition to the permissions that are granted by
// the session policies" (STS AssumeRole and GetFederationToken references).
// The oracle still requires the session policy to allow. Within one account,
// the statements that name the session are copied into the session policy
// (without Principal), so that the session policy allows exactly when they do.
func rewriteSessionGrant(d *scenarioDoc) bool {
	p := d.sc.Request.Principal
	if d.session == nil || d.resource == nil || p.Anonymous || !strings.Contains(p.ID, ":assumed-role/") {
		return false
	}
	parts := strings.SplitN(p.ID, ":", 6)
	if len(parts) != 6 || parts[4] != d.sc.Request.Resource.AccountID {
		return false
	}
	var add []any
	for _, st := range stmts(d.resource) {
		if st["Effect"] != "Allow" {
			continue
		}
		pr, _ := st["Principal"].(map[string]any)
		if pr == nil || !contains(strList(pr["AWS"]), p.ID) {
			continue
		}
		cp := map[string]any{}
		for k, v := range st {
			if k != "Principal" && k != "Sid" {
				cp[k] = v
			}
		}
		if _, ok := cp["Resource"]; !ok {
			if _, ok := cp["NotResource"]; !ok {
				cp["Resource"] = "*"
			}
		}
		add = append(add, cp)
	}
	if len(add) == 0 {
		return false
	}
	all := append([]any{}, anySlice(stmts(d.session))...)
	d.session["Statement"] = append(all, add...)
	return true
}

func anySlice(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

// Normalize applies every rule that bears on sc and returns the rewritten
// scenario with the labels of the rules applied (none: sc unchanged).
func Normalize(sc *scenario.Scenario) (*scenario.Scenario, []string) {
	d := newScenarioDoc(sc)
	var labels []string
	for _, r := range Rules {
		if r.Rewrite(d) {
			labels = append(labels, r.Label)
		}
	}
	if len(labels) == 0 {
		return sc, nil
	}
	return d.scenario(), labels
}

// resourcePatternRE is a reference reading of "Using wildcards in resource
// ARNs" (reference_policies_elements_resource): wildcards within the
// colon-separated segments, `*` any run and `?` one character, a `*` that ends
// a segment free to match beyond the colon. It is independent of the engine's
// matcher and only rewrites the oracle's input.
func resourcePatternRE(pattern string) *regexp.Regexp {
	segs := strings.SplitN(pattern, ":", 6)
	var b strings.Builder
	b.WriteString("^")
	for i, seg := range segs {
		if i > 0 {
			b.WriteString(":")
		}
		last := i == len(segs)-1
		for j, r := range seg {
			switch r {
			case '*':
				if last || j == len(seg)-1 {
					b.WriteString(".*")
				} else {
					b.WriteString("[^:]*")
				}
			case '?':
				if last {
					b.WriteString(".")
				} else {
					b.WriteString("[^:]")
				}
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// mapStrings applies f to a string or to each string of a list, in place for
// lists; it returns the new value and whether f changed anything.
func mapStrings(v any, f func(string) (string, bool)) (any, bool) {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		changed := false
		for i, it := range x {
			if s, ok := it.(string); ok {
				if ns, ok := f(s); ok {
					x[i] = ns
					changed = true
				}
			}
		}
		return x, changed
	}
	return v, false
}

// rewriteResources applies f to every Resource and NotResource entry of every
// policy; f returns the new entry and whether it changed it.
func (d *scenarioDoc) rewriteResources(f func(string) (string, bool)) bool {
	changed := false
	for _, doc := range d.all() {
		for _, st := range stmts(doc) {
			for _, k := range []string{"Resource", "NotResource"} {
				if v, ok := st[k]; ok {
					if nv, ok := mapStrings(v, f); ok {
						st[k] = nv
						changed = true
					}
				}
			}
		}
	}
	return changed
}

// rewriteResourceTypeWildcard: wildcards may stand anywhere within a segment,
// the resource segment included ("arn:aws:iam::123456789012:u?er/bob" names
// user/bob). The oracle splits the resource segment at its first '/' and does
// not match wildcards before it. Such an entry becomes the request's resource
// when the documented reading matches it, and a resource that matches nothing
// otherwise.
func rewriteResourceTypeWildcard(d *scenarioDoc) bool {
	req := d.sc.Request.Resource.Resource
	return d.rewriteResources(func(r string) (string, bool) {
		if strings.Contains(r, "${") {
			return r, false
		}
		segs := strings.SplitN(r, ":", 6)
		if len(segs) != 6 {
			return r, false
		}
		res := segs[5]
		cut := strings.IndexAny(res, "/:")
		if cut < 0 || !strings.ContainsAny(res[:cut], "*?") {
			return r, false
		}
		if resourcePatternRE(r).MatchString(req) {
			return req, true
		}
		return "arn:aws:nosuchservice:::nothing", true
	})
}

// rewriteShortARN: "If the * wildcard is the last character of a resource ARN
// segment, it can expand to match beyond the colon boundaries": a pattern
// with fewer than six segments that ends in * covers the rest of the ARN. The
// oracle refuses such patterns in RCPs. They are padded with "*" segments.
func rewriteShortARN(d *scenarioDoc) bool {
	return d.rewriteResources(func(r string) (string, bool) {
		if !strings.HasPrefix(r, "arn:") || !strings.HasSuffix(r, "*") || strings.Count(r, ":") >= 5 {
			return r, false
		}
		for strings.Count(r, ":") < 5 {
			r += ":*"
		}
		return r, true
	})
}

// rewriteIPFamily: an IPv6 address is in no IPv4 range and the reverse; the
// condition-operators page mixes both families in one aws:SourceIp list and
// each value is checked. The oracle fails to compare a single address of the
// other family (and then treats NotIpAddress as false). Values of the other
// family than the request's address are replaced by an unspecified address of
// the request's family, which no request comes from.
func rewriteIPFamily(d *scenarioDoc) bool {
	changed := false
	for _, doc := range d.all() {
		for _, st := range stmts(doc) {
			cond, _ := st["Condition"].(map[string]any)
			for op, block := range cond {
				lop := strings.ToLower(op)
				if !strings.Contains(lop, "ipaddress") {
					continue
				}
				keys, _ := block.(map[string]any)
				for k, v := range keys {
					rv, ok := d.ctx[strings.ToLower(k)]
					if !ok || len(rv.Values) != 1 {
						continue
					}
					addr, err := netip.ParseAddr(rv.Values[0])
					if err != nil {
						continue
					}
					unspec := "0.0.0.0/32"
					if addr.Is6() {
						unspec = "::/128"
					}
					fix := func(s string) (string, bool) {
						p := s
						if i := strings.IndexByte(p, '/'); i >= 0 {
							p = p[:i]
						}
						a, err := netip.ParseAddr(p)
						if err != nil || a.Is6() == addr.Is6() {
							return s, false
						}
						return unspec, true
					}
					if nv, ok := mapStrings(v, fix); ok {
						keys[k] = nv
						changed = true
					}
				}
			}
		}
	}
	return changed
}
