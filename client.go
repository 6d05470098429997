package socketio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/parser"
)

// client is one client connection (an Engine.IO session) and the sockets
// it multiplexes, one per namespace: the reference's Client.
//
// Its OnMessage runs on the session's delivery path, which reads the
// transport. It decodes there and answers acknowledgements as they come
// (onAck); every other packet (events, connects, disconnects) goes to the
// connection's handler goroutine, which handles them one at a time, in
// the order the client sent them. So a handler that waits on the client (an
// EmitWithAck) waits while the transport is still read, and gets its
// acknowledgement. The goroutine starts when a packet arrives and ends
// when none is left: an idle connection has none. On a WebSocket that the
// poller reads it is the worker that read the packet, once it has handed
// the connection back (engineio.Session.Defer); otherwise a new one.
type client struct {
	srv *Server
	es  *engineio.Session
	dec parser.Decoder // used only from OnMessage
	// v4 marks a client of Socket.IO protocol v4, the one socket.io-client
	// 2.x speaks over Engine.IO v3 (protocol.go); never changes.
	v4 bool

	mu     sync.Mutex
	closed bool // guarded by mu
	// busy is what the connection holds only while it is busy (a connect
	// timeout running, packets for the handler goroutine); nil otherwise,
	// so that an idle connection is 64 bytes.
	busy *clientBusy // guarded by mu
	// sockets are the connection's sockets, one per namespace. The list
	// is copy-on-write, replaced under mu (a connection joins few
	// namespaces), so that dispatching a packet reads it without locking;
	// nil while there are none.
	sockets atomic.Pointer[[]*Socket]
}

// clientBusy is the state of a busy connection. Its fields are guarded by
// the client's mu.
type clientBusy struct {
	timer *time.Timer // the connect timeout, until a namespace is joined
	// queue is what waits for the handler goroutine, in order.
	queue []*parser.Packet
	head  int // the next item of queue
	// queued is what the queue holds, in bytes (see packetCost); room is
	// signalled when the handler goroutine takes from a full queue.
	queued  int
	room    sync.Cond // on the client's mu
	waiters int       // pushes waiting for room: the state is not released meanwhile
	// running is set while a handler goroutine owns the queue: it is the
	// only one that takes from it.
	running bool
	// closing is why the session closed while the handler goroutine had
	// work: it disconnects the sockets once the packets that came before
	// the close are handled.
	closing *closeCause
}

// closeCause is why a connection closed.
type closeCause struct {
	reason DisconnectReason
	desc   error
}

var busyPool = sync.Pool{New: func() any { return new(clientBusy) }}

// busyLocked returns the connection's busy state, made if needed.
func (c *client) busyLocked() *clientBusy {
	if c.busy == nil {
		c.busy = busyPool.Get().(*clientBusy)
		c.busy.room.L = &c.mu
	}
	return c.busy
}

// idleLocked releases the busy state once nothing is left in it.
func (c *client) idleLocked() {
	b := c.busy
	if b == nil || b.timer != nil || b.running || b.head < len(b.queue) || b.closing != nil || b.waiters > 0 {
		return
	}
	c.busy = nil
	if cap(b.queue) <= 64 {
		b.queue = b.queue[:0]
	} else {
		b.queue = nil
	}
	b.room.L = nil
	busyPool.Put(b)
}

func newClient(srv *Server, es *engineio.Session) *client {
	return &client{srv: srv, es: es, dec: srv.cfg.Parser.NewDecoder(), v4: es.Protocol() == 3}
}

// startConnectTimeout closes the connection if it joins no namespace in
// time.
func (c *client) startConnectTimeout() {
	c.mu.Lock()
	c.busyLocked().timer = time.AfterFunc(c.srv.cfg.ConnectTimeout, c.onConnectTimeout)
	c.mu.Unlock()
}

