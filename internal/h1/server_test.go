//go:build linux

package h1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/internal/httpwire"
	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// ioTimeout bounds every wait for something that must happen.
const ioTimeout = 10 * time.Second

// closeWait bounds the wait for a connection the server must close at once.
const closeWait = 3 * time.Second

// syncBuffer is a bytes.Buffer the server's goroutines may log to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// matchFast is the tests' Match: paths under /f/, any method but DELETE.
func matchFast(method, path string) bool {
	return strings.HasPrefix(path, "/f/") && method != http.MethodDelete
}

// echo answers with the request's method, target and body, and says who
// served it in X-Served-By.
func echo(by string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("X-Served-By", by)
		w.Header().Set("X-Path", r.URL.Path)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.RequestURI, body)
	}
}

type testServer struct {
	*Server
	addr string
	log  *syncBuffer

	serveDone chan struct{}
	serveErr  error
}

// start serves s on a fresh loopback listener, with echo handlers and
// matchFast where s leaves them unset, until the test ends.
func start(t *testing.T, s *Server) *testServer {
	t.Helper()
	if s.Handler == nil {
		s.Handler = echo("fast")
	}
	if s.Match == nil {
		s.Match = matchFast
	}
	if s.Fallback == nil {
		s.Fallback = echo("fallback")
	}
	ts := &testServer{Server: s, log: new(syncBuffer), serveDone: make(chan struct{})}
	if s.ErrorLog == nil {
		s.ErrorLog = log.New(ts.log, "", 0)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = l.Addr().String()
	go func() {
		ts.serveErr = s.Serve(l)
		close(ts.serveDone)
	}()
	t.Cleanup(func() {
		s.Close()
		if err := ts.waitServe(); err != ErrServerClosed {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return ts
}

// waitServe waits for Serve to return and returns its error.
func (ts *testServer) waitServe() error {
	select {
	case <-ts.serveDone:
		return ts.serveErr
	case <-time.After(ioTimeout):
		return errors.New("Serve did not return")
	}
}

// client is a raw connection to a testServer.
type client struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func (ts *testServer) dial(t *testing.T) *client {
	t.Helper()
	nc, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &client{t: t, nc: nc, br: bufio.NewReaderSize(nc, 64<<10)}
}

func (c *client) send(s string) {
	c.t.Helper()
	c.nc.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(c.nc, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// sendSlowly writes s a byte at a time, with a pause between writes.
func (c *client) sendSlowly(s string) {
	c.t.Helper()
	for i := range len(s) {
		c.send(s[i : i+1])
		time.Sleep(time.Millisecond)
	}
}

// resp is a response read whole.
type resp struct {
	*http.Response
	head string // the status line and header lines, as sent
	body string
}

// servedBy says who served the request: "fast", "fallback" or "" (net/http
// on its own).
func (r *resp) servedBy() string { return r.Header.Get("X-Served-By") }

// read reads the response to a request of the method given.
func (c *client) read(method string) *resp {
	c.t.Helper()
	r, err := c.tryRead(method)
	if err != nil {
		c.t.Fatalf("reading the response to %s: %v", method, err)
	}
	return r
}

func (c *client) tryRead(method string) (*resp, error) {
	c.nc.SetReadDeadline(time.Now().Add(ioTimeout))
	var head []byte
	for n := 1; ; n++ {
		p, err := c.br.Peek(n)
		if err != nil {
			return nil, fmt.Errorf("%w (read %q)", err, p)
		}
		if bytes.HasSuffix(p, crlf2) {
			head = bytes.Clone(p)
			break
		}
	}
	hr, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(hr.Body)
	hr.Body.Close()
	if err != nil && !(hr.ContentLength < 0 && hr.Close && errors.Is(err, syscall.ECONNRESET)) {
		// (A body that ends with the connection may end with a reset:
		// net/http closes with the rest of a request unread.)
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	return &resp{Response: hr, head: string(head), body: string(body)}, nil
}

// expectClosed checks that the server closes the connection within d,
// sending nothing more.
func (c *client) expectClosed(d time.Duration) {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(d))
	var buf [512]byte
	n, err := c.br.Read(buf[:])
	var ne net.Error
	switch {
	case err == nil:
		c.t.Errorf("got %q, want the connection closed", buf[:n])
	case errors.As(err, &ne) && ne.Timeout():
		c.t.Errorf("the connection is still open after %v", d)
	case err != io.EOF && !errors.Is(err, syscall.ECONNRESET):
		c.t.Errorf("read: %v, want EOF", err)
	}
}

// request formats a request to example.com; a body, or POST, comes with
// its Content-Length.
func request(method, target, body string, headers ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: example.com\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if body != "" || method == http.MethodPost {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

// checkEcho checks r as echo's answer to method, target and body.
func checkEcho(t *testing.T, r *resp, by, method, target, body string) {
	t.Helper()
	want := method + " " + target + " " + body
	if r.StatusCode != http.StatusOK || r.servedBy() != by || r.body != want || r.ContentLength != int64(len(want)) {
		t.Errorf("%s %s: got %d, served by %q, Content-Length %d, body %q; want 200 served by %q, body %q",
			method, target, r.StatusCode, r.servedBy(), r.ContentLength, r.body, by, want)
	}
}

func TestKeepAlive(t *testing.T) {
	ts := start(t, &Server{})
	c := ts.dial(t)
	for _, tc := range []struct{ method, target, body string }{
		{"GET", "/f/a", ""},
		{"GET", "/f/b?x=1&y=%20", ""},
		{"GET", "/f/c", ""},
		{"POST", "/f/d", "hello"},
		{"POST", "/f/e?q", strings.Repeat("xyz", 2000)},
	} {
		c.send(request(tc.method, tc.target, tc.body))
		r := c.read(tc.method)
		checkEcho(t, r, "fast", tc.method, tc.target, tc.body)
		if got := r.Header.Values("Content-Length"); len(got) != 1 {
			t.Errorf("%s %s: Content-Length headers %q, want one", tc.method, tc.target, got)
		}
		if d, err := http.ParseTime(r.Header.Get("Date")); err != nil || time.Since(d) > time.Minute || time.Until(d) > time.Minute {
			t.Errorf("%s %s: Date %q (%v), want the time now", tc.method, tc.target, r.Header.Get("Date"), err)
		}
		if r.Close {
			t.Errorf("%s %s: the response closes the connection", tc.method, tc.target)
		}
	}
}

func TestPipelining(t *testing.T) {
	ts := start(t, &Server{})
	big := strings.Repeat("0123456789", 30000) // several reads, past the pooled buffers
	for _, tc := range []struct {
		name   string
		writes []string // each a write, "" a pause
		slow   bool     // each write a byte at a time
		want   [][3]string
	}{{
		name:   "two requests in one write",
		writes: []string{request("GET", "/f/1", "") + request("POST", "/f/2", "two")},
		want:   [][3]string{{"GET", "/f/1", ""}, {"POST", "/f/2", "two"}},
	}, {
		name:   "head and body apart",
		writes: []string{"POST /f/p HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", "", "hello", "", " world"},
		want:   [][3]string{{"POST", "/f/p", "hello world"}},
	}, {
		name:   "byte by byte",
		writes: []string{request("POST", "/f/s", "slow body") + request("GET", "/f/t", "")},
		slow:   true,
		want:   [][3]string{{"POST", "/f/s", "slow body"}, {"GET", "/f/t", ""}},
	}, {
		name:   "third cut in the middle of its head",
		writes: []string{request("GET", "/f/1", "") + request("GET", "/f/2", "") + "GET /f/3 HT", "", "TP/1.1\r\nHost: x\r\n\r\n"},
		want:   [][3]string{{"GET", "/f/1", ""}, {"GET", "/f/2", ""}, {"GET", "/f/3", ""}},
	}, {
		name:   "big body, then a request",
		writes: []string{request("POST", "/f/big", big) + request("GET", "/f/after", "")},
		want:   [][3]string{{"POST", "/f/big", big}, {"GET", "/f/after", ""}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dial(t)
			for _, w := range tc.writes {
				switch {
				case w == "":
					time.Sleep(50 * time.Millisecond)
				case tc.slow:
					c.sendSlowly(w)
				default:
					c.send(w)
				}
			}
			for _, w := range tc.want {
				checkEcho(t, c.read(w[0]), "fast", w[0], w[1], w[2])
			}
		})
	}
}

func TestHandOff(t *testing.T) {
	ts := start(t, &Server{MaxBody: 100})
	bigHead := "GET /f/big-head HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 70<<10) + "\r\n\r\n"
	hugeHead := "GET /f/huge-head HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 1<<20+8<<10) + "\r\n\r\n"
	for _, tc := range []struct {
		name, req  string
		status     int
		body       string // "" for any
		keepsGoing bool   // the connection serves another request; else it is closed
	}{
		{"HTTP/1.0", "GET /f/old HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n", 200, "GET /f/old ", true},
		{"chunked", "POST /f/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200, "POST /f/c hello world", true},
		{"escaped slash", "GET /f/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n", 200, "GET /f/a%2Fb ", true},
		{"path refused", "GET /other HTTP/1.1\r\nHost: x\r\n\r\n", 200, "GET /other ", true},
		{"method refused", "DELETE /f/d HTTP/1.1\r\nHost: x\r\n\r\n", 200, "DELETE /f/d ", true},
		{"body over MaxBody", request("POST", "/f/b", strings.Repeat("x", 101)), 200, "POST /f/b " + strings.Repeat("x", 101), true},
		{"obsolete line folding", "GET /f/fold HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 200, "GET /f/fold ", true},
		{"absolute form", "GET http://x/f/abs HTTP/1.1\r\nHost: x\r\n\r\n", 200, "GET http://x/f/abs ", true},
		{"head over 64 KB", bigHead, 200, "GET /f/big-head ", true},
		{"head over net/http's limit", hugeHead, 431, "", false},
		{"malformed request line", "GET /f/a\r\nHost: x\r\n\r\n", 400, "", false},
		{"missing Host", "GET /f/a HTTP/1.1\r\nX: y\r\n\r\n", 400, "", false},
		{"two Hosts", "GET /f/a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "", false},
		{"conflicting lengths", "POST /f/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dial(t)
			c.send(tc.req)
			r := c.read("GET")
			wantBy := "fallback"
			if tc.status != 200 {
				wantBy = ""
			}
			if r.StatusCode != tc.status || r.servedBy() != wantBy || tc.body != "" && r.body != tc.body {
				t.Errorf("got %d served by %q, body %.100q; want %d served by %q, body %q", r.StatusCode, r.servedBy(), r.body, tc.status, wantBy, tc.body)
			}
			if !tc.keepsGoing {
				c.expectClosed(closeWait)
				return
			}
			c.send(request("GET", "/f/next", ""))
			checkEcho(t, c.read("GET"), "fallback", "GET", "/f/next", "")
		})
	}

	t.Run("Expect 100-continue", func(t *testing.T) {
		c := ts.dial(t)
		c.send("POST /f/e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
		if r := c.read("POST"); r.StatusCode != http.StatusContinue {
			t.Fatalf("got %d, want 100 Continue first", r.StatusCode)
		}
		c.send("body")
		checkEcho(t, c.read("POST"), "fallback", "POST", "/f/e", "body")
		c.send(request("GET", "/f/next", ""))
		checkEcho(t, c.read("GET"), "fallback", "GET", "/f/next", "")
	})

	for _, together := range []bool{false, true} {
		t.Run(fmt.Sprintf("fast then handed off, in one write: %v", together), func(t *testing.T) {
			c := ts.dial(t)
			first, second := request("POST", "/f/1", "one"), request("GET", "/other", "")
			if together {
				c.send(first + second)
			} else {
				c.send(first)
				checkEcho(t, c.read("POST"), "fast", "POST", "/f/1", "one")
				c.send(second)
			}
			if together {
				checkEcho(t, c.read("POST"), "fast", "POST", "/f/1", "one")
			}
			checkEcho(t, c.read("GET"), "fallback", "GET", "/other", "")
			c.send(request("GET", "/f/3", ""))
			checkEcho(t, c.read("GET"), "fallback", "GET", "/f/3", "")
		})
	}
}

// seen is a request as a handler saw it.
type seen struct {
	Method, Path, EscapedPath, RawQuery, Host, RemoteAddr, RequestURI, Proto string
	ProtoMajor, ProtoMinor                                                   int
	Header                                                                   http.Header
	ContentLength                                                            int64
	Body                                                                     string
	Close                                                                    bool
	TransferEncoding                                                         []string
}

// record sends what it sees to ch and answers like echo.
func record(by string, ch chan<- seen) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		ch <- seen{
			Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Host: r.Host, RemoteAddr: r.RemoteAddr, RequestURI: r.RequestURI,
			Proto: r.Proto, ProtoMajor: r.ProtoMajor, ProtoMinor: r.ProtoMinor,
			Header: r.Header.Clone(), ContentLength: r.ContentLength, Body: string(body) + fmt.Sprint(err),
			Close: r.Close, TransferEncoding: r.TransferEncoding,
		}
		w.Header().Set("X-Served-By", by)
	}
}

func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(ioTimeout):
		t.Fatalf("nothing came in %v", ioTimeout)
		panic("unreachable")
	}
}

func TestRequest(t *testing.T) {
	ch := make(chan seen, 1)
	ts := start(t, &Server{Handler: record("fast", ch)})
	for _, closing := range []bool{false, true} {
		t.Run(fmt.Sprintf("Connection: close %v", closing), func(t *testing.T) {
			c := ts.dial(t)
			conn := "Connection: keep-alive"
			if closing {
				conn = "Connection: keep-alive, Close"
			}
			c.send("POST /f/x?a=1&b=%20 HTTP/1.1\r\n" +
				"x-lower: v1\r\nHost: example.com:8080\r\nX-Multi: a\r\n" +
				"user-agent:  \t spaced  out \t \r\ncontent-length: 5\r\nx-MULTI: b\r\nX-Empty:\r\n" +
				conn + "\r\n\r\nhello")
			got := receive(t, ch)
			want := seen{
				Method: "POST", Path: "/f/x", EscapedPath: "/f/x", RawQuery: "a=1&b=%20",
				Host: "example.com:8080", RemoteAddr: c.nc.LocalAddr().String(), RequestURI: "/f/x?a=1&b=%20",
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{
					"X-Lower":        {"v1"},
					"X-Multi":        {"a", "b"},
					"User-Agent":     {"spaced  out"},
					"Content-Length": {"5"},
					"X-Empty":        {""},
					"Connection":     {conn[len("Connection: "):]},
				},
				ContentLength: 5, Body: "hello<nil>", Close: closing,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the handler saw\n%+v\nwant\n%+v", got, want)
			}
			r := c.read("POST")
			if r.servedBy() != "fast" || r.Close != closing {
				t.Errorf("served by %q, response closes: %v; want fast, %v", r.servedBy(), r.Close, closing)
			}
			if closing {
				c.expectClosed(closeWait)
			} else {
				c.send(request("GET", "/f/again", ""))
				if r := c.read("GET"); r.servedBy() != "fast" {
					t.Errorf("next request served by %q, want fast", r.servedBy())
				}
				receive(t, ch)
			}
		})
	}
}

// TestRequestLikeNetHTTP checks that handlers see the same request whether
// served here or by net/http.
func TestRequestLikeNetHTTP(t *testing.T) {
	fastCh, slowCh := make(chan seen, 1), make(chan seen, 1)
	fast := start(t, &Server{Handler: record("fast", fastCh), Match: func(string, string) bool { return true }})
	slow := start(t, &Server{Fallback: record("fallback", slowCh), Match: func(string, string) bool { return false }})
	for _, req := range []string{
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /a/b/../c//d?x=1&x=2&y=%zz&z=a%2Fb HTTP/1.1\r\nHost: h:80\r\n\r\n",
		"GET /a\"b{c}|d;e=f,g HTTP/1.1\r\nHost: h\r\n\r\n",
		"OPTIONS /o HTTP/1.1\r\nHost: h\r\nOrigin: http://o\r\nAccess-Control-Request-Method: POST\r\n\r\n",
		"PURGE /p HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 007\r\nContent-Type: text/plain\r\n\r\n1234567",
		"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
		"GET /h HTTP/1.1\r\nhost: h\r\nx-a: 1\r\nX-A: 2\r\nx_b: 3\r\nX-C:\t4 \t\r\nX-D:\r\nX-E: \x80\xff\r\nCOOKIE: a=b\r\ncookie: c=d\r\n\r\n",
		"GET /h HTTP/1.1\r\nHost:\r\n\r\n",
		"GET /c HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\r\n",
	} {
		t.Run(strings.Fields(req)[1], func(t *testing.T) {
			var views [2]seen
			for i, s := range []*testServer{fast, slow} {
				c := s.dial(t)
				c.send(req)
				r := c.read("GET")
				if want := []string{"fast", "fallback"}[i]; r.servedBy() != want {
					t.Fatalf("%q: served by %q (status %d), want %s", req, r.servedBy(), r.StatusCode, want)
				}
				views[i] = receive(t, []chan seen{fastCh, slowCh}[i])
				views[i].RemoteAddr = ""
			}
			if !reflect.DeepEqual(views[0], views[1]) {
				t.Errorf("%q:\nhere     %+v\nnet/http %+v", req, views[0], views[1])
			}
		})
	}
}

func TestClientGone(t *testing.T) {
	entered, returned := make(chan struct{}, 2), make(chan error, 2)
	ts := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-r.Context().Done():
			returned <- r.Context().Err()
		case <-time.After(ioTimeout):
			returned <- errors.New("the context was not canceled")
		}
	})})
	for _, tc := range []struct {
		name string
		more string // sent while the handler runs
	}{{"nothing more", ""}, {"more data first", "GET /f/po"}, {"a request first", request("GET", "/f/poll", "")}} {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dial(t)
			c.send(request("GET", "/f/poll", ""))
			receive(t, entered)
			if tc.more != "" {
				c.send(tc.more)
				time.Sleep(50 * time.Millisecond) // for the Poller to see it first
			}
			c.nc.Close()
			start := time.Now()
			if err := receive(t, returned); err != context.Canceled {
				t.Errorf("the handler returned with %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the handler returned %v after the client left", d)
			}
			// A request pipelined behind may be served, its context done.
			select {
			case <-entered:
				if err := receive(t, returned); err != context.Canceled {
					t.Errorf("the request behind returned with %v, want context.Canceled", err)
				}
			case <-time.After(100 * time.Millisecond):
			}
		})
	}
}

