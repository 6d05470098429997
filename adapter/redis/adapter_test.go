package redis_test

import (
	"fmt"
	"testing"

	"github.com/redis/rueidis"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/adapter/adaptertest"
	redisadapter "github.com/ab218a8d/socketio/adapter/redis"
	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
)

// newClient connects to Redis at addrs until the test ends.
func newClient(t testing.TB, addrs ...string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: addrs, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestClassicConformance(t *testing.T) {
	for _, specific := range []bool{false, true} {
		name := map[bool]string{false: "SharedResponses", true: "SpecificResponses"}[specific]
		t.Run(name, func(t *testing.T) {
			adaptertest.Run(t, 3, func(t *testing.T) func() adapter.Factory {
				srv := redistest.Start(t)
				return func() adapter.Factory {
					// Each server has its own client, as it would in its own process.
					return redisadapter.NewAdapter(newClient(t, srv.Addr()), &redisadapter.Options{PublishOnSpecificResponseChannel: specific})
				}
			})
		})
	}
}

func TestShardedConformance(t *testing.T) {
	for _, mode := range []redisadapter.SubscriptionMode{redisadapter.Dynamic, redisadapter.DynamicPrivate, redisadapter.Static} {
		t.Run(mode.String(), func(t *testing.T) {
			adaptertest.Run(t, 3, func(t *testing.T) func() adapter.Factory {
				srv := redistest.Start(t)
				return func() adapter.Factory {
					return redisadapter.NewShardedAdapter(newClient(t, srv.Addr()), &redisadapter.ShardedOptions{SubscriptionMode: mode})
				}
			}, adaptertest.Settle(redisadapter.Settle))
		})
	}
}

// On a Redis Cluster, each channel lives on the node of its slot: the
// servers' subscriptions, publications and counts follow them there. One
// cluster serves every check, each on channels of its own.
func TestShardedConformanceOnARedisCluster(t *testing.T) {
	cluster := redistest.StartCluster(t, 3)
	n := 0
	for _, mode := range []redisadapter.SubscriptionMode{redisadapter.Dynamic, redisadapter.DynamicPrivate} {
		t.Run(mode.String(), func(t *testing.T) {
			adaptertest.Run(t, 3, func(t *testing.T) func() adapter.Factory {
				n++
				prefix := fmt.Sprintf("test%d", n)
				return func() adapter.Factory {
					return redisadapter.NewShardedAdapter(newClient(t, cluster.Addrs()...), &redisadapter.ShardedOptions{ChannelPrefix: prefix, SubscriptionMode: mode})
				}
			}, adaptertest.Settle(redisadapter.Settle))
		})
	}
}

func TestClassicConformanceOnARedisCluster(t *testing.T) {
	cluster := redistest.StartCluster(t, 3)
	n := 0
	adaptertest.Run(t, 3, func(t *testing.T) func() adapter.Factory {
		n++
		key := fmt.Sprintf("test%d", n)
		return func() adapter.Factory {
			return redisadapter.NewAdapter(newClient(t, cluster.Addrs()...), &redisadapter.Options{Key: key})
		}
	})
}
