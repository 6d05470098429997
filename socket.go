package socketio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/internal/id"
	"github.com/ab218a8d/socketio/parser"
)

// Args are the arguments of an event or an acknowledgement: each stays
// JSON until it is decoded into the Go value a handler asks for (see
// parser.Args: Len, Decode, Bind, Values).
type Args = parser.Args

// AckHandler receives the acknowledgement of an emitted event: the
// client's arguments, or ErrTimeout or ErrDisconnected. Passed as the last
// argument of Emit, it asks the client for an acknowledgement; of a
// broadcast's Emit, every client, and its Args are their responses (see
// BroadcastOperator.Emit).
//
// A socket's AckHandler runs when the acknowledgement arrives, as in the
// reference, on a goroutine of its own (ErrTimeout: a timer's), while the
// socket's event handlers run: it may block, and may wait for the client
// in turn. A broadcast's runs once, on the goroutine of the last response
// or of the timeout, and should not block.
type AckHandler func(args Args, err error)

// DisconnectHandler is told why a socket disconnected.
type DisconnectHandler func(reason DisconnectReason, description error)

// Socket is a client's connection to one namespace. All its methods are
// safe for concurrent use. Its event handlers run one at a time, in the
// order the client sent the events, on the connection's handler goroutine
// (see the package doc's Concurrency section).
type Socket struct {
	// A Socket is one of every connection's largest objects: its fields
	// are the compact forms of what it holds, and are ordered so that the
	// small ones fill alignment gaps (288 bytes; it was 352).
	id     string
	nsp    *Namespace
	client *client
	issued int64  // when the socket was created, in Unix nanoseconds
	auth   string // the CONNECT packet's payload, JSON: a copy, not a view of the message

	// The handshake and the context are made on first use: an idle socket
	// should cost little, and most applications never ask.
	handshake atomic.Pointer[Handshake]

	// The handler slices (in handlers, anyIn, anyOut, middlewares) are
	// copy-on-write: once stored, a slice is never modified, so an event
	// takes them under mu and runs them after unlocking, without a copy.
	mu           sync.Mutex
	gone         bool // guarded by mu: cleaned up, joins are ignored
	disconnected bool // guarded by mu: the context is cancelled, or is born so
	// connected is written under mu, with the state that goes with it,
	// and read without locking by every emit.
	connected atomic.Bool
	// hasAnyOut is whether anyOut is not empty, written under mu: every
	// packet sent, broadcasts included, checks it without locking.
	hasAnyOut     atomic.Bool
	ctx           *socketContext         // guarded by mu; nil until Context
	handlers      []eventHandlers        // guarded by mu
	anyIn         []*anyHandler          // guarded by mu
	anyOut        []*anyHandler          // guarded by mu
	middlewares   []EventMiddleware      // guarded by mu
	acks          map[uint64]*pendingAck // guarded by mu; nil until an ack is expected
	onDisconnect  []DisconnectHandler    // guarded by mu
	onDisconnecti []DisconnectHandler    // guarded by mu ("disconnecting")
	onError       []func(error)          // guarded by mu
	data          any                    // guarded by mu
}

// socketContext is what Socket.Context makes: behind a pointer, as few
// sockets have one.
type socketContext struct {
	ctx    context.Context
	cancel context.CancelFunc
}

type anyHandler struct{ f AnyHandler }

// eventHandlers are the handlers of one event. A socket has a few events,
// so a slice searched in order costs less memory than a map and no more
// time.
type eventHandlers struct {
	name string
	hs   []EventHandler
}

// handlersOf returns the handlers of event. The caller holds s.mu.
func (s *Socket) handlersOf(event string) []EventHandler {
	for i := range s.handlers {
		if s.handlers[i].name == event {
			return s.handlers[i].hs
		}
	}
	return nil
}

type pendingAck struct {
	fn    AckHandler
	timer *time.Timer
	// waiter: fn only hands the result on without blocking (to an
	// EmitWithAck that waits, or a broadcast's gathering), so it runs on
	// the goroutine that reads the transport, without a goroutine of its
	// own.
	waiter bool
}

func newSocket(n *Namespace, c *client, auth json.RawMessage) *Socket {
	a := "{}" // what most clients send, without an allocation
	if string(auth) != a {
		a = string(auth)
	}
	sid := id.New()
	if c.v4 {
		sid = socketIDV4(n.name, c.es.ID())
	}
	return &Socket{id: sid, nsp: n, client: c, issued: time.Now().UnixNano(), auth: a}
}

// ID returns the socket's id: 20 URL-safe characters, distinct from the
// Engine.IO session id. The socket is always in the room of that name.
func (s *Socket) ID() string { return s.id }

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() *Namespace { return s.nsp }

