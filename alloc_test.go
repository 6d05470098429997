//go:build !race

// Allocation counts mean little under the race detector, which makes
// sync.Pool drop some of what it is given: these run in the test command's
// step without it.

package socketio_test

import (
	"testing"
)

// TestBroadcastAllocationsPerRecipient checks that a broadcast allocates
// nothing per recipient: encoded once, framed once, the same bytes queued
// and written to every socket. A broadcast to 200 sockets may allocate
// only what one to 10 does (the tolerance is for the runtime's own).
func TestBroadcastAllocationsPerRecipient(t *testing.T) {
	allocs := func(n int) float64 {
		e := newBroadcastEnv(t, n)
		return testing.AllocsPerRun(200, func() {
			e.emit(t)
			<-e.delivered
		})
	}
	few, many := allocs(10), allocs(200)
	t.Logf("allocations per broadcast: %.1f to 10 sockets, %.1f to 200", few, many)
	if many > few+5 {
		t.Errorf("a broadcast to 200 sockets allocates %.1f times, to 10 %.1f: %.2f per extra recipient",
			many, few, (many-few)/190)
	}
}
