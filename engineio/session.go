package engineio

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/websocket"
)

// Message is the payload of one Engine.IO message packet.
type Message struct {
	// Data is the message. A received message's Data belongs to the
	// receiver. A sent message's Data must not be modified after Send.
	Data []byte
	// Binary marks raw bytes; otherwise Data is UTF-8 text.
	Binary bool
	// NoCompress, on a sent message, asks that it not be compressed
	// (Socket.IO's compress(false)).
	NoCompress bool
}

// A Handler answers the sessions of a Server.
type Handler interface {
	// OpenSession is called once for each new session, before the response
	// that opens it is written and before any of its messages arrive. The
	// returned SessionHandler receives the session's messages and its end.
	// It may call s.Send and s.Close.
	OpenSession(s *Session) SessionHandler
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(s *Session) SessionHandler

// OpenSession calls f(s).
func (f HandlerFunc) OpenSession(s *Session) SessionHandler { return f(s) }

// A SessionHandler receives the events of one session.
//
// Its methods are never called concurrently with each other: OnMessage is
// called for each message in the order the client sent them, and OnClose
// exactly once, after the last OnMessage. They are called without any lock
// of the library held and may block, which delays the reading of that
// session's next messages.
type SessionHandler interface {
	OnMessage(m Message)
	OnClose(reason CloseReason, description error)
}

// SessionFuncs adapts two functions to SessionHandler; a nil field ignores
// its event.
type SessionFuncs struct {
	Message func(m Message)
	Close   func(reason CloseReason, description error)
}

// OnMessage calls f.Message.
func (f SessionFuncs) OnMessage(m Message) {
	if f.Message != nil {
		f.Message(m)
	}
}

// OnClose calls f.Close.
func (f SessionFuncs) OnClose(r CloseReason, d error) {
	if f.Close != nil {
		f.Close(r, d)
	}
}

type sessionState uint8

const (
	stateOpen sessionState = iota
	stateClosing
	stateClosed
)

type outPacket struct {
	packet.Packet
	noCompress bool
	prep       *PreparedMessage // set for a message framed once for many sessions
}

// PreparedMessage is a message to send to many sessions (a broadcast):
// over WebSocket it is framed once, on first use, and every session writes
// the same bytes. It is safe for concurrent use.
type PreparedMessage struct {
	msg  Message
	once sync.Once
	ws   *websocket.Prepared
	// v3 is a binary message framed for Engine.IO v3 sessions, which
	// type their binary frames: made on first use, as ws.
	v3once sync.Once
	v3     *websocket.Prepared
}

// NewPreparedMessage prepares m. Its Data must not be modified afterwards.
func NewPreparedMessage(m Message) *PreparedMessage { return &PreparedMessage{msg: m} }

// wsFrame returns the message framed for WebSocket, for a session of
// Engine.IO v3 or v4.
func (pm *PreparedMessage) wsFrame(v3 bool) *websocket.Prepared {
	if v3 && pm.msg.Binary {
		pm.v3once.Do(func() {
			pm.v3 = websocket.NewPrepared(true, byte(packet.Message), pm.msg.Data)
		})
		return pm.v3
	}
	pm.once.Do(func() {
		var prefix byte
		if !pm.msg.Binary {
			prefix = '0' + byte(packet.Message)
		}
		pm.ws = websocket.NewPrepared(pm.msg.Binary, prefix, pm.msg.Data)
	})
	return pm.ws
}

// Session is one Engine.IO session: a client connection that may move from
// long-polling to WebSocket. All its methods are safe for concurrent use.
type Session struct {
	// The fields are ordered so that the small ones fill alignment gaps:
	// the struct is one of every connection's largest objects. It took
	// 320 bytes, then 256 once ordered so, and 176 since each transport
	// keeps its state in an object of its own (transport.go).
	id  string
	srv *Server
	req *http.Request

	h SessionHandler // set before the session is reachable; never changes

	// readMu serializes calls into h, so that a POST still being handled
	// and a WebSocket reader cannot deliver at the same time. Only
	// deliverers hold it while calling OnMessage; the close notification
	// only ever TryLocks it (see notifyClose).
	readMu        sync.Mutex
	closed        atomic.Bool
	closeNotified atomic.Bool
	// v3 marks a session of Engine.IO revision 3 (Options.AllowEIO3); set
	// before the session is reachable, never changed.
	v3 bool

	mu sync.Mutex // guards every field below, and the transports' state
	// state moves open -> closing -> closed, or open -> closed.
	state sessionState
	// awaitingPong: the heartbeat timer waits for a pong, not for the
	// time to ping.
	awaitingPong bool
	// done is made by Done, the first time: most sessions are never asked,
	// and a channel is 96 bytes of every idle connection. It is closed
	// when the session has closed; made after that, it is closedChan.
	done chan struct{}
	// ended is why the session closed, set as it does: a pointer, since
	// an open session has no use for the three words.
	ended *closeCause

	// t carries the queue to the client and the client's packets to the
	// session: long-polling or WebSocket. Set before the session is
	// reachable; only a completed upgrade replaces it.
	t transport

	queue      []outPacket // waiting to be written, in order
	queueBytes int         // the queue's data
	// inflight is the data a WebSocket writer took from the queue and has
	// not written yet: it waits as much as the queue does, and counts
	// against MaxQueuedBytes with it.
	inflight int
	// charged is what the queue and inflight cost the server's budget.
	charged int64
	// progress is when the backlog last moved (the socket took some of
	// it, a poll took it, or it started), as nanoseconds of the monotonic
	// clock (nanotime): the sessions stalled for three seconds are cut when the
	// budget is exhausted. Atomic: a blocking write stores it as it goes,
	// without s.mu.
	progress atomic.Int64

	// heartbeat: one timer, waiting either for the next ping or for a pong
	// (awaitingPong).
	hbTimer *time.Timer
}

// closeCause is why a session closed, for its handler's OnClose.
type closeCause struct {
	reason      CloseReason
	description error
}

// newSession returns a session for the handshake r; the caller gives it
// its transport before anything else.
func newSession(srv *Server, id string, r *http.Request, v3 bool) *Session {
	return &Session{id: id, srv: srv, req: detach(r), v3: v3}
}

// ID returns the session id, a 20-character URL-safe string.
func (s *Session) ID() string { return s.id }

// Request returns the HTTP request that opened the session, as a copy
// without its body. Its context holds every value of the request's
// context, those put there by middleware and http.Server.ConnContext
// included, but is never done: net/http cancels the request's context
// when its handler returns, which over WebSocket is as soon as the
// connection is taken over. It must not be modified.
func (s *Session) Request() *http.Request { return s.req }

// RemoteAddr returns the network address of the client that opened the
// session, as in http.Request.RemoteAddr.
func (s *Session) RemoteAddr() string { return s.req.RemoteAddr }

// Protocol returns the Engine.IO protocol revision of the session: 4, or
// 3 for a client of the earlier revision (Options.AllowEIO3).
func (s *Session) Protocol() int {
	if s.v3 {
		return 3
	}
	return 4
}

// Transport returns the transport the session currently uses.
func (s *Session) Transport() Transport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t.kind()
}

