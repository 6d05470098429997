package interop

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
)

// These tests run socket.io-client 2.5.0 (npm, as socket.io-client-v2) in
// Node.js against a server with AllowEIO3, with js/socketio-client-v2.mjs,
// in each of the client's modes (sio2Modes). The 2.x client also has
// JSONP polling, which it uses only where XHR is missing, as in old
// browsers; browser_test.go drives it in Chromium.

// sio2Conn is a socket as the server saw it connect.
type sio2Conn struct{ nsp, id, engineID, auth string }

// TestSIOClientV2Namespaces: the 2.x client is connected to "/" by the
// server without asking, and connects to "/admin" with its auth in the
// CONNECT's query; the socket ids are as the reference builds them, the
// engine's id on "/" and "/admin#<engine id>" elsewhere, on both sides.
// Refusals by middlewares reach the client as "error" events: the
// error's data, or its message when it has none, on "/" as on the others.
// The client leaves "/admin", then "/".
func TestSIOClientV2Namespaces(t *testing.T) {
	sio2ForModes(t, func(t *testing.T, m sio2Mode) {
		connected := make(chan sio2Conn, 8)
		var left sioRecorder
		ts, log := startLoggedServer(t, sio2Options(), func(srv *socketio.Server) {
			onConnection := func(s *socketio.Socket) {
				es := s.Conn()
				connected <- sio2Conn{nsp: s.Namespace().Name(), id: s.ID(), engineID: es.ID(), auth: string(s.Handshake().Auth)}
				s.On("whoami", func(e *socketio.Event) {
					e.Ack(map[string]any{"nsp": s.Namespace().Name(), "id": s.ID(), "engineId": es.ID(), "auth": s.Handshake().Auth})
				})
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) {
					left.add(es.ID() + " " + s.Namespace().Name() + ": " + r.String())
				})
			}
			srv.Use(func(s *socketio.Socket) error {
				if s.Handshake().Query.Get("deny") == "1" {
					return &socketio.ConnectError{Message: "denied"}
				}
				return nil
			})
			srv.OnConnection(onConnection)
			admin := srv.Of("/admin")
			admin.Use(func(s *socketio.Socket) error {
				var a struct{ Token string }
				if err := s.Handshake().BindAuth(&a); err != nil || a.Token != "abc" {
					return &socketio.ConnectError{Message: "not authorized", Data: map[string]any{"code": 4001, "token": a.Token}}
				}
				return nil
			})
			admin.OnConnection(onConnection)
			plain := srv.Of("/plain")
			plain.Use(func(s *socketio.Socket) error { return &socketio.ConnectError{Message: "plain refusal"} })
		})
		c := startSIO2Client(t, ts, m, "namespaces", map[string]any{
			"adminQuery": map[string]any{"token": "abc"},
			"badQuery":   map[string]any{"token": "xyz"},
		})
		c.finish(t)
		checkSIOOpen(t, c, m.mode, "c")
		checkSIO2Requests(t, log, m)

		engineOf := map[string]string{}
		for _, name := range []string{"c", "refused", "denied"} {
			engineOf[name] = c.oneWhere(t, "open", "client", name).str("engineId")
		}
		sid := engineOf["c"]

		// Server side: c on "/" and "/admin", refused on "/" (where the
		// server put it), denied nowhere.
		var got []string
		for range 3 {
			j := sioRecv(t, connected, "connection")
			got = append(got, fmt.Sprintf("%s %s id %s auth %s", j.engineID, j.nsp, j.id, j.auth))
		}
		sioNoMore(t, connected, 50*time.Millisecond, "connection")
		sort.Strings(got)
		want := []string{
			fmt.Sprintf("%s / id %s auth {}", sid, sid),
			fmt.Sprintf(`%s /admin id /admin#%s auth {"token":"abc"}`, sid, sid),
			fmt.Sprintf("%s / id %s auth {}", engineOf["refused"], engineOf["refused"]),
		}
		sort.Strings(want)
		sioCheck(t, "server: connections", got, want)

		// Client side: the ids the 2.x client computed, and what the
		// server answered.
		for nsp, id := range map[string]string{"/": sid, "/admin": "/admin#" + sid} {
			if ev := c.oneWhere(t, "connect", "nsp", nsp); ev.str("id") != id || ev.str("engineId") != sid {
				t.Errorf("client: %s connected as %s on session %s, want %s on %s", nsp, ev.str("id"), ev.str("engineId"), id, sid)
			}
			auth := map[string]any{}
			if nsp == "/admin" {
				auth["token"] = "abc"
			}
			sioCheck(t, "client: whoami answer on "+nsp, c.oneWhere(t, "whoami", "nsp", nsp).value("info"),
				map[string]any{"nsp": nsp, "id": id, "engineId": sid, "auth": auth})
		}
		sioCheck(t, "client: whoami answer on / after /admin left", c.one(t, "whoami-after").value("info"),
			map[string]any{"nsp": "/", "id": sid, "engineId": sid, "auth": map[string]any{}})

		// The refusals.
		var errs []string
		for _, e := range c.all("error") {
			errs = append(errs, fmt.Sprintf("%s %s: %s", e.str("client"), e.str("nsp"), sioJSON(e.value("data"))))
		}
		sort.Strings(errs)
		sioCheck(t, "client: refusals", errs, []string{
			`denied /: "denied"`,
			`refused /admin: {"code":4001,"token":"xyz"}`,
			`refused /plain: "plain refusal"`,
		})
		for _, name := range []string{"refused", "denied"} {
			if evs := c.where("connect", "client", name); len(evs) != 0 {
				t.Errorf("client: %s connected: %v", name, evs)
			}
		}

		// The leaving, both sides. (The other clients' sockets disconnect
		// as the script ends.)
		ofC := func() []string {
			var out []string
			for _, l := range left.list() {
				if strings.HasPrefix(l, sid+" ") {
					out = append(out, strings.TrimPrefix(l, sid+" "))
				}
			}
			return out
		}
		sioWait(5*time.Second, func() bool { return len(ofC()) >= 2 })
		sioCheck(t, "server: disconnections of c", ofC(), []string{"/admin: client namespace disconnect", "/: client namespace disconnect"})
		for _, nsp := range []string{"/", "/admin"} {
			if d := c.oneWhere(t, "disconnect", "nsp", nsp); d.str("reason") != "io client disconnect" {
				t.Errorf("client: %s disconnected with %s, want io client disconnect", nsp, d)
			}
		}
	})
}

