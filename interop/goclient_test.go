package interop

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/client"
	eio "github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/parser"
	"github.com/ab218a8d/socketio/parser/msgpack"
)

// The tests in this file run the Go client (package client) against the
// official socket.io server (js/sioserver.mjs, see nodeserver_test.go),
// in each transport mode, and check what each side saw.

// gcWait bounds every wait of these tests.
const gcWait = 15 * time.Second

// gcMode is a way for the Go client to reach the server.
type gcMode struct {
	name       string
	transports []string // Engine.Transports; nil: the default, polling then upgrade
	first      string   // the transport the connection opens with
	final      string   // the transport it ends up on
}

var gcModes = []gcMode{
	{name: "polling", transports: []string{eio.Polling}, first: eio.Polling, final: eio.Polling},
	{name: "websocket", transports: []string{eio.WebSocket}, first: eio.WebSocket, final: eio.WebSocket},
	{name: "default", first: eio.Polling, final: eio.WebSocket},
}

// gcRun runs f in each mode, the modes in parallel, each with a node
// server of its own.
func gcRun(t *testing.T, f func(t *testing.T, m gcMode, srv *nodeServer)) {
	gcRunWith(t, nodeServerConfig{}, f)
}

// gcRunWith is gcRun with the servers configured by cfg.
func gcRunWith(t *testing.T, cfg nodeServerConfig, f func(t *testing.T, m gcMode, srv *nodeServer)) {
	for _, m := range gcModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			f(t, m, startNodeServer(t, cfg))
		})
	}
}

// gcOptions are the client's options in mode m, with short reconnection
// delays.
func gcOptions(m gcMode) *client.Options {
	return &client.Options{
		ReconnectionDelay:    100 * time.Millisecond,
		ReconnectionDelayMax: 500 * time.Millisecond,
		Engine:               eio.Options{Transports: m.transports},
	}
}

// gcParser is the parser of a test's node server and of its Go client.
type gcParser struct {
	server nodeServerConfig
	client parser.Parser // nil: the default
}

var (
	gcDefault = gcParser{}
	// gcMsgpack is socket.io-msgpack-parser on the server and
	// parser/msgpack on the client.
	gcMsgpack = gcParser{server: nodeServerConfig{Parser: "msgpack"}, client: &msgpack.Parser{}}
)

// options are gcOptions with the parser.
func (p gcParser) options(m gcMode) *client.Options {
	o := gcOptions(m)
	o.Parser = p.client
	return o
}

// gcManager makes a Manager for srv. The test closes it with gcClose; a
// cleanup closes it too, should the test end early.
func gcManager(t *testing.T, srv *nodeServer, o *client.Options) *client.Manager {
	t.Helper()
	mgr, err := client.NewManager(srv.URL(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Close() })
	return mgr
}

// gcCtx is the test's context, ended after gcWait: the context of its
// Connect and EmitWithAck calls.
func gcCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), gcWait)
	t.Cleanup(cancel)
	return ctx
}

var gcSeq atomic.Int64

// gcSync returns once the server printed the lines of everything s sent
// before: it sends a marker ("engine", acknowledged, with an argument of
// its own) and waits for the server's line about it, which comes after
// theirs.
func gcSync(t *testing.T, srv *nodeServer, s *client.Socket) {
	t.Helper()
	marker := fmt.Sprintf("sync-%d", gcSeq.Add(1))
	if _, err := s.EmitWithAck(gcCtx(t), "engine", marker); err != nil {
		t.Fatalf("%s: sync: %v", s.Namespace(), err)
	}
	srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool {
		return ev.Event == "received" && ev.Name == "engine" && ev.ID == s.ID() && strings.Contains(string(ev.Args), `"`+marker+`"`)
	})
}

// gcConnect connects s, within gcWait.
func gcConnect(t *testing.T, s *client.Socket) {
	t.Helper()
	if err := s.Connect(gcCtx(t)); err != nil {
		t.Fatalf("connecting to %s: %v", s.Namespace(), err)
	}
	if !s.Connected() || s.ID() == "" {
		t.Fatalf("%s: Connect returned, but connected %v, id %q", s.Namespace(), s.Connected(), s.ID())
	}
}

// gcClose closes mgr and waits until its connection's goroutines ended.
func gcClose(t *testing.T, mgr *client.Manager) {
	t.Helper()
	e := mgr.Engine()
	mgr.Close()
	if mgr.Engine() != nil {
		t.Errorf("Manager.Close: the Manager still has a connection")
	}
	if e == nil {
		return
	}
	select {
	case <-e.Done():
	case <-time.After(gcWait):
		t.Errorf("Manager.Close: the connection's goroutines still run after %v", gcWait)
	}
}

// gcUntil polls cond until it holds, and fails the test after gcWait.
func gcUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(gcWait); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, gcWait)
		}
	}
}

// gcStays checks that cond holds all along d.
func gcStays(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !cond() {
			t.Fatalf("%s: no longer so after %v", what, d-time.Until(deadline))
		}
	}
}

// gcRecorder collects what the client's handlers see.
type gcRecorder[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{}
}

func newGCRecorder[T any]() *gcRecorder[T] {
	return &gcRecorder[T]{changed: make(chan struct{})}
}

func (r *gcRecorder[T]) add(v T) {
	r.mu.Lock()
	r.items = append(r.items, v)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

func (r *gcRecorder[T]) all() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.items)
}

