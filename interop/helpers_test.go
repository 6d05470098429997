package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/engineio"
)

// nodeModules is where `npm ci` installs the JavaScript clients.
const nodeModules = "node_modules"

// requireClient fails the test when Node.js or the npm packages pinned in
// package.json are not installed. It never skips: a CI run without them
// must not pass silently.
func requireClient(t *testing.T, pkg string) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node (Node.js 20 or later) is not in PATH: %v", err)
	}
	var want struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	b, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatalf("reading interop/package.json: %v", err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("parsing interop/package.json: %v", err)
	}
	b, err = os.ReadFile(filepath.Join(nodeModules, pkg, "package.json"))
	if err != nil {
		t.Fatalf("interop/node_modules/%s is missing (%v): run `npm ci` in interop/ before `go test ./interop/`", pkg, err)
	}
	var got struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("parsing %s/package.json: %v", pkg, err)
	}
	w, ok := want.Dependencies[pkg]
	if !ok {
		w = want.DevDependencies[pkg]
	}
	// An alias, "npm:socket.io-client@2.5.0", pins the version after the
	// last @.
	if strings.HasPrefix(w, "npm:") {
		w = w[strings.LastIndexByte(w, '@')+1:]
	}
	if got.Version != w {
		t.Fatalf("interop/node_modules has %s %s, package.json pins %q: run `npm ci` in interop/", pkg, got.Version, w)
	}
}

// A mode is a way for the client to reach the server.
type mode struct {
	name        string
	transports  []string // nil: the client's default (polling, then upgrade)
	waitUpgrade bool     // the scenario starts on the client's upgrade event
	final       engineio.Transport
}

var modes = []mode{
	{name: "polling", transports: []string{"polling"}, final: engineio.Polling},
	{name: "websocket", transports: []string{"websocket"}, final: engineio.WebSocket},
	{name: "upgrade", waitUpgrade: true, final: engineio.WebSocket},
}

func (m mode) upgraded() bool { return m.waitUpgrade }

// serverMessage is a message the server received, with the session's
// transport at that moment.
type serverMessage struct {
	engineio.Message
	transport engineio.Transport
	upgraded  bool
}

// serverSession records what the server saw of one session.
type serverSession struct {
	s *engineio.Session

	mu       sync.Mutex
	messages []serverMessage

	closed      chan struct{} // closed after OnClose
	reason      engineio.CloseReason
	description error
	transport   engineio.Transport // at close
	upgraded    bool               // at close
}

func (ss *serverSession) Messages() []serverMessage {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return append([]serverMessage(nil), ss.messages...)
}

// waitClose waits for the session's OnClose and returns its reason.
func (ss *serverSession) waitClose(t *testing.T, timeout time.Duration) (engineio.CloseReason, error) {
	t.Helper()
	select {
	case <-ss.closed:
	case <-time.After(timeout):
		t.Fatalf("server: session %s not closed after %v", ss.s.ID(), timeout)
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.reason, ss.description
}

// behavior is what the test server does with its sessions.
type behavior struct {
	// onOpen runs in OpenSession; it may send.
	onOpen func(s *engineio.Session)
	// onMessage handles each message; nil echoes it back.
	onMessage func(s *engineio.Session, m engineio.Message)
}

// testServer is an engineio.Server on a loopback port, recording the
// sessions it sees.
type testServer struct {
	eio      *engineio.Server
	http     *listening
	sessions chan *serverSession
}

func startServer(t *testing.T, opts *engineio.Options, b behavior) *testServer {
	t.Helper()
	ts := &testServer{sessions: make(chan *serverSession, 16)}
	ts.eio = engineio.NewServer(engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		ss := &serverSession{s: s, closed: make(chan struct{})}
		select {
		case ts.sessions <- ss:
		default:
			t.Errorf("server: too many sessions")
		}
		if b.onOpen != nil {
			b.onOpen(s)
		}
		return engineio.SessionFuncs{
			Message: func(m engineio.Message) {
				ss.mu.Lock()
				ss.messages = append(ss.messages, serverMessage{Message: m, transport: s.Transport(), upgraded: s.Upgraded()})
				ss.mu.Unlock()
				if b.onMessage != nil {
					b.onMessage(s, m)
				} else if err := s.Send(m); err != nil {
					t.Errorf("server: echo: %v", err)
				}
			},
			Close: func(reason engineio.CloseReason, desc error) {
				ss.mu.Lock()
				ss.reason, ss.description = reason, desc
				ss.transport, ss.upgraded = s.Transport(), s.Upgraded()
				ss.mu.Unlock()
				close(ss.closed)
			},
		}
	}), opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.eio.Close()
		t.Fatal(err)
	}
	ts.http = serve(ln, ts.eio, "/engine.io/")
	t.Cleanup(func() {
		ts.eio.Close()
		ts.http.Close()
	})
	return ts
}

