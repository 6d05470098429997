package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/client"
	eio "github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/internal/eiotest"
	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The tests run our server and the client in synctest bubbles over an
// in-memory network, in each transport mode: reconnection delays, ack
// timeouts and heartbeats pass in virtual time, and the end of a bubble
// proves that every goroutine of the client ended.

type mode = eiotest.Mode

type env struct {
	*eiotest.Env
	srv *socketio.Server
}

func newEnv(t *testing.T, opts *socketio.Options) *env {
	if opts == nil {
		opts = &socketio.Options{}
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	srv := socketio.NewServer(opts)
	return &env{Env: eiotest.NewEnv(t, srv, "/socket.io/", func() { srv.Close() }), srv: srv}
}

// options returns client options that reach e in mode m.
func (e *env) options(m mode) *client.Options {
	o := &client.Options{Engine: eio.Options{HTTPClient: e.HTTP, NetDialContext: e.Net.Dial}}
	switch m {
	case eiotest.Polling:
		o.Engine.Transports = []string{eio.Polling}
	case eiotest.WebSocket:
		o.Engine.Transports = []string{eio.WebSocket}
	}
	return o
}

// echoServer answers "echo" with an ack of the same arguments, or an
// "echo" event when no ack was asked for.
func echoServer(n interface{ OnConnection(func(*socketio.Socket)) }) {
	n.OnConnection(func(s *socketio.Socket) {
		s.On("echo", func(e *socketio.Event) {
			if e.WantsAck() {
				e.Ack(e.Args)
				return
			}
			s.Emit("echo", e.Args)
		})
	})
}

func dial(t *testing.T, e *env, m mode, url string, o *client.Options) *client.Socket {
	t.Helper()
	if o == nil {
		o = e.options(m)
	}
	s, err := client.New(url, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Manager().Close() })
	return s
}

type payload struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
	List []any  `json:"list"`
}

func TestEmitAndAck(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		echoServer(e.srv)
		s := dial(t, e, m, "http://mem", nil)
		got := make(chan *client.Event, 1)
		s.On("echo", func(ev *client.Event) { got <- ev })
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		if s.ID() == "" || !s.Connected() {
			t.Fatalf("connected without an id")
		}
		in := payload{Name: "x", Data: []byte{0, 1, 2, 255}, List: []any{"a", []byte("b")}}
		if err := s.Emit("echo", 1, in, []byte("raw")); err != nil {
			t.Fatal(err)
		}
		ev := <-got
		var n int
		var out payload
		var raw []byte
		if err := ev.Bind(&n, &out, &raw); err != nil {
			t.Fatal(err)
		}
		if n != 1 || out.Name != "x" || string(out.Data) != string(in.Data) || string(raw) != "raw" {
			t.Fatalf("echo: %d %+v %q", n, out, raw)
		}
		var tree any // binary at any depth of an interface is []byte
		if err := ev.Decode(1, &tree); err != nil {
			t.Fatal(err)
		}
		if b, ok := tree.(map[string]any)["list"].([]any)[1].([]byte); !ok || string(b) != "b" {
			t.Fatalf("nested binary came back as %#v", tree)
		}
		args, err := s.EmitWithAck(t.Context(), "echo", "ping", map[string]any{"bin": []byte{9}})
		if err != nil {
			t.Fatal(err)
		}
		var str string
		var obj struct{ Bin []byte }
		if err := args.Bind(&str, &obj); err != nil || str != "ping" || string(obj.Bin) != "\x09" {
			t.Fatalf("ack: %q %+v %v", str, obj, err)
		}
		acked := make(chan string, 1)
		s.Emit("echo", "cb", client.AckHandler(func(a client.Args, err error) {
			var v string
			a.Decode(0, &v)
			acked <- v
		}))
		if v := <-acked; v != "cb" {
			t.Fatalf("ack handler got %q", v)
		}
	})
}

