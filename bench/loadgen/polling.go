package main

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// polling is one Engine.IO long-polling session, connected to "/", on two
// keep-alive connections: one for the GETs, one for the POSTs.
type polling struct {
	get, post *httpConn
	uri       string // with the sid
	getReq    []byte // the GET request, always the same
}

// dialPolling opens a long-polling session and connects to "/" within
// timeout: handshake GET, POST "40", GETs until the CONNECT reply.
func dialPolling(ctx context.Context, e *endpoints, timeout time.Duration) (*polling, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	post, err := dialHTTP(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("failed to open a polling session: %w", err)
	}
	pc := &polling{post: post}
	if err := bounded(ctx, post.conn, func() error { return pc.handshake(e) }); err != nil {
		return nil, fmt.Errorf("failed to connect: %w", err)
	}
	if pc.get, err = dialHTTP(ctx, e); err != nil {
		post.conn.Close()
		return nil, fmt.Errorf("failed to open the GET connection: %w", err)
	}
	return pc, nil
}

// handshake opens the session and connects to "/" on the POST connection.
func (pc *polling) handshake(e *endpoints) error {
	h := pc.post
	body, err := h.roundTrip(appendGet(nil, e.host, e.pollURI))
	if err != nil {
		return fmt.Errorf("failed to open a polling session: %w", err)
	}
	var first []byte
	splitPayload(body, func(p []byte) bool { first = p; return false })
	o, err := parseOpen(first)
	if err != nil {
		return err
	}
	pc.uri = e.pollURI + "&sid=" + url.QueryEscape(o.SID)
	pc.getReq = appendGet(nil, e.host, pc.uri)
	if _, err := h.roundTrip(appendPost(nil, e.host, pc.uri, connectPacket)); err != nil {
		return fmt.Errorf("failed to send CONNECT: %w", err)
	}
	for {
		body, err := h.roundTrip(pc.getReq)
		if err != nil {
			return fmt.Errorf("failed to read the CONNECT reply: %w", err)
		}
		var reply []byte
		pings := 0
		splitPayload(body, func(p []byte) bool {
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
			return parseConnectReply(reply)
		}
		if pings > 0 {
			if _, err := h.roundTrip(appendPost(nil, e.host, pc.uri, pongPacket)); err != nil {
				return fmt.Errorf("failed to answer a ping: %w", err)
			}
		}
	}
}

// closeConns closes the session's connections; safe from any goroutine.
func (pc *polling) closeConns() {
	pc.get.conn.Close()
	pc.post.conn.Close()
}

// runPollingEcho runs polling-echo: the echo closed loop over long-polling.
func runPollingEcho(ctx context.Context, cfg *Config, e *endpoints) (Result, error) {
	log := &errorLog{w: cfg.Errors}
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
				s, err := dialPolling(ctx, e, cfg.Timeout)
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
		c := &pollEcho{polling: s, ck: ck, log: log, id: i, msg: msg, host: e.host,
			t: &tally{lat: make([]int64, 0, 1024)}, toSend: cfg.Inflight, sent: newRing(cfg.Inflight),
			getW: newWriter(s.get.in.raw), postFromGetW: newWriter(s.post.in.raw), postW: newWriter(s.post.in.raw)}
		clients = append(clients, c)
		wg.Go(c.getLoop)
		wg.Go(c.postLoop)
	}
	if len(clients) > 0 {
		ck.run(ctx, cfg.Warmup, cfg.Duration)
	}
	ck.stop()
	for _, c := range clients {
		c.closeConns()
	}
	wg.Wait()
	closePolling(e, sessions, cfg.Concurrency)
	tallies := make([]*tally, len(clients))
	for i, c := range clients {
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
// goroutine reads the POSTs' responses. Either sends a POST, with the
// emits and pongs due, whenever there is something to send and no POST
// is in flight.
type pollEcho struct {
	*polling
	ck   *clock
	log  *errorLog
	id   int
	msg  []byte // the emit
	host string
	t    *tally // owned by getLoop

	// The loops' writers: getLoop writes its GETs and some POSTs, postLoop
	// the other POSTs.
	getW, postFromGetW, postW *writer

	mu      sync.Mutex
	pongs   int    // pongs to send; guarded by mu
	toSend  int    // emits to send; guarded by mu
	sent    ring   // send times of the outstanding emits; guarded by mu
	posting bool   // a POST is in flight; guarded by mu
	body    []byte // the POST's payload; owned by the goroutine that set posting
	postReq []byte // the POST; owned by the goroutine that set posting

	errors  atomic.Int64
	ended   atomic.Bool
	dropped atomic.Bool
}

func (c *pollEcho) getLoop() {
	if err := c.getW.write(c.getReq); err != nil {
		c.lost(err)
		return
	}
	c.lost(c.get.receive(c.handleGet))
}

// handleGet takes a GET's payload, sends what it calls for, and the next
// GET.
func (c *pollEcho) handleGet(r response) error {
	if r.status != 200 {
		return r.statusError()
	}
	var pings, replies int
	var gone []byte
	splitPayload(r.body, func(p []byte) bool {
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
	if gone != nil {
		return fmt.Errorf("server sent %q", abbrev(gone))
	}
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
		req := c.nextPost(now)
		c.mu.Unlock()
		if req != nil {
			if err := c.postFromGetW.write(req); err != nil {
				return err
			}
		}
	}
	return c.getW.write(c.getReq)
}

func (c *pollEcho) postLoop() {
	c.mu.Lock()
	req := c.nextPost(c.ck.now())
	c.mu.Unlock()
	if req != nil {
		if err := c.postW.write(req); err != nil {
			c.lost(err)
			return
		}
	}
	c.lost(c.post.receive(c.handlePost))
}

// handlePost takes a POST's response, and sends the next POST if
// something is due.
func (c *pollEcho) handlePost(r response) error {
	if r.status != 200 {
		return r.statusError()
	}
	now := c.ck.now()
	c.mu.Lock()
	c.posting = false
	req := c.nextPost(now)
	c.mu.Unlock()
	if req == nil {
		return nil
	}
	return c.postW.write(req)
}

// nextPost returns the POST of the pongs and emits due, sent at now, if
// there are some and no POST is in flight; the caller must write it. It
// is called with mu held.
func (c *pollEcho) nextPost(now int64) []byte {
	if c.posting || c.pongs+c.toSend == 0 {
		return nil
	}
	c.body = c.body[:0]
	for range c.pongs {
		c.body = appendPacket(c.body, pongPacket)
	}
	for range c.toSend {
		c.body = appendPacket(c.body, c.msg)
		c.sent.push(now)
	}
	c.pongs, c.toSend = 0, 0
	c.posting = true
	c.postReq = appendPost(c.postReq[:0], c.host, c.uri, c.body)
	return c.postReq
}

// closePolling ends the sessions with a close packet, each on a new
// connection, so that the server does not keep those whose GET was not
// pending for its ping timeout. A session the server closed already
// answers 400, which does not matter.
func closePolling(e *endpoints, sessions []*polling, concurrency int) {
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
					if h, err := dialHTTP(ctx, e); err == nil {
						bounded(ctx, h.conn, func() error {
							_, err := h.roundTrip(appendPost(nil, e.host, s.uri, closePacket))
							return err
						})
						h.conn.Close()
					}
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

// lost ends the client, on the first of its loops to end: a connection
// that ended before the run did is dropped.
func (c *pollEcho) lost(err error) {
	if c.ended.Swap(true) {
		return // the other loop's end, or the connections the first closed
	}
	c.closeConns()
	if c.ck.stopped() {
		return
	}
	c.dropped.Store(true)
	c.log.printf("client %d: session lost: %v", c.id, err)
}

func (c *pollEcho) fail(format string, args ...any) {
	if c.ck.stopped() {
		return
	}
	c.errors.Add(1)
	c.log.printf("client %d: "+format, append([]any{c.id}, args...)...)
}
