package socketio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/client"
	eio "github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/parser"
)

// Each example runs its server on a loopback port and drives it with the
// Go client, package client; a JavaScript client (socket.io-client 4.x)
// does the same with the same events.

// A chat server, and two clients: what one says reaches the other, and
// its callback hears that it was delivered.
func Example() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.Join("lobby")
		s.On("chat", func(e *socketio.Event) {
			var msg string
			if err := e.Bind(&msg); err != nil {
				return
			}
			s.To("lobby").Emit("chat", msg) // the others in the lobby
			e.Ack("delivered")
		})
	})
	// Serve a loopback port. srv is an http.Handler too:
	// http.Handle("/socket.io/", srv) mounts it on a mux of one's own, and
	// httptest.NewServer(srv) serves it in a test.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln, "", nil)
	defer srv.Close()
	url := "http://" + ln.Addr().String()

	ctx := context.Background()
	say := func(who *client.Socket, name, msg string) {
		answer, err := who.EmitWithAck(ctx, "chat", msg) // the server's e.Ack
		var status string
		if err == nil {
			err = answer.Bind(&status)
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s says %q: %s\n", name, msg, status)
	}

	bob, _ := client.New(url, nil)
	defer bob.Close()
	heard := make(chan string)
	bob.On("chat", client.Typed(func(_ *client.Event, msg string) { heard <- msg }))
	if err := bob.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	say(bob, "bob", "anyone here?") // nobody else is

	ann, _ := client.New(url, nil)
	defer ann.Close()
	if err := ann.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	say(ann, "ann", "hi bob")
	fmt.Println("bob hears:", <-heard)
	// Output:
	// bob says "anyone here?": delivered
	// ann says "hi bob": delivered
	// bob hears: hi bob
}

// A middleware refuses connections; the client's Connect gets the
// message and the data.
func ExampleNamespace_Use() {
	srv := socketio.NewServer(nil)
	admin := srv.Of("/admin")
	admin.Use(func(s *socketio.Socket) error {
		var auth struct{ Token string }
		if err := s.Handshake().BindAuth(&auth); err != nil || auth.Token != "secret" {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]any{"retry": false}}
		}
		return nil
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	for _, token := range []string{"guess", "secret"} {
		s, _ := client.New(ts.URL+"/admin", &client.Options{
			SocketOptions: client.SocketOptions{Auth: map[string]string{"token": token}},
		})
		err := s.Connect(context.Background())
		var refused *client.ConnectError
		if errors.As(err, &refused) {
			fmt.Printf("%s: %s %s\n", token, refused.Message, refused.Data)
		} else {
			fmt.Printf("%s: connected %v, %v\n", token, s.Connected(), err)
		}
		s.Close()
	}
	// Output:
	// guess: not authorized {"retry":false}
	// secret: connected true, <nil>
}

// Typed decodes the first argument into the handler's type.
func ExampleTyped() {
	type Move struct{ X, Y int }
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		var at Move // where the client is: its handlers run one at a time
		s.On("move", socketio.Typed(func(e *socketio.Event, m Move) {
			at.X, at.Y = at.X+m.X, at.Y+m.Y
			e.Ack(at)
		}))
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, _ := client.New(ts.URL, nil)
	defer s.Close()
	for _, m := range []Move{{1, 2}, {3, -1}} {
		answer, err := s.EmitWithAck(context.Background(), "move", m)
		var at Move
		if err == nil {
			err = answer.Bind(&at)
		}
		fmt.Printf("moved by %+v: at %+v %v\n", m, at, err)
	}
	// Output:
	// moved by {X:1 Y:2}: at {X:1 Y:2} <nil>
	// moved by {X:3 Y:-1}: at {X:4 Y:1} <nil>
}

// Asking a client for an answer, with a timeout, from a handler: its
// answer is read while the handler waits, and the connection's next events
// wait for the handler.
func ExampleSocket_Timeout() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("start", func(e *socketio.Event) {
			args, err := s.Timeout(200*time.Millisecond).EmitWithAck(s.Context(), "ready?")
			if err != nil {
				e.Ack(false, err.Error()) // socketio.ErrTimeout
				return
			}
			var ready bool
			args.Bind(&ready)
			e.Ack(ready)
		})
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	// One client answers the question; the other does not listen to it.
	ready, _ := client.New(ts.URL, nil)
	defer ready.Close()
	ready.On("ready?", func(e *client.Event) { e.Ack(true) })
	silent, _ := client.New(ts.URL, nil)
	defer silent.Close()
	start := func(name string, s *client.Socket) {
		answer, err := s.EmitWithAck(context.Background(), "start")
		if err != nil {
			log.Fatal(err)
		}
		values, _ := answer.Values()
		fmt.Println(name, values)
	}
	start("ready", ready)
	start("silent", silent)
	// Output:
	// ready [true]
	// silent [false socketio: operation has timed out]
}

// Typed2 decodes the first two arguments; a missing one goes to OnError.
func ExampleTyped2() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("move", socketio.Typed2(func(e *socketio.Event, x, y float64) {
			e.Ack(fmt.Sprintf("moved to %g,%g", x, y))
		}))
		s.OnError(func(err error) {
			if errors.Is(err, parser.ErrMissingArg) {
				s.Emit("invalid", err.Error())
			}
		})
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, _ := client.New(ts.URL, nil)
	defer s.Close()
	invalid := make(chan string)
	s.On("invalid", client.Typed(func(_ *client.Event, msg string) { invalid <- msg }))
	answer, err := s.EmitWithAck(context.Background(), "move", 1.5, 2)
	if err != nil {
		log.Fatal(err)
	}
	var moved string
	answer.Bind(&moved)
	fmt.Println(moved)
	s.Emit("move", 3) // y is missing
	fmt.Println(<-invalid)
	// Output:
	// moved to 1.5,2
	// socketio: missing argument: argument 1 of 1
}

