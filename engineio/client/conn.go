package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// Message is one message of the layer above: text, or binary.
type Message struct {
	Data   []byte
	Binary bool
}

// Handshake is what the server's open packet said.
type Handshake struct {
	SID          string
	Upgrades     []string
	PingInterval time.Duration
	PingTimeout  time.Duration
	// MaxPayload is the most a long-polling request may carry, in bytes;
	// a batch of messages is split to stay under it.
	MaxPayload int
}

// A transport carries packets of one connection. Its reads run on one
// goroutine (run); write is called by one goroutine at a time.
type transport interface {
	name() string
	// run reads packets and hands each to deliver until the transport
	// closes or fails, or deliver returns false. It returns why it ended.
	run(deliver func(packet.Packet) bool) error
	// write sends packets, in order.
	write(pkts []packet.Packet) error
	// close ends the transport: run and write return. sendClose asks that
	// the server be told (a close packet), as when the client closes.
	close(sendClose bool)
}

type state uint8

const (
	stateOpen    state = iota
	stateClosing       // Close was called: the buffer drains, then the transport closes
	stateClosed
)

// Conn is an Engine.IO client connection.
//
// Its methods are safe for concurrent use. The callbacks of Options run on
// the goroutine that reads the transport, one at a time: OnMessage for
// each message in order, OnUpgrade between messages, then OnClose once,
// last. While one runs, the connection reads nothing, answers no ping:
// return soon. Close may be called from a callback.
type Conn struct {
	opts  Options
	base  *url.URL // scheme http or https, path set, query without EIO/transport/sid
	hs    Handshake
	done  chan struct{}   // closed once every goroutine of the connection ended
	group sync.WaitGroup  // the goroutines that done waits for
	ctx   context.Context // ended when the connection closes: ends requests
	stop  context.CancelFunc

	mu        sync.Mutex
	state     state           // guarded by mu
	reason    CloseReason     // guarded by mu: set with stateClosed
	closeErr  error           // guarded by mu
	tr        transport       // guarded by mu: the transport in use
	buf       []packet.Packet // guarded by mu: waiting to be written
	writing   bool            // guarded by mu: a flush goroutine owns the transport's writes
	paused    bool            // guarded by mu: the upgrade swaps transports; nothing is written
	drained   chan struct{}   // guarded by mu: closed when a flush ends while paused
	pingTimer *time.Timer     // guarded by mu
	// pollEnded is set, and pollCond signalled, when the long-polling
	// reader returned during an upgrade, with pollErr if it failed.
	pollEnded bool       // guarded by mu
	pollErr   error      // guarded by mu
	pollCond  *sync.Cond // on mu
	// probing is set while the upgrade's probe waits for "3probe": the
	// poll loop waits for the probe's outcome before polling again, as a
	// poll sent once the server answered the probe is held by the server
	// until the upgrade completes, which waits for that poll.
	probing bool // guarded by mu; changes signal pollCond
}

// Dial opens an Engine.IO connection to rawURL (http, https, ws or wss;
// the path is taken from Options.Path) and returns once the server's
// handshake is in. ctx bounds the handshake only.
func Dial(ctx context.Context, rawURL string, opts *Options) (*Conn, error) {
	o := opts.withDefaults()
	base, err := baseURL(rawURL, o.Path)
	if err != nil {
		return nil, err
	}
	for _, t := range o.Transports {
		if t != Polling && t != WebSocket {
			return nil, fmt.Errorf("engineio: unknown transport %q", t)
		}
	}
	c := &Conn{opts: o, base: base, done: make(chan struct{})}
	c.pollCond = sync.NewCond(&c.mu)
	c.ctx, c.stop = context.WithCancel(context.Background())
	var tr transport
	var first []packet.Packet // packets that came with the handshake
	switch o.Transports[0] {
	case Polling:
		tr, first, err = c.openPolling(ctx)
	case WebSocket:
		tr, err = c.openWebSocket(ctx)
	}
	if err != nil {
		c.stop()
		close(c.done)
		return nil, err
	}
	c.tr = tr
	c.pingTimer = time.AfterFunc(c.hs.PingInterval+c.hs.PingTimeout, c.pingExpired)
	c.group.Add(1)
	go c.read(tr, first)
	if tr.name() == Polling && !o.NoUpgrade && slices.Contains(c.hs.Upgrades, WebSocket) && slices.Contains(o.Transports[1:], WebSocket) {
		c.group.Add(1)
		go c.upgrade()
	}
	go func() {
		c.group.Wait()
		close(c.done)
	}()
	return c, nil
}

