package redis

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// hooksTransport holds all of a server's subscriptions on one dedicated
// connection, whose messages rueidis hands to one hook, one at a time,
// in the order Redis sent them: a server's messages on different channels
// (a SocketsJoin on the request channel, then a broadcast to the room)
// are handled in the order they were published, as on a Node.js server,
// whose adapter reads one subscriber connection.
//
// One goroutine owns the connection: it dials it, makes the subscriptions
// what the adapters want (a reconciliation, so that callers never wait
// on the network unless they ask to), and when the connection breaks it
// dials again, with a backoff, and subscribes to everything again.
type hooksTransport struct {
	c       rueidis.Client
	sharded bool
	h       handler
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}

	mu        sync.Mutex
	want      map[string]bool // guarded by mu: "c:"+channel, "p:"+pattern
	confirmed map[string]bool // guarded by mu: what Redis confirmed on the current connection
	changed   chan struct{}   // guarded by mu: closed and replaced when confirmed changes
}

func newHooksTransport(c rueidis.Client, sharded bool, log *slog.Logger) func(handler) (transport, error) {
	return func(h handler) (transport, error) {
		ctx, cancel := context.WithCancel(context.Background())
		t := &hooksTransport{
			c: c, sharded: sharded, h: h, log: log, ctx: ctx, cancel: cancel,
			done: make(chan struct{}), wake: make(chan struct{}, 1),
			want: map[string]bool{}, confirmed: map[string]bool{}, changed: make(chan struct{}),
		}
		go t.run()
		return t, nil
	}
}

func (t *hooksTransport) publish(ctx context.Context, channel string, payload []byte) error {
	return publish(ctx, t.c, t.sharded, channel, payload)
}

func (t *hooksTransport) numsub(ctx context.Context, channel string) (int, error) {
	return numsub(ctx, t.c, t.sharded, channel)
}

func (t *hooksTransport) subscribe(ctx context.Context, channels ...string) error {
	return t.setAndWait(ctx, true, false, channels)
}

func (t *hooksTransport) unsubscribe(ctx context.Context, channels ...string) error {
	return t.setAndWait(ctx, false, false, channels)
}

func (t *hooksTransport) psubscribe(ctx context.Context, patterns ...string) error {
	return t.setAndWait(ctx, true, true, patterns)
}

func (t *hooksTransport) punsubscribe(ctx context.Context, patterns ...string) error {
	return t.setAndWait(ctx, false, true, patterns)
}

func (t *hooksTransport) watch(channel string)   { t.set(true, false, []string{channel}) }
func (t *hooksTransport) unwatch(channel string) { t.set(false, false, []string{channel}) }

// setAndWait changes what is wanted and waits until Redis confirmed it.
func (t *hooksTransport) setAndWait(ctx context.Context, on, pattern bool, names []string) error {
	keys := t.set(on, pattern, names)
	return t.wait(ctx, func() bool {
		for _, k := range keys {
			if t.confirmed[k] != on {
				return false
			}
		}
		return true
	})
}

// set changes what is wanted, and returns the keys of names.
func (t *hooksTransport) set(on, pattern bool, names []string) []string {
	keys := make([]string, len(names))
	t.mu.Lock()
	for i, n := range names {
		keys[i] = key(pattern, n)
		if on {
			t.want[keys[i]] = true
		} else {
			delete(t.want, keys[i])
		}
	}
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
	return keys
}

// wait waits until cond, called with mu held, holds.
func (t *hooksTransport) wait(ctx context.Context, cond func() bool) error {
	for {
		t.mu.Lock()
		ok, changed := cond(), t.changed
		t.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-t.ctx.Done():
			return errClosedTransport
		}
	}
}

func (t *hooksTransport) settle(ctx context.Context) {
	t.wait(ctx, func() bool {
		for k := range t.want {
			if !t.confirmed[k] {
				return false
			}
		}
		return true
	})
}

