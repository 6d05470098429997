package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serverKind names a server under test.
type serverKind string

const (
	goServer   serverKind = "go"
	nodeServer serverKind = "node"
)

// server is a running server under test, on its own port, pinned to the
// server CPU.
type server struct {
	kind serverKind
	addr string // host:port
	cmd  *exec.Cmd
	out  *tail
	done chan struct{} // closed when the process has exited
	err  error         // the process's exit; read after done
}

// pid is the server's process id: taskset execs the server, so it is the
// process the harness started.
func (s *server) pid() int { return s.cmd.Process.Pid }

func (s *server) url() string { return "http://" + s.addr }

// startServer starts a server of kind on a free port and waits until it
// answers. extra are more flags for the server: -redis for either, the
// others for ours only.
func (h *harness) startServer(ctx context.Context, kind serverKind, extra ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	var argv []string
	env := os.Environ()
	switch kind {
	case goServer:
		argv = append([]string{h.cfg.goServer, "-addr", addr, "-debug"}, extra...)
		env = setEnv(env, "GOMAXPROCS", "1")
	case nodeServer:
		argv = append([]string{h.cfg.node, "--expose-gc", h.cfg.nodeDir + "/server.js", "-addr", addr}, extra...)
	default:
		return nil, fmt.Errorf("unknown server %q", kind)
	}
	argv = h.pinned(h.cfg.serverCPU, argv)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	out := &tail{max: 16 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start the %s server: %w", kind, err)
	}
	s := &server{kind: kind, addr: addr, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 20*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls the server's /stats until it answers.
func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if _, err := s.get(ctx, "/stats"); err == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("the %s server exited at start (%v): %s", s.kind, s.err, s.out)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the %s server did not answer within %v: %s", s.kind, limit, s.out)
		}
	}
}

// alive reports whether the server process is still running.
func (s *server) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// stop ends the server with SIGTERM, or SIGKILL after 5 s.
func (s *server) stop() error {
	if !s.alive() {
		return fmt.Errorf("the %s server had exited (%v): %s", s.kind, s.err, s.out)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("the %s server ignored SIGTERM for 5 s", s.kind)
	}
}

