// Package cowmap is a read-mostly cache: a map that readers consult without
// locks and writers replace whole (copy on write), bounded in size.
//
// It suits caches that are filled once per distinct key and then read on
// every request, such as a policy's per-action index: a read is one atomic
// load and one map lookup, and allocates nothing.
package cowmap

import (
	"sync"
	"sync/atomic"
)

// Map caches values by string key. The zero Map is empty and ready to use.
// It must not be copied after first use.
type Map[V any] struct {
	m  atomic.Pointer[map[string]V]
	mu sync.Mutex // serializes writers
}

// Get returns the value cached for key.
func (c *Map[V]) Get(key string) (V, bool) {
	if m := c.m.Load(); m != nil {
		v, ok := (*m)[key]
		return v, ok
	}
	var zero V
	return zero, false
}

// GetBytes is Get for a key held in a byte slice; it does not allocate.
func (c *Map[V]) GetBytes(key []byte) (V, bool) {
	if m := c.m.Load(); m != nil {
		v, ok := (*m)[string(key)]
		return v, ok
	}
	var zero V
	return zero, false
}

// Add caches v under key unless the key is already there, and returns the
// cached value. Past max entries nothing more is cached and v is returned as
// is, so that hostile keys cannot grow memory.
func (c *Map[V]) Add(key string, v V, max int) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	n := 0
	if old != nil {
		if cur, ok := (*old)[key]; ok {
			return cur
		}
		n = len(*old)
	}
	if n >= max {
		return v
	}
	next := make(map[string]V, n+1)
	if old != nil {
		for k, x := range *old {
			next[k] = x
		}
	}
	next[key] = v
	c.m.Store(&next)
	return v
}

// Len returns the number of cached entries.
func (c *Map[V]) Len() int {
	if m := c.m.Load(); m != nil {
		return len(*m)
	}
	return 0
}
