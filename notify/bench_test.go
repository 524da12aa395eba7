package notify_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/notify"
)

// benchAudience is the number of confirmed subscribers one change is fanned
// out to; CW_BENCH_SUBSCRIBERS overrides it.
func benchAudience(b *testing.B) int {
	n := 10000
	if v := os.Getenv("CW_BENCH_SUBSCRIBERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("CW_BENCH_SUBSCRIBERS=%q: %v", v, err)
		}
	}
	return n
}

const benchConcurrency = 4

// benchAnswerDelay is how long the benchmarks' SMTP server takes to accept
// each message (CW_BENCH_SMTP_DELAY, a Go duration; none by default): on
// loopback it answers at once, where a relay on a network takes
// milliseconds, during which the dispatcher's own work per email overlaps.
func benchAnswerDelay(b *testing.B) time.Duration {
	v := os.Getenv("CW_BENCH_SMTP_DELAY")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		b.Fatalf("CW_BENCH_SMTP_DELAY=%q: want a duration such as 5ms", v)
	}
	return d
}

// cpuTime returns the CPU time the process has used, user and system: on a
// busy machine emails per second vary with the other load, CPU time per
// email much less.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the heap in use until stop is closed and returns the
// highest value seen, in bytes.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var ms runtime.MemStats
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// BenchmarkAlertFanout records one material change for an audience of
// confirmed subscribers (its deliveries are written in the change's
// transaction) and measures the dispatcher sending all of them through the
// in-process SMTP server: emails per second and the peak heap, which must
// not grow with the audience since the dispatcher pages through the outbox.
func BenchmarkAlertFanout(b *testing.B) {
	n := benchAudience(b)
	e := newEnv(b, func(o *notify.Options) { o.Concurrency = benchConcurrency })
	e.mb.store = false
	ctx := context.Background()
	for i := range n {
		id, err := e.db.Subscribe(ctx, data.SubscribeRequest{Email: fmt.Sprintf("reader%05d@example.org", i), Lang: []string{"en", "es"}[i%2],
			Subscription: data.Subscription{Frequency: data.Immediate}})
		if err == nil {
			err = e.db.Confirm(ctx, id)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	e.run(b) // the confirmation emails, not measured
	e.mb.answerDelay.Store(int64(benchAnswerDelay(b)))
	check := e.recorder(b)
	t0 := e.clk.now()
	record(b, check, "wa-eea", t0, shareFB, keep)
	b.ResetTimer()
	for i := range b.N {
		e.mb.mu.Lock()
		e.mb.count, e.mb.bytes = 0, 0
		e.mb.mu.Unlock()
		// Even iterations add the partners clause, odd ones remove it.
		text := shareMeta
		if i%2 == 1 {
			text = shareFB
		}
		b.StopTimer()
		runtime.GC()
		stop := make(chan struct{})
		peak := peakHeap(stop)
		b.StartTimer()
		start, cpu := time.Now(), cpuTime(b)
		rec := time.Now()
		record(b, check, "wa-eea", t0.Add(time.Duration(i+1)*time.Hour), text, keep)
		recDur := time.Since(rec)
		sent := 0
		for sent < n {
			k, err := e.disp.RunOnce(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if k == 0 {
				b.Fatalf("dispatcher stopped after %d of %d", sent, n)
			}
			sent += k
		}
		el, cpuEl := time.Since(start), cpuTime(b)-cpu
		close(stop)
		p := <-peak
		e.mb.mu.Lock()
		got, size := e.mb.count, e.mb.bytes
		e.mb.mu.Unlock()
		if got != n {
			b.Fatalf("server received %d emails, want %d", got, n)
		}
		b.ReportMetric(float64(n)/el.Seconds(), "emails/s")
		b.ReportMetric(float64(p)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(recDur.Milliseconds()), "record+enqueue-ms")
		b.ReportMetric(float64(size)/float64(n), "bytes/email")
		b.ReportMetric(float64(cpuEl.Microseconds())/float64(n), "cpu-µs/email")
	}
}

// BenchmarkGoMailFloor sends the same number of messages of the same size
// through the same server with a minimal loop over go-mail (one connection
// per worker, as many workers as the dispatcher): the floor of what the
// transport allows, with no database, claiming or composing. The messages
// are the fan-out's alert (the same change, composed beforehand in English
// and Spanish, alternating as the audience does) with its header fields,
// and the client, like the dispatcher's, does not check its connection
// with NOOP before each one.
func BenchmarkGoMailFloor(b *testing.B) {
	n := benchAudience(b)
	mb := startMailbox(b, false)
	mb.answerDelay.Store(int64(benchAnswerDelay(b)))
	// The alert the fan-out sends, composed once per language: the
	// audience alternates English and Spanish as the fan-out's does.
	e := newEnv(b, nil)
	ctx := context.Background()
	t0 := e.clk.now()
	record(b, e.db, "wa-eea", t0, shareFB, keep)
	res := record(b, e.db, "wa-eea", t0.Add(time.Hour), shareMeta, keep)
	if res.Change == nil {
		b.Fatal("no change recorded")
	}
	ac, err := e.db.AlertChange(ctx, res.Change.ID)
	if err != nil {
		b.Fatal(err)
	}
	var samples [2]*notify.Email
	for i, lang := range []string{"en", "es"} {
		if samples[i], err = e.composer.Alert(&data.Subscriber{ID: int64(i + 1), Email: "reader@example.org", Lang: lang}, "d1.alert", ac, t0); err != nil {
			b.Fatal(err)
		}
	}
	host, port, _ := net.SplitHostPort(mb.addr)
	p, _ := strconv.Atoi(port)
	b.ResetTimer()
	for range b.N {
		mb.mu.Lock()
		mb.count, mb.bytes = 0, 0
		mb.mu.Unlock()
		b.StopTimer()
		runtime.GC()
		stop := make(chan struct{})
		peak := peakHeap(stop)
		b.StartTimer()
		start, cpu := time.Now(), cpuTime(b)
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, benchConcurrency)
		for range benchConcurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cl, err := mail.NewClient(host, mail.WithPort(p), mail.WithTLSPolicy(mail.NoTLS), mail.WithoutNoop())
				if err == nil {
					err = cl.DialWithContext(context.Background())
				}
				if err != nil {
					errs <- err
					return
				}
				defer cl.Close()
				for {
					i := next.Add(1)
					if i > int64(n) {
						return
					}
					m := mail.NewMsg(mail.WithNoDefaultUserAgent())
					m.From("Clausewatch <alerts@clausewatch.test>")
					sample := samples[i%2]
					m.To(fmt.Sprintf("reader%05d@example.org", i))
					m.Subject(sample.Subject)
					m.SetMessageIDWithValue(fmt.Sprintf("d%d.alert@clausewatch.test", i))
					m.SetDateWithValue(sample.Date)
					for _, h := range sample.Header {
						m.SetGenHeader(mail.Header(h.Name), h.Value)
					}
					m.SetBodyString(mail.TypeTextPlain, sample.Text)
					m.AddAlternativeString(mail.TypeTextHTML, sample.HTML)
					if err := cl.Send(m); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		el, cpuEl := time.Since(start), cpuTime(b)-cpu
		close(stop)
		pk := <-peak
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
		if mb.count != n {
			b.Fatalf("server received %d, want %d", mb.count, n)
		}
		b.ReportMetric(float64(n)/el.Seconds(), "emails/s")
		b.ReportMetric(float64(pk)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(mb.bytes)/float64(n), "bytes/email")
		b.ReportMetric(float64(cpuEl.Microseconds())/float64(n), "cpu-µs/email")
	}
}
