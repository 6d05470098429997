package interop

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The harness in this file runs the official socket.io server from npm
// (js/sioserver.mjs, the version pinned in package.json) for the tests of
// the Go client, and lets them watch what it sees and drive it.

const (
	// nodeStartTimeout bounds the start of node and the loading of the
	// packages, which a loaded machine can stretch past 10 s.
	nodeStartTimeout = 60 * time.Second
	// nodeCommandTimeout bounds the answer to a command.
	nodeCommandTimeout = 20 * time.Second
	// nodeKillTimeout bounds the end of a killed process.
	nodeKillTimeout = 10 * time.Second
	// nodeBindRetry is how long a restart keeps trying to bind a port
	// that is still taken, nodeBindPause the pause between tries.
	nodeBindRetry = 10 * time.Second
	nodeBindPause = 100 * time.Millisecond
)

// nodeServerConfig configures the server. Zero fields keep socket.io's
// defaults.
type nodeServerConfig struct {
	Port              int // 0: a free port (restarts reuse the one it got)
	PingInterval      time.Duration
	PingTimeout       time.Duration
	MaxHTTPBufferSize int
	Transports        []string // e.g. {"polling"}, {"websocket"}
	ConnectTimeout    time.Duration
	AllowUpgrades     *bool
	UpgradeTimeout    time.Duration
	Parser            string // "msgpack": socket.io-msgpack-parser; "": the default
}

// arg returns the script's JSON config for listening on port.
func (c nodeServerConfig) arg(port int) string {
	m := map[string]any{"port": port}
	ms := func(key string, d time.Duration) {
		if d > 0 {
			m[key] = max(d.Milliseconds(), 1)
		}
	}
	ms("pingInterval", c.PingInterval)
	ms("pingTimeout", c.PingTimeout)
	ms("connectTimeout", c.ConnectTimeout)
	ms("upgradeTimeout", c.UpgradeTimeout)
	if c.MaxHTTPBufferSize > 0 {
		m["maxHttpBufferSize"] = c.MaxHTTPBufferSize
	}
	if c.Transports != nil {
		m["transports"] = c.Transports
	}
	if c.AllowUpgrades != nil {
		m["allowUpgrades"] = *c.AllowUpgrades
	}
	if c.Parser != "" {
		m["parser"] = c.Parser
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// nodeEvent is one line the server printed. Which fields are set depends
// on Event; see the head of js/sioserver.mjs. Binary values in Auth,
// Query and Args are {"$binary": "<base64>"} (see nodeBinary).
type nodeEvent struct {
	Event     string          `json:"event"`
	Port      int             `json:"port"`      // listening
	Nsp       string          `json:"nsp"`       // connection, rejected, disconnect, received
	ID        string          `json:"id"`        // the socket's id
	Name      string          `json:"name"`      // received: the event's name
	Reason    string          `json:"reason"`    // disconnect, engineClose; done of emitWithAck on timeout
	EngineID  string          `json:"engineId"`  // connection, rejected, engineOpen, upgrade, engineClose
	Transport string          `json:"transport"` // connection, engineOpen, upgrade: "polling" or "websocket"
	Auth      json.RawMessage `json:"auth"`      // connection, rejected
	Query     json.RawMessage `json:"query"`     // connection
	Args      json.RawMessage `json:"args"`      // received; done of emitWithAck: the client's reply
	Ack       bool            `json:"ack"`       // received: the client asked for an ack
	Cmd       string          `json:"cmd"`       // done
	Seq       int64           `json:"seq"`       // done: the command's sequence number
	Error     string          `json:"error"`     // done: the command failed
	Code      string          `json:"code"`      // listenError, connectionError
	Message   string          `json:"message"`   // error, listenError, connectionError

	Run  int    `json:"-"` // the process that printed it: 0, then n after the n-th restart
	Line string `json:"-"` // as printed
}

func (e nodeEvent) String() string { return fmt.Sprintf("[run %d] %s", e.Run, e.Line) }

// nodeBinary is how binary values appear in events and go in command
// arguments.
func nodeBinary(b []byte) map[string]any {
	return map[string]any{"$binary": base64.StdEncoding.EncodeToString(b)}
}

// nodeServer is a running js/sioserver.mjs, restartable on its port.
type nodeServer struct {
	t    *testing.T
	cfg  nodeServerConfig
	port int // set by the first start

	mu       sync.Mutex
	proc     *nodeProc     // guarded by mu: the current process
	events   []nodeEvent   // guarded by mu: of every process, in order
	changed  chan struct{} // guarded by mu: closed and replaced on each event and each process's end
	badLines []string      // guarded by mu: lines that are not JSON
	seq      int64         // guarded by mu: the last command's sequence number
	runs     int           // guarded by mu: processes started
}

// nodeProc is one node process of a nodeServer.
type nodeProc struct {
	run    int
	cmd    *exec.Cmd
	killed atomic.Bool // by Kill, Restart or the cleanup

	wmu   sync.Mutex
	stdin io.WriteCloser // guarded by wmu

	exited  chan struct{} // closed once the process ended and its output is read
	waitErr error         // set before exited is closed
}

func (p *nodeProc) done() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// startNodeServer starts the server for the test t and waits for it to
// listen. It stops when the test ends; the test fails then if the server
// reported an uncaught error, printed a line that is not JSON, or exited
// on its own.
func startNodeServer(t *testing.T, cfg nodeServerConfig) *nodeServer {
	t.Helper()
	requireClient(t, "socket.io")
	s := &nodeServer{t: t, cfg: cfg, changed: make(chan struct{})}
	t.Cleanup(s.stop)
	s.launch(cfg.Port)
	return s
}

// URL is the server's base URL, "http://127.0.0.1:PORT"; clients connect
// to its path /socket.io/.
func (s *nodeServer) URL() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) }

