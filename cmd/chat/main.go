// Command chat is the chat demo: the official Socket.IO browser client
// (socket.io-client from npm) talking to this module's Go server.
//
//	./scripts/chat.sh              # installs the client, then go run ./cmd/chat
//	go run ./cmd/chat              # http://localhost:3000
//	go run ./cmd/chat -polling     # HTTP long-polling only, no WebSocket
//
// Pick a nickname, join rooms (a few defaults, or any name), and chat: each
// room shows who is in it and who is typing, your messages get a tick once
// the server acknowledged them, and a banner shows while the connection is
// lost and re-established.
//
// The page is served from the static/ directory and the client from
// node_modules/ (`npm ci --omit=dev` in cmd/chat), both under -web. The
// chat itself is internal/chat, which examples/cluster also runs.
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/internal/chat"
)

func main() {
	addr := flag.String("addr", "localhost:3000", "address to listen on")
	polling := flag.Bool("polling", false, "HTTP long-polling only (no WebSocket)")
	web := flag.String("web", "", "directory with static/ and node_modules/ (default: cmd/chat, found from the working directory)")
	flag.Parse()
	log.SetFlags(0)

	dir := *web
	if dir == "" {
		var err error
		if dir, err = chat.FindDir(); err != nil {
			log.Fatal(err)
		}
	}
	var opts socketio.Options
	if *polling {
		opts.Transports = []socketio.Transport{socketio.Polling}
	}
	a, err := newApp(dir, opts)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C stops at once
	}()
	mode := "WebSocket and long-polling"
	if *polling {
		mode = "long-polling only"
	}
	log.Printf("chat: %s (%s); Ctrl-C to stop", pageURL(*addr, ln.Addr()), mode)
	if err := a.serve(ctx, ln); err != nil {
		log.Fatal(err)
	}
	log.Print("chat: stopped")
}

// app is the chat's web server: the Socket.IO server, the page and the
// client bundle.
type app struct {
	io      *socketio.Server
	handler http.Handler
	grace   time.Duration // how long a shutdown waits for the clients
}

// newApp makes the chat server for the files under dir, with opts for
// its Socket.IO server.
func newApp(dir string, opts socketio.Options) (*app, error) {
	opts.AllowRequest = chat.SameOrigin
	io := socketio.NewServer(&opts)
	h, err := chat.Handler(dir, io)
	if err != nil {
		io.Close()
		return nil, err
	}
	chat.New(io)
	return &app{io: io, handler: h, grace: 2 * time.Second}, nil
}

// serve serves HTTP on ln until ctx is done, then shuts down gracefully
// (chat.Serve).
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	return chat.Serve(ctx, ln, a.handler, a.io, a.grace)
}

// pageURL is the address to open in a browser: the host asked for (or
// localhost) and the port listened on.
func pageURL(asked string, got net.Addr) string {
	host, _, _ := net.SplitHostPort(asked)
	_, port, _ := net.SplitHostPort(got.String())
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
