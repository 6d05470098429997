package socketio

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/parser"
)

// Server is a Socket.IO server. It is an http.Handler: mount it where
// clients connect, by default /socket.io/:
//
//	http.Handle("/socket.io/", srv)
type Server struct {
	cfg    *config
	engine *engineio.Server
	main   *Namespace
	// handlers counts the connections' handler goroutines, which Close
	// and Shutdown wait for.
	handlers sync.WaitGroup

	mu       sync.RWMutex
	nsps     map[string]*Namespace // guarded by mu
	parents  []*ParentNamespace    // guarded by mu
	clients  map[*client]struct{}  // guarded by mu
	onNewNsp []func(*Namespace)    // guarded by mu
	onPanic  []PanicHandler        // guarded by mu
	closing  bool                  // guarded by mu
}

// NewServer returns a server with opts (nil for the defaults). The main
// namespace "/" exists from the start.
func NewServer(opts *Options) *Server {
	srv := &Server{
		cfg:     newConfig(opts),
		nsps:    make(map[string]*Namespace),
		clients: make(map[*client]struct{}),
	}
	eo := srv.cfg.engineOptions()
	srv.engine = engineio.NewServer(engineio.HandlerFunc(srv.openSession), &eo)
	srv.main = srv.Of("/")
	return srv
}

// ServeHTTP serves the Engine.IO requests that carry Socket.IO.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	srv.engine.ServeHTTP(w, r)
}

// ListenAndServe listens on the TCP address addr and serves until the
// server is closed, as Node's io.listen: requests under path ("" means
// "/socket.io/") are Socket.IO's, the rest go to next (nil: 404 Not
// Found). It serves with an http.Server from engineio.NewHTTPServer, with
// the time-outs a public endpoint needs; Shutdown and Close stop it, and
// it then returns http.ErrServerClosed.
//
//	err := srv.ListenAndServe(":3000", "", http.FileServer(http.Dir("static")))
func (srv *Server) ListenAndServe(addr, path string, next http.Handler) error {
	return srv.engine.ListenAndServe(addr, socketIOPath(path), next)
}

// Serve is ListenAndServe on a listener of the caller's.
func (srv *Server) Serve(l net.Listener, path string, next http.Handler) error {
	return srv.engine.Serve(l, socketIOPath(path), next)
}

func socketIOPath(path string) string {
	if path == "" {
		return "/socket.io/"
	}
	return path
}

// Engine returns the Engine.IO server underneath.
func (srv *Server) Engine() *engineio.Server { return srv.engine }

// Of returns the namespace name, creating it if needed. A name that a
// dynamic parent namespace matches becomes one of its children.
func (srv *Server) Of(name string) *Namespace {
	if name == "" || name[0] != '/' {
		name = "/" + name
	}
	srv.mu.Lock()
	if n := srv.nsps[name]; n != nil {
		srv.mu.Unlock()
		return n
	}
	var parent *ParentNamespace
	for _, p := range srv.parents {
		if p.re != nil && p.re.MatchString(name) {
			parent = p
			break
		}
	}
	n := srv.newNamespaceLocked(name, parent)
	hooks := slices.Clone(srv.onNewNsp)
	srv.mu.Unlock()
	srv.announce(n, hooks)
	return n
}

func (srv *Server) newNamespaceLocked(name string, parent *ParentNamespace) *Namespace {
	n := newNamespace(srv, name, parent)
	srv.nsps[name] = n
	if parent != nil {
		parent.adopt(n)
	}
	return n
}

func (srv *Server) announce(n *Namespace, hooks []func(*Namespace)) {
	if n.name == "/" {
		return // the reference does not announce the main namespace
	}
	for _, h := range hooks {
		h(n)
	}
}

// OnNewNamespace registers f to be called with every namespace created
// from now on, static or dynamic, except "/".
func (srv *Server) OnNewNamespace(f func(*Namespace)) {
	srv.mu.Lock()
	srv.onNewNsp = append(srv.onNewNsp, f)
	srv.mu.Unlock()
}