// TestSIOClientV2EmitsAndAcks: events and acknowledgements both ways,
// with binary data (Buffers) nested in objects and arrays, and text whose
// UTF-16 length differs from its UTF-8 one (v3 payloads count UTF-16
// code units).
func TestSIOClientV2EmitsAndAcks(t *testing.T) {
	text := "naïve € \U0001F600 \u2028 \"q\" \\ \n end"
	// echoArgs are what the client sends; want what the server gets.
	echoArgs := func(send bool) []any {
		return []any{
			map[string]any{
				"name":  text,
				"file":  sioBin(genBinary(1000)),
				"parts": []any{sioBin([]byte{}), 1, sioBin([]byte{0, 1, 2, 255}), map[string]any{"deep": sioBin([]byte("deep"))}},
			},
			sioBin(genBinary(100_000)),
			[]any{[]any{sioBin([]byte("x"))}, text},
			nil,
			true,
			1.5,
		}
	}
	noteArgs := []any{"note", map[string]any{"b": sioBin([]byte{7})}}
	type blob struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	}
	sbinArgs := []any{
		map[string]any{"a": []byte{1, 2, 3}, "list": []any{[]byte{}, text, []byte{255}}},
		blob{Name: "blob", Data: genBinary(5000)},
		genBinary(200_000),
	}
	sbinWant := []any{
		map[string]any{"a": sioBin([]byte{1, 2, 3}), "list": []any{sioBin([]byte{}), text, sioBin([]byte{255})}},
		map[string]any{"name": "blob", "data": sioBin(genBinary(5000))},
		sioBin(genBinary(200_000)),
	}
	sbinReply := []any{map[string]any{"got": text, "back": []any{sioBin([]byte{5, 6}), map[string]any{"k": sioBin([]byte{})}}}, sioBin([]byte("tail"))}
	tellArgs := []any{"plain", map[string]any{"n": 1, "bin": []byte{1, 2}}}

	sio2ForModes(t, func(t *testing.T, m sio2Mode) {
		received := make(chan any, 1)
		notes := make(chan any, 1)
		acked := make(chan any, 1)
		errs := make(chan error, 8)
		ts, log := startLoggedServer(t, sio2Options(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				s.On("echo", func(e *socketio.Event) {
					vals, err := e.Values()
					if err != nil {
						errs <- err
					}
					received <- sioNorm(vals)
					if err := e.Ack(map[string]any{"echo": vals, "extra": []byte{9, 8, 7}}, []byte{}); err != nil {
						errs <- err
					}
				})
				s.On("note", func(e *socketio.Event) {
					if e.WantsAck() {
						errs <- errors.New("note came with an acknowledgement")
					}
					vals, err := e.Values()
					if err != nil {
						errs <- err
					}
					notes <- sioNorm(vals)
				})
				s.On("serve-me", func(e *socketio.Event) {
					go func() {
						if err := s.Emit("tell", tellArgs...); err != nil {
							errs <- err
						}
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
						e.Ack("served")
					}()
				})
			})
		})
		c := startSIO2Client(t, ts, m, "emits", map[string]any{"echoArgs": echoArgs(true), "noteArgs": noteArgs, "sbinReply": sbinReply})
		c.finish(t)
		checkSIOOpen(t, c, m.mode, "c")
		checkSIO2Requests(t, log, m)

		sioCheck(t, "server: echo arguments", sioRecv(t, received, "echo event"), echoArgs(false))
		sioCheck(t, "server: note arguments", sioRecv(t, notes, "note event"), noteArgs)
		sioCheck(t, "server: sbin acknowledgement", sioRecv(t, acked, "sbin acknowledgement"), sbinReply)
		sioCheck(t, "client: echo acknowledgement", c.one(t, "echo-ack").value("args"),
			[]any{map[string]any{"echo": echoArgs(false), "extra": sioBin([]byte{9, 8, 7})}, sioBin([]byte{})})
		sioCheck(t, "client: tell arguments", c.one(t, "tell").value("args"), tellArgs)
		sbin := c.one(t, "sbin")
		sioCheck(t, "client: sbin arguments", sbin.value("args"), sbinWant)
		if !sbin.flag("callback") {
			t.Errorf("client: sbin came without an acknowledgement callback")
		}
		sioCheck(t, "client: serve-me acknowledgement", c.one(t, "served").value("value"), "served")
		for _, ev := range []sioEvent{c.one(t, "echo-ack"), c.one(t, "tell"), sbin} {
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

// TestSIOClientV2RoomsWithV4: 2.x clients (V, W, X) and 4.x clients (A,
// B, of js/socketio-client.mjs) of one server at once, in rooms; exactly
// who gets each broadcast, binary ones too, whose packets the server
// encodes for each protocol (Engine.IO v3 frames binary data with a type
// byte, v4 does not).
func TestSIOClientV2RoomsWithV4(t *testing.T) {
	v4Clients := []map[string]any{
		{"name": "A", "rooms": []string{"r1"}},
		{"name": "B", "rooms": []string{"r1", "r2"}},
	}
	v2Clients := []map[string]any{
		{"name": "V", "rooms": []string{"r1"}},
		{"name": "W", "rooms": []string{"r2"}},
		{"name": "X", "rooms": []string{"r1", "x"}},
	}
	bin2 := map[string]any{"bin": []byte{1, 2, 3}}
	bin7 := map[string]any{"deep": []any{map[string]any{"b": []byte{4}}}}
	with := func(tag string, rest ...any) []any { return []any{tag, sioNorm(rest)} }
	want := map[string][]any{
		"A": {with("3", []byte{255})},
		"B": {"1", with("2", bin2), with("3", []byte{255}), with("6", []any{[]byte{}, "s"}), "8"},
		"V": {"1", with("3", []byte{255}), "4", with("6", []any{[]byte{}, "s"})},
		"W": {with("2", bin2), with("3", []byte{255}), "5", with("6", []any{[]byte{}, "s"}), "8"},
		"X": {"1", with("3", []byte{255}), with("6", []any{[]byte{}, "s"}), with("7", bin7)},
	}
	sio2ForModes(t, func(t *testing.T, m sio2Mode) {
		var mu sync.Mutex
		byName := map[string]*socketio.Socket{}
		errs := make(chan error, 32)
		ts, log := startLoggedServer(t, sio2Options(), func(srv *socketio.Server) {
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
				// A runs the broadcasts once everyone has joined.
				s.On("run", func(e *socketio.Event) {
					all := func() bool {
						mu.Lock()
						defer mu.Unlock()
						return len(byName) == 5
					}
					if !sioWait(10*time.Second, all) {
						errs <- errors.New("run: not everyone joined within 10s")
						return
					}
					mu.Lock()
					a, v := byName["A"], byName["V"]
					mu.Unlock()
					if a != s {
						errs <- fmt.Errorf("run: from %s, want A", s.ID())
					}
					for _, err := range []error{
						a.To("r1").Emit("bc", "1"),
						srv.To("r2").Emit("bc", "2", bin2),
						srv.Emit("bc", "3", []byte{255}),
						srv.To(v.ID()).Emit("bc", "4"),
						srv.Except("r1").Emit("bc", "5"),
						a.Broadcast().Emit("bc", "6", []any{[]byte{}, "s"}),
						srv.To("x").Emit("bc", "7", bin7),
						v.To("r2").Emit("bc", "8"),
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
		c4 := startSIOClient(t, ts, m.mode, sioConfig{Scenario: "rooms", Params: map[string]any{"clients": v4Clients}})
		c2 := startSIO2Client(t, ts, m, "rooms", map[string]any{"clients": v2Clients})
		c4.finish(t)
		c2.finish(t)
		for _, run := range []struct {
			c       *sioClient
			clients []map[string]any
		}{{c4, v4Clients}, {c2, v2Clients}} {
			for _, cl := range run.clients {
				name := cl["name"].(string)
				checkSIOOpen(t, run.c, m.mode, name)
				ev := run.c.oneWhere(t, "connect", "client", name)
				if run.c == c2 && ev.str("id") != ev.str("engineId") {
					t.Errorf("client %s: id %s, want its engine's %s", name, ev.str("id"), ev.str("engineId"))
				}
				rooms := append([]string{ev.str("id")}, cl["rooms"].([]string)...)
				sort.Strings(rooms)
				sioCheck(t, "client: rooms of "+name, run.c.oneWhere(t, "joined", "client", name).value("rooms"), rooms)
				sioCheck(t, "client: broadcasts received by "+name, run.c.oneWhere(t, "received", "client", name).value("tags"), want[name])
			}
		}
		sioCheck(t, "client A: run acknowledgement", c4.one(t, "ran").value("value"), "ran")
		eio := map[string]int{}
		for _, r := range log.list() {
			eio[r.query.Get("EIO")]++
		}
		if len(eio) != 2 || eio["3"] == 0 || eio["4"] == 0 {
			t.Errorf("server: requests by EIO %v, want some of 3 and of 4 only", eio)
		}
		sioDrainErrors(t, errs)
	})
}

// TestSIOClientV2DisconnectReasons: the client's disconnect() ("client
// namespace disconnect" / "io client disconnect"), the server's
// Disconnect() and Close() ("server namespace disconnect" / "io server
// disconnect", with no reconnection), and the server closing the Engine.IO
// session ("forced close" / "transport close"), after which the client
// reconnects by itself and the server connects it to "/" again.
func TestSIOClientV2DisconnectReasons(t *testing.T) {
	sio2ForModes(t, func(t *testing.T, m sio2Mode) {
		var gone, conns sioRecorder
		ts, log := startLoggedServer(t, sio2Options(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				role := s.Handshake().Query.Get("role")
				conns.add(role + " " + s.ID())
				s.On("kick-me", func(e *socketio.Event) { s.Disconnect() })
				s.On("close-me", func(e *socketio.Event) { s.Close() })
				s.On("drop-me", func(e *socketio.Event) { s.Conn().Close() })
				s.On("hello-again", func(e *socketio.Event) { e.Ack("hello " + s.ID()) })
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) {
					gone.add(role + ": " + r.String())
				})
			})
		})
		c := startSIO2Client(t, ts, m, "reasons", nil)
		c.finish(t)
		checkSIO2Requests(t, log, m)
		for _, role := range []string{"leaver", "kicked", "closed"} {
			checkSIOOpen(t, c, m.mode, role)
		}

		want := []string{
			"closed: server namespace disconnect",
			"dropped: client namespace disconnect",
			"dropped: forced close",
			"kicked: server namespace disconnect",
			"leaver: client namespace disconnect",
		}
		sioWait(5*time.Second, func() bool { return len(gone.list()) >= len(want) })
		got := gone.list()
		if i, j := slices.Index(got, "dropped: forced close"), slices.Index(got, "dropped: client namespace disconnect"); i > j {
			t.Errorf("server: the dropped role's disconnections came in the order %q", got)
		}
		sioCheck(t, "server: disconnections", gone.sorted(), want)

		var reasons []string
		for _, d := range c.all("disconnect") {
			reasons = append(reasons, d.str("client")+": "+d.str("reason"))
		}
		sioCheck(t, "client: disconnections", reasons, []string{
			"leaver: io client disconnect",
			"kicked: io server disconnect",
			"closed: io server disconnect",
			"dropped: transport close",
			"dropped: io client disconnect",
		})
		for _, role := range []string{"leaver", "kicked", "closed"} {
			if n := len(c.where("reconnect_attempt", "client", role)); n != 0 {
				t.Errorf("client: %s tried to reconnect %d times, want none", role, n)
			}
		}
		// The dropped role: two sessions, each socket with its engine's id.
		opens, connects := c.where("open", "client", "dropped"), c.where("connect", "client", "dropped")
		if len(opens) != 2 || len(connects) != 2 || len(c.where("reconnect", "client", "dropped")) != 1 {
			t.Fatalf("client: the dropped role opened %d times, connected %d times, want 2 and 2 after one reconnection", len(opens), len(connects))
		}
		for i := range 2 {
			if id := connects[i].str("id"); id != opens[i].str("engineId") || id == "" {
				t.Errorf("client: the dropped role's connection %d has id %q, its session %q", i, id, opens[i].str("engineId"))
			}
		}
		second := connects[1].str("id")
		if second == connects[0].str("id") {
			t.Errorf("client: the dropped role came back with the same id %s", second)
		}
		hello := c.one(t, "hello-again")
		if hello.str("id") != second || hello.str("value") != "hello "+second {
			t.Errorf("client: hello-again %s, want from and to %s", hello, second)
		}
		if got := conns.list(); !slices.Contains(got, "dropped "+second) || len(got) != 5 {
			t.Errorf("server: connections %q, want five, the dropped role's second as %s", got, second)
		}
	})
}

// TestSIOClientV2Shutdown: Server.Shutdown disconnects the socket with
// "server shutting down" and closes the connection; the client sees
// "transport close" and tries to reconnect.
func TestSIOClientV2Shutdown(t *testing.T) {
	sio2ForModes(t, func(t *testing.T, m sio2Mode) {
		connected := make(chan struct{}, 1)
		gone := make(chan string, 1)
		ts, _ := startLoggedServer(t, sio2Options(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				connected <- struct{}{}
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- r.String() })
			})
		})
		c := startSIO2Client(t, ts, m, "shutdown", nil)
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
		checkSIOOpen(t, c, m.mode, "c")
		if d := c.one(t, "disconnect"); d.str("reason") != "transport close" {
			t.Errorf("client: disconnected with %s, want transport close", d)
		}
		if cl := c.one(t, "close"); cl.str("reason") != "transport close" {
			t.Errorf("client: Manager closed with %s, want transport close", cl)
		}
		if len(c.all("reconnect_attempt")) == 0 {
			t.Errorf("client: no reconnection attempt")
		}
	})
}

