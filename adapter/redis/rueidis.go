package redis

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// rueidisTransport is the transport on a rueidis client. Each
// subscription is one Receive on a goroutine of its own (rueidis takes one
// subscribing command per call, and resubscribes it after a reconnection
// by itself); the messages of all of them share the client's connections.
type rueidisTransport struct {
	c       rueidis.Client
	sharded bool
	h       handler
	log     *slog.Logger

	ctx    context.Context // ends with close
	cancel context.CancelFunc

	mu   sync.Mutex
	subs map[string]*subscription // guarded by mu: by "c:"+channel or "p:"+pattern
	wg   sync.WaitGroup
}

type subscription struct {
	cancel context.CancelFunc
	ready  chan struct{} // closed on the server's first confirmation
	done   chan struct{} // closed when the Receive loop has ended
}

func newRueidisTransport(c rueidis.Client, sharded bool, log *slog.Logger) func(handler) (transport, error) {
	return func(h handler) (transport, error) {
		ctx, cancel := context.WithCancel(context.Background())
		return &rueidisTransport{c: c, sharded: sharded, h: h, log: log, ctx: ctx, cancel: cancel, subs: make(map[string]*subscription)}, nil
	}
}

func (t *rueidisTransport) publish(ctx context.Context, channel string, payload []byte) error {
	return publish(ctx, t.c, t.sharded, channel, payload)
}

// publish sends payload on channel with PUBLISH, or SPUBLISH when
// sharded.
func publish(ctx context.Context, c rueidis.Client, sharded bool, channel string, payload []byte) error {
	var cmd rueidis.Completed
	if sharded {
		cmd = c.B().Spublish().Channel(channel).Message(rueidis.BinaryString(payload)).Build()
	} else {
		cmd = c.B().Publish().Channel(channel).Message(rueidis.BinaryString(payload)).Build()
	}
	return c.Do(ctx, cmd).Error()
}

func (t *rueidisTransport) subscribe(ctx context.Context, channels ...string) error {
	return t.start(ctx, false, channels)
}

func (t *rueidisTransport) psubscribe(ctx context.Context, patterns ...string) error {
	return t.start(ctx, true, patterns)
}

func (t *rueidisTransport) unsubscribe(ctx context.Context, channels ...string) error {
	return t.stop(ctx, false, channels)
}

func (t *rueidisTransport) punsubscribe(ctx context.Context, patterns ...string) error {
	return t.stop(ctx, true, patterns)
}

func (t *rueidisTransport) watch(channel string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k := key(false, channel); t.ctx.Err() == nil && t.subs[k] == nil {
		t.subs[k] = t.receive(false, channel)
	}
}

func (t *rueidisTransport) unwatch(channel string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := key(false, channel)
	if s := t.subs[k]; s != nil {
		delete(t.subs, k)
		s.cancel()
	}
}

func (t *rueidisTransport) settle(ctx context.Context) {
	t.mu.Lock()
	wait := make([]*subscription, 0, len(t.subs))
	for _, s := range t.subs {
		wait = append(wait, s)
	}
	t.mu.Unlock()
	for _, s := range wait {
		select {
		case <-s.ready:
		case <-ctx.Done():
			return
		}
	}
}

func key(pattern bool, name string) string {
	if pattern {
		return "p:" + name
	}
	return "c:" + name
}

