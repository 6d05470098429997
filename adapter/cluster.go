package adapter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/parser"
)

// Bus carries a Cluster's messages between the servers of a cluster: it
// is what an engine (Redis, NATS, ...) supplies. Its methods are called
// from any goroutine, and are bounded by ctx.
type Bus interface {
	// Publish sends m to every server of the namespace. The sender may
	// receive it too: Cluster.Receive ignores a server's own messages.
	Publish(ctx context.Context, m *Message) error
	// PublishResponse sends m, a response, to the server uid.
	PublishResponse(ctx context.Context, uid string, m *Message) error
}

// ClusterOptions configure a Cluster. The zero value is the reference's
// defaults, with the servers counted by heartbeats.
type ClusterOptions struct {
	// UID identifies this server's adapter of the namespace in the
	// cluster. Default: 16 random hexadecimal digits, as the reference's
	// ClusterAdapter makes them.
	UID string
	// RequestsTimeout bounds how long a request (FetchSockets,
	// ServerSideEmitWithAck, ServerCount) waits for the other servers
	// when its context has no earlier deadline. Default 5 s, the
	// reference's.
	RequestsTimeout time.Duration
	// ServerCount counts the servers of the namespace, this one
	// included, when the engine can ask its transport (Redis's PUBSUB
	// NUMSUB). Nil: the servers are counted by their heartbeats, as the
	// reference's ClusterAdapterWithHeartbeat counts them.
	ServerCount func(ctx context.Context) (int, error)
	// HeartbeatInterval is how long a server that publishes nothing waits
	// before it publishes a Heartbeat, when ServerCount is nil. Default
	// 5 s.
	HeartbeatInterval time.Duration
	// HeartbeatTimeout is how long a server may go unheard before the
	// others stop counting it, when ServerCount is nil. Default 10 s.
	HeartbeatTimeout time.Duration
	// Logger receives what the cluster could not act on: messages that
	// do not decode, requests that fail. Default: slog.Default().
	Logger *slog.Logger
}

// The reference's defaults.
const (
	DefaultRequestsTimeout   = 5 * time.Second
	DefaultHeartbeatInterval = 5 * time.Second
	DefaultHeartbeatTimeout  = 10 * time.Second
)

// TimeoutError is the error of a request that did not get every answer it
// waited for. Its message is the reference's.
type TimeoutError struct {
	Op   string // "fetchSockets", "serverSideEmit", "serverCount"
	Got  int    // answers received
	Want int    // answers awaited
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("adapter: %s: timeout reached: only %d responses received out of %d", e.Op, e.Got, e.Want)
}

// Is makes a TimeoutError match context.DeadlineExceeded.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// ErrClosed is returned by the cluster operations of a closed Cluster.
var ErrClosed = errors.New("adapter: closed")

// Cluster is the part of a remote adapter that does not depend on what
// carries its messages: it keeps the local room index (its Memory),
// publishes each cluster operation on a Bus, applies the operations it
// receives, and gathers the answers to its requests with their timeouts.
// With no ServerCount it also counts the servers by their heartbeats.
//
// An engine makes one per namespace with NewCluster, hands every message
// it receives to Receive, and returns the Cluster (or a type embedding
// it) as the namespace's Adapter.
type Cluster struct {
	*Memory
	nsp  Namespace
	bus  Bus
	opts ClusterOptions
	uid  string
	log  *slog.Logger

	// ctx ends when the Cluster closes: it bounds what the Cluster does
	// on its own (answers, heartbeats).
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	requests map[string]*request    // guarded by mu: awaiting answers, by request id
	acks     map[string]*ackRequest // guarded by mu: broadcasts with acks, by request id
	nodes    map[string]int64       // guarded by mu: heartbeat mode, last heard (monotonic ns)
	hbTimer  *time.Timer            // guarded by mu: heartbeat mode, next heartbeat
	closed   bool                   // guarded by mu
	wg       sync.WaitGroup         // the liveness checker
}

