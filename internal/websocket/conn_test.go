package websocket

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// Every test runs with idle connections watched by the Poller and with a
// goroutine reading each.
var modes = []struct {
	name     string
	noPoller bool
}{{"poller", false}, {"goroutine", true}}

func runModes(t *testing.T, f func(t *testing.T, noPoller bool)) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) { f(t, m.noPoller) })
	}
}

type message struct {
	binary bool
	data   []byte
}

// endpoint is the server side of one test connection: what it received and
// how its reading ended.
type endpoint struct {
	conn  *Conn
	msgs  chan message
	ended chan error
}

// server starts an HTTP server whose one route upgrades and serves with
// recording callbacks; keep, when not nil, decides whether to read on.
type server struct {
	t     *testing.T
	url   string // ws://
	addr  string
	u     *Upgrader
	conns chan *endpoint
}

func newServer(t *testing.T, o UpgraderOptions, keep func(message) bool) *server {
	t.Helper()
	s := &server{t: t, u: NewUpgrader(o), conns: make(chan *endpoint, 16)}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.u.Upgrade(w, r, http.Header{"X-Test": {"yes"}}, false)
		if err != nil {
			return
		}
		e := &endpoint{conn: c, msgs: make(chan message, 64), ended: make(chan error, 1)}
		c.Serve(Funcs{Message: func(binary bool, data []byte) bool {
			m := message{binary, data}
			e.msgs <- m
			return keep == nil || keep(m)
		}, End: func(err error) { e.ended <- err }}.Handler())
		s.conns <- e
	}))
	s.url = "ws" + strings.TrimPrefix(hs.URL, "http")
	s.addr = hs.Listener.Addr().String()
	t.Cleanup(func() {
		hs.Close()
		for {
			select {
			case e := <-s.conns:
				e.conn.Close()
				continue
			default:
			}
			break
		}
		if err := s.u.Close(); err != nil {
			t.Errorf("Upgrader.Close: %v", err)
		}
	})
	return s
}

func (s *server) accept() *endpoint {
	s.t.Helper()
	select {
	case e := <-s.conns:
		s.t.Cleanup(func() { e.conn.Close() })
		return e
	case <-time.After(5 * time.Second):
		s.t.Fatal("no connection reached the server")
		return nil
	}
}

func (e *endpoint) next(t *testing.T) message {
	t.Helper()
	select {
	case m := <-e.msgs:
		return m
	case err := <-e.ended:
		t.Fatalf("reading ended before a message came: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no message came")
	}
	return message{}
}

func (e *endpoint) end(t *testing.T) error {
	t.Helper()
	select {
	case err := <-e.ended:
		return err
	case m := <-e.msgs:
		t.Fatalf("got a message %q, want the end of reading", m.data)
	case <-time.After(5 * time.Second):
		t.Fatal("reading did not end")
	}
	return nil
}

func dialGorilla(t *testing.T, s *server, compress bool) *gws.Conn {
	t.Helper()
	d := gws.Dialer{EnableCompression: compress, HandshakeTimeout: 5 * time.Second}
	c, resp, err := d.Dial(s.url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if resp.Header.Get("X-Test") != "yes" {
		t.Errorf("the 101 response lacks the extra header: %v", resp.Header)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestMessagesBothWays(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{ReadLimit: 4 << 20, NoPoller: noPoller}, nil)
		c := dialGorilla(t, s, false)
		e := s.accept()
		if watched := e.conn.watch.Load() != nil; watched == noPoller {
			t.Fatalf("watched by the Poller: %v, with NoPoller %v", watched, noPoller)
		}
		for _, n := range []int{0, 1, 125, 126, 127, 8191, 8192, 65535, 65536, 1 << 20} {
			for _, binary := range []bool{false, true} {
				data := bytes.Repeat([]byte{'a' + byte(n%26)}, n)
				typ := gws.TextMessage
				if binary {
					typ = gws.BinaryMessage
				}
				if err := c.WriteMessage(typ, data); err != nil {
					t.Fatal(err)
				}
				m := e.next(t)
				if m.binary != binary || !bytes.Equal(m.data, data) {
					t.Fatalf("%d bytes, binary %v: got %d bytes, binary %v", n, binary, len(m.data), m.binary)
				}
				// And back, with the Engine.IO prefix on text.
				var prefix byte
				if !binary {
					prefix = '4'
				}
				if err := e.conn.WriteMessage(binary, prefix, data, false); err != nil {
					t.Fatal(err)
				}
				gt, got, err := c.ReadMessage()
				want := data
				if prefix != 0 {
					want = append([]byte{prefix}, data...)
				}
				if err != nil || gt != typ || !bytes.Equal(got, want) {
					t.Fatalf("%d bytes back: type %d, %d bytes, %v", n, gt, len(got), err)
				}
			}
		}
	})
}

