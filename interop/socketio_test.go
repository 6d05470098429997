package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
)

// These tests run the official socket.io-client (npm, pinned in
// package.json) in Node.js against the socketio server, with
// js/socketio-client.mjs: one scenario per feature, in each mode (polling
// only, WebSocket only, and polling upgraded to WebSocket where the
// scenario starts once the client reports the upgrade), or in the first
// two only for what does not depend on the transport.

func sioForModes(t *testing.T, ms []mode, f func(t *testing.T, m mode)) {
	for _, m := range ms {
		t.Run(m.name, func(t *testing.T) { f(t, m) })
	}
}

// TestSocketIONamespaces: one Manager, sockets on "/" and "/custom"
// multiplexed over one Engine.IO session, with distinct ids; "/" leaves
// while "/custom" goes on.
func TestSocketIONamespaces(t *testing.T) { testSocketIONamespaces(t, sioDefault) }

func testSocketIONamespaces(t *testing.T, p sioParser) {
	sioForModes(t, modes, func(t *testing.T, m mode) {
		type joined struct {
			nsp, id   string
			es        *engineio.Session
			transport engineio.Transport
			upgraded  bool
		}
		connected := make(chan joined, 8)
		left := make(chan string, 8)
		ts := startSIOServer(t, p.options(), func(srv *socketio.Server) {
			onConnection := func(s *socketio.Socket) {
				es := s.Conn()
				connected <- joined{s.Namespace().Name(), s.ID(), es, es.Transport(), es.Upgraded()}
				s.On("whoami", func(e *socketio.Event) {
					e.Ack(map[string]any{"nsp": s.Namespace().Name(), "id": s.ID(), "engineId": es.ID()})
				})
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) {
					left <- s.Namespace().Name() + ": " + r.String()
				})
			}
			srv.OnConnection(onConnection)
			srv.Of("/custom").OnConnection(onConnection)
		})
		c := startSIOClient(t, ts, m, sioConfig{Parser: p.js, Scenario: "namespaces"})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		server := map[string]joined{}
		for range 2 {
			j := sioRecv(t, connected, "connection")
			server[j.nsp] = j
			checkSIOTransport(t, "socket of "+j.nsp, j.es, j.transport, j.upgraded, m)
		}
		main, custom := server["/"], server["/custom"]
		if main.es == nil || custom.es == nil {
			t.Fatalf("server: connections %v, want one to / and one to /custom", server)
		}
		if main.es != custom.es {
			t.Errorf("server: / and /custom on sessions %s and %s, want one session", main.es.ID(), custom.es.ID())
		}
		if main.id == custom.id {
			t.Errorf("server: / and /custom have the same socket id %s", main.id)
		}
		for _, j := range []joined{main, custom} {
			ev := c.oneWhere(t, "connect", "nsp", j.nsp)
			if ev.str("id") != j.id || ev.str("engineId") != j.es.ID() {
				t.Errorf("client: %s connected as %s on session %s; server: %s on session %s", j.nsp, ev.str("id"), ev.str("engineId"), j.id, j.es.ID())
			}
			sioCheck(t, "client: whoami answer on "+j.nsp, c.oneWhere(t, "whoami", "nsp", j.nsp).value("info"),
				map[string]any{"nsp": j.nsp, "id": j.id, "engineId": j.es.ID()})
		}
		after := c.one(t, "whoami-after")
		sioCheck(t, "client: whoami answer on /custom after / left", after.value("info"),
			map[string]any{"nsp": "/custom", "id": custom.id, "engineId": custom.es.ID()})
		if after.str("engineId") != custom.es.ID() {
			t.Errorf("client: session %s after / left, want still %s", after.str("engineId"), custom.es.ID())
		}
		for _, want := range []string{"/: client namespace disconnect", "/custom: client namespace disconnect"} {
			if got := sioRecv(t, left, "disconnection"); got != want {
				t.Errorf("server: disconnection %q, want %q", got, want)
			}
		}
		for _, nsp := range []string{"/", "/custom"} {
			d := c.oneWhere(t, "disconnect", "nsp", nsp)
			if d.str("reason") != "io client disconnect" || d.flag("active") {
				t.Errorf("client: %s disconnected with %s, want io client disconnect, inactive", nsp, d)
			}
		}
	})
}

// TestSocketIODynamicNamespaces: children of a regexp parent and of a
// function parent (which sees the auth payload) are created on demand and
// get the parent's middlewares and handlers; names that no parent accepts
// get "Invalid namespace".
func TestSocketIODynamicNamespaces(t *testing.T) {
	sioForModes(t, sioModesPair, func(t *testing.T, m mode) {
		var created, asked sioRecorder
		sessions := make(chan *engineio.Session, 8)
		var re, fn *socketio.ParentNamespace
		ts := startSIOServer(t, sioOptions(), func(srv *socketio.Server) {
			srv.OnNewNamespace(func(n *socketio.Namespace) { created.add(n.Name()) })
			re = srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
			re.Use(func(s *socketio.Socket) error {
				if s.Namespace().Name() == "/dyn-13" {
					return &socketio.ConnectError{Message: "unlucky", Data: map[string]any{"number": 13}}
				}
				return nil
			})
			fn = srv.OfFunc(func(name string, auth json.RawMessage) (bool, error) {
				var a struct{ Key string }
				json.Unmarshal(auth, &a)
				asked.add(name + " " + string(auth))
				return strings.HasPrefix(name, "/fn-") && a.Key == "open sesame", nil
			})
			for label, p := range map[string]*socketio.ParentNamespace{"regexp": re, "func": fn} {
				p.OnConnection(func(s *socketio.Socket) {
					sessions <- s.Conn()
					s.On("where", func(e *socketio.Event) {
						e.Ack(map[string]any{"nsp": s.Namespace().Name(), "parent": label})
					})
				})
			}
		})
		sockets := []map[string]any{
			{"nsp": "/dyn-1"},
			{"nsp": "/dyn-42"},
			{"nsp": "/dyn-13"},
			{"nsp": "/dyn-x"},
			{"nsp": "/fn-a", "auth": map[string]any{"key": "open sesame"}},
			{"nsp": "/fn-b", "auth": map[string]any{"key": "wrong"}},
			{"nsp": "/nothing"},
		}
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "dynamic", Params: map[string]any{"sockets": sockets}})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		parents := map[string]string{"/dyn-1": "regexp", "/dyn-42": "regexp", "/fn-a": "func"}
		for nsp, parent := range parents {
			if c.oneWhere(t, "connect", "nsp", nsp).str("id") == "" {
				t.Errorf("client: %s connected without an id", nsp)
			}
			sioCheck(t, "client: where answer on "+nsp, c.oneWhere(t, "where", "nsp", nsp).value("info"),
				map[string]any{"nsp": nsp, "parent": parent})
		}
		refused := map[string]any{
			"/dyn-13":  []any{"unlucky", map[string]any{"number": 13}},
			"/dyn-x":   []any{"Invalid namespace", map[string]any{"$undefined": true}},
			"/fn-b":    []any{"Invalid namespace", map[string]any{"$undefined": true}},
			"/nothing": []any{"Invalid namespace", map[string]any{"$undefined": true}},
		}
		for nsp, want := range refused {
			e := c.oneWhere(t, "connect_error", "nsp", nsp)
			sioCheck(t, "client: connect_error (message, data) of "+nsp, []any{e.value("message"), e.value("data")}, want)
			if e.flag("active") {
				t.Errorf("client: %s still active after its connect_error", nsp)
			}
		}
		if n := len(c.all("connect")); n != len(parents) {
			t.Errorf("client: %d connect events, want %d", n, len(parents))
		}

		// Server side: the children, the namespaces announced, the names
		// the function parent was asked about (those the regexp parent did
		// not take), and one Engine.IO session for all the sockets.
		names := func(ns []*socketio.Namespace) []string {
			var out []string
			for _, n := range ns {
				out = append(out, n.Name())
			}
			sort.Strings(out)
			return out
		}
		sioCheck(t, "server: regexp parent's children", names(re.Children()), []string{"/dyn-1", "/dyn-13", "/dyn-42"})
		sioCheck(t, "server: function parent's children", names(fn.Children()), []string{"/fn-a"})
		sioCheck(t, "server: namespaces created", created.sorted(), []string{"/dyn-1", "/dyn-13", "/dyn-42", "/fn-a"})
		// As the reference, a CONNECT without auth is asked about with {}.
		gotAsked := asked.sorted()
		sioCheck(t, "server: function parent asked", gotAsked, []string{
			`/dyn-x {}`, `/fn-a {"key":"open sesame"}`, `/fn-b {"key":"wrong"}`, `/nothing {}`,
		})
		var first *engineio.Session
		for range parents {
			es := sioRecv(t, sessions, "connection")
			if first == nil {
				first = es
			} else if es != first {
				t.Errorf("server: sockets on sessions %s and %s, want one", first.ID(), es.ID())
			}
		}
	})
}

