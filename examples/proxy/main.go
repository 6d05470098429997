// Proxy: the server behind a reverse proxy. This program runs both: the
// Socket.IO server on a loopback port of its own, and in front of it, on
// -addr, a net/http/httputil.ReverseProxy, which passes WebSocket upgrades
// through (as nginx does with the headers of nginx.conf, next to this file)
// and tells the server who the client is in X-Forwarded-For.
//
//	go run ./examples/proxy            # ws://localhost:3000/socket.io/
//
// In the client: socket.emit("whoami", (addr) => console.log(addr)).
//
// Go clients of this server, in-process, are in example_test.go:
//
//	go test -v -run Example ./examples/proxy
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
)

func main() {
	addr := flag.String("addr", ":3000", "address the proxy listens on")
	flag.Parse()

	srv := newServer()
	backend, err := net.Listen("tcp", "127.0.0.1:0") // only the proxy reaches it
	if err != nil {
		log.Fatal(err)
	}
	go func() { log.Fatal(srv.Serve(backend, "", nil)) }()

	hs := engineio.NewHTTPServer(newProxy(backend.Addr().String()))
	hs.Addr = *addr
	log.Printf("proxy: %s -> Socket.IO on %s", *addr, backend.Addr())
	log.Fatal(hs.ListenAndServe())
}

// newProxy forwards every request to the server at backend, WebSocket
// upgrades included.
func newProxy(backend string) http.Handler {
	target := &url.URL{Scheme: "http", Host: backend}
	return &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		// X-Forwarded-For: the client's address, and only it: the headers
		// of that name the client sent are dropped, as they can be forged.
		r.SetXForwarded()
	}}
}

func newServer() *socketio.Server {
	srv := socketio.NewServer(nil)
	srv.OnConnection(func(s *socketio.Socket) {
		log.Printf("%s connected from %s", s.ID(), clientAddr(s))
		s.On("whoami", func(e *socketio.Event) { e.Ack(clientAddr(s)) })
	})
	return srv
}

// clientAddr is the client's address as the proxy saw it. The server sees
// the proxy's (s.Handshake().Address); the proxy, trusted, wrote the last
// address of X-Forwarded-For (earlier ones, if a proxy appends, come from
// the client). The header is that of the request that opened the
// connection: with long-polling, that of the handshake.
func clientAddr(s *socketio.Socket) string {
	xff := s.Request().Header.Values("X-Forwarded-For")
	if len(xff) == 0 {
		return s.Handshake().Address // reached directly
	}
	last := xff[len(xff)-1]
	return strings.TrimSpace(last[strings.LastIndex(last, ",")+1:])
}
