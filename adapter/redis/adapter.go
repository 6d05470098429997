package redis

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/redis/rueidis"
)

// Options configure the classic Redis adapter. The zero value is the
// reference's defaults.
type Options struct {
	// Key is the prefix of the channels, as the reference's key option:
	// a cluster's servers share one. Default "socket.io".
	Key string
	// RequestsTimeout bounds how long a request (FetchSockets,
	// ServerSideEmitWithAck) waits for the other servers' answers when
	// its context has no earlier deadline, as the reference's
	// requestsTimeout. Default 5 s.
	RequestsTimeout time.Duration
	// PublishOnSpecificResponseChannel sends this server's answers to
	// the channel of the server that asked (key-response#nsp#uid#) instead
	// of the channel all servers read (key-response#nsp#), as the
	// reference's option of that name: less traffic, once every server
	// of the cluster reads its own channel, which Node.js servers with
	// @socket.io/redis-adapter 7.2 or later do. Default false, the
	// reference's. Answers to ServerSideEmit go to the shared channel
	// either way, as the reference sends them.
	PublishOnSpecificResponseChannel bool
	// Logger receives what the adapter could not act on: messages that
	// do not decode, answers that could not be sent. Default
	// slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Key == "" {
		out.Key = "socket.io"
	}
	if out.RequestsTimeout <= 0 {
		out.RequestsTimeout = adapter.DefaultRequestsTimeout
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out
}

// server is what one server's adapters of every namespace share: the
// transport, with its one subscription connection, and the router.
// The transport starts with the first namespace and stops with the last.
type server struct {
	newTransport func(h handler) (transport, error)
	log          *slog.Logger

	mu     sync.Mutex
	tr     transport // guarded by mu
	router *router
	users  int // guarded by mu: the namespaces' adapters open
}

// acquire returns the transport, started if it is not.
func (s *server) acquire() (transport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tr == nil {
		tr, err := s.newTransport(s.router.route)
		if err != nil {
			return nil, err
		}
		s.tr = tr
	}
	s.users++
	return s.tr, nil
}

// release stops the transport when the last adapter closes.
func (s *server) release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users--
	if s.users > 0 || s.tr == nil {
		return nil
	}
	err := s.tr.close()
	s.tr = nil
	return err
}

// base is what a namespace's adapter is in either format: a Cluster
// whose Bus publishes with the format's codec on the server's transport,
// and the subscriptions of the namespace, routed to its inbox.
type base struct {
	*adapter.Cluster
	srv   *server
	tr    transport
	codec interface {
		encode(dst []byte, m *adapter.Message, to string) (channel string, out []byte, err error)
	}
	timeout time.Duration
	log     *slog.Logger
	in      *inbox

	mu       sync.Mutex
	channels map[string]bool // guarded by mu: subscribed
	patterns []string        // psubscribed; prefixes routed to the inbox are these without their "*"
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Publish is the Cluster's Bus.
func (a *base) Publish(ctx context.Context, m *adapter.Message) error {
	return a.send(ctx, m, "")
}

// PublishResponse is the Cluster's Bus.
func (a *base) PublishResponse(ctx context.Context, uid string, m *adapter.Message) error {
	return a.send(ctx, m, uid)
}

// send encodes m into a pooled buffer and publishes it. The buffer goes
// back to the pool only once the publish has returned without error:
// when ctx ends first, rueidis keeps the command queued and may still
// write it, bytes and all.
func (a *base) send(ctx context.Context, m *adapter.Message, to string) error {
	bp := bufPool.Get().(*[]byte)
	ch, payload, err := a.codec.encode((*bp)[:0], m, to)
	*bp = payload[:0]
	if err != nil || ch == "" {
		bufPool.Put(bp)
		return err
	}
	if err := a.tr.publish(ctx, ch, payload); err != nil {
		return err
	}
	bufPool.Put(bp)
	return nil
}

// listen subscribes to channels and patterns (each "prefix*"), routes
// their messages to the inbox, and waits for Redis to confirm, or ctx.
func (a *base) listen(ctx context.Context, channels, patterns []string) error {
	a.mu.Lock()
	for _, c := range channels {
		a.channels[c] = true
	}
	a.patterns = append(a.patterns, patterns...)
	a.mu.Unlock()
	a.srv.router.add(channels, prefixes(patterns), a.in.push)
	if len(patterns) > 0 {
		if err := a.tr.psubscribe(ctx, patterns...); err != nil {
			return err
		}
	}
	return a.tr.subscribe(ctx, channels...)
}

func prefixes(patterns []string) []string {
	out := make([]string, len(patterns))
	for i, p := range patterns {
		out[i] = strings.TrimSuffix(p, "*")
	}
	return out
}

// Close leaves the cluster: it ends the namespace's subscriptions.
func (a *base) Close() error {
	err := a.Cluster.Close()
	a.mu.Lock()
	channels := make([]string, 0, len(a.channels))
	for c := range a.channels {
		channels = append(channels, c)
	}
	a.channels = map[string]bool{}
	patterns := a.patterns
	a.mu.Unlock()
	a.srv.router.remove(channels, prefixes(patterns))
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout)
	defer cancel()
	a.tr.unsubscribe(ctx, channels...)
	if len(patterns) > 0 {
		a.tr.punsubscribe(ctx, patterns...)
	}
	a.in.close()
	if _, ok := a.tr.(failing); !ok {
		if rerr := a.srv.release(); err == nil {
			err = rerr
		}
	}
	return err
}

// start joins the adapter to the server's transport and makes its
// subscriptions; on failure the namespace serves this server only.
func (a *base) start(channels, patterns []string) {
	tr, err := a.srv.acquire()
	if err != nil {
		a.log.Error("redis adapter: no connection to Redis; the namespace serves this server only", "err", err)
		a.tr = failing{err}
		return
	}
	a.tr = tr
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout)
	defer cancel()
	if err := a.listen(ctx, channels, patterns); err != nil {
		a.log.Error("redis adapter: subscribing failed; retried with the connection", "err", err)
	}
}

