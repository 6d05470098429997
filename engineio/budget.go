package engineio

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ErrServerQueueFull is the description of sessions closed, with
// ReasonTransportError, because the server's budget of queued output
// (Options.MaxServerQueuedBytes) was exhausted while their backlogs had
// not moved for three seconds; Send returns it when its own session was closed
// so. It wraps ErrQueueFull.
var ErrServerQueueFull = fmt.Errorf("%w: the server's budget is exhausted and this client has stopped reading", ErrQueueFull)

// packetOverhead is what a queued packet costs beyond its data, charged to
// the server's budget: its slot in the queue (an outPacket is 56 bytes) and
// its frame header. Without it a storm of tiny messages would hold many
// times the budget in slots.
const packetOverhead = 64

// budgetWait is how long a send that finds the server's budget exhausted
// waits for the writers to make room before it looks for stalled sessions
// to cut (and then waits again).
const budgetWait = 100 * time.Millisecond

// budget counts the bytes waiting to be written across all sessions
// (Options.MaxServerQueuedBytes). A send that fits costs one atomic add;
// only one that does not takes locks.
type budget struct {
	limit   int64 // set by NewServer
	used    atomic.Int64
	waiters atomic.Int32 // sends waiting for room: releases then wake them

	mu   sync.Mutex
	room chan struct{} // closed by the next release while waiters > 0

	cutMu sync.Mutex // one send at a time chooses sessions to cut
}

// reserve charges n bytes if they fit.
func (b *budget) reserve(n int64) bool {
	if b.used.Add(n) <= b.limit {
		return true
	}
	b.used.Add(-n) // not a release: nothing was freed, wake no one
	return false
}

// force charges n bytes whether or not they fit: control packets (open,
// ping) are small and must not wait.
func (b *budget) force(n int64) { b.used.Add(n) }

// release gives back n charged bytes.
func (b *budget) release(n int64) {
	if n <= 0 {
		return
	}
	b.used.Add(-n)
	if b.waiters.Load() > 0 {
		b.mu.Lock()
		if b.room != nil {
			close(b.room)
			b.room = nil
		}
		b.mu.Unlock()
	}
}

// wait charges n bytes once they fit, waiting at most d; it reports
// whether it charged them.
func (b *budget) wait(n int64, d time.Duration) bool {
	b.waiters.Add(1)
	defer b.waiters.Add(-1)
	var timer *time.Timer
	for {
		// Take the channel before trying, so that a release between a
		// failed try and the select still wakes this wait.
		b.mu.Lock()
		if b.room == nil {
			b.room = make(chan struct{})
		}
		room := b.room
		b.mu.Unlock()
		if b.reserve(n) {
			if timer != nil {
				timer.Stop()
			}
			return true
		}
		if timer == nil {
			timer = time.NewTimer(d)
		}
		select {
		case <-room:
		case <-timer.C:
			return false
		}
	}
}

// QueuedBytes returns how many bytes wait to be written across all
// sessions, as counted against Options.MaxServerQueuedBytes.
func (srv *Server) QueuedBytes() int64 { return srv.budget.used.Load() }

// makeRoom charges n bytes for a send to s that did not fit the budget.
// It waits for the writers to make room; each time budgetWait passes
// without enough room, it cuts every session whose backlog has made no
// progress for staleAfter, s too if it is one of them. While every backlog
// is moving, it waits on: the sender is paced at the rate the clients
// read.
func (srv *Server) makeRoom(s *Session, n int64) error {
	b := &srv.budget
	if n > b.limit {
		// It would never fit.
		s.close(ReasonTransportError, ErrServerQueueFull, true)
		return ErrServerQueueFull
	}
	s.flushDeferred()
	for {
		if s.closed.Load() {
			return ErrClosed
		}
		if b.wait(n, budgetWait) {
			return nil
		}
		if srv.cutStalled(s) {
			return ErrServerQueueFull
		}
		if b.reserve(n) {
			return nil
		}
	}
}

