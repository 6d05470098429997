package chat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
)

// ClientBundle is the official browser bundle of socket.io-client, under
// the web directory.
const ClientBundle = "node_modules/socket.io-client/dist/socket.io.min.js"

// Handler serves the chat's page from dir/static, the client bundle from
// dir/node_modules, and Socket.IO (io) under /socket.io/, all with
// headers that keep the page to its own scripts and server. It fails when
// the page or the bundle is missing.
func Handler(dir string, io http.Handler) (http.Handler, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	static := filepath.Join(dir, "static")
	if _, err := os.Stat(filepath.Join(static, "index.html")); err != nil {
		return nil, fmt.Errorf("chat: no page in %s: %w", static, err)
	}
	bundle := filepath.Join(dir, filepath.FromSlash(ClientBundle))
	if _, err := os.Stat(bundle); err != nil {
		return nil, fmt.Errorf("chat: the socket.io-client bundle is missing (%w): run `npm ci --omit=dev` in %s", err, dir)
	}
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", io)
	mux.HandleFunc("GET /socket.io.min.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, bundle)
	})
	mux.HandleFunc("GET /socket.io.min.js.map", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, bundle+".map")
	})
	mux.Handle("/", http.FileServer(http.Dir(static)))
	return secureHeaders(mux), nil
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

// SameOrigin refuses Socket.IO connections from pages of other sites: a
// browser sends the page's Origin, which must name this server (behind a
// proxy, the Host the proxy passes on). Set it as
// socketio.Options.AllowRequest.
func SameOrigin(r *http.Request) error {
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

// Serve serves h on ln until ctx is done, then shuts down gracefully: the
// sockets of io are disconnected, their connections closed, and the
// requests under way finish. A long-polling client gets the close on its
// next request; those that make none within grace (a tab closed without a
// word) are closed at once.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, io *socketio.Server, grace time.Duration) error {
	hs := engineio.NewHTTPServer(h)
	failed := make(chan error, 1)
	go func() { failed <- hs.Serve(ln) }()
	select {
	case err := <-failed:
		io.Close()
		return err
	case <-ctx.Done():
	}
	gctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := io.Shutdown(gctx)
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

// FindDir finds cmd/chat, the directory with static/ and node_modules/,
// from the working directory: the working directory itself, or cmd/chat
// under it or under one of its parents.
func FindDir() (string, error) {
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