// Upgraded reports whether the session moved from polling to WebSocket.
func (s *Session) Upgraded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.t.(*wsTransport)
	return ok && w.from != nil
}

// pollingTransport returns the session's transport if it is long-polling,
// else nil.
func (s *Session) pollingTransport() *polling {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _ := s.t.(*polling)
	return p
}

// Done returns a channel that is closed when the session has closed.
func (s *Session) Done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		// closeNow sets closed before it takes mu to close done.
		if s.closed.Load() {
			return closedChan
		}
		s.done = make(chan struct{})
	}
	return s.done
}

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Writable reports whether a message sent now would go out at once: on
// WebSocket, no write is in progress and nothing waits; on polling, a GET
// is pending and nothing waits. Socket.IO drops volatile packets when it
// is false, as the reference does.
func (s *Session) Writable() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen || len(s.queue) > 0 {
		return false
	}
	if b := &s.srv.budget; b.used.Load() >= b.limit {
		return false // a volatile packet is dropped rather than wait or cut
	}
	return s.t.writableLocked()
}

// QueuedBytes returns how many bytes wait to be written to the client:
// queued, or taken by a write that has not completed.
func (s *Session) QueuedBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queueBytes + s.inflight
}

// Send queues a message for the client and returns without waiting for the
// network. Messages are delivered in the order of the Send calls. It fails
// with ErrClosed once the session is closing, and with ErrQueueFull when the
// client does not keep up (the session is then closed).
//
// When the server's budget (Options.MaxServerQueuedBytes) is exhausted,
// Send waits for the server's writers to make room; every 100 ms without
// room, the sessions whose backlogs have not moved for three seconds are closed
// (ErrServerQueueFull), and Send fails with ErrServerQueueFull if this
// session was one of them.
func (s *Session) Send(m Message) error {
	return s.SendBatch([]Message{m})
}

