//go:build linux

package netpoll

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A watch is idle (the next event starts its callback), running (its
// callback runs), pending (an event came while it ran: it must read again
// before it returns) or stopped.
const (
	idle int32 = iota
	running
	pending
	stopped
)

// maxIdleWorkers is how many goroutines stay, idle, to run callbacks once
// the load is gone. Keeping workers saves starting one per event and
// growing its stack to what the callbacks need; but the runtime starts
// goroutines with the average stack size (adaptivestackstart) and reuses
// dead ones, so a fresh worker costs little, while each idle one holds a G
// and its grown stack. A few cover the next events of a quiet server.
// Trimmed only on a wake-up, which a quiet server never has, a burst's
// workers stayed: 275 and 576 of them, with 2.5 and 5.3 MB of stacks, after
// two echo runs of 1,000 clients on the bench server (GOMAXPROCS=2); now
// they leave within trimEvery and the stacks fall to 0.8-0.9 MB.
//
// A load keeps what it uses: every trimEvery, the workers that stayed idle
// through the whole period leave, down to maxIdleWorkers, so that a load
// coming in waves (long polls completing together) keeps its workers. The
// period is the event loop's read deadline on the epoll set, armed while
// there are surplus idle workers: no timer per event and no goroutine.
const (
	maxIdleWorkers = 16
	trimEvery      = time.Second
)

// Poller watches connections for readability. Its methods are safe for
// concurrent use.
type Poller struct {
	epfd *os.File        // the epoll set, parked in the runtime's poller
	rc   syscall.RawConn // epfd's
	done chan struct{}   // closed when the event loop has returned

	work    chan *Watch   // hands a watch that fired to an idle worker
	closing chan struct{} // closed by Close: the workers leave
	trim    chan struct{} // an idle worker that receives leaves
	idle    atomic.Int32  // the workers waiting for a watch
	// lowIdle is the fewest idle workers since the last trim, or
	// math.MaxInt32 if none took work: the surplus the load never needed.
	lowIdle atomic.Int32
	armed   atomic.Bool // epfd's read deadline is set: a trim is due
	running sync.WaitGroup

	mu      sync.Mutex
	watches map[int32]*Watch // by file descriptor
}

// New starts a Poller.
func New() (*Poller, error) {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("netpoll: failed to create an epoll set: %w", err)
	}
	// Non-blocking, so that os.NewFile hands it to the runtime's poller:
	// an epoll set is readable while it has events ready.
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("netpoll: failed to set up the epoll set: %w", err)
	}
	f := os.NewFile(uintptr(fd), "epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("netpoll: failed to set up the epoll set: %w", err)
	}
	p := &Poller{
		epfd:    f,
		rc:      rc,
		done:    make(chan struct{}),
		work:    make(chan *Watch),
		closing: make(chan struct{}),
		trim:    make(chan struct{}),
		watches: make(map[int32]*Watch),
	}
	go p.run()
	return p, nil
}

// run waits for events and starts the callbacks of the watches that fired,
// until the Poller is closed.
func (p *Poller) run() {
	defer close(p.done)
	events := make([]syscall.EpollEvent, 256)
	var n int
	// Made once: a closure handed to RawConn.Read escapes, and one per
	// batch would be an allocation per wake-up.
	wait := func(fd uintptr) bool {
		for {
			var err error
			n, err = syscall.EpollWait(int(fd), events, 0)
			if err != syscall.EINTR {
				// Nothing ready: park until the set is readable.
				return n > 0
			}
		}
	}
	for {
		err := p.rc.Read(wait)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			p.trimIdle()
			continue
		}
		if err != nil {
			return // closed
		}
		p.mu.Lock()
		for _, ev := range events[:n] {
			w := p.watches[ev.Fd]
			if w == nil {
				continue
			}
			if ev.Events&hangupEvents != 0 {
				w.hup.Store(true) // before the callback may run and look
			}
			if w.signal() {
				p.dispatch(w)
			}
		}
		p.mu.Unlock()
		// Let the callbacks just started run before looking again: events
		// that keep coming (a client's burst) would otherwise keep this
		// loop busy, and the first callbacks waiting, until they stop.
		runtime.Gosched()
	}
}

// dispatch runs w's callback on an idle worker, or on a new goroutine.
func (p *Poller) dispatch(w *Watch) {
	select {
	case p.work <- w:
	default:
		p.running.Add(1)
		go p.worker(w)
	}
}

// armTrim has the event loop trim the idle workers a period from now,
// unless it is due already.
func (p *Poller) armTrim() {
	if p.armed.Load() || !p.armed.CompareAndSwap(false, true) {
		return
	}
	p.lowIdle.Store(math.MaxInt32)
	p.epfd.SetReadDeadline(time.Now().Add(trimEvery)) // fails once closed: nothing to trim
}

// trimIdle runs on the event loop when the trim is due: the idle workers
// past maxIdleWorkers that none of the period's events needed leave.
func (p *Poller) trimIdle() {
	extra := min(p.lowIdle.Load(), p.idle.Load()) - maxIdleWorkers
	for ; extra > 0; extra-- {
		select {
		case p.trim <- struct{}{}:
		default:
			extra = 0 // all busy, or on their way to wait: next period
		}
	}
	p.lowIdle.Store(math.MaxInt32)
	// The workers just told to leave may be counted still: at worst one
	// more period, which trims nothing, runs.
	if p.idle.Load() > maxIdleWorkers {
		p.epfd.SetReadDeadline(time.Now().Add(trimEvery))
		return
	}
	p.epfd.SetReadDeadline(time.Time{})
	p.armed.Store(false)
	// A worker that went idle since saw armed set and left the trim to
	// this period.
	if p.idle.Load() > maxIdleWorkers {
		p.armTrim()
	}
}

