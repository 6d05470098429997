package engineio_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/internal/eiotest"
)

// The attacks on the HTTP side of the server, over real loopback TCP
// through net/http, each checked for what it costs and what it gets.

// listen serves srv, wrapped by wrap if not nil, under /engine.io/ on a
// loopback port with the production settings of NewHTTPServer, which tune
// may change.
func listen(t *testing.T, srv *engineio.Server, wrap func(http.Handler) http.Handler, tune ...func(*http.Server)) string {
	t.Helper()
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", h)
	hs := engineio.NewHTTPServer(mux)
	for _, f := range tune {
		f(hs)
	}
	addr := serveOn(t, hs)
	t.Cleanup(func() { srv.Close() }) // before serveOn's, as cleanups run last first
	return addr
}

// handshake opens a polling session and returns its id.
func handshake(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/engine.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return eiotest.ParseOpen(t, string(b)).SID
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A POST that announces a megabyte and sends one byte must cost the server
// about what it received, not what it announced: measured before, 1 MB
// each (2,000 such requests held 2 GB).
func TestAnnouncedBodyLengthCostsNothing(t *testing.T) {
	const n = 200
	var entered atomic.Int32
	srv := engineio.NewServer(newRecorder(false), nil)
	addr := listen(t, srv, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				entered.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
	sids := make([]string, n)
	for i := range sids {
		sids[i] = handshake(t, addr)
	}
	other := handshake(t, addr) // not attacked
	before := heapInUse()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for _, sid := range sids {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /engine.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n4", sid)
	}
	deadline := time.Now().Add(10 * time.Second)
	for entered.Load() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := entered.Load(); got < n {
		t.Fatalf("%d of %d requests reached the handler", got, n)
	}
	time.Sleep(200 * time.Millisecond) // for the handlers to reach their reads
	grown := int64(heapInUse()) - int64(before)
	// net/http's own buffers and the request are a few KB a connection.
	const perConn = 32 << 10
	if grown > n*perConn {
		t.Fatalf("%d requests announcing 1 MB and sending 1 byte grew the heap by %d KB (%d KB each), want at most %d KB each",
			n, grown>>10, grown/n>>10, perConn>>10)
	}
	t.Logf("heap grew by %d KB for %d connections (%.1f KB each)", grown>>10, n, float64(grown)/n/1024)

	// The server still works: a complete POST is answered.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /engine.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n4hello", other)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(b), "ok") {
		t.Fatalf("a complete POST on another connection: %d %q", res.StatusCode, b)
	}
}

// post writes the head of a POST of n bytes to the session sid.
func post(c net.Conn, sid string, n int) {
	fmt.Fprintf(c, "POST /engine.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", sid, n)
}

// readResponse reads one response from c, failing after d.
func readResponse(t *testing.T, c net.Conn, d time.Duration) (int, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b)
}

// A body that keeps coming is read to its end however long it takes: the
// header timeout does not apply to it (measured before, under the
// server's own HTTP code: a 1 MB POST at 16 KB every 250 ms was dropped
// after 11 s, its header timeout).
func TestSlowUploadCompletes(t *testing.T) {
	t.Parallel()
	rec := newRecorder(false)
	srv := engineio.NewServer(rec, nil)
	const headerTimeout = 500 * time.Millisecond
	addr := listen(t, srv, nil, func(hs *http.Server) { hs.ReadHeaderTimeout = headerTimeout })
	sid := handshake(t, addr)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const chunks, size = 8, 16 << 10 // 2 s in all, 4 header timeouts
	payload := "4" + strings.Repeat("x", chunks*size-1)
	post(c, sid, len(payload))
	for i := range chunks {
		time.Sleep(headerTimeout / 2)
		if _, err := io.WriteString(c, payload[i*size:(i+1)*size]); err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
	}
	if code, body := readResponse(t, c, 5*time.Second); code != 200 || body != "ok" {
		t.Fatalf("slow upload answered %d %q", code, body)
	}
	if got := rec.received(sid); len(got) != 1 || len(got[0].Data) != len(payload)-1 {
		t.Fatalf("the session received %d messages, want the one of %d bytes", len(got), len(payload)-1)
	}
}

