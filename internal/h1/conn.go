package h1

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio/internal/httpwire"
	"github.com/ab218a8d/socketio/internal/netpoll"
	"github.com/ab218a8d/socketio/internal/rawio"
)

// maxHeaderBytes is the longest request head (request line and headers)
// read here; a longer one goes to net/http, which answers 431 past its own
// limit.
const maxHeaderBytes = 64 << 10

const (
	bufferSize    = 4 << 10
	maxPooledSize = 64 << 10
)

var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, bufferSize); return &b }}

// conn is one connection served here. Its reading state (bp, in, started,
// resp, body) belongs to the Poller's callback, one at a time.
type conn struct {
	s      *Server
	nc     net.Conn
	rc     syscall.RawConn
	watch  *netpoll.Watch // guarded by mu
	remote string

	bp      *[]byte // the pooled buffer in use, or nil
	in      []byte  // bytes read and not yet served
	started int64   // when the request in `in` began to come (UnixNano, by Server.now)
	resp    response
	body    bodyReader

	mu       sync.Mutex
	busy     bool               // a callback runs
	closed   bool               // closed, handed off or hijacked: not ours any more
	gone     bool               // the client left or the server closes: requests start cancelled
	cancel   context.CancelFunc // of the context of the request being served, or nil
	deadline int64              // when idle: the sweeper closes c past it (UnixNano)
}

// noRequest is what each request is made from, with a context of its own
// (http.Request keeps its context unexported).
var noRequest = new(http.Request)

func newConn(s *Server, nc net.Conn, rc syscall.RawConn) *conn {
	c := &conn{s: s, nc: nc, rc: rc, remote: nc.RemoteAddr().String()}
	c.resp.c = c
	c.resp.header = make(http.Header)
	c.deadline = s.now() + int64(s.HeaderTimeout)
	return c
}

// enter marks c busy, unless it is closed. w is c's watch, which the first
// callback may know before serveConn does.
func (c *conn) enter(w *netpoll.Watch) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.watch == nil {
		c.watch = w
	}
	if c.closed {
		return false
	}
	c.busy = true
	return true
}

// watched records c's watch once the Poller has it, and stops it if c was
// closed meanwhile.
func (c *conn) watched(w *netpoll.Watch) {
	c.mu.Lock()
	if c.watch == nil {
		c.watch = w
	}
	closed := c.closed
	c.mu.Unlock()
	if closed {
		w.Stop()
	}
}

// leave marks c idle, with the deadline its state calls for.
func (c *conn) leave() {
	c.mu.Lock()
	c.busy = false
	if len(c.in) == 0 {
		c.deadline = c.s.now() + int64(c.s.IdleTimeout)
	} else {
		c.deadline = c.started + int64(c.s.HeaderTimeout)
	}
	c.mu.Unlock()
}

// release ends c's use of its connection: closed, or, with keep, handed
// to net/http or hijacked; with cancel, the context of the request being
// served ends. It reports false if c was released already.
func (c *conn) release(keep, cancel bool) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.closed = true
	w := c.watch
	c.mu.Unlock()
	switch {
	case w == nil: // serveConn stops it
	case keep:
		w.Release()
	default:
		w.Stop() // closing takes it out of the epoll set
	}
	if cancel {
		c.cancelRequest(true)
	}
	c.s.forget(c)
	return true
}

// close closes the connection.
func (c *conn) close() {
	if c.release(false, true) {
		c.nc.Close()
	}
}

// closeIfIdle closes the connection unless a callback runs; that one,
// whose request's context ends, closes it when it finds the server closed.
func (c *conn) closeIfIdle() {
	c.mu.Lock()
	busy := c.busy
	c.mu.Unlock()
	if busy {
		c.cancelRequest(true)
	} else {
		c.close()
	}
}

// expired reports whether c is idle past its deadline.
func (c *conn) expired(now int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.busy && !c.closed && now > c.deadline
}

// hangup runs on the Poller's goroutine when the client leaves while a
// callback runs: a handler waiting (a long poll) learns it from the
// request's context.
func (c *conn) hangup() { c.cancelRequest(true) }

// startRequest makes cancel, that of the context of the request about to
// be served, end it once it has been answered, or earlier if the client
// leaves or the server closes.
func (c *conn) startRequest(cancel context.CancelFunc) {
	c.mu.Lock()
	if c.gone {
		c.mu.Unlock()
		cancel()
		return
	}
	c.cancel = cancel
	c.mu.Unlock()
}

