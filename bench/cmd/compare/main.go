// Command compare runs the side-by-side benchmark: our Socket.IO server
// (bench/server) against Node's socket.io (bench/node), driven by the
// same load generator (bench/loadgen), and prints a Markdown table of the
// medians, their spread and the ratios ours/Node.
//
//	./scripts/bench.sh            # installs and builds what it needs, then runs this
//	./scripts/bench.sh -quick     # a short smoke run
//
// or, with the binaries built:
//
//	compare -loadgen LOADGEN -server SERVER -nodedir bench/node
//
// Method:
//
//   - Each run starts its server fresh, on a free loopback port, pinned to
//     CPU 0 (taskset; the Go server with GOMAXPROCS=1), and the loadgen
//     pinned to CPU 1 (GOMAXPROCS=1).
//   - For each workload the servers alternate, Go, Node, Go, Node, ... for
//     -rounds rounds, and the table gives the median of the rounds with
//     the min–max spread. Ratios compare medians of the same session only.
//   - The loadgen warms up (-warmup, discarded) and then measures
//     (-duration). The server's CPU time (utime+stime from /proc/PID/stat,
//     sampled every 100 ms) gives its work per CPU-second over the
//     measured window; the loadgen's own CPU is checked the same way, and
//     a run where it used more than -gen-busy of its core is flagged.
//   - Memory is RSS (VmRSS from /proc/PID/status) after a forced full
//     collection in the server (GET /gc), on a fresh server, with the
//     connections each warmed by one echo and then left idle.
//
// The report goes to stdout and the progress, with each loadgen command,
// to stderr.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config is the command line.
type config struct {
	rounds       int
	duration     time.Duration
	warmup       time.Duration
	workloads    string
	quick        bool
	loadgen      string
	goServer     string
	node         string
	nodeDir      string
	pin          bool
	serverCPU    string
	clientCPU    string
	genBusy      float64
	othersBusy   float64
	settle       time.Duration
	rawPath      string
	rateFraction float64
	redisServer  string
	redisCPU     string

	payload            int
	echoClients        int
	broadcastClients   int
	broadcastInflight  int
	connectConcurrency int
	idleFirst          int
	idleTotal          int
	holdClients        int
	holdDuration       time.Duration
	holdPing           time.Duration
	holdRounds         int
	clusterClients     int
	clusterInflight    int
}