// listening is a server serving on a loopback port through an http.Server
// (h mounted at path).
type listening struct {
	URL      string
	Listener net.Listener
	hs       *httptest.Server
}

func serve(ln net.Listener, h http.Handler, path string) *listening {
	l := &listening{URL: "http://" + ln.Addr().String(), Listener: ln}
	mux := http.NewServeMux()
	mux.Handle(path, h)
	l.hs = httptest.NewUnstartedServer(mux)
	l.hs.Listener.Close()
	l.hs.Listener = ln
	l.hs.Start()
	return l
}

// Close stops serving.
func (l *listening) Close() { l.hs.Close() }

// session waits for the server's next session.
func (ts *testServer) session(t *testing.T) *serverSession {
	t.Helper()
	select {
	case ss := <-ts.sessions:
		return ss
	case <-time.After(5 * time.Second):
		t.Fatal("server: no session opened")
		return nil
	}
}

// clientEvent is one line of the client script's output.
type clientEvent struct {
	Event       string          `json:"event"`
	Transport   string          `json:"transport"`
	Type        string          `json:"type"`
	Length      int             `json:"length"`
	SHA256      string          `json:"sha256"`
	Reason      string          `json:"reason"`
	Description json.RawMessage `json:"description"`
	Error       json.RawMessage `json:"error"`
	OK          bool            `json:"ok"`
	Count       int             `json:"count"`
	InOrder     bool            `json:"inOrder"`
	SentBefore  int             `json:"sentBefore"`

	line string // as printed, for failure output (it has the other fields)
}

func (e clientEvent) String() string { return e.line }

// clientRun is the outcome of one run of the client script.
type clientRun struct {
	events []clientEvent
	stderr string
}

// all returns the events named name.
func (r *clientRun) all(name string) []clientEvent {
	var out []clientEvent
	for _, e := range r.events {
		if e.Event == name {
			out = append(out, e)
		}
	}
	return out
}

// one returns the only event named name.
func (r *clientRun) one(t *testing.T, name string) clientEvent {
	t.Helper()
	evs := r.all(name)
	if len(evs) != 1 {
		t.Fatalf("client: %d %q events, want 1; output:\n%s", len(evs), name, r)
	}
	return evs[0]
}

// index returns the position of the first event named name, or -1.
func (r *clientRun) index(name string) int {
	for i, e := range r.events {
		if e.Event == name {
			return i
		}
	}
	return -1
}

func (r *clientRun) String() string {
	var b strings.Builder
	for _, e := range r.events {
		b.WriteString(e.line)
		b.WriteByte('\n')
	}
	if r.stderr != "" {
		b.WriteString("stderr:\n")
		b.WriteString(r.stderr)
	}
	return b.String()
}

// clientConfig is the JSON config of js/engineio-client.mjs.
type clientConfig struct {
	URL         string        `json:"url"`
	Transports  []string      `json:"transports,omitempty"`
	WaitUpgrade bool          `json:"waitUpgrade,omitempty"`
	Scenario    string        `json:"scenario"`
	Send        []messageSpec `json:"send,omitempty"`
	ServerFirst int           `json:"serverFirst,omitempty"`
	Count       int           `json:"count,omitempty"`
	FreezeMs    int           `json:"freezeMs,omitempty"`
	TimeoutMs   int           `json:"timeoutMs,omitempty"`
}

// messageSpec describes a message the client sends: given text or bytes,
// or Size bytes of generated content (see genText and genBinary).
type messageSpec struct {
	Kind string  `json:"kind"` // "text" or "binary"
	Text *string `json:"text,omitempty"`
	Hex  string  `json:"hex,omitempty"`
	Size *int    `json:"size,omitempty"`
}

func textSpec(s string) messageSpec { return messageSpec{Kind: "text", Text: &s} }
func binarySpec(b []byte) messageSpec {
	return messageSpec{Kind: "binary", Hex: hex.EncodeToString(b)}
}
func genTextSpec(n int) messageSpec   { return messageSpec{Kind: "text", Size: &n} }
func genBinarySpec(n int) messageSpec { return messageSpec{Kind: "binary", Size: &n} }

// message returns the message that spec describes.
func (spec messageSpec) message() engineio.Message {
	switch {
	case spec.Kind == "text" && spec.Size != nil:
		return engineio.Message{Data: genText(*spec.Size)}
	case spec.Kind == "text":
		return engineio.Message{Data: []byte(*spec.Text)}
	case spec.Size != nil:
		return engineio.Message{Data: genBinary(*spec.Size), Binary: true}
	default:
		b, err := hex.DecodeString(spec.Hex)
		if err != nil {
			panic(err)
		}
		return engineio.Message{Data: b, Binary: true}
	}
}

// genText is the client script's generated text: byte i is 'a' + i%26.
func genText(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}

// genBinary is the client script's generated binary: byte i is
// (i*31 + 7) % 251.
func genBinary(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((i*31 + 7) % 251)
	}
	return b
}