// TestRequestContext checks that a request's context ends once the
// request has been answered, as net/http's does, and that the next request
// on the connection comes with a live one.
func TestRequestContext(t *testing.T) {
	ctxs := make(chan context.Context, 3)
	ts := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.Context().Err(); err != nil {
			t.Errorf("in the handler, the request's context has ended already: %v", err)
		}
		ctxs <- r.Context()
		io.WriteString(w, "ok")
	})})
	c := ts.dial(t)
	var prev context.Context
	for i := range 3 {
		c.send(request("GET", "/f/ctx", ""))
		if r := c.read("GET"); r.StatusCode != http.StatusOK || r.body != "ok" {
			t.Fatalf("request %d: %d %q, want 200 \"ok\"", i, r.StatusCode, r.body)
		}
		ctx := receive(t, ctxs)
		if ctx == prev {
			t.Fatalf("request %d has the context of the request before it", i)
		}
		prev = ctx
		select {
		case <-ctx.Done():
		case <-time.After(ioTimeout):
			t.Fatalf("request %d: its context did not end once it was answered", i)
		}
		if err := ctx.Err(); err != context.Canceled {
			t.Errorf("request %d: its context ended with %v, want context.Canceled", i, err)
		}
	}
}

func TestHijack(t *testing.T) {
	type result struct {
		extra      string
		writeErr   error // w.Write after Hijack
		hijackErr  error // Hijack again
		ctxErr     error // r.Context().Err() after Hijack
		readMore   string
		readMoreEr error
	}
	results := make(chan result, 1)
	more := make(chan struct{})
	ts := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nc, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			results <- result{extra: "Hijack: " + err.Error()}
			return
		}
		defer nc.Close()
		var res result
		extra := make([]byte, brw.Reader.Buffered())
		io.ReadFull(brw, extra)
		res.extra = string(extra)
		_, res.writeErr = w.Write([]byte("x"))
		_, _, res.hijackErr = w.(http.Hijacker).Hijack()
		res.ctxErr = r.Context().Err()
		brw.WriteString("RAW " + string(extra) + "\n")
		brw.Flush()
		if r.URL.Path == "/f/more" {
			// The client sends more once it has read the above: the
			// reader goes on with the connection.
			<-more
			nc.SetReadDeadline(time.Now().Add(ioTimeout))
			res.readMore, res.readMoreEr = brw.ReadString('\n')
		}
		results <- res
	})})

	check := func(t *testing.T, c *client, extra string) result {
		t.Helper()
		c.nc.SetReadDeadline(time.Now().Add(ioTimeout))
		line, err := c.br.ReadString('\n')
		if want := "RAW " + extra + "\n"; line != want || err != nil {
			t.Errorf("the client read %q, %v; want %q", line, err, want)
		}
		return receive(t, results)
	}

	t.Run("extra bytes", func(t *testing.T) {
		c := ts.dial(t)
		c.send(request("GET", "/f/hijack", "") + "EXTRA bytes")
		res := check(t, c, "EXTRA bytes")
		if res.extra != "EXTRA bytes" || res.writeErr != http.ErrHijacked || res.hijackErr != http.ErrHijacked {
			t.Errorf("the handler read %q after the request, Write after Hijack: %v, Hijack again: %v; want %q, ErrHijacked twice",
				res.extra, res.writeErr, res.hijackErr, "EXTRA bytes")
		}
		c.expectClosed(closeWait)
	})

	t.Run("nothing extra", func(t *testing.T) {
		c := ts.dial(t)
		c.send(request("POST", "/f/hijack", "body"))
		if res := check(t, c, ""); res.extra != "" {
			t.Errorf("the handler read %q after the request, want nothing", res.extra)
		}
		c.expectClosed(closeWait)
	})

	// http.Hijacker: "The original Request's Context remains valid and is
	// not canceled until the Request's ServeHTTP method returns."
	t.Run("context valid after Hijack", func(t *testing.T) {
		c := ts.dial(t)
		c.send(request("GET", "/f/hijack", ""))
		if res := check(t, c, ""); res.ctxErr != nil {
			t.Errorf("after Hijack, before the handler returned, r.Context().Err() = %v, want nil", res.ctxErr)
		}
	})

	// With net/http, the bufio.Reader that Hijack returns reads on from the
	// connection once its buffered bytes are consumed.
	t.Run("reader goes on with the connection", func(t *testing.T) {
		c := ts.dial(t)
		c.send(request("GET", "/f/more", "") + "E")
		c.br.ReadString('\n') // RAW E
		c.send("MORE\n")
		close(more)
		res := receive(t, results)
		if res.readMore != "MORE\n" || res.readMoreEr != nil {
			t.Errorf("the handler read %q, %v from the hijacked reader after its buffered bytes, want %q", res.readMore, res.readMoreEr, "MORE\n")
		}
	})
}

