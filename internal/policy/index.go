package policy

// actionIndex lists, for one action, the statements whose Action or NotAction
// element applies to it, split by effect. Built on first use of the action and
// kept, so that a decision never scans statements about other actions.
type actionIndex struct {
	deny, allow effectIndex
}

// maxIndexedActions bounds the per-policy cache: past it, indexes are built
// per call and not kept, so that hostile action names cannot grow memory.
const maxIndexedActions = 4096

// index returns the statements that apply to action (any case).
func (c *Compiled) index(action string) *actionIndex {
	var buf [128]byte
	key := lowerInto(buf[:0], action)
	if ix, ok := c.cache.GetBytes(key); ok {
		return ix
	}
	return c.cache.Add(string(key), c.buildIndex(action), maxIndexedActions)
}

func (c *Compiled) buildIndex(action string) *actionIndex {
	return Combine(action, c)
}

// Combine indexes the statements about action of several policies as one:
// for callers that need only whether any of them denies and whether any
// allows (the policies of one type, or of one organization level), one
// combined index replaces a look at each policy, and statements that repeat
// a condition block across policies are decided once.
func Combine(action string, cs ...*Compiled) *ActionIndex {
	var deny, allow []*Stmt
	for _, c := range cs {
		for i := range c.stmts {
			s := &c.stmts[i]
			if !s.MatchAction(action) {
				continue
			}
			if s.Effect == Deny {
				deny = append(deny, s)
			} else {
				allow = append(allow, s)
			}
		}
	}
	return &actionIndex{deny: buildEffectIndex(deny), allow: buildEffectIndex(allow)}
}

// lowerInto appends the ASCII-lower-cased s to dst (on the caller's stack
// when it fits).
func lowerInto(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lowerByte(s[i]))
	}
	return dst
}