// TestSocketIOAuth: the auth payload (object or function in the client)
// and the query and headers as the server's Handshake has them; a
// middleware refusal with a ConnectError with data, and with a plain
// error.
func TestSocketIOAuth(t *testing.T) { testSocketIOAuth(t, sioDefault) }

func testSocketIOAuth(t *testing.T, p sioParser) {
	goodAuth := map[string]any{"token": "good", "user": "ünïcödé ✓", "n": 1.5, "list": []any{1, "two", nil, true}, "nested": map[string]any{"a": map[string]any{"b": "c"}}}
	refusal := map[string]any{"code": 42, "hint": "use the good token", "details": map[string]any{"list": []any{1, "two", true, nil}}}
	sioForModes(t, sioModesPair, func(t *testing.T, m mode) {
		var calls sioRecorder
		ts := startSIOServer(t, p.options(), func(srv *socketio.Server) {
			srv.Use(func(s *socketio.Socket) error {
				calls.add("first " + string(s.Handshake().Auth))
				return nil
			})
			srv.Use(func(s *socketio.Socket) error {
				var a struct{ Token string }
				json.Unmarshal(s.Handshake().Auth, &a)
				calls.add("second " + a.Token)
				if a.Token != "good" {
					return &socketio.ConnectError{Message: "not authorized", Data: refusal}
				}
				return nil
			})
			handshake := func(s *socketio.Socket) {
				s.On("handshake", func(e *socketio.Event) {
					h := s.Handshake()
					e.Ack(map[string]any{
						"auth":    h.Auth,
						"query":   h.Query.Get("tag"),
						"header":  h.Headers.Get("X-Interop"),
						"address": h.Address,
						"issued":  h.Issued > 0 && time.Since(time.UnixMilli(h.Issued)) < time.Minute,
						"url":     strings.HasPrefix(h.URL, "/socket.io/?"),
					})
				})
			}
			srv.OnConnection(handshake)
			srv.Of("/open").OnConnection(handshake)
			srv.Of("/plain").Use(func(s *socketio.Socket) error { return errors.New("plain failure") })
			srv.Of("/plain").OnConnection(func(s *socketio.Socket) { t.Errorf("server: /plain connected despite its middleware") })
		})
		c := startSIOClient(t, ts, m, sioConfig{Parser: p.js, Scenario: "auth", Params: map[string]any{
			"goodAuth": goodAuth, "badAuth": map[string]any{"token": "bad"}, "query": "q-1", "header": "yes",
		}})
		c.finish(t)
		checkSIOOpen(t, c, m, "ok")

		seen := func(auth any) map[string]any {
			return map[string]any{"auth": auth, "query": "q-1", "header": "yes", "address": "127.0.0.1", "issued": true, "url": true}
		}
		sioCheck(t, "client: what the server saw of /", c.oneWhere(t, "handshake", "nsp", "/").value("seen"), seen(goodAuth))
		sioCheck(t, "client: what the server saw of /open", c.oneWhere(t, "handshake", "nsp", "/open").value("seen"), seen(map[string]any{}))

		bad := c.oneWhere(t, "connect_error", "nsp", "/")
		if bad.str("client") != "refused" || bad.str("message") != "not authorized" || bad.flag("active") {
			t.Errorf("client: connect_error %s, want client refused, message not authorized, inactive", bad)
		}
		sioCheck(t, "client: connect_error data", bad.value("data"), refusal)
		plain := c.oneWhere(t, "connect_error", "nsp", "/plain")
		if plain.str("message") != "plain failure" || plain.flag("active") {
			t.Errorf("client: connect_error %s, want message plain failure, inactive", plain)
		}
		sioCheck(t, "client: connect_error data of /plain", plain.value("data"), map[string]any{"$undefined": true})
		if n := len(c.where("connect", "client", "refused")); n != 0 {
			t.Errorf("client: %d connect events of the refused client", n)
		}

		// The middlewares run in order, the second only after the first.
		goodJSON, _ := json.Marshal(goodAuth)
		got := calls.list()
		want1 := []string{"first " + string(goodJSON), "second good"}
		want2 := []string{`first {"token":"bad"}`, "second bad"}
		if len(got) != 4 || !(slices.Equal(got[:2], want1) && slices.Equal(got[2:], want2) || slices.Equal(got[:2], want2) && slices.Equal(got[2:], want1)) {
			t.Errorf("server: middleware calls %q, want %q and %q", got, want1, want2)
		}
	})
}

// TestSocketIOEmitsAndAcks: emits with acknowledgements both ways: the
// client's emit with an ack callback and emitWithAck, answered by e.Ack;
// the server's Timeout(..).Emit with an AckHandler, EmitWithAck, and an
// Emit with a func(Args, error), answered by the client with several
// arguments, or none.
func TestSocketIOEmitsAndAcks(t *testing.T) { testSocketIOEmitsAndAcks(t, sioDefault) }

