package socketio_test

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/internal/eiotest"
)

// BenchmarkBroadcast emits to every socket of "/" over WebSocket
// connections on an in-memory network; each op is one Emit, and it counts
// once every client received every message. Allocations per op show what
// a broadcast costs per recipient.
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("sockets=%d", n), func(b *testing.B) { benchBroadcast(b, n) })
	}
}

func benchBroadcast(b *testing.B, n int) {
	srv := socketio.NewServer(&socketio.Options{ConnectTimeout: time.Minute})
	e := eiotest.NewEnv(b, srv, "/socket.io/", func() { srv.Close() })
	var received atomic.Int64
	for range n {
		c := e.Connect(eiotest.WebSocket)
		eiotest.WSWrite(b, c.WS, "40")
		if got := eiotest.WSRead(b, c.WS); !strings.HasPrefix(got, "40") {
			b.Fatalf("CONNECT reply %q", got)
		}
		go func(ws *gws.Conn) {
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				if len(data) > 0 && data[0] == '4' {
					received.Add(1)
				}
			}
		}(c.WS)
	}
	payload := strings.Repeat("x", 32)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := srv.Emit("broadcast", payload); err != nil {
			b.Fatal(err)
		}
	}
	want := int64(b.N) * int64(n)
	for received.Load() < want {
		time.Sleep(50 * time.Microsecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(want)/time.Since(start).Seconds(), "deliveries/s")
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