// Forwarding an event's arguments, as they came.
func ExampleSocket_Emit_forward() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.OnAny(func(event string, args socketio.Args) {
			s.To("audit").Emit("seen", event, args) // ["seen", event, arg0, arg1, ...]
		})
		s.On("audit", func(e *socketio.Event) {
			s.Join("audit")
			e.Ack()
		})
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()
	ctx := context.Background()

	auditor, _ := client.New(ts.URL, nil)
	defer auditor.Close()
	seen := make(chan []any)
	auditor.On("seen", func(e *client.Event) {
		values, _ := e.Values() // []byte stays []byte
		seen <- values
	})
	if _, err := auditor.EmitWithAck(ctx, "audit"); err != nil { // in the room once answered
		log.Fatal(err)
	}

	user, _ := client.New(ts.URL, nil)
	defer user.Close()
	user.Emit("chat", "hi", map[string]any{"to": "all"}, []byte{1, 2, 3})
	fmt.Println(<-seen)
	// Output:
	// [chat hi map[to:all] [1 2 3]]
}

// Panics in handlers are recovered, logged (to Options.Logger), and
// reported to the OnPanic handlers; the connection goes on.
func ExampleServer_OnPanic() {
	srv := socketio.NewServer(&socketio.Options{Logger: slog.New(slog.DiscardHandler)})
	srv.OnPanic(func(s *socketio.Socket, err *socketio.PanicError) {
		fmt.Printf("a handler of %s panicked: %v\n", s.Namespace().Name(), err.Value) // and err.Stack
	})
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("divide", socketio.Typed2(func(e *socketio.Event, a, b int) {
			e.Ack(a / b)
		}))
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, _ := client.New(ts.URL, nil)
	defer s.Close()
	s.Emit("divide", 1, 0) // no answer: the handler panics
	answer, err := s.EmitWithAck(context.Background(), "divide", 10, 2)
	if err != nil {
		log.Fatal(err)
	}
	var quotient int
	answer.Bind(&quotient)
	fmt.Println("10/2 =", quotient)
	// Output:
	// a handler of / panicked: runtime error: integer divide by zero
	// 10/2 = 5
}

// Broadcasting with acknowledgements from many clients.
func ExampleBroadcastOperator_EmitWithAck() {
	srv := socketio.NewServer(nil)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	for _, vote := range []string{"yes", "no", "yes"} {
		s, _ := client.New(ts.URL, nil)
		defer s.Close()
		s.On("vote?", func(e *client.Event) { e.Ack(vote) })
		if err := s.Connect(context.Background()); err != nil {
			log.Fatal(err)
		}
	}

	answers, err := srv.Timeout(time.Second).EmitWithAck(context.Background(), "vote?")
	votes := make([]string, answers.Len()) // one first argument per client that answered
	for i := range votes {
		answers.Decode(i, &votes[i])
	}
	slices.Sort(votes) // they come in any order
	fmt.Println(votes, err)
	// Output:
	// [no yes yes] <nil>
}

// A server is configured from this package alone; a nil *Options gives the
// reference's defaults.
func ExampleNewServer() {
	srv := socketio.NewServer(&socketio.Options{
		PingInterval:      10 * time.Second,
		MaxHTTPBufferSize: 2e6,
		CORS:              &socketio.CORSOptions{Origins: []string{"https://example.com"}},
		// CORS does not cover WebSocket: check the origin of both transports.
		AllowRequest:   socketio.AllowOrigins("https://example.com"),
		ConnectTimeout: 10 * time.Second,
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	// A browser sends its page's origin; a Go client, what it is told to.
	for _, origin := range []string{"https://example.com", "https://evil.example"} {
		s, _ := client.New(ts.URL, &client.Options{
			Engine:         eio.Options{Header: http.Header{"Origin": {origin}}},
			NoReconnection: true,
		})
		err := s.Connect(context.Background())
		var refused *eio.HTTPError
		if errors.As(err, &refused) {
			fmt.Printf("%s: refused, %s: %s\n", origin, refused.Status, refused.Message)
		} else {
			fmt.Printf("%s: connected %v, %v\n", origin, s.Connected(), err)
		}
		s.Close()
	}
	// Output:
	// https://example.com: connected true, <nil>
	// https://evil.example: refused, 403 Forbidden: origin not allowed
}

// Serve listens itself, as Node's io.listen (ListenAndServe takes an
// address instead); requests for other paths go to the handler given (here
// a page).
func ExampleServer_Serve() {
	srv := socketio.NewServer(nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "the app") })
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln, "/socket.io/", page) }()
	base := "http://" + ln.Addr().String()

	s, _ := client.New(base, nil) // on /socket.io/, the default path
	err = s.Connect(context.Background())
	fmt.Println("client connected:", s.Connected(), err)
	s.Close()

	res, err := http.Get(base + "/")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Printf("GET /: %d %s\n", res.StatusCode, body)

	srv.Close() // Serve returns
	fmt.Println(<-served)
	// Output:
	// client connected: true <nil>
	// GET /: 200 the app
	// http: Server closed
}
