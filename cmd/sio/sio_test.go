package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The tests drive run against this module's server, on a loopback port.

// waitTimeout bounds every wait of the tests.
const waitTimeout = 20 * time.Second

// testServer is a Socket.IO server with namespaces "/" and "/admin"
// (whose middleware wants auth {"token":"secret"}), each handling:
//
//	echo         acks with its arguments, or emits "echo" with them
//	emit-binary  emits "binary" with {a: 01 02 03, list: ["xyz" bytes, 7]}
//	             and 00 ff; acks with nothing
//	bin-hex      acks with the hex of its first argument, decoded as []byte
//	ask          acks with nothing, emits "question" with its arguments
//	             asking for an ack, then "answer" with the client's reply
//	hs           acks with {query, x-test (the header), transport, auth}
//	kick         disconnects the socket
//	drop         closes its connection (the client sees transport close)
//	silent       nothing
//
// "/" greets each socket with "welcome" {"z":1,"a":[1,2.50]} "hi".
type testServer struct {
	url string
	srv *socketio.Server

	mu          sync.Mutex
	received    []string // "nsp name args", in order
	connected   []string // ids
	disconnects []string // "id reason"
}

func newTestServer(t *testing.T) *testServer { return newTestServerTLS(t, false) }

// newTestServerTLS is newTestServer, over TLS (a self-signed certificate)
// if useTLS.
func newTestServerTLS(t *testing.T, useTLS bool) *testServer {
	t.Helper()
	ts := &testServer{}
	srv := socketio.NewServer(&socketio.Options{Logger: slog.New(slog.DiscardHandler)})
	ts.srv = srv
	admin := srv.Of("/admin")
	admin.Use(func(s *socketio.Socket) error {
		var auth struct{ Token string }
		if err := s.Handshake().BindAuth(&auth); err != nil || auth.Token != "secret" {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]any{"reason": "bad token"}}
		}
		return nil
	})
	ts.handle(srv.Of("/"), true)
	ts.handle(admin, false)
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	mux.Handle("/other/", srv)
	hs := httptest.NewUnstartedServer(mux)
	if useTLS {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	ts.url = hs.URL
	t.Cleanup(func() {
		srv.Close()
		hs.Close()
	})
	return ts
}

func (ts *testServer) handle(n *socketio.Namespace, welcome bool) {
	n.OnConnection(func(s *socketio.Socket) {
		ts.mu.Lock()
		ts.connected = append(ts.connected, s.ID())
		ts.mu.Unlock()
		s.OnDisconnect(func(reason socketio.DisconnectReason, _ error) {
			ts.mu.Lock()
			ts.disconnects = append(ts.disconnects, s.ID()+" "+reason.String())
			ts.mu.Unlock()
		})
		s.OnAny(func(event string, args socketio.Args) {
			b, _ := json.Marshal(args)
			ts.mu.Lock()
			ts.received = append(ts.received, n.Name()+" "+event+" "+string(b))
			ts.mu.Unlock()
		})
		s.On("echo", func(e *socketio.Event) {
			if e.WantsAck() {
				e.Ack(e.Args)
				return
			}
			s.Emit("echo", e.Args)
		})
		s.On("emit-binary", func(e *socketio.Event) {
			s.Emit("binary", map[string]any{"a": []byte{1, 2, 3}, "list": []any{[]byte("xyz"), 7}}, []byte{0, 255})
			e.Ack()
		})
		s.On("bin-hex", func(e *socketio.Event) {
			var b []byte
			if err := e.Decode(0, &b); err != nil {
				e.Ack(err.Error())
				return
			}
			e.Ack(hex.EncodeToString(b))
		})
		s.On("ask", func(e *socketio.Event) {
			e.Ack()
			answer, err := s.Timeout(5*time.Second).EmitWithAck(s.Context(), "question", e.Args)
			if err != nil {
				s.Emit("answer", map[string]any{"error": err.Error()})
				return
			}
			s.Emit("answer", answer)
		})
		s.On("hs", func(e *socketio.Event) {
			h := s.Handshake()
			e.Ack(map[string]any{
				"query":     h.Query,
				"x-test":    h.Headers.Values("X-Test"),
				"transport": string(s.Conn().Transport()),
				"auth":      h.Auth,
			})
		})
		s.On("kick", func(*socketio.Event) { s.Disconnect() })
		s.On("drop", func(*socketio.Event) { s.Conn().Close() })
		if welcome {
			s.Emit("welcome", json.RawMessage(`{"z":1,"a":[1,2.50]}`), "hi")
		}
	})
}

