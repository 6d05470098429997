package nodepeer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// CallTimeout bounds each op of the typed helpers and MustCall. It is
// above the adapters' default requestsTimeout (5 s), so that an op that
// waits for a timeout answers before it.
const CallTimeout = 20 * time.Second

// readyTimeout bounds the start of node and the loading of the packages,
// which a loaded machine was seen to stretch past 12 s.
const readyTimeout = 60 * time.Second

// ErrExited is returned by Call once the node process has ended.
var ErrExited = errors.New("nodepeer: the node process has exited")

// An OpError is the peer's answer to a command that failed.
type OpError struct {
	Op      string
	Message string
}

func (e *OpError) Error() string { return fmt.Sprintf("nodepeer: %s failed: %s", e.Op, e.Message) }

// A Peer is a running node process of js/peer.mjs.
type Peer struct {
	t     testing.TB
	cmd   *exec.Cmd
	ready Event // set before Start returns

	wmu   sync.Mutex     // serializes writes to stdin
	stdin io.WriteCloser // guarded by wmu

	mu      sync.Mutex
	nextID  int64                 // guarded by mu
	pending map[int64]chan answer // guarded by mu; removed by the caller
	events  []Event               // guarded by mu
	changed chan struct{}         // guarded by mu; closed and replaced on each event
	badLine string                // guarded by mu: the first line that is not JSON

	exited  chan struct{} // closed once the process has ended and its output is read
	waitErr error         // set before exited is closed
}

type answer struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *string         `json:"error"`
}

func (a answer) result(op string) (json.RawMessage, error) {
	if a.Error != nil {
		return nil, &OpError{Op: op, Message: strings.TrimPrefix(*a.Error, op+": ")}
	}
	return a.Result, nil
}

// jsDir returns the directory of peer.mjs, found from this source file,
// so that the tests of any package can start a peer.
func jsDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "js"
	}
	return filepath.Join(filepath.Dir(file), "js")
}

// checkInstalled fails unless node is in PATH and js/node_modules holds
// the versions that js/package.json pins.
func checkInstalled(t testing.TB, dir string) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("nodepeer: node (Node.js 20 or later) is not in PATH: %v", err)
	}
	var want struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err == nil {
		err = json.Unmarshal(b, &want)
	}
	if err != nil {
		t.Fatalf("nodepeer: reading %s/package.json: %v", dir, err)
	}
	for pkg, version := range want.Dependencies {
		var got struct {
			Version string `json:"version"`
		}
		b, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "package.json"))
		if err == nil {
			err = json.Unmarshal(b, &got)
		}
		if err != nil {
			t.Fatalf("nodepeer: %s is not installed (%v): run `npm ci` in %s", pkg, err, dir)
		}
		if got.Version != version {
			t.Fatalf("nodepeer: node_modules has %s %s, package.json pins %s: run `npm ci` in %s", pkg, got.Version, version, dir)
		}
	}
}

// Start runs a peer for the test t. The peer is told to close everything
// when the test ends, and killed with its process group if it has not
// exited 5 s later. Its stderr, the commands and the lines it writes go to
// t.Log.
func Start(t testing.TB) *Peer {
	t.Helper()
	dir := jsDir()
	checkInstalled(t, dir)
	p := &Peer{
		t:       t,
		pending: make(map[int64]chan answer),
		changed: make(chan struct{}),
		exited:  make(chan struct{}),
	}
	p.cmd = exec.Command("node", "peer.mjs")
	p.cmd.Dir = dir
	ownGroup(p.cmd)
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("nodepeer: running node: %v", err)
	}
	var readers sync.WaitGroup
	readers.Go(func() { p.readStdout(stdout) })
	readers.Go(func() { p.readStderr(stderr) })
	go func() {
		readers.Wait()
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.stop)
	p.ready = p.WaitEvent(t, func(e Event) bool { return e.Name == "ready" }, readyTimeout)
	return p
}

// Versions returns the versions of the npm packages that the peer runs,
// by package name.
func (p *Peer) Versions() map[string]string {
	var v map[string]string
	p.ready.Decode("versions", &v)
	return v
}

// stop ends the process: stdin's end makes the peer close its servers,
// clients and Redis connections and exit; the group is killed if it does
// not within 5 s. It fails the test if the process ended badly on its own.
func (p *Peer) stop() {
	p.wmu.Lock()
	p.stdin.Close()
	p.wmu.Unlock()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		killGroup(p.cmd)
		<-p.exited
		p.t.Errorf("nodepeer: the peer did not exit within 5s of its stdin's end; killed")
		return
	}
	p.mu.Lock()
	bad := p.badLine
	p.mu.Unlock()
	if p.waitErr != nil {
		p.t.Errorf("nodepeer: the peer exited with %v", p.waitErr)
	}
	if bad != "" {
		p.t.Errorf("nodepeer: the peer wrote a line that is not JSON: %q", bad)
	}
	for _, e := range p.Events() {
		if e.Name == "fatal" || e.Name == "unhandledRejection" {
			p.t.Errorf("nodepeer: %s", e.Line)
		}
	}
}

