package nodepeer

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// A Selector picks the sockets of an operation, as io.of(Nsp).to(Rooms)
// .except(Except) and the flags do in Node. Its zero value selects every
// socket of the main namespace.
type Selector struct {
	Nsp      string        // "" is "/"
	Rooms    []string      // none: all sockets
	Except   []string      // sockets in these rooms are left out
	Local    bool          // this server's sockets only (not for emitters)
	Volatile bool          // the packet may be dropped
	Timeout  time.Duration // for acknowledgements; 0: the op's default (EmitWithAck: 5 s)
	Compress *bool         // nil: the default
}

// fields returns the command fields of s: nsp and select.
func (s Selector) fields() map[string]any {
	sel := map[string]any{}
	if len(s.Rooms) > 0 {
		sel["rooms"] = s.Rooms
	}
	if len(s.Except) > 0 {
		sel["except"] = s.Except
	}
	if s.Local {
		sel["local"] = true
	}
	if s.Volatile {
		sel["volatile"] = true
	}
	if s.Timeout > 0 {
		sel["timeout"] = s.Timeout.Milliseconds()
	}
	if s.Compress != nil {
		sel["compress"] = *s.Compress
	}
	return map[string]any{"nsp": nspOr(s.Nsp), "select": sel}
}

func nspOr(nsp string) string {
	if nsp == "" {
		return "/"
	}
	return nsp
}

// with returns m with the fields of more added.
func with(m map[string]any, more map[string]any) map[string]any {
	for k, v := range more {
		m[k] = v
	}
	return m
}

// ServerConfig configures a Node socket.io server. Redis or Cluster is
// required.
type ServerConfig struct {
	// Name names the server in the peer's events and in its answers to
	// server-side emits. Default: "node-<port>".
	Name string
	// Port is the port the server listens on, on 127.0.0.1. Default: a
	// free port.
	Port int
	// Redis is the URL of a Redis server, "redis://127.0.0.1:6379".
	Redis string
	// Cluster lists "host:port" addresses of Redis Cluster nodes, used
	// instead of Redis (node-redis createCluster).
	Cluster []string
	// Mode is "classic" (createAdapter, the default) or "sharded"
	// (createShardedAdapter, Redis 7 or later).
	Mode string
	// Options are the adapter's options, passed as they are: key,
	// requestsTimeout, publishOnSpecificResponseChannel (classic);
	// channelPrefix, subscriptionMode (sharded).
	Options map[string]any
	// Namespaces are created when the server starts, besides "/", so that
	// their adapters subscribe at once. Other namespaces are created when
	// an op names them or a client connects to them.
	Namespaces []string
	// ServerOptions are options of the socket.io Server, passed as they
	// are (the adapter is always set).
	ServerOptions map[string]any
}

// A Server is a socket.io server running in a peer.
type Server struct {
	Peer *Peer
	Name string
	Port int
	URL  string // http://127.0.0.1:<port>
}

// StartServer starts a socket.io server in the peer.
func (p *Peer) StartServer(t testing.TB, cfg ServerConfig) *Server {
	t.Helper()
	if cfg.Port == 0 {
		cfg.Port = FreePort(t)
	}
	args := map[string]any{"port": cfg.Port}
	if cfg.Name != "" {
		args["name"] = cfg.Name
	}
	if cfg.Redis != "" {
		args["redis"] = cfg.Redis
	}
	if len(cfg.Cluster) > 0 {
		args["cluster"] = cfg.Cluster
	}
	if cfg.Mode != "" {
		args["mode"] = cfg.Mode
	}
	if cfg.Options != nil {
		args["options"] = cfg.Options
	}
	if cfg.Namespaces != nil {
		args["namespaces"] = cfg.Namespaces
	}
	if cfg.ServerOptions != nil {
		args["serverOptions"] = cfg.ServerOptions
	}
	var res struct {
		Name string `json:"name"`
		Port int    `json:"port"`
		URL  string `json:"url"`
	}
	p.mustCallInto(t, "server", args, &res)
	return &Server{Peer: p, Name: res.Name, Port: res.Port, URL: res.URL}
}

func (s *Server) call(t testing.TB, op string, args map[string]any, v any) {
	t.Helper()
	args["server"] = s.Name
	if v == nil {
		s.Peer.MustCall(t, op, args)
		return
	}
	s.Peer.mustCallInto(t, op, args, v)
}

// UIDs returns the adapter uid of each namespace of the server: 6
// characters (classic) or 16 hex digits (sharded).
func (s *Server) UIDs(t testing.TB) map[string]string {
	t.Helper()
	var m map[string]string
	s.call(t, "uids", map[string]any{}, &m)
	return m
}

// Close closes the server and its Redis connections.
func (s *Server) Close(t testing.TB) {
	t.Helper()
	s.call(t, "serverClose", map[string]any{}, nil)
}

// Emit broadcasts event with args to the selected sockets.
func (s *Server) Emit(t testing.TB, sel Selector, event string, args ...any) {
	t.Helper()
	s.call(t, "emit", with(sel.fields(), map[string]any{"event": event, "args": argList(args)}), nil)
}