func testSocketIOEmitsAndAcks(t *testing.T, p sioParser) {
	echoArgs := []any{1, "two", map[string]any{"three": []any{3, 3.5}}, nil, true, "ünïcödé ✓ 🎉", -0.25, map[string]any{}, []any{}}
	askReply := []any{"a1", 2, map[string]any{"three": true}, []any{4, nil}}
	ask2Reply := []any{"b1", "b2"}
	sioForModes(t, modes, func(t *testing.T, m mode) {
		type served struct {
			ask, ask2, ask3 any
			errs            []error
		}
		noted := make(chan string, 4)
		reacked := make(chan error, 4)
		results := make(chan served, 1)
		gone := make(chan string, 4)
		ts := startSIOServer(t, p.options(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				s.On("echo", func(e *socketio.Event) {
					vals, err := e.Values()
					if err != nil {
						t.Errorf("server: echo: %v", err)
					}
					if err := e.Ack(vals...); err != nil {
						t.Errorf("server: echo: Ack: %v", err)
					}
					reacked <- e.Ack("again")
				})
				s.On("sum", func(e *socketio.Event) {
					var a, b float64
					if err := e.Bind(&a, &b); err != nil {
						t.Errorf("server: sum: %v", err)
					}
					e.Ack(a + b)
				})
				s.On("note", func(e *socketio.Event) {
					var text string
					e.Decode(0, &text)
					noted <- fmt.Sprintf("%s, wants ack %v, Ack: %v", text, e.WantsAck(), e.Ack("no"))
				})
				s.On("empty-ack", func(e *socketio.Event) { e.Ack() })
				s.On("serve-me", func(e *socketio.Event) {
					// The handler waits for the client, as a Node handler awaits:
					// for an AckHandler that reports on a channel, and in
					// EmitWithAck.
					var r served
					type ack struct {
						args socketio.Args
						err  error
					}
					ch := make(chan ack, 2)
					r.errs = append(r.errs, s.Timeout(5*time.Second).Emit("ask", "q1", 1, socketio.AckHandler(func(a socketio.Args, err error) { ch <- ack{a, err} })))
					select {
					case a := <-ch:
						r.ask, r.errs = sioNorm(a.args), append(r.errs, a.err)
					case <-time.After(10 * time.Second):
						r.errs = append(r.errs, errors.New("no acknowledgement of ask"))
					}
					ctx, cancel := sioContext()
					a2, err := s.EmitWithAck(ctx, "ask2", "q2")
					cancel()
					r.ask2, r.errs = sioNorm(a2), append(r.errs, err)
					r.errs = append(r.errs, s.Emit("ask3", "q3", func(a socketio.Args, err error) { ch <- ack{a, err} }))
					select {
					case a := <-ch:
						r.ask3, r.errs = sioNorm(a.args), append(r.errs, a.err)
					case <-time.After(10 * time.Second):
						r.errs = append(r.errs, errors.New("no acknowledgement of ask3"))
					}
					r.errs = append(r.errs, s.Emit("tell", "no ack", map[string]any{"k": "v"}))
					r.errs = append(r.errs, e.Ack("served"))
					results <- r
				})
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- r.String() })
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Parser: p.js, Scenario: "emits", Params: map[string]any{
			"echoArgs": echoArgs, "askReply": askReply, "ask2Reply": ask2Reply,
		}})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		// Client to server.
		sioCheck(t, "client: echo acknowledgement", c.one(t, "echo-ack").value("args"), echoArgs)
		if err := sioRecv(t, reacked, "second Ack"); !errors.Is(err, socketio.ErrNoAck) {
			t.Errorf("server: a second Ack returned %v, want ErrNoAck", err)
		}
		sioCheck(t, "client: sum", c.one(t, "sum").value("value"), 5)
		if got, want := sioRecv(t, noted, "note"), "no ack wanted, wants ack false, Ack: "+socketio.ErrNoAck.Error(); got != want {
			t.Errorf("server: note: %s, want %s", got, want)
		}
		sioCheck(t, "client: empty acknowledgement", c.one(t, "empty-ack").value("args"), []any{})

		// Server to client.
		r := sioRecv(t, results, "results of serve-me")
		for i, err := range r.errs {
			if err != nil {
				t.Errorf("server: serve-me step %d: %v", i, err)
			}
		}
		sioCheck(t, "server: acknowledgement of ask", r.ask, askReply)
		sioCheck(t, "server: acknowledgement of ask2", r.ask2, ask2Reply)
		sioCheck(t, "server: acknowledgement of ask3", r.ask3, []any{})
		ask := c.one(t, "ask")
		sioCheck(t, "client: ask arguments", ask.value("args"), []any{"q1", 1})
		if !ask.flag("callback") {
			t.Errorf("client: ask came without an acknowledgement callback")
		}
		sioCheck(t, "client: ask2 arguments", c.one(t, "ask2").value("args"), []any{"q2"})
		sioCheck(t, "client: ask3 arguments", c.one(t, "ask3").value("args"), []any{"q3"})
		sioCheck(t, "client: tell arguments (no callback)", c.one(t, "tell").value("args"), []any{"no ack", map[string]any{"k": "v"}})
		sioCheck(t, "client: serve-me acknowledgement", c.one(t, "served").value("value"), "served")
		if got := sioRecv(t, gone, "disconnection"); got != "client namespace disconnect" {
			t.Errorf("server: disconnected with %q, want client namespace disconnect", got)
		}
	})
}

// TestSocketIOBinary: binary data nested in objects and arrays, both ways,
// in events and in acknowledgements, and in a broadcast: Buffers,
// Uint8Arrays and ArrayBuffers from the client; []byte in maps, slices and
// struct fields from the server.
func TestSocketIOBinary(t *testing.T) { testSocketIOBinary(t, sioDefault) }

func testSocketIOBinary(t *testing.T, p sioParser) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	// binArgs are what the client sends; want what it is (every binary a
	// []byte, reported as bin).
	args := func(send bool) []any {
		as := func(b []byte, typ string) map[string]any {
			if send {
				return sioBinAs(b, typ)
			}
			return sioBin(b)
		}
		return []any{
			map[string]any{
				"name":  "nested",
				"file":  as(genBinary(1000), "Uint8Array"),
				"parts": []any{sioBin([]byte{}), 1, sioBin([]byte{0, 1, 2, 255}), map[string]any{"deep": as(all, "ArrayBuffer")}},
			},
			sioBin(genBinary(100_000)),
			[]any{[]any{sioBin([]byte("x"))}, "text"},
		}
	}
	type blob struct {
		Name string   `json:"name"`
		Data []byte   `json:"data"`
		Tags []string `json:"tags"`
		Skip []byte   `json:"-"`
	}
	sbinArgs := []any{
		map[string]any{"a": []byte{1, 2, 3}, "list": []any{[]byte{}, "x", []byte{255}}},
		blob{Name: "blob", Data: genBinary(5000), Tags: []string{"t"}, Skip: []byte{1}},
		genBinary(200_000),
	}
	sbinWant := []any{
		map[string]any{"a": sioBin([]byte{1, 2, 3}), "list": []any{sioBin([]byte{}), "x", sioBin([]byte{255})}},
		map[string]any{"name": "blob", "data": sioBin(genBinary(5000)), "tags": []any{"t"}},
		sioBin(genBinary(200_000)),
	}
	sbinReply := []any{map[string]any{"got": "it", "back": []any{sioBin([]byte{5, 6}), map[string]any{"k": sioBin([]byte{})}}}, sioBin([]byte("tail"))}
	bbin := map[string]any{"via": "broadcast", "data": [][]byte{{1}, {2, 3}}}

	sioForModes(t, modes, func(t *testing.T, m mode) {
		received := make(chan any, 1)
		acked := make(chan any, 1)
		errs := make(chan error, 8)
		ts := startSIOServer(t, p.options(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				s.On("bin", func(e *socketio.Event) {
					vals, err := e.Values()
					if err != nil {
						errs <- err
					}
					received <- sioNorm(vals)
					if err := e.Ack(map[string]any{"echo": vals, "extra": []byte{9, 8, 7}}, []byte{}); err != nil {
						errs <- err
					}
				})
				s.On("send-binary", func(e *socketio.Event) {
					go func() {
						ch := make(chan socketio.Args, 1)
						err := s.Timeout(5*time.Second).Emit("sbin", append(sbinArgs, socketio.AckHandler(func(a socketio.Args, err error) {
							if err != nil {
								errs <- err
							}
							ch <- a
						}))...)
						if err != nil {
							errs <- err
						}
						select {
						case a := <-ch:
							acked <- sioNorm(a)
						case <-time.After(10 * time.Second):
							errs <- errors.New("no acknowledgement of sbin")
						}
						if err := srv.To(s.ID()).Emit("bbin", bbin); err != nil {
							errs <- err
						}
						e.Ack("sent")
					}()
				})
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Parser: p.js, Scenario: "binary", Params: map[string]any{"binArgs": args(true), "sbinReply": sbinReply}})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		sioCheck(t, "server: bin arguments", sioRecv(t, received, "bin event"), args(false))
		ack := c.one(t, "bin-ack")
		sioCheck(t, "client: bin acknowledgement", ack.value("args"), []any{map[string]any{"echo": args(false), "extra": sioBin([]byte{9, 8, 7})}, sioBin([]byte{})})
		sbin := c.one(t, "sbin")
		sioCheck(t, "client: sbin arguments", sbin.value("args"), sbinWant)
		sioCheck(t, "server: sbin acknowledgement", sioRecv(t, acked, "sbin acknowledgement"), sbinReply)
		sioCheck(t, "client: bbin arguments", c.one(t, "bbin").value("args"), []any{map[string]any{"via": "broadcast", "data": []any{sioBin([]byte{1}), sioBin([]byte{2, 3})}}})
		sioCheck(t, "client: send-binary acknowledgement", c.one(t, "send-binary-ack").value("value"), "sent")
		// Node.js gets every binary value as a Buffer, over either transport.
		for _, ev := range []sioEvent{ack, sbin, c.one(t, "bbin")} {
			types, _ := ev.value("types").([]any)
			if len(types) == 0 {
				t.Errorf("client: no binary in %s", ev)
			}
			for _, ty := range types {
				if ty != "Buffer" {
					t.Errorf("client: %s: binary types %v, want Buffers", ev.Event, types)
					break
				}
			}
		}
		sioDrainErrors(t, errs)
	})
}

