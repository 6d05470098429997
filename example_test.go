package socketio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/parser"
)

func Example() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.Join("lobby")
		s.On("chat", func(e *socketio.Event) {
			var msg string
			if err := e.Bind(&msg); err != nil {
				return
			}
			s.To("lobby").Emit("chat", s.ID(), msg) // the others in the lobby
			e.Ack("delivered")
		})
		s.OnDisconnect(func(reason socketio.DisconnectReason, _ error) {
			log.Printf("%s left: %s", s.ID(), reason)
		})
	})
	http.Handle("/socket.io/", srv)
	// http.ListenAndServe(":3000", nil)
}

// A middleware refuses connections; the client's connect_error gets the
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
}

// Typed decodes the first argument into the handler's type.
func ExampleTyped() {
	type Move struct{ X, Y int }
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("move", socketio.Typed(func(e *socketio.Event, m Move) {
			s.Broadcast().Volatile().Emit("moved", s.ID(), m)
		}))
	})
}

// Asking a client for an answer, with a timeout, from a handler: its
// answer is read while the handler waits, and the connection's next events
// wait for the handler.
func ExampleSocket_Timeout() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("start", func(e *socketio.Event) {
			args, err := s.Timeout(5*time.Second).EmitWithAck(s.Context(), "ready?")
			if err != nil {
				log.Println("no answer:", err) // socketio.ErrTimeout
				return
			}
			var ready bool
			args.Bind(&ready)
			e.Ack(ready)
		})
	})
}

// Typed2 decodes the first two arguments; a missing one goes to OnError.
func ExampleTyped2() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("move", socketio.Typed2(func(e *socketio.Event, x, y float64) {
			s.Broadcast().Emit("moved", s.ID(), x, y)
		}))
		s.OnError(func(err error) {
			if errors.Is(err, parser.ErrMissingArg) {
				log.Printf("%s: %v", s.ID(), err)
			}
		})
	})
}

// Forwarding an event's arguments, as they came.
func ExampleSocket_Emit_forward() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.OnAny(func(event string, args socketio.Args) {
			s.To("audit").Emit("seen", event, args) // ["seen", event, arg0, arg1, ...]
		})
	})
}

// Panics in handlers are recovered and logged; OnPanic reports them too.
func ExampleServer_OnPanic() {
	srv := socketio.NewServer(nil)
	srv.OnPanic(func(s *socketio.Socket, err *socketio.PanicError) {
		log.Printf("handler of %s panicked: %v\n%s", s.ID(), err.Value, err.Stack)
	})
}

// Broadcasting with acknowledgements from many clients.
func ExampleBroadcastOperator_EmitWithAck() {
	srv := socketio.NewServer(nil)
	defer srv.Close()
	answers, err := srv.To("voters").Timeout(10*time.Second).EmitWithAck(context.Background(), "vote?")
	fmt.Println(answers.Len(), err) // one first argument per client that answered
	// Output: 0 <nil>
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
	defer srv.Close()
	fmt.Println(srv.Of("/").Name())
	// Output: /
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
	for _, path := range []string{"/socket.io/?EIO=4&transport=polling", "/"} {
		res, err := http.Get(base + path)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Printf("%s: %d %.7s\n", path, res.StatusCode, body)
	}

	srv.Close() // Serve returns
	fmt.Println(<-served)
	// Output:
	// /socket.io/?EIO=4&transport=polling: 200 0{"sid"
	// /: 200 the app
	// http: Server closed
}