// The server asks the client; the client's handler acknowledges.
func TestServerAsksClient(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		answer := make(chan string, 1)
		e.srv.OnConnection(func(s *socketio.Socket) {
			go func() {
				args, err := s.Timeout(5*time.Second).EmitWithAck(context.Background(), "question", "sum", 2, 3)
				if err != nil {
					answer <- err.Error()
					return
				}
				var v string
				args.Bind(&v)
				answer <- v
			}()
		})
		s := dial(t, e, m, "http://mem", nil)
		s.On("question", client.Typed3(func(ev *client.Event, op string, a, b int) {
			ev.Ack(fmt.Sprintf("%s=%d", op, a+b))
		}))
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := <-answer; got != "sum=5" {
			t.Fatalf("the server got %q", got)
		}
	})
}

// Two namespaces share one Engine.IO session.
func TestMultiplexing(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		engines := make(chan string, 2)
		for _, n := range []string{"/", "/admin"} {
			e.srv.Of(n).OnConnection(func(s *socketio.Socket) {
				engines <- s.Conn().ID()
				s.Emit("hello", s.Namespace().Name())
			})
		}
		mgr, err := client.NewManager("http://mem", e.options(m))
		if err != nil {
			t.Fatal(err)
		}
		defer mgr.Close()
		hello := make(chan string, 2)
		for _, n := range []string{"/", "/admin"} {
			s := mgr.Socket(n, nil)
			s.On("hello", client.Typed(func(_ *client.Event, v string) { hello <- v }))
			if err := s.Connect(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if a, b := <-engines, <-engines; a != b {
			t.Fatalf("two engine sessions: %s and %s", a, b)
		}
		got := []string{<-hello, <-hello}
		slices.Sort(got)
		if !slices.Equal(got, []string{"/", "/admin"}) {
			t.Fatalf("hello from %v", got)
		}
		if mgr.Socket("/admin", nil) != mgr.Socket("admin", nil) {
			t.Fatal("two sockets for one namespace")
		}
	})
}

func TestAuthAndRefusal(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		priv := e.srv.Of("/private")
		priv.Use(func(s *socketio.Socket) error {
			var auth struct{ Token string }
			s.Handshake().BindAuth(&auth)
			if auth.Token != "secret" {
				return &socketio.ConnectError{Message: "not authorized", Data: map[string]any{"reason": "bad token"}}
			}
			return nil
		})
		calls := 0
		o := e.options(m)
		o.AuthFunc = func() any {
			calls++
			return map[string]string{"token": "wrong"}
		}
		s := dial(t, e, m, "http://mem/private", o)
		errs := make(chan error, 4)
		s.OnConnectError(func(err error) { errs <- err })
		err := s.Connect(t.Context())
		var ce *client.ConnectError
		if !errors.As(err, &ce) || ce.Message != "not authorized" || string(ce.Data) != `{"reason":"bad token"}` {
			t.Fatalf("Connect: %v (%#v)", err, ce)
		}
		if got := <-errs; !errors.As(got, &ce) {
			t.Fatalf("connect_error: %v", got)
		}
		time.Sleep(30 * time.Second) // a refusal does not reconnect
		synctest.Wait()
		if calls != 1 || len(errs) != 0 || s.Active() {
			t.Fatalf("after a refusal: %d CONNECTs, %d more errors, active %v", calls, len(errs), s.Active())
		}

		o = e.options(m)
		o.Auth = map[string]string{"token": "secret"}
		s2 := dial(t, e, m, "http://mem/private", o)
		if err := s2.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDisconnectReasons(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		serverReasons := make(chan socketio.DisconnectReason, 4)
		kick := make(chan *socketio.Socket, 4)
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { serverReasons <- r })
			kick <- s
		})
		s := dial(t, e, m, "http://mem", nil)
		type disc struct {
			r      client.DisconnectReason
			active bool
		}
		reasons := make(chan disc, 4)
		s.OnDisconnect(func(r client.DisconnectReason, _ error) { reasons <- disc{r, s.Active()} })

		// The server disconnects the socket: no reconnection.
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		(<-kick).Disconnect()
		if d := <-reasons; d.r != client.ReasonIOServerDisconnect || d.active {
			t.Fatalf("got %v (active %v), want io server disconnect, inactive", d.r, d.active)
		}
		<-serverReasons

		// The client disconnects.
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		<-kick
		s.Disconnect()
		if d := <-reasons; d.r != client.ReasonIOClientDisconnect || d.active {
			t.Fatalf("got %v, want io client disconnect", d.r)
		}
		if r := <-serverReasons; r != socketio.ReasonClientNamespaceDisconnect {
			t.Fatalf("the server saw %v", r)
		}

		// The connection breaks: the socket reconnects by itself.
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		(<-kick).Conn().Close()
		if d := <-reasons; d.r != client.ReasonTransportClose && d.r != client.ReasonTransportError || !d.active {
			t.Fatalf("got %v (active %v), want transport close, active", d.r, d.active)
		}
		<-kick // connected again
	})
}