// wait returns everything recorded once there are at least n items; it
// fails the test after gcWait.
func (r *gcRecorder[T]) wait(t *testing.T, n int, what string) []T {
	t.Helper()
	deadline := time.NewTimer(gcWait)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		items, changed := slices.Clone(r.items), r.changed
		r.mu.Unlock()
		if len(items) >= n {
			return items
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("%d %s within %v, want %d: %v", len(items), what, gcWait, n, items)
		}
	}
}

// gcNode is v in the form the node server prints: []byte as
// {"$binary": base64}, at any depth.
func gcNode(v any) any {
	switch v := v.(type) {
	case []byte:
		return map[string]any{"$binary": base64.StdEncoding.EncodeToString(v)}
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = gcNode(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = gcNode(x)
		}
		return out
	}
	return v
}

// gcSameNode tells whether the node server's JSON raw holds want.
func gcSameNode(t *testing.T, raw json.RawMessage, want any) bool {
	t.Helper()
	b, err := json.Marshal(gcNode(want))
	if err != nil {
		t.Fatal(err)
	}
	return sameJSON(t, raw, string(b))
}

// gcValues decodes args into Go values ([]byte for binary, float64 for
// numbers).
func gcValues(t *testing.T, args client.Args) []any {
	t.Helper()
	v, err := args.Values()
	if err != nil {
		t.Fatalf("decoding %s: %v", gcJSON(args), err)
	}
	return v
}

func gcJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// gcCheckValues checks that args decode into want.
func gcCheckValues(t *testing.T, what string, args client.Args, want []any) {
	t.Helper()
	if got := gcValues(t, args); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %#v, want %#v", what, got, want)
	}
}

// gcReceived returns the "received" lines of event name in namespace nsp,
// of the server's run.
func gcReceived(srv *nodeServer, run int, nsp, name string) []nodeEvent {
	var out []nodeEvent
	for _, ev := range srv.Events() {
		if ev.Event == "received" && ev.Run == run && ev.Nsp == nsp && ev.Name == name {
			out = append(out, ev)
		}
	}
	return out
}

// gcCount counts the server's lines that match.
func gcCount(srv *nodeServer, match func(nodeEvent) bool) int {
	n := 0
	for _, ev := range srv.Events() {
		if match(ev) {
			n++
		}
	}
	return n
}

// gcFirstArgs decodes the first argument of each line's args.
func gcFirstArgs[T any](t *testing.T, evs []nodeEvent) []T {
	t.Helper()
	out := make([]T, 0, len(evs))
	for _, ev := range evs {
		var args []T
		if err := json.Unmarshal(ev.Args, &args); err != nil || len(args) == 0 {
			t.Fatalf("line %s: args are not a list of %T (%v)", ev, *new(T), err)
		}
		out = append(out, args[0])
	}
	return out
}

// engineInfo is the server's reply to "engine".
type engineInfo struct {
	ClientsCount int    `json:"clientsCount"`
	EngineID     string `json:"engineId"`
	Transport    string `json:"transport"`
}

func gcEngine(t *testing.T, s *client.Socket) engineInfo {
	t.Helper()
	args, err := s.EmitWithAck(gcCtx(t), "engine")
	if err != nil {
		t.Fatalf("%s: engine: %v", s.Namespace(), err)
	}
	var info engineInfo
	if err := args.Decode(0, &info); err != nil {
		t.Fatalf("%s: engine: %s: %v", s.Namespace(), gcJSON(args), err)
	}
	return info
}

// Two namespaces over one Engine.IO connection; auth and query reach the
// server; the /private middleware's refusal.
func TestGoClientNamespacesAndAuth(t *testing.T) { testGoClientNamespacesAndAuth(t, gcDefault) }

