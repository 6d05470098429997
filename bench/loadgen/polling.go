package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// newPollingClient returns the HTTP client every polling client of a run
// shares: direct (no proxy), no compression, enough idle connections for a
// GET and a POST per client.
func newPollingClient(clients int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{}).DialContext,
		MaxIdleConnsPerHost: 2*clients + 8,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}

// polling is one Engine.IO long-polling session, connected to "/".
type polling struct {
	hc  *http.Client
	url string // with the sid
}

// errHTTPStatus is wrapped by the error of a request answered with a
// status other than 200.
var errHTTPStatus = errors.New("unexpected HTTP status")

// do sends one request and returns the response body in buf's storage.
func do(ctx context.Context, hc *http.Client, method, url string, body []byte, buf []byte) ([]byte, error) {
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, method, url, nil)
	}
	if err != nil {
		return buf, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return buf, err
	}
	buf, err = readAll(resp.Body, buf[:0])
	resp.Body.Close()
	if err != nil {
		return buf, err
	}
	if resp.StatusCode != http.StatusOK {
		return buf, fmt.Errorf("%s: %w %s: %s", method, errHTTPStatus, resp.Status, abbrev(buf))
	}
	return buf, nil
}

// dialPolling opens a long-polling session and connects to "/" within
// timeout: handshake GET, POST "40", GETs until the CONNECT reply.
func dialPolling(ctx context.Context, hc *http.Client, e *endpoints, timeout time.Duration) (*polling, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	buf, err := do(ctx, hc, http.MethodGet, e.polling, nil, make([]byte, 0, 512))
	if err != nil {
		return nil, fmt.Errorf("failed to open a polling session: %w", err)
	}
	var first []byte
	splitPayload(buf, func(p []byte) bool { first = p; return false })
	o, err := parseOpen(first)
	if err != nil {
		return nil, err
	}
	pc := &polling{hc: hc, url: e.polling + "&sid=" + o.SID}
	if buf, err = do(ctx, hc, http.MethodPost, pc.url, connectPacket, buf); err != nil {
		return nil, fmt.Errorf("failed to send CONNECT: %w", err)
	}
	for {
		if buf, err = do(ctx, hc, http.MethodGet, pc.url, nil, buf); err != nil {
			return nil, fmt.Errorf("failed to read the CONNECT reply: %w", err)
		}
		var reply []byte
		pings := 0
		splitPayload(buf, func(p []byte) bool {
			switch classify(p) {
			case kindPing:
				pings++
			case kindIgnored:
			default:
				reply = p
				return false
			}
			return true
		})
		if reply != nil {
			return pc, parseConnectReply(reply)
		}
		if pings > 0 {
			if _, err := do(ctx, hc, http.MethodPost, pc.url, pongPacket, nil); err != nil {
				return nil, fmt.Errorf("failed to answer a ping: %w", err)
			}
		}
	}
}

// runPollingEcho runs polling-echo: the echo closed loop over long-polling.
func runPollingEcho(ctx context.Context, cfg *Config, e *endpoints) (Result, error) {
	log := &errorLog{w: cfg.Errors}
	hc := newPollingClient(cfg.Clients)
	defer hc.CloseIdleConnections()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	sessions := make([]*polling, cfg.Clients)
	var next, failed atomic.Int64
	var dial sync.WaitGroup
	for range min(cfg.Concurrency, cfg.Clients) {
		dial.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= cfg.Clients {
					return
				}
				s, err := dialPolling(ctx, hc, e, cfg.Timeout)
				if err != nil {
					failed.Add(1)
					if ctx.Err() == nil {
						log.printf("client %d: %v", i, err)
					}
					continue
				}
				sessions[i] = s
			}
		})
	}
	dial.Wait()

	ck := newClock()
	msg := appendEcho(nil, jsonPayload(cfg.Payload))
	var clients []*pollEcho
	var wg sync.WaitGroup
	for i, s := range sessions {
		if s == nil {
			continue
		}
		cctx, ccancel := context.WithCancel(ctx)
		c := &pollEcho{polling: s, ctx: cctx, cancel: ccancel, ck: ck, log: log, id: i, msg: msg,
			t: &tally{lat: make([]int64, 0, 1024)}, toSend: cfg.Inflight, sent: newRing(cfg.Inflight),
			wake: make(chan struct{}, 1)}
		c.wake <- struct{}{}
		clients = append(clients, c)
		wg.Go(c.getLoop)
		wg.Go(c.postLoop)
	}
	if len(clients) > 0 {
		ck.run(ctx, cfg.Warmup, cfg.Duration)
	}
	ck.stop()
	cancel()
	wg.Wait()
	closePolling(sessions, cfg.Concurrency)
	tallies := make([]*tally, len(clients))
	for i, c := range clients {
		c.cancel()
		c.t.errors += c.errors.Load()
		if c.dropped.Load() {
			c.t.dropped++
		}
		tallies[i] = c.t
	}
	all := sum(tallies)
	all.errors += failed.Load()
	res := result(cfg, cfg.Clients, all, ck.measured())
	if len(clients) == 0 {
		return res, errNoClient
	}
	return res, nil
}