// TestSocketIORooms: four clients in rooms; exactly who gets each of the
// server's broadcasts: a socket's To, Except, Broadcast and To(id), which
// leave the sender out; the server's To, In and Except; a room left.
func TestSocketIORooms(t *testing.T) { testSocketIORooms(t, sioDefault) }

func testSocketIORooms(t *testing.T, p sioParser) {
	clients := []map[string]any{
		{"name": "A", "rooms": []string{"r1"}},
		{"name": "B", "rooms": []string{"r1", "r2"}},
		{"name": "C", "rooms": []string{"r2"}},
		{"name": "D", "rooms": []string{"r1", "x"}},
	}
	want := map[string][]any{
		"A": {"7", "8", "12", "14"},
		"B": {"1", "2", "3", "4", "6", "7", "13", "14"},
		"C": {"3", "4", "5", "7", "9", "14"},
		"D": {"1", "3", "7", "8", "12", "14", "15"},
	}
	sioForModes(t, modes, func(t *testing.T, m mode) {
		var mu sync.Mutex
		byName := map[string]*socketio.Socket{}
		errs := make(chan error, 32)
		roomsOfB := make(chan []string, 1)
		ts := startSIOServer(t, p.options(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				s.On("join", func(e *socketio.Event) {
					var j struct {
						Name  string
						Rooms []string
					}
					if err := e.Decode(0, &j); err != nil {
						errs <- err
					}
					s.Join(j.Rooms...)
					mu.Lock()
					byName[j.Name] = s
					mu.Unlock()
					rooms := s.Rooms()
					sort.Strings(rooms)
					e.Ack(rooms)
				})
				s.On("run", func(e *socketio.Event) {
					mu.Lock()
					a, b, c, d := byName["A"], byName["B"], byName["C"], byName["D"]
					mu.Unlock()
					if a != s || b == nil || c == nil || d == nil {
						errs <- fmt.Errorf("run: sockets A %v (sender %v), B %v, C %v, D %v", a, s, b, c, d)
						return
					}
					for _, err := range []error{
						a.To("r1").Emit("bc", "1"),
						a.To("r1").Except("x").Emit("bc", "2"),
						a.Broadcast().Emit("bc", "3"),
						a.To("r2").Emit("bc", "4"),
						a.Except("r1").Emit("bc", "5"),
						a.To(b.ID()).Emit("bc", "6"),
						srv.To("r1", "r2").Emit("bc", "7"),
						srv.To("r1", "r2").Except("r2").Emit("bc", "8"),
						srv.Except("r1").Emit("bc", "9"),
						srv.To("x").Except(d.ID()).Emit("bc", "10"),
						srv.To("empty").Emit("bc", "11"),
					} {
						if err != nil {
							errs <- err
						}
					}
					b.Leave("r1")
					rooms := b.Rooms()
					sort.Strings(rooms)
					roomsOfB <- rooms
					for _, err := range []error{
						srv.To("r1").Emit("bc", "12"),
						srv.In("r2").Except(c.ID()).Emit("bc", "13"),
						srv.Emit("bc", "14"),
						a.Except("r2").To("r1", "x").Emit("bc", "15"),
						srv.Emit("flush"),
						e.Ack("ran"),
					} {
						if err != nil {
							errs <- err
						}
					}
				})
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Parser: p.js, Scenario: "rooms", Params: map[string]any{"clients": clients}})
		c.finish(t)
		for _, cl := range clients {
			name := cl["name"].(string)
			checkSIOOpen(t, c, m, name)
			id := c.oneWhere(t, "connect", "client", name).str("id")
			rooms := append([]string{id}, cl["rooms"].([]string)...)
			sort.Strings(rooms)
			sioCheck(t, "client: rooms of "+name, c.oneWhere(t, "joined", "client", name).value("rooms"), rooms)
			sioCheck(t, "client: broadcasts received by "+name, c.oneWhere(t, "received", "client", name).value("tags"), want[name])
		}
		roomsB := []string{c.oneWhere(t, "connect", "client", "B").str("id"), "r2"}
		sort.Strings(roomsB)
		sioCheck(t, "server: rooms of B after it left r1", sioRecv(t, roomsOfB, "rooms of B"), roomsB)
		sioDrainErrors(t, errs)
	})
}

