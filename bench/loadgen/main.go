// Command loadgen drives a Socket.IO server with the side-by-side
// benchmark's workloads. It speaks Engine.IO v4 and Socket.IO v5 itself,
// over WebSocket and HTTP long-polling, with its own minimal WebSocket and
// HTTP/1.1 client code, so that every server under test (ours, Node's
// socket.io 4.8) meets the same client, at a low CPU cost per message.
//
//	loadgen -url http://127.0.0.1:3000 -workload echo -clients 50 \
//	        -duration 10s -warmup 3s -payload 32 -inflight 1 -concurrency 64 -json
//
// Besides those flags, -path sets the Engine.IO path when -url has none
// (default "/socket.io/"), -timeout bounds one connect, a publish and the
// idle warm-up (default 10s), and -cpuprofile writes the generator's own
// CPU profile.
//
// The server must serve, on "/socket.io/" (or the -url's path), the
// namespace "/" with three handlers: "echo" emits "echo" back to the sender
// with the same arguments, "echo-ack" acknowledges with the same arguments,
// "broadcast" emits "broadcast" with the same arguments to every socket of
// "/".
//
// # Workloads
//
//   - echo: -clients WebSocket clients, closed loop: each emits
//     42["echo",<payload>] and waits for 42["echo",...] before sending again,
//     with -inflight emits outstanding per client. One op is one round trip.
//   - ack: the same with 42<id>["echo-ack",<payload>] answered by 43<id>[...];
//     ids count up per client, acks are matched by id.
//   - broadcast: -clients receivers, plus one publisher that emits
//     42["broadcast",<seq>,<payload>] with -inflight publishes outstanding.
//     A publish is complete when every receiver got it (the publisher's own
//     copy is read and not counted). One op is one delivery to a receiver;
//     the latencies are from publish to last delivery. With several -url
//     (comma-separated: the servers of one cluster), receiver i connects
//     to server i mod n and the publisher to the first, so that every
//     broadcast reaches the others' receivers through the cluster.
//   - polling-echo: echo over HTTP long-polling only (handshake GET, POST
//     "40", a GET always pending, POSTs carrying the emits and pongs).
//   - connect: -concurrency workers each open a WebSocket-only connection
//     (transport=websocket: read 0{...}, send 40, read 40{"sid":...}) and
//     close it, over and over. One op is one connect; the latencies are from
//     dial to the CONNECT reply; errors are failed connects. The JSON's
//     clients is -concurrency.
//   - idle: opens -clients WebSocket connections (-concurrency at a time),
//     each emits one "echo" and waits for it; then, with -json, prints
//     {"event":"ready","clients":N} (N: the clients connected and warm) and
//     holds them, answering pings, for -duration, or until stdin closes when
//     stdin is a pipe. ops is the number of clients still connected at the
//     end, dropped those lost before, errors those that failed to connect
//     or warm; the latencies are the connects'. -warmup does not apply.
//
// Every workload answers the server's pings and ignores other Engine.IO
// packets, runs -warmup (discarded) and then measures for -duration. The
// payload is a JSON string of -payload 'x' bytes. Clients connect
// -concurrency at a time before the warm-up starts.
//
// # Output
//
// A one-line human summary, or with -json one JSON object (after idle's
// ready line):
//
//	{"workload":"echo","clients":50,"ops":123456,"ops_per_sec":12345.6,
//	 "p50_us":210.5,"p99_us":480.1,"p999_us":900.2,"errors":0,"dropped":0,
//	 "duration_s":10.001}
//
// ops and the counts are integers; ops_per_sec, the latencies (µs, 0.1
// resolution, exact nearest-rank percentiles of every measured sample) and
// duration_s (the measured time) are numbers with a fraction. errors counts
// failed connects, protocol surprises and timeouts; dropped counts
// connections the server closed or lost while they should have stayed open.
// The first few errors are described on stderr. The exit status is 0 when a
// result was printed, 1 when no client could connect (the result is still
// printed), 2 for bad flags.
//
// # Resources
//
// One goroutine reads each WebSocket connection and, in the closed loops,
// writes from it too; a polling client has two keep-alive connections,
// one for its GETs and one for its POSTs, each read by its own goroutine.
// Reading a connection costs one system call per batch of data that
// arrived, and no allocation per message. The process needs one file per
// connection (two per polling client) and raises no limit. Only plain
// http URLs are supported: no TLS.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// Config is one run's settings, the command line's flags.
type Config struct {
	// URL is the server's base URL, http; its path, if any, replaces
	// Path. For broadcast it may list several servers of one cluster,
	// separated by commas: the receivers are spread over them in turn
	// (receiver i on server i mod n), and the publisher is on the first.
	URL         string
	Path        string        // Engine.IO path, default "/socket.io/"
	Workload    string        // connect, idle, echo, ack, broadcast, polling-echo
	Clients     int           // connections (receivers for broadcast)
	Duration    time.Duration // measurement (idle: hold) time
	Warmup      time.Duration // discarded time before the measurement
	Payload     int           // bytes of 'x' in each emit's string
	Inflight    int           // outstanding emits per client, or publishes
	Concurrency int           // connects in flight
	Timeout     time.Duration // for one connect, and for a publish or the idle warm-up to complete
	// Rate, for echo, makes it open-loop: the clients together emit Rate
	// times a second on a fixed schedule, whether replies came or not.
	// Zero means closed-loop.
	Rate float64
	// PaceTick is the open-loop pacer's shortest period (default 250 µs):
	// each tick sends the emits due, and wakes the generator. At 30,000
	// emits a second, a tick per emit took the generator's whole core and
	// 100 µs ticks 0.9 of it; 250 µs ticks, 0.7 (the emits come in
	// sevens).
	PaceTick time.Duration

	// Ready, if set, is called by idle once the clients are connected and
	// warm, with their number.
	Ready func(clients int)
	// Hold, if set, ends idle's hold when it closes.
	Hold <-chan struct{}
	// Errors receives the first few error descriptions; nil discards them.
	Errors io.Writer
}