// baseURL makes the URL of the Engine.IO endpoint from the one given.
func baseURL(rawURL, path string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("engineio: bad URL: %w", err)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "http"
	case "https", "wss":
		u.Scheme = "https"
	default:
		return nil, fmt.Errorf("engineio: bad URL %q: the scheme must be http, https, ws or wss", rawURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("engineio: bad URL %q: no host", rawURL)
	}
	u.Path, u.RawPath, u.Fragment = path, "", ""
	return u, nil
}

// requestURL returns the URL of a request over transport, for session sid
// (empty before the handshake).
func (c *Conn) requestURL(transport, sid string, stamp bool) string {
	u := *c.base
	q := u.Query()
	for k, vs := range c.opts.Query {
		q[k] = append(q[k], vs...)
	}
	q.Set("EIO", "4")
	q.Set("transport", transport)
	if sid != "" {
		q.Set("sid", sid)
	}
	if stamp {
		q.Set("t", timestamp())
	}
	u.RawQuery = q.Encode()
	if transport == WebSocket {
		if u.Scheme == "https" {
			u.Scheme = "wss"
		} else {
			u.Scheme = "ws"
		}
	}
	return u.String()
}

var stampMu sync.Mutex
var stampLast, stampSeq int64

// timestamp returns the cache-busting token of a polling request: the
// time in milliseconds, base 36, and a sequence number when two fall in
// the same millisecond (the reference's yeast).
func timestamp() string {
	now := time.Now().UnixMilli()
	stampMu.Lock()
	defer stampMu.Unlock()
	if now != stampLast {
		stampLast, stampSeq = now, 0
		return strconv.FormatInt(now, 36)
	}
	stampSeq++
	return strconv.FormatInt(now, 36) + "." + strconv.FormatInt(stampSeq, 36)
}

// parseHandshake reads an open packet's data.
func (c *Conn) parseHandshake(p packet.Packet) error {
	if p.Type != packet.Open || p.Binary {
		return fmt.Errorf("engineio: handshake: expected an open packet, got %s", p.Type)
	}
	var h struct {
		SID          string   `json:"sid"`
		Upgrades     []string `json:"upgrades"`
		PingInterval int64    `json:"pingInterval"`
		PingTimeout  int64    `json:"pingTimeout"`
		MaxPayload   int      `json:"maxPayload"`
	}
	if err := json.Unmarshal(p.Data, &h); err != nil {
		return fmt.Errorf("engineio: handshake: bad open packet: %w", err)
	}
	if h.SID == "" || h.PingInterval <= 0 || h.PingTimeout <= 0 {
		return fmt.Errorf("engineio: handshake: open packet lacks sid, pingInterval or pingTimeout: %.100s", p.Data)
	}
	c.hs = Handshake{
		SID:          h.SID,
		Upgrades:     h.Upgrades,
		PingInterval: time.Duration(h.PingInterval) * time.Millisecond,
		PingTimeout:  time.Duration(h.PingTimeout) * time.Millisecond,
		MaxPayload:   h.MaxPayload,
	}
	return nil
}

// ID returns the session id the server gave.
func (c *Conn) ID() string { return c.hs.SID }

// Handshake returns what the server's open packet said.
func (c *Conn) Handshake() Handshake { return c.hs }

// Transport returns the name of the transport in use.
func (c *Conn) Transport() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tr.name()
}

// Done is closed once the connection is closed and every goroutine it
// started has ended, OnClose included.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Send queues a message. It never blocks on the network: the messages
// queued are written in order, in batches, by a goroutine that lives while
// there is something to write. m.Data must not be modified afterwards. It
// fails with ErrClosed once the connection is closing.
func (c *Conn) Send(m Message) error {
	return c.push(packet.Packet{Type: packet.Message, Data: m.Data, Binary: m.Binary})
}

// Writable reports whether a message sent now would be written at once:
// the connection is open and no write is under way (the reference's
// transport.writable, which decides whether a volatile message is sent).
func (c *Conn) Writable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == stateOpen && !c.writing && !c.paused
}

func (c *Conn) push(p packet.Packet) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen {
		return ErrClosed
	}
	c.buf = append(c.buf, p)
	c.kickLocked()
	return nil
}

// kickLocked starts a flush goroutine if there is something to write, or
// a close to finish, and none runs. The caller holds c.mu.
func (c *Conn) kickLocked() {
	if c.writing || c.paused || c.state == stateClosed || (len(c.buf) == 0 && c.state != stateClosing) {
		return
	}
	c.writing = true
	c.group.Add(1)
	go c.flush()
}

// flush writes the buffer until it is empty, then ends. It owns the
// transport's writes while c.writing is set.
func (c *Conn) flush() {
	defer c.group.Done()
	for {
		c.mu.Lock()
		if c.state == stateClosed || c.paused || len(c.buf) == 0 {
			c.writing = false
			if c.drained != nil {
				close(c.drained)
				c.drained = nil
			}
			closing := c.state == stateClosing && len(c.buf) == 0
			c.mu.Unlock()
			if closing {
				c.closeWith(ReasonForcedClose, nil, true)
			}
			return
		}
		pkts := c.takeLocked()
		tr := c.tr
		c.mu.Unlock()
		if err := tr.write(pkts); err != nil {
			c.closeWith(ReasonTransportError, err, false)
		}
	}
}

