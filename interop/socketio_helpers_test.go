package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/parser"
	"github.com/ab218a8d/socketio/parser/msgpack"
)

// The helpers of the Socket.IO interop tests (socketio_test.go): a
// socketio.Server on a loopback port, and js/socketio-client.mjs run by
// Node.js, its output read while it runs.

// sioModesPair are the modes of the features that do not depend on the
// transport: WebSocket and polling are enough.
var sioModesPair = modes[:2]

// sioOptions are the server options of the tests that are not about the
// heartbeat (see baseOptions).
func sioOptions() *socketio.Options {
	b := baseOptions()
	return &socketio.Options{PingInterval: b.PingInterval, PingTimeout: b.PingTimeout}
}

// sioParser is the parser of a test's server and of its client.
type sioParser struct {
	js     string        // the client script's "parser": "" the default, "msgpack"
	server parser.Parser // the server's; nil: the default
}

var (
	sioDefault = sioParser{}
	// sioMsgpack is socket.io-msgpack-parser on the client and
	// parser/msgpack on the server.
	sioMsgpack = sioParser{js: "msgpack", server: &msgpack.Parser{}}
)

// options are sioOptions with the parser.
func (p sioParser) options() *socketio.Options {
	o := sioOptions()
	o.Parser = p.server
	return o
}

// sioServer is a socketio.Server mounted at /socket.io/ on a loopback port.
type sioServer struct {
	srv  *socketio.Server
	http *listening
	once sync.Once
}

// startSIOServer starts a server with opts on a free port; setup registers
// its handlers before it serves. The server is closed when the test ends.
func startSIOServer(t *testing.T, opts *socketio.Options, setup func(srv *socketio.Server)) *sioServer {
	t.Helper()
	return startSIOServerOn(t, "127.0.0.1:0", opts, setup)
}

// startSIOServerOn is startSIOServer on the address addr, which may have
// just been released by another server.
func startSIOServerOn(t *testing.T, addr string, opts *socketio.Options, setup func(srv *socketio.Server)) *sioServer {
	t.Helper()
	srv := socketio.NewServer(opts)
	if setup != nil {
		setup(srv)
	}
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; {
		if ln, err = net.Listen("tcp", addr); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		srv.Close()
		t.Fatalf("server: listening on %s: %v", addr, err)
	}
	ts := &sioServer{srv: srv, http: serve(ln, srv, "/socket.io/")}
	t.Cleanup(ts.stop)
	return ts
}

// stop closes the Socket.IO server (every socket disconnects with "server
// shutting down") and then the HTTP server. It may be called again.
func (ts *sioServer) stop() {
	ts.once.Do(func() {
		ts.srv.Close()
		ts.http.Close()
	})
}

// sioConfig is the JSON config of js/socketio-client.mjs.
type sioConfig struct {
	URL         string   `json:"url"`
	Transports  []string `json:"transports,omitempty"`
	WaitUpgrade bool     `json:"waitUpgrade,omitempty"`
	Parser      string   `json:"parser,omitempty"` // "msgpack": socket.io-msgpack-parser
	Scenario    string   `json:"scenario"`
	Params      any      `json:"params,omitempty"`
	TimeoutMs   int      `json:"timeoutMs,omitempty"`
}

// sioEvent is one line of the client script's output.
type sioEvent struct {
	Event  string
	fields map[string]json.RawMessage
	line   string
}

func (e sioEvent) String() string { return e.line }

// has reports whether the event has the field k.
func (e sioEvent) has(k string) bool { _, ok := e.fields[k]; return ok }

// value returns field k decoded as encoding/json decodes into an any, or
// nil.
func (e sioEvent) value(k string) any {
	var v any
	if raw, ok := e.fields[k]; ok {
		json.Unmarshal(raw, &v)
	}
	return v
}

// str returns field k if it is a string, or "".
func (e sioEvent) str(k string) string { s, _ := e.value(k).(string); return s }

