package websocket

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Conformance cases after RFC 6455 and RFC 7692 and the case list of the
// Autobahn testsuite (sections 1-7, 9, 12-13), run against an echo server
// by a client that writes raw bytes and reads the server's frames.
//
// What the server does not do, and why:
//   - It does not fail fast on invalid UTF-8 (Autobahn 6.4.x): a text
//     message is checked once it is complete (decompressed, if it was
//     compressed), so a message whose first fragment is already invalid is
//     closed with 1007 when its last fragment comes. Autobahn counts this
//     as NON-STRICT, which it accepts.
//   - A close frame is answered by the application (here the echo
//     server's End, in engineio with 1000 whatever the code); the
//     package reports the code and reason. Autobahn 7.7.x accepts 1000 or
//     the echoed code.
//   - permessage-deflate is without context takeover both ways, and a
//     client's server_max_window_bits below 15 is declined (compress/flate
//     writes with a 32 KiB window): Autobahn 13.x's offers with small
//     server windows get no extension, not a failure.

// confLimit is the conformance server's read limit.
const confLimit = 1 << 20

// confServer starts an echo server: each message goes back as it came,
// compressed when permessage-deflate was negotiated; a peer's close frame
// is answered with its code (1000 for none).
func confServer(t *testing.T, noPoller bool) string {
	t.Helper()
	u := NewUpgrader(UpgraderOptions{ReadLimit: confLimit, Compression: true, CompressionThreshold: 1, NoPoller: noPoller})
	conns := make(chan *Conn, 1024)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r, nil, false)
		if err != nil {
			return
		}
		conns <- c
		c.Serve(Funcs{Message: func(binary bool, data []byte) bool {
			return c.WriteMessage(binary, 0, data, true) == nil
		}, End: func(err error) {
			var ce *CloseError
			if errors.As(err, &ce) {
				code := ce.Code
				if code == closeNoStatus {
					code = CloseNormal
				}
				c.WriteClose(code)
			}
			// Some cases send on after their close frame; closing
			// with bytes unread would reset the connection and could
			// lose the close frame. The client ends its side once it
			// has the close frame.
			c.DrainAndClose(time.Second)
		}}.Handler())
	}))
	t.Cleanup(func() {
		hs.Close()
		for len(conns) > 0 {
			(<-conns).Close()
		}
		u.Close()
	})
	return hs.Listener.Addr().String()
}

type confClient struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func confDial(t *testing.T, addr string, deflate bool) *confClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ext := ""
	if deflate {
		ext = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
	}
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n%s\r\n", ext)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		nc.Close()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		nc.Close()
		t.Fatalf("handshake: %s", resp.Status)
	}
	if got := strings.HasPrefix(resp.Header.Get("Sec-Websocket-Extensions"), "permessage-deflate"); got != deflate {
		nc.Close()
		t.Fatalf("permessage-deflate negotiated: %v, want %v", got, deflate)
	}
	return &confClient{t: t, nc: nc, br: br}
}

// serverFrame is a frame the server sent: its first byte and payload,
// decompressed if RSV1 was set.
type serverFrame struct {
	b0      byte
	payload []byte
}

func (c *confClient) read() (serverFrame, error) { return readServerFrame(c.nc, c.br) }

