package clientbench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
)

var (
	compare  = flag.Bool("compare", false, "run TestCompare, the measurement of RESULTS.md")
	rounds   = flag.Int("rounds", 3, "rounds of TestCompare")
	messages = flag.Int("messages", 200_000, "messages published for each receiving measurement")
)

// sample is one measurement of one variant. Per op means per command
// issued, or per message received.
type sample struct {
	ns, bytes, allocs float64       // wall time, heap bytes and allocations per op
	cpu, server       time.Duration // CPU time of the test process and of redis-server per op
}

// scenario is one line of the comparison.
type scenario struct {
	name     string
	variants []string // the names of the variants it compares
	run      func(t *testing.T, c client) sample
}

// TestCompare measures every scenario for every variant, the variants of a
// scenario back to back and in an order rotated each round, so that the
// drift of the machine's speed falls on all of them alike.
func TestCompare(t *testing.T) {
	if !*compare {
		t.Skip("a measurement of several minutes: run it with -args -compare")
	}
	srv := redistest.Start(t,
		// A subscriber that falls behind by 32 MB is disconnected by
		// default; here it must get all of the burst to be counted.
		redistest.WithArgs("--client-output-buffer-limit", "pubsub 0 0 0"))
	ctl := control(t, srv.Addr())
	pipes := make(map[string]string)
	for _, k := range kinds {
		pipes[k.name] = pipeFile(t, k, *messages)
	}
	publishers := []string{"go-redis", "go-redis/ap", "rueidis", "rueidis/20µs"}
	queriers := []string{"go-redis", "rueidis"}
	receivers := []string{"go-redis", "go-redis/ch", "rueidis"}
	scenarios := []scenario{
		{"PUBLISH 120 B, 1 publisher", publishers, func(t *testing.T, c client) sample {
			return benchPublish(t, ctl, c, 1)
		}},
		{"PUBLISH 120 B, 16 publishers", publishers, func(t *testing.T, c client) sample {
			return benchPublish(t, ctl, c, 16)
		}},
		{"PUBSUB NUMSUB", queriers, func(t *testing.T, c client) sample {
			return benchCount(t, ctl, c.numsub, requests)
		}},
		{"PUBSUB SHARDNUMSUB", queriers, func(t *testing.T, c client) sample {
			return benchCount(t, ctl, c.shardnumsub, shard)
		}},
	}
	for _, k := range kinds {
		scenarios = append(scenarios, scenario{"receive via " + k.name, receivers, func(t *testing.T, c client) sample {
			return benchReceive(t, srv.Addr(), ctl, c, k, pipes[k.name])
		}})
	}

	results := make(map[string]map[string][]sample) // scenario, variant
	for round := range *rounds {
		for _, sc := range scenarios {
			order := slices.Clone(sc.variants)
			r := round % len(order)
			order = append(order[r:], order[:r]...)
			for _, name := range order {
				c := dial(t, variantNamed(name), srv.Addr())
				s := sc.run(t, c)
				c.close()
				if results[sc.name] == nil {
					results[sc.name] = make(map[string][]sample)
				}
				results[sc.name][name] = append(results[sc.name][name], s)
				t.Logf("round %d, %s, %s: %s", round+1, sc.name, name, s)
			}
		}
	}
	var report strings.Builder
	fmt.Fprintf(&report, "%d rounds, GOMAXPROCS %d, %s\n\n", *rounds, runtime.GOMAXPROCS(0), runtime.Version())
	writeTable(&report, scenarios, results)
	fmt.Fprint(os.Stdout, report.String())
}

func variantNamed(name string) variant {
	for _, v := range variants {
		if v.name == name {
			return v
		}
	}
	panic("no variant " + name)
}

func (s sample) String() string {
	return fmt.Sprintf("%.0f ns/op (%.0f/s), %.0f B/op, %.1f allocs/op, CPU %v/op, redis CPU %v/op",
		s.ns, 1e9/s.ns, s.bytes, s.allocs, s.cpu, s.server)
}

