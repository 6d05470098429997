package main

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/ab218a8d/socketio/client"
)

// The server of main.go and a Go client: []byte goes up as an argument,
// and comes down inside a struct, as binary attachments both ways.
func Example() {
	srv := newServer()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	s, err := client.New(ts.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	files := make(chan File, 1)
	s.On("file", client.Typed(func(_ *client.Event, f File) { files <- f }))

	answer, err := s.EmitWithAck(context.Background(), "upload", "hi.txt", []byte("hello"))
	var size int
	var sha256 string
	if err == nil {
		err = answer.Bind(&size, &sha256)
	}
	fmt.Println("uploaded:", size, sha256, err)

	s.Emit("download", 8)
	f := <-files
	fmt.Println("downloaded:", f.Name, f.Data)
	// Output:
	// uploaded: 5 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 <nil>
	// downloaded: bytes.bin [0 1 2 3 4 5 6 7]
}