// SendBatch queues messages that must reach the client one after the
// other, with no message of another Send between them (a Socket.IO packet
// and its binary attachments). It behaves as Send otherwise.
func (s *Session) SendBatch(ms []Message) error {
	n := 0
	for _, m := range ms {
		n += len(m.Data)
	}
	return s.enqueueAll(n, 0, len(ms), func(q []outPacket) []outPacket {
		for _, m := range ms {
			q = append(q, outPacket{Packet: packet.Packet{Type: packet.Message, Data: m.Data, Binary: m.Binary}, noCompress: m.NoCompress})
		}
		return q
	})
}

// SendPrepared is SendBatch for prepared messages.
func (s *Session) SendPrepared(pms []*PreparedMessage) error {
	n := 0
	for _, pm := range pms {
		n += len(pm.msg.Data)
	}
	// Charged twice: the message and, once framed, its frame; a client
	// that stopped reading keeps both alive on its own.
	return s.enqueueAll(n, n, len(pms), func(q []outPacket) []outPacket {
		for _, pm := range pms {
			m := pm.msg
			q = append(q, outPacket{Packet: packet.Packet{Type: packet.Message, Data: m.Data, Binary: m.Binary}, noCompress: m.NoCompress, prep: pm})
		}
		return q
	})
}

// enqueueAll appends count packets of n bytes to the queue with add, or
// fails as Send does. extra is what they cost the budget beyond their data
// and their slots.
func (s *Session) enqueueAll(n, extra, count int, add func([]outPacket) []outPacket) error {
	c := int64(n + extra + count*packetOverhead)
	b := &s.srv.budget
	if !b.reserve(c) {
		if err := s.srv.makeRoom(s, c); err != nil {
			return err
		}
	}
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		b.release(c)
		return ErrClosed
	}
	if s.queueBytes+s.inflight+n > s.srv.cfg.MaxQueuedBytes {
		s.mu.Unlock()
		b.release(c)
		// The caller is emitting, perhaps to many sessions, perhaps
		// holding a lock of its own: this session's handler hears of the
		// close on another goroutine, not inside Send.
		s.close(ReasonTransportError, ErrQueueFull, true)
		return ErrQueueFull
	}
	s.queue = add(s.queue)
	s.queueBytes += n
	s.addChargeLocked(c)
	s.t.kickLocked()
	s.mu.Unlock()
	return nil
}

// enqueueLocked appends a control packet to the queue, charged to the
// budget without waiting, and makes sure someone writes it.
func (s *Session) enqueueLocked(p outPacket) {
	s.chargeLocked(p)
	s.queue = append(s.queue, p)
	s.queueBytes += len(p.Data)
	s.t.kickLocked()
}

// chargeLocked charges a control packet to the budget, whether it fits or
// not.
func (s *Session) chargeLocked(p outPacket) {
	c := int64(len(p.Data) + packetOverhead)
	s.addChargeLocked(c)
	s.srv.budget.force(c)
}