// readServerFrame reads one frame the server sent on nc (buffered by br),
// waiting at most 5 s, and checks what RFC 6455 asks of a server's frame.
func readServerFrame(nc net.Conn, br *bufio.Reader) (serverFrame, error) {
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return serverFrame{}, err
	}
	if h[1]&0x80 != 0 {
		return serverFrame{}, errors.New("the server masked a frame")
	}
	if h[0]&0x80 == 0 || h[0]&0x30 != 0 {
		return serverFrame{}, fmt.Errorf("the server sent a fragment or RSV2/3: %#x", h[0])
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		io.ReadFull(br, l[:])
		n = uint64(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		io.ReadFull(br, l[:])
		n = binary.BigEndian.Uint64(l[:])
	}
	if n > 4<<20 {
		return serverFrame{}, fmt.Errorf("a frame of %d bytes", n)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(br, p); err != nil {
		return serverFrame{}, err
	}
	if h[0]&0x40 != 0 {
		r := flate.NewReader(io.MultiReader(bytes.NewReader(p), bytes.NewReader([]byte{0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff})))
		var err error
		if p, err = io.ReadAll(r); err != nil {
			return serverFrame{}, fmt.Errorf("inflating a server frame: %v", err)
		}
	}
	return serverFrame{h[0] & 0x8f, p}, nil
}

// compress deflates a message as permessage-deflate sends it: without the
// final 00 00 ff ff.
func compress(data []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(data)
	w.Flush()
	return bytes.TrimSuffix(buf.Bytes(), []byte{0, 0, 0xff, 0xff})
}

func closePayload(code int, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// A confCase is bytes to send and what the server must send back: frames
// (first byte and payload), then a close frame with closeCode, or, when
// closeCode is 0, nothing until the client's own close 1000 is echoed.
type confCase struct {
	name      string
	deflate   bool
	send      []byte
	want      []serverFrame
	closeCode int
}

const (
	fin     = 0x80
	rsv1    = 0x40
	rsv2    = 0x20
	rsv3    = 0x10
	text    = fin | opText
	bin     = fin | opBinary
	ping    = fin | opPing
	pong    = fin | opPong
	closeOp = fin | opClose
)

func frames(fs ...[]byte) []byte { return bytes.Join(fs, nil) }

func echo(b0 byte, p []byte) serverFrame { return serverFrame{b0, p} }

func confCases() []confCase {
	var cs []confCase
	add := func(c confCase) { cs = append(cs, c) }

	// 1: framing.
	for _, n := range []int{0, 125, 126, 127, 128, 65535, 65536} {
		t := bytes.Repeat([]byte("*"), n)
		b := bytes.Repeat([]byte{0xfe}, n)
		add(confCase{name: fmt.Sprintf("1.1 text %d", n), send: frame(text, t), want: []serverFrame{echo(text, t)}})
		add(confCase{name: fmt.Sprintf("1.2 binary %d", n), send: frame(bin, b), want: []serverFrame{echo(bin, b)}})
	}

	// 2: pings and pongs.
	add(confCase{name: "2.1 ping", send: frame(ping, nil), want: []serverFrame{echo(pong, []byte{})}})
	add(confCase{name: "2.2 ping with text", send: frame(ping, []byte("Hello, world!")), want: []serverFrame{echo(pong, []byte("Hello, world!"))}})
	add(confCase{name: "2.3 ping with binary", send: frame(ping, []byte{0, 0xff, 0xfe, 0xfd}), want: []serverFrame{echo(pong, []byte{0, 0xff, 0xfe, 0xfd})}})
	p125 := bytes.Repeat([]byte{0xfe}, 125)
	add(confCase{name: "2.4 ping of 125", send: frame(ping, p125), want: []serverFrame{echo(pong, p125)}})
	add(confCase{name: "2.5 ping of 126", send: frame(ping, append(p125, 0xfe)), closeCode: CloseProtocolError})
	add(confCase{name: "2.7 unsolicited pong", send: frame(pong, nil)})
	add(confCase{name: "2.8 unsolicited pong with payload", send: frame(pong, []byte("unsolicited"))})
	add(confCase{name: "2.9 unsolicited pong, then ping", send: frames(frame(pong, []byte("unsolicited")), frame(ping, []byte("ping"))), want: []serverFrame{echo(pong, []byte("ping"))}})
	var pings []byte
	var pongs []serverFrame
	for i := range 10 {
		p := []byte(fmt.Sprintf("payload-%d", i))
		pings = append(pings, frame(ping, p)...)
		pongs = append(pongs, echo(pong, p))
	}
	add(confCase{name: "2.10 10 pings", send: pings, want: pongs})
	add(confCase{name: "fragmented ping", send: frames(frame(opPing, []byte("a")), frame(fin|opContinuation, []byte("b"))), closeCode: CloseProtocolError})

	// 3: reserved bits, without an extension that defines them.
	for i, b0 := range []byte{text | rsv1, text | rsv2, text | rsv3, bin | rsv1 | rsv3, ping | rsv2 | rsv3, closeOp | rsv1 | rsv2 | rsv3} {
		add(confCase{name: fmt.Sprintf("3.%d RSV %#x", i+1, b0), send: frame(b0, []byte("Hello")), closeCode: CloseProtocolError})
	}
	add(confCase{name: "3.x RSV2 after a valid message, ping behind",
		send:      frames(frame(text, []byte("Hello")), frame(text|rsv2, []byte("Hello")), frame(ping, nil)),
		want:      []serverFrame{echo(text, []byte("Hello"))},
		closeCode: CloseProtocolError})

	// 4: opcodes.
	for _, op := range []byte{3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf} {
		add(confCase{name: fmt.Sprintf("4 opcode %#x", op), send: frame(fin|op, []byte("reserved")), closeCode: CloseProtocolError})
		add(confCase{name: fmt.Sprintf("4 opcode %#x after a valid message", op),
			send:      frames(frame(text, []byte("Hello")), frame(fin|op, nil), frame(ping, nil)),
			want:      []serverFrame{echo(text, []byte("Hello"))},
			closeCode: CloseProtocolError})
	}

	// 5: fragmentation.
	add(confCase{name: "5.1 ping in 2 fragments", send: frames(frame(opPing, []byte("frag1")), frame(fin|opContinuation, []byte("frag2"))), closeCode: CloseProtocolError})
	add(confCase{name: "5.2 pong in 2 fragments", send: frames(frame(opPong, []byte("frag1")), frame(fin|opContinuation, []byte("frag2"))), closeCode: CloseProtocolError})
	add(confCase{name: "5.3 text in 2 fragments", send: frames(frame(opText, []byte("frag1")), frame(fin|opContinuation, []byte("frag2"))), want: []serverFrame{echo(text, []byte("frag1frag2"))}})
	add(confCase{name: "5.3 binary in 3 fragments", send: frames(frame(opBinary, []byte{1}), frame(opContinuation, nil), frame(fin|opContinuation, []byte{2, 3})), want: []serverFrame{echo(bin, []byte{1, 2, 3})}})
	add(confCase{name: "5.6 text in 2 fragments, ping between", send: frames(frame(opText, []byte("frag1")), frame(ping, []byte("ping")), frame(fin|opContinuation, []byte("frag2"))), want: []serverFrame{echo(pong, []byte("ping")), echo(text, []byte("frag1frag2"))}})
	add(confCase{name: "5.9 continuation without a message", send: frames(frame(fin|opContinuation, []byte("non-continuation payload")), frame(text, []byte("Hello"))), closeCode: CloseProtocolError})
	add(confCase{name: "5.12 unfinished continuation without a message", send: frames(frame(opContinuation, []byte("non-continuation payload")), frame(text, []byte("Hello"))), closeCode: CloseProtocolError})
	add(confCase{name: "5.15 message, then continuations", send: frames(frame(opText, []byte("fragment1")), frame(fin|opContinuation, []byte("fragment2")), frame(opContinuation, []byte("fragment3")), frame(fin|opContinuation, []byte("fragment4"))), want: []serverFrame{echo(text, []byte("fragment1fragment2"))}, closeCode: CloseProtocolError})
	add(confCase{name: "5.17 finished text, then a continuation", send: frames(frame(text, []byte("fragment1")), frame(fin|opContinuation, []byte("fragment2"))), want: []serverFrame{echo(text, []byte("fragment1"))}, closeCode: CloseProtocolError})
	add(confCase{name: "5.19 text in 5 fragments, pings between",
		send: frames(frame(opText, []byte("f1")), frame(opContinuation, []byte("f2")), frame(ping, []byte("p1")), frame(opContinuation, []byte("f3")),
			frame(opContinuation, []byte("f4")), frame(ping, []byte("p2")), frame(fin|opContinuation, []byte("f5"))),
		want: []serverFrame{echo(pong, []byte("p1")), echo(pong, []byte("p2")), echo(text, []byte("f1f2f3f4f5"))}})
	add(confCase{name: "data frame inside a fragmented message", send: frames(frame(opText, []byte("a")), frame(bin, []byte("b"))), closeCode: CloseProtocolError})
	add(confCase{name: "fragmented close", send: frame(opClose, closePayload(1000, "")), closeCode: CloseProtocolError})

	// 6: UTF-8.
	for _, s := range []string{"", "Hello-µ@ßöäüàá-UTF-8!!", "κόσμε", "\u0080", "\u0800", "\U00010000", "\uffff", "\U0010ffff", "\ud7ff", "\ue000"} {
		add(confCase{name: fmt.Sprintf("6 valid %q", s), send: frame(text, []byte(s)), want: []serverFrame{echo(text, []byte(s))}})
		if len(s) > 1 {
			// Split inside a character.
			add(confCase{name: fmt.Sprintf("6 valid %q in fragments", s), send: frames(frame(opText, []byte(s[:1])), frame(fin|opContinuation, []byte(s[1:]))), want: []serverFrame{echo(text, []byte(s))}})
		}
	}
	for _, s := range []string{
		"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64", // a surrogate
		"\xf4\x90\x80\x80", // past U+10FFFF
		"\xc0\xaf",         // overlong
		"\xe0\x80\xaf",     // overlong
		"\xff", "\xfe", "\x80", "\xce", "κόσμ\xce",
	} {
		add(confCase{name: fmt.Sprintf("6 invalid %q", s), send: frame(text, []byte(s)), closeCode: CloseInvalidPayload})
		add(confCase{name: fmt.Sprintf("6 invalid %q in fragments", s), send: frames(frame(opText, []byte(s[:1])), frame(opContinuation, nil), frame(fin|opContinuation, []byte(s[1:]))), closeCode: CloseInvalidPayload})
	}

	// 7: closing.
	add(confCase{name: "7.1.1 message, then close", send: frames(frame(text, []byte("Hello")), frame(closeOp, closePayload(1000, ""))), want: []serverFrame{echo(text, []byte("Hello"))}, closeCode: 1000})
	add(confCase{name: "7.1.2 two closes", send: frames(frame(closeOp, closePayload(1000, "")), frame(closeOp, closePayload(1001, ""))), closeCode: 1000})
	add(confCase{name: "7.1.3 close, then ping", send: frames(frame(closeOp, closePayload(1000, "")), frame(ping, []byte("ping"))), closeCode: 1000})
	add(confCase{name: "7.1.4 close, then message", send: frames(frame(closeOp, closePayload(1000, "")), frame(text, []byte("after"))), closeCode: 1000})
	add(confCase{name: "7.1.5 fragment, close, fragment", send: frames(frame(opText, []byte("frag1")), frame(closeOp, closePayload(1000, "")), frame(fin|opContinuation, []byte("frag2"))), closeCode: 1000})
	add(confCase{name: "7.1.6 large message, then close", send: frames(frame(text, bytes.Repeat([]byte("BAsd7&jh23"), 26214)), frame(closeOp, closePayload(1000, ""))), want: []serverFrame{echo(text, bytes.Repeat([]byte("BAsd7&jh23"), 26214))}, closeCode: 1000})
	add(confCase{name: "7.3.1 empty close", send: frame(closeOp, nil), closeCode: 1000})
	add(confCase{name: "7.3.2 close of 1 byte", send: frame(closeOp, []byte{3}), closeCode: CloseProtocolError})
	add(confCase{name: "7.3.3 close without reason", send: frame(closeOp, closePayload(1000, "")), closeCode: 1000})
	add(confCase{name: "7.3.4 close with reason", send: frame(closeOp, closePayload(1000, "Hello World!")), closeCode: 1000})
	add(confCase{name: "7.3.5 close with a reason of 123", send: frame(closeOp, closePayload(1000, strings.Repeat("*", 123))), closeCode: 1000})
	add(confCase{name: "7.3.6 close with a reason of 124", send: frame(closeOp, closePayload(1000, strings.Repeat("*", 124))), closeCode: CloseProtocolError})
	add(confCase{name: "7.5.1 close with invalid UTF-8", send: frame(closeOp, closePayload(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64")), closeCode: CloseInvalidPayload})
	for _, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		add(confCase{name: fmt.Sprintf("7.7 close %d", code), send: frame(closeOp, closePayload(code, "")), closeCode: code})
	}
	// Autobahn 7.9.x once listed 1012-1014 as invalid; they have been
	// registered since, and ws accepts them.
	for _, code := range []int{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		add(confCase{name: fmt.Sprintf("7.9 close %d", code), send: frame(closeOp, closePayload(code, "")), closeCode: CloseProtocolError})
	}

	// 9: limits. A message of the limit, in frames of many sizes; one
	// byte more is too big, whole or in fragments.
	big := make([]byte, confLimit)
	for i := range big {
		big[i] = byte(i * 31)
	}
	for _, size := range []int{64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, confLimit} {
		var fs []byte
		for at := 0; at < len(big); at += size {
			b0 := byte(opContinuation)
			if at == 0 {
				b0 = opBinary
			}
			if at+size >= len(big) {
				b0 |= fin
			}
			fs = append(fs, frame(b0, big[at:min(at+size, len(big))])...)
		}
		add(confCase{name: fmt.Sprintf("9 the limit in frames of %d", size), send: fs, want: []serverFrame{echo(bin, big)}})
	}
	add(confCase{name: "9 one byte over the limit", send: frame(bin, append(big, 0)), closeCode: CloseMessageTooBig})
	add(confCase{name: "9 one byte over the limit, fragmented", send: frames(frame(opBinary, big), frame(fin|opContinuation, []byte{0})), closeCode: CloseMessageTooBig})

	// 12, 13: permessage-deflate.
	for _, n := range []int{0, 16, 64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 128 << 10} {
		msg := []byte(strings.Repeat("All work and no play makes Jack a dull boy. ", n/44+1)[:n])
		add(confCase{name: fmt.Sprintf("12 compressed text %d", n), deflate: true, send: frame(text|rsv1, compress(msg)), want: []serverFrame{echo(text, msg)}})
		rnd := make([]byte, n)
		for i := range rnd {
			rnd[i] = byte(i*i + i>>3)
		}
		add(confCase{name: fmt.Sprintf("12 compressed binary %d", n), deflate: true, send: frame(bin|rsv1, compress(rnd)), want: []serverFrame{echo(bin, rnd)}})
		add(confCase{name: fmt.Sprintf("12 uncompressed text %d, deflate negotiated", n), deflate: true, send: frame(text, msg), want: []serverFrame{echo(text, msg)}})
		z := compress(msg)
		h := len(z) / 2
		add(confCase{name: fmt.Sprintf("13 compressed text %d in fragments", n), deflate: true,
			send: frames(frame(opText|rsv1, z[:h]), frame(ping, nil), frame(opContinuation, z[h:h]), frame(fin|opContinuation, z[h:])),
			want: []serverFrame{echo(pong, []byte{}), echo(text, msg)}})
	}
	add(confCase{name: "12 compressed, then not", deflate: true, send: frames(frame(text|rsv1, compress([]byte("one"))), frame(text, []byte("two"))), want: []serverFrame{echo(text, []byte("one")), echo(text, []byte("two"))}})
	add(confCase{name: "13 RSV1 on a continuation", deflate: true, send: frames(frame(opText|rsv1, compress([]byte("Hello"))), frame(fin|opContinuation|rsv1, nil)), closeCode: CloseProtocolError})
	add(confCase{name: "13 RSV1 on a ping", deflate: true, send: frame(ping|rsv1, compress([]byte("Hello"))), closeCode: CloseProtocolError})
	add(confCase{name: "13 RSV1 on a close", deflate: true, send: frame(closeOp|rsv1, closePayload(1000, "")), closeCode: CloseProtocolError})
	add(confCase{name: "13 invalid UTF-8, compressed", deflate: true, send: frame(text|rsv1, compress([]byte("κόσμ\xce"))), closeCode: CloseInvalidPayload})
	add(confCase{name: "13 not a deflate stream", deflate: true, send: frame(bin|rsv1, []byte{0xff, 0xff, 0xff, 0xff}), closeCode: CloseInvalidPayload})
	bomb := compress(make([]byte, 64<<20))
	add(confCase{name: "13 64 MiB of zeros in " + fmt.Sprint(len(bomb)) + " bytes", deflate: true, send: frame(bin|rsv1, bomb), closeCode: CloseMessageTooBig})
	add(confCase{name: "13 one byte over the limit, compressed", deflate: true, send: frame(bin|rsv1, compress(make([]byte, confLimit+1))), closeCode: CloseMessageTooBig})
	add(confCase{name: "13 the limit, compressed", deflate: true, send: frame(bin|rsv1, compress(make([]byte, confLimit))), want: []serverFrame{echo(bin, make([]byte, confLimit))}})
	return cs
}

// confSplits are the ways a case's bytes are written: at once, in chops of
// 997 bytes (as Autobahn chops), and byte by byte (for short cases).
var confSplits = []struct {
	name string
	size int
	max  int // the longest case written so
}{{"whole", 0, 1 << 30}, {"chops", 997, 1 << 30}, {"bytes", 1, 300}}

func TestConformance(t *testing.T) {
	cases := confCases()
	runModes(t, func(t *testing.T, noPoller bool) {
		addr := confServer(t, noPoller)
		for _, tc := range cases {
			for _, split := range confSplits {
				if len(tc.send) > split.max || split.size >= len(tc.send) {
					continue
				}
				t.Run(tc.name+"/"+split.name, func(t *testing.T) {
					c := confDial(t, addr, tc.deflate)
					defer c.nc.Close()
					c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
					written := make(chan struct{})
					go func() {
						defer close(written)
						// Written apart from reading: the server echoes
						// while it reads, and a large case would fill
						// both ways.
						b := tc.send
						for len(b) > 0 {
							n := len(b)
							if split.size > 0 {
								n = min(n, split.size)
							}
							if _, err := c.nc.Write(b[:n]); err != nil {
								return // the server closed: reading tells
							}
							b = b[n:]
						}
					}()
					c.check(tc, written)
				})
			}
		}
	})
}

// check reads the server's frames and compares them with the case's.
func (c *confClient) check(tc confCase, written <-chan struct{}) {
	t := c.t
	t.Helper()
	for i, w := range tc.want {
		f, err := c.read()
		if err != nil {
			t.Fatalf("frame %d: %v, want opcode %#x with %d bytes", i, err, w.b0, len(w.payload))
		}
		if f.b0 != w.b0 || !bytes.Equal(f.payload, w.payload) {
			t.Fatalf("frame %d: %#x with %d bytes %.40q, want %#x with %d bytes %.40q", i, f.b0, len(f.payload), f.payload, w.b0, len(w.payload), w.payload)
		}
	}
	want := tc.closeCode
	if want == 0 {
		// Nothing more may come before the server echoes our close.
		want = CloseNormal
		<-written
		c.nc.Write(frame(closeOp, closePayload(CloseNormal, "")))
	}
	f, err := c.read()
	if err != nil {
		t.Fatalf("%v, want a close frame %d", err, want)
	}
	if f.b0 != closeOp || len(f.payload) < 2 || int(binary.BigEndian.Uint16(f.payload)) != want {
		t.Fatalf("got %#x %q, want a close frame %d", f.b0, f.payload, want)
	}
	// Then the server closes the connection.
	if tc.closeCode != 0 {
		<-written
		c.nc.Write(frame(closeOp, f.payload[:2]))
	}
	c.nc.(*net.TCPConn).CloseWrite()
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := io.Copy(io.Discard, c.br); err != nil || n != 0 {
		t.Fatalf("after the close frame: %d bytes, %v; want the end of the stream", n, err)
	}
}