func TestPanic(t *testing.T) {
	ts := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "fast")
		switch r.URL.Path {
		case "/f/panic":
			w.Write([]byte("partial"))
			panic("boom-1234")
		case "/f/abort":
			panic(http.ErrAbortHandler)
		}
	})})
	for _, tc := range []struct {
		path   string
		logged bool
	}{{"/f/panic", true}, {"/f/abort", false}} {
		t.Run(tc.path, func(t *testing.T) {
			before := ts.log.String()
			c := ts.dial(t)
			c.send(request("GET", tc.path, "") + request("GET", "/f/fine", ""))
			c.expectClosed(closeWait)
			logged := strings.TrimPrefix(ts.log.String(), before)
			if tc.logged {
				if !strings.Contains(logged, "panic serving "+c.nc.LocalAddr().String()+": boom-1234") || !strings.Contains(logged, "goroutine ") {
					t.Errorf("logged %q, want the panic, the client's address and a stack", logged)
				}
			} else if logged != "" {
				t.Errorf("logged %q for http.ErrAbortHandler, want nothing", logged)
			}
			c = ts.dial(t)
			c.send(request("GET", "/f/fine", ""))
			if r := c.read("GET"); r.StatusCode != http.StatusOK || r.servedBy() != "fast" {
				t.Errorf("after the panic, a new connection got %d served by %q", r.StatusCode, r.servedBy())
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name         string
		idle, header time.Duration
		request      string
		answered     bool // a response comes before the wait
	}{
		{"idle", time.Second, time.Minute, request("GET", "/f/a", ""), true},
		{"idle after a hand-off", time.Second, time.Minute, request("GET", "/other", ""), true},
		{"half a head", time.Minute, time.Second, "GET /f/a HTTP/1.1\r\nHost:", false},
		{"half a body", time.Minute, time.Second, "POST /f/a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234", false},
		{"half a head after a request", time.Minute, time.Second, request("GET", "/f/a", "") + "GET /f/b HTTP/1.1\r\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := start(t, &Server{IdleTimeout: tc.idle, HeaderTimeout: tc.header})
			c := ts.dial(t)
			c.send(tc.request)
			if tc.answered {
				c.read("GET")
			}
			start := time.Now()
			c.expectClosed(3 * time.Second)
			if d := time.Since(start); d < 900*time.Millisecond {
				t.Errorf("closed after %v, before the timeout", d)
			}
		})
	}

	t.Run("busy connection stays", func(t *testing.T) {
		t.Parallel()
		ts := start(t, &Server{IdleTimeout: time.Second, HeaderTimeout: time.Second})
		c := ts.dial(t)
		for i := range 8 {
			c.send(request("GET", fmt.Sprintf("/f/%d", i), ""))
			r, err := c.tryRead("GET")
			if err != nil {
				t.Fatalf("request %d, %v after the first: %v", i, time.Duration(i)*400*time.Millisecond, err)
			}
			checkEcho(t, r, "fast", "GET", fmt.Sprintf("/f/%d", i), "")
			time.Sleep(400 * time.Millisecond)
		}
	})
}

func TestClose(t *testing.T) {
	entered := make(chan struct{}, 1)
	canceled := make(chan struct{})
	ts := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/f/block" {
			entered <- struct{}{}
			<-r.Context().Done() // a long poll: Close ends it
			close(canceled)
		}
		w.Header().Set("X-Served-By", "fast")
		w.Write([]byte("done"))
	})})

	idle := ts.dial(t)
	idle.send(request("GET", "/f/a", ""))
	idle.read("GET")
	handedOff := ts.dial(t)
	handedOff.send(request("GET", "/other", ""))
	handedOff.read("GET")
	busy := ts.dial(t)
	busy.send(request("GET", "/f/block", ""))
	receive(t, entered)

	closed := make(chan error, 1)
	go func() { closed <- ts.Close() }()

	if err := ts.waitServe(); err != ErrServerClosed {
		t.Errorf("Serve returned %v, want ErrServerClosed", err)
	}
	idle.expectClosed(closeWait)
	handedOff.expectClosed(closeWait)
	if nc, err := net.Dial("tcp", ts.addr); err == nil {
		nc.Close()
		t.Errorf("a new connection was accepted after Close")
	}
	if err := ts.Serve(newListener(t)); err != ErrServerClosed {
		t.Errorf("Serve after Close returned %v, want ErrServerClosed", err)
	}

	// The handler running sees its context end; its response goes out
	// with Connection: close, then the connection closes, then Close
	// returns.
	receive(t, canceled)
	r := busy.read("GET")
	if r.StatusCode != http.StatusOK || r.body != "done" || !r.Close {
		t.Errorf("the busy connection got %d %q, closing: %v; want 200 \"done\" with Connection: close", r.StatusCode, r.body, r.Close)
	}
	busy.expectClosed(closeWait)
	if err := receive(t, closed); err != nil {
		t.Errorf("Close: %v", err)
	}
	closed <- nil
}

