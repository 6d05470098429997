// Package h1 serves HTTP/1.1 on connections it reads itself, for the
// short, frequent requests of Engine.IO long-polling.
//
// net/http spends most of a long-polling round trip on its own machinery:
// a background read and a goroutine per request to notice a client that
// leaves, a read that finds nothing before each request, a header map
// built key by key. Here a connection between requests is watched by a
// netpoll.Poller (no goroutine, no buffer), a request is read with one
// system call, parsed in place, handed to the handler on the goroutine that
// read it, and answered with one write. As with net/http, a request's
// context ends once it has been answered, or earlier when the client
// leaves (seen by the Poller while the handler runs) or the server closes.
//
// Only plain requests are served that way: a method and path that Match
// accepts, HTTP/1.1, a body of known length up to MaxBody. Anything else,
// from the first request that is not plain (or any request a connection
// carries where no Poller is available), goes with its connection to a
// net/http server running Fallback: what this package does not parse, net/http
// does.
package h1

import (
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio/internal/netpoll"
)

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = http.ErrServerClosed

// Server serves HTTP/1.1. Set its fields before Serve; its methods are safe
// for concurrent use.
type Server struct {
	// Handler answers the requests Match accepts, on the goroutine that
	// read them; the connection reads no further request until it returns.
	Handler http.Handler
	// Match reports whether a request goes to Handler.
	Match func(method, path string) bool
	// Fallback answers every other request, through net/http. It must
	// route the requests Match accepts to Handler too: a connection handed
	// to net/http stays there.
	Fallback http.Handler
	// MaxBody is the largest body read before Handler runs (default 1 MB);
	// a request with a larger one goes to Fallback.
	MaxBody int64
	// IdleTimeout closes a connection idle between requests that long
	// (default 60 s); HeaderTimeout one whose request has not fully come
	// that long after its first byte (default 10 s). They are checked
	// every second.
	IdleTimeout, HeaderTimeout time.Duration
	// ErrorLog receives handlers' panics; nil means the log package's
	// standard logger.
	ErrorLog *log.Logger

	startOnce sync.Once
	poller    *netpoll.Poller // nil: every connection goes to Fallback
	fallback  *http.Server
	handoff   *chanListener
	sweepStop chan struct{}
	sweepDone chan struct{}

	clock      atomic.Int64 // UnixNano, a second late at most: see now
	cachedDate atomic.Pointer[date]

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	closed    atomic.Bool // set under mu; read without it on the request path
}

func (s *Server) start() {
	s.startOnce.Do(func() {
		if s.MaxBody <= 0 {
			s.MaxBody = 1 << 20
		}
		if s.IdleTimeout <= 0 {
			s.IdleTimeout = 60 * time.Second
		}
		if s.HeaderTimeout <= 0 {
			s.HeaderTimeout = 10 * time.Second
		}
		s.clock.Store(time.Now().UnixNano())
		s.listeners = make(map[net.Listener]struct{})
		s.conns = make(map[*conn]struct{})
		s.poller, _ = netpoll.New() // nil where not supported
		s.handoff = newChanListener()
		s.fallback = &http.Server{
			Handler:           s.Fallback,
			ReadHeaderTimeout: s.HeaderTimeout,
			IdleTimeout:       s.IdleTimeout,
			ErrorLog:          s.ErrorLog,
		}
		go s.fallback.Serve(s.handoff)
		s.sweepStop, s.sweepDone = make(chan struct{}), make(chan struct{})
		go s.sweep()
	})
}

// Serve accepts connections on l until l fails or the Server is closed,
// and serves them; it returns ErrServerClosed after Close. l is closed when
// Serve returns.
func (s *Server) Serve(l net.Listener) error {
	s.start()
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		l.Close()
	}()
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.isClosed() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				// Out of descriptors, for one: wait as net/http does.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		s.serveConn(nc)
	}
}