// get fetches a debug endpoint of the server.
func (s *server) get(ctx context.Context, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url()+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := debugClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// debugClient keeps no idle connection: one would stay open in the server
// and count in its memory.
var debugClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// gc forces a full collection in the server and returns its RSS then.
func (s *server) gc(ctx context.Context) (int64, error) {
	if _, err := s.get(ctx, "/gc"); err != nil {
		return 0, fmt.Errorf("failed to force GC in the %s server: %w", s.kind, err)
	}
	return rssBytes(s.pid())
}

// serverStats is what the servers' GET /stats answers (the fields either
// server gives; a missing one stays zero).
type serverStats struct {
	Sockets     int64             `json:"sockets"`
	Connects    int64             `json:"connects"`
	Disconnects map[string]int64  `json:"disconnects"`
	Examples    map[string]string `json:"disconnect_examples"` // ours
	Goroutines  int64             `json:"goroutines"`
	HeapInuse   int64             `json:"heap_inuse"`
	StackInuse  int64             `json:"stack_inuse"`
	HeapUsed    int64             `json:"heap_used"` // Node
	Mallocs     int64             `json:"mallocs"`   // ours: heap allocations since the start
}

// disconnected is the total of the disconnects by reason.
func (st *serverStats) disconnected() int64 {
	var n int64
	for _, v := range st.Disconnects {
		n += v
	}
	return n
}

func (s *server) stats(ctx context.Context) (*serverStats, error) {
	body, err := s.get(ctx, "/stats")
	if err != nil {
		return nil, err
	}
	var st serverStats
	if err := json.Unmarshal(body, &st); err != nil {
		return nil, fmt.Errorf("failed to parse the %s server's stats: %w", s.kind, err)
	}
	return &st, nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("failed to find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// pinned prefixes argv with taskset to run it on cpu, unless pinning is
// off.
func (h *harness) pinned(cpu string, argv []string) []string {
	if !h.cfg.pin {
		return argv
	}
	return append([]string{"taskset", "-c", cpu}, argv...)
}

// setEnv returns env with key set to value.
func setEnv(env []string, key, value string) []string {
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
	return append(env, key+"="+value)
}

// loadgenResult is the loadgen's JSON result.
type loadgenResult struct {
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

// loadgenLine is one line of the loadgen's -json output: an event
// ({"event":"ready","clients":N}) or the result.
type loadgenLine struct {
	Event   string `json:"event"`
	Clients int    `json:"clients"`
	loadgenResult
}

// parseLoadgenLine parses one line of the loadgen's -json output.
func parseLoadgenLine(line []byte) (loadgenLine, error) {
	var l loadgenLine
	if err := json.Unmarshal(line, &l); err != nil {
		return l, fmt.Errorf("failed to parse the loadgen's output %q: %w", line, err)
	}
	if l.Event == "" && l.Workload == "" {
		return l, fmt.Errorf("the loadgen's output %q is neither an event nor a result", line)
	}
	l.loadgenResult.Clients = l.Clients // both have "clients"; encoding/json fills the shallower
	return l, nil
}

// loadgen is a running load generator, pinned to the client CPU.
type loadgen struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser // closing it ends an idle hold
	errOut *tail
	ready  chan int           // idle's ready line: the clients connected
	result chan loadgenResult // the result line
	done   chan struct{}      // closed when the process has exited and its output is read
	err    error              // the exit, or a bad output line; read after done
}

// startLoadgen runs the loadgen against url with args (the workload's
// flags, -json added).
func (h *harness) startLoadgen(url string, args []string) (*loadgen, error) {
	argv := append([]string{h.cfg.loadgen, "-url", url}, args...)
	argv = append(argv, "-json")
	argv = h.pinned(h.cfg.clientCPU, argv)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = setEnv(os.Environ(), "GOMAXPROCS", "1")
	g := &loadgen{
		cmd: cmd, errOut: &tail{max: 8 << 10},
		ready: make(chan int, 1), result: make(chan loadgenResult, 1), done: make(chan struct{}),
	}
	cmd.Stderr = g.errOut
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	g.stdin = stdin
	h.logf("  $ %s", strings.Join(argv, " "))
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start the loadgen: %w", err)
	}
	go func() {
		var perr error
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			l, err := parseLoadgenLine(sc.Bytes())
			switch {
			case err != nil:
				perr = firstErr(perr, err)
			case l.Event == "ready":
				select {
				case g.ready <- l.Clients:
				default:
				}
			case l.Event != "":
			default:
				select {
				case g.result <- l.loadgenResult:
				default:
				}
			}
		}
		werr := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(werr, &ee) && ee.ExitCode() == 1 {
			werr = nil // a result was printed: no client could connect
		}
		g.err = firstErr(perr, werr)
		if g.err != nil {
			g.err = fmt.Errorf("loadgen: %w: %s", g.err, g.errOut)
		}
		close(g.done)
	}()
	return g, nil
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func (g *loadgen) pid() int { return g.cmd.Process.Pid }

// waitReady waits for idle's ready line.
func (g *loadgen) waitReady(ctx context.Context, limit time.Duration) (int, error) {
	select {
	case n := <-g.ready:
		return n, nil
	case <-g.done:
		return 0, fmt.Errorf("the loadgen exited before it was ready (%v): %s", g.err, g.errOut)
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(limit):
		return 0, fmt.Errorf("the loadgen was not ready within %v: %s", limit, g.errOut)
	}
}

// wait waits for the loadgen's result and exit.
func (g *loadgen) wait(ctx context.Context) (loadgenResult, error) {
	select {
	case <-g.done:
	case <-ctx.Done():
		g.kill()
		return loadgenResult{}, ctx.Err()
	}
	if g.err != nil {
		return loadgenResult{}, g.err
	}
	select {
	case r := <-g.result:
		return r, nil
	default:
		return loadgenResult{}, fmt.Errorf("the loadgen printed no result: %s", g.errOut)
	}
}

// finish ends an idle hold early (by closing stdin) and waits for the
// result.
func (g *loadgen) finish(ctx context.Context) (loadgenResult, error) {
	g.stdin.Close()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return g.wait(ctx)
}

func (g *loadgen) kill() {
	g.cmd.Process.Kill()
	<-g.done
}

// sampler reads some counters (the CPU time of processes or of the whole
// machine, a server's allocations) every interval, so that what they
// counted in a window known only afterwards can be interpolated.
type sampler struct {
	sources []counter
	stop    chan struct{}
	done    chan struct{}

	mu      sync.Mutex
	samples []sample // guarded by mu
}

type sample struct {
	t   time.Time
	cpu []float64 // per source; NaN once unreadable
}

// counter reads a value that only grows: seconds of CPU time, a count.
type counter func() (float64, error)

// procCPU counts the CPU seconds of process pid.
func procCPU(pid int) counter { return func() (float64, error) { return cpuSeconds(pid) } }

// procSysCPU counts the system (kernel) CPU seconds of process pid.
func procSysCPU(pid int) counter {
	return func() (float64, error) {
		_, sys, err := cpuSplit(pid)
		return sys, err
	}
}

// procWrites counts the write system calls of process pid.
func procWrites(pid int) counter { return func() (float64, error) { return writeCalls(pid) } }

// machineCPU counts the busy CPU seconds of the whole machine.
func machineCPU() counter { return machineBusySeconds }

func startSampler(interval time.Duration, sources ...counter) *sampler {
	s := &sampler{sources: sources, stop: make(chan struct{}), done: make(chan struct{})}
	s.take()
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.take()
			}
		}
	}()
	return s
}

func (s *sampler) take() {
	sm := sample{t: time.Now(), cpu: make([]float64, len(s.sources))}
	for i, read := range s.sources {
		v, err := read()
		if err != nil {
			v = nan
		}
		sm.cpu[i] = v
	}
	s.mu.Lock()
	s.samples = append(s.samples, sm)
	s.mu.Unlock()
}

// finish takes a last sample and stops.
func (s *sampler) finish() {
	s.take()
	close(s.stop)
	<-s.done
}

// used is what source i counted between from and to (for a process, the
// CPU seconds it used), linearly interpolated between the samples around
// each end.
func (s *sampler) used(i int, from, to time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cpuAt(s.samples, i, to) - cpuAt(s.samples, i, from)
}

// cpuAt interpolates process i's CPU time at t; before the first sample or
// after the last it is the nearest sample's value.
func cpuAt(samples []sample, i int, t time.Time) float64 {
	if len(samples) == 0 {
		return nan
	}
	if !t.After(samples[0].t) {
		return samples[0].cpu[i]
	}
	for k := 1; k < len(samples); k++ {
		a, b := samples[k-1], samples[k]
		if t.After(b.t) {
			continue
		}
		span := b.t.Sub(a.t).Seconds()
		if span <= 0 {
			return b.cpu[i]
		}
		f := t.Sub(a.t).Seconds() / span
		return a.cpu[i] + f*(b.cpu[i]-a.cpu[i])
	}
	return samples[len(samples)-1].cpu[i]
}

// tail keeps the last max bytes written to it, for error messages.
type tail struct {
	max int
	mu  sync.Mutex
	buf []byte // guarded by mu
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if s == "" {
		return "(no output)"
	}
	return s
}