// flushDeferred has s's transport write the queue now if that waits for
// s's own handler to return: that handler may be the one waiting for
// room, which only this queue's client can make.
func (s *Session) flushDeferred() {
	s.mu.Lock()
	t := s.t
	s.mu.Unlock()
	t.flushDeferred()
}

// staleAfter is how long a session's backlog must have made no progress
// (no byte of it written, or taken by a poll) for the session to be cut
// when the budget is exhausted. A client that reads, however slowly, takes
// some bytes every round trip; one that stopped reading takes none once
// its socket buffers are full. Three seconds, not one: a client that
// reads may pause that long (TCP's retransmissions back off 0.2, 0.4,
// 0.8 s; a busy process schedules its reader late), and with one second
// the reliability suite's readers, on one core, were cut in 2 of 7 runs.
const staleAfter = 3 * time.Second

// cutStalled closes the sessions stalled for staleAfter or longer: they
// hold bytes that will not leave. It reports whether s was one of them.
func (srv *Server) cutStalled(s *Session) (self bool) {
	b := &srv.budget
	b.cutMu.Lock()
	defer b.cutMu.Unlock()
	for _, v := range srv.stalled(nanotime() - int64(staleAfter)) {
		// Cut sessions release their charge at once; their handlers hear
		// of it on goroutines of their own, not inside this send.
		v.close(ReasonTransportError, ErrServerQueueFull, true)
		self = self || v == s
	}
	return self
}

// stalled returns the sessions with bytes charged to the budget that have
// made no progress since before, the longest stalled first.
func (srv *Server) stalled(before int64) []*Session {
	type backlog struct {
		s       *Session
		since   int64
		charged bool
	}
	srv.mu.RLock()
	all := make([]backlog, 0, len(srv.sessions))
	for _, s := range srv.sessions {
		all = append(all, backlog{s: s})
	}
	srv.mu.RUnlock()
	for i := range all {
		s := all[i].s
		s.mu.Lock()
		all[i].since, all[i].charged = s.progress.Load(), s.charged > 0
		s.mu.Unlock()
	}
	all = slices.DeleteFunc(all, func(b backlog) bool { return !b.charged || b.since >= before })
	slices.SortFunc(all, func(a, b backlog) int { return cmp.Compare(a.since, b.since) })
	out := make([]*Session, len(all))
	for i, b := range all {
		out[i] = b.s
	}
	return out
}

// clockStart is what nanotime counts from.
var clockStart = time.Now()

// nanotime returns the monotonic clock's nanoseconds since clockStart.
func nanotime() int64 { return int64(time.Since(clockStart)) }

// addChargeLocked charges c to the session's backlog. A backlog that
// starts now has made no progress yet: it is as old as its first packet.
func (s *Session) addChargeLocked(c int64) {
	if s.charged == 0 {
		s.progress.Store(nanotime())
	}
	s.charged += c
}

// charge returns the payload and the budget charge of packets, as
// enqueueAll charged them.
func charge(pkts []outPacket) (bytes int, charged int64) {
	prepared := 0
	for _, p := range pkts {
		bytes += len(p.Data)
		if p.prep != nil {
			prepared += len(p.Data)
		}
	}
	return bytes, int64(bytes + prepared + len(pkts)*packetOverhead)
}

// written releases the charge of packets that went out (or were taken by
// a poll): they no longer wait.
func (s *Session) written(pkts []outPacket) {
	bytes, c := charge(pkts)
	s.mu.Lock()
	c = s.unchargeLocked(bytes, c)
	s.mu.Unlock()
	s.srv.budget.release(c)
}

// unchargeLocked takes a written batch off the session's backlog and
// returns what to release to the budget. A closed session released all its
// charge when it closed.
func (s *Session) unchargeLocked(bytes int, c int64) int64 {
	s.inflight = max(0, s.inflight-bytes)
	c = min(c, s.charged)
	s.charged -= c
	if s.charged > 0 && c > 0 {
		s.progress.Store(nanotime())
	}
	return c
}