func TestFragmentedAndCompressed(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{ReadLimit: 4 << 20, Compression: true, CompressionThreshold: 10, NoPoller: noPoller}, nil)
		c := dialGorilla(t, s, true)
		e := s.accept()
		if !e.conn.deflate {
			t.Fatal("permessage-deflate was not negotiated")
		}
		data := make([]byte, 300<<10) // larger than gorilla's write buffer: sent in fragments
		rand.Read(data)
		text := strings.Repeat("compressible text ", 20000)
		for i, m := range []message{{true, data}, {false, []byte(text)}, {false, []byte("tiny")}} {
			c.EnableWriteCompression(i != 0)
			typ := gws.TextMessage
			if m.binary {
				typ = gws.BinaryMessage
			}
			w, _ := c.NextWriter(typ)
			w.Write(m.data[:len(m.data)/2])
			w.Write(m.data[len(m.data)/2:])
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := e.next(t)
			if got.binary != m.binary || !bytes.Equal(got.data, m.data) {
				t.Fatalf("message %d: got %d bytes", i, len(got.data))
			}
		}
		// Compressed on the way out, above the threshold only; gorilla
		// decompresses either.
		for _, msg := range []string{text, "short"} {
			if err := e.conn.WriteMessage(false, '4', []byte(msg), true); err != nil {
				t.Fatal(err)
			}
			_, got, err := c.ReadMessage()
			if err != nil || string(got) != "4"+msg {
				t.Fatalf("got %d bytes, %v", len(got), err)
			}
		}
		p := NewPrepared(false, '4', []byte(text))
		b := e.conn.NewBatch(false)
		b.Prepared(p, true)
		b.Prepared(p, false)
		b.Message(true, 0, []byte{1, 2, 3}, true)
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{"4" + text, "4" + text, "\x01\x02\x03"} {
			_, got, err := c.ReadMessage()
			if err != nil || string(got) != want {
				t.Fatalf("batch frame %d: %d bytes, %v", i, len(got), err)
			}
		}
	})
}

// rawClient speaks WebSocket frames by hand, to send what a library would
// not.
type rawClient struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, s *server, extra string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n%s", extra)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-Websocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake: %s %v", resp.Status, resp.Header)
	}
	return &rawClient{t: t, nc: nc, br: br}
}

