package latest

import (
	"fmt"
	"sync"
	"testing"
)

func TestKeepsTheHighestID(t *testing.T) {
	var c Cache[string]
	if v, ok := c.Get("wa"); ok || v != "" {
		t.Fatalf("Get on an empty cache = %q, %v", v, ok)
	}
	steps := []struct {
		id   int64
		v    string
		want string
	}{
		{5, "five", "five"},
		{7, "seven", "seven"},
		{6, "six, published late", "seven"},
		{7, "seven again", "seven again"},
	}
	for _, s := range steps {
		c.Set("wa", s.id, s.v)
		if v, ok := c.Get("wa"); !ok || v != s.want {
			t.Errorf("after Set(%d, %q): Get = %q, %v; want %q", s.id, s.v, v, ok, s.want)
		}
	}
	if v, ok := c.Get("tos"); ok {
		t.Errorf("Get of another document = %q, want none", v)
	}
}

func TestConcurrentSets(t *testing.T) {
	var c Cache[int64]
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				id := int64(i*8 + g)
				c.Set(fmt.Sprint(id%3), id, id)
				if v, ok := c.Get(fmt.Sprint(id % 3)); !ok || v < id {
					t.Errorf("after Set(%d): Get = %d, %v", id, v, ok)
				}
			}
		})
	}
	wg.Wait()
	for doc := range 3 {
		v, _ := c.Get(fmt.Sprint(doc))
		if want := int64(3999 - (3999-doc)%3); v != want {
			t.Errorf("document %d: %d cached, want %d", doc, v, want)
		}
	}
}

func TestForgetsTheLeastRecentlyUsed(t *testing.T) {
	c := Cache[int]{Max: 3}
	for i, doc := range []string{"a", "b", "c"} {
		c.Set(doc, int64(i), i)
	}
	c.Get("a") // a is now the most recently used; b the least
	c.Set("d", 10, 10)
	if n := c.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3", n)
	}
	if _, ok := c.Get("b"); ok {
		t.Error("b, used least recently, is still cached")
	}
	for _, doc := range []string{"a", "c", "d"} {
		if _, ok := c.Get(doc); !ok {
			t.Errorf("%s was forgotten", doc)
		}
	}
}

func TestBoundedByDefault(t *testing.T) {
	var c Cache[int]
	for i := range 10 * DefaultMax {
		c.Set(fmt.Sprint("doc-", i), int64(i), i)
	}
	if n := c.Len(); n != DefaultMax {
		t.Errorf("Len after %d documents = %d, want %d", 10*DefaultMax, n, DefaultMax)
	}
}
