package socketio_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/internal/eiotest"
)

// BenchmarkBroadcast emits to every socket of "/" over WebSocket
// connections on loopback TCP to the server's Serve, with a few
// broadcasts in flight; each op is one Emit, counted once every client
// received it. The clients read raw frames into a buffer of their own and
// allocate nothing, so allocations per op are the server's: the same for 1
// and 1000 recipients.
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("sockets=%d", n), func(b *testing.B) {
			e := newBroadcastEnv(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			const window = 4 // broadcasts in flight
			for i := 0; i < b.N; i++ {
				if i >= window {
					<-e.delivered
				}
				e.emit(b)
			}
			for range min(b.N, window) {
				<-e.delivered
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)*float64(n)/time.Since(start).Seconds(), "deliveries/s")
		})
	}
}

// broadcastEnv is a server with n WebSocket clients in "/" over loopback
// TCP, which count the events they receive.
type broadcastEnv struct {
	srv       *socketio.Server
	received  atomic.Int64
	delivered chan struct{} // a value each time n more events came
	payload   string
}

func newBroadcastEnv(tb testing.TB, n int) *broadcastEnv {
	opts := &socketio.Options{}
	opts.PingInterval = time.Hour // the clients answer no ping
	e := &broadcastEnv{srv: socketio.NewServer(opts), delivered: make(chan struct{}, 1<<16), payload: strings.Repeat("x", 32)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ln, "", nil) }()
	var readers sync.WaitGroup
	var clients []*gws.Conn
	tb.Cleanup(func() {
		e.srv.Close()
		for _, ws := range clients {
			ws.Close()
		}
		readers.Wait()
		<-served
	})
	url := "ws://" + ln.Addr().String() + "/socket.io/?EIO=4&transport=websocket"
	for range n {
		ws, _, err := gws.DefaultDialer.Dial(url, nil)
		if err != nil {
			tb.Fatal(err)
		}
		clients = append(clients, ws)
		if open := eiotest.WSRead(tb, ws); !strings.HasPrefix(open, "0{") {
			tb.Fatalf("open packet %q", open)
		}
		eiotest.WSWrite(tb, ws, "40")
		if got := eiotest.WSRead(tb, ws); !strings.HasPrefix(got, "40") {
			tb.Fatalf("CONNECT reply %q", got)
		}
		// Nothing more was sent: gorilla holds no bytes of the stream.
		readers.Go(func() {
			countEvents(ws.UnderlyingConn(), func() {
				if e.received.Add(1)%int64(n) == 0 {
					e.delivered <- struct{}{}
				}
			})
		})
	}
	return e
}

// emit broadcasts one event to every client.
func (e *broadcastEnv) emit(tb testing.TB) {
	if err := e.srv.Emit("broadcast", e.payload); err != nil {
		tb.Fatal(err)
	}
}

// readFrames reads a server's WebSocket frames from r until it fails, or
// a frame is larger than its buffer, and hands f the payload of each text
// frame, with no allocation per frame; the payload is valid during the
// call only.
func readFrames(r io.Reader, f func(payload []byte)) {
	buf := make([]byte, 64<<10)
	have := 0
	for {
		n, err := r.Read(buf[have:])
		if err != nil {
			return
		}
		have += n
		off := 0
		for {
			op, size, hdr, ok := frameAt(buf[off:have])
			if !ok {
				break
			}
			if hdr+size > len(buf) {
				return // not a frame these tests send
			}
			if have-off < hdr+size {
				break
			}
			if op == 1 {
				f(buf[off+hdr : off+hdr+size])
			}
			off += hdr + size
		}
		have = copy(buf, buf[off:have])
	}
}

// countEvents counts, with count, the text frames from r that carry a
// Socket.IO packet ('4').
func countEvents(r io.Reader, count func()) {
	readFrames(r, func(p []byte) {
		if len(p) > 0 && p[0] == '4' {
			count()
		}
	})
}

// frameAt reads the header of the unmasked frame at the start of b: its
// opcode, payload size and header size; ok is false while b is too short.
func frameAt(b []byte) (op byte, size, hdr int, ok bool) {
	if len(b) < 2 {
		return 0, 0, 0, false
	}
	op, size, hdr = b[0]&0x0f, int(b[1]&0x7f), 2
	switch size {
	case 126:
		if len(b) < 4 {
			return 0, 0, 0, false
		}
		size, hdr = int(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return 0, 0, 0, false
		}
		size, hdr = int(min(binary.BigEndian.Uint64(b[2:]), 1<<40)), 10
	}
	return op, size, hdr, true
}

// BenchmarkEcho sends "echo" events with a 32-byte string from one
// WebSocket client, pipelined, to a handler that emits them back to the
// sender, as the side-by-side benchmark's server does; each op is one
// round trip. The figures include the client's side (gorilla/websocket,
// one small allocation per message read).
func BenchmarkEcho(b *testing.B) {
	benchRoundTrips(b, "echo", func(s *socketio.Socket) {
		s.On("echo", func(e *socketio.Event) {
			args, err := e.Values()
			if err != nil {
				return
			}
			s.Emit("echo", args...)
		})
	})
}

// BenchmarkAck is BenchmarkEcho for "echo-ack" events with an ack id,
// which the handler acknowledges with the same arguments.
func BenchmarkAck(b *testing.B) {
	benchRoundTrips(b, "echo-ack", func(s *socketio.Socket) {
		s.On("echo-ack", func(e *socketio.Event) {
			args, err := e.Values()
			if err != nil {
				return
			}
			e.Ack(args...)
		})
	})
}

// benchRoundTrips connects one client whose socket on "/" gets handlers
// from setup, then sends b.N events of the given name, with an ack id
// unless the event is "echo", keeping at most a window of them unanswered.
func benchRoundTrips(b *testing.B, event string, setup func(s *socketio.Socket)) {
	opts := &socketio.Options{ConnectTimeout: time.Minute}
	opts.PingInterval = time.Hour // the client reads replies only, it answers no ping
	srv := socketio.NewServer(opts)
	srv.OnConnection(setup)
	e := eiotest.NewEnv(b, srv, "/socket.io/", func() { srv.Close() })
	c := e.Connect(eiotest.WebSocket)
	eiotest.WSWrite(b, c.WS, "40")
	if got := eiotest.WSRead(b, c.WS); !strings.HasPrefix(got, "40") {
		b.Fatalf("CONNECT reply %q", got)
	}
	const window = 64
	inFlight := make(chan struct{}, window)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 256)
		for {
			_, r, err := c.WS.NextReader()
			if err != nil {
				return
			}
			n, _ := io.ReadFull(r, buf)
			if n > 1 && buf[0] == '4' && (buf[1] == '2' || buf[1] == '3') {
				<-inFlight
			}
		}
	}()
	payload := strings.Repeat("x", 32)
	withAck := event != "echo"
	var msg []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		inFlight <- struct{}{}
		msg = append(msg[:0], "42"...)
		if withAck {
			msg = strconv.AppendInt(msg, int64(i), 10)
		}
		msg = append(msg, `["`...)
		msg = append(msg, event...)
		msg = append(msg, `","`...)
		msg = append(msg, payload...)
		msg = append(msg, `"]`...)
		if err := c.WS.WriteMessage(gws.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
	}
	for range window {
		inFlight <- struct{}{}
	}
	b.StopTimer()
	c.WS.Close()
	<-done
}
