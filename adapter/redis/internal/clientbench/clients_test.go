package clientbench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// client is what the adapter asks of a Redis client, one implementation
// per library and way of using it.
type client interface {
	publish(ctx context.Context, channel string, payload []byte) error
	spublish(ctx context.Context, channel string, payload []byte) error
	numsub(ctx context.Context, channel string) (int64, error)
	shardnumsub(ctx context.Context, channel string) (int64, error)
	// subscribe receives, until stop is called, what is published on the
	// channels matching pattern, on channel, and on the shard channel
	// shard; fn runs on the client's goroutine.
	subscribe(ctx context.Context, pattern, channel, shard string, fn func(channel, payload string)) (stop func(), err error)
	// receiveErrors returns how often the receiving call of subscribe
	// returned an error and had to be called again, and the last error.
	receiveErrors() (int64, error)
	close()
}

// errorCount counts the errors of the receiving loop of a subscribe.
type errorCount struct {
	n    atomic.Int64
	mu   sync.Mutex
	last error
}

func (r *errorCount) add(err error) {
	r.n.Add(1)
	r.mu.Lock()
	r.last = err
	r.mu.Unlock()
}

func (r *errorCount) receiveErrors() (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n.Load(), r.last
}

// variant names a client and how to make one for a standalone server.
type variant struct {
	name string
	dial func(addr string) (client, error)
}

// variants are the clients compared. go-redis is a plain client, one
// pooled connection per command in flight, receiving with ReceiveMessage;
// go-redis/ap publishes through its (experimental) blocking
// autopipeliner; go-redis/ch receives from PubSub.Channel; rueidis
// pipelines on its own, and rueidis/20µs waits up to 20 µs after each
// write for more commands to batch (ClientOption.MaxFlushDelay).
var variants = []variant{
	{"go-redis", func(addr string) (client, error) {
		return &goredisClient{rdb: goredis.NewClient(&goredis.Options{Addr: addr})}, nil
	}},
	{"go-redis/ap", func(addr string) (client, error) {
		rdb := goredis.NewClient(&goredis.Options{Addr: addr})
		ap, err := rdb.AutoPipeline()
		if err != nil {
			rdb.Close()
			return nil, err
		}
		return &goredisClient{rdb: rdb, ap: ap}, nil
	}},
	{"go-redis/ch", func(addr string) (client, error) {
		return &goredisClient{rdb: goredis.NewClient(&goredis.Options{Addr: addr}), channel: true}, nil
	}},
	{"rueidis", func(addr string) (client, error) {
		return newRueidis(rueidis.ClientOption{InitAddress: []string{addr}})
	}},
	{"rueidis/20µs", func(addr string) (client, error) {
		return newRueidis(rueidis.ClientOption{InitAddress: []string{addr}, MaxFlushDelay: 20 * time.Microsecond})
	}},
}

// newRueidis makes a client for one server, with client-side caching off
// (it would turn on CLIENT TRACKING for nothing the adapter reads).
func newRueidis(opt rueidis.ClientOption) (client, error) {
	opt.ForceSingleClient = true
	opt.DisableCache = true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, err
	}
	return &rueidisClient{c: c}, nil
}

type goredisClient struct {
	rdb     *goredis.Client
	ap      *goredis.AutoPipeliner // publishes through it if not nil
	channel bool                   // receives with PubSub.Channel, not ReceiveMessage
	errorCount
}

func (c *goredisClient) publish(ctx context.Context, channel string, payload []byte) error {
	if c.ap != nil {
		return c.ap.Publish(ctx, channel, payload).Err()
	}
	return c.rdb.Publish(ctx, channel, payload).Err()
}

func (c *goredisClient) spublish(ctx context.Context, channel string, payload []byte) error {
	if c.ap != nil {
		return c.ap.SPublish(ctx, channel, payload).Err()
	}
	return c.rdb.SPublish(ctx, channel, payload).Err()
}

func (c *goredisClient) numsub(ctx context.Context, channel string) (int64, error) {
	m, err := c.rdb.PubSubNumSub(ctx, channel).Result()
	return m[channel], err
}

func (c *goredisClient) shardnumsub(ctx context.Context, channel string) (int64, error) {
	m, err := c.rdb.PubSubShardNumSub(ctx, channel).Result()
	return m[channel], err
}