func parseFlags(fs *flag.FlagSet, args []string) (*config, error) {
	c := &config{}
	fs.IntVar(&c.rounds, "rounds", 3, "rounds per workload; each round runs every server once")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "measured time of each throughput run")
	fs.DurationVar(&c.warmup, "warmup", 3*time.Second, "discarded warm-up before each measurement")
	fs.StringVar(&c.workloads, "workloads", "all", "comma-separated workloads to run: "+strings.Join(workloadNames, ","))
	fs.BoolVar(&c.quick, "quick", false, "a short smoke run: 1 round, 2 s per workload, small counts (flags given explicitly still win)")
	fs.StringVar(&c.loadgen, "loadgen", "", "the loadgen binary (bench/loadgen)")
	fs.StringVar(&c.goServer, "server", "", "our bench server binary (bench/server)")
	fs.StringVar(&c.node, "node", "node", "the node binary")
	fs.StringVar(&c.nodeDir, "nodedir", "", "the directory of the Node server, with node_modules (default: bench/node or node under the working directory)")
	fs.BoolVar(&c.pin, "pin", true, "pin the server and the loadgen to their CPUs with taskset")
	fs.StringVar(&c.serverCPU, "server-cpu", "0", "the CPU list for the servers (taskset -c)")
	fs.StringVar(&c.clientCPU, "client-cpu", "1", "the CPU list for the loadgen (taskset -c)")
	fs.Float64Var(&c.genBusy, "gen-busy", 0.9, "flag runs where the loadgen used more than this share of its core")
	fs.Float64Var(&c.othersBusy, "others-busy", 0.2, "flag runs where other processes used more than this many cores (the machine was not quiet)")
	fs.DurationVar(&c.settle, "settle", 2*time.Second, "wait after the connections are ready before forcing GC and reading RSS")
	fs.StringVar(&c.rawPath, "raw", "", "also write every run's values as JSON lines to this file")
	fs.Float64Var(&c.rateFraction, "rate-fraction", 0.8, "latency workload, with a loadgen that has -rate: the offered rate as a share of Node's echo maximum")
	fs.IntVar(&c.payload, "payload", 32, "bytes in each emitted string")
	fs.IntVar(&c.echoClients, "echo-clients", 50, "clients of echo, ack, polling-echo and latency")
	fs.IntVar(&c.broadcastClients, "broadcast-clients", 1000, "receivers of broadcast")
	fs.IntVar(&c.broadcastInflight, "broadcast-inflight", 4, "publishes in flight in broadcast")
	fs.IntVar(&c.connectConcurrency, "connect-concurrency", 64, "connects in flight in connect")
	fs.IntVar(&c.idleFirst, "idle-first", 1000, "idle-memory: connections of the first wave")
	fs.IntVar(&c.idleTotal, "idle-total", 10000, "idle-memory: connections after the second wave")
	fs.IntVar(&c.holdClients, "hold-clients", 19000, "hold: idle connections held on our server")
	fs.DurationVar(&c.holdDuration, "hold-duration", 60*time.Second, "hold: how long they are held")
	fs.DurationVar(&c.holdPing, "hold-ping", 5*time.Second, "hold: our server's ping interval, so that heartbeats flow during the hold")
	fs.IntVar(&c.holdRounds, "hold-rounds", 1, "hold: rounds")
	fs.IntVar(&c.clusterClients, "cluster-clients", 1000, "cluster: receivers, split evenly over the two servers")
	fs.IntVar(&c.clusterInflight, "cluster-inflight", 4, "cluster: publishes in flight")
	fs.StringVar(&c.redisServer, "redis-server", "redis-server", "cluster: the redis-server binary")
	fs.StringVar(&c.redisCPU, "redis-cpu", "", "cluster: the CPU list for redis-server (taskset -c; default: -client-cpu's); the two servers share -server-cpu")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range quickValues {
			if !set[name] {
				if err := fs.Set(name, v); err != nil {
					return nil, err
				}
			}
		}
	}
	switch {
	case c.rounds < 1 || c.holdRounds < 1:
		return nil, errors.New("-rounds and -hold-rounds must be at least 1")
	case c.idleFirst < 1 || c.idleTotal <= c.idleFirst:
		return nil, errors.New("-idle-total must be above -idle-first, which must be at least 1")
	case c.duration <= 0 || c.holdDuration <= 0:
		return nil, errors.New("-duration and -hold-duration must be positive")
	}
	if _, err := selectWorkloads(c.workloads); err != nil {
		return nil, err
	}
	return c, nil
}

// quickValues are -quick's settings.
var quickValues = map[string]string{
	"rounds":              "1",
	"duration":            "2s",
	"warmup":              "1s",
	"broadcast-clients":   "100",
	"cluster-clients":     "100",
	"connect-concurrency": "16",
	"idle-first":          "100",
	"idle-total":          "500",
	"hold-clients":        "500",
	"hold-duration":       "5s",
	"hold-ping":           "1s",
	"settle":              "500ms",
}

var workloadNames = []string{"echo", "ack", "broadcast", "cluster", "polling-echo", "connect", "latency", "idle-memory", "hold"}

// selectWorkloads parses -workloads.
func selectWorkloads(list string) (map[string]bool, error) {
	sel := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "all":
			for _, n := range workloadNames {
				sel[n] = true
			}
		case slices.Contains(workloadNames, name):
			sel[name] = true
		case name != "":
			return nil, fmt.Errorf("unknown workload %q (want all or some of %s)", name, strings.Join(workloadNames, ","))
		}
	}
	if len(sel) == 0 {
		return nil, errors.New("no workload selected")
	}
	return sel, nil
}

