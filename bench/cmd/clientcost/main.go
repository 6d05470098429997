// Command clientcost measures what the Go Socket.IO client (package
// client) costs a process that holds many connections: the time to open N
// of them (default 10,000) from one process against our server, and the
// memory, goroutines and files each idle connection keeps.
//
//	go run ./cmd/clientcost                          # 3 rounds of each mode, N=10,000
//	go run ./cmd/clientcost -rounds 5 -concurrency 256 -heapprofile /tmp/heap
//
// One process cannot hold both ends of 10,000 connections under this
// machine's limit of 20,000 open files, so the command runs three kinds of
// process, all this binary:
//
//   - the driver (no -serve, no -measure) runs the rounds and prints the
//     table;
//   - the server (-serve): our Socket.IO server (socketio.NewServer, the
//     default options, Serve on a free loopback port), a fresh one for
//     each measurement, pinned to -server-cpu with GOMAXPROCS=1;
//   - the measuring process (-measure): a fresh one for each measurement,
//     pinned to -client-cpu with GOMAXPROCS=1, which opens the N clients
//     and prints one JSON line.
//
// The measuring process, for one transport mode:
//
//  1. raises RLIMIT_NOFILE to its hard limit;
//  2. collects (runtime.GC, debug.FreeOSMemory) and reads the baseline:
//     VmRSS from /proc/self/status, runtime.MemStats's HeapInuse and
//     StackInuse, runtime.NumGoroutine, the open files in /proc/self/fd;
//  3. opens N clients, -concurrency at a time, each with
//     client.New(url, &client.Options{Engine: eio.Options{Transports: ...}})
//     and Connect: over WebSocket only ("websocket"), or with the default
//     long-polling then upgrade ("polling"), in which case it also waits
//     until every connection has moved to WebSocket;
//  4. waits -settle, collects again and reads the same figures: what each
//     idle connection costs is the difference over N; with -heapprofile
//     it writes a heap profile there, with all N connected;
//  5. closes every socket, waits for every Engine.IO connection's Done,
//     and checks that the goroutines come back to the baseline (net/http's
//     keep-alive pool, two goroutines per idle pooled connection, is
//     counted apart: it is the process's, not a connection's).
//
// The modes alternate, the order reversed every other round (A B B A ...),
// and each row of the table is the median over the rounds with the range:
// this machine's speed drifts over minutes, so only figures of one run
// compare (see bench/README.md).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/client"
	eio "github.com/ab218a8d/socketio/engineio/client"
)

type config struct {
	serve   bool
	measure bool

	n           int
	concurrency int
	modes       string
	rounds      int
	settle      time.Duration
	timeout     time.Duration
	pin         bool
	serverCPU   string
	clientCPU   string
	url         string
	transport   string
	heapProfile string
	goroutines  string
	raw         string
	memRate     int
	cpuProfile  string
}

func main() {
	log.SetFlags(0)
	c, err := parseFlags(os.Args[1:])
	if err != nil {
		os.Exit(2)
	}
	switch {
	case c.serve:
		err = serve()
	case c.measure:
		var r *result
		r, err = measure(c, os.Stderr)
		if r != nil {
			json.NewEncoder(os.Stdout).Encode(r)
		}
	default:
		err = drive(c, os.Stdout)
	}
	if err != nil {
		log.Fatal(err)
	}
}