// AckResult is the outcome of an emit with acknowledgements: the
// responses, and the error message if it failed (with the responses that
// came before).
type AckResult struct {
	Responses []json.RawMessage `json:"responses"`
	Error     string            `json:"error"`
}

// EmitWithAck broadcasts event with args and waits for the
// acknowledgements of the selected sockets, for sel.Timeout (default 5 s).
func (s *Server) EmitWithAck(t testing.TB, sel Selector, event string, args ...any) AckResult {
	t.Helper()
	var r AckResult
	s.call(t, "emitWithAck", with(sel.fields(), map[string]any{"event": event, "args": argList(args)}), &r)
	return r
}

// A SocketInfo is a socket as fetchSockets returns it.
type SocketInfo struct {
	ID        string          `json:"id"`
	Handshake json.RawMessage `json:"handshake"`
	Rooms     []string        `json:"rooms"`
	Data      json.RawMessage `json:"data"`
	// Local is whether the socket is on the server that fetched it.
	Local bool `json:"local"`
}

// FetchSockets returns the selected sockets of the whole cluster.
func (s *Server) FetchSockets(t testing.TB, sel Selector) []SocketInfo {
	t.Helper()
	var out []SocketInfo
	s.call(t, "fetchSockets", sel.fields(), &out)
	return out
}

// SocketsJoin makes the selected sockets join rooms.
func (s *Server) SocketsJoin(t testing.TB, sel Selector, rooms ...string) {
	t.Helper()
	s.call(t, "socketsJoin", with(sel.fields(), map[string]any{"rooms": rooms}), nil)
}

// SocketsLeave makes the selected sockets leave rooms.
func (s *Server) SocketsLeave(t testing.TB, sel Selector, rooms ...string) {
	t.Helper()
	s.call(t, "socketsLeave", with(sel.fields(), map[string]any{"rooms": rooms}), nil)
}

// DisconnectSockets disconnects the selected sockets, and closes their
// connections if closeConn.
func (s *Server) DisconnectSockets(t testing.TB, sel Selector, closeConn bool) {
	t.Helper()
	s.call(t, "disconnectSockets", with(sel.fields(), map[string]any{"close": closeConn}), nil)
}

// ServerSideEmit sends event with args to the other servers.
func (s *Server) ServerSideEmit(t testing.TB, nsp, event string, args ...any) {
	t.Helper()
	s.call(t, "serverSideEmit", map[string]any{"nsp": nspOr(nsp), "event": event, "args": argList(args)}, nil)
}

// ServerSideEmitWithAck sends event with args to the other servers and
// waits for their answers (the adapter's requestsTimeout).
func (s *Server) ServerSideEmitWithAck(t testing.TB, nsp, event string, args ...any) AckResult {
	t.Helper()
	var r AckResult
	s.call(t, "serverSideEmitWithAck", map[string]any{"nsp": nspOr(nsp), "event": event, "args": argList(args)}, &r)
	return r
}

// ServerCount returns adapter.serverCount() of namespace nsp: the number of
// Redis subscribers of its request channel (classic) or of its main
// channel (sharded).
func (s *Server) ServerCount(t testing.TB, nsp string) int {
	t.Helper()
	var n int
	s.call(t, "serverCount", map[string]any{"nsp": nspOr(nsp)}, &n)
	return n
}

// AllRooms returns the rooms of namespace nsp across the cluster, sorted
// (classic adapter only).
func (s *Server) AllRooms(t testing.TB, nsp string) []string {
	t.Helper()
	var rooms []string
	s.call(t, "allRooms", map[string]any{"nsp": nspOr(nsp)}, &rooms)
	return rooms
}

// RemoteSocket fetches socket id of namespace nsp (through Redis when it
// is on another server) and applies action to it: "emit" (fields event,
// args), "join" or "leave" (rooms), "disconnect" (close). It returns
// whether the socket was local.
func (s *Server) RemoteSocket(t testing.TB, nsp, id, action string, fields map[string]any) bool {
	t.Helper()
	var r struct {
		Local bool `json:"local"`
	}
	args := map[string]any{"nsp": nspOr(nsp), "socket": id, "action": action}
	s.call(t, "remoteSocket", with(args, fields), &r)
	return r.Local
}

// ClientConfig configures a socket.io-client socket.
type ClientConfig struct {
	Nsp string // "" is "/"
	// Transports, e.g. ["websocket"]; nil: the client's default
	// (polling, then an upgrade).
	Transports []string
	// Auth is the handshake's auth. Its field "data" becomes the server
	// socket's data, and the socket joins the rooms of its field "rooms".
	Auth map[string]any
	// Options are more options of io(), passed as they are. The peer's
	// defaults: forceNew true, reconnection false, timeout 5000.
	Options map[string]any
}

// A Client is a socket.io-client socket running in a peer.
type Client struct {
	Peer *Peer
	Name string
	ID   string // the socket id when it connected
}

