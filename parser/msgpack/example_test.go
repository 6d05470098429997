package msgpack_test

import (
	"context"
	"fmt"
	"log"
	"net"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/client"
	"github.com/ab218a8d/socketio/parser"
	"github.com/ab218a8d/socketio/parser/msgpack"
)

// A packet with a binary attachment is one binary message; decoded, its
// data is JSON text again, the attachment taken out.
func Example() {
	var p msgpack.Parser
	var attachments [][]byte
	data, err := parser.AppendArray(nil, &attachments, "upload", map[string]any{"name": "a.txt", "body": []byte("hi")})
	if err != nil {
		log.Fatal(err)
	}
	frames, err := p.Encode(&parser.Packet{Type: parser.Event, Namespace: "/", ID: 1, HasID: true, Data: data, Attachments: attachments})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d message, binary %v, %d bytes\n", len(frames), frames[0].Binary, len(frames[0].Data))

	pk, err := p.NewDecoder().Add(frames[0].Data, true)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v id %d: %s %q\n", pk.Type, pk.ID, pk.Data, pk.Attachments)
	// Output:
	// 1 message, binary true, 51 bytes
	// EVENT id 1: ["upload",{"body":{"_placeholder":true,"num":0},"name":"a.txt"}] ["hi"]
}

// A server and a client that both speak msgpack: each side's Options
// name the parser; a JavaScript client passes
// parser: require("socket.io-msgpack-parser").
func Example_server() {
	srv := socketio.NewServer(&socketio.Options{Parser: &msgpack.Parser{}})
	srv.OnConnection(func(s *socketio.Socket) {
		s.On("checksum", func(e *socketio.Event) {
			var file struct {
				Name string
				Body []byte
			}
			if err := e.Bind(&file); err != nil {
				return
			}
			sum := 0
			for _, b := range file.Body {
				sum += int(b)
			}
			e.Ack(file.Name, sum)
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln, "", nil)
	defer srv.Close()

	mgr, err := client.NewManager("http://"+ln.Addr().String(), &client.Options{Parser: &msgpack.Parser{}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()
	s := mgr.Socket("/", nil)
	answer, err := s.EmitWithAck(context.Background(), "checksum", map[string]any{"name": "a.bin", "body": []byte{1, 2, 3}})
	if err != nil {
		log.Fatal(err)
	}
	var name string
	var sum int
	if err := answer.Bind(&name, &sum); err != nil {
		log.Fatal(err)
	}
	fmt.Println(name, sum)
	// Output: a.bin 6
}