// pollEcho is one closed-loop echo client over long-polling. Its getLoop
// goroutine keeps a GET pending and takes the replies; its postLoop
// goroutine sends what getLoop asks for (emits, pongs), batched in one POST
// at a time.
type pollEcho struct {
	*polling
	ctx    context.Context // ends both loops
	cancel context.CancelFunc
	ck     *clock
	log    *errorLog
	id     int
	msg    []byte // the emit
	t      *tally // owned by getLoop

	wake chan struct{} // something to send

	mu     sync.Mutex
	pongs  int  // pongs to send; guarded by mu
	toSend int  // emits to send; guarded by mu
	sent   ring // send times of the outstanding emits; guarded by mu

	errors  atomic.Int64
	dropped atomic.Bool
}

func (c *pollEcho) getLoop() {
	buf := make([]byte, 0, 512)
	for {
		var err error
		if buf, err = do(c.ctx, c.hc, http.MethodGet, c.url, nil, buf); err != nil {
			c.lost(err)
			return
		}
		var pings, replies int
		var gone []byte
		splitPayload(buf, func(p []byte) bool {
			switch classify(p) {
			case kindPing:
				pings++
			case kindEvent:
				if isEchoReply(p) {
					replies++
				}
			case kindClose, kindDisconnect, kindInvalid:
				gone = p
				return false
			}
			return true
		})
		if pings+replies > 0 {
			now := c.ck.now()
			measuring, stopped := c.ck.measuring(), c.ck.stopped()
			c.mu.Lock()
			c.pongs += pings
			for range replies {
				start, ok := c.sent.pop()
				if !ok {
					c.fail("echo reply with no emit outstanding")
					continue
				}
				if measuring {
					c.t.ops++
					c.t.lat = append(c.t.lat, now-start)
				}
				if !stopped {
					c.toSend++
				}
			}
			c.mu.Unlock()
			select {
			case c.wake <- struct{}{}:
			default:
			}
		}
		if gone != nil {
			c.lost(fmt.Errorf("server sent %q", abbrev(gone)))
			return
		}
	}
}

func (c *pollEcho) postLoop() {
	var body, resp []byte
	for {
		select {
		case <-c.wake:
		case <-c.ctx.Done():
			return
		}
		body = body[:0]
		now := c.ck.now()
		c.mu.Lock()
		for range c.pongs {
			body = appendPacket(body, pongPacket)
		}
		for range c.toSend {
			body = appendPacket(body, c.msg)
			c.sent.push(now)
		}
		c.pongs, c.toSend = 0, 0
		c.mu.Unlock()
		if len(body) == 0 {
			continue
		}
		var err error
		if resp, err = do(c.ctx, c.hc, http.MethodPost, c.url, body, resp); err != nil {
			c.lost(err)
			return
		}
	}
}

// closePolling ends the sessions with a close packet, so that the server
// does not keep those whose GET was not pending for its ping timeout. A
// session the server closed already answers 400, which does not matter.
func closePolling(sessions []*polling, concurrency int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(concurrency, len(sessions)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(sessions) {
					return
				}
				if s := sessions[i]; s != nil {
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					do(ctx, s.hc, http.MethodPost, s.url, closePacket, nil)
					cancel()
				}
			}
		})
	}
	wg.Wait()
}

// appendPacket appends p to a long-polling payload.
func appendPacket(payload, p []byte) []byte {
	if len(payload) > 0 {
		payload = append(payload, recordSeparator)
	}
	return append(payload, p...)
}

// lost ends the client: a connection that ended before the run did is
// dropped, once.
func (c *pollEcho) lost(err error) {
	c.cancel()
	if c.ck.stopped() || c.dropped.Swap(true) {
		return
	}
	c.log.printf("client %d: session lost: %v", c.id, err)
}

func (c *pollEcho) fail(format string, args ...any) {
	if c.ck.stopped() {
		return
	}
	c.errors.Add(1)
	c.log.printf("client %d: "+format, append([]any{c.id}, args...)...)
}