// num returns field k if it is a number, or 0.
func (e sioEvent) num(k string) float64 { f, _ := e.value(k).(float64); return f }

// flag returns field k if it is a boolean, or false.
func (e sioEvent) flag(k string) bool { b, _ := e.value(k).(bool); return b }

// sioClient is a run of js/socketio-client.mjs, or of another script that
// reports JSON lines as it does (see startScript).
type sioClient struct {
	limit time.Duration // the script's own time limit
	cmd   *exec.Cmd
	start time.Time

	mu      sync.Mutex
	events  []sioEvent    // guarded by mu
	changed chan struct{} // guarded by mu; closed and replaced on each event
	badLine string        // guarded by mu: a line that is not JSON

	exited  chan struct{} // closed once the process has ended and its output is read
	waitErr error         // set before exited is closed
	stderr  bytes.Buffer  // read after exited
	killed  bool          // guarded by mu
}

// startSIOClient starts js/socketio-client.mjs against ts in mode m. The
// process is killed, if still running, when the test ends.
func startSIOClient(t *testing.T, ts *sioServer, m mode, cfg sioConfig) *sioClient {
	t.Helper()
	requireClient(t, "socket.io-client")
	cfg.URL = ts.http.URL
	cfg.Transports = m.transports
	cfg.WaitUpgrade = m.waitUpgrade
	if cfg.TimeoutMs == 0 {
		cfg.TimeoutMs = 10000
	}
	return startScript(t, "js/socketio-client.mjs", cfg, cfg.TimeoutMs)
}

// startScript starts node script with cfg, as JSON, as its argument; the
// script reports JSON lines as js/socketio-client.mjs does, and ends
// within timeoutMs. The process is killed, if still running, when the test
// ends.
func startScript(t *testing.T, script string, cfg any, timeoutMs int) *sioClient {
	t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &sioClient{
		limit:   time.Duration(timeoutMs) * time.Millisecond,
		changed: make(chan struct{}),
		exited:  make(chan struct{}),
	}
	arg := string(raw)
	if len(raw) > 64<<10 {
		// Past 128 kB an argument is refused by execve.
		file := filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(file, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		arg = "@" + file
	}
	c.cmd = exec.Command("node", script, arg)
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.start = time.Now()
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("running node: %v", err)
	}
	go c.read(stdout)
	t.Cleanup(func() {
		c.kill()
		<-c.exited
	})
	return c
}

// read collects the script's events until its output ends, then waits for
// the process.
func (c *sioClient) read(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Text()
		ev := sioEvent{line: line}
		err := json.Unmarshal([]byte(line), &ev.fields)
		if err == nil {
			err = json.Unmarshal(ev.fields["event"], &ev.Event)
		}
		c.mu.Lock()
		if err != nil && c.badLine == "" {
			c.badLine = line
		}
		c.events = append(c.events, ev)
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
	c.waitErr = c.cmd.Wait()
	close(c.exited)
}

// kill ends the process if it is still running.
func (c *sioClient) kill() {
	select {
	case <-c.exited:
		return
	default:
	}
	c.mu.Lock()
	c.killed = true
	c.mu.Unlock()
	c.cmd.Process.Kill()
}

// waitFor waits for the n-th (from 1) event named name and returns it. It
// fails the test if the process ends or timeout passes first.
func (c *sioClient) waitFor(t *testing.T, name string, n int, timeout time.Duration) sioEvent {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		evs := c.allLocked(name)
		ch := c.changed
		c.mu.Unlock()
		if len(evs) >= n {
			return evs[n-1]
		}
		select {
		case <-ch:
		case <-c.exited:
			c.mu.Lock()
			evs := c.allLocked(name)
			c.mu.Unlock()
			if len(evs) >= n {
				return evs[n-1]
			}
			t.Fatalf("client: ended without %d %q events; output:\n%s", n, name, c)
		case <-deadline.C:
			t.Fatalf("client: no %d %q events after %v; output:\n%s", n, name, timeout, c)
		}
	}
}

