package redistest

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SkipEnv names the environment variable that, set to 1, makes tests skip
// rather than fail when redis-server is not installed.
const SkipEnv = "SOCKETIO_SKIP_REDIS"

const (
	startTimeout = 10 * time.Second // from exec to the first PONG
	stopTimeout  = 10 * time.Second // from SIGTERM to SIGKILL
	bindAttempts = 5                // ports tried before Start gives up
)

// errPortInUse is a start that failed because another process took the
// port between freePort and redis-server's bind.
var errPortInUse = errors.New("port in use")

// Option changes how Start and StartCluster run redis-server.
type Option func(*config)

type config struct {
	args []string // extra redis-server arguments, after the package's own
}

// WithArgs passes more arguments to redis-server. They come after the
// package's own and so override them: WithArgs("--maxmemory", "64mb"),
// WithArgs("--cluster-node-timeout", "1000"). The server must still answer
// PING without AUTH, so --requirepass is not for here.
func WithArgs(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}

// Server is a redis-server process owned by a test. Its address does not
// change for the life of the test, across Kill and Restart.
type Server struct {
	t       testing.TB
	bin     string
	dir     string   // the working directory: log, nodes.conf; removed by t.TempDir's cleanup
	args    []string // the command line after the binary, repeated by Restart
	addr    string
	port    int
	busPort int // the cluster bus port; 0 outside a cluster

	mu   sync.Mutex // serializes Kill, Stop and Restart
	proc *process   // the running server; nil once stopped or killed. Guarded by mu.
}

// process is one run of redis-server. A goroutine waits for it, so that
// it never stays a zombie, and ends when it exits.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd.Wait returned
	err    error         // what cmd.Wait returned; read after exited is closed
}

// Start runs a redis-server on a free loopback port, in a directory of its
// own, persisting nothing, and returns once it answers PING. t.Cleanup
// stops it and waits for it to exit. Start fails the test if redis-server
// is not installed, unless SOCKETIO_SKIP_REDIS=1 is set: then it skips it.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return start(t, false, opts)
}

func start(t testing.TB, cluster bool, opts []Option) *Server {
	t.Helper()
	bin := binary(t)
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir()}
	t.Cleanup(s.Stop) // runs before the removal of dir, registered earlier
	var err error
	for range bindAttempts {
		if err = s.pickPorts(cluster); err != nil {
			break
		}
		s.args = s.commandLine(cluster, cfg.args)
		if err = s.launch(); !errors.Is(err, errPortInUse) {
			break
		}
	}
	if err != nil {
		t.Fatalf("redistest: failed to start redis-server: %v", err)
	}
	return s
}

// pickPorts chooses the server's port, and the bus port of a cluster node.
func (s *Server) pickPorts(cluster bool) error {
	var err error
	if s.port, err = freePort(); err != nil {
		return err
	}
	s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	s.busPort = 0
	for cluster && (s.busPort == 0 || s.busPort == s.port) {
		if s.busPort, err = freePort(); err != nil {
			return err
		}
	}
	return nil
}

// binary finds redis-server, or ends the test.
func binary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv(SkipEnv) == "1" {
		t.Skip("redistest: redis-server is not on PATH; skipping, as " + SkipEnv + "=1")
	}
	t.Fatal("redistest: redis-server is not on PATH: install Redis 7 or later " +
		"(apt-get install redis-server), or set " + SkipEnv + "=1 to skip the tests that need it")
	return ""
}

func (s *Server) commandLine(cluster bool, extra []string) []string {
	args := []string{
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(s.port),
		"--dir", s.dir,
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--logfile", "", // stdout, which is the file launch opens
	}
	if cluster {
		args = append(args,
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			// The default bus port, port+10000, can be out of range or taken.
			"--cluster-port", strconv.Itoa(s.busPort),
			"--cluster-announce-ip", "127.0.0.1",
			"--cluster-node-timeout", "5000",
		)
	}
	return append(args, extra...)
}