// Client connects a socket.io-client socket named name to the server at
// url, and returns once it is connected.
func (p *Peer) Client(t testing.TB, name, url string, cfg ClientConfig) *Client {
	t.Helper()
	args := map[string]any{"name": name, "url": url, "nsp": nspOr(cfg.Nsp)}
	if cfg.Transports != nil {
		args["transports"] = cfg.Transports
	}
	if cfg.Auth != nil {
		args["auth"] = cfg.Auth
	}
	if cfg.Options != nil {
		args["options"] = cfg.Options
	}
	var res struct {
		ID string `json:"id"`
	}
	p.mustCallInto(t, "client", args, &res)
	return &Client{Peer: p, Name: name, ID: res.ID}
}

// Emit emits event with args from the client.
func (c *Client) Emit(t testing.TB, event string, args ...any) {
	t.Helper()
	c.Peer.MustCall(t, "clientEmit", map[string]any{"client": c.Name, "event": event, "args": argList(args)})
}

// EmitWithAck emits event with args from the client and returns the
// acknowledgement's arguments, or the error after timeout (0: wait for as
// long as CallTimeout).
func (c *Client) EmitWithAck(t testing.TB, timeout time.Duration, event string, args ...any) ([]json.RawMessage, error) {
	t.Helper()
	cmd := map[string]any{"client": c.Name, "event": event, "args": argList(args), "ack": true}
	if timeout > 0 {
		cmd["timeout"] = timeout.Milliseconds()
	}
	res, err := c.Peer.callTimeout("clientEmit", cmd)
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	if err := json.Unmarshal(res, &out); err != nil {
		return nil, fmt.Errorf("nodepeer: clientEmit: decoding %s: %w", shorten(string(res)), err)
	}
	return out, nil
}

// Close disconnects the client.
func (c *Client) Close(t testing.TB) {
	t.Helper()
	c.Peer.MustCall(t, "clientClose", map[string]any{"client": c.Name})
}

// EmitterConfig configures a @socket.io/redis-emitter Emitter. Redis or
// Cluster is required.
type EmitterConfig struct {
	Name    string         // default "emitter-<n>"
	Redis   string         // a Redis URL
	Cluster []string       // or the "host:port" of Redis Cluster nodes
	Options map[string]any // the emitter's options: key
}

// An Emitter is a @socket.io/redis-emitter Emitter running in a peer. It
// speaks the classic adapter's format only. Its ops return once Redis has
// taken their messages.
type Emitter struct {
	Peer *Peer
	Name string
}

// StartEmitter creates an emitter in the peer.
func (p *Peer) StartEmitter(t testing.TB, cfg EmitterConfig) *Emitter {
	t.Helper()
	args := map[string]any{}
	if cfg.Name != "" {
		args["name"] = cfg.Name
	}
	if cfg.Redis != "" {
		args["redis"] = cfg.Redis
	}
	if len(cfg.Cluster) > 0 {
		args["cluster"] = cfg.Cluster
	}
	if cfg.Options != nil {
		args["options"] = cfg.Options
	}
	var res struct {
		Name string `json:"name"`
	}
	p.mustCallInto(t, "emitter", args, &res)
	return &Emitter{Peer: p, Name: res.Name}
}

func (e *Emitter) call(t testing.TB, op string, args map[string]any) {
	t.Helper()
	args["emitter"] = e.Name
	e.Peer.MustCall(t, op, args)
}

// Emit broadcasts event with args to the selected sockets (Local and
// Timeout do not apply).
func (e *Emitter) Emit(t testing.TB, sel Selector, event string, args ...any) {
	t.Helper()
	e.call(t, "emitterEmit", with(sel.fields(), map[string]any{"event": event, "args": argList(args)}))
}

// SocketsJoin makes the selected sockets join rooms.
func (e *Emitter) SocketsJoin(t testing.TB, sel Selector, rooms ...string) {
	t.Helper()
	e.call(t, "emitterSocketsJoin", with(sel.fields(), map[string]any{"rooms": rooms}))
}

// SocketsLeave makes the selected sockets leave rooms.
func (e *Emitter) SocketsLeave(t testing.TB, sel Selector, rooms ...string) {
	t.Helper()
	e.call(t, "emitterSocketsLeave", with(sel.fields(), map[string]any{"rooms": rooms}))
}

// DisconnectSockets disconnects the selected sockets.
func (e *Emitter) DisconnectSockets(t testing.TB, sel Selector, closeConn bool) {
	t.Helper()
	e.call(t, "emitterDisconnectSockets", with(sel.fields(), map[string]any{"close": closeConn}))
}

// ServerSideEmit sends event with args to every server (no
// acknowledgements: the emitter has none).
func (e *Emitter) ServerSideEmit(t testing.TB, nsp, event string, args ...any) {
	t.Helper()
	e.call(t, "emitterServerSideEmit", map[string]any{"nsp": nspOr(nsp), "event": event, "args": argList(args)})
}

// argList returns args for the peer: a list even when empty, with the
// []byte values, nested in []any and map[string]any too, as Bin.
func argList(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = wire(a)
	}
	return out
}

func wire(v any) any {
	switch x := v.(type) {
	case []byte:
		return Bin(x)
	case []any:
		return argList(x)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = wire(e)
		}
		return m
	}
	return v
}
