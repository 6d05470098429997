package redis

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// transport is what the adapters need of a Redis client: publishing,
// the subscriptions of one server, and counting a channel's subscribers.
// Messages arrive at the handler given when the transport was made, in
// the order Redis sent them on each connection.
type transport interface {
	// publish sends payload on channel (PUBLISH, or SPUBLISH when sharded).
	publish(ctx context.Context, channel string, payload []byte) error
	// subscribe and unsubscribe change the subscriptions to channels
	// (SUBSCRIBE, or SSUBSCRIBE when sharded), kept across reconnections.
	subscribe(ctx context.Context, channels ...string) error
	unsubscribe(ctx context.Context, channels ...string) error
	// watch and unwatch subscribe and unsubscribe a channel without
	// waiting for Redis.
	watch(channel string)
	unwatch(channel string)
	// settle waits until Redis confirmed every subscription made so far,
	// or ctx.
	settle(ctx context.Context)
	// psubscribe and punsubscribe change the pattern subscriptions
	// (classic only).
	psubscribe(ctx context.Context, patterns ...string) error
	punsubscribe(ctx context.Context, patterns ...string) error
	// numsub counts the subscribers of channel, over every node of a
	// Redis Cluster (PUBSUB NUMSUB, or SHARDNUMSUB when sharded).
	numsub(ctx context.Context, channel string) (int, error)
	// close ends the subscriptions; the client stays the caller's.
	close() error
}

// handler receives a message of a subscription.
type handler func(channel string, payload []byte)

// router hands each message a transport receives to the namespace adapter
// that subscribed to its channel: one server's adapters of every
// namespace share one transport, so one subscription connection.
type router struct {
	log *slog.Logger

	mu       sync.RWMutex
	channels map[string]handler // guarded by mu: by exact channel
	prefixes map[string]handler // guarded by mu: by channel prefix (patterns "prefix*")
}

func newRouter(log *slog.Logger) *router {
	return &router{log: log, channels: make(map[string]handler), prefixes: make(map[string]handler)}
}

// route delivers one message.
func (r *router) route(channel string, payload []byte) {
	r.mu.RLock()
	h := r.channels[channel]
	if h == nil {
		for p, ph := range r.prefixes {
			if strings.HasPrefix(channel, p) {
				h = ph
				break
			}
		}
	}
	r.mu.RUnlock()
	if h == nil {
		r.log.Debug("redis adapter: a message on a channel no namespace listens to", "channel", channel)
		return
	}
	h(channel, payload)
}

func (r *router) add(channels []string, prefixes []string, h handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range channels {
		r.channels[c] = h
	}
	for _, p := range prefixes {
		r.prefixes[p] = h
	}
}

func (r *router) remove(channels []string, prefixes []string) (empty bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range channels {
		delete(r.channels, c)
	}
	for _, p := range prefixes {
		delete(r.prefixes, p)
	}
	return len(r.channels) == 0 && len(r.prefixes) == 0
}

// inbox queues the messages of one namespace's adapter for its own
// goroutine: the transport's reading goroutine must never wait on an
// adapter (rueidis reads the replies of every command on it, and an
// adapter answering a request publishes). The queue is bounded in bytes:
// what would exceed the bound is dropped and logged.
type inbox struct {
	handle handler
	limit  int
	log    *slog.Logger

	mu      sync.Mutex
	queue   []message // guarded by mu
	bytes   int       // guarded by mu
	dropped int       // guarded by mu: since the last log
	closed  bool      // guarded by mu

	wake chan struct{}
	done chan struct{}
}

type message struct {
	channel string
	payload []byte
}

// defaultInboxBytes bounds what a namespace's adapter holds unhandled.
const defaultInboxBytes = 64 << 20

func newInbox(h handler, limit int, log *slog.Logger) *inbox {
	in := &inbox{handle: h, limit: limit, log: log, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go in.run()
	return in
}

// push queues a message; it never blocks.
func (in *inbox) push(channel string, payload []byte) {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return
	}
	if in.bytes+len(payload) > in.limit {
		in.dropped++
		n := in.dropped
		in.mu.Unlock()
		if n == 1 {
			in.log.Error("redis adapter: messages dropped: this server handles cluster messages slower than they come", "limit", in.limit)
		}
		return
	}
	in.queue = append(in.queue, message{channel, payload})
	in.bytes += len(payload)
	in.mu.Unlock()
	select {
	case in.wake <- struct{}{}:
	default:
	}
}

func (in *inbox) run() {
	defer close(in.done)
	var batch []message
	for range in.wake {
		in.mu.Lock()
		batch, in.queue = in.queue, batch[:0]
		in.bytes = 0
		if in.dropped > 0 {
			in.log.Error("redis adapter: cluster messages were dropped", "count", in.dropped)
			in.dropped = 0
		}
		closed := in.closed
		in.mu.Unlock()
		for i, m := range batch {
			in.handle(m.channel, m.payload)
			batch[i] = message{}
		}
		if closed {
			return
		}
	}
}

// close stops the inbox once what it holds is handled.
func (in *inbox) close() {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return
	}
	in.closed = true
	in.mu.Unlock()
	select {
	case in.wake <- struct{}{}:
	default:
	}
	<-in.done
}