func testGoClientNamespacesAndAuth(t *testing.T, p gcParser) {
	gcRunWith(t, p.server, func(t *testing.T, m gcMode, srv *nodeServer) {
		o := p.options(m)
		o.Engine.Query = url.Values{"q": {"v"}}
		o.Engine.Header = http.Header{"X-Interop": {"go"}}
		mgr := gcManager(t, srv, o)
		auths := map[string]map[string]any{
			"/":       {"token": "t-root", "n": 1.0},
			"/custom": {"token": "t-custom", "list": []any{"a", true}},
		}
		root := mgr.Socket("/", &client.SocketOptions{Auth: auths["/"]})
		custom := mgr.Socket("/custom", &client.SocketOptions{Auth: auths["/custom"]})
		gcConnect(t, root)
		gcConnect(t, custom)
		if root.ID() == custom.ID() {
			t.Errorf("both sockets have id %s", root.ID())
		}
		engineID := mgr.Engine().ID()

		for _, s := range []*client.Socket{root, custom} {
			nsp := s.Namespace()
			ev := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.Nsp == nsp })
			var query map[string]string
			json.Unmarshal(ev.Query, &query)
			// In the default mode the upgrade may be over before CONNECT.
			if ev.ID != s.ID() || ev.EngineID != engineID || !gcSameNode(t, ev.Auth, auths[nsp]) || query["q"] != "v" || query["EIO"] != "4" || ev.Transport != m.first && ev.Transport != m.final {
				t.Errorf("connection line %s, want socket %s of engine %s over %s, auth %s, query q=v and EIO=4", ev, s.ID(), engineID, m.first, gcJSON(auths[nsp]))
			}
			// One engine session for both namespaces.
			if info := gcEngine(t, s); info.EngineID != engineID || info.ClientsCount != 1 {
				t.Errorf("%s: engine %+v, want engine %s with 1 client", nsp, info, engineID)
			}
			args, err := s.EmitWithAck(gcCtx(t), "handshake")
			if err != nil {
				t.Fatalf("%s: handshake: %v", nsp, err)
			}
			var hs struct {
				Auth    map[string]any    `json:"auth"`
				Query   map[string]string `json:"query"`
				Headers map[string]string `json:"headers"`
			}
			if err := args.Decode(0, &hs); err != nil {
				t.Fatalf("%s: handshake %s: %v", nsp, gcJSON(args), err)
			}
			if !reflect.DeepEqual(hs.Auth, auths[nsp]) || hs.Query["q"] != "v" || hs.Headers["x-interop"] != "go" {
				t.Errorf("%s: handshake %s, want auth %s, query q=v, header x-interop: go", nsp, gcJSON(args), gcJSON(auths[nsp]))
			}
		}
		if n := gcCount(srv, func(ev nodeEvent) bool { return ev.Event == "engineOpen" }); n != 1 {
			t.Errorf("the server saw %d engine sessions, want 1:\n%s", n, srv.dump(0))
		}

		// The /private middleware refuses a bad token: Connect fails with
		// its error and data, and the socket does not try again.
		var authCalls atomic.Int32
		priv := mgr.Socket("/private", &client.SocketOptions{AuthFunc: func() any {
			authCalls.Add(1)
			return map[string]any{"token": "nope"}
		}})
		connErrs := newGCRecorder[error]()
		priv.OnConnectError(connErrs.add)
		err := priv.Connect(gcCtx(t))
		var ce *client.ConnectError
		if !errors.As(err, &ce) {
			t.Fatalf("Connect to /private with a bad token: %v (%T), want a *client.ConnectError", err, err)
		}
		if ce.Message != "not authorized" || !sameJSON(t, ce.Data, `{"reason":"bad token","token":"nope"}`) {
			t.Errorf("ConnectError %q with data %s, want \"not authorized\" with {reason: bad token, token: nope}", ce.Message, ce.Data)
		}
		if got := connErrs.wait(t, 1, "connect errors")[0]; got != error(ce) {
			t.Errorf("OnConnectError got %v, want the error Connect returned", got)
		}
		ev := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "rejected" })
		if ev.Nsp != "/private" || ev.EngineID != engineID || !sameJSON(t, ev.Auth, `{"token":"nope"}`) {
			t.Errorf("rejected line %s, want /private over engine %s with auth {token: nope}", ev, engineID)
		}
		if priv.Active() || priv.Connected() {
			t.Errorf("after the refusal: active %v, connected %v", priv.Active(), priv.Connected())
		}
		rejected := func(ev nodeEvent) bool { return ev.Event == "rejected" }
		gcStays(t, 1500*time.Millisecond, "one refusal, no retry", func() bool {
			return gcCount(srv, rejected) == 1 && authCalls.Load() == 1 && len(connErrs.all()) == 1
		})
		// The other namespaces are not disturbed.
		if !root.Connected() || !custom.Connected() || mgr.Engine() == nil || mgr.Engine().ID() != engineID {
			t.Errorf("after the refusal: / connected %v, /custom connected %v, engine %v (was %s)", root.Connected(), custom.Connected(), mgr.Engine(), engineID)
		}
		if args, err := custom.EmitWithAck(gcCtx(t), "echo", "still there"); err != nil {
			t.Errorf("/custom after the refusal: %v", err)
		} else {
			gcCheckValues(t, "/custom echo after the refusal", args, []any{"still there"})
		}

		// A namespace the server does not have is refused too, without
		// data.
		err = mgr.Socket("/nope", nil).Connect(gcCtx(t))
		if !errors.As(err, &ce) || ce.Message != "Invalid namespace" || ce.Data != nil {
			t.Errorf("Connect to /nope: %v, want a *client.ConnectError \"Invalid namespace\" without data", err)
		}

		// The right token is let in.
		o2 := p.options(m)
		o2.Auth = map[string]any{"token": "secret"}
		o2.NoAutoConnect = true
		mgr2 := gcManager(t, srv, o2)
		priv2 := mgr2.Socket("/private", &o2.SocketOptions)
		gcConnect(t, priv2)
		ev = srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.Nsp == "/private" })
		if ev.ID != priv2.ID() || ev.EngineID != mgr2.Engine().ID() || !sameJSON(t, ev.Auth, `{"token":"secret"}`) {
			t.Errorf("connection line %s, want socket %s with auth {token: secret}", ev, priv2.ID())
		}
		if info := gcEngine(t, priv2); info.ClientsCount != 2 || info.EngineID == engineID {
			t.Errorf("second Manager: engine %+v, want a second engine session", info)
		}
		gcClose(t, mgr2)
		gcClose(t, mgr)
	})
}

// Emits and acknowledgements both ways, with binary at any depth.
func TestGoClientEmitsAndAcks(t *testing.T) { testGoClientEmitsAndAcks(t, gcDefault) }

