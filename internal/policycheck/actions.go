package policycheck

import (
	"fmt"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/wildcard"
)

// actionRef is one entry of a statement's Action or NotAction list, resolved
// against the catalog.
type actionRef struct {
	pattern string
	all     bool // "*" (or a pattern of wildcards only)
	// acts are the catalogued actions the entry names.
	acts []*catalog.Action
	// complete: acts is every action the entry can name, because its service
	// prefix is literal and catalogued. A pattern with a wildcard in the
	// service part, or an action of a service the catalog does not hold, may
	// name actions the catalog does not know.
	complete bool
}

// checkActions resolves the statement's actions and reports the unknown
// ones: an action that a catalogued service does not define is an error
// (Access Analyzer's "Invalid action"), as is a pattern that matches none
// of its actions; an action of a service the catalog does not hold is only a
// warning, since the catalog holds a few services.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func (r *run) checkActions(s *policy.Statement) []actionRef {
	refs := make([]actionRef, 0, len(s.Actions))
	seenSvc := map[string]bool{}
	for _, pat := range s.Actions {
		ref := actionRef{pattern: pat}
		svc, name, ok := strings.Cut(pat, ":")
		if !ok || strings.Trim(pat, "*") == "" {
			ref.all = true
			refs = append(refs, ref)
			continue
		}
		if r.cat == nil {
			refs = append(refs, ref)
			continue
		}
		if wildcard.HasWildcard(svc) {
			ref.acts = r.cat.ExpandActions(pat)
			refs = append(refs, ref)
			continue
		}
		lsvc := strings.ToLower(svc)
		if r.typ == policy.TypeRCP && !s.NotAction && !r.cat.RCPApplies(svc) && !seenSvc["rcp:"+lsvc] {
			seenSvc["rcp:"+lsvc] = true
			r.add(SeverityWarning, CodeRCPUnsupportedService, s, "Resource control policies do not apply to the service %s, so this statement has no effect on its actions.", svc)
		}
		service, known := r.cat.Service(svc)
		if !known {
			if !seenSvc[lsvc] {
				seenSvc[lsvc] = true
				r.add(SeverityWarning, CodeUnknownService, s, "The service prefix %s is not in the catalog (which holds %s), so its actions are not checked.", svc, strings.Join(r.cat.Services(), ", "))
			}
			refs = append(refs, ref)
			continue
		}
		ref.complete = true
		if wildcard.HasWildcard(name) {
			ref.acts = r.cat.ExpandActions(pat)
			if len(ref.acts) == 0 {
				r.add(SeverityError, CodeUnknownAction, s, "The pattern %s matches no action of %s (%s).", pat, service.Name, service.Prefix)
			}
		} else if a, ok := r.cat.LookupAction(pat); ok {
			ref.acts = []*catalog.Action{a}
		} else {
			r.add(SeverityError, CodeUnknownAction, s, "%s is not an action of %s (%s).", pat, service.Name, service.Prefix)
		}
		refs = append(refs, ref)
	}
	return refs
}

// checkResources reports the actions that no entry of the statement's
// Resource can name a resource of: the statement can never apply to them.
// The check is conservative: a Resource "*" or NotResource, NotAction,
// actions the catalog cannot resolve completely, and ARN patterns whose
// first fields have wildcards are never reported. An action with resource
// types applies to a Resource entry when some string matches both the entry
// and one of its types' ARN formats (placeholders read as "*"); an action
// without resource types (it supports only "*") is reported only when every
// entry names a service its resources never carry.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
func (r *run) checkResources(s *policy.Statement, refs []actionRef) {
	if r.cat == nil || s.NotAction || !s.HasResource || s.NotResource {
		return
	}
	res := make([]string, len(s.Resources))
	for i, x := range s.Resources {
		if x == "*" {
			return
		}
		res[i] = policy.WidenVariables(x)
	}
	for _, ref := range refs {
		if ref.all || !ref.complete || len(ref.acts) == 0 {
			continue
		}
		applies := false
		for _, a := range ref.acts {
			if r.actionApplies(a, res) {
				applies = true
				break
			}
		}
		if applies {
			continue
		}
		r.add(SeverityError, CodeActionResourceMismatch, s, "%s", r.mismatchMessage(ref, s.Resources))
	}
}