// cancelRequest ends the context of the request being served, if any; with
// gone, the requests still to come start with theirs ended.
func (c *conn) cancelRequest(gone bool) {
	c.mu.Lock()
	cancel := c.cancel
	c.cancel = nil
	c.gone = c.gone || gone
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// readable runs when the Poller sees data or the client leaving: it reads
// without blocking and serves the requests that came, until nothing is left.
func (c *conn) readable(w *netpoll.Watch) {
	if !c.enter(w) {
		return
	}
	for {
		if c.in == nil {
			c.bp = bufferPool.Get().(*[]byte)
			c.in = (*c.bp)[:0]
		}
		if len(c.in) == cap(c.in) {
			c.grow(len(c.in) + 1) // a long head or body
		}
		free := c.in[len(c.in):cap(c.in)]
		n, errno, err := rawio.Read(c.rc, free)
		switch {
		case err != nil: // closed
			c.finish()
			return
		case errno == syscall.EAGAIN:
			n = 0
		case errno != nil || n == 0: // failed, or the client left
			c.finish()
			c.close()
			return
		}
		if n > 0 {
			if len(c.in) == 0 {
				c.started = c.s.now()
			}
			c.in = c.in[:len(c.in)+n]
			if !c.serve() {
				return // not ours any more
			}
		}
		if n < len(free) { // drained
			if len(c.in) == 0 {
				c.releaseBuffer()
			}
			c.leave()
			if c.s.isClosed() {
				c.closeIfIdle()
				return
			}
			// Past a true Done nothing of c's reading state may be
			// touched: the next callback may be running already.
			if w.Done() || !c.enter(w) {
				return
			}
		}
	}
}

// finish gives back what the callback holds, as the connection goes.
func (c *conn) finish() {
	c.releaseBuffer()
	c.mu.Lock()
	c.busy = false
	c.mu.Unlock()
}

func (c *conn) releaseBuffer() {
	if c.bp != nil && cap(c.in) <= maxPooledSize {
		*c.bp = c.in[:0]
		bufferPool.Put(c.bp)
	}
	c.bp, c.in = nil, nil
}

// grow gives c.in room for size bytes, at least doubling it (a long head
// comes in big reads); the pooled buffer it leaves goes back to the pool.
func (c *conn) grow(size int) {
	in := append(make([]byte, 0, max(size, 2*cap(c.in))), c.in...)
	c.releaseBuffer()
	c.in = in
}

// serve serves the complete requests at the start of c.in and keeps the
// rest there. It reports false when the connection is no longer c's.
func (c *conn) serve() bool {
	for len(c.in) > 0 {
		r, cancel, size, res := c.parse()
		switch res {
		case needMore:
			if size > cap(c.in) {
				c.grow(size)
			}
			return true
		case notPlain:
			pending := bytes.Clone(c.in)
			c.releaseBuffer()
			if c.release(true, true) {
				c.s.handOff(c.nc, pending)
			}
			return false
		}
		if !c.serveRequest(r, cancel, size) {
			return false
		}
		rest := copy(c.in, c.in[size:])
		c.in = c.in[:rest]
		c.started = c.s.now()
	}
	return true
}

// serveRequest runs the handler on r, whose bytes are c.in[:size], and
// writes its response. It reports false when the connection is no longer
// c's.
func (c *conn) serveRequest(r *http.Request, cancel context.CancelFunc, size int) bool {
	c.startRequest(cancel)
	w := &c.resp
	w.reset(size, r.Method == http.MethodHead)
	if !c.runHandler(w, r) {
		c.finish()
		c.close()
		return false
	}
	if w.hijacked {
		c.cancelRequest(false)
		return false
	}
	closing := r.Close || c.s.isClosed() || httpwire.HasToken(w.header.Get("Connection"), "close")
	if err := w.finish(closing); err != nil || closing {
		c.finish()
		c.close()
		return false
	}
	c.cancelRequest(false) // answered: its context ends, as net/http's does
	return true
}

// runHandler calls the handler; it reports false if it panicked.
func (c *conn) runHandler(w *response, r *http.Request) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				const size = 64 << 10
				buf := make([]byte, size)
				buf = buf[:runtime.Stack(buf, false)]
				c.s.logf("http: panic serving %v: %v\n%s", c.remote, v, buf)
			}
			ok = false
		}
	}()
	c.s.Handler.ServeHTTP(w, r)
	return true
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// Results of parse.
const (
	ready    = iota // a request, whose size is returned
	needMore        // the request is not complete: c.in must hold size bytes
	notPlain        // a request net/http is to serve
)