func newListener(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestResponse(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"/f/204": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
			if _, err := w.Write([]byte("x")); err != http.ErrBodyNotAllowed {
				t.Errorf("Write after 204: %v, want ErrBodyNotAllowed", err)
			}
		},
		"/f/304": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotModified)
			w.Write([]byte("x"))
		},
		"/f/wrong-length": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.Write([]byte("abc"))
		},
		"/f/chunked": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Transfer-Encoding", "chunked")
			w.Write([]byte("abc"))
		},
		"/f/injection": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Evil", "a\r\nX-Injected: yes\r\n\r\nbody")
			w.Header()["Bad Name\r\nX-Injected"] = []string{"yes"}
			w.Write([]byte("abc"))
		},
		"/f/sniffed": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html><body>hi</body></html>"))
		},
		"/f/typed": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-mine")
			w.Write([]byte("<html><body>hi</body></html>"))
		},
		"/f/empty": func(w http.ResponseWriter, r *http.Request) {},
		"/f/status": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("made"))
		},
		"/f/head": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("hello"))
		},
		"/f/close": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			w.Write([]byte("bye"))
		},
	}
	ts := start(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := handlers[r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		echo("fast")(w, r)
	})})
	for _, tc := range []struct {
		path, method string
		status       int
		body         string
		length       string // the Content-Length header, "-" for none
		typ          string // the Content-Type header
		closes       bool
	}{
		{"/f/204", "GET", 204, "", "-", "", false},
		{"/f/304", "GET", 304, "", "-", "", false},
		{"/f/wrong-length", "GET", 200, "abc", "3", "text/plain; charset=utf-8", false},
		{"/f/chunked", "GET", 200, "abc", "3", "text/plain; charset=utf-8", false},
		{"/f/injection", "GET", 200, "abc", "3", "text/plain; charset=utf-8", false},
		{"/f/sniffed", "GET", 200, "<html><body>hi</body></html>", "28", "text/html; charset=utf-8", false},
		{"/f/typed", "GET", 200, "<html><body>hi</body></html>", "28", "application/x-mine", false},
		{"/f/empty", "GET", 200, "", "0", "", false},
		{"/f/status", "POST", 201, "made", "4", "text/plain; charset=utf-8", false},
		{"/f/head", "HEAD", 200, "", "", "", false},
		{"/f/close", "GET", 200, "bye", "3", "text/plain; charset=utf-8", true},
	} {
		t.Run(tc.path+" "+tc.method, func(t *testing.T) {
			c := ts.dial(t)
			c.send(request(tc.method, tc.path, ""))
			r := c.read(tc.method)
			if r.StatusCode != tc.status || r.body != tc.body {
				t.Errorf("got %d %q, want %d %q", r.StatusCode, r.body, tc.status, tc.body)
			}
			if got := r.Header.Values("Content-Length"); tc.length == "-" && len(got) != 0 || tc.length != "-" && tc.length != "" && !reflect.DeepEqual(got, []string{tc.length}) {
				t.Errorf("Content-Length %q, want %q", got, tc.length)
			}
			if got := r.Header.Get("Content-Type"); tc.method != "HEAD" && got != tc.typ {
				t.Errorf("Content-Type %q, want %q", got, tc.typ)
			}
			if got := r.Header.Values("Transfer-Encoding"); len(got) != 0 || len(r.TransferEncoding) != 0 {
				t.Errorf("Transfer-Encoding %q", got)
			}
			if strings.Contains(r.head, "\nX-Injected") || strings.Count(r.head, "\r\n\r\n") != 1 || strings.Count(r.head, "\n") != strings.Count(r.head, "\r\n") {
				t.Errorf("head %q: a header was injected", r.head)
			}
			if tc.path == "/f/injection" && r.Header.Get("X-Evil") != "a  X-Injected: yes    body" {
				t.Errorf("X-Evil: %q", r.Header.Get("X-Evil"))
			}
			if tc.closes {
				c.expectClosed(closeWait)
				return
			}
			// The connection is still in step.
			c.send(request("GET", "/f/next", ""))
			r2, err := c.tryRead("GET")
			if err != nil {
				t.Fatalf("the next response: %v", err)
			}
			checkEcho(t, r2, "fast", "GET", "/f/next", "")
		})
	}
}