// confirm records a confirmation from Redis.
func (t *hooksTransport) confirm(s rueidis.PubSubSubscription) {
	k := key(strings.HasPrefix(s.Kind, "p"), s.Channel)
	on := !strings.Contains(s.Kind, "unsubscribe")
	t.mu.Lock()
	if on {
		t.confirmed[k] = true
	} else {
		delete(t.confirmed, k)
	}
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

// run owns the connection until close.
func (t *hooksTransport) run() {
	defer close(t.done)
	backoff := 100 * time.Millisecond
	for t.ctx.Err() == nil {
		err := t.connected()
		if t.ctx.Err() != nil {
			return
		}
		t.log.Warn("redis adapter: the subscription connection broke; reconnecting", "err", err, "in", backoff)
		select {
		case <-t.ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// connected dials a dedicated connection, subscribes to what is wanted
// and keeps it so until the connection breaks or the transport closes.
func (t *hooksTransport) connected() error {
	node := t.c
	if t.c.Mode() == rueidis.ClientModeCluster {
		// Classic pub/sub reaches every node of a Redis Cluster: any node
		// will do, the first in order.
		nodes := t.c.Nodes()
		addrs := slices.Sorted(maps.Keys(nodes))
		if len(addrs) == 0 {
			return errors.New("no node")
		}
		node = nodes[addrs[0]]
	}
	dc, release := node.Dedicate()
	defer release()
	broken := dc.SetPubSubHooks(rueidis.PubSubHooks{
		OnMessage:      func(m rueidis.PubSubMessage) { t.h(m.Channel, []byte(m.Message)) },
		OnSubscription: t.confirm,
	})
	defer func() {
		t.mu.Lock()
		clear(t.confirmed)
		close(t.changed)
		t.changed = make(chan struct{})
		t.mu.Unlock()
	}()
	have := map[string]bool{}
	for {
		if err := t.reconcile(dc, have); err != nil {
			return err
		}
		select {
		case err := <-broken:
			if err == nil {
				err = errors.New("closed")
			}
			return err
		case <-t.ctx.Done():
			return nil
		case <-t.wake:
		}
	}
}

// reconcile makes the subscriptions of dc, have, what is wanted.
func (t *hooksTransport) reconcile(dc rueidis.DedicatedClient, have map[string]bool) error {
	t.mu.Lock()
	var sub, unsub []string
	for k := range t.want {
		if !have[k] {
			sub = append(sub, k)
		}
	}
	for k := range have {
		if !t.want[k] {
			unsub = append(unsub, k)
		}
	}
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	for _, cmd := range t.commands(dc, sub, true) {
		if err := dc.Do(ctx, cmd).Error(); err != nil {
			return err
		}
	}
	for _, cmd := range t.commands(dc, unsub, false) {
		if err := dc.Do(ctx, cmd).Error(); err != nil {
			return err
		}
	}
	for _, k := range sub {
		have[k] = true
	}
	for _, k := range unsub {
		delete(have, k)
	}
	return nil
}

// commands are the commands that subscribe (or unsubscribe) keys: one
// per kind for channels and patterns; one per channel when sharded, as
// the channels of one SSUBSCRIBE must share a slot.
func (t *hooksTransport) commands(dc rueidis.DedicatedClient, keys []string, on bool) []rueidis.Completed {
	var channels, patterns []string
	for _, k := range keys {
		if strings.HasPrefix(k, "p:") {
			patterns = append(patterns, k[2:])
		} else {
			channels = append(channels, k[2:])
		}
	}
	b := dc.B()
	var out []rueidis.Completed
	if len(patterns) > 0 {
		if on {
			out = append(out, b.Psubscribe().Pattern(patterns...).Build())
		} else {
			out = append(out, b.Punsubscribe().Pattern(patterns...).Build())
		}
	}
	switch {
	case len(channels) == 0:
	case t.sharded:
		for _, c := range channels {
			if on {
				out = append(out, b.Ssubscribe().Channel(c).Build())
			} else {
				out = append(out, b.Sunsubscribe().Channel(c).Build())
			}
		}
	case on:
		out = append(out, b.Subscribe().Channel(channels...).Build())
	default:
		out = append(out, b.Unsubscribe().Channel(channels...).Build())
	}
	return out
}

func (t *hooksTransport) close() error {
	t.cancel()
	<-t.done
	return nil
}