// parse reads the request at the start of c.in. A request comes with the
// cancel function of its context.
func (c *conn) parse() (r *http.Request, cancel context.CancelFunc, size, res int) {
	b := c.in
	end := bytes.Index(b, crlf2)
	switch {
	case end > maxHeaderBytes || end < 0 && len(b) > maxHeaderBytes:
		return nil, nil, 0, notPlain
	case end < 0:
		return nil, nil, len(b) + 1, needMore
	}
	head := string(b[:end+2]) // each line with its CRLF
	line, rest, _ := strings.Cut(head, "\r\n")
	method, line, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(line, " ")
	if !ok1 || !ok2 || proto != "HTTP/1.1" || !httpwire.IsToken(method) || !plainTarget(target) {
		return nil, nil, 0, notPlain
	}
	path, query, _ := strings.Cut(target, "?")
	if !c.s.Match(method, path) {
		return nil, nil, 0, notPlain
	}

	h := make(http.Header)
	vals := make([]string, strings.Count(rest, "\r\n"))
	var host string
	hosts, length := 0, int64(0)
	closing := false
	for i := 0; rest != ""; i++ {
		var hl string
		hl, rest, _ = strings.Cut(rest, "\r\n")
		name, value, ok := strings.Cut(hl, ":")
		if !ok || !httpwire.IsToken(name) {
			return nil, nil, 0, notPlain // obsolete line folding too
		}
		value = strings.Trim(value, " \t")
		if !plainValue(value) {
			return nil, nil, 0, notPlain
		}
		key := http.CanonicalHeaderKey(name)
		switch key {
		case "Host":
			if !validHost(value) {
				return nil, nil, 0, notPlain
			}
			host, hosts = value, hosts+1
			continue // net/http keeps it in Request.Host only
		case "Content-Length":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || !isDigits(value) || h[key] != nil && h[key][0] != value {
				return nil, nil, 0, notPlain
			}
			if h[key] != nil {
				continue // the same length again, kept once as net/http does
			}
			length = n
		case "Transfer-Encoding", "Expect":
			return nil, nil, 0, notPlain
		case "Connection":
			closing = closing || httpwire.HasToken(value, "close")
		}
		if h[key] == nil {
			vals[i] = value
			h[key] = vals[i : i+1 : i+1]
		} else {
			h[key] = append(h[key], value)
		}
	}
	if hosts != 1 || length > c.s.MaxBody {
		return nil, nil, 0, notPlain
	}
	size = end + len(crlf2) + int(length)
	if len(b) < size {
		return nil, nil, size, needMore
	}

	var u *url.URL
	if simplePath(path) {
		u = &url.URL{Path: path, RawQuery: query}
	} else if u, _ = url.ParseRequestURI(target); u == nil {
		return nil, nil, 0, notPlain
	}
	// Its own context, which serveRequest ends once it is answered.
	ctx, cancel := context.WithCancel(context.Background())
	r = noRequest.WithContext(ctx)
	r.Method = method
	r.URL = u
	r.Proto, r.ProtoMajor, r.ProtoMinor = proto, 1, 1
	r.Header = h
	r.Host = host
	r.RemoteAddr = c.remote
	r.RequestURI = target
	r.Close = closing
	r.ContentLength = length
	r.Body = http.NoBody
	if length > 0 {
		c.body.b = b[end+len(crlf2) : size]
		r.Body = &c.body
	}
	return r, cancel, size, ready
}

var crlf2 = []byte("\r\n\r\n")

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validHost reports whether a Host header has only the bytes net/http
// accepts there (letters, digits and "!$%&'()*+,-.:;=[]_~").
func validHost(s string) bool {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("!$%&'()*+,-.:;=[]_~", ch) >= 0) {
			return false
		}
	}
	return true
}