// classicAdapter is one namespace's adapter in the classic format.
type classicAdapter struct {
	base
	format *classic
}

// receive handles one message of the adapter's channels.
func (a *classicAdapter) receive(channel string, payload []byte) {
	c := a.format
	switch channel {
	case c.request:
		m, raw, err := c.decodeRequest(payload)
		if err != nil {
			a.log.Warn("redis adapter: a request that does not decode", "channel", channel, "err", err)
			return
		}
		if raw != nil {
			a.answerLegacy(raw)
			return
		}
		a.Receive(m)
	case c.response, c.ownSubset:
		m, err := c.decodeResponse(payload)
		if err != nil {
			a.log.Warn("redis adapter: a response that does not decode", "channel", channel, "err", err)
			return
		}
		if m != nil {
			a.Receive(m)
		}
	default:
		// A broadcast: key#nsp# or key#nsp#room#. A room no local socket
		// is in is not worth decoding.
		if room := channel[len(c.prefix):]; len(room) > 1 && room[len(room)-1] == '#' {
			if !a.HasRoom(room[:len(room)-1]) {
				return
			}
		}
		if c.fromSelf(payload) {
			return // Redis echoes this server's own broadcasts back
		}
		m, err := c.decodeBroadcast(payload)
		if err != nil {
			a.log.Warn("redis adapter: a broadcast that does not decode", "channel", channel, "err", err)
			return
		}
		if m != nil {
			a.Receive(m)
		}
	}
}

// answerLegacy answers the requests the Cluster has no message for:
// ALL_ROOMS, which Node's adapter.allRooms() sends, and the legacy
// SOCKETS.
func (a *classicAdapter) answerLegacy(r *wireRequest) {
	if r.UID == a.UID() || r.RequestID == "" {
		return
	}
	var body struct {
		RequestID string   `json:"requestId"`
		Rooms     []string `json:"rooms,omitempty"`
		Sockets   []string `json:"sockets,omitempty"`
	}
	body.RequestID = r.RequestID
	if *r.Type == reqAllRooms {
		body.Rooms = a.Rooms()
		if body.Rooms == nil {
			body.Rooms = []string{}
		}
	} else {
		var rooms roomList
		json.Unmarshal(r.Rooms, &rooms)
		body.Sockets = a.Sockets(adapter.BroadcastOptions{Rooms: rooms})
		if body.Sockets == nil {
			body.Sockets = []string{}
		}
	}
	payload, _ := json.Marshal(body)
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout)
	defer cancel()
	if err := a.tr.publish(ctx, a.format.responseTo(r.UID), payload); err != nil {
		a.log.Warn("redis adapter: an answer not sent", "err", err)
	}
}

// NewAdapter returns the adapter factory of one server in a cluster of
// Socket.IO servers sharing a Redis, in the format of
// @socket.io/redis-adapter's createAdapter (8.3): Go and Node.js servers
// with that adapter and the same Key share one cluster. Set it as
// socketio.Options.Adapter. The client is the caller's, to close after
// the server: the adapters publish with it and hold their subscriptions
// on it. For a Redis Cluster, give a client of the cluster.
func NewAdapter(client rueidis.Client, opts *Options) adapter.Factory {
	o := opts.withDefaults()
	return newClassicFactory(newHooksTransport(client, false, o.Logger), &o)
}

// newClassicFactory returns the factory of the classic adapters of one
// server on transports made by newTransport.
func newClassicFactory(newTransport func(handler) (transport, error), o *Options) adapter.Factory {
	opts := o.withDefaults()
	srv := &server{newTransport: newTransport, log: opts.Logger, router: newRouter(opts.Logger)}
	return func(nsp adapter.Namespace) adapter.Adapter {
		uid := randomUID()
		c := newClassic(opts.Key, nsp.Name(), uid, opts.PublishOnSpecificResponseChannel)
		a := &classicAdapter{format: c}
		a.base = base{srv: srv, codec: c, timeout: opts.RequestsTimeout, channels: map[string]bool{},
			log: opts.Logger.With("namespace", nsp.Name(), "uid", uid)}
		a.in = newInbox(a.receive, defaultInboxBytes, a.log)
		a.Cluster = adapter.NewCluster(nsp, a, &adapter.ClusterOptions{
			UID:             uid,
			RequestsTimeout: opts.RequestsTimeout,
			ServerCount:     a.serverCount,
			Logger:          opts.Logger,
		})
		a.start([]string{c.request, c.response, c.ownSubset}, []string{c.prefix + "*"})
		return a
	}
}

func (a *classicAdapter) serverCount(ctx context.Context) (int, error) {
	return a.tr.numsub(ctx, a.format.request)
}

// randomUID returns 6 characters, as the reference's uid2(6).
func randomUID() string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var b [6]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b[:])
}

// failing is the transport of an adapter that could not connect.
type failing struct{ err error }

func (f failing) publish(context.Context, string, []byte) error { return f.err }
func (f failing) subscribe(context.Context, ...string) error    { return f.err }
func (f failing) unsubscribe(context.Context, ...string) error  { return f.err }
func (f failing) psubscribe(context.Context, ...string) error   { return f.err }
func (f failing) punsubscribe(context.Context, ...string) error { return f.err }
func (f failing) watch(string)                                  {}
func (f failing) unwatch(string)                                {}
func (f failing) settle(context.Context)                        {}
func (f failing) numsub(context.Context, string) (int, error)   { return 0, f.err }
func (f failing) close() error                                  { return nil }