// harness is one benchmark session.
type harness struct {
	cfg            *config
	log            io.Writer
	loadgenHasRate bool

	// runs holds each workload's rounds by server: the metrics' values.
	runs  map[string]map[serverKind][]map[string]float64
	notes []string
	raw   *json.Encoder
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.log, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func main() {
	cfg, err := parseFlags(flag.CommandLine, os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "compare: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "compare: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg *config, out, log io.Writer) error {
	if err := cfg.locate(); err != nil {
		return err
	}
	h := &harness{cfg: cfg, log: log, runs: map[string]map[serverKind][]map[string]float64{}}
	h.loadgenHasRate = hasFlag(cfg.loadgen, "rate")
	if cfg.rawPath != "" {
		f, err := os.Create(cfg.rawPath)
		if err != nil {
			return err
		}
		defer f.Close()
		h.raw = json.NewEncoder(f)
	}
	m := describeMachine(cfg)
	h.logf("%s", m.line())
	sel, _ := selectWorkloads(cfg.workloads)
	var rows []row
	for _, w := range h.workloads() {
		if !sel[w.name] {
			continue
		}
		if err := h.measure(ctx, w); err != nil {
			return err
		}
		rows = append(rows, h.rows(w)...)
	}
	return writeReport(out, m, cfg, h, rows)
}

// locate fills in and checks the paths of the programs.
func (c *config) locate() error {
	if c.loadgen == "" || c.goServer == "" {
		return errors.New("-loadgen and -server are required (scripts/bench.sh builds them)")
	}
	if c.nodeDir == "" {
		for _, d := range []string{"bench/node", "node"} {
			if _, err := os.Stat(filepath.Join(d, "server.js")); err == nil {
				c.nodeDir = d
				break
			}
		}
		if c.nodeDir == "" {
			return errors.New("no bench/node/server.js under the working directory: give -nodedir")
		}
	}
	var err error
	for _, p := range []*string{&c.loadgen, &c.goServer, &c.nodeDir} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
	}
	for _, pkg := range []string{"socket.io", "@socket.io/redis-adapter", "redis"} {
		if _, err := os.Stat(filepath.Join(c.nodeDir, "node_modules", pkg)); err != nil {
			return fmt.Errorf("%s is not installed in %s: run npm ci there (scripts/bench.sh does)", pkg, c.nodeDir)
		}
	}
	if sel, _ := selectWorkloads(c.workloads); sel["cluster"] {
		if _, err := exec.LookPath(c.redisServer); err != nil {
			return fmt.Errorf("the cluster workload needs redis-server (-redis-server): %w", err)
		}
	}
	if c.pin {
		if _, err := exec.LookPath("taskset"); err != nil {
			return errors.New("taskset not found (util-linux); or run with -pin=false")
		}
	}
	return nil
}

// hasFlag reports whether a Go program's -h output lists -name.
func hasFlag(prog, name string) bool {
	out, _ := exec.Command(prog, "-h").CombinedOutput()
	return strings.Contains(string(out), "\n  -"+name+" ") || strings.Contains(string(out), "\n  -"+name+"\n")
}

// measure runs the rounds of w, alternating the servers.
func (h *harness) measure(ctx context.Context, w *workload) error {
	if w.reuse != "" && len(h.runs[w.reuse]) > 0 {
		h.runs[w.name] = h.runs[w.reuse]
		h.logf("%s: the runs of %s", w.title, w.reuse)
		return nil
	}
	kinds := []serverKind{goServer, nodeServer}
	rounds := h.cfg.rounds
	if w.goOnly {
		kinds = []serverKind{goServer}
		rounds = h.cfg.holdRounds
	}
	h.runs[w.name] = map[serverKind][]map[string]float64{}
	for round := 1; round <= rounds; round++ {
		for _, kind := range kinds {
			if err := ctx.Err(); err != nil {
				return err
			}
			h.logf("%s: round %d/%d, %s", w.title, round, rounds, kind)
			values, notes, err := w.run(ctx, h, kind)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			where := fmt.Sprintf("%s, %s, round %d", w.name, kind, round)
			if err != nil {
				h.logf("    %s: FAILED: %v", kind, err)
				h.notes = append(h.notes, fmt.Sprintf("%s: failed: %v", where, oneLine(err.Error())))
				continue
			}
			for _, n := range notes {
				h.logf("    %s: note: %s", kind, n)
				h.notes = append(h.notes, where+": "+n)
			}
			h.runs[w.name][kind] = append(h.runs[w.name][kind], values)
			if h.raw != nil {
				h.raw.Encode(map[string]any{"workload": w.name, "server": kind, "round": round, "values": jsonSafe(values), "notes": notes})
			}
			sleepCtx(ctx, 500*time.Millisecond) // let the last connections' teardown pass
		}
	}
	h.boundNotes(w, kinds)
	return nil
}

// boundNotes notes the servers that w's loadgen could not saturate: the
// loadgen's core was busy (over -gen-busy) while the server's was not
// (under serverBusy). Their throughput is the client's; their work per
// server CPU-second still compares.
func (h *harness) boundNotes(w *workload, kinds []serverKind) {
	const serverBusy = 0.9
	for _, kind := range kinds {
		runs := h.runs[w.name][kind]
		gen, srv := summarize(column(runs, "gen_cpu")), summarize(column(runs, "server_cpu"))
		if gen.N == 0 || srv.N == 0 || gen.Median <= h.cfg.genBusy || srv.Median >= serverBusy {
			continue
		}
		h.notes = append(h.notes, fmt.Sprintf("%s, %s: client-bound: the loadgen used %.2f of its core and the server %.2f of its own (medians); the rate measures the client, the rate per server CPU-s still compares",
			w.name, kind, gen.Median, srv.Median))
	}
}

// rows makes w's table rows from its runs.
func (h *harness) rows(w *workload) []row {
	var rows []row
	for _, m := range w.metrics {
		r := row{Workload: w.title, Metric: m.label, Unit: m.unit, Better: m.better}
		r.Ours = summarize(column(h.runs[w.name][goServer], m.key))
		r.Node = summarize(column(h.runs[w.name][nodeServer], m.key))
		if r.Ours.N == 0 && r.Node.N == 0 {
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

// column is one metric's values over runs; a run without it gives NaN.
func column(runs []map[string]float64, key string) []float64 {
	var xs []float64
	for _, r := range runs {
		v, ok := r[key]
		if !ok {
			v = nan
		}
		xs = append(xs, v)
	}
	return xs
}

// jsonSafe replaces NaN and infinities, which JSON cannot hold, by nil.
func jsonSafe(values map[string]float64) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		if v != v || v > 1e300 || v < -1e300 {
			out[k] = nil
		} else {
			out[k] = v
		}
	}
	return out
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// writeReport prints the session's report in Markdown.
func writeReport(w io.Writer, m machine, cfg *config, h *harness, rows []row) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Ours (Go) vs Node socket.io %s\n\n", m.socketIO)
	fmt.Fprintf(&b, "- Machine: %s\n", m.line())
	fmt.Fprintf(&b, "- Commit: %s\n", m.commit)
	fmt.Fprintf(&b, "- Date: %s\n", m.date)
	fmt.Fprintf(&b, "- Method: each run starts its server fresh on a free loopback port")
	if cfg.pin {
		fmt.Fprintf(&b, ", pinned to CPU %s (Go: GOMAXPROCS=1); the loadgen pinned to CPU %s (GOMAXPROCS=1)", cfg.serverCPU, cfg.clientCPU)
	} else {
		fmt.Fprintf(&b, " (not pinned; Go server GOMAXPROCS=1)")
	}
	fmt.Fprintf(&b, ". %d round(s) per workload, servers interleaved (Go, Node, Go, Node, …); %v warm-up discarded, then %v measured; %d B payloads. Cells are the median (min–max) over the rounds.\n",
		cfg.rounds, cfg.warmup, cfg.duration, cfg.payload)
	fmt.Fprintf(&b, "- Ratios are ours/Node of the medians everywhere; \"better if\" says which way favours us (> 1 for throughput, < 1 for memory, latency and CPU); ✓ marks rows where ours is better, ✗ where Node's is.\n")
	if _, ran := h.runs["latency"]; ran && !h.loadgenHasRate {
		fmt.Fprintf(&b, "- Latency \"at the same offered load\" is approximated: the loadgen is closed-loop only, so both servers get the same concurrency (%d clients, 1 emit in flight each), not the same rate; the faster server is offered more.\n", cfg.echoClients)
	}
	if _, ran := h.runs["cluster"]; ran {
		fmt.Fprintf(&b, "- %s\n", clusterMethod(cfg))
	}
	if cfg.quick {
		fmt.Fprintf(&b, "- **-quick smoke run**: the counts and durations are too small for the numbers to mean much.\n")
	}
	b.WriteString("\n")
	if err := writeTable(&b, rows); err != nil {
		return err
	}
	if len(h.notes) > 0 {
		b.WriteString("\nNotes on individual runs:\n\n")
		for _, n := range h.notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