// NewCluster returns the Cluster of nsp on bus. In heartbeat mode (no
// opts.ServerCount) it announces itself with an InitialHeartbeat.
func NewCluster(nsp Namespace, bus Bus, opts *ClusterOptions) *Cluster {
	var o ClusterOptions
	if opts != nil {
		o = *opts
	}
	if o.UID == "" {
		o.UID = RandomID(8)
	}
	if o.RequestsTimeout <= 0 {
		o.RequestsTimeout = DefaultRequestsTimeout
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if o.HeartbeatTimeout <= 0 {
		o.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Cluster{
		Memory:   NewMemory(nsp).(*Memory),
		nsp:      nsp,
		bus:      bus,
		opts:     o,
		uid:      o.UID,
		log:      o.Logger.With("namespace", nsp.Name(), "uid", o.UID),
		ctx:      ctx,
		cancel:   cancel,
		requests: make(map[string]*request),
		acks:     make(map[string]*ackRequest),
	}
	if c.heartbeats() {
		c.nodes = make(map[string]int64)
		c.mu.Lock()
		c.hbTimer = time.AfterFunc(o.HeartbeatInterval, c.heartbeat)
		c.mu.Unlock()
		c.wg.Add(1)
		go c.checkNodes()
		c.publishAsync(&Message{Type: InitialHeartbeat})
	}
	return c
}

// RandomID returns n random bytes in hexadecimal, as the reference's
// randomBytes(n).toString("hex").
func RandomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// UID returns the id of this server's adapter in the cluster.
func (c *Cluster) UID() string { return c.uid }

func (c *Cluster) heartbeats() bool { return c.opts.ServerCount == nil }

// Close leaves the cluster: in heartbeat mode it tells the others
// (AdapterClose); requests still waiting fail with ErrClosed.
func (c *Cluster) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	if c.hbTimer != nil {
		c.hbTimer.Stop()
	}
	reqs := c.requests
	c.requests = map[string]*request{}
	c.acks = map[string]*ackRequest{}
	c.mu.Unlock()
	for _, r := range reqs {
		r.finish(ErrClosed)
	}
	if c.heartbeats() {
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.RequestsTimeout)
		c.publish(ctx, &Message{Type: AdapterClose})
		cancel()
	}
	c.cancel()
	c.wg.Wait()
	return c.Memory.Close()
}

// publish stamps m as this server's and publishes it; in heartbeat mode
// it also puts the next heartbeat off, as any message shows this server
// alive.
func (c *Cluster) publish(ctx context.Context, m *Message) error {
	m.UID, m.Namespace = c.uid, c.nsp.Name()
	if c.heartbeats() {
		c.mu.Lock()
		if c.hbTimer != nil && !c.closed {
			c.hbTimer.Reset(c.opts.HeartbeatInterval)
		}
		c.mu.Unlock()
	}
	if err := c.bus.Publish(ctx, m); err != nil {
		return fmt.Errorf("adapter: failed to publish %v: %w", m.Type, err)
	}
	return nil
}

// publishAsync publishes m on a goroutine of the Cluster's, bounded by
// RequestsTimeout: for what the Cluster sends on its own.
func (c *Cluster) publishAsync(m *Message) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		ctx, cancel := context.WithTimeout(c.ctx, c.opts.RequestsTimeout)
		defer cancel()
		if err := c.publish(ctx, m); err != nil {
			c.log.Warn("adapter: cluster message not sent", "type", m.Type, "err", err)
		}
	}()
}

// respond sends r to the server that sent the request m.
func (c *Cluster) respond(m *Message, r *Message) {
	r.UID, r.Namespace, r.RequestID = c.uid, c.nsp.Name(), m.RequestID
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.RequestsTimeout)
	defer cancel()
	if err := c.bus.PublishResponse(ctx, m.UID, r); err != nil && c.ctx.Err() == nil {
		c.log.Warn("adapter: cluster response not sent", "type", r.Type, "to", m.UID, "err", err)
	}
}

// heartbeat publishes a Heartbeat: nothing was published for a while.
func (c *Cluster) heartbeat() {
	c.publishAsync(&Message{Type: Heartbeat})
	c.mu.Lock()
	if !c.closed {
		c.hbTimer.Reset(c.opts.HeartbeatInterval)
	}
	c.mu.Unlock()
}

// checkNodes forgets, every second, the servers unheard for longer than
// HeartbeatTimeout, and stops waiting for their answers.
func (c *Cluster) checkNodes() {
	defer c.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		c.forgetBefore(nanotime() - int64(c.opts.HeartbeatTimeout))
	}
}

