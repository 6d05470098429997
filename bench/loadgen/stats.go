package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The phases of a run, in order.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStopped
)

// clock is a run's time line: warm-up, measurement, stop. Workers read it
// on every operation; only the goroutine running run changes it.
type clock struct {
	base  time.Time
	phase atomic.Int32

	// start and end bound the measurement, in ns since base; set by
	// run before the phase changes, read once the workers are done.
	start, end int64
}

func newClock() *clock { return &clock{base: time.Now()} }

// now is the time in ns since the clock was made (monotonic).
func (c *clock) now() int64 { return int64(time.Since(c.base)) }

func (c *clock) measuring() bool { return c.phase.Load() == phaseMeasure }
func (c *clock) stopped() bool   { return c.phase.Load() == phaseStopped }

// run sleeps through the warm-up, then measures for d, then stops; an ended
// ctx cuts either short.
func (c *clock) run(ctx context.Context, warmup, d time.Duration) {
	sleep(ctx, warmup)
	c.startMeasure()
	sleep(ctx, d)
	c.stop()
}

func (c *clock) startMeasure() {
	c.start = c.now()
	c.end = c.start
	c.phase.Store(phaseMeasure)
}

func (c *clock) stop() {
	if c.phase.Load() == phaseMeasure {
		c.end = c.now()
	}
	c.phase.Store(phaseStopped)
}

// measured is the length of the measurement.
func (c *clock) measured() time.Duration { return time.Duration(c.end - c.start) }

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// tally is one worker's counts. The worker owns it; the run reads it after
// the worker ended.
type tally struct {
	lat     []int64 // latencies in ns, measured operations only
	ops     int64
	errors  int64
	dropped int64
}

// sum merges tallies.
func sum(ts []*tally) tally {
	var all tally
	n := 0
	for _, t := range ts {
		if t != nil {
			n += len(t.lat)
		}
	}
	all.lat = make([]int64, 0, n)
	for _, t := range ts {
		if t == nil {
			continue
		}
		all.lat = append(all.lat, t.lat...)
		all.ops += t.ops
		all.errors += t.errors
		all.dropped += t.dropped
	}
	return all
}

// Result is the outcome of a run: what -json prints.
type Result struct {
	Workload  string  `json:"workload"`
	Clients   int     `json:"clients"`
	Ops       int64   `json:"ops"`
	OpsPerSec float64 `json:"ops_per_sec"`
	P50us     float64 `json:"p50_us"`
	P99us     float64 `json:"p99_us"`
	P999us    float64 `json:"p999_us"`
	Errors    int64   `json:"errors"`
	Dropped   int64   `json:"dropped"`
	DurationS float64 `json:"duration_s"`
}

// result makes the Result of a run from its merged tally.
func result(cfg *Config, clients int, t tally, measured time.Duration) Result {
	r := Result{
		Workload:  cfg.Workload,
		Clients:   clients,
		Ops:       t.ops,
		Errors:    t.errors,
		Dropped:   t.dropped,
		DurationS: round(measured.Seconds(), 3),
	}
	if measured > 0 {
		r.OpsPerSec = round(float64(t.ops)/measured.Seconds(), 1)
	}
	slices.Sort(t.lat)
	r.P50us = micros(percentile(t.lat, 0.50))
	r.P99us = micros(percentile(t.lat, 0.99))
	r.P999us = micros(percentile(t.lat, 0.999))
	return r
}

// percentile returns the nearest-rank q-quantile of sorted, or 0 if empty.
func percentile(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func micros(ns int64) float64 { return round(float64(ns)/1e3, 1) }

func round(v float64, digits int) float64 {
	p := math.Pow10(digits)
	return math.Round(v*p) / p
}

// String is the human summary of a Result.
func (r Result) String() string {
	unit := "round trips"
	switch r.Workload {
	case "broadcast":
		unit = "deliveries"
	case "connect":
		unit = "connects"
	case "idle":
		return fmt.Sprintf("idle: %d clients, %d still connected after %.1fs, connect p50 %.0fµs p99 %.0fµs p99.9 %.0fµs, %d errors, %d dropped",
			r.Clients, r.Ops, r.DurationS, r.P50us, r.P99us, r.P999us, r.Errors, r.Dropped)
	}
	return fmt.Sprintf("%s: %d clients, %.1fs measured: %d %s, %.0f/s, p50 %.0fµs p99 %.0fµs p99.9 %.0fµs, %d errors, %d dropped",
		r.Workload, r.Clients, r.DurationS, r.Ops, unit, r.OpsPerSec, r.P50us, r.P99us, r.P999us, r.Errors, r.Dropped)
}

// errorLog writes the first few errors of a run, so that a failing run says
// why without flooding the terminal.
type errorLog struct {
	w    io.Writer // nil: discard
	mu   sync.Mutex
	seen int
}

const maxLoggedErrors = 5

func (l *errorLog) printf(format string, args ...any) {
	if l == nil || l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen++
	switch {
	case l.seen <= maxLoggedErrors:
		fmt.Fprintf(l.w, "loadgen: "+format+"\n", args...)
	case l.seen == maxLoggedErrors+1:
		fmt.Fprintf(l.w, "loadgen: (further errors not shown)\n")
	}
}
