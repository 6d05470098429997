package main

import (
	"bytes"
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

	"github.com/gorilla/websocket"
)

// serverFrame is a frame as a server sends it: unmasked.
func serverFrame(fin bool, op byte, p []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	f := []byte{b0}
	switch n := len(p); {
	case n <= 125:
		f = append(f, byte(n))
	case n <= 0xffff:
		f = append(f, 126, byte(n>>8), byte(n))
	default:
		f = append(f, 127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	return append(f, p...)
}

// readClientFrame parses one frame a client sent, checking that it is
// final and masked, and returns its opcode and unmasked payload.
func readClientFrame(t *testing.T, r io.Reader) (byte, []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatalf("reading a frame header: %v", err)
	}
	if h[0]&0xf0 != 0x80 || h[1]&0x80 == 0 {
		t.Fatalf("frame header %x: want FIN, no RSV bits, MASK", h)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		io.ReadFull(r, l[:])
		n = uint64(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		io.ReadFull(r, l[:])
		n = binary.BigEndian.Uint64(l[:])
	}
	var key [4]byte
	io.ReadFull(r, key[:])
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		t.Fatalf("reading a %d-byte payload: %v", n, err)
	}
	for i := range p {
		p[i] ^= key[i%4]
	}
	return h[0] & 0x0f, p
}

func TestAppendFrame(t *testing.T) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	for _, n := range []int{0, 1, 7, 8, 9, 125, 126, 127, 1000, 0xffff, 0x10000, 200000} {
		p := bytes.Repeat([]byte("abcdefghijk"), n/11+1)[:n]
		f := appendFrame([]byte("keep"), opText, p, key)
		if string(f[:4]) != "keep" {
			t.Fatalf("%d bytes: the prefix was overwritten", n)
		}
		hdr := 6
		switch {
		case n > 0xffff:
			hdr = 14
		case n > 125:
			hdr = 8
		}
		if len(f) != 4+hdr+n {
			t.Fatalf("%d bytes: frame of %d bytes, want %d", n, len(f)-4, hdr+n)
		}
		op, got := readClientFrame(t, bytes.NewReader(f[4:]))
		if op != opText || !bytes.Equal(got, p) {
			t.Errorf("%d bytes: read back opcode %d, payload equal %v", n, op, bytes.Equal(got, p))
		}
		if n >= 8 && bytes.Equal(f[4+hdr:4+hdr+8], p[:8]) {
			t.Errorf("%d bytes: payload not masked", n)
		}
	}
}

// parsed is what frameReader.parse handed out.
type parsed struct {
	texts    []string
	controls []string // "ping:payload", "pong:...", "close:..."
}

func (p *parsed) text(b []byte) error {
	p.texts = append(p.texts, string(b))
	return nil
}

func (p *parsed) control(op byte, b []byte) error {
	name := map[byte]string{opClose: "close", opPing: "ping", opPong: "pong"}[op]
	p.controls = append(p.controls, name+":"+string(b))
	return nil
}

// parseAll feeds the frames in to a frameReader the way a stream does: in
// pieces of at most step bytes, keeping what parse did not consume.
func parseAll(t *testing.T, in []byte, step int) (*parsed, error) {
	t.Helper()
	var r frameReader
	got := &parsed{}
	var buf []byte
	for len(in) > 0 {
		k := min(step, len(in))
		buf, in = append(buf, in[:k]...), in[k:]
		n, err := r.parse(buf, got.text, got.control)
		if n < 0 || n > len(buf) {
			t.Fatalf("parse consumed %d of %d bytes", n, len(buf))
		}
		buf = buf[n:]
		if err != nil {
			return got, err
		}
	}
	if len(buf) > 0 {
		t.Fatalf("%d bytes left unparsed", len(buf))
	}
	return got, nil
}