// TestSocketIOVolatile: a volatile event to an idle client arrives; one
// emitted while the client does not keep up (its event loop is frozen,
// and a large event is still on its way to it) is dropped.
//
// Phase 1: once the session is writable (polling: a GET is pending;
// WebSocket: no write in progress), a volatile event goes out.
//
// Phase 2: the client freezes for freezeMs; meanwhile the server emits a
// large "fill", then count volatile events, then "end". Over WebSocket the
// fill (12 MB, more than the loopback socket buffers take) keeps the
// writer busy until the client reads again. Over polling no GET is
// pending while the client is frozen (or one, which the fill takes). So at
// most one volatile event (one emitted in the instant between the fill
// leaving the queue and the writer or GET taking it up, if at all) gets
// through. The server records when it emitted, the client when it was
// frozen, and the test checks that the emits happened within the freeze.
func TestSocketIOVolatile(t *testing.T) {
	const (
		count    = 50
		freezeMs = 2000 // wide margin: the server must emit within it, even on a loaded machine
	)
	sioForModes(t, modes, func(t *testing.T, m mode) {
		fillSize := 12 << 20
		if m.final == engineio.Polling {
			fillSize = 1000
		}
		fill := genBinary(fillSize)
		burst := make(chan [2]int64, 1)
		errs := make(chan error, 2*count)
		// No ping during the test (it would make the session writable, or
		// not, at odd times); a write may block for the freeze.
		opts := &socketio.Options{PingInterval: 10 * time.Second, PingTimeout: 5 * time.Second, MaxQueuedBytes: 64 << 20}
		ts := startSIOServer(t, opts, func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				s.On("phase1", func(e *socketio.Event) {
					go func() {
						if !sioWait(5*time.Second, s.Conn().Writable) {
							errs <- errors.New("phase1: the session never became writable")
						}
						errs <- s.Volatile().Emit("vol", -1)
						errs <- s.Emit("phase1-done")
					}()
				})
				s.On("freezing", func(e *socketio.Event) {
					go func() {
						time.Sleep(200 * time.Millisecond)
						start := time.Now().UnixMilli()
						errs <- s.Emit("fill", fill)
						for i := range count {
							if err := s.Volatile().Emit("vol", i); err != nil {
								errs <- err
							}
						}
						end := time.Now().UnixMilli()
						errs <- s.Emit("end")
						burst <- [2]int64{start, end}
					}()
				})
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "volatile", Params: map[string]any{"freezeMs": freezeMs}})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		sioCheck(t, "client: volatile events of phase 1", c.one(t, "phase1").value("vols"), []any{-1})
		b := sioRecv(t, burst, "burst")
		from, to := int64(c.one(t, "freeze").num("at")), int64(c.one(t, "unfreeze").num("at"))
		if b[0] < from || b[1] > to {
			t.Fatalf("the server emitted from %d to %d, not within the client's freeze from %d to %d: the test's timing assumption failed", b[0], b[1], from, to)
		}
		if n := int(c.one(t, "fill").num("length")); n != fillSize {
			t.Errorf("client: fill of %d bytes, want %d", n, fillSize)
		}
		vols, _ := c.one(t, "phase2").value("vols").([]any)
		if len(vols) > 1 {
			t.Errorf("client: %d of %d volatile events arrived while it did not keep up, want at most 1: %v", len(vols), count, vols)
		}
		for _, v := range vols {
			if f, ok := v.(float64); !ok || f < 0 || f >= count {
				t.Errorf("client: unexpected volatile event %v", v)
			}
		}
		t.Logf("%d of %d volatile events arrived during the freeze", len(vols), count)
		for {
			select {
			case err := <-errs:
				if err != nil {
					t.Errorf("server: %v", err)
				}
				continue
			default:
			}
			break
		}
	})
}

// TestSocketIOAckTimeouts: the client's socket.timeout(ms).emit and
// emitWithAck to a server handler that never acknowledges get "operation
// has timed out"; the server's Timeout(..).Emit and EmitWithAck to a
// client that never acknowledges get ErrTimeout, a late acknowledgement is
// ignored, EmitWithAck ends with its context, and an acknowledgement still
// pending at the disconnection gets ErrDisconnected.
func TestSocketIOAckTimeouts(t *testing.T) {
	const (
		timeout = 200 * time.Millisecond
		late    = 400 * time.Millisecond
	)
	sioForModes(t, modes, func(t *testing.T, m mode) {
		var never sioRecorder
		type outcome struct {
			name    string
			err     error
			elapsed time.Duration
		}
		outcomes := make(chan outcome, 8)
		lateCalls := make(chan int32, 1)
		lateDone := make(chan struct{}, 1)
		pending := make(chan error, 1)
		gone := make(chan string, 1)
		ts := startSIOServer(t, sioOptions(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				s.On("never", func(e *socketio.Event) {
					var x string
					e.Decode(0, &x)
					never.add(fmt.Sprintf("%s %v", x, e.WantsAck()))
					if x == "y" {
						// Too late: the client gave up (and it is still
						// connected: it waits for server-timeouts).
						time.AfterFunc(timeout+100*time.Millisecond, func() { e.Ack("too late") })
					}
				})
				s.On("quick", func(e *socketio.Event) { e.Ack("fast") })
				s.On("late-done", func(e *socketio.Event) { lateDone <- struct{}{} })
				s.On("server-timeouts", func(e *socketio.Event) {
					go func() {
						start := time.Now()
						ch := make(chan error, 1)
						if err := s.Timeout(timeout).Emit("ignore-me", "a", socketio.AckHandler(func(_ socketio.Args, err error) { ch <- err })); err != nil {
							ch <- err
						}
						outcomes <- outcome{"Timeout.Emit", sioRecvOr(ch, 10*time.Second), time.Since(start)}

						start = time.Now()
						_, err := s.Timeout(timeout).EmitWithAck(context.Background(), "ignore-me", "b")
						outcomes <- outcome{"Timeout.EmitWithAck", err, time.Since(start)}

						start = time.Now()
						ctx, cancel := context.WithTimeout(context.Background(), timeout)
						_, err = s.EmitWithAck(ctx, "ignore-me", "d")
						cancel()
						outcomes <- outcome{"EmitWithAck with a deadline", err, time.Since(start)}

						var calls atomic.Int32
						start = time.Now()
						lch := make(chan error, 4)
						s.Timeout(timeout).Emit("late", "c", socketio.AckHandler(func(_ socketio.Args, err error) {
							calls.Add(1)
							lch <- err
						}))
						outcomes <- outcome{"late acknowledgement", sioRecvOr(lch, 10*time.Second), time.Since(start)}
						sioRecvOr(lateDone, 10*time.Second) // the late acknowledgement was handled
						lateCalls <- calls.Load()

						s.Emit("ignore-me", "e", socketio.AckHandler(func(_ socketio.Args, err error) { pending <- err }))
						e.Ack("checked")
					}()
				})
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- r.String() })
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "timeouts", Params: map[string]any{
			"timeoutMs": timeout.Milliseconds(), "lateMs": late.Milliseconds(),
		}})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		// The client's timeouts.
		cb := c.one(t, "timeout-callback")
		if cb.str("error") != "operation has timed out" || cb.num("elapsed") < float64(timeout.Milliseconds())-50 {
			t.Errorf("client: timeout callback %s, want operation has timed out after %v", cb, timeout)
		}
		sioCheck(t, "client: timeout callback's other arguments", cb.value("rest"), []any{})
		if p := c.one(t, "timeout-promise"); p.str("error") != "operation has timed out" {
			t.Errorf("client: emitWithAck with a timeout: %s, want rejected with operation has timed out", p)
		}
		if q := c.one(t, "quick-callback"); q.has("error") && q.value("error") != nil || q.str("value") != "fast" {
			t.Errorf("client: timely acknowledgement %s, want error null and value fast", q)
		}
		sioCheck(t, "client: acknowledgement of server-timeouts", c.one(t, "server-timeouts").value("value"), "checked")
		if p := c.one(t, "pending-at-disconnect"); p.str("error") != "socket has been disconnected" {
			t.Errorf("client: pending acknowledgement at disconnection: %s, want socket has been disconnected", p)
		}

		// The server's timeouts.
		wantErrs := map[string]error{
			"Timeout.Emit":                socketio.ErrTimeout,
			"Timeout.EmitWithAck":         socketio.ErrTimeout,
			"EmitWithAck with a deadline": context.DeadlineExceeded,
			"late acknowledgement":        socketio.ErrTimeout,
		}
		for range wantErrs {
			o := sioRecv(t, outcomes, "outcome")
			if !errors.Is(o.err, wantErrs[o.name]) {
				t.Errorf("server: %s: %v, want %v", o.name, o.err, wantErrs[o.name])
			}
			if o.elapsed < timeout-20*time.Millisecond || o.elapsed > timeout+2*time.Second {
				t.Errorf("server: %s: ended after %v, want about %v", o.name, o.elapsed, timeout)
			}
		}
		if n := sioRecv(t, lateCalls, "late acknowledgement calls"); n != 1 {
			t.Errorf("server: the handler of the late acknowledgement was called %d times, want 1", n)
		}
		if err := sioRecv(t, pending, "pending acknowledgement"); !errors.Is(err, socketio.ErrDisconnected) {
			t.Errorf("server: acknowledgement pending at the disconnection: %v, want ErrDisconnected", err)
		}
		if got := sioRecv(t, gone, "disconnection"); got != "client namespace disconnect" {
			t.Errorf("server: disconnected with %q, want client namespace disconnect", got)
		}
		sioCheck(t, "server: never handler calls", never.list(), []string{"x true", "y true", "z true"})
		ignored := c.all("ignored")
		var args []any
		for _, ev := range ignored {
			if !ev.flag("callback") {
				t.Errorf("client: %s came without an acknowledgement callback", ev)
			}
			args = append(args, ev.value("args"))
		}
		sioCheck(t, "client: events it did not acknowledge", args, []any{[]any{"a"}, []any{"b"}, []any{"d"}, []any{"e"}})
		sioCheck(t, "client: late acknowledgement", c.one(t, "late-acked").value("arg"), "c")
	})
}