// Handshake returns how the socket connected.
func (s *Socket) Handshake() *Handshake {
	if h := s.handshake.Load(); h != nil {
		return h
	}
	// Callers that race may each build one; all get the first stored.
	h := newHandshake(s.client.es.Request(), json.RawMessage(s.auth), time.Unix(0, s.issued))
	s.handshake.CompareAndSwap(nil, &h)
	return s.handshake.Load()
}

// Request returns the HTTP request that opened the socket's connection,
// as engineio.Session.Request: without its body, and with a context that
// holds every value of the request's (what an authentication middleware
// put there, for one) but is never done.
func (s *Socket) Request() *http.Request { return s.client.es.Request() }

// Conn returns the socket's Engine.IO session, shared with the socket's
// other namespaces.
func (s *Socket) Conn() *engineio.Session { return s.client.es }

// Context returns a context that is cancelled when the socket disconnects.
func (s *Socket) Context() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		ctx, cancel := context.WithCancel(context.Background())
		s.ctx = &socketContext{ctx, cancel}
		if s.disconnected {
			cancel()
		}
	}
	return s.ctx.ctx
}

// Connected reports whether the socket is connected.
func (s *Socket) Connected() bool { return s.connected.Load() }

// Data returns the value set with SetData.
func (s *Socket) Data() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data
}

// SetData attaches an application value to the socket; FetchSockets on
// other servers sees it as JSON.
func (s *Socket) SetData(v any) {
	s.mu.Lock()
	s.data = v
	s.mu.Unlock()
}

// Rooms returns the rooms the socket is in, its own id room included.
func (s *Socket) Rooms() []string { return s.nsp.adapter.SocketRooms(s.id) }

// Join adds the socket to rooms. After the socket disconnected it does
// nothing.
func (s *Socket) Join(rooms ...string) {
	s.mu.Lock()
	gone := s.gone
	s.mu.Unlock()
	if !gone {
		s.nsp.adapter.AddAll(s.id, rooms)
	}
}

// Leave removes the socket from rooms.
func (s *Socket) Leave(rooms ...string) {
	for _, room := range rooms {
		s.nsp.adapter.Del(s.id, room)
	}
}

// On registers a handler for an event. Several handlers for one event run
// in the order they were registered.
func (s *Socket) On(event string, h EventHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.handlers {
		if e := &s.handlers[i]; e.name == event {
			e.hs = append(slices.Clip(e.hs), h)
			return
		}
	}
	s.handlers = append(s.handlers, eventHandlers{name: event, hs: []EventHandler{h}})
}

// Off removes every handler of an event.
func (s *Socket) Off(event string) {
	s.mu.Lock()
	s.handlers = slices.DeleteFunc(s.handlers, func(e eventHandlers) bool { return e.name == event })
	s.mu.Unlock()
}

// OnAny registers a handler called for every incoming event, before the
// event's own handlers. It returns a function that removes it.
func (s *Socket) OnAny(h AnyHandler) (remove func()) { return s.addAny(&s.anyIn, h, false) }

// PrependAny is OnAny, placing h before the handlers already registered.
func (s *Socket) PrependAny(h AnyHandler) (remove func()) { return s.addAny(&s.anyIn, h, true) }

// OffAny removes every catch-all handler of incoming events.
func (s *Socket) OffAny() { s.clearAny(&s.anyIn) }

// OnAnyOutgoing registers a handler called for every event sent to the
// client, broadcasts included. It returns a function that removes it.
func (s *Socket) OnAnyOutgoing(h AnyHandler) (remove func()) { return s.addAny(&s.anyOut, h, false) }

// PrependAnyOutgoing is OnAnyOutgoing, placing h first.
func (s *Socket) PrependAnyOutgoing(h AnyHandler) (remove func()) {
	return s.addAny(&s.anyOut, h, true)
}

// OffAnyOutgoing removes every catch-all handler of outgoing events.
func (s *Socket) OffAnyOutgoing() { s.clearAny(&s.anyOut) }

func (s *Socket) addAny(list *[]*anyHandler, h AnyHandler, prepend bool) func() {
	e := &anyHandler{h}
	s.mu.Lock()
	if prepend {
		*list = append([]*anyHandler{e}, *list...)
	} else {
		*list = append(slices.Clip(*list), e)
	}
	s.hasAnyOut.Store(len(s.anyOut) > 0)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, x := range *list {
			if x == e {
				*list = append((*list)[:i:i], (*list)[i+1:]...)
				s.hasAnyOut.Store(len(s.anyOut) > 0)
				return
			}
		}
	}
}

