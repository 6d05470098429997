package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"
)

var nan = math.NaN()

// metric is one measured quantity of a workload: a row of the table.
type metric struct {
	key    string
	label  string
	unit   unit
	better better
}

// workload is one benchmark: how to run it once against a server, and the
// metrics a run gives.
type workload struct {
	name    string // for -workloads
	title   string // the table's Workload column
	goOnly  bool   // run against our server only
	metrics []metric
	// run measures one round against kind. It returns the metrics' values
	// by key (a missing key is not measured) and notes about the run
	// (warnings to report).
	run func(ctx context.Context, h *harness, kind serverKind) (values map[string]float64, notes []string, err error)
	// reuse names a workload whose runs are this one's, when it ran in
	// the session.
	reuse string
}

// workloads returns the benchmarks in the order they run.
func (h *harness) workloads() []*workload {
	c := h.cfg
	base := []string{"-payload", strconv.Itoa(c.payload), "-duration", c.duration.String(), "-warmup", c.warmup.String()}
	with := func(args ...string) []string { return append(args, base...) }

	ws := []*workload{
		h.throughput("echo", fmt.Sprintf("echo, %d clients, %d B", c.echoClients, c.payload),
			"round trips", "round trip",
			with("-workload", "echo", "-clients", strconv.Itoa(c.echoClients), "-inflight", "1")),
		h.throughput("ack", fmt.Sprintf("ack, %d clients, %d B", c.echoClients, c.payload),
			"acks", "round trip",
			with("-workload", "ack", "-clients", strconv.Itoa(c.echoClients), "-inflight", "1")),
		h.throughput("broadcast", fmt.Sprintf("broadcast to %d clients, %d in flight", c.broadcastClients, c.broadcastInflight),
			"deliveries", "publish→last delivery",
			with("-workload", "broadcast", "-clients", strconv.Itoa(c.broadcastClients), "-inflight", strconv.Itoa(c.broadcastInflight))),
		h.cluster(),
		h.throughput("polling-echo", fmt.Sprintf("long-polling echo, %d clients", c.echoClients),
			"round trips", "round trip",
			with("-workload", "polling-echo", "-clients", strconv.Itoa(c.echoClients))),
		h.throughput("connect", fmt.Sprintf("WebSocket connects, %d in flight", c.connectConcurrency),
			"connects", "connect",
			with("-workload", "connect", "-concurrency", strconv.Itoa(c.connectConcurrency))),
		h.latency(),
		h.idleMemory(),
		h.hold(),
	}
	return ws
}

// throughput is a closed-loop workload: the loadgen's rate and latencies,
// with the server's CPU in the measured window.
func (h *harness) throughput(name, title, ops, latency string, args []string) *workload {
	return &workload{
		name:  name,
		title: title,
		metrics: []metric{
			{"rate", ops + "/s", unitRate, higherBetter},
			{"per_cpu", ops + " per server CPU-s", unitPerCPU, higherBetter},
			{"p50", "p50 " + latency, unitMicros, lowerBetter},
			{"p99", "p99 " + latency, unitMicros, lowerBetter},
			{"server_cpu", "server CPU used (cores)", unitCores, noBetter},
			{"gen_cpu", "loadgen CPU used (cores)", unitCores, noBetter},
		},
		run: func(ctx context.Context, h *harness, kind serverKind) (map[string]float64, []string, error) {
			return h.runClosedLoop(ctx, kind, args)
		},
	}
}

// runClosedLoop runs the loadgen with args against a fresh server of kind.
//
// The loadgen says how long it measured but not when, so the CPU rates
// are taken over the middle of the measured window: it ends when the
// loadgen exits (less its teardown), and began duration_s before; a margin
// at both ends keeps the connects, the warm-up and the teardown out.
func (h *harness) runClosedLoop(ctx context.Context, kind serverKind, args []string) (map[string]float64, []string, error) {
	srv, err := h.startServer(ctx, kind)
	if err != nil {
		return nil, nil, err
	}
	defer srv.stop()
	g, err := h.startLoadgen(srv.url(), args)
	if err != nil {
		return nil, nil, err
	}
	smp := startSampler(100*time.Millisecond, procCPU(srv.pid()), procCPU(g.pid()), machineCPU())
	res, err := g.wait(ctx)
	exit := time.Now()
	smp.finish()
	if err != nil {
		return nil, nil, err
	}
	if !srv.alive() {
		return nil, nil, fmt.Errorf("the %s server died during the run (%v): %s", kind, srv.err, srv.out)
	}

	srvRate, genRate, others := nan, nan, nan
	if from, to, span, ok := measuredWindow(exit, res.DurationS); ok {
		srvRate = smp.used(0, from, to) / span
		genRate = smp.used(1, from, to) / span
		others = smp.used(2, from, to)/span - srvRate - genRate
	}
	v := map[string]float64{
		"rate":       res.OpsPerSec,
		"per_cpu":    res.OpsPerSec / srvRate,
		"p50":        res.P50us,
		"p99":        res.P99us,
		"p999":       res.P999us,
		"server_cpu": srvRate,
		"gen_cpu":    genRate,
		"others_cpu": others,
	}
	notes := runNotes(res)
	if others > h.cfg.othersBusy {
		notes = append(notes, fmt.Sprintf("other processes used %.2f cores during the measurement (over %.2f): the machine was not quiet", others, h.cfg.othersBusy))
	}
	h.logf("    %s: %s/s, p50 %s, p99 %s, server CPU %.2f, loadgen CPU %.2f, others %.2f, errors %d, dropped %d",
		kind, siPrefix(res.OpsPerSec), formatValue(res.P50us, unitMicros), formatValue(res.P99us, unitMicros),
		srvRate, genRate, others, res.Errors, res.Dropped)
	return v, notes, nil
}

