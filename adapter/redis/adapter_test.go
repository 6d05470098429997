package redis_test

import (
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
