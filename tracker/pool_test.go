package tracker

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
)

// manyHosts serves every host name on one loopback server: its client
// dials the server whatever the URL's host, so that documents on hundreds
// of hosts can be played without a resolver.
func manyHosts(t testing.TB, h http.Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	// Like scraper.NewHTTPClient, no connection is kept alive: idle
	// connections to hundreds of hosts would be the test's own memory.
	client := &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	return srv, client
}

// smallPolicy is a short policy page whose text differs from one document
// to the next, as documents of different services do.
func smallPolicy(i int) string {
	var b strings.Builder
	// A name of letters: a number such as 404 in a title reads as an
	// error page to the gates.
	name := ""
	for j := i + 1; j > 0; j /= 26 {
		name = string(rune('a'+j%26)) + name
	}
	fmt.Fprintf(&b, `<html><head><title>Privacy policy of %s</title></head><body><nav>Home</nav><main><h1>Privacy policy of %s</h1>`, name, name)
	for s := range 3 + i%5 {
		fmt.Fprintf(&b, `<h2>Section %d</h2><p>%s collects your email address and shares it with %d partners to provide the service. We keep it for %d days.</p>`, s, name, s+i%7, 30+s)
	}
	b.WriteString(`</main><footer>Contact</footer></body></html>`)
	return b.String()
}

func poolDocs(t testing.TB, db *data.DB, n int, host func(i int) string) []config.Document {
	t.Helper()
	docs := make([]config.Document, n)
	rows := make([]data.Document, n)
	for i := range docs {
		docs[i] = config.Document{ID: fmt.Sprintf("doc-%d", i), URL: fmt.Sprintf("http://%s/policy/%d", host(i), i), Select: []string{"main"}, Language: "en"}
		rows[i] = data.Document{ID: docs[i].ID, URL: docs[i].URL, Language: "en"}
	}
	if err := db.SyncDocuments(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	return docs
}

func policyHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/policy/%d", &i); err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, smallPolicy(i))
	}
}

// TestPoolSlowHostHoldsOneWorker queues the documents of a host that does
// not answer before the others: the host's first page is held until every
// other document is recorded, which can only happen if the other workers
// went on with the other hosts. One request at a time reaches each host.
func TestPoolSlowHostHoldsOneWorker(t *testing.T) {
	const (
		workers = 3
		slow    = 4  // documents on slow.test, queued first
		others  = 30 // documents spread over 10 other hosts
	)
	var (
		mu      sync.Mutex
		current = map[string]int{}
		overlap []string
		release = make(chan struct{})
		handler = policyHandler()
	)
	_, client := manyHosts(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		current[r.Host]++
		if current[r.Host] > 1 {
			overlap = append(overlap, r.Host)
		}
		mu.Unlock()
		defer func() {
			mu.Lock()
			current[r.Host]--
			mu.Unlock()
		}()
		if r.Host == "slow.test" {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		handler(w, r)
	}))
	tr, db, _ := newTracker(t, client)
	docs := poolDocs(t, db, slow+others, func(i int) string {
		if i < slow {
			return "slow.test"
		}
		return fmt.Sprintf("host-%d.test", i%10)
	})

	pool := NewPool(tr, workers)
	var (
		done      sync.WaitGroup
		othersMu  sync.Mutex
		othersN   int
		outcomes  = make([]data.Outcome, len(docs))
		recordErr = make([]error, len(docs))
	)
	done.Add(len(docs))
	for i, d := range docs {
		if !pool.Submit(context.Background(), d, func(res data.Result, err error) {
			defer done.Done()
			outcomes[i], recordErr[i] = res.Fetch.Outcome, err
			if i >= slow {
				othersMu.Lock()
				othersN++
				if othersN == others {
					close(release)
				}
				othersMu.Unlock()
			}
		}) {
			t.Fatalf("Submit(%s) refused a new document", d.ID)
		}
	}
	pool.Drain()
	done.Wait()
	for i := range docs {
		if recordErr[i] != nil || outcomes[i] != data.NewVersion {
			t.Errorf("%s: outcome %q, error %v; want a new version", docs[i].ID, outcomes[i], recordErr[i])
		}
	}
	if len(overlap) > 0 {
		t.Errorf("two requests at once to %v", overlap)
	}
}

