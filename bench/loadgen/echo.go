package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// runClosedLoop runs echo (ack false) or ack: every client keeps
// cfg.Inflight emits outstanding and sends the next one when a reply comes.
func runClosedLoop(ctx context.Context, cfg *Config, e *endpoints, ack bool) (Result, error) {
	log := &errorLog{w: cfg.Errors}
	conns, _, failed := connectAll(ctx, cfg, []*endpoints{e}, log, cfg.Clients, nil)
	ck := newClock()
	payload := jsonPayload(cfg.Payload)
	tallies := make([]*tally, 0, len(conns)+1)
	var wg sync.WaitGroup
	var paced []*loop
	for i, w := range conns {
		if w == nil {
			continue
		}
		t := &tally{lat: make([]int64, 0, 1024)}
		tallies = append(tallies, t)
		l := &loop{w: w, ck: ck, t: t, log: log, id: i, inflight: cfg.Inflight, payload: payload, ack: ack}
		if cfg.Rate > 0 {
			l.paced = true
			l.sent = newRing(openLoopDepth)
			l.emit = w.frame(nil, appendEcho(nil, payload))
			paced = append(paced, l)
		}
		wg.Go(l.run)
	}
	if len(paced) > 0 {
		tk, err := newTicker(max(time.Duration(float64(time.Second)/cfg.Rate), cfg.PaceTick))
		if err != nil {
			ck.stop()
			closeAll(conns)
			wg.Wait()
			return Result{}, err
		}
		wg.Go(func() { pace(paced, cfg.Rate*float64(len(paced))/float64(cfg.Clients), ck, tk) })
	}
	if len(tallies) > 0 {
		ck.run(ctx, cfg.Warmup, cfg.Duration)
	}
	ck.stop()
	closeAll(conns)
	wg.Wait()
	all := sum(tallies)
	all.errors += failed
	res := result(cfg, cfg.Clients, all, ck.measured())
	if len(tallies) == 0 {
		return res, errNoClient
	}
	return res, nil
}

// loop is one closed-loop client of echo or ack; its goroutine reads,
// matches replies, and writes.
type loop struct {
	w        *wsConn
	ck       *clock
	t        *tally
	log      *errorLog
	id       int
	inflight int
	payload  []byte // the emitted argument, JSON
	ack      bool

	emit []byte // echo: the emit's frame, always the same
	msg  []byte // ack: the emit being written (its id varies)
	sent ring   // echo: send times, oldest first (replies come in order); under mu when paced
	mu   sync.Mutex
	// paced: open loop, the emits are sent by pace on a schedule, not
	// in answer to replies.
	paced bool
	pend  []pending // ack: outstanding ids and their send times
	next  uint64    // ack: next id
}

type pending struct {
	id   uint64
	sent int64
}

func (l *loop) run() {
	if l.paced {
		l.lost(l.w.receive(l.handle))
		return
	}
	if !l.ack {
		l.emit = l.w.frame(nil, appendEcho(nil, l.payload))
		l.sent = newRing(l.inflight)
	} else {
		l.msg = make([]byte, 0, len(l.payload)+32)
		l.pend = make([]pending, 0, l.inflight)
	}
	for range l.inflight {
		if err := l.send(l.ck.now()); err != nil {
			l.lost(err)
			return
		}
	}
	l.lost(l.w.receive(l.handle))
}