// wait polls f until it is true, failing the test after waitTimeout.
func wait(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// receivedIn returns what the server received in namespace nsp.
func (ts *testServer) receivedIn(nsp string) []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var out []string
	for _, r := range ts.received {
		if rest, ok := strings.CutPrefix(r, nsp+" "); ok {
			out = append(out, rest)
		}
	}
	return out
}

func (ts *testServer) lastConnected() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.connected) == 0 {
		return ""
	}
	return ts.connected[len(ts.connected)-1]
}

// outLine is a line of the program's output.
type outLine struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Event   string          `json:"event"`
	Args    json.RawMessage `json:"args"`
	Ack     bool            `json:"ack"`
	Reason  string          `json:"reason"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	Attempt int             `json:"attempt"`

	text string
}

func (l outLine) String() string { return l.text }

// lineBuf collects what the program writes, and tells when it grows.
type lineBuf struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newLineBuf() *lineBuf { return &lineBuf{changed: make(chan struct{})} }

func (w *lineBuf) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	close(w.changed)
	w.changed = make(chan struct{})
	return len(p), nil
}

func (w *lineBuf) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// lines parses the complete lines so far, failing t on one that is not a
// JSON object of the output's fields.
func (w *lineBuf) lines(t *testing.T) ([]outLine, <-chan struct{}) {
	t.Helper()
	w.mu.Lock()
	text, changed := w.b.String(), w.changed
	w.mu.Unlock()
	var out []outLine
	for {
		line, rest, ok := strings.Cut(text, "\n")
		if !ok {
			break
		}
		text = rest
		var l outLine
		d := json.NewDecoder(strings.NewReader(line))
		d.DisallowUnknownFields()
		if err := d.Decode(&l); err != nil || d.More() || l.Type == "" {
			t.Fatalf("output line %q: not a JSON line of the output (%v)", line, err)
		}
		l.text = line
		out = append(out, l)
	}
	return out, changed
}

// sioRun is a run of the program, in a goroutine of the test.
type sioRun struct {
	out, err *lineBuf
	cancel   context.CancelFunc
	done     chan struct{}
	code     int // set before done is closed
}

// start runs the program with args and stdin (nil: empty). The test's end
// stops it (as a signal does) and waits for it.
func start(t *testing.T, stdin io.Reader, args ...string) *sioRun {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &sioRun{out: newLineBuf(), err: newLineBuf(), cancel: cancel, done: make(chan struct{})}
	t.Logf("sio %s", strings.Join(args, " "))
	go func() {
		defer close(r.done)
		r.code = run(ctx, args, stdin, r.out, r.err)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(waitTimeout):
			t.Errorf("sio did not end within %v of its stop", waitTimeout)
		}
		t.Logf("stdout:\n%sstderr:\n%s", r.out, r.err)
	})
	return r
}

// wait waits for the program to end by itself and returns its status and
// output lines.
func (r *sioRun) wait(t *testing.T) (int, []outLine) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(waitTimeout):
		t.Fatalf("sio did not end within %v; stdout:\n%sstderr:\n%s", waitTimeout, r.out, r.err)
	}
	lines, _ := r.out.lines(t)
	return r.code, lines
}

// stop stops the program as SIGINT does, and returns as wait does.
func (r *sioRun) stop(t *testing.T) (int, []outLine) {
	t.Helper()
	r.cancel()
	return r.wait(t)
}

// waitLine waits for an output line that matches, and returns it with the
// lines before it.
func (r *sioRun) waitLine(t *testing.T, match func(l outLine) bool) (outLine, []outLine) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		lines, changed := r.out.lines(t)
		if i := slices.IndexFunc(lines, match); i >= 0 {
			return lines[i], lines[:i]
		}
		select {
		case <-changed:
		case <-r.done:
			lines, _ := r.out.lines(t)
			if i := slices.IndexFunc(lines, match); i >= 0 {
				return lines[i], lines[:i]
			}
			t.Fatalf("sio ended (status %d) without the awaited line; stdout:\n%sstderr:\n%s", r.code, r.out, r.err)
		case <-deadline:
			t.Fatalf("no awaited line within %v; stdout:\n%sstderr:\n%s", waitTimeout, r.out, r.err)
		}
	}
}

// sio runs the program to its end.
func sio(t *testing.T, stdin string, args ...string) (code int, lines []outLine, stderr string) {
	t.Helper()
	r := start(t, strings.NewReader(stdin), args...)
	code, lines = r.wait(t)
	return code, lines, r.err.String()
}

func isType(typ string) func(outLine) bool {
	return func(l outLine) bool { return l.Type == typ }
}

func isEvent(name string) func(outLine) bool {
	return func(l outLine) bool { return l.Type == "event" && l.Event == name }
}

// texts returns the lines as printed.
func texts(lines []outLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.text
	}
	return out
}

func wantLines(t *testing.T, got []outLine, want ...string) {
	t.Helper()
	if g := texts(got); !slices.Equal(g, want) {
		t.Errorf("output:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
	}
}

// Connecting prints the socket's id, then the events the server sends,
// their arguments as they were written; an event that asks for an
// acknowledgement is acknowledged, with nothing. A stop (the signal's)
// disconnects cleanly, with status 0.
func TestConnectPrintsEvents(t *testing.T) {
	ts := newTestServer(t)
	r := start(t, nil, "-emit", "ask 1 [2]", ts.url)
	answer, before := r.waitLine(t, isEvent("answer"))
	id := ts.lastConnected()
	wantLines(t, append(before, answer),
		`{"type":"connect","id":"`+id+`"}`,
		`{"type":"event","event":"welcome","args":[{"z":1,"a":[1,2.50]},"hi"]}`,
		`{"type":"event","event":"question","args":[1,[2]],"ack":true}`,
		`{"type":"event","event":"answer","args":[]}`,
	)
	code, lines := r.stop(t)
	if code != 0 {
		t.Errorf("status %d after a stop, want 0", code)
	}
	if last := lines[len(lines)-1].text; last != `{"type":"disconnect","reason":"io client disconnect"}` {
		t.Errorf("last line %s, want the disconnect", last)
	}
	wait(t, "the server to see the disconnection", func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		return slices.Contains(ts.disconnects, id+" client namespace disconnect")
	})
}

// -emit with -ack -exit: each emit waits for its acknowledgement, printed,
// then the program disconnects and exits 0. Flags may follow the URL.
func TestEmitAckExit(t *testing.T) {
	ts := newTestServer(t)
	code, lines, stderr := sio(t, "", "-emit", `echo 1 "a" {"x":{"y":[true,null]}}`, ts.url, "-ack", "-emit", `"echo" 1e3`, "-exit")
	if code != 0 {
		t.Fatalf("status %d, want 0; stderr:\n%s", code, stderr)
	}
	wantLines(t, lines,
		`{"type":"connect","id":"`+ts.lastConnected()+`"}`,
		`{"type":"event","event":"welcome","args":[{"z":1,"a":[1,2.50]},"hi"]}`,
		`{"type":"ack","event":"echo","args":[1,"a",{"x":{"y":[true,null]}}]}`,
		`{"type":"ack","event":"echo","args":[1e3]}`,
		`{"type":"disconnect","reason":"io client disconnect"}`,
	)
	if got := ts.receivedIn("/"); !slices.Equal(got, []string{`echo [1,"a",{"x":{"y":[true,null]}}]`, `echo [1e3]`}) {
		t.Errorf("the server received %q", got)
	}
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
}

// -stdin emits the lines in order, each waiting for its acknowledgement
// with -ack; blank lines are skipped.
func TestStdinAck(t *testing.T) {
	ts := newTestServer(t)
	in := "[\"echo\",1]\n\n  \n[\"echo\",\"two\",{\"n\":[3]}]\n[\"echo\"]" // no final newline
	code, lines, stderr := sio(t, in, "-stdin", "-ack", "-exit", "-auth", `{"token":"secret"}`, ts.url+"/admin")
	if code != 0 {
		t.Fatalf("status %d, want 0; stderr:\n%s", code, stderr)
	}
	wantLines(t, lines,
		`{"type":"connect","id":"`+ts.lastConnected()+`"}`,
		`{"type":"ack","event":"echo","args":[1]}`,
		`{"type":"ack","event":"echo","args":["two",{"n":[3]}]}`,
		`{"type":"ack","event":"echo","args":[]}`,
		`{"type":"disconnect","reason":"io client disconnect"}`,
	)
}

// Without -ack, -emit then -stdin events go out in order, all before the
// program exits; a bad line is reported and skipped, and makes the status
// 1.
func TestStdinOrder(t *testing.T) {
	ts := newTestServer(t)
	var in strings.Builder
	var want []string
	want = append(want, `first ["flag"]`)
	for i := range 50 {
		fmt.Fprintf(&in, "[\"n\",%d]\n", i)
		want = append(want, fmt.Sprintf("n [%d]", i))
		if i == 10 {
			in.WriteString("not json\n[]\n[1,2]\n[\"connect\"]\n")
		}
	}
	code, _, stderr := sio(t, in.String(), "-emit", `first "flag"`, "-stdin", "-exit", ts.url)
	if code != 1 {
		t.Errorf("status %d, want 1 (bad lines)", code)
	}
	for _, n := range []string{"line 12:", "line 13:", "line 14:", "line 15:"} {
		if !strings.Contains(stderr, "sio: standard input, "+n) {
			t.Errorf("stderr does not report %s\n%s", n, stderr)
		}
	}
	wait(t, "the server to receive the events", func() bool { return len(ts.receivedIn("/")) >= len(want) })
	if got := ts.receivedIn("/"); !slices.Equal(got, want) {
		t.Errorf("the server received:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Binary data is printed {"$binary":"<base64>"}, at any depth, and sent
// as binary when given so.
func TestBinary(t *testing.T) {
	ts := newTestServer(t)
	code, lines, stderr := sio(t, "",
		"-emit", "emit-binary",
		"-emit", `bin-hex {"$binary":"AAEC/w=="}`,
		"-emit", `echo {"k":{"$binary":"eHl6"},"z":0} [{"$binary":""}] {"$binary":1}`,
		"-ack", "-exit", ts.url)
	if code != 0 {
		t.Fatalf("status %d, want 0; stderr:\n%s", code, stderr)
	}
	wantLines(t, lines[1:],
		`{"type":"event","event":"welcome","args":[{"z":1,"a":[1,2.50]},"hi"]}`,
		`{"type":"event","event":"binary","args":[{"a":{"$binary":"AQID"},"list":[{"$binary":"eHl6"},7]},{"$binary":"AP8="}]}`,
		`{"type":"ack","event":"emit-binary","args":[]}`,
		`{"type":"ack","event":"bin-hex","args":["000102ff"]}`,
		// {"$binary":1} is not binary: it goes as it is.
		`{"type":"ack","event":"echo","args":[{"k":{"$binary":"eHl6"},"z":0},[{"$binary":""}],{"$binary":1}]}`,
		`{"type":"disconnect","reason":"io client disconnect"}`,
	)
}

// The server's refusal: a connect_error line with its message and data,
// and status 1. With the right auth, the namespace connects.
func TestRefused(t *testing.T) {
	ts := newTestServer(t)
	code, lines, stderr := sio(t, "", "-auth", `{"token":"nope"}`, ts.url+"/admin")
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	wantLines(t, lines, `{"type":"connect_error","message":"not authorized","data":{"reason":"bad token"}}`)
	if !strings.Contains(stderr, "refused") || !strings.Contains(stderr, "not authorized") {
		t.Errorf("stderr: %s", stderr)
	}

	code, lines, stderr = sio(t, "", "-auth", ` { "token" : "secret" } `, "-emit", "hs", "-ack", "-exit", ts.url+"/admin")
	if code != 0 {
		t.Fatalf("status %d, want 0; stderr:\n%s", code, stderr)
	}
	if len(lines) != 3 || lines[0].Type != "connect" || lines[1].Type != "ack" {
		t.Fatalf("output:\n%s", strings.Join(texts(lines), "\n"))
	}
	var hs struct{ Auth json.RawMessage }
	if err := json.Unmarshal(lines[1].Args[1:len(lines[1].Args)-1], &hs); err != nil || string(hs.Auth) != `{"token":"secret"}` {
		t.Errorf("the server saw auth %s (%v)", hs.Auth, err)
	}
}

// closedURL returns the URL of a loopback port where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	return url
}

// A connection that fails: with -no-reconnect, at once, with a
// connect_error line and status 1.
func TestConnectFailure(t *testing.T) {
	code, lines, stderr := sio(t, "", "-no-reconnect", closedURL(t))
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	if len(lines) != 1 || lines[0].Type != "connect_error" || lines[0].Message == "" || lines[0].Data != nil {
		t.Errorf("output:\n%s", strings.Join(texts(lines), "\n"))
	}
	if !strings.HasPrefix(stderr, "sio: ") {
		t.Errorf("stderr: %s", stderr)
	}
}

// A connection that fails, reconnecting: attempts until -timeout, each
// announced, then status 1.
func TestConnectTimeout(t *testing.T) {
	start := time.Now()
	code, lines, stderr := sio(t, "", "-timeout", "2s", closedURL(t))
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("gave up after %v, before -timeout", d)
	}
	// The first attempt comes 0.5 to 1.5 s after the first failure.
	i := slices.IndexFunc(lines, isType("reconnect_attempt"))
	if i < 1 || lines[0].Type != "connect_error" || lines[i].Attempt != 1 {
		t.Errorf("output:\n%s", strings.Join(texts(lines), "\n"))
	}
	if !strings.Contains(stderr, "not connected after 2s") {
		t.Errorf("stderr: %s", stderr)
	}
}

// An acknowledgement that does not come within -timeout: status 1.
func TestAckTimeout(t *testing.T) {
	ts := newTestServer(t)
	code, lines, stderr := sio(t, "", "-emit", "silent", "-emit", "echo 2", "-ack", "-exit", "-timeout", "500ms", ts.url)
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	if !strings.Contains(stderr, `no acknowledgement of "silent" within 500ms`) {
		t.Errorf("stderr: %s", stderr)
	}
	// The next emit goes on.
	if !slices.ContainsFunc(lines, func(l outLine) bool { return l.Type == "ack" && string(l.Args) == "[2]" }) {
		t.Errorf("output:\n%s", strings.Join(texts(lines), "\n"))
	}
}

// The server disconnects the socket: the program ends, status 0, unless
// an acknowledgement was awaited.
func TestServerDisconnect(t *testing.T) {
	ts := newTestServer(t)
	r := start(t, nil, "-emit", "kick", ts.url)
	code, lines := r.wait(t)
	if code != 0 {
		t.Errorf("status %d, want 0", code)
	}
	if last := lines[len(lines)-1].text; last != `{"type":"disconnect","reason":"io server disconnect"}` {
		t.Errorf("last line %s", last)
	}

	// Awaiting an acknowledgement, it is a failure.
	code, lines, stderr := sio(t, "", "-emit", "kick", "-ack", "-exit", ts.url)
	if code != 1 || !strings.Contains(stderr, `no acknowledgement of "kick"`) {
		t.Errorf("-ack: status %d, want 1; stderr:\n%s", code, stderr)
	}
	if last := lines[len(lines)-1].text; last != `{"type":"disconnect","reason":"io server disconnect"}` {
		t.Errorf("-ack: last line %s", last)
	}
}

// A lost connection: the program reconnects, announcing the attempt; with
// -no-reconnect it ends with status 1.
func TestReconnect(t *testing.T) {
	ts := newTestServer(t)
	r := start(t, nil, "-emit", "drop", ts.url)
	first, _ := r.waitLine(t, isType("connect"))
	_, before := r.waitLine(t, func(l outLine) bool { return l.Type == "connect" && l.ID != first.ID })
	var types []string
	for _, l := range before {
		types = append(types, l.Type)
	}
	if want := []string{"connect", "event", "disconnect", "reconnect_attempt"}; !slices.Equal(types, want) {
		t.Errorf("lines %q, want %q", types, want)
	}
	if code, _ := r.stop(t); code != 0 {
		t.Errorf("status %d after a stop, want 0", code)
	}

	r = start(t, nil, "-emit", "drop", "-no-reconnect", ts.url)
	code, lines := r.wait(t)
	if code != 1 {
		t.Errorf("-no-reconnect: status %d, want 1", code)
	}
	if last := lines[len(lines)-1]; last.Type != "disconnect" || last.Reason != "transport close" {
		t.Errorf("-no-reconnect: last line %s", last)
	}
}

// -transports, -H, -query and -path reach the server.
func TestRequestOptions(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct {
		transports string
		want       []string // the transports the socket may be on
	}{
		{"polling", []string{"polling"}},
		{"websocket", []string{"websocket"}},
		{"polling,websocket", []string{"polling", "websocket"}},
		{"websocket,polling", []string{"websocket"}},
	} {
		t.Run(tc.transports, func(t *testing.T) {
			code, lines, stderr := sio(t, "", "-transports", tc.transports, "-path", "/other/",
				"-H", "X-Test: one", "-H", "x-test:two", "-query", "k=v", "-query", "k=w=x", "-query", "e=",
				"-emit", "hs", "-ack", "-exit", ts.url+"?u=1")
			if code != 0 {
				t.Fatalf("status %d; stderr:\n%s", code, stderr)
			}
			i := slices.IndexFunc(lines, isType("ack"))
			if i < 0 {
				t.Fatalf("no ack; output:\n%s", strings.Join(texts(lines), "\n"))
			}
			var got []struct {
				Query     map[string][]string
				XTest     []string `json:"x-test"`
				Transport string
			}
			if err := json.Unmarshal(lines[i].Args, &got); err != nil || len(got) != 1 {
				t.Fatalf("ack %s: %v", lines[i].Args, err)
			}
			if !slices.Contains(tc.want, got[0].Transport) {
				t.Errorf("transport %s, want one of %q", got[0].Transport, tc.want)
			}
			if !slices.Equal(got[0].XTest, []string{"one", "two"}) {
				t.Errorf("X-Test: %q", got[0].XTest)
			}
			q := got[0].Query
			if !slices.Equal(q["k"], []string{"v", "w=x"}) || !slices.Equal(q["e"], []string{""}) || !slices.Equal(q["u"], []string{"1"}) {
				t.Errorf("query %v", q)
			}
		})
	}
}

// -insecure connects to a server whose certificate does not verify, over
// both transports.
func TestInsecure(t *testing.T) {
	ts := newTestServerTLS(t, true)
	for _, transports := range []string{"polling", "websocket"} {
		code, lines, stderr := sio(t, "", "-transports", transports, "-no-reconnect", ts.url)
		if code != 1 || len(lines) != 1 || lines[0].Type != "connect_error" || !strings.Contains(lines[0].Message, "certificate") {
			t.Errorf("%s without -insecure: status %d, output:\n%s\nstderr:\n%s", transports, code, strings.Join(texts(lines), "\n"), stderr)
		}
		code, lines, stderr = sio(t, "", "-transports", transports, "-insecure", "-emit", "echo 1", "-ack", "-exit", ts.url)
		if code != 0 || len(lines) != 4 || lines[2].text != `{"type":"ack","event":"echo","args":[1]}` {
			t.Errorf("%s with -insecure: status %d, output:\n%s\nstderr:\n%s", transports, code, strings.Join(texts(lines), "\n"), stderr)
		}
	}
	wsURL := "wss" + strings.TrimPrefix(ts.url, "https")
	if code, _, stderr := sio(t, "", "-insecure", "-exit", wsURL); code != 0 {
		t.Errorf("%s: status %d; stderr:\n%s", wsURL, code, stderr)
	}
}

// Bad usage: status 2, a message on stderr, nothing on stdout.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"http://a", "http://b"},
		{"-nope", "http://a"},
		{"-emit", "chat hello", "http://a"},
		{"-emit", "", "http://a"},
		{"-emit", "connect", "http://a"},
		{"-emit", `"unterminated`, "http://a"},
		{"-emit", `bin {"$binary":"!!"}`, "http://a"},
		{"-auth", "[1]", "http://a"},
		{"-auth", "null", "http://a"},
		{"-auth", "{", "http://a"},
		{"-transports", "carrier-pigeon", "http://a"},
		{"-transports", "websocket,websocket", "http://a"},
		{"-transports", "", "http://a"},
		{"-H", "no colon", "http://a"},
		{"-H", ": empty", "http://a"},
		{"-query", "novalue", "http://a"},
		{"-timeout", "-1s", "http://a"},
		{"-timeout", "soon", "http://a"},
		{"-path", "socket.io", "http://a"},
		{"ftp://a"},
		{"localhost:3000"},
		{"http:///nohost"},
		{"--", "-exit", "http://a"},
	} {
		out, errb := new(bytes.Buffer), new(bytes.Buffer)
		code := run(context.Background(), args, strings.NewReader(""), out, errb)
		if code != 2 || out.Len() > 0 || errb.Len() == 0 {
			t.Errorf("sio %q: status %d, stdout %q, stderr %q; want 2, a message on stderr", args, code, out, errb)
		}
	}
}

