package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// runIdle runs idle: cfg.Clients connections, each warmed by one echo, held
// open (answering pings) for cfg.Duration or until cfg.Hold closes.
func runIdle(ctx context.Context, cfg *Config, e *endpoints) (Result, error) {
	log := &errorLog{w: cfg.Errors}
	ck := newClock() // the hold is the measurement; no warm-up
	payload := jsonPayload(cfg.Payload)
	warm := newCountdown(cfg.Clients)
	var wg sync.WaitGroup
	holders := make([]*holder, cfg.Clients)
	conns, lat, failed := connectAll(ctx, cfg, []*endpoints{e}, log, cfg.Clients, func(i int, w *wsConn) {
		h := &holder{w: w, ck: ck, log: log, id: i, payload: payload, warm: warm}
		h.alive.Store(true)
		holders[i] = h
		wg.Go(h.run)
	})
	for range failed {
		warm.done()
	}

	// Wait for the warm-up echoes, then hold.
	wt := time.NewTimer(cfg.Timeout)
	select {
	case <-warm.zero:
	case <-wt.C:
	case <-ctx.Done():
	}
	wt.Stop()
	n := 0
	for _, h := range holders {
		if h != nil && h.warmed.Load() {
			h.counted.Store(true)
			n++
		}
	}
	if cfg.Ready != nil && ctx.Err() == nil && n > 0 {
		cfg.Ready(n)
	}
	ck.startMeasure()
	if n > 0 {
		ht := time.NewTimer(cfg.Duration)
		select {
		case <-ht.C:
		case <-cfg.Hold:
		case <-ctx.Done():
		}
		ht.Stop()
	}
	ck.stop()
	// Of the ready clients, those still connected are the ops, the others
	// dropped; the rest failed to connect or to warm in time.
	all := tally{lat: lat, errors: failed + int64(len(lat)-n)}
	for _, h := range holders {
		switch {
		case h == nil || !h.counted.Load():
		case h.alive.Load():
			all.ops++
		default:
			all.dropped++
		}
	}
	closeAll(conns)
	wg.Wait()
	res := result(cfg, cfg.Clients, all, ck.measured())
	res.OpsPerSec = 0
	if n == 0 {
		return res, errNoClient
	}
	return res, nil
}

// holder is one idle client; its goroutine sends the warm-up echo, then
// reads until the run ends, answering pings.
type holder struct {
	w       *wsConn
	ck      *clock
	log     *errorLog
	id      int
	payload []byte
	warm    *countdown

	warmed  atomic.Bool // the echo came back; set by run
	counted atomic.Bool // warm in time, among the ready clients; set by runIdle
	alive   atomic.Bool // still connected; cleared by run
}

func (h *holder) run() {
	defer h.alive.Store(false)
	defer func() {
		if !h.warmed.Load() {
			h.warm.done()
		}
	}()
	if err := h.w.send(appendEcho(nil, h.payload)); err != nil {
		h.lost(err)
		return
	}
	h.lost(h.w.receive(h.handle))
}

func (h *holder) handle(p []byte) error {
	switch classify(p) {
	case kindPing:
		return h.w.sendFrame(h.w.pong)
	case kindEvent:
		if !h.warmed.Load() && isEchoReply(p) {
			h.warmed.Store(true)
			h.warm.done()
		}
	case kindClose, kindDisconnect, kindInvalid:
		return fmt.Errorf("server sent %q", abbrev(p))
	}
	return nil
}

// lost describes a connection that ended before the run did.
func (h *holder) lost(err error) {
	if h.ck.stopped() {
		return
	}
	h.log.printf("client %d: connection lost: %v", h.id, err)
}

// countdown closes zero once done was called n times.
type countdown struct {
	left atomic.Int64
	zero chan struct{}
}

func newCountdown(n int) *countdown {
	c := &countdown{zero: make(chan struct{})}
	c.left.Store(int64(n))
	return c
}

func (c *countdown) done() {
	if c.left.Add(-1) == 0 {
		close(c.zero)
	}
}