var workloads = []string{"connect", "idle", "echo", "ack", "broadcast", "polling-echo"}

// validate checks cfg and fills in defaults.
func (cfg *Config) validate() error {
	if !containsString(workloads, cfg.Workload) {
		return fmt.Errorf("unknown workload %q (want one of %s)", cfg.Workload, strings.Join(workloads, ", "))
	}
	urls := cfg.urls()
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("bad -url: %w", err)
		}
		if u.Scheme != "http" || u.Host == "" {
			return fmt.Errorf("bad -url %q: want http://host:port (no TLS)", raw)
		}
	}
	if len(urls) > 1 && cfg.Workload != "broadcast" {
		return errors.New("several -url servers apply to the broadcast workload only")
	}
	if cfg.Path == "" {
		cfg.Path = "/socket.io/"
	}
	switch {
	case cfg.Clients < 1:
		return errors.New("-clients must be at least 1")
	case cfg.Clients >= 1<<pubCountBits:
		return fmt.Errorf("-clients must be below %d", 1<<pubCountBits)
	case cfg.Inflight < 1 || cfg.Inflight > maxInflight:
		return fmt.Errorf("-inflight must be between 1 and %d", maxInflight)
	case cfg.Concurrency < 1:
		return errors.New("-concurrency must be at least 1")
	case cfg.Payload < 0:
		return errors.New("-payload must not be negative")
	case cfg.Duration <= 0:
		return errors.New("-duration must be positive")
	case cfg.Warmup < 0:
		return errors.New("-warmup must not be negative")
	case cfg.Rate < 0:
		return errors.New("-rate must not be negative")
	case cfg.Rate > 0 && cfg.Workload != "echo":
		return errors.New("-rate applies to the echo workload only")
	case cfg.PaceTick < 0:
		return errors.New("-pace-tick must not be negative")
	}
	if cfg.PaceTick == 0 {
		cfg.PaceTick = 250 * time.Microsecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return nil
}

