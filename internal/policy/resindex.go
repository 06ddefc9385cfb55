package policy

import (
	"sort"
	"strconv"
	"strings"
)

// A group is the statements about one action that share their effect,
// principal element and conditions: they differ only in the resources they
// name. A decision checks the group's principal and conditions once, and
// only when one of its resources matches.
type group struct {
	stmt  *Stmt   // a member; its principal element and conditions stand for all
	stmts []*Stmt // members, in the order they were added
	res   resSet
}

// resSet is the union of the Resource and NotResource elements of a group's
// members, for the groups the effect index cannot put in its trie.
type resSet struct {
	// vars are the templates with policy variables of the group's only
	// member: when one cannot be resolved the statement does not match.
	vars   []*template
	all    bool // a member applies to every resource
	linear []*template
	not    [][]*template
}

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

// effectIndex holds the groups of one effect for one action, arranged so that
// a decision looks only at the groups whose resources can match:
//   - always: groups with a member for every resource (Resource "*", or no
//     Resource element, as in a trust policy);
//   - a byte trie over the literal prefixes (the text before the first
//     wildcard) of the other groups' Resource patterns, shared by all groups:
//     walking the request's resource reaches exactly the patterns whose
//     prefix it starts with, each pattern once however many groups name it;
//   - others: groups with NotResource or policy variables in their resources,
//     checked one by one.
type effectIndex struct {
	groups []group
	always []int32
	linear []trieEntry // the patterns, when few; otherwise trie
	trie   *trieNode
	others []int32
}

// trieNode is a node of a radix tree (a byte trie with one-child chains
// collapsed): label is the text on the edge from the parent, children are
// sorted by their label's first byte, and entries are the patterns whose
// literal prefix ends here.
type trieNode struct {
	label   string
	kids    []*trieNode
	entries []trieEntry
}

type trieEntry struct {
	t      *template
	groups []int32
}

// child returns the child whose label starts with c.
func (n *trieNode) child(c byte) *trieNode {
	k := n.kids
	lo, hi := 0, len(k)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if k[m].label[0] < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(k) && k[lo].label[0] == c {
		return k[lo]
	}
	return nil
}

func (n *trieNode) addChild(c *trieNode) {
	at := 0
	for at < len(n.kids) && n.kids[at].label[0] < c.label[0] {
		at++
	}
	n.kids = append(n.kids, nil)
	copy(n.kids[at+1:], n.kids[at:])
	n.kids[at] = c
}

func (n *trieNode) insert(prefix string, t *template, g int32) {
	for prefix != "" {
		next := n.child(prefix[0])
		if next == nil {
			leaf := &trieNode{label: prefix}
			n.addChild(leaf)
			n = leaf
			break
		}
		common := 0
		for common < len(next.label) && common < len(prefix) && next.label[common] == prefix[common] {
			common++
		}
		if common < len(next.label) {
			// Split the edge: a new node takes the common part.
			mid := &trieNode{label: next.label[:common]}
			next.label = next.label[common:]
			mid.kids = []*trieNode{next}
			for i, k := range n.kids {
				if k == next {
					n.kids[i] = mid
				}
			}
			next = mid
		}
		n = next
		prefix = prefix[common:]
	}
	n.entries = addEntry(n.entries, t, g)
}

// addEntry records that group g names pattern t, once.
func addEntry(entries []trieEntry, t *template, g int32) []trieEntry {
	for i := range entries {
		e := &entries[i]
		if e.t.raw == t.raw {
			for _, have := range e.groups {
				if have == g {
					return entries
				}
			}
			e.groups = append(e.groups, g)
			return entries
		}
	}
	return append(entries, trieEntry{t: t, groups: []int32{g}})
}