// benchPublish publishes the payload from the given number of goroutines
// at once.
func benchPublish(t *testing.T, ctl *goredis.Client, c client, publishers int) sample {
	ctx := context.Background()
	var s sample
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		cpu0, server0 := cpuTime(), serverCPU(ctx, ctl)
		b.ResetTimer()
		var next atomic.Int64
		var wg sync.WaitGroup
		for range publishers {
			wg.Go(func() {
				for next.Add(1) <= int64(b.N) {
					if err := c.publish(ctx, broadcast, payload); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		s.cpu = (cpuTime() - cpu0) / time.Duration(b.N)
		s.server = (serverCPU(ctx, ctl) - server0) / time.Duration(b.N)
	})
	if res.N == 0 {
		t.Fatal("the benchmark failed")
	}
	s.ns, s.bytes, s.allocs = float64(res.NsPerOp()), float64(res.AllocedBytesPerOp()), float64(res.AllocsPerOp())
	return s
}

// benchCount asks for the number of subscribers of channel, one request
// at a time.
func benchCount(t *testing.T, ctl *goredis.Client, count func(context.Context, string) (int64, error), channel string) sample {
	ctx := context.Background()
	var s sample
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		cpu0, server0 := cpuTime(), serverCPU(ctx, ctl)
		b.ResetTimer()
		for b.Loop() {
			if _, err := count(ctx, channel); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		s.cpu = (cpuTime() - cpu0) / time.Duration(b.N)
		s.server = (serverCPU(ctx, ctl) - server0) / time.Duration(b.N)
	})
	if res.N == 0 {
		t.Fatal("the benchmark failed")
	}
	s.ns, s.bytes, s.allocs = float64(res.NsPerOp()), float64(res.AllocedBytesPerOp()), float64(res.AllocsPerOp())
	return s
}

// benchReceive has redis-cli publish *messages messages of kind k at full
// speed and times their arrival at a subscriber made with c, which also
// holds the subscriptions of the other kinds, as an adapter does.
func benchReceive(t *testing.T, addr string, ctl *goredis.Client, c client, k kind, pipe string) sample {
	ctx := context.Background()
	n := int64(*messages)
	var got, bad atomic.Int64
	done := make(chan struct{})
	stop, err := c.subscribe(ctx, pattern, requests, shard, func(channel, p string) {
		if len(p) != len(payload) || channel != k.channel {
			bad.Add(1)
		}
		if got.Add(1) == n {
			close(done)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	waitSubscribed(t, ctl, 1)

	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0, server0 := cpuTime(), serverCPU(ctx, ctl)
	start := time.Now()
	published := make(chan error, 1)
	go func() { published <- publishPiped(addr, pipe) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%d of %d messages arrived", got.Load(), n)
	}
	elapsed := time.Since(start)
	cpu, server := cpuTime()-cpu0, serverCPU(ctx, ctl)-server0
	runtime.ReadMemStats(&m1)
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	if bad.Load() != 0 {
		t.Fatalf("%d messages arrived wrong", bad.Load())
	}
	return sample{
		ns:     float64(elapsed) / float64(n),
		bytes:  float64(m1.TotalAlloc-m0.TotalAlloc) / float64(n),
		allocs: float64(m1.Mallocs-m0.Mallocs) / float64(n),
		cpu:    cpu / time.Duration(n),
		server: server / time.Duration(n),
	}
}

// writeTable writes, as Markdown, the median of each metric over the
// rounds, and their range in brackets where they differ. The ratios to
// the scenario's first variant are taken round by round, since both ran
// back to back, and their median is shown.
func writeTable(w *strings.Builder, scenarios []scenario, results map[string]map[string][]sample) {
	fmt.Fprintln(w, "| scenario | client | ops/s | ns/op | B/op | allocs/op | client CPU/op | redis CPU/op | ops/s ÷ first | client CPU ÷ first |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, sc := range scenarios {
		base := results[sc.name][sc.variants[0]]
		for _, name := range sc.variants {
			ss := results[sc.name][name]
			col := func(f func(i int, s sample) float64, format func(float64) string) string {
				v := make([]float64, len(ss))
				for i, s := range ss {
					v[i] = f(i, s)
				}
				slices.Sort(v)
				lo, mid, hi := format(v[0]), format(v[len(v)/2]), format(v[len(v)-1])
				if lo == hi {
					return mid
				}
				return fmt.Sprintf("%s (%s–%s)", mid, lo, hi)
			}
			num := func(prec int) func(float64) string {
				return func(f float64) string { return fmt.Sprintf("%.*f", prec, f) }
			}
			µs := func(f float64) string { return fmt.Sprintf("%.2f µs", f/1e3) }
			rate, cpu := "", ""
			if name != sc.variants[0] {
				rate = col(func(i int, s sample) float64 { return base[i].ns / s.ns }, num(2))
				cpu = col(func(i int, s sample) float64 { return float64(s.cpu) / float64(base[i].cpu) }, num(2))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", sc.name, name,
				col(func(_ int, s sample) float64 { return 1e9 / s.ns }, si),
				col(func(_ int, s sample) float64 { return s.ns }, num(0)),
				col(func(_ int, s sample) float64 { return s.bytes }, num(0)),
				col(func(_ int, s sample) float64 { return s.allocs }, num(1)),
				col(func(_ int, s sample) float64 { return float64(s.cpu) }, µs),
				col(func(_ int, s sample) float64 { return float64(s.server) }, µs),
				rate, cpu,
			)
		}
	}
}

// si writes a rate such as 41.3k.
func si(f float64) string {
	switch {
	case f >= 1e6:
		return fmt.Sprintf("%.2fM", f/1e6)
	case f >= 1e3:
		return fmt.Sprintf("%.1fk", f/1e3)
	}
	return fmt.Sprintf("%.0f", f)
}
