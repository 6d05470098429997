package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Each slot of the publish table packs a publish's sequence number (high
// bits) with the number of receivers still to get it (low pubCountBits
// bits), so that a late delivery of an expired publish can never count
// toward the publish that reuses its slot.
const (
	pubCountBits = 24
	pubCountMask = 1<<pubCountBits - 1
	pubSeqMask   = 1<<(64-pubCountBits) - 1
	pubSlots     = 4 * maxInflight // a power of two
)

// pubTable tracks the outstanding publishes: the publisher arms a slot,
// receivers count down, the one that reaches zero reports completion.
type pubTable struct {
	slots [pubSlots]atomic.Uint64
	done  chan pubDone
}

type pubDone struct {
	seq uint64
	at  int64 // clock time of the last delivery
}

func newPubTable() *pubTable {
	return &pubTable{done: make(chan pubDone, pubSlots)}
}

func (tb *pubTable) arm(seq uint64, receivers int) {
	tb.slots[seq%pubSlots].Store((seq&pubSeqMask)<<pubCountBits | uint64(receivers))
}

// deliver counts one receiver's copy of publish seq and reports whether it
// was the last one expected.
func (tb *pubTable) deliver(seq uint64) bool {
	s := &tb.slots[seq%pubSlots]
	for {
		v := s.Load()
		if v>>pubCountBits != seq&pubSeqMask || v&pubCountMask == 0 {
			return false // expired, or a copy the server sent twice
		}
		if s.CompareAndSwap(v, v-1) {
			return (v-1)&pubCountMask == 0
		}
	}
}

// expire disarms publish seq if it is still outstanding.
func (tb *pubTable) expire(seq uint64) {
	s := &tb.slots[seq%pubSlots]
	for {
		v := s.Load()
		if v>>pubCountBits != seq&pubSeqMask || s.CompareAndSwap(v, v&^pubCountMask) {
			return
		}
	}
}

// runBroadcast runs broadcast: cfg.Clients receivers spread over the
// servers eps, and one publisher on eps[0] with cfg.Inflight publishes
// outstanding.
func runBroadcast(ctx context.Context, cfg *Config, eps []*endpoints) (Result, error) {
	log := &errorLog{w: cfg.Errors}
	ck := newClock()
	tb := newPubTable()
	stop := make(chan struct{})
	var alive atomic.Int64 // receivers still connected
	var wg sync.WaitGroup
	tallies := make([]*tally, cfg.Clients)
	conns, _, failed := connectAll(ctx, cfg, eps, log, cfg.Clients, func(i int, w *wsConn) {
		t := &tally{}
		tallies[i] = t
		alive.Add(1)
		r := &receiver{w: w, ck: ck, t: t, log: log, id: i, tb: tb, stop: stop, alive: &alive}
		wg.Go(r.run)
	})
	pt := &tally{lat: make([]int64, 0, 1024)}
	tallies = append(tallies, pt)
	var pw *wsConn
	var p *publisher
	if alive.Load() > 0 {
		var err error
		if pw, err = dialWS(ctx, eps[0], cfg.Timeout); err != nil {
			log.printf("publisher: %v", err)
			failed++
		}
	}
	if pw != nil {
		conns = append(conns, pw)
		p = &publisher{w: pw, ck: ck, t: pt, log: log, tb: tb, stop: stop, alive: &alive,
			window: cfg.Inflight, timeout: cfg.Timeout, payload: jsonPayload(cfg.Payload)}
		wg.Go(p.readLoop)
		wg.Go(p.run)
		ck.run(ctx, cfg.Warmup, cfg.Duration)
	}
	ck.stop()
	close(stop)
	closeAll(conns)
	wg.Wait()
	if p != nil {
		pt.dropped += p.dropped.Load()
	}
	all := sum(tallies)
	all.errors += failed
	res := result(cfg, cfg.Clients, all, ck.measured())
	if pw == nil {
		return res, errNoClient
	}
	return res, nil
}

