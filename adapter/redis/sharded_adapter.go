package redis

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/rueidis"

	"github.com/ab218a8d/socketio/adapter"
)

// ShardedOptions configure the sharded Redis adapter. The zero value is
// the reference's defaults.
type ShardedOptions struct {
	// ChannelPrefix is the prefix of the channels, as the reference's
	// channelPrefix: a cluster's servers share one. Default "socket.io".
	ChannelPrefix string
	// SubscriptionMode is how many channels a namespace uses, as the
	// reference's subscriptionMode. Default Dynamic.
	SubscriptionMode SubscriptionMode
	// RequestsTimeout bounds how long a request (FetchSockets,
	// ServerSideEmitWithAck) waits for the other servers' answers when
	// its context has no earlier deadline. Default 5 s, the reference's.
	RequestsTimeout time.Duration
	// Logger receives what the adapter could not act on. Default
	// slog.Default().
	Logger *slog.Logger
}

// NewShardedAdapter returns the adapter factory of one server in a
// cluster of Socket.IO servers sharing a Redis 7 (or a Redis Cluster)
// through sharded pub/sub, in the format of @socket.io/redis-adapter's
// createShardedAdapter (8.3): Go and Node.js servers with that adapter,
// the same ChannelPrefix and the same SubscriptionMode share one cluster.
// The client is the caller's, to close after the server.
func NewShardedAdapter(client rueidis.Client, opts *ShardedOptions) adapter.Factory {
	var o ShardedOptions
	if opts != nil {
		o = *opts
	}
	if o.ChannelPrefix == "" {
		o.ChannelPrefix = "socket.io"
	}
	if o.RequestsTimeout <= 0 {
		o.RequestsTimeout = adapter.DefaultRequestsTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if client.Mode() == rueidis.ClientModeCluster {
		// Each channel lives on the node of its slot: a subscription of
		// its own each, which rueidis routes there.
		return newShardedFactory(newRueidisTransport(client, true, o.Logger), &o)
	}
	return newShardedFactory(newHooksTransport(client, true, o.Logger), &o)
}

func newShardedFactory(newTransport func(handler) (transport, error), o *ShardedOptions) adapter.Factory {
	opts := *o
	srv := &server{newTransport: newTransport, log: opts.Logger, router: newRouter(opts.Logger)}
	return func(nsp adapter.Namespace) adapter.Adapter {
		uid := adapter.RandomID(8)
		c := newSharded(opts.ChannelPrefix, nsp.Name(), uid, opts.SubscriptionMode)
		a := &shardedAdapter{format: c}
		a.base = base{srv: srv, codec: c, timeout: opts.RequestsTimeout, channels: map[string]bool{},
			log: opts.Logger.With("namespace", nsp.Name(), "uid", uid)}
		a.in = newInbox(a.receive, defaultInboxBytes, a.log)
		a.Cluster = adapter.NewCluster(roomWatcher{nsp, a}, a, &adapter.ClusterOptions{
			UID:             uid,
			RequestsTimeout: opts.RequestsTimeout,
			ServerCount:     a.serverCount,
			Logger:          opts.Logger,
		})
		a.start([]string{c.channel, c.own}, nil)
		return a
	}
}

// shardedAdapter is one namespace's adapter in the sharded format.
type shardedAdapter struct {
	base
	format *sharded
}

func (a *shardedAdapter) serverCount(ctx context.Context) (int, error) {
	return a.tr.numsub(ctx, a.format.channel)
}

// receive handles one message of the adapter's channels.
func (a *shardedAdapter) receive(channel string, payload []byte) {
	m, err := a.format.decode(payload)
	if err != nil {
		a.log.Warn("redis adapter: a message that does not decode", "channel", channel, "err", err)
		return
	}
	if m == nil {
		return
	}
	a.Receive(m)
	if m.Type == adapter.SocketsJoin && a.format.mode != Static {
		// The rooms joined have their channels now: what this server
		// handles next (a request asking who is in them, say) comes once
		// Redis delivers on them, as a server that joined them itself
		// would receive.
		ctx, cancel := context.WithTimeout(context.Background(), a.timeout)
		a.tr.settle(ctx)
		cancel()
	}
}

// separate reports whether room has a channel of its own in the
// subscription mode: in Dynamic, rooms that are not a local socket's id;
// in DynamicPrivate, all.
func (a *shardedAdapter) separate(room, id string) bool {
	switch a.format.mode {
	case DynamicPrivate:
		return true
	case Dynamic:
		return room != id && a.SocketRooms(room) == nil
	}
	return false
}

// roomWatcher is the namespace as the sharded adapter's room index sees
// it: in the dynamic modes, a room that is created or deleted here is
// subscribed or unsubscribed, without waiting for Redis (membership
// changes are never held up by the network).
type roomWatcher struct {
	adapter.Namespace
	a *shardedAdapter
}

func (w roomWatcher) RoomChanged(ev adapter.RoomEvent, room, id string) {
	w.Namespace.RoomChanged(ev, room, id)
	a := w.a
	switch ev {
	case adapter.CreateRoom:
		if !a.separate(room, id) {
			return
		}
		ch := a.format.roomChannel(room)
		a.mu.Lock()
		if a.channels[ch] {
			a.mu.Unlock()
			return
		}
		a.channels[ch] = true
		a.mu.Unlock()
		a.srv.router.add([]string{ch}, nil, a.in.push)
		a.tr.watch(ch)
	case adapter.DeleteRoom:
		ch := a.format.roomChannel(room)
		a.mu.Lock()
		had := a.channels[ch]
		delete(a.channels, ch)
		a.mu.Unlock()
		if had {
			a.srv.router.remove([]string{ch}, nil)
			a.tr.unwatch(ch)
		}
	}
}