// measuredWindow is the middle of the loadgen's measurement, which lasted
// d seconds and ended when the loadgen exited at exit (less its
// teardown): a margin at both ends keeps the connects, the warm-up and the
// teardown out. span is its length in seconds; ok is false if the loadgen
// measured nothing.
func measuredWindow(exit time.Time, d float64) (from, to time.Time, span float64, ok bool) {
	if d <= 0 {
		return time.Time{}, time.Time{}, 0, false
	}
	margin := min(0.5, d/10)
	from = exit.Add(-seconds(d - margin))
	to = exit.Add(-seconds(margin))
	return from, to, to.Sub(from).Seconds(), true
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// runNotes reports a loadgen result's errors and dropped connections.
func runNotes(res loadgenResult) []string {
	var notes []string
	if res.Errors > 0 {
		notes = append(notes, fmt.Sprintf("%d errors (see the loadgen's stderr in the log)", res.Errors))
	}
	if res.Dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d connections dropped", res.Dropped))
	}
	return notes
}

// latency compares p99 echo latency at the same offered load. With a
// loadgen that has -rate, both servers get the same open-loop rate (a
// fraction of Node's measured echo maximum); without it, closed-loop echo
// with the same clients and one emit in flight each stands in, which is
// the same concurrency but not the same rate: the faster server is
// offered more.
func (h *harness) latency() *workload {
	c := h.cfg
	w := &workload{
		name: "latency",
		metrics: []metric{
			{"rate", "round trips/s (achieved)", unitRate, noBetter},
			{"p50", "p50 round trip", unitMicros, lowerBetter},
			{"p99", "p99 round trip", unitMicros, lowerBetter},
			{"p999", "p99.9 round trip", unitMicros, lowerBetter},
		},
	}
	args := func(extra ...string) []string {
		a := []string{"-workload", "echo", "-clients", strconv.Itoa(c.echoClients), "-inflight", "1",
			"-payload", strconv.Itoa(c.payload), "-duration", c.duration.String(), "-warmup", c.warmup.String()}
		return append(a, extra...)
	}
	if h.loadgenHasRate {
		w.title = fmt.Sprintf("echo latency at %.0f%% of Node's max echo rate, %d clients (open loop)", 100*c.rateFraction, c.echoClients)
		w.run = func(ctx context.Context, h *harness, kind serverKind) (map[string]float64, []string, error) {
			r := h.nodeEchoMax()
			if math.IsNaN(r) {
				return nil, nil, fmt.Errorf("no Node echo maximum to set the rate from (run the echo workload first)")
			}
			// -rate is the loadgen's total offered rate, emits per second.
			return h.runClosedLoop(ctx, kind, args("-rate", strconv.Itoa(int(r*c.rateFraction))))
		}
	} else {
		w.title = fmt.Sprintf("echo latency, %d clients × 1 in flight (closed loop: same concurrency, not same rate)", c.echoClients)
		w.run = func(ctx context.Context, h *harness, kind serverKind) (map[string]float64, []string, error) {
			return h.runClosedLoop(ctx, kind, args())
		}
		// The echo workload is this very run: reuse its rounds when it ran.
		w.reuse = "echo"
	}
	return w
}

// nodeEchoMax is the median of Node's echo rate in this session, or NaN.
func (h *harness) nodeEchoMax() float64 {
	var xs []float64
	for _, r := range h.runs["echo"][nodeServer] {
		if v, ok := r["rate"]; ok {
			xs = append(xs, v)
		}
	}
	return summarize(xs).Median
}