func (c *Cluster) forgetBefore(before int64) {
	var gone []string
	c.mu.Lock()
	for uid, seen := range c.nodes {
		if seen < before {
			delete(c.nodes, uid)
			gone = append(gone, uid)
		}
	}
	reqs := c.requestsLocked()
	c.mu.Unlock()
	for _, uid := range gone {
		c.log.Debug("adapter: server gone", "server", uid)
		for _, r := range reqs {
			r.forget(uid)
		}
	}
}

func (c *Cluster) requestsLocked() []*request {
	out := make([]*request, 0, len(c.requests))
	for _, r := range c.requests {
		out = append(out, r)
	}
	return out
}

// ServerCount returns how many servers serve the namespace, this one
// included.
func (c *Cluster) ServerCount(ctx context.Context) (int, error) {
	if !c.heartbeats() {
		ctx, cancel := c.bound(ctx)
		defer cancel()
		return c.opts.ServerCount(ctx)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return 1 + len(c.nodes), nil
}

// bound gives ctx the RequestsTimeout if it has no earlier deadline.
func (c *Cluster) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= c.opts.RequestsTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, c.opts.RequestsTimeout)
}

// Broadcast delivers p to the local sockets opts selects and, unless
// opts.Flags.Local, publishes it to the other servers. Local delivery does
// not wait for, nor depend on, the publish.
func (c *Cluster) Broadcast(ctx context.Context, p *parser.Packet, opts BroadcastOptions) error {
	err := c.Memory.Broadcast(ctx, p, opts)
	if err != nil || opts.Flags.Local {
		return err
	}
	ctx, cancel := c.bound(ctx)
	defer cancel()
	return c.publish(ctx, &Message{Type: Broadcast, Packet: p, Opts: opts})
}

// BroadcastWithAck delivers p to the local sockets and publishes it with
// a request id: each other server answers with how many sockets it
// reached, then with each of their acknowledgements, until
// opts.Flags.Timeout.
func (c *Cluster) BroadcastWithAck(ctx context.Context, p *parser.Packet, opts BroadcastOptions, clientCount func(int), ack func(parser.Args)) error {
	if !opts.Flags.Local {
		id := RandomID(8)
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return ErrClosed
		}
		c.acks[id] = &ackRequest{clientCount: clientCount, ack: ack}
		c.mu.Unlock()
		time.AfterFunc(opts.Flags.Timeout, func() {
			c.mu.Lock()
			delete(c.acks, id)
			c.mu.Unlock()
		})
		pctx, cancel := c.bound(ctx)
		err := c.publish(pctx, &Message{Type: Broadcast, RequestID: id, Packet: p, Opts: opts})
		cancel()
		if err != nil {
			c.mu.Lock()
			delete(c.acks, id)
			c.mu.Unlock()
			return err
		}
	}
	return c.Memory.BroadcastWithAck(ctx, p, opts, clientCount, ack)
}

// ackRequest routes the answers to a broadcast with acks.
type ackRequest struct {
	clientCount func(int)
	ack         func(parser.Args)
}

// FetchSockets returns the local sockets opts selects and, unless
// opts.Flags.Local, those of the other servers.
func (c *Cluster) FetchSockets(ctx context.Context, opts BroadcastOptions) ([]SocketInfo, error) {
	local, _ := c.Memory.FetchSockets(ctx, opts)
	if opts.Flags.Local {
		return local, nil
	}
	r, err := c.request(ctx, "fetchSockets", &Message{Type: FetchSockets, Opts: opts})
	if err != nil {
		return nil, err
	}
	return append(local, r.sockets...), nil
}

// AddSockets makes the selected sockets join rooms, here and, unless
// opts.Flags.Local, on the other servers.
func (c *Cluster) AddSockets(ctx context.Context, opts BroadcastOptions, rooms []Room) error {
	c.Memory.AddSockets(ctx, opts, rooms)
	return c.publishUnlessLocal(ctx, opts, &Message{Type: SocketsJoin, Opts: opts, Rooms: rooms})
}

// DelSockets makes the selected sockets leave rooms, here and, unless
// opts.Flags.Local, on the other servers.
func (c *Cluster) DelSockets(ctx context.Context, opts BroadcastOptions, rooms []Room) error {
	c.Memory.DelSockets(ctx, opts, rooms)
	return c.publishUnlessLocal(ctx, opts, &Message{Type: SocketsLeave, Opts: opts, Rooms: rooms})
}