func (r *run) mismatchMessage(ref actionRef, resources []string) string {
	list := quoteList(resources)
	if len(ref.acts) > 1 || wildcard.HasWildcard(ref.pattern) {
		return fmt.Sprintf("None of the %d actions that %s names can act on a resource that Resource (%s) names, so the statement never applies to them.", len(ref.acts), ref.pattern, list)
	}
	a := ref.acts[0]
	if len(a.ResourceTypes) == 0 {
		return fmt.Sprintf("%s supports no resource-level permissions (it needs Resource \"*\"), and Resource (%s) names resources of other services, so the statement never applies to it.", a.FullName(), list)
	}
	var types []string
	for _, ar := range a.ResourceTypes {
		if ar.Type != nil {
			types = append(types, fmt.Sprintf("%s (%s)", ar.Type.Name, ar.Type.ARNFormat))
		}
	}
	what := "the resource type"
	if len(types) > 1 {
		what = "the resource types"
	}
	return fmt.Sprintf("%s acts on %s %s; no entry of Resource (%s) can match such an ARN, so the statement never applies to it.", a.FullName(), what, strings.Join(types, " and "), list)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// actionApplies reports whether some resource that the action acts on could
// match one of the resource patterns.
func (r *run) actionApplies(a *catalog.Action, res []string) bool {
	if len(a.ResourceTypes) == 0 {
		for _, x := range res {
			if r.serviceMayMatch(a, x) {
				return true
			}
		}
		return false
	}
	for _, x := range res {
		for _, ar := range a.ResourceTypes {
			if ar.Type != nil && patternMeetsFormat(x, formatTokens(ar.Type.ARNFormat)) {
				return true
			}
		}
	}
	return false
}

// serviceMayMatch reports whether the resource pattern x may name a resource
// of a's service: its service field has a wildcard (or it has too few
// fields to tell), or it is the action's service prefix or the service field
// of one of the service's ARN formats (sts's role type has iam ARNs).
func (r *run) serviceMayMatch(a *catalog.Action, x string) bool {
	f := strings.SplitN(x, ":", 4)
	if len(f) < 4 {
		return true
	}
	for _, part := range f[:3] {
		if wildcard.HasWildcard(part) {
			return true
		}
	}
	if strings.EqualFold(f[2], a.Service) {
		return true
	}
	if svc, ok := r.cat.Service(a.Service); ok {
		for _, rt := range svc.ResourceTypes {
			if g := strings.SplitN(rt.ARNFormat, ":", 4); len(g) >= 3 && strings.EqualFold(g[2], f[2]) {
				return true
			}
		}
	}
	return false
}

// A formatTok is one token of an ARN format: a literal byte, or a
// placeholder standing for any run of characters (in the partition, service,
// region and account fields, one without ':').
type formatTok struct {
	kind uint8 // tokLit, tokAny, tokNoColon
	ch   byte
}

const (
	tokLit uint8 = iota
	tokAny
	tokNoColon
)

// formatTokens reads an ARN format of the Service Authorization Reference,
// such as arn:${Partition}:cleanrooms:${Region}:${Account}:collaboration/${CollaborationId}.
// Placeholders in the resource part match anything: the check errs towards
// a match.
func formatTokens(f string) []formatTok {
	toks := make([]formatTok, 0, len(f))
	colons := 0
	for i := 0; i < len(f); i++ {
		if strings.HasPrefix(f[i:], "${") {
			if j := strings.IndexByte(f[i:], '}'); j > 0 {
				k := tokAny
				if colons < 5 {
					k = tokNoColon
				}
				toks = append(toks, formatTok{kind: k})
				i += j
				continue
			}
		}
		if f[i] == ':' {
			colons++
		}
		toks = append(toks, formatTok{kind: tokLit, ch: f[i]})
	}
	return toks
}

// maxGlobProduct bounds the work of patternMeetsFormat; beyond it the two
// are assumed to meet (the conservative answer).
const maxGlobProduct = 1 << 20

// patternMeetsFormat reports whether some ARN of the format matches the
// resource pattern p, in which "*" stands for any run of characters and "?"
// for any one character (IAM's resource wildcards; ARNs are compared
// case-sensitively).
func patternMeetsFormat(p string, q []formatTok) bool {
	n, m := len(p), len(q)
	if (n+1)*(m+1) > maxGlobProduct {
		return true
	}
	// cur[j] is the answer for p[i:] against q[j:], next[j] for p[i+1:].
	next := make([]bool, m+1)
	cur := make([]bool, m+1)
	for i := n; i >= 0; i-- {
		for j := m; j >= 0; j-- {
			v := false
			switch {
			case i == n && j == m:
				v = true
			case i < n && p[i] == '*':
				// The star ends here, or it also produces all that q[j] does.
				v = next[j] || (j < m && cur[j+1])
			case j < m && q[j].kind != tokLit:
				// The placeholder ends here, or it also produces p[i].
				v = cur[j+1] || (i < n && (q[j].kind == tokAny || p[i] != ':') && next[j])
			case i < n && j < m:
				v = (p[i] == '?' || p[i] == q[j].ch) && next[j+1]
			}
			cur[j] = v
		}
		cur, next = next, cur
	}
	return next[0]
}