func parseFlags(args []string) (*config, error) {
	var c config
	fs := flag.NewFlagSet("clientcost", flag.ContinueOnError)
	fs.BoolVar(&c.serve, "serve", false, "run the server: print its address on stdout, serve until stdin closes")
	fs.BoolVar(&c.measure, "measure", false, "run one measurement against -url with -transport, print one JSON line")
	fs.IntVar(&c.n, "n", 10000, "clients to open")
	fs.IntVar(&c.concurrency, "concurrency", 128, "connects in flight at once")
	fs.StringVar(&c.modes, "modes", "websocket,polling", "driver: the transport modes, comma-separated: websocket (WebSocket only), polling (long-polling, then upgrade)")
	fs.IntVar(&c.rounds, "rounds", 3, "driver: measurements of each mode")
	fs.DurationVar(&c.settle, "settle", 2*time.Second, "wait once all are connected, before reading the memory")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "bound on one connect, on the upgrades, on the close")
	fs.BoolVar(&c.pin, "pin", true, "driver: pin the server and the measuring process to their CPUs (taskset) with GOMAXPROCS=1")
	fs.StringVar(&c.serverCPU, "server-cpu", "0", "driver: the server's CPU list (taskset -c)")
	fs.StringVar(&c.clientCPU, "client-cpu", "1", "driver: the measuring process's CPU list (taskset -c)")
	fs.StringVar(&c.url, "url", "", "measure: the server's URL; driver: measure against this server instead of starting one per measurement")
	fs.StringVar(&c.transport, "transport", "websocket", "measure: websocket or polling")
	fs.StringVar(&c.heapProfile, "heapprofile", "", "write a heap profile with all N connected to this file (driver: a prefix, -MODE-ROUND.pb.gz is appended)")
	fs.StringVar(&c.goroutines, "goroutineprofile", "", "write the goroutines (pprof debug=1 text) with all N connected to this file (driver: a prefix, as -heapprofile)")
	fs.IntVar(&c.memRate, "memprofilerate", 0, "runtime.MemProfileRate in the measuring process, for -heapprofile (0: the default, a sample every 512 KiB; 1: every allocation, exact but slower to open)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write the measuring process's CPU profile of the opening to this file (driver: a prefix, as -heapprofile)")
	fs.StringVar(&c.raw, "raw", "", "driver: append every measurement's JSON line to this file")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return &c, nil
}

// raiseNoFile sets RLIMIT_NOFILE's soft limit to its hard limit and
// returns both as they were and the soft limit now.
func raiseNoFile() (soft, hard, now uint64, err error) {
	var l syscall.Rlimit
	if err = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, 0, 0, err
	}
	soft, hard = l.Cur, l.Max
	l.Cur = l.Max
	if err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return soft, hard, soft, err
	}
	return soft, hard, l.Cur, nil
}