// -help: the usage, with its examples, on stderr; status 0.
func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		out, errb := new(bytes.Buffer), new(bytes.Buffer)
		code := run(context.Background(), []string{arg}, strings.NewReader(""), out, errb)
		if code != 0 || out.Len() > 0 {
			t.Errorf("sio %s: status %d, stdout %q", arg, code, out)
		}
		for _, want := range []string{
			"Usage: sio [flags] URL",
			"sio http://localhost:3000\n",
			`sio -emit 'chat "hi"' -ack -exit http://localhost:3000`,
			`echo '["chat","hi"]' | sio -stdin -exit http://localhost:3000/admin`,
			`sio -auth '{"token":"x"}' -transports websocket wss://example.com/`,
			"-auth", "-transports", "-H", "-query", "-path", "-emit", "-ack", "-timeout", "-stdin", "-exit", "-insecure", "-no-reconnect",
			`{"$binary":"<base64>"}`, "Exit status",
		} {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("sio %s: the usage lacks %q:\n%s", arg, want, errb)
			}
		}
	}
}

func TestParseEmit(t *testing.T) {
	for _, tc := range []struct {
		in    string
		event string
		args  string // the arguments as JSON, binary as hex
	}{
		{"chat", "chat", "[]"},
		{"  chat  ", "chat", "[]"},
		{`chat "hello" {"x": 1}`, "chat", `["hello",{"x":1}]`},
		{"chat\t1 2\n3", "chat", "[1,2,3]"},
		{`"two words" null`, "two words", "[null]"},
		{`"q\"uote"[1]`, `q"uote`, "[[1]]"},
		{`b {"$binary":"AP8="} [{"$binary":"AQ=="}, 12345678901234567890]`, "b", `["00ff",["01",12345678901234567890]]`},
	} {
		e, err := parseEmit(tc.in)
		if err != nil {
			t.Errorf("parseEmit(%q): %v", tc.in, err)
			continue
		}
		b, err := json.Marshal(hexBytes(e.args))
		if err != nil {
			t.Fatal(err)
		}
		if e.event != tc.event || string(b) != tc.args {
			t.Errorf("parseEmit(%q) = %q %s, want %q %s", tc.in, e.event, b, tc.event, tc.args)
		}
	}
}

// hexBytes replaces each []byte in v by its hex.
func hexBytes(v any) any {
	switch x := v.(type) {
	case []byte:
		return hex.EncodeToString(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = hexBytes(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = hexBytes(e)
		}
		return out
	}
	return v
}