// The heartbeat of the tests below: Engine.IO v3 clients ping every
// interval, and the server gives up on one interval+timeout after its last
// ping.
const (
	sio2PingInterval = 300 * time.Millisecond
	sio2PingTimeout  = 200 * time.Millisecond
)

func sio2HeartbeatOptions() *socketio.Options {
	return &socketio.Options{AllowEIO3: true, PingInterval: sio2PingInterval, PingTimeout: sio2PingTimeout}
}

// TestSIOClientV2Heartbeat: a 2.x client that pings as it should stays
// connected for twice interval+timeout, on one session, and gets a pong
// to each ping.
func TestSIOClientV2Heartbeat(t *testing.T) {
	const stay = 2 * (sio2PingInterval + sio2PingTimeout)
	sio2ForModes(t, func(t *testing.T, m sio2Mode) {
		type conn struct {
			id string
			es *engineio.Session
		}
		connected := make(chan conn, 2)
		gone := make(chan string, 2)
		still := make(chan string, 1)
		ts, log := startLoggedServer(t, sio2HeartbeatOptions(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				connected <- conn{s.ID(), s.Conn()}
				s.On("still-there", func(e *socketio.Event) {
					still <- s.ID()
					e.Ack("yes")
				})
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- r.String() })
			})
		})
		c := startSIO2Client(t, ts, m, "heartbeat", map[string]any{"stayMs": stay.Milliseconds()})
		c.finish(t)
		checkSIOOpen(t, c, m.mode, "c")
		checkSIO2Requests(t, log, m)

		in := sioRecv(t, connected, "connection")
		if got := sioRecv(t, still, "still-there"); got != in.id {
			t.Errorf("server: still-there from %s, want %s", got, in.id)
		}
		if got := sioRecv(t, gone, "disconnection"); got != "client namespace disconnect" {
			t.Errorf("server: disconnected with %q, want client namespace disconnect", got)
		}
		sioNoMore(t, connected, 50*time.Millisecond, "connection")
		hb := c.one(t, "heartbeat")
		if hb.str("id") != in.id || hb.str("engineId") != in.es.ID() || hb.str("value") != "yes" {
			t.Errorf("client: %s, want the socket %s of session %s answered", hb, in.id, in.es.ID())
		}
		// About stay/interval pings, each answered (the last perhaps not
		// yet).
		pings, pongs := int(hb.num("pings")), int(hb.num("pongs"))
		if minPings := int(stay/sio2PingInterval) - 2; pings < minPings || pongs < pings-1 {
			t.Errorf("client: %d pings and %d pongs in %v, want at least %d pings, each answered", pings, pongs, stay, minPings)
		}
		if len(c.all("disconnect")) != 1 || len(c.all("close")) != 0 {
			t.Errorf("client: lost the connection while pinging")
		}
	})
}

