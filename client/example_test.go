package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"slices"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/client"
	"github.com/ab218a8d/socketio/parser"
)

// Each example runs a server of package socketio on a loopback port, and
// the client against it; any Socket.IO 4.x server, Node's included, would
// do.

// Connect, listen, emit.
func Example() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("hello", socketio.Typed(func(e *socketio.Event, name string) {
			s.Emit("greeting", "hello, "+name)
		}))
	})
	ts := httptest.NewServer(srv) // srv is an http.Handler
	defer ts.Close()
	defer srv.Close()

	s, err := client.New(ts.URL, nil) // the namespace "/"; ts.URL+"/admin" for another
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	greeting := make(chan string)
	s.On("greeting", client.Typed(func(e *client.Event, msg string) { greeting <- msg }))
	if err := s.Connect(context.Background()); err != nil {
		log.Fatal(err)
	}
	s.Emit("hello", "gopher")
	fmt.Println(<-greeting)
	// Output: hello, gopher
}

// Acknowledgements: the server's e.Ack answers EmitWithAck, or an
// AckHandler passed last to Emit; []byte travels as binary, both ways.
func ExampleSocket_EmitWithAck() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("reverse", socketio.Typed(func(e *socketio.Event, b []byte) {
			slices.Reverse(b)
			e.Ack(b, len(b))
		}))
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, _ := client.New(ts.URL, nil)
	defer s.Close()
	ctx := context.Background()
	answer, err := s.EmitWithAck(ctx, "reverse", []byte{1, 2, 3})
	var reversed []byte
	var n int
	if err == nil {
		err = answer.Bind(&reversed, &n)
	}
	fmt.Println(reversed, n, err)

	// The same, without waiting: the handler runs when the answer comes.
	done := make(chan struct{})
	s.Emit("reverse", []byte("abc"), func(answer client.Args, err error) {
		var reversed []byte
		answer.Decode(0, &reversed)
		fmt.Printf("%s %v\n", reversed, err)
		close(done)
	})
	<-done

	// An event the server does not acknowledge: Timeout bounds the wait.
	_, err = s.Timeout(50*time.Millisecond).EmitWithAck(ctx, "unknown")
	fmt.Println(err, errors.Is(err, client.ErrTimeout))
	// Output:
	// [3 2 1] 3 <nil>
	// cba <nil>
	// socketio: operation has timed out true
}

// A Manager multiplexes sockets of several namespaces over one
// connection.
func ExampleManager_Socket() {
	srv := socketio.NewServer(nil)
	conns := make(chan string, 2) // the server's ids of the Engine.IO connections
	for _, name := range []string{"/", "/admin"} {
		srv.Of(name).OnConnection(func(s *socketio.Socket) {
			conns <- s.Conn().ID()
			s.On("where", func(e *socketio.Event) { e.Ack(s.Namespace().Name()) })
		})
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	m, err := client.NewManager(ts.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	for _, name := range []string{"/", "/admin"} {
		s := m.Socket(name, nil)
		answer, err := s.EmitWithAck(context.Background(), "where") // connects s first
		var where string
		if err == nil {
			err = answer.Bind(&where)
		}
		fmt.Println(s.Namespace(), "->", where, err)
	}
	first, second := <-conns, <-conns
	fmt.Println("one connection:", first == second)
	// Output:
	// / -> / <nil>
	// /admin -> /admin <nil>
	// one connection: true
}

// Retries makes delivery at least once: an emit whose acknowledgement
// does not come within AckTimeout is sent again, up to Retries times.
// The server sees the same event again, and must tell the copies apart
// if it matters.
func ExampleSocketOptions_retries() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		tries := map[string]int{} // the socket's handlers run one at a time
		s.On("order", socketio.Typed(func(e *socketio.Event, id string) {
			tries[id]++
			fmt.Printf("server: order %s, try %d\n", id, tries[id])
			if tries[id] == 1 {
				return // as if the answer were lost
			}
			e.Ack("done")
		}))
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, _ := client.New(ts.URL, &client.Options{SocketOptions: client.SocketOptions{
		Retries:    2,
		AckTimeout: 200 * time.Millisecond,
	}})
	defer s.Close()
	ctx := context.Background()
	answer, err := s.EmitWithAck(ctx, "order", "A1")
	var status string
	if err == nil {
		err = answer.Bind(&status)
	}
	fmt.Println("client: A1", status, err)

	// An event the server never acknowledges: three tries, then ErrTimeout.
	_, err = s.EmitWithAck(ctx, "unknown")
	fmt.Println("client:", err)
	// Output:
	// server: order A1, try 1
	// server: order A1, try 2
	// client: A1 done <nil>
	// client: socketio: operation has timed out
}

// Typed decodes an event's first argument into the handler's type; an
// argument that does not fit goes to the OnError handlers.
func ExampleTyped() {
	type Point struct{ X, Y int }
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.Emit("point", Point{1, 2})
		s.Emit("point", "not a point")
		s.Emit("done")
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, _ := client.New(ts.URL, nil)
	defer s.Close()
	// The handlers run one at a time, in the order of the events.
	s.On("point", client.Typed(func(e *client.Event, p Point) {
		fmt.Printf("point %+v\n", p)
	}))
	s.OnError(func(err error) {
		fmt.Println("error, not a Point:", errors.Is(err, parser.ErrArgType))
	})
	done := make(chan struct{})
	s.On("done", func(*client.Event) { close(done) })
	if err := s.Connect(context.Background()); err != nil {
		log.Fatal(err)
	}
	<-done
	// Output:
	// point {X:1 Y:2}
	// error, not a Point: true
}

// A Manager reconnects when its connection breaks, and its sockets
// connect again; the handlers say what happens, in order.
func ExampleManager_OnReconnect() {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("drop", func(*socketio.Event) { s.Conn().Close() }) // the whole connection
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, _ := client.New(ts.URL, &client.Options{
		ReconnectionDelay:   10 * time.Millisecond, // 1 s by default, doubling at each attempt
		RandomizationFactor: -1,                    // no jitter
	})
	connected, closed := make(chan struct{}), make(chan struct{})
	s.OnConnect(func() {
		fmt.Println("connected")
		connected <- struct{}{}
	})
	s.OnDisconnect(func(reason client.DisconnectReason, _ error) {
		fmt.Println("disconnected:", reason, "- will reconnect:", s.Active())
		if reason == client.ReasonIOClientDisconnect {
			close(closed)
		}
	})
	s.Manager().OnReconnect(func(attempts int) { fmt.Println("reconnected, attempts:", attempts) })
	s.Connect(context.Background())
	<-connected
	s.Emit("drop")
	<-connected
	s.Close()
	<-closed
	// Output:
	// connected
	// disconnected: transport close - will reconnect: true
	// reconnected, attempts: 1
	// connected
	// disconnected: io client disconnect - will reconnect: false
}
