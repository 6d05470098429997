package engineio_test

import (
	"errors"
	"testing"

	"github.com/ab218a8d/socketio/engineio"
)

func TestServerBudgetCutsTheLargestBacklog(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{MaxServerQueuedBytes: 64 << 10})
		// Polling clients that do not poll: nothing they are sent leaves.
		big, small := e.Connect(polling), e.Connect(polling)
		sb, ss := e.rec.session(t, big.SID), e.rec.session(t, small.SID)
		msg := engineio.Message{Data: make([]byte, 1<<10), Binary: true}
		for range 40 {
			if err := sb.Send(msg); err != nil {
				t.Fatal(err)
			}
		}
		for range 10 {
			if err := ss.Send(msg); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := e.srv.QueuedBytes(), int64(50*(1<<10+64)); got != want {
			t.Fatalf("server QueuedBytes = %d, want %d", got, want)
		}
		// The budget runs out at the 60th message: no writer makes room,
		// so the largest backlog goes and the sender's session stays.
		for i := range 15 {
			if err := ss.Send(msg); err != nil {
				t.Fatalf("send %d to the small backlog: %v", i, err)
			}
		}
		ev := e.rec.wantClosed(t, big.SID, engineio.ReasonTransportError)
		if ev.desc != engineio.ErrServerQueueFull || !errors.Is(ev.desc, engineio.ErrQueueFull) {
			t.Fatalf("description %v, want ErrServerQueueFull wrapping ErrQueueFull", ev.desc)
		}
		if n := ss.QueuedBytes(); n != 25<<10 {
			t.Fatalf("small backlog QueuedBytes = %d, want %d", n, 25<<10)
		}
		if got, want := e.srv.QueuedBytes(), int64(25*(1<<10+64)); got != want {
			t.Fatalf("server QueuedBytes after the cut = %d, want %d", got, want)
		}
		// A poll takes the queue and gives its bytes back.
		small.Recv()
		if got := e.srv.QueuedBytes(); got != 0 {
			t.Fatalf("server QueuedBytes after a poll = %d, want 0", got)
		}
	})
}