// Reconnection after the connection broke follows the backoff, tells the
// Manager's handlers, and sends what was emitted meanwhile, in order.
func TestReconnectAndBuffer(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		conns := make(chan *socketio.Socket, 4)
		var mu sync.Mutex
		var got []int
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("n", client2server(func(v int) {
				mu.Lock()
				got = append(got, v)
				mu.Unlock()
			}))
			conns <- s
		})
		o := e.options(m)
		o.RandomizationFactor = -1
		s := dial(t, e, m, "http://mem", o)
		var events []string
		var evMu sync.Mutex
		note := func(f string, a ...any) {
			evMu.Lock()
			events = append(events, fmt.Sprintf(f, a...))
			evMu.Unlock()
		}
		mgr := s.Manager()
		var attemptAt time.Time
		mgr.OnReconnectAttempt(func(n int) { attemptAt = time.Now(); note("attempt %d", n) })
		mgr.OnReconnect(func(n int) { note("reconnect %d", n) })
		connected := make(chan struct{}, 4)
		s.OnConnect(func() { connected <- struct{}{} })
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		<-connected
		first := <-conns
		down := make(chan struct{})
		var once sync.Once
		s.OnDisconnect(func(client.DisconnectReason, error) { once.Do(func() { close(down) }) })
		first.Conn().Close()
		<-down
		start := time.Now()
		for i := range 5 {
			s.Emit("n", i)
		}
		<-connected
		// The attempt starts after exactly the backoff's first delay; the
		// handshake after it takes virtual time only when the upgrade's
		// probe crosses a poll (the server then holds it up to 100 ms).
		if d := attemptAt.Sub(start); d != time.Second {
			t.Errorf("reconnection attempt after %v, want 1s (no randomization)", d)
		}
		time.Sleep(time.Second) // virtual: past an upgrade held up as above
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
			t.Fatalf("the server got %v", got)
		}
		evMu.Lock()
		defer evMu.Unlock()
		if !slices.Equal(events, []string{"attempt 1", "reconnect 1"}) {
			t.Fatalf("manager events %v", events)
		}
	})
}

func client2server(f func(int)) socketio.EventHandler {
	return socketio.Typed(func(_ *socketio.Event, v int) { f(v) })
}

// With Retries, every emit reaches the server at least once, in order,
// though the server drops the first acknowledgement of each.
func TestRetries(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var mu sync.Mutex
		seen := map[int]int{}
		var order []int
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("job", func(ev *socketio.Event) {
				var v int
				ev.Bind(&v)
				mu.Lock()
				seen[v]++
				n := seen[v]
				order = append(order, v)
				mu.Unlock()
				if n >= 2 {
					ev.Ack("done", v)
				}
			})
		})
		o := e.options(m)
		o.Retries = 3
		o.AckTimeout = time.Second
		s := dial(t, e, m, "http://mem", o)
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		results := make(chan int, 10)
		for i := range 5 {
			s.Emit("job", i, client.AckHandler(func(a client.Args, err error) {
				var v int
				if err == nil {
					a.Decode(1, &v)
				} else {
					v = -1
				}
				results <- v
			}))
		}
		for i := range 5 {
			if v := <-results; v != i {
				t.Fatalf("ack %d: got %d", i, v)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(order, []int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4}) {
			t.Fatalf("the server saw %v", order)
		}
		// A job that is never acknowledged is given up after 1 + Retries tries.
		args, err := s.EmitWithAck(t.Context(), "never")
		if !errors.Is(err, client.ErrTimeout) {
			t.Fatalf("never acknowledged: %v %v", args, err)
		}
	})
}

