package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/parser"
)

// Middleware runs for each socket that connects to a namespace, before the
// connection handlers. A non-nil error refuses the connection: the client
// gets a CONNECT_ERROR with the error's message (and Data, for a
// *ConnectError). Middlewares run in the order they were added, on the
// connection's handler goroutine, and may block or wait for the client.
type Middleware func(s *Socket) error

// RoomHandler is told of a change of room membership.
type RoomHandler func(ev adapter.RoomEvent, room string, id string)

// Namespace is a communication channel multiplexed over the connections:
// "/" by default, "/admin", ... Each has its own sockets, middlewares,
// rooms and adapter.
type Namespace struct {
	name    string
	srv     *Server
	parent  *ParentNamespace
	adapter adapter.Adapter
	ackID   atomic.Uint64

	mu          sync.RWMutex
	sockets     map[string]*Socket  // connected sockets; guarded by mu
	middlewares []Middleware        // guarded by mu
	onConnect   []func(*Socket)     // guarded by mu
	onRoom      []RoomHandler       // guarded by mu
	onServer    []ServerSideHandler // guarded by mu
}

func newNamespace(srv *Server, name string, parent *ParentNamespace) *Namespace {
	n := &Namespace{name: name, srv: srv, parent: parent, sockets: make(map[string]*Socket)}
	if parent != nil {
		parent.mu.RLock()
		n.middlewares = append(n.middlewares, parent.middlewares...)
		n.onConnect = append(n.onConnect, parent.onConnect...)
		parent.mu.RUnlock()
	}
	n.adapter = srv.cfg.Adapter(nspView{n})
	return n
}

// Name returns the namespace's name.
func (n *Namespace) Name() string { return n.name }

// Server returns the server the namespace belongs to.
func (n *Namespace) Server() *Server { return n.srv }

// Adapter returns the namespace's adapter.
func (n *Namespace) Adapter() adapter.Adapter { return n.adapter }

// Use adds a middleware for the sockets that connect from now on.
func (n *Namespace) Use(m Middleware) {
	n.mu.Lock()
	n.middlewares = append(n.middlewares, m)
	n.mu.Unlock()
}

// OnConnection registers a handler called with each socket once it has
// connected, on the connection's handler goroutine: it may block, and
// may wait for the client (EmitWithAck).
func (n *Namespace) OnConnection(h func(*Socket)) {
	n.mu.Lock()
	n.onConnect = append(n.onConnect, h)
	n.mu.Unlock()
}

// OnRoomEvent registers a handler for room creation, deletion, joins and
// leaves in this namespace.
func (n *Namespace) OnRoomEvent(h RoomHandler) {
	n.mu.Lock()
	n.onRoom = append(n.onRoom, h)
	n.mu.Unlock()
}

// Sockets returns the sockets connected to the namespace on this server.
func (n *Namespace) Sockets() []*Socket {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return slices.Collect(maps.Values(n.sockets))
}

// Socket returns the local socket with the given id, or nil.
func (n *Namespace) Socket(id string) *Socket {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.sockets[id]
}

func (n *Namespace) broadcast() BroadcastOperator { return BroadcastOperator{nsp: n} }

// To returns a broadcast to the sockets in any of rooms.
func (n *Namespace) To(rooms ...string) BroadcastOperator { return n.broadcast().To(rooms...) }

// In is To.
func (n *Namespace) In(rooms ...string) BroadcastOperator { return n.broadcast().To(rooms...) }

// Except returns a broadcast to the sockets in none of rooms.
func (n *Namespace) Except(rooms ...string) BroadcastOperator { return n.broadcast().Except(rooms...) }

// Timeout returns a broadcast whose acknowledgements are awaited at most d.
func (n *Namespace) Timeout(d time.Duration) BroadcastOperator { return n.broadcast().Timeout(d) }

// Volatile returns a broadcast that skips sockets that cannot take it now.
func (n *Namespace) Volatile() BroadcastOperator { return n.broadcast().Volatile() }