// serve runs our Socket.IO server on a free loopback port, with the
// default options and no handlers, prints "listening ADDR" and serves
// until stdin reaches its end or a signal comes.
func serve() error {
	soft, hard, now, err := raiseNoFile()
	if err != nil {
		return fmt.Errorf("server: RLIMIT_NOFILE: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := socketio.NewServer(nil)
	failed := make(chan error, 1)
	go func() { failed <- srv.Serve(ln, "/socket.io/", nil) }()
	fmt.Printf("listening %s nofile %d/%d->%d\n", ln.Addr(), soft, hard, now)
	stdin := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(stdin)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	select {
	case err := <-failed:
		return err
	case <-stdin:
	case <-sig:
	}
	srv.Close()
	fmt.Printf("cpu %d\n", cpuTime().Microseconds())
	return nil
}

// sample is the state of the measuring process at one moment, after a
// full collection.
type sample struct {
	RSS        int64  `json:"rss"`
	HeapInuse  uint64 `json:"heap_inuse"`
	StackInuse uint64 `json:"stack_inuse"`
	Sys        uint64 `json:"sys"`
	Goroutines int    `json:"goroutines"`
	Files      int    `json:"files"`
}

func takeSample() sample {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return sample{
		RSS:        rssBytes(),
		HeapInuse:  ms.HeapInuse,
		StackInuse: ms.StackInuse,
		Sys:        ms.Sys,
		Goroutines: runtime.NumGoroutine(),
		Files:      openFiles(),
	}
}

// result is what one measurement prints.
type result struct {
	Transport   string `json:"transport"`
	N           int    `json:"n"`
	Concurrency int    `json:"concurrency"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	NoFile      string `json:"nofile"` // soft/hard before -> soft now

	Connected int `json:"connected"` // sockets connected when the memory was read
	Errors    int `json:"errors"`

	// OpenSeconds is from the first New to the last Connect's return;
	// UpgradedSeconds, for polling, until every connection is on
	// WebSocket.
	OpenSeconds     float64 `json:"open_s"`
	UpgradedSeconds float64 `json:"upgraded_s"`
	PerSecond       float64 `json:"connects_per_s"`
	// CPUPerConnect is the process's CPU time (user+system) while
	// opening (until all were upgraded), over N, in microseconds.
	CPUPerConnect float64 `json:"cpu_us_per_connect"`
	// ClientBusy is that CPU time over the time it took, in cores: near
	// 1 with GOMAXPROCS=1, the client is what limits the rate.
	ClientBusy float64 `json:"client_busy"`
	// ServerCPUPerConn is the server process's whole CPU time (its
	// start, the opens, the closes) over N, in microseconds; the driver
	// fills it in when it started the server.
	ServerCPUPerConn float64 `json:"server_cpu_us_per_conn,omitempty"`
	P50              float64 `json:"p50_ms"` // Connect's latency
	P99              float64 `json:"p99_ms"`

	Before sample `json:"before"`
	Idle   sample `json:"idle"`
	After  sample `json:"after"` // once all are closed and done

	RSSPerConn        float64 `json:"rss_per_conn"`
	HeapPerConn       float64 `json:"heap_per_conn"`
	StackPerConn      float64 `json:"stack_per_conn"`
	GoroutinesPerConn float64 `json:"goroutines_per_conn"`
	FilesPerConn      float64 `json:"files_per_conn"`
	// PoolGoroutines are net/http's keep-alive goroutines (two per idle
	// pooled long-polling connection) while idle and after the close.
	PoolGoroutines      int     `json:"pool_goroutines_idle"`
	PoolGoroutinesAfter int     `json:"pool_goroutines_after"`
	CloseSeconds        float64 `json:"close_s"`
	// Leaked is the goroutines above the baseline once all are closed,
	// net/http's pool left out: must be 0.
	Leaked int `json:"leaked_goroutines"`
}

// measure opens c.n clients against c.url over c.transport, reads what
// they cost idle, and closes them.
func measure(c *config, logw io.Writer) (*result, error) {
	var transports []string
	switch c.transport {
	case "websocket":
		transports = []string{eio.WebSocket}
	case "polling":
		transports = []string{eio.Polling, eio.WebSocket}
	default:
		return nil, fmt.Errorf("unknown -transport %q (websocket or polling)", c.transport)
	}
	if c.url == "" {
		return nil, errors.New("-measure needs -url")
	}
	if c.memRate > 0 {
		runtime.MemProfileRate = c.memRate
	}
	soft, hard, now, err := raiseNoFile()
	if err != nil {
		return nil, fmt.Errorf("RLIMIT_NOFILE: %w", err)
	}
	r := &result{
		Transport:   c.transport,
		N:           c.n,
		Concurrency: c.concurrency,
		GOMAXPROCS:  runtime.GOMAXPROCS(0),
		NoFile:      fmt.Sprintf("%d/%d->%d", soft, hard, now),
	}
	r.Before = takeSample()

	socks := make([]*client.Socket, c.n)
	lat := make([]time.Duration, c.n)
	var next atomic.Int64
	var nerr atomic.Int64
	var firstErr sync.Once
	opts := &client.Options{Engine: eio.Options{Transports: transports}}
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
	}
	cpu0 := cpuTime()
	start := time.Now()
	var wg sync.WaitGroup
	for range min(c.concurrency, c.n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= c.n {
					return
				}
				t := time.Now()
				s, err := client.New(c.url, opts)
				if err == nil {
					ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
					err = s.Connect(ctx)
					cancel()
				}
				lat[i] = time.Since(t)
				if err != nil {
					nerr.Add(1)
					firstErr.Do(func() { fmt.Fprintf(logw, "clientcost: connect %d: %v\n", i, err) })
					if s != nil {
						s.Close()
					}
					continue
				}
				socks[i] = s
			}
		})
	}
	wg.Wait()
	r.OpenSeconds = time.Since(start).Seconds()
	r.Errors = int(nerr.Load())
	r.UpgradedSeconds = r.OpenSeconds
	if c.transport == "polling" {
		if err := waitUpgraded(socks, c.timeout); err != nil {
			fmt.Fprintf(logw, "clientcost: %v\n", err)
			r.Errors++
		}
		r.UpgradedSeconds = time.Since(start).Seconds()
	}
	cpu := cpuTime() - cpu0
	if c.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	r.CPUPerConnect = cpu.Seconds() / float64(c.n) * 1e6
	r.ClientBusy = cpu.Seconds() / r.UpgradedSeconds
	r.PerSecond = float64(c.n) / r.UpgradedSeconds
	slices.Sort(lat)
	r.P50 = float64(lat[len(lat)/2]) / 1e6
	r.P99 = float64(lat[min(len(lat)-1, len(lat)*99/100)]) / 1e6

	time.Sleep(c.settle)
	r.Idle = takeSample()
	r.PoolGoroutines = poolGoroutines()
	for _, s := range socks {
		if s != nil && s.Connected() {
			r.Connected++
		}
	}
	if c.heapProfile != "" {
		if err := writeProfile("heap", c.heapProfile, 0); err != nil {
			return nil, err
		}
	}
	if c.goroutines != "" {
		if err := writeProfile("goroutine", c.goroutines, 1); err != nil {
			return nil, err
		}
	}
	n := float64(c.n)
	r.RSSPerConn = float64(r.Idle.RSS-r.Before.RSS) / n
	r.HeapPerConn = (float64(r.Idle.HeapInuse) - float64(r.Before.HeapInuse)) / n
	r.StackPerConn = (float64(r.Idle.StackInuse) - float64(r.Before.StackInuse)) / n
	r.GoroutinesPerConn = float64(r.Idle.Goroutines-r.Before.Goroutines) / n
	r.FilesPerConn = float64(r.Idle.Files-r.Before.Files) / n

	// Close them all, and wait until every connection has ended.
	start = time.Now()
	var engines []*eio.Conn
	for _, s := range socks {
		if s == nil {
			continue
		}
		if e := s.Manager().Engine(); e != nil {
			engines = append(engines, e)
		}
		s.Close()
	}
	deadline := time.After(c.timeout)
	for _, e := range engines {
		select {
		case <-e.Done():
		case <-deadline:
			return r, fmt.Errorf("the connections did not end within %v of the close", c.timeout)
		}
	}
	r.CloseSeconds = time.Since(start).Seconds()
	// The goroutines that end last (the dispatchers' handler runs,
	// net/http's after a request) may take a moment more.
	for end := time.Now().Add(c.timeout); ; {
		r.PoolGoroutinesAfter = poolGoroutines()
		r.Leaked = runtime.NumGoroutine() - r.PoolGoroutinesAfter - r.Before.Goroutines
		if r.Leaked <= 0 || time.Now().After(end) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.After = takeSample()
	if r.Leaked > 0 {
		fmt.Fprintf(logw, "clientcost: %d goroutines above the baseline after the close\n", r.Leaked)
		if r.Leaked < 50 {
			pprof.Lookup("goroutine").WriteTo(logw, 1)
		}
	}
	return r, nil
}

// waitUpgraded waits until every connection is on WebSocket.
func waitUpgraded(socks []*client.Socket, timeout time.Duration) error {
	end := time.Now().Add(timeout)
	for i := 0; i < len(socks); {
		s := socks[i]
		if s == nil {
			i++
			continue
		}
		if e := s.Manager().Engine(); e == nil || e.Transport() == eio.WebSocket {
			i++
			continue
		}
		if time.Now().After(end) {
			return fmt.Errorf("connection %d not upgraded within %v", i, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// poolGoroutines counts net/http's goroutines of pooled connections (a
// reader and a writer each).
func poolGoroutines() int {
	var b strings.Builder
	pprof.Lookup("goroutine").WriteTo(&b, 2)
	return strings.Count(b.String(), "net/http.(*persistConn).readLoop(") +
		strings.Count(b.String(), "net/http.(*persistConn).writeLoop(")
}

func writeProfile(name, path string, debugLevel int) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, debugLevel); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssBytes is this process's VmRSS, or -1 where /proc has none.
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			if f := strings.Fields(rest); len(f) >= 1 {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
	}
	return -1
}

// openFiles counts this process's open files, or -1.
func openFiles() int {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return -1
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return -1
	}
	return len(names) - 1 // the directory itself
}

// drive runs the rounds and prints the table.
func drive(c *config, out io.Writer) error {
	modes := strings.Split(c.modes, ",")
	for _, m := range modes {
		if m != "websocket" && m != "polling" {
			return fmt.Errorf("unknown mode %q in -modes (websocket, polling)", m)
		}
	}
	if c.pin {
		if _, err := exec.LookPath("taskset"); err != nil {
			log.Printf("clientcost: no taskset: running unpinned")
			c.pin = false
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var rawf *os.File
	if c.raw != "" {
		if rawf, err = os.OpenFile(c.raw, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		defer rawf.Close()
	}
	soft, hard, now, err := raiseNoFile()
	if err != nil {
		return err
	}
	pinning := "unpinned, GOMAXPROCS as inherited"
	if c.pin {
		pinning = fmt.Sprintf("server on CPU %s, client on CPU %s, GOMAXPROCS=1 each", c.serverCPU, c.clientCPU)
	}
	fmt.Fprintf(out, "clientcost: N=%d, concurrency %d, %d rounds, %s, %s, RLIMIT_NOFILE %d/%d -> %d\n",
		c.n, c.concurrency, c.rounds, pinning, runtime.Version(), soft, hard, now)
	results := map[string][]*result{}
	for round := range c.rounds {
		order := slices.Clone(modes)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, mode := range order {
			r, err := runOne(c, self, mode, round)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", round+1, mode, err)
			}
			line, _ := json.Marshal(r)
			if rawf != nil {
				rawf.Write(append(line, '\n'))
			}
			log.Printf("round %d %-9s open %.2fs (%.0f/s, %.0f µs CPU each), RSS %.0f B/conn, heap %.0f B/conn, stack %.0f B/conn, %.2f goroutines/conn, errors %d, leaked %d",
				round+1, mode, r.UpgradedSeconds, r.PerSecond, r.CPUPerConnect, r.RSSPerConn, r.HeapPerConn, r.StackPerConn, r.GoroutinesPerConn, r.Errors, r.Leaked)
			results[mode] = append(results[mode], r)
		}
	}
	printTable(out, modes, results)
	return nil
}

// runOne starts a server (unless -url) and a measuring process, and
// returns what the latter printed.
func runOne(c *config, self, mode string, round int) (*result, error) {
	url := c.url
	var stopServer func() time.Duration
	if url == "" {
		srv := command(c, c.serverCPU, self, "-serve")
		stdin, err := srv.StdinPipe()
		if err != nil {
			return nil, err
		}
		stdout, err := srv.StdoutPipe()
		if err != nil {
			return nil, err
		}
		srv.Stderr = os.Stderr
		if err := srv.Start(); err != nil {
			return nil, err
		}
		br := bufio.NewReader(stdout)
		stopServer = func() (cpu time.Duration) {
			stdin.Close()
			done := make(chan struct{})
			go func() {
				line, _ := br.ReadString('\n')
				if us, ok := strings.CutPrefix(strings.TrimSpace(line), "cpu "); ok {
					n, _ := strconv.ParseInt(us, 10, 64)
					cpu = time.Duration(n) * time.Microsecond
				}
				srv.Wait()
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				srv.Process.Kill()
				<-done
			}
			return cpu
		}
		defer func() {
			if stopServer != nil {
				stopServer()
			}
		}()
		line, err := br.ReadString('\n')
		f := strings.Fields(line)
		if err != nil || len(f) < 2 || f[0] != "listening" {
			return nil, fmt.Errorf("the server did not start: %q %v", line, err)
		}
		if round == 0 {
			log.Printf("server: %s", strings.TrimSpace(line))
		}
		url = "http://" + f[1] + "/"
	}
	args := []string{"-measure", "-url", url, "-transport", mode,
		"-n", strconv.Itoa(c.n), "-concurrency", strconv.Itoa(c.concurrency),
		"-settle", c.settle.String(), "-timeout", c.timeout.String()}
	if c.heapProfile != "" {
		args = append(args, "-heapprofile", fmt.Sprintf("%s-%s-%d.pb.gz", c.heapProfile, mode, round+1))
	}
	if c.memRate > 0 {
		args = append(args, "-memprofilerate", strconv.Itoa(c.memRate))
	}
	if c.goroutines != "" {
		args = append(args, "-goroutineprofile", fmt.Sprintf("%s-%s-%d.txt", c.goroutines, mode, round+1))
	}
	if c.cpuProfile != "" {
		args = append(args, "-cpuprofile", fmt.Sprintf("%s-%s-%d.pb.gz", c.cpuProfile, mode, round+1))
	}
	m := command(c, c.clientCPU, self, args...)
	m.Stderr = os.Stderr
	outb, err := m.Output()
	if err != nil {
		return nil, fmt.Errorf("measuring process: %w", err)
	}
	var r result
	if err := json.Unmarshal(outb, &r); err != nil {
		return nil, fmt.Errorf("measuring process printed %q: %w", outb, err)
	}
	if r.Errors > 0 || r.Connected != r.N {
		return nil, fmt.Errorf("%d errors, %d of %d connected", r.Errors, r.Connected, r.N)
	}
	if stopServer != nil {
		r.ServerCPUPerConn = stopServer().Seconds() / float64(r.N) * 1e6
		stopServer = nil
	}
	return &r, nil
}

// command makes the command running this binary with args, pinned to cpus
// with GOMAXPROCS=1 when -pin.
func command(c *config, cpus, self string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if c.pin {
		cmd = exec.Command("taskset", append([]string{"-c", cpus, self}, args...)...)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	} else {
		cmd = exec.Command(self, args...)
	}
	return cmd
}

// printTable prints, for each figure, the median over the rounds and the
// range, one column per mode.
func printTable(w io.Writer, modes []string, results map[string][]*result) {
	rows := []struct {
		name string
		f    func(*result) float64
		fmt  func(float64) string
	}{
		{"time to open all N", func(r *result) float64 { return r.UpgradedSeconds }, func(v float64) string { return fmt.Sprintf("%.2f s", v) }},
		{"  of which until the last Connect returned", func(r *result) float64 { return r.OpenSeconds }, func(v float64) string { return fmt.Sprintf("%.2f s", v) }},
		{"connections/s", func(r *result) float64 { return r.PerSecond }, func(v float64) string { return fmt.Sprintf("%.0f", v) }},
		{"client CPU per connection", func(r *result) float64 { return r.CPUPerConnect }, func(v float64) string { return fmt.Sprintf("%.0f µs", v) }},
		{"  client CPU used while opening (cores)", func(r *result) float64 { return r.ClientBusy }, func(v float64) string { return fmt.Sprintf("%.2f", v) }},
		{"server CPU per connection (open and close)", func(r *result) float64 { return r.ServerCPUPerConn }, func(v float64) string { return fmt.Sprintf("%.0f µs", v) }},
		{"Connect p50", func(r *result) float64 { return r.P50 }, func(v float64) string { return fmt.Sprintf("%.1f ms", v) }},
		{"Connect p99", func(r *result) float64 { return r.P99 }, func(v float64) string { return fmt.Sprintf("%.1f ms", v) }},
		{"RSS per idle connection", func(r *result) float64 { return r.RSSPerConn }, kb},
		{"Go heap (HeapInuse) per connection", func(r *result) float64 { return r.HeapPerConn }, kb},
		{"goroutine stacks (StackInuse) per connection", func(r *result) float64 { return r.StackPerConn }, kb},
		{"goroutines per connection", func(r *result) float64 { return r.GoroutinesPerConn }, func(v float64) string { return fmt.Sprintf("%.2f", v) }},
		{"open files per connection", func(r *result) float64 { return r.FilesPerConn }, func(v float64) string { return fmt.Sprintf("%.3f", v) }},
		{"net/http pool goroutines, idle", func(r *result) float64 { return float64(r.PoolGoroutines) }, func(v float64) string { return fmt.Sprintf("%.0f", v) }},
		{"RSS at N idle", func(r *result) float64 { return float64(r.Idle.RSS) }, mb},
		{"RSS before", func(r *result) float64 { return float64(r.Before.RSS) }, mb},
		{"time to close all N", func(r *result) float64 { return r.CloseSeconds }, func(v float64) string { return fmt.Sprintf("%.2f s", v) }},
		{"goroutines above baseline after close", func(r *result) float64 { return float64(r.Leaked) }, func(v float64) string { return fmt.Sprintf("%.0f", v) }},
	}
	fmt.Fprintf(w, "\n| figure |")
	for _, m := range modes {
		fmt.Fprintf(w, " %s |", label(m))
	}
	fmt.Fprintf(w, "\n|---|")
	for range modes {
		fmt.Fprintf(w, "---|")
	}
	fmt.Fprintln(w)
	for _, row := range rows {
		fmt.Fprintf(w, "| %s |", row.name)
		for _, m := range modes {
			var vs []float64
			for _, r := range results[m] {
				vs = append(vs, row.f(r))
			}
			fmt.Fprintf(w, " %s |", medianRange(vs, row.fmt))
		}
		fmt.Fprintln(w)
	}
}

func label(mode string) string {
	if mode == "polling" {
		return "polling, then upgrade (default)"
	}
	return "WebSocket only"
}

// kb and mb format bytes as the harness does: KB is 1024 B, MB 1024² B.
func kb(v float64) string { return fmt.Sprintf("%.1f KB", v/1024) }
func mb(v float64) string { return fmt.Sprintf("%.1f MB", v/(1<<20)) }

// medianRange formats the median of vs and, with more than one, its range.
func medianRange(vs []float64, f func(float64) string) string {
	if len(vs) == 0 {
		return "—"
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	var med float64
	if len(s)%2 == 1 {
		med = s[len(s)/2]
	} else {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	if len(s) == 1 {
		return f(med)
	}
	return fmt.Sprintf("%s (%s–%s)", f(med), f(s[0]), f(s[len(s)-1]))
}