// launch runs the server and waits until it answers. It is called by
// start, and by Restart with mu held.
func (s *Server) launch() error {
	log, err := os.OpenFile(s.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own descriptor
	logStart, err := log.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = log, log // files, so exec starts no copying goroutines
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("failed to run %s: %w", s.bin, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	if err := s.waitReady(p); err != nil {
		p.halt(syscall.SIGKILL)
		out := s.logTail(logStart)
		if strings.Contains(out, "Address already in use") {
			return fmt.Errorf("%w: %s", errPortInUse, s.addr)
		}
		return fmt.Errorf("%w; its output:\n%s", err, out)
	}
	s.proc = p
	return nil
}

// waitReady polls until the server answers, checking that the answer
// comes from p and not from another server that holds the port.
func (s *Server) waitReady(p *process) error {
	deadline := time.Now().Add(startTimeout)
	want := strconv.Itoa(p.cmd.Process.Pid)
	for {
		select {
		case <-p.exited:
			return fmt.Errorf("redis-server exited at start: %v", p.err)
		default:
		}
		pid, err := s.pid()
		if err == nil && pid != want {
			return fmt.Errorf("%w: %s answers as process %s", errPortInUse, s.addr, pid)
		}
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server did not answer at %s within %v: %w", s.addr, startTimeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pid asks the server at s.addr for its process id.
func (s *Server) pid() (string, error) {
	c, err := dial(s.addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := c.str("PING"); err != nil {
		return "", err
	}
	reply, err := c.str("INFO", "server")
	if err != nil {
		return "", err
	}
	return info(reply)["process_id"], nil
}

func (s *Server) logPath() string { return filepath.Join(s.dir, "redis.log") }

// logTail returns the end of what the server wrote since offset from.
func (s *Server) logTail(from int64) string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return err.Error()
	}
	b = b[min(from, int64(len(b))):]
	const keep = 4 << 10
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

// Addr returns the server's address, "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// Kill ends the server with SIGKILL, as a crash would: connections drop
// without a reply, and the server saves nothing. It returns once the
// process has exited. Killing a stopped server does nothing.
func (s *Server) Kill() { s.halt(syscall.SIGKILL) }

// Stop shuts the server down with SIGTERM and returns once it has exited;
// a server that has not after 10 seconds is killed. Stopping a stopped
// server does nothing. t.Cleanup calls Stop.
func (s *Server) Stop() { s.halt(syscall.SIGTERM) }

func (s *Server) halt(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	select {
	case <-s.proc.exited:
		s.t.Errorf("redistest: redis-server at %s died during the test (%v); its output:\n%s",
			s.addr, s.proc.err, s.logTail(0))
	default:
		s.proc.halt(sig)
	}
	s.proc = nil
}

// Restart starts the server again on the same port and in the same
// directory, stopping it first if it runs, and returns once it answers
// PING. It holds no data: nothing was persisted. A cluster node keeps its
// identity and slots, which are in its nodes.conf. Restart fails the test
// if the server does not come back.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		s.proc.halt(syscall.SIGTERM)
		s.proc = nil
	}
	if err := s.launch(); err != nil {
		s.t.Fatalf("redistest: failed to restart redis-server at %s: %v", s.addr, err)
	}
}

// halt sends sig and waits for the process to exit, killing it if it has
// not within stopTimeout.
func (p *process) halt(sig syscall.Signal) {
	_ = p.cmd.Process.Signal(sig) // fails only if the process is gone already
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// portFloor is the lowest port freePort picks.
const portFloor = 10000

// freePort returns a loopback port that no one listens on now. It is taken
// below the kernel's ephemeral range, so that the local end of some
// client's connection cannot be sitting on it when Restart binds it again.
func freePort() (int, error) {
	hi := ephemeralLow()
	for range 100 {
		p := portFloor + rand.IntN(hi-portFloor)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err == nil {
			l.Close()
			return p, nil
		}
	}
	return 0, errors.New("failed to find a free port")
}

// ephemeralLow returns the first port the kernel hands out to connecting
// sockets, or 32768, Linux's default, if it cannot tell.
func ephemeralLow() int {
	const fallback = 32768
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return fallback
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return fallback
	}
	lo, err := strconv.Atoi(f[0])
	if err != nil || lo < portFloor+1000 {
		return fallback
	}
	return lo
}
