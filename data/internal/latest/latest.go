// Package latest keeps, per document, the most recent of the values
// published for it, where recent means the highest id: ids are row ids,
// which grow with every write. Writers publish after their transactions
// commit, so two of them may publish out of order; an entry is therefore
// replaced only by one with an id at least as high, and a slow writer
// cannot bring back an older value. Package data builds its per-handle
// caches on it; what the values are, and when one may be trusted, is data's
// business.
//
// A cache holds a bounded number of documents and forgets the one used
// least recently, so that checking twenty thousand documents holds the
// values of a few of them, not of all.
package latest

import (
	"container/list"
	"sync"
)

// DefaultMax is how many documents a Cache with no Max holds: more than the
// documents checked at once, so that an entry lives from one record of a
// document to the next in an import or a burst of checks.
const DefaultMax = 32

// Cache holds one value per document, for at most Max documents (DefaultMax
// when zero). The zero value is an empty cache ready to use; a Cache must
// not be copied after first use. It is safe for concurrent use.
type Cache[T any] struct {
	Max int

	mu    sync.Mutex
	m     map[string]*list.Element // of *entry[T]
	order list.List                // front: most recently used
}

type entry[T any] struct {
	doc string
	id  int64
	v   T
}

// Get returns the value cached for doc, and false when there is none.
func (c *Cache[T]) Get(doc string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[doc]
	if !ok {
		var zero T
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[T]).v, true
}

// Set caches v, the value with the given id, for doc unless a value with a
// higher id is cached for it already. When the cache is full the document
// used least recently is forgotten.
func (c *Cache[T]) Set(doc string, id int64, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[doc]; ok {
		e := el.Value.(*entry[T])
		if e.id > id {
			return
		}
		e.id, e.v = id, v
		c.order.MoveToFront(el)
		return
	}
	if c.m == nil {
		c.m = map[string]*list.Element{}
	}
	c.m[doc] = c.order.PushFront(&entry[T]{doc: doc, id: id, v: v})
	limit := c.Max
	if limit <= 0 {
		limit = DefaultMax
	}
	for c.order.Len() > limit {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.m, last.Value.(*entry[T]).doc)
	}
}

// Len returns the number of documents cached.
func (c *Cache[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