// takeLocked removes from the buffer what one write sends: all of it, or
// on long-polling as many packets as fit in the server's maxPayload
// (always at least one). Packets count at their size in the payload: a
// binary one in base64, which the server's limit counts too (the
// reference estimates it at 1.33 times the data).
func (c *Conn) takeLocked() []packet.Packet {
	n := len(c.buf)
	if c.tr.name() == Polling && c.hs.MaxPayload > 0 && n > 1 {
		size := 0
		for i, p := range c.buf {
			if i > 0 {
				size++ // the separator
			}
			size += packet.TextLen(p)
			if i > 0 && size > c.hs.MaxPayload {
				n = i
				break
			}
		}
	}
	pkts := slices.Clone(c.buf[:n])
	clear(c.buf[:n])
	c.buf = c.buf[n:]
	if len(c.buf) == 0 {
		c.buf = nil
	}
	return pkts
}

// Close closes the connection: what was sent before is written, then the
// server is told. OnClose gets ReasonForcedClose. Close returns at once;
// Done tells when everything has ended.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == stateOpen {
		// A flush ends the connection once the buffer is written: the
		// one under way, one started now, or the upgrade's.
		c.state = stateClosing
		c.kickLocked()
	}
	return nil
}

// closeWith closes the connection for reason, once. The transport's reader
// then ends and calls OnClose. sendClose tells the server.
func (c *Conn) closeWith(reason CloseReason, err error, sendClose bool) {
	c.mu.Lock()
	if c.state == stateClosed {
		c.mu.Unlock()
		return
	}
	c.state, c.reason, c.closeErr = stateClosed, reason, err
	c.pollCond.Broadcast()
	c.pingTimer.Stop()
	c.buf = nil
	tr := c.tr
	c.mu.Unlock()
	tr.close(sendClose) // before stop: a poll under way ends as the server closes
	c.stop()
}

func (c *Conn) pingExpired() {
	c.closeWith(ReasonPingTimeout, nil, false)
}

// read runs tr until it ends, handing packets to the callbacks; first are
// packets that came before (with the handshake). If tr is still the
// connection's transport when it ends, the connection closes and OnClose
// is called here: the reader is the only goroutine that calls callbacks.
func (c *Conn) read(tr transport, first []packet.Packet) {
	defer c.group.Done()
	for _, p := range first {
		if !c.onPacket(p) {
			break
		}
	}
	err := tr.run(c.onPacket)
	c.mu.Lock()
	if c.paused {
		// The upgrade takes over, and calls OnClose if need be.
		c.pollEnded, c.pollErr = true, err
		c.pollCond.Broadcast()
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.finish(err)
}

// finish closes the connection if it is not already, with the reason err
// gives, and calls OnClose. Only the goroutine that owns the callbacks
// calls it.
func (c *Conn) finish(err error) {
	reason := ReasonTransportError
	if errors.Is(err, errServerClosed) {
		reason, err = ReasonTransportClose, nil
	}
	c.closeWith(reason, err, false)
	c.mu.Lock()
	reason, err = c.reason, c.closeErr
	c.mu.Unlock()
	if c.opts.OnClose != nil {
		c.opts.OnClose(reason, err)
	}
}

// onPacket handles one packet from the server. It returns false once the
// connection is closed, to stop the reading.
func (c *Conn) onPacket(p packet.Packet) bool {
	c.mu.Lock()
	open := c.state != stateClosed
	c.mu.Unlock()
	if !open {
		return false
	}
	switch p.Type {
	case packet.Ping:
		c.mu.Lock()
		c.pingTimer.Reset(c.hs.PingInterval + c.hs.PingTimeout)
		if c.state != stateClosed {
			c.buf = append(c.buf, packet.Packet{Type: packet.Pong})
			c.kickLocked()
		}
		c.mu.Unlock()
	case packet.Message:
		if c.opts.OnMessage != nil {
			c.opts.OnMessage(Message{Data: p.Data, Binary: p.Binary})
		}
	case packet.Close:
		c.closeWith(ReasonTransportClose, nil, false)
		return false
	}
	// Other types (open, pong, upgrade, noop) mean nothing here.
	return true
}

// serverError is the body of a refused request: {"code":N,"message":"..."}.
func serverError(status string, body []byte) error {
	var e struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Code != nil {
		return &HTTPError{Status: status, Code: *e.Code, Message: e.Message}
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return &HTTPError{Status: status, Code: -1, Message: msg}
}