// TestSocketIOCatchAll: the server's OnAny (before the event's handlers,
// a removed one not called) and OnAnyOutgoing (events and broadcasts, not
// acknowledgements); the client's onAny and onAnyOutgoing.
func TestSocketIOCatchAll(t *testing.T) {
	sioForModes(t, sioModesPair, func(t *testing.T, m mode) {
		type seen struct{ in, out, order []any }
		results := make(chan seen, 1)
		ts := startSIOServer(t, sioOptions(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				var mu sync.Mutex
				var r seen
				s.OnAny(func(name string, a socketio.Args) {
					mu.Lock()
					r.in = append(r.in, []any{name, sioNorm(a)})
					r.order = append(r.order, "any "+name)
					mu.Unlock()
				})
				remove := s.OnAny(func(name string, a socketio.Args) {
					mu.Lock()
					r.order = append(r.order, "removed handler "+name)
					mu.Unlock()
				})
				remove()
				s.OnAnyOutgoing(func(name string, a socketio.Args) {
					mu.Lock()
					r.out = append(r.out, []any{name, sioNorm(a)})
					mu.Unlock()
				})
				s.On("a", func(e *socketio.Event) {
					mu.Lock()
					r.order = append(r.order, "on a")
					mu.Unlock()
				})
				s.On("c", func(e *socketio.Event) { e.Ack("r") })
				s.On("emit-to-me", func(e *socketio.Event) {
					s.Emit("s1", "x")
					s.Emit("s2", map[string]any{"y": []byte{4, 5}})
					srv.Emit("s3", 3)
					e.Ack("emitted")
				})
				s.OnDisconnect(func(socketio.DisconnectReason, error) {
					mu.Lock()
					results <- r
					mu.Unlock()
				})
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "catchall"})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		clientOut := []any{
			[]any{"a", []any{1}},
			[]any{"b", []any{map[string]any{"x": []any{1, 2}}, sioBin([]byte{1, 2, 3})}},
			[]any{"c", []any{"q"}},
			[]any{"emit-to-me", []any{}},
		}
		serverOut := []any{
			[]any{"s1", []any{"x"}},
			[]any{"s2", []any{map[string]any{"y": sioBin([]byte{4, 5})}}},
			[]any{"s3", []any{3}},
		}
		r := sioRecv(t, results, "catch-all results")
		sioCheck(t, "server: OnAny", r.in, clientOut)
		sioCheck(t, "server: OnAnyOutgoing", r.out, serverOut)
		sioCheck(t, "server: handler order", r.order, []any{"any a", "on a", "any b", "any c", "any emit-to-me"})
		ca := c.one(t, "catchall")
		sioCheck(t, "client: onAny", ca.value("anyIn"), serverOut)
		sioCheck(t, "client: onAnyOutgoing", ca.value("anyOut"), clientOut)
		sioCheck(t, "client: acknowledgement of c", c.one(t, "c-ack").value("value"), "r")
		sioCheck(t, "client: acknowledgement of emit-to-me", c.one(t, "emit-to-me-ack").value("value"), "emitted")
	})
}

// sioGone is a disconnection the server saw.
type sioGone struct{ role, nsp, reason string }

func (g sioGone) String() string { return g.role + " " + g.nsp + ": " + g.reason }

// TestSocketIODisconnectReasons: the client's socket.disconnect() ("client
// namespace disconnect" / "io client disconnect"), the server's
// Disconnect() ("server namespace disconnect" / "io server
// disconnect"), Close() (the same, for every namespace of the
// connection, which then closes), and the client closing its Engine.IO
// connection ("transport close" / "forced close", then the client
// reconnects by itself).
func TestSocketIODisconnectReasons(t *testing.T) {
	sioForModes(t, modes, func(t *testing.T, m mode) {
		gone := make(chan sioGone, 16)
		connected := make(chan sioGone, 16)
		ts := startSIOServer(t, sioOptions(), func(srv *socketio.Server) {
			onConnection := func(s *socketio.Socket) {
				var a struct{ Role string }
				json.Unmarshal(s.Handshake().Auth, &a)
				connected <- sioGone{a.Role, s.Namespace().Name(), s.ID()}
				s.On("kick-me", func(e *socketio.Event) { s.Disconnect() })
				s.On("close-me", func(e *socketio.Event) { s.Close() })
				s.On("hello-again", func(e *socketio.Event) { e.Ack("hello") })
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) {
					gone <- sioGone{a.Role, s.Namespace().Name(), r.String()}
				})
			}
			srv.OnConnection(onConnection)
			srv.Of("/custom").OnConnection(onConnection)
		})
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "reasons"})
		c.finish(t)
		for _, role := range []string{"leaver", "kicked", "closed", "engine"} {
			checkSIOOpen(t, c, m, role)
		}

		// Server side: each socket's reason; the "engine" role's socket
		// first sees its transport close, then comes back.
		want := []string{
			"leaver /: client namespace disconnect",
			"kicked /: server namespace disconnect",
			"closed /: server namespace disconnect",
			"closed /custom: server namespace disconnect",
			"engine /: transport close",
			"engine /: client namespace disconnect",
		}
		var got []string
		for range want {
			got = append(got, sioRecv(t, gone, "disconnection").String())
		}
		if i, j := slices.Index(got, want[4]), slices.Index(got, want[5]); i > j {
			t.Errorf("server: the engine role's disconnections came in the order %q", got)
		}
		slices.Sort(got)
		slices.Sort(want)
		sioCheck(t, "server: disconnections", got, want)
		sioNoMore(t, gone, 100*time.Millisecond, "disconnection")
		if n := len(connected); n != 6 {
			t.Errorf("server: %d connections, want 6 (the engine role twice)", n)
		}

		// Client side. The order of the DISCONNECT packets of
		// Close is not specified.
		var reasons []string
		for _, d := range c.all("disconnect") {
			r := fmt.Sprintf("%s %s: %s, active %v", d.str("client"), d.str("nsp"), d.str("reason"), d.flag("active"))
			reasons = append(reasons, r)
		}
		wantReasons := []string{
			"leaver /: io client disconnect, active false",
			"kicked /: io server disconnect, active false",
			"closed /: io server disconnect, active false",
			"closed /custom: io server disconnect, active false",
			"engine /: forced close, active true",
			"engine /: io client disconnect, active false",
		}
		if i, j := slices.Index(reasons, wantReasons[4]), slices.Index(reasons, wantReasons[5]); i > j {
			t.Errorf("client: the engine role's disconnections came in the order %q", reasons)
		}
		slices.Sort(reasons)
		slices.Sort(wantReasons)
		sioCheck(t, "client: disconnections", reasons, wantReasons)
		if n := len(c.where("reconnect", "client", "engine")); n != 1 {
			t.Errorf("client: the engine role reconnected %d times, want 1", n)
		}
		if ids := c.where("connect", "client", "engine"); len(ids) != 2 || ids[0].str("id") == ids[1].str("id") {
			t.Errorf("client: the engine role's connections %v, want two with distinct ids", ids)
		}
		sioCheck(t, "client: hello-again acknowledgement", c.one(t, "hello-again").value("value"), "hello")
		for _, role := range []string{"leaver", "kicked", "closed"} {
			if n := len(c.where("reconnect_attempt", "client", role)); n != 0 {
				t.Errorf("client: %s tried to reconnect %d times, want none", role, n)
			}
		}
	})
}