func (s *Server) isClosed() bool { return s.closed.Load() }

// serveConn starts serving nc: watched by the Poller until its first
// request comes, or handed to net/http at once if it cannot be.
func (s *Server) serveConn(nc net.Conn) {
	sc, ok := nc.(syscall.Conn)
	if !ok || s.poller == nil {
		s.handOff(nc, nil)
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		s.handOff(nc, nil)
		return
	}
	c := newConn(s, nc, rc)
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		nc.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	w, err := s.poller.WatchHangup(nc, c.readable, c.hangup)
	if err != nil {
		s.forget(c)
		s.handOff(nc, nil)
		return
	}
	c.watched(w)
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// handOff gives nc, and the bytes read from it already, to net/http.
func (s *Server) handOff(nc net.Conn, pending []byte) {
	if !s.handoff.deliver(&replayConn{Conn: nc, pending: pending}) {
		nc.Close() // closed meanwhile
	}
}

// sweep closes the connections past their timeouts, every second.
func (s *Server) sweep() {
	defer close(s.sweepDone)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var expired []*conn
	for {
		select {
		case <-s.sweepStop:
			return
		case <-t.C:
		}
		now := time.Now().UnixNano()
		s.clock.Store(now)
		s.mu.Lock()
		for c := range s.conns {
			if c.expired(now) {
				expired = append(expired, c)
			}
		}
		s.mu.Unlock()
		for i, c := range expired {
			c.close()
			expired[i] = nil
		}
		expired = expired[:0]
	}
}

// now is the time for deadlines, read without a system call: the sweeper
// sets it each second. It is up to a second early, which deadlines make up
// for: they count from one second after it.
func (s *Server) now() int64 { return s.clock.Load() + int64(time.Second) }

// date is the Date header's value, formatted once a second.
func (s *Server) date() string {
	sec := s.clock.Load() / int64(time.Second)
	if d := s.cachedDate.Load(); d != nil && d.sec == sec {
		return d.s
	}
	d := &date{sec: sec, s: time.Unix(sec, 0).UTC().Format(http.TimeFormat)}
	s.cachedDate.Store(d)
	return d.s
}

// Close closes the listeners, the idle connections and net/http's. The
// requests being handled see their context end; Close waits for their
// handlers to return, writes their responses with "Connection: close" and
// closes their connections.
func (s *Server) Close() error {
	s.start()
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return nil
	}
	s.closed.Store(true)
	for l := range s.listeners {
		l.Close()
	}
	var idle []*conn
	for c := range s.conns {
		idle = append(idle, c)
	}
	s.mu.Unlock()
	for _, c := range idle {
		c.closeIfIdle()
	}
	close(s.sweepStop)
	<-s.sweepDone
	s.handoff.Close()
	err := s.fallback.Close()
	if s.poller != nil {
		s.poller.Close()
	}
	return err
}

// chanListener is the net.Listener of the net/http server: its connections
// are the ones handed off.
type chanListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newChanListener() *chanListener {
	return &chanListener{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) deliver(c net.Conn) bool {
	select {
	case l.ch <- c:
		return true
	case <-l.done:
		return false
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return handoffAddr{} }

type handoffAddr struct{}

func (handoffAddr) Network() string { return "handoff" }
func (handoffAddr) String() string  { return "handoff" }

// replayConn is a connection handed to net/http: reads return the bytes
// read from it before the hand-off first.
type replayConn struct {
	net.Conn
	mu      sync.Mutex
	pending []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	return c.Conn.Read(p)
}

// SyscallConn exposes the connection once nothing is left to replay, so
// that a WebSocket upgraded through net/http can be watched by a Poller.
func (c *replayConn) SyscallConn() (syscall.RawConn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sc, ok := c.Conn.(syscall.Conn)
	if len(c.pending) > 0 || !ok {
		return nil, errors.ErrUnsupported
	}
	return sc.SyscallConn()
}