// stopConnectTimeoutLocked stops the connect timeout, if it runs.
func (c *client) stopConnectTimeoutLocked() {
	if b := c.busy; b != nil && b.timer != nil {
		b.timer.Stop()
		b.timer = nil
		c.idleLocked()
	}
}

// onConnectTimeout closes a connection that joined no namespace in time.
func (c *client) onConnectTimeout() {
	c.mu.Lock()
	idle := len(c.socketList()) == 0 && !c.closed
	c.mu.Unlock()
	if idle {
		c.closeForced()
	}
}

// OnMessage decodes a message and hands the packet it completes on.
func (c *client) OnMessage(m engineio.Message) {
	p, err := c.dec.Add(m.Data, m.Binary)
	if err != nil {
		// As the reference: the sockets hear of the error, and the
		// connection is closed.
		for _, s := range c.socketList() {
			s.reportError(err)
		}
		c.es.Close()
		return
	}
	if p == nil {
		return
	}
	if c.v4 {
		fromV4(p)
	}
	if p.Type == parser.Ack {
		if s := c.socketFor(p.Namespace); s != nil {
			c.onAck(s, p)
			return
		}
	}
	c.push(p)
}

// onAck answers an acknowledgement as it arrives, as the reference does:
// at once if an EmitWithAck waits for it, else on a goroutine of its own,
// so that the application's AckHandler may block or wait for the client
// too, and need not wait for a handler that may be waiting for it.
func (c *client) onAck(s *Socket, p *parser.Packet) {
	a := s.takeAck(p.ID)
	if a == nil {
		return
	}
	args := parser.NewArgs(p.Data, p.Attachments)
	if a.waiter {
		s.guard(func() error { a.fn(args, nil); return nil })
		return
	}
	c.srv.handlers.Add(1)
	go func() {
		defer c.srv.handlers.Done()
		s.guard(func() error { a.fn(args, nil); return nil })
	}()
}

// push queues p for the handler goroutine, starting it if none runs. When
// the queue is full (maxQueuedIn) it waits for room: a client that sends
// faster than its handlers go is read no faster than they go.
func (c *client) push(p *parser.Packet) {
	cost := packetCost(p)
	c.mu.Lock()
	for {
		if c.closed {
			c.idleLocked()
			c.mu.Unlock()
			return
		}
		b := c.busyLocked()
		if b.queued == 0 || b.queued+cost <= maxQueuedIn {
			break
		}
		b.waiters++
		b.room.Wait()
		b.waiters--
	}
	b := c.busy
	b.queue = append(b.queue, p)
	b.queued += cost
	start := !b.running
	b.running = true
	c.mu.Unlock()
	if start {
		c.srv.handlers.Add(1)
		// On a WebSocket, the goroutine reading it runs the handlers once
		// it has handed the connection back: no goroutine to start, and
		// the next messages are read by others meanwhile.
		if !c.es.Defer(c.run) {
			go c.run()
		}
	}
}

