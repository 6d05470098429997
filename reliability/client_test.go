package reliability_test

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// The attackers' side: Engine.IO and WebSocket by hand, so that they can
// lie, stall and break the protocol.

// handshake opens a long-polling session and returns its id.
func (s *server) handshake(t testing.TB) string {
	t.Helper()
	res, err := s.http.Get(s.base + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 || len(b) < 2 || b[0] != '0' {
		t.Fatalf("handshake: %d %q %v", res.StatusCode, b, err)
	}
	var open struct{ SID string }
	if err := json.Unmarshal(b[1:], &open); err != nil {
		t.Fatalf("open packet %q: %v", b, err)
	}
	return open.SID
}

// closeSession closes the long-polling session sid as a client does, with
// a close packet.
func (s *server) closeSession(t testing.TB, sid string) {
	t.Helper()
	res, err := s.http.Post(s.base+"/socket.io/?EIO=4&transport=polling&sid="+sid, "text/plain;charset=UTF-8", strings.NewReader("1"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

// dial opens a TCP connection to the server.
func (s *server) dial(t testing.TB) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wsConn is a WebSocket client connection written by hand.
type wsConn struct {
	net.Conn
	br *bufio.Reader
}

// dialWS opens a WebSocket session ("/socket.io/?EIO=4&transport=websocket")
// and reads its open packet.
func (s *server) dialWS(t testing.TB) *wsConn {
	t.Helper()
	c := s.dial(t)
	fmt.Fprintf(c, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	ws := &wsConn{Conn: c, br: bufio.NewReader(c)}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(ws.br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		c.Close()
		t.Fatalf("upgrade: %v %v", res, err)
	}
	if op, p, err := ws.read(); err != nil || op != opText || p[0] != '0' {
		c.Close()
		t.Fatalf("open packet: %d %q %v", op, p, err)
	}
	c.SetReadDeadline(time.Time{})
	return ws
}

// connect dials a WebSocket session and connects it to "/".
func (s *server) connect(t testing.TB) *wsConn { return s.connectTo(t, "") }

// connectTo dials a WebSocket session and connects it to the namespace
// nsp ("" for "/").
func (s *server) connectTo(t testing.TB, nsp string) *wsConn {
	t.Helper()
	ws := s.dialWS(t)
	prefix := "40"
	if nsp != "" {
		prefix += nsp + ","
	}
	ws.send(opText, prefix)
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if op, p, err := ws.read(); err != nil || op != opText || !strings.HasPrefix(string(p), prefix) {
		ws.Close()
		t.Fatalf("CONNECT reply: %d %q %v", op, p, err)
	}
	ws.SetReadDeadline(time.Time{})
	return ws
}

const (
	opText   = 1
	opBinary = 2
	opClose  = 8
	opPing   = 9
	opPong   = 10
)

// frame returns a masked client frame with payload, announcing n bytes.
func frame(op byte, payload []byte, n int) []byte {
	b := []byte{0x80 | op}
	switch {
	case n <= 125:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	key := [4]byte{1, 2, 3, 4}
	b = append(b, key[:]...)
	for i, c := range payload {
		b = append(b, c^key[i&3])
	}
	return b
}

// send writes one whole frame.
func (ws *wsConn) send(op byte, payload string) error {
	_, err := ws.Write(frame(op, []byte(payload), len(payload)))
	return err
}

// read reads one frame from the server (unmasked, at most 16 MB).
func (ws *wsConn) read() (op byte, payload []byte, err error) {
	var h [2]byte
	if _, err := io.ReadFull(ws.br, h[:]); err != nil {
		return 0, nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		if _, err := io.ReadFull(ws.br, l[:]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		if _, err := io.ReadFull(ws.br, l[:]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(l[:])
	}
	if n > 16<<20 {
		return 0, nil, fmt.Errorf("a frame of %d bytes", n)
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(ws.br, payload); err != nil {
		return 0, nil, err
	}
	return h[0] & 0x0f, payload, nil
}

// frames reads the server's frames into a buffer of its own and hands
// each to f, allocating nothing per frame, until the connection or f
// fails; payloads are valid only during the call. Readers of a storm must
// keep up.
func (ws *wsConn) frames(f func(op byte, payload []byte) error) error {
	buf := make([]byte, 256<<10)
	have := 0
	for {
		n, err := ws.br.Read(buf[have:])
		if err != nil {
			return err
		}
		have += n
		off := 0
		for {
			b := buf[off:have]
			if len(b) < 2 {
				break
			}
			size, hdr := int(b[1]&0x7f), 2
			switch size {
			case 126:
				if len(b) < 4 {
					break
				}
				size, hdr = int(binary.BigEndian.Uint16(b[2:])), 4
			case 127:
				if len(b) < 10 {
					break
				}
				size, hdr = int(min(binary.BigEndian.Uint64(b[2:]), 1<<40)), 10
			}
			if len(b) < hdr {
				break
			}
			if hdr+size > len(buf) {
				return fmt.Errorf("a frame of %d bytes", size)
			}
			if len(b) < hdr+size {
				break
			}
			if err := f(b[0]&0x0f, b[hdr:hdr+size]); err != nil {
				return err
			}
			off += hdr + size
		}
		have = copy(buf, buf[off:have])
	}
}

// closeCode reads until the server's close frame and returns its code, or
// -1 if the connection ended without one.
func (ws *wsConn) closeCode(d time.Duration) (int, error) {
	ws.SetReadDeadline(time.Now().Add(d))
	for {
		op, p, err := ws.read()
		if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) {
			return -1, nil
		}
		if err != nil {
			return 0, err
		}
		if op == opClose {
			if len(p) < 2 {
				return 1005, nil
			}
			return int(binary.BigEndian.Uint16(p)), nil
		}
	}
}

// canary is a well-behaved Socket.IO client that stays connected through
// the attacks, on a namespace of its own ("/canary") that no broadcast
// reaches: it answers pings and checks, when asked, that an event still
// gets its acknowledgement.
type canary struct {
	ws   *wsConn
	wmu  sync.Mutex
	acks chan string
	done chan struct{}
	n    int
}

func (s *server) canary(t *testing.T) *canary {
	c := &canary{ws: s.connectTo(t, "/canary"), acks: make(chan string, 1), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.ws.frames(func(op byte, p []byte) error {
			switch {
			case op == opText && string(p) == "2":
				c.wmu.Lock()
				defer c.wmu.Unlock()
				return c.ws.send(opText, "3")
			case op == opText && strings.HasPrefix(string(p), "43/canary,"):
				c.acks <- string(p)
			}
			return nil
		})
	}()
	return c
}

// check sends an event with an ack id and waits for the acknowledgement.
func (c *canary) check(t *testing.T) {
	t.Helper()
	c.n++
	c.wmu.Lock()
	err := c.ws.send(opText, fmt.Sprintf(`42/canary,%d["echo","canary %d"]`, c.n, c.n))
	c.wmu.Unlock()
	if err != nil {
		t.Fatalf("canary: %v", err)
	}
	want := fmt.Sprintf(`43/canary,%d["canary %d"]`, c.n, c.n)
	select {
	case got := <-c.acks:
		if got != want {
			t.Fatalf("canary: ack %q, want %q", got, want)
		}
	case <-c.done:
		t.Fatal("canary: the server closed the connection of a client that did nothing wrong")
	case <-time.After(10 * time.Second):
		t.Fatal("canary: no acknowledgement within 10 s")
	}
}

func (c *canary) close() {
	c.ws.Close()
	<-c.done
}