func testGoClientEmitsAndAcks(t *testing.T, p gcParser) {
	gcRunWith(t, p.server, func(t *testing.T, m gcMode, srv *nodeServer) {
		mgr := gcManager(t, srv, p.options(m))
		s := mgr.Socket("/", nil)
		echoes := newGCRecorder[*client.Event]()
		s.On("echo", echoes.add)
		binaries := newGCRecorder[*client.Event]()
		s.On("binary", binaries.add)
		answers := newGCRecorder[*client.Event]()
		s.On("answer", answers.add)
		questions := newGCRecorder[*client.Event]()
		discs := newGCRecorder[gcDisc]()
		s.OnDisconnect(func(r client.DisconnectReason, err error) { discs.add(gcDisc{r, err, s.Active()}) })
		reply := []any{[]byte{9, 8, 7}, "reply", map[string]any{"b": []byte{6}, "s": "x"}}
		s.On("question", func(e *client.Event) {
			questions.add(e)
			if err := e.Ack(reply...); err != nil {
				t.Errorf("acknowledging question: %v", err)
			}
		})
		gcConnect(t, s)

		big := make([]byte, 200<<10)
		for i := range big {
			big[i] = byte(i * 7)
		}
		args := []any{
			map[string]any{
				"bin":  []byte{1, 2, 3},
				"list": []any{"a", []byte("b"), map[string]any{"deep": []byte{255, 0}}},
				"n":    1.5,
			},
			[]byte{0, 1, 2, 255},
			"str",
			"unicode: é ✓ 😀 \u2028 \"quoted\" \\",
			42.0,
			[]any{[]byte{}, nil, false},
			big,
		}

		// Without an acknowledgement the server emits "echo" back.
		if err := s.Emit("echo", args...); err != nil {
			t.Fatal(err)
		}
		ev := echoes.wait(t, 1, "echo events")[0]
		gcCheckValues(t, "echo event", ev.Args, args)
		if ev.WantsAck() {
			t.Errorf("the echo event asks for an acknowledgement")
		}
		var typed struct {
			Bin  []byte
			List []any
		}
		if err := ev.Decode(0, &typed); err != nil || string(typed.Bin) != "\x01\x02\x03" || len(typed.List) != 3 {
			t.Errorf("echo event into a struct: %+v, %v", typed, err)
		}
		rcv := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "received" && ev.Name == "echo" })
		if rcv.ID != s.ID() || rcv.Ack || !gcSameNode(t, rcv.Args, args) {
			t.Errorf("received line %s, want the arguments sent, no ack", shortLine(rcv.Line))
		}

		// With one, the server acknowledges with the arguments.
		ack, err := s.EmitWithAck(gcCtx(t), "echo", args...)
		if err != nil {
			t.Fatalf("EmitWithAck echo: %v", err)
		}
		gcCheckValues(t, "echo acknowledgement", ack, args)
		gcSync(t, srv, s)
		rcvs := gcReceived(srv, 0, "/", "echo")
		if len(rcvs) != 2 || !rcvs[1].Ack || !gcSameNode(t, rcvs[1].Args, args) {
			t.Errorf("the server received %d echo events, want 2, the second with an ack", len(rcvs))
		}
		acks := newGCRecorder[client.Args]()
		s.Emit("echo", "cb", []byte{7}, client.AckHandler(func(a client.Args, err error) {
			if err != nil {
				t.Errorf("echo AckHandler: %v", err)
			}
			acks.add(a)
		}))
		gcCheckValues(t, "echo AckHandler", acks.wait(t, 1, "acknowledgements")[0], []any{"cb", []byte{7}})
		if n := len(echoes.all()); n != 1 {
			t.Errorf("%d echo events, want 1: acknowledged emits were echoed too", n)
		}

		// The server sends binary.
		if _, err := s.EmitWithAck(gcCtx(t), "emit-binary"); err != nil {
			t.Fatalf("emit-binary: %v", err)
		}
		gcCheckValues(t, "binary event", binaries.wait(t, 1, "binary events")[0].Args, []any{
			map[string]any{"a": []byte{1, 2, 3}, "list": []any{[]byte("xyz"), 7.0}},
			[]byte{0, 255},
		})

		// The server asks the client, which acknowledges with binary.
		if err := s.Emit("ask", "what?", map[string]any{"b": []byte{1, 2}}); err != nil {
			t.Fatal(err)
		}
		q := questions.wait(t, 1, "questions")[0]
		if !q.WantsAck() {
			t.Errorf("the question asks for no acknowledgement")
		}
		gcCheckValues(t, "question", q.Args, []any{"what?", map[string]any{"b": []byte{1, 2}}})
		gcCheckValues(t, "answer", answers.wait(t, 1, "answers")[0].Args, reply)

		// A burst of large binary events: over long-polling they take more
		// than one POST, each under the server's maxHttpBufferSize (1 MB)
		// counted with binary in base64.
		chunk := func(i int) []byte { return bytes.Repeat([]byte{byte(i + 1)}, 240<<10) }
		const large = 8
		for i := range large {
			if err := s.Emit("ordered", i, chunk(i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.EmitWithAck(gcCtx(t), "ordered", "after the burst"); err != nil {
			t.Fatalf("after the burst of large events: %v; disconnects: %v", err, discs.all())
		}
		gcSync(t, srv, s)
		burst := gcReceived(srv, 0, "/", "ordered")
		if len(burst) != large+1 {
			t.Fatalf("the server received %d of the %d large events and the one after", len(burst), large+1)
		}
		for i, ev := range burst[:large] {
			if !gcSameNode(t, ev.Args, []any{float64(i), chunk(i)}) {
				t.Errorf("large event %d: the server received %s", i, shortLine(ev.Line))
			}
		}

		// The server's emitWithAck, by command.
		done := srv.Command(t, map[string]any{"cmd": "emitWithAck", "nsp": "/", "id": s.ID(), "event": "question",
			"args": []any{"cmd?", nodeBinary([]byte{5, 6})}, "timeout": 5000})
		if done.Reason != "" || !gcSameNode(t, done.Args, reply) {
			t.Errorf("the server's emitWithAck got %s, want the reply %s", done.Line, gcJSON(gcNode(reply)))
		}
		gcCheckValues(t, "question by command", questions.wait(t, 2, "questions")[1].Args, []any{"cmd?", []byte{5, 6}})

		// A broadcast by command.
		// A broadcast by command; its handler waits for the server.
		news := newGCRecorder[*client.Event]()
		fromHandler := newGCRecorder[client.Args]()
		s.On("news", func(e *client.Event) {
			news.add(e)
			args, err := s.EmitWithAck(gcCtx(t), "echo", "from a handler", e.Args)
			if err != nil {
				t.Errorf("EmitWithAck in a handler: %v", err)
			}
			fromHandler.add(args)
		})
		srv.Command(t, map[string]any{"cmd": "emit", "nsp": "/", "event": "news", "args": []any{"hi", nodeBinary([]byte{0xca, 0xfe})}})
		gcCheckValues(t, "news", news.wait(t, 1, "news")[0].Args, []any{"hi", []byte{0xca, 0xfe}})
		gcCheckValues(t, "EmitWithAck in a handler", fromHandler.wait(t, 1, "acknowledgements in a handler")[0], []any{"from a handler", "hi", []byte{0xca, 0xfe}})

		// An acknowledgement that does not come: the first try of a
		// flaky value goes unanswered.
		start := time.Now()
		if _, err := s.Timeout(300*time.Millisecond).EmitWithAck(gcCtx(t), "flaky", "never"); !errors.Is(err, client.ErrTimeout) || time.Since(start) < 300*time.Millisecond {
			t.Errorf("EmitWithAck of an event left unacknowledged: %v after %v, want ErrTimeout after 300ms", err, time.Since(start))
		}
		if got := discs.all(); len(got) != 0 {
			t.Errorf("disconnects %v", got)
		}

		// Close while a handler runs and events wait for it: only that
		// handler finishes.
		gate := make(chan struct{})
		slow := newGCRecorder[int]()
		s.On("slow", client.Typed(func(_ *client.Event, v int) {
			slow.add(v)
			<-gate
		}))
		for i := range 5 {
			srv.Command(t, map[string]any{"cmd": "emit", "nsp": "/", "event": "slow", "args": []any{i}})
		}
		slow.wait(t, 1, "slow events")
		gcSync(t, srv, s) // the events that wait were read meanwhile
		gcClose(t, mgr)
		close(gate)
		gcStays(t, 300*time.Millisecond, "only the running handler", func() bool { return len(slow.all()) == 1 })
	})
}

// The connection opens with the mode's first transport and, by default,
// upgrades to WebSocket; events emitted meanwhile arrive in order.
func TestGoClientUpgrade(t *testing.T) {
	gcRun(t, func(t *testing.T, m gcMode, srv *nodeServer) {
		mgr := gcManager(t, srv, gcOptions(m))
		s := mgr.Socket("/", nil)
		acked := newGCRecorder[int]()
		// Events go out from the first Emit (which connects the socket)
		// until the socket is connected and the connection is on its
		// final transport, and a few after: in the default mode, before,
		// during and after the upgrade. The pause paces them, it
		// synchronizes nothing.
		n := 0
		emit := func() {
			i := n
			n++
			if err := s.Emit("ordered", i, client.AckHandler(func(_ client.Args, err error) {
				if err != nil {
					t.Errorf("ordered %d: %v", i, err)
				}
				acked.add(i)
			})); err != nil {
				t.Fatal(err)
			}
		}
		for deadline := time.Now().Add(gcWait); n < 20 || !s.Connected() || mgr.Engine() == nil || mgr.Engine().Transport() != m.final; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("after %v: connected %v, engine %v, want connected on %s (the first Emit connects)", gcWait, s.Connected(), mgr.Engine(), m.final)
			}
			emit()
		}
		for range 10 {
			emit()
		}
		e := mgr.Engine()
		engineID := e.ID()
		open := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "engineOpen" })
		if open.EngineID != engineID || open.Transport != m.first {
			t.Errorf("engineOpen line %s, want engine %s over %s", open, engineID, m.first)
		}
		if m.final != m.first {
			up := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "upgrade" })
			if up.EngineID != engineID || up.Transport != eio.WebSocket {
				t.Errorf("upgrade line %s, want engine %s to websocket", up, engineID)
			}
			gcUntil(t, "upgrade on the client", func() bool { return e.Transport() == eio.WebSocket })
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		if got := acked.wait(t, n, "acknowledgements"); !slices.Equal(got, want) {
			t.Errorf("acknowledgements in the order %v, want 0..%d", got, n-1)
		}
		gcSync(t, srv, s)
		if got := gcFirstArgs[int](t, gcReceived(srv, 0, "/", "ordered")); !slices.Equal(got, want) {
			t.Errorf("the server received %v, want 0..%d once each, in order", got, n-1)
		}
		if m.final != m.first {
			before := 0
			for _, ev := range srv.Events() {
				if ev.Event == "upgrade" {
					break
				}
				if ev.Event == "received" && ev.Name == "ordered" {
					before++
				}
			}
			t.Logf("%d events received before the upgrade, %d after", before, n-before)
		}
		info := gcEngine(t, s)
		if info.Transport != m.final || e.Transport() != m.final || info.EngineID != engineID || mgr.Engine() != e {
			t.Errorf("engine %+v, client on %s, want engine %s on %s", info, e.Transport(), engineID, m.final)
		}
		if n := gcCount(srv, func(ev nodeEvent) bool { return ev.Event == "upgrade" }); m.final == m.first && n != 0 {
			t.Errorf("%d upgrades in mode %s", n, m.name)
		}
		gcClose(t, mgr)
		ev := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "engineClose" })
		if ev.EngineID != engineID || ev.Reason != "transport close" && ev.Reason != "forced close" {
			t.Errorf("engineClose line %s, want the client's close", ev)
		}
	})
}