// handle takes one message from the server and, for a reply, sends the
// next emit. It returns errDone once the run stopped.
func (l *loop) handle(p []byte) error {
	var start int64
	switch classify(p) {
	case kindPing:
		return l.w.sendFrame(l.w.pong)
	case kindEvent:
		if l.ack || !isEchoReply(p) {
			return nil // not ours: another event type the server may send
		}
		var ok bool
		if l.paced {
			l.mu.Lock()
		}
		start, ok = l.sent.pop()
		if l.paced {
			l.mu.Unlock()
		}
		if !ok {
			l.fail("echo reply with no emit outstanding: %q", abbrev(p))
			return nil
		}
	case kindAck:
		if !l.ack {
			return nil
		}
		id, ok := ackID(p)
		if ok {
			start, ok = l.takePending(id)
		}
		if !ok {
			l.fail("ack %q matches no outstanding id", abbrev(p))
			return nil
		}
	case kindClose, kindDisconnect, kindInvalid:
		return fmt.Errorf("server sent %q", abbrev(p))
	default:
		return nil
	}
	now := l.ck.now()
	if l.ck.measuring() {
		l.t.ops++
		l.t.lat = append(l.t.lat, now-start)
	} else if l.ck.stopped() {
		return errDone
	}
	if l.paced {
		return nil
	}
	return l.send(now)
}

// openLoopDepth bounds the emits a paced client remembers as outstanding.
// A server that far behind (seconds, at the rates the harness offers)
// makes the oldest send times drop out, and its latencies read short; its
// achieved rate, well under the offered one, shows it.
const openLoopDepth = 4096

// pace sends the paced clients' emits, rate a second in all, in turn, on
// the ticks of tk, until the run stops; a late tick sends the emits due
// meanwhile at once. Latency counts from the actual send: a generator's
// late wake-up (tens of µs on a VM) would otherwise count as the server's.
func pace(loops []*loop, rate float64, ck *clock, tk *ticker) {
	defer tk.Close()
	writers := make([]*writer, len(loops))
	for i, l := range loops {
		writers[i] = l.w.newWriter()
	}
	failed := make([]bool, len(loops))
	start, sent, next := ck.now(), int64(0), 0
	for !ck.stopped() {
		if _, err := tk.wait(); err != nil {
			return
		}
		due := int64(float64(ck.now()-start) * rate / float64(time.Second))
		for ; sent < due; sent++ {
			i := next
			next = (next + 1) % len(loops)
			if failed[i] {
				continue // the reader sees the connection fail
			}
			l := loops[i]
			l.mu.Lock()
			l.sent.push(ck.now())
			l.mu.Unlock()
			if err := writers[i].write(l.emit); err != nil {
				failed[i] = true
			}
		}
	}
}

// send writes the next emit, sent at now.
func (l *loop) send(now int64) error {
	if !l.ack {
		l.sent.push(now)
		return l.w.sendFrame(l.emit)
	}
	l.msg = appendEchoAck(l.msg[:0], l.next, l.payload)
	l.pend = append(l.pend, pending{id: l.next, sent: now})
	l.next++
	return l.w.send(l.msg)
}

// takePending removes ack id from the outstanding ones and returns its
// send time.
func (l *loop) takePending(id uint64) (int64, bool) {
	for i, p := range l.pend {
		if p.id == id {
			last := len(l.pend) - 1
			l.pend[i] = l.pend[last]
			l.pend = l.pend[:last]
			return p.sent, true
		}
	}
	return 0, false
}

// lost counts a connection that ended before the run did.
func (l *loop) lost(err error) {
	if l.ck.stopped() {
		return
	}
	l.t.dropped++
	l.log.printf("client %d: connection lost: %v", l.id, err)
}

func (l *loop) fail(format string, args ...any) {
	if l.ck.stopped() {
		return
	}
	l.t.errors++
	l.log.printf("client %d: "+format, append([]any{l.id}, args...)...)
}

// ring is a fixed-size FIFO of send times.
type ring struct {
	buf        []int64
	head, size int
}

func newRing(n int) ring { return ring{buf: make([]int64, n)} }

func (r *ring) push(v int64) {
	if r.size == len(r.buf) { // more emits than replies expected: drop the oldest
		r.pop()
	}
	r.buf[(r.head+r.size)%len(r.buf)] = v
	r.size++
}

func (r *ring) pop() (int64, bool) {
	if r.size == 0 {
		return 0, false
	}
	v := r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	r.size--
	return v, true
}