// Close closes the session gracefully: what is queued is delivered, then
// the transport is closed and the handler gets ReasonForcedClose. Over
// long-polling the close packet waits for the client's next poll, at most
// Options.CloseTimeout. Close returns at once; Done tells when it is over.
func (s *Session) Close() {
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return
	}
	s.state = stateClosing
	s.stopHeartbeatLocked()
	s.t.drainLocked()
	s.mu.Unlock()
}

// closeNow closes the session at once, dropping what is queued. The first
// call wins; later calls do nothing.
func (s *Session) closeNow(reason CloseReason, description error) {
	s.close(reason, description, false)
}

// close is closeNow; with asyncNotify the handler's OnClose is called on a
// new goroutine instead of the caller's.
func (s *Session) close(reason CloseReason, description error, asyncNotify bool) {
	s.mu.Lock()
	if s.state == stateClosed {
		s.mu.Unlock()
		return
	}
	s.state = stateClosed
	cause := &closeCause{reason, description}
	s.ended = cause
	s.stopHeartbeatLocked()
	t := s.t
	s.queue, s.queueBytes, s.inflight = nil, 0, 0
	charged := s.charged
	s.charged = 0
	s.mu.Unlock()
	s.srv.budget.release(charged)

	t.close(cause)
	s.srv.remove(s)
	s.closed.Store(true)
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done != nil {
		close(done)
	}
	if asyncNotify {
		s.srv.goTracked(s.notifyClose)
		return
	}
	s.notifyClose()
}

// notifyClose calls OnClose once the session is closed and no delivery is
// in progress. A deliverer calls it after releasing readMu, and so does
// closeNow: whichever comes last finds readMu free and does the call.
func (s *Session) notifyClose() {
	for s.closed.Load() && !s.closeNotified.Load() {
		if !s.readMu.TryLock() {
			return // the holder calls notifyClose when it is done
		}
		notify := s.closeNotified.CompareAndSwap(false, true)
		if notify {
			s.mu.Lock()
			ended := s.ended
			s.mu.Unlock()
			s.safeCall(func() { s.h.OnClose(ended.reason, ended.description) })
		}
		s.readMu.Unlock()
	}
}

// safeCall runs user code, turning a panic into a log line.
func (s *Session) safeCall(f func()) (panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			panicked = true
			s.srv.cfg.Logger.Error("engineio: panic in session handler", "sid", s.id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	f()
	return false
}

// errStop ends a payload's processing after a packet that closes the
// session.
var errStop = errors.New("stop")

// handlePacket acts on one packet from the client. It is called with
// readMu held. A non-nil result closes the session with the returned reason.
func (s *Session) handlePacket(p packet.Packet) (CloseReason, error) {
	if s.closed.Load() {
		return 0, errStop
	}
	switch p.Type {
	case packet.Message:
		s.mu.Lock()
		open := s.state == stateOpen
		s.mu.Unlock()
		if !open {
			return 0, nil
		}
		if s.safeCall(func() { s.h.OnMessage(Message{Data: p.Data, Binary: p.Binary}) }) {
			return ReasonTransportError, errors.New("engineio: panic in message handler")
		}
	case packet.Pong:
		if s.v3 {
			return ReasonTransportError, errHeartbeatDir
		}
		s.onPong()
	case packet.Ping:
		if !s.v3 {
			return ReasonTransportError, errHeartbeatDir
		}
		s.onPingV3()
	case packet.Close:
		return ReasonTransportClose, errClientClose
	case packet.Open:
		return ReasonParseError, errOpenFromClient
	default:
		// upgrade and noop mean nothing here, and the reference ignores
		// them; with data they are no packet of this revision (a v3
		// payload's length, read as v4), and the session ends.
		if len(p.Data) > 0 {
			return ReasonParseError, fmt.Errorf("%w: %s packet with data", packet.ErrInvalidPacket, p.Type)
		}
	}
	return 0, nil
}

// startHeartbeat arms the first ping. In revision 3 the client pings: the
// timer waits for its ping, pingInterval + pingTimeout, as the reference's
// does, and is reset by each one (onPingV3).
func (s *Session) startHeartbeat() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen {
		return
	}
	cfg := s.srv.cfg
	if s.v3 {
		s.awaitingPong = true // what the timer waits for is the client
		s.hbTimer = time.AfterFunc(cfg.PingInterval+cfg.PingTimeout, s.onHeartbeat)
		return
	}
	s.hbTimer = time.AfterFunc(cfg.PingInterval, s.onHeartbeat)
}