// idleMemory measures the marginal RSS per idle WebSocket connection
// between n1 and n2 connections, each warmed by one echo, on a fresh
// server.
func (h *harness) idleMemory() *workload {
	c := h.cfg
	n1, n2 := c.idleFirst, c.idleTotal
	return &workload{
		name:  "idle-memory",
		title: fmt.Sprintf("idle WebSocket connections, %s → %s", count(n1), count(n2)),
		metrics: []metric{
			{"marginal", fmt.Sprintf("marginal RSS per conn (%s→%s)", count(n1), count(n2)), unitKB, lowerBetter},
			{"first", fmt.Sprintf("first-wave RSS per conn (0→%s)", count(n1)), unitKB, lowerBetter},
			{"rss0", "RSS, fresh", unitMB, lowerBetter},
			{"rss2", fmt.Sprintf("RSS at %s", count(n2)), unitMB, lowerBetter},
			{"heap", "heap per conn (Go: heap+stacks; Node: V8 heap used)", unitKB, noBetter},
			{"goroutines", "goroutines per conn", unitDecimal, noBetter},
		},
		run: func(ctx context.Context, h *harness, kind serverKind) (map[string]float64, []string, error) {
			return h.runIdleMemory(ctx, kind, n1, n2)
		},
	}
}

func (h *harness) runIdleMemory(ctx context.Context, kind serverKind, n1, n2 int) (map[string]float64, []string, error) {
	srv, err := h.startServer(ctx, kind)
	if err != nil {
		return nil, nil, err
	}
	defer srv.stop()
	idle := func(n int) []string {
		return []string{"-workload", "idle", "-clients", strconv.Itoa(n), "-duration", "600s"}
	}
	// settle waits for the connections to go quiet, collects, and reads
	// RSS and the server's figures.
	settle := func() (int64, *serverStats, error) {
		sleepCtx(ctx, h.cfg.settle)
		rss, err := srv.gc(ctx)
		if err != nil {
			return 0, nil, err
		}
		st, err := srv.stats(ctx)
		return rss, st, err
	}
	sleepCtx(ctx, time.Second)
	rss0, _, err := settle()
	if err != nil {
		return nil, nil, err
	}
	var gens []*loadgen
	defer func() {
		for _, g := range gens {
			g.kill()
		}
	}()
	wave := func(n int) (int, error) {
		g, err := h.startLoadgen(srv.url(), idle(n))
		if err != nil {
			return 0, err
		}
		gens = append(gens, g)
		return g.waitReady(ctx, 5*time.Minute)
	}
	got1, err := wave(n1)
	if err != nil {
		return nil, nil, err
	}
	rss1, st1, err := settle()
	if err != nil {
		return nil, nil, err
	}
	got2, err := wave(n2 - n1)
	if err != nil {
		return nil, nil, err
	}
	rss2, st2, err := settle()
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	if got1 != n1 || got2 != n2-n1 {
		notes = append(notes, fmt.Sprintf("only %d+%d of %d+%d clients were ready", got1, got2, n1, n2-n1))
	}
	if st2.Sockets != int64(got1+got2) {
		notes = append(notes, fmt.Sprintf("the server had %d sockets when RSS was read, not %d", st2.Sockets, got1+got2))
	}
	for i := len(gens) - 1; i >= 0; i-- {
		res, err := gens[i].finish(ctx)
		if err != nil {
			return nil, nil, err
		}
		notes = append(notes, runNotes(res)...)
	}
	gens = nil
	if !srv.alive() {
		return nil, nil, fmt.Errorf("the %s server died during the run (%v): %s", kind, srv.err, srv.out)
	}
	const kb = 1024.0
	v := map[string]float64{
		"rss0":     float64(rss0) / (kb * kb),
		"rss1":     float64(rss1) / (kb * kb),
		"rss2":     float64(rss2) / (kb * kb),
		"first":    float64(rss1-rss0) / kb / float64(got1),
		"marginal": float64(rss2-rss1) / kb / float64(got2),
	}
	switch kind {
	case goServer:
		v["heap"] = float64((st2.HeapInuse+st2.StackInuse)-(st1.HeapInuse+st1.StackInuse)) / kb / float64(got2)
		v["goroutines"] = float64(st2.Goroutines-st1.Goroutines) / float64(got2)
	case nodeServer:
		v["heap"] = float64(st2.HeapUsed-st1.HeapUsed) / kb / float64(got2)
	}
	h.logf("    %s: RSS %.1f → %.1f → %.1f MB (%d, %d, %d conns): first %.1f KB/conn, marginal %.1f KB/conn",
		kind, v["rss0"], v["rss1"], v["rss2"], 0, got1, got1+got2, v["first"], v["marginal"])
	return v, notes, nil
}