// gcDisc is what a disconnect handler saw.
type gcDisc struct {
	reason client.DisconnectReason
	err    error
	active bool
}

func (d gcDisc) String() string { return fmt.Sprintf("%v (%v), active %v", d.reason, d.err, d.active) }

// The server dies and comes back: the socket reconnects by itself with
// the backoff, and what it emitted meanwhile is sent then, in order.
func TestGoClientReconnect(t *testing.T) {
	gcRun(t, func(t *testing.T, m gcMode, srv *nodeServer) {
		var authCalls atomic.Int32
		mgr := gcManager(t, srv, gcOptions(m))
		s := mgr.Socket("/", &client.SocketOptions{AuthFunc: func() any {
			return map[string]any{"call": authCalls.Add(1)}
		}})
		type stamped struct {
			n  int
			at time.Time
		}
		attempts := newGCRecorder[stamped]()
		mgr.OnReconnectAttempt(func(n int) { attempts.add(stamped{n, time.Now()}) })
		reconnects := newGCRecorder[int]()
		mgr.OnReconnect(reconnects.add)
		reconnectErrs := newGCRecorder[error]()
		mgr.OnReconnectError(reconnectErrs.add)
		discs := newGCRecorder[gcDisc]()
		s.OnDisconnect(func(r client.DisconnectReason, err error) { discs.add(gcDisc{r, err, s.Active()}) })
		connects := newGCRecorder[string]()
		s.OnConnect(func() { connects.add(s.ID()) })
		custom := mgr.Socket("/custom", nil)
		customConnects := newGCRecorder[string]()
		custom.OnConnect(func() { customConnects.add(custom.ID()) })
		gcConnect(t, s)
		gcConnect(t, custom)
		firstID, firstEngine := s.ID(), mgr.Engine().ID()
		if m.final != m.first {
			srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "upgrade" })
		}
		if _, err := s.EmitWithAck(gcCtx(t), "echo", "before"); err != nil {
			t.Fatal(err)
		}

		srv.Kill()
		d := discs.wait(t, 1, "disconnects")[0]
		if d.reason != client.ReasonTransportClose && d.reason != client.ReasonTransportError || !d.active {
			t.Fatalf("disconnect %v, want transport close or transport error, active", d)
		}
		if !s.Active() || s.Connected() {
			t.Errorf("after the server died: active %v, connected %v, want active, disconnected", s.Active(), s.Connected())
		}
		// Emitted while the server is down: buffered.
		acked := newGCRecorder[int]()
		for i := range 10 {
			if i%2 == 0 {
				s.Emit("ordered", i)
				continue
			}
			s.Emit("ordered", i, client.AckHandler(func(_ client.Args, err error) {
				if err != nil {
					t.Errorf("ordered %d: %v", i, err)
				}
				acked.add(i)
			}))
		}
		// The Manager keeps trying meanwhile.
		attempts.wait(t, 2, "reconnection attempts")
		reconnectErrs.wait(t, 1, "reconnection errors")
		if len(reconnects.all()) != 0 || len(connects.all()) != 1 {
			t.Fatalf("reconnected while the server is down")
		}

		srv.Restart()
		n := reconnects.wait(t, 1, "reconnections")[0]
		ids := connects.wait(t, 2, "connections")
		as := attempts.all()
		for i, a := range as {
			if a.n != i+1 {
				t.Errorf("attempt %d numbered %d", i+1, a.n)
			}
			// Each wait is at most ReconnectionDelayMax (500 ms), plus the
			// failed attempt before it; the slack is the race detector's.
			if i > 0 && a.at.Sub(as[i-1].at) > 1500*time.Millisecond {
				t.Errorf("attempt %d came %v after the one before", a.n, a.at.Sub(as[i-1].at))
			}
		}
		if n != len(as) {
			t.Errorf("OnReconnect told %d attempts; %d were made", n, len(as))
		}
		if len(reconnectErrs.all()) != len(as)-1 {
			t.Errorf("%d reconnection errors for %d attempts, want one for each failed attempt", len(reconnectErrs.all()), len(as))
		}
		if ids[1] == "" || ids[1] == firstID || s.ID() != ids[1] || !s.Connected() {
			t.Errorf("after the reconnection: ids %v, now %q, connected %v", ids, s.ID(), s.Connected())
		}
		newEngine := mgr.Engine().ID()
		if newEngine == firstEngine {
			t.Errorf("the same engine id %s after the restart", newEngine)
		}
		ev := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.Run == 1 && ev.Nsp == "/" })
		if ev.ID != s.ID() || ev.EngineID != newEngine || !sameJSON(t, ev.Auth, `{"call":2}`) {
			t.Errorf("connection line %s after the restart, want socket %s of engine %s, auth {call: 2} (AuthFunc called again)", ev, s.ID(), newEngine)
		}
		// /custom came back too, over the same new connection.
		customConnects.wait(t, 2, "connections of /custom")
		ev = srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.Run == 1 && ev.Nsp == "/custom" })
		if ev.ID != custom.ID() || ev.EngineID != newEngine || !custom.Connected() {
			t.Errorf("connection line %s after the restart, want socket %s of engine %s", ev, custom.ID(), newEngine)
		}
		if n := gcCount(srv, func(ev nodeEvent) bool { return ev.Event == "engineOpen" && ev.Run == 1 }); n != 1 {
			t.Errorf("%d engine sessions after the restart, want 1", n)
		}
		if m.final != m.first {
			ev := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "upgrade" && ev.Run == 1 })
			if ev.EngineID != newEngine {
				t.Errorf("upgrade line %s after the restart, want engine %s", ev, newEngine)
			}
		}
		gcUntil(t, "the new connection on "+m.final, func() bool { e := mgr.Engine(); return e != nil && e.Transport() == m.final })

		// Events flow again; the buffered ones came first, once each.
		args, err := s.EmitWithAck(gcCtx(t), "echo", "after", []byte{1})
		if err != nil {
			t.Fatalf("echo after the reconnection: %v", err)
		}
		gcCheckValues(t, "echo after the reconnection", args, []any{"after", []byte{1}})
		gcSync(t, srv, s)
		if got := gcFirstArgs[int](t, gcReceived(srv, 1, "/", "ordered")); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Errorf("after the restart the server received ordered %v, want 0..9 once each, in order", got)
		}
		if got := acked.wait(t, 5, "acknowledgements"); !slices.Equal(got, []int{1, 3, 5, 7, 9}) {
			t.Errorf("acknowledgements %v, want 1 3 5 7 9", got)
		}
		if got := gcReceived(srv, 0, "/", "ordered"); len(got) != 0 {
			t.Errorf("the dead server received %d ordered events", len(got))
		}
		news := newGCRecorder[*client.Event]()
		s.On("news", news.add)
		srv.Command(t, map[string]any{"cmd": "emit", "nsp": "/", "event": "news", "args": []any{"back"}})
		gcCheckValues(t, "news after the reconnection", news.wait(t, 1, "news")[0].Args, []any{"back"})
		if got := discs.all(); len(got) != 1 {
			t.Errorf("disconnects %v, want one", got)
		}
		gcClose(t, mgr)
		if got := discs.wait(t, 2, "disconnects")[1]; got.reason != client.ReasonForcedClose || got.active {
			t.Errorf("after Manager.Close: %v, want forced close, inactive", got)
		}

		// Connect opens the Manager again. The server dies again, and
		// the Manager is closed while it waits to reconnect: it stops.
		gcConnect(t, s)
		srv.Kill()
		if got := discs.wait(t, 3, "disconnects")[2]; got.reason != client.ReasonTransportClose && got.reason != client.ReasonTransportError || !got.active {
			t.Errorf("second death: %v, want transport close or transport error, active", got)
		}
		tried := len(attempts.wait(t, len(as)+1, "reconnection attempts"))
		mgr.Close()
		gcStays(t, time.Second, "no attempt after Manager.Close", func() bool {
			return len(attempts.all()) == tried && mgr.Engine() == nil && !s.Active() && !s.Connected()
		})
	})
}