// worker runs w's callback, then waits for the next watch to fire, until
// it is trimmed.
func (p *Poller) worker(w *Watch) {
	defer p.running.Done()
	for {
		w.ready(w)
		if p.idle.Add(1) > maxIdleWorkers {
			p.armTrim()
		}
		select {
		case w = <-p.work:
			n := p.idle.Add(-1)
			for low := p.lowIdle.Load(); n < low && !p.lowIdle.CompareAndSwap(low, n); low = p.lowIdle.Load() {
			}
		case <-p.trim:
			p.idle.Add(-1)
			return
		case <-p.closing:
			p.idle.Add(-1)
			return
		}
	}
}

// Close stops the Poller and waits for the callbacks under way to return.
// Watches registered with it no longer fire.
func (p *Poller) Close() error {
	err := p.epfd.Close()
	<-p.done
	close(p.closing)
	p.running.Wait()
	return err
}

// Watch is one connection registered with a Poller.
type Watch struct {
	p     *Poller
	rc    syscall.RawConn
	fd    int32
	ready func(*Watch)
	state atomic.Int32
	// hup: the peer closed or reset the connection. Edge-triggered, that
	// is told once, perhaps with the last data: a callback that stopped
	// at a short read would not hear of it again.
	hup atomic.Bool
}

// signal records an event and reports whether to start the callback.
func (w *Watch) signal() bool {
	for {
		switch s := w.state.Load(); s {
		case idle:
			if w.state.CompareAndSwap(idle, running) {
				return true
			}
		case running:
			if w.state.CompareAndSwap(running, pending) {
				return false
			}
		default: // pending already, or stopped
			return false
		}
	}
}

// Watch registers conn, which must be a syscall.Conn. ready is called with
// the Watch, on a goroutine of the Poller, when data arrives on conn or conn
// fails or is shut down by the peer; data there before Watch counts as
// arriving. One callback runs at a time: it reads what it can, then calls
// Done, and reads again if Done says so. Call Stop, then close conn.
func (p *Poller) Watch(conn any, ready func(*Watch)) (*Watch, error) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil, ErrUnsupported
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, ErrUnsupported
	}
	w := &Watch{p: p, rc: rc, ready: ready}
	var ctlErr error
	// The descriptor is used inside Control only, where it cannot be
	// closed and handed to another connection meanwhile.
	err = rc.Control(func(fd uintptr) {
		w.fd = int32(fd)
		p.mu.Lock()
		// An entry left for this number belongs to a connection closed
		// without Stop; closing it took it out of the epoll set already.
		p.watches[w.fd] = w
		p.mu.Unlock()
		ev := syscall.EpollEvent{Events: events, Fd: w.fd}
		ctlErr = syscall.EpollCtl(p.fd(), syscall.EPOLL_CTL_ADD, int(fd), &ev)
	})
	if err == nil {
		err = ctlErr
	}
	if err != nil {
		p.forget(w)
		return nil, fmt.Errorf("netpoll: failed to watch a connection: %w", err)
	}
	return w, nil
}

// events are edge-triggered: an event for each arrival of data, none for
// data that stays unread. A callback running is told of new data by Done.
const events = syscall.EPOLLIN | syscall.EPOLLRDHUP | epollET

// hangupEvents say that the peer closed or reset the connection.
const hangupEvents = syscall.EPOLLRDHUP | syscall.EPOLLHUP | syscall.EPOLLERR

// epollET is syscall.EPOLLET, which the syscall package defines as a
// negative number.
const epollET = 1 << 31

// fd returns the epoll set's descriptor. It stays valid while watches are
// in use: the owner closes the Poller after its connections.
func (p *Poller) fd() int {
	var n int
	p.rc.Control(func(fd uintptr) { n = int(fd) })
	return n
}

func (p *Poller) forget(w *Watch) {
	p.mu.Lock()
	if p.watches[w.fd] == w {
		delete(p.watches, w.fd)
	}
	p.mu.Unlock()
}

// HungUp reports whether the peer has closed or reset the connection: a
// callback must then read on past a short read, to the end of the stream
// (or an error), since no other event will come.
func (w *Watch) HungUp() bool { return w.hup.Load() }

// Done ends a callback that has read everything it found: with the
// socket's buffer not filled by its last read, or with the read failing
// because nothing was left. It reports false when data arrived meanwhile:
// the callback must then read again before calling Done again.
func (w *Watch) Done() bool {
	if w.state.CompareAndSwap(running, idle) {
		return true
	}
	if w.state.CompareAndSwap(pending, running) {
		return false
	}
	return true // stopped
}

// Stop unregisters the connection, which its owner then closes: closing
// takes it out of the epoll set, so Stop makes no system call. A callback
// running is not interrupted; none starts again.
func (w *Watch) Stop() {
	if w.state.Swap(stopped) == stopped {
		return
	}
	w.p.forget(w)
}