func TestFrameReader(t *testing.T) {
	long16 := strings.Repeat("y", 300)
	long64 := strings.Repeat("z", 70000)
	var in []byte
	in = append(in, serverFrame(true, opText, []byte(`0{"sid":"a"}`))...)
	in = append(in, serverFrame(true, opText, nil)...)
	in = append(in, serverFrame(true, opBinary, []byte{1, 2, 3})...) // skipped
	in = append(in, serverFrame(true, opText, []byte(long16))...)
	in = append(in, serverFrame(true, opText, []byte(long64))...)
	// A fragmented text message with control frames between its fragments.
	in = append(in, serverFrame(false, opText, []byte("frag"))...)
	in = append(in, serverFrame(true, opPing, []byte("p1"))...)
	in = append(in, serverFrame(false, opContinuation, []byte("men"))...)
	in = append(in, serverFrame(true, opPong, nil)...)
	in = append(in, serverFrame(true, opContinuation, []byte("ted"))...)
	// A fragmented binary message, skipped whole.
	in = append(in, serverFrame(false, opBinary, []byte{9})...)
	in = append(in, serverFrame(true, opContinuation, []byte{9})...)
	in = append(in, serverFrame(true, opText, []byte("2"))...)
	in = append(in, serverFrame(true, opClose, []byte{0x03, 0xe8, 'b', 'y', 'e'})...)
	want := &parsed{
		texts:    []string{`0{"sid":"a"}`, "", long16, long64, "fragmented", "2"},
		controls: []string{"ping:p1", "pong:", "close:\x03\xe8bye"},
	}
	// All at once (several frames per read), and in pieces of every size
	// up to some past the headers, so that each frame is cut everywhere.
	for _, step := range []int{len(in), 1, 2, 3, 5, 7, 11, 64, 1000} {
		got, err := parseAll(t, in, step)
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if !slices.Equal(got.texts, want.texts) || !slices.Equal(got.controls, want.controls) {
			t.Errorf("step %d: got %d texts %q..., controls %q; want %d texts, controls %q",
				step, len(got.texts), abbrevAll(got.texts), got.controls, len(want.texts), want.controls)
		}
	}
}

func abbrevAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = abbrev([]byte(v))
	}
	return out
}

func TestFrameReaderErrors(t *testing.T) {
	masked := serverFrame(true, opText, []byte("x"))
	masked[1] |= 0x80
	masked = append(masked[:2], append([]byte{0, 0, 0, 0}, masked[2:]...)...)
	rsv := serverFrame(true, opText, []byte("x"))
	rsv[0] |= 0x40
	huge := []byte{0x81, 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	for name, in := range map[string][]byte{
		"masked":                  masked,
		"reserved bits":           rsv,
		"unknown data opcode":     serverFrame(true, 0x3, nil),
		"unknown control opcode":  serverFrame(true, 0xb, nil),
		"fragmented control":      serverFrame(false, opPing, nil),
		"long control":            serverFrame(true, opPing, bytes.Repeat([]byte("x"), 126)),
		"continuation first":      serverFrame(true, opContinuation, []byte("x")),
		"text inside fragmented":  append(serverFrame(false, opText, []byte("a")), serverFrame(true, opText, []byte("b"))...),
		"too long":                huge,
		"binary inside fragments": append(serverFrame(false, opText, []byte("a")), serverFrame(true, opBinary, []byte("b"))...),
	} {
		var r frameReader
		got := &parsed{}
		if _, err := r.parse(in, got.text, got.control); err == nil {
			t.Errorf("%s: parse succeeded, with texts %q", name, got.texts)
		}
	}
	// An error from a handler stops the parse after its frame.
	in := append(serverFrame(true, opText, []byte("a")), serverFrame(true, opText, []byte("b"))...)
	var r frameReader
	stop := errors.New("stop")
	n, err := r.parse(in, func([]byte) error { return stop }, nil)
	if err != stop || n != 3 {
		t.Errorf("parse with a failing handler = %d, %v; want 3, stop", n, err)
	}
}

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	return client, server
}

// TestWSControl checks the answers to control frames: a ping's pong with
// the same payload, a close's close with the same code.
func TestWSControl(t *testing.T) {
	client, server := tcpPair(t)
	w, err := newWSConn(client)
	if err != nil {
		t.Fatal(err)
	}
	var in []byte
	in = append(in, serverFrame(true, opText, []byte("before"))...)
	in = append(in, serverFrame(true, opPing, []byte("are you there"))...)
	in = append(in, serverFrame(true, opText, []byte("after"))...)
	in = append(in, serverFrame(true, opClose, []byte{0x03, 0xe9, 'g', 'o', 'n', 'e'})...)
	server.Write(in)
	var texts []string
	err = w.receive(func(p []byte) error {
		texts = append(texts, string(p))
		return nil
	})
	var ce *closeError
	if !errors.As(err, &ce) || ce.code != 1001 || ce.reason != "gone" {
		t.Errorf("receive ended with %v; want the close error 1001 gone", err)
	}
	if !slices.Equal(texts, []string{"before", "after"}) {
		t.Errorf("texts %q", texts)
	}
	if op, p := readClientFrame(t, server); op != opPong || string(p) != "are you there" {
		t.Errorf("the answer to the ping: opcode %d, %q", op, p)
	}
	if op, p := readClientFrame(t, server); op != opClose || !bytes.Equal(p, []byte{0x03, 0xe9}) {
		t.Errorf("the answer to the close: opcode %d, %q", op, p)
	}
	w.close() // the close frame went already: no second one
	server.SetReadDeadline(time.Now().Add(time.Second))
	if rest, err := io.ReadAll(server); len(rest) != 0 || err != nil {
		t.Errorf("after the close frame: %q, %v; want nothing and EOF", rest, err)
	}
}

