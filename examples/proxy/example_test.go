package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/ab218a8d/socketio/client"
	eio "github.com/ab218a8d/socketio/engineio/client"
)

// The setup of main.go, the server behind the proxy, and Go clients that
// claim another address in X-Forwarded-For: through the proxy, on either
// transport, the server sees the address the client has; reached
// directly, it believes the header, which is why only the proxy may reach
// it.
func Example() {
	srv := newServer()
	backend := httptest.NewServer(srv)
	defer backend.Close()
	defer srv.Close()
	proxy := httptest.NewServer(newProxy(backend.Listener.Addr().String()))
	defer proxy.Close()

	// whoami asks the server at url, over transport, what the client's
	// address is, with a forged X-Forwarded-For.
	whoami := func(url, transport string) string {
		s, err := client.New(url, &client.Options{Engine: eio.Options{
			Transports: []string{transport},
			Header:     http.Header{"X-Forwarded-For": {"203.0.113.7"}},
		}})
		if err != nil {
			log.Fatal(err)
		}
		defer s.Close()
		answer, err := s.EmitWithAck(context.Background(), "whoami")
		var addr string
		if err == nil {
			err = answer.Bind(&addr)
		}
		if err != nil {
			log.Fatal(err)
		}
		return addr
	}
	fmt.Println("through the proxy, long-polling:", whoami(proxy.URL, eio.Polling))
	fmt.Println("through the proxy, WebSocket:", whoami(proxy.URL, eio.WebSocket))
	fmt.Println("directly:", whoami(backend.URL, eio.WebSocket))
	// Output:
	// through the proxy, long-polling: 127.0.0.1
	// through the proxy, WebSocket: 127.0.0.1
	// directly: 203.0.113.7
}
