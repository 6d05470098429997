package clientbench

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"

	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
)

// shardChannels are what the sharded adapter subscribes for "/" in its
// default mode: the main channel and one per room. Their slots fall on
// every node of a 3-master cluster.
var shardChannels = []string{
	"socket.io#/#", "socket.io#/#room-1#", "socket.io#/#room-2#", "socket.io#/#room-3#",
	"socket.io#/#room-4#", "socket.io#/#room-5#", "socket.io#/#room-6#",
}

// clusterSub is a way to subscribe to many shard channels of a cluster.
type clusterSub struct {
	name string
	// What it was found to do, which the test checks: whether every
	// channel receives, whether SHARDNUMSUB through the client reaches
	// the channel's node, and whether the subscription comes back after
	// its node restarts.
	allDelivered, countsRouted, recovers bool
	// start subscribes to channels and delivers to fn; it returns a
	// function that publishes with the same client, one that asks for
	// PUBSUB SHARDNUMSUB, and one that stops it all.
	start func(t *testing.T, addrs, channels []string, fn func(channel, payload string)) (
		spublish func(channel, payload string) error,
		shardnumsub func(channel string) (int64, error),
		stop func(),
		errs *errorCount)
}

var clusterSubs = []clusterSub{
	// One PubSub, as for a standalone server: the first channel picks its
	// node, and the others are subscribed on the same connection.
	{"go-redis, one PubSub", false, false, false, func(t *testing.T, addrs, channels []string, fn func(string, string)) (func(string, string) error, func(string) (int64, error), func(), *errorCount) {
		ctx := context.Background()
		rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: addrs})
		ps := rdb.SSubscribe(ctx, channels[0])
		for _, ch := range channels[1:] {
			if err := ps.SSubscribe(ctx, ch); err != nil {
				t.Logf("SSubscribe(%s): %v", ch, err)
			}
		}
		var errs errorCount
		stop := readPubSub(ctx, ps, fn, &errs)
		return goredisSPublish(rdb), goredisShardNumSub(rdb), func() { stop(); rdb.Close() }, &errs
	}},
	// A PubSub per node, each channel added to the PubSub of the node that
	// serves it, one SSubscribe call each, as the slots differ.
	{"go-redis, a PubSub per node", true, false, false, func(t *testing.T, addrs, channels []string, fn func(string, string)) (func(string, string) error, func(string) (int64, error), func(), *errorCount) {
		ctx := context.Background()
		rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: addrs})
		byNode := make(map[string]*goredis.PubSub)
		for _, ch := range channels {
			master, err := rdb.MasterForKey(ctx, ch)
			if err != nil {
				t.Fatal(err)
			}
			if ps := byNode[master.Options().Addr]; ps != nil {
				if err := ps.SSubscribe(ctx, ch); err != nil {
					t.Fatal(err)
				}
				continue
			}
			byNode[master.Options().Addr] = rdb.SSubscribe(ctx, ch)
		}
		var errs errorCount
		var stops []func()
		for _, ps := range byNode {
			stops = append(stops, readPubSub(ctx, ps, fn, &errs))
		}
		stop := func() {
			for _, s := range stops {
				s()
			}
			rdb.Close()
		}
		return goredisSPublish(rdb), goredisShardNumSub(rdb), stop, &errs
	}},
	// A PubSub per channel: each connects to the node of its channel.
	{"go-redis, a PubSub per channel", true, false, true, func(t *testing.T, addrs, channels []string, fn func(string, string)) (func(string, string) error, func(string) (int64, error), func(), *errorCount) {
		ctx := context.Background()
		rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: addrs})
		var errs errorCount
		var stops []func()
		for _, ch := range channels {
			stops = append(stops, readPubSub(ctx, rdb.SSubscribe(ctx, ch), fn, &errs))
		}
		stop := func() {
			for _, s := range stops {
				s()
			}
			rdb.Close()
		}
		return goredisSPublish(rdb), goredisShardNumSub(rdb), stop, &errs
	}},
	// A Receive per channel: rueidis sends each to the node of its slot,
	// on the connection it keeps to that node for everything else.
	{"rueidis, a Receive per channel", true, true, true, func(t *testing.T, addrs, channels []string, fn func(string, string)) (func(string, string) error, func(string) (int64, error), func(), *errorCount) {
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: addrs, DisableCache: true})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var errs errorCount
		var wg sync.WaitGroup
		for _, ch := range channels {
			wg.Go(func() {
				receive(ctx, c, c.B().Ssubscribe().Channel(ch).Build(), func(m rueidis.PubSubMessage) { fn(m.Channel, m.Message) }, &errs)
			})
		}
		spublish := func(ch, p string) error {
			return c.Do(context.Background(), c.B().Spublish().Channel(ch).Message(p).Build()).Error()
		}
		shardnumsub := func(ch string) (int64, error) {
			return count(c.Do(context.Background(), c.B().PubsubShardnumsub().Channel(ch).Build()))
		}
		return spublish, shardnumsub, func() { cancel(); wg.Wait(); c.Close() }, &errs
	}},
}