// DisconnectSockets disconnects the selected sockets, here and, unless
// opts.Flags.Local, on the other servers.
func (c *Cluster) DisconnectSockets(ctx context.Context, opts BroadcastOptions, how Disconnection) error {
	c.Memory.DisconnectSockets(ctx, opts, how)
	return c.publishUnlessLocal(ctx, opts, &Message{Type: DisconnectSockets, Opts: opts, Close: how == CloseConnection})
}

func (c *Cluster) publishUnlessLocal(ctx context.Context, opts BroadcastOptions, m *Message) error {
	if opts.Flags.Local {
		return nil
	}
	ctx, cancel := c.bound(ctx)
	defer cancel()
	return c.publish(ctx, m)
}

// ServerSideEmit sends event to the other servers.
func (c *Cluster) ServerSideEmit(ctx context.Context, event string, args parser.Args) error {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	return c.publish(ctx, &Message{Type: ServerSideEmit, Event: event, Args: args})
}

// ServerSideEmitWithAck sends event to the other servers and returns
// their answers. A *TimeoutError comes with the answers that did arrive.
func (c *Cluster) ServerSideEmitWithAck(ctx context.Context, event string, args parser.Args) ([]parser.Args, error) {
	r, err := c.request(ctx, "serverSideEmit", &Message{Type: ServerSideEmit, Event: event, Args: args})
	if r == nil {
		return nil, err
	}
	return r.answers, err
}

// request publishes m with a fresh request id and waits for an answer
// from every other server, until ctx ends or RequestsTimeout passes.
// Alone, it returns at once.
func (c *Cluster) request(ctx context.Context, op string, m *Message) (*request, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	m.RequestID = RandomID(8)
	r := &request{typ: m.Type, done: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if c.heartbeats() {
		r.missing = make(map[string]struct{}, len(c.nodes))
		for uid := range c.nodes {
			r.missing[uid] = struct{}{}
		}
		r.want = len(r.missing)
	}
	c.mu.Unlock()
	if !c.heartbeats() {
		n, err := c.opts.ServerCount(ctx)
		if err != nil {
			return nil, fmt.Errorf("adapter: %s: counting the servers: %w", op, err)
		}
		r.want = n - 1
	}
	if r.want <= 0 {
		return r, nil
	}
	c.mu.Lock()
	c.requests[m.RequestID] = r
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.requests, m.RequestID)
		c.mu.Unlock()
	}()
	if err := c.publish(ctx, m); err != nil {
		return nil, err
	}
	select {
	case <-r.done:
		return r, r.err
	case <-ctx.Done():
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got >= r.want { // answered as ctx ended
		return r, nil
	}
	if ctx.Err() == context.Canceled {
		return r, ctx.Err()
	}
	return r, &TimeoutError{Op: op, Got: r.got, Want: r.want}
}

// request gathers the answers to one request.
type request struct {
	typ  MessageType
	done chan struct{} // closed when every answer came, or on error

	mu      sync.Mutex
	want    int                 // guarded by mu
	got     int                 // guarded by mu
	missing map[string]struct{} // guarded by mu: heartbeat mode, servers yet to answer
	sockets []SocketInfo        // guarded by mu
	answers []parser.Args       // guarded by mu
	err     error               // guarded by mu
	ended   bool                // guarded by mu
}

// answer records the answer of server uid.
func (r *request) answer(uid string, m *Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return
	}
	if r.missing != nil {
		if _, ok := r.missing[uid]; !ok {
			return // not awaited: a server that came, or answered, already
		}
		delete(r.missing, uid)
	}
	r.got++
	switch m.Type {
	case FetchSocketsResponse:
		r.sockets = append(r.sockets, m.Sockets...)
	case ServerSideEmitResponse:
		r.answers = append(r.answers, m.Args)
	}
	if r.got >= r.want {
		r.endLocked(nil)
	}
}

// forget stops waiting for server uid, which is gone.
func (r *request) forget(uid string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.missing[uid]; !ok || r.ended {
		return
	}
	delete(r.missing, uid)
	r.want--
	if r.got >= r.want {
		r.endLocked(nil)
	}
}

func (r *request) finish(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.endLocked(err)
}

func (r *request) endLocked(err error) {
	if r.ended {
		return
	}
	r.ended, r.err = true, err
	close(r.done)
}