// TestWSClose checks the close frame the client sends when it closes.
func TestWSClose(t *testing.T) {
	client, server := tcpPair(t)
	w, err := newWSConn(client)
	if err != nil {
		t.Fatal(err)
	}
	w.close()
	w.close()
	if op, p := readClientFrame(t, server); op != opClose || !bytes.Equal(p, []byte{0x03, 0xe8}) {
		t.Errorf("close sent opcode %d, %q; want a close with 1000", op, p)
	}
	if rest, err := io.ReadAll(server); len(rest) != 0 || err != nil {
		t.Errorf("after the close frame: %q, %v; want nothing and EOF", rest, err)
	}
}

// TestStreamBatches checks that the frames that arrived together are
// parsed from one read, and that frames that arrive in pieces, with
// pauses, are waited for.
func TestStreamBatches(t *testing.T) {
	client, server := tcpPair(t)
	w, err := newWSConn(client)
	if err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	var batch []byte
	for i := range 5 {
		batch = append(batch, serverFrame(true, opText, fmt.Appendf(nil, "m%d", i))...)
	}
	server.Write(batch)
	time.Sleep(50 * time.Millisecond) // all of it arrived before the read
	calls := 0
	var texts []string
	err = w.in.receive(func(b []byte) (int, error) {
		calls++
		return w.frames.parse(b, func(p []byte) error {
			texts = append(texts, string(p))
			if len(texts) == 5 {
				return errDone
			}
			return nil
		}, w.control)
	})
	if err != errDone || calls != 1 || len(texts) != 5 {
		t.Fatalf("receive = %v after %d parses, texts %q; want errDone after 1 parse, 5 texts", err, calls, texts)
	}

	// A frame in three pieces, then one past the initial buffer, with
	// pauses between the writes.
	big := bytes.Repeat([]byte("b"), 5*wsBufferSize)
	go func() {
		f := serverFrame(true, opText, []byte("slow"))
		for _, piece := range [][]byte{f[:1], f[1:4], f[4:]} {
			time.Sleep(20 * time.Millisecond)
			server.Write(piece)
		}
		f = serverFrame(true, opText, big)
		server.Write(f[:100])
		time.Sleep(20 * time.Millisecond)
		server.Write(f[100:])
	}()
	for _, want := range [][]byte{[]byte("slow"), big} {
		p, err := w.next()
		if err != nil || !bytes.Equal(p, want) {
			t.Fatalf("next = %q, %v; want %q", abbrev(p), err, abbrev(want))
		}
	}
}

// TestStreamEnd checks that the end of the stream right after a message
// is noticed: both may come in one wake-up, and no new data follows.
func TestStreamEnd(t *testing.T) {
	client, server := tcpPair(t)
	w, err := newWSConn(client)
	if err != nil {
		t.Fatal(err)
	}
	server.Write(serverFrame(true, opText, []byte("last")))
	server.Close()
	time.Sleep(50 * time.Millisecond) // the data and the FIN arrived
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	var texts []string
	err = w.receive(func(p []byte) error {
		texts = append(texts, string(p))
		return nil
	})
	if err != io.EOF || !slices.Equal(texts, []string{"last"}) {
		t.Errorf("receive = %v with %q; want EOF after \"last\"", err, texts)
	}
}

// TestWSGorilla exchanges messages of every length form with
// gorilla/websocket's server, which checks the client's framing and
// masking.
func TestWSGorilla(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(rw, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			typ, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			// The server's answer, in three fragments, with a ping between.
			wr, _ := c.NextWriter(typ)
			wr.Write(p[:len(p)/2])
			c.WriteControl(websocket.PingMessage, []byte("between"), time.Now().Add(time.Second))
			wr.Write(p[len(p)/2:])
			wr.Close()
		}
	}))
	defer srv.Close()
	cfg := Config{URL: srv.URL, Path: "/ws"}
	e, err := parseEndpoints(cfg.URL, cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := openWS(t.Context(), e)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	for _, n := range []int{0, 1, 125, 126, 0xffff, 0x10000, 300000} {
		msg := bytes.Repeat([]byte("0123456789"), n/10+1)[:n]
		if err := w.send(msg); err != nil {
			t.Fatal(err)
		}
		p, err := w.next()
		if err != nil || !bytes.Equal(p, msg) {
			t.Fatalf("%d bytes: next = %d bytes, %v", n, len(p), err)
		}
	}
}