// run is the handler goroutine: it handles the queue until it is empty,
// then disconnects the sockets if the session closed meanwhile.
func (c *client) run() {
	defer c.srv.handlers.Done()
	defer func() {
		// User code runs guarded (Socket.guard); what is left is a
		// namespace's OfFunc test, or a bug of ours: as net/http does
		// with a handler, log it and close this connection alone.
		if v := recover(); v != nil {
			c.srv.cfg.Logger.Error("socketio: panic handling a packet", "sid", c.es.ID(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			c.mu.Lock()
			b := c.busy
			b.running = false
			closing := b.closing
			b.closing = nil
			b.drop()
			c.idleLocked()
			c.mu.Unlock()
			c.closeForced()
			if closing != nil {
				c.srv.untrack(c)
			}
		}
	}()
	for {
		c.mu.Lock()
		b := c.busy
		if b.head == len(b.queue) {
			b.running = false
			closing := b.closing
			b.closing = nil
			c.idleLocked()
			c.mu.Unlock()
			if closing != nil {
				c.closeSockets(closing.reason, closing.desc)
				c.srv.untrack(c)
			}
			return
		}
		p := b.queue[b.head]
		b.queue[b.head] = nil
		b.queued -= packetCost(p)
		b.room.Broadcast()
		if b.head++; b.head == len(b.queue) {
			b.queue, b.head = b.queue[:0], 0
		}
		c.mu.Unlock()
		c.dispatch(p)
	}
}

func (c *client) dispatch(p *parser.Packet) {
	s := c.socketFor(p.Namespace)
	switch {
	case s == nil && p.Type == parser.Connect:
		c.connect(p.Namespace, p.Data)
	case s != nil && p.Type != parser.Connect && p.Type != parser.ConnectError:
		s.onPacket(p)
	default:
		// A packet for a namespace not joined, a second CONNECT, or a
		// CONNECT_ERROR from the client: the reference closes.
		c.closeForced()
	}
}

// connect handles a CONNECT for the namespace name.
func (c *client) connect(name string, auth json.RawMessage) {
	if len(auth) == 0 {
		auth = json.RawMessage("{}") // as the reference: no payload is an empty object
	}
	n := c.srv.lookup(name, auth)
	if n == nil {
		// An object, whatever the protocol, as in the reference.
		c.writePacket(&parser.Packet{Type: parser.ConnectError, Namespace: name, Data: []byte(`{"message":"Invalid namespace"}`)}, false, false)
		return
	}
	n.add(c, auth)
}

// joined records s as the connection's socket in its namespace.
func (c *client) joined(s *Socket) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	l := slices.DeleteFunc(slices.Clone(c.socketList()), func(o *Socket) bool { return o.nsp.name == s.nsp.name })
	c.setSockets(append(l, s))
	c.stopConnectTimeoutLocked()
	return true
}

// left forgets s.
func (c *client) left(s *Socket) {
	c.mu.Lock()
	if old := c.socketList(); slices.Contains(old, s) {
		c.setSockets(slices.DeleteFunc(slices.Clone(old), func(o *Socket) bool { return o == s }))
	}
	c.mu.Unlock()
}

// socketList returns the connection's sockets; the slice must not be
// modified.
func (c *client) socketList() []*Socket {
	if l := c.sockets.Load(); l != nil {
		return *l
	}
	return nil
}

// socketFor returns the connection's socket in the namespace, or nil.
func (c *client) socketFor(nsp string) *Socket {
	for _, s := range c.socketList() {
		if s.nsp.name == nsp {
			return s
		}
	}
	return nil
}

// setSockets replaces the list: under mu, once c is shared.
func (c *client) setSockets(l []*Socket) {
	if len(l) == 0 {
		c.sockets.Store(nil)
		return
	}
	c.sockets.Store(&l)
}

func (c *client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// OnClose disconnects every socket of the connection. When the handler
// goroutine still has packets that came before the close, it handles them
// first and disconnects the sockets after them; an EmitWithAck waiting
// meanwhile fails at once with ErrDisconnected, since no acknowledgement
// can come any more.
func (c *client) OnClose(reason engineio.CloseReason, desc error) {
	r := reasonFromEngine(reason)
	c.mu.Lock()
	if b := c.busy; b != nil && b.running {
		if b.closing == nil {
			b.closing = &closeCause{r, desc}
		}
		sockets := c.socketList()
		c.mu.Unlock()
		for _, s := range sockets {
			s.failWaiters()
		}
		return
	}
	c.mu.Unlock()
	c.closeSockets(r, desc)
	c.srv.untrack(c)
}

// closeSockets marks the connection closed and disconnects its sockets at
// once; the packets not yet handled are dropped.
func (c *client) closeSockets(reason DisconnectReason, desc error) {
	c.mu.Lock()
	c.closed = true
	c.stopConnectTimeoutLocked()
	if b := c.busy; b != nil {
		b.drop()
	}
	sockets := c.socketList()
	c.setSockets(nil)
	c.mu.Unlock()
	for _, s := range sockets {
		s.onClose(reason, desc)
	}
}

// closeForced closes the connection with "forced server close".
func (c *client) closeForced() {
	c.closeSockets(ReasonForcedServerClose, nil)
	c.es.Close()
}

// disconnectAll is Socket.Close: every socket of the connection
// leaves its namespace with a DISCONNECT, then the connection closes.
func (c *client) disconnectAll() {
	for _, s := range c.socketList() {
		s.Disconnect()
	}
	c.es.Close()
}

// writePacket encodes p and queues its messages.
func (c *client) writePacket(p *parser.Packet, volatile, noCompress bool) error {
	frames, err := c.srv.cfg.Parser.Encode(p)
	if err != nil {
		return err
	}
	return c.writeFrames(frames, volatile, noCompress)
}

// writeFrames queues encoded messages, in one piece. A volatile packet is
// dropped when the transport cannot send it at once (see
// engineio.Session.Writable), as the reference does.
func (c *client) writeFrames(frames []parser.Frame, volatile, noCompress bool) error {
	if volatile && !c.es.Writable() {
		return nil
	}
	if len(frames) == 1 { // the common case: no attachments, no slice to allocate
		f := frames[0]
		return c.es.Send(engineio.Message{Data: f.Data, Binary: f.Binary, NoCompress: noCompress})
	}
	msgs := make([]engineio.Message, len(frames))
	for i, f := range frames {
		msgs[i] = engineio.Message{Data: f.Data, Binary: f.Binary, NoCompress: noCompress}
	}
	return c.es.SendBatch(msgs)
}

// writeData encodes p, whose Data is set, and queues its messages. The
// parser's Appender writes the first message into a buffer of its own;
// a parser without one encodes p with Encode. p's Data is not kept.
func (c *client) writeData(p *parser.Packet, volatile, noCompress bool) error {
	ap, ok := c.srv.cfg.Parser.(parser.Appender)
	if !ok {
		// Through the interface goes a copy, which the parser's frames
		// may share: p and its data stay its caller's.
		q := *p
		q.Data = bytes.Clone(p.Data)
		return c.writePacket(&q, volatile, noCompress)
	}
	// Room for the default parser's message; another grows it as it
	// needs.
	size := 1 + len(p.Data)
	if p.Namespace != "/" {
		size += len(p.Namespace) + 1
	}
	if len(p.Attachments) > 0 {
		size += 4
	}
	if p.HasID {
		for n := p.ID; ; n /= 10 {
			size++
			if n < 10 {
				break
			}
		}
	}
	first, more, err := ap.AppendEncode(make([]byte, 0, size), *p)
	if err != nil {
		return err
	}
	if !more {
		return c.writeFrames([]parser.Frame{first}, volatile, noCompress)
	}
	frames := make([]parser.Frame, 0, 1+len(p.Attachments))
	frames = append(frames, first)
	for _, a := range p.Attachments {
		frames = append(frames, parser.Frame{Data: a, Binary: true})
	}
	return c.writeFrames(frames, volatile, noCompress)
}

// maxQueuedIn bounds what a connection's queue holds for its handler
// goroutine. Before handlers ran on that goroutine, a slow handler kept the
// transport from being read at all; the bound keeps that backpressure for
// a client that sends faster than its handlers go, while letting the
// acknowledgements that a handler may be waiting for through.
const maxQueuedIn = 1 << 20

// packetCost is what a queued packet counts against maxQueuedIn: its data
// and the packet itself.
func packetCost(p *parser.Packet) int {
	n := len(p.Data) + 256
	for _, a := range p.Attachments {
		n += len(a)
	}
	return n
}

// drop empties the queue, waking the pushes that wait for room. The
// caller holds the client's mu.
func (b *clientBusy) drop() {
	clear(b.queue)
	b.queue, b.head, b.queued = b.queue[:0], 0, 0
	b.room.Broadcast()
}
