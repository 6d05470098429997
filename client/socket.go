package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ab218a8d/socketio/parser"
)

// Socket is the client's connection to one namespace of the server,
// carried by its Manager's connection. All its methods are safe for
// concurrent use; its handlers run on the Manager's handler goroutine.
type Socket struct {
	m    *Manager
	nsp  string
	opts SocketOptions

	// All below is guarded by m.mu. The handler slices are copy-on-write.
	id          string
	pid         string // the session id for connection state recovery
	lastOffset  string // the offset of the last event received, for recovery
	connected   bool
	active      bool   // the socket wants the connection: it connects and reconnects with the Manager
	everActive  bool   // Connect or an auto-connecting Emit happened once
	recovered   bool   // the last connection recovered the session
	connectSent uint64 // the generation of the connection a CONNECT went out on; 0 once it is answered and done with
	nextAck     uint64
	acks        map[uint64]*pendingAck
	sendBuf     []*outgoing // emitted while disconnected, sent once connected
	queue       []*queued   // Retries: the emits waiting, the first in flight
	waiters     []chan error
	handlers    map[string][]*handler
	anyIn       []*anyHandler
	anyOut      []*anyHandler
	onConnect   []func()
	onConnErr   []func(error)
	onDisc      []DisconnectHandler
	onError     []func(error)
}

type handler struct {
	f    EventHandler
	once bool
}

type anyHandler struct{ f AnyHandler }

// outgoing is an EVENT waiting in the send buffer, encoded but for its
// acknowledgement id.
type outgoing struct {
	p parser.Packet
}

// queued is an emit in the Retries queue.
type queued struct {
	tries   int
	pending bool
	flags   flags
	data    []byte
	atts    [][]byte
	ack     AckHandler
	direct  bool // ack is the library's (EmitWithAck): run under the lock
}

type pendingAck struct {
	fn    AckHandler
	timer *time.Timer
	// direct: fn is the library's (a waiting EmitWithAck, the Retries
	// queue); it runs at once, with the Manager's lock held.
	direct bool
}

type flags struct {
	timeout    time.Duration
	hasTimeout bool
	volatile   bool
	fromQueue  bool
}

func newSocket(m *Manager, nsp string, opts *SocketOptions) *Socket {
	s := &Socket{m: m, nsp: nsp}
	if opts != nil {
		s.opts = *opts
	}
	return s
}

// ID returns the socket's id on the server, "" while disconnected.
func (s *Socket) ID() string {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.id
}

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() string { return s.nsp }

// Manager returns the socket's Manager.
func (s *Socket) Manager() *Manager { return s.m }

// Connected reports whether the socket is connected.
func (s *Socket) Connected() bool {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.connected
}

// Active reports whether the socket will connect or reconnect by itself:
// it is connected or trying to, and neither was it disconnected by the
// server or Disconnect, nor refused.
func (s *Socket) Active() bool {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.active && !s.m.skipReconnect
}

// Recovered reports whether the last connection recovered the previous
// session (connection state recovery on the server).
func (s *Socket) Recovered() bool {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.recovered
}

// Connect connects the socket, opening the Manager's connection if need
// be, and waits until it is connected. It returns the server's refusal
// (*ConnectError), an error once reconnection gave up (ErrReconnectFailed,
// or the first failure under NoReconnection), ErrDisconnected or ErrClosed
// if Disconnect or Manager.Close came first, or ctx's error. The attempts
// that fail meanwhile go to OnConnectError. When Connect fails, the socket
// stops trying.
func (s *Socket) Connect(ctx context.Context) error {
	ch := make(chan error, 1)
	m := s.m
	m.mu.Lock()
	if s.connected {
		m.mu.Unlock()
		return nil
	}
	s.waiters = append(s.waiters, ch)
	gen, send := s.activateLocked()
	m.mu.Unlock()
	if send {
		s.sendConnect(gen)
	}
	select {
	case err := <-ch:
		if err != nil {
			s.giveUp()
		}
		return err
	case <-ctx.Done():
		m.mu.Lock()
		s.waiters = slices.DeleteFunc(s.waiters, func(c chan error) bool { return c == ch })
		connected := s.connected
		m.mu.Unlock()
		if connected {
			return nil
		}
		s.giveUp()
		m.mu.Lock()
		err := m.lastErr
		m.mu.Unlock()
		if err != nil {
			return fmt.Errorf("socketio: connect: %w (last error: %w)", ctx.Err(), err)
		}
		return fmt.Errorf("socketio: connect: %w", ctx.Err())
	}
}