// plainTarget reports whether a request target is an origin-form path and
// query that needs no unescaping: no '%' in the path, no '#', no controls,
// spaces or bytes past ASCII.
func plainTarget(s string) bool {
	if s == "" || s[0] != '/' {
		return false
	}
	inQuery := false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch <= ' ' || ch >= 0x7f || ch == '#':
			return false
		case ch == '?':
			inQuery = true
		case ch == '%' && !inQuery:
			return false
		}
	}
	return true
}

// simplePath reports whether a path is made of letters, digits, "-._~" and
// slashes only: its URL is built here, others are left to url.ParseRequestURI
// (which keeps the raw form of sub-delimiters such as "!").
func simplePath(s string) bool {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("-._~/", ch) >= 0) {
			return false
		}
	}
	return true
}

// plainValue reports whether a header value has no control characters but
// tabs.
func plainValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch < ' ' && ch != '\t' || ch == 0x7f {
			return false
		}
	}
	return true
}

// bodyReader is a request's body, read already.
type bodyReader struct{ b []byte }

func (r *bodyReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func (r *bodyReader) Close() error { r.b = nil; return nil }

// response is the http.ResponseWriter of a request served here: the
// response is kept until the handler returns, then written at once.
type response struct {
	c        *conn
	size     int // the request's bytes in c.in
	header   http.Header
	status   int
	body     []byte
	bp       *[]byte
	hijacked bool
	head     bool // a HEAD request: no body is sent
}

func (w *response) reset(size int, head bool) {
	clear(w.header)
	w.size, w.status, w.hijacked, w.head = size, 0, false, head
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.status != 0 || w.hijacked || code < 200 {
		return // informational responses are not sent
	}
	if code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	w.status = code
}

func (w *response) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	w.WriteHeader(http.StatusOK)
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.bp == nil {
		w.bp = bufferPool.Get().(*[]byte)
		w.body = (*w.bp)[:0]
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusNotModified
}

// Hijack hands the connection to the handler, with the bytes the client
// sent after the request in the reader.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	c := w.c
	w.hijacked = true
	rest := bytes.Clone(c.in[w.size:])
	c.releaseBuffer()
	c.finish()
	c.release(true, false) // the request's context lasts until the handler returns
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(rest), c.nc), max(len(rest), 16))
	if len(rest) > 0 {
		br.Peek(len(rest))
	}
	return c.nc, bufio.NewReadWriter(br, bufio.NewWriterSize(c.nc, 16)), nil
}

// finish writes the response, asking the client to close the connection
// when closing.
func (w *response) finish(closing bool) error {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	bp := bufferPool.Get().(*[]byte)
	b := append((*bp)[:0], "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(w.status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(w.status)...)
	b = append(b, "\r\nDate: "...)
	b = append(b, w.c.s.date()...)
	b = append(b, "\r\n"...)
	h := w.header
	if bodyAllowed(w.status) {
		if h.Get("Content-Type") == "" && len(w.body) > 0 {
			h.Set("Content-Type", http.DetectContentType(w.body))
		}
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(w.body)), 10)
		b = append(b, "\r\n"...)
	}
	delete(h, "Content-Length")
	delete(h, "Transfer-Encoding")
	delete(h, "Date")
	if closing {
		h.Set("Connection", "close")
	}
	b = httpwire.AppendHeader(b, h)
	b = append(b, "\r\n"...)
	if bodyAllowed(w.status) && !w.head {
		b = append(b, w.body...)
	}
	err := w.c.write(b)
	*bp = b[:0]
	if cap(b) <= maxPooledSize {
		bufferPool.Put(bp)
	}
	if w.bp != nil {
		*w.bp = w.body[:0]
		if cap(w.body) <= maxPooledSize {
			bufferPool.Put(w.bp)
		}
		w.bp, w.body = nil, nil
	}
	return err
}

// write writes b: without waiting if the socket takes it, else with a
// deadline of IdleTimeout for the rest.
func (c *conn) write(b []byte) error {
	n, errno, err := rawio.Write(c.rc, b)
	switch {
	case err != nil:
		return err
	case errno == syscall.EAGAIN:
		n = 0
	case errno != nil:
		return errno
	}
	if n == len(b) {
		return nil
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.s.IdleTimeout))
	_, err = c.nc.Write(b[n:])
	c.nc.SetWriteDeadline(time.Time{})
	return err
}

type date struct {
	sec int64
	s   string
}
