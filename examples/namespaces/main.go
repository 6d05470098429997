// Namespaces: "/admin" admits only the clients that bring the token, by
// way of a middleware; "/workspace-NAME" namespaces are created the first
// time a client asks for one, each with its own sockets and broadcasts.
//
//	go run ./examples/namespaces -token secret   # ws://localhost:3000/socket.io/
//
// In the client:
//
//	const admin = io("http://localhost:3000/admin", { auth: { token: "secret" } });
//	admin.on("connect_error", (err) => console.log(err.message, err.data));
//	admin.emit("count", (n) => console.log(n, "clients in /"));
//	io("http://localhost:3000/workspace-go").emit("post", "hello");
//
// Go clients of this server, in-process, are in example_test.go:
//
//	go test -v -run Example ./examples/namespaces
package main

import (
	"flag"
	"log"
	"regexp"

	socketio "github.com/ab218a8d/socketio"
)

func main() {
	addr := flag.String("addr", ":3000", "address to listen on")
	token := flag.String("token", "secret", "the token /admin requires")
	flag.Parse()
	log.Printf("namespaces: Socket.IO on %s, path /socket.io/", *addr)
	log.Fatal(newServer(*token).ListenAndServe(*addr, "", nil))
}

func newServer(token string) *socketio.Server {
	srv := socketio.NewServer(nil)

	admin := srv.Of("/admin")
	// Middleware runs before a socket connects; an error refuses it, and
	// the client's connect_error gets the message and the data.
	admin.Use(func(s *socketio.Socket) error {
		var auth struct {
			Token string `json:"token"`
		}
		if err := s.Handshake().BindAuth(&auth); err != nil || auth.Token != token {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]any{"need": "auth.token"}}
		}
		return nil
	})
	admin.OnConnection(func(s *socketio.Socket) {
		s.On("count", func(e *socketio.Event) {
			e.Ack(len(srv.Sockets())) // the clients of "/"
		})
	})

	// A dynamic parent: its middlewares and handlers apply to every child
	// it creates; other unknown names are refused ("Invalid namespace").
	workspaces := srv.OfRegexp(regexp.MustCompile(`^/workspace-[a-z0-9]+$`))
	workspaces.OnConnection(func(s *socketio.Socket) {
		s.On("post", func(e *socketio.Event) {
			var text string
			if err := e.Bind(&text); err != nil {
				return
			}
			s.Namespace().Emit("post", s.Namespace().Name(), text) // this workspace only
		})
	})
	return srv
}