func (s *Socket) clearAny(list *[]*anyHandler) {
	s.mu.Lock()
	*list = nil
	s.hasAnyOut.Store(len(s.anyOut) > 0)
	s.mu.Unlock()
}

// Use adds a middleware that every incoming event goes through before its
// handlers. An error stops the event and is reported to the OnError
// handlers; the client is told nothing.
func (s *Socket) Use(m EventMiddleware) {
	s.mu.Lock()
	s.middlewares = append(slices.Clip(s.middlewares), m)
	s.mu.Unlock()
}

// OnDisconnecting registers a handler called when the socket is about to
// disconnect, while it is still in its rooms.
func (s *Socket) OnDisconnecting(h DisconnectHandler) {
	s.mu.Lock()
	s.onDisconnecti = append(s.onDisconnecti, h)
	s.mu.Unlock()
}

// OnDisconnect registers a handler called once the socket disconnected.
func (s *Socket) OnDisconnect(h DisconnectHandler) {
	s.mu.Lock()
	s.onDisconnect = append(s.onDisconnect, h)
	s.mu.Unlock()
}

// OnError registers a handler for the errors in what the client sent: an
// event that a middleware of Use refused (the middleware's error),
// arguments that Typed could not decode (wrapping parser.ErrArgType or
// parser.ErrMissingArg), a packet that did not decode (wrapping
// parser.ErrInvalidPacket; the connection is then closed). The client's
// own "error" events are not errors: they go to On("error", ...) like any
// event. Panics go to Server.OnPanic.
func (s *Socket) OnError(h func(error)) {
	s.mu.Lock()
	s.onError = append(s.onError, h)
	s.mu.Unlock()
}

// Emit sends an event to the client, without waiting for the network. If
// the last argument is an AckHandler (or a func(Args, error)), the client
// is asked for an acknowledgement, which the handler receives. Binary data
// ([]byte) may sit anywhere in the arguments.
// An Args among the arguments is spread, each of its arguments sent as it
// came: s.Emit("x", e.Args) forwards an event's arguments.
func (s *Socket) Emit(event string, args ...any) error { return s.emit(emitFlags{}, event, args) }

// EmitWithAck sends an event and waits for the client's acknowledgement,
// or for ctx to end. It may be called from anywhere, a handler of the same
// socket included: the acknowledgement is read while the handler waits. It
// fails with ErrDisconnected at once if the socket disconnects meanwhile.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return s.emitWithAck(ctx, emitFlags{}, event, args)
}

// Send emits the "message" event.
func (s *Socket) Send(args ...any) error { return s.Emit("message", args...) }

// Timeout returns an emitter whose acknowledgements are awaited at most d;
// after that the AckHandler gets ErrTimeout.
func (s *Socket) Timeout(d time.Duration) Emitter {
	return Emitter{s: s, flags: emitFlags{timeout: d, hasTimeout: true}}
}

// Volatile returns an emitter whose events are dropped when the transport
// cannot send them at once: a write is in progress or waiting on
// WebSocket, no poll is pending on long-polling.
func (s *Socket) Volatile() Emitter { return Emitter{s: s, flags: emitFlags{volatile: true}} }

// Compress returns an emitter with compression set (on by default).
func (s *Socket) Compress(c bool) Emitter { return Emitter{s: s, flags: emitFlags{noCompress: !c}} }

// To returns a broadcast to the sockets in rooms, except this socket.
func (s *Socket) To(rooms ...string) BroadcastOperator { return s.Broadcast().To(rooms...) }

// In is To.
func (s *Socket) In(rooms ...string) BroadcastOperator { return s.Broadcast().To(rooms...) }

// Except returns a broadcast to the sockets not in rooms, except this
// socket.
func (s *Socket) Except(rooms ...string) BroadcastOperator { return s.Broadcast().Except(rooms...) }

// Broadcast returns a broadcast to every socket of the namespace except
// this one.
func (s *Socket) Broadcast() BroadcastOperator {
	return BroadcastOperator{nsp: s.nsp, except: []string{s.id}}
}

// Local returns Broadcast, kept on this server.
func (s *Socket) Local() BroadcastOperator { return s.Broadcast().Local() }

// Disconnect disconnects the socket from its namespace, with a DISCONNECT
// packet to the client (reason ReasonServerNamespaceDisconnect). The
// connection stays, with its other namespaces: the reference's
// socket.disconnect().
func (s *Socket) Disconnect() {
	if !s.Connected() {
		return
	}
	s.client.writePacket(&parser.Packet{Type: parser.Disconnect, Namespace: s.nsp.name}, false, false)
	s.onClose(ReasonServerNamespaceDisconnect, nil)
}