// A body that stops coming is cut when its session misses its heartbeat,
// whatever the http.Server: the client cannot send its pong meanwhile.
func TestStalledBodyIsCut(t *testing.T) {
	t.Parallel()
	rec := newRecorder(false)
	opts := &engineio.Options{PingInterval: 300 * time.Millisecond, PingTimeout: 300 * time.Millisecond}
	srv := engineio.NewServer(rec, opts)
	addr := listen(t, srv, nil)
	sid := handshake(t, addr)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	post(c, sid, 1000)
	io.WriteString(c, "4abc")
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := io.ReadAll(c); err != nil {
		t.Fatalf("the server did not close the connection: %v (read %q)", err, b)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the stalled POST was cut after %v, want about a heartbeat (600ms)", d)
	}
	// The session's close handler runs on its own goroutine, maybe just
	// after the connection was cut.
	waitFor(t, func() bool { _, ok := rec.closed(sid); return ok })
	if ev, _ := rec.closed(sid); ev.reason != engineio.ReasonPingTimeout {
		t.Fatalf("the session closed with %q (%v), want ping timeout", ev.reason, ev.desc)
	}
}

// Under BodyTimeout (NewHTTPServer's), a body that stops coming is cut
// after d, and the connection closed, for any handler; one that keeps
// coming is read to its end.
func TestBodyTimeout(t *testing.T) {
	t.Parallel()
	const d = 200 * time.Millisecond
	read := make(chan error, 1)
	hs := httptestServer(t, engineio.BodyTimeout(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		read <- err
	}), d))
	c, err := net.Dial("tcp", hs)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
	for range 5 { // progress: 5 reads, 2.5 d in all
		time.Sleep(d / 2)
		io.WriteString(c, "0123456789")
	}
	start := time.Now()
	select {
	case err := <-read:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("the handler's read ended with %v, want a deadline", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled body was not cut")
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("cut after %v, want about %v", el, d)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("the connection was not closed: %v", err)
	}
}

// httptestServer serves h on a loopback port until the test ends.
func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	return serveOn(t, &http.Server{Handler: h})
}

// serveOn serves hs on a loopback port until the test ends.
func serveOn(t *testing.T, hs *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		hs.Serve(ln)
	}()
	t.Cleanup(func() {
		hs.Close()
		<-done
	})
	return ln.Addr().String()
}

// A client that closes its connection while its poll is pending is gone at
// once: the poll is released and the session closed, as the reference
// does ("poll connection closed prematurely"), not left for a time-out.
func TestHangUpDuringPoll(t *testing.T) {
	t.Parallel()
	rec := newRecorder(false)
	srv := engineio.NewServer(rec, nil)
	addr := listen(t, srv, nil)
	sid := handshake(t, addr)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	// The request and the FIN in one go.
	fmt.Fprintf(c, "GET /engine.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: x\r\n\r\n", sid)
	c.(*net.TCPConn).CloseWrite()
	start := time.Now()
	waitFor(t, func() bool { _, ok := rec.closed(sid); return ok })
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the session closed %v after the hang-up, want within a second", d)
	}
	if ev, _ := rec.closed(sid); ev.reason != engineio.ReasonTransportError {
		t.Fatalf("the session closed with %q (%v), want transport error", ev.reason, ev.desc)
	}
	c.Close()
}

// Requests that are not plain HTTP/1.1 get an answer or a close at once.
func TestOddRequestsAnswered(t *testing.T) {
	t.Parallel()
	srv := engineio.NewServer(newRecorder(false), nil)
	addr := listen(t, srv, nil)
	for _, tc := range []struct{ name, req string }{
		{"bare LF", "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\nHost: x\n\n"},
		{"HTTP/0.9", "GET /engine.io/?EIO=4&transport=polling\r\n\r\n"},
		{"HTTP/1.0", "GET /engine.io/?EIO=4&transport=polling HTTP/1.0\r\n\r\n"},
		{"garbage", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n"},
		{"smuggling: both lengths", "POST /engine.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
		{"smuggling: two lengths", "POST /engine.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n4abcd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, tc.req)
			c.SetReadDeadline(time.Now().Add(time.Second))
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("no answer within a second: %v", err)
			}
			res.Body.Close()
			t.Logf("%s", res.Status)
		})
	}
}

// waitFor waits up to 5 seconds for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