// With Retries every emit reaches the server at least once, in order,
// though the server leaves the first try of each unacknowledged. The
// server pings every 250 ms meanwhile: the client answers them all.
func TestGoClientRetries(t *testing.T) {
	cfg := nodeServerConfig{PingInterval: 250 * time.Millisecond, PingTimeout: time.Second}
	gcRunWith(t, cfg, func(t *testing.T, m gcMode, srv *nodeServer) {
		mgr := gcManager(t, srv, gcOptions(m))
		s := mgr.Socket("/", &client.SocketOptions{Retries: 3, AckTimeout: 500 * time.Millisecond})
		discs := newGCRecorder[gcDisc]()
		s.OnDisconnect(func(r client.DisconnectReason, err error) { discs.add(gcDisc{r, err, s.Active()}) })
		gcConnect(t, s)
		if hs := mgr.Engine().Handshake(); hs.PingInterval != cfg.PingInterval || hs.PingTimeout != cfg.PingTimeout {
			t.Errorf("handshake %+v, want the server's ping interval and timeout", hs)
		}
		engineID := mgr.Engine().ID()
		type result struct {
			want, got int
			err       error
		}
		results := newGCRecorder[result]()
		for i := range 5 {
			s.Emit("flaky", i, client.AckHandler(func(a client.Args, err error) {
				r := result{want: i, got: -1, err: err}
				if err == nil {
					if derr := a.Decode(0, &r.got); derr != nil {
						r.err = derr
					}
				}
				results.add(r)
			}))
		}
		for i, r := range results.wait(t, 5, "acknowledgements") {
			if r.want != i || r.got != i || r.err != nil {
				t.Errorf("acknowledgement %d: %+v, want %d without error", i, r, i)
			}
		}
		// EmitWithAck goes through the same queue.
		args, err := s.EmitWithAck(gcCtx(t), "flaky", 5)
		if err != nil {
			t.Fatalf("EmitWithAck flaky 5: %v", err)
		}
		gcCheckValues(t, "flaky 5", args, []any{5.0})
		gcSync(t, srv, s)
		evs := gcReceived(srv, 0, "/", "flaky")
		if got := gcFirstArgs[int](t, evs); !slices.Equal(got, []int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}) {
			t.Errorf("the server received flaky %v, want each of 0..5 twice, in order", got)
		}
		for _, ev := range evs {
			if !ev.Ack || ev.ID != s.ID() {
				t.Errorf("received line %s: want an ack asked, from %s", ev, s.ID())
			}
		}
		// Over 3 s of pings every 250 ms, the connection held.
		if got := discs.all(); len(got) != 0 || mgr.Engine() == nil || mgr.Engine().ID() != engineID {
			t.Errorf("disconnects %v; engine %v, was %s", got, mgr.Engine(), engineID)
		}
		if n := gcCount(srv, func(ev nodeEvent) bool { return ev.Event == "engineClose" }); n != 0 {
			t.Errorf("the server closed %d engine sessions:\n%s", n, srv.dump(0))
		}
		gcClose(t, mgr)
	})
}