// frame builds a masked client frame; b0 is FIN, RSV and opcode.
func frame(b0 byte, payload []byte) []byte {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	f := []byte{b0}
	switch n := len(payload); {
	case n <= 125:
		f = append(f, 0x80|byte(n))
	case n <= 0xffff:
		f = append(f, 0x80|126, byte(n>>8), byte(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	f = append(f, key[:]...)
	for i, b := range payload {
		f = append(f, b^key[i%4])
	}
	return f
}

func (c *rawClient) send(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// read reads one server frame: opcode and payload.
func (c *rawClient) read() (byte, []byte) {
	c.t.Helper()
	f, err := readServerFrame(c.nc, c.br)
	if err != nil {
		c.t.Fatalf("reading a frame: %v", err)
	}
	return f.b0 & 0x0f, f.payload
}

// expectClose reads frames up to a close frame and checks its code.
func (c *rawClient) expectClose(code int) {
	c.t.Helper()
	for {
		op, p := c.read()
		if op != opClose {
			continue
		}
		if len(p) < 2 || int(binary.BigEndian.Uint16(p)) != code {
			c.t.Fatalf("close frame %v, want code %d", p, code)
		}
		return
	}
}

func TestControlFramesAndSplits(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{ReadLimit: 1 << 20, NoPoller: noPoller}, nil)
		c := dialRaw(t, s, "")
		e := s.accept()

		// A fragmented message with a ping between its fragments, and two
		// more messages, all in one write.
		var b []byte
		b = append(b, frame(opText, []byte("hel"))...)
		b = append(b, frame(0x80|opPing, []byte("are you there"))...)
		b = append(b, frame(opContinuation, []byte("lo "))...)
		b = append(b, frame(0x80|opContinuation, []byte("world"))...)
		b = append(b, frame(0x80|opBinary, []byte{0, 1, 2})...)
		b = append(b, frame(0x80|opPong, nil)...)
		b = append(b, frame(0x80|opText, []byte("π"))...)
		c.send(b)
		if op, p := c.read(); op != opPong || string(p) != "are you there" {
			t.Fatalf("got opcode %d %q, want the pong", op, p)
		}
		for _, want := range []message{{false, []byte("hello world")}, {true, []byte{0, 1, 2}}, {false, []byte("π")}} {
			if m := e.next(t); m.binary != want.binary || !bytes.Equal(m.data, want.data) {
				t.Fatalf("got %q, want %q", m.data, want.data)
			}
		}

		// A frame trickling in byte by byte, each read seeing a piece.
		f := frame(0x80|opText, []byte(strings.Repeat("z", 300)))
		for i := range f {
			c.send(f[i : i+1])
			time.Sleep(200 * time.Microsecond)
		}
		if m := e.next(t); string(m.data) != strings.Repeat("z", 300) {
			t.Fatalf("got %q", m.data)
		}

		// The peer's close frame ends reading with its code.
		c.send(frame(0x80|opClose, append(binary.BigEndian.AppendUint16(nil, 4000), "bye"...)))
		var ce *CloseError
		if err := e.end(t); !errors.As(err, &ce) || ce.Code != 4000 || ce.Text != "bye" || !IsNormalClose(err) {
			t.Fatalf("reading ended with %v, want close 4000", err)
		}
	})
}

func TestFramesBehindTheHandshake(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{NoPoller: noPoller}, nil)
		dialRaw(t, s, string(frame(0x80|opText, []byte("early"))))
		if m := s.accept().next(t); string(m.data) != "early" {
			t.Fatalf("got %q", m.data)
		}
	})
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name  string
		input []byte
		code  int
		err   error // nil: a *ProtocolError
	}{
		{"unmasked", []byte{0x81, 0x02, 'h', 'i'}, CloseProtocolError, nil},
		{"reserved bits", frame(0x80|0x20|opText, []byte("x")), CloseProtocolError, nil},
		{"compressed without the extension", frame(0x80|0x40|opText, []byte("x")), CloseProtocolError, nil},
		{"unknown opcode", frame(0x80|0x3, nil), CloseProtocolError, nil},
		{"continuation without a message", frame(0x80|opContinuation, []byte("x")), CloseProtocolError, nil},
		{"data inside a fragmented message", append(frame(opText, []byte("a")), frame(0x80|opText, []byte("b"))...), CloseProtocolError, nil},
		{"fragmented control frame", frame(opPing, nil), CloseProtocolError, nil},
		{"long control frame", frame(0x80|opPing, make([]byte, 126)), CloseProtocolError, nil},
		{"invalid UTF-8", frame(0x80|opText, []byte{0xff, 0xfe}), CloseInvalidPayload, nil},
		{"invalid UTF-8 across fragments", append(frame(opText, []byte{0xe2, 0x82}), frame(0x80|opContinuation, []byte{0x28})...), CloseInvalidPayload, nil},
		{"close with one byte", frame(0x80|opClose, []byte{3}), CloseProtocolError, nil},
		{"over the read limit", frame(0x80|opBinary, make([]byte, 1001)), CloseMessageTooBig, ErrReadLimit},
		{"over the read limit in fragments", append(frame(opBinary, make([]byte, 600)), frame(0x80|opContinuation, make([]byte, 600))...), CloseMessageTooBig, ErrReadLimit},
		{"a length claiming 2^62 bytes", append([]byte{0x82, 0xff}, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4), CloseMessageTooBig, ErrReadLimit},
	}
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{ReadLimit: 1000, NoPoller: noPoller}, nil)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := dialRaw(t, s, "")
				e := s.accept()
				c.send(frame(0x80|opText, []byte("before")))
				if m := e.next(t); string(m.data) != "before" {
					t.Fatalf("got %q", m.data)
				}
				c.send(tc.input)
				c.expectClose(tc.code)
				err := e.end(t)
				if tc.err != nil {
					if !errors.Is(err, tc.err) {
						t.Fatalf("reading ended with %v, want %v", err, tc.err)
					}
				} else if pe := (*ProtocolError)(nil); !errors.As(err, &pe) || pe.Code != tc.code {
					t.Fatalf("reading ended with %v, want a protocol error %d", err, tc.code)
				}
				if IsNormalClose(err) {
					t.Fatalf("%v counts as a normal close", err)
				}
			})
		}
	})
}