// OfRegexp returns a parent namespace whose children are created on demand
// for every namespace name that re matches.
func (srv *Server) OfRegexp(re *regexp.Regexp) *ParentNamespace {
	return srv.addParent(&ParentNamespace{re: re})
}

// OfFunc returns a parent namespace whose children are created on demand
// for every namespace name that allow accepts. allow sees the name and the
// CONNECT packet's auth payload; an error refuses the connection as
// "Invalid namespace".
func (srv *Server) OfFunc(allow func(name string, auth json.RawMessage) (bool, error)) *ParentNamespace {
	return srv.addParent(&ParentNamespace{allow: allow})
}

func (srv *Server) addParent(p *ParentNamespace) *ParentNamespace {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	p.srv = srv
	p.name = "/_" + strconv.Itoa(len(srv.parents))
	p.children = make(map[string]*Namespace)
	srv.parents = append(srv.parents, p)
	return p
}

// lookup finds or creates the namespace a CONNECT asks for, or returns nil
// if there is none.
func (srv *Server) lookup(name string, auth json.RawMessage) *Namespace {
	srv.mu.RLock()
	n := srv.nsps[name]
	parents := append([]*ParentNamespace(nil), srv.parents...)
	srv.mu.RUnlock()
	if n != nil {
		return n
	}
	for _, p := range parents {
		if !p.matches(name, auth) {
			continue
		}
		srv.mu.Lock()
		if n = srv.nsps[name]; n == nil {
			n = srv.newNamespaceLocked(name, p)
			hooks := slices.Clone(srv.onNewNsp)
			srv.mu.Unlock()
			srv.announce(n, hooks)
			return n
		}
		srv.mu.Unlock()
		return n
	}
	return nil
}

// removeNamespace drops an empty child namespace (CleanupEmptyChildNamespaces).
func (srv *Server) removeNamespace(n *Namespace) {
	srv.mu.Lock()
	if srv.nsps[n.name] == n {
		delete(srv.nsps, n.name)
	}
	srv.mu.Unlock()
	if n.parent != nil {
		n.parent.orphan(n)
	}
	n.adapter.Close()
}

// Sockets returns the sockets connected to "/" on this server, as
// Namespace.Sockets does for any namespace; "/" itself is Of("/").
func (srv *Server) Sockets() []*Socket { return srv.main.Sockets() }

// OnConnection registers a handler for sockets that connect to "/".
func (srv *Server) OnConnection(h func(*Socket)) { srv.main.OnConnection(h) }

// Use adds a middleware to "/".
func (srv *Server) Use(m Middleware) { srv.main.Use(m) }

// To returns a broadcast to the sockets of "/" in rooms.
func (srv *Server) To(rooms ...string) BroadcastOperator { return srv.main.To(rooms...) }

// In is To.
func (srv *Server) In(rooms ...string) BroadcastOperator { return srv.main.To(rooms...) }

// Except returns a broadcast to the sockets of "/" not in rooms.
func (srv *Server) Except(rooms ...string) BroadcastOperator { return srv.main.Except(rooms...) }

// Emit sends an event to every socket of "/".
func (srv *Server) Emit(event string, args ...any) error { return srv.main.Emit(event, args...) }

// EmitWithAck sends an event to every socket of "/" and waits for their
// acknowledgements (see BroadcastOperator.EmitWithAck).
func (srv *Server) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return srv.main.EmitWithAck(ctx, event, args...)
}

// Timeout returns a broadcast to "/" whose acknowledgements are awaited at
// most d.
func (srv *Server) Timeout(d time.Duration) BroadcastOperator { return srv.main.Timeout(d) }

// Volatile returns a volatile broadcast to "/".
func (srv *Server) Volatile() BroadcastOperator { return srv.main.Volatile() }

// Local returns a broadcast to "/" that stays on this server.
func (srv *Server) Local() BroadcastOperator { return srv.main.Local() }