// onHeartbeat runs when the heartbeat timer fires: either it is time to
// ping, or the pong is late.
func (s *Session) onHeartbeat() {
	s.mu.Lock()
	if s.state != stateOpen || s.hbTimer == nil {
		s.mu.Unlock()
		return
	}
	if s.awaitingPong {
		s.mu.Unlock()
		s.closeNow(ReasonPingTimeout, nil)
		return
	}
	s.awaitingPong = true
	s.hbTimer.Reset(s.srv.cfg.PingTimeout)
	s.enqueueLocked(outPacket{Packet: packet.Packet{Type: packet.Ping}})
	s.mu.Unlock()
}

func (s *Session) onPong() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.awaitingPong && s.hbTimer != nil {
		s.awaitingPong = false
		s.hbTimer.Reset(s.srv.cfg.PingInterval)
	}
}

// onPingV3 answers a revision 3 client's ping with a pong and restarts
// the wait for the next one.
func (s *Session) onPingV3() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen || s.hbTimer == nil {
		return
	}
	cfg := s.srv.cfg
	s.hbTimer.Reset(cfg.PingInterval + cfg.PingTimeout)
	s.enqueueLocked(outPacket{Packet: packet.Packet{Type: packet.Pong}})
}

func (s *Session) stopHeartbeatLocked() {
	if s.hbTimer != nil {
		s.hbTimer.Stop()
		s.hbTimer = nil
	}
}

// openPacket is the handshake packet of a new session.
func (s *Session) openPacket() outPacket {
	cfg := s.srv.cfg
	b := make([]byte, 0, 128)
	b = append(b, `{"sid":"`...)
	b = append(b, s.id...)
	b = append(b, `","upgrades":[`...)
	for i, u := range cfg.upgrades(s.t.kind()) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, u...)
		b = append(b, '"')
	}
	b = append(b, `],"pingInterval":`...)
	b = appendInt(b, cfg.PingInterval.Milliseconds())
	b = append(b, `,"pingTimeout":`...)
	b = appendInt(b, cfg.PingTimeout.Milliseconds())
	b = append(b, `,"maxPayload":`...)
	b = appendInt(b, cfg.MaxHTTPBufferSize)
	b = append(b, '}')
	return outPacket{Packet: packet.Packet{Type: packet.Open, Data: b}}
}

// open queues the handshake, hands the session to the handler and starts
// the heartbeat. The caller registers the session afterwards.
func (s *Session) open() {
	s.mu.Lock()
	op := s.openPacket()
	s.chargeLocked(op)
	s.queue = append(s.queue, op)
	if p := s.srv.cfg.InitialPacket; p != "" {
		ip := outPacket{Packet: packet.Packet{Type: packet.Message, Data: []byte(p)}}
		s.chargeLocked(ip)
		s.queue = append(s.queue, ip)
	}
	s.mu.Unlock()
	var h SessionHandler
	if s.safeCall(func() { h = s.srv.handler.OpenSession(s) }) || h == nil {
		h = SessionFuncs{}
	}
	s.h = h
	s.startHeartbeat()
}

// Defer, called from OnMessage, has f run once the transport that
// delivered the message has been read as far as it could and handed back,
// on the goroutine that read it: f may then take long while the session's
// next messages are read by other goroutines (the Socket.IO layer runs its
// handlers so, without starting a goroutine). It reports false, and does
// nothing, where that cannot be: over long-polling, on a WebSocket read by
// a goroutine of its own, or when an f is deferred already; run f some
// other way then. A deferred f runs even if the session closes meanwhile.
func (s *Session) Defer(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.t.(*wsTransport)
	if !ok || !w.dispatching || w.deferred != nil || !w.ws.Polled() {
		return false
	}
	w.deferred = f
	return true
}
