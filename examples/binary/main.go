// Binary: []byte values travel as binary attachments, both ways. The
// client uploads bytes (an ArrayBuffer, a typed array, a Blob or a Node
// Buffer), which a handler binds to a []byte; a []byte anywhere in what
// the server emits, struct fields included, reaches the client as an
// ArrayBuffer (a Buffer in Node).
//
//	go run ./examples/binary           # ws://localhost:3000/socket.io/
//
// In the client:
//
//	socket.emit("upload", "hi.txt", new TextEncoder().encode("hi"), (size, sha256) => console.log(size, sha256));
//	socket.on("file", (f) => console.log(f.name, new Uint8Array(f.data)));
//	socket.emit("download", 16);
//
// Go clients of this server, in-process, are in example_test.go:
//
//	go test -v -run Example ./examples/binary
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"log"

	socketio "github.com/ab218a8d/socketio"
)

func main() {
	addr := flag.String("addr", ":3000", "address to listen on")
	flag.Parse()
	log.Printf("binary: Socket.IO on %s, path /socket.io/", *addr)
	log.Fatal(newServer().ListenAndServe(*addr, "", nil))
}

// File is sent with its Data as a binary attachment.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

func newServer() *socketio.Server {
	srv := socketio.NewServer(nil) // uploads up to MaxHTTPBufferSize, 1 MB
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("upload", func(e *socketio.Event) {
			var name string
			var data []byte
			if err := e.Bind(&name, &data); err != nil {
				return
			}
			sum := sha256.Sum256(data)
			log.Printf("%s uploaded %s: %d bytes", s.ID(), name, len(data))
			e.Ack(len(data), hex.EncodeToString(sum[:]))
		})
		s.On("download", func(e *socketio.Event) {
			var size int
			if err := e.Bind(&size); err != nil || size < 0 || size > 1<<16 {
				return
			}
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(i)
			}
			s.Emit("file", File{Name: "bytes.bin", Data: data})
		})
	})
	return srv
}