// urls is -url split at its commas.
func (cfg *Config) urls() []string { return strings.Split(cfg.URL, ",") }

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// maxInflight bounds -inflight, so that a publish's slot in the broadcast
// table is not reused while it may still be delivered.
const maxInflight = 1024

// errNoClient is returned with the result when no client could connect.
var errNoClient = errors.New("no client could connect")

// run runs cfg's workload until its end or ctx's, and returns the result.
func run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.validate(); err != nil {
		return Result{}, err
	}
	eps, err := newEndpoints(&cfg)
	if err != nil {
		return Result{}, err
	}
	e := eps[0]
	switch cfg.Workload {
	case "echo":
		return runClosedLoop(ctx, &cfg, e, false)
	case "ack":
		return runClosedLoop(ctx, &cfg, e, true)
	case "broadcast":
		return runBroadcast(ctx, &cfg, eps)
	case "polling-echo":
		return runPollingEcho(ctx, &cfg, e)
	case "connect":
		return runConnect(ctx, &cfg, e)
	case "idle":
		return runIdle(ctx, &cfg, e)
	}
	panic("unreachable: validated workload " + cfg.Workload)
}

func main() { os.Exit(loadgen()) }

// loadgen is the command; it returns the exit status.
func loadgen() int {
	var cfg Config
	jsonOut := flag.Bool("json", false, "print one JSON object (and idle's ready line) instead of a summary")
	flag.StringVar(&cfg.URL, "url", "http://127.0.0.1:3000", "server base URL (broadcast: several, comma-separated, the servers of one cluster)")
	flag.StringVar(&cfg.Path, "path", "/socket.io/", "Engine.IO path, when -url has none")
	flag.StringVar(&cfg.Workload, "workload", "echo", "one of "+strings.Join(workloads, "|"))
	flag.IntVar(&cfg.Clients, "clients", 50, "connections (broadcast: receivers)")
	flag.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measurement time (idle: how long to hold)")
	flag.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "discarded time before the measurement")
	flag.IntVar(&cfg.Payload, "payload", 32, "bytes of 'x' in each emitted string")
	flag.IntVar(&cfg.Inflight, "inflight", 1, "outstanding emits per client (broadcast: outstanding publishes)")
	flag.IntVar(&cfg.Concurrency, "concurrency", 64, "connects in flight")
	flag.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "limit for one connect, a publish, and the idle warm-up")
	flag.Float64Var(&cfg.Rate, "rate", 0, "echo: emits per second of all clients together, open loop (0: closed loop)")
	flag.DurationVar(&cfg.PaceTick, "pace-tick", 250*time.Microsecond, "with -rate: the pacer's shortest period (a few emits per tick above 1/tick per second)")
	cpuProfile := flag.String("cpuprofile", "", "write the generator's CPU profile to this file")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "loadgen: unexpected arguments %q\n", flag.Args())
		return 2
	}
	cfg.Errors = os.Stderr

	// The generator keeps few live pointers; collecting less often leaves
	// more of its CPU for the workload.
	debug.SetGCPercent(400)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if cfg.Workload == "idle" {
		cfg.Ready = func(n int) {
			if *jsonOut {
				fmt.Printf("{\"event\":\"ready\",\"clients\":%d}\n", n)
			} else {
				fmt.Printf("idle: %d clients connected and warm, holding for %v\n", n, cfg.Duration)
			}
		}
		if stdinIsPipe() {
			hold := make(chan struct{})
			go func() { // ends with the process
				io.Copy(io.Discard, os.Stdin)
				close(hold)
			}()
			cfg.Hold = hold
		}
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
			return 2
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}

	res, err := run(ctx, cfg)
	if err != nil && !errors.Is(err, errNoClient) {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		return 2
	}
	if *jsonOut {
		b, _ := json.Marshal(res)
		fmt.Printf("%s\n", b)
	} else {
		fmt.Println(res)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		return 1
	}
	return 0
}

// stdinIsPipe reports whether stdin is a pipe or socket, whose end can
// tell idle to stop early. A terminal or /dev/null is not.
func stdinIsPipe() bool {
	fi, err := os.Stdin.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0
}