// hold holds many idle WebSocket connections on our server, with
// heartbeats flowing, and counts those dropped.
func (h *harness) hold() *workload {
	c := h.cfg
	return &workload{
		name:   "hold",
		title:  fmt.Sprintf("hold %s idle conns for %v, ping every %v (ours only)", count(c.holdClients), c.holdDuration, c.holdPing),
		goOnly: true,
		metrics: []metric{
			{"dropped", "connections dropped (loadgen)", unitCount, mustBeZero},
			{"server_disc", "disconnects seen by the server during the hold", unitCount, mustBeZero},
			{"errors", "failed connects or warm-ups", unitCount, mustBeZero},
			{"held", "connections held to the end", unitCount, noBetter},
			{"rss", "RSS while held", unitMB, lowerBetter},
			{"per_conn", "RSS per conn (all of it / conns)", unitKB, lowerBetter},
			{"server_cpu", "server CPU used while held (cores)", unitCores, lowerBetter},
			{"connect_rate", "connects/s while opening them", unitRate, noBetter},
		},
		run: func(ctx context.Context, h *harness, kind serverKind) (map[string]float64, []string, error) {
			return h.runHold(ctx, kind)
		},
	}
}

func (h *harness) runHold(ctx context.Context, kind serverKind) (map[string]float64, []string, error) {
	c := h.cfg
	srv, err := h.startServer(ctx, kind, "-ping-interval", c.holdPing.String())
	if err != nil {
		return nil, nil, err
	}
	defer srv.stop()
	sleepCtx(ctx, time.Second)
	rss0, err := srv.gc(ctx)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	g, err := h.startLoadgen(srv.url(), []string{"-workload", "idle", "-clients", strconv.Itoa(c.holdClients), "-duration", c.holdDuration.String()})
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if g != nil {
			g.kill()
		}
	}()
	n, err := g.waitReady(ctx, 10*time.Minute)
	if err != nil {
		return nil, nil, err
	}
	ready := time.Now()
	st0, err := srv.stats(ctx)
	if err != nil {
		return nil, nil, err
	}
	sleepCtx(ctx, min(h.cfg.settle, c.holdDuration/4))
	rss, err := srv.gc(ctx)
	if err != nil {
		return nil, nil, err
	}
	// The server's CPU while held is the heartbeats' cost, from after the
	// forced collection.
	cpu0, err := cpuSeconds(srv.pid())
	if err != nil {
		return nil, nil, err
	}
	cpu0At := time.Now()
	// The last look at the server is just before the loadgen's hold ends
	// (it starts when the loadgen says it is ready), so that the closing
	// of its connections is not counted as disconnects.
	sleepCtx(ctx, time.Until(ready.Add(c.holdDuration-min(time.Second, c.holdDuration/10))))
	last, err := srv.stats(ctx)
	if err != nil {
		return nil, nil, err
	}
	lastCPU, err := cpuSeconds(srv.pid())
	if err != nil {
		return nil, nil, err
	}
	lastAt := time.Now()
	res, err := g.wait(ctx)
	g = nil
	if err != nil {
		return nil, nil, err
	}
	if !srv.alive() {
		return nil, nil, fmt.Errorf("the %s server died during the hold (%v): %s", kind, srv.err, srv.out)
	}
	const kb = 1024.0
	v := map[string]float64{
		"dropped":      float64(res.Dropped),
		"server_disc":  float64(last.disconnected() - st0.disconnected()),
		"errors":       float64(res.Errors),
		"held":         float64(res.Ops),
		"rss":          float64(rss) / (kb * kb),
		"per_conn":     float64(rss-rss0) / kb / float64(n),
		"server_cpu":   nan,
		"connect_rate": float64(n) / ready.Sub(start).Seconds(),
	}
	if d := lastAt.Sub(cpu0At).Seconds(); d > 0 {
		v["server_cpu"] = (lastCPU - cpu0) / d
	}
	notes := runNotes(res)
	if n != c.holdClients {
		notes = append(notes, fmt.Sprintf("only %d of %d clients were ready", n, c.holdClients))
	}
	if last.Sockets != int64(n) {
		notes = append(notes, fmt.Sprintf("the server had %d sockets near the end of the hold, not %d", last.Sockets, n))
	}
	if d := last.disconnected() - st0.disconnected(); d > 0 {
		notes = append(notes, fmt.Sprintf("the server saw %d disconnects during the hold: %v", d, last.Disconnects))
	}
	h.logf("    %s: %d ready in %.1f s, %d held, %d dropped, %d errors, RSS %.1f MB (%.1f KB/conn), server CPU %.3f",
		kind, n, ready.Sub(start).Seconds(), res.Ops, res.Dropped, res.Errors, v["rss"], v["per_conn"], v["server_cpu"])
	return v, notes, nil
}

// count prints a connection count: 1000 → "1k", 19000 → "19k", 500 → "500".
func count(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// sleepCtx sleeps for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
