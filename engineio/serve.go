package engineio

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// The settings of NewHTTPServer. A public endpoint needs each of them:
// without them, measured, 500 clients sending a request head a byte at a
// time and 2,000 that connect and send nothing are held forever, a
// goroutine each.
const (
	// HeaderTimeout bounds how long a request's head may take to arrive.
	HeaderTimeout = 10 * time.Second
	// IdleTimeout bounds how long a kept-alive connection may wait for its
	// next request. A long-polling client sends its next request at once.
	IdleTimeout = 60 * time.Second
	// BodyReadTimeout bounds each read of a request body: a body must bring
	// bytes at least this often. A slow upload that makes progress is not
	// cut, however long it takes in all.
	BodyReadTimeout = 30 * time.Second
	// MaxHeaderBytes bounds a request's head (the reference's Node.js
	// limit is 16 KiB).
	MaxHeaderBytes = 64 << 10
)

// NewHTTPServer returns an http.Server serving h with the settings a public
// endpoint needs (see HeaderTimeout, IdleTimeout, BodyReadTimeout and
// MaxHeaderBytes). It sets no ReadTimeout nor WriteTimeout: both bound a
// whole request, which would cut long polls, WebSocket handshakes and slow
// uploads alike. Set Addr, TLSConfig and the rest as for any http.Server.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           BodyTimeout(h, BodyReadTimeout),
		ReadHeaderTimeout: HeaderTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// BodyTimeout wraps h so that every read of a request body must bring data
// within d, and so that what a handler leaves unread is discarded within d
// too: net/http itself bounds a body only as part of ReadTimeout, which
// would also cut a slow upload that makes progress. The connection needs
// to support http.ResponseController's SetReadDeadline, as net/http's do.
func BodyTimeout(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		b := &progressBody{ReadCloser: r.Body, rc: rc, d: d}
		// A copy: net/http looks at its own request's body once h
		// returns, to decide whether the connection can be reused.
		r2 := *r
		r2.Body = b
		h.ServeHTTP(w, &r2)
		if b.failed {
			// The connection is past saving: do not wait to discard.
			rc.SetReadDeadline(time.Now())
		} else {
			// net/http reads the rest of a small body to reuse the
			// connection.
			rc.SetReadDeadline(time.Now().Add(d))
		}
	})
}

// progressBody is a request body each of whose reads must bring data
// within d.
type progressBody struct {
	io.ReadCloser
	rc     *http.ResponseController
	d      time.Duration
	failed bool // a read failed
}

func (b *progressBody) Read(p []byte) (int, error) {
	b.rc.SetReadDeadline(time.Now().Add(b.d))
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.failed = true
	}
	return n, err
}

// ListenAndServe listens on the TCP address addr and serves, as Serve does,
// until the server is closed.
func (srv *Server) ListenAndServe(addr, path string, next http.Handler) error {
	if srv.isClosing() {
		return http.ErrServerClosed
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return srv.Serve(ln, path, next)
}

// Serve accepts connections on l and serves them with an http.Server from
// NewHTTPServer until the server is closed; it then returns
// http.ErrServerClosed. It is the standalone alternative to mounting the
// server on an http.Server of one's own (the way for TLS, HTTP/2 and other
// settings).
//
// Requests whose path starts with path (for example "/engine.io/") are the
// server's; the rest go to next (nil: 404 Not Found). Shutdown lets the
// requests to next under way finish; Close ends them.
func (srv *Server) Serve(l net.Listener, path string, next http.Handler) error {
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if next == nil {
		next = http.NotFoundHandler()
	}
	hs := NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, path) {
			srv.ServeHTTP(w, r)
		} else {
			next.ServeHTTP(w, r)
		}
	}))
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

func (srv *Server) isClosing() bool {
	srv.mu.RLock()
	defer srv.mu.RUnlock()
	return srv.closing
}

// closeListeners stops what Serve serves: gracefully until ctx ends, then
// at once.
func (srv *Server) closeListeners(ctx context.Context) {
	srv.mu.Lock()
	hs := srv.listeners
	srv.listeners = nil
	srv.mu.Unlock()
	for _, h := range hs {
		if h.Shutdown(ctx) != nil {
			h.Close()
		}
	}
}

// ended is a context that has ended: closeListeners with it closes at once.
var ended = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()
