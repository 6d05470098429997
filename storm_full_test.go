package socketio_test

import (
	"flag"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

var stormFull = flag.Bool("storm.full", false, "run TestBroadcastStormFull, the attack at its scale (about 40 s)")

// TestBroadcastStormFull is the attack at the scale it was reported at:
// 500 WebSocket clients of which 5 stop reading, 1 KB events broadcast as
// fast as possible for 30 s, default options. It measures and reports; run
// it by hand:
//
//	go test -run TestBroadcastStormFull -storm.full -v .
func TestBroadcastStormFull(t *testing.T) {
	if !*stormFull {
		t.Skip("run with -storm.full")
	}
	res := runStorm(t, stormConfig{readers: 495, stalled: 5, duration: 30 * time.Second})
	runtime.GC()
	debug.FreeOSMemory()
	t.Logf("%v", res)
	t.Logf("after: RSS %d MiB, goroutines %d", procStatus("VmRSS")>>10, runtime.NumGoroutine())
}