func TestCompressedBomb(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{ReadLimit: 1000, Compression: true, NoPoller: noPoller}, nil)
		c := dialRaw(t, s, "")
		e := s.accept()
		if e.conn.deflate {
			t.Fatal("deflate negotiated though the client did not offer it")
		}
		_ = c
		// With the extension: 100 kB of zeros compress to a few hundred
		// bytes, under the limit on the wire, over it once inflated.
		g := dialGorilla(t, s, true)
		e = s.accept()
		g.EnableWriteCompression(true)
		g.WriteMessage(gws.BinaryMessage, make([]byte, 100<<10))
		if err := e.end(t); !errors.Is(err, ErrReadLimit) {
			t.Fatalf("reading ended with %v, want ErrReadLimit", err)
		}
		if _, _, err := g.ReadMessage(); !gws.IsCloseError(err, CloseMessageTooBig) {
			t.Fatalf("the client read %v, want close 1009", err)
		}
	})
}

func TestStopAndEnd(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		// Message returning false stops reading without End.
		s := newServer(t, UpgraderOptions{NoPoller: noPoller}, func(m message) bool { return string(m.data) != "stop" })
		c := dialRaw(t, s, "")
		e := s.accept()
		c.send(append(frame(0x80|opText, []byte("stop")), frame(0x80|opText, []byte("after"))...))
		if m := e.next(t); string(m.data) != "stop" {
			t.Fatalf("got %q", m.data)
		}
		select {
		case m := <-e.msgs:
			t.Fatalf("got %q after reading stopped", m.data)
		case err := <-e.ended:
			t.Fatalf("End(%v) after reading stopped", err)
		case <-time.After(100 * time.Millisecond):
		}

		// The peer going away ends reading with io.EOF.
		c2 := dialRaw(t, s, "")
		e2 := s.accept()
		c2.nc.Close()
		if err := e2.end(t); !errors.Is(err, io.EOF) || !IsNormalClose(err) {
			t.Fatalf("reading ended with %v, want io.EOF", err)
		}

		// A close frame is sent once.
		g := dialGorilla(t, s, false)
		e3 := s.accept()
		if err := e3.conn.WriteClose(CloseGoingAway); err != nil {
			t.Fatal(err)
		}
		if err := e3.conn.WriteClose(CloseNormal); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("second close frame: %v", err)
		}
		if _, _, err := g.ReadMessage(); !gws.IsCloseError(err, CloseGoingAway) {
			t.Fatalf("client read %v", err)
		}
		// gorilla answers with its own close frame.
		var ce *CloseError
		if err := e3.end(t); !errors.As(err, &ce) || ce.Code != CloseGoingAway {
			t.Fatalf("reading ended with %v, want the echoed close frame", err)
		}

		// Closing our end stops reading, and the callbacks are not called
		// any more.
		dialRaw(t, s, "")
		e4 := s.accept()
		e4.conn.Close()
		select {
		case err := <-e4.ended:
			t.Fatalf("End(%v) after Close", err)
		case <-time.After(100 * time.Millisecond):
		}
	})
}

