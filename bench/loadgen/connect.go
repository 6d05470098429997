package main

import (
	"context"
	"sync"
	"time"
)

// runConnect runs connect: cfg.Concurrency workers each connect to "/"
// over WebSocket only and close, over and over.
func runConnect(ctx context.Context, cfg *Config, e *endpoints) (Result, error) {
	log := &errorLog{w: cfg.Errors}
	ck := newClock()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tallies := make([]*tally, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range tallies {
		t := &tally{lat: make([]int64, 0, 1024)}
		tallies[i] = t
		wg.Go(func() {
			for !ck.stopped() && wctx.Err() == nil {
				start := ck.now()
				w, err := dialWS(wctx, e, cfg.Timeout)
				now := ck.now()
				if err != nil {
					if ck.measuring() {
						t.errors++
						log.printf("connect: %v", err)
					}
					// A refusing server would otherwise make this a busy loop.
					sleep(wctx, 10*time.Millisecond)
					continue
				}
				w.close()
				if ck.measuring() {
					t.ops++
					t.lat = append(t.lat, now-start)
				}
			}
		})
	}
	ck.run(ctx, cfg.Warmup, cfg.Duration)
	ck.stop()
	cancel() // connects still in flight are not measured
	wg.Wait()
	all := sum(tallies)
	return result(cfg, cfg.Concurrency, all, ck.measured()), nil
}