// visit calls f for each group whose trie pattern matches resource, until f
// returns true (stop). A group may be visited more than once when several of
// its patterns match.
func (x *effectIndex) visit(st *visitState) bool {
	req := st.req
	st.dedupe = false

	for _, gi := range x.always {
		if st.take(x, gi) {
			return true
		}
	}
	if len(x.linear) == 0 && x.trie == nil && len(x.others) == 0 {
		return false
	}
	st.seen = [len(st.seen)]uint64{}
	st.dedupe = true
	if x.visitEntries(st, x.linear) {
		return true
	}
	if n := x.trie; n != nil {
		r := req.Resource
		pos := 0
		for {
			if x.visitEntries(st, n.entries) {
				return true
			}
			if pos == len(r) {
				break
			}
			next := n.child(r[pos])
			if next == nil || !strings.HasPrefix(r[pos:], next.label) {
				break
			}
			n = next
			pos += len(next.label)
		}
	}
	for _, gi := range x.others {
		g := &x.groups[gi]
		if g.res.match(req.Context, req.Resource) && st.take(x, gi) {
			return true
		}
	}
	return false
}

// visitEntries decides the groups of the entries whose pattern matches the
// request's resource, until one says stop.
func (x *effectIndex) visitEntries(st *visitState, entries []trieEntry) bool {
	for j := range entries {
		e := &entries[j]
		if !e.t.likeARN(st.req) {
			continue
		}
		for _, gi := range e.groups {
			if st.take(x, gi) {
				return true
			}
		}
	}
	return false
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
	if s.vars {
		b.WriteByte('v')
	}
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

// buildEffectIndex groups statements (indexes into stmts) by groupKey,
// keeping the order of first appearance, and indexes the groups' resources.
func buildEffectIndex(stmts []*Stmt) effectIndex {
	var x effectIndex
	pos := map[string]int{}
	for i, s := range stmts {
		k := groupKey(s)
		if hasResourceVars(s) {
			// Alone in its group: its variables decide whether it applies.
			k = "#" + strconv.Itoa(i)
		}
		g, ok := pos[k]
		if !ok {
			g = len(x.groups)
			pos[k] = g
			x.groups = append(x.groups, group{stmt: s})
		}
		x.groups[g].stmts = append(x.groups[g].stmts, s)
	}
	for gi := range x.groups {
		g := &x.groups[gi]
		if s := g.stmts[0]; hasResourceVars(s) {
			for j := range s.resources {
				if s.resources[j].hasVars {
					g.res.vars = append(g.res.vars, &s.resources[j])
				}
			}
		}
		var ts []*template
		for _, s := range g.stmts {
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
					if t.star {
						g.res.all = true
					}
					ts = append(ts, t)
				}
			}
		}
		switch {
		case len(g.res.vars) > 0:
			g.res.linear = ts
			x.others = append(x.others, int32(gi))
		case g.res.all:
			g.res.not = nil
			x.always = append(x.always, int32(gi))
		default:
			if len(g.res.not) > 0 {
				// NotResource members are checked one by one; the group's
				// Resource patterns still go to the trie.
				x.others = append(x.others, int32(gi))
			}
			for _, t := range ts {
				x.addPattern(t, int32(gi))
			}
		}
	}
	return x
}

// trieThreshold is the number of distinct patterns from which an effect
// index moves them from a list into the radix tree.
const trieThreshold = 8

// addPattern indexes a group's Resource pattern.
func (x *effectIndex) addPattern(t *template, g int32) {
	if x.trie != nil {
		x.trie.insert(t.literalPrefix(), t, g)
		return
	}
	x.linear = addEntry(x.linear, t, g)
	if len(x.linear) > trieThreshold {
		x.trie = &trieNode{}
		for _, e := range x.linear {
			for _, gi := range e.groups {
				x.trie.insert(e.t.literalPrefix(), e.t, gi)
			}
		}
		x.linear = nil
	}
}

func hasResourceVars(s *Stmt) bool {
	for j := range s.resources {
		if s.resources[j].hasVars {
			return true
		}
	}
	return false
}