// The server disconnects a socket, then the whole connection; the client
// disconnects a socket.
func TestGoClientServerDisconnect(t *testing.T) {
	gcRun(t, func(t *testing.T, m gcMode, srv *nodeServer) {
		mgr := gcManager(t, srv, gcOptions(m))
		root, custom := mgr.Socket("/", nil), mgr.Socket("/custom", nil)
		rootDiscs, customDiscs := newGCRecorder[gcDisc](), newGCRecorder[gcDisc]()
		root.OnDisconnect(func(r client.DisconnectReason, err error) { rootDiscs.add(gcDisc{r, err, root.Active()}) })
		custom.OnDisconnect(func(r client.DisconnectReason, err error) { customDiscs.add(gcDisc{r, err, custom.Active()}) })
		gcConnect(t, root)
		gcConnect(t, custom)
		engineID := mgr.Engine().ID()
		rootConnections := func() int {
			return gcCount(srv, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.Nsp == "/" })
		}

		// disconnect-me: socket.disconnect() on the server.
		id := root.ID()
		root.Emit("disconnect-me")
		if d := rootDiscs.wait(t, 1, "disconnects")[0]; d.reason != client.ReasonIOServerDisconnect || d.active {
			t.Errorf("disconnect-me: %v, want io server disconnect, inactive", d)
		}
		if root.Active() || root.Connected() {
			t.Errorf("after disconnect-me: active %v, connected %v", root.Active(), root.Connected())
		}
		ev := srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "disconnect" && ev.Nsp == "/" })
		if ev.ID != id || ev.Reason != "server namespace disconnect" {
			t.Errorf("disconnect line %s, want socket %s, server namespace disconnect", ev, id)
		}
		// /custom is not disturbed, and / does not come back by itself.
		if args, err := custom.EmitWithAck(gcCtx(t), "echo", 1); err != nil {
			t.Errorf("/custom after disconnect-me: %v", err)
		} else {
			gcCheckValues(t, "/custom echo", args, []any{1.0})
		}
		gcStays(t, time.Second, "/ stays disconnected", func() bool { return rootConnections() == 1 && !root.Connected() })
		if mgr.Engine() == nil || mgr.Engine().ID() != engineID || len(customDiscs.all()) != 0 {
			t.Errorf("disconnect-me disturbed the connection or /custom")
		}

		// Connect connects it again; Disconnect tells the server.
		gcConnect(t, root)
		srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.ID == root.ID() })
		if rootConnections() != 2 || root.ID() == id {
			t.Errorf("connecting again: %d connection lines, id %s (was %s)", rootConnections(), root.ID(), id)
		}
		id = root.ID()
		root.Disconnect()
		if d := rootDiscs.wait(t, 2, "disconnects")[1]; d.reason != client.ReasonIOClientDisconnect || d.active {
			t.Errorf("Disconnect: %v, want io client disconnect, inactive", d)
		}
		ev = srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "disconnect" && ev.ID == id })
		if ev.Reason != "client namespace disconnect" {
			t.Errorf("disconnect line %s, want client namespace disconnect", ev)
		}
		if !custom.Connected() || mgr.Engine() == nil || mgr.Engine().ID() != engineID {
			t.Errorf("Disconnect of / disturbed /custom or the connection")
		}

		// close-me: socket.disconnect(true) closes the connection too.
		gcConnect(t, root)
		e := mgr.Engine()
		custom.Emit("close-me")
		for _, r := range []struct {
			nsp   string
			s     *client.Socket
			discs *gcRecorder[gcDisc]
			n     int
		}{{"/", root, rootDiscs, 3}, {"/custom", custom, customDiscs, 1}} {
			if d := r.discs.wait(t, r.n, "disconnects")[r.n-1]; d.reason != client.ReasonIOServerDisconnect || d.active {
				t.Errorf("close-me: %s got %v, want io server disconnect, inactive", r.nsp, d)
			}
			if r.s.Active() || r.s.Connected() {
				t.Errorf("after close-me: %s active %v, connected %v", r.nsp, r.s.Active(), r.s.Connected())
			}
		}
		ev = srv.WaitEvent(t, gcWait, func(ev nodeEvent) bool { return ev.Event == "engineClose" })
		if ev.EngineID != engineID {
			t.Errorf("engineClose line %s, want engine %s", ev, engineID)
		}
		select {
		case <-e.Done():
		case <-time.After(gcWait):
			t.Fatalf("the connection still runs %v after close-me", gcWait)
		}
		gcStays(t, time.Second, "no reconnection after close-me", func() bool {
			return mgr.Engine() == nil && gcCount(srv, func(ev nodeEvent) bool { return ev.Event == "engineOpen" }) == 1
		})
		gcClose(t, mgr)
	})
}