// Close disconnects every socket of the client's connection, this one and
// those of its other namespaces, each as Disconnect does, then closes the
// connection: the reference's socket.disconnect(true).
func (s *Socket) Close() {
	if s.Connected() {
		s.client.disconnectAll()
	}
}

// takeAck removes a trailing acknowledgement handler from args.
func takeAck(args []any) ([]any, AckHandler) {
	if n := len(args); n > 0 {
		switch f := args[n-1].(type) {
		case AckHandler:
			return args[:n-1], f
		case func(Args, error):
			return args[:n-1], f
		}
	}
	return args, nil
}

func (s *Socket) emit(f emitFlags, event string, args []any) error {
	args, ack := takeAck(args)
	_, err := s.emitAck(f, event, args, ack, false)
	return err
}

// emitAck sends an event; with ack, it asks for an acknowledgement, whose
// id it returns. waiter is pendingAck.waiter.
func (s *Socket) emitAck(f emitFlags, event string, args []any, ack AckHandler, waiter bool) (uint64, error) {
	if parser.IsReserved(event) {
		return 0, fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	if !s.Connected() {
		return 0, ErrDisconnected
	}
	p := parser.Packet{Type: parser.Event, Namespace: s.nsp.name}
	if ack != nil {
		// As the reference, the id is taken before encoding.
		p.ID, p.HasID = s.nsp.ackID.Add(1)-1, true
	}
	buf := getScratch()
	data, err := appendEventData(*buf, &p.Attachments, event, args)
	if err != nil {
		putScratch(buf, *buf)
		return 0, err
	}
	p.Data = data
	if ack != nil {
		if !s.expectAck(p.ID, ack, waiter) {
			return 0, ErrDisconnected
		}
		if f.hasTimeout {
			s.armAckTimeout(p.ID, f.timeout)
		}
	}
	shown := s.notifyOutgoing(&p)
	err = s.client.writeData(&p, f.volatile, f.noCompress)
	if !shown {
		putScratch(buf, data)
	}
	if err != nil {
		if ack != nil {
			s.cancelAck(p.ID)
		}
		return 0, err
	}
	return p.ID, nil
}

func (s *Socket) emitWithAck(ctx context.Context, f emitFlags, event string, args []any) (Args, error) {
	type result struct {
		args Args
		err  error
	}
	ch := make(chan result, 1)
	id, err := s.emitAck(f, event, args, func(a Args, err error) { ch <- result{a, err} }, true)
	if err != nil {
		return Args{}, err
	}
	select {
	case r := <-ch:
		return r.args, r.err
	case <-ctx.Done():
		s.cancelAck(id)
		return Args{}, ctx.Err()
	}
}

// expectAck registers the handler of acknowledgement id. It reports false
// if the socket is gone.
func (s *Socket) expectAck(id uint64, fn AckHandler, waiter bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone {
		return false
	}
	if s.acks == nil {
		s.acks = make(map[uint64]*pendingAck)
	}
	s.acks[id] = &pendingAck{fn: fn, waiter: waiter}
	return true
}

func (s *Socket) armAckTimeout(id uint64, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.acks[id]; a != nil {
		a.timer = time.AfterFunc(d, func() {
			if a := s.takeAck(id); a != nil {
				s.guard(func() error { a.fn(Args{}, ErrTimeout); return nil })
			}
		})
	}
}

func (s *Socket) takeAck(id uint64) *pendingAck {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.acks[id]
	if a != nil {
		delete(s.acks, id)
		if a.timer != nil {
			a.timer.Stop()
		}
	}
	return a
}

func (s *Socket) cancelAck(id uint64) { s.takeAck(id) }

// failWaiters fails the acknowledgements that an EmitWithAck waits for with
// ErrDisconnected: the session closed, and none can come.
func (s *Socket) failWaiters() {
	var ws []*pendingAck
	s.mu.Lock()
	for id, a := range s.acks {
		if a.waiter {
			delete(s.acks, id)
			if a.timer != nil {
				a.timer.Stop()
			}
			ws = append(ws, a)
		}
	}
	s.mu.Unlock()
	for _, a := range ws {
		s.guard(func() error { a.fn(Args{}, ErrDisconnected); return nil })
	}
}

// onConnect completes the connection: the socket joins its own room and
// the client gets the CONNECT reply.
func (s *Socket) onConnect() {
	s.mu.Lock()
	s.connected.Store(true)
	s.mu.Unlock()
	s.Join(s.id)
	p := &parser.Packet{Type: parser.Connect, Namespace: s.nsp.name}
	if !s.client.v4 { // protocol v4's CONNECT has no payload
		p.Data = []byte(`{"sid":"` + s.id + `"}`)
	}
	s.client.writePacket(p, false, false)
}

// onPacket acts on a packet from the client for this socket.
func (s *Socket) onPacket(p *parser.Packet) {
	switch p.Type {
	case parser.Event:
		s.onEvent(p)
	case parser.Disconnect:
		s.onClose(ReasonClientNamespaceDisconnect, nil)
	}
}

// onClose disconnects the socket: "disconnecting" handlers (rooms still
// there), cleanup, then "disconnect" handlers. Pending acknowledgements get
// ErrDisconnected.
func (s *Socket) onClose(reason DisconnectReason, desc error) {
	s.mu.Lock()
	if !s.connected.Load() {
		s.mu.Unlock()
		return
	}
	before := append([]DisconnectHandler(nil), s.onDisconnecti...)
	s.mu.Unlock()
	for _, h := range before {
		s.guard(func() error { h(reason, desc); return nil })
	}
	s.cleanup()
	s.client.left(s)
	s.mu.Lock()
	s.connected.Store(false)
	after := append([]DisconnectHandler(nil), s.onDisconnect...)
	acks := s.acks
	s.acks = nil
	s.disconnected = true
	sc := s.ctx
	s.mu.Unlock()
	if sc != nil {
		sc.cancel()
	}
	for _, a := range acks {
		if a.timer != nil {
			a.timer.Stop()
		}
		s.guard(func() error { a.fn(Args{}, ErrDisconnected); return nil })
	}
	for _, h := range after {
		s.guard(func() error { h(reason, desc); return nil })
	}
}

// cleanup takes the socket out of its rooms and namespace for good.
func (s *Socket) cleanup() {
	s.mu.Lock()
	s.gone = true
	s.mu.Unlock()
	s.nsp.adapter.DelAll(s.id)
	s.nsp.remove(s)
}

// reportError hands err to the OnError handlers.
func (s *Socket) reportError(err error) {
	s.mu.Lock()
	hs := s.onError
	s.mu.Unlock()
	for _, h := range hs {
		s.guard(func() error { h(err); return nil })
	}
}

// guard runs user code, turning a panic into a *PanicError that is logged
// and handed to the server's OnPanic handlers.
func (s *Socket) guard(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			pe := &PanicError{Value: v, Stack: debug.Stack()}
			s.nsp.srv.cfg.Logger.Error("socketio: panic in handler", "socket", s.id, "namespace", s.nsp.name, "panic", fmt.Sprint(v), "stack", string(pe.Stack))
			s.nsp.srv.reportPanic(s, pe)
			err = pe
		}
	}()
	return f()
}