// activateLocked makes the socket want the connection. It reports
// whether the connection is open, so that the caller sends CONNECT once
// it released the lock.
func (s *Socket) activateLocked() (uint64, bool) {
	m := s.m
	s.active, s.everActive = true, true
	m.skipReconnect = false
	switch m.state {
	case open:
		return m.gen, true
	case closed:
		if !m.reconnecting {
			m.openLocked()
		}
	}
	return 0, false
}

// giveUp deactivates a socket whose Connect failed, closing the Manager's
// connection if no other socket wants it.
func (s *Socket) giveUp() {
	m := s.m
	m.mu.Lock()
	if s.connected {
		m.mu.Unlock()
		return
	}
	s.active = false
	m.closeIfUnusedLocked()
	m.mu.Unlock()
}

// sendConnect sends the CONNECT packet on the connection of generation
// gen, with the auth of the moment.
func (s *Socket) sendConnect(gen uint64) {
	auth := s.opts.Auth
	if s.opts.AuthFunc != nil {
		auth = s.opts.AuthFunc()
	}
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen || m.state != open || !s.active || s.connected || s.connectSent == gen {
		return
	}
	data, err := connectData(auth, s.pid, s.lastOffset)
	if err != nil {
		s.active = false
		s.postConnectErrorLocked(err)
		s.failWaitersLocked(err)
		return
	}
	s.connectSent = gen
	if err := m.writeLocked(&parser.Packet{Type: parser.Connect, Namespace: s.nsp, Data: data}); err != nil {
		s.postConnectErrorLocked(err)
	}
}

// connectData is the CONNECT packet's payload: auth, and the session to
// recover when there is one.
func connectData(auth any, pid, offset string) ([]byte, error) {
	var fields map[string]json.RawMessage
	if auth != nil {
		b, err := json.Marshal(auth)
		if err != nil {
			return nil, fmt.Errorf("socketio: encoding auth: %w", err)
		}
		if string(b) != "null" {
			if err := json.Unmarshal(b, &fields); err != nil {
				return nil, fmt.Errorf("socketio: auth must encode as a JSON object, not %.40s", b)
			}
			if pid == "" {
				return b, nil
			}
		}
	}
	if pid == "" {
		return nil, nil
	}
	if fields == nil {
		fields = map[string]json.RawMessage{}
	}
	fields["pid"], _ = json.Marshal(pid)
	fields["offset"], _ = json.Marshal(offset)
	return json.Marshal(fields)
}

// Disconnect disconnects the socket (a DISCONNECT packet to the server)
// and stops it from reconnecting; its OnDisconnect handlers get
// ReasonIOClientDisconnect. The Manager's connection closes if no other
// socket uses it. Connect connects it again.
func (s *Socket) Disconnect() {
	m := s.m
	m.mu.Lock()
	wasConnected := s.connected
	if wasConnected && m.state == open {
		m.writeLocked(&parser.Packet{Type: parser.Disconnect, Namespace: s.nsp})
	}
	s.active = false
	s.failWaitersLocked(ErrDisconnected)
	if wasConnected {
		s.onCloseLocked(ReasonIOClientDisconnect, nil)
	}
	m.closeIfUnusedLocked()
	m.mu.Unlock()
}

// Close is Disconnect.
func (s *Socket) Close() error {
	s.Disconnect()
	return nil
}

// closeIfUnusedLocked closes the Manager when no socket wants its
// connection (the reference's _destroy).
func (m *Manager) closeIfUnusedLocked() {
	if m.noneActiveLocked() {
		m.closeLocked()
	}
}

// failWaitersLocked ends the Connect calls waiting.
func (s *Socket) failWaitersLocked(err error) {
	for _, ch := range s.waiters {
		ch <- err
	}
	s.waiters = nil
}

// onCloseLocked handles the end of the socket's connection.
func (s *Socket) onCloseLocked(reason DisconnectReason, err error) {
	wasConnected := s.connected
	s.connected, s.id = false, ""
	// The namespace's connection is over: the next Connect sends CONNECT
	// again, over the Manager's connection if another namespace kept it
	// open.
	s.connectSent = 0
	switch reason {
	case ReasonIOServerDisconnect, ReasonIOClientDisconnect:
		s.active = false
	}
	if wasConnected {
		hs := s.onDisc
		postAll(s.m, hs, func(h DisconnectHandler) { h(reason, err) })
	}
	s.clearAcksLocked()
	for _, q := range s.queue {
		q.pending = false
	}
}

