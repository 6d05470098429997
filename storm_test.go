package socketio_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime"
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

// stormConfig is one broadcast storm: readers and stalled clients over
// loopback TCP, and one goroutine emitting 1 KB events as fast as it can.
type stormConfig struct {
	readers, stalled int
	duration         time.Duration
	opts             socketio.Options
}

// stormResult is what a storm measured.
type stormResult struct {
	emitted        int64
	readerCut      int    // readers the server disconnected
	stalledCut     int    // stalled clients the server disconnected
	missing        int    // readers that had not received every event at the end
	outOfOrder     int    // readers that saw an event out of order
	peakHeap       uint64 // runtime.MemStats.HeapInuse, sampled
	baseHeap       uint64
	peakRSS        int64  // VmHWM, kB
	rssBefore      int64  // VmRSS, kB
	goroutines     [2]int // before, peak
	reasons        map[string]int
	firstReaderErr string
}

// stormFrameSeq is where an event's sequence number starts in the payload
// of a frame: 42["s","0000000001xxx..."].
const stormFrameSeq = len(`42["s","`)

// runStorm runs one storm and reports what it measured. The readers parse
// raw frames in a buffer of their own, allocating nothing, and check that
// the events come in order with none missing.
func runStorm(t *testing.T, cfg stormConfig) stormResult {
	var res stormResult
	res.reasons = map[string]int{}
	opts := cfg.opts
	opts.PingInterval = time.Hour // the raw readers answer no ping
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv := socketio.NewServer(&opts)
	var mu sync.Mutex
	reason := map[string]string{} // socket id -> disconnect reason
	srv.OnConnection(func(s *socketio.Socket) {
		s.OnDisconnect(func(r socketio.DisconnectReason, desc error) {
			mu.Lock()
			reason[s.ID()] = fmt.Sprintf("%v: %v", r, desc)
			mu.Unlock()
		})
	})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()

	runtime.GC()
	res.rssBefore = procStatus("VmRSS")
	res.goroutines[0] = runtime.NumGoroutine()

	n := cfg.readers + cfg.stalled
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/socket.io/?EIO=4&transport=websocket"
	type client struct {
		ws       *gws.Conn
		sid      string
		received atomic.Int64
		disorder atomic.Bool
	}
	clients := make([]*client, n)
	var readers sync.WaitGroup
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.ws.Close()
			}
		}
		readers.Wait()
	}()
	for i := range clients {
		ws, _, err := gws.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := &client{ws: ws}
		clients[i] = c
		if open := eiotest.WSRead(t, ws); !strings.HasPrefix(open, "0{") {
			t.Fatalf("open packet %q", open)
		}
		eiotest.WSWrite(t, ws, "40")
		reply := eiotest.WSRead(t, ws)
		if !strings.HasPrefix(reply, `40{"sid":"`) {
			t.Fatalf("CONNECT reply %q", reply)
		}
		c.sid = strings.TrimSuffix(strings.TrimPrefix(reply, `40{"sid":"`), `"}`)
		if i < cfg.stalled {
			continue // reads nothing more: its socket buffers fill, then its queue
		}
		readers.Go(func() {
			var want int64
			readFrames(ws.UnderlyingConn(), func(payload []byte) {
				if len(payload) < stormFrameSeq+10 || payload[0] != '4' {
					return
				}
				seq, _ := strconv.ParseInt(string(payload[stormFrameSeq:stormFrameSeq+10]), 10, 64)
				if seq != want {
					c.disorder.Store(true)
				}
				want = seq + 1
				c.received.Add(1)
			})
		})
	}

	// Sample memory and goroutines while the storm lasts.
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	res.baseHeap = base.HeapInuse
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			res.peakHeap = max(res.peakHeap, ms.HeapInuse)
			res.goroutines[1] = max(res.goroutines[1], runtime.NumGoroutine())
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
		}
	}()

	// At least for the duration, and on until the stalled clients are cut
	// (the race detector slows the storm down), within a bound.
	stalledCut := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range clients[:cfg.stalled] {
			if _, cut := reason[c.sid]; !cut {
				return false
			}
		}
		return true
	}
	payload := []byte(`0000000000` + strings.Repeat("x", 1014)) // 1 KB
	start := time.Now()
	for d := time.Duration(0); d < cfg.duration || !stalledCut() && d < cfg.duration+20*time.Second; d = time.Since(start) {
		for range 64 {
			seq := strconv.AppendInt(nil, res.emitted, 10)
			copy(payload[10-len(seq):10], seq)
			if err := srv.Emit("s", string(payload)); err != nil {
				t.Fatal(err)
			}
			res.emitted++
		}
	}

	var atEnd int64
	for _, c := range clients[cfg.stalled:] {
		atEnd += c.received.Load()
	}
	t.Logf("while emitting, the readers received %d events in all (%.0f/s)", atEnd, float64(atEnd)/time.Since(start).Seconds())
	// The readers get what is still queued; the stalled clients are cut by
	// then or never.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		pending := 0
		for _, c := range clients[cfg.stalled:] {
			mu.Lock()
			_, cut := reason[c.sid]
			mu.Unlock()
			if !cut && c.received.Load() < res.emitted {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stopSampling)
	<-sampled
	res.peakRSS = procStatus("VmHWM")

	mu.Lock()
	for i, c := range clients {
		r, cut := reason[c.sid]
		if cut {
			res.reasons[r]++
		}
		switch {
		case i < cfg.stalled:
			if cut {
				res.stalledCut++
			}
		case cut:
			res.readerCut++
			if res.firstReaderErr == "" {
				res.firstReaderErr = fmt.Sprintf("reader %d cut after %d of %d events: %s", i, c.received.Load(), res.emitted, r)
			}
		default:
			if c.received.Load() != res.emitted {
				res.missing++
			}
			if c.disorder.Load() {
				res.outOfOrder++
			}
		}
	}
	mu.Unlock()
	return res
}