// FuzzParse checks parse on arbitrary input: it must not panic, and a
// request it serves must be one net/http reads the same way.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
		"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nab",
		"GET / HTTP/1.1\r\nHost: a\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\n\r\n",
		"GET /%2F HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /?%2F HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nab",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\nab",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX:\r\nY: \t v \t\r\nx: 3\r\nPragma: no-cache\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\nY: \x80\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, CLOSE\r\n\r\n",
		"GET /a?b%zz#c HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\n",
		"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
		"G\x80T / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET * HTTP/1.1\r\nHost: a\r\n\r\n",
		"\r\n\r\n", "", "GET", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	const maxBody = 1000
	f.Fuzz(func(t *testing.T, in []byte) {
		s := &Server{Match: func(string, string) bool { return true }, MaxBody: maxBody}
		c := &conn{s: s, remote: "192.0.2.1:1234"}
		orig := bytes.Clone(in)
		c.in = in
		r, _, size, res := c.parse()
		if !bytes.Equal(in, orig) {
			t.Fatalf("parse changed its input")
		}
		end := bytes.Index(in, crlf2)
		switch res {
		case notPlain:
			if r != nil {
				t.Fatalf("notPlain with a request")
			}
			return
		case needMore:
			if r != nil || size <= len(in) || end < 0 && size != len(in)+1 || end >= 0 && size > end+len(crlf2)+maxBody {
				t.Fatalf("needMore: %d bytes of %d, head ending at %d", size, len(in), end)
			}
			return
		case ready:
		default:
			t.Fatalf("parse returned %d", res)
		}
		if r == nil || size <= 0 || size > len(in) || end < 0 || r.ContentLength < 0 || r.ContentLength > maxBody ||
			size != end+len(crlf2)+int(r.ContentLength) {
			t.Fatalf("ready: size %d of %d, head ending at %d, request %+v", size, len(in), end, r)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil || !bytes.Equal(body, in[end+len(crlf2):size]) {
			t.Fatalf("body %q, %v; want %q", body, err, in[end+len(crlf2):size])
		}
		if !httpwire.IsToken(r.Method) || !strings.HasPrefix(r.URL.Path, "/") || r.Proto != "HTTP/1.1" || r.Header.Get("Host") != "" || r.RemoteAddr != c.remote {
			t.Fatalf("request %+v", r)
		}

		want, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(in[:size])))
		if err != nil {
			t.Fatalf("served %q, which net/http refuses: %v", in[:size], err)
		}
		wantBody, err := io.ReadAll(want.Body)
		if err != nil || !bytes.Equal(body, wantBody) {
			t.Fatalf("%q: body %q, net/http's %q (%v)", in[:size], body, wantBody, err)
		}
		// net/http's own additions.
		if want.Header.Get("Pragma") == "no-cache" && r.Header.Get("Cache-Control") == "" {
			want.Header.Del("Cache-Control")
		}
		if vs := r.Header["Content-Length"]; len(vs) > 1 {
			r.Header["Content-Length"] = vs[:1]
		}
		type view struct {
			Method, Path, RawPath, RawQuery, Host, RequestURI string
			Header                                            http.Header
			ContentLength                                     int64
			Close                                             bool
		}
		got := view{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Host, r.RequestURI, r.Header, r.ContentLength, r.Close}
		exp := view{want.Method, want.URL.Path, want.URL.EscapedPath(), want.URL.RawQuery, want.Host, want.RequestURI, want.Header, want.ContentLength, want.Close}
		if !reflect.DeepEqual(got, exp) {
			t.Fatalf("%q:\nhere     %+v\nnet/http %+v", in[:size], got, exp)
		}
	})
}