func TestRefusedUpgrades(t *testing.T) {
	s := newServer(t, UpgraderOptions{}, nil)
	base := "http" + strings.TrimPrefix(s.url, "ws")
	good := http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}
	cases := []struct {
		name   string
		method string
		edit   func(http.Header)
		status int
	}{
		{"POST", http.MethodPost, func(http.Header) {}, http.StatusMethodNotAllowed},
		{"no Connection upgrade", http.MethodGet, func(h http.Header) { h.Set("Connection", "keep-alive") }, http.StatusBadRequest},
		{"no Upgrade websocket", http.MethodGet, func(h http.Header) { h.Set("Upgrade", "h2c") }, http.StatusBadRequest},
		{"version 8", http.MethodGet, func(h http.Header) { h.Set("Sec-Websocket-Version", "8") }, http.StatusBadRequest},
		{"no key", http.MethodGet, func(h http.Header) { h.Del("Sec-Websocket-Key") }, http.StatusBadRequest},
		{"short key", http.MethodGet, func(h http.Header) { h.Set("Sec-Websocket-Key", "c2hvcnQ=") }, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base, nil)
			req.Header = good.Clone()
			tc.edit(req.Header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("Sec-Websocket-Version") != "13" {
				t.Fatalf("got %s %v, want %d", resp.Status, resp.Header, tc.status)
			}
		})
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestIsUpgradeRequest(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Connection", "keep-alive, Upgrade")
	r.Header.Set("Upgrade", "WebSocket")
	if !IsUpgradeRequest(r) {
		t.Fatal("an upgrade request among other tokens is not recognised")
	}
	r.Header.Set("Upgrade", "h2c")
	if IsUpgradeRequest(r) {
		t.Fatal("an h2c upgrade is taken for WebSocket")
	}
}

func TestMask(t *testing.T) {
	key := uint32(0x78563412)
	for n := range 40 {
		b := make([]byte, n)
		rand.Read(b)
		want := make([]byte, n)
		for i := range b {
			want[i] = b[i] ^ []byte{0x12, 0x34, 0x56, 0x78}[i%4]
		}
		mask(b, key)
		if !bytes.Equal(b, want) {
			t.Fatalf("%d bytes: got %x, want %x", n, b, want)
		}
	}
}

func TestCorkedHandshake(t *testing.T) {
	u := NewUpgrader(UpgraderOptions{})
	defer u.Close()
	conns := make(chan *Conn, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r, nil, true)
		if err != nil {
			return
		}
		// A non-blocking batch waits behind the held response; the
		// response, it and the next message then leave in one write.
		b := c.NewBatch(true)
		b.Message(false, '0', []byte("open"), false)
		if done, err := b.TryFlush(); done || err != nil {
			panic(fmt.Sprintf("TryFlush on a corked connection = %v, %v; want false", done, err))
		}
		c.WriteMessage(false, '4', []byte("next"), false)
		conns <- c
	}))
	defer hs.Close()
	c, _, err := gws.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer (<-conns).Close()
	for _, want := range []string{"0open", "4next"} {
		if _, got, err := c.ReadMessage(); err != nil || string(got) != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
}