// Local returns a broadcast that stays on this server.
func (n *Namespace) Local() BroadcastOperator { return n.broadcast().Local() }

// Compress returns a broadcast with compression set.
func (n *Namespace) Compress(c bool) BroadcastOperator { return n.broadcast().Compress(c) }

// Emit sends an event to every socket of the namespace. A last argument
// of type AckHandler asks for acknowledgements (see
// BroadcastOperator.Emit).
func (n *Namespace) Emit(event string, args ...any) error { return n.broadcast().Emit(event, args...) }

// EmitWithAck sends an event to every socket of the namespace and waits for
// their acknowledgements (see BroadcastOperator.EmitWithAck).
func (n *Namespace) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return n.broadcast().EmitWithAck(ctx, event, args...)
}

// FetchSockets returns the sockets of the namespace, on every server.
func (n *Namespace) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	return n.broadcast().FetchSockets(ctx)
}

// SocketsJoin makes every socket of the namespace join rooms.
func (n *Namespace) SocketsJoin(ctx context.Context, rooms ...string) error {
	return n.broadcast().SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the namespace leave rooms.
func (n *Namespace) SocketsLeave(ctx context.Context, rooms ...string) error {
	return n.broadcast().SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of the namespace.
func (n *Namespace) DisconnectSockets(ctx context.Context) error {
	return n.broadcast().DisconnectSockets(ctx)
}

// CloseSockets closes the connections of every socket of the namespace.
func (n *Namespace) CloseSockets(ctx context.Context) error { return n.broadcast().CloseSockets(ctx) }

// ServerSideEmit sends an event to the other servers of the cluster,
// where OnServerSideEmit handlers receive it; with the in-memory adapter it
// fails with adapter.ErrNotSupported.
func (n *Namespace) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	if isServerReserved(event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	a, err := serverSideArgs(event, args)
	if err != nil {
		return err
	}
	return n.adapter.ServerSideEmit(ctx, event, a)
}

// ServerSideEmitWithAck is ServerSideEmit, waiting until ctx ends for the
// answer of every other server.
func (n *Namespace) ServerSideEmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	if isServerReserved(event) {
		return nil, fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	a, err := serverSideArgs(event, args)
	if err != nil {
		return nil, err
	}
	return n.adapter.ServerSideEmitWithAck(ctx, event, a)
}

// serverSideArgs encodes the arguments of a server-side event.
func serverSideArgs(event string, args []any) (Args, error) {
	var att [][]byte
	data, err := parser.AppendArgs(append(make([]byte, 0, argsSize(args)), '['), &att, args)
	if err != nil {
		return Args{}, fmt.Errorf("socketio: encoding the arguments of %q: %w", event, err)
	}
	return parser.NewArgs(append(data, ']'), att), nil
}

func isServerReserved(event string) bool {
	return event == "connect" || event == "connection" || event == "new_namespace"
}

// ServerSideHandler receives an event from another server of the cluster.
// ack is nil when the sender waits for no answer.
type ServerSideHandler func(event string, args Args, ack func(args ...any))

// OnServerSideEmit registers a handler for the events other servers send
// with ServerSideEmit.
func (n *Namespace) OnServerSideEmit(h ServerSideHandler) {
	n.mu.Lock()
	n.onServer = append(n.onServer, h)
	n.mu.Unlock()
}

// add runs the middlewares for a new socket of c and connects it.
func (n *Namespace) add(c *client, auth json.RawMessage) {
	s := newSocket(n, c, auth)
	n.mu.RLock()
	mws := append([]Middleware(nil), n.middlewares...)
	n.mu.RUnlock()
	var err error
	for _, m := range mws {
		if err = s.guard(func() error { return m(s) }); err != nil {
			break
		}
	}
	if c.isClosed() {
		s.cleanup()
		return
	}
	if err != nil {
		s.cleanup()
		ce := &ConnectError{Message: err.Error()}
		if errors.As(err, &ce) {
			ce = &ConnectError{Message: ce.Message, Data: ce.Data}
		}
		data := connectErrorJSON(ce)
		if c.v4 {
			data = errorJSONV4(ce)
		}
		c.writePacket(&parser.Packet{Type: parser.ConnectError, Namespace: n.name, Data: data}, false, false)
		return
	}
	n.mu.Lock()
	n.sockets[s.id] = s
	handlers := slices.Clone(n.onConnect)
	n.mu.Unlock()
	if !c.joined(s) {
		n.remove(s)
		s.cleanup()
		return
	}
	s.onConnect()
	for _, h := range handlers {
		s.guard(func() error { h(s); return nil })
	}
}

func connectErrorJSON(ce *ConnectError) []byte {
	var att [][]byte
	m := map[string]any{"message": ce.Message}
	if ce.Data != nil {
		m["data"] = ce.Data
	}
	b, err := parser.AppendValue(nil, &att, m)
	if err != nil || len(att) > 0 {
		b, _ = parser.AppendValue(nil, &att, map[string]any{"message": ce.Message})
	}
	return b
}

// remove forgets a socket that disconnected.
func (n *Namespace) remove(s *Socket) {
	n.mu.Lock()
	if n.sockets[s.id] == s {
		delete(n.sockets, s.id)
	}
	empty := len(n.sockets) == 0
	n.mu.Unlock()
	if empty && n.parent != nil && n.srv.cfg.CleanupEmptyChildNamespaces {
		n.srv.removeNamespace(n)
	}
}

// nspView is the Namespace as its adapter sees it.
type nspView struct{ n *Namespace }

func (v nspView) Name() string          { return v.n.name }
func (v nspView) Parser() parser.Parser { return v.n.srv.cfg.Parser }
func (v nspView) NextAckID() uint64     { return v.n.ackID.Add(1) - 1 }

// writeChunk is how many sockets a broadcast resolves per hold of the
// namespace's lock: enough to make the locking cheap, few enough to sit
// on the stack and not hold the lock for long.
const writeChunk = 64

func (v nspView) Write(ids []string, p *parser.Packet, frames []parser.Frame, flags adapter.Flags) int {
	// Framed once for all: each session writes the same prepared bytes.
	msgs := make([]*engineio.PreparedMessage, len(frames))
	for i, f := range frames {
		msgs[i] = engineio.NewPreparedMessage(engineio.Message{Data: f.Data, Binary: f.Binary, NoCompress: flags.NoCompress})
	}
	taken := 0
	var chunk [writeChunk]*Socket
	for len(ids) > 0 {
		batch := ids[:min(len(ids), writeChunk)]
		ids = ids[len(batch):]
		found := chunk[:0]
		v.n.mu.RLock()
		for _, id := range batch {
			if s := v.n.sockets[id]; s != nil {
				found = append(found, s)
			}
		}
		v.n.mu.RUnlock()
		for _, s := range found {
			s.notifyOutgoing(p)
			if flags.Volatile && !s.client.es.Writable() {
				taken++ // dropped, as volatile packets are
				continue
			}
			if s.client.es.SendPrepared(msgs) == nil {
				taken++
			}
		}
	}
	return taken
}

func (v nspView) ExpectAck(id string, ackID uint64, fn func(parser.Args)) bool {
	s := v.n.Socket(id)
	if s == nil {
		return false
	}
	// fn gathers the response, without waiting: it may run as soon as the
	// acknowledgement arrives (see pendingAck.waiter).
	return s.expectAck(ackID, func(a Args, err error) {
		if err == nil {
			fn(a)
		}
	}, true)
}

func (v nspView) CancelAck(id string, ackID uint64) {
	if s := v.n.Socket(id); s != nil {
		s.cancelAck(ackID)
	}
}

func (v nspView) Disconnect(id string, how adapter.Disconnection) {
	if s := v.n.Socket(id); s != nil {
		if how == adapter.CloseConnection {
			s.Close()
		} else {
			s.Disconnect()
		}
	}
}

func (v nspView) SocketInfo(id string) (adapter.SocketInfo, bool) {
	s := v.n.Socket(id)
	if s == nil {
		return adapter.SocketInfo{}, false
	}
	hs, err := json.Marshal(s.Handshake())
	if err != nil {
		return adapter.SocketInfo{}, false
	}
	// A socket without Data has the reference's default, an empty object,
	// so that a Node.js server reading data.field finds undefined, not a
	// TypeError.
	data, err := []byte("{}"), error(nil)
	if d := s.Data(); d != nil {
		data, err = json.Marshal(d)
	}
	if err != nil {
		v.n.srv.cfg.Logger.Warn("socketio: a socket's Data is not JSON", "id", id, "err", err)
		data = []byte("null")
	}
	return adapter.SocketInfo{ID: id, Handshake: hs, Data: data}, true
}

func (v nspView) ServerSideEvent(event string, args parser.Args, ack func(parser.Args)) {
	v.n.mu.RLock()
	hs := slices.Clone(v.n.onServer)
	v.n.mu.RUnlock()
	var once sync.Once
	var reply func(args ...any)
	if ack != nil {
		reply = func(args ...any) {
			once.Do(func() {
				a, err := serverSideArgs(event, args)
				if err != nil {
					v.n.srv.cfg.Logger.Error("socketio: a server-side event's answer", "event", event, "err", err)
					return
				}
				ack(a)
			})
		}
	}
	for _, h := range hs {
		func() {
			defer func() {
				if p := recover(); p != nil {
					v.n.srv.cfg.Logger.Error("socketio: panic in server-side event handler", "event", event, "panic", fmt.Sprint(p))
				}
			}()
			h(event, args, reply)
		}()
	}
}

func (v nspView) RoomChanged(ev adapter.RoomEvent, room, id string) {
	v.n.mu.RLock()
	hs := append([]RoomHandler(nil), v.n.onRoom...)
	v.n.mu.RUnlock()
	for _, h := range hs {
		h(ev, room, id)
	}
}

// ParentNamespace creates child namespaces on demand, for the names it
// matches (see Server.OfRegexp and Server.OfFunc). Middlewares and
// connection handlers added to it are copied into each child when the
// child is created.
type ParentNamespace struct {
	srv   *Server
	name  string // "/_0", "/_1", ... as in the reference
	re    *regexp.Regexp
	allow func(name string, auth json.RawMessage) (bool, error)

	mu          sync.RWMutex
	children    map[string]*Namespace // guarded by mu
	middlewares []Middleware          // guarded by mu
	onConnect   []func(*Socket)       // guarded by mu
}

func (p *ParentNamespace) matches(name string, auth json.RawMessage) bool {
	if p.re != nil {
		return p.re.MatchString(name)
	}
	ok, err := p.allow(name, auth)
	return ok && err == nil
}

func (p *ParentNamespace) adopt(n *Namespace) {
	p.mu.Lock()
	p.children[n.name] = n
	p.mu.Unlock()
}

func (p *ParentNamespace) orphan(n *Namespace) {
	p.mu.Lock()
	if p.children[n.name] == n {
		delete(p.children, n.name)
	}
	p.mu.Unlock()
}

// Name returns the parent's internal name ("/_0", ...).
func (p *ParentNamespace) Name() string { return p.name }

// Use adds a middleware to the children created from now on.
func (p *ParentNamespace) Use(m Middleware) {
	p.mu.Lock()
	p.middlewares = append(p.middlewares, m)
	p.mu.Unlock()
}

// OnConnection registers a connection handler for the children created
// from now on.
func (p *ParentNamespace) OnConnection(h func(*Socket)) {
	p.mu.Lock()
	p.onConnect = append(p.onConnect, h)
	p.mu.Unlock()
}

// Children returns the child namespaces that exist now.
func (p *ParentNamespace) Children() []*Namespace {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return slices.Collect(maps.Values(p.children))
}

// Emit sends an event to every socket of every child.
func (p *ParentNamespace) Emit(event string, args ...any) error {
	var first error
	for _, n := range p.Children() {
		if err := n.Emit(event, args...); err != nil && first == nil {
			first = err
		}
	}
	return first
}