// clearAcksLocked fails the acknowledgements awaited, except those of
// packets still in the send buffer, which wait for the reconnection.
func (s *Socket) clearAcksLocked() {
	for id, pa := range s.acks {
		if slices.ContainsFunc(s.sendBuf, func(o *outgoing) bool { return o.p.HasID && o.p.ID == id }) {
			continue
		}
		delete(s.acks, id)
		s.resolveLocked(pa, Args{}, ErrDisconnected)
	}
}

// resolveLocked hands an acknowledgement's outcome to its handler: at
// once, under the lock, for the library's own; posted for the user's.
func (s *Socket) resolveLocked(pa *pendingAck, args Args, err error) {
	if pa.timer != nil {
		pa.timer.Stop()
	}
	if pa.direct {
		pa.fn(args, err)
		return
	}
	s.m.d.post(func() { pa.fn(args, err) }, 0, nil)
}

// onPacketLocked handles a packet for this socket. An event comes back to
// be posted by the caller, outside the lock.
func (s *Socket) onPacketLocked(gen uint64, p *parser.Packet) *Event {
	m := s.m
	switch p.Type {
	case parser.Connect:
		var d struct {
			SID string `json:"sid"`
			PID string `json:"pid"`
		}
		if json.Unmarshal(p.Data, &d) != nil || d.SID == "" {
			s.postConnectErrorLocked(errors.New("socketio: the server sent CONNECT without a sid: it may be a Socket.IO v2 server, which this client cannot talk to"))
			return nil
		}
		if s.connected {
			return nil
		}
		s.id, s.connected = d.SID, true
		s.recovered = d.PID != "" && d.PID == s.pid
		s.pid = d.PID
		for _, o := range s.sendBuf {
			s.notifyOutgoingLocked(&o.p)
			m.writeLocked(&o.p)
		}
		s.sendBuf = nil
		s.failWaitersLocked(nil)
		postAll(m, s.onConnect, func(f func()) { f() })
		s.drainQueueLocked(true)
	case parser.ConnectError:
		ce := &ConnectError{}
		var d struct {
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		}
		if json.Unmarshal(p.Data, &d) == nil {
			ce.Message, ce.Data = d.Message, d.Data
		} else {
			json.Unmarshal(p.Data, &ce.Message) // a plain string
		}
		s.active, s.connectSent = false, 0
		s.postConnectErrorLocked(ce)
		s.failWaitersLocked(ce)
		m.closeIfUnusedLocked()
	case parser.Event:
		if !s.connected {
			return nil // the server sends events only after CONNECT
		}
		args := parser.NewArgs(p.Data, p.Attachments)
		ev := &Event{Args: args.Slice(1), name: parser.EventName(args.Raw(0)), socket: s, ackID: p.ID, hasAck: p.HasID}
		if s.pid != "" && ev.Len() > 0 {
			if raw := ev.Raw(ev.Len() - 1); len(raw) > 0 && raw[0] == '"' {
				json.Unmarshal(raw, &s.lastOffset)
			}
		}
		return ev
	case parser.Ack:
		pa := s.acks[p.ID]
		if pa == nil || !p.HasID {
			return nil // an acknowledgement for nothing awaited: ignored, as the reference does
		}
		delete(s.acks, p.ID)
		s.resolveLocked(pa, parser.NewArgs(p.Data, p.Attachments), nil)
	case parser.Disconnect:
		s.onCloseLocked(ReasonIOServerDisconnect, nil)
		m.closeIfUnusedLocked()
	}
	return nil
}

// onStrayLocked handles a packet for the socket while it does not want
// the connection: the answer to a CONNECT it sent before Connect gave up,
// or before Disconnect. The server's socket that the answer announces is
// disconnected at once, and the CONNECT is done with, so that the next
// Connect sends a new one: a second CONNECT for a namespace in which it
// has a socket makes the server close the connection.
func (s *Socket) onStrayLocked(gen uint64, p *parser.Packet) {
	if s.connectSent != gen {
		return
	}
	switch p.Type {
	case parser.Connect:
		s.connectSent = 0
		s.m.writeLocked(&parser.Packet{Type: parser.Disconnect, Namespace: s.nsp})
	case parser.ConnectError:
		s.connectSent = 0
	}
}

func (s *Socket) postConnectErrorLocked(err error) {
	postAll(s.m, s.onConnErr, func(f func(error)) { f(err) })
}