// finish waits for the script to end, and fails the test unless it ended
// well: exit status 0, last event "done", no "fatal".
func (c *sioClient) finish(t *testing.T) {
	t.Helper()
	select {
	case <-c.exited:
	case <-time.After(c.limit + 10*time.Second):
		c.kill()
		<-c.exited
		t.Fatalf("client: still running after its time limit; output:\n%s", c)
	}
	elapsed := time.Since(c.start).Round(time.Millisecond)
	c.mu.Lock()
	bad, n := c.badLine, len(c.events)
	last := ""
	if n > 0 {
		last = c.events[n-1].Event
	}
	c.mu.Unlock()
	switch {
	case bad != "":
		t.Fatalf("client: bad output line %q; output:\n%s", bad, c)
	case c.waitErr != nil:
		t.Fatalf("client exited with %v after %v; output:\n%s", c.waitErr, elapsed, c)
	case last != "done" || len(c.all("fatal")) > 0:
		t.Fatalf("client did not end with a done event; output:\n%s", c)
	}
	t.Logf("client ran %v:\n%s", elapsed, c)
}

// waitKilled waits for the end of a process that kill ended.
func (c *sioClient) waitKilled(t *testing.T) {
	t.Helper()
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("client: still running 10s after it was killed")
	}
	t.Logf("client killed after %v:\n%s", time.Since(c.start).Round(time.Millisecond), c)
}

func (c *sioClient) allLocked(name string) []sioEvent {
	var out []sioEvent
	for _, e := range c.events {
		if e.Event == name {
			out = append(out, e)
		}
	}
	return out
}

// all returns the events named name so far.
func (c *sioClient) all(name string) []sioEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.allLocked(name)
}

// where returns the events named name whose field k is v (a string).
func (c *sioClient) where(name, k, v string) []sioEvent {
	var out []sioEvent
	for _, e := range c.all(name) {
		if e.str(k) == v {
			out = append(out, e)
		}
	}
	return out
}

// one returns the only event named name.
func (c *sioClient) one(t *testing.T, name string) sioEvent {
	t.Helper()
	evs := c.all(name)
	if len(evs) != 1 {
		t.Fatalf("client: %d %q events, want 1; output:\n%s", len(evs), name, c)
	}
	return evs[0]
}

// oneWhere returns the only event named name whose field k is v.
func (c *sioClient) oneWhere(t *testing.T, name, k, v string) sioEvent {
	t.Helper()
	evs := c.where(name, k, v)
	if len(evs) != 1 {
		t.Fatalf("client: %d %q events with %s %q, want 1; output:\n%s", len(evs), name, k, v, c)
	}
	return evs[0]
}

// index returns the position of the first event named name, or -1.
func (c *sioClient) index(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.events {
		if e.Event == name {
			return i
		}
	}
	return -1
}