// TestSocketIOTransportClose: the client's process is killed. Over
// WebSocket the server sees "transport close"; over polling the pending
// GET is aborted, "transport error", as in the reference ("poll
// connection closed prematurely").
func TestSocketIOTransportClose(t *testing.T) {
	sioForModes(t, modes, func(t *testing.T, m mode) {
		type info struct {
			es        *engineio.Session
			transport engineio.Transport
			upgraded  bool
		}
		connected := make(chan info, 1)
		gone := make(chan string, 1)
		// No ping while the test runs: over polling a GET is then always
		// pending, and its abort is what the server sees.
		opts := &socketio.Options{PingInterval: 10 * time.Second, PingTimeout: 5 * time.Second}
		ts := startSIOServer(t, opts, func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				es := s.Conn()
				connected <- info{es, es.Transport(), es.Upgraded()}
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- r.String() })
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "kill"})
		c.waitFor(t, "ready", 1, 10*time.Second)
		in := sioRecv(t, connected, "connection")
		checkSIOTransport(t, "the socket", in.es, in.transport, in.upgraded, m)
		time.Sleep(50 * time.Millisecond)
		c.kill()
		c.waitKilled(t)
		checkSIOOpen(t, c, m, "c")

		want := "transport close"
		if m.final == engineio.Polling {
			want = "transport error"
		}
		if got := sioRecv(t, gone, "disconnection"); got != want {
			t.Errorf("server: disconnected with %q, want %q", got, want)
		}
		select {
		case <-in.es.Done():
		case <-time.After(5 * time.Second):
			t.Errorf("server: session still open")
		}
	})
}

// TestSocketIOPingTimeout: the client's event loop is blocked, so no pong
// comes; both sides see "ping timeout"; the client reconnects by itself
// and talks to the server again.
func TestSocketIOPingTimeout(t *testing.T) {
	const (
		interval = 300 * time.Millisecond
		timeout  = 200 * time.Millisecond
	)
	sioForModes(t, modes, func(t *testing.T, m mode) {
		gone := make(chan string, 4)
		var ids sioRecorder
		opts := &socketio.Options{PingInterval: interval, PingTimeout: timeout}
		ts := startSIOServer(t, opts, func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				ids.add(s.ID())
				s.On("hello-again", func(e *socketio.Event) { e.Ack("hello") })
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- r.String() })
			})
		})
		// The server closes at most interval+timeout into the freeze; the
		// rest is margin for a loaded machine (if the client wakes first,
		// it closes the connection itself and the server sees "transport
		// close").
		freeze := interval + timeout + 800*time.Millisecond
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "ping-timeout", Params: map[string]any{"freezeMs": freeze.Milliseconds()}})
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		if got := sioRecv(t, gone, "first disconnection"); got != "ping timeout" {
			t.Errorf("server: first socket disconnected with %q, want ping timeout", got)
		}
		if got := sioRecv(t, gone, "second disconnection"); got != "client namespace disconnect" {
			t.Errorf("server: second socket disconnected with %q, want client namespace disconnect", got)
		}
		ds := c.all("disconnect")
		if len(ds) != 2 || ds[0].str("reason") != "ping timeout" || !ds[0].flag("active") || ds[1].str("reason") != "io client disconnect" {
			t.Errorf("client: disconnections %v, want ping timeout (active), then io client disconnect", ds)
		}
		if i, j := c.index("unfreeze"), c.index("disconnect"); i < 0 || j < i {
			t.Errorf("client: the disconnection does not come after the freeze")
		}
		var clientIDs []string
		for _, e := range c.all("connect") {
			clientIDs = append(clientIDs, e.str("id"))
		}
		if got := ids.list(); len(got) != 2 || got[0] == got[1] || !slices.Equal(clientIDs, got) {
			t.Errorf("server: sockets %q, client: %q; want the same two distinct ids", got, clientIDs)
		}
		if n := len(c.all("reconnect")); n != 1 {
			t.Errorf("client: %d reconnect events, want 1", n)
		}
		sioCheck(t, "client: hello-again acknowledgement", c.one(t, "hello-again").value("value"), "hello")
	})
}

// TestSocketIOShutdown: Server.Shutdown disconnects the sockets with
// "server shutting down" (no DISCONNECT packet, as in the reference) and
// closes the connections; the client sees "transport close" and tries to
// reconnect.
func TestSocketIOShutdown(t *testing.T) {
	sioForModes(t, modes, func(t *testing.T, m mode) {
		connected := make(chan struct{}, 1)
		gone := make(chan string, 1)
		ts := startSIOServer(t, sioOptions(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				connected <- struct{}{}
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- r.String() })
			})
		})
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "shutdown"})
		c.waitFor(t, "ready", 1, 10*time.Second)
		sioRecv(t, connected, "connection")
		ctx, cancel := sioContext()
		err := ts.srv.Shutdown(ctx)
		cancel()
		if err != nil {
			t.Errorf("server: Shutdown: %v", err)
		}
		if got := sioRecv(t, gone, "disconnection"); got != "server shutting down" {
			t.Errorf("server: disconnected with %q, want server shutting down", got)
		}
		c.finish(t)
		checkSIOOpen(t, c, m, "c")
		d := c.one(t, "disconnect")
		if d.str("reason") != "transport close" || !d.flag("active") {
			t.Errorf("client: disconnected with %s, want transport close, still active", d)
		}
		if cl := c.one(t, "close"); cl.str("reason") != "transport close" {
			t.Errorf("client: Manager closed with %s, want transport close", cl)
		}
		if len(c.all("reconnect_attempt")) == 0 {
			t.Errorf("client: no reconnection attempt")
		}
		if n := ts.srv.Engine().Count(); n != 0 {
			t.Errorf("server: %d sessions after Shutdown", n)
		}
	})
}

