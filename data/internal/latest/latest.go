// Package latest keeps, per document, the most recent of the values
// published for it, where recent means the highest id: ids are row ids,
// which grow with every write. Writers publish after their transactions
// commit, so two of them may publish out of order; an entry is therefore
// replaced only by one with an id at least as high, and a slow writer
// cannot bring back an older value. Package data builds its per-handle
// caches on it; what the values are, and when one may be trusted, is data's
// business.
package latest

import "sync"

// Cache holds one value per document. The zero value is an empty cache
// ready to use; a Cache must not be copied after first use. It is safe for
// concurrent use.
type Cache[T any] struct {
	mu sync.Mutex
	m  map[string]entry[T]
}

type entry[T any] struct {
	id int64
	v  T
}

// Get returns the value cached for doc, and false when there is none.
func (c *Cache[T]) Get(doc string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[doc]
	return e.v, ok
}

// Set caches v, the value with the given id, for doc unless a value with a
// higher id is cached for it already.
func (c *Cache[T]) Set(doc string, id int64, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[doc]; ok && old.id > id {
		return
	}
	if c.m == nil {
		c.m = map[string]entry[T]{}
	}
	c.m[doc] = entry[T]{id: id, v: v}
}