// Receive applies a message from the cluster. Messages from this server
// itself and from other namespaces are ignored, as are answers to
// requests that are not this server's or no longer wait. The engine calls
// it from its receiving goroutine, one message at a time or not.
func (c *Cluster) Receive(m *Message) {
	if m.UID == c.uid || (m.Namespace != "" && m.Namespace != c.nsp.Name()) {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if c.nodes != nil && m.UID != EmitterUID && m.UID != "" {
		if m.Type == AdapterClose {
			delete(c.nodes, m.UID)
		} else {
			c.nodes[m.UID] = nanotime()
		}
	}
	c.mu.Unlock()
	switch m.Type {
	case InitialHeartbeat:
		if c.heartbeats() {
			c.publishAsync(&Message{Type: Heartbeat})
		}
	case Heartbeat:
	case AdapterClose:
		c.mu.Lock()
		reqs := c.requestsLocked()
		c.mu.Unlock()
		for _, r := range reqs {
			r.forget(m.UID)
		}
	case Broadcast:
		c.receiveBroadcast(m)
	case SocketsJoin:
		c.Memory.AddSockets(c.ctx, m.Opts, m.Rooms)
	case SocketsLeave:
		c.Memory.DelSockets(c.ctx, m.Opts, m.Rooms)
	case DisconnectSockets:
		how := SocketOnly
		if m.Close {
			how = CloseConnection
		}
		c.Memory.DisconnectSockets(c.ctx, m.Opts, how)
	case FetchSockets:
		c.respond(m, &Message{Type: FetchSocketsResponse, Sockets: c.describe(m.Opts)})
	case ServerSideEmit:
		c.receiveServerSideEmit(m)
	case FetchSocketsResponse, ServerSideEmitResponse:
		c.mu.Lock()
		r := c.requests[m.RequestID]
		c.mu.Unlock()
		if r == nil {
			c.log.Debug("adapter: an answer to no request of ours", "type", m.Type, "request", m.RequestID)
			return
		}
		r.answer(m.UID, m)
	case BroadcastClientCount, BroadcastAck:
		c.mu.Lock()
		a := c.acks[m.RequestID]
		c.mu.Unlock()
		if a == nil {
			c.log.Debug("adapter: an answer to no broadcast of ours", "type", m.Type, "request", m.RequestID)
			return
		}
		if m.Type == BroadcastClientCount {
			a.clientCount(m.ClientCount)
		} else {
			a.ack(m.Args)
		}
	default:
		c.log.Warn("adapter: unknown cluster message", "type", int(m.Type), "from", m.UID)
	}
}

func (c *Cluster) receiveBroadcast(m *Message) {
	if m.Packet == nil {
		c.log.Warn("adapter: a broadcast without a packet", "from", m.UID)
		return
	}
	opts := m.Opts
	opts.Flags.Local = true // delivered here only
	if m.RequestID == "" {
		if err := c.Memory.Broadcast(c.ctx, m.Packet, opts); err != nil {
			c.log.Warn("adapter: a broadcast not delivered", "from", m.UID, "err", err)
		}
		return
	}
	err := c.Memory.BroadcastWithAck(c.ctx, m.Packet, opts,
		func(n int) { c.respond(m, &Message{Type: BroadcastClientCount, ClientCount: n}) },
		func(a parser.Args) { c.respond(m, &Message{Type: BroadcastAck, Args: a.Element(0)}) })
	if err != nil {
		c.log.Warn("adapter: a broadcast with acks not delivered", "from", m.UID, "err", err)
	}
}

func (c *Cluster) receiveServerSideEmit(m *Message) {
	if m.RequestID == "" {
		c.nsp.ServerSideEvent(m.Event, m.Args, nil)
		return
	}
	c.nsp.ServerSideEvent(m.Event, m.Args, func(answer parser.Args) {
		c.respond(m, &Message{Type: ServerSideEmitResponse, Args: answer.Element(0)})
	})
}

// describe returns the local sockets opts selects, described for
// another server.
func (c *Cluster) describe(opts BroadcastOptions) []SocketInfo {
	ids := c.Memory.Sockets(opts)
	out := make([]SocketInfo, 0, len(ids))
	for _, id := range ids {
		if info, ok := c.nsp.SocketInfo(id); ok {
			info.Rooms = c.Memory.SocketRooms(id)
			out = append(out, info)
		}
	}
	return out
}

// clockStart is what nanotime counts from.
var clockStart = time.Now()

// nanotime returns the monotonic clock's nanoseconds since clockStart.
func nanotime() int64 { return int64(time.Since(clockStart)) }
