package redis

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
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

// classicAdapter is one namespace's adapter in the classic format. It is
// the Cluster's Bus.
type classicAdapter struct {
	*adapter.Cluster
	srv   *server
	tr    transport
	codec *classic
	opts  Options
	log   *slog.Logger

	in       *inbox
	channels []string // subscribed: request, response(s)
	patterns []string // psubscribed: the broadcast channels
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func (a *classicAdapter) Publish(ctx context.Context, m *adapter.Message) error {
	return a.send(ctx, m, "")
}

func (a *classicAdapter) PublishResponse(ctx context.Context, uid string, m *adapter.Message) error {
	return a.send(ctx, m, uid)
}

func (a *classicAdapter) send(ctx context.Context, m *adapter.Message, to string) error {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	ch, payload, err := a.codec.encode((*bp)[:0], m, to)
	*bp = payload[:0]
	if err != nil || ch == "" {
		return err
	}
	return a.tr.publish(ctx, ch, payload)
}

// subscribe makes the adapter's subscriptions and routes their messages
// to it.
func (a *classicAdapter) subscribe(ctx context.Context) error {
	c := a.codec
	a.patterns = []string{c.prefix + "*"}
	a.channels = []string{c.request, c.response, c.ownSubset}
	a.srv.router.add(a.channels, []string{c.prefix}, a.in.push)
	if err := a.tr.psubscribe(ctx, a.patterns...); err != nil {
		return err
	}
	return a.tr.subscribe(ctx, a.channels...)
}

// receive handles one message of the adapter's channels.
func (a *classicAdapter) receive(channel string, payload []byte) {
	c := a.codec
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
			if len(a.Sockets(adapter.BroadcastOptions{Rooms: []string{room[:len(room)-1]}})) == 0 {
				return
			}
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
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	if err := a.tr.publish(ctx, a.codec.responseTo(r.UID), payload); err != nil {
		a.log.Warn("redis adapter: an answer not sent", "err", err)
	}
}

// Close leaves the cluster: it ends the namespace's subscriptions.
func (a *classicAdapter) Close() error {
	err := a.Cluster.Close()
	a.srv.router.remove(a.channels, []string{a.codec.prefix})
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	if a.tr != nil {
		a.tr.unsubscribe(ctx, a.channels...)
		a.tr.punsubscribe(ctx, a.patterns...)
	}
	a.in.close()
	if _, ok := a.tr.(failing); !ok {
		if rerr := a.srv.release(); err == nil {
			err = rerr
		}
	}
	return err
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
	return newClassicFactory(newRueidisTransport(client, false, o.Logger), &o)
}

// newClassicFactory returns the factory of the classic adapters of one
// server on transports made by newTransport.
func newClassicFactory(newTransport func(handler) (transport, error), o *Options) adapter.Factory {
	opts := o.withDefaults()
	srv := &server{newTransport: newTransport, log: opts.Logger, router: newRouter(opts.Logger)}
	return func(nsp adapter.Namespace) adapter.Adapter {
		uid := randomUID()
		a := &classicAdapter{
			srv:   srv,
			codec: newClassic(opts.Key, nsp.Name(), uid, opts.PublishOnSpecificResponseChannel),
			opts:  opts,
			log:   opts.Logger.With("namespace", nsp.Name(), "uid", uid),
		}
		a.in = newInbox(a.receive, defaultInboxBytes, a.log)
		a.Cluster = adapter.NewCluster(nsp, a, &adapter.ClusterOptions{
			UID:             uid,
			RequestsTimeout: opts.RequestsTimeout,
			ServerCount:     a.serverCount,
			Logger:          opts.Logger,
		})
		tr, err := srv.acquire()
		if err != nil {
			a.log.Error("redis adapter: no connection to Redis; the namespace serves this server only", "err", err)
			a.tr = failing{err}
			return a
		}
		a.tr = tr
		ctx, cancel := context.WithTimeout(context.Background(), opts.RequestsTimeout)
		defer cancel()
		if err := a.subscribe(ctx); err != nil {
			a.log.Error("redis adapter: subscribing failed; retried with the connection", "err", err)
		}
		return a
	}
}

func (a *classicAdapter) serverCount(ctx context.Context) (int, error) {
	return a.tr.numsub(ctx, a.codec.request)
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
func (f failing) numsub(context.Context, string) (int, error)   { return 0, f.err }
func (f failing) close() error                                  { return nil }