func TestTimeoutAndVolatile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, nil)
		got := make(chan string, 4)
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("x", func(ev *socketio.Event) {
				var v string
				ev.Bind(&v)
				got <- v
			})
		})
		s := dial(t, e, eiotest.WebSocket, "http://mem", nil)
		// Volatile while disconnected: dropped, not buffered.
		s.Volatile().Emit("x", "volatile")
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		s.Emit("x", "plain")
		if v := <-got; v != "plain" {
			t.Fatalf("got %q first", v)
		}
		start := time.Now()
		_, err := s.Timeout(3*time.Second).EmitWithAck(t.Context(), "x", "wait")
		if !errors.Is(err, client.ErrTimeout) || time.Since(start) != 3*time.Second {
			t.Fatalf("timeout: %v after %v", err, time.Since(start))
		}
		if _, err := s.EmitWithAck(t.Context(), "connect"); !errors.Is(err, client.ErrReservedEvent) {
			t.Fatalf("reserved: %v", err)
		}
	})
}

func TestCatchAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, nil)
		echoServer(e.srv)
		s := dial(t, e, eiotest.WebSocket, "http://mem", nil)
		var mu sync.Mutex
		var log []string
		s.OnAny(func(ev string, a client.Args) {
			b, _ := json.Marshal(a)
			mu.Lock()
			log = append(log, "in "+ev+string(b))
			mu.Unlock()
		})
		s.OnAnyOutgoing(func(ev string, a client.Args) {
			b, _ := json.Marshal(a)
			mu.Lock()
			log = append(log, "out "+ev+string(b))
			mu.Unlock()
		})
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		s.Emit("echo", 1, "two")
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(log, []string{`out echo[1,"two"]`, `in echo[1,"two"]`}) {
			t.Fatalf("catch-all saw %v", log)
		}
	})
}

// The server is down: the socket keeps trying with the backoff and tells
// connect_error each time, then connects once the server is there.
func TestConnectWhileServerDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, nil)
		o := e.options(eiotest.WebSocket)
		o.RandomizationFactor = -1
		o.ReconnectionAttempts = 3
		o.NoAutoConnect = true // the first attempt is Connect's: its error reaches the socket
		o.Engine.NetDialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return nil, errors.New("refused")
		}
		s := dial(t, e, eiotest.WebSocket, "http://mem", o)
		var fails int
		s.OnConnectError(func(error) { fails++ })
		start := time.Now()
		err := s.Connect(t.Context())
		if !errors.Is(err, client.ErrReconnectFailed) {
			t.Fatalf("Connect: %v", err)
		}
		// 1 s, 2 s, 4 s between the four attempts.
		if d := time.Since(start); d != 7*time.Second {
			t.Errorf("gave up after %v, want 7s", d)
		}
		synctest.Wait()
		if fails != 4 {
			t.Errorf("%d connect errors, want 4", fails)
		}
	})
}

