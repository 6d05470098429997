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
// node_modules/ (`npm ci --omit=dev` in cmd/chat), both under -web.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
)

// clientBundle is the official browser bundle of socket.io-client, under
// the web directory.
const clientBundle = "node_modules/socket.io-client/dist/socket.io.min.js"

func main() {
	addr := flag.String("addr", "localhost:3000", "address to listen on")
	polling := flag.Bool("polling", false, "HTTP long-polling only (no WebSocket)")
	web := flag.String("web", "", "directory with static/ and node_modules/ (default: cmd/chat, found from the working directory)")
	flag.Parse()
	log.SetFlags(0)

	dir := *web
	if dir == "" {
		var err error
		if dir, err = findWebDir(); err != nil {
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
	chat    *chat
	handler http.Handler
	grace   time.Duration // how long a shutdown waits for the clients
}

// newApp makes the chat server for the files under dir, with opts for
// its Socket.IO server.
func newApp(dir string, opts socketio.Options) (*app, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	static := filepath.Join(dir, "static")
	if _, err := os.Stat(filepath.Join(static, "index.html")); err != nil {
		return nil, fmt.Errorf("chat: no page in %s: %w", static, err)
	}
	bundle := filepath.Join(dir, filepath.FromSlash(clientBundle))
	if _, err := os.Stat(bundle); err != nil {
		return nil, fmt.Errorf("chat: the socket.io-client bundle is missing (%w): run `npm ci --omit=dev` in %s, or use ./scripts/chat.sh", err, dir)
	}

	opts.AllowRequest = sameOrigin
	io := socketio.NewServer(&opts)
	chat := newChat(io)

	mux := http.NewServeMux()
	mux.Handle("/socket.io/", io)
	mux.HandleFunc("GET /socket.io.min.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, bundle)
	})
	mux.HandleFunc("GET /socket.io.min.js.map", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, bundle+".map")
	})
	mux.Handle("/", http.FileServer(http.Dir(static)))
	return &app{io: io, chat: chat, handler: secureHeaders(mux), grace: 2 * time.Second}, nil
}

// serve serves HTTP on ln until ctx is done, then shuts down gracefully:
// the sockets are disconnected, their connections closed, and the
// requests under way finish. A long-polling client gets the close on its
// next request; those that make none within a.grace (a tab closed
// without a word) are closed at once.
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	hs := engineio.NewHTTPServer(a.handler)
	failed := make(chan error, 1)
	go func() { failed <- hs.Serve(ln) }()
	select {
	case err := <-failed:
		a.io.Close()
		return err
	case <-ctx.Done():
	}
	gctx, cancel := context.WithTimeout(context.Background(), a.grace)
	defer cancel()
	err := a.io.Shutdown(gctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = nil // the sessions left were closed at once
	}
	hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = errors.Join(err, hs.Shutdown(hctx))
	if serr := <-failed; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
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

// secureHeaders keeps the page to its own scripts and server.
func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// sameOrigin refuses Socket.IO connections from pages of other sites: a
// browser sends the page's Origin, which must name this server.
func sameOrigin(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil // not from a browser page, or same-origin GET
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != r.Host {
		return errors.New("cross-origin request refused")
	}
	return nil
}

// findWebDir finds cmd/chat from the working directory: the working
// directory itself, or cmd/chat under it or under one of its parents.
func findWebDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		for _, d := range []string{dir, filepath.Join(dir, "cmd", "chat")} {
			if _, err := os.Stat(filepath.Join(d, "static", "chat.js")); err == nil {
				return d, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("chat: cmd/chat/static not found from %s: run from the repository, or pass -web", wd)
		}
		dir = parent
	}
}
