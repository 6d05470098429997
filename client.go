package socketio

import (
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/parser"
)

// client is one client connection (an Engine.IO session) and the sockets
// it multiplexes, one per namespace: the reference's Client. Its OnMessage
// runs on the session's delivery path, one message at a time: that is where
// every event handler of its sockets runs, in the order the client sent the
// events.
type client struct {
	srv *Server
	es  *engineio.Session
	dec parser.Decoder // used only from OnMessage

	mu     sync.Mutex
	closed bool        // guarded by mu
	timer  *time.Timer // connect timeout; guarded by mu
	// sockets are the connection's sockets, one per namespace. The list
	// is copy-on-write, replaced under mu (a connection joins few
	// namespaces), so that dispatching a packet reads it without locking;
	// nil while there are none.
	sockets atomic.Pointer[[]*Socket]
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

// OnMessage decodes a message and acts on the packet it completes.
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
	if p != nil {
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
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
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

// OnClose disconnects every socket of the connection.
func (c *client) OnClose(reason engineio.CloseReason, desc error) {
	c.closeSockets(reasonFromEngine(reason), desc)
	c.srv.untrack(c)
}

// closeSockets marks the connection closed and disconnects its sockets.
func (c *client) closeSockets(reason DisconnectReason, desc error) {
	c.mu.Lock()
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
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

// disconnectAll is Socket.Disconnect(true): every socket of the connection
// leaves its namespace with a DISCONNECT, then the connection closes.
func (c *client) disconnectAll() {
	for _, s := range c.socketList() {
		s.Disconnect(false)
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

// writeText queues the message that startText and finishText made for p,
// and p's attachments after it. A parser other than the default one
// encodes p itself.
func (c *client) writeText(p *parser.Packet, text []byte, volatile, noCompress bool) error {
	if _, ok := c.srv.cfg.Parser.(*parser.JSON); !ok {
		q := *p // through the interface goes a copy: p stays on its caller's stack
		return c.writePacket(&q, volatile, noCompress)
	}
	if len(p.Attachments) == 0 {
		return c.writeFrames([]parser.Frame{{Data: text}}, volatile, noCompress)
	}
	frames := make([]parser.Frame, 0, 1+len(p.Attachments))
	frames = append(frames, parser.Frame{Data: text})
	for _, a := range p.Attachments {
		frames = append(frames, parser.Frame{Data: a, Binary: true})
	}
	return c.writeFrames(frames, volatile, noCompress)
}
