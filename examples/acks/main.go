// Acks: acknowledgements both ways. The client asks the server for an
// answer (its callback gets what the handler passes to e.Ack), and the
// server asks the client, waiting for its answer at most a few seconds.
//
//	go run ./examples/acks             # ws://localhost:3000/socket.io/
//
// In the client:
//
//	socket.on("name?", (callback) => callback("Ann"));
//	socket.on("welcome", (name) => console.log("welcome", name));
//	socket.emit("add", 1, 2, (sum) => console.log(sum)); // 3
//
// Go clients of this server, in-process, are in example_test.go:
//
//	go test -v -run Example ./examples/acks
package main

import (
	"flag"
	"log"
	"time"

	socketio "github.com/ab218a8d/socketio"
)

func main() {
	addr := flag.String("addr", ":3000", "address to listen on")
	flag.Parse()
	log.Printf("acks: Socket.IO on %s, path /socket.io/", *addr)
	log.Fatal(newServer(10*time.Second).ListenAndServe(*addr, "", nil))
}

// newServer returns the server; clients get wait to tell their name.
func newServer(wait time.Duration) *socketio.Server {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		// The client's callback: e.Ack answers it, once.
		s.On("add", func(e *socketio.Event) {
			var a, b float64
			if err := e.Bind(&a, &b); err != nil {
				e.Ack(nil, "add takes two numbers") // callback(sum, error)
				return
			}
			e.Ack(a + b)
		})

		// The server asks, and waits for the answer: a connection handler
		// (or an event handler) may, as the client's answer is read while
		// it waits. The connection's events wait for it meanwhile (on a
		// goroutine of its own, it would let them through).
		name := "stranger"
		// err is socketio.ErrTimeout if no answer came in time.
		args, err := s.Timeout(wait).EmitWithAck(s.Context(), "name?")
		if err == nil {
			err = args.Bind(&name)
		}
		if err != nil {
			log.Printf("%s: no name: %v", s.ID(), err)
		}
		s.Emit("welcome", name)

		// The same without blocking: an AckHandler, last argument of Emit,
		// is called with the answer, ErrTimeout, or ErrDisconnected.
		s.On("quiz", func(e *socketio.Event) {
			s.Timeout(wait).Emit("question", "2+2?", func(args socketio.Args, err error) {
				var answer float64
				if err == nil {
					err = args.Bind(&answer)
				}
				s.Emit("verdict", err == nil && answer == 4)
			})
		})
	})
	return srv
}