// onEvent runs an incoming event through the catch-all handlers, the
// middlewares and the event's handlers.
func (s *Socket) onEvent(p *parser.Packet) {
	all := parser.NewArgs(p.Data, p.Attachments)
	e := &Event{Args: all.Slice(1), name: parser.EventName(all.Raw(0)), socket: s, ackID: p.ID, hasAck: p.HasID}
	s.mu.Lock()
	anyIn, mws := s.anyIn, s.middlewares
	// The event's handlers, taken in the same hold of the lock: one per
	// event in the common case, where no user code runs before them.
	hs, connected := s.handlersOf(e.name), s.connected.Load()
	s.mu.Unlock()
	for _, h := range anyIn {
		s.guard(func() error { h.f(e.name, e.Args); return nil })
	}
	for _, m := range mws {
		if err := s.guard(func() error { return m(e) }); err != nil {
			if _, panicked := err.(*PanicError); !panicked {
				s.reportError(err)
			}
			return
		}
	}
	if len(anyIn) > 0 || len(mws) > 0 {
		// They may have changed the handlers, or disconnected the socket.
		s.mu.Lock()
		hs, connected = s.handlersOf(e.name), s.connected.Load()
		s.mu.Unlock()
	}
	if !connected {
		return
	}
	for _, h := range hs {
		s.guard(func() error { h(e); return nil })
	}
}

// notifyOutgoing shows an outgoing EVENT to the catch-all handlers, and
// reports whether there were any: they may keep its data.
func (s *Socket) notifyOutgoing(p *parser.Packet) bool {
	if p.Type != parser.Event || !s.hasAnyOut.Load() {
		return false
	}
	s.mu.Lock()
	hs := s.anyOut
	s.mu.Unlock()
	all := parser.NewArgs(p.Data, p.Attachments)
	name := parser.EventName(all.Raw(0))
	for _, h := range hs {
		s.guard(func() error { h.f(name, all.Slice(1)); return nil })
	}
	return true
}
