// Command webload is the load generator of bench/web.sh: it sends GETs to
// named paths of one server, one target after another with the same number
// of concurrent keep-alive clients, and prints requests per second, latency
// percentiles, errors and each target's ratio to the reference target
// (/healthz), which runs first and last so that drift shows.
//
// usage: webload -base http://127.0.0.1:8080 -c 8 -d 10s name=/path ...
// The first target is the reference. Any status other than 200 (or a
// transport error) is an error; -fail makes errors exit 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

type target struct{ name, path string }

type result struct {
	target
	requests, errors int
	elapsed          time.Duration
	lat              []time.Duration
	bytes            int64
	firstErr         string
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

func main() {
	base := flag.String("base", "", "server address, e.g. http://127.0.0.1:8080")
	conc := flag.Int("c", 8, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "duration per target")
	warm := flag.Duration("warmup", time.Second, "warm-up per target (not counted)")
	fail := flag.Bool("fail", true, "exit 1 if any request failed")
	flag.Parse()
	var targets []target
	for _, a := range flag.Args() {
		name, path, ok := strings.Cut(a, "=")
		if !ok || !strings.HasPrefix(path, "/") {
			fmt.Fprintf(os.Stderr, "webload: target %q: want name=/path\n", a)
			os.Exit(2)
		}
		targets = append(targets, target{name, path})
	}
	if *base == "" || len(targets) < 2 {
		fmt.Fprintln(os.Stderr, "usage: webload -base URL [-c N] [-d DURATION] ref=/healthz name=/path ...")
		os.Exit(2)
	}
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc, DisableCompression: true},
		Timeout:   30 * time.Second,
	}
	// The reference runs first and again last.
	order := append(slices.Clone(targets), targets[0])
	var results []result
	for _, t := range order {
		load(client, *base, t, *conc, *warm)
		results = append(results, load(client, *base, t, *conc, *dur))
	}
	ref := results[0]
	last := results[len(results)-1]
	refRPS := (ref.rps() + last.rps()) / 2
	refP99 := (ref.pct(0.99) + last.pct(0.99)) / 2
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "target\tpath\trequests\terrors\treq/s\tx %s\tp50\tp99\tp99 / %s\tKiB/resp\t\n", ref.name, ref.name)
	failed := 0
	for _, r := range results {
		failed += r.errors
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%.0f\t%.2f\t%s\t%s\t%.1f\t%.1f\t\n", r.name, r.path, r.requests, r.errors, r.rps(), r.rps()/refRPS,
			r.pct(0.5).Round(10*time.Microsecond), r.pct(0.99).Round(10*time.Microsecond), float64(r.pct(0.99))/float64(refP99),
			float64(r.bytes)/float64(max(1, r.requests))/1024)
	}
	w.Flush()
	fmt.Printf("reference %s: %.0f req/s, p99 %s (mean of first and last run); %d clients, %s per target\n",
		ref.name, refRPS, refP99.Round(10*time.Microsecond), *conc, *dur)
	for _, r := range results {
		if r.errors > 0 {
			fmt.Printf("%s: %d errors, first: %s\n", r.name, r.errors, r.firstErr)
		}
	}
	if failed > 0 && *fail {
		os.Exit(1)
	}
}

// load runs conc clients against one target for d.
func load(client *http.Client, base string, t target, conc int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	res := result{target: t}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var n, errs int
			var bytes int64
			var firstErr string
			for ctx.Err() == nil {
				t0 := time.Now()
				resp, err := client.Get(base + t.path)
				var body int64
				if err == nil {
					body, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if ctx.Err() != nil {
					break // cut off by the end of the run: not counted
				}
				n++
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				bytes += body
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.requests += n
			res.errors += errs
			res.bytes += bytes
			res.lat = append(res.lat, lat...)
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	return res
}
