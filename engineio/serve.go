package engineio

import (
	"net"
	"net/http"
	"strings"

	"github.com/ab218a8d/socketio/internal/h1"
)

// Serve accepts connections on l and serves them until l fails or the
// server is closed; it then returns, with http.ErrServerClosed after Close
// or Shutdown. It is the standalone alternative to mounting the server on an
// http.Server (which remains the way for TLS, HTTP/2 and custom servers).
//
// Requests whose path starts with path (for example "/engine.io/") are the
// server's; the rest go to next (nil: 404 Not Found). Engine.IO's polling
// requests and WebSocket handshakes are read and answered by the server's
// own HTTP/1.1 code, without net/http: a long-polling round trip costs
// about half the system calls. A connection whose request is anything but
// a plain HTTP/1.1 request of known length (HTTP/1.0, chunked bodies,
// Expect, escaped paths, a request for next) is handed, from that request
// on, to a net/http server with the same routing. That is also the case of
// every connection on systems other than Linux.
//
// Idle connections are closed after 60 seconds, and requests whose head
// has not come within 10 seconds. Bodies are limited to MaxHTTPBufferSize
// as through ServeHTTP.
func (srv *Server) Serve(l net.Listener, path string, next http.Handler) error {
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if next == nil {
		next = http.NotFoundHandler()
	}
	ours := func(p string) bool { return strings.HasPrefix(p, path) }
	hs := &h1.Server{
		Handler: srv,
		Match: func(method, p string) bool {
			return (method == http.MethodGet || method == http.MethodPost || method == http.MethodOptions) && ours(p)
		},
		Fallback: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ours(r.URL.Path) {
				srv.ServeHTTP(w, r)
			} else {
				next.ServeHTTP(w, r)
			}
		}),
		MaxBody: srv.cfg.MaxHTTPBufferSize,
	}
	srv.mu.Lock()
	if srv.closing {
		srv.mu.Unlock()
		l.Close()
		return http.ErrServerClosed
	}
	srv.listeners = append(srv.listeners, hs)
	srv.mu.Unlock()
	return hs.Serve(l)
}

// closeListeners closes what Serve serves: its listeners and connections.
func (srv *Server) closeListeners() {
	srv.mu.Lock()
	hs := srv.listeners
	srv.listeners = nil
	srv.mu.Unlock()
	for _, h := range hs {
		h.Close()
	}
}