// subscribe holds all three subscriptions on one PubSub, one connection,
// and reads it with ReceiveMessage, which resubscribes on the call after
// a connection error, or with Channel, which does it by itself.
func (c *goredisClient) subscribe(ctx context.Context, pattern, channel, shard string, fn func(channel, payload string)) (func(), error) {
	ps := c.rdb.PSubscribe(ctx, pattern)
	if err := errors.Join(ps.Subscribe(ctx, channel), ps.SSubscribe(ctx, shard)); err != nil {
		ps.Close()
		return nil, err
	}
	if c.channel {
		return readChannel(ps, fn), nil
	}
	return readPubSub(ctx, ps, fn, &c.errorCount), nil
}

// readPubSub calls fn for each message of ps until the returned stop is
// called, and counts the errors of ReceiveMessage in errs.
func readPubSub(ctx context.Context, ps *goredis.PubSub, fn func(channel, payload string), errs *errorCount) func() {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			m, err := ps.ReceiveMessage(ctx)
			if err != nil {
				if ctx.Err() == nil {
					errs.add(err)
				}
				continue
			}
			fn(m.Channel, m.Payload)
		}
	})
	return func() {
		cancel()
		ps.Close()
		wg.Wait()
	}
}

// readChannel calls fn for each message of ps.Channel until the returned
// stop is called.
func readChannel(ps *goredis.PubSub, fn func(channel, payload string)) func() {
	ch := ps.Channel()
	var wg sync.WaitGroup
	wg.Go(func() {
		for m := range ch {
			fn(m.Channel, m.Payload)
		}
	})
	return func() {
		ps.Close() // closes ch
		wg.Wait()
	}
}

func (c *goredisClient) close() {
	if c.ap != nil {
		c.ap.Close()
	}
	c.rdb.Close()
}

type rueidisClient struct {
	c rueidis.Client
	errorCount
}

func (c *rueidisClient) publish(ctx context.Context, channel string, payload []byte) error {
	return c.c.Do(ctx, c.c.B().Publish().Channel(channel).Message(rueidis.BinaryString(payload)).Build()).Error()
}

func (c *rueidisClient) spublish(ctx context.Context, channel string, payload []byte) error {
	return c.c.Do(ctx, c.c.B().Spublish().Channel(channel).Message(rueidis.BinaryString(payload)).Build()).Error()
}

// count reads the count of a PUBSUB NUMSUB-style reply, [channel, n].
func count(r rueidis.RedisResult) (int64, error) {
	a, err := r.ToArray()
	if err != nil {
		return 0, err
	}
	if len(a) != 2 {
		return 0, errors.New("unexpected reply")
	}
	return a[1].AsInt64()
}

func (c *rueidisClient) numsub(ctx context.Context, channel string) (int64, error) {
	return count(c.c.Do(ctx, c.c.B().PubsubNumsub().Channel(channel).Build()))
}

func (c *rueidisClient) shardnumsub(ctx context.Context, channel string) (int64, error) {
	return count(c.c.Do(ctx, c.c.B().PubsubShardnumsub().Channel(channel).Build()))
}

// subscribe runs one Receive per subscription: rueidis takes one
// subscribing command per call. The three share the client's connection.
func (c *rueidisClient) subscribe(ctx context.Context, pattern, channel, shard string, fn func(channel, payload string)) (func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	handler := func(m rueidis.PubSubMessage) { fn(m.Channel, m.Message) }
	var wg sync.WaitGroup
	for _, cmd := range []rueidis.Completed{
		c.c.B().Psubscribe().Pattern(pattern).Build(),
		c.c.B().Subscribe().Channel(channel).Build(),
		c.c.B().Ssubscribe().Channel(shard).Build(),
	} {
		wg.Go(func() { receive(ctx, c.c, cmd, handler, &c.errorCount) })
	}
	return func() {
		cancel()
		wg.Wait()
	}, nil
}

// receive runs Receive until ctx ends, and counts in errs the times it
// returned before. Receive returns if the server unsubscribes it, after a
// slot migration for instance, or if the subscribing command fails; it
// retries on connection errors by itself.
func receive(ctx context.Context, c rueidis.Client, cmd rueidis.Completed, fn func(rueidis.PubSubMessage), errs *errorCount) {
	cmd = cmd.Pin() // Receive recycles a command unless pinned
	for ctx.Err() == nil {
		err := c.Receive(ctx, cmd, fn)
		if ctx.Err() == nil {
			errs.add(fmt.Errorf("Receive returned: %w", err))
		}
	}
}

func (c *rueidisClient) close() { c.c.Close() }

func dial(t testing.TB, v variant, addr string) client {
	t.Helper()
	c, err := v.dial(addr)
	if err != nil {
		t.Fatalf("%s: %v", v.name, err)
	}
	t.Cleanup(c.close)
	return c
}