func (p *Peer) readStdout(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		p.t.Logf("peer %d> %s", p.cmd.Process.Pid, shorten(line))
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			p.mu.Lock()
			if p.badLine == "" {
				p.badLine = line
			}
			p.mu.Unlock()
			continue
		}
		// Answers have an "id" and no "event"; events may have an "id" of
		// their own, a socket's.
		if _, isEvent := fields["event"]; !isEvent {
			rawID := fields["id"]
			var id int64
			var a answer
			if json.Unmarshal(rawID, &id) == nil && json.Unmarshal([]byte(line), &a) == nil {
				p.mu.Lock()
				ch := p.pending[id]
				p.mu.Unlock()
				if ch != nil {
					ch <- a // buffered, one answer per id
				}
			}
			continue
		}
		ev := Event{Line: line, fields: fields}
		json.Unmarshal(fields["event"], &ev.Name)
		p.mu.Lock()
		p.events = append(p.events, ev)
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
	}
	io.Copy(io.Discard, r)
}

func (p *Peer) readStderr(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		p.t.Logf("peer %d stderr: %s", p.cmd.Process.Pid, sc.Text())
	}
	io.Copy(io.Discard, r)
}

// shorten cuts long lines for the log.
func shorten(s string) string {
	if len(s) <= 800 {
		return s
	}
	return fmt.Sprintf("%s … (%d bytes) … %s", s[:500], len(s), s[len(s)-200:])
}

// Call runs op with the fields args (binary values as [Bin]) and returns
// its result. A failed op is an *OpError.
func (p *Peer) Call(ctx context.Context, op string, args map[string]any) (json.RawMessage, error) {
	cmd := make(map[string]any, len(args)+2)
	for k, v := range args {
		cmd[k] = v
	}
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	ch := make(chan answer, 1)
	p.pending[id] = ch
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.pending, id)
		p.mu.Unlock()
	}()
	cmd["id"], cmd["op"] = id, op
	line, err := json.Marshal(cmd)
	if err != nil {
		return nil, fmt.Errorf("nodepeer: failed to encode %s: %w", op, err)
	}
	p.t.Logf("peer %d< %s", p.cmd.Process.Pid, shorten(string(line)))
	p.wmu.Lock()
	_, err = p.stdin.Write(append(line, '\n'))
	p.wmu.Unlock()
	if err != nil {
		select {
		case <-p.exited:
			return nil, ErrExited
		default:
		}
		return nil, fmt.Errorf("nodepeer: failed to send %s: %w", op, err)
	}
	select {
	case a := <-ch:
		return a.result(op)
	case <-p.exited:
		// The answer may have been read just before the end.
		select {
		case a := <-ch:
			return a.result(op)
		default:
		}
		return nil, ErrExited
	case <-ctx.Done():
		return nil, fmt.Errorf("nodepeer: %s: %w", op, ctx.Err())
	}
}

// MustCall is Call within CallTimeout that fails the test on error.
func (p *Peer) MustCall(t testing.TB, op string, args map[string]any) json.RawMessage {
	t.Helper()
	res, err := p.callTimeout(op, args)
	if err != nil {
		t.Fatalf("%v (args %s)", err, shorten(mustJSON(args)))
	}
	return res
}

// callTimeout is Call within CallTimeout.
func (p *Peer) callTimeout(op string, args map[string]any) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CallTimeout)
	defer cancel()
	return p.Call(ctx, op, args)
}

// mustCallInto is MustCall that decodes the result into v.
func (p *Peer) mustCallInto(t testing.TB, op string, args map[string]any, v any) {
	t.Helper()
	res := p.MustCall(t, op, args)
	if err := json.Unmarshal(res, v); err != nil {
		t.Fatalf("nodepeer: %s: decoding result %s: %v", op, shorten(string(res)), err)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// Events returns the events reported so far.
func (p *Peer) Events() []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Event(nil), p.events...)
}

// Mark returns the number of events so far, for WaitEventAfter and Find.
func (p *Peer) Mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.events)
}

// Find returns the events from the mark-th on (0 for all) that match.
func (p *Peer) Find(mark int, match func(Event) bool) []Event {
	var out []Event
	for _, e := range p.Events()[min(mark, p.Mark()):] {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

// WaitEvent returns the first event so far, or to come within timeout,
// that matches, and fails the test otherwise.
func (p *Peer) WaitEvent(t testing.TB, match func(Event) bool, timeout time.Duration) Event {
	t.Helper()
	return p.WaitEventAfter(t, 0, match, timeout)
}

// WaitEventAfter is WaitEvent among the events from the mark-th on.
func (p *Peer) WaitEventAfter(t testing.TB, mark int, match func(Event) bool, timeout time.Duration) Event {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for next := mark; ; {
		p.mu.Lock()
		evs := p.events
		ch := p.changed
		p.mu.Unlock()
		for ; next < len(evs); next++ {
			if match(evs[next]) {
				return evs[next]
			}
		}
		select {
		case <-ch:
		case <-p.exited:
			p.mu.Lock()
			n := len(p.events)
			p.mu.Unlock()
			if n > next {
				continue
			}
			t.Fatalf("nodepeer: the peer exited (%v) before the awaited event; events:\n%s", p.waitErr, p.dump(mark))
		case <-deadline.C:
			t.Fatalf("nodepeer: no awaited event within %v; events since the mark:\n%s", timeout, p.dump(mark))
		}
	}
}

// dump lists the events from the mark-th on, for failure messages.
func (p *Peer) dump(mark int) string {
	var b strings.Builder
	evs := p.Events()
	for _, e := range evs[min(mark, len(evs)):] {
		b.WriteString(shorten(e.Line))
		b.WriteByte('\n')
	}
	return b.String()
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("nodepeer: finding a free port: %v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
