//go:build linux

package netpoll

import (
	"errors"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func newPoller(t *testing.T) *Poller {
	t.Helper()
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestUnsupportedConn(t *testing.T) {
	p := newPoller(t)
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if _, err := p.Watch(a, func(*Watch) {}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Watch(net.Pipe) = %v, want ErrUnsupported", err)
	}
}

func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not happen", what)
	}
}

func TestReadinessAndDone(t *testing.T) {
	p := newPoller(t)
	client, server := tcpPair(t)
	client.Write([]byte("before")) // there before Watch: counts as arriving

	fired := make(chan struct{}, 10)
	release := make(chan struct{})
	doneResults := make(chan bool, 10)
	w, err := p.Watch(server, func(w *Watch) {
		fired <- struct{}{}
		for { // "read" until Done says nothing came meanwhile
			<-release
			done := w.Done()
			doneResults <- done
			if done {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, fired, "the first callback")

	// Data while the callback runs: Done tells it to read again, and no
	// second callback starts meanwhile.
	client.Write([]byte("more"))
	time.Sleep(50 * time.Millisecond)
	select {
	case <-fired:
		t.Fatal("a second callback started while the first ran")
	default:
	}
	release <- struct{}{}
	if <-doneResults {
		t.Fatal("Done = true though data came while the callback ran")
	}
	release <- struct{}{} // the same callback, after "reading again"
	if !<-doneResults {
		t.Fatal("Done = false with nothing new")
	}

	// Idle again: the next data starts a new callback.
	client.Write([]byte("later"))
	wait(t, fired, "the callback after new data")
	release <- struct{}{}
	<-doneResults

	// Stopped: no callback any more.
	w.Stop()
	client.Write([]byte("after stop"))
	select {
	case <-fired:
		t.Fatal("a callback after Stop")
	case <-time.After(50 * time.Millisecond):
	}
}

func TestPeerCloseFires(t *testing.T) {
	p := newPoller(t)
	client, server := tcpPair(t)
	fired := make(chan struct{}, 1)
	if _, err := p.Watch(server, func(w *Watch) { fired <- struct{}{}; w.Done() }); err != nil {
		t.Fatal(err)
	}
	client.Close()
	wait(t, fired, "the callback on the peer's close")
}

func TestCloseWaitsForCallbacks(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	client, server := tcpPair(t)
	started, finished := make(chan struct{}), make(chan struct{})
	if _, err := p.Watch(server, func(w *Watch) {
		close(started)
		time.Sleep(100 * time.Millisecond)
		close(finished)
		w.Done()
	}); err != nil {
		t.Fatal(err)
	}
	client.Write([]byte("x"))
	wait(t, started, "the callback")
	p.Close()
	select {
	case <-finished:
	default:
		t.Fatal("Close returned before the callback did")
	}
}

func TestManyConnections(t *testing.T) {
	p := newPoller(t)
	const n = 200
	fired := make(chan int, n)
	for i := range n {
		client, server := tcpPair(t)
		if _, err := p.Watch(server, func(w *Watch) {
			var b [8]byte
			server.Read(b[:])
			fired <- i
			w.Done()
		}); err != nil {
			t.Fatal(err)
		}
		client.Write([]byte("x"))
	}
	seen := make(map[int]bool)
	for range n {
		select {
		case i := <-fired:
			if seen[i] {
				t.Fatalf("connection %d fired twice", i)
			}
			seen[i] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d callbacks ran", len(seen), n)
		}
	}
}

func TestWavesKeepWorkers(t *testing.T) {
	p := newPoller(t)
	const n = maxIdleWorkers + 48
	clients := make([]net.Conn, n)
	var (
		mu      sync.Mutex
		workers = make(map[string]bool) // goroutine ids that ran a callback
		running sync.WaitGroup
		release chan struct{}
	)
	for i := range n {
		client, server := tcpPair(t)
		clients[i] = client
		if _, err := p.Watch(server, func(w *Watch) {
			var b [8]byte
			if _, err := server.Read(b[:]); err != nil {
				w.Done() // closed by the cleanup
				return
			}
			mu.Lock()
			workers[goroutineID()] = true
			ch := release
			mu.Unlock()
			running.Done()
			<-ch // all n at once: n workers
			w.Done()
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Waves every quarter of trimEvery, for several trims.
	for start := time.Now(); time.Since(start) < 3*trimEvery+trimEvery/2; {
		mu.Lock()
		release = make(chan struct{})
		mu.Unlock()
		running.Add(n)
		for _, c := range clients {
			c.Write([]byte("x"))
		}
		running.Wait()
		close(release)
		deadline := time.Now().Add(5 * time.Second)
		for p.idle.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d idle workers after a wave, want %d", p.idle.Load(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(trimEvery / 4)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(workers) != n {
		t.Fatalf("%d goroutines ran the waves' callbacks, want the first wave's %d", len(workers), n)
	}
}

// goroutineID returns the calling goroutine's number.
func goroutineID() string {
	var b [64]byte
	f := strings.Fields(string(b[:runtime.Stack(b[:], false)]))
	return f[1] // "goroutine 123 [running]:"
}

// A quiet server lets its surplus workers go: after a burst, with no event
// to come, the workers past maxIdleWorkers leave within a few seconds.
func TestIdleWorkersLeaveWhenQuiet(t *testing.T) {
	p := newPoller(t)
	const n = 300
	var running sync.WaitGroup
	running.Add(n)
	release := make(chan struct{})
	clients := make([]net.Conn, n)
	for i := range n {
		client, server := tcpPair(t)
		clients[i] = client
		first := true
		if _, err := p.Watch(server, func(w *Watch) {
			var b [8]byte
			server.Read(b[:])
			if first { // all n at once: n workers
				first = false
				running.Done()
				<-release
			}
			w.Done()
		}); err != nil {
			t.Fatal(err)
		}
	}
	base := runtime.NumGoroutine() // the event loop and the test's own
	for _, c := range clients {
		c.Write([]byte("x"))
	}
	running.Wait()
	if got := runtime.NumGoroutine() - base; got < n {
		t.Fatalf("%d goroutines more during the burst, want at least %d", got, n)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for p.idle.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle workers after the burst, want %d", p.idle.Load(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// No event from here on.
	deadline = time.Now().Add(5 * time.Second)
	for {
		extra := runtime.NumGoroutine() - base
		if extra <= maxIdleWorkers && p.idle.Load() <= maxIdleWorkers {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines more than before the burst (%d idle workers) 5 s after it on a quiet poller, want at most %d",
				extra, p.idle.Load(), maxIdleWorkers)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
