package main

import (
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ab218a8d/socketio"
)

// realServer is this module's Socket.IO server with the benchmark's three
// handlers, on 127.0.0.1:0. It counts the disconnects of sockets, and
// those for a ping timeout.
type realServer struct {
	url          string
	disconnects  atomic.Int64
	pingTimeouts atomic.Int64
}

func startRealServer(t *testing.T, opts *socketio.Options) *realServer {
	rs := &realServer{}
	srv := socketio.NewServer(opts)
	srv.OnConnection(func(s *socketio.Socket) {
		s.OnDisconnect(func(r socketio.DisconnectReason, _ error) {
			if r == socketio.ReasonPingTimeout {
				rs.pingTimeouts.Add(1)
			}
			rs.disconnects.Add(1)
		})
		s.On("echo", func(e *socketio.Event) {
			args, err := e.Values()
			if err == nil {
				s.Emit("echo", args...)
			}
		})
		s.On("echo-ack", func(e *socketio.Event) {
			args, err := e.Values()
			if err == nil {
				e.Ack(args...)
			}
		})
		s.On("broadcast", func(e *socketio.Event) {
			args, err := e.Values()
			if err == nil {
				srv.Emit("broadcast", args...)
			}
		})
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	rs.url = ts.URL
	return rs
}

// TestRealServer runs every workload, small, against this module's server.
func TestRealServer(t *testing.T) {
	t.Parallel()
	for _, w := range workloads {
		t.Run(w, func(t *testing.T) {
			t.Parallel()
			rs := startRealServer(t, nil)
			cfg := testConfig(t, rs.url, w)
			if w == "broadcast" || w == "echo" {
				cfg.Inflight = 4
			}
			ready := 0
			cfg.Ready = func(n int) { ready = n }
			res, err := run(t.Context(), cfg)
			checkClean(t, res, err)
			if w == "idle" && (ready != 5 || res.Ops != 5) {
				t.Errorf("idle: ready with %d clients, %d held; want 5 and 5", ready, res.Ops)
			}
		})
	}
}

// TestRealServerHeartbeat holds idle clients through many heartbeats of a
// server that gives up on an unanswered ping after 250ms.
func TestRealServerHeartbeat(t *testing.T) {
	t.Parallel()
	var opts socketio.Options
	opts.PingInterval = 50 * time.Millisecond
	opts.PingTimeout = 250 * time.Millisecond
	rs := startRealServer(t, &opts)
	for _, w := range []string{"idle", "polling-echo"} {
		cfg := testConfig(t, rs.url, w)
		cfg.Duration = time.Second
		res, err := run(t.Context(), cfg)
		checkClean(t, res, err)
	}
	// The runs closed their clients, which the server may notice a little
	// later; none may have gone for a ping timeout.
	deadline := time.Now().Add(5 * time.Second)
	for rs.disconnects.Load() < 10 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := rs.pingTimeouts.Load(); n != 0 {
		t.Errorf("%d of %d sockets disconnected for a ping timeout", n, rs.disconnects.Load())
	}
}