// TestPoolSkipsQueuedDocuments submits a document that is still waiting
// or being checked: the pool refuses it, and takes it again once checked.
func TestPoolSkipsQueuedDocuments(t *testing.T) {
	hold := make(chan struct{})
	handler := policyHandler()
	_, client := manyHosts(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-hold
		handler(w, r)
	}))
	tr, db, _ := newTracker(t, client)
	docs := poolDocs(t, db, 1, func(int) string { return "a.test" })
	pool := NewPool(tr, 2)
	checked := make(chan data.Outcome, 2)
	record := func(res data.Result, err error) {
		if err != nil {
			t.Error(err)
		}
		checked <- res.Fetch.Outcome
	}
	if !pool.Submit(context.Background(), docs[0], record) {
		t.Fatal("first Submit refused")
	}
	if pool.Submit(context.Background(), docs[0], record) {
		t.Error("second Submit of a document being checked was accepted")
	}
	close(hold)
	if got := <-checked; got != data.NewVersion {
		t.Errorf("first check: %s, want new-version", got)
	}
	// The pool forgets the document after its callback returns; poll
	// until it takes the document again.
	deadline := time.Now().Add(time.Minute)
	for !pool.Submit(context.Background(), docs[0], record) {
		if time.Now().After(deadline) {
			t.Fatal("the pool never took the document again after its check")
		}
		runtime.Gosched()
	}
	if got := <-checked; got != data.Unchanged {
		t.Errorf("second check: %s, want unchanged", got)
	}
	pool.Drain()
	if pool.Submit(context.Background(), docs[0], record) {
		t.Error("Submit after Drain was accepted")
	}
}

// TestPoolMemoryFlat checks 2,000 distinct documents on 500 hosts and
// reads the live Go heap (after a collection, from the runtime's own
// figures). A first run of 200 documents fills what is bounded (the data
// handle's caches, its compressors, prepared statements); the run of the
// other 1,800 must then stay under a fixed bound while it goes, and leave
// the heap where it found it: what grows with the number of documents
// shows as the difference.
func TestPoolMemoryFlat(t *testing.T) {
	const (
		n       = 2000
		warm    = 200
		every   = 100
		workers = 8
		// What a run may hold while it goes: the pages and parsed
		// documents of its workers.
		bound = 16 << 20
		// What the 1,800 documents may leave behind: keeping 2.3 KB of
		// each would pass it, a hundredth of what a run kept before the
		// caches were bounded. A run with other test binaries busy on the
		// machine was once measured 2.8 MiB above its start, which a
		// tighter bound would take for a leak.
		kept = 4 << 20
	)
	_, client := manyHosts(t, policyHandler())
	tr, db, _ := newTracker(t, client)
	docs := poolDocs(t, db, n, func(i int) string { return fmt.Sprintf("service-%d.test", i%500) })

	liveHeap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var (
		mu       sync.Mutex
		finished int
		samples  []uint64
		failures []string
	)
	check := func(docs []config.Document) {
		pool := NewPool(tr, workers)
		for _, d := range docs {
			pool.Submit(context.Background(), d, func(res data.Result, err error) {
				mu.Lock()
				defer mu.Unlock()
				if err != nil || res.Fetch.Outcome != data.NewVersion {
					failures = append(failures, fmt.Sprintf("%s: %s %s %v", d.ID, res.Fetch.Outcome, res.Fetch.Reason, err))
				}
				finished++
				if finished > warm && finished%every == 0 {
					samples = append(samples, liveHeap())
				}
			})
		}
		pool.Drain()
		if len(failures) > 0 {
			t.Fatalf("%d documents not recorded as new versions, first: %s", len(failures), failures[0])
		}
	}
	check(docs[:warm])
	base := liveHeap()
	check(docs[warm:])
	after := liveHeap()
	var peak uint64
	for _, s := range samples {
		peak = max(peak, s)
	}
	t.Logf("live heap after %d documents %.1f MiB; over the next %d: peak %.1f MiB (first sample %.1f, last %.1f), after them %.1f MiB",
		warm, mib(base), n-warm, mib(peak), mib(samples[0]), mib(samples[len(samples)-1]), mib(after))
	if peak > base+bound {
		t.Errorf("the live heap reached %.1f MiB while checking %d documents, over %.1f MiB + the %.0f MiB bound", mib(peak), n-warm, mib(base), mib(bound))
	}
	if after > base+kept {
		t.Errorf("after checking %d more documents the live heap is %.1f MiB, %.1f MiB above where it was: the run keeps something per document", n-warm, mib(after), mib(after-base))
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