// TestLongHead checks that a head longer than the buffer a connection
// starts with (4 KB) is read in large reads: the server used to read it a
// byte at a time past the first 4 KB, copying the whole head into a new
// buffer at each byte.
func TestLongHead(t *testing.T) {
	ts := start(t, &Server{})
	c := ts.dial(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c.send("GET /f/long HTTP/1.1\r\nHost: x\r\nX-Long: " + strings.Repeat("l", 40<<10) + "\r\n\r\n")
	r := c.read("GET")
	runtime.ReadMemStats(&after)
	checkEcho(t, r, "fast", "GET", "/f/long", "")
	if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
		t.Errorf("serving a request with a 40 KB head allocated %d MB", d>>20)
	}
}

// slowRegConn delays its first RawConn.Control call: the one in which
// Poller.WatchHangup adds the connection to the epoll set. It is as if the
// goroutine running Serve were descheduled (preempted, or gone through the
// GC) right after that: the Poller may then run the connection's callback
// before serveConn goes on.
type slowRegConn struct {
	*net.TCPConn
	once sync.Once
}

func (c *slowRegConn) SyscallConn() (syscall.RawConn, error) {
	rc, err := c.TCPConn.SyscallConn()
	if err != nil {
		return nil, err
	}
	return slowRawConn{rc, c}, nil
}