// receiver is one broadcast receiver; its goroutine reads and counts.
type receiver struct {
	w     *wsConn
	ck    *clock
	t     *tally // ops: deliveries while measuring
	log   *errorLog
	id    int
	tb    *pubTable
	stop  chan struct{}
	alive *atomic.Int64
}

func (r *receiver) run() {
	defer r.alive.Add(-1)
	r.lost(r.w.receive(r.handle))
}

func (r *receiver) handle(p []byte) error {
	switch classify(p) {
	case kindPing:
		return r.w.sendFrame(r.w.pong)
	case kindEvent:
		seq, ok := broadcastSeq(p)
		if !ok {
			return nil
		}
		if r.ck.measuring() {
			r.t.ops++
		}
		if r.tb.deliver(seq) {
			select {
			case r.tb.done <- pubDone{seq: seq, at: r.ck.now()}:
			case <-r.stop:
				return errDone
			}
		}
	case kindClose, kindDisconnect, kindInvalid:
		return fmt.Errorf("server sent %q", abbrev(p))
	}
	return nil
}

func (r *receiver) lost(err error) {
	if r.ck.stopped() {
		return
	}
	r.t.dropped++
	r.log.printf("receiver %d: connection lost: %v", r.id, err)
}

// publisher emits the broadcasts. Its run goroutine writes the publishes,
// its readLoop goroutine reads its own copies and answers pings.
type publisher struct {
	w       *wsConn
	ck      *clock
	t       *tally // latencies: publish to last delivery; errors: expired publishes; owned by run
	log     *errorLog
	tb      *pubTable
	stop    chan struct{}
	alive   *atomic.Int64
	window  int
	timeout time.Duration
	payload []byte

	dropped atomic.Int64 // the publisher's connection lost, by readLoop; added to t at the end
}

func (p *publisher) readLoop() {
	err := p.w.receive(func(b []byte) error {
		switch classify(b) {
		case kindPing:
			return p.w.sendFrame(p.w.pong)
		case kindClose, kindDisconnect, kindInvalid:
			return fmt.Errorf("server sent %q", abbrev(b))
		}
		return nil
	})
	if !p.ck.stopped() {
		p.dropped.Add(1)
		p.log.printf("publisher: connection lost: %v", err)
	}
}

func (p *publisher) run() {
	sent := make(map[uint64]int64, p.window) // outstanding publishes' send times
	var seq uint64
	msg := make([]byte, 0, len(p.payload)+48)
	var frame []byte
	wr := p.w.newWriter()
	tick := time.NewTicker(min(p.timeout/4, time.Second))
	defer tick.Stop()
	for {
		for len(sent) < p.window && !p.ck.stopped() {
			n := int(p.alive.Load())
			if n == 0 {
				p.log.printf("publisher: no receiver left")
				<-p.stop
				return
			}
			p.tb.arm(seq, n)
			sent[seq] = p.ck.now()
			msg = appendBroadcast(msg[:0], seq, p.payload)
			frame = p.w.frame(frame[:0], msg)
			if err := wr.write(frame); err != nil {
				if !p.ck.stopped() {
					p.t.dropped++
					p.log.printf("publisher: connection lost: %v", err)
				}
				<-p.stop
				return
			}
			seq++
		}
		select {
		case d := <-p.tb.done:
			start, ok := sent[d.seq]
			if !ok {
				continue // expired already
			}
			delete(sent, d.seq)
			if p.ck.measuring() && start >= p.ck.start {
				p.t.lat = append(p.t.lat, d.at-start)
			}
		case <-tick.C:
			now := p.ck.now()
			for s, start := range sent {
				if time.Duration(now-start) > p.timeout {
					p.tb.expire(s)
					delete(sent, s)
					if !p.ck.stopped() {
						p.t.errors++
						p.log.printf("publisher: publish %d not delivered to every receiver within %v", s, p.timeout)
					}
				}
			}
		case <-p.stop:
			return
		}
	}
}