// String returns the output so far (long lines shortened) and, once the
// process ended, its stderr.
func (c *sioClient) String() string {
	var b strings.Builder
	c.mu.Lock()
	for _, e := range c.events {
		line := e.line
		if len(line) > 600 {
			line = fmt.Sprintf("%s … (%d bytes) … %s", line[:300], len(line), line[len(line)-200:])
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	c.mu.Unlock()
	select {
	case <-c.exited:
		if c.stderr.Len() > 0 {
			b.WriteString("stderr:\n")
			b.Write(c.stderr.Bytes())
		}
	default:
	}
	return b.String()
}

// checkSIOOpen checks the Engine.IO connection of the client's Manager
// named client: opened on the transport of mode m, upgraded in the
// upgrade mode only.
func checkSIOOpen(t *testing.T, c *sioClient, m mode, client string) {
	t.Helper()
	open := c.oneWhere(t, "open", "client", client)
	want := "polling"
	if m.name == "websocket" {
		want = "websocket"
	}
	if got := open.str("transport"); got != want {
		t.Errorf("client %s: opened on %q, want %q", client, got, want)
	}
	ups := c.where("upgrade", "client", client)
	switch {
	case m.waitUpgrade && (len(ups) != 1 || ups[0].str("transport") != "websocket"):
		t.Errorf("client %s: upgrade events %v, want one to websocket", client, ups)
	case !m.waitUpgrade && len(ups) != 0:
		t.Errorf("client %s: unexpected upgrade events %v", client, ups)
	}
	if errs := c.where("upgradeError", "client", client); len(errs) > 0 {
		t.Errorf("client %s: upgrade errors: %v", client, errs)
	}
}

// checkSIOTransport checks that a socket's Engine.IO session is on the
// final transport of mode m.
func checkSIOTransport(t *testing.T, what string, es *engineio.Session, tr engineio.Transport, upgraded bool, m mode) {
	t.Helper()
	if tr != m.final || upgraded != m.upgraded() {
		t.Errorf("server: %s (session %s) on transport %s (upgraded %v), want %s (upgraded %v)", what, es.ID(), tr, upgraded, m.final, m.upgraded())
	}
}

// sioBin is how the client script reports binary data, and how params
// describe binary data to send (as a Buffer).
func sioBin(b []byte) map[string]any { return map[string]any{"$bin": hex.EncodeToString(b)} }

// sioBinAs is binary data for the client to send as a Uint8Array or an
// ArrayBuffer instead of a Buffer.
func sioBinAs(b []byte, as string) map[string]any {
	return map[string]any{"$bin": hex.EncodeToString(b), "as": as}
}

// sioNorm returns v as the client script reports values: JSON types, with
// []byte as sioBin. Args are decoded with Values.
func sioNorm(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		return sioBin(x)
	case json.RawMessage:
		var y any
		if err := json.Unmarshal(x, &y); err != nil {
			return fmt.Sprintf("invalid JSON %q", x)
		}
		return y
	case socketio.Args:
		vals, err := x.Values()
		if err != nil {
			return fmt.Sprintf("undecodable args: %v", err)
		}
		return sioNorm(vals)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sioNorm(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = sioNorm(e)
		}
		return out
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	var y any
	json.Unmarshal(b, &y)
	return y
}

// sioCheck compares got and want after sioNorm.
func sioCheck(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := sioNorm(got), sioNorm(want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, sioJSON(g), sioJSON(w))
	}
}

// sioJSON renders v as JSON for failure output, long strings shortened.
func sioJSON(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 1000 {
		return fmt.Sprintf("%s … (%d bytes) … %s", b[:500], len(b), b[len(b)-300:])
	}
	return string(b)
}

// sioRecv waits for a value on ch for at most 10 seconds.
func sioRecv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("server: no %s within 10s", what)
		var zero T
		return zero
	}
}

// sioRecvOr waits for a value on ch for at most d, and returns the zero
// value otherwise.
func sioRecvOr[T any](ch <-chan T, d time.Duration) T {
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		var zero T
		return zero
	}
}

// sioNoMore checks that nothing more arrives on ch within d.
func sioNoMore[T any](t *testing.T, ch <-chan T, d time.Duration, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Errorf("server: unexpected %s: %v", what, v)
	case <-time.After(d):
	}
}

// sioRecorder collects strings from server handlers, safely after the
// test too.
type sioRecorder struct {
	mu  sync.Mutex
	got []string
}

func (r *sioRecorder) add(s string) {
	r.mu.Lock()
	r.got = append(r.got, s)
	r.mu.Unlock()
}

func (r *sioRecorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func (r *sioRecorder) sorted() []string {
	l := r.list()
	sort.Strings(l)
	return l
}

// sioWait waits until cond holds, checking every 5ms for at most timeout.
func sioWait(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); ; time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// sioContext is a context for a test's blocking calls in server handlers.
func sioContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

// sioDrainErrors reports the errors (not the nils) that server handlers
// left in ch.
func sioDrainErrors(t *testing.T, ch <-chan error) {
	t.Helper()
	for {
		select {
		case err := <-ch:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		default:
			return
		}
	}
}