type slowRawConn struct {
	syscall.RawConn
	c *slowRegConn
}

func (rc slowRawConn) Control(f func(fd uintptr)) error {
	err := rc.RawConn.Control(f)
	rc.c.once.Do(func() { time.Sleep(200 * time.Millisecond) })
	return err
}

type slowRegListener struct{ net.Listener }

func (l slowRegListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &slowRegConn{TCPConn: nc.(*net.TCPConn)}, nil
}

// TestUsedAtOnce uses connections that the server has not finished
// registering: one sends a request that is handed off, the other is closed.
// The callback that reads them must not depend on what serveConn does after
// watching them (it used to dereference conn.watch, nil until then, and
// crash the process). As a crash would end every test, the cases run in a
// child process.
func TestUsedAtOnce(t *testing.T) {
	if os.Getenv("H1_TEST_USED_AT_ONCE") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestUsedAtOnce$", "-test.count=1")
		cmd.Env = append(os.Environ(), "H1_TEST_USED_AT_ONCE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			if len(out) > 3000 {
				out = out[:3000]
			}
			t.Errorf("%v:\n%s", err, out)
		}
		return
	}
	for _, handOff := range []bool{true, false} {
		s := &Server{Handler: echo("fast"), Match: matchFast, Fallback: echo("fallback"), ErrorLog: log.New(io.Discard, "", 0)}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- s.Serve(slowRegListener{l}) }()
		for i := range 2 {
			nc, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			c := &client{t: t, nc: nc, br: bufio.NewReader(nc)}
			if handOff || i == 1 {
				c.send("GET /f/a HTTP/1.0\r\nHost: x\r\n\r\n")
				checkEcho(t, c.read("GET"), "fallback", "GET", "/f/a", "")
			}
			nc.Close()
		}
		s.Close()
		if err := receive(t, served); err != ErrServerClosed {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	}
}