// runClient runs js/engineio-client.mjs against ts in mode m and returns
// its events. It fails the test if the script does not end with "done".
func runClient(t *testing.T, ts *testServer, m mode, cfg clientConfig) *clientRun {
	t.Helper()
	requireClient(t, "engine.io-client")
	cfg.URL = ts.http.URL
	cfg.Transports = m.transports
	cfg.WaitUpgrade = m.waitUpgrade
	if cfg.TimeoutMs == 0 {
		cfg.TimeoutMs = 8000
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.TimeoutMs)*time.Millisecond+10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "js/engineio-client.mjs", string(raw))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	run := &clientRun{stderr: stderr.String()}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var ev clientEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("client: bad output line %q: %v\nstderr:\n%s", line, err, run.stderr)
		}
		ev.line = line
		run.events = append(run.events, ev)
	}
	if runErr != nil {
		var ee *exec.ExitError
		if errors.As(runErr, &ee) {
			t.Fatalf("client exited with %v after %v; output:\n%s", runErr, time.Since(start).Round(time.Millisecond), run)
		}
		t.Fatalf("running node: %v", runErr)
	}
	if n := len(run.events); n == 0 || run.events[n-1].Event != "done" {
		t.Fatalf("client did not end with a done event; output:\n%s", run)
	}
	if f := run.all("fatal"); len(f) > 0 {
		t.Fatalf("client failed; output:\n%s", run)
	}
	t.Logf("client ran %v:\n%s", time.Since(start).Round(time.Millisecond), run)
	return run
}

// checkMessage compares what the client reported for a message with want.
func checkMessage(t *testing.T, what string, got clientEvent, want engineio.Message) {
	t.Helper()
	typ := "text"
	if want.Binary {
		typ = "binary"
	}
	sum := sha256.Sum256(want.Data)
	if got.Event != "message" || got.Type != typ || got.Length != len(want.Data) || got.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("client: %s: got %s, want a %s message of %d bytes with SHA-256 %x (%s)", what, got, typ, len(want.Data), sum, short(want))
	}
}

// checkServerMessages compares what the server received with want, and
// checks that each came over transport tr (if not empty).
func checkServerMessages(t *testing.T, got []serverMessage, want []engineio.Message, tr engineio.Transport, upgraded bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("server: received %d messages, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Binary != w.Binary || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("server: message %d: got %s, want %s", i, short(g.Message), short(w))
		}
		if tr != "" && (g.transport != tr || g.upgraded != upgraded) {
			t.Errorf("server: message %d came with transport %s (upgraded %v), want %s (upgraded %v)", i, g.transport, g.upgraded, tr, upgraded)
		}
	}
}

// short describes a message for failure output.
func short(m engineio.Message) string {
	typ := "text"
	if m.Binary {
		typ = "binary"
	}
	if len(m.Data) <= 32 {
		if m.Binary {
			return fmt.Sprintf("%s %x", typ, m.Data)
		}
		return fmt.Sprintf("%s %q", typ, m.Data)
	}
	return fmt.Sprintf("%s of %d bytes", typ, len(m.Data))
}

// checkServerClose waits for the server session's close and checks its
// reason and the transport it was on.
func checkServerClose(t *testing.T, ss *serverSession, want engineio.CloseReason, m mode) {
	t.Helper()
	reason, desc := ss.waitClose(t, 5*time.Second)
	if reason != want {
		t.Errorf("server: session closed with %q (%v), want %q", reason, desc, want)
	}
	ss.mu.Lock()
	tr, up := ss.transport, ss.upgraded
	ss.mu.Unlock()
	if tr != m.final || up != m.upgraded() {
		t.Errorf("server: session closed on transport %s (upgraded %v), want %s (upgraded %v)", tr, up, m.final, m.upgraded())
	}
}

// checkOpen checks the client's open (and upgrade) events for mode m.
func checkOpen(t *testing.T, run *clientRun, m mode) {
	t.Helper()
	open := run.one(t, "open")
	wantOpen := "polling"
	if m.name == "websocket" {
		wantOpen = "websocket"
	}
	if open.Transport != wantOpen {
		t.Errorf("client: opened on %q, want %q", open.Transport, wantOpen)
	}
	ups := run.all("upgrade")
	switch {
	case m.waitUpgrade && (len(ups) != 1 || ups[0].Transport != "websocket"):
		t.Errorf("client: upgrade events %v, want one to websocket", ups)
	case !m.waitUpgrade && len(ups) != 0:
		t.Errorf("client: unexpected upgrade events %v", ups)
	}
	if errs := run.all("upgradeError"); len(errs) > 0 {
		t.Errorf("client: upgrade errors: %v", errs)
	}
}

// description decodes a close or error description from the client.
func description(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var d map[string]any
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("client: description %s is not an object: %v", raw, err)
	}
	return d
}
