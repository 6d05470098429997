package socketio_test

import (
	"fmt"
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
