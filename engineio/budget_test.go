package engineio_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/engineio/packet"
)

// When the server's budget runs out, the sessions whose backlogs have not
// moved the longest are cut, not the largest ones: a client that reads
// keeps its place however much it is sent.
func TestServerBudgetCutsTheLongestStalled(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{MaxServerQueuedBytes: 64 << 10})
		// Polling clients that do not poll: nothing they are sent leaves.
		old, recent := e.Connect(polling), e.Connect(polling)
		so, sr := e.rec.session(t, old.SID), e.rec.session(t, recent.SID)
		msg := engineio.Message{Data: make([]byte, 1<<10), Binary: true}
		for range 10 {
			if err := so.Send(msg); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(4 * time.Second)
		for range 40 {
			if err := sr.Send(msg); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := e.srv.QueuedBytes(), int64(50*(1<<10+64)); got != want {
			t.Fatalf("server QueuedBytes = %d, want %d", got, want)
		}
		// The budget runs out at the 60th message: the smaller backlog,
		// stalled for 4 s, goes; the larger one, started just now, stays.
		start := time.Now()
		for i := range 15 {
			if err := sr.Send(msg); err != nil {
				t.Fatalf("send %d to the recent backlog: %v", i, err)
			}
		}
		if waited := time.Since(start); waited != 100*time.Millisecond {
			t.Fatalf("the sends waited %v for room, want 100ms, then the cut", waited)
		}
		ev := e.rec.wantClosed(t, old.SID, engineio.ReasonTransportError)
		if ev.desc != engineio.ErrServerQueueFull || !errors.Is(ev.desc, engineio.ErrQueueFull) {
			t.Fatalf("description %v, want ErrServerQueueFull wrapping ErrQueueFull", ev.desc)
		}
		e.rec.wantOpen(t, recent.SID)
		if n := sr.QueuedBytes(); n != 55<<10 {
			t.Fatalf("recent backlog QueuedBytes = %d, want %d", n, 55<<10)
		}
		if got, want := e.srv.QueuedBytes(), int64(55*(1<<10+64)); got != want {
			t.Fatalf("server QueuedBytes after the cut = %d, want %d", got, want)
		}
		// A poll takes the queue and gives its bytes back.
		recent.Recv()
		if got := e.srv.QueuedBytes(); got != 0 {
			t.Fatalf("server QueuedBytes after a poll = %d, want 0", got)
		}
		// A backlog that does not move is cut once it has stalled, the
		// sender's own too: its Send fails.
		var err error
		for i := 0; err == nil && i < 100; i++ {
			err = sr.Send(msg)
		}
		if !errors.Is(err, engineio.ErrServerQueueFull) {
			t.Fatalf("sending on to a session that never polls: %v, want ErrServerQueueFull", err)
		}
		e.rec.wantClosed(t, recent.SID, engineio.ReasonTransportError)
	})
}

// A handler that sends its own client more than the budget holds is paced
// by that client's reads, not cut: on WebSocket its queue is written once
// the handler returns, and a handler waiting for room must not wait for
// itself.
func TestServerBudgetHandlerSendsMoreThanTheBudget(t *testing.T) {
	bubble(t, func(t *testing.T) {
		rec := newRecorder(false)
		const n = 200 // 200 KiB through a budget of 64 KiB
		sendErr := make(chan error, 1)
		rec.onMsg = func(s *engineio.Session, m engineio.Message) {
			var err error
			for i := 0; err == nil && i < n; i++ {
				err = s.Send(engineio.Message{Data: fmt.Appendf(nil, "%04d%s", i, strings.Repeat("x", 1020))})
			}
			sendErr <- err
		}
		e := newEnvWith(t, rec, &engineio.Options{MaxServerQueuedBytes: 64 << 10})
		c := e.Connect(websocket)
		c.Send(packet.Packet{Type: packet.Message, Data: []byte("go")})
		got := c.RecvN(n)
		for i, p := range got {
			if want := fmt.Sprintf("%04d", i); !strings.HasPrefix(string(p.Data), want) {
				t.Fatalf("message %d is %.8q, want %s...", i, p.Data, want)
			}
		}
		if err := <-sendErr; err != nil {
			t.Fatalf("the handler's Send: %v", err)
		}
		e.rec.wantOpen(t, c.SID)
	})
}

// When the server's budget runs out, a client that reads slowly is not cut
// with one that stopped reading: its socket takes some of its backlog every
// few kilobytes, where a stalled one's takes none. (A blocking write that
// told only of each 64 KiB it completed had a client reading 20 KB/s look
// stalled.)
func TestServerBudgetKeepsASlowReader(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{MaxServerQueuedBytes: 64 << 10})
		stalled, slow := e.Connect(polling), e.Connect(websocket)
		ss, sl := e.rec.session(t, stalled.SID), e.rec.session(t, slow.SID)
		const n = 300
		sent := make(chan error, 1)
		go func() {
			msg := engineio.Message{Data: make([]byte, 1<<10), Binary: true}
			for i := range n {
				if err := sl.Send(msg); err != nil {
					sent <- fmt.Errorf("send %d to the slow reader: %w", i, err)
					return
				}
				ss.Send(msg) // fails once the stalled session is cut
			}
			sent <- nil
		}()
		for range n {
			slow.RecvN(1)
			time.Sleep(50 * time.Millisecond) // 20 KB/s
		}
		if err := <-sent; err != nil {
			t.Fatal(err)
		}
		e.rec.wantClosed(t, stalled.SID, engineio.ReasonTransportError)
		e.rec.wantOpen(t, slow.SID)
	})
}