// FetchSockets returns the sockets of "/".
func (srv *Server) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	return srv.main.FetchSockets(ctx)
}

// SocketsJoin makes every socket of "/" join rooms.
func (srv *Server) SocketsJoin(ctx context.Context, rooms ...string) error {
	return srv.main.SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of "/" leave rooms.
func (srv *Server) SocketsLeave(ctx context.Context, rooms ...string) error {
	return srv.main.SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of "/".
func (srv *Server) DisconnectSockets(ctx context.Context) error {
	return srv.main.DisconnectSockets(ctx)
}

// CloseSockets closes the connections of every socket of "/".
func (srv *Server) CloseSockets(ctx context.Context) error { return srv.main.CloseSockets(ctx) }

// Shutdown disconnects every socket with ReasonServerShuttingDown, stops
// accepting connections, and closes the Engine.IO sessions gracefully,
// waiting for them as engineio.Server.Shutdown does.
func (srv *Server) Shutdown(ctx context.Context) error {
	srv.disconnectAll()
	err := srv.engine.Shutdown(ctx)
	if werr := srv.waitHandlers(ctx); err == nil {
		err = werr
	}
	return err
}

// Close disconnects every socket with ReasonServerShuttingDown and closes
// every connection at once. It waits for the connections' goroutines, so
// it must not be called from an event or connection handler.
func (srv *Server) Close() error {
	srv.disconnectAll()
	err := srv.engine.Close()
	srv.handlers.Wait()
	return err
}

// waitHandlers waits for the handler goroutines, or for ctx to end.
func (srv *Server) waitHandlers(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		srv.handlers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (srv *Server) disconnectAll() {
	srv.mu.Lock()
	srv.closing = true
	clients := make([]*client, 0, len(srv.clients))
	for c := range srv.clients {
		clients = append(clients, c)
	}
	nsps := make([]*Namespace, 0, len(srv.nsps))
	for _, n := range srv.nsps {
		nsps = append(nsps, n)
	}
	srv.mu.Unlock()
	for _, c := range clients {
		c.closeSockets(ReasonServerShuttingDown, nil)
	}
	for _, n := range nsps {
		n.adapter.Close()
	}
}

func (srv *Server) track(c *client) bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closing {
		return false
	}
	srv.clients[c] = struct{}{}
	return true
}

func (srv *Server) untrack(c *client) {
	srv.mu.Lock()
	delete(srv.clients, c)
	srv.mu.Unlock()
}

func (srv *Server) openSession(es *engineio.Session) engineio.SessionHandler {
	c := newClient(srv, es)
	if !srv.track(c) {
		es.Close()
		return c
	}
	c.startConnectTimeout()
	if c.v4 {
		// Protocol v4 connects every client to the main namespace at
		// once, whatever namespace it asked for.
		c.push(&parser.Packet{Type: parser.Connect, Namespace: "/"})
	}
	return c
}

// PanicHandler is told of a panic recovered from a handler of s.
type PanicHandler func(s *Socket, err *PanicError)

// OnPanic registers a handler for the panics recovered from the
// application's handlers (middleware, connection, event, acknowledgement,
// disconnect and error handlers). The panic is logged either way; the
// handler runs on the goroutine that recovered it, after the log.
func (srv *Server) OnPanic(h PanicHandler) {
	srv.mu.Lock()
	srv.onPanic = append(srv.onPanic, h)
	srv.mu.Unlock()
}

// reportPanic hands a recovered panic to the OnPanic handlers. A panic in
// one of them is logged, not reported again.
func (srv *Server) reportPanic(s *Socket, pe *PanicError) {
	srv.mu.RLock()
	hs := slices.Clone(srv.onPanic)
	srv.mu.RUnlock()
	for _, h := range hs {
		func() {
			defer func() {
				if v := recover(); v != nil {
					srv.cfg.Logger.Error("socketio: panic in panic handler", "socket", s.id, "panic", fmt.Sprint(v))
				}
			}()
			h(s, pe)
		}()
	}
}