// Kill kills the process (SIGKILL to its group) and waits for its end.
// The server is gone until Restart.
func (s *nodeServer) Kill() {
	s.t.Helper()
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	s.kill(p)
}

// Restart starts the server again on the same port, killing it first if
// it still runs; it retries for a while if the port is still taken. Like
// Kill, call it from the goroutine of the test that started the server.
func (s *nodeServer) Restart() {
	s.t.Helper()
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p.done() && !p.killed.Load() {
		s.t.Errorf("node server: run %d exited on its own before Restart (%v)", p.run, p.waitErr)
	}
	s.kill(p)
	s.launch(s.port)
}

// Events returns every event so far, of every process.
func (s *nodeServer) Events() []nodeEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]nodeEvent(nil), s.events...)
}

// Mark returns the number of events so far, for WaitEventAfter.
func (s *nodeServer) Mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// WaitEvent returns the first event so far, or to come within timeout,
// that matches. It fails the test if none comes in time, or if the
// current process ends without one.
func (s *nodeServer) WaitEvent(t testing.TB, timeout time.Duration, match func(ev nodeEvent) bool) nodeEvent {
	t.Helper()
	return s.WaitEventAfter(t, 0, timeout, match)
}

// WaitEventAfter is WaitEvent among the events from the mark-th on.
func (s *nodeServer) WaitEventAfter(t testing.TB, mark int, timeout time.Duration, match func(ev nodeEvent) bool) nodeEvent {
	t.Helper()
	ev, err := s.wait(mark, timeout, nil, match)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// Command sends a command (see the head of js/sioserver.mjs; its "seq"
// is set here) and returns its "done" answer. It fails the test if the
// command fails or is not answered within 20 s.
func (s *nodeServer) Command(t testing.TB, cmd map[string]any) nodeEvent {
	t.Helper()
	s.mu.Lock()
	s.seq++
	seq := s.seq
	p := s.proc
	mark := len(s.events)
	s.mu.Unlock()
	c := make(map[string]any, len(cmd)+1)
	for k, v := range cmd {
		c[k] = v
	}
	c["seq"] = seq
	line, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("node server: encoding command %v: %v", cmd, err)
	}
	t.Logf("node[%d]< %s", p.run, line)
	p.wmu.Lock()
	_, err = p.stdin.Write(append(line, '\n'))
	p.wmu.Unlock()
	if err != nil {
		t.Fatalf("node server: sending command %s: %v", line, err)
	}
	ev, err := s.wait(mark, nodeCommandTimeout, p, func(ev nodeEvent) bool {
		return ev.Run == p.run && ev.Event == "done" && ev.Seq == seq
	})
	if err != nil {
		t.Fatalf("node server: command %s: %v", line, err)
	}
	if ev.Error != "" {
		t.Fatalf("node server: command %s failed: %s", line, ev.Error)
	}
	return ev
}

// wait returns the first event from the mark-th on that matches. It gives
// up after timeout, or once p (nil: the current process) has ended
// without a match.
func (s *nodeServer) wait(mark int, timeout time.Duration, p *nodeProc, match func(nodeEvent) bool) (nodeEvent, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for next := mark; ; {
		s.mu.Lock()
		proc := p
		if proc == nil {
			proc = s.proc
		}
		// exited is read before the events: once it is closed, all of the
		// process's events are in.
		exited := proc.done()
		evs, changed := s.events, s.changed
		s.mu.Unlock()
		for ; next < len(evs); next++ {
			if match(evs[next]) {
				return evs[next], nil
			}
		}
		if exited {
			return nodeEvent{}, fmt.Errorf("node server: run %d exited (%v) before the awaited event; events:\n%s", proc.run, proc.waitErr, s.dump(mark))
		}
		select {
		case <-changed:
		case <-deadline.C:
			return nodeEvent{}, fmt.Errorf("node server: no awaited event within %v; events:\n%s", timeout, s.dump(mark))
		}
	}
}