// start subscribes to each of names not subscribed yet, and waits for the
// server's confirmations (so that the server counts in NUMSUB at once),
// or ctx.
func (t *rueidisTransport) start(ctx context.Context, pattern bool, names []string) error {
	var wait []*subscription
	t.mu.Lock()
	if t.ctx.Err() != nil {
		t.mu.Unlock()
		return errClosedTransport
	}
	for _, name := range names {
		k := key(pattern, name)
		if s := t.subs[k]; s != nil {
			wait = append(wait, s)
			continue
		}
		s := t.receive(pattern, name)
		t.subs[k] = s
		wait = append(wait, s)
	}
	t.mu.Unlock()
	for _, s := range wait {
		select {
		case <-s.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

var errClosedTransport = errors.New("redis adapter: closed")

// receive runs the subscription to name until it is cancelled: Receive
// returns nil when the server ends the subscription (a slot that
// migrates, in a cluster), and is called again.
func (t *rueidisTransport) receive(pattern bool, name string) *subscription {
	ctx, cancel := context.WithCancel(t.ctx)
	s := &subscription{cancel: cancel, ready: make(chan struct{}), done: make(chan struct{})}
	var once sync.Once
	ctx = rueidis.WithOnSubscriptionHook(ctx, func(c rueidis.PubSubSubscription) {
		if !strings.Contains(c.Kind, "unsubscribe") {
			once.Do(func() { close(s.ready) })
		}
	})
	// Cancelling Receive leaves the server subscribed: the hook tells it,
	// on the connection the subscription is on.
	ctx = rueidis.WithOnReceiveReturnHook(ctx, func(err error, c rueidis.CommandClient) error {
		if !errors.Is(err, context.Canceled) {
			return nil // the server ended it, or it failed: nothing to undo
		}
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return c.Do(uctx, t.unsubscribeCmd(pattern, name)).Error()
	})
	fn := func(m rueidis.PubSubMessage) { t.h(m.Channel, []byte(m.Message)) }
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer close(s.done)
		backoff := 100 * time.Millisecond
		for ctx.Err() == nil {
			err := t.c.Receive(ctx, t.subscribeCmd(pattern, name), fn)
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				backoff = 100 * time.Millisecond
				continue // unsubscribed by the server: subscribe again
			}
			t.log.Warn("redis adapter: subscription failed, retrying", "channel", name, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}()
	return s
}

func (t *rueidisTransport) subscribeCmd(pattern bool, name string) rueidis.Completed {
	switch {
	case pattern:
		return t.c.B().Psubscribe().Pattern(name).Build()
	case t.sharded:
		return t.c.B().Ssubscribe().Channel(name).Build()
	}
	return t.c.B().Subscribe().Channel(name).Build()
}

func (t *rueidisTransport) unsubscribeCmd(pattern bool, name string) rueidis.Completed {
	switch {
	case pattern:
		return t.c.B().Punsubscribe().Pattern(name).Build()
	case t.sharded:
		return t.c.B().Sunsubscribe().Channel(name).Build()
	}
	return t.c.B().Unsubscribe().Channel(name).Build()
}

// stop ends the subscriptions to names, and waits for their Receive to
// return (which unsubscribes on the server), or ctx.
func (t *rueidisTransport) stop(ctx context.Context, pattern bool, names []string) error {
	var wait []*subscription
	t.mu.Lock()
	for _, name := range names {
		k := key(pattern, name)
		if s := t.subs[k]; s != nil {
			delete(t.subs, k)
			s.cancel()
			wait = append(wait, s)
		}
	}
	t.mu.Unlock()
	for _, s := range wait {
		select {
		case <-s.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (t *rueidisTransport) numsub(ctx context.Context, channel string) (int, error) {
	return numsub(ctx, t.c, t.sharded, channel)
}

// numsub counts the subscribers of channel: PUBSUB SHARDNUMSUB when
// sharded, PUBSUB NUMSUB summed over the nodes otherwise.
func numsub(ctx context.Context, c rueidis.Client, sharded bool, channel string) (int, error) {
	if sharded {
		// A shard channel's subscribers are on the node of its slot, where
		// rueidis sends the command.
		return count(c.Do(ctx, c.B().PubsubShardnumsub().Channel(channel).Build()))
	}
	// PUBSUB NUMSUB has no key: in a Redis Cluster each node counts its own
	// subscribers, and the reference sums them over the nodes.
	total := 0
	for _, n := range c.Nodes() {
		k, err := count(n.Do(ctx, n.B().PubsubNumsub().Channel(channel).Build()))
		if err != nil {
			return 0, err
		}
		total += k
	}
	return total, nil
}

// count reads the reply of PUBSUB NUMSUB and SHARDNUMSUB for one channel:
// [channel, n].
func count(r rueidis.RedisResult) (int, error) {
	a, err := r.ToArray()
	if err != nil {
		return 0, err
	}
	if len(a) != 2 {
		return 0, errors.New("redis adapter: unexpected reply to PUBSUB NUMSUB")
	}
	n, err := a[1].AsInt64()
	return int(n), err
}

func (t *rueidisTransport) close() error {
	t.mu.Lock()
	subs := t.subs
	t.subs = map[string]*subscription{}
	t.mu.Unlock()
	for _, s := range subs {
		s.cancel()
	}
	t.wg.Wait()
	t.cancel()
	return nil
}
