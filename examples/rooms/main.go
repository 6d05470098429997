// Rooms: clients join and leave rooms; a message goes to everyone in a
// room, and an announcement to everyone except the sockets in one room.
//
//	go run ./examples/rooms            # ws://localhost:3000/socket.io/
//
// A client joins with socket.emit("join", "go", () => {}), talks to a room
// with socket.emit("say", "go", "hi"), and hears socket.on("said", ...);
// a socket in the room "dnd" (do not disturb) misses the announcements.
//
// Go clients of this server, in-process, are in example_test.go:
//
//	go test -v -run Example ./examples/rooms
package main

import (
	"flag"
	"log"

	socketio "github.com/ab218a8d/socketio"
)

func main() {
	addr := flag.String("addr", ":3000", "address to listen on")
	flag.Parse()
	log.Printf("rooms: Socket.IO on %s, path /socket.io/", *addr)
	log.Fatal(newServer().ListenAndServe(*addr, "", nil))
}

func newServer() *socketio.Server {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		// Every socket is in the room of its own id, and in those it joins.
		s.On("join", func(e *socketio.Event) {
			var room string
			if err := e.Bind(&room); err != nil {
				return
			}
			s.Join(room)
			s.To(room).Emit("joined", room, s.ID()) // the others in the room
			e.Ack()
		})
		s.On("leave", func(e *socketio.Event) {
			var room string
			if err := e.Bind(&room); err != nil {
				return
			}
			s.Leave(room)
			s.To(room).Emit("left", room, s.ID())
			e.Ack()
		})
		// To a room, the sender excepted: s.To; with the sender: srv.To.
		s.On("say", func(e *socketio.Event) {
			var room, text string
			if err := e.Bind(&room, &text); err != nil {
				return
			}
			s.To(room).Emit("said", room, s.ID(), text)
		})
		// To everyone, the sender included, but the sockets in "dnd".
		s.On("announce", func(e *socketio.Event) {
			var text string
			if err := e.Bind(&text); err != nil {
				return
			}
			srv.Except("dnd").Emit("announcement", text)
		})
		// Rooms are left on disconnection; they are still visible here.
		s.OnDisconnecting(func(socketio.DisconnectReason, error) {
			for _, room := range s.Rooms() {
				if room != s.ID() {
					s.To(room).Emit("left", room, s.ID())
				}
			}
		})
	})
	return srv
}
