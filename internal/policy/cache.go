package policy

import "sync"

// CompileCache keeps compiled policies by name, type and document text, so
// that a policy read again from storage is not parsed and compiled again,
// and a changed document (or one deleted and created again under the same
// name) never reuses a stale compilation. It is safe for concurrent use; its
// zero value is ready. Past maxCached entries it starts over.
type CompileCache struct {
	mu sync.RWMutex
	m  map[cacheKey]*Compiled
}

type cacheKey struct {
	name, doc string
	typ       Type
}

// maxCached bounds a CompileCache.
const maxCached = 20000

// Compile returns the compiled policy for doc, parsed as typ and named
// name, from the cache or by parsing and compiling it.
func (c *CompileCache) Compile(name, doc string, typ Type) (*Compiled, error) {
	k := cacheKey{name, doc, typ}
	c.mu.RLock()
	cp := c.m[k]
	c.mu.RUnlock()
	if cp != nil {
		return cp, nil
	}
	p, err := Parse([]byte(doc), typ)
	if err != nil {
		return nil, err
	}
	cp = Compile(p, name)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = make(map[cacheKey]*Compiled)
	}
	c.m[k] = cp
	c.mu.Unlock()
	return cp, nil
}
