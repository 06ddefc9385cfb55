package policy

import (
	"sync"
	"sync/atomic"
)

// actionIndex lists, for one action, the statements whose Action or NotAction
// element applies to it, split by effect. Built on first use of the action and
// kept, so that a decision never scans statements about other actions.
type actionIndex struct {
	deny, allow effectIndex
}

// maxIndexedActions bounds the per-policy cache: past it, indexes are built
// per call and not kept, so that hostile action names cannot grow memory.
const maxIndexedActions = 4096

type actionCache struct {
	m  atomic.Pointer[map[string]*actionIndex]
	mu sync.Mutex // serializes copy-on-write inserts
}

// index returns the statements that apply to action (any case).
func (c *Compiled) index(action string) *actionIndex {
	var buf [128]byte
	key := lowerInto(buf[:0], action)
	if m := c.cache.m.Load(); m != nil {
		if ix, ok := (*m)[string(key)]; ok {
			return ix
		}
	}
	ix := c.buildIndex(action)
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	old := c.cache.m.Load()
	n := 0
	if old != nil {
		n = len(*old)
		if cur, ok := (*old)[string(key)]; ok {
			return cur
		}
	}
	if n >= maxIndexedActions {
		return ix
	}
	next := make(map[string]*actionIndex, n+1)
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[string(key)] = ix
	c.cache.m.Store(&next)
	return ix
}

func (c *Compiled) buildIndex(action string) *actionIndex {
	var deny, allow []int32
	for i := range c.stmts {
		s := &c.stmts[i]
		if !s.MatchAction(action) {
			continue
		}
		if s.Effect == Deny {
			deny = append(deny, int32(i))
		} else {
			allow = append(allow, int32(i))
		}
	}
	return &actionIndex{deny: buildEffectIndex(c.stmts, deny), allow: buildEffectIndex(c.stmts, allow)}
}

// lowerInto appends the ASCII-lower-cased s to dst (on the caller's stack
// when it fits).
func lowerInto(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lowerByte(s[i]))
	}
	return dst
}