// TestSIOClientV2PingTimeout: a 2.x client pings twice, then stops (its
// heartbeat timers cleared; it still reads). The server closes it with
// "ping timeout", interval+timeout after its last ping, not after the
// handshake; the client sees "transport close".
func TestSIOClientV2PingTimeout(t *testing.T) {
	sio2ForModes(t, func(t *testing.T, m sio2Mode) {
		type close struct {
			reason string
			opened time.Time
			at     time.Time
		}
		gone := make(chan close, 2)
		ts, log := startLoggedServer(t, sio2HeartbeatOptions(), func(srv *socketio.Server) {
			srv.OnConnection(func(s *socketio.Socket) {
				opened := time.Now()
				s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { gone <- close{r.String(), opened, time.Now()} })
			})
		})
		c := startSIO2Client(t, ts, m, "silent", map[string]any{"pongs": 2})
		c.finish(t)
		checkSIOOpen(t, c, m.mode, "c")
		checkSIO2Requests(t, log, m)

		g := sioRecv(t, gone, "disconnection")
		if g.reason != "ping timeout" {
			t.Errorf("server: disconnected with %q, want ping timeout", g.reason)
		}
		silent, end := c.one(t, "silent"), c.one(t, "gone")
		if end.str("reason") != "transport close" {
			t.Errorf("client: disconnected with %s, want transport close", end)
		}
		if end.num("lastPing") != silent.num("lastPing") || silent.num("pongs") != 2 {
			t.Errorf("client: %s, then %s: want silent after 2 pongs, no ping after", silent, end)
		}
		// Allow 50ms for the clocks of Node.js and Go, which are read at
		// different moments of the same events.
		limit := sio2PingInterval + sio2PingTimeout
		last := time.UnixMilli(int64(silent.num("lastPing")))
		if d := g.at.Sub(last); d < limit-50*time.Millisecond || d > limit+time.Second {
			t.Errorf("server: closed %v after the last ping, want about %v", d, limit)
		}
		if d := g.at.Sub(g.opened); d < limit+sio2PingInterval {
			t.Errorf("server: closed %v after the connection, want the pings to have kept it longer", d)
		}
	})
}
