package awsproto

import (
	"fmt"
	"net/url"
	"strings"
)

// RESTRouter matches restJson1 requests to operations by HTTP method and
// path, against the operations' URI templates (Smithy's http trait): a
// literal segment, a label {name} that matches one non-empty segment, or a
// greedy label {name+}, last in the template, that matches one or more.
// Literal segments win over labels, labels over greedy labels, as Smithy
// requires of servers. Segments are URL-decoded before they are compared
// and returned, so that /tags/arn%3Aaws%3A...%2Fx gives the label
// arn:aws:.../x.
type RESTRouter struct {
	root routeNode
}

type routeNode struct {
	lit    map[string]*routeNode
	label  *routeNode
	greedy *routeNode
	ops    map[string]int // method → operation index
}

// NewRESTRouter builds a router over ops; an operation's index in ops is
// what [RESTRouter.Match] returns. Operations without a URI are left out.
func NewRESTRouter(ops []Operation) (*RESTRouter, error) {
	r := &RESTRouter{}
	for i, op := range ops {
		if op.URI == "" {
			continue
		}
		path, _, _ := strings.Cut(op.URI, "?")
		if !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("awsproto: %s: URI %q does not start with /", op.Name, op.URI)
		}
		n := &r.root
		segs := splitPath(path)
		for j, seg := range segs {
			switch {
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}"):
				if j != len(segs)-1 {
					return nil, fmt.Errorf("awsproto: %s: greedy label not last in %q", op.Name, op.URI)
				}
				if n.greedy == nil {
					n.greedy = &routeNode{}
				}
				n = n.greedy
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
				if n.label == nil {
					n.label = &routeNode{}
				}
				n = n.label
			case strings.ContainsAny(seg, "{}"):
				return nil, fmt.Errorf("awsproto: %s: label inside a segment in %q", op.Name, op.URI)
			default:
				if n.lit == nil {
					n.lit = map[string]*routeNode{}
				}
				c := n.lit[seg]
				if c == nil {
					c = &routeNode{}
					n.lit[seg] = c
				}
				n = c
			}
		}
		if n.ops == nil {
			n.ops = map[string]int{}
		}
		if other, dup := n.ops[op.Method]; dup {
			return nil, fmt.Errorf("awsproto: %s and %s have the same route %s %s", ops[other].Name, op.Name, op.Method, op.URI)
		}
		n.ops[op.Method] = i
	}
	return r, nil
}

// MustRESTRouter is [NewRESTRouter] for generated code, whose models are
// known to be well-formed: it panics on error.
func MustRESTRouter(ops []Operation) *RESTRouter {
	r, err := NewRESTRouter(ops)
	if err != nil {
		panic(err)
	}
	return r
}

// splitPath splits /a/b into [a b]; / is no segment at all.
func splitPath(p string) []string {
	p = p[1:]
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Match returns the index of the operation that serves method on
// escapedPath (a request's URL.EscapedPath()) and the URL-decoded values of
// its labels in template order. A path that is not absolute, or holds a
// malformed %-escape, matches nothing.
func (r *RESTRouter) Match(method, escapedPath string) (int, []string, bool) {
	if !strings.HasPrefix(escapedPath, "/") {
		return 0, nil, false
	}
	return r.root.match(splitPath(escapedPath), method, nil)
}

func (n *routeNode) match(segs []string, method string, labels []string) (int, []string, bool) {
	if len(segs) == 0 {
		i, ok := n.ops[method]
		return i, labels, ok
	}
	seg, err := url.PathUnescape(segs[0])
	if err != nil {
		return 0, nil, false
	}
	if c := n.lit[seg]; c != nil {
		if i, l, ok := c.match(segs[1:], method, labels); ok {
			return i, l, true
		}
	}
	if n.label != nil && seg != "" {
		if i, l, ok := n.label.match(segs[1:], method, append(labels, seg)); ok {
			return i, l, true
		}
	}
	if n.greedy != nil {
		if i, ok := n.greedy.ops[method]; ok {
			rest, err := url.PathUnescape(strings.Join(segs, "/"))
			if err == nil && rest != "" {
				return i, append(labels, rest), true
			}
		}
	}
	return 0, nil, false
}
