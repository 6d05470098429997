package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/engineio/client"
)

// A client of an echo server: it opens over long-polling, upgrades to
// WebSocket, and gets its messages back, text and binary.
func Example() {
	srv := engineio.NewServer(engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		return engineio.SessionFuncs{Message: func(m engineio.Message) { s.Send(m) }}
	}), nil)
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", srv)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	defer srv.Close()

	got := make(chan client.Message)
	upgraded := make(chan string, 1)
	c, err := client.Dial(context.Background(), ts.URL, &client.Options{
		OnMessage: func(m client.Message) { got <- m },
		OnUpgrade: func(transport string) { upgraded <- transport },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("opened on", c.Transport())
	fmt.Println("upgraded to", <-upgraded)

	c.Send(client.Message{Data: []byte("hello")})
	c.Send(client.Message{Data: []byte{1, 2, 3}, Binary: true})
	m := <-got
	fmt.Printf("%s (binary: %v)\n", m.Data, m.Binary)
	m = <-got
	fmt.Printf("%v (binary: %v)\n", m.Data, m.Binary)

	c.Close()
	<-c.Done()
	// Output:
	// opened on polling
	// upgraded to websocket
	// hello (binary: false)
	// [1 2 3] (binary: true)
}