// TestSocketIOConnectTimeout: a bare Engine.IO client on the Socket.IO
// path that never sends CONNECT is closed after ConnectTimeout (the
// reference's "forced server close", which no socket is there to see).
func TestSocketIOConnectTimeout(t *testing.T) {
	const connectTimeout = 500 * time.Millisecond
	sioForModes(t, modes, func(t *testing.T, m mode) {
		opts := sioOptions()
		opts.ConnectTimeout = connectTimeout
		ts := startSIOServer(t, opts, func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) { t.Errorf("server: unexpected connection") })
		})
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "raw", Params: map[string]any{"clients": []string{"silent"}}})
		c.finish(t)
		checkSIOOpen(t, c, m, "silent")

		opened := c.oneWhere(t, "open", "client", "silent").num("at")
		closed := c.oneWhere(t, "close", "client", "silent")
		if closed.str("reason") != "transport close" {
			t.Errorf("client: closed with %s, want transport close", closed)
		}
		if d := time.Duration(closed.num("at")-opened) * time.Millisecond; d < connectTimeout-100*time.Millisecond || d > connectTimeout+3*time.Second {
			t.Errorf("client: closed %v after it opened, want about %v", d, connectTimeout)
		}
		if len(c.where("message", "client", "silent")) != 0 {
			t.Errorf("client: got messages")
		}
		if !sioWait(5*time.Second, func() bool { return ts.srv.Engine().Count() == 0 }) {
			t.Errorf("server: %d sessions left", ts.srv.Engine().Count())
		}
	})
}

// TestSocketIOProtocolViolations: bare Engine.IO clients connect to "/"
// and then send an event for a namespace they did not join ("forced
// server close"), an invalid Socket.IO packet ("forced close"), an
// invalid Engine.IO packet ("parse error"). The server closes each
// connection, and its socket sees the reason.
func TestSocketIOProtocolViolations(t *testing.T) {
	sioForModes(t, modes, func(t *testing.T, m mode) {
		gone := make(chan [2]string, 8) // engine id, reason
		ts := startSIOServer(t, sioOptions(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				id := s.Conn().ID()
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- [2]string{id, r.String()} })
			})
		})
		names := []string{"stray", "garbage", "corrupt"}
		c := startSIOClient(t, ts, m, sioConfig{Scenario: "raw", Params: map[string]any{"clients": names}})
		c.finish(t)

		roles := map[string]string{} // engine id -> client
		for _, name := range names {
			checkSIOOpen(t, c, m, name)
			roles[c.oneWhere(t, "open", "client", name).str("engineId")] = name
		}
		got := map[string]string{}
		for range names {
			g := sioRecv(t, gone, "disconnection")
			got[roles[g[0]]] = g[1]
		}
		sioCheck(t, "server: disconnections", got, map[string]any{
			"stray":   "forced server close",
			"garbage": "forced close",
			"corrupt": "parse error",
		})
		for _, name := range []string{"stray", "garbage"} {
			if cl := c.oneWhere(t, "close", "client", name); cl.str("reason") != "transport close" {
				t.Errorf("client: %s closed with %s, want transport close", name, cl)
			}
		}
		// corrupt: over WebSocket "transport close" (code 1011); over
		// polling the POST gets 400 and the client reports "transport
		// error" (the reference answers that POST with 200 "ok", and the
		// client's next request fails instead: "transport error" too).
		c.oneWhere(t, "close", "client", "corrupt")
		if !sioWait(5*time.Second, func() bool { return ts.srv.Engine().Count() == 0 }) {
			t.Errorf("server: %d sessions left", ts.srv.Engine().Count())
		}
	})
}

// TestSocketIOReconnect: the server goes away (Close, and its HTTP server
// too) and a new one starts on the same port; the client's Manager
// reconnects by itself, sends the event it buffered while disconnected,
// and talks to the new server.
func TestSocketIOReconnect(t *testing.T) {
	sioForModes(t, modes, func(t *testing.T, m mode) {
		goneA := make(chan string, 1)
		setup := func(gen string, ids *sioRecorder, buffered chan string) func(*socketio.Server) {
			return func(srv *socketio.Server) {
				srv.OnConnection(func(s *socketio.Socket) {
					ids.add(s.ID())
					s.On("generation", func(e *socketio.Event) { e.Ack(gen) })
					s.On("buffered", func(e *socketio.Event) {
						var x string
						e.Decode(0, &x)
						buffered <- x
					})
					if gen == "A" {
						s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { goneA <- r.String() })
					}
				})
			}
		}
		var idsA, idsB sioRecorder
		bufferedA, bufferedB := make(chan string, 1), make(chan string, 1)
		a := startSIOServer(t, sioOptions(), setup("A", &idsA, bufferedA))
		addr := a.http.Listener.Addr().String()
		c := startSIOClient(t, a, m, sioConfig{Scenario: "restart"})
		c.waitFor(t, "generation", 1, 10*time.Second)
		time.Sleep(50 * time.Millisecond) // over polling, let the client's next GET arrive
		a.stop()
		if got := sioRecv(t, goneA, "disconnection from A"); got != "server shutting down" {
			t.Errorf("server A: disconnected with %q, want server shutting down", got)
		}
		// The client tries while nobody listens.
		c.waitFor(t, "reconnect_error", 1, 10*time.Second)
		startSIOServerOn(t, addr, sioOptions(), setup("B", &idsB, bufferedB))
		c.finish(t)
		checkSIOOpen(t, c, m, "c")

		gens := c.all("generation")
		if len(gens) != 2 || gens[0].str("value") != "A" || gens[1].str("value") != "B" {
			t.Errorf("client: generations %v, want A then B", gens)
		}
		// Over WebSocket the client gets the close frame. Over polling it
		// gets the close packet on its pending GET, unless that GET (or a
		// POST) was on its way when the server went: "transport error".
		d := c.all("disconnect")
		if len(d) != 2 || !d[0].flag("active") || d[1].str("reason") != "io client disconnect" {
			t.Errorf("client: disconnections %v, want an active one, then io client disconnect", d)
		} else if r := d[0].str("reason"); r != "transport close" && (m.final != engineio.Polling || r != "transport error") {
			t.Errorf("client: disconnected from A with %q, want transport close", r)
		}
		conns := c.all("connect")
		if len(conns) != 2 || !slices.Equal(idsA.list(), []string{conns[0].str("id")}) || !slices.Equal(idsB.list(), []string{conns[1].str("id")}) {
			t.Errorf("client: connections %v; server A saw %q, B %q", conns, idsA.list(), idsB.list())
		}
		if n := len(c.all("reconnect")); n != 1 {
			t.Errorf("client: %d reconnect events, want 1", n)
		}
		if got := sioRecv(t, bufferedB, "buffered event"); got != "sent while disconnected" {
			t.Errorf("server B: buffered event %q", got)
		}
		if len(bufferedA) != 0 {
			t.Errorf("server A: got the buffered event")
		}
	})
}