// procStatus returns a field of /proc/self/status in kB, or -1.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte(field+":")); ok {
			n, _ := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			return n
		}
	}
	return -1
}

func (r stormResult) String() string {
	return fmt.Sprintf("emitted %d; readers cut %d, missing events %d, out of order %d; stalled cut %d; heap in use %d MiB at start, peak %d MiB; RSS %d MiB before, peak %d MiB; goroutines before/peak %d/%d; reasons %v; %s",
		r.emitted, r.readerCut, r.missing, r.outOfOrder, r.stalledCut, r.baseHeap>>20, r.peakHeap>>20, r.rssBefore>>10, r.peakRSS>>10, r.goroutines[0], r.goroutines[1], r.reasons, r.firstReaderErr)
}

// TestBroadcastStorm is the attack on a server's memory: a broadcaster
// emitting 1 KB events as fast as it can to clients of which a few stopped
// reading. The stalled clients are cut; the readers must not be, and get
// every event in order; the heap stays bounded.
func TestBroadcastStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("a storm of a few seconds")
	}
	const limit = 16 << 20
	var opts socketio.Options
	opts.MaxServerQueuedBytes = limit
	res := runStorm(t, stormConfig{readers: 100, stalled: 3, duration: 2 * time.Second, opts: opts})
	t.Log(res)
	if res.readerCut > 0 || res.missing > 0 || res.outOfOrder > 0 {
		t.Errorf("readers: %d cut, %d missing events, %d out of order; want none", res.readerCut, res.missing, res.outOfOrder)
	}
	if res.stalledCut != 3 {
		t.Errorf("%d of 3 stalled clients cut", res.stalledCut)
	}
	// The live heap holds at most the budget beyond the start, and 16 MiB
	// of the clients' buffers and the writers' pooled ones; the collector
	// lets garbage grow it to twice that (GOGC=100) before it runs. RSS
	// follows the heap, plus stacks and what the runtime has not yet
	// returned to the system (and, under -race, the detector's shadow
	// memory).
	if over := int64(res.peakHeap) - int64(res.baseHeap); over > 2*(limit+16<<20) {
		t.Errorf("heap grew by %d MiB, over twice the budget (%d MiB) and 16 MiB", over>>20, limit>>20)
	}
}