// dump lists the events from the mark-th on, for failure messages.
func (s *nodeServer) dump(mark int) string {
	var b strings.Builder
	evs := s.Events()
	for _, e := range evs[min(mark, len(evs)):] {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// launch starts a process listening on port and waits for it to listen,
// retrying while the port is taken.
func (s *nodeServer) launch(port int) {
	s.t.Helper()
	deadline := time.Now().Add(nodeBindRetry)
	for {
		mark := s.Mark()
		p := s.spawn(port)
		ev, err := s.wait(mark, nodeStartTimeout, p, func(ev nodeEvent) bool {
			return ev.Run == p.run && (ev.Event == "listening" || ev.Event == "listenError")
		})
		switch {
		case err != nil:
			s.t.Fatalf("node server: not listening: %v", err)
		case ev.Event == "listening":
			if port != 0 && ev.Port != port {
				s.t.Fatalf("node server: listening on port %d, want %d", ev.Port, port)
			}
			s.port = ev.Port
			return
		case ev.Code == "EADDRINUSE" && port != 0 && time.Now().Before(deadline):
			s.kill(p) // it exits by itself; this waits for that
			time.Sleep(nodeBindPause)
		default:
			s.t.Fatalf("node server: cannot listen: %s", ev.Line)
		}
	}
}

// spawn starts a process and makes it the current one.
func (s *nodeServer) spawn(port int) *nodeProc {
	s.t.Helper()
	cmd := exec.Command("node", "js/sioserver.mjs", s.cfg.arg(port))
	ownGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	p := &nodeProc{run: s.runs, cmd: cmd, stdin: stdin, exited: make(chan struct{})}
	s.runs++
	s.mu.Unlock()
	s.t.Logf("node[%d]: starting node js/sioserver.mjs %s", p.run, s.cfg.arg(port))
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("node server: running node: %v", err)
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	var readers sync.WaitGroup
	readers.Go(func() { s.readStdout(p, stdout) })
	readers.Go(func() { s.readStderr(p, stderr) })
	go func() {
		readers.Wait()
		p.waitErr = cmd.Wait()
		close(p.exited)
		s.mu.Lock()
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}()
	return p
}

func (s *nodeServer) readStdout(p *nodeProc, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		s.t.Logf("node[%d]> %s", p.run, shortLine(line))
		ev := nodeEvent{Run: p.run, Line: line}
		err := json.Unmarshal([]byte(line), &ev)
		s.mu.Lock()
		if err != nil || ev.Event == "" {
			s.badLines = append(s.badLines, line)
		} else {
			s.events = append(s.events, ev)
			close(s.changed)
			s.changed = make(chan struct{})
		}
		s.mu.Unlock()
	}
	io.Copy(io.Discard, r)
}

func (s *nodeServer) readStderr(p *nodeProc, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		s.t.Logf("node[%d] stderr: %s", p.run, sc.Text())
	}
	io.Copy(io.Discard, r)
}

// shortLine cuts long lines for the log.
func shortLine(s string) string {
	if len(s) <= 800 {
		return s
	}
	return fmt.Sprintf("%s … (%d bytes) … %s", s[:500], len(s), s[len(s)-200:])
}

// kill kills p's group unless it has ended, and waits for its end.
func (s *nodeServer) kill(p *nodeProc) {
	s.t.Helper()
	if p == nil {
		return
	}
	p.killed.Store(true)
	if !p.done() {
		killGroup(p.cmd)
	}
	select {
	case <-p.exited:
	case <-time.After(nodeKillTimeout):
		s.t.Fatalf("node server: run %d still running %v after SIGKILL", p.run, nodeKillTimeout)
	}
}

// stop ends the server at the end of the test and reports what went
// wrong in it.
func (s *nodeServer) stop() {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p != nil && p.done() && !p.killed.Load() {
		s.t.Errorf("node server: run %d exited on its own (%v)", p.run, p.waitErr)
	}
	s.kill(p)
	s.mu.Lock()
	bad := s.badLines
	s.mu.Unlock()
	for _, line := range bad {
		s.t.Errorf("node server: a line that is not an event: %q", line)
	}
	for _, ev := range s.Events() {
		if ev.Event == "error" {
			s.t.Errorf("node server: %s", ev)
		}
	}
}