// dispatch runs the handlers of an event: the catch-all ones, then the
// event's own. It runs on the handler goroutine.
func (s *Socket) dispatch(ev *Event) {
	m := s.m
	m.mu.Lock()
	anyIn := s.anyIn
	hs := s.handlers[ev.name]
	if slices.ContainsFunc(hs, func(h *handler) bool { return h.once }) {
		s.handlers[ev.name] = slices.DeleteFunc(slices.Clone(hs), func(h *handler) bool { return h.once })
	}
	m.mu.Unlock()
	for _, a := range anyIn {
		a.f(ev.name, ev.Args)
	}
	for _, h := range hs {
		h.f(ev)
	}
}

func (s *Socket) reportError(err error) {
	m := s.m
	m.mu.Lock()
	hs := s.onError
	m.mu.Unlock()
	for _, h := range hs {
		h(err)
	}
}

// On adds a handler for event.
func (s *Socket) On(event string, h EventHandler) { s.addHandler(event, h, false) }

// Once adds a handler for event that runs once.
func (s *Socket) Once(event string, h EventHandler) { s.addHandler(event, h, true) }

func (s *Socket) addHandler(event string, h EventHandler, once bool) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if s.handlers == nil {
		s.handlers = map[string][]*handler{}
	}
	s.handlers[event] = appendCOW(s.handlers[event], &handler{f: h, once: once})
}

// Off removes the handlers of event.
func (s *Socket) Off(event string) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	delete(s.handlers, event)
}

// OnAny adds a catch-all handler for incoming events, run before the
// event's own handlers. It returns a function that removes it.
func (s *Socket) OnAny(h AnyHandler) (remove func()) { return s.addAny(&s.anyIn, h, false) }

// PrependAny is OnAny, the handler put first.
func (s *Socket) PrependAny(h AnyHandler) (remove func()) { return s.addAny(&s.anyIn, h, true) }

// OffAny removes every catch-all handler for incoming events.
func (s *Socket) OffAny() { s.clearAny(&s.anyIn) }

// OnAnyOutgoing adds a catch-all handler for the events the socket sends,
// run when each is written to the connection. It returns a function that
// removes it.
func (s *Socket) OnAnyOutgoing(h AnyHandler) (remove func()) { return s.addAny(&s.anyOut, h, false) }

// PrependAnyOutgoing is OnAnyOutgoing, the handler put first.
func (s *Socket) PrependAnyOutgoing(h AnyHandler) (remove func()) {
	return s.addAny(&s.anyOut, h, true)
}

// OffAnyOutgoing removes every catch-all handler for outgoing events.
func (s *Socket) OffAnyOutgoing() { s.clearAny(&s.anyOut) }

func (s *Socket) addAny(list *[]*anyHandler, h AnyHandler, prepend bool) func() {
	a := &anyHandler{f: h}
	s.m.mu.Lock()
	if prepend {
		*list = append([]*anyHandler{a}, *list...)
	} else {
		*list = appendCOW(*list, a)
	}
	s.m.mu.Unlock()
	return func() {
		s.m.mu.Lock()
		*list = slices.DeleteFunc(slices.Clone(*list), func(x *anyHandler) bool { return x == a })
		s.m.mu.Unlock()
	}
}

func (s *Socket) clearAny(list *[]*anyHandler) {
	s.m.mu.Lock()
	*list = nil
	s.m.mu.Unlock()
}

// OnConnect adds a handler told each time the socket connects.
func (s *Socket) OnConnect(h func()) {
	s.m.mu.Lock()
	s.onConnect = appendCOW(s.onConnect, h)
	s.m.mu.Unlock()
}

// OnConnectError adds a handler told when a connection fails: an attempt
// of the Manager's (the socket keeps trying), or the server's refusal, a
// *ConnectError (it does not).
func (s *Socket) OnConnectError(h func(err error)) {
	s.m.mu.Lock()
	s.onConnErr = appendCOW(s.onConnErr, h)
	s.m.mu.Unlock()
}

// OnDisconnect adds a handler told when the socket disconnects.
func (s *Socket) OnDisconnect(h DisconnectHandler) {
	s.m.mu.Lock()
	s.onDisc = appendCOW(s.onDisc, h)
	s.m.mu.Unlock()
}

// OnError adds a handler told of the arguments that Typed handlers could
// not decode.
func (s *Socket) OnError(h func(err error)) {
	s.m.mu.Lock()
	s.onError = appendCOW(s.onError, h)
	s.m.mu.Unlock()
}
