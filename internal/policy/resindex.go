package policy

import (
	"sort"
	"strconv"
	"strings"
)

// A group is the statements about one action that share their effect,
// principal element and conditions: they differ only in the resources they
// name. A decision checks the group's resources as one set (through a prefix
// trie when the set is large) and its principal and conditions once, so that
// the cost of a decision grows with the number of distinct condition blocks,
// not with the number of statements.
type group struct {
	stmt  *Stmt   // a member; its principal element and conditions stand for all
	stmts []int32 // members, in document order
	res   resSet
}

// resSet is the union of the Resource and NotResource elements of a group's
// members.
type resSet struct {
	// vars are the templates with policy variables of the group's only
	// member: when one cannot be resolved the statement does not match.
	vars   []*template
	all    bool        // a member applies to every resource
	linear []*template // Resource entries, when few
	trie   *trieNode   // Resource entries, when many
	not    [][]*template
}

// trieThreshold is the number of Resource entries from which a group indexes
// them by literal prefix.
const trieThreshold = 8

func (rs *resSet) match(ctx *Context, resource string) bool {
	for _, t := range rs.vars {
		if !t.resolvable(ctx) {
			return false
		}
	}
	if rs.all {
		return true
	}
	for _, t := range rs.linear {
		if t.like(ctx, resource, false, true) {
			return true
		}
	}
	if rs.trie != nil && rs.trie.match(ctx, resource) {
		return true
	}
	for _, ts := range rs.not {
		hit := false
		for _, t := range ts {
			if t.like(ctx, resource, false, true) {
				hit = true
				break
			}
		}
		if !hit {
			return true
		}
	}
	return false
}

// trieNode is a node of a byte trie over the literal prefixes of resource
// patterns (the text before the first wildcard or variable). A query walks
// the request's resource and checks only the patterns whose literal prefix is
// a prefix of it.
type trieNode struct {
	keys  []byte
	kids  []*trieNode
	tmpls []*template
}

func (n *trieNode) child(c byte) *trieNode {
	for i, k := range n.keys {
		if k == c {
			return n.kids[i]
		}
	}
	return nil
}

func (n *trieNode) insert(prefix string, t *template) {
	for i := 0; i < len(prefix); i++ {
		next := n.child(prefix[i])
		if next == nil {
			next = &trieNode{}
			n.keys = append(n.keys, prefix[i])
			n.kids = append(n.kids, next)
		}
		n = next
	}
	for _, have := range n.tmpls {
		if have.raw == t.raw {
			return
		}
	}
	n.tmpls = append(n.tmpls, t)
}

func (n *trieNode) match(ctx *Context, resource string) bool {
	for i := 0; ; i++ {
		for _, t := range n.tmpls {
			if t.like(ctx, resource, false, true) {
				return true
			}
		}
		if i == len(resource) {
			return false
		}
		if n = n.child(resource[i]); n == nil {
			return false
		}
	}
}

// literalPrefix is the text every match of t starts with.
func (t *template) literalPrefix() string {
	var b strings.Builder
	for _, p := range t.parts {
		switch p.kind {
		case partVar:
			return b.String()
		case partLiteral:
			b.WriteString(p.text)
		case partPattern:
			if i := strings.IndexAny(p.text, "*?"); i >= 0 {
				b.WriteString(p.text[:i])
				return b.String()
			}
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// groupKey identifies the principal element and conditions of a statement.
// Every string is written with its length first, so that no policy text can
// make two different statements share a key.
func groupKey(s *Stmt) string {
	var b strings.Builder
	field := func(tag byte, v string) {
		b.WriteByte(tag)
		b.WriteString(strconv.Itoa(len(v)))
		b.WriteByte(':')
		b.WriteString(v)
	}
	if p := s.Src.Principal; p != nil {
		if s.Src.NotPrincipal {
			b.WriteByte('!')
		}
		if p.Wildcard {
			b.WriteByte('*')
		}
		for _, e := range p.Entries {
			field('k', e.Kind)
			field('p', e.ID)
		}
	}
	conds := make([]string, 0, len(s.Src.Conditions))
	for _, c := range s.Src.Conditions {
		var cb strings.Builder
		one := func(v string) {
			cb.WriteString(strconv.Itoa(len(v)))
			cb.WriteByte(':')
			cb.WriteString(v)
		}
		one(c.Op.String())
		one(strings.ToLower(c.Key))
		for _, v := range c.Values {
			one(v)
		}
		conds = append(conds, cb.String())
	}
	sort.Strings(conds)
	for _, c := range conds {
		field('c', c)
	}
	return b.String()
}

// buildGroups groups statements (indexes into stmts) by groupKey, keeping the
// order of first appearance.
func buildGroups(stmts []Stmt, idx []int32) []group {
	var out []group
	pos := map[string]int{}
	for _, i := range idx {
		s := &stmts[i]
		k := groupKey(s)
		if hasResourceVars(s) {
			// Alone in its group: its variables decide whether it applies.
			k = "#" + strconv.Itoa(int(i))
		}
		g, ok := pos[k]
		if !ok {
			g = len(out)
			pos[k] = g
			out = append(out, group{stmt: s})
		}
		out[g].stmts = append(out[g].stmts, i)
	}
	for gi := range out {
		g := &out[gi]
		if s := &stmts[g.stmts[0]]; hasResourceVars(s) {
			for j := range s.resources {
				if s.resources[j].hasVars {
					g.res.vars = append(g.res.vars, &s.resources[j])
				}
			}
		}
		var ts []*template
		for _, i := range g.stmts {
			s := &stmts[i]
			switch {
			case !s.hasResource:
				g.res.all = true
			case s.notResource:
				var not []*template
				for j := range s.resources {
					not = append(not, &s.resources[j])
				}
				g.res.not = append(g.res.not, not)
			default:
				for j := range s.resources {
					t := &s.resources[j]
					if t.exact && t.lit == "*" {
						g.res.all = true
					}
					ts = append(ts, t)
				}
			}
		}
		if g.res.all {
			g.res.linear, g.res.not = nil, nil
			continue
		}
		if len(ts) < trieThreshold {
			g.res.linear = ts
			continue
		}
		g.res.trie = &trieNode{}
		for _, t := range ts {
			g.res.trie.insert(t.literalPrefix(), t)
		}
	}
	return out
}

func hasResourceVars(s *Stmt) bool {
	for j := range s.resources {
		if s.resources[j].hasVars {
			return true
		}
	}
	return false
}