// A socket that the server disconnected or refused, or that disconnected
// itself, connects again over the connection another namespace keeps
// open: Connect sends a new CONNECT on the same connection.
func TestConnectAgainOverSharedConnection(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		kick := make(chan *socketio.Socket, 4)
		e.srv.OnConnection(func(s *socketio.Socket) { kick <- s })
		e.srv.Of("/admin").OnConnection(func(*socketio.Socket) {})
		var refuse atomic.Bool
		refuse.Store(true)
		e.srv.Of("/private").Use(func(*socketio.Socket) error {
			if refuse.Load() {
				return &socketio.ConnectError{Message: "not now"}
			}
			return nil
		})
		release, release2 := make(chan struct{}), make(chan struct{})
		e.srv.Of("/slow").Use(func(*socketio.Socket) error {
			<-release
			return nil
		})
		slowGone := make(chan socketio.DisconnectReason, 4)
		e.srv.Of("/slow").OnConnection(func(s *socketio.Socket) {
			s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { slowGone <- r })
		})
		e.srv.Of("/slow2").Use(func(*socketio.Socket) error {
			<-release2
			return nil
		})
		mgr, err := client.NewManager("http://mem", e.options(m))
		if err != nil {
			t.Fatal(err)
		}
		defer mgr.Close()
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		admin, root := mgr.Socket("/admin", nil), mgr.Socket("/", nil)
		reasons := make(chan client.DisconnectReason, 4)
		root.OnDisconnect(func(r client.DisconnectReason, _ error) { reasons <- r })
		for _, s := range []*client.Socket{admin, root} {
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
		}
		engineID := mgr.Engine().ID()

		(<-kick).Disconnect()
		if r := <-reasons; r != client.ReasonIOServerDisconnect {
			t.Fatalf("got %v, want io server disconnect", r)
		}
		if err := root.Connect(ctx); err != nil {
			t.Fatalf("Connect after the server disconnected the socket: %v", err)
		}
		<-kick

		root.Disconnect()
		if err := root.Connect(ctx); err != nil {
			t.Fatalf("Connect after Disconnect: %v", err)
		}
		<-kick

		priv := mgr.Socket("/private", nil)
		var ce *client.ConnectError
		if err := priv.Connect(ctx); !errors.As(err, &ce) {
			t.Fatalf("Connect to /private: %v, want a refusal", err)
		}
		refuse.Store(false)
		if err := priv.Connect(ctx); err != nil {
			t.Fatalf("Connect after a refusal: %v", err)
		}

		// A Connect that gave up before the server's answer, which then
		// comes and is dropped.
		slow := mgr.Socket("/slow", nil)
		short, cancelShort := context.WithTimeout(ctx, time.Second)
		defer cancelShort()
		if err := slow.Connect(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Connect to /slow: %v, want the context's deadline", err)
		}
		close(release)
		synctest.Wait()
		// The server's socket of the answer that came too late is
		// disconnected.
		select {
		case r := <-slowGone:
			if r != socketio.ReasonClientNamespaceDisconnect {
				t.Fatalf("the late socket of /slow left with %v", r)
			}
		default:
			t.Fatalf("the late socket of /slow is still connected on the server")
		}
		if err := slow.Connect(ctx); err != nil {
			t.Fatalf("Connect after a Connect that gave up: %v", err)
		}
		// Connect again before the answer: it is that answer's.
		slow2 := mgr.Socket("/slow2", nil)
		short, cancelShort = context.WithTimeout(ctx, time.Second)
		defer cancelShort()
		if err := slow2.Connect(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Connect to /slow2: %v, want the context's deadline", err)
		}
		time.AfterFunc(time.Second, func() { close(release2) })
		if err := slow2.Connect(ctx); err != nil {
			t.Fatalf("Connect again before the answer: %v", err)
		}
		synctest.Wait()
		if !admin.Connected() || mgr.Engine() == nil || mgr.Engine().ID() != engineID {
			t.Fatalf("the connection changed meanwhile: admin %v, engine %v (was %s)", admin.Connected(), mgr.Engine(), engineID)
		}
	})
}

// Manager.Close drops the server's events still waiting for the handler
// goroutine: only the handler running finishes; the disconnect handlers
// run.
func TestCloseDropsWaitingEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, nil)
		e.srv.OnConnection(func(s *socketio.Socket) {
			for i := range 5 {
				s.Emit("n", i)
			}
		})
		s := dial(t, e, eiotest.WebSocket, "http://mem", nil)
		gate := make(chan struct{})
		var mu sync.Mutex
		var ran []int
		s.On("n", client.Typed(func(_ *client.Event, v int) {
			mu.Lock()
			ran = append(ran, v)
			mu.Unlock()
			if v == 0 {
				<-gate
			}
		}))
		reasons := make(chan client.DisconnectReason, 2)
		s.OnDisconnect(func(r client.DisconnectReason, _ error) { reasons <- r })
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the handler of the first event waits; the others are queued
		s.Manager().Close()
		close(gate)
		synctest.Wait()
		mu.Lock()
		if !slices.Equal(ran, []int{0}) {
			t.Errorf("handlers ran for %v after Close, want only the one running", ran)
		}
		mu.Unlock()
		if len(reasons) != 1 || <-reasons != client.ReasonForcedClose {
			t.Errorf("no forced close told")
		}

		// Connect opens the Manager again: events are handled again.
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(ran) != 6 {
			t.Errorf("after Connect again, handlers ran for %v", ran)
		}
	})
}
