package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cluster is the broadcast workload on a cluster: two servers of one
// kind on one Redis (ours with the classic Redis adapter, Node's with
// @socket.io/redis-adapter), the receivers split evenly over them, and
// the publisher on the first, the origin, so that every broadcast
// crosses Redis to the other. Both servers are pinned to -server-cpu,
// the loadgen to -client-cpu, Redis to -redis-cpu.
func (h *harness) cluster() *workload {
	c := h.cfg
	return &workload{
		name:  "cluster",
		title: fmt.Sprintf("cluster: 2 servers on one Redis, broadcast to %d clients (half on each), %d in flight, published on one", c.clusterClients, c.clusterInflight),
		metrics: []metric{
			{"rate", "deliveries/s", unitRate, higherBetter},
			{"per_cpu", "deliveries per server CPU-s (both servers)", unitPerCPU, higherBetter},
			{"us_per_delivery", "server CPU per delivery (both servers)", unitCPUMicros, lowerBetter},
			{"us_origin", "origin server's CPU per delivery of its own", unitCPUMicros, lowerBetter},
			{"us_remote", "other server's CPU per delivery of its own", unitCPUMicros, lowerBetter},
			{"us_sys", "of the server CPU per delivery, system (kernel) time", unitCPUMicros, noBetter},
			{"per_write", "deliveries per write system call (both servers)", unitDecimal, noBetter},
			{"p50", "p50 publish→last delivery", unitMicros, lowerBetter},
			{"p99", "p99 publish→last delivery", unitMicros, lowerBetter},
			{"server_cpu", "both servers' CPU used (cores, on one core)", unitCores, noBetter},
			{"cpu_origin", "origin server's CPU used (cores)", unitCores, noBetter},
			{"cpu_remote", "other server's CPU used (cores)", unitCores, noBetter},
			{"redis_cpu", "Redis CPU used (cores, INFO cpu)", unitCores, noBetter},
			{"redis_us_per_broadcast", "Redis CPU per broadcast (its idle work included)", unitCPUMicros, noBetter},
			{"publishes", "PUBLISH commands per broadcast (INFO commandstats)", unitDecimal, noBetter},
			{"gen_cpu", "loadgen CPU used (cores)", unitCores, noBetter},
			{"allocs_origin", "allocations per broadcast, origin server (ours)", unitDecimal, noBetter},
			{"allocs_remote", "allocations per broadcast, other server (ours)", unitDecimal, noBetter},
			{"allocs_per_delivery", "allocations per delivery, both servers (ours)", unitDecimal, noBetter},
		},
		run: func(ctx context.Context, h *harness, kind serverKind) (map[string]float64, []string, error) {
			return h.runCluster(ctx, kind)
		},
	}
}