// TryFlush never blocks: what a client slow to read does not take waits,
// and goes out first, in order, with the next Flush, which tells of its
// progress.
func TestTryFlushKeepsOrder(t *testing.T) {
	s := newServer(t, UpgraderOptions{}, nil)
	c := dialRaw(t, s, "")
	e := s.accept()
	msg := bytes.Repeat([]byte("x"), 16<<10)
	sent := 0
	for i := 0; ; i++ {
		if i == 10000 {
			t.Fatal("TryFlush took 160 MB without ever stopping")
		}
		b := e.conn.NewBatch(true)
		b.Message(true, 0, binary.BigEndian.AppendUint32(append([]byte(nil), msg...), uint32(i)), false)
		done, err := b.TryFlush()
		if err != nil {
			t.Fatal(err)
		}
		sent++
		if !done {
			break // the socket is full
		}
	}
	// More after the socket filled: kept behind what is waiting.
	b := e.conn.NewBatch(true)
	b.Message(true, 0, binary.BigEndian.AppendUint32(append([]byte(nil), msg...), uint32(sent)), false)
	if done, err := b.TryFlush(); done || err != nil {
		t.Fatalf("TryFlush behind unsent bytes = %v, %v; want false", done, err)
	}
	sent++
	// Flush tells of each part the socket takes: all that was kept, in
	// as many parts as the client's reads make room for.
	e.conn.wmu.Lock()
	unsent := len(e.conn.unsent)
	e.conn.wmu.Unlock()
	var parts, wrote int
	flushed := make(chan error, 1)
	go func() { flushed <- e.conn.Flush(func(n int) { parts, wrote = parts+1, wrote+n }) }()
	for i := range sent {
		op, p := c.read()
		if op != opBinary || len(p) != len(msg)+4 || binary.BigEndian.Uint32(p[len(msg):]) != uint32(i) {
			t.Fatalf("frame %d of %d: opcode %d, %d bytes", i, sent, op, len(p))
		}
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if parts == 0 || wrote != unsent {
		t.Fatalf("Flush told of %d bytes in %d parts, want the %d kept", wrote, parts, unsent)
	}
}

// A close frame's code must be one a peer may send (RFC 6455 section 7.4):
// 1000-1003 and 1007-1014 of the registered ones, or 3000-4999. Any other,
// among them those reserved for use outside frames (1005, 1006, 1015), is
// a protocol error, answered with 1002.
func TestCloseCodes(t *testing.T) {
	valid := []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}
	invalid := []int{0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{NoPoller: noPoller}, nil)
		for _, code := range append(valid, invalid...) {
			ok := slices.Contains(valid, code)
			c := dialRaw(t, s, "")
			e := s.accept()
			c.send(frame(0x80|opClose, append(binary.BigEndian.AppendUint16(nil, uint16(code)), "why"...)))
			err := e.end(t)
			if ok {
				var ce *CloseError
				if !errors.As(err, &ce) || ce.Code != code || ce.Text != "why" {
					t.Fatalf("close %d: reading ended with %v, want the peer's close", code, err)
				}
				continue
			}
			c.expectClose(CloseProtocolError)
			if pe := (*ProtocolError)(nil); !errors.As(err, &pe) || pe.Code != CloseProtocolError {
				t.Fatalf("close %d: reading ended with %v, want a protocol error 1002", code, err)
			}
		}
	})
}

// A client that sends a message and hangs up at once may deliver both in
// one wake-up of an edge-triggered poller: the end of the stream must be
// seen then, not at the next event, which never comes.
func TestMessageAndHangUpTogether(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{NoPoller: noPoller}, nil)
		for range 20 {
			c := dialRaw(t, s, "")
			e := s.accept()
			time.Sleep(10 * time.Millisecond) // the connection is idle, watched
			// One write, then the FIN: they arrive together.
			c.send(frame(0x81, []byte("last words")))
			c.nc.(*net.TCPConn).CloseWrite()
			select {
			case m := <-e.msgs:
				if string(m.data) != "last words" {
					t.Fatalf("message %q", m.data)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no message came")
			}
			start := time.Now()
			select {
			case err := <-e.ended:
				if !errors.Is(err, io.EOF) {
					t.Fatalf("reading ended with %v, want io.EOF", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("the hang-up that came with the message was not seen within 2 s")
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("the hang-up was seen after %v", d)
			}
		}
	})
}