func goredisSPublish(rdb *goredis.ClusterClient) func(string, string) error {
	return func(ch, p string) error { return rdb.SPublish(context.Background(), ch, p).Err() }
}

func goredisShardNumSub(rdb *goredis.ClusterClient) func(string) (int64, error) {
	return func(ch string) (int64, error) {
		m, err := rdb.PubSubShardNumSub(context.Background(), ch).Result()
		return m[ch], err
	}
}

// TestClusterShardedPubSub subscribes to the shard channels of several
// rooms in a 3-master cluster with each client, publishes on each with
// SPUBLISH through the same client, and counts what arrives. It then
// kills and restarts the node of the main channel and publishes again.
// It logs what it found; it fails only if a client cannot do it at all.
func TestClusterShardedPubSub(t *testing.T) {
	for _, sub := range clusterSubs {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			cl := redistest.StartCluster(t, 3)
			owners := ownerNodes(t, cl, shardChannels)
			b := newInbox()
			spublish, shardnumsub, stop, errs := sub.start(t, cl.Addrs(), shardChannels, b.put)
			defer stop()

			var delivered, counted []string
			for _, ch := range shardChannels {
				p := "hello " + ch
				if _, ok := sendUntil(b, p, 2*time.Second, func() error { return spublish(ch, p) }); ok {
					delivered = append(delivered, ch)
				}
				if n, err := shardnumsub(ch); n == 1 && err == nil {
					counted = append(counted, ch)
				}
			}
			t.Logf("%s: channels on nodes %v: %d of %d delivered, %d of %d counted by SHARDNUMSUB through the client",
				sub.name, owners, len(delivered), len(shardChannels), len(counted), len(shardChannels))
			if got := len(delivered) == len(shardChannels); got != sub.allDelivered {
				t.Errorf("all channels delivered: %v, want %v", got, sub.allDelivered)
			}
			// A client that sends SHARDNUMSUB to any node may hit the
			// right ones by chance, (1/3)^7 of the time.
			if len(counted) != len(shardChannels) && sub.countsRouted {
				t.Errorf("%d of %d channels counted, want all", len(counted), len(shardChannels))
			}
			if len(delivered) == 0 {
				t.Fatal("no shard channel works")
			}

			// The node of the main channel, which was delivered by all,
			// dies and comes back with its slots, from its nodes.conf.
			main := shardChannels[0]
			node := cl.Nodes()[owners[0]]
			node.Kill()
			time.Sleep(downtime)
			node.Restart()
			cl.WaitOK()
			p := "after the restart"
			took, ok := sendUntil(b, p, 10*time.Second, func() error { return spublish(main, p) })
			if ok {
				t.Logf("%s: %s back %v after the cluster was ok again", sub.name, main, took.Round(time.Millisecond))
			} else {
				t.Logf("%s: %s: nothing arrived within 10s of the cluster being ok again", sub.name, main)
			}
			if ok != sub.recovers {
				t.Errorf("back after the restart: %v, want %v", ok, sub.recovers)
			}
			if n, err := errs.receiveErrors(); n > 0 {
				t.Logf("%s: the receiving loop saw %d errors, the last: %v", sub.name, n, err)
			}
		})
	}
}

// ownerNodes returns the index in cl.Nodes() of the node that serves
// each channel.
func ownerNodes(t *testing.T, cl *redistest.Cluster, channels []string) []int {
	t.Helper()
	addrs := cl.Addrs()
	rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: addrs})
	defer rdb.Close()
	var owners []int
	for _, ch := range channels {
		c, err := rdb.MasterForKey(context.Background(), ch)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.Index(addrs, c.Options().Addr)
		if i < 0 {
			t.Fatalf("%s is served by %s, not a node of %v", ch, c.Options().Addr, addrs)
		}
		owners = append(owners, i)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(owners)))) != len(addrs) {
		t.Fatalf("the channels fall on nodes %v: not on all %d", owners, len(addrs))
	}
	return owners
}