// runCluster runs one round of the cluster workload against two fresh
// servers of kind on a fresh Redis.
func (h *harness) runCluster(ctx context.Context, kind serverKind) (map[string]float64, []string, error) {
	c := h.cfg
	rdb, err := h.startRedis(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer rdb.stop()
	var srvs [2]*server
	for i := range srvs {
		s, err := h.startServer(ctx, kind, "-redis", rdb.addr)
		if err != nil {
			return nil, nil, err
		}
		defer s.stop()
		srvs[i] = s
	}
	origin, remote := srvs[0], srvs[1]
	args := []string{"-workload", "broadcast", "-clients", strconv.Itoa(c.clusterClients), "-inflight", strconv.Itoa(c.clusterInflight),
		"-payload", strconv.Itoa(c.payload), "-duration", c.duration.String(), "-warmup", c.warmup.String()}
	g, err := h.startLoadgen(origin.url()+","+remote.url(), args)
	if err != nil {
		return nil, nil, err
	}
	smp := startSampler(100*time.Millisecond, procCPU(origin.pid()), procCPU(remote.pid()), procCPU(g.pid()),
		rdb.cpu(), procCPU(rdb.pid()), machineCPU(),
		procSysCPU(origin.pid()), procSysCPU(remote.pid()), procWrites(origin.pid()), procWrites(remote.pid()))
	// Redis's PUBLISH count, and ours' allocations: a read costs an INFO,
	// or a GET and a ReadMemStats, so once a second is enough for
	// counters that grow evenly.
	slow := []counter{rdb.publishes()}
	if kind == goServer {
		slow = append(slow, mallocs(ctx, origin), mallocs(ctx, remote))
	}
	counts := startSampler(time.Second, slow...)
	res, err := g.wait(ctx)
	exit := time.Now()
	smp.finish()
	counts.finish()
	if err != nil {
		return nil, nil, err
	}
	for _, s := range srvs {
		if !s.alive() {
			return nil, nil, fmt.Errorf("a %s server died during the run (%v): %s", kind, s.err, s.out)
		}
	}
	if !rdb.alive() {
		return nil, nil, fmt.Errorf("redis-server died during the run (%v): %s", rdb.err, rdb.out)
	}

	v := map[string]float64{"rate": res.OpsPerSec, "p50": res.P50us, "p99": res.P99us, "p999": res.P999us}
	var notes []string
	from, to, span, ok := measuredWindow(exit, res.DurationS)
	if ok && res.OpsPerSec > 0 {
		cores := func(i int) float64 { return smp.used(i, from, to) / span }
		cpuA, cpuB, gen, red, redProc, machine := cores(0), cores(1), cores(2), cores(3), cores(4), cores(5)
		sysA, sysB, writes := cores(6), cores(7), cores(8)+cores(9)
		// The receivers alternate between the servers, the first to the
		// origin.
		nA, nB := float64((c.clusterClients+1)/2), float64(c.clusterClients/2)
		n := nA + nB
		rate := res.OpsPerSec
		broadcasts := rate / n
		v["server_cpu"] = cpuA + cpuB
		v["cpu_origin"] = cpuA
		v["cpu_remote"] = cpuB
		v["per_cpu"] = rate / (cpuA + cpuB)
		v["us_per_delivery"] = 1e6 * (cpuA + cpuB) / rate
		v["us_origin"] = 1e6 * cpuA / (rate * nA / n)
		v["us_remote"] = 1e6 * cpuB / (rate * nB / n)
		v["us_sys"] = 1e6 * (sysA + sysB) / rate
		v["per_write"] = rate / writes
		v["redis_cpu"] = red
		v["redis_proc_cpu"] = redProc
		v["redis_us_per_broadcast"] = 1e6 * red / broadcasts
		perSec := func(i int) float64 { return counts.used(i, from, to) / span }
		v["publishes"] = perSec(0) / broadcasts
		v["gen_cpu"] = gen
		v["others_cpu"] = machine - cpuA - cpuB - gen - redProc
		if kind == goServer {
			v["allocs_origin"] = perSec(1) / broadcasts
			v["allocs_remote"] = perSec(2) / broadcasts
			v["allocs_per_delivery"] = (perSec(1) + perSec(2)) / rate
		}
		if v["others_cpu"] > c.othersBusy {
			notes = append(notes, fmt.Sprintf("other processes used %.2f cores during the measurement (over %.2f): the machine was not quiet", v["others_cpu"], c.othersBusy))
		}
	}
	notes = append(notes, runNotes(res)...)
	var allocText string
	if kind == goServer {
		allocText = fmt.Sprintf(", allocs/broadcast %.1f and %.1f, allocs/delivery %.3f", v["allocs_origin"], v["allocs_remote"], v["allocs_per_delivery"])
	}
	h.logf("    %s: %s/s, %.2f µs server CPU per delivery (origin %.2f, other %.2f; system %.2f), %.2f deliveries per write, p50 %s, p99 %s, server CPU %.2f + %.2f, Redis %.3f (/proc %.3f, %.2f PUBLISH/broadcast), loadgen %.2f, others %.2f, errors %d, dropped %d%s",
		kind, siPrefix(res.OpsPerSec), v["us_per_delivery"], v["us_origin"], v["us_remote"], v["us_sys"], v["per_write"],
		formatValue(res.P50us, unitMicros), formatValue(res.P99us, unitMicros),
		v["cpu_origin"], v["cpu_remote"], v["redis_cpu"], v["redis_proc_cpu"], v["publishes"], v["gen_cpu"], v["others_cpu"],
		res.Errors, res.Dropped, allocText)
	return v, notes, nil
}

// mallocs counts the heap allocations of one of our servers (GET /stats).
func mallocs(ctx context.Context, s *server) counter {
	return func() (float64, error) {
		st, err := s.stats(ctx)
		if err != nil {
			return 0, err
		}
		return float64(st.Mallocs), nil
	}
}

// clusterMethod describes the cluster workload's placement for the
// report.
func clusterMethod(cfg *config) string {
	redisCPU := cfg.redisCPU
	if redisCPU == "" {
		redisCPU = cfg.clientCPU
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The cluster workload runs two servers of one kind on one fresh redis-server (%s, no persistence)", "redis-server --save '' --appendonly no")
	if cfg.pin {
		fmt.Fprintf(&b, "; both servers pinned to CPU %s, the loadgen to CPU %s, Redis to CPU %s", cfg.serverCPU, cfg.clientCPU, redisCPU)
	}
	fmt.Fprintf(&b, "; the receivers alternate between the servers and the publisher is on the first (the origin), so that every broadcast crosses Redis to the other. Per-delivery CPU counts both servers' CPU over all deliveries; the per-server rows divide each server's CPU by its own receivers' deliveries; system time and write system calls (syscw) come from /proc/PID/stat and /proc/PID/io. Redis CPU is used_cpu_user+used_cpu_sys from INFO cpu (it includes Redis's idle work and the harness's INFO reads, ten a second), PUBLISH commands from INFO commandstats; allocations are runtime.MemStats.Mallocs (ours only).")
	return b.String()
}
