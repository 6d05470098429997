package main

import (
	"context"
	"errors"
	"testing"
	"time"
)

// checkClean fails t unless the run measured something, without errors or
// dropped connections.
func checkClean(t *testing.T, res Result, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("run: %v (result %+v)", err, res)
	}
	if res.Ops == 0 || res.Errors != 0 || res.Dropped != 0 {
		t.Fatalf("result %+v: want ops and no errors or drops", res)
	}
	if res.P50us <= 0 || res.P99us < res.P50us || res.P999us < res.P99us ||
		(res.Workload != "idle" && (res.DurationS <= 0 || res.OpsPerSec <= 0)) {
		t.Fatalf("result %+v: incoherent figures", res)
	}
}

func TestEchoFake(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, func(s *fakeServer) { s.pingReplies = true })
	cfg := testConfig(t, s.srv.URL, "echo")
	cfg.Inflight = 3
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
	if s.pongs.Load() == 0 {
		t.Error("no ping answered")
	}
}

// With -rate, echo is open loop: the clients together send at the rate
// whatever the replies, and every emit is answered.
func TestEchoFakeRate(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, func(s *fakeServer) { s.pingReplies = true })
	cfg := testConfig(t, s.srv.URL, "echo")
	cfg.Rate = 500
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
	// 500/s over 300 ms: 150, give or take the schedule's edges.
	if res.Ops < 120 || res.Ops > 180 {
		t.Errorf("%d round trips measured at 500/s for %v, want about 150", res.Ops, cfg.Duration)
	}
}

func TestAckFakeOutOfOrder(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, func(s *fakeServer) { s.swapAcks = true; s.pingReplies = true })
	cfg := testConfig(t, s.srv.URL, "ack")
	cfg.Inflight = 2 // the fake answers each pair of acks in reverse order
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
	if s.pongs.Load() == 0 {
		t.Error("no ping answered")
	}
}

func TestBroadcastFake(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, func(s *fakeServer) { s.pingEvery = 20 * time.Millisecond })
	cfg := testConfig(t, s.srv.URL, "broadcast")
	cfg.Inflight = 4
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
	if s.pongs.Load() == 0 {
		t.Error("no ping answered")
	}
}

// With two servers, the receivers are spread over both, the publisher is
// on the first, and every publish must reach the second's receivers
// through the "cluster" (the fakes deliver to each other's clients).
func TestBroadcastFakeCluster(t *testing.T) {
	t.Parallel()
	a := newFakeServer(t, nil)
	b := newFakeServer(t, nil)
	a.peers = []*fakeServer{b}
	cfg := testConfig(t, a.srv.URL+","+b.srv.URL, "broadcast")
	cfg.Clients = 6
	cfg.Inflight = 2
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
	if got, want := [2]int64{a.connected.Load(), b.connected.Load()}, [2]int64{4, 3}; got != want {
		t.Errorf("clients connected to each server: %v, want %v (3 receivers each, and the publisher on the first)", got, want)
	}
	if a.events.Load() == 0 || b.events.Load() != 0 {
		t.Errorf("events received: %d by the first server, %d by the second; want all on the first", a.events.Load(), b.events.Load())
	}
}

func TestPollingEchoFake(t *testing.T) {
	t.Parallel()
	// A ping before every reply puts two packets in most GET payloads.
	s := newFakeServer(t, func(s *fakeServer) { s.pingReplies = true })
	cfg := testConfig(t, s.srv.URL, "polling-echo")
	cfg.Inflight = 2
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
	if s.pongs.Load() == 0 {
		t.Error("no ping answered")
	}
}

func TestConnectFake(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, nil)
	res, err := run(t.Context(), testConfig(t, s.srv.URL, "connect"))
	checkClean(t, res, err)
	if res.Clients != 4 {
		t.Errorf("connect reports %d clients, want the concurrency, 4", res.Clients)
	}
}

func TestIdleFake(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, func(s *fakeServer) { s.pingEvery = 20 * time.Millisecond })
	cfg := testConfig(t, s.srv.URL, "idle")
	ready := 0
	cfg.Ready = func(n int) { ready = n }
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
	if ready != 5 || res.Ops != 5 {
		t.Errorf("ready with %d clients, %d held: want 5 and 5", ready, res.Ops)
	}
	if s.pongs.Load() == 0 {
		t.Error("no ping answered")
	}
}

func TestIdleHold(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, nil)
	cfg := testConfig(t, s.srv.URL, "idle")
	cfg.Duration = time.Hour
	hold := make(chan struct{})
	cfg.Hold = hold
	cfg.Ready = func(int) { close(hold) } // as if stdin closed at once
	res, err := run(t.Context(), cfg)
	checkClean(t, res, err)
}

// TestDropped checks that connections the server ends during a run are
// reported, for each transport and kind of client.
func TestDropped(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"echo", "ack", "polling-echo", "idle"} {
		t.Run(w, func(t *testing.T) {
			t.Parallel()
			s := newFakeServer(t, func(s *fakeServer) { s.dropAfter = 2 })
			if w == "idle" {
				s.dropAfter = 1 // after the warm-up echo
			}
			cfg := testConfig(t, s.srv.URL, w)
			cfg.Errors = nil
			cfg.Warmup = 0
			res, err := run(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.Dropped != 5 {
				t.Errorf("result %+v: want 5 dropped", res)
			}
		})
	}
}

func TestNoServer(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, nil)
	url := s.srv.URL
	s.close()
	for _, w := range []string{"echo", "broadcast", "polling-echo", "idle"} {
		cfg := testConfig(t, url, w)
		cfg.Errors = nil
		res, err := run(t.Context(), cfg)
		if !errors.Is(err, errNoClient) || res.Errors == 0 {
			t.Errorf("%s without a server: %+v, %v; want errNoClient and errors", w, res, err)
		}
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	s := newFakeServer(t, nil)
	cfg := testConfig(t, s.srv.URL, "echo")
	cfg.Duration = time.Hour
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	res, err := run(ctx, cfg)
	checkClean(t, res, err)
	if res.DurationS > 1 {
		t.Errorf("measured %vs after a cancel at 0.3s", res.DurationS)
	}
}
